/* cst-statement-letterhead.c — which facilities a statement may be made for
 *
 * The rows are read with the login's own rights: the functions of 0080
 * decide which facilities it works for, as they do for every other row.
 */
#define G_LOG_DOMAIN "cst-statement"

#include "config.h"

#include "custodian/cst-db.h"
#include "custodian/cst-statement-letterhead.h"
#include "cst-facility-private.h"

GPtrArray *
cst_statement_letterheads (PGconn  *conn,
                           GError **error)
{
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT " CST_FACILITY_COLUMNS " FROM facilities "
    "WHERE id = ANY (visible_facility_ids()) "
    "ORDER BY id = login_facility_id() DESC, is_default DESC, code",
    0, NULL, error);
  GPtrArray *list;

  if (res == NULL)
    return NULL;
  list = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_facility_free);
  for (int row = 0; row < PQntuples (res); row++)
    g_ptr_array_add (list, _cst_facility_from_row (res, row));
  return list;
}

static gpointer
letterheads_in_worker (PGconn   *conn,
                       gpointer  data,
                       GError  **error)
{
  return cst_statement_letterheads (conn, error);
}

void
cst_statement_letterheads_async (CstConnection       *connection,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (CST_IS_CONNECTION (connection));
  cst_connection_run_async (connection, letterheads_in_worker, NULL, NULL,
                            (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

GPtrArray *
cst_statement_letterheads_finish (CstConnection  *connection,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}
