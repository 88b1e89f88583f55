/* cst-pdf-text.c — what the two PDF writers share: which font draws each
 * character, line breaking, right-to-left runs, page labels and table
 * columns
 *
 * CstPdf (libharu, whole documents in memory) and CstPdfStream (cairo,
 * page by page) draw the same fonts with the same rules, so a report
 * looks the same from either and a fix to wrapping reaches both.
 */
#define G_LOG_DOMAIN "cst-pdf"

#include "config.h"

#include <string.h>

#include "cst-pdf-private.h"

#define REPLACEMENT_MARK 0xFFFD

/* --- glyphs --- */

static guint8
direction_of (gunichar c)
{
  switch (g_unichar_get_script (c))
    {
    case G_UNICODE_SCRIPT_HEBREW:
    case G_UNICODE_SCRIPT_ARABIC:
    case G_UNICODE_SCRIPT_SYRIAC:
    case G_UNICODE_SCRIPT_THAANA:
    case G_UNICODE_SCRIPT_NKO:
      return g_unichar_isalnum (c) ? CST_PDF_RTL : CST_PDF_NEUTRAL;
    default:
      return g_unichar_isalpha (c) ? CST_PDF_LTR : CST_PDF_NEUTRAL;
    }
}

/* Appends the glyph of @original, and sets @chars at its index to the
 * character it draws; the width is set by cst_pdf_shape_runs(). */
static void
add_glyph (const CstPdfShaper *shaper,
           GArray             *glyphs,
           gunichar           *chars,
           gunichar            original)
{
  CstPdfGlyph g = { CST_PDF_GLYPH_LATIN, 1, CST_PDF_NEUTRAL, FALSE, FALSE, { 0 }, 0 };
  const CstPdfFonts *fonts = shaper->fonts;
  gunichar c = original;
  int byte;

  /* Printable ASCII, most of every document, without the Unicode
   * tables. */
  if (c >= 0x20 && c < 0x7F && fonts->latin_has[c])
    {
      g.space = c == ' ';
      g.bytes[0] = (char) c;
      g.direction = g_ascii_isalpha (c) ? CST_PDF_LTR : CST_PDF_NEUTRAL;
      chars[glyphs->len] = c;
      g_array_append_val (glyphs, g);
      return;
    }
  if (c == '\n')
    {
      g.font = CST_PDF_GLYPH_NEWLINE;
      g.len = 0;
      chars[glyphs->len] = c;
      g_array_append_val (glyphs, g);
      return;
    }
  if (c == '\t' || c == 0xA0 || g_unichar_type (c) == G_UNICODE_SPACE_SEPARATOR)
    c = ' ';
  /* Control and format characters (bidi marks, zero-width joiners) have
   * no glyph of their own. */
  if (g_unichar_iscntrl (c) || g_unichar_type (c) == G_UNICODE_FORMAT)
    return;
  byte = cst_pdf_cp1252_from_unichar (c);
  if (!(byte >= 0 && fonts->latin_has[byte]))
    {
      /* Not in the Latin font: the Unicode fallback font, else its
       * replacement mark, else a plain "?". */
      if (!(c <= 0xFFFF && cst_pdf_unicode_font_has (fonts, c)))
        c = REPLACEMENT_MARK;
      if (cst_pdf_unicode_font_has (fonts, c) && shaper->unicode_ready (shaper->data))
        {
          g.font = CST_PDF_GLYPH_UNICODE;
          g.len = (guint8) g_unichar_to_utf8 (c, g.bytes);
          g.direction = direction_of (original);
          chars[glyphs->len] = c;
          g_array_append_val (glyphs, g);
          return;
        }
      c = '?';
      byte = '?';
    }
  g.space = c == ' ';
  if (shaper->latin_utf8)
    g.len = (guint8) g_unichar_to_utf8 (c, g.bytes);
  else
    g.bytes[0] = (char) byte;
  g.direction = direction_of (original);
  chars[glyphs->len] = c;
  g_array_append_val (glyphs, g);
}

/* Whether @text is Windows-1252 or below U+0300 only: such text is
 * already composed (NFC changes nothing before the first combining mark
 * at U+0300, and no Windows-1252 character), and normalizing it was 4% of
 * an invoice. */
static gboolean
is_composed_latin (const char *text)
{
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c >= 0x300 && cst_pdf_cp1252_from_unichar (c) < 0)
        return FALSE;
    }
  return TRUE;
}

/**
 * cst_pdf_shape_text:
 *
 * Returns: (element-type CstPdfGlyph): @text as glyphs, shaped by
 *   HarfBuzz; invalid UTF-8 is repaired, decomposed accents are composed
 *   first
 */
GArray *
cst_pdf_shape_text (const CstPdfShaper *shaper,
                    const char         *text)
{
  g_autofree char *valid = NULL;
  g_autofree char *composed = NULL;
  g_autofree gunichar *large = NULL;
  gunichar small[256];
  gunichar *chars = small;
  GArray *glyphs;
  const char *p;
  gsize length;

  text = text ? text : "";
  for (p = text; *p; p++)
    if ((guchar) *p >= 0x80)
      break;
  if (*p)
    {
      if (!g_utf8_validate (text, -1, NULL))
        text = valid = g_utf8_make_valid (text, -1);
      if (!is_composed_latin (text))
        text = composed = g_utf8_normalize (text, -1, G_NORMALIZE_DEFAULT_COMPOSE);
    }
  /* At most one glyph per byte. */
  length = strlen (text);
  if (length > G_N_ELEMENTS (small))
    chars = large = g_new (gunichar, length);
  glyphs = g_array_sized_new (FALSE, FALSE, sizeof (CstPdfGlyph), (guint) length);
  for (p = text; *p; p = g_utf8_next_char (p))
    add_glyph (shaper, glyphs, chars, g_utf8_get_char (p));
  cst_pdf_shape_runs (shaper, glyphs, chars);
  return glyphs;
}

/* --- wrapping --- */

static void
finish_line (GArray     *glyphs,
             GArray     *lines,
             CstPdfLine *line,
             double      size)
{
  line->n_spaces = 0;
  while (line->end > line->start &&
         g_array_index (glyphs, CstPdfGlyph, line->end - 1).space)
    {
      line->end--;
      line->width -= cst_pdf_glyph_width (&g_array_index (glyphs, CstPdfGlyph, line->end), size);
    }
  for (guint i = line->start; i < line->end; i++)
    line->n_spaces += g_array_index (glyphs, CstPdfGlyph, i).space;
  g_array_append_val (lines, *line);
}

/* Shortens the last line until "…" fits after it. */
static void
ellipsize_line (GArray     *glyphs,
                CstPdfLine *line,
                double      size,
                double      max_width,
                double      ellipsis_width)
{
  double mark = ellipsis_width * size / 1000.0;

  while (line->end > line->start && line->width + mark > max_width)
    {
      line->end--;
      line->width -= cst_pdf_glyph_width (&g_array_index (glyphs, CstPdfGlyph, line->end), size);
    }
  line->ellipsis = TRUE;
  line->last = TRUE;
}

/**
 * cst_pdf_wrap_glyphs:
 * @max_lines: 0 for no limit
 * @ellipsis_width: of "…" in thousandths of the size, for a cut last line
 *
 * Greedy line breaking at spaces; a word wider than the line is broken
 * between characters, so nothing ever runs off the page.
 *
 * Returns: (element-type CstPdfLine): at least one line
 */
GArray *
cst_pdf_wrap_glyphs (GArray *glyphs,
                     double  size,
                     double  max_width,
                     guint   max_lines,
                     double  ellipsis_width)
{
  GArray *lines = g_array_new (FALSE, FALSE, sizeof (CstPdfLine));
  guint i = 0, n = glyphs->len;

  do
    {
      CstPdfLine line = { i, n, 0, 0, TRUE, FALSE };
      guint space_at = G_MAXUINT;
      double width_at_space = 0;

      for (; i < n; i++)
        {
          const CstPdfGlyph *g = &g_array_index (glyphs, CstPdfGlyph, i);
          double w = cst_pdf_glyph_width (g, size);

          if (g->font == CST_PDF_GLYPH_NEWLINE)
            {
              line.end = i++;
              break;
            }
          if (g->space)
            {
              space_at = i;
              width_at_space = line.width;
            }
          else if (line.width + w > max_width && i > line.start)
            {
              line.last = FALSE;
              if (space_at != G_MAXUINT && space_at > line.start)
                {
                  line.end = space_at;
                  line.width = width_at_space;
                  i = space_at + 1;
                }
              else
                line.end = i;
              while (i < n && g_array_index (glyphs, CstPdfGlyph, i).space)
                i++;
              break;
            }
          line.width += w;
        }
      finish_line (glyphs, lines, &line, size);
      if (max_lines > 0 && lines->len == max_lines && i < n)
        {
          ellipsize_line (glyphs, &g_array_index (lines, CstPdfLine, lines->len - 1),
                          size, max_width, ellipsis_width);
          break;
        }
    }
  while (i < n);
  return lines;
}

/* --- drawing order and placement --- */

/* The order to draw a line's glyphs in, or %NULL for logical order (no
 * right-to-left text: the common case, without an allocation).
 * Documents run left to right;
 * a run of right-to-left words (Hebrew, Arabic) is reversed so it reads
 * correctly — a small part of the Unicode bidi algorithm, without
 * mirroring.  The letters were shaped in their own order first
 * (cst-pdf-shape.c: Arabic joining forms). */
guint *
cst_pdf_visual_order (GArray           *glyphs,
                      const CstPdfLine *line)
{
  guint n = line->end - line->start;
  guint *order;
  gboolean any_rtl = FALSE;

  for (guint i = 0; i < n && !any_rtl; i++)
    any_rtl = g_array_index (glyphs, CstPdfGlyph, line->start + i).direction == CST_PDF_RTL;
  if (!any_rtl)
    return NULL;
  order = g_new (guint, n);
  for (guint i = 0; i < n; i++)
    order[i] = line->start + i;
  for (guint i = 0; i < n;)
    {
      guint run_end = i, k;

      if (g_array_index (glyphs, CstPdfGlyph, order[i]).direction != CST_PDF_RTL)
        {
          i++;
          continue;
        }
      /* Extend over neutrals up to the last right-to-left glyph before
       * the next left-to-right one. */
      for (k = i; k < n; k++)
        {
          guint8 d = g_array_index (glyphs, CstPdfGlyph, line->start + k).direction;
          if (d == CST_PDF_LTR)
            break;
          if (d == CST_PDF_RTL)
            run_end = k;
        }
      for (guint a = i, b = run_end; a < b; a++, b--)
        {
          guint t = order[a];
          order[a] = order[b];
          order[b] = t;
        }
      i = run_end + 1;
    }
  return order;
}

/* Where a line starts in [x, x + width]; @ellipsis is the width of "…"
 * in points. */
double
cst_pdf_line_x (const CstPdfLine *line,
                double            x,
                double            width,
                CstPdfAlign       align,
                double            ellipsis)
{
  double used = line->width + (line->ellipsis ? ellipsis : 0);

  switch (align)
    {
    case CST_PDF_ALIGN_RIGHT:
      return x + width - used;
    case CST_PDF_ALIGN_CENTER:
      return x + (width - used) / 2;
    case CST_PDF_ALIGN_LEFT:
    case CST_PDF_ALIGN_JUSTIFY:
    default:
      return x;
    }
}

/* --- page labels --- */

/* @format holds {page} and {pages}, e.g. "Página {page} de {pages}". */
char *
cst_pdf_page_label (const char *format,
                    guint       page,
                    guint       pages)
{
  g_autofree char *page_text = g_strdup_printf ("%u", page);
  g_autofree char *pages_text = g_strdup_printf ("%u", pages);
  GString *label = g_string_new (format);

  g_string_replace (label, "{page}", page_text, 0);
  g_string_replace (label, "{pages}", pages_text, 0);
  return g_string_free (label, FALSE);
}

/* --- styles --- */

CstPdfStyle
cst_pdf_heading_style (double body_size)
{
  return (CstPdfStyle) { body_size * 1.35, TRUE, 0, CST_PDF_ALIGN_LEFT, 8, 4, 0, 3 };
}

CstPdfStyle
cst_pdf_paragraph_style (double body_size)
{
  return (CstPdfStyle) { 0, FALSE, 0, CST_PDF_ALIGN_JUSTIFY, 0, body_size * 0.6, 0, 0 };
}

/* Page footers: small grey text on one line. */
CstPdfStyle
cst_pdf_footer_style (double body_size)
{
  return (CstPdfStyle) { body_size * 0.75, FALSE, 0.4, CST_PDF_ALIGN_LEFT, 0, 0, 0, 1 };
}

/* --- tables --- */

/* Widths are shares of @total; columns without one split what is left
 * (at least a tenth each), and everything is scaled to fit. */
static void
place_columns (const CstPdfColumn *columns,
               guint               n_columns,
               double              left,
               double              total,
               double             *x,
               double             *width)
{
  double given = 0, free_share = 0, sum;
  guint n_free = 0;

  for (guint i = 0; i < n_columns; i++)
    {
      given += MAX (columns[i].width, 0);
      n_free += columns[i].width <= 0;
    }
  if (n_free > 0)
    free_share = MAX (1.0 - given, 0.1 * n_free) / n_free;
  sum = given + free_share * n_free;
  for (guint i = 0; i < n_columns; i++)
    {
      double share = columns[i].width > 0 ? columns[i].width : free_share;

      x[i] = left;
      width[i] = total * share / sum;
      left += width[i];
    }
}

/* @columns placed across [left, left + total]; @size is the text size of
 * the header and of normal rows. */
void
cst_pdf_columns_init (CstPdfColumns      *self,
                      const CstPdfColumn *columns,
                      guint               n_columns,
                      double              left,
                      double              total,
                      double              size)
{
  self->n_columns = n_columns;
  self->x = g_new0 (double, n_columns);
  self->width = g_new0 (double, n_columns);
  self->align = g_new0 (CstPdfAlign, n_columns);
  self->titles = g_new0 (char *, n_columns + 1);
  self->has_header = FALSE;
  self->size = size;
  for (guint i = 0; i < n_columns; i++)
    {
      self->align[i] = columns[i].align;
      self->titles[i] = g_strdup (columns[i].title ? columns[i].title : "");
      self->has_header |= columns[i].title != NULL;
    }
  place_columns (columns, n_columns, left, total, self->x, self->width);
}

void
cst_pdf_columns_clear (CstPdfColumns *self)
{
  g_clear_pointer (&self->x, g_free);
  g_clear_pointer (&self->width, g_free);
  g_clear_pointer (&self->align, g_free);
  g_clear_pointer (&self->titles, g_strfreev);
}

double
cst_pdf_columns_right (const CstPdfColumns *self)
{
  return self->x[self->n_columns - 1] + self->width[self->n_columns - 1];
}

/**
 * cst_pdf_columns_lay_out:
 * @out: (array): n_columns cells, cleared with cst_pdf_cells_clear()
 *
 * A cell holds at most CST_PDF_CELL_MAX_LINES lines; longer text is
 * ellipsized so one hostile value cannot make a row taller than a page.
 *
 * Returns: the row's height in points
 */
double
cst_pdf_columns_lay_out (const CstPdfColumns *self,
                         const CstPdfShaper  *shaper,
                         double               ellipsis_width,
                         const char *const   *cells,
                         double               size,
                         CstPdfCell          *out)
{
  guint most = 1;

  for (guint i = 0; i < self->n_columns; i++)
    {
      out[i].glyphs = cst_pdf_shape_text (shaper, cells && cells[i] ? cells[i] : "");
      out[i].lines = cst_pdf_wrap_glyphs (out[i].glyphs, size,
                                          MAX (self->width[i] - 2 * CST_PDF_CELL_PAD_X, 1),
                                          CST_PDF_CELL_MAX_LINES, ellipsis_width);
      most = MAX (most, out[i].lines->len);
    }
  return most * size * CST_PDF_LEADING + 2 * CST_PDF_CELL_PAD_Y;
}

/* Where @line of column @c starts; @ellipsis is the width of "…" in
 * points. */
double
cst_pdf_columns_line_x (const CstPdfColumns *self,
                        guint                c,
                        const CstPdfLine    *line,
                        double               ellipsis)
{
  return cst_pdf_line_x (line, self->x[c] + CST_PDF_CELL_PAD_X,
                         self->width[c] - 2 * CST_PDF_CELL_PAD_X, self->align[c], ellipsis);
}

void
cst_pdf_cells_clear (CstPdfCell *cells,
                     guint       n_cells)
{
  for (guint i = 0; i < n_cells; i++)
    {
      g_clear_pointer (&cells[i].glyphs, g_array_unref);
      g_clear_pointer (&cells[i].lines, g_array_unref);
    }
}
