#!/usr/bin/env bash
# Start a throw-away PostgreSQL server for the store's contract tests and print its URL.
# Usage: eval "$(bash .ci/postgres.sh)"   (exports NASHRA_TEST_POSTGRES)
set -euo pipefail
PORT="${NASHRA_PG_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
if ! command -v initdb >/dev/null 2>&1 && [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >&2
fi
BIN="$(dirname "$(command -v initdb 2>/dev/null || ls /usr/lib/postgresql/*/bin/initdb | tail -n 1)")"
DATA="$(mktemp -d /tmp/nashra-pg.XXXXXX)"
chown postgres "$DATA" 2>/dev/null || true
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
as_pg "'$BIN/initdb' -D '$DATA/db' -A trust -U postgres --no-sync" >&2
as_pg "'$BIN/pg_ctl' -D '$DATA/db' -o \"-p $PORT -k '$DATA' -c listen_addresses=127.0.0.1 -c fsync=off\" -l '$DATA/log' -w start" >&2
echo "export NASHRA_TEST_POSTGRES='postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres'"
echo "export NASHRA_PG_DATA='$DATA/db'"
echo "export NASHRA_PG_BIN='$BIN'"
