/* perf-fee-quote.c — instruction budget: fee quotes
 *
 * Eight quotes from the shipped schedules, one of each kind the fee bench
 * mixes (state schedules for attorneys, insurers and patients, the HIPAA
 * methods, per-page tiers, postage), as the request view asks for one
 * after each edit.  No database.
 */
#include "config.h"

#include <string.h>

#include <custodian/custodian.h>

#include "cst-perf.h"

#define N_QUOTES 8

typedef struct
{
  CstFeeScheduleSet *set;
  CstFeeRequest      requests[N_QUOTES];
  gint64             total_cents;
} Quotes;

static void
fill_requests (CstFeeRequest *requests)
{
  static const struct {
    const char *state, *date;
    CstFeeRequester requester;
    CstFeeFormat format;
    CstFeePurpose purpose;
    CstFeeMethod method;
    gint64 pages;
  } mix[N_QUOTES] = {
    { "PA", "2025-06-02", CST_FEE_REQUESTER_ATTORNEY, CST_FEE_FORMAT_PAPER, CST_FEE_PURPOSE_PERSONAL_INJURY, 0, 120 },
    { "IL", "2024-05-01", CST_FEE_REQUESTER_INSURER, CST_FEE_FORMAT_ELECTRONIC, CST_FEE_PURPOSE_OTHER, 0, 60 },
    { "GA", "2024-09-10", CST_FEE_REQUESTER_ATTORNEY, CST_FEE_FORMAT_PAPER, CST_FEE_PURPOSE_OTHER, 0, 35 },
    { "PA", "2025-06-02", CST_FEE_REQUESTER_PATIENT, CST_FEE_FORMAT_PAPER, CST_FEE_PURPOSE_OTHER, CST_FEE_METHOD_HIPAA_AVERAGE, 80 },
    { "NY", "2025-06-02", CST_FEE_REQUESTER_PATIENT, CST_FEE_FORMAT_ELECTRONIC, CST_FEE_PURPOSE_OTHER, CST_FEE_METHOD_HIPAA_FLAT, 200 },
    { "TX", "2025-06-02", CST_FEE_REQUESTER_ATTORNEY, CST_FEE_FORMAT_PAPER, CST_FEE_PURPOSE_BENEFITS_CLAIM, 0, 450 },
    { "WA", "2025-06-02", CST_FEE_REQUESTER_ATTORNEY, CST_FEE_FORMAT_PAPER, CST_FEE_PURPOSE_OTHER, 0, 12 },
    { "NC", "2025-06-02", CST_FEE_REQUESTER_ATTORNEY, CST_FEE_FORMAT_PAPER, CST_FEE_PURPOSE_PERSONAL_INJURY, 0, 700 },
  };

  for (guint i = 0; i < N_QUOTES; i++)
    {
      CstFeeRequest *r = &requests[i];

      cst_fee_request_init (r);
      memcpy (r->jurisdiction, mix[i].state, 3);
      g_assert_true (cst_input_parse_date (mix[i].date, &r->received, NULL));
      r->requester = mix[i].requester;
      r->format = mix[i].format;
      r->purpose = mix[i].purpose;
      r->method = mix[i].method;
      r->pages = mix[i].pages;
      r->delivery = CST_FEE_DELIVERY_MAIL;
      r->postage_cents = 150 + 17 * i;
    }
}

static gint64
quote_all (Quotes *q)
{
  gint64 total = 0;

  for (guint i = 0; i < N_QUOTES; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CstFeeQuote) quote = cst_fee_engine_quote (q->set, &q->requests[i], &error);

      g_assert_no_error (error);
      total += cst_fee_quote_get_total_cents (quote);
    }
  return total;
}

static G_GNUC_NO_INLINE void
perf_measured (gpointer data)
{
  Quotes *q = data;

  q->total_cents = quote_all (q);
}

int
main (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstFeeScheduleSet) set = cst_fee_schedule_set_new_from_seed (&error);
  Quotes q = { set };
  gint64 warm;

  g_assert_no_error (error);
  fill_requests (q.requests);
  warm = quote_all (&q);
  g_assert_cmpint (warm, >, 0);
  cst_perf_measure (perf_measured, &q);
  /* The measured run quoted what the warm-up did. */
  g_assert_cmpint (q.total_cents, ==, warm);
  return 0;
}
