/* cst-payment-receipt.c — the receipt of a payment or refund, as a PDF
 *
 * The facility's letterhead (its name, address and phone must be filled
 * in, as for every letter), then what was paid or refunded, against which
 * invoice of which request, how, and what the invoice still owes after
 * it.  A tagged, accessible PDF on the cairo writer (DESIGN.md, "Tagged
 * PDF"): the title an H1, the details a table whose labels name their
 * rows, the logo a figure named for the facility.  Its title, the one
 * piece of metadata, is "Payment receipt" or "Refund receipt": no
 * patient, no reference.
 */
#define G_LOG_DOMAIN "cst-payment"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "custodian/cst-db.h"
#include "custodian/cst-error.h"
#include "custodian/cst-facilities.h"
#include "custodian/cst-facility.h"
#include "custodian/cst-locale-format.h"
#include "custodian/cst-money.h"
#include "custodian/cst-payment.h"
#include "custodian/cst-pdf.h"
#include "custodian/cst-private-file.h"

#include "cst-pdf-tagged-private.h"

/* What the receipt prints besides the payment itself. */
typedef struct
{
  char   *reference;
  char   *payer;
  gint64  balance_after_cents;  /* the invoice's balance once this payment counted */
} ReceiptFacts;

static void
receipt_facts_clear (ReceiptFacts *facts)
{
  g_free (facts->reference);
  g_free (facts->payer);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ReceiptFacts, receipt_facts_clear)

static CstPayment *
load_payment (PGconn        *conn,
              gint64         request_id,
              gint64         payment_id,
              ReceiptFacts  *facts,
              GError       **error)
{
  g_autofree char *request = cst_db_int_param (request_id);
  g_autofree char *payment = cst_db_int_param (payment_id);
  const char *params[] = { request, payment };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT p.id, p.invoice_id, i.number, p.request_id, p.amount_cents, p.paid_on, p.method, "
    "       p.reference, p.reason, p.recorded_by, p.recorded_at, r.reference, "
    "       CASE WHEN COALESCE(q.organization, '') <> '' THEN q.name || ', ' || q.organization "
    "            ELSE q.name END, "
    "       b.charged_cents - (SELECT sum(amount_cents) FROM payments e "
    "                           WHERE e.invoice_id = p.invoice_id AND e.id <= p.id) "
    "  FROM payments p JOIN invoices i ON i.id = p.invoice_id "
    "  JOIN invoice_balances b ON b.invoice_id = p.invoice_id "
    "  JOIN roi_requests r ON r.id = p.request_id JOIN requesters q ON q.id = r.requester_id "
    " WHERE p.request_id = $1 AND p.id = $2", 2, params, error);
  CstPayment *found;

  if (res == NULL)
    return NULL;
  if (PQntuples (res) != 1)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_NOT_FOUND, _("The request has no payment %s."),
                   payment);
      return NULL;
    }
  found = g_new0 (CstPayment, 1);
  found->id = cst_db_int64 (res, 0, 0);
  found->invoice_id = cst_db_int64 (res, 0, 1);
  found->invoice_number = g_strdup (cst_db_value (res, 0, 2));
  found->request_id = cst_db_int64 (res, 0, 3);
  found->amount_cents = cst_db_int64 (res, 0, 4);
  {
    g_autoptr(GDate) paid_on = cst_db_date (res, 0, 5);
    found->paid_on = *paid_on;
  }
  if (!cst_payment_method_from_nick (cst_db_value (res, 0, 6), &found->method))
    found->method = CST_PAYMENT_METHOD_OTHER;
  found->reference = g_strdup (cst_db_value (res, 0, 7));
  found->reason = g_strdup (cst_db_value (res, 0, 8));
  found->recorded_by = g_strdup (cst_db_value (res, 0, 9));
  found->recorded_at = cst_db_timestamp (res, 0, 10);
  facts->reference = g_strdup (cst_db_value (res, 0, 11));
  facts->payer = g_strdup (cst_db_value (res, 0, 12));
  facts->balance_after_cents = cst_db_int64 (res, 0, 13);
  return found;
}

static void
add_row (CstPdfStreamTable *table,
         const char        *label,
         const char        *value)
{
  cst_pdf_stream_table_row (table, (const char *[]) { label, value ? value : "" }, CST_PDF_ROW_NORMAL);
}

static void
add_details (CstPdfStream       *pdf,
             const CstPayment   *payment,
             const ReceiptFacts *facts)
{
  const CstPdfColumn columns[] = {
    { NULL, 0.40, CST_PDF_ALIGN_LEFT, TRUE },
    { NULL, 0.60, CST_PDF_ALIGN_LEFT },
  };
  g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, payment->id);
  g_autofree char *amount = cst_money_format (ABS (payment->amount_cents));
  g_autofree char *paid_on = cst_locale_format_date (&payment->paid_on);
  g_autofree char *balance = cst_money_format (facts->balance_after_cents);
  CstPdfStreamTable *table = cst_pdf_stream_table_begin (pdf, columns, G_N_ELEMENTS (columns));

  add_row (table, _("Receipt number"), number);
  add_row (table, payment->amount_cents > 0 ? _("Received from") : _("Refunded to"), facts->payer);
  add_row (table, _("Request"), facts->reference);
  add_row (table, _("Invoice"), payment->invoice_number);
  add_row (table, payment->amount_cents > 0 ? _("Amount paid") : _("Amount refunded"), amount);
  add_row (table, payment->amount_cents > 0 ? _("Date paid") : _("Date refunded"), paid_on);
  add_row (table, _("Method"), cst_payment_method_get_label (payment->method));
  if (payment->reference)
    add_row (table, _("Payment reference"), payment->reference);
  if (payment->reason)
    add_row (table, _("Reason"), payment->reason);
  add_row (table, _("Recorded by"), payment->recorded_by);
  cst_pdf_stream_table_row (table, (const char *[]) { _("Balance of the invoice after this"),
                                                      balance }, CST_PDF_ROW_TOTAL);
  cst_pdf_stream_table_end (table);
}

typedef struct
{
  const CstPayment       *payment;
  const ReceiptFacts     *facts;
  const CstPdfLetterhead *letterhead;
  const char             *title;
} Receipt;

static void
lay_out (CstPdfStream *pdf,
         gpointer      data)
{
  const Receipt *receipt = data;

  cst_pdf_stream_set_title (pdf, receipt->title);
  cst_pdf_stream_letterhead (pdf, receipt->letterhead, receipt->letterhead->name);
  cst_pdf_stream_heading (pdf, receipt->title);
  add_details (pdf, receipt->payment, receipt->facts);
  cst_pdf_stream_space (pdf, 12);
  cst_pdf_stream_small_text (pdf, _("Keep this receipt. The invoice's balance counts every payment "
                                    "and refund recorded up to this one."));
}

GBytes *
cst_payment_receipt_render (PGconn  *conn,
                            gint64   request_id,
                            gint64   payment_id,
                            GError **error)
{
  static const CstFacilityDetail required[] = {
    CST_FACILITY_NAME, CST_FACILITY_ADDRESS, CST_FACILITY_PHONE,
  };
  g_auto(ReceiptFacts) facts = { 0 };
  g_autoptr(CstPayment) payment = NULL;
  g_autoptr(CstFacility) facility = NULL;
  CstPdfLetterhead letterhead = { 0 };
  Receipt receipt = { 0 };

  /* The receipt carries the letterhead of the request's facility. */
  if (!(facility = cst_facility_load_for_request (conn, request_id, error))
      || !cst_facility_require (facility, required, G_N_ELEMENTS (required), error)
      || !(payment = load_payment (conn, request_id, payment_id, &facts, error)))
    return NULL;
  letterhead.name = facility->name;
  letterhead.address = facility->address;
  letterhead.phone = facility->phone;
  receipt = (Receipt) { payment, &facts, &letterhead,
                        payment->amount_cents > 0 ? _("Payment receipt") : _("Refund receipt") };
  /* The receipt is in the language of the running translation. */
  return cst_pdf_tagged_render (CST_PDF_PAPER_LETTER,
                                C_("the BCP 47 code of the language of this translation", "en"),
                                lay_out, &receipt, NULL, error);
}

/* ---- on a worker thread ---------------------------------------------- */

typedef struct
{
  gint64  request_id;
  gint64  payment_id;
  char   *path;
} SaveJob;

static void
save_job_free (SaveJob *job)
{
  g_free (job->path);
  g_free (job);
}

static gpointer
save_job_run (PGconn   *conn,
              gpointer  data,
              GError  **error)
{
  SaveJob *job = data;
  g_autoptr(GBytes) pdf = cst_payment_receipt_render (conn, job->request_id, job->payment_id,
                                                      error);
  gsize size;
  const void *bytes;

  if (pdf == NULL)
    return NULL;
  bytes = g_bytes_get_data (pdf, &size);
  if (!cst_private_file_write (job->path, bytes, (gssize) size, error))
    return NULL;
  return GINT_TO_POINTER (TRUE);
}

void
cst_payment_receipt_save_async (CstConnection       *connection,
                                gint64               request_id,
                                gint64               payment_id,
                                GFile               *file,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  SaveJob *job = g_new0 (SaveJob, 1);

  job->request_id = request_id;
  job->payment_id = payment_id;
  job->path = g_file_get_path (file);
  cst_connection_run_async (connection, save_job_run, job, (GDestroyNotify) save_job_free, NULL,
                            cancellable, callback, user_data);
}

gboolean
cst_payment_receipt_save_finish (CstConnection  *connection,
                                 GAsyncResult   *result,
                                 GError        **error)
{
  return cst_connection_run_finish (connection, result, error) != NULL;
}
