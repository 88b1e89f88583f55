/* cst-redaction-layer.h — the redaction boxes over a page opened large,
 * a new box drawn with the mouse or the keyboard, and words selected by
 * dragging across them */
#pragma once

#include <gtk/gtk.h>
#include <custodian/cst-redaction.h>

G_BEGIN_DECLS

#define CST_TYPE_REDACTION_LAYER (cst_redaction_layer_get_type ())
G_DECLARE_FINAL_TYPE (CstRedactionLayer, cst_redaction_layer, CST, REDACTION_LAYER, GtkWidget)

GtkWidget *cst_redaction_layer_new          (void);
void       cst_redaction_layer_set_page     (CstRedactionLayer     *self,
                                             double                 page_width,
                                             double                 page_height);
void       cst_redaction_layer_set_marks    (CstRedactionLayer     *self,
                                             GPtrArray             *redactions);
void       cst_redaction_layer_set_selected (CstRedactionLayer     *self,
                                             gint64                 redaction_id);
gboolean   cst_redaction_layer_start_box    (CstRedactionLayer     *self);
gboolean   cst_redaction_layer_get_drawing  (CstRedactionLayer     *self,
                                             CstRedactionBox       *box);
void       cst_redaction_layer_set_words    (CstRedactionLayer     *self,
                                             GArray                *words);
GArray    *cst_redaction_layer_get_words    (CstRedactionLayer     *self);
gboolean   cst_redaction_layer_select_words (CstRedactionLayer     *self,
                                             double                 x1,
                                             double                 y1,
                                             double                 x2,
                                             double                 y2);
void       cst_redaction_layer_drag         (CstRedactionLayer     *self,
                                             double                 x,
                                             double                 y,
                                             double                 width,
                                             double                 height);

G_END_DECLS
