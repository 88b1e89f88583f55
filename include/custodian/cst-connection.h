/* cst-connection.h — one database connection with its own worker thread */
#pragma once

#include <gio/gio.h>
#include "custodian/cst-db-types.h"

G_BEGIN_DECLS

#define CST_TYPE_CONNECTION (cst_connection_get_type ())
G_DECLARE_FINAL_TYPE (CstConnection, cst_connection, CST, CONNECTION, GObject)

/**
 * CstConnectionFunc:
 * @conn: the connection, owned by the worker thread for the call's duration
 * @data: the caller's data
 * @error: where to put a failure
 *
 * Blocking database work, run on the connection's worker thread.
 *
 * Returns: the result handed to the callback (NULL with @error set on failure)
 */
typedef gpointer (*CstConnectionFunc) (PGconn   *conn,
                                       gpointer  data,
                                       GError  **error);

CstConnection *cst_connection_new          (const char          *conninfo);
CstConnection *cst_connection_new_for_reading (const char       *conninfo,
                                               const char       *primary_conninfo);
gboolean       cst_connection_get_reading  (CstConnection       *self);
const char    *cst_connection_get_primary_conninfo (CstConnection *self);
const char    *cst_connection_get_conninfo (CstConnection       *self);
gboolean       cst_connection_get_online   (CstConnection       *self);
void           cst_connection_run_async    (CstConnection       *self,
                                            CstConnectionFunc    func,
                                            gpointer             data,
                                            GDestroyNotify       data_free,
                                            GDestroyNotify       result_free,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gpointer       cst_connection_run_finish   (CstConnection       *self,
                                            GAsyncResult        *result,
                                            GError             **error);

G_END_DECLS
