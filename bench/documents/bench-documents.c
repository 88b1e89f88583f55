/* bench-documents.c — how fast documents are made
 *
 * 1. The one-page ROI invoice (letterhead, UTF-8 names, 5 fee lines with
 *    citations, total, how to pay, footer), N times in one process on one
 *    thread, written to memory: documents per second.
 * 2. The accounting of disclosures with enough rows for 100 pages.
 * 3. The documents dialog's preview of a letter (cover letter with a part
 *    withheld, denial, extension notice): from the letter chosen to its
 *    first page as an image at the preview's 96 dpi, the way the dialog did
 *    it until issue 24 (the tagged PDF made, then loaded and drawn by
 *    Poppler) and the way it does now (the same layout drawn for the
 *    screen, page 1 painted: cst_document_preview_async's worker), rounds
 *    interleaved so both see the same load.  The dialog's database reads
 *    (template, facility, withheld rows) are the same in both and not
 *    included.
 *
 * No database: the request and template are built in memory, so this
 * measures layout and PDF writing only.  Usage: bench-documents [N]
 */
#include "config.h"

#include <locale.h>
#include <time.h>

#include <poppler.h>

#include "custodian/custodian.h"

#include "cst-document-render-private.h"
#include "cst-bench.h"

#define PREVIEW_SCALE (96.0 / 72.0)

/* CPU time of this process: on a shared machine, wall time measures the
 * neighbours too.  Both are printed. */
static double
cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static CstRequest *
sample_request (void)
{
  CstRequest *request = cst_request_new ();
  g_autoptr(GDate) received = g_date_new_dmy (2, G_DATE_MARCH, 2026);
  g_autoptr(GDate) due = g_date_new_dmy (1, G_DATE_APRIL, 2026);

  g_object_set (request, "reference", "ROI-2026-000123", "patient-given-name", "José",
                "patient-family-name", "Núñez", "requester-name", "Zoë Ångström",
                "requester-address", "Ångström & Partners LLP\n200 Park Avenue\nNew York, NY 10166",
                "received-date", received, "due-date", due, NULL);
  return request;
}

static CstInvoice *
sample_invoice (void)
{
  CstInvoice *invoice = cst_invoice_new ();

  cst_invoice_add_line (invoice, "Search and retrieval", 1, 1500, 1500, "NY-BASE", "N.Y. Pub. Health Law § 18(2)(e)");
  cst_invoice_add_line (invoice, "Paper copies, pages 1–40", 40, 75, 3000, "NY-PAGE", "N.Y. Pub. Health Law § 18(2)(e)");
  cst_invoice_add_line (invoice, "Certification", 1, 1000, 1000, "NY-CERT", "N.Y. C.P.L.R. 2306");
  cst_invoice_add_line (invoice, "Postage", 1, 389, 389, "POSTAGE", "Actual cost");
  cst_invoice_add_line (invoice, "Media (USB drive)", 1, 500, 500, "MEDIA", "45 CFR 164.524(c)(4)");
  return invoice;
}

/* The invoice asks for money: it needs the facility's payment
 * instructions (without them it is refused, since 322eaca). */
static const CstDocumentOptions options = {
  CST_PDF_PAPER_LETTER,
  { "Saint Zoë Hospital", "1 Main Street\nSpringfield, NY 10001", "(555) 010-0100", NULL },
  NULL, NULL, NULL,
  "Pay by check to Saint Zoë Hospital, or by card at the number above.", "pay.example.org",
};

static void
bench_invoice (guint n)
{
  g_autoptr(CstRequest) request = sample_request ();
  g_autoptr(CstInvoice) invoice = sample_invoice ();
  g_autoptr(CstDocumentTemplate) tpl = cst_document_template_new_default (CST_DOCUMENT_INVOICE, "en", NULL);
  gsize size = 0;
  gint64 start;
  double seconds, cpu;

  /* The first document pays for font discovery and the subset: once per
   * process, reported separately. */
  start = g_get_monotonic_time ();
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) first = cst_document_render_invoice (tpl, request, invoice, &options, NULL, &error);
    const char *keep = g_getenv ("BENCH_DOCUMENTS_SAVE");

    if (first == NULL)
      g_error ("bench-documents: %s", error->message);
    if (keep != NULL)
      g_file_set_contents (keep, g_bytes_get_data (first, NULL), (gssize) g_bytes_get_size (first), NULL);
  }
  g_print ("first invoice (font setup included): %.1f ms\n", (g_get_monotonic_time () - start) / 1000.0);

  start = g_get_monotonic_time ();
  cpu = cpu_seconds ();
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GBytes) pdf = cst_document_render_invoice (tpl, request, invoice, &options, NULL, NULL);
      g_assert (pdf != NULL);
      size = g_bytes_get_size (pdf);
    }
  seconds = (g_get_monotonic_time () - start) / 1e6;
  cpu = cpu_seconds () - cpu;
  g_print ("one-page invoice: %u in %.3f s wall (%.0f documents/s), %.3f s CPU (%.0f documents/s), "
           "%.1f KB each (font: %s)\n",
           n, seconds, n / seconds, cpu, n / cpu, size / 1024.0, cst_pdf_get_font_path ());
}

static void
bench_accounting (void)
{
  g_autoptr(CstRequest) request = sample_request ();
  g_autoptr(CstDocumentTemplate) tpl = cst_document_template_new_default (CST_DOCUMENT_ACCOUNTING, "en", NULL);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_disclosure_free);
  g_autoptr(GDate) from = g_date_new_dmy (1, 1, 2020);
  g_autoptr(GDate) to = g_date_new_dmy (31, 12, 2025);
  CstDocumentOptions o = options;
  guint pages = 0, n_rows = 0;
  double start;
  g_autoptr(GBytes) pdf = NULL;

  o.period_from = from;
  o.period_to = to;
  /* About 19 two-line rows fit a page; add rows until there are 100 pages. */
  for (guint target = 1900; pages < 100; target += 40)
    {
      for (; n_rows < target; n_rows++)
        {
          CstDisclosure *d = cst_disclosure_new ();
          g_date_set_julian (&d->disclosed_on, g_date_get_julian (from) + n_rows % 2000);
          d->recipient_name = g_strdup_printf ("County Health Department %u", n_rows);
          d->recipient_address = g_strdup ("12 Court Street, Albany, NY 12207");
          d->phi_description = g_strdup ("Immunization record and laboratory results");
          d->purpose = g_strdup ("Public health reporting required by law");
          g_ptr_array_add (rows, d);
        }
      g_clear_pointer (&pdf, g_bytes_unref);
      pdf = cst_document_render_accounting (tpl, request, rows, &o, &pages, NULL);
    }
  start = cpu_seconds ();
  g_clear_pointer (&pdf, g_bytes_unref);
  pdf = cst_document_render_accounting (tpl, request, rows, &o, &pages, NULL);
  g_print ("accounting of disclosures: %u rows, %u pages in %.1f ms CPU, %.0f KB\n",
           n_rows, pages, (cpu_seconds () - start) * 1000, g_bytes_get_size (pdf) / 1024.0);
}

/* Until issue 24: the PDF, then Poppler draws page 1 onto white paper. */
static void
preview_from_pdf (const CstDocumentTemplate *tpl,
                  CstRequest                *request,
                  GPtrArray                 *withheld)
{
  g_autoptr(GBytes) pdf = cst_document_render_cover_letter (tpl, request, withheld, &options, NULL, NULL);
  g_autoptr(GError) error = NULL;
  PopplerDocument *doc = poppler_document_new_from_bytes (pdf, NULL, &error);
  PopplerPage *page;
  double width, height;
  cairo_surface_t *image;
  cairo_t *cr;

  if (doc == NULL)
    g_error ("bench-documents: %s", error->message);
  page = poppler_document_get_page (doc, 0);
  poppler_page_get_size (page, &width, &height);
  image = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) (width * PREVIEW_SCALE),
                                      (int) (height * PREVIEW_SCALE));
  cr = cairo_create (image);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, PREVIEW_SCALE, PREVIEW_SCALE);
  poppler_page_render (page, cr);
  cairo_destroy (cr);
  cairo_surface_flush (image);
  cairo_surface_destroy (image);
  g_object_unref (page);
  g_object_unref (doc);
}

/* Now: the same layout drawn for the screen, page 1 painted. */
static void
preview_from_layout (const CstDocumentTemplate *tpl,
                     CstRequest                *request,
                     GPtrArray                 *withheld)
{
  CstDocumentMade made = { TRUE, NULL };

  if (!cst_document_make_letter (tpl, request, withheld, &options, &made, NULL))
    g_error ("bench-documents: no pages");
  cst_pdf_pages_paint (made.pages, 0, PREVIEW_SCALE);
  cst_document_made_clear (&made);
}

static void
report (const char *what,
        GArray     *ms)
{
  CstBenchSpread spread = cst_bench_spread (ms);

  g_print ("  %-34s median %6.2f  p95 %6.2f  min %6.2f ms\n", what,
           spread.median, spread.p95, spread.min);
}

static void
print_load (void)
{
  g_autofree char *load = cst_bench_load_average ();

  g_print ("  load average: %s", load);
}

typedef void (*Preview) (const CstDocumentTemplate *tpl,
                         CstRequest                *request,
                         GPtrArray                 *withheld);

static void
bench_letter_preview (guint rounds)
{
  const CstDocumentKind kinds[] = {
    CST_DOCUMENT_COVER_LETTER, CST_DOCUMENT_DENIAL_LETTER, CST_DOCUMENT_EXTENSION_NOTICE,
  };
  g_autoptr(CstRequest) request = sample_request ();
  g_autoptr(GPtrArray) withheld = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_withholding_free);
  CstWithholding *w = g_new0 (CstWithholding, 1);

  w->reason = CST_WITHHELD_PSYCHOTHERAPY_NOTES;
  w->description = g_strdup ("Psychotherapy notes of the 2024 sessions");
  g_ptr_array_add (withheld, w);
  g_print ("letter preview, chosen → page 1 at 96 dpi, %u rounds each, CPU time of the process:\n", rounds);
  print_load ();
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autoptr(CstDocumentTemplate) tpl = cst_document_template_new_default (kinds[k], "en", NULL);
      g_autoptr(GArray) before = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) after = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) before_wall = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) after_wall = g_array_new (FALSE, FALSE, sizeof (double));

      /* Fonts, templates: paid once per process by both. */
      preview_from_pdf (tpl, request, withheld);
      preview_from_layout (tpl, request, withheld);
      for (guint i = 0; i < rounds; i++)
        {
          Preview ways[] = { preview_from_pdf, preview_from_layout };
          GArray *cpu[] = { before, after }, *wall[] = { before_wall, after_wall };

          for (guint j = 0; j < 2; j++)
            {
              guint way = (i + j) % 2;   /* alternate which goes first */
              double c = cpu_seconds ();
              gint64 t = g_get_monotonic_time ();
              double ms;

              ways[way] (tpl, request, withheld);
              ms = (cpu_seconds () - c) * 1000;
              g_array_append_val (cpu[way], ms);
              ms = (g_get_monotonic_time () - t) / 1000.0;
              g_array_append_val (wall[way], ms);
            }
        }
      g_print (" %s:\n", cst_document_kind_to_string (kinds[k]));
      report ("PDF + Poppler page 1 (before), CPU", before);
      report ("layout drawn, page 1 (now), CPU", after);
      report ("PDF + Poppler page 1 (before), wall", before_wall);
      report ("layout drawn, page 1 (now), wall", after_wall);
    }
  print_load ();
}

int
main (int    argc,
      char **argv)
{
  guint n = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 2000;

  setlocale (LC_ALL, "");
  if (g_getenv ("BENCH_DOCUMENTS_PREVIEW_ONLY"))
    {
      bench_letter_preview (MAX (n, 1u));
      return 0;
    }
  bench_invoice (MAX (n, 1u));
  if (!g_getenv ("BENCH_DOCUMENTS_INVOICE_ONLY"))
    {
      bench_accounting ();
      bench_letter_preview (60);
    }
  return 0;
}
