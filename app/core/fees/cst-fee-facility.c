/* cst-fee-facility.c — a facility's own fee schedule (0091)
 *
 * The engine takes the key in the request it quotes
 * (CstFeeRequest.facility_schedule); these functions read and change the
 * facility's choice.  The server checks the choice names a hospital
 * schedule, and refuses an invoice priced with another facility's.
 */
#define G_LOG_DOMAIN "cst-fee-facility"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "custodian/cst-db.h"
#include "custodian/cst-error.h"
#include "custodian/cst-fee-facility.h"
#include "custodian/cst-fee-facility-choice.h"

/* ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$, by hand: the fee report checks a
 * key for every request it quotes again, too often to compile a regex. */
static gboolean
valid_schedule_key (const char *key)
{
  gsize n = 0;

  if (!g_ascii_isalnum (key[0]))
    return FALSE;
  for (; key[n] != '\0'; n++)
    if (n >= 64 || !(g_ascii_isalnum (key[n]) || key[n] == '.' || key[n] == '_' || key[n] == '-'))
      return FALSE;
  return TRUE;
}

gboolean
cst_fee_request_set_facility_schedule (CstFeeRequest  *request,
                                       const char     *key,
                                       GError        **error)
{
  if (key == NULL || key[0] == '\0')
    {
      request->facility_schedule[0] = '\0';
      return TRUE;
    }
  if (!valid_schedule_key (key))
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("“%s” is not a fee schedule's key."), key);
      return FALSE;
    }
  g_strlcpy (request->facility_schedule, key, sizeof request->facility_schedule);
  return TRUE;
}

/* The one row's fee_schedule_key, or the not-found message; @param
 * (nullable) is $1 of @sql when it has one. */
static gboolean
read_key (PGconn      *conn,
          const char  *sql,
          const char  *param,
          const char  *not_found,
          char       **key,
          GError     **error)
{
  g_autoptr(PGresult) res = cst_db_exec (conn, sql, param != NULL ? 1 : 0, &param, error);

  if (res == NULL)
    return FALSE;
  if (PQntuples (res) != 1)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_NOT_FOUND, not_found);
      return FALSE;
    }
  *key = g_strdup (cst_db_value (res, 0, 0));
  return TRUE;
}

gboolean
cst_fee_facility_get_schedule (PGconn      *conn,
                               const char  *facility_code,
                               char       **key,
                               GError     **error)
{
  g_autofree char *message = g_strdup_printf (_("There is no facility “%s”."), facility_code);

  return read_key (conn, "SELECT fee_schedule_key FROM facilities WHERE code = $1", facility_code,
                   message, key, error);
}

gboolean
cst_fee_facility_set_schedule (PGconn      *conn,
                               const char  *facility_code,
                               const char  *key,
                               GError     **error)
{
  const char *params[] = { facility_code, key != NULL && key[0] != '\0' ? key : NULL };
  g_autoptr(PGresult) res = NULL;
  g_autoptr(GError) local = NULL;

  if (params[1] != NULL && !valid_schedule_key (params[1]))
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT, _("“%s” is not a fee schedule's key."), key);
      return FALSE;
    }
  res = cst_db_exec (conn, "UPDATE facilities SET fee_schedule_key = $2 WHERE code = $1 RETURNING id", 2,
                     params, &local);
  if (res == NULL && g_error_matches (local, CST_ERROR, CST_ERROR_PERMISSION_DENIED))
    {
      /* The server's refusal in the app's words (the Facilities page). */
      g_set_error_literal (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED,
                           _("Only an administrator may choose a facility's fee schedule."));
      return FALSE;
    }
  if (res == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (PQntuples (res) == 0)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_NOT_FOUND, _("There is no facility “%s”."), facility_code);
      return FALSE;
    }
  return TRUE;
}

gboolean
cst_fee_facility_get_schedule_at (const char  *conninfo,
                                  const char  *facility_code,
                                  char       **key,
                                  GError     **error)
{
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, error);

  return conn != NULL && cst_fee_facility_get_schedule (conn, facility_code, key, error);
}

gboolean
cst_fee_facility_set_schedule_at (const char  *conninfo,
                                  const char  *facility_code,
                                  const char  *key,
                                  GError     **error)
{
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, error);

  return conn != NULL && cst_fee_facility_set_schedule (conn, facility_code, key, error);
}

/**
 * cst_fee_facility_schedule_for_quote:
 * @facility_code: (nullable): NULL for the login's own facility (where
 *   its new requests go)
 *
 * The schedule a request that is not stored (custodian-cli fee quote) is
 * quoted with: a facility's this login works for, as a stored request's
 * would be, and never a neighbour's (administrators and auditors work for
 * all).
 */
gboolean
cst_fee_facility_schedule_for_quote (PGconn      *conn,
                                     const char  *facility_code,
                                     char       **key,
                                     GError     **error)
{
  g_autofree char *message = NULL;

  if (facility_code == NULL)
    return read_key (conn, "SELECT fee_schedule_key FROM facilities WHERE id = login_facility_id()", NULL,
                     _("This login's facility was not found."), key, error);
  message = g_strdup_printf (_("“%s” is not a facility this login works for."), facility_code);
  return read_key (conn,
                   "SELECT fee_schedule_key FROM facilities WHERE code = $1"
                   "   AND id = ANY ((SELECT visible_facility_ids())::bigint[])", facility_code,
                   message, key, error);
}

gboolean
cst_fee_facility_schedule_for_quote_at (const char  *conninfo,
                                        const char  *facility_code,
                                        char       **key,
                                        GError     **error)
{
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, error);

  return conn != NULL && cst_fee_facility_schedule_for_quote (conn, facility_code, key, error);
}

gboolean
cst_fee_facility_schedule_for_request (PGconn  *conn,
                                       gint64   request_id,
                                       char   **key,
                                       GError **error)
{
  g_autofree char *id = cst_db_int_param (request_id);

  return read_key (conn,
                   "SELECT f.fee_schedule_key FROM roi_requests r JOIN facilities f ON f.id = r.facility_id "
                   "WHERE r.id = $1::bigint", id,
                   _("The request was not found, or belongs to a facility this login does not work for."),
                   key, error);
}

static gpointer
schedule_for_request_in_worker (PGconn   *conn,
                                gpointer  data,
                                GError  **error)
{
  char *key = NULL;

  if (!cst_fee_facility_schedule_for_request (conn, *(gint64 *) data, &key, error))
    return NULL;
  return key != NULL ? key : g_strdup ("");
}

void
cst_fee_facility_schedule_for_request_async (CstConnection       *connection,
                                             gint64               request_id,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  g_return_if_fail (CST_IS_CONNECTION (connection));
  cst_connection_run_async (connection, schedule_for_request_in_worker,
                            g_memdup2 (&request_id, sizeof request_id), g_free, g_free,
                            cancellable, callback, user_data);
}

char *
cst_fee_facility_schedule_for_request_finish (CstConnection  *connection,
                                              GAsyncResult   *result,
                                              GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}
