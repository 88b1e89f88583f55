/* cst-pdf-preview.h — a document shown page by page: a PDF rendered with
 * Poppler, or pages drawn for the screen by the cairo writer */
#pragma once

#include <gtk/gtk.h>
#include <custodian/cst-pdf-pages.h>

G_BEGIN_DECLS

#define CST_TYPE_PDF_PREVIEW (cst_pdf_preview_get_type ())
G_DECLARE_FINAL_TYPE (CstPdfPreview, cst_pdf_preview, CST, PDF_PREVIEW, GtkWidget)

/* cst_pdf_preview_set_frame_hold(): a frame waits one refresh interval. */
#define CST_PDF_PREVIEW_HOLD_REFRESH ((gint64) -1)

GtkWidget *cst_pdf_preview_new          (void);
void       cst_pdf_preview_load_bytes   (CstPdfPreview *self,
                                         GBytes        *pdf);
void       cst_pdf_preview_load_pages   (CstPdfPreview *self,
                                         CstPdfPages   *pages);
void       cst_pdf_preview_expect_pages (CstPdfPreview *self);
void       cst_pdf_preview_set_frame_hold (CstPdfPreview *self,
                                           gint64         limit_us);
GBytes    *cst_pdf_preview_get_bytes    (CstPdfPreview *self);
int        cst_pdf_preview_get_n_pages  (CstPdfPreview *self);
int        cst_pdf_preview_get_page     (CstPdfPreview *self);
void       cst_pdf_preview_set_page     (CstPdfPreview *self,
                                         int            page);
double     cst_pdf_preview_get_zoom     (CstPdfPreview *self);
double     cst_pdf_preview_get_scale    (CstPdfPreview *self);
void       cst_pdf_preview_set_zoom     (CstPdfPreview *self,
                                         double         zoom);
gboolean   cst_pdf_preview_is_rendering (CstPdfPreview *self);
int        cst_pdf_preview_get_rendered_width (CstPdfPreview *self);
void       cst_pdf_preview_print        (CstPdfPreview *self,
                                         GtkWindow     *parent);

G_END_DECLS
