/* cst-pdf-private.h — what the PDF toolkit's files share */
#pragma once

#include <hb.h>

#include "custodian/cst-pdf-libharu.h"

G_BEGIN_DECLS

/* The two fonts of every document.  The Latin font is drawn with a
 * single-byte Windows-1252 encoding from a pre-made subset: libharu
 * re-parses the whole font file for each document, so a small subset is
 * what makes hundreds of documents per second possible; the file every
 * document embeds is that subset deflated once (latin_file).
 * The Unicode font (full file, UTF-8 encoding, much slower) is loaded only
 * by documents that need a character outside Windows-1252. */
typedef struct
{
  char    *latin_path;      /* the file libharu loads: the subset, or the original */
  GBytes  *latin_file;      /* the subset as every PDF embeds it, deflated once; or NULL */
  gsize    latin_file_length; /* its length before deflating */
  char    *latin_source;    /* the font file found on the system */
  gboolean latin_has[256];  /* Windows-1252 byte → the font draws it */
  float    latin_widths[256]; /* advance widths, thousandths of an em */
  char    *unicode_path;    /* NULL when no fallback font was found */
  GBytes  *unicode_data;    /* the fallback font file */
  /* HarfBuzz fonts of the two source files, for shaping and widths
   * (immutable, shared by every thread). */
  hb_font_t *latin_shaper;
  hb_font_t *unicode_shaper;  /* NULL with unicode_path */
  gunichar  *latin_glyph_chars; /* Latin glyph → the Windows-1252 character drawing it, or 0 */
} CstPdfFonts;

const CstPdfFonts *cst_pdf_fonts_get          (GError      **error);
int                cst_pdf_cp1252_from_unichar (gunichar     c);
gboolean           cst_pdf_unicode_font_has   (const CstPdfFonts *fonts,
                                               gunichar           c);
gunichar           cst_pdf_unicode_font_char  (const CstPdfFonts *fonts,
                                               hb_codepoint_t     glyph);
float              cst_pdf_font_advance       (hb_font_t         *font,
                                               hb_codepoint_t     glyph);

/* TrueType helpers, exported for tests only. */
guint16            cst_ttf_lookup_glyph       (GBytes      *font,
                                               gunichar     c);
GBytes            *cst_ttf_subset             (GBytes      *font,
                                               const gunichar *codepoints,
                                               guint        n_codepoints,
                                               GError     **error);

G_END_DECLS

G_BEGIN_DECLS

enum
{
  CST_PDF_GLYPH_LATIN,
  CST_PDF_GLYPH_UNICODE,
  CST_PDF_GLYPH_NEWLINE,
};

enum
{
  CST_PDF_NEUTRAL,
  CST_PDF_LTR,
  CST_PDF_RTL,
};

/* One character as drawn: its bytes in its font's encoding (a shaped
 * form, or nothing for the second letter of a ligature) and its width in
 * thousandths of the font size, as HarfBuzz placed it (kerning
 * included). */
typedef struct
{
  guint8   font;
  guint8   len;
  guint8   direction;   /* CST_PDF_NEUTRAL, _LTR or _RTL: for reordering */
  guint8   new_run;     /* kerning moved it: the writers start a new run
                         * here, at the x the widths say */
  gboolean space;
  char     bytes[4];
  float    width;
} CstPdfGlyph;

typedef struct
{
  guint    start;      /* glyph indices, end exclusive, trailing spaces left out */
  guint    end;
  double   width;      /* points */
  guint    n_spaces;
  gboolean last;       /* ends a paragraph: never justified */
  gboolean ellipsis;   /* the text went on; draw "…" after it */
} CstPdfLine;

/* How text becomes glyphs for one writer: the fonts, whether Latin
 * glyphs carry UTF-8 (cairo) or their Windows-1252 byte (libharu's
 * single-byte Latin font), and whether the writer can draw the fallback
 * font.  Widths come from HarfBuzz (cst-pdf-shape.c) for both. */
typedef struct
{
  const CstPdfFonts *fonts;
  gboolean           latin_utf8;
  gboolean         (*unicode_ready) (gpointer data);
  gpointer           data;
} CstPdfShaper;

static inline double
cst_pdf_glyph_width (const CstPdfGlyph *g,
                     double             size)
{
  return g->width * size / 1000.0;
}

/* cst-pdf-shape.c: HarfBuzz shaping of glyphs made by cst_pdf_shape_text,
 * @chars the character each one draws */
void     cst_pdf_shape_runs   (const CstPdfShaper *shaper,
                               GArray             *glyphs,
                               const gunichar     *chars);

/* cst-pdf-text.c: shared by CstPdf and CstPdfStream */
GArray  *cst_pdf_shape_text   (const CstPdfShaper *shaper,
                               const char         *text);
GArray  *cst_pdf_wrap_glyphs  (GArray            *glyphs,
                               double             size,
                               double             max_width,
                               guint              max_lines,
                               double             ellipsis_width);
guint   *cst_pdf_visual_order (GArray            *glyphs,
                               const CstPdfLine  *line);
double   cst_pdf_line_x       (const CstPdfLine  *line,
                               double             x,
                               double             width,
                               CstPdfAlign        align,
                               double             ellipsis);
char    *cst_pdf_page_label   (const char        *format,
                               guint              page,
                               guint              pages);
CstPdfStyle cst_pdf_heading_style   (double body_size);
CstPdfStyle cst_pdf_paragraph_style (double body_size);
CstPdfStyle cst_pdf_footer_style    (double body_size);

/* Table cells: padding in points, and at most this many lines a cell. */
#define CST_PDF_CELL_PAD_X 4.0
#define CST_PDF_CELL_PAD_Y 3.0
#define CST_PDF_CELL_MAX_LINES 6

/* A table's columns and header, placed and laid out alike by both
 * writers; only the drawing differs. */
typedef struct
{
  guint         n_columns;
  double       *x;
  double       *width;
  CstPdfAlign  *align;
  char        **titles;
  gboolean      has_header;
  double        size;
} CstPdfColumns;

typedef struct
{
  GArray *glyphs;
  GArray *lines;
} CstPdfCell;

void     cst_pdf_columns_init    (CstPdfColumns       *self,
                                  const CstPdfColumn  *columns,
                                  guint                n_columns,
                                  double               left,
                                  double               total,
                                  double               size);
void     cst_pdf_columns_clear   (CstPdfColumns       *self);
double   cst_pdf_columns_right   (const CstPdfColumns *self);
double   cst_pdf_columns_lay_out (const CstPdfColumns *self,
                                  const CstPdfShaper  *shaper,
                                  double               ellipsis_width,
                                  const char *const   *cells,
                                  double               size,
                                  CstPdfCell          *out);
double   cst_pdf_columns_line_x  (const CstPdfColumns *self,
                                  guint                c,
                                  const CstPdfLine    *line,
                                  double               ellipsis);
void     cst_pdf_cells_clear     (CstPdfCell          *cells,
                                  guint                n_cells);

/* cst-pdf-access.c: what a tagged PDF needs beyond the structure tree
 * cairo 1.16 writes (it has no way to say them): the document's
 * language, the title shown in the window, alternative text for figures
 * and the scope of table header cells.  Figures and header cells are
 * matched by their order in the tree, which is the order they were
 * tagged in. */
typedef enum
{
  CST_PDF_SCOPE_COLUMN,
  CST_PDF_SCOPE_ROW,
} CstPdfScope;

typedef struct
{
  char      *language;  /* BCP 47: "en", "es" */
  GPtrArray *alts;      /* one text per Figure element */
  GArray    *scopes;    /* one CstPdfScope per TH element */
} CstPdfAccess;

void     cst_pdf_access_init     (CstPdfAccess       *self,
                                  const char         *language);
void     cst_pdf_access_clear    (CstPdfAccess       *self);
GBytes  *cst_pdf_access_apply    (const CstPdfAccess *self,
                                  GBytes             *pdf,
                                  GError            **error);
char    *cst_pdf_xmp_packet      (const char         *title,
                                  const char         *language,
                                  const char         *producer,
                                  const char         *creator);

struct _CstPdf
{
  HPDF_Doc           doc;
  const CstPdfFonts *fonts;
  HPDF_Font          latin;
  HPDF_Font          unicode;
  gboolean           unicode_tried;
  float              latin_widths[256];
  float              ellipsis_width;
  double             page_width;
  double             page_height;
  HPDF_PageSizes     page_size;
  CstPdfMargins      margins;
  double             body_size;
  GPtrArray         *pages;
  HPDF_Page          page;
  double             y;
  char              *footer;
  char              *page_format;
  gboolean           failed;
  gboolean           probing;
  HPDF_STATUS        error_status;
  HPDF_STATUS        error_detail;
  gboolean           finished;
  GString           *run;
  /* Text state already set on state_page, so repeated lines do not
   * repeat Tf and Tr operators (a third of the content stream). */
  HPDF_Page          state_page;
  HPDF_Font          state_font;
  double             state_size;
  gboolean           state_bold;
};

#define CST_PDF_FOOTER_HEIGHT 26.0
#define CST_PDF_LEADING 1.25

GArray  *cst_pdf_shape        (CstPdf            *self,
                               const char        *text);
void     cst_pdf_get_shaper   (CstPdf            *self,
                               CstPdfShaper      *shaper);
GArray  *cst_pdf_wrap         (CstPdf            *self,
                               GArray            *glyphs,
                               double             size,
                               double             max_width,
                               guint              max_lines);
void     cst_pdf_draw_line    (CstPdf            *self,
                               GArray            *glyphs,
                               const CstPdfLine  *line,
                               double             x,
                               double             baseline,
                               double             size,
                               gboolean           bold,
                               double             extra_per_space);
void     cst_pdf_draw_lines   (CstPdf            *self,
                               GArray            *glyphs,
                               GArray            *lines,
                               double             x,
                               double             top,
                               double             width,
                               const CstPdfStyle *style);
double   cst_pdf_bottom       (CstPdf            *self);
double   cst_pdf_top          (CstPdf            *self);
void     cst_pdf_new_page     (CstPdf            *self);
double   cst_pdf_style_size   (CstPdf            *self,
                               const CstPdfStyle *style);

G_END_DECLS
