#!/usr/bin/env bash
# bench/system — "audit verify" on one connection (--jobs 1) against the
# years read side by side (--jobs N), in the same run, on a fully migrated
# database with ROWS audit rows over five years.  Prints wall time, the
# client's CPU and peak RSS of each run, and the load average before each.
# Then the clerks' per-row audit policy (0087) at that size: one request's
# history and a count of a year's events read as a clerk and as an auditor.
#
#   bench/system/verify-years.sh BUILD_DIR ROWS [JOBS...]   (default JOBS: 1 2 6)
#   on the throwaway test server: . build-aux/test-server.sh &&
#   custodian_test_server_start first
# Environment:
#   BEFORE=CLI  also time this other custodian-cli (an older build), each
#               round alternating with BUILD_DIR's, so one run compares them
#   DB=NAME     use (or make, and keep) this database: the set-up of a large
#               log is done once for several runs
#   BEFORE_SQL=SQL, THIS_SQL=SQL  run as the superuser before each run of
#               that build (e.g. a policy a migration of this build adds,
#               dropped for the older one)
#   ROUNDS=N    rounds of the comparison (default 2)
#   POLICY=0    skip the clerks' policy reads at the end (minutes each on
#               a log of millions of rows)
# On the throwaway test server (CUSTODIAN_PGTEST_DIR) each verify also
# prints the server's CPU: its backends', reaped by the postmaster.
set -euo pipefail
build=$1 rows=$2; shift 2
jobs_list=${*:-1 2 6}
src=$(cd "$(dirname "$0")/../.." && pwd)
cli="$build/app/custodian-cli"
db="${DB:-cst_bench_years_$$}"
out=/tmp/bench-years-$$
export LC_ALL=C.UTF-8 GSETTINGS_BACKEND=memory

disk_read_mb () {  # the machine's block devices, read so far (others' reads too)
  awk '$3 ~ /^(vd[a-z]|sd[a-z]|nvme[0-9]+n[0-9]+)$/ { s += $6 } END { print int(s / 2048) }' /proc/diskstats
}

server_cpu () {  # seconds of CPU the test server's ended backends used
  local pm
  pm=$(head -1 "${CUSTODIAN_PGTEST_DIR:-/nonexistent}/data/postmaster.pid" 2>/dev/null) || { echo 0; return; }
  awk -v t="$(getconf CLK_TCK)" '{ print ($16 + $17) / t }' "/proc/$pm/stat"
}

step () {  # step NAME COMMAND...: wall seconds, client CPU and peak RSS of one step
  local name=$1 before read_before; shift
  echo "  load average $(cut -d' ' -f1-3 /proc/loadavg)"
  before=$(server_cpu) read_before=$(disk_read_mb)
  /usr/bin/time -f "$name: %e s wall, client %U s user + %S s sys, %M KiB peak RSS" "$@" >"$out.out" 2>"$out.err" ||
    { [ "${allow_fail:-}" ] || { cat "$out.out" "$out.err"; exit 1; }; }
  sleep 1  # the backends reaped
  echo "$(tail -n 1 "$out.err"), server $(echo "$(server_cpu) - $before" | bc) s CPU, disks read $(($(disk_read_mb) - read_before)) MB, load after $(cut -d' ' -f1 /proc/loadavg)"
}

echo "bench/system verify-years: $(date -u '+%F %T UTC'), $rows rows, $(nproc) processors"
year=$(date -u +%Y)
make_log () {
createdb "$db"
"$cli" --database "dbname=$db" db migrate >/dev/null
psql -qd "$db" -v ON_ERROR_STOP=1 -c "SELECT history_ensure_year('audit_log', y) FROM generate_series($year - 4, $year) y" >/dev/null
# Set-up: rows of five years inserted with the triggers off, then linked in
# one pass by link-chain.py.  A request's rows come as the desk writes them:
# 20 facilities' requests, ~10 audit rows each.
step "fill $rows audit rows over 5 years" psql -qd "$db" -v ON_ERROR_STOP=1 -c "
SET session_replication_role = replica;
INSERT INTO audit_log (occurred_at, actor, table_name, row_id, action, new_row)
SELECT make_timestamptz($year - 4, 1, 1, 0, 0, 0, 'UTC')
         + (interval '5 years' - interval '1 day') * (n::float8 / $rows),
       'clerk_' || (n % 100), CASE WHEN n % 5 = 0 THEN 'event' ELSE 'roi_requests' END,
       CASE WHEN n % 5 = 0 THEN NULL ELSE n / 10 END,
       CASE WHEN n % 5 = 0 THEN 'EVENT' ELSE 'UPDATE' END,
       jsonb_build_object('kind', 'record.viewed', 'details',
                          jsonb_build_object('request', 'ROI-' || n / 10, 'document', n % 7))
  FROM generate_series(1, $rows) n"
read -r seq hash < <(psql -Atd "$db" -F' ' -c "SELECT seq, encode(hash, 'hex') FROM audit_chain_head")
psql -qd "$db" -v ON_ERROR_STOP=1 -c "CREATE UNLOGGED TABLE bench_links (id bigint, pos bigint, prev text, hash text)"
step "link the chain (set-up, outside the server)" bash -c "
psql -qd '$db' -c \"\\copy (SELECT id, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\\\"T\\\"HH24:MI:SS.US\\\"Z\\\"'), actor, table_name, row_id, action, old_row::text, new_row::text, txid FROM audit_log WHERE chain_seq IS NULL ORDER BY id) TO STDOUT\" |
python3 '$src/bench/system/link-chain.py' $seq $hash 2>'$out.head' |
psql -qd '$db' -c '\\copy bench_links FROM STDIN'"
read -r seq hash < "$out.head"
step "store the links (set-up)" psql -qd "$db" -v ON_ERROR_STOP=1 -c "
SET session_replication_role = replica;
UPDATE audit_log a SET chain_seq = l.pos, prev_hash = decode(l.prev, 'hex'), row_hash = decode(l.hash, 'hex')
  FROM bench_links l WHERE a.id = l.id;
UPDATE audit_chain_head SET seq = $seq, hash = decode('$hash', 'hex');
DROP TABLE bench_links;"
psql -qd "$db" -c "VACUUM ANALYZE audit_log"
}
if [ -z "${DB:-}" ] || ! psql -qAtd "$db" -c "SELECT 1" >/dev/null 2>&1; then make_log; fi
echo "audit_log: $(psql -Atd "$db" -c "SELECT count(*) FROM audit_log") rows, $(psql -Atd "$db" -c "SELECT pg_size_pretty(sum(pg_total_relation_size(inhrelid))) FROM pg_inherits WHERE inhparent = 'audit_log'::regclass")"
auditor="bench_auditor_$$"
psql -qd "$db" -c "CREATE ROLE $auditor LOGIN IN ROLE custodian_auditor"
clerk="bench_clerk_$$"
psql -qd "$db" -c "CREATE ROLE $clerk LOGIN IN ROLE custodian_clerk"

# Alternating, twice, so that a change in the machine's load hits both.
for round in $(seq 1 "${ROUNDS:-2}"); do
  for j in $jobs_list; do
    for which in ${BEFORE:+before} this; do
      run_cli=$cli setup=${THIS_SQL:-}
      [ "$which" = before ] && run_cli=$BEFORE setup=${BEFORE_SQL:-}
      [ -z "$setup" ] || psql -qd "$db" -v ON_ERROR_STOP=1 -c "$setup" >/dev/null
      step "round $round: $which: audit verify --jobs $j (as an auditor)" "$run_cli" --database "dbname=$db user=$auditor" audit verify --jobs "$j"
      grep -h "intact\|BROKEN" "$out.out"
    done
  done
done

# The clerks' per-row audit policy (0087) at this size: the same reads as
# a clerk (policy applies) and as an auditor (reads all).
[ "${POLICY:-1}" = 0 ] || for who in "$auditor" "$clerk"; do
  for q in "SELECT count(*) FROM audit_log WHERE table_name = 'roi_requests' AND row_id = $((rows / 20))" \
           "SELECT count(*) FROM audit_log WHERE occurred_at >= make_timestamptz($year - 2, 1, 1, 0, 0, 0, 'UTC') AND occurred_at < make_timestamptz($year - 1, 1, 1, 0, 0, 0, 'UTC')"; do
    echo "  as ${who%%_[0-9]*}: $q"
    psql -qAtd "dbname=$db user=$who" -c "EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) $q" | grep -E "Execution Time|Planning Time|Rows Removed by Filter" | sed 's/^/    /'
  done
done
[ -n "${DB:-}" ] || dropdb "$db"
psql -qd postgres -c "DROP ROLE $auditor" -c "DROP ROLE $clerk"
rm -f "$out.out" "$out.err" "$out.head"
