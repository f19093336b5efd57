#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the store's tests and CI, on 127.0.0.1 only.
#
#   scripts/pg-test-server.sh        start it (idempotent) and print its URL on stdout:
#                                    postgres://postgres@127.0.0.1:54329/passage_test
#   scripts/pg-test-server.sh stop   stop it and delete its files
#
# Trust authentication, loopback and a private socket folder only; fsync off: never for real data.
# Installs Debian's `postgresql` package when the server binaries are missing. Runs the server as
# the `postgres` user when invoked as root (initdb refuses root). Everything but the URL goes to
# stderr, so that `PASSAGE_TEST_PG_URL=$(scripts/pg-test-server.sh)` works.
set -euo pipefail

PORT="${PASSAGE_PG_PORT:-54329}"
BASE="${TMPDIR:-/tmp}/passage-pg-${PORT}"
DATA="${BASE}/data"
DB=passage_test
URL="postgres://postgres@127.0.0.1:${PORT}/${DB}"

log() { echo "pg-test-server: $*" >&2; }

# Runs a command as the cluster's owner: `postgres` when we are root, ourselves otherwise.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    if command -v runuser >/dev/null; then
      runuser -u postgres -- "$@"
    else
      su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
    fi
  else
    "$@"
  fi
}

find_bin() {
  if [ -x /usr/lib/postgresql/15/bin/initdb ]; then
    echo /usr/lib/postgresql/15/bin
    return
  fi
  local newest
  newest="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -n "$newest" ] && [ -x "$newest/initdb" ]; then
    log "PostgreSQL 15 not found; using $newest"
    echo "$newest"
  fi
}

install_server() {
  log "installing Debian's postgresql package"
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  # Only our throwaway cluster: do not let the package create and start its own on port 5432.
  $sudo mkdir -p /etc/postgresql-common
  if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
    echo "create_main_cluster = false" | $sudo tee /etc/postgresql-common/createcluster.conf >/dev/null
  fi
  $sudo apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q postgresql >&2
}

BIN="$(find_bin)"

if [ "${1:-start}" = stop ]; then
  if [ -n "$BIN" ] && [ -f "$DATA/postmaster.pid" ]; then
    as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >&2 || true
  fi
  rm -rf "$BASE"
  log "stopped"
  exit 0
fi

if [ "${1:-start}" != start ]; then
  echo "usage: $0 [start|stop]" >&2
  exit 2
fi

if [ -z "$BIN" ]; then
  install_server
  BIN="$(find_bin)"
  [ -n "$BIN" ] || { log "no PostgreSQL server binaries after installing"; exit 1; }
fi

if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
  useradd --system --no-create-home --shell /usr/sbin/nologin postgres
fi

psql_() { as_owner "$BIN/psql" -X -q -h 127.0.0.1 -p "$PORT" -U postgres "$@"; }

if ! as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
  if [ ! -f "$DATA/PG_VERSION" ]; then
    rm -rf "$BASE"
    mkdir -p "$BASE"
    chmod 700 "$BASE"
    [ "$(id -u)" = 0 ] && chown postgres: "$BASE"
    log "creating a cluster in $DATA"
    as_owner "$BIN/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --no-locale >/dev/null
    cat <<CONF | as_owner tee -a "$DATA/postgresql.conf" >/dev/null
listen_addresses = '127.0.0.1'
port = ${PORT}
unix_socket_directories = '${BASE}'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
CONF
    cat <<HBA | as_owner tee "$DATA/pg_hba.conf" >/dev/null
# Throwaway test cluster: trust on the private socket folder and on loopback, nothing else.
local all all trust
host  all all 127.0.0.1/32 trust
HBA
  fi
  log "starting on 127.0.0.1:${PORT}"
  as_owner "$BIN/pg_ctl" -D "$DATA" -l "$BASE/server.log" -w -t 30 start >&2 || {
    log "the server did not start; its log:"
    cat "$BASE/server.log" >&2 || true
    exit 1
  }
fi

if [ "$(psql_ -d postgres -tAc "select 1 from pg_database where datname = '${DB}'")" != 1 ]; then
  psql_ -d postgres -c "create database ${DB}" >&2
fi

echo "$URL"
