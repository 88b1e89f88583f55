/* cst-statement-estimate.c — a statement compared with the visit's estimate
 *
 * The estimate comes as the JSON `custodian-cli estimate render` writes:
 * self_pay with gfe_total_cents (the Good Faith Estimate), or patient_cents
 * (an insured patient's share).  The comparison is exact to the cent, and
 * the dispute notice is due at a difference of $400.00 or more, never at
 * $399.99 (45 CFR 149.620: "at least $400 more").
 */
#define G_LOG_DOMAIN "cst-statement"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "custodian/cst-error.h"
#include "custodian/cst-money.h"
#include "custodian/cst-statement-estimate.h"

/* The 120 calendar days a patient has to start a dispute. */
#define DISPUTE_DAYS 120

static gboolean
refuse (GError     **error,
        const char  *why)
{
  g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
               _("This is not an estimate from “custodian-cli estimate render --json”: %s"), why);
  return FALSE;
}

static gboolean
read_cents (JsonObject  *object,
            const char  *member,
            gint64      *cents,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64 ||
      json_node_get_int (node) < 0)
    {
      g_autofree char *why = g_strdup_printf (_("“%s” is not a whole number of cents."), member);
      return refuse (error, why);
    }
  *cents = json_node_get_int (node);
  return TRUE;
}

gboolean
cst_estimate_summary_parse (const char          *data,
                            gsize                length,
                            CstEstimateSummary  *summary,
                            GError             **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) parse_error = NULL;
  JsonNode *root;
  JsonObject *object;
  JsonNode *self_pay;

  if (!json_parser_load_from_data (parser, data, (gssize) length, &parse_error))
    return refuse (error, parse_error->message);
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return refuse (error, _("it is not a JSON object."));
  object = json_node_get_object (root);
  self_pay = json_object_get_member (object, "self_pay");
  if (self_pay == NULL || json_node_get_value_type (self_pay) != G_TYPE_BOOLEAN)
    return refuse (error, _("“self_pay” is not true or false."));
  summary->self_pay = json_node_get_boolean (self_pay);
  return read_cents (object, summary->self_pay ? "gfe_total_cents" : "patient_cents",
                     &summary->estimate_cents, error);
}

void
cst_statement_set_estimate (CstStatement              *st,
                            const CstEstimateSummary  *summary,
                            const GDate               *first_bill_date)
{
  GDate deadline = first_bill_date ? *first_bill_date : st->bill->statement_date;

  st->has_estimate = TRUE;
  st->estimate_self_pay = summary->self_pay;
  st->estimate_cents = summary->estimate_cents;
  st->estimate_difference_cents = st->total_patient_resp_cents - summary->estimate_cents;
  /* Only a self-pay patient's bill: insurance on the bill means the
   * Good Faith Estimate was not what the patient is billed against. */
  st->dispute_notice_due = summary->self_pay && !st->insured &&
                           st->estimate_difference_cents >= CST_STATEMENT_DISPUTE_THRESHOLD_CENTS;
  g_date_add_days (&deadline, DISPUTE_DAYS);
  st->dispute_deadline = deadline;
  g_hash_table_insert (st->values, (gpointer) "estimate", cst_money_format (st->estimate_cents));
  g_hash_table_insert (st->values, (gpointer) "this_bill", cst_money_format (st->total_patient_resp_cents));
  g_hash_table_insert (st->values, (gpointer) "difference",
                       cst_money_format (ABS (st->estimate_difference_cents)));
  g_hash_table_insert (st->values, (gpointer) "dispute_deadline",
                       cst_statement_template_format_date (st->template, &st->dispute_deadline));
}

/**
 * cst_statement_estimate_lines:
 *
 * Returns: (transfer container) (element-type utf8): the heading, the
 *   comparison in words and, when due, the dispute notice; empty without
 *   an estimate
 */
GPtrArray *
cst_statement_estimate_lines (CstStatement *st)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  const char *compare;

  if (!st->has_estimate)
    return lines;
  g_ptr_array_add (lines, cst_statement_dup_text (st, "estimate-heading"));
  g_ptr_array_add (lines, cst_statement_dup_text (st, st->estimate_self_pay ? "estimate-gfe" : "estimate-insured"));
  if (st->estimate_difference_cents > 0)
    compare = "estimate-more";
  else if (st->estimate_difference_cents < 0)
    compare = "estimate-less";
  else
    compare = "estimate-same";
  g_ptr_array_add (lines, cst_statement_dup_text (st, compare));
  if (st->dispute_notice_due)
    g_ptr_array_add (lines, cst_statement_dup_text (st, "dispute-notice"));
  return lines;
}
