/* cst-pdf-direct.c — a PDF written directly from the layout's glyphs
 *
 * cairo's PDF surface records every drawing call of a page, analyses the
 * page and replays it at cairo_show_page(), mapping each glyph into its
 * font subsets and printing each position on the way: about two thirds
 * of a fee report page's instructions.  The layout already knows every
 * glyph's font and place (HarfBuzz widths, cst-pdf-text.c), so this
 * writer prints the page's operators itself: one Tj a run, glyph ids as
 * two-byte CIDs (Identity-H), positions with two decimals, and deflates
 * the page at a fast level when it ends.
 *
 * Object numbers: 1 catalog, 2 page tree, 3 resources, 4 info, 5 the
 * Latin font, 6 the Unicode font (Type0), 7 and 8 the Latin font's
 * descriptor and file, then each page and its content as they come;
 * the fonts' own objects and the page tree are written at the end, when
 * the glyphs used and the pages are known (forward references are
 * allowed).
 *
 * The tagged documents' Latin font is the one subset every document
 * shares (cst-pdf-font.c cuts and deflates it once), as a simple TrueType
 * font whose codes are Windows-1252 (WinAnsiEncoding): one byte a glyph
 * in a literal string, as libharu drew it, and its three objects the same
 * bytes in every file, so they are made once per process
 * (make_latin_objects()) and copied.  The fee report's, and the Unicode
 * font, are glyph ids as CIDs: the font file's, which the subset cut for
 * the file keeps (HB_SUBSET_FLAGS_RETAIN_GIDS), so the page content need
 * not wait for the subset.
 *
 * Tagged, the writer marks each element's content as it is drawn (BDC
 * with the element's MCID on its page, EMC at its end, never inside a
 * text object) and what lies in no element as /Artifact, and keeps the
 * elements (role, parent, page, MCID, header scope, alternative text) to
 * write the structure tree, its parent tree and the catalog's entries at
 * the end: what cairo 1.16 could not write and a libqpdf pass added.
 */
#define G_LOG_DOMAIN "cst-pdf"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <hb-ot.h>
#include <hb-subset.h>
#include <math.h>
#include <string.h>
#include <zlib.h>

#include "cst-pdf-direct-private.h"

/* Page content and images deflate at this level: a page deflates to
 * about the same size as at cairo's 6 (its operators repeat), in a third
 * of the time. */
#define DEFLATE_LEVEL 1

#define OUTPUT_BUFFER (64 * 1024)
/* Bold is the regular font filled and stroked this wide (of the size),
 * as CstPdf draws it on libharu (cst-pdf.c). */
#define BOLD_STROKE 0.03

/* An object in an object stream: its entry in offsets is IN_STREAM, the
 * stream's number and the object's index in it. */
#define IN_STREAM (G_GUINT64_CONSTANT (1) << 63)
#define PACKED_PER_STREAM 128

enum
{
  OBJ_CATALOG = 1,
  OBJ_PAGES,
  OBJ_RESOURCES,
  OBJ_INFO,
  OBJ_FONT0,      /* CST_PDF_GLYPH_LATIN */
  OBJ_FONT1,      /* CST_PDF_GLYPH_UNICODE */
  OBJ_LATIN_DESCRIPTOR,
  OBJ_LATIN_FILE,
  OBJ_FIRST_FREE,
};

/* The glyphs of one font used so far, and the character each draws
 * (for ToUnicode). */
typedef struct
{
  hb_font_t  *font;
  guint       n_glyphs;
  gunichar   *glyph_chars;   /* glyph id → character, 0 unused */
  guint32    *char_glyphs[256]; /* BMP character → glyph id + 1, by high byte; 0 not looked up */
  GHashTable *astral;        /* character above the BMP → glyph id + 1 */
  gboolean    used;
} DirectFont;

/* A structure element: a group (Document, Table, TR...) or one that
 * holds the content marked with its MCID on its page. */
typedef struct
{
  const char *role;     /* interned */
  gint        parent;   /* index in elements, -1 for the tree's root */
  gint        mcid;     /* -1 for a group */
  guint       page;     /* its content's page, by index */
  guint32     page_object;
  CstPdfScope scope;
  gboolean    header;   /* a TH: its scope is written */
  char       *alt;
  guint32     object;   /* given at the end */
} DirectElement;

struct _CstPdfDirect
{
  GOutputStream *out;
  GCancellable  *cancellable;
  GError        *error;
  guint64        offset;
  GArray        *offsets;     /* of guint64, by object number (0 unused); or IN_STREAM */
  GString       *packed;      /* objects waiting for their object stream */
  GString       *packed_index; /* their numbers and offsets */
  guint32        packed_numbers[PACKED_PER_STREAM];
  guint          n_packed;
  gboolean       any_packed;
  GArray        *pages;       /* of guint32: page objects */
  double         width;
  double         height;
  char          *title;
  const CstPdfFonts *source; /* the shared Latin subset */
  gboolean       shared_latin; /* Latin text in the shared subset (WinAnsi), not as CIDs */
  gboolean       latin_used;
  DirectFont     fonts[2];    /* each font's glyphs as CIDs (the Latin one unless shared_latin) */
  guint32        page_object; /* the current page's, 0 until something names it */
  GArray        *images;      /* of guint32: image XObjects, /Im<index> */
  /* Tagged PDF. */
  gboolean       tagged;
  char          *language;
  GArray        *elements;    /* of DirectElement, in the order they began: the reading order */
  gint           group;       /* the open group, -1 for none */
  gint           leaf;        /* the element whose content is being drawn, -1 for none */
  gboolean       artifact;    /* an /Artifact sequence is open */
  gint           page_mcids;  /* MCIDs given on the current page */
  GString       *content;     /* the current page's operators */
  GString       *scratch;     /* objects as they are written */
  z_stream       zlib;
  guint8        *deflated;
  gsize          deflated_size;
  /* Graphics state of the current page, so runs do not repeat it. */
  gboolean       in_text;
  int            text_font;
  double         text_size;
  gboolean       text_bold;
  double         line_x;      /* the text line's start (Td is relative to it) */
  double         line_y;
  double         line_width;
  double         rgb[3];
};

/* --- numbers --- */

/* @value with at most two decimals, trailing zeros dropped: snprintf's
 * "%g" was a tenth of cairo's page writing. */
static void
append_number (GString *out,
               double   value)
{
  gint64 hundredths = (gint64) llround (value * 100);
  char digits[24];
  int n = 0;
  gint64 whole;
  int fraction;

  if (hundredths < 0)
    {
      g_string_append_c (out, '-');
      hundredths = -hundredths;
    }
  whole = hundredths / 100;
  fraction = (int) (hundredths % 100);
  do
    {
      digits[n++] = (char) ('0' + whole % 10);
      whole /= 10;
    }
  while (whole > 0);
  while (n > 0)
    g_string_append_c (out, digits[--n]);
  if (fraction != 0)
    {
      g_string_append_c (out, '.');
      g_string_append_c (out, (char) ('0' + fraction / 10));
      if (fraction % 10 != 0)
        g_string_append_c (out, (char) ('0' + fraction % 10));
    }
}

/* @value in decimal, at least @width digits (zeros in front): the
 * object numbers, references and xref offsets of a tagged file, where
 * printf was a quarter of an invoice's instructions. */
static void
append_uint (GString *out,
             guint64  value,
             guint    width)
{
  char digits[24];
  guint n = 0;

  do
    {
      digits[n++] = (char) ('0' + value % 10);
      value /= 10;
    }
  while (value > 0 || n < width);
  while (n > 0)
    g_string_append_c (out, digits[--n]);
}

/* "N 0 R" and a space. */
static void
append_ref (GString *out,
            guint32  number)
{
  append_uint (out, number, 0);
  g_string_append (out, " 0 R ");
}

static void
append_numbers (GString      *out,
                const double *values,
                guint         n,
                const char   *op)
{
  for (guint i = 0; i < n; i++)
    {
      append_number (out, values[i]);
      g_string_append_c (out, ' ');
    }
  g_string_append (out, op);
  g_string_append_c (out, '\n');
}

/* --- output --- */

static gboolean
write_bytes (CstPdfDirect *self,
             const void   *data,
             gsize         length)
{
  if (self->error != NULL)
    return FALSE;
  if (!g_output_stream_write_all (self->out, data, length, NULL, self->cancellable, &self->error))
    return FALSE;
  self->offset += length;
  return TRUE;
}

static gboolean
write_scratch (CstPdfDirect *self)
{
  gboolean ok = write_bytes (self, self->scratch->str, self->scratch->len);

  g_string_truncate (self->scratch, 0);
  return ok;
}

static guint32
new_object (CstPdfDirect *self)
{
  guint64 none = 0;

  g_array_append_val (self->offsets, none);
  return self->offsets->len - 1;
}

/* Starts object @number in scratch, at the offset it will be written at. */
static void
begin_object (CstPdfDirect *self,
              guint32       number)
{
  g_array_index (self->offsets, guint64, number) = self->offset + self->scratch->len;
  append_uint (self->scratch, number, 0);
  g_string_append (self->scratch, " 0 obj\n");
}

static gboolean
write_object (CstPdfDirect *self,
              guint32       number,
              const char   *body)
{
  begin_object (self, number);
  g_string_append (self->scratch, body);
  g_string_append (self->scratch, "\nendobj\n");
  return write_scratch (self);
}

/* A stream object of @data, its dictionary's entries @dict added. */
static gboolean
write_stream (CstPdfDirect *self,
              guint32       number,
              const char   *dict,
              const void   *data,
              gsize         length)
{
  begin_object (self, number);
  g_string_append_printf (self->scratch, "<<%s/Length %" G_GSIZE_FORMAT ">>\nstream\n",
                          dict, length);
  if (!write_scratch (self) || !write_bytes (self, data, length))
    return FALSE;
  g_string_append (self->scratch, "\nendstream\nendobj\n");
  return write_scratch (self);
}

/* @data deflated (zlib format) into self->deflated; its length. */
static gsize
deflate_data (CstPdfDirect *self,
              const void   *data,
              gsize         length)
{
  gsize bound = compressBound ((uLong) length);

  if (bound > self->deflated_size)
    {
      self->deflated_size = MAX (bound, self->deflated_size * 2);
      self->deflated = g_realloc (self->deflated, self->deflated_size);
    }
  deflateReset (&self->zlib);
  self->zlib.next_in = (Bytef *) data;
  self->zlib.avail_in = (uInt) length;
  self->zlib.next_out = self->deflated;
  self->zlib.avail_out = (uInt) self->deflated_size;
  if (deflate (&self->zlib, Z_FINISH) != Z_STREAM_END)
    return 0;
  return self->deflated_size - self->zlib.avail_out;
}

static gboolean
write_deflated (CstPdfDirect *self,
                guint32       number,
                const char   *dict,
                const void   *data,
                gsize         length)
{
  g_autofree char *entries = g_strconcat ("/Filter/FlateDecode", dict, NULL);
  gsize deflated = deflate_data (self, data, length);

  if (deflated == 0)
    {
      g_set_error (&self->error, CST_PDF_ERROR, CST_PDF_ERROR_WRITE,
                   _("The PDF could not be compressed"));
      return FALSE;
    }
  return write_stream (self, number, entries, self->deflated, deflated);
}

/* --- object streams ---
 *
 * A tagged document's structure elements are small dictionaries, one for
 * each paragraph, cell and row: the accounting of disclosures has ten
 * thousand.  Written as they are they would be most of the file, so they
 * go into object streams, deflated, PACKED_PER_STREAM at a time (as the
 * libqpdf pass wrote them), and the file ends with a cross-reference
 * stream, which can point into them. */

static gboolean
flush_packed (CstPdfDirect *self)
{
  guint32 number;
  g_autofree char *dict = NULL;
  gsize first = self->packed_index->len;

  if (self->n_packed == 0)
    return TRUE;
  number = new_object (self);
  /* Each packed object's entry: this stream and its place in it. */
  for (guint i = 0; i < self->n_packed; i++)
    g_array_index (self->offsets, guint64, self->packed_numbers[i]) = IN_STREAM | ((guint64) number << 20) | i;
  dict = g_strdup_printf ("/Type/ObjStm/N %u/First %" G_GSIZE_FORMAT, self->n_packed, first);
  g_string_append_len (self->packed_index, self->packed->str, (gssize) self->packed->len);
  self->any_packed = TRUE;
  self->n_packed = 0;
  g_string_truncate (self->packed, 0);
  if (!write_deflated (self, number, dict, self->packed_index->str, self->packed_index->len))
    return FALSE;
  g_string_truncate (self->packed_index, 0);
  return TRUE;
}

/* Object @number, @body, into the object stream being filled. */
static gboolean
pack_object (CstPdfDirect *self,
             guint32       number,
             const char   *body)
{
  append_uint (self->packed_index, number, 0);
  g_string_append_c (self->packed_index, ' ');
  append_uint (self->packed_index, self->packed->len, 0);
  g_string_append_c (self->packed_index, ' ');
  g_string_append (self->packed, body);
  g_string_append_c (self->packed, '\n');
  self->packed_numbers[self->n_packed] = number;
  if (++self->n_packed == PACKED_PER_STREAM)
    return flush_packed (self);
  return TRUE;
}

/* --- life --- */

static void
direct_font_init (DirectFont *font,
                  hb_font_t  *shaper)
{
  font->font = shaper;
  if (shaper == NULL)
    return;
  font->n_glyphs = hb_face_get_glyph_count (hb_font_get_face (shaper));
  font->glyph_chars = g_new0 (gunichar, MAX (font->n_glyphs, 1));
}

static void
direct_font_clear (DirectFont *font)
{
  g_free (font->glyph_chars);
  for (guint i = 0; i < G_N_ELEMENTS (font->char_glyphs); i++)
    g_free (font->char_glyphs[i]);
  g_clear_pointer (&font->astral, g_hash_table_unref);
}

CstPdfDirect *
cst_pdf_direct_new (GOutputStream     *out,
                    const CstPdfFonts *fonts,
                    double             page_width,
                    double             page_height,
                    GCancellable      *cancellable)
{
  CstPdfDirect *self = g_new0 (CstPdfDirect, 1);

  /* The page content goes out in one write a page, the objects in a
   * few short ones. */
  self->out = g_buffered_output_stream_new_sized (out, OUTPUT_BUFFER);
  g_filter_output_stream_set_close_base_stream (G_FILTER_OUTPUT_STREAM (self->out), FALSE);
  self->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  self->offsets = g_array_new (FALSE, TRUE, sizeof (guint64));
  g_array_set_size (self->offsets, OBJ_FIRST_FREE);
  self->pages = g_array_new (FALSE, FALSE, sizeof (guint32));
  self->width = page_width;
  self->height = page_height;
  self->source = fonts;
  direct_font_init (&self->fonts[CST_PDF_GLYPH_LATIN], fonts->latin_shaper);
  direct_font_init (&self->fonts[CST_PDF_GLYPH_UNICODE], fonts->unicode_shaper);
  self->images = g_array_new (FALSE, FALSE, sizeof (guint32));
  self->group = -1;
  self->leaf = -1;
  self->content = g_string_sized_new (16 * 1024);
  self->scratch = g_string_sized_new (1024);
  self->packed = g_string_new (NULL);
  self->packed_index = g_string_new (NULL);
  /* A quarter of zlib's default hash table: each stream starts by
   * clearing it, and a one-page document's streams are short (the
   * clearing was a tenth of an invoice's instructions). */
  if (deflateInit2 (&self->zlib, DEFLATE_LEVEL, Z_DEFLATED, 15, 6, Z_DEFAULT_STRATEGY) != Z_OK)
    g_error ("zlib could not start");
  self->text_font = -1;
  self->line_width = 1;
  /* The binary comment marks the file as binary for transfer tools. */
  write_bytes (self, "%PDF-1.5\n%\xe2\xe3\xcf\xd3\n", 15);
  return self;
}

void
cst_pdf_direct_free (CstPdfDirect *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->out);
  g_clear_object (&self->cancellable);
  g_clear_error (&self->error);
  g_array_unref (self->offsets);
  g_array_unref (self->pages);
  g_array_unref (self->images);
  if (self->elements != NULL)
    for (guint i = 0; i < self->elements->len; i++)
      g_free (g_array_index (self->elements, DirectElement, i).alt);
  g_clear_pointer (&self->elements, g_array_unref);
  g_free (self->language);
  g_free (self->title);
  for (guint i = 0; i < G_N_ELEMENTS (self->fonts); i++)
    direct_font_clear (&self->fonts[i]);
  g_string_free (self->content, TRUE);
  g_string_free (self->scratch, TRUE);
  g_string_free (self->packed, TRUE);
  g_string_free (self->packed_index, TRUE);
  deflateEnd (&self->zlib);
  g_free (self->deflated);
  g_free (self);
}

void
cst_pdf_direct_set_title (CstPdfDirect *self,
                          const char   *title)
{
  g_free (self->title);
  self->title = g_strdup (title);
}

/* --- drawing --- */

static void
end_text (CstPdfDirect *self)
{
  if (!self->in_text)
    return;
  g_string_append (self->content, "ET\n");
  self->in_text = FALSE;
}

/* --- marked content --- */

/* The current page's object number, given when first needed (a
 * structure element names its page before the page is written). */
static guint32
page_object (CstPdfDirect *self)
{
  if (self->page_object == 0)
    self->page_object = new_object (self);
  return self->page_object;
}

static void
close_artifact (CstPdfDirect *self)
{
  if (!self->artifact)
    return;
  end_text (self);
  g_string_append (self->content, "EMC\n");
  self->artifact = FALSE;
}

/* Before anything that draws: in a tagged file, what is drawn in no
 * element (footers, rules, fills, a repeated table header) is an
 * artifact, so a screen reader skips it and nothing is left unmarked.
 * Sequences never straddle a text object. */
static void
mark_drawing (CstPdfDirect *self)
{
  if (!self->tagged || self->leaf >= 0 || self->artifact)
    return;
  end_text (self);
  g_string_append (self->content, "/Artifact BMC\n");
  self->artifact = TRUE;
}

static gint
add_element (CstPdfDirect *self,
             const char   *role,
             gint          mcid)
{
  DirectElement element = { g_intern_string (role), self->group, mcid, self->pages->len, 0,
                            CST_PDF_SCOPE_COLUMN, FALSE, NULL, 0 };

  if (mcid >= 0)
    element.page_object = page_object (self);
  g_array_append_val (self->elements, element);
  return (gint) self->elements->len - 1;
}

/**
 * cst_pdf_direct_share_latin_font:
 *
 * Latin text is drawn in the subset every document shares, a simple
 * TrueType font in WinAnsiEncoding whose objects are made once per
 * process, from Windows-1252 bytes (the layout's shaper with latin_utf8
 * unset); otherwise as CIDs of a subset cut for the file.  Before
 * anything is drawn.
 */
void
cst_pdf_direct_share_latin_font (CstPdfDirect *self)
{
  self->shared_latin = TRUE;
}

/**
 * cst_pdf_direct_set_tagged:
 * @language: (nullable): the document's language (BCP 47), for /Lang
 */
void
cst_pdf_direct_set_tagged (CstPdfDirect *self,
                           const char   *language)
{
  self->tagged = TRUE;
  g_free (self->language);
  self->language = g_strdup (language);
  if (self->elements == NULL)
    self->elements = g_array_new (FALSE, FALSE, sizeof (DirectElement));
}

/* @role: a standard structure type that groups others ("Document",
 * "Sect", "Table", "TR", "L", "LI"). */
void
cst_pdf_direct_group_begin (CstPdfDirect *self,
                            const char   *role)
{
  if (self->tagged)
    self->group = add_element (self, role, -1);
}

void
cst_pdf_direct_group_end (CstPdfDirect *self)
{
  if (self->tagged && self->group >= 0)
    self->group = g_array_index (self->elements, DirectElement, self->group).parent;
}

/* An element holding what is drawn until cst_pdf_direct_leaf_end(): one
 * marked-content sequence on this page. */
void
cst_pdf_direct_leaf_begin (CstPdfDirect *self,
                           const char   *role)
{
  if (!self->tagged)
    return;
  cst_pdf_direct_leaf_end (self);
  close_artifact (self);
  end_text (self);
  self->leaf = add_element (self, role, self->page_mcids);
  g_string_append_c (self->content, '/');
  g_string_append (self->content, role);
  g_string_append (self->content, "<</MCID ");
  append_uint (self->content, (guint) self->page_mcids, 0);
  g_string_append (self->content, ">>BDC\n");
  self->page_mcids++;
}

void
cst_pdf_direct_leaf_end (CstPdfDirect *self)
{
  if (self->leaf < 0)
    return;
  end_text (self);
  g_string_append (self->content, "EMC\n");
  self->leaf = -1;
}

void
cst_pdf_direct_leaf_set_scope (CstPdfDirect *self,
                               CstPdfScope   scope)
{
  DirectElement *element;

  if (self->leaf < 0)
    return;
  element = &g_array_index (self->elements, DirectElement, self->leaf);
  element->header = TRUE;
  element->scope = scope;
}

void
cst_pdf_direct_leaf_set_alt (CstPdfDirect *self,
                             const char   *alt)
{
  DirectElement *element;

  if (self->leaf < 0)
    return;
  element = &g_array_index (self->elements, DirectElement, self->leaf);
  g_free (element->alt);
  element->alt = g_strdup (alt);
}

/* --- drawing --- */

static void
set_line_width (CstPdfDirect *self,
                double        width)
{
  if (width == self->line_width)
    return;
  append_numbers (self->content, &width, 1, "w");
  self->line_width = width;
}

/* Fill and stroke alike (strokes embolden bold text). */
void
cst_pdf_direct_set_rgb (CstPdfDirect *self,
                        double        r,
                        double        g,
                        double        b)
{
  const double rgb[3] = { r, g, b };

  if (memcmp (rgb, self->rgb, sizeof rgb) == 0)
    return;
  memcpy (self->rgb, rgb, sizeof rgb);
  if (r == g && g == b)
    {
      append_numbers (self->content, rgb, 1, "g");
      append_numbers (self->content, rgb, 1, "G");
    }
  else
    {
      append_numbers (self->content, rgb, 3, "rg");
      append_numbers (self->content, rgb, 3, "RG");
    }
}

/* @c's glyph in @font (its cmap, as cairo looks it up), remembered. */
static guint32
glyph_for (DirectFont *font,
           gunichar    c)
{
  guint32 *slot;
  hb_codepoint_t glyph = 0;

  if (c > 0xffff)
    {
      gpointer known;

      if (font->astral == NULL)
        font->astral = g_hash_table_new (NULL, NULL);
      if ((known = g_hash_table_lookup (font->astral, GUINT_TO_POINTER (c))) != NULL)
        return GPOINTER_TO_UINT (known) - 1;
      hb_font_get_nominal_glyph (font->font, c, &glyph);
      g_hash_table_insert (font->astral, GUINT_TO_POINTER (c), GUINT_TO_POINTER (glyph + 1));
    }
  else
    {
      if (font->char_glyphs[c >> 8] == NULL)
        font->char_glyphs[c >> 8] = g_new0 (guint32, 256);
      slot = &font->char_glyphs[c >> 8][c & 0xff];
      if (*slot != 0)
        return *slot - 1;
      hb_font_get_nominal_glyph (font->font, c, &glyph);
      *slot = glyph + 1;
    }
  if (glyph < font->n_glyphs && font->glyph_chars[glyph] == 0)
    font->glyph_chars[glyph] = c;
  font->used = TRUE;
  return glyph;
}

static void
begin_run (CstPdfDirect *self,
           guint         font,
           gboolean      bold,
           double        size,
           double        x,
           double        y)
{
  double move[2];

  if (!self->in_text)
    {
      g_string_append (self->content, "BT\n");
      self->in_text = TRUE;
      self->line_x = 0;
      self->line_y = 0;
      /* A new text object starts with the text state kept (font, size,
       * render mode), which is graphics state. */
    }
  if ((int) font != self->text_font || size != self->text_size)
    {
      g_string_append_printf (self->content, "/F%u ", font);
      append_numbers (self->content, &size, 1, "Tf");
      self->text_font = (int) font;
      self->text_size = size;
    }
  if (bold != self->text_bold)
    {
      /* Bold is the same font filled and stroked, where cairo's synthetic
       * bold embeds thickened outlines: nothing to keep per glyph.  On
       * screen at 100% Poppler strokes at least a pixel wide, so bold
       * looks a little heavier there than cairo's; printed, the same. */
      if (bold)
        set_line_width (self, size * BOLD_STROKE);
      g_string_append (self->content, bold ? "2 Tr\n" : "0 Tr\n");
      self->text_bold = bold;
    }
  else if (bold)
    set_line_width (self, size * BOLD_STROKE);
  move[0] = x - self->line_x;
  move[1] = y - self->line_y;
  append_numbers (self->content, move, 2, "Td");
  self->line_x = x;
  self->line_y = y;
}

/* Starts a run's string in font @index at @x, @baseline: where its
 * bytes go, @room of them at most, written in place (the report's runs
 * are most of its page content); end_string() ends it. */
static char *
begin_string (CstPdfDirect *self,
              guint         index,
              gboolean      bold,
              double        size,
              double        x,
              double        baseline,
              gsize         room)
{
  gsize at;

  mark_drawing (self);
  begin_run (self, index, bold, size, round (x * 100) / 100, round ((self->height - baseline) * 100) / 100);
  at = self->content->len;
  g_string_set_size (self->content, at + room);
  return self->content->str + at;
}

static void
end_string (CstPdfDirect *self,
            const char   *end,
            const char   *show)
{
  g_string_truncate (self->content, (gsize) (end - self->content->str));
  g_string_append (self->content, show);
}

/* Latin text: its Windows-1252 bytes as a literal string, escaped where
 * PDF's syntax needs it. */
static void
latin_text (CstPdfDirect *self,
            gboolean      bold,
            double        size,
            double        x,
            double        baseline,
            const char   *text,
            gsize         length)
{
  char *out = begin_string (self, 0, bold, size, x, baseline, 1 + 2 * length);

  self->latin_used = TRUE;
  *out++ = '(';
  for (gsize i = 0; i < length; i++)
    {
      char c = text[i];

      if (c == '(' || c == ')' || c == '\\')
        *out++ = '\\';
      *out++ = c;
    }
  end_string (self, out, ")Tj\n");
}

void
cst_pdf_direct_text (CstPdfDirect *self,
                     guint         font,
                     gboolean      bold,
                     double        size,
                     double        x,
                     double        baseline,
                     const char   *text,
                     gsize         length)
{
  static const char hex[] = "0123456789ABCDEF";
  guint index = font == CST_PDF_GLYPH_UNICODE ? 1 : 0;
  DirectFont *f = &self->fonts[index];
  const char *end = text + length;
  char *out;

  if (length == 0)
    return;
  if (index == 0 && self->shared_latin)
    {
      latin_text (self, bold, size, x, baseline, text, length);
      return;
    }
  if (f->font == NULL)
    return;
  /* Four hex digits a glyph. */
  out = begin_string (self, index, bold, size, x, baseline, 1 + 4 * length);
  *out++ = '<';
  for (const char *p = text; p < end; )
    {
      gunichar c = (guchar) *p < 0x80 ? (gunichar) *p : g_utf8_get_char (p);
      guint32 glyph = glyph_for (f, c);

      p = (guchar) *p < 0x80 ? p + 1 : g_utf8_next_char (p);
      out[0] = hex[(glyph >> 12) & 15];
      out[1] = hex[(glyph >> 8) & 15];
      out[2] = hex[(glyph >> 4) & 15];
      out[3] = hex[glyph & 15];
      out += 4;
    }
  end_string (self, out, ">Tj\n");
}

void
cst_pdf_direct_rectangle (CstPdfDirect *self,
                          double        x,
                          double        y,
                          double        width,
                          double        height,
                          gboolean      fill,
                          double        stroke_width)
{
  const double box[4] = { x, self->height - y - height, width, height };

  mark_drawing (self);
  end_text (self);
  if (!fill)
    set_line_width (self, stroke_width);
  append_numbers (self->content, box, 4, fill ? "re f" : "re S");
}

void
cst_pdf_direct_line (CstPdfDirect *self,
                     double        x0,
                     double        y0,
                     double        x1,
                     double        y1,
                     double        width)
{
  const double from[2] = { x0, self->height - y0 };
  const double to[2] = { x1, self->height - y1 };

  mark_drawing (self);
  end_text (self);
  set_line_width (self, width);
  append_numbers (self->content, from, 2, "m");
  append_numbers (self->content, to, 2, "l S");
}

/* @image's colours (un-premultiplied) and, when any pixel is not opaque,
 * its alpha, as image XObjects; the colour image's object number, or 0. */
static guint32
write_image (CstPdfDirect    *self,
             cairo_surface_t *image)
{
  int width = cairo_image_surface_get_width (image);
  int height = cairo_image_surface_get_height (image);
  int stride = cairo_image_surface_get_stride (image);
  gboolean alpha = cairo_image_surface_get_format (image) == CAIRO_FORMAT_ARGB32;
  g_autofree guint8 *rgb = g_malloc ((gsize) width * height * 3);
  g_autofree guint8 *mask = g_malloc ((gsize) width * height);
  g_autofree char *dict = NULL;
  const guint8 *data;
  gboolean translucent = FALSE;
  guint32 number = new_object (self), smask = 0;

  cairo_surface_flush (image);
  data = cairo_image_surface_get_data (image);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint32 pixel = *(const guint32 *) (data + y * stride + x * 4);
        guint a = alpha ? pixel >> 24 : 255;
        guint8 *to = rgb + ((gsize) y * width + x) * 3;

        for (int c = 0; c < 3; c++)
          {
            guint v = (pixel >> (16 - 8 * c)) & 0xff;

            to[c] = (guint8) (a == 0 ? 0 : MIN (255u, (v * 255 + a / 2) / a));
          }
        mask[(gsize) y * width + x] = (guint8) a;
        translucent |= a != 255;
      }
  if (translucent)
    {
      smask = new_object (self);
      dict = g_strdup_printf ("/Type/XObject/Subtype/Image/Width %d/Height %d/ColorSpace/DeviceGray"
                              "/BitsPerComponent 8", width, height);
      if (!write_deflated (self, smask, dict, mask, (gsize) width * height))
        return 0;
      g_free (dict);
    }
  dict = g_strdup_printf ("/Type/XObject/Subtype/Image/Width %d/Height %d/ColorSpace/DeviceRGB"
                          "/BitsPerComponent 8", width, height);
  if (smask != 0)
    {
      char *with_mask = g_strdup_printf ("%s/SMask %u 0 R", dict, smask);

      g_free (dict);
      dict = with_mask;
    }
  if (!write_deflated (self, number, dict, rgb, (gsize) width * height * 3))
    return 0;
  return number;
}

/* The image is written at once, as an XObject of the document's
 * resources (a logo: once a document). */
void
cst_pdf_direct_image (CstPdfDirect    *self,
                      cairo_surface_t *image,
                      double           x,
                      double           y,
                      double           width,
                      double           height)
{
  const double place[6] = { width, 0, 0, height, x, self->height - y - height };
  guint32 number;

  if (cairo_surface_get_type (image) != CAIRO_SURFACE_TYPE_IMAGE ||
      (cairo_image_surface_get_format (image) != CAIRO_FORMAT_ARGB32 &&
       cairo_image_surface_get_format (image) != CAIRO_FORMAT_RGB24) ||
      (number = write_image (self, image)) == 0)
    return;
  g_array_append_val (self->images, number);
  mark_drawing (self);
  end_text (self);
  g_string_append (self->content, "q\n");
  append_numbers (self->content, place, 6, "cm");
  g_string_append_printf (self->content, "/Im%u Do\nQ\n", self->images->len - 1);
}

/* --- pages --- */

/* Writes the page and its content; the next page starts in the default
 * graphics state. */
gboolean
cst_pdf_direct_end_page (CstPdfDirect  *self,
                         GError       **error)
{
  guint32 page = page_object (self);
  guint32 content = new_object (self);
  g_autofree char *dict = NULL;

  cst_pdf_direct_leaf_end (self);
  close_artifact (self);
  end_text (self);
  /* A tagged page says where its MCIDs' elements are in the parent tree
   * (its index), and that tabbing follows the structure. */
  if (self->tagged && self->page_mcids > 0)
    dict = g_strdup_printf ("<</Type/Page/Parent %u 0 R/Resources %u 0 R/Contents %u 0 R"
                            "/Tabs/S/StructParents %u>>", OBJ_PAGES, OBJ_RESOURCES, content,
                            self->pages->len);
  else
    dict = g_strdup_printf ("<</Type/Page/Parent %u 0 R/Resources %u 0 R/Contents %u 0 R>>",
                            OBJ_PAGES, OBJ_RESOURCES, content);
  g_array_append_val (self->pages, page);
  if (write_object (self, page, dict))
    write_deflated (self, content, "", self->content->str, self->content->len);
  g_string_truncate (self->content, 0);
  self->page_object = 0;
  self->page_mcids = 0;
  self->text_font = -1;
  self->text_bold = FALSE;
  self->line_width = 1;
  memset (self->rgb, 0, sizeof self->rgb);
  /* The error stays: nothing more is written after it. */
  if (self->error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->error));
      return FALSE;
    }
  return TRUE;
}

/* --- fonts --- */

static char *
font_name (hb_face_t *face)
{
  char name[128];
  unsigned int size = sizeof name;
  GString *clean = g_string_new (NULL);

  if (hb_ot_name_get_utf8 (face, HB_OT_NAME_ID_POSTSCRIPT_NAME, HB_LANGUAGE_INVALID, &size, name) == 0)
    g_strlcpy (name, "Font", sizeof name);
  for (const char *p = name; *p; p++)
    if (g_ascii_isalnum (*p) || *p == '-' || *p == '_')
      g_string_append_c (clean, *p);
  return g_string_free (clean, FALSE);
}

/* Six capitals from the glyphs kept: the subset tag PDF asks for, which
 * tells readers the font is not whole. */
static void
subset_tag (const DirectFont *font,
            char              tag[7])
{
  guint32 hash = 5381;

  for (guint g = 0; g < font->n_glyphs; g++)
    if (font->glyph_chars[g] != 0)
      hash = hash * 33 + g;
  for (guint i = 0; i < 6; i++, hash /= 26)
    tag[i] = (char) ('A' + hash % 26);
  tag[6] = '\0';
}

static GBytes *
subset_font (const DirectFont *font)
{
  hb_face_t *face = hb_font_get_face (font->font);
  hb_subset_input_t *input = hb_subset_input_create_or_fail ();
  hb_set_t *glyphs;
  hb_face_t *subset;
  hb_blob_t *blob;
  GBytes *bytes = NULL;

  if (input == NULL)
    return NULL;
  glyphs = hb_subset_input_glyph_set (input);
  hb_set_add (glyphs, 0);
  for (guint g = 0; g < font->n_glyphs; g++)
    if (font->glyph_chars[g] != 0)
      hb_set_add (glyphs, g);
  /* The content already names the file's glyph ids; hinting is of no
   * use at any zoom a PDF is read at. */
  hb_subset_input_set_flags (input, HB_SUBSET_FLAGS_RETAIN_GIDS | HB_SUBSET_FLAGS_NO_HINTING);
  subset = hb_subset_or_fail (face, input);
  hb_subset_input_destroy (input);
  if (subset == NULL)
    return NULL;
  blob = hb_face_reference_blob (subset);
  if (hb_blob_get_length (blob) > 0)
    {
      unsigned int length;
      const char *data = hb_blob_get_data (blob, &length);

      bytes = g_bytes_new (data, length);
    }
  hb_blob_destroy (blob);
  hb_face_destroy (subset);
  return bytes;
}

/* Font units → thousandths of an em. */
static double
em (hb_face_t *face,
    double     units)
{
  unsigned int upem = hb_face_get_upem (face);

  return upem ? units * 1000 / upem : units;
}

static char *
font_descriptor (hb_font_t  *font,
                 const char *name,
                 guint32     file)
{
  hb_face_t *face = hb_font_get_face (font);
  hb_blob_t *head = hb_face_reference_table (face, HB_TAG ('h', 'e', 'a', 'd'));
  unsigned int length;
  const guint8 *h = (const guint8 *) hb_blob_get_data (head, &length);
  double box[4] = { 0, -200, 1000, 900 };
  hb_position_t ascender = 0, descender = 0, cap = 0;
  GString *out = g_string_new (NULL);

  if (length >= 44)
    for (guint i = 0; i < 4; i++)
      box[i] = em (face, (gint16) ((h[36 + 2 * i] << 8) | h[37 + 2 * i]));
  hb_blob_destroy (head);
  hb_ot_metrics_get_position (font, HB_OT_METRICS_TAG_HORIZONTAL_ASCENDER, &ascender);
  hb_ot_metrics_get_position (font, HB_OT_METRICS_TAG_HORIZONTAL_DESCENDER, &descender);
  if (!hb_ot_metrics_get_position (font, HB_OT_METRICS_TAG_CAP_HEIGHT, &cap))
    cap = ascender;
  g_string_append_printf (out, "<</Type/FontDescriptor/FontName/%s/Flags 32/FontBBox[", name);
  append_numbers (out, box, 4, "]");
  g_string_truncate (out, out->len - 1);
  g_string_append (out, "/ItalicAngle 0/Ascent ");
  append_number (out, em (face, ascender));
  g_string_append (out, "/Descent ");
  append_number (out, em (face, descender));
  g_string_append (out, "/CapHeight ");
  append_number (out, em (face, cap));
  g_string_append_printf (out, "/StemV 80/FontFile2 %u 0 R>>", file);
  return g_string_free (out, FALSE);
}

/* /W: each glyph used, with its advance (the widths the layout used). */
static char *
widths (const DirectFont *font)
{
  GString *out = g_string_new ("[");

  for (guint g = 0; g < font->n_glyphs; g++)
    if (font->glyph_chars[g] != 0 || g == 0)
      {
        g_string_append_printf (out, "%u[", g);
        append_number (out, cst_pdf_font_advance (font->font, g));
        g_string_append (out, "]");
      }
  g_string_append_c (out, ']');
  return g_string_free (out, FALSE);
}

static void
append_utf16 (GString  *out,
              gunichar  c)
{
  if (c > 0xffff)
    {
      c -= 0x10000;
      g_string_append_printf (out, "%04X%04X", 0xd800 + (c >> 10), 0xdc00 + (c & 0x3ff));
    }
  else
    g_string_append_printf (out, "%04X", c);
}

/* The character each glyph draws, for copying and searching text. */
static GString *
to_unicode (const DirectFont *font)
{
  GString *out = g_string_new ("/CIDInit/ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                               "/CIDSystemInfo<</Registry(Adobe)/Ordering(UCS)/Supplement 0>>def\n"
                               "/CMapName/Adobe-Identity-UCS def\n/CMapType 2 def\n"
                               "1 begincodespacerange\n<0000><FFFF>\nendcodespacerange\n");
  guint in_block = 0;
  GString *block = g_string_new (NULL);

  for (guint g = 0; g <= font->n_glyphs; g++)
    {
      if (in_block > 0 && (in_block == 100 || g == font->n_glyphs))
        {
          g_string_append_printf (out, "%u beginbfchar\n%sendbfchar\n", in_block, block->str);
          g_string_truncate (block, 0);
          in_block = 0;
        }
      if (g == font->n_glyphs || font->glyph_chars[g] == 0)
        continue;
      g_string_append_printf (block, "<%04X><", g);
      append_utf16 (block, font->glyph_chars[g]);
      g_string_append (block, ">\n");
      in_block++;
    }
  g_string_free (block, TRUE);
  g_string_append (out, "endcmap\nCMapName currentdict/CMap defineresource pop\nend\nend\n");
  return out;
}

static gboolean
write_font (CstPdfDirect     *self,
            const DirectFont *font,
            guint32           number)
{
  g_autoptr(GBytes) file = subset_font (font);
  g_autofree char *name = font_name (hb_font_get_face (font->font));
  guint32 cid = new_object (self), descriptor = new_object (self);
  guint32 file_object = new_object (self), cmap_object = new_object (self);
  g_autoptr(GString) cmap = to_unicode (font);
  g_autofree char *base = NULL, *type0 = NULL, *descendant = NULL, *described = NULL, *w = NULL;
  g_autofree char *length = NULL;
  char tag[7];
  gsize size;
  const void *data;

  if (file == NULL)
    {
      g_set_error (&self->error, CST_PDF_ERROR, CST_PDF_ERROR_FONT, _("The PDF's font could not be subset"));
      return FALSE;
    }
  subset_tag (font, tag);
  base = g_strdup_printf ("%s+%s", tag, name);
  type0 = g_strdup_printf ("<</Type/Font/Subtype/Type0/BaseFont/%s/Encoding/Identity-H"
                           "/DescendantFonts[%u 0 R]/ToUnicode %u 0 R>>", base, cid, cmap_object);
  w = widths (font);
  descendant = g_strdup_printf ("<</Type/Font/Subtype/CIDFontType2/BaseFont/%s"
                                "/CIDSystemInfo<</Registry(Adobe)/Ordering(Identity)/Supplement 0>>"
                                "/FontDescriptor %u 0 R/DW 1000/W %s/CIDToGIDMap/Identity>>",
                                base, descriptor, w);
  described = font_descriptor (font->font, base, file_object);
  data = g_bytes_get_data (file, &size);
  length = g_strdup_printf ("/Length1 %" G_GSIZE_FORMAT, size);
  return write_object (self, number, type0) && write_object (self, cid, descendant) &&
         write_object (self, descriptor, described) &&
         write_deflated (self, file_object, length, data, size) &&
         write_deflated (self, cmap_object, "", cmap->str, cmap->len);
}

/* A PDF text string: UTF-16BE with its byte order mark, any character. */
static void
append_text_string (GString    *out,
                    const char *text)
{
  g_string_append (out, "<FEFF");
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    append_utf16 (out, g_utf8_get_char (p));
  g_string_append_c (out, '>');
}

/* The Latin font's three objects as every file has them: the font
 * (WinAnsiEncoding, the widths the layout measured with), its
 * descriptor, and the subset's file as cst-pdf-font.c deflated it. */
typedef struct
{
  GBytes *bytes;   /* NULL when no subset could be cut */
  gsize   at[3];   /* where OBJ_FONT0, OBJ_LATIN_DESCRIPTOR and OBJ_LATIN_FILE begin */
} LatinObjects;

static gpointer
make_latin_objects (gpointer data)
{
  const CstPdfFonts *fonts = data;
  LatinObjects *objects = g_new0 (LatinObjects, 1);
  g_autofree char *name = NULL, *base = NULL, *descriptor = NULL;
  GString *out;
  guint32 hash = 5381;
  char tag[7];
  gsize size;
  const void *file;

  if (fonts->latin_file == NULL || fonts->latin_shaper == NULL)
    return objects;
  /* The subset tag, from the characters it holds. */
  for (guint b = 0; b < 256; b++)
    hash = hash * 33 + (fonts->latin_has[b] ? b : 0);
  for (guint i = 0; i < 6; i++, hash /= 26)
    tag[i] = (char) ('A' + hash % 26);
  tag[6] = '\0';
  name = font_name (hb_font_get_face (fonts->latin_shaper));
  base = g_strdup_printf ("%s+%s", tag, name);
  out = g_string_new (NULL);
  objects->at[0] = out->len;
  g_string_append_printf (out, "%u 0 obj\n<</Type/Font/Subtype/TrueType/BaseFont/%s"
                          "/FirstChar 32/LastChar 255/Widths[", OBJ_FONT0, base);
  for (guint b = 32; b < 256; b++)
    {
      append_number (out, fonts->latin_has[b] ? fonts->latin_widths[b] : 0);
      g_string_append_c (out, b % 16 == 15 ? '\n' : ' ');
    }
  g_string_append_printf (out, "]/Encoding/WinAnsiEncoding/FontDescriptor %u 0 R>>\nendobj\n",
                          OBJ_LATIN_DESCRIPTOR);
  objects->at[1] = out->len;
  descriptor = font_descriptor (fonts->latin_shaper, base, OBJ_LATIN_FILE);
  g_string_append_printf (out, "%u 0 obj\n%s\nendobj\n", OBJ_LATIN_DESCRIPTOR, descriptor);
  objects->at[2] = out->len;
  file = g_bytes_get_data (fonts->latin_file, &size);
  g_string_append_printf (out, "%u 0 obj\n<</Filter/FlateDecode/Length1 %" G_GSIZE_FORMAT
                          "/Length %" G_GSIZE_FORMAT ">>\nstream\n",
                          OBJ_LATIN_FILE, fonts->latin_file_length, size);
  g_string_append_len (out, file, (gssize) size);
  g_string_append (out, "\nendstream\nendobj\n");
  objects->bytes = g_string_free_to_bytes (out);
  return objects;
}

static gboolean
write_latin (CstPdfDirect *self)
{
  static GOnce once = G_ONCE_INIT;
  const LatinObjects *objects = g_once (&once, make_latin_objects, (gpointer) self->source);
  static const guint32 numbers[3] = { OBJ_FONT0, OBJ_LATIN_DESCRIPTOR, OBJ_LATIN_FILE };
  gsize size;
  const void *data;

  if (objects->bytes == NULL)
    {
      g_set_error (&self->error, CST_PDF_ERROR, CST_PDF_ERROR_FONT, _("The PDF's font could not be subset"));
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    g_array_index (self->offsets, guint64, numbers[i]) = self->offset + objects->at[i];
  data = g_bytes_get_data (objects->bytes, &size);
  return write_bytes (self, data, size);
}

/* @text as a literal string (PDFDocEncoding: ASCII here), or as a text
 * string where it is not ASCII. */
static void
append_literal (GString    *out,
                const char *text)
{
  for (const char *p = text; *p; p++)
    if ((guchar) *p >= 0x80 || (guchar) *p < 0x20)
      {
        append_text_string (out, text);
        return;
      }
  g_string_append_c (out, '(');
  for (const char *p = text; *p; p++)
    {
      if (*p == '(' || *p == ')' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, ')');
}

/* --- the structure tree --- */

/* Each element's object, and its kids in order as linked lists. */
typedef struct
{
  gint *first;   /* by element, then the root at [n] */
  gint *last;
  gint *next;
} Kids;

static void
append_kids (CstPdfDirect *self,
             GString      *out,
             const Kids   *kids,
             guint         parent)
{
  g_string_append_c (out, '[');
  for (gint k = kids->first[parent]; k >= 0; k = kids->next[k])
    append_ref (out, g_array_index (self->elements, DirectElement, k).object);
  g_string_append_c (out, ']');
}

static gboolean
write_element (CstPdfDirect *self,
               const Kids   *kids,
               guint         index,
               guint32       root,
               GString      *body)
{
  const DirectElement *e = &g_array_index (self->elements, DirectElement, index);

  g_string_assign (body, "<</Type/StructElem/S/");
  g_string_append (body, e->role);
  g_string_append (body, "/P ");
  append_ref (body, e->parent < 0 ? root : g_array_index (self->elements, DirectElement, e->parent).object);
  if (e->mcid >= 0)
    {
      g_string_append (body, "/Pg ");
      append_ref (body, e->page_object);
      g_string_append (body, "/K ");
      append_uint (body, (guint) e->mcid, 0);
    }
  else
    {
      g_string_append (body, "/K");
      append_kids (self, body, kids, index);
    }
  if (e->header)
    g_string_append (body, e->scope == CST_PDF_SCOPE_ROW ? "/A<</O/Table/Scope/Row>>"
                                                         : "/A<</O/Table/Scope/Column>>");
  if (e->alt != NULL)
    {
      g_string_append (body, "/Alt");
      append_text_string (body, e->alt);
    }
  g_string_append (body, ">>");
  return pack_object (self, e->object, body->str);
}

/* The parent tree: for each page with marked content (its
 * /StructParents), the element of each MCID, in MCID order. */
static gboolean
write_parent_tree (CstPdfDirect *self,
                   guint32       number,
                   GString      *body)
{
  gint page = -1;

  g_string_assign (body, "<</Nums[");
  for (guint i = 0; i < self->elements->len; i++)
    {
      const DirectElement *e = &g_array_index (self->elements, DirectElement, i);

      if (e->mcid < 0)
        continue;
      if ((gint) e->page != page)
        {
          g_string_append_printf (body, "%s%u[", page < 0 ? "" : "]\n", e->page);
          page = (gint) e->page;
        }
      append_ref (body, e->object);
    }
  g_string_append (body, page < 0 ? "]>>" : "]]>>");
  return pack_object (self, number, body->str);
}

/* The structure tree's elements, its root and parent tree; the root's
 * object number. */
static guint32
write_structure (CstPdfDirect *self)
{
  guint n = self->elements->len;
  g_autofree gint *links = g_new (gint, 3 * (n + 1));
  Kids kids = { links, links + n + 1, links + 2 * (n + 1) };
  g_autoptr(GString) body = g_string_new (NULL);
  guint32 root = new_object (self), parent_tree = new_object (self);

  for (guint i = 0; i <= n; i++)
    kids.first[i] = kids.last[i] = kids.next[i] = -1;
  for (guint i = 0; i < n; i++)
    {
      DirectElement *e = &g_array_index (self->elements, DirectElement, i);
      guint parent = e->parent < 0 ? n : (guint) e->parent;

      e->object = new_object (self);
      if (kids.last[parent] < 0)
        kids.first[parent] = (gint) i;
      else
        kids.next[kids.last[parent]] = (gint) i;
      kids.last[parent] = (gint) i;
    }
  for (guint i = 0; i < n; i++)
    if (!write_element (self, &kids, i, root, body))
      return 0;
  if (!write_parent_tree (self, parent_tree, body))
    return 0;
  g_string_assign (body, "<</Type/StructTreeRoot/K");
  append_kids (self, body, &kids, n);
  g_string_append_printf (body, "/ParentTree %u 0 R/ParentTreeNextKey %u>>", parent_tree,
                          self->pages->len);
  return pack_object (self, root, body->str) && flush_packed (self) ? root : 0;
}

#define PRODUCER "Custodian direct PDF writer"
#define CREATOR "Custodian"

/* The catalog; a tagged file's names its structure tree, language,
 * the title shown in the window and its XMP metadata (uncompressed, as
 * XMP is meant to be found by tools that do not parse the PDF). */
static gboolean
write_catalog (CstPdfDirect *self,
               GString      *body)
{
  g_autofree char *xmp = NULL;
  guint32 root, metadata;

  g_string_printf (body, "<</Type/Catalog/Pages %u 0 R", OBJ_PAGES);
  if (self->tagged)
    {
      if ((root = write_structure (self)) == 0)
        return FALSE;
      metadata = new_object (self);
      xmp = cst_pdf_xmp_packet (self->title, self->language, PRODUCER, CREATOR);
      if (!write_stream (self, metadata, "/Type/Metadata/Subtype/XML", xmp, strlen (xmp)))
        return FALSE;
      g_string_append_printf (body, "/StructTreeRoot %u 0 R/MarkInfo<</Marked true>>"
                              "/ViewerPreferences<</DisplayDocTitle true>>/Metadata %u 0 R",
                              root, metadata);
      if (self->language != NULL)
        {
          g_string_append (body, "/Lang");
          append_literal (body, self->language);
        }
    }
  g_string_append (body, ">>");
  return write_object (self, OBJ_CATALOG, body->str);
}

/* One cross-reference stream entry: type, then 5 and 2 bytes. */
static void
append_xref_entry (GString *out,
                   guint    type,
                   guint64  field2,
                   guint    field3)
{
  g_string_append_c (out, (char) type);
  for (int shift = 32; shift >= 0; shift -= 8)
    g_string_append_c (out, (char) ((field2 >> shift) & 0xff));
  g_string_append_c (out, (char) ((field3 >> 8) & 0xff));
  g_string_append_c (out, (char) (field3 & 0xff));
}

/* The cross-reference table as a stream (PDF 1.5), which can say that
 * an object is in an object stream; the trailer is its dictionary. */
static gboolean
write_xref_stream (CstPdfDirect *self)
{
  guint32 number = new_object (self);
  g_autoptr(GString) entries = g_string_sized_new (self->offsets->len * 8);
  g_autofree char *dict = NULL;
  guint64 xref;

  /* Its own entry is where it begins. */
  g_array_index (self->offsets, guint64, number) = self->offset;
  append_xref_entry (entries, 0, 0, 0xffff);
  for (guint i = 1; i < self->offsets->len; i++)
    {
      guint64 offset = g_array_index (self->offsets, guint64, i);

      if (offset & IN_STREAM)
        append_xref_entry (entries, 2, (offset & ~IN_STREAM) >> 20, (guint) (offset & 0xfffff));
      else if (offset == 0)
        append_xref_entry (entries, 0, 0, 0xffff);
      else
        append_xref_entry (entries, 1, offset, 0);
    }
  dict = g_strdup_printf ("/Type/XRef/Size %u/W[1 5 2]/Root %u 0 R/Info %u 0 R",
                          self->offsets->len, OBJ_CATALOG, OBJ_INFO);
  xref = self->offset;
  if (!write_deflated (self, number, dict, entries->str, entries->len))
    return FALSE;
  g_string_append_printf (self->scratch, "startxref\n%" G_GUINT64_FORMAT "\n%%%%EOF\n", xref);
  return write_scratch (self) &&
         g_output_stream_flush (self->out, self->cancellable, &self->error);
}

static gboolean
write_document (CstPdfDirect *self)
{
  g_autoptr(GString) body = g_string_new ("<</Font<<");
  guint64 xref;

  if (self->latin_used)
    {
      g_string_append_printf (body, "/F0 %u 0 R", OBJ_FONT0);
      if (!write_latin (self))
        return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (self->fonts); i++)
    if (self->fonts[i].used)
      {
        g_string_append_printf (body, "/F%u %u 0 R", i, OBJ_FONT0 + i);
        if (!write_font (self, &self->fonts[i], OBJ_FONT0 + i))
          return FALSE;
      }
  g_string_append (body, ">>");
  if (self->images->len > 0)
    {
      g_string_append (body, "/XObject<<");
      for (guint i = 0; i < self->images->len; i++)
        g_string_append_printf (body, "/Im%u %u 0 R", i, g_array_index (self->images, guint32, i));
      g_string_append (body, ">>");
    }
  g_string_append (body, ">>");
  if (!write_object (self, OBJ_RESOURCES, body->str))
    return FALSE;

  g_string_assign (body, "<</Type/Pages/MediaBox[0 0 ");
  append_number (body, self->width);
  g_string_append_c (body, ' ');
  append_number (body, self->height);
  g_string_append_printf (body, "]/Count %u/Kids[", self->pages->len);
  for (guint i = 0; i < self->pages->len; i++)
    append_ref (body, g_array_index (self->pages, guint32, i));
  g_string_append (body, "]>>");
  if (!write_object (self, OBJ_PAGES, body->str))
    return FALSE;

  /* Metadata: the kind of document only (the caller's title). */
  g_string_assign (body, "<</Producer(" PRODUCER ")/Creator(" CREATOR ")");
  if (self->title != NULL)
    {
      g_string_append (body, "/Title");
      append_text_string (body, self->title);
    }
  g_string_append (body, ">>");
  if (!write_object (self, OBJ_INFO, body->str))
    return FALSE;
  if (!write_catalog (self, body))
    return FALSE;

  if (self->any_packed)
    return write_xref_stream (self);
  xref = self->offset;
  g_string_append_printf (self->scratch, "xref\n0 %u\n0000000000 65535 f \n", self->offsets->len);
  for (guint i = 1; i < self->offsets->len; i++)
    {
      guint64 offset = g_array_index (self->offsets, guint64, i);

      /* A font object never used is never written: free. */
      if (offset == 0)
        g_string_append (self->scratch, "0000000000 65535 f \n");
      else
        {
          append_uint (self->scratch, offset, 10);
          g_string_append (self->scratch, " 00000 n \n");
        }
      if (self->scratch->len > 32 * 1024 && !write_scratch (self))
        return FALSE;
    }
  g_string_append_printf (self->scratch, "trailer\n<</Size %u/Root %u 0 R/Info %u 0 R>>\n"
                          "startxref\n%" G_GUINT64_FORMAT "\n%%%%EOF\n",
                          self->offsets->len, OBJ_CATALOG, OBJ_INFO, xref);
  return write_scratch (self) &&
         g_output_stream_flush (self->out, self->cancellable, &self->error);
}

/* Ends the document (the last page was ended by the caller): fonts,
 * page tree, metadata and the cross-reference table; flushes @out. */
gboolean
cst_pdf_direct_finish (CstPdfDirect  *self,
                       GError       **error)
{
  if (!write_document (self))
    {
      if (self->error != NULL)
        g_propagate_error (error, g_error_copy (self->error));
      else
        g_set_error (error, CST_PDF_ERROR, CST_PDF_ERROR_WRITE, _("The PDF could not be written"));
      return FALSE;
    }
  return TRUE;
}
