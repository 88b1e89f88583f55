/* cst-connection.c — database work off the main loop
 *
 * libpq connections are not thread-safe, so each CstConnection owns one
 * PGconn and a pool of exactly one thread: calls run in the order they were
 * made, never two at once, and the main loop never waits on the server.
 * Results come back as GTask completions on the caller's main context.
 *
 * The worker connects lazily and, when it finds the connection broken,
 * connects again before the next call, so a restarted server costs one
 * failed call, not a restarted app.
 *
 * A couple of seconds after a burst of calls the connection also links the
 * audit rows that are still pending: a write that committed while another
 * clerk held the audit chain's head left them so
 * (resources/sql/0051-audit-chain-no-waiting.sql), and when nobody writes
 * after it nobody else would.
 */
#define G_LOG_DOMAIN "cst-connection"

#include "config.h"

#include "custodian/cst-audit-chain.h"
#include "custodian/cst-connection.h"
#include "custodian/cst-db.h"
#include "custodian/cst-error.h"

struct _CstConnection
{
  GObject      parent_instance;

  char        *conninfo;
  GThreadPool *worker;
  PGconn      *conn;      /* touched only by the worker thread */
  gboolean     online;    /* touched only on the main context */
  GSource     *link_source;  /* the next linking of pending audit rows */
  gboolean     reading;   /* a read-only report database: nothing to link there */
  char        *primary_conninfo;  /* where a reading connection's writes go */
};

#define LINK_PENDING_DELAY_MS 2000

G_DEFINE_FINAL_TYPE (CstConnection, cst_connection, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ONLINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  CstConnectionFunc func;
  gpointer          data;
  GDestroyNotify    data_free;
  GDestroyNotify    result_free;
} Job;

static void
job_free (Job *job)
{
  if (job->data_free)
    job->data_free (job->data);
  g_free (job);
}

static gboolean
ensure_connected (CstConnection  *self,
                  GError        **error)
{
  if (self->conn != NULL && PQstatus (self->conn) == CONNECTION_OK)
    return TRUE;
  g_clear_pointer (&self->conn, PQfinish);
  self->conn = cst_db_connect (self->conninfo, error);
  return self->conn != NULL;
}

typedef struct
{
  CstConnection *self;
  gboolean       online;
} OnlineChange;

static gboolean
apply_online (gpointer user_data)
{
  OnlineChange *change = user_data;

  if (change->self->online != change->online)
    {
      change->self->online = change->online;
      g_object_notify_by_pspec (G_OBJECT (change->self), properties[PROP_ONLINE]);
    }
  g_object_unref (change->self);
  g_free (change);
  return G_SOURCE_REMOVE;
}

static void
report_online (CstConnection *self,
               GMainContext  *context,
               gboolean       online)
{
  OnlineChange *change = g_new0 (OnlineChange, 1);
  GSource *source = g_idle_source_new ();

  change->self = g_object_ref (self);
  change->online = online;
  g_source_set_callback (source, apply_online, change, NULL);
  g_source_attach (source, context);
  g_source_unref (source);
}

static void
run_job (gpointer task_data,
         gpointer pool_data)
{
  g_autoptr(GTask) task = task_data;
  CstConnection *self = pool_data;
  Job *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gpointer result = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (ensure_connected (self, &error))
    result = job->func (self->conn, job->data, &error);

  /* A call that failed because the link broke leaves the connection bad:
   * the next call reconnects. */
  report_online (self, g_task_get_context (task),
                 self->conn != NULL && PQstatus (self->conn) == CONNECTION_OK);
  if (error != NULL)
    {
      if (result && job->result_free)
        job->result_free (result);
      g_task_return_error (task, g_steal_pointer (&error));
    }
  else
    g_task_return_pointer (task, result, job->result_free);
}

static void
cst_connection_finalize (GObject *object)
{
  CstConnection *self = CST_CONNECTION (object);

  /* Every queued job holds a reference to us through its task, so no job
   * is left.  Do not wait: the last reference may be dropped by the worker
   * thread itself as it finishes. */
  g_thread_pool_free (self->worker, TRUE, FALSE);
  g_clear_pointer (&self->conn, PQfinish);
  g_free (self->conninfo);
  g_free (self->primary_conninfo);
  G_OBJECT_CLASS (cst_connection_parent_class)->finalize (object);
}

static void
cst_connection_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  CstConnection *self = CST_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_ONLINE:
      g_value_set_boolean (value, self->online);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cst_connection_class_init (CstConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cst_connection_finalize;
  object_class->get_property = cst_connection_get_property;

  /**
   * CstConnection:online:
   *
   * Whether the last call reached the server.
   */
  properties[PROP_ONLINE] =
    g_param_spec_boolean ("online", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cst_connection_init (CstConnection *self)
{
  self->online = TRUE;
  self->worker = g_thread_pool_new (run_job, self, 1, FALSE, NULL);
}

CstConnection *
cst_connection_new (const char *conninfo)
{
  CstConnection *self = g_object_new (CST_TYPE_CONNECTION, NULL);

  self->conninfo = g_strdup (conninfo ? conninfo : "");
  return self;
}

/**
 * cst_connection_new_for_reading:
 * @conninfo: a report database opened read-only (cst_report_database_conninfo())
 * @primary_conninfo: the primary, where what a report records (its audit
 *   row) is written
 *
 * A connection that only reads: unlike cst_connection_new() it never links
 * pending audit rows, which a hot standby could not write.
 */
CstConnection *
cst_connection_new_for_reading (const char *conninfo,
                                const char *primary_conninfo)
{
  CstConnection *self = cst_connection_new (conninfo);

  self->reading = TRUE;
  self->primary_conninfo = g_strdup (primary_conninfo ? primary_conninfo : "");
  return self;
}

/* Where writes go: the primary of a reading connection, else its own
 * database. */
const char *
cst_connection_get_primary_conninfo (CstConnection *self)
{
  g_return_val_if_fail (CST_IS_CONNECTION (self), NULL);
  return self->reading ? self->primary_conninfo : self->conninfo;
}

gboolean
cst_connection_get_reading (CstConnection *self)
{
  g_return_val_if_fail (CST_IS_CONNECTION (self), FALSE);
  return self->reading;
}

const char *
cst_connection_get_conninfo (CstConnection *self)
{
  g_return_val_if_fail (CST_IS_CONNECTION (self), NULL);
  return self->conninfo;
}

gboolean
cst_connection_get_online (CstConnection *self)
{
  g_return_val_if_fail (CST_IS_CONNECTION (self), FALSE);
  return self->online;
}

static void
push_job (CstConnection       *self,
          CstConnectionFunc    func,
          gpointer             data,
          GDestroyNotify       data_free,
          GDestroyNotify       result_free,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Job *job = g_new0 (Job, 1);

  job->func = func;
  job->data = data;
  job->data_free = data_free;
  job->result_free = result_free;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cst_connection_run_async);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_thread_pool_push (self->worker, g_steal_pointer (&task), NULL);
}

static void schedule_link_pending (CstConnection *self);

static gpointer
link_pending_func (PGconn   *conn,
                   gpointer  data,
                   GError  **error)
{
  gint64 linked = cst_audit_chain_link_pending (conn, FALSE, error);

  return linked < -1 ? NULL : g_memdup2 (&linked, sizeof linked);
}

static void
link_pending_done_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  CstConnection *self = CST_CONNECTION (object);
  g_autoptr(GError) error = NULL;
  g_autofree gint64 *linked = cst_connection_run_finish (self, result, &error);

  if (linked == NULL)
    g_debug ("Pending audit rows were not linked: %s", error->message);
  /* Another linker held the chain and may have started before our rows
   * were committed: look again later. */
  else if (*linked == -1)
    schedule_link_pending (self);
}

static gboolean
link_pending_cb (gpointer user_data)
{
  CstConnection *self = user_data;

  g_clear_pointer (&self->link_source, g_source_unref);
  if (self->online)
    push_job (self, link_pending_func, NULL, NULL, g_free, NULL, link_pending_done_cb, NULL);
  return G_SOURCE_REMOVE;
}

/* Once per burst: a busy connection does not keep pushing it back. */
static void
schedule_link_pending (CstConnection *self)
{
  if (self->link_source != NULL)
    return;
  self->link_source = g_timeout_source_new (LINK_PENDING_DELAY_MS);
  g_source_set_static_name (self->link_source, "[custodian] link pending audit rows");
  g_source_set_callback (self->link_source, link_pending_cb, g_object_ref (self), g_object_unref);
  g_source_attach (self->link_source, g_main_context_get_thread_default ());
}

/**
 * cst_connection_run_async:
 * @func: the blocking work, run on the worker thread with the connection
 * @result_free: frees @func's result if nobody takes it
 *
 * Queues @func behind any earlier call on this connection.
 */
void
cst_connection_run_async (CstConnection       *self,
                          CstConnectionFunc    func,
                          gpointer             data,
                          GDestroyNotify       data_free,
                          GDestroyNotify       result_free,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (CST_IS_CONNECTION (self));
  g_return_if_fail (func != NULL);

  push_job (self, func, data, data_free, result_free, cancellable, callback, user_data);
  if (!self->reading)
    schedule_link_pending (self);
}

gpointer
cst_connection_run_finish (CstConnection  *self,
                           GAsyncResult   *result,
                           GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
