/* cst-authorization-checklist.h — a request's HIPAA authorization, element
 * by element */
#pragma once

#include <adwaita.h>
#include <custodian/cst-authorization.h>
#include <custodian/cst-connection.h>
#include <custodian/cst-request.h>

G_BEGIN_DECLS

#define CST_TYPE_AUTHORIZATION_CHECKLIST (cst_authorization_checklist_get_type ())
G_DECLARE_FINAL_TYPE (CstAuthorizationChecklist, cst_authorization_checklist,
                      CST, AUTHORIZATION_CHECKLIST, GtkWidget)

void        cst_authorization_checklist_set_connection (CstAuthorizationChecklist *self,
                                                        CstConnection             *connection);
void        cst_authorization_checklist_set_request    (CstAuthorizationChecklist *self,
                                                        CstRequest                *request);
void        cst_authorization_checklist_reload         (CstAuthorizationChecklist *self);
gboolean    cst_authorization_checklist_is_required    (CstAuthorizationChecklist *self);
gboolean    cst_authorization_checklist_is_loaded      (CstAuthorizationChecklist *self);
gboolean    cst_authorization_checklist_is_busy        (CstAuthorizationChecklist *self);
gboolean    cst_authorization_checklist_is_complete    (CstAuthorizationChecklist *self);
char       *cst_authorization_checklist_dup_blocking_text (CstAuthorizationChecklist *self);
const char *cst_authorization_checklist_get_message    (CstAuthorizationChecklist *self);
guint       cst_authorization_checklist_get_n_items    (CstAuthorizationChecklist *self);
const CstAuthorizationItem *
            cst_authorization_checklist_get_item       (CstAuthorizationChecklist *self,
                                                        guint                      index);
GtkWidget  *cst_authorization_checklist_get_row        (CstAuthorizationChecklist *self,
                                                        const char                *code);
void        cst_authorization_checklist_set_finding    (CstAuthorizationChecklist *self,
                                                        const char                *code,
                                                        CstAuthorizationFinding    finding);

G_END_DECLS
