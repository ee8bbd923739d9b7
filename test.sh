#!/usr/bin/env bash
# Runs every test of the solution. CI calls this through .ci/run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
results="$root/.artifacts/test-results"
rm -rf "$results"
status=0
# The HTML report is tested in real Chromium (Debian's package).
if ! command -v chromium >/dev/null; then
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
# Backstage's own catalog model validates the catalog-info.yaml export (tests/backstage); npm registry only.
npm ci --prefix tests/backstage --no-audit --no-fund --loglevel=error >/dev/null
# The official openai npm client drives the LLM gateway (tests/openai-npm).
npm ci --prefix tests/openai-npm --no-audit --no-fund --loglevel=error >/dev/null
# The PostgreSQL store's tests run against a throwaway server started here (and stopped on exit).
pgdir=$(tests/postgres.sh)
# The health probes' tests check a real Redis too (Debian's package, password-protected).
redisdir=$(tests/redis.sh)
trap 'tests/postgres.sh stop "$pgdir"; tests/redis.sh stop "$redisdir"' EXIT
PANOPTIC_TEST_POSTGRES=$(cat "$pgdir/connection")
PANOPTIC_TEST_REDIS="redis://:$(cat "$redisdir/password")@$(cat "$redisdir/address")"
export PANOPTIC_TEST_POSTGRES PANOPTIC_TEST_REDIS
dotnet test Panoptic.slnx -c Release --nologo --logger "trx" --results-directory "$results" || status=$?
# One plain closing line over all test projects, read from the TRX files.
passed=0; failed=0; skipped=0
# The Node.js and Python SDKs' own suites, the sample that runs both against a real server, and the short form of
# the crash trials (a real server killed with SIGKILL under load, three times; the full run is 20 per store) and of
# the hostile repository (scan, audit and check in every format); each ends with "N passed, M failed".
for suite in sdks/node/test.sh sdks/python/test.sh tests/polyglot-sample.sh "benchmarks/reliability/crash-trials.sh sqlite 3" \
    "benchmarks/reliability/hostile-repos.sh --small"; do
  echo "== $suite"
  # shellcheck disable=SC2086 # a suite is a script and its arguments
  summary=$(bash $suite 2>&1 | tee /dev/stderr | tail -n 1) || status=1
  p=$(grep -oE '^[0-9]+ passed' <<<"$summary" | grep -oE '[0-9]+' || echo 0)
  f=$(grep -oE '[0-9]+ failed' <<<"$summary" | grep -oE '[0-9]+' || echo 1)
  passed=$((passed + p)); failed=$((failed + f))
done
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n1)
  p=$(sed -E 's/.* passed="([0-9]+)".*/\1/' <<<"$counters"); f=$(sed -E 's/.* failed="([0-9]+)".*/\1/' <<<"$counters")
  nx=$(sed -E 's/.* notExecuted="([0-9]+)".*/\1/' <<<"$counters")
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + nx))
done
printf "\n%s passed, %s failed, %s skipped\n" "$passed" "$failed" "$skipped"
exit $status
