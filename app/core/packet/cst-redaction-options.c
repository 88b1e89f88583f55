/* cst-redaction-options.c — a request's choices for its redacted packet,
 * off the main loop (cst-redaction-options.h)
 *
 * The blocking reading and storing are cst-redaction-log.c's, which the
 * CLI uses: the app and the CLI change the choices the same way.
 */
#define G_LOG_DOMAIN "custodian-packet"

#include "config.h"

#include "custodian/cst-redaction-options.h"

typedef struct
{
  gint64               request_id;
  gboolean             save;
  CstRedactionOptions  options;   /* to store, when save */
} OptionsJob;

static gpointer
options_job_run (PGconn   *conn,
                 gpointer  data,
                 GError  **error)
{
  OptionsJob *job = data;
  g_autofree CstRedactionOptions *stored = g_new0 (CstRedactionOptions, 1);

  if (job->save && !cst_redaction_options_set (conn, job->request_id, &job->options, error))
    return NULL;
  if (!cst_redaction_options_get (conn, job->request_id, stored, error))
    return NULL;
  return g_steal_pointer (&stored);
}

static void
run (CstConnection              *connection,
     gint64                      request_id,
     const CstRedactionOptions  *options,
     GCancellable               *cancellable,
     GAsyncReadyCallback         callback,
     gpointer                    user_data)
{
  OptionsJob *job = g_new0 (OptionsJob, 1);

  job->request_id = request_id;
  job->save = options != NULL;
  if (options != NULL)
    job->options = *options;
  cst_connection_run_async (connection, options_job_run, job, g_free, g_free, cancellable, callback,
                            user_data);
}

void
cst_redaction_options_load_async (CstConnection        *connection,
                                  gint64                request_id,
                                  GCancellable         *cancellable,
                                  GAsyncReadyCallback   callback,
                                  gpointer              user_data)
{
  run (connection, request_id, NULL, cancellable, callback, user_data);
}

void
cst_redaction_options_save_async (CstConnection              *connection,
                                  gint64                      request_id,
                                  const CstRedactionOptions  *options,
                                  GCancellable               *cancellable,
                                  GAsyncReadyCallback         callback,
                                  gpointer                    user_data)
{
  g_return_if_fail (options != NULL);
  run (connection, request_id, options, cancellable, callback, user_data);
}

gboolean
cst_redaction_options_finish (CstConnection        *connection,
                              GAsyncResult         *result,
                              CstRedactionOptions  *options,
                              GError              **error)
{
  g_autofree CstRedactionOptions *stored = cst_connection_run_finish (connection, result, error);

  if (stored == NULL)
    return FALSE;
  *options = *stored;
  return TRUE;
}
