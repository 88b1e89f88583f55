/* cst-settings.c — where the database is
 *
 * The order, most specific first: --database on the command line, the
 * "database" key of the app's settings, the standard PG* environment
 * variables, and finally the private embedded server.
 */
#define G_LOG_DOMAIN "cst-settings"

#include "config.h"

#include "custodian/cst-input.h"
#include "custodian/cst-settings.h"

static gboolean
environment_names_server (void)
{
  static const char *const variables[] = {
    "PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGSERVICE", "PGUSER", NULL
  };

  for (guint i = 0; variables[i]; i++)
    if (!cst_input_is_blank (g_getenv (variables[i])))
      return TRUE;
  return FALSE;
}

/**
 * cst_settings_resolve_database:
 * @conninfo: (out): the libpq connection string to use; NULL for the
 *   embedded server, whose address is only known once it runs
 */
CstDatabaseSource
cst_settings_resolve_database (const char  *command_line,
                               const char  *settings_value,
                               char       **conninfo)
{
  if (!cst_input_is_blank (command_line))
    {
      *conninfo = g_strdup (command_line);
      return CST_DATABASE_FROM_COMMAND_LINE;
    }
  if (!cst_input_is_blank (settings_value))
    {
      *conninfo = g_strdup (settings_value);
      return CST_DATABASE_FROM_SETTINGS;
    }
  if (environment_names_server ())
    {
      /* An empty connection string lets libpq read the PG* variables. */
      *conninfo = g_strdup ("");
      return CST_DATABASE_FROM_ENVIRONMENT;
    }
  *conninfo = NULL;
  return CST_DATABASE_EMBEDDED;
}

/**
 * cst_settings_needs_first_run:
 * @settings: (nullable): the app's settings
 * @command_line: --database, if given
 *
 * Whether to ask the set-up questions: not once answered, not when the
 * command line, the "database" setting or the PG* variables already name
 * a server (someone set this computer up), and not when
 * CUSTODIAN_NO_FIRST_RUN is set (demos and scripts).
 */
gboolean
cst_settings_needs_first_run (GSettings  *settings,
                              const char *command_line)
{
  g_autofree char *configured = NULL;

  if (settings == NULL || g_settings_get_boolean (settings, "first-run-done"))
    return FALSE;
  if (!cst_input_is_blank (g_getenv ("CUSTODIAN_NO_FIRST_RUN")))
    return FALSE;
  configured = g_settings_get_string (settings, "database");
  return cst_input_is_blank (command_line) && cst_input_is_blank (configured) &&
         !environment_names_server ();
}

/* The command line works before (or without) the schema being installed. */
GSettings *
cst_settings_new_if_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    return NULL;
  return g_settings_new (APP_ID);
}
