/* cst-page-item.c — one record page of the page view, and its thumbnail
 *
 * The page view's GtkGridView shows a GListStore of these items.  An item
 * starts without a picture, so the grid appears at once whatever the page
 * count; when its cell is bound, the item asks the renderer for its
 * thumbnail, and the picture fills in when it is ready.  Rendering runs on
 * a thread pool of two (Poppler for PDFs, gdk-pixbuf for PNG and JPEG,
 * libtiff for TIFF pages), newest request first, so the pages on screen
 * now come before the ones scrolled past; a page scrolled away before its
 * turn is skipped.  Finished thumbnails stay cached on their items, the
 * least recently shown dropped beyond a bound, and are drawn again when
 * they come back.  Each document's file is fetched from the database once,
 * on the connection's worker thread, into a private temporary file.
 */
#define G_LOG_DOMAIN "cst-page-item"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <poppler.h>
#include <tiffio.h>

#include "cst-page-item.h"

#include <custodian/cst-page-marks.h>

/* Thumbnails kept in memory (about 75 kB each). */
#define CACHE_LIMIT 600
/* The largest scanned page decoded, as the packet build allows. */
#define SCAN_PIXEL_LIMIT ((guint64) 120 * 1000 * 1000)

struct _CstPageSource
{
  gatomicrefcount    ref;
  gint64             document_id;
  CstRecordFileType  type;
  char              *path;      /* the fetched file; NULL until fetched */
  char              *error;     /* why it could not be fetched */
  gboolean           fetching;
  GPtrArray         *waiting;   /* CstPageItem, shown before the file came */
  GMutex             lock;      /* one render at a time per document */
  PopplerDocument   *pdf;       /* opened by the first render */
};

CstPageSource *
cst_page_source_new (const CstRecordDocument *doc)
{
  CstPageSource *source = g_new0 (CstPageSource, 1);

  g_atomic_ref_count_init (&source->ref);
  source->document_id = doc->id;
  source->type = doc->type;
  source->waiting = g_ptr_array_new_with_free_func (g_object_unref);
  g_mutex_init (&source->lock);
  return source;
}

CstPageSource *
cst_page_source_ref (CstPageSource *source)
{
  g_atomic_ref_count_inc (&source->ref);
  return source;
}

void
cst_page_source_unref (CstPageSource *source)
{
  if (source == NULL || !g_atomic_ref_count_dec (&source->ref))
    return;
  if (source->path != NULL)
    g_unlink (source->path);
  g_free (source->path);
  g_free (source->error);
  g_ptr_array_unref (source->waiting);
  g_clear_object (&source->pdf);
  g_mutex_clear (&source->lock);
  g_free (source);
}

/* ---- the item -------------------------------------------------------------- */

struct _CstPageItem
{
  GObject            parent_instance;

  CstPageSource     *source;
  gint64             document_id;
  char              *document_name;
  guint              page;          /* from 1 */
  gboolean           excluded;
  CstWithheldReason  reason;
  guint              applied;       /* redactions applied on the page */
  guint              proposed;      /* and proposed, waiting for a person */
  GdkTexture        *texture;
  gint               wanted;        /* cells showing it; read by the render threads */
  gboolean           queued;
  GList             *cached;        /* its link in the renderer's cache, or NULL */
};

enum { PROP_0, PROP_PAINTABLE, PROP_EXCLUDED, PROP_MARKS, N_PROPS };
static GParamSpec *item_props[N_PROPS];

G_DEFINE_FINAL_TYPE (CstPageItem, cst_page_item, G_TYPE_OBJECT)

static void
cst_page_item_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  CstPageItem *self = CST_PAGE_ITEM (object);

  switch (prop_id)
    {
    case PROP_PAINTABLE: g_value_set_object (value, self->texture); break;
    case PROP_EXCLUDED: g_value_set_boolean (value, self->excluded); break;
    case PROP_MARKS: g_value_set_uint (value, self->applied + self->proposed); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cst_page_item_finalize (GObject *object)
{
  CstPageItem *self = CST_PAGE_ITEM (object);

  g_clear_pointer (&self->source, cst_page_source_unref);
  g_clear_object (&self->texture);
  g_free (self->document_name);
  G_OBJECT_CLASS (cst_page_item_parent_class)->finalize (object);
}

static void
cst_page_item_class_init (CstPageItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = cst_page_item_get_property;
  object_class->finalize = cst_page_item_finalize;
  item_props[PROP_PAINTABLE] = g_param_spec_object ("paintable", NULL, NULL, GDK_TYPE_PAINTABLE,
                                                    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  item_props[PROP_EXCLUDED] = g_param_spec_boolean ("excluded", NULL, NULL, FALSE,
                                                    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  item_props[PROP_MARKS] = g_param_spec_uint ("marks", NULL, NULL, 0, G_MAXUINT, 0,
                                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, item_props);
}

static void
cst_page_item_init (CstPageItem *self)
{
}

CstPageItem *
cst_page_item_new (CstPageSource *source,
                   gint64         document_id,
                   const char    *document_name,
                   guint          page)
{
  CstPageItem *self = g_object_new (CST_TYPE_PAGE_ITEM, NULL);

  self->source = cst_page_source_ref (source);
  self->document_id = document_id;
  self->document_name = g_strdup (document_name);
  self->page = page;
  return self;
}

gint64
cst_page_item_get_document_id (CstPageItem *self)
{
  return self->document_id;
}

guint
cst_page_item_get_page (CstPageItem *self)
{
  return self->page;
}

const char *
cst_page_item_get_document_name (CstPageItem *self)
{
  return self->document_name;
}

GdkPaintable *
cst_page_item_get_paintable (CstPageItem *self)
{
  return self->texture ? GDK_PAINTABLE (self->texture) : NULL;
}

gboolean
cst_page_item_get_excluded (CstPageItem       *self,
                            CstWithheldReason *reason)
{
  if (reason != NULL)
    *reason = self->reason;
  return self->excluded;
}

void
cst_page_item_set_excluded (CstPageItem       *self,
                            gboolean           excluded,
                            CstWithheldReason  reason)
{
  if (self->excluded == excluded && (!excluded || self->reason == reason))
    return;
  self->excluded = excluded;
  self->reason = reason;
  g_object_notify_by_pspec (G_OBJECT (self), item_props[PROP_EXCLUDED]);
}

/* The page's redactions: @applied, and @proposed waiting for a person. */
void
cst_page_item_set_marks (CstPageItem *self,
                         guint        applied,
                         guint        proposed)
{
  if (self->applied == applied && self->proposed == proposed)
    return;
  self->applied = applied;
  self->proposed = proposed;
  g_object_notify_by_pspec (G_OBJECT (self), item_props[PROP_MARKS]);
}

guint
cst_page_item_get_marks (CstPageItem *self,
                         guint       *proposed)
{
  if (proposed != NULL)
    *proposed = self->proposed;
  return self->applied;
}

/* What the page's redactions are, shortly; NULL when it has none. */
char *
cst_page_item_describe_marks (CstPageItem *self)
{
  if (self->proposed > 0 && self->applied > 0)
    /* Translators: both counts are of redaction boxes on one page */
    return g_strdup_printf (_("%u redacted, %u proposed"), self->applied, self->proposed);
  if (self->proposed > 0)
    return g_strdup_printf (g_dngettext (NULL, "%u redaction proposed", "%u redactions proposed",
                                         self->proposed), self->proposed);
  if (self->applied > 0)
    return g_strdup_printf (g_dngettext (NULL, "%u redaction", "%u redactions", self->applied),
                            self->applied);
  return NULL;
}

/* What a screen reader says of the page. */
char *
cst_page_item_describe (CstPageItem *self)
{
  g_autofree char *page = NULL;
  g_autofree char *marks = cst_page_item_describe_marks (self);

  if (self->excluded)
    /* Translators: page 3 of discharge.pdf, left out: Psychotherapy notes */
    page = g_strdup_printf (_("Page %u of %s, left out: %s"), self->page, self->document_name,
                            cst_withheld_reason_get_label (self->reason));
  else
    /* Translators: page 3 of discharge.pdf */
    page = g_strdup_printf (_("Page %u of %s"), self->page, self->document_name);
  if (marks == NULL)
    return g_steal_pointer (&page);
  /* Translators: a page described, then its redactions ("Page 3 of a.pdf; 2 redactions") */
  return g_strdup_printf (_("%s; %s"), page, marks);
}

static void
item_set_texture (CstPageItem *self,
                  GdkTexture  *texture)
{
  if (g_set_object (&self->texture, texture))
    g_object_notify_by_pspec (G_OBJECT (self), item_props[PROP_PAINTABLE]);
}

/* ---- rendering one page (on a pool thread) ---------------------------------- */

static GdkTexture *
texture_from_surface (cairo_surface_t *surface)
{
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  g_autoptr(GBytes) bytes = NULL;

  cairo_surface_flush (surface);
  bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface), (gsize) stride * height,
                                      (GDestroyNotify) cairo_surface_destroy, surface);
  return gdk_memory_texture_new (width, height, GDK_MEMORY_DEFAULT, bytes, stride);
}

/* A white page @width pixels wide for content of @w × @h; @scale set. */
static cairo_surface_t *
blank_page (int     width,
            double  w,
            double  h,
            double *scale)
{
  int height;
  cairo_surface_t *surface;
  cairo_t *cr;

  *scale = width / MAX (w, 1.0);
  height = MAX (1, (int) (h * *scale + 0.5));
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, MIN (height, 4 * width));
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_destroy (cr);
  return surface;
}

static GdkTexture *
render_pdf_page (CstPageSource *source,
                 guint          page,
                 int            width,
                 double        *page_width,
                 double        *page_height,
                 GError       **error)
{
  PopplerPage *pdf_page = NULL;
  cairo_surface_t *surface;
  double w, h, scale;
  cairo_t *cr;

  if (source->pdf == NULL)
    {
      g_autofree char *uri = g_filename_to_uri (source->path, NULL, error);

      if (uri == NULL || !(source->pdf = poppler_document_new_from_file (uri, NULL, error)))
        return NULL;
    }
  if (!(pdf_page = poppler_document_get_page (source->pdf, (int) page - 1)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("The document has no page %u."), page);
      return NULL;
    }
  poppler_page_get_size (pdf_page, &w, &h);
  *page_width = w;
  *page_height = h;
  surface = blank_page (width, w, h, &scale);
  cr = cairo_create (surface);
  cairo_scale (cr, scale, scale);
  poppler_page_render (pdf_page, cr);
  cairo_destroy (cr);
  g_object_unref (pdf_page);
  return texture_from_surface (surface);
}

/* A page @width pixels wide with a scanned image of @image_width ×
 * @image_height where the packet puts it (cst_page_marks_scan_page()), so
 * that a box drawn on it is in the packet page's points; @cr draws in the
 * image's pixels. */
static cairo_surface_t *
scan_page (int       width,
           double    image_width,
           double    image_height,
           double   *page_width,
           double   *page_height,
           cairo_t **cr)
{
  CstRedactionBox at;
  cairo_surface_t *surface;
  double scale;

  cst_page_marks_scan_page (image_width, image_height, page_width, page_height, &at);
  surface = blank_page (width, *page_width, *page_height, &scale);
  *cr = cairo_create (surface);
  cairo_scale (*cr, scale, scale);
  cairo_translate (*cr, at.x, at.y);
  cairo_scale (*cr, at.width / image_width, at.height / image_height);
  return surface;
}

static GdkTexture *
render_tiff_page (CstPageSource *source,
                  guint          page,
                  int            width,
                  double        *page_width,
                  double        *page_height,
                  GError       **error)
{
  TIFF *tiff = TIFFOpen (source->path, "r");
  guint32 w = 0, h = 0;
  cairo_surface_t *image = NULL, *surface;
  guint32 *pixels;
  cairo_t *cr;

  if (tiff == NULL || !TIFFSetDirectory (tiff, (tdir_t) (page - 1)))
    goto refused;
  TIFFGetField (tiff, TIFFTAG_IMAGEWIDTH, &w);
  TIFFGetField (tiff, TIFFTAG_IMAGELENGTH, &h);
  if (w == 0 || h == 0 || (guint64) w * h > SCAN_PIXEL_LIMIT || w > 32767 || h > 32767)
    goto refused;
  image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) w, (int) h);
  pixels = (guint32 *) cairo_image_surface_get_data (image);
  if (!TIFFReadRGBAImageOriented (tiff, w, h, pixels, ORIENTATION_TOPLEFT, 0))
    goto refused;
  for (guint64 i = 0; i < (guint64) w * h; i++)
    pixels[i] = (TIFFGetR (pixels[i]) << 16) | (TIFFGetG (pixels[i]) << 8) | TIFFGetB (pixels[i]);
  cairo_surface_mark_dirty (image);
  TIFFClose (tiff);
  surface = scan_page (width, w, h, page_width, page_height, &cr);
  cairo_set_source_surface (cr, image, 0, 0);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_destroy (image);
  return texture_from_surface (surface);

refused:
  if (tiff != NULL)
    TIFFClose (tiff);
  if (image != NULL)
    cairo_surface_destroy (image);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("Scanned page %u cannot be drawn."), page);
  return NULL;
}

/* A PNG or JPEG scan, decoded only as large as it is shown. */
static GdkTexture *
render_image_page (CstPageSource *source,
                   int            width,
                   double        *page_width,
                   double        *page_height,
                   GError       **error)
{
  int w = 0, h = 0;
  double shown_w, shown_h;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;

  if (gdk_pixbuf_get_file_info (source->path, &w, &h) == NULL || w <= 0 || h <= 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("Scanned page %u cannot be drawn."), 1);
      return NULL;
    }
  surface = scan_page (width, w, h, page_width, page_height, &cr);
  shown_w = w;
  shown_h = h;
  cairo_user_to_device_distance (cr, &shown_w, &shown_h);
  pixbuf = gdk_pixbuf_new_from_file_at_scale (source->path, MAX (1, (int) ceil (shown_w)),
                                              MAX (1, (int) ceil (shown_h)), FALSE, error);
  if (pixbuf != NULL)
    {
      cairo_scale (cr, (double) w / gdk_pixbuf_get_width (pixbuf), (double) h / gdk_pixbuf_get_height (pixbuf));
      gdk_cairo_set_source_pixbuf (cr, pixbuf, 0, 0);
      cairo_paint (cr);
    }
  cairo_destroy (cr);
  if (pixbuf == NULL)
    {
      cairo_surface_destroy (surface);
      return NULL;
    }
  return texture_from_surface (surface);
}

/* @page drawn @width pixels wide; the page's size in points set. */
static GdkTexture *
render_source_page (CstPageSource *source,
                    guint          page,
                    int            width,
                    double        *page_width,
                    double        *page_height,
                    GError       **error)
{
  GdkTexture *texture = NULL;

  g_mutex_lock (&source->lock);
  switch (source->type)
    {
    case CST_RECORD_FILE_PDF:
      texture = render_pdf_page (source, page, width, page_width, page_height, error);
      break;
    case CST_RECORD_FILE_TIFF:
      texture = render_tiff_page (source, page, width, page_width, page_height, error);
      break;
    default:
      texture = render_image_page (source, width, page_width, page_height, error);
    }
  g_mutex_unlock (&source->lock);
  return texture;
}

/* ---- the renderer ------------------------------------------------------------- */

struct _CstPageThumbnails
{
  GObject        parent_instance;

  CstConnection *connection;
  GThreadPool   *pool;
  GMainContext  *context;
  GCancellable  *cancellable;
  GQueue         cache;       /* CstPageItem with a thumbnail, most recent first */
  guint64        counter;     /* later requests first */
  gint           closed;
  guint          n_rendered;
};

G_DEFINE_FINAL_TYPE (CstPageThumbnails, cst_page_thumbnails, G_TYPE_OBJECT)

typedef struct
{
  CstPageThumbnails *self;
  CstPageItem       *item;
  int                width;
  guint64            stamp;
  GTask             *task;      /* a one-off render (the large page); NULL for a thumbnail */
  GdkTexture        *texture;
  double             page_width;   /* points */
  double             page_height;
} RenderJob;

static void
large_page_free (CstLargePage *large)
{
  g_clear_object (&large->texture);
  g_free (large);
}

static void
render_job_free (RenderJob *job)
{
  g_object_unref (job->self);
  g_object_unref (job->item);
  g_clear_object (&job->task);
  g_clear_object (&job->texture);
  g_free (job);
}

static void
remember (CstPageThumbnails *self,
          CstPageItem       *item)
{
  if (item->cached != NULL)
    {
      g_queue_unlink (&self->cache, item->cached);
      g_queue_push_head_link (&self->cache, item->cached);
      return;
    }
  g_queue_push_head (&self->cache, item);
  item->cached = self->cache.head;
  /* Beyond the bound, the least recently shown page not on screen lets
   * its picture go; it is drawn again if it comes back. */
  for (GList *l = self->cache.tail; self->cache.length > CACHE_LIMIT && l != NULL;)
    {
      GList *prev = l->prev;
      CstPageItem *old = l->data;

      if (g_atomic_int_get (&old->wanted) == 0)
        {
          g_queue_delete_link (&self->cache, l);
          old->cached = NULL;
          item_set_texture (old, NULL);
        }
      l = prev;
    }
}

static gboolean
deliver (gpointer data)
{
  RenderJob *job = data;
  CstPageThumbnails *self = job->self;

  if (job->task == NULL)
    job->item->queued = FALSE;
  if (job->task == NULL && !g_atomic_int_get (&self->closed) && job->texture != NULL)
    {
      item_set_texture (job->item, job->texture);
      remember (self, job->item);
      self->n_rendered++;
    }
  render_job_free (job);
  return G_SOURCE_REMOVE;
}

static void
render_job_run (gpointer data,
                gpointer pool_data)
{
  RenderJob *job = data;
  g_autoptr(GError) error = NULL;
  gboolean skip = g_atomic_int_get (&job->self->closed) ||
                  (job->task == NULL && g_atomic_int_get (&job->item->wanted) == 0);

  if (!skip)
    job->texture = render_source_page (job->item->source, job->item->page, job->width,
                                       &job->page_width, &job->page_height, &error);
  if (job->task != NULL)
    {
      if (job->texture != NULL)
        {
          CstLargePage *large = g_new0 (CstLargePage, 1);

          large->texture = g_steal_pointer (&job->texture);
          large->page_width = job->page_width;
          large->page_height = job->page_height;
          g_task_return_pointer (job->task, large, (GDestroyNotify) large_page_free);
        }
      else if (error != NULL)
        g_task_return_error (job->task, g_steal_pointer (&error));
      else
        g_task_return_new_error (job->task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Closed."));
    }
  else if (error != NULL)
    g_debug ("a thumbnail could not be drawn: %s", error->message);
  /* Delivered, and the job's references dropped, on the main loop: the
   * renderer never finalizes on one of its own pool's threads. */
  g_main_context_invoke (job->self->context, deliver, job);
}

static gint
newest_first (gconstpointer a,
              gconstpointer b,
              gpointer      data)
{
  guint64 x = ((const RenderJob *) a)->stamp, y = ((const RenderJob *) b)->stamp;

  return x > y ? -1 : x < y;
}

static void
queue_job (CstPageThumbnails *self,
           CstPageItem       *item,
           int                width,
           GTask             *task)
{
  RenderJob *job = g_new0 (RenderJob, 1);

  job->self = g_object_ref (self);
  job->item = g_object_ref (item);
  job->width = width;
  job->stamp = ++self->counter;
  job->task = task ? g_object_ref (task) : NULL;
  g_thread_pool_push (self->pool, job, NULL);
}

static void render_when_fetched (CstPageThumbnails *self, CstPageItem *item, GTask *task);

typedef struct
{
  CstPageThumbnails *self;
  CstPageSource     *source;
} Fetch;

static void
fetch_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      data)
{
  Fetch *fetch = data;
  g_autoptr(GError) error = NULL;
  char *path = cst_packet_pages_fetch_finish (CST_CONNECTION (object), result, &error);
  CstPageSource *source = fetch->source;
  g_autoptr(GPtrArray) waiting = g_steal_pointer (&source->waiting);

  source->waiting = g_ptr_array_new_with_free_func (g_object_unref);
  source->fetching = FALSE;
  if (path == NULL)
    {
      source->error = g_strdup (error->message);
      g_debug ("a record document could not be fetched: %s", error->message);
    }
  else if (g_atomic_int_get (&fetch->self->closed))
    g_unlink (path), g_free (path);
  else
    source->path = path;
  for (guint i = 0; source->path != NULL && i < waiting->len; i++)
    {
      CstPageItem *item = g_ptr_array_index (waiting, i);

      item->queued = FALSE;
      if (g_atomic_int_get (&item->wanted) > 0)
        cst_page_thumbnails_want (fetch->self, item);
    }
  g_object_unref (fetch->self);
  cst_page_source_unref (fetch->source);
  g_free (fetch);
}

static void
fetch_source (CstPageThumbnails *self,
              CstPageSource     *source)
{
  Fetch *fetch;

  if (source->fetching || source->path != NULL || source->error != NULL)
    return;
  source->fetching = TRUE;
  fetch = g_new0 (Fetch, 1);
  fetch->self = g_object_ref (self);
  fetch->source = cst_page_source_ref (source);
  cst_packet_pages_fetch_async (self->connection, source->document_id, self->cancellable,
                                fetch_done_cb, fetch);
}

/**
 * cst_page_thumbnails_want:
 *
 * A cell shows @item: its thumbnail is drawn (off the main loop) unless
 * it is cached.  Returns at once.
 */
void
cst_page_thumbnails_want (CstPageThumbnails *self,
                          CstPageItem       *item)
{
  g_atomic_int_inc (&item->wanted);
  if (item->texture != NULL)
    {
      remember (self, item);
      return;
    }
  if (item->queued)
    return;
  item->queued = TRUE;
  if (item->source->path == NULL)
    {
      if (item->source->error != NULL)
        return;
      g_ptr_array_add (item->source->waiting, g_object_ref (item));
      fetch_source (self, item->source);
      return;
    }
  queue_job (self, item, CST_PAGE_THUMBNAIL_WIDTH, NULL);
}

/* The cell no longer shows @item. */
void
cst_page_thumbnails_unwant (CstPageThumbnails *self,
                            CstPageItem       *item)
{
  if (g_atomic_int_get (&item->wanted) > 0)
    g_atomic_int_dec_and_test (&item->wanted);
}

/**
 * cst_page_thumbnails_render_async:
 *
 * Draws @item's page @width pixels wide on the pool, for the large view.
 */
void
cst_page_thumbnails_render_async (CstPageThumbnails  *self,
                                  CstPageItem        *item,
                                  int                 width,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_task_data (task, GINT_TO_POINTER (width), NULL);
  g_task_set_source_tag (task, cst_page_thumbnails_render_async);
  render_when_fetched (self, item, task);
}

static void
render_fetched_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      data)
{
  GTask *task = data;
  g_autoptr(GError) error = NULL;
  CstPageItem *item = g_object_get_data (G_OBJECT (task), "item");
  CstPageThumbnails *self = g_task_get_source_object (task);
  char *path = cst_packet_pages_fetch_finish (CST_CONNECTION (object), result, &error);

  if (path == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  if (item->source->path == NULL)
    item->source->path = path;
  else
    g_unlink (path), g_free (path);
  queue_job (self, item, GPOINTER_TO_INT (g_task_get_task_data (task)), task);
  g_object_unref (task);
}

static void
render_when_fetched (CstPageThumbnails *self,
                     CstPageItem       *item,
                     GTask             *task)
{
  if (item->source->path != NULL)
    {
      queue_job (self, item, GPOINTER_TO_INT (g_task_get_task_data (task)), task);
      return;
    }
  g_object_set_data_full (G_OBJECT (task), "item", g_object_ref (item), g_object_unref);
  cst_packet_pages_fetch_async (self->connection, item->source->document_id,
                                g_task_get_cancellable (task), render_fetched_cb, g_object_ref (task));
}

/* The page drawn, with its size in points; NULL with @error set. */
CstLargePage *
cst_page_thumbnails_render_finish (CstPageThumbnails  *self,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
cst_large_page_free (CstLargePage *large)
{
  if (large != NULL)
    large_page_free (large);
}

/* Stops rendering: what is queued is dropped, and nothing more arrives. */
void
cst_page_thumbnails_shutdown (CstPageThumbnails *self)
{
  g_atomic_int_set (&self->closed, 1);
  g_cancellable_cancel (self->cancellable);
}

/* How many thumbnails were drawn, for tests. */
guint
cst_page_thumbnails_get_n_rendered (CstPageThumbnails *self)
{
  return self->n_rendered;
}

static void
cst_page_thumbnails_finalize (GObject *object)
{
  CstPageThumbnails *self = CST_PAGE_THUMBNAILS (object);

  /* Every job holds a reference: the pool is empty by now. */
  g_thread_pool_free (self->pool, TRUE, FALSE);
  for (GList *l = self->cache.head; l != NULL; l = l->next)
    ((CstPageItem *) l->data)->cached = NULL;
  g_queue_clear (&self->cache);
  g_clear_object (&self->connection);
  g_clear_object (&self->cancellable);
  g_main_context_unref (self->context);
  G_OBJECT_CLASS (cst_page_thumbnails_parent_class)->finalize (object);
}

static void
cst_page_thumbnails_class_init (CstPageThumbnailsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cst_page_thumbnails_finalize;
}

static void
cst_page_thumbnails_init (CstPageThumbnails *self)
{
  g_queue_init (&self->cache);
  self->cancellable = g_cancellable_new ();
  self->context = g_main_context_ref_thread_default ();
  /* Two threads: the machine's cores are shared with the main loop. */
  self->pool = g_thread_pool_new (render_job_run, self, 2, FALSE, NULL);
  g_thread_pool_set_sort_function (self->pool, newest_first, NULL);
}

CstPageThumbnails *
cst_page_thumbnails_new (CstConnection *connection)
{
  CstPageThumbnails *self = g_object_new (CST_TYPE_PAGE_THUMBNAILS, NULL);

  self->connection = g_object_ref (connection);
  return self;
}
