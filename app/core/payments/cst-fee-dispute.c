/* cst-fee-dispute.c — a fee disputed, and the due date that does not stop
 *
 * The requester disputes what a request costs (issue 20: for the
 * individual's own request "the due date does not stop for a fee
 * dispute").  The server records and resolves disputes (0077:
 * fee_dispute_open, fee_dispute_resolve) and refuses a later due date
 * while one is open; nothing here holds or pauses anything, so a
 * disputed request stays on its clock and among those at risk.  A
 * reduction or a waiver is then an invoice adjustment or a refund, as
 * always; the dispute records the outcome.
 */
#define G_LOG_DOMAIN "cst-fee-dispute"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "custodian/cst-db.h"
#include "custodian/cst-error.h"
#include "custodian/cst-fee-dispute.h"
#include "custodian/cst-request-repo.h"

static const char *const outcome_codes[] = {
  [CST_FEE_DISPUTE_OPEN] = "open",
  [CST_FEE_DISPUTE_UPHELD] = "upheld",
  [CST_FEE_DISPUTE_REDUCED] = "reduced",
  [CST_FEE_DISPUTE_WAIVED] = "waived",
  [CST_FEE_DISPUTE_WITHDRAWN] = "withdrawn",
};

const char *
cst_fee_dispute_outcome_to_string (CstFeeDisputeOutcome outcome)
{
  g_return_val_if_fail (outcome < G_N_ELEMENTS (outcome_codes), NULL);
  return outcome_codes[outcome];
}

gboolean
cst_fee_dispute_outcome_from_string (const char           *text,
                                     CstFeeDisputeOutcome *outcome)
{
  for (guint i = 0; i < G_N_ELEMENTS (outcome_codes); i++)
    if (text != NULL && g_str_equal (text, outcome_codes[i]))
      {
        *outcome = i;
        return TRUE;
      }
  return FALSE;
}

void
cst_fee_dispute_free (CstFeeDispute *dispute)
{
  if (dispute == NULL)
    return;
  g_free (dispute->invoice_number);
  g_free (dispute->reason);
  g_free (dispute->opened_by);
  g_clear_pointer (&dispute->opened_at, g_date_time_unref);
  g_clear_pointer (&dispute->due_date_at_opening, g_date_free);
  g_clear_pointer (&dispute->due_date, g_date_free);
  g_free (dispute->resolution);
  g_free (dispute->resolved_by);
  g_clear_pointer (&dispute->resolved_at, g_date_time_unref);
  g_free (dispute);
}

gint64
cst_fee_dispute_open (PGconn      *conn,
                      gint64       request_id,
                      const char  *invoice_number,
                      const char  *reason,
                      GError     **error)
{
  g_autofree char *id = cst_db_int_param (request_id);
  const char *params[] = { id, invoice_number, reason };
  g_autoptr(PGresult) res = cst_db_exec (conn, "SELECT fee_dispute_open($1, $2, $3)", 3, params,
                                         error);

  return res ? cst_db_int64 (res, 0, 0) : 0;
}

gboolean
cst_fee_dispute_resolve (PGconn                *conn,
                         gint64                 request_id,
                         CstFeeDisputeOutcome   outcome,
                         const char            *resolution,
                         GError               **error)
{
  g_autofree char *id = cst_db_int_param (request_id);
  const char *params[] = { id, cst_fee_dispute_outcome_to_string (outcome), resolution };
  g_autoptr(PGresult) res = NULL;

  if (outcome == CST_FEE_DISPUTE_OPEN)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                           _("A fee dispute ends upheld, reduced, waived or withdrawn."));
      return FALSE;
    }
  res = cst_db_exec (conn, "SELECT fee_dispute_resolve($1, $2, $3)", 3, params, error);
  return res != NULL;
}

static gpointer
dispute_from_row (const PGresult *res,
                  int             row)
{
  CstFeeDispute *d = g_new0 (CstFeeDispute, 1);

  d->id = cst_db_int64 (res, row, 0);
  d->request_id = cst_db_int64 (res, row, 1);
  d->invoice_number = g_strdup (cst_db_value (res, row, 2));
  d->reason = g_strdup (cst_db_value (res, row, 3));
  d->opened_by = g_strdup (cst_db_value (res, row, 4));
  d->opened_at = cst_db_timestamp (res, row, 5);
  d->due_date_at_opening = cst_db_value (res, row, 6) ? cst_db_date (res, row, 6) : NULL;
  d->due_date = cst_db_value (res, row, 7) ? cst_db_date (res, row, 7) : NULL;
  d->days_in_dispute = (int) cst_db_int64 (res, row, 8);
  if (!cst_fee_dispute_outcome_from_string (cst_db_value (res, row, 9), &d->outcome))
    d->outcome = CST_FEE_DISPUTE_OPEN;
  d->resolution = g_strdup (cst_db_value (res, row, 10));
  d->resolved_by = g_strdup (cst_db_value (res, row, 11));
  d->resolved_at = cst_db_value (res, row, 12) ? cst_db_timestamp (res, row, 12) : NULL;
  return d;
}

GPtrArray *
cst_fee_dispute_list (PGconn  *conn,
                      gint64   request_id,
                      GError **error)
{
  g_autofree char *id = cst_db_int_param (request_id);
  const char *params[] = { id };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT d.id, d.request_id, i.number, d.reason, d.opened_by, d.opened_at,"
    "       d.due_date_at_opening, r.due_date,"
    "       CASE WHEN d.resolved_at IS NULL THEN current_date - d.opened_at::date ELSE 0 END,"
    "       COALESCE(d.outcome, 'open'), d.resolution, d.resolved_by, d.resolved_at"
    "  FROM fee_disputes d JOIN roi_requests r ON r.id = d.request_id"
    "  LEFT JOIN invoices i ON i.id = d.invoice_id"
    " WHERE d.request_id = $1 ORDER BY d.id", 1, params, error);

  if (res == NULL)
    return NULL;
  return cst_db_collect_rows (res, dispute_from_row, (GDestroyNotify) cst_fee_dispute_free);
}

/* ---- on a worker thread ---------------------------------------------- */

typedef struct
{
  gint64                request_id;
  enum { LIST, OPEN, RESOLVE } what;
  char                 *invoice_number;
  char                 *text;
  CstFeeDisputeOutcome  outcome;
} Job;

static void
job_free (Job *job)
{
  g_free (job->invoice_number);
  g_free (job->text);
  g_free (job);
}

static gpointer
job_run (PGconn   *conn,
         gpointer  data,
         GError  **error)
{
  Job *job = data;

  if (job->what == OPEN &&
      !cst_fee_dispute_open (conn, job->request_id, job->invoice_number, job->text, error))
    return NULL;
  if (job->what == RESOLVE &&
      !cst_fee_dispute_resolve (conn, job->request_id, job->outcome, job->text, error))
    return NULL;
  return cst_fee_dispute_list (conn, job->request_id, error);
}

static void
job_start (CstConnection       *connection,
           Job                 *job,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  cst_connection_run_async (connection, job_run, job, (GDestroyNotify) job_free,
                            (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

void
cst_fee_dispute_list_async (CstConnection       *connection,
                            gint64               request_id,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  Job *job = g_new0 (Job, 1);

  job->request_id = request_id;
  job->what = LIST;
  job_start (connection, job, cancellable, callback, user_data);
}

void
cst_fee_dispute_open_async (CstConnection       *connection,
                            gint64               request_id,
                            const char          *invoice_number,
                            const char          *reason,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  Job *job = g_new0 (Job, 1);

  job->request_id = request_id;
  job->what = OPEN;
  job->invoice_number = g_strdup (invoice_number);
  job->text = g_strdup (reason);
  job_start (connection, job, cancellable, callback, user_data);
}

void
cst_fee_dispute_resolve_async (CstConnection        *connection,
                               gint64                request_id,
                               CstFeeDisputeOutcome  outcome,
                               const char           *resolution,
                               GCancellable         *cancellable,
                               GAsyncReadyCallback   callback,
                               gpointer              user_data)
{
  Job *job = g_new0 (Job, 1);

  job->request_id = request_id;
  job->what = RESOLVE;
  job->outcome = outcome;
  job->text = g_strdup (resolution);
  job_start (connection, job, cancellable, callback, user_data);
}

GPtrArray *
cst_fee_dispute_finish (CstConnection  *connection,
                        GAsyncResult   *result,
                        GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}

/* ---- by reference, on a connection of their own ------------------------ */

static PGconn *
connect_for (const char  *conninfo,
             const char  *reference,
             gint64      *request_id,
             GError     **error)
{
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, error);
  g_autoptr(CstRequest) request = NULL;

  if (conn == NULL || !(request = cst_request_repo_find (conn, reference, error)))
    return NULL;
  *request_id = cst_request_get_id (request);
  return g_steal_pointer (&conn);
}

gint64
cst_fee_dispute_open_at (const char  *conninfo,
                         const char  *reference,
                         const char  *invoice_number,
                         const char  *reason,
                         GError     **error)
{
  gint64 request_id = 0;
  g_autoptr(PGconn) conn = connect_for (conninfo, reference, &request_id, error);

  return conn ? cst_fee_dispute_open (conn, request_id, invoice_number, reason, error) : 0;
}

gboolean
cst_fee_dispute_resolve_at (const char            *conninfo,
                            const char            *reference,
                            CstFeeDisputeOutcome   outcome,
                            const char            *resolution,
                            GError               **error)
{
  gint64 request_id = 0;
  g_autoptr(PGconn) conn = connect_for (conninfo, reference, &request_id, error);

  return conn != NULL && cst_fee_dispute_resolve (conn, request_id, outcome, resolution, error);
}

GPtrArray *
cst_fee_dispute_list_at (const char  *conninfo,
                         const char  *reference,
                         GError     **error)
{
  gint64 request_id = 0;
  g_autoptr(PGconn) conn = connect_for (conninfo, reference, &request_id, error);

  return conn ? cst_fee_dispute_list (conn, request_id, error) : NULL;
}
