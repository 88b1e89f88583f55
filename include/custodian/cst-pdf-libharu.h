/* cst-pdf-libharu.h — the PDF toolkit's libharu side: the page a reserved
 * block is drawn on with libharu's path API.
 *
 * Apart from cst-pdf.h so that a file that only lays out text (or a view
 * that only names a paper size) does not see libharu's headers. */
#pragma once

#include <hpdf.h>
#include <hpdf_doc.h>

#include "custodian/cst-pdf.h"

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HPDF_Doc_Rec, HPDF_Free)

HPDF_Page    cst_pdf_get_page            (CstPdf                  *self);

G_END_DECLS
