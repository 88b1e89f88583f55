/* bench-fees.c — how fast the fee engine quotes, and how fast quotes
 * become invoices in PostgreSQL
 *
 *   1. quotes per second on one core, from the cached seed schedules, over
 *      a rotating mix of requests (third-party tiers, the individual's
 *      HIPAA-versus-state comparison, free requests), plus the cost of
 *      also writing each quote's JSON;
 *   2. with the throwaway server's PG* variables set: load the schedules
 *      from the database, then quote and issue an invoice for each of
 *      10,000 requests (one transaction per invoice, as the app does).
 */
#include "config.h"

#include "cst-test-db.h"

#define N_MIX 8
#define N_INVOICES 10000

static void
mix_request (guint          i,
             CstFeeRequest *r)
{
  static const struct {
    const char *state, *date;
    CstFeeRequester requester;
    CstFeeFormat format;
    CstFeePurpose purpose;
    CstFeeMethod method;
  } mix[N_MIX] = {
    { "PA", "2025-06-02", CST_FEE_REQUESTER_ATTORNEY, CST_FEE_FORMAT_PAPER, CST_FEE_PURPOSE_PERSONAL_INJURY, 0 },
    { "IL", "2024-05-01", CST_FEE_REQUESTER_INSURER, CST_FEE_FORMAT_ELECTRONIC, CST_FEE_PURPOSE_OTHER, 0 },
    { "GA", "2024-09-10", CST_FEE_REQUESTER_ATTORNEY, CST_FEE_FORMAT_PAPER, CST_FEE_PURPOSE_OTHER, 0 },
    { "PA", "2025-06-02", CST_FEE_REQUESTER_PATIENT, CST_FEE_FORMAT_PAPER, CST_FEE_PURPOSE_OTHER, CST_FEE_METHOD_HIPAA_AVERAGE },
    { "NY", "2025-06-02", CST_FEE_REQUESTER_PATIENT, CST_FEE_FORMAT_ELECTRONIC, CST_FEE_PURPOSE_OTHER, CST_FEE_METHOD_HIPAA_FLAT },
    { "TX", "2025-06-02", CST_FEE_REQUESTER_ATTORNEY, CST_FEE_FORMAT_PAPER, CST_FEE_PURPOSE_BENEFITS_CLAIM, 0 },
    { "WA", "2025-06-02", CST_FEE_REQUESTER_ATTORNEY, CST_FEE_FORMAT_PAPER, CST_FEE_PURPOSE_OTHER, 0 },
    { "NC", "2025-06-02", CST_FEE_REQUESTER_ATTORNEY, CST_FEE_FORMAT_PAPER, CST_FEE_PURPOSE_PERSONAL_INJURY, 0 },
  };
  guint k = i % N_MIX;

  cst_fee_request_init (r);
  memcpy (r->jurisdiction, mix[k].state, 3);
  cst_input_parse_date (mix[k].date, &r->received, NULL);
  r->requester = mix[k].requester;
  r->format = mix[k].format;
  r->purpose = mix[k].purpose;
  r->method = mix[k].method;
  r->pages = 1 + (i * 37) % 700;
  r->delivery = CST_FEE_DELIVERY_MAIL;
  r->postage_cents = mix[k].state[0] == 'N' && mix[k].state[1] == 'C' ? CST_FEE_UNSET : 150 + i % 300;
}

static void
bench_quotes (CstFeeScheduleSet *set)
{
  CstFeeRequest requests[1024];
  gint64 start, elapsed, total = 0;
  guint n = 0, n_json = 0;

  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    mix_request (i, &requests[i]);

  start = g_get_monotonic_time ();
  do
    {
      for (guint i = 0; i < 10000; i++, n++)
        {
          CstFeeQuote *q = cst_fee_engine_quote (set, &requests[n % G_N_ELEMENTS (requests)], NULL);
          g_assert (q != NULL);
          total += cst_fee_quote_get_total_cents (q);
          cst_fee_quote_unref (q);
        }
      elapsed = g_get_monotonic_time () - start;
    }
  while (elapsed < 3 * G_USEC_PER_SEC);
  g_print ("quote only: %u quotes in %.2f s = %.0f quotes/s on one core (checksum %" G_GINT64_FORMAT ")\n",
           n, elapsed / 1e6, n / (elapsed / 1e6), total);

  start = g_get_monotonic_time ();
  do
    {
      for (guint i = 0; i < 1000; i++, n_json++)
        {
          g_autoptr(CstFeeQuote) q = cst_fee_engine_quote (set, &requests[n_json % G_N_ELEMENTS (requests)], NULL);
          g_autofree char *json = cst_fee_quote_to_json (q);
          g_assert (json != NULL);
        }
      elapsed = g_get_monotonic_time () - start;
    }
  while (elapsed < 2 * G_USEC_PER_SEC);
  g_print ("quote + JSON: %u in %.2f s = %.0f quotes/s\n", n_json, elapsed / 1e6, n_json / (elapsed / 1e6));
}

static void
bench_invoices (void)
{
  g_autoptr(CstTestDb) db = cst_test_db_new ();
  g_autoptr(PGconn) conn = cst_test_db_connect (db);
  g_autoptr(CstFeeScheduleSet) set = NULL;
  g_autoptr(PGresult) ids = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start, loaded, done;
  int n_issued = 0;

  g_assert_true (cst_fee_repo_install_seed (conn, NULL, &error));
  g_assert_true (cst_demo_seed (conn, N_INVOICES, &error));
  g_assert_no_error (error);
  /* The server invoices a request only as quoted for its own state,
   * received date and requester class (0058): the mix gives the rest. */
  ids = cst_db_exec (conn, "SELECT r.id, r.jurisdiction, to_char(r.received_date, 'YYYY-MM-DD'),"
                     " invoice_requester_class(q.kind), r.status IN ('released', 'denied', 'cancelled')"
                     " FROM roi_requests r JOIN requesters q ON q.id = r.requester_id ORDER BY r.id LIMIT 10000",
                     0, NULL, &error);
  g_assert_no_error (error);
  g_assert (PQntuples (ids) == N_INVOICES);

  start = g_get_monotonic_time ();
  set = cst_fee_repo_load_schedules (conn, &error);
  g_assert_no_error (error);
  loaded = g_get_monotonic_time ();
  for (int row = 0; row < N_INVOICES; row++)
    {
      CstFeeRequest r;
      g_autoptr(CstFeeQuote) q = NULL;
      g_autoptr(CstFeeInvoice) invoice = NULL;

      mix_request ((guint) row, &r);
      memcpy (r.jurisdiction, PQgetvalue (ids, row, 1), 3);
      cst_input_parse_date (PQgetvalue (ids, row, 2), &r.received, NULL);
      g_assert (cst_fee_requester_from_nick (PQgetvalue (ids, row, 3), &r.requester));
      if (!cst_fee_requester_is_individual (r.requester))
        r.method = CST_FEE_METHOD_DEFAULT;
      /* A state whose amounts for the date were not published: skipped,
       * as the demo data does. */
      if (!(q = cst_fee_engine_quote (set, &r, NULL)))
        continue;
      /* Closed demo requests are invoiced after the fact, as the owner. */
      invoice = cst_db_bool (ids, row, 4)
        ? cst_fee_repo_record_invoice (conn, cst_db_int64 (ids, row, 0), q, &error)
        : cst_fee_repo_issue_invoice (conn, cst_db_int64 (ids, row, 0), q, CST_FEE_UNSET, NULL, &error);
      g_assert_no_error (error);
      n_issued++;
    }
  done = g_get_monotonic_time ();
  g_print ("database: schedules loaded in %.1f ms; %d quotes issued as invoices in %.2f s = %.0f invoices/s\n",
           (loaded - start) / 1e3, n_issued, (done - loaded) / 1e6, n_issued / ((done - loaded) / 1e6));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstFeeScheduleSet) seed = cst_fee_schedule_set_new_from_seed (&error);

  g_assert_no_error (error);
  bench_quotes (seed);
  if (g_getenv ("PGHOST") == NULL)
    {
      g_print ("database: skipped (no PGHOST; start build-aux/test-server.sh)\n");
      return 0;
    }
  bench_invoices ();
  return 0;
}
