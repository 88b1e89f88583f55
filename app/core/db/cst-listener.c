/* cst-listener.c — PostgreSQL LISTEN/NOTIFY delivered on the main loop
 *
 * A dedicated connection LISTENs on one channel.  Its socket is watched
 * from the main context, so notifications arrive as the
 * CstListener::notification signal within milliseconds of the COMMIT that
 * sent them, with no polling.  Connecting (which blocks in libpq) happens
 * on a worker thread.  When the link drops, the listener reconnects with
 * exponential backoff and emits ::resumed, because notifications sent
 * while it was away are lost and the caller must reload.
 */
#define G_LOG_DOMAIN "cst-listener"

#include "config.h"

#include <glib-unix.h>
#include <string.h>

#include "custodian/cst-db.h"
#include "custodian/cst-listener.h"

#define MAX_BACKOFF_SECONDS 30

struct _CstListener
{
  GObject       parent_instance;

  char         *conninfo;
  char         *channel;
  PGconn       *conn;
  guint         watch_id;
  guint         retry_id;
  guint         backoff;
  gboolean      was_listening;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (CstListener, cst_listener, G_TYPE_OBJECT)

enum {
  NOTIFICATION,
  ATTEMPTED,
  RESUMED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void connect_now (CstListener *self);

static gboolean
retry_cb (gpointer user_data)
{
  connect_now (user_data);
  return G_SOURCE_REMOVE;
}

static void
schedule_retry (CstListener *self)
{
  self->backoff = self->backoff ? MIN (self->backoff * 2, MAX_BACKOFF_SECONDS) : 1;
  g_debug ("Listener offline; retrying in %u s", self->backoff);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->retry_id = g_timeout_add_seconds (self->backoff, retry_cb, self);
}

static void
drop_connection (CstListener *self)
{
  g_clear_handle_id (&self->watch_id, g_source_remove);
  g_clear_pointer (&self->conn, PQfinish);
}

static gboolean
socket_ready_cb (int          fd,
                 GIOCondition condition,
                 gpointer     user_data)
{
  CstListener *self = user_data;
  PGnotify *notify;

  if (!PQconsumeInput (self->conn) || PQstatus (self->conn) != CONNECTION_OK)
    {
      self->watch_id = 0;
      g_clear_pointer (&self->conn, PQfinish);
      schedule_retry (self);
      return G_SOURCE_REMOVE;
    }
  while ((notify = PQnotifies (self->conn)) != NULL)
    {
      g_signal_emit (self, signals[NOTIFICATION], 0, notify->extra);
      PQfreemem (notify);
    }
  return G_SOURCE_CONTINUE;
}

static void
connect_in_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  const char *channel = task_data;
  CstListener *self = source_object;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = cst_db_connect (self->conninfo, &error);
  g_autofree char *sql = NULL;
  char *quoted;

  if (conn == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* LISTEN takes an identifier, not a parameter: quote it with libpq. */
  quoted = PQescapeIdentifier (conn, channel, strlen (channel));
  sql = g_strconcat ("LISTEN ", quoted, NULL);
  PQfreemem (quoted);
  if (!cst_db_exec_command (conn, sql, 0, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&conn), (GDestroyNotify) PQfinish);
}

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  CstListener *self = CST_LISTENER (object);
  g_autoptr(GError) error = NULL;
  PGconn *conn = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (conn == NULL)
    {
      schedule_retry (self);
      g_signal_emit (self, signals[ATTEMPTED], 0, FALSE);
      return;
    }
  self->conn = conn;
  self->backoff = 0;
  self->watch_id = g_unix_fd_add (PQsocket (conn), G_IO_IN | G_IO_HUP | G_IO_ERR,
                                  socket_ready_cb, self);
  g_signal_emit (self, signals[ATTEMPTED], 0, TRUE);
  if (self->was_listening)
    g_signal_emit (self, signals[RESUMED], 0);
  self->was_listening = TRUE;
}

static void
connect_now (CstListener *self)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, connected_cb, NULL);

  self->retry_id = 0;
  drop_connection (self);
  g_task_set_source_tag (task, connect_now);
  g_task_set_task_data (task, g_strdup (self->channel), g_free);
  g_task_run_in_thread (task, connect_in_thread);
}

static void
cst_listener_dispose (GObject *object)
{
  CstListener *self = CST_LISTENER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  drop_connection (self);
  G_OBJECT_CLASS (cst_listener_parent_class)->dispose (object);
}

static void
cst_listener_finalize (GObject *object)
{
  CstListener *self = CST_LISTENER (object);

  g_clear_object (&self->cancellable);
  g_free (self->conninfo);
  g_free (self->channel);
  G_OBJECT_CLASS (cst_listener_parent_class)->finalize (object);
}

static void
cst_listener_class_init (CstListenerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cst_listener_dispose;
  object_class->finalize = cst_listener_finalize;

  /**
   * CstListener::notification:
   * @payload: the NOTIFY payload
   */
  signals[NOTIFICATION] = g_signal_new ("notification", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * CstListener::attempted:
   * @listening: whether LISTEN is now in effect
   *
   * An attempt to connect and LISTEN ended: from here on, when
   * @listening, every change committed reaches ::notification.  A list
   * read after this misses nothing (cst-request-store.c).
   */
  signals[ATTEMPTED] = g_signal_new ("attempted", G_TYPE_FROM_CLASS (klass),
                                     G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                     G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
  /**
   * CstListener::resumed:
   *
   * The listener reconnected after losing its connection; notifications
   * may have been missed meanwhile.
   */
  signals[RESUMED] = g_signal_new ("resumed", G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);
}

static void
cst_listener_init (CstListener *self)
{
  self->cancellable = g_cancellable_new ();
}

CstListener *
cst_listener_new (const char *conninfo,
                  const char *channel)
{
  CstListener *self = g_object_new (CST_TYPE_LISTENER, NULL);

  self->conninfo = g_strdup (conninfo ? conninfo : "");
  self->channel = g_strdup (channel);
  return self;
}

void
cst_listener_start (CstListener *self)
{
  g_return_if_fail (CST_IS_LISTENER (self));

  if (self->conn == NULL && self->retry_id == 0)
    connect_now (self);
}

gboolean
cst_listener_is_listening (CstListener *self)
{
  g_return_val_if_fail (CST_IS_LISTENER (self), FALSE);
  return self->conn != NULL;
}
