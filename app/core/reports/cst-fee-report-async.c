/* cst-fee-report-async.c — the fee report run and exported on a connection's
 * worker thread, for the views
 *
 * The filter's strings are copied, so the caller may change its fields as
 * soon as the call returns.
 */
#define G_LOG_DOMAIN "cst-fee-report"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "custodian/cst-connection.h"
#include "custodian/cst-db.h"
#include "custodian/cst-fee-report.h"

typedef struct
{
  CstFeeReportFilter filter;       /* its strings point into the fields below */
  char              *jurisdiction, *requester, *clerk, *status, *facility_code;
  GCancellable      *cancellable;
  GDestroyNotify     progress_data_free;
  /* run */
  guint              row_limit;
  CstFeeReportRowCopyFunc copy;
  GDestroyNotify     item_free;
  GPtrArray         *items;
  /* export */
  CstFeeReportFormat format;
  GFile             *file;
  char              *recording_conninfo;  /* the primary, when reading from a replica */
} ReportJob;

static ReportJob *
report_job_new (const CstFeeReportFilter *filter,
                GCancellable             *cancellable)
{
  ReportJob *job = g_new0 (ReportJob, 1);

  job->filter = *filter;
  job->filter.jurisdiction = job->jurisdiction = g_strdup (filter->jurisdiction);
  job->filter.requester = job->requester = g_strdup (filter->requester);
  job->filter.clerk = job->clerk = g_strdup (filter->clerk);
  job->filter.status = job->status = g_strdup (filter->status);
  job->filter.facility_code = job->facility_code = g_strdup (filter->facility_code);
  job->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  job->filter.cancellable = job->cancellable;
  return job;
}

static void
report_job_free (gpointer data)
{
  ReportJob *job = data;

  g_free (job->jurisdiction);
  g_free (job->requester);
  g_free (job->clerk);
  g_free (job->status);
  g_free (job->facility_code);
  g_clear_object (&job->cancellable);
  if (job->progress_data_free != NULL)
    job->progress_data_free (job->filter.progress_data);
  g_clear_pointer (&job->items, g_ptr_array_unref);
  g_clear_object (&job->file);
  g_free (job->recording_conninfo);
  g_free (job);
}

/* ---- running ------------------------------------------------------------- */

struct _CstFeeReportResult
{
  GPtrArray           *items;
  CstFeeReportSummary *summary;
};

void
cst_fee_report_result_free (CstFeeReportResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->items, g_ptr_array_unref);
  g_clear_pointer (&result->summary, cst_fee_report_summary_free);
  g_free (result);
}

/* Keeps a copy of the first rows; the rest still count in the summary. */
static gboolean
keep_row (const CstFeeReportRow *row,
          gpointer               user_data,
          GError               **error)
{
  ReportJob *job = user_data;

  if (job->items->len < job->row_limit)
    g_ptr_array_add (job->items, job->copy (row));
  return TRUE;
}

static gpointer
run_in_worker (PGconn   *conn,
               gpointer  data,
               GError  **error)
{
  ReportJob *job = data;
  g_autoptr(CstFeeReportSummary) summary = NULL;
  CstFeeReportResult *result;

  job->items = g_ptr_array_new_with_free_func (job->item_free);
  if (!cst_fee_report_run (conn, &job->filter, keep_row, job, &summary, error))
    return NULL;
  result = g_new0 (CstFeeReportResult, 1);
  result->items = g_steal_pointer (&job->items);
  result->summary = g_steal_pointer (&summary);
  return result;
}

/**
 * cst_fee_report_run_async:
 * @filter: what to report; its progress function is not used
 * @row_limit: how many rows to keep, in the report's order
 * @copy: makes the kept item of a row; runs on the worker thread, while
 *   the row is valid
 * @item_free: frees an item @copy made
 *
 * Runs the report; cst_fee_report_run_finish() gives the items of the
 * first @row_limit rows and the summary of every row.
 */
void
cst_fee_report_run_async (CstConnection            *connection,
                          const CstFeeReportFilter *filter,
                          guint                     row_limit,
                          CstFeeReportRowCopyFunc   copy,
                          GDestroyNotify            item_free,
                          GCancellable             *cancellable,
                          GAsyncReadyCallback       callback,
                          gpointer                  user_data)
{
  ReportJob *job;

  g_return_if_fail (CST_IS_CONNECTION (connection));
  g_return_if_fail (filter != NULL && copy != NULL);
  job = report_job_new (filter, cancellable);
  job->filter.progress = NULL;
  job->filter.progress_data = NULL;
  job->row_limit = row_limit;
  job->copy = copy;
  job->item_free = item_free;
  cst_connection_run_async (connection, run_in_worker, job, report_job_free,
                            (GDestroyNotify) cst_fee_report_result_free, cancellable, callback,
                            user_data);
}

/**
 * cst_fee_report_run_finish:
 * @items: (out) (transfer full): the items of the first rows
 * @summary: (out) (transfer full): the summary of every row
 */
gboolean
cst_fee_report_run_finish (CstConnection        *connection,
                           GAsyncResult         *result,
                           GPtrArray           **items,
                           CstFeeReportSummary **summary,
                           GError              **error)
{
  g_autoptr(CstFeeReportResult) outcome = cst_connection_run_finish (connection, result, error);

  if (outcome == NULL)
    return FALSE;
  *items = g_steal_pointer (&outcome->items);
  *summary = g_steal_pointer (&outcome->summary);
  return TRUE;
}

/* ---- exporting ----------------------------------------------------------- */

static gpointer
export_in_worker (PGconn   *conn,
                  gpointer  data,
                  GError  **error)
{
  ReportJob *job = data;
  g_autoptr(CstFeeReportSummary) summary = NULL;
  g_autofree char *path = g_file_get_path (job->file);
  gint64 *n_written;

  if (g_cancellable_set_error_if_cancelled (job->cancellable, error))
    return NULL;
  if (path == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("Reports can only be saved to a folder on this computer."));
      return NULL;
    }
  if (job->recording_conninfo != NULL)
    {
      /* A replica takes no writes: the audit row goes to the primary. */
      g_autoptr(PGconn) primary = cst_db_connect (job->recording_conninfo, error);

      if (primary == NULL ||
          !cst_fee_report_export_file_from (conn, primary, &job->filter, job->format, path,
                                            &summary, error))
        return NULL;
    }
  else if (!cst_fee_report_export_file (conn, &job->filter, job->format, path, &summary, error))
    return NULL;
  n_written = g_new (gint64, 1);
  *n_written = cst_fee_report_summary_get_n_requests (summary);
  return n_written;
}

/**
 * cst_fee_report_export_file_async:
 * @filter: what to report; its progress function is called on the worker
 *   thread with its progress data
 * @progress_data_free: (nullable): frees the filter's progress data when
 *   the export is done
 * @cancellable: stops the export between requests
 *
 * cst_fee_report_export_file() on the connection's worker thread.  The
 * export is final once the file is in place, so a cancel that comes after
 * that does not make cst_fee_report_export_file_finish() fail: it reports
 * what was written.
 */
void
cst_fee_report_export_file_async (CstConnection            *connection,
                                  const CstFeeReportFilter *filter,
                                  GDestroyNotify            progress_data_free,
                                  CstFeeReportFormat        format,
                                  GFile                    *file,
                                  GCancellable             *cancellable,
                                  GAsyncReadyCallback       callback,
                                  gpointer                  user_data)
{
  ReportJob *job;

  g_return_if_fail (CST_IS_CONNECTION (connection));
  g_return_if_fail (filter != NULL && G_IS_FILE (file));
  job = report_job_new (filter, cancellable);
  job->progress_data_free = progress_data_free;
  job->format = format;
  job->file = g_object_ref (file);
  if (cst_connection_get_reading (connection))
    job->recording_conninfo = g_strdup (cst_connection_get_primary_conninfo (connection));
  /* The task itself is not given the cancellable: the worker checks it,
   * so a result that arrives after a late cancel still says the file is
   * written. */
  cst_connection_run_async (connection, export_in_worker, job, report_job_free, g_free, NULL,
                            callback, user_data);
}

/**
 * cst_fee_report_export_file_finish:
 * @n_written: (out) (optional): how many requests the file reports
 *
 * Returns: TRUE when the file is in place
 */
gboolean
cst_fee_report_export_file_finish (CstConnection  *connection,
                                   GAsyncResult   *result,
                                   gint64         *n_written,
                                   GError        **error)
{
  g_autofree gint64 *count = cst_connection_run_finish (connection, result, error);

  if (count == NULL)
    return FALSE;
  if (n_written != NULL)
    *n_written = *count;
  return TRUE;
}
