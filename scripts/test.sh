#!/usr/bin/env bash
# Runs every test of the panel, installing what it needs first (skipping what is there):
#   1. tools: wasm32 target, Debian chromium, Playwright, Debian prometheus, systemd and man-db,
#      cargo-deb (scripts/ensure-tools.sh)
#   2. format and lint: cargo fmt --check, clippy -D warnings for the server side and the wasm side
#   3. unit and integration tests: cargo test (state readers on real-OpenClaw fixtures, router tests)
#   4. Prometheus: promtool checks and unit-tests the alert rules (monitoring/), and a real
#      Prometheus scrapes the built panel with its token and fires the expiring alert
#      (server/tests/prometheus_real.rs, ignored by default, never skipped here)
#   5. a build of the server with its site embedded (scripts/build.sh --debug)
#   6. browser tests: Playwright in Debian's chromium against the built server (the write pages'
#      orders are read back with OpenClaw 2026.9.6's own `models auth order get`)
#      and the Gateway card against a real 2026.9.6 gateway (end2end/tests/gateway.spec.ts)
#   7. the Debian package: built, installed with dpkg, its binary, man page, completions and unit
#      checked, removed (scripts/package-test.sh)
#   8. oracle conformance: the real OpenClaw 2026.3.31 / 2026.5.28 / 2026.9.6 (installed from npm
#      with a Node 26 into ~/.cache/openclaw-auth-panel/oracle) builds >= 100 states and reports on
#      them; our `status --json --check` must say the same (scripts/oracle-cases.py, the ignored
#      test server/tests/oracle_conformance.rs), and every write command made by OpenClaw and by us
#      on copies of the same state compared file by file (server/tests/oracle_writes.rs)
# Prints timings per step on stderr. Exit code: non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
# No incremental caches: a whole run builds each crate once per configuration anyway, and they
# took 5 GB of a disk a CI machine once ran out of. Every `cargo test` names the same packages
# (`--workspace --exclude hydrate`) so that features unify alike and nothing is built twice.
export CARGO_INCREMENTAL=0
# The service tests must run systemd-analyze, not skip it.
export PANEL_REQUIRE_SYSTEMD=1
tests=(--workspace --exclude hydrate)

step() { echo; echo "=== $* ===" >&2; date +%s > /tmp/.openclaw-panel-step; }
took() { echo "--- took $(( $(date +%s) - $(cat /tmp/.openclaw-panel-step) ))s" >&2; }
start=$(date +%s)

step "tools"
tools_bin=$(scripts/ensure-tools.sh --browser --package)
export PATH="$tools_bin:$PATH"
# The OpenClaw oracle: the browser tests check the order the page saved with its own CLI.
oracle=$(scripts/install-oracle.sh)
took

step "format and lint"
cargo fmt --all -- --check
cargo clippy --workspace --exclude hydrate --all-targets -- -D warnings
cargo clippy -p hydrate --target wasm32-unknown-unknown -- -D warnings
took

log=$(mktemp)
trap 'rm -f "$log"' EXIT

step "unit and integration tests"
cargo test "${tests[@]}" 2>&1 | tee -a "$log"
took

step "prometheus"
promtool check rules monitoring/prometheus-rules.yml
promtool test rules monitoring/prometheus-rules.test.yml
# A real Prometheus (Debian's, from the tools step) scrapes the panel and evaluates the rules;
# PANEL_REQUIRE_PROMETHEUS makes a missing `prometheus` a failure rather than a skip.
PANEL_REQUIRE_PROMETHEUS=1 cargo test "${tests[@]}" --test prometheus_real -- --ignored 2>&1 | tee -a "$log"
took

step "build"
scripts/build.sh --debug
took

step "browser tests"
(cd end2end && PANEL_BIN=target/debug/openclaw-auth-panel ORACLE_DIR="$oracle" npx playwright test) 2>&1 | tee -a "$log"
took

step "package"
scripts/package-test.sh 2>&1 | tee -a "$log"
took

step "oracle conformance"
cases=$(mktemp -d)
trap 'rm -f "$log"; rm -rf "$cases"' EXIT
python3 scripts/oracle-cases.py --oracle-dir "$oracle" --out "$cases" --jobs 2 >&2
ORACLE_CASES_DIR="$cases" cargo test "${tests[@]}" --test oracle_conformance -- --ignored 2>&1 | tee -a "$log"
# Writes: the same change by OpenClaw's CLI and ours leaves the same files; OpenClaw reads ours.
ORACLE_DIR="$oracle" cargo test "${tests[@]}" --test oracle_writes -- --ignored 2>&1 | tee -a "$log"
# OpenClaw's own doctor, run by the panel: 2026.9.6 lint JSON and 2026.3.31 text boxes parsed.
ORACLE_DIR="$oracle" cargo test "${tests[@]}" --test openclaw_doctor -- --ignored 2>&1 | tee -a "$log"
# Live checks: the baseUrl of a config written by OpenClaw 2026.9.6 is where the check goes.
ORACLE_DIR="$oracle" cargo test "${tests[@]}" --test probe_stand_in -- --ignored 2>&1 | tee -a "$log"
# The real gateways (2026.9.6, 2026.5.28, 2026.3.31), started one at a time on loopback and stopped
# by process group: `gateway status` finds them and logs in (3.x with the device identity); a
# replaced token reaches a loopback provider stand-in only after the apply; restarts on confirmation.
ORACLE_DIR="$oracle" cargo test "${tests[@]}" --test gateway_real -- --ignored --test-threads=1 2>&1 | tee -a "$log"
took

# One closing line over every runner: cargo's "N passed; M failed" lines and Playwright's "N passed".
passed=$(( $(grep -oE 'test result: ok\. [0-9]+ passed' "$log" | awk '{s+=$4} END {print s+0}') \
  + $(grep -oE '^ +[0-9]+ passed \(' "$log" | awk '{s+=$1} END {print s+0}') ))
echo "all tests passed in $(( $(date +%s) - start ))s" >&2
echo "tests: $passed passed, 0 failed"
