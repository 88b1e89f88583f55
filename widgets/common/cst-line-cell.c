/* cst-line-cell.c — a list cell of one line of text, sized without its text
 *
 * A GtkLabel measures its text: each new text queues a resize, and GTK
 * 4.8's list views measure every row widget they keep (up to 200, about
 * 25 on screen) again, shaping every label's text with Pango and HarfBuzz
 * — most of a search keystroke over the request list.  This cell's size
 * does not depend on its text: one line's height from the font's metrics
 * (the same for every cell in that font, so looked up once per font and
 * resolution) and no width of its own (its column decides; outside a
 * list, as many average characters as it is told).  A new text
 * only queues a redraw; the text is shaped, and cut with an ellipsis to
 * the cell's width, when the cell is drawn, which only the rows on screen
 * are.
 */
#define G_LOG_DOMAIN "cst-line-cell"

#include "config.h"

#include "cst-line-cell.h"

struct _CstLineCell
{
  GtkWidget    parent_instance;

  char        *text;
  float        xalign;
  PangoLayout *layout;         /* made when first drawn */
  gboolean     layout_stale;   /* the text changed since */
  guint        context_serial; /* of the Pango context the height is for */
  int          height;         /* one line, in pixels; 0 until measured */
  int          baseline;
  int          char_width;     /* an average character, in pixels */
  int          width_chars;    /* natural width, in characters */
};

G_DEFINE_FINAL_TYPE (CstLineCell, cst_line_cell, GTK_TYPE_WIDGET)

/* One line's height in a font at a resolution (Large Text changes the
 * resolution, not the font): few fonts, so a short list. */
typedef struct
{
  PangoFontDescription *font;
  double                resolution;
  PangoLanguage        *language;
  int                   height;
  int                   baseline;
  int                   char_width;
} LineHeight;

static GArray *line_heights;

static const LineHeight *
find_line_height (PangoContext *context)
{
  const PangoFontDescription *font = pango_context_get_font_description (context);
  double resolution = pango_cairo_context_get_resolution (context);
  PangoLanguage *language = pango_context_get_language (context);
  PangoFontMetrics *metrics;
  LineHeight line;

  if (line_heights == NULL)
    line_heights = g_array_new (FALSE, FALSE, sizeof (LineHeight));
  for (guint i = 0; i < line_heights->len; i++)
    {
      const LineHeight *known = &g_array_index (line_heights, LineHeight, i);

      if (known->resolution == resolution && known->language == language &&
          pango_font_description_equal (known->font, font))
        return known;
    }
  metrics = pango_context_get_metrics (context, font, language);
  line.font = pango_font_description_copy (font);
  line.resolution = resolution;
  line.language = language;
  line.baseline = PANGO_PIXELS_CEIL (pango_font_metrics_get_ascent (metrics));
  line.height = line.baseline + PANGO_PIXELS_CEIL (pango_font_metrics_get_descent (metrics));
  line.char_width = PANGO_PIXELS_CEIL (pango_font_metrics_get_approximate_char_width (metrics));
  pango_font_metrics_unref (metrics);
  g_array_append_val (line_heights, line);
  return &g_array_index (line_heights, LineHeight, line_heights->len - 1);
}

/* The widget's Pango context changes with its style (a caption's smaller
 * font) and with the text size; its serial says when. */
static void
update_line_height (CstLineCell *self)
{
  PangoContext *context = gtk_widget_get_pango_context (GTK_WIDGET (self));
  const LineHeight *line;

  if (self->height > 0 && pango_context_get_serial (context) == self->context_serial)
    return;
  line = find_line_height (context);
  self->height = line->height;
  self->baseline = line->baseline;
  self->char_width = line->char_width;
  self->context_serial = pango_context_get_serial (context);
}

static void
cst_line_cell_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  CstLineCell *self = CST_LINE_CELL (widget);

  update_line_height (self);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 0;
      *natural = self->width_chars * self->char_width;
      return;
    }
  *minimum = *natural = self->height;
  *minimum_baseline = *natural_baseline = self->baseline;
}

static PangoLayout *
ensure_layout (CstLineCell *self)
{
  if (self->layout == NULL)
    {
      self->layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
      pango_layout_set_ellipsize (self->layout, PANGO_ELLIPSIZE_END);
      pango_layout_set_single_paragraph_mode (self->layout, TRUE);
      self->layout_stale = TRUE;
    }
  if (self->layout_stale)
    pango_layout_set_text (self->layout, self->text != NULL ? self->text : "", -1);
  self->layout_stale = FALSE;
  return self->layout;
}

/* Placed as a label would place it: @xalign from the start of the line,
 * which is the right in a right-to-left locale. */
static void
cst_line_cell_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  CstLineCell *self = CST_LINE_CELL (widget);
  int width = gtk_widget_get_width (widget);
  float xalign = self->xalign;
  PangoLayout *layout;
  PangoRectangle logical;
  GdkRGBA color;

  if (self->text == NULL || self->text[0] == '\0' || width <= 0)
    return;
  layout = ensure_layout (self);
  pango_layout_set_width (layout, width * PANGO_SCALE);
  pango_layout_get_pixel_extents (layout, NULL, &logical);
  if (gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL)
    xalign = 1 - xalign;
  update_line_height (self);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  G_GNUC_END_IGNORE_DEPRECATIONS
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot,
                          &GRAPHENE_POINT_INIT (floorf (xalign * (width - logical.width)) - logical.x,
                                                floorf ((gtk_widget_get_height (widget) - self->height) / 2.f)));
  gtk_snapshot_append_layout (snapshot, layout, &color);
  gtk_snapshot_restore (snapshot);
}

/* Text cut short: the whole of it on hover. */
static gboolean
cst_line_cell_query_tooltip (GtkWidget  *widget,
                             int         x,
                             int         y,
                             gboolean    keyboard,
                             GtkTooltip *tooltip)
{
  CstLineCell *self = CST_LINE_CELL (widget);

  if (self->layout == NULL || !pango_layout_is_ellipsized (self->layout))
    return FALSE;
  gtk_tooltip_set_text (tooltip, self->text);
  return TRUE;
}

static void
cst_line_cell_finalize (GObject *object)
{
  CstLineCell *self = CST_LINE_CELL (object);

  g_clear_object (&self->layout);
  g_clear_pointer (&self->text, g_free);
  G_OBJECT_CLASS (cst_line_cell_parent_class)->finalize (object);
}

static void
cst_line_cell_class_init (CstLineCellClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = cst_line_cell_finalize;
  widget_class->measure = cst_line_cell_measure;
  widget_class->snapshot = cst_line_cell_snapshot;
  widget_class->query_tooltip = cst_line_cell_query_tooltip;
  gtk_widget_class_set_css_name (widget_class, "label");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LABEL);
}

static void
cst_line_cell_init (CstLineCell *self)
{
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
}

/**
 * cst_line_cell_new:
 * @xalign: 0 for text, 1 for amounts
 *
 * Returns: (transfer floating): an empty cell
 */
GtkWidget *
cst_line_cell_new (float xalign)
{
  CstLineCell *self = g_object_new (CST_TYPE_LINE_CELL, NULL);

  self->xalign = xalign;
  return GTK_WIDGET (self);
}

/**
 * cst_line_cell_set_text:
 * @text: (nullable): the cell's text, one line
 *
 * Draws @text instead, in the same size: no resize.  Screen readers read
 * the text as the cell's label.
 */
void
cst_line_cell_set_text (CstLineCell *self,
                        const char  *text)
{
  g_return_if_fail (CST_IS_LINE_CELL (self));

  if (g_strcmp0 (self->text, text) == 0)
    return;
  g_free (self->text);
  self->text = g_strdup (text);
  self->layout_stale = TRUE;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  self->text != NULL ? self->text : "", -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * cst_line_cell_set_width_chars:
 * @width_chars: how many average characters wide the cell would like to be
 *
 * For a cell outside a list's column, which has no width of its own: its
 * natural width, whatever its text.
 */
void
cst_line_cell_set_width_chars (CstLineCell *self,
                               int          width_chars)
{
  g_return_if_fail (CST_IS_LINE_CELL (self));

  self->width_chars = MAX (width_chars, 0);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

/* Returns: (nullable): the cell's text */
const char *
cst_line_cell_get_text (CstLineCell *self)
{
  g_return_val_if_fail (CST_IS_LINE_CELL (self), NULL);

  return self->text;
}

/**
 * cst_line_cell_get_layout:
 *
 * Returns: (transfer none) (nullable): the text as last drawn (its text,
 *   its width, whether it was cut), or %NULL before the cell was drawn
 */
PangoLayout *
cst_line_cell_get_layout (CstLineCell *self)
{
  g_return_val_if_fail (CST_IS_LINE_CELL (self), NULL);

  return self->layout;
}
