#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: Unix socket only (no TCP
# port to clash with), fsync off, removed on stop.  As root the server runs
# as the "postgres" account, because PostgreSQL refuses to run as root.
#
#   source build-aux/test-server.sh; custodian_test_server_start; …; custodian_test_server_stop
set -euo pipefail

custodian_pg_bindir () {
  local d
  d=$(pg_config --bindir 2>/dev/null || true)
  if [ -x "$d/initdb" ]; then echo "$d"; return; fi
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

custodian_as_server_user () {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

custodian_test_server_start () {
  PGBIN=$(custodian_pg_bindir)
  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin postgres
  fi
  CUSTODIAN_PGTEST_DIR=$(mktemp -d /tmp/custodian-pgtest.XXXXXX)
  [ "$(id -u)" -eq 0 ] && chown postgres: "$CUSTODIAN_PGTEST_DIR"
  # Other accounts may reach the socket (not list the folder): the idle-lock
  # tests run as an account of their own (tests/support/run-as-new-account.sh).
  chmod 711 "$CUSTODIAN_PGTEST_DIR"
  custodian_as_server_user "$PGBIN/initdb" -D "$CUSTODIAN_PGTEST_DIR/data" -U postgres \
    -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$CUSTODIAN_PGTEST_DIR/initdb.log"
  # One role must give a password, so a test can see a wrong one refused.
  custodian_as_server_user sh -c "printf 'local all custodian_password_test scram-sha-256\n' |
    cat - '$CUSTODIAN_PGTEST_DIR/data/pg_hba.conf' > '$CUSTODIAN_PGTEST_DIR/data/pg_hba.new' &&
    mv '$CUSTODIAN_PGTEST_DIR/data/pg_hba.new' '$CUSTODIAN_PGTEST_DIR/data/pg_hba.conf'"
  custodian_as_server_user "$PGBIN/pg_ctl" -D "$CUSTODIAN_PGTEST_DIR/data" \
    -l "$CUSTODIAN_PGTEST_DIR/server.log" -w -t 60 \
    -o "-c listen_addresses='' -k $CUSTODIAN_PGTEST_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null
  export PGHOST="$CUSTODIAN_PGTEST_DIR" PGUSER=postgres PGDATABASE=postgres
  unset PGPORT PGSERVICE PGPASSWORD
  export CUSTODIAN_PGTEST_DIR PGBIN
}

custodian_test_server_stop () {
  [ -n "${CUSTODIAN_PGTEST_DIR:-}" ] || return 0
  custodian_as_server_user "$PGBIN/pg_ctl" -D "$CUSTODIAN_PGTEST_DIR/data" -m immediate -w stop \
    >/dev/null 2>&1 || true
  rm -rf "$CUSTODIAN_PGTEST_DIR"
  CUSTODIAN_PGTEST_DIR=
}
