/* test-pdf-toolkit.c — the PDF toolkit on its own: formatting, the font
 * subset, text and tables read back with Poppler, pagination, hostile
 * text, metadata, shaping (right to left, kerning) */
#include "config.h"

#include <locale.h>

#include "cst-pdf-private.h"
#include "cst-test-pdf.h"
#include "custodian/custodian.h"

static void
test_money (void)
{
  const struct { gint64 cents; const char *text; } cases[] = {
    { 0, "$0.00" }, { 5, "$0.05" }, { 100, "$1.00" }, { 123456, "$1,234.56" },
    { -5, "-$0.05" }, { 100000000, "$1,000,000.00" },
    { G_MAXINT64, "$92,233,720,368,547,758.07" },
    { G_MININT64, "-$92,233,720,368,547,758.08" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = cst_money_format (cases[i].cents);
      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_dates (void)
{
  g_autoptr(GDate) date = g_date_new_dmy (3, G_DATE_MARCH, 2026);
  g_autofree char *en = cst_pdf_format_date (date, "en");
  g_autofree char *es = cst_pdf_format_date (date, "es");
  g_autofree char *none = cst_pdf_format_date (NULL, "en");
  g_autofree char *locale = cst_pdf_format_date (date, NULL);

  g_assert_cmpstr (en, ==, "March 3, 2026");
  g_assert_cmpstr (es, ==, "3 de marzo de 2026");
  g_assert_cmpstr (none, ==, "");
  g_assert_cmpstr (locale, !=, "");
}

static void
test_font_subset (void)
{
  const char *path = cst_pdf_get_font_path ();
  g_autoptr(GMappedFile) file = NULL;
  g_autoptr(GBytes) font = NULL;
  g_autoptr(GBytes) subset = NULL;
  g_autoptr(GError) error = NULL;
  const gunichar codes[] = { ' ', 'A', 'a', 0xE9, 0xF1, 0x20AC };
  const gunichar bogus = 'A';
  g_autoptr(GBytes) junk = g_bytes_new_static ("not a font at all", 17);

  g_assert_nonnull (path);
  file = g_mapped_file_new (path, FALSE, &error);
  g_assert_no_error (error);
  font = g_mapped_file_get_bytes (file);
  subset = cst_ttf_subset (font, codes, G_N_ELEMENTS (codes), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (subset), <, g_bytes_get_size (font));
  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    g_assert_cmpuint (cst_ttf_lookup_glyph (subset, codes[i]), !=, 0);
  g_assert_cmpuint (cst_ttf_lookup_glyph (subset, 'Z'), ==, 0);
  /* hb-subset kept the six glyphs (and .notdef, and the components of the
   * accented ones) without hinting or layout tables, which an embedded
   * font never needs. */
  {
    hb_blob_t *blob = hb_blob_create (g_bytes_get_data (subset, NULL),
                                      (unsigned int) g_bytes_get_size (subset),
                                      HB_MEMORY_MODE_READONLY, NULL, NULL);
    hb_face_t *face = hb_face_create (blob, 0);
    const hb_tag_t dropped[] = { HB_TAG ('f', 'p', 'g', 'm'), HB_TAG ('p', 'r', 'e', 'p'),
                                 HB_TAG ('G', 'P', 'O', 'S'), HB_TAG ('G', 'S', 'U', 'B') };

    g_assert_cmpuint (hb_face_get_glyph_count (face), >=, G_N_ELEMENTS (codes));
    g_assert_cmpuint (hb_face_get_glyph_count (face), <=, 12);
    for (guint i = 0; i < G_N_ELEMENTS (dropped); i++)
      {
        hb_blob_t *table = hb_face_reference_table (face, dropped[i]);
        g_assert_cmpuint (hb_blob_get_length (table), ==, 0);
        hb_blob_destroy (table);
      }
    hb_face_destroy (face);
    hb_blob_destroy (blob);
  }

  g_assert_null (cst_ttf_subset (junk, &bogus, 1, &error));
  g_assert_error (error, CST_PDF_ERROR, CST_PDF_ERROR_FONT);
}

static GBytes *
finish (CstPdf *pdf)
{
  g_autoptr(GError) error = NULL;
  GBytes *bytes = cst_pdf_finish (pdf, &error);

  g_assert_no_error (error);
  g_assert_nonnull (bytes);
  cst_test_pdf_assert_qpdf_clean (bytes);
  return bytes;
}

static void
test_letter (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstPdf) pdf = cst_pdf_new (CST_PDF_PAPER_LETTER, &error);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  g_autofree char *text = NULL;
  g_autofree char *squashed = NULL;
  const CstPdfLetterhead head = { "Saint Zoë Hospital", "1 Main Street\nSpringfield, NY 10001",
                                  "(555) 010-0100", "/nonexistent/logo.png" };
  const char *forbidden[] = { "José", "Núñez", NULL };
  double width, height;
  g_autoptr(PopplerPage) page = NULL;

  g_assert_no_error (error);
  cst_pdf_set_title (pdf, "Carta de denegación");
  cst_pdf_set_footer (pdf, "Saint Zoë Hospital · Health Information Management");
  cst_pdf_letterhead (pdf, &head);
  cst_pdf_heading (pdf, "Dear José Núñez,");
  cst_pdf_paragraph (pdf, "We received your request for records on March 3, 2026. "
                          "Señor Núñez, the copy fee is €0 and “quoted” text — dashes — work.");
  cst_pdf_small_text (pdf, "Small grey print.");
  cst_pdf_boxed_text (pdf, "Pay by check to the hospital.", NULL);
  bytes = finish (pdf);

  doc = cst_test_pdf_open (bytes);
  g_assert_cmpint (poppler_document_get_n_pages (doc), ==, 1);
  page = poppler_document_get_page (doc, 0);
  poppler_page_get_size (page, &width, &height);
  g_assert_cmpfloat_with_epsilon (width, 612, 1);
  g_assert_cmpfloat_with_epsilon (height, 792, 1);
  text = cst_test_pdf_text (doc);
  squashed = cst_test_pdf_squash (text);
  g_assert_nonnull (strstr (squashed, "SaintZoëHospital"));
  g_assert_nonnull (strstr (squashed, "DearJoséNúñez,"));
  g_assert_nonnull (strstr (squashed, "Señor"));
  g_assert_nonnull (strstr (squashed, "€0"));
  g_assert_nonnull (strstr (squashed, "“quoted”"));
  g_assert_nonnull (strstr (squashed, "Page1of1"));
  g_assert_nonnull (strstr (squashed, "Paybycheck"));
  cst_test_pdf_assert_clean_metadata (doc, forbidden);
  {
    g_autofree char *title = poppler_document_get_title (doc);
    g_assert_cmpstr (title, ==, "Carta de denegación");
  }
}

/* 500 rows: every page starts with the header row, the total is on the
 * last page only, and the pages are numbered "X of Y". */
static void
test_long_table (void)
{
  const CstPdfColumn columns[] = {
    { "Description", 0.55, CST_PDF_ALIGN_LEFT },
    { "Qty", 0.1, CST_PDF_ALIGN_RIGHT },
    { "Amount", 0, CST_PDF_ALIGN_RIGHT },
  };
  g_autoptr(CstPdf) pdf = cst_pdf_new (CST_PDF_PAPER_A4, NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  CstPdfTable *table;
  int n_pages;

  table = cst_pdf_table_begin (pdf, columns, G_N_ELEMENTS (columns));
  for (guint i = 0; i < 500; i++)
    {
      g_autofree char *desc = g_strdup_printf ("Line %u", i + 1);
      g_autofree char *amount = cst_money_format ((gint64) i * 101);
      const char *cells[] = { desc, "1", amount };
      cst_pdf_table_row (table, cells);
    }
  {
    const char *total[] = { "TOTAL DUE", "", "$126,000.00" };
    cst_pdf_table_row_styled (table, total, CST_PDF_ROW_TOTAL);
  }
  cst_pdf_table_end (table);
  bytes = finish (pdf);

  doc = cst_test_pdf_open (bytes);
  n_pages = poppler_document_get_n_pages (doc);
  g_assert_cmpint (n_pages, >, 5);
  for (int i = 0; i < n_pages; i++)
    {
      g_autofree char *text = cst_test_pdf_page_text (doc, i);
      g_autofree char *label = g_strdup_printf ("Page %d of %d", i + 1, n_pages);
      g_assert_nonnull (strstr (text, "Description"));
      g_assert_nonnull (strstr (text, label));
      g_assert_true ((strstr (text, "TOTAL DUE") != NULL) == (i == n_pages - 1));
    }
  {
    g_autofree char *all = cst_test_pdf_text (doc);
    g_autofree char *squashed = cst_test_pdf_squash (all);
    g_assert_nonnull (strstr (squashed, "Line11$0.00"));
    g_assert_nonnull (strstr (squashed, "Line5001$503.99"));
  }
}

static void
test_hostile_text (void)
{
  g_autoptr(CstPdf) pdf = cst_pdf_new (CST_PDF_PAPER_LETTER, NULL);
  g_autoptr(GString) huge = g_string_new ("");
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  g_autofree char *text = NULL;
  const CstPdfColumn columns[] = { { "Name", 0.3, CST_PDF_ALIGN_LEFT }, { "Note", 0, CST_PDF_ALIGN_RIGHT } };
  const char *emoji = "Smile 😀 party 🎉";
  const char *rtl = "שלום עולם مرحبا بالعالم";
  const char *outside = "漢字 ᚠᛇᚻ \xf4\x8f\xbf\xbf end";
  const char *broken = "bad \xff\xfe utf8 \x01\x02 controls\ttab e\xcc\x81 combined";
  CstPdfTable *table;

  /* 5,000 characters: words, then one 2,000-character word that must be
   * broken between letters. */
  for (guint i = 0; i < 500; i++)
    g_string_append (huge, "Núñez ");
  for (guint i = 0; i < 2000; i++)
    g_string_append (huge, "é");
  cst_pdf_heading (pdf, huge->str);
  cst_pdf_paragraph (pdf, huge->str);
  cst_pdf_paragraph (pdf, emoji);
  cst_pdf_paragraph (pdf, rtl);
  cst_pdf_paragraph (pdf, outside);
  cst_pdf_paragraph (pdf, broken);
  cst_pdf_boxed_text (pdf, huge->str, NULL);
  table = cst_pdf_table_begin (pdf, columns, 2);
  {
    const char *row[] = { huge->str, huge->str };
    const char *row2[] = { emoji, rtl };
    const char *row3[] = { NULL, "" };
    cst_pdf_table_row (table, row);
    cst_pdf_table_row (table, row2);
    cst_pdf_table_row (table, row3);
  }
  cst_pdf_table_end (table);
  cst_pdf_set_footer (pdf, huge->str);
  cst_pdf_set_title (pdf, emoji);
  bytes = finish (pdf);

  doc = cst_test_pdf_open (bytes);
  text = cst_test_pdf_text (doc);
  g_assert_nonnull (strstr (text, "Smile"));
  g_assert_nonnull (strstr (text, "\xef\xbf\xbd"));       /* the replacement mark */
  g_assert_nonnull (strstr (text, "end"));
  g_assert_nonnull (strstr (text, "combined"));
  g_assert_nonnull (strstr (text, "é"));
  /* Right-to-left words are drawn reversed, so they read back in order. */
  if (cst_pdf_get_fallback_font_path () != NULL)
    {
      g_assert_nonnull (strstr (text, "שלום"));
      g_assert_nonnull (strstr (text, "עולם"));
    }
}

/* An Arabic and a Hebrew line, shaped by HarfBuzz.  Poppler reads each
 * word back with its letters in their own (logical) order — on a page
 * that runs left to right it lists the words of a right-to-left run from
 * left to right, so the words are checked one by one — and the Arabic
 * letters were drawn in their joining forms: the first letters of both
 * words are initial forms (U+FEE3 meem, U+FE91 beh), which unshaped
 * letters never are. */
static void
test_right_to_left_shaped (void)
{
  g_autoptr(CstPdf) pdf = cst_pdf_new (CST_PDF_PAPER_LETTER, NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  g_autofree char *text = NULL;
  g_autofree char *letters = NULL;
  const char *words[] = { "Arabic:", "مرحبا", "بالعالم", "Hebrew:", "שלום", "עולם" };

  g_assert_nonnull (cst_pdf_get_fallback_font_path ());
  cst_pdf_paragraph (pdf, "The requester wrote the patient's name in Arabic and in Hebrew; both are "
                          "copied into the letter as written.");
  cst_pdf_paragraph (pdf, "Arabic: مرحبا بالعالم");
  cst_pdf_paragraph (pdf, "Hebrew: שלום עולם");
  bytes = finish (pdf);
  doc = cst_test_pdf_open (bytes);
  text = cst_test_pdf_text (doc);
  /* Presentation forms read back as the letters they are forms of. */
  letters = g_utf8_normalize (text, -1, G_NORMALIZE_ALL_COMPOSE);
  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    g_assert_nonnull (strstr (letters, words[i]));
  g_assert_nonnull (strstr (text, "\uFEE3"));
  g_assert_nonnull (strstr (text, "\uFE91"));
}

/* Kerning: HarfBuzz brings V closer to A, the layout measures it and the
 * page draws it there (a new text run after each kerned glyph), so the
 * last glyph ends where the measured width says and a right-aligned
 * value would not overrun its column. */
static void
test_kerning_drawn_as_measured (void)
{
  g_autoptr(CstPdf) pdf = cst_pdf_new (CST_PDF_PAPER_LETTER, NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  g_autoptr(PopplerPage) page = NULL;
  g_autoptr(GArray) glyphs = NULL;
  g_autofree PopplerRectangle *boxes = NULL;
  g_autofree char *text = NULL;
  const char *word = "AVAVAVAVAV";
  const CstPdfStyle style = { 20, FALSE, 0, CST_PDF_ALIGN_LEFT, 0, 0, 0, 0 };
  double measured = 0, natural_a;
  guint n_boxes = 0;

  glyphs = cst_pdf_shape (pdf, word);
  for (guint i = 0; i < glyphs->len; i++)
    measured += cst_pdf_glyph_width (&g_array_index (glyphs, CstPdfGlyph, i), 20);
  natural_a = pdf->latin_widths['A'] * 20 / 1000.0;
  g_assert_cmpfloat (g_array_index (glyphs, CstPdfGlyph, 0).width * 20 / 1000.0, <, natural_a - 0.5);
  cst_pdf_text (pdf, word, &style);
  bytes = finish (pdf);
  doc = cst_test_pdf_open (bytes);
  page = poppler_document_get_page (doc, 0);
  g_assert_true (poppler_page_get_text_layout (page, &boxes, &n_boxes));
  text = poppler_page_get_text (page);
  g_assert_true (g_str_has_prefix (text, word));
  /* From the first A to the last V as drawn, against the measured width. */
  g_assert_cmpfloat (boxes[1].x1 - boxes[0].x1, <, natural_a - 0.5);
  g_assert_cmpfloat_with_epsilon (boxes[strlen (word) - 1].x2 - boxes[0].x1, measured, 0.3);
}

static void
test_reserve_and_draw (void)
{
  g_autoptr(CstPdf) pdf = cst_pdf_new (CST_PDF_PAPER_LETTER, NULL);
  g_autoptr(GBytes) bytes = NULL;
  CstPdfRect area;
  CstPdfStyle label = { 8, FALSE, 0.4, CST_PDF_ALIGN_CENTER, 0, 0, 0, 0 };

  for (guint i = 0; i < 5; i++)
    {
      HPDF_Page page;

      g_assert_true (cst_pdf_reserve (pdf, 200, &area));
      page = cst_pdf_get_page (pdf);
      HPDF_Page_SetRGBFill (page, 0.2f, 0.4f, 0.8f);
      HPDF_Page_Rectangle (page, (HPDF_REAL) area.x, (HPDF_REAL) area.y, 50, (HPDF_REAL) area.height);
      HPDF_Page_Fill (page);
      cst_pdf_draw_text (pdf, area.x + 25, area.y - 10, "Bar", &label);
    }
  g_assert_false (cst_pdf_reserve (pdf, 5000, &area));
  g_assert_cmpuint (cst_pdf_get_n_pages (pdf), ==, 2);
  bytes = finish (pdf);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pdf/money", test_money);
  g_test_add_func ("/pdf/dates", test_dates);
  g_test_add_func ("/pdf/font-subset", test_font_subset);
  g_test_add_func ("/pdf/letter", test_letter);
  g_test_add_func ("/pdf/long-table", test_long_table);
  g_test_add_func ("/pdf/hostile-text", test_hostile_text);
  g_test_add_func ("/pdf/reserve-and-draw", test_reserve_and_draw);
  g_test_add_func ("/pdf/right-to-left-shaped", test_right_to_left_shaped);
  g_test_add_func ("/pdf/kerning-drawn-as-measured", test_kerning_drawn_as_measured);
  return g_test_run ();
}
