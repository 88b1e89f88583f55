/* test-line-cell.c — the request list's line cell (cst-line-cell.c) on its
 * own, under the headless X server, without a database:
 *
 *  - its height is one line of its font, whatever its text, and follows
 *    the text size (Large Text: the resolution doubles);
 *  - it draws its text at its start, which is the right in a right-to-left
 *    locale, cut with an ellipsis where the cell is narrower;
 *  - screen readers get its text as its label.
 */
#include "config.h"

#include <adwaita.h>

#include "cst-due-badge.h"
#include "cst-line-cell.h"
#include "cst-test-async.h"
#include "cst-test-gui.h"

#define NORMAL_DPI (96 * 1024)

typedef struct
{
  GtkWindow *window;
  GtkWidget *cell;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  f->window = GTK_WINDOW (gtk_window_new ());
  f->cell = cst_line_cell_new (0);
  gtk_widget_set_size_request (f->cell, 200, -1);
  gtk_box_append (GTK_BOX (box), f->cell);
  gtk_window_set_child (f->window, box);
  gtk_window_present (f->window);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_object_set (gtk_settings_get_default (), "gtk-xft-dpi", NORMAL_DPI, NULL);
  gtk_window_destroy (f->window);
  cst_test_iterate_for (50);
}

static int
height_of (GtkWidget *widget)
{
  int minimum = 0, natural = 0;

  gtk_widget_measure (widget, GTK_ORIENTATION_VERTICAL, -1, &minimum, &natural, NULL, NULL);
  g_assert_cmpint (minimum, ==, natural);
  return natural;
}

/* The ascent and descent of @widget's font, as GtkLabel counts a line. */
static int
line_of (GtkWidget *widget)
{
  PangoContext *context = gtk_widget_get_pango_context (widget);
  PangoFontMetrics *metrics = pango_context_get_metrics (context, NULL, NULL);
  int line = PANGO_PIXELS_CEIL (pango_font_metrics_get_ascent (metrics)) +
             PANGO_PIXELS_CEIL (pango_font_metrics_get_descent (metrics));

  pango_font_metrics_unref (metrics);
  return line;
}

static void
test_size_from_font (Fixture *f, gconstpointer data)
{
  int natural_width = -1, short_width = -1, normal;

  g_object_set (gtk_settings_get_default (), "gtk-xft-dpi", NORMAL_DPI, NULL);
  cst_test_iterate_for (50);
  cst_line_cell_set_text (CST_LINE_CELL (f->cell), "Li");
  normal = height_of (f->cell);
  gtk_widget_measure (f->cell, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &short_width, NULL, NULL);
  g_assert_cmpint (normal, >, 8);
  g_assert_cmpint (normal, ==, line_of (f->cell));
  cst_line_cell_set_text (CST_LINE_CELL (f->cell), "Núñez-Oyelaran, Josefina Magdalena (a long name)");
  g_assert_cmpint (height_of (f->cell), ==, normal);
  gtk_widget_measure (f->cell, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural_width, NULL, NULL);
  /* Its width is what the column gives it (here, its size request). */
  g_assert_cmpint (natural_width, ==, short_width);
  g_assert_cmpint (natural_width, ==, 200);

  /* Outside a list: a natural width in average characters, whatever the text. */
  cst_line_cell_set_width_chars (CST_LINE_CELL (f->cell), 60);
  gtk_widget_measure (f->cell, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural_width, NULL, NULL);
  g_assert_cmpint (natural_width, >, 200);
  cst_line_cell_set_text (CST_LINE_CELL (f->cell), "Li");
  gtk_widget_measure (f->cell, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &short_width, NULL, NULL);
  g_assert_cmpint (short_width, ==, natural_width);

  /* Large Text: the same font at twice the resolution. */
  g_object_set (gtk_settings_get_default (), "gtk-xft-dpi", 2 * NORMAL_DPI, NULL);
  cst_test_iterate_for (50);
  g_assert_cmpint (height_of (f->cell), >=, 2 * normal - 2);
  g_assert_cmpint (height_of (f->cell), ==, line_of (f->cell));
}

/* The cell has drawn its current text. */
static gboolean
drawn (gpointer data)
{
  PangoLayout *layout = cst_line_cell_get_layout (data);

  return layout != NULL && g_strcmp0 (pango_layout_get_text (layout), cst_line_cell_get_text (data)) == 0;
}

/* Where the text is drawn: the bounds of the cell's drawing. */
static graphene_rect_t
drawn_bounds (GtkWidget *cell)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (cell);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  graphene_rect_t bounds;

  gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (cell), gtk_widget_get_height (cell));
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  gsk_render_node_get_bounds (node, &bounds);
  return bounds;
}

static void
test_start_of_line (Fixture *f, gconstpointer data)
{
  graphene_rect_t bounds;
  int width;

  cst_line_cell_set_text (CST_LINE_CELL (f->cell), "ROI-2026-000123");
  g_assert_true (cst_test_gui_wait_until (drawn, f->cell));
  width = gtk_widget_get_width (f->cell);
  bounds = drawn_bounds (f->cell);
  g_assert_cmpfloat (bounds.origin.x, <, width / 4.0);
  g_assert_cmpfloat (bounds.origin.x + bounds.size.width, <, width * 0.75);

  gtk_widget_set_direction (f->cell, GTK_TEXT_DIR_RTL);
  cst_line_cell_set_text (CST_LINE_CELL (f->cell), "מספר בקשה 123");
  g_assert_true (cst_test_gui_wait_until (drawn, f->cell));
  bounds = drawn_bounds (f->cell);
  g_assert_cmpfloat (bounds.origin.x, >, width / 4.0);
  g_assert_cmpfloat (bounds.origin.x + bounds.size.width, >, width * 0.75);
  g_assert_false (pango_layout_is_ellipsized (cst_line_cell_get_layout (CST_LINE_CELL (f->cell))));
}

static void
test_cut_to_width (Fixture *f, gconstpointer data)
{
  const char *name = "Núñez-Oyelaran, Josefina Magdalena Concepción de la Santísima Trinidad";
  PangoLayout *layout;
  int drawn_width = 0;

  cst_line_cell_set_text (CST_LINE_CELL (f->cell), name);
  g_assert_true (cst_test_gui_wait_until (drawn, f->cell));
  layout = cst_line_cell_get_layout (CST_LINE_CELL (f->cell));
  g_assert_true (pango_layout_is_ellipsized (layout));
  pango_layout_get_pixel_size (layout, &drawn_width, NULL);
  g_assert_cmpint (drawn_width, <=, gtk_widget_get_width (f->cell));
  g_assert_cmpint (pango_layout_get_line_count (layout), ==, 1);
}

static void
test_accessible_label (Fixture *f, gconstpointer data)
{
  cst_line_cell_set_text (CST_LINE_CELL (f->cell), "ROI-2026-000123");
  g_assert_cmpint (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (f->cell)), ==, GTK_ACCESSIBLE_ROLE_LABEL);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (f->cell), GTK_ACCESSIBLE_PROPERTY_LABEL, "ROI-2026-000123");
  cst_line_cell_set_text (CST_LINE_CELL (f->cell), "ROI-2026-000124");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (f->cell), GTK_ACCESSIBLE_PROPERTY_LABEL, "ROI-2026-000124");
}

/* An open request due @days_left days from today. */
static CstRequest *
request_due_in (int days_left)
{
  CstRequest *request = cst_request_new ();
  GDate due;

  cst_input_today (&due);
  if (days_left >= 0)
    g_date_add_days (&due, days_left);
  else
    g_date_subtract_days (&due, -days_left);
  g_object_set (request, "status", CST_STATUS_IN_PROGRESS, "due-date", &due, NULL);
  return request;
}

static void count_notify (guint *n) { (*n)++; }

/* The request list rebinds up to 200 due badges at a search keystroke,
 * mostly to requests in the same state as before: the badge keeps its
 * style class and its icon then (a class toggled off and on restyles
 * it, the same icon set again is looked up and measured again), and
 * changes both when the state changes. */
static void
test_badge_same_state_keeps_style (Fixture *f, gconstpointer data)
{
  g_autoptr(CstRequest) late = request_due_in (-3);
  g_autoptr(CstRequest) later = request_due_in (-9);
  g_autoptr(CstRequest) on_track = request_due_in (25);
  GtkWidget *badge = g_object_ref_sink (cst_due_badge_new ());
  GtkWidget *icon = gtk_widget_get_first_child (badge);
  guint n_classes = 0, n_icons = 0;

  g_assert_true (GTK_IS_IMAGE (icon));
  cst_due_badge_set_request (CST_DUE_BADGE (badge), late);
  g_assert_true (gtk_widget_has_css_class (badge, "due-overdue"));
  g_assert_true (gtk_widget_get_visible (icon));
  g_signal_connect_swapped (badge, "notify::css-classes", G_CALLBACK (count_notify), &n_classes);
  g_signal_connect_swapped (icon, "notify::icon-name", G_CALLBACK (count_notify), &n_icons);

  cst_due_badge_set_request (CST_DUE_BADGE (badge), later);
  g_assert_cmpuint (n_classes, ==, 0);
  g_assert_cmpuint (n_icons, ==, 0);
  g_assert_cmpstr (cst_line_cell_get_text (CST_LINE_CELL (gtk_widget_get_next_sibling (icon))), ==,
                   "Overdue by 9 days");

  cst_due_badge_set_request (CST_DUE_BADGE (badge), on_track);
  g_assert_false (gtk_widget_has_css_class (badge, "due-overdue"));
  g_assert_true (gtk_widget_has_css_class (badge, "due-on-track"));
  g_assert_false (gtk_widget_get_visible (icon));
  cst_due_badge_set_request (CST_DUE_BADGE (badge), NULL);
  g_assert_false (gtk_widget_has_css_class (badge, "due-on-track"));
  g_object_unref (badge);
}

int
main (int argc, char **argv)
{
  /* The test accessibility backend keeps what screen readers would get. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  cst_test_gui_init (&argc, &argv);
  g_test_add ("/line-cell/size-from-font", Fixture, NULL, fixture_setup, test_size_from_font, fixture_teardown);
  g_test_add ("/line-cell/start-of-line", Fixture, NULL, fixture_setup, test_start_of_line, fixture_teardown);
  g_test_add ("/line-cell/cut-to-width", Fixture, NULL, fixture_setup, test_cut_to_width, fixture_teardown);
  g_test_add ("/line-cell/accessible-label", Fixture, NULL, fixture_setup, test_accessible_label, fixture_teardown);
  g_test_add ("/line-cell/badge-same-state-keeps-style", Fixture, NULL, fixture_setup,
              test_badge_same_state_keeps_style, fixture_teardown);
  return g_test_run ();
}
