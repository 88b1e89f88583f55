#!/usr/bin/env bash
# bench/system — simulated clerks on the primary while "report fees" for a
# year runs on a real streaming hot standby of it (pg_basebackup -R, as
# tests/db/test-report-replica.c starts one).  In the same run: the clerks
# alone, then the clerks with the report looping on the standby; the
# report alone on the standby first.  Prints the clerks' latency table
# (bench-load), each report's wall time and peak RSS, and the load average;
# before the standby, the clerks' audit policy on the same database
# (audit-policy.sh).
#
#   bench/system/clerks-standby.sh BUILD_DIR REQUESTS [CLERKS] [SECONDS]
#   (defaults: 100 clerks, 30 s) on the throwaway test server:
#   . build-aux/test-server.sh && custodian_test_server_start first.
#   CUSTODIAN_BENCH_DATABASE=NAME uses that database as it is (one
#   bulk-seed.sh made; REQUESTS is then ignored) and leaves it in place.
set -euo pipefail
build=$1 requests=$2 clerks=${3:-100} seconds=${4:-30}
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$build" && pwd)
cli="$build/app/custodian-cli"
db=${CUSTODIAN_BENCH_DATABASE:-cst_bench_fees_$$}
standby=$(mktemp -d /tmp/cst-bench-standby-XXXXXX)
out=/tmp/bench-standby-$$
year=$(date -u +%Y)
export LC_ALL=C.UTF-8 GSETTINGS_BACKEND=memory
export G_TEST_SRCDIR="$src/tests" G_TEST_BUILDDIR="$build/tests"

cleanup () {
  "$src/build-aux/own-test-server.sh" stop "$standby" 2>/dev/null || true
  "$src/build-aux/own-test-server.sh" destroy "$standby" 2>/dev/null || true
  rm -rf "$standby" "$out".*
}
trap cleanup EXIT

load () { cut -d' ' -f1-3 /proc/loadavg; }

echo "bench/system clerks-standby: $(date -u '+%F %T UTC'), $requests requests, $clerks clerks, ${seconds} s, $(nproc) processors"
if [ -z "${CUSTODIAN_BENCH_DATABASE:-}" ]; then
  createdb "$db"
  "$cli" --database "dbname=$db" db migrate >/dev/null
  echo "load average $(load)"
  /usr/bin/time -f "seed $requests requests over 20 facilities: %e s wall, %M KiB peak RSS" \
    "$cli" --database "dbname=$db" db seed-demo --requests "$requests" --facilities 20 >/dev/null
  psql -qd "$db" -c "VACUUM ANALYZE"
fi
psql -qd "$db" -c "CREATE ROLE bench_auditor_$$ LOGIN IN ROLE custodian_auditor"
echo "database: $(psql -Atd "$db" -c "SELECT pg_size_pretty(pg_database_size(current_database()))"), \
$(psql -Atd "$db" -c "SELECT count(*) FROM roi_requests") requests, \
$(psql -Atd "$db" -c "SELECT count(*) FROM invoices") invoices, \
$(psql -Atd "$db" -c "SELECT count(*) FROM audit_log") audit rows, \
$(psql -Atd "$db" -c "SELECT count(*) FROM facilities") facilities"

# At bulk-seed.sh's sizes its scans of a year take minutes: not then.
[ -n "${CUSTODIAN_BENCH_DATABASE:-}" ] || "$src/bench/system/audit-policy.sh" "$build" --database "$db"

# own-test-server.sh makes the standby (pg_basebackup -R) but starts it
# with max_connections 40, which a standby of the 200-connection test
# server refuses: start it here with the primary's 200.
"$src/build-aux/own-test-server.sh" standby "$standby" "$PGHOST" >/dev/null 2>&1 || true
(. "$src/build-aux/test-server.sh" &&
 custodian_as_server_user "$(custodian_pg_bindir)/pg_ctl" -D "$standby/data" -l "$standby/server.log" -w -t 60 \
   -o "-c listen_addresses='' -k $standby -c fsync=off -c full_page_writes=off -c max_connections=200" start >/dev/null)
for _ in $(seq 1 120); do
  psql -qAtd "host=$standby dbname=$db user=bench_auditor_$$" -c "SELECT pg_is_in_recovery()" >/dev/null 2>&1 && break
  sleep 1
done
echo "standby in recovery: $(psql -qAtd "host=$standby dbname=postgres" -c "SELECT pg_is_in_recovery()")"

report () {  # report FORMAT: one fee report for this year, on the standby
  /usr/bin/time -f "report fees $1 on the standby: %e s wall, client %U s user, %M KiB peak RSS (load $(load))" \
    "$cli" --database "dbname=$db user=bench_auditor_$$" \
    --report-database "host=$standby dbname=$db user=bench_auditor_$$" report fees \
    --from "$year-01-01" --to "$year-12-31" --format "$1" --output "$out.$1" >/dev/null 2>"$out.time.$1" ||
    { cat "$out.time.$1"; return 1; }
  tail -n 1 "$out.time.$1"
}
# CUSTODIAN_BENCH_REPORT_FORMATS: "csv pdf" unless told (at bulk sizes
# the PDF of a year is bench/reports' subject, not this one's).
for format in ${CUSTODIAN_BENCH_REPORT_FORMATS:-csv pdf}; do report "$format"; done

echo "--- clerks alone (load $(load))"
"$build/bench/bench-load" --clerks "$clerks" --seconds "$seconds" | grep -E "^\||p99|lost|verif" || true

echo "--- clerks with the report looping on the standby (load $(load))"
"$build/bench/bench-load" --clerks "$clerks" --seconds "$seconds" >"$out.load" &
clerks_pid=$!
while kill -0 "$clerks_pid" 2>/dev/null; do
  report csv >>"$out.reports" || break
done
wait "$clerks_pid"
# One line per report would bury the clerks' table: their wall times summed up.
awk '{print $7}' "$out.reports" | sort -n |
  awk '{a[NR] = $1} END {print "reports on the standby meanwhile: " NR ", wall median " a[int(NR / 2) + 1] " s, p90 " a[int(NR * 0.9)] " s, max " a[NR] " s"}'
grep -E "^\||p99|lost|verif" "$out.load" || true
[ -n "${CUSTODIAN_BENCH_DATABASE:-}" ] || dropdb "$db"
psql -qd postgres -c "DROP ROLE bench_auditor_$$"
