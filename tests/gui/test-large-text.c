/* test-large-text.c — the main window at 200% text size and in the
 * high-contrast style, with demo data, under the headless X server:
 *
 *  - the window still fits a 1400×900 screen (its minimum size);
 *  - on every page of the view stack, no button's or switcher's label is
 *    ellipsized, and no label or button sticks out of the window or of an
 *    ancestor that clips it, unless a scrolled window scrolls it into view.
 *
 * 200% is GtkSettings:gtk-xft-dpi at twice 96 dpi, as GNOME's "Large Text"
 * and a 2× text scaling factor set it.  High contrast is what libadwaita
 * reads from the desktop's a11y setting; the test checks the style manager
 * really is in it before measuring anything.
 */
#include "config.h"

#include <adwaita.h>

#include "cst-request-list-page.h"
#include "cst-test-db.h"
#include "cst-test-gui.h"
#include "cst-window.h"

#define SCREEN_WIDTH 1400
#define SCREEN_HEIGHT 900

static CstTestDb *db;

/* Large text and high contrast, before any widget exists. */
static void
use_large_text_and_high_contrast (void)
{
  GtkSettings *settings = gtk_settings_get_default ();
  g_autoptr(GSettingsSchema) schema =
    g_settings_schema_source_lookup (g_settings_schema_source_get_default (),
                                     "org.gnome.desktop.a11y.interface", TRUE);
  int dpi = 0;

  g_object_set (settings, "gtk-xft-dpi", 2 * 96 * 1024, NULL);
  g_object_get (settings, "gtk-xft-dpi", &dpi, NULL);
  g_assert_cmpint (dpi, ==, 2 * 96 * 1024);

  /* libadwaita follows the desktop's setting when its schema is there,
   * else a GTK theme named HighContrast. */
  if (schema != NULL)
    {
      g_autoptr(GSettings) a11y = g_settings_new ("org.gnome.desktop.a11y.interface");
      g_settings_set_boolean (a11y, "high-contrast", TRUE);
    }
  g_object_set (settings, "gtk-theme-name", "HighContrast", NULL);
  cst_test_iterate_for (200);
}

static GString *problems;

static const char *
describe (GtkWidget *widget)
{
  static char text[256];
  const char *label = NULL;

  if (GTK_IS_LABEL (widget))
    label = gtk_label_get_text (GTK_LABEL (widget));
  else if (GTK_IS_BUTTON (widget))
    label = gtk_button_get_label (GTK_BUTTON (widget));
  g_snprintf (text, sizeof text, "%s%s%s%s", G_OBJECT_TYPE_NAME (widget),
              label ? " “" : "", label ? label : "", label ? "”" : "");
  return text;
}

/* A scrolled window (or a list or view that scrolls itself) can bring the
 * widget into view, so being outside its visible part is not cut off. */
static gboolean
scrolls (GtkWidget *widget)
{
  return GTK_IS_SCROLLED_WINDOW (widget) || GTK_IS_VIEWPORT (widget) || GTK_IS_SCROLLABLE (widget);
}

/* Is @widget inside @ancestor's allocation, or can it be scrolled there? */
static gboolean
fits_in_clipping_ancestors (GtkWidget *widget,
                            GtkWidget *window)
{
  graphene_rect_t bounds;

  if (!gtk_widget_compute_bounds (widget, window, &bounds))
    return TRUE;
  for (GtkWidget *a = gtk_widget_get_parent (widget); a != NULL; a = gtk_widget_get_parent (a))
    {
      graphene_rect_t area;

      if (scrolls (a))
        return TRUE;
      if (a != window && gtk_widget_get_overflow (a) != GTK_OVERFLOW_HIDDEN)
        continue;
      if (!gtk_widget_compute_bounds (a, window, &area))
        continue;
      /* One pixel of slack for rounding. */
      if (bounds.origin.x + 1 < area.origin.x || bounds.origin.y + 1 < area.origin.y ||
          bounds.origin.x + bounds.size.width > area.origin.x + area.size.width + 1 ||
          bounds.origin.y + bounds.size.height > area.origin.y + area.size.height + 1)
        return FALSE;
      if (a == window)
        break;
    }
  return TRUE;
}

/* A label inside a button or a view switcher names a command or a page:
 * at 200% it must still be read whole. */
static gboolean
is_command_label (GtkWidget *label)
{
  for (GtkWidget *a = gtk_widget_get_parent (label); a != NULL; a = gtk_widget_get_parent (a))
    {
      if (GTK_IS_BUTTON (a) || GTK_IS_MENU_BUTTON (a) || ADW_IS_VIEW_SWITCHER (a) ||
          ADW_IS_SPLIT_BUTTON (a))
        return TRUE;
      if (scrolls (a))  /* a list row's text, not a command */
        return FALSE;
    }
  return FALSE;
}

static void
check_tree (GtkWidget  *widget,
            GtkWidget  *window,
            const char *page)
{
  if (!gtk_widget_get_mapped (widget) || !gtk_widget_get_child_visible (widget))
    return;

  if (GTK_IS_LABEL (widget) && is_command_label (widget) &&
      pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (widget))))
    g_string_append_printf (problems, "\n  %s: %s is ellipsized", page, describe (widget));

  if ((GTK_IS_LABEL (widget) || GTK_IS_BUTTON (widget)) && gtk_widget_get_width (widget) > 0 &&
      !fits_in_clipping_ancestors (widget, window))
    g_string_append_printf (problems, "\n  %s: %s is cut off (%d×%d)", page, describe (widget),
                            gtk_widget_get_width (widget), gtk_widget_get_height (widget));

  /* A button's or switcher's label gets at least its natural width. */
  if (GTK_IS_LABEL (widget) && is_command_label (widget))
    {
      int natural = 0;
      gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural, NULL, NULL);
      if (gtk_widget_get_width (widget) < natural)
        g_string_append_printf (problems, "\n  %s: %s is %d px wide, needs %d", page, describe (widget),
                                gtk_widget_get_width (widget), natural);
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    check_tree (child, window, page);
}

/* Which widgets make the window that wide: from the window down, the
 * child with the largest minimum width at each level. */
static void
describe_widest (GtkWidget *widget,
                 GString   *out)
{
  for (guint depth = 0; widget != NULL && depth < 40; depth++)
    {
      GtkWidget *widest = NULL;
      int widest_min = 0;

      for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
        {
          int min = 0;
          if (!gtk_widget_get_visible (c))
            continue;
          gtk_widget_measure (c, GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
          if (min > widest_min)
            widest = c, widest_min = min;
        }
      if (widest == NULL)
        break;
      g_string_append_printf (out, "\n      %s %d", describe (widest), widest_min);
      widget = widest;
    }
}

static AdwViewStack *
find_view_stack (GtkWidget *widget)
{
  if (ADW_IS_VIEW_STACK (widget))
    return ADW_VIEW_STACK (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    {
      AdwViewStack *found = find_view_stack (child);
      if (found)
        return found;
    }
  return NULL;
}

static void
test_large_text_high_contrast (void)
{
  g_autoptr(CstRequestStore) store = NULL;
  g_autoptr(GtkSelectionModel) pages = NULL;
  AdwStyleManager *style = adw_style_manager_get_default ();
  CstWindow *window;
  AdwViewStack *stack;
  int min_width = 0, min_height = 0;
  guint n_pages;

  g_assert_true (adw_style_manager_get_high_contrast (style));

  window = cst_test_gui_open_window_as (db, "custodian_clerk", &store);

  /* The largest it can be made to need, over the pages. */
  stack = find_view_stack (GTK_WIDGET (window));
  g_assert_nonnull (stack);
  pages = adw_view_stack_get_pages (stack);
  n_pages = g_list_model_get_n_items (G_LIST_MODEL (pages));
  g_assert_cmpuint (n_pages, >=, 1);
  problems = g_string_new (NULL);

  for (guint i = 0; i < n_pages; i++)
    {
      g_autoptr(AdwViewStackPage) page = g_list_model_get_item (G_LIST_MODEL (pages), i);
      const char *name = adw_view_stack_page_get_name (page);

      /* Each colour scheme in turn: high contrast light and dark. */
      adw_style_manager_set_color_scheme (style, i % 2 ? ADW_COLOR_SCHEME_FORCE_DARK
                                                       : ADW_COLOR_SCHEME_FORCE_LIGHT);
      cst_window_show_view (window, name);
      if (g_str_equal (name, "requests"))
        {
          CstRequestListPage *list = CST_REQUEST_LIST_PAGE (cst_window_get_list_page (window));
          g_autoptr(CstRequest) first = NULL;

          /* Every request, and one open in the detail pane. */
          cst_request_list_page_set_scope (list, CST_LIST_SCOPE_ALL);
          g_assert_true (cst_test_gui_wait_until (cst_test_gui_filter_settled, list));
          first = g_list_model_get_item (cst_request_list_page_get_visible (list), 0);
          g_assert_nonnull (first);
          cst_request_list_page_select (list, first);
        }
      cst_test_iterate_for (1500);

      gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
      gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_VERTICAL, min_width, &min_height, NULL, NULL, NULL);
      g_test_message ("page %s: minimum window size %d×%d at 200%% text", name, min_width, min_height);
      if (min_width > SCREEN_WIDTH || min_height > SCREEN_HEIGHT)
        {
          g_string_append_printf (problems, "\n  %s: the window needs at least %d×%d, more than a %d×%d screen;"
                                  " widest:", name, min_width, min_height, SCREEN_WIDTH, SCREEN_HEIGHT);
          describe_widest (GTK_WIDGET (window), problems);
        }
      check_tree (GTK_WIDGET (window), GTK_WIDGET (window), name);
    }

  if (problems->len > 0)
    g_test_message ("Cut off at 200%% text, high contrast:%s", problems->str);
  g_assert_cmpuint (problems->len, ==, 0);
  g_string_free (problems, TRUE);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  cst_test_gui_init (&argc, &argv);
  use_large_text_and_high_contrast ();
  g_test_add_func ("/large-text/high-contrast", test_large_text_high_contrast);
  return cst_test_db_run_with_demo (&db, 40);
}
