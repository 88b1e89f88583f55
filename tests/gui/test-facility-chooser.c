/* test-facility-chooser.c — the request list filters by facility (issue
 * 22): a clerk of two facilities chooses one of theirs from a dropdown
 * (not a typed code), and sees only its requests, even when a patient of
 * the other is named like the chosen facility's code; a facility the
 * clerk does not work for is not offered; a clerk of one facility has
 * nothing to choose; the administrator chooses among all.  The dashboard
 * shows the clerk's facilities' figures with each one's totals, or one
 * facility's chosen the same way. */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "cst-access-log-panel.h"
#include "cst-dashboard-page.h"
#include "cst-facility-chooser.h"
#include "cst-request-list-page.h"
#include "cst-test-facilities.h"
#include "cst-test-gui.h"
#include "cst-statement-workbench.h"
#include "cst-window.h"

static CstTestDb *db;

/* NORTH and SOUTH, the two-facility clerk's; EAST, another clerk's. */
static char *two_clerk;
static char *east_clerk;

static void
add_facilities (void)
{
  g_autoptr(PGconn) admin = cst_test_db_connect_as (db, "custodian_admin");
  g_autoptr(PGconn) two = NULL;
  g_autoptr(PGconn) east = NULL;
  g_autoptr(GError) error = NULL;
  CstRequest *made[4];

  cst_test_facility_add (admin, "NORTH", "North Clinic", "CA");
  cst_test_facility_add (admin, "SOUTH", "South Hospital", "TX");
  cst_test_facility_add (admin, "EAST", "East Center", "NY");
  two_clerk = cst_test_facility_clerk (db, admin, "NORTH,SOUTH");
  east_clerk = cst_test_facility_clerk (db, admin, "EAST");
  two = cst_db_connect (two_clerk, &error);
  g_assert_no_error (error);
  east = cst_db_connect (east_clerk, &error);
  g_assert_no_error (error);
  made[0] = cst_test_facility_request (two, "NORTH", "N-1", "Avery");
  /* Found by typing "north" in the search, but a SOUTH patient's. */
  made[1] = cst_test_facility_request (two, "SOUTH", "S-1", "Northcott");
  made[2] = cst_test_facility_request (two, "SOUTH", "S-2", "Brooks");
  made[3] = cst_test_facility_request (east, "EAST", "E-1", "Carter");
  for (guint i = 0; i < G_N_ELEMENTS (made); i++)
    g_object_unref (made[i]);
}

typedef struct
{
  CstRequestStore    *store;
  CstWindow          *window;
  CstRequestListPage *page;
  CstFacilityChooser *chooser;
} Fixture;

static gboolean
chooser_loaded (gpointer chooser)
{
  return !cst_facility_chooser_is_loading (chooser) &&
         cst_facility_chooser_get_n_facilities (chooser) > 0;
}

static void
open_as (Fixture    *f,
         const char *conninfo)
{
  f->window = cst_test_gui_open_window (conninfo, &f->store);
  f->page = CST_REQUEST_LIST_PAGE (cst_window_get_list_page (f->window));
  f->chooser = CST_FACILITY_CHOOSER (cst_test_gui_find_descendant (GTK_WIDGET (f->page),
                                                                   CST_TYPE_FACILITY_CHOOSER));
  g_assert_nonnull (f->chooser);
  g_assert_true (cst_test_gui_wait_until (chooser_loaded, f->chooser));
  cst_request_list_page_set_scope (f->page, CST_LIST_SCOPE_ALL);
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_filter_settled, f->page));
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  cst_test_gui_close_window (&f->window, &f->store);
}

static int
compare_codes (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

/* The facility codes of the rows shown, sorted, comma-separated. */
static char *
shown_codes (Fixture *f)
{
  GListModel *visible = cst_request_list_page_get_visible (f->page);
  g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);

  g_assert_true (cst_test_gui_wait_until (cst_test_gui_filter_settled, f->page));
  for (guint i = 0; i < g_list_model_get_n_items (visible); i++)
    {
      g_autoptr(GObject) request = g_list_model_get_item (visible, i);
      char *code = NULL;

      g_object_get (request, "facility-code", &code, NULL);
      g_ptr_array_add (codes, code);
    }
  g_ptr_array_sort (codes, compare_codes);
  g_ptr_array_add (codes, NULL);
  return g_strjoinv (",", (char **) codes->pdata);
}

static void
choose (Fixture    *f,
        const char *code)
{
  g_assert_true (cst_facility_chooser_select_code (f->chooser, code));
  g_assert_cmpstr (cst_facility_chooser_get_code (f->chooser), ==, code);
}

static void
test_clerk_of_two (Fixture *f, gconstpointer data)
{
  g_autofree char *all = NULL;
  g_autofree char *south = NULL;
  g_autofree char *north = NULL;
  g_autofree char *typed = NULL;

  open_as (f, two_clerk);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->chooser)));
  g_assert_cmpuint (cst_facility_chooser_get_n_facilities (f->chooser), ==, 2);
  /* Not the other clerk's facility, nor the default one. */
  g_assert_false (cst_facility_chooser_select_code (f->chooser, "EAST"));
  g_assert_false (cst_facility_chooser_select_code (f->chooser, "MAIN"));

  all = shown_codes (f);
  g_assert_cmpstr (all, ==, "NORTH,SOUTH,SOUTH");
  choose (f, "SOUTH");
  south = shown_codes (f);
  g_assert_cmpstr (south, ==, "SOUTH,SOUTH");

  /* The search narrows within the facility chosen: "north" finds the
   * SOUTH patient Northcott, and the NORTH request only with NORTH. */
  cst_request_list_page_set_search (f->page, "north");
  typed = shown_codes (f);
  g_assert_cmpstr (typed, ==, "SOUTH");
  cst_request_list_page_set_search (f->page, "");
  choose (f, "NORTH");
  north = shown_codes (f);
  g_assert_cmpstr (north, ==, "NORTH");

  choose (f, NULL);
  g_free (all);
  all = shown_codes (f);
  g_assert_cmpstr (all, ==, "NORTH,SOUTH,SOUTH");
}

static void
test_clerk_of_one (Fixture *f, gconstpointer data)
{
  g_autofree char *all = NULL;

  open_as (f, east_clerk);
  g_assert_cmpuint (cst_facility_chooser_get_n_facilities (f->chooser), ==, 1);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (f->chooser)));
  all = shown_codes (f);
  g_assert_cmpstr (all, ==, "EAST");
}

static void
test_administrator (Fixture *f, gconstpointer data)
{
  g_autofree char *admin = cst_test_db_create_login (db, "custodian_admin");
  g_autofree char *east = NULL;

  open_as (f, admin);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->chooser)));
  /* MAIN, NORTH, SOUTH, EAST. */
  g_assert_cmpuint (cst_facility_chooser_get_n_facilities (f->chooser), ==, 4);
  choose (f, "EAST");
  east = shown_codes (f);
  g_assert_cmpstr (east, ==, "EAST");
}

static gboolean
dashboard_settled (gpointer page)
{
  return !cst_dashboard_page_get_loading (page) &&
         g_strcmp0 (cst_dashboard_page_get_state (page), "dashboard") == 0;
}

static const char *
open_count (CstDashboardPage *page)
{
  return gtk_label_get_text (cst_dashboard_page_get_count_label (page, CST_DASHBOARD_COUNT_OPEN));
}

static void
test_dashboard (Fixture *f, gconstpointer data)
{
  CstDashboardPage *page;
  CstFacilityChooser *chooser;
  g_autofree char *table = NULL;

  open_as (f, two_clerk);
  cst_window_show_view (f->window, "dashboard");
  page = CST_DASHBOARD_PAGE (cst_test_gui_find_descendant (GTK_WIDGET (f->window),
                                                           CST_TYPE_DASHBOARD_PAGE));
  chooser = cst_dashboard_page_get_facility_chooser (page);
  g_assert_true (cst_test_gui_wait_until (chooser_loaded, chooser));
  g_assert_true (cst_test_gui_wait_until (dashboard_settled, page));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (chooser)));
  g_assert_cmpstr (open_count (page), ==, "3");
  g_assert_true (gtk_widget_get_visible (cst_dashboard_page_get_facilities_table (page)));
  table = cst_test_gui_collect_text (cst_dashboard_page_get_facilities_table (page));
  g_assert_nonnull (strstr (table, "NORTH · North Clinic"));
  g_assert_nonnull (strstr (table, "SOUTH · South Hospital"));
  g_assert_null (strstr (table, "EAST"));

  g_assert_true (cst_facility_chooser_select_code (chooser, "SOUTH"));
  g_assert_true (cst_test_gui_wait_until (dashboard_settled, page));
  g_assert_cmpstr (open_count (page), ==, "2");
  g_assert_false (gtk_widget_get_visible (cst_dashboard_page_get_facilities_table (page)));
}

static gboolean
panel_ready (gpointer panel)
{
  return !cst_access_log_panel_get_busy (panel);
}

/* The Reports page's access log, for one facility chosen the same way. */
static void
test_access_log (Fixture *f, gconstpointer data)
{
  g_autoptr(CstConnection) connection = cst_connection_new (two_clerk);
  CstAccessLogPanel *panel = CST_ACCESS_LOG_PANEL (cst_access_log_panel_new ());
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  CstFacilityChooser *chooser = cst_access_log_panel_get_facility_chooser (panel);
  g_autofree char *today = NULL;
  GDate date;

  cst_input_today (&date);
  today = cst_input_format_date (&date);
  gtk_window_set_child (window, GTK_WIDGET (panel));
  gtk_window_present (window);
  cst_access_log_panel_set_connection (panel, connection);
  cst_access_log_panel_set_period (panel, today, today);
  g_assert_true (cst_test_gui_wait_until (chooser_loaded, chooser));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (chooser)));

  cst_access_log_panel_run (panel);
  g_assert_true (cst_test_gui_wait_until (panel_ready, panel));
  g_assert_cmpuint (cst_access_log_panel_get_n_rows (panel), ==, 3);
  g_assert_true (cst_facility_chooser_select_code (chooser, "NORTH"));
  cst_access_log_panel_run (panel);
  g_assert_true (cst_test_gui_wait_until (panel_ready, panel));
  g_assert_cmpuint (cst_access_log_panel_get_n_rows (panel), ==, 1);
  gtk_window_destroy (window);
}

static gboolean
workbench_on (gpointer data)
{
  CstStatementWorkbench *workbench = CST_STATEMENT_WORKBENCH (data);
  const CstFacility *facility = cst_statement_workbench_get_facility (workbench);

  return facility != NULL && g_strcmp0 (facility->code, "SOUTH") == 0;
}

/* The statement workbench opened from the window prints on the facility
 * the list shows, not the login's first. */
static void
test_workbench (Fixture *f, gconstpointer data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  CstStatementWorkbench *workbench = NULL;

  open_as (f, two_clerk);
  choose (f, "SOUTH");
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.statements", NULL);
  for (guint i = 0; i < g_list_model_get_n_items (toplevels) && workbench == NULL; i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (CST_IS_STATEMENT_WORKBENCH (window))
        workbench = CST_STATEMENT_WORKBENCH (window);
    }
  g_assert_nonnull (workbench);
  g_assert_true (cst_test_gui_wait_until (workbench_on, workbench));
  gtk_window_destroy (GTK_WINDOW (workbench));
}

static void
test_setup (void)
{
  add_facilities ();
}

int
main (int argc, char **argv)
{
  int status;

  cst_test_gui_init (&argc, &argv);
  g_test_add_func ("/facility-chooser/setup", test_setup);
  g_test_add ("/facility-chooser/clerk-of-two", Fixture, NULL, NULL, test_clerk_of_two, fixture_teardown);
  g_test_add ("/facility-chooser/clerk-of-one", Fixture, NULL, NULL, test_clerk_of_one, fixture_teardown);
  g_test_add ("/facility-chooser/administrator", Fixture, NULL, NULL, test_administrator, fixture_teardown);
  g_test_add ("/facility-chooser/dashboard", Fixture, NULL, NULL, test_dashboard, fixture_teardown);
  g_test_add ("/facility-chooser/access-log", Fixture, NULL, NULL, test_access_log, fixture_teardown);
  g_test_add ("/facility-chooser/workbench", Fixture, NULL, NULL, test_workbench, fixture_teardown);
  status = cst_test_db_run (&db);
  g_free (two_clerk);
  g_free (east_clerk);
  return status;
}
