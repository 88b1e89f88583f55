/* cst-facility-admin.c — managing facilities off the main loop
 *
 * Each call runs the blocking function of cst-facilities.c on the
 * connection's worker thread, behind any earlier call on it.
 */
#define G_LOG_DOMAIN "cst-facility"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "custodian/cst-db.h"
#include "custodian/cst-error.h"
#include "custodian/cst-facilities.h"
#include "custodian/cst-facility-admin.h"

/**
 * cst_facility_save_bates_prefix:
 *
 * Stores @facility's Bates prefix in its Bates counter, the one its
 * packets are numbered from (0083); an administrator's login only.  A
 * NULL prefix leaves the counter as it is.
 */
gboolean
cst_facility_save_bates_prefix (PGconn             *conn,
                                const CstFacility  *facility,
                                GError            **error)
{
  g_autoptr(GRegex) valid = g_regex_new ("^[A-Za-z0-9_-]{0,20}$", 0, 0, NULL);
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, facility->id);
  g_autoptr(PGresult) res = NULL;

  if (facility->bates_prefix == NULL)
    return TRUE;
  if (!g_regex_match (valid, facility->bates_prefix, 0, NULL))
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("A Bates prefix is up to 20 letters, digits, dashes or underscores, "
                     "such as “NORTH-”; “%s” is not."), facility->bates_prefix);
      return FALSE;
    }
  res = cst_db_exec (conn, "UPDATE bates_counters SET prefix = $1 WHERE facility_id = $2::bigint"
                           " RETURNING facility_id",
                     2, (const char *[]) { facility->bates_prefix, id }, error);
  if (res == NULL)
    return FALSE;
  if (PQntuples (res) == 0)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED,
                           _("Only an administrator may add or change facilities and their members."));
      return FALSE;
    }
  return TRUE;
}

/* Adds @facility and sets its Bates prefix, in one transaction.
 * Returns: (transfer full): the facility as stored */
static CstFacility *
add_with_prefix (PGconn             *conn,
                 const CstFacility  *facility,
                 GError            **error)
{
  g_autoptr(CstFacility) added = NULL;
  gboolean own = FALSE;
  gboolean ok;

  if (!cst_db_join (conn, CST_DB_READ_WRITE, &own, error))
    return NULL;
  ok = (added = cst_facility_add (conn, facility, error)) != NULL;
  if (ok)
    {
      g_free (added->bates_prefix);
      added->bates_prefix = g_strdup (facility->bates_prefix);
      ok = cst_facility_save_bates_prefix (conn, added, error);
    }
  if (!cst_db_leave (conn, own, ok, error))
    return NULL;
  return cst_facility_load_code (conn, facility->code, error);
}

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
       cst_facility_save_defaults (conn, facility, error) &&
       cst_facility_save_bates_prefix (conn, facility, error);
  if (!cst_db_leave (conn, own, ok, error))
    return NULL;
  return cst_facility_load_code (conn, facility->code, error);
}

static gpointer
add_in_worker (PGconn   *conn,
               gpointer  data,
               GError  **error)
{
  return add_with_prefix (conn, data, error);
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
