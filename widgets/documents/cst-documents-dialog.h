/* cst-documents-dialog.h — preview, save and print a request's documents */
#pragma once

#include <adwaita.h>
#include <custodian/cst-connection.h>
#include <custodian/cst-document.h>
#include <custodian/cst-request.h>

G_BEGIN_DECLS

#define CST_TYPE_DOCUMENTS_DIALOG (cst_documents_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CstDocumentsDialog, cst_documents_dialog, CST, DOCUMENTS_DIALOG, AdwWindow)

CstDocumentsDialog *cst_documents_dialog_new      (GtkWindow          *parent,
                                                   CstConnection      *connection,
                                                   CstRequest         *request);
void                cst_documents_dialog_show_kind (CstDocumentsDialog *self,
                                                    CstDocumentKind     kind);
GtkWidget          *cst_documents_dialog_get_preview (CstDocumentsDialog *self);
const char         *cst_documents_dialog_get_message (CstDocumentsDialog *self);
gboolean            cst_documents_dialog_is_rendering (CstDocumentsDialog *self);
void                cst_documents_dialog_save_to   (CstDocumentsDialog *self,
                                                    GFile              *file);

G_END_DECLS
