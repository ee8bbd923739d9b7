#!/usr/bin/env bash
# Installs the Node SDK's dev dependencies from the npm registry, builds it, runs its tests (node --test) and prints
# one closing line "N passed, M failed". Exits non-zero when anything fails.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
npm ci --no-audit --no-fund --loglevel=error || { echo "0 passed, 1 failed"; exit 1; }
npm run --silent build || { echo "0 passed, 1 failed"; exit 1; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT
node --test --test-reporter=spec --test-reporter-destination=stdout --test-reporter=tap --test-reporter-destination="$log" test/
status=$?
passed=$(grep -E '^# pass ' "$log" | awk '{print $3}')
failed=$(grep -E '^# fail ' "$log" | awk '{print $3}')
skipped=$(grep -E '^# skipped ' "$log" | awk '{print $3}')
echo "${passed:-0} passed, ${failed:-1} failed, ${skipped:-0} skipped"
[ "$status" -eq 0 ] && [ "${failed:-1}" -eq 0 ]
