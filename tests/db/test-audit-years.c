/* test-audit-years.c — "audit verify" reads the log's years side by side
 * (one connection per year) and joins them: a chain over several years,
 * rows of two years interleaved at New Year, verifies the same as the walk
 * on one connection; a row changed in one year is named with its year; a
 * link broken between two years, which neither year sees alone, is found.
 *
 * Every test runs four ways, a program each: each row hashed by the walk
 * or by the server (/on-server/), each year read in chain order or as
 * stored (/as-stored/); every way must find the same breaks, also in a
 * year the table holds backwards.  The server's hash ignores functions the
 * database's owner put before pg_catalog in the search path.
 *
 * Set-up and tampering as the superuser (who switches the append-only
 * trigger off, as an attacker with the database would); every check as an
 * ordinary auditor login.
 */
#include "config.h"

#include <string.h>

#include "cst-audit-chain-private.h"
#include "cst-test-cli.h"
#include "cst-test-db.h"

#define FIRST_YEAR 2019
#define LAST_YEAR 2024
#define ROWS_PER_YEAR 60

/* How the walks of the test running read and hash the rows. */
static CstAuditWalkFlags walk_flags = CST_AUDIT_WALK_DEFAULT;

/* Events of FIRST_YEAR..LAST_YEAR, each year's partition made first.  At
 * each New Year the chain alternates between the two years' rows (a
 * transaction begun on 31 December linked after rows of 1 January). */
static CstTestDb *
years_db (PGconn **owner_out)
{
  CstTestDb *db = cst_test_db_new ();
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  const char *params[] = { G_STRINGIFY (FIRST_YEAR), G_STRINGIFY (LAST_YEAR),
                           G_STRINGIFY (ROWS_PER_YEAR) };

  cst_test_db_exec_ok (owner, "SELECT history_ensure_year('audit_log', y) "
                       "FROM generate_series($1::int, $2::int) y", 2, params);
  /* No autovacuum: a row stays where it was written and a row added later
   * goes after it (a copied row after its original, /chunks), whenever the
   * server's autovacuum would have come by. */
  cst_test_db_exec_ok (owner, "DO $$ DECLARE part regclass; BEGIN "
                       "FOR part IN SELECT inhrelid::regclass FROM pg_inherits "
                       "WHERE inhparent = 'audit_log'::regclass LOOP "
                       "EXECUTE format('ALTER TABLE %s SET (autovacuum_enabled = off)', part); "
                       "END LOOP; END $$", 0, NULL);
  /* Ids, and so chain positions, follow the ORDER BY: within a year by
   * time, except the last rows of December and the first of January,
   * which alternate. */
  cst_test_db_exec_ok (owner,
    "INSERT INTO audit_log (occurred_at, actor, table_name, row_id, action, new_row) "
    "SELECT t, 'clerk_' || (n % 3), 'event', NULL, 'EVENT', "
    "       jsonb_build_object('kind', 'record.viewed', 'n', n) "
    "  FROM generate_series($1::int, $2::int) y, generate_series(1, $3::int) n, "
    "       LATERAL (SELECT make_timestamptz(y, 1, 1, 0, 0, 0, 'UTC') "
    "                       + (n - 1) * (interval '365 days' / $3::int) AS t) at "
    " ORDER BY CASE WHEN n <= 3 THEN make_timestamptz(y, 1, 1, 0, 0, 0, 'UTC') - interval '1 hour' "
    "               WHEN n > $3::int - 3 THEN make_timestamptz(y + 1, 1, 1, 0, 0, 0, 'UTC') - interval '1 hour' "
    "               ELSE t END, n % 2, t", 3, params);
  g_assert_cmpint (cst_test_db_int (owner, "SELECT audit_chain_link_pending(true)", 0, NULL), >=, 0);
  *owner_out = g_steal_pointer (&owner);
  return db;
}

static CstAuditChainReport *
verify_years (CstTestDb *db,
              guint      jobs)
{
  g_autofree char *auditor = cst_test_db_create_login (db, "custodian_auditor");
  g_autoptr(GError) error = NULL;
  CstAuditChainReport *report = cst_audit_chain_verify_walk (auditor, jobs, walk_flags, 0, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (report);
  return report;
}

/* The one-connection walk, for comparison. */
static CstAuditChainReport *
verify_serially (CstTestDb *db)
{
  g_autofree char *auditor = cst_test_db_create_login (db, "custodian_auditor");
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = cst_db_connect (auditor, &error);
  CstAuditChainReport *report = NULL;

  g_assert_no_error (error);
  report = cst_audit_chain_verify (conn, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  return report;
}

static gint64
owner_int (PGconn     *owner,
           const char *sql,
           const char *param)
{
  const char *params[] = { param };

  return cst_test_db_int (owner, sql, param ? 1 : 0, params);
}

static void
test_years_verify (void)
{
  g_autoptr(PGconn) owner = NULL;
  g_autoptr(CstTestDb) db = years_db (&owner);
  g_autoptr(CstAuditChainReport) parallel = verify_years (db, 4);
  g_autoptr(CstAuditChainReport) serial = verify_serially (db);
  g_autoptr(PGresult) head = cst_db_exec (owner, "SELECT seq, encode(hash, 'hex') FROM audit_chain_head",
                                          0, NULL, NULL);

  /* The New Year rows really interleave: the chain changes year more
   * often than there are New Years. */
  g_assert_cmpint (owner_int (owner,
    "SELECT count(*) FROM (SELECT extract(year FROM occurred_at AT TIME ZONE 'UTC') "
    "  <> lag(extract(year FROM occurred_at AT TIME ZONE 'UTC')) OVER (ORDER BY chain_seq) AS turn "
    "  FROM audit_log) t WHERE turn", NULL), >, LAST_YEAR - FIRST_YEAR);
  g_assert_true (parallel->intact);
  g_assert_null (parallel->problem);
  g_assert_cmpint (parallel->rows_checked, ==, owner_int (owner, "SELECT count(*) FROM audit_log", NULL));
  g_assert_cmpint (parallel->head_seq, ==, cst_db_int64 (head, 0, 0));
  g_assert_cmpstr (parallel->head_hash, ==, cst_db_value (head, 0, 1));
  g_assert_true (serial->intact);
  g_assert_cmpint (serial->rows_checked, ==, parallel->rows_checked);
  g_assert_cmpstr (serial->head_hash, ==, parallel->head_hash);
}

/* Changes a row's content, leaving its hash: only its own year's walk can
 * see it. */
static void
change_row (PGconn     *owner,
            const char *id)
{
  const char *params[] = { id };

  cst_test_db_exec_ok (owner, "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only", 0, NULL);
  cst_test_db_exec_ok (owner, "UPDATE audit_log SET actor = 'someone_else' WHERE id = $1::bigint",
                       1, params);
  cst_test_db_exec_ok (owner, "ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only", 0, NULL);
}

static char *
row_in_year (PGconn *owner,
             int     year)
{
  g_autofree char *text = g_strdup_printf ("%d", year);

  /* The middle of the year, away from the rows interleaved at its ends. */
  return g_strdup_printf ("%" G_GINT64_FORMAT, owner_int (owner,
    "SELECT id FROM audit_log WHERE extract(year FROM occurred_at AT TIME ZONE 'UTC') = $1::int "
    "ORDER BY chain_seq OFFSET 20 LIMIT 1", text));
}

static void
test_changed_row_named (void)
{
  g_autoptr(PGconn) owner = NULL;
  g_autoptr(CstTestDb) db = years_db (&owner);
  g_autofree char *early = row_in_year (owner, FIRST_YEAR + 2);
  g_autofree char *late = row_in_year (owner, LAST_YEAR - 1);
  g_autoptr(CstAuditChainReport) report = NULL;
  g_autoptr(CstAuditChainReport) serial = NULL;

  /* Two years changed: the first break in chain order is the one named,
   * whichever year's walk finishes first. */
  change_row (owner, late);
  change_row (owner, early);
  report = verify_years (db, 4);
  g_assert_false (report->intact);
  g_assert_cmpint (report->broken_id, ==, g_ascii_strtoll (early, NULL, 10));
  g_assert_cmpint (report->broken_year, ==, FIRST_YEAR + 2);
  g_assert_cmpint (report->broken_seq, ==,
                   owner_int (owner, "SELECT chain_seq FROM audit_log WHERE id = $1::bigint", early));
  g_assert_nonnull (strstr (report->problem, "does not match its hash"));
  g_assert_cmpint (report->rows_checked, ==, report->broken_seq - 1);
  serial = verify_serially (db);
  g_assert_cmpint (serial->broken_id, ==, report->broken_id);
  g_assert_cmpint (serial->rows_checked, ==, report->rows_checked);
  g_assert_cmpstr (serial->problem, ==, report->problem);
}

/* Rewrites the row at chain position @seq with its hash recomputed from
 * its own link, the way a tamperer who knows the serialization would: the
 * row checks out alone, only the link into the next row is broken. */
static void
rewrite_with_own_hash (PGconn     *owner,
                       const char *seq)
{
  const char *params[] = { seq };

  cst_test_db_exec_ok (owner, "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only", 0, NULL);
  cst_test_db_exec_ok (owner, "UPDATE audit_log SET actor = 'someone_else' WHERE chain_seq = $1::bigint",
                       1, params);
  cst_test_db_exec_ok (owner, "UPDATE audit_log a SET row_hash = sha256(a.prev_hash || "
                       "audit_chain_payload(a.chain_seq, a)) WHERE chain_seq = $1::bigint", 1, params);
  cst_test_db_exec_ok (owner, "ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only", 0, NULL);
}

/* The last row of a year before a row of the next one, rewritten with its
 * hash recomputed from its own link, the way a tamperer who knows the
 * serialization would: its year still checks out alone, only the join with
 * the next year can see it. */
static void
test_link_between_years (void)
{
  g_autoptr(PGconn) owner = NULL;
  g_autoptr(CstTestDb) db = years_db (&owner);
  g_autofree char *year = g_strdup_printf ("%d", FIRST_YEAR + 1);
  gint64 seq = owner_int (owner,
    "SELECT a.chain_seq FROM audit_log a JOIN audit_log b ON b.chain_seq = a.chain_seq + 1 "
    "WHERE extract(year FROM a.occurred_at AT TIME ZONE 'UTC') = $1::int "
    "  AND extract(year FROM b.occurred_at AT TIME ZONE 'UTC') = $1::int + 1 "
    "ORDER BY a.chain_seq LIMIT 1", year);
  g_autofree char *seq_text = g_strdup_printf ("%" G_GINT64_FORMAT, seq);
  gint64 last_id = owner_int (owner, "SELECT id FROM audit_log WHERE chain_seq = $1::bigint", seq_text);
  gint64 next_id = owner_int (owner, "SELECT id FROM audit_log WHERE chain_seq = $1::bigint + 1", seq_text);
  g_autoptr(CstAuditChainReport) report = NULL;
  g_autofree char *expected = NULL;

  rewrite_with_own_hash (owner, seq_text);

  report = verify_years (db, 3);
  g_assert_false (report->intact);
  g_assert_cmpint (report->broken_id, ==, next_id);
  g_assert_cmpint (report->broken_seq, ==, seq + 1);
  g_assert_cmpint (report->broken_year, ==, FIRST_YEAR + 2);
  expected = g_strdup_printf ("does not follow audit row %" G_GINT64_FORMAT ":", last_id);
  g_assert_nonnull (strstr (report->problem, expected));
  g_assert_cmpint (report->rows_checked, ==, seq);
}

/* Where the walk on @jobs connections cuts the year @year: the first
 * position of its second piece. */
static gint64
piece_boundary (CstTestDb *db,
                guint      jobs,
                int        year)
{
  g_autofree char *auditor = cst_test_db_create_login (db, "custodian_auditor");
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = cst_db_connect (auditor, &error);
  g_autoptr(GPtrArray) pieces = NULL;
  guint in_year = 0;
  gint64 boundary = 0;

  g_assert_no_error (error);
  g_assert_true (cst_db_begin_snapshot (conn, &error));
  pieces = cst_audit_years_list (conn, jobs, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < pieces->len; i++)
    {
      const CstAuditYear *piece = g_ptr_array_index (pieces, i);

      if (piece->year == year && in_year++ == 1)
        boundary = piece->from_seq;
    }
  cst_db_rollback (conn);
  /* Each year, a whole connection's share of the log, is cut. */
  g_assert_cmpint (in_year, >=, 2);
  g_assert_cmpint (pieces->len, >, LAST_YEAR - FIRST_YEAR + 1 + 2);
  return boundary;
}

/* A year read in pieces, by two connections: the last row of a piece
 * rewritten with its hash recomputed from its own link checks out in its
 * piece; only the join with the next piece sees the broken link. */
static void
test_link_between_pieces (void)
{
  g_autoptr(PGconn) owner = NULL;
  g_autoptr(CstTestDb) db = years_db (&owner);
  gint64 boundary = piece_boundary (db, 2, FIRST_YEAR + 2);
  g_autofree char *last_seq = g_strdup_printf ("%" G_GINT64_FORMAT, boundary - 1);
  gint64 last_id = owner_int (owner, "SELECT id FROM audit_log WHERE chain_seq = $1::bigint", last_seq);
  gint64 next_id = owner_int (owner, "SELECT id FROM audit_log WHERE chain_seq = $1::bigint + 1", last_seq);
  g_autofree char *expected = g_strdup_printf ("does not follow audit row %" G_GINT64_FORMAT ":", last_id);
  g_autoptr(CstAuditChainReport) report = NULL;
  g_autoptr(CstAuditChainReport) serial = NULL;

  /* Inside the year, away from New Year: both rows are of that year. */
  g_assert_cmpint (owner_int (owner, "SELECT count(DISTINCT extract(year FROM occurred_at AT TIME ZONE 'UTC')) "
                              "FROM audit_log WHERE chain_seq IN ($1::bigint, $1::bigint + 1)", last_seq), ==, 1);
  rewrite_with_own_hash (owner, last_seq);

  report = verify_years (db, 2);
  g_assert_false (report->intact);
  g_assert_cmpint (report->broken_id, ==, next_id);
  g_assert_cmpint (report->broken_seq, ==, boundary);
  g_assert_cmpint (report->broken_year, ==, FIRST_YEAR + 2);
  g_assert_nonnull (strstr (report->problem, expected));
  g_assert_cmpint (report->rows_checked, ==, boundary - 1);
  serial = verify_serially (db);
  g_assert_cmpint (serial->broken_id, ==, report->broken_id);
  g_assert_cmpint (serial->rows_checked, ==, report->rows_checked);
  g_assert_cmpstr (serial->problem, ==, report->problem);
}

/* The walk reads times in binary and writes them as the server's to_char
 * does: before 2000 (negative offsets), leap days, the last microsecond of
 * a day, and the years to_char writes otherwise (before year 1, after
 * 9999), which the server formats itself.  The server linked these rows
 * with its own serialization; every one must check out. */
static void
test_times_written_as_the_server_does (void)
{
  g_autoptr(PGconn) owner = NULL;
  g_autoptr(CstTestDb) db = years_db (&owner);
  g_autoptr(CstAuditChainReport) parallel = NULL;
  g_autoptr(CstAuditChainReport) serial = NULL;

  cst_test_db_exec_ok (owner,
    "INSERT INTO audit_log (occurred_at, actor, table_name, row_id, action, new_row) "
    "SELECT t::timestamptz, 'clerk_1', 'event', NULL, 'EVENT', jsonb_build_object('at', t) "
    "  FROM unnest(ARRAY['1999-12-31 23:59:59.999999+00', '1969-07-20 20:17:40.5+00', "
    "                    '1900-03-01 00:00:00.000001+00', '2000-02-29 12:00:00+00', "
    "                    '2020-02-29 23:59:59.999999+00', '2100-03-01 00:00:00+00', "
    "                    '0500-06-15 10:00:00+00', '0001-01-01 00:00:00+00', "
    "                    '0044-03-15 12:00:00+00 BC', '9999-12-31 23:59:59.999999+00', "
    "                    '12000-01-01 00:00:00+00', '-infinity']) t", 0, NULL);
  g_assert_cmpint (cst_test_db_int (owner, "SELECT audit_chain_link_pending(true)", 0, NULL), >=, 0);
  parallel = verify_years (db, 3);
  serial = verify_serially (db);
  g_assert_true (parallel->intact);
  g_assert_null (parallel->problem);
  g_assert_cmpint (parallel->rows_checked, ==, owner_int (owner, "SELECT count(*) FROM audit_log", NULL));
  g_assert_true (serial->intact);
  g_assert_cmpstr (serial->head_hash, ==, parallel->head_hash);
}

/* Copies the row at chain position @seq into the log under a new id, its
 * position and hashes included, as a tamperer replaying a row would. */
static void
copy_row (PGconn     *owner,
          const char *seq)
{
  const char *params[] = { seq };

  cst_test_db_exec_ok (owner, "SET session_replication_role = replica", 0, NULL);
  cst_test_db_exec_ok (owner,
    "INSERT INTO audit_log (occurred_at, actor, table_name, row_id, action, old_row, new_row, txid, "
    "                       chain_seq, prev_hash, row_hash) "
    "SELECT occurred_at, actor, table_name, row_id, action, old_row, new_row, txid, "
    "       chain_seq, prev_hash, row_hash FROM audit_log WHERE chain_seq = $1::bigint", 1, params);
  cst_test_db_exec_ok (owner, "RESET session_replication_role", 0, NULL);
}

/* Each piece of a year is read in chunks, the next starting at the last
 * position of the one before (here chunks of 7 rows, a year of 60 in 9):
 * the log verifies as in one chunk; a row copied at the last position of
 * a chunk is read twice all the same, so the repeated position is found;
 * a row changed in a later chunk is named. */
static void
test_chunks (void)
{
  g_autoptr(PGconn) owner = NULL;
  g_autoptr(CstTestDb) db = years_db (&owner);
  g_autofree char *year = g_strdup_printf ("%d", FIRST_YEAR + 1);
  /* The seventh row of the year: the last of its first chunk on one
   * connection. */
  gint64 seam = owner_int (owner,
    "SELECT chain_seq FROM audit_log WHERE extract(year FROM occurred_at AT TIME ZONE 'UTC') = $1::int "
    "ORDER BY chain_seq OFFSET 6 LIMIT 1", year);
  g_autofree char *seam_text = g_strdup_printf ("%" G_GINT64_FORMAT, seam);
  gint64 rows = owner_int (owner, "SELECT count(*) FROM audit_log", NULL);
  g_autofree char *late = row_in_year (owner, LAST_YEAR - 1);
  g_autoptr(CstAuditChainReport) one = NULL;
  g_autoptr(CstAuditChainReport) four = NULL;
  g_autoptr(CstAuditChainReport) copied = NULL;
  g_autoptr(CstAuditChainReport) copied_four = NULL;
  g_autoptr(CstAuditChainReport) changed = NULL;

  cst_audit_years_set_chunk_rows (7);
  one = verify_years (db, 1);
  four = verify_years (db, 4);
  g_assert_true (one->intact);
  g_assert_cmpint (one->rows_checked, ==, rows);
  g_assert_true (four->intact);
  g_assert_cmpint (four->rows_checked, ==, rows);
  g_assert_cmpstr (four->head_hash, ==, one->head_hash);

  change_row (owner, late);
  changed = verify_years (db, 4);
  g_assert_false (changed->intact);
  g_assert_cmpint (changed->broken_id, ==, g_ascii_strtoll (late, NULL, 10));
  g_assert_nonnull (strstr (changed->problem, "does not match its hash"));

  copy_row (owner, seam_text);
  copied = verify_years (db, 1);
  copied_four = verify_years (db, 4);
  cst_audit_years_set_chunk_rows (0);
  g_assert_false (copied->intact);
  g_assert_cmpint (copied->broken_seq, ==, seam);
  g_assert_nonnull (strstr (copied->problem, "appears twice"));
  g_assert_cmpint (copied->rows_checked, ==, seam);
  g_assert_false (copied_four->intact);
  g_assert_cmpint (copied_four->broken_seq, ==, seam);
  g_assert_nonnull (strstr (copied_four->problem, "appears twice"));
}

/* The command line: --jobs, the same output and exit codes. */
static void
test_cli_jobs (void)
{
  g_autoptr(PGconn) owner = NULL;
  g_autoptr(CstTestDb) db = years_db (&owner);
  g_autofree char *auditor = cst_test_db_create_login (db, "custodian_auditor");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *broken_out = NULL;
  g_autofree char *row = row_in_year (owner, LAST_YEAR);
  g_autofree char *expected = g_strdup_printf ("BROKEN at audit row %s ", row);

  g_assert_cmpint (cst_test_cli_run (auditor, &out, &err, "audit", "verify", "--jobs", "3", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "The audit chain is intact"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cst_test_cli_run (auditor, NULL, &err, "audit", "verify", "--jobs", "-1", NULL), ==, 2);
  change_row (owner, row);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cst_test_cli_run (auditor, &broken_out, &err, "audit", "verify", "-j", "2", NULL), ==, 1);
  g_assert_nonnull (strstr (broken_out, expected));
}

/* The command line's --hash and --read: every way gives the same report
 * and head; a changed row is found every way; anything else is a usage
 * error. */
static void
test_cli_hash (void)
{
  g_autoptr(PGconn) owner = NULL;
  g_autoptr(CstTestDb) db = years_db (&owner);
  g_autofree char *auditor = cst_test_db_create_login (db, "custodian_auditor");
  g_autofree char *row = row_in_year (owner, FIRST_YEAR + 3);
  g_autofree char *expected = g_strdup_printf ("BROKEN at audit row %s ", row);
  const char *hash[] = { "server", "here" };
  const char *read[] = { "stored", "by-position" };
  g_autofree char *first_head = NULL;

  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *out = NULL;

      g_assert_cmpint (cst_test_cli_run (auditor, &out, NULL, "audit", "verify", "--hash", hash[i % 2],
                                         "--read", read[i / 2], NULL), ==, 0);
      g_assert_nonnull (strstr (out, "The audit chain is intact"));
      g_assert_nonnull (strstr (out, "Head: "));
      if (first_head == NULL)
        first_head = g_strdup (strstr (out, "Head: "));
      g_assert_cmpstr (strstr (out, "Head: "), ==, first_head);
    }
  g_assert_cmpint (cst_test_cli_run (auditor, NULL, NULL, "audit", "verify", "--hash", "there", NULL),
                   ==, 2);
  g_assert_cmpint (cst_test_cli_run (auditor, NULL, NULL, "audit", "verify", "--read", "sorted", NULL),
                   ==, 2);
  change_row (owner, row);
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *out = NULL;

      g_assert_cmpint (cst_test_cli_run (auditor, &out, NULL, "audit", "verify", "--hash", hash[i % 2],
                                         "--read", read[i / 2], NULL), ==, 1);
      g_assert_nonnull (strstr (out, expected));
    }
}

/* The server's hash is over the stored bytes whatever the database's owner
 * put in the search path: a row changed, and a convert_to() of the owner's
 * that puts the old text back into whatever it converts, first in the
 * database's search path.  The walk names only pg_catalog's functions, so
 * the change is found. */
static void
test_server_hash_ignores_search_path (void)
{
  g_autoptr(PGconn) owner = NULL;
  g_autoptr(CstTestDb) db = years_db (&owner);
  g_autofree char *row = row_in_year (owner, FIRST_YEAR + 1);
  g_autofree char *auditor = cst_test_db_create_login (db, "custodian_auditor");
  g_autoptr(PGconn) reader = NULL;
  g_autoptr(CstAuditChainReport) report = NULL;
  g_autoptr(GError) error = NULL;
  const char *params[] = { row };
  gint64 clerk = cst_test_db_int (owner, "SELECT right(actor, 1)::int FROM audit_log WHERE id = $1::bigint",
                                  1, params);
  g_autofree char *repair = g_strdup_printf (
    "CREATE FUNCTION evil.convert_to(t text, e name) RETURNS bytea LANGUAGE sql IMMUTABLE "
    "AS $$ SELECT pg_catalog.convert_to(pg_catalog.replace(t, E'7:clerk_9\\n', "
    "E'7:clerk_%" G_GINT64_FORMAT "\\n'), e) $$", clerk);

  g_assert_cmpint (clerk, !=, 9);
  cst_test_db_exec_ok (owner, "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only", 0, NULL);
  cst_test_db_exec_ok (owner, "UPDATE audit_log SET actor = 'clerk_9' WHERE id = $1::bigint", 1, params);
  cst_test_db_exec_ok (owner, "ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only", 0, NULL);
  cst_test_db_exec_ok (owner, "CREATE SCHEMA evil", 0, NULL);
  cst_test_db_exec_ok (owner, "GRANT USAGE ON SCHEMA evil TO PUBLIC", 0, NULL);
  cst_test_db_exec_ok (owner, repair, 0, NULL);
  cst_test_db_exec_ok (owner, "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET search_path = "
                       "evil, pg_catalog, public', current_database()); END $$", 0, NULL);
  /* The auditor's own unqualified calls do get the owner's function. */
  reader = cst_test_connect (auditor);
  g_assert_cmpint (cst_test_db_int (reader, "SELECT position('clerk_9'::bytea IN "
                                    "convert_to(E'7:clerk_9\\n', 'UTF8'))", 0, NULL), ==, 0);

  for (int stored = 0; stored <= 1; stored++)
    {
      CstAuditWalkFlags flags = stored ? CST_AUDIT_WALK_HASH_ON_SERVER | CST_AUDIT_WALK_AS_STORED
                                       : CST_AUDIT_WALK_HASH_ON_SERVER;

      report = cst_audit_chain_verify_walk (auditor, 3, flags, 0, NULL, &error);
      g_assert_no_error (error);
      g_assert_false (report->intact);
      g_assert_cmpint (report->broken_id, ==, g_ascii_strtoll (row, NULL, 10));
      g_assert_nonnull (strstr (report->problem, "does not match its hash"));
      g_clear_pointer (&report, cst_audit_chain_report_free);
    }
}

/* A year whose rows the table holds in the reverse of chain order (as
 * rows linked late, or written into space vacuum freed, come in some other
 * order than the chain's): read as stored, every row is a run of its own.
 * The log verifies as before, and a row changed there is named. */
static void
test_reversed_year (void)
{
  g_autoptr(PGconn) owner = NULL;
  g_autoptr(CstTestDb) db = years_db (&owner);
  g_autofree char *year = g_strdup_printf ("%d", FIRST_YEAR + 2);
  const char *params[] = { year };
  g_autoptr(CstAuditChainReport) intact = NULL;
  g_autoptr(CstAuditChainReport) changed = NULL;
  g_autoptr(PGresult) head = NULL;
  g_autofree char *row = NULL;

  cst_test_db_exec_ok (owner, "SET session_replication_role = replica", 0, NULL);
  cst_test_db_exec_ok (owner, "CREATE TEMP TABLE held AS SELECT * FROM audit_log "
                       "WHERE extract(year FROM occurred_at AT TIME ZONE 'UTC') = $1::int", 1, params);
  cst_test_db_exec_ok (owner, "DELETE FROM audit_log "
                       "WHERE extract(year FROM occurred_at AT TIME ZONE 'UTC') = $1::int", 1, params);
  cst_test_db_exec_ok (owner, "INSERT INTO audit_log OVERRIDING SYSTEM VALUE "
                       "SELECT * FROM held ORDER BY chain_seq DESC", 0, NULL);
  cst_test_db_exec_ok (owner, "RESET session_replication_role", 0, NULL);
  /* The table holds the year backwards now. */
  g_assert_cmpint (owner_int (owner,
    "SELECT count(*) FROM (SELECT chain_seq < lag(chain_seq) OVER (ORDER BY ctid) AS back "
    "  FROM audit_log WHERE extract(year FROM occurred_at AT TIME ZONE 'UTC') = $1::int) t "
    "WHERE back", year), >, ROWS_PER_YEAR / 2);

  intact = verify_years (db, 3);
  head = cst_db_exec (owner, "SELECT seq, encode(hash, 'hex') FROM audit_chain_head", 0, NULL, NULL);
  g_assert_true (intact->intact);
  g_assert_cmpint (intact->rows_checked, ==, owner_int (owner, "SELECT count(*) FROM audit_log", NULL));
  g_assert_cmpstr (intact->head_hash, ==, cst_db_value (head, 0, 1));

  row = row_in_year (owner, FIRST_YEAR + 2);
  change_row (owner, row);
  changed = verify_years (db, 3);
  g_assert_false (changed->intact);
  g_assert_cmpint (changed->broken_id, ==, g_ascii_strtoll (row, NULL, 10));
  g_assert_nonnull (strstr (changed->problem, "does not match its hash"));
  g_assert_cmpint (changed->rows_checked, ==, changed->broken_seq - 1);
}

/* Tests run with each way of reading and hashing the rows. */
typedef struct
{
  const char *path;
  void      (*func) (void);
} WalkTest;

static const WalkTest every_way[] = {
  { "/verify", test_years_verify },
  { "/changed-row-named", test_changed_row_named },
  { "/link-between-years", test_link_between_years },
  { "/times", test_times_written_as_the_server_does },
  { "/link-between-pieces", test_link_between_pieces },
  { "/chunks", test_chunks },
  { "/reversed-year", test_reversed_year },
};

/* This program is built once for each way (tests/db/meson.build), so
 * that each run stays short: AUDIT_YEARS_WAY names it. */
#ifndef AUDIT_YEARS_WAY
#define AUDIT_YEARS_WAY ""
#endif

typedef struct
{
  const char       *name;
  CstAuditWalkFlags flags;
} Way;

static const Way ways[] = {
  { "", CST_AUDIT_WALK_DEFAULT },
  { "as-stored", CST_AUDIT_WALK_AS_STORED },
  { "on-server", CST_AUDIT_WALK_HASH_ON_SERVER },
  { "on-server-as-stored", CST_AUDIT_WALK_HASH_ON_SERVER | CST_AUDIT_WALK_AS_STORED },
};

static void
run_test (gconstpointer data)
{
  ((const WalkTest *) data)->func ();
}

int
main (int    argc,
      char **argv)
{
  const Way *way = NULL;

  g_test_init (&argc, &argv, NULL);
  for (gsize w = 0; w < G_N_ELEMENTS (ways); w++)
    if (strcmp (ways[w].name, AUDIT_YEARS_WAY) == 0)
      way = &ways[w];
  g_assert_nonnull (way);
  walk_flags = way->flags;
  for (gsize i = 0; i < G_N_ELEMENTS (every_way); i++)
    {
      g_autofree char *path = g_strconcat ("/audit-years", *way->name ? "/" : "", way->name,
                                           every_way[i].path, NULL);

      g_test_add_data_func (path, &every_way[i], run_test);
    }
  if (way->flags != CST_AUDIT_WALK_DEFAULT)
    return g_test_run ();
  g_test_add_func ("/audit-years/cli-jobs", test_cli_jobs);
  g_test_add_func ("/audit-years/cli-hash", test_cli_hash);
  g_test_add_func ("/audit-years/on-server/search-path", test_server_hash_ignores_search_path);
  return g_test_run ();
}
