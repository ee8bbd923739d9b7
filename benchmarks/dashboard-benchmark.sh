#!/usr/bin/env bash
# Whole-program benchmark of the dashboard: `panoptic serve` on SQLite loaded with EVENTS cost events (30 days, 8
# connections, as ingest-benchmark.sh sends them), ten scans of this repository, 20 s of traces, 50 probes and 2,000
# gateway requests, then every dashboard page requested ROUNDS times with the session cookie, timing the server's
# answer (curl's time to first byte on loopback, which includes rendering).
# Usage: benchmarks/dashboard-benchmark.sh [EVENTS] [ROUNDS]
set -euo pipefail
events=${1:-10000000}
rounds=${2:-30}
source "$(dirname "${BASH_SOURCE[0]}")/serve.sh"
serve_start sqlite
serve_onboard
dotnet "$bench" ingest --url "$url" --key "$key" --token "$token" --events "$events" --connections 8 | tail -3
# Every page gets data: scans (the readiness trend reads them), traces (the graph), probes (connections), gateway traffic.
for _ in $(seq 1 10); do dotnet "$work/cli/panoptic.dll" scan "$root" --push "$url" --key "$key" --no-progress --format json >/dev/null; done
dotnet "$bench" traces --url "$url" --key "$key" --seconds 20 --connections 2 --token "$token" --workspace "$workspace" >/dev/null 2>&1 || true
for i in $(seq 1 50); do
  curl -sf -XPOST "$url/api/v1/probes" -H "Authorization: Bearer $token" -H "Panoptic-Workspace: $workspace" -H 'Content-Type: application/json' \
    -d "{\"name\":\"probe-$i\",\"kind\":\"tcp\",\"target\":\"127.0.0.1:9\"}" >/dev/null
done
gateway_start
dotnet "$bench" gateway-load "$url" "$gateway_key" "http://127.0.0.1:$upstream_port" 1000 8 >/dev/null
echo "loaded: $events events, 10 scans, 20 s of traces, 50 probes, $(curl -sf "$url/metrics" | awk '/^panoptic_gateway_log_rows_written_total/ {print $2}') gateway requests"
pages=("/w/$workspace" "/w/$workspace/costs" "/w/$workspace/costs?group_by=tenant" "/w/$workspace/costs?group_by=model" "/w/$workspace/connections"
  "/w/$workspace/graph" "/w/$workspace/readiness" "/w/$workspace/gateway" "/w/$workspace/account" "/w/$workspace/costs.csv?group_by=tenant"
  "/w/$workspace/costs.csv?group_by=tenant&interval=day")
for page in "${pages[@]}"; do
  curl -sf -o /dev/null -b "panoptic_session=$token" "$url$page" # warm
  for _ in $(seq 1 "$rounds"); do
    curl -sf -o /dev/null -b "panoptic_session=$token" -w "%{time_starttransfer}\n" "$url$page"
  done >"$work/times.txt"
  python3 - "$page" "$work/times.txt" <<'PY'
import sys
page, times = sys.argv[1], sorted(float(x) * 1000 for x in open(sys.argv[2]))
at = lambda p: times[min(len(times) - 1, int(p * len(times)))]
print(f"{page.split('/', 3)[-1] or 'overview':45} p50 {at(0.5):7.1f} ms   p95 {at(0.95):7.1f} ms   max {times[-1]:7.1f} ms")
PY
done
machine
