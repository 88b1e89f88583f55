/* cst-payment.c — payments, refunds and balances of a request, as plain SQL
 *
 * The server decides (0071's payment_record): who may record, that a
 * payment is never more than is owed and a refund never more than was
 * paid.  This module asks it and reads back what is stored.
 */
#define G_LOG_DOMAIN "cst-payment"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "custodian/cst-db.h"
#include "custodian/cst-error.h"
#include "custodian/cst-input.h"
#include "custodian/cst-payment.h"
#include "custodian/cst-private-file.h"
#include "custodian/cst-request-lookup.h"
#include "custodian/cst-request-repo.h"

static const char *const method_nicks[] = {
  "cash", "check", "card", "money-order", "bank-transfer", "other",
};
G_STATIC_ASSERT (G_N_ELEMENTS (method_nicks) == CST_PAYMENT_N_METHODS);

const char *
cst_payment_method_to_nick (CstPaymentMethod method)
{
  g_return_val_if_fail ((guint) method < CST_PAYMENT_N_METHODS, NULL);
  return method_nicks[method];
}

gboolean
cst_payment_method_from_nick (const char       *nick,
                              CstPaymentMethod *method)
{
  for (guint i = 0; nick && i < CST_PAYMENT_N_METHODS; i++)
    if (g_str_equal (nick, method_nicks[i]))
      {
        *method = (CstPaymentMethod) i;
        return TRUE;
      }
  return FALSE;
}

const char *
cst_payment_method_get_label (CstPaymentMethod method)
{
  switch (method)
    {
    case CST_PAYMENT_METHOD_CASH: return _("Cash");
    /* A cheque, not a verification. */
    case CST_PAYMENT_METHOD_CHECK: return C_("payment method", "Check");
    case CST_PAYMENT_METHOD_CARD: return _("Card");
    case CST_PAYMENT_METHOD_MONEY_ORDER: return _("Money order");
    case CST_PAYMENT_METHOD_BANK_TRANSFER: return _("Bank transfer");
    case CST_PAYMENT_METHOD_OTHER: return _("Other");
    default: g_return_val_if_reached (NULL);
    }
}

void
cst_payment_free (CstPayment *payment)
{
  if (payment == NULL)
    return;
  g_free (payment->invoice_number);
  g_free (payment->reference);
  g_free (payment->reason);
  g_free (payment->recorded_by);
  g_clear_pointer (&payment->recorded_at, g_date_time_unref);
  g_free (payment);
}

void
cst_invoice_balance_free (CstInvoiceBalance *balance)
{
  if (balance == NULL)
    return;
  g_free (balance->number);
  g_free (balance->reference);
  g_free (balance);
}

void
cst_payment_account_free (CstPaymentAccount *account)
{
  if (account == NULL)
    return;
  g_clear_pointer (&account->invoices, g_ptr_array_unref);
  g_clear_pointer (&account->payments, g_ptr_array_unref);
  g_clear_pointer (&account->unpaid_elsewhere, g_ptr_array_unref);
  g_free (account);
}

static void
set_date (GDate          *date,
          const PGresult *res,
          int             row,
          int             col)
{
  g_autoptr(GDate) read = cst_db_date (res, row, col);

  g_date_clear (date, 1);
  if (read)
    *date = *read;
}

static char *
dup_value (const PGresult *res,
           int             row,
           int             col)
{
  return g_strdup (cst_db_value (res, row, col));
}

/* ---- reading --------------------------------------------------------- */

#define PAYMENT_COLUMNS \
  "p.id, p.invoice_id, i.number, p.request_id, p.amount_cents, p.paid_on, p.method, " \
  "p.reference, p.reason, p.recorded_by, p.recorded_at " \
  "FROM payments p JOIN invoices i ON i.id = p.invoice_id "

static gpointer
payment_from_row (const PGresult *res,
                  int             row)
{
  CstPayment *payment = g_new0 (CstPayment, 1);

  payment->id = cst_db_int64 (res, row, 0);
  payment->invoice_id = cst_db_int64 (res, row, 1);
  payment->invoice_number = dup_value (res, row, 2);
  payment->request_id = cst_db_int64 (res, row, 3);
  payment->amount_cents = cst_db_int64 (res, row, 4);
  set_date (&payment->paid_on, res, row, 5);
  if (!cst_payment_method_from_nick (cst_db_value (res, row, 6), &payment->method))
    payment->method = CST_PAYMENT_METHOD_OTHER;
  payment->reference = dup_value (res, row, 7);
  payment->reason = dup_value (res, row, 8);
  payment->recorded_by = dup_value (res, row, 9);
  payment->recorded_at = cst_db_timestamp (res, row, 10);
  return payment;
}

static gpointer
balance_from_row (const PGresult *res,
                  int             row)
{
  CstInvoiceBalance *balance = g_new0 (CstInvoiceBalance, 1);

  balance->invoice_id = cst_db_int64 (res, row, 0);
  balance->number = dup_value (res, row, 1);
  balance->reference = dup_value (res, row, 2);
  set_date (&balance->issued_on, res, row, 3);
  balance->charged_cents = cst_db_int64 (res, row, 4);
  balance->paid_cents = cst_db_int64 (res, row, 5);
  balance->balance_cents = cst_db_int64 (res, row, 6);
  return balance;
}

static GPtrArray *
collect (PGconn       *conn,
         const char   *sql,
         const char   *id,
         CstDbRowFunc  from_row,
         GDestroyNotify free_func,
         GError      **error)
{
  const char *params[] = { id };
  g_autoptr(PGresult) res = cst_db_exec (conn, sql, 1, params, error);

  return res ? cst_db_collect_rows (res, from_row, free_func) : NULL;
}

static gboolean
load_flags (PGconn            *conn,
            const char        *id,
            CstPaymentAccount *account,
            GError           **error)
{
  const char *params[] = { id };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT request_is_individuals($1), "
    "       EXISTS (SELECT 1 FROM payment_holds WHERE request_id = $1 AND lifted_at IS NULL), "
    "       s.third_party_pays_first, s.unpaid_flag_days "
    "  FROM payment_settings s", 1, params, error);

  if (res == NULL)
    return FALSE;
  if (PQntuples (res) != 1 || cst_db_value (res, 0, 0) == NULL)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_NOT_FOUND, _("The request no longer exists."));
      return FALSE;
    }
  account->individuals = cst_db_bool (res, 0, 0);
  account->held = !account->individuals && cst_db_bool (res, 0, 1);
  account->waits_for_payment = !account->individuals && account->balance_cents > 0 &&
                               (account->held || cst_db_bool (res, 0, 2));
  account->unpaid_flag_days = (guint) cst_db_int64 (res, 0, 3);
  return TRUE;
}

/**
 * cst_payment_account_load:
 *
 * A request's invoices with their balances, its payments and refunds,
 * whether its release waits for payment, and its requester's invoices
 * unpaid for too long; in one snapshot.
 *
 * Returns: (transfer full): the account, or NULL with @error set
 */
CstPaymentAccount *
cst_payment_account_load (PGconn  *conn,
                          gint64   request_id,
                          GError **error)
{
  g_autoptr(CstPaymentAccount) account = g_new0 (CstPaymentAccount, 1);
  g_autofree char *id = cst_db_int_param (request_id);
  gboolean own = FALSE;
  gboolean ok;

  if (!cst_db_join (conn, CST_DB_SNAPSHOT, &own, error))
    return NULL;
  account->request_id = request_id;
  ok = (account->invoices = collect (conn,
          "SELECT b.invoice_id, b.number, r.reference, b.issued_at::date, b.charged_cents, "
          "       b.paid_cents, b.balance_cents "
          "  FROM invoice_balances b JOIN roi_requests r ON r.id = b.request_id "
          " WHERE b.request_id = $1 ORDER BY b.issued_at, b.invoice_id",
          id, balance_from_row, (GDestroyNotify) cst_invoice_balance_free, error)) != NULL
    && (account->payments = collect (conn,
          "SELECT " PAYMENT_COLUMNS " WHERE p.request_id = $1 ORDER BY p.id",
          id, payment_from_row, (GDestroyNotify) cst_payment_free, error)) != NULL
    && (account->unpaid_elsewhere = collect (conn,
          "SELECT invoice_id, number, reference, issued_on, 0, 0, balance_cents "
          "  FROM requester_unpaid_invoices($1)",
          id, balance_from_row, (GDestroyNotify) cst_invoice_balance_free, error)) != NULL;
  for (guint i = 0; ok && i < account->invoices->len; i++)
    {
      const CstInvoiceBalance *b = g_ptr_array_index (account->invoices, i);

      account->charged_cents += b->charged_cents;
      account->paid_cents += b->paid_cents;
      account->balance_cents += b->balance_cents;
    }
  ok = ok && load_flags (conn, id, account, error);
  if (!cst_db_leave (conn, own, ok, ok ? error : NULL) || !ok)
    return NULL;
  return g_steal_pointer (&account);
}

/* ---- recording ------------------------------------------------------- */

/* Which invoice a payment without a number goes to: the oldest that still
 * owes; a refund's, the newest that was paid. */
static char *
choose_invoice (PGconn                *conn,
                gint64                 request_id,
                const CstPaymentEntry *entry,
                GError               **error)
{
  g_autofree char *id = cst_db_int_param (request_id);
  const char *params[] = { id, entry->invoice_number };
  g_autoptr(PGresult) res = NULL;

  if (entry->invoice_number != NULL)
    res = cst_db_exec (conn,
      "SELECT id FROM invoices WHERE request_id = $1 AND number = $2", 2, params, error);
  else if (entry->amount_cents > 0)
    res = cst_db_exec (conn,
      "SELECT invoice_id FROM invoice_balances WHERE request_id = $1 AND balance_cents > 0 "
      "ORDER BY issued_at, invoice_id LIMIT 1", 1, params, error);
  else
    res = cst_db_exec (conn,
      "SELECT invoice_id FROM invoice_balances WHERE request_id = $1 AND paid_cents > 0 "
      "ORDER BY issued_at DESC, invoice_id DESC LIMIT 1", 1, params, error);
  if (res == NULL)
    return NULL;
  if (PQntuples (res) == 0)
    {
      if (entry->invoice_number != NULL)
        g_set_error (error, CST_ERROR, CST_ERROR_NOT_FOUND,
                     _("The request has no invoice %s."), entry->invoice_number);
      else if (entry->amount_cents > 0)
        g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                             _("Nothing is owed on this request's invoices."));
      else
        g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                             _("Nothing was paid on this request's invoices, so nothing can be refunded."));
      return NULL;
    }
  return dup_value (res, 0, 0);
}

/**
 * cst_payment_record:
 *
 * Records @entry against one of @request_id's invoices: the server checks
 * the role, the amount against what is owed or was paid, and the date,
 * and logs it.
 *
 * Returns: (transfer full): the payment as stored, or NULL with @error set
 */
CstPayment *
cst_payment_record (PGconn                *conn,
                    gint64                 request_id,
                    const CstPaymentEntry *entry,
                    GError               **error)
{
  g_autofree char *invoice = NULL;
  g_autofree char *amount = NULL;
  g_autofree char *paid_on = NULL;
  g_autoptr(PGresult) res = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  gboolean own = FALSE;
  gboolean ok;

  if (entry->amount_cents == 0)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                           _("Enter an amount other than zero."));
      return NULL;
    }
  if (!cst_db_join (conn, CST_DB_READ_WRITE, &own, error))
    return NULL;
  amount = g_strdup_printf ("%" G_GINT64_FORMAT, entry->amount_cents);
  paid_on = entry->paid_on ? cst_input_format_date (entry->paid_on) : NULL;
  ok = (invoice = choose_invoice (conn, request_id, entry, error)) != NULL;
  if (ok)
    {
      const char *params[] = {
        invoice, amount, paid_on, cst_payment_method_to_nick (entry->method),
        cst_input_is_blank (entry->reference) ? NULL : entry->reference,
        cst_input_is_blank (entry->reason) ? NULL : entry->reason,
      };
      res = cst_db_exec (conn,
        "WITH p AS (SELECT * FROM payment_record($1, $2, $3, $4, $5, $6)) "
        "SELECT p.id, p.invoice_id, i.number, p.request_id, p.amount_cents, p.paid_on, "
        "       p.method, p.reference, p.reason, p.recorded_by, p.recorded_at "
        "  FROM p JOIN invoices i ON i.id = p.invoice_id", 6, params, error);
      ok = res != NULL;
    }
  if (!cst_db_leave (conn, own, ok, ok ? error : NULL) || !ok)
    return NULL;
  return payment_from_row (res, 0);
}

/* ---- settings and holds ---------------------------------------------- */

gboolean
cst_payment_settings_load (PGconn             *conn,
                           CstPaymentSettings *settings,
                           GError            **error)
{
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT third_party_pays_first, unpaid_flag_days FROM payment_settings", 0, NULL, error);

  if (res == NULL)
    return FALSE;
  settings->third_party_pays_first = cst_db_bool (res, 0, 0);
  settings->unpaid_flag_days = (guint) cst_db_int64 (res, 0, 1);
  return TRUE;
}

/* An administrator's change; anyone else is refused by the server. */
gboolean
cst_payment_settings_save (PGconn                   *conn,
                           const CstPaymentSettings *settings,
                           GError                  **error)
{
  g_autofree char *days = g_strdup_printf ("%u", settings->unpaid_flag_days);
  const char *params[] = { settings->third_party_pays_first ? "true" : "false", days };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "UPDATE payment_settings SET third_party_pays_first = $1, unpaid_flag_days = $2 RETURNING 1",
    2, params, error);

  if (res == NULL)
    return FALSE;
  if (PQntuples (res) != 1)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED,
                           _("Only an administrator may change the payment rules."));
      return FALSE;
    }
  return TRUE;
}

gint64
cst_payment_hold_place (PGconn      *conn,
                        gint64       request_id,
                        const char  *reason,
                        GError     **error)
{
  g_autofree char *id = cst_db_int_param (request_id);
  const char *params[] = { id, reason };
  g_autoptr(PGresult) res = cst_db_exec (conn, "SELECT payment_hold_place($1, $2)", 2, params,
                                         error);

  return res ? cst_db_int64 (res, 0, 0) : 0;
}

gboolean
cst_payment_hold_lift (PGconn  *conn,
                       gint64   request_id,
                       GError **error)
{
  g_autofree char *id = cst_db_int_param (request_id);
  const char *params[] = { id };
  g_autoptr(PGresult) res = cst_db_exec (conn, "SELECT payment_hold_lift($1)", 1, params, error);

  return res != NULL;
}

/* ---- on a worker thread ---------------------------------------------- */

static gpointer
account_job_run (PGconn   *conn,
                 gpointer  data,
                 GError  **error)
{
  return cst_payment_account_load (conn, *(gint64 *) data, error);
}

void
cst_payment_account_load_async (CstConnection       *connection,
                                gint64               request_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  cst_connection_run_async (connection, account_job_run,
                            g_memdup2 (&request_id, sizeof request_id), g_free,
                            (GDestroyNotify) cst_payment_account_free, cancellable, callback,
                            user_data);
}

CstPaymentAccount *
cst_payment_account_load_finish (CstConnection  *connection,
                                 GAsyncResult   *result,
                                 GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}

/* The entry copied for the worker: the caller's strings may go. */
typedef struct
{
  gint64           request_id;
  CstPaymentEntry  entry;
  char            *invoice_number;
  char            *reference;
  char            *reason;
  GDate            paid_on;
} RecordJob;

static void
record_job_free (RecordJob *job)
{
  g_free (job->invoice_number);
  g_free (job->reference);
  g_free (job->reason);
  g_free (job);
}

static gpointer
record_job_run (PGconn   *conn,
                gpointer  data,
                GError  **error)
{
  RecordJob *job = data;
  g_autoptr(CstPayment) payment = cst_payment_record (conn, job->request_id, &job->entry, error);

  return payment ? cst_payment_account_load (conn, job->request_id, error) : NULL;
}

void
cst_payment_record_async (CstConnection         *connection,
                          gint64                 request_id,
                          const CstPaymentEntry *entry,
                          GCancellable          *cancellable,
                          GAsyncReadyCallback    callback,
                          gpointer               user_data)
{
  RecordJob *job = g_new0 (RecordJob, 1);

  job->request_id = request_id;
  job->entry = *entry;
  job->entry.invoice_number = job->invoice_number = g_strdup (entry->invoice_number);
  job->entry.reference = job->reference = g_strdup (entry->reference);
  job->entry.reason = job->reason = g_strdup (entry->reason);
  if (entry->paid_on)
    {
      job->paid_on = *entry->paid_on;
      job->entry.paid_on = &job->paid_on;
    }
  cst_connection_run_async (connection, record_job_run, job, (GDestroyNotify) record_job_free,
                            (GDestroyNotify) cst_payment_account_free, cancellable, callback,
                            user_data);
}

CstPaymentAccount *
cst_payment_record_finish (CstConnection  *connection,
                           GAsyncResult   *result,
                           GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}

/* ---- for custodian-cli ----------------------------------------------- */

CstPayment *
cst_payment_record_at (const char            *conninfo,
                       const char            *reference,
                       const CstPaymentEntry *entry,
                       GError               **error)
{
  gint64 request_id = 0;
  g_autoptr(PGconn) conn = cst_request_connect (conninfo, reference, &request_id, error);

  if (conn == NULL)
    return NULL;
  return cst_payment_record (conn, request_id, entry, error);
}

CstPaymentAccount *
cst_payment_account_load_at (const char  *conninfo,
                             const char  *reference,
                             GError     **error)
{
  gint64 request_id = 0;
  g_autoptr(PGconn) conn = cst_request_connect (conninfo, reference, &request_id, error);

  if (conn == NULL)
    return NULL;
  return cst_payment_account_load (conn, request_id, error);
}

gint64
cst_payment_hold_place_at (const char  *conninfo,
                           const char  *reference,
                           const char  *reason,
                           GError     **error)
{
  gint64 request_id = 0;
  g_autoptr(PGconn) conn = cst_request_connect (conninfo, reference, &request_id, error);

  if (conn == NULL)
    return 0;
  return cst_payment_hold_place (conn, request_id, reason, error);
}

gboolean
cst_payment_hold_lift_at (const char  *conninfo,
                          const char  *reference,
                          GError     **error)
{
  gint64 request_id = 0;
  g_autoptr(PGconn) conn = cst_request_connect (conninfo, reference, &request_id, error);

  return conn != NULL &&
         cst_payment_hold_lift (conn, request_id, error);
}

gboolean
cst_payment_settings_load_at (const char         *conninfo,
                              CstPaymentSettings *settings,
                              GError            **error)
{
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, error);

  return conn != NULL && cst_payment_settings_load (conn, settings, error);
}

gboolean
cst_payment_settings_save_at (const char               *conninfo,
                              const CstPaymentSettings *settings,
                              GError                  **error)
{
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, error);

  return conn != NULL && cst_payment_settings_save (conn, settings, error);
}

gboolean
cst_payment_receipt_save_at (const char  *conninfo,
                             const char  *reference,
                             gint64       payment_id,
                             const char  *path,
                             GError     **error)
{
  gint64 request_id = 0;
  g_autoptr(PGconn) conn = cst_request_connect (conninfo, reference, &request_id, error);
  g_autoptr(GBytes) pdf = NULL;
  gsize size;
  const void *data;

  if (conn == NULL)
    return FALSE;
  if (!(pdf = cst_payment_receipt_render (conn, request_id, payment_id, error)))
    return FALSE;
  data = g_bytes_get_data (pdf, &size);
  return cst_private_file_write (path, data, (gssize) size, error);
}
