#!/usr/bin/env bash
# Starts a throwaway Redis server for the probe tests, with a password, and prints its folder (the address is in
# DIR/address, the password in DIR/password); `tests/redis.sh stop DIR` stops it and deletes its files. Installs
# Debian's Redis when the machine has none.
set -euo pipefail
if [ "${1:-}" = "stop" ]; then
  dir="$2"
  [ -f "$dir/pid" ] && kill "$(cat "$dir/pid")" 2>/dev/null || true
  rm -rf "$dir"
  exit 0
fi
if ! command -v redis-server >/dev/null; then
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null
fi
dir=$(mktemp -d /tmp/panoptic-redis.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
redis-server --port "$port" --bind 127.0.0.1 --requirepass "$password" --save '' --appendonly no --dir "$dir" \
  --daemonize yes --pidfile "$dir/pid" --logfile "$dir/log" >/dev/null
for _ in $(seq 1 100); do [ -f "$dir/pid" ] && break; sleep 0.05; done
echo "127.0.0.1:$port" > "$dir/address"
echo "$password" > "$dir/password"
echo "$dir"
