/* cst-test-records.c — record files made in the tests
 *
 * Real files from the libraries that write them: text PDFs from cairo,
 * PNG from cairo, JPEG from gdk-pixbuf, multi-page TIFF from libtiff, a
 * password-protected PDF from the qpdf program.  Each returns the path it
 * wrote in @dir.
 */
#include "config.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <string.h>
#include <tiffio.h>

#include "custodian/cst-packet.h"
#include "custodian/cst-packet-review.h"
#include "custodian/cst-request-repo.h"

#include "cst-test-db.h"
#include "cst-test-records.h"

/* @pages pages of A4-ish text, each saying @text and its page number. */
char *
cst_test_records_pdf (const char *dir,
                      const char *name,
                      guint       pages,
                      const char *text)
{
  char *path = g_build_filename (dir, name, NULL);
  cairo_surface_t *surface = cairo_pdf_surface_create (path, 595, 842);
  cairo_t *cr = cairo_create (surface);

  for (guint i = 1; i <= pages; i++)
    {
      g_autofree char *line = g_strdup_printf ("%s page %u", text, i);

      cairo_select_font_face (cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
      cairo_set_font_size (cr, 14);
      cairo_move_to (cr, 72, 72);
      cairo_show_text (cr, line);
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  return path;
}

static void
draw_lines (cairo_t    *cr,
            const char *text,
            double      scale)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  double y = 72;

  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_select_font_face (cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, 11 * scale);
  for (char **l = lines; *l; l++, y += 18)
    {
      cairo_move_to (cr, 54 * scale, y * scale);
      cairo_show_text (cr, *l);
    }
}

/* A letter-size PDF, one page per element of @pages (NULL-terminated),
 * each line of it ('\n' between lines) 18 pt below the last in DejaVu
 * Sans 11: as text, or (@scanned) as a 200 dpi image only, a scan with
 * no text layer. */
char *
cst_test_records_pdf_lines (const char        *dir,
                            const char        *name,
                            const char *const *pages,
                            gboolean           scanned)
{
  char *path = g_build_filename (dir, name, NULL);
  cairo_surface_t *pdf = cairo_pdf_surface_create (path, 612, 792);
  cairo_t *cr = cairo_create (pdf);
  double s = 200 / 72.0;

  for (const char *const *page = pages; *page; page++)
    {
      if (!scanned)
        draw_lines (cr, *page, 1);
      else
        {
          cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 1700, 2200);
          cairo_t *icr = cairo_create (image);

          cairo_set_source_rgb (icr, 1, 1, 1);
          cairo_paint (icr);
          draw_lines (icr, *page, s);
          cairo_destroy (icr);
          cairo_save (cr);
          cairo_scale (cr, 1 / s, 1 / s);
          cairo_set_source_surface (cr, image, 0, 0);
          cairo_paint (cr);
          cairo_restore (cr);
          cairo_surface_destroy (image);
        }
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_finish (pdf);
  g_assert_cmpint (cairo_surface_status (pdf), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (pdf);
  return path;
}

char *
cst_test_records_png (const char *dir,
                      const char *name,
                      const char *text)
{
  char *path = g_build_filename (dir, name, NULL);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 120, 160);
  cairo_t *cr = cairo_create (surface);

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_move_to (cr, 10, 20);
  cairo_show_text (cr, text);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  return path;
}

char *
cst_test_records_jpeg (const char *dir,
                       const char *name)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 64, 48);
  g_autoptr(GError) error = NULL;

  gdk_pixbuf_fill (pixbuf, 0x336699ff);
  g_assert_true (gdk_pixbuf_save (pixbuf, path, "jpeg", &error, "quality", "80", NULL));
  g_assert_no_error (error);
  return path;
}

/* A scan of @pages pages @width pixels wide: one uncompressed 8-bit grey
 * directory per page, @width × 24 bytes each. */
char *
cst_test_records_tiff (const char *dir,
                       const char *name,
                       guint       pages,
                       guint       width)
{
  char *path = g_build_filename (dir, name, NULL);
  TIFF *tif = TIFFOpen (path, "w");
  g_autofree guint8 *row = g_malloc (width);

  g_assert_nonnull (tif);
  for (guint p = 0; p < pages; p++)
    {
      TIFFSetField (tif, TIFFTAG_IMAGEWIDTH, (guint32) width);
      TIFFSetField (tif, TIFFTAG_IMAGELENGTH, (guint32) 24);
      TIFFSetField (tif, TIFFTAG_BITSPERSAMPLE, 8);
      TIFFSetField (tif, TIFFTAG_SAMPLESPERPIXEL, 1);
      TIFFSetField (tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
      TIFFSetField (tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
      TIFFSetField (tif, TIFFTAG_ROWSPERSTRIP, (guint32) 24);
      TIFFSetField (tif, TIFFTAG_SUBFILETYPE, FILETYPE_PAGE);
      TIFFSetField (tif, TIFFTAG_PAGENUMBER, (guint16) p, (guint16) pages);
      for (guint32 y = 0; y < 24; y++)
        {
          memset (row, (int) (y * 10 + p), width);
          g_assert_cmpint (TIFFWriteScanline (tif, row, y, 0), ==, 1);
        }
      g_assert_true (TIFFWriteDirectory (tif));
    }
  TIFFClose (tif);
  return path;
}

/* @plain encrypted by the qpdf program, with a user password. */
char *
cst_test_records_encrypted (const char *dir,
                            const char *name,
                            const char *plain)
{
  char *path = g_build_filename (dir, name, NULL);
  const char *argv[] = { "qpdf", "--encrypt", "user-secret", "owner-secret", "256", "--",
                         plain, path, NULL };
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return path;
}

/* The first @keep bytes of @whole. */
char *
cst_test_records_truncated (const char *dir,
                            const char *name,
                            const char *whole,
                            gsize       keep)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (whole, &contents, &len, NULL));
  g_assert_cmpuint (keep, <, len);
  return cst_test_records_file (dir, name, contents, (gssize) keep);
}

char *
cst_test_records_file (const char *dir,
                       const char *name,
                       const char *contents,
                       gssize      len)
{
  char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, contents, len, NULL));
  return path;
}

/* Removes @dir and the files in it. */
void
cst_test_records_remove (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *entry;

  while (d != NULL && (entry = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, entry, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

/**
 * cst_test_records_approve:
 * @request: (transfer full): a request with record documents, not yet in
 *   its quality check
 * @dir: where the packet file is written (it is kept in the database)
 *
 * Builds @request's packet as @assembler, sends it to its quality check
 * and has @reviewer — another login — approve it: the request is then
 * ready, its packet approved and kept, as a delivery needs it.
 *
 * Returns: (transfer full): the request as stored, ready
 */
CstRequest *
cst_test_records_approve (PGconn     *assembler,
                          PGconn     *reviewer,
                          CstRequest *request,
                          const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "approved-packet.pdf", NULL);
  g_autoptr(CstPacketBuild) build = NULL;
  g_autoptr(CstPacketReview) review = NULL;
  g_autoptr(GError) error = NULL;
  CstRequest *ready;
  CstRequest *fresh;

  /* Adding records changed the request (its page count): read it again. */
  fresh = cst_request_repo_get (assembler, cst_request_get_id (request), &error);
  g_assert_no_error (error);
  g_object_unref (request);
  request = cst_test_db_move_along (assembler, fresh, CST_STATUS_IN_PROGRESS);
  build = cst_packet_build (assembler, cst_request_get_id (request), path, NULL, &error);
  g_assert_no_error (error);
  g_unlink (path);
  request = cst_test_db_move_along (assembler, request, CST_STATUS_QUALITY_CHECK);
  review = cst_packet_review_decide (reviewer, cst_request_get_id (request), NULL, &error);
  g_assert_no_error (error);
  ready = cst_request_repo_get (assembler, cst_request_get_id (request), &error);
  g_assert_no_error (error);
  g_assert_cmpint (cst_request_get_status (ready), ==, CST_STATUS_READY);
  g_object_unref (request);
  return ready;
}
