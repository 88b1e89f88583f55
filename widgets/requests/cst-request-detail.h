/* cst-request-detail.h — view and edit one request, and move it along */
#pragma once

#include <adwaita.h>
#include <custodian/cst-request-store.h>
#include <custodian/cst-fee-schedule.h>
#include <custodian/cst-request.h>

G_BEGIN_DECLS

#define CST_TYPE_REQUEST_DETAIL (cst_request_detail_get_type ())
G_DECLARE_FINAL_TYPE (CstRequestDetail, cst_request_detail, CST, REQUEST_DETAIL, GtkWidget)

void        cst_request_detail_set_store    (CstRequestDetail *self,
                                             CstRequestStore  *store);
void        cst_request_detail_set_request  (CstRequestDetail *self,
                                             CstRequest       *request);
CstRequest *cst_request_detail_get_request  (CstRequestDetail *self);
gboolean    cst_request_detail_get_dirty    (CstRequestDetail *self);
GtkWidget  *cst_request_detail_get_fee_panel (CstRequestDetail *self);
GtkWidget  *cst_request_detail_get_checklist (CstRequestDetail *self);
GtkWidget  *cst_request_detail_get_safeguards (CstRequestDetail *self);
GtkWidget  *cst_request_detail_get_release_forms (CstRequestDetail *self);
GtkWidget  *cst_request_detail_get_extend_button (CstRequestDetail *self);
const char *cst_request_detail_get_advance_hint (CstRequestDetail *self);
GListModel *cst_request_detail_get_history (CstRequestDetail *self);
GtkAdjustment *cst_request_detail_get_vadjustment (CstRequestDetail *self);
void        cst_request_detail_export_evidence (CstRequestDetail *self,
                                                GFile            *pdf);
gboolean    cst_request_detail_get_exporting (CstRequestDetail *self);
const char *cst_request_detail_get_evidence_message (CstRequestDetail *self);
void        cst_request_detail_set_page_count (CstRequestDetail *self,
                                               int               pages);
void         cst_request_detail_set_purpose_code (CstRequestDetail *self,
                                                  CstFeePurpose     purpose);

G_END_DECLS
