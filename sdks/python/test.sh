#!/usr/bin/env bash
# Runs the Python SDK's tests with Debian's interpreter and packages (the Python package index is not reachable here):
# installs the packages that are missing, runs pytest, and ends with one line "N passed, M failed".
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python=/usr/bin/python3
packages=(python3-pytest python3-httpx python3-requests python3-fastapi python3-flask python3-django python3-uvicorn python3-starlette)
missing=()
for p in "${packages[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}" >&2
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 || {
    echo "0 passed, 1 failed (could not install ${missing[*]})"; exit 1; }
fi
cd "$here"
report=$(mktemp)
trap 'rm -f "$report"' EXIT
"$python" -m pytest -q -rs "$@" 2>&1 | tee "$report"
status=${PIPESTATUS[0]}
summary=$(tail -n 1 "$report")
passed=$(grep -oE '[0-9]+ passed' <<<"$summary" | grep -oE '[0-9]+' || echo 0)
failed=$(( $(grep -oE '[0-9]+ failed' <<<"$summary" | grep -oE '[0-9]+' || echo 0) + $(grep -oE '[0-9]+ error' <<<"$summary" | grep -oE '[0-9]+' || echo 0) ))
[ "$status" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
echo "${passed:-0} passed, ${failed} failed"
exit "$status"
