/* cst-assistance-policy-dialog.h — the financial-assistance policy, edited and stored */
#pragma once

#include <adwaita.h>
#include <custodian/cst-assistance-repo.h>
#include <custodian/cst-connection.h>

G_BEGIN_DECLS

#define CST_TYPE_ASSISTANCE_POLICY_DIALOG (cst_assistance_policy_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CstAssistancePolicyDialog, cst_assistance_policy_dialog, CST, ASSISTANCE_POLICY_DIALOG,
                      AdwWindow)

CstAssistancePolicyDialog *cst_assistance_policy_dialog_new (GtkWindow     *parent,
                                                             CstConnection *connection);
gboolean   cst_assistance_policy_dialog_is_loading   (CstAssistancePolicyDialog *self);
const CstAssistancePolicyVersion *cst_assistance_policy_dialog_get_version (CstAssistancePolicyDialog *self);
char      *cst_assistance_policy_dialog_get_text     (CstAssistancePolicyDialog *self);
void       cst_assistance_policy_dialog_set_text     (CstAssistancePolicyDialog *self,
                                                      const char                *text);
void       cst_assistance_policy_dialog_set_effective_from (CstAssistancePolicyDialog *self,
                                                            const char                *date);
void       cst_assistance_policy_dialog_store_async  (CstAssistancePolicyDialog *self,
                                                      GAsyncReadyCallback        callback,
                                                      gpointer                   user_data);
gboolean   cst_assistance_policy_dialog_store_finish (CstAssistancePolicyDialog *self,
                                                      GAsyncResult              *result,
                                                      GError                   **error);

G_END_DECLS
