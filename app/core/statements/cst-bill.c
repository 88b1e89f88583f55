/* cst-bill.c — an itemized hospital bill: account fields and charge lines */
#define G_LOG_DOMAIN "cst-bill"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "custodian/cst-bill.h"
#include "custodian/cst-error.h"

G_DEFINE_BOXED_TYPE (CstBill, cst_bill, cst_bill_ref, cst_bill_unref)

static const char *const visit_nicks[] = { "emergency", "outpatient", "inpatient", "observation" };
static const char *const claim_nicks[] = { "processed", "pending", "denied" };

CstBill *
cst_bill_new (void)
{
  CstBill *bill = g_new0 (CstBill, 1);

  g_atomic_ref_count_init (&bill->ref_count);
  g_date_clear (&bill->admit_date, 1);
  g_date_clear (&bill->discharge_date, 1);
  g_date_clear (&bill->claim_processed_date, 1);
  g_date_clear (&bill->statement_date, 1);
  g_date_clear (&bill->due_date, 1);
  g_date_clear (&bill->first_statement_date, 1);
  bill->statement_sequence = 1;
  bill->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_bill_line_free);
  return bill;
}

CstBill *
cst_bill_ref (CstBill *bill)
{
  g_return_val_if_fail (bill != NULL, NULL);
  g_atomic_ref_count_inc (&bill->ref_count);
  return bill;
}

void
cst_bill_unref (CstBill *bill)
{
  if (bill == NULL || !g_atomic_ref_count_dec (&bill->ref_count))
    return;
  g_free (bill->account_number);
  g_free (bill->patient_name);
  g_free (bill->guarantor_name);
  g_free (bill->payer_name);
  g_free (bill->claim_number);
  g_ptr_array_unref (bill->lines);
  g_free (bill);
}

CstBillLine *
cst_bill_line_new (void)
{
  CstBillLine *line = g_new0 (CstBillLine, 1);

  g_date_clear (&line->service_date, 1);
  return line;
}

CstBillLine *
cst_bill_line_copy (const CstBillLine *line)
{
  CstBillLine *copy = g_memdup2 (line, sizeof *line);

  copy->description = g_strdup (line->description);
  return copy;
}

void
cst_bill_line_free (CstBillLine *line)
{
  if (line == NULL)
    return;
  g_free (line->description);
  g_free (line);
}

void
cst_bill_set_text (char       **field,
                   const char  *value)
{
  g_free (*field);
  *field = value && *value ? g_strdup (value) : NULL;
}

/* Visit dates default to the span of the service dates; the statement is
 * dated @today and due 30 days later unless the account says otherwise. */
void
cst_bill_fill_defaults (CstBill     *bill,
                        const GDate *today)
{
  for (guint i = 0; i < bill->lines->len; i++)
    {
      const CstBillLine *line = g_ptr_array_index (bill->lines, i);

      if (!g_date_valid (&line->service_date))
        continue;
      if (!g_date_valid (&bill->admit_date) ||
          g_date_compare (&line->service_date, &bill->admit_date) < 0)
        bill->admit_date = line->service_date;
      if (!g_date_valid (&bill->discharge_date) ||
          g_date_compare (&line->service_date, &bill->discharge_date) > 0)
        bill->discharge_date = line->service_date;
    }
  if (!g_date_valid (&bill->statement_date) && today != NULL)
    bill->statement_date = *today;
  if (!g_date_valid (&bill->due_date) && g_date_valid (&bill->statement_date))
    {
      bill->due_date = bill->statement_date;
      g_date_add_days (&bill->due_date, 30);
    }
  if (bill->statement_sequence == 0)
    bill->statement_sequence = 1;
}

static gboolean
fail (GError     **error,
      const char  *message)
{
  g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT, message);
  return FALSE;
}

/* The checks a bill must pass before a statement is made or it is stored;
 * line-level defects are the importer's business. */
gboolean
cst_bill_validate (CstBill  *bill,
                   GError  **error)
{
  if (bill->lines->len == 0)
    return fail (error, _("The bill has no charge lines."));
  if (!g_date_valid (&bill->statement_date) || !g_date_valid (&bill->due_date))
    return fail (error, _("The statement date and the due date are required."));
  if (g_date_compare (&bill->due_date, &bill->statement_date) < 0)
    return fail (error, _("The due date is before the statement date."));
  if (g_date_valid (&bill->first_statement_date) &&
      g_date_compare (&bill->first_statement_date, &bill->statement_date) > 0)
    return fail (error, _("The first statement’s date is after this statement’s date."));
  if (!g_date_valid (&bill->admit_date) || !g_date_valid (&bill->discharge_date) ||
      g_date_compare (&bill->discharge_date, &bill->admit_date) < 0)
    return fail (error, _("The visit dates are missing or in the wrong order."));
  if (bill->patient_payments_cents < 0 || bill->fap_adjustment_cents < 0)
    return fail (error, _("Payments already made and financial help cannot be negative."));
  if (!bill->claim_level_payment &&
      (bill->claim_insurer_paid_cents != 0 || bill->claim_adjustment_cents != 0))
    return fail (error, _("Claim-level insurance amounts are set, but the bill is not marked "
                          "as paid at claim level."));
  return TRUE;
}

const char *
cst_visit_type_to_nick (CstVisitType type)
{
  g_return_val_if_fail ((guint) type < G_N_ELEMENTS (visit_nicks), NULL);
  return visit_nicks[type];
}

/* The position of @nick in @nicks, or -1. */
static int
nick_index (const char *const *nicks,
            guint              n_nicks,
            const char        *nick)
{
  for (guint i = 0; nick && i < n_nicks; i++)
    if (g_str_equal (nick, nicks[i]))
      return (int) i;
  return -1;
}

gboolean
cst_visit_type_from_nick (const char   *nick,
                          CstVisitType *type)
{
  int i = nick_index (visit_nicks, G_N_ELEMENTS (visit_nicks), nick);

  if (i >= 0)
    *type = (CstVisitType) i;
  return i >= 0;
}

const char *
cst_claim_status_to_nick (CstClaimStatus status)
{
  g_return_val_if_fail ((guint) status < G_N_ELEMENTS (claim_nicks), NULL);
  return claim_nicks[status];
}

gboolean
cst_claim_status_from_nick (const char     *nick,
                            CstClaimStatus *status)
{
  int i = nick_index (claim_nicks, G_N_ELEMENTS (claim_nicks), nick);

  if (i >= 0)
    *status = (CstClaimStatus) i;
  return i >= 0;
}
