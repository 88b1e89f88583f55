/* test-statement-workbench.c — import the sample bill, see the statement
 * preview, toggle a section and the preview updates, select a category
 * and its source lines are highlighted; a defective file imports nothing;
 * template editing (order, wording, colour, language) changes the PDF
 * read back with Poppler; saving stores a new template version; batch
 * export of good and bad bills, and its cancel */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "cst-pdf-preview.h"
#include "cst-statement-workbench.h"
#include "cst-test-db.h"
#include "cst-test-gui.h"
#include "cst-test-file.h"
#include "cst-test-gui.h"
#include "cst-test-pdf.h"

#include <custodian/cst-statement-pay.h>

/* A workbench with the facility's details, as the window gives it the
 * database's (the shipped templates name no hospital). */
static CstStatementWorkbench *
new_workbench (void)
{
  CstStatementWorkbench *workbench = cst_statement_workbench_new (NULL);
  g_autoptr(CstFacility) facility = cst_test_facility_new ();

  cst_statement_workbench_set_facility (workbench, facility);
  return workbench;
}

static void
wait_idle (CstStatementWorkbench *workbench)
{
  g_assert_true (cst_test_wait_while ((CstTestCondition) cst_statement_workbench_is_rendering,
                                          workbench, 30));
}

/* The import as the window runs it, off the main loop, waited for. */
static gboolean
import_bill (CstStatementWorkbench *workbench,
             GFile                 *file,
             GError               **error)
{
  g_autoptr(GAsyncResult) imported = NULL;

  cst_statement_workbench_import_file_async (workbench, file, NULL, cst_test_gui_keep_result, &imported);
  return cst_statement_workbench_import_file_finish (workbench, cst_test_gui_wait_result (&imported), error);
}

/* The PDF of the statement the workbench shows, as Export makes it (the
 * preview draws the same layout on the screen without a PDF). */
static GBytes *
shown_pdf (CstStatementWorkbench *workbench)
{
  g_autoptr(GError) error = NULL;
  GBytes *pdf = cst_statement_render_pdf (cst_statement_workbench_get_statement (workbench), &error);

  g_assert_no_error (error);
  return pdf;
}

static void
test_import_and_design (void)
{
  CstStatementWorkbench *workbench = new_workbench ();
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "sample-bill-1.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  CstPdfPreview *preview = CST_PDF_PREVIEW (cst_statement_workbench_get_preview (workbench));
  CstStatement *statement;
  g_autoptr(GBytes) first_pdf = NULL;
  g_autoptr(GBytes) second_pdf = NULL;
  guint renders;

  gtk_window_present (GTK_WINDOW (workbench));
  g_assert_true (import_bill (workbench, file, &error));
  g_assert_no_error (error);
  wait_idle (workbench);
  statement = cst_statement_workbench_get_statement (workbench);
  g_assert_nonnull (statement);
  g_assert_true (statement->reconciled);
  g_assert_cmpuint (statement->categories->len, >, 1);
  g_assert_cmpint (cst_pdf_preview_get_n_pages (preview), >=, 1);
  /* The metrics line counts the pages the PDF has, never "0 pages" while
   * the preview is still opening it. */
  {
    g_autoptr(GBytes) pdf = shown_pdf (workbench);
    g_autoptr(PopplerDocument) doc = cst_test_pdf_open (pdf);
    int n = poppler_document_get_n_pages (doc);
    g_autofree char *pages = g_strdup_printf (" %d pages ", n);
    const char *metrics = cst_statement_workbench_get_metrics_text (workbench);

    g_test_message ("metrics: %s", metrics);
    g_assert_cmpint (n, >, 1);
    g_assert_cmpint (cst_pdf_preview_get_n_pages (preview), ==, n);
    g_assert_cmpint (cst_pdf_preview_get_rendered_width (preview), >, 0);
    g_assert_null (cst_pdf_preview_get_bytes (preview));   /* no PDF made to show it */
    g_assert_nonnull (strstr (metrics, pages));
    g_assert_nonnull (strstr (metrics, "27 lines on the bill"));
  }
  first_pdf = shown_pdf (workbench);
  renders = cst_statement_workbench_get_renders (workbench);

  /* The glossary off: a new statement and PDF, different from the first. */
  cst_statement_workbench_set_section (workbench, CST_SECTION_GLOSSARY, FALSE);
  wait_idle (workbench);
  g_assert_cmpuint (cst_statement_workbench_get_renders (workbench), ==, renders + 1);
  second_pdf = shown_pdf (workbench);
  g_assert_false (g_bytes_equal (first_pdf, second_pdf));

  /* A category's source lines are highlighted in the original bill. */
  statement = cst_statement_workbench_get_statement (workbench);
  {
    const CstStatementCategory *category = g_ptr_array_index (statement->categories, 0);
    cst_statement_workbench_select_category (workbench, 0);
    g_assert_cmpuint (cst_statement_workbench_count_highlighted (workbench), ==, category->lines->len);
    g_assert_cmpuint (category->lines->len, >, 0);
  }
  gtk_window_destroy (GTK_WINDOW (workbench));
}

/* A workbench shown with the sample bill imported and its preview made. */
static CstStatementWorkbench *
new_workbench_with_sample_bill (void)
{
  CstStatementWorkbench *workbench = new_workbench ();
  g_autofree char *bill = g_test_build_filename (G_TEST_DIST, "data", "sample-bill-1.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (bill);
  g_autoptr(GError) error = NULL;

  gtk_window_present (GTK_WINDOW (workbench));
  g_assert_true (import_bill (workbench, file, &error));
  g_assert_no_error (error);
  wait_idle (workbench);
  return workbench;
}

/* Export writes the statement shown, readable by its owner only, also
 * over an older file that everyone could read. */
static void
test_export_private (void)
{
  CstStatementWorkbench *workbench = new_workbench_with_sample_bill ();
  g_autofree char *dir = g_dir_make_tmp ("cst-export-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "statement.pdf", NULL);
  g_autoptr(GFile) target = g_file_new_for_path (path);

  cst_test_file_make_public (path);
  cst_statement_workbench_export_to (workbench, target);
  cst_test_file_wait_for_pdf (path);
  cst_test_file_assert_private (path);
  g_unlink (path);
  g_rmdir (dir);
  gtk_window_destroy (GTK_WINDOW (workbench));
}

/* The window closed while its export is being written: the file the
 * clerk asked for is still written (the write is not cancelled), and the
 * answer that comes after is dropped. */
static void
test_export_then_close (void)
{
  CstStatementWorkbench *workbench = new_workbench_with_sample_bill ();
  g_autofree char *dir = g_dir_make_tmp ("cst-export-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "statement.pdf", NULL);
  g_autoptr(GFile) target = g_file_new_for_path (path);

  cst_statement_workbench_export_to (workbench, target);
  gtk_window_destroy (GTK_WINDOW (workbench));
  cst_test_file_wait_for_pdf (path);
  cst_test_iterate_for (300);
  cst_test_file_assert_private (path);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_defective_file (void)
{
  CstStatementWorkbench *workbench = new_workbench ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  int fd = g_file_open_tmp ("bad-bill-XXXXXX.csv", &path, &error);

  g_assert_no_error (error);
  close (fd);
  g_assert_true (g_file_set_contents (path, "service_date,revenue_code\nnot-a-date,0450\n", -1, NULL));
  file = g_file_new_for_path (path);
  g_assert_false (import_bill (workbench, file, &error));
  g_assert_nonnull (error);
  g_assert_null (cst_statement_workbench_get_statement (workbench));
  g_unlink (path);
  gtk_window_destroy (GTK_WINDOW (workbench));
}

/* Two imports in a row: the later one is what the clerk asked for, so
 * the earlier one (here a defective file) ends as cancelled and shows
 * nothing, whichever worker finishes first. */
static void
test_newer_import_wins (void)
{
  CstStatementWorkbench *workbench = new_workbench ();
  g_autofree char *good_path = g_test_build_filename (G_TEST_DIST, "data", "sample-bill-1.csv", NULL);
  g_autoptr(GFile) good = g_file_new_for_path (good_path);
  g_autofree char *bad_path = NULL;
  g_autoptr(GFile) bad = NULL;
  g_autoptr(GAsyncResult) first = NULL, second = NULL;
  g_autoptr(GError) error = NULL;
  int fd = g_file_open_tmp ("bad-bill-XXXXXX.csv", &bad_path, &error);

  g_assert_no_error (error);
  close (fd);
  g_assert_true (g_file_set_contents (bad_path, "service_date,revenue_code\nnot-a-date,0450\n", -1, NULL));
  bad = g_file_new_for_path (bad_path);
  gtk_window_present (GTK_WINDOW (workbench));
  cst_statement_workbench_import_file_async (workbench, bad, NULL, cst_test_gui_keep_result, &first);
  cst_statement_workbench_import_file_async (workbench, good, NULL, cst_test_gui_keep_result, &second);
  g_assert_true (cst_statement_workbench_import_file_finish (workbench, cst_test_gui_wait_result (&second),
                                                             &error));
  g_assert_no_error (error);
  g_assert_false (cst_statement_workbench_import_file_finish (workbench, cst_test_gui_wait_result (&first),
                                                              &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  wait_idle (workbench);
  g_assert_nonnull (cst_statement_workbench_get_statement (workbench));
  g_unlink (bad_path);
  gtk_window_destroy (GTK_WINDOW (workbench));
}

static char *
sample_path (void)
{
  return g_test_build_filename (G_TEST_DIST, "data", "sample-bill-1.csv", NULL);
}

static CstStatementWorkbench *
workbench_with_sample (void)
{
  CstStatementWorkbench *workbench = new_workbench ();
  g_autofree char *path = sample_path ();
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  gtk_window_present (GTK_WINDOW (workbench));
  g_assert_true (import_bill (workbench, file, &error));
  g_assert_no_error (error);
  wait_idle (workbench);
  return workbench;
}

/* The preview's PDF as Poppler reads it, each run of spaces and line
 * breaks made one space. */
static char *
preview_text (CstStatementWorkbench *workbench)
{
  g_autoptr(GBytes) pdf = shown_pdf (workbench);
  g_autoptr(PopplerDocument) doc = cst_test_pdf_open (pdf);
  g_autofree char *text = cst_test_pdf_text (doc);
  GString *out = g_string_new (NULL);
  gboolean space = FALSE;

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c))
        space = TRUE;
      else
        {
          if (space && out->len > 0)
            g_string_append_c (out, ' ');
          space = FALSE;
          g_string_append_unichar (out, c);
        }
    }
  return g_string_free (out, FALSE);
}

static gssize
offset_of (const char *text,
           const char *needle)
{
  const char *at = strstr (text, needle);

  g_test_message ("looking for “%s”", needle);
  g_assert_nonnull (at);
  return at - text;
}

/* A button found by its tooltip, as a keyboard or screen-reader user
 * finds it by its label. */
static GtkWidget *
find_button (GtkWidget  *root,
             const char *tooltip)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (child) && g_strcmp0 (gtk_widget_get_tooltip_text (child), tooltip) == 0)
        return child;
      if ((found = find_button (child, tooltip)))
        return found;
    }
  return NULL;
}

static GtkWidget *
find_of_type (GtkWidget *root,
              GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        return child;
      if ((found = find_of_type (child, type)))
        return found;
    }
  return NULL;
}

/* Moving a section changes the order of the text in the PDF. */
static void
test_reorder_section (void)
{
  CstStatementWorkbench *workbench = workbench_with_sample ();
  g_autofree char *before = preview_text (workbench);
  g_autofree char *after = NULL;
  GtkWidget *down;
  guint renders = cst_statement_workbench_get_renders (workbench);

  g_assert_cmpint (offset_of (before, "How we got this amount"), <,
                   offset_of (before, "What your visit included"));
  g_assert_cmpint (cst_statement_workbench_get_section_order (workbench)[2], ==, CST_SECTION_HOW_WE_GOT_THIS);

  /* The row's own "move down" button, as a keyboard user would press it. */
  down = find_button (GTK_WIDGET (workbench), "Move “How we got this amount” down");
  g_assert_nonnull (down);
  g_assert_true (gtk_widget_get_focusable (down) || gtk_widget_get_can_focus (down));
  g_assert_true (gtk_widget_activate (down));
  /* A keyboard-activated button clicks when its press animation ends. */
  for (gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
       cst_statement_workbench_get_section_order (workbench)[3] != CST_SECTION_HOW_WE_GOT_THIS &&
       g_get_monotonic_time () < deadline;)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (2000), TRUE);
  wait_idle (workbench);
  g_assert_cmpuint (cst_statement_workbench_get_renders (workbench), >, renders);
  g_assert_cmpint (cst_statement_workbench_get_section_order (workbench)[3], ==, CST_SECTION_HOW_WE_GOT_THIS);
  after = preview_text (workbench);
  g_assert_cmpint (offset_of (after, "What your visit included"), <,
                   offset_of (after, "How we got this amount"));
  g_assert_true (cst_statement_workbench_has_unsaved_changes (workbench));
  /* An edited template is not a stored version: nothing can claim it was sent. */
  g_assert_cmpint (cst_statement_template_get_version_id (cst_statement_workbench_get_statement (workbench)->template), ==, 0);

  /* And back up again. */
  cst_statement_workbench_move_section (workbench, CST_SECTION_HOW_WE_GOT_THIS, -1);
  wait_idle (workbench);
  g_free (after);
  after = preview_text (workbench);
  g_assert_cmpint (offset_of (after, "How we got this amount"), <,
                   offset_of (after, "What your visit included"));
  gtk_window_destroy (GTK_WINDOW (workbench));
}

/* Language, a heading's wording and the accent colour reach the PDF. */
static void
test_language_wording_colour (void)
{
  CstStatementWorkbench *workbench = workbench_with_sample ();
  g_autofree char *text = NULL;
  g_autofree char *spanish = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  GdkRGBA red = { 0.8, 0.1, 0.1, 1.0 };
  GtkWidget *accent;

  cst_statement_workbench_set_wording (workbench, "how-heading", "How we worked out your bill");
  wait_idle (workbench);
  text = preview_text (workbench);
  g_assert_nonnull (strstr (text, "How we worked out your bill"));
  g_assert_null (strstr (text, "How we got this amount"));

  cst_statement_workbench_set_language (workbench, "es");
  wait_idle (workbench);
  g_assert_cmpstr (cst_statement_workbench_get_statement (workbench)->language, ==, "es");
  spanish = preview_text (workbench);
  g_assert_nonnull (strstr (spanish, "Cómo llegamos a esta cantidad"));
  g_assert_nonnull (strstr (spanish, "Qué incluyó su visita"));
  g_assert_null (strstr (spanish, "What your visit included"));
  /* Spanish is scored with a Spanish formula. */
  g_assert_cmpint (cst_statement_workbench_get_statement (workbench)->readability.formula, ==,
                   CST_READABILITY_INFLESZ);

  /* The colour button changes the template and the PDF. */
  before = shown_pdf (workbench);
  accent = find_of_type (GTK_WIDGET (workbench), GTK_TYPE_COLOR_BUTTON);   /* the first: accent */
  g_assert_nonnull (accent);
  gtk_color_chooser_set_rgba (GTK_COLOR_CHOOSER (accent), &red);
  wait_idle (workbench);
  g_assert_cmpuint (cst_statement_template_get_color (cst_statement_workbench_get_template (workbench), "accent"),
                    ==, 0xCC1A1A);
  after = shown_pdf (workbench);
  g_assert_false (g_bytes_equal (before, after));
  gtk_window_destroy (GTK_WINDOW (workbench));
}

/* Each category's row shows its label, and no row is left over. */
static void
assert_category_rows (CstStatementWorkbench *workbench)
{
  GPtrArray *categories = cst_statement_workbench_get_statement (workbench)->categories;

  for (guint i = 0; i < categories->len; i++)
    {
      const CstStatementCategory *category = g_ptr_array_index (categories, i);
      GtkWidget *row = cst_statement_workbench_get_category_row (workbench, i);

      g_assert_nonnull (row);
      g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, category->label);
    }
  g_assert_null (cst_statement_workbench_get_category_row (workbench, categories->len));
}

/* An edit that leaves the categories as they were (a heading) keeps their
 * rows, and the one selected stays selected: nothing in the list is made
 * or laid out again for it.  A language changes their labels in place. */
static void
test_categories_kept (void)
{
  CstStatementWorkbench *workbench = workbench_with_sample ();
  GtkWidget *first = cst_statement_workbench_get_category_row (workbench, 1);
  GtkWidget *kept = first;
  g_autofree char *english = NULL;
  guint renders = cst_statement_workbench_get_renders (workbench);

  assert_category_rows (workbench);
  g_object_add_weak_pointer (G_OBJECT (kept), (gpointer *) &kept);
  gtk_list_box_select_row (GTK_LIST_BOX (gtk_widget_get_parent (first)), GTK_LIST_BOX_ROW (first));
  english = g_strdup (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (first)));

  cst_statement_workbench_set_wording (workbench, "how-heading", "How we worked out your bill");
  wait_idle (workbench);
  g_assert_cmpuint (cst_statement_workbench_get_renders (workbench), ==, renders + 1);
  g_assert_true (kept == first);        /* not destroyed and made again */
  g_assert_true (cst_statement_workbench_get_category_row (workbench, 1) == first);
  g_assert_true (gtk_list_box_row_is_selected (GTK_LIST_BOX_ROW (first)));
  assert_category_rows (workbench);

  cst_statement_workbench_set_language (workbench, "es");
  wait_idle (workbench);
  assert_category_rows (workbench);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (first)), !=, english);
  /* Another label in the selected row: no category is selected now. */
  g_assert_false (gtk_list_box_row_is_selected (GTK_LIST_BOX_ROW (first)));
  g_object_remove_weak_pointer (G_OBJECT (kept), (gpointer *) &kept);
  gtk_window_destroy (GTK_WINDOW (workbench));
}

/* The pixels of @paintable drawn at its size whose colour is @rgb, give
 * or take a little (antialiased edges are left out). */
static guint
count_pixels_of (GdkPaintable *paintable,
                 guint32       rgb)
{
  int width = gdk_paintable_get_intrinsic_width (paintable);
  int height = gdk_paintable_get_intrinsic_height (paintable);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_t *cr = cairo_create (image);
  guint count = 0;

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  cairo_surface_flush (image);
  for (int y = 0; y < height; y++)
    {
      const guint32 *row = (const guint32 *) (cairo_image_surface_get_data (image) +
                                              y * cairo_image_surface_get_stride (image));

      for (int x = 0; x < width; x++)
        count += ABS ((int) ((row[x] >> 16) & 0xFF) - (int) ((rgb >> 16) & 0xFF)) < 8 &&
                 ABS ((int) ((row[x] >> 8) & 0xFF) - (int) ((rgb >> 8) & 0xFF)) < 8 &&
                 ABS ((int) (row[x] & 0xFF) - (int) (rgb & 0xFF)) < 8;
    }
  cairo_surface_destroy (image);
  return count;
}

static void
count_frame (GdkFrameClock *clock,
             guint         *frames)
{
  (*frames)++;
}

/* Draws @n frames of @widget's window: what was queued to lay out before
 * is laid out by then (layout comes before paint in a frame). */
static void
wait_frames (GtkWidget *widget,
             guint      n)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  guint frames = 0;
  gulong handler = g_signal_connect (clock, "after-paint", G_CALLBACK (count_frame), &frames);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (frames < n && g_get_monotonic_time () < deadline)
    {
      gtk_widget_queue_draw (widget);
      g_main_context_iteration (NULL, TRUE);
    }
  g_signal_handler_disconnect (clock, handler);
  g_assert_cmpuint (frames, >=, n);
}

/* An edit that changes only what the page shows (a colour) draws the
 * new page in the picture's own paintable, the same size: the picture is
 * drawn again, not measured and laid out again with the window around it
 * (a new paintable set on a GtkPicture queues a resize).  The frame
 * clock's layout phases are only reported: the X server and GTK ask for
 * some now and then (0 to 8 in five edits here, with or without an edit's
 * own layout), so their number says nothing reliable about the preview. */
static void
test_edit_redraws_page_in_place (void)
{
  enum { EDITS = 5 };
  CstStatementWorkbench *workbench = workbench_with_sample ();
  GtkWidget *picture = find_of_type (cst_statement_workbench_get_preview (workbench), GTK_TYPE_PICTURE);
  GdkPaintable *paintable = gtk_picture_get_paintable (GTK_PICTURE (picture));
  GtkWidget *accent = find_of_type (GTK_WIDGET (workbench), GTK_TYPE_COLOR_BUTTON);
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (workbench));
  guint renders = cst_statement_workbench_get_renders (workbench);
  guint layouts = 0;
  gulong handler;
  GdkRGBA red = { 0.8, 0.1, 0.1, 1.0 }, blue = { 0.1, 0.1, 0.8, 1.0 };
  int width = gdk_paintable_get_intrinsic_width (paintable);

  g_assert_cmpint (width, >, 0);
  g_assert_nonnull (clock);
  /* The first edit says "unsaved changes": a new subtitle, laid out. */
  gtk_color_chooser_set_rgba (GTK_COLOR_CHOOSER (accent), &blue);
  wait_idle (workbench);
  /* Whatever that left to lay out is done before counting. */
  wait_frames (GTK_WIDGET (workbench), 3);
  g_assert_cmpuint (count_pixels_of (paintable, 0xCC1A1A), ==, 0);
  handler = g_signal_connect (clock, "layout", G_CALLBACK (count_frame), &layouts);
  for (guint i = 0; i < EDITS; i++)
    {
      gtk_color_chooser_set_rgba (GTK_COLOR_CHOOSER (accent), i % 2 ? &blue : &red);  /* red last */
      wait_idle (workbench);
      wait_frames (GTK_WIDGET (workbench), 2);
    }
  g_signal_handler_disconnect (clock, handler);

  g_assert_cmpuint (cst_statement_workbench_get_renders (workbench), ==, renders + 1 + EDITS);
  g_assert_true (gtk_picture_get_paintable (GTK_PICTURE (picture)) == paintable);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (paintable), ==, width);
  /* It shows the last edit's page: red headings and boxes. */
  g_assert_cmpuint (count_pixels_of (paintable, 0xCC1A1A), >, 100);
  g_test_message ("%u layout phases in %u edits", layouts, EDITS);
  gtk_window_destroy (GTK_WINDOW (workbench));
}

/* What the first frame after an edit drew. */
typedef struct
{
  CstStatementWorkbench *workbench;
  guint                  renders;       /* before the edit */
  gboolean               drawn;         /* a frame was drawn since */
  gboolean               had_page;      /* the first one had the edit's page */
} FirstFrame;

static void
note_first_frame (GdkFrameClock *clock,
                  FirstFrame    *first)
{
  if (first->drawn)
    return;
  first->drawn = TRUE;
  first->had_page = cst_statement_workbench_get_renders (first->workbench) > first->renders &&
                    !cst_statement_workbench_is_rendering (first->workbench);
}

static gboolean
frame_drawn (FirstFrame *first)
{
  return first->drawn;
}

/* A heading typed: the entry's new text needs a frame at once, but that
 * frame waits for the edit's page, so text and page are drawn together
 * (cst_pdf_preview_expect_pages).  Without the hold the text's frame is
 * drawn first, and GTK's frame clock draws the page's a whole refresh
 * interval later.  The hold is made long here so that a loaded machine's
 * render still fits in it (the workbench's own is one refresh interval). */
static void
test_edit_and_page_in_one_frame (void)
{
  CstStatementWorkbench *workbench = workbench_with_sample ();
  CstPdfPreview *preview = CST_PDF_PREVIEW (cst_statement_workbench_get_preview (workbench));
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (workbench));
  GtkWidget *heading = find_of_type (GTK_WIDGET (workbench), ADW_TYPE_ENTRY_ROW);
  FirstFrame first = { workbench, 0, FALSE, FALSE };
  gulong handler;

  g_assert_nonnull (heading);
  cst_pdf_preview_set_frame_hold (preview, 30 * G_USEC_PER_SEC);
  wait_frames (GTK_WIDGET (workbench), 2);
  first.renders = cst_statement_workbench_get_renders (workbench);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (note_first_frame), &first);
  gtk_editable_set_text (GTK_EDITABLE (heading), "Your bill, line by line");
  g_assert_true (cst_test_wait_until ((CstTestCondition) frame_drawn, &first, 60));
  g_signal_handler_disconnect (clock, handler);
  g_assert_true (first.had_page);
  g_assert_cmpuint (cst_statement_workbench_get_renders (workbench), ==, first.renders + 1);
  wait_idle (workbench);
  gtk_window_destroy (GTK_WINDOW (workbench));
}

static gboolean
template_is_stored (CstStatementWorkbench *workbench)
{
  return cst_statement_template_get_version (cst_statement_workbench_get_template (workbench)) > 0 &&
         !cst_statement_workbench_has_unsaved_changes (workbench);
}

/* Saving stores a new version; the old one still says what it said. */
static void
test_save_template_version (void)
{
  g_autoptr(CstTestDb) db = cst_test_db_new ();
  g_autofree char *login = cst_test_db_create_login (db, "custodian_billing");
  g_autoptr(CstConnection) connection = cst_connection_new (login);
  CstStatementWorkbench *workbench = workbench_with_sample ();
  PGconn *conn = cst_test_db_connect (db);
  g_autoptr(CstStatementTemplate) v1 = NULL;
  g_autoptr(CstStatementTemplate) v2 = NULL;
  g_autoptr(GError) error = NULL;

  cst_statement_workbench_set_connection (workbench, connection);
  g_assert_true (cst_test_wait_until ((CstTestCondition) template_is_stored, workbench, 60));
  g_assert_cmpint (cst_statement_template_get_version (cst_statement_workbench_get_template (workbench)), ==, 1);
  wait_idle (workbench);

  cst_statement_workbench_set_wording (workbench, "pay-heading", "How to pay");
  cst_statement_workbench_move_section (workbench, CST_SECTION_WAYS_TO_PAY, -1);
  g_assert_true (cst_statement_workbench_has_unsaved_changes (workbench));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (workbench), "workbench.save-template", NULL));
  g_assert_true (cst_test_wait_until ((CstTestCondition) template_is_stored, workbench, 60));
  wait_idle (workbench);
  g_assert_cmpint (cst_statement_template_get_version (cst_statement_workbench_get_template (workbench)), ==, 2);
  /* The preview's statement now names the stored version it was made from. */
  g_assert_cmpint (cst_statement_template_get_version_id (cst_statement_workbench_get_statement (workbench)->template),
                   ==, cst_statement_template_get_version_id (cst_statement_workbench_get_template (workbench)));

  v1 = cst_statement_template_repo_load (conn, "standard", "en", 1, &error);
  g_assert_no_error (error);
  v2 = cst_statement_template_repo_load (conn, "standard", "en", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cst_statement_template_get_version (v2), ==, 2);
  g_assert_cmpstr (cst_statement_template_get_text (v2, "pay-heading"), ==, "How to pay");
  g_assert_cmpstr (cst_statement_template_get_text (v1, "pay-heading"), ==, "Ways to pay");
  {
    guint n1 = 0, n2 = 0;
    const CstStatementSection *s1 = cst_statement_template_get_sections (v1, &n1);
    const CstStatementSection *s2 = cst_statement_template_get_sections (v2, &n2);
    g_assert_cmpint (s1[5], ==, CST_SECTION_WAYS_TO_PAY);
    g_assert_cmpint (s2[4], ==, CST_SECTION_WAYS_TO_PAY);
  }
  PQfinish (conn);
  gtk_window_destroy (GTK_WINDOW (workbench));
}

static gboolean
batch_done (CstStatementWorkbench *workbench)
{
  return !cst_statement_workbench_is_exporting (workbench);
}

static GListStore *
bill_copies (const char *dir,
             guint       n,
             gboolean    with_bad_one)
{
  g_autofree char *sample = sample_path ();
  g_autofree char *contents = NULL;
  gsize length = 0;
  GListStore *files = g_list_store_new (G_TYPE_FILE);

  g_assert_true (g_file_get_contents (sample, &contents, &length, NULL));
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("bill-%02u.csv", i + 1);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(GFile) file = g_file_new_for_path (path);

      g_assert_true (g_file_set_contents (path, contents, length, NULL));
      g_list_store_append (files, file);
      if (with_bad_one && i == 0)
        {
          /* Line 3 has a date that is not one. */
          g_autofree char *bad_path = g_build_filename (dir, "broken-bill.csv", NULL);
          g_autoptr(GFile) bad = g_file_new_for_path (bad_path);
          g_auto(GStrv) lines = g_strsplit (contents, "\n", 4);
          g_autofree char *line3 = g_strdup (lines[2]);
          g_autofree char *broken = NULL;

          memcpy (line3, "2025-13-45", 10);
          broken = g_strconcat (lines[0], "\n", lines[1], "\n", line3, "\n", lines[3], NULL);
          g_assert_true (g_file_set_contents (bad_path, broken, -1, NULL));
          g_list_store_append (files, bad);
        }
    }
  return files;
}

static guint
count_pdfs (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  guint n = 0;

  for (const char *name; (name = g_dir_read_name (listing));)
    n += g_str_has_suffix (name, ".pdf");
  return n;
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);

  for (const char *name; (name = g_dir_read_name (listing));)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

/* Two good bills and a bad one: two PDFs, the bad one named with its line. */
static void
test_batch_export (void)
{
  CstStatementWorkbench *workbench = new_workbench ();
  g_autofree char *dir = g_dir_make_tmp ("cst-batch-XXXXXX", NULL);
  g_autoptr(GListStore) files = bill_copies (dir, 2, TRUE);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autofree char *pdf_path = g_build_filename (dir, "bill-02.pdf", NULL);
  g_autofree char *pdf = NULL;
  gsize length = 0;
  const char *report;

  gtk_window_present (GTK_WINDOW (workbench));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (files)), ==, 3);
  cst_statement_workbench_export_batch (workbench, G_LIST_MODEL (files), folder);
  g_assert_true (cst_statement_workbench_is_exporting (workbench));
  g_assert_true (cst_test_wait_until ((CstTestCondition) batch_done, workbench, 60));
  g_assert_cmpuint (count_pdfs (dir), ==, 2);
  report = cst_statement_workbench_get_batch_report (workbench);
  g_test_message ("batch report: %s", report);
  g_assert_nonnull (strstr (report, "broken-bill.csv"));
  g_assert_nonnull (strstr (report, "line 3"));
  g_assert_null (strstr (report, "bill-01"));
  cst_test_file_assert_private (pdf_path);
  g_assert_true (g_file_get_contents (pdf_path, &pdf, &length, NULL));
  {
    g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&pdf), length);
    g_autoptr(PopplerDocument) doc = cst_test_pdf_open (bytes);
    g_autofree char *text = cst_test_pdf_text (doc);
    g_assert_nonnull (strstr (text, "$1,375.96"));
  }
  remove_dir (dir);
  gtk_window_destroy (GTK_WINDOW (workbench));
}

/* "Other wording" lists what each wording is for, never its key; each
 * choice edits the wording it names. */
static void
test_wording_choices_in_words (void)
{
  CstStatementWorkbench *workbench = workbench_with_sample ();
  GListModel *choices = cst_statement_workbench_get_wording_choices (workbench);
  CstStatementTemplate *tpl = cst_statement_workbench_get_template (workbench);
  g_autofree char *data = cst_statement_template_to_data (tpl, NULL);
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_auto(GStrv) keys = NULL;
  gsize n_keys = 0;

  g_assert_true (g_key_file_load_from_data (file, data, -1, G_KEY_FILE_NONE, NULL));
  keys = g_key_file_get_keys (file, "wording", &n_keys, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (choices), ==, n_keys);
  for (guint i = 0; i < g_list_model_get_n_items (choices); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (choices, i);
      const char *text = gtk_string_object_get_string (item);

      g_assert_false (g_strv_contains ((const char * const *) keys, text));
      g_assert_cmpstr (text, ==, cst_statement_wording_get_label (keys[i]));
    }
  gtk_window_destroy (GTK_WINDOW (workbench));
}

/* One good bill and a bad one: each count in the summary has its own
 * plural ("1 statement exported", not "1 statements exported"). */
static void
test_batch_summary_plurals (void)
{
  CstStatementWorkbench *workbench = new_workbench ();
  g_autofree char *dir = g_dir_make_tmp ("cst-batch-XXXXXX", NULL);
  g_autoptr(GListStore) files = bill_copies (dir, 1, TRUE);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);

  gtk_window_present (GTK_WINDOW (workbench));
  cst_statement_workbench_export_batch (workbench, G_LIST_MODEL (files), folder);
  g_assert_true (cst_test_wait_until ((CstTestCondition) batch_done, workbench, 60));
  g_assert_cmpstr (cst_statement_workbench_get_batch_summary (workbench), ==,
                   "1 statement exported; 1 bill could not be read");
  remove_dir (dir);
  gtk_window_destroy (GTK_WINDOW (workbench));
}

/* Cancel stops between files: fewer PDFs than bills, and no half file. */
static void
test_batch_cancel (void)
{
  CstStatementWorkbench *workbench = new_workbench ();
  g_autofree char *dir = g_dir_make_tmp ("cst-batch-XXXXXX", NULL);
  g_autoptr(GListStore) files = bill_copies (dir, 40, FALSE);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);

  gtk_window_present (GTK_WINDOW (workbench));
  cst_statement_workbench_export_batch (workbench, G_LIST_MODEL (files), folder);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (workbench), "workbench.cancel-batch", NULL));
  g_assert_true (cst_test_wait_until ((CstTestCondition) batch_done, workbench, 60));
  g_test_message ("%u of 40 exported before the cancel took effect", count_pdfs (dir));
  g_assert_cmpuint (count_pdfs (dir), <, 40);

  /* Closing the window mid-batch stops it; the late callbacks touch no
   * destroyed widget, and the window is freed once the worker is done. */
  cst_statement_workbench_export_batch (workbench, G_LIST_MODEL (files), folder);
  g_assert_true (cst_statement_workbench_is_exporting (workbench));
  g_object_add_weak_pointer (G_OBJECT (workbench), (gpointer *) &workbench);
  gtk_window_destroy (GTK_WINDOW (workbench));
  for (gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
       workbench != NULL && g_get_monotonic_time () < deadline;)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (2000), TRUE);
  g_assert_null (workbench);
  remove_dir (dir);
}

/* ---- The patient's part: remittance, estimate, screening, pay link ------- */

static gboolean
load_remittance (CstStatementWorkbench *workbench,
                 const char            *path,
                 GError               **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) loaded = NULL;

  cst_statement_workbench_load_remittance_async (workbench, file, cst_test_gui_keep_result, &loaded);
  return cst_statement_workbench_load_remittance_finish (workbench, cst_test_gui_wait_result (&loaded), error);
}

/* The payer's 835, read off the main loop, explains the statement in the
 * preview; a remittance that does not balance is refused with its
 * segment named, and the statement keeps the one it had. */
static void
test_remittance_in_app (void)
{
  CstStatementWorkbench *workbench = new_workbench_with_sample_bill ();
  g_autofree char *x12 = g_test_build_filename (G_TEST_DIST, "data", "sample-bill-1.835", NULL);
  g_autofree char *eob = g_test_build_filename (G_TEST_DIST, "data", "sample-bill-1.eob.json", NULL);
  g_autofree char *dir = g_dir_make_tmp ("cst-remittance-XXXXXX", NULL);
  g_autofree char *bad = g_build_filename (dir, "unbalanced.835", NULL);
  g_autofree char *data = NULL, *text = NULL, *eob_text = NULL;
  g_autoptr(GError) error = NULL;
  CstStatement *statement;

  g_assert_true (load_remittance (workbench, x12, &error));
  g_assert_no_error (error);
  wait_idle (workbench);
  statement = cst_statement_workbench_get_statement (workbench);
  g_assert_nonnull (statement->remittance_claim);
  text = preview_text (workbench);
  g_assert_nonnull (strstr (text, "Why you owe this"));

  /* The ExplanationOfBenefit of the same claim: the same explanation. */
  g_assert_true (load_remittance (workbench, eob, &error));
  wait_idle (workbench);
  eob_text = preview_text (workbench);
  g_assert_nonnull (strstr (eob_text, "Why you owe this"));

  /* One cent off the claim payment: it no longer balances. */
  g_assert_true (g_file_get_contents (x12, &data, NULL, NULL));
  {
    g_autoptr(GString) broken = g_string_new (data);
    g_assert_cmpint (g_string_replace (broken, "*1503.85*1375.96", "*1503.86*1375.96", 1), ==, 1);
    g_assert_true (g_file_set_contents (bad, broken->str, -1, NULL));
  }
  g_assert_false (load_remittance (workbench, bad, &error));
  g_assert_nonnull (error);
  g_test_message ("refused: %s", error->message);
  wait_idle (workbench);
  g_assert_nonnull (cst_statement_workbench_get_statement (workbench)->remittance_claim);
  g_assert_nonnull (strstr (error->message, "CLP"));
  g_unlink (bad);
  g_rmdir (dir);
  gtk_window_destroy (GTK_WINDOW (workbench));
}

/* Screening in the app: the result in words, and an eligible patient's
 * statement recomputed with the discount as its own line. */
static void
test_screening_in_app (void)
{
  CstStatementWorkbench *workbench = new_workbench_with_sample_bill ();
  g_autofree char *text = NULL;
  CstStatement *statement;

  /* The sample asks $1,375.96; 242% of the guideline: 75% off, rounded
   * up for the patient ($1,031.97), $343.99 left. */
  g_assert_true (cst_statement_workbench_screen (workbench, 4, 8000000));
  g_assert_nonnull (strstr (cst_statement_workbench_get_screening_text (workbench), "242%"));
  wait_idle (workbench);
  statement = cst_statement_workbench_get_statement (workbench);
  g_assert_true (statement->assisted);
  g_assert_cmpint (statement->assistance_cents, ==, 103197);
  g_assert_cmpint (statement->amount_due_cents, ==, 34399);
  text = preview_text (workbench);
  g_assert_nonnull (strstr (text, "Financial help for you"));
  g_assert_false (cst_statement_workbench_screen (workbench, 0, 100));
  gtk_window_destroy (GTK_WINDOW (workbench));
}

/* The visit's estimate, read off the main loop, compared in the preview;
 * a file that is not an estimate is refused and named. */
static void
test_estimate_in_app (void)
{
  CstStatementWorkbench *workbench = new_workbench_with_sample_bill ();
  g_autofree char *dir = g_dir_make_tmp ("cst-estimate-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "estimate.json", NULL);
  g_autofree char *bill = g_test_build_filename (G_TEST_DIST, "data", "sample-bill-1.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) not_estimate = g_file_new_for_path (bill);
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GAsyncResult) refused = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  CstStatement *statement;

  g_assert_true (g_file_set_contents (path, "{\"self_pay\":false,\"patient_cents\":100000,\"lines\":[]}\n",
                                      -1, NULL));
  cst_statement_workbench_load_estimate_async (workbench, file, cst_test_gui_keep_result, &loaded);
  g_assert_true (cst_statement_workbench_load_estimate_finish (workbench, cst_test_gui_wait_result (&loaded),
                                                               &error));
  g_assert_no_error (error);
  wait_idle (workbench);
  statement = cst_statement_workbench_get_statement (workbench);
  g_assert_true (statement->has_estimate);
  g_assert_cmpint (statement->estimate_difference_cents, ==, 137596 - 100000);
  text = preview_text (workbench);
  g_assert_nonnull (strstr (text, "This bill is $375.96 more than the estimate."));

  cst_statement_workbench_load_estimate_async (workbench, not_estimate, cst_test_gui_keep_result, &refused);
  g_assert_false (cst_statement_workbench_load_estimate_finish (workbench, cst_test_gui_wait_result (&refused),
                                                                &error));
  g_assert_nonnull (strstr (error->message, "not an estimate"));
  g_unlink (path);
  g_rmdir (dir);
  gtk_window_destroy (GTK_WINDOW (workbench));
}

/* The statement's own pay link from the workbench, as billing: issued on
 * the database thread, shown with its QR code in the preview. */
static void
test_pay_link_in_app (void)
{
  g_autoptr(CstTestDb) db = cst_test_db_new ();
  g_autofree char *login = cst_test_db_create_login (db, "custodian_billing");
  g_autoptr(CstConnection) connection = cst_connection_new (login);
  CstStatementWorkbench *workbench = new_workbench_with_sample_bill ();
  g_autoptr(GAsyncResult) issued = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  CstStatement *statement;

  cst_statement_workbench_set_connection (workbench, connection);
  cst_statement_workbench_issue_pay_link_async (workbench, cst_test_gui_keep_result, &issued);
  g_assert_true (cst_statement_workbench_issue_pay_link_finish (workbench, cst_test_gui_wait_result (&issued),
                                                                &error));
  g_assert_no_error (error);
  wait_idle (workbench);
  statement = cst_statement_workbench_get_statement (workbench);
  g_assert_nonnull (statement->pay_link);
  g_assert_true (g_str_has_prefix (statement->pay_link, "https://pay.custodian-general.example/"));
  g_assert_cmpuint (strlen (statement->pay_link), ==,
                    strlen ("https://pay.custodian-general.example/") + CST_PAY_TOKEN_LENGTH);
  text = preview_text (workbench);
  g_assert_nonnull (strstr (text, statement->pay_link + strlen ("https://")));
  gtk_window_destroy (GTK_WINDOW (workbench));
}

int
main (int argc, char **argv)
{
  cst_test_gui_init (&argc, &argv);
  g_test_add_func ("/statement-workbench/import-and-design", test_import_and_design);
  g_test_add_func ("/statement-workbench/export-private", test_export_private);
  g_test_add_func ("/statement-workbench/export-then-close", test_export_then_close);
  g_test_add_func ("/statement-workbench/defective-file", test_defective_file);
  g_test_add_func ("/statement-workbench/newer-import-wins", test_newer_import_wins);
  g_test_add_func ("/statement-workbench/reorder-section", test_reorder_section);
  g_test_add_func ("/statement-workbench/language-wording-colour", test_language_wording_colour);
  g_test_add_func ("/statement-workbench/categories-kept", test_categories_kept);
  g_test_add_func ("/statement-workbench/edit-redraws-page-in-place", test_edit_redraws_page_in_place);
  g_test_add_func ("/statement-workbench/edit-and-page-in-one-frame", test_edit_and_page_in_one_frame);
  g_test_add_func ("/statement-workbench/save-template-version", test_save_template_version);
  g_test_add_func ("/statement-workbench/batch-export", test_batch_export);
  g_test_add_func ("/statement-workbench/wording-choices-in-words", test_wording_choices_in_words);
  g_test_add_func ("/statement-workbench/batch-summary-plurals", test_batch_summary_plurals);
  g_test_add_func ("/statement-workbench/batch-cancel", test_batch_cancel);
  g_test_add_func ("/statement-workbench/remittance-in-app", test_remittance_in_app);
  g_test_add_func ("/statement-workbench/screening-in-app", test_screening_in_app);
  g_test_add_func ("/statement-workbench/estimate-in-app", test_estimate_in_app);
  g_test_add_func ("/statement-workbench/pay-link-in-app", test_pay_link_in_app);
  return g_test_run ();
}
