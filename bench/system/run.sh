#!/usr/bin/env bash
# bench/system — the history kept by year at the largest size this machine
# holds: a database as it was before 0079 with ROWS audit rows spread over
# five years, the audit chain verified before, converted in place by 0079,
# verified again (with the anchor from before), then one year detached and
# the chain verified without it.  Prints wall time and peak memory (RSS) of
# each step and the table sizes.  See README.md for the figures.
#
#   bench/system/run.sh BUILD_DIR ROWS      (on the throwaway test server:
#   . build-aux/test-server.sh && custodian_test_server_start first)
set -euo pipefail
build=$1 rows=$2
src=$(cd "$(dirname "$0")/../.." && pwd)
cli="$build/app/custodian-cli"
db="cst_bench_system_$$"
export LC_ALL=C.UTF-8 GSETTINGS_BACKEND=memory

step () {  # step NAME COMMAND...: wall seconds and peak RSS of one step
  local name=$1; shift
  /usr/bin/time -f "$name: %e s wall, client %U s user + %S s sys, %M KiB peak RSS" "$@" >/tmp/bench-system-$$.out 2>/tmp/bench-system-$$.err ||
    { cat /tmp/bench-system-$$.out /tmp/bench-system-$$.err; exit 1; }
  tail -n 1 /tmp/bench-system-$$.err
}

createdb "$db"
psql -qd "$db" -c "CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(), applied_by text NOT NULL DEFAULT session_user)"
for f in "$src"/resources/sql/00[0-7][0-9]-*.sql; do
  v=$(basename "$f" | cut -c1-4)
  [ "$v" -ge 79 ] && break
  psql -qd "$db" -v ON_ERROR_STOP=1 -1 -f "$f" -c "INSERT INTO schema_migrations VALUES ($((10#$v)), '$(basename "$f")')" >/dev/null
done
year=$(date -u +%Y)
# The rows a log of five years holds.  Set-up only: inserted with the
# triggers off (replica mode) and linked in one pass by the same
# serialization (audit_chain_payload), 100,000 rows per transaction; the
# commit-time linker updates row by row and would take ~1,000 rows/s here.
step "fill $rows audit rows over 5 years" psql -qd "$db" -v ON_ERROR_STOP=1 -c "
SET session_replication_role = replica;
INSERT INTO audit_log (occurred_at, actor, table_name, action, new_row)
SELECT make_timestamptz($year - 4, 1, 1, 0, 0, 0, 'UTC')
         + (interval '5 years' - interval '1 day') * (n::float8 / $rows),
       'clerk_' || (n % 100), 'event', 'EVENT',
       jsonb_build_object('kind', 'record.viewed', 'details',
                          jsonb_build_object('request', 'ROI-' || n % 2000000, 'document', n % 7))
  FROM generate_series(1, $rows) n;" -c "
CREATE TEMP TABLE links (id bigint, pos bigint, prev bytea, hash bytea);
DO \$\$
DECLARE
  r audit_log; pos bigint; h bytea;
BEGIN
  SELECT head.seq, head.hash INTO pos, h FROM audit_chain_head head;
  FOR r IN SELECT * FROM audit_log WHERE chain_seq IS NULL ORDER BY id LOOP
    pos := pos + 1;
    INSERT INTO links VALUES (r.id, pos, h, sha256(h || audit_chain_payload(pos, r))) RETURNING hash INTO h;
  END LOOP;
  UPDATE audit_chain_head SET seq = pos, hash = h;
END \$\$;
SET session_replication_role = replica;
UPDATE audit_log a SET chain_seq = l.pos, prev_hash = l.prev, row_hash = l.hash FROM links l WHERE a.id = l.id;"
psql -qd "$db" -c "VACUUM ANALYZE audit_log"
echo "audit_log before: $(psql -Atd "$db" -c "SELECT pg_size_pretty(pg_total_relation_size('audit_log'))")"
step "audit verify before (one table)" "$cli" --database "dbname=$db" audit verify
head=$(grep -o 'Head: [0-9]*:[0-9a-f]*' /tmp/bench-system-$$.out | cut -d' ' -f2)
step "0079 conversion in place" psql -qd "$db" -v ON_ERROR_STOP=1 -1 -f "$src/resources/sql/0079-history-by-year.sql"
psql -qd "$db" -c "INSERT INTO schema_migrations VALUES (79, '0079-history-by-year.sql')"
psql -qd "$db" -c "VACUUM ANALYZE audit_log"
echo "audit_log after: $(psql -Atd "$db" -c "SELECT pg_size_pretty(sum(pg_total_relation_size(inhrelid))) FROM pg_inherits WHERE inhparent = 'audit_log'::regclass")"
step "audit verify after, --anchor (by year)" "$cli" --database "dbname=$db" audit verify --anchor "$head"
step "one year's events (pruned to its year)" psql -qd "$db" -c "SELECT count(*) FROM audit_log WHERE occurred_at >= make_timestamptz($year - 2, 1, 1, 0, 0, 0, 'UTC') AND occurred_at < make_timestamptz($year - 1, 1, 1, 0, 0, 0, 'UTC') AND new_row->>'kind' = 'record.viewed'"
step "detach $((year - 4))" psql -qd "$db" -c "SELECT history_detach_year('audit_log', $year - 4, NULL)"
step "audit verify without $((year - 4))" "$cli" --database "dbname=$db" audit verify
grep "Not seen" /tmp/bench-system-$$.out
step "attach $((year - 4))" psql -qd "$db" -c "SELECT history_attach_year('audit_log', $year - 4)"
dropdb "$db"
rm -f /tmp/bench-system-$$.out /tmp/bench-system-$$.err
