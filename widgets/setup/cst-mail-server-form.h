/* cst-mail-server-form.h — the hospital's mail server in Preferences: host,
 * port, TLS, sender, login (the settings) and its password (the keyring) */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CST_TYPE_MAIL_SERVER_FORM (cst_mail_server_form_get_type ())
G_DECLARE_FINAL_TYPE (CstMailServerForm, cst_mail_server_form, CST, MAIL_SERVER_FORM, AdwBin)

void        cst_mail_server_form_bind          (CstMailServerForm *self,
                                                GSettings         *settings);
/* Saves the password typed into the keyring, off the main loop. */
void        cst_mail_server_form_save_password (CstMailServerForm *self);
gboolean    cst_mail_server_form_is_busy       (CstMailServerForm *self);
/* What the last save said, or NULL. */
const char *cst_mail_server_form_get_message   (CstMailServerForm *self);

G_END_DECLS
