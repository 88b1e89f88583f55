/* cst-keyring.c — the password of a server login, kept out of the settings
 *
 * A password the user asks Custodian to remember goes to the desktop
 * keyring (the Secret Service, through libsecret).  A computer without one
 * running (a bare session, a terminal over SSH) gets libpq's own password
 * file instead: ~/.pgpass or $PGPASSFILE, mode 0600, which libpq reads by
 * itself on every connection.  Never the app's settings, which are plain
 * text readable by anything running as the user.
 *
 * Both are keyed the way libpq keys its password file: host, port,
 * database and user after libpq's defaults, so an entry written here is
 * the one libpq would find.
 */
#define G_LOG_DOMAIN "cst-keyring"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libpq-fe.h>
#include <libsecret/secret.h>
#include <string.h>

#include "custodian/cst-error.h"
#include "custodian/cst-keyring.h"

#include "cst-keyring-private.h"

static const SecretSchema *
login_schema (void)
{
  static const SecretSchema schema = {
    APP_ID ".Login", SECRET_SCHEMA_NONE,
    {
      { "host", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "port", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "database", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "user", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  };
  return &schema;
}

/* ---- which login ------------------------------------------------------- */

void
cst_login_key_free (CstLoginKey *key)
{
  if (key == NULL)
    return;
  g_free (key->host);
  g_free (key->port);
  g_free (key->dbname);
  g_free (key->user);
  g_free (key);
}

static const char *
option_value (PQconninfoOption *options,
              const char       *keyword)
{
  for (PQconninfoOption *o = options; o && o->keyword; o++)
    if (g_str_equal (o->keyword, keyword))
      return (o->val && *o->val) ? o->val : NULL;
  return NULL;
}

/* The connection string's value, else libpq's default (the PG* variables,
 * then the compiled-in one). */
static char *
resolved_value (PQconninfoOption *given,
                PQconninfoOption *defaults,
                const char       *keyword)
{
  const char *value = option_value (given, keyword);

  return g_strdup (value ? value : option_value (defaults, keyword));
}

/* libpq matches the default socket directory, like no host, as "localhost". */
static gboolean
is_default_host (const char *host)
{
  return host == NULL || *host == '\0' || g_str_equal (host, "/var/run/postgresql") ||
         g_str_equal (host, "/run/postgresql");
}

/**
 * cst_login_key_new_for_conninfo:
 * @conninfo: a libpq connection string or URI; empty for the PG* variables
 *
 * Returns: (transfer full): the host, port, database and user libpq will
 *   use, or NULL with @error set when @conninfo does not parse
 */
CstLoginKey *
cst_login_key_new_for_conninfo (const char  *conninfo,
                                GError     **error)
{
  char *message = NULL;
  PQconninfoOption *given = PQconninfoParse (conninfo ? conninfo : "", &message);
  PQconninfoOption *defaults = NULL;
  CstLoginKey *key;

  if (given == NULL)
    {
      g_autofree char *detail = g_strstrip (g_strdup (message ? message : ""));
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("The connection settings are not valid: %s"), detail);
      PQfreemem (message);
      return NULL;
    }
  defaults = PQconndefaults ();
  key = g_new0 (CstLoginKey, 1);
  key->host = resolved_value (given, defaults, "host");
  if (is_default_host (key->host))
    {
      g_free (key->host);
      key->host = g_strdup ("localhost");
    }
  key->port = resolved_value (given, defaults, "port");
  if (key->port == NULL)
    key->port = g_strdup ("5432");
  key->user = resolved_value (given, defaults, "user");
  if (key->user == NULL)
    key->user = g_strdup (g_get_user_name ());
  key->dbname = resolved_value (given, defaults, "dbname");
  if (key->dbname == NULL)
    key->dbname = g_strdup (key->user);
  PQconninfoFree (given);
  PQconninfoFree (defaults);
  return key;
}

/* ---- libpq's password file --------------------------------------------- */

/**
 * cst_keyring_get_pgpass_path:
 *
 * Returns: (transfer full): the file libpq reads: $PGPASSFILE, else
 *   ~/.pgpass
 */
char *
cst_keyring_get_pgpass_path (void)
{
  const char *file = g_getenv ("PGPASSFILE");

  if (file != NULL && *file != '\0')
    return g_strdup (file);
  return g_build_filename (g_get_home_dir (), ".pgpass", NULL);
}

/* In the password file a backslash escapes a colon or a backslash. */
char *
cst_pgpass_escape (const char *field)
{
  GString *s = g_string_new (NULL);

  for (const char *p = field; *p; p++)
    {
      if (*p == ':' || *p == '\\')
        g_string_append_c (s, '\\');
      g_string_append_c (s, *p);
    }
  return g_string_free (s, FALSE);
}

/**
 * cst_pgpass_split_line:
 *
 * Returns: (transfer full) (nullable): the five unescaped fields of a
 *   password file line (host, port, database, user, password), or NULL
 *   for a comment, a blank or a malformed line.  Like libpq, the password
 *   ends at the next unescaped colon.
 */
char **
cst_pgpass_split_line (const char *line)
{
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) field = g_string_new (NULL);

  if (line[0] == '#' || line[0] == '\0')
    return NULL;
  for (const char *p = line; *p && *p != '\n' && *p != '\r' && fields->len < 5; p++)
    {
      if (*p == '\\' && p[1] != '\0')
        g_string_append_c (field, *++p);
      else if (*p == ':')
        {
          g_ptr_array_add (fields, g_strdup (field->str));
          g_string_truncate (field, 0);
        }
      else
        g_string_append_c (field, *p);
    }
  if (fields->len == 4)
    g_ptr_array_add (fields, g_strdup (field->str));
  if (fields->len != 5)
    return NULL;
  g_ptr_array_add (fields, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&fields), FALSE);
}

static const char *
key_field (const CstLoginKey *key,
           guint              i)
{
  const char *const fields[] = { key->host, key->port, key->dbname, key->user };
  return fields[i];
}

/* An exact entry for this login: the one saving replaces and forgetting
 * removes.  Wildcard lines the user wrote are theirs and stay. */
static gboolean
line_is_for (const char        *line,
             const CstLoginKey *key)
{
  g_auto(GStrv) fields = cst_pgpass_split_line (line);

  if (fields == NULL)
    return FALSE;
  for (guint i = 0; i < 4; i++)
    if (!g_str_equal (fields[i], key_field (key, i)))
      return FALSE;
  return TRUE;
}

/* What libpq would use for this login: the first line that matches, with
 * "*" matching anything. */
static char *
pgpass_lookup (const CstLoginKey *key)
{
  g_autofree char *path = cst_keyring_get_pgpass_path ();
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_auto(GStrv) fields = cst_pgpass_split_line (lines[i]);
      gboolean match = fields != NULL;

      for (guint f = 0; match && f < 4; f++)
        match = g_str_equal (fields[f], "*") || g_str_equal (fields[f], key_field (key, f));
      if (match)
        return g_strdup (fields[4]);
    }
  return NULL;
}

/* Rewrites the file without this login's line and, with @password, with
 * a new one at the end.  A new file gets mode 0600: libpq ignores a
 * password file that others can read. */
static gboolean
pgpass_replace (const CstLoginKey  *key,
                const char         *password,
                GError            **error)
{
  g_autofree char *path = cst_keyring_get_pgpass_path ();
  g_autofree char *contents = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GError) read_error = NULL;
  g_auto(GStrv) lines = NULL;
  gboolean removed = FALSE;

  if (!g_file_get_contents (path, &contents, NULL, &read_error) &&
      !g_error_matches (read_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      g_propagate_error (error, g_steal_pointer (&read_error));
      return FALSE;
    }
  lines = g_strsplit (contents ? contents : "", "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      if (line_is_for (lines[i], key))
        removed = TRUE;
      else if (lines[i][0] != '\0')
        g_string_append_printf (out, "%s\n", lines[i]);
    }
  if (password == NULL && !removed)
    return TRUE;
  if (password != NULL)
    {
      for (guint f = 0; f < 4; f++)
        {
          g_autofree char *escaped = cst_pgpass_escape (key_field (key, f));
          g_string_append_printf (out, "%s:", escaped);
        }
      {
        g_autofree char *escaped = cst_pgpass_escape (password);
        g_string_append_printf (out, "%s\n", escaped);
      }
    }
  return g_file_set_contents_full (path, out->str, out->len, G_FILE_SET_CONTENTS_CONSISTENT,
                                   0600, error);
}

/* ---- the desktop keyring ----------------------------------------------- */

/**
 * cst_keyring_is_available:
 *
 * Whether a session bus is there to ask for the Secret Service.  Without
 * one, GDBus would try to start a bus of its own through X11, which in a
 * bare session or a test only waits and fails.
 */
gboolean
cst_keyring_is_available (void)
{
  const char *address = g_getenv ("DBUS_SESSION_BUS_ADDRESS");
  g_autofree char *socket = NULL;

  if (address != NULL && *address != '\0')
    return TRUE;
  socket = g_build_filename (g_get_user_runtime_dir (), "bus", NULL);
  return g_file_test (socket, G_FILE_TEST_EXISTS);
}

/* No Secret Service on the bus (or no bus): fall back to the password
 * file.  Anything else (a locked keyring whose prompt was dismissed) is
 * the user's answer and is reported, not quietly written to a file. */
gboolean
cst_keyring_error_is_missing (const GError *error)
{
  return error->domain == G_DBUS_ERROR || error->domain == G_SPAWN_ERROR ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_DBUS_ERROR) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
}

static char *
keyring_label (const CstLoginKey *key)
{
  /* Shown in Passwords and Keys (Seahorse). */
  return g_strdup_printf (_("Custodian: %s@%s/%s"), key->user, key->host, key->dbname);
}

#define KEY_ATTRIBUTES(key) \
  "host", (key)->host, "port", (key)->port, "database", (key)->dbname, "user", (key)->user, NULL

/* Returns FALSE with @error unset when there is no keyring to ask. */
static gboolean
keyring_store (const CstLoginKey  *key,
               const char         *password,
               GError            **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *label = keyring_label (key);

  if (!cst_keyring_is_available ())
    return FALSE;
  if (secret_password_store_sync (login_schema (), SECRET_COLLECTION_DEFAULT, label, password,
                                  NULL, &local_error, KEY_ATTRIBUTES (key)))
    return TRUE;
  if (local_error != NULL && cst_keyring_error_is_missing (local_error))
    {
      g_debug ("No keyring to store the password in: %s", local_error->message);
      return FALSE;
    }
  if (local_error == NULL)
    g_set_error_literal (&local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                         _("The keyring did not store the password"));
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

static char *
keyring_lookup (const CstLoginKey  *key,
                GError            **error)
{
  g_autoptr(GError) local_error = NULL;
  char *password;

  if (!cst_keyring_is_available ())
    return NULL;
  password = secret_password_lookup_sync (login_schema (), NULL, &local_error, KEY_ATTRIBUTES (key));
  if (local_error != NULL && !cst_keyring_error_is_missing (local_error))
    g_propagate_error (error, g_steal_pointer (&local_error));
  return password;
}

static gboolean
keyring_clear (const CstLoginKey  *key,
               GError            **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!cst_keyring_is_available ())
    return TRUE;
  secret_password_clear_sync (login_schema (), NULL, &local_error, KEY_ATTRIBUTES (key));
  if (local_error != NULL && !cst_keyring_error_is_missing (local_error))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

/* ---- the public calls (blocking: call them off the main loop) ---------- */

/**
 * cst_keyring_save:
 * @conninfo: the login's connection string (any password in it is ignored)
 * @used: (out) (optional): where the password went
 *
 * Remembers @password for the login @conninfo names: in the keyring when
 * one runs (removing an entry for the same login from the password file,
 * which libpq would otherwise try first), else in the password file.
 */
gboolean
cst_keyring_save (const char          *conninfo,
                  const char          *password,
                  CstPasswordBackend  *used,
                  GError             **error)
{
  g_autoptr(CstLoginKey) key = cst_login_key_new_for_conninfo (conninfo, error);
  g_autoptr(GError) keyring_error = NULL;

  g_return_val_if_fail (password != NULL, FALSE);
  if (key == NULL)
    return FALSE;
  if (keyring_store (key, password, &keyring_error))
    {
      if (used)
        *used = CST_PASSWORD_BACKEND_KEYRING;
      return pgpass_replace (key, NULL, error);
    }
  if (keyring_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&keyring_error));
      return FALSE;
    }
  if (strpbrk (password, "\r\n") != NULL)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                           _("A password with a line break cannot be kept in the password file"));
      return FALSE;
    }
  if (used)
    *used = CST_PASSWORD_BACKEND_PGPASS;
  return pgpass_replace (key, password, error);
}

/**
 * cst_keyring_lookup:
 *
 * Returns: (transfer full) (nullable): the remembered password of the
 *   login @conninfo names, from the keyring, else the password file; NULL
 *   (without @error) when neither has one
 */
char *
cst_keyring_lookup (const char  *conninfo,
                    GError     **error)
{
  g_autoptr(CstLoginKey) key = cst_login_key_new_for_conninfo (conninfo, error);
  g_autoptr(GError) local_error = NULL;
  char *password;

  if (key == NULL)
    return NULL;
  password = keyring_lookup (key, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return password ? password : pgpass_lookup (key);
}

/**
 * cst_keyring_forget:
 *
 * Removes the login's password from the keyring and the password file.
 */
gboolean
cst_keyring_forget (const char  *conninfo,
                    GError     **error)
{
  g_autoptr(CstLoginKey) key = cst_login_key_new_for_conninfo (conninfo, error);

  return key != NULL && keyring_clear (key, error) && pgpass_replace (key, NULL, error);
}
