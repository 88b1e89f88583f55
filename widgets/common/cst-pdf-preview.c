/* cst-pdf-preview.c — a document shown page by page: a PDF rendered with
 * Poppler, or pages the cairo writer drew for the screen
 *
 * Pages drawn for the screen (cst_pdf_preview_load_pages(), CstPdfPages)
 * come from the same layout as the document's PDF, so no PDF need be made
 * or parsed to show them: the visible page is painted from its recording
 * surface at the zoom asked for.
 *
 * Loading and rendering run on a worker thread; the main loop only swaps
 * in the finished image.  A newer request (another page, another zoom,
 * another document) supersedes older ones: each job carries a generation
 * number and stale results are dropped, so typing never waits on a render.
 * Printing draws the same pages (the PDF's, or the screen's vectors), so
 * paper matches the preview.
 *
 * After an edit, the window's next frame waits for the edit's page
 * (cst_pdf_preview_expect_pages()): the key's own echo (the text typed)
 * would otherwise be drawn at once, and GTK's frame clock draws the next
 * frame, the one with the page, a whole refresh interval later.
 */
#define G_LOG_DOMAIN "cst-pdf-preview"

#include "config.h"

#include <glib/gi18n.h>
#include <poppler.h>

#include <custodian/cst-pdf-pages.h>

#include "cst-dispose.h"
#include "cst-pdf-preview.h"
#include "cst-spinner.h"

#define MIN_ZOOM 0.25
#define MAX_ZOOM 4.0

/* The page shown: a paintable the picture keeps while the pages under it
 * change.  A new page of the same size (the next edit of a statement)
 * only invalidates its contents, so the picture is drawn again but not
 * measured and laid out again with every widget around it, which a new
 * paintable set on the picture would do.  It draws the page's cairo
 * image as it is: GTK 4.8 converts a memory texture's every pixel
 * through floats each time it draws one with cairo (most of a frame's
 * time with the cairo renderer). */
#define CST_TYPE_PAGE_PAINTABLE (cst_page_paintable_get_type ())
G_DECLARE_FINAL_TYPE (CstPagePaintable, cst_page_paintable, CST, PAGE_PAINTABLE, GObject)

struct _CstPagePaintable
{
  GObject          parent_instance;
  cairo_surface_t *image;       /* ARGB32; NULL: nothing to show */
};

static void
cst_page_paintable_snapshot (GdkPaintable *paintable,
                             GdkSnapshot  *snapshot,
                             double        width,
                             double        height)
{
  CstPagePaintable *self = CST_PAGE_PAINTABLE (paintable);
  cairo_t *cr;

  if (self->image == NULL || width <= 0 || height <= 0)
    return;
  cr = gtk_snapshot_append_cairo (GTK_SNAPSHOT (snapshot), &GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_scale (cr, width / cairo_image_surface_get_width (self->image),
               height / cairo_image_surface_get_height (self->image));
  cairo_set_source_surface (cr, self->image, 0, 0);
  cairo_paint (cr);
  cairo_destroy (cr);
}

static int
cst_page_paintable_get_intrinsic_width (GdkPaintable *paintable)
{
  CstPagePaintable *self = CST_PAGE_PAINTABLE (paintable);

  return self->image ? cairo_image_surface_get_width (self->image) : 0;
}

static int
cst_page_paintable_get_intrinsic_height (GdkPaintable *paintable)
{
  CstPagePaintable *self = CST_PAGE_PAINTABLE (paintable);

  return self->image ? cairo_image_surface_get_height (self->image) : 0;
}

static void
cst_page_paintable_iface_init (GdkPaintableInterface *iface)
{
  iface->snapshot = cst_page_paintable_snapshot;
  iface->get_intrinsic_width = cst_page_paintable_get_intrinsic_width;
  iface->get_intrinsic_height = cst_page_paintable_get_intrinsic_height;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (CstPagePaintable, cst_page_paintable, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE, cst_page_paintable_iface_init))

static void
cst_page_paintable_finalize (GObject *object)
{
  g_clear_pointer (&CST_PAGE_PAINTABLE (object)->image, cairo_surface_destroy);
  G_OBJECT_CLASS (cst_page_paintable_parent_class)->finalize (object);
}

static void
cst_page_paintable_class_init (CstPagePaintableClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cst_page_paintable_finalize;
}

static void
cst_page_paintable_init (CstPagePaintable *self)
{
}

/* Shows @image (taken; NULL: nothing).
 *
 * Returns: (transfer full) (nullable): the image shown until now, for
 *   the caller to free once no frame shows it any more (see retire()) */
static cairo_surface_t *
cst_page_paintable_take_image (CstPagePaintable *self,
                               cairo_surface_t  *image)
{
  gboolean same_size = self->image != NULL && image != NULL &&
                       cairo_image_surface_get_width (self->image) == cairo_image_surface_get_width (image) &&
                       cairo_image_surface_get_height (self->image) == cairo_image_surface_get_height (image);
  cairo_surface_t *shown = self->image;

  if (image == shown)
    return image;       /* the reference taken, given back */
  self->image = image;
  if (same_size)
    gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));
  else
    gdk_paintable_invalidate_size (GDK_PAINTABLE (self));
  return shown;
}

struct _CstPdfPreview
{
  GtkWidget        parent_instance;

  GtkPicture      *picture;
  CstPagePaintable *shown;     /* the picture's paintable, kept */
  GtkLabel        *page_label;
  GtkButton       *prev_button;
  GtkButton       *next_button;
  GtkStack        *stack;
  GtkSpinner      *loading_spinner;
  GtkLabel        *error_label;

  GBytes          *pdf;
  CstPdfPages     *pages;      /* drawn for the screen: no PDF, no document */
  PopplerDocument *document;   /* used by one thread at a time: see render_in_thread */
  GMutex           lock;
  int              page;
  int              n_pages;
  double           zoom;
  guint            generation;
  guint            pending;
  int              rendered_width;
  /* The frame held for pages on their way (cst_pdf_preview_expect_pages). */
  GdkFrameClock   *hold_clock;
  gulong           hold_handler;
  gint64           hold_until;  /* monotonic µs; 0: nothing expected */
  gint64           hold_limit;  /* µs, cst_pdf_preview_set_frame_hold() */
  /* The page shown before, and its pages: freed after the next frame. */
  cairo_surface_t *retired_image;
  CstPdfPages     *retired_pages;
  GdkFrameClock   *retire_clock;
  gulong           retire_handler;
};

G_DEFINE_FINAL_TYPE (CstPdfPreview, cst_pdf_preview, GTK_TYPE_WIDGET)

typedef struct
{
  guint            generation;
  GBytes          *pdf;        /* set when the document must be (re)loaded */
  CstPdfPages     *pages;      /* or the pages to paint */
  int              page;
  double           scale;      /* pixels per point */
  /* results */
  PopplerDocument *document;
  int              n_pages;
  cairo_surface_t *image;
} RenderJob;

static void
render_job_free (RenderJob *job)
{
  g_clear_pointer (&job->pdf, g_bytes_unref);
  g_clear_pointer (&job->pages, cst_pdf_pages_unref);
  g_clear_object (&job->document);
  g_clear_pointer (&job->image, cairo_surface_destroy);
  g_free (job);
}

static cairo_surface_t *
render_page (PopplerPage *page,
             double       scale)
{
  double width_pt, height_pt;
  int width, height;
  cairo_surface_t *surface;
  cairo_t *cr;

  poppler_page_get_size (page, &width_pt, &height_pt);
  width = MAX (1, (int) (width_pt * scale));
  height = MAX (1, (int) (height_pt * scale));
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  /* Poppler leaves the background transparent: paper is white. */
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, scale, scale);
  poppler_page_render (page, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

/* The screen's pages need no document and no lock of the widget's. */
static void
paint_pages (RenderJob *job)
{
  job->n_pages = (int) cst_pdf_pages_get_n_pages (job->pages);
  job->page = CLAMP (job->page, 0, MAX (0, job->n_pages - 1));
  if (job->n_pages > 0)
    job->image = cst_pdf_pages_render (job->pages, (guint) job->page, job->scale);
}

static void
render_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  CstPdfPreview *self = source_object;
  RenderJob *job = task_data;
  g_autoptr(GError) error = NULL;
  PopplerPage *page;
  PopplerDocument *document;

  if (job->pages != NULL)
    {
      paint_pages (job);
      g_task_return_boolean (task, TRUE);
      return;
    }
  g_mutex_lock (&self->lock);
  if (job->pdf != NULL)
    {
      job->document = poppler_document_new_from_bytes (job->pdf, NULL, &error);
      if (job->document == NULL)
        {
          g_mutex_unlock (&self->lock);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  document = job->document ? job->document : self->document;
  if (document == NULL)
    {
      g_mutex_unlock (&self->lock);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("No document to show."));
      return;
    }
  job->n_pages = poppler_document_get_n_pages (document);
  job->page = CLAMP (job->page, 0, MAX (0, job->n_pages - 1));
  page = poppler_document_get_page (document, job->page);
  if (page != NULL)
    {
      job->image = render_page (page, job->scale);
      g_object_unref (page);
    }
  g_mutex_unlock (&self->lock);
  g_task_return_boolean (task, TRUE);
}

/* Disconnects @handler from @clock, both cleared.  The clock's handlers
 * are gone already when its window was unrealized first. */
static void
leave_clock (GdkFrameClock **clock,
             gulong         *handler)
{
  if (*handler != 0 && g_signal_handler_is_connected (*clock, *handler))
    g_signal_handler_disconnect (*clock, *handler);
  *handler = 0;
  g_clear_object (clock);
}

/* ---- what a new page replaced ------------------------------------------ */

static void
free_retired (CstPdfPreview *self)
{
  leave_clock (&self->retire_clock, &self->retire_handler);
  g_clear_pointer (&self->retired_image, cairo_surface_destroy);
  g_clear_pointer (&self->retired_pages, cst_pdf_pages_unref);
}

/* Keeps the page image just replaced (@image, taken), and the @pages
 * (taken) it was painted from, until the window has drawn its next frame.
 * The window's drawing keeps a cairo snapshot of every page image it
 * showed (the paintable's cairo node), so freeing one first copies its
 * every pixel for that snapshot (cairo's copy-on-write): a tenth of the
 * main thread's time per edit in the statement workbench (issue 24), and
 * it fell between the new page's arrival and the frame that shows it.
 * Freed after that frame, the copy no longer delays the page.  (It is
 * still made: freed an edit later, the image was copied all the same.) */
static void
retire (CstPdfPreview   *self,
        cairo_surface_t *image,
        CstPdfPages     *pages)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  free_retired (self);            /* two frames old, or never drawn */
  self->retired_image = image;
  self->retired_pages = pages;
  if (clock == NULL)
    {
      free_retired (self);        /* not drawn: nothing shows it */
      return;
    }
  self->retire_clock = g_object_ref (clock);
  self->retire_handler = g_signal_connect_swapped (clock, "after-paint", G_CALLBACK (free_retired), self);
}

static void
update_controls (CstPdfPreview *self)
{
  g_autofree char *text = NULL;

  if (self->n_pages > 0)
    /* TRANSLATORS: page 2 of 5, at 100 % zoom */
    text = g_strdup_printf (_("Page %d of %d · %d %%"), self->page + 1, self->n_pages,
                            (int) (self->zoom * 100 + 0.5));
  gtk_label_set_label (self->page_label, text ? text : "");
  gtk_widget_set_sensitive (GTK_WIDGET (self->prev_button), self->page > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->next_button), self->page + 1 < self->n_pages);
}

static void
rendered_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  CstPdfPreview *self = CST_PDF_PREVIEW (object);
  RenderJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  self->pending--;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (job->generation == self->generation)
        {
          self->hold_until = 0;
          gtk_label_set_label (self->error_label, error->message);
          gtk_stack_set_visible_child_name (self->stack, "error");
        }
      return;
    }
  if (job->document != NULL)
    {
      /* A new document replaces the old one even if its first render is
       * already stale. */
      g_mutex_lock (&self->lock);
      g_set_object (&self->document, job->document);
      g_mutex_unlock (&self->lock);
    }
  if (job->generation != self->generation)
    return;
  self->n_pages = job->n_pages;
  self->page = job->page;
  self->rendered_width = job->image ? cairo_image_surface_get_width (job->image) : 0;
  retire (self, cst_page_paintable_take_image (self->shown, g_steal_pointer (&job->image)), NULL);
  self->hold_until = 0;
  gtk_stack_set_visible_child_name (self->stack, "page");
  update_controls (self);
}

/* Pixels per point: 96 pixels per inch on screen at 100 %. */
double
cst_pdf_preview_get_scale (CstPdfPreview *self)
{
  return self->zoom * 96.0 / 72.0 * gtk_widget_get_scale_factor (GTK_WIDGET (self));
}

static void
queue_render (CstPdfPreview *self,
              GBytes        *pdf)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, rendered_cb, NULL);
  RenderJob *job = g_new0 (RenderJob, 1);

  job->generation = ++self->generation;
  job->pdf = pdf ? g_bytes_ref (pdf) : NULL;
  job->pages = pdf == NULL && self->pages != NULL ? cst_pdf_pages_ref (self->pages) : NULL;
  job->page = self->page;
  job->scale = cst_pdf_preview_get_scale (self);
  self->pending++;
  g_task_set_task_data (task, job, (GDestroyNotify) render_job_free);
  g_task_set_source_tag (task, queue_render);
  g_task_run_in_thread (task, render_in_thread);
  update_controls (self);
}

/* ---- a frame held for the edit's page ----------------------------------- */

static void
stop_holding (CstPdfPreview *self)
{
  leave_clock (&self->hold_clock, &self->hold_handler);
  self->hold_until = 0;
}

static gboolean
wake_up (gpointer user_data)
{
  return G_SOURCE_REMOVE;
}

/* The frame clock's ::before-paint, before the frame after an edit is
 * laid out and drawn: the main loop runs (nested) until the pages arrive
 * (cst_pdf_preview_load_pages() clears hold_until) or the hold's time is
 * up, so the edit and its page reach the screen in the same frame.  Input
 * waits for the frame's end as it does for any frame; nothing else does. */
static void
hold_frame (CstPdfPreview *self)
{
  g_autoptr(CstPdfPreview) kept = g_object_ref (self);
  gint64 until = self->hold_until;

  g_signal_handler_disconnect (self->hold_clock, self->hold_handler);
  self->hold_handler = 0;
  while (self->hold_until != 0 && g_get_monotonic_time () < until)
    {
      GSource *alarm = g_timeout_source_new (0);

      g_source_set_ready_time (alarm, until);
      g_source_set_callback (alarm, wake_up, NULL, NULL);
      g_source_attach (alarm, NULL);
      g_main_context_iteration (NULL, TRUE);
      g_source_destroy (alarm);
      g_source_unref (alarm);
    }
  /* An edit made after the time was up holds the next frame. */
  if (self->hold_until == 0 || self->hold_until == until)
    stop_holding (self);
}

/**
 * cst_pdf_preview_expect_pages:
 *
 * Says that pages for an edit made now are being drawn and will come with
 * cst_pdf_preview_load_pages(): the window's next frame waits for them,
 * at most one refresh interval (cst_pdf_preview_set_frame_hold()) from
 * the first call, so the edit (the text typed) and its page appear in
 * the same frame.  Without it the edit's echo is drawn at once and the
 * frame clock holds the page's frame a whole refresh interval after it,
 * however soon the page is ready.  Does nothing while the preview is not
 * realized.
 */
void
cst_pdf_preview_expect_pages (CstPdfPreview *self)
{
  GdkFrameClock *clock;
  gint64 now = g_get_monotonic_time ();
  gint64 limit;

  g_return_if_fail (CST_IS_PDF_PREVIEW (self));

  limit = self->hold_limit;
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));
  if (clock == NULL || limit == 0 || (self->hold_until != 0 && now < self->hold_until))
    return;             /* no hold, or the first edit's frame is held already */
  stop_holding (self);
  if (limit < 0)
    gdk_frame_clock_get_refresh_info (clock, now, &limit, NULL);
  self->hold_until = now + MAX (limit, 1);
  self->hold_clock = g_object_ref (clock);
  self->hold_handler = g_signal_connect_swapped (clock, "before-paint", G_CALLBACK (hold_frame), self);
}

/**
 * cst_pdf_preview_set_frame_hold:
 * @limit_us: how long a frame may wait for expected pages, in
 *   microseconds; %CST_PDF_PREVIEW_HOLD_REFRESH (the default) for one
 *   refresh interval of the window's frame clock, 0 for never (frames
 *   are drawn as soon as GTK would: benchmarks compare the two)
 */
void
cst_pdf_preview_set_frame_hold (CstPdfPreview *self,
                                gint64         limit_us)
{
  g_return_if_fail (CST_IS_PDF_PREVIEW (self));

  self->hold_limit = MAX (limit_us, CST_PDF_PREVIEW_HOLD_REFRESH);
}

static void
prev_clicked_cb (CstPdfPreview *self)
{
  cst_pdf_preview_set_page (self, self->page - 1);
}

static void
next_clicked_cb (CstPdfPreview *self)
{
  cst_pdf_preview_set_page (self, self->page + 1);
}

static void
zoom_in_cb (CstPdfPreview *self)
{
  cst_pdf_preview_set_zoom (self, self->zoom * 1.25);
}

static void
zoom_out_cb (CstPdfPreview *self)
{
  cst_pdf_preview_set_zoom (self, self->zoom / 1.25);
}

static void
preview_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  CstPdfPreview *self = CST_PDF_PREVIEW (widget);

  if (g_str_equal (action_name, "preview.next-page"))
    next_clicked_cb (self);
  else if (g_str_equal (action_name, "preview.previous-page"))
    prev_clicked_cb (self);
  else if (g_str_equal (action_name, "preview.zoom-in"))
    zoom_in_cb (self);
  else if (g_str_equal (action_name, "preview.zoom-out"))
    zoom_out_cb (self);
  else if (g_str_equal (action_name, "preview.zoom-reset"))
    cst_pdf_preview_set_zoom (self, 1.0);
}

static void
cst_pdf_preview_dispose (GObject *object)
{
  CstPdfPreview *self = CST_PDF_PREVIEW (object);

  stop_holding (self);
  free_retired (self);
  cst_dispose_template (GTK_WIDGET (self), CST_TYPE_PDF_PREVIEW);
  G_OBJECT_CLASS (cst_pdf_preview_parent_class)->dispose (object);
}

static void
cst_pdf_preview_finalize (GObject *object)
{
  CstPdfPreview *self = CST_PDF_PREVIEW (object);

  /* Render tasks hold a reference, so none is running now. */
  g_clear_object (&self->shown);
  g_clear_object (&self->document);
  g_clear_pointer (&self->pdf, g_bytes_unref);
  g_clear_pointer (&self->pages, cst_pdf_pages_unref);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (cst_pdf_preview_parent_class)->finalize (object);
}

static void
cst_pdf_preview_class_init (CstPdfPreviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  static const char *const actions[] = { "preview.next-page", "preview.previous-page",
                                         "preview.zoom-in", "preview.zoom-out", "preview.zoom-reset" };

  object_class->dispose = cst_pdf_preview_dispose;
  object_class->finalize = cst_pdf_preview_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/cst-pdf-preview.ui");
  gtk_widget_class_bind_template_child (widget_class, CstPdfPreview, picture);
  gtk_widget_class_bind_template_child (widget_class, CstPdfPreview, page_label);
  gtk_widget_class_bind_template_child (widget_class, CstPdfPreview, prev_button);
  gtk_widget_class_bind_template_child (widget_class, CstPdfPreview, next_button);
  gtk_widget_class_bind_template_child (widget_class, CstPdfPreview, stack);
  gtk_widget_class_bind_template_child (widget_class, CstPdfPreview, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, CstPdfPreview, error_label);
  gtk_widget_class_bind_template_callback (widget_class, prev_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, next_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, zoom_in_cb);
  gtk_widget_class_bind_template_callback (widget_class, zoom_out_cb);

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    gtk_widget_class_install_action (widget_class, actions[i], NULL, preview_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Down, 0, "preview.next-page", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Up, 0, "preview.previous-page", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "preview.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK, "preview.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK, "preview.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "preview.zoom-reset", NULL);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
cst_pdf_preview_init (CstPdfPreview *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->shown = g_object_new (CST_TYPE_PAGE_PAINTABLE, NULL);
  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (self->shown));
  cst_spinner_set_busy (self->loading_spinner, TRUE);
  g_mutex_init (&self->lock);
  self->zoom = 1.0;
  self->hold_limit = CST_PDF_PREVIEW_HOLD_REFRESH;
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  update_controls (self);
}

GtkWidget *
cst_pdf_preview_new (void)
{
  return g_object_new (CST_TYPE_PDF_PREVIEW, NULL);
}

void
cst_pdf_preview_load_bytes (CstPdfPreview *self,
                            GBytes        *pdf)
{
  g_return_if_fail (CST_IS_PDF_PREVIEW (self));
  g_return_if_fail (pdf != NULL);

  g_clear_pointer (&self->pages, cst_pdf_pages_unref);
  g_clear_pointer (&self->pdf, g_bytes_unref);
  self->pdf = g_bytes_ref (pdf);
  self->page = 0;
  queue_render (self, pdf);
}

/* The page shown, if the worker that drew the pages painted it already at
 * this zoom (cst_pdf_pages_paint()): no trip to a worker.  @replaced
 * (taken): the pages shown until now. */
static gboolean
show_painted (CstPdfPreview *self,
              CstPdfPages   *replaced)
{
  int n_pages = (int) cst_pdf_pages_get_n_pages (self->pages);
  int page = CLAMP (self->page, 0, MAX (0, n_pages - 1));
  cairo_surface_t *image = cst_pdf_pages_get_painted (self->pages, (guint) page,
                                                      cst_pdf_preview_get_scale (self));

  if (image == NULL)
    {
      g_clear_pointer (&replaced, cst_pdf_pages_unref);
      return FALSE;
    }
  self->generation++;         /* renders still running are stale */
  self->n_pages = n_pages;
  self->page = page;
  self->rendered_width = cairo_image_surface_get_width (image);
  retire (self, cst_page_paintable_take_image (self->shown, image), replaced);
  gtk_stack_set_visible_child_name (self->stack, "page");
  update_controls (self);
  return TRUE;
}

/**
 * cst_pdf_preview_load_pages:
 * @pages: drawn for the screen by the cairo writer (cst-pdf-pages.h)
 *
 * Shows @pages, staying on the page shown if the new document has it (a
 * document being edited); cst_pdf_preview_get_bytes() is %NULL until a
 * PDF is loaded.
 */
void
cst_pdf_preview_load_pages (CstPdfPreview *self,
                            CstPdfPages   *pages)
{
  CstPdfPages *replaced;

  g_return_if_fail (CST_IS_PDF_PREVIEW (self));
  g_return_if_fail (pages != NULL);

  g_clear_pointer (&self->pdf, g_bytes_unref);
  g_mutex_lock (&self->lock);
  g_clear_object (&self->document);
  g_mutex_unlock (&self->lock);
  replaced = g_steal_pointer (&self->pages);
  self->pages = cst_pdf_pages_ref (pages);
  if (show_painted (self, replaced))
    self->hold_until = 0;       /* a frame held for them may be drawn */
  else
    queue_render (self, NULL);  /* rendered_cb ends the hold */
}

GBytes *
cst_pdf_preview_get_bytes (CstPdfPreview *self)
{
  return self->pdf;
}

int cst_pdf_preview_get_n_pages (CstPdfPreview *self) { return self->n_pages; }
int cst_pdf_preview_get_page (CstPdfPreview *self) { return self->page; }
double cst_pdf_preview_get_zoom (CstPdfPreview *self) { return self->zoom; }
gboolean cst_pdf_preview_is_rendering (CstPdfPreview *self) { return self->pending > 0; }
int cst_pdf_preview_get_rendered_width (CstPdfPreview *self) { return self->rendered_width; }

void
cst_pdf_preview_set_page (CstPdfPreview *self,
                          int            page)
{
  if (self->n_pages == 0)
    return;
  page = CLAMP (page, 0, self->n_pages - 1);
  if (page == self->page)
    return;
  self->page = page;
  queue_render (self, NULL);
}

void
cst_pdf_preview_set_zoom (CstPdfPreview *self,
                          double         zoom)
{
  zoom = CLAMP (zoom, MIN_ZOOM, MAX_ZOOM);
  if (G_APPROX_VALUE (zoom, self->zoom, 0.001))
    return;
  self->zoom = zoom;
  if (self->pdf != NULL || self->pages != NULL)
    queue_render (self, NULL);
  else
    update_controls (self);
}

static void
print_begin_cb (GtkPrintOperation *operation,
                GtkPrintContext   *context,
                CstPdfPreview     *self)
{
  gtk_print_operation_set_n_pages (operation, MAX (1, self->n_pages));
}

/* Fit the page to the printable area, keeping its proportions. */
static void
fit_to_paper (cairo_t         *cr,
              GtkPrintContext *context,
              double           width_pt,
              double           height_pt)
{
  double scale = MIN (gtk_print_context_get_width (context) / width_pt,
                      gtk_print_context_get_height (context) / height_pt);

  cairo_scale (cr, scale, scale);
}

static void
print_page_cb (GtkPrintOperation *operation,
               GtkPrintContext   *context,
               int                page_nr,
               CstPdfPreview     *self)
{
  PopplerPage *page;
  cairo_t *cr = gtk_print_context_get_cairo_context (context);
  double width_pt, height_pt;

  if (self->pages != NULL)
    {
      cst_pdf_pages_get_size (self->pages, &width_pt, &height_pt);
      fit_to_paper (cr, context, width_pt, height_pt);
      cst_pdf_pages_draw (self->pages, (guint) page_nr, cr);
      return;
    }
  g_mutex_lock (&self->lock);
  page = self->document ? poppler_document_get_page (self->document, page_nr) : NULL;
  if (page != NULL)
    {
      poppler_page_get_size (page, &width_pt, &height_pt);
      fit_to_paper (cr, context, width_pt, height_pt);
      poppler_page_render_for_printing (page, cr);
      g_object_unref (page);
    }
  g_mutex_unlock (&self->lock);
}

void
cst_pdf_preview_print (CstPdfPreview *self,
                       GtkWindow     *parent)
{
  g_autoptr(GtkPrintOperation) operation = gtk_print_operation_new ();
  g_autoptr(GError) error = NULL;

  if (self->document == NULL && self->pages == NULL)
    return;
  gtk_print_operation_set_use_full_page (operation, FALSE);
  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  g_signal_connect (operation, "begin-print", G_CALLBACK (print_begin_cb), self);
  g_signal_connect (operation, "draw-page", G_CALLBACK (print_page_cb), self);
  if (gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG, parent,
                               &error) == GTK_PRINT_OPERATION_RESULT_ERROR)
    g_warning ("Printing failed: %s", error->message);
}
