#!/usr/bin/env bash
# The sample that makes traces: starts `panoptic serve` (unless PANOPTIC_URL points at one, with PANOPTIC_KEY,
# PANOPTIC_TOKEN and PANOPTIC_WORKSPACE), creates a demo account, starts the shop API and the processor with their
# OTLP exporters pointed at Panoptic, drives checkout traffic for SECONDS (default 30), and prints the service graph.
# Usage: samples/shop/run.sh [SECONDS]
set -euo pipefail
seconds=${1:-30}
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/../demo.sh"

echo "building..." >&2
dotnet build "$here/Shop.Api" -c Release --nologo -v q >/dev/null
dotnet build "$here/Shop.Processor" -c Release --nologo -v q >/dev/null
[ -n "${PANOPTIC_URL:-}" ] || panoptic_start shop

# The standard OpenTelemetry exporter settings: any OTel SDK reads them.
export OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf
# The base address: OpenTelemetry SDKs append /v1/traces for http/protobuf.
export OTEL_EXPORTER_OTLP_ENDPOINT="$PANOPTIC_URL"
export OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer $PANOPTIC_KEY"
export OTEL_BSP_SCHEDULE_DELAY=1000
api="http://127.0.0.1:$(free_port)"
processor="http://127.0.0.1:$(free_port)"
ASPNETCORE_URLS="$api" dotnet "$here/Shop.Api/bin/Release/net10.0/Shop.Api.dll" >"$work/api.log" 2>&1 &
pids+=($!)
ASPNETCORE_URLS="$processor" SHOP_API_URL="$api" dotnet "$here/Shop.Processor/bin/Release/net10.0/Shop.Processor.dll" >"$work/processor.log" 2>&1 &
pids+=($!)
until curl -sf "$api/products" >/dev/null && curl -s -o /dev/null "$processor/"; do sleep 0.2; done

echo "driving checkout traffic for $seconds s..." >&2
end=$((SECONDS + seconds))
while [ $SECONDS -lt $end ]; do
  clients=()
  for _ in 1 2 3 4; do
    curl -s -o /dev/null -XPOST "$processor/checkout" -H 'Content-Type: application/json' -d '{"items":["keyboard","mouse","monitor"]}' &
    clients+=($!)
  done
  wait "${clients[@]}"
done
[ -n "${KEEP:-}" ] && curl -s "$PANOPTIC_URL/metrics" | grep -E "spans_|ingested" >&2
sleep 15 # exporters flush every second; the graph settles calls without a server span after 10 s and writes every 5 s

echo "service graph of the last 10 minutes:" >&2
curl -sf "$PANOPTIC_URL/api/v1/graph?from=$(date -u -d '-10 min' +%Y-%m-%dT%H:%M:%SZ)" -H "Authorization: Bearer $PANOPTIC_TOKEN" -H "Panoptic-Workspace: $PANOPTIC_WORKSPACE" |
  python3 -c '
import json, sys
graph = json.load(sys.stdin)
for e in graph["edges"]:
    lat = e["server_latency"]["p95_ms"] or e["client_latency"]["p95_ms"]
    print("  %16s -> %-16s %6d requests %4d failed  p95 %s ms" % (e["client"], e["server"], e["requests"], e["failed"], lat))'
echo "LLM spend from the GenAI spans:" >&2
curl -sf "$PANOPTIC_URL/api/v1/costs?group_by=provider,model" -H "Authorization: Bearer $PANOPTIC_TOKEN" -H "Panoptic-Workspace: $PANOPTIC_WORKSPACE" |
  python3 -c 'import json,sys; r=json.load(sys.stdin); [print("  %s %s: $%s over %d calls" % (t["key"]["provider"], t["key"]["model"], t["cost_usd"], t["events"])) for t in r["top"]]'
