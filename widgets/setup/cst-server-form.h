/* cst-server-form.h — a hospital server login as fields, with a test button */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CST_TYPE_SERVER_FORM (cst_server_form_get_type ())
G_DECLARE_FINAL_TYPE (CstServerForm, cst_server_form, CST, SERVER_FORM, AdwBin)

void        cst_server_form_set_conninfo  (CstServerForm *self,
                                           const char    *conninfo);
char       *cst_server_form_get_conninfo  (CstServerForm *self);
void        cst_server_form_set_password  (CstServerForm *self,
                                           const char    *password);
void        cst_server_form_test          (CstServerForm *self);
gboolean    cst_server_form_get_testing   (CstServerForm *self);
gboolean    cst_server_form_get_verified  (CstServerForm *self);
const char *cst_server_form_get_status    (CstServerForm *self);
const char *cst_server_form_get_found_role (CstServerForm *self);

G_END_DECLS
