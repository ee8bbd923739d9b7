#!/usr/bin/env bash
# Whole-program benchmark of the health probes: `panoptic serve` on an empty SQLite database with TARGETS tcp and http
# probes (half each, against local listeners) checked every INTERVAL seconds; reports the server's CPU time over
# SECONDS of probing, idle CPU over the same span before the probes were added, and how many checks ran.
# Usage: benchmarks/probe-benchmark.sh [TARGETS] [INTERVAL] [SECONDS]
set -euo pipefail
targets=${1:-200}
interval=${2:-5}
seconds=${3:-60}
source "$(dirname "${BASH_SOURCE[0]}")/serve.sh"
target_port=$(free_port)
# A local HTTP server answers both kinds: tcp probes connect to it, http probes GET from it.
python3 -m http.server "$target_port" --bind 127.0.0.1 --directory "$work" >/dev/null 2>&1 &
extra_pids+=($!)
serve_start sqlite
serve_onboard
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)
idle_start=$(ticks); sleep "$seconds"; idle=$(( $(ticks) - idle_start ))
for i in $(seq 1 "$targets"); do
  if [ $((i % 2)) = 0 ]; then body="{\"name\":\"t$i\",\"kind\":\"tcp\",\"target\":\"127.0.0.1:$target_port\",\"interval_seconds\":$interval}"
  else body="{\"name\":\"h$i\",\"kind\":\"http\",\"target\":\"http://127.0.0.1:$target_port/\",\"interval_seconds\":$interval}"; fi
  curl -sf -XPOST "$url/api/v1/probes" -H "Authorization: Bearer $token" -H "Panoptic-Workspace: $workspace" -H 'Content-Type: application/json' -d "$body" >/dev/null
done
sleep "$interval" # let the first round start
busy_start=$(ticks); sleep "$seconds"; busy=$(( $(ticks) - busy_start ))
checks=$(curl -sf "$url/api/v1/connections" -H "Authorization: Bearer $token" -H "Panoptic-Workspace: $workspace" |
  python3 -c 'import json,sys; c=json.load(sys.stdin); print(sum(1 for x in c if x["status"] in ("up","degraded")), "of", len(c), "targets up")')
python3 - "$idle" "$busy" "$hz" "$seconds" "$targets" "$interval" "$checks" <<'PY'
import sys
idle, busy, hz, seconds, targets, interval, checks = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6]), sys.argv[7]
print(f"{targets} targets every {interval:g} s ({targets / interval:.0f} checks/s), {checks}")
print(f"server CPU over {seconds:g} s: idle {idle / hz:.2f} s ({100 * idle / hz / seconds:.2f} % of one core), probing {busy / hz:.2f} s ({100 * busy / hz / seconds:.2f} % of one core)")
PY
machine
