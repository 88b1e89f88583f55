/* cst-request-store.c — the live list of requests the window shows
 *
 * A GListModel of CstRequest.  The rows are compact records
 * (CstRequestRows: no object per row, issue 24); a CstRequest is made for
 * a row only when get_item() or a lookup asks for it, and kept while
 * anyone holds it (the rows on screen, a form), so each request appears
 * as one object at a time: saving, moving or a change announced by
 * another client updates that object in place, so rows and the detail
 * pane bound to it refresh without the list being rebuilt.  The last
 * objects made are also held here for a while (RECENT_OBJECTS), so one a
 * lookup returns stays the same object for its caller.  All database
 * work goes through the CstConnection worker; this object lives on the
 * main thread only.
 *
 * A save that fails because the server cannot be reached is not lost: it
 * waits in a queue, with the version the clerk's edit was based on, and is
 * sent again when the connection is back (retried with backoff, and at
 * once when any other call or the change listener finds the server up).
 * Its caller's callback runs only then, with the stored request or, when
 * another clerk saved in between, the usual conflict, so the optimistic
 * lock and the form's merge work exactly as for an online save.
 */
#define G_LOG_DOMAIN "cst-request-store"

#include "config.h"

#include <string.h>

#include "custodian/cst-error.h"
#include "custodian/cst-extension.h"
#include "custodian/cst-input.h"
#include "custodian/cst-listener.h"
#include "custodian/cst-release.h"
#include "custodian/cst-settings.h"
#include "custodian/cst-request-repo.h"
#include "custodian/cst-request-repo-first.h"
#include "custodian/cst-request-rows.h"
#include "custodian/cst-request-store.h"

#include "cst-request-private.h"
#include "cst-request-store-private.h"

#define NOTIFY_CHANNEL "custodian_requests"
#define MAX_SAVE_RETRY_SECONDS 10
/* Objects made for rows that stay alive after their caller let go: a
 * lookup's result (transfer none) stays valid while this many more are
 * made, more than the rows GTK 4.8 keeps widgets for (200). */
#define RECENT_OBJECTS 512

struct _CstRequestStore
{
  GObject        parent_instance;

  CstConnection *connection;
  CstListener   *listener;
  gboolean       listen_attempted;  /* the listener's first attempt ended */
  GPtrArray     *held_loads;        /* of HeldLoad: whole lists waiting for it */
  gboolean       read_unwatched;    /* a whole list was read while nothing LISTENed */
  CstRequestRows *rows;
  GHashTable    *live;    /* the object's own gint64 id → the CstRequest made for it, unowned (weak) */
  CstRequest    *recent[RECENT_OBJECTS];   /* the last objects made, held */
  guint          recent_next;
  guint          loading;
  GQueue         pending_saves;  /* of PendingSave, oldest first */
  guint          retry_id;
  guint          retry_backoff;  /* seconds; 0 after a save got through */
  guint          closed_days;    /* closed requests older than this are left out; 0: none are */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CstRequestStore, cst_request_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_LOADING,
  PROP_N_ITEMS,
  PROP_N_PENDING_SAVES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  REFRESHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef enum
{
  OP_FETCH,
  OP_CREATE,
  OP_SAVE,
  OP_SAVE_AGAIN,    /* a save whose earlier attempt lost its answer */
  OP_MOVE,
  OP_EXTEND,
  OP_RELEASE,
} OpKind;

typedef struct
{
  OpKind            kind;
  gint64            id;
  CstRequest       *request;  /* a private copy: never shared with the main thread */
  CstRequestStatus  to;
  char             *reason;
  GDate             date;
} Op;

static void
op_free (Op *op)
{
  g_clear_object (&op->request);
  g_free (op->reason);
  g_free (op);
}

static Op *
op_new (OpKind      kind,
        CstRequest *request)
{
  Op *op = g_new0 (Op, 1);

  op->kind = kind;
  op->request = request ? cst_request_copy (request) : NULL;
  op->id = request ? cst_request_get_id (request) : 0;
  g_date_clear (&op->date, 1);
  return op;
}

static Op *
op_copy (const Op *op)
{
  Op *copy = op_new (op->kind, op->request);

  copy->id = op->id;
  copy->to = op->to;
  copy->reason = g_strdup (op->reason);
  copy->date = op->date;
  return copy;
}

/* In the desk's language and on its paper, as the release forms prepared
 * it (cst_release_desk_setup()); the facility's letterhead comes from the
 * database (cst-facility.h). */
static CstRequest *
release (PGconn   *conn,
         Op       *op,
         GError  **error)
{
  CstDocumentOptions options;
  const char *language = cst_release_desk_setup (&options);
  g_autoptr(CstRelease) done = NULL;

  done = cst_release_run (conn, op->request, op->reason ? op->reason : language, &options, error);
  return done ? g_object_ref (done->request) : NULL;
}

static gpointer
run_op (PGconn   *conn,
        gpointer  data,
        GError  **error)
{
  Op *op = data;

  switch (op->kind)
    {
    case OP_FETCH:
      return cst_request_repo_get (conn, op->id, error);
    case OP_CREATE:
      return cst_request_repo_create (conn, op->request, error);
    case OP_SAVE:
      return cst_request_repo_save (conn, op->request, error);
    case OP_SAVE_AGAIN:
      return cst_request_repo_save_again (conn, op->request, error);
    case OP_MOVE:
      return cst_request_repo_move (conn, op->request, op->to, op->reason, error);
    case OP_EXTEND:
      return cst_extension_take (conn, op->request, &op->date, op->reason, NULL, NULL, NULL, error);
    case OP_RELEASE:
      return release (conn, op, error);
    default:
      g_assert_not_reached ();
    }
}

/* Whether @fresh, from the database, brings @shown anything: a later
 * version, never an older one; the same version still brings the details
 * a list row lacks. */
static gboolean
is_newer (CstRequest *fresh,
          CstRequest *shown)
{
  int fresh_version = cst_request_get_version (fresh);
  int shown_version = cst_request_get_version (shown);

  return fresh_version > shown_version ||
         (fresh_version == shown_version && cst_request_get_details_loaded (fresh) &&
          !cst_request_get_details_loaded (shown));
}

/* An object made for a row is let go (its holders let it go): it is no
 * longer the row's. */
static void
live_gone_cb (gpointer  data,
              GObject  *where_the_object_was)
{
  CstRequestStore *self = data;
  const gint64 *id = _cst_request_get_id_key ((CstRequest *) where_the_object_was);

  if (g_hash_table_lookup (self->live, id) == (gpointer) where_the_object_was)
    g_hash_table_remove (self->live, id);
}

/* The objects handed out now, held while the caller works on them. */
static GPtrArray *
live_objects (CstRequestStore *self)
{
  GPtrArray *objects = g_ptr_array_new_full (g_hash_table_size (self->live), g_object_unref);
  GHashTableIter iter;
  gpointer object;

  g_hash_table_iter_init (&iter, self->live);
  while (g_hash_table_iter_next (&iter, NULL, &object))
    g_ptr_array_add (objects, g_object_ref (object));
  return objects;
}

static void
drop_live (CstRequestStore *self,
           CstRequest      *request)
{
  g_object_weak_unref (G_OBJECT (request), live_gone_cb, self);
  g_hash_table_remove (self->live, _cst_request_get_id_key (request));
}

/* Makes @request the one object of its row, for as long as anyone holds
 * it, and holds it among the recent ones for a while. */
static void
keep_live (CstRequestStore *self,
           CstRequest      *request)
{
  CstRequest *had = g_hash_table_lookup (self->live, _cst_request_get_id_key (request));

  if (had == request)
    return;
  if (had != NULL)
    drop_live (self, had);
  g_object_weak_ref (G_OBJECT (request), live_gone_cb, self);
  g_hash_table_replace (self->live, (gpointer) _cst_request_get_id_key (request), request);
  g_object_ref (request);
  g_clear_object (&self->recent[self->recent_next]);
  self->recent[self->recent_next] = request;
  self->recent_next = (self->recent_next + 1) % RECENT_OBJECTS;
}

/* Returns: (transfer none): the object of the row at @position, made
 *   now if nobody holds one */
static CstRequest *
object_at (CstRequestStore *self,
           guint            position)
{
  gint64 id = cst_request_rows_get_id (self->rows, position);
  CstRequest *request = g_hash_table_lookup (self->live, &id);

  if (request == NULL)
    {
      g_autoptr(CstRequest) made = cst_request_rows_make_request (self->rows, position);

      keep_live (self, made);
      request = made;   /* held among the recent ones */
    }
  return request;
}

/* The object @shown of the row at @position, and the row, brought up to
 * date with @fresh. */
static void
refresh_row (CstRequestStore *self,
             guint            position,
             CstRequest      *shown,
             CstRequest      *fresh)
{
  if (!is_newer (fresh, shown))
    return;
  cst_request_update_from (shown, fresh);
  cst_request_rows_set_request (self->rows, position, shown);
  g_signal_emit (self, signals[REFRESHED], 0, shown);
}

/* The older closed requests a search found (closed, received before the
 * cutoff) among @old that @rows, the new list, does not hold: a reload
 * does not bring them, so they stay. */
static void
keep_found_by_search (CstRequestStore *self,
                      CstRequestRows  *old,
                      CstRequestRows  *rows)
{
  guint n = cst_request_rows_get_length (old);
  GDate cutoff, received;

  if (!cst_request_store_get_closed_cutoff (self, &cutoff))
    return;
  for (guint i = 0; i < n; i++)
    if (cst_request_status_is_closed (cst_request_rows_get_status (old, i)) &&
        cst_request_rows_get_received_date (old, i, &received) &&
        g_date_compare (&received, &cutoff) < 0 &&
        !cst_request_rows_find (rows, cst_request_rows_get_id (old, i), NULL))
      cst_request_rows_append_row (rows, old, i);
}

/* The objects handed out follow their rows into a new list: an open form
 * holds one, and a reload (after the server comes back, say) must update
 * it in place, not orphan it; never stepping back to an older version,
 * the row takes the object's fields. */
static void
follow_live (CstRequestStore *self)
{
  g_autoptr(GPtrArray) shown = live_objects (self);

  for (guint i = 0; i < shown->len; i++)
    {
      CstRequest *request = shown->pdata[i];
      guint position;

      if (!cst_request_rows_find (self->rows, cst_request_get_id (request), &position))
        {
          drop_live (self, request);
          continue;
        }
      if (cst_request_rows_get_version (self->rows, position) > cst_request_get_version (request))
        {
          g_autoptr(CstRequest) fresh = cst_request_rows_make_request (self->rows, position);

          refresh_row (self, position, request, fresh);
        }
      else
        cst_request_rows_set_request (self->rows, position, request);
    }
}

/* Whether row @i of @a and row @j of @b are the same request as listed:
 * the same version, with the same texts (the key holds them all). */
static gboolean
same_row (CstRequestRows *a,
          guint           i,
          CstRequestRows *b,
          guint           j)
{
  return cst_request_rows_get_id (a, i) == cst_request_rows_get_id (b, j) &&
         cst_request_rows_get_version (a, i) == cst_request_rows_get_version (b, j) &&
         cst_request_rows_get_status (a, i) == cst_request_rows_get_status (b, j) &&
         strcmp (cst_request_rows_get_search_key (a, i), cst_request_rows_get_search_key (b, j)) == 0;
}

/* Replaces the whole list, keeping the live object of every request that
 * was already in it.  Older closed requests a search found stay too.
 *
 * Only the rows between those the two lists begin and end with alike are
 * said to change: the whole list arriving after its first screenful
 * (cst_request_store_load_async()) adds rows after that screenful instead
 * of replacing it, so the window keeps the rows it shows and their
 * widgets; a reload that finds one new request adds one row. */
static void
set_rows (CstRequestStore *self,
          CstRequestRows  *rows)
{
  g_autoptr(CstRequestRows) old = self->rows;
  guint removed = cst_request_rows_get_length (old);
  guint added, same = 0, same_end = 0;

  keep_found_by_search (self, old, rows);
  self->rows = rows;
  follow_live (self);
  added = cst_request_rows_get_length (rows);
  while (same < MIN (removed, added) && same_row (old, same, rows, same))
    same++;
  while (same + same_end < MIN (removed, added) &&
         same_row (old, removed - 1 - same_end, rows, added - 1 - same_end))
    same_end++;
  if (removed != added || same < removed)
    g_list_model_items_changed (G_LIST_MODEL (self), same, removed - same - same_end,
                                added - same - same_end);
  if (removed != added)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

/* Merges a request fresh from the database into a row of the list,
 * returning the one live object that represents it, or NULL when the list
 * has no row for it yet. */
static CstRequest *
absorb_into_row (CstRequestStore *self,
                 CstRequest      *fresh)
{
  gint64 id = cst_request_get_id (fresh);
  CstRequest *shown = g_hash_table_lookup (self->live, &id);
  guint position;

  if (!cst_request_rows_find (self->rows, id, &position))
    return NULL;
  if (shown != NULL)
    {
      refresh_row (self, position, shown, fresh);
      return g_object_ref (shown);
    }
  if (cst_request_get_version (fresh) > cst_request_rows_get_version (self->rows, position) ||
      cst_request_get_details_loaded (fresh))
    {
      cst_request_rows_set_request (self->rows, position, fresh);
      keep_live (self, fresh);
      g_signal_emit (self, signals[REFRESHED], 0, fresh);
      return g_object_ref (fresh);
    }
  return g_object_ref (object_at (self, position));
}

/* New rows for @requests at the top of the list, one change. */
static void
insert_rows (CstRequestStore  *self,
             CstRequest      **requests,
             guint             n)
{
  if (n == 0)
    return;
  cst_request_rows_insert_requests (self->rows, 0, requests, n);
  for (guint i = 0; i < n; i++)
    keep_live (self, requests[i]);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, n);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

/* Merges a request fresh from the database into the list, returning the
 * one live object that represents it. */
static CstRequest *
absorb (CstRequestStore *self,
        CstRequest      *fresh)
{
  CstRequest *shown = absorb_into_row (self, fresh);

  if (shown != NULL)
    return shown;
  insert_rows (self, &fresh, 1);
  return g_object_ref (fresh);
}

static void
forget (CstRequestStore *self,
        gint64           id)
{
  CstRequest *shown = g_hash_table_lookup (self->live, &id);
  guint position;

  if (!cst_request_rows_find (self->rows, id, &position))
    return;
  if (shown != NULL)
    drop_live (self, shown);
  cst_request_rows_remove (self->rows, position);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static void
set_loading (CstRequestStore *self,
             gboolean         loading)
{
  gboolean was = self->loading > 0;

  self->loading += loading ? 1 : -1;
  if (was != (self->loading > 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
change_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CstRequestStore *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(CstRequest) fresh = cst_connection_run_finish (CST_CONNECTION (object), result, &error);

  if (fresh == NULL)
    {
      /* The row is gone: take it out of the list too. */
      if (g_error_matches (error, CST_ERROR, CST_ERROR_NOT_FOUND))
        forget (self, GPOINTER_TO_SIZE (g_task_get_task_data (task)));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, absorb (self, fresh), g_object_unref);
}

static void
run_change (CstRequestStore     *self,
            Op                  *op,
            gpointer             source_tag,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, GSIZE_TO_POINTER ((gsize) op->id), NULL);
  cst_connection_run_async (self->connection, run_op, op, (GDestroyNotify) op_free,
                            g_object_unref, cancellable, change_done_cb, task);
}

typedef struct
{
  GTask    *task;     /* the caller's, finished when the save gets through */
  Op       *op;       /* the edit, with the version it was based on */
  gboolean  sending;  /* on its way to the server right now */
} PendingSave;

static void
pending_save_free (PendingSave *pending)
{
  g_clear_object (&pending->task);
  g_clear_pointer (&pending->op, op_free);
  g_free (pending);
}

static void send_save (CstRequestStore *self,
                       PendingSave     *pending);

/* Sends every waiting save again, in the order they were made; the
 * connection runs them one by one. */
static void
retry_pending_saves (CstRequestStore *self)
{
  g_clear_handle_id (&self->retry_id, g_source_remove);
  for (GList *l = self->pending_saves.head; l != NULL; l = l->next)
    {
      PendingSave *pending = l->data;

      if (!pending->sending)
        send_save (self, pending);
    }
}

static gboolean
retry_cb (gpointer user_data)
{
  CstRequestStore *self = user_data;

  self->retry_id = 0;
  retry_pending_saves (self);
  return G_SOURCE_REMOVE;
}

/* The save could not reach the server: it waits, and all waiting saves are
 * tried again after 1, 2, 4 … seconds, or as soon as the server answers. */
static void
keep_waiting (CstRequestStore *self,
              PendingSave     *pending)
{
  if (g_queue_find (&self->pending_saves, pending) == NULL)
    {
      g_queue_push_tail (&self->pending_saves, pending);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PENDING_SAVES]);
    }
  if (self->retry_id != 0)
    return;
  self->retry_backoff = self->retry_backoff ? MIN (self->retry_backoff * 2, MAX_SAVE_RETRY_SECONDS) : 1;
  g_debug ("Server unreachable; retrying %u pending save(s) in %u s",
           g_queue_get_length (&self->pending_saves), self->retry_backoff);
  self->retry_id = g_timeout_add_seconds (self->retry_backoff, retry_cb, self);
}

static void
save_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  PendingSave *pending = user_data;
  CstRequestStore *self = g_task_get_source_object (pending->task);
  g_autoptr(GError) error = NULL;
  g_autoptr(CstRequest) fresh = cst_connection_run_finish (CST_CONNECTION (object), result, &error);

  pending->sending = FALSE;
  if (fresh == NULL && g_error_matches (error, CST_ERROR, CST_ERROR_CONNECTION))
    {
      /* The server may have committed it before the link broke: the
       * retry recognises its own earlier success. */
      pending->op->kind = OP_SAVE_AGAIN;
      keep_waiting (self, pending);
      return;
    }
  self->retry_backoff = 0;
  if (g_queue_remove (&self->pending_saves, pending))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PENDING_SAVES]);
  if (fresh == NULL)
    {
      if (g_error_matches (error, CST_ERROR, CST_ERROR_NOT_FOUND))
        forget (self, pending->op->id);
      g_task_return_error (pending->task, g_steal_pointer (&error));
    }
  else
    g_task_return_pointer (pending->task, absorb (self, fresh), g_object_unref);
  pending_save_free (pending);
  /* The server answered: whatever waited for it can go now. */
  retry_pending_saves (self);
}

/* Not cancellable: the clerk may leave the form, the edit is still saved. */
static void
send_save (CstRequestStore *self,
           PendingSave     *pending)
{
  pending->sending = TRUE;
  cst_connection_run_async (self->connection, run_op, op_copy (pending->op), (GDestroyNotify) op_free,
                            g_object_unref, NULL, save_done_cb, pending);
}

static void
online_cb (CstRequestStore *self)
{
  if (cst_connection_get_online (self->connection))
    retry_pending_saves (self);
}

/* "update:42:7" → apply the change to request 42 unless we have version 7. */
static void
notification_cb (CstRequestStore *self,
                 const char      *payload)
{
  CstRequestChange change;
  guint position;

  if (!cst_request_change_parse (payload, &change))
    {
      g_debug ("Ignoring a malformed change notification");
      return;
    }
  if (change.kind == CST_REQUEST_CHANGE_DELETE)
    {
      forget (self, change.id);
      return;
    }
  if (cst_request_rows_find (self->rows, change.id, &position) &&
      cst_request_rows_get_version (self->rows, position) >= change.version)
    return;
  cst_request_store_fetch_async (self, change.id, NULL, NULL, NULL);
}

static void run_held_loads (CstRequestStore *self);

/* The listener's first attempt ended: the whole lists held for it are
 * read now.  After a failed one too: a load must not wait for a server
 * that is down (the listener says ::resumed once it is back, and the
 * list is read again then). */
static void
attempted_cb (CstRequestStore *self,
              gboolean         listening)
{
  self->listen_attempted = TRUE;
  run_held_loads (self);
  /* A list read while nothing LISTENed (the listener's server was down)
   * may lack a change committed since: read it again, once. */
  if (listening && self->read_unwatched)
    {
      self->read_unwatched = FALSE;
      cst_request_store_load_async (self, NULL, NULL, NULL);
    }
}

static void
resumed_cb (CstRequestStore *self)
{
  /* Changes announced while we were offline were lost: read everything,
   * unless attempted_cb() just asked for it. */
  if (self->loading == 0)
    cst_request_store_load_async (self, NULL, NULL, NULL);
  retry_pending_saves (self);
}

static GType
list_model_get_item_type (GListModel *model)
{
  return CST_TYPE_REQUEST;
}

static guint
list_model_get_n_items (GListModel *model)
{
  return cst_request_rows_get_length (CST_REQUEST_STORE (model)->rows);
}

static gpointer
list_model_get_item (GListModel *model,
                     guint       position)
{
  CstRequestStore *self = CST_REQUEST_STORE (model);

  if (position >= cst_request_rows_get_length (self->rows))
    return NULL;
  return g_object_ref (object_at (self, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = list_model_get_item_type;
  iface->get_n_items = list_model_get_n_items;
  iface->get_item = list_model_get_item;
}

static void
cst_request_store_dispose (GObject *object)
{
  CstRequestStore *self = CST_REQUEST_STORE (object);

  g_clear_object (&self->listener);
  g_clear_pointer (&self->held_loads, g_ptr_array_unref);
  if (self->live != NULL)
    {
      g_autoptr(GPtrArray) shown = live_objects (self);

      for (guint i = 0; i < shown->len; i++)
        drop_live (self, shown->pdata[i]);
    }
  for (guint i = 0; i < RECENT_OBJECTS; i++)
    g_clear_object (&self->recent[i]);
  /* Each pending save holds a reference through its task, so none is left
   * by now; only the timer may be. */
  g_clear_handle_id (&self->retry_id, g_source_remove);
  G_OBJECT_CLASS (cst_request_store_parent_class)->dispose (object);
}

static void
cst_request_store_finalize (GObject *object)
{
  CstRequestStore *self = CST_REQUEST_STORE (object);

  g_clear_object (&self->connection);
  g_hash_table_unref (self->live);
  cst_request_rows_free (self->rows);
  G_OBJECT_CLASS (cst_request_store_parent_class)->finalize (object);
}

static void
cst_request_store_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CstRequestStore *self = CST_REQUEST_STORE (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading > 0);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, cst_request_rows_get_length (self->rows));
      break;
    case PROP_N_PENDING_SAVES:
      g_value_set_uint (value, g_queue_get_length (&self->pending_saves));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cst_request_store_class_init (CstRequestStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cst_request_store_dispose;
  object_class->finalize = cst_request_store_finalize;
  object_class->get_property = cst_request_store_get_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * CstRequestStore:n-pending-saves:
   *
   * Saves that could not reach the server and wait to be sent again.
   */
  properties[PROP_N_PENDING_SAVES] =
    g_param_spec_uint ("n-pending-saves", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CstRequestStore::refreshed:
   * @request: a request of the list, updated in place
   *
   * The list's rows are the same; what @request says changed (a save,
   * another clerk's change), so its search key may have too.
   */
  signals[REFRESHED] = g_signal_new ("refreshed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 1, CST_TYPE_REQUEST);
}

static void
cst_request_store_init (CstRequestStore *self)
{
  self->rows = cst_request_rows_new ();
  /* Keyed by each object's own id (no copy of the id per object). */
  self->live = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_queue_init (&self->pending_saves);
}

CstRequestStore *
cst_request_store_new (CstConnection *connection)
{
  CstRequestStore *self;

  g_return_val_if_fail (CST_IS_CONNECTION (connection), NULL);

  self = g_object_new (CST_TYPE_REQUEST_STORE, NULL);
  self->connection = g_object_ref (connection);
  g_signal_connect_object (connection, "notify::online", G_CALLBACK (online_cb), self,
                           G_CONNECT_SWAPPED);
  return self;
}

guint
cst_request_store_get_n_pending_saves (CstRequestStore *self)
{
  g_return_val_if_fail (CST_IS_REQUEST_STORE (self), 0);
  return g_queue_get_length (&self->pending_saves);
}

/**
 * cst_request_store_has_pending_save:
 *
 * Whether an edit of request @id waits for the server to be back.
 */
gboolean
cst_request_store_has_pending_save (CstRequestStore *self,
                                    gint64           id)
{
  g_return_val_if_fail (CST_IS_REQUEST_STORE (self), FALSE);
  for (GList *l = self->pending_saves.head; l != NULL; l = l->next)
    if (((PendingSave *) l->data)->op->id == id)
      return TRUE;
  return FALSE;
}

CstConnection *
cst_request_store_get_connection (CstRequestStore *self)
{
  g_return_val_if_fail (CST_IS_REQUEST_STORE (self), NULL);
  return self->connection;
}

/**
 * cst_request_store_watch:
 *
 * Starts listening for changes made by other clients.  The first load
 * does it too (cst_request_store_load_async()), and reads its whole list
 * only once LISTEN is in effect.
 */
void
cst_request_store_watch (CstRequestStore *self)
{
  g_return_if_fail (CST_IS_REQUEST_STORE (self));

  if (self->listener != NULL)
    return;
  self->listener = cst_listener_new (cst_connection_get_conninfo (self->connection),
                                     NOTIFY_CHANNEL);
  g_signal_connect_object (self->listener, "notification",
                           G_CALLBACK (notification_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->listener, "attempted",
                           G_CALLBACK (attempted_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->listener, "resumed",
                           G_CALLBACK (resumed_cb), self, G_CONNECT_SWAPPED);
  cst_listener_start (self->listener);
}

/**
 * cst_request_store_get_watching:
 *
 * Returns: whether the store's listener is LISTENing, so that a change
 *   made on the server from now on reaches the list (its connection is
 *   made on a thread after cst_request_store_watch())
 */
gboolean
cst_request_store_get_watching (CstRequestStore *self)
{
  g_return_val_if_fail (CST_IS_REQUEST_STORE (self), FALSE);
  return self->listener != NULL && cst_listener_is_listening (self->listener);
}

gboolean
cst_request_store_get_loading (CstRequestStore *self)
{
  g_return_val_if_fail (CST_IS_REQUEST_STORE (self), FALSE);
  return self->loading > 0;
}

/**
 * cst_request_store_lookup:
 *
 * Returns: (transfer none) (nullable): the object of request @id's row,
 *   made now if nobody holds one; it stays the same object while anyone
 *   holds it, and while RECENT_OBJECTS more are made (take a reference to
 *   keep it longer)
 */
CstRequest *
cst_request_store_lookup (CstRequestStore *self,
                          gint64           id)
{
  guint position;

  g_return_val_if_fail (CST_IS_REQUEST_STORE (self), NULL);
  if (!cst_request_rows_find (self->rows, id, &position))
    return NULL;
  return object_at (self, position);
}

/**
 * cst_request_store_find:
 * @request: a request, perhaps a row of the store
 * @position: (out) (optional): where it is
 *
 * Returns: whether @request is the object of a row of the store
 */
gboolean
cst_request_store_find (CstRequestStore *self,
                        CstRequest      *request,
                        guint           *position)
{
  g_return_val_if_fail (CST_IS_REQUEST_STORE (self), FALSE);
  g_return_val_if_fail (CST_IS_REQUEST (request), FALSE);
  if (g_hash_table_lookup (self->live, _cst_request_get_id_key (request)) != request)
    return FALSE;
  return cst_request_rows_find (self->rows, cst_request_get_id (request), position);
}

/**
 * cst_request_store_get_rows:
 *
 * Returns: (transfer none): the store's rows, to read without making an
 *   object per row (the list's filter, the header's counts); valid until
 *   the store changes
 */
CstRequestRows *
cst_request_store_get_rows (CstRequestStore *self)
{
  g_return_val_if_fail (CST_IS_REQUEST_STORE (self), NULL);
  return self->rows;
}

/* How many objects the store holds for its rows now (the recent ones and
 * those someone else holds): a test's measure that rows cost none. */
guint
cst_request_store_get_n_objects (CstRequestStore *self)
{
  g_return_val_if_fail (CST_IS_REQUEST_STORE (self), 0);
  return g_hash_table_size (self->live);
}

/**
 * cst_request_store_set_closed_days:
 * @days: how many days back closed requests (released, denied, cancelled)
 *   are listed, by the day they were received; 0 lists every request
 *
 * Open requests are always listed.  Older closed ones are found on the
 * server with cst_request_store_search_closed_async(), so a hospital with
 * years of requests does not read them all at every start.  Takes effect
 * at the next load.
 */
void
cst_request_store_set_closed_days (CstRequestStore *self,
                                   guint            days)
{
  g_return_if_fail (CST_IS_REQUEST_STORE (self));
  self->closed_days = days;
}

/**
 * cst_request_store_get_closed_cutoff:
 * @cutoff: (out): set to the first day whose closed requests are listed
 *
 * Returns: whether closed requests received before @cutoff are left out
 */
gboolean
cst_request_store_get_closed_cutoff (CstRequestStore *self,
                                     GDate           *cutoff)
{
  g_return_val_if_fail (CST_IS_REQUEST_STORE (self), FALSE);
  if (self->closed_days == 0)
    return FALSE;
  cst_input_today (cutoff);
  g_date_subtract_days (cutoff, self->closed_days);
  return TRUE;
}

/* What the two reads of one load share: the login's facilities, read
 * by the first and used by both. */
typedef struct
{
  GDate  closed_since;   /* invalid: every closed request */
  char  *facilities;     /* set by the first read, on the connection's thread */
} LoadPlan;

static void
load_plan_clear (LoadPlan *plan)
{
  g_free (plan->facilities);
}

static void
load_plan_release (LoadPlan *plan)
{
  g_atomic_rc_box_release_full (plan, (GDestroyNotify) load_plan_clear);
}

static const GDate *
load_plan_since (LoadPlan *plan)
{
  return g_date_valid (&plan->closed_since) ? &plan->closed_since : NULL;
}

/* The connection runs its jobs in order, on its own thread: the first
 * rows' read has filled in the facilities by the time the whole list is
 * read, unless it was not asked for (a reload) or failed. */
static gpointer
list_all (PGconn   *conn,
          gpointer  data,
          GError  **error)
{
  LoadPlan *plan = data;

  return cst_request_repo_list_rows (conn, plan->facilities, load_plan_since (plan), error);
}

/* The rows of the list's first screen (and a scroll or two), read before
 * the whole list: at 200,000 requests the whole takes a second or more to
 * read and build, the first rows a few milliseconds (issue 24). */
#define FIRST_ROWS 100

static gpointer
list_first (PGconn   *conn,
            gpointer  data,
            GError  **error)
{
  LoadPlan *plan = data;

  plan->facilities = cst_request_repo_visible_facilities (conn, error);
  if (plan->facilities == NULL)
    return NULL;
  return cst_request_repo_list_first_rows (conn, plan->facilities, load_plan_since (plan),
                                           FIRST_ROWS, error);
}

/* The first rows join the empty list unless the whole list came first;
 * an error is the whole list's to report.  The whole list keeps their
 * objects (set_rows()), so a row selected meanwhile stays selected. */
static void
first_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CstRequestStore) self = user_data;
  CstRequestRows *rows = cst_connection_run_finish (CST_CONNECTION (object), result, NULL);

  if (rows == NULL)
    return;
  if (cst_request_rows_get_length (self->rows) == 0 && self->loading > 0)
    set_rows (self, rows);
  else
    cst_request_rows_free (rows);
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CstRequestStore *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  CstRequestRows *rows = cst_connection_run_finish (CST_CONNECTION (object), result, &error);

  set_loading (self, FALSE);
  if (rows == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  set_rows (self, rows);
  g_task_return_boolean (task, TRUE);
}

/* A whole list waiting for the listener's first attempt. */
typedef struct
{
  LoadPlan *plan;
  GTask    *task;
} HeldLoad;

static void
held_load_free (HeldLoad *held)
{
  if (held->plan != NULL)
    load_plan_release (held->plan);
  if (held->task != NULL)
    g_task_return_new_error (held->task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "The store went away");
  g_clear_object (&held->task);
  g_free (held);
}

static void
run_list_all (CstRequestStore *self,
              LoadPlan        *plan,
              GTask           *task)
{
  if (!cst_request_store_get_watching (self))
    self->read_unwatched = TRUE;
  cst_connection_run_async (self->connection, list_all, plan, (GDestroyNotify) load_plan_release,
                            (GDestroyNotify) cst_request_rows_free, g_task_get_cancellable (task),
                            loaded_cb, task);
}

static void
run_held_loads (CstRequestStore *self)
{
  g_autoptr(GPtrArray) held = g_steal_pointer (&self->held_loads);

  for (guint i = 0; held != NULL && i < held->len; i++)
    {
      HeldLoad *load = held->pdata[i];

      run_list_all (self, g_steal_pointer (&load->plan), g_steal_pointer (&load->task));
    }
}

/* The whole list is read once the store LISTENs: a change committed
 * after the list's snapshot is then announced to it, and one committed
 * before is in the list.  Read first and LISTENed after (as the window
 * did until issue 24's wholelist slice), a change committed in between
 * was missed until the next reload.  The listener connects while the
 * first rows are read, so the whole list seldom waits for it. */
static void
read_whole_list (CstRequestStore *self,
                 LoadPlan        *plan,
                 GTask           *task)
{
  HeldLoad *held;

  cst_request_store_watch (self);
  if (self->listen_attempted)
    {
      run_list_all (self, plan, task);
      return;
    }
  held = g_new0 (HeldLoad, 1);
  held->plan = plan;
  held->task = task;
  if (self->held_loads == NULL)
    self->held_loads = g_ptr_array_new_with_free_func ((GDestroyNotify) held_load_free);
  g_ptr_array_add (self->held_loads, held);
}

/**
 * cst_request_store_load_async:
 *
 * Reads the list: a first screenful, then the whole list, which replaces
 * it.  The store watches for changes from its first load on
 * (cst_request_store_watch()), and reads the whole list only once it
 * LISTENs, so no change is missed between the two.
 */
void
cst_request_store_load_async (CstRequestStore     *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task;
  LoadPlan *plan;

  g_return_if_fail (CST_IS_REQUEST_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cst_request_store_load_async);
  set_loading (self, TRUE);
  plan = g_atomic_rc_box_new0 (LoadPlan);
  g_date_clear (&plan->closed_since, 1);
  cst_request_store_get_closed_cutoff (self, &plan->closed_since);
  /* The connection runs its jobs in order: the first rows come first. */
  if (cst_request_rows_get_length (self->rows) == 0)
    cst_connection_run_async (self->connection, list_first, g_atomic_rc_box_acquire (plan),
                              (GDestroyNotify) load_plan_release,
                              (GDestroyNotify) cst_request_rows_free, cancellable, first_loaded_cb,
                              g_object_ref (self));
  read_whole_list (self, plan, task);
}

gboolean
cst_request_store_load_finish (CstRequestStore  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

#define CLOSED_SEARCH_LIMIT 200

typedef struct
{
  char         *text;
  GDate         before;
  GCancellable *cancellable;   /* stops the statement itself, not only the answer */
} ClosedSearch;

static void
closed_search_free (ClosedSearch *search)
{
  g_free (search->text);
  g_clear_object (&search->cancellable);
  g_free (search);
}

static gpointer
search_closed (PGconn   *conn,
               gpointer  data,
               GError  **error)
{
  ClosedSearch *search = data;

  return cst_request_repo_search_closed (conn, search->text, &search->before,
                                         CLOSED_SEARCH_LIMIT, search->cancellable, error);
}

/* The rows a search found join the list in one change, at the top, the
 * last found first (as when each was added at the top in turn). */
static guint
absorb_found (CstRequestStore *self,
              GPtrArray       *found)
{
  g_autoptr(GPtrArray) added = g_ptr_array_new ();

  for (guint i = found->len; i-- > 0;)
    {
      CstRequest *request = g_ptr_array_index (found, i);
      g_autoptr(CstRequest) shown = absorb_into_row (self, request);

      if (shown == NULL)
        g_ptr_array_add (added, request);
    }
  insert_rows (self, (CstRequest **) added->pdata, added->len);
  return found->len;
}

static void
searched_closed_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CstRequestStore *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = cst_connection_run_finish (CST_CONNECTION (object), result, &error);

  if (found == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_int (task, absorb_found (self, found));
}

/**
 * cst_request_store_search_closed_async:
 * @text: the words the clerk searches for
 *
 * Looks on the server for the closed requests the list leaves out (see
 * cst_request_store_set_closed_days()) that match @text, and adds them to
 * the list, where the window's own filter shows them.  At most 200.
 */
void
cst_request_store_search_closed_async (CstRequestStore     *self,
                                       const char          *text,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  GTask *task;
  ClosedSearch *search;
  GDate before;

  g_return_if_fail (CST_IS_REQUEST_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cst_request_store_search_closed_async);
  if (!cst_request_store_get_closed_cutoff (self, &before))
    {
      /* Every request is listed: there is nothing older to find. */
      g_task_return_int (task, 0);
      g_object_unref (task);
      return;
    }
  search = g_new0 (ClosedSearch, 1);
  search->text = g_strdup (text);
  search->before = before;
  search->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  cst_connection_run_async (self->connection, search_closed, search,
                            (GDestroyNotify) closed_search_free,
                            (GDestroyNotify) g_ptr_array_unref, cancellable, searched_closed_cb,
                            task);
}

/**
 * cst_request_store_search_closed_finish:
 *
 * Returns: how many closed requests were found, or -1 with @error set
 */
gssize
cst_request_store_search_closed_finish (CstRequestStore  *self,
                                        GAsyncResult     *result,
                                        GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  return g_task_propagate_int (G_TASK (result), error);
}

void
cst_request_store_fetch_async (CstRequestStore     *self,
                               gint64               id,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  Op *op = op_new (OP_FETCH, NULL);

  op->id = id;
  run_change (self, op, cst_request_store_fetch_async, cancellable, callback, user_data);
}

void
cst_request_store_create_async (CstRequestStore     *self,
                                CstRequest          *draft,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  run_change (self, op_new (OP_CREATE, draft), cst_request_store_create_async,
              cancellable, callback, user_data);
}

/**
 * cst_request_store_save_async:
 * @edited: the clerk's copy, carrying the version the edit was based on
 *
 * Saves @edited.  When the server cannot be reached the save waits (see
 * #CstRequestStore:n-pending-saves) and @callback runs once it got
 * through, or was refused, after the connection came back.
 */
void
cst_request_store_save_async (CstRequestStore     *self,
                              CstRequest          *edited,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  PendingSave *pending = g_new0 (PendingSave, 1);

  g_return_if_fail (CST_IS_REQUEST_STORE (self));

  pending->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (pending->task, cst_request_store_save_async);
  pending->op = op_new (OP_SAVE, edited);
  send_save (self, pending);
}

void
cst_request_store_move_async (CstRequestStore     *self,
                              CstRequest          *request,
                              CstRequestStatus     to,
                              const char          *reason,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  Op *op = op_new (OP_MOVE, request);

  op->to = to;
  op->reason = g_strdup (reason);
  run_change (self, op, cst_request_store_move_async, cancellable, callback, user_data);
}

void
cst_request_store_extend_async (CstRequestStore     *self,
                                CstRequest          *request,
                                const GDate         *on,
                                const char          *reason,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  Op *op = op_new (OP_EXTEND, request);

  op->date = *on;
  op->reason = g_strdup (reason);
  run_change (self, op, cst_request_store_extend_async, cancellable, callback, user_data);
}

/**
 * cst_request_store_release_async:
 * @language: (nullable): of the cover letter and invoice ("en", "es"); %NULL
 *   for the desk's, the one its documents were prepared in
 *
 * Releases the request in one transaction: status, the disclosure in the
 * accounting of disclosures, the cover letter and the invoice (see
 * cst_release_run()).
 */
void
cst_request_store_release_async (CstRequestStore     *self,
                                 CstRequest          *request,
                                 const char          *language,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  Op *op = op_new (OP_RELEASE, request);

  /* The language travels in the reason slot, which a release has no use for. */
  op->reason = g_strdup (language);
  run_change (self, op, cst_request_store_release_async, cancellable, callback, user_data);
}

/**
 * cst_request_store_change_finish:
 *
 * Finishes any of the fetch, create, save, move, extend and release calls.
 *
 * Returns: (transfer full): the live request object as now stored
 */
CstRequest *
cst_request_store_change_finish (CstRequestStore  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
