/* cst-release-on-file.c — what a request's release forms record, off the
 * main loop
 *
 * The release forms store a no-records search and its sign-off, the "no
 * records found" answer, and what the release dialog gathers (withholdings
 * and the delivery proof, cst_release_record_particulars()).  Each job
 * stores the clerk's entry and reads back what is on record, so the forms
 * show the database's answer; a job whose entry is refused stores nothing
 * and reads nothing.
 */
#define G_LOG_DOMAIN "cst-release"

#include "config.h"

#include "custodian/cst-input.h"
#include "custodian/cst-release.h"
#include "custodian/cst-withholding.h"

void
cst_release_on_file_free (CstReleaseOnFile *on_file)
{
  if (on_file == NULL)
    return;
  g_clear_pointer (&on_file->search, cst_no_records_search_free);
  g_clear_pointer (&on_file->proof, cst_delivery_proof_free);
  g_clear_pointer (&on_file->withholdings, g_ptr_array_unref);
  g_clear_object (&on_file->answered);
  g_free (on_file);
}

/**
 * cst_release_on_file_load:
 *
 * Blocking: call it from a worker (see cst_release_on_file_load_async()).
 *
 * Returns: (transfer full): the no-records search, delivery proof and
 *   withholdings on record for @request, or %NULL with @error set
 */
CstReleaseOnFile *
cst_release_on_file_load (PGconn      *conn,
                          CstRequest  *request,
                          GError     **error)
{
  g_autoptr(CstReleaseOnFile) on_file = g_new0 (CstReleaseOnFile, 1);
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (CST_IS_REQUEST (request), NULL);

  on_file->search = cst_no_records_get (conn, cst_request_get_id (request), &local);
  if (local == NULL)
    on_file->proof = cst_delivery_get (conn, cst_request_get_id (request), &local);
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  on_file->withholdings = cst_withholding_list (conn, request, error);
  if (on_file->withholdings == NULL)
    return NULL;
  return g_steal_pointer (&on_file);
}

typedef enum
{
  STORE_NOTHING,
  STORE_SEARCH,
  STORE_SIGN_OFF,
  STORE_ANSWER,
  STORE_PARTICULARS,
} Store;

typedef struct
{
  Store              store;
  CstRequest        *request;   /* a private copy */
  GStrv              systems, locations;
  GDate              from, to, pickup_on;
  char              *reason;    /* the no-records answer */
  GPtrArray         *withheld;  /* of CstWithholding, a deep copy */
  gboolean           has_delivery;
  CstRecordFormat    produced_format;
  CstDeliveryMethod  delivery;
  char              *format_name, *mismatch, *tracking, *message_id, *pickup_by;
} Job;

static void
job_free (Job *job)
{
  g_clear_object (&job->request);
  g_strfreev (job->systems);
  g_strfreev (job->locations);
  g_free (job->reason);
  g_clear_pointer (&job->withheld, g_ptr_array_unref);
  g_free (job->format_name);
  g_free (job->mismatch);
  g_free (job->tracking);
  g_free (job->message_id);
  g_free (job->pickup_by);
  g_free (job);
}

static Job *
job_new (Store       store,
         CstRequest *request)
{
  Job *job = g_new0 (Job, 1);

  job->store = store;
  job->request = cst_request_copy (request);
  g_date_clear (&job->from, 1);
  g_date_clear (&job->to, 1);
  g_date_clear (&job->pickup_on, 1);
  return job;
}

static void
copy_date (GDate       *to,
           const GDate *from)
{
  if (from != NULL && g_date_valid (from))
    *to = *from;
}

static const GDate *
valid_or_null (const GDate *date)
{
  return g_date_valid (date) ? date : NULL;
}

static gboolean
store_particulars (PGconn   *conn,
                   Job      *job,
                   GError  **error)
{
  CstDelivery delivery = {
    .produced_format = job->produced_format,
    .format_name = job->format_name,
    .mismatch_reason = job->mismatch,
    .delivery = job->delivery,
    .tracking_number = job->tracking,
    .email_message_id = job->message_id,
    .pickup_signed_by = job->pickup_by,
    .pickup_signed_on = valid_or_null (&job->pickup_on),
  };

  return cst_release_record_particulars (conn, job->request, job->withheld,
                                         job->has_delivery ? &delivery : NULL, error);
}

static gpointer
store_in_worker (PGconn   *conn,
                 gpointer  data,
                 GError  **error)
{
  Job *job = data;
  g_autoptr(CstRequest) answered = NULL;
  CstReleaseOnFile *on_file;
  gboolean stored = TRUE;

  switch (job->store)
    {
    case STORE_SEARCH:
      stored = cst_no_records_record_search (conn, job->request, (const char *const *) job->systems,
                                             valid_or_null (&job->from), valid_or_null (&job->to),
                                             (const char *const *) job->locations, error);
      break;
    case STORE_SIGN_OFF:
      stored = cst_no_records_sign_off (conn, job->request, error);
      break;
    case STORE_ANSWER:
      answered = cst_no_records_answer (conn, job->request, job->reason, error);
      stored = answered != NULL;
      break;
    case STORE_PARTICULARS:
      stored = store_particulars (conn, job, error);
      break;
    case STORE_NOTHING:
    default:
      break;
    }
  if (!stored)
    return NULL;
  on_file = cst_release_on_file_load (conn, job->request, error);
  if (on_file != NULL)
    on_file->answered = g_steal_pointer (&answered);
  return on_file;
}

static void
run_job (CstConnection       *connection,
         Job                 *job,
         GCancellable        *cancellable,
         GAsyncReadyCallback  callback,
         gpointer             user_data)
{
  cst_connection_run_async (connection, store_in_worker, job, (GDestroyNotify) job_free,
                            (GDestroyNotify) cst_release_on_file_free, cancellable, callback,
                            user_data);
}

/* The documents a release of the request would make, made while the
 * clerk reads the forms (cst_release_prepare()), in the language and on
 * the paper the desk releases in (cst_release_desk_setup(), which the
 * release asks too). */
static gpointer
prepare_in_worker (PGconn   *conn,
                   gpointer  data,
                   GError  **error)
{
  CstDocumentOptions options;
  const char *language = cst_release_desk_setup (&options);

  cst_release_prepare (conn, data, language, &options);
  return NULL;
}

static void
prepared_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  cst_connection_run_finish (CST_CONNECTION (object), result, NULL);
}

/**
 * cst_release_on_file_load_async:
 *
 * Reads what is on record towards @request's release.  For a request
 * ready for release, the documents the release will record are then made
 * on the connection's worker, after the forms have what they read: the
 * release of the request as it stands does not draw them again.
 */
void
cst_release_on_file_load_async (CstConnection       *connection,
                                CstRequest          *request,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (CST_IS_CONNECTION (connection));
  g_return_if_fail (CST_IS_REQUEST (request));

  run_job (connection, job_new (STORE_NOTHING, request), cancellable, callback, user_data);
  if (cst_request_get_status (request) == CST_STATUS_READY)
    cst_connection_run_async (connection, prepare_in_worker, cst_request_copy (request),
                              g_object_unref, NULL, cancellable, prepared_cb, NULL);
}

/**
 * cst_release_on_file_record_search_async:
 * @from: (nullable): where the search's dates start
 * @to: (nullable): where they end
 *
 * Records the search for records that found none
 * (cst_no_records_record_search()), then reads what is on record.
 */
void
cst_release_on_file_record_search_async (CstConnection       *connection,
                                         CstRequest          *request,
                                         const char *const   *systems,
                                         const GDate         *from,
                                         const GDate         *to,
                                         const char *const   *locations,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  Job *job;

  g_return_if_fail (CST_IS_CONNECTION (connection));
  g_return_if_fail (CST_IS_REQUEST (request));

  job = job_new (STORE_SEARCH, request);
  job->systems = g_strdupv ((char **) systems);
  job->locations = g_strdupv ((char **) locations);
  copy_date (&job->from, from);
  copy_date (&job->to, to);
  run_job (connection, job, cancellable, callback, user_data);
}

/**
 * cst_release_on_file_sign_off_async:
 *
 * Signs the recorded search off as the connection's user (a second person:
 * the database refuses the one who recorded it), then reads what is on
 * record.
 */
void
cst_release_on_file_sign_off_async (CstConnection       *connection,
                                    CstRequest          *request,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (CST_IS_CONNECTION (connection));
  g_return_if_fail (CST_IS_REQUEST (request));

  run_job (connection, job_new (STORE_SIGN_OFF, request), cancellable, callback, user_data);
}

/**
 * cst_release_on_file_answer_no_records_async:
 * @reason: where to direct the request, if known
 *
 * Closes @request as denied, "no records found" (cst_no_records_answer());
 * the result's answered is the request as stored.
 */
void
cst_release_on_file_answer_no_records_async (CstConnection       *connection,
                                             CstRequest          *request,
                                             const char          *reason,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  Job *job;

  g_return_if_fail (CST_IS_CONNECTION (connection));
  g_return_if_fail (CST_IS_REQUEST (request));

  job = job_new (STORE_ANSWER, request);
  job->reason = g_strdup (reason);
  run_job (connection, job, cancellable, callback, user_data);
}

static GPtrArray *
copy_withheld (GPtrArray *withheld)
{
  GPtrArray *copy = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_withholding_free);

  for (guint i = 0; withheld != NULL && i < withheld->len; i++)
    {
      CstWithholding *from = g_ptr_array_index (withheld, i);
      CstWithholding *to = g_new0 (CstWithholding, 1);

      to->reason = from->reason;
      to->description = g_strdup (from->description);
      g_ptr_array_add (copy, to);
    }
  return copy;
}

/* Blank is not given: the database's rules ask for a value or none. */
static char *
dup_nonblank (const char *text)
{
  return cst_input_is_blank (text) ? NULL : g_strdup (text);
}

/**
 * cst_release_on_file_record_particulars_async:
 * @withheld: (element-type CstWithholding): what is withheld; copied
 * @delivery: (nullable): the format and delivery proof; %NULL records none
 *
 * Stores what the release dialog gathered, all or nothing
 * (cst_release_record_particulars()), then reads what is on record.
 */
void
cst_release_on_file_record_particulars_async (CstConnection       *connection,
                                              CstRequest          *request,
                                              GPtrArray           *withheld,
                                              const CstDelivery   *delivery,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  Job *job;

  g_return_if_fail (CST_IS_CONNECTION (connection));
  g_return_if_fail (CST_IS_REQUEST (request));

  job = job_new (STORE_PARTICULARS, request);
  job->withheld = copy_withheld (withheld);
  if (delivery != NULL)
    {
      job->has_delivery = TRUE;
      job->produced_format = delivery->produced_format;
      job->delivery = delivery->delivery;
      job->format_name = dup_nonblank (delivery->format_name);
      job->mismatch = dup_nonblank (delivery->mismatch_reason);
      job->tracking = dup_nonblank (delivery->tracking_number);
      job->message_id = dup_nonblank (delivery->email_message_id);
      job->pickup_by = dup_nonblank (delivery->pickup_signed_by);
      copy_date (&job->pickup_on, delivery->pickup_signed_on);
    }
  run_job (connection, job, cancellable, callback, user_data);
}

/**
 * cst_release_on_file_finish:
 *
 * Finishes any of the cst_release_on_file_*_async() calls.
 *
 * Returns: (transfer full): what is on record after the call, or %NULL
 *   with @error set
 */
CstReleaseOnFile *
cst_release_on_file_finish (CstConnection  *connection,
                            GAsyncResult   *result,
                            GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}
