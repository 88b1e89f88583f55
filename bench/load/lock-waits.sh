#!/usr/bin/env bash
# Two builds' bench-load, alternating, on one throwaway server that logs
# every lock wait longer than 10 ms (log_lock_waits, deadlock_timeout):
# after each run, the waits for PostgreSQL's notification lock (the
# server-wide "object 0 of class 1262" a notifying commit takes), for
# another writer's row (a "ShareLock on transaction") and any other.
#
#   bench/load/lock-waits.sh BEFORE_BUILD AFTER_BUILD ROUNDS [bench-load args]
#
# Run it from the source tree.  The test server keeps fsync and
# synchronous_commit off (on its command line, which ALTER SYSTEM cannot
# override): commits never wait for a disk here.
set -uo pipefail
before=$1 after=$2 rounds=$3
shift 3
. build-aux/test-server.sh
unset PGHOST PGPORT PGUSER PGDATABASE PGSERVICE PGPASSWORD
trap custodian_test_server_stop EXIT INT TERM
custodian_test_server_start
psql -X -q -c "ALTER SYSTEM SET log_lock_waits = on" -c "ALTER SYSTEM SET deadlock_timeout = '10ms'" \
  -c "SELECT pg_reload_conf()" >/dev/null
log=$CUSTODIAN_PGTEST_DIR/server.log
# A hundred clerks log in at once: allow more than cst_db_connect()'s 10 s.
export LC_ALL=C.UTF-8 GSETTINGS_BACKEND=memory PGCONNECT_TIMEOUT=60
count () {
  grep -c "$1" "$2" || true
}
for round in $(seq 1 "$rounds"); do
  for build in "$before" "$after"; do
    start=$(wc -l < "$log")
    echo "=== round $round, $build $* — $(date -u +%T) UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"
    G_TEST_SRCDIR="$PWD/tests" G_TEST_BUILDDIR="$build/tests" "$build/bench/bench-load" "$@" |
      grep -E "^\| (search|open|edit|move|release|create) |^Total|CPU per|PASS|FAIL"
    run=$(mktemp)
    tail -n +$((start + 1)) "$log" | grep 'still waiting for' > "$run"
    echo "lock waits over 10 ms: notification lock $(count 'object 0 of class 1262' "$run")," \
         "a row's writer $(count 'ShareLock on transaction' "$run")," \
         "other $(grep -v -e 'object 0 of class 1262' -e 'ShareLock on transaction' "$run" | wc -l)"
    rm -f "$run"
  done
done
