#!/usr/bin/env bash
# Two builds' bench-load one after the other, ROUNDS times, on one
# throwaway server: a before/after comparison in one run, each run's
# machine load printed before it (the machine is shared; compare within
# a round, not across rounds).
#
#   bench/load/alternate.sh BEFORE_BUILD AFTER_BUILD ROUNDS [bench-load args]
#
# BEFORE_ARGS="--no-prepared-statements" adds arguments to the first
# build's runs only (one build compared with a switch of its own: pass the
# same build twice).  STATEMENTS=1 starts the server with
# pg_stat_statements (track = all, track_planning = on), so each run lists
# where the server's time went, planning apart from execution.
# LOCK_WAITS=1 logs every lock wait over 10 ms (log_lock_waits,
# deadlock_timeout) and counts each run's: PostgreSQL's notification lock
# (the server-wide "object 0 of class 1262" a notifying commit takes),
# another writer's row ("ShareLock on transaction"), and any other.  The
# test server keeps fsync and synchronous_commit off (on its command line,
# which ALTER SYSTEM cannot override): commits never wait for a disk here.
#
# Each build's bench-load seeds a database of its own with its own
# migrations, so the two never share rows.  Starts and stops the server of
# build-aux/test-server.sh (run it from the source tree).
set -uo pipefail
before=$1 after=$2 rounds=$3
shift 3
. build-aux/test-server.sh
unset PGHOST PGPORT PGUSER PGDATABASE PGSERVICE PGPASSWORD
trap custodian_test_server_stop EXIT INT TERM
custodian_test_server_start
if [ "${STATEMENTS:-0}" = 1 ]; then
  # The extension's settings exist once the library is loaded: set after the restart.
  psql -X -q -c "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'" \
       -c "ALTER SYSTEM SET track_functions = 'pl'"
  custodian_as_server_user "$PGBIN/pg_ctl" -D "$CUSTODIAN_PGTEST_DIR/data" -w -t 60 restart \
    -l "$CUSTODIAN_PGTEST_DIR/server.log" >/dev/null
  psql -X -q -c "ALTER SYSTEM SET pg_stat_statements.track = 'all'" \
       -c "ALTER SYSTEM SET pg_stat_statements.track_planning = on" -c "SELECT pg_reload_conf()" >/dev/null
fi
log=$CUSTODIAN_PGTEST_DIR/server.log
if [ "${LOCK_WAITS:-0}" = 1 ]; then
  psql -X -q -c "ALTER SYSTEM SET log_lock_waits = on" -c "ALTER SYSTEM SET deadlock_timeout = '10ms'" \
       -c "SELECT pg_reload_conf()" >/dev/null
fi
# A hundred clerks log in at once: allow more than cst_db_connect()'s 10 s.
export PGCONNECT_TIMEOUT=${PGCONNECT_TIMEOUT:-60}
count_waits () {
  local waits
  waits=$(mktemp)
  tail -n +$(($1 + 1)) "$log" | grep 'still waiting for' > "$waits"
  echo "lock waits over 10 ms: notification lock $(grep -c 'object 0 of class 1262' "$waits")," \
       "a row's writer $(grep -c 'ShareLock on transaction' "$waits")," \
       "other $(grep -v -e 'object 0 of class 1262' -e 'ShareLock on transaction' "$waits" | wc -l)"
  rm -f "$waits"
}
for round in $(seq 1 "$rounds"); do
  for side in before after; do
    extra=()
    if [ "$side" = before ]; then
      build=$before
      read -r -a extra <<< "${BEFORE_ARGS:-}"
    else
      build=$after
    fi
    echo "=== round $round, $side: $build ${extra[*]} $* — $(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"
    start=$(wc -l < "$log")
    "$build/bench/bench-load" "${extra[@]}" "$@"
    echo "=== exit $? — $(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"
    if [ "${LOCK_WAITS:-0}" = 1 ]; then count_waits "$start"; fi
  done
done
