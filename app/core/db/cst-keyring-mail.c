/* cst-keyring-mail.c — the mail server login's password in the desktop
 * keyring
 *
 * The hospital's mail server (issue 20: server and sender in Preferences,
 * the password in the keyring) is keyed on host, port and login.  Unlike a
 * database login there is no file to fall back to: libpq's password file
 * is libpq's, and the settings are plain text anything running as the
 * user can read.  Without a keyring, saving says so plainly and nothing
 * is written; looking up says the password is not kept.  Calls block on
 * D-Bus: the window saves through cst_keyring_mail_save_async(), and the
 * send looks up on its worker thread.
 */
#define G_LOG_DOMAIN "cst-keyring"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>
#include <string.h>

#include "custodian/cst-error.h"
#include "custodian/cst-keyring.h"
#include "custodian/cst-keyring-mail.h"

#include "cst-keyring-private.h"

static const SecretSchema *
mail_schema (void)
{
  static const SecretSchema schema = {
    APP_ID ".MailServer", SECRET_SCHEMA_NONE,
    {
      { "host", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "port", SECRET_SCHEMA_ATTRIBUTE_INTEGER },
      { "user", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  };
  return &schema;
}

#define MAIL_ATTRIBUTES(host, port, user) \
  "host", (host), "port", (int) (port), "user", (user), NULL

static gboolean
check_login (const char  *host,
             const char  *user,
             GError     **error)
{
  if (host == NULL || *host == '\0' || user == NULL || *user == '\0')
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                           _("Give the mail server and its login before its password."));
      return FALSE;
    }
  return TRUE;
}

static void
set_no_keyring (GError **error)
{
  g_set_error_literal (error, CST_ERROR, CST_ERROR_CONNECTION,
                       _("No desktop keyring is running, so the mail server's password cannot "
                         "be kept. Log in to a desktop session with a keyring and save it again."));
}

/* A keyring error as the user should read it: a missing keyring in the
 * app's words, anything else (a dismissed unlock prompt) as it came. */
static void
propagate_keyring_error (GError  *keyring_error,
                         GError **error)
{
  if (cst_keyring_error_is_missing (keyring_error))
    {
      g_debug ("No keyring: %s", keyring_error->message);
      g_error_free (keyring_error);
      set_no_keyring (error);
      return;
    }
  g_propagate_error (error, keyring_error);
}

/**
 * cst_keyring_mail_save:
 *
 * Keeps @password for the login @user on the mail server @host:@port in
 * the desktop keyring, replacing what was kept for it.
 */
gboolean
cst_keyring_mail_save (const char  *host,
                       guint        port,
                       const char  *user,
                       const char  *password,
                       GError     **error)
{
  g_autofree char *label = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (password != NULL, FALSE);
  if (!check_login (host, user, error))
    return FALSE;
  if (!cst_keyring_is_available ())
    {
      set_no_keyring (error);
      return FALSE;
    }
  /* Shown in Passwords and Keys (Seahorse). */
  label = g_strdup_printf (_("Custodian mail server %s@%s"), user, host);
  if (secret_password_store_sync (mail_schema (), SECRET_COLLECTION_DEFAULT, label, password,
                                  NULL, &local_error, MAIL_ATTRIBUTES (host, port, user)))
    return TRUE;
  if (local_error == NULL)
    g_set_error_literal (&local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                         _("The keyring did not store the password"));
  propagate_keyring_error (local_error, error);
  return FALSE;
}

/**
 * cst_keyring_mail_lookup:
 *
 * Returns: (transfer full): the password kept for the login, or NULL with
 *   @error set (no keyring, or nothing kept: both say to save it in
 *   Preferences)
 */
char *
cst_keyring_mail_lookup (const char  *host,
                         guint        port,
                         const char  *user,
                         GError     **error)
{
  GError *local_error = NULL;
  char *password = NULL;

  if (!check_login (host, user, error))
    return NULL;
  if (cst_keyring_is_available ())
    password = secret_password_lookup_sync (mail_schema (), NULL, &local_error,
                                            MAIL_ATTRIBUTES (host, port, user));
  if (local_error != NULL && !cst_keyring_error_is_missing (local_error))
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  g_clear_error (&local_error);
  if (password == NULL)
    g_set_error (error, CST_ERROR, CST_ERROR_CONNECTION,
                 _("The password of the mail server login %s is not in the keyring: save it in "
                   "Preferences (Mail Server) first."), user);
  return password;
}

/**
 * cst_keyring_mail_forget:
 *
 * Removes the login's password from the keyring; nothing kept, or no
 * keyring, is not an error.
 */
gboolean
cst_keyring_mail_forget (const char  *host,
                         guint        port,
                         const char  *user,
                         GError     **error)
{
  GError *local_error = NULL;

  if (!check_login (host, user, error))
    return FALSE;
  if (!cst_keyring_is_available ())
    return TRUE;
  secret_password_clear_sync (mail_schema (), NULL, &local_error,
                              MAIL_ATTRIBUTES (host, port, user));
  if (local_error != NULL && !cst_keyring_error_is_missing (local_error))
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  g_clear_error (&local_error);
  return TRUE;
}

typedef struct
{
  char  *host;
  guint  port;
  char  *user;
  char  *password;
} SaveJob;

static void
save_job_free (SaveJob *job)
{
  g_free (job->host);
  g_free (job->user);
  if (job->password != NULL)
    explicit_bzero (job->password, strlen (job->password));
  g_free (job->password);
  g_free (job);
}

static void
save_job_run (GTask        *task,
              gpointer      source,
              gpointer      data,
              GCancellable *cancellable)
{
  SaveJob *job = data;
  GError *error = NULL;

  if (cst_keyring_mail_save (job->host, job->port, job->user, job->password, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
cst_keyring_mail_save_async (const char          *host,
                             guint                port,
                             const char          *user,
                             const char          *password,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  SaveJob *job = g_new0 (SaveJob, 1);

  job->host = g_strdup (host);
  job->port = port;
  job->user = g_strdup (user);
  job->password = g_strdup (password);
  g_task_set_source_tag (task, cst_keyring_mail_save_async);
  g_task_set_task_data (task, job, (GDestroyNotify) save_job_free);
  g_task_run_in_thread (task, save_job_run);
}

gboolean
cst_keyring_mail_save_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
