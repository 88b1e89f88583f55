/* cst-test-screen.h — a document drawn for the screen (CstPdfPages)
 * compared with its PDF rendered by Poppler, pixel by pixel */
#pragma once

#include <gio/gio.h>

#include <custodian/cst-pdf-pages.h>

G_BEGIN_DECLS

/* The previews' pixels per point: 96 dpi. */
#define CST_TEST_SCREEN_SCALE (96.0 / 72.0)

void cst_test_screen_assert_matches_pdf (CstPdfPages *pages,
                                         GBytes      *pdf);

G_END_DECLS
