#!/usr/bin/env bash
# End to end across both SDKs: runs samples/polyglot (Express with the Node SDK calling FastAPI with the Python SDK,
# both calling an OpenAI stand-in, events sent to a real `panoptic serve`) and checks that every tenant's spend shows
# in both services: the tenant set in the Node service reached the Python one through baggage. Ends with one line
# "N passed, M failed".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out=$(env -u OPENAI_API_KEY "$root/samples/polyglot/run.sh" 2>&1)
status=$?
echo "$out" | tail -n 8
missing=()
for tenant in acme globex initech; do
  for service in web summarizer; do
    grep -Eq "^  $tenant +$service +[a-z]+ +[0-9]+ events +\\\$0\.0*[1-9]" <<<"$out" || missing+=("$tenant/$service")
  done
done
if [ "$status" -ne 0 ] || [ ${#missing[@]} -gt 0 ]; then
  echo "polyglot sample: exit $status; no spend for ${missing[*]:-(none)}" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
echo "1 passed, 0 failed"
