/* cst-ocr.c — Tesseract's words and text of a rendered page
 *
 * Scanned record pages have no text layer: redaction finds words on them,
 * and the packet's read-back checks the pages it rebuilt, through
 * Tesseract (English and Spanish data).  The image is handed over as 8-bit
 * grey, which is what Tesseract recognises from anyway.  Cancelling stops
 * Tesseract between words.  A CstOcr is used by one thread at a time.
 */
#define G_LOG_DOMAIN "custodian-packet"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <tesseract/capi.h>

#include "custodian/cst-error.h"

#include "cst-redaction-private.h"

#define OCR_LANGUAGES "eng+spa"

struct _CstOcr
{
  TessBaseAPI *api;
};

CstOcr *
cst_ocr_new (GError **error)
{
  CstOcr *ocr = g_new0 (CstOcr, 1);

  ocr->api = TessBaseAPICreate ();
  if (TessBaseAPIInit3 (ocr->api, NULL, OCR_LANGUAGES) != 0)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("Text recognition (Tesseract, %s) cannot start: is its language data installed?"),
                   OCR_LANGUAGES);
      cst_ocr_free (ocr);
      return NULL;
    }
  /* No dictionary of its own making: words are read as printed. */
  TessBaseAPISetVariable (ocr->api, "debug_file", "/dev/null");
  return ocr;
}

void
cst_ocr_free (CstOcr *ocr)
{
  if (ocr == NULL)
    return;
  TessBaseAPIEnd (ocr->api);
  TessBaseAPIDelete (ocr->api);
  g_free (ocr);
}

static bool
cancel_cb (void *data,
           int   words)
{
  return g_cancellable_is_cancelled (data);
}

/* The image as grey bytes, set as Tesseract's page. */
static void
set_image (CstOcr          *ocr,
           cairo_surface_t *image,
           int              dpi)
{
  int w = cairo_image_surface_get_width (image);
  int h = cairo_image_surface_get_height (image);
  int stride = cairo_image_surface_get_stride (image);
  const guchar *data;
  g_autofree guchar *grey = g_malloc ((gsize) w * h);

  cairo_surface_flush (image);
  data = cairo_image_surface_get_data (image);
  for (int y = 0; y < h; y++)
    {
      const guint32 *row = (const guint32 *) (data + (gsize) y * stride);

      for (int x = 0; x < w; x++)
        {
          guint32 p = row[x];

          grey[(gsize) y * w + x] = (guchar) ((((p >> 16) & 0xff) * 30 + ((p >> 8) & 0xff) * 59 +
                                               (p & 0xff) * 11) / 100);
        }
    }
  /* Tesseract copies the image. */
  TessBaseAPISetImage (ocr->api, grey, w, h, 1, w);
  TessBaseAPISetSourceResolution (ocr->api, dpi);
}

static gboolean
recognize (CstOcr        *ocr,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(GCancellable) never = cancellable ? NULL : g_cancellable_new ();
  ETEXT_DESC *monitor = TessMonitorCreate ();
  int status;

  TessMonitorSetCancelFunc (monitor, cancel_cb);
  TessMonitorSetCancelThis (monitor, cancellable ? cancellable : never);
  status = TessBaseAPIRecognize (ocr->api, monitor);
  TessMonitorDelete (monitor);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (status != 0)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("Text recognition failed on a scanned page."));
      return FALSE;
    }
  return TRUE;
}

static void
ocr_word_free (CstOcrWord *word)
{
  g_free (word->text);
  g_free (word);
}

/**
 * cst_ocr_words:
 * @image: an RGB24 image surface of the page
 * @dpi: its resolution
 *
 * Returns: (transfer full): #CstOcrWord, in reading order
 */
GPtrArray *
cst_ocr_words (CstOcr          *ocr,
               cairo_surface_t *image,
               int              dpi,
               GCancellable    *cancellable,
               GError         **error)
{
  GPtrArray *words = g_ptr_array_new_with_free_func ((GDestroyNotify) ocr_word_free);
  TessResultIterator *it;

  set_image (ocr, image, dpi);
  if (!recognize (ocr, cancellable, error))
    {
      g_ptr_array_unref (words);
      return NULL;
    }
  it = TessBaseAPIGetIterator (ocr->api);
  if (it != NULL)
    {
      do
        {
          char *text = TessResultIteratorGetUTF8Text (it, RIL_WORD);
          CstOcrWord *word;
          int left, top, right, bottom;

          if (text == NULL)
            continue;
          if (TessPageIteratorBoundingBox (TessResultIteratorGetPageIteratorConst (it), RIL_WORD,
                                           &left, &top, &right, &bottom))
            {
              word = g_new0 (CstOcrWord, 1);
              word->text = g_strdup (text);
              word->x = left;
              word->y = top;
              word->width = right - left;
              word->height = bottom - top;
              g_ptr_array_add (words, word);
            }
          TessDeleteText (text);
        }
      while (TessResultIteratorNext (it, RIL_WORD));
      TessResultIteratorDelete (it);
    }
  TessBaseAPIClear (ocr->api);
  return words;
}

/**
 * cst_ocr_text:
 * @area: (nullable): the part of @image to read, or NULL for all of it
 *
 * Returns: (transfer full): the text read, or NULL with @error set
 */
char *
cst_ocr_text (CstOcr                      *ocr,
              cairo_surface_t             *image,
              int                          dpi,
              const cairo_rectangle_int_t *area,
              GCancellable                *cancellable,
              GError                     **error)
{
  char *tess_text;
  char *text;

  set_image (ocr, image, dpi);
  if (area != NULL)
    TessBaseAPISetRectangle (ocr->api, area->x, area->y, area->width, area->height);
  if (!recognize (ocr, cancellable, error))
    return NULL;
  tess_text = TessBaseAPIGetUTF8Text (ocr->api);
  text = g_strdup (tess_text ? tess_text : "");
  TessDeleteText (tess_text);
  TessBaseAPIClear (ocr->api);
  return text;
}
