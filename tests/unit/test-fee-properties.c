/* test-fee-properties.c — properties of the engine over many thousands of
 * generated requests, from a fixed seed so a failure reproduces */
#include "config.h"

#include "cst-test-db.h"

#define N_REQUESTS 30000

static CstFeeScheduleSet *seed;

static const char *const states[] = {
  "FL", "TX", "CA", "NY", "IL", "PA", "OH", "GA", "NC", "WA", "MA", "MI", "VT"
};

static void
random_request (GRand         *rand,
                CstFeeRequest *r)
{
  GDate date;

  cst_fee_request_init (r);
  memcpy (r->jurisdiction, states[g_rand_int_range (rand, 0, G_N_ELEMENTS (states))], 3);
  r->provider = g_rand_int_range (rand, 0, CST_FEE_N_PROVIDERS);
  r->requester = g_rand_int_range (rand, 0, CST_FEE_N_REQUESTERS);
  r->purpose = g_rand_int_range (rand, 0, CST_FEE_N_PURPOSES);
  r->format = g_rand_int_range (rand, 0, CST_FEE_N_FORMATS);
  r->maintained_electronically = g_rand_boolean (rand);
  r->pages = g_rand_int_range (rand, 1, 1200);
  r->years = g_rand_int_range (rand, 0, 12);
  r->certified = g_rand_boolean (rand);
  r->delivery = g_rand_int_range (rand, 0, CST_FEE_N_DELIVERIES);
  if (r->delivery == CST_FEE_DELIVERY_MAIL && g_rand_boolean (rand))
    r->postage_cents = g_rand_int_range (rand, 0, 2000);
  /* Mostly days inside the shipped tables (many expire), some anywhere. */
  g_date_clear (&date, 1);
  if (g_rand_int_range (rand, 0, 10) < 7)
    {
      static const guint16 years[] = { 2009, 2017, 2020, 2023, 2024, 2024, 2025 };
      g_date_set_dmy (&date, 1, 1, years[g_rand_int_range (rand, 0, G_N_ELEMENTS (years))]);
      g_date_add_days (&date, g_rand_int_range (rand, 0, 180));
    }
  else
    {
      g_date_set_dmy (&date, 1, 1, 2008);
      g_date_add_days (&date, g_rand_int_range (rand, 0, 19 * 366));
    }
  r->received = date;
  r->indigent = g_rand_int_range (rand, 0, 20) == 0;
  if (cst_fee_requester_is_individual (r->requester))
    {
      r->method = g_rand_int_range (rand, CST_FEE_METHOD_DEFAULT, CST_FEE_METHOD_HIPAA_FLAT + 1);
      r->labor_minutes = g_rand_int_range (rand, 0, 600);
      r->hourly_rate_cents = g_rand_int_range (rand, 0, 10000);
      r->supplies_cents = g_rand_int_range (rand, 0, 3000);
      r->search_minutes = g_rand_int_range (rand, 0, 120);
      r->inspection_only = g_rand_int_range (rand, 0, 50) == 0;
    }
  else if (g_rand_boolean (rand))
    r->labor_minutes = g_rand_int_range (rand, 0, 300);
}

static void
check_invariants (CstFeeQuote         *q,
                  const CstFeeRequest *r)
{
  gint64 sum = 0;
  guint32 date = g_date_get_julian (&r->received);

  g_assert_cmpint (cst_fee_quote_get_total_cents (q), >=, 0);
  for (guint i = 0; i < cst_fee_quote_get_n_lines (q); i++)
    {
      const CstFeeLine *line = cst_fee_quote_get_line (q, i);
      const char *version = cst_fee_line_get_schedule_version (line);
      g_autofree char *key = NULL;
      CstFeeSchedule *schedule;
      GDate d;

      sum += cst_fee_line_get_amount_cents (line);
      /* The individual never pays for search, retrieval or handling. */
      if (cst_fee_requester_is_individual (r->requester))
        {
          g_assert_false (cst_fee_line_get_kind (line) == CST_FEE_LINE_REQUEST_FEE);
          g_assert_false (cst_fee_line_get_kind (line) == CST_FEE_LINE_SEARCH &&
                          cst_fee_line_get_amount_cents (line) != 0);
        }
      /* Every line comes from a schedule in effect on the received date. */
      if (version == NULL)
        continue;
      key = g_strndup (version, strchr (version, '@') - version);
      schedule = cst_fee_schedule_set_lookup (seed, key);
      g_assert_nonnull (schedule);
      g_date_clear (&d, 1);
      g_date_set_julian (&d, date);
      g_assert_true (cst_fee_schedule_covers_date (schedule, &d));
    }
  g_assert_cmpint (sum, ==, cst_fee_quote_get_total_cents (q));
  if (cst_fee_quote_get_method (q) == CST_FEE_METHOD_HIPAA_FLAT)
    g_assert_cmpint (cst_fee_quote_get_total_cents (q), <=, 650);
}

static void
test_properties (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261123);
  guint quoted = 0, refused = 0, monotone_checked = 0;

  for (guint i = 0; i < N_REQUESTS; i++)
    {
      CstFeeRequest r, more;
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) error_more = NULL;
      g_autoptr(CstFeeQuote) q = NULL;
      g_autoptr(CstFeeQuote) q_more = NULL;

      random_request (rand, &r);
      q = cst_fee_engine_quote (seed, &r, &error);
      if (q == NULL)
        {
          /* A refusal is never silent and always ours. */
          g_assert_nonnull (error);
          g_assert_true (error->domain == CST_ERROR);
          g_assert_cmpstr (error->message, !=, "");
          refused++;
          continue;
        }
      quoted++;
      check_invariants (q, &r);

      /* Non-decreasing in pages, all else equal. */
      more = r;
      more.pages = r.pages + g_rand_int_range (rand, 1, 400);
      q_more = cst_fee_engine_quote (seed, &more, &error_more);
      g_assert_no_error (error_more);
      check_invariants (q_more, &more);
      /* The individual's charge may switch between the HIPAA fee and the
       * state ceiling (the lesser); anyone else stays on one schedule. */
      if (!cst_fee_requester_is_individual (r.requester))
        g_assert_cmpstr (cst_fee_quote_get_schedule_version (q), ==,
                         cst_fee_quote_get_schedule_version (q_more));
      if (cst_fee_quote_get_total_cents (q_more) < cst_fee_quote_get_total_cents (q))
        g_error ("%s %s: %" G_GINT64_FORMAT " pages cost %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT
                 " pages only %" G_GINT64_FORMAT, r.jurisdiction,
                 cst_fee_quote_get_schedule_version (q), r.pages, cst_fee_quote_get_total_cents (q),
                 more.pages, cst_fee_quote_get_total_cents (q_more));
      monotone_checked++;
    }
  g_test_message ("%u quoted, %u refused, %u monotonicity pairs", quoted, refused, monotone_checked);
  /* The generator must exercise the engine, not only its refusals. */
  g_assert_cmpuint (quoted, >, N_REQUESTS / 4);
  g_assert_cmpuint (refused, >, 0);
}

/* The flat method never exceeds $6.50, whatever is asked. */
static void
test_flat_ceiling (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (650);

  for (guint i = 0; i < 5000; i++)
    {
      CstFeeRequest r;
      g_autoptr(CstFeeQuote) q = NULL;

      random_request (rand, &r);
      r.requester = CST_FEE_REQUESTER_PATIENT;
      r.method = CST_FEE_METHOD_HIPAA_FLAT;
      r.inspection_only = FALSE;
      r.format = g_rand_boolean (rand) ? CST_FEE_FORMAT_ELECTRONIC : CST_FEE_FORMAT_MEDIA;
      r.maintained_electronically = TRUE;
      g_date_set_dmy (&r.received, 1, 1, 2017 + (i % 9));
      q = cst_fee_engine_quote (seed, &r, NULL);
      g_assert_nonnull (q);
      g_assert_cmpint (cst_fee_quote_get_total_cents (q), <=, 650);
      check_invariants (q, &r);
    }
}

/* Dates pick schedules: the day before and the day a new table takes
 * effect use different versions; a gap is refused. */
static void
test_schedule_by_date (void)
{
  const struct { const char *state, *date, *expected; } cases[] = {
    { "PA", "2023-12-31", "PA-2023@1" },
    { "PA", "2024-01-01", NULL },
    { "PA", "2025-01-01", "PA-2025@1" },
    { "WA", "2020-05-27", "WA-2017@1" },
    { "WA", "2020-05-28", "WA-2020@1" },
    { "MA", "2023-09-30", "MA-hospital-2022@1" },
    { "MA", "2023-10-01", "MA-hospital-2023@1" },
    { "GA", "2024-06-30", NULL },
    { "GA", "2024-07-01", "GA-2024@1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      CstFeeRequest r;
      g_autoptr(GError) error = NULL;
      g_autoptr(CstFeeQuote) q = NULL;

      cst_fee_request_init (&r);
      memcpy (r.jurisdiction, cases[i].state, 3);
      g_assert_true (cst_input_parse_date (cases[i].date, &r.received, NULL));
      r.requester = CST_FEE_REQUESTER_ATTORNEY;
      r.purpose = CST_FEE_PURPOSE_PERSONAL_INJURY;
      r.pages = 10;
      q = cst_fee_engine_quote (seed, &r, &error);
      if (cases[i].expected == NULL)
        {
          g_assert_error (error, CST_ERROR, CST_ERROR_NOT_FOUND);
          continue;
        }
      g_assert_no_error (error);
      g_assert_cmpstr (cst_fee_quote_get_schedule_version (q), ==, cases[i].expected);
    }
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  seed = cst_fee_schedule_set_new_from_seed (&error);
  g_assert_no_error (error);
  g_test_add_func ("/fee/properties/generated", test_properties);
  g_test_add_func ("/fee/properties/flat-ceiling", test_flat_ceiling);
  g_test_add_func ("/fee/properties/schedule-by-date", test_schedule_by_date);
  status = g_test_run ();
  cst_fee_schedule_set_unref (seed);
  return status;
}
