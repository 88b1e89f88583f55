/* cst-pdf-font.c — finding the fonts and cutting the Latin subset
 *
 * libharu 2.3.0 reads the whole TrueType file for every document and
 * writes out every table except the glyphs it used, through byte-by-byte
 * copies and zlib.  For DejaVu Sans or Liberation Sans that is most of the
 * cost of a one-page invoice.  So once per process we cut a subset holding
 * only the ~230 glyphs of Windows-1252, renumbered, and give libharu that
 * (from a memfd, so nothing is left on disk).  Any font we cannot subset is
 * used as it is: slower, never wrong.
 *
 * The subset is cut by HarfBuzz (hb-subset), and both fonts are opened
 * once per process as HarfBuzz fonts: text is shaped with them
 * (cst-pdf-shape.c) and every width comes from them.
 */
#define G_LOG_DOMAIN "cst-pdf"

#include "config.h"

#include <errno.h>
#include <hb-subset.h>
#include <fontconfig/fontconfig.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cst-pdf-private.h"

/* Windows-1252 bytes 0x80–0x9F; 0 marks the five unassigned ones. */
static const gunichar cp1252_high[32] = {
  0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
  0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
  0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
  0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

static const char *const latin_fallbacks[] = {
  "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
  "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
  "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
  NULL
};

static const char *const unicode_fallbacks[] = {
  "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
  NULL
};

static gunichar
cp1252_to_unichar (guint byte)
{
  if (byte >= 0x80 && byte <= 0x9F)
    return cp1252_high[byte - 0x80];
  if (byte < 0x20 || byte == 0x7F)
    return 0;
  return byte;
}

/* The Windows-1252 byte for @c, or -1. */
int
cst_pdf_cp1252_from_unichar (gunichar c)
{
  if ((c >= 0x20 && c < 0x7F) || (c >= 0xA0 && c <= 0xFF))
    return (int) c;
  for (guint i = 0; i < G_N_ELEMENTS (cp1252_high); i++)
    if (cp1252_high[i] == c && c != 0)
      return (int) (0x80 + i);
  return -1;
}

/* --- HarfBuzz faces and the subset --- */

static void
unref_bytes (gpointer data)
{
  g_bytes_unref (data);
}

static hb_face_t *
face_from_bytes (GBytes *font)
{
  gsize size;
  const char *data = g_bytes_get_data (font, &size);
  hb_blob_t *blob = hb_blob_create_or_fail (data, (unsigned int) size, HB_MEMORY_MODE_READONLY,
                                            g_bytes_ref (font), unref_bytes);
  hb_face_t *face;

  if (blob == NULL)
    return NULL;
  face = hb_face_create (blob, 0);
  hb_blob_destroy (blob);
  return face;
}

/* A TrueType font (glyf outlines, as libharu needs) with glyphs. */
static gboolean
is_truetype_face (hb_face_t *face)
{
  hb_blob_t *glyf = hb_face_reference_table (face, HB_TAG ('g', 'l', 'y', 'f'));
  gboolean has_glyf = hb_blob_get_length (glyf) > 0;

  hb_blob_destroy (glyf);
  return has_glyf && hb_face_get_glyph_count (face) > 0;
}

/* A font for shaping and measuring, in font units (the default scale is
 * the face's units per em). */
static hb_font_t *
shaping_font (GBytes *font)
{
  hb_face_t *face = font ? face_from_bytes (font) : NULL;
  hb_font_t *shaper;

  if (face == NULL || !is_truetype_face (face))
    {
      g_clear_pointer (&face, hb_face_destroy);
      return NULL;
    }
  shaper = hb_font_create (face);
  hb_face_destroy (face);
  /* Shared by every thread that renders: immutable from here. */
  hb_font_make_immutable (shaper);
  return shaper;
}

guint16
cst_ttf_lookup_glyph (GBytes   *font,
                      gunichar  c)
{
  hb_face_t *face = face_from_bytes (font);
  hb_font_t *shaper = face ? hb_font_create (face) : NULL;
  hb_codepoint_t glyph = 0;

  if (shaper != NULL && !hb_font_get_nominal_glyph (shaper, c, &glyph))
    glyph = 0;
  g_clear_pointer (&shaper, hb_font_destroy);
  g_clear_pointer (&face, hb_face_destroy);
  return (guint16) glyph;
}

/* Tables a PDF viewer never reads from an embedded font: layout (the
 * document is shaped before it is written), hinting (viewers scale
 * outlines themselves; with the instructions, a third of the file), and
 * device metrics. */
static const hb_tag_t unread_tables[] = {
  HB_TAG ('G', 'S', 'U', 'B'), HB_TAG ('G', 'P', 'O', 'S'), HB_TAG ('G', 'D', 'E', 'F'),
  HB_TAG ('k', 'e', 'r', 'n'), HB_TAG ('g', 'a', 's', 'p'), HB_TAG ('h', 'd', 'm', 'x'),
  HB_TAG ('L', 'T', 'S', 'H'), HB_TAG ('V', 'D', 'M', 'X'), HB_TAG ('D', 'S', 'I', 'G'),
  HB_TAG ('J', 'S', 'T', 'F'), HB_TAG ('m', 'e', 't', 'a'), HB_TAG ('M', 'A', 'T', 'H'),
};

/**
 * cst_ttf_subset:
 * @codepoints: the characters to keep
 *
 * Cut by hb-subset: the glyphs of @codepoints and their components,
 * renumbered, without hinting or layout tables; the name table keeps
 * HarfBuzz's default family, style and PostScript names (IDs 0–6) on
 * both platforms, which libharu reads.
 *
 * Returns: a TrueType font with only the glyphs of @codepoints, or %NULL
 *   when @font is not a TrueType font
 */
GBytes *
cst_ttf_subset (GBytes         *font,
                const gunichar *codepoints,
                guint           n_codepoints,
                GError        **error)
{
  hb_face_t *face = face_from_bytes (font);
  hb_subset_input_t *input = NULL;
  hb_face_t *subset = NULL;
  GBytes *bytes = NULL;

  if (face != NULL && is_truetype_face (face) && (input = hb_subset_input_create_or_fail ()))
    {
      hb_set_t *unicodes = hb_subset_input_unicode_set (input);
      hb_set_t *drop = hb_subset_input_set (input, HB_SUBSET_SETS_DROP_TABLE_TAG);

      for (guint i = 0; i < n_codepoints; i++)
        hb_set_add (unicodes, codepoints[i]);
      for (guint i = 0; i < G_N_ELEMENTS (unread_tables); i++)
        hb_set_add (drop, unread_tables[i]);
      hb_subset_input_set_flags (input, HB_SUBSET_FLAGS_NO_HINTING | HB_SUBSET_FLAGS_NAME_LEGACY);
      subset = hb_subset_or_fail (face, input);
    }
  if (subset != NULL)
    {
      hb_blob_t *blob = hb_face_reference_blob (subset);
      unsigned int length;
      const char *data = hb_blob_get_data (blob, &length);

      if (length > 0)
        bytes = g_bytes_new (data, length);
      hb_blob_destroy (blob);
    }
  g_clear_pointer (&subset, hb_face_destroy);
  g_clear_pointer (&input, hb_subset_input_destroy);
  g_clear_pointer (&face, hb_face_destroy);
  if (bytes == NULL)
    g_set_error_literal (error, CST_PDF_ERROR, CST_PDF_ERROR_FONT,
                         "The font is not a TrueType font with a Unicode character map");
  return bytes;
}

/* --- finding fonts --- */

static gboolean
is_truetype_file (const char *path)
{
  g_autofree char *lower = path ? g_ascii_strdown (path, -1) : NULL;

  return lower && g_str_has_suffix (lower, ".ttf") && g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

static char *
match_font (const char *family)
{
  FcPattern *pattern = FcNameParse ((const FcChar8 *) family);
  FcPattern *match;
  FcResult result;
  FcChar8 *file = NULL;
  char *path = NULL;

  if (pattern == NULL)
    return NULL;
  FcPatternAddString (pattern, FC_FONTFORMAT, (const FcChar8 *) "TrueType");
  FcConfigSubstitute (NULL, pattern, FcMatchPattern);
  FcDefaultSubstitute (pattern);
  match = FcFontMatch (NULL, pattern, &result);
  if (match != NULL && FcPatternGetString (match, FC_FILE, 0, &file) == FcResultMatch &&
      is_truetype_file ((const char *) file))
    path = g_strdup ((const char *) file);
  if (match != NULL)
    FcPatternDestroy (match);
  FcPatternDestroy (pattern);
  return path;
}

static char *
find_font (const char         *env,
           const char         *family,
           const char *const  *fallbacks)
{
  const char *override = g_getenv (env);
  char *path;

  if (override != NULL && is_truetype_file (override))
    return g_strdup (override);
  if ((path = match_font (family)) != NULL)
    return path;
  for (guint i = 0; fallbacks[i] != NULL; i++)
    if (is_truetype_file (fallbacks[i]))
      return g_strdup (fallbacks[i]);
  return NULL;
}

/* libharu only opens files by name: a memfd gives the subset one without
 * leaving it on disk.  The descriptor stays open for the process. */
static char *
store_in_memory_file (GBytes *bytes)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  int fd = memfd_create ("custodian-pdf-font", MFD_CLOEXEC);
  gsize done = 0;

  if (fd < 0)
    return NULL;
  while (done < len)
    {
      ssize_t n = write (fd, data + done, len - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          close (fd);
          return NULL;
        }
      done += (gsize) n;
    }
  return g_strdup_printf ("/proc/self/fd/%d", fd);
}

/* @bytes as a PDF FlateDecode stream holds them (zlib format). */
static GBytes *
deflate_bytes (GBytes *bytes)
{
  g_autoptr(GZlibCompressor) zlib = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB, 9);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) out = g_converter_output_stream_new (memory, G_CONVERTER (zlib));
  gsize length;
  const guint8 *data = g_bytes_get_data (bytes, &length);

  if (!g_output_stream_write_all (out, data, length, NULL, NULL, NULL) ||
      !g_output_stream_close (out, NULL, NULL))
    return NULL;
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

/* Advance width in thousandths of an em.  Measuring through libharu
 * instead would mark every measured glyph as used and embed it. */
float
cst_pdf_font_advance (hb_font_t      *font,
                      hb_codepoint_t  glyph)
{
  unsigned int upem = hb_face_get_upem (hb_font_get_face (font));

  return upem ? (float) hb_font_get_glyph_h_advance (font, glyph) * 1000.0f / upem : 0;
}

static void
prepare_latin (CstPdfFonts *fonts,
               GBytes      *source)
{
  gunichar codes[256];
  guint n = 0;
  g_autoptr(GBytes) subset = NULL;

  fonts->latin_glyph_chars = g_new0 (gunichar, hb_face_get_glyph_count (hb_font_get_face (fonts->latin_shaper)));
  for (guint b = 0x20; b < 256; b++)
    {
      gunichar c = cp1252_to_unichar (b);
      hb_codepoint_t glyph = 0;

      fonts->latin_has[b] = c != 0 && hb_font_get_nominal_glyph (fonts->latin_shaper, c, &glyph) &&
                            (glyph != 0 || c == ' ');
      if (!fonts->latin_has[b])
        continue;
      codes[n++] = c;
      fonts->latin_widths[b] = cst_pdf_font_advance (fonts->latin_shaper, glyph);
      if (fonts->latin_glyph_chars[glyph] == 0)
        fonts->latin_glyph_chars[glyph] = c;
    }
  subset = cst_ttf_subset (source, codes, n, NULL);
  if (subset != NULL)
    fonts->latin_path = store_in_memory_file (subset);
  /* Every document embeds the same subset: deflated here, once
   * (cst-pdf.c, embed_latin_file; cst-pdf-direct.c, which needs it even
   * where libharu cannot have its memfd). */
  if (subset != NULL)
    {
      fonts->latin_file = deflate_bytes (subset);
      fonts->latin_file_length = g_bytes_get_size (subset);
    }
  if (fonts->latin_path == NULL)
    fonts->latin_path = g_strdup (fonts->latin_source);
}

static GBytes *
read_font (const char *path)
{
  g_autoptr(GMappedFile) file = path ? g_mapped_file_new (path, FALSE, NULL) : NULL;

  return file ? g_mapped_file_get_bytes (file) : NULL;
}

static gpointer
load_fonts (gpointer data)
{
  CstPdfFonts *fonts = g_new0 (CstPdfFonts, 1);
  g_autoptr(GBytes) latin = NULL;

  if (!FcInit ())
    g_debug ("fontconfig could not start; using the Debian font paths");
  fonts->latin_source = find_font ("CUSTODIAN_PDF_FONT", "Liberation Sans", latin_fallbacks);
  fonts->unicode_path = find_font ("CUSTODIAN_PDF_FALLBACK_FONT", "DejaVu Sans", unicode_fallbacks);
  fonts->unicode_data = read_font (fonts->unicode_path);
  if (fonts->unicode_data == NULL)
    g_clear_pointer (&fonts->unicode_path, g_free);
  fonts->unicode_shaper = shaping_font (fonts->unicode_data);
  if (fonts->unicode_shaper == NULL)
    {
      g_clear_pointer (&fonts->unicode_data, g_bytes_unref);
      g_clear_pointer (&fonts->unicode_path, g_free);
    }
  latin = read_font (fonts->latin_source);
  fonts->latin_shaper = shaping_font (latin);
  if (fonts->latin_shaper == NULL)
    g_clear_pointer (&fonts->latin_source, g_free);
  else
    prepare_latin (fonts, latin);
  return fonts;
}

const CstPdfFonts *
cst_pdf_fonts_get (GError **error)
{
  static GOnce once = G_ONCE_INIT;
  const CstPdfFonts *fonts = g_once (&once, load_fonts, NULL);

  if (fonts->latin_path == NULL)
    {
      g_set_error_literal (error, CST_PDF_ERROR, CST_PDF_ERROR_FONT,
                           _("No TrueType font was found for documents; install fonts-liberation2 or fonts-dejavu-core."));
      return NULL;
    }
  return fonts;
}

gboolean
cst_pdf_unicode_font_has (const CstPdfFonts *fonts,
                          gunichar           c)
{
  hb_codepoint_t glyph = 0;

  return fonts->unicode_shaper != NULL &&
         hb_font_get_nominal_glyph (fonts->unicode_shaper, c, &glyph) && glyph != 0;
}

static gpointer
collect_unicode_glyph_chars (gpointer data)
{
  const CstPdfFonts *fonts = data;
  GHashTable *chars = g_hash_table_new (NULL, NULL);
  hb_set_t *unicodes = hb_set_create ();
  hb_codepoint_t c = HB_SET_VALUE_INVALID;

  hb_face_collect_unicodes (hb_font_get_face (fonts->unicode_shaper), unicodes);
  /* Ascending: a glyph several characters share keeps the lowest, the
   * plain letter rather than its presentation form, which is what text
   * copied out of the PDF should read. */
  while (hb_set_next (unicodes, &c))
    {
      hb_codepoint_t glyph = 0;

      if (hb_font_get_nominal_glyph (fonts->unicode_shaper, c, &glyph) && glyph != 0 &&
          !g_hash_table_contains (chars, GUINT_TO_POINTER (glyph)))
        g_hash_table_insert (chars, GUINT_TO_POINTER (glyph), GUINT_TO_POINTER (c));
    }
  hb_set_destroy (unicodes);
  return chars;
}

/* The character the Unicode font draws as @glyph, or 0: the writers draw
 * characters, not glyph numbers, so a shaped form (an Arabic letter's
 * initial form) is drawn through its presentation-form character.
 * Built on first use: only documents with such text need it. */
gunichar
cst_pdf_unicode_font_char (const CstPdfFonts *fonts,
                           hb_codepoint_t     glyph)
{
  static GOnce once = G_ONCE_INIT;
  GHashTable *chars;

  if (fonts->unicode_shaper == NULL)
    return 0;
  chars = g_once (&once, collect_unicode_glyph_chars, (gpointer) fonts);
  return GPOINTER_TO_UINT (g_hash_table_lookup (chars, GUINT_TO_POINTER (glyph)));
}

const char *
cst_pdf_get_font_path (void)
{
  const CstPdfFonts *fonts = cst_pdf_fonts_get (NULL);

  return fonts ? fonts->latin_source : NULL;
}

const char *
cst_pdf_get_fallback_font_path (void)
{
  const CstPdfFonts *fonts = cst_pdf_fonts_get (NULL);

  return fonts ? fonts->unicode_path : NULL;
}
