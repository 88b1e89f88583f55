/* test-navigation.c — getting to the right request: a report row opens
 * its request while a search hides it, a new request is selected once
 * created, Enter on a row opens it, a name is found as the list writes it
 * or the other way round, and a reload (F5) keeps the request selected */
#include "config.h"

#include <adwaita.h>

#include "cst-new-request-dialog.h"
#include "cst-reports-page.h"
#include "cst-request-detail.h"
#include "cst-request-list-page.h"
#include <custodian/cst-request-store-slots.h>
#include "cst-test-gui.h"
#include "cst-window.h"

static CstTestDb *db;

typedef struct
{
  CstRequestStore    *store;
  CstWindow          *window;
  CstRequestListPage *page;
  CstRequestDetail   *detail;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->window = cst_test_gui_open_window_as (db, "custodian_clerk", &f->store);
  f->page = CST_REQUEST_LIST_PAGE (cst_window_get_list_page (f->window));
  f->detail = CST_REQUEST_DETAIL (cst_window_get_detail (f->window));
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_filter_settled, f->page));
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  cst_test_gui_close_window (&f->window, &f->store);
}

/* The request whose row the list's selection model has selected: what
 * the clerk sees highlighted, not only what the page reports. */
static CstRequest *
highlighted (Fixture *f)
{
  GtkColumnView *view = GTK_COLUMN_VIEW (cst_test_gui_find_descendant (GTK_WIDGET (f->page), GTK_TYPE_COLUMN_VIEW));

  CstRequestStoreSlot *slot =
    gtk_single_selection_get_selected_item (GTK_SINGLE_SELECTION (gtk_column_view_get_model (view)));

  /* A row's item is the slot of its position (cst-request-store-slots.c). */
  return slot != NULL ? cst_request_store_slot_get_request (slot) : NULL;
}

static guint
n_visible (Fixture *f)
{
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_filter_settled, f->page));
  return g_list_model_get_n_items (cst_request_list_page_get_visible (f->page));
}

/* The @index-th request of the store that the open scope lists. */
static CstRequest *
open_request (Fixture *f,
              guint    index)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (f->store));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CstRequest) request = g_list_model_get_item (G_LIST_MODEL (f->store), i);

      if (!cst_request_status_is_closed (cst_request_get_status (request)) && index-- == 0)
        return g_steal_pointer (&request);
    }
  g_assert_not_reached ();
}

static gboolean
is_highlighted (gpointer data)
{
  Fixture *f = data;
  return highlighted (f) != NULL && highlighted (f) == cst_request_list_page_get_selected (f->page);
}

/* A report row opens its request even while the list's search (and its
 * scope) hide it, instead of leaving the previous request on screen. */
static void
test_report_row_while_searching (Fixture *f, gconstpointer data)
{
  g_autoptr(CstRequest) before = open_request (f, 0);
  g_autoptr(CstRequest) wanted = NULL;
  CstReportsPage *reports = CST_REPORTS_PAGE (cst_test_gui_find_descendant (GTK_WIDGET (f->window), CST_TYPE_REPORTS_PAGE));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (f->store));

  /* A closed request, which the "Open" scope leaves out as well. */
  for (guint i = 0; wanted == NULL && i < n; i++)
    {
      g_autoptr(CstRequest) request = g_list_model_get_item (G_LIST_MODEL (f->store), i);
      if (cst_request_status_is_closed (cst_request_get_status (request)))
        wanted = g_steal_pointer (&request);
    }
  g_assert_nonnull (wanted);
  cst_request_list_page_set_search (f->page, cst_request_get_reference (before));
  g_assert_cmpuint (n_visible (f), ==, 1);
  cst_request_list_page_select (f->page, before);
  g_assert_true (cst_request_detail_get_request (f->detail) == before);

  cst_window_show_view (f->window, "reports");
  g_signal_emit_by_name (reports, "open-request", cst_request_get_id (wanted));
  g_assert_true (cst_request_list_page_get_selected (f->page) == wanted);
  g_assert_true (cst_request_detail_get_request (f->detail) == wanted);
  /* Its row is in the list, selected. */
  g_assert_true (cst_test_gui_wait_until (is_highlighted, f));
  g_assert_true (highlighted (f) == wanted);
}

static gboolean
window_gone (gpointer data)
{
  return *(GtkWindow **) data == NULL;
}

/* Create selects the request it logged, even while a search is typed. */
static void
test_new_request_selected (Fixture *f, gconstpointer data)
{
  GtkWindow *dialog;
  CstNewRequestDialog *d;
  CstRequest *selected;

  cst_request_list_page_set_search (f->page, "demoson");
  n_visible (f);
  dialog = cst_window_open_new_request (f->window);
  d = CST_NEW_REQUEST_DIALOG (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  cst_new_request_dialog_set_field (d, "patient-mrn", "NAV-NEW-1");
  cst_new_request_dialog_set_field (d, "patient-family-name", "Newcombe");
  cst_new_request_dialog_set_field (d, "patient-given-name", "Nora");
  cst_new_request_dialog_set_field (d, "patient-birth-date", "1975-04-02");
  cst_new_request_dialog_set_field (d, "requester-name", "Nora Newcombe");
  gtk_widget_activate_action (GTK_WIDGET (d), "dialog.create", NULL);
  g_assert_true (cst_test_gui_wait_until (window_gone, &dialog));

  selected = cst_request_list_page_get_selected (f->page);
  g_assert_nonnull (selected);
  g_assert_cmpstr (cst_request_get_patient_mrn (selected), ==, "NAV-NEW-1");
  g_assert_true (cst_request_detail_get_request (f->detail) == selected);
  g_assert_true (cst_test_gui_wait_until (is_highlighted, f));
}

/* The list's cell showing @text. */
static GtkWidget *
cell_showing (GtkWidget  *widget,
              const char *text)
{
  if (g_strcmp0 (cst_test_gui_shown_text (widget), text) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = cell_showing (child, text);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
focus_in_detail (gpointer data)
{
  Fixture *f = data;
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (f->window));

  return focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (f->detail));
}

/* Enter on a focused row (the row's activation) opens that request: it is
 * selected, shown, and the keyboard moves on into its form. */
static void
test_enter_opens_row (Fixture *f, gconstpointer data)
{
  g_autoptr(CstRequest) third = NULL;
  GtkWidget *cell, *row;

  n_visible (f);
  third = g_list_model_get_item (cst_request_list_page_get_visible (f->page), 2);
  cst_test_iterate (20);
  cell = cell_showing (GTK_WIDGET (f->page), cst_request_get_reference (third));
  g_assert_nonnull (cell);
  g_assert_null (cst_request_list_page_get_selected (f->page));

  /* Its row takes the keyboard focus; Enter is the row's activate signal. */
  row = cell;
  while (row != NULL && !(gtk_widget_get_focusable (row) && g_str_equal (G_OBJECT_TYPE_NAME (row), "GtkListItemWidget")))
    row = gtk_widget_get_parent (row);
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_grab_focus (row));
  g_assert_true (gtk_widget_activate (row));
  g_assert_true (cst_request_list_page_get_selected (f->page) == third);
  g_assert_true (cst_request_detail_get_request (f->detail) == third);
  g_assert_true (cst_test_gui_wait_until (focus_in_detail, f));
}

static gboolean
lists_request (Fixture    *f,
               CstRequest *request)
{
  GListModel *visible = cst_request_list_page_get_visible (f->page);

  n_visible (f);
  for (guint i = 0; i < g_list_model_get_n_items (visible); i++)
    {
      g_autoptr(CstRequest) item = g_list_model_get_item (visible, i);
      if (item == request)
        return TRUE;
    }
  return FALSE;
}

/* The name as the list writes it ("Family, Given"), in any case, and the
 * other way round ("Given Family") find the request; a wrong given name
 * does not. */
static void
test_search_name_as_listed (Fixture *f, gconstpointer data)
{
  g_autoptr(CstRequest) request = open_request (f, 1);
  g_autofree char *listed = cst_request_dup_patient_name (request);
  g_autofree char *lower = g_utf8_strdown (listed, -1);
  g_autofree char *given_first = NULL;
  g_autofree char *family = NULL, *given = NULL;

  g_object_get (request, "patient-family-name", &family, "patient-given-name", &given, NULL);
  given_first = g_strdup_printf ("%s %s", given, family);
  g_assert_nonnull (strchr (listed, ','));

  cst_request_list_page_set_search (f->page, listed);
  g_assert_true (lists_request (f, request));
  cst_request_list_page_set_search (f->page, lower);
  g_assert_true (lists_request (f, request));
  cst_request_list_page_set_search (f->page, given_first);
  g_assert_true (lists_request (f, request));
  {
    g_autofree char *wrong = g_strdup_printf ("%s, Nobodyxyz", family);
    cst_request_list_page_set_search (f->page, wrong);
    g_assert_cmpuint (n_visible (f), ==, 0);
  }
}

static void
count_notify (GObject *object, GParamSpec *pspec, gpointer data)
{
  (*(guint *) data)++;
}

/* F5 reloads the list and keeps the request selected, without the request
 * view going blank meanwhile. */
static void
test_refresh_keeps_selection (Fixture *f, gconstpointer data)
{
  g_autoptr(CstRequest) chosen = open_request (f, 3);
  guint changes = 0;

  cst_request_list_page_select (f->page, chosen);
  g_assert_true (cst_test_gui_wait_until (is_highlighted, f));
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_details_shown, f->detail));
  g_signal_connect (f->page, "notify::selected", G_CALLBACK (count_notify), &changes);

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.refresh", NULL);
  g_assert_true (cst_request_store_get_loading (f->store));
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_store_loaded, f->store));
  n_visible (f);
  cst_test_iterate (50);

  g_assert_true (cst_request_list_page_get_selected (f->page) == chosen);
  g_assert_true (highlighted (f) == chosen);
  g_assert_true (cst_request_detail_get_request (f->detail) == chosen);
  g_assert_cmpuint (changes, ==, 0);
  g_signal_handlers_disconnect_by_data (f->page, &changes);
}

int
main (int argc, char **argv)
{
  cst_test_gui_init (&argc, &argv);
  g_test_add ("/navigation/report-row-while-searching", Fixture, NULL, fixture_setup,
              test_report_row_while_searching, fixture_teardown);
  g_test_add ("/navigation/enter-opens-row", Fixture, NULL, fixture_setup,
              test_enter_opens_row, fixture_teardown);
  g_test_add ("/navigation/search-name-as-listed", Fixture, NULL, fixture_setup,
              test_search_name_as_listed, fixture_teardown);
  g_test_add ("/navigation/refresh-keeps-selection", Fixture, NULL, fixture_setup,
              test_refresh_keeps_selection, fixture_teardown);
  /* Last: it adds a request. */
  g_test_add ("/navigation/new-request-selected", Fixture, NULL, fixture_setup,
              test_new_request_selected, fixture_teardown);
  return cst_test_db_run_with_demo (&db, 40);
}
