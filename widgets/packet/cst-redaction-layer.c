/* cst-redaction-layer.c — the redaction boxes over a page opened large
 *
 * Lies over the large page's picture, the same size, and maps its pixels
 * to the page's points (from the top-left corner, as cst-redaction.h
 * measures): applied boxes are drawn solid with their reason code, as the
 * build burns them; proposed ones see-through with an outline, so the
 * person sees what is under them before deciding; the one selected in the
 * list has a thicker outline.  A new box is drawn by dragging, or with the
 * keyboard: Ctrl+B (cst_redaction_layer_start_box) puts one in the middle
 * of the page, the arrow keys move it, Shift+arrows size it, Enter keeps
 * it and Escape drops it.  A kept box is "box-drawn", in points; the view
 * asks for the reason and stores it.  Once the page's words are known
 * (cst_redaction_layer_set_words), a drag that begins on a word selects
 * words instead, in reading order as text is selected, up to the word
 * nearest the pointer; let go, they are "words-chosen" as one box per
 * line (cst_redaction_words_boxes(), the boxes the finder would propose).
 */
#define G_LOG_DOMAIN "cst-redaction-layer"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "cst-redaction-layer.h"

#include <custodian/cst-redaction-words.h>

/* A keyboard box moves or grows by this many points a key press. */
#define KEY_STEP 6.0
/* A drag smaller than this many pixels either way is a click, not a box. */
#define SMALLEST_DRAG 4.0

typedef struct
{
  gint64           id;
  CstRedactionBox  box;
  gboolean         applied;
  const char      *code;     /* static: cst_redaction_reason_code() */
} Mark;

struct _CstRedactionLayer
{
  GtkWidget        parent_instance;

  double           page_width;    /* points */
  double           page_height;
  GArray          *marks;         /* Mark */
  gint64           selected;
  gboolean         drawing;
  CstRedactionBox  drawn;         /* points, while drawing */
  double           drag_x;        /* pixels, where the drag began */
  double           drag_y;
  GArray          *words;         /* CstRedactionWord of the page, or NULL */
  int              anchor;        /* the word a selection began on; -1: none */
  int              reach;         /* the word it reaches now */
};

G_DEFINE_FINAL_TYPE (CstRedactionLayer, cst_redaction_layer, GTK_TYPE_WIDGET)

enum { SIGNAL_BOX_DRAWN, SIGNAL_WORDS_CHOSEN, N_SIGNALS };
static guint layer_signals[N_SIGNALS];

/* Pixels per point at the size the page is shown. */
static double
scale (CstRedactionLayer *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));

  return self->page_width > 0 && width > 0 ? width / self->page_width : 1.0;
}

static void
describe (CstRedactionLayer *self)
{
  guint n = self->marks->len;
  g_autofree char *label = g_strdup_printf (g_dngettext (NULL,
    "%u redaction box on this page. Drag, or press Ctrl+B, to draw a new one; drag across words to select them.",
    "%u redaction boxes on this page. Drag, or press Ctrl+B, to draw a new one; drag across words to select them.", n), n);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

/* ---- drawing ------------------------------------------------------------------ */

static graphene_rect_t
to_pixels (CstRedactionLayer     *self,
           const CstRedactionBox *box)
{
  double s = scale (self);

  return GRAPHENE_RECT_INIT (box->x * s, box->y * s, box->width * s, box->height * s);
}

static void
outline (GtkSnapshot           *snapshot,
         const graphene_rect_t *rect,
         float                  width,
         const GdkRGBA         *color)
{
  GskRoundedRect rounded;
  float widths[4] = { width, width, width, width };
  GdkRGBA colors[4] = { *color, *color, *color, *color };

  gsk_rounded_rect_init_from_rect (&rounded, rect, 0);
  gtk_snapshot_append_border (snapshot, &rounded, widths, colors);
}

static void
draw_code (CstRedactionLayer     *self,
           GtkSnapshot           *snapshot,
           const graphene_rect_t *rect,
           const char            *code)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), code);
  GdkRGBA white = { 1, 1, 1, 1 };
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  gtk_snapshot_push_clip (snapshot, rect);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (rect->origin.x + (rect->size.width - w) / 2,
                                                          rect->origin.y + (rect->size.height - h) / 2));
  gtk_snapshot_append_layout (snapshot, layout, &white);
  gtk_snapshot_restore (snapshot);
  gtk_snapshot_pop (snapshot);
}

static GArray *
selected_boxes (CstRedactionLayer *self)
{
  return cst_redaction_words_boxes ((const CstRedactionWord *) self->words->data, self->words->len,
                                    (guint) self->anchor, (guint) self->reach);
}

static void
cst_redaction_layer_snapshot (GtkWidget   *widget,
                              GtkSnapshot *snapshot)
{
  CstRedactionLayer *self = CST_REDACTION_LAYER (widget);
  GdkRGBA black = { 0, 0, 0, 1 };
  GdkRGBA proposed_fill = { 1.0, 0.75, 0.0, 0.25 };
  GdkRGBA proposed_line = { 0.8, 0.4, 0.0, 1 };
  GdkRGBA selected_line = { 0.1, 0.35, 0.85, 1 };
  GdkRGBA drawn_fill = { 0.85, 0.0, 0.0, 0.2 };
  GdkRGBA drawn_line = { 0.85, 0.0, 0.0, 1 };

  for (guint i = 0; i < self->marks->len; i++)
    {
      const Mark *m = &g_array_index (self->marks, Mark, i);
      graphene_rect_t rect = to_pixels (self, &m->box);

      if (m->applied)
        {
          gtk_snapshot_append_color (snapshot, &black, &rect);
          draw_code (self, snapshot, &rect, m->code);
        }
      else
        {
          gtk_snapshot_append_color (snapshot, &proposed_fill, &rect);
          outline (snapshot, &rect, 2, &proposed_line);
        }
      if (m->id == self->selected)
        outline (snapshot, &GRAPHENE_RECT_INIT (rect.origin.x - 3, rect.origin.y - 3,
                                                rect.size.width + 6, rect.size.height + 6),
                 3, &selected_line);
    }
  if (self->drawing)
    {
      graphene_rect_t rect = to_pixels (self, &self->drawn);

      gtk_snapshot_append_color (snapshot, &drawn_fill, &rect);
      outline (snapshot, &rect, 2, &drawn_line);
    }
  if (self->anchor >= 0)
    {
      g_autoptr(GArray) boxes = selected_boxes (self);

      for (guint i = 0; i < boxes->len; i++)
        {
          graphene_rect_t rect = to_pixels (self, &g_array_index (boxes, CstRedactionBox, i));

          gtk_snapshot_append_color (snapshot, &drawn_fill, &rect);
          outline (snapshot, &rect, 2, &drawn_line);
        }
    }
}

/* ---- a new box ------------------------------------------------------------------ */

/* The box kept inside the page. */
static void
clamp_drawn (CstRedactionLayer *self)
{
  CstRedactionBox *b = &self->drawn;

  b->width = CLAMP (b->width, 1.0, self->page_width);
  b->height = CLAMP (b->height, 1.0, self->page_height);
  b->x = CLAMP (b->x, 0.0, self->page_width - b->width);
  b->y = CLAMP (b->y, 0.0, self->page_height - b->height);
}

static void
keep_drawn (CstRedactionLayer *self)
{
  CstRedactionBox box = self->drawn;

  self->drawing = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, layer_signals[SIGNAL_BOX_DRAWN], 0, box.x, box.y, box.width, box.height);
}

static void
drop_drawn (CstRedactionLayer *self)
{
  self->drawing = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* A box from pixel (@x, @y), @width × @height (negative: up or left). */
static void
set_drawn_pixels (CstRedactionLayer *self,
                  double             x,
                  double             y,
                  double             width,
                  double             height)
{
  double s = scale (self);

  self->drawn.x = MIN (x, x + width) / s;
  self->drawn.y = MIN (y, y + height) / s;
  self->drawn.width = fabs (width) / s;
  self->drawn.height = fabs (height) / s;
  clamp_drawn (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* ---- words selected ----------------------------------------------------------- */

/* The word under pixel (@x, @y), or -1. */
static int
word_under (CstRedactionLayer *self,
            double             x,
            double             y)
{
  double s = scale (self);
  int i;

  if (self->words == NULL)
    return -1;
  i = cst_redaction_words_at ((const CstRedactionWord *) self->words->data, self->words->len, x / s, y / s);
  if (i >= 0)
    {
      const CstRedactionBox *b = &g_array_index (self->words, CstRedactionWord, i).box;

      if (x / s < b->x || x / s > b->x + b->width || y / s < b->y || y / s > b->y + b->height)
        return -1;
    }
  return i;
}

/* A drag begun at pixel (@x, @y) selects words when it begins on one. */
static gboolean
select_begin (CstRedactionLayer *self,
              double             x,
              double             y)
{
  self->anchor = self->reach = word_under (self, x, y);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return self->anchor >= 0;
}

static void
select_update (CstRedactionLayer *self,
               double             x,
               double             y)
{
  double s = scale (self);

  self->reach = cst_redaction_words_at ((const CstRedactionWord *) self->words->data, self->words->len,
                                        x / s, y / s);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
select_end (CstRedactionLayer *self)
{
  g_autoptr(GArray) boxes = selected_boxes (self);

  self->anchor = self->reach = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, layer_signals[SIGNAL_WORDS_CHOSEN], 0, boxes);
}

/**
 * cst_redaction_layer_select_words:
 *
 * What a drag from pixel (@x1, @y1) to (@x2, @y2) does when it begins on
 * a word: the words between are "words-chosen".  FALSE (and nothing
 * chosen) when no word lies under (@x1, @y1).  For tests, which cannot
 * move a pointer.
 */
gboolean
cst_redaction_layer_select_words (CstRedactionLayer *self,
                                  double             x1,
                                  double             y1,
                                  double             x2,
                                  double             y2)
{
  if (!select_begin (self, x1, y1))
    return FALSE;
  select_update (self, x2, y2);
  select_end (self);
  return TRUE;
}

/* ---- a box or words, dragged ---------------------------------------------------- */

static void
drag_begin_cb (GtkGestureDrag    *gesture,
               double             x,
               double             y,
               CstRedactionLayer *self)
{
  if (self->page_width <= 0)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  self->drag_x = x;
  self->drag_y = y;
  if (select_begin (self, x, y))
    {
      gtk_widget_grab_focus (GTK_WIDGET (self));
      return;
    }
  self->drawing = TRUE;
  set_drawn_pixels (self, x, y, 0, 0);
  gtk_widget_grab_focus (GTK_WIDGET (self));
}

static void
drag_update_cb (GtkGestureDrag    *gesture,
                double             dx,
                double             dy,
                CstRedactionLayer *self)
{
  if (self->anchor >= 0)
    select_update (self, self->drag_x + dx, self->drag_y + dy);
  else
    set_drawn_pixels (self, self->drag_x, self->drag_y, dx, dy);
}

static void
drag_end_cb (GtkGestureDrag    *gesture,
             double             dx,
             double             dy,
             CstRedactionLayer *self)
{
  if (self->anchor >= 0 && fabs (dx) < SMALLEST_DRAG && fabs (dy) < SMALLEST_DRAG)
    {
      /* A click on a word selects nothing. */
      self->anchor = self->reach = -1;
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return;
    }
  if (self->anchor >= 0)
    {
      select_update (self, self->drag_x + dx, self->drag_y + dy);
      select_end (self);
      return;
    }
  if (fabs (dx) < SMALLEST_DRAG || fabs (dy) < SMALLEST_DRAG)
    {
      drop_drawn (self);
      return;
    }
  set_drawn_pixels (self, self->drag_x, self->drag_y, dx, dy);
  keep_drawn (self);
}

/**
 * cst_redaction_layer_drag:
 *
 * What a drag from pixel (@x, @y) over @width × @height does: the box is
 * drawn and kept ("box-drawn").  For tests, which cannot move a pointer.
 */
void
cst_redaction_layer_drag (CstRedactionLayer *self,
                          double             x,
                          double             y,
                          double             width,
                          double             height)
{
  self->drawing = TRUE;
  set_drawn_pixels (self, x, y, width, height);
  keep_drawn (self);
}

/**
 * cst_redaction_layer_start_box:
 *
 * A new box in the middle of the page, to be moved and sized with the
 * keyboard; the layer takes the focus.  FALSE while no page is shown.
 */
gboolean
cst_redaction_layer_start_box (CstRedactionLayer *self)
{
  if (self->page_width <= 0)
    return FALSE;
  self->drawing = TRUE;
  self->drawn.width = self->page_width / 3;
  self->drawn.height = 24;
  self->drawn.x = (self->page_width - self->drawn.width) / 2;
  self->drawn.y = (self->page_height - self->drawn.height) / 2;
  clamp_drawn (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  gtk_widget_grab_focus (GTK_WIDGET (self));
  return TRUE;
}

/* TRUE with @box (points) while a new box is being drawn. */
gboolean
cst_redaction_layer_get_drawing (CstRedactionLayer *self,
                                 CstRedactionBox   *box)
{
  if (self->drawing && box != NULL)
    *box = self->drawn;
  return self->drawing;
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                CstRedactionLayer     *self)
{
  gboolean size = (state & GDK_SHIFT_MASK) != 0;
  double dx = 0, dy = 0;

  if (!self->drawing)
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_Left: dx = -KEY_STEP; break;
    case GDK_KEY_Right: dx = KEY_STEP; break;
    case GDK_KEY_Up: dy = -KEY_STEP; break;
    case GDK_KEY_Down: dy = KEY_STEP; break;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
      keep_drawn (self);
      return TRUE;
    case GDK_KEY_Escape:
      drop_drawn (self);
      return TRUE;
    default:
      return FALSE;
    }
  if (size)
    {
      self->drawn.width += dx;
      self->drawn.height += dy;
    }
  else
    {
      self->drawn.x += dx;
      self->drawn.y += dy;
    }
  clamp_drawn (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return TRUE;
}

/* ---- what is shown --------------------------------------------------------------- */

/* The page shown under the layer, @page_width × @page_height points. */
void
cst_redaction_layer_set_page (CstRedactionLayer *self,
                              double             page_width,
                              double             page_height)
{
  self->page_width = page_width;
  self->page_height = page_height;
  self->drawing = FALSE;
  self->anchor = self->reach = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * cst_redaction_layer_set_marks:
 * @redactions: (element-type CstRedaction): the page's redactions; those
 *   neither proposed nor applied are not drawn.  Copied.
 */
void
cst_redaction_layer_set_marks (CstRedactionLayer *self,
                               GPtrArray         *redactions)
{
  g_array_set_size (self->marks, 0);
  for (guint i = 0; redactions != NULL && i < redactions->len; i++)
    {
      const CstRedaction *r = g_ptr_array_index (redactions, i);
      Mark m = { r->id, r->box, g_str_equal (r->state, "applied"), cst_redaction_reason_code (r->reason) };

      if (m.applied || g_str_equal (r->state, "proposed"))
        g_array_append_val (self->marks, m);
    }
  describe (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * cst_redaction_layer_set_words:
 * @words: (element-type CstRedactionWord) (nullable): the page's words,
 *   in reading order; referenced
 */
void
cst_redaction_layer_set_words (CstRedactionLayer *self,
                               GArray            *words)
{
  self->anchor = self->reach = -1;
  g_clear_pointer (&self->words, g_array_unref);
  self->words = words ? g_array_ref (words) : NULL;
}

/* The page's words (CstRedactionWord), NULL until they are read. */
GArray *
cst_redaction_layer_get_words (CstRedactionLayer *self)
{
  return self->words;
}

/* The redaction chosen in the list, outlined; 0 for none. */
void
cst_redaction_layer_set_selected (CstRedactionLayer *self,
                                  gint64             redaction_id)
{
  self->selected = redaction_id;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* ---- the object ------------------------------------------------------------------ */

static void
cst_redaction_layer_finalize (GObject *object)
{
  CstRedactionLayer *self = CST_REDACTION_LAYER (object);

  g_array_unref (self->marks);
  g_clear_pointer (&self->words, g_array_unref);
  G_OBJECT_CLASS (cst_redaction_layer_parent_class)->finalize (object);
}

static void
cst_redaction_layer_class_init (CstRedactionLayerClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = cst_redaction_layer_finalize;
  widget_class->snapshot = cst_redaction_layer_snapshot;
  /**
   * CstRedactionLayer::box-drawn:
   *
   * A new box was drawn and kept: @x, @y, @width, @height in points from
   * the page's top-left corner.
   */
  layer_signals[SIGNAL_BOX_DRAWN] = g_signal_new ("box-drawn", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                  0, NULL, NULL, NULL, G_TYPE_NONE, 4, G_TYPE_DOUBLE,
                                                  G_TYPE_DOUBLE, G_TYPE_DOUBLE, G_TYPE_DOUBLE);
  /**
   * CstRedactionLayer::words-chosen:
   * @boxes: (element-type CstRedactionBox): one per line, in points
   *
   * Words were selected by dragging across them.
   */
  layer_signals[SIGNAL_WORDS_CHOSEN] = g_signal_new ("words-chosen", G_TYPE_FROM_CLASS (klass),
                                                     G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                     G_TYPE_NONE, 1, G_TYPE_ARRAY);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
  gtk_widget_class_set_css_name (widget_class, "redactionlayer");
}

static void
cst_redaction_layer_init (CstRedactionLayer *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkEventController *keys = gtk_event_controller_key_new ();

  self->marks = g_array_new (FALSE, FALSE, sizeof (Mark));
  self->anchor = self->reach = -1;
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "crosshair");
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
  describe (self);
}

GtkWidget *
cst_redaction_layer_new (void)
{
  return g_object_new (CST_TYPE_REDACTION_LAYER, NULL);
}
