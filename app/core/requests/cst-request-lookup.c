/* cst-request-lookup.c — a request found by its reference on a new
 * connection (the *_at functions of packet/ and payments/ each had a copy) */
#define G_LOG_DOMAIN "custodian-requests"

#include "config.h"

#include "custodian/cst-db.h"
#include "custodian/cst-request-lookup.h"
#include "custodian/cst-request-repo.h"

/**
 * cst_request_connect:
 * @request_id: (out): the request's id
 *
 * Connects to @conninfo and finds the request whose reference is
 * @reference, under the login's own rights.
 *
 * Returns: (transfer full): the connection, or NULL with @error set (no
 *   connection, or no such request)
 */
PGconn *
cst_request_connect (const char  *conninfo,
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
