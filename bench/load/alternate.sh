#!/usr/bin/env bash
# Two builds' bench-load one after the other, ROUNDS times, on one
# throwaway server: a before/after comparison in one run, each run's
# machine load printed before it (the machine is shared; compare within
# a round, not across rounds).
#
#   bench/load/alternate.sh BEFORE_BUILD AFTER_BUILD ROUNDS [bench-load args]
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
for round in $(seq 1 "$rounds"); do
  for build in "$before" "$after"; do
    echo "=== round $round: $build $* — $(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"
    "$build/bench/bench-load" "$@"
    echo "=== exit $? — $(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"
  done
done
