#!/usr/bin/env bash
# Side-by-side: `panoptic scan` and @specfy/stack-analyser on the same repositories, in the same run.
# Prints, per repository, wall time and peak memory of each whole program, and what each found.
# usage: benchmarks/compare-specfy.sh REPO [REPO...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
specfy_dir="${SPECFY_DIR:-$root/.artifacts/specfy}"
if [ ! -d "$specfy_dir/node_modules/@specfy/stack-analyser" ]; then
  mkdir -p "$specfy_dir" && (cd "$specfy_dir" && npm init -y >/dev/null && npm install --silent @specfy/stack-analyser@1.27.3 >/dev/null)
fi
pkg="$specfy_dir/node_modules/@specfy/stack-analyser"
"$root/panoptic" --version >/dev/null   # build outside the measurement
dll="$root/.artifacts/panoptic/panoptic.dll"
out="$(mktemp -d)"

measure() { # label command... -> "wall_s peak_rss_mb"
  /usr/bin/time -f "%e %M" -o "$out/time" "$@" >"$out/stdout" 2>"$out/stderr" || { echo "failed: $*" >&2; cat "$out/stderr" >&2; }
  tail -n 1 "$out/time" | awk '{ printf "%.2f %.0f\n", $1, $2 / 1024 }'
}

echo "| repository | files | panoptic wall (s) | panoptic peak RSS (MB) | stack-analyser wall (s) | stack-analyser peak RSS (MB) |"
echo "|---|---|---|---|---|---|"
for repo in "$@"; do
  name="$(basename "$repo")"
  files="$(find "$repo" -type f -not -path '*/.git/*' -not -path '*/node_modules/*' | wc -l)"
  read -r pw pm < <(measure dotnet "$dll" scan "$repo" --format json --no-progress)
  cp "$out/stdout" "$out/$name.panoptic.json"
  # stack-analyser resolves -o against the working folder, so it runs from the temp folder.
  read -r sw sm < <(cd "$out" && measure node "$pkg/dist/cli.js" "$(cd "$repo" && pwd)" -o "$name.specfy-cli.json")
  echo "| $name | $files | $pw | $pm | $sw | $sm |"
  node "$root/benchmarks/specfy/summarize.mjs" "$pkg" "$repo" > "$out/$name.specfy.json"
done
echo
echo "What each found (Panoptic: backend connections and external APIs with status core/optional [unconfirmed, test-only in brackets]; stack-analyser: technologies of service-like types)"
for repo in "$@"; do
  name="$(basename "$repo")"
  python3 - "$out/$name.panoptic.json" "$out/$name.specfy.json" "$name" <<'PY'
import json, sys
p = json.load(open(sys.argv[1])); s = json.load(open(sys.argv[2])); name = sys.argv[3]
entries = p["backend_connections"] + p["external_apis"]
strong = sorted(e["id"] for e in entries if e["status"] in ("core", "optional"))
weak = sorted(e["id"] + ":" + e["status"] for e in entries if e["status"] not in ("core", "optional"))
skip = {"language", "tool", "ci", "iac", "package_manager", "runtime", "framework", "builder", "linter", "test", "ui", "ui_framework", "etl", "orm", "validation", "unknown", "api", "communication", "collaboration", "network"}
specfy = sorted(t["key"] for t in s["techs"] if t["type"] not in skip)
print(f"\n{name}: panoptic {len(strong)} ({', '.join(strong)}) [{', '.join(weak)}]")
print(f"{name}: stack-analyser {len(specfy)} ({', '.join(specfy)})")
PY
done
