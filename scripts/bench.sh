#!/usr/bin/env bash
# The `bench` command: measures our `status --json` against OpenClaw's `models status --json`
# (wall time and max RSS, several runs, medians and ratios) on states OpenClaw itself wrote, and
# our status computation at 1×2, 50×10 and 500×20 agents×profiles, login latency with and
# without a lockout, our write commands against OpenClaw's, save latency per era, the time from
# Save to the refreshed row in Chromium, the wasm size, and our live check against OpenClaw's
# models.probe on the same provider stand-in; writes BENCHMARKS.md.
#
# Usage: scripts/bench.sh [--runs N]   (default 7 runs of each CLI per version)
set -euo pipefail
cd "$(dirname "$0")/.."

runs=7
[ "${1:-}" = "--runs" ] && runs=$2

scripts/build.sh --release >&2
oracle=$(scripts/install-oracle.sh)
scale=$(mktemp)
login=$(mktemp)
save=$(mktemp)
ui_save=$(mktemp)
wasm_size=$(mktemp)
probe=$(mktemp)
page=$(mktemp)
trap 'rm -f "$scale" "$login" "$save" "$ui_save" "$wasm_size" "$probe" "$page"' EXIT
echo "bench: status computation at scale" >&2
PANEL_BIN=target/release/openclaw-auth-panel cargo bench -q -p server --bench status_scale | grep '^{' > "$scale"
echo "bench: login and throttled login" >&2
cargo bench -q -p server --bench login | grep '^{' > "$login"
echo "bench: save latency per era" >&2
cargo bench -q -p server --bench save_latency | grep '^{' > "$save"
echo "bench: live check against OpenClaw's models.probe (real 2026.9.6 gateway; the 429 case takes minutes)" >&2
ORACLE_DIR="$oracle" cargo bench -q -p server --bench probe_vs_openclaw | grep '^{' > "$probe"
echo "bench: save to refreshed row in Chromium (release server, 50 saves)" >&2
tools_bin=$(scripts/ensure-tools.sh --browser)
rm -f end2end/test-results/save-latency.json
(cd end2end && PATH="$tools_bin:$PATH" PANEL_BIN=target/release/openclaw-auth-panel BENCH_SAVES=50 \
  npx playwright test --project=http tests/writes.spec.ts -g "save to refreshed row") >&2
cp end2end/test-results/save-latency.json "$ui_save"
if ! command -v wrk >/dev/null 2>&1; then
  echo "bench: installing Debian's wrk" >&2
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get install -y -qq wrk >&2 || { $sudo apt-get update -qq >&2 && $sudo apt-get install -y -qq wrk >&2; }
fi
echo "bench: the page under wrk and the server's memory" >&2
scripts/page-bench.sh target/release/openclaw-auth-panel > "$page"
wasm=target/site/pkg/openclaw-auth-panel_bg.wasm
echo "{\"raw\": $(stat -c %s "$wasm"), \"gzip\": $(gzip -9c "$wasm" | wc -c)}" > "$wasm_size"
echo "bench: CLIs side by side ($runs runs each)" >&2
python3 scripts/bench.py --oracle-dir "$oracle" --panel target/release/openclaw-auth-panel \
  --runs "$runs" --scale "$scale" --login "$login" --save "$save" --ui-save "$ui_save" --wasm-size "$wasm_size" --probe "$probe" --page "$page" --binary target/release/openclaw-auth-panel --out BENCHMARKS.md
echo "bench: wrote BENCHMARKS.md" >&2
