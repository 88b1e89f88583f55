/* cst-line-cell.h — a list cell of one line of text, sized without its text */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CST_TYPE_LINE_CELL (cst_line_cell_get_type ())
G_DECLARE_FINAL_TYPE (CstLineCell, cst_line_cell, CST, LINE_CELL, GtkWidget)

GtkWidget   *cst_line_cell_new        (float        xalign);
void         cst_line_cell_set_text   (CstLineCell *self,
                                       const char  *text);
const char  *cst_line_cell_get_text   (CstLineCell *self);
void         cst_line_cell_set_width_chars (CstLineCell *self,
                                            int          width_chars);
PangoLayout *cst_line_cell_get_layout (CstLineCell *self);

G_END_DECLS
