/* test-session-lock.c — signing in again at the idle lock: where the
 * database asks for no password (the private database), the computer
 * account's own password is checked, and a wrong or empty one is refused
 *
 * Runs as a computer account made for it, with a password it is told
 * (tests/support/run-as-new-account.sh), so the check goes through PAM exactly as
 * it does for a clerk.
 */
#include "config.h"

#include "cst-test-db.h"

static CstTestDb *db;
static const char *account_password;

static void
assert_refused (const char *conninfo,
                const char *password)
{
  g_autoptr(GError) error = NULL;

  if (conninfo == NULL)
    g_assert_false (cst_session_lock_check_account (password, &error));
  else
    g_assert_false (cst_session_lock_check (conninfo, password, &error));
  g_assert_error (error, CST_CONNECTION_PROBLEM, CST_CONNECTION_PROBLEM_PASSWORD);
}

static void
test_account (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *wrong = g_strconcat (account_password, "x", NULL);

  g_assert_true (cst_session_lock_check_account (account_password, &error));
  g_assert_no_error (error);
  assert_refused (NULL, wrong);
  assert_refused (NULL, "");
  assert_refused (NULL, NULL);
}

/* A login the server lets in without a password, like the private
 * database's: typing anything used to unlock. */
static void
test_trusted_login (void)
{
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(GError) error = NULL;

  g_assert_true (cst_session_lock_check (clerk, account_password, &error));
  g_assert_no_error (error);
  assert_refused (clerk, "");
  assert_refused (clerk, "anything");
}

/* A login the server asks a password of: that password, not the
 * account's. */
static void
test_password_login (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *conninfo = g_strdup_printf ("dbname=%s user=custodian_password_test", db->name);
  g_autoptr(GError) error = NULL;

  /* build-aux/test-server.sh asks this role for a password; another test
   * program may have created it already. */
  cst_db_exec_command (owner, "CREATE ROLE custodian_password_test LOGIN PASSWORD 'right-one'",
                       0, NULL, NULL);
  g_assert_true (cst_session_lock_check (conninfo, "right-one", &error));
  g_assert_no_error (error);
  assert_refused (conninfo, account_password);
  assert_refused (conninfo, "");
}

static void
checked_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GError **error = user_data;

  if (cst_session_lock_check_finish (result, error))
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "accepted");
}

/* The window's way: off the calling thread, wrong password refused. */
static void
test_async (void)
{
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  GError *error = NULL;

  cst_session_lock_check_async (clerk, "wrong", NULL, checked_cb, &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, CST_CONNECTION_PROBLEM, CST_CONNECTION_PROBLEM_PASSWORD);
  g_clear_error (&error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  account_password = g_getenv ("CUSTODIAN_TEST_ACCOUNT_PASSWORD");
  if (account_password == NULL)
    g_error ("Run this test through tests/support/run-as-new-account.sh: it needs an account whose "
             "password it knows");
  g_test_add_func ("/session-lock/account", test_account);
  g_test_add_func ("/session-lock/trusted-login", test_trusted_login);
  g_test_add_func ("/session-lock/password-login", test_password_login);
  g_test_add_func ("/session-lock/async", test_async);
  return cst_test_db_run (&db);
}
