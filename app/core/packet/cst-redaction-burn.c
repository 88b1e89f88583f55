/* cst-redaction-burn.c — burning redactions into the packet, and proving
 * the packet holds none of the redacted text
 *
 * A record page with an applied box is rebuilt: Poppler renders it with
 * cairo at 200 dpi (with the request's choice, 0076, Tesseract reads the
 * burned image and its words become an invisible text layer:
 * cst-redaction-text-layer.c), the boxes are filled solid black with their reason
 * code printed inside in white, and the page is replaced by a new page
 * holding only that image.  The rebuilt document is put together by
 * libqpdf from the new pages and the untouched ones: nothing of a rebuilt
 * page's content streams, fonts, annotations or form fields is copied,
 * and no document-level metadata either.  cairo writes a grey image as
 * grey (DeviceGray) and a colour one in colour, as the original was.
 *
 * Before a page is burned, the text under each box (Poppler's, or
 * Tesseract's on a scanned page, and the annotations and form fields the
 * box covers) is kept in memory; after the packet is written it is read
 * back: Poppler's text of every page (with annotations and form fields)
 * and Tesseract's reading of every rebuilt page must contain none of it.
 * The result is recorded with the build (record_redaction_proved); a
 * failure names the first packet page still showing redacted text, and
 * the release waits for a passing proof (migration 0069).  The kept text
 * is never written anywhere.
 *
 * Whole pages left out of the release are proven absent the same way, by
 * page hash (0076): each withheld page is rendered small, in grey, and
 * hashed; every packet page of the same width is rendered over the same
 * area from its top (the stamp's strip is added below a page, so a record
 * page keeps its pixels there) and must not hash the same.
 */
#define G_LOG_DOMAIN "custodian-packet"

#include "config.h"

#include <cairo-pdf.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <poppler.h>
#include <qpdf/qpdf-c.h>
#include <string.h>

#include "custodian/cst-db.h"
#include "custodian/cst-error.h"

#include "cst-redaction-private.h"
#include "cst-redaction-text-layer.h"

/* The packet's rebuilt pages are read back at Tesseract's best resolution. */
#define PROOF_OCR_DPI 300
/* Shorter texts (after white space is taken out) are not looked for: "of"
 * or "1" would be found everywhere. */
#define NEEDLE_MIN_CHARS 4
/* Pages are compared at a resolution where rendering is cheap and any
 * difference of content still shows. */
#define PAGE_HASH_DPI 36

typedef struct
{
  double width;      /* points */
  double height;
  char  *sha256;
} PageHash;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerDocument, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerPage, g_object_unref)

struct _CstRedactionBurn
{
  GPtrArray  *redactions;   /* the request's applied #CstRedaction */
  GPtrArray  *needles;      /* squashed texts that must not come back */
  GArray     *burned;       /* packet pages rebuilt (guint, from 1) */
  GArray     *withheld;     /* PageHash of every page left out */
  gboolean    text_layer;   /* the request's choices (0076) */
  gboolean    log_page;
  GArray     *log;          /* CstRedactionLogEntry, by packet page */
  GBytes     *log_pdf;      /* the log page(s), read lazily by libqpdf */
  qpdf_data   log_source;
  int         dpi;
  CstOcr     *ocr;
};

/**
 * cst_redaction_burn_new_with:
 * @applied: (transfer full): the #CstRedaction to burn
 *
 * A burn of @applied without a database (the benchmark's, and
 * cst_redaction_burn_new()'s).
 */
CstRedactionBurn *
cst_redaction_burn_new_with (GPtrArray *applied,
                             gboolean   text_layer,
                             gboolean   log_page)
{
  CstRedactionBurn *burn = g_new0 (CstRedactionBurn, 1);

  burn->redactions = applied;
  burn->needles = g_ptr_array_new_with_free_func (g_free);
  burn->burned = g_array_new (FALSE, FALSE, sizeof (guint));
  burn->withheld = g_array_new (FALSE, FALSE, sizeof (PageHash));
  burn->dpi = CST_REDACTION_DPI_DEFAULT;
  burn->text_layer = text_layer;
  burn->log_page = log_page;
  burn->log = g_array_new (FALSE, FALSE, sizeof (CstRedactionLogEntry));
  return burn;
}

CstRedactionBurn *
cst_redaction_burn_new (PGconn  *conn,
                        gint64   request_id,
                        GError **error)
{
  g_autoptr(GPtrArray) all = cst_redaction_list (conn, request_id, error);
  g_autofree char *id = cst_db_int_param (request_id);
  const char *params[] = { id };
  g_autoptr(PGresult) options = all ? cst_db_exec (conn,
    "SELECT text_layer, log_page FROM record_redaction_options WHERE request_id = $1", 1, params,
    error)
    : NULL;
  GPtrArray *applied;

  if (options == NULL)
    return NULL;
  applied = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_redaction_free);
  for (guint i = 0; i < all->len; i++)
    if (g_str_equal (((CstRedaction *) g_ptr_array_index (all, i))->state, "applied"))
      g_ptr_array_add (applied, g_ptr_array_steal_index (all, i--));
  return cst_redaction_burn_new_with (applied,
                                      PQntuples (options) == 1 && cst_db_bool (options, 0, 0),
                                      PQntuples (options) == 1 && cst_db_bool (options, 0, 1));
}

void
cst_redaction_burn_free (CstRedactionBurn *burn)
{
  if (burn == NULL)
    return;
  g_ptr_array_unref (burn->redactions);
  /* The kept text goes as it came: in memory only, and wiped. */
  for (guint i = 0; i < burn->needles->len; i++)
    {
      char *needle = g_ptr_array_index (burn->needles, i);

      memset (needle, 0, strlen (needle));
    }
  g_ptr_array_unref (burn->needles);
  g_array_unref (burn->burned);
  for (guint i = 0; i < burn->withheld->len; i++)
    g_free (g_array_index (burn->withheld, PageHash, i).sha256);
  g_array_unref (burn->withheld);
  g_array_unref (burn->log);
  if (burn->log_source != NULL)
    qpdf_cleanup (&burn->log_source);
  g_clear_pointer (&burn->log_pdf, g_bytes_unref);
  cst_ocr_free (burn->ocr);
  g_free (burn);
}

static void
set_burn_error (GError    **error,
                const char *what)
{
  g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
               _("The redactions could not be burned: %s"), what);
}

/* ---- what lies under a box ---------------------------------------------- */

static void
keep_text (CstRedactionBurn *burn,
           const char       *text)
{
  g_auto(GStrv) lines = NULL;

  if (text == NULL)
    return;
  lines = g_strsplit (text, "\n", -1);
  for (char **l = lines; *l; l++)
    {
      char *needle = cst_redaction_squash (*l);

      if (g_utf8_strlen (needle, -1) < NEEDLE_MIN_CHARS ||
          g_ptr_array_find_with_equal_func (burn->needles, needle, g_str_equal, NULL))
        {
          g_free (needle);
          continue;
        }
      g_ptr_array_add (burn->needles, needle);
    }
}

/* Whether PDF-space @area (origin bottom-left) meets @box. */
static gboolean
area_meets (const PopplerRectangle *area,
            double                  page_height,
            const CstRedactionBox  *box)
{
  double top = page_height - MAX (area->y1, area->y2);
  double bottom = page_height - MIN (area->y1, area->y2);

  return MIN (area->x1, area->x2) < box->x + box->width && MAX (area->x1, area->x2) > box->x &&
         top < box->y + box->height && bottom > box->y;
}

static void
keep_annotations (CstRedactionBurn      *burn,
                  PopplerPage           *page,
                  const CstRedactionBox *box,
                  double                 page_height)
{
  GList *annots = poppler_page_get_annot_mapping (page);
  GList *fields = poppler_page_get_form_field_mapping (page);

  for (GList *l = annots; l != NULL; l = l->next)
    {
      PopplerAnnotMapping *m = l->data;

      if (area_meets (&m->area, page_height, box))
        {
          g_autofree char *contents = poppler_annot_get_contents (m->annot);

          keep_text (burn, contents);
        }
    }
  for (GList *l = fields; l != NULL; l = l->next)
    {
      PopplerFormFieldMapping *m = l->data;

      if (area_meets (&m->area, page_height, box) &&
          poppler_form_field_get_field_type (m->field) == POPPLER_FORM_FIELD_TEXT)
        {
          g_autofree char *value = poppler_form_field_text_get_text (m->field);

          keep_text (burn, value);
        }
    }
  poppler_page_free_annot_mapping (annots);
  poppler_page_free_form_field_mapping (fields);
}

static cairo_rectangle_int_t
box_pixels (const CstRedactionBox *box,
            int                    dpi,
            cairo_surface_t       *image)
{
  double s = dpi / 72.0;
  int w = cairo_image_surface_get_width (image);
  int h = cairo_image_surface_get_height (image);
  int x1 = CLAMP ((int) floor (box->x * s), 0, w);
  int y1 = CLAMP ((int) floor (box->y * s), 0, h);
  int x2 = CLAMP ((int) ceil ((box->x + box->width) * s), 0, w);
  int y2 = CLAMP ((int) ceil ((box->y + box->height) * s), 0, h);

  return (cairo_rectangle_int_t) { x1, y1, x2 - x1, y2 - y1 };
}

static gboolean
keep_box_text (CstRedactionBurn      *burn,
               PopplerPage           *page,
               gboolean               scanned,
               cairo_surface_t       *image,
               const CstRedactionBox *box,
               GError               **error)
{
  double w, h;

  poppler_page_get_size (page, &w, &h);
  if (!scanned)
    {
      g_autofree char *text = cst_redaction_text_in_box (page, box);

      keep_text (burn, text);
    }
  else
    {
      cairo_rectangle_int_t px = box_pixels (box, burn->dpi, image);
      g_autofree char *text = NULL;

      if (px.width < 4 || px.height < 4)
        return TRUE;
      if (burn->ocr == NULL && !(burn->ocr = cst_ocr_new (error)))
        return FALSE;
      if (!(text = cst_ocr_text (burn->ocr, image, burn->dpi, &px, NULL, error)))
        return FALSE;
      keep_text (burn, text);
    }
  keep_annotations (burn, page, box, h);
  return TRUE;
}

/* ---- burning one page ----------------------------------------------------- */

/* Text smoothed in grey, never in colour (subpixel) fringes: a black and
 * white page stays grey, which cairo then writes as a DeviceGray image. */
static void
set_grey_antialias (cairo_t *cr)
{
  cairo_font_options_t *options = cairo_font_options_create ();

  cairo_font_options_set_antialias (options, CAIRO_ANTIALIAS_GRAY);
  cairo_font_options_set_subpixel_order (options, CAIRO_SUBPIXEL_ORDER_DEFAULT);
  cairo_set_font_options (cr, options);
  cairo_font_options_destroy (options);
}

static cairo_surface_t *
render (PopplerPage *page,
        int          dpi)
{
  double w, h;
  cairo_surface_t *image;
  cairo_t *cr;

  poppler_page_get_size (page, &w, &h);
  image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, MAX (1, (int) ceil (w * dpi / 72.0)),
                                      MAX (1, (int) ceil (h * dpi / 72.0)));
  cr = cairo_create (image);
  set_grey_antialias (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, dpi / 72.0, dpi / 72.0);
  /* As printed: annotations and form fields drawn as they show. */
  poppler_page_render_for_printing (page, cr);
  cairo_destroy (cr);
  return image;
}

/* The box filled black, its reason code in white inside, as large as fits. */
static void
fill_box (cairo_surface_t      *image,
          int                   dpi,
          const CstRedaction   *r)
{
  cairo_rectangle_int_t px = box_pixels (&r->box, dpi, image);
  const char *code = cst_redaction_reason_code (r->reason);
  cairo_t *cr = cairo_create (image);
  cairo_text_extents_t ext;
  double size = MIN (px.height * 0.6, 12.0 * dpi / 72.0);

  set_grey_antialias (cr);

  cairo_rectangle (cr, px.x, px.y, px.width, px.height);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_fill (cr);
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, size);
  cairo_text_extents (cr, code, &ext);
  if (ext.width > px.width * 0.9 && ext.width > 0)
    {
      size *= px.width * 0.9 / ext.width;
      cairo_set_font_size (cr, size);
      cairo_text_extents (cr, code, &ext);
    }
  if (size >= 4.0 * dpi / 72.0)
    {
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_move_to (cr, px.x + (px.width - ext.width) / 2 - ext.x_bearing,
                     px.y + (px.height - ext.height) / 2 - ext.y_bearing);
      cairo_show_text (cr, code);
    }
  cairo_destroy (cr);
}

static gboolean
page_is_scanned (PopplerPage *page)
{
  g_autofree char *text = poppler_page_get_text (page);
  g_autofree char *squashed = cst_redaction_squash (text);

  return squashed[0] == '\0';
}

/* Tesseract's words of the burned @image, for its text layer. */
static gboolean
read_burned (CstRedactionBurn  *burn,
             cairo_surface_t   *image,
             GPtrArray         *layers,
             GError           **error)
{
  GPtrArray *words;

  if (burn->ocr == NULL && !(burn->ocr = cst_ocr_new (error)))
    return FALSE;
  if (!(words = cst_ocr_words (burn->ocr, image, burn->dpi, NULL, error)))
    return FALSE;
  g_ptr_array_add (layers, words);
  return TRUE;
}

/* Draws page @number of @pdf, burned, as the next page of @out; with the
 * request's text layer, its words as read again in @layers. */
static gboolean
burn_page (CstRedactionBurn  *burn,
           PopplerDocument   *pdf,
           GPtrArray         *boxes,
           guint              number,
           cairo_surface_t   *out,
           GPtrArray         *layers,
           GError           **error)
{
  g_autoptr(PopplerPage) page = poppler_document_get_page (pdf, (int) number - 1);
  cairo_surface_t *image;
  gboolean scanned;
  double w, h;
  cairo_t *cr;

  if (page == NULL)
    {
      set_burn_error (error, _("a redaction lies on a page the document does not have."));
      return FALSE;
    }
  poppler_page_get_size (page, &w, &h);
  image = render (page, burn->dpi);
  scanned = page_is_scanned (page);
  for (guint i = 0; i < boxes->len; i++)
    {
      CstRedaction *r = g_ptr_array_index (boxes, i);

      if (r->page == number && !keep_box_text (burn, page, scanned, image, &r->box, error))
        {
          cairo_surface_destroy (image);
          return FALSE;
        }
    }
  for (guint i = 0; i < boxes->len; i++)
    {
      CstRedaction *r = g_ptr_array_index (boxes, i);

      if (r->page == number)
        fill_box (image, burn->dpi, r);
    }
  if (burn->text_layer && !read_burned (burn, image, layers, error))
    {
      cairo_surface_destroy (image);
      return FALSE;
    }
  cairo_pdf_surface_set_size (out, w, h);
  cr = cairo_create (out);
  cairo_scale (cr, 72.0 / burn->dpi, 72.0 / burn->dpi);
  cairo_set_source_surface (cr, image, 0, 0);
  cairo_paint (cr);
  cairo_show_page (cr);
  cairo_destroy (cr);
  cairo_surface_destroy (image);
  return TRUE;
}

/* ---- pages by hash ------------------------------------------------------ */

/* The SHA-256 of @page's top @width × @height points drawn on white at
 * PAGE_HASH_DPI, each pixel as its red, green and blue. */
static char *
page_hash (PopplerPage *page,
           double       width,
           double       height)
{
  int w = MAX (1, (int) ceil (width * PAGE_HASH_DPI / 72.0));
  int h = MAX (1, (int) ceil (height * PAGE_HASH_DPI / 72.0));
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  cairo_t *cr = cairo_create (image);
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guchar *row = g_malloc ((gsize) w * 3);
  const guchar *data;

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, PAGE_HASH_DPI / 72.0, PAGE_HASH_DPI / 72.0);
  poppler_page_render_for_printing (page, cr);
  cairo_destroy (cr);
  cairo_surface_flush (image);
  data = cairo_image_surface_get_data (image);
  /* The unused byte of each pixel is left out: its value is not defined. */
  for (int y = 0; y < h; y++)
    {
      const guint32 *pixels = (const guint32 *) (data + (gsize) y * cairo_image_surface_get_stride (image));

      for (int x = 0; x < w; x++)
        {
          row[x * 3] = (pixels[x] >> 16) & 0xff;
          row[x * 3 + 1] = (pixels[x] >> 8) & 0xff;
          row[x * 3 + 2] = pixels[x] & 0xff;
        }
      g_checksum_update (sum, row, (gssize) w * 3);
    }
  cairo_surface_destroy (image);
  return g_strdup (g_checksum_get_string (sum));
}

/* Hashes the pages of @pdf not in @selection (qpdf's numbers, from 0).
 * A withheld page that looks exactly like a released one of the same
 * document (a blank back, a repeated form) cannot be told apart in the
 * packet, and shows nothing the release does not: it is not looked for. */
static void
hash_withheld (CstRedactionBurn *burn,
               PopplerDocument  *pdf,
               GArray           *selection)
{
  int n = poppler_document_get_n_pages (pdf);
  g_autoptr(GPtrArray) kept_hashes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) withheld = g_array_new (FALSE, FALSE, sizeof (PageHash));

  for (int i = 0; i < n; i++)
    {
      g_autoptr(PopplerPage) page = poppler_document_get_page (pdf, i);
      gboolean kept = FALSE;
      PageHash hash;

      for (guint k = 0; !kept && k < selection->len; k++)
        kept = g_array_index (selection, guint, k) == (guint) i;
      poppler_page_get_size (page, &hash.width, &hash.height);
      hash.sha256 = page_hash (page, hash.width, hash.height);
      if (kept)
        g_ptr_array_add (kept_hashes, hash.sha256);
      else
        g_array_append_val (withheld, hash);
    }
  for (guint i = 0; i < withheld->len; i++)
    {
      PageHash *hash = &g_array_index (withheld, PageHash, i);

      if (g_ptr_array_find_with_equal_func (kept_hashes, hash->sha256, g_str_equal, NULL))
        g_free (hash->sha256);
      else
        g_array_append_val (burn->withheld, *hash);
    }
}

/* Whether @page shows a withheld page, its strip aside.  The page is
 * drawn once per size of withheld page (most packets have one), not once
 * per withheld page. */
static gboolean
shows_withheld (CstRedactionBurn *burn,
                PopplerPage      *page)
{
  g_autoptr(GArray) drawn = g_array_new (FALSE, FALSE, sizeof (PageHash));
  gboolean found = FALSE;
  double w, h;

  poppler_page_get_size (page, &w, &h);
  for (guint i = 0; i < burn->withheld->len && !found; i++)
    {
      const PageHash *hash = &g_array_index (burn->withheld, PageHash, i);
      const char *sha256 = NULL;

      if (fabs (hash->width - w) > 0.5 || hash->height > h + 0.5)
        continue;
      for (guint k = 0; k < drawn->len && sha256 == NULL; k++)
        {
          const PageHash *d = &g_array_index (drawn, PageHash, k);

          if (d->width == hash->width && d->height == hash->height)
            sha256 = d->sha256;
        }
      if (sha256 == NULL)
        {
          PageHash d = { hash->width, hash->height, page_hash (page, hash->width, hash->height) };

          g_array_append_val (drawn, d);
          sha256 = d.sha256;
        }
      found = g_str_equal (sha256, hash->sha256);
    }
  for (guint k = 0; k < drawn->len; k++)
    g_free (g_array_index (drawn, PageHash, k).sha256);
  return found;
}

/* ---- the document put back together ------------------------------------- */

static gboolean
qpdf_failed (qpdf_data   q,
             GError    **error)
{
  if (!qpdf_has_error (q))
    return FALSE;
  set_burn_error (error, qpdf_get_error_full_text (q, qpdf_get_error (q)));
  return TRUE;
}

static qpdf_data
qpdf_open (const char  *path,
           GError     **error)
{
  qpdf_data q = qpdf_init ();

  qpdf_silence_errors (q);
  qpdf_set_suppress_warnings (q, QPDF_TRUE);
  if (qpdf_read (q, path, NULL) & QPDF_ERRORS ||
      qpdf_push_inherited_attributes_to_page (q) & QPDF_ERRORS)
    {
      qpdf_failed (q, error);
      qpdf_cleanup (&q);
      return NULL;
    }
  return q;
}

/* Empties @page of @q, a page being rebuilt, in the source itself: an
 * untouched page can still reach it (an annotation's /P, a form field's
 * widgets on several pages), and qpdf copies whatever is reachable. */
static void
empty_page (qpdf_data q,
            qpdf_oh   page)
{
  static const char *const page_keys[] = { "/Contents", "/Resources", "/Metadata", "/PieceInfo",
                                           "/Thumb", "/B", "/StructParents" };
  static const char *const annot_keys[] = { "/AP", "/Contents", "/RC", "/V", "/DV", "/MK",
                                            "/Popup", "/T", "/TU" };
  qpdf_oh annots = qpdf_oh_get_key (q, page, "/Annots");

  if (qpdf_oh_is_array (q, annots))
    for (int i = 0; i < qpdf_oh_get_array_n_items (q, annots); i++)
      {
        qpdf_oh annot = qpdf_oh_get_array_item (q, annots, i);

        if (qpdf_oh_is_dictionary (q, annot))
          for (gsize k = 0; k < G_N_ELEMENTS (annot_keys); k++)
            qpdf_oh_remove_key (q, annot, annot_keys[k]);
        qpdf_oh_release (q, annot);
      }
  qpdf_oh_release (q, annots);
  for (gsize k = 0; k < G_N_ELEMENTS (page_keys); k++)
    qpdf_oh_remove_key (q, page, page_keys[k]);
  qpdf_oh_remove_key (q, page, "/Annots");
}

/* Writes @output: page i from @burned_path where @is_burned[i], the next
 * of its pages in order (with its text layer from @layers, when there is
 * one), else from @original_path. */
static gboolean
recompose (const char      *original_path,
           const char      *burned_path,
           const gboolean  *is_burned,
           guint            n_pages,
           GPtrArray       *layers,
           int              dpi,
           const char      *output,
           GError         **error)
{
  qpdf_data original = qpdf_open (original_path, error);
  qpdf_data burned = original ? qpdf_open (burned_path, error) : NULL;
  qpdf_data out = qpdf_init ();
  gboolean ok = original != NULL && burned != NULL;
  size_t next_burned = 0;

  qpdf_silence_errors (out);
  qpdf_set_suppress_warnings (out, QPDF_TRUE);
  for (guint i = 0; ok && i < n_pages; i++)
    if (is_burned[i])
      {
        qpdf_oh page = qpdf_get_page_n (original, i);

        empty_page (original, page);
        qpdf_oh_release (original, page);
      }
  if (ok && qpdf_empty_pdf (out) & QPDF_ERRORS)
    ok = !qpdf_failed (out, error);
  for (guint i = 0; ok && i < n_pages; i++)
    {
      qpdf_data from = is_burned[i] ? burned : original;
      qpdf_oh page = qpdf_get_page_n (from, is_burned[i] ? next_burned : i);

      if (is_burned[i] && next_burned < layers->len)
        cst_redaction_text_layer_add (burned, page, g_ptr_array_index (layers, next_burned), dpi);
      if (is_burned[i])
        next_burned++;

      if (qpdf_add_page (out, from, page, QPDF_FALSE) & QPDF_ERRORS)
        ok = !qpdf_failed (out, error);
      qpdf_oh_release (from, page);
    }
  if (ok && (qpdf_init_write (out, output) & QPDF_ERRORS))
    ok = !qpdf_failed (out, error);
  if (ok)
    {
      qpdf_set_deterministic_ID (out, QPDF_TRUE);
      if (qpdf_write (out) & QPDF_ERRORS)
        ok = !qpdf_failed (out, error);
    }
  qpdf_cleanup (&out);
  if (burned != NULL)
    qpdf_cleanup (&burned);
  if (original != NULL)
    qpdf_cleanup (&original);
  return ok;
}

static PopplerDocument *
open_pdf (const char  *path,
          GError     **error)
{
  g_autofree char *uri = g_filename_to_uri (path, NULL, error);

  return uri ? poppler_document_new_from_file (uri, NULL, error) : NULL;
}

/* Counts the boxes of page @number by reason, for the log page. */
static void
log_boxes (CstRedactionBurn *burn,
           GPtrArray        *boxes,
           guint             number,
           guint             packet_page)
{
  for (guint i = 0; i < boxes->len; i++)
    {
      CstRedaction *r = g_ptr_array_index (boxes, i);
      CstRedactionLogEntry entry = { packet_page, r->reason, 1 };
      gboolean counted = FALSE;

      if (r->page != number)
        continue;
      for (guint k = 0; k < burn->log->len && !counted; k++)
        {
          CstRedactionLogEntry *e = &g_array_index (burn->log, CstRedactionLogEntry, k);

          if (e->packet_page == packet_page && g_str_equal (e->reason, r->reason))
            {
              e->boxes++;
              counted = TRUE;
            }
        }
      if (!counted)
        g_array_append_val (burn->log, entry);
    }
}

/**
 * cst_redaction_burn_append_log:
 *
 * The build's third hook, once the record pages are stamped: the log
 * page(s) come last, unstamped, and are no record pages.
 */
gboolean
cst_redaction_burn_append_log (CstRedactionBurn  *burn,
                               qpdf_data          out,
                               guint             *pages,
                               GError           **error)
{
  gsize size = 0;
  const char *data;
  int n;

  if (!burn->log_page || burn->log->len == 0)
    return TRUE;
  burn->log_pdf = cst_redaction_log_page_pdf (burn->log);
  data = g_bytes_get_data (burn->log_pdf, &size);
  burn->log_source = qpdf_init ();
  qpdf_silence_errors (burn->log_source);
  qpdf_set_suppress_warnings (burn->log_source, QPDF_TRUE);
  if (qpdf_read_memory (burn->log_source, "redaction-log", data, size, NULL) & QPDF_ERRORS)
    return !qpdf_failed (burn->log_source, error);
  n = qpdf_get_num_pages (burn->log_source);
  for (int i = 0; i < n; i++)
    {
      qpdf_oh page = qpdf_get_page_n (burn->log_source, (size_t) i);

      if (qpdf_add_page (out, burn->log_source, page, QPDF_FALSE) & QPDF_ERRORS)
        return !qpdf_failed (out, error);
      qpdf_oh_release (burn->log_source, page);
    }
  *pages += (guint) MAX (n, 0);
  return TRUE;
}

/**
 * cst_redaction_burn_document:
 * @path: the document as a PDF (a scan already drawn as the packet's pages)
 * @first_packet_page: how many packet pages come before the document's
 * @selection: the document's pages that go into the packet (qpdf's
 *   numbers, from 0, in order: cst_packet_pages_included())
 * @burned: (out): the burned document's path beside @path (the caller
 *   removes it), or NULL when no applied redaction lies on the document
 *
 * The build's hook: rebuilds every page of @doc that carries a box.
 */
gboolean
cst_redaction_burn_document (CstRedactionBurn   *burn,
                             CstRecordDocument  *doc,
                             const char         *path,
                             guint               first_packet_page,
                             GArray             *selection,
                             char              **burned,
                             GError            **error)
{
  g_autoptr(GPtrArray) boxes = g_ptr_array_new ();
  g_autoptr(PopplerDocument) pdf = NULL;
  g_autofree gboolean *is_burned = NULL;
  g_autofree char *images = g_strconcat (path, ".burned", NULL);
  g_autofree char *output = g_strconcat (path, ".redacted.pdf", NULL);
  g_autoptr(GPtrArray) layers = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  cairo_surface_t *out;
  gboolean ok = TRUE;
  int n_pages;

  *burned = NULL;
  for (guint i = 0; i < burn->redactions->len; i++)
    if (((CstRedaction *) g_ptr_array_index (burn->redactions, i))->document_id == doc->id)
      g_ptr_array_add (boxes, g_ptr_array_index (burn->redactions, i));
  if (boxes->len == 0 && selection->len >= doc->pages)
    return TRUE;
  if (!(pdf = open_pdf (path, error)))
    return FALSE;
  n_pages = poppler_document_get_n_pages (pdf);
  if (selection->len < (guint) n_pages)
    hash_withheld (burn, pdf, selection);
  if (boxes->len == 0)
    return TRUE;
  is_burned = g_new0 (gboolean, MAX (n_pages, 1));
  for (guint i = 0; i < boxes->len; i++)
    {
      CstRedaction *r = g_ptr_array_index (boxes, i);

      if (r->page >= 1 && (int) r->page <= n_pages)
        is_burned[r->page - 1] = TRUE;
    }
  out = cairo_pdf_surface_create (images, 612, 792);
  for (int i = 0; ok && i < n_pages; i++)
    if (is_burned[i])
      {
        ok = burn_page (burn, pdf, boxes, (guint) i + 1, out, layers, error);
        /* The packet page it becomes, when it is not left out. */
        for (guint k = 0; ok && k < selection->len; k++)
          if (g_array_index (selection, guint, k) == (guint) i)
            {
              guint packet_page = first_packet_page + k + 1;

              g_array_append_val (burn->burned, packet_page);
              log_boxes (burn, boxes, (guint) i + 1, packet_page);
            }
      }
  cairo_surface_finish (out);
  if (ok && cairo_surface_status (out) != CAIRO_STATUS_SUCCESS)
    {
      set_burn_error (error, cairo_status_to_string (cairo_surface_status (out)));
      ok = FALSE;
    }
  cairo_surface_destroy (out);
  ok = ok && recompose (path, images, is_burned, (guint) n_pages, layers, burn->dpi, output, error);
  g_unlink (images);
  if (!ok)
    {
      g_unlink (output);
      return FALSE;
    }
  *burned = g_steal_pointer (&output);
  return TRUE;
}

/* ---- the read-back ------------------------------------------------------- */

static void
append_annotation_text (GString     *all,
                        PopplerPage *page)
{
  GList *annots = poppler_page_get_annot_mapping (page);
  GList *fields = poppler_page_get_form_field_mapping (page);

  for (GList *l = annots; l != NULL; l = l->next)
    {
      g_autofree char *contents = poppler_annot_get_contents (((PopplerAnnotMapping *) l->data)->annot);

      if (contents != NULL)
        g_string_append (all, contents);
    }
  for (GList *l = fields; l != NULL; l = l->next)
    {
      PopplerFormField *field = ((PopplerFormFieldMapping *) l->data)->field;

      if (poppler_form_field_get_field_type (field) == POPPLER_FORM_FIELD_TEXT)
        {
          g_autofree char *value = poppler_form_field_text_get_text (field);

          if (value != NULL)
            g_string_append (all, value);
        }
    }
  poppler_page_free_annot_mapping (annots);
  poppler_page_free_form_field_mapping (fields);
}

static gboolean
shows_needle (CstRedactionBurn *burn,
              const char       *text)
{
  g_autofree char *squashed = cst_redaction_squash (text);

  for (guint i = 0; i < burn->needles->len; i++)
    if (strstr (squashed, g_ptr_array_index (burn->needles, i)) != NULL)
      return TRUE;
  return FALSE;
}

static gboolean
was_burned (CstRedactionBurn *burn,
            guint             packet_page)
{
  for (guint i = 0; i < burn->burned->len; i++)
    if (g_array_index (burn->burned, guint, i) == packet_page)
      return TRUE;
  return FALSE;
}

/* The first packet page (from 1) that still shows redacted text, 0 for
 * none. */
static gboolean
first_leaking_page (CstRedactionBurn  *burn,
                    PopplerDocument   *pdf,
                    guint             *leaking,
                    GError           **error)
{
  *leaking = 0;
  for (int i = 0; i < poppler_document_get_n_pages (pdf); i++)
    {
      g_autoptr(PopplerPage) page = poppler_document_get_page (pdf, i);
      g_autoptr(GString) all = g_string_new (NULL);
      g_autofree char *text = poppler_page_get_text (page);

      g_string_append (all, text ? text : "");
      append_annotation_text (all, page);
      if (was_burned (burn, (guint) i + 1))
        {
          cairo_surface_t *image = render (page, PROOF_OCR_DPI);
          g_autofree char *read = NULL;

          if (burn->ocr == NULL && !(burn->ocr = cst_ocr_new (error)))
            {
              cairo_surface_destroy (image);
              return FALSE;
            }
          read = cst_ocr_text (burn->ocr, image, PROOF_OCR_DPI, NULL, NULL, error);
          cairo_surface_destroy (image);
          if (read == NULL)
            return FALSE;
          g_string_append_c (all, '\n');
          g_string_append (all, read);
        }
      if (shows_needle (burn, all->str) || shows_withheld (burn, page))
        {
          *leaking = (guint) i + 1;
          return TRUE;
        }
    }
  return TRUE;
}

static gboolean
record_proof (CstRedactionBurn  *burn,
              PGconn            *conn,
              gint64             build_id,
              guint              leaking,
              GError           **error)
{
  g_autofree char *build = cst_db_int_param (build_id);
  g_autoptr(GString) ids = g_string_new ("{");
  g_autofree char *pages = g_strdup_printf ("%u", burn->burned->len);
  g_autofree char *withheld = g_strdup_printf ("%u", burn->withheld->len);
  g_autofree char *failed = leaking ? g_strdup_printf ("%u", leaking) : NULL;
  const char *params[5];

  for (guint i = 0; i < burn->redactions->len; i++)
    g_string_append_printf (ids, "%s%" G_GINT64_FORMAT, i ? "," : "",
                            ((CstRedaction *) g_ptr_array_index (burn->redactions, i))->id);
  g_string_append_c (ids, '}');
  params[0] = build;
  params[1] = ids->str;
  params[2] = pages;
  params[3] = withheld;
  params[4] = failed;
  return cst_db_exec_command (conn,
    "SELECT record_redaction_proved_pages($1, $2::bigint[], $3, $4, $5)", 5, params, error);
}

/**
 * cst_redaction_burn_prove:
 * @packet: the packet as written
 *
 * The build's second hook, after the build is recorded: reads @packet
 * back and records what it found.  A packet that still shows redacted
 * text is not an error here (the build stands, and says so); its release
 * is refused.
 */
gboolean
cst_redaction_burn_prove (CstRedactionBurn  *burn,
                          PGconn            *conn,
                          gint64             build_id,
                          const char        *packet,
                          GError           **error)
{
  g_autoptr(PopplerDocument) pdf = NULL;
  guint leaking = 0;

  if (burn->redactions->len == 0 && burn->withheld->len == 0)
    return TRUE;
  if (!(pdf = open_pdf (packet, error)) || !first_leaking_page (burn, pdf, &leaking, error))
    return FALSE;
  if (leaking != 0)
    g_info ("The redaction and withheld-page check of build %" G_GINT64_FORMAT " failed on packet page %u",
               build_id, leaking);
  return record_proof (burn, conn, build_id, leaking, error);
}
