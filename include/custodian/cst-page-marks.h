/* cst-page-marks.h — the page view's redactions, off the main loop
 *
 * What the page view needs from cst-redaction.h to let a person mark and
 * decide: the request's redactions with whether the caller may apply them
 * (the redaction right), and each change made on the connection's worker
 * thread, answering with the redactions as they now stand.  Several boxes
 * (every hit of a text) and several decisions ("accept all on this page")
 * are made in one transaction: all or none.
 */
#pragma once

#include <gio/gio.h>

#include "custodian/cst-connection.h"
#include "custodian/cst-redaction.h"

G_BEGIN_DECLS

typedef struct
{
  GPtrArray *redactions;   /* CstRedaction, every state, by document, page and id */
  gboolean   may_apply;    /* the caller holds the redaction right */
} CstPageMarks;

void          cst_page_marks_free       (CstPageMarks *marks);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstPageMarks, cst_page_marks_free)

CstPageMarks *cst_page_marks_load       (PGconn                 *conn,
                                         gint64                  request_id,
                                         GError                **error);
gboolean      cst_page_marks_add        (PGconn                 *conn,
                                         const CstRedactionHit  *hits,
                                         guint                   n_hits,
                                         const char             *reason,
                                         const char             *reason_text,
                                         const char             *source,
                                         gboolean                apply,
                                         GError                **error);
gboolean      cst_page_marks_decide     (PGconn                 *conn,
                                         const gint64           *ids,
                                         guint                   n_ids,
                                         gboolean                apply,
                                         GError                **error);

void          cst_page_marks_load_async   (CstConnection          *connection,
                                           gint64                  request_id,
                                           GCancellable           *cancellable,
                                           GAsyncReadyCallback     callback,
                                           gpointer                user_data);
void          cst_page_marks_add_async    (CstConnection          *connection,
                                           gint64                  request_id,
                                           const CstRedactionHit  *hits,
                                           guint                   n_hits,
                                           const char             *reason,
                                           const char             *reason_text,
                                           const char             *source,
                                           gboolean                apply,
                                           GCancellable           *cancellable,
                                           GAsyncReadyCallback     callback,
                                           gpointer                user_data);
void          cst_page_marks_decide_async (CstConnection          *connection,
                                           gint64                  request_id,
                                           const gint64           *ids,
                                           guint                   n_ids,
                                           gboolean                apply,
                                           GCancellable           *cancellable,
                                           GAsyncReadyCallback     callback,
                                           gpointer                user_data);
void          cst_page_marks_remove_async (CstConnection          *connection,
                                           gint64                  request_id,
                                           gint64                  redaction_id,
                                           GCancellable           *cancellable,
                                           GAsyncReadyCallback     callback,
                                           gpointer                user_data);
CstPageMarks *cst_page_marks_finish       (CstConnection          *connection,
                                           GAsyncResult           *result,
                                           GError                **error);

void          cst_page_marks_scan_page    (double                  image_width,
                                           double                  image_height,
                                           double                 *page_width,
                                           double                 *page_height,
                                           CstRedactionBox        *image_box);

G_END_DECLS
