/* cst-pdf-tagged.c — a tagged, accessible document in two passes
 *
 * libharu cannot tag (no marked content, no structure tree), so every
 * document a patient or requester reads is laid out on the stream writer:
 * first a measure-only pass, which gives the footers' "Page X of Y" its
 * total, then the tagged pass on the direct writer, which writes the
 * structure tree, the artifacts, the language, the header cells' scope,
 * the figures' alternative text and the XMP itself (issue 24: cairo's
 * tagged file finished by a libqpdf pass was ten times the work).
 */
#define G_LOG_DOMAIN "cst-pdf"

#include "config.h"

#include "cst-pdf-private.h"
#include "cst-pdf-tagged-private.h"

/**
 * cst_pdf_tagged_render:
 * @language: the document's language (BCP 47: "en", "es"), for /Lang
 * @n_pages: (out) (optional): how many pages the PDF has
 *
 * Returns: (transfer full): the tagged PDF's bytes
 */
GBytes *
cst_pdf_tagged_render (CstPdfPaper   paper,
                       const char   *language,
                       CstPdfLayOut  lay_out,
                       gpointer      data,
                       guint        *n_pages,
                       GError      **error)
{
  g_autoptr(CstPdfStream) measure = NULL;
  g_autoptr(CstPdfStream) pdf = NULL;
  guint pages;

  if ((measure = cst_pdf_stream_new_measure (paper, error)) == NULL)
    return NULL;
  lay_out (measure, data);
  pages = cst_pdf_stream_get_n_pages (measure);
  if ((pdf = cst_pdf_stream_new_tagged_direct (paper, language, error)) == NULL)
    return NULL;
  cst_pdf_stream_set_n_pages (pdf, pages);
  lay_out (pdf, data);
  if (n_pages != NULL)
    *n_pages = pages;
  return cst_pdf_stream_finish_tagged (pdf, error);
}

/**
 * cst_pdf_tagged_render_pages:
 *
 * The same layout drawn for the screen (cst_pdf_stream_new_screen()):
 * what a preview shows, from the layout the PDF is made of; no PDF.  One
 * pass: the screen keeps its pages and draws the footers' "Page X of Y"
 * when the total is known.
 *
 * Returns: (transfer full): the pages
 */
CstPdfPages *
cst_pdf_tagged_render_pages (CstPdfPaper    paper,
                             CstPdfLayOut   lay_out,
                             gpointer       data,
                             GCancellable  *cancellable,
                             GError       **error)
{
  g_autoptr(CstPdfStream) screen = cst_pdf_stream_new_screen (paper, cancellable, error);

  if (screen == NULL)
    return NULL;
  lay_out (screen, data);
  return cst_pdf_stream_finish_pages (screen, error);
}

/* A heading under the document's title (an H2), in the heading style of
 * the writer's default body size, which documents keep. */
void
cst_pdf_tagged_subheading (CstPdfStream *pdf,
                           const char   *text)
{
  CstPdfStyle style = cst_pdf_heading_style (10);

  cst_pdf_stream_text_tagged (pdf, "H2", text, &style);
}
