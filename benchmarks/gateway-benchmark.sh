#!/usr/bin/env bash
# Whole-program benchmark of the LLM gateway: `panoptic serve` (SQLite) with a provider key pointing at a local
# OpenAI-format upstream (the benchmark program's gateway-upstream mode); the load client sends the same requests to
# the upstream directly and through the gateway, in alternation, and prints latency, time to first chunk and
# throughput for both. Every gateway request is authenticated, routed, logged and priced as in production.
# Usage: benchmarks/gateway-benchmark.sh [REQUESTS] [CONCURRENCY]
set -euo pipefail
requests=${1:-2000}
concurrency=${2:-16}
source "$(dirname "${BASH_SOURCE[0]}")/serve.sh"
serve_start sqlite
serve_onboard
gateway_start
dotnet "$bench" gateway-load "$url" "$gateway_key" "http://127.0.0.1:$upstream_port" "$requests" "$concurrency"
rss=$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$pid/status")
logged=$(curl -sf "$url/metrics" | awk '/^panoptic_gateway_log_rows_written_total/ {print $2}')
echo "server RSS after the run: $rss MB; gateway log rows written: $logged"
machine
