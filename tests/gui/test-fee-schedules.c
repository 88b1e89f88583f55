/* test-fee-schedules.c — the fee schedules window: an administrator's edit
 * is checked and saved as a new version; a bad edit is refused with a
 * clear message; a clerk cannot save */
#include "config.h"

#include <adwaita.h>

#include "cst-fee-schedules-window.h"
#include "cst-test-db.h"
#include "cst-test-gui.h"

static CstTestDb *db;

static void
wait_idle (CstFeeSchedulesWindow *window)
{
  g_assert_true (cst_test_wait_while ((CstTestCondition) cst_fee_schedules_window_is_busy,
                                          window, 15));
}

static CstFeeSchedulesWindow *
open_as (const char *role)
{
  g_autofree char *login = cst_test_db_create_login (db, role);
  g_autoptr(CstConnection) connection = cst_connection_new (login);
  CstFeeSchedulesWindow *window = cst_fee_schedules_window_new (NULL, connection);

  gtk_window_present (GTK_WINDOW (window));
  wait_idle (window);
  g_assert_cmpuint (cst_fee_schedules_window_get_n_schedules (window), >, 30);
  cst_fee_schedules_window_select (window, "TX-hospital");
  wait_idle (window);
  g_assert_cmpint (cst_fee_schedules_window_get_version (window), >=, 1);
  return window;
}

static char *
tx_text_with (const char *old_line,
              const char *new_line)
{
  g_autoptr(CstFeeScheduleSet) seed = cst_fee_schedule_set_new_from_seed (NULL);
  g_autofree char *text = cst_fee_schedule_to_text (cst_fee_schedule_set_lookup (seed, "TX-hospital"));
  g_autoptr(GString) edited = g_string_new (text);

  g_assert_nonnull (strstr (text, old_line));
  g_string_replace (edited, old_line, new_line, 1);
  return g_string_free (g_steal_pointer (&edited), FALSE);
}

static void
test_admin_edits (void)
{
  CstFeeSchedulesWindow *window = open_as ("custodian_admin");
  g_autofree char *negative = tx_text_with ("11-60:100", "11-60:-100");
  g_autofree char *cheaper = tx_text_with ("11-60:100", "11-60:90");

  g_assert_cmpint (cst_fee_schedules_window_get_version (window), ==, 1);
  cst_fee_schedules_window_set_text (window, negative);
  gtk_widget_activate_action (GTK_WIDGET (window), "schedules.save", NULL);
  wait_idle (window);
  g_assert_nonnull (cst_fee_schedules_window_get_message (window));
  g_assert_cmpint (cst_fee_schedules_window_get_version (window), ==, 1);

  cst_fee_schedules_window_set_text (window, cheaper);
  gtk_widget_activate_action (GTK_WIDGET (window), "schedules.save", NULL);
  wait_idle (window);
  g_assert_null (cst_fee_schedules_window_get_message (window));
  g_assert_cmpint (cst_fee_schedules_window_get_version (window), ==, 2);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Issue 17: a schedule that runs out within 60 days with nothing after it
 * is named at the top of the window, with the period to enter. */
static void
test_expiring_named (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  CstFeeSchedulesWindow *window;
  const char *shown;

  cst_test_db_save_schedule (owner, "[WA-facility-ending]\nkind=facility\njurisdiction=WA\nrequesters=insurer\n"
                             "effective-from=2021-01-01\neffective-to=%s\nconfidence=C\n"
                             "citation=Hospital fee policy\npaper=1-:25\n", 30);
  window = open_as ("custodian_admin");
  shown = cst_fee_schedules_window_get_expiry_text (window);
  g_test_message ("shown: %s", shown);
  g_assert_nonnull (shown);
  g_assert_nonnull (strstr (shown, "WA ends"));
  g_assert_nonnull (strstr (shown, "WA-facility-ending"));
  /* New York sets no maximum for an attorney's copy, and no hospital
   * schedule prices it: said here once. */
  g_assert_nonnull (strstr (shown, "NY law as read sets no maximum"));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Issue 17: only an administrator can enter the next period's amounts, so
 * only an administrator is told (as on the dashboard): a clerk sees no
 * warning though a schedule is running out and New York's attorney copies
 * are unpriced. */
static void
test_expiring_hidden_from_clerk (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  CstFeeSchedulesWindow *window;

  cst_test_db_save_schedule (owner, "[WA-facility-ending-clerk]\nkind=facility\njurisdiction=WA\n"
                             "requesters=provider\neffective-from=2021-01-01\neffective-to=%s\nconfidence=C\n"
                             "citation=Hospital fee policy\npaper=1-:25\n", 30);
  window = open_as ("custodian_clerk");
  g_assert_null (cst_fee_schedules_window_get_expiry_text (window));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Issue 17: the schedule as a form — the paper tiers as rows, amounts as
 * money, dates as dates — saved through the same whole-set check as the
 * text: a malformed date is refused, a new amount becomes version 2 with
 * every other key kept. */
static void
test_admin_edits_form (void)
{
  CstFeeSchedulesWindow *window = open_as ("custodian_admin");
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  int before = cst_fee_schedules_window_get_version (window);

  cst_fee_schedules_window_show_form (window);
  g_assert_cmpuint (cst_fee_schedules_window_get_n_tiers (window), ==, 4);   /* 1-10, 11-60, 61-400, 401- */

  cst_fee_schedules_window_set_form_date (window, TRUE, "2031-02-30");
  gtk_widget_activate_action (GTK_WIDGET (window), "schedules.save", NULL);
  wait_idle (window);
  g_assert_nonnull (cst_fee_schedules_window_get_message (window));
  g_assert_cmpint (cst_fee_schedules_window_get_version (window), ==, before);

  cst_fee_schedules_window_set_form_date (window, TRUE, "");
  cst_fee_schedules_window_set_tier_amount (window, 2, "$0.45");
  gtk_widget_activate_action (GTK_WIDGET (window), "schedules.save", NULL);
  wait_idle (window);
  g_assert_null (cst_fee_schedules_window_get_message (window));
  g_assert_cmpint (cst_fee_schedules_window_get_version (window), ==, before + 1);

  versions = cst_fee_repo_list_versions (owner, "TX-hospital", &error);
  g_assert_no_error (error);
  text = cst_fee_schedule_to_text (g_ptr_array_index (versions, 0));
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "paper=1-10:=3000;11-60:"));   /* the earlier test may have set 11-60 */
  g_assert_nonnull (strstr (text, ";61-400:45;401-:25\n"));
  g_assert_nonnull (strstr (text, "microform=1-10:=4500;11-:100"));   /* a key the form does not show, kept */
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_clerk_cannot_save (void)
{
  CstFeeSchedulesWindow *window = open_as ("custodian_clerk");
  g_autofree char *cheaper = tx_text_with ("61-400:50", "61-400:40");
  int version = cst_fee_schedules_window_get_version (window);

  cst_fee_schedules_window_set_text (window, cheaper);
  gtk_widget_activate_action (GTK_WIDGET (window), "schedules.save", NULL);
  wait_idle (window);
  g_assert_nonnull (cst_fee_schedules_window_get_message (window));
  g_assert_cmpint (cst_fee_schedules_window_get_version (window), ==, version);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* An attorney's paper request of @pages pages in @state received on
 * @received, quoted from the schedules stored now. */
static CstFeeQuote *
quote_attorney_paper (PGconn      *conn,
                      const char  *state,
                      const GDate *received,
                      int          pages)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstFeeScheduleSet) set = cst_fee_repo_load_schedules (conn, &error);
  CstFeeQuote *quote;
  CstFeeRequest r;

  g_assert_no_error (error);
  cst_fee_request_init (&r);
  g_assert_true (cst_fee_request_set_jurisdiction (&r, state, NULL));
  r.received = *received;
  r.requester = CST_FEE_REQUESTER_ATTORNEY;
  r.format = CST_FEE_FORMAT_PAPER;
  r.pages = pages;
  quote = cst_fee_engine_quote (set, &r, &error);
  g_assert_no_error (error);
  return quote;
}

/* A hospital's own, lower amounts: a new schedule of kind facility, which
 * the engine then charges instead of the state maximum. */
static void
test_admin_adds_hospital_schedule (void)
{
  CstFeeSchedulesWindow *window = open_as ("custodian_admin");
  guint before = cst_fee_schedules_window_get_n_schedules (window);
  g_autoptr(PGconn) conn = cst_test_db_connect (db);
  g_autoptr(CstFeeQuote) quote = NULL;
  GDate today;

  gtk_widget_activate_action (GTK_WIDGET (window), "schedules.new", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "schedules.save", NULL);
  wait_idle (window);
  g_assert_null (cst_fee_schedules_window_get_message (window));
  g_assert_cmpuint (cst_fee_schedules_window_get_n_schedules (window), ==, before + 1);
  g_assert_cmpint (cst_fee_schedules_window_get_version (window), ==, 1);

  /* The same name twice is refused before anything is sent. */
  gtk_widget_activate_action (GTK_WIDGET (window), "schedules.new", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "schedules.save", NULL);
  wait_idle (window);
  g_assert_nonnull (strstr (cst_fee_schedules_window_get_message (window), "TX-facility"));
  g_assert_cmpuint (cst_fee_schedules_window_get_n_schedules (window), ==, before + 1);

  cst_input_today (&today);
  quote = quote_attorney_paper (conn, "TX", &today, 100);
  g_assert_cmpint (cst_fee_quote_get_total_cents (quote), ==, 100 * 25);
  g_assert_cmpint (cst_fee_quote_get_state_ceiling_cents (quote), >, 100 * 25);
  g_assert_cmpstr (cst_fee_quote_get_schedule_version (quote), ==, "TX-facility@1");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The state published next year's amounts: the administrator starts the
 * next period from this one's schedule and saves it; quotes for that
 * period then come from it, flagged unconfirmed until the amounts are
 * entered and confirmed. */
static void
test_admin_starts_next_period (void)
{
  CstFeeSchedulesWindow *window = open_as ("custodian_admin");
  guint before = cst_fee_schedules_window_get_n_schedules (window);
  g_autoptr(PGconn) conn = cst_test_db_connect (db);
  g_autoptr(GError) error = NULL;
  g_autoptr(CstFeeScheduleSet) set = NULL;
  g_autoptr(CstFeeQuote) quote = NULL;
  CstFeeSchedule *next;
  GDate received;

  cst_fee_schedules_window_select (window, "IL-2024");
  wait_idle (window);
  gtk_widget_activate_action (GTK_WIDGET (window), "schedules.next-period", NULL);
  g_assert_nonnull (strstr (cst_fee_schedules_window_get_message (window), "published"));
  gtk_widget_activate_action (GTK_WIDGET (window), "schedules.save", NULL);
  wait_idle (window);
  g_assert_null (cst_fee_schedules_window_get_message (window));
  g_assert_cmpuint (cst_fee_schedules_window_get_n_schedules (window), ==, before + 1);

  set = cst_fee_repo_load_schedules (conn, &error);
  g_assert_no_error (error);
  next = cst_fee_schedule_set_lookup (set, "IL-2025");
  g_assert_nonnull (next);
  g_assert_true (cst_fee_schedule_is_unconfirmed (next));
  g_date_clear (&received, 1);
  g_date_set_dmy (&received, 2, G_DATE_JUNE, 2025);
  quote = quote_attorney_paper (conn, "IL", &received, 10);
  g_assert_cmpstr (cst_fee_quote_get_schedule_version (quote), ==, "IL-2025@1");
  g_assert_true (cst_fee_quote_is_unconfirmed (quote));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  cst_test_gui_init (&argc, &argv);
  g_test_add_func ("/fee-schedules/admin-edits", test_admin_edits);
  g_test_add_func ("/fee-schedules/expiring-named", test_expiring_named);
  g_test_add_func ("/fee-schedules/expiring-hidden-from-clerk", test_expiring_hidden_from_clerk);
  g_test_add_func ("/fee-schedules/admin-edits-form", test_admin_edits_form);
  g_test_add_func ("/fee-schedules/clerk-cannot-save", test_clerk_cannot_save);
  g_test_add_func ("/fee-schedules/admin-adds-hospital-schedule", test_admin_adds_hospital_schedule);
  g_test_add_func ("/fee-schedules/admin-starts-next-period", test_admin_starts_next_period);
  return cst_test_db_run (&db);
}
