/* cst-statement-json.c — the statement summary as JSON
 *
 * Written with the shared CstJsonWriter (json-glib is not a dependency).
 * The summary
 * holds totals, category subtotals, readability and flags; it names no
 * patient and no account, so it can be attached to a ticket or a log.
 */
#define G_LOG_DOMAIN "cst-statement-json"

#include "config.h"

#include <math.h>
#include <string.h>

#include "custodian/cst-input.h"
#include "custodian/cst-json-writer.h"
#include "custodian/cst-statement.h"

/* Thin helpers over the shared writer: one key and its value. */
typedef CstJsonWriter Json;

static void
key (Json       *j,
     const char *name)
{
  cst_json_writer_key (j, name);
}

static void
open_scope (Json *j,
            char  bracket)
{
  if (bracket == '{')
    cst_json_writer_begin_object (j);
  else
    cst_json_writer_begin_array (j);
}

static void
close_scope (Json *j,
             char  bracket)
{
  if (bracket == '}')
    cst_json_writer_end_object (j);
  else
    cst_json_writer_end_array (j);
}

static void
member_string (Json       *j,
               const char *name,
               const char *value)
{
  key (j, name);
  cst_json_writer_string (j, value);
}

static void
member_int (Json       *j,
            const char *name,
            gint64      value)
{
  key (j, name);
  cst_json_writer_int (j, value);
}

static void
member_bool (Json       *j,
             const char *name,
             gboolean    value)
{
  key (j, name);
  cst_json_writer_bool (j, value);
}

static void
member_number (Json       *j,
               const char *name,
               double      value,
               gboolean    present)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  key (j, name);
  /* The shared writer has no number type: let it place a null (and its
   * comma bookkeeping), then put the number where the null stands. */
  cst_json_writer_null (j);
  if (present && isfinite (value))
    {
      g_string_truncate (j->out, j->out->len - strlen ("null"));
      g_string_append (j->out, g_ascii_formatd (buffer, sizeof buffer, "%.2f", value));
    }
}

static void
member_date (Json        *j,
             const char  *name,
             const GDate *date)
{
  g_autofree char *text = cst_input_format_date (date);

  member_string (j, name, *text ? text : NULL);
}

/* Lines are reported as CSV line numbers, which staff can find in the file. */
static void
member_lines (Json         *j,
              CstStatement *st,
              GArray       *lines)
{
  key (j, "lines");
  open_scope (j, '[');
  for (guint i = 0; i < lines->len; i++)
    {
      const CstBillLine *line = g_ptr_array_index (st->bill->lines, g_array_index (lines, guint, i));
      cst_json_writer_int (j, line->source_line);
    }
  close_scope (j, ']');
}

static void
write_totals (Json         *j,
              CstStatement *st)
{
  key (j, "totals");
  open_scope (j, '{');
  member_int (j, "charges_cents", st->total_charges_cents);
  member_int (j, "insurer_paid_cents", st->total_insurer_paid_cents);
  member_int (j, "adjustment_cents", st->total_adjustment_cents);
  member_int (j, "contract_adjustment_cents", st->total_contract_adjustment_cents);
  member_int (j, "fap_adjustment_cents", st->total_fap_adjustment_cents);
  member_int (j, "patient_resp_cents", st->total_patient_resp_cents);
  member_int (j, "patient_payments_cents", st->patient_payments_cents);
  member_int (j, "other_credits_cents", st->other_credits_cents);
  member_int (j, "balance_cents", st->balance_cents);
  member_int (j, "amount_due_cents", st->amount_due_cents);
  member_int (j, "credit_cents", st->credit_cents);
  member_int (j, "detail_total_cents", st->detail_total_cents);
  close_scope (j, '}');
}

/* The payer's remittance, when the statement has one: the claim is the
 * payer's claim number (else the hospital's patient control number). */
static void
write_remittance (Json         *j,
                  CstStatement *st)
{
  const CstRemittanceClaim *claim = st->remittance_claim;
  CstRemittanceSummary s;

  if (claim == NULL)
    return;
  cst_remittance_claim_summarize (claim, &s);
  key (j, "remittance");
  open_scope (j, '{');
  member_string (j, "claim", claim->payer_claim_number ? claim->payer_claim_number : claim->patient_control_number);
  member_string (j, "patient_control_number", claim->patient_control_number);
  member_string (j, "payer", st->remittance->payer);
  member_int (j, "charges_cents", s.charge_cents);
  member_int (j, "insurance_paid_cents", s.insurance_paid_cents);
  member_int (j, "adjustments_cents", s.adjustments_cents);
  member_int (j, "patient_responsibility_cents", s.patient_responsibility_cents);
  member_int (j, "deductible_cents", s.deductible_cents);
  member_int (j, "coinsurance_cents", s.coinsurance_cents);
  member_int (j, "copay_cents", s.copay_cents);
  member_int (j, "other_patient_cents", s.other_patient_cents);
  close_scope (j, '}');
}

static void
write_categories (Json         *j,
                  CstStatement *st)
{
  key (j, "categories");
  open_scope (j, '[');
  for (guint i = 0; i < st->categories->len; i++)
    {
      CstStatementCategory *c = g_ptr_array_index (st->categories, i);

      open_scope (j, '{');
      member_string (j, "key", c->key);
      member_string (j, "label", c->label);
      member_int (j, "charges_cents", c->charges_cents);
      /* Claim-level bills have no true per-category split: say so. */
      if (st->claim_level)
        {
          member_string (j, "insurer_paid_cents", NULL);
          member_string (j, "adjustment_cents", NULL);
          member_string (j, "patient_resp_cents", NULL);
        }
      else
        {
          member_int (j, "insurer_paid_cents", c->insurer_paid_cents);
          member_int (j, "adjustment_cents", c->adjustment_cents);
          member_int (j, "patient_resp_cents", c->patient_resp_cents);
        }
      member_lines (j, st, c->lines);
      close_scope (j, '}');
    }
  close_scope (j, ']');
}

static void
write_waterfall_and_plans (Json         *j,
                           CstStatement *st)
{
  key (j, "waterfall");
  open_scope (j, '[');
  for (guint i = 0; i < st->waterfall->len; i++)
    {
      CstWaterfallRow *row = g_ptr_array_index (st->waterfall, i);
      open_scope (j, '{');
      member_string (j, "key", row->key);
      member_string (j, "label", row->label);
      member_int (j, "amount_cents", row->amount_cents);
      member_int (j, "sign", row->sign);
      close_scope (j, '}');
    }
  close_scope (j, ']');

  key (j, "payment_plans");
  open_scope (j, '[');
  for (guint i = 0; i < st->plans->len; i++)
    {
      CstPaymentPlan *plan = g_ptr_array_index (st->plans, i);
      open_scope (j, '{');
      member_int (j, "months", plan->months);
      member_int (j, "monthly_cents", plan->monthly_cents);
      member_int (j, "last_cents", plan->last_cents);
      member_int (j, "total_cents", plan->total_cents);
      member_int (j, "apr_basis_points", plan->apr_basis_points);
      close_scope (j, '}');
    }
  close_scope (j, ']');
}

static void
write_readability (Json         *j,
                   CstStatement *st)
{
  const CstReadability *r = &st->readability;
  gboolean flesch = r->scored && r->formula == CST_READABILITY_FLESCH;
  gboolean inflesz = r->scored && r->formula == CST_READABILITY_INFLESZ;

  key (j, "readability");
  open_scope (j, '{');
  member_bool (j, "scored", r->scored);
  member_string (j, "formula", flesch ? "flesch" : inflesz ? "szigriszt-pazos-inflesz" : "none");
  member_number (j, "flesch_kincaid_grade", r->grade, flesch);
  member_number (j, "flesch_reading_ease", r->reading_ease, flesch);
  member_number (j, "smog", r->smog, flesch);
  member_number (j, "szigriszt_pazos_perspicuity", r->perspicuity, inflesz);
  member_number (j, "fernandez_huerta", r->fernandez_huerta, inflesz);
  member_int (j, "words", r->words);
  member_int (j, "sentences", r->sentences);
  member_int (j, "syllables", r->syllables);
  member_int (j, "long_sentences", r->long_sentences);
  member_int (j, "target_grade", 8);
  member_number (j, "target_inflesz", CST_READABILITY_INFLESZ_TARGET, TRUE);
  member_bool (j, "meets_target", cst_readability_meets_target (r));
  /* Below about 100 words the score is unstable (statement-spec 5). */
  member_bool (j, "short_text", r->words < 100);
  close_scope (j, '}');
}

static void
write_flags (Json         *j,
             CstStatement *st)
{
  key (j, "flags");
  open_scope (j, '[');
  for (guint i = 0; i < st->flags->len; i++)
    {
      CstStatementFlag *flag = g_ptr_array_index (st->flags, i);
      open_scope (j, '{');
      member_string (j, "kind", cst_statement_flag_kind_to_nick (flag->kind));
      member_string (j, "message", flag->message);
      member_lines (j, st, flag->lines);
      close_scope (j, '}');
    }
  close_scope (j, ']');
}

/* The visit's estimate compared with this bill, when there was one. */
static void
write_estimate (Json         *j,
                CstStatement *st)
{
  if (!st->has_estimate)
    return;
  key (j, "estimate");
  open_scope (j, '{');
  member_bool (j, "self_pay", st->estimate_self_pay);
  member_int (j, "estimate_cents", st->estimate_cents);
  member_int (j, "this_bill_cents", st->total_patient_resp_cents);
  member_int (j, "difference_cents", st->estimate_difference_cents);
  member_bool (j, "dispute_notice", st->dispute_notice_due);
  if (st->dispute_notice_due)
    member_date (j, "dispute_deadline", &st->dispute_deadline);
  close_scope (j, '}');
}

/* The variant by age and, for a final notice, the collections date. */
static void
write_variant (Json         *j,
               CstStatement *st)
{
  member_string (j, "variant", cst_statement_variant_to_nick (st->variant));
  if (st->age_days >= 0)
    member_int (j, "age_days", st->age_days);
  if (g_date_valid (&st->collections_date))
    member_date (j, "collections_date", &st->collections_date);
}

/* Financial help from a screening, when the patient was eligible. */
static void
write_assistance (Json         *j,
                  CstStatement *st)
{
  if (!st->assisted)
    return;
  key (j, "assistance");
  open_scope (j, '{');
  member_int (j, "discount_percent", st->assistance_discount_percent);
  member_int (j, "assistance_cents", st->assistance_cents);
  member_int (j, "agb_limit_cents", st->agb_limit_cents);
  member_bool (j, "agb_capped", st->agb_capped);
  member_int (j, "affordable_monthly_cents", st->affordable_monthly_cents);
  if (st->affordable_plan >= 0)
    member_int (j, "affordable_plan_months",
                ((CstPaymentPlan *) g_ptr_array_index (st->plans, st->affordable_plan))->months);
  close_scope (j, '}');
}

/**
 * cst_statement_to_json:
 *
 * Returns: (transfer full): the summary as one line of JSON
 */
char *
cst_statement_to_json (CstStatement *st)
{
  GString *out = g_string_new (NULL);
  Json j;

  cst_json_writer_init (&j, out);

  open_scope (&j, '{');
  member_string (&j, "format", "custodian-statement-summary/1");
  member_string (&j, "template", cst_statement_template_get_name (st->template));
  member_int (&j, "template_version", cst_statement_template_get_version (st->template));
  member_string (&j, "language", st->language);
  member_string (&j, "status", cst_statement_status_to_nick (st->status));
  write_variant (&j, st);
  member_bool (&j, "claim_level_payment", st->claim_level);
  member_date (&j, "statement_date", &st->bill->statement_date);
  member_date (&j, "due_date", &st->bill->due_date);
  member_bool (&j, "reconciled", st->reconciled);
  if (st->pay_link != NULL)
    member_string (&j, "pay_link", st->pay_link);
  member_int (&j, "lines_before", st->bill->lines->len);
  member_int (&j, "lines_after", st->items->len);
  write_totals (&j, st);
  write_remittance (&j, st);
  write_estimate (&j, st);
  write_assistance (&j, st);
  write_categories (&j, st);
  write_waterfall_and_plans (&j, st);
  write_readability (&j, st);
  write_flags (&j, st);
  close_scope (&j, '}');
  g_string_append_c (out, '\n');
  return g_string_free (out, FALSE);
}
