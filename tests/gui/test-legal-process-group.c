/* test-legal-process-group.c — the request view's legal process group
 * under a headless X server, as a clerk: an attorney's request entered as
 * a subpoena without a court order shows both routes of satisfactory
 * assurances and says the release waits; ticking the notice route's boxes
 * clears it, as the server says; a court order with Part 2 records asks
 * for the 2.64 findings; the patient's own request hides the group */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "cst-legal-process-group.h"
#include "cst-test-gui.h"

static CstTestDb *db;

static gboolean
group_idle (gpointer group)
{
  return !cst_legal_process_group_is_busy (group);
}

static CstLegalProcessGroup *
open_group (CstRequest  *request,
            GtkWindow  **window_out)
{
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(CstConnection) connection = cst_connection_new (clerk);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *group = g_object_new (CST_TYPE_LEGAL_PROCESS_GROUP, NULL);

  gtk_window_set_child (GTK_WINDOW (window), group);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 700);
  cst_legal_process_group_set_connection (CST_LEGAL_PROCESS_GROUP (group), connection);
  cst_legal_process_group_set_request (CST_LEGAL_PROCESS_GROUP (group), request);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (cst_test_gui_wait_until (group_idle, group));
  *window_out = GTK_WINDOW (window);
  return CST_LEGAL_PROCESS_GROUP (group);
}

static void
tick (CstLegalProcessGroup *group,
      const char           *code)
{
  GtkWidget *check = cst_legal_process_group_get_check (group, code);

  g_assert_nonnull (check);
  /* As a click does: the box toggles and the group saves it. */
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
  g_assert_true (cst_test_gui_wait_until (group_idle, group));
}

static void
test_subpoena_checklist (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(CstRequest) request = cst_test_db_add_request_for (owner, "GROUP-1", "Counsel",
                                                               CST_REQUESTER_ATTORNEY, "PA");
  GtkWindow *window;
  CstLegalProcessGroup *group = open_group (request, &window);
  const CstLegalProcess *process;

  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (group)));
  g_assert_cmpstr (cst_legal_process_group_get_status (group), ==, "Not entered as legal process.");
  cst_legal_process_group_enter (group, CST_LEGAL_PROCESS_SUBPOENA, "Court of Common Pleas", "2026-CV-7",
                                 FALSE);
  g_assert_true (cst_test_gui_wait_until (group_idle, group));
  process = cst_legal_process_group_get_process (group);
  g_assert_cmpint (process->kind, ==, CST_LEGAL_PROCESS_SUBPOENA);
  g_assert_cmpuint (process->checklist->len, ==, 5);
  g_assert_nonnull (strstr (cst_legal_process_group_get_status (group), "The release waits"));
  g_assert_nonnull (strstr (cst_legal_process_group_get_status (group), "satisfactory assurances"));
  g_assert_nonnull (cst_legal_process_group_get_check (group, "qpo_terms"));

  tick (group, "notice_good_faith");
  tick (group, "notice_enough_to_object");
  g_assert_nonnull (strstr (cst_legal_process_group_get_status (group), "The release waits"));
  tick (group, "notice_time_passed");
  g_assert_cmpstr (cst_legal_process_group_get_status (group), ==,
                   "Nothing in the legal process keeps the release waiting.");
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (
    cst_legal_process_group_get_check (group, "notice_time_passed"))));

  /* Part 2 records on a court order: the 2.64 findings, and nothing of a
   * subpoena's. */
  cst_legal_process_group_enter (group, CST_LEGAL_PROCESS_COURT_ORDER, "Court of Common Pleas", "2026-CV-7",
                                 TRUE);
  g_assert_true (cst_test_gui_wait_until (group_idle, group));
  g_assert_nonnull (cst_legal_process_group_get_check (group, "part2_public_interest"));
  g_assert_null (cst_legal_process_group_get_check (group, "qpo_terms"));
  g_assert_nonnull (strstr (cst_legal_process_group_get_status (group), "2.64"));
  gtk_window_destroy (window);
}

static void
test_hidden_for_the_individual (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(CstRequest) request = cst_test_db_add_request (owner, "GROUP-2");
  GtkWindow *window;
  CstLegalProcessGroup *group = open_group (request, &window);

  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (group)));
  gtk_window_destroy (window);
}

int
main (int    argc,
      char **argv)
{
  cst_test_gui_init (&argc, &argv);
  g_test_add_func ("/legal-process-group/subpoena-checklist", test_subpoena_checklist);
  g_test_add_func ("/legal-process-group/hidden-for-the-individual", test_hidden_for_the_individual);
  return cst_test_db_run (&db);
}
