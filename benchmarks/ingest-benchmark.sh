#!/usr/bin/env bash
# Whole-program benchmark of `panoptic serve`: start to ready, sustained ingestion over HTTP in batches of 1,000, the
# server's memory during the run, and GET /api/v1/costs latency over everything ingested.
# Usage: benchmarks/ingest-benchmark.sh [sqlite|postgres] [EVENTS] [CONNECTIONS] [--live|--days] [--pregenerate]
# --live sends timestamps within the last minute, as a running product does; otherwise 30 days in time order.
# --pregenerate builds every request body before the clock starts (the load client shares the machine's 2 cores).
set -euo pipefail
store=${1:-sqlite}
events=${2:-1000000}
connections=${3:-4}
live=${4:-}; [ "$live" = "--days" ] && live=""
pregenerate=${5:-}
source "$(dirname "${BASH_SOURCE[0]}")/serve.sh"
serve_start "$store"
echo "start to ready: $ready_ms ms ($store, empty database)"
serve_onboard
(while kill -0 "$pid" 2>/dev/null; do ps -o rss= -p "$pid" || true; sleep 2; done) >"$work/rss.txt" &
/usr/bin/time -f "load client CPU: %U s user, %S s system" dotnet benchmarks/Panoptic.Benchmarks/bin/Release/net10.0/Panoptic.Benchmarks.dll ingest --url "$url" --key "$key" --token "$token" --events "$events" --connections "$connections" $live $pregenerate
ps -o cputime= -p "$pid" | sed "s/^/server CPU time so far: /"
python3 - "$work/rss.txt" <<'PY'
import sys
rss = [int(x) // 1024 for x in open(sys.argv[1]) if x.strip()]
third = max(1, len(rss) // 3)
print(f"server RSS (MB) over the run: first third max {max(rss[:third])}, last third max {max(rss[-third:])}, overall max {max(rss)}, samples {len(rss)}")
PY
machine
