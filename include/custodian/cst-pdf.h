/* cst-pdf.h — a small PDF toolkit on libharu for letters, invoices,
 * statements and evidence packs
 *
 * libharu keeps the whole document in memory until it is saved; a report
 * of thousands of pages is written with CstPdfStream instead
 * (app/core/pdf/cst-pdf-stream-private.h), which writes each page out when it is
 * finished and shares this toolkit's fonts and layout rules.
 *
 * Content flows from the top of the first page down: headings,
 * paragraphs, tables and reserved blocks break onto new pages by
 * themselves.  Text is UTF-8.  Latin text is drawn with an embedded
 * TrueType font; other characters come from a Unicode fallback font, and
 * characters neither font has are drawn as a visible replacement mark.
 * Footers ("Page X of Y") are drawn when the document is finished, once
 * the page count is known.
 *
 * Not thread-safe per document; separate documents may be built on
 * separate threads.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CST_PDF_ERROR (cst_pdf_error_quark ())

typedef enum
{
  CST_PDF_ERROR_FONT,     /* no usable TrueType font was found */
  CST_PDF_ERROR_LIBHARU,  /* libharu reported an error */
  CST_PDF_ERROR_WRITE,    /* the file could not be written */
  CST_PDF_ERROR_LAYOUT,   /* a measured page count did not match the pages drawn */
} CstPdfError;

typedef enum
{
  CST_PDF_PAPER_LETTER,
  CST_PDF_PAPER_A4,
} CstPdfPaper;

typedef enum
{
  CST_PDF_ALIGN_LEFT,
  CST_PDF_ALIGN_CENTER,
  CST_PDF_ALIGN_RIGHT,
  CST_PDF_ALIGN_JUSTIFY,
} CstPdfAlign;

/* All lengths are in PDF points (1/72 inch). */
typedef struct
{
  double top;
  double right;
  double bottom;
  double left;
} CstPdfMargins;

/* A rectangle in PDF coordinates: origin at the bottom left of the page. */
typedef struct
{
  double x;
  double y;
  double width;
  double height;
} CstPdfRect;

typedef struct
{
  double      size;         /* font size; 0 means the body size */
  gboolean    bold;
  double      grey;         /* 0 = black, 1 = white */
  CstPdfAlign align;
  double      space_before;
  double      space_after;
  double      indent;       /* left indent */
  guint       max_lines;    /* 0 = no limit; beyond it the text is ellipsized */
} CstPdfStyle;

typedef struct
{
  const char *name;
  const char *address;    /* may hold newlines */
  const char *phone;
  const char *logo_path;  /* a PNG file, or NULL; a missing or bad file is skipped */
} CstPdfLetterhead;

typedef struct _CstPdf CstPdf;
typedef struct _CstPdfTable CstPdfTable;

typedef struct
{
  const char  *title;  /* header text; NULL for all columns hides the header row */
  double       width;  /* share of the table width; 0 shares the rest equally */
  CstPdfAlign  align;
  gboolean     row_header; /* its cells name their row (a tagged PDF's TH, row scope) */
} CstPdfColumn;

typedef enum
{
  CST_PDF_ROW_NORMAL,
  CST_PDF_ROW_BOLD,     /* e.g. a subtotal */
  CST_PDF_ROW_TOTAL,    /* bold, with a rule above */
  CST_PDF_ROW_SUBTLE,   /* small grey text, e.g. a citation under a line */
} CstPdfRowStyle;

GQuark       cst_pdf_error_quark         (void);

CstPdf      *cst_pdf_new                 (CstPdfPaper              paper,
                                          GError                 **error);
void         cst_pdf_free                (CstPdf                  *self);

void         cst_pdf_set_margins         (CstPdf                  *self,
                                          const CstPdfMargins     *margins);
void         cst_pdf_set_title           (CstPdf                  *self,
                                          const char              *title);
void         cst_pdf_set_footer          (CstPdf                  *self,
                                          const char              *text);
void         cst_pdf_set_page_format     (CstPdf                  *self,
                                          const char              *format);
void         cst_pdf_set_body_size       (CstPdf                  *self,
                                          double                   size);

void         cst_pdf_letterhead          (CstPdf                  *self,
                                          const CstPdfLetterhead  *letterhead);
void         cst_pdf_heading             (CstPdf                  *self,
                                          const char              *text);
void         cst_pdf_paragraph           (CstPdf                  *self,
                                          const char              *text);
void         cst_pdf_small_text          (CstPdf                  *self,
                                          const char              *text);
void         cst_pdf_text                (CstPdf                  *self,
                                          const char              *text,
                                          const CstPdfStyle       *style);
void         cst_pdf_boxed_text          (CstPdf                  *self,
                                          const char              *text,
                                          const CstPdfStyle       *style);
void         cst_pdf_space               (CstPdf                  *self,
                                          double                   points);
void         cst_pdf_rule                (CstPdf                  *self);
void         cst_pdf_page_break          (CstPdf                  *self);

/* Vector drawing (charts, boxes): reserve a block of the flow, then draw
 * into it with libharu's path API on cst_pdf_get_page() (in
 * "custodian/cst-pdf-libharu.h", so that only what draws sees libharu). */
gboolean     cst_pdf_reserve             (CstPdf                  *self,
                                          double                   height,
                                          CstPdfRect              *area);
void         cst_pdf_draw_text           (CstPdf                  *self,
                                          double                   x,
                                          double                   y,
                                          const char              *text,
                                          const CstPdfStyle       *style);
double       cst_pdf_measure_text        (CstPdf                  *self,
                                          const char              *text,
                                          double                   size);
void         cst_pdf_get_content_area    (CstPdf                  *self,
                                          CstPdfRect              *area);
guint        cst_pdf_get_n_pages         (CstPdf                  *self);

CstPdfTable *cst_pdf_table_begin         (CstPdf                  *self,
                                          const CstPdfColumn      *columns,
                                          guint                    n_columns);
void         cst_pdf_table_row           (CstPdfTable             *table,
                                          const char *const       *cells);
void         cst_pdf_table_row_styled    (CstPdfTable             *table,
                                          const char *const       *cells,
                                          CstPdfRowStyle           style);
void         cst_pdf_table_end           (CstPdfTable             *table);

GBytes      *cst_pdf_finish              (CstPdf                  *self,
                                          GError                 **error);
gboolean     cst_pdf_save                (CstPdf                  *self,
                                          const char              *path,
                                          GError                 **error);
gboolean     cst_pdf_write_file          (GBytes                  *pdf,
                                          const char              *path,
                                          GError                 **error);

/* Formatting (money: cst_money_format(), custodian/cst-money.h). */
char        *cst_pdf_format_date         (const GDate             *date,
                                          const char              *language);

/* Which font files documents use (for diagnostics and tests). */
const char  *cst_pdf_get_font_path       (void);
const char  *cst_pdf_get_fallback_font_path (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstPdf, cst_pdf_free)

G_END_DECLS
