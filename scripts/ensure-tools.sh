#!/usr/bin/env bash
# Installs the build and test tools the panel needs, skipping each one that is already there:
#   - the wasm32-unknown-unknown rustc target
#   - the wasm-bindgen CLI at exactly the version in Cargo.lock (into the cache dir, not ~/.cargo)
#   - Debian's chromium (browser tests; test tools cannot download browsers here)
#   - Playwright's test runner (npm, in end2end/, browser download skipped)
#   - Debian's brotli (the build precompresses the site)
#   - Debian's prometheus (prometheus and promtool: the alert rules' tests, the Prometheus test)
# Prints the directory to put first on PATH for the tools it installed.
#
# Usage: scripts/ensure-tools.sh [--browser]   (--browser also installs the test-only tools:
#                                               chromium, Playwright and prometheus)
set -euo pipefail
cd "$(dirname "$0")/.."

cache=${OPENCLAW_PANEL_CACHE:-$HOME/.cache/openclaw-auth-panel}
tools="$cache/tools"
mkdir -p "$tools"
export PATH="$tools/bin:$PATH"

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  echo "tools: adding rustc target wasm32-unknown-unknown" >&2
  rustup target add wasm32-unknown-unknown >&2
fi

want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  echo "tools: installing wasm-bindgen-cli $want (about 2 minutes)" >&2
  # Not --locked: its lock pins a webpki-roots release the reachable registry does not serve.
  cargo install --quiet --root "$tools" --version "=$want" wasm-bindgen-cli >&2
fi

# The build precompresses the site's files (brotli beside gzip).
if ! command -v brotli >/dev/null 2>&1; then
  echo "tools: installing Debian's brotli" >&2
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq brotli >&2
fi

if [ "${1:-}" = "--browser" ]; then
  if ! command -v chromium >/dev/null 2>&1; then
    echo "tools: installing Debian's chromium" >&2
    if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >&2
  fi
  if ! command -v prometheus >/dev/null 2>&1 || ! command -v promtool >/dev/null 2>&1; then
    echo "tools: installing Debian's prometheus" >&2
    if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends prometheus >&2
    # The package enables a system Prometheus on :9090; the tests start their own, so stop it.
    if command -v systemctl >/dev/null 2>&1; then
      $sudo systemctl disable --now prometheus.service >/dev/null 2>&1 || true
    fi
  fi
  if [ ! -x end2end/node_modules/.bin/playwright ]; then
    echo "tools: installing Playwright (browser download skipped)" >&2
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >&2)
  fi
fi
echo "$tools/bin"
