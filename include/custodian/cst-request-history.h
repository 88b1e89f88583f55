/* cst-request-history.h — who did what to one request, and when, from the
 * audit log
 *
 * Status changes, the extension, edits, authorization checks, the "no
 * records" search, letters and documents, invoices, the release (what was
 * disclosed, withheld and how it was delivered) and evidence exports, in
 * the order the audit chain linked them, each with its actor and time and
 * a label in the user's language instead of the database's codes.
 */
#pragma once

#include <gio/gio.h>
#include "custodian/cst-db-types.h"

#include "custodian/cst-connection.h"

G_BEGIN_DECLS

#define CST_TYPE_HISTORY_EVENT (cst_history_event_get_type ())
G_DECLARE_FINAL_TYPE (CstHistoryEvent, cst_history_event, CST, HISTORY_EVENT, GObject)

/* When it happened (UTC). */
GDateTime  *cst_history_event_get_time   (CstHistoryEvent *self);
/* The database login that did it. */
const char *cst_history_event_get_actor  (CstHistoryEvent *self);
/* What happened, as a code: "created", "status", "extended", "edited",
 * "check", "no-records-search", "no-records-sign-off", "document",
 * "invoice", "disclosure", "withheld", "delivery", "evidence-exported". */
const char *cst_history_event_get_kind   (CstHistoryEvent *self);
/* What happened, in words ("Status changed: Received → Denied"). */
const char *cst_history_event_get_title  (CstHistoryEvent *self);
/* More about it (a reason, a finding), or NULL. */
const char *cst_history_event_get_detail (CstHistoryEvent *self);
/* TRUE for an event the application reported (an export, an old
 * deficiency letter), which a login could have written at will; FALSE for
 * a change the database recorded itself. */
gboolean    cst_history_event_is_reported (CstHistoryEvent *self);

/* Blocking, in one query: the history of the request with @request_id
 * (@reference names it in application events).  Any Custodian role that
 * reads requests may read it.  Returns: (transfer full): a list of
 * CstHistoryEvent, oldest first. */
GListModel *cst_request_history_load        (PGconn               *conn,
                                             gint64                request_id,
                                             const char           *reference,
                                             GError              **error);
/* The same on @connection's worker thread. */
void        cst_request_history_load_async  (CstConnection        *connection,
                                             gint64                request_id,
                                             const char           *reference,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
GListModel *cst_request_history_load_finish (CstConnection        *connection,
                                             GAsyncResult         *result,
                                             GError              **error);

G_END_DECLS
