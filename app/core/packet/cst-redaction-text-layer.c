/* cst-redaction-text-layer.c — an OCR text layer on a page rebuilt for
 * redaction (issue 19, the request's choice, 0076)
 *
 * A burned page is only an image, so it is no longer searchable.  When
 * the request asks for it, Tesseract reads the burned image (boxes filled,
 * so a redacted word cannot come back) and each word it reads is written
 * over the image as invisible text (render mode 3) in Helvetica, scaled to
 * the word's box: a reader finds and selects it where it shows.  Helvetica
 * is one of the standard fonts every reader has, so nothing is embedded;
 * its encoding (WinAnsi) holds English and Spanish, anything else becomes
 * '?'.  The read-back proof then reads this layer with the rest of the
 * page's text.
 */
#define G_LOG_DOMAIN "custodian-packet"

#include "config.h"

#include <string.h>

#include "cst-redaction-private.h"
#include "cst-redaction-text-layer.h"

#define TEXT_LAYER_FONT "/CstOcrText"
/* Helvetica's mean advance per character, in ems, for the scaling that
 * makes a word as wide as its box. */
#define HELVETICA_MEAN_ADVANCE 0.5

/* @text in WinAnsi as a PDF literal string; what has no WinAnsi form is '?'. */
static void
append_winansi (GString    *out,
                const char *text)
{
  g_autofree char *ansi = g_convert_with_fallback (text, -1, "WINDOWS-1252", "UTF-8", "?",
                                                   NULL, NULL, NULL);

  g_string_append_c (out, '(');
  for (const char *p = ansi ? ansi : ""; *p; p++)
    {
      guchar c = (guchar) *p;

      if (c == '(' || c == ')' || c == '\\')
        g_string_append_c (out, '\\');
      if (c < 0x20)
        c = '?';
      g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, ')');
}

static double
page_height (qpdf_data q,
             qpdf_oh   page)
{
  qpdf_oh box = qpdf_oh_get_key (q, page, "/MediaBox");
  double height = 792;

  if (qpdf_oh_is_array (q, box) && qpdf_oh_get_array_n_items (q, box) == 4)
    {
      qpdf_oh y1 = qpdf_oh_get_array_item (q, box, 1);
      qpdf_oh y2 = qpdf_oh_get_array_item (q, box, 3);

      height = qpdf_oh_get_numeric_value (q, y2) - qpdf_oh_get_numeric_value (q, y1);
      qpdf_oh_release (q, y1);
      qpdf_oh_release (q, y2);
    }
  qpdf_oh_release (q, box);
  return height;
}

/* The operators that write @words (pixels of an image at @dpi drawn over
 * the whole page) invisibly. */
static char *
layer_operators (GPtrArray *words,
                 int        dpi,
                 double     height)
{
  GString *ops = g_string_new ("q BT 3 Tr\n");
  double scale = 72.0 / dpi;

  for (guint i = 0; i < words->len; i++)
    {
      CstOcrWord *w = g_ptr_array_index (words, i);
      glong chars = g_utf8_strlen (w->text, -1);
      double size = MAX (1.0, w->height * scale);
      double natural = chars * size * HELVETICA_MEAN_ADVANCE;
      double stretch = natural > 0 ? 100.0 * w->width * scale / natural : 100.0;
      char v[4][G_ASCII_DTOSTR_BUF_SIZE];

      if (chars == 0)
        continue;
      g_string_append_printf (ops, TEXT_LAYER_FONT " %s Tf %s Tz 1 0 0 1 %s %s Tm ",
                              g_ascii_formatd (v[0], sizeof v[0], "%.2f", size),
                              g_ascii_formatd (v[1], sizeof v[1], "%.1f", CLAMP (stretch, 1, 1000)),
                              g_ascii_formatd (v[2], sizeof v[2], "%.2f", w->x * scale),
                              g_ascii_formatd (v[3], sizeof v[3], "%.2f",
                                               height - (w->y + w->height) * scale));
      append_winansi (ops, w->text);
      g_string_append (ops, " Tj\n");
    }
  g_string_append (ops, "ET Q\n");
  return g_string_free (ops, FALSE);
}

static void
add_font (qpdf_data q,
          qpdf_oh   page)
{
  qpdf_oh resources = qpdf_oh_get_key (q, page, "/Resources");
  qpdf_oh fonts, font;

  if (!qpdf_oh_is_dictionary (q, resources))
    {
      qpdf_oh_release (q, resources);
      resources = qpdf_oh_new_dictionary (q);
      qpdf_oh_replace_key (q, page, "/Resources", resources);
    }
  fonts = qpdf_oh_get_key (q, resources, "/Font");
  if (!qpdf_oh_is_dictionary (q, fonts))
    {
      qpdf_oh_release (q, fonts);
      fonts = qpdf_oh_new_dictionary (q);
      qpdf_oh_replace_key (q, resources, "/Font", fonts);
    }
  font = qpdf_oh_parse (q, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica"
                           " /Encoding /WinAnsiEncoding >>");
  qpdf_oh_replace_key (q, fonts, TEXT_LAYER_FONT, font);
  qpdf_oh_release (q, font);
  qpdf_oh_release (q, fonts);
  qpdf_oh_release (q, resources);
}

/**
 * cst_redaction_text_layer_add:
 * @page: a page of @q drawn by cst-redaction-burn.c: one image over it all
 * @words: #CstOcrWord read from that image, at @dpi
 *
 * Writes @words over @page as invisible text.
 */
void
cst_redaction_text_layer_add (qpdf_data  q,
                              qpdf_oh    page,
                              GPtrArray *words,
                              int        dpi)
{
  g_autofree char *ops = NULL;
  qpdf_oh contents, array, stream, none;

  if (words == NULL || words->len == 0)
    return;
  ops = layer_operators (words, dpi, page_height (q, page));
  add_font (q, page);
  contents = qpdf_oh_get_key (q, page, "/Contents");
  array = qpdf_oh_new_array (q);
  if (qpdf_oh_is_array (q, contents))
    for (int i = 0; i < qpdf_oh_get_array_n_items (q, contents); i++)
      {
        qpdf_oh item = qpdf_oh_get_array_item (q, contents, i);

        qpdf_oh_append_item (q, array, item);
        qpdf_oh_release (q, item);
      }
  else if (qpdf_oh_is_stream (q, contents))
    qpdf_oh_append_item (q, array, contents);
  stream = qpdf_oh_new_stream (q);
  none = qpdf_oh_new_null (q);
  qpdf_oh_replace_stream_data (q, stream, (const unsigned char *) ops, strlen (ops), none, none);
  qpdf_oh_append_item (q, array, stream);
  qpdf_oh_replace_key (q, page, "/Contents", array);
  qpdf_oh_release (q, none);
  qpdf_oh_release (q, stream);
  qpdf_oh_release (q, array);
  qpdf_oh_release (q, contents);
}
