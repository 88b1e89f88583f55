/* cst-cell.h — a column view's cell that shows one line of text (or two) */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The cell's text for @item's row in @column (transfer full); NULL leaves
 * the cell as it is. */
typedef char *(*CstCellText) (GtkListItem *item,
                              guint        column,
                              gpointer     user_data);

GtkWidget          *cst_cell_lines_new      (gboolean     caption);
void                cst_cell_lines_set_text (GtkWidget   *cell,
                                             const char  *text,
                                             const char  *caption);
GtkListItemFactory *cst_cell_factory_new (guint        column,
                                          float        xalign,
                                          gboolean     tooltip,
                                          CstCellText  text,
                                          gpointer     user_data);

G_END_DECLS
