/* cst-dispose.h — what every view does when it goes away, or its subject changes */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void cst_dispose_cancel   (GCancellable **cancellable);
void cst_dispose_renew    (GCancellable **cancellable);
void cst_dispose_template (GtkWidget     *widget,
                           GType          widget_type);
void cst_dispose_chooser  (GtkFileChooserNative **chooser);

G_END_DECLS
