/* bench-workbench.c — preview latency in the real statement workbench
 *
 * From a template edit (a heading's wording changed, as one keystroke
 * does) to the workbench showing the new statement: the template copy,
 * simplification and the layout drawn for the screen on the worker thread
 * ("statement laid out"), then page 1 painted into the preview's texture
 * on another ("preview shown"), and the end of the first frame the window
 * drew with that page in the preview ("page drawn on screen"; the CPU
 * figure runs to that frame, so every edit pays for its own frame).
 * Round by round, alternately, the frame after the edit drawn at once
 * ("no hold": as before the frame hold) and held for the page
 * (cst_pdf_preview_expect_pages).  No database.  (Until issue 24 the
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
#include "cst-renderer.h"

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

/* One edit as the window's frame clock saw it: the frames it drew, when
 * the first ended, and when the first frame with the edit's page in the
 * preview ended.  Seen from ::after-paint, since the frame after an edit
 * may wait for its page (cst_pdf_preview_expect_pages) and then the page
 * arrives inside that frame, before the bench's loop sees it. */
typedef struct
{
  CstStatementWorkbench *workbench;
  guint                  renders;       /* before the edit */
  guint                  frames;
  gint64                 first;
  gint64                 drawn;
} EditFrames;

static void
note_frame (GdkFrameClock *clock,
            EditFrames    *edit)
{
  gint64 now = g_get_monotonic_time ();

  if (edit->frames++ == 0)
    edit->first = now;
  if (edit->drawn == 0 && cst_statement_workbench_get_renders (edit->workbench) > edit->renders &&
      !cst_statement_workbench_is_rendering (edit->workbench))
    edit->drawn = now;
}

/* The main loop run between two keys (cst_bench_pause_typing()): 50 ms,
 * twenty keys a second, plus a random part of a refresh interval from a
 * fixed seed.  Until 2026-12-07 the pause was a fixed 50 ms, three
 * intervals, which put every edit just after a frame, so that the next
 * could come only a whole interval later whatever the edit took (medians
 * of 16.2–16.5 ms with the page ready after 4.7). */
static void
pause_between_keys (void)
{
  static GRand *phase = NULL;

  if (phase == NULL)
    phase = g_rand_new_with_seed (24);
  cst_bench_pause_typing (phase, 50);
}

static void
report (const char *what,
        GArray     *ms)
{
  CstBenchSpread spread = cst_bench_spread (ms);

  g_print ("%-52s n=%-4u median %8.2f ms   p95 %8.2f ms   min %8.2f ms\n", what, spread.n,
           spread.median, spread.p95, spread.min);
}

/* What one way of drawing measured over its rounds. */
typedef struct
{
  GArray *laid_out, *shown, *drawn, *first, *frames, *cpu;
} Figures;

static void
figures_init (Figures *f)
{
  GArray **all[] = { &f->laid_out, &f->shown, &f->drawn, &f->first, &f->frames, &f->cpu };

  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    *all[i] = g_array_new (FALSE, FALSE, sizeof (double));
}

static void
figures_report (Figures    *f,
                const char *what)
{
  const struct { GArray *values; const char *name; } lines[] = {
    { f->laid_out, "statement laid out" }, { f->shown, "preview shown" },
    { f->drawn, "page drawn on screen" }, { f->first, "first frame drawn" },
    { f->frames, "frames to the page, count" }, { f->cpu, "CPU of the process" },
  };

  guint in_a_frame = 0;

  /* The goal's frame: how many edits had their page on screen in 16 ms. */
  for (guint i = 0; i < f->drawn->len; i++)
    in_a_frame += g_array_index (f->drawn, double, i) <= 16.0;
  g_print ("%s: page drawn on screen within 16 ms in %u of %u edits\n", what, in_a_frame, f->drawn->len);
  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      g_autofree char *line = g_strdup_printf ("%s (%s)", what, lines[i].name);

      report (line, lines[i].values);
      g_array_unref (lines[i].values);
    }
}

static void
append_ms (GArray *values,
           double  value)
{
  g_array_append_val (values, value);
}

/* One heading edit, measured to the end of the frame that drew its page. */
static void
measure_edit (CstStatementWorkbench *workbench,
              guint                  round,
              Figures               *f)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (workbench));
  g_autofree char *heading = g_strdup_printf ("How we got this amount (%u)", round);
  EditFrames edit = { workbench, cst_statement_workbench_get_renders (workbench), 0, 0, 0 };
  gint64 start, deadline;
  double cpu_start;
  gulong handler;

  pause_between_keys ();
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (note_frame), &edit);
  start = g_get_monotonic_time ();
  cpu_start = cst_bench_cpu_ms ();
  cst_statement_workbench_set_wording (workbench, "how-heading", heading);
  while (cst_statement_workbench_get_renders (workbench) <= edit.renders)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (200);
  append_ms (f->laid_out, (g_get_monotonic_time () - start) / 1000.0);
  wait_for_preview (workbench, edit.renders);
  append_ms (f->shown, (g_get_monotonic_time () - start) / 1000.0);
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (edit.drawn == 0 && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (200);
  g_assert_cmpint (edit.drawn, !=, 0);
  append_ms (f->cpu, cst_bench_cpu_ms () - cpu_start);
  g_signal_handler_disconnect (clock, handler);
  append_ms (f->drawn, (edit.drawn - start) / 1000.0);
  append_ms (f->first, (edit.first - start) / 1000.0);
  append_ms (f->frames, edit.frames);
}

/* Round by round, the frame after an edit drawn at once ("no hold": the
 * preview before the hold, GTK's own timing) and held for the page
 * (cst_pdf_preview_expect_pages), alternately, so both see the same load. */
static void
measure_edits (CstStatementWorkbench *workbench,
               const char            *what,
               guint                  rounds)
{
  CstPdfPreview *preview = CST_PDF_PREVIEW (cst_statement_workbench_get_preview (workbench));
  g_autofree char *without = g_strdup_printf ("%s, no hold", what);
  g_autofree char *with = g_strdup_printf ("%s, held", what);
  Figures no_hold, held;

  figures_init (&no_hold);
  figures_init (&held);
  for (guint round = 0; round < 2 * rounds; round++)
    {
      gboolean hold = round % 2 == 1;

      cst_pdf_preview_set_frame_hold (preview, hold ? CST_PDF_PREVIEW_HOLD_REFRESH : 0);
      measure_edit (workbench, round, hold ? &held : &no_hold);
    }
  cst_pdf_preview_set_frame_hold (preview, CST_PDF_PREVIEW_HOLD_REFRESH);
  g_print ("%s: %d pages\n", what, cst_pdf_preview_get_n_pages (preview));
  figures_report (&no_hold, without);
  figures_report (&held, with);
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
  cst_renderer_prepare ();
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
