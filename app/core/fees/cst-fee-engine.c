/* cst-fee-engine.c — the fee for a release-of-information request
 *
 * The order of decisions follows fees.md (a.1, b.14):
 *   1. nonsense is refused;
 *   2. inspection without copies, and requests the law makes free
 *      (exemption schedules), cost nothing;
 *   3. the individual's own request (patient or personal representative)
 *      gets the HIPAA cost-based fee by the chosen method, and the state
 *      ceiling, without any search, retrieval, handling or base fee; the
 *      lesser is charged (state law that allows more is preempted);
 *   4. everyone else, including a copy the individual directs to a third
 *      party (Ciox v. Azar), pays the state schedule's maximum, or the
 *      hospital's own schedule where it comes to less;
 *   5. where state law sets no amount for the request (no schedule ever
 *      priced it, or an exclusion says the schedule does not apply), the
 *      hospital's own schedule (kind=facility) is the charge, said so in
 *      the quote; without one the refusal names what an administrator
 *      must enter.
 * Amounts come only from the schedules; the engine knows no dollar figure
 * except OCR's $6.50 flat-fee ceiling, which schedule validation enforces.
 */
#define G_LOG_DOMAIN "cst-fee-engine"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>
#include <string.h>

#include "custodian/cst-error.h"
#include "custodian/cst-fee-engine.h"
#include "custodian/cst-input.h"
#include "cst-fee-private.h"

void
cst_fee_request_init (CstFeeRequest *r)
{
  memset (r, 0, sizeof *r);
  r->provider = CST_FEE_PROVIDER_HOSPITAL;
  r->requester = CST_FEE_REQUESTER_PATIENT;
  r->purpose = CST_FEE_PURPOSE_OTHER;
  r->format = CST_FEE_FORMAT_PAPER;
  r->maintained_electronically = TRUE;
  r->pages = CST_FEE_UNSET;
  r->delivery = CST_FEE_DELIVERY_PICKUP;
  r->postage_cents = CST_FEE_UNSET;
  cst_input_today (&r->received);
  r->method = CST_FEE_METHOD_DEFAULT;
  r->labor_minutes = CST_FEE_UNSET;
  r->hourly_rate_cents = CST_FEE_UNSET;
  r->supplies_cents = CST_FEE_UNSET;
  r->search_minutes = CST_FEE_UNSET;
  r->summary_minutes = CST_FEE_UNSET;
}

gboolean
cst_fee_request_set_jurisdiction (CstFeeRequest *request,
                                  const char    *code,
                                  GError       **error)
{
  if (!cst_input_check_jurisdiction (code, error))
    return FALSE;
  memcpy (request->jurisdiction, code, 3);
  return TRUE;
}

/* ---------------------------------------------------------------- checks */

static gboolean
refuse (GError    **error,
        int         code,
        const char *format,
        ...) G_GNUC_PRINTF (3, 4);

static gboolean
refuse (GError    **error,
        int         code,
        const char *format,
        ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, CST_ERROR, code, message);
  return FALSE;
}

/* @what is untranslated (N_): translating costs more than a whole quote, so
 * it is done only when the value is refused. */
static gboolean
check_amount (const char *what,
              gint64      value,
              gint64      max,
              GError    **error)
{
  if (value == CST_FEE_UNSET)
    return TRUE;
  if (value < 0)
    return refuse (error, CST_ERROR_INVALID_INPUT, _("%s cannot be negative (%" PRId64 ")."),
                   _(what), value);
  if (value > max)
    return refuse (error, CST_ERROR_INVALID_INPUT,
                   _("%s of %" PRId64 " is not believable; the limit is %" PRId64 "."),
                   _(what), value, max);
  return TRUE;
}

static gboolean
check_request (CstFeeScheduleSet   *set,
               const CstFeeRequest *r,
               GError             **error)
{
  gboolean needs_pages = !r->inspection_only && r->summary_minutes <= 0;

  /* Codes with schedules are valid ones; only others need the full check. */
  if (!(cst_fee_schedule_set_has_jurisdiction (set, r->jurisdiction) && strcmp (r->jurisdiction, "US") != 0) &&
      !cst_input_check_jurisdiction (r->jurisdiction, error))
    return FALSE;
  if ((guint) r->provider >= CST_FEE_N_PROVIDERS || (guint) r->requester >= CST_FEE_N_REQUESTERS ||
      (guint) r->purpose >= CST_FEE_N_PURPOSES || (guint) r->format >= CST_FEE_N_FORMATS ||
      (guint) r->delivery >= CST_FEE_N_DELIVERIES || (guint) r->method > CST_FEE_METHOD_HIPAA_FLAT)
    return refuse (error, CST_ERROR_INVALID_INPUT, _("The request names an unknown provider, requester, "
                                                     "purpose, format, delivery or method."));
  if (!g_date_valid (&r->received))
    return refuse (error, CST_ERROR_INVALID_INPUT, _("The request has no valid received date."));
  if (!check_amount (N_("The page count"), r->pages, CST_FEE_MAX_PAGES, error) ||
      !check_amount (N_("The years of records"), r->years, CST_FEE_MAX_YEARS, error) ||
      !check_amount (N_("Postage"), r->postage_cents, CST_FEE_MAX_AMOUNT_CENTS, error) ||
      !check_amount (N_("Labor minutes"), r->labor_minutes, CST_FEE_MAX_MINUTES, error) ||
      !check_amount (N_("The hourly rate"), r->hourly_rate_cents, CST_FEE_MAX_AMOUNT_CENTS, error) ||
      !check_amount (N_("Supplies"), r->supplies_cents, CST_FEE_MAX_AMOUNT_CENTS, error) ||
      !check_amount (N_("Search minutes"), r->search_minutes, CST_FEE_MAX_MINUTES, error) ||
      !check_amount (N_("Summary minutes"), r->summary_minutes, CST_FEE_MAX_MINUTES, error))
    return FALSE;
  if (needs_pages && r->pages == CST_FEE_UNSET)
    return refuse (error, CST_ERROR_INVALID_INPUT, _("The page count is missing; a fee cannot be quoted without it."));
  if (needs_pages && r->pages == 0)
    return refuse (error, CST_ERROR_INVALID_INPUT, _("The page count is 0; a copy has at least one page."));
  if (r->postage_cents != CST_FEE_UNSET && r->delivery != CST_FEE_DELIVERY_MAIL)
    return refuse (error, CST_ERROR_INVALID_INPUT,
                   _("Postage was given, but the delivery is “%s”; postage applies only to mail."),
                   cst_fee_delivery_get_label (r->delivery));
  if (r->method != CST_FEE_METHOD_DEFAULT && !cst_fee_requester_is_individual (r->requester))
    return refuse (error, CST_ERROR_INVALID_INPUT,
                   _("The HIPAA methods (actual, average, flat) apply only to the individual's own request. "
                     "Requester: %s."), cst_fee_requester_get_label (r->requester));
  /* OCR: a summary may be charged only if the individual agreed to it and
   * to its fee in advance; otherwise it is not quoted at all (case 5). */
  if (r->summary_minutes > 0 && !r->summary_agreed)
    return refuse (error, CST_ERROR_INVALID_INPUT,
                   _("A summary may be charged only if the individual agreed to the summary and its fee "
                     "in advance (45 CFR 164.524(c)(4)(iv)); record the agreement first."));
  if (r->inspection_only && !cst_fee_requester_is_individual (r->requester))
    return refuse (error, CST_ERROR_INVALID_INPUT,
                   _("Free inspection is the individual's right; for this requester (%s) it is a copy request."),
                   cst_fee_requester_get_label (r->requester));
  return TRUE;
}

/* ---------------------------------------------------------------- lines */

static CstFeeExact
whole (gint64 cents)
{
  return (CstFeeExact) { cents, 1 };
}

static CstFeeLine *
add_whole_line (CstFeeQuote          *q,
                CstFeeLineKind        kind,
                const CstFeeSchedule *s,
                const char           *rule,
                gint64                quantity,
                gint64                unit_cents)
{
  return cst_fee_quote_add_line (q, kind, s, rule, quantity, whole (unit_cents),
                                 whole (quantity * unit_cents));
}

static gint64
lines_subtotal (const CstFeeQuote *q)
{
  gint64 total = 0;

  for (int i = 0; i < q->n_lines; i++)
    total += q->lines[i].amount_cents;
  return total;
}

static void
add_note_once (CstFeeQuote          *q,
               CstFeeNoteKind        kind,
               gint64                amount,
               const CstFeeSchedule *s,
               const char           *text)
{
  for (int i = 0; i < q->n_notes; i++)
    if (q->notes[i].kind == kind && kind != CST_FEE_NOTE_TEXT)
      return;
  cst_fee_quote_add_note (q, kind, amount, s, text);
}

/* The tiers and percentage that price @format, following "50%" to paper. */
static const CstFeeFormatRates *
rates_for (const CstFeeSchedule *s,
           CstFeeFormat          format,
           int                  *percent)
{
  const CstFeeFormatRates *rates = cst_fee_schedule_rates (s, format);

  *percent = 100;
  if (!rates->covered)
    return NULL;
  if (rates->percent_of_paper > 0)
    {
      *percent = rates->percent_of_paper;
      return cst_fee_schedule_rates (s, CST_FEE_FORMAT_PAPER);
    }
  return rates;
}

/* "pages.paper.21-60": built by hand, as snprintf would dominate the
 * engine's time. */
static char *
append_int (char   *p,
            gint64  value)
{
  char digits[24];
  int n = 0;

  do
    digits[n++] = (char) ('0' + value % 10);
  while ((value /= 10) > 0 && n < (int) sizeof digits);
  while (n > 0)
    *p++ = digits[--n];
  return p;
}

static void
tier_rule (char             *rule,
           const char       *prefix,
           CstFeeFormat      format,
           const CstFeeTier *t)
{
  const char *nick = cst_fee_format_to_nick (format);
  gsize lp = strlen (prefix), ln = strlen (nick);
  char *p = rule;

  g_assert (lp + ln + 2 * 8 + 4 < 48);
  memcpy (p, prefix, lp);
  p += lp;
  *p++ = '.';
  memcpy (p, nick, ln);
  p += ln;
  *p++ = '.';
  p = append_int (p, t->first);
  *p++ = '-';
  if (t->last)
    p = append_int (p, t->last);
  *p = '\0';
}

/* Marginal tiers: page 21 is charged at the 21–60 rate however many pages
 * the request has (fees.md b, conventions). */
static void
add_tier_lines (CstFeeQuote          *q,
                const CstFeeSchedule *s,
                CstFeeLineKind        kind,
                const char           *rule_prefix,
                CstFeeFormat          format,
                gint64                pages)
{
  int percent;
  const CstFeeFormatRates *rates = rates_for (s, format, &percent);
  gboolean unconfirmed = s->formats[format].confidence == CST_FEE_CONFIDENCE_UNCONFIRMED;

  for (int i = 0; rates && i < rates->n_tiers; i++)
    {
      const CstFeeTier *t = &rates->tiers[i];
      gint64 last = t->last ? MIN (t->last, pages) : pages;
      gint64 n = last - t->first + 1;
      char rule[48];
      CstFeeLine *line;

      if (n <= 0)
        break;
      tier_rule (rule, rule_prefix, format, t);
      if (t->flat)
        line = cst_fee_quote_add_line (q, kind, s, rule, 1,
                                       cst_fee_exact_make (t->cents * percent, 100),
                                       cst_fee_exact_make (t->cents * percent, 100));
      else
        line = cst_fee_quote_add_line (q, kind, s, rule, n,
                                       cst_fee_exact_make (t->cents * percent, 100),
                                       cst_fee_exact_make (n * t->cents * percent, 100));
      line->format = format;
      line->first_page = t->first;
      line->last_page = t->last;
      line->unconfirmed = line->unconfirmed || unconfirmed;
    }
}

static void
add_postage (CstFeeQuote          *lines,
             CstFeeQuote          *notes,
             const CstFeeSchedule *s,
             const CstFeeRequest  *r)
{
  if (r->delivery != CST_FEE_DELIVERY_MAIL)
    return;
  if (s->postage == CST_FEE_POSTAGE_INCLUDED)
    add_note_once (notes, CST_FEE_NOTE_POSTAGE_INCLUDED, 0, s, NULL);
  else if (r->postage_cents == CST_FEE_UNSET)
    add_note_once (notes, CST_FEE_NOTE_POSTAGE_UNKNOWN, 0, s, NULL);
  else if (r->postage_cents > 0)
    add_whole_line (lines, CST_FEE_LINE_POSTAGE, s, "postage", 1, r->postage_cents);
}

/* The state schedule's lines.  For the individual's own request the
 * fees HIPAA forbids are left out and said so in @notes. */
static void
add_state_lines (CstFeeQuote          *lines,
                 CstFeeQuote          *notes,
                 const CstFeeSchedule *s,
                 const CstFeeRequest  *r,
                 gboolean              individual)
{
  gint64 subtotal, cap;

  if (s->request_fee_cents > 0)
    {
      if (individual)
        add_note_once (notes, CST_FEE_NOTE_REQUEST_FEE_EXCLUDED, s->request_fee_cents, s, NULL);
      else
        add_whole_line (lines, CST_FEE_LINE_REQUEST_FEE, s, "request-fee", 1, s->request_fee_cents);
    }
  add_tier_lines (lines, s, CST_FEE_LINE_PAGES, "pages", r->format, MAX (r->pages, 0));
  if (r->years > 0 && s->per_year_cents > 0)
    {
      if (individual)
        add_note_once (notes, CST_FEE_NOTE_PER_YEAR_EXCLUDED, 0, s, NULL);
      else
        add_whole_line (lines, CST_FEE_LINE_PER_YEAR, s, "per-year", r->years, s->per_year_cents);
    }
  if (r->certified)
    {
      if (individual)
        add_note_once (notes, CST_FEE_NOTE_CERTIFICATION_EXCLUDED, 0, s, NULL);
      else if (s->certification_cents > 0)
        add_whole_line (lines, CST_FEE_LINE_CERTIFICATION, s, "certification", 1, s->certification_cents);
      else
        add_note_once (notes, CST_FEE_NOTE_NO_CERTIFICATION_FEE, 0, s, NULL);
    }
  if (s->clerical_rate_cents > 0 && r->labor_minutes > 0)
    {
      if (individual)
        add_note_once (notes, CST_FEE_NOTE_CLERICAL_EXCLUDED, 0, s, NULL);
      else
        {
          /* California bills "per quarter hour or fraction thereof"
           * (Evid. Code 1563(b)(1)): time rounds up to the increment. */
          gint64 per = s->clerical_per_minutes;
          gint64 increments = (r->labor_minutes + per - 1) / per;
          CstFeeLine *line = s->clerical_round_up
            ? add_whole_line (lines, CST_FEE_LINE_CLERICAL, s, "clerical", increments, s->clerical_rate_cents)
            : cst_fee_quote_add_line (lines, CST_FEE_LINE_CLERICAL, s, "clerical", r->labor_minutes,
                                      cst_fee_exact_make (s->clerical_rate_cents, per),
                                      cst_fee_exact_make (r->labor_minutes * s->clerical_rate_cents, per));
          line->minutes = r->labor_minutes;
        }
    }
  subtotal = lines_subtotal (lines);
  if (s->minimum_cents > 0 && subtotal < s->minimum_cents)
    add_whole_line (lines, CST_FEE_LINE_MINIMUM, s, "minimum", 1, s->minimum_cents - subtotal);
  subtotal = lines_subtotal (lines);
  cap = s->cap_cents;
  if (s->electronic_cap_cents > 0 && (r->format == CST_FEE_FORMAT_ELECTRONIC || r->format == CST_FEE_FORMAT_MEDIA))
    cap = s->electronic_cap_cents;
  if (cap > 0 && subtotal > cap)
    add_whole_line (lines, CST_FEE_LINE_CAP, s, "cap", 1, cap - subtotal);
  subtotal = lines_subtotal (lines);
  if (!individual && s->tax_basis_points > 0 && subtotal > 0)
    cst_fee_quote_add_line (lines, CST_FEE_LINE_TAX, s, "tax", 1,
                            cst_fee_exact_make (subtotal * s->tax_basis_points, 10000),
                            cst_fee_exact_make (subtotal * s->tax_basis_points, 10000));
  add_postage (lines, notes, s, r);
}

static void
add_minutes_line (CstFeeQuote          *q,
                  CstFeeLineKind        kind,
                  const CstFeeSchedule *s,
                  const char           *rule,
                  gint64                minutes,
                  gint64                rate)
{
  CstFeeLine *line = cst_fee_quote_add_line (q, kind, s, rule, minutes,
                                             cst_fee_exact_make (rate, 60),
                                             cst_fee_exact_make (minutes * rate, 60));
  line->minutes = minutes;
  line->rate_cents = rate;
}

/* Search and retrieval time is never chargeable to the individual, but
 * the justification shows it was considered (fees.md case 4). */
static void
add_search_line (CstFeeQuote          *q,
                 const CstFeeSchedule *hipaa,
                 const CstFeeRequest  *r)
{
  CstFeeLine *line;

  if (r->search_minutes <= 0)
    return;
  line = cst_fee_quote_add_line (q, CST_FEE_LINE_SEARCH, hipaa, "hipaa.search-excluded",
                                 r->search_minutes, whole (0), whole (0));
  line->minutes = r->search_minutes;
  line->chargeable = FALSE;
}

static gboolean
add_hipaa_lines (CstFeeQuote          *q,
                 const CstFeeSchedule *hipaa,
                 CstFeeMethod          method,
                 const CstFeeRequest  *r,
                 GError              **error)
{
  gboolean electronic = r->format == CST_FEE_FORMAT_ELECTRONIC || r->format == CST_FEE_FORMAT_MEDIA;
  gint64 pages = MAX (r->pages, 0);

  if (method == CST_FEE_METHOD_HIPAA_FLAT)
    {
      if (!electronic || !r->maintained_electronically)
        return refuse (error, CST_ERROR_INVALID_INPUT,
                       _("The flat fee is only for electronic copies of records maintained electronically "
                         "(HHS FAQ 2030); use the actual or average method for this format (%s)."),
                       cst_fee_format_get_label (r->format));
      add_whole_line (q, CST_FEE_LINE_FLAT, hipaa, "hipaa.flat", 1, hipaa->flat_cents);
      add_note_once (q, CST_FEE_NOTE_FLAT_INCLUSIVE, 0, hipaa, NULL);
      add_search_line (q, hipaa, r);
      return TRUE;
    }

  if ((r->labor_minutes > 0 || r->summary_minutes > 0) && r->hourly_rate_cents == CST_FEE_UNSET)
    return refuse (error, CST_ERROR_INVALID_INPUT,
                   _("Labor or summary minutes were given without the hourly rate."));
  if (method == CST_FEE_METHOD_HIPAA_ACTUAL)
    {
      if (r->labor_minutes == CST_FEE_UNSET && r->summary_minutes <= 0)
        return refuse (error, CST_ERROR_INVALID_INPUT,
                       _("The actual-cost method needs the copying labor minutes and the hourly rate."));
      if (r->labor_minutes > 0)
        add_minutes_line (q, CST_FEE_LINE_LABOR, hipaa, "hipaa.labor", r->labor_minutes,
                          r->hourly_rate_cents);
      if (r->supplies_cents > 0)
        add_whole_line (q, CST_FEE_LINE_SUPPLIES, hipaa, "hipaa.supplies", 1, r->supplies_cents);
    }
  else
    {
      int percent;

      if (pages > 0 && rates_for (hipaa, r->format, &percent) == NULL)
        return refuse (error, CST_ERROR_INVALID_INPUT,
                       _("The hospital's average-cost schedule (%s) sets no labor amount for this format (%s); "
                         "use the actual method."), hipaa->version_label, cst_fee_format_get_label (r->format));
      add_tier_lines (q, hipaa, CST_FEE_LINE_LABOR, "hipaa.average", r->format, pages);
      if (r->format == CST_FEE_FORMAT_PAPER && hipaa->supplies_per_page_cents > 0 && pages > 0)
        add_whole_line (q, CST_FEE_LINE_SUPPLIES, hipaa, "hipaa.average.supplies", pages,
                        hipaa->supplies_per_page_cents);
      if (r->format == CST_FEE_FORMAT_MEDIA && hipaa->media_cents > 0)
        add_whole_line (q, CST_FEE_LINE_MEDIA, hipaa, "hipaa.average.media", 1, hipaa->media_cents);
    }
  if (r->summary_minutes > 0)
    add_minutes_line (q, CST_FEE_LINE_SUMMARY, hipaa, "hipaa.summary", r->summary_minutes,
                      r->hourly_rate_cents);
  add_postage (q, q, hipaa, r);
  add_search_line (q, hipaa, r);
  return TRUE;
}

/* ---------------------------------------------------------------- refusals */

static char *
date_text (guint32 julian)
{
  GDate d;

  if (julian == 0)
    return g_strdup (_("open-ended"));
  g_date_clear (&d, 1);
  g_date_set_julian (&d, julian);
  return cst_input_format_date (&d);
}

static gboolean
refuse_no_schedule (CstFeeScheduleSet   *set,
                    const CstFeeRequest *r,
                    GError             **error)
{
  const CstFeeSchedule *latest = cst_fee_schedule_set_latest_for (set, r->jurisdiction, r->provider,
                                                                  r->requester, r->purpose);
  g_autofree char *date = cst_input_format_date (&r->received);
  const char *who = cst_fee_requester_get_label (r->requester);

  if (latest != NULL)
    {
      g_autofree char *from = date_text (latest->from);
      g_autofree char *to = date_text (latest->to);

      /* Where the amounts come from, so the administrator knows where to
       * read the next period's (the state's own notice, as a rule). */
      return refuse (error, CST_ERROR_NOT_FOUND,
                     _("No %s fee schedule for this requester (%s) is in effect on %s. The latest, %s, "
                       "covers %s to %s. An administrator must enter the amounts in effect on that date "
                       "(Fee Schedules, Next Period; the latest were read at %s); a fee is never quoted "
                       "from another year's schedule."), r->jurisdiction, who, date,
                     latest->version_label, from, to, latest->source ? latest->source : latest->citation);
    }
  if (!cst_fee_schedule_set_has_jurisdiction (set, r->jurisdiction))
    return refuse (error, CST_ERROR_NOT_FOUND,
                   _("Custodian has no fee schedules for %s; requests there cannot be quoted until the "
                     "state's amounts are entered."), r->jurisdiction);
  return refuse (error, CST_ERROR_NOT_FOUND,
                 _("No %s fee schedule covers this request on %s (requester: %s; purpose: %s; records "
                   "kept by: %s); state law as read sets no amount for it."), r->jurisdiction, date, who,
                 cst_fee_purpose_get_label (r->purpose), cst_fee_provider_get_label (r->provider));
}

/* ---------------------------------------------------------------- quoting */

/* Unconfirmed for this request: the schedule, or the format it prices. */
static gboolean
unconfirmed_for (const CstFeeSchedule *s,
                 CstFeeFormat          format)
{
  return s->confidence == CST_FEE_CONFIDENCE_UNCONFIRMED ||
         s->formats[format].confidence == CST_FEE_CONFIDENCE_UNCONFIRMED;
}

static CstFeeQuote *
quote_no_charge (CstFeeQuote          *q,
                 const CstFeeSchedule *s)
{
  CstFeeLine *line = add_whole_line (q, CST_FEE_LINE_NO_CHARGE, s,
                                     s && s->kind == CST_FEE_SCHEDULE_EXEMPTION ? "exemption"
                                                                                : "hipaa.inspection",
                                     1, 0);
  line->chargeable = FALSE;
  q->method = CST_FEE_METHOD_NO_CHARGE;
  q->schedule = s;
  if (s && s->kind == CST_FEE_SCHEDULE_EXEMPTION && cst_fee_schedule_is_unconfirmed (s))
    cst_fee_quote_add_note (q, CST_FEE_NOTE_UNCONFIRMED, 0, s, NULL);
  cst_fee_quote_sum (q);
  return q;
}

static CstFeeQuote *
quote_individual (CstFeeScheduleSet    *set,
                  CstFeeQuote          *q,
                  const CstFeeSchedule *state,
                  const CstFeeRequest  *r,
                  GError              **error)
{
  const CstFeeSchedule *hipaa = cst_fee_schedule_set_find_hipaa (set, q->date);
  CstFeeMethod method;
  CstFeeQuote sq;
  int percent;
  gint64 hipaa_total, state_total;

  if (hipaa == NULL)
    {
      g_autofree char *date = cst_input_format_date (&r->received);
      refuse (error, CST_ERROR_NOT_FOUND, _("No HIPAA fee schedule is in effect on %s."), date);
      return NULL;
    }
  method = r->method == CST_FEE_METHOD_DEFAULT ? hipaa->default_method : r->method;
  if (!add_hipaa_lines (q, hipaa, method, r, error))
    return NULL;
  q->method = method;
  q->schedule = hipaa;
  hipaa_total = lines_subtotal (q);
  q->hipaa_cents = hipaa_total;
  if (unconfirmed_for (hipaa, r->format) && method == CST_FEE_METHOD_HIPAA_AVERAGE)
    cst_fee_quote_add_note (q, CST_FEE_NOTE_UNCONFIRMED, 0, hipaa, NULL);

  if (state == NULL || state->kind != CST_FEE_SCHEDULE_FEE)
    {
      cst_fee_quote_add_note (q, CST_FEE_NOTE_NO_STATE_SCHEDULE, 0, NULL, NULL);
      cst_fee_quote_sum (q);
      /* A state ceiling exists, just not for this date: it could not be
       * checked, so the quote is not confirmed. */
      if (state == NULL && cst_fee_schedule_set_latest_for (set, r->jurisdiction, r->provider,
                                                            r->requester, r->purpose))
        q->unconfirmed = TRUE;
      return q;
    }
  if ((r->pages <= 0 && r->summary_minutes > 0) || rates_for (state, r->format, &percent) == NULL)
    {
      cst_fee_quote_add_note (q, CST_FEE_NOTE_FORMAT_NOT_IN_STATE, 0, state, NULL);
      cst_fee_quote_sum (q);
      return q;
    }

  memset (&sq, 0, G_STRUCT_OFFSET (CstFeeQuote, lines));
  add_state_lines (&sq, q, state, r, TRUE);
  state_total = lines_subtotal (&sq);
  q->state_ceiling_cents = state_total;
  if (state_total < hipaa_total)
    {
      /* The state ceiling is lower: its lines are the charge. */
      memcpy (q->lines, sq.lines, sizeof sq.lines[0] * sq.n_lines);
      q->n_lines = sq.n_lines;
      q->method = CST_FEE_METHOD_STATE_SCHEDULE;
      q->schedule = state;
      cst_fee_quote_add_note (q, CST_FEE_NOTE_HIPAA_HIGHER, hipaa_total, NULL, NULL);
      if (unconfirmed_for (state, r->format))
        cst_fee_quote_add_note (q, CST_FEE_NOTE_UNCONFIRMED, 0, state, NULL);
    }
  else if (state_total > hipaa_total)
    cst_fee_quote_add_note (q, CST_FEE_NOTE_STATE_HIGHER, state_total, NULL, NULL);
  else
    cst_fee_quote_add_note (q, CST_FEE_NOTE_EQUAL, state_total, NULL, NULL);
  cst_fee_quote_sum (q);
  return q;
}

/* The hospital's own schedule is its facility's (0091), never a
 * neighbour's. */
static const CstFeeSchedule *
find_hospital_schedule (CstFeeScheduleSet   *set,
                        const CstFeeQuote   *q,
                        const CstFeeRequest *r)
{
  return cst_fee_schedule_set_find_hospital (set, r->facility_schedule, r->jurisdiction, r->provider,
                                             r->requester, r->purpose, q->date, r->indigent);
}

/* The state amounts are ceilings: a hospital may charge third parties less
 * (a kind=facility schedule), never more.  The state maximum stays in the
 * quote as the ceiling auditors compare against. */
static void
apply_facility_amounts (CstFeeScheduleSet   *set,
                        CstFeeQuote         *q,
                        const CstFeeRequest *r)
{
  const CstFeeSchedule *facility = find_hospital_schedule (set, q, r);
  gint64 state_total = lines_subtotal (q);
  CstFeeQuote fq;
  int percent;

  if (facility == NULL || rates_for (facility, r->format, &percent) == NULL)
    return;
  memset (&fq, 0, G_STRUCT_OFFSET (CstFeeQuote, lines));
  add_state_lines (&fq, q, facility, r, FALSE);
  if (lines_subtotal (&fq) >= state_total)
    {
      cst_fee_quote_add_note (q, CST_FEE_NOTE_FACILITY_NOT_LOWER, state_total, facility, NULL);
      return;
    }
  memcpy (q->lines, fq.lines, sizeof fq.lines[0] * fq.n_lines);
  q->n_lines = fq.n_lines;
  q->schedule = facility;
  cst_fee_quote_add_note (q, CST_FEE_NOTE_FACILITY_LOWER, state_total, facility, NULL);
}

/* State law sets no amount for this request: a date outside every
 * schedule that priced it is not that (a year's amounts are missing). */
static gboolean
law_sets_no_amount (CstFeeScheduleSet    *set,
                    const CstFeeSchedule *state,
                    const CstFeeRequest  *r)
{
  if (state != NULL)
    return state->kind == CST_FEE_SCHEDULE_EXCLUSION;
  return cst_fee_schedule_set_has_jurisdiction (set, r->jurisdiction) &&
         cst_fee_schedule_set_latest_for (set, r->jurisdiction, r->provider, r->requester, r->purpose) == NULL;
}

static gboolean
refuse_no_hospital_schedule (const CstFeeSchedule *state,
                             const CstFeeRequest  *r,
                             GError              **error)
{
  g_autofree char *why = NULL;

  if (state != NULL)
    why = g_strdup_printf ("%s (%s).", state->note ? state->note
                                                   : _("The state fee schedule does not apply to this request"),
                           state->citation);
  else
    why = g_strdup_printf (_("%s law as read sets no maximum for this request (requester: %s; purpose: %s)."),
                           r->jurisdiction, cst_fee_requester_get_label (r->requester),
                           cst_fee_purpose_get_label (r->purpose));
  return refuse (error, CST_ERROR_NOT_FOUND,
                 _("%s The hospital's own schedule applies to such requests, and none is entered: an "
                   "administrator must enter one for %s (Fee Schedules, New Hospital Schedule: kind=facility, "
                   "jurisdiction=%s, requesters=%s) before it can be quoted."),
                 why, r->jurisdiction, r->jurisdiction, cst_fee_requester_to_nick (r->requester));
}

/* The hospital's own amounts where the law sets none. */
static CstFeeQuote *
quote_hospital_schedule (CstFeeScheduleSet    *set,
                         CstFeeQuote          *q,
                         const CstFeeSchedule *state,
                         const CstFeeRequest  *r,
                         GError              **error)
{
  const CstFeeSchedule *facility = find_hospital_schedule (set, q, r);
  int percent;

  if (facility == NULL)
    {
      refuse_no_hospital_schedule (state, r, error);
      return NULL;
    }
  if (rates_for (facility, r->format, &percent) == NULL)
    {
      refuse (error, CST_ERROR_INVALID_INPUT,
              _("Fee schedule %s sets no amount for this format (%s); choose a format it covers."),
              facility->version_label, cst_fee_format_get_label (r->format));
      return NULL;
    }
  add_state_lines (q, q, facility, r, FALSE);
  q->method = CST_FEE_METHOD_STATE_SCHEDULE;
  q->schedule = facility;
  cst_fee_quote_add_note (q, CST_FEE_NOTE_NO_STATE_MAXIMUM, 0, facility, NULL);
  if (unconfirmed_for (facility, r->format))
    cst_fee_quote_add_note (q, CST_FEE_NOTE_UNCONFIRMED, 0, facility, NULL);
  cst_fee_quote_sum (q);
  return q;
}

static CstFeeQuote *
quote_third_party (CstFeeScheduleSet    *set,
                   CstFeeQuote          *q,
                   const CstFeeSchedule *state,
                   const CstFeeRequest  *r,
                   GError              **error)
{
  int percent;

  if (law_sets_no_amount (set, state, r))
    return quote_hospital_schedule (set, q, state, r, error);
  if (state == NULL)
    {
      refuse_no_schedule (set, r, error);
      return NULL;
    }
  if (rates_for (state, r->format, &percent) == NULL)
    {
      refuse (error, CST_ERROR_INVALID_INPUT,
              _("Fee schedule %s sets no amount for this format (%s); choose a format it covers."),
              state->version_label, cst_fee_format_get_label (r->format));
      return NULL;
    }
  add_state_lines (q, q, state, r, FALSE);
  q->method = CST_FEE_METHOD_STATE_SCHEDULE;
  q->schedule = state;
  q->state_ceiling_cents = lines_subtotal (q);
  apply_facility_amounts (set, q, r);
  if (r->requester == CST_FEE_REQUESTER_PATIENT_DIRECTIVE)
    {
      const CstFeeLine *fee = cst_fee_quote_find_line (q, "request-fee");

      cst_fee_quote_add_note (q, CST_FEE_NOTE_CIOX, 0, state, NULL);
      if (fee != NULL)
        {
          cst_fee_quote_add_note (q, CST_FEE_NOTE_DIRECTIVE_WITHOUT_FEE,
                                  lines_subtotal (q) - fee->amount_cents, state, NULL);
          q->unconfirmed = TRUE;
        }
      if (r->format == CST_FEE_FORMAT_ELECTRONIC || r->format == CST_FEE_FORMAT_MEDIA)
        {
          cst_fee_quote_add_note (q, CST_FEE_NOTE_HITECH, 0, state, NULL);
          q->unconfirmed = TRUE;
        }
    }
  if (unconfirmed_for (state, r->format))
    cst_fee_quote_add_note (q, CST_FEE_NOTE_UNCONFIRMED, 0, state, NULL);
  if (state->note && state->confidence != CST_FEE_CONFIDENCE_UNCONFIRMED)
    cst_fee_quote_add_note (q, CST_FEE_NOTE_TEXT, 0, state, state->note);
  cst_fee_quote_sum (q);
  return q;
}

/**
 * cst_fee_engine_quote:
 * @set: the schedules
 * @request: what is asked for
 *
 * Returns: (transfer full): the quote, or NULL with @error saying why the
 *   request cannot be priced
 */
CstFeeQuote *
cst_fee_engine_quote (CstFeeScheduleSet   *set,
                      const CstFeeRequest *r,
                      GError             **error)
{
  g_autoptr(CstFeeQuote) q = NULL;
  const CstFeeSchedule *exemption, *state;
  gboolean individual;

  g_return_val_if_fail (set != NULL, NULL);
  g_return_val_if_fail (r != NULL, NULL);

  if (!check_request (set, r, error))
    return NULL;
  q = cst_fee_quote_new_internal (set);
  q->request = *r;
  memcpy (q->jurisdiction, r->jurisdiction, 3);
  q->date = g_date_get_julian (&r->received);
  individual = cst_fee_requester_is_individual (r->requester);

  /* HHS FAQ 2035: inspecting, or copying with one's own device, is free. */
  if (r->inspection_only)
    {
      /* Looked up first: the order in which a call's arguments are
       * evaluated is unspecified, and clang stole q before reading q->date. */
      const CstFeeSchedule *hipaa = cst_fee_schedule_set_find_hipaa (set, q->date);

      return quote_no_charge (g_steal_pointer (&q), hipaa);
    }

  exemption = cst_fee_schedule_set_find (set, CST_FEE_SCHEDULE_EXEMPTION, r->jurisdiction, r->provider,
                                         r->requester, r->purpose, q->date, r->indigent);
  if (exemption != NULL)
    return quote_no_charge (g_steal_pointer (&q), exemption);

  state = cst_fee_schedule_set_find (set, CST_FEE_SCHEDULE_FEE, r->jurisdiction, r->provider,
                                     r->requester, r->purpose, q->date, r->indigent);
  if (individual)
    {
      if (!quote_individual (set, q, state, r, error))
        return NULL;
    }
  else if (!quote_third_party (set, q, state, r, error))
    return NULL;
  g_assert (q->total_cents >= 0);
  return g_steal_pointer (&q);
}
