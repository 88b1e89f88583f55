/* cst-keyring-mail.h — the mail server login's password, kept in the
 * desktop keyring, never in the settings (issue 20) */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Blocking (D-Bus): the CLI and worker threads. */
gboolean cst_keyring_mail_save   (const char  *host,
                                  guint        port,
                                  const char  *user,
                                  const char  *password,
                                  GError     **error);
/* The password kept for the login, or NULL with @error set: no keyring,
 * or nothing kept for it. */
char    *cst_keyring_mail_lookup (const char  *host,
                                  guint        port,
                                  const char  *user,
                                  GError     **error);
gboolean cst_keyring_mail_forget (const char  *host,
                                  guint        port,
                                  const char  *user,
                                  GError     **error);

/* cst_keyring_mail_save() on a thread of its own, for a window. */
void     cst_keyring_mail_save_async  (const char          *host,
                                       guint                port,
                                       const char          *user,
                                       const char          *password,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
gboolean cst_keyring_mail_save_finish (GAsyncResult        *result,
                                       GError             **error);

G_END_DECLS
