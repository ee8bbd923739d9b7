#!/usr/bin/env bash
# Whole-program benchmark of OTLP trace ingestion: `panoptic serve` on an empty database, protobuf exports of 1,000
# spans over several connections for SECONDS (the service graph built and GenAI spans priced as they arrive), the
# server's CPU and memory sampled through the run, and the resulting graph read back.
# Usage: benchmarks/trace-benchmark.sh [sqlite|postgres] [SECONDS] [CONNECTIONS]
set -euo pipefail
store=${1:-sqlite}
seconds=${2:-60}
connections=${3:-4}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
work=$(mktemp -d /tmp/panoptic-traces.XXXXXX)
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
dotnet "$work/cli/panoptic.dll" serve --data "$work/data" ${db:+--db "$db"} --urls "$url" >"$work/server.log" 2>&1 &
pid=$!
trap cleanup EXIT
until curl -sf "$url/readyz" >/dev/null; do sleep 0.01; done
json() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
curl -sf -XPOST "$url/api/v1/auth/signup" -H 'Content-Type: application/json' -d '{"email":"bench@example.com","password":"benchmark password"}' >/dev/null
token=$(curl -sf -XPOST "$url/api/v1/auth/login" -H 'Content-Type: application/json' -d '{"email":"bench@example.com","password":"benchmark password"}' | json token)
workspace=$(curl -sf -XPOST "$url/api/v1/workspaces" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d '{"name":"bench"}' | json id)
key=$(curl -sf -XPOST "$url/api/v1/keys" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d '{"name":"load"}' | json key)
(while kill -0 "$pid" 2>/dev/null; do ps -o rss= -p "$pid" || true; sleep 5; done) >"$work/rss.txt" &
cpu_before=$(ps -o cputime= -p "$pid")
/usr/bin/time -f "load client CPU: %U s user, %S s system" dotnet benchmarks/Panoptic.Benchmarks/bin/Release/net10.0/Panoptic.Benchmarks.dll traces --url "$url" --key "$key" --seconds "$seconds" --connections "$connections" --token "$token" --workspace "$workspace" 2>&1 | grep -v "^  " || true
echo "server CPU time: $cpu_before before the load, $(ps -o cputime= -p "$pid") after"
python3 - "$work/rss.txt" <<'PY'
import sys
rss = [int(x) // 1024 for x in open(sys.argv[1]) if x.strip()]
n = len(rss); q = max(1, n // 5)
print(f"server RSS (MB), {n} samples every 5 s: first fifth max {max(rss[:q])}, middle max {max(rss[q:-q] or rss)}, last fifth max {max(rss[-q:])}, overall max {max(rss)}")
PY
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB; $(date -u +%Y-%m-%d)"
