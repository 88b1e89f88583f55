/* cst-document-cache.c — documents already made, by what they were made
 * from (cst-document-cache-private.h)
 *
 * A small process-wide table, least recently used out first: a desk
 * makes a request's letters, then releases it; nothing older is asked
 * for again.  The key says everything the PDF depends on, so an entry is
 * never stale: a changed input is another key.
 */
#define G_LOG_DOMAIN "cst-document"

#include "config.h"

#include "cst-document-cache-private.h"

/* A few requests' letters and invoices (about 30 KB each). */
#define CACHE_SIZE 32

typedef struct
{
  char   *key;
  GBytes *pdf;
  guint   n_pages;
} Entry;

static GMutex lock;
static GQueue entries = G_QUEUE_INIT;   /* of Entry, most recently used first */
static guint n_drawn;

static void
entry_free (Entry *entry)
{
  g_free (entry->key);
  g_bytes_unref (entry->pdf);
  g_free (entry);
}

static GList *
find (const char *key)
{
  for (GList *l = entries.head; l != NULL; l = l->next)
    if (g_str_equal (((Entry *) l->data)->key, key))
      return l;
  return NULL;
}

gboolean
cst_document_cache_lookup (const char *key,
                           GBytes    **pdf,
                           guint      *n_pages)
{
  GList *link;

  g_mutex_lock (&lock);
  if ((link = find (key)) != NULL)
    {
      Entry *entry = link->data;

      g_queue_unlink (&entries, link);
      g_queue_push_head_link (&entries, link);
      *pdf = g_bytes_ref (entry->pdf);
      *n_pages = entry->n_pages;
    }
  g_mutex_unlock (&lock);
  return link != NULL;
}

void
cst_document_cache_store (const char *key,
                          GBytes     *pdf,
                          guint       n_pages)
{
  Entry *entry = g_new0 (Entry, 1);

  entry->key = g_strdup (key);
  entry->pdf = g_bytes_ref (pdf);
  entry->n_pages = n_pages;
  g_mutex_lock (&lock);
  if (find (key) == NULL)
    {
      g_queue_push_head (&entries, g_steal_pointer (&entry));
      while (entries.length > CACHE_SIZE)
        entry_free (g_queue_pop_tail (&entries));
    }
  g_mutex_unlock (&lock);
  g_clear_pointer (&entry, entry_free);
}

void
cst_document_cache_count_drawn (void)
{
  g_atomic_int_inc (&n_drawn);
}

guint
cst_document_cache_n_drawn (void)
{
  return (guint) g_atomic_int_get (&n_drawn);
}
