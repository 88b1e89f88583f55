/* cst-settings.c — where the database is
 *
 * The order, most specific first: --database on the command line, the
 * "database" key of the app's settings, the standard PG* environment
 * variables, and finally the private embedded server.
 */
#define G_LOG_DOMAIN "cst-settings"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>

#include "custodian/cst-facility.h"
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

/* Whether GIO can reach a session bus, where dconf's writer lives: the
 * address it is given, or the per-user socket it looks for (checked
 * without connecting, which could block). */
static gboolean
session_bus_reachable (void)
{
  const char *runtime_dir = g_getenv ("XDG_RUNTIME_DIR");
  g_autofree char *socket = NULL;

  if (!cst_input_is_blank (g_getenv ("DBUS_SESSION_BUS_ADDRESS")))
    return TRUE;
  if (cst_input_is_blank (runtime_dir))
    return FALSE;
  socket = g_build_filename (runtime_dir, "bus", NULL);
  return g_file_test (socket, G_FILE_TEST_EXISTS);
}

/* Where settings are kept when dconf cannot keep them. */
static GSettingsBackend *
keyfile_backend (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "custodian", NULL);
  g_autofree char *path = g_build_filename (dir, "settings.ini", NULL);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    g_warning ("Settings cannot be saved: the folder %s cannot be created (%s)", dir,
               g_strerror (errno));
  return g_keyfile_settings_backend_new (path, "/org/custodian/Custodian/", "Custodian");
}

/**
 * cst_settings_get_backend:
 *
 * GIO's default store, unless it would lose what is saved: as root in a
 * bare container (no session bus) dconf's writes go nowhere, and with no
 * dconf at all GIO falls back to memory, both silently.  Then the
 * settings go to a key file, $XDG_CONFIG_HOME/custodian/settings.ini.
 * A store chosen on purpose with GSETTINGS_BACKEND (the tests choose
 * memory) is kept.
 *
 * Returns: (transfer none): the backend every settings object of the app uses
 */
GSettingsBackend *
cst_settings_get_backend (void)
{
  static GSettingsBackend *backend;

  if (g_once_init_enter (&backend))
    {
      GSettingsBackend *chosen = g_settings_backend_get_default ();
      const char *type = G_OBJECT_TYPE_NAME (chosen);
      gboolean loses_writes = g_str_equal (type, "GMemorySettingsBackend") ||
                              (g_str_equal (type, "DConfSettingsBackend") && !session_bus_reachable ());

      if (cst_input_is_blank (g_getenv ("GSETTINGS_BACKEND")) && loses_writes)
        {
          g_debug ("%s would not keep the settings; using a key file", type);
          g_object_unref (chosen);
          chosen = keyfile_backend ();
        }
      g_once_init_leave (&backend, chosen);
    }
  return backend;
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
  return g_settings_new_full (schema, cst_settings_get_backend (), NULL);
}

/* The keys an older Custodian kept the facility's details in, before they
 * moved to the database (0056), and the detail each held. */
static const struct { const char *key; CstFacilityDetail detail; } legacy_keys[] = {
  { "facility-name", CST_FACILITY_NAME },
  { "facility-address", CST_FACILITY_ADDRESS },
  { "facility-phone", CST_FACILITY_PHONE },
  { "default-jurisdiction", CST_FACILITY_DEFAULT_STATE },
};

/**
 * cst_settings_dup_legacy_facility:
 *
 * What this user's settings still hold of the facility's details from an
 * older Custodian, for cst_facility_adopt() to copy once into a database
 * whose facility is blank.
 *
 * Returns: (transfer full) (nullable): the details, or NULL when none
 *   are left
 */
CstFacility *
cst_settings_dup_legacy_facility (GSettings *settings)
{
  g_autoptr(CstFacility) facility = cst_facility_new ();

  if (settings == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (legacy_keys); i++)
    {
      g_autofree char *value = g_settings_get_string (settings, legacy_keys[i].key);
      cst_facility_set (facility, legacy_keys[i].detail, g_strstrip (value));
    }
  if (!cst_input_is_jurisdiction (facility->default_state))
    cst_facility_set (facility, CST_FACILITY_DEFAULT_STATE, "NY");
  return cst_facility_is_blank (facility) ? NULL : g_steal_pointer (&facility);
}

/* Once copied (or once the database had its own), the old keys are
 * cleared, so they are never copied again over a later edit. */
void
cst_settings_forget_legacy_facility (GSettings *settings)
{
  for (guint i = 0; settings != NULL && i < G_N_ELEMENTS (legacy_keys); i++)
    g_settings_reset (settings, legacy_keys[i].key);
}
