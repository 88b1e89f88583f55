/* cst-fee-store.h — fee schedules and invoices in PostgreSQL (blocking)
 *
 * These run on whatever thread owns @conn, like cst-request-repo.h.
 */
#pragma once

#include "custodian/cst-db-types.h"

#include "custodian/cst-fee-quote.h"
#include "custodian/cst-fee-schedule.h"

G_BEGIN_DECLS

typedef struct
{
  gint64     id;
  char      *number;              /* "INV-2026-000042" */
  gint64     request_id;
  gint64     adjusts_invoice_id;  /* 0 unless an adjustment */
  char      *method;              /* quote method nick, or "adjustment" */
  char      *jurisdiction;
  char      *schedule_version;
  gint64     quoted_cents;
  gint64     total_cents;         /* charged; an adjustment may be negative */
  gboolean   unconfirmed;
  char      *override_reason;
  char      *lines_json;
  char      *justification_json;
  char      *issued_by;
  GDateTime *issued_at;
} CstFeeInvoice;

void               cst_fee_invoice_free            (CstFeeInvoice *invoice);

CstFeeScheduleSet *cst_fee_store_load_schedules    (PGconn                *conn,
                                                    GError               **error);
gboolean           cst_fee_store_install_seed      (PGconn                *conn,
                                                    guint                 *n_added,
                                                    GError               **error);
CstFeeSchedule    *cst_fee_store_save_version      (PGconn                *conn,
                                                    const CstFeeSchedule  *edited,
                                                    GError               **error);
GPtrArray         *cst_fee_store_list_versions     (PGconn                *conn,
                                                    const char            *key,
                                                    GError               **error);
CstFeeInvoice     *cst_fee_store_issue_invoice     (PGconn                *conn,
                                                    gint64                 request_id,
                                                    CstFeeQuote           *quote,
                                                    gint64                 charged_cents,
                                                    const char            *override_reason,
                                                    GError               **error);
CstFeeInvoice     *cst_fee_store_issue_adjustment  (PGconn                *conn,
                                                    gint64                 invoice_id,
                                                    gint64                 delta_cents,
                                                    const char            *reason,
                                                    GError               **error);
GPtrArray         *cst_fee_store_list_invoices     (PGconn                *conn,
                                                    gint64                 request_id,
                                                    GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstFeeInvoice, cst_fee_invoice_free)

G_END_DECLS
