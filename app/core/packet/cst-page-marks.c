/* cst-page-marks.c — the page view's redactions, off the main loop
 *
 * Thin on purpose: the rules (who may apply, which reasons, until when)
 * are cst-redaction.c's and 0069's; this file only batches them in one
 * transaction and runs them on the connection's worker thread, answering
 * with the request's redactions as they stand afterwards.
 */
#define G_LOG_DOMAIN "custodian-packet"

#include "config.h"

#include "custodian/cst-db.h"
#include "custodian/cst-page-marks.h"

#include "cst-packet-assemble-private.h"

void
cst_page_marks_free (CstPageMarks *marks)
{
  if (marks == NULL)
    return;
  g_clear_pointer (&marks->redactions, g_ptr_array_unref);
  g_free (marks);
}

/* The right 0069's functions check: the redactor's group role, or an
 * administrator's. */
static gboolean
may_apply (PGconn   *conn,
           gboolean *result,
           GError  **error)
{
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT pg_has_role(session_user, 'custodian_redactor', 'MEMBER')"
    "    OR pg_has_role(session_user, 'custodian_admin', 'MEMBER')", 0, NULL, error);

  if (res == NULL)
    return FALSE;
  *result = cst_db_bool (res, 0, 0);
  return TRUE;
}

CstPageMarks *
cst_page_marks_load (PGconn  *conn,
                     gint64   request_id,
                     GError **error)
{
  g_autoptr(CstPageMarks) marks = g_new0 (CstPageMarks, 1);

  if (!may_apply (conn, &marks->may_apply, error) ||
      !(marks->redactions = cst_redaction_list (conn, request_id, error)))
    return NULL;
  return g_steal_pointer (&marks);
}

/**
 * cst_page_marks_add:
 * @hits: the boxes, each on its document's page
 *
 * Marks every box of @hits with @reason, in one transaction: all of them
 * are stored or none.
 */
gboolean
cst_page_marks_add (PGconn                 *conn,
                    const CstRedactionHit  *hits,
                    guint                   n_hits,
                    const char             *reason,
                    const char             *reason_text,
                    const char             *source,
                    gboolean                apply,
                    GError                **error)
{
  gboolean ok;

  if (!cst_db_begin (conn, error))
    return FALSE;
  ok = TRUE;
  for (guint i = 0; ok && i < n_hits; i++)
    ok = cst_redaction_add (conn, hits[i].document_id, hits[i].page, &hits[i].box, reason,
                            reason_text, source, apply, error) != 0;
  return cst_db_end (conn, ok, error);
}

/* Accepts (@apply) or rejects every proposal of @ids, in one transaction. */
gboolean
cst_page_marks_decide (PGconn        *conn,
                       const gint64  *ids,
                       guint          n_ids,
                       gboolean       apply,
                       GError       **error)
{
  gboolean ok;

  if (!cst_db_begin (conn, error))
    return FALSE;
  ok = TRUE;
  for (guint i = 0; ok && i < n_ids; i++)
    ok = cst_redaction_decide (conn, ids[i], apply, error);
  return cst_db_end (conn, ok, error);
}

/* ---- off the main loop -------------------------------------------------- */

typedef enum { JOB_LOAD, JOB_ADD, JOB_DECIDE, JOB_REMOVE } JobKind;

typedef struct
{
  JobKind  kind;
  gint64   request_id;
  GArray  *hits;          /* CstRedactionHit, JOB_ADD */
  GArray  *ids;           /* gint64, JOB_DECIDE and JOB_REMOVE */
  char    *reason;
  char    *reason_text;
  char    *source;
  gboolean apply;
} MarksJob;

static void
marks_job_free (MarksJob *job)
{
  g_clear_pointer (&job->hits, g_array_unref);
  g_clear_pointer (&job->ids, g_array_unref);
  g_free (job->reason);
  g_free (job->reason_text);
  g_free (job->source);
  g_free (job);
}

static gboolean
marks_job_change (PGconn   *conn,
                  MarksJob *job,
                  GError  **error)
{
  switch (job->kind)
    {
    case JOB_ADD:
      return cst_page_marks_add (conn, (const CstRedactionHit *) job->hits->data, job->hits->len,
                                 job->reason, job->reason_text, job->source, job->apply, error);
    case JOB_DECIDE:
      return cst_page_marks_decide (conn, (const gint64 *) job->ids->data, job->ids->len,
                                    job->apply, error);
    case JOB_REMOVE:
      return cst_redaction_remove (conn, g_array_index (job->ids, gint64, 0), error);
    case JOB_LOAD:
    default:
      return TRUE;
    }
}

static gpointer
marks_job_run (PGconn   *conn,
               gpointer  data,
               GError  **error)
{
  MarksJob *job = data;

  if (!marks_job_change (conn, job, error))
    return NULL;
  return cst_page_marks_load (conn, job->request_id, error);
}

static void
run_marks_job (CstConnection       *connection,
               MarksJob            *job,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  cst_connection_run_async (connection, marks_job_run, job, (GDestroyNotify) marks_job_free,
                            (GDestroyNotify) cst_page_marks_free, cancellable, callback, user_data);
}

static MarksJob *
marks_job_new (JobKind kind,
               gint64  request_id)
{
  MarksJob *job = g_new0 (MarksJob, 1);

  job->kind = kind;
  job->request_id = request_id;
  return job;
}

void
cst_page_marks_load_async (CstConnection       *connection,
                           gint64               request_id,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  run_marks_job (connection, marks_job_new (JOB_LOAD, request_id), cancellable, callback, user_data);
}

/**
 * cst_page_marks_add_async:
 * @source: "box", "text" or "proposal"
 * @apply: applied at once (the redaction right), or proposed
 */
void
cst_page_marks_add_async (CstConnection          *connection,
                          gint64                  request_id,
                          const CstRedactionHit  *hits,
                          guint                   n_hits,
                          const char             *reason,
                          const char             *reason_text,
                          const char             *source,
                          gboolean                apply,
                          GCancellable           *cancellable,
                          GAsyncReadyCallback     callback,
                          gpointer                user_data)
{
  MarksJob *job = marks_job_new (JOB_ADD, request_id);

  job->hits = g_array_sized_new (FALSE, FALSE, sizeof (CstRedactionHit), n_hits);
  g_array_append_vals (job->hits, hits, n_hits);
  job->reason = g_strdup (reason);
  job->reason_text = g_strdup (reason_text);
  job->source = g_strdup (source);
  job->apply = apply;
  run_marks_job (connection, job, cancellable, callback, user_data);
}

void
cst_page_marks_decide_async (CstConnection       *connection,
                             gint64               request_id,
                             const gint64        *ids,
                             guint                n_ids,
                             gboolean             apply,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  MarksJob *job = marks_job_new (JOB_DECIDE, request_id);

  job->ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_ids);
  g_array_append_vals (job->ids, ids, n_ids);
  job->apply = apply;
  run_marks_job (connection, job, cancellable, callback, user_data);
}

/* Undoes one redaction before release (it stays on record as removed). */
void
cst_page_marks_remove_async (CstConnection       *connection,
                             gint64               request_id,
                             gint64               redaction_id,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  MarksJob *job = marks_job_new (JOB_REMOVE, request_id);

  job->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_array_append_val (job->ids, redaction_id);
  run_marks_job (connection, job, cancellable, callback, user_data);
}

CstPageMarks *
cst_page_marks_finish (CstConnection  *connection,
                       GAsyncResult   *result,
                       GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}

/**
 * cst_page_marks_scan_page:
 * @image_box: (out): where the scan lies on the page, in points from its
 *   top-left corner
 *
 * The page a scanned image of @image_width × @image_height becomes in the
 * packet (cst-packet-build.c), so that a box drawn on the scan as the page
 * view shows it lands where the build burns it.
 */
void
cst_page_marks_scan_page (double           image_width,
                          double           image_height,
                          double          *page_width,
                          double          *page_height,
                          CstRedactionBox *image_box)
{
  CstScanFit fit;

  cst_packet_scan_fit (image_width, image_height, &fit);
  *page_width = fit.page_width;
  *page_height = fit.page_height;
  image_box->x = fit.x;
  image_box->width = image_width * fit.scale;
  image_box->height = image_height * fit.scale;
  /* Centred: the same margin above as below. */
  image_box->y = (fit.page_height - image_box->height) / 2;
}
