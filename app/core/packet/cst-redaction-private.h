/* cst-redaction-private.h — redaction's pieces shared inside the packet
 * folder: the burn hook cst-packet-build.c calls, and Tesseract */
#pragma once

#include <cairo.h>
#include <poppler.h>

#include "custodian/cst-packet.h"
#include "custodian/cst-redaction.h"

G_BEGIN_DECLS

/* ---- burning and proving (cst-redaction-burn.c) ------------------------- */

typedef struct _CstRedactionBurn CstRedactionBurn;

CstRedactionBurn *cst_redaction_burn_new      (PGconn             *conn,
                                               gint64              request_id,
                                               GError            **error);
void              cst_redaction_burn_free     (CstRedactionBurn   *burn);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstRedactionBurn, cst_redaction_burn_free)

gboolean          cst_redaction_burn_document (CstRedactionBurn   *burn,
                                               CstRecordDocument  *doc,
                                               const char         *path,
                                               guint               first_packet_page,
                                               GArray             *selection,
                                               char              **burned,
                                               GError            **error);
gboolean          cst_redaction_burn_prove    (CstRedactionBurn   *burn,
                                               PGconn             *conn,
                                               gint64              build_id,
                                               const char         *packet,
                                               GError            **error);

/* ---- finding and checking text (cst-redaction-find.c) ------------------- */

/* Text as one comparable run: no white space, lower case. */
char     *cst_redaction_squash          (const char         *text);
char     *cst_redaction_text_in_box     (PopplerPage           *page,
                                         const CstRedactionBox *box);

/* ---- OCR (cst-ocr.c) ---------------------------------------------------- */

typedef struct _CstOcr CstOcr;

typedef struct
{
  char  *text;
  int    x, y, width, height;   /* pixels of the image */
} CstOcrWord;

CstOcr    *cst_ocr_new                  (GError            **error);
void       cst_ocr_free                 (CstOcr             *ocr);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstOcr, cst_ocr_free)

GPtrArray *cst_ocr_words                (CstOcr             *ocr,
                                         cairo_surface_t    *image,
                                         int                 dpi,
                                         GCancellable       *cancellable,
                                         GError            **error);
char      *cst_ocr_text                 (CstOcr             *ocr,
                                         cairo_surface_t    *image,
                                         int                 dpi,
                                         const cairo_rectangle_int_t *area,
                                         GCancellable       *cancellable,
                                         GError            **error);

/* ---- scanned pages (cst-packet-build.c) --------------------------------- */

char     *cst_packet_scan_to_pdf         (const char         *path,
                                          CstRecordFileType   type,
                                          GError            **error);

G_END_DECLS
