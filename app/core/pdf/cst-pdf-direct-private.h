/* cst-pdf-direct-private.h — a PDF written directly, page by page, from
 * the layout's glyphs, for long untagged documents (the fee report)
 *
 * CstPdfStream's layout draws through it instead of cairo when made by
 * cst_pdf_stream_new_direct(): text runs in one of the two fonts of
 * CstPdfFonts, grey or coloured, and rectangles and lines.  Each page's
 * content stream is written (deflated) as soon as the page ends; what is
 * kept to the end is an xref offset a object and the glyphs used, for
 * the fonts written last (CIDFontType2 subsets made by hb-subset, glyph
 * ids kept, Identity-H, /W widths and a ToUnicode CMap).
 *
 * With cst_pdf_direct_share_latin_font() (every CstPdfStream made on it), the
 * Latin font is the subset every document shares (cst-pdf-font.c), a
 * simple TrueType font in Windows-1252 (WinAnsiEncoding): its objects are
 * the same bytes in every file, made once per process, and Latin text
 * comes as Windows-1252 bytes (the layout's shaper with latin_utf8
 * unset).  Otherwise, and for the Unicode font, text comes as UTF-8.
 *
 * Tagged (cst_pdf_direct_set_tagged()), it writes the structure tree
 * itself: each element that holds content (P, H1, TD, Figure...) is one
 * marked-content sequence with its MCID, grouping elements (Document,
 * Table, TR, L...) hold them, and what is drawn in no element is marked
 * /Artifact; the catalog gets /Lang, /MarkInfo, /ViewerPreferences and
 * XMP metadata with the PDF/UA identifier.  No second pass.
 *
 * Coordinates are the layout's: points from the top left corner, y down.
 * Private to the model library; no GTK.
 */
#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "cst-pdf-private.h"

G_BEGIN_DECLS

typedef struct _CstPdfDirect CstPdfDirect;

CstPdfDirect *cst_pdf_direct_new       (GOutputStream     *out,
                                        const CstPdfFonts *fonts,
                                        double             page_width,
                                        double             page_height,
                                        GCancellable      *cancellable);
void          cst_pdf_direct_free      (CstPdfDirect      *self);
void          cst_pdf_direct_set_title (CstPdfDirect      *self,
                                        const char        *title);
void          cst_pdf_direct_set_rgb   (CstPdfDirect      *self,
                                        double             r,
                                        double             g,
                                        double             b);
void          cst_pdf_direct_text      (CstPdfDirect      *self,
                                        guint              font,
                                        gboolean           bold,
                                        double             size,
                                        double             x,
                                        double             baseline,
                                        const char        *text,
                                        gsize              length);
void          cst_pdf_direct_rectangle (CstPdfDirect      *self,
                                        double             x,
                                        double             y,
                                        double             width,
                                        double             height,
                                        gboolean           fill,
                                        double             stroke_width);
void          cst_pdf_direct_line      (CstPdfDirect      *self,
                                        double             x0,
                                        double             y0,
                                        double             x1,
                                        double             y1,
                                        double             width);
/* An image (ARGB32 or RGB24) drawn into the box at @x, @y (top left). */
void          cst_pdf_direct_image     (CstPdfDirect      *self,
                                        cairo_surface_t   *image,
                                        double             x,
                                        double             y,
                                        double             width,
                                        double             height);

void          cst_pdf_direct_share_latin_font (CstPdfDirect *self);

/* Tagged PDF; before anything is drawn. */
void          cst_pdf_direct_set_tagged (CstPdfDirect     *self,
                                        const char        *language);
void          cst_pdf_direct_group_begin (CstPdfDirect    *self,
                                        const char        *role);
void          cst_pdf_direct_group_end (CstPdfDirect      *self);
void          cst_pdf_direct_leaf_begin (CstPdfDirect     *self,
                                        const char        *role);
void          cst_pdf_direct_leaf_end  (CstPdfDirect      *self);
/* Of the element cst_pdf_direct_leaf_begin() opened last. */
void          cst_pdf_direct_leaf_set_scope (CstPdfDirect *self,
                                        CstPdfScope        scope);
void          cst_pdf_direct_leaf_set_alt (CstPdfDirect   *self,
                                        const char        *alt);

gboolean      cst_pdf_direct_end_page  (CstPdfDirect      *self,
                                        GError           **error);
gboolean      cst_pdf_direct_finish    (CstPdfDirect      *self,
                                        GError           **error);

G_END_DECLS
