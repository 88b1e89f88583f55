/* cst-smoke.c — the README's first command checking itself
 *
 * CI runs build-aux/run-app.sh exactly as a newcomer would, under a
 * headless X server, with CUSTODIAN_SMOKE_SCREENSHOT=FILE.PNG.  Then the
 * application waits until its window lists requests, saves a screenshot
 * of that window, and quits with status 0; if the database cannot be
 * opened or read, or no request is listed within
 * CUSTODIAN_SMOKE_TIMEOUT seconds (default 300: a first start creates the
 * private cluster), it quits with status 1 and says why.  Nothing else
 * changes, so what is checked is the app as people start it.
 *
 * One run of the application is one smoke check, so its state is the
 * process's: a static struct rather than an object.
 */
#define G_LOG_DOMAIN "cst-smoke"

#include "config.h"

#include <stdlib.h>

#include "cst-smoke.h"

/* Frames drawn after the first rows appear before the screenshot: the
 * list's rows are realized and laid out on the frame after they arrive. */
#define SETTLE_FRAMES 5

static struct
{
  GApplication *application;   /* borrowed: lives as long as the run */
  int           status;        /* 1 until the window listed requests */
  guint         frames;
  gboolean      done;
} smoke = { NULL, 1, 0, FALSE };

gboolean
cst_smoke_requested (void)
{
  const char *path = g_getenv ("CUSTODIAN_SMOKE_SCREENSHOT");

  return path != NULL && *path != '\0';
}

static void
finish (int status)
{
  if (smoke.done)
    return;
  smoke.done = TRUE;
  smoke.status = status;
  if (smoke.application != NULL)
    g_application_quit (smoke.application);
}

void
cst_smoke_fail (const char *what,
                const char *message)
{
  if (!cst_smoke_requested () || smoke.done)
    return;
  g_printerr ("custodian: smoke check failed: %s: %s\n", what, message);
  finish (EXIT_FAILURE);
}

static gboolean
deadline_cb (gpointer user_data)
{
  cst_smoke_fail ("timeout", "the window listed no request in time");
  return G_SOURCE_REMOVE;
}

/**
 * cst_smoke_start:
 *
 * Arms the deadline; does nothing unless CUSTODIAN_SMOKE_SCREENSHOT is set.
 */
void
cst_smoke_start (GApplication *application)
{
  const char *timeout = g_getenv ("CUSTODIAN_SMOKE_TIMEOUT");
  guint64 seconds = 300;

  if (!cst_smoke_requested ())
    return;
  smoke.application = application;
  if (timeout != NULL && !g_ascii_string_to_unsigned (timeout, 10, 1, 3600, &seconds, NULL))
    g_warning ("CUSTODIAN_SMOKE_TIMEOUT must be 1 to 3600 seconds; using 300");
  g_timeout_add_seconds ((guint) seconds, deadline_cb, NULL);
}

/**
 * cst_widget_save_png:
 *
 * Renders @widget as it is on screen, with its own renderer, to a PNG.
 */
gboolean
cst_widget_save_png (GtkWidget   *widget,
                     const char  *path,
                     GError     **error)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL || renderer == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the window has nothing drawn");
      return FALSE;
    }
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "could not write %s", path);
      return FALSE;
    }
  return TRUE;
}

static gboolean
tick_cb (GtkWidget     *window,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  GListModel *visible = user_data;
  g_autoptr(GError) error = NULL;
  guint n_rows = g_list_model_get_n_items (visible);

  if (smoke.done)
    return G_SOURCE_REMOVE;
  /* Rows may come and go while the list settles: start counting again. */
  if (n_rows == 0)
    {
      smoke.frames = 0;
      return G_SOURCE_CONTINUE;
    }
  if (++smoke.frames < SETTLE_FRAMES)
    return G_SOURCE_CONTINUE;
  if (!cst_widget_save_png (window, g_getenv ("CUSTODIAN_SMOKE_SCREENSHOT"), &error))
    {
      cst_smoke_fail ("screenshot", error->message);
      return G_SOURCE_REMOVE;
    }
  g_print ("custodian: smoke check passed: %u requests listed; screenshot %s\n",
           n_rows, g_getenv ("CUSTODIAN_SMOKE_SCREENSHOT"));
  finish (EXIT_SUCCESS);
  return G_SOURCE_REMOVE;
}

/**
 * cst_smoke_watch:
 * @visible: the rows the list shows
 *
 * Once the window shows rows and has drawn them, saves the screenshot and
 * quits.  Does nothing unless CUSTODIAN_SMOKE_SCREENSHOT is set.
 */
void
cst_smoke_watch (GtkWidget  *window,
                 GListModel *visible)
{
  if (!cst_smoke_requested () || smoke.done)
    return;
  gtk_widget_add_tick_callback (window, tick_cb, g_object_ref (visible), g_object_unref);
}

/* The exit status of a smoke run: 0 only when the window listed requests. */
int
cst_smoke_status (void)
{
  return smoke.status;
}
