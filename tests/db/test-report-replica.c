/* test-report-replica.c — reports read from a real streaming hot standby
 *
 * The test starts a primary and a standby of its own (pg_basebackup -R,
 * cst_test_cluster_new_standby()), writes on the primary as a clerk,
 * reads the fee report from the standby as an auditor, and checks the
 * "as of" time, the lag when replay is paused, a standby that cannot be
 * reached, and `custodian-cli report fees --report-database` with and
 * without --allow-primary.  The cases run in order on the same pair.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "cst-test-cli.h"
#include "cst-test-cluster.h"
#include "cst-test-db.h"

static CstTestCluster *primary;
static CstTestCluster *standby;
static CstTestDb *db;
static PGconn *clerk;             /* on the primary */
static char *auditor_primary;     /* the auditor's login, on the primary */
static char *auditor_standby;     /* the same login, on the standby */
static PGconn *standby_super;     /* the superuser on the standby: replay pause and resume */
static char *first_reference;     /* the clerk's first request */

static char *
on_standby (const char *conninfo)
{
  return g_strdup_printf ("host=%s %s", standby->dir, conninfo);
}

static void
today_filter (CstFeeReportFilter *filter)
{
  memset (filter, 0, sizeof *filter);
  cst_input_today (&filter->from);
  filter->to = filter->from;
  g_date_subtract_days (&filter->from, 1);
}

static char *
primary_lsn (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect (db);
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = cst_db_exec (conn, "SELECT pg_current_wal_lsn()::text", 0, NULL, &error);

  g_assert_no_error (error);
  return g_strdup (cst_db_value (res, 0, 0));
}

/* Waits until the standby has @what ("receive" or "replay") the primary's
 * WAL as it is now. */
static void
wait_for_standby (const char *what)
{
  g_autofree char *lsn = primary_lsn ();
  g_autofree char *sql = g_strdup_printf ("SELECT (pg_last_wal_%s_lsn() >= $1::pg_lsn)::int", what);
  const char *params[] = { lsn };

  for (int i = 0; i < 300; i++)
    {
      if (cst_test_db_int (standby_super, sql, 1, params) == 1)
        return;
      g_usleep (100 * 1000);
    }
  g_error ("the standby did not %s %s within 30 s", what, lsn);
}

static gint64
invoiced_on (const char *conninfo)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = cst_report_database_connect (conninfo, &error);
  g_autoptr(CstFeeReportSummary) summary = NULL;
  CstFeeReportFilter filter;

  g_assert_no_error (error);
  today_filter (&filter);
  g_assert_true (cst_fee_report_run (conn, &filter, NULL, NULL, &summary, &error));
  g_assert_no_error (error);
  return cst_fee_report_summary_get_n_requests (summary);
}

static void
add_invoiced_request (const char *mrn)
{
  g_autoptr(CstRequest) request = cst_test_db_add_request (clerk, mrn);

  /* The test patient asks for her own records: the HIPAA flat fee. */
  g_object_set (request, "page-count", 12, NULL);
  cst_test_db_issue_invoice (clerk, request, CST_FEE_METHOD_HIPAA_FLAT);
  if (first_reference == NULL)
    first_reference = g_strdup (cst_request_get_reference (request));
}

static CstReportReading *
check (const char *conninfo,
       guint       lag_limit)
{
  return cst_report_database_check_at (conninfo, lag_limit);
}

/* The report database is opened read-only even where the server would
 * take writes: the superuser on the primary itself is refused one. */
static void
test_read_only (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *with_options =
    cst_report_database_conninfo ("dbname=x options='-c work_mem=4MB'", &error);
  g_autofree char *from_uri = cst_report_database_conninfo ("postgresql:///x?host=/tmp", &error);
  g_autoptr(PGconn) conn = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (strstr (with_options, "options='-c work_mem=4MB -c default_transaction_read_only=on'"));
  g_assert_nonnull (strstr (from_uri, "host='/tmp'"));
  g_assert_nonnull (strstr (from_uri, "default_transaction_read_only=on"));
  g_assert_null (cst_report_database_conninfo ("dbname='unclosed", &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  conn = cst_report_database_connect (db->conninfo, &error);
  g_assert_no_error (error);
  g_assert_false (cst_db_exec_command (conn, "CREATE TABLE written_by_a_report ()", 0, NULL, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "read-only"));
}

/* Written on the primary, read on the standby as the auditor, as of the
 * time of the clerk's last commit. */
static void
test_reads_from_standby (void)
{
  g_autoptr(GDateTime) before = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) after = NULL;
  g_autoptr(CstReportReading) reading = NULL;
  g_autofree char *said = NULL;

  add_invoiced_request ("REPLICA-1");
  wait_for_standby ("replay");
  after = g_date_time_new_now_utc ();

  g_assert_cmpint (invoiced_on (auditor_standby), ==, 1);
  reading = check (auditor_standby, 300);
  g_assert_cmpint (reading->state, ==, CST_REPORT_READING_REPLICA);
  g_assert_cmpint (reading->lag_seconds, ==, 0);
  g_assert_nonnull (reading->as_of);
  /* The commit time of the last transaction replayed: the clerk's. */
  g_assert_cmpint (g_date_time_compare (reading->as_of, before), >=, 0);
  g_assert_cmpint (g_date_time_compare (reading->as_of, after), <=, 0);
  said = cst_report_reading_describe (reading);
  g_assert_true (g_str_has_prefix (said, "As of "));
  g_assert_false (cst_report_reading_is_trouble (reading));
}

/* Replay paused: the standby receives the clerk's next request but does
 * not show it, and a limit shorter than its age says it is behind. */
static void
test_lag (void)
{
  g_autoptr(CstReportReading) lagging = NULL;
  g_autoptr(CstReportReading) within = NULL;
  g_autoptr(CstReportReading) caught_up = NULL;
  g_autofree char *said = NULL;

  cst_test_db_exec_ok (standby_super, "SELECT pg_wal_replay_pause()", 0, NULL);
  /* The last transaction replayed, the clerk's first, gets older than the
   * limit of 1 s checked below. */
  g_usleep (2100 * 1000);
  add_invoiced_request ("REPLICA-2");
  wait_for_standby ("receive");

  g_assert_cmpint (invoiced_on (auditor_primary), ==, 2);
  g_assert_cmpint (invoiced_on (auditor_standby), ==, 1);
  lagging = check (auditor_standby, 1);
  g_assert_cmpint (lagging->state, ==, CST_REPORT_READING_LAGGING);
  g_assert_cmpint (lagging->lag_seconds, >=, 2);
  g_assert_true (cst_report_reading_is_trouble (lagging));
  said = cst_report_reading_describe (lagging);
  g_assert_nonnull (strstr (said, "behind"));
  within = check (auditor_standby, 300);
  g_assert_cmpint (within->state, ==, CST_REPORT_READING_REPLICA);
  g_assert_cmpint (within->lag_seconds, >=, 1);
}

/* The CLI reads the report from the standby and records its export on the
 * primary; behind the limit it refuses, unless --allow-primary. */
static void
test_cli (void)
{
  g_autofree char *dir = g_dir_make_tmp ("custodian-replica-cli.XXXXXX", NULL);
  g_autofree char *csv = g_build_filename (dir, "fees.csv", NULL);
  g_autofree char *refused = g_build_filename (dir, "refused.csv", NULL);
  g_autofree char *fallback = g_build_filename (dir, "fallback.csv", NULL);
  g_autofree char *out = NULL, *err = NULL, *out2 = NULL, *err2 = NULL, *out3 = NULL, *err3 = NULL;
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  CstFeeReportFilter filter;
  g_autofree char *from = NULL, *to = NULL;
  int rc;

  today_filter (&filter);
  from = g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (&filter.from), g_date_get_month (&filter.from),
                          g_date_get_day (&filter.from));
  to = g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (&filter.to), g_date_get_month (&filter.to),
                        g_date_get_day (&filter.to));

  /* Replay is still paused (test_lag): one request on the standby. */
  rc = cst_test_cli_run (auditor_primary, &out, &err, "--report-database", auditor_standby,
                         "report", "fees", "--from", from, "--to", to, "--format", "csv",
                         "--output", csv, NULL);
  g_assert_cmpint (rc, ==, 0);
  g_assert_nonnull (strstr (err, "As of "));
  g_assert_nonnull (strstr (err, "1 invoiced request written"));
  g_assert_true (g_file_test (csv, G_FILE_TEST_EXISTS));
  g_assert_cmpint (cst_test_db_int (owner,
    "SELECT count(*) FROM audit_log WHERE action = 'EVENT' AND new_row->>'kind' = 'report.exported'", 0, NULL), ==, 1);

  rc = cst_test_cli_run (auditor_primary, &out2, &err2, "--report-database", auditor_standby,
                         "--report-lag-limit", "1", "report", "fees", "--from", from, "--to", to,
                         "--format", "csv", "--output", refused, NULL);
  g_assert_cmpint (rc, ==, 1);
  g_assert_nonnull (strstr (err2, "behind"));
  g_assert_nonnull (strstr (err2, "--allow-primary"));
  g_assert_false (g_file_test (refused, G_FILE_TEST_EXISTS));

  rc = cst_test_cli_run (auditor_primary, &out3, &err3, "--report-database", auditor_standby,
                         "--report-lag-limit", "1", "--allow-primary", "report", "fees",
                         "--from", from, "--to", to, "--format", "csv", "--output", fallback, NULL);
  g_assert_cmpint (rc, ==, 0);
  g_assert_nonnull (strstr (err3, "main database instead"));
  g_assert_nonnull (strstr (err3, "2 invoiced requests written"));
  g_unlink (csv);
  g_unlink (fallback);
  g_rmdir (dir);
}

/* Replay resumed: the standby catches up, and is within any limit; a
 * clerk's evidence pack is read there, its audit row written on the
 * primary. */
static void
test_caught_up (void)
{
  g_autoptr(CstReportReading) reading = NULL;
  g_autofree char *clerk_login = cst_test_db_create_login (db, "custodian_clerk");
  g_autofree char *clerk_standby = NULL;
  g_autofree char *dir = g_dir_make_tmp ("custodian-replica-evidence.XXXXXX", NULL);
  g_autofree char *pdf = g_build_filename (dir, "evidence.pdf", NULL);
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(PGconn) owner = cst_test_db_connect (db);

  cst_test_db_exec_ok (standby_super, "SELECT pg_wal_replay_resume()", 0, NULL);
  wait_for_standby ("replay");
  g_assert_cmpint (invoiced_on (auditor_standby), ==, 2);
  reading = check (auditor_standby, 0);
  g_assert_cmpint (reading->state, ==, CST_REPORT_READING_REPLICA);
  g_assert_cmpint (reading->lag_seconds, ==, 0);

  wait_for_standby ("replay");  /* the new clerk's login */
  clerk_standby = on_standby (clerk_login);
  g_assert_cmpint (cst_test_cli_run (clerk_login, &out, &err, "--report-database", clerk_standby,
                                     "evidence", "--request", first_reference, "--output", pdf, NULL),
                   ==, 0);
  g_assert_nonnull (strstr (err, "As of "));
  g_assert_true (g_file_test (pdf, G_FILE_TEST_EXISTS));
  g_assert_cmpint (cst_test_db_int (owner,
    "SELECT count(*) FROM audit_log WHERE action = 'EVENT' AND new_row->>'kind' = 'evidence.exported'",
    0, NULL), ==, 1);
  g_unlink (pdf);
  g_rmdir (dir);
}

static void
test_unreachable (void)
{
  g_autoptr(CstReportReading) reading = NULL;
  g_autofree char *said = NULL;
  g_autofree char *err = NULL;
  int rc;

  g_clear_pointer (&standby_super, PQfinish);
  cst_test_cluster_stop (standby);
  reading = check (auditor_standby, 300);
  g_assert_cmpint (reading->state, ==, CST_REPORT_READING_UNREACHABLE);
  g_assert_nonnull (reading->problem);
  g_assert_true (cst_report_reading_is_trouble (reading));
  said = cst_report_reading_describe (reading);
  g_assert_nonnull (strstr (said, "cannot be reached"));

  rc = cst_test_cli_run (auditor_primary, NULL, &err, "--report-database", auditor_standby,
                         "evidence", "--request", "R-0", "--output", "/nonexistent/x.pdf", NULL);
  g_assert_cmpint (rc, ==, 1);
  g_assert_nonnull (strstr (err, "cannot be reached"));
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *auditor = NULL;
  g_autofree char *standby_owner = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  primary = cst_test_cluster_new ();
  db = cst_test_db_new ();
  clerk = cst_test_db_connect_as (db, "custodian_clerk");
  auditor_primary = cst_test_db_create_login (db, "custodian_auditor");
  standby = cst_test_cluster_new_standby (primary);
  auditor_standby = on_standby (auditor_primary);
  standby_owner = on_standby (db->conninfo);
  standby_super = cst_db_connect (standby_owner, &error);
  g_assert_no_error (error);

  g_test_add_func ("/report-replica/read-only", test_read_only);
  g_test_add_func ("/report-replica/reads-from-standby", test_reads_from_standby);
  g_test_add_func ("/report-replica/lag", test_lag);
  g_test_add_func ("/report-replica/cli", test_cli);
  g_test_add_func ("/report-replica/caught-up", test_caught_up);
  g_test_add_func ("/report-replica/unreachable", test_unreachable);
  status = g_test_run ();

  g_clear_pointer (&clerk, PQfinish);
  g_clear_pointer (&standby_super, PQfinish);
  cst_test_cluster_free (standby);
  cst_test_db_free (db);
  cst_test_cluster_free (primary);
  g_free (auditor_primary);
  g_free (auditor_standby);
  g_free (first_reference);
  return status;
}
