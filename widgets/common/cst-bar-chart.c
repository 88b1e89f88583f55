/* cst-bar-chart.c — labelled horizontal bars drawn with Cairo
 *
 * One row per bar: its label, the bar, and its value in words ("4",
 * "$12.50"), so nothing is said by length or colour alone.  Colours come
 * from the style: the text colour of the widget and the named colour
 * chart_bar_color from style.css (libadwaita's accent), so the dark and
 * high-contrast styles follow.  A screen reader gets the same data: the
 * title is the accessible label and every bar, label and value, is read
 * out by the accessible description.
 */
#define G_LOG_DOMAIN "cst-bar-chart"

#include "config.h"

#include <glib/gi18n.h>
#include <pango/pangocairo.h>

#include "cst-bar-chart.h"

/* Pixels between the label, bar and value columns, and between rows. */
#define COLUMN_GAP 8
#define ROW_GAP 6
/* Padding above and below the text inside a row. */
#define ROW_PADDING 3
/* The narrowest a full-length bar may get before the widget asks for more. */
#define MIN_BAR_WIDTH 48

struct _CstBarChart
{
  GtkWidget  parent_instance;

  char      *title;
  char      *description;
  GArray    *bars;   /* of Bar */
};

typedef struct
{
  char   *label;
  gint64  value;
  char   *value_text;
} Bar;

G_DEFINE_FINAL_TYPE (CstBarChart, cst_bar_chart, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TITLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
bar_clear (gpointer data)
{
  Bar *bar = data;

  g_free (bar->label);
  g_free (bar->value_text);
}

static int
text_width (GtkWidget  *widget,
            const char *text,
            int        *height)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
  int width, h;

  pango_layout_get_pixel_size (layout, &width, &h);
  if (height != NULL)
    *height = h;
  return width;
}

static int
row_height (GtkWidget *widget)
{
  int height;

  text_width (widget, "Ag", &height);
  return height + 2 * ROW_PADDING;
}

/* The widest label and value, which size the first and last columns. */
static void
column_widths (CstBarChart *self,
               int         *label_width,
               int         *value_width)
{
  *label_width = *value_width = 0;
  for (guint i = 0; i < self->bars->len; i++)
    {
      const Bar *bar = &g_array_index (self->bars, Bar, i);

      *label_width = MAX (*label_width, text_width (GTK_WIDGET (self), bar->label, NULL));
      *value_width = MAX (*value_width, text_width (GTK_WIDGET (self), bar->value_text, NULL));
    }
}

static void
cst_bar_chart_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  CstBarChart *self = CST_BAR_CHART (widget);
  guint n = self->bars->len;

  if (orientation == GTK_ORIENTATION_VERTICAL)
    {
      *minimum = *natural = n > 0 ? (int) n * row_height (widget) + ((int) n - 1) * ROW_GAP : 0;
    }
  else
    {
      int label_width, value_width;

      column_widths (self, &label_width, &value_width);
      *minimum = label_width + value_width + 2 * COLUMN_GAP + MIN_BAR_WIDTH;
      *natural = *minimum + 4 * MIN_BAR_WIDTH;
    }
}

/* The style's colours: text, and bars in the named colour of style.css,
 * falling back to libadwaita's accent, then to the text colour. */
static void
style_colors (GtkWidget *widget,
              GdkRGBA   *text,
              GdkRGBA   *bar,
              GdkRGBA   *track)
{
  /* GTK 4.8 has no gtk_widget_get_color; the style context is how to ask. */
  GtkStyleContext *context = gtk_widget_get_style_context (widget);

  gtk_style_context_get_color (context, text);
  if (!gtk_style_context_lookup_color (context, "chart_bar_color", bar) &&
      !gtk_style_context_lookup_color (context, "accent_bg_color", bar))
    {
      *bar = *text;
      bar->alpha *= 0.7f;
    }
  *track = *text;
  track->alpha *= 0.1f;
}

/* Where to draw: positions are laid out left to right and mirrored here
 * for right-to-left languages, so labels stay at the reading start. */
typedef struct
{
  GtkWidget *widget;
  cairo_t   *cr;
  int        width;
  int        row;
  gboolean   rtl;
} Canvas;

static double
start_x (const Canvas *canvas,
         double        x,
         double        extent)
{
  return canvas->rtl ? canvas->width - x - extent : x;
}

static void
draw_text (const Canvas  *canvas,
           const char    *text,
           double         x,
           double         y,
           const GdkRGBA *color)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (canvas->widget, text);
  int width, height;

  pango_layout_get_pixel_size (layout, &width, &height);
  gdk_cairo_set_source_rgba (canvas->cr, color);
  cairo_move_to (canvas->cr, start_x (canvas, x, width), y + (canvas->row - height) / 2.0);
  pango_cairo_show_layout (canvas->cr, layout);
}

static void
fill_bar (const Canvas  *canvas,
          double         x,
          double         y,
          double         length,
          const GdkRGBA *color)
{
  gdk_cairo_set_source_rgba (canvas->cr, color);
  cairo_rectangle (canvas->cr, start_x (canvas, x, length), y + 2, length, canvas->row - 4);
  cairo_fill (canvas->cr);
}

static gint64
max_value (CstBarChart *self)
{
  gint64 max = 0;

  for (guint i = 0; i < self->bars->len; i++)
    max = MAX (max, g_array_index (self->bars, Bar, i).value);
  return max;
}

static void
cst_bar_chart_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  CstBarChart *self = CST_BAR_CHART (widget);
  Canvas canvas = {
    widget, NULL, gtk_widget_get_width (widget), row_height (widget),
    gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL,
  };
  int label_width, value_width, bar_x, bar_room;
  gint64 max = max_value (self);
  GdkRGBA text, bar_color, track;

  if (self->bars->len == 0 || canvas.width <= 0)
    return;
  style_colors (widget, &text, &bar_color, &track);
  column_widths (self, &label_width, &value_width);
  bar_x = label_width + COLUMN_GAP;
  bar_room = MAX (1, canvas.width - bar_x - COLUMN_GAP - value_width);
  canvas.cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, canvas.width,
                                                                        gtk_widget_get_height (widget)));
  for (guint i = 0; i < self->bars->len; i++)
    {
      const Bar *bar = &g_array_index (self->bars, Bar, i);
      double y = i * (double) (canvas.row + ROW_GAP);
      double length = max > 0 && bar->value > 0 ? MAX (2.0, (double) bar->value * bar_room / max) : 0;

      draw_text (&canvas, bar->label, 0, y, &text);
      fill_bar (&canvas, bar_x, y, bar_room, &track);
      fill_bar (&canvas, bar_x, y, length, &bar_color);
      draw_text (&canvas, bar->value_text, bar_x + length + COLUMN_GAP, y, &text);
    }
  cairo_destroy (canvas.cr);
}

static void
update_description (CstBarChart *self)
{
  GString *text = g_string_new (NULL);

  if (self->bars->len == 0)
    g_string_append (text, _("No values yet"));
  for (guint i = 0; i < self->bars->len; i++)
    {
      const Bar *bar = &g_array_index (self->bars, Bar, i);

      if (i > 0)
        /* TRANSLATORS: between two values a screen reader reads out */
        g_string_append (text, _("; "));
      /* TRANSLATORS: a chart's bar read out: "Received: 4" */
      g_string_append_printf (text, _("%s: %s"), bar->label, bar->value_text);
    }
  g_free (self->description);
  self->description = g_string_free (text, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->description, -1);
}

static void
cst_bar_chart_finalize (GObject *object)
{
  CstBarChart *self = CST_BAR_CHART (object);

  g_free (self->title);
  g_free (self->description);
  g_array_unref (self->bars);
  G_OBJECT_CLASS (cst_bar_chart_parent_class)->finalize (object);
}

static void
cst_bar_chart_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CstBarChart *self = CST_BAR_CHART (object);

  switch (prop_id)
    {
    case PROP_TITLE: g_value_set_string (value, self->title); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cst_bar_chart_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  CstBarChart *self = CST_BAR_CHART (object);

  switch (prop_id)
    {
    case PROP_TITLE: cst_bar_chart_set_title (self, g_value_get_string (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cst_bar_chart_class_init (CstBarChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = cst_bar_chart_finalize;
  object_class->get_property = cst_bar_chart_get_property;
  object_class->set_property = cst_bar_chart_set_property;
  widget_class->measure = cst_bar_chart_measure;
  widget_class->snapshot = cst_bar_chart_snapshot;

  /**
   * CstBarChart:title:
   *
   * What the chart shows; its accessible label.
   */
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "barchart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
cst_bar_chart_init (CstBarChart *self)
{
  self->bars = g_array_new (FALSE, TRUE, sizeof (Bar));
  g_array_set_clear_func (self->bars, bar_clear);
  update_description (self);
}

GtkWidget *
cst_bar_chart_new (void)
{
  return g_object_new (CST_TYPE_BAR_CHART, NULL);
}

void
cst_bar_chart_set_title (CstBarChart *self,
                         const char  *title)
{
  g_return_if_fail (CST_IS_BAR_CHART (self));

  if (g_strcmp0 (self->title, title) == 0)
    return;
  g_free (self->title);
  self->title = g_strdup (title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title ? title : "", -1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

const char *
cst_bar_chart_get_title (CstBarChart *self)
{
  g_return_val_if_fail (CST_IS_BAR_CHART (self), NULL);
  return self->title;
}

/**
 * cst_bar_chart_set_bars:
 * @bars: (array length=n_bars): copied
 *
 * Replaces the bars, in the order given, and what a screen reader reads.
 */
void
cst_bar_chart_set_bars (CstBarChart          *self,
                        const CstBarChartBar *bars,
                        guint                 n_bars)
{
  g_return_if_fail (CST_IS_BAR_CHART (self));
  g_return_if_fail (bars != NULL || n_bars == 0);

  g_array_set_size (self->bars, 0);
  for (guint i = 0; i < n_bars; i++)
    {
      Bar bar = {
        g_strdup (bars[i].label ? bars[i].label : ""),
        bars[i].value,
        bars[i].value_text ? g_strdup (bars[i].value_text)
                           : g_strdup_printf ("%" G_GINT64_FORMAT, bars[i].value),
      };

      g_array_append_val (self->bars, bar);
    }
  update_description (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

guint
cst_bar_chart_get_n_bars (CstBarChart *self)
{
  g_return_val_if_fail (CST_IS_BAR_CHART (self), 0);
  return self->bars->len;
}

/* What the accessible description says: every bar, "Label: value; …". */
const char *
cst_bar_chart_get_description (CstBarChart *self)
{
  g_return_val_if_fail (CST_IS_BAR_CHART (self), NULL);
  return self->description;
}
