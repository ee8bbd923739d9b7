#!/usr/bin/env bash
# The Node SDK's benchmarks: per-call cost of track() beside an OpenTelemetry span start/end, the cost of HTTP
# capture on a streamed completion against a loopback stand-in, and memory with the server unreachable.
# Usage: benchmarks/sdk-node/run.sh [memory-seconds]   (default 180: three minutes of outage)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
sdk="$here/../../sdks/node"
(cd "$sdk" && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build)
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB, node $(node --version), $(date -u +%F)"
node --expose-gc "$here/bench.mjs" overhead
# Memory in a process of its own, so the overhead runs do not colour its figures.
node --expose-gc "$here/bench.mjs" memory "${1:-180}"
