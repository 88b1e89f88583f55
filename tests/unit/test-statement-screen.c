/* test-statement-screen.c — the statement drawn for the screen is its PDF
 *
 * The workbench previews a statement drawn by the cairo writer's screen
 * backend (cairo recording surfaces) and makes the PDF only to save it.
 * Both come from one layout, so they must look the same: every page of
 * the PDF, rendered by Poppler at the preview's 96 dpi, is compared pixel
 * by pixel with the screen's drawing of that page.  The comparison itself
 * is checked: it tells a page from its neighbour and from itself moved by
 * two pixels.  Also the preview's async pair (statement and pages off the
 * caller's thread, cancellable) and the PDF made later from the statement
 * shown.
 */
#include "config.h"

#include <cairo.h>
#include <stdlib.h>

#include <custodian/custodian.h>

#include "cst-test-async.h"
#include "cst-test-db.h"
#include "cst-test-pdf.h"

#define SCALE (96.0 / 72.0)
/* Both images are softened first (each pixel the mean of its 3 × 3
 * neighbours: Poppler snaps a thin rule to whole pixels where cairo
 * spreads it over two rows).  A pixel then matches when the other image
 * has one within NEIGHBOURHOOD pixels whose channels are each within
 * CHANNEL_TOLERANCE (anti-aliasing differs at glyph edges, and bold type
 * is the regular outline made heavier, by FreeType on the screen and by a
 * stroke in the PDF, a hair apart).  A page may have pixels that do not,
 * at most MAX_DIFFERING of its inked ones (measured: 0.2–1.4 %; the same
 * page moved by two pixels: 11–55 %), and so may each tile of about 24
 * points, MAX_TILE_DIFFERING (measured: at most 10 %), so that a small
 * thing missing or moved (a footer, a word) is not lost in a page of text
 * that matches; a tile with fewer than TILE_NOISE differing pixels is not
 * judged. */
#define CHANNEL_TOLERANCE 64
#define NEIGHBOURHOOD 1
#define MAX_DIFFERING 0.03
#define TILE 32
#define TILE_NOISE 12
#define MAX_TILE_DIFFERING 0.25

static CstStatementRules *rules;

static CstStatement *
sample_statement (const char *language)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "sample-bill-1.csv", NULL);
  g_autoptr(CstBill) bill = cst_bill_import_file (path, 0, NULL, NULL);
  g_autoptr(CstStatementTemplate) tpl = cst_test_statement_template (language);
  g_autoptr(GError) error = NULL;
  CstStatement *st;

  g_assert_nonnull (bill);
  cst_bill_set_text (&bill->patient_name, "José Núñez");
  cst_bill_set_text (&bill->account_number, "ACC-0042");
  g_date_set_dmy (&bill->statement_date, 31, 3, 2025);
  g_date_set_dmy (&bill->due_date, 30, 4, 2025);
  cst_bill_fill_defaults (bill, NULL);
  st = cst_statement_new (bill, rules, tpl, &error);
  g_assert_no_error (error);
  return st;
}

/* As the preview drew PDFs: white paper, Poppler at @SCALE. */
static cairo_surface_t *
render_pdf_page (PopplerDocument *doc,
                 int              index,
                 double           dx)
{
  g_autoptr(PopplerPage) page = poppler_document_get_page (doc, index);
  double width, height;
  cairo_surface_t *image;
  cairo_t *cr;

  poppler_page_get_size (page, &width, &height);
  image = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, MAX (1, (int) (width * SCALE)),
                                      MAX (1, (int) (height * SCALE)));
  cr = cairo_create (image);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_translate (cr, dx, 0);
  cairo_scale (cr, SCALE, SCALE);
  poppler_page_render (page, cr);
  cairo_destroy (cr);
  cairo_surface_flush (image);
  return image;
}

static gboolean
close_to (const guint8 *a,
          const guint8 *b)
{
  for (int c = 0; c < 3; c++)
    if (abs (a[c] - b[c]) > CHANNEL_TOLERANCE)
      return FALSE;
  return TRUE;
}

/* Whether @a's pixel at @x, @y has a close one in @b at most a pixel
 * away: Poppler and cairo may round a glyph's or a rule's position to
 * the neighbouring pixel (the PDF's coordinates are rounded to a
 * thousandth of a point). */
static gboolean
matched_nearby (cairo_surface_t *a,
                cairo_surface_t *b,
                int              x,
                int              y)
{
  int width = cairo_image_surface_get_width (a), height = cairo_image_surface_get_height (a);
  int stride = cairo_image_surface_get_stride (a);
  const guint8 *pa = cairo_image_surface_get_data (a) + y * stride + x * 4;
  const guint8 *pb = cairo_image_surface_get_data (b);

  /* Most pixels are the same paper in both: look there first. */
  if (close_to (pa, pb + y * stride + x * 4))
    return TRUE;
  for (int dy = -NEIGHBOURHOOD; dy <= NEIGHBOURHOOD; dy++)
    for (int dx = -NEIGHBOURHOOD; dx <= NEIGHBOURHOOD; dx++)
      if (x + dx >= 0 && x + dx < width && y + dy >= 0 && y + dy < height &&
          close_to (pa, pb + (y + dy) * stride + (x + dx) * 4))
        return TRUE;
  return FALSE;
}

static gboolean
inked_at (cairo_surface_t *image,
          int              x,
          int              y)
{
  return cairo_image_surface_get_data (image)[y * cairo_image_surface_get_stride (image) + x * 4 + 1] < 128;
}

/* Dark pixels: text, rules and fills darker than mid-grey. */
static guint64
count_inked (cairo_surface_t *image)
{
  guint64 count = 0;

  for (int y = 0; y < cairo_image_surface_get_height (image); y++)
    for (int x = 0; x < cairo_image_surface_get_width (image); x++)
      count += inked_at (image, x, y);
  return count;
}

typedef struct
{
  double page;    /* differing pixels, as a share of the inked ones */
  double tile;    /* the same in the worst tile of TILE × TILE pixels */
} Difference;

/* A pixel of either image with no close pixel in the other within the
 * neighbourhood differs.  Counted on the page (a page of a few lines
 * counts as much as a full one) and tile by tile, so a small thing that
 * is missing or moved (a footer, a word) is not lost in a page of text
 * that matches. */
/* @image (taken) with each pixel the mean of its 3 × 3 neighbours: a
 * thin rule cairo spreads over two rows of pixels and Poppler snaps to
 * one (stroke adjustment) becomes the same soft line. */
static cairo_surface_t *
softened (cairo_surface_t *image)
{
  int width = cairo_image_surface_get_width (image), height = cairo_image_surface_get_height (image);
  int stride = cairo_image_surface_get_stride (image);
  cairo_surface_t *out = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  const guint8 *in = cairo_image_surface_get_data (image);
  guint8 *to = cairo_image_surface_get_data (out);

  g_assert_cmpint (stride, ==, cairo_image_surface_get_stride (out));
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      for (int c = 0; c < 4; c++)
        {
          guint sum = 0, n = 0;

          for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++)
              if (x + dx >= 0 && x + dx < width && y + dy >= 0 && y + dy < height)
                {
                  sum += in[(y + dy) * stride + (x + dx) * 4 + c];
                  n++;
                }
          to[y * stride + x * 4 + c] = (guint8) (sum / n);
        }
  cairo_surface_mark_dirty (out);
  cairo_surface_destroy (image);
  return out;
}

/* @a and @b softened (softened()). */
static Difference
compare (cairo_surface_t *a,
              cairo_surface_t *b)
{
  int width = cairo_image_surface_get_width (a), height = cairo_image_surface_get_height (a);
  Difference difference = { 0, 0 };
  guint64 differing = 0, inked = 0;

  g_assert_cmpint (width, ==, cairo_image_surface_get_width (b));
  g_assert_cmpint (height, ==, cairo_image_surface_get_height (b));
  g_assert_cmpint (cairo_image_surface_get_stride (a), ==, cairo_image_surface_get_stride (b));
  for (int ty = 0; ty < height; ty += TILE)
    for (int tx = 0; tx < width; tx += TILE)
      {
        guint tile_differing = 0, tile_inked_a = 0, tile_inked_b = 0;

        for (int y = ty; y < MIN (ty + TILE, height); y++)
          for (int x = tx; x < MIN (tx + TILE, width); x++)
            {
              tile_inked_a += inked_at (a, x, y);
              tile_inked_b += inked_at (b, x, y);
              if (!matched_nearby (a, b, x, y) || !matched_nearby (b, a, x, y))
                tile_differing++;
            }
        differing += tile_differing;
        inked += tile_inked_a;
        if (tile_differing >= TILE_NOISE)
          difference.tile = MAX (difference.tile,
                                 (double) tile_differing / MAX (1, MAX (tile_inked_a, tile_inked_b)));
      }
  difference.page = (double) differing / MAX (1, inked);
  return difference;
}

/* A page that does not match is kept as two PNGs to look at. */
static void
keep_images (cairo_surface_t *screen,
             cairo_surface_t *paper,
             guint            page)
{
  g_autofree char *dir = g_dir_make_tmp ("cst-screen-XXXXXX", NULL);
  g_autofree char *screen_png = g_strdup_printf ("%s/page-%u-screen.png", dir, page + 1);
  g_autofree char *paper_png = g_strdup_printf ("%s/page-%u-pdf.png", dir, page + 1);

  cairo_surface_write_to_png (screen, screen_png);
  cairo_surface_write_to_png (paper, paper_png);
  g_test_message ("page %u differs: %s, %s", page + 1, screen_png, paper_png);
}

static void
check_screen_matches_pdf (const char *language)
{
  g_autoptr(CstStatement) st = sample_statement (language);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = cst_statement_render_pdf (st, &error);
  g_autoptr(CstPdfPages) pages = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  guint n;

  g_assert_no_error (error);
  pages = cst_statement_render_pages (st, NULL, &error);
  g_assert_no_error (error);
  doc = cst_test_pdf_open (pdf);
  n = cst_pdf_pages_get_n_pages (pages);
  g_assert_cmpuint (n, ==, poppler_document_get_n_pages (doc));
  g_assert_cmpuint (n, >=, 2);
  for (guint i = 0; i < n; i++)
    {
      cairo_surface_t *screen = softened (cst_pdf_pages_render (pages, i, SCALE));
      cairo_surface_t *paper = softened (render_pdf_page (doc, (int) i, 0));
      cairo_surface_t *moved = softened (render_pdf_page (doc, (int) i, 2));
      Difference same = compare (screen, paper), off = compare (screen, moved);

      g_test_message ("page %u: %" G_GUINT64_FORMAT " pixels inked; differing: %.1f%% of them "
                      "(worst tile %.0f%%); moved 2 px: %.1f%% (worst tile %.0f%%)", i + 1,
                      count_inked (screen), 100 * same.page, 100 * same.tile, 100 * off.page,
                      100 * off.tile);
      /* Not blank (a blank page matches a blank one). */
      g_assert_cmpuint (count_inked (screen), >, 1000);
      if (same.page > MAX_DIFFERING || same.tile > MAX_TILE_DIFFERING ||
          g_getenv ("CST_TEST_KEEP_IMAGES") != NULL)
        keep_images (screen, paper, i);
      g_assert_cmpfloat (same.page, <=, MAX_DIFFERING);
      g_assert_cmpfloat (same.tile, <=, MAX_TILE_DIFFERING);
      /* The comparison can fail: the same page two pixels to the right,
       * or the next page, is far off. */
      g_assert_cmpfloat (off.page, >, 3 * MAX_DIFFERING);
      g_assert_cmpfloat (off.tile, >, MAX_TILE_DIFFERING);
      if (i == 0)
        {
          cairo_surface_t *next = softened (render_pdf_page (doc, 1, 0));

          g_assert_cmpfloat (compare (screen, next).page, >, 3 * MAX_DIFFERING);
          cairo_surface_destroy (next);
        }
      cairo_surface_destroy (moved);
      cairo_surface_destroy (paper);
      cairo_surface_destroy (screen);
    }
}

static void
test_matches_pdf_english (void)
{
  check_screen_matches_pdf ("en");
}

static void
test_matches_pdf_spanish (void)
{
  check_screen_matches_pdf ("es");
}

/* The paper's size, and a page painted at twice the scale has twice the
 * pixels (the preview's zoom). */
static void
test_pages_size (void)
{
  g_autoptr(CstStatement) st = sample_statement ("en");
  g_autoptr(GError) error = NULL;
  g_autoptr(CstPdfPages) pages = cst_statement_render_pages (st, NULL, &error);
  cairo_surface_t *image;
  double width = 0, height = 0;

  g_assert_no_error (error);
  cst_pdf_pages_get_size (pages, &width, &height);
  g_assert_cmpfloat_with_epsilon (width, 612, 0.01);
  g_assert_cmpfloat_with_epsilon (height, 792, 0.01);
  image = cst_pdf_pages_render (pages, 0, 2.0);
  g_assert_cmpint (cairo_image_surface_get_width (image), ==, 1224);
  g_assert_cmpint (cairo_image_surface_get_height (image), ==, 1584);
  cairo_surface_destroy (image);
}

static void
test_preview_async (void)
{
  g_autoptr(CstStatement) expected = sample_statement ("en");
  g_autoptr(CstStatementTemplate) tpl = cst_statement_template_copy (expected->template);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) pdf_result = NULL;
  g_autoptr(GAsyncResult) cancelled_result = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(CstStatement) st = NULL;
  g_autoptr(CstStatement) none = NULL;
  g_autoptr(CstPdfPages) pages = NULL;
  g_autoptr(CstPdfPages) no_pages = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  g_autoptr(GError) error = NULL;

  cst_statement_preview_async (expected->bill, rules, tpl, NULL, 1, 2.0, NULL, cst_test_result_cb, &result);
  st = cst_statement_preview_finish (cst_test_wait_result (&result, 30), &pages, &error);
  g_assert_no_error (error);
  g_assert_nonnull (st);
  g_assert_cmpint (st->amount_due_cents, ==, expected->amount_due_cents);
  g_assert_nonnull (pages);
  /* The page the preview shows, painted by the worker: the same pixels as
   * painting it now; no other page or scale. */
  {
    cairo_surface_t *painted = cst_pdf_pages_get_painted (pages, 1, 2.0);
    cairo_surface_t *now = cst_pdf_pages_render (pages, 1, 2.0);

    g_assert_nonnull (painted);
    g_assert_cmpint (cairo_image_surface_get_width (painted), ==, 1224);
    g_assert_cmpmem (cairo_image_surface_get_data (painted),
                     cairo_image_surface_get_stride (painted) * cairo_image_surface_get_height (painted),
                     cairo_image_surface_get_data (now),
                     cairo_image_surface_get_stride (now) * cairo_image_surface_get_height (now));
    g_assert_null (cst_pdf_pages_get_painted (pages, 0, 2.0));
    g_assert_null (cst_pdf_pages_get_painted (pages, 1, 1.0));
    cairo_surface_destroy (now);
    cairo_surface_destroy (painted);
  }

  /* The PDF of the statement shown, made when it is saved. */
  cst_statement_render_pdf_async (st, NULL, cst_test_result_cb, &pdf_result);
  pdf = cst_statement_render_pdf_finish (cst_test_wait_result (&pdf_result, 30), &error);
  g_assert_no_error (error);
  doc = cst_test_pdf_open (pdf);
  g_assert_cmpuint (poppler_document_get_n_pages (doc), ==, cst_pdf_pages_get_n_pages (pages));

  g_cancellable_cancel (cancellable);
  cst_statement_preview_async (expected->bill, rules, tpl, NULL, 0, 0, cancellable, cst_test_result_cb,
                               &cancelled_result);
  none = cst_statement_preview_finish (cst_test_wait_result (&cancelled_result, 30), &no_pages,
                                       &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (none);
  g_assert_null (no_pages);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  rules = cst_statement_rules_new_default (&error);
  g_assert_no_error (error);
  g_test_add_func ("/statement-screen/matches-pdf/english", test_matches_pdf_english);
  g_test_add_func ("/statement-screen/matches-pdf/spanish", test_matches_pdf_spanish);
  g_test_add_func ("/statement-screen/pages-size", test_pages_size);
  g_test_add_func ("/statement-screen/preview-async", test_preview_async);
  status = g_test_run ();
  cst_statement_rules_unref (rules);
  return status;
}
