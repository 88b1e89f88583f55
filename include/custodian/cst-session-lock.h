/* cst-session-lock.h — signing in again at the idle lock: the database
 * password, or the computer account's password where the database asks
 * for none */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The PAM service the account check uses (data/pam/custodian). */
#define CST_SESSION_LOCK_PAM_SERVICE "custodian"

gboolean cst_session_lock_check_account (const char          *password,
                                         GError             **error);
gboolean cst_session_lock_check         (const char          *conninfo,
                                         const char          *password,
                                         GError             **error);
void     cst_session_lock_check_async   (const char          *conninfo,
                                         const char          *password,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean cst_session_lock_check_finish  (GAsyncResult        *result,
                                         GError             **error);

G_END_DECLS
