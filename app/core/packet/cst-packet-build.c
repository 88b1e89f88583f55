/* cst-packet-build.c — the records packet as one PDF, every record page
 * stamped, and whether a file is exactly the last packet built
 *
 * Each record document streams out of the database into a private (0700)
 * directory, one file at a time through one chunk.  A PDF's pages are
 * copied as they are by libqpdf (its C API copies pages between files):
 * born-digital pages stay vector and searchable.  Scanned pages (PNG,
 * JPEG, TIFF) become PDF pages drawn by cairo, one image in memory at a
 * time, and are then copied the same way.  libqpdf reads its sources
 * lazily, so a document's bytes are read when the packet is written, not
 * held in memory.
 *
 * The stamp goes in a strip added below each page (its MediaBox grows
 * downwards): the page's own content is not moved, scaled or covered, so
 * it can never hide anything.  The stamp is a few PDF operators in a
 * content stream of its own, with the standard Helvetica font (no font
 * file to embed); the page's own streams are wrapped in q/Q first, so a
 * page that leaves its graphics state changed cannot move the stamp.
 *
 * The letters and notices go ahead of the records (cst-packet-assemble.c);
 * they are not record pages: not stamped, not counted in "of M" nor in
 * record_pages.  Bates numbers, when asked for, come from the server
 * (cst-packet-bates.c) once the record pages are counted; the bookmarks
 * are written last (cst-packet-outline.c).
 */
#define G_LOG_DOMAIN "custodian-packet"

#include "config.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gio/gunixoutputstream.h>
#include <jpeglib.h>
#include <qpdf/qpdf-c.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <tiffio.h>
#include <unistd.h>

#include "custodian/cst-db.h"
#include "custodian/cst-error.h"
#include "custodian/cst-json-writer.h"
#include "custodian/cst-private-file.h"
#include "custodian/cst-request-lookup.h"
#include "custodian/cst-request-repo.h"
#include "custodian/cst-packet-kept.h"

#include "cst-packet-assemble-private.h"
#include "cst-packet-pages-private.h"
#include "cst-packet-private.h"
#include "cst-redaction-private.h"

/* The strip added below each record page for its stamp, in points. */
#define STAMP_STRIP 24.0
#define STAMP_FONT_SIZE 8.0
/* A scanned page is drawn to fit US Letter, turned to match the image. */
#define SCAN_LONG_SIDE 792.0
#define SCAN_SHORT_SIDE 612.0
/* The largest scanned page decoded: 120 megapixels (a letter page at 1200 dpi). */
#define SCAN_PIXEL_LIMIT ((guint64) 120 * 1000 * 1000)

void
cst_packet_build_free (CstPacketBuild *build)
{
  if (build == NULL)
    return;
  g_free (build->sha256);
  g_clear_pointer (&build->documents, g_ptr_array_unref);
  g_clear_pointer (&build->spans, g_array_unref);
  g_free (build);
}

void
cst_packet_verdict_clear (CstPacketVerdict *verdict)
{
  g_clear_pointer (&verdict->built_sha256, g_free);
  g_clear_pointer (&verdict->file_sha256, g_free);
}

static void
set_build_error (GError    **error,
                 const char *what)
{
  g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
               _("The packet could not be built: %s"), what);
}

static gboolean
qpdf_failed (qpdf_data   q,
             GError    **error)
{
  if (!qpdf_has_error (q))
    return FALSE;
  set_build_error (error, qpdf_get_error_full_text (q, qpdf_get_error (q)));
  return TRUE;
}

/* ---- documents out of the database ------------------------------------ */

static char *
stream_document (PGconn             *conn,
                 const char         *dir,
                 CstRecordDocument  *doc,
                 GCancellable       *cancellable,
                 GError            **error)
{
  g_autofree char *name = g_strdup_printf ("document-%" G_GINT64_FORMAT, doc->id);
  g_autofree char *base = g_build_filename (dir, name, NULL);
  g_autofree char *path = NULL;
  g_autoptr(GOutputStream) out = NULL;
  int fd = cst_private_file_create_temp (base, &path, error);

  if (fd < 0)
    return NULL;
  out = g_unix_output_stream_new (fd, TRUE);
  if (!cst_packet_document_write_to (conn, doc->id, out, cancellable, error) ||
      !g_output_stream_close (out, cancellable, error))
    return NULL;
  return g_steal_pointer (&path);
}

/* ---- scanned pages to PDF pages ---------------------------------------- */

void
cst_packet_scan_fit (double      width,
                     double      height,
                     CstScanFit *fit)
{
  fit->page_width = width > height ? SCAN_LONG_SIDE : SCAN_SHORT_SIDE;
  fit->page_height = width > height ? SCAN_SHORT_SIDE : SCAN_LONG_SIDE;
  fit->scale = MIN (fit->page_width / width, fit->page_height / height);
  fit->x = (fit->page_width - width * fit->scale) / 2;
  fit->y = (fit->page_height - height * fit->scale) / 2;
}

static void
draw_scan_page (cairo_surface_t *pdf,
                cairo_surface_t *image)
{
  CstScanFit fit;
  cairo_t *cr;

  cst_packet_scan_fit (cairo_image_surface_get_width (image),
                       cairo_image_surface_get_height (image), &fit);
  cairo_pdf_surface_set_size (pdf, fit.page_width, fit.page_height);
  cr = cairo_create (pdf);
  /* Centred: the same margins above and below, so cairo's top-down y
   * gives the same place as PDF's bottom-up one. */
  cairo_translate (cr, fit.x, fit.y);
  cairo_scale (cr, fit.scale, fit.scale);
  cairo_set_source_surface (cr, image, 0, 0);
  cairo_paint (cr);
  cairo_show_page (cr);
  cairo_destroy (cr);
}

static cairo_surface_t *
tiff_page_surface (TIFF    *tiff,
                   GError **error)
{
  guint32 w = 0, h = 0;
  cairo_surface_t *image;
  guint32 *pixels;

  TIFFGetField (tiff, TIFFTAG_IMAGEWIDTH, &w);
  TIFFGetField (tiff, TIFFTAG_IMAGELENGTH, &h);
  if (w == 0 || h == 0 || (guint64) w * h > SCAN_PIXEL_LIMIT || w > 32767 || h > 32767)
    {
      set_build_error (error, _("a scanned page is too large to draw."));
      return NULL;
    }
  /* An RGB24 row of w pixels is exactly w × 4 bytes, as libtiff's raster
   * wants: the page is decoded straight into the surface. */
  image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) w, (int) h);
  pixels = (guint32 *) cairo_image_surface_get_data (image);
  if (!TIFFReadRGBAImageOriented (tiff, w, h, pixels, ORIENTATION_TOPLEFT, 0))
    {
      cairo_surface_destroy (image);
      set_build_error (error, _("a scanned page cannot be decoded."));
      return NULL;
    }
  for (guint64 i = 0; i < (guint64) w * h; i++)
    pixels[i] = (TIFFGetR (pixels[i]) << 16) | (TIFFGetG (pixels[i]) << 8) | TIFFGetB (pixels[i]);
  cairo_surface_mark_dirty (image);
  return image;
}

static gboolean
draw_tiff (cairo_surface_t *pdf,
           const char      *path,
           GError         **error)
{
  TIFF *tiff = TIFFOpen (path, "r");
  gboolean ok = TRUE;

  if (tiff == NULL)
    {
      set_build_error (error, _("a scanned document cannot be opened."));
      return FALSE;
    }
  do
    {
      cairo_surface_t *image = tiff_page_surface (tiff, error);

      if (image == NULL)
        {
          ok = FALSE;
          break;
        }
      draw_scan_page (pdf, image);
      cairo_surface_destroy (image);
    }
  while (TIFFReadDirectory (tiff));
  TIFFClose (tiff);
  return ok;
}

typedef struct
{
  struct jpeg_error_mgr public;
  jmp_buf               escape;
} JpegErrors;

static void
jpeg_escape (j_common_ptr info)
{
  longjmp (((JpegErrors *) info->err)->escape, 1);
}

/* Decodes @path (libjpeg-turbo writes cairo's RGB24 byte order directly)
 * and hands cairo the original bytes too, which it embeds as they are. */
static cairo_surface_t *
jpeg_surface (const char *path,
              GError    **error)
{
  struct jpeg_decompress_struct info;
  JpegErrors errors;
  cairo_surface_t *volatile image = NULL;
  guchar *bytes = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, (char **) &bytes, &length, error))
    return NULL;
  info.err = jpeg_std_error (&errors.public);
  errors.public.error_exit = jpeg_escape;
  if (setjmp (errors.escape))
    {
      jpeg_destroy_decompress (&info);
      if (image != NULL)
        cairo_surface_destroy (image);
      g_free (bytes);
      set_build_error (error, _("a scanned page cannot be decoded."));
      return NULL;
    }
  jpeg_create_decompress (&info);
  jpeg_mem_src (&info, bytes, length);
  jpeg_read_header (&info, TRUE);
  if ((guint64) info.image_width * info.image_height > SCAN_PIXEL_LIMIT ||
      info.image_width > 32767 || info.image_height > 32767)
    longjmp (errors.escape, 1);
  info.out_color_space = G_BYTE_ORDER == G_LITTLE_ENDIAN ? JCS_EXT_BGRX : JCS_EXT_XRGB;
  jpeg_start_decompress (&info);
  image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) info.output_width,
                                      (int) info.output_height);
  {
    guchar *data = cairo_image_surface_get_data (image);
    int stride = cairo_image_surface_get_stride (image);

    while (info.output_scanline < info.output_height)
      {
        JSAMPROW row = data + (gsize) info.output_scanline * stride;

        jpeg_read_scanlines (&info, &row, 1);
      }
  }
  jpeg_finish_decompress (&info);
  jpeg_destroy_decompress (&info);
  cairo_surface_mark_dirty (image);
  cairo_surface_set_mime_data (image, CAIRO_MIME_TYPE_JPEG, bytes, length, g_free, bytes);
  return image;
}

static gboolean
draw_single_image (cairo_surface_t  *pdf,
                   const char       *path,
                   CstRecordFileType type,
                   GError          **error)
{
  cairo_surface_t *image = type == CST_RECORD_FILE_PNG ? cairo_image_surface_create_from_png (path)
                                                       : jpeg_surface (path, error);

  if (image == NULL)
    return FALSE;
  if (cairo_surface_status (image) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (image);
      set_build_error (error, _("a scanned page cannot be decoded."));
      return FALSE;
    }
  draw_scan_page (pdf, image);
  cairo_surface_destroy (image);
  return TRUE;
}

/* Writes a PDF of @path's scanned pages beside it; returns its path.
 * Redaction finds text on the same pages (cst-redaction-find.c). */
char *
cst_packet_scan_to_pdf (const char        *path,
                        CstRecordFileType  type,
                        GError           **error)
{
  g_autofree char *pdf_path = g_strconcat (path, ".pdf", NULL);
  cairo_surface_t *pdf = cairo_pdf_surface_create (pdf_path, SCAN_SHORT_SIDE, SCAN_LONG_SIDE);
  gboolean ok = type == CST_RECORD_FILE_TIFF ? draw_tiff (pdf, path, error)
                                             : draw_single_image (pdf, path, type, error);

  cairo_surface_finish (pdf);
  if (ok && cairo_surface_status (pdf) != CAIRO_STATUS_SUCCESS)
    {
      set_build_error (error, cairo_status_to_string (cairo_surface_status (pdf)));
      ok = FALSE;
    }
  cairo_surface_destroy (pdf);
  g_unlink (path);
  if (!ok)
    {
      g_unlink (pdf_path);
      return NULL;
    }
  return g_steal_pointer (&pdf_path);
}

/* ---- the stamp --------------------------------------------------------- */

/* A PDF literal string of @text: printable ASCII, the rest as '?'. */
static void
append_pdf_string (GString    *out,
                   const char *text)
{
  g_string_append_c (out, '(');
  for (const char *p = text; *p; p++)
    {
      guchar c = (guchar) *p;

      if (c == '(' || c == ')' || c == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, c >= 0x20 && c < 0x7f ? (char) c : '?');
    }
  g_string_append_c (out, ')');
}

/* The text of the stamp on page @n of @m: not translated, since it is
 * read on paper by whoever receives the records, and the reference and
 * the numbers are what matter. */
static char *
stamp_text (const char *reference,
            guint       n,
            guint       m,
            const char *bates)
{
  if (bates != NULL)
    return g_strdup_printf ("%s    page %u of %u    %s", reference, n, m, bates);
  return g_strdup_printf ("%s    page %u of %u", reference, n, m);
}

static qpdf_oh
new_stream (qpdf_data   q,
            const char *data)
{
  qpdf_oh stream = qpdf_oh_new_stream (q);
  qpdf_oh none = qpdf_oh_new_null (q);

  qpdf_oh_replace_stream_data (q, stream, (const unsigned char *) data, strlen (data), none, none);
  qpdf_oh_release (q, none);
  return stream;
}

static void
read_box (qpdf_data q,
          qpdf_oh   box,
          double    out[4])
{
  double v[4];

  for (int i = 0; i < 4; i++)
    {
      qpdf_oh item = qpdf_oh_get_array_item (q, box, i);

      v[i] = qpdf_oh_get_numeric_value (q, item);
      qpdf_oh_release (q, item);
    }
  out[0] = MIN (v[0], v[2]);
  out[1] = MIN (v[1], v[3]);
  out[2] = MAX (v[0], v[2]);
  out[3] = MAX (v[1], v[3]);
}

static gboolean
is_box (qpdf_data q,
        qpdf_oh   box)
{
  return qpdf_oh_is_array (q, box) && qpdf_oh_get_array_n_items (q, box) == 4;
}

static void
set_box (qpdf_data    q,
         qpdf_oh      page,
         const char  *key,
         const double b[4])
{
  qpdf_oh array = qpdf_oh_new_array (q);

  for (int i = 0; i < 4; i++)
    {
      qpdf_oh number = qpdf_oh_new_real_from_double (q, b[i], 2);

      qpdf_oh_append_item (q, array, number);
      qpdf_oh_release (q, number);
    }
  qpdf_oh_replace_key (q, page, key, array);
  qpdf_oh_release (q, array);
}

/* Grows the page's boxes downwards by the strip; returns the visible
 * box's lower left corner, where the strip starts. */
static void
add_strip (qpdf_data q,
           qpdf_oh   page,
           double   *x,
           double   *y)
{
  qpdf_oh media = qpdf_oh_get_key (q, page, "/MediaBox");
  qpdf_oh crop = qpdf_oh_get_key (q, page, "/CropBox");
  double m[4] = { 0, 0, SCAN_SHORT_SIDE, SCAN_LONG_SIDE };
  double c[4];

  if (is_box (q, media))
    read_box (q, media, m);
  if (is_box (q, crop))
    read_box (q, crop, c);
  else
    memcpy (c, m, sizeof c);
  c[1] -= STAMP_STRIP;
  m[1] = MIN (m[1], c[1]);
  set_box (q, page, "/MediaBox", m);
  if (is_box (q, crop))
    set_box (q, page, "/CropBox", c);
  *x = c[0];
  *y = c[1];
  qpdf_oh_release (q, media);
  qpdf_oh_release (q, crop);
}

/* The Helvetica the stamp writes with, as /CstStamp in the page's fonts. */
static void
add_stamp_font (qpdf_data q,
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
  qpdf_oh_replace_key (q, fonts, "/CstStamp", font);
  qpdf_oh_release (q, font);
  qpdf_oh_release (q, fonts);
  qpdf_oh_release (q, resources);
}

/* The page's streams between q and Q, then the stamp. */
static void
add_stamp_content (qpdf_data   q,
                   qpdf_oh     page,
                   const char *stamp)
{
  qpdf_oh contents = qpdf_oh_get_key (q, page, "/Contents");
  qpdf_oh array = qpdf_oh_new_array (q);
  qpdf_oh before = new_stream (q, "q\n");
  qpdf_oh after = new_stream (q, stamp);

  qpdf_oh_append_item (q, array, before);
  if (qpdf_oh_is_array (q, contents))
    for (int i = 0; i < qpdf_oh_get_array_n_items (q, contents); i++)
      {
        qpdf_oh item = qpdf_oh_get_array_item (q, contents, i);

        qpdf_oh_append_item (q, array, item);
        qpdf_oh_release (q, item);
      }
  else if (qpdf_oh_is_stream (q, contents))
    qpdf_oh_append_item (q, array, contents);
  qpdf_oh_append_item (q, array, after);
  qpdf_oh_replace_key (q, page, "/Contents", array);
  qpdf_oh_release (q, before);
  qpdf_oh_release (q, after);
  qpdf_oh_release (q, array);
  qpdf_oh_release (q, contents);
}

static void
stamp_page (qpdf_data   q,
            qpdf_oh     page,
            const char *reference,
            guint       n,
            guint       m,
            const char *bates)
{
  g_autofree char *text = stamp_text (reference, n, m, bates);
  g_autoptr(GString) ops = g_string_new ("Q\nq 0 g BT /CstStamp ");
  char number[3][G_ASCII_DTOSTR_BUF_SIZE];
  double x, y;

  add_strip (q, page, &x, &y);
  add_stamp_font (q, page);
  g_string_append_printf (ops, "%s Tf 1 0 0 1 %s %s Tm ",
                          g_ascii_formatd (number[0], sizeof number[0], "%.1f", STAMP_FONT_SIZE),
                          g_ascii_formatd (number[1], sizeof number[1], "%.2f", x + 18),
                          g_ascii_formatd (number[2], sizeof number[2], "%.2f", y + 9));
  append_pdf_string (ops, text);
  g_string_append (ops, " Tj ET Q\n");
  add_stamp_content (q, page, ops->str);
}

/* ---- assembling -------------------------------------------------------- */

typedef struct
{
  qpdf_data  out;
  GPtrArray *sources;     /* qpdf_data, kept open until the packet is written */
  guint      pages;
  guint      front_pages; /* the letters' and notices', ahead of the records */
  GArray    *bookmarks;   /* CstPacketBookmark */
  CstRedactionBurn *burn;  /* the request's redactions (cst-redaction-burn.c) */
  GArray    *spans;       /* CstPacketSpan, one per record document appended */
} Assembly;

static void
bookmark_clear (CstPacketBookmark *bookmark)
{
  g_free (bookmark->title);
}

static void
add_bookmark (Assembly *a,
              char     *title)
{
  CstPacketBookmark bookmark = { title, a->pages };

  g_array_append_val (a->bookmarks, bookmark);
}

static void
assembly_clear (Assembly *a)
{
  for (guint i = 0; a->sources && i < a->sources->len; i++)
    {
      qpdf_data q = g_ptr_array_index (a->sources, i);

      qpdf_cleanup (&q);
    }
  g_clear_pointer (&a->sources, g_ptr_array_unref);
  g_clear_pointer (&a->bookmarks, g_array_unref);
  g_clear_pointer (&a->spans, g_array_unref);
  if (a->out != NULL)
    qpdf_cleanup (&a->out);
}

static qpdf_data
open_source (Assembly *a)
{
  qpdf_data q = qpdf_init ();

  qpdf_silence_errors (q);
  qpdf_set_suppress_warnings (q, QPDF_TRUE);
  g_ptr_array_add (a->sources, q);
  return q;
}

/* Copies pages of @q into the packet: those listed in @selection (qpdf's
 * numbers, from 0; cst_packet_pages_included(), so pages left out never
 * enter it), or the first @pages when @selection is NULL. */
static gboolean
copy_pages (Assembly   *a,
            qpdf_data   q,
            GArray     *selection,
            int         pages,
            GError    **error)
{
  guint n = selection ? selection->len : (guint) MAX (pages, 0);

  for (guint i = 0; i < n; i++)
    {
      qpdf_oh page = qpdf_get_page_n (q, selection ? g_array_index (selection, guint, i) : i);

      if (qpdf_add_page (a->out, q, page, QPDF_FALSE) & QPDF_ERRORS)
        {
          qpdf_failed (a->out, error);
          return FALSE;
        }
      qpdf_oh_release (q, page);
    }
  a->pages += n;
  return TRUE;
}

/* A letter or notice, ahead of the records; its bytes stay with @part
 * until the packet is written (libqpdf reads them lazily). */
static gboolean
append_part (Assembly       *a,
             CstPacketPart  *part,
             GError        **error)
{
  qpdf_data q = open_source (a);
  gsize size = 0;
  const char *data = g_bytes_get_data (part->pdf, &size);
  int pages;

  if (qpdf_read_memory (q, part->title, data, size, NULL) & QPDF_ERRORS ||
      qpdf_push_inherited_attributes_to_page (q) & QPDF_ERRORS)
    {
      qpdf_failed (q, error);
      return FALSE;
    }
  pages = qpdf_get_num_pages (q);
  add_bookmark (a, g_strdup (part->title));
  if (!copy_pages (a, q, NULL, pages, error))
    return FALSE;
  a->front_pages += (guint) MAX (pages, 0);
  return TRUE;
}

/* "Record 2: discharge summary, 2026-01-03 to 2026-01-09": the kind and
 * dates, never the file's name, which may name the patient. */
static char *
document_bookmark (CstRecordDocument *doc)
{
  GString *title = g_string_new (NULL);

  g_string_append_printf (title, "Record %u: %s", doc->position, doc->kind);
  if (doc->service_from != NULL && doc->service_to != NULL)
    {
      char from[16], to[16];

      g_date_strftime (from, sizeof from, "%Y-%m-%d", doc->service_from);
      g_date_strftime (to, sizeof to, "%Y-%m-%d", doc->service_to);
      g_string_append_printf (title, ", %s to %s", from, to);
    }
  return g_string_free (title, FALSE);
}

static gboolean
append_document (Assembly           *a,
                 const char         *path,
                 CstRecordDocument  *doc,
                 GArray             *selection,
                 GError            **error)
{
  qpdf_data q = open_source (a);
  int pages;

  if (qpdf_read (q, path, NULL) & QPDF_ERRORS || qpdf_failed (q, error) ||
      qpdf_push_inherited_attributes_to_page (q) & QPDF_ERRORS)
    {
      qpdf_failed (q, error);
      return FALSE;
    }
  pages = qpdf_get_num_pages (q);
  if (pages < 0 || (guint) pages != doc->pages)
    {
      /* The page count stored when the file came in is the one the fee
       * and the stamps count on; a file that reads otherwise now is not
       * packed silently. */
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("The packet could not be built: %s now reads as %d pages, but %u were recorded when it was added."),
                   doc->name, pages, doc->pages);
      return FALSE;
    }
  add_bookmark (a, document_bookmark (doc));
  return copy_pages (a, q, selection, pages, error);
}

/* Stamps the record pages only: N of M counts them, not the letters. */
static gboolean
stamp_pages (Assembly   *a,
             const char *reference,
             const char *bates_prefix,
             int         bates_digits,
             gint64      bates_first,
             GError    **error)
{
  guint records = a->pages - a->front_pages;

  for (guint i = 0; i < records; i++)
    {
      qpdf_oh page = qpdf_get_page_n (a->out, a->front_pages + i);
      g_autofree char *bates = bates_prefix == NULL ? NULL
        : cst_packet_bates_format (bates_prefix, bates_digits, bates_first + i);

      stamp_page (a->out, page, reference, i + 1, records, bates);
      qpdf_oh_release (a->out, page);
      if (qpdf_failed (a->out, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
write_packet (Assembly   *a,
              const char *path,
              GError    **error)
{
  if (qpdf_init_write (a->out, path) & QPDF_ERRORS)
    return !qpdf_failed (a->out, error);
  /* The same documents give the same bytes: no random /ID. */
  qpdf_set_deterministic_ID (a->out, QPDF_TRUE);
  qpdf_set_object_stream_mode (a->out, qpdf_o_generate);
  if (qpdf_write (a->out) & QPDF_ERRORS)
    return !qpdf_failed (a->out, error);
  return TRUE;
}

char *
cst_packet_file_sha256 (const char  *path,
                        GError     **error)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buffer = g_malloc (CST_RECORD_CHUNK_SIZE);
  FILE *file = g_fopen (path, "rb");
  size_t n;

  if (file == NULL)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT, _("%s cannot be read."), path);
      return NULL;
    }
  while ((n = fread (buffer, 1, CST_RECORD_CHUNK_SIZE, file)) > 0)
    g_checksum_update (checksum, buffer, n);
  fclose (file);
  return g_strdup (g_checksum_get_string (checksum));
}

/* Streams and copies every document into @a; the temporary files are
 * listed in @temps for removal. */
static gboolean
assemble (PGconn       *conn,
          Assembly     *a,
          const char   *dir,
          GPtrArray    *docs,
          GPtrArray    *temps,
          GCancellable *cancellable,
          GError      **error)
{
  for (guint i = 0; i < docs->len; i++)
    {
      CstRecordDocument *doc = g_ptr_array_index (docs, i);
      g_autoptr(GArray) selection = cst_packet_pages_included (conn, doc, error);
      char *path = selection ? stream_document (conn, dir, doc, cancellable, error) : NULL;
      char *pdf;
      char *burned = NULL;
      CstPacketSpan span;

      if (path == NULL)
        return FALSE;
      if (doc->type == CST_RECORD_FILE_PNG && (pdf = cst_packet_png_to_pdf (path)) != NULL)
        {
          g_unlink (path);
          g_free (path);
          path = pdf;
        }
      else if (doc->type != CST_RECORD_FILE_PDF)
        {
          pdf = cst_packet_scan_to_pdf (path, doc->type, error);

          g_free (path);
          if ((path = pdf) == NULL)
            return FALSE;
        }
      g_ptr_array_add (temps, path);
      /* A page with a redaction box is replaced by its burned image. */
      if (!cst_redaction_burn_document (a->burn, doc, path, a->pages, selection, &burned, error))
        return FALSE;
      if (burned != NULL)
        g_ptr_array_add (temps, path = burned);
      span.first_page = a->pages + 1;
      if (!append_document (a, path, doc, selection, error))
        return FALSE;
      span.pages = a->pages + 1 - span.first_page;
      g_array_append_val (a->spans, span);
    }
  return TRUE;
}

/* Each document with where it sits in the packet: the release records
 * its page range from these (packet_build_documents(), 0068). */
static char *
documents_json (const CstPacketBuild *build)
{
  GString *out = g_string_new (NULL);
  CstJsonWriter w;

  cst_json_writer_init (&w, out);
  cst_json_writer_begin_array (&w);
  for (guint i = 0; i < build->documents->len; i++)
    {
      CstRecordDocument *doc = g_ptr_array_index (build->documents, i);
      const CstPacketSpan *span = &g_array_index (build->spans, CstPacketSpan, i);

      cst_json_writer_begin_object (&w);
      cst_json_writer_key (&w, "id");
      cst_json_writer_int (&w, doc->id);
      cst_json_writer_key (&w, "sha256");
      cst_json_writer_string (&w, doc->sha256);
      cst_json_writer_key (&w, "pages");
      cst_json_writer_int (&w, doc->pages);
      cst_json_writer_key (&w, "first_page");
      cst_json_writer_int (&w, span->first_page);
      cst_json_writer_key (&w, "released_pages");
      cst_json_writer_int (&w, span->pages);
      cst_json_writer_end_object (&w);
    }
  cst_json_writer_end_array (&w);
  return g_string_free (out, FALSE);
}

static gint64
record_build (PGconn         *conn,
              gint64          request_id,
              CstPacketBuild *build,
              GError        **error)
{
  g_autofree char *request = g_strdup_printf ("%" G_GINT64_FORMAT, request_id);
  g_autofree char *pages = g_strdup_printf ("%u", build->pages);
  g_autofree char *record_pages = g_strdup_printf ("%u", build->record_pages);
  g_autofree char *documents = documents_json (build);
  const char *params[] = { request, build->sha256, pages, record_pages, documents };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT record_packet_built($1, $2, $3, $4, $5::jsonb)", 5, params, error);

  return res ? cst_db_int64 (res, 0, 0) : 0;
}

static void
remove_temps (GPtrArray  *temps,
              const char *dir)
{
  for (guint i = 0; i < temps->len; i++)
    g_unlink (g_ptr_array_index (temps, i));
  g_rmdir (dir);
}

/* The letters and notices, then the record documents. */
static gboolean
assemble_all (PGconn       *conn,
              Assembly     *a,
              GPtrArray    *front,
              const char   *dir,
              GPtrArray    *docs,
              GPtrArray    *temps,
              GCancellable *cancellable,
              GError      **error)
{
  for (guint i = 0; i < front->len; i++)
    if (!append_part (a, g_ptr_array_index (front, i), error))
      return FALSE;
  return assemble (conn, a, dir, docs, temps, cancellable, error);
}

/* Numbers (when asked) and stamps the record pages, then bookmarks. */
static gboolean
stamp_and_mark (PGconn                  *conn,
                Assembly                *a,
                CstRequest              *request,
                const CstPacketOptions  *options,
                CstPacketBates          *bates,
                GError                 **error)
{
  g_autofree char *prefix = NULL;
  int digits = 0;

  /* Numbers are handed out only once the packet is sure to have its
   * pages, so a refused document spends none. */
  if (options->bates &&
      !cst_packet_bates_allocate (conn, cst_request_get_id (request), a->pages - a->front_pages,
                                  bates, &prefix, &digits, error))
    return FALSE;
  if (!stamp_pages (a, cst_request_get_reference (request), prefix, digits,
                    bates->first_number, error))
    return FALSE;
  cst_packet_outline_write (a->out, a->bookmarks);
  return !qpdf_failed (a->out, error);
}

/* Writes the packet to a 0600 temporary file beside @output, named in
 * @temp_output; the caller records the build, then puts it in place. */
static CstPacketBuild *
build_packet (PGconn                  *conn,
              CstRequest              *request,
              GPtrArray               *front,
              GPtrArray               *docs,
              const CstPacketOptions  *options,
              CstPacketBates          *bates,
              const char              *output,
              const char              *dir,
              CstRedactionBurn        *burn,
              char                   **temp_output,
              GCancellable            *cancellable,
              GError                 **error)
{
  g_autoptr(GPtrArray) temps = g_ptr_array_new_with_free_func (g_free);
  Assembly a = { qpdf_init (), g_ptr_array_new (), 0, 0,
                 g_array_new (FALSE, FALSE, sizeof (CstPacketBookmark)), burn,
                 g_array_new (FALSE, FALSE, sizeof (CstPacketSpan)) };
  CstPacketBuild *build = NULL;
  int fd;

  g_array_set_clear_func (a.bookmarks, (GDestroyNotify) bookmark_clear);
  qpdf_silence_errors (a.out);
  qpdf_set_suppress_warnings (a.out, QPDF_TRUE);
  if (qpdf_empty_pdf (a.out) & QPDF_ERRORS)
    {
      qpdf_failed (a.out, error);
      goto out;
    }
  if (!assemble_all (conn, &a, front, dir, docs, temps, cancellable, error) ||
      !stamp_and_mark (conn, &a, request, options, bates, error) ||
      (fd = cst_private_file_create_temp (output, temp_output, error)) < 0)
    goto out;
  close (fd);
  build = g_new0 (CstPacketBuild, 1);
  build->pages = a.pages;
  build->record_pages = a.pages - a.front_pages;
  build->documents = g_ptr_array_ref (docs);
  build->spans = g_steal_pointer (&a.spans);
  if (!cst_redaction_burn_append_log (a.burn, a.out, &build->pages, error) ||
      !write_packet (&a, *temp_output, error) ||
      !(build->sha256 = cst_packet_file_sha256 (*temp_output, error)))
    {
      g_unlink (*temp_output);
      g_clear_pointer (temp_output, g_free);
      g_clear_pointer (&build, cst_packet_build_free);
    }
out:
  assembly_clear (&a);
  remove_temps (temps, dir);
  return build;
}

/* The request and its documents, or NULL with @error set. */
static GPtrArray *
load_documents (PGconn      *conn,
                gint64       request_id,
                CstRequest **request,
                GError     **error)
{
  g_autoptr(GPtrArray) docs = NULL;

  if (!(*request = cst_request_repo_get (conn, request_id, error)) ||
      !(docs = cst_packet_list (conn, request_id, error)))
    return NULL;
  if (docs->len == 0)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("Request %s has no record documents to build a packet of."),
                   cst_request_get_reference (*request));
      return NULL;
    }
  return g_steal_pointer (&docs);
}

/**
 * cst_packet_build_with:
 * @output: where the packet PDF goes (written 0600, put in place whole)
 * @options: (nullable): how; NULL for the defaults
 * @bates: (out caller-allocates) (optional): the Bates numbers stamped
 *
 * Builds the request's packet: the cover letter, the invoice when one was
 * issued and the notices its records call for, then its record documents
 * in release order, each record page stamped with the request's
 * reference, "page N of M" (of the record pages) and, with
 * @options->bates, the next Bates number, in a strip added below it;
 * bookmarks for each part.  Records the build (its SHA-256 and pages) for
 * cst_packet_verify_at().  Reading the documents, rendering the letters,
 * handing out the Bates numbers and recording the build are one
 * transaction, so the build carries exactly the documents it names.
 *
 * Returns: (transfer full): what was built, or NULL with @error set
 */
CstPacketBuild *
cst_packet_build_with (PGconn                  *conn,
                       gint64                   request_id,
                       const char              *output,
                       const CstPacketOptions  *options,
                       CstPacketBates          *bates,
                       GCancellable            *cancellable,
                       GError                 **error)
{
  static const CstPacketOptions defaults = { FALSE, NULL, CST_PDF_PAPER_LETTER };
  g_auto(CstPacketBates) numbers = { 0 };
  g_autoptr(CstRequest) request = NULL;
  g_autoptr(GPtrArray) docs = NULL;
  g_autoptr(GPtrArray) front = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *temp_output = NULL;
  g_autoptr(CstRedactionBurn) burn = NULL;
  CstPacketBuild *build = NULL;
  gboolean own = FALSE;

  if (options == NULL)
    options = &defaults;
  if (!cst_db_join (conn, CST_DB_READ_WRITE, &own, error))
    return NULL;
  if (!(docs = load_documents (conn, request_id, &request, error)) ||
      !(front = cst_packet_front_matter (conn, request, options, error)) ||
      !(dir = g_dir_make_tmp ("custodian-packet-XXXXXX", error)))
    goto out;
  if (!(burn = cst_redaction_burn_new (conn, request_id, error)))
    goto out;
  build = build_packet (conn, request, front, docs, options, &numbers, output, dir, burn,
                        &temp_output, cancellable, error);
  /* Recorded before it is put in place: a login that may not build
   * leaves no packet behind. */
  if (build != NULL && !(build->id = record_build (conn, request_id, build, error)))
    g_clear_pointer (&build, cst_packet_build_free);
  /* The redactions proven gone from the packet, or the release refused. */
  if (build != NULL && !cst_redaction_burn_prove (burn, conn, build->id, temp_output, error))
    g_clear_pointer (&build, cst_packet_build_free);
  /* Kept with its build: what is approved, released and sent (0074). */
  if (build != NULL && !cst_packet_keep (conn, build->id, temp_output, error))
    g_clear_pointer (&build, cst_packet_build_free);
  if (build != NULL && !cst_private_file_commit (temp_output, output, error))
    g_clear_pointer (&build, cst_packet_build_free);
  else if (build != NULL)
    g_clear_pointer (&temp_output, g_free);
out:
  if (temp_output != NULL)
    g_unlink (temp_output);
  if (!cst_db_leave (conn, own, build != NULL, build ? error : NULL) && build != NULL)
    {
      /* Not recorded after all: no packet that verify would not know. */
      g_unlink (output);
      g_clear_pointer (&build, cst_packet_build_free);
    }
  if (build != NULL && bates != NULL)
    {
      *bates = numbers;
      memset (&numbers, 0, sizeof numbers);
    }
  return build;
}

/**
 * cst_packet_build:
 *
 * cst_packet_build_with() with the default options: English letters, no
 * Bates numbers.
 *
 * Returns: (transfer full): what was built, or NULL with @error set
 */
CstPacketBuild *
cst_packet_build (PGconn        *conn,
                  gint64         request_id,
                  const char    *output,
                  GCancellable  *cancellable,
                  GError       **error)
{
  return cst_packet_build_with (conn, request_id, output, NULL, NULL, cancellable, error);
}

typedef struct
{
  gint64  request_id;
  char   *output;
} BuildJob;

static void
build_job_free (BuildJob *job)
{
  g_free (job->output);
  g_free (job);
}

static gpointer
build_job_run (PGconn   *conn,
               gpointer  data,
               GError  **error)
{
  BuildJob *job = data;

  return cst_packet_build (conn, job->request_id, job->output, NULL, error);
}

/**
 * cst_packet_build_async:
 *
 * cst_packet_build() on @connection's worker thread: streaming, drawing
 * and writing the packet never block the caller's main loop.
 */
void
cst_packet_build_async (CstConnection       *connection,
                        gint64               request_id,
                        const char          *output,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  BuildJob *job = g_new0 (BuildJob, 1);

  job->request_id = request_id;
  job->output = g_strdup (output);
  cst_connection_run_async (connection, build_job_run, job, (GDestroyNotify) build_job_free,
                            (GDestroyNotify) cst_packet_build_free, cancellable, callback,
                            user_data);
}

CstPacketBuild *
cst_packet_build_finish (CstConnection  *connection,
                         GAsyncResult   *result,
                         GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}

void
cst_packet_built_free (CstPacketBuilt *built)
{
  if (built == NULL)
    return;
  cst_packet_build_free (built->build);
  cst_packet_bates_clear (&built->bates);
  g_free (built);
}

typedef struct
{
  gint64            request_id;
  char             *output;
  CstPacketOptions  options;
  char             *language;   /* options.language points here */
} BuildWithJob;

static void
build_with_job_free (BuildWithJob *job)
{
  g_free (job->output);
  g_free (job->language);
  g_free (job);
}

static gpointer
build_with_job_run (PGconn   *conn,
                    gpointer  data,
                    GError  **error)
{
  BuildWithJob *job = data;
  CstPacketBuilt *built = g_new0 (CstPacketBuilt, 1);

  if (!(built->build = cst_packet_build_with (conn, job->request_id, job->output, &job->options,
                                              &built->bates, NULL, error)))
    g_clear_pointer (&built, cst_packet_built_free);
  return built;
}

/**
 * cst_packet_build_with_async:
 * @options: (nullable): copied; NULL for the defaults
 *
 * cst_packet_build_with() on @connection's worker thread: the window's
 * build, with its Bates numbers and letters' language.
 */
void
cst_packet_build_with_async (CstConnection           *connection,
                             gint64                   request_id,
                             const char              *output,
                             const CstPacketOptions  *options,
                             GCancellable            *cancellable,
                             GAsyncReadyCallback      callback,
                             gpointer                 user_data)
{
  BuildWithJob *job = g_new0 (BuildWithJob, 1);

  job->request_id = request_id;
  job->output = g_strdup (output);
  job->options.paper = CST_PDF_PAPER_LETTER;
  if (options != NULL)
    {
      job->options = *options;
      job->language = g_strdup (options->language);
      job->options.language = job->language;
    }
  cst_connection_run_async (connection, build_with_job_run, job,
                            (GDestroyNotify) build_with_job_free,
                            (GDestroyNotify) cst_packet_built_free, cancellable, callback,
                            user_data);
}

CstPacketBuilt *
cst_packet_build_with_finish (CstConnection  *connection,
                              GAsyncResult   *result,
                              GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}

CstPacketBuild *
cst_packet_build_with_at (const char              *conninfo,
                          const char              *reference,
                          const char              *output,
                          const CstPacketOptions  *options,
                          CstPacketBates          *bates,
                          GError                 **error)
{
  gint64 request_id = 0;
  g_autoptr(PGconn) conn = cst_request_connect (conninfo, reference, &request_id, error);

  if (conn == NULL)
    return NULL;
  return cst_packet_build_with (conn, request_id, output, options, bates, NULL, error);
}

CstPacketBuild *
cst_packet_build_at (const char  *conninfo,
                     const char  *reference,
                     const char  *output,
                     GError     **error)
{
  return cst_packet_build_with_at (conninfo, reference, output, NULL, NULL, error);
}

/* ---- verifying --------------------------------------------------------- */

static gboolean
last_build (PGconn           *conn,
            gint64            request_id,
            const char       *reference,
            CstPacketVerdict *verdict,
            GError          **error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, request_id);
  const char *params[] = { id };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT sha256, page_count, released FROM packet_of_record($1)", 1, params, error);

  if (res == NULL)
    return FALSE;
  if (PQntuples (res) == 0)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_NOT_FOUND,
                   _("No packet has been built for request %s."), reference);
      return FALSE;
    }
  verdict->built_sha256 = g_strdup (cst_db_value (res, 0, 0));
  verdict->built_pages = (guint) cst_db_int64 (res, 0, 1);
  verdict->released = g_str_equal (cst_db_value (res, 0, 2), "t");
  return TRUE;
}

/* The file's page count, looked at as an incoming record file is (on a
 * thread of its own, with a time limit): the file may be anything. */
static void
count_file_pages (const char       *path,
                  CstPacketVerdict *verdict)
{
  g_auto(CstRecordFileInfo) info = { 0 };
  CstPacketLimits limits = { G_MAXINT64, 0 };

  if (cst_record_file_inspect (path, &limits, &info, NULL) && info.type == CST_RECORD_FILE_PDF)
    verdict->file_pages = info.pages;
}

/**
 * cst_packet_verify_at:
 *
 * Says whether @path is exactly the packet the request released or,
 * before its release, the last one built (by SHA-256; packet_of_record,
 * 0068) and, when not, what differs in @verdict.
 *
 * Returns: FALSE with @error set when the question cannot be answered
 *   (no such request, no build, the file unreadable)
 */
gboolean
cst_packet_verify_at (const char        *conninfo,
                      const char        *reference,
                      const char        *path,
                      CstPacketVerdict  *verdict,
                      GError           **error)
{
  gint64 request_id = 0;
  g_autoptr(PGconn) conn = NULL;

  memset (verdict, 0, sizeof *verdict);
  if (!(conn = cst_request_connect (conninfo, reference, &request_id, error)) ||
      !last_build (conn, request_id, reference, verdict, error) ||
      !(verdict->file_sha256 = cst_packet_file_sha256 (path, error)))
    return FALSE;
  if (g_str_equal (verdict->file_sha256, verdict->built_sha256))
    {
      verdict->kind = CST_PACKET_VERDICT_SAME;
      verdict->file_pages = verdict->built_pages;
      return TRUE;
    }
  count_file_pages (path, verdict);
  if (verdict->file_pages == 0)
    verdict->kind = CST_PACKET_VERDICT_NOT_A_PDF;
  else if (verdict->file_pages > verdict->built_pages)
    verdict->kind = CST_PACKET_VERDICT_PAGES_ADDED;
  else if (verdict->file_pages < verdict->built_pages)
    verdict->kind = CST_PACKET_VERDICT_PAGES_MISSING;
  else
    verdict->kind = CST_PACKET_VERDICT_DIFFERENT_FILE;
  return TRUE;
}
