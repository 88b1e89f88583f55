/* cst-request-store-filter.c — the rows of the request list a search and a
 * scope leave, as a list model
 *
 * GtkFilterListModel over 200,000 requests spent a keystroke's time in its
 * own bookkeeping (a bitset walked for every get_item() by the sort,
 * selection and column view above it), not in matching.  This model keeps
 * the positions of the matching rows in a plain array: get_item() is one
 * index, and each search or scope change emits one items-changed.
 *
 * Every request's case-folded search key (cst_request_get_search_key())
 * lies in one buffer, in the rows' order, each NUL-ended, so that:
 *  - a new search looks for its longest word in the whole buffer
 *    (find_word()) and checks only the rows it hits, instead of every row;
 *  - a search that grows (a keystroke more) only narrows the rows it had.
 * The words, their order and the accent folding are those of
 * cst_request_matches().
 *
 * Over a CstRequestStore, the keys and the scope are read from the
 * store's compact rows (CstRequestRows), never through get_item(): the
 * store makes an object only for a row someone asks for (the rows on
 * screen), and a pass over 200,000 rows would make 200,000.  The buffer
 * is the rows' own (cst_request_rows_get_keys()): a copy here held about
 * 80 bytes a request (issue 24).  Over any other model of requests the
 * filter copies the keys into a buffer of its own.
 */
#define G_LOG_DOMAIN "cst-request-store-filter"

#include "config.h"

#include <string.h>

#include "custodian/cst-request-store.h"
#include "custodian/cst-request-store-filter.h"

/* What separates the words of a search (as cst_request_matches()). */
#define SEARCH_SEPARATORS " ,"

struct _CstRequestStoreFilter
{
  GObject             parent_instance;

  GListModel         *model;
  CstRequestStore    *store;     /* @model when it is one, else NULL */
  GArray             *rows;      /* guint positions in @model, ascending */

  const char         *keys;      /* every row's folded key, each NUL-ended: the store's, or @own_keys */
  gsize               keys_size;
  char               *own_keys;  /* over a model that is not a store */
  guint32            *starts;    /* row i's key in @own_keys: starts[i] to starts[i + 1] - 2 */
  guint               n_keyed;   /* rows in @keys */
  gboolean            keys_stale;   /* @model changed since @keys was built */
  gboolean            rows_stale;   /* a row changed in place: narrowing may miss it */

  char               *query;     /* case-folded, or NULL: every row */
  CstRequestKeepFunc  keep;
  CstRequestRowKeepFunc keep_row;   /* used instead of @keep over a store */
  gpointer            keep_data;
  guint               n_scanned;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CstRequestStoreFilter, cst_request_store_filter, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

/* The words of a folded query: (start, length) pairs into it. */
typedef struct
{
  const char *start;
  gsize       length;
} Word;

static GArray *
split_words (const char *query)
{
  GArray *words = g_array_new (FALSE, FALSE, sizeof (Word));

  for (const char *word = query + strspn (query, SEARCH_SEPARATORS); *word != '\0';
       word += strspn (word, SEARCH_SEPARATORS))
    {
      Word w = { word, strcspn (word, SEARCH_SEPARATORS) };

      g_array_append_val (words, w);
      word += w.length;
    }
  return words;
}

/* Row @i's key, and its object if one had to be made for it. */
static const char *
row_key (CstRequestStoreFilter  *self,
         guint                   i,
         CstRequest            **object)
{
  if (self->store != NULL)
    return cst_request_rows_get_search_key (cst_request_store_get_rows (self->store), i);
  *object = g_list_model_get_item (self->model, i);
  return cst_request_get_search_key (*object);
}

/* The keys of a model that is not a store, copied.  The buffer is sized
 * first, then filled: grown by doubling, it held up to twice the room its
 * 200,000 keys need (issue 24). */
static void
copy_keys (CstRequestStoreFilter *self,
           guint                  n)
{
  gsize size = 0;

  g_free (self->starts);
  self->starts = g_new (guint32, n + 1);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CstRequest) request = NULL;

      self->starts[i] = size;
      size += strlen (row_key (self, i, &request)) + 1;
    }
  self->starts[n] = size;
  g_free (self->own_keys);
  self->own_keys = g_malloc (MAX (size, 1));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CstRequest) request = NULL;

      memcpy (self->own_keys + self->starts[i], row_key (self, i, &request),
              self->starts[i + 1] - self->starts[i]);
    }
  self->keys = self->own_keys;
  self->keys_size = size;
}

/* The buffer of keys, as the model's rows are now: the store's rows
 * hand theirs over (put in order if a change had moved them). */
static void
build_keys (CstRequestStoreFilter *self)
{
  guint n = self->model ? g_list_model_get_n_items (self->model) : 0;

  if (self->store != NULL)
    {
      g_clear_pointer (&self->own_keys, g_free);
      g_clear_pointer (&self->starts, g_free);
      self->keys = cst_request_rows_get_keys (cst_request_store_get_rows (self->store),
                                              &self->keys_size);
    }
  else
    copy_keys (self, n);
  self->n_keyed = n;
  self->keys_stale = FALSE;
}

/* Row @row's key, @length bytes. */
static const char *
key_span (CstRequestStoreFilter *self,
          guint                  row,
          gsize                 *length)
{
  CstRequestRows *rows;

  if (self->store == NULL)
    {
      *length = self->starts[row + 1] - self->starts[row] - 1;
      return self->keys + self->starts[row];
    }
  rows = cst_request_store_get_rows (self->store);
  *length = cst_request_rows_get_search_key_length (rows, row);
  return cst_request_rows_get_search_key (rows, row);
}

/* The row whose key holds byte @offset of the buffer: row @from or one
 * after it (a search through the buffer finds rows in order). */
static guint
row_at (CstRequestStoreFilter *self,
        gsize                  offset,
        guint                  from)
{
  guint low = from, high, step = 1;

  if (self->store != NULL)
    return cst_request_rows_find_key (cst_request_store_get_rows (self->store), offset, from);
  /* As cst_request_rows_find_key(): galloping, then halving. */
  while (low + step < self->n_keyed && self->starts[low + step] <= offset)
    {
      low += step;
      step *= 2;
    }
  high = MIN (low + step, self->n_keyed);
  while (high - low > 1)
    {
      guint middle = low + (high - low) / 2;

      if (self->starts[middle] <= offset)
        low = middle;
      else
        high = middle;
    }
  return low;
}

/* Where @word first occurs in @text, or NULL: its first byte found with
 * memchr(), then the rest compared.  glibc's memmem() first builds a
 * table of shifts for the word, at every call: on keys of about sixty
 * bytes, checked one by one, and on a buffer where the word occurs in
 * every key, that table cost more than the search (perf on bench/window,
 * issue 24). */
static inline const char *
find_word (const char *text,
           gsize       length,
           const char *word,
           gsize       word_length)
{
  const char *end = text + length;

  if (word_length == 0)
    return text;
  while ((gsize) (end - text) >= word_length &&
         (text = memchr (text, word[0], (end - text) - word_length + 1)) != NULL)
    {
      if (memcmp (text + 1, word + 1, word_length - 1) == 0)
        return text;
      text++;
    }
  return NULL;
}

static gboolean
text_has_words (const char *key,
                gsize       length,
                GArray     *words)
{
  for (guint w = 0; w < words->len; w++)
    {
      Word *word = &g_array_index (words, Word, w);

      if (find_word (key, length, word->start, word->length) == NULL)
        return FALSE;
    }
  return TRUE;
}

static gboolean
key_has_words (CstRequestStoreFilter *self,
               guint                  row,
               GArray                *words)
{
  gsize length;
  const char *key = key_span (self, row, &length);

  return text_has_words (key, length, words);
}

static gboolean
kept (CstRequestStoreFilter *self,
      guint                  row)
{
  g_autoptr(CstRequest) request = NULL;

  if (self->store != NULL && self->keep_row != NULL)
    return self->keep_row (cst_request_store_get_rows (self->store), row, self->keep_data);
  if (self->keep == NULL)
    return TRUE;
  request = g_list_model_get_item (self->model, row);
  return self->keep (request, self->keep_data);
}

/* A row that joins the model later, checked on its own. */
static gboolean
matches (CstRequestStoreFilter *self,
         guint                  row,
         GArray                *words)
{
  g_autoptr(CstRequest) request = NULL;
  const char *key;

  if (!kept (self, row))
    return FALSE;
  if (words == NULL)
    return TRUE;
  key = row_key (self, row, &request);
  return text_has_words (key, strlen (key), words);
}

static guint
longest_word (GArray *words)
{
  guint longest = 0;

  for (guint w = 1; w < words->len; w++)
    if (g_array_index (words, Word, w).length > g_array_index (words, Word, longest).length)
      longest = w;
  return longest;
}

/* Every row with all @words: only the rows where the longest word occurs
 * are looked at, and in them only the other words. */
static void
find_rows (CstRequestStoreFilter *self,
           GArray                *words,
           GArray                *found)
{
  guint longest = longest_word (words);
  Word *word = &g_array_index (words, Word, longest);
  g_autoptr(GArray) others = g_array_copy (words);
  const char *end, *from = self->keys;
  const char *hit;
  guint row = 0;

  if (self->keys_size == 0)
    return;
  end = self->keys + self->keys_size;
  g_array_remove_index (others, longest);
  while (from < end && (hit = find_word (from, end - from, word->start, word->length)) != NULL)
    {
      gsize length;
      const char *key;

      row = row_at (self, hit - self->keys, row);
      key = key_span (self, row, &length);
      self->n_scanned++;
      if (text_has_words (key, length, others) && kept (self, row))
        g_array_append_val (found, row);
      from = key + length + 1;
      row++;
    }
}

static void
keep_rows (CstRequestStoreFilter *self,
           GArray                *found)
{
  guint n = self->model ? g_list_model_get_n_items (self->model) : 0;

  g_array_set_size (found, 0);
  /* No scope to ask (every request, of every facility): every row. */
  if (self->keep == NULL && (self->store == NULL || self->keep_row == NULL))
    {
      g_array_set_size (found, n);
      for (guint row = 0; row < n; row++)
        g_array_index (found, guint, row) = row;
      return;
    }
  for (guint row = 0; row < n; row++)
    {
      if (self->keep != NULL)
        self->n_scanned++;
      if (kept (self, row))
        g_array_append_val (found, row);
    }
}

/* The rows of the current result that also have all @words. */
static void
narrow_rows (CstRequestStoreFilter *self,
             GArray                *words,
             GArray                *found)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      guint row = g_array_index (self->rows, guint, i);

      self->n_scanned++;
      if (key_has_words (self, row, words))
        g_array_append_val (found, row);
    }
}

/* Swaps in @found as the rows, telling only the span that differs. */
static void
set_rows (CstRequestStoreFilter *self,
          GArray                *found)
{
  g_autoptr(GArray) old = self->rows;
  guint same_start = 0, same_end = 0;
  guint shortest = MIN (old->len, found->len);

  while (same_start < shortest &&
         g_array_index (old, guint, same_start) == g_array_index (found, guint, same_start))
    same_start++;
  while (same_end < shortest - same_start &&
         g_array_index (old, guint, old->len - 1 - same_end) ==
         g_array_index (found, guint, found->len - 1 - same_end))
    same_end++;
  self->rows = g_array_ref (found);
  if (old->len != found->len || same_start < old->len)
    g_list_model_items_changed (G_LIST_MODEL (self), same_start,
                                old->len - same_start - same_end,
                                found->len - same_start - same_end);
}

/* @narrowing: the new query can only match rows the current one matched */
static void
run_filter (CstRequestStoreFilter *self,
            gboolean               narrowing)
{
  g_autoptr(GArray) found = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) words = self->query ? split_words (self->query) : NULL;

  self->n_scanned = 0;
  /* The store's keys are looked up again each time: any change of its
   * rows may have moved them. */
  if (self->store != NULL || self->keys_stale ||
      self->n_keyed != (self->model ? g_list_model_get_n_items (self->model) : 0))
    build_keys (self);
  if (narrowing && self->rows_stale)
    narrowing = FALSE;
  self->rows_stale = FALSE;
  if (words == NULL || words->len == 0)
    keep_rows (self, found);
  else if (narrowing)
    narrow_rows (self, words, found);
  else
    find_rows (self, words, found);
  set_rows (self, found);
}

/* Where the first row at or after model position @position is in @rows. */
static guint
rows_index (GArray *rows,
            guint   position)
{
  guint low = 0, high = rows->len;

  while (low < high)
    {
      guint middle = low + (high - low) / 2;

      if (g_array_index (rows, guint, middle) < position)
        low = middle + 1;
      else
        high = middle;
    }
  return low;
}

/* Rows added to the model are checked one by one on their objects; the
 * buffer of keys is built again at the next search. */
static void
model_changed_cb (CstRequestStoreFilter *self,
                  guint                  position,
                  guint                  removed,
                  guint                  added)
{
  guint first = rows_index (self->rows, position);
  guint past = rows_index (self->rows, position + removed);
  g_autoptr(GArray) joined = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) words = self->query ? split_words (self->query) : NULL;

  self->keys_stale = TRUE;
  for (guint i = 0; i < added; i++)
    {
      guint row = position + i;

      if (matches (self, row, words))
        g_array_append_val (joined, row);
    }
  for (guint i = past; i < self->rows->len; i++)
    g_array_index (self->rows, guint, i) += added - removed;
  g_array_remove_range (self->rows, first, past - first);
  g_array_insert_vals (self->rows, first, joined->data, joined->len);
  if (past - first > 0 || joined->len > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), first, past - first, joined->len);
}

/* A request updated in place may now match, or no longer. */
static void
row_refreshed_cb (CstRequestStoreFilter *self)
{
  self->keys_stale = TRUE;
  self->rows_stale = TRUE;
}

static GType
list_model_get_item_type (GListModel *model)
{
  return CST_TYPE_REQUEST;
}

static guint
list_model_get_n_items (GListModel *model)
{
  return CST_REQUEST_STORE_FILTER (model)->rows->len;
}

static gpointer
list_model_get_item (GListModel *model,
                     guint       position)
{
  CstRequestStoreFilter *self = CST_REQUEST_STORE_FILTER (model);

  if (position >= self->rows->len)
    return NULL;
  return g_list_model_get_item (self->model, g_array_index (self->rows, guint, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = list_model_get_item_type;
  iface->get_n_items = list_model_get_n_items;
  iface->get_item = list_model_get_item;
}

static void
disconnect_model (CstRequestStoreFilter *self)
{
  if (self->model == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->model, self);
  self->store = NULL;
  g_clear_object (&self->model);
}

static void
cst_request_store_filter_dispose (GObject *object)
{
  disconnect_model (CST_REQUEST_STORE_FILTER (object));
  G_OBJECT_CLASS (cst_request_store_filter_parent_class)->dispose (object);
}

static void
cst_request_store_filter_finalize (GObject *object)
{
  CstRequestStoreFilter *self = CST_REQUEST_STORE_FILTER (object);

  g_array_unref (self->rows);
  g_free (self->own_keys);
  g_free (self->starts);
  g_free (self->query);
  G_OBJECT_CLASS (cst_request_store_filter_parent_class)->finalize (object);
}

static void
cst_request_store_filter_class_init (CstRequestStoreFilterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cst_request_store_filter_dispose;
  object_class->finalize = cst_request_store_filter_finalize;
}

static void
cst_request_store_filter_init (CstRequestStoreFilter *self)
{
  self->rows = g_array_new (FALSE, FALSE, sizeof (guint));
  self->keys_stale = TRUE;
}

/**
 * cst_request_store_filter_new:
 * @model: (nullable): a list model of #CstRequest, usually the
 *   #CstRequestStore
 */
CstRequestStoreFilter *
cst_request_store_filter_new (GListModel *model)
{
  CstRequestStoreFilter *self = g_object_new (CST_TYPE_REQUEST_STORE_FILTER, NULL);

  cst_request_store_filter_set_model (self, model);
  return self;
}

void
cst_request_store_filter_set_model (CstRequestStoreFilter *self,
                                    GListModel            *model)
{
  g_return_if_fail (CST_IS_REQUEST_STORE_FILTER (self));
  g_return_if_fail (model == NULL || G_IS_LIST_MODEL (model));

  if (model == self->model)
    return;
  disconnect_model (self);
  if (model != NULL)
    {
      self->model = g_object_ref (model);
      g_signal_connect_swapped (model, "items-changed", G_CALLBACK (model_changed_cb), self);
      if (CST_IS_REQUEST_STORE (model))
        {
          self->store = CST_REQUEST_STORE (model);
          g_signal_connect_swapped (model, "refreshed", G_CALLBACK (row_refreshed_cb), self);
        }
    }
  self->keys_stale = TRUE;
  run_filter (self, FALSE);
}

/**
 * cst_request_store_filter_set_keep:
 * @keep: (nullable): which requests the list holds at all, or %NULL for all
 *
 * Filters again with @keep; call cst_request_store_filter_refilter() when
 * what @keep decides changes.
 */
void
cst_request_store_filter_set_keep (CstRequestStoreFilter *self,
                                   CstRequestKeepFunc     keep,
                                   gpointer               user_data)
{
  cst_request_store_filter_set_keep_full (self, keep, NULL, user_data);
}

/**
 * cst_request_store_filter_set_keep_full:
 * @keep: (nullable): which requests the list holds at all, or %NULL for all
 * @keep_row: (nullable): the same test on a row of a #CstRequestStore's
 *   rows, used instead of @keep when the model is a store, so that no
 *   object is made per row
 */
void
cst_request_store_filter_set_keep_full (CstRequestStoreFilter *self,
                                        CstRequestKeepFunc     keep,
                                        CstRequestRowKeepFunc  keep_row,
                                        gpointer               user_data)
{
  g_return_if_fail (CST_IS_REQUEST_STORE_FILTER (self));

  self->keep = keep;
  self->keep_row = keep_row;
  self->keep_data = user_data;
  run_filter (self, FALSE);
}

/**
 * cst_request_store_filter_find:
 * @position: (out) (optional): where @request is among the filter's rows
 *
 * Returns: whether @request is one of the filter's rows
 */
gboolean
cst_request_store_filter_find (CstRequestStoreFilter *self,
                               CstRequest            *request,
                               guint                 *position)
{
  guint row = 0, index;

  g_return_val_if_fail (CST_IS_REQUEST_STORE_FILTER (self), FALSE);
  if (self->store == NULL)
    {
      for (index = 0; index < self->rows->len; index++)
        {
          g_autoptr(CstRequest) item = g_list_model_get_item (G_LIST_MODEL (self), index);

          if (item == request)
            break;
        }
    }
  else if (cst_request_store_find (self->store, request, &row))
    index = rows_index (self->rows, row);
  else
    return FALSE;
  if (index >= self->rows->len ||
      (self->store != NULL && g_array_index (self->rows, guint, index) != row))
    return FALSE;
  if (position != NULL)
    *position = index;
  return TRUE;
}

/**
 * cst_request_store_filter_set_search:
 * @text: (nullable): what the clerk typed: every word must appear in the
 *   reference, MRN, patient's or requester's name or facility, in any
 *   order, accents and case folded (cst_request_matches())
 *
 * Filters at once.  Typing more only narrows the rows already shown.
 */
void
cst_request_store_filter_set_search (CstRequestStoreFilter *self,
                                     const char            *text)
{
  g_autofree char *previous = NULL;
  gboolean narrowing;

  g_return_if_fail (CST_IS_REQUEST_STORE_FILTER (self));

  previous = g_steal_pointer (&self->query);
  if (text != NULL && *text != '\0')
    self->query = g_utf8_casefold (text, -1);
  if (g_strcmp0 (previous, self->query) == 0)
    return;
  /* Each word of the shorter query lies inside a word of the longer. */
  narrowing = previous != NULL && self->query != NULL && strstr (self->query, previous) != NULL;
  run_filter (self, narrowing);
}

/* Filters again from the whole model (the scope's answers changed). */
void
cst_request_store_filter_refilter (CstRequestStoreFilter *self)
{
  g_return_if_fail (CST_IS_REQUEST_STORE_FILTER (self));
  run_filter (self, FALSE);
}

/**
 * cst_request_store_filter_get_n_scanned:
 *
 * Returns: how many rows the last search or scope change looked at one by
 *   one (the rest were passed over by the search in the buffer of keys, or
 *   left out by an earlier, shorter search)
 */
guint
cst_request_store_filter_get_n_scanned (CstRequestStoreFilter *self)
{
  g_return_val_if_fail (CST_IS_REQUEST_STORE_FILTER (self), 0);
  return self->n_scanned;
}
