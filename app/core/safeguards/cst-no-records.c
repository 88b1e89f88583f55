/* cst-no-records.c — answering "no records found"
 *
 * A record declared "not found" by one person and found later is one of
 * OCR's Right of Access findings; so the scope of the search (systems,
 * date range, locations) is recorded and a second person signs it off
 * before the answer goes out (migration 0043 enforces both).
 */
#define G_LOG_DOMAIN "cst-no-records"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "custodian/cst-db.h"
#include "custodian/cst-error.h"
#include "custodian/cst-input.h"
#include "custodian/cst-no-records.h"
#include "custodian/cst-request-repo.h"

/* One text parameter for a text[]: unit-separator joined, as the request
 * repository passes record types. */
static char *
join_list (const char *const *items)
{
  return g_strjoinv ("\x1f", (char **) items);
}

static gboolean
list_is_filled (const char *const *items)
{
  if (items == NULL || items[0] == NULL)
    return FALSE;
  for (guint i = 0; items[i] != NULL; i++)
    if (cst_input_is_blank (items[i]))
      return FALSE;
  return TRUE;
}

gboolean
cst_no_records_record_search (PGconn             *conn,
                              CstRequest         *request,
                              const char *const  *systems,
                              const GDate        *from,
                              const GDate        *to,
                              const char *const  *locations,
                              GError            **error)
{
  g_autofree char *id = NULL;
  g_autofree char *system_list = NULL;
  g_autofree char *location_list = NULL;
  g_autofree char *from_text = NULL;
  g_autofree char *to_text = NULL;
  const char *params[5];

  if (!list_is_filled (systems) || !list_is_filled (locations) || from == NULL || to == NULL ||
      g_date_compare (from, to) > 0)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                           _("A “no records” search names the systems searched, the locations "
                             "and a date range."));
      return FALSE;
    }
  id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  system_list = join_list (systems);
  location_list = join_list (locations);
  from_text = cst_input_format_date (from);
  to_text = cst_input_format_date (to);
  params[0] = id;
  params[1] = system_list;
  params[2] = from_text;
  params[3] = to_text;
  params[4] = location_list;
  return cst_db_exec_command (conn,
    "INSERT INTO no_records_searches (request_id, systems_searched, searched_from, searched_to, "
    "locations) VALUES ($1::bigint, string_to_array($2, E'\\x1f'), $3::date, $4::date, "
    "string_to_array($5, E'\\x1f'))", 5, params, error);
}

gboolean
cst_no_records_sign_off (PGconn      *conn,
                         CstRequest  *request,
                         GError     **error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  const char *params[] = { id };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "UPDATE no_records_searches SET signed_off_by = session_user, signed_off_at = now() "
    "WHERE request_id = $1::bigint RETURNING id", 1, params, error);

  if (res == NULL)
    return FALSE;
  if (PQntuples (res) == 0)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_NOT_FOUND,
                           _("No search is recorded for this request yet."));
      return FALSE;
    }
  return TRUE;
}

gboolean
cst_no_records_is_signed_off (PGconn      *conn,
                              CstRequest  *request,
                              GError     **error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  const char *params[] = { id };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT EXISTS (SELECT 1 FROM no_records_searches "
    "WHERE request_id = $1::bigint AND signed_off_by IS NOT NULL)", 1, params, error);

  return res != NULL && cst_db_bool (res, 0, 0);
}

CstNoRecordsSearch *
cst_no_records_get (PGconn  *conn,
                    gint64   request_id,
                    GError **error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, request_id);
  const char *params[] = { id };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT array_to_string(systems_searched, E'\\x1f'), searched_from, searched_to, "
    "array_to_string(locations, E'\\x1f'), searched_by, searched_at, signed_off_by, signed_off_at "
    "FROM no_records_searches WHERE request_id = $1::bigint", 1, params, error);
  CstNoRecordsSearch *search;

  if (res == NULL || PQntuples (res) == 0)
    return NULL;
  search = g_new0 (CstNoRecordsSearch, 1);
  search->systems = g_strsplit (cst_db_value (res, 0, 0), "\x1f", -1);
  search->from = cst_db_date (res, 0, 1);
  search->to = cst_db_date (res, 0, 2);
  search->locations = g_strsplit (cst_db_value (res, 0, 3), "\x1f", -1);
  search->searched_by = g_strdup (cst_db_value (res, 0, 4));
  search->searched_at = cst_db_timestamp (res, 0, 5);
  search->signed_off_by = g_strdup (cst_db_value (res, 0, 6));
  search->signed_off_at = cst_db_value (res, 0, 7) != NULL ? cst_db_timestamp (res, 0, 7) : NULL;
  return search;
}

void
cst_no_records_search_free (CstNoRecordsSearch *search)
{
  if (search == NULL)
    return;
  g_strfreev (search->systems);
  g_clear_pointer (&search->from, g_date_free);
  g_clear_pointer (&search->to, g_date_free);
  g_strfreev (search->locations);
  g_free (search->searched_by);
  g_clear_pointer (&search->searched_at, g_date_time_unref);
  g_free (search->signed_off_by);
  g_clear_pointer (&search->signed_off_at, g_date_time_unref);
  g_free (search);
}

static CstRequest *
answer_in_transaction (PGconn      *conn,
                       CstRequest  *request,
                       const char  *reason,
                       GError     **error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  g_autofree char *version = g_strdup_printf ("%d", cst_request_get_version (request));
  const char *params[] = { id, version };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "UPDATE roi_requests SET no_records = true WHERE id = $1::bigint AND version = $2::int "
    "RETURNING id", 2, params, error);
  g_autoptr(CstRequest) fresh = NULL;

  if (res == NULL)
    return NULL;
  if (PQntuples (res) == 0)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_CONFLICT,
                           _("Someone else changed this request; reload it and try again."));
      return NULL;
    }
  fresh = cst_request_repo_get (conn, cst_request_get_id (request), error);
  if (fresh == NULL)
    return NULL;
  return cst_request_repo_move (conn, fresh, CST_STATUS_DENIED, reason, error);
}

CstRequest *
cst_no_records_answer (PGconn      *conn,
                       CstRequest  *request,
                       const char  *reason,
                       GError     **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(CstRequest) answered = NULL;
  gboolean own;

  if (!cst_no_records_is_signed_off (conn, request, &local))
    {
      if (local != NULL)
        g_propagate_error (error, g_steal_pointer (&local));
      else
        g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_TRANSITION,
                             _("“No records found” needs the recorded search signed off by a "
                               "second person."));
      return NULL;
    }
  if (!cst_db_join (conn, CST_DB_READ_WRITE, &own, error))
    return NULL;
  answered = answer_in_transaction (conn, request, reason, error);
  return cst_db_leave (conn, own, answered != NULL, error) ? g_steal_pointer (&answered) : NULL;
}
