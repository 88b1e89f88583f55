/* cst-request-store.h — the live list of requests the window shows */
#pragma once

#include <gio/gio.h>

#include "custodian/cst-connection.h"
#include "custodian/cst-request.h"
#include "custodian/cst-request-rows.h"

G_BEGIN_DECLS

#define CST_TYPE_REQUEST_STORE (cst_request_store_get_type ())
G_DECLARE_FINAL_TYPE (CstRequestStore, cst_request_store, CST, REQUEST_STORE, GObject)

CstRequestStore *cst_request_store_new             (CstConnection       *connection);
CstConnection   *cst_request_store_get_connection  (CstRequestStore     *self);
void             cst_request_store_watch           (CstRequestStore     *self);
gboolean         cst_request_store_get_loading     (CstRequestStore     *self);
gboolean         cst_request_store_get_watching    (CstRequestStore     *self);
guint            cst_request_store_get_n_pending_saves (CstRequestStore *self);
gboolean         cst_request_store_has_pending_save    (CstRequestStore *self,
                                                        gint64           id);
CstRequest      *cst_request_store_lookup          (CstRequestStore     *self,
                                                    gint64               id);
gboolean         cst_request_store_find            (CstRequestStore     *self,
                                                    CstRequest          *request,
                                                    guint               *position);
CstRequestRows  *cst_request_store_get_rows        (CstRequestStore     *self);
guint            cst_request_store_get_n_objects   (CstRequestStore     *self);
void             cst_request_store_set_closed_days (CstRequestStore     *self,
                                                    guint                days);
gboolean         cst_request_store_get_closed_cutoff (CstRequestStore   *self,
                                                      GDate             *cutoff);

void             cst_request_store_load_async      (CstRequestStore     *self,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean         cst_request_store_load_finish     (CstRequestStore     *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

void             cst_request_store_search_closed_async  (CstRequestStore     *self,
                                                         const char          *text,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gssize           cst_request_store_search_closed_finish (CstRequestStore     *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);

void             cst_request_store_fetch_async     (CstRequestStore     *self,
                                                    gint64               id,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
void             cst_request_store_create_async    (CstRequestStore     *self,
                                                    CstRequest          *draft,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
void             cst_request_store_save_async      (CstRequestStore     *self,
                                                    CstRequest          *edited,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
void             cst_request_store_move_async      (CstRequestStore     *self,
                                                    CstRequest          *request,
                                                    CstRequestStatus     to,
                                                    const char          *reason,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
void             cst_request_store_extend_async    (CstRequestStore     *self,
                                                    CstRequest          *request,
                                                    const GDate         *on,
                                                    const char          *reason,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
void             cst_request_store_release_async   (CstRequestStore     *self,
                                                    CstRequest          *request,
                                                    const char          *language,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
CstRequest      *cst_request_store_change_finish   (CstRequestStore     *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

G_END_DECLS
