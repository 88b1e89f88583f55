/* bench-workbench.c — preview latency in the real statement workbench
 *
 * From a template edit (a heading's wording changed, as one keystroke
 * does) to the workbench showing the new statement: the template copy,
 * simplification and the layout drawn for the screen on the worker thread
 * ("statement laid out"), then page 1 painted into the preview's texture
 * on another ("preview shown"), and the window's next frame drawn ("page
 * drawn on screen"; the CPU figure runs to that frame, so every edit pays
 * for its own frame).  No database.  (Until issue 24 the
 * preview was the PDF, made and then drawn by Poppler.)
 *
 * Run under a display (Xvfb as in build-aux/run-tests.sh):
 *   xvfb-run -a meson test -C build --benchmark --suite statements-workbench -v
 * Rounds: CUSTODIAN_BENCH_ROUNDS (default 40).
 */
#include "config.h"

#include <adwaita.h>
#include <time.h>

#include "cst-pdf-preview.h"
#include "cst-statement-workbench.h"
#include "cst-bench.h"

static void
wait_for_preview (CstStatementWorkbench *workbench,
                  guint                  renders)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while ((cst_statement_workbench_get_renders (workbench) <= renders ||
          cst_statement_workbench_is_rendering (workbench)) &&
         g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (200);
  g_assert_false (cst_statement_workbench_is_rendering (workbench));
}

static void
count_paint (GdkFrameClock *clock,
             guint         *paints)
{
  (*paints)++;
}

/* Until the window has drawn a frame after this moment: the page the
 * preview was just given is on the screen (sent to the X server). */
static void
wait_for_frame (CstStatementWorkbench *workbench)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (workbench));
  guint paints = 0;
  gulong handler = g_signal_connect (clock, "after-paint", G_CALLBACK (count_paint), &paints);
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (paints == 0 && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (200);
  g_signal_handler_disconnect (clock, handler);
  g_assert_cmpuint (paints, >, 0);
}

/* The main loop run for @ms: keys come at a typist's pace (50 ms is 20
 * keys a second), not the instant the last edit's frame was drawn, when
 * GTK's frame clock would hold the next frame for a whole refresh
 * interval (16.7 ms) whatever the edit took. */
static void
pause_between_keys (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (500);
}

static void
report (const char *what,
        GArray     *ms)
{
  CstBenchSpread spread = cst_bench_spread (ms);

  g_print ("%-52s n=%-4u median %8.2f ms   p95 %8.2f ms   min %8.2f ms\n", what, spread.n,
           spread.median, spread.p95, spread.min);
}

static void
measure_edits (CstStatementWorkbench *workbench,
               const char            *what,
               guint                  rounds)
{
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) pdf_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cpu = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) drawn_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *drawn_what = g_strdup_printf ("%s (page drawn on screen)", what);
  g_autofree char *cpu_what = g_strdup_printf ("%s (CPU of the process)", what);
  g_autofree char *pdf_what = g_strdup_printf ("%s (statement laid out)", what);
  CstPdfPreview *preview = CST_PDF_PREVIEW (cst_statement_workbench_get_preview (workbench));

  for (guint round = 0; round < rounds; round++)
    {
      g_autofree char *heading = g_strdup_printf ("How we got this amount (%u)", round);
      guint renders = cst_statement_workbench_get_renders (workbench);
      gint64 start;
      double cpu_start, elapsed;

      pause_between_keys (50);
      start = g_get_monotonic_time ();
      cpu_start = cst_bench_cpu_ms ();
      cst_statement_workbench_set_wording (workbench, "how-heading", heading);
      while (cst_statement_workbench_get_renders (workbench) <= renders)
        if (!g_main_context_iteration (NULL, FALSE))
          g_usleep (200);
      elapsed = (g_get_monotonic_time () - start) / 1000.0;
      g_array_append_val (pdf_ms, elapsed);
      wait_for_preview (workbench, renders);
      elapsed = (g_get_monotonic_time () - start) / 1000.0;
      g_array_append_val (ms, elapsed);
      wait_for_frame (workbench);
      elapsed = (g_get_monotonic_time () - start) / 1000.0;
      g_array_append_val (drawn_ms, elapsed);
      elapsed = cst_bench_cpu_ms () - cpu_start;
      g_array_append_val (cpu, elapsed);
    }
  g_print ("%s: %d pages\n", what, cst_pdf_preview_get_n_pages (preview));
  report (pdf_what, pdf_ms);
  report (what, ms);
  report (drawn_what, drawn_ms);
  report (cpu_what, cpu);
}

static void
keep_result (GObject      *source,
             GAsyncResult *result,
             gpointer      slot)
{
  *(GAsyncResult **) slot = g_object_ref (result);
}

int
main (int    argc,
      char **argv)
{
  const char *rounds_env = g_getenv ("CUSTODIAN_BENCH_ROUNDS");
  guint rounds = rounds_env ? (guint) g_ascii_strtoull (rounds_env, NULL, 10) : 40;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) imported = NULL;
  CstStatementWorkbench *workbench;
  static const CstStatementSection two_page_off[] = {
    CST_SECTION_INSURANCE, CST_SECTION_QUESTIONS, CST_SECTION_RIGHTS, CST_SECTION_GLOSSARY,
    CST_SECTION_DETAILS,
  };

  g_test_init (&argc, &argv, NULL);
  path = g_test_build_filename (G_TEST_DIST, "data", "sample-bill-1.csv", NULL);
  gtk_init ();
  adw_init ();
  file = g_file_new_for_path (path);
  workbench = cst_statement_workbench_new (NULL);
  {
    /* The hospital's details, as the window gives the database's. */
    g_autoptr(CstFacility) facility = cst_facility_new ();

    cst_facility_set (facility, CST_FACILITY_NAME, "Bench General Hospital");
    cst_facility_set (facility, CST_FACILITY_ADDRESS, "1 Bench Road\nAnytown, NY 00000");
    cst_facility_set (facility, CST_FACILITY_PHONE, "(555) 010-0100");
    cst_facility_set (facility, CST_FACILITY_PAY_LINK, "pay.bench.example");
    cst_statement_workbench_set_facility (workbench, facility);
  }
  gtk_window_present (GTK_WINDOW (workbench));
  cst_statement_workbench_import_file_async (workbench, file, NULL, keep_result, &imported);
  while (imported == NULL)
    g_main_context_iteration (NULL, TRUE);
  if (!cst_statement_workbench_import_file_finish (workbench, imported, &error))
    {
      g_printerr ("bench-workbench: %s\n", error->message);
      return 1;
    }
  wait_for_preview (workbench, 0);

  measure_edits (workbench, "shipped template: edit -> preview shown", rounds);
  /* The same two-page layout as bench-statements measures. */
  for (guint i = 0; i < G_N_ELEMENTS (two_page_off); i++)
    cst_statement_workbench_set_section (workbench, two_page_off[i], FALSE);
  wait_for_preview (workbench, 0);      /* 0: only wait until nothing is rendering */
  measure_edits (workbench, "two-page statement: edit -> preview shown", rounds);

  gtk_window_destroy (GTK_WINDOW (workbench));
  return 0;
}
