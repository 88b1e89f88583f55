/* cst-pdf.c — pages, text flow and output of the PDF toolkit
 *
 * Text is turned into glyphs once (cst_pdf_shape): each character gets its
 * font and encoded bytes, so wrapping, ellipsizing and drawing never see
 * UTF-8 again and a character no font has is already a visible
 * replacement mark.  libharu errors are recorded, not fatal: after the
 * first one, drawing stops and cst_pdf_finish() reports it.
 */
#define G_LOG_DOMAIN "cst-pdf"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <hpdf_font.h>
#include <string.h>

#include "custodian/cst-private-file.h"

#include "cst-pdf-private.h"

#define BOLD_STROKE 0.03     /* of the font size: a fake bold, see set_bold() */

G_DEFINE_QUARK (cst-pdf-error-quark, cst_pdf_error)

static void
on_libharu_error (HPDF_STATUS  status,
                  HPDF_STATUS  detail,
                  void        *data)
{
  CstPdf *self = data;

  if (self->probing || self->failed)
    return;
  self->failed = TRUE;
  self->error_status = status;
  self->error_detail = detail;
}

static void
compute_latin_widths (CstPdf *self)
{
  memcpy (self->latin_widths, self->fonts->latin_widths, sizeof self->latin_widths);
  self->ellipsis_width = self->fonts->latin_has[0x85] ? self->latin_widths[0x85]
                                                      : 3 * self->latin_widths['.'];
}

/* The FontFile2 stream holds bytes deflated beforehand: libharu writes
 * them as they are (no filter of its own, which would drop a /Filter
 * entry) and this adds the entry that says how to read them. */
static HPDF_STATUS
write_flate_filter (HPDF_Dict   dict,
                    HPDF_Stream stream)
{
  return HPDF_Stream_WriteStr (stream, "/Filter /FlateDecode\012");
}

/* Every document embeds the same Latin subset, yet libharu, when it makes
 * the font's descriptor at save time, re-reads the subset and writes it
 * out again glyph by glyph: 36% of an invoice's instructions (issue 24).
 * Made here first, the descriptor (the entries libharu's own would have)
 * carries the subset file as cst_pdf_fonts_get() deflated it once per
 * process, and libharu, finding a descriptor, writes that.  Without a
 * ready file (no subset could be cut), libharu embeds the font itself. */
static void
embed_latin_file (CstPdf *self)
{
  HPDF_FontAttr attr = (HPDF_FontAttr) self->latin->attr;
  HPDF_FontDef def = attr->fontdef;
  HPDF_TTFontDefAttr def_attr = (HPDF_TTFontDefAttr) def->attr;
  HPDF_MMgr mmgr = self->latin->mmgr;
  HPDF_Dict descriptor, file;
  HPDF_STATUS ret = HPDF_OK;
  gsize size = 0;
  const guint8 *data;

  /* libharu loaded the whole font when it had no subset to load. */
  if (self->fonts->latin_file == NULL || g_strcmp0 (self->fonts->latin_path, self->fonts->latin_source) == 0 ||
      def->descriptor != NULL || !def_attr->embedding)
    return;
  data = g_bytes_get_data (self->fonts->latin_file, &size);
  if ((descriptor = HPDF_Dict_New (mmgr)) == NULL ||
      HPDF_Xref_Add (attr->xref, descriptor) != HPDF_OK ||
      (file = HPDF_DictStream_New (mmgr, attr->xref)) == NULL)
    return;
  ret += HPDF_Dict_AddName (descriptor, "Type", "FontDescriptor");
  ret += HPDF_Dict_AddNumber (descriptor, "Ascent", def->ascent);
  ret += HPDF_Dict_AddNumber (descriptor, "Descent", def->descent);
  ret += HPDF_Dict_AddNumber (descriptor, "CapHeight", def->cap_height);
  ret += HPDF_Dict_AddNumber (descriptor, "Flags", (HPDF_INT32) def->flags);
  ret += HPDF_Dict_Add (descriptor, "FontBBox", HPDF_Box_Array_New (mmgr, def->font_bbox));
  ret += HPDF_Dict_AddName (descriptor, "FontName", def_attr->base_font);
  ret += HPDF_Dict_AddNumber (descriptor, "ItalicAngle", def->italic_angle);
  ret += HPDF_Dict_AddNumber (descriptor, "StemV", def->stemv);
  ret += HPDF_Dict_AddNumber (descriptor, "XHeight", def->x_height);
  if (def_attr->char_set != NULL)
    ret += HPDF_Dict_AddName (descriptor, "CharSet", def_attr->char_set);
  file->filter = HPDF_STREAM_FILTER_NONE;
  file->write_fn = write_flate_filter;
  ret += HPDF_Stream_Write (file->stream, data, (HPDF_UINT) size);
  ret += HPDF_Dict_AddNumber (file, "Length1", (HPDF_INT32) self->fonts->latin_file_length);
  ret += HPDF_Dict_Add (descriptor, "FontFile2", file);
  if (ret == HPDF_OK)
    def->descriptor = descriptor;
}

CstPdf *
cst_pdf_new (CstPdfPaper   paper,
             GError      **error)
{
  g_autoptr(CstPdf) self = g_new0 (CstPdf, 1);
  const char *name;

  if ((self->fonts = cst_pdf_fonts_get (error)) == NULL)
    return NULL;
  self->doc = HPDF_New (on_libharu_error, self);
  if (self->doc == NULL)
    {
      g_set_error_literal (error, CST_PDF_ERROR, CST_PDF_ERROR_LIBHARU,
                           _("The PDF library could not start."));
      return NULL;
    }
  /* libharu picks each stream's filter when the stream is made.  The Latin
   * subset's font file is embedded as deflated once per process
   * (embed_latin_file); where libharu embeds the Latin font itself (no
   * subset could be cut) it stores it without Flate: deflating it again for
   * every document was a quarter of the CPU time of an invoice.  Page
   * content, images, metadata and the Unicode fallback font are
   * compressed. */
  HPDF_SetCompressionMode (self->doc, HPDF_COMP_TEXT | HPDF_COMP_IMAGE);
  HPDF_SetInfoAttr (self->doc, HPDF_INFO_CREATOR, "Custodian");
  name = HPDF_LoadTTFontFromFile (self->doc, self->fonts->latin_path, HPDF_TRUE);
  self->latin = name ? HPDF_GetFont (self->doc, name, "CP1252") : NULL;
  HPDF_SetCompressionMode (self->doc, HPDF_COMP_ALL);
  if (self->latin == NULL)
    {
      g_set_error (error, CST_PDF_ERROR, CST_PDF_ERROR_FONT,
                   _("The font %s could not be loaded (libharu error %04X)."),
                   self->fonts->latin_source, (guint) self->error_status);
      return NULL;
    }
  embed_latin_file (self);
  compute_latin_widths (self);
  self->page_size = paper == CST_PDF_PAPER_A4 ? HPDF_PAGE_SIZE_A4 : HPDF_PAGE_SIZE_LETTER;
  self->margins = (CstPdfMargins) { 54, 54, 48, 54 };
  self->body_size = 10;
  self->pages = g_ptr_array_new ();
  self->run = g_string_sized_new (256);
  self->page_format = g_strdup (_("Page {page} of {pages}"));
  cst_pdf_new_page (self);
  return g_steal_pointer (&self);
}

void
cst_pdf_free (CstPdf *self)
{
  if (self == NULL)
    return;
  if (self->doc != NULL)
    HPDF_Free (self->doc);
  if (self->pages != NULL)
    g_ptr_array_unref (self->pages);
  if (self->run != NULL)
    g_string_free (self->run, TRUE);
  g_free (self->footer);
  g_free (self->page_format);
  g_free (self);
}

void
cst_pdf_set_margins (CstPdf              *self,
                     const CstPdfMargins *margins)
{
  gboolean at_top = self->y >= cst_pdf_top (self);

  self->margins = *margins;
  if (at_top)
    self->y = cst_pdf_top (self);
}

/* The title goes into the PDF's Info dictionary, which any file manager
 * shows: callers pass the kind of document, never a patient's name.
 * libharu writes Info strings as bytes, read as PDFDocEncoding, which
 * matches Latin-1 for the letters Spanish and English titles need. */
void
cst_pdf_set_title (CstPdf     *self,
                   const char *title)
{
  g_autofree char *latin1 = g_convert_with_fallback (title, -1, "ISO-8859-1", "UTF-8", "?",
                                                     NULL, NULL, NULL);

  if (latin1 != NULL)
    HPDF_SetInfoAttr (self->doc, HPDF_INFO_TITLE, latin1);
}

void
cst_pdf_set_footer (CstPdf     *self,
                    const char *text)
{
  g_free (self->footer);
  self->footer = g_strdup (text);
}

/* @format holds {page} and {pages}, e.g. "Página {page} de {pages}". */
void
cst_pdf_set_page_format (CstPdf     *self,
                         const char *format)
{
  g_free (self->page_format);
  self->page_format = g_strdup (format ? format : "");
}

void
cst_pdf_set_body_size (CstPdf *self,
                       double  size)
{
  self->body_size = CLAMP (size, 4.0, 72.0);
}

double
cst_pdf_top (CstPdf *self)
{
  return self->page_height - self->margins.top;
}

double
cst_pdf_bottom (CstPdf *self)
{
  return self->margins.bottom + CST_PDF_FOOTER_HEIGHT;
}

void
cst_pdf_new_page (CstPdf *self)
{
  if (self->failed || self->finished)
    return;
  self->page = HPDF_AddPage (self->doc);
  if (self->page == NULL)
    return;
  HPDF_Page_SetSize (self->page, self->page_size, HPDF_PAGE_PORTRAIT);
  self->page_width = HPDF_Page_GetWidth (self->page);
  self->page_height = HPDF_Page_GetHeight (self->page);
  g_ptr_array_add (self->pages, self->page);
  self->y = cst_pdf_top (self);
}

void
cst_pdf_page_break (CstPdf *self)
{
  cst_pdf_new_page (self);
}

/* Starts a new page unless @height still fits; a block taller than a
 * whole page is drawn from the top of a fresh page and clipped by the
 * caller's line-by-line flow. */
static void
ensure_space (CstPdf *self,
              double  height)
{
  if (self->y - height < cst_pdf_bottom (self) && self->y < cst_pdf_top (self))
    cst_pdf_new_page (self);
}

double
cst_pdf_style_size (CstPdf            *self,
                    const CstPdfStyle *style)
{
  return style && style->size > 0 ? style->size : self->body_size;
}

/* --- glyphs --- */

static gboolean
ensure_unicode_font (CstPdf *self)
{
  const char *name;

  if (self->unicode_tried)
    return self->unicode != NULL;
  self->unicode_tried = TRUE;
  if (self->fonts->unicode_path == NULL)
    return FALSE;
  /* A broken fallback font must not spoil the document: probe quietly. */
  self->probing = TRUE;
  HPDF_UseUTFEncodings (self->doc);
  name = HPDF_LoadTTFontFromFile (self->doc, self->fonts->unicode_path, HPDF_TRUE);
  self->unicode = name ? HPDF_GetFont (self->doc, name, "UTF-8") : NULL;
  HPDF_ResetError (self->doc);
  self->probing = FALSE;
  return self->unicode != NULL;
}

static gboolean
unicode_ready (gpointer data)
{
  return ensure_unicode_font (data);
}

/**
 * cst_pdf_shape:
 *
 * Returns: (element-type CstPdfGlyph): @text as glyphs; invalid UTF-8 is
 *   repaired, decomposed accents are composed first.  Latin glyphs hold
 *   their Windows-1252 byte: the encoding of libharu's Latin font.
 */
GArray *
cst_pdf_shape (CstPdf     *self,
               const char *text)
{
  CstPdfShaper shaper;

  cst_pdf_get_shaper (self, &shaper);
  return cst_pdf_shape_text (&shaper, text);
}

void
cst_pdf_get_shaper (CstPdf       *self,
                    CstPdfShaper *shaper)
{
  *shaper = (CstPdfShaper) { self->fonts, FALSE, unicode_ready, self };
}

/* --- wrapping --- */

/**
 * cst_pdf_wrap:
 * @max_lines: 0 for no limit
 *
 * Returns: (element-type CstPdfLine): at least one line, see
 *   cst_pdf_wrap_glyphs()
 */
GArray *
cst_pdf_wrap (CstPdf *self,
              GArray *glyphs,
              double  size,
              double  max_width,
              guint   max_lines)
{
  return cst_pdf_wrap_glyphs (glyphs, size, max_width, max_lines, self->ellipsis_width);
}

/* --- drawing --- */

/* One embedded font per document keeps documents small and fast; bold is
 * the regular outline filled and stroked with a thin pen. */
static void
sync_state_page (CstPdf *self)
{
  if (self->state_page == self->page)
    return;
  self->state_page = self->page;
  self->state_font = NULL;
  self->state_size = 0;
  self->state_bold = FALSE;
}

static void
set_bold (CstPdf   *self,
          gboolean  bold,
          double    size)
{
  sync_state_page (self);
  if (bold)
    HPDF_Page_SetLineWidth (self->page, (HPDF_REAL) (size * BOLD_STROKE));
  if (bold == self->state_bold)
    return;
  HPDF_Page_SetTextRenderingMode (self->page, bold ? HPDF_FILL_THEN_STROKE : HPDF_FILL);
  self->state_bold = bold;
}

static void
flush_run (CstPdf *self,
           guint   font,
           double *x,
           double  y,
           double  size,
           double  run_width)
{
  HPDF_Font hpdf_font = font == CST_PDF_GLYPH_LATIN ? self->latin : self->unicode;

  if (self->run->len == 0)
    return;
  sync_state_page (self);
  if (hpdf_font != self->state_font || size != self->state_size)
    {
      HPDF_Page_SetFontAndSize (self->page, hpdf_font, (HPDF_REAL) size);
      self->state_font = hpdf_font;
      self->state_size = size;
    }
  HPDF_Page_TextOut (self->page, (HPDF_REAL) *x, (HPDF_REAL) y, self->run->str);
  *x += run_width;
  g_string_truncate (self->run, 0);
}

void
cst_pdf_draw_line (CstPdf           *self,
                   GArray           *glyphs,
                   const CstPdfLine *line,
                   double            x,
                   double            baseline,
                   double            size,
                   gboolean          bold,
                   double            extra_per_space)
{
  guint font = CST_PDF_GLYPH_LATIN;
  double run_width = 0;
  g_autofree guint *order = NULL;

  if (self->failed || self->page == NULL)
    return;
  order = cst_pdf_visual_order (glyphs, line);
  HPDF_Page_BeginText (self->page);
  set_bold (self, bold, size);
  for (guint i = 0; i < line->end - line->start; i++)
    {
      const CstPdfGlyph *g = &g_array_index (glyphs, CstPdfGlyph,
                                             order ? order[i] : line->start + i);

      if (g->font != font || (g->space && extra_per_space > 0) || g->new_run)
        {
          flush_run (self, font, &x, baseline, size, run_width);
          run_width = 0;
          font = g->font;
        }
      if (g->space && extra_per_space > 0)
        {
          x += cst_pdf_glyph_width (g, size) + extra_per_space;
          continue;
        }
      g_string_append_len (self->run, g->bytes, g->len);
      run_width += cst_pdf_glyph_width (g, size);
    }
  flush_run (self, font, &x, baseline, size, run_width);
  if (line->ellipsis)
    {
      g_string_assign (self->run, self->fonts->latin_has[0x85] ? "\x85" : "...");
      flush_run (self, CST_PDF_GLYPH_LATIN, &x, baseline, size, 0);
    }
  HPDF_Page_EndText (self->page);
}

/* Draws @lines from @top down inside [x, x + width], breaking pages in the
 * flow (self->y) as needed.  Used by paragraphs; tables place their own. */
void
cst_pdf_draw_lines (CstPdf            *self,
                    GArray            *glyphs,
                    GArray            *lines,
                    double             x,
                    double             top,
                    double             width,
                    const CstPdfStyle *style)
{
  double size = cst_pdf_style_size (self, style);
  double leading = size * CST_PDF_LEADING;
  CstPdfAlign align = style ? style->align : CST_PDF_ALIGN_LEFT;
  double ellipsis = self->ellipsis_width * size / 1000.0;

  self->y = top;
  HPDF_Page_SetGrayFill (self->page, (HPDF_REAL) (style ? style->grey : 0));
  HPDF_Page_SetGrayStroke (self->page, (HPDF_REAL) (style ? style->grey : 0));
  for (guint i = 0; i < lines->len; i++)
    {
      const CstPdfLine *line = &g_array_index (lines, CstPdfLine, i);
      double extra = 0;

      if (self->y - leading < cst_pdf_bottom (self) && self->y < cst_pdf_top (self))
        {
          cst_pdf_new_page (self);
          HPDF_Page_SetGrayFill (self->page, (HPDF_REAL) (style ? style->grey : 0));
          HPDF_Page_SetGrayStroke (self->page, (HPDF_REAL) (style ? style->grey : 0));
        }
      if (align == CST_PDF_ALIGN_JUSTIFY && !line->last && line->n_spaces > 0)
        extra = (width - line->width) / line->n_spaces;
      cst_pdf_draw_line (self, glyphs, line, cst_pdf_line_x (line, x, width, align, ellipsis),
                         self->y - size * 0.9, size, style && style->bold, extra);
      self->y -= leading;
    }
  HPDF_Page_SetGrayFill (self->page, 0);
  HPDF_Page_SetGrayStroke (self->page, 0);
}

void
cst_pdf_text (CstPdf            *self,
              const char        *text,
              const CstPdfStyle *style)
{
  static const CstPdfStyle plain = { 0 };
  g_autoptr(GArray) glyphs = NULL;
  g_autoptr(GArray) lines = NULL;
  double size, width, indent;

  if (self->failed || self->finished)
    return;
  style = style ? style : &plain;
  size = cst_pdf_style_size (self, style);
  indent = CLAMP (style->indent, 0, (self->page_width - self->margins.left - self->margins.right) / 2);
  width = self->page_width - self->margins.left - self->margins.right - indent;
  glyphs = cst_pdf_shape (self, text);
  lines = cst_pdf_wrap (self, glyphs, size, width, style->max_lines);
  if (self->y < cst_pdf_top (self))
    self->y -= style->space_before;
  /* Keep a short paragraph together, and never strand a heading. */
  ensure_space (self, size * CST_PDF_LEADING * MIN (lines->len + (style->bold ? 2 : 0), 4u));
  cst_pdf_draw_lines (self, glyphs, lines, self->margins.left + indent, self->y, width, style);
  self->y -= style->space_after;
}

void
cst_pdf_heading (CstPdf     *self,
                 const char *text)
{
  CstPdfStyle style = cst_pdf_heading_style (self->body_size);

  cst_pdf_text (self, text, &style);
}

void
cst_pdf_paragraph (CstPdf     *self,
                   const char *text)
{
  CstPdfStyle style = cst_pdf_paragraph_style (self->body_size);

  cst_pdf_text (self, text, &style);
}

void
cst_pdf_small_text (CstPdf     *self,
                    const char *text)
{
  CstPdfStyle style = { self->body_size * 0.8, FALSE, 0.35, CST_PDF_ALIGN_LEFT, 0, 4, 0, 0 };

  cst_pdf_text (self, text, &style);
}

/* A paragraph on a light grey panel, for what the reader must act on. */
void
cst_pdf_boxed_text (CstPdf            *self,
                    const char        *text,
                    const CstPdfStyle *style)
{
  static const CstPdfStyle plain = { 0 };
  const double pad = 8;
  g_autoptr(GArray) glyphs = NULL;
  g_autoptr(GArray) lines = NULL;
  double size, width, height, left;

  if (self->failed || self->finished)
    return;
  style = style ? style : &plain;
  size = cst_pdf_style_size (self, style);
  left = self->margins.left;
  width = self->page_width - self->margins.left - self->margins.right;
  glyphs = cst_pdf_shape (self, text);
  lines = cst_pdf_wrap (self, glyphs, size, width - 2 * pad, style->max_lines);
  height = lines->len * size * CST_PDF_LEADING + 2 * pad;
  if (self->y < cst_pdf_top (self))
    self->y -= style->space_before;
  if (height > cst_pdf_top (self) - cst_pdf_bottom (self))
    {
      /* Taller than a page: no panel, just the text. */
      cst_pdf_draw_lines (self, glyphs, lines, left, self->y, width, style);
      self->y -= style->space_after;
      return;
    }
  ensure_space (self, height);
  HPDF_Page_SetGrayFill (self->page, 0.94f);
  HPDF_Page_SetGrayStroke (self->page, 0.75f);
  HPDF_Page_SetLineWidth (self->page, 0.6f);
  HPDF_Page_Rectangle (self->page, (HPDF_REAL) left, (HPDF_REAL) (self->y - height),
                       (HPDF_REAL) width, (HPDF_REAL) height);
  HPDF_Page_FillStroke (self->page);
  cst_pdf_draw_lines (self, glyphs, lines, left + pad, self->y - pad, width - 2 * pad, style);
  self->y -= pad + style->space_after;
}

void
cst_pdf_space (CstPdf *self,
               double  points)
{
  if (self->y - points < cst_pdf_bottom (self))
    cst_pdf_new_page (self);
  else
    self->y -= points;
}

void
cst_pdf_rule (CstPdf *self)
{
  if (self->failed || self->finished)
    return;
  ensure_space (self, 8);
  self->y -= 4;
  HPDF_Page_SetGrayStroke (self->page, 0.6f);
  HPDF_Page_SetLineWidth (self->page, 0.5f);
  HPDF_Page_MoveTo (self->page, (HPDF_REAL) self->margins.left, (HPDF_REAL) self->y);
  HPDF_Page_LineTo (self->page, (HPDF_REAL) (self->page_width - self->margins.right),
                    (HPDF_REAL) self->y);
  HPDF_Page_Stroke (self->page);
  HPDF_Page_SetGrayStroke (self->page, 0);
  self->y -= 4;
}

/* --- letterhead --- */

static double
draw_logo (CstPdf     *self,
           const char *path,
           double      max_height)
{
  HPDF_Image image;
  double w, h, scale;

  if (path == NULL || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return 0;
  self->probing = TRUE;
  image = HPDF_LoadPngImageFromFile (self->doc, path);
  HPDF_ResetError (self->doc);
  self->probing = FALSE;
  if (image == NULL)
    {
      g_debug ("The letterhead logo is not a PNG libharu can read; left out");
      return 0;
    }
  w = HPDF_Image_GetWidth (image);
  h = HPDF_Image_GetHeight (image);
  if (w <= 0 || h <= 0)
    return 0;
  scale = MIN (max_height / h, 2.5 * max_height / w);
  HPDF_Page_DrawImage (self->page, image, (HPDF_REAL) self->margins.left,
                       (HPDF_REAL) (self->y - h * scale), (HPDF_REAL) (w * scale),
                       (HPDF_REAL) (h * scale));
  return w * scale;
}

void
cst_pdf_letterhead (CstPdf                 *self,
                    const CstPdfLetterhead *letterhead)
{
  const double logo_height = 44;
  double top = self->y, logo_width, size = self->body_size;
  CstPdfStyle name = { size * 1.5, TRUE, 0, CST_PDF_ALIGN_LEFT, 0, 2, 0, 2 };
  CstPdfStyle detail = { size * 0.85, FALSE, 0.3, CST_PDF_ALIGN_LEFT, 0, 0, 0, 4 };

  if (self->failed || self->finished || letterhead == NULL)
    return;
  logo_width = draw_logo (self, letterhead->logo_path, logo_height);
  name.indent = detail.indent = logo_width > 0 ? logo_width + 12 : 0;
  cst_pdf_text (self, letterhead->name ? letterhead->name : "", &name);
  if (letterhead->address && *letterhead->address)
    cst_pdf_text (self, letterhead->address, &detail);
  detail.max_lines = 1;
  if (letterhead->phone && *letterhead->phone)
    cst_pdf_text (self, letterhead->phone, &detail);
  if (logo_width > 0)
    self->y = MIN (self->y, top - logo_height);
  cst_pdf_rule (self);
  self->y -= 6;
}

/* --- free drawing --- */

gboolean
cst_pdf_reserve (CstPdf     *self,
                 double      height,
                 CstPdfRect *area)
{
  if (self->failed || self->finished || height > cst_pdf_top (self) - cst_pdf_bottom (self))
    return FALSE;
  ensure_space (self, height);
  area->x = self->margins.left;
  area->width = self->page_width - self->margins.left - self->margins.right;
  area->height = height;
  area->y = self->y - height;
  self->y -= height;
  return TRUE;
}

HPDF_Page
cst_pdf_get_page (CstPdf *self)
{
  return self->page;
}

void
cst_pdf_get_content_area (CstPdf     *self,
                          CstPdfRect *area)
{
  area->x = self->margins.left;
  area->y = cst_pdf_bottom (self);
  area->width = self->page_width - self->margins.left - self->margins.right;
  area->height = self->y - area->y;
}

guint
cst_pdf_get_n_pages (CstPdf *self)
{
  return self->pages->len;
}

double
cst_pdf_measure_text (CstPdf     *self,
                      const char *text,
                      double      size)
{
  g_autoptr(GArray) glyphs = cst_pdf_shape (self, text);
  double width = 0;

  for (guint i = 0; i < glyphs->len; i++)
    width += cst_pdf_glyph_width (&g_array_index (glyphs, CstPdfGlyph, i), size);
  return width;
}

/* One line at a baseline; @style's alignment is relative to @x. */
void
cst_pdf_draw_text (CstPdf            *self,
                   double             x,
                   double             y,
                   const char        *text,
                   const CstPdfStyle *style)
{
  double size = cst_pdf_style_size (self, style);
  g_autoptr(GArray) glyphs = NULL;
  g_autoptr(GArray) lines = NULL;
  const CstPdfLine *line;
  double max = self->page_width;

  if (self->failed || self->finished)
    return;
  glyphs = cst_pdf_shape (self, text);
  lines = cst_pdf_wrap (self, glyphs, size, max, 1);
  line = &g_array_index (lines, CstPdfLine, 0);
  if (style && style->align == CST_PDF_ALIGN_RIGHT)
    x -= line->width;
  else if (style && style->align == CST_PDF_ALIGN_CENTER)
    x -= line->width / 2;
  HPDF_Page_SetGrayFill (self->page, (HPDF_REAL) (style ? style->grey : 0));
  HPDF_Page_SetGrayStroke (self->page, (HPDF_REAL) (style ? style->grey : 0));
  cst_pdf_draw_line (self, glyphs, line, x, y, size, style && style->bold, 0);
  HPDF_Page_SetGrayFill (self->page, 0);
  HPDF_Page_SetGrayStroke (self->page, 0);
}

/* --- output --- */

/* Footers need the page count, so they are drawn last, on every page. */
static void
draw_footers (CstPdf *self)
{
  CstPdfStyle style = cst_pdf_footer_style (self->body_size);
  double width = self->page_width - self->margins.left - self->margins.right;
  double baseline = self->margins.bottom + 4;

  for (guint i = 0; i < self->pages->len; i++)
    {
      g_autofree char *label = cst_pdf_page_label (self->page_format, i + 1, self->pages->len);
      double label_width = cst_pdf_measure_text (self, label, style.size);

      self->page = g_ptr_array_index (self->pages, i);
      style.align = CST_PDF_ALIGN_RIGHT;
      cst_pdf_draw_text (self, self->margins.left + width, baseline, label, &style);
      if (self->footer && *self->footer)
        {
          g_autoptr(GArray) glyphs = cst_pdf_shape (self, self->footer);
          g_autoptr(GArray) lines = cst_pdf_wrap (self, glyphs, style.size,
                                                  MAX (width - label_width - 18, 36), 1);
          HPDF_Page_SetGrayFill (self->page, (HPDF_REAL) style.grey);
          cst_pdf_draw_line (self, glyphs, &g_array_index (lines, CstPdfLine, 0),
                             self->margins.left, baseline, style.size, FALSE, 0);
          HPDF_Page_SetGrayFill (self->page, 0);
        }
    }
}

static GBytes *
read_stream (CstPdf *self)
{
  HPDF_UINT32 size = HPDF_GetStreamSize (self->doc);
  guint8 *data = g_malloc (MAX (size, 1));
  HPDF_UINT32 done = 0;

  while (done < size)
    {
      HPDF_UINT32 chunk = size - done;
      HPDF_STATUS status = HPDF_ReadFromStream (self->doc, data + done, &chunk);
      done += chunk;
      if (chunk == 0 || (status != HPDF_OK && status != HPDF_STREAM_EOF))
        break;
    }
  return g_bytes_new_take (data, done);
}

/**
 * cst_pdf_finish:
 *
 * Draws the footers and writes the document.  Nothing can be added after.
 *
 * Returns: (transfer full): the PDF file's bytes
 */
GBytes *
cst_pdf_finish (CstPdf  *self,
                GError **error)
{
  if (!self->finished && !self->failed)
    {
      draw_footers (self);
      self->finished = TRUE;
      if (!self->failed)
        HPDF_SaveToStream (self->doc);
    }
  self->finished = TRUE;
  if (self->failed)
    {
      g_set_error (error, CST_PDF_ERROR, CST_PDF_ERROR_LIBHARU,
                   _("The PDF could not be made (libharu error %04X, detail %u)."),
                   (guint) self->error_status, (guint) self->error_detail);
      return NULL;
    }
  return read_stream (self);
}

/* A finished PDF's bytes to @path.  Every PDF saved names a patient:
 * the owner's only. */
gboolean
cst_pdf_write_file (GBytes      *pdf,
                    const char  *path,
                    GError     **error)
{
  gsize len;
  const char *data = g_bytes_get_data (pdf, &len);
  g_autoptr(GError) local = NULL;

  if (!cst_private_file_write (path, data, (gssize) len, &local))
    {
      g_set_error (error, CST_PDF_ERROR, CST_PDF_ERROR_WRITE, "%s", local->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
cst_pdf_save (CstPdf      *self,
              const char  *path,
              GError     **error)
{
  g_autoptr(GBytes) bytes = cst_pdf_finish (self, error);

  return bytes != NULL && cst_pdf_write_file (bytes, path, error);
}
