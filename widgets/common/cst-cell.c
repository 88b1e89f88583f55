/* cst-cell.c — a column view's cell that shows one line of text
 *
 * The lists (requests, the fee report, a bill's lines) show most columns
 * as one label a cell, cut short with an ellipsis where the column is
 * narrower than the text.  The factory sets the label up once per cell
 * and asks the view for the row's text at each bind.
 *
 * The request list, whose texts change at every search keystroke, shows
 * them in line cells instead (cst-line-cell.c: sized by the font, not the
 * text, so a new text costs a redraw and no measuring); its columns have
 * widths of their own.  The lists here keep labels: some of their columns
 * (a bill's lines) are as wide as their texts.
 */
#define G_LOG_DOMAIN "cst-cell"

#include "config.h"

#include "cst-cell.h"
#include "cst-line-cell.h"

typedef struct
{
  guint       column;
  float       xalign;
  gboolean    tooltip;
  CstCellText text;
  gpointer    user_data;
} CellColumn;

/* A one-line label, ellipsized at its end; @xalign 0 for text, 1 for
 * amounts. */
static GtkWidget *
cell_label_new (float xalign)
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
  gtk_list_item_set_child (item, cell_label_new (cell->xalign));
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
 * cst_cell_lines_new:
 * @caption: whether a smaller, dimmed line goes under the first
 *
 * Returns: (transfer floating): an empty cell of one line, or of a line
 *   and its caption, for cst_cell_lines_set_text()
 */
GtkWidget *
cst_cell_lines_new (gboolean caption)
{
  GtkWidget *box, *under;

  if (!caption)
    return cst_line_cell_new (0);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  under = cst_line_cell_new (0);
  gtk_widget_add_css_class (under, "caption");
  gtk_widget_add_css_class (under, "dim-label");
  gtk_box_append (GTK_BOX (box), cst_line_cell_new (0));
  gtk_box_append (GTK_BOX (box), under);
  return box;
}

/**
 * cst_cell_lines_set_text:
 * @cell: from cst_cell_lines_new()
 * @text: (nullable): its first line
 * @caption: (nullable): the line under it, if it has one
 *
 * Shows other texts in the same size: the cell is drawn again, not
 * measured again.
 */
void
cst_cell_lines_set_text (GtkWidget  *cell,
                         const char *text,
                         const char *caption)
{
  if (CST_IS_LINE_CELL (cell))
    {
      cst_line_cell_set_text (CST_LINE_CELL (cell), text);
      return;
    }
  cst_line_cell_set_text (CST_LINE_CELL (gtk_widget_get_first_child (cell)), text);
  cst_line_cell_set_text (CST_LINE_CELL (gtk_widget_get_last_child (cell)), caption);
}

/**
 * cst_cell_factory_new:
 * @column: passed to @text, for a view whose columns share one function
 * @xalign: 0 for text, 1 for amounts
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
