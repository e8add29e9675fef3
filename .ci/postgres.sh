#!/usr/bin/env bash
# A throwaway PostgreSQL server from the machine's own binaries, for the tests and the benchmark:
#   . .ci/postgres.sh && postgres_start 55432    # exports DIVIORA_TEST_POSTGRES (trust auth, 127.0.0.1 only)
#   postgres_stop                                 # stops it and deletes its data folder
# The server refuses to run as root: as root, its programs run as the postgres OS user, who owns the data folder.
# Installs Debian's postgresql when no binaries are found.

postgres_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; else "$@"; fi
}

pg_data=""

postgres_start() {
  local port="${1:-55432}"
  if [ -z "$(postgres_bin)" ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) \
      || echo "warning: could not install postgresql"
  fi
  pg_bin="$(postgres_bin)"
  if [ -z "$pg_bin" ]; then
    echo "warning: no PostgreSQL server binaries in /usr/lib/postgresql/*/bin"
    return 1
  fi
  pg_data="$(mktemp -d "${TMPDIR:-/tmp}/diviora-postgres.XXXXXX")"
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$pg_data"; fi
  if as_postgres "$pg_bin/initdb" -D "$pg_data" --auth=trust --username=postgres --encoding=UTF8 --locale=C >/dev/null \
    && as_postgres "$pg_bin/pg_ctl" start -D "$pg_data" -w -t 60 -l "$pg_data/server.log" -o "-h 127.0.0.1 -p $port -k /tmp -c max_connections=300" >/dev/null \
    && "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$port" -t 30; then
    export DIVIORA_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
    echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') ready on 127.0.0.1:$port"
  else
    echo "warning: PostgreSQL did not start on 127.0.0.1:$port"
    [ -f "$pg_data/server.log" ] && tail -20 "$pg_data/server.log"
    return 1
  fi
}

postgres_stop() {
  if [ -n "$pg_data" ]; then
    as_postgres "$(postgres_bin)/pg_ctl" stop -D "$pg_data" -m fast -w >/dev/null 2>&1
    rm -rf "$pg_data"
    pg_data=""
  fi
}
