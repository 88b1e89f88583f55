/* cst-server-login.h — a hospital server login: its fields, and a test
 * connection whose failure is explained in plain words */
#pragma once

#include <gio/gio.h>

#include "custodian/cst-keyring.h"

G_BEGIN_DECLS

/**
 * CstServerLogin:
 *
 * The parts of a connection string the set-up screens show as fields.
 * NULL or empty means libpq's default.  Never a password: that goes to
 * cst_keyring_save().
 */
typedef struct
{
  char *host;
  char *port;
  char *dbname;
  char *user;
  char *sslmode;
  char *sslrootcert;
} CstServerLogin;

CstServerLogin *cst_server_login_new            (void);
CstServerLogin *cst_server_login_new_from_conninfo (const char            *conninfo,
                                                    GError               **error);
void            cst_server_login_free           (CstServerLogin        *login);
char           *cst_server_login_to_conninfo    (const CstServerLogin  *login);

#define CST_CONNECTION_PROBLEM (cst_connection_problem_quark ())

/**
 * CstConnectionProblem:
 * @CST_CONNECTION_PROBLEM_PASSWORD: the password was wrong or missing
 * @CST_CONNECTION_PROBLEM_UNREACHABLE: no server answered at that address
 * @CST_CONNECTION_PROBLEM_TLS: the secure connection could not be set up
 * @CST_CONNECTION_PROBLEM_NO_DATABASE: the server has no such database
 * @CST_CONNECTION_PROBLEM_NO_LOGIN: the server does not know or admit this user
 * @CST_CONNECTION_PROBLEM_NOT_SET_UP: the database has no Custodian tables
 * @CST_CONNECTION_PROBLEM_OTHER: anything else
 */
typedef enum
{
  CST_CONNECTION_PROBLEM_PASSWORD,
  CST_CONNECTION_PROBLEM_UNREACHABLE,
  CST_CONNECTION_PROBLEM_TLS,
  CST_CONNECTION_PROBLEM_NO_DATABASE,
  CST_CONNECTION_PROBLEM_NO_LOGIN,
  CST_CONNECTION_PROBLEM_NOT_SET_UP,
  CST_CONNECTION_PROBLEM_OTHER,
} CstConnectionProblem;

GQuark               cst_connection_problem_quark    (void);
CstConnectionProblem cst_connection_problem_classify (const char            *libpq_message,
                                                      gboolean               needs_password);
const char          *cst_connection_problem_explain  (CstConnectionProblem   problem);

/**
 * CstLoginCheck:
 * @role: the Custodian group role the login belongs to ("custodian_clerk"…),
 *   or NULL when it belongs to none
 * @description: "database … on … as …", for a confirmation message
 * @remembered: whether the password was saved (asked for, and given)
 * @backend: where it was saved
 * @remember_problem: why it could not be saved, or NULL
 * @password_used: whether the server asked for the password and took it;
 *   FALSE when it let the login in without one (trust, peer, a client
 *   certificate), so the password proved nothing
 */
typedef struct
{
  char               *role;
  char               *description;
  gboolean            password_used;
  gboolean            remembered;
  CstPasswordBackend  backend;
  char               *remember_problem;
} CstLoginCheck;

void           cst_login_check_free        (CstLoginCheck        *check);
CstLoginCheck *cst_server_login_check      (const char           *conninfo,
                                            const char           *password,
                                            GError              **error);
void           cst_server_login_check_async  (const char         *conninfo,
                                              const char         *password,
                                              gboolean            remember,
                                              GCancellable       *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer            user_data);
CstLoginCheck *cst_server_login_check_finish (GAsyncResult       *result,
                                              GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstServerLogin, cst_server_login_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstLoginCheck, cst_login_check_free)

G_END_DECLS
