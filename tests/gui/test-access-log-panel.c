/* test-access-log-panel.c — the access log in the Reports page under a
 * headless X server: the auditor shows a period and sees exactly the
 * individuals' requests of it with their dates, days and formats, the
 * totals and shares answered within 30 and 15 days; a bad period is said
 * in words; the CSV saved from the page is the log's */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "cst-access-log-panel.h"
#include "cst-reports-page.h"
#include "cst-test-gui.h"

static CstTestDb *db;

static char *
insert_returning (PGconn      *owner,
                  const char  *sql,
                  int          n,
                  const char **params)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = cst_db_exec (owner, sql, n, params, &error);

  g_assert_no_error (error);
  return g_strdup (cst_db_value (res, 0, 0));
}

static char *
add_request (PGconn     *owner,
             const char *reference,
             const char *kind,
             const char *received)
{
  g_autofree char *requester = insert_returning (owner,
    "INSERT INTO requesters (kind, name) VALUES ($1::requester_kind, 'Requester') RETURNING id",
    1, (const char *[]) { kind });

  return insert_returning (owner,
    "INSERT INTO roi_requests (reference, patient_id, requester_id, received_date, jurisdiction, page_count)"
    " SELECT $1, id, $2, $3, 'PA', 9 FROM patients LIMIT 1 RETURNING id",
    3, (const char *[]) { reference, requester, received });
}

/* PANEL-A, the patient's, released ten days after 2025-04-01 (history
 * written directly, the triggers that stamp today off); PANEL-B, a
 * representative's of 2025-04-20, open; an attorney's, never listed. */
static void
seed (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *a = NULL;

  g_object_unref (cst_test_db_add_request (owner, "PANEL-MRN"));
  a = add_request (owner, "PANEL-A", "patient", "2025-04-01");
  g_free (add_request (owner, "PANEL-B", "personal_representative", "2025-04-20"));
  g_free (add_request (owner, "PANEL-LAWYER", "attorney", "2025-04-10"));
  cst_test_db_exec_ok (owner,
                       "INSERT INTO disclosures (patient_id, request_id, disclosed_on, recipient_name,"
                       "                         phi_description, purpose_statement)"
                       " SELECT patient_id, id, '2025-04-11', 'Patient', 'Records', 'Access' FROM roi_requests"
                       " WHERE id = $1", 1, (const char *[]) { a });
  cst_test_db_exec_ok (owner, "ALTER TABLE roi_requests DISABLE TRIGGER USER", 0, NULL);
  cst_test_db_exec_ok (owner, "UPDATE roi_requests SET status = 'released' WHERE id = $1", 1,
                       (const char *[]) { a });
  cst_test_db_exec_ok (owner, "ALTER TABLE roi_requests ENABLE TRIGGER USER", 0, NULL);
}

static gboolean
panel_idle (gpointer panel)
{
  return !cst_access_log_panel_get_busy (panel);
}

static CstAccessLogPanel *
open_panel (GtkWindow **window_out)
{
  g_autofree char *auditor = cst_test_db_create_login (db, "custodian_auditor");
  g_autoptr(CstConnection) connection = cst_connection_new (auditor);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *page = cst_reports_page_new ();

  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 700);
  cst_reports_page_set_connection (CST_REPORTS_PAGE (page), connection);
  gtk_window_present (GTK_WINDOW (window));
  *window_out = GTK_WINDOW (window);
  return cst_reports_page_get_access_log (CST_REPORTS_PAGE (page));
}

static void
show (CstAccessLogPanel *panel,
      const char        *from,
      const char        *to)
{
  cst_access_log_panel_set_period (panel, from, to);
  gtk_widget_activate_action (GTK_WIDGET (panel), "access-log.run", NULL);
  g_assert_true (cst_test_gui_wait_until (panel_idle, panel));
}

static void
test_show_and_save (void)
{
  GtkWindow *window;
  CstAccessLogPanel *panel = open_panel (&window);
  g_autofree char *dir = g_dir_make_tmp ("access-panel-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "log.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *csv = NULL;

  show (panel, "2025-04-01", "2025-06-30");
  g_assert_null (cst_access_log_panel_get_error (panel));
  g_assert_cmpuint (cst_access_log_panel_get_n_rows (panel), ==, 2);
  g_assert_cmpstr (cst_access_log_panel_get_text (panel, 0, "reference"), ==, "PANEL-A");
  g_assert_cmpstr (cst_access_log_panel_get_text (panel, 0, "received"), ==, "04/01/2025");
  g_assert_cmpstr (cst_access_log_panel_get_text (panel, 0, "completed"), ==, "04/11/2025");
  g_assert_cmpstr (cst_access_log_panel_get_text (panel, 0, "days"), ==, "10");
  g_assert_cmpstr (cst_access_log_panel_get_text (panel, 0, "formats"), ==, "Electronic / —");
  g_assert_cmpstr (cst_access_log_panel_get_text (panel, 1, "reference"), ==, "PANEL-B");
  g_assert_cmpstr (cst_access_log_panel_get_text (panel, 1, "days"), ==, "—");
  g_assert_nonnull (strstr (cst_access_log_panel_get_summary (panel),
                            "Answered within 30 days: 1 of 2 (50.0%); within 15 days: 1 of 2 (50.0%)"));

  /* A period that ends before it starts is refused in words. */
  show (panel, "2025-06-30", "2025-04-01");
  g_assert_nonnull (cst_access_log_panel_get_error (panel));
  g_assert_cmpuint (cst_access_log_panel_get_n_rows (panel), ==, 2);

  /* The CSV of the period on screen. */
  cst_access_log_panel_export (panel, file, CST_ACCESS_LOG_FORMAT_CSV);
  g_assert_true (cst_access_log_panel_get_busy (panel));
  g_assert_true (cst_test_gui_wait_until (panel_idle, panel));
  g_assert_cmpstr (cst_access_log_panel_get_status (panel), ==, "Saved the access log (2 requests).");
  g_assert_true (g_file_get_contents (path, &csv, NULL, NULL));
  g_assert_true (g_str_has_prefix (csv, "reference,requester_class,received_date,"));
  g_assert_nonnull (strstr (csv, "\r\nPANEL-A,patient,2025-04-01,"));
  g_assert_null (strstr (csv, "PANEL-LAWYER"));

  gtk_window_destroy (window);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  int status;

  cst_test_gui_init (&argc, &argv);
  db = cst_test_db_new ();
  seed ();
  g_test_add_func ("/access-log-panel/show-and-save", test_show_and_save);
  status = g_test_run ();
  cst_test_db_free (db);
  return status;
}
