/* cst-keyring.h — the password of a server login, kept out of the settings:
 * in the desktop keyring, or libpq's password file where none runs */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * CstPasswordBackend:
 * @CST_PASSWORD_BACKEND_KEYRING: the desktop keyring (Secret Service, libsecret)
 * @CST_PASSWORD_BACKEND_PGPASS: libpq's password file (~/.pgpass or $PGPASSFILE)
 */
typedef enum
{
  CST_PASSWORD_BACKEND_KEYRING,
  CST_PASSWORD_BACKEND_PGPASS,
} CstPasswordBackend;

/**
 * CstLoginKey:
 *
 * The four things libpq's password file and the keyring entry are keyed
 * on, after libpq's defaults are applied: host ("localhost" for the
 * default socket), port, database and user.
 */
typedef struct
{
  char *host;
  char *port;
  char *dbname;
  char *user;
} CstLoginKey;

CstLoginKey *cst_login_key_new_for_conninfo (const char          *conninfo,
                                             GError             **error);
void         cst_login_key_free             (CstLoginKey         *key);

gboolean     cst_keyring_save               (const char          *conninfo,
                                             const char          *password,
                                             CstPasswordBackend  *used,
                                             GError             **error);
char        *cst_keyring_lookup             (const char          *conninfo,
                                             GError             **error);
gboolean     cst_keyring_forget             (const char          *conninfo,
                                             GError             **error);
gboolean     cst_keyring_is_available       (void);
char        *cst_keyring_get_pgpass_path    (void);

char        *cst_pgpass_escape              (const char          *field);
char       **cst_pgpass_split_line          (const char          *line);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstLoginKey, cst_login_key_free)

G_END_DECLS
