/* cst-redaction-text-layer.h — the OCR text layer of a burned page
 * (cst-redaction-text-layer.c), for cst-redaction-burn.c */
#pragma once

#include <glib.h>
#include <qpdf/qpdf-c.h>

G_BEGIN_DECLS

void cst_redaction_text_layer_add (qpdf_data  q,
                                   qpdf_oh    page,
                                   GPtrArray *words,
                                   int        dpi);

G_END_DECLS
