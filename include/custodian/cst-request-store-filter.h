/* cst-request-store-filter.h — the rows of the request list a search and a
 * scope leave, as a list model */
#pragma once

#include <gio/gio.h>

#include "custodian/cst-request.h"
#include "custodian/cst-request-rows.h"

G_BEGIN_DECLS

/* Whether @request belongs in the list at all (the window's scope: open,
 * at risk, closed …), before the search words are looked at. */
typedef gboolean (*CstRequestKeepFunc) (CstRequest *request,
                                        gpointer    user_data);

/* The same test on row @position of a CstRequestStore's rows, without
 * an object (cst_request_store_get_rows()). */
typedef gboolean (*CstRequestRowKeepFunc) (CstRequestRows *rows,
                                           guint           position,
                                           gpointer        user_data);

#define CST_TYPE_REQUEST_STORE_FILTER (cst_request_store_filter_get_type ())
G_DECLARE_FINAL_TYPE (CstRequestStoreFilter, cst_request_store_filter, CST, REQUEST_STORE_FILTER, GObject)

CstRequestStoreFilter *cst_request_store_filter_new       (GListModel            *model);
void                   cst_request_store_filter_set_model (CstRequestStoreFilter *self,
                                                           GListModel            *model);
void                   cst_request_store_filter_set_keep  (CstRequestStoreFilter *self,
                                                           CstRequestKeepFunc     keep,
                                                           gpointer               user_data);
void                   cst_request_store_filter_set_keep_full (CstRequestStoreFilter *self,
                                                               CstRequestKeepFunc     keep,
                                                               CstRequestRowKeepFunc  keep_row,
                                                               gpointer               user_data);
gboolean               cst_request_store_filter_find (CstRequestStoreFilter *self,
                                                      CstRequest            *request,
                                                      guint                 *position);
void                   cst_request_store_filter_set_search (CstRequestStoreFilter *self,
                                                            const char            *text);
void                   cst_request_store_filter_refilter  (CstRequestStoreFilter *self);
guint                  cst_request_store_filter_get_n_scanned (CstRequestStoreFilter *self);

G_END_DECLS
