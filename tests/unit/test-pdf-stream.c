/* test-pdf-stream.c — the streaming PDF writer on its own: text in both
 * fonts read back with Poppler, tables across pages with their header,
 * "Page X of Y" from a measuring pass, pages written before the document
 * ends, cancellation and metadata; a table's rows drawn in one cairo call
 * a font land where run-by-run drawing puts them.  The same tests run
 * again on the direct writer (cst_pdf_stream_new_direct(), the fee
 * report's), under /pdf-stream/direct/, with what only it promises: its
 * own producer, CID fonts subset by hb-subset, fills without cairo. */
#include "config.h"

#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "cst-pdf-private.h"
#include "cst-pdf-stream-private.h"
#include "cst-test-pdf.h"
#include "cst-test-screen.h"
#include "custodian/cst-money.h"

static const CstPdfColumn columns[] = {
  { "Reference", 0.3, CST_PDF_ALIGN_LEFT },
  { "Description", 0.5, CST_PDF_ALIGN_LEFT },
  { "Amount", 0.2, CST_PDF_ALIGN_RIGHT },
};

/* The tests run on cairo's writer, then on the direct one. */
static gboolean direct;

static CstPdfStream *
new_writer (GOutputStream *out,
            GCancellable  *cancellable)
{
  g_autoptr(GError) error = NULL;
  CstPdfStream *pdf = direct
                        ? cst_pdf_stream_new_direct (out, CST_PDF_PAPER_LETTER, cancellable, &error)
                        : cst_pdf_stream_new (out, CST_PDF_PAPER_LETTER, cancellable, &error);

  g_assert_no_error (error);
  g_assert_nonnull (pdf);
  return pdf;
}

static GBytes *
finish (CstPdfStream  *pdf,
        GOutputStream *out)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (cst_pdf_stream_finish (pdf, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_close (out, NULL, NULL));
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

/* A heading, a paragraph and @n_rows table rows of every style, the
 * same on a measuring and a drawing writer. */
static void
write_document (CstPdfStream *pdf,
                guint         n_rows)
{
  CstPdfStreamTable *table;

  cst_pdf_stream_set_footer (pdf, "Stream test");
  cst_pdf_stream_heading (pdf, "Detail");
  cst_pdf_stream_paragraph (pdf, "Every row below is numbered, so a lost or repeated row shows.");
  table = cst_pdf_stream_table_begin (pdf, columns, G_N_ELEMENTS (columns));
  for (guint i = 0; i < n_rows; i++)
    {
      g_autofree char *ref = g_strdup_printf ("row-%04u", i);
      g_autofree char *money = cst_money_format (1000 + i);
      const char *cells[] = { ref, "Paper copies, pages 1–20, a description long enough to wrap "
                                   "onto a second line of the cell", money };
      CstPdfRowStyle style = (CstPdfRowStyle) (i % 4);

      cst_pdf_stream_table_row (table, cells, style);
    }
  cst_pdf_stream_table_end (table);
}

static guint
measure (guint n_rows)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstPdfStream) pdf = cst_pdf_stream_new_measure (CST_PDF_PAPER_LETTER, &error);

  g_assert_no_error (error);
  write_document (pdf, n_rows);
  g_assert_null (cst_pdf_stream_get_cairo (pdf));
  g_assert_true (cst_pdf_stream_finish (pdf, &error));
  return cst_pdf_stream_get_n_pages (pdf);
}

static GBytes *
render (guint n_rows,
        guint n_pages)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(CstPdfStream) pdf = new_writer (out, NULL);

  cst_pdf_stream_set_n_pages (pdf, n_pages);
  write_document (pdf, n_rows);
  return finish (pdf, out);
}

/* Latin text in the Latin font, Cyrillic and Greek from the Unicode
 * fallback font, a character neither has as the replacement mark; all of
 * it comes back out of the PDF, and both font files are embedded. */
static void
test_text_and_fallback (void)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(CstPdfStream) pdf = new_writer (out, NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  g_autoptr(GString) fonts = g_string_new (NULL);
  g_autofree char *text = NULL;
  g_autofree char *fallback = g_path_get_basename (cst_pdf_get_fallback_font_path ());
  g_autofree char *latin = g_path_get_basename (cst_pdf_get_font_path ());
  PopplerFontInfo *info;
  PopplerFontsIter *iter = NULL;
  CstPdfStyle bold = { .bold = TRUE };

  g_assert_nonnull (cst_pdf_get_fallback_font_path ());
  cst_pdf_stream_heading (pdf, "Zoë Ångström — 1.234,56 €");
  cst_pdf_stream_paragraph (pdf, "Patient Дмитрий Иванов, Ωμέγα; smile \xF0\x9F\x98\x80 end.");
  cst_pdf_stream_text (pdf, "Bold Дмитрий", &bold);
  bytes = finish (pdf, out);
  cst_test_pdf_assert_qpdf_clean (bytes);
  doc = cst_test_pdf_open (bytes);
  text = cst_test_pdf_text (doc);
  g_assert_nonnull (strstr (text, "Zoë Ångström — 1.234,56 €"));
  g_assert_nonnull (strstr (text, "Дмитрий Иванов"));
  g_assert_nonnull (strstr (text, "Ωμέγα"));
  g_assert_nonnull (strstr (text, "Bold Дмитрий"));
  /* U+1F600 is in neither font: the visible replacement mark. */
  g_assert_nonnull (strstr (text, "smile \xEF\xBF\xBD end."));

  info = poppler_font_info_new (doc);
  while (poppler_font_info_scan (info, 1, &iter))
    {
      if (iter == NULL)
        continue;
      do
        {
          g_string_append_printf (fonts, "%s (%s);", poppler_fonts_iter_get_name (iter),
                                  poppler_fonts_iter_is_embedded (iter) ? "embedded" : "not embedded");
          g_assert_true (poppler_fonts_iter_is_embedded (iter));
          /* Cut to the glyphs used ("ABCDEF+Name"), not the whole file. */
          g_assert_true (poppler_fonts_iter_is_subset (iter));
          /* The direct writer's Latin font is the subset every document
           * shares (a simple TrueType font), the fallback a CID subset. */
          if (direct)
            g_assert_true (poppler_fonts_iter_get_font_type (iter) == POPPLER_FONT_TYPE_TRUETYPE ||
                           poppler_fonts_iter_get_font_type (iter) == POPPLER_FONT_TYPE_CID_TYPE2);
        }
      while (poppler_fonts_iter_next (iter));
      poppler_fonts_iter_free (iter);
      iter = NULL;
    }
  g_object_unref (info);
  g_test_message ("fonts: %s (files %s, %s)", fonts->str, latin, fallback);
  /* The subset names carry the fonts' PostScript names: "LiberationSans"
   * or "DejaVuSans" from the Latin file, "DejaVuSans" from the fallback. */
  g_assert_nonnull (strstr (fonts->str, "DejaVuSans"));
}

/* 300 rows break over several pages; every page after the first starts
 * with the header row again, and every row appears exactly once, in
 * order. */
static void
test_table_across_pages (void)
{
  g_autoptr(GBytes) bytes = render (300, 0);
  g_autoptr(PopplerDocument) doc = cst_test_pdf_open (bytes);
  int n_pages = poppler_document_get_n_pages (doc);
  guint next_row = 0;

  g_assert_cmpint (n_pages, >=, 5);
  for (int p = 0; p < n_pages; p++)
    {
      g_autofree char *text = cst_test_pdf_page_text (doc, p);
      const char *header = strstr (text, "Reference");
      const char *first_row = strstr (text, "row-");

      g_assert_nonnull (header);
      g_assert_nonnull (strstr (header, "Description"));
      g_assert_nonnull (strstr (header, "Amount"));
      g_assert_nonnull (first_row);
      g_assert_true (header < first_row);
      /* The header once per page. */
      g_assert_null (strstr (header + 1, "Reference"));
      for (const char *r = first_row; r != NULL; r = strstr (r + 1, "row-"))
        {
          g_autofree char *expected = g_strdup_printf ("row-%04u", next_row);

          g_assert_cmpint (strncmp (r, expected, strlen (expected)), ==, 0);
          next_row++;
        }
    }
  g_assert_cmpuint (next_row, ==, 300);
}

/* @label in @text, not followed by another digit ("Page 1" is not in
 * "Page 12"). */
static gboolean
has_label (const char *text,
           const char *label)
{
  for (const char *p = strstr (text, label); p != NULL; p = strstr (p + 1, label))
    if (!g_ascii_isdigit (p[strlen (label)]))
      return TRUE;
  return FALSE;
}

static void
assert_footers (PopplerDocument *doc,
                gboolean         total_everywhere)
{
  int n_pages = poppler_document_get_n_pages (doc);

  for (int p = 0; p < n_pages; p++)
    {
      g_autofree char *text = cst_test_pdf_page_text (doc, p);
      g_autofree char *with_total = g_strdup_printf ("Page %d of %d", p + 1, n_pages);
      g_autofree char *alone = g_strdup_printf ("Page %d", p + 1);

      g_assert_nonnull (strstr (text, "Stream test"));
      if (total_everywhere || p == n_pages - 1)
        g_assert_true (has_label (text, with_total));
      else
        {
          g_autofree char *alone_of = g_strconcat (alone, " of", NULL);

          g_assert_true (has_label (text, alone));
          g_assert_null (strstr (text, alone_of));
        }
    }
}

/* A measuring writer counts the pages the drawing one then makes, so
 * every footer reads "Page X of Y"; without the count, "Page X" and the
 * last page gives the total; a wrong count fails the document. */
static void
test_footers (void)
{
  guint n_pages = measure (300);
  g_autoptr(GBytes) counted = render (300, n_pages);
  g_autoptr(GBytes) open_ended = render (300, 0);
  g_autoptr(PopplerDocument) doc = cst_test_pdf_open (counted);
  g_autoptr(PopplerDocument) open_doc = cst_test_pdf_open (open_ended);
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(CstPdfStream) wrong = new_writer (out, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (n_pages, >=, 5);
  g_assert_cmpint (poppler_document_get_n_pages (doc), ==, (int) n_pages);
  assert_footers (doc, TRUE);
  g_assert_cmpint (poppler_document_get_n_pages (open_doc), ==, (int) n_pages);
  assert_footers (open_doc, FALSE);

  cst_pdf_stream_set_n_pages (wrong, n_pages + 1);
  write_document (wrong, 300);
  g_assert_false (cst_pdf_stream_finish (wrong, &error));
  g_assert_error (error, CST_PDF_ERROR, CST_PDF_ERROR_LAYOUT);
}

/* The point of the writer: a finished page is written out at once.
 * After 100 and 300 of 400 pages, before the document is finished, the
 * output stream has received bytes in proportion (less what the 64 KB
 * output buffer holds): after 300, more than half the file.  A writer that kept its pages until the end, as
 * libharu does, would have written nothing yet. */
static void
test_pages_are_written_as_they_end (void)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(CstPdfStream) pdf = new_writer (out, NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  CstPdfStreamTable *table;
  gsize at_page_100 = 0, at_page_300 = 0, total;
  guint row = 0;

  table = cst_pdf_stream_table_begin (pdf, columns, G_N_ELEMENTS (columns));
  while (cst_pdf_stream_get_n_pages (pdf) <= 400)
    {
      g_autofree char *ref = g_strdup_printf ("row-%06u", row++);
      const char *cells[] = { ref, "A line of text that is about as long as a fee line", "$145.14" };
      guint page = cst_pdf_stream_get_n_pages (pdf);

      cst_pdf_stream_table_row (table, cells, CST_PDF_ROW_NORMAL);
      /* The first row of page 101 has just ended page 100. */
      if (page == 100 && cst_pdf_stream_get_n_pages (pdf) == 101)
        at_page_100 = g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (out));
      if (page == 300 && cst_pdf_stream_get_n_pages (pdf) == 301)
        at_page_300 = g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (out));
    }
  cst_pdf_stream_table_end (table);
  bytes = finish (pdf, out);
  total = g_bytes_get_size (bytes);
  g_test_message ("written after 100 pages: %" G_GSIZE_FORMAT " bytes, after 300: %" G_GSIZE_FORMAT
                  ", whole file: %" G_GSIZE_FORMAT, at_page_100, at_page_300, total);
  g_assert_cmpuint (at_page_100, >, 0);
  g_assert_cmpuint (at_page_300, >, 2 * at_page_100);
  /* The rest: the last 100 pages, what the buffer held, and the font
   * subsets, written at the end once every glyph used is known. */
  g_assert_cmpuint (at_page_300, >, total / 2);
  doc = cst_test_pdf_open (bytes);
  g_assert_cmpint (poppler_document_get_n_pages (doc), ==, 401);
}

/* A cancelled writer stops with G_IO_ERROR_CANCELLED. */
static void
test_cancel (void)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(CstPdfStream) pdf = new_writer (out, cancellable);
  g_autoptr(GError) error = NULL;

  write_document (pdf, 40);
  g_cancellable_cancel (cancellable);
  write_document (pdf, 400);
  g_assert_false (cst_pdf_stream_finish (pdf, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* Title and creator only; the body's names stay out of the metadata. */
static void
test_metadata (void)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(CstPdfStream) pdf = new_writer (out, NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  g_autofree char *title = NULL;
  const char *const forbidden[] = { "Zoë", "row-", NULL };

  cst_pdf_stream_set_title (pdf, "Fee justification report");
  cst_pdf_stream_heading (pdf, "Zoë Ångström");
  write_document (pdf, 10);
  bytes = finish (pdf, out);
  doc = cst_test_pdf_open (bytes);
  title = poppler_document_get_title (doc);
  g_assert_cmpstr (title, ==, "Fee justification report");
  cst_test_pdf_assert_clean_metadata (doc, forbidden);
}

/* A vector block: the area is inside the page and below what came
 * before, and what is drawn there ends up as paths, not an image. */
static void
test_reserve (void)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(CstPdfStream) pdf = new_writer (out, NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  g_autoptr(PopplerPage) page = NULL;
  CstPdfRect area, too_tall;
  cairo_t *cr;
  GList *images;

  cst_pdf_stream_heading (pdf, "Chart");
  g_assert_true (cst_pdf_stream_reserve (pdf, 150, &area));
  g_assert_cmpfloat (area.y, >, 54);
  g_assert_cmpfloat (area.y + area.height, <, 792 - 48);
  g_assert_false (cst_pdf_stream_reserve (pdf, 2000, &too_tall));
  cr = cst_pdf_stream_get_cairo (pdf);
  g_assert_nonnull (cr);
  cairo_set_source_rgb (cr, 0.2, 0.4, 0.7);
  cairo_rectangle (cr, area.x, area.y, area.width / 2, area.height);
  cairo_fill (cr);
  cst_pdf_stream_paragraph (pdf, "After the chart");
  bytes = finish (pdf, out);
  doc = cst_test_pdf_open (bytes);
  g_assert_cmpint (poppler_document_get_n_pages (doc), ==, 1);
  page = poppler_document_get_page (doc, 0);
  images = poppler_page_get_image_mapping (page);
  g_assert_null (images);
  poppler_page_free_image_mapping (images);
}

/* The direct writer has no cairo context: a chart is drawn with its
 * fills and lines, which come out as vector paths in their colour; the
 * file names its producer (not cairo) and passes qpdf --check. */
static void
test_direct_fills (void)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(CstPdfStream) pdf = new_writer (out, NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  g_autoptr(PopplerPage) page = NULL;
  g_autofree char *producer = NULL;
  g_autofree char *text = NULL;
  cairo_surface_t *image;
  cairo_t *cr;
  const guint8 *pixel;
  CstPdfRect area;

  cst_pdf_stream_heading (pdf, "Chart");
  g_assert_true (cst_pdf_stream_reserve (pdf, 150, &area));
  g_assert_null (cst_pdf_stream_get_cairo (pdf));
  cst_pdf_stream_fill_rectangle (pdf, area.x, area.y, area.width / 2, area.height, 0.2, 0.4, 0.7);
  cst_pdf_stream_stroke_line (pdf, area.x, area.y + area.height, area.x + area.width,
                              area.y + area.height, 1, 0, 0, 0);
  cst_pdf_stream_paragraph (pdf, "After the chart");
  bytes = finish (pdf, out);
  cst_test_pdf_assert_qpdf_clean (bytes);
  doc = cst_test_pdf_open (bytes);
  producer = poppler_document_get_producer (doc);
  g_assert_cmpstr (producer, ==, "Custodian direct PDF writer");
  text = cst_test_pdf_text (doc);
  g_assert_nonnull (strstr (text, "After the chart"));
  page = poppler_document_get_page (doc, 0);
  /* The middle of the filled half, rendered at 1 px a point: the blue. */
  image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 612, 792);
  cr = cairo_create (image);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  poppler_page_render (page, cr);
  cairo_destroy (cr);
  cairo_surface_flush (image);
  pixel = cairo_image_surface_get_data (image) +
          (int) (area.y + area.height / 2) * cairo_image_surface_get_stride (image) +
          (int) (area.x + area.width / 4) * 4;
  /* BGRx: 0.7, 0.4, 0.2 of 255. */
  g_assert_cmpint (abs (pixel[0] - 178), <=, 2);
  g_assert_cmpint (abs (pixel[1] - 102), <=, 2);
  g_assert_cmpint (abs (pixel[2] - 51), <=, 2);
  cairo_surface_destroy (image);
}

/* What the direct writer draws is what cairo draws: the same document on
 * the screen backend (cairo) and on the direct writer, compared page by
 * page, pixel by pixel (Poppler rendering the PDF; the comparison the
 * previews use, which tells a page from itself moved by two pixels).
 * No bold: Poppler strokes the direct writer's bold at least a pixel
 * wide at 96 dpi, heavier than cairo's thickened outlines
 * (/pdf-stream/direct/batched-rows places bold glyphs like cairo). */
static const CstPdfColumn plain_columns[] = {
  { NULL, 0.3, CST_PDF_ALIGN_LEFT },
  { NULL, 0.5, CST_PDF_ALIGN_LEFT },
  { NULL, 0.2, CST_PDF_ALIGN_RIGHT },
};

static void
write_both (CstPdfStream *pdf)
{
  CstPdfStreamTable *table;
  CstPdfRect area;

  cst_pdf_stream_set_footer (pdf, "Stream test — Ωμέγα");
  cst_pdf_stream_paragraph (pdf, "Every row below is numbered, so a lost or repeated row shows; "
                                 "Дмитрий Иванов and שלום come from the fallback font.");
  cst_pdf_stream_boxed_text (pdf, "A boxed note, AVAVA kerned, 1.234,56 €.", NULL);
  cst_pdf_stream_rule (pdf);
  g_assert_true (cst_pdf_stream_reserve (pdf, 40, &area));
  cst_pdf_stream_fill_rectangle (pdf, area.x, area.y, area.width / 3, area.height, 0.2, 0.4, 0.7);
  cst_pdf_stream_stroke_line (pdf, area.x, area.y + area.height, area.x + area.width,
                              area.y + area.height, 1, 0.2, 0.2, 0.2);
  table = cst_pdf_stream_table_begin (pdf, plain_columns, G_N_ELEMENTS (plain_columns));
  for (guint i = 0; i < 105; i++)
    {
      g_autofree char *ref = g_strdup_printf ("row-%04u ΑΒΓ", i);
      g_autofree char *money = cst_money_format (1000 + 37 * i);
      const char *cells[] = { ref, "Paper copies, pages 1–20, a description long enough to wrap "
                                   "onto a second line of the cell", money };

      cst_pdf_stream_table_row (table, cells, i % 3 == 2 ? CST_PDF_ROW_SUBTLE : CST_PDF_ROW_NORMAL);
    }
  cst_pdf_stream_table_end (table);
}

static void
test_direct_matches_cairo (void)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(CstPdfStream) pdf = new_writer (out, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CstPdfStream) screen = cst_pdf_stream_new_screen (CST_PDF_PAPER_LETTER, NULL, &error);
  g_autoptr(CstPdfStream) measuring = cst_pdf_stream_new_measure (CST_PDF_PAPER_LETTER, &error);
  g_autoptr(CstPdfPages) pages = NULL;
  g_autoptr(GBytes) bytes = NULL;

  g_assert_no_error (error);
  write_both (measuring);
  g_assert_true (cst_pdf_stream_finish (measuring, &error));
  cst_pdf_stream_set_n_pages (pdf, cst_pdf_stream_get_n_pages (measuring));
  write_both (pdf);
  write_both (screen);
  bytes = finish (pdf, out);
  pages = cst_pdf_stream_finish_pages (screen, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cst_pdf_pages_get_n_pages (pages), >=, 3);
  cst_test_screen_assert_matches_pdf (pages, bytes);
}

/* Arabic shaped by HarfBuzz on the streaming writer too: each word reads
 * back with its letters in logical order, drawn in joining forms (the
 * initial meem U+FEE3 and beh U+FE91); and kerned Latin text ends where
 * the layout measured it (AV: V moved closer by the kerning). */
static void
test_shaped_text (void)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(CstPdfStream) pdf = new_writer (out, NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  g_autoptr(PopplerPage) page = NULL;
  g_autofree PopplerRectangle *boxes = NULL;
  g_autofree char *text = NULL;
  g_autofree char *letters = NULL;
  const CstPdfStyle big = { .size = 20 };
  const char *words[] = { "AVAVAVAVAV", "Arabic:", "مرحبا", "بالعالم" };
  guint n_boxes = 0;

  cst_pdf_stream_text (pdf, "AVAVAVAVAV", &big);
  cst_pdf_stream_paragraph (pdf, "The requester wrote the patient's name in Arabic; it is copied "
                                 "into the report as written.");
  cst_pdf_stream_paragraph (pdf, "Arabic: مرحبا بالعالم");
  bytes = finish (pdf, out);
  cst_test_pdf_assert_qpdf_clean (bytes);
  doc = cst_test_pdf_open (bytes);
  text = cst_test_pdf_text (doc);
  letters = g_utf8_normalize (text, -1, G_NORMALIZE_ALL_COMPOSE);
  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    g_assert_nonnull (strstr (letters, words[i]));
  g_assert_nonnull (strstr (text, "\uFEE3"));
  g_assert_nonnull (strstr (text, "\uFE91"));

  page = poppler_document_get_page (doc, 0);
  g_assert_true (poppler_page_get_text_layout (page, &boxes, &n_boxes));
  g_assert_cmpuint (n_boxes, >, 10);
  {
    const CstPdfFonts *fonts = cst_pdf_fonts_get (NULL);
    double natural_a = fonts->latin_widths['A'] * 20 / 1000.0;
    double natural_v = fonts->latin_widths['V'] * 20 / 1000.0;

    g_assert_cmpfloat (boxes[1].x1 - boxes[0].x1, <, natural_a - 0.5);
    /* Ten glyphs, nine kerned gaps: the run ends short of the natural
     * width by the kerning, and nowhere else. */
    g_assert_cmpfloat (boxes[9].x2 - boxes[0].x1, <, 5 * natural_a + 5 * natural_v - 4);
  }
}

/* Rows of every style whose cells mix the Latin font, the Unicode
 * fallback (Greek, Hebrew), kerned pairs, a wrapped cell and a repeated
 * cell, drawn @n_times. */
static void
write_mixed_table (CstPdfStream *pdf,
                   guint         n_times)
{
  CstPdfStreamTable *table = cst_pdf_stream_table_begin (pdf, columns, G_N_ELEMENTS (columns));

  for (guint i = 0; i < n_times; i++)
    {
      g_autofree char *ref = g_strdup_printf ("ΑΒΓ-%u AVATAR", i);
      const char *cells[][3] = {
        { ref, "Search and retrieval, N.Y. Pub. Health Law § 18(2)(e)", "$1,234.56" },
        { "To Wa Ty", "שלום and Ω in one cell, long enough to wrap onto its second line here", "" },
        { "Search and retrieval", "Search and retrieval", "—" },
      };

      for (guint r = 0; r < G_N_ELEMENTS (cells); r++)
        cst_pdf_stream_table_row (table, cells[r], (CstPdfRowStyle) ((i + r) % 4));
    }
  cst_pdf_stream_table_end (table);
}

/* Every character's box on every page. */
static GArray *
char_boxes (PopplerDocument *doc)
{
  GArray *all = g_array_new (FALSE, FALSE, sizeof (PopplerRectangle));

  for (int p = 0; p < poppler_document_get_n_pages (doc); p++)
    {
      g_autoptr(PopplerPage) page = poppler_document_get_page (doc, p);
      g_autofree PopplerRectangle *boxes = NULL;
      guint n = 0;

      g_assert_true (poppler_page_get_text_layout (page, &boxes, &n));
      g_array_append_vals (all, boxes, n);
    }
  return all;
}

/* The drawing writer draws a table row's runs with one cairo call a font
 * (the direct writer one Tj a run)
 * (and converts a repeated run once); the tagged writer draws run by
 * run.  Both must put the same characters in the same places: within
 * 0.1 pt, because cairo writes a row's cells on one baseline in one TJ
 * array in an untagged page (as it did before rows were batched) and its
 * whole-unit TJ adjustments drift a little along it (0.05 pt here),
 * while a tagged cell starts its own text object.  A glyph misplaced by
 * the batch would be off by a glyph's width, points. */
static void
test_batched_rows (void)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(CstPdfStream) batched = new_writer (out, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CstPdfStream) tagged = cst_pdf_stream_new_tagged (CST_PDF_PAPER_LETTER, "en", &error);
  g_autoptr(GBytes) batched_bytes = NULL;
  g_autoptr(GBytes) tagged_bytes = NULL;
  g_autoptr(PopplerDocument) batched_doc = NULL;
  g_autoptr(PopplerDocument) tagged_doc = NULL;
  g_autoptr(GArray) batched_boxes = NULL;
  g_autoptr(GArray) tagged_boxes = NULL;
  g_autofree char *batched_text = NULL;
  g_autofree char *tagged_text = NULL;
  /* cairo writes whole-thousandth widths, cut short (Liberation's A,
   * 666.99, as 666): along a run its glyphs fall up to 0.11 pt behind
   * the direct writer's, which writes the font's widths to the hundredth. */
  double epsilon = direct ? 0.2 : 0.1;
  guint n_compared_y = 0;

  g_assert_no_error (error);
  write_mixed_table (batched, 40);
  write_mixed_table (tagged, 40);
  batched_bytes = finish (batched, out);
  tagged_bytes = cst_pdf_stream_finish_tagged (tagged, &error);
  g_assert_no_error (error);
  cst_test_pdf_assert_qpdf_clean (batched_bytes);
  batched_doc = cst_test_pdf_open (batched_bytes);
  tagged_doc = cst_test_pdf_open (tagged_bytes);
  g_assert_cmpint (poppler_document_get_n_pages (batched_doc), >, 1);
  g_assert_cmpint (poppler_document_get_n_pages (batched_doc), ==,
                   poppler_document_get_n_pages (tagged_doc));
  batched_text = cst_test_pdf_text (batched_doc);
  tagged_text = cst_test_pdf_text (tagged_doc);
  g_assert_cmpstr (batched_text, ==, tagged_text);
  g_assert_nonnull (strstr (batched_text, "ΑΒΓ-39 AVATAR"));
  g_assert_nonnull (strstr (batched_text, "Ω"));
  batched_boxes = char_boxes (batched_doc);
  tagged_boxes = char_boxes (tagged_doc);
  g_assert_cmpuint (batched_boxes->len, ==, tagged_boxes->len);
  g_assert_cmpuint (batched_boxes->len, >, 1000);
  for (guint i = 0; i < batched_boxes->len; i++)
    {
      const PopplerRectangle *a = &g_array_index (batched_boxes, PopplerRectangle, i);
      const PopplerRectangle *b = &g_array_index (tagged_boxes, PopplerRectangle, i);

      g_assert_cmpfloat_with_epsilon (a->x1, b->x1, epsilon);
      g_assert_cmpfloat_with_epsilon (a->x2, b->x2, epsilon);
      /* A box spans the font's ascent and descent: cairo's synthetic bold
       * is a font of its own with smaller ones (781 against the file's
       * 905 thousandths), which the direct writer, drawing bold as the
       * same font stroked, does not have.  Boxes of the same height are
       * the same font's, and must be at the same height. */
      if (direct && fabs ((a->y2 - a->y1) - (b->y2 - b->y1)) > 0.1)
        continue;
      n_compared_y++;
      g_assert_cmpfloat_with_epsilon (a->y1, b->y1, 0.1);
      g_assert_cmpfloat_with_epsilon (a->y2, b->y2, 0.1);
    }
  /* The regular rows, at least. */
  g_assert_cmpuint (n_compared_y, >, batched_boxes->len / 2);
}

/* --- tagged on the direct writer --- */

/* A small logo with a translucent edge, written for the test. */
static char *
logo_file (void)
{
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 80, 40);
  cairo_t *cr = cairo_create (image);
  char *path = NULL;
  int fd = g_file_open_tmp ("cst-stream-logo-XXXXXX.png", &path, NULL);

  g_assert_cmpint (fd, >=, 0);
  close (fd);
  cairo_set_source_rgba (cr, 0.1, 0.3, 0.6, 0.5);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0.8, 0.1, 0.1);
  cairo_rectangle (cr, 10, 5, 60, 30);
  cairo_fill (cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (image, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (image);
  return path;
}

static const CstPdfColumn field_columns[] = {
  { NULL, 0.35, CST_PDF_ALIGN_LEFT, TRUE },
  { NULL, 0.65, CST_PDF_ALIGN_LEFT },
};

/* What a letter lays out: the letterhead with its logo, a title, fields
 * whose labels head their rows, a table whose titles head their columns,
 * a list, a boxed note, and paragraphs enough for a second page (one of
 * them broken by it), the same on every writer. */
static void
write_tagged (CstPdfStream *pdf,
              gpointer      data)
{
  const char *logo = data;
  const CstPdfLetterhead letterhead = { "Saint Zoë Hospital", "1 Main Street\nSpringfield", "(555) 010-0100",
                                        logo };
  const char *fields[][2] = { { "Request reference", "ROI-2026-000123" }, { "Records of", "José Núñez" } };
  CstPdfStreamTable *table;
  CstPdfStyle h2 = cst_pdf_heading_style (10);

  cst_pdf_stream_set_title (pdf, "Letter");
  cst_pdf_stream_set_footer (pdf, "Saint Zoë Hospital, health information");
  cst_pdf_stream_letterhead (pdf, &letterhead, "Logo of Saint Zoë Hospital");
  cst_pdf_stream_heading (pdf, "Your request");
  table = cst_pdf_stream_table_begin (pdf, field_columns, G_N_ELEMENTS (field_columns));
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    cst_pdf_stream_table_row (table, fields[i], CST_PDF_ROW_NORMAL);
  cst_pdf_stream_table_end (table);
  cst_pdf_stream_tag_begin (pdf, "Sect");
  cst_pdf_stream_text_tagged (pdf, "H2", "What was sent", &h2);
  table = cst_pdf_stream_table_begin (pdf, columns, G_N_ELEMENTS (columns));
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *ref = g_strdup_printf ("row-%u (copy)", i);
      const char *cells[] = { ref, "Paper copies, pages 1–20 \\ back slash", "$1.00" };

      cst_pdf_stream_table_row (table, cells, i == 3 ? CST_PDF_ROW_TOTAL : CST_PDF_ROW_NORMAL);
    }
  cst_pdf_stream_table_end (table);
  cst_pdf_stream_tag_end (pdf, "Sect");
  cst_pdf_stream_tag_begin (pdf, "L");
  cst_pdf_stream_list_item (pdf, "•", "The first thing to know.", NULL);
  cst_pdf_stream_list_item (pdf, "•", "The second thing, Ωμέγα.", NULL);
  cst_pdf_stream_tag_end (pdf, "L");
  cst_pdf_stream_boxed_text (pdf, "Pay by check or by card at the number above.", NULL);
  for (guint i = 0; i < 9; i++)
    cst_pdf_stream_paragraph (pdf, "Every paragraph here is long enough to take several lines of the page, "
                                   "so that nine of them fill the first page and one goes on to the "
                                   "second, where it is a second element of its kind, the footer "
                                   "between them in neither; the words are plain and repeat, which "
                                   "is all a test of the layout needs from them.");
  cst_pdf_stream_small_text (pdf, "Sincerely, the health information department.");
}

/* The tagged file on the direct writer (as cst_pdf_tagged_render()). */
static GBytes *
render_tagged_direct (const char *logo,
                      guint       n_pages)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstPdfStream) pdf = cst_pdf_stream_new_tagged_direct (CST_PDF_PAPER_LETTER, "en", &error);
  GBytes *bytes;

  g_assert_no_error (error);
  cst_pdf_stream_set_n_pages (pdf, n_pages);
  write_tagged (pdf, (gpointer) logo);
  bytes = cst_pdf_stream_finish_tagged (pdf, &error);
  g_assert_no_error (error);
  return bytes;
}

/* Tagged on the direct writer: the same structure tree, element by
 * element (kind, depth, words, alternative text, header scope), as
 * cairo's tagged file finished by the libqpdf pass; the same catalog
 * (PDF/UA, /Lang, the title shown); every drawing operator marked, the
 * footer an artifact; qpdf-clean; and the same page as the screen's
 * drawing, logo included, pixel by pixel. */
static void
test_tagged_direct (void)
{
  g_autofree char *logo = logo_file ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CstPdfStream) measure = cst_pdf_stream_new_measure (CST_PDF_PAPER_LETTER, &error);
  g_autoptr(CstPdfStream) cairo_pdf = NULL;
  g_autoptr(CstPdfStream) screen = NULL;
  g_autoptr(CstPdfPages) pages = NULL;
  g_autoptr(GBytes) tagged = NULL;
  g_autoptr(GBytes) by_cairo = NULL;
  g_autoptr(GPtrArray) elements = NULL;
  g_autoptr(GPtrArray) expected = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  g_autofree char *producer = NULL;
  guint n_pages, figures = 0;

  g_assert_no_error (error);
  write_tagged (measure, logo);
  n_pages = cst_pdf_stream_get_n_pages (measure);
  g_assert_cmpuint (n_pages, ==, 2);
  tagged = render_tagged_direct (logo, n_pages);
  cairo_pdf = cst_pdf_stream_new_tagged (CST_PDF_PAPER_LETTER, "en", &error);
  g_assert_no_error (error);
  cst_pdf_stream_set_n_pages (cairo_pdf, n_pages);
  write_tagged (cairo_pdf, logo);
  by_cairo = cst_pdf_stream_finish_tagged (cairo_pdf, &error);
  g_assert_no_error (error);

  cst_test_pdf_assert_qpdf_clean (tagged);
  cst_test_pdf_assert_pdfua (tagged, "en", "Letter");
  cst_test_pdf_assert_content_marked (tagged, "Page 1 of 2");
  doc = cst_test_pdf_open (tagged);
  producer = poppler_document_get_producer (doc);
  g_assert_cmpstr (producer, ==, "Custodian direct PDF writer");
  g_assert_cmpint (poppler_document_get_n_pages (doc), ==, 2);

  elements = cst_test_pdf_structure (tagged);
  expected = cst_test_pdf_structure (by_cairo);
  g_assert_cmpuint (elements->len, ==, expected->len);
  for (guint i = 0; i < elements->len; i++)
    {
      CstTestPdfElement *e = g_ptr_array_index (elements, i), *x = g_ptr_array_index (expected, i);
      g_autofree char *words = cst_test_pdf_ascii_words (e->text);
      g_autofree char *expected_words = cst_test_pdf_ascii_words (x->text);

      g_assert_cmpint (e->kind, ==, x->kind);
      g_assert_cmpuint (e->depth, ==, x->depth);
      g_assert_cmpstr (words, ==, expected_words);
      g_assert_cmpstr (e->alt, ==, x->alt);
      g_assert_cmpstr (e->scope, ==, x->scope);
      figures += e->kind == POPPLER_STRUCTURE_ELEMENT_FIGURE;
    }
  g_assert_cmpuint (figures, ==, 1);
  g_assert_cmpstr (cst_test_pdf_find_element (elements, POPPLER_STRUCTURE_ELEMENT_TABLE_HEADING,
                                              "Request reference")->scope, ==, "Row");
  g_assert_cmpstr (cst_test_pdf_find_element (elements, POPPLER_STRUCTURE_ELEMENT_TABLE_HEADING,
                                              "Description")->scope, ==, "Column");

  screen = cst_pdf_stream_new_screen (CST_PDF_PAPER_LETTER, NULL, &error);
  g_assert_no_error (error);
  write_tagged (screen, logo);
  pages = cst_pdf_stream_finish_pages (screen, &error);
  g_assert_no_error (error);
  cst_test_screen_assert_matches_pdf (pages, tagged);
  g_unlink (logo);
}

/* Every tagged file carries the Latin subset as the same bytes (made once
 * a process), and a one-page document stays small. */
static void
test_tagged_direct_shares_latin_font (void)
{
  g_autoptr(GBytes) first = render_tagged_direct (NULL, 2);
  g_autoptr(GBytes) second = render_tagged_direct (NULL, 2);
  const CstPdfFonts *fonts = cst_pdf_fonts_get (NULL);
  gsize size, file_size;
  const guint8 *file = g_bytes_get_data (fonts->latin_file, &file_size);
  const guint8 *data = g_bytes_get_data (first, &size);
  const guint8 *found = memmem (data, size, file, file_size);

  g_assert_nonnull (found);
  /* Once, as deflated by cst-pdf-font.c. */
  g_assert_null (memmem (found + 1, size - (gsize) (found + 1 - data), file, file_size));
  data = g_bytes_get_data (second, &size);
  g_assert_nonnull (memmem (data, size, file, file_size));
}

typedef void (*TestFunc) (void);

static void
run_direct (gconstpointer test)
{
  direct = TRUE;
  ((TestFunc) test) ();
  direct = FALSE;
}

int
main (int    argc,
      char **argv)
{
  int status;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pdf-stream/text-and-fallback", test_text_and_fallback);
  g_test_add_func ("/pdf-stream/table-across-pages", test_table_across_pages);
  g_test_add_func ("/pdf-stream/footers", test_footers);
  g_test_add_func ("/pdf-stream/pages-are-written-as-they-end", test_pages_are_written_as_they_end);
  g_test_add_func ("/pdf-stream/cancel", test_cancel);
  g_test_add_func ("/pdf-stream/metadata", test_metadata);
  g_test_add_func ("/pdf-stream/reserve", test_reserve);
  g_test_add_func ("/pdf-stream/batched-rows", test_batched_rows);
  g_test_add_func ("/pdf-stream/shaped-text", test_shaped_text);
  g_test_add_data_func ("/pdf-stream/direct/text-and-fallback",
                        (gconstpointer) test_text_and_fallback, run_direct);
  g_test_add_data_func ("/pdf-stream/direct/table-across-pages",
                        (gconstpointer) test_table_across_pages, run_direct);
  g_test_add_data_func ("/pdf-stream/direct/footers",
                        (gconstpointer) test_footers, run_direct);
  g_test_add_data_func ("/pdf-stream/direct/pages-are-written-as-they-end",
                        (gconstpointer) test_pages_are_written_as_they_end, run_direct);
  g_test_add_data_func ("/pdf-stream/direct/cancel",
                        (gconstpointer) test_cancel, run_direct);
  g_test_add_data_func ("/pdf-stream/direct/metadata",
                        (gconstpointer) test_metadata, run_direct);
  g_test_add_data_func ("/pdf-stream/direct/matches-cairo",
                        (gconstpointer) test_direct_matches_cairo, run_direct);
  g_test_add_data_func ("/pdf-stream/direct/fills",
                        (gconstpointer) test_direct_fills, run_direct);
  g_test_add_data_func ("/pdf-stream/direct/batched-rows",
                        (gconstpointer) test_batched_rows, run_direct);
  g_test_add_data_func ("/pdf-stream/direct/shaped-text",
                        (gconstpointer) test_shaped_text, run_direct);
  g_test_add_func ("/pdf-stream/direct/tagged", test_tagged_direct);
  g_test_add_func ("/pdf-stream/direct/tagged-shares-latin-font", test_tagged_direct_shares_latin_font);
  status = g_test_run ();
  /* cairo's font and surface caches are process-wide; emptying them lets
   * the leak checkers see only what this program leaked. */
  cst_pdf_stream_drop_shared_faces ();
  cairo_debug_reset_static_data ();
  return status;
}
