#!/usr/bin/env bash
# The `bench` command: measures our `status --json` against OpenClaw's `models status --json`
# (wall time and max RSS, several runs, medians and ratios) on states OpenClaw itself wrote, and
# our status computation at 1×2, 50×10 and 500×20 agents×profiles, login latency with and
# without a lockout, our write commands against OpenClaw's, and save latency per era; writes
# BENCHMARKS.md.
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
trap 'rm -f "$scale" "$login" "$save"' EXIT
echo "bench: status computation at scale" >&2
cargo bench -q -p server --bench status_scale | grep '^{' > "$scale"
echo "bench: login and throttled login" >&2
cargo bench -q -p server --bench login | grep '^{' > "$login"
echo "bench: save latency per era" >&2
cargo bench -q -p server --bench save_latency | grep '^{' > "$save"
echo "bench: CLIs side by side ($runs runs each)" >&2
python3 scripts/bench.py --oracle-dir "$oracle" --panel target/release/openclaw-auth-panel \
  --runs "$runs" --scale "$scale" --login "$login" --save "$save" --out BENCHMARKS.md
echo "bench: wrote BENCHMARKS.md" >&2
