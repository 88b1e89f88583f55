/* cst-packet-review.c — the second person's check of a records packet
 *
 * The decisions are the server's functions (0068: packet_review_approve,
 * packet_review_return), which move the request on in the same
 * statement; this file reads a review and what a reviewer looks at, and
 * asks for the decisions.  Who may approve is never decided here.
 */
#define G_LOG_DOMAIN "custodian-packet"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "custodian/cst-db.h"
#include "custodian/cst-error.h"
#include "custodian/cst-packet-review.h"
#include "custodian/cst-packet.h"
#include "custodian/cst-redaction.h"
#include "custodian/cst-request-repo.h"

const char *
cst_packet_review_state_get_label (CstPacketReviewState state)
{
  switch (state)
    {
    case CST_PACKET_REVIEW_NONE: return _("Not checked yet");
    case CST_PACKET_REVIEW_SUBMITTED: return _("Waiting for a second person's check");
    case CST_PACKET_REVIEW_APPROVED: return _("Approved");
    case CST_PACKET_REVIEW_RETURNED: return _("Returned");
    case CST_PACKET_REVIEW_WITHDRAWN: return _("Taken back without a decision");
    default: g_return_val_if_reached (NULL);
    }
}

void
cst_packet_review_free (CstPacketReview *review)
{
  if (review == NULL)
    return;
  g_free (review->assembled_by);
  g_free (review->submitted_by);
  g_clear_pointer (&review->submitted_at, g_date_time_unref);
  g_free (review->decided_by);
  g_clear_pointer (&review->decided_at, g_date_time_unref);
  g_free (review->reason);
  g_free (review->sha256);
  g_free (review);
}

void
cst_packet_review_sheet_free (CstPacketReviewSheet *sheet)
{
  if (sheet == NULL)
    return;
  cst_packet_review_free (sheet->review);
  g_free (sheet->patient_name);
  g_free (sheet->patient_mrn);
  g_clear_pointer (&sheet->records_from, g_date_free);
  g_clear_pointer (&sheet->records_to, g_date_free);
  g_clear_pointer (&sheet->documents, g_ptr_array_unref);
  g_clear_pointer (&sheet->redactions, g_ptr_array_unref);
  g_free (sheet);
}

/* Words that mark a kind of record the law protects apart: 42 CFR Part 2,
 * psychotherapy notes (164.508(a)(2)), and the state categories of the
 * authorization checklist.  Matched case-insensitively in the kind. */
static const char *const sensitive_words[] = {
  "substance", "part 2", "sud", "alcohol", "drug", "psychotherapy", "hiv", "aids",
  "mental", "behavioral", "psychiatric", "genetic", "reproductive", "abortion",
};

gboolean
cst_packet_review_kind_is_sensitive (const char *kind)
{
  g_autofree char *folded = NULL;

  if (kind == NULL)
    return FALSE;
  folded = g_utf8_casefold (kind, -1);
  for (guint i = 0; i < G_N_ELEMENTS (sensitive_words); i++)
    {
      const char *hit = strstr (folded, sensitive_words[i]);
      gsize len = strlen (sensitive_words[i]);

      /* A whole word: "sud" is not "sudden". */
      for (; hit != NULL; hit = strstr (hit + 1, sensitive_words[i]))
        if ((hit == folded || !g_ascii_isalpha (hit[-1])) && !g_ascii_isalpha (hit[len]))
          return TRUE;
    }
  return FALSE;
}

gboolean
cst_packet_review_dates_outside (const GDate *service_from,
                                 const GDate *service_to,
                                 const GDate *records_from,
                                 const GDate *records_to)
{
  /* An open end of either range reaches as far as the other needs. */
  if (service_from != NULL && records_to != NULL && g_date_compare (service_from, records_to) > 0)
    return TRUE;
  if (service_to != NULL && records_from != NULL && g_date_compare (service_to, records_from) < 0)
    return TRUE;
  if (service_from != NULL && records_from != NULL && g_date_compare (service_from, records_from) < 0)
    return TRUE;
  return service_to != NULL && records_to != NULL && g_date_compare (service_to, records_to) > 0;
}

static CstPacketReviewState
state_from_string (const char *text)
{
  if (g_strcmp0 (text, "submitted") == 0)
    return CST_PACKET_REVIEW_SUBMITTED;
  if (g_strcmp0 (text, "approved") == 0)
    return CST_PACKET_REVIEW_APPROVED;
  if (g_strcmp0 (text, "returned") == 0)
    return CST_PACKET_REVIEW_RETURNED;
  if (g_strcmp0 (text, "withdrawn") == 0)
    return CST_PACKET_REVIEW_WITHDRAWN;
  return CST_PACKET_REVIEW_NONE;
}

static char *
dup_or_null (const PGresult *res,
             int             column)
{
  return g_strdup (cst_db_value (res, 0, column));
}

/**
 * cst_packet_review_get:
 *
 * Returns: (transfer full): the request's last review (state
 *   %CST_PACKET_REVIEW_NONE when it has none), or NULL with @error set
 */
CstPacketReview *
cst_packet_review_get (PGconn  *conn,
                       gint64   request_id,
                       GError **error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, request_id);
  const char *params[] = { id };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT r.id, r.build_id, r.state, packet_review_is_current(r), b.built_by,"
    "       r.submitted_by, r.submitted_at, r.decided_by, r.decided_at, r.reason,"
    "       b.sha256, b.page_count, b.record_pages"
    "  FROM packet_reviews r JOIN record_packet_builds b ON b.id = r.build_id"
    " WHERE r.request_id = $1 ORDER BY r.id DESC LIMIT 1", 1, params, error);
  CstPacketReview *review;

  if (res == NULL)
    return NULL;
  review = g_new0 (CstPacketReview, 1);
  review->request_id = request_id;
  if (PQntuples (res) == 0)
    return review;
  review->id = cst_db_int64 (res, 0, 0);
  review->build_id = cst_db_int64 (res, 0, 1);
  review->state = state_from_string (cst_db_value (res, 0, 2));
  review->current = cst_db_bool (res, 0, 3);
  review->assembled_by = dup_or_null (res, 4);
  review->submitted_by = dup_or_null (res, 5);
  review->submitted_at = cst_db_timestamp (res, 0, 6);
  review->decided_by = dup_or_null (res, 7);
  review->decided_at = cst_db_value (res, 0, 8) ? cst_db_timestamp (res, 0, 8) : NULL;
  review->reason = dup_or_null (res, 9);
  review->sha256 = dup_or_null (res, 10);
  review->pages = (guint) cst_db_int64 (res, 0, 11);
  review->record_pages = (guint) cst_db_int64 (res, 0, 12);
  return review;
}

/* The patient, the request's date range and its fee, into @sheet. */
static gboolean
read_request_side (PGconn               *conn,
                   gint64                request_id,
                   CstPacketReviewSheet *sheet,
                   GError              **error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, request_id);
  const char *params[] = { id };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT p.family_name || ', ' || p.given_name, p.mrn, r.records_from, r.records_to,"
    "       (SELECT sum(i.total_cents) FROM invoices i WHERE i.request_id = r.id)"
    "  FROM roi_requests r JOIN patients p ON p.id = r.patient_id WHERE r.id = $1",
    1, params, error);

  if (res == NULL)
    return FALSE;
  if (PQntuples (res) == 0)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_NOT_FOUND, _("The request no longer exists."));
      return FALSE;
    }
  sheet->patient_name = dup_or_null (res, 0);
  sheet->patient_mrn = dup_or_null (res, 1);
  sheet->records_from = cst_db_value (res, 0, 2) ? cst_db_date (res, 0, 2) : NULL;
  sheet->records_to = cst_db_value (res, 0, 3) ? cst_db_date (res, 0, 3) : NULL;
  sheet->has_fee = cst_db_value (res, 0, 4) != NULL;
  sheet->fee_cents = sheet->has_fee ? cst_db_int64 (res, 0, 4) : 0;
  return TRUE;
}

/**
 * cst_packet_review_sheet:
 *
 * Everything a reviewer looks at, read in one snapshot: the request, the
 * review, the documents and every redaction with its reason (issue 19:
 * the quality reviewer sees each one).
 *
 * Returns: (transfer full): the sheet, or NULL with @error set
 */
CstPacketReviewSheet *
cst_packet_review_sheet (PGconn  *conn,
                         gint64   request_id,
                         GError **error)
{
  g_autoptr(CstPacketReviewSheet) sheet = g_new0 (CstPacketReviewSheet, 1);
  gboolean own = FALSE;
  gboolean ok;

  if (!cst_db_join (conn, CST_DB_SNAPSHOT, &own, error))
    return NULL;
  ok = read_request_side (conn, request_id, sheet, error) &&
       (sheet->review = cst_packet_review_get (conn, request_id, error)) != NULL &&
       (sheet->documents = cst_packet_list (conn, request_id, error)) != NULL &&
       (sheet->redactions = cst_redaction_list (conn, request_id, error)) != NULL;
  if (!cst_db_leave (conn, own, ok, ok ? error : NULL) || !ok)
    return NULL;
  return g_steal_pointer (&sheet);
}

static gpointer
sheet_job_run (PGconn   *conn,
               gpointer  data,
               GError  **error)
{
  return cst_packet_review_sheet (conn, *(gint64 *) data, error);
}

/**
 * cst_packet_review_sheet_async:
 *
 * cst_packet_review_sheet() on @connection's worker thread.
 */
void
cst_packet_review_sheet_async (CstConnection       *connection,
                               gint64               request_id,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  cst_connection_run_async (connection, sheet_job_run, g_memdup2 (&request_id, sizeof request_id),
                            g_free, (GDestroyNotify) cst_packet_review_sheet_free, cancellable,
                            callback, user_data);
}

CstPacketReviewSheet *
cst_packet_review_sheet_finish (CstConnection  *connection,
                                GAsyncResult   *result,
                                GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}

/**
 * cst_packet_review_decide:
 * @reason: (nullable): NULL to approve, else why the packet is returned
 *
 * Approves or returns the packet waiting for the request's quality check;
 * the server moves the request on (ready, or back to in progress).
 *
 * Returns: (transfer full): the review after the decision, or NULL with
 *   @error set
 */
CstPacketReview *
cst_packet_review_decide (PGconn      *conn,
                          gint64       request_id,
                          const char  *reason,
                          GError     **error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, request_id);
  const char *params[] = { id, reason };
  g_autoptr(PGresult) res = NULL;
  CstPacketReview *review = NULL;
  gboolean own = FALSE;

  if (!cst_db_join (conn, CST_DB_READ_WRITE, &own, error))
    return NULL;
  if (reason == NULL)
    res = cst_db_exec (conn, "SELECT packet_review_approve($1)", 1, params, error);
  else
    res = cst_db_exec (conn, "SELECT packet_review_return($1, $2)", 2, params, error);
  if (res != NULL)
    review = cst_packet_review_get (conn, request_id, error);
  if (!cst_db_leave (conn, own, review != NULL, review ? error : NULL))
    g_clear_pointer (&review, cst_packet_review_free);
  return review;
}

typedef struct
{
  gint64  request_id;
  char   *reason;
} DecideJob;

static void
decide_job_free (DecideJob *job)
{
  g_free (job->reason);
  g_free (job);
}

static gpointer
decide_job_run (PGconn   *conn,
                gpointer  data,
                GError  **error)
{
  DecideJob *job = data;

  return cst_packet_review_decide (conn, job->request_id, job->reason, error);
}

/**
 * cst_packet_review_decide_async:
 *
 * cst_packet_review_decide() on @connection's worker thread.
 */
void
cst_packet_review_decide_async (CstConnection       *connection,
                                gint64               request_id,
                                const char          *reason,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  DecideJob *job = g_new0 (DecideJob, 1);

  job->request_id = request_id;
  job->reason = g_strdup (reason);
  cst_connection_run_async (connection, decide_job_run, job, (GDestroyNotify) decide_job_free,
                            (GDestroyNotify) cst_packet_review_free, cancellable, callback,
                            user_data);
}

CstPacketReview *
cst_packet_review_decide_finish (CstConnection  *connection,
                                 GAsyncResult   *result,
                                 GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}

CstPacketReview *
cst_packet_review_decide_at (const char  *conninfo,
                             const char  *reference,
                             const char  *reason,
                             GError     **error)
{
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, error);
  g_autoptr(CstRequest) request = NULL;

  if (conn == NULL || !(request = cst_request_repo_find (conn, reference, error)))
    return NULL;
  return cst_packet_review_decide (conn, cst_request_get_id (request), reason, error);
}
