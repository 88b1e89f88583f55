/* cst-request-rows.c — the request list's rows as compact records
 *
 * 200,000 requests as 200,000 CstRequest objects held about 530 bytes
 * each (the object, its block of texts, its index entry, issue 24).  A
 * row here is a fixed record of numbers (dates as Julian days) and one
 * offset into an arena holding its folded search key and its eight texts,
 * NUL-ended one after the other; the deadline's rule and citations, which
 * a few dozen rules share, are one index into a table of the distinct
 * ones.  A CstRequest is made from a row only when someone asks for one
 * (cst_request_rows_make_request(): the rows on screen, a form), by the
 * store, which keeps the objects handed out (cst-request-store.c).
 *
 * A row changed in place writes its strings anew at the end of the
 * arena; the old ones stay until the next full load replaces the rows.
 */
#define G_LOG_DOMAIN "cst-request-rows"

#include "config.h"

#include <string.h>

#include "custodian/cst-request-rows.h"
#include "cst-request-private.h"

/* The strings of a row, in the order they lie in the arena: the key
 * first, as the filter reads it for every row; the facility next, as the
 * list's facility filter does. */
enum {
  S_KEY,
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
  guint32  strings;        /* offset of the row's strings in the arena */
  gint32   version;
  guint32  received;       /* Julian days; 0: none */
  guint32  due;
  guint32  extended_on;
  guint32  original_due;
  guint32  deadline;       /* index into @deadlines */
  guint8   status;
  guint8   requester_kind;
  guint16  absent;         /* bit i: string i is NULL */
} Row;

struct _CstRequestRows
{
  Row        *rows;
  guint       n_rows;
  guint       rows_room;
  char       *arena;
  gsize       arena_length;
  gsize       arena_room;
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
  return rows;
}

void
cst_request_rows_free (CstRequestRows *rows)
{
  if (rows == NULL)
    return;
  g_free (rows->rows);
  g_free (rows->arena);
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
  return sizeof *rows + rows->rows_room * sizeof (Row) + rows->arena_room +
         (rows->by_id ? ((gsize) 1 << rows->by_id_bits) * sizeof (guint32) : 0) +
         rows->deadlines->len * (sizeof (CstRequestDeadline) + 2 * sizeof (gpointer));
}

/* The deadline without its dates, as an index into the table. */
static guint32
deadline_place (CstRequestRows           *rows,
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

/* Copies @values to the end of the arena; returns where they start. */
static guint32
place_strings (CstRequestRows    *rows,
               const char *const *values,
               guint16           *absent)
{
  gsize lengths[N_STRINGS], size = 0, start = rows->arena_length;

  *absent = 0;
  for (guint i = 0; i < N_STRINGS; i++)
    {
      lengths[i] = values[i] ? strlen (values[i]) : 0;
      if (values[i] == NULL)
        *absent |= 1u << i;
      size += lengths[i] + 1;
    }
  g_assert (start + size <= G_MAXUINT32);
  if (start + size > rows->arena_room)
    {
      rows->arena_room = grown_room (rows, rows->arena_room, start + size);
      rows->arena = g_realloc (rows->arena, rows->arena_room);
    }
  for (guint i = 0; i < N_STRINGS; i++)
    {
      memcpy (rows->arena + rows->arena_length, values[i] ? values[i] : "", lengths[i] + 1);
      rows->arena_length += lengths[i] + 1;
    }
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

static void
fill_row (CstRequestRows           *rows,
          Row                      *row,
          const CstRequestSummary  *summary,
          const char               *key,
          const CstRequestDeadline *deadline)
{
  const char *values[N_STRINGS] = {
    [S_KEY] = key, [S_FACILITY] = summary->facility_code, [S_REFERENCE] = summary->reference,
    [S_JURISDICTION] = summary->jurisdiction, [S_MRN] = summary->patient_mrn,
    [S_FAMILY] = summary->patient_family_name, [S_GIVEN] = summary->patient_given_name,
    [S_REQUESTER] = summary->requester_name, [S_UPDATED_BY] = summary->updated_by,
  };

  row->id = summary->id;
  row->patient_id = summary->patient_id;
  row->requester_id = summary->requester_id;
  row->version = summary->version;
  row->status = summary->status;
  row->requester_kind = summary->requester_kind;
  row->received = julian (summary->received);
  row->due = julian (summary->due);
  row->extended_on = julian (summary->extended_on);
  row->original_due = deadline ? julian (&deadline->original_due) : 0;
  row->deadline = deadline_place (rows, deadline);
  row->strings = place_strings (rows, values, &row->absent);
}

/* Room for one more row at @position, the rows after it moved down. */
static Row *
open_row (CstRequestRows *rows,
          guint           position)
{
  if (rows->n_rows == rows->rows_room)
    {
      rows->rows_room = grown_room (rows, rows->rows_room, rows->n_rows + 64);
      rows->rows = g_renew (Row, rows->rows, rows->rows_room);
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

void
_cst_request_rows_append_summary (CstRequestRows           *rows,
                                  const CstRequestSummary  *summary,
                                  const CstRequestDeadline *deadline)
{
  g_autofree char *key = _cst_request_fold_summary_key (summary);
  guint position = rows->n_rows;

  fill_row (rows, open_row (rows, position), summary, key, deadline);
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
  return rows->arena + rows->rows[position].strings;
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
  request = _cst_request_new_from_row (&summary, get_string (rows, row, S_KEY));
  deadline = *(const CstRequestDeadline *) g_ptr_array_index (rows->deadlines, row->deadline);
  set_julian (&deadline.original_due, row->original_due);
  cst_request_set_deadline (request, &deadline);
  return request;
}

static void
fill_from_request (CstRequestRows *rows,
                   Row            *row,
                   CstRequest     *request)
{
  CstRequestSummary summary;

  _cst_request_get_summary (request, &summary);
  fill_row (rows, row, &summary, cst_request_get_search_key (request),
            cst_request_get_deadline (request));
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
  for (guint i = 0; i < n; i++)
    fill_from_request (rows, &rows->rows[position + i], requests[i]);
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
  fill_from_request (rows, &rows->rows[position], request);
}

/* Appends a copy of row @position of @from. */
void
cst_request_rows_append_row (CstRequestRows *rows,
                             CstRequestRows *from,
                             guint           position)
{
  const Row *source;
  const char *values[N_STRINGS];
  CstRequestDeadline deadline;
  Row *row;

  g_return_if_fail (position < from->n_rows);
  source = &from->rows[position];
  for (guint i = 0; i < N_STRINGS; i++)
    values[i] = get_string (from, source, i);
  deadline = *(const CstRequestDeadline *) g_ptr_array_index (from->deadlines, source->deadline);
  row = open_row (rows, rows->n_rows);
  *row = *source;
  row->deadline = deadline_place (rows, &deadline);
  row->strings = place_strings (rows, values, &row->absent);
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
  rows->trimmed = TRUE;
}
