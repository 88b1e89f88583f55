/* cst-statement-workbench.h — design a plain-language statement from an itemized bill */
#pragma once

#include <adwaita.h>
#include <custodian/cst-assistance-repo.h>
#include <custodian/cst-connection.h>
#include <custodian/cst-facility.h>
#include <custodian/cst-statement.h>

G_BEGIN_DECLS

#define CST_TYPE_STATEMENT_WORKBENCH (cst_statement_workbench_get_type ())
G_DECLARE_FINAL_TYPE (CstStatementWorkbench, cst_statement_workbench, CST, STATEMENT_WORKBENCH, AdwWindow)

CstStatementWorkbench *cst_statement_workbench_new          (GtkWindow             *parent);
void                   cst_statement_workbench_import_file_async  (CstStatementWorkbench *self,
                                                                   GFile                 *file,
                                                                   GCancellable          *cancellable,
                                                                   GAsyncReadyCallback    callback,
                                                                   gpointer               user_data);
gboolean               cst_statement_workbench_import_file_finish (CstStatementWorkbench *self,
                                                                   GAsyncResult          *result,
                                                                   GError               **error);
void                   cst_statement_workbench_set_section  (CstStatementWorkbench *self,
                                                             CstStatementSection    section,
                                                             gboolean               shown);
void                   cst_statement_workbench_set_connection (CstStatementWorkbench *self,
                                                               CstConnection         *connection);
void                   cst_statement_workbench_set_facility (CstStatementWorkbench *self,
                                                             const CstFacility     *facility);
void                   cst_statement_workbench_set_facility_code (CstStatementWorkbench *self,
                                                                  const char            *code);
const CstFacility     *cst_statement_workbench_get_facility (CstStatementWorkbench *self);
const CstAssistancePolicyVersion *cst_statement_workbench_get_policy (CstStatementWorkbench *self);
void                   cst_statement_workbench_move_section (CstStatementWorkbench *self,
                                                             CstStatementSection    section,
                                                             int                    delta);
const CstStatementSection *cst_statement_workbench_get_section_order (CstStatementWorkbench *self);
void                   cst_statement_workbench_set_language (CstStatementWorkbench *self,
                                                             const char            *language);
void                   cst_statement_workbench_set_wording  (CstStatementWorkbench *self,
                                                             const char            *key,
                                                             const char            *text);
CstStatementTemplate  *cst_statement_workbench_get_template (CstStatementWorkbench *self);
gboolean               cst_statement_workbench_has_unsaved_changes (CstStatementWorkbench *self);
void                   cst_statement_workbench_export_batch (CstStatementWorkbench *self,
                                                             GListModel            *bills,
                                                             GFile                 *folder);
void                   cst_statement_workbench_cancel_batch (CstStatementWorkbench *self);
void                   cst_statement_workbench_export_to    (CstStatementWorkbench *self,
                                                             GFile                 *file);
gboolean               cst_statement_workbench_is_exporting (CstStatementWorkbench *self);
const char            *cst_statement_workbench_get_batch_report (CstStatementWorkbench *self);
const char            *cst_statement_workbench_get_batch_summary (CstStatementWorkbench *self);
const char            *cst_statement_workbench_get_metrics_text (CstStatementWorkbench *self);
GListModel            *cst_statement_workbench_get_wording_choices (CstStatementWorkbench *self);
CstStatement          *cst_statement_workbench_get_statement (CstStatementWorkbench *self);
GtkWidget             *cst_statement_workbench_get_preview  (CstStatementWorkbench *self);
guint                  cst_statement_workbench_get_renders  (CstStatementWorkbench *self);
gboolean               cst_statement_workbench_is_rendering (CstStatementWorkbench *self);
void                   cst_statement_workbench_select_category (CstStatementWorkbench *self,
                                                                guint                  index);
guint                  cst_statement_workbench_count_highlighted (CstStatementWorkbench *self);
GtkWidget             *cst_statement_workbench_get_category_row (CstStatementWorkbench *self,
                                                                 guint                  index);
void                   cst_statement_workbench_load_remittance_async  (CstStatementWorkbench *self,
                                                                       GFile                 *file,
                                                                       GAsyncReadyCallback    callback,
                                                                       gpointer               user_data);
gboolean               cst_statement_workbench_load_remittance_finish (CstStatementWorkbench *self,
                                                                       GAsyncResult          *result,
                                                                       GError               **error);
void                   cst_statement_workbench_load_estimate_async    (CstStatementWorkbench *self,
                                                                       GFile                 *file,
                                                                       GAsyncReadyCallback    callback,
                                                                       gpointer               user_data);
gboolean               cst_statement_workbench_load_estimate_finish   (CstStatementWorkbench *self,
                                                                       GAsyncResult          *result,
                                                                       GError               **error);
GtkWindow             *cst_statement_workbench_new_estimate (CstStatementWorkbench *self);
GtkWindow             *cst_statement_workbench_edit_policy (CstStatementWorkbench *self);
gboolean               cst_statement_workbench_screen (CstStatementWorkbench *self,
                                                       guint                  household_size,
                                                       gint64                 income_cents);
const char            *cst_statement_workbench_get_screening_text (CstStatementWorkbench *self);
void                   cst_statement_workbench_issue_pay_link_async   (CstStatementWorkbench *self,
                                                                       GAsyncReadyCallback    callback,
                                                                       gpointer               user_data);
gboolean               cst_statement_workbench_issue_pay_link_finish  (CstStatementWorkbench *self,
                                                                       GAsyncResult          *result,
                                                                       GError               **error);

G_END_DECLS
