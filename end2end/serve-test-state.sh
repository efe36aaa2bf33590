#!/usr/bin/env bash
# Started by Playwright: writes a fresh demo state into end2end/.tmp/state and serves it.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${1:-18786}
bin=${PANEL_BIN:-target/debug/openclaw-auth-panel}
tmp=end2end/.tmp
rm -rf "$tmp"
mkdir -p "$tmp"
"$bin" seed-demo --state-dir "$tmp/state/.openclaw" >/dev/null
exec "$bin" serve --state-dir "$tmp/state/.openclaw" --bind "127.0.0.1:$port" --no-process-env --site-root target/site
