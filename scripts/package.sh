#!/usr/bin/env bash
# Builds the Debian package of the panel and prints its path:
#   target/debian/openclaw-auth-panel_<version>-1_<arch>.deb
# holding the release binary (the site built into it), the systemd user unit
# (/usr/lib/systemd/user/openclaw-auth-panel.service, every path by specifier, so any user can
# `systemctl --user enable --now openclaw-auth-panel`), man pages generated from the command line
# (openclaw-auth-panel(1) and one per command), and bash, zsh and fish completions.
# Installs cargo-deb first if it is missing (scripts/ensure-tools.sh --package).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$(scripts/ensure-tools.sh --package):$PATH"

echo "package: release build" >&2
cargo build -p server --release --locked >&2
bin=target/release/openclaw-auth-panel
assets=target/release/package
rm -rf "$assets"
mkdir -p "$assets"
"$bin" generate man "$assets/man"
gzip -9n "$assets"/man/*.1
"$bin" generate completions "$assets/completions"
"$bin" service unit --exec /usr/bin/openclaw-auth-panel > "$assets/openclaw-auth-panel.service"

echo "package: cargo deb" >&2
rm -f target/debian/openclaw-auth-panel_*.deb
cargo deb -p server --no-build --no-strip --output target/debian/ >&2
deb=$(ls target/debian/openclaw-auth-panel_*.deb)
echo "package: $deb, $(stat -c %s "$deb") bytes; binary $(stat -c %s "$bin") bytes" >&2
echo "$deb"
