/* bench-packet.c — a 1,000-page packet built and stamped, against qpdf
 * alone merging the same pages (see bench/packet/README.md)
 *
 * Set-up, not timed: a throwaway database, the facility's details, a
 * clerk; six text PDFs of 150 pages (900 pages) and 100 scanned pages
 * (PNG, 150 dpi US Letter, grey) added to one request; the same scans
 * also drawn as one-page PDFs, since qpdf takes PDFs only.
 *
 * Timed, each in a child process of its own so that its peak resident
 * memory is its own (wait4()'s ru_maxrss), alternating, BENCH_PACKET_RUNS
 * times (default 3):
 *   custodian-cli packet build --bates   the whole packet: documents out of
 *       the database, scans drawn as PDF pages, the cover letter, every
 *       record page stamped and numbered, bookmarks, written, SHA-256,
 *       the build recorded;
 *   qpdf --empty --pages FILES... -- OUT   the same 1,000 pages merged.
 */
#include "config.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

#include "custodian/cst-packet.h"

#include "cst-test-db.h"
#include "cst-test-records.h"

#define PDF_FILES 6
#define PDF_PAGES_EACH 150
#define SCANS_DEFAULT 100
#define SCAN_WIDTH 1275    /* 8.5 in at 150 dpi */
#define SCAN_HEIGHT 1650

/* A scanned page: grey paper, typed lines, a ruled box, a little noise. */
static cairo_surface_t *
scan_surface (guint n)
{
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, SCAN_WIDTH, SCAN_HEIGHT);
  cairo_t *cr = cairo_create (image);
  GRand *rand = g_rand_new_with_seed (n);

  cairo_set_source_rgb (cr, 0.96, 0.96, 0.94);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
  cairo_select_font_face (cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, 22);
  for (int line = 0; line < 45; line++)
    {
      g_autofree char *text = g_strdup_printf ("Scanned record %u, line %d: vital signs stable, "
                                               "plan reviewed with patient.", n, line);
      cairo_move_to (cr, 110, 150 + line * 30);
      cairo_show_text (cr, text);
    }
  cairo_rectangle (cr, 100, 100, SCAN_WIDTH - 200, SCAN_HEIGHT - 200);
  cairo_stroke (cr);
  for (int i = 0; i < 4000; i++)
    {
      cairo_rectangle (cr, g_rand_int_range (rand, 0, SCAN_WIDTH),
                       g_rand_int_range (rand, 0, SCAN_HEIGHT), 2, 2);
      cairo_fill (cr);
    }
  cairo_destroy (cr);
  g_rand_free (rand);
  return image;
}

/* The scan as a PNG for the packet, and as a one-page PDF for qpdf (drawn
 * to fit US Letter, as the packet draws it). */
static void
make_scan (const char *dir,
           guint       n,
           GPtrArray  *pngs,
           GPtrArray  *pdfs)
{
  cairo_surface_t *image = scan_surface (n);
  char *png = g_strdup_printf ("%s/scan-%03u.png", dir, n);
  char *pdf = g_strdup_printf ("%s/scan-%03u.pdf", dir, n);
  cairo_surface_t *page = cairo_pdf_surface_create (pdf, 612, 792);
  cairo_t *cr = cairo_create (page);

  cairo_surface_write_to_png (image, png);
  cairo_scale (cr, 612.0 / SCAN_WIDTH, 792.0 / SCAN_HEIGHT);
  cairo_set_source_surface (cr, image, 0, 0);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_destroy (page);
  cairo_surface_destroy (image);
  g_ptr_array_add (pngs, png);
  g_ptr_array_add (pdfs, pdf);
}

typedef struct
{
  double seconds;
  double cpu;      /* user + system, its own: fairer than wall on a loaded machine */
  long   peak_kb;
} Run;

/* Runs @argv in a child; its wall time and peak resident set. */
static Run
run_child (char **argv)
{
  GPid pid;
  g_autoptr(GError) error = NULL;
  struct rusage usage;
  int status = 0;
  gint64 start = g_get_monotonic_time ();
  Run run;

  if (!g_spawn_async (NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                      NULL, NULL, &pid, &error))
    g_error ("%s: %s", argv[0], error->message);
  if (wait4 (pid, &status, 0, &usage) != pid || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    g_error ("%s failed (status %d)", argv[0], status);
  run.seconds = (g_get_monotonic_time () - start) / 1e6;
  run.cpu = usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
            usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
  run.peak_kb = usage.ru_maxrss;
  return run;
}

static double
load_average (void)
{
  double load = 0;
  FILE *f = fopen ("/proc/loadavg", "r");

  if (f != NULL)
    {
      if (fscanf (f, "%lf", &load) != 1)
        load = 0;
      fclose (f);
    }
  return load;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(CstTestDb) db = cst_test_db_new ();
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autofree char *dir = g_dir_make_tmp ("bench-packet-XXXXXX", NULL);
  g_autoptr(CstRequest) request = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) scans = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) scan_pdfs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) qpdf_argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) docs = NULL;
  const char *builddir = g_getenv ("G_TEST_BUILDDIR");
  g_autofree char *cli = g_build_filename (builddir ? builddir : "tests", "..", "app",
                                           "custodian-cli", NULL);
  g_autofree char *packet = g_build_filename (dir, "packet.pdf", NULL);
  g_autofree char *merged = g_build_filename (dir, "merged.pdf", NULL);
  const char *runs_env = g_getenv ("BENCH_PACKET_RUNS");
  int runs = runs_env ? atoi (runs_env) : 3;
  /* BENCH_PACKET_SCANS and BENCH_PACKET_PDF_FILES take parts away, to see
   * what each costs. */
  const char *scans_env = g_getenv ("BENCH_PACKET_SCANS");
  const char *files_env = g_getenv ("BENCH_PACKET_PDF_FILES");
  guint n_scans = scans_env ? (guint) atoi (scans_env) : SCANS_DEFAULT;
  guint n_files = files_env ? (guint) atoi (files_env) : PDF_FILES;
  GStatBuf st;

  (void) argc;
  (void) argv;
  cst_test_db_fill_facility (owner);
  request = cst_test_db_add_request (owner, "BENCH-PACKET");
  for (guint i = 0; i < n_files; i++)
    {
      g_autofree char *name = g_strdup_printf ("printout-%u.pdf", i);
      g_autofree char *text = g_strdup_printf ("Printout %u", i);

      g_ptr_array_add (files, cst_test_records_pdf (dir, name, PDF_PAGES_EACH, text));
    }
  for (guint i = 0; i < n_scans; i++)
    make_scan (dir, i, scans, scan_pdfs);
  {
    g_autoptr(GPtrArray) paths = g_ptr_array_new ();

    for (guint i = 0; i < files->len; i++)
      g_ptr_array_add (paths, g_ptr_array_index (files, i));
    for (guint i = 0; i < scans->len; i++)
      g_ptr_array_add (paths, g_ptr_array_index (scans, i));
    g_ptr_array_add (paths, NULL);
    docs = cst_packet_add_at (clerk, cst_request_get_reference (request),
                              (const char *const *) paths->pdata, NULL, NULL, &error);
    if (docs == NULL)
      g_error ("adding the records: %s", error->message);
  }

  g_ptr_array_add (qpdf_argv, (char *) "qpdf");
  g_ptr_array_add (qpdf_argv, (char *) "--empty");
  g_ptr_array_add (qpdf_argv, (char *) "--pages");
  for (guint i = 0; i < files->len; i++)
    g_ptr_array_add (qpdf_argv, g_ptr_array_index (files, i));
  for (guint i = 0; i < scan_pdfs->len; i++)
    g_ptr_array_add (qpdf_argv, g_ptr_array_index (scan_pdfs, i));
  g_ptr_array_add (qpdf_argv, (char *) "--");
  g_ptr_array_add (qpdf_argv, merged);
  g_ptr_array_add (qpdf_argv, NULL);
  {
    char *qpdf_path = g_find_program_in_path ("qpdf");

    if (qpdf_path == NULL)
      g_error ("qpdf is not installed");
    qpdf_argv->pdata[0] = qpdf_path;
  }

  printf ("# %u record pages: %u text PDFs of %d pages and %u scanned pages (PNG %dx%d)\n",
          n_files * PDF_PAGES_EACH + n_scans, n_files, PDF_PAGES_EACH, n_scans, SCAN_WIDTH,
          SCAN_HEIGHT);
  printf ("%-4s %-26s %8s %8s %12s %8s %6s\n", "run", "what", "wall s", "CPU s", "peak RSS MB",
          "size MB", "load");
  for (int r = 1; r <= runs; r++)
    {
      char *build_argv[] = { cli, (char *) "--database", clerk, (char *) "packet", (char *) "build",
                             (char *) "--request", (char *) cst_request_get_reference (request),
                             (char *) "--output", packet, (char *) "--bates", NULL };
      double load = load_average ();
      Run ours = run_child (build_argv);
      Run floor = run_child ((char **) qpdf_argv->pdata);

      g_stat (packet, &st);
      printf ("%-4d %-26s %8.2f %8.2f %12.1f %8.1f %6.2f\n", r, "custodian packet build",
              ours.seconds, ours.cpu, ours.peak_kb / 1024.0, st.st_size / 1048576.0, load);
      g_stat (merged, &st);
      printf ("%-4d %-26s %8.2f %8.2f %12.1f %8.1f %6.2f\n", r, "qpdf --empty --pages",
              floor.seconds, floor.cpu, floor.peak_kb / 1024.0, st.st_size / 1048576.0,
              load_average ());
      printf ("%-4d %-26s %7.2fx %7.2fx\n", r, "ratio", ours.seconds / floor.seconds,
              ours.cpu / floor.cpu);
      fflush (stdout);
    }
  g_free (qpdf_argv->pdata[0]);
  cst_test_records_remove (dir);
  return EXIT_SUCCESS;
}
