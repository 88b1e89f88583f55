/* cst-legal-process-group.h — a third party's request entered as legal
 * process, with the checklist that must be on file before release */
#pragma once

#include <adwaita.h>
#include <custodian/cst-connection.h>
#include <custodian/cst-legal-process.h>
#include <custodian/cst-request.h>

G_BEGIN_DECLS

#define CST_TYPE_LEGAL_PROCESS_GROUP (cst_legal_process_group_get_type ())
G_DECLARE_FINAL_TYPE (CstLegalProcessGroup, cst_legal_process_group, CST, LEGAL_PROCESS_GROUP, AdwBin)

void                   cst_legal_process_group_set_connection (CstLegalProcessGroup *self,
                                                               CstConnection        *connection);
/* Shown for a third party's request only; loads its legal process. */
void                   cst_legal_process_group_set_request    (CstLegalProcessGroup *self,
                                                               CstRequest           *request);
void                   cst_legal_process_group_reload         (CstLegalProcessGroup *self);
gboolean               cst_legal_process_group_is_busy        (CstLegalProcessGroup *self);
/* The legal process as the server last said, or NULL before it answered. */
const CstLegalProcess *cst_legal_process_group_get_process    (CstLegalProcessGroup *self);
/* What the group says under the choice: what keeps the release waiting,
 * or that nothing does; a failure's message. */
const char            *cst_legal_process_group_get_status     (CstLegalProcessGroup *self);
/* As the clerk fills the form and presses Save. */
void                   cst_legal_process_group_enter          (CstLegalProcessGroup *self,
                                                               CstLegalProcessKind   kind,
                                                               const char           *issuer,
                                                               const char           *case_number,
                                                               gboolean              part2_records);
/* As the clerk ticks or clears an element's box. */
void                   cst_legal_process_group_set_on_file    (CstLegalProcessGroup *self,
                                                               const char           *code,
                                                               gboolean              on_file);
/* The check box of element @code, or NULL. */
GtkWidget             *cst_legal_process_group_get_check      (CstLegalProcessGroup *self,
                                                               const char           *code);

G_END_DECLS
