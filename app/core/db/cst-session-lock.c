/* cst-session-lock.c — signing in again at the idle lock
 *
 * The lock asks whoever sits at the keyboard to prove they are the user.
 * Against a server that asks for the login's password, that password is
 * the proof (a test connection, cst_server_login_check()).  A server that
 * lets the login in without one — the private database trusts the
 * account on this computer; a hospital server may take a client
 * certificate or the account's name over the local socket — would accept
 * any typing, so there the password of the computer account the app runs
 * under is checked instead, through PAM (the "custodian" service,
 * data/pam/custodian).  An empty password is never accepted.
 *
 * Every check blocks (a connection, PAM's own delay after a wrong
 * password): the window uses the _async version.
 */
#define G_LOG_DOMAIN "cst-session-lock"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>
#ifdef HAVE_PAM
#include <security/pam_appl.h>
#endif

#include "custodian/cst-error.h"
#include "custodian/cst-server-login.h"
#include "custodian/cst-session-lock.h"

static gboolean
refuse_empty (const char  *password,
              GError     **error)
{
  if (password != NULL && *password != '\0')
    return FALSE;
  g_set_error_literal (error, CST_CONNECTION_PROBLEM, CST_CONNECTION_PROBLEM_PASSWORD,
                       _("That password was not accepted. Try again."));
  return TRUE;
}

#ifdef HAVE_PAM

static void
free_replies (struct pam_response *replies,
              int                  n)
{
  for (int i = 0; i < n; i++)
    if (replies[i].resp != NULL)
      {
        explicit_bzero (replies[i].resp, strlen (replies[i].resp));
        free (replies[i].resp);
      }
  free (replies);
}

/* PAM's questions: the password is the answer to the hidden one.  Any
 * other question (a one-time code, a new password) cannot be answered
 * from one password field, and fails the check.  PAM frees the replies
 * with free(), so they are allocated with malloc(). */
static int
answer_with_password (int                        n,
                      const struct pam_message **messages,
                      struct pam_response      **responses,
                      void                      *password)
{
  struct pam_response *replies = calloc ((size_t) n, sizeof *replies);

  if (replies == NULL)
    return PAM_BUF_ERR;
  for (int i = 0; i < n; i++)
    {
      if (messages[i]->msg_style == PAM_TEXT_INFO || messages[i]->msg_style == PAM_ERROR_MSG)
        continue;
      if (messages[i]->msg_style != PAM_PROMPT_ECHO_OFF ||
          (replies[i].resp = strdup (password)) == NULL)
        {
          free_replies (replies, n);
          return PAM_CONV_ERR;
        }
    }
  *responses = replies;
  return PAM_SUCCESS;
}

static gboolean
pam_status_is_refusal (int status)
{
  return status == PAM_AUTH_ERR || status == PAM_USER_UNKNOWN || status == PAM_MAXTRIES ||
         status == PAM_CRED_INSUFFICIENT || status == PAM_PERM_DENIED;
}

/**
 * cst_session_lock_check_account:
 *
 * Checks @password against the computer account this process runs under,
 * blocking (PAM waits a few seconds after a wrong one).  A wrong or empty
 * password fails with %CST_CONNECTION_PROBLEM_PASSWORD; a check that
 * could not be made (PAM not set up) fails with %CST_ERROR_PERMISSION_DENIED.
 */
gboolean
cst_session_lock_check_account (const char  *password,
                                GError     **error)
{
  struct pam_conv conversation = { answer_with_password, (void *) password };
  pam_handle_t *pam = NULL;
  int status;

  if (refuse_empty (password, error))
    return FALSE;
  status = pam_start (CST_SESSION_LOCK_PAM_SERVICE, g_get_user_name (), &conversation, &pam);
  if (status == PAM_SUCCESS)
    status = pam_authenticate (pam, PAM_SILENT | PAM_DISALLOW_NULL_AUTHTOK);
  if (status == PAM_SUCCESS)
    {
      pam_end (pam, status);
      return TRUE;
    }
  if (pam_status_is_refusal (status))
    g_set_error_literal (error, CST_CONNECTION_PROBLEM, CST_CONNECTION_PROBLEM_PASSWORD,
                         _("That password was not accepted. Try again."));
  else
    g_set_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED,
                 _("The password of this computer account could not be checked (%s)."),
                 pam != NULL ? pam_strerror (pam, status) : "pam_start");
  if (pam != NULL)
    pam_end (pam, status);
  return FALSE;
}

#else /* !HAVE_PAM */

gboolean
cst_session_lock_check_account (const char  *password,
                                GError     **error)
{
  if (refuse_empty (password, error))
    return FALSE;
  g_set_error_literal (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED,
                       _("This copy of Custodian cannot check the password of this computer "
                         "account. Quit Custodian and start it again."));
  return FALSE;
}

#endif /* HAVE_PAM */

/**
 * cst_session_lock_check:
 * @conninfo: the connection the window works on
 *
 * Blocking: the database password where the server asks for one, the
 * computer account's password where it does not.
 */
gboolean
cst_session_lock_check (const char  *conninfo,
                        const char  *password,
                        GError     **error)
{
  g_autoptr(CstLoginCheck) check = NULL;

  /* Refused before libpq sees it: libpq ignores an empty password and
   * would fall back to a remembered one. */
  if (refuse_empty (password, error))
    return FALSE;
  check = cst_server_login_check (conninfo, password, error);
  if (check == NULL)
    return FALSE;
  if (check->password_used)
    return TRUE;
  g_debug ("The server asks no password of this login; checking the computer account's");
  return cst_session_lock_check_account (password, error);
}

typedef struct
{
  char *conninfo;
  char *password;
} CheckData;

static void
check_data_free (CheckData *data)
{
  g_free (data->conninfo);
  if (data->password != NULL)
    explicit_bzero (data->password, strlen (data->password));
  g_free (data->password);
  g_free (data);
}

static void
check_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  CheckData *data = task_data;
  GError *error = NULL;

  if (cst_session_lock_check (data->conninfo, data->password, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * cst_session_lock_check_async:
 *
 * cst_session_lock_check() in a thread.
 */
void
cst_session_lock_check_async (const char          *conninfo,
                              const char          *password,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  CheckData *data = g_new0 (CheckData, 1);

  data->conninfo = g_strdup (conninfo);
  data->password = g_strdup (password);
  g_task_set_source_tag (task, cst_session_lock_check_async);
  g_task_set_task_data (task, data, (GDestroyNotify) check_data_free);
  g_task_run_in_thread (task, check_in_thread);
}

gboolean
cst_session_lock_check_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
