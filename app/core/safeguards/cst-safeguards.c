/* cst-safeguards.c — a request's safeguards as the request view shows them
 *
 * The service clock (cst-clocks), the repeat links either way (cst-repeat)
 * and, for a personal representative, the authority on file today
 * (cst-representative), read together so the view shows one consistent
 * answer; recording an authority reads them all back.
 */
#define G_LOG_DOMAIN "cst-safeguards"

#include "config.h"

#include "custodian/cst-clocks.h"
#include "custodian/cst-input.h"
#include "custodian/cst-request-repo.h"
#include "custodian/cst-safeguards.h"

void
cst_safeguards_free (CstSafeguards *safeguards)
{
  if (safeguards == NULL)
    return;
  cst_repeat_clear (&safeguards->repeat);
  cst_representative_info_clear (&safeguards->representative);
  g_clear_pointer (&safeguards->repeated_by, g_ptr_array_unref);
  g_free (safeguards);
}

static gboolean
is_representative (CstRequest *request)
{
  return cst_request_get_requester_kind (request) == CST_REQUESTER_PERSONAL_REPRESENTATIVE;
}

static GPtrArray *
load_repeated_by (PGconn      *conn,
                  CstRequest  *request,
                  GError     **error)
{
  g_autoptr(GArray) ids = cst_repeat_list_repeats (conn, request, error);
  g_autoptr(GPtrArray) references = NULL;

  if (ids == NULL)
    return NULL;
  references = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(CstRequest) later = cst_request_repo_get (conn, g_array_index (ids, gint64, i), error);

      if (later == NULL)
        return NULL;
      g_ptr_array_add (references, g_strdup (cst_request_get_reference (later)));
    }
  return g_steal_pointer (&references);
}

static gboolean
load_representative (PGconn         *conn,
                     CstRequest     *request,
                     CstSafeguards  *safeguards,
                     GError        **error)
{
  g_autoptr(GError) local = NULL;
  GDate today;

  cst_input_today (&today);
  safeguards->representative_id = cst_representative_on_file (conn, request, &today, &local);
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  return safeguards->representative_id == 0 ||
         cst_representative_get (conn, safeguards->representative_id,
                                 &safeguards->representative, error);
}

/**
 * cst_safeguards_load:
 *
 * Blocking: call it from a worker (see cst_safeguards_load_async()).
 *
 * Returns: (transfer full): @request's safeguards, or %NULL with @error set
 */
CstSafeguards *
cst_safeguards_load (PGconn      *conn,
                     CstRequest  *request,
                     GError     **error)
{
  g_autoptr(CstSafeguards) safeguards = g_new0 (CstSafeguards, 1);
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (CST_IS_REQUEST (request), NULL);

  safeguards->service_days = cst_clocks_get_service_days (conn, &local);
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  if (!cst_repeat_load (conn, request, &safeguards->repeat, error))
    return NULL;
  safeguards->repeated_by = load_repeated_by (conn, request, error);
  if (safeguards->repeated_by == NULL)
    return NULL;
  if (is_representative (request) && !load_representative (conn, request, safeguards, error))
    return NULL;
  return g_steal_pointer (&safeguards);
}

typedef struct
{
  CstRequest                 *request;   /* a private copy */
  gboolean                    record;    /* record the representative first */
  CstRepresentativeAuthority  authority;
  char                       *document;
  GDate                       valid_until;
} SafeguardsJob;

static void
job_free (SafeguardsJob *job)
{
  g_clear_object (&job->request);
  g_free (job->document);
  g_free (job);
}

static gpointer
load_in_worker (PGconn   *conn,
                gpointer  data,
                GError  **error)
{
  SafeguardsJob *job = data;

  if (job->record &&
      cst_representative_record (conn, job->request, job->authority, job->document,
                                 g_date_valid (&job->valid_until) ? &job->valid_until : NULL,
                                 error) == 0)
    return NULL;
  return cst_safeguards_load (conn, job->request, error);
}

static void
run_job (CstConnection       *connection,
         SafeguardsJob       *job,
         GCancellable        *cancellable,
         GAsyncReadyCallback  callback,
         gpointer             user_data)
{
  cst_connection_run_async (connection, load_in_worker, job, (GDestroyNotify) job_free,
                            (GDestroyNotify) cst_safeguards_free, cancellable, callback, user_data);
}

/**
 * cst_safeguards_load_async:
 *
 * Reads @request's safeguards on @connection's worker thread.
 */
void
cst_safeguards_load_async (CstConnection       *connection,
                           CstRequest          *request,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  SafeguardsJob *job;

  g_return_if_fail (CST_IS_CONNECTION (connection));
  g_return_if_fail (CST_IS_REQUEST (request));

  job = g_new0 (SafeguardsJob, 1);
  job->request = cst_request_copy (request);
  g_date_clear (&job->valid_until, 1);
  run_job (connection, job, cancellable, callback, user_data);
}

/**
 * cst_safeguards_load_finish:
 *
 * Returns: (transfer full): the safeguards, or %NULL with @error set
 */
CstSafeguards *
cst_safeguards_load_finish (CstConnection  *connection,
                            GAsyncResult   *result,
                            GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}

/**
 * cst_safeguards_record_representative_async:
 * @document: what proves the authority
 * @valid_until: (nullable): its end; %NULL for none
 *
 * Records, as the connection's user, that @request's requester is the
 * patient's personal representative (cst_representative_record()), then
 * reads the safeguards back, on @connection's worker thread.
 */
void
cst_safeguards_record_representative_async (CstConnection              *connection,
                                            CstRequest                 *request,
                                            CstRepresentativeAuthority  authority,
                                            const char                 *document,
                                            const GDate                *valid_until,
                                            GCancellable               *cancellable,
                                            GAsyncReadyCallback         callback,
                                            gpointer                    user_data)
{
  SafeguardsJob *job;

  g_return_if_fail (CST_IS_CONNECTION (connection));
  g_return_if_fail (CST_IS_REQUEST (request));

  job = g_new0 (SafeguardsJob, 1);
  job->request = cst_request_copy (request);
  job->record = TRUE;
  job->authority = authority;
  job->document = g_strdup (document);
  g_date_clear (&job->valid_until, 1);
  if (valid_until != NULL && g_date_valid (valid_until))
    job->valid_until = *valid_until;
  run_job (connection, job, cancellable, callback, user_data);
}

/**
 * cst_safeguards_record_representative_finish:
 *
 * Returns: (transfer full): the safeguards as read after recording, or
 *   %NULL with @error set (nothing was recorded when recording failed)
 */
CstSafeguards *
cst_safeguards_record_representative_finish (CstConnection  *connection,
                                             GAsyncResult   *result,
                                             GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}
