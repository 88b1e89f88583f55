/* test-accessibility.c — every interactive widget of the main pages has an
 * accessible name: a label of its own, a labelling widget, or visible text
 * (buttons).  Walks the widget trees under the headless X server. */
#include "config.h"

#include <adwaita.h>

#include "cst-bar-chart.h"
#include "cst-deadline-rules-window.h"
#include "cst-documents-dialog.h"
#include "cst-fee-schedules-window.h"
#include "cst-first-run-assistant.h"
#include "cst-preferences-window.h"
#include "cst-statement-workbench.h"
#include "cst-test-db.h"
#include "cst-test-gui.h"
#include "cst-window.h"

static CstTestDb *db;

static gboolean
is_interactive (GtkWidget *widget)
{
  return GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget) || GTK_IS_SWITCH (widget) ||
         GTK_IS_DROP_DOWN (widget) || GTK_IS_SPIN_BUTTON (widget) || GTK_IS_ENTRY (widget) ||
         GTK_IS_SEARCH_ENTRY (widget) || GTK_IS_CHECK_BUTTON (widget) || GTK_IS_TEXT_VIEW (widget) ||
         GTK_IS_COLUMN_VIEW (widget) || GTK_IS_LIST_VIEW (widget);
}

/* Widgets whose insides are theirs, named through the outer widget. */
static gboolean
is_opaque (GtkWidget *widget)
{
  return is_interactive (widget) || ADW_IS_ENTRY_ROW (widget) || ADW_IS_COMBO_ROW (widget) ||
         GTK_IS_WINDOW_CONTROLS (widget) || GTK_IS_POPOVER (widget);
}

static gboolean
has_name (GtkWidget *widget)
{
  GtkAccessible *accessible = GTK_ACCESSIBLE (widget);

  if (gtk_test_accessible_has_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL) ||
      gtk_test_accessible_has_relation (accessible, GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    return TRUE;
  /* A button with text is named by its text. */
  if (GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) != NULL &&
      gtk_button_get_icon_name (GTK_BUTTON (widget)) == NULL)
    return TRUE;
  if (GTK_IS_BUTTON (widget) && GTK_IS_LABEL (gtk_button_get_child (GTK_BUTTON (widget))))
    return TRUE;
  return FALSE;
}

/* A preference row names itself by its title. */
static gboolean
row_has_title (GtkWidget *widget)
{
  const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget));
  return title != NULL && *title != '\0';
}

static void
check_tree (GtkWidget *widget,
            GString   *unnamed)
{
  if (ADW_IS_PREFERENCES_ROW (widget) && !row_has_title (widget))
    g_string_append_printf (unnamed, "\n  %s (a row without a title)", G_OBJECT_TYPE_NAME (widget));
  if (is_interactive (widget) && !has_name (widget))
    g_string_append_printf (unnamed, "\n  %s%s%s", G_OBJECT_TYPE_NAME (widget),
                            gtk_widget_get_tooltip_text (widget) ? " tooltip: " : "",
                            gtk_widget_get_tooltip_text (widget) ? gtk_widget_get_tooltip_text (widget) : "");
  /* A chart is a picture: it needs its name and its values in words. */
  if (CST_IS_BAR_CHART (widget) &&
      (!gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL) ||
       !gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION)))
    g_string_append_printf (unnamed, "\n  %s (a chart without its label or description)",
                            G_OBJECT_TYPE_NAME (widget));
  if (is_opaque (widget))
    return;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    check_tree (child, unnamed);
}

static void
assert_all_named (GtkWidget  *root,
                  const char *what)
{
  g_autoptr(GString) unnamed = g_string_new (NULL);

  check_tree (root, unnamed);
  if (unnamed->len > 0)
    g_error ("%s: interactive widgets without an accessible name:%s", what, unnamed->str);
}

static void
test_main_pages (void)
{
  g_autofree char *login = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(CstConnection) connection = cst_connection_new (login);
  g_autoptr(CstRequestStore) store = cst_request_store_new (connection);
  CstWindow *window;
  GtkWindow *dialog;
  g_autoptr(CstRequest) first = NULL;

  cst_request_store_load_async (store, NULL, NULL, NULL);
  while (cst_request_store_get_loading (store))
    g_main_context_iteration (NULL, TRUE);
  window = cst_window_new (NULL);
  cst_window_set_store (window, store);
  gtk_window_present (GTK_WINDOW (window));
  first = g_list_model_get_item (G_LIST_MODEL (store), 0);
  cst_test_iterate_for (300);
  assert_all_named (GTK_WIDGET (window), "main window");
  cst_window_show_view (window, "dashboard");
  cst_test_iterate_for (1000);
  assert_all_named (GTK_WIDGET (window), "dashboard");
  cst_window_show_view (window, "requests");

  dialog = cst_window_open_new_request (window);
  cst_test_iterate_for (200);
  assert_all_named (GTK_WIDGET (dialog), "new request dialog");
  gtk_window_destroy (dialog);

  dialog = GTK_WINDOW (cst_documents_dialog_new (GTK_WINDOW (window), connection, first));
  gtk_window_present (dialog);
  cst_test_iterate_for (500);
  assert_all_named (GTK_WIDGET (dialog), "documents dialog");
  gtk_window_destroy (dialog);

  dialog = GTK_WINDOW (cst_statement_workbench_new (GTK_WINDOW (window)));
  gtk_window_present (dialog);
  {
    g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "sample-bill-1.csv", NULL);
    g_autoptr(GFile) file = g_file_new_for_path (path);
    g_autoptr(GAsyncResult) imported = NULL;

    cst_statement_workbench_import_file_async (CST_STATEMENT_WORKBENCH (dialog), file, NULL,
                                               cst_test_gui_keep_result, &imported);
    g_assert_true (cst_statement_workbench_import_file_finish (CST_STATEMENT_WORKBENCH (dialog),
                                                               cst_test_gui_wait_result (&imported), NULL));
  }
  cst_test_iterate_for (1000);
  assert_all_named (GTK_WIDGET (dialog), "statement workbench");
  gtk_window_destroy (dialog);

  dialog = GTK_WINDOW (cst_fee_schedules_window_new (GTK_WINDOW (window), connection));
  gtk_window_present (dialog);
  cst_test_iterate_for (500);
  assert_all_named (GTK_WIDGET (dialog), "fee schedules");
  gtk_window_destroy (dialog);

  dialog = GTK_WINDOW (cst_deadline_rules_window_new (GTK_WINDOW (window), connection));
  gtk_window_present (dialog);
  cst_test_iterate_for (500);
  assert_all_named (GTK_WIDGET (dialog), "deadline rules");
  gtk_window_destroy (dialog);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Preferences and the first-run assistant, every page of each (hidden
 * pages are in the tree too). */
static void
test_settings_windows (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWindow *dialog = GTK_WINDOW (cst_preferences_window_new (NULL, settings));

  gtk_window_present (dialog);
  cst_test_iterate_for (300);
  assert_all_named (GTK_WIDGET (dialog), "preferences");
  gtk_window_destroy (dialog);

  dialog = GTK_WINDOW (cst_first_run_assistant_new (NULL, settings));
  gtk_window_present (dialog);
  cst_test_iterate_for (300);
  assert_all_named (GTK_WIDGET (dialog), "first-run assistant");
  gtk_window_destroy (dialog);
}

int
main (int argc, char **argv)
{
  /* The test backend keeps the accessible properties we assert on. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  cst_test_gui_init (&argc, &argv);
  g_test_add_func ("/accessibility/main-pages", test_main_pages);
  g_test_add_func ("/accessibility/settings-windows", test_settings_windows);
  return cst_test_db_run_with_demo (&db, 20);
}
