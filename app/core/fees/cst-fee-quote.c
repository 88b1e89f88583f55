/* cst-fee-quote.c — quotes, their lines, and the one rounding rule
 *
 * THE ROUNDING RULE.  Every line is computed exactly, as a fraction of a
 * cent, and its charge is that value floored to the whole cent
 * (cst_fee_exact_floor() is the only place this happens).  The total is
 * the sum of the charged lines.  No statute read states a rounding rule
 * (fees.md b.14.4, marked U); every state amount is a "not to exceed"
 * ceiling and HIPAA allows only cost, so rounding down can never charge
 * more than the law allows.  Where the floor changed a line, the line
 * keeps the exact value for the justification (fees.md case 13).
 */
#define G_LOG_DOMAIN "cst-fee-quote"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>
#include <string.h>

#include "custodian/cst-json-writer.h"
#include "custodian/cst-money.h"
#include "cst-fee-private.h"

/* ---------------------------------------------------------------- exact amounts */

static gint64
gcd64 (gint64 a,
       gint64 b)
{
  a = a < 0 ? -a : a;
  while (b != 0)
    {
      gint64 t = a % b;
      a = b;
      b = t;
    }
  return a ? a : 1;
}

CstFeeExact
cst_fee_exact_make (gint64 num,
                    gint64 den)
{
  gint64 g;

  g_return_val_if_fail (den > 0, ((CstFeeExact) { 0, 1 }));
  g = gcd64 (num, den);
  return (CstFeeExact) { num / g, den / g };
}

/* The rounding rule: floor to the cent (toward zero for the non-negative
 * amounts every line has before a cap; a cap line is whole by design). */
gint64
cst_fee_exact_floor (CstFeeExact exact)
{
  if (exact.num >= 0)
    return exact.num / exact.den;
  return -((-exact.num + exact.den - 1) / exact.den);
}

gboolean
cst_fee_exact_is_whole (CstFeeExact exact)
{
  return exact.num % exact.den == 0;
}

/* "1087.5", "233.3333…": cents with up to four decimals. */
char *
cst_fee_exact_format (CstFeeExact exact)
{
  gint64 whole = cst_fee_exact_floor (exact);
  gint64 rest = exact.num - whole * exact.den;
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, "%" G_GINT64_FORMAT, whole);
  if (rest == 0)
    return g_string_free (out, FALSE);
  g_string_append_c (out, '.');
  for (int digits = 0; rest != 0 && digits < 4; digits++)
    {
      rest *= 10;
      g_string_append_printf (out, "%d", (int) (rest / exact.den));
      rest %= exact.den;
    }
  if (rest != 0)
    g_string_append (out, "…");
  return g_string_free (out, FALSE);
}

/* ---------------------------------------------------------------- building */

CstFeeQuote *
cst_fee_quote_new_internal (CstFeeScheduleSet *set)
{
  CstFeeQuote *quote = g_new (CstFeeQuote, 1);

  /* Only the header is cleared: lines and notes are filled as added. */
  memset (quote, 0, G_STRUCT_OFFSET (CstFeeQuote, lines));
  g_atomic_ref_count_init (&quote->ref);
  quote->set = cst_fee_schedule_set_ref (set);
  quote->state_ceiling_cents = -1;
  quote->hipaa_cents = -1;
  quote->n_notes = 0;
  quote->note_texts = NULL;
  return quote;
}

CstFeeLine *
cst_fee_quote_add_line (CstFeeQuote          *quote,
                        CstFeeLineKind        kind,
                        const CstFeeSchedule *schedule,
                        const char           *rule,
                        gint64                quantity,
                        CstFeeExact           unit,
                        CstFeeExact           exact)
{
  CstFeeLine *line;

  g_assert (quote->n_lines < CST_FEE_MAX_LINES);
  line = &quote->lines[quote->n_lines++];
  memset (line, 0, sizeof *line);
  line->kind = kind;
  line->schedule = schedule;
  /* Not g_strlcpy: it walks the whole source and copies byte by byte, a
   * sixth of a quote's time. */
  memcpy (line->rule, rule, strnlen (rule, sizeof line->rule - 1));
  line->quantity = quantity;
  line->unit = unit;
  line->exact = exact;
  line->amount_cents = cst_fee_exact_floor (exact);
  line->chargeable = TRUE;
  line->unconfirmed = schedule && schedule->confidence == CST_FEE_CONFIDENCE_UNCONFIRMED;
  return line;
}

void
cst_fee_quote_add_note (CstFeeQuote          *quote,
                        CstFeeNoteKind        kind,
                        gint64                amount,
                        const CstFeeSchedule *schedule,
                        const char           *text)
{
  if (quote->n_notes == CST_FEE_MAX_NOTES)
    return;
  quote->notes[quote->n_notes++] = (CstFeeNote) { kind, amount, schedule, text };
}

void
cst_fee_quote_sum (CstFeeQuote *quote)
{
  gint64 total = 0;

  for (int i = 0; i < quote->n_lines; i++)
    {
      total += quote->lines[i].amount_cents;
      if (quote->lines[i].unconfirmed)
        quote->unconfirmed = TRUE;
    }
  quote->total_cents = total;
}

CstFeeQuote *
cst_fee_quote_ref (CstFeeQuote *quote)
{
  g_return_val_if_fail (quote != NULL, NULL);
  g_atomic_ref_count_inc (&quote->ref);
  return quote;
}

void
cst_fee_quote_unref (CstFeeQuote *quote)
{
  if (quote == NULL || !g_atomic_ref_count_dec (&quote->ref))
    return;
  for (int i = 0; i < quote->n_lines; i++)
    g_free (quote->lines[i].description);
  g_clear_pointer (&quote->note_texts, g_ptr_array_unref);
  cst_fee_schedule_set_unref (quote->set);
  g_free (quote);
}

/* ---------------------------------------------------------------- getters */

gint64 cst_fee_quote_get_total_cents (const CstFeeQuote *q) { return q->total_cents; }
const CstFeeRequest *cst_fee_quote_get_request (const CstFeeQuote *q) { return &q->request; }
CstFeeMethod cst_fee_quote_get_method (const CstFeeQuote *q) { return q->method; }
const char *cst_fee_quote_get_jurisdiction (const CstFeeQuote *q) { return q->jurisdiction; }
gboolean cst_fee_quote_is_unconfirmed (const CstFeeQuote *q) { return q->unconfirmed; }
gint64 cst_fee_quote_get_state_ceiling_cents (const CstFeeQuote *q) { return q->state_ceiling_cents; }
gint64 cst_fee_quote_get_hipaa_cents (const CstFeeQuote *q) { return q->hipaa_cents; }
guint cst_fee_quote_get_n_lines (const CstFeeQuote *q) { return (guint) q->n_lines; }

const char *
cst_fee_quote_get_schedule_version (const CstFeeQuote *q)
{
  return q->schedule ? q->schedule->version_label : NULL;
}

void
cst_fee_quote_get_date (const CstFeeQuote *q,
                        GDate             *date)
{
  g_date_clear (date, 1);
  g_date_set_julian (date, q->date);
}

const CstFeeLine *
cst_fee_quote_get_line (const CstFeeQuote *q,
                        guint              index)
{
  g_return_val_if_fail (index < (guint) q->n_lines, NULL);
  return &q->lines[index];
}

/* The first line whose rule is @rule, or starts with "@rule." */
const CstFeeLine *
cst_fee_quote_find_line (const CstFeeQuote *q,
                         const char        *rule)
{
  gsize n = strlen (rule);

  for (int i = 0; i < q->n_lines; i++)
    if (strncmp (q->lines[i].rule, rule, n) == 0 &&
        (q->lines[i].rule[n] == '\0' || q->lines[i].rule[n] == '.'))
      return &q->lines[i];
  return NULL;
}

CstFeeLineKind cst_fee_line_get_kind (const CstFeeLine *l) { return l->kind; }
gint64 cst_fee_line_get_quantity (const CstFeeLine *l) { return l->quantity; }
gint64 cst_fee_line_get_unit_cents (const CstFeeLine *l) { return cst_fee_exact_floor (l->unit); }
gint64 cst_fee_line_get_amount_cents (const CstFeeLine *l) { return l->amount_cents; }
gboolean cst_fee_line_is_exact (const CstFeeLine *l) { return cst_fee_exact_is_whole (l->exact); }
const char *cst_fee_line_get_rule (const CstFeeLine *l) { return l->rule; }
gboolean cst_fee_line_is_chargeable (const CstFeeLine *l) { return l->chargeable; }
gboolean cst_fee_line_is_unconfirmed (const CstFeeLine *l) { return l->unconfirmed; }

const char *
cst_fee_line_get_citation (const CstFeeLine *l)
{
  if (l->kind == CST_FEE_LINE_SEARCH)
    return "45 CFR 164.524(c)(4); OCR access guidance (2016)";
  return l->schedule ? l->schedule->citation : "";
}

const char *
cst_fee_line_get_schedule_version (const CstFeeLine *l)
{
  return l->schedule ? l->schedule->version_label : NULL;
}

char *
cst_fee_line_dup_exact_cents (const CstFeeLine *l)
{
  return cst_fee_exact_format (l->exact);
}

char *
cst_fee_line_dup_unit_exact_cents (const CstFeeLine *l)
{
  return cst_fee_exact_format (l->unit);
}

/* ---------------------------------------------------------------- text */

static const char *
format_label (CstFeeFormat format)
{
  switch (format)
    {
    case CST_FEE_FORMAT_PAPER: return _("Paper copies");
    case CST_FEE_FORMAT_ELECTRONIC: return _("Electronic copies");
    case CST_FEE_FORMAT_MEDIA: return _("Copies on portable media");
    case CST_FEE_FORMAT_MICROFORM: return _("Copies from microform");
    default: g_return_val_if_reached ("");
    }
}

static char *
pages_range (const CstFeeLine *l)
{
  if (l->last_page == 0)
    return g_strdup_printf (_("pages %" PRId64 " and up"), l->first_page);
  return g_strdup_printf (_("pages %" PRId64 "–%" PRId64), l->first_page, l->last_page);
}

static char *
describe (const CstFeeLine *l)
{
  const CstFeeSchedule *s = l->schedule;
  g_autofree char *range = NULL;
  g_autofree char *rate = NULL;

  switch (l->kind)
    {
    case CST_FEE_LINE_REQUEST_FEE:
      return g_strdup (s && s->request_fee_label ? s->request_fee_label : _("Request fee"));
    case CST_FEE_LINE_PAGES:
      range = pages_range (l);
      if (s && s->formats[l->format].percent_of_paper > 0)
        return g_strdup_printf (_("%s at %d%% of the paper rate, %s"), format_label (l->format),
                                s->formats[l->format].percent_of_paper, range);
      return g_strdup_printf ("%s, %s", format_label (l->format), range);
    case CST_FEE_LINE_PER_YEAR:
      return g_strdup (_("Per year of records requested"));
    case CST_FEE_LINE_CERTIFICATION:
      return g_strdup (_("Certification of the records"));
    case CST_FEE_LINE_CLERICAL:
      return g_strdup_printf (_("Clerical time, %" PRId64 " min"), l->minutes);
    case CST_FEE_LINE_MINIMUM:
      return g_strdup (_("Minimum fee (inclusive of copying)"));
    case CST_FEE_LINE_CAP:
      return g_strdup (_("Reduced to the schedule's maximum"));
    case CST_FEE_LINE_POSTAGE:
      return g_strdup (_("Postage or shipping (actual cost)"));
    case CST_FEE_LINE_TAX:
      return g_strdup (_("Sales tax"));
    case CST_FEE_LINE_LABOR:
      rate = cst_money_format (l->rate_cents);
      if (l->rate_cents > 0)
        return g_strdup_printf (_("Labor for copying, %" PRId64 " min at %s/hour"),
                                l->minutes, rate);
      return g_strdup (_("Labor for copying (average cost schedule)"));
    case CST_FEE_LINE_SUPPLIES:
      return g_strdup (_("Supplies for the paper copy"));
    case CST_FEE_LINE_MEDIA:
      return g_strdup (_("Portable media requested by the individual"));
    case CST_FEE_LINE_SUMMARY:
      rate = cst_money_format (l->rate_cents);
      return g_strdup_printf (_("Preparing a summary (agreed in advance), %" PRId64 " min at %s/hour"),
                              l->minutes, rate);
    case CST_FEE_LINE_SEARCH:
      return g_strdup_printf (_("Search and retrieval, %" PRId64 " min: not chargeable to the individual"),
                              l->minutes);
    case CST_FEE_LINE_FLAT:
      return g_strdup (_("Flat fee for an electronic copy of electronic records (inclusive of labor, supplies and postage)"));
    case CST_FEE_LINE_NO_CHARGE:
      if (s && s->note)
        return g_strdup_printf (_("No charge: %s"), s->note);
      return g_strdup (_("No charge: inspection only, or copies taken with the individual's own device"));
    default:
      g_return_val_if_reached (g_strdup (""));
    }
}

/* Built on first use: quoting in bulk never formats text nobody reads.
 * The compare-and-swap keeps two threads reading one quote safe. */
const char *
cst_fee_line_get_description (const CstFeeLine *l)
{
  CstFeeLine *line = (CstFeeLine *) l;
  char *text;

  if (g_atomic_pointer_get (&line->description) != NULL)
    return line->description;
  text = describe (l);
  if (!g_atomic_pointer_compare_and_exchange (&line->description, NULL, text))
    g_free (text);
  return line->description;
}

static char *
note_text (const CstFeeQuote *q,
           const CstFeeNote  *n)
{
  g_autofree char *money = cst_money_format (n->amount);
  const char *label = n->schedule && n->schedule->request_fee_label ? n->schedule->request_fee_label
                                                                     : _("search and retrieval fee");

  switch (n->kind)
    {
    case CST_FEE_NOTE_TEXT:
      return g_strdup (n->text);
    case CST_FEE_NOTE_STATE_HIGHER:
      return g_strdup_printf (_("The state maximum would have been %s; the lesser amount applies "
                                "(45 CFR 164.524(c)(4))."), money);
    case CST_FEE_NOTE_HIPAA_HIGHER:
      return g_strdup_printf (_("The HIPAA cost-based fee would have been %s; the state maximum is lower "
                                "and the lesser amount applies."), money);
    case CST_FEE_NOTE_EQUAL:
      return g_strdup_printf (_("The state maximum is the same amount, %s."), money);
    case CST_FEE_NOTE_REQUEST_FEE_EXCLUDED:
      return g_strdup_printf (_("%s (%s) not permitted for the individual's own request: HIPAA excludes "
                                "search, retrieval and handling costs (45 CFR 164.524(c)(4))."),
                              label, money);
    case CST_FEE_NOTE_PER_YEAR_EXCLUDED:
      return g_strdup (_("The state's per-year fee is not a cost HIPAA allows for the individual's own request."));
    case CST_FEE_NOTE_CERTIFICATION_EXCLUDED:
      return g_strdup (_("Certification is not a cost HIPAA allows for the individual's own request."));
    case CST_FEE_NOTE_CLERICAL_EXCLUDED:
      return g_strdup (_("State clerical time is not charged for the individual's own request "
                         "(HIPAA excludes the cost of locating records)."));
    case CST_FEE_NOTE_NO_STATE_SCHEDULE:
      return g_strdup_printf (_("No %s state fee schedule applies to this request on this date; "
                                "only the HIPAA limit was applied."), q->jurisdiction);
    case CST_FEE_NOTE_FORMAT_NOT_IN_STATE:
      return g_strdup (_("The state schedule sets no amount for this format; only the HIPAA limit was applied."));
    case CST_FEE_NOTE_POSTAGE_UNKNOWN:
      return g_strdup (_("Actual postage is not included yet; add it when known."));
    case CST_FEE_NOTE_POSTAGE_INCLUDED:
      return g_strdup (_("Mailing is included in this fee; no postage line may be added."));
    case CST_FEE_NOTE_FLAT_INCLUSIVE:
      return g_strdup (_("The flat fee is inclusive of all labor, supplies and postage (HHS FAQ 2030)."));
    case CST_FEE_NOTE_CIOX:
      return g_strdup (_("The individual directs the copy to a third party: since Ciox Health v. Azar "
                         "(D.D.C. 2020) the HIPAA fee limit does not apply and state law governs."));
    case CST_FEE_NOTE_DIRECTIVE_WITHOUT_FEE:
      return g_strdup_printf (_("UNCONFIRMED: whether the state's own-record exemption from the %s covers "
                                "a patient-directed copy was not settled in the sources read; without it "
                                "the fee would be %s."), label, money);
    case CST_FEE_NOTE_HITECH:
      return g_strdup (_("UNCONFIRMED: HITECH (42 U.S.C. 17935(e)) may cap a fee for an electronic copy "
                         "at the labor cost of responding; its reach after Ciox was not settled."));
    case CST_FEE_NOTE_NO_CERTIFICATION_FEE:
      return g_strdup (_("The schedule sets no certification fee; certification is not charged."));
    case CST_FEE_NOTE_UNCONFIRMED:
      return g_strdup_printf (_("UNCONFIRMED amounts from schedule %s: review before relying on them as law%s%s"),
                              n->schedule->version_label, n->schedule->note ? ". " : ".",
                              n->schedule->note ? n->schedule->note : "");
    case CST_FEE_NOTE_FACILITY_LOWER:
      return g_strdup_printf (_("The state maximum would have been %s; the hospital's own lower amounts "
                                "(schedule %s) apply."), money, n->schedule->version_label);
    case CST_FEE_NOTE_FACILITY_NOT_LOWER:
      return g_strdup_printf (_("The hospital's own amounts (schedule %s) would not come to less than the "
                                "state maximum, %s; the state maximum applies."),
                              n->schedule->version_label, money);
    case CST_FEE_NOTE_NO_STATE_MAXIMUM:
      /* Not "the state has none": Custodian's data may simply not hold the
       * state's law.  Translators: the hospital schedule's version,
       * "NY-facility@2". */
      return g_strdup_printf (_("No state maximum in Custodian's fee data; hospital schedule %s."),
                              n->schedule->version_label);
    default:
      g_return_val_if_reached (g_strdup (""));
    }
}

/**
 * cst_fee_quote_get_notes:
 *
 * Returns: (transfer none) (element-type utf8): the notes, built on first use
 */
GPtrArray *
cst_fee_quote_get_notes (CstFeeQuote *quote)
{
  GPtrArray *texts;

  if (g_atomic_pointer_get (&quote->note_texts) != NULL)
    return quote->note_texts;
  texts = g_ptr_array_new_with_free_func (g_free);
  for (int i = 0; i < quote->n_notes; i++)
    g_ptr_array_add (texts, note_text (quote, &quote->notes[i]));
  if (!g_atomic_pointer_compare_and_exchange (&quote->note_texts, NULL, texts))
    g_ptr_array_unref (texts);
  return quote->note_texts;
}

static void
write_lines (CstJsonWriter *w,
             CstFeeQuote   *quote)
{
  cst_json_writer_begin_array (w);
  for (int i = 0; i < quote->n_lines; i++)
    {
      const CstFeeLine *l = &quote->lines[i];

      cst_json_writer_begin_object (w);
      cst_json_writer_key (w, "description");
      cst_json_writer_string (w, cst_fee_line_get_description (l));
      cst_json_writer_key (w, "quantity");
      cst_json_writer_int (w, l->quantity);
      cst_json_writer_key (w, "unit_cents");
      cst_json_writer_int (w, cst_fee_exact_floor (l->unit));
      if (!cst_fee_exact_is_whole (l->unit))
        {
          g_autofree char *unit = cst_fee_exact_format (l->unit);
          cst_json_writer_key (w, "unit_exact_cents");
          cst_json_writer_string (w, unit);
        }
      cst_json_writer_key (w, "amount_cents");
      cst_json_writer_int (w, l->amount_cents);
      if (!cst_fee_exact_is_whole (l->exact))
        {
          g_autofree char *exact = cst_fee_exact_format (l->exact);
          cst_json_writer_key (w, "exact_cents");
          cst_json_writer_string (w, exact);
        }
      cst_json_writer_key (w, "rule");
      cst_json_writer_string (w, l->rule);
      cst_json_writer_key (w, "citation");
      cst_json_writer_string (w, cst_fee_line_get_citation (l));
      cst_json_writer_key (w, "schedule_version");
      cst_json_writer_string (w, cst_fee_line_get_schedule_version (l));
      cst_json_writer_key (w, "chargeable");
      cst_json_writer_bool (w, l->chargeable);
      cst_json_writer_key (w, "unconfirmed");
      cst_json_writer_bool (w, l->unconfirmed);
      cst_json_writer_end_object (w);
    }
  cst_json_writer_end_array (w);
}

char *
cst_fee_quote_lines_to_json (CstFeeQuote *quote)
{
  GString *out = g_string_new (NULL);
  CstJsonWriter w;

  cst_json_writer_init (&w, out);
  write_lines (&w, quote);
  return g_string_free (out, FALSE);
}

/* The stable format of `custodian-cli fee quote --json` and of an
 * invoice's justification.  Add keys; never rename or remove one. */
char *
cst_fee_quote_to_json (CstFeeQuote *quote)
{
  GString *out = g_string_new (NULL);
  GPtrArray *notes = cst_fee_quote_get_notes (quote);
  g_autofree char *date = NULL;
  CstJsonWriter w;
  GDate d;

  cst_fee_quote_get_date (quote, &d);
  date = g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (&d), g_date_get_month (&d),
                          g_date_get_day (&d));
  cst_json_writer_init (&w, out);
  cst_json_writer_begin_object (&w);
  cst_json_writer_key (&w, "total_cents");
  cst_json_writer_int (&w, quote->total_cents);
  cst_json_writer_key (&w, "method");
  cst_json_writer_string (&w, cst_fee_method_to_nick (quote->method));
  cst_json_writer_key (&w, "jurisdiction");
  cst_json_writer_string (&w, quote->jurisdiction);
  cst_json_writer_key (&w, "schedule_version");
  cst_json_writer_string (&w, cst_fee_quote_get_schedule_version (quote));
  cst_json_writer_key (&w, "received_date");
  cst_json_writer_string (&w, date);
  cst_json_writer_key (&w, "unconfirmed");
  cst_json_writer_bool (&w, quote->unconfirmed);
  cst_json_writer_key (&w, "state_ceiling_cents");
  if (quote->state_ceiling_cents >= 0)
    cst_json_writer_int (&w, quote->state_ceiling_cents);
  else
    cst_json_writer_null (&w);
  cst_json_writer_key (&w, "hipaa_cents");
  if (quote->hipaa_cents >= 0)
    cst_json_writer_int (&w, quote->hipaa_cents);
  else
    cst_json_writer_null (&w);
  cst_json_writer_key (&w, "lines");
  write_lines (&w, quote);
  cst_json_writer_key (&w, "notes");
  cst_json_writer_begin_array (&w);
  for (guint i = 0; i < notes->len; i++)
    cst_json_writer_string (&w, g_ptr_array_index (notes, i));
  cst_json_writer_end_array (&w);
  cst_json_writer_end_object (&w);
  return g_string_free (out, FALSE);
}

char *
cst_fee_quote_to_text (CstFeeQuote *quote)
{
  GString *out = g_string_new (NULL);
  GPtrArray *notes = cst_fee_quote_get_notes (quote);
  g_autofree char *total = cst_money_format (quote->total_cents);

  g_string_append_printf (out, _("Total: %s (%s, %s, schedule %s)%s\n"), total,
                          cst_fee_method_to_nick (quote->method), quote->jurisdiction,
                          cst_fee_quote_get_schedule_version (quote),
                          quote->unconfirmed ? _(" — includes UNCONFIRMED amounts") : "");
  for (int i = 0; i < quote->n_lines; i++)
    {
      const CstFeeLine *l = &quote->lines[i];
      g_autofree char *exact_unit = cst_fee_exact_format (l->unit);
      g_autofree char *unit = cst_fee_exact_is_whole (l->unit)
        ? cst_money_format (cst_fee_exact_floor (l->unit))
        : g_strdup_printf ("%s¢", exact_unit);
      g_autofree char *amount = cst_money_format (l->amount_cents);
      g_autofree char *exact = cst_fee_exact_is_whole (l->exact) ? NULL : cst_fee_exact_format (l->exact);

      g_string_append_printf (out, "  %-10s %s\n", amount, cst_fee_line_get_description (l));
      g_string_append_printf (out, _("             %" PRId64 " × %s; rule %s; %s; %s\n"),
                              l->quantity, unit, l->rule, cst_fee_line_get_citation (l),
                              cst_fee_line_get_schedule_version (l));
      if (exact)
        g_string_append_printf (out, _("             exact %s¢, floored to the cent\n"), exact);
    }
  for (guint i = 0; i < notes->len; i++)
    g_string_append_printf (out, _("Note: %s\n"), (const char *) g_ptr_array_index (notes, i));
  return g_string_free (out, FALSE);
}
