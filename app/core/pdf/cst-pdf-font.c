/* cst-pdf-font.c — finding the fonts and cutting the Latin subset
 *
 * libharu 2.3.0 reads the whole TrueType file for every document and
 * writes out every table except the glyphs it used, through byte-by-byte
 * copies and zlib.  For DejaVu Sans or Liberation Sans that is most of the
 * cost of a one-page invoice.  So once per process we cut a subset holding
 * only the ~230 glyphs of Windows-1252, renumbered, and give libharu that
 * (from a memfd, so nothing is left on disk).  Any font we cannot subset is
 * used as it is: slower, never wrong.
 */
#define G_LOG_DOMAIN "cst-pdf"

#include "config.h"

#include <errno.h>
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

/* --- reading TrueType, every access bounds-checked --- */

typedef struct
{
  const guint8 *data;
  gsize         size;
} Font;

typedef struct
{
  gsize offset;
  gsize length;
} Table;

static guint
u16 (const Font *f,
     gsize       at)
{
  return at + 2 <= f->size ? (guint) (f->data[at] << 8 | f->data[at + 1]) : 0;
}

static guint32
u32 (const Font *f,
     gsize       at)
{
  return at + 4 <= f->size ? (guint32) f->data[at] << 24 | (guint32) f->data[at + 1] << 16 |
                             (guint32) f->data[at + 2] << 8 | f->data[at + 3]
                           : 0;
}

static gboolean
find_table (const Font *f,
            const char *tag,
            Table      *table)
{
  guint n = u16 (f, 4);

  for (guint i = 0; i < n; i++)
    {
      gsize rec = 12 + 16 * (gsize) i;
      if (rec + 16 > f->size)
        return FALSE;
      if (memcmp (f->data + rec, tag, 4) == 0)
        {
          table->offset = u32 (f, rec + 8);
          table->length = u32 (f, rec + 12);
          return table->offset + table->length <= f->size && table->offset <= f->size;
        }
    }
  return FALSE;
}

/* The Windows Unicode BMP cmap (format 4), or 0. */
static gsize
find_cmap4 (const Font *f)
{
  Table cmap;
  guint n;

  if (!find_table (f, "cmap", &cmap))
    return 0;
  n = u16 (f, cmap.offset + 2);
  for (guint i = 0; i < n; i++)
    {
      gsize rec = cmap.offset + 4 + 8 * (gsize) i;
      guint platform = u16 (f, rec), encoding = u16 (f, rec + 2);
      gsize sub = cmap.offset + u32 (f, rec + 4);

      if (((platform == 3 && encoding == 1) || platform == 0) && u16 (f, sub) == 4)
        return sub;
    }
  return 0;
}

static guint16
lookup_glyph (const Font *f,
              gsize       sub,
              gunichar    c)
{
  guint seg_x2, n_segs;
  gsize ends, starts, deltas, ranges;

  if (sub == 0 || c > 0xFFFF)
    return 0;
  seg_x2 = u16 (f, sub + 6);
  n_segs = seg_x2 / 2;
  ends = sub + 14;
  starts = ends + seg_x2 + 2;
  deltas = starts + seg_x2;
  ranges = deltas + seg_x2;
  for (guint s = 0; s < n_segs; s++)
    {
      guint start, range, delta, glyph;

      if (u16 (f, ends + 2 * s) < c)
        continue;
      start = u16 (f, starts + 2 * s);
      if (start > c)
        return 0;
      range = u16 (f, ranges + 2 * s);
      delta = u16 (f, deltas + 2 * s);
      if (range == 0)
        return (guint16) ((c + delta) & 0xFFFF);
      glyph = u16 (f, ranges + 2 * s + range + 2 * (c - start));
      return glyph ? (guint16) ((glyph + delta) & 0xFFFF) : 0;
    }
  return 0;
}

guint16
cst_ttf_lookup_glyph (GBytes   *font,
                      gunichar  c)
{
  Font f = { NULL, 0 };

  f.data = g_bytes_get_data (font, &f.size);
  return lookup_glyph (&f, find_cmap4 (&f), c);
}

/* Advance width in thousandths of an em, read from hmtx.  Measuring
 * through libharu instead would mark every measured glyph as used and
 * embed it. */
float
cst_ttf_advance (GBytes   *font,
                 gunichar  c)
{
  Font f = { NULL, 0 };
  Table head, hhea, hmtx;
  guint gid, n_metrics, units;

  f.data = g_bytes_get_data (font, &f.size);
  if (!find_table (&f, "head", &head) || !find_table (&f, "hhea", &hhea) ||
      !find_table (&f, "hmtx", &hmtx))
    return 0;
  gid = lookup_glyph (&f, find_cmap4 (&f), c);
  n_metrics = MAX (1u, u16 (&f, hhea.offset + 34));
  units = u16 (&f, head.offset + 18);
  if (units == 0)
    return 0;
  return (float) u16 (&f, hmtx.offset + 4 * (gsize) MIN (gid, n_metrics - 1)) * 1000.0f / units;
}

/* --- the subset --- */

typedef struct
{
  Font     f;
  Table    glyf;
  guint    n_glyphs;
  gboolean long_loca;
  gsize    loca;
} Source;

static gboolean
glyph_range (const Source *src,
             guint         gid,
             gsize        *start,
             gsize        *end)
{
  if (gid >= src->n_glyphs)
    return FALSE;
  if (src->long_loca)
    {
      *start = u32 (&src->f, src->loca + 4 * (gsize) gid);
      *end = u32 (&src->f, src->loca + 4 * (gsize) gid + 4);
    }
  else
    {
      *start = 2 * (gsize) u16 (&src->f, src->loca + 2 * (gsize) gid);
      *end = 2 * (gsize) u16 (&src->f, src->loca + 2 * (gsize) gid + 2);
    }
  return *start <= *end && *end <= src->glyf.length;
}

/* Calls @visit for each component of a composite glyph; @glyph points at
 * a writable or read-only copy of the glyph's bytes. */
static void
each_component (guint8 *glyph,
                gsize   len,
                void  (*visit) (guint8 *id_at, gpointer data),
                gpointer data)
{
  gsize p = 10;

  if (len < 10 || (gint16) (glyph[0] << 8 | glyph[1]) >= 0)
    return;
  while (p + 4 <= len)
    {
      guint flags = (guint) (glyph[p] << 8 | glyph[p + 1]);

      visit (glyph + p + 2, data);
      p += 4 + ((flags & 0x0001) ? 4 : 2);
      if (flags & 0x0008)
        p += 2;
      else if (flags & 0x0040)
        p += 4;
      else if (flags & 0x0080)
        p += 8;
      if (!(flags & 0x0020))
        break;
    }
}

static void
queue_component (guint8  *id_at,
                 gpointer data)
{
  guint16 gid = (guint16) (id_at[0] << 8 | id_at[1]);

  g_array_append_val ((GArray *) data, gid);
}

static void
renumber_component (guint8  *id_at,
                    gpointer data)
{
  const guint16 *new_ids = data;
  guint16 gid = new_ids[id_at[0] << 8 | id_at[1]];

  id_at[0] = (guint8) (gid >> 8);
  id_at[1] = (guint8) gid;
}

static void
put16 (GByteArray *out,
       guint       value)
{
  guint8 b[2] = { (guint8) (value >> 8), (guint8) value };

  g_byte_array_append (out, b, 2);
}

static void
put32 (GByteArray *out,
       guint32     value)
{
  guint8 b[4] = { (guint8) (value >> 24), (guint8) (value >> 16), (guint8) (value >> 8),
                  (guint8) value };

  g_byte_array_append (out, b, 4);
}

static void
set16 (GByteArray *out,
       gsize       at,
       guint       value)
{
  out->data[at] = (guint8) (value >> 8);
  out->data[at + 1] = (guint8) value;
}

static gboolean
mark_glyphs (const Source *src,
             GArray       *queue,
             guint8       *keep)
{
  while (queue->len > 0)
    {
      guint16 gid = g_array_index (queue, guint16, queue->len - 1);
      gsize start, end;

      g_array_set_size (queue, queue->len - 1);
      if (gid >= src->n_glyphs || keep[gid])
        continue;
      if (!glyph_range (src, gid, &start, &end))
        return FALSE;
      keep[gid] = 1;
      each_component ((guint8 *) src->f.data + src->glyf.offset + start, end - start,
                      queue_component, queue);
    }
  return TRUE;
}

/* A format 4 cmap with one segment per run of consecutive codes that map
 * to consecutive glyphs: for Windows-1252 about thirty segments. */
static GBytes *
build_cmap (const gunichar *codes,
            const guint16  *glyphs,
            guint           n)
{
  g_autoptr(GArray) starts = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) ends = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) deltas = g_array_new (FALSE, FALSE, sizeof (guint));
  GByteArray *out = g_byte_array_new ();
  guint segs, search = 1, selector = 0, last = 0xFFFF, one = 1;

  for (guint i = 0; i < n; i++)
    {
      guint delta = (glyphs[i] - codes[i]) & 0xFFFF;

      if (ends->len > 0 && codes[i] == g_array_index (ends, guint, ends->len - 1) + 1 &&
          delta == g_array_index (deltas, guint, deltas->len - 1))
        {
          g_array_index (ends, guint, ends->len - 1) = codes[i];
          continue;
        }
      g_array_append_val (starts, codes[i]);
      g_array_append_val (ends, codes[i]);
      g_array_append_val (deltas, delta);
    }
  g_array_append_val (starts, last);
  g_array_append_val (ends, last);
  g_array_append_val (deltas, one);
  segs = starts->len;
  while (search * 2 <= segs)
    {
      search *= 2;
      selector++;
    }
  put16 (out, 0);
  put16 (out, 1);
  put16 (out, 3);
  put16 (out, 1);
  put32 (out, 12);
  put16 (out, 4);
  put16 (out, 16 + 8 * segs);
  put16 (out, 0);
  put16 (out, 2 * segs);
  put16 (out, 2 * search);
  put16 (out, selector);
  put16 (out, 2 * segs - 2 * search);
  for (guint i = 0; i < segs; i++)
    put16 (out, g_array_index (ends, guint, i));
  put16 (out, 0);
  for (guint i = 0; i < segs; i++)
    put16 (out, g_array_index (starts, guint, i));
  for (guint i = 0; i < segs; i++)
    put16 (out, g_array_index (deltas, guint, i));
  for (guint i = 0; i < segs; i++)
    put16 (out, 0);
  return g_byte_array_free_to_bytes (out);
}

/* The name table cut to the family, style and PostScript names (IDs 1–6)
 * that libharu and PDF viewers read; copyright and licence texts stay in
 * the installed font. */
static GBytes *
build_name (const Font *f)
{
  Table t;
  GByteArray *records = g_byte_array_new ();
  GByteArray *strings = g_byte_array_new ();
  GByteArray *out = g_byte_array_new ();
  guint count, storage, kept = 0;

  if (!find_table (f, "name", &t) || t.length < 6)
    {
      g_byte_array_unref (records);
      g_byte_array_unref (strings);
      g_byte_array_unref (out);
      return NULL;
    }
  count = u16 (f, t.offset + 2);
  storage = u16 (f, t.offset + 4);
  for (guint i = 0; i < count; i++)
    {
      gsize rec = t.offset + 6 + 12 * (gsize) i;
      guint platform = u16 (f, rec), name_id = u16 (f, rec + 6);
      guint len = u16 (f, rec + 8), offset = u16 (f, rec + 10);
      gsize at = t.offset + storage + offset;

      if (rec + 12 > t.offset + t.length || (platform != 1 && platform != 3) ||
          name_id < 1 || name_id > 6 || at + len > f->size)
        continue;
      g_byte_array_append (records, f->data + rec, 8);
      put16 (records, len);
      put16 (records, strings->len);
      g_byte_array_append (strings, f->data + at, len);
      kept++;
    }
  put16 (out, 0);
  put16 (out, kept);
  put16 (out, 6 + 12 * kept);
  g_byte_array_append (out, records->data, records->len);
  g_byte_array_append (out, strings->data, strings->len);
  g_byte_array_unref (records);
  g_byte_array_unref (strings);
  return g_byte_array_free_to_bytes (out);
}

static guint32
checksum (const guint8 *data,
          gsize         len)
{
  guint32 sum = 0;

  for (gsize i = 0; i < len; i += 4)
    {
      guint32 word = 0;
      for (gsize k = 0; k < 4; k++)
        word = word << 8 | (i + k < len ? data[i + k] : 0);
      sum += word;
    }
  return sum;
}

typedef struct
{
  char    tag[5];
  GBytes *data;
} OutTable;

static int
compare_tags (gconstpointer a,
              gconstpointer b)
{
  return strcmp (((const OutTable *) a)->tag, ((const OutTable *) b)->tag);
}

static GBytes *
assemble (const Font *f,
          GArray     *tables)
{
  GByteArray *out = g_byte_array_new ();
  gsize offset = 12 + 16 * (gsize) tables->len;
  gsize head_at = 0;
  guint search = 1, selector = 0;

  g_array_sort (tables, compare_tags);
  while (search * 2 <= tables->len)
    {
      search *= 2;
      selector++;
    }
  put32 (out, u32 (f, 0));
  put16 (out, tables->len);
  put16 (out, search * 16);
  put16 (out, selector);
  put16 (out, tables->len * 16 - search * 16);
  for (guint i = 0; i < tables->len; i++)
    {
      OutTable *t = &g_array_index (tables, OutTable, i);
      gsize len;
      const guint8 *data = g_bytes_get_data (t->data, &len);

      g_byte_array_append (out, (const guint8 *) t->tag, 4);
      put32 (out, checksum (data, len));
      put32 (out, (guint32) offset);
      put32 (out, (guint32) len);
      offset += (len + 3) & ~(gsize) 3;
    }
  for (guint i = 0; i < tables->len; i++)
    {
      OutTable *t = &g_array_index (tables, OutTable, i);
      gsize len;
      const guint8 *data = g_bytes_get_data (t->data, &len);
      static const guint8 zeros[4] = { 0 };

      if (g_str_equal (t->tag, "head"))
        head_at = out->len;
      g_byte_array_append (out, data, (guint) len);
      g_byte_array_append (out, zeros, (guint) (((len + 3) & ~(gsize) 3) - len));
    }
  if (head_at > 0)
    {
      guint32 adjust = 0xB1B0AFBA - checksum (out->data, out->len);
      out->data[head_at + 8] = (guint8) (adjust >> 24);
      out->data[head_at + 9] = (guint8) (adjust >> 16);
      out->data[head_at + 10] = (guint8) (adjust >> 8);
      out->data[head_at + 11] = (guint8) adjust;
    }
  return g_byte_array_free_to_bytes (out);
}

static void
add_table (GArray     *tables,
           const char *tag,
           GBytes     *data)
{
  OutTable t;

  g_strlcpy (t.tag, tag, sizeof t.tag);
  t.data = data;
  g_array_append_val (tables, t);
}

static void
clear_table (gpointer data)
{
  g_bytes_unref (((OutTable *) data)->data);
}

static GBytes *
copy_table (const Font *f,
            const char *tag)
{
  Table t;

  return find_table (f, tag, &t) ? g_bytes_new (f->data + t.offset, t.length) : NULL;
}

/* Appends one glyph without its TrueType hinting instructions: a PDF
 * viewer scales outlines itself, and the instructions (with the fpgm,
 * prep and cvt tables they need) were a third of what libharu copied and
 * compressed for every document. */
static void
append_unhinted (GByteArray   *glyf,
                 const guint8 *glyph,
                 gsize         len)
{
  gint16 contours = len >= 10 ? (gint16) (glyph[0] << 8 | glyph[1]) : 0;
  static const guint8 no_instructions[2] = { 0, 0 };

  if (len < 10)
    {
      g_byte_array_append (glyf, glyph, (guint) len);
      return;
    }
  if (contours >= 0)
    {
      gsize at = 10 + 2 * (gsize) contours;
      gsize n_instructions = at + 2 <= len ? (gsize) (glyph[at] << 8 | glyph[at + 1]) : 0;

      if (at + 2 + n_instructions > len)
        {
          g_byte_array_append (glyf, glyph, (guint) len);
          return;
        }
      g_byte_array_append (glyf, glyph, (guint) at);
      g_byte_array_append (glyf, no_instructions, 2);
      g_byte_array_append (glyf, glyph + at + 2 + n_instructions, (guint) (len - at - 2 - n_instructions));
      return;
    }
  {
    gsize p = 10, start = glyf->len;

    g_byte_array_append (glyf, glyph, (guint) len);
    while (p + 4 <= len)
      {
        guint flags = (guint) (glyph[p] << 8 | glyph[p + 1]);
        gsize next = p + 4 + ((flags & 0x0001) ? 4 : 2);

        next += (flags & 0x0008) ? 2 : (flags & 0x0040) ? 4 : (flags & 0x0080) ? 8 : 0;
        /* Clear WE_HAVE_INSTRUCTIONS; the instructions follow the last
         * component and are cut off below. */
        glyf->data[start + p] = (guint8) ((flags & ~0x0100u) >> 8);
        if (!(flags & 0x0020) || next > len)
          {
            g_byte_array_set_size (glyf, (guint) (start + MIN (next, len)));
            return;
          }
        p = next;
      }
  }
}

/* The glyphs, loca (long) and hmtx of the kept glyphs, renumbered. */
static void
write_glyphs (const Source  *src,
              const guint8  *keep,
              const guint16 *new_ids,
              GArray        *tables)
{
  GByteArray *glyf = g_byte_array_new ();
  GByteArray *loca = g_byte_array_new ();
  GByteArray *hmtx = g_byte_array_new ();
  Table hhea, hmtx_in;
  guint n_metrics;

  find_table (&src->f, "hhea", &hhea);
  find_table (&src->f, "hmtx", &hmtx_in);
  n_metrics = MAX (1u, u16 (&src->f, hhea.offset + 34));
  for (guint gid = 0; gid < src->n_glyphs; gid++)
    {
      gsize start = 0, end = 0, metric, at = glyf->len;
      static const guint8 zeros[4] = { 0 };

      if (!keep[gid])
        continue;
      glyph_range (src, gid, &start, &end);

      put32 (loca, glyf->len);
      append_unhinted (glyf, src->f.data + src->glyf.offset + start, end - start);
      each_component (glyf->data + at, glyf->len - at, renumber_component, (gpointer) new_ids);
      g_byte_array_append (glyf, zeros, (guint) ((4 - (glyf->len - at) % 4) % 4));
      metric = hmtx_in.offset + 4 * (gsize) MIN (gid, n_metrics - 1);
      put16 (hmtx, u16 (&src->f, metric));
      put16 (hmtx, gid < n_metrics ? u16 (&src->f, metric + 2)
                                   : u16 (&src->f, hmtx_in.offset + 4 * (gsize) n_metrics +
                                                   2 * (gsize) (gid - n_metrics)));
    }
  put32 (loca, glyf->len);
  add_table (tables, "glyf", g_byte_array_free_to_bytes (glyf));
  add_table (tables, "loca", g_byte_array_free_to_bytes (loca));
  add_table (tables, "hmtx", g_byte_array_free_to_bytes (hmtx));
}

/* Copies a fixed header table, patching one 16-bit field. */
static GBytes *
patched_table (const Font *f,
               const char *tag,
               gsize       min_length,
               gsize       at,
               guint       value)
{
  Table t;
  GByteArray *copy;

  if (!find_table (f, tag, &t) || t.length < min_length)
    return NULL;
  copy = g_byte_array_sized_new ((guint) t.length);
  g_byte_array_append (copy, f->data + t.offset, (guint) t.length);
  set16 (copy, at, value);
  return g_byte_array_free_to_bytes (copy);
}

static GBytes *
post_format3 (const Font *f)
{
  Table t;
  guint8 post[32] = { 0 };

  if (find_table (f, "post", &t) && t.length >= 32)
    memcpy (post, f->data + t.offset, 32);
  post[0] = 0;
  post[1] = 3;
  post[2] = 0;
  post[3] = 0;
  return g_bytes_new (post, sizeof post);
}

/**
 * cst_ttf_subset:
 * @codepoints: sorted ascending, no duplicates, all ≤ U+FFFF
 *
 * Returns: a TrueType font with only the glyphs of @codepoints (and their
 *   components), or %NULL when @font is not a TrueType font we can read
 */
GBytes *
cst_ttf_subset (GBytes         *font,
                const gunichar *codepoints,
                guint           n_codepoints,
                GError        **error)
{
  g_autoptr(GArray) tables = g_array_new (FALSE, FALSE, sizeof (OutTable));
  g_autoptr(GArray) queue = g_array_new (FALSE, FALSE, sizeof (guint16));
  g_autofree guint8 *keep = NULL;
  g_autofree guint16 *new_ids = NULL;
  g_autofree gunichar *codes = g_new (gunichar, n_codepoints);
  g_autofree guint16 *glyphs = g_new (guint16, n_codepoints);
  Source src = { { NULL, 0 }, { 0, 0 }, 0, FALSE, 0 };
  Table head, maxp, loca;
  GBytes *piece;
  gsize cmap;
  guint n_codes = 0, n_kept = 0;
  const char *const copied[] = { "OS/2" };

  g_array_set_clear_func (tables, clear_table);
  src.f.data = g_bytes_get_data (font, &src.f.size);
  if (!find_table (&src.f, "head", &head) || head.length < 54 ||
      !find_table (&src.f, "maxp", &maxp) || maxp.length < 6 ||
      !find_table (&src.f, "loca", &loca) || !find_table (&src.f, "glyf", &src.glyf) ||
      (cmap = find_cmap4 (&src.f)) == 0)
    goto unsupported;
  src.n_glyphs = u16 (&src.f, maxp.offset + 4);
  src.long_loca = u16 (&src.f, head.offset + 50) != 0;
  src.loca = loca.offset;
  if (src.n_glyphs == 0 || loca.length < (src.n_glyphs + 1) * (src.long_loca ? 4u : 2u))
    goto unsupported;

  keep = g_new0 (guint8, src.n_glyphs);
  new_ids = g_new0 (guint16, src.n_glyphs);
  for (guint i = 0; i < n_codepoints; i++)
    {
      guint16 gid = lookup_glyph (&src.f, cmap, codepoints[i]);
      if (gid == 0 || gid >= src.n_glyphs)
        continue;
      codes[n_codes] = codepoints[i];
      glyphs[n_codes++] = gid;
      g_array_append_val (queue, gid);
    }
  {
    guint16 notdef = 0;
    g_array_append_val (queue, notdef);
  }
  if (!mark_glyphs (&src, queue, keep))
    goto unsupported;
  for (guint gid = 0; gid < src.n_glyphs; gid++)
    if (keep[gid])
      new_ids[gid] = (guint16) n_kept++;
  for (guint i = 0; i < n_codes; i++)
    glyphs[i] = new_ids[glyphs[i]];

  write_glyphs (&src, keep, new_ids, tables);
  add_table (tables, "cmap", build_cmap (codes, glyphs, n_codes));
  add_table (tables, "post", post_format3 (&src.f));
  /* head: long loca offsets, checksum adjustment recomputed at the end. */
  piece = patched_table (&src.f, "head", 54, 50, 1);
  {
    gsize len;
    guint8 *head_copy = g_bytes_unref_to_data (piece, &len);
    memset (head_copy + 8, 0, 4);
    add_table (tables, "head", g_bytes_new_take (head_copy, len));
  }
  if ((piece = patched_table (&src.f, "maxp", 6, 4, n_kept)) != NULL)
    add_table (tables, "maxp", piece);
  if ((piece = patched_table (&src.f, "hhea", 36, 34, n_kept)) == NULL)
    goto unsupported;
  add_table (tables, "hhea", piece);
  if ((piece = build_name (&src.f)) == NULL)
    goto unsupported;
  add_table (tables, "name", piece);
  for (guint i = 0; i < G_N_ELEMENTS (copied); i++)
    if ((piece = copy_table (&src.f, copied[i])) != NULL)
      add_table (tables, copied[i], piece);
  return assemble (&src.f, tables);

unsupported:
  g_set_error_literal (error, CST_PDF_ERROR, CST_PDF_ERROR_FONT,
                       "The font is not a TrueType font with a Unicode character map");
  return NULL;
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

static void
prepare_latin (CstPdfFonts *fonts,
               GBytes      *source)
{
  gunichar codes[256];
  guint n = 0;
  g_autoptr(GBytes) subset = NULL;

  for (guint b = 0x20; b < 256; b++)
    {
      gunichar c = cp1252_to_unichar (b);
      fonts->latin_has[b] = c != 0 && (c == ' ' || cst_ttf_lookup_glyph (source, c) != 0);
      if (fonts->latin_has[b])
        codes[n++] = c;
    }
  /* cmap segments must be ascending. */
  for (guint i = 1; i < n; i++)
    for (guint k = i; k > 0 && codes[k - 1] > codes[k]; k--)
      {
        gunichar t = codes[k];
        codes[k] = codes[k - 1];
        codes[k - 1] = t;
      }
  subset = cst_ttf_subset (source, codes, n, NULL);
  if (subset != NULL)
    fonts->latin_path = store_in_memory_file (subset);
  /* Every document embeds the same subset: deflated here, once
   * (cst-pdf.c, embed_latin_file). */
  if (subset != NULL && fonts->latin_path != NULL)
    {
      fonts->latin_file = deflate_bytes (subset);
      fonts->latin_file_length = g_bytes_get_size (subset);
    }
  if (fonts->latin_path == NULL)
    fonts->latin_path = g_strdup (fonts->latin_source);
  for (guint b = 0x20; b < 256; b++)
    if (fonts->latin_has[b])
      fonts->latin_widths[b] = cst_ttf_advance (source, cp1252_to_unichar (b));
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
  latin = read_font (fonts->latin_source);
  if (latin == NULL)
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
  return fonts->unicode_data != NULL && cst_ttf_lookup_glyph (fonts->unicode_data, c) != 0;
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
