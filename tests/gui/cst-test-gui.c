/* cst-test-gui.c — what the widget tests share */
#include "config.h"

#include "cst-line-cell.h"
#include "cst-request-detail.h"
#include "cst-request-list-page.h"
#include "cst-test-gui.h"
#include "cst-renderer.h"

/* cst_test_wait_until() for 15 seconds (a slow CI machine under
 * sanitizers). */
/* What a widget test's main() starts with: GTK in test mode, and
 * libadwaita's styles and types. */
void
cst_test_gui_init (int    *argc,
                   char ***argv)
{
  cst_renderer_prepare ();
  gtk_test_init (argc, argv, NULL);
  adw_init ();
}

gboolean
cst_test_gui_wait_until (CstTestCondition done,
                         gpointer         data)
{
  return cst_test_wait_until (done, data, 15);
}

/* A GAsyncReadyCallback that keeps the result in *@slot (a GAsyncResult *). */
void
cst_test_gui_keep_result (GObject      *source,
                          GAsyncResult *result,
                          gpointer      slot)
{
  *(GAsyncResult **) slot = g_object_ref (result);
}

static gboolean
result_kept (gpointer slot)
{
  return *(GAsyncResult **) slot != NULL;
}

/* Runs the main loop until cst_test_gui_keep_result() has filled @slot. */
GAsyncResult *
cst_test_gui_wait_result (GAsyncResult **slot)
{
  g_assert_true (cst_test_gui_wait_until (result_kept, slot));
  return *slot;
}

gboolean
cst_test_gui_store_loaded (gpointer store)
{
  return !cst_request_store_get_loading (store);
}

gboolean
cst_test_gui_window_shown (gpointer widget)
{
  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0;
}

gboolean
cst_test_gui_filter_settled (gpointer list_page)
{
  return !cst_request_list_page_is_filtering (list_page);
}

/* The request view shows a request whose details have been read. */
gboolean
cst_test_gui_details_shown (gpointer detail)
{
  CstRequest *request = cst_request_detail_get_request (detail);
  return request != NULL && cst_request_get_details_loaded (request);
}

/* A main window as the app makes one: a store loaded from @conninfo,
 * presented and mapped.  The caller owns both. */
CstWindow *
cst_test_gui_open_window (const char       *conninfo,
                          CstRequestStore **store)
{
  g_autoptr(CstConnection) connection = cst_connection_new (conninfo);
  CstWindow *window;

  *store = cst_request_store_new (connection);
  cst_request_store_load_async (*store, NULL, NULL, NULL);
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_store_loaded, *store));
  window = cst_window_new (NULL);
  cst_window_set_store (window, *store);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_window_shown, window));
  return window;
}

/* cst_test_gui_open_window() as a new ordinary login of @group_role
 * (e.g. "custodian_clerk"): what that person sees, row-level security and
 * grants included, which the owner's connection would hide. */
CstWindow *
cst_test_gui_open_window_as (CstTestDb        *db,
                             const char       *group_role,
                             CstRequestStore **store)
{
  g_autofree char *login = cst_test_db_create_login (db, group_role);

  return cst_test_gui_open_window (login, store);
}

/* A main window over the login custodian_password_test, which the test
 * server asks a password of (cst_test_db_ensure_password_login()). */
CstWindow *
cst_test_gui_open_password_window (CstTestDb        *db,
                                   CstRequestStore **store)
{
  g_autofree char *conninfo = g_strdup_printf ("dbname=%s user=custodian_password_test "
                                               "password=right-one", db->name);

  cst_test_db_ensure_password_login (db);
  return cst_test_gui_open_window (conninfo, store);
}

gboolean
cst_test_gui_unlocked (gpointer window)
{
  return !cst_window_is_locked (window);
}

gboolean
cst_test_gui_unlock_refused (gpointer window)
{
  return cst_window_get_unlock_error (window) != NULL;
}

/* Locks @window as the idle time does, and lets it hide what it shows. */
void
cst_test_gui_lock (CstWindow *window)
{
  cst_window_lock (window);
  cst_test_iterate (20);
  g_assert_true (cst_window_is_locked (window));
}

/* Types @password, presses Unlock, and waits for the refusal: the window
 * stays locked and @list_page hidden. */
void
cst_test_gui_assert_refused (CstWindow  *window,
                             GtkWidget  *list_page,
                             const char *password)
{
  cst_window_unlock (window, password);
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_unlock_refused, window));
  g_assert_true (cst_window_is_locked (window));
  g_assert_false (gtk_widget_get_mapped (list_page));
}

/* @widget or the first widget of @type under it, depth first; or NULL. */
GtkWidget *
cst_test_gui_find_descendant (GtkWidget *widget,
                              GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = cst_test_gui_find_descendant (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/**
 * cst_test_gui_shown_text:
 *
 * Returns: (nullable): the text of a label or of a list's line cell
 *   (cst-line-cell.c), %NULL for other widgets
 */
const char *
cst_test_gui_shown_text (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget))
    return gtk_label_get_label (GTK_LABEL (widget));
  if (CST_IS_LINE_CELL (widget))
    return cst_line_cell_get_text (CST_LINE_CELL (widget)) ? cst_line_cell_get_text (CST_LINE_CELL (widget)) : "";
  return NULL;
}

/* Every piece of text a person can read under @root: labels, list cells, entries,
 * row titles and subtitles, tooltips, one per line.  For checks that no
 * code reaches the screen. */
static void
collect_text (GtkWidget *widget,
              GString   *out)
{
  const char *tooltip = gtk_widget_get_tooltip_text (widget);

  if (cst_test_gui_shown_text (widget) != NULL)
    g_string_append_printf (out, "%s\n", cst_test_gui_shown_text (widget));
  else if (GTK_IS_EDITABLE (widget) && !GTK_IS_TEXT (widget))
    g_string_append_printf (out, "%s\n", gtk_editable_get_text (GTK_EDITABLE (widget)));
  if (ADW_IS_PREFERENCES_ROW (widget))
    g_string_append_printf (out, "%s\n", adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)));
  if (ADW_IS_ACTION_ROW (widget) && adw_action_row_get_subtitle (ADW_ACTION_ROW (widget)))
    g_string_append_printf (out, "%s\n", adw_action_row_get_subtitle (ADW_ACTION_ROW (widget)));
  if (tooltip != NULL)
    g_string_append_printf (out, "%s\n", tooltip);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    collect_text (child, out);
}

char *
cst_test_gui_collect_text (GtkWidget *root)
{
  GString *out = g_string_new (NULL);

  collect_text (root, out);
  return g_string_free (out, FALSE);
}

/* The button under @widget whose label is @label (mnemonic included). */
GtkWidget *
cst_test_gui_find_button (GtkWidget  *widget,
                          const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = cst_test_gui_find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The confirmation dialog @parent shows now, or NULL. */
AdwMessageDialog *
cst_test_gui_message_dialog (GtkWindow *parent)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data) &&
        gtk_window_get_transient_for (l->data) == parent)
      return l->data;
  return NULL;
}

/* Clicks the dialog's response button labelled @label, as a clerk does
 * (which also closes the dialog). */
void
cst_test_gui_respond (AdwMessageDialog *dialog,
                      const char       *label)
{
  GtkWidget *button = cst_test_gui_find_button (GTK_WIDGET (dialog), label);

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

/* Closes the window cst_test_gui_open_window() opened, if it did, and
 * drops its store: a fixture's teardown. */
void
cst_test_gui_close_window (CstWindow       **window,
                           CstRequestStore **store)
{
  if (*window != NULL)
    gtk_window_destroy (GTK_WINDOW (*window));
  *window = NULL;
  g_clear_object (store);
}
