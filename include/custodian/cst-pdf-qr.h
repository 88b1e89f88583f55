/* cst-pdf-qr.h — a QR code drawn into a PDF page as vector squares
 *
 * Encoded with libqrencode (error correction M: a creased or smudged
 * paper statement still scans) and drawn with libharu's path API, so the
 * code is sharp at any zoom and printer resolution.  The quiet zone of
 * four modules the standard asks for is inside @size.
 */
#pragma once

#include "custodian/cst-pdf.h"

G_BEGIN_DECLS

/* The modules across, quiet zone included, that @text needs; 0 if it is
 * too long for a QR code. */
guint     cst_pdf_qr_modules (const char  *text);
/* Draws @text's QR code as a square of @size points, lower left at @x, @y. */
gboolean  cst_pdf_draw_qr    (CstPdf      *pdf,
                              double       x,
                              double       y,
                              double       size,
                              const char  *text,
                              GError     **error);

G_END_DECLS
