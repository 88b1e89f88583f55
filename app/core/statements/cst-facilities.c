/* cst-facilities.c — a health system's facilities and who works for them
 *
 * The rows of 0080: every query names the facility it means (by id or
 * code), and row-level security decides whose requests a login sees; the
 * list of facilities itself is readable by every role (their names are on
 * every letter).
 */
#define G_LOG_DOMAIN "cst-facility"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "custodian/cst-db.h"
#include "custodian/cst-error.h"
#include "custodian/cst-facilities.h"
#include "custodian/cst-facility-admin.h"
#include "custodian/cst-input.h"
#include "cst-facility-private.h"

/**
 * cst_facility_list:
 *
 * Returns: (transfer full) (element-type CstFacility): every facility,
 *   the default first, then by code
 */
GPtrArray *
cst_facility_list (PGconn  *conn,
                   GError **error)
{
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT " CST_FACILITY_COLUMNS " FROM facilities ORDER BY is_default DESC, code",
    0, NULL, error);
  GPtrArray *list;

  if (res == NULL)
    return NULL;
  list = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_facility_free);
  for (int row = 0; row < PQntuples (res); row++)
    g_ptr_array_add (list, _cst_facility_from_row (res, row));
  return list;
}

/**
 * cst_facility_list_visible:
 *
 * The facilities whose requests the login sees: a clerk's own (the
 * default one when named nowhere), every one for an administrator or
 * auditor.  Row-level security decides the rows; this only names them,
 * for the window's facility filter and the statement workbench's
 * letterhead (a clerk of one hospital of a health system never starts on
 * another's).
 *
 * Returns: (transfer full) (element-type CstFacility): the login's own
 *   facility first, then the default, then by code
 */
GPtrArray *
cst_facility_list_visible (PGconn  *conn,
                           GError **error)
{
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT " CST_FACILITY_COLUMNS " FROM facilities"
    " WHERE id = ANY ((SELECT visible_facility_ids())::bigint[])"
    " ORDER BY id = login_facility_id() DESC, is_default DESC, code",
    0, NULL, error);
  GPtrArray *list;

  if (res == NULL)
    return NULL;
  list = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_facility_free);
  for (int row = 0; row < PQntuples (res); row++)
    g_ptr_array_add (list, _cst_facility_from_row (res, row));
  return list;
}

static void
set_no_code_error (GError    **error,
                   const char *code)
{
  g_set_error (error, CST_ERROR, CST_ERROR_NOT_FOUND, _("No facility has the code “%s”."), code);
}

/* @code: (nullable): NULL for the default facility */
CstFacility *
cst_facility_load_code (PGconn      *conn,
                        const char  *code,
                        GError     **error)
{
  g_autoptr(GError) local = NULL;
  CstFacility *facility;

  if (code == NULL)
    return cst_facility_load (conn, error);
  facility = _cst_facility_load_where (conn, "code = $1", code, "", &local);
  if (facility == NULL && g_error_matches (local, CST_ERROR, CST_ERROR_NOT_FOUND))
    set_no_code_error (error, code);
  else if (facility == NULL)
    g_propagate_error (error, g_steal_pointer (&local));
  return facility;
}

/* The letterhead a request's documents carry: its facility's. */
CstFacility *
cst_facility_load_for_request (PGconn  *conn,
                               gint64   request_id,
                               GError **error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, request_id);

  return _cst_facility_load_where (conn,
                                   "id = (SELECT facility_id FROM roi_requests WHERE id = $1)", id,
                                   _("The request was not found, or belongs to a facility this "
                                     "login does not work for."),
                                   error);
}

/* What the table would refuse of the facility's own settings. */
gboolean
cst_facility_validate_defaults (const CstFacility  *facility,
                                GError            **error)
{
  g_autoptr(GRegex) code = g_regex_new ("^[A-Z0-9][A-Z0-9-]{0,15}$", 0, 0, NULL);
  g_autoptr(GRegex) prefix = g_regex_new ("^[A-Z0-9]{1,8}$", 0, 0, NULL);

  if (!g_regex_match (code, facility->code ? facility->code : "", 0, NULL))
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("A facility's code is 1 to 16 capital letters, digits or dashes, "
                     "such as “NORTH”; “%s” is not."), facility->code ? facility->code : "");
      return FALSE;
    }
  if (!g_regex_match (prefix, facility->request_prefix ? facility->request_prefix : "", 0, NULL))
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("A request prefix is 1 to 8 capital letters or digits, such as “ROI”; "
                     "“%s” is not."), facility->request_prefix ? facility->request_prefix : "");
      return FALSE;
    }
  if (facility->service_target_days < 0 || facility->service_target_days > 30)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                           _("A service target is from 1 to 30 days (0: the department's)."));
      return FALSE;
    }
  if (facility->cost_labor_minutes < 0 || facility->cost_labor_minutes > 100000 ||
      facility->cost_hourly_rate_cents < 0 || facility->cost_hourly_rate_cents > 10000000 ||
      facility->cost_supplies_cents < 0 || facility->cost_supplies_cents > 10000000)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                           _("The actual-cost defaults are at most 100,000 minutes and "
                             "$100,000.00, and never negative."));
      return FALSE;
    }
  return cst_facility_validate (facility, error);
}

static void
defaults_params (const CstFacility *facility,
                 char              *texts[6],
                 const char        *params[6])
{
  texts[0] = g_strdup (facility->code);
  texts[1] = g_strdup (facility->request_prefix);
  texts[2] = facility->service_target_days > 0 ? g_strdup_printf ("%d", facility->service_target_days)
                                               : NULL;
  texts[3] = g_strdup_printf ("%d", facility->cost_labor_minutes);
  texts[4] = g_strdup_printf ("%" G_GINT64_FORMAT, facility->cost_hourly_rate_cents);
  texts[5] = g_strdup_printf ("%" G_GINT64_FORMAT, facility->cost_supplies_cents);
  for (guint i = 0; i < 6; i++)
    params[i] = texts[i];
}

/* Takes @local: the server's refusal said in the app's words. */
static gboolean
refused_unless_admin (GError **error,
                      GError  *local)
{
  if (g_error_matches (local, CST_ERROR, CST_ERROR_PERMISSION_DENIED))
    {
      g_error_free (local);
      g_set_error_literal (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED,
                           _("Only an administrator may add or change facilities and their members."));
      return FALSE;
    }
  g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}

/* Adds @facility (its details and its own settings) as a new facility;
 * an administrator's login only.  Returns: (transfer full): as stored */
CstFacility *
cst_facility_add (PGconn             *conn,
                  const CstFacility  *facility,
                  GError            **error)
{
  char *texts[6];
  const char *params[6 + CST_FACILITY_N_DETAILS];
  g_autoptr(PGresult) res = NULL;
  g_autoptr(GError) local = NULL;

  g_autoptr(CstFacility) existing = NULL;

  if (!cst_facility_validate_defaults (facility, error))
    return NULL;
  if ((existing = cst_facility_load_code (conn, facility->code, NULL)) != NULL)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("A facility with the code “%s” exists already."), facility->code);
      return NULL;
    }
  defaults_params (facility, texts, params);
  for (guint i = 0; i < CST_FACILITY_N_DETAILS; i++)
    params[6 + i] = cst_facility_get (facility, i);
  res = cst_db_exec (conn,
    "INSERT INTO facilities (code, request_prefix, service_target_days, cost_labor_minutes,"
    " cost_hourly_rate_cents, cost_supplies_cents, name, address, phone, pay_text, pay_link,"
    " default_state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    " RETURNING " CST_FACILITY_COLUMNS, G_N_ELEMENTS (params), params, &local);
  for (guint i = 0; i < 6; i++)
    g_free (texts[i]);
  if (res == NULL)
    {
      refused_unless_admin (error, g_steal_pointer (&local));
      return NULL;
    }
  return _cst_facility_from_row (res, 0);
}

/* Stores @facility's own settings (code, request prefix, service target,
 * actual-cost defaults) in its row; an administrator's login only. */
gboolean
cst_facility_save_defaults (PGconn             *conn,
                            const CstFacility  *facility,
                            GError            **error)
{
  char *texts[6];
  const char *params[7];
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, facility->id);
  g_autoptr(PGresult) res = NULL;
  g_autoptr(GError) local = NULL;

  if (!cst_facility_validate_defaults (facility, error))
    return FALSE;
  defaults_params (facility, texts, params);
  params[6] = id;
  res = cst_db_exec (conn,
    "UPDATE facilities SET code = $1, request_prefix = $2, service_target_days = $3,"
    " cost_labor_minutes = $4, cost_hourly_rate_cents = $5, cost_supplies_cents = $6"
    " WHERE id = $7 RETURNING id", 7, params, &local);
  for (guint i = 0; i < 6; i++)
    g_free (texts[i]);
  if (res == NULL)
    return refused_unless_admin (error, g_steal_pointer (&local));
  if (PQntuples (res) == 0)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED,
                           _("Only an administrator may add or change facilities and their members."));
      return FALSE;
    }
  return TRUE;
}

/* Makes @login a member of the facility @code (@member TRUE) or no longer
 * one.  A login that is a member of none works for the default facility. */
gboolean
cst_facility_set_member (PGconn      *conn,
                         const char  *login,
                         const char  *code,
                         gboolean     member,
                         GError     **error)
{
  g_autoptr(CstFacility) facility = cst_facility_load_code (conn, code, error);
  g_autofree char *id = NULL;
  g_autoptr(PGresult) res = NULL;
  g_autoptr(GError) local = NULL;
  const char *params[2] = { login, NULL };

  if (facility == NULL)
    return FALSE;
  if (cst_input_is_blank (login))
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT, _("Name the login."));
      return FALSE;
    }
  {
    g_autoptr(PGresult) found = cst_db_exec (conn,
      "SELECT 1 FROM pg_roles WHERE rolname = $1 AND rolcanlogin", 1, params, error);

    if (found == NULL)
      return FALSE;
    if (PQntuples (found) == 0)
      {
        g_set_error (error, CST_ERROR, CST_ERROR_NOT_FOUND, _("No login is named “%s”."), login);
        return FALSE;
      }
  }
  id = g_strdup_printf ("%" G_GINT64_FORMAT, facility->id);
  params[1] = id;
  res = cst_db_exec (conn,
                     member ? "INSERT INTO facility_members (login, facility_id) VALUES ($1, $2)"
                              " ON CONFLICT DO NOTHING"
                            : "DELETE FROM facility_members WHERE login = $1 AND facility_id = $2",
                     2, params, &local);
  if (res == NULL)
    return refused_unless_admin (error, g_steal_pointer (&local));
  return TRUE;
}

/* Returns: (transfer full): the logins named members of @code */
char **
cst_facility_members (PGconn      *conn,
                      const char  *code,
                      GError     **error)
{
  const char *params[] = { code };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT m.login FROM facility_members m JOIN facilities f ON f.id = m.facility_id"
    " WHERE f.code = $1 ORDER BY m.login", 1, params, error);
  g_autoptr(GStrvBuilder) builder = NULL;

  if (res == NULL)
    return NULL;
  builder = g_strv_builder_new ();
  for (int row = 0; row < PQntuples (res); row++)
    g_strv_builder_add (builder, cst_db_value (res, row, 0));
  return g_strv_builder_end (builder);
}

/* --- on the connection's worker thread --- */

static gpointer
list_in_worker (PGconn   *conn,
                gpointer  data,
                GError  **error)
{
  return cst_facility_list (conn, error);
}

void
cst_facility_list_async (CstConnection       *connection,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_return_if_fail (CST_IS_CONNECTION (connection));
  cst_connection_run_async (connection, list_in_worker, NULL, NULL,
                            (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

/* Returns: (transfer full) (element-type CstFacility): the facilities */
GPtrArray *
cst_facility_list_finish (CstConnection  *connection,
                          GAsyncResult   *result,
                          GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}

static gpointer
list_visible_in_worker (PGconn   *conn,
                        gpointer  data,
                        GError  **error)
{
  return cst_facility_list_visible (conn, error);
}

void
cst_facility_list_visible_async (CstConnection       *connection,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (CST_IS_CONNECTION (connection));
  cst_connection_run_async (connection, list_visible_in_worker, NULL, NULL,
                            (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

/* Returns: (transfer full) (element-type CstFacility): the facilities */
GPtrArray *
cst_facility_list_visible_finish (CstConnection  *connection,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}

/* --- on a connection of their own (custodian-cli) --- */

GPtrArray *
cst_facility_list_at (const char  *conninfo,
                      GError     **error)
{
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, error);

  return conn ? cst_facility_list (conn, error) : NULL;
}

CstFacility *
cst_facility_load_code_at (const char  *conninfo,
                           const char  *code,
                           GError     **error)
{
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, error);

  return conn ? cst_facility_load_code (conn, code, error) : NULL;
}

CstFacility *
cst_facility_add_at (const char         *conninfo,
                     const CstFacility  *facility,
                     GError            **error)
{
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, error);

  return conn ? cst_facility_add (conn, facility, error) : NULL;
}

/* Saves @facility's details and its own settings in one transaction;
 * returns them as stored. */
CstFacility *
cst_facility_save_all_at (const char         *conninfo,
                          const CstFacility  *facility,
                          GError            **error)
{
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, error);

  return conn ? cst_facility_save_all (conn, facility, error) : NULL;
}

gboolean
cst_facility_set_member_at (const char  *conninfo,
                            const char  *login,
                            const char  *code,
                            gboolean     member,
                            GError     **error)
{
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, error);

  return conn && cst_facility_set_member (conn, login, code, member, error);
}

static gpointer
load_for_request_in_worker (PGconn   *conn,
                            gpointer  data,
                            GError  **error)
{
  return cst_facility_load_for_request (conn, *(gint64 *) data, error);
}

/* A request's facility on @connection's worker thread: the quote panel's
 * actual-cost defaults, the documents' letterhead. */
void
cst_facility_load_for_request_async (CstConnection       *connection,
                                     gint64               request_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (CST_IS_CONNECTION (connection));
  cst_connection_run_async (connection, load_for_request_in_worker,
                            g_memdup2 (&request_id, sizeof request_id), g_free,
                            (GDestroyNotify) cst_facility_free, cancellable, callback, user_data);
}

CstFacility *
cst_facility_load_for_request_finish (CstConnection  *connection,
                                      GAsyncResult   *result,
                                      GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}
