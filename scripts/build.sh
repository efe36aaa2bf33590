#!/usr/bin/env bash
# Builds the panel: the wasm front end (wasm-bindgen'd into target/site/pkg), the CSS and public
# files, and the server binary. No cargo-leptos: measured here, it adds ~10 minutes of tool
# install for no build-time gain on 2 cores (see ../shared/leptos-recipe.md).
#
# Usage: scripts/build.sh [--release | --debug]   (default --release)
#   --release: wasm in the size-optimised `wasm-release` profile, server in `release`
#   --debug:   wasm in `wasm-release` too (same build time, small download), server in `dev`
# Never export LEPTOS_OUTPUT_NAME here: the server must be compiled without it (see the recipe).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:---release}
tools_bin=$(scripts/ensure-tools.sh)
export PATH="$tools_bin:$PATH"
unset LEPTOS_OUTPUT_NAME

site=target/site
name=openclaw-auth-panel

echo "build: wasm front end" >&2
cargo build -p hydrate --lib --target wasm32-unknown-unknown --profile wasm-release
mkdir -p "$site/pkg"
wasm-bindgen --target web --no-typescript --remove-name-section --out-name "$name" \
  --out-dir "$site/pkg" target/wasm32-unknown-unknown/wasm-release/hydrate.wasm
cp -R public/. "$site/"
cp style/main.css "$site/pkg/$name.css"

echo "build: server" >&2
case "$mode" in
  --release) cargo build -p server --release ;;
  --debug) cargo build -p server ;;
  *) echo "usage: scripts/build.sh [--release|--debug]" >&2; exit 2 ;;
esac
# Precompressed variants, served as the browser accepts (server/src/assets.rs); never compressed
# per request. Old variants go first so a stale one is never served beside a new file.
rm -f "$site"/pkg/*.gz "$site"/pkg/*.br
for file in "$site"/pkg/*.wasm "$site"/pkg/*.js "$site"/pkg/*.css; do
  gzip -9 -n -k -f "$file"
  brotli -q 11 -k -f "$file"
done
wasm="$site/pkg/${name}_bg.wasm"
echo "build: done; wasm $(stat -c %s "$wasm") bytes raw, $(stat -c %s "$wasm.gz") gzip, $(stat -c %s "$wasm.br") brotli" >&2
