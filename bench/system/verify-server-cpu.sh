#!/usr/bin/env bash
# bench/system — the server's CPU for one stretch of the audit log read as
# `audit verify` reads it, one way after another, each on a fresh backend
# whose own CPU is read from /proc when it is done (psql discards the rows).
# Where the server's work per row goes: reading in chain order by the
# chain_seq index against a sequential scan, the rows sent whole for the
# client to hash against their hashes computed on the server.
#
#   bench/system/verify-server-cpu.sh CONNINFO FROM TO FIRST_SEQ LAST_SEQ [METHOD...]
#   e.g. ... "host=/work/bigscale dbname=cst_bulk_2m user=bs_auditor" \
#            2024-01-01 2025-01-01 12000001 12500000
# Methods (default: all):
#   count-index      count(*) of the range's rows in chain order (the index scan alone)
#   copy-rows        the range's rows by binary COPY in chain order (--read by-position --hash here)
#   copy-hashed      position, id, time, links and the server's sha256 of the range's
#                    rows in chain order (--read by-position --hash server)
#   count-seq        count(*) of the whole year by a sequential scan
#   copy-rows-seq    the whole year's rows as stored (--read stored --hash here)
#   copy-hashed-seq  the whole year hashed on the server as stored (--read stored --hash server)
# The range's methods read FIRST_SEQ..LAST_SEQ, the -seq ones the whole year:
# compare per row (both counts are printed).
# Must run on the database server's machine (reads /proc/PID/stat).
# SHOW_SQL=1 prints the queries instead.
set -euo pipefail
conninfo=$1 from=$2 to=$3 first=$4 last=$5; shift 5
methods=${*:-count-index copy-rows copy-hashed count-seq copy-rows-seq copy-hashed-seq}
tick=$(getconf CLK_TCK)

cat_() { printf ' OPERATOR(pg_catalog.||) '; }
field () { printf "COALESCE(pg_catalog.octet_length(%s)::pg_catalog.text%s':'%s%s, '-')%sE'\\\\n'" \
  "$1" "$(cat_)" "$(cat_)" "$1" "$(cat_)"; }
payload="E'custodian-audit-v1\\n'"
for f in "chain_seq::pg_catalog.text" "id::pg_catalog.text" occurred_text actor table_name \
         "row_id::pg_catalog.text" action old_text new_text "txid::pg_catalog.text"; do
  payload="$payload$(cat_)$(field "$f")"
done
hash="pg_catalog.sha256(CASE WHEN pg_catalog.octet_length(prev_hash) OPERATOR(pg_catalog.=) 32 THEN prev_hash
  ELSE pg_catalog.decode(pg_catalog.repeat('00', 32), 'hex') END$(cat_)pg_catalog.convert_to($payload, 'UTF8'))"
inner="SELECT chain_seq, id, occurred_at, actor, table_name, row_id, action,
  old_row::pg_catalog.text AS old_text, new_row::pg_catalog.text AS new_text, txid, prev_hash, row_hash,
  pg_catalog.to_char(pg_catalog.timezone('UTC'::pg_catalog.text, occurred_at),
                     'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS occurred_text FROM audit_log"
year="occurred_at >= '$from'::timestamptz AND occurred_at < '$to'::timestamptz"
range="$year AND chain_seq BETWEEN $first AND $last"
whole="$year AND chain_seq BETWEEN '-9223372036854775808'::bigint AND '9223372036854775807'::bigint"
as_stored="SET enable_indexscan = off; SET enable_bitmapscan = off; SET max_parallel_workers_per_gather = 0;"
odd="CASE WHEN NOT (occurred_at >= '0001-01-01 00:00:00+00' AND occurred_at < '10000-01-01 00:00:00+00')"

query () {
  case $1 in
    count-index) echo "SELECT count(*) FROM (SELECT chain_seq FROM audit_log WHERE $range ORDER BY chain_seq LIMIT 100000000) s;" ;;
    copy-rows) echo "COPY (SELECT chain_seq, id, occurred_at, actor, table_name, row_id, action, old_row, new_row,
      txid, prev_hash, row_hash, $odd THEN to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') END
      FROM audit_log WHERE $range ORDER BY chain_seq LIMIT 100000000) TO STDOUT (FORMAT binary);" ;;
    copy-hashed) echo "COPY (SELECT chain_seq, id, occurred_at, NULL, NULL, NULL, NULL, NULL, NULL, NULL, prev_hash, row_hash,
      $odd THEN occurred_text END, $hash
      FROM ($inner WHERE $range ORDER BY chain_seq LIMIT 100000000) r) TO STDOUT (FORMAT binary);" ;;
    count-seq) echo "$as_stored SELECT count(*) FROM audit_log WHERE $year;" ;;
    copy-rows-seq) echo "$as_stored COPY (SELECT chain_seq, id, occurred_at, actor, table_name, row_id, action, old_row, new_row,
      txid, prev_hash, row_hash, $odd THEN to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') END
      FROM audit_log WHERE $whole) TO STDOUT (FORMAT binary);" ;;
    copy-hashed-seq) echo "$as_stored COPY (SELECT chain_seq, id, occurred_at, NULL, NULL, NULL, NULL, NULL, NULL, NULL, prev_hash, row_hash,
      $odd THEN occurred_text END, $hash
      FROM ($inner WHERE $whole OFFSET 0) r) TO STDOUT (FORMAT binary);" ;;
    *) echo "unknown method $1" >&2; exit 2 ;;
  esac
}

if [ -n "${SHOW_SQL:-}" ]; then for m in $methods; do query "$m"; done; exit 0; fi
echo "verify-server-cpu: $(date -u '+%F %T UTC'), $from..$to, positions $first..$last, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "rows in the range: $(psql -qAt "$conninfo" -c "SELECT count(*) FROM audit_log WHERE $range"), in the year: $(psql -qAt "$conninfo" -c "SELECT count(*) FROM audit_log WHERE $year")"
out=$(mktemp)
for m in $methods; do
  start=$(date +%s.%N)
  psql -qAt "$conninfo" -v ON_ERROR_STOP=1 >/dev/null <<SQL
SELECT pg_backend_pid() AS bpid \gset
\setenv BPID :bpid
\o /dev/null
$(query "$m")
\o
\! awk '{ print \$14, \$15 }' /proc/\$BPID/stat > $out
SQL
  read -r user sys < "$out"
  echo "$m: server $(echo "scale=2; $user / $tick" | bc) s user + $(echo "scale=2; $sys / $tick" | bc) s sys, $(echo "$(date +%s.%N) - $start" | bc | cut -c1-6) s wall, load $(cut -d' ' -f1 /proc/loadavg)"
done
rm -f "$out"
