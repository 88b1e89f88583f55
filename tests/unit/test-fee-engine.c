/* test-fee-engine.c — every worked example of fees.md (c), to the cent and
 * the rule, plus the refusals the engine owes for nonsense */
#include "config.h"

#include "cst-test-db.h"

static CstFeeScheduleSet *seed;

static void
request_init (CstFeeRequest   *r,
              const char      *state,
              const char      *date,
              CstFeeRequester  requester,
              CstFeeFormat     format,
              gint64           pages)
{
  g_autoptr(GError) error = NULL;

  cst_fee_request_init (r);
  g_assert_true (cst_fee_request_set_jurisdiction (r, state, &error));
  g_assert_no_error (error);
  g_assert_true (cst_input_parse_date (date, &r->received, &error));
  g_assert_no_error (error);
  r->requester = requester;
  r->format = format;
  r->pages = pages;
}

static CstFeeQuote *
quote_ok (const CstFeeRequest *r)
{
  g_autoptr(GError) error = NULL;
  CstFeeQuote *quote = cst_fee_engine_quote (seed, r, &error);

  g_assert_no_error (error);
  g_assert_nonnull (quote);
  return quote;
}

static void
assert_refused (const CstFeeRequest *r,
                int                  code,
                const char          *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstFeeQuote) quote = cst_fee_engine_quote (seed, r, &error);

  g_assert_null (quote);
  g_assert_error (error, CST_ERROR, code);
  if (fragment && !strstr (error->message, fragment))
    g_error ("“%s” not in the refusal “%s”", fragment, error->message);
}

static void
assert_line (const CstFeeQuote *quote,
             const char        *rule,
             gint64             amount)
{
  const CstFeeLine *line = cst_fee_quote_find_line (quote, rule);

  if (line == NULL)
    g_error ("no line with rule %s", rule);
  g_assert_cmpint (cst_fee_line_get_amount_cents (line), ==, amount);
}

static void
assert_no_line (const CstFeeQuote *quote,
                const char        *rule)
{
  g_assert_null (cst_fee_quote_find_line (quote, rule));
}

static gboolean
notes_mention (CstFeeQuote *quote,
               const char  *fragment)
{
  GPtrArray *notes = cst_fee_quote_get_notes (quote);

  for (guint i = 0; i < notes->len; i++)
    if (strstr (g_ptr_array_index (notes, i), fragment))
      return TRUE;
  return FALSE;
}

/* ------------------------------------------------------------ federal */

static void
test_case1_flat_email (void)
{
  CstFeeRequest r;
  g_autoptr(CstFeeQuote) q = NULL;

  request_init (&r, "NY", "2025-03-03", CST_FEE_REQUESTER_PATIENT, CST_FEE_FORMAT_ELECTRONIC, 120);
  r.delivery = CST_FEE_DELIVERY_EMAIL;
  r.method = CST_FEE_METHOD_HIPAA_FLAT;
  q = quote_ok (&r);
  g_assert_cmpint (cst_fee_quote_get_total_cents (q), ==, 650);
  g_assert_cmpint (cst_fee_quote_get_method (q), ==, CST_FEE_METHOD_HIPAA_FLAT);
  assert_line (q, "hipaa.flat", 650);
  g_assert_cmpstr (cst_fee_quote_get_schedule_version (q), ==, "US-HIPAA@1");
}

static void
test_case2_flat_cd_mailed (void)
{
  CstFeeRequest r;
  g_autoptr(CstFeeQuote) q = NULL;

  request_init (&r, "TX", "2025-03-03", CST_FEE_REQUESTER_PATIENT, CST_FEE_FORMAT_MEDIA, 300);
  r.delivery = CST_FEE_DELIVERY_MAIL;
  r.postage_cents = 450;
  r.method = CST_FEE_METHOD_HIPAA_FLAT;
  q = quote_ok (&r);
  g_assert_cmpint (cst_fee_quote_get_total_cents (q), ==, 650);
  g_assert_cmpuint (cst_fee_quote_get_n_lines (q), ==, 1);
  assert_no_line (q, "postage");
  g_assert_true (notes_mention (q, "inclusive"));
}

static void
test_case3_inspection (void)
{
  CstFeeRequest r;
  g_autoptr(CstFeeQuote) q = NULL;

  request_init (&r, "PA", "2025-03-03", CST_FEE_REQUESTER_PATIENT, CST_FEE_FORMAT_PAPER, CST_FEE_UNSET);
  r.inspection_only = TRUE;
  q = quote_ok (&r);
  g_assert_cmpint (cst_fee_quote_get_total_cents (q), ==, 0);
  g_assert_cmpint (cst_fee_quote_get_method (q), ==, CST_FEE_METHOD_NO_CHARGE);
  assert_line (q, "hipaa.inspection", 0);
}

static void
test_case4_actual_cost (void)
{
  CstFeeRequest r;
  g_autoptr(CstFeeQuote) q = NULL;
  const CstFeeLine *search;

  request_init (&r, "GA", "2024-08-01", CST_FEE_REQUESTER_PATIENT, CST_FEE_FORMAT_PAPER, 40);
  r.method = CST_FEE_METHOD_HIPAA_ACTUAL;
  r.labor_minutes = 15;
  r.hourly_rate_cents = 2000;
  r.supplies_cents = 40 * 5;
  r.delivery = CST_FEE_DELIVERY_MAIL;
  r.postage_cents = 150;
  r.search_minutes = 30;
  q = quote_ok (&r);
  g_assert_cmpint (cst_fee_quote_get_total_cents (q), ==, 850);
  g_assert_cmpint (cst_fee_quote_get_method (q), ==, CST_FEE_METHOD_HIPAA_ACTUAL);
  assert_line (q, "hipaa.labor", 500);
  assert_line (q, "hipaa.supplies", 200);
  assert_line (q, "postage", 150);
  search = cst_fee_quote_find_line (q, "hipaa.search-excluded");
  g_assert_nonnull (search);
  g_assert_cmpint (cst_fee_line_get_amount_cents (search), ==, 0);
  g_assert_false (cst_fee_line_is_chargeable (search));
  g_assert_cmpint (cst_fee_line_get_quantity (search), ==, 30);
}

static void
test_case5_summary (void)
{
  CstFeeRequest r;
  g_autoptr(CstFeeQuote) q = NULL;

  request_init (&r, "GA", "2024-08-01", CST_FEE_REQUESTER_PATIENT, CST_FEE_FORMAT_PAPER, CST_FEE_UNSET);
  r.method = CST_FEE_METHOD_HIPAA_ACTUAL;
  r.summary_minutes = 20;
  r.hourly_rate_cents = 3000;
  r.summary_agreed = TRUE;
  q = quote_ok (&r);
  g_assert_cmpint (cst_fee_quote_get_total_cents (q), ==, 1000);
  assert_line (q, "hipaa.summary", 1000);

  r.summary_agreed = FALSE;
  assert_refused (&r, CST_ERROR_INVALID_INPUT, "agreed");
}

static void
test_case6_pa_patient (void)
{
  CstFeeRequest r;
  g_autoptr(CstFeeQuote) q = NULL;
  g_autoptr(CstFeeQuote) high = NULL;

  request_init (&r, "PA", "2025-04-01", CST_FEE_REQUESTER_PATIENT, CST_FEE_FORMAT_PAPER, 50);
  r.delivery = CST_FEE_DELIVERY_MAIL;
  r.postage_cents = 120;
  r.method = CST_FEE_METHOD_HIPAA_ACTUAL;
  r.labor_minutes = 15;
  r.hourly_rate_cents = 2000;
  r.supplies_cents = 250;
  q = quote_ok (&r);
  /* State ceiling without the search fee: 20×1.94 + 30×1.44 = 82.00 + postage. */
  g_assert_cmpint (cst_fee_quote_get_state_ceiling_cents (q), ==, 8200 + 120);
  g_assert_cmpint (cst_fee_quote_get_total_cents (q), ==, 500 + 250 + 120);
  g_assert_cmpint (cst_fee_quote_get_method (q), ==, CST_FEE_METHOD_HIPAA_ACTUAL);
  assert_no_line (q, "request-fee");
  g_assert_true (notes_mention (q, "$83.20"));
  g_assert_true (notes_mention (q, "not permitted"));

  /* A costly actual-cost fee: the lower state ceiling is charged, still
   * without the $28.74 search fee. */
  r.labor_minutes = 600;
  high = quote_ok (&r);
  g_assert_cmpint (cst_fee_quote_get_total_cents (high), ==, 8320);
  g_assert_cmpint (cst_fee_quote_get_method (high), ==, CST_FEE_METHOD_STATE_SCHEDULE);
  assert_line (high, "pages.paper.1-20", 3880);
  assert_line (high, "pages.paper.21-60", 4320);
  assert_no_line (high, "request-fee");
}

/* ------------------------------------------------------------ states */

static void
test_pa_attorney (void)
{
  CstFeeRequest r;
  g_autoptr(CstFeeQuote) q = NULL;
  g_autoptr(CstFeeQuote) micro = NULL;

  /* Case 7. */
  request_init (&r, "PA", "2025-06-02", CST_FEE_REQUESTER_ATTORNEY, CST_FEE_FORMAT_PAPER, 100);
  r.purpose = CST_FEE_PURPOSE_PERSONAL_INJURY;
  r.delivery = CST_FEE_DELIVERY_MAIL;
  r.postage_cents = 400;
  q = quote_ok (&r);
  g_assert_cmpint (cst_fee_quote_get_total_cents (q), ==, 14914);
  assert_line (q, "request-fee", 2874);
  assert_line (q, "pages.paper.1-20", 3880);
  assert_line (q, "pages.paper.21-60", 5760);
  assert_line (q, "pages.paper.61-", 2000);
  assert_line (q, "postage", 400);
  g_assert_cmpstr (cst_fee_quote_get_schedule_version (q), ==, "PA-2025@1");
  g_assert_cmpint (cst_fee_quote_get_method (q), ==, CST_FEE_METHOD_STATE_SCHEDULE);

  /* Case 9. */
  request_init (&r, "PA", "2025-06-02", CST_FEE_REQUESTER_ATTORNEY, CST_FEE_FORMAT_MICROFORM, 10);
  micro = quote_ok (&r);
  g_assert_cmpint (cst_fee_quote_get_total_cents (micro), ==, 5734);
  assert_line (micro, "pages.microform.1-", 2860);
}

static void
test_pa_patient_directive (void)
{
  CstFeeRequest r;
  g_autoptr(CstFeeQuote) q = NULL;

  /* P4: both amounts are shown, and the flag. */
  request_init (&r, "PA", "2025-06-02", CST_FEE_REQUESTER_PATIENT_DIRECTIVE, CST_FEE_FORMAT_PAPER, 50);
  q = quote_ok (&r);
  g_assert_cmpint (cst_fee_quote_get_total_cents (q), ==, 11074);
  g_assert_true (cst_fee_quote_is_unconfirmed (q));
  g_assert_true (notes_mention (q, "$82.00"));
  g_assert_true (notes_mention (q, "Ciox"));
}

static void
test_illinois (void)
{
  CstFeeRequest r;
  g_autoptr(CstFeeQuote) c11 = NULL;
  g_autoptr(CstFeeQuote) c12 = NULL;
  g_autoptr(CstFeeQuote) c13 = NULL;
  const CstFeeLine *line;
  g_autofree char *exact = NULL;

  request_init (&r, "IL", "2024-05-01", CST_FEE_REQUESTER_ATTORNEY, CST_FEE_FORMAT_PAPER, 60);
  r.delivery = CST_FEE_DELIVERY_MAIL;
  r.postage_cents = 300;
  c11 = quote_ok (&r);
  g_assert_cmpint (cst_fee_quote_get_total_cents (c11), ==, 9627);
  assert_line (c11, "request-fee", 3472);
  assert_line (c11, "pages.paper.51-", 430);

  request_init (&r, "IL", "2024-05-01", CST_FEE_REQUESTER_INSURER, CST_FEE_FORMAT_ELECTRONIC, 20);
  c12 = quote_ok (&r);
  g_assert_cmpint (cst_fee_quote_get_total_cents (c12), ==, 4772);
  assert_line (c12, "request-fee", 3472);   /* not halved */
  assert_line (c12, "pages.electronic.1-25", 1300);

  /* Case 13, the rounding probe: exact 63.995, charged 63.99. */
  request_init (&r, "IL", "2024-05-01", CST_FEE_REQUESTER_ATTORNEY, CST_FEE_FORMAT_ELECTRONIC, 60);
  c13 = quote_ok (&r);
  g_assert_cmpint (cst_fee_quote_get_total_cents (c13), ==, 6399);
  line = cst_fee_quote_find_line (c13, "pages.electronic.26-50");
  g_assert_cmpint (cst_fee_line_get_amount_cents (line), ==, 1087);
  g_assert_false (cst_fee_line_is_exact (line));
  exact = cst_fee_line_dup_exact_cents (line);
  g_assert_cmpstr (exact, ==, "1087.5");
}

static void
test_georgia (void)
{
  CstFeeRequest r;
  g_autoptr(CstFeeQuote) c15 = NULL;
  g_autoptr(CstFeeQuote) c16 = NULL;
  g_autoptr(CstFeeQuote) c18 = NULL;

  request_init (&r, "GA", "2024-09-10", CST_FEE_REQUESTER_ATTORNEY, CST_FEE_FORMAT_PAPER, 150);
  r.certified = TRUE;
  r.delivery = CST_FEE_DELIVERY_MAIL;
  r.postage_cents = 500;
  c15 = quote_ok (&r);
  g_assert_cmpint (cst_fee_quote_get_total_cents (c15), ==, 15938);
  assert_line (c15, "certification", 970);
  assert_line (c15, "pages.paper.101-", 3300);

  request_init (&r, "GA", "2024-09-10", CST_FEE_REQUESTER_INSURER, CST_FEE_FORMAT_PAPER, 20);
  c16 = quote_ok (&r);
  g_assert_cmpint (cst_fee_quote_get_total_cents (c16), ==, 4528);

  /* Case 18: the patient gets HIPAA, never the $25.88 search line. */
  request_init (&r, "GA", "2024-09-10", CST_FEE_REQUESTER_PATIENT, CST_FEE_FORMAT_PAPER, 150);
  c18 = quote_ok (&r);
  assert_no_line (c18, "request-fee");
  g_assert_cmpint (cst_fee_quote_get_method (c18), ==, CST_FEE_METHOD_HIPAA_AVERAGE);
  g_assert_cmpint (cst_fee_quote_get_state_ceiling_cents (c18), ==, -1);

  /* Disability-benefit requests: the schedule does not apply; refused. */
  request_init (&r, "GA", "2024-09-10", CST_FEE_REQUESTER_ATTORNEY, CST_FEE_FORMAT_PAPER, 20);
  r.purpose = CST_FEE_PURPOSE_BENEFITS_CLAIM;
  assert_refused (&r, CST_ERROR_NOT_FOUND, "31-33-3");
}

static void
test_north_carolina (void)
{
  CstFeeRequest r;
  g_autoptr(CstFeeQuote) c19 = NULL;
  g_autoptr(CstFeeQuote) c20 = NULL;

  request_init (&r, "NC", "2024-09-10", CST_FEE_REQUESTER_ATTORNEY, CST_FEE_FORMAT_PAPER, 150);
  r.purpose = CST_FEE_PURPOSE_PERSONAL_INJURY;
  r.delivery = CST_FEE_DELIVERY_MAIL;
  c19 = quote_ok (&r);
  g_assert_cmpint (cst_fee_quote_get_total_cents (c19), ==, 6875);
  assert_no_line (c19, "postage");
  assert_no_line (c19, "request-fee");

  request_init (&r, "NC", "2024-09-10", CST_FEE_REQUESTER_ATTORNEY, CST_FEE_FORMAT_PAPER, 8);
  r.purpose = CST_FEE_PURPOSE_BENEFITS_CLAIM;
  c20 = quote_ok (&r);
  g_assert_cmpint (cst_fee_quote_get_total_cents (c20), ==, 1000);
  assert_line (c20, "minimum", 400);

  /* Case 22: DDS — 90-411 must not be quoted. */
  request_init (&r, "NC", "2024-09-10", CST_FEE_REQUESTER_GOVERNMENT, CST_FEE_FORMAT_PAPER, 8);
  r.purpose = CST_FEE_PURPOSE_BENEFITS_CLAIM;
  assert_refused (&r, CST_ERROR_NOT_FOUND, "Disability Determination");
}

static void
test_washington_florida_texas (void)
{
  CstFeeRequest r;
  g_autoptr(CstFeeQuote) c23 = NULL;
  g_autoptr(CstFeeQuote) c25 = NULL;
  g_autoptr(CstFeeQuote) c27 = NULL;
  g_autoptr(CstFeeQuote) c28 = NULL;
  g_autoptr(CstFeeQuote) c30 = NULL;
  g_autoptr(CstFeeQuote) agency = NULL;

  request_init (&r, "WA", "2024-01-15", CST_FEE_REQUESTER_ATTORNEY, CST_FEE_FORMAT_PAPER, 50);
  c23 = quote_ok (&r);
  g_assert_cmpint (cst_fee_quote_get_total_cents (c23), ==, 8400);

  /* Case 25: the physician's patient tier is the ceiling; a costly
   * actual-cost fee makes it the charge. */
  request_init (&r, "FL", "2024-01-15", CST_FEE_REQUESTER_PATIENT, CST_FEE_FORMAT_PAPER, 40);
  r.provider = CST_FEE_PROVIDER_PHYSICIAN;
  r.method = CST_FEE_METHOD_HIPAA_ACTUAL;
  r.labor_minutes = 240;
  r.hourly_rate_cents = 3000;
  c25 = quote_ok (&r);
  g_assert_cmpint (cst_fee_quote_get_state_ceiling_cents (c25), ==, 2875);
  g_assert_cmpint (cst_fee_quote_get_total_cents (c25), ==, 2875);
  assert_line (c25, "pages.paper.26-", 375);

  request_init (&r, "FL", "2024-01-15", CST_FEE_REQUESTER_ATTORNEY, CST_FEE_FORMAT_PAPER, 100);
  r.years = 3;
  r.delivery = CST_FEE_DELIVERY_MAIL;
  r.postage_cents = 600;
  c27 = quote_ok (&r);
  g_assert_cmpint (cst_fee_quote_get_total_cents (c27), ==, 10900);
  assert_line (c27, "per-year", 300);
  assert_no_line (c27, "tax");

  request_init (&r, "TX", "2024-01-15", CST_FEE_REQUESTER_ATTORNEY, CST_FEE_FORMAT_PAPER, 30);
  r.provider = CST_FEE_PROVIDER_PHYSICIAN;
  c28 = quote_ok (&r);
  g_assert_cmpint (cst_fee_quote_get_total_cents (c28), ==, 3000);

  request_init (&r, "TX", "2024-01-15", CST_FEE_REQUESTER_ATTORNEY, CST_FEE_FORMAT_PAPER, 300);
  r.purpose = CST_FEE_PURPOSE_BENEFITS_CLAIM;
  c30 = quote_ok (&r);
  g_assert_cmpint (cst_fee_quote_get_total_cents (c30), ==, 0);
  g_assert_cmpint (cst_fee_quote_get_method (c30), ==, CST_FEE_METHOD_NO_CHARGE);
  assert_line (c30, "exemption", 0);

  /* 161.202(b): the agency itself may be charged (TX hospital, P1 base amounts). */
  r.requester = CST_FEE_REQUESTER_GOVERNMENT;
  r.pages = 100;
  agency = quote_ok (&r);
  g_assert_cmpint (cst_fee_quote_get_total_cents (agency), ==, 10000);
  g_assert_true (cst_fee_quote_is_unconfirmed (agency));
}

static void
test_free_and_historical (void)
{
  struct { const char *state, *date; CstFeeRequester who; CstFeePurpose why; gboolean indigent; } free_cases[] = {
    { "NY", "2024-02-01", CST_FEE_REQUESTER_ATTORNEY, CST_FEE_PURPOSE_BENEFITS_CLAIM, FALSE },  /* 32 */
    { "CA", "2024-02-01", CST_FEE_REQUESTER_PATIENT, CST_FEE_PURPOSE_BENEFITS_CLAIM, FALSE },   /* 35 */
    { "MA", "2024-02-01", CST_FEE_REQUESTER_PATIENT, CST_FEE_PURPOSE_BENEFITS_CLAIM, FALSE },   /* 37 */
    { "OH", "2009-06-01", CST_FEE_REQUESTER_PERSONAL_REPRESENTATIVE, CST_FEE_PURPOSE_BENEFITS_CLAIM, FALSE }, /* 38 */
    { "MI", "2017-06-01", CST_FEE_REQUESTER_PATIENT, CST_FEE_PURPOSE_OTHER, TRUE },              /* 41 */
  };
  CstFeeRequest r;
  g_autoptr(CstFeeQuote) c32 = NULL;
  g_autoptr(CstFeeQuote) c33 = NULL;
  g_autoptr(CstFeeQuote) c34 = NULL;
  g_autoptr(CstFeeQuote) c39 = NULL;
  g_autoptr(CstFeeQuote) c40 = NULL;
  g_autoptr(CstFeeQuote) c40p = NULL;
  const CstFeeLine *clerical;

  for (guint i = 0; i < G_N_ELEMENTS (free_cases); i++)
    {
      g_autoptr(CstFeeQuote) q = NULL;

      request_init (&r, free_cases[i].state, free_cases[i].date, free_cases[i].who,
                    CST_FEE_FORMAT_PAPER, 300);
      r.purpose = free_cases[i].why;
      r.indigent = free_cases[i].indigent;
      q = quote_ok (&r);
      g_assert_cmpint (cst_fee_quote_get_total_cents (q), ==, 0);
      g_assert_cmpint (cst_fee_quote_get_method (q), ==, CST_FEE_METHOD_NO_CHARGE);
      assert_line (q, "exemption", 0);
    }

  /* 32, second half: the patient's personal-injury copy, ceiling 225.00. */
  request_init (&r, "NY", "2024-02-01", CST_FEE_REQUESTER_PATIENT, CST_FEE_FORMAT_PAPER, 300);
  r.purpose = CST_FEE_PURPOSE_PERSONAL_INJURY;
  c32 = quote_ok (&r);
  g_assert_cmpint (cst_fee_quote_get_state_ceiling_cents (c32), ==, 22500);

  /* 33: CA subpoena; 40 clerical minutes bill as three quarter hours. */
  request_init (&r, "CA", "2024-02-01", CST_FEE_REQUESTER_ATTORNEY, CST_FEE_FORMAT_PAPER, 120);
  r.purpose = CST_FEE_PURPOSE_SUBPOENA;
  r.labor_minutes = 40;
  r.delivery = CST_FEE_DELIVERY_MAIL;
  r.postage_cents = 400;
  c33 = quote_ok (&r);
  g_assert_cmpint (cst_fee_quote_get_total_cents (c33), ==, 3400);
  clerical = cst_fee_quote_find_line (c33, "clerical");
  g_assert_cmpint (cst_fee_line_get_quantity (clerical), ==, 3);
  g_assert_cmpint (cst_fee_line_get_amount_cents (clerical), ==, 1800);

  /* 34: CA patient, ceiling 80×0.25. */
  request_init (&r, "CA", "2024-02-01", CST_FEE_REQUESTER_PATIENT, CST_FEE_FORMAT_PAPER, 80);
  c34 = quote_ok (&r);
  g_assert_cmpint (cst_fee_quote_get_state_ceiling_cents (c34), ==, 2000);
  assert_no_line (c34, "clerical");

  /* 39: OH 2009 table, historical date. */
  request_init (&r, "OH", "2009-06-01", CST_FEE_REQUESTER_INSURER, CST_FEE_FORMAT_PAPER, 30);
  c39 = quote_ok (&r);
  g_assert_cmpint (cst_fee_quote_get_total_cents (c39), ==, 4078);
  g_assert_cmpstr (cst_fee_quote_get_schedule_version (c39), ==, "OH-2009-other@1");

  /* 40: MI 2017; the patient pays no initial fee. */
  request_init (&r, "MI", "2017-06-01", CST_FEE_REQUESTER_ATTORNEY, CST_FEE_FORMAT_PAPER, 60);
  c40 = quote_ok (&r);
  g_assert_cmpint (cst_fee_quote_get_total_cents (c40), ==, 6781);
  r.requester = CST_FEE_REQUESTER_PATIENT;
  c40p = quote_ok (&r);
  g_assert_cmpint (cst_fee_quote_get_state_ceiling_cents (c40p), ==, 4410);
  assert_no_line (c40p, "request-fee");
}

/* ------------------------------------------------------------ labels */

/* A label is words: not empty, not the nick, no code punctuation, and
 * different from the other labels of its kind. */
static void
assert_labels (const char *(*label) (int),
               const char *(*nick) (int),
               int          n)
{
  for (int i = 0; i < n; i++)
    {
      const char *text = label (i);

      g_test_message ("%s → %s", nick (i), text);
      g_assert_nonnull (text);
      g_assert_cmpstr (text, !=, "");
      g_assert_cmpstr (text, !=, nick (i));
      g_assert_null (strpbrk (text, "_.-"));
      g_assert_true (g_ascii_isupper (text[0]));
      for (int j = 0; j < i; j++)
        g_assert_cmpstr (text, !=, label (j));
    }
}

/* Every value of every fee enumeration has a label: a new value without
 * one fails here (the label tables are also sized by static asserts). */
static void
test_labels (void)
{
  assert_labels ((const char *(*) (int)) cst_fee_provider_get_label,
                 (const char *(*) (int)) cst_fee_provider_to_nick, CST_FEE_N_PROVIDERS);
  assert_labels ((const char *(*) (int)) cst_fee_requester_get_label,
                 (const char *(*) (int)) cst_fee_requester_to_nick, CST_FEE_N_REQUESTERS);
  assert_labels ((const char *(*) (int)) cst_fee_purpose_get_label,
                 (const char *(*) (int)) cst_fee_purpose_to_nick, CST_FEE_N_PURPOSES);
  assert_labels ((const char *(*) (int)) cst_fee_format_get_label,
                 (const char *(*) (int)) cst_fee_format_to_nick, CST_FEE_N_FORMATS);
  assert_labels ((const char *(*) (int)) cst_fee_delivery_get_label,
                 (const char *(*) (int)) cst_fee_delivery_to_nick, CST_FEE_N_DELIVERIES);
  assert_labels ((const char *(*) (int)) cst_fee_method_get_label,
                 (const char *(*) (int)) cst_fee_method_to_nick, CST_FEE_N_METHODS);

  /* An invoice's stored method, "adjustment" included. */
  for (CstFeeMethod m = CST_FEE_METHOD_HIPAA_ACTUAL; m < CST_FEE_N_METHODS; m++)
    g_assert_cmpstr (cst_fee_invoice_method_get_label (cst_fee_method_to_nick (m)), ==,
                     cst_fee_method_get_label (m));
  g_assert_cmpstr (cst_fee_invoice_method_get_label ("adjustment"), ==, "Adjustment");
}

/* The fee method has one vocabulary: the codes an invoice stores are the
 * codes the model reads, writes and labels; a HIPAA method may be written
 * without "hipaa-", as schedules, the setting and custodian-cli do. */
static void
test_method_codes (void)
{
  static const struct { const char *text; CstFeeMethod method; } typed[] = {
    { "actual", CST_FEE_METHOD_HIPAA_ACTUAL }, { "average", CST_FEE_METHOD_HIPAA_AVERAGE },
    { "flat", CST_FEE_METHOD_HIPAA_FLAT }, { "default", CST_FEE_METHOD_DEFAULT },
  };
  CstFeeMethod method;

  g_assert_cmpstr (cst_fee_method_to_nick (CST_FEE_METHOD_HIPAA_ACTUAL), ==, "hipaa-actual");
  g_assert_cmpstr (cst_fee_method_to_nick (CST_FEE_METHOD_HIPAA_FLAT), ==, "hipaa-flat");
  g_assert_cmpstr (cst_fee_method_to_nick (CST_FEE_METHOD_NO_CHARGE), ==, "no-charge");
  for (CstFeeMethod m = CST_FEE_METHOD_DEFAULT; m < CST_FEE_N_METHODS; m++)
    {
      g_assert_true (cst_fee_method_from_nick (cst_fee_method_to_nick (m), &method));
      g_assert_cmpint (method, ==, m);
      g_assert_cmpstr (cst_fee_invoice_method_get_label (cst_fee_method_to_nick (m)), ==,
                       cst_fee_method_get_label (m));
    }
  for (guint i = 0; i < G_N_ELEMENTS (typed); i++)
    {
      g_assert_true (cst_fee_method_from_nick (typed[i].text, &method));
      g_assert_cmpint (method, ==, typed[i].method);
    }
  g_assert_false (cst_fee_method_from_nick ("schedule", &method));
  g_assert_false (cst_fee_method_from_nick ("charge", &method));
  g_assert_false (cst_fee_method_from_nick ("hipaa-", &method));
}

/* Refusals name the requester in words, in sentences that need no "a" or
 * "an" before it ("a attorney request"). */
static void
test_refusals_in_words (void)
{
  for (int i = 0; i < CST_FEE_N_REQUESTERS; i++)
    {
      const char *label = cst_fee_requester_get_label (i);
      CstFeeRequest r;
      g_autoptr(GError) error = NULL;
      g_autoptr(CstFeeQuote) quote = NULL;
      g_autofree char *a_label = g_strdup_printf (" a %s", label);
      g_autofree char *a_lower = g_ascii_strdown (a_label, -1);

      /* A Pennsylvania date before any schedule: the requester is named. */
      request_init (&r, "PA", "2024-06-03", i, CST_FEE_FORMAT_PAPER, 10);
      quote = cst_fee_engine_quote (seed, &r, &error);
      if (quote != NULL)
        continue;
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, label));
      if (strchr (cst_fee_requester_to_nick (i), '-'))
        g_assert_null (strstr (error->message, cst_fee_requester_to_nick (i)));
      g_assert_null (strstr (error->message, a_label));
      g_assert_null (strstr (error->message, a_lower));
    }
}

/* ------------------------------------------------------------ refusals */

static void
test_refusals (void)
{
  CstFeeRequest r;
  g_autoptr(GError) error = NULL;

  cst_fee_request_init (&r);
  g_assert_false (cst_fee_request_set_jurisdiction (&r, "ZZ", &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  memcpy (r.jurisdiction, "ZZ", 3);
  r.pages = 10;
  assert_refused (&r, CST_ERROR_INVALID_INPUT, "ZZ");

  request_init (&r, "PA", "2025-06-02", CST_FEE_REQUESTER_ATTORNEY, CST_FEE_FORMAT_PAPER, -3);
  assert_refused (&r, CST_ERROR_INVALID_INPUT, "negative");
  r.pages = 2000000;
  assert_refused (&r, CST_ERROR_INVALID_INPUT, "not believable");
  r.pages = 0;
  assert_refused (&r, CST_ERROR_INVALID_INPUT, "0");
  r.pages = CST_FEE_UNSET;
  assert_refused (&r, CST_ERROR_INVALID_INPUT, "missing");

  /* A format the schedule does not cover. */
  request_init (&r, "GA", "2024-09-10", CST_FEE_REQUESTER_ATTORNEY, CST_FEE_FORMAT_MICROFORM, 10);
  assert_refused (&r, CST_ERROR_INVALID_INPUT, "(Microform)");

  /* A date no schedule covers: never quoted from another year. */
  request_init (&r, "PA", "2024-06-03", CST_FEE_REQUESTER_ATTORNEY, CST_FEE_FORMAT_PAPER, 10);
  assert_refused (&r, CST_ERROR_NOT_FOUND, "PA-2025@1");
  request_init (&r, "IL", "2026-02-02", CST_FEE_REQUESTER_ATTORNEY, CST_FEE_FORMAT_PAPER, 10);
  assert_refused (&r, CST_ERROR_NOT_FOUND, "2024-12-31");

  /* A state with no data at all. */
  request_init (&r, "VT", "2025-06-02", CST_FEE_REQUESTER_ATTORNEY, CST_FEE_FORMAT_PAPER, 10);
  assert_refused (&r, CST_ERROR_NOT_FOUND, "VT");

  /* The flat fee is for electronic copies of electronic records only. */
  request_init (&r, "NY", "2025-06-02", CST_FEE_REQUESTER_PATIENT, CST_FEE_FORMAT_PAPER, 10);
  r.method = CST_FEE_METHOD_HIPAA_FLAT;
  assert_refused (&r, CST_ERROR_INVALID_INPUT, "flat");
  request_init (&r, "NY", "2025-06-02", CST_FEE_REQUESTER_PATIENT, CST_FEE_FORMAT_ELECTRONIC, 10);
  r.method = CST_FEE_METHOD_HIPAA_FLAT;
  r.maintained_electronically = FALSE;
  assert_refused (&r, CST_ERROR_INVALID_INPUT, "flat");

  /* HIPAA methods are for the individual. */
  request_init (&r, "PA", "2025-06-02", CST_FEE_REQUESTER_ATTORNEY, CST_FEE_FORMAT_PAPER, 10);
  r.method = CST_FEE_METHOD_HIPAA_ACTUAL;
  assert_refused (&r, CST_ERROR_INVALID_INPUT, "individual");

  /* Postage without mail; actual method without its inputs. */
  request_init (&r, "PA", "2025-06-02", CST_FEE_REQUESTER_ATTORNEY, CST_FEE_FORMAT_PAPER, 10);
  r.postage_cents = 100;
  assert_refused (&r, CST_ERROR_INVALID_INPUT, "“Pickup”");
  request_init (&r, "PA", "2025-06-02", CST_FEE_REQUESTER_PATIENT, CST_FEE_FORMAT_PAPER, 10);
  r.method = CST_FEE_METHOD_HIPAA_ACTUAL;
  assert_refused (&r, CST_ERROR_INVALID_INPUT, "labor");
  r.labor_minutes = 10;
  assert_refused (&r, CST_ERROR_INVALID_INPUT, "hourly rate");
}

/* A patient in a state whose schedule ran out: HIPAA applies, the quote
 * says the state ceiling could not be checked and is flagged. */
static void
test_patient_state_expired (void)
{
  CstFeeRequest r;
  g_autoptr(CstFeeQuote) q = NULL;

  request_init (&r, "PA", "2026-11-02", CST_FEE_REQUESTER_PATIENT, CST_FEE_FORMAT_PAPER, 10);
  q = quote_ok (&r);
  g_assert_cmpint (cst_fee_quote_get_method (q), ==, CST_FEE_METHOD_HIPAA_AVERAGE);
  g_assert_true (cst_fee_quote_is_unconfirmed (q));
  g_assert_true (notes_mention (q, "No PA state fee schedule"));
  /* Average placeholders: $5.00 labor + 10 × $0.05 supplies. */
  g_assert_cmpint (cst_fee_quote_get_total_cents (q), ==, 550);
}

static void
test_json (void)
{
  CstFeeRequest r;
  g_autoptr(CstFeeQuote) q = NULL;
  g_autofree char *json = NULL;
  g_autofree char *text = NULL;

  request_init (&r, "IL", "2024-05-01", CST_FEE_REQUESTER_ATTORNEY, CST_FEE_FORMAT_ELECTRONIC, 60);
  q = quote_ok (&r);
  json = cst_fee_quote_to_json (q);
  g_assert_true (g_str_has_prefix (json, "{\"total_cents\":6399,\"method\":\"state-schedule\","
                                         "\"jurisdiction\":\"IL\",\"schedule_version\":\"IL-2024@1\""));
  g_assert_nonnull (strstr (json, "\"lines\":[{\"description\":"));
  g_assert_nonnull (strstr (json, "\"exact_cents\":\"1087.5\""));
  g_assert_nonnull (strstr (json, "\"unit_exact_cents\":\"43.5\""));
  g_assert_nonnull (strstr (json, "\"rule\":\"pages.electronic.26-50\""));
  g_assert_nonnull (strstr (json, "\"citation\":\"735 ILCS 5/8-2001"));
  g_assert_nonnull (strstr (json, "\"notes\":["));
  g_assert_true (g_str_has_suffix (json, "]}"));
  text = cst_fee_quote_to_text (q);
  g_assert_nonnull (strstr (text, "$63.99"));
  g_assert_nonnull (strstr (text, "exact 1087.5"));
}

/* ------------------------------------------------------------ facility */

/* The seed plus the hospital's own third-party amounts for North Carolina. */
static CstFeeScheduleSet *
seed_with_facility (const char *paper,
                    GError    **error)
{
  g_autoptr(GBytes) bytes = cst_fee_schedule_seed_bytes (error);
  g_autoptr(GString) data = NULL;

  g_assert_nonnull (bytes);
  data = g_string_new_len (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_string_append_printf (data, "\n[NC-facility]\nkind=facility\njurisdiction=NC\nrequesters=attorney;insurer\n"
                                "effective-from=2024-01-01\nconfidence=C\n"
                                "citation=Hospital policy HIM-12 (board-approved)\npaper=%s\n", paper);
  return cst_fee_schedule_set_new_from_data (data->str, data->len, error);
}

static CstFeeQuote *
quote_with (CstFeeScheduleSet   *set,
            const CstFeeRequest *r)
{
  g_autoptr(GError) error = NULL;
  CstFeeQuote *quote = cst_fee_engine_quote (set, r, &error);

  g_assert_no_error (error);
  return quote;
}

static void
test_facility_lower (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstFeeScheduleSet) set = seed_with_facility ("1-:25", &error);
  g_autoptr(CstFeeQuote) lower = NULL;
  g_autoptr(CstFeeQuote) patient = NULL;
  g_autoptr(CstFeeQuote) seeded = NULL;
  CstFeeRequest r;

  g_assert_no_error (error);
  /* Case 19 costs $68.75 at the state maximum; the hospital asks 25¢ a page. */
  request_init (&r, "NC", "2024-09-10", CST_FEE_REQUESTER_ATTORNEY, CST_FEE_FORMAT_PAPER, 150);
  r.purpose = CST_FEE_PURPOSE_PERSONAL_INJURY;
  lower = quote_with (set, &r);
  g_assert_cmpint (cst_fee_quote_get_total_cents (lower), ==, 150 * 25);
  g_assert_cmpint (cst_fee_quote_get_state_ceiling_cents (lower), ==, 6875);
  g_assert_cmpstr (cst_fee_quote_get_schedule_version (lower), ==, "NC-facility@1");
  g_assert_true (notes_mention (lower, "$68.75"));
  g_assert_true (notes_mention (lower, "NC-facility@1"));
  /* The same request without the hospital's schedule: the maximum. */
  seeded = quote_ok (&r);
  g_assert_cmpint (cst_fee_quote_get_total_cents (seeded), ==, 6875);

  /* Patients are priced by HIPAA, not by the hospital's third-party list. */
  request_init (&r, "NC", "2024-09-10", CST_FEE_REQUESTER_PATIENT, CST_FEE_FORMAT_PAPER, 150);
  patient = quote_with (set, &r);
  g_assert_false (notes_mention (patient, "NC-facility"));
}

static void
test_facility_never_higher (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstFeeScheduleSet) set = seed_with_facility ("1-:100", &error);
  g_autoptr(CstFeeQuote) quote = NULL;
  CstFeeRequest r;

  g_assert_no_error (error);
  request_init (&r, "NC", "2024-09-10", CST_FEE_REQUESTER_ATTORNEY, CST_FEE_FORMAT_PAPER, 150);
  r.purpose = CST_FEE_PURPOSE_PERSONAL_INJURY;
  quote = quote_with (set, &r);
  g_assert_cmpint (cst_fee_quote_get_total_cents (quote), ==, 6875);
  g_assert_cmpstr (cst_fee_quote_get_schedule_version (quote), ==, "NC-90-411@1");
  g_assert_true (notes_mention (quote, "state maximum applies"));
}

/* In a health system each facility has its own hospital schedule (0091):
 * two of one state stand side by side, and a request is quoted with its
 * facility's, named in the request. */
static void
test_facility_each_its_own (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = cst_fee_schedule_seed_bytes (&error);
  g_autoptr(GString) data = g_string_new_len (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_autoptr(CstFeeScheduleSet) set = NULL;
  g_autoptr(CstFeeQuote) first = NULL;
  g_autoptr(CstFeeQuote) second = NULL;
  CstFeeRequest r;

  for (int i = 0; i < 2; i++)
    g_string_append_printf (data, "\n[NC-facility-%d]\nkind=facility\njurisdiction=NC\nrequesters=attorney\n"
                                  "effective-from=2024-01-01\nconfidence=C\ncitation=Policy\npaper=1-:%d\n",
                            i, 25 - 15 * i);
  set = cst_fee_schedule_set_new_from_data (data->str, data->len, &error);
  g_assert_no_error (error);
  request_init (&r, "NC", "2024-09-10", CST_FEE_REQUESTER_ATTORNEY, CST_FEE_FORMAT_PAPER, 150);
  r.purpose = CST_FEE_PURPOSE_PERSONAL_INJURY;
  g_assert_true (cst_fee_request_set_facility_schedule (&r, "NC-facility-1", &error));
  second = quote_with (set, &r);
  g_assert_cmpint (cst_fee_quote_get_total_cents (second), ==, 150 * 10);
  g_assert_cmpstr (cst_fee_quote_get_schedule_version (second), ==, "NC-facility-1@1");
  g_assert_true (cst_fee_request_set_facility_schedule (&r, "NC-facility-0", &error));
  first = quote_with (set, &r);
  g_assert_cmpint (cst_fee_quote_get_total_cents (first), ==, 150 * 25);
  g_assert_cmpstr (cst_fee_quote_get_schedule_version (first), ==, "NC-facility-0@1");
  g_assert_false (cst_fee_request_set_facility_schedule (&r, "no spaces", &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
}

/* Issue 17: where state law sets no amount (North Carolina's 90-411
 * covers only personal-injury and Social Security claims; Georgia's
 * schedule does not apply to disability applications), the hospital's own
 * schedule is the charge, and the quote says so with its version.
 * Without one, the refusal names what an administrator must enter.  A
 * missing year is not "no amount": it stays refused. */
static void
test_facility_where_no_state_maximum (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstFeeScheduleSet) set = seed_with_facility ("1-:25", &error);
  g_autoptr(CstFeeQuote) quote = NULL;
  CstFeeRequest r;

  g_assert_no_error (error);
  request_init (&r, "NC", "2024-09-10", CST_FEE_REQUESTER_ATTORNEY, CST_FEE_FORMAT_PAPER, 150);
  r.purpose = CST_FEE_PURPOSE_OTHER;
  quote = quote_with (set, &r);
  g_assert_cmpint (cst_fee_quote_get_total_cents (quote), ==, 150 * 25);
  g_assert_cmpstr (cst_fee_quote_get_schedule_version (quote), ==, "NC-facility@1");
  g_assert_true (notes_mention (quote, "No state maximum in Custodian's fee data; hospital schedule NC-facility@1"));
  for (guint i = 0; i < cst_fee_quote_get_n_lines (quote); i++)
    g_assert_cmpstr (cst_fee_line_get_citation (cst_fee_quote_get_line (quote, i)), ==,
                     "Hospital policy HIM-12 (board-approved)");

  /* No hospital schedule: what to enter, not only "cannot be quoted". */
  assert_refused (&r, CST_ERROR_NOT_FOUND, "an administrator must enter one for NC");
  request_init (&r, "GA", "2024-09-10", CST_FEE_REQUESTER_ATTORNEY, CST_FEE_FORMAT_PAPER, 10);
  r.purpose = CST_FEE_PURPOSE_BENEFITS_CLAIM;
  assert_refused (&r, CST_ERROR_NOT_FOUND, "kind=facility, jurisdiction=GA, requesters=attorney");

  /* Said once per state for the administrator, not only per request. */
  {
    g_autoptr(GPtrArray) with = NULL;
    g_autoptr(GPtrArray) without = NULL;
    const char *nc_with = NULL, *nc_without = NULL;

    cst_fee_request_init (&r);
    g_assert_true (cst_input_parse_date ("2024-09-10", &r.received, NULL));
    with = cst_fee_schedule_set_list_unpriced (set, &r.received);
    without = cst_fee_schedule_set_list_unpriced (seed, &r.received);
    for (guint i = 0; i < with->len; i++)
      if (g_str_has_prefix (g_ptr_array_index (with, i), "NC law"))
        nc_with = g_ptr_array_index (with, i);
    for (guint i = 0; i < without->len; i++)
      if (g_str_has_prefix (g_ptr_array_index (without, i), "NC law"))
        nc_without = g_ptr_array_index (without, i);
    g_test_message ("%s", nc_without);
    g_assert_nonnull (nc_without);
    g_assert_nonnull (strstr (nc_without, "attorney"));
    g_assert_nonnull (nc_with);
    g_assert_null (strstr (nc_with, "attorney"));   /* the hospital's schedule prices them */
    g_assert_nonnull (strstr (nc_with, "government"));
  }

  /* A state that does set an amount, in a year with none entered, is refused
   * as before even for a requester the hospital's own schedule covers. */
  request_init (&r, "NC", "1990-06-01", CST_FEE_REQUESTER_ATTORNEY, CST_FEE_FORMAT_PAPER, 10);
  r.purpose = CST_FEE_PURPOSE_OTHER;
  g_clear_pointer (&quote, cst_fee_quote_unref);
  g_clear_error (&error);
  quote = cst_fee_engine_quote (set, &r, &error);
  g_assert_null (quote);
  g_assert_error (error, CST_ERROR, CST_ERROR_NOT_FOUND);
}

/* ------------------------------------------------------------ in passing */

/* fees.md b.13, hand-computed for an attorney's 100 paper pages. */
static void
test_states_in_passing (void)
{
  static const struct { const char *state; gint64 cents; } expected[] = {
    { "SC", 2500 + 30 * 65 + 70 * 50 },
    { "TN", 1800 + 45 * 85 + 50 * 60 },
    { "MT", 1500 + 100 * 50 },
    { "AR", 1500 + 25 * 50 + 75 * 25 },
    { "OK", 1000 + 100 * 50 },
  };
  CstFeeRequest r;

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(CstFeeQuote) quote = NULL;

      request_init (&r, expected[i].state, "2026-11-23", CST_FEE_REQUESTER_ATTORNEY, CST_FEE_FORMAT_PAPER, 100);
      quote = quote_ok (&r);
      g_assert_cmpint (cst_fee_quote_get_total_cents (quote), ==, expected[i].cents);
    }
}

/* South Carolina caps electronic copies lower than paper ones. */
static void
test_south_carolina_caps (void)
{
  g_autoptr(CstFeeQuote) paper = NULL;
  g_autoptr(CstFeeQuote) electronic = NULL;
  g_autoptr(CstFeeQuote) patient = NULL;
  g_autoptr(CstFeeQuote) indigent = NULL;
  CstFeeRequest r;

  request_init (&r, "SC", "2026-11-23", CST_FEE_REQUESTER_INSURER, CST_FEE_FORMAT_PAPER, 400);
  paper = quote_ok (&r);
  g_assert_cmpint (cst_fee_quote_get_total_cents (paper), ==, 20000);
  assert_line (paper, "cap", 20000 - (2500 + 30 * 65 + 370 * 50));
  request_init (&r, "SC", "2026-11-23", CST_FEE_REQUESTER_INSURER, CST_FEE_FORMAT_ELECTRONIC, 400);
  electronic = quote_ok (&r);
  g_assert_cmpint (cst_fee_quote_get_total_cents (electronic), ==, 15000);
  g_assert_true (cst_fee_quote_is_unconfirmed (electronic));

  /* The patient's own copy: no handling fee, whatever the state allows. */
  request_init (&r, "SC", "2026-11-23", CST_FEE_REQUESTER_PATIENT, CST_FEE_FORMAT_PAPER, 10);
  patient = quote_ok (&r);
  assert_no_line (patient, "request-fee");

  /* West Virginia: an indigent Social Security claimant pays nothing. */
  request_init (&r, "WV", "2026-11-23", CST_FEE_REQUESTER_ATTORNEY, CST_FEE_FORMAT_PAPER, 10);
  r.purpose = CST_FEE_PURPOSE_BENEFITS_CLAIM;
  r.indigent = TRUE;
  indigent = quote_ok (&r);
  g_assert_cmpint (cst_fee_quote_get_total_cents (indigent), ==, 0);
  r.indigent = FALSE;
  assert_refused (&r, CST_ERROR_NOT_FOUND, "WV");
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

  g_test_add_func ("/fee/hipaa/case1-flat-email", test_case1_flat_email);
  g_test_add_func ("/fee/hipaa/case2-flat-cd-mailed", test_case2_flat_cd_mailed);
  g_test_add_func ("/fee/hipaa/case3-inspection", test_case3_inspection);
  g_test_add_func ("/fee/hipaa/case4-actual-cost", test_case4_actual_cost);
  g_test_add_func ("/fee/hipaa/case5-summary", test_case5_summary);
  g_test_add_func ("/fee/hipaa/case6-pa-patient", test_case6_pa_patient);
  g_test_add_func ("/fee/state/pa-attorney", test_pa_attorney);
  g_test_add_func ("/fee/state/pa-patient-directive", test_pa_patient_directive);
  g_test_add_func ("/fee/state/illinois", test_illinois);
  g_test_add_func ("/fee/state/georgia", test_georgia);
  g_test_add_func ("/fee/state/north-carolina", test_north_carolina);
  g_test_add_func ("/fee/state/wa-fl-tx", test_washington_florida_texas);
  g_test_add_func ("/fee/state/free-and-historical", test_free_and_historical);
  g_test_add_func ("/fee/refusals", test_refusals);
  g_test_add_func ("/fee/labels", test_labels);
  g_test_add_func ("/fee/method-codes", test_method_codes);
  g_test_add_func ("/fee/refusals-in-words", test_refusals_in_words);
  g_test_add_func ("/fee/patient-state-expired", test_patient_state_expired);
  g_test_add_func ("/fee/json", test_json);
  g_test_add_func ("/fee/state/in-passing", test_states_in_passing);
  g_test_add_func ("/fee/state/south-carolina-caps", test_south_carolina_caps);
  g_test_add_func ("/fee/facility/lower", test_facility_lower);
  g_test_add_func ("/fee/facility/never-higher", test_facility_never_higher);
  g_test_add_func ("/fee/facility/each-its-own", test_facility_each_its_own);
  g_test_add_func ("/fee/facility/where-no-state-maximum", test_facility_where_no_state_maximum);
  status = g_test_run ();
  cst_fee_schedule_set_unref (seed);
  return status;
}
