/* cst-server-login.c — a hospital server login: its fields, and a test
 * connection whose failure is explained in plain words
 *
 * The set-up assistant and the Preferences window show a connection as
 * fields and store it as one libpq connection string (the "database"
 * setting).  Before storing it they try it: libpq's messages are written
 * for database administrators, so each failure is sorted into a few kinds
 * a clerk can act on, each with a sentence that says what to check.
 */
#define G_LOG_DOMAIN "cst-server-login"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "custodian/cst-db.h"
#include "custodian/cst-error.h"
#include "custodian/cst-keyring.h"
#include "custodian/cst-server-login.h"

G_DEFINE_QUARK (cst-connection-problem-quark, cst_connection_problem)

/* ---- fields <-> connection string -------------------------------------- */

CstServerLogin *
cst_server_login_new (void)
{
  return g_new0 (CstServerLogin, 1);
}

void
cst_server_login_free (CstServerLogin *login)
{
  if (login == NULL)
    return;
  g_free (login->host);
  g_free (login->port);
  g_free (login->dbname);
  g_free (login->user);
  g_free (login->sslmode);
  g_free (login->sslrootcert);
  g_free (login);
}

/* The field for each connection keyword, in the order they are written. */
static char **
field_for (CstServerLogin *login,
           guint           i,
           const char    **keyword)
{
  static const char *const keywords[] = { "host", "port", "dbname", "user", "sslmode", "sslrootcert" };
  char **fields[] = { &login->host, &login->port, &login->dbname, &login->user,
                      &login->sslmode, &login->sslrootcert };

  G_STATIC_ASSERT (G_N_ELEMENTS (keywords) == G_N_ELEMENTS (fields));
  if (i >= G_N_ELEMENTS (keywords))
    return NULL;
  *keyword = keywords[i];
  return fields[i];
}

/**
 * cst_server_login_new_from_conninfo:
 *
 * Returns: (transfer full): the fields of @conninfo (a key=value string or
 *   a URI), or NULL with @error set when it does not parse
 */
CstServerLogin *
cst_server_login_new_from_conninfo (const char  *conninfo,
                                    GError     **error)
{
  char *message = NULL;
  PQconninfoOption *options = PQconninfoParse (conninfo ? conninfo : "", &message);
  g_autoptr(CstServerLogin) login = cst_server_login_new ();
  const char *keyword;
  char **field;

  if (options == NULL)
    {
      g_autofree char *detail = g_strstrip (g_strdup (message ? message : ""));
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("The connection settings are not valid: %s"), detail);
      PQfreemem (message);
      return NULL;
    }
  for (guint i = 0; (field = field_for (login, i, &keyword)) != NULL; i++)
    for (PQconninfoOption *o = options; o->keyword; o++)
      if (g_str_equal (o->keyword, keyword) && o->val && *o->val)
        *field = g_strdup (o->val);
  PQconninfoFree (options);
  return g_steal_pointer (&login);
}

static void
append_value (GString    *s,
              const char *value)
{
  /* Quote per libpq's rules when a value has spaces, quotes or backslashes. */
  if (strpbrk (value, " \t\n'\\") == NULL)
    {
      g_string_append (s, value);
      return;
    }
  g_string_append_c (s, '\'');
  for (const char *p = value; *p; p++)
    {
      if (*p == '\'' || *p == '\\')
        g_string_append_c (s, '\\');
      g_string_append_c (s, *p);
    }
  g_string_append_c (s, '\'');
}

/**
 * cst_server_login_to_conninfo:
 *
 * Returns: (transfer full): a key=value connection string with the fields
 *   that are set, trimmed; never a password
 */
char *
cst_server_login_to_conninfo (const CstServerLogin *login)
{
  GString *s = g_string_new (NULL);
  const char *keyword;
  char **field;

  for (guint i = 0; (field = field_for ((CstServerLogin *) login, i, &keyword)) != NULL; i++)
    {
      g_autofree char *value = g_strstrip (g_strdup (*field ? *field : ""));

      if (*value == '\0')
        continue;
      if (s->len > 0)
        g_string_append_c (s, ' ');
      g_string_append_printf (s, "%s=", keyword);
      append_value (s, value);
    }
  return g_string_free (s, FALSE);
}

/* ---- plain words for a failed connection ------------------------------- */

static gboolean
contains_any (const char        *haystack,
              const char *const *needles)
{
  for (guint i = 0; needles[i]; i++)
    if (strstr (haystack, needles[i]) != NULL)
      return TRUE;
  return FALSE;
}

/**
 * cst_connection_problem_classify:
 * @libpq_message: PQerrorMessage() of the failed connection
 * @needs_password: PQconnectionNeedsPassword() of it
 *
 * Sorts a failure by libpq's (English) message.  Under another language
 * libpq translates its own messages, and an unrecognised one is
 * %CST_CONNECTION_PROBLEM_OTHER, shown with libpq's words.
 */
CstConnectionProblem
cst_connection_problem_classify (const char *libpq_message,
                                 gboolean    needs_password)
{
  static const char *const password[] = {
    "password authentication failed", "no password supplied", "password is required", NULL
  };
  static const char *const no_login[] = {
    "no pg_hba.conf entry", "is not permitted to log in", "pg_hba.conf rejects", NULL
  };
  static const char *const tls[] = {
    "ssl", "certificate", "tls", "gssapi encryption", NULL
  };
  static const char *const unreachable[] = {
    "could not translate host name", "connection refused", "timeout expired",
    "no route to host", "network is unreachable", "no such file or directory",
    "name or service not known", "temporary failure in name resolution",
    "could not connect", "server closed the connection unexpectedly", NULL
  };
  g_autofree char *message = g_utf8_strdown (libpq_message ? libpq_message : "", -1);

  if (needs_password || contains_any (message, password))
    return CST_CONNECTION_PROBLEM_PASSWORD;
  /* A server that admits this user only over TLS, asked without it. */
  if (strstr (message, "no pg_hba.conf entry") &&
      (strstr (message, "no encryption") || strstr (message, "ssl off")))
    return CST_CONNECTION_PROBLEM_TLS;
  if (contains_any (message, no_login) ||
      (strstr (message, "role \"") && strstr (message, "\" does not exist")))
    return CST_CONNECTION_PROBLEM_NO_LOGIN;
  if (strstr (message, "database \"") && strstr (message, "\" does not exist"))
    return CST_CONNECTION_PROBLEM_NO_DATABASE;
  if (contains_any (message, tls))
    return CST_CONNECTION_PROBLEM_TLS;
  if (contains_any (message, unreachable))
    return CST_CONNECTION_PROBLEM_UNREACHABLE;
  return CST_CONNECTION_PROBLEM_OTHER;
}

/* What happened and what to do next, for someone who is not a database
 * administrator. */
const char *
cst_connection_problem_explain (CstConnectionProblem problem)
{
  switch (problem)
    {
    case CST_CONNECTION_PROBLEM_PASSWORD:
      return _("The server did not accept the password for this user. Check the user name and "
               "type the password again.");
    case CST_CONNECTION_PROBLEM_UNREACHABLE:
      return _("No database server answered at this address. Check the host name and port, and "
               "that this computer is connected to the hospital network.");
    case CST_CONNECTION_PROBLEM_TLS:
      return _("A secure connection to the server could not be set up. Check the TLS mode and "
               "that the CA file is your hospital's certificate authority; if it is, ask IT "
               "whether the server's certificate has changed.");
    case CST_CONNECTION_PROBLEM_NO_DATABASE:
      return _("The server has no database with this name. Check its spelling, or ask your "
               "administrator which database Custodian uses.");
    case CST_CONNECTION_PROBLEM_NO_LOGIN:
      return _("The server does not let this user sign in. Check the user name, or ask your "
               "administrator to create your login.");
    case CST_CONNECTION_PROBLEM_NOT_SET_UP:
      return _("The database exists, but Custodian has not been set up in it yet. Ask your "
               "administrator to run “custodian-cli db migrate” on it.");
    case CST_CONNECTION_PROBLEM_OTHER:
    default:
      return _("Custodian could not connect to the server.");
    }
}

/* ---- the test connection ----------------------------------------------- */

void
cst_login_check_free (CstLoginCheck *check)
{
  if (check == NULL)
    return;
  g_free (check->role);
  g_free (check->description);
  g_free (check->remember_problem);
  g_free (check);
}

static void
set_problem (GError               **error,
             CstConnectionProblem   problem,
             const char            *detail)
{
  if (problem == CST_CONNECTION_PROBLEM_OTHER && detail != NULL && *detail != '\0')
    g_set_error (error, CST_CONNECTION_PROBLEM, problem, "%s (%s)",
                 cst_connection_problem_explain (problem), detail);
  else
    g_set_error_literal (error, CST_CONNECTION_PROBLEM, problem,
                         cst_connection_problem_explain (problem));
}

static PGconn *
connect_for_check (const char  *conninfo,
                   const char  *password,
                   GError     **error)
{
  /* The password as its own parameter after the expanded connection
   * string overrides it, whatever form (key=value or URI) that has. */
  const char *timeout = g_getenv ("PGCONNECT_TIMEOUT");
  const char *const keywords[] = { "connect_timeout", "application_name", "dbname", "password", NULL };
  const char *const values[] = { timeout ? timeout : "10", "custodian", conninfo ? conninfo : "",
                                 password, NULL };
  PGconn *conn = PQconnectdbParams (keywords, values, 1);
  g_autofree char *detail = NULL;

  if (conn != NULL && PQstatus (conn) == CONNECTION_OK)
    return conn;
  detail = g_strstrip (g_strdup (conn ? PQerrorMessage (conn) : ""));
  g_debug ("Test connection failed: %s", detail);
  set_problem (error, cst_connection_problem_classify (detail, conn && PQconnectionNeedsPassword (conn)),
               detail);
  g_clear_pointer (&conn, PQfinish);
  return NULL;
}

/* The Custodian group role the login is in (an administrator's first),
 * and whether the schema is there at all. */
static const char check_sql[] =
  "SELECT to_regclass('audit_log') IS NOT NULL,"
  "       (SELECT r FROM unnest(ARRAY['custodian_admin', 'custodian_billing',"
  "                                   'custodian_auditor', 'custodian_clerk']) WITH ORDINALITY AS t(r, n)"
  "         WHERE CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r)"
  "                    THEN pg_has_role(current_user, r, 'MEMBER') ELSE false END"
  "         ORDER BY n LIMIT 1)";

/**
 * cst_server_login_check:
 * @password: (nullable): the password to try; NULL for a remembered one
 *   (keyring or password file) or none
 *
 * Connects once, blocking: call it off the main loop (or use the async
 * version).  Fails with a %CST_CONNECTION_PROBLEM error whose message is
 * a plain sentence.
 */
CstLoginCheck *
cst_server_login_check (const char  *conninfo,
                        const char  *password,
                        GError     **error)
{
  g_autofree char *remembered = password ? NULL : cst_keyring_lookup (conninfo, NULL);
  g_autoptr(PGconn) conn = connect_for_check (conninfo, password ? password : remembered, error);
  g_autoptr(PGresult) res = NULL;
  g_autoptr(GError) query_error = NULL;
  CstLoginCheck *check;

  if (remembered)
    explicit_bzero (remembered, strlen (remembered));
  if (conn == NULL)
    return NULL;
  res = cst_db_exec (conn, check_sql, 0, NULL, &query_error);
  if (res == NULL)
    {
      set_problem (error, CST_CONNECTION_PROBLEM_OTHER, query_error->message);
      return NULL;
    }
  if (!g_str_equal (PQgetvalue (res, 0, 0), "t"))
    {
      set_problem (error, CST_CONNECTION_PROBLEM_NOT_SET_UP, NULL);
      return NULL;
    }
  check = g_new0 (CstLoginCheck, 1);
  check->role = g_strdup (cst_db_value (res, 0, 1));
  check->description = cst_db_describe_connection (conn);
  check->password_used = PQconnectionUsedPassword (conn);
  return check;
}

typedef struct
{
  char     *conninfo;
  char     *password;
  gboolean  remember;
} CheckData;

static void
check_data_free (CheckData *data)
{
  g_free (data->conninfo);
  if (data->password)
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
  CstLoginCheck *check = cst_server_login_check (data->conninfo, data->password, &error);

  if (check == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* Only a password the server accepted is worth remembering. */
  if (data->remember && data->password != NULL && *data->password != '\0')
    {
      check->remembered = cst_keyring_save (data->conninfo, data->password, &check->backend, &error);
      if (!check->remembered)
        {
          check->remember_problem = g_strdup (error->message);
          g_clear_error (&error);
        }
    }
  g_task_return_pointer (task, check, (GDestroyNotify) cst_login_check_free);
}

/**
 * cst_server_login_check_async:
 * @remember: on success, save @password (cst_keyring_save())
 *
 * cst_server_login_check() in a thread.
 */
void
cst_server_login_check_async (const char          *conninfo,
                              const char          *password,
                              gboolean             remember,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  CheckData *data = g_new0 (CheckData, 1);

  data->conninfo = g_strdup (conninfo);
  data->password = g_strdup (password);
  data->remember = remember;
  g_task_set_source_tag (task, cst_server_login_check_async);
  g_task_set_task_data (task, data, (GDestroyNotify) check_data_free);
  g_task_run_in_thread (task, check_in_thread);
}

CstLoginCheck *
cst_server_login_check_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
