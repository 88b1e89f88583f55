/* cst-keep-place.c — the clerk's place in a scrolled view while its
 * content changes
 *
 * A view that changes what it shows above the focused widget (a status
 * line that lists what is still open, a hint, a list read again) moves
 * that widget under the clerk's pointer.  cst_keep_place(), called before
 * such a change, notes where the focused widget is on the screen; after
 * the next layout the scrolled view moves by as much as the widget did.
 * The frame clock lays out again in the same frame when the view moves,
 * so nothing is drawn in the wrong place.
 *
 * The place belongs to the scrolled window, not to whoever changes its
 * content: the request view and the checklist inside it change the same
 * form in the same turn, and two keepers each undoing "their" movement
 * undid it twice.  The first hold before a layout counts; the others
 * share it.  The position is measured on the screen, not in the content,
 * because GTK itself scrolls the view when the content shrinks below a
 * view scrolled to (near) its end, and that scrolling is part of what is
 * undone.
 *
 * A change often reaches the screen over several frames (a status line
 * set now, the same list read back from the server a moment later), so a
 * place is held for HOLD_MS after the last change, not one layout.  Only
 * a layout in which the content's height changed is undone: a movement
 * with the same height is the clerk scrolling, and ends the hold.
 */
#define G_LOG_DOMAIN "cst-keep-place"

#include "config.h"

#include "cst-keep-place.h"

#define HELD_KEY "cst-keep-place"
#define HOLD_MS 600

typedef struct
{
  GtkScrolledWindow *scrolled;  /* owns this, as object data */
  GtkWidget         *anchor;    /* weak: the focused widget */
  double             screen_y;  /* where it was, from the view's top */
  double             upper;     /* the content's height then */
  GdkFrameClock     *clock;
  gulong             handler;
  guint              timeout;   /* lets go HOLD_MS after the last change */
} HeldPlace;

static void
held_place_free (HeldPlace *held)
{
  /* A clock disposed with its window has dropped its handlers already. */
  if (g_signal_handler_is_connected (held->clock, held->handler))
    g_signal_handler_disconnect (held->clock, held->handler);
  g_clear_handle_id (&held->timeout, g_source_remove);
  g_clear_object (&held->clock);
  g_clear_weak_pointer (&held->anchor);
  g_free (held);
}

/* Where @anchor is from the top of @scrolled's view: its place in the
 * content less the view's scroll value.  Read from the content's own
 * layout because the view moves its content a frame after GTK changes the
 * scroll value itself (when the content shrinks below a view at its end). */
static gboolean
view_y (GtkScrolledWindow *scrolled,
        GtkWidget         *anchor,
        double            *y)
{
  GtkWidget *child = gtk_scrolled_window_get_child (scrolled);
  GtkWidget *content = GTK_IS_VIEWPORT (child) ? gtk_viewport_get_child (GTK_VIEWPORT (child)) : NULL;
  double x;

  if (content == NULL)
    return gtk_widget_translate_coordinates (anchor, GTK_WIDGET (scrolled), 0, 0, &x, y);
  if (!gtk_widget_translate_coordinates (anchor, content, 0, 0, &x, y))
    return FALSE;
  *y -= gtk_adjustment_get_value (gtk_scrolled_window_get_vadjustment (scrolled));
  return TRUE;
}

static void
let_go (HeldPlace *held)
{
  /* Frees @held. */
  g_object_set_data (G_OBJECT (held->scrolled), HELD_KEY, NULL);
}

static gboolean
timeout_cb (gpointer data)
{
  HeldPlace *held = data;

  held->timeout = 0;
  let_go (held);
  return G_SOURCE_REMOVE;
}

static void
prolong (HeldPlace *held)
{
  g_clear_handle_id (&held->timeout, g_source_remove);
  held->timeout = g_timeout_add (HOLD_MS, timeout_cb, held);
}

/* After GTK's layout: where the content's height changed, the focused
 * widget moved on the screen by what changed above it (and by any
 * scrolling GTK did meanwhile), and the view scrolls by as much. */
static void
restore_place (HeldPlace *held)
{
  GtkScrolledWindow *scrolled = held->scrolled;
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (scrolled);
  double upper = gtk_adjustment_get_upper (adjustment);
  double y;

  if (held->anchor == NULL || !view_y (scrolled, held->anchor, &y))
    return;
  if (y == held->screen_y)
    {
      held->upper = upper;
      return;
    }
  /* The same height: the clerk scrolled, and the place is theirs again. */
  if (upper == held->upper)
    {
      let_go (held);
      return;
    }
  held->upper = upper;
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) + y - held->screen_y);
  prolong (held);
}

/* Holds @scrolled's place, @anchor at @screen_y from its top, until the
 * next layout; a NULL @anchor holds nothing but keeps others from holding. */
static void
hold (GtkWidget     *scrolled,
      GdkFrameClock *clock,
      GtkWidget     *anchor,
      double         screen_y)
{
  HeldPlace *held = g_new0 (HeldPlace, 1);

  held->scrolled = GTK_SCROLLED_WINDOW (scrolled);
  held->screen_y = screen_y;
  held->upper = gtk_adjustment_get_upper (gtk_scrolled_window_get_vadjustment (held->scrolled));
  g_set_weak_pointer (&held->anchor, anchor);
  held->clock = g_object_ref (clock);
  /* After GTK's own layout handler: the widgets are where they go. */
  held->handler = g_signal_connect_data (clock, "layout", G_CALLBACK (restore_place), held,
                                         NULL, G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  g_object_set_data_full (G_OBJECT (scrolled), HELD_KEY, held, (GDestroyNotify) held_place_free);
  prolong (held);
}

/**
 * cst_keep_place:
 * @changing: a widget inside a scrolled window (or that window), about to
 *   change
 *
 * Keeps the focused widget of @changing's scrolled window where it is on
 * the screen through the next layout.  Does nothing when the focus is not
 * in that view (nothing the clerk is on would move) or the view is not
 * shown.
 */
void
cst_keep_place (GtkWidget *changing)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (changing, GTK_TYPE_SCROLLED_WINDOW);
  GtkRoot *root = gtk_widget_get_root (changing);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  GdkFrameClock *clock = gtk_widget_get_frame_clock (changing);
  HeldPlace *held = scrolled != NULL ? g_object_get_data (G_OBJECT (scrolled), HELD_KEY) : NULL;
  double y;

  /* Held already: the first place counts, for longer. */
  if (held != NULL)
    {
      prolong (held);
      return;
    }
  if (scrolled == NULL || focus == NULL || clock == NULL || !gtk_widget_get_mapped (scrolled) ||
      !gtk_widget_is_ancestor (focus, scrolled) ||
      !view_y (GTK_SCROLLED_WINDOW (scrolled), focus, &y))
    return;
  hold (scrolled, clock, focus, y);
}

/**
 * cst_keep_place_release:
 * @inside: a widget inside a scrolled window, or that window
 *
 * Lets go of the place held in @inside's scrolled window, and holds none
 * until the next layout: the view is about to show something else (another
 * request starts at its top, however its parts fill in meanwhile).
 */
void
cst_keep_place_release (GtkWidget *inside)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (inside, GTK_TYPE_SCROLLED_WINDOW);
  GdkFrameClock *clock = gtk_widget_get_frame_clock (inside);

  if (scrolled == NULL)
    return;
  g_object_set_data (G_OBJECT (scrolled), HELD_KEY, NULL);
  if (clock != NULL)
    hold (scrolled, clock, NULL, 0);
}
