#!/usr/bin/env bash
# A private PostgreSQL cluster for one test program that stops, crashes and
# restarts its own server (tests/support/cst-test-cluster.c), so the shared server
# of test-server.sh is never taken away from the other tests.
#
#   own-test-server.sh start DIR [PID]  # the first time initdb, later the same
#                                   # cluster again; with PID, the cluster is
#                                   # destroyed when that process is gone, so a
#                                   # test that aborts leaves no server behind
#   own-test-server.sh standby DIR PRIMARY_DIR [PID]
#                                   # the first time a streaming hot standby of
#                                   # the cluster in PRIMARY_DIR (pg_basebackup -R),
#                                   # later the same standby again
#   own-test-server.sh stop DIR     # pg_ctl stop -m fast; the data stays
#   own-test-server.sh crash DIR    # SIGKILL to the postmaster and every child: the
#                                   # data stays, the next start runs crash recovery
#   own-test-server.sh destroy DIR  # stop at once and remove the cluster
#   own-test-server.sh guard PGDATA FOLDER PID
#                                   # once PID is gone, stop the server in PGDATA at
#                                   # once and remove FOLDER: for a server a test
#                                   # started itself (the app's private database)
#
# Unix socket in DIR only.  Unlike test-server.sh, synchronous_commit stays
# on: a test that crashes the server checks that what was acknowledged
# before survives, and fsync=off is harmless when only processes die, not
# the machine.  As root the server runs as "postgres".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/test-server.sh"

action=$1 dir=$2
bindir=$(custodian_pg_bindir)
data=$dir/data

own_dir () {
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 ||
      useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin postgres
    chown postgres: "$dir"
  fi
}

start () {
  if [ ! -d "$data" ]; then
    own_dir
    custodian_as_server_user "$bindir/initdb" -D "$data" -U postgres -A trust -E UTF8 \
      --locale=C.UTF-8 --no-sync >"$dir/initdb.log"
  fi
  run_server
}

# The primary's pg_hba.conf of initdb -A trust lets local replication in;
# -R writes primary_conninfo and standby.signal.
standby () {
  local primary=$1
  if [ ! -d "$data" ]; then
    own_dir
    custodian_as_server_user "$bindir/pg_basebackup" -h "$primary" -U postgres -D "$data" \
      -R -X stream -c fast --no-sync >"$dir/basebackup.log" 2>&1
  fi
  run_server
}

run_server () {
  custodian_as_server_user "$bindir/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses='' -k $dir -c fsync=off -c full_page_writes=off -c max_connections=40" \
    start >/dev/null
}

# Runs a command once process OWNER is gone, detached from the caller's
# pipes (meson waits for them to close); prints the watchdog's pid.
after_owner () {
  local owner=$1
  shift
  setsid bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 2; done; shift; "$@"' \
    watchdog "$owner" "$@" </dev/null >/dev/null 2>&1 &
  echo $!
}

# One watchdog per cluster.
watch_owner () {
  if [ -f "$dir/watchdog.pid" ] && kill -0 "$(cat "$dir/watchdog.pid")" 2>/dev/null; then
    return
  fi
  after_owner "$1" bash -c '"$0" destroy "$1"; rmdir "$1"' "$here/own-test-server.sh" "$dir" \
    >"$dir/watchdog.pid"
}

postmaster_pid () {
  head -n 1 "$data/postmaster.pid" 2>/dev/null || true
}

crash () {
  local pid children
  pid=$(postmaster_pid)
  [ -n "$pid" ] || { echo "own-test-server.sh: no server running in $dir" >&2; exit 1; }
  children=$(ps -o pid= --ppid "$pid" || true)
  kill -KILL "$pid" $children 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" $children 2>/dev/null || return 0
    sleep 0.1
  done
  echo "own-test-server.sh: the server in $dir did not die" >&2
  exit 1
}

case $action in
  start) start; [ -z "${3:-}" ] || watch_owner "$3" ;;
  standby) standby "$3"; [ -z "${4:-}" ] || watch_owner "$4" ;;
  stop) custodian_as_server_user "$bindir/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null ;;
  crash) crash ;;
  destroy)
    custodian_as_server_user "$bindir/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
    if [ -f "$dir/watchdog.pid" ] && [ "$(cat "$dir/watchdog.pid")" != "$PPID" ]; then
      kill "$(cat "$dir/watchdog.pid")" 2>/dev/null || true
    fi
    rm -rf "$data" "$dir/server.log" "$dir/initdb.log" "$dir/basebackup.log" "$dir/watchdog.pid" ;;
  guard) after_owner "$4" "$here/own-test-server.sh" remove "$2" "$3" >/dev/null ;;
  remove)  # what guard runs: remove PGDATA FOLDER
    custodian_as_server_user "$bindir/pg_ctl" -D "$2" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$3" ;;
  *) echo "usage: $0 start|standby|stop|crash|destroy DIR | guard PGDATA FOLDER PID" >&2; exit 2 ;;
esac
