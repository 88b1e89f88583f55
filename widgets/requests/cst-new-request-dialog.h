/* cst-new-request-dialog.h — log a new release-of-information request */
#pragma once

#include <adwaita.h>
#include <custodian/cst-fee-schedule.h>
#include <custodian/cst-request-store.h>

G_BEGIN_DECLS

#define CST_TYPE_NEW_REQUEST_DIALOG (cst_new_request_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CstNewRequestDialog, cst_new_request_dialog, CST, NEW_REQUEST_DIALOG, AdwWindow)

CstNewRequestDialog *cst_new_request_dialog_new         (GtkWindow           *parent,
                                                         CstRequestStore     *store,
                                                         const char          *default_jurisdiction);
void                 cst_new_request_dialog_set_field   (CstNewRequestDialog *self,
                                                         const char          *property,
                                                         const char          *text);
void                 cst_new_request_dialog_set_purpose_code (CstNewRequestDialog *self,
                                                              CstFeePurpose        purpose);
const char          *cst_new_request_dialog_get_error   (CstNewRequestDialog *self);
gboolean             cst_new_request_dialog_field_has_error (CstNewRequestDialog *self,
                                                             const char          *property);

G_END_DECLS
