#!/usr/bin/env bash
# bench/system — the clerks' per-row audit read policy (0087) at size: the
# reads a clerk's window makes of the audit log (one request's history)
# and a scan of a year of the log, as a clerk of one of 10 facilities
# (the policy applies to every row) and as an auditor (reads all), in the
# same run, alternating, three times.  Server-side execution time from
# EXPLAIN ANALYZE (timing off).
#
#   bench/system/audit-policy.sh BUILD_DIR REQUESTS
#   bench/system/audit-policy.sh BUILD_DIR --database DB   (a database
#     seeded with 10 facilities already: clerks-standby.sh uses it so)
#   on the throwaway test server: . build-aux/test-server.sh &&
#   custodian_test_server_start first
set -euo pipefail
build=$1 requests=$2
cli="$build/app/custodian-cli"
db="cst_bench_policy_$$"
own_db=1
if [ "$requests" = --database ]; then db=$3 own_db=; fi
clerk="bench_clerk_$$" auditor="bench_auditor_$$"
export LC_ALL=C.UTF-8 GSETTINGS_BACKEND=memory

echo "bench/system audit-policy: $(date -u '+%F %T UTC'), $requests requests, load $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$own_db" ]; then
  createdb "$db"
  "$cli" --database "dbname=$db" db migrate >/dev/null
  /usr/bin/time -f "seed: %e s" "$cli" --database "dbname=$db" db seed-demo --requests "$requests" --facilities 10 >/dev/null
fi
psql -qd "$db" -c "CREATE ROLE $clerk LOGIN IN ROLE custodian_clerk" -c "CREATE ROLE $auditor LOGIN IN ROLE custodian_auditor"
code=$(psql -Atd "$db" -c "SELECT code FROM facilities ORDER BY id LIMIT 1")
"$cli" --database "dbname=$db" facility grant --login "$clerk" --facility "$code" >/dev/null
psql -qd "$db" -c "VACUUM ANALYZE"
request=$(psql -Atd "$db" -c "SELECT r.id FROM roi_requests r JOIN facilities f ON f.id = r.facility_id WHERE f.code = '$code' ORDER BY r.id DESC LIMIT 1")
year=$(psql -Atd "$db" -c "SELECT extract(year FROM max(occurred_at))::int FROM audit_log")
echo "audit_log: $(psql -Atd "$db" -c "SELECT count(*) FROM audit_log") rows; the clerk's facility $code; request $request"
history="SELECT count(*) FROM audit_log WHERE table_name = 'roi_requests' AND row_id = $request"
year_scan="SELECT count(*) FROM audit_log WHERE occurred_at >= make_timestamptz($year, 1, 1, 0, 0, 0, 'UTC') AND occurred_at < make_timestamptz($year + 1, 1, 1, 0, 0, 0, 'UTC')"
for round in 1 2 3; do
  for who in "$auditor" "$clerk"; do
    for q in "$history" "$year_scan"; do
      printf 'round %s, %-13s %-12s rows %7s, ' "$round" "${who%_[0-9]*}:" "$([ "$q" = "$history" ] && echo history || echo "year scan")" \
        "$(psql -Atd "dbname=$db user=$who" -c "$q")"
      psql -qAtd "dbname=$db user=$who" -c "EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) $q" |
        grep -E "Execution Time" | tr -d '\n'
      echo " (load $(cut -d' ' -f1 /proc/loadavg))"
    done
  done
done
[ -z "$own_db" ] || dropdb "$db"
psql -qd postgres -c "DROP ROLE $clerk" -c "DROP ROLE $auditor"
