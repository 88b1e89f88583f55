/* cst-cell.c — a column view's cell that shows one line of text
 *
 * The lists (requests, the fee report, a bill's lines) show most columns
 * as one label a cell, cut short with an ellipsis where the column is
 * narrower than the text.  The factory sets the label up once per cell
 * and asks the view for the row's text at each bind.
 */
#define G_LOG_DOMAIN "cst-cell"

#include "config.h"

#include "cst-cell.h"

typedef struct
{
  guint       column;
  float       xalign;
  gboolean    tooltip;
  CstCellText text;
  gpointer    user_data;
} CellColumn;

/**
 * cst_cell_label_new:
 * @xalign: 0 for text, 1 for amounts
 *
 * Returns: (transfer floating): a one-line label, ellipsized at its end
 */
GtkWidget *
cst_cell_label_new (float xalign)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), xalign);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  return label;
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          CellColumn               *cell)
{
  gtk_list_item_set_child (item, cst_cell_label_new (cell->xalign));
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         CellColumn               *cell)
{
  g_autofree char *text = cell->text (item, cell->column, cell->user_data);
  GtkWidget *label = gtk_list_item_get_child (item);

  if (text == NULL)
    return;
  gtk_label_set_label (GTK_LABEL (label), text);
  /* Text longer than the column can show: the whole of it on hover. */
  if (cell->tooltip)
    gtk_widget_set_tooltip_text (label, text);
}

/**
 * cst_cell_factory_new:
 * @column: passed to @text, for a view whose columns share one function
 * @xalign: as cst_cell_label_new()
 * @tooltip: whether the cell's whole text shows on hover too
 * @text: the text of a row's cell
 * @user_data: for @text; must outlive the factory
 *
 * Returns: (transfer full): a factory of one-label cells
 */
GtkListItemFactory *
cst_cell_factory_new (guint       column,
                      float       xalign,
                      gboolean    tooltip,
                      CstCellText text,
                      gpointer    user_data)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  CellColumn *cell = g_new0 (CellColumn, 1);

  cell->column = column;
  cell->xalign = xalign;
  cell->tooltip = tooltip;
  cell->text = text;
  cell->user_data = user_data;
  g_object_set_data_full (G_OBJECT (factory), "cst-cell", cell, g_free);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), cell);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), cell);
  return factory;
}
