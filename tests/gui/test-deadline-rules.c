/* test-deadline-rules.c — the Deadline Rules window (issue 23: the same
 * review as the fee schedules'), as the ordinary logins: a clerk reads the
 * rules and cannot edit them; an administrator saves a new version of a
 * state's rule and a request opened afterwards is timed by it, while a
 * rule that cannot be read (days=abc) is refused with the error shown and
 * nothing stored */
#include "config.h"

#include <adwaita.h>

#include "cst-deadline-rules-window.h"
#include "cst-test-db.h"
#include "cst-test-gui.h"

static CstTestDb *db;

static void
wait_idle (CstDeadlineRulesWindow *window)
{
  g_assert_true (cst_test_wait_while ((CstTestCondition) cst_deadline_rules_window_is_busy, window, 15));
}

static CstDeadlineRulesWindow *
open_as (const char *role)
{
  g_autofree char *login = cst_test_db_create_login (db, role);
  g_autoptr(CstConnection) connection = cst_connection_new (login);
  g_autoptr(CstDeadlineRuleSet) seed = cst_deadline_rule_set_new_from_seed (NULL);
  CstDeadlineRulesWindow *window = cst_deadline_rules_window_new (NULL, connection);

  gtk_window_present (GTK_WINDOW (window));
  wait_idle (window);
  g_assert_null (cst_deadline_rules_window_get_message (window));
  g_assert_cmpuint (cst_deadline_rules_window_get_n_rules (window), ==,
                    cst_deadline_rule_set_get_rules (seed)->len);
  cst_deadline_rules_window_select (window, "CA-patient");
  g_assert_cmpint (cst_deadline_rules_window_get_version (window), >=, 1);
  return window;
}

/* How many versions of @key the database holds. */
static gint64
count_versions (const char *key)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  const char *params[] = { key };
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = cst_db_exec (owner, "SELECT count(*) FROM deadline_rules WHERE rule_key = $1",
                                         1, params, &error);

  g_assert_no_error (error);
  return cst_db_int64 (res, 0, 0);
}

/* The shown text of the selected rule with @old_line replaced. */
static char *
text_with (CstDeadlineRulesWindow *window,
           const char             *old_line,
           const char             *new_line)
{
  g_autofree char *text = cst_deadline_rules_window_dup_text (window);
  g_autoptr(GString) edited = g_string_new (text);

  g_assert_nonnull (strstr (text, old_line));
  g_string_replace (edited, old_line, new_line, 1);
  return g_string_free (g_steal_pointer (&edited), FALSE);
}

static void
test_clerk_reads (void)
{
  CstDeadlineRulesWindow *window = open_as ("custodian_clerk");
  g_autofree char *ca = cst_deadline_rules_window_dup_row_text (window, "CA-patient");
  g_autofree char *authorization = cst_deadline_rules_window_dup_row_text (window, "US-authorization");
  g_autofree char *arkansas = cst_deadline_rules_window_dup_row_text (window, "AR-none");
  g_autofree char *text = cst_deadline_rules_window_dup_text (window);
  gint64 before = count_versions ("CA-patient");

  g_test_message ("%s\n%s", ca, authorization);
  g_assert_nonnull (strstr (ca, "CA · version 1"));
  g_assert_nonnull (strstr (ca, "15 calendar days"));
  g_assert_nonnull (strstr (ca, "no extension"));
  g_assert_nonnull (strstr (ca, "Cal. Health & Safety Code 123110(b)"));
  g_assert_nonnull (strstr (ca, "from a secondary source"));
  g_assert_nonnull (strstr (authorization, "no legal deadline"));
  g_assert_nonnull (strstr (arkansas, "· unconfirmed ·"));   /* and flagged Unconfirmed beside it */
  g_assert_nonnull (strstr (text, "days=15\n"));

  /* Read only: no editor, no save, and the action does nothing. */
  g_assert_false (cst_deadline_rules_window_get_editable (window));
  cst_deadline_rules_window_set_text (window, "[CA-patient]\njurisdiction=CA\nclasses=individual\n"
                                      "effective-from=2013-03-26\ndays=5\nconfidence=C\ncitation=x\n");
  gtk_widget_activate_action (GTK_WIDGET (window), "rules.save", NULL);
  wait_idle (window);
  g_assert_cmpint (count_versions ("CA-patient"), ==, before);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_admin_saves_version (void)
{
  CstDeadlineRulesWindow *window = open_as ("custodian_admin");
  g_autofree char *bad = text_with (window, "days=15\n", "days=abc\n");
  g_autofree char *shorter = text_with (window, "days=15\n", "days=10\n");
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(CstRequest) created = NULL;
  g_autoptr(CstRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *row = NULL;
  GDate expected;

  g_assert_true (cst_deadline_rules_window_get_editable (window));
  g_assert_cmpint (count_versions ("CA-patient"), ==, 1);

  /* A count that is not a number: refused, said, nothing stored. */
  cst_deadline_rules_window_set_text (window, bad);
  gtk_widget_activate_action (GTK_WIDGET (window), "rules.save", NULL);
  wait_idle (window);
  g_assert_nonnull (cst_deadline_rules_window_get_message (window));
  g_assert_nonnull (strstr (cst_deadline_rules_window_get_message (window), "abc"));
  g_assert_cmpint (count_versions ("CA-patient"), ==, 1);
  g_assert_cmpint (cst_deadline_rules_window_get_version (window), ==, 1);

  cst_deadline_rules_window_set_text (window, shorter);
  gtk_widget_activate_action (GTK_WIDGET (window), "rules.save", NULL);
  wait_idle (window);
  g_assert_null (cst_deadline_rules_window_get_message (window));
  g_assert_cmpint (count_versions ("CA-patient"), ==, 2);
  g_assert_cmpint (cst_deadline_rules_window_get_version (window), ==, 2);
  row = cst_deadline_rules_window_dup_row_text (window, "CA-patient");
  g_assert_nonnull (strstr (row, "10 calendar days"));

  /* A California patient's request opened now is timed by version 2. */
  created = cst_test_db_add_request_for (clerk, "DR-1", "Ana Ruiz", CST_REQUESTER_PATIENT, "CA");
  request = cst_request_repo_get (clerk, cst_request_get_id (created), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cst_request_get_deadline (request)->rule, ==, "CA-patient@2");
  cst_input_today (&expected);
  g_date_add_days (&expected, 10);
  g_assert_true (cst_request_has_legal_deadline (request));
  g_assert_cmpint (g_date_compare (cst_request_get_due_date (request), &expected), ==, 0);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  cst_test_gui_init (&argc, &argv);
  g_test_add_func ("/deadline-rules/clerk-reads", test_clerk_reads);
  g_test_add_func ("/deadline-rules/admin-saves-version", test_admin_saves_version);
  return cst_test_db_run (&db);
}
