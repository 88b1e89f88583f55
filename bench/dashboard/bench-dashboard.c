/* bench-dashboard.c — the dashboard's numbers over N requests
 *
 * Seeds N New York requests received over the last 400 days with
 * set-based SQL as the owner, the workflow triggers off (this is volume,
 * not workflow): seven in ten released, each with a disclosure 0–89 days
 * after receipt and an invoice issued that day; one in twenty denied or
 * cancelled; the rest spread over the five open statuses.  Then times
 * cst_dashboard_load() as an auditor login (row-level security applies),
 * a first run and the median of the next ones.
 *
 * Needs the throwaway server of build-aux/test-server.sh (PG* variables).
 * Usage: bench-dashboard [--requests 100000] [--runs 9]
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>

#include "cst-test-db.h"
#include "cst-bench.h"

static void
exec_ok (PGconn     *conn,
         const char *sql,
         int         n,
         const char **params)
{
  g_autoptr(GError) error = NULL;

  cst_db_exec_command (conn, sql, n, params, &error);
  g_assert_no_error (error);
}

static void
seed (PGconn *owner,
      gint64  n)
{
  g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, n);

  g_object_unref (cst_test_db_add_request (owner, "BENCH-DASH-1"));
  exec_ok (owner, "ALTER TABLE roi_requests DISABLE TRIGGER USER", 0, NULL);
  exec_ok (owner, "ALTER TABLE invoices DISABLE TRIGGER USER", 0, NULL);
  exec_ok (owner, "ALTER TABLE disclosures DISABLE TRIGGER USER", 0, NULL);
  exec_ok (owner,
    "INSERT INTO roi_requests (reference, patient_id, requester_id, received_date, jurisdiction,"
    "                          due_date, status, status_reason)"
    " SELECT 'BENCH-' || g, (SELECT min (id) FROM patients), (SELECT min (id) FROM requesters),"
    "        current_date - (g * 7 % 400), 'NY', current_date - (g * 7 % 400) + 30,"
    "        (CASE WHEN g % 20 < 14 THEN 'released' WHEN g % 20 = 14 THEN 'denied'"
    "              WHEN g % 20 = 15 THEN 'cancelled'"
    "              ELSE (ARRAY['received', 'authorization_verified', 'in_progress',"
    "                          'quality_check', 'ready'])[1 + g % 5] END)::roi_status,"
    "        CASE WHEN g % 20 = 14 THEN 'Not a valid authorization' END"
    "   FROM generate_series (1, $1::int) g",
    1, (const char *[]) { count });
  exec_ok (owner,
    "INSERT INTO disclosures (patient_id, request_id, disclosed_on, recipient_name,"
    "                         phi_description, purpose_statement)"
    " SELECT patient_id, id, LEAST (received_date + (id % 90)::int, current_date),"
    "        'Recipient', 'Records', 'Request'"
    "   FROM roi_requests WHERE status = 'released'", 0, NULL);
  exec_ok (owner,
    "INSERT INTO invoices (number, request_id, method, jurisdiction, received_date,"
    "                      quoted_cents, total_cents, lines, justification, issued_at)"
    " SELECT 'BENCH-' || r.id, r.id, 'hipaa-flat', 'NY', r.received_date, 650, 650,"
    "        '[{\"rule\": \"flat\", \"amount_cents\": 650}]', '{}', d.disclosed_on"
    "   FROM roi_requests r JOIN disclosures d ON d.request_id = r.id", 0, NULL);
  exec_ok (owner, "ALTER TABLE roi_requests ENABLE TRIGGER USER", 0, NULL);
  exec_ok (owner, "ALTER TABLE invoices ENABLE TRIGGER USER", 0, NULL);
  exec_ok (owner, "ALTER TABLE disclosures ENABLE TRIGGER USER", 0, NULL);
  exec_ok (owner, "ANALYZE", 0, NULL);
}

int
main (int    argc,
      char **argv)
{
  gint64 n = 100000;
  int runs = 9;
  const GOptionEntry entries[] = {
    { "requests", 0, 0, G_OPTION_ARG_INT64, &n, "Requests to seed", "N" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Timed runs after the first", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— dashboard benchmark");
  g_autoptr(CstTestDb) db = NULL;
  g_autoptr(PGconn) owner = NULL;
  g_autoptr(PGconn) auditor = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *info = NULL;
  GDate today;
  double first = 0;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || runs < 1)
    {
      g_printerr ("%s\n", error ? error->message : "--runs must be at least 1");
      return 2;
    }
  db = cst_test_db_new ();
  owner = cst_test_db_connect (db);
  seed (owner, n);
  printf ("seeded %" G_GINT64_FORMAT " requests in %.1f s\n", n, g_timer_elapsed (timer, NULL));
  info = cst_test_db_create_login (db, "custodian_auditor");
  auditor = cst_db_connect (info, &error);
  g_assert_no_error (error);
  cst_input_today (&today);

  for (int i = 0; i <= runs; i++)
    {
      g_autoptr(CstDashboard) dashboard = NULL;
      double seconds;

      g_timer_start (timer);
      dashboard = cst_dashboard_load (auditor, &today, &error);
      seconds = g_timer_elapsed (timer, NULL);
      g_assert_no_error (error);
      if (i == 0)
        {
          first = seconds;
          printf ("requests %" G_GINT64_FORMAT ", open %" G_GINT64_FORMAT ", overdue %" G_GINT64_FORMAT
                  ", due this week %" G_GINT64_FORMAT ", released in 12 months %" G_GINT64_FORMAT "\n",
                  dashboard->n_requests, dashboard->n_open, dashboard->overdue,
                  dashboard->due_this_week, dashboard->n_released);
        }
      else
        g_array_append_val (times, seconds);
    }
  g_array_sort (times, cst_bench_compare_doubles);
  printf ("dashboard: first %.1f ms, median of %d %.1f ms, max %.1f ms\n", first * 1000, runs,
          g_array_index (times, double, times->len / 2) * 1000,
          g_array_index (times, double, times->len - 1) * 1000);
  return 0;
}
