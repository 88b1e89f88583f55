/* cst-authorization.c — the HIPAA authorization checklist of a request
 *
 * The elements are data (authorization_elements, migration 0040) so that a
 * state add-on or a new sensitive category is a row, not a release; so is
 * whether an element may be "not applicable" (0055).  The
 * database is the authority: it stamps who checked and when, and refuses
 * the move to "authorization verified" while an element is missing; the
 * model checks first only to name the gaps in the clerk's language.
 */
#define G_LOG_DOMAIN "cst-authorization"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "custodian/cst-authorization.h"
#include "custodian/cst-db.h"
#include "custodian/cst-error.h"
#include "custodian/cst-input.h"
#include "custodian/cst-representative.h"
#include "custodian/cst-request-repo.h"

static const char *const finding_nicks[] = {
  [CST_AUTHORIZATION_PRESENT] = "present",
  [CST_AUTHORIZATION_MISSING] = "missing",
  [CST_AUTHORIZATION_NOT_APPLICABLE] = "not_applicable",
};

/**
 * cst_authorization_finding_get_label:
 *
 * Returns: what the clerk found, in words
 */
const char *
cst_authorization_finding_get_label (CstAuthorizationFinding finding)
{
  switch (finding)
    {
    case CST_AUTHORIZATION_PRESENT: return _("Present");
    case CST_AUTHORIZATION_MISSING: return _("Missing");
    case CST_AUTHORIZATION_NOT_APPLICABLE: return _("Not applicable");
    case CST_AUTHORIZATION_UNCHECKED: return _("Not checked yet");
    default: g_return_val_if_reached ("");
    }
}

void
cst_authorization_item_free (CstAuthorizationItem *item)
{
  if (item == NULL)
    return;
  g_free (item->code);
  g_free (item->label);
  g_free (item->citation);
  g_free (item->category);
  g_free (item->note);
  g_free (item->checked_by);
  g_clear_pointer (&item->checked_at, g_date_time_unref);
  g_free (item);
}

/* The individual's own access (164.524), directly or through a personal
 * representative (164.502(g)), needs no authorization; any other
 * requester does (164.508(a)(1)). */
gboolean
cst_authorization_is_required (CstRequesterKind kind)
{
  return kind != CST_REQUESTER_PATIENT && kind != CST_REQUESTER_PERSONAL_REPRESENTATIVE;
}

/* Any element is present or missing on a form; "not applicable" only where
 * the element depends on who signed or what is asked for (0055): never the
 * signature and date (164.508(c)(1)(vi)). */
gboolean
cst_authorization_item_allows (const CstAuthorizationItem *item,
                               CstAuthorizationFinding     finding)
{
  switch (finding)
    {
    case CST_AUTHORIZATION_PRESENT:
    case CST_AUTHORIZATION_MISSING:
      return TRUE;
    case CST_AUTHORIZATION_NOT_APPLICABLE:
      return item->allows_not_applicable;
    case CST_AUTHORIZATION_UNCHECKED:
    default:
      return FALSE;
    }
}

static CstAuthorizationFinding
finding_from_nick (const char *nick)
{
  for (guint i = 0; i < G_N_ELEMENTS (finding_nicks); i++)
    if (finding_nicks[i] != NULL && g_strcmp0 (nick, finding_nicks[i]) == 0)
      return i;
  return CST_AUTHORIZATION_UNCHECKED;
}

static CstAuthorizationItem *
item_from_row (const PGresult *res,
               int             row)
{
  CstAuthorizationItem *item = g_new0 (CstAuthorizationItem, 1);

  item->code = g_strdup (cst_db_value (res, row, 0));
  item->label = g_strdup (cst_db_value (res, row, 1));
  item->citation = g_strdup (cst_db_value (res, row, 2));
  item->category = g_strdup (cst_db_value (res, row, 3));
  item->finding = finding_from_nick (cst_db_value (res, row, 4));
  item->note = g_strdup (cst_db_value (res, row, 5));
  item->checked_by = g_strdup (cst_db_value (res, row, 6));
  item->checked_at = cst_db_timestamp (res, row, 7);
  item->allows_not_applicable = cst_db_bool (res, row, 8);
  return item;
}

GPtrArray *
cst_authorization_load (PGconn      *conn,
                        CstRequest  *request,
                        GError     **error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  const char *params[] = { id };
  g_autoptr(PGresult) res = NULL;

  res = cst_db_exec (conn,
                     "SELECT c.code, c.label, c.citation, c.category, c.finding, c.note, "
                     "c.checked_by, c.checked_at, e.allows_not_applicable "
                     "FROM roi_authorization_checklist($1::bigint) c "
                     "JOIN authorization_elements e ON e.code = c.code "
                     "ORDER BY e.position, e.code",
                     1, params, error);
  if (res == NULL)
    return NULL;
  return cst_db_collect_rows (res, (CstDbRowFunc) item_from_row,
                              (GDestroyNotify) cst_authorization_item_free);
}

gboolean
cst_authorization_record (PGconn                   *conn,
                          CstRequest               *request,
                          const char               *code,
                          CstAuthorizationFinding   finding,
                          const char               *note,
                          GError                  **error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  const char *params[4];

  if (finding == CST_AUTHORIZATION_UNCHECKED || finding >= G_N_ELEMENTS (finding_nicks))
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                           _("An element is recorded as present, missing or not applicable."));
      return FALSE;
    }
  params[0] = id;
  params[1] = code;
  params[2] = finding_nicks[finding];
  params[3] = note != NULL ? note : "";
  return cst_db_exec_command (conn,
    "INSERT INTO authorization_checks (request_id, element_code, finding, note) "
    "VALUES ($1::bigint, $2, $3::authorization_finding, $4) "
    "ON CONFLICT (request_id, element_code) DO UPDATE "
    "SET finding = EXCLUDED.finding, note = EXCLUDED.note",
    4, params, error);
}

/* The items of @checklist recorded missing and, with @unchecked_too, those
 * not checked yet; the array does not own them. */
static GPtrArray *
open_items (GPtrArray *checklist,
            gboolean   unchecked_too)
{
  GPtrArray *found = g_ptr_array_new ();

  for (guint i = 0; i < checklist->len; i++)
    {
      CstAuthorizationItem *item = g_ptr_array_index (checklist, i);
      if (item->finding == CST_AUTHORIZATION_MISSING ||
          (unchecked_too && item->finding == CST_AUTHORIZATION_UNCHECKED))
        g_ptr_array_add (found, item);
    }
  return found;
}

GPtrArray *
cst_authorization_gaps (GPtrArray *checklist)
{
  return open_items (checklist, TRUE);
}

GPtrArray *
cst_authorization_missing (GPtrArray *checklist)
{
  return open_items (checklist, FALSE);
}

static void
set_gaps_error (GError    **error,
                GPtrArray  *gaps)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < gaps->len; i++)
    {
      CstAuthorizationItem *item = g_ptr_array_index (gaps, i);
      g_string_append_printf (names, "%s%s", i > 0 ? "; " : "", item->label);
    }
  g_set_error (error, CST_ERROR, CST_ERROR_INVALID_TRANSITION,
               _("The authorization cannot be verified until every element is checked "
                 "and none is missing: %s"), names->str);
}

CstRequest *
cst_authorization_verify (PGconn      *conn,
                          CstRequest  *request,
                          GError     **error)
{
  if (cst_authorization_is_required (cst_request_get_requester_kind (request)))
    {
      g_autoptr(GPtrArray) checklist = cst_authorization_load (conn, request, error);
      g_autoptr(GPtrArray) gaps = NULL;

      if (checklist == NULL)
        return NULL;
      gaps = cst_authorization_gaps (checklist);
      if (gaps->len > 0)
        {
          set_gaps_error (error, gaps);
          return NULL;
        }
    }
  if (cst_request_get_requester_kind (request) == CST_REQUESTER_PERSONAL_REPRESENTATIVE)
    {
      g_autoptr(GError) local = NULL;
      GDate today;

      cst_input_today (&today);
      if (cst_representative_on_file (conn, request, &today, &local) == 0)
        {
          if (local != NULL)
            g_propagate_error (error, g_steal_pointer (&local));
          else
            g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_TRANSITION,
                                 _("The representative's authority and the document that "
                                   "proves it must be on file first."));
          return NULL;
        }
    }
  return cst_request_repo_move (conn, request, CST_STATUS_AUTHORIZATION_VERIFIED, NULL, error);
}

/* An authorization is valid through its expiration date; the day after, a
 * disclosure under it is not permitted (164.508(b)(2)(i)). */
gboolean
cst_authorization_is_expired (CstRequest  *request,
                              const GDate *on)
{
  g_autoptr(GDate) expires = NULL;

  if (!cst_authorization_is_required (cst_request_get_requester_kind (request)))
    return FALSE;
  g_object_get (request, "authorization-expires", &expires, NULL);
  return expires != NULL && g_date_valid (expires) && g_date_compare (expires, on) < 0;
}

typedef struct
{
  CstRequest              *request;   /* a private copy */
  char                    *code;      /* NULL: only read */
  CstAuthorizationFinding  finding;
} CheckJob;

static void
check_job_free (CheckJob *job)
{
  g_clear_object (&job->request);
  g_free (job->code);
  g_free (job);
}

static gpointer
check_in_worker (PGconn   *conn,
                 gpointer  data,
                 GError  **error)
{
  CheckJob *job = data;

  if (job->code != NULL &&
      !cst_authorization_record (conn, job->request, job->code, job->finding, NULL, error))
    return NULL;
  return cst_authorization_load (conn, job->request, error);
}

/**
 * cst_authorization_check_async:
 * @code: (nullable): the element to record; %NULL only reads
 * @finding: what the clerk found for @code
 *
 * Records @finding for @code (when given) and reads the whole checklist
 * back, on @connection's worker thread: who checked and when are the
 * server's stamps, never the caller's clock.
 */
void
cst_authorization_check_async (CstConnection           *connection,
                               CstRequest              *request,
                               const char              *code,
                               CstAuthorizationFinding  finding,
                               GCancellable            *cancellable,
                               GAsyncReadyCallback      callback,
                               gpointer                 user_data)
{
  CheckJob *job;

  g_return_if_fail (CST_IS_CONNECTION (connection));
  g_return_if_fail (CST_IS_REQUEST (request));

  job = g_new0 (CheckJob, 1);
  job->request = cst_request_copy (request);
  job->code = g_strdup (code);
  job->finding = finding;
  cst_connection_run_async (connection, check_in_worker, job, (GDestroyNotify) check_job_free,
                            (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

/**
 * cst_authorization_check_finish:
 *
 * Returns: (transfer container): the checklist, a GPtrArray of
 *   CstAuthorizationItem, or %NULL with @error set
 */
GPtrArray *
cst_authorization_check_finish (CstConnection  *connection,
                                GAsyncResult   *result,
                                GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}
