/* test-dashboard.c — the dashboard's numbers on seeded requests: open
 * requests by status, overdue and due-this-week as of a given day, the
 * turnaround buckets at their edges, and net invoiced fees by month of
 * issue; the same for the clerk, billing and auditor roles, and off the
 * main loop through a CstConnection */
#include "config.h"

#include "cst-test-async.h"
#include "cst-test-db.h"

static CstTestDb *db;
static GDate today;          /* the server's current_date */
static gint64 invoice_request;

static gint64
open_request (PGconn           *owner,
              const char       *mrn,
              int               days_ago,
              CstRequestStatus  status)
{
  g_autoptr(CstRequest) request = cst_test_db_add_request_received (owner, mrn, days_ago);

  request = cst_test_db_move_along (owner, g_steal_pointer (&request), status);
  return cst_request_get_id (request);
}

static void
close_request (PGconn           *owner,
               const char       *mrn,
               int               days_ago,
               CstRequestStatus  status)
{
  g_autoptr(CstRequest) request = cst_test_db_add_request_received (owner, mrn, days_ago);
  g_autoptr(CstRequest) closed = NULL;
  g_autoptr(GError) error = NULL;

  closed = cst_request_repo_move (owner, request, status, "Not a valid request", &error);
  g_assert_no_error (error);
}

static void
disclose (PGconn *owner,
          gint64  id,
          int     days_ago)
{
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  g_autofree char *days = g_strdup_printf ("%d", days_ago);

  cst_test_db_exec_ok (owner,
                       "INSERT INTO disclosures (patient_id, request_id, disclosed_on, recipient_name,"
                       "                         phi_description, purpose_statement)"
                       " SELECT patient_id, id, current_date - $2::int, 'Recipient', 'Records', 'Request'"
                       "   FROM roi_requests WHERE id = $1::bigint",
                       2, (const char *[]) { id_text, days });
}

/* Released @turnaround days after receipt, disclosed @days_ago days ago
 * (or, with @days_ago < 0, no disclosure: released today). */
static gint64
released (PGconn     *owner,
          const char *mrn,
          int         turnaround,
          int         days_ago)
{
  gint64 id = open_request (owner, mrn, MAX (days_ago, 0) + turnaround, CST_STATUS_RELEASED);

  if (days_ago >= 0)
    disclose (owner, id, days_ago);
  return id;
}

/* An invoice for @cents issued at @issued_at (a timestamp; NULL: now).
 * Backdating goes around the immutability trigger, as only the owner can. */
static gint64
invoice (PGconn     *owner,
         gint64      adjusts,
         gint64      cents,
         const char *issued_at)
{
  g_autofree char *request = g_strdup_printf ("%" G_GINT64_FORMAT, invoice_request);
  g_autofree char *amount = g_strdup_printf ("%" G_GINT64_FORMAT, cents);
  g_autofree char *original = adjusts ? g_strdup_printf ("%" G_GINT64_FORMAT, adjusts) : NULL;
  g_autofree char *id = NULL;
  gint64 invoice_id;

  invoice_id = cst_test_db_int (owner,
    "INSERT INTO invoices (request_id, adjusts_invoice_id, method, jurisdiction, received_date,"
    "                      quoted_cents, total_cents, lines, justification, override_reason)"
    " VALUES ($1::bigint, $3::bigint, CASE WHEN $3::bigint IS NULL THEN 'hipaa-flat' ELSE 'adjustment' END,"
    "         'NY', current_date, GREATEST ($2::bigint, 0), $2::bigint,"
    "         jsonb_build_array (jsonb_build_object ('rule', 'flat', 'amount_cents', $2::bigint)),"
    "         '{}', CASE WHEN $3::bigint IS NULL THEN NULL ELSE 'Refund' END)"
    " RETURNING id", 3, (const char *[]) { request, amount, original });
  if (issued_at == NULL)
    return invoice_id;
  id = g_strdup_printf ("%" G_GINT64_FORMAT, invoice_id);
  /* Replica mode: no trigger fires while the row moves to its year's
   * partition (0079), as a move is a delete and an insert. */
  cst_test_db_exec_ok (owner, "SET session_replication_role = replica", 0, NULL);
  cst_test_db_exec_ok (owner, "UPDATE invoices SET issued_at = $2::timestamptz WHERE id = $1::bigint",
                       2, (const char *[]) { id, issued_at });
  cst_test_db_exec_ok (owner, "RESET session_replication_role", 0, NULL);
  return invoice_id;
}

static char *
month_start (int months_back,
             int day_offset,
             const char *time)
{
  GDate date;
  char text[16];

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, 1, g_date_get_month (&today), g_date_get_year (&today));
  g_date_subtract_months (&date, months_back);
  if (day_offset < 0)
    g_date_subtract_days (&date, -day_offset);
  else
    g_date_add_days (&date, day_offset);
  g_date_strftime (text, sizeof text, "%Y-%m-%d", &date);
  return g_strdup_printf ("%s %s", text, time);
}

static void
seed (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  static const int turnarounds[] = { 0, 7, 8, 15, 16, 30, 31, 60, 61, 100 };
  g_autofree char *first = month_start (11, 0, "00:00:00");
  g_autofree char *before = month_start (11, -1, "23:59:00");
  g_autofree char *fourth = month_start (8, 14, "12:00:00");
  gint64 refunded;

  /* Open: due = received + 30 days (NY). */
  open_request (owner, "DASH-R1", 40, CST_STATUS_RECEIVED);            /* overdue */
  open_request (owner, "DASH-R2", 31, CST_STATUS_RECEIVED);            /* overdue by a day */
  open_request (owner, "DASH-R3", 30, CST_STATUS_RECEIVED);            /* due today */
  open_request (owner, "DASH-V1", 24, CST_STATUS_AUTHORIZATION_VERIFIED); /* due in 6 days */
  open_request (owner, "DASH-P1", 23, CST_STATUS_IN_PROGRESS);         /* due in 7 days */
  open_request (owner, "DASH-P2", 0, CST_STATUS_IN_PROGRESS);
  open_request (owner, "DASH-Y1", 35, CST_STATUS_READY);               /* overdue */
  /* Closed long past their due date: not overdue, not open. */
  close_request (owner, "DASH-D1", 100, CST_STATUS_DENIED);
  close_request (owner, "DASH-C1", 50, CST_STATUS_CANCELLED);

  for (guint i = 0; i < G_N_ELEMENTS (turnarounds); i++)
    {
      g_autofree char *mrn = g_strdup_printf ("DASH-T%u", i);
      gint64 id = released (owner, mrn, turnarounds[i], 10);

      if (turnarounds[i] == 8)
        {
          /* A second, later disclosure: the first one is the release. */
          disclose (owner, id, 2);
          invoice_request = id;
        }
    }
  released (owner, "DASH-OLD", 80, 420);      /* released before the window */
  released (owner, "DASH-NOW", 3, -1);        /* no disclosure: released today */

  refunded = invoice (owner, 0, 2500, NULL);
  invoice (owner, 0, 1000, NULL);
  invoice (owner, refunded, -300, NULL);
  invoice (owner, 0, 4321, fourth);
  invoice (owner, 0, 777, first);             /* the window's first minute */
  invoice (owner, 0, 999, before);            /* the minute before it */
  invoice (owner, 0, 555, "tomorrow");        /* after the as-of date */
}

static void
assert_seeded (const CstDashboard *d)
{
  g_assert_true (g_date_compare (&d->as_of, &today) == 0);
  g_assert_cmpint (d->n_requests, ==, 21);
  g_assert_cmpint (d->n_open, ==, 7);
  g_assert_cmpint (d->open_by_status[CST_STATUS_RECEIVED], ==, 3);
  g_assert_cmpint (d->open_by_status[CST_STATUS_AUTHORIZATION_VERIFIED], ==, 1);
  g_assert_cmpint (d->open_by_status[CST_STATUS_IN_PROGRESS], ==, 2);
  g_assert_cmpint (d->open_by_status[CST_STATUS_QUALITY_CHECK], ==, 0);
  g_assert_cmpint (d->open_by_status[CST_STATUS_READY], ==, 1);
  g_assert_cmpint (d->open_by_status[CST_STATUS_RELEASED], ==, 0);
  g_assert_cmpint (d->open_by_status[CST_STATUS_DENIED], ==, 0);
  g_assert_cmpint (d->open_by_status[CST_STATUS_CANCELLED], ==, 0);
  g_assert_cmpint (d->overdue, ==, 3);
  g_assert_cmpint (d->due_this_week, ==, 2);

  /* 0, 7 and today's 3 | 8, 15 | 16, 30 | 31, 60 | 61, 100; 80 is outside. */
  g_assert_cmpint (d->n_released, ==, 11);
  g_assert_cmpint (d->turnaround[CST_DASHBOARD_TURNAROUND_WEEK], ==, 3);
  g_assert_cmpint (d->turnaround[CST_DASHBOARD_TURNAROUND_FORTNIGHT], ==, 2);
  g_assert_cmpint (d->turnaround[CST_DASHBOARD_TURNAROUND_MONTH], ==, 2);
  g_assert_cmpint (d->turnaround[CST_DASHBOARD_TURNAROUND_TWO_MONTHS], ==, 2);
  g_assert_cmpint (d->turnaround[CST_DASHBOARD_TURNAROUND_LONGER], ==, 2);

  for (guint m = 0; m < CST_DASHBOARD_N_MONTHS; m++)
    {
      gint64 expected = m == 0 ? 777 : m == 3 ? 4321 : m == 11 ? 2500 + 1000 - 300 : 0;

      if (d->fees_cents[m] != expected)
        g_error ("month %u: %" G_GINT64_FORMAT " cents, expected %" G_GINT64_FORMAT,
                 m, d->fees_cents[m], expected);
    }
}

static CstDashboard *
load_as (const char  *conninfo,
         const GDate *as_of)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, &error);
  CstDashboard *dashboard;

  g_assert_no_error (error);
  dashboard = cst_dashboard_load (conn, as_of, &error);
  g_assert_no_error (error);
  g_assert_nonnull (dashboard);
  /* The transaction is over: the connection is free for the next call. */
  g_assert_cmpint (PQtransactionStatus (conn), ==, PQTRANS_IDLE);
  return dashboard;
}

static void
test_counts_for_every_role (void)
{
  static const char *const roles[] = { "custodian_clerk", "custodian_billing", "custodian_auditor" };

  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    {
      g_autofree char *info = cst_test_db_create_login (db, roles[i]);
      g_autoptr(CstDashboard) dashboard = load_as (info, &today);

      g_test_message ("as %s", roles[i]);
      assert_seeded (dashboard);
    }
}

static void
test_window_months (void)
{
  g_autofree char *info = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(CstDashboard) dashboard = load_as (info, &today);
  GDate month;

  cst_dashboard_get_month (dashboard, CST_DASHBOARD_N_MONTHS - 1, &month);
  g_assert_cmpuint (g_date_get_month (&month), ==, g_date_get_month (&today));
  g_assert_cmpuint (g_date_get_year (&month), ==, g_date_get_year (&today));
  g_assert_cmpuint (g_date_get_day (&month), ==, 1);
  cst_dashboard_get_month (dashboard, 0, &month);
  g_assert_true (g_date_compare (&month, &dashboard->first_month) == 0);
  g_date_add_months (&month, CST_DASHBOARD_N_MONTHS);
  g_assert_cmpint (g_date_days_between (&today, &month), >, 0);
  for (guint b = 0; b < CST_DASHBOARD_N_TURNAROUND; b++)
    g_assert_cmpstr (cst_dashboard_turnaround_get_label (b), !=, "");
}

/* Five days ago, the same requests gave other counts: the as-of date
 * decides, not the clock of the machine. */
static void
test_as_of_another_day (void)
{
  g_autofree char *info = cst_test_db_create_login (db, "custodian_auditor");
  g_autoptr(CstDashboard) dashboard = NULL;
  GDate as_of = today;

  g_date_subtract_days (&as_of, 5);
  dashboard = load_as (info, &as_of);
  g_assert_cmpint (dashboard->n_open, ==, 7);
  /* Due 10 days ago | due yesterday, today and 5 days ago. */
  g_assert_cmpint (dashboard->overdue, ==, 1);
  g_assert_cmpint (dashboard->due_this_week, ==, 3);
  /* Today's release and today's invoices are after the as-of date. */
  g_assert_cmpint (dashboard->n_released, ==, 10);
  g_assert_cmpint (dashboard->turnaround[CST_DASHBOARD_TURNAROUND_WEEK], ==, 2);
  g_assert_cmpint (dashboard->fees_cents[CST_DASHBOARD_N_MONTHS - 1], ==, 0);
}

static void
test_fetch_async (void)
{
  g_autofree char *info = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(CstConnection) connection = cst_connection_new (info);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(CstDashboard) dashboard = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();

  cst_dashboard_fetch_async (connection, NULL, NULL, cst_test_result_cb, &result);
  dashboard = cst_dashboard_fetch_finish (connection, cst_test_wait_result (&result, 10), &error);
  g_assert_no_error (error);
  assert_seeded (dashboard);

  /* A refresh given up before it runs reports that, not numbers. */
  g_clear_object (&result);
  g_cancellable_cancel (cancelled);
  cst_dashboard_fetch_async (connection, &today, cancelled, cst_test_result_cb, &result);
  g_assert_null (cst_dashboard_fetch_finish (connection, cst_test_wait_result (&result, 10), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_empty (void)
{
  g_autoptr(CstTestDb) empty = cst_test_db_new ();
  g_autofree char *info = cst_test_db_create_login (empty, "custodian_auditor");
  g_autoptr(CstDashboard) dashboard = load_as (info, &today);

  g_assert_cmpint (dashboard->n_requests, ==, 0);
  g_assert_cmpint (dashboard->n_open, ==, 0);
  g_assert_cmpint (dashboard->n_released, ==, 0);
  for (guint m = 0; m < CST_DASHBOARD_N_MONTHS; m++)
    g_assert_cmpint (dashboard->fees_cents[m], ==, 0);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  db = cst_test_db_new ();
  {
    g_autoptr(PGconn) owner = cst_test_db_connect (db);
    g_autoptr(GError) error = NULL;
    g_autoptr(PGresult) res = cst_db_exec (owner, "SELECT current_date", 0, NULL, &error);
    g_autoptr(GDate) day = NULL;

    g_assert_no_error (error);
    day = cst_db_date (res, 0, 0);
    today = *day;
  }
  seed ();
  g_test_add_func ("/dashboard/counts-for-every-role", test_counts_for_every_role);
  g_test_add_func ("/dashboard/window-months", test_window_months);
  g_test_add_func ("/dashboard/as-of-another-day", test_as_of_another_day);
  g_test_add_func ("/dashboard/fetch-async", test_fetch_async);
  g_test_add_func ("/dashboard/empty", test_empty);
  status = g_test_run ();
  cst_test_db_free (db);
  return status;
}
