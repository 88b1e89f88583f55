/* cst-window.h — the main window */
#pragma once

#include <adwaita.h>
#include <custodian/custodian.h>

G_BEGIN_DECLS

#define CST_TYPE_WINDOW (cst_window_get_type ())
G_DECLARE_FINAL_TYPE (CstWindow, cst_window, CST, WINDOW, AdwApplicationWindow)

CstWindow *cst_window_new           (GtkApplication  *application);
void       cst_window_set_store     (CstWindow       *self,
                                     CstRequestStore *store);
CstRequestStore *cst_window_get_store (CstWindow     *self);
void       cst_window_show_loading  (CstWindow       *self,
                                     const char      *message);
void       cst_window_show_error    (CstWindow       *self,
                                     const char      *title,
                                     const char      *message);
void       cst_window_toast         (CstWindow       *self,
                                     const char      *message);
GtkWidget *cst_window_get_list_page (CstWindow       *self);
GtkWidget *cst_window_get_detail    (CstWindow       *self);
GtkWidget *cst_window_get_counts_label (CstWindow    *self);
guint      cst_window_get_n_states_counted (CstWindow *self);
GtkWindow *cst_window_open_new_request (CstWindow    *self);
void       cst_window_lock          (CstWindow       *self);
gboolean   cst_window_is_locked     (CstWindow       *self);
void       cst_window_unlock        (CstWindow       *self,
                                     const char      *password);
const char *cst_window_get_unlock_error (CstWindow   *self);
void       cst_window_show_view     (CstWindow       *self,
                                     const char      *name);
gboolean   cst_window_open_request  (CstWindow       *self,
                                     gint64           request_id);

G_END_DECLS
