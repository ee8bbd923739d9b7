#!/usr/bin/env bash
# Crash safety: a real `panoptic serve` killed with SIGKILL at random moments under load, restarted, and every batch
# not seen acknowledged sent again; counts acknowledged events lost and counted twice (docs/reliability.md).
# usage: benchmarks/reliability/crash-trials.sh [sqlite|postgres|both] [TRIALS]
# The last line is "N passed, M failed" over the stores run, as test.sh reads it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
stores=${1:-both}; trials=${2:-20}
[ "$stores" = both ] && stores="sqlite postgres"
dotnet build src/Panoptic.Cli -c Release --nologo -v q >/dev/null
dotnet build benchmarks/Panoptic.Benchmarks -c Release --nologo -v q >/dev/null
cli="$root/src/Panoptic.Cli/bin/Release/net10.0/panoptic.dll"
bench="$root/benchmarks/Panoptic.Benchmarks/bin/Release/net10.0/Panoptic.Benchmarks.dll"
passed=0; failed=0
for store in $stores; do
  db=""; pgdir=""
  if [ "$store" = postgres ]; then pgdir=$(tests/postgres.sh durable); db=$(cat "$pgdir/connection"); fi
  if dotnet "$bench" crash-trials --cli "$cli" --trials "$trials" ${db:+--db "$db"}; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
  if [ -n "$pgdir" ]; then tests/postgres.sh stop "$pgdir"; fi
done
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ { print $2 }') GB, $(date -u +%Y-%m-%d)"
echo "$passed passed, $failed failed"
