#!/usr/bin/env bash
# The Debian package as an admin meets it (issue 20), on this machine: build it
# (scripts/package.sh), install it with dpkg, then check the installed binary (`--version` names
# this commit; it serves the page and its wasm from the site built into it, started in an empty
# directory), `man openclaw-auth-panel`, the completions, the user unit (systemd-analyze verify,
# man page reference included), and remove it again: nothing of it left. Needs root or sudo.
# Refuses to run where the package is already installed (it would be removed at the end).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
fail() { echo "package-test: FAILED: $*" >&2; exit 1; }

if dpkg -s openclaw-auth-panel >/dev/null 2>&1; then
  fail "openclaw-auth-panel is installed here already; remove it first (dpkg -r openclaw-auth-panel)"
fi
deb=$(scripts/package.sh)
work=$(mktemp -d)
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  $sudo dpkg -r openclaw-auth-panel >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "package-test: $(dpkg-deb --field "$deb" Package Version Architecture Depends | tr '\n' ' ')" >&2
$sudo dpkg -i "$deb" >&2

version=$(/usr/bin/openclaw-auth-panel --version)
head=$(git rev-parse --short=12 HEAD)
[[ "$version" == "openclaw-auth-panel "*"($head)" ]] || fail "--version says '$version', expected this commit $head"
echo "package-test: --version: $version" >&2
# Installed without its symbol table (`strip = true`): a per-package profile override once made
# cargo keep 27 MB of symbols in it without a word.
sections=$(readelf -S -W /usr/bin/openclaw-auth-panel)
if grep -q ' \.symtab ' <<<"$sections"; then
  fail "the installed binary still has its symbol table; see [profile.release] in Cargo.toml"
fi
echo "package-test: binary $(stat -c %s /usr/bin/openclaw-auth-panel) bytes, stripped" >&2

MANPAGER=cat MANWIDTH=100 man openclaw-auth-panel > "$work/man.txt" 2>&1 || fail "man openclaw-auth-panel: $(cat "$work/man.txt")"
grep -q "service" "$work/man.txt" || fail "the man page does not list the service command"
man -w openclaw-auth-panel-service >/dev/null || fail "no man page for the service command"
echo "package-test: man openclaw-auth-panel: $(wc -l < "$work/man.txt") lines" >&2
for f in /usr/share/bash-completion/completions/openclaw-auth-panel /usr/share/zsh/vendor-completions/_openclaw-auth-panel \
  /usr/share/fish/vendor_completions.d/openclaw-auth-panel.fish; do
  [ -s "$f" ] || fail "missing completion $f"
done
bash -c 'source /usr/share/bash-completion/completions/openclaw-auth-panel && complete -p openclaw-auth-panel' >/dev/null \
  || fail "the bash completion does not load"

unit=/usr/lib/systemd/user/openclaw-auth-panel.service
mkdir -m 700 "$work/run"
if ! out=$(XDG_RUNTIME_DIR="$work/run" systemd-analyze --user verify "$unit" 2>&1) || [ -n "$out" ]; then
  fail "systemd-analyze verify $unit: $out"
fi
echo "package-test: the packaged unit verifies (man page reference included)" >&2

# The installed binary alone, in an empty directory: the page names its wasm, which is served.
mkdir "$work/empty" "$work/home"
(cd "$work/empty" && HOME="$work/home" exec /usr/bin/openclaw-auth-panel serve --demo --bind 127.0.0.1:0 \
  --alert-interval 0 > "$work/serve.log" 2>&1) &
pid=$!
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's|.*serving on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$work/serve.log" | head -1)
  [ -n "$port" ] && break
  sleep 0.2
done
[ -n "$port" ] || fail "the installed panel did not start: $(cat "$work/serve.log")"
page=$(curl -fsS "http://127.0.0.1:$port/setup")
wasm_path=$(grep -o '/pkg/[0-9a-f]*/openclaw-auth-panel_bg.wasm' <<<"$page" | head -1)
[ -n "$wasm_path" ] || fail "the page names no wasm"
code=$(curl -s -o "$work/wasm" -w '%{http_code}' -H 'accept-encoding: br' "http://127.0.0.1:$port$wasm_path")
[ "$code" = 200 ] && [ "$(stat -c %s "$work/wasm")" -gt 100000 ] || fail "the wasm was not served ($code)"
kill -TERM "$pid"
wait "$pid" || fail "the panel did not exit 0 on SIGTERM"
pid=""
grep -q $'\e' "$work/serve.log" && fail "escape codes in a log written to a file"
echo "package-test: the installed binary served the page and its wasm from $work/empty, stopped cleanly" >&2

$sudo dpkg -r openclaw-auth-panel >&2
[ ! -e /usr/bin/openclaw-auth-panel ] && [ ! -e "$unit" ] || fail "files left after dpkg -r"
echo "package-test: removed; nothing left" >&2
echo "package-test: ok ($(stat -c %s "$deb") bytes .deb)"
