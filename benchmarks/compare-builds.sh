#!/usr/bin/env bash
# Side by side in one run: `panoptic scan` of the generated 20,000-file / 200 MB tree by a previous build and by this
# one, runs alternating so both see the same machine. Prints the median wall time, CPU time and peak memory of each.
# usage: benchmarks/compare-builds.sh OLD_PANOPTIC_DLL [RUNS]   (build the old one with: git worktree add ... && ./panoptic --version)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
old="$1"; runs="${2:-5}"
tree="${BENCH_DIR:-/tmp/panoptic-bench}/repo-20000"
[ -d "$tree" ] || python3 "$root/benchmarks/generate-repo.py" "$tree" 20000 200 2>/dev/null
"$root/panoptic" --version >/dev/null
new="$root/.artifacts/panoptic/panoptic.dll"
tmp="$(mktemp -d)"
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
for _ in $(seq "$runs"); do
  for which in old new; do
    dll=$old; [ "$which" = new ] && dll=$new
    /usr/bin/time -f "%e %U %S %M" -o "$tmp/time" dotnet "$dll" scan "$tree" --format json --no-progress >/dev/null 2>&1
    read -r wall user sys rss < "$tmp/time"
    echo "$wall" >> "$tmp/$which.wall"; awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }' >> "$tmp/$which.cpu"; echo $((rss / 1024)) >> "$tmp/$which.rss"
  done
done
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ { print $2 }') GB, $(date -u +%Y-%m-%d), $runs runs each, alternating"
echo "| build | median wall (s) | median CPU (s) | median peak RSS (MB) |"
echo "|---|---|---|---|"
for which in old new; do
  echo "| $which | $(median < "$tmp/$which.wall") | $(median < "$tmp/$which.cpu") | $(median < "$tmp/$which.rss") |"
done
rm -rf "$tmp"
