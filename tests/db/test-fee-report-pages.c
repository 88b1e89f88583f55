/* test-fee-report-pages.c — the fee report over more than one page of
 * requests (issue 24): the next page is read while one is written, every
 * request comes once and in order with its lines, and each page joins
 * only its own invoices (the planner merged every page with the invoices
 * from the first request of all: page k read k pages of invoices), and
 * its disclosures and payments in one scan, not one per request. */
#include "config.h"

#include <string.h>

#include "cst-test-db.h"

/* Two pages of 2,000 requests and part of a third. */
#define N_REQUESTS 4101
#define N_LINES    4

static CstTestDb *db;

/* N_REQUESTS requests, each with one invoice of the engine's lines, set
 * based as the owner (as bench/reports seeds them). */
static void
seed (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(CstFeeScheduleSet) set = cst_fee_repo_load_schedules (owner, NULL);
  g_autoptr(CstFeeQuote) quote = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *lines = NULL;
  g_autofree char *total = NULL;
  g_autofree char *count = g_strdup_printf ("%d", N_REQUESTS);
  CstFeeRequest r;

  cst_fee_request_init (&r);
  g_assert_true (cst_fee_request_set_jurisdiction (&r, "PA", NULL));
  g_assert_true (cst_input_parse_date ("2025-06-02", &r.received, NULL));
  r.requester = CST_FEE_REQUESTER_ATTORNEY;
  r.pages = 100;
  r.delivery = CST_FEE_DELIVERY_PICKUP;
  quote = cst_fee_engine_quote (set, &r, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cst_fee_quote_get_n_lines (quote), ==, N_LINES);
  lines = cst_fee_quote_lines_to_json (quote);
  total = g_strdup_printf ("%" G_GINT64_FORMAT, cst_fee_quote_get_total_cents (quote));

  g_object_unref (cst_test_db_add_request (owner, "PAGES-1"));
  /* Same patient, same requester: each would be linked as a repeat of
   * every open one before it (0042), which the report does not look at. */
  g_assert_true (cst_db_exec_script (owner,
    "ALTER TABLE roi_requests DISABLE TRIGGER roi_requests_link_repeat;"
    "INSERT INTO requesters (kind, name) VALUES ('attorney', 'Counsel');", &error));
  g_assert_no_error (error);
  g_assert_true (cst_db_exec_command (owner,
    "INSERT INTO roi_requests (patient_id, requester_id, received_date, jurisdiction, format,"
    "                          delivery, page_count)"
    " SELECT (SELECT min (id) FROM patients), (SELECT max (id) FROM requesters),"
    "        DATE '2025-01-01' + (g % 365), 'PA', 'paper', 'pickup', 100"
    "   FROM generate_series (1, $1::int) g",
    1, (const char *[]) { count }, &error));
  g_assert_no_error (error);
  g_assert_true (cst_db_exec_command (owner,
    "INSERT INTO invoices (request_id, method, jurisdiction, schedule_version, received_date,"
    "                      quoted_cents, total_cents, lines, justification)"
    " SELECT id, 'state-schedule', 'PA', 'PA-2025@1', received_date, $1::bigint, $1::bigint,"
    "        $2::jsonb, '{}' FROM roi_requests"
    "  WHERE received_date BETWEEN DATE '2025-01-01' AND DATE '2025-12-31'",
    2, (const char *[]) { total, lines }, &error));
  g_assert_no_error (error);
  /* Every third request disclosed twice: the release date is the first. */
  g_assert_true (cst_db_exec_script (owner,
    "INSERT INTO disclosures (patient_id, request_id, disclosed_on, recipient_name,"
    "                         phi_description, purpose_statement)"
    " SELECT patient_id, id, received_date + d, 'Counsel', 'Records', 'Litigation'"
    "   FROM roi_requests, (VALUES (20), (10)) AS later (d) WHERE id % 3 = 0;", &error));
  g_assert_no_error (error);
  g_assert_true (cst_db_exec_script (owner,
    "ALTER TABLE roi_requests ENABLE TRIGGER roi_requests_link_repeat; ANALYZE;", &error));
  g_assert_no_error (error);
}

typedef struct
{
  gint64 last_id;
  guint  n_requests;
  guint  n_lines;
  guint  n_out_of_order;
  guint  n_released;
  guint  n_wrong_release;
} Seen;

static gboolean
see_row (const CstFeeReportRow *row,
         gpointer               user_data,
         GError               **error)
{
  Seen *seen = user_data;

  if (row->request_id <= seen->last_id)
    seen->n_out_of_order++;
  seen->last_id = row->request_id;
  seen->n_requests++;
  seen->n_lines += row->n_lines;
  if (g_date_valid (&row->released))
    {
      seen->n_released++;
      if (row->request_id % 3 != 0 || g_date_days_between (&row->received, &row->released) != 10)
        seen->n_wrong_release++;
    }
  return TRUE;
}

static void
record_progress (gint64   n_done,
                 gpointer user_data)
{
  g_array_append_val ((GArray *) user_data, n_done);
}

/* The invoices' rows the transaction has read so far, by sequential and
 * index scans, over every partition (pg_stat_xact_user_tables counts
 * them in the transaction itself). */
static gint64
invoice_rows_read (PGconn *conn)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT COALESCE (sum (COALESCE (seq_tup_read, 0) + COALESCE (idx_tup_fetch, 0)), 0)"
    "  FROM pg_stat_xact_user_tables WHERE relname LIKE 'invoices%'", 0, NULL, &error);

  g_assert_no_error (error);
  return cst_db_int64 (res, 0, 0);
}

/* The scans the transaction has started so far on the tables a request's
 * facts are read from (every partition of the disclosures). */
static gint64
fact_scans (PGconn *conn)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT COALESCE (sum (COALESCE (seq_scan, 0) + COALESCE (idx_scan, 0)), 0)"
    "  FROM pg_stat_xact_user_tables"
    " WHERE relname LIKE 'disclosures%' OR relname IN ('payments', 'rendered_documents')", 0, NULL, &error);

  g_assert_no_error (error);
  return cst_db_int64 (res, 0, 0);
}

static void
test_pages (void)
{
  g_autofree char *auditor_info = cst_test_db_create_login (db, "custodian_auditor");
  g_autoptr(PGconn) auditor = cst_test_connect (auditor_info);
  g_autoptr(CstFeeReportSummary) summary = NULL;
  g_autoptr(GArray) progress = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;
  CstFeeReportFilter filter = { 0 };
  Seen seen = { 0 };
  gint64 read_before, scans_before;

  g_assert_true (cst_input_parse_date ("2025-01-01", &filter.from, NULL));
  g_assert_true (cst_input_parse_date ("2025-12-31", &filter.to, NULL));
  filter.progress = record_progress;
  filter.progress_data = progress;
  /* The report joins the caller's snapshot, so the transaction's own
   * counts are the report's.  Index scans and merge joins, as the planner
   * chooses them for 100,000 requests (bench/reports), not the sequential
   * scans a table this small gets. */
  g_assert_true (cst_db_begin_snapshot (auditor, &error));
  g_assert_true (cst_db_exec_script (auditor, "SET LOCAL enable_seqscan = off;"
                                     " SET LOCAL enable_hashjoin = off; SET LOCAL enable_nestloop = off;",
                                     &error));
  g_assert_no_error (error);
  read_before = invoice_rows_read (auditor);
  scans_before = fact_scans (auditor);
  g_assert_true (cst_fee_report_run (auditor, &filter, see_row, &seen, &summary, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (seen.n_requests, ==, N_REQUESTS);
  g_assert_cmpuint (seen.n_out_of_order, ==, 0);
  g_assert_cmpuint (seen.n_lines, ==, N_REQUESTS * N_LINES);
  g_assert_cmpint (cst_fee_report_summary_get_n_requests (summary), ==, N_REQUESTS);
  /* A page at a time: two full pages, then the rest. */
  g_assert_cmpuint (progress->len, ==, 3);
  g_assert_cmpint (g_array_index (progress, gint64, 0), ==, 2000);
  g_assert_cmpint (g_array_index (progress, gint64, 1), ==, 4000);
  g_assert_cmpint (g_array_index (progress, gint64, 2), ==, N_REQUESTS);
  /* Each invoice is read for its lines and for its quote, and by the
   * pages that ask whether a request is invoiced from the page's first
   * request on (at most three here), never from the first request of all
   * for every page (the old plan: 5 N with pages of 2,000, 11 N with 500). */
  g_assert_cmpint (invoice_rows_read (auditor) - read_before, <=, 4 * N_REQUESTS);
  /* Released on the first of its two disclosures, and only those. */
  g_assert_cmpuint (seen.n_released, ==, N_REQUESTS / 3);
  g_assert_cmpuint (seen.n_wrong_release, ==, 0);
  /* A page's disclosures and payments are read in one range scan each
   * (per partition), and extension notices only for extended requests:
   * not an index probe per request and partition (the old correlated
   * lookups: 20,505 here). */
  g_assert_cmpint (fact_scans (auditor) - scans_before, <=, 3 * 2 * 8);
  cst_db_rollback (auditor);
}

static void
cancel_after_page (gint64   n_done,
                   gpointer user_data)
{
  g_cancellable_cancel (user_data);
}

/* A report that fails while the next page is out leaves a connection
 * that can still end its transaction and be used. */
static void
test_cancelled_between_pages (void)
{
  g_autofree char *auditor_info = cst_test_db_create_login (db, "custodian_auditor");
  g_autoptr(PGconn) auditor = cst_test_connect (auditor_info);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(PGresult) res = NULL;
  g_autoptr(GError) error = NULL;
  CstFeeReportFilter filter = { 0 };

  g_assert_true (cst_input_parse_date ("2025-01-01", &filter.from, NULL));
  g_assert_true (cst_input_parse_date ("2025-12-31", &filter.to, NULL));
  filter.cancellable = cancellable;
  filter.progress = cancel_after_page;
  filter.progress_data = cancellable;
  g_assert_false (cst_fee_report_run (auditor, &filter, NULL, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (PQtransactionStatus (auditor), ==, PQTRANS_IDLE);
  g_clear_error (&error);
  res = cst_db_exec (auditor, "SELECT 1", 0, NULL, &error);
  g_assert_no_error (error);
}

/* A query of the pipeline that fails (a line whose quantity is no
 * number, on the second page) fails the report with the server's error,
 * and the pipeline is read to its end: the caller's transaction can be
 * rolled back and the connection used again. */
static void
test_failed_in_pipeline (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGresult) res = NULL;
  g_autoptr(GError) error = NULL;
  CstFeeReportFilter filter = { 0 };
  Seen seen = { 0 };

  g_assert_true (cst_input_parse_date ("2025-01-01", &filter.from, NULL));
  g_assert_true (cst_input_parse_date ("2025-12-31", &filter.to, NULL));
  /* Planted in the caller's transaction, which the report joins, and
   * rolled back with it. */
  g_assert_true (cst_db_begin (owner, &error));
  g_assert_true (cst_db_exec_command (owner,
    "INSERT INTO invoices (request_id, method, jurisdiction, schedule_version, received_date,"
    "                      quoted_cents, total_cents, lines, justification, override_reason)"
    " SELECT id, 'state-schedule', 'PA', 'PA-2025@1', received_date, 0, 1,"
    "        '[{\"rule\": \"planted\", \"quantity\": \"many\", \"amount_cents\": 0}]', '{}', 'Planted'"
    "   FROM roi_requests WHERE received_date >= DATE '2025-01-01' ORDER BY id OFFSET 3000 LIMIT 1",
    0, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (cst_fee_report_run (owner, &filter, see_row, &seen, NULL, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "bigint"));
  /* The first page was written, the second not. */
  g_assert_cmpuint (seen.n_requests, ==, 2000);
  g_assert_cmpint (PQtransactionStatus (owner), ==, PQTRANS_INERROR);
  cst_db_rollback (owner);
  g_assert_cmpint (PQtransactionStatus (owner), ==, PQTRANS_IDLE);
  g_clear_error (&error);
  res = cst_db_exec (owner, "SELECT 1", 0, NULL, &error);
  g_assert_no_error (error);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  db = cst_test_db_new ();
  seed ();
  g_test_add_func ("/fee/report/pages", test_pages);
  g_test_add_func ("/fee/report/cancelled-between-pages", test_cancelled_between_pages);
  g_test_add_func ("/fee/report/failed-in-pipeline", test_failed_in_pipeline);
  status = g_test_run ();
  cst_test_db_free (db);
  return status;
}
