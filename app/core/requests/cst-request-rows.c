/* cst-request-rows.c — the request list's rows as compact records
 *
 * 200,000 requests as 200,000 CstRequest objects held about 530 bytes
 * each (the object, its block of texts, its index entry, issue 24).  A
 * row here is a fixed record of numbers (dates as Julian days), one
 * offset into an arena holding its eight texts, NUL-ended one after the
 * other, and one into a buffer of every row's folded search key; the
 * deadline's rule and citations, which a few dozen rules share, are one
 * index into a table of the distinct ones.  A CstRequest is made from a
 * row only when someone asks for one (cst_request_rows_make_request():
 * the rows on screen, a form), by the store, which keeps the objects
 * handed out (cst-request-store.c).
 *
 * The keys lie in the rows' order, each NUL-ended, so that the list's
 * filter searches them where they are (cst_request_rows_get_keys())
 * instead of keeping a copy of its own (about 80 bytes a request).
 *
 * A row changed in place writes its texts anew at the end of the arena,
 * unless they are the same; the old ones stay until the next full load
 * replaces the rows.  A changed key goes to the end of the keys, which
 * are put back in the rows' order when next asked for.
 */
#define G_LOG_DOMAIN "cst-request-rows"

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "custodian/cst-request-rows.h"
#include "cst-request-private.h"

/* The texts of a row, in the order they lie in the arena: the facility
 * first, as the list's facility filter reads it for every row. */
enum {
  S_FACILITY,
  S_REFERENCE,
  S_JURISDICTION,
  S_MRN,
  S_FAMILY,
  S_GIVEN,
  S_REQUESTER,
  S_UPDATED_BY,
  N_STRINGS
};

typedef struct
{
  gint64   id;
  gint64   patient_id;
  gint64   requester_id;
  guint32  strings;        /* offset of the row's texts in the arena */
  guint32  key;            /* offset of its search key in @keys */
  gint32   version;
  guint32  received;       /* Julian days; 0: none */
  guint32  due;
  guint32  extended_on;
  guint32  original_due;
  guint    deadline : 16;  /* index into @deadlines */
  guint    status : 4;
  guint    requester_kind : 4;
  guint    absent : 8;     /* bit i: text i is NULL */
} Row;

/* 200,000 of them: each byte more is 200 kB more. */
G_STATIC_ASSERT (sizeof (Row) == 56);
G_STATIC_ASSERT (N_STRINGS <= 8);

struct _CstRequestRows
{
  Row        *rows;
  guint       n_rows;
  guint       rows_room;
  char       *arena;
  gsize       arena_length;
  gsize       arena_room;
  char       *keys;          /* the rows' folded search keys, each NUL-ended */
  gsize       keys_length;
  gsize       keys_room;
  gboolean    keys_in_order; /* row i's key starts where row i - 1's ended; the last's ends them */
  GPtrArray  *deadlines;     /* of CstRequestDeadline, interned strings, no dates */
  GHashTable *deadline_index; /* CstRequestDeadline * → its index + 1 */
  guint32    *by_id;         /* open addressing: position + 1, 0 empty; NULL: not built */
  guint       by_id_bits;
  gboolean    trimmed;       /* read whole: later rows grow the room by a little */
};

/* Room for @needed: doubled while the list is read, then by a sixteenth
 * (a change after the load doubled 30 MB of strings for 200 bytes). */
static gsize
grown_room (CstRequestRows *rows,
            gsize           room,
            gsize           needed)
{
  gsize step = rows->trimmed ? room / 16 : room;

  return MAX (room + step, needed + 4096);
}

/* Blocks at least this large are asked to be backed by huge pages. */
#define HUGE_PAGE_SIZE (2u << 20)

/* g_realloc() for the rows' large blocks (the rows, their texts, their
 * keys: 11, 19 and 16 MB at 200,000 requests), backed by 2 MiB pages
 * where the kernel gives them on request (transparent huge pages in
 * "madvise" mode, Debian's default).  With 4 KiB pages, first touching
 * those blocks as the list is read and sorted was about 10,000 page
 * faults, a third of the listing thread's CPU in a virtual machine
 * (bench/window/README.md, issue 24). */
static gpointer
grow_block (gpointer block,
            gsize    size)
{
  block = g_realloc (block, size);
#ifdef MADV_HUGEPAGE
  if (size >= 2 * HUGE_PAGE_SIZE)
    {
      guintptr start = ((guintptr) block + HUGE_PAGE_SIZE - 1) & ~(guintptr) (HUGE_PAGE_SIZE - 1);
      guintptr end = ((guintptr) block + size) & ~(guintptr) (HUGE_PAGE_SIZE - 1);

      /* Advice only: a kernel without them keeps 4 KiB pages. */
      if (end > start)
        (void) madvise ((void *) start, end - start, MADV_HUGEPAGE);
    }
#endif
  return block;
}

static guint
deadline_hash (gconstpointer key)
{
  const CstRequestDeadline *d = key;

  return g_direct_hash (d->rule) ^ (g_direct_hash (d->citation) * 31) ^
         (g_direct_hash (d->compared_citation) * 17) ^
         (guint) (d->days * 131 + d->compared_days * 7 + d->extension_days * 3 +
                  d->business * 2 + d->compared_business + d->confidence * 257);
}

/* The strings are interned: the same text is the same pointer. */
static gboolean
deadline_equal (gconstpointer a,
                gconstpointer b)
{
  const CstRequestDeadline *x = a, *y = b;

  return x->rule == y->rule && x->citation == y->citation &&
         x->compared_citation == y->compared_citation && x->days == y->days &&
         x->compared_days == y->compared_days && x->extension_days == y->extension_days &&
         x->business == y->business && x->compared_business == y->compared_business &&
         x->confidence == y->confidence;
}

CstRequestRows *
cst_request_rows_new (void)
{
  CstRequestRows *rows = g_new0 (CstRequestRows, 1);

  rows->deadlines = g_ptr_array_new_with_free_func (g_free);
  rows->deadline_index = g_hash_table_new (deadline_hash, deadline_equal);
  rows->keys_in_order = TRUE;
  return rows;
}

void
cst_request_rows_free (CstRequestRows *rows)
{
  if (rows == NULL)
    return;
  g_free (rows->rows);
  g_free (rows->arena);
  g_free (rows->keys);
  g_hash_table_unref (rows->deadline_index);
  g_ptr_array_unref (rows->deadlines);
  g_free (rows->by_id);
  g_free (rows);
}

guint
cst_request_rows_get_length (CstRequestRows *rows)
{
  return rows->n_rows;
}

/* Bytes the rows hold (their records, strings, index and deadlines). */
gsize
cst_request_rows_get_size (CstRequestRows *rows)
{
  return sizeof *rows + rows->rows_room * sizeof (Row) + rows->arena_room + rows->keys_room +
         (rows->by_id ? ((gsize) 1 << rows->by_id_bits) * sizeof (guint32) : 0) +
         rows->deadlines->len * (sizeof (CstRequestDeadline) + 2 * sizeof (gpointer));
}

/* The deadline without its dates, as an index into the table (the
 * listing thread keeps it for each rule it meets: the strings are
 * interned once a rule, not once a row). */
guint
_cst_request_rows_place_deadline (CstRequestRows           *rows,
                                  const CstRequestDeadline *deadline)
{
  CstRequestDeadline shape = { 0 };
  gpointer place;

  if (deadline != NULL)
    {
      shape = *deadline;
      shape.rule = (char *) g_intern_string (deadline->rule);
      shape.citation = (char *) g_intern_string (deadline->citation);
      shape.compared_citation = (char *) g_intern_string (deadline->compared_citation);
    }
  g_date_clear (&shape.original_due, 1);
  g_date_clear (&shape.extension_due, 1);
  place = g_hash_table_lookup (rows->deadline_index, &shape);
  if (place == NULL)
    {
      CstRequestDeadline *kept = g_memdup2 (&shape, sizeof shape);

      g_assert (rows->deadlines->len < G_MAXUINT16);
      g_ptr_array_add (rows->deadlines, kept);
      place = GUINT_TO_POINTER (rows->deadlines->len);
      g_hash_table_insert (rows->deadline_index, kept, place);
    }
  return GPOINTER_TO_UINT (place) - 1;
}

static guint32
julian (const GDate *date)
{
  return date != NULL && g_date_valid (date) ? g_date_get_julian (date) : 0;
}

/* Whether the row's texts are @values already. */
static gboolean
same_strings (CstRequestRows    *rows,
              const Row         *row,
              const char *const *values)
{
  const char *at = rows->arena + row->strings;

  for (guint i = 0; i < N_STRINGS; i++)
    {
      if ((values[i] == NULL) != ((row->absent & (1u << i)) != 0) ||
          strcmp (at, values[i] ? values[i] : "") != 0)
        return FALSE;
      at += strlen (at) + 1;
    }
  return TRUE;
}

/* Copies @values to the end of the arena; returns where they start. */
static guint32
place_strings (CstRequestRows    *rows,
               Row               *row,
               const char *const *values)
{
  gsize lengths[N_STRINGS], size = 0, start = rows->arena_length;

  row->absent = 0;
  for (guint i = 0; i < N_STRINGS; i++)
    {
      lengths[i] = values[i] ? strlen (values[i]) : 0;
      if (values[i] == NULL)
        row->absent |= 1u << i;
      size += lengths[i] + 1;
    }
  g_assert (start + size <= G_MAXUINT32);
  if (start + size > rows->arena_room)
    {
      rows->arena_room = grown_room (rows, rows->arena_room, start + size);
      rows->arena = grow_block (rows->arena, rows->arena_room);
    }
  for (guint i = 0; i < N_STRINGS; i++)
    {
      memcpy (rows->arena + rows->arena_length, values[i] ? values[i] : "", lengths[i] + 1);
      rows->arena_length += lengths[i] + 1;
    }
  return (guint32) start;
}

/* Copies @key (@length bytes) to the end of the keys; returns where it
 * starts.  The keys stay in order when it is a new last row's. */
static guint32
place_key (CstRequestRows *rows,
           const char     *key,
           gsize           length)
{
  gsize start = rows->keys_length;

  g_assert (start + length + 1 <= G_MAXUINT32);
  if (start + length + 1 > rows->keys_room)
    {
      rows->keys_room = grown_room (rows, rows->keys_room, start + length + 1);
      rows->keys = grow_block (rows->keys, rows->keys_room);
    }
  memcpy (rows->keys + start, key, length);
  rows->keys[start + length] = '\0';
  rows->keys_length += length + 1;
  return (guint32) start;
}

static const char *
get_string (CstRequestRows *rows,
            const Row      *row,
            guint           which)
{
  const char *at = rows->arena + row->strings;

  if (row->absent & (1u << which))
    return NULL;
  for (guint i = 0; i < which; i++)
    at += strlen (at) + 1;
  return at;
}

/* A summary's texts, in the arena's order. */
static void
summary_strings (const CstRequestSummary  *summary,
                 const char              **values)
{
  const char *ordered[N_STRINGS] = {
    [S_FACILITY] = summary->facility_code, [S_REFERENCE] = summary->reference,
    [S_JURISDICTION] = summary->jurisdiction, [S_MRN] = summary->patient_mrn,
    [S_FAMILY] = summary->patient_family_name, [S_GIVEN] = summary->patient_given_name,
    [S_REQUESTER] = summary->requester_name, [S_UPDATED_BY] = summary->updated_by,
  };

  memcpy (values, ordered, sizeof ordered);
}

/* The row's numbers from @summary (its texts and key apart). */
static void
fill_numbers (Row                     *row,
              const CstRequestSummary *summary,
              guint                    deadline,
              guint32                  original_due)
{
  g_assert (summary->status < 16 && summary->requester_kind < 16);
  row->id = summary->id;
  row->patient_id = summary->patient_id;
  row->requester_id = summary->requester_id;
  row->version = summary->version;
  row->status = summary->status;
  row->requester_kind = summary->requester_kind;
  row->received = julian (summary->received);
  row->due = julian (summary->due);
  row->extended_on = julian (summary->extended_on);
  row->original_due = original_due;
  row->deadline = deadline;
}

/* @existing: @row holds a request already (its texts and key stay where
 * they are when unchanged); a new row's key is placed last (see
 * place_key()) */
static void
fill_row (CstRequestRows           *rows,
          Row                      *row,
          const CstRequestSummary  *summary,
          const char               *key,
          const CstRequestDeadline *deadline,
          gboolean                  existing)
{
  const char *values[N_STRINGS];
  gsize key_length = strlen (key);

  summary_strings (summary, values);
  fill_numbers (row, summary, _cst_request_rows_place_deadline (rows, deadline),
                deadline ? julian (&deadline->original_due) : 0);
  if (!existing || !same_strings (rows, row, values))
    row->strings = place_strings (rows, row, values);
  if (existing && strcmp (rows->keys + row->key, key) == 0)
    return;
  if (existing)
    rows->keys_in_order = FALSE;   /* its old key is left where it was */
  row->key = place_key (rows, key, key_length);
}

/* Room for one more row at @position, the rows after it moved down. */
static Row *
open_row (CstRequestRows *rows,
          guint           position)
{
  if (rows->n_rows == rows->rows_room)
    {
      rows->rows_room = grown_room (rows, rows->rows_room, rows->n_rows + 64);
      rows->rows = grow_block (rows->rows, rows->rows_room * sizeof (Row));
    }
  memmove (rows->rows + position + 1, rows->rows + position,
           (rows->n_rows - position) * sizeof (Row));
  rows->n_rows++;
  return &rows->rows[position];
}

static guint
id_slot (gint64 id,
         guint  bits)
{
  return (guint) (((guint64) id * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> (64 - bits));
}

static void
index_add (CstRequestRows *rows,
           guint           position)
{
  guint mask = (1u << rows->by_id_bits) - 1;
  guint slot = id_slot (rows->rows[position].id, rows->by_id_bits);

  while (rows->by_id[slot] != 0)
    slot = (slot + 1) & mask;
  rows->by_id[slot] = position + 1;
}

/* The index by id, at most half full. */
static void
build_index (CstRequestRows *rows)
{
  guint bits = 4;

  while ((1u << bits) < rows->n_rows * 2)
    bits++;
  g_free (rows->by_id);
  rows->by_id_bits = bits;
  rows->by_id = g_new0 (guint32, 1u << bits);
  for (guint i = 0; i < rows->n_rows; i++)
    index_add (rows, i);
}

/* A row added at the end keeps the index; anywhere else every position
 * after it moved, and the index is built again when next needed. */
static void
row_added (CstRequestRows *rows,
           guint           position)
{
  if (rows->by_id == NULL)
    return;
  if (position + 1 < rows->n_rows || rows->n_rows * 2 > (1u << rows->by_id_bits))
    g_clear_pointer (&rows->by_id, g_free);
  else
    index_add (rows, position);
}

/* Appends a row read from the database.
 * @key: its folded search key, @key_length bytes
 * @deadline: as _cst_request_rows_place_deadline() gave it
 * @original_due: the Julian day of the deadline's original due date, or 0 */
void
_cst_request_rows_append_listed (CstRequestRows          *rows,
                                 const CstRequestSummary *summary,
                                 const char              *key,
                                 gsize                    key_length,
                                 guint                    deadline,
                                 guint32                  original_due)
{
  const char *values[N_STRINGS];
  guint position = rows->n_rows;
  Row *row = open_row (rows, position);

  summary_strings (summary, values);
  fill_numbers (row, summary, deadline, original_due);
  row->strings = place_strings (rows, row, values);
  row->key = place_key (rows, key, key_length);
  row_added (rows, position);
}

/**
 * cst_request_rows_find:
 * @position: (out) (optional): where the row of request @id is
 */
gboolean
cst_request_rows_find (CstRequestRows *rows,
                       gint64          id,
                       guint          *position)
{
  guint mask, slot;

  if (rows->n_rows == 0)
    return FALSE;
  if (rows->by_id == NULL)
    build_index (rows);
  mask = (1u << rows->by_id_bits) - 1;
  for (slot = id_slot (id, rows->by_id_bits); rows->by_id[slot] != 0; slot = (slot + 1) & mask)
    if (rows->rows[rows->by_id[slot] - 1].id == id)
      {
        if (position != NULL)
          *position = rows->by_id[slot] - 1;
        return TRUE;
      }
  return FALSE;
}

gint64
cst_request_rows_get_id (CstRequestRows *rows,
                         guint           position)
{
  g_return_val_if_fail (position < rows->n_rows, 0);
  return rows->rows[position].id;
}

int
cst_request_rows_get_version (CstRequestRows *rows,
                              guint           position)
{
  g_return_val_if_fail (position < rows->n_rows, 0);
  return rows->rows[position].version;
}

CstRequestStatus
cst_request_rows_get_status (CstRequestRows *rows,
                             guint           position)
{
  g_return_val_if_fail (position < rows->n_rows, 0);
  return rows->rows[position].status;
}

static gboolean
set_julian (GDate   *date,
            guint32  day)
{
  g_date_clear (date, 1);
  if (day != 0)
    g_date_set_julian (date, day);
  return day != 0;
}

/* Returns: whether the request has a received date (set to @date) */
gboolean
cst_request_rows_get_received_date (CstRequestRows *rows,
                                    guint           position,
                                    GDate          *date)
{
  g_return_val_if_fail (position < rows->n_rows, FALSE);
  return set_julian (date, rows->rows[position].received);
}

/* Returns: the row's folded search key (cst_request_get_search_key()),
 *   valid until the rows change */
const char *
cst_request_rows_get_search_key (CstRequestRows *rows,
                                 guint           position)
{
  g_return_val_if_fail (position < rows->n_rows, NULL);
  return rows->keys + rows->rows[position].key;
}

/* Returns: the length of cst_request_rows_get_search_key() */
gsize
cst_request_rows_get_search_key_length (CstRequestRows *rows,
                                        guint           position)
{
  g_return_val_if_fail (position < rows->n_rows, 0);
  if (!rows->keys_in_order)
    return strlen (rows->keys + rows->rows[position].key);
  return (position + 1 < rows->n_rows ? rows->rows[position + 1].key : rows->keys_length) -
         rows->rows[position].key - 1;
}

/* Writes the keys anew in the rows' order, leaving out those of rows
 * removed or changed since. */
static void
order_keys (CstRequestRows *rows)
{
  gsize size = 0;
  char *keys, *to;

  for (guint i = 0; i < rows->n_rows; i++)
    size += strlen (rows->keys + rows->rows[i].key) + 1;
  to = keys = grow_block (NULL, MAX (size, 1));
  for (guint i = 0; i < rows->n_rows; i++)
    {
      gsize length = strlen (rows->keys + rows->rows[i].key) + 1;

      memcpy (to, rows->keys + rows->rows[i].key, length);
      rows->rows[i].key = to - keys;
      to += length;
    }
  g_free (rows->keys);
  rows->keys = keys;
  rows->keys_length = rows->keys_room = size;
  rows->keys_in_order = TRUE;
}

/**
 * cst_request_rows_get_keys:
 * @size: (out): the bytes the keys take
 *
 * Every row's search key in the rows' order, each NUL-ended: to search
 * them all at once (the list's filter), finding a match's row with
 * cst_request_rows_find_key().
 *
 * Returns: (nullable): the keys, valid until the rows change
 */
const char *
cst_request_rows_get_keys (CstRequestRows *rows,
                           gsize          *size)
{
  if (!rows->keys_in_order)
    order_keys (rows);
  *size = rows->keys_length;
  return rows->keys;
}

/**
 * cst_request_rows_find_key:
 * @offset: a byte of cst_request_rows_get_keys() (the rows have not
 *   changed since)
 * @from: a row at or before the one sought: a search going through the
 *   keys in order finds the next row in a step or two, not in a search
 *   of all of them
 *
 * Returns: the row whose key holds byte @offset
 */
guint
cst_request_rows_find_key (CstRequestRows *rows,
                           gsize           offset,
                           guint           from)
{
  guint low = from, high, step = 1;

  g_return_val_if_fail (rows->keys_in_order && offset < rows->keys_length, 0);
  g_return_val_if_fail (from < rows->n_rows && rows->rows[from].key <= offset, 0);
  /* Galloping: rows[low] starts at or before @offset. */
  while (low + step < rows->n_rows && rows->rows[low + step].key <= offset)
    {
      low += step;
      step *= 2;
    }
  high = MIN (low + step, rows->n_rows);
  while (high - low > 1)
    {
      guint middle = low + (high - low) / 2;

      if (rows->rows[middle].key <= offset)
        low = middle;
      else
        high = middle;
    }
  return low;
}

const char *
cst_request_rows_get_facility_code (CstRequestRows *rows,
                                    guint           position)
{
  g_return_val_if_fail (position < rows->n_rows, NULL);
  return get_string (rows, &rows->rows[position], S_FACILITY);
}

/* As cst_request_due_state_on() says for the row's request. */
CstDueState
cst_request_rows_due_state_on (CstRequestRows *rows,
                               guint           position,
                               const GDate    *today)
{
  const Row *row;
  int days_left;

  g_return_val_if_fail (position < rows->n_rows, CST_DUE_NO_DEADLINE);
  row = &rows->rows[position];
  if (cst_request_status_is_closed (row->status))
    return CST_DUE_CLOSED;
  if (row->due == 0)
    return CST_DUE_NO_DEADLINE;
  days_left = (int) row->due - (int) g_date_get_julian (today);
  if (days_left < 0)
    return CST_DUE_OVERDUE;
  if (days_left <= CST_AT_RISK_DAYS)
    return CST_DUE_SOON;
  return CST_DUE_ON_TRACK;
}

/**
 * cst_request_rows_make_request:
 *
 * Returns: (transfer full): a new request with the row's fields, as the
 *   list's summary has them
 */
CstRequest *
cst_request_rows_make_request (CstRequestRows *rows,
                               guint           position)
{
  const Row *row;
  GDate received, due, extended_on;
  CstRequestDeadline deadline;
  CstRequestSummary summary;
  CstRequest *request;

  g_return_val_if_fail (position < rows->n_rows, NULL);
  row = &rows->rows[position];
  summary = (CstRequestSummary) {
    .id = row->id, .patient_id = row->patient_id, .requester_id = row->requester_id,
    .version = row->version, .status = row->status, .requester_kind = row->requester_kind,
    .reference = get_string (rows, row, S_REFERENCE),
    .jurisdiction = get_string (rows, row, S_JURISDICTION),
    .patient_mrn = get_string (rows, row, S_MRN),
    .patient_family_name = get_string (rows, row, S_FAMILY),
    .patient_given_name = get_string (rows, row, S_GIVEN),
    .requester_name = get_string (rows, row, S_REQUESTER),
    .updated_by = get_string (rows, row, S_UPDATED_BY),
    .facility_code = get_string (rows, row, S_FACILITY),
    .received = set_julian (&received, row->received) ? &received : NULL,
    .due = set_julian (&due, row->due) ? &due : NULL,
    .extended_on = set_julian (&extended_on, row->extended_on) ? &extended_on : NULL,
  };
  request = _cst_request_new_from_row (&summary, rows->keys + row->key);
  deadline = *(const CstRequestDeadline *) g_ptr_array_index (rows->deadlines, row->deadline);
  set_julian (&deadline.original_due, row->original_due);
  cst_request_set_deadline (request, &deadline);
  return request;
}

static void
fill_from_request (CstRequestRows *rows,
                   guint           position,
                   CstRequest     *request,
                   gboolean        existing)
{
  CstRequestSummary summary;

  _cst_request_get_summary (request, &summary);
  fill_row (rows, &rows->rows[position], &summary, cst_request_get_search_key (request),
            cst_request_get_deadline (request), existing);
}

/* Rows for @requests, before the row at @position, in their order. */
void
cst_request_rows_insert_requests (CstRequestRows  *rows,
                                  guint            position,
                                  CstRequest     **requests,
                                  guint            n)
{
  g_return_if_fail (position <= rows->n_rows);
  if (n == 0)
    return;
  if (rows->n_rows + n > rows->rows_room)
    {
      rows->rows_room = grown_room (rows, rows->rows_room, rows->n_rows + n + 64);
      rows->rows = g_renew (Row, rows->rows, rows->rows_room);
    }
  memmove (rows->rows + position + n, rows->rows + position,
           (rows->n_rows - position) * sizeof (Row));
  rows->n_rows += n;
  if (position + n < rows->n_rows)
    rows->keys_in_order = FALSE;
  for (guint i = 0; i < n; i++)
    fill_from_request (rows, position + i, requests[i], FALSE);
  if (position + n < rows->n_rows)
    g_clear_pointer (&rows->by_id, g_free);
  else
    for (guint i = 0; i < n; i++)
      row_added (rows, position + i);
}

/* The row at @position says what @request says now (its id unchanged). */
void
cst_request_rows_set_request (CstRequestRows *rows,
                              guint           position,
                              CstRequest     *request)
{
  g_return_if_fail (position < rows->n_rows);
  g_return_if_fail (cst_request_get_id (request) == rows->rows[position].id);
  fill_from_request (rows, position, request, TRUE);
}

/* Appends a copy of row @position of @from. */
void
cst_request_rows_append_row (CstRequestRows *rows,
                             CstRequestRows *from,
                             guint           position)
{
  const Row *source;
  const char *values[N_STRINGS], *key;
  CstRequestDeadline deadline;
  Row *row;

  g_return_if_fail (position < from->n_rows);
  source = &from->rows[position];
  for (guint i = 0; i < N_STRINGS; i++)
    values[i] = get_string (from, source, i);
  key = from->keys + source->key;
  deadline = *(const CstRequestDeadline *) g_ptr_array_index (from->deadlines, source->deadline);
  row = open_row (rows, rows->n_rows);
  *row = *source;
  row->deadline = _cst_request_rows_place_deadline (rows, &deadline);
  row->strings = place_strings (rows, row, values);
  row->key = place_key (rows, key, strlen (key));
  row_added (rows, rows->n_rows - 1);
}

void
cst_request_rows_remove (CstRequestRows *rows,
                         guint           position)
{
  g_return_if_fail (position < rows->n_rows);
  memmove (rows->rows + position, rows->rows + position + 1,
           (rows->n_rows - position - 1) * sizeof (Row));
  rows->n_rows--;
  rows->keys_in_order = FALSE;
  g_clear_pointer (&rows->by_id, g_free);
}

/* The list's order: newest received first, then the newest id. */
static int
compare_listed (gconstpointer a,
                gconstpointer b)
{
  const Row *x = a, *y = b;

  if (x->received != y->received)
    return x->received < y->received ? 1 : -1;
  return x->id < y->id ? 1 : x->id > y->id ? -1 : 0;
}

static gboolean
in_listed_order (CstRequestRows *rows)
{
  for (guint i = 1; i < rows->n_rows; i++)
    if (compare_listed (&rows->rows[i - 1], &rows->rows[i]) > 0)
      return FALSE;
  return TRUE;
}

/* What the sort moves: a row's place in the list's order and where it is. */
typedef struct
{
  gint64  id;
  guint32 received;
  guint32 from;
} Placing;

static int
compare_placing (gconstpointer a,
                 gconstpointer b)
{
  const Placing *x = a, *y = b;

  if (x->received != y->received)
    return x->received < y->received ? 1 : -1;
  return x->id < y->id ? 1 : x->id > y->id ? -1 : 0;
}

/* Sorts @placings[@from, @to), one day's, by id, newest first: as read
 * from the table, most often oldest first already. */
static void
order_day (Placing *placings,
           guint    from,
           guint    to)
{
  gboolean ascending = TRUE, descending = TRUE;

  for (guint i = from + 1; i < to; i++)
    {
      ascending = ascending && placings[i - 1].id < placings[i].id;
      descending = descending && placings[i - 1].id > placings[i].id;
    }
  if (descending)
    return;
  if (!ascending)
    {
      qsort (placings + from, to - from, sizeof (Placing), compare_placing);
      return;
    }
  for (guint i = from, j = to - 1; i < j; i++, j--)
    {
      Placing swap = placings[i];

      placings[i] = placings[j];
      placings[j] = swap;
    }
}

/* The placings in the list's order, counted out by day (a list spans a
 * few thousand days at most, against 200,000 rows: a sort by comparison
 * was most of the sort's time), each day then by id.  FALSE when the days
 * are too spread for a count (a row with no date). */
static gboolean
place_by_day (CstRequestRows *rows,
              Placing        *placings)
{
  guint32 newest = 0, oldest = G_MAXUINT32, span;
  g_autofree guint *next = NULL;
  guint from = 0;

  for (guint i = 0; i < rows->n_rows; i++)
    {
      newest = MAX (newest, rows->rows[i].received);
      oldest = MIN (oldest, rows->rows[i].received);
    }
  span = newest - oldest + 1;
  if (rows->n_rows == 0 || span > rows->n_rows * 4 + 4096)
    return FALSE;
  next = g_new0 (guint, span + 1);
  for (guint i = 0; i < rows->n_rows; i++)
    next[newest - rows->rows[i].received + 1]++;
  for (guint day = 1; day <= span; day++)
    next[day] += next[day - 1];
  for (guint i = 0; i < rows->n_rows; i++)
    placings[next[newest - rows->rows[i].received]++] =
      (Placing) { rows->rows[i].id, rows->rows[i].received, i };
  for (guint i = 1; i <= rows->n_rows; i++)
    if (i == rows->n_rows || placings[i].received != placings[from].received)
      {
        order_day (placings, from, i);
        from = i;
      }
  return TRUE;
}

/* Puts rows read in any order in the list's (ORDER BY received_date DESC,
 * id DESC): sorted here, the server streams its joins' rows instead of
 * sorting them all before sending the first.  Rows read in that order
 * already (an index's) stay as they are.
 *
 * The rows' keys were placed in the order read: the sort moves small
 * placings, not the 56-byte rows, and then writes the rows and their keys
 * anew in one pass, each key's length known from where the next began
 * (before, at 200,000 rows, the rows were sorted by qsort() and every key
 * then copied again in their new order, each found by strlen() twice). */
void
_cst_request_rows_sort_listed (CstRequestRows *rows)
{
  g_autofree Placing *placings = NULL;
  Row *sorted;
  char *keys, *to;

  if (in_listed_order (rows))
    return;
  if (!rows->keys_in_order)
    order_keys (rows);
  placings = g_new (Placing, rows->n_rows);
  if (!place_by_day (rows, placings))
    {
      for (guint i = 0; i < rows->n_rows; i++)
        placings[i] = (Placing) { rows->rows[i].id, rows->rows[i].received, i };
      qsort (placings, rows->n_rows, sizeof (Placing), compare_placing);
    }

  sorted = grow_block (NULL, MAX (rows->n_rows, 1) * sizeof (Row));
  to = keys = grow_block (NULL, MAX (rows->keys_length, 1));
  for (guint i = 0; i < rows->n_rows; i++)
    {
      guint from = placings[i].from;
      gsize end = from + 1 < rows->n_rows ? rows->rows[from + 1].key : rows->keys_length;
      gsize length = end - rows->rows[from].key;

      sorted[i] = rows->rows[from];
      memcpy (to, rows->keys + rows->rows[from].key, length);
      sorted[i].key = to - keys;
      to += length;
    }
  g_free (rows->rows);
  g_free (rows->keys);
  rows->rows = sorted;
  rows->rows_room = MAX (rows->n_rows, 1);
  rows->keys = keys;
  rows->keys_room = MAX (rows->keys_length, 1);
  g_clear_pointer (&rows->by_id, g_free);
}

/* Gives back the room the rows grew into beyond what they hold: read
 * once, a list is then mostly read. */
void
_cst_request_rows_trim (CstRequestRows *rows)
{
  rows->rows_room = MAX (rows->n_rows, 1);
  rows->rows = g_renew (Row, rows->rows, rows->rows_room);
  rows->arena_room = MAX (rows->arena_length, 1);
  rows->arena = g_realloc (rows->arena, rows->arena_room);
  if (rows->keys_in_order)
    {
      rows->keys_room = MAX (rows->keys_length, 1);
      rows->keys = g_realloc (rows->keys, rows->keys_room);
    }
  else
    order_keys (rows);   /* here, on the listing thread, not at the first search */
  rows->trimmed = TRUE;
}
