/* cst-fee-dispute.h — the requester disputes a fee, and the due date does
 * not stop (issue 20; migration 0077)
 *
 * A dispute is recorded (what the requester says, of one invoice or the
 * fee as a whole) and later resolved by billing: the fee upheld, reduced,
 * waived, or the dispute withdrawn.  It holds nothing: the request keeps
 * its due date and its place among the requests at risk, and the
 * database refuses a later due date while the dispute is open (except the
 * one extension taken with its notice).
 */
#pragma once

#include <gio/gio.h>

#include "custodian/cst-connection.h"
#include "custodian/cst-db-types.h"

G_BEGIN_DECLS

typedef enum
{
  CST_FEE_DISPUTE_OPEN,
  CST_FEE_DISPUTE_UPHELD,
  CST_FEE_DISPUTE_REDUCED,
  CST_FEE_DISPUTE_WAIVED,
  CST_FEE_DISPUTE_WITHDRAWN,
} CstFeeDisputeOutcome;

const char *cst_fee_dispute_outcome_to_string   (CstFeeDisputeOutcome  outcome);
gboolean    cst_fee_dispute_outcome_from_string (const char           *text,
                                                 CstFeeDisputeOutcome *outcome);

typedef struct
{
  gint64                id;
  gint64                request_id;
  char                 *invoice_number;      /* NULL: the fee as a whole */
  char                 *reason;
  char                 *opened_by;
  GDateTime            *opened_at;
  GDate                *due_date_at_opening; /* NULL: no law sets one */
  GDate                *due_date;            /* the request's, now */
  int                   days_in_dispute;     /* open disputes: today less the day opened */
  CstFeeDisputeOutcome  outcome;
  char                 *resolution;
  char                 *resolved_by;
  GDateTime            *resolved_at;
} CstFeeDispute;

void cst_fee_dispute_free (CstFeeDispute *dispute);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstFeeDispute, cst_fee_dispute_free)

/* Blocking, on a connection the caller owns (worker threads). */
gint64     cst_fee_dispute_open    (PGconn               *conn,
                                    gint64                request_id,
                                    const char           *invoice_number,
                                    const char           *reason,
                                    GError              **error);
gboolean   cst_fee_dispute_resolve (PGconn               *conn,
                                    gint64                request_id,
                                    CstFeeDisputeOutcome  outcome,
                                    const char           *resolution,
                                    GError              **error);
/* The request's disputes, oldest first. */
GPtrArray *cst_fee_dispute_list    (PGconn               *conn,
                                    gint64                request_id,
                                    GError              **error);

/* For a window: each on the connection's worker thread.  Open and resolve
 * finish with the request's disputes as they are after the change. */
void       cst_fee_dispute_list_async    (CstConnection        *connection,
                                          gint64                request_id,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
void       cst_fee_dispute_open_async    (CstConnection        *connection,
                                          gint64                request_id,
                                          const char           *invoice_number,
                                          const char           *reason,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
void       cst_fee_dispute_resolve_async (CstConnection        *connection,
                                          gint64                request_id,
                                          CstFeeDisputeOutcome  outcome,
                                          const char           *resolution,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
GPtrArray *cst_fee_dispute_finish        (CstConnection        *connection,
                                          GAsyncResult         *result,
                                          GError              **error);

/* On a connection of their own (custodian-cli), the request by reference. */
gint64     cst_fee_dispute_open_at    (const char           *conninfo,
                                       const char           *reference,
                                       const char           *invoice_number,
                                       const char           *reason,
                                       GError              **error);
gboolean   cst_fee_dispute_resolve_at (const char           *conninfo,
                                       const char           *reference,
                                       CstFeeDisputeOutcome  outcome,
                                       const char           *resolution,
                                       GError              **error);
GPtrArray *cst_fee_dispute_list_at    (const char           *conninfo,
                                       const char           *reference,
                                       GError              **error);

G_END_DECLS
