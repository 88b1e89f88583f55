/* cst-statement-engine.c — the computations of statement-spec section 7.2
 *
 * Totals, category subtotals, reversal netting, duplicate flags, the
 * "how we got this amount" waterfall, payment plans and the
 * reconciliation.  The statement never hides a line and never invents a
 * number: claim-level payments stay at claim level, possible duplicates
 * are flagged but kept, and anything that does not add up is flagged as
 * not reconciled rather than adjusted.
 */
#define G_LOG_DOMAIN "cst-statement"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "custodian/cst-assistance.h"
#include "custodian/cst-error.h"
#include "custodian/cst-input.h"
#include "custodian/cst-money.h"
#include "custodian/cst-statement.h"

/* Defined in cst-statement-text.c. */
void cst_statement_build_values (CstStatement *statement);
void cst_statement_build_prose  (CstStatement *statement);

static void
category_free (CstStatementCategory *category)
{
  g_free (category->key);
  g_free (category->label);
  g_free (category->explanation);
  g_array_unref (category->lines);
  g_free (category);
}

static void
item_free (CstStatementItem *item)
{
  g_free (item->description);
  g_free (item->original);
  g_array_unref (item->lines);
  g_free (item);
}

static void
waterfall_row_free (CstWaterfallRow *row)
{
  g_free (row->label);
  g_free (row);
}

static void
flag_free (CstStatementFlag *flag)
{
  g_free (flag->message);
  g_array_unref (flag->lines);
  g_free (flag);
}

static GArray *
index_array_new (void)
{
  return g_array_new (FALSE, FALSE, sizeof (guint));
}

static CstStatementFlag *
add_flag (CstStatement         *st,
          CstStatementFlagKind  kind,
          GArray               *lines,
          char                 *message)
{
  CstStatementFlag *flag = g_new0 (CstStatementFlag, 1);

  flag->kind = kind;
  flag->message = message;
  flag->lines = lines ? g_array_ref (lines) : index_array_new ();
  g_ptr_array_add (st->flags, flag);
  return flag;
}

static const CstBillLine *
line_at (CstStatement *st,
         guint         index)
{
  return g_ptr_array_index (st->bill->lines, index);
}

/* ---- Categories and totals ---------------------------------------------- */

static CstStatementCategory *
category_for (CstStatement *st,
              GHashTable   *by_key,
              const char   *key)
{
  CstStatementCategory *category = g_hash_table_lookup (by_key, key);

  if (category != NULL)
    return category;
  category = g_new0 (CstStatementCategory, 1);
  category->key = g_strdup (key);
  category->label = g_strdup (cst_statement_rules_category_label (st->rules, key, st->language));
  category->explanation = g_strdup (cst_statement_rules_category_explanation (st->rules, key,
                                                                              st->language));
  category->lines = index_array_new ();
  g_hash_table_insert (by_key, category->key, category);
  return category;
}

static void
add_line_to_category (CstStatement         *st,
                      CstStatementCategory *category,
                      const CstBillLine    *line,
                      guint                 index)
{
  category->charges_cents += line->charge_cents;
  st->total_charges_cents += line->charge_cents;
  if (!st->claim_level)
    {
      category->insurer_paid_cents += line->insurer_paid_cents;
      category->adjustment_cents += line->adjustment_cents;
      category->patient_resp_cents += line->patient_resp_cents;
      st->total_insurer_paid_cents += line->insurer_paid_cents;
      st->total_adjustment_cents += line->adjustment_cents;
      st->total_patient_resp_cents += line->patient_resp_cents;
    }
  g_array_append_val (category->lines, index);
}

static int
compare_categories (gconstpointer a,
                    gconstpointer b,
                    gpointer      user_data)
{
  const CstStatementCategory *x = *(CstStatementCategory *const *) a;
  const CstStatementCategory *y = *(CstStatementCategory *const *) b;
  CstStatementRules *rules = user_data;
  guint rx, ry;

  /* Largest charges first; the table's own order breaks ties, so the
   * order is stable for a facility. */
  if (x->charges_cents != y->charges_cents)
    return x->charges_cents > y->charges_cents ? -1 : 1;
  rx = cst_statement_rules_category_rank (rules, x->key);
  ry = cst_statement_rules_category_rank (rules, y->key);
  return (rx > ry) - (rx < ry);
}

static void
flag_unknown_codes (CstStatement *st,
                    GArray       *unknown)
{
  g_autoptr(GString) codes = g_string_new (NULL);

  if (unknown->len == 0)
    return;
  for (guint i = 0; i < unknown->len && i < 10; i++)
    {
      const char *code = line_at (st, g_array_index (unknown, guint, i))->revenue_code;
      if (strstr (codes->str, code) == NULL)
        g_string_append_printf (codes, "%s%s", codes->len ? ", " : "", code);
    }
  add_flag (st, CST_FLAG_UNKNOWN_REVENUE_CODE, unknown,
            g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "%u line has a revenue code that is not in the "
                                          "category table (%s); it is shown under "
                                          "“Other hospital services”.",
                                          "%u lines have revenue codes that are not in the "
                                          "category table (%s); they are shown under "
                                          "“Other hospital services”.", unknown->len),
                             unknown->len, codes->str));
}

/* One flag per note, listing its lines, for staff only (data: [review]). */
static void
flag_review_notes (CstStatement *st)
{
  g_autoptr(GHashTable) by_note = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                         (GDestroyNotify) g_array_unref);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();

  for (guint i = 0; i < st->bill->lines->len; i++)
    {
      const char *note = cst_statement_rules_review_note (st->rules, line_at (st, i)->revenue_code);
      GArray *lines;

      if (note == NULL)
        continue;
      if (!(lines = g_hash_table_lookup (by_note, note)))
        {
          g_hash_table_insert (by_note, (gpointer) note, (lines = index_array_new ()));
          g_ptr_array_add (order, (gpointer) note);
        }
      g_array_append_val (lines, i);
    }
  for (guint n = 0; n < order->len; n++)
    add_flag (st, CST_FLAG_OFTEN_NOT_COVERED, g_hash_table_lookup (by_note, order->pdata[n]),
              g_strdup (order->pdata[n]));
}

static void
compute_categories (CstStatement *st,
                    gint64       *total_line_cents,
                    gboolean     *has_total_line)
{
  g_autoptr(GHashTable) by_key = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) unknown = index_array_new ();
  GHashTableIter iter;
  gpointer value;

  *total_line_cents = 0;
  *has_total_line = FALSE;
  for (guint i = 0; i < st->bill->lines->len; i++)
    {
      const CstBillLine *line = line_at (st, i);
      gboolean known = TRUE;
      const char *key;

      /* The UB-04 total line is a check, not a charge. */
      if (cst_statement_rules_is_total_code (st->rules, line->revenue_code))
        {
          *total_line_cents += line->charge_cents;
          *has_total_line = TRUE;
          continue;
        }
      key = cst_statement_rules_category_for_code (st->rules, line->revenue_code, &known);
      if (!known)
        g_array_append_val (unknown, i);
      add_line_to_category (st, category_for (st, by_key, key), line, i);
    }

  g_hash_table_iter_init (&iter, by_key);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      CstStatementCategory *category = value;
      /* Hide categories whose charges net to zero (fully reversed). */
      if (category->charges_cents != 0)
        g_ptr_array_add (st->categories, category);
      else
        category_free (category);
    }
  g_ptr_array_sort_with_data (st->categories, compare_categories, st->rules);
  flag_unknown_codes (st, unknown);
  flag_review_notes (st);
}

/* The variant by the age of the balance.  Without the first statement's
 * date the age is unknown: the statement's number decides, and it is
 * never a final notice, whose collections date counts from that day. */
static void
compute_variant (CstStatement *st)
{
  CstBill *bill = st->bill;
  CstStatementTemplate *tpl = st->template;
  guint collections = MAX (cst_statement_template_get_days (tpl, "collections-after-days",
                                                            CST_STATEMENT_COLLECTIONS_MIN_DAYS),
                           CST_STATEMENT_COLLECTIONS_MIN_DAYS);
  GDate earliest;

  g_date_clear (&st->collections_date, 1);
  st->age_days = -1;
  if (!g_date_valid (&bill->first_statement_date))
    {
      st->variant = bill->statement_sequence >= 3 ? CST_VARIANT_PAST_DUE
                  : bill->statement_sequence == 2 ? CST_VARIANT_REMINDER : CST_VARIANT_FIRST;
      return;
    }
  st->age_days = g_date_days_between (&bill->first_statement_date, &bill->statement_date);
  if ((guint) st->age_days >= cst_statement_template_get_days (tpl, "final-notice-after-days", 90))
    st->variant = CST_VARIANT_FINAL_NOTICE;
  else if ((guint) st->age_days >= cst_statement_template_get_days (tpl, "past-due-after-days", 60))
    st->variant = CST_VARIANT_PAST_DUE;
  else if ((guint) st->age_days >= cst_statement_template_get_days (tpl, "reminder-after-days", 30))
    st->variant = CST_VARIANT_REMINDER;
  else
    st->variant = CST_VARIANT_FIRST;
  if (st->variant != CST_VARIANT_FINAL_NOTICE)
    return;
  /* Not before 120 days from the first statement, and not before the
   * final notice's own lead time has passed since this statement. */
  st->collections_date = bill->first_statement_date;
  g_date_add_days (&st->collections_date, collections);
  earliest = bill->statement_date;
  g_date_add_days (&earliest, cst_statement_template_get_days (tpl, "final-notice-lead-days", 30));
  if (g_date_compare (&earliest, &st->collections_date) > 0)
    st->collections_date = earliest;
}

/* Financial help from a screening (cst-assistance.h).  What the patient
 * is personally responsible for, counting the financial help already on
 * the bill, loses the band's discount (rounded in the patient's favour)
 * and is never more than AGB of the gross charges; what that takes off
 * beyond the help already on the bill is the assistance line. */
static void
apply_assistance (CstStatement                 *st,
                  const CstAssistanceScreening *screening)
{
  gint64 owed, owed_after;

  st->affordable_plan = -1;
  if (screening == NULL || screening->kind == CST_ASSISTANCE_NOT_ELIGIBLE)
    return;
  st->assisted = TRUE;
  st->assistance_discount_percent = screening->discount_percent;
  st->affordable_monthly_cents = screening->affordable_monthly_cents;
  st->agb_limit_cents = st->total_charges_cents * screening->agb_basis_points / 10000;
  owed = st->total_patient_resp_cents + st->total_fap_adjustment_cents;
  if (owed <= 0)
    return;
  owed_after = owed - (owed * screening->discount_percent + 99) / 100;
  if (owed_after > st->agb_limit_cents)
    {
      owed_after = MAX (st->agb_limit_cents, 0);
      st->agb_capped = TRUE;
    }
  st->assistance_cents = MAX (owed - owed_after - st->total_fap_adjustment_cents, 0);
  st->balance_cents -= st->assistance_cents;
}

static void
compute_totals (CstStatement                 *st,
                const CstAssistanceScreening *screening)
{
  CstBill *bill = st->bill;

  if (st->claim_level)
    {
      st->total_insurer_paid_cents = bill->claim_insurer_paid_cents;
      st->total_adjustment_cents = bill->claim_adjustment_cents;
      st->total_patient_resp_cents = st->total_charges_cents - bill->claim_insurer_paid_cents -
                                     bill->claim_adjustment_cents;
    }
  st->total_fap_adjustment_cents = bill->fap_adjustment_cents;
  st->total_contract_adjustment_cents = st->total_adjustment_cents - bill->fap_adjustment_cents;
  st->patient_payments_cents = bill->patient_payments_cents;
  st->other_credits_cents = bill->other_credits_cents;
  st->balance_cents = st->total_patient_resp_cents - st->patient_payments_cents -
                      st->other_credits_cents;
  apply_assistance (st, screening);
  compute_variant (st);
  st->credit_cents = st->balance_cents < 0 ? -st->balance_cents : 0;
  /* An itemized bill (a CSV) names no payer, yet its lines say insurance
   * paid: the statement must not then say there is no insurance.  An
   * adjustment alone proves nothing (a self-pay discount is one too). */
  st->insured = bill->payer_name != NULL || st->total_insurer_paid_cents != 0;
  /* While the claim is pending nothing is due yet (statement-spec 7.2). */
  st->amount_due_cents = bill->claim_status == CST_CLAIM_PENDING ? 0 : MAX (st->balance_cents, 0);

  if (bill->claim_status == CST_CLAIM_PENDING)
    st->status = CST_STATUS_WAITING_FOR_INSURANCE;
  else if (st->credit_cents > 0)
    st->status = CST_STATUS_CREDIT;
  else if (st->amount_due_cents == 0)
    st->status = CST_STATUS_PAID_IN_FULL;
  else if (st->variant >= CST_VARIANT_PAST_DUE)
    st->status = CST_STATUS_PAST_DUE;
  else if (st->variant == CST_VARIANT_REMINDER)
    st->status = CST_STATUS_REMINDER;
  else
    st->status = CST_STATUS_NEW_BILL;
}

/* ---- Detail items: reversals netted, duplicates flagged ------------------ */

static char *
item_key (const CstBillLine *line)
{
  return g_strdup_printf ("%u|%s|%s", g_date_get_julian (&line->service_date),
                          line->revenue_code, line->cpt_hcpcs);
}

static CstStatementItem *
item_new (CstStatement      *st,
          const CstBillLine *line,
          guint              index)
{
  CstStatementItem *item = g_new0 (CstStatementItem, 1);

  item->service_date = line->service_date;
  item->category_key = cst_statement_rules_category_for_code (st->rules, line->revenue_code, NULL);
  item->description = cst_statement_rules_plain_description (st->rules, line, st->language);
  item->original = g_strdup (line->description);
  memcpy (item->revenue_code, line->revenue_code, sizeof item->revenue_code);
  memcpy (item->cpt_hcpcs, line->cpt_hcpcs, sizeof item->cpt_hcpcs);
  item->units = line->units;
  item->charge_cents = line->charge_cents;
  item->insurer_paid_cents = line->insurer_paid_cents;
  item->adjustment_cents = line->adjustment_cents;
  item->patient_resp_cents = line->patient_resp_cents;
  item->lines = index_array_new ();
  g_array_append_val (item->lines, index);
  return item;
}

static void
net_into (CstStatementItem  *item,
          const CstBillLine *reversal,
          guint              index)
{
  item->units += reversal->units;
  item->charge_cents += reversal->charge_cents;
  item->insurer_paid_cents += reversal->insurer_paid_cents;
  item->adjustment_cents += reversal->adjustment_cents;
  item->patient_resp_cents += reversal->patient_resp_cents;
  g_array_append_val (item->lines, index);
}

/* The reversal's match: same date, revenue code and HCPCS, preferring a
 * line whose charge it cancels exactly, and never one already cancelled. */
static CstStatementItem *
find_match (GPtrArray         *candidates,
            const CstBillLine *reversal)
{
  CstStatementItem *fallback = NULL;

  for (guint i = 0; candidates && i < candidates->len; i++)
    {
      CstStatementItem *item = g_ptr_array_index (candidates, i);

      if (item->charge_cents <= 0)
        continue;
      if (item->charge_cents == -reversal->charge_cents)
        return item;
      if (fallback == NULL)
        fallback = item;
    }
  return fallback;
}

static void
build_items (CstStatement *st,
             GPtrArray    *items)
{
  g_autoptr(GHashTable) by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                        (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GArray) unmatched = index_array_new ();

  /* Two passes, so a reversal listed before its charge still finds it. */
  for (guint i = 0; i < st->bill->lines->len; i++)
    {
      const CstBillLine *line = line_at (st, i);
      CstStatementItem *item;
      char *key;
      GPtrArray *same;

      if (line->charge_cents < 0 || cst_statement_rules_is_total_code (st->rules, line->revenue_code))
        continue;
      item = item_new (st, line, i);
      g_ptr_array_add (items, item);
      key = item_key (line);
      same = g_hash_table_lookup (by_key, key);
      if (same == NULL)
        g_hash_table_insert (by_key, key, (same = g_ptr_array_new ()));
      else
        g_free (key);
      g_ptr_array_add (same, item);
    }
  for (guint i = 0; i < st->bill->lines->len; i++)
    {
      const CstBillLine *line = line_at (st, i);
      g_autofree char *key = NULL;
      CstStatementItem *match;

      if (line->charge_cents >= 0)
        continue;
      key = item_key (line);
      match = find_match (g_hash_table_lookup (by_key, key), line);
      if (match != NULL)
        net_into (match, line, i);
      else
        {
          g_ptr_array_add (items, item_new (st, line, i));
          g_array_append_val (unmatched, i);
        }
    }
  if (unmatched->len > 0)
    add_flag (st, CST_FLAG_UNMATCHED_REVERSAL, unmatched,
              g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "%u credit line matches no charge with the same date, "
                                            "revenue code and HCPCS code; it is shown on its own.",
                                            "%u credit lines match no charge with the same date, "
                                            "revenue code and HCPCS code; they are shown on their own.",
                                            unmatched->len), unmatched->len));
}

static char *
duplicate_key (const CstStatementItem *item)
{
  return g_strdup_printf ("%u|%s|%s|%" G_GINT64_FORMAT "|%" G_GINT64_FORMAT,
                          g_date_get_julian (&item->service_date), item->revenue_code,
                          item->cpt_hcpcs, item->units, item->charge_cents);
}

/* Same date, revenue code, HCPCS, units and charge: flagged for a person
 * to decide, never removed (two identical doses can both be real). */
static void
flag_duplicates (CstStatement *st)
{
  g_autoptr(GHashTable) groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                        (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();

  for (guint i = 0; i < st->items->len; i++)
    {
      CstStatementItem *item = g_ptr_array_index (st->items, i);
      char *key = duplicate_key (item);
      GPtrArray *group = g_hash_table_lookup (groups, key);

      if (group == NULL)
        {
          group = g_ptr_array_new ();
          g_hash_table_insert (groups, key, group);
          g_ptr_array_add (order, group);
        }
      else
        g_free (key);
      g_ptr_array_add (group, item);
    }
  for (guint g = 0; g < order->len; g++)
    {
      GPtrArray *group = g_ptr_array_index (order, g);
      g_autoptr(GArray) lines = NULL;
      CstStatementItem *first = g_ptr_array_index (group, 0);

      if (group->len < 2)
        continue;
      lines = index_array_new ();
      for (guint i = 0; i < group->len; i++)
        {
          CstStatementItem *item = g_ptr_array_index (group, i);
          item->possible_duplicate = TRUE;
          g_array_append_val (lines, g_array_index (item->lines, guint, 0));
        }
      add_flag (st, CST_FLAG_POSSIBLE_DUPLICATE, lines,
                g_strdup_printf (_("Possible duplicate: “%s” appears %u times on the same day "
                                   "with the same codes, quantity and charge. Check it before "
                                   "sending; nothing was removed."), first->original, group->len));
    }
}

static GHashTable *
category_positions (CstStatement *st)
{
  GHashTable *positions = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < st->categories->len; i++)
    {
      CstStatementCategory *category = g_ptr_array_index (st->categories, i);
      g_hash_table_insert (positions, category->key, GUINT_TO_POINTER (i + 1));
    }
  return positions;
}

static int
compare_items (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  const CstStatementItem *x = *(CstStatementItem *const *) a;
  const CstStatementItem *y = *(CstStatementItem *const *) b;
  GHashTable *positions = user_data;
  int by_date = g_date_compare (&x->service_date, &y->service_date);
  guint px, py, lx, ly;

  /* By date, then in the order the categories are shown, then as billed. */
  if (by_date != 0)
    return by_date;
  px = GPOINTER_TO_UINT (g_hash_table_lookup (positions, x->category_key));
  py = GPOINTER_TO_UINT (g_hash_table_lookup (positions, y->category_key));
  if (px != py)
    return (px > py) - (px < py);
  lx = g_array_index (x->lines, guint, 0);
  ly = g_array_index (y->lines, guint, 0);
  return (lx > ly) - (lx < ly);
}

static void
compute_items (CstStatement *st)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new ();
  g_autoptr(GHashTable) positions = NULL;

  build_items (st, all);
  /* A charge fully cancelled by its reversal leaves nothing to show on
   * the statement; both lines stay in the original bill view. */
  for (guint i = 0; i < all->len; i++)
    {
      CstStatementItem *item = g_ptr_array_index (all, i);

      if (item->charge_cents == 0 && item->insurer_paid_cents == 0 &&
          item->adjustment_cents == 0 && item->patient_resp_cents == 0 && item->lines->len > 1)
        item_free (item);
      else
        g_ptr_array_add (st->items, item);
    }
  positions = category_positions (st);
  g_ptr_array_sort_with_data (st->items, compare_items, positions);
  flag_duplicates (st);
  for (guint i = 0; i < st->items->len; i++)
    st->detail_total_cents += ((CstStatementItem *) g_ptr_array_index (st->items, i))->charge_cents;
}

/* ---- Waterfall, plans, reconciliation ------------------------------------ */

static void
add_row (CstStatement *st,
         const char   *key,
         gint64        amount,
         int           sign)
{
  CstWaterfallRow *row = g_new0 (CstWaterfallRow, 1);

  row->key = key;
  row->label = cst_statement_dup_text (st, key);
  row->amount_cents = amount;
  row->sign = sign;
  g_ptr_array_add (st->waterfall, row);
}

static void
compute_waterfall (CstStatement *st)
{
  add_row (st, "how-charges", st->total_charges_cents, +1);
  add_row (st, "how-insurance", st->total_insurer_paid_cents, -1);
  add_row (st, "how-discount", st->total_contract_adjustment_cents, -1);
  if (st->total_fap_adjustment_cents != 0)
    add_row (st, "how-fap", st->total_fap_adjustment_cents, -1);
  if (st->assistance_cents != 0)
    add_row (st, "how-assistance", st->assistance_cents, -1);
  if (st->patient_payments_cents != 0)
    add_row (st, "how-paid", st->patient_payments_cents, -1);
  if (st->other_credits_cents != 0)
    add_row (st, "how-credits", st->other_credits_cents, -1);
  if (st->balance_cents < 0)
    add_row (st, "how-credit", st->credit_cents, 0);
  else
    add_row (st, "how-owe", st->balance_cents, 0);
}

/* The template's plans; on a balance after financial help, the policy's
 * (no interest), with the shortest the household can afford marked, or
 * else the longest. */
static void
compute_plans (CstStatement                 *st,
               const CstAssistanceScreening *screening)
{
  gboolean assisted = st->assisted && screening != NULL;
  guint n_months = 0;
  const guint *months = assisted ? (n_months = screening->n_plan_months, screening->plan_months)
                                 : cst_statement_template_get_plan_months (st->template, &n_months);
  guint apr = assisted ? 0 : cst_statement_template_get_plan_apr (st->template);
  gint64 minimum = assisted ? screening->plan_minimum_monthly_cents
                            : cst_statement_template_get_plan_minimum (st->template);

  for (guint i = 0; i < n_months; i++)
    {
      CstPaymentPlan plan;

      if (!cst_payment_plan_compute (st->amount_due_cents, months[i], apr, &plan) ||
          plan.monthly_cents < minimum || plan.months < 2)
        continue;
      g_ptr_array_add (st->plans, g_memdup2 (&plan, sizeof plan));
      if (assisted && st->affordable_plan < 0 && plan.monthly_cents <= st->affordable_monthly_cents)
        st->affordable_plan = (int) st->plans->len - 1;
    }
  if (assisted && st->affordable_plan < 0 && st->plans->len > 0)
    st->affordable_plan = (int) st->plans->len - 1;
}

static void
mismatch (CstStatement *st,
          GString      *why,
          const char   *what,
          gint64        expected,
          gint64        found)
{
  g_autofree char *a = cst_money_format (expected);
  g_autofree char *b = cst_money_format (found);

  st->reconciled = FALSE;
  g_string_append_printf (why, "%s%s: %s ≠ %s", why->len ? "; " : "", what, a, b);
}

static void
reconcile (CstStatement *st,
           gint64        total_line_cents,
           gboolean      has_total_line)
{
  g_autoptr(GString) why = g_string_new (NULL);
  gint64 sums[4] = { 0 };
  gint64 waterfall = 0;

  st->reconciled = TRUE;
  for (guint i = 0; i < st->categories->len; i++)
    {
      CstStatementCategory *c = g_ptr_array_index (st->categories, i);
      sums[0] += c->charges_cents;
      sums[1] += c->insurer_paid_cents;
      sums[2] += c->adjustment_cents;
      sums[3] += c->patient_resp_cents;
    }
  if (sums[0] != st->total_charges_cents)
    mismatch (st, why, _("category charges and total charges"), st->total_charges_cents, sums[0]);
  if (!st->claim_level && sums[3] != st->total_patient_resp_cents)
    mismatch (st, why, _("category amounts you owe and the total"),
              st->total_patient_resp_cents, sums[3]);
  if (st->detail_total_cents != st->total_charges_cents)
    mismatch (st, why, _("detail lines and total charges"), st->total_charges_cents,
              st->detail_total_cents);
  if (st->total_charges_cents != st->total_insurer_paid_cents + st->total_adjustment_cents +
                                 st->total_patient_resp_cents)
    mismatch (st, why, _("charges and insurance paid + adjustments + patient amount"),
              st->total_charges_cents, st->total_insurer_paid_cents +
              st->total_adjustment_cents + st->total_patient_resp_cents);
  if (st->total_contract_adjustment_cents < 0)
    mismatch (st, why, _("financial help is larger than all adjustments"),
              st->total_adjustment_cents, st->total_fap_adjustment_cents);
  if (st->claim_level && st->total_patient_resp_cents < 0)
    mismatch (st, why, _("claim payments are larger than the charges"),
              st->total_charges_cents, st->total_insurer_paid_cents + st->total_adjustment_cents);
  if (has_total_line && total_line_cents != st->total_charges_cents)
    mismatch (st, why, _("the bill's total line and the sum of its lines"), total_line_cents,
              st->total_charges_cents);
  for (guint i = 0; i < st->waterfall->len; i++)
    {
      CstWaterfallRow *row = g_ptr_array_index (st->waterfall, i);
      waterfall += row->sign * row->amount_cents;
    }
  if (waterfall != st->balance_cents)
    mismatch (st, why, _("the waterfall and the balance"), st->balance_cents, waterfall);
  if (!st->reconciled)
    add_flag (st, CST_FLAG_NOT_RECONCILED, NULL,
              g_strdup_printf (_("The statement does not add up: %s."), why->str));
}

static void
score_prose (CstStatement *st)
{
  g_autofree char *text = NULL;

  g_ptr_array_add (st->prose, NULL);
  text = g_strjoinv ("\n", (char **) st->prose->pdata);
  g_ptr_array_set_size (st->prose, st->prose->len - 1);
  cst_readability_score_text (text, st->language, &st->readability);
  if (!st->readability.scored || cst_readability_meets_target (&st->readability))
    return;
  if (st->readability.formula == CST_READABILITY_INFLESZ)
    add_flag (st, CST_FLAG_READABILITY, NULL,
              g_strdup_printf (_("The statement’s text scores %.0f on the INFLESZ scale (%s); "
                                 "aim for 55 or more. Shorten long sentences and long words."),
                               st->readability.perspicuity,
                               cst_readability_inflesz_band (st->readability.perspicuity)));
  else
    add_flag (st, CST_FLAG_READABILITY, NULL,
              g_strdup_printf (_("The statement’s text reads at grade %.1f; aim for grade 8 or "
                                 "lower (6 is better). Shorten long sentences and long words."),
                               st->readability.grade));
}

/**
 * cst_statement_new:
 * @bill: the bill; its account fields must be complete (see
 *   cst_bill_fill_defaults())
 *
 * Returns: (transfer full): the statement, or NULL when the bill is not
 *   valid.  A statement that does not add up is still returned, with
 *   reconciled FALSE and a CST_FLAG_NOT_RECONCILED flag.
 */
CstStatement *
cst_statement_new (CstBill              *bill,
                   CstStatementRules    *rules,
                   CstStatementTemplate *tpl,
                   GError              **error)
{
  return cst_statement_new_assisted (bill, rules, tpl, NULL, error);
}

/**
 * cst_statement_new_assisted:
 * @screening: (nullable): the patient's financial-assistance screening
 *
 * cst_statement_new() with the screening's discount, AGB limit and plan
 * rule applied (cst-assistance.h).
 */
CstStatement *
cst_statement_new_assisted (CstBill                      *bill,
                            CstStatementRules            *rules,
                            CstStatementTemplate         *tpl,
                            const CstAssistanceScreening *screening,
                            GError                      **error)
{
  g_autoptr(CstStatement) st = NULL;
  gint64 total_line_cents = 0;
  gboolean has_total_line = FALSE;

  g_return_val_if_fail (bill != NULL && rules != NULL && tpl != NULL, NULL);
  if (!cst_bill_validate (bill, error))
    return NULL;

  st = g_new0 (CstStatement, 1);
  g_atomic_ref_count_init (&st->ref_count);
  st->bill = cst_bill_ref (bill);
  st->rules = cst_statement_rules_ref (rules);
  st->template = cst_statement_template_ref (tpl);
  st->language = g_strdup (cst_statement_template_get_language (tpl));
  st->claim_level = bill->claim_level_payment;
  st->categories = g_ptr_array_new_with_free_func ((GDestroyNotify) category_free);
  st->items = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);
  st->waterfall = g_ptr_array_new_with_free_func ((GDestroyNotify) waterfall_row_free);
  st->plans = g_ptr_array_new_with_free_func (g_free);
  st->flags = g_ptr_array_new_with_free_func ((GDestroyNotify) flag_free);
  st->prose = g_ptr_array_new_with_free_func (g_free);

  compute_categories (st, &total_line_cents, &has_total_line);
  compute_totals (st, screening);
  compute_items (st);
  /* The waterfall's labels are filled in from the values. */
  cst_statement_build_values (st);
  compute_waterfall (st);
  compute_plans (st, screening);
  reconcile (st, total_line_cents, has_total_line);
  cst_statement_build_prose (st);
  score_prose (st);
  return g_steal_pointer (&st);
}

CstStatement *
cst_statement_ref (CstStatement *statement)
{
  g_atomic_ref_count_inc (&statement->ref_count);
  return statement;
}

void
cst_statement_unref (CstStatement *st)
{
  if (st == NULL || !g_atomic_ref_count_dec (&st->ref_count))
    return;
  g_clear_pointer (&st->categories, g_ptr_array_unref);
  g_clear_pointer (&st->items, g_ptr_array_unref);
  g_clear_pointer (&st->waterfall, g_ptr_array_unref);
  g_clear_pointer (&st->plans, g_ptr_array_unref);
  g_clear_pointer (&st->flags, g_ptr_array_unref);
  g_clear_pointer (&st->prose, g_ptr_array_unref);
  g_clear_pointer (&st->values, g_hash_table_unref);
  g_clear_pointer (&st->bill, cst_bill_unref);
  g_clear_pointer (&st->rules, cst_statement_rules_unref);
  g_clear_pointer (&st->template, cst_statement_template_unref);
  g_clear_pointer (&st->shipped, cst_statement_template_unref);
  g_clear_pointer (&st->remittance, cst_remittance_unref);
  g_free (st->language);
  g_free (st->pay_link);
  g_free (st);
}

const CstStatementCategory *
cst_statement_find_category (CstStatement *statement,
                             const char   *key)
{
  for (guint i = 0; i < statement->categories->len; i++)
    {
      const CstStatementCategory *category = g_ptr_array_index (statement->categories, i);
      if (g_str_equal (category->key, key))
        return category;
    }
  return NULL;
}

/**
 * cst_statement_lines_for_category:
 *
 * Returns: (transfer full) (nullable): indexes into bill->lines of the
 *   category's source lines, for highlighting them in the original bill
 */
GArray *
cst_statement_lines_for_category (CstStatement *statement,
                                  const char   *key)
{
  const CstStatementCategory *category = cst_statement_find_category (statement, key);

  return category ? g_array_ref (category->lines) : NULL;
}

guint
cst_statement_count_flags (CstStatement         *statement,
                           CstStatementFlagKind  kind)
{
  guint n = 0;

  for (guint i = 0; i < statement->flags->len; i++)
    n += ((CstStatementFlag *) g_ptr_array_index (statement->flags, i))->kind == kind;
  return n;
}

const char *
cst_statement_status_to_nick (CstStatementStatus status)
{
  static const char *const nicks[] = { "new-bill", "reminder", "past-due", "paid-in-full",
                                       "credit", "waiting-for-insurance" };

  g_return_val_if_fail ((guint) status < G_N_ELEMENTS (nicks), NULL);
  return nicks[status];
}

const char *
cst_statement_variant_to_nick (CstStatementVariant variant)
{
  static const char *const nicks[] = { "first", "reminder", "past-due", "final-notice" };

  g_return_val_if_fail ((guint) variant < G_N_ELEMENTS (nicks), NULL);
  return nicks[variant];
}

const char *
cst_statement_flag_kind_to_nick (CstStatementFlagKind kind)
{
  static const char *const nicks[] = { "not-reconciled", "unknown-revenue-code",
                                       "possible-duplicate", "unmatched-reversal", "readability",
                                       "often-not-covered" };

  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (nicks), NULL);
  return nicks[kind];
}
