#!/usr/bin/env bash
# Installs the build and test tools the panel needs, skipping each one that is already there:
#   - the wasm32-unknown-unknown rustc target (the build script builds the front end for it;
#     wasm-bindgen and the compression run as libraries inside the build, nothing else to install)
#   - with --browser, the test-only tools: Debian's chromium (test tools cannot download browsers
#     here), Playwright's test runner (npm, in end2end/, browser download skipped), Debian's
#     prometheus (prometheus and promtool), systemd (systemd-analyze verifies the service unit)
#     and man-db (the packaged man page is read back)
#   - with --package, cargo-deb (scripts/package.sh), into the cache dir, not ~/.cargo
# Prints the directory to put first on PATH for the tools it installed.
#
# Usage: scripts/ensure-tools.sh [--browser] [--package]
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

browser=false
package=false
for arg in "$@"; do
  case "$arg" in
    --browser) browser=true ;;
    --package) package=true ;;
    *) echo "usage: scripts/ensure-tools.sh [--browser] [--package]" >&2; exit 2 ;;
  esac
done

# Debian packages by the command that proves them installed.
apt_missing=()
need() { command -v "$1" >/dev/null 2>&1 || apt_missing+=("$2"); }
if $browser; then
  need chromium chromium
  need systemd-analyze systemd
  need man man-db
fi
if [ ${#apt_missing[@]} -gt 0 ]; then
  echo "tools: installing Debian's ${apt_missing[*]}" >&2
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${apt_missing[@]}" >&2
fi

if $package && ! command -v cargo-deb >/dev/null 2>&1; then
  echo "tools: installing cargo-deb (about 2 minutes)" >&2
  cargo install --quiet --locked --root "$tools" cargo-deb >&2
fi

if $browser; then
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
