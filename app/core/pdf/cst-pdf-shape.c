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
 *
 * A document repeats most of its text from one to the next (labels,
 * headings, fee lines, the template's paragraphs), so what a run shaped
 * to is kept per process (RunCache) and a repeated run costs a hash
 * lookup instead of hb_shape(), which was a third of an invoice.
 */
#define G_LOG_DOMAIN "cst-pdf"

#include "config.h"

#include <string.h>

#include "cst-pdf-private.h"

/* Below this difference (thousandths of an em) a kerned advance is the
 * natural one: no new run for rounding. */
#define KERNING_EPSILON 0.5f
/* The cache starts over past this many characters (about 4 MB). */
#define CACHE_MAX_CHARS (256 * 1024)
/* Runs up to this long are shaped without allocating. */
#define SMALL_RUN 128

typedef struct
{
  guint    start;
  guint    end;
  guint8   font;
  gboolean rtl;
} Run;

/* What one character of a run became: the same for both writers, so one
 * cache serves both. */
typedef struct
{
  float    width;    /* thousandths of an em */
  gunichar draw;     /* the character drawn: itself, a shaped form, or 0 for nothing */
  gboolean new_run;
} Shaped;

static gboolean
is_rtl_script (gunichar c)
{
  if (c < 0x0590)
    return FALSE;
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

static gboolean
is_combining (gunichar c)
{
  return c >= 0x0300 && g_unichar_get_script (c) == G_UNICODE_SCRIPT_INHERITED;
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
      if (g_array_index (glyphs, CstPdfGlyph, at).font != run->font)
        break;
      if (is_rtl_script (chars[at]) != run->rtl && !is_combining (chars[at]))
        break;
    }
  run->end = at;
  return TRUE;
}

static hb_font_t *
font_of (const CstPdfFonts *fonts,
         guint8             font)
{
  return font == CST_PDF_GLYPH_LATIN ? fonts->latin_shaper : fonts->unicode_shaper;
}

/* The glyph @font draws for @c without shaping, and its width. */
static hb_codepoint_t
nominal (const CstPdfFonts *fonts,
         guint8             font,
         gunichar           c,
         float             *width)
{
  hb_codepoint_t glyph = 0;

  hb_font_get_nominal_glyph (font_of (fonts, font), c, &glyph);
  *width = cst_pdf_font_advance (font_of (fonts, font), glyph);
  return glyph;
}

/* The character that draws @glyph in @font, or 0: for the Latin font a
 * Windows-1252 one, which both writers can draw. */
static gunichar
char_of_glyph (const CstPdfFonts *fonts,
               guint8             font,
               hb_codepoint_t     glyph)
{
  if (font == CST_PDF_GLYPH_UNICODE)
    return cst_pdf_unicode_font_char (fonts, glyph);
  return glyph < hb_face_get_glyph_count (hb_font_get_face (fonts->latin_shaper))
           ? fonts->latin_glyph_chars[glyph]
           : 0;
}

static void
leave_unshaped (const CstPdfFonts *fonts,
                guint8             font,
                const gunichar    *chars,
                guint              start,
                guint              end,
                Shaped            *out)
{
  for (guint i = start; i < end; i++)
    {
      nominal (fonts, font, chars[i], &out[i].width);
      out[i].draw = chars[i];
    }
}

/* One cluster: the characters [start, end) that HarfBuzz drew as the one
 * glyph @info. */
static void
shape_cluster (const CstPdfFonts         *fonts,
               const Run                 *run,
               const gunichar            *chars,
               guint                      start,
               guint                      end,
               guint                      n,
               const hb_glyph_info_t     *info,
               const hb_glyph_position_t *pos,
               Shaped                    *out)
{
  hb_font_t *font = font_of (fonts, run->font);
  float width;
  hb_codepoint_t glyph = nominal (fonts, run->font, chars[start], &width);

  out[start].draw = chars[start];
  if (info->codepoint != glyph || end - start > 1)
    {
      out[start].draw = char_of_glyph (fonts, run->font, info->codepoint);
      if (out[start].draw == 0)
        {
          leave_unshaped (fonts, run->font, chars, start, end, out);
          return;
        }
      width = cst_pdf_font_advance (font, info->codepoint);
    }
  if (!run->rtl)
    {
      float kerned = (float) pos->x_advance * 1000.0f / hb_face_get_upem (hb_font_get_face (font));

      if (ABS (kerned - width) > KERNING_EPSILON && end < n)
        out[end].new_run = TRUE;
      width = kerned;
    }
  out[start].width = width;
}

/* Shapes the @n characters @chars of @run into @out (zeroed). */
static void
shape (const CstPdfFonts *fonts,
       const Run         *run,
       const gunichar    *chars,
       guint              n,
       Shaped            *out)
{
  static GPrivate buffers = G_PRIVATE_INIT ((GDestroyNotify) hb_buffer_destroy);
  hb_buffer_t *buffer = g_private_get (&buffers);
  const hb_glyph_info_t *info;
  const hb_glyph_position_t *pos;
  unsigned int n_glyphs;
  guint k = 0;

  if (buffer == NULL)
    {
      buffer = hb_buffer_create ();
      g_private_set (&buffers, buffer);
    }
  hb_buffer_clear_contents (buffer);
  hb_buffer_set_cluster_level (buffer, HB_BUFFER_CLUSTER_LEVEL_MONOTONE_CHARACTERS);
  hb_buffer_add_codepoints (buffer, chars, (int) n, 0, (int) n);
  hb_buffer_set_direction (buffer, run->rtl ? HB_DIRECTION_RTL : HB_DIRECTION_LTR);
  hb_buffer_guess_segment_properties (buffer);
  hb_shape (font_of (fonts, run->font), buffer, NULL, 0);
  /* Logical order, clusters ascending (monotone). */
  if (run->rtl)
    hb_buffer_reverse (buffer);
  info = hb_buffer_get_glyph_infos (buffer, &n_glyphs);
  pos = hb_buffer_get_glyph_positions (buffer, &n_glyphs);
  while (k < n_glyphs)
    {
      guint first = k, start = info[k].cluster, end;

      while (k < n_glyphs && info[k].cluster == info[first].cluster)
        k++;
      end = k < n_glyphs ? info[k].cluster : n;
      if (k - first == 1 && end > start)
        shape_cluster (fonts, run, chars, start, end, n, &info[first], &pos[first], out);
      else
        leave_unshaped (fonts, run->font, chars, start, MAX (start + 1, end), out);
    }
}

/* --- the cache of shaped runs --- */

typedef struct
{
  guint8   font;
  guint8   rtl;
  guint    n;
  gunichar chars[];  /* then n Shaped */
} CachedRun;

static Shaped *
cached_shaped (CachedRun *run)
{
  return (Shaped *) (run->chars + run->n);
}

static guint
cached_run_hash (gconstpointer key)
{
  const CachedRun *run = key;
  guint h = run->font * 31u + run->rtl;

  for (guint i = 0; i < run->n; i++)
    h = h * 31u + run->chars[i];
  return h;
}

static gboolean
cached_run_equal (gconstpointer a,
                  gconstpointer b)
{
  const CachedRun *x = a, *y = b;

  return x->font == y->font && x->rtl == y->rtl && x->n == y->n &&
         memcmp (x->chars, y->chars, x->n * sizeof (gunichar)) == 0;
}

static GMutex cache_lock;
static GHashTable *cache;
static gsize cache_chars;

/* Copies what @run shaped to into @out; FALSE when it is not known yet. */
static gboolean
cache_lookup (CachedRun *key,
              Shaped    *out)
{
  CachedRun *found;

  g_mutex_lock (&cache_lock);
  found = cache ? g_hash_table_lookup (cache, key) : NULL;
  if (found != NULL)
    memcpy (out, cached_shaped (found), found->n * sizeof (Shaped));
  g_mutex_unlock (&cache_lock);
  return found != NULL;
}

static void
cache_insert (CachedRun    *key,
              const Shaped *shaped)
{
  CachedRun *entry = g_malloc (sizeof (CachedRun) + key->n * (sizeof (gunichar) + sizeof (Shaped)));

  memcpy (entry, key, sizeof (CachedRun) + key->n * sizeof (gunichar));
  memcpy (cached_shaped (entry), shaped, key->n * sizeof (Shaped));
  g_mutex_lock (&cache_lock);
  if (cache == NULL)
    cache = g_hash_table_new_full (cached_run_hash, cached_run_equal, g_free, NULL);
  if (cache_chars + key->n > CACHE_MAX_CHARS)
    {
      g_hash_table_remove_all (cache);
      cache_chars = 0;
    }
  if (g_hash_table_add (cache, entry))
    cache_chars += key->n;
  g_mutex_unlock (&cache_lock);
}

/* --- writing back --- */

static void
apply (const CstPdfShaper *shaper,
       GArray             *glyphs,
       const gunichar     *chars,
       const Run          *run,
       const Shaped       *shaped)
{
  for (guint i = run->start; i < run->end; i++)
    {
      CstPdfGlyph *g = &g_array_index (glyphs, CstPdfGlyph, i);
      const Shaped *s = &shaped[i - run->start];

      g->width = s->width;
      g->new_run = (guint8) s->new_run;
      if (s->draw == chars[i])
        continue;
      if (s->draw == 0)
        g->len = 0;
      else if (g->font == CST_PDF_GLYPH_UNICODE || shaper->latin_utf8)
        g->len = (guint8) g_unichar_to_utf8 (s->draw, g->bytes);
      else
        {
          g->bytes[0] = (char) cst_pdf_cp1252_from_unichar (s->draw);
          g->len = 1;
        }
    }
}

static void
shape_run (const CstPdfShaper *shaper,
           GArray             *glyphs,
           const gunichar     *chars,
           const Run          *run)
{
  guint n = run->end - run->start;
  /* Most runs are a cell or a line: on the stack. */
  union { CachedRun run; guint8 bytes[sizeof (CachedRun) + SMALL_RUN * sizeof (gunichar)]; } small_key;
  Shaped small_shaped[SMALL_RUN];
  g_autofree CachedRun *large_key = NULL;
  g_autofree Shaped *large_shaped = NULL;
  CachedRun *key = &small_key.run;
  Shaped *shaped = small_shaped;

  if (n > SMALL_RUN)
    {
      key = large_key = g_malloc (sizeof (CachedRun) + n * sizeof (gunichar));
      shaped = large_shaped = g_new0 (Shaped, n);
    }
  else
    memset (small_shaped, 0, n * sizeof (Shaped));
  key->font = run->font;
  key->rtl = (guint8) run->rtl;
  key->n = n;
  memcpy (key->chars, chars + run->start, n * sizeof (gunichar));
  if (!cache_lookup (key, shaped))
    {
      shape (shaper->fonts, run, key->chars, n, shaped);
      cache_insert (key, shaped);
    }
  apply (shaper, glyphs, chars, run, shaped);
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
  Run run;

  for (guint at = 0; next_run (glyphs, chars, at, &run); at = run.end)
    shape_run (shaper, glyphs, chars, &run);
}
