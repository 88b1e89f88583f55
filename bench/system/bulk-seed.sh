#!/usr/bin/env bash
# bench/system — the issue's health system at bench scale, in minutes
# rather than the ~9 hours the app's own functions would take:
# REQUESTS requests over five years and twenty facilities, their patients,
# invoices, and ten audit rows per request in a valid hash chain.
#
#   bench/system/bulk-seed.sh BUILD_DIR DATABASE REQUESTS
#   (on a server reachable through PG* variables, as its superuser; the
#   database is created and must not exist; nothing else may write to it
#   until the script ends: an audited write would take the bulk rows'
#   places in the chain)
#
# How: `db seed-demo --facilities 20 -n 2000` makes 2,000 real demo
# requests through the app (triggers, deadlines, the fee engine's
# invoices): the templates.  The bulk is then copied from them in set-based
# SQL with the triggers off (session_replication_role = replica): request i
# is template i mod 2,000 received (5 years × i / REQUESTS) ago, its due
# dates moved by the same number of days; a request older than 75 days
# (the templates' span) has ended released, or denied or cancelled as its
# template; a released copy gets its template jurisdiction's invoice
# shape, issued the day it was released.  Audit rows are written as the
# triggers would (the request's INSERT with its whole row; authorization
# checks; each status step; the invoice; record views), abbreviated: the
# UPDATE rows carry id, facility, status and version, not the whole row.
# They are linked outside the server by bulk-link.py and COPied in whole,
# in time order, so `audit verify` walks them like any other rows.
set -euo pipefail
build=$1 db=$2 requests=$3
src=$(cd "$(dirname "$0")/../.." && pwd)
cli="$build/app/custodian-cli"
templates=2000
export LC_ALL=C.UTF-8 GSETTINGS_BACKEND=memory

t0=$(date +%s)
step () { echo "[$(($(date +%s) - t0)) s, load $(cut -d' ' -f1 /proc/loadavg)] $*"; }

step "create $db, migrate, $templates template requests through the app over 20 facilities"
createdb "$db"
"$cli" --database "dbname=$db" db migrate >/dev/null
"$cli" --database "dbname=$db" db seed-demo -n "$templates" --facilities 20 >/dev/null
year=$(date -u +%Y)
psql -qd "$db" -v ON_ERROR_STOP=1 -c "
SELECT history_ensure_year(t, y) FROM unnest(ARRAY['audit_log', 'invoices', 'disclosures']) t,
  generate_series($year - 5, $year) y" >/dev/null

step "requests, patients and invoices (set-based, triggers off)"
psql -qd "$db" -v ON_ERROR_STOP=1 -v requests="$requests" <<'SQL'
SET session_replication_role = replica;
CREATE UNLOGGED TABLE bulk_template AS
  SELECT row_number() OVER (ORDER BY id) - 1 AS n, r.* FROM roi_requests r;
CREATE UNLOGGED TABLE bulk_invoice_template AS
  SELECT row_number() OVER (PARTITION BY i.jurisdiction ORDER BY i.id) - 1 AS n,
         count(*) OVER (PARTITION BY i.jurisdiction) AS of_n, i.*
    FROM invoices i;
SELECT max(id) AS first_patient FROM patients \gset
INSERT INTO patients (mrn, family_name, given_name, birth_date)
SELECT 'DEMO-B' || lpad(g::text, 8, '0'),
       (ARRAY['Demoson','Sampleton','Fictivo','Placeholder','Testwell','Mockridge',
              'Núñez-Ejemplo','Óskarsdóttir-Demo','Zoë-Test','Lee-Sample'])[1 + g % 10],
       (ARRAY['Avery','Jordan','Riley','Casey','Morgan','Quinn','José','Zoë','Ana','Kai',
              'Noor'])[1 + (g / 10) % 11],
       DATE '1940-01-01' + (g * 37 % 29000)
  FROM generate_series(1, greatest(:requests / 3, 1)) g;
-- Oldest first, so ids grow with time as a real desk's do.
INSERT INTO roi_requests (reference, patient_id, requester_id, received_date, jurisdiction,
    purpose, record_types, records_from, records_to, format, delivery, authorization_on_file,
    page_count, status, status_reason, due_date, extended_on, extension_reason, version,
    created_at, created_by, updated_at, updated_by, priority, original_due_date,
    deadline_rule_id, deadline_compared_rule_id, purpose_code, facility_id)
SELECT f.request_prefix || '-' || extract(year FROM d.received)::int || '-B' || lpad(g::text, 7, '0'),
       :first_patient + 1 + g % greatest(:requests / 3, 1), t.requester_id, d.received,
       t.jurisdiction, t.purpose, t.record_types, d.received - 700, d.received - 10, t.format,
       t.delivery, t.authorization_on_file, t.page_count, s.status,
       CASE WHEN s.status = 'denied' THEN COALESCE(t.status_reason, 'Demo: authorization not valid') END,
       t.due_date + d.shift, t.extended_on + d.shift, t.extension_reason,
       t.version + 5, d.received + time '09:00', 'bulk_clerk_' || g % 100,
       d.received + time '09:00' + interval '10 days', 'bulk_clerk_' || g % 100, t.priority,
       t.original_due_date + d.shift, t.deadline_rule_id, t.deadline_compared_rule_id,
       t.purpose_code, t.facility_id
  FROM generate_series(0, :requests - 1) g
  JOIN bulk_template t ON t.n = g % 2000
  JOIN facilities f ON f.id = t.facility_id
  CROSS JOIN LATERAL (SELECT current_date - ((:requests - 1 - g)::bigint * 1825 / :requests)::int AS received) d0
  CROSS JOIN LATERAL (SELECT d0.received, d0.received - t.received_date AS shift) d
  CROSS JOIN LATERAL (SELECT CASE WHEN current_date - d.received <= 75 OR t.status IN ('denied', 'cancelled')
                                  THEN t.status ELSE 'released'::roi_status END AS status) s
 ORDER BY g;
-- Released copies invoiced like their jurisdiction's templates, issued
-- ten days after receipt (the release); numbers of their own.
INSERT INTO invoices (id, number, request_id, method, jurisdiction, schedule_version, received_date,
    quoted_cents, total_cents, unconfirmed, lines, justification, issued_at, issued_by,
    requester_class, quote_inputs, schedules_through, facility_id)
OVERRIDING SYSTEM VALUE
SELECT (SELECT max(id) FROM invoice_keys) + row_number() OVER (ORDER BY r.id),
       'INV-' || extract(year FROM r.received_date + 10)::int || '-B' || lpad(r.id::text, 8, '0'),
       r.id, i.method, i.jurisdiction, i.schedule_version, r.received_date, i.quoted_cents,
       i.total_cents, i.unconfirmed, i.lines, i.justification,
       r.received_date + time '15:00' + interval '10 days', r.updated_by, i.requester_class,
       i.quote_inputs, i.schedules_through, r.facility_id
  FROM roi_requests r
  JOIN (SELECT jurisdiction, max(of_n) AS of_n FROM bulk_invoice_template GROUP BY 1) c
    ON c.jurisdiction = r.jurisdiction
  JOIN bulk_invoice_template i ON i.jurisdiction = r.jurisdiction AND i.n = r.id % c.of_n
 WHERE r.reference LIKE '%-B%' AND r.status = 'released'
   AND r.received_date + 10 < current_date;
INSERT INTO invoice_keys (id, number)
SELECT id, number FROM invoices WHERE number LIKE 'INV-%-B%';
DROP TABLE bulk_template, bulk_invoice_template;
SQL

step "audit rows: ten per bulk request, linked outside the server and COPied in"
read -r seq hash < <(psql -Atd "$db" -F' ' -c "SELECT seq, encode(hash, 'hex') FROM audit_chain_head")
start_seq=$seq
first_id=$(psql -Atd "$db" -c "SELECT max(id) FROM audit_log")
# Each column is computed for the row's kind only (a VALUES list of the
# five kinds built all five rows' jsonb for every row: 10 times slower).
# Row k (0–9) of request r occurs at a time growing with (r, k), so the
# chain runs forward in time across the years as the desk's does.
psql -qd "$db" -v ON_ERROR_STOP=1 -c "\\copy (
WITH bounds AS (SELECT min(id) AS lo, max(id) AS hi FROM roi_requests WHERE reference LIKE '%-B%'),
steps AS (SELECT ARRAY['received','authorization_verified','in_progress','quality_check','ready','released'] AS path)
SELECT $first_id + (r.id - b.lo) * 10 + k + 1,
       to_char((r.received_date + time '08:00' + (k * 47 + r.id % 37) * interval '1 minute') AT TIME ZONE 'UTC',
               'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'),
       r.updated_by, x.table_name, x.row_id, x.action, x.old_row::text, x.new_row::text,
       1000000 + (r.id - b.lo) * 10 + k
  FROM bounds b, steps,
       (SELECT r.*, inv.id AS inv_id FROM roi_requests r
          LEFT JOIN invoices inv ON inv.request_id = r.id AND inv.number LIKE 'INV-%-B%'
         WHERE r.reference LIKE '%-B%' ORDER BY r.id) r
  CROSS JOIN LATERAL generate_series(0, 9 + 0 * r.id) k
  CROSS JOIN LATERAL (SELECT CASE r.status WHEN 'denied' THEN 1 WHEN 'cancelled' THEN 1
                                ELSE array_position(steps.path, r.status::text) - 1 END AS n_steps) w
  CROSS JOIN LATERAL (SELECT CASE WHEN k = 0 THEN 'request' WHEN k <= 3 THEN 'check'
                                WHEN k <= 3 + w.n_steps THEN 'step'
                                WHEN k = 9 AND r.inv_id IS NOT NULL THEN 'invoice'
                                ELSE 'view' END AS kind) c
  CROSS JOIN LATERAL (SELECT
    CASE c.kind WHEN 'request' THEN 'roi_requests' WHEN 'check' THEN 'authorization_checks'
                WHEN 'step' THEN 'roi_requests' WHEN 'invoice' THEN 'invoices' ELSE 'event' END AS table_name,
    CASE c.kind WHEN 'request' THEN r.id WHEN 'check' THEN r.id * 10 + k WHEN 'step' THEN r.id
                WHEN 'invoice' THEN r.inv_id END AS row_id,
    CASE c.kind WHEN 'step' THEN 'UPDATE' WHEN 'view' THEN 'EVENT' ELSE 'INSERT' END AS action,
    CASE WHEN c.kind = 'step'
         THEN jsonb_build_object('id', r.id, 'facility_id', r.facility_id, 'version', k - 3,
                                 'status', steps.path[k - 3]) END AS old_row,
    CASE c.kind
      WHEN 'request' THEN jsonb_set(to_jsonb(r) - 'inv_id', '{status}', '\"received\"') || jsonb_build_object('version', 1)
      WHEN 'check' THEN jsonb_build_object('id', r.id * 10 + k, 'request_id', r.id,
                                           'element_code', (ARRAY['signature','date','description'])[k],
                                           'finding', 'present')
      WHEN 'step' THEN jsonb_build_object('id', r.id, 'facility_id', r.facility_id, 'version', k - 2,
                         'status', CASE WHEN k - 3 = w.n_steps THEN r.status::text ELSE steps.path[k - 2] END)
      WHEN 'invoice' THEN jsonb_build_object('id', r.inv_id, 'request_id', r.id, 'facility_id', r.facility_id)
      ELSE jsonb_build_object('kind', 'record.viewed',
                              'details', jsonb_build_object('request_id', r.id, 'document', k)) END AS new_row) x
 ) TO STDOUT" |
  python3 "$src/bench/system/bulk-link.py" "$seq" "$hash" 2>/tmp/bulk-seed-head.$$ |
  PGOPTIONS='-c session_replication_role=replica' psql -qd "$db" -v ON_ERROR_STOP=1 -c "\\copy audit_log (id, occurred_at, actor, table_name, row_id, action, old_row, new_row, txid, chain_seq, prev_hash, row_hash) FROM STDIN"
read -r seq hash < /tmp/bulk-seed-head.$$
rm -f /tmp/bulk-seed-head.$$
# Anything audited meanwhile (a membership granted, say) took the same
# positions in the chain: the load is then worthless, say so.
moved=$(psql -Atd "$db" -c "SELECT seq <> $start_seq FROM audit_chain_head")
[ "$moved" = f ] || { echo "bulk-seed: the database was written while loading; start again" >&2; exit 1; }
psql -qd "$db" -v ON_ERROR_STOP=1 -c "
UPDATE audit_chain_head SET seq = $seq, hash = decode('$hash', 'hex');
SELECT setval(pg_get_serial_sequence('audit_log', 'id'), (SELECT max(id) FROM audit_log));
SELECT setval(pg_get_serial_sequence('roi_requests', 'id'), (SELECT max(id) FROM roi_requests));
SELECT setval(pg_get_serial_sequence('invoices', 'id'), (SELECT max(id) FROM invoice_keys));" >/dev/null

step "analyze"
psql -qd "$db" -c "VACUUM ANALYZE"
step "done: $(psql -Atd "$db" -c "SELECT count(*) FROM roi_requests") requests, $(psql -Atd "$db" -c "SELECT count(*) FROM invoices") invoices, $(psql -Atd "$db" -c "SELECT count(*) FROM audit_log") audit rows, $(psql -Atd "$db" -c "SELECT count(*) FROM facilities") facilities, database $(psql -Atd "$db" -c "SELECT pg_size_pretty(pg_database_size(current_database()))")"
