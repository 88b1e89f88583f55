/* cst-request-safeguards.h — a request's two clocks, repeat escalation and
 * representative's authority */
#pragma once

#include <adwaita.h>
#include <custodian/cst-connection.h>
#include <custodian/cst-representative.h>
#include <custodian/cst-request.h>

G_BEGIN_DECLS

#define CST_TYPE_REQUEST_SAFEGUARDS (cst_request_safeguards_get_type ())
G_DECLARE_FINAL_TYPE (CstRequestSafeguards, cst_request_safeguards, CST, REQUEST_SAFEGUARDS, GtkWidget)

void        cst_request_safeguards_set_connection (CstRequestSafeguards *self,
                                                   CstConnection        *connection);
void        cst_request_safeguards_set_request    (CstRequestSafeguards *self,
                                                   CstRequest           *request);
void        cst_request_safeguards_reload         (CstRequestSafeguards *self);
gboolean    cst_request_safeguards_is_loaded      (CstRequestSafeguards *self);
char       *cst_request_safeguards_dup_blocking_text (CstRequestSafeguards *self);
const char *cst_request_safeguards_get_legal_text   (CstRequestSafeguards *self);
const char *cst_request_safeguards_get_legal_rule_text (CstRequestSafeguards *self);
const char *cst_request_safeguards_get_service_text (CstRequestSafeguards *self);
const char *cst_request_safeguards_get_repeat_text  (CstRequestSafeguards *self);
const char *cst_request_safeguards_get_representative_text (CstRequestSafeguards *self);
const char *cst_request_safeguards_get_message      (CstRequestSafeguards *self);
void        cst_request_safeguards_record_representative (CstRequestSafeguards       *self,
                                                          CstRepresentativeAuthority  authority,
                                                          const char                 *document,
                                                          const char                 *valid_until);

G_END_DECLS
