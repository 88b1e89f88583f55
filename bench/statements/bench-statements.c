/* bench-statements.c — how fast bills become statements
 *
 *   1. import + simplify a generated 5,000-line bill (CSV text in memory)
 *   2. render that bill's statement PDF
 *   3. preview latency after a template edit, for a typical two-page
 *      statement (the sample ER bill with a compact template): copy the
 *      edited template, simplify, render the PDF, load it in Poppler and
 *      draw page 1 at screen resolution — what the workbench did per edit
 *      until issue 24 — and, interleaved round by round so both see the
 *      same machine load, what it does now: the same layout drawn for the
 *      screen (cst_statement_render_pages) and page 1 painted from it
 *
 * Prints medians and 95th percentiles in milliseconds.  No database.
 * Usage: bench-statements [SAMPLE.csv]  (default: $G_TEST_SRCDIR/data/…)
 */
#include "config.h"

#include <cairo.h>
#include <poppler.h>
#include <stdlib.h>
#include <string.h>

#include <custodian/custodian.h>

#include "bench-statement-common.h"
#include "cst-bench.h"

#define BIG_LINES 5000

/* poppler-glib 22.12 (Debian 12) declares no autoptr cleanups. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerDocument, g_object_unref)

typedef struct
{
  GArray *samples;   /* of double, milliseconds */
} Timing;

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

static void
report (const char *what,
        GArray     *samples)
{
  CstBenchSpread spread = cst_bench_spread (samples);

  g_print ("%-48s n=%-4u median %8.2f ms   p95 %8.2f ms   min %8.2f ms\n", what, spread.n,
           spread.median, spread.p95, spread.min);
}

/* A long inpatient-style bill: the sample's lines over many days, with a
 * reversal and a duplicate now and then, so netting and flags do work. */
static char *
generate_bill (const char *sample,
               guint       n_lines)
{
  g_auto(GStrv) rows = g_strsplit (sample, "\n", -1);
  guint n_rows = 0;
  GString *out = g_string_new (rows[0]);
  GDate day;

  g_string_append_c (out, '\n');
  while (rows[n_rows + 1] && *rows[n_rows + 1])
    n_rows++;
  g_date_clear (&day, 1);
  g_date_set_dmy (&day, 1, 1, 2025);
  for (guint i = 0; i < n_lines; i++)
    {
      g_auto(GStrv) f = g_strsplit (rows[1 + i % n_rows], ",", -1);
      GDate d = day;
      gboolean reversal = i % 97 == 96;

      g_date_add_days (&d, i / 50);
      g_string_append_printf (out, "%04u-%02u-%02u,%s,%s,%s,%s%s,%s%s,%s%s,%s%s,%s%s\n",
                              g_date_get_year (&d), g_date_get_month (&d), g_date_get_day (&d),
                              f[1], f[2], f[3], reversal ? "-" : "", f[4],
                              reversal ? "-" : "", f[5], reversal && strcmp (f[6], "0") ? "-" : "", f[6],
                              reversal && strcmp (f[7], "0") ? "-" : "", f[7],
                              reversal && strcmp (f[8], "0") ? "-" : "", f[8]);
    }
  return g_string_free (out, FALSE);
}

static CstStatement *
simplify (CstBill              *bill,
          CstStatementRules    *rules,
          CstStatementTemplate *tpl)
{
  g_autoptr(GError) error = NULL;
  CstStatement *st;

  g_date_set_dmy (&bill->statement_date, 1, 6, 2025);
  g_date_set_dmy (&bill->due_date, 1, 7, 2025);
  cst_bill_set_text (&bill->patient_name, "Zoë Ångström");
  cst_bill_set_text (&bill->account_number, "BENCH-1");
  cst_bill_set_text (&bill->payer_name, "Acme PPO");
  cst_bill_set_text (&bill->claim_number, "CLM-1");
  cst_bill_fill_defaults (bill, NULL);
  st = cst_statement_new (bill, rules, tpl, &error);
  if (st == NULL)
    g_error ("%s", error->message);
  return st;
}

static void
bench_big_bill (const char           *csv,
                CstStatementRules    *rules,
                CstStatementTemplate *tpl)
{
  g_autoptr(GArray) import = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) both = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) render = g_array_new (FALSE, FALSE, sizeof (double));
  gsize length = strlen (csv);
  guint pages = 0;
  gsize size = 0;

  for (guint round = 0; round < 15; round++)
    {
      double t0 = now_ms (), t1, t2;
      g_autoptr(GError) error = NULL;
      g_autoptr(CstBill) bill = cst_bill_import_csv (csv, length, 0, NULL, &error);
      g_autoptr(CstStatement) st = NULL;

      if (bill == NULL)
        g_error ("%s", error->message);
      t1 = now_ms ();
      st = simplify (bill, rules, tpl);
      t2 = now_ms ();
      g_array_append_val (import, (double) { t1 - t0 });
      g_array_append_val (both, (double) { t2 - t0 });
      if (round < 5)
        {
          g_autoptr(GBytes) pdf = NULL;
          g_autoptr(PopplerDocument) doc = NULL;
          double t3 = now_ms ();

          pdf = cst_statement_render_pdf (st, &error);
          if (pdf == NULL)
            g_error ("%s", error->message);
          g_array_append_val (render, (double) { now_ms () - t3 });
          size = g_bytes_get_size (pdf);
          doc = poppler_document_new_from_bytes (pdf, NULL, NULL);
          pages = doc ? (guint) poppler_document_get_n_pages (doc) : 0;
        }
    }
  g_print ("5,000-line bill: %zu bytes of CSV; statement PDF %u pages, %zu bytes\n",
           length, pages, size);
  report ("import 5,000 lines", import);
  report ("import + simplify 5,000 lines", both);
  report ("render statement PDF of 5,000 lines", render);
}

static double
draw_first_page (GBytes *pdf)
{
  g_autoptr(GError) error = NULL;
  PopplerDocument *doc = poppler_document_new_from_bytes (pdf, NULL, &error);
  PopplerPage *page;
  cairo_surface_t *surface;
  cairo_t *cr;
  double width, height;
  const double scale = 96.0 / 72.0;
  int pages;

  if (doc == NULL)
    g_error ("%s", error->message);
  pages = poppler_document_get_n_pages (doc);
  page = poppler_document_get_page (doc, 0);
  poppler_page_get_size (page, &width, &height);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) (width * scale),
                                        (int) (height * scale));
  cr = cairo_create (surface);
  cairo_scale (cr, scale, scale);
  poppler_page_render (page, cr);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  g_object_unref (page);
  g_object_unref (doc);
  return pages;
}

/* What the workbench's preview does now: the statement's pages drawn by
 * the layout for the screen, page 1 painted at 96 dpi. */
static guint
draw_screen_page (CstStatement *st)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstPdfPages) pages = cst_statement_render_pages (st, NULL, &error);
  cairo_surface_t *image;

  if (pages == NULL)
    g_error ("%s", error->message);
  image = cst_pdf_pages_render (pages, 0, 96.0 / 72.0);
  cairo_surface_destroy (image);
  return cst_pdf_pages_get_n_pages (pages);
}

static void
bench_preview (const char                *sample,
               CstStatementRules         *rules,
               const char                *label,
               const CstStatementSection *compact,
               guint                      n_sections)
{
  g_autoptr(CstStatementTemplate) edited = bench_statement_template ();
  g_autoptr(CstBill) bill = cst_bill_import_csv (sample, strlen (sample), 0, NULL, NULL);
  g_autoptr(GArray) gen = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) total = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) model = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) screen = g_array_new (FALSE, FALSE, sizeof (double));
  double pages = 0;
  guint screen_pages = 0;

  cst_statement_template_set_sections (edited, compact, n_sections, NULL);
  for (guint round = 0; round < 60; round++)
    {
      g_autofree char *wording = g_strdup_printf ("Please pay by {due_date}. (edit %u)", round);
      g_autoptr(CstStatementTemplate) snapshot = NULL;
      g_autoptr(CstStatement) st = NULL;
      g_autoptr(GBytes) pdf = NULL;
      double t0 = now_ms (), t1, t2;

      /* What an edit costs: the workbench changes its template, hands a
       * copy to the render thread, which simplifies, renders and draws. */
      cst_statement_template_set_string (edited, "wording", "pay-by", wording, NULL);
      snapshot = cst_statement_template_copy (edited);
      st = simplify (bill, rules, snapshot);
      t1 = now_ms ();
      pdf = cst_statement_render_pdf (st, NULL);
      t2 = now_ms ();
      pages = draw_first_page (pdf);
      g_array_append_val (model, (double) { t1 - t0 });
      g_array_append_val (gen, (double) { t2 - t0 });
      g_array_append_val (total, (double) { now_ms () - t0 });

      /* The same edit again, shown the new way. */
      g_clear_pointer (&st, cst_statement_unref);
      g_clear_pointer (&snapshot, cst_statement_template_unref);
      t0 = now_ms ();
      cst_statement_template_set_string (edited, "wording", "pay-by", wording, NULL);
      snapshot = cst_statement_template_copy (edited);
      st = simplify (bill, rules, snapshot);
      screen_pages = draw_screen_page (st);
      g_array_append_val (screen, (double) { now_ms () - t0 });
    }
  g_print ("%s: %.0f pages (PDF), %u pages (screen)\n", label, pages, screen_pages);
  report ("edit -> template copy + simplify", model);
  report ("edit -> simplify + PDF bytes", gen);
  report ("before: edit -> PDF + Poppler draws page 1 (96 dpi)", total);
  report ("after: edit -> screen pages + page 1 drawn (96 dpi)", screen);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *path = argc > 1 ? g_strdup (argv[1])
                          : g_build_filename (g_getenv ("G_TEST_SRCDIR") ? g_getenv ("G_TEST_SRCDIR")
                                              : "tests", "data", "sample-bill-1.csv", NULL);
  g_autofree char *sample = NULL;
  g_autofree char *big = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstStatementRules) rules = cst_statement_rules_new_default (&error);
  g_autoptr(CstStatementTemplate) tpl = bench_statement_template ();

  if (rules == NULL || !g_file_get_contents (path, &sample, NULL, &error))
    {
      g_printerr ("bench-statements: %s\n", error->message);
      return EXIT_FAILURE;
    }
  big = generate_bill (sample, BIG_LINES);
  bench_big_bill (big, rules, tpl);
  {
    /* Front page and its continuation: what a patient gets without the
     * itemized detail; and the shipped template with every section. */
    const CstStatementSection two_pages[] = {
      CST_SECTION_HEADER, CST_SECTION_AMOUNT_DUE, CST_SECTION_HOW_WE_GOT_THIS,
      CST_SECTION_CATEGORIES, CST_SECTION_WAYS_TO_PAY, CST_SECTION_HELP_PAYING,
      CST_SECTION_REMITTANCE,
    };
    guint n_all = 0;
    const CstStatementSection *all = cst_statement_template_get_sections (tpl, &n_all);

    bench_preview (sample, rules, "sample ER bill, two-page template", two_pages,
                   G_N_ELEMENTS (two_pages));
    bench_preview (sample, rules, "sample ER bill, shipped template (all sections)", all, n_all);
  }
  return EXIT_SUCCESS;
}
