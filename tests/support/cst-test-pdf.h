/* cst-test-pdf.h — reading generated PDFs back in tests */
#pragma once

#include <poppler.h>

G_BEGIN_DECLS

/* poppler-glib 22.12 (Debian 12) declares no autoptr cleanups. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerDocument, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerPage, g_object_unref)

PopplerDocument *cst_test_pdf_open             (GBytes             *pdf);
PopplerDocument *cst_test_pdf_open_file        (const char         *path);
PopplerDocument *cst_test_pdf_open_with_password (const char       *path,
                                                  const char       *password,
                                                  GError          **error);
char            *cst_test_pdf_page_text        (PopplerDocument    *doc,
                                                int                 page);
char            *cst_test_pdf_text             (PopplerDocument    *doc);
void             cst_test_pdf_assert_qpdf_clean (GBytes            *pdf);
void             cst_test_pdf_assert_clean_metadata (PopplerDocument *doc,
                                                     const char *const *forbidden);
char            *cst_test_pdf_squash           (const char         *text);

/* A tagged PDF's structure tree as Poppler reads it, element by element
 * in tree order (the reading order); marked content is left out.  A
 * header cell's scope is read with libqpdf: Poppler 22.12's
 * poppler_structure_element_get_table_scope() refuses header cells. */
typedef struct
{
  guint                       depth;
  PopplerStructureElementKind kind;
  char                       *text;   /* its own and its children's */
  char                       *alt;    /* /Alt, or NULL */
  char                       *scope;  /* a header cell's /Scope ("Row", "Column"), or NULL */
} CstTestPdfElement;

GPtrArray       *cst_test_pdf_structure        (GBytes             *pdf);
char            *cst_test_pdf_ascii_words      (const char         *text);
char            *cst_test_pdf_catalog_entry    (GBytes             *pdf,
                                                const char         *key);
/* The elements of @kind, in tree order (borrowed from @elements); the
 * one of @kind whose words (ASCII, as cst_test_pdf_ascii_words) are
 * @text's, which must exist. */
GPtrArray       *cst_test_pdf_elements_of_kind (GPtrArray          *elements,
                                                PopplerStructureElementKind kind);
CstTestPdfElement *cst_test_pdf_find_element   (GPtrArray          *elements,
                                                PopplerStructureElementKind kind,
                                                const char         *text);
/* What a tagged PDF claims as PDF/UA: /Lang @language, the title shown
 * in the window, /MarkInfo, and XMP metadata with pdfuaid:part 1, @title
 * and @language (read by Poppler). */
void             cst_test_pdf_assert_pdfua     (GBytes             *pdf,
                                                const char         *language,
                                                const char         *title);
/* Every page's content that draws (text, paths painted, images,
 * shadings) is inside marked content: a structure element's or an
 * /Artifact; and text shown in a string holding @artifact_text (a
 * footer's words, as the content stream has them) is an /Artifact. */
void             cst_test_pdf_assert_content_marked (GBytes        *pdf,
                                                     const char    *artifact_text);

G_END_DECLS
