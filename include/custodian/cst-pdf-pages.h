/* cst-pdf-pages.h — a document's pages for the screen, drawn by the same
 * layout as its PDF
 *
 * The cairo writer's screen backend (app/core/pdf/cst-pdf-stream.c) keeps
 * each page as a cairo recording surface; a preview paints the visible
 * one at its zoom (cst_pdf_pages_render() on a worker thread) and a
 * printer's context gets the same drawing (cst_pdf_pages_draw()).  The
 * worker that draws the pages may also paint the page a preview shows
 * (cst_pdf_pages_paint()), which the preview then takes on the main loop
 * without another trip to a worker (cst_pdf_pages_get_painted()).  No PDF
 * is made for it: the PDF is for saving, printing to a file and release.
 * Immutable once made; reference-counted; usable from any thread.
 */
#pragma once

#include <cairo.h>
#include <glib-object.h>

G_BEGIN_DECLS

typedef struct _CstPdfPages CstPdfPages;

#define CST_TYPE_PDF_PAGES (cst_pdf_pages_get_type ())
GType            cst_pdf_pages_get_type    (void) G_GNUC_CONST;

CstPdfPages     *cst_pdf_pages_ref         (CstPdfPages *pages);
void             cst_pdf_pages_unref       (CstPdfPages *pages);
guint            cst_pdf_pages_get_n_pages (CstPdfPages *pages);
void             cst_pdf_pages_get_size    (CstPdfPages *pages,
                                            double      *width,
                                            double      *height);
void             cst_pdf_pages_draw        (CstPdfPages *pages,
                                            guint        page,
                                            cairo_t     *cr);
cairo_surface_t *cst_pdf_pages_render      (CstPdfPages *pages,
                                            guint        page,
                                            double       scale);
void             cst_pdf_pages_paint       (CstPdfPages *pages,
                                            guint        page,
                                            double       scale);
cairo_surface_t *cst_pdf_pages_get_painted (CstPdfPages *pages,
                                            guint        page,
                                            double       scale);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstPdfPages, cst_pdf_pages_unref)

G_END_DECLS
