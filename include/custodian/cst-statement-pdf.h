/* cst-statement-pdf.h — the patient statement as PDF (via cst-pdf.h)
 *
 * Renders a CstStatement exactly as its template says: sections in the
 * template's order, its wording, colours, type size and language.  Safe
 * to call on a worker thread with a statement (and template) no other
 * thread changes.  The PDF metadata carries no patient data.
 */
#pragma once

#include "custodian/cst-statement.h"

G_BEGIN_DECLS

GBytes   *cst_statement_render_pdf         (CstStatement  *statement,
                                            GError       **error);
gboolean  cst_statement_render_pdf_to_file (CstStatement  *statement,
                                            const char    *path,
                                            GError       **error);

G_END_DECLS
