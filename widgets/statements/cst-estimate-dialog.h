/* cst-estimate-dialog.h — make an estimate or Good Faith Estimate in the app */
#pragma once

#include <adwaita.h>
#include <custodian/cst-connection.h>
#include <custodian/cst-estimate.h>

G_BEGIN_DECLS

#define CST_TYPE_ESTIMATE_DIALOG (cst_estimate_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CstEstimateDialog, cst_estimate_dialog, CST, ESTIMATE_DIALOG, AdwWindow)

CstEstimateDialog *cst_estimate_dialog_new          (GtkWindow         *parent,
                                                     CstConnection     *connection);
gboolean           cst_estimate_dialog_is_loading   (CstEstimateDialog *self);
gboolean           cst_estimate_dialog_add_service  (CstEstimateDialog *self,
                                                     const char        *code,
                                                     gint64             quantity);
gboolean           cst_estimate_dialog_set_coverage (CstEstimateDialog *self,
                                                     const CstEstimateCoverage *coverage);
void               cst_estimate_dialog_set_search   (CstEstimateDialog *self,
                                                     const char        *text);
GListModel        *cst_estimate_dialog_get_results  (CstEstimateDialog *self);
CstEstimate       *cst_estimate_dialog_get_estimate (CstEstimateDialog *self);
const char        *cst_estimate_dialog_get_summary  (CstEstimateDialog *self);
void               cst_estimate_dialog_save_to_async  (CstEstimateDialog  *self,
                                                       GFile              *file,
                                                       GAsyncReadyCallback callback,
                                                       gpointer            user_data);
gboolean           cst_estimate_dialog_save_to_finish (CstEstimateDialog  *self,
                                                       GAsyncResult       *result,
                                                       GError            **error);

G_END_DECLS
