/* cst-embedded-server.h — the private PostgreSQL cluster used by default */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CST_TYPE_EMBEDDED_SERVER (cst_embedded_server_get_type ())
G_DECLARE_FINAL_TYPE (CstEmbeddedServer, cst_embedded_server, CST, EMBEDDED_SERVER, GObject)

char              *cst_embedded_server_default_dir    (void);
char              *cst_postgresql_bindir              (GError            **error);
CstEmbeddedServer *cst_embedded_server_new            (const char         *data_dir);
const char        *cst_embedded_server_get_data_dir   (CstEmbeddedServer  *self);
gboolean           cst_embedded_server_start          (CstEmbeddedServer  *self,
                                                       GError            **error);
gboolean           cst_embedded_server_stop           (CstEmbeddedServer  *self,
                                                       GError            **error);
gboolean           cst_embedded_server_is_running     (CstEmbeddedServer  *self);
char              *cst_embedded_server_get_owner_conninfo (CstEmbeddedServer *self);
char              *cst_embedded_server_get_conninfo   (CstEmbeddedServer  *self);
gboolean           cst_embedded_server_prepare        (CstEmbeddedServer  *self,
                                                       GError            **error);

G_END_DECLS
