/* cst-redaction-words.c — the words of a record page as boxes
 * (cst-redaction-words.h)
 *
 * The page is read as the finder reads it (cst_redaction_page_glyphs():
 * Poppler's characters, or Tesseract's words on a page without text), and
 * each run of characters between white space becomes one word's box.
 */
#define G_LOG_DOMAIN "custodian-packet"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>

#include "custodian/cst-error.h"
#include "custodian/cst-packet.h"
#include "custodian/cst-redaction-words.h"
#include "custodian/cst-redaction-words-cache.h"

#include "cst-redaction-private.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerDocument, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerPage, g_object_unref)

static gboolean
is_space (gunichar c)
{
  return c == ' ' || c == '\n';
}

static void
add_word (GArray                  *words,
          const CstRedactionGlyph *first,
          const CstRedactionGlyph *end)
{
  CstRedactionGlyph box = *first;
  CstRedactionWord word;

  for (const CstRedactionGlyph *g = first + 1; g < end; g++)
    {
      box.x1 = MIN (box.x1, g->x1);
      box.y1 = MIN (box.y1, g->y1);
      box.x2 = MAX (box.x2, g->x2);
      box.y2 = MAX (box.y2, g->y2);
    }
  word.box = (CstRedactionBox) { box.x1, box.y1, box.x2 - box.x1, box.y2 - box.y1 };
  g_array_append_val (words, word);
}

static GArray *
glyph_words (GArray *glyphs)
{
  GArray *words = g_array_new (FALSE, FALSE, sizeof (CstRedactionWord));
  const CstRedactionGlyph *g = (const CstRedactionGlyph *) glyphs->data;
  guint start = 0;

  for (guint i = 0; i <= glyphs->len; i++)
    if (i == glyphs->len || is_space (g[i].c))
      {
        if (i > start)
          add_word (words, &g[start], &g[i]);
        start = i + 1;
      }
  return words;
}

static CstRecordDocument *
find_document (GPtrArray *docs,
               gint64     document_id)
{
  for (guint i = 0; i < docs->len; i++)
    if (((CstRecordDocument *) g_ptr_array_index (docs, i))->id == document_id)
      return g_ptr_array_index (docs, i);
  return NULL;
}

static GArray *
page_words (const char    *path,
            guint          number,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autofree char *uri = g_filename_to_uri (path, NULL, error);
  g_autoptr(PopplerDocument) pdf = uri ? poppler_document_new_from_file (uri, NULL, error) : NULL;
  g_autoptr(PopplerPage) page = NULL;
  g_autoptr(GArray) glyphs = g_array_new (FALSE, FALSE, sizeof (CstRedactionGlyph));
  g_autoptr(CstOcr) ocr = NULL;

  if (pdf == NULL)
    return NULL;
  if (number < 1 || (int) number > poppler_document_get_n_pages (pdf))
    {
      g_set_error (error, CST_ERROR, CST_ERROR_NOT_FOUND, _("The document has no page %u."), number);
      return NULL;
    }
  page = poppler_document_get_page (pdf, (int) number - 1);
  if (!cst_redaction_page_glyphs (page, &ocr, TRUE, glyphs, cancellable, error))
    return NULL;
  return glyph_words (glyphs);
}

/* A copy of the page's document in a directory of its own: the part that
 * needs the database.  Shared (reference counted) between the cache and
 * the pages being read from it; the copy leaves the disk with the last
 * reference. */
typedef struct
{
  gint64  request_id;
  gint64  document_id;
  char   *dir;
  char   *path;
} Fetched;

static guint fetches;   /* atomic: cst_redaction_words_fetches() */

static void
fetched_clear (Fetched *fetched)
{
  if (fetched->path != NULL)
    g_unlink (fetched->path);
  if (fetched->dir != NULL)
    g_rmdir (fetched->dir);
  g_free (fetched->path);
  g_free (fetched->dir);
}

static void
fetched_unref (Fetched *fetched)
{
  if (fetched != NULL)
    g_atomic_rc_box_release_full (fetched, (GDestroyNotify) fetched_clear);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Fetched, fetched_unref)

static Fetched *
fetch (PGconn        *conn,
       gint64         request_id,
       gint64         document_id,
       GCancellable  *cancellable,
       GError       **error)
{
  g_autoptr(GPtrArray) docs = cst_packet_list (conn, request_id, error);
  CstRecordDocument *doc = docs ? find_document (docs, document_id) : NULL;
  g_autoptr(Fetched) fetched = g_atomic_rc_box_new0 (Fetched);

  if (docs == NULL)
    return NULL;
  if (doc == NULL)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_NOT_FOUND, _("The document was not found."));
      return NULL;
    }
  g_atomic_int_inc (&fetches);
  fetched->request_id = request_id;
  fetched->document_id = document_id;
  if (!(fetched->dir = g_dir_make_tmp ("custodian-words-XXXXXX", error)) ||
      !(fetched->path = cst_redaction_document_pdf (conn, fetched->dir, doc, cancellable, error)))
    return NULL;
  return g_steal_pointer (&fetched);
}

guint
cst_redaction_words_fetches (void)
{
  return (guint) g_atomic_int_get (&fetches);
}

/**
 * cst_redaction_words_read:
 *
 * Returns: (transfer full): #CstRedactionWord in reading order, or NULL
 *   with @error set
 */
GArray *
cst_redaction_words_read (PGconn        *conn,
                          gint64         request_id,
                          gint64         document_id,
                          guint          page,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autoptr(Fetched) fetched = fetch (conn, request_id, document_id, cancellable, error);

  return fetched ? page_words (fetched->path, page, cancellable, error) : NULL;
}

/* ---- the documents kept ------------------------------------------------------ */

struct _CstRedactionWordsCache
{
  GObject  parent_instance;

  GQueue   kept;         /* Fetched, most recently used first; main thread only */
  guint    generation;   /* bumped by each clear: a fetch begun before is not kept */
};

G_DEFINE_FINAL_TYPE (CstRedactionWordsCache, cst_redaction_words_cache, G_TYPE_OBJECT)

static void
cst_redaction_words_cache_finalize (GObject *object)
{
  CstRedactionWordsCache *self = CST_REDACTION_WORDS_CACHE (object);

  g_queue_clear_full (&self->kept, (GDestroyNotify) fetched_unref);
  G_OBJECT_CLASS (cst_redaction_words_cache_parent_class)->finalize (object);
}

static void
cst_redaction_words_cache_class_init (CstRedactionWordsCacheClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cst_redaction_words_cache_finalize;
}

static void
cst_redaction_words_cache_init (CstRedactionWordsCache *self)
{
  g_queue_init (&self->kept);
}

CstRedactionWordsCache *
cst_redaction_words_cache_new (void)
{
  return g_object_new (CST_TYPE_REDACTION_WORDS_CACHE, NULL);
}

void
cst_redaction_words_cache_clear (CstRedactionWordsCache *self)
{
  g_return_if_fail (CST_IS_REDACTION_WORDS_CACHE (self));
  g_queue_clear_full (&self->kept, (GDestroyNotify) fetched_unref);
  self->generation++;
}

guint
cst_redaction_words_cache_count (CstRedactionWordsCache *self)
{
  g_return_val_if_fail (CST_IS_REDACTION_WORDS_CACHE (self), 0);
  return self->kept.length;
}

/* The copy kept of the document, moved to the front; NULL if none. */
static Fetched *
cache_find (CstRedactionWordsCache *self,
            gint64                  request_id,
            gint64                  document_id)
{
  for (GList *l = self->kept.head; l != NULL; l = l->next)
    {
      Fetched *fetched = l->data;

      if (fetched->request_id == request_id && fetched->document_id == document_id)
        {
          g_queue_unlink (&self->kept, l);
          g_queue_push_head_link (&self->kept, l);
          return g_atomic_rc_box_acquire (fetched);
        }
    }
  return NULL;
}

static void
cache_keep (CstRedactionWordsCache *self,
            Fetched                *fetched)
{
  g_queue_push_head (&self->kept, g_atomic_rc_box_acquire (fetched));
  while (self->kept.length > CST_REDACTION_WORDS_CACHE_DOCUMENTS)
    fetched_unref (g_queue_pop_tail (&self->kept));
}

/* ---- off the main loop ----------------------------------------------------- */

/* The document is fetched on the connection's worker (unless the cache
 * has it); the page is read (Poppler, or Tesseract on a scan: seconds) in
 * a thread of its own, so the connection is not held while it is. */

typedef struct
{
  gint64                  request_id;
  gint64                  document_id;
} FetchJob;

/* The task's data: the page, where its document is, and whose cache. */
typedef struct
{
  guint                   page;
  Fetched                *fetched;
  CstRedactionWordsCache *cache;
  guint                   generation;
} ReadJob;

static void
read_job_free (ReadJob *job)
{
  fetched_unref (job->fetched);
  g_clear_object (&job->cache);
  g_free (job);
}

static gpointer
fetch_job_run (PGconn   *conn,
               gpointer  data,
               GError  **error)
{
  FetchJob *job = data;

  return fetch (conn, job->request_id, job->document_id, NULL, error);
}

static void
read_in_thread (GTask        *task,
                gpointer      source,
                gpointer      data,
                GCancellable *cancellable)
{
  ReadJob *job = data;
  GError *error = NULL;
  GArray *words = page_words (job->fetched->path, job->page, cancellable, &error);

  if (words == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, words, (GDestroyNotify) g_array_unref);
}

static void
fetched_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(GTask) task = data;
  ReadJob *job = g_task_get_task_data (task);
  GError *error = NULL;

  job->fetched = cst_connection_run_finish (CST_CONNECTION (object), result, &error);
  if (job->fetched == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (job->cache != NULL && job->cache->generation == job->generation)
    cache_keep (job->cache, job->fetched);
  g_task_run_in_thread (task, read_in_thread);
}

/**
 * cst_redaction_words_cached_async:
 * @cache: (nullable): the documents kept; called from its main loop
 *
 * cst_redaction_words_read() off the caller's main loop: the document
 * taken from @cache or fetched on @connection's worker thread (and kept
 * in @cache), the page read in a thread of its own (a scanned page by
 * Tesseract, which holds no connection).
 */
void
cst_redaction_words_cached_async (CstConnection          *connection,
                                  CstRedactionWordsCache *cache,
                                  gint64                  request_id,
                                  gint64                  document_id,
                                  guint                   page,
                                  GCancellable           *cancellable,
                                  GAsyncReadyCallback     callback,
                                  gpointer                user_data)
{
  g_autoptr(GTask) task = g_task_new (connection, cancellable, callback, user_data);
  ReadJob *job = g_new0 (ReadJob, 1);
  FetchJob *fetch_job;

  g_task_set_source_tag (task, cst_redaction_words_async);
  job->page = page;
  job->cache = cache ? g_object_ref (cache) : NULL;
  job->generation = cache ? cache->generation : 0;
  job->fetched = cache ? cache_find (cache, request_id, document_id) : NULL;
  g_task_set_task_data (task, job, (GDestroyNotify) read_job_free);
  if (job->fetched != NULL)
    {
      g_task_run_in_thread (task, read_in_thread);
      return;
    }
  fetch_job = g_new0 (FetchJob, 1);
  fetch_job->request_id = request_id;
  fetch_job->document_id = document_id;
  cst_connection_run_async (connection, fetch_job_run, fetch_job, g_free,
                            (GDestroyNotify) fetched_unref, cancellable, fetched_cb,
                            g_steal_pointer (&task));
}

/**
 * cst_redaction_words_async:
 *
 * cst_redaction_words_cached_async() without a cache: the document is
 * fetched each time.
 */
void
cst_redaction_words_async (CstConnection        *connection,
                           gint64                request_id,
                           gint64                document_id,
                           guint                 page,
                           GCancellable         *cancellable,
                           GAsyncReadyCallback   callback,
                           gpointer              user_data)
{
  cst_redaction_words_cached_async (connection, NULL, request_id, document_id, page, cancellable,
                                    callback, user_data);
}

GArray *
cst_redaction_words_finish (CstConnection  *connection,
                            GAsyncResult   *result,
                            GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, connection), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- a selection ------------------------------------------------------------- */

/**
 * cst_redaction_words_boxes:
 *
 * The boxes cst_redaction_glyph_hits() makes of a find, each word taken
 * as one glyph: a word whose middle lies outside the current line's
 * height starts a new line, and each line's box has the finder's room
 * around it.
 *
 * Returns: (transfer full): #CstRedactionBox, one per line
 */
GArray *
cst_redaction_words_boxes (const CstRedactionWord *words,
                           guint                   n_words,
                           guint                   first,
                           guint                   last)
{
  GArray *boxes = g_array_new (FALSE, FALSE, sizeof (CstRedactionBox));
  g_autoptr(GArray) glyphs = g_array_new (FALSE, FALSE, sizeof (CstRedactionGlyph));
  g_autoptr(GPtrArray) hits = g_ptr_array_new_with_free_func (g_free);
  guint from = MIN (first, last), to = MAX (first, last);

  for (guint i = from; i <= to && i < n_words; i++)
    {
      const CstRedactionBox *b = &words[i].box;
      CstRedactionGlyph g = { 'w', b->x, b->y, b->x + b->width, b->y + b->height };

      g_array_append_val (glyphs, g);
    }
  cst_redaction_glyph_hits (hits, 0, 0, (const CstRedactionGlyph *) glyphs->data, 0, glyphs->len);
  for (guint i = 0; i < hits->len; i++)
    g_array_append_val (boxes, ((CstRedactionHit *) g_ptr_array_index (hits, i))->box);
  return boxes;
}

static double
distance (const CstRedactionBox *box,
          double                 x,
          double                 y)
{
  double dx = x < box->x ? box->x - x : x > box->x + box->width ? x - box->x - box->width : 0;
  double dy = y < box->y ? box->y - y : y > box->y + box->height ? y - box->y - box->height : 0;

  return hypot (dx, dy);
}

int
cst_redaction_words_at (const CstRedactionWord *words,
                        guint                   n_words,
                        double                  x,
                        double                  y)
{
  int nearest = -1;
  double best = G_MAXDOUBLE;

  for (guint i = 0; i < n_words; i++)
    {
      double d = distance (&words[i].box, x, y);

      if (d < best)
        {
          best = d;
          nearest = (int) i;
        }
    }
  return nearest;
}
