#!/usr/bin/env bash
# The page's throughput and the server's memory, for scripts/bench.sh: a release server on
# loopback over the demo state with every middleware on (host and origin guards, session, CSRF
# cookie, CSP nonce, compression), an admin logged in; `wrk` (16 connections, 2 threads, 10 s)
# on the profiles page with the session cookie and on the stylesheet of the same server; the
# server's RSS idle after start and after the page loads. Prints one JSON line.
#
# Usage: scripts/page-bench.sh [panel binary]   (default target/release/openclaw-auth-panel)
# PERF_OUT=<file>: also `perf record -g` the server for 9 s of the page run, into that file.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/openclaw-auth-panel}
command -v wrk >/dev/null || { echo "page-bench: needs wrk (apt-get install wrk)" >&2; exit 2; }
port=18799
tmp=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
"$bin" seed-demo --state-dir "$tmp/state/.openclaw" >/dev/null
# The demo's files settle first (the snapshot is kept only for inputs older than 2 s).
sleep 2.5
OPENCLAW_PANEL_LOG=warn "$bin" serve --state-dir "$tmp/state/.openclaw" --data-dir "$tmp/data" \
  --bind "127.0.0.1:$port" --no-process-env --alert-interval 0 >"$tmp/log" 2>&1 &
pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 100); do [ -s "$tmp/data/setup-url" ] && curl -sf -o /dev/null "$base/login" && break; sleep 0.1; done
rss() { awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$pid/status"; }
idle=$(rss)
token=$(sed -n 's/.*token=\([^&[:space:]]*\).*/\1/p' "$tmp/data/setup-url")
jar="$tmp/cookies"
curl -sf -o /dev/null -c "$jar" -b "$jar" -H "Origin: $base" -H "Sec-Fetch-Site: same-origin" \
  --data-urlencode "token=$token" --data-urlencode "password=bench password for the page" \
  --data-urlencode "confirm=bench password for the page" "$base/setup"
# curl writes HttpOnly cookies as "#HttpOnly_<domain>" lines.
cookie=$(sed 's/^#HttpOnly_//' "$jar" | awk '!/^#/ && NF >= 7 {printf "%s%s=%s", sep, $6, $7; sep="; "}')
page=$(curl -sf -H "Cookie: $cookie" -H "Accept-Encoding: gzip, br" "$base/" | wc -c)
html=$(curl -sf -H "Cookie: $cookie" "$base/")
grep -q 'data-agent="main"' <<<"$html" || { echo "page-bench: not logged in" >&2; cat "$tmp/log" >&2; exit 1; }
css=$(grep -o '/pkg/[0-9a-f]*/openclaw-auth-panel.css' <<<"$html" | head -1)
run_wrk() { wrk -t2 -c16 -d10s --latency "$@"; }
[ -n "${PERF_OUT:-}" ] && { perf record -F 999 -g -p $pid -o "$PERF_OUT" -- sleep 9 >/dev/null 2>&1 & }
page_out=$(run_wrk -H "Cookie: $cookie" -H "Accept-Encoding: gzip, br" "$base/")
static_out=$(run_wrk -H "Accept-Encoding: gzip, br" "$base$css")
after=$(rss)
loads=$(awk '/requests in/ {print $1}' <<<"$page_out")
non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$page_out")
field() { awk -v k="$2" '$1 == k {print $2}' <<<"$1"; }
ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) sub(/ms$/,"",v); else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.2f", v}' <<<"$1"; }
python3 - "$page_out" "$static_out" <<EOF
import json, re, sys
def rps(out): return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
print(json.dumps({
  "page_rps": rps(sys.argv[1]), "static_rps": rps(sys.argv[2]),
  "page_p50_ms": float("$(ms "$(field "$page_out" 50%)")"), "page_p99_ms": float("$(ms "$(field "$page_out" 99%)")"),
  "page_bytes_encoded": $page, "page_loads": int("$loads"), "page_non_2xx": int("${non2xx:-0}"),
  "idle_rss_mb": $idle, "rss_after_loads_mb": $after,
}))
EOF
