/* cst-redaction-words.h — the words of a record page as boxes, for
 * selecting words by dragging across them on the page opened large
 * (issue 19)
 *
 * Poppler's word boxes on a born-digital page, Tesseract's on a scan (in
 * the points of the page the packet puts it on): the document fetched on
 * the connection's worker thread, the page read in a thread of its own.  Only the boxes leave the model: the words' text is not
 * kept.  The boxes a selection marks are made the way the finder makes
 * its proposals' (one per line), so a name selected by hand and the same
 * name proposed cover the same area.
 */
#pragma once

#include <gio/gio.h>

#include "custodian/cst-connection.h"
#include "custodian/cst-db-types.h"
#include "custodian/cst-redaction.h"

G_BEGIN_DECLS

/* In reading order. */
typedef struct
{
  CstRedactionBox box;   /* points from the page's top-left */
} CstRedactionWord;

/* The words (#CstRedactionWord) of page @page (from 1) of record document
 * @document_id of request @request_id; NULL with @error set. */
GArray *cst_redaction_words_read   (PGconn                 *conn,
                                    gint64                  request_id,
                                    gint64                  document_id,
                                    guint                   page,
                                    GCancellable           *cancellable,
                                    GError                **error);
void    cst_redaction_words_async  (CstConnection          *connection,
                                    gint64                  request_id,
                                    gint64                  document_id,
                                    guint                   page,
                                    GCancellable           *cancellable,
                                    GAsyncReadyCallback     callback,
                                    gpointer                user_data);
GArray *cst_redaction_words_finish (CstConnection          *connection,
                                    GAsyncResult           *result,
                                    GError                **error);

/* The boxes (#CstRedactionBox) covering words @first to @last of @words
 * (either order): one per line. */
GArray *cst_redaction_words_boxes  (const CstRedactionWord *words,
                                    guint                   n_words,
                                    guint                   first,
                                    guint                   last);
/* The word at point (@x, @y), else the nearest to it; -1 without words. */
int     cst_redaction_words_at     (const CstRedactionWord *words,
                                    guint                   n_words,
                                    double                  x,
                                    double                  y);

G_END_DECLS
