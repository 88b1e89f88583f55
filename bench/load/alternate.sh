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
    "$build/bench/bench-load" "${extra[@]}" "$@"
    echo "=== exit $? — $(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"
  done
done
