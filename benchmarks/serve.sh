# Sourced by the whole-program benchmarks (ingest, trace, probe): builds, starts `panoptic serve` on an empty
# database and signs a benchmark account up, cleaning everything up on exit.
#   serve_start STORE     sqlite or postgres (PostgreSQL 15 started by tests/postgres.sh durable: default fsync);
#                         sets work (a temporary folder), url, pid and ready_ms (start to /readyz, milliseconds)
#   serve_onboard         sets token, workspace and key (an ingestion key)
#   extra_pids            more processes to stop on exit (a benchmark's own targets)
#   gateway_start         a local OpenAI-format upstream with a provider key for it and a gateway key; sets
#                         upstream_port and gateway_key
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
extra_pids=()
pid=""
pgdir=""
work=$(mktemp -d /tmp/panoptic-bench.XXXXXX)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
json() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }

serve_cleanup() {
  for p in $pid "${extra_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ -n "$pgdir" ]; then tests/postgres.sh stop "$pgdir"; fi
  rm -rf "$work"
}
trap serve_cleanup EXIT

serve_start() {
  local store=$1 db=""
  dotnet publish src/Panoptic.Cli -c Release -o "$work/cli" -p:PublishReadyToRun=true --nologo -v q >/dev/null
  dotnet build benchmarks/Panoptic.Benchmarks -c Release --nologo -v q >/dev/null
  if [ "$store" = "postgres" ]; then
    pgdir=$(tests/postgres.sh durable)
    db=$(cat "$pgdir/connection")
  fi
  url="http://127.0.0.1:$(free_port)"
  local started
  started=$(date +%s%N)
  dotnet "$work/cli/panoptic.dll" serve --data "$work/data" ${db:+--db "$db"} --urls "$url" >"$work/server.log" 2>&1 &
  pid=$!
  until curl -sf "$url/readyz" >/dev/null; do sleep 0.01; done
  ready_ms=$(( ($(date +%s%N) - started) / 1000000 ))
}

serve_onboard() {
  curl -sf -XPOST "$url/api/v1/auth/signup" -H 'Content-Type: application/json' -d '{"email":"bench@example.com","password":"benchmark password"}' >/dev/null
  token=$(curl -sf -XPOST "$url/api/v1/auth/login" -H 'Content-Type: application/json' -d '{"email":"bench@example.com","password":"benchmark password"}' | json token)
  workspace=$(curl -sf -XPOST "$url/api/v1/workspaces" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d '{"name":"bench"}' | json id)
  key=$(curl -sf -XPOST "$url/api/v1/keys" -H "Authorization: Bearer $token" -H "Panoptic-Workspace: $workspace" -H 'Content-Type: application/json' -d '{"name":"load"}' | json key)
}

bench="benchmarks/Panoptic.Benchmarks/bin/Release/net10.0/Panoptic.Benchmarks.dll"

gateway_start() {
  upstream_port=$(free_port)
  dotnet "$bench" gateway-upstream "$upstream_port" >/dev/null 2>&1 &
  extra_pids+=($!)
  until curl -s -o /dev/null "http://127.0.0.1:$upstream_port/"; do sleep 0.05; done
  curl -sf -XPOST "$url/api/v1/gateway/provider-keys" -H "Authorization: Bearer $token" -H "Panoptic-Workspace: $workspace" -H 'Content-Type: application/json' \
    -d "{\"name\":\"local\",\"provider\":\"openai\",\"api_key\":\"sk-benchmark-upstream-key\",\"base_url\":\"http://127.0.0.1:$upstream_port/v1\"}" >/dev/null
  gateway_key=$(curl -sf -XPOST "$url/api/v1/gateway/keys" -H "Authorization: Bearer $token" -H "Panoptic-Workspace: $workspace" -H 'Content-Type: application/json' \
    -d '{"name":"bench"}' | json key)
}

machine() { echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB; $(date -u +%Y-%m-%d)"; }
