/* cst-pdf-qr.c — QR codes as vector squares (libqrencode; libharu or cairo) */
#define G_LOG_DOMAIN "cst-pdf"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <qrencode.h>

#include "custodian/cst-error.h"
#include "custodian/cst-pdf-libharu.h"
#include "custodian/cst-pdf-qr.h"

#include "cst-pdf-stream-private.h"

#define QUIET_ZONE 4

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QRcode, QRcode_free)

static QRcode *
encode (const char *text)
{
  /* Version 0: the smallest symbol that holds the text. */
  return QRcode_encodeString8bit (text, 0, QR_ECLEVEL_M);
}

guint
cst_pdf_qr_modules (const char *text)
{
  g_autoptr(QRcode) code = encode (text);

  return code ? (guint) code->width + 2 * QUIET_ZONE : 0;
}

static gboolean
encode_or_fail (QRcode     **code,
                const char  *text,
                GError     **error)
{
  if ((*code = encode (text)) != NULL)
    return TRUE;
  g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT, _("“%s” is too long for a QR code."), text);
  return FALSE;
}

/* Where the modules go: the page or context, the symbol's top left
 * corner (y up for libharu, down for cairo) and the module's size. */
typedef struct
{
  HPDF_Page page;
  cairo_t  *cr;
  double    x;
  double    top;
  double    module;
} Placement;

/* Dark modules in runs along each row: one rectangle per run keeps the
 * page's content stream short and leaves no hairline seams between them. */
static void
add_runs (const QRcode    *code,
          const Placement *at)
{
  for (int row = 0; row < code->width; row++)
    for (int col = 0; col < code->width;)
      {
        int run = 0;
        double x = at->x + (QUIET_ZONE + col) * at->module;

        while (col + run < code->width && (code->data[row * code->width + col + run] & 1))
          run++;
        if (run > 0 && at->page != NULL)
          HPDF_Page_Rectangle (at->page, (HPDF_REAL) x,
                               (HPDF_REAL) (at->top - (QUIET_ZONE + row + 1) * at->module),
                               (HPDF_REAL) (run * at->module), (HPDF_REAL) at->module);
        else if (run > 0)
          cairo_rectangle (at->cr, x, at->top + (QUIET_ZONE + row) * at->module, run * at->module,
                           at->module);
        col += MAX (run, 1);
      }
}

gboolean
cst_pdf_draw_qr (CstPdf      *pdf,
                 double       x,
                 double       y,
                 double       size,
                 const char  *text,
                 GError     **error)
{
  g_autoptr(QRcode) code = NULL;
  HPDF_Page page = cst_pdf_get_page (pdf);
  double module;

  if (!encode_or_fail (&code, text, error))
    return FALSE;
  module = size / (code->width + 2 * QUIET_ZONE);
  HPDF_Page_GSave (page);
  HPDF_Page_SetRGBFill (page, 1, 1, 1);
  HPDF_Page_Rectangle (page, (HPDF_REAL) x, (HPDF_REAL) y, (HPDF_REAL) size, (HPDF_REAL) size);
  HPDF_Page_Fill (page);
  HPDF_Page_SetRGBFill (page, 0, 0, 0);
  add_runs (code, &(Placement) { page, NULL, x, y + size, module });
  HPDF_Page_Fill (page);
  HPDF_Page_GRestore (page);
  return TRUE;
}

/* The same squares as cst_pdf_draw_qr(), with cairo (y down). */
gboolean
cst_pdf_stream_draw_qr (CstPdfStream  *pdf,
                        double         x,
                        double         y,
                        double         size,
                        const char    *text,
                        GError       **error)
{
  g_autoptr(QRcode) code = NULL;
  cairo_t *cr = cst_pdf_stream_get_cairo (pdf);
  double module;

  if (!encode_or_fail (&code, text, error))
    return FALSE;
  if (cr == NULL)
    return TRUE;
  module = size / (code->width + 2 * QUIET_ZONE);
  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, x, y, size, size);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  add_runs (code, &(Placement) { NULL, cr, x, y, module });
  cairo_fill (cr);
  cairo_restore (cr);
  return TRUE;
}
