/* cst-first-run-assistant.h — the set-up questions of a first start */
#pragma once

#include <adwaita.h>
#include <custodian/cst-facility.h>

G_BEGIN_DECLS

#define CST_TYPE_FIRST_RUN_ASSISTANT (cst_first_run_assistant_get_type ())
G_DECLARE_FINAL_TYPE (CstFirstRunAssistant, cst_first_run_assistant, CST, FIRST_RUN_ASSISTANT, AdwWindow)

CstFirstRunAssistant *cst_first_run_assistant_new       (GtkWindow            *parent,
                                                         GSettings            *settings);
const char           *cst_first_run_assistant_get_page  (CstFirstRunAssistant *self);
void                  cst_first_run_assistant_use_server (CstFirstRunAssistant *self,
                                                          gboolean              server);
GtkWidget            *cst_first_run_assistant_get_server_form (CstFirstRunAssistant *self);
const char           *cst_first_run_assistant_get_role  (CstFirstRunAssistant *self);
CstFacility          *cst_first_run_assistant_get_facility (CstFirstRunAssistant *self);

G_END_DECLS
