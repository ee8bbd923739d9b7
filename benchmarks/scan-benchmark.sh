#!/usr/bin/env bash
# Whole-program benchmark of `panoptic scan` on generated multi-language repositories at three sizes, with
# @specfy/stack-analyser on the same trees in the same run. Prints median wall time and peak memory.
# usage: benchmarks/scan-benchmark.sh [RUNS]   (generated trees go to $BENCH_DIR, default /tmp/panoptic-bench)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-3}"
bench="${BENCH_DIR:-/tmp/panoptic-bench}"
specfy_dir="${SPECFY_DIR:-$root/.artifacts/specfy}"
if [ ! -d "$specfy_dir/node_modules/@specfy/stack-analyser" ]; then
  mkdir -p "$specfy_dir" && (cd "$specfy_dir" && npm init -y >/dev/null && npm install --silent @specfy/stack-analyser@1.27.3 >/dev/null)
fi
"$root/panoptic" --version >/dev/null
dll="$root/.artifacts/panoptic/panoptic.dll"
tmp="$(mktemp -d)"

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
measure() { # runs command RUNS times -> "median_wall median_rss_mb"
  : > "$tmp/walls"; : > "$tmp/rss"
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$tmp/time" "$@" >/dev/null 2>"$tmp/stderr" || { echo "failed: $*" >&2; tail -n 5 "$tmp/stderr" >&2; }
    tail -n 1 "$tmp/time" | awk '{ print $1 }' >> "$tmp/walls"; tail -n 1 "$tmp/time" | awk '{ printf "%.0f\n", $2 / 1024 }' >> "$tmp/rss"
  done
  echo "$(median < "$tmp/walls") $(median < "$tmp/rss")"
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ { print $2 }') GB, $(date -u +%Y-%m-%d)"
echo "| files | MB | panoptic wall (s) | panoptic peak RSS (MB) | MB/s | stack-analyser wall (s) | stack-analyser peak RSS (MB) |"
echo "|---|---|---|---|---|---|---|"
for size in "5000 50" "10000 100" "20000 200"; do
  set -- $size
  dir="$bench/repo-$1"
  [ -d "$dir" ] || python3 "$root/benchmarks/generate-repo.py" "$dir" "$1" "$2" 2>/dev/null
  sync
  read -r pw pm < <(measure dotnet "$dll" scan "$dir" --format json --no-progress)
  # stack-analyser resolves -o against the working folder, so it runs from the temp folder.
  read -r sw sm < <(cd "$tmp" && measure node "$specfy_dir/node_modules/@specfy/stack-analyser/dist/cli.js" "$dir" -o specfy.json)
  echo "| $1 | $2 | $pw | $pm | $(awk -v mb="$2" -v s="$pw" 'BEGIN { printf "%.0f", mb / s }') | $sw | $sm |"
done
