/* cst-database-target.c — the database this run of Custodian uses
 *
 * Resolves the connection (see cst-settings.c) and, for the embedded
 * default, creates, starts and migrates the private server.  A shared
 * hospital server is migrated by its administrator with
 * `custodian-cli db migrate`; the app itself connects with the user's own
 * least-privileged login and never changes the schema there.
 */
#define G_LOG_DOMAIN "cst-database-target"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "custodian/cst-database-target.h"

void
cst_database_target_free (CstDatabaseTarget *target)
{
  if (target == NULL)
    return;
  g_free (target->conninfo);
  g_free (target->owner_conninfo);
  g_clear_object (&target->server);
  g_free (target);
}

CstDatabaseTarget *
cst_database_target_open (const char  *command_line,
                          const char  *settings_value,
                          GError     **error)
{
  g_autoptr(CstDatabaseTarget) target = g_new0 (CstDatabaseTarget, 1);

  target->source = cst_settings_resolve_database (command_line, settings_value,
                                                  &target->conninfo);
  if (target->source != CST_DATABASE_EMBEDDED)
    {
      target->owner_conninfo = g_strdup (target->conninfo);
      return g_steal_pointer (&target);
    }

  target->server = cst_embedded_server_new (g_getenv ("CUSTODIAN_EMBEDDED_DIR"));
  if (!cst_embedded_server_start (target->server, error) ||
      !cst_embedded_server_prepare (target->server, error))
    return NULL;
  target->conninfo = cst_embedded_server_get_conninfo (target->server);
  target->owner_conninfo = cst_embedded_server_get_owner_conninfo (target->server);
  return g_steal_pointer (&target);
}

const char *
cst_database_target_describe (CstDatabaseTarget *target)
{
  switch (target->source)
    {
    case CST_DATABASE_FROM_COMMAND_LINE: return _("the server given with --database");
    case CST_DATABASE_FROM_SETTINGS: return _("the server set in Preferences");
    case CST_DATABASE_FROM_ENVIRONMENT: return _("the server named by the PG* environment variables");
    case CST_DATABASE_EMBEDDED: return _("the private database on this computer");
    default: g_return_val_if_reached (NULL);
    }
}
