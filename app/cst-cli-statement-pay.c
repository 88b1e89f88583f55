/* cst-cli-statement-pay.c — a statement's pay link, looked up and revoked
 *
 *   custodian-cli statement pay-link TOKEN|LINK
 *   custodian-cli statement revoke-link TOKEN|LINK --reason TEXT
 *
 * pay-link says whether the link works: exit 0 while it does, 1 once it
 * is revoked (with who, when and why).  A whole link is accepted for the
 * token at its end, as staff copy it from a statement or a scan.  A token
 * beginning with "-" (issued before 0084) goes after "--".
 */
#define G_LOG_DOMAIN "custodian-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

#include "custodian/cst-money.h"
#include "custodian/cst-statement-pay.h"

#include "cst-cli.h"

/* The token at the end of a link, or the argument itself. */
static const char *
token_of (const char *argument)
{
  const char *slash = strrchr (argument, '/');

  return slash ? slash + 1 : argument;
}

/* The options, then exactly one token or link. */
static gboolean
parse_token (GOptionContext  *context,
             int              argc,
             char           **argv,
             const char     **token,
             int             *status)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      *status = cst_cli_usage_error (context, error->message);
      return FALSE;
    }
  /* A token issued before 0084 may begin with "-": given after "--", as
   * on any command line, which GOption leaves in place. */
  if (argc == 3 && g_str_equal (argv[1], "--"))
    argv[1] = argv[--argc];
  if (argc != 2)
    {
      *status = cst_cli_usage_error (context, _("give exactly one pay link or token"));
      return FALSE;
    }
  *token = token_of (argv[1]);
  if (!cst_pay_token_is_well_formed (*token))
    {
      *status = cst_cli_usage_error (context, _("a pay link ends in a token of 24 letters, digits, - and _"));
      return FALSE;
    }
  return TRUE;
}

static void
print_token (const CstPayToken *t)
{
  g_autofree char *amount = cst_money_format (t->amount_due_cents);
  g_autofree char *issued = g_date_time_format (t->issued_at, "%Y-%m-%d %H:%M");
  char date[16] = "";

  if (g_date_valid (&t->statement_date))
    g_date_strftime (date, sizeof date, "%Y-%m-%d", &t->statement_date);
  g_print (_("Statement of %s, amount due %s, account %s.\n"), date, amount,
           t->account_number ? t->account_number : _("(none)"));
  g_print (_("Issued %s by %s.\n"), issued, t->issued_by);
  if (t->revoked_at != NULL)
    {
      g_autofree char *revoked = g_date_time_format (t->revoked_at, "%Y-%m-%d %H:%M");
      g_print (_("REVOKED %s by %s: %s\n"), revoked, t->revoked_by, t->revoke_reason);
    }
  else
    g_print (_("Active: the payment portal accepts it.\n"));
}

int
cst_cli_statement_pay_link (int    argc,
                            char **argv)
{
  const GOptionEntry entries[] = { { NULL } };
  g_autoptr(GOptionContext) context = g_option_context_new (_("TOKEN|LINK — say whether a statement’s pay link works"));
  g_autoptr(GError) error = NULL;
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(CstPayToken) found = NULL;
  const char *token;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!parse_token (context, argc, argv, &token, &status))
    return status;
  if (!(target = cst_cli_open_target (&error)) ||
      !(found = cst_pay_token_lookup_at (target->conninfo, token, &error)))
    return cst_cli_fail (error);
  print_token (found);
  return found->revoked_at ? EXIT_FAILURE : EXIT_SUCCESS;
}

int
cst_cli_statement_revoke_link (int    argc,
                               char **argv)
{
  g_autofree char *reason = NULL;
  const GOptionEntry entries[] = {
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("Why the link must stop working (required)"), N_("TEXT") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("TOKEN|LINK — stop a statement’s pay link from working"));
  g_autoptr(GError) error = NULL;
  g_autoptr(CstDatabaseTarget) target = NULL;
  const char *token;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!parse_token (context, argc, argv, &token, &status))
    return status;
  if (reason == NULL || *g_strstrip (reason) == '\0')
    return cst_cli_usage_error (context, _("--reason is required"));
  if (!(target = cst_cli_open_target (&error)) ||
      !cst_pay_token_revoke_at (target->conninfo, token, reason, &error))
    return cst_cli_fail (error);
  g_print (_("Pay link revoked.\n"));
  return EXIT_SUCCESS;
}
