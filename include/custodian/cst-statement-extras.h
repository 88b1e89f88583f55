/* cst-statement-extras.h — what the workbench adds to a bill's statement
 *
 * The CLI reads the payer's remittance, the visit's estimate and the
 * screening from its options; the statement workbench keeps them beside
 * the bill and hands them to every render.  Here: reading a remittance
 * or an estimate file on a worker thread (never on the GTK main loop),
 * making a statement with all of them applied in the CLI's order, and the
 * render of the workbench's preview with them.
 */
#pragma once

#include <gio/gio.h>

#include "custodian/cst-assistance.h"
#include "custodian/cst-connection.h"
#include "custodian/cst-statement-estimate.h"
#include "custodian/cst-statement.h"

G_BEGIN_DECLS

/* Borrowed pointers: the caller keeps them alive for the call (the async
 * render copies what it needs). */
typedef struct
{
  CstRemittance                *remittance;   /* NULL: none */
  const char                   *claim_id;     /* NULL: the file's only claim */
  const CstEstimateSummary     *estimate;     /* NULL: none */
  const CstAssistanceScreening *screening;    /* NULL: not screened */
  const char                   *pay_link;     /* NULL: the portal's address alone */
} CstStatementExtras;

CstStatement  *cst_statement_new_with_extras     (CstBill                   *bill,
                                                  CstStatementRules         *rules,
                                                  CstStatementTemplate      *tpl,
                                                  const CstStatementExtras  *extras,
                                                  GError                   **error);
void           cst_remittance_load_file_async    (GFile                     *file,
                                                  GCancellable              *cancellable,
                                                  GAsyncReadyCallback        callback,
                                                  gpointer                   user_data);
CstRemittance *cst_remittance_load_file_finish   (GAsyncResult              *result,
                                                  GError                   **error);
void           cst_estimate_summary_load_file_async  (GFile                 *file,
                                                      GCancellable          *cancellable,
                                                      GAsyncReadyCallback    callback,
                                                      gpointer               user_data);
gboolean       cst_estimate_summary_load_file_finish (GAsyncResult          *result,
                                                      CstEstimateSummary    *summary,
                                                      GError               **error);

/* In cst-statement-pay.c: a pay link issued on the connection's thread
 * (billing or administrator login); the statement itself is not changed. */
void           cst_statement_issue_pay_link_async  (CstConnection       *connection,
                                                    CstStatement        *statement,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
char          *cst_statement_issue_pay_link_finish (CstConnection       *connection,
                                                    GAsyncResult        *result,
                                                    GError             **error);

void           cst_assistance_screening_copy     (const CstAssistanceScreening *from,
                                                  CstAssistanceScreening       *to);

G_END_DECLS
