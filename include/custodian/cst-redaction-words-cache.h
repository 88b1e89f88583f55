/* cst-redaction-words-cache.h — the documents whose pages' words were
 * read lately, kept so that the next page of the same document opened
 * large does not fetch the whole document again (issue 19)
 *
 * The page view holds one cache and drops it (cst_redaction_words_cache_clear)
 * whenever it reads the packet again.  The cache keeps at most a few
 * documents' copies (CST_REDACTION_WORDS_CACHE_DOCUMENTS, most recently
 * used first); a copy leaves the disk when the cache drops it and no page
 * is being read from it.  Only copies of documents are kept, never words'
 * text.
 */
#pragma once

#include <gio/gio.h>

#include "custodian/cst-connection.h"
#include "custodian/cst-redaction-words.h"

G_BEGIN_DECLS

#define CST_REDACTION_WORDS_CACHE_DOCUMENTS 4

#define CST_TYPE_REDACTION_WORDS_CACHE (cst_redaction_words_cache_get_type ())
G_DECLARE_FINAL_TYPE (CstRedactionWordsCache, cst_redaction_words_cache, CST, REDACTION_WORDS_CACHE,
                      GObject)

CstRedactionWordsCache *cst_redaction_words_cache_new   (void);
/* Drops every document kept: the packet changed. */
void                    cst_redaction_words_cache_clear (CstRedactionWordsCache *self);
/* How many documents it keeps now. */
guint                   cst_redaction_words_cache_count (CstRedactionWordsCache *self);

/* cst_redaction_words_async() reading the document from @cache when it
 * holds it (no database work at all), else fetching it and keeping it
 * there.  @cache may be NULL: then it is cst_redaction_words_async(). */
void    cst_redaction_words_cached_async (CstConnection          *connection,
                                          CstRedactionWordsCache *cache,
                                          gint64                  request_id,
                                          gint64                  document_id,
                                          guint                   page,
                                          GCancellable           *cancellable,
                                          GAsyncReadyCallback     callback,
                                          gpointer                user_data);
/* cst_redaction_words_finish() serves both. */

/* How many times this process fetched a document to read a page's words
 * (cached or not): what the cache saves, for tests and benchmarks. */
guint   cst_redaction_words_fetches      (void);

G_END_DECLS
