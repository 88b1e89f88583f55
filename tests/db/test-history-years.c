/* test-history-years.c — 0079 keeps audit_log, invoices and disclosures by
 * year: an existing database with several years of audit rows is
 * converted in place with its chain intact; clerks keep writing; an old
 * year is detached and attached again, and "audit verify" names the year it
 * could not see. */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "cst-test-cli.h"
#include "cst-test-db.h"

#define FIRST_YEAR 2019
#define ROWS_PER_YEAR 40

static CstTestDb *db;

static int
current_year (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_get_year (now);
}

/* An empty database migrated up to, not including, @stop: the schema an
 * installation had before 0079. */
static CstTestDb *
database_before (guint stop)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) admin = cst_db_connect ("dbname=postgres", &error);
  g_autoptr(GPtrArray) available = cst_migrations_list_available (&error);
  g_autoptr(PGconn) conn = NULL;
  CstTestDb *test_db = g_new0 (CstTestDb, 1);
  g_autofree char *create = NULL;

  g_assert_no_error (error);
  test_db->name = g_strdup_printf ("cst_history_%d", (int) getpid ());
  test_db->conninfo = g_strdup_printf ("dbname=%s", test_db->name);
  create = g_strdup_printf ("CREATE DATABASE %s", test_db->name);
  g_assert_true (cst_db_exec_command (admin, create, 0, NULL, &error));
  conn = cst_test_db_connect (test_db);
  cst_test_db_exec_ok (conn, "CREATE TABLE schema_migrations (version integer PRIMARY KEY, "
                       "name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), "
                       "applied_by text NOT NULL DEFAULT session_user)", 0, NULL);
  for (guint i = 0; i < available->len; i++)
    {
      const CstMigrationStatus *m = g_ptr_array_index (available, i);
      g_autofree char *path = g_strconcat (RESOURCE_BASE "/sql/", m->name, NULL);
      g_autoptr(GBytes) bytes = NULL;
      g_autofree char *script = NULL;
      g_autofree char *version = g_strdup_printf ("%u", m->version);
      const char *params[] = { version, m->name };

      if (m->version >= stop)
        break;
      bytes = g_resources_lookup_data (path, 0, &error);
      g_assert_no_error (error);
      script = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      g_assert_true (cst_db_begin (conn, &error));
      g_assert_true (cst_db_exec_script (conn, script, &error));
      g_assert_no_error (error);
      cst_test_db_exec_ok (conn, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                           2, params);
      g_assert_true (cst_db_commit (conn, &error));
    }
  return test_db;
}

/* Events of past years, as a log that has run since FIRST_YEAR holds them
 * (set-up as the superuser: the application writes only "now"). */
static void
fill_past_years (PGconn *conn)
{
  g_autofree char *last = g_strdup_printf ("%d", current_year ());
  const char *params[] = { G_STRINGIFY (FIRST_YEAR), last, G_STRINGIFY (ROWS_PER_YEAR) };

  cst_test_db_exec_ok (conn,
    "INSERT INTO audit_log (occurred_at, actor, table_name, row_id, action, new_row) "
    "SELECT make_timestamptz(y, 1 + n % 12, 1 + n % 28, 12, 0, 0, 'UTC'), 'clerk_' || (n % 3), "
    "       'event', NULL, 'EVENT', jsonb_build_object('kind', 'record.viewed', 'n', n) "
    "  FROM generate_series($1::int, $2::int - 1) y, generate_series(1, $3::int) n "
    " ORDER BY 1", 3, params);
  /* Linked at commit; this links any left behind. */
  g_assert_cmpint (cst_test_db_int (conn, "SELECT audit_chain_link_pending(true)", 0, NULL), >=, 0);
}

static CstAuditChainReport *
verify_as_auditor (gint64      anchor_seq,
                   const char *anchor_hash)
{
  g_autofree char *auditor = cst_test_db_create_login (db, "custodian_auditor");
  g_autoptr(GError) error = NULL;
  CstAuditChainReport *report = cst_audit_chain_verify_at (auditor, anchor_seq, anchor_hash, &error);

  g_assert_no_error (error);
  g_assert_nonnull (report);
  return report;
}

static void
test_convert_in_place (void)
{
  g_autoptr(PGconn) owner = NULL;
  g_autoptr(CstAuditChainReport) before = NULL;
  g_autoptr(CstAuditChainReport) after = NULL;
  g_autoptr(CstAuditChainReport) later = NULL;
  g_autoptr(PGconn) clerk = NULL;
  g_autoptr(CstRequest) request = NULL;
  g_autoptr(CstRelease) release = NULL;
  g_autoptr(GError) error = NULL;
  CstDocumentOptions options = { .paper = CST_PDF_PAPER_LETTER };
  guint applied = 0;
  int this_year = current_year ();

  db = database_before (79);
  owner = cst_test_db_connect (db);
  fill_past_years (owner);
  before = verify_as_auditor (0, NULL);
  g_assert_true (before->intact);
  g_assert_cmpint (before->rows_checked, >=, (this_year - FIRST_YEAR) * ROWS_PER_YEAR);
  g_assert_cmpint (cst_test_db_int (owner, "SELECT count(*) FROM pg_partitioned_table", 0, NULL), ==, 0);

  g_assert_true (cst_migrations_apply (owner, &applied, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (applied, >=, 1);

  /* The same chain, every row kept, each in its year. */
  after = verify_as_auditor (before->head_seq, before->head_hash);
  g_assert_true (after->intact);
  g_assert_false (after->anchor_unseen);
  g_assert_cmpuint (after->years_unseen->len, ==, 0);
  g_assert_cmpint (after->rows_checked, >=, before->rows_checked);
  g_assert_cmpint (cst_test_db_int (owner, "SELECT count(*) FROM history.audit_log_" G_STRINGIFY (FIRST_YEAR),
                                    0, NULL), ==, ROWS_PER_YEAR);
  g_assert_cmpint (cst_test_db_int (owner, "SELECT count(*) FROM pg_partitioned_table p "
                                    "JOIN pg_class c ON c.oid = p.partrelid "
                                    "WHERE c.relname IN ('audit_log', 'invoices', 'disclosures')",
                                    0, NULL), ==, 3);
  /* Made ahead: next year exists for every table. */
  {
    g_autofree char *next = g_strdup_printf ("%d", this_year + 1);
    const char *params[] = { next };

    g_assert_cmpint (cst_test_db_int (owner, "SELECT count(*) FROM history_years "
                                      "WHERE year = $1::int AND attached", 1, params), ==, 3);
  }

  /* Clerks keep working: their changes are audited into this year and
   * linked after the converted rows; an invoice gets its key. */
  cst_test_db_fill_facility (owner);
  clerk = cst_test_db_connect_as (db, "custodian_clerk");
  request = cst_test_db_move_along (clerk, cst_test_db_add_request (clerk, "MRN-HISTORY-1"),
                                    CST_STATUS_READY);
  g_object_set (request, "page-count", 12, NULL);
  g_assert_cmpint (cst_test_db_issue_invoice (clerk, request, CST_FEE_METHOD_HIPAA_FLAT), >=, 0);
  g_assert_cmpint (cst_test_db_int (owner, "SELECT count(*) FROM invoice_keys k "
                                    "JOIN invoices i ON i.id = k.id AND i.number = k.number",
                                    0, NULL), ==, 1);
  /* Audit rows name the table, not the year's partition. */
  g_assert_cmpint (cst_test_db_int (owner, "SELECT count(*) FROM audit_log WHERE table_name = 'invoices'",
                                    0, NULL), ==, 1);
  release = cst_release_run (clerk, request, "en", &options, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cst_test_db_int (owner, "SELECT count(*) FROM history.disclosures_default", 0, NULL),
                   ==, 0);
  g_assert_cmpint (cst_test_db_int (clerk, "SELECT count(*) FROM disclosures", 0, NULL), ==, 1);
  g_assert_cmpint (cst_test_db_int (owner, "SELECT count(*) FROM audit_log WHERE table_name = 'disclosures'",
                                    0, NULL), ==, 1);
  later = verify_as_auditor (after->head_seq, after->head_hash);
  g_assert_true (later->intact);
  g_assert_cmpint (later->head_seq, >, after->head_seq);
}

static int
history (const char  *role,
         char       **out,
         const char  *command,
         const char  *table,
         const char  *year)
{
  g_autofree char *login = cst_test_db_create_login (db, role);
  g_autofree char *err = NULL;
  int status = table ? cst_test_cli_run (login, out, &err, "history", command, "--table", table,
                                         "--year", year, NULL)
                     : cst_test_cli_run (login, out, &err, "history", command, NULL);

  if (status != 0)
    g_test_message ("history %s: %s", command, err);
  return status;
}

static int
audit_verify (char      **out,
              const char *anchor)
{
  g_autofree char *login = cst_test_db_create_login (db, "custodian_auditor");
  g_autofree char *err = NULL;

  return anchor ? cst_test_cli_run (login, out, &err, "audit", "verify", "--anchor", anchor, NULL)
                : cst_test_cli_run (login, out, &err, "audit", "verify", NULL);
}

static void
test_detach_and_attach (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(CstAuditChainReport) whole = verify_as_auditor (0, NULL);
  g_autoptr(CstAuditChainReport) without = NULL;
  g_autofree char *out = NULL;
  g_autofree char *this_year = g_strdup_printf ("%d", current_year ());
  g_autofree char *anchor = NULL;

  g_assert_true (whole->intact);
  /* Only an administrator, only old years, disclosures kept six years. */
  g_assert_cmpint (history ("custodian_clerk", &out, "detach", "audit_log", "2020"), ==, 1);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (history ("custodian_admin", &out, "detach", "audit_log", this_year), ==, 1);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (history ("custodian_admin", &out, "detach", "disclosures", this_year), ==, 1);
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (history ("custodian_admin", &out, "detach", "audit_log", "2020"), ==, 0);
  g_assert_nonnull (strstr (out, "40 rows"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (history ("custodian_auditor", &out, "years", NULL, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "audit_log\t2020\tdetached"));
  g_clear_pointer (&out, g_free);

  /* The walk steps over 2020, says so, and still checks everything else. */
  without = verify_as_auditor (0, NULL);
  g_assert_true (without->intact);
  g_assert_cmpuint (without->years_unseen->len, ==, 1);
  g_assert_cmpint (g_array_index (without->years_unseen, int, 0), ==, 2020);
  g_assert_cmpint (without->rows_checked, ==, whole->rows_checked + 1 - ROWS_PER_YEAR);
  g_assert_cmpint (audit_verify (&out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Not seen: 2020 is detached"));
  g_clear_pointer (&out, g_free);
  /* An anchor inside the detached year cannot be checked. */
  anchor = g_strdup_printf ("%lld:%s",
                            (long long) cst_test_db_int (owner, "SELECT first_seq + 1 FROM history_detached",
                                                         0, NULL),
                            whole->head_hash);
  g_assert_cmpint (audit_verify (&out, anchor), ==, 1);
  g_assert_nonnull (strstr (out, "position lies in a detached year"));
  g_clear_pointer (&out, g_free);

  /* A catalog that claims fewer rows than the positions missing: removed. */
  cst_test_db_exec_ok (owner, "UPDATE history_detached SET row_count = row_count - 1", 0, NULL);
  {
    g_autoptr(CstAuditChainReport) lied = verify_as_auditor (0, NULL);

    g_assert_false (lied->intact);
    g_assert_nonnull (strstr (lied->problem, "detached years hold"));
  }
  cst_test_db_exec_ok (owner, "UPDATE history_detached SET row_count = row_count + 1", 0, NULL);

  g_assert_cmpint (history ("custodian_admin", &out, "attach", "audit_log", "2020"), ==, 0);
  g_clear_pointer (&out, g_free);
  {
    g_autoptr(CstAuditChainReport) again = verify_as_auditor (whole->head_seq, whole->head_hash);

    g_assert_true (again->intact);
    g_assert_cmpuint (again->years_unseen->len, ==, 0);
    g_assert_cmpint (again->rows_checked, ==, without->rows_checked + ROWS_PER_YEAR + 1);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/history/convert-in-place", test_convert_in_place);
  g_test_add_func ("/history/detach-and-attach", test_detach_and_attach);
  return g_test_run ();
}
