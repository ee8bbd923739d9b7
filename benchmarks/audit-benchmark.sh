#!/usr/bin/env bash
# Whole-program benchmark of `panoptic audit` (scan + audit rules + clone detection) on a generated 80-service /
# ~2,000-file polyglot monorepo, with jscpd's clone detection on the same tree in the same run.
# usage: benchmarks/audit-benchmark.sh [RUNS]   (the tree goes to $BENCH_DIR, default /tmp/panoptic-bench)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-3}"
bench="${BENCH_DIR:-/tmp/panoptic-bench}"
jscpd_dir="${JSCPD_DIR:-$root/.artifacts/jscpd}"
if [ ! -x "$jscpd_dir/node_modules/.bin/jscpd" ]; then
  mkdir -p "$jscpd_dir" && (cd "$jscpd_dir" && npm init -y >/dev/null && npm install --silent jscpd@4.3.0 >/dev/null)
fi
"$root/panoptic" --version >/dev/null
dll="$root/.artifacts/panoptic/panoptic.dll"
tree="$bench/audit-80"
[ -d "$tree" ] || python3 "$root/benchmarks/generate-repo.py" "$tree" 2000 20 80 2>/dev/null
tmp="$(mktemp -d)"
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

: > "$tmp/pw"; : > "$tmp/pm"
for _ in $(seq "$runs"); do
  /usr/bin/time -f "%e %M" -o "$tmp/time" dotnet "$dll" audit "$tree" --format json --no-progress > "$tmp/audit.json" 2>/dev/null
  tail -n 1 "$tmp/time" | awk '{ print $1 }' >> "$tmp/pw"; tail -n 1 "$tmp/time" | awk '{ printf "%.0f\n", $2 / 1024 }' >> "$tmp/pm"
done
: > "$tmp/jw"; : > "$tmp/jm"
for _ in $(seq "$runs"); do
  rm -rf "$tmp/jscpd"
  /usr/bin/time -f "%e %M" -o "$tmp/time" node "$jscpd_dir/node_modules/.bin/jscpd" --min-tokens 50 --min-lines 5 --reporters json --output "$tmp/jscpd" --silent "$tree" >/dev/null 2>&1 || true
  tail -n 1 "$tmp/time" | awk '{ print $1 }' >> "$tmp/jw"; tail -n 1 "$tmp/time" | awk '{ printf "%.0f\n", $2 / 1024 }' >> "$tmp/jm"
done
files="$(find "$tree" -type f | wc -l)"
read -r ppct pgroups pfind < <(python3 -c "import json,sys; a=json.load(open('$tmp/audit.json'))['audit']; print(a['clones']['overall']['percent'], sum(1 for g in a['clones']['groups'] if g['cross_service']), len(a['findings']))")
read -r jpct jclones < <(python3 -c "import json; t=json.load(open('$tmp/jscpd/jscpd-report.json'))['statistics']['total']; print(t['percentage'], t['clones'])")
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ { print $2 }') GB, $(date -u +%Y-%m-%d); tree: $files files, 80 services; median of $runs runs"
echo "| tool | wall (s) | peak RSS (MB) | duplication % | clones reported |"
echo "|---|---|---|---|---|"
echo "| panoptic audit (scan + $pfind findings + clones) | $(median < "$tmp/pw") | $(median < "$tmp/pm") | $ppct | $pgroups cross-service groups |"
echo "| jscpd 4.3.0 (clones only) | $(median < "$tmp/jw") | $(median < "$tmp/jm") | $jpct | $jclones pairs |"
