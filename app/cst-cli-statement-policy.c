/* cst-cli-statement-policy.c — the financial-assistance policy in the database
 *
 *   custodian-cli statement policy [--date YYYY-MM-DD] [--text]
 *   custodian-cli statement policy-store FILE --effective-from YYYY-MM-DD [--note TEXT]
 *
 * policy says which version is in effect on the day (default today): the
 * one an administrator stored, or the policy shipped with Custodian when
 * none is; --text prints the policy itself, to edit and store again.
 * policy-store reads FILE as a policy (the shape of
 * resources/seed/financial-assistance.ini) and stores it to take effect
 * on the day given; a file that does not read is refused, naming the
 * group and key at fault, and nothing is stored.  Administrators store.
 */
#define G_LOG_DOMAIN "custodian-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>

#include "custodian/cst-assistance-repo.h"
#include "custodian/cst-input.h"

#include "cst-cli.h"

static void
print_version (const CstAssistancePolicyVersion *version)
{
  if (version->id == 0)
    {
      g_print (_("No policy is stored for that day: the policy shipped with Custodian applies.\n"));
      return;
    }
  {
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, version->id);
    g_autofree char *from = cst_input_format_date (&version->effective_from);
    g_print (_("Policy version %s, in effect from %s, stored by %s.\n"), id, from, version->stored_by);
  }
}

int
cst_cli_statement_policy (int    argc,
                          char **argv)
{
  g_autofree char *date = NULL;
  gboolean text = FALSE;
  const GOptionEntry entries[] = {
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, N_("The day to ask about (default today)"), N_("YYYY-MM-DD") },
    { "text", 0, 0, G_OPTION_ARG_NONE, &text, N_("Print the policy itself"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("— the financial-assistance policy in effect"));
  g_autoptr(GError) error = NULL;
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(CstAssistancePolicyVersion) version = NULL;
  int status = 0;
  GDate day;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_options (context, &argc, &argv, &status))
    return status;
  if (argc != 1)
    return cst_cli_usage_error (context, _("this command takes no file"));
  g_date_clear (&day, 1);
  if (date == NULL)
    cst_input_today (&day);
  else if (!cst_input_parse_date (date, &day, &error))
    return cst_cli_usage_error (context, error->message);
  if (!(target = cst_cli_open_target (&error)) ||
      !(version = cst_assistance_policy_repo_in_effect_at (target->conninfo, &day, &error)))
    return cst_cli_fail (error);
  if (text)
    g_print ("%s", version->text);
  else
    print_version (version);
  return EXIT_SUCCESS;
}

int
cst_cli_statement_policy_store (int    argc,
                                char **argv)
{
  g_autofree char *from = NULL;
  g_autofree char *note = NULL;
  const GOptionEntry entries[] = {
    { "effective-from", 0, 0, G_OPTION_ARG_STRING, &from, N_("The first day the policy applies (required)"), N_("YYYY-MM-DD") },
    { "note", 0, 0, G_OPTION_ARG_STRING, &note, N_("Why this version, for whoever reads it later"), N_("TEXT") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("FILE — store a financial-assistance policy (administrators)"));
  g_autoptr(GError) error = NULL;
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autofree char *text = NULL;
  gint64 id;
  GDate day;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return cst_cli_usage_error (context, error->message);
  if (argc != 2)
    return cst_cli_usage_error (context, _("give exactly one policy file"));
  if (from == NULL)
    return cst_cli_usage_error (context, _("--effective-from is required"));
  g_date_clear (&day, 1);
  if (!cst_input_parse_date (from, &day, &error))
    return cst_cli_usage_error (context, error->message);
  if (!g_file_get_contents (argv[1], &text, NULL, &error) ||
      !(target = cst_cli_open_target (&error)) ||
      !(id = cst_assistance_policy_repo_store_at (target->conninfo, text, &day, note, &error)))
    return cst_cli_fail (error);
  {
    g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, id);
    g_print (_("Policy version %s stored, in effect from %s.\n"), number, from);
  }
  return EXIT_SUCCESS;
}
