/* cst-keep-place.h — the clerk's place in a scrolled view while its content changes */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void cst_keep_place         (GtkWidget *changing);
void cst_keep_place_release (GtkWidget *inside);

G_END_DECLS
