/* cst-test-gui.h — what the widget tests share: waiting on the main loop
 * for a condition, and a real main window over a loaded request store */
#pragma once

#include "cst-test-async.h"
#include "cst-test-db.h"
#include <adwaita.h>

#include "cst-window.h"

G_BEGIN_DECLS

void       cst_test_gui_init           (int              *argc,
                                        char           ***argv);

gboolean   cst_test_gui_wait_until     (CstTestCondition  done,
                                        gpointer          data);
void          cst_test_gui_keep_result (GObject      *source,
                                        GAsyncResult *result,
                                        gpointer      slot);
GAsyncResult *cst_test_gui_wait_result (GAsyncResult **slot);
gboolean   cst_test_gui_store_loaded   (gpointer          store);
gboolean   cst_test_gui_window_shown   (gpointer          widget);
gboolean   cst_test_gui_filter_settled (gpointer          list_page);
gboolean   cst_test_gui_details_shown  (gpointer          detail);
CstWindow *cst_test_gui_open_window    (const char       *conninfo,
                                        CstRequestStore **store);
CstWindow *cst_test_gui_open_window_as (CstTestDb        *db,
                                        const char       *group_role,
                                        CstRequestStore **store);
void       cst_test_gui_close_window   (CstWindow       **window,
                                        CstRequestStore **store);
CstWindow *cst_test_gui_open_password_window (CstTestDb        *db,
                                              CstRequestStore **store);
gboolean   cst_test_gui_unlocked       (gpointer          window);
gboolean   cst_test_gui_unlock_refused (gpointer          window);
void       cst_test_gui_lock           (CstWindow        *window);
void       cst_test_gui_assert_refused (CstWindow        *window,
                                        GtkWidget        *list_page,
                                        const char       *password);
GtkWidget *cst_test_gui_find_descendant (GtkWidget       *widget,
                                         GType            type);
char      *cst_test_gui_collect_text   (GtkWidget        *root);
const char *cst_test_gui_shown_text    (GtkWidget        *widget);
GtkWidget        *cst_test_gui_find_button    (GtkWidget        *widget,
                                               const char       *label);
AdwMessageDialog *cst_test_gui_message_dialog (GtkWindow        *parent);
void              cst_test_gui_respond        (AdwMessageDialog *dialog,
                                               const char       *label);

G_END_DECLS
