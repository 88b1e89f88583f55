/* cst-fee-repo.h — fee schedules and invoices in PostgreSQL
 *
 * The blocking functions run on whatever thread owns @conn, like
 * cst-request-repo.h; the views use the _async ones at the end, which run
 * them on a CstConnection's worker thread.
 */
#pragma once

#include "custodian/cst-db-types.h"

#include "custodian/cst-connection.h"
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

CstFeeScheduleSet *cst_fee_repo_load_schedules    (PGconn                *conn,
                                                    GError               **error);
CstFeeScheduleSet *cst_fee_repo_load_schedules_through (PGconn         *conn,
                                                        gint64          last_id,
                                                        GError        **error);
/* The same on a connection of its own to @conninfo, opened and closed
 * here (custodian-cli). */
CstFeeScheduleSet *cst_fee_repo_load_schedules_at (const char            *conninfo,
                                                    GError               **error);
gboolean           cst_fee_repo_install_seed      (PGconn                *conn,
                                                    guint                 *n_added,
                                                    GError               **error);
gboolean           cst_fee_repo_install_schedules (PGconn                *conn,
                                                    CstFeeScheduleSet     *set,
                                                    guint                 *n_added,
                                                    guint                 *n_skipped,
                                                    GError               **error);
CstFeeSchedule    *cst_fee_repo_save_version      (PGconn                *conn,
                                                    const CstFeeSchedule  *edited,
                                                    GError               **error);
GPtrArray         *cst_fee_repo_list_versions     (PGconn                *conn,
                                                    const char            *key,
                                                    GError               **error);
CstFeeInvoice     *cst_fee_repo_issue_invoice     (PGconn                *conn,
                                                    gint64                 request_id,
                                                    CstFeeQuote           *quote,
                                                    gint64                 charged_cents,
                                                    const char            *override_reason,
                                                    GError               **error);
/* Owner only: an invoice of a request that may be closed (demo data). */
CstFeeInvoice     *cst_fee_repo_record_invoice    (PGconn                *conn,
                                                    gint64                 request_id,
                                                    CstFeeQuote           *quote,
                                                    GError               **error);
CstFeeInvoice     *cst_fee_repo_issue_adjustment  (PGconn                *conn,
                                                    gint64                 invoice_id,
                                                    gint64                 delta_cents,
                                                    const char            *reason,
                                                    GError               **error);
GPtrArray         *cst_fee_repo_list_invoices     (PGconn                *conn,
                                                    gint64                 request_id,
                                                    GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstFeeInvoice, cst_fee_invoice_free)

/* A request's newest original invoice, with its adjustments summed. */
typedef struct
{
  CstFeeInvoice *invoice;
  gint64         owed_cents;     /* the total after adjustments */
  guint          n_adjustments;
} CstFeeInvoiceState;

void                cst_fee_invoice_state_free (CstFeeInvoiceState *state);
CstFeeInvoiceState *cst_fee_repo_load_invoice_state (PGconn   *conn,
                                                      gint64    request_id,
                                                      GError  **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstFeeInvoiceState, cst_fee_invoice_state_free)

/* The same work on a CstConnection's worker thread, for the views. */
void                cst_fee_repo_load_schedules_async     (CstConnection         *connection,
                                                            GCancellable          *cancellable,
                                                            GAsyncReadyCallback    callback,
                                                            gpointer               user_data);
CstFeeScheduleSet  *cst_fee_repo_load_schedules_finish    (CstConnection         *connection,
                                                            GAsyncResult          *result,
                                                            GError               **error);
void                cst_fee_repo_list_versions_async      (CstConnection         *connection,
                                                            const char            *key,
                                                            GCancellable          *cancellable,
                                                            GAsyncReadyCallback    callback,
                                                            gpointer               user_data);
GPtrArray          *cst_fee_repo_list_versions_finish     (CstConnection         *connection,
                                                            GAsyncResult          *result,
                                                            GError               **error);
void                cst_fee_repo_save_version_async       (CstConnection         *connection,
                                                            CstFeeSchedule        *edited,
                                                            GCancellable          *cancellable,
                                                            GAsyncReadyCallback    callback,
                                                            gpointer               user_data);
CstFeeSchedule     *cst_fee_repo_save_version_finish      (CstConnection         *connection,
                                                            GAsyncResult          *result,
                                                            GError               **error);
void                cst_fee_repo_invoice_state_async      (CstConnection         *connection,
                                                            gint64                 request_id,
                                                            GCancellable          *cancellable,
                                                            GAsyncReadyCallback    callback,
                                                            gpointer               user_data);
void                cst_fee_repo_issue_invoice_async      (CstConnection         *connection,
                                                            gint64                 request_id,
                                                            CstFeeQuote           *quote,
                                                            GCancellable          *cancellable,
                                                            GAsyncReadyCallback    callback,
                                                            gpointer               user_data);
void                cst_fee_repo_issue_adjustment_async   (CstConnection         *connection,
                                                            gint64                 request_id,
                                                            gint64                 invoice_id,
                                                            gint64                 delta_cents,
                                                            const char            *reason,
                                                            GCancellable          *cancellable,
                                                            GAsyncReadyCallback    callback,
                                                            gpointer               user_data);
CstFeeInvoiceState *cst_fee_repo_invoice_state_finish     (CstConnection         *connection,
                                                            GAsyncResult          *result,
                                                            GError               **error);

G_END_DECLS
