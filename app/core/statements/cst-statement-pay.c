/* cst-statement-pay.c — a statement's own pay link (migration 0073)
 *
 * The database makes the token (statement_pay_token_issue), so no client
 * picks a guessable one; this file asks for it, builds the link from the
 * facility's payment address and puts it on the statement, where the
 * online payment line and the QR code (cst-statement-pdf.c) show it.
 */
#define G_LOG_DOMAIN "cst-statement"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "custodian/cst-db.h"
#include "custodian/cst-error.h"
#include "custodian/cst-facility.h"
#include "custodian/cst-input.h"
#include "custodian/cst-connection.h"
#include "custodian/cst-statement-pay.h"

void
cst_pay_token_free (CstPayToken *token)
{
  if (token == NULL)
    return;
  g_free (token->token);
  g_free (token->account_number);
  g_free (token->issued_by);
  g_clear_pointer (&token->issued_at, g_date_time_unref);
  g_free (token->revoked_by);
  g_clear_pointer (&token->revoked_at, g_date_time_unref);
  g_free (token->revoke_reason);
  g_free (token);
}

/* What the database's CHECK accepts: 24 characters of URL-safe base64. */
gboolean
cst_pay_token_is_well_formed (const char *token)
{
  if (token == NULL || strlen (token) != CST_PAY_TOKEN_LENGTH)
    return FALSE;
  for (const char *c = token; *c; c++)
    if (!g_ascii_isalnum (*c) && *c != '-' && *c != '_')
      return FALSE;
  return TRUE;
}

/**
 * cst_statement_pay_link_build:
 * @portal: the hospital's payment address, as the facility has it
 *   ("pay.example.org" or "https://pay.example.org/statements/")
 *
 * A phone's camera opens only a link with its scheme, so an address
 * written without one gets https://.
 *
 * Returns: (transfer full): @portal, "/" and @token
 */
char *
cst_statement_pay_link_build (const char *portal,
                              const char *token)
{
  g_autofree char *base = g_strstrip (g_strdup (portal));
  gsize length = strlen (base);

  while (length > 0 && base[length - 1] == '/')
    base[--length] = '\0';
  if (strstr (base, "://") == NULL)
    return g_strconcat ("https://", base, "/", token, NULL);
  return g_strconcat (base, "/", token, NULL);
}

void
cst_statement_set_pay_link (CstStatement *st,
                            const char   *link)
{
  g_free (st->pay_link);
  st->pay_link = g_strdup (link);
  /* {url_pay} in "Online: {url_pay}" is now this statement's own link. */
  g_hash_table_insert (st->values, (gpointer) "url_pay",
                       g_strdup (link ? link : cst_statement_template_get_facility (st->template,
                                                                                     "url-pay")));
}

const char *
cst_statement_get_pay_link (CstStatement *st)
{
  return st->pay_link;
}

/* The token's row and the link, touching no statement: the workbench
 * issues on its database thread while the main loop shows the statement. */
static char *
issue_link (PGconn        *conn,
            const char    *portal,
            const char    *account_number,
            const GDate   *statement_date,
            gint64         amount_due_cents,
            gint64         bill_statement_id,
            GError       **error)
{
  char date[16];
  g_autofree char *amount = cst_db_int_param (amount_due_cents);
  g_autofree char *stored = bill_statement_id > 0 ? cst_db_int_param (bill_statement_id) : NULL;
  g_autoptr(PGresult) res = NULL;

  if (cst_input_is_blank (portal))
    {
      cst_facility_set_missing_error (error, CST_FACILITY_PAY_LINK);
      return NULL;
    }
  g_date_strftime (date, sizeof date, "%Y-%m-%d", statement_date);
  res = cst_db_exec (conn, "SELECT statement_pay_token_issue($1, $2::date, $3::bigint, $4::bigint)", 4,
                     (const char *[]) { account_number, date, amount, stored }, error);
  if (res == NULL)
    return NULL;
  return cst_statement_pay_link_build (portal, cst_db_value (res, 0, 0));
}

gboolean
cst_statement_issue_pay_link (PGconn        *conn,
                              CstStatement  *st,
                              gint64         bill_statement_id,
                              GError       **error)
{
  g_autofree char *link = issue_link (conn, cst_statement_template_get_facility (st->template, "url-pay"),
                                      st->bill->account_number, &st->bill->statement_date,
                                      st->amount_due_cents, bill_statement_id, error);

  if (link == NULL)
    return FALSE;
  cst_statement_set_pay_link (st, link);
  return TRUE;
}

typedef struct
{
  char   *portal;
  char   *account_number;
  GDate   statement_date;
  gint64  amount_due_cents;
} IssueCall;

static void
issue_call_free (IssueCall *call)
{
  g_free (call->portal);
  g_free (call->account_number);
  g_free (call);
}

static gpointer
issue_on_connection (PGconn   *conn,
                     gpointer  data,
                     GError  **error)
{
  IssueCall *call = data;

  return issue_link (conn, call->portal, call->account_number, &call->statement_date,
                     call->amount_due_cents, 0, error);
}

/**
 * cst_statement_issue_pay_link_async:
 *
 * Issues a token for @statement (its account, date and amount due, read
 * now) on @connection's thread.  The statement is not changed: show the
 * link by making the statement again with it (cst-statement-extras.h).
 */
void
cst_statement_issue_pay_link_async (CstConnection       *connection,
                                    CstStatement        *st,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  IssueCall *call = g_new0 (IssueCall, 1);

  call->portal = g_strdup (cst_statement_template_get_facility (st->template, "url-pay"));
  call->account_number = g_strdup (st->bill->account_number);
  call->statement_date = st->bill->statement_date;
  call->amount_due_cents = st->amount_due_cents;
  cst_connection_run_async (connection, issue_on_connection, call, (GDestroyNotify) issue_call_free,
                            g_free, cancellable, callback, user_data);
}

/**
 * cst_statement_issue_pay_link_finish:
 *
 * Returns: (transfer full): the statement's link, or NULL with @error
 */
char *
cst_statement_issue_pay_link_finish (CstConnection  *connection,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}

gboolean
cst_pay_token_revoke (PGconn      *conn,
                      const char  *token,
                      const char  *reason,
                      GError     **error)
{
  return cst_db_exec_command (conn, "SELECT statement_pay_token_revoke($1, $2)", 2,
                              (const char *[]) { token, reason }, error);
}

static CstPayToken *
token_from_row (const PGresult *res)
{
  CstPayToken *self = g_new0 (CstPayToken, 1);
  g_autoptr(GDate) date = cst_db_date (res, 0, 2);

  self->token = g_strdup (cst_db_value (res, 0, 0));
  self->account_number = g_strdup (cst_db_value (res, 0, 1));
  g_date_clear (&self->statement_date, 1);
  if (date != NULL)
    self->statement_date = *date;
  self->amount_due_cents = cst_db_int64 (res, 0, 3);
  self->issued_by = g_strdup (cst_db_value (res, 0, 4));
  self->issued_at = cst_db_timestamp (res, 0, 5);
  self->revoked_by = g_strdup (cst_db_value (res, 0, 6));
  self->revoked_at = cst_db_timestamp (res, 0, 7);
  self->revoke_reason = g_strdup (cst_db_value (res, 0, 8));
  return self;
}

/**
 * cst_pay_token_lookup:
 *
 * Returns: (transfer full): the token's row; NULL with
 *   %CST_ERROR_NOT_FOUND when no statement has it
 */
CstPayToken *
cst_pay_token_lookup (PGconn      *conn,
                      const char  *token,
                      GError     **error)
{
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT token, account_number, statement_date, amount_due_cents, issued_by, issued_at,"
    " revoked_by, revoked_at, revoke_reason FROM statement_pay_tokens WHERE token = $1",
    1, (const char *[]) { token }, error);

  if (res == NULL)
    return NULL;
  if (PQntuples (res) == 0)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_NOT_FOUND,
                           _("No statement pay link has this token."));
      return NULL;
    }
  return token_from_row (res);
}

gboolean
cst_statement_issue_pay_link_at (const char    *conninfo,
                                 CstStatement  *st,
                                 GError       **error)
{
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, error);

  return conn != NULL && cst_statement_issue_pay_link (conn, st, 0, error);
}

gboolean
cst_pay_token_revoke_at (const char  *conninfo,
                         const char  *token,
                         const char  *reason,
                         GError     **error)
{
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, error);

  return conn != NULL && cst_pay_token_revoke (conn, token, reason, error);
}

CstPayToken *
cst_pay_token_lookup_at (const char  *conninfo,
                         const char  *token,
                         GError     **error)
{
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, error);

  return conn ? cst_pay_token_lookup (conn, token, error) : NULL;
}
