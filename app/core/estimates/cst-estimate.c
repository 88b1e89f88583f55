/* cst-estimate.c — the estimate before care, insured or self-pay
 *
 * Insured (issue 21): each line's rate is the plan's negotiated dollar
 * amount, or its percentage of the gross charge; allowed = Σ rate × qty;
 * D = min(remaining deductible, allowed); coinsurance = (allowed − D) ×
 * percent, floored to the cent; the patient pays min(allowed, remaining
 * out-of-pocket maximum, copay + D + coinsurance) and the plan the rest.
 * A code the plan prices only by an algorithm, or not at all, cannot be
 * estimated: the estimate is refused naming every such code, rather than
 * guessed.
 *
 * Self-pay: the Good Faith Estimate is the discounted cash price × qty,
 * the gross charge where the list has no cash price (marked so).
 */
#define G_LOG_DOMAIN "cst-estimate"

#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "custodian/cst-error.h"
#include "custodian/cst-estimate.h"
#include "custodian/cst-json-writer.h"
#include "custodian/cst-money.h"

/* Remaining deductible, copay and out-of-pocket amounts above a billion
 * dollars are typos. */
#define MAX_COVERAGE_CENTS G_GINT64_CONSTANT (100000000000)

static void
line_free (CstEstimateLine *line)
{
  g_free (line->code);
  g_free (line->description);
  g_free (line->how);
  g_free (line);
}

static CstEstimate *
estimate_new (const CstPriceList *prices,
              gboolean            self_pay)
{
  CstEstimate *estimate = g_new0 (CstEstimate, 1);

  g_atomic_ref_count_init (&estimate->ref_count);
  estimate->self_pay = self_pay;
  estimate->hospital_name = g_strdup (prices->hospital_name);
  estimate->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) line_free);
  estimate->steps = g_ptr_array_new_with_free_func (g_free);
  return estimate;
}

CstEstimate *
cst_estimate_ref (CstEstimate *estimate)
{
  g_atomic_ref_count_inc (&estimate->ref_count);
  return estimate;
}

void
cst_estimate_unref (CstEstimate *estimate)
{
  if (estimate == NULL || !g_atomic_ref_count_dec (&estimate->ref_count))
    return;
  g_free (estimate->hospital_name);
  g_free (estimate->payer_name);
  g_free (estimate->plan_name);
  g_free (estimate->patient_name);
  g_ptr_array_unref (estimate->lines);
  g_ptr_array_unref (estimate->steps);
  g_free (estimate);
}

const char *
cst_estimate_basis_to_nick (CstEstimateBasis basis)
{
  switch (basis)
    {
    case CST_ESTIMATE_BASIS_NEGOTIATED_DOLLAR: return "negotiated_dollar";
    case CST_ESTIMATE_BASIS_NEGOTIATED_PERCENTAGE: return "negotiated_percentage";
    case CST_ESTIMATE_BASIS_CASH: return "discounted_cash";
    case CST_ESTIMATE_BASIS_GROSS: return "gross";
    default: g_return_val_if_reached ("gross");
    }
}

/* "20%" or "12.5%": hundredths of a percent without trailing zeros. */
static char *
format_percent (gint64 hundredths)
{
  if (hundredths % 100 == 0)
    return g_strdup_printf ("%" PRId64 "%%", hundredths / 100);
  if (hundredths % 10 == 0)
    return g_strdup_printf ("%" PRId64 ".%" PRId64 "%%", hundredths / 100, (hundredths % 100) / 10);
  return g_strdup_printf ("%" PRId64 ".%02" PRId64 "%%", hundredths / 100, hundredths % 100);
}

/* floor(amount × hundredths / 10000) for amount ≥ 0, without the product
 * overflowing. */
static gint64
apply_percent_floor (gint64 amount,
                     gint64 hundredths)
{
  return (amount / 10000) * hundredths + (amount % 10000) * hundredths / 10000;
}

/**
 * cst_estimate_parse_service:
 * @text: "CODE" or "CODExQTY", e.g. "99284" or "36415x2"
 */
gboolean
cst_estimate_parse_service (const char  *text,
                            char       **code,
                            gint64      *quantity,
                            GError     **error)
{
  const char *x = strrchr (text, 'x');
  const char *end = text + strlen (text);
  gint64 qty = 1;

  if (x == NULL)
    x = strrchr (text, 'X');
  if (x != NULL && x > text && x[1] != '\0' && strspn (x + 1, "0123456789") == strlen (x + 1))
    {
      qty = strlen (x + 1) > 6 ? CST_ESTIMATE_MAX_QUANTITY + 1 : g_ascii_strtoll (x + 1, NULL, 10);
      end = x;
    }
  if (end == text || qty < 1 || qty > CST_ESTIMATE_MAX_QUANTITY)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("“%s” is not a service; write the code, or the code, “x” and a quantity "
                     "from 1 to %d, such as 36415x2"), text, CST_ESTIMATE_MAX_QUANTITY);
      return FALSE;
    }
  *code = g_strndup (text, (gsize) (end - text));
  *quantity = qty;
  return TRUE;
}

static gboolean
check_services (const CstPriceList        *prices,
                const CstEstimateService  *services,
                guint                      n_services,
                GError                   **error)
{
  g_autoptr(GString) unknown = g_string_new (NULL);

  if (n_services == 0 || n_services > CST_ESTIMATE_MAX_SERVICES)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("give from 1 to %d services"), CST_ESTIMATE_MAX_SERVICES);
      return FALSE;
    }
  for (guint i = 0; i < n_services; i++)
    {
      if (services[i].quantity < 1 || services[i].quantity > CST_ESTIMATE_MAX_QUANTITY)
        {
          g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                       _("the quantity of code %s must be from 1 to %d"), services[i].code,
                       CST_ESTIMATE_MAX_QUANTITY);
          return FALSE;
        }
      if (cst_price_list_find (prices, services[i].code) == NULL)
        g_string_append_printf (unknown, "%s%s", unknown->len ? ", " : "", services[i].code);
    }
  if (unknown->len == 0)
    return TRUE;
  g_set_error (error, CST_ERROR, CST_ERROR_NOT_FOUND,
               _("No estimate: the price list has no item with code %s"), unknown->str);
  return FALSE;
}

static CstEstimateLine *
line_new (const CstPriceItem *item,
          gint64              quantity,
          gint64              unit_cents,
          CstEstimateBasis    basis,
          char               *how)
{
  CstEstimateLine *line = g_new0 (CstEstimateLine, 1);

  line->code = g_strdup (item->code);
  line->description = g_strdup (item->description);
  line->quantity = quantity;
  line->unit_cents = unit_cents;
  line->total_cents = unit_cents * quantity;
  line->basis = basis;
  line->how = how;
  return line;
}

/* Why the plan's rate for @item gives no amount, or NULL when it does. */
static char *
unpriced_reason (const CstPriceItem        *item,
                 const CstPriceRate        *rate,
                 const CstEstimateCoverage *coverage)
{
  if (rate == NULL)
    return g_strdup_printf (_("code %s has no rate for %s, %s"), item->code,
                            coverage->payer_name, coverage->plan_name);
  if (rate->kind == CST_PRICE_RATE_ALGORITHM)
    return g_strdup_printf (_("code %s is priced for %s, %s only by an algorithm (“%s”), "
                              "which gives no amount"),
                            item->code, rate->payer_name, rate->plan_name, rate->algorithm);
  if (rate->kind == CST_PRICE_RATE_PERCENTAGE && item->gross_cents < 0)
    return g_strdup_printf (_("code %s is priced as a percentage of a gross charge the list "
                              "does not give"), item->code);
  return NULL;
}

/* The line for one insured service, or NULL with the reason appended to
 * @refused. */
static CstEstimateLine *
insured_line (const CstPriceItem        *item,
              gint64                     quantity,
              const CstEstimateCoverage *coverage,
              GString                   *refused)
{
  const CstPriceRate *rate = cst_price_item_find_rate (item, coverage->payer_name,
                                                       coverage->plan_name);
  g_autofree char *reason = unpriced_reason (item, rate, coverage);
  g_autofree char *unit = NULL;

  if (reason != NULL)
    {
      g_string_append_printf (refused, "%s%s", refused->len ? "; " : "", reason);
      return NULL;
    }
  if (rate->kind == CST_PRICE_RATE_DOLLAR)
    {
      unit = cst_money_format (rate->dollar_cents);
      return line_new (item, quantity, rate->dollar_cents, CST_ESTIMATE_BASIS_NEGOTIATED_DOLLAR,
                       g_strdup_printf (_("negotiated rate %s × %d"), unit, (int) quantity));
    }
  else
    {
      /* The percentage's product is rounded to the nearest cent. */
      gint64 cents = (item->gross_cents * rate->percent_hundredths + 5000) / 10000;
      g_autofree char *percent = format_percent (rate->percent_hundredths);
      g_autofree char *gross = cst_money_format (item->gross_cents);

      unit = cst_money_format (cents);
      return line_new (item, quantity, cents, CST_ESTIMATE_BASIS_NEGOTIATED_PERCENTAGE,
                       g_strdup_printf (_("negotiated %s of the gross charge %s = %s × %d"),
                                        percent, gross, unit, (int) quantity));
    }
}

static gboolean
check_coverage (const CstEstimateCoverage *coverage,
                GError                   **error)
{
  const gint64 amounts[] = { coverage->deductible_remaining_cents, coverage->copay_cents,
                             coverage->oop_remaining_cents };

  if (coverage->payer_name == NULL || *coverage->payer_name == '\0' ||
      coverage->plan_name == NULL || *coverage->plan_name == '\0')
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("an insured estimate needs the payer and the plan"));
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (amounts); i++)
    if (amounts[i] < 0 || amounts[i] > MAX_COVERAGE_CENTS)
      {
        g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                     _("the deductible, copay and out-of-pocket amounts must be from 0 to "
                       "a billion dollars"));
        return FALSE;
      }
  if (coverage->coinsurance_hundredths < 0 || coverage->coinsurance_hundredths > 10000)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("the coinsurance must be from 0%% to 100%%"));
      return FALSE;
    }
  return TRUE;
}

static void
add_step (CstEstimate *estimate,
          char        *text)
{
  g_ptr_array_add (estimate->steps, text);
}

/* The totals from the allowed amount, each step in words. */
static void
split_allowed (CstEstimate               *estimate,
               const CstEstimateCoverage *coverage)
{
  gint64 allowed = estimate->allowed_cents;
  gint64 owed;
  g_autofree char *allowed_text = cst_money_format (allowed);
  g_autofree char *remaining = cst_money_format (coverage->deductible_remaining_cents);
  g_autofree char *deductible = NULL, *coinsurance = NULL, *copay = NULL, *sum = NULL;
  g_autofree char *oop = cst_money_format (coverage->oop_remaining_cents);
  g_autofree char *patient = NULL, *plan = NULL, *percent = NULL, *base = NULL;

  estimate->deductible_cents = MIN (coverage->deductible_remaining_cents, allowed);
  estimate->coinsurance_cents = apply_percent_floor (allowed - estimate->deductible_cents,
                                                     coverage->coinsurance_hundredths);
  estimate->copay_cents = coverage->copay_cents;
  owed = estimate->copay_cents + estimate->deductible_cents + estimate->coinsurance_cents;
  estimate->patient_cents = MIN (MIN (allowed, coverage->oop_remaining_cents), owed);
  estimate->plan_cents = allowed - estimate->patient_cents;
  estimate->capped = estimate->patient_cents < owed;

  deductible = cst_money_format (estimate->deductible_cents);
  coinsurance = cst_money_format (estimate->coinsurance_cents);
  copay = cst_money_format (estimate->copay_cents);
  sum = cst_money_format (owed);
  patient = cst_money_format (estimate->patient_cents);
  plan = cst_money_format (estimate->plan_cents);
  percent = format_percent (coverage->coinsurance_hundredths);
  base = cst_money_format (allowed - estimate->deductible_cents);
  add_step (estimate, g_strdup_printf (_("Allowed amount: the sum of the lines, %s."), allowed_text));
  add_step (estimate, g_strdup_printf (_("Deductible: the smaller of the deductible still to meet "
                                         "(%s) and the allowed amount: %s."), remaining, deductible));
  add_step (estimate, g_strdup_printf (_("Coinsurance: %s of what the deductible leaves (%s), "
                                         "rounded down to the cent: %s."), percent, base, coinsurance));
  add_step (estimate, g_strdup_printf (_("Copay: %s."), copay));
  add_step (estimate, g_strdup_printf (_("You pay the smallest of the allowed amount (%s), the "
                                         "out-of-pocket maximum still to reach (%s) and copay + "
                                         "deductible + coinsurance (%s): %s. Your plan pays the "
                                         "rest: %s."), allowed_text, oop, sum, patient, plan));
}

/**
 * cst_estimate_new_insured:
 *
 * Returns: (transfer full): the estimate, or NULL when a code is not on
 *   the list or cannot be priced for the plan (every such code named)
 */
CstEstimate *
cst_estimate_new_insured (const CstPriceList        *prices,
                          const CstEstimateService  *services,
                          guint                      n_services,
                          const CstEstimateCoverage *coverage,
                          GError                   **error)
{
  g_autoptr(CstEstimate) estimate = NULL;
  g_autoptr(GString) refused = g_string_new (NULL);

  if (!check_coverage (coverage, error) || !check_services (prices, services, n_services, error))
    return NULL;
  estimate = estimate_new (prices, FALSE);
  estimate->payer_name = g_strdup (coverage->payer_name);
  estimate->plan_name = g_strdup (coverage->plan_name);
  for (guint i = 0; i < n_services; i++)
    {
      const CstPriceItem *item = cst_price_list_find (prices, services[i].code);
      CstEstimateLine *line = insured_line (item, services[i].quantity, coverage, refused);

      if (line == NULL)
        continue;
      estimate->allowed_cents += line->total_cents;
      g_ptr_array_add (estimate->lines, line);
    }
  if (refused->len > 0)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("No estimate: %s. Ask the payer for these rates."), refused->str);
      return NULL;
    }
  split_allowed (estimate, coverage);
  return g_steal_pointer (&estimate);
}

/**
 * cst_estimate_new_self_pay:
 *
 * Returns: (transfer full): the Good Faith Estimate, or NULL when a code is
 *   not on the list or has neither a cash price nor a gross charge
 */
CstEstimate *
cst_estimate_new_self_pay (const CstPriceList        *prices,
                           const CstEstimateService  *services,
                           guint                      n_services,
                           GError                   **error)
{
  g_autoptr(CstEstimate) estimate = NULL;

  if (!check_services (prices, services, n_services, error))
    return NULL;
  estimate = estimate_new (prices, TRUE);
  for (guint i = 0; i < n_services; i++)
    {
      const CstPriceItem *item = cst_price_list_find (prices, services[i].code);
      gboolean from_gross = item->cash_cents < 0;
      gint64 unit = from_gross ? item->gross_cents : item->cash_cents;
      g_autofree char *unit_text = NULL;
      CstEstimateLine *line;

      if (unit < 0)
        {
          g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                       _("No estimate: code %s has neither a cash price nor a gross charge"),
                       item->code);
          return NULL;
        }
      unit_text = cst_money_format (unit);
      line = line_new (item, services[i].quantity, unit,
                       from_gross ? CST_ESTIMATE_BASIS_GROSS : CST_ESTIMATE_BASIS_CASH,
                       from_gross
                       ? g_strdup_printf (_("gross charge %s × %d (no cash price is listed)"),
                                          unit_text, (int) services[i].quantity)
                       : g_strdup_printf (_("discounted cash price %s × %d"),
                                          unit_text, (int) services[i].quantity));
      estimate->any_from_gross |= from_gross;
      estimate->gfe_total_cents += line->total_cents;
      g_ptr_array_add (estimate->lines, line);
    }
  return g_steal_pointer (&estimate);
}

static void
write_lines (CstJsonWriter     *w,
             const CstEstimate *estimate)
{
  cst_json_writer_key (w, "lines");
  cst_json_writer_begin_array (w);
  for (guint i = 0; i < estimate->lines->len; i++)
    {
      const CstEstimateLine *line = g_ptr_array_index (estimate->lines, i);

      cst_json_writer_begin_object (w);
      cst_json_writer_key (w, "code");
      cst_json_writer_string (w, line->code);
      cst_json_writer_key (w, "description");
      cst_json_writer_string (w, line->description);
      cst_json_writer_key (w, "quantity");
      cst_json_writer_int (w, line->quantity);
      cst_json_writer_key (w, "unit_cents");
      cst_json_writer_int (w, line->unit_cents);
      cst_json_writer_key (w, "total_cents");
      cst_json_writer_int (w, line->total_cents);
      cst_json_writer_key (w, "basis");
      cst_json_writer_string (w, cst_estimate_basis_to_nick (line->basis));
      cst_json_writer_key (w, "how");
      cst_json_writer_string (w, line->how);
      cst_json_writer_end_object (w);
    }
  cst_json_writer_end_array (w);
}

static void
write_amount (CstJsonWriter *w,
              const char    *key,
              gint64         cents)
{
  cst_json_writer_key (w, key);
  cst_json_writer_int (w, cents);
}

/* The JSON summary custodian-cli writes with --json. */
char *
cst_estimate_to_json (const CstEstimate *estimate)
{
  GString *out = g_string_new (NULL);
  CstJsonWriter w;

  cst_json_writer_init (&w, out);
  cst_json_writer_begin_object (&w);
  cst_json_writer_key (&w, "self_pay");
  cst_json_writer_bool (&w, estimate->self_pay);
  if (estimate->self_pay)
    {
      write_amount (&w, "gfe_total_cents", estimate->gfe_total_cents);
      cst_json_writer_key (&w, "any_from_gross");
      cst_json_writer_bool (&w, estimate->any_from_gross);
      write_amount (&w, "dispute_threshold_cents", CST_GFE_DISPUTE_THRESHOLD_CENTS);
    }
  else
    {
      cst_json_writer_key (&w, "payer");
      cst_json_writer_string (&w, estimate->payer_name);
      cst_json_writer_key (&w, "plan");
      cst_json_writer_string (&w, estimate->plan_name);
      write_amount (&w, "allowed_cents", estimate->allowed_cents);
      write_amount (&w, "deductible_cents", estimate->deductible_cents);
      write_amount (&w, "coinsurance_cents", estimate->coinsurance_cents);
      write_amount (&w, "copay_cents", estimate->copay_cents);
      write_amount (&w, "patient_cents", estimate->patient_cents);
      write_amount (&w, "plan_cents", estimate->plan_cents);
      cst_json_writer_key (&w, "capped");
      cst_json_writer_bool (&w, estimate->capped);
    }
  write_lines (&w, estimate);
  cst_json_writer_end_object (&w);
  g_string_append_c (out, '\n');
  return g_string_free (out, FALSE);
}
