/* cst-release-forms.h — what release needs on record: a "no records"
 * search and its second person's sign-off, and, asked for in Release's
 * confirmation, what was withheld and why and the format and delivery
 * proof */
#pragma once

#include <adwaita.h>
#include <custodian/cst-connection.h>
#include <custodian/cst-request.h>

G_BEGIN_DECLS

#define CST_TYPE_RELEASE_FORMS (cst_release_forms_get_type ())
G_DECLARE_FINAL_TYPE (CstReleaseForms, cst_release_forms, CST, RELEASE_FORMS, GtkWidget)

void        cst_release_forms_set_connection (CstReleaseForms *self,
                                              CstConnection   *connection);
void        cst_release_forms_set_request    (CstReleaseForms *self,
                                              CstRequest      *request);
gboolean    cst_release_forms_is_idle        (CstReleaseForms *self);
const char *cst_release_forms_get_message    (CstReleaseForms *self);
const char *cst_release_forms_get_no_records_status (CstReleaseForms *self);
const char *cst_release_forms_get_delivery_status   (CstReleaseForms *self);
gboolean    cst_release_forms_can_record_delivery   (CstReleaseForms *self);
guint       cst_release_forms_get_n_withheld (CstReleaseForms *self);
/* As if typed into the row titled by @field ("systems", "from", "to",
 * "locations", "withheld-description", "format-name", "mismatch-reason",
 * "tracking-number", "message-id", "pickup-by", "pickup-on"). */
void        cst_release_forms_set_field      (CstReleaseForms *self,
                                              const char      *field,
                                              const char      *text);
void        cst_release_forms_set_choice     (CstReleaseForms *self,
                                              const char      *field,
                                              guint            index);
void        cst_release_forms_answer_no_records (CstReleaseForms *self,
                                                 const char      *reason);
GtkWindow  *cst_release_forms_confirm_release   (CstReleaseForms *self);

G_END_DECLS
