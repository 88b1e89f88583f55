/* cst-repeat.c — repeat requests, linked and escalated
 *
 * Repeats are found and linked by the database at insert time (migration
 * 0042), so no client can file one without the escalation; this reads the
 * link, priority and flag back for views and reports.
 */
#define G_LOG_DOMAIN "cst-repeat"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "custodian/cst-db.h"
#include "custodian/cst-error.h"
#include "custodian/cst-repeat.h"

void
cst_repeat_clear (CstRepeat *repeat)
{
  g_clear_pointer (&repeat->repeat_of_reference, g_free);
  repeat->repeat_of = 0;
  repeat->priority = 0;
  repeat->supervisor_flag = FALSE;
}

gboolean
cst_repeat_load (PGconn      *conn,
                 CstRequest  *request,
                 CstRepeat   *repeat,
                 GError     **error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  const char *params[] = { id };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT r.repeat_of, e.reference, r.priority, r.supervisor_flag "
    "FROM roi_requests r LEFT JOIN roi_requests e ON e.id = r.repeat_of "
    "WHERE r.id = $1::bigint", 1, params, error);

  memset (repeat, 0, sizeof *repeat);
  if (res == NULL)
    return FALSE;
  if (PQntuples (res) != 1)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_NOT_FOUND, _("The request no longer exists."));
      return FALSE;
    }
  repeat->repeat_of = cst_db_value (res, 0, 0) != NULL ? cst_db_int64 (res, 0, 0) : 0;
  repeat->repeat_of_reference = g_strdup (cst_db_value (res, 0, 1));
  repeat->priority = (guint) cst_db_int64 (res, 0, 2);
  repeat->supervisor_flag = cst_db_bool (res, 0, 3);
  return TRUE;
}

GArray *
cst_repeat_list_repeats (PGconn      *conn,
                         CstRequest  *request,
                         GError     **error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  const char *params[] = { id };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT id FROM roi_requests WHERE repeat_of = $1::bigint ORDER BY received_date, id",
    1, params, error);
  GArray *ids;

  if (res == NULL)
    return NULL;
  ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (int row = 0; row < PQntuples (res); row++)
    {
      gint64 value = cst_db_int64 (res, row, 0);
      g_array_append_val (ids, value);
    }
  return ids;
}
