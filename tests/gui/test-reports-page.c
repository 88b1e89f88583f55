/* test-reports-page.c — the Reports area under a headless X server: an
 * auditor runs the fee report on seeded invoices and sees exactly those
 * requests, their totals and the planted flag; the filters narrow it; a
 * CSV export reads back; an export cancelled while it runs leaves no
 * file; and in the main window a request of the list opens in the
 * Requests page */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "cst-facility-chooser.h"
#include "cst-reports-page.h"
#include "cst-request-list-page.h"
#include "cst-test-facilities.h"
#include "cst-test-gui.h"
#include "cst-window.h"

#define N_SEEDED 3

static CstTestDb *db;
static char *clerk_login;
static gint64 seeded_ids[N_SEEDED];
static char *seeded_refs[N_SEEDED];
static gint64 seeded_total;
static char today[16];

static gboolean
page_idle (gpointer page)
{
  return !cst_reports_page_get_busy (page);
}

static CstFeeQuote *
attorney_quote (PGconn *conn)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstFeeScheduleSet) set = cst_fee_repo_load_schedules (conn, &error);
  CstFeeQuote *quote;
  CstFeeRequest r;

  g_assert_no_error (error);
  cst_fee_request_init (&r);
  g_assert_true (cst_fee_request_set_jurisdiction (&r, "PA", NULL));
  /* The seeded schedules cover 2025, so the requests are dated as
   * received then: an invoice is issued only for the request's own date
   * (0058). */
  g_assert_true (cst_input_parse_date ("2025-06-02", &r.received, NULL));
  r.requester = CST_FEE_REQUESTER_ATTORNEY;
  r.format = CST_FEE_FORMAT_PAPER;
  r.pages = 40;
  r.delivery = CST_FEE_DELIVERY_PICKUP;
  quote = cst_fee_engine_quote (set, &r, &error);
  g_assert_no_error (error);
  return quote;
}

/* Three invoiced PA requests received on 2025-06-02, the last overridden by the
 * clerk, and one request without an invoice (never reported). */
static void
seed (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *clerk_info = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) clerk = cst_db_connect (clerk_info, NULL);
  g_autoptr(CstFeeQuote) quote = attorney_quote (owner);
  g_autoptr(PGresult) who = cst_db_exec (clerk, "SELECT session_user", 0, NULL, NULL);
  GDate date;

  cst_input_today (&date);
  g_date_strftime (today, sizeof today, "%Y-%m-%d", &date);
  clerk_login = g_strdup (cst_db_value (who, 0, 0));
  for (guint i = 0; i <= N_SEEDED; i++)
    {
      g_autofree char *mrn = g_strdup_printf ("REPORTS-%u", i);
      g_autoptr(CstRequest) request = cst_test_db_add_request_for (owner, mrn, "Dewey, Cheatham & Howe",
                                                                   CST_REQUESTER_ATTORNEY, "PA");
      g_autoptr(CstFeeInvoice) invoice = NULL;
      g_autoptr(GError) error = NULL;
      gboolean override = i == N_SEEDED - 1;

      if (i == N_SEEDED)
        break;   /* the uninvoiced one */
      seeded_ids[i] = cst_request_get_id (request);
      seeded_refs[i] = g_strdup (cst_request_get_reference (request));
      {
        g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, seeded_ids[i]);

        cst_test_db_exec_ok (owner, "UPDATE roi_requests SET received_date = '2025-06-02' WHERE id = $1",
                             1, (const char *[]) { id });
      }
      invoice = cst_fee_repo_issue_invoice (clerk, seeded_ids[i], quote,
                                             override ? cst_fee_quote_get_total_cents (quote) - 500
                                                      : CST_FEE_UNSET,
                                             override ? "Hardship, policy 4.2" : NULL, &error);
      g_assert_no_error (error);
      seeded_total += invoice->total_cents;
    }
}

static void
note_opened_cb (CstReportsPage *page,
                gint64          request_id,
                gint64         *opened)
{
  *opened = request_id;
}

static CstReportsPage *
open_page (GtkWindow **window_out)
{
  g_autofree char *auditor = cst_test_db_create_login (db, "custodian_auditor");
  g_autoptr(CstConnection) connection = cst_connection_new (auditor);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *overlay = adw_toast_overlay_new ();
  GtkWidget *page = cst_reports_page_new ();

  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), page);
  gtk_window_set_child (GTK_WINDOW (window), overlay);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 700);
  cst_reports_page_set_connection (CST_REPORTS_PAGE (page), connection);
  gtk_window_present (GTK_WINDOW (window));
  *window_out = GTK_WINDOW (window);
  return CST_REPORTS_PAGE (page);
}

static void
run (CstReportsPage *page)
{
  gtk_widget_activate_action (GTK_WIDGET (page), "reports.run", NULL);
  g_assert_true (cst_reports_page_get_busy (page) || cst_reports_page_get_error (page));
  g_assert_true (cst_test_gui_wait_until (page_idle, page));
}

static guint
n_rows (CstReportsPage *page)
{
  return g_list_model_get_n_items (cst_reports_page_get_rows (page));
}

static void
test_run (void)
{
  GtkWindow *window;
  CstReportsPage *page = open_page (&window);
  GListModel *rows = cst_reports_page_get_rows (page);
  g_autofree char *money = cst_money_format (seeded_total);
  const char *totals;

  cst_reports_page_set_filters (page, "2000-01-01", today, "PA", NULL, NULL, NULL);
  run (page);
  g_assert_null (cst_reports_page_get_error (page));
  g_assert_cmpuint (n_rows (page), ==, N_SEEDED);
  for (guint i = 0; i < N_SEEDED; i++)
    {
      g_autoptr(CstReportRow) row = g_list_model_get_item (rows, i);
      gboolean override = i == N_SEEDED - 1;

      g_assert_cmpint (cst_report_row_get_request_id (row), ==, seeded_ids[i]);
      g_assert_cmpstr (cst_report_row_get_reference (row), ==, seeded_refs[i]);
      g_assert_cmpstr (cst_report_row_get_text (row, "class"), ==, "Attorney");
      /* The method in words, as the model labels it, never its code. */
      g_assert_cmpstr (cst_report_row_get_text (row, "method"), ==, "State schedule");
      g_assert_cmpstr (cst_report_row_get_text (row, "released"), ==, "Not released");
      /* en_US, which gtk_test_init() sets */
      g_assert_cmpstr (cst_report_row_get_text (row, "received"), ==, "06/02/2025");
      /* Flags in words: the override's, and no other. */
      g_assert_cmpuint (cst_report_row_get_flags (row) & CST_FEE_REPORT_FLAG_OVERRIDDEN, ==,
                        override ? CST_FEE_REPORT_FLAG_OVERRIDDEN : 0);
      if (override)
        g_assert_nonnull (strstr (cst_report_row_get_text (row, "flags"),
                                  cst_fee_report_flag_describe (CST_FEE_REPORT_FLAG_OVERRIDDEN)));
    }
  totals = cst_reports_page_get_totals_text (page);
  g_assert_nonnull (strstr (totals, "3 invoiced requests"));
  g_assert_nonnull (strstr (totals, money));
  g_assert_cmpint (cst_reports_page_get_flag_count (page, CST_FEE_REPORT_FLAG_OVERRIDDEN), ==, 1);
  g_assert_cmpint (cst_reports_page_get_flag_count (page, CST_FEE_REPORT_FLAG_RELEASED_LATE), ==, 0);

  /* The filters narrow the list: by clerk, by status, by state. */
  cst_reports_page_set_filters (page, "2000-01-01", today, NULL, "attorney", clerk_login, "received");
  run (page);
  g_assert_cmpuint (n_rows (page), ==, N_SEEDED);
  cst_reports_page_set_filters (page, "2000-01-01", today, NULL, NULL, "someone_else", NULL);
  run (page);
  g_assert_cmpuint (n_rows (page), ==, 0);
  g_assert_nonnull (strstr (cst_reports_page_get_totals_text (page), "0 invoiced requests"));
  cst_reports_page_set_filters (page, "2000-01-01", today, NULL, NULL, NULL, "released");
  run (page);
  g_assert_cmpuint (n_rows (page), ==, 0);
  cst_reports_page_set_filters (page, "2000-01-01", today, "NY", NULL, NULL, NULL);
  run (page);
  g_assert_cmpuint (n_rows (page), ==, 0);

  /* A bad period is said in words and changes nothing. */
  cst_reports_page_set_filters (page, "2000-01-01", today, "PA", NULL, NULL, NULL);
  run (page);
  cst_reports_page_set_filters (page, "2000-02-30", today, NULL, NULL, NULL, NULL);
  run (page);
  g_assert_nonnull (cst_reports_page_get_error (page));
  g_assert_cmpuint (n_rows (page), ==, N_SEEDED);

  /* Activating a row asks for that request. */
  {
    gint64 opened = 0;

    g_signal_connect (page, "open-request", G_CALLBACK (note_opened_cb), &opened);
    cst_reports_page_activate_row (page, 1);
    g_assert_cmpint (opened, ==, seeded_ids[1]);
  }
  gtk_window_destroy (window);
}

/* The list keeps the first requests of a long report and says so; the
 * totals still count every request.  Without the limit the note goes. */
static void
test_row_limit (void)
{
  GtkWindow *window;
  CstReportsPage *page = open_page (&window);
  const char *note;

  g_assert_null (cst_reports_page_get_limit_text (page));
  cst_reports_page_set_row_limit (page, 2);
  cst_reports_page_set_filters (page, "2000-01-01", today, "PA", NULL, NULL, NULL);
  run (page);
  g_assert_null (cst_reports_page_get_error (page));
  g_assert_cmpuint (n_rows (page), ==, 2);
  g_assert_nonnull (strstr (cst_reports_page_get_totals_text (page), "3 invoiced requests"));
  note = cst_reports_page_get_limit_text (page);
  g_assert_nonnull (note);
  g_assert_nonnull (strstr (note, "first 2 of 3 invoiced requests"));
  g_assert_nonnull (strstr (note, "Export"));
  {
    g_autoptr(CstReportRow) first = g_list_model_get_item (cst_reports_page_get_rows (page), 0);

    g_assert_cmpint (cst_report_row_get_request_id (first), ==, seeded_ids[0]);
  }

  cst_reports_page_set_row_limit (page, 0);
  run (page);
  g_assert_cmpuint (n_rows (page), ==, N_SEEDED);
  g_assert_null (cst_reports_page_get_limit_text (page));
  gtk_window_destroy (window);
}

static gboolean
file_exists (gpointer path)
{
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static guint
count_files (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (g_dir_read_name (listing) != NULL)
    n++;
  return n;
}

/* CSV and PDF exports of the report on screen: the files read back, the
 * export bar says so, and nothing else is left in the folder. */
static void
test_export (void)
{
  GtkWindow *window;
  CstReportsPage *page = open_page (&window);
  g_autofree char *dir = g_dir_make_tmp ("reports-page-XXXXXX", NULL);
  g_autofree char *csv_path = g_build_filename (dir, "fees.csv", NULL);
  g_autofree char *pdf_path = g_build_filename (dir, "fees.pdf", NULL);
  g_autoptr(GFile) csv = g_file_new_for_path (csv_path);
  g_autoptr(GFile) pdf = g_file_new_for_path (pdf_path);
  g_autofree char *text = NULL;
  g_autofree char *pdf_head = NULL;
  g_auto(GStrv) lines = NULL;
  gsize length = 0;

  /* Nothing to export before a report is on screen. */
  cst_reports_page_export (page, csv, CST_FEE_REPORT_FORMAT_CSV);
  g_assert_false (cst_reports_page_get_busy (page));
  cst_reports_page_set_filters (page, "2000-01-01", today, "PA", NULL, NULL, NULL);
  run (page);
  cst_reports_page_export (page, csv, CST_FEE_REPORT_FORMAT_CSV);
  g_assert_true (cst_reports_page_get_busy (page));
  g_assert_true (cst_test_gui_wait_until (page_idle, page));
  g_assert_nonnull (strstr (cst_reports_page_get_export_status (page), "Saved fees.csv (3 requests)"));
  g_assert_true (g_file_get_contents (csv_path, &text, &length, NULL));
  lines = g_strsplit (text, "\r\n", -1);
  g_assert_true (g_str_has_prefix (lines[0], "reference,received_date,"));
  for (guint i = 0; i < N_SEEDED; i++)
    g_assert_nonnull (strstr (text, seeded_refs[i]));
  g_assert_nonnull (strstr (text, "Hardship, policy 4.2"));
  /* Every line of every invoice, and the empty string after the last CRLF. */
  g_assert_cmpuint (g_strv_length (lines), >=, 1 + N_SEEDED + 1);
  g_assert_cmpstr (lines[g_strv_length (lines) - 1], ==, "");

  cst_reports_page_export (page, pdf, CST_FEE_REPORT_FORMAT_PDF);
  g_assert_true (cst_test_gui_wait_until (page_idle, page));
  g_assert_true (g_file_get_contents (pdf_path, &pdf_head, &length, NULL));
  g_assert_true (g_str_has_prefix (pdf_head, "%PDF-"));
  g_assert_cmpuint (count_files (dir), ==, 2);
  g_unlink (csv_path);
  g_unlink (pdf_path);
  g_rmdir (dir);
  gtk_window_destroy (window);
}

/* With a report database set, the page reads from it and says as of when;
 * its export's audit row still goes to the primary (the report database
 * is opened read-only: here the same database, which, not being a standby,
 * is read as of now).  One nobody answers at is said, with the main
 * database offered, and the button reads from it. */
static void
test_report_database (void)
{
  GtkWindow *window;
  CstReportsPage *page = open_page (&window);
  g_autofree char *auditor = cst_test_db_create_login (db, "custodian_auditor");
  g_autofree char *dir = g_dir_make_tmp ("reports-page-XXXXXX", NULL);
  g_autofree char *csv_path = g_build_filename (dir, "replica.csv", NULL);
  g_autoptr(GFile) csv = g_file_new_for_path (csv_path);
  g_autofree char *on_screen = NULL;
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  const char *exported_sql =
    "SELECT count(*) FROM audit_log WHERE action = 'EVENT' AND new_row->>'kind' = 'report.exported'";
  gint64 exported_before = cst_test_db_int (owner, exported_sql, 0, NULL);
  GtkWidget *button;

  g_assert_null (cst_reports_page_get_as_of_text (page));
  cst_reports_page_set_report_database (page, auditor, 300);
  cst_reports_page_set_filters (page, "2000-01-01", today, "PA", NULL, NULL, NULL);
  run (page);
  g_assert_null (cst_reports_page_get_error (page));
  g_assert_null (cst_reports_page_get_replica_problem (page));
  g_assert_true (g_str_has_prefix (cst_reports_page_get_as_of_text (page), "As of "));
  g_assert_nonnull (strstr (cst_reports_page_get_as_of_text (page), "(from the report database)"));
  on_screen = cst_test_gui_collect_text (GTK_WIDGET (page));
  g_assert_nonnull (strstr (on_screen, "As of "));
  g_assert_cmpuint (n_rows (page), ==, N_SEEDED);

  cst_reports_page_export (page, csv, CST_FEE_REPORT_FORMAT_CSV);
  g_assert_true (cst_test_gui_wait_until (page_idle, page));
  g_assert_nonnull (strstr (cst_reports_page_get_export_status (page), "Saved replica.csv (3 requests)"));
  g_assert_cmpint (cst_test_db_int (owner, exported_sql, 0, NULL), ==, exported_before + 1);

  cst_reports_page_set_report_database (page, "host=/nonexistent-custodian-replica dbname=none", 300);
  run (page);
  g_assert_nonnull (strstr (cst_reports_page_get_replica_problem (page), "cannot be reached"));
  g_assert_null (cst_reports_page_get_as_of_text (page));
  button = cst_test_gui_find_button (GTK_WIDGET (page), "Use the _Main Database");
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
  g_assert_true (cst_reports_page_get_busy (page));
  g_assert_true (cst_test_gui_wait_until (page_idle, page));
  g_assert_cmpstr (cst_reports_page_get_replica_problem (page), ==, NULL);
  g_assert_cmpstr (cst_reports_page_get_as_of_text (page), ==, "Read from the main database, up to the minute.");
  g_assert_cmpuint (n_rows (page), ==, N_SEEDED);
  g_unlink (csv_path);
  g_rmdir (dir);
  gtk_window_destroy (window);
}

/* An export cancelled while it runs: the owner holds a lock on the
 * invoices so the export is caught mid-way with its temporary file open;
 * Cancel, then the lock goes, and the export stops before its first
 * request and leaves the folder empty. */
static void
test_cancel (void)
{
  GtkWindow *window;
  CstReportsPage *page = open_page (&window);
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("reports-page-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "fees.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  gint64 deadline;

  cst_reports_page_set_filters (page, "2000-01-01", today, "PA", NULL, NULL, NULL);
  run (page);
  g_assert_true (cst_db_exec_command (owner, "BEGIN", 0, NULL, &error));
  g_assert_true (cst_db_exec_command (owner, "LOCK TABLE invoices IN ACCESS EXCLUSIVE MODE", 0, NULL, &error));
  g_assert_no_error (error);
  cst_reports_page_export (page, file, CST_FEE_REPORT_FORMAT_CSV);
  /* The temporary file beside the target appears while the export waits. */
  deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;
  while (count_files (dir) == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (2000), TRUE);
  g_assert_cmpuint (count_files (dir), ==, 1);
  g_assert_true (cst_reports_page_get_busy (page));
  gtk_widget_activate_action (GTK_WIDGET (page), "reports.cancel-export", NULL);
  g_assert_true (cst_db_exec_command (owner, "COMMIT", 0, NULL, &error));
  g_assert_true (cst_test_gui_wait_until (page_idle, page));
  g_assert_nonnull (strstr (cst_reports_page_get_export_status (page), "cancelled"));
  g_assert_false (file_exists (path));
  g_assert_cmpuint (count_files (dir), ==, 0);

  /* The page can export again after a cancel. */
  cst_reports_page_export (page, file, CST_FEE_REPORT_FORMAT_CSV);
  g_assert_true (cst_test_gui_wait_until (page_idle, page));
  g_assert_true (file_exists (path));
  g_unlink (path);
  g_rmdir (dir);
  gtk_window_destroy (window);
}

static gboolean
store_loaded (gpointer store)
{
  return !cst_request_store_get_loading (store);
}

static gboolean
page_hidden (gpointer page)
{
  return !gtk_widget_get_mapped (page);
}

/* What Ctrl+E does: the page's own shortcut, run as the window would. */
static gboolean
press_export_shortcut (CstReportsPage *page)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (page));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);
      g_autoptr(GtkShortcut) shortcut = NULL;
      g_autoptr(GtkShortcutTrigger) ctrl_e = gtk_keyval_trigger_new (GDK_KEY_e, GDK_CONTROL_MASK);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      shortcut = g_list_model_get_item (G_LIST_MODEL (controller), 0);
      g_assert_true (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), ctrl_e));
      return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, GTK_WIDGET (page), NULL);
    }
  g_assert_not_reached ();
}

/* Closes the file chooser transient for @parent; FALSE when there is none. */
static gboolean
close_file_chooser (GtkWindow *parent)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l; l = l->next)
    if (GTK_IS_FILE_CHOOSER (l->data) && gtk_window_get_transient_for (l->data) == parent &&
        gtk_widget_get_visible (l->data))
      {
        gtk_dialog_response (GTK_DIALOG (l->data), GTK_RESPONSE_CANCEL);
        cst_test_iterate_for (200);
        return TRUE;
      }
  return FALSE;
}

static gboolean
list_settled (gpointer list)
{
  return !cst_request_list_page_is_filtering (list);
}

/* In the main window: the Reports page is there, and a request activated
 * in its list is selected in the Requests page. */
static void
test_in_window (void)
{
  g_autofree char *login = cst_test_db_create_login (db, "custodian_auditor");
  g_autoptr(CstConnection) connection = cst_connection_new (login);
  g_autoptr(CstRequestStore) store = cst_request_store_new (connection);
  CstWindow *window;
  CstReportsPage *page;
  CstRequestListPage *list;
  CstRequest *selected;

  cst_request_store_load_async (store, NULL, NULL, NULL);
  g_assert_true (cst_test_gui_wait_until (store_loaded, store));
  window = cst_window_new (NULL);
  cst_window_set_store (window, store);
  gtk_window_present (GTK_WINDOW (window));
  cst_window_show_view (window, "reports");
  page = CST_REPORTS_PAGE (cst_test_gui_find_descendant (GTK_WIDGET (window), CST_TYPE_REPORTS_PAGE));
  g_assert_nonnull (page);
  cst_reports_page_set_filters (page, "2000-01-01", today, "PA", NULL, NULL, NULL);
  run (page);
  g_assert_cmpuint (n_rows (page), ==, N_SEEDED);
  g_assert_null (cst_reports_page_get_as_of_text (page));
  /* A report database saved in Preferences is read from the next run. */
  {
    g_autoptr(GSettings) settings = cst_settings_new_if_installed ();

    g_assert_nonnull (settings);
    g_settings_set_string (settings, "report-database", login);
    run (page);
    g_assert_true (g_str_has_prefix (cst_reports_page_get_as_of_text (page), "As of "));
    g_settings_reset (settings, "report-database");
    run (page);
    g_assert_null (cst_reports_page_get_as_of_text (page));
  }
  list = CST_REQUEST_LIST_PAGE (cst_window_get_list_page (window));
  g_assert_true (cst_test_gui_wait_until (list_settled, list));
  /* Ctrl+E opens the file chooser while the page is on screen. */
  g_assert_true (cst_test_gui_wait_until ((gboolean (*) (gpointer)) gtk_widget_get_mapped, page));
  g_assert_true (press_export_shortcut (page));
  g_assert_true (close_file_chooser (GTK_WINDOW (window)));
  cst_reports_page_activate_row (page, 2);
  selected = cst_request_list_page_get_selected (list);
  g_assert_nonnull (selected);
  g_assert_cmpint (cst_request_get_id (selected), ==, seeded_ids[2]);
  /* On the Requests page Ctrl+E is left to others. */
  g_assert_true (cst_test_gui_wait_until (page_hidden, page));
  g_assert_false (press_export_shortcut (page));
  g_assert_false (close_file_chooser (GTK_WINDOW (window)));
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
chooser_loaded (gpointer chooser)
{
  return !cst_facility_chooser_is_loading (chooser) &&
         cst_facility_chooser_get_n_facilities (chooser) > 1;
}

/* The fee report of one facility (issue 22): the chooser beside the
 * filters reaches the report's facility filter; "All" reports the system.
 * The first seeded request is moved to a second facility (set-up only,
 * as the owner, the audit triggers off). */
static void
test_facility (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) admin = cst_test_db_connect_as (db, "custodian_admin");
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, seeded_ids[0]);
  GtkWindow *window = NULL;
  CstReportsPage *page;
  CstFacilityChooser *chooser;

  cst_test_facility_add (admin, "NORTH", "North Clinic", "PA");
  cst_test_db_exec_ok (owner, "SET session_replication_role = replica", 0, NULL);
  cst_test_db_exec_ok (owner, "UPDATE roi_requests SET facility_id = (SELECT id FROM facilities "
                       "WHERE code = 'NORTH') WHERE id = $1", 1, (const char *[]) { id });
  page = open_page (&window);
  chooser = cst_reports_page_get_facility_chooser (page);
  g_assert_true (cst_test_gui_wait_until (chooser_loaded, chooser));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (chooser)));
  cst_reports_page_set_filters (page, "2000-01-01", today, NULL, NULL, NULL, NULL);
  run (page);
  g_assert_null (cst_reports_page_get_error (page));
  g_assert_cmpuint (n_rows (page), ==, N_SEEDED);
  g_assert_true (cst_facility_chooser_select_code (chooser, "NORTH"));
  run (page);
  g_assert_null (cst_reports_page_get_error (page));
  g_assert_cmpuint (n_rows (page), ==, 1);
  gtk_window_destroy (window);
}

int
main (int argc, char **argv)
{
  int status;

  cst_test_gui_init (&argc, &argv);
  db = cst_test_db_new ();
  seed ();
  g_test_add_func ("/reports-page/run", test_run);
  g_test_add_func ("/reports-page/row-limit", test_row_limit);
  g_test_add_func ("/reports-page/export", test_export);
  g_test_add_func ("/reports-page/cancel", test_cancel);
  g_test_add_func ("/reports-page/report-database", test_report_database);
  g_test_add_func ("/reports-page/in-window", test_in_window);
  g_test_add_func ("/reports-page/facility", test_facility);
  status = g_test_run ();
  cst_test_db_free (db);
  g_free (clerk_login);
  for (guint i = 0; i < N_SEEDED; i++)
    g_free (seeded_refs[i]);
  return status;
}
