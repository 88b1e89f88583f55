/* cst-payment.h — payments against invoices, refunds, balances, receipts
 *
 * A payment is recorded against a request's invoice (the original, its
 * adjustments counted in it) by the server's payment_record() (0071),
 * which checks who may (a refund: billing and administrators), that a
 * payment is never more than is owed and a refund never more than was
 * paid, and logs it.  Nothing recorded changes; a mistake is put right by
 * a refund or a payment of its own.
 *
 * The individual's own request (patient, personal representative, the
 * patient's directive to a third party) never waits on payment: the
 * database refuses a payment hold on it, and its release is never
 * blocked by what is unpaid.  A third party's request waits for payment
 * when the hospital requires it (CstPaymentSettings, stored in the
 * database so every desk agrees) or billing held it; its requester is
 * flagged when invoices of theirs are unpaid for longer than the
 * settings allow.
 */
#pragma once

#include <gio/gio.h>

#include "custodian/cst-connection.h"
#include "custodian/cst-db-types.h"

G_BEGIN_DECLS

typedef enum
{
  CST_PAYMENT_METHOD_CASH,
  CST_PAYMENT_METHOD_CHECK,
  CST_PAYMENT_METHOD_CARD,
  CST_PAYMENT_METHOD_MONEY_ORDER,
  CST_PAYMENT_METHOD_BANK_TRANSFER,
  CST_PAYMENT_METHOD_OTHER,
} CstPaymentMethod;

#define CST_PAYMENT_N_METHODS (CST_PAYMENT_METHOD_OTHER + 1)

/* "cash", "check", "card", "money-order", "bank-transfer", "other": the
 * codes the database, the CLI and the CSV use. */
const char *cst_payment_method_to_nick   (CstPaymentMethod  method);
gboolean    cst_payment_method_from_nick (const char       *nick,
                                          CstPaymentMethod *method);
/* In the user's language, for the screen and the receipt. */
const char *cst_payment_method_get_label (CstPaymentMethod  method);

/* One payment (amount > 0) or refund (amount < 0), as stored. */
typedef struct
{
  gint64            id;
  gint64            invoice_id;
  char             *invoice_number;
  gint64            request_id;
  gint64            amount_cents;
  GDate             paid_on;
  CstPaymentMethod  method;
  char             *reference;     /* NULL: none */
  char             *reason;        /* a refund's; NULL for a payment */
  char             *recorded_by;
  GDateTime        *recorded_at;
} CstPayment;

void cst_payment_free (CstPayment *payment);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstPayment, cst_payment_free)

/* An invoice with what was charged (adjustments included), paid (refunds
 * included) and is owed. */
typedef struct
{
  gint64  invoice_id;
  char   *number;
  char   *reference;      /* its request's */
  GDate   issued_on;
  gint64  charged_cents;
  gint64  paid_cents;
  gint64  balance_cents;
} CstInvoiceBalance;

void cst_invoice_balance_free (CstInvoiceBalance *balance);

/* What a request's view shows of its money. */
typedef struct
{
  gint64     request_id;
  GPtrArray *invoices;         /* of CstInvoiceBalance, oldest first */
  GPtrArray *payments;         /* of CstPayment, in the order recorded */
  gint64     charged_cents;
  gint64     paid_cents;
  gint64     balance_cents;
  gboolean   individuals;      /* the individual's own request: never waits on payment */
  gboolean   held;             /* billing placed a hold (third parties only) */
  gboolean   waits_for_payment; /* its release is refused until paid */
  /* The requester's invoices unpaid for longer than the settings allow,
   * this request's included (third parties only; empty otherwise). */
  GPtrArray *unpaid_elsewhere; /* of CstInvoiceBalance */
  guint      unpaid_flag_days;
} CstPaymentAccount;

void cst_payment_account_free (CstPaymentAccount *account);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstPaymentAccount, cst_payment_account_free)

/* What a person enters to record a payment or a refund. */
typedef struct
{
  const char       *invoice_number; /* NULL: the request's oldest invoice that
                                     * still owes (payment) or was paid (refund) */
  gint64            amount_cents;   /* < 0 for a refund */
  const GDate      *paid_on;        /* NULL: the server's today */
  CstPaymentMethod  method;
  const char       *reference;      /* nullable */
  const char       *reason;         /* a refund's, required for one */
} CstPaymentEntry;

/* The hospital's rules, one row in the database. */
typedef struct
{
  gboolean third_party_pays_first;  /* a third party's release waits for payment */
  guint    unpaid_flag_days;        /* unpaid this long flags the requester */
} CstPaymentSettings;

CstPaymentAccount *cst_payment_account_load  (PGconn                  *conn,
                                              gint64                   request_id,
                                              GError                 **error);
CstPayment        *cst_payment_record        (PGconn                  *conn,
                                              gint64                   request_id,
                                              const CstPaymentEntry   *entry,
                                              GError                 **error);
gboolean           cst_payment_settings_load (PGconn                  *conn,
                                              CstPaymentSettings      *settings,
                                              GError                 **error);
gboolean           cst_payment_settings_save (PGconn                  *conn,
                                              const CstPaymentSettings *settings,
                                              GError                 **error);
gint64             cst_payment_hold_place    (PGconn                  *conn,
                                              gint64                   request_id,
                                              const char              *reason,
                                              GError                 **error);
gboolean           cst_payment_hold_lift     (PGconn                  *conn,
                                              gint64                   request_id,
                                              GError                 **error);

/* The receipt of one payment or refund of @request_id as a PDF, in the
 * user's language as the estimate is, with the facility's letterhead; its
 * metadata names no patient (cst-payment-receipt.c). */
GBytes            *cst_payment_receipt_render (PGconn                 *conn,
                                               gint64                  request_id,
                                               gint64                  payment_id,
                                               GError                **error);

/* For the views: the same on @connection's worker thread. */
void               cst_payment_account_load_async   (CstConnection       *connection,
                                                     gint64               request_id,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
CstPaymentAccount *cst_payment_account_load_finish  (CstConnection       *connection,
                                                     GAsyncResult        *result,
                                                     GError             **error);
/* Records @entry, then loads the account again. */
void               cst_payment_record_async         (CstConnection         *connection,
                                                     gint64                 request_id,
                                                     const CstPaymentEntry *entry,
                                                     GCancellable          *cancellable,
                                                     GAsyncReadyCallback    callback,
                                                     gpointer               user_data);
CstPaymentAccount *cst_payment_record_finish        (CstConnection       *connection,
                                                     GAsyncResult        *result,
                                                     GError             **error);
/* Renders the receipt and writes it to @file (0600). */
void               cst_payment_receipt_save_async   (CstConnection       *connection,
                                                     gint64               request_id,
                                                     gint64               payment_id,
                                                     GFile               *file,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean           cst_payment_receipt_save_finish  (CstConnection       *connection,
                                                     GAsyncResult        *result,
                                                     GError             **error);

/* For custodian-cli: a connection of its own to @conninfo, the request
 * found by its reference. */
CstPayment        *cst_payment_record_at        (const char             *conninfo,
                                                 const char             *reference,
                                                 const CstPaymentEntry  *entry,
                                                 GError                **error);
CstPaymentAccount *cst_payment_account_load_at  (const char             *conninfo,
                                                 const char             *reference,
                                                 GError                **error);
gboolean           cst_payment_receipt_save_at  (const char             *conninfo,
                                                 const char             *reference,
                                                 gint64                  payment_id,
                                                 const char             *path,
                                                 GError                **error);
gint64             cst_payment_hold_place_at    (const char             *conninfo,
                                                 const char             *reference,
                                                 const char             *reason,
                                                 GError                **error);
gboolean           cst_payment_hold_lift_at     (const char             *conninfo,
                                                 const char             *reference,
                                                 GError                **error);
gboolean           cst_payment_settings_load_at (const char             *conninfo,
                                                 CstPaymentSettings     *settings,
                                                 GError                **error);
gboolean           cst_payment_settings_save_at (const char             *conninfo,
                                                 const CstPaymentSettings *settings,
                                                 GError                **error);

G_END_DECLS
