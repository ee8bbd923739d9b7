#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server for the tests and prints its connection string; `tests/postgres.sh stop DIR`
# stops it and deletes its files. Installs Debian's PostgreSQL when the machine has none. The server refuses to run
# as root, so as root it runs as the `postgres` user.
set -euo pipefail
if [ "${1:-}" = "stop" ]; then
  dir="$2"
  if [ -f "$dir/data/postmaster.pid" ]; then
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$(cat "$dir/bin")/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    else "$(cat "$dir/bin")/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true; fi
  fi
  rm -rf "$dir"
  exit 0
fi
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
if [ -z "$bin" ]; then
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
fi
dir=$(mktemp -d /tmp/panoptic-pg.XXXXXX)
echo "$bin" > "$dir/bin"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
run() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$dir"
run "$bin/initdb" -D "$dir/data" -A trust -U postgres --no-sync >/dev/null
# Durability settings off for tests (they test our code, not PostgreSQL's fsync); `tests/postgres.sh durable`
# keeps PostgreSQL's defaults, for benchmarks.
settings="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
[ "${1:-}" = "durable" ] && settings=""
run "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "-p $port -k $dir -c listen_addresses=127.0.0.1 $settings -c max_connections=300" start >/dev/null
echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres;Pooling=true" > "$dir/connection"
echo "$dir"
