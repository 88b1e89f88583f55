/* take-screenshots.c — screenshots of the main pages with demo data, for
 * the README and the AppStream metainfo
 *
 *   build-aux/take-screenshots.sh    (starts the throwaway server and Xvfb)
 *
 * Renders each window through GTK's own renderer into a PNG, so the
 * picture is exactly what GTK drew, independent of the X server.
 */
#include "config.h"

#include <adwaita.h>

#include "cst-reports-page.h"
#include "cst-request-list-page.h"
#include "cst-request-detail.h"
#include "cst-smoke.h"
#include "cst-test-db.h"
#include "cst-test-gui.h"
#include "cst-window.h"
#include "cst-renderer.h"

static void
save_window (GtkWidget  *window,
             const char *path)
{
  g_autoptr(GError) error = NULL;

  if (!cst_widget_save_png (window, path, &error))
    g_error ("%s", error->message);
  g_print ("%s\n", path);
}

static GtkWidget *
find_widget (GtkWidget *widget,
             GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type);
      if (found)
        return found;
    }
  return NULL;
}

/* The fee report for the last year of demo data. */
static void
save_reports (CstWindow  *window,
              const char *out_dir)
{
  g_autofree char *reports_path = g_build_filename (out_dir, "reports.png", NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) year_ago = g_date_time_add_years (now, -1);
  g_autofree char *to = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *from = g_date_time_format (year_ago, "%Y-%m-%d");
  GtkWidget *reports = find_widget (GTK_WIDGET (window), CST_TYPE_REPORTS_PAGE);

  if (reports == NULL)
    g_error ("The window has no reports page");
  cst_window_show_view (window, "reports");
  cst_reports_page_set_filters (CST_REPORTS_PAGE (reports), from, to, NULL, NULL, NULL, NULL);
  cst_reports_page_run (CST_REPORTS_PAGE (reports));
  cst_test_wait_while ((CstTestCondition) cst_reports_page_get_busy, reports, 30);
  cst_test_iterate_for (1000);
  save_window (GTK_WIDGET (window), reports_path);
}

int
main (int argc, char **argv)
{
  const char *out_dir = argc > 1 ? argv[1] : ".";
  g_autoptr(CstTestDb) db = NULL;
  g_autoptr(CstConnection) connection = NULL;
  g_autoptr(CstRequestStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *main_path = g_build_filename (out_dir, "main-window.png", NULL);
  g_autofree char *dialog_path = g_build_filename (out_dir, "new-request.png", NULL);
  g_autofree char *dashboard_path = g_build_filename (out_dir, "dashboard.png", NULL);
  CstWindow *window;
  CstRequestListPage *page;
  GtkWindow *dialog;

  cst_renderer_prepare ();
  gtk_init ();
  adw_init ();
  db = cst_test_db_new ();
  {
    g_autoptr(PGconn) conn = cst_test_db_connect (db);
    /* As `db seed-demo` does: released requests invoiced, so the
     * dashboard's fees and the report have something to show. */
    if (!cst_demo_seed (conn, 120, &error) || cst_demo_invoice (conn, 500, &error) < 0)
      g_error ("%s", error->message);
  }
  connection = cst_connection_new (db->conninfo);
  store = cst_request_store_new (connection);
  cst_request_store_load_async (store, NULL, NULL, NULL);
  while (cst_request_store_get_loading (store))
    g_main_context_iteration (NULL, TRUE);

  window = cst_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1360, 800);
  cst_window_set_store (window, store);
  gtk_window_present (GTK_WINDOW (window));
  cst_test_iterate_for (800);
  page = CST_REQUEST_LIST_PAGE (cst_window_get_list_page (window));
  {
    g_autoptr(CstRequest) first = g_list_model_get_item (cst_request_list_page_get_visible (page), 2);
    cst_request_list_page_select (page, first);
  }
  cst_test_iterate_for (1500);
  save_window (GTK_WIDGET (window), main_path);

  cst_window_show_view (window, "dashboard");
  cst_test_iterate_for (2000);
  save_window (GTK_WIDGET (window), dashboard_path);
  save_reports (window, out_dir);
  cst_window_show_view (window, "requests");
  cst_test_iterate_for (300);

  dialog = cst_window_open_new_request (window);
  cst_test_iterate_for (800);
  save_window (GTK_WIDGET (dialog), dialog_path);
  return 0;
}
