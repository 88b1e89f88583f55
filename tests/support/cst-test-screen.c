/* cst-test-screen.c — a document drawn for the screen looks like its PDF
 *
 * Moved here from tests/unit/test-statement-screen.c when the letters'
 * preview (test-document-screen) came to need the same comparison.
 */
#include "config.h"

#include <cairo.h>
#include <stdlib.h>
#include <string.h>

#include "cst-test-pdf.h"
#include "cst-test-screen.h"

#define SCALE CST_TEST_SCREEN_SCALE
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

/* An image's pixels, read without a call per pixel: the comparison runs
 * over a million pixels a page several times, under valgrind too. */
typedef struct
{
  const guint8 *data;
  int           width;
  int           height;
  int           stride;
} Pixels;

static Pixels
pixels_of (cairo_surface_t *image)
{
  cairo_surface_flush (image);
  return (Pixels) { cairo_image_surface_get_data (image), cairo_image_surface_get_width (image),
                    cairo_image_surface_get_height (image), cairo_image_surface_get_stride (image) };
}

/* Whether @a's pixel at @x, @y has a close one in @b at most a pixel
 * away: Poppler and cairo may round a glyph's or a rule's position to
 * the neighbouring pixel (the PDF's coordinates are rounded to a
 * thousandth of a point). */
static gboolean
matched_nearby (const Pixels *a,
                const Pixels *b,
                int           x,
                int           y)
{
  const guint8 *pa = a->data + y * a->stride + x * 4;

  /* Most pixels are the same paper in both: look there first. */
  if (close_to (pa, b->data + y * b->stride + x * 4))
    return TRUE;
  for (int dy = -NEIGHBOURHOOD; dy <= NEIGHBOURHOOD; dy++)
    for (int dx = -NEIGHBOURHOOD; dx <= NEIGHBOURHOOD; dx++)
      if (x + dx >= 0 && x + dx < a->width && y + dy >= 0 && y + dy < a->height &&
          close_to (pa, b->data + (y + dy) * b->stride + (x + dx) * 4))
        return TRUE;
  return FALSE;
}

static inline gboolean
pixel_inked (const Pixels *image,
             int           x,
             int           y)
{
  return image->data[y * image->stride + x * 4 + 1] < 128;
}

/* Dark pixels: text, rules and fills darker than mid-grey. */
static guint64
count_inked (cairo_surface_t *image)
{
  Pixels pixels = pixels_of (image);
  guint64 count = 0;

  for (int y = 0; y < pixels.height; y++)
    for (int x = 0; x < pixels.width; x++)
      count += pixel_inked (&pixels, x, y);
  return count;
}

typedef struct
{
  double page;    /* differing pixels, as a share of the inked ones */
  double tile;    /* the same in the worst tile of TILE × TILE pixels */
} Difference;

/* One row's sums of each pixel's channel with its left and right
 * neighbours' (those inside the row).  Three plain loops the compiler
 * turns into vector instructions: this ran for every pixel of several
 * images a page, most of the PDF tests' instructions under memcheck. */
static void
sum_across (const guint8 *row,
            int           width,
            guint16      *sums)
{
  int n = width * 4;

  for (int i = 0; i < n; i++)
    sums[i] = row[i];
  for (int i = 4; i < n; i++)
    sums[i] += row[i - 4];
  for (int i = 0; i + 4 < n; i++)
    sums[i] += row[i + 4];
}

/* One row of means from three rows of sum_across()'s sums (@above and
 * @below all zero at the image's edges): each pixel's sum over its
 * neighbours divided by how many there are, @side at the row's two ends
 * and @inside between (constants once inlined, so no division is made). */
static inline void
mean_down (const guint16 *above,
           const guint16 *here,
           const guint16 *below,
           int            width,
           guint          side,
           guint          inside,
           guint8        *out)
{
  int n = width * 4;

  for (int i = 0; i < 4; i++)
    out[i] = (guint8) (((guint) above[i] + here[i] + below[i]) / side);
  for (int i = 4; i < n - 4; i++)
    out[i] = (guint8) (((guint) above[i] + here[i] + below[i]) / inside);
  for (int i = n - 4; i < n; i++)
    out[i] = (guint8) (((guint) above[i] + here[i] + below[i]) / side);
}

/* @image (taken) with each pixel the mean of its 3 × 3 neighbours: a
 * thin rule cairo spreads over two rows of pixels and Poppler snaps to
 * one (stroke adjustment) becomes the same soft line. */
static cairo_surface_t *
softened (cairo_surface_t *image)
{
  Pixels in = pixels_of (image);
  cairo_surface_t *out = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, in.width, in.height);
  guint8 *to = cairo_image_surface_get_data (out);
  gsize n = (gsize) in.width * 4;
  g_autofree guint16 *sums = g_new (guint16, n * in.height);
  g_autofree guint16 *zero = g_new0 (guint16, n);

  g_assert_cmpint (in.stride, ==, cairo_image_surface_get_stride (out));
  g_assert_cmpint (in.width, >=, 2);
  g_assert_cmpint (in.height, >=, 2);
  for (int y = 0; y < in.height; y++)
    sum_across (in.data + (gsize) y * in.stride, in.width, sums + n * y);
  for (int y = 0; y < in.height; y++)
    {
      const guint16 *above = y > 0 ? sums + n * (y - 1) : zero;
      const guint16 *below = y + 1 < in.height ? sums + n * (y + 1) : zero;
      guint8 *row = to + (gsize) y * in.stride;

      if (y > 0 && y + 1 < in.height)
        mean_down (above, sums + n * y, below, in.width, 6, 9, row);
      else
        mean_down (above, sums + n * y, below, in.width, 4, 6, row);
    }
  cairo_surface_mark_dirty (out);
  cairo_surface_destroy (image);
  return out;
}

/* A pixel of either image with no close pixel in the other within the
 * neighbourhood differs.  Counted on the page (a page of a few lines
 * counts as much as a full one) and tile by tile, so a small thing that
 * is missing or moved (a footer, a word) is not lost in a page of text
 * that matches.  @a and @b softened (softened()). */
static Difference
compare (cairo_surface_t *a,
         cairo_surface_t *b)
{
  Pixels pa = pixels_of (a), pb = pixels_of (b);
  int width = pa.width, height = pa.height;
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
              tile_inked_a += pixel_inked (&pa, x, y);
              tile_inked_b += pixel_inked (&pb, x, y);
              /* The same pixel in both (most of a page's paper) matches
               * without a look around. */
              if (memcmp (pa.data + y * pa.stride + x * 4, pb.data + y * pb.stride + x * 4, 4) == 0)
                continue;
              if (!matched_nearby (&pa, &pb, x, y) || !matched_nearby (&pb, &pa, x, y))
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

/* The inked line nearest the middle of @image's ink: its first and last
 * pixel rows. */
static void
middle_line (cairo_surface_t *image,
             int             *top,
             int             *bottom)
{
  Pixels pixels = pixels_of (image);
  int height = pixels.height;
  g_autofree gboolean *inked = g_new0 (gboolean, height);
  int first = -1, last = -1, y;

  for (y = 0; y < height; y++)
    for (int x = 0; x < pixels.width && !inked[y]; x++)
      inked[y] = pixel_inked (&pixels, x, y);
  for (y = 0; y < height; y++)
    if (inked[y])
      {
        first = first < 0 ? y : first;
        last = y;
      }
  g_assert_cmpint (first, >=, 0);
  y = (first + last) / 2;
  while (!inked[y] && y < last)
    y++;
  for (*top = y; *top > 0 && inked[*top - 1]; (*top)--)
    ;
  for (*bottom = y; *bottom + 1 < height && inked[*bottom + 1]; (*bottom)++)
    ;
}

/* @image (taken) with the rows from @top to @bottom painted over with
 * paper: a line of the page left out. */
static cairo_surface_t *
without_rows (cairo_surface_t *image,
              int              top,
              int              bottom)
{
  cairo_t *cr = cairo_create (image);

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, 0, top - 1, cairo_image_surface_get_width (image), bottom - top + 3);
  cairo_fill (cr);
  cairo_destroy (cr);
  cairo_surface_flush (image);
  return image;
}

static void
assert_page_matches (CstPdfPages     *pages,
                     PopplerDocument *doc,
                     guint            i)
{
  cairo_surface_t *screen = softened (cst_pdf_pages_render (pages, i, CST_TEST_SCREEN_SCALE));
  cairo_surface_t *paper = softened (render_pdf_page (doc, (int) i, 0));
  cairo_surface_t *moved = softened (render_pdf_page (doc, (int) i, 2));
  Difference same = compare (screen, paper), off = compare (screen, moved);
  Difference screen_short, paper_short;
  int top = 0, bottom = 0;

  middle_line (screen, &top, &bottom);
  {
    cairo_surface_t *a = softened (without_rows (cst_pdf_pages_render (pages, i, CST_TEST_SCREEN_SCALE),
                                                 top, bottom));
    cairo_surface_t *b = softened (without_rows (render_pdf_page (doc, (int) i, 0), top, bottom));

    screen_short = compare (a, paper);
    paper_short = compare (screen, b);
    cairo_surface_destroy (b);
    cairo_surface_destroy (a);
  }
  g_test_message ("page %u: %" G_GUINT64_FORMAT " pixels inked; differing: %.1f%% of them "
                  "(worst tile %.0f%%); moved 2 px: %.1f%% (worst tile %.0f%%); "
                  "line at rows %d–%d left out on the screen: worst tile %.0f%%, in the PDF: %.0f%%",
                  i + 1, count_inked (screen), 100 * same.page, 100 * same.tile, 100 * off.page,
                  100 * off.tile, top, bottom, 100 * screen_short.tile, 100 * paper_short.tile);
  /* Not blank (a blank page matches a blank one). */
  g_assert_cmpuint (count_inked (screen), >, 1000);
  if (same.page > MAX_DIFFERING || same.tile > MAX_TILE_DIFFERING ||
      g_getenv ("CST_TEST_KEEP_IMAGES") != NULL)
    keep_images (screen, paper, i);
  g_assert_cmpfloat (same.page, <=, MAX_DIFFERING);
  g_assert_cmpfloat (same.tile, <=, MAX_TILE_DIFFERING);
  /* The comparison can fail: the same page two pixels to the right, or
   * with one line left out on either side, is far off. */
  g_assert_cmpfloat (off.page, >, 3 * MAX_DIFFERING);
  g_assert_cmpfloat (off.tile, >, MAX_TILE_DIFFERING);
  g_assert_cmpfloat (screen_short.tile, >, MAX_TILE_DIFFERING);
  g_assert_cmpfloat (paper_short.tile, >, MAX_TILE_DIFFERING);
  if (i == 0 && poppler_document_get_n_pages (doc) > 1)
    {
      cairo_surface_t *next = softened (render_pdf_page (doc, 1, 0));

      g_assert_cmpfloat (compare (screen, next).page, >, 3 * MAX_DIFFERING);
      cairo_surface_destroy (next);
    }
  cairo_surface_destroy (moved);
  cairo_surface_destroy (paper);
  cairo_surface_destroy (screen);
}

/**
 * cst_test_screen_assert_matches_pdf:
 *
 * Every page of @pages, drawn for the screen at the preview's 96 dpi, is
 * compared pixel by pixel with the same page of @pdf rendered by Poppler
 * as the preview drew PDFs; they have as many pages.  Each comparison is
 * checked: it tells the page from itself moved by two pixels, from itself
 * with its middle line left out (on the screen or in the PDF), and the
 * first page from the second.
 */
void
cst_test_screen_assert_matches_pdf (CstPdfPages *pages,
                                    GBytes      *pdf)
{
  g_autoptr(PopplerDocument) doc = cst_test_pdf_open (pdf);
  guint n = cst_pdf_pages_get_n_pages (pages);

  g_assert_cmpuint (n, ==, poppler_document_get_n_pages (doc));
  g_assert_cmpuint (n, >=, 1);
  for (guint i = 0; i < n; i++)
    assert_page_matches (pages, doc, i);
}
