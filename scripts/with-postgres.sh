#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL cluster:
#
#   scripts/with-postgres.sh cargo test -p mitra-storage
#
# Starts a fresh cluster (Debian's postgresql package: initdb and pg_ctl from
# /usr/lib/postgresql/*/bin, the newest first, or from PATH; MITRA_PG_BIN=DIR
# picks another) in a temporary directory, listening only on 127.0.0.1 on a
# free port and on a unix socket inside that directory, with trust
# authentication for the superuser mitra_test, and an empty database
# mitra_test. The command runs with:
#
#   MITRA_TEST_POSTGRES_URL   postgres://mitra_test@127.0.0.1:PORT/mitra_test
#   MITRA_TEST_POSTGRES_DATA  the cluster's data directory
#   MITRA_TEST_POSTGRES_BIN   the directory of initdb, pg_ctl, psql, ...
#   MITRA_TEST_POSTGRES_CTL   a script running pg_ctl on this cluster as the
#                             right user (e.g. `sh "$MITRA_TEST_POSTGRES_CTL"
#                             stop -m fast`, then `... start`)
#   PGHOST, PGPORT, PGUSER, PGDATABASE   for psql and friends
#
# The cluster is stopped and its directory removed when the script exits,
# however it exits; the script exits with the command's status.
#
# As root (CI), the server runs as the unprivileged user `postgres` (or
# `nobody` when there is none), since PostgreSQL refuses to run as root.
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 2
fi

find_bin() {
  if [ -n "${MITRA_PG_BIN:-}" ]; then
    echo "$MITRA_PG_BIN"
    return 0
  fi
  local dir
  while read -r dir; do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
      echo "$dir"
      return 0
    fi
  done < <(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r)
  if command -v initdb >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v initdb)")"
    return 0
  fi
  return 1
}

if ! bin=$(find_bin); then
  echo "with-postgres: no PostgreSQL server found (install Debian's postgresql package)" >&2
  exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
  if id postgres >/dev/null 2>&1; then run_as=postgres; else run_as=nobody; fi
  base=/tmp
else
  run_as=""
  base="${TMPDIR:-/tmp}"
fi

as_pg() {
  if [ -n "$run_as" ]; then
    runuser -u "$run_as" -- "$@"
  else
    "$@"
  fi
}

tmp=$(mktemp -d "$base/mitra-pg.XXXXXX")
data="$tmp/data"
log="$tmp/postgres.log"

cleanup() {
  local status=$?
  trap - EXIT
  if [ -f "$data/postmaster.pid" ]; then
    as_pg "$bin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$tmp"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
  echo "with-postgres: $*" >&2
  for f in "$tmp/initdb.log" "$log"; do
    if [ -s "$f" ]; then
      echo "--- $f" >&2
      tail -n 40 "$f" >&2
    fi
  done
  exit 1
}

[ -n "$run_as" ] && chown "$run_as" "$tmp"
chmod 700 "$tmp"

as_pg "$bin/initdb" -D "$data" -U mitra_test --auth=trust --encoding=UTF8 --locale=C \
  --no-sync >"$tmp/initdb.log" 2>&1 || fail "initdb failed"

cat >>"$data/postgresql.conf" <<EOF

# mitra: a throwaway test cluster, reachable only on loopback and its socket.
listen_addresses = '127.0.0.1'
unix_socket_directories = '$tmp'
max_connections = 200
shared_buffers = 32MB
include = 'mitra-port.conf'
EOF

# A free port: try random ones until the server binds one.
port=""
for _ in $(seq 1 20); do
  candidate=$((30000 + RANDOM % 30000))
  if (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
    continue # something listens there
  fi
  echo "port = $candidate" >"$data/mitra-port.conf"
  [ -n "$run_as" ] && chown "$run_as" "$data/mitra-port.conf"
  if as_pg "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 start >/dev/null 2>&1; then
    port=$candidate
    break
  fi
  grep -q "could not bind\|Address already in use" "$log" 2>/dev/null || fail "the server did not start"
done
[ -n "$port" ] || fail "found no free port"

"$bin/createdb" -h 127.0.0.1 -p "$port" -U mitra_test mitra_test ||
  fail "creating the database failed"

# pg_ctl on this cluster, as the user the server runs as.
ctl="$tmp/pg_ctl"
{
  echo '#!/bin/sh'
  if [ -n "$run_as" ]; then
    printf 'exec runuser -u %q -- %q -D %q -l %q -w "$@"\n' "$run_as" "$bin/pg_ctl" "$data" "$log"
  else
    printf 'exec %q -D %q -l %q -w "$@"\n' "$bin/pg_ctl" "$data" "$log"
  fi
} >"$ctl"
chmod 755 "$ctl"

export MITRA_TEST_POSTGRES_URL="postgres://mitra_test@127.0.0.1:$port/mitra_test"
export MITRA_TEST_POSTGRES_DATA="$data"
export MITRA_TEST_POSTGRES_BIN="$bin"
export MITRA_TEST_POSTGRES_CTL="$ctl"
export PGHOST=127.0.0.1 PGPORT="$port" PGUSER=mitra_test PGDATABASE=mitra_test
echo "with-postgres: PostgreSQL $("$bin/pg_ctl" --version | sed 's/.*(PostgreSQL) \([^ ]*\).*/\1/') on 127.0.0.1:$port (data in $data)" >&2

"$@"
