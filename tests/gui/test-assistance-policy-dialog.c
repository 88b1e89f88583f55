/* test-assistance-policy-dialog.c — the financial-assistance policy edited
 * in the app: the version in effect is shown (the shipped one while none
 * is stored); an administrator stores an edited text, in effect from a
 * day, and the workbench that opened the dialog screens under it; a day
 * that is not a date, a text that is not a policy, and a billing login
 * are refused, each saying why, and nothing is stored. */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "cst-assistance-policy-dialog.h"
#include "cst-statement-workbench.h"
#include "cst-test-db.h"
#include "cst-test-gui.h"
#include "cst-test-policy.h"

static CstTestDb *db;

static gboolean
dialog_ready (gpointer dialog)
{
  return !cst_assistance_policy_dialog_is_loading (dialog) &&
         cst_assistance_policy_dialog_get_version (dialog) != NULL;
}

static CstAssistancePolicyDialog *
open_dialog (GtkWindow     *parent,
             CstConnection *connection)
{
  CstAssistancePolicyDialog *dialog = cst_assistance_policy_dialog_new (parent, connection);

  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_true (cst_test_gui_wait_until (dialog_ready, dialog));
  return dialog;
}

static gboolean
store (CstAssistancePolicyDialog *dialog,
       GError                   **error)
{
  g_autoptr(GAsyncResult) stored = NULL;

  cst_assistance_policy_dialog_store_async (dialog, cst_test_gui_keep_result, &stored);
  return cst_assistance_policy_dialog_store_finish (dialog, cst_test_gui_wait_result (&stored), error);
}

static gint64
versions_stored (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);

  return cst_test_db_int (owner, "SELECT count(*) FROM assistance_policies", 0, NULL);
}

/* Refusals first, while nothing is stored. */
static void
test_refused (void)
{
  g_autofree char *admin_login = cst_test_db_create_login (db, "custodian_admin");
  g_autofree char *billing_login = cst_test_db_create_login (db, "custodian_billing");
  g_autoptr(CstConnection) admin = cst_connection_new (admin_login);
  g_autoptr(CstConnection) billing = cst_connection_new (billing_login);
  g_autofree char *text = cst_test_policy_with_second_band (90);
  g_autofree char *shown = NULL;
  g_autoptr(GError) error = NULL;
  CstAssistancePolicyDialog *dialog = open_dialog (NULL, admin);

  g_assert_cmpint (cst_assistance_policy_dialog_get_version (dialog)->id, ==, 0);
  shown = cst_assistance_policy_dialog_get_text (dialog);
  g_assert_nonnull (strstr (shown, "agb-basis-points=4200"));

  cst_assistance_policy_dialog_set_text (dialog, text);
  cst_assistance_policy_dialog_set_effective_from (dialog, "next week");
  g_assert_false (store (dialog, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  cst_assistance_policy_dialog_set_text (dialog, "[policy]\nregion=contiguous\n");
  cst_assistance_policy_dialog_set_effective_from (dialog, "2026-01-01");
  g_assert_false (store (dialog, &error));
  g_assert_nonnull (strstr (error->message, "agb-basis-points"));
  g_clear_error (&error);
  gtk_window_destroy (GTK_WINDOW (dialog));

  dialog = open_dialog (NULL, billing);
  cst_assistance_policy_dialog_set_text (dialog, text);
  cst_assistance_policy_dialog_set_effective_from (dialog, "2026-01-01");
  g_assert_false (store (dialog, &error));
  g_assert_nonnull (strstr (error->message, "permission denied"));
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_cmpint (versions_stored (), ==, 0);
}

typedef struct
{
  CstStatementWorkbench *workbench;
  gint64                 id;
} WantPolicy;

static gboolean
workbench_policy_is (gpointer data)
{
  WantPolicy *want = data;
  const CstAssistancePolicyVersion *version = cst_statement_workbench_get_policy (want->workbench);

  return version != NULL && version->id == want->id;
}

/* From the workbench, as an administrator: the stored version is shown
 * and the workbench screens under it (90% for 242% of the guideline). */
static void
test_stored_from_workbench (void)
{
  g_autofree char *login = cst_test_db_create_login (db, "custodian_admin");
  g_autoptr(CstConnection) connection = cst_connection_new (login);
  g_autofree char *text = cst_test_policy_with_second_band (90);
  g_autofree char *shown = NULL;
  g_autoptr(GError) error = NULL;
  CstStatementWorkbench *workbench = cst_statement_workbench_new (NULL);
  CstAssistancePolicyDialog *dialog;
  WantPolicy want = { workbench, 0 };

  cst_statement_workbench_set_connection (workbench, connection);
  gtk_window_present (GTK_WINDOW (workbench));
  g_assert_true (cst_test_wait_until (workbench_policy_is, &want, 60));
  dialog = CST_ASSISTANCE_POLICY_DIALOG (cst_statement_workbench_edit_policy (workbench));
  g_assert_true (cst_test_gui_wait_until (dialog_ready, dialog));
  cst_assistance_policy_dialog_set_text (dialog, text);
  cst_assistance_policy_dialog_set_effective_from (dialog, "2026-01-01");
  g_assert_true (store (dialog, &error));
  g_assert_no_error (error);
  g_assert_cmpint (versions_stored (), ==, 1);

  g_assert_true (cst_test_gui_wait_until (dialog_ready, dialog));
  want.id = cst_assistance_policy_dialog_get_version (dialog)->id;
  g_assert_cmpint (want.id, >, 0);
  shown = cst_assistance_policy_dialog_get_text (dialog);
  g_assert_cmpstr (shown, ==, text);
  g_assert_true (cst_test_wait_until (workbench_policy_is, &want, 60));
  g_assert_true (cst_statement_workbench_screen (workbench, 4, 8000000));
  g_assert_nonnull (strstr (cst_statement_workbench_get_screening_text (workbench), "90%"));
  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (workbench));
}

int
main (int argc, char **argv)
{
  int status;

  cst_test_gui_init (&argc, &argv);
  g_test_add_func ("/assistance-policy-dialog/refused", test_refused);
  g_test_add_func ("/assistance-policy-dialog/stored-from-workbench", test_stored_from_workbench);
  db = cst_test_db_new ();
  status = g_test_run ();
  cst_test_db_free (db);
  return status;
}
