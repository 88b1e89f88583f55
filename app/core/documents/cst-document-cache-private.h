/* cst-document-cache-private.h — documents already made, by what they
 * were made from
 *
 * A document's PDF is a function of its layout's inputs (the template,
 * the values filled in, the rows of its tables, the letterhead, the
 * paper, the day).  The process keeps the last few PDFs made, under a
 * SHA-256 of those inputs, so a document made again from the same inputs
 * (the release's letter after the request was opened, the packet's letter
 * and then the release's) is the same bytes without being drawn again
 * (but for the creation date cairo writes: the first making's).  Only
 * documents made through the document repo (cst_document_repo_make(),
 * from stored rows and a stored template) are kept; the
 * cst_document_render_*() functions draw every time, so the benches and
 * instruction budgets still measure the drawing.
 * Private to the model library; thread-safe.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean cst_document_cache_lookup  (const char *key,
                                     GBytes    **pdf,
                                     guint      *n_pages);
void     cst_document_cache_store   (const char *key,
                                     GBytes     *pdf,
                                     guint       n_pages);
/* How many PDFs this process has drawn (cache misses): for tests. */
guint    cst_document_cache_n_drawn (void);
void     cst_document_cache_count_drawn (void);

G_END_DECLS
