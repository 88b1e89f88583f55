/* cst-statement-pay.h — a statement's own pay link and QR code (migration 0073)
 *
 * Every statement printed for a patient carries a link to the hospital's
 * payment portal that names that statement and nothing else: the portal's
 * address (the facility's payment link) followed by "/" and a token the
 * database makes (144 random bits, 24 URL-safe characters).  The token
 * never holds the patient's MRN or name; the portal looks it up in
 * statement_pay_tokens.  A token can be revoked (a statement sent to the
 * wrong address, a bill corrected): the portal then takes nothing for it.
 * Billing and administrators issue and revoke; auditors read.
 */
#pragma once

#include <glib.h>

#include "custodian/cst-db-types.h"
#include "custodian/cst-statement.h"

G_BEGIN_DECLS

#define CST_PAY_TOKEN_LENGTH 24

typedef struct
{
  char      *token;
  char      *account_number;   /* NULL when the statement had none */
  GDate      statement_date;
  gint64     amount_due_cents;
  char      *issued_by;
  GDateTime *issued_at;
  char      *revoked_by;       /* NULL while the link works */
  GDateTime *revoked_at;
  char      *revoke_reason;
} CstPayToken;

void         cst_pay_token_free            (CstPayToken  *token);
gboolean     cst_pay_token_is_well_formed  (const char   *token);
char        *cst_statement_pay_link_build  (const char   *portal,
                                            const char   *token);

/* Shows @link (the online payment line and its QR code) on @statement. */
void         cst_statement_set_pay_link    (CstStatement *statement,
                                            const char   *link);
const char  *cst_statement_get_pay_link    (CstStatement *statement);

/* Blocking, on a connection the caller owns (the CLI, worker threads).
 * Issue stores a new token for @statement and shows its link on it; the
 * portal is the facility's payment link the statement's template holds. */
gboolean     cst_statement_issue_pay_link  (PGconn       *conn,
                                            CstStatement *statement,
                                            gint64        bill_statement_id,
                                            GError      **error);
gboolean     cst_pay_token_revoke          (PGconn       *conn,
                                            const char   *token,
                                            const char   *reason,
                                            GError      **error);
CstPayToken *cst_pay_token_lookup          (PGconn       *conn,
                                            const char   *token,
                                            GError      **error);

/* The same on a connection of their own to @conninfo (custodian-cli). */
gboolean     cst_statement_issue_pay_link_at (const char   *conninfo,
                                              CstStatement *statement,
                                              GError      **error);
gboolean     cst_pay_token_revoke_at       (const char   *conninfo,
                                            const char   *token,
                                            const char   *reason,
                                            GError      **error);
CstPayToken *cst_pay_token_lookup_at       (const char   *conninfo,
                                            const char   *token,
                                            GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstPayToken, cst_pay_token_free)

G_END_DECLS
