/* cst-redaction-private.h — redaction's pieces shared inside the packet
 * folder: the burn hook cst-packet-build.c calls, and Tesseract */
#pragma once

#include <cairo.h>
#include <poppler.h>
#include <qpdf/qpdf-c.h>

#include "custodian/cst-packet.h"
#include "custodian/cst-redaction.h"

G_BEGIN_DECLS

/* ---- burning and proving (cst-redaction-burn.c) ------------------------- */

typedef struct _CstRedactionBurn CstRedactionBurn;

CstRedactionBurn *cst_redaction_burn_new      (PGconn             *conn,
                                               gint64              request_id,
                                               GError            **error);
CstRedactionBurn *cst_redaction_burn_new_with (GPtrArray         *applied,
                                               gboolean           text_layer,
                                               gboolean           log_page);
void              cst_redaction_burn_free     (CstRedactionBurn   *burn);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstRedactionBurn, cst_redaction_burn_free)

gboolean          cst_redaction_burn_document (CstRedactionBurn   *burn,
                                               CstRecordDocument  *doc,
                                               const char         *path,
                                               guint               first_packet_page,
                                               GArray             *selection,
                                               char              **burned,
                                               GError            **error);
/* With the request's choice, appends the redaction log page(s) to @out
 * and counts them in @pages; else does nothing. */
gboolean          cst_redaction_burn_append_log (CstRedactionBurn *burn,
                                                 qpdf_data         out,
                                                 guint            *pages,
                                                 GError          **error);
gboolean          cst_redaction_burn_prove    (CstRedactionBurn   *burn,
                                               PGconn             *conn,
                                               gint64              build_id,
                                               const char         *packet,
                                               GError            **error);

/* ---- the log page (cst-redaction-log-page.c) ---------------------------- */

/* Boxes of one reason on one packet page. */
typedef struct
{
  guint       packet_page;
  const char *reason;     /* (transfer none) */
  guint       boxes;
} CstRedactionLogEntry;

GBytes   *cst_redaction_log_page_pdf    (GArray             *entries);

/* ---- finding and checking text (cst-redaction-find.c) ------------------- */

/* A character of a page and its box, in points from the page's top-left;
 * white space (kept only when asked) is ' ' with no box. */
typedef struct
{
  gunichar c;
  double   x1, y1, x2, y2;
} CstRedactionGlyph;

typedef struct _CstOcr CstOcr;

/* The page's characters with their boxes: Poppler's text, or Tesseract's
 * words on a page without text (@ocr made at the first such page).  With
 * @spaces, white space between words is kept (as one ' ' glyph) and case
 * is kept; without, both go, as cst_redaction_squash() compares. */
gboolean  cst_redaction_page_glyphs     (PopplerPage           *page,
                                         CstOcr               **ocr,
                                         gboolean               spaces,
                                         GArray                *glyphs,
                                         GCancellable          *cancellable,
                                         GError               **error);
/* One #CstRedactionHit per line the glyphs [start, end) span (spaces
 * skipped). */
void      cst_redaction_glyph_hits      (GPtrArray               *hits,
                                         gint64                   document_id,
                                         guint                    page,
                                         const CstRedactionGlyph *glyphs,
                                         guint                    start,
                                         guint                    end);
/* Streams record document @doc into @dir as a PDF (a scan as the packet
 * draws it); the caller removes it. */
char     *cst_redaction_document_pdf    (PGconn                *conn,
                                         const char            *dir,
                                         CstRecordDocument     *doc,
                                         GCancellable          *cancellable,
                                         GError               **error);

/* Whether @text is NULL or only white space. */
gboolean  cst_redaction_is_blank        (const char            *text);

/* Text as one comparable run: no white space, lower case. */
char     *cst_redaction_squash          (const char         *text);
char     *cst_redaction_text_in_box     (PopplerPage           *page,
                                         const CstRedactionBox *box);

/* ---- OCR (cst-ocr.c) ---------------------------------------------------- */

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

void cst_redaction_progress_relay (GMainContext         *context,
                                   CstRedactionProgress  progress,
                                   gpointer              data,
                                   guint                 done,
                                   guint                 total);

G_END_DECLS
