#!/usr/bin/env bash
# Whole-program benchmark of OTLP trace ingestion: `panoptic serve` on an empty database, protobuf exports of 1,000
# spans over several connections for SECONDS (the service graph built and GenAI spans priced as they arrive), the
# server's CPU and memory sampled through the run, and the resulting graph read back.
# Usage: benchmarks/trace-benchmark.sh [sqlite|postgres] [SECONDS] [CONNECTIONS]
set -euo pipefail
store=${1:-sqlite}
seconds=${2:-60}
connections=${3:-4}
source "$(dirname "${BASH_SOURCE[0]}")/serve.sh"
serve_start "$store"
serve_onboard
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
machine
