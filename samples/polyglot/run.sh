#!/usr/bin/env bash
# The polyglot sample: an Express service (Node SDK) that asks a FastAPI service (Python SDK) before answering, both
# calling an OpenAI-compatible model. Starts `panoptic serve` with a demo account, a local OpenAI stand-in (unless
# OPENAI_API_KEY is set), both services, asks questions as three tenants, and prints what each tenant cost in each
# service. The tenant is set once, in the Express service; it reaches the Python service in the W3C baggage header.
# Usage: samples/polyglot/run.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/../demo.sh"

# What the services need: the Node SDK built, Express, and Debian's FastAPI, uvicorn and httpx.
if ! /usr/bin/python3 -c 'import fastapi, uvicorn, httpx' 2>/dev/null; then
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-fastapi python3-uvicorn python3-httpx >/dev/null
fi
echo "building..." >&2
[ -f "$root/sdks/node/dist/esm/index.js" ] || (cd "$root/sdks/node" && npm ci --no-audit --no-fund --loglevel=error >/dev/null && npm run --silent build >/dev/null)
npm ci --prefix "$here/web" --no-audit --no-fund --loglevel=error >/dev/null
panoptic_start polyglot

if [ -z "${OPENAI_API_KEY:-}" ]; then
  fake_port=$(free_port)
  node "$here/../support-bot/fake-openai.mjs" "$fake_port" &
  pids+=($!)
  export OPENAI_BASE_URL="http://127.0.0.1:$fake_port/v1" OPENAI_API_KEY=sk-sample
  export PANOPTIC_HOSTS="127.0.0.1:$fake_port=openai" # the stand-in is recorded and priced as OpenAI
  echo "no OPENAI_API_KEY: using the local stand-in on port $fake_port" >&2
fi
# Both SDKs read the .NET SDK's settings; events are sent every 200 ms here (1 s by default).
export PANOPTIC_ENDPOINT="$PANOPTIC_URL" PANOPTIC_API_KEY="$PANOPTIC_KEY" Panoptic__Export__FlushInterval=00:00:00.2

summarizer_port=$(free_port) web_port=$(free_port)
PANOPTIC_SERVICE=summarizer PYTHONPATH="$root/sdks/python/src" \
  /usr/bin/python3 -m uvicorn app:app --app-dir "$here/summarizer" --host 127.0.0.1 --port "$summarizer_port" >"$work/summarizer.log" 2>&1 &
pids+=($!)
PANOPTIC_SERVICE=web PORT=$web_port SUMMARIZER_URL="http://127.0.0.1:$summarizer_port" node "$here/web/server.mjs" >"$work/web.log" 2>&1 &
pids+=($!)
until curl -sf "http://127.0.0.1:$summarizer_port/" >/dev/null && curl -sf "http://127.0.0.1:$web_port/" >/dev/null; do sleep 0.2; done

ask() { curl -sf -XPOST "http://127.0.0.1:$web_port/ask" -H "X-Tenant: $1" -H "X-User: $2" -H 'Content-Type: application/json' -d "{\"text\":\"$3\"}" >/dev/null; }
for i in 1 2 3 4 5; do ask acme ann "How do I export my data? Attempt $i"; done
for i in 1 2; do ask globex bob "Why was I charged twice this month, and where is the March invoice? $i"; done
ask initech carol "Hi"
sleep 1.5

today=$(date -u +%F); tomorrow=$(date -u -d tomorrow +%F)
echo "cost per tenant and service, from $PANOPTIC_URL/api/v1/costs:"
curl -sf "$PANOPTIC_URL/api/v1/costs?from=$today&to=$tomorrow&group_by=tenant,service,feature&top=100" -H "Authorization: Bearer $PANOPTIC_TOKEN" -H "Panoptic-Workspace: $PANOPTIC_WORKSPACE" |
  /usr/bin/python3 -c '
import json, sys
costs = json.load(sys.stdin)
for row in sorted(costs["top"], key=lambda r: (r["key"].get("tenant") or "", r["key"].get("service") or "")):
    key = row["key"]
    if not key.get("feature"):
        continue  # the requests each service served, recorded by the middleware at no cost
    print("  %-8s %-11s %-10s %3d events  $%.6f" % (key.get("tenant") or "(none)", key.get("service") or "", key.get("feature") or "", row["events"], row["cost_usd"]))
print("  %-31s %3d events  $%.6f" % ("total", costs["total"]["events"], costs["total"]["cost_usd"]))'
