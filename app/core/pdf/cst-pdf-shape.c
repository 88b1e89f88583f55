/* cst-pdf-shape.c — text shaped by HarfBuzz for both PDF writers
 *
 * cst_pdf_shape_text() gives each character its font and bytes; here each
 * run of characters in one font and one direction goes through hb_shape()
 * with the font the document embeds, and the result is written back into
 * the same per-character glyphs the writers already wrap and draw:
 *
 * - widths are HarfBuzz's advances, kerning included.  A kerned glyph
 *   moves the one after it, so that one is marked new_run: the writers
 *   start a new text run there at the x the widths give, and the page
 *   shows what the layout measured.
 * - a glyph HarfBuzz substituted (an Arabic letter's initial, medial or
 *   final form, the lam-alef ligature) is drawn through the character the
 *   font maps to it, since both writers draw characters, not glyph
 *   numbers; the other letters of a ligature draw nothing.  A glyph no
 *   character reaches (Indic conjuncts) leaves its characters unshaped.
 * - right-to-left runs are shaped in logical order and reversed for
 *   drawing by cst_pdf_visual_order(); their kerning is left out, as it
 *   belongs to the other side of each glyph once reversed.
 */
#define G_LOG_DOMAIN "cst-pdf"

#include "config.h"

#include "cst-pdf-private.h"

/* Below this difference (thousandths of an em) a kerned advance is the
 * natural one: no new run for rounding. */
#define KERNING_EPSILON 0.5f

typedef struct
{
  guint    start;
  guint    end;
  guint8   font;
  gboolean rtl;
} Run;

static gboolean
is_rtl_script (gunichar c)
{
  switch (g_unichar_get_script (c))
    {
    case G_UNICODE_SCRIPT_HEBREW:
    case G_UNICODE_SCRIPT_ARABIC:
    case G_UNICODE_SCRIPT_SYRIAC:
    case G_UNICODE_SCRIPT_THAANA:
    case G_UNICODE_SCRIPT_NKO:
      return TRUE;
    default:
      return FALSE;
    }
}

/* The next run from @at: one font, one direction; combining marks stay
 * with the letter before them, so Arabic and Hebrew vowel marks do not cut
 * a word in two. */
static gboolean
next_run (GArray         *glyphs,
          const gunichar *chars,
          guint           at,
          Run            *run)
{
  while (at < glyphs->len && g_array_index (glyphs, CstPdfGlyph, at).font == CST_PDF_GLYPH_NEWLINE)
    at++;
  if (at >= glyphs->len)
    return FALSE;
  run->start = at;
  run->font = g_array_index (glyphs, CstPdfGlyph, at).font;
  run->rtl = is_rtl_script (chars[at]);
  for (at++; at < glyphs->len; at++)
    {
      const CstPdfGlyph *g = &g_array_index (glyphs, CstPdfGlyph, at);

      if (g->font != run->font)
        break;
      if (g_unichar_get_script (chars[at]) != G_UNICODE_SCRIPT_INHERITED &&
          is_rtl_script (chars[at]) != run->rtl)
        break;
    }
  run->end = at;
  return TRUE;
}

static hb_font_t *
run_font (const CstPdfShaper *shaper,
          const Run          *run)
{
  return run->font == CST_PDF_GLYPH_LATIN ? shaper->fonts->latin_shaper
                                          : shaper->fonts->unicode_shaper;
}

/* The natural width of what @g draws now (before kerning). */
static float
natural_width (const CstPdfShaper *shaper,
               const CstPdfGlyph  *g,
               gunichar            c)
{
  hb_codepoint_t glyph = 0;

  if (g->font == CST_PDF_GLYPH_LATIN)
    return shaper->fonts->latin_widths[cst_pdf_cp1252_from_unichar (c) & 0xFF];
  hb_font_get_nominal_glyph (shaper->fonts->unicode_shaper, c, &glyph);
  return cst_pdf_font_advance (shaper->fonts->unicode_shaper, glyph);
}

/* The characters of a run as drawn without shaping, at their natural
 * widths. */
static void
leave_unshaped (const CstPdfShaper *shaper,
                GArray             *glyphs,
                const gunichar     *chars,
                guint               start,
                guint               end)
{
  for (guint i = start; i < end; i++)
    {
      CstPdfGlyph *g = &g_array_index (glyphs, CstPdfGlyph, i);

      g->width = natural_width (shaper, g, chars[i]);
    }
}

/* @g to draw the character @c instead (a shaped form); FALSE when the
 * writer's encoding cannot carry it. */
static gboolean
draw_as (const CstPdfShaper *shaper,
         CstPdfGlyph        *g,
         gunichar            c)
{
  int byte;

  if (c == 0)
    return FALSE;
  if (g->font == CST_PDF_GLYPH_UNICODE || shaper->latin_utf8)
    {
      g->len = (guint8) g_unichar_to_utf8 (c, g->bytes);
      return TRUE;
    }
  byte = cst_pdf_cp1252_from_unichar (c);
  if (byte < 0 || !shaper->fonts->latin_has[byte])
    return FALSE;
  g->bytes[0] = (char) byte;
  g->len = 1;
  return TRUE;
}

/* The character that draws @glyph in the run's font, or 0. */
static gunichar
char_of_glyph (const CstPdfShaper *shaper,
               const Run          *run,
               hb_codepoint_t      glyph)
{
  const CstPdfFonts *fonts = shaper->fonts;

  if (run->font == CST_PDF_GLYPH_UNICODE)
    return cst_pdf_unicode_font_char (fonts, glyph);
  return glyph < hb_face_get_glyph_count (hb_font_get_face (fonts->latin_shaper))
           ? fonts->latin_glyph_chars[glyph]
           : 0;
}

/* One cluster: the characters [start, end) of the run that HarfBuzz drew
 * as the glyphs [first, last) of its output in logical order. */
static void
apply_cluster (const CstPdfShaper         *shaper,
               const Run                  *run,
               GArray                     *glyphs,
               const gunichar             *chars,
               guint                       start,
               guint                       end,
               const hb_glyph_info_t      *info,
               const hb_glyph_position_t  *pos)
{
  CstPdfGlyph *g = &g_array_index (glyphs, CstPdfGlyph, start);
  hb_font_t *font = run_font (shaper, run);
  unsigned int upem = hb_face_get_upem (hb_font_get_face (font));
  hb_codepoint_t nominal = 0;
  float width;

  hb_font_get_nominal_glyph (font, chars[start], &nominal);
  if (info->codepoint != nominal || end - start > 1)
    {
      gunichar c = char_of_glyph (shaper, run, info->codepoint);

      if (!draw_as (shaper, g, c))
        {
          leave_unshaped (shaper, glyphs, chars, start, end);
          return;
        }
      for (guint i = start + 1; i < end; i++)
        {
          g_array_index (glyphs, CstPdfGlyph, i).len = 0;
          g_array_index (glyphs, CstPdfGlyph, i).width = 0;
        }
    }
  g = &g_array_index (glyphs, CstPdfGlyph, start);
  width = cst_pdf_font_advance (font, info->codepoint);
  if (!run->rtl && upem > 0)
    {
      float kerned = (float) pos->x_advance * 1000.0f / upem;

      if (ABS (kerned - width) > KERNING_EPSILON && end < run->end)
        g_array_index (glyphs, CstPdfGlyph, end).new_run = TRUE;
      width = kerned;
    }
  g->width = width;
}

static void
shape_run (const CstPdfShaper *shaper,
           hb_buffer_t        *buffer,
           GArray             *glyphs,
           const gunichar     *chars,
           const Run          *run)
{
  const hb_glyph_info_t *info;
  const hb_glyph_position_t *pos;
  unsigned int n;
  guint k = 0;

  hb_buffer_clear_contents (buffer);
  hb_buffer_set_cluster_level (buffer, HB_BUFFER_CLUSTER_LEVEL_MONOTONE_CHARACTERS);
  hb_buffer_add_codepoints (buffer, chars + run->start, (int) (run->end - run->start), 0,
                            (int) (run->end - run->start));
  hb_buffer_set_direction (buffer, run->rtl ? HB_DIRECTION_RTL : HB_DIRECTION_LTR);
  hb_buffer_guess_segment_properties (buffer);
  hb_shape (run_font (shaper, run), buffer, NULL, 0);
  /* Logical order, clusters ascending (monotone). */
  if (run->rtl)
    hb_buffer_reverse (buffer);
  info = hb_buffer_get_glyph_infos (buffer, &n);
  pos = hb_buffer_get_glyph_positions (buffer, &n);
  while (k < n)
    {
      guint first = k, start = run->start + info[k].cluster, end;

      while (k < n && info[k].cluster == info[first].cluster)
        k++;
      end = k < n ? run->start + info[k].cluster : run->end;
      if (k - first == 1 && end > start)
        apply_cluster (shaper, run, glyphs, chars, start, end, &info[first], &pos[first]);
      else
        leave_unshaped (shaper, glyphs, chars, start, MAX (start + 1, end));
    }
}

/**
 * cst_pdf_shape_runs:
 * @glyphs: (element-type CstPdfGlyph): from cst_pdf_shape_text()
 * @chars: the character each glyph draws
 *
 * Sets each glyph's width, and its bytes where HarfBuzz chose another
 * form.
 */
void
cst_pdf_shape_runs (const CstPdfShaper *shaper,
                    GArray             *glyphs,
                    const gunichar     *chars)
{
  static GPrivate buffers = G_PRIVATE_INIT ((GDestroyNotify) hb_buffer_destroy);
  hb_buffer_t *buffer = g_private_get (&buffers);
  Run run;

  if (buffer == NULL)
    {
      buffer = hb_buffer_create ();
      g_private_set (&buffers, buffer);
    }
  for (guint at = 0; next_run (glyphs, chars, at, &run); at = run.end)
    shape_run (shaper, buffer, glyphs, chars, &run);
}
