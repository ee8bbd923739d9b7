# Shared by the samples' run.sh scripts (sourced, not run): a scratch folder cleaned up on exit, background processes
# stopped on exit, and `panoptic_start NAME`, which builds and starts `panoptic serve` on a free port, signs up a demo
# account, creates workspace NAME and an ingestion key, and sets PANOPTIC_URL, PANOPTIC_TOKEN, PANOPTIC_WORKSPACE and
# PANOPTIC_KEY.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work=$(mktemp -d /tmp/panoptic-sample.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; [ -n "${KEEP:-}" ] || rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
json() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }

panoptic_start() {
  dotnet build "$root/src/Panoptic.Cli" -c Release --nologo -v q >/dev/null
  PANOPTIC_URL="http://127.0.0.1:$(free_port)"
  dotnet "$root/src/Panoptic.Cli/bin/Release/net10.0/panoptic.dll" serve --data "$work/panoptic" --urls "$PANOPTIC_URL" >"$work/panoptic.log" 2>&1 &
  pids+=($!)
  until curl -sf "$PANOPTIC_URL/readyz" >/dev/null; do sleep 0.1; done
  local login='{"email":"demo@example.com","password":"demo password 123"}'
  curl -sf -XPOST "$PANOPTIC_URL/api/v1/auth/signup" -H 'Content-Type: application/json' -d "$login" >/dev/null
  PANOPTIC_TOKEN=$(curl -sf -XPOST "$PANOPTIC_URL/api/v1/auth/login" -H 'Content-Type: application/json' -d "$login" | json token)
  PANOPTIC_WORKSPACE=$(curl -sf -XPOST "$PANOPTIC_URL/api/v1/workspaces" -H "Authorization: Bearer $PANOPTIC_TOKEN" -H 'Content-Type: application/json' -d "{\"name\":\"$1\"}" | json id)
  PANOPTIC_KEY=$(curl -sf -XPOST "$PANOPTIC_URL/api/v1/keys" -H "Authorization: Bearer $PANOPTIC_TOKEN" -H "Panoptic-Workspace: $PANOPTIC_WORKSPACE" -H 'Content-Type: application/json' -d "{\"name\":\"$1\"}" | json key)
  echo "panoptic serve at $PANOPTIC_URL (log in as demo@example.com / demo password 123)" >&2
}
