/* cst-listener.h — PostgreSQL LISTEN/NOTIFY delivered on the main loop */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CST_TYPE_LISTENER (cst_listener_get_type ())
G_DECLARE_FINAL_TYPE (CstListener, cst_listener, CST, LISTENER, GObject)

CstListener *cst_listener_new        (const char  *conninfo,
                                      const char  *channel);
void         cst_listener_start      (CstListener *self);
gboolean     cst_listener_is_listening (CstListener *self);

G_END_DECLS
