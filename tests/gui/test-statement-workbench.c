/* test-statement-workbench.c — import the sample bill, see the statement
 * preview, toggle a section and the preview updates, select a category
 * and its source lines are highlighted; a defective file imports nothing */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "cst-pdf-preview.h"
#include "cst-statement-workbench.h"

static void
wait_idle (CstStatementWorkbench *workbench)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  do
    g_main_context_iteration (NULL, FALSE) || (g_usleep (2000), TRUE);
  while (cst_statement_workbench_is_rendering (workbench) && g_get_monotonic_time () < deadline);
  g_assert_false (cst_statement_workbench_is_rendering (workbench));
}

static void
test_import_and_design (void)
{
  CstStatementWorkbench *workbench = cst_statement_workbench_new (NULL);
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "sample-bill-1.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  CstPdfPreview *preview = CST_PDF_PREVIEW (cst_statement_workbench_get_preview (workbench));
  CstStatement *statement;
  GBytes *first_pdf;
  guint renders;

  gtk_window_present (GTK_WINDOW (workbench));
  g_assert_true (cst_statement_workbench_import_file (workbench, file, &error));
  g_assert_no_error (error);
  wait_idle (workbench);
  statement = cst_statement_workbench_get_statement (workbench);
  g_assert_nonnull (statement);
  g_assert_true (statement->reconciled);
  g_assert_cmpuint (statement->categories->len, >, 1);
  g_assert_cmpint (cst_pdf_preview_get_n_pages (preview), >=, 1);
  first_pdf = g_bytes_ref (cst_pdf_preview_get_bytes (preview));
  renders = cst_statement_workbench_get_renders (workbench);

  /* The glossary off: a new statement and PDF, different from the first. */
  cst_statement_workbench_set_section (workbench, CST_SECTION_GLOSSARY, FALSE);
  wait_idle (workbench);
  g_assert_cmpuint (cst_statement_workbench_get_renders (workbench), ==, renders + 1);
  g_assert_false (g_bytes_equal (first_pdf, cst_pdf_preview_get_bytes (preview)));
  g_bytes_unref (first_pdf);

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

static void
test_defective_file (void)
{
  CstStatementWorkbench *workbench = cst_statement_workbench_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  int fd = g_file_open_tmp ("bad-bill-XXXXXX.csv", &path, &error);

  g_assert_no_error (error);
  close (fd);
  g_assert_true (g_file_set_contents (path, "service_date,revenue_code\nnot-a-date,0450\n", -1, NULL));
  file = g_file_new_for_path (path);
  g_assert_false (cst_statement_workbench_import_file (workbench, file, &error));
  g_assert_nonnull (error);
  g_assert_null (cst_statement_workbench_get_statement (workbench));
  g_unlink (path);
  gtk_window_destroy (GTK_WINDOW (workbench));
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add_func ("/statement-workbench/import-and-design", test_import_and_design);
  g_test_add_func ("/statement-workbench/defective-file", test_defective_file);
  return g_test_run ();
}
