/* test-lock.c — the idle lock on a database that asks no password (as
 * the private database does): an empty or wrong password leaves the
 * window locked, the computer account's own password opens it
 *
 * Runs as a computer account made for it (tests/support/run-as-new-account.sh),
 * which tells it the account's password.
 */
#include "config.h"

#include <adwaita.h>

#include "cst-test-gui.h"
#include "cst-window.h"

static CstTestDb *db;
static const char *account_password;

static void
test_trusted_login (void)
{
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(CstRequestStore) store = NULL;
  g_autofree char *wrong = g_strconcat (account_password, "x", NULL);
  CstWindow *window = cst_test_gui_open_window (clerk, &store);
  GtkWidget *list_page = cst_window_get_list_page (window);

  g_assert_true (gtk_widget_get_mapped (list_page));
  cst_test_gui_lock (window);
  g_assert_false (gtk_widget_get_mapped (list_page));

  cst_test_gui_assert_refused (window, list_page, "");
  cst_test_gui_assert_refused (window, list_page, wrong);
  cst_test_gui_assert_refused (window, list_page, "anything");

  cst_window_unlock (window, account_password);
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_unlocked, window));
  cst_test_iterate (20);
  g_assert_true (gtk_widget_get_mapped (list_page));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A database that asks a password: an empty one is refused too (libpq
 * would take an empty one as none given and look for a remembered one). */
static void
test_password_login (void)
{
  g_autoptr(CstRequestStore) store = NULL;
  CstWindow *window = cst_test_gui_open_password_window (db, &store);
  GtkWidget *list_page = cst_window_get_list_page (window);

  cst_test_gui_lock (window);
  cst_test_gui_assert_refused (window, list_page, "");
  cst_test_gui_assert_refused (window, list_page, account_password);
  cst_window_unlock (window, "right-one");
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_unlocked, window));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  cst_test_gui_init (&argc, &argv);
  account_password = g_getenv ("CUSTODIAN_TEST_ACCOUNT_PASSWORD");
  if (account_password == NULL)
    g_error ("Run this test through tests/support/run-as-new-account.sh: it needs an account whose "
             "password it knows");
  g_test_add_func ("/lock/trusted-login", test_trusted_login);
  g_test_add_func ("/lock/password-login", test_password_login);
  return cst_test_db_run (&db);
}
