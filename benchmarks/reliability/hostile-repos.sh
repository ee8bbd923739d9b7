#!/usr/bin/env bash
# Hostile repositories: `panoptic scan`, `audit` and `check` in every format over benchmarks/reliability/hostile-repo.py's
# tree. Each run must end as on any repository (exit 0, or 4 for findings at the threshold: no crash, no refusal), within its time bound, under 300 MB, and print nothing
# from outside the tree. usage: benchmarks/reliability/hostile-repos.sh [--small]
# The last line is "N passed, M failed" (one per run), as test.sh reads it.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
work=$(mktemp -d /tmp/panoptic-hostile.XXXXXX)
trap 'rm -rf "$work"' EXIT
dotnet build src/Panoptic.Cli -c Release --nologo -v q >/dev/null || exit 1
cli="$root/src/Panoptic.Cli/bin/Release/net10.0/panoptic.dll"
python3 benchmarks/reliability/hostile-repo.py "$work/repo" ${1:-} >/dev/null || exit 1
bound=120; [ "${1:-}" = --small ] && bound=60
passed=0; failed=0
run() {
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time" timeout "$bound" dotnet "$cli" "$@" >"$work/out" 2>"$work/err"
  local code=$?
  read -r wall rss < <(tail -n 1 "$work/time" 2>/dev/null || echo "0 0")
  local why=""
  case $code in 0|4) ;; 124) why="over ${bound} s" ;; *) why="exit $code" ;; esac
  grep -q "Unhandled exception" "$work/err" && why="$why unhandled exception"
  [ "${rss:-0}" -gt $((300 * 1024)) ] && why="$why peak ${rss} KB"
  grep -q "PANOPTIC-OUTSIDE-THE-TREE" "$work/out" "$work/err" && why="$why printed a file outside the tree"
  grep -q "root:x:0:0" "$work/out" "$work/err" && why="$why printed /etc/passwd"
  if [ -z "$why" ]; then passed=$((passed + 1)); echo "ok   $name: exit $code, ${wall} s, $((rss / 1024)) MB; $(grep -o '[0-9,]* files[^;]*' "$work/err" | head -n 1)"
  else failed=$((failed + 1)); echo "FAIL $name: exit $code, ${wall} s, $((rss / 1024)) MB:$why"; head -c 600 "$work/err"; fi
}
for format in yaml json markdown html backstage; do run "scan --format $format" scan "$work/repo" --format "$format" --no-progress; done
for format in table json markdown sarif; do run "audit --format $format" audit "$work/repo" --format "$format"; done
for format in table json markdown sarif html; do run "check --format $format" check "$work/repo" --format "$format"; done
echo "repository: $(find "$work/repo" | wc -l) entries, $(du -sh "$work/repo" | cut -f1); machine: $(nproc) cores, $(free -g | awk '/Mem:/ { print $2 }') GB, $(date -u +%Y-%m-%d)"
echo "$passed passed, $failed failed"
