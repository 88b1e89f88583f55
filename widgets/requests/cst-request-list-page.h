/* cst-request-list-page.h — the searchable, filterable list of requests */
#pragma once

#include <gtk/gtk.h>
#include <custodian/cst-request-store.h>
#include <custodian/cst-request.h>

G_BEGIN_DECLS

typedef enum
{
  CST_LIST_SCOPE_OPEN,
  CST_LIST_SCOPE_AT_RISK,   /* due soon or overdue: within 5 days of the legal deadline, or past it */
  CST_LIST_SCOPE_DUE_SOON,
  CST_LIST_SCOPE_OVERDUE,
  CST_LIST_SCOPE_CLOSED,
  CST_LIST_SCOPE_ALL,
} CstListScope;

#define CST_TYPE_REQUEST_LIST_PAGE (cst_request_list_page_get_type ())
G_DECLARE_FINAL_TYPE (CstRequestListPage, cst_request_list_page, CST, REQUEST_LIST_PAGE, GtkWidget)

void        cst_request_list_page_set_store     (CstRequestListPage *self,
                                                 CstRequestStore    *store);
CstRequest *cst_request_list_page_get_selected  (CstRequestListPage *self);
void        cst_request_list_page_select        (CstRequestListPage *self,
                                                 CstRequest         *request);
void        cst_request_list_page_set_search    (CstRequestListPage *self,
                                                 const char         *text);
void        cst_request_list_page_set_scope     (CstRequestListPage *self,
                                                 CstListScope        scope);
void        cst_request_list_page_focus_search  (CstRequestListPage *self);
GListModel *cst_request_list_page_get_visible   (CstRequestListPage *self);
gboolean    cst_request_list_page_is_filtering  (CstRequestListPage *self);
guint       cst_request_list_page_count_scope   (CstRequestListPage *self,
                                                 CstListScope        scope);

const char *cst_request_list_page_get_facility_code (CstRequestListPage *self);

guint       cst_request_list_page_get_n_cells_made (void);

G_END_DECLS
