#!/usr/bin/env bash
# The SDK sample: starts `panoptic serve`, creates a demo account and an ingestion key, starts the support bot with
# Panoptic configured through PANOPTIC_ENDPOINT / PANOPTIC_API_KEY, asks questions as three tenants, and prints the
# cost per tenant from the server. With OPENAI_API_KEY set the bot calls OpenAI for real; without it, a local
# stand-in (fake-openai.mjs, Node.js) answers in OpenAI's format.
# Usage: samples/support-bot/run.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/../demo.sh"

echo "building..." >&2
dotnet build "$here/SupportBot" -c Release --nologo -v q >/dev/null
panoptic_start support
panoptic=$PANOPTIC_URL token=$PANOPTIC_TOKEN workspace=$PANOPTIC_WORKSPACE key=$PANOPTIC_KEY

if [ -z "${OPENAI_API_KEY:-}" ]; then
  fake_port=$(free_port)
  node "$here/fake-openai.mjs" "$fake_port" &
  pids+=($!)
  export OpenAI__BaseUrl="http://127.0.0.1:$fake_port/v1" OpenAI__ApiKey=sk-sample
  export PANOPTIC_HOSTS="127.0.0.1:$fake_port=openai" # the stand-in is recorded and priced as OpenAI
  echo "no OPENAI_API_KEY: using the local stand-in on port $fake_port" >&2
else
  export OpenAI__ApiKey="$OPENAI_API_KEY"
fi

bot="http://127.0.0.1:$(free_port)"
PANOPTIC_ENDPOINT="$panoptic" PANOPTIC_API_KEY="$key" PANOPTIC_SERVICE=support-bot Panoptic__Export__FlushInterval=00:00:00.2 \
  ASPNETCORE_URLS="$bot" dotnet "$here/SupportBot/bin/Release/net10.0/SupportBot.dll" >"$work/bot.log" 2>&1 &
pids+=($!)
until curl -sf "$bot/" >/dev/null; do sleep 0.2; done

ask() { curl -sf -XPOST "$bot/ask" -H "X-Tenant: $1" -H "X-User: $2" -H 'Content-Type: application/json' -d "{\"text\":\"$3\"}" >/dev/null; }
for i in 1 2 3 4 5; do ask acme ann "How do I reset my password? Attempt $i"; done
for i in 1 2; do ask globex bob "Where is my invoice for March, and why was I charged twice this month? $i"; done
ask initech carol "Hi"
sleep 1.5 # the SDK sends every 200 ms here (1 s by default)

today=$(date -u +%F); tomorrow=$(date -u -d tomorrow +%F)
echo "cost per tenant, from $panoptic/api/v1/costs:"
curl -sf "$panoptic/api/v1/costs?from=$today&to=$tomorrow&group_by=tenant" -H "Authorization: Bearer $token" -H "Panoptic-Workspace: $workspace" |
  python3 -c '
import json, sys
costs = json.load(sys.stdin)
for row in costs["top"]:
    tenant = row["key"]["tenant"] or "(none)"
    print("  %-10s %3d events  $%.6f" % (tenant, row["events"], row["cost_usd"]))
print("  %-10s %3d events  $%.6f" % ("total", costs["total"]["events"], costs["total"]["cost_usd"]))'
