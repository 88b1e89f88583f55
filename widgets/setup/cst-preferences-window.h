/* cst-preferences-window.h — where the data lives, the letterhead, defaults */
#pragma once

#include <adwaita.h>
#include <custodian/cst-connection.h>

G_BEGIN_DECLS

#define CST_TYPE_PREFERENCES_WINDOW (cst_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (CstPreferencesWindow, cst_preferences_window, CST, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

CstPreferencesWindow *cst_preferences_window_new       (GtkWindow            *parent,
                                                        GSettings            *settings);
void                  cst_preferences_window_use_server (CstPreferencesWindow *self,
                                                         gboolean              server);
const char           *cst_preferences_window_get_connection_message (CstPreferencesWindow *self);
void                  cst_preferences_window_set_connection (CstPreferencesWindow *self,
                                                             CstConnection        *connection);

G_END_DECLS
