#!/usr/bin/env bash
# Whole-program benchmark of `panoptic check --live`: the same repository checked RUNS times without live checks and
# RUNS times with a sending domain (DNS, SPF with an include, DMARC, DKIM selectors, CAA, DNSSEC) and a site (TLS
# chain, hostname, expiry, four protocol handshakes, redirect, headers, security.txt, robots, sitemap, health)
# served on loopback by `Panoptic.Benchmarks live-fixtures`. Nothing outside the machine is contacted.
# Prints the median wall time of each and the difference.
# usage: benchmarks/live-benchmark.sh [RUNS] [REPO]   (REPO defaults to samples/shop)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-7}"
repo="${2:-$root/samples/shop}"
work="$(mktemp -d)"
cleanup() { [ -n "${fixtures:-}" ] && kill "$fixtures" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
cd "$root"
dotnet publish src/Panoptic.Cli -c Release -o "$work/cli" -p:PublishReadyToRun=true --nologo -v q >/dev/null
dotnet build benchmarks/Panoptic.Benchmarks -c Release --nologo -v q >/dev/null
dotnet benchmarks/Panoptic.Benchmarks/bin/Release/net10.0/Panoptic.Benchmarks.dll live-fixtures "$work/fixtures" >/dev/null 2>&1 &
fixtures=$!
for _ in $(seq 100); do [ -f "$work/fixtures/ready" ] && break; sleep 0.1; done
[ -f "$work/fixtures/ready" ] || { echo "the fixtures did not start" >&2; exit 1; }
live=(--live shop.test --live "$(cat "$work/fixtures/url")" --resolver "$(cat "$work/fixtures/dns")"
  --live-trust "$work/fixtures/root.pem" --live-http-port "$(cat "$work/fixtures/http_port")" --live-health /healthz)

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
measure() { # runs the command RUNS times (after one warm-up) -> "median_wall median_cpu" (CPU: user + system)
  "$@" >/dev/null 2>&1 || true
  : > "$work/walls"; : > "$work/cpus"
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %U %S" -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || { echo "failed: $*" >&2; tail -n 5 "$work/stderr" >&2; exit 1; }
    tail -n 1 "$work/time" | awk '{ print $1 }' >> "$work/walls"; tail -n 1 "$work/time" | awk '{ printf "%.2f\n", $2 + $3 }' >> "$work/cpus"
  done
  echo "$(median < "$work/walls") $(median < "$work/cpus")"
}

check=("$work/cli/panoptic" check "$repo" --fail-on none --no-progress --format json)
results=$("${check[@]}" "${live[@]}" 2>/dev/null | python3 -c 'import json,sys; l=json.load(sys.stdin)["commercial_readiness"]["live"]; print(len(l), "live results,", sum(r["status"]=="error" for r in l), "errors")')
read -r without_wall without_cpu <<< "$(measure "${check[@]}")"
read -r with_wall with_cpu <<< "$(measure "${check[@]}" "${live[@]}")"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ { print $2 }') GB, $(date -u +%Y-%m-%d), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "repository: ${repo#"$root"/}, $runs runs each, $results"
echo "| command | median wall (s) | median CPU, user + system (s) |"
echo "|---|---|---|"
echo "| check | $without_wall | $without_cpu |"
echo "| check --live (domain + site on loopback) | $with_wall | $with_cpu |"
python3 -c "import sys; a, b, c, d = map(float, sys.argv[1:]); print(f'live checks add {b - a:.2f} s of wall time and {d - c:.2f} s of CPU')" "$without_wall" "$with_wall" "$without_cpu" "$with_cpu"
