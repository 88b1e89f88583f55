/* bench-redaction.c — 100 pages burned at 200 dpi against pdftoppm
 * rendering the same pages, and 50 scanned pages read by Tesseract (see
 * bench/redaction/README.md)
 *
 * Set-up, not timed: a 100-page text PDF (US Letter, 40 lines a page, as
 * cairo writes it) with one redaction box on every page; 50 scanned pages
 * (300 dpi images of 30 typed lines).  No database: the burn is the
 * build's own hook (cst_redaction_burn_document) given the boxes.
 *
 * Timed, each in a child process of its own (its wall time, CPU time and
 * peak RSS from wait4()), one after the other, BENCH_REDACTION_RUNS times
 * (default 3):
 *   burn     every page rendered by Poppler through cairo at 200 dpi, its
 *            box filled with the reason code, the page replaced by the
 *            image, the document put back together by libqpdf;
 *   pdftoppm -r 200 the same 100 pages rendered to PPM files: Poppler's
 *            own rendering, the floor;
 *   ocr      the 50 scans read by Tesseract (words with boxes, eng+spa);
 *            BENCH_REDACTION_SCANS sets how many.
 */
#include "config.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cst-redaction-private.h"
#include "cst-bench.h"

#define PAGES 100
#define SCANS_DEFAULT 50
#define SCAN_DPI 300

static void
draw_record_lines (cairo_t *cr,
                   guint    page,
                   double   scale,
                   int      lines)
{
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_select_font_face (cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, 10 * scale);
  for (int line = 0; line < lines; line++)
    {
      g_autofree char *text = g_strdup_printf ("Record page %u, line %d: seen with Marisol Quintero, "
                                               "vital signs stable, plan reviewed.", page, line);

      cairo_move_to (cr, 54 * scale, (60 + line * 17) * scale);
      cairo_show_text (cr, text);
    }
}

static char *
record_pdf (const char *dir)
{
  char *path = g_build_filename (dir, "records.pdf", NULL);
  cairo_surface_t *pdf = cairo_pdf_surface_create (path, 612, 792);
  cairo_t *cr = cairo_create (pdf);

  for (guint i = 1; i <= PAGES; i++)
    {
      draw_record_lines (cr, i, 1, 40);
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_destroy (pdf);
  return path;
}

static cairo_surface_t *
scan (guint n)
{
  int w = (int) (8.5 * SCAN_DPI), h = 11 * SCAN_DPI;
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  cairo_t *cr = cairo_create (image);

  cairo_set_source_rgb (cr, 0.97, 0.97, 0.95);
  cairo_paint (cr);
  draw_record_lines (cr, n, SCAN_DPI / 72.0, 30);
  cairo_destroy (cr);
  return image;
}

typedef struct
{
  double seconds;
  double cpu;
  long   peak_kb;
} Run;

/* Waits for child @pid, started @start (monotonic µs). */
static Run
reap (GPid   pid,
      gint64 start,
      const char *what)
{
  struct rusage usage;
  int status = 0;
  Run run;

  if (wait4 (pid, &status, 0, &usage) != pid || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    g_error ("%s failed (status %d)", what, status);
  run.seconds = (g_get_monotonic_time () - start) / 1e6;
  run.cpu = usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
            usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
  run.peak_kb = usage.ru_maxrss;
  return run;
}

static Run
run_program (char **argv)
{
  GPid pid;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  if (!g_spawn_async (NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_SEARCH_PATH |
                      G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, &pid, &error))
    g_error ("%s: %s", argv[0], error->message);
  return reap (pid, start, argv[0]);
}

/* Runs @job in a forked child (nothing else runs in this process). */
static Run
run_forked (void      (*job) (gpointer),
            gpointer    data,
            const char *what)
{
  gint64 start = g_get_monotonic_time ();
  pid_t pid = fork ();

  if (pid == 0)
    {
      job (data);
      _exit (0);
    }
  g_assert_cmpint (pid, >, 0);
  return reap (pid, start, what);
}

typedef struct
{
  const char *path;
  const char *dir;
} BurnJob;

static void
burn_job (gpointer data)
{
  BurnJob *job = data;
  GPtrArray *boxes = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_redaction_free);
  g_autoptr(GArray) selection = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(CstRedactionBurn) burn = NULL;
  CstRecordDocument doc = { 0 };
  g_autofree char *burned = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 1; i <= PAGES; i++)
    {
      CstRedaction *r = g_new0 (CstRedaction, 1);
      guint index = i - 1;

      r->document_id = 1;
      r->page = i;
      /* The name on the fourth line. */
      r->box = (CstRedactionBox) { 200, 98, 110, 16 };
      r->reason = g_strdup ("other_person");
      r->state = g_strdup ("applied");
      g_ptr_array_add (boxes, r);
      g_array_append_val (selection, index);
    }
  burn = cst_redaction_burn_new_with (boxes, FALSE, FALSE);
  doc.id = 1;
  doc.pages = PAGES;
  if (!cst_redaction_burn_document (burn, &doc, job->path, 0, selection, &burned, &error))
    g_error ("burning: %s", error->message);
  g_unlink (burned);
}

static guint scans = SCANS_DEFAULT;

static void
ocr_job (gpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstOcr) ocr = cst_ocr_new (&error);
  guint words = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < scans; i++)
    {
      cairo_surface_t *image = scan (i + 1);
      g_autoptr(GPtrArray) read = cst_ocr_words (ocr, image, SCAN_DPI, NULL, &error);

      g_assert_no_error (error);
      words += read->len;
      cairo_surface_destroy (image);
    }
  /* 13 words a line, 30 lines: most of them read. */
  if (words < scans * 300)
    g_error ("Tesseract read only %u words of %u pages", words, scans);
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

/* One row of the table: the run's figures, in the header's order. */
#define COLUMNS 12

static void
print_row (const char   *label,
           const double *v)
{
  printf ("%-4s %-9.2f %-8.2f %-9.1f %-9.2f %-8.2f %-9.1f %-7.2f %-7.2f %-9.2f %-8.2f %-9.2f %-5.1f\n",
          label, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11]);
  fflush (stdout);
}

/* Each column's minimum and median over the runs (a column at a time:
 * the two rows are not runs of their own). */
static void
print_summary (GArray *rows)
{
  guint n = rows->len / COLUMNS;
  double min[COLUMNS], median[COLUMNS];
  g_autofree double *column = g_new (double, n);

  for (guint c = 0; c < COLUMNS; c++)
    {
      for (guint r = 0; r < n; r++)
        column[r] = g_array_index (rows, double, r * COLUMNS + c);
      qsort (column, n, sizeof (double), cst_bench_compare_doubles);
      min[c] = column[0];
      median[c] = n % 2 ? column[n / 2] : (column[n / 2 - 1] + column[n / 2]) / 2;
    }
  print_row ("min", min);
  print_row ("med", median);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *dir = g_dir_make_tmp ("bench-redaction-XXXXXX", NULL);
  g_autofree char *path = record_pdf (dir);
  g_autofree char *prefix = g_build_filename (dir, "ppm", NULL);
  const char *runs_text = g_getenv ("BENCH_REDACTION_RUNS");
  const char *scans_text = g_getenv ("BENCH_REDACTION_SCANS");
  int runs = runs_text ? atoi (runs_text) : 3;
  char *pdftoppm[] = { "pdftoppm", "-r", "200", path, prefix, NULL };
  BurnJob job = { path, dir };
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (double));

  if (scans_text != NULL && atoi (scans_text) > 0)
    scans = (guint) atoi (scans_text);
  printf ("# bench-redaction: %d pages burned at 200 dpi vs pdftoppm -r 200; %u scans by OCR\n",
          PAGES, scans);
  printf ("%-4s %-9s %-8s %-9s %-9s %-8s %-9s %-7s %-7s %-9s %-8s %-9s %-5s\n", "run",
          "burn wall", "burn cpu", "burn rss", "ppm wall", "ppm cpu", "ppm rss", "ratio w",
          "ratio c", "ocr wall", "ocr cpu", "ocr s/pg", "load");
  for (int r = 1; r <= MAX (runs, 1); r++)
    {
      double load = load_average ();
      Run burn = run_forked (burn_job, &job, "burn");
      Run ppm = run_program (pdftoppm);
      Run ocr = run_forked (ocr_job, NULL, "ocr");
      g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
      const char *name;

      /* pdftoppm's pages are not kept. */
      while ((name = g_dir_read_name (listing)) != NULL)
        if (g_str_has_prefix (name, "ppm"))
          {
            g_autofree char *file = g_build_filename (dir, name, NULL);

            g_unlink (file);
          }
      {
        const double row[COLUMNS] = {
          burn.seconds, burn.cpu, burn.peak_kb / 1024.0, ppm.seconds, ppm.cpu, ppm.peak_kb / 1024.0,
          burn.seconds / ppm.seconds, burn.cpu / ppm.cpu, ocr.seconds, ocr.cpu, ocr.seconds / scans,
          load,
        };
        g_autofree char *label = g_strdup_printf ("%d", r);

        print_row (label, row);
        g_array_append_vals (rows, row, COLUMNS);
      }
    }
  print_summary (rows);
  g_unlink (path);
  g_rmdir (dir);
  return 0;
}
