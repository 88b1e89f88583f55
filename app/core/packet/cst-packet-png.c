/* cst-packet-png.c — a scanned PNG page as a one-page PDF, its image data
 * copied, not decoded
 *
 * A PNG's image data (its IDAT chunks, joined) is a zlib stream of
 * filtered rows, which is exactly what a PDF image with /FlateDecode and
 * the PNG predictor (/Predictor 15) holds.  So a scan becomes a PDF page
 * by copying those bytes through one small buffer: no decoding, no
 * compressing again, and no image in memory (drawing it with cairo cost
 * some 75 ms of CPU a page, 95 % of a 1,000-page packet's; bench/packet).
 * Only the plain kind is taken this way: 8-bit RGB, not interlaced, no
 * palette, alpha or transparency.  Anything else is drawn by cairo as
 * before (cst-packet-build.c).
 */
#define G_LOG_DOMAIN "custodian-packet"

#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "cst-packet-assemble-private.h"

#define COPY_BUFFER (64 * 1024)

typedef struct
{
  guint32 width;
  guint32 height;
  guint8  depth;
  guint8  colour;      /* 2: RGB */
  guint64 data_length; /* of all IDAT chunks */
} PngInfo;

static guint32
be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

/* Reads the header and adds up the image data; FALSE for a PNG this copy
 * does not take (or one it cannot read: cairo then says what is wrong). */
static gboolean
read_info (FILE    *file,
           PngInfo *info)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  guint8 head[8];
  gboolean seen_header = FALSE;

  memset (info, 0, sizeof *info);
  if (fread (head, 1, 8, file) != 8 || memcmp (head, signature, 8) != 0)
    return FALSE;
  while (fread (head, 1, 8, file) == 8)
    {
      guint32 length = be32 (head);
      const char *type = (const char *) head + 4;

      if (memcmp (type, "IHDR", 4) == 0)
        {
          guint8 h[13];

          if (length != 13 || fread (h, 1, 13, file) != 13)
            return FALSE;
          info->width = be32 (h);
          info->height = be32 (h + 4);
          info->depth = h[8];
          info->colour = h[9];
          /* compression 0, filter 0, not interlaced */
          if (h[10] != 0 || h[11] != 0 || h[12] != 0)
            return FALSE;
          /* 8-bit RGB only, the kind the tests prove page by page; grey
           * (which PDF's predictor takes the same way) is drawn until a
           * test shows it right. */
          if (info->colour != 2 || info->depth != 8)
            return FALSE;
          seen_header = TRUE;
          length = 0;
        }
      else if (memcmp (type, "IDAT", 4) == 0)
        info->data_length += length;
      else if (memcmp (type, "tRNS", 4) == 0 || memcmp (type, "PLTE", 4) == 0)
        return FALSE;
      else if (memcmp (type, "IEND", 4) == 0)
        return seen_header && info->data_length > 0 && info->width > 0 && info->height > 0;
      if (fseek (file, (long) length + 4, SEEK_CUR) != 0)
        return FALSE;
    }
  return FALSE;
}

/* Copies the IDAT chunks' data, in order, from @in to @out. */
static gboolean
copy_data (FILE *in,
           FILE *out)
{
  g_autofree guint8 *buffer = g_malloc (COPY_BUFFER);
  guint8 head[8];

  if (fseek (in, 8, SEEK_SET) != 0)
    return FALSE;
  while (fread (head, 1, 8, in) == 8)
    {
      guint32 length = be32 (head);

      if (memcmp (head + 4, "IEND", 4) == 0)
        return TRUE;
      if (memcmp (head + 4, "IDAT", 4) != 0)
        {
          if (fseek (in, (long) length + 4, SEEK_CUR) != 0)
            return FALSE;
          continue;
        }
      while (length > 0)
        {
          size_t n = fread (buffer, 1, MIN (length, COPY_BUFFER), in);

          if (n == 0 || fwrite (buffer, 1, n, out) != n)
            return FALSE;
          length -= (guint32) n;
        }
      if (fseek (in, 4, SEEK_CUR) != 0)   /* the CRC */
        return FALSE;
    }
  return FALSE;
}

static void
format_number (char   *buffer,
               double  value)
{
  g_ascii_formatd (buffer, G_ASCII_DTOSTR_BUF_SIZE, "%.3f", value);
}

/* The page: the image fitted and centred as cairo draws the other scans. */
static char *
page_content (const PngInfo *info,
              CstScanFit    *fit)
{
  char n[4][G_ASCII_DTOSTR_BUF_SIZE];

  cst_packet_scan_fit (info->width, info->height, fit);
  format_number (n[0], info->width * fit->scale);
  format_number (n[1], info->height * fit->scale);
  format_number (n[2], fit->x);
  format_number (n[3], fit->y);
  return g_strdup_printf ("q %s 0 0 %s %s %s cm /Im0 Do Q\n", n[0], n[1], n[2], n[3]);
}

static gboolean
write_pdf (FILE          *in,
           FILE          *out,
           const PngInfo *info)
{
  long offsets[6];
  CstScanFit fit;
  g_autofree char *content = page_content (info, &fit);
  long xref;

  fputs ("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", out);
  offsets[1] = ftell (out);
  fputs ("1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n", out);
  offsets[2] = ftell (out);
  fputs ("2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n", out);
  offsets[3] = ftell (out);
  fprintf (out, "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d]"
                " /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>\nendobj\n",
           (int) fit.page_width, (int) fit.page_height);
  offsets[4] = ftell (out);
  fprintf (out, "4 0 obj\n<< /Type /XObject /Subtype /Image /Width %u /Height %u"
                " /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode"
                " /DecodeParms << /Predictor 15 /Colors 3 /BitsPerComponent 8 /Columns %u >>"
                " /Length %" G_GUINT64_FORMAT " >>\nstream\n",
           info->width, info->height, info->width, info->data_length);
  if (!copy_data (in, out))
    return FALSE;
  fputs ("\nendstream\nendobj\n", out);
  offsets[5] = ftell (out);
  fprintf (out, "5 0 obj\n<< /Length %zu >>\nstream\n%sendstream\nendobj\n", strlen (content),
           content);
  xref = ftell (out);
  fputs ("xref\n0 6\n0000000000 65535 f \n", out);
  for (int i = 1; i <= 5; i++)
    fprintf (out, "%010ld 00000 n \n", offsets[i]);
  fprintf (out, "trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%ld\n%%%%EOF\n", xref);
  return ferror (out) == 0;
}

/**
 * cst_packet_png_to_pdf:
 * @path: a PNG file
 *
 * Writes a one-page PDF of the scan beside @path when it is of a kind
 * whose data can be copied as it is.
 *
 * Returns: (transfer full) (nullable): the PDF's path, or NULL when the
 *   PNG is not of such a kind or could not be copied (the caller draws it)
 */
char *
cst_packet_png_to_pdf (const char *path)
{
  g_autofree char *pdf_path = g_strconcat (path, ".pdf", NULL);
  FILE *in = g_fopen (path, "rb");
  FILE *out = NULL;
  PngInfo info;
  gboolean ok;

  if (in == NULL)
    return NULL;
  ok = read_info (in, &info) && (out = g_fopen (pdf_path, "wb")) != NULL &&
       write_pdf (in, out, &info);
  fclose (in);
  if (out != NULL && fclose (out) != 0)
    ok = FALSE;
  if (!ok)
    {
      if (out != NULL)
        g_unlink (pdf_path);
      return NULL;
    }
  return g_steal_pointer (&pdf_path);
}
