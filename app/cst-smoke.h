/* cst-smoke.h — the README's first command checking itself
 * (CUSTODIAN_SMOKE_SCREENSHOT) */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

gboolean cst_smoke_requested       (void);
void     cst_smoke_start           (GApplication  *application);
void     cst_smoke_watch           (GtkWidget     *window,
                                    GListModel    *visible);
void     cst_smoke_fail            (const char    *what,
                                    const char    *message);
int      cst_smoke_status          (void);
gboolean cst_widget_save_png       (GtkWidget     *widget,
                                    const char    *path,
                                    GError       **error);

G_END_DECLS
