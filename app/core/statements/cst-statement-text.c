/* cst-statement-text.c — the statement's sentences, filled in from the bill
 *
 * The same sentences are printed on the PDF and scored for readability,
 * so the score is the score of what the patient reads.  Only prose is
 * scored (statement-spec 5): notices, explanations and the glossary; not
 * tables, amounts, addresses or the remittance stub.
 */
#define G_LOG_DOMAIN "cst-statement"

#include "config.h"

#include <string.h>

#include "custodian/cst-assistance.h"
#include "custodian/cst-money.h"
#include "custodian/cst-statement.h"

void cst_statement_build_values (CstStatement *statement);
void cst_statement_build_prose  (CstStatement *statement);

static void
put (CstStatement *st,
     const char   *name,
     char         *value)
{
  g_hash_table_insert (st->values, (gpointer) name, value ? value : g_strdup (""));
}

static void
put_facility (CstStatement *st,
              const char   *name,
              const char   *key)
{
  put (st, name, g_strdup (cst_statement_template_get_facility (st->template, key)));
}

static void
add_text (GPtrArray *lines,
          char      *text)
{
  if (*text == '\0')
    g_free (text);
  else
    g_ptr_array_add (lines, text);
}

void
cst_statement_build_values (CstStatement *st)
{
  CstBill *bill = st->bill;
  guint apr = cst_statement_template_get_plan_apr (st->template);

  st->values = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  put (st, "amount", cst_money_format (st->amount_due_cents));
  put (st, "credit", cst_money_format (st->credit_cents));
  put (st, "billed", cst_money_format (st->total_charges_cents));
  put (st, "paid", cst_money_format (st->total_insurer_paid_cents));
  put (st, "discount", cst_money_format (st->total_adjustment_cents));
  put (st, "total", cst_money_format (st->detail_total_cents));
  put (st, "due_date", cst_statement_template_format_date (st->template, &bill->due_date));
  put (st, "statement_date", cst_statement_template_format_date (st->template,
                                                                 &bill->statement_date));
  put (st, "apr", g_strdup_printf ("%u.%02u%%", apr / 100, apr % 100));
  put (st, "payer", g_strdup (bill->payer_name));
  put (st, "claim", g_strdup (bill->claim_number));
  put_facility (st, "facility", "name");
  put_facility (st, "phone_billing", "phone-billing");
  put_facility (st, "billing_hours", "billing-hours");
  put_facility (st, "phone_spanish", "phone-spanish");
  put_facility (st, "phone_assistance", "phone-assistance");
  put_facility (st, "url_pay", "url-pay");
  put_facility (st, "url_assistance", "url-assistance");
  put (st, "collections_date", g_date_valid (&st->collections_date)
                               ? cst_statement_template_format_date (st->template, &st->collections_date)
                               : NULL);
  put (st, "assistance", cst_money_format (st->assistance_cents));
  put (st, "assistance_percent", g_strdup_printf ("%u%%", st->assistance_discount_percent));
  put (st, "agb_limit", cst_money_format (st->agb_limit_cents));
}

/**
 * cst_statement_dup_text:
 * @key: a [wording] key of the template, else a [notices] key
 *
 * Returns: (transfer full): the text with its {placeholders} filled in
 */
char *
cst_statement_dup_text (CstStatement *st,
                        const char   *key)
{
  const char *pattern = cst_statement_template_get_text (st->template, key);

  if (*pattern == '\0')
    pattern = cst_statement_template_get_notice (st->template, key);
  /* Wording this version added after the hospital saved its template
   * (the insurance sentences for a plan not named, say) comes from the
   * shipped template in the same language, rather than leaving a section
   * with nothing under its heading.  A statement is used by one thread at
   * a time, so loading it here is safe. */
  if (*pattern == '\0' && !cst_statement_template_has_text (st->template, key))
    {
      if (st->shipped == NULL)
        st->shipped = cst_statement_template_new_builtin ("standard", st->language, NULL);
      if (st->shipped != NULL)
        pattern = cst_statement_template_get_text (st->shipped, key);
    }
  return cst_format_placeholders (pattern, st->values);
}

static void
add (CstStatement *st,
     const char   *key)
{
  char *text = cst_statement_dup_text (st, key);

  if (*text == '\0')
    {
      g_free (text);
      return;
    }
  g_ptr_array_add (st->prose, text);
}

static void
add_amount_due (CstStatement *st)
{
  if (st->status == CST_STATUS_WAITING_FOR_INSURANCE)
    add (st, "pending");
  else if (st->credit_cents > 0)
    add (st, "credit");
  else if (st->amount_due_cents == 0)
    add (st, "owe-nothing");
  else
    add (st, "pay-by");
  add_text (st->prose, cst_statement_dup_variant_text (st));
}

/**
 * cst_statement_dup_variant_text:
 *
 * Returns: (transfer full): the sentence of the statement's variant (a
 *   reminder, past due, the final notice with its collections date), ""
 *   for a statement that asks for nothing now
 */
char *
cst_statement_dup_variant_text (CstStatement *st)
{
  static const char *const keys[] = { "variant-first", "variant-reminder", "variant-past-due",
                                      "variant-final-notice" };

  if (st->status != CST_STATUS_NEW_BILL && st->status != CST_STATUS_REMINDER &&
      st->status != CST_STATUS_PAST_DUE)
    return g_strdup ("");
  return cst_statement_dup_text (st, keys[st->variant]);
}

/**
 * cst_statement_assistance_lines:
 *
 * Returns: (transfer container) (element-type utf8): see cst-assistance.h
 */
GPtrArray *
cst_statement_assistance_lines (CstStatement *st)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);

  if (!st->assisted)
    return lines;
  if (st->assistance_discount_percent == 100)
    add_text (lines, cst_statement_dup_text (st, "assistance-free"));
  else
    {
      add_text (lines, cst_statement_dup_text (st, "assistance-discount"));
      add_text (lines, cst_statement_dup_text (st, "assistance-agb"));
    }
  if (st->affordable_plan >= 0 && (guint) st->affordable_plan < st->plans->len)
    {
      const CstPaymentPlan *plan = g_ptr_array_index (st->plans, st->affordable_plan);

      g_hash_table_insert (st->values, (gpointer) "plan_months", g_strdup_printf ("%u", plan->months));
      g_hash_table_insert (st->values, (gpointer) "plan_monthly", cst_money_format (plan->monthly_cents));
      add_text (lines, cst_statement_dup_text (st, "assistance-plan"));
    }
  return lines;
}

static void
add_categories (CstStatement *st)
{
  for (guint i = 0; i < st->categories->len; i++)
    {
      CstStatementCategory *category = g_ptr_array_index (st->categories, i);
      if (*category->explanation)
        g_ptr_array_add (st->prose, g_strdup (category->explanation));
    }
  if (st->claim_level)
    add (st, "claim-level");
}

static void
add_ways_to_pay (CstStatement *st)
{
  add (st, "pay-mail");
  if (st->plans->len == 0)
    return;
  add (st, cst_statement_template_get_plan_apr (st->template) ? "plan-intro-apr" : "plan-intro");
  add (st, "plan-last");
  add (st, "plan-missed");
}

/**
 * cst_statement_glossary_keys:
 * @keys: (out caller-allocates): room for 3 wording keys
 *
 * Only the terms that appear on this statement (statement-spec 7.3 §10).
 *
 * Returns: how many keys were stored
 */
guint
cst_statement_glossary_keys (CstStatement  *st,
                             const char   **keys)
{
  guint n = 0;

  if (st->total_contract_adjustment_cents != 0)
    keys[n++] = "glossary-insurance-discount";
  if (st->total_fap_adjustment_cents != 0 || st->assistance_cents != 0)
    keys[n++] = "glossary-financial-help";
  if (cst_statement_find_category (st, "observation") != NULL)
    keys[n++] = "glossary-observation";
  return n;
}

static void
add_glossary (CstStatement *st)
{
  const char *keys[3];
  guint n = cst_statement_glossary_keys (st, keys);

  for (guint i = 0; i < n; i++)
    add (st, keys[i]);
}

/* Which glossary terms appear is decided here once, for the PDF too. */
void
cst_statement_build_prose (CstStatement *st)
{
  guint n = 0;
  const CstStatementSection *sections = cst_statement_template_get_sections (st->template, &n);

  for (guint i = 0; i < n; i++)
    switch (sections[i])
      {
      case CST_SECTION_AMOUNT_DUE:
        add_amount_due (st);
        break;
      case CST_SECTION_CATEGORIES:
        add_categories (st);
        break;
      case CST_SECTION_INSURANCE:
        add (st, !st->insured ? "insurance-none" : st->bill->payer_name ? "eob" : "eob-unnamed");
        break;
      case CST_SECTION_WAYS_TO_PAY:
        add_ways_to_pay (st);
        break;
      case CST_SECTION_HELP_PAYING:
        add (st, "financial-assistance");
        g_ptr_array_extend_and_steal (st->prose, cst_statement_assistance_lines (st));
        break;
      case CST_SECTION_QUESTIONS:
        add (st, "questions");
        add (st, "other-doctors");
        add (st, "thanks");
        break;
      case CST_SECTION_RIGHTS:
        add (st, "rights");
        break;
      case CST_SECTION_GLOSSARY:
        add_glossary (st);
        break;
      case CST_SECTION_HEADER:
      case CST_SECTION_HOW_WE_GOT_THIS:
      case CST_SECTION_REMITTANCE:
      case CST_SECTION_DETAILS:
      case CST_N_SECTIONS:
      default:
        break;
      }
}
