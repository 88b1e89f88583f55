/* cst-facility-admin.c — managing facilities off the main loop
 *
 * Each call runs the blocking function of cst-facilities.c on the
 * connection's worker thread, behind any earlier call on it.
 */
#define G_LOG_DOMAIN "cst-facility"

#include "config.h"

#include "custodian/cst-db.h"
#include "custodian/cst-facilities.h"
#include "custodian/cst-facility-admin.h"

/**
 * cst_facility_save_all:
 *
 * Saves @facility's details (its letterhead and state) and its own
 * settings (code, prefix, service target, actual-cost defaults) in one
 * transaction, so a refusal of either leaves both as they were.
 *
 * Returns: (transfer full): the facility as stored, or NULL with @error set
 */
CstFacility *
cst_facility_save_all (PGconn             *conn,
                       const CstFacility  *facility,
                       GError            **error)
{
  gboolean own = FALSE;
  gboolean ok;

  if (!cst_db_join (conn, CST_DB_READ_WRITE, &own, error))
    return NULL;
  ok = cst_facility_save (conn, facility, error) &&
       cst_facility_save_defaults (conn, facility, error);
  if (!cst_db_leave (conn, own, ok, error))
    return NULL;
  return cst_facility_load_code (conn, facility->code, error);
}

static gpointer
add_in_worker (PGconn   *conn,
               gpointer  data,
               GError  **error)
{
  return cst_facility_add (conn, data, error);
}

void
cst_facility_add_async (CstConnection       *connection,
                        const CstFacility   *facility,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_return_if_fail (CST_IS_CONNECTION (connection));
  cst_connection_run_async (connection, add_in_worker, cst_facility_copy (facility),
                            (GDestroyNotify) cst_facility_free, (GDestroyNotify) cst_facility_free,
                            cancellable, callback, user_data);
}

/* Returns: (transfer full): the facility as stored */
CstFacility *
cst_facility_add_finish (CstConnection  *connection,
                         GAsyncResult   *result,
                         GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}

static gpointer
save_all_in_worker (PGconn   *conn,
                    gpointer  data,
                    GError  **error)
{
  return cst_facility_save_all (conn, data, error);
}

void
cst_facility_save_all_async (CstConnection       *connection,
                             const CstFacility   *facility,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (CST_IS_CONNECTION (connection));
  cst_connection_run_async (connection, save_all_in_worker, cst_facility_copy (facility),
                            (GDestroyNotify) cst_facility_free, (GDestroyNotify) cst_facility_free,
                            cancellable, callback, user_data);
}

/* Returns: (transfer full): the facility as stored */
CstFacility *
cst_facility_save_all_finish (CstConnection  *connection,
                              GAsyncResult   *result,
                              GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}

static gpointer
members_in_worker (PGconn   *conn,
                   gpointer  data,
                   GError  **error)
{
  return cst_facility_members (conn, data, error);
}

void
cst_facility_members_async (CstConnection       *connection,
                            const char          *code,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (CST_IS_CONNECTION (connection));
  cst_connection_run_async (connection, members_in_worker, g_strdup (code), g_free,
                            (GDestroyNotify) g_strfreev, cancellable, callback, user_data);
}

/* Returns: (transfer full): the member logins, by name */
char **
cst_facility_members_finish (CstConnection  *connection,
                             GAsyncResult   *result,
                             GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}

typedef struct
{
  char     *login;
  char     *code;
  gboolean  member;
} Membership;

static void
membership_free (Membership *membership)
{
  g_free (membership->login);
  g_free (membership->code);
  g_free (membership);
}

static gpointer
set_member_in_worker (PGconn   *conn,
                      gpointer  data,
                      GError  **error)
{
  Membership *m = data;

  /* A non-NULL result says it worked; it points at nothing. */
  return cst_facility_set_member (conn, m->login, m->code, m->member, error)
         ? GINT_TO_POINTER (TRUE) : NULL;
}

void
cst_facility_set_member_async (CstConnection       *connection,
                               const char          *login,
                               const char          *code,
                               gboolean             member,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  Membership *m = g_new0 (Membership, 1);

  g_return_if_fail (CST_IS_CONNECTION (connection));
  m->login = g_strdup (login);
  m->code = g_strdup (code);
  m->member = member;
  cst_connection_run_async (connection, set_member_in_worker, m, (GDestroyNotify) membership_free,
                            NULL, cancellable, callback, user_data);
}

gboolean
cst_facility_set_member_finish (CstConnection  *connection,
                                GAsyncResult   *result,
                                GError        **error)
{
  return cst_connection_run_finish (connection, result, error) != NULL;
}
