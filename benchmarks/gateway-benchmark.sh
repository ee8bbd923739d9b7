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
bench="benchmarks/Panoptic.Benchmarks/bin/Release/net10.0/Panoptic.Benchmarks.dll"
upstream_port=$(free_port)
dotnet "$bench" gateway-upstream "$upstream_port" >/dev/null 2>&1 &
extra_pids+=($!)
until curl -s -o /dev/null "http://127.0.0.1:$upstream_port/"; do sleep 0.05; done
curl -sf -XPOST "$url/api/v1/gateway/provider-keys" -H "Authorization: Bearer $token" -H "Panoptic-Workspace: $workspace" -H 'Content-Type: application/json' \
  -d "{\"name\":\"local\",\"provider\":\"openai\",\"api_key\":\"sk-benchmark-upstream-key\",\"base_url\":\"http://127.0.0.1:$upstream_port/v1\"}" >/dev/null
gateway_key=$(curl -sf -XPOST "$url/api/v1/gateway/keys" -H "Authorization: Bearer $token" -H "Panoptic-Workspace: $workspace" -H 'Content-Type: application/json' \
  -d '{"name":"bench"}' | json key)
dotnet "$bench" gateway-load "$url" "$gateway_key" "http://127.0.0.1:$upstream_port" "$requests" "$concurrency"
rss=$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$pid/status")
logged=$(curl -sf "$url/metrics" | awk '/^panoptic_gateway_log_rows_written_total/ {print $2}')
echo "server RSS after the run: $rss MB; gateway log rows written: $logged"
machine
