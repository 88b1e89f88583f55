/* cst-access-log-async.c — the access log read and exported on a
 * connection's worker thread, for the Reports page
 *
 * Read from a report database, the export records its audit row on the
 * primary (a hot standby takes no writes), as the fee report's does.
 */
#define G_LOG_DOMAIN "cst-access-log"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "custodian/cst-access-log.h"
#include "custodian/cst-connection.h"
#include "custodian/cst-db.h"

typedef struct
{
  GDate               from, to;
  CstAccessLogFormat  format;
  GFile              *file;
  GCancellable       *cancellable;
  char               *recording_conninfo;  /* the primary, when reading from a replica */
  char               *facility;            /* one facility's code, or NULL for all */
} LogJob;

static LogJob *
log_job_new (const GDate  *from,
             const GDate  *to,
             GCancellable *cancellable)
{
  LogJob *job = g_new0 (LogJob, 1);

  job->from = *from;
  job->to = *to;
  job->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  return job;
}

static void
log_job_free (gpointer data)
{
  LogJob *job = data;

  g_clear_object (&job->file);
  g_clear_object (&job->cancellable);
  g_free (job->recording_conninfo);
  g_free (job->facility);
  g_free (job);
}

static gpointer
read_in_worker (PGconn   *conn,
                gpointer  data,
                GError  **error)
{
  LogJob *job = data;

  return cst_access_log_read_for (conn, &job->from, &job->to, job->facility, error);
}

void
cst_access_log_read_async (CstConnection       *connection,
                           const GDate         *from,
                           const GDate         *to,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  cst_access_log_read_for_async (connection, from, to, NULL, cancellable, callback, user_data);
}

/**
 * cst_access_log_read_for_async:
 * @facility_code: (nullable): one facility's requests; NULL for all
 *
 * Finished with cst_access_log_read_finish().
 */
void
cst_access_log_read_for_async (CstConnection       *connection,
                               const GDate         *from,
                               const GDate         *to,
                               const char          *facility_code,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  LogJob *job;

  g_return_if_fail (CST_IS_CONNECTION (connection));
  job = log_job_new (from, to, cancellable);
  job->facility = g_strdup (facility_code);
  cst_connection_run_async (connection, read_in_worker, job,
                            log_job_free, (GDestroyNotify) cst_access_log_free, cancellable,
                            callback, user_data);
}

/**
 * cst_access_log_read_finish:
 *
 * Returns: (transfer full): the log, or NULL with @error set
 */
CstAccessLog *
cst_access_log_read_finish (CstConnection  *connection,
                            GAsyncResult   *result,
                            GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}

static gpointer
export_in_worker (PGconn   *conn,
                  gpointer  data,
                  GError  **error)
{
  LogJob *job = data;
  g_autoptr(CstAccessLog) log = NULL;
  g_autoptr(PGconn) primary = NULL;
  g_autofree char *path = g_file_get_path (job->file);
  guint *n_written;

  if (g_cancellable_set_error_if_cancelled (job->cancellable, error))
    return NULL;
  if (path == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("Reports can only be saved to a folder on this computer."));
      return NULL;
    }
  if (job->recording_conninfo != NULL &&
      (primary = cst_db_connect (job->recording_conninfo, error)) == NULL)
    return NULL;
  if (!cst_access_log_export_file_for (conn, primary ? primary : conn, &job->from, &job->to,
                                       job->facility, job->format, path, &log, error))
    return NULL;
  n_written = g_new (guint, 1);
  *n_written = cst_access_log_get_n_rows (log);
  return n_written;
}

void
cst_access_log_export_file_async (CstConnection       *connection,
                                  const GDate         *from,
                                  const GDate         *to,
                                  CstAccessLogFormat   format,
                                  GFile               *file,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  cst_access_log_export_file_for_async (connection, from, to, NULL, format, file, cancellable,
                                        callback, user_data);
}

/**
 * cst_access_log_export_file_for_async:
 * @facility_code: (nullable): one facility's requests; NULL for all
 */
void
cst_access_log_export_file_for_async (CstConnection       *connection,
                                      const GDate         *from,
                                      const GDate         *to,
                                      const char          *facility_code,
                                      CstAccessLogFormat   format,
                                      GFile               *file,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  LogJob *job;

  g_return_if_fail (CST_IS_CONNECTION (connection));
  g_return_if_fail (G_IS_FILE (file));
  job = log_job_new (from, to, cancellable);
  job->format = format;
  job->file = g_object_ref (file);
  job->facility = g_strdup (facility_code);
  if (cst_connection_get_reading (connection))
    job->recording_conninfo = g_strdup (cst_connection_get_primary_conninfo (connection));
  /* The worker checks the cancellable; the task is not given it, so a
   * file already in place is still reported as written. */
  cst_connection_run_async (connection, export_in_worker, job, log_job_free, g_free, NULL,
                            callback, user_data);
}

/**
 * cst_access_log_export_file_finish:
 * @n_written: (out) (optional): how many requests the file lists
 */
gboolean
cst_access_log_export_file_finish (CstConnection  *connection,
                                   GAsyncResult   *result,
                                   guint          *n_written,
                                   GError        **error)
{
  g_autofree guint *count = cst_connection_run_finish (connection, result, error);

  if (count == NULL)
    return FALSE;
  if (n_written != NULL)
    *n_written = *count;
  return TRUE;
}
