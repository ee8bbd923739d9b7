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
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
work=$(mktemp -d /tmp/panoptic-ingest.XXXXXX)
dotnet publish src/Panoptic.Cli -c Release -o "$work/cli" -p:PublishReadyToRun=true --nologo -v q >/dev/null
dotnet build benchmarks/Panoptic.Benchmarks -c Release --nologo -v q >/dev/null
db=""
pgdir=""
if [ "$store" = "postgres" ]; then
  pgdir=$(tests/postgres.sh durable)
  db=$(cat "$pgdir/connection")
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"
cleanup() { kill "$pid" 2>/dev/null || true; [ -n "$pgdir" ] && tests/postgres.sh stop "$pgdir"; rm -rf "$work"; }
started=$(date +%s%N)
dotnet "$work/cli/panoptic.dll" serve --data "$work/data" ${db:+--db "$db"} --urls "$url" >"$work/server.log" 2>&1 &
pid=$!
trap cleanup EXIT
until curl -sf "$url/readyz" >/dev/null; do sleep 0.01; done
echo "start to ready: $(( ($(date +%s%N) - started) / 1000000 )) ms ($store, empty database)"
json() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
curl -sf -XPOST "$url/api/v1/auth/signup" -H 'Content-Type: application/json' -d '{"email":"bench@example.com","password":"benchmark password"}' >/dev/null
token=$(curl -sf -XPOST "$url/api/v1/auth/login" -H 'Content-Type: application/json' -d '{"email":"bench@example.com","password":"benchmark password"}' | json token)
curl -sf -XPOST "$url/api/v1/workspaces" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d '{"name":"bench"}' >/dev/null
key=$(curl -sf -XPOST "$url/api/v1/keys" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d '{"name":"load"}' | json key)
(while kill -0 "$pid" 2>/dev/null; do ps -o rss= -p "$pid" || true; sleep 2; done) >"$work/rss.txt" &
/usr/bin/time -f "load client CPU: %U s user, %S s system" dotnet benchmarks/Panoptic.Benchmarks/bin/Release/net10.0/Panoptic.Benchmarks.dll ingest --url "$url" --key "$key" --token "$token" --events "$events" --connections "$connections" $live $pregenerate
ps -o cputime= -p "$pid" | sed "s/^/server CPU time so far: /"
python3 - "$work/rss.txt" <<'PY'
import sys
rss = [int(x) // 1024 for x in open(sys.argv[1]) if x.strip()]
third = max(1, len(rss) // 3)
print(f"server RSS (MB) over the run: first third max {max(rss[:third])}, last third max {max(rss[-third:])}, overall max {max(rss)}, samples {len(rss)}")
PY
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB; $(date -u +%Y-%m-%d)"
