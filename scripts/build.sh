#!/usr/bin/env bash
# Builds the panel: one `cargo build -p server`. Its build script (server/build.rs) builds the
# wasm front end (the `hydrate` crate for wasm32 in the `wasm-release` profile), runs wasm-bindgen
# (as a library: no CLI to install), precompresses the site (gzip -9, brotli q11) and embeds it in
# the binary, which then needs no file beside it. No cargo-leptos: measured here, it adds ~10
# minutes of tool install for no build-time gain on 2 cores (see ../shared/leptos-recipe.md).
#
# The embedded site is also exported into target/site (raw files beside their .gz and .br), for
# the benchmarks' per-asset table and for `serve --site-root`.
#
# Usage: scripts/build.sh [--release | --debug]   (default --release)
#   --release: the server in `release` (stripped), as installed
#   --debug:   the server in `dev` (the tests' build); the wasm is `wasm-release` either way
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:---release}
scripts/ensure-tools.sh >/dev/null
unset LEPTOS_OUTPUT_NAME

case "$mode" in
  --release) profile=(--release) ;;
  --debug) profile=() ;;
  *) echo "usage: scripts/build.sh [--release|--debug]" >&2; exit 2 ;;
esac

echo "build: server with the site embedded (the first build also builds the wasm: a few minutes)" >&2
messages=$(mktemp)
trap 'rm -f "$messages"' EXIT
cargo build -p server --locked "${profile[@]}" --message-format=json-render-diagnostics > "$messages"
out_dir=$(python3 -c '
import json, sys
for line in open(sys.argv[1]):
    m = json.loads(line)
    if m.get("reason") == "build-script-executed" and m["package_id"].split("#")[0].endswith("/server"):
        print(m["out_dir"])
' "$messages" | tail -1)
[ -d "$out_dir/site/pkg" ] || { echo "build: the build script left no site in ${out_dir:-OUT_DIR}" >&2; exit 1; }

site=target/site
rm -rf "$site"
mkdir -p "$site"
cp -R "$out_dir/site/." "$site/"
rm -f "$site/.stamp"
for gz in "$site"/pkg/*.gz; do
  gzip -dc "$gz" > "${gz%.gz}"
done
name=openclaw-auth-panel
wasm="$site/pkg/${name}_bg.wasm"
bin=target/$([ "$mode" = --release ] && echo release || echo debug)/$name
echo "build: done; $bin $(stat -c %s "$bin") bytes; wasm $(stat -c %s "$wasm") bytes raw, $(stat -c %s "$wasm.gz") gzip, $(stat -c %s "$wasm.br") brotli" >&2
