/* cst-cli-fee-dispute.c — custodian-cli dispute open, resolve, list
 *
 * A requester disputes a request's fee (cst-fee-dispute.h, 0077): the
 * desk records it, billing resolves it.  The due date does not stop:
 * each line says the request's due date now and when the dispute began.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>

#include "custodian/cst-fee-dispute.h"

#include "cst-cli.h"

static char *
date_text (const GDate *date)
{
  char text[16];

  if (date == NULL)
    return g_strdup (_("none"));
  g_date_strftime (text, sizeof text, "%Y-%m-%d", date);
  return g_strdup (text);
}

static void
print_dispute (const CstFeeDispute *d)
{
  g_autofree char *opened = g_date_time_format (d->opened_at, "%Y-%m-%d");
  g_autofree char *due_then = date_text (d->due_date_at_opening);
  g_autofree char *due_now = date_text (d->due_date);

  /* outcome, invoice, opened, by, due date then, due date now, days in dispute, reason, resolution */
  g_print ("%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", cst_fee_dispute_outcome_to_string (d->outcome),
           d->invoice_number ? d->invoice_number : _("whole fee"), opened, d->opened_by, due_then,
           due_now, d->days_in_dispute, d->reason, d->resolution ? d->resolution : "");
}

int
cst_cli_dispute_open (int    argc,
                      char **argv)
{
  g_autofree char *reference = NULL, *invoice = NULL, *reason = NULL;
  const GOptionEntry entries[] = {
    CST_CLI_REQUEST_OPTION (reference),
    { "invoice", 0, 0, G_OPTION_ARG_STRING, &invoice,
      N_("The invoice disputed (default: the fee as a whole)"), N_("NUMBER") },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("What the requester disputes"), N_("TEXT") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (
    _("— record that the requester disputes a request's fee (the due date does not stop)"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_options (context, &argc, &argv, &status))
    return status;
  if (reference == NULL || reason == NULL)
    return cst_cli_usage_error (context, _("--request and --reason are required"));
  if (!(target = cst_cli_open_target (&error)) ||
      !cst_fee_dispute_open_at (target->conninfo, reference, invoice, reason, &error))
    return cst_cli_fail (error);
  g_print (_("The fee of request %s is in dispute. Its due date does not stop.\n"), reference);
  return EXIT_SUCCESS;
}

int
cst_cli_dispute_resolve (int    argc,
                         char **argv)
{
  g_autofree char *reference = NULL, *outcome_text = NULL, *note = NULL;
  const GOptionEntry entries[] = {
    CST_CLI_REQUEST_OPTION (reference),
    { "outcome", 0, 0, G_OPTION_ARG_STRING, &outcome_text,
      N_("upheld, reduced, waived or withdrawn"), N_("OUTCOME") },
    { "note", 0, 0, G_OPTION_ARG_STRING, &note, N_("What was decided and done"), N_("TEXT") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (
    _("— resolve a request's fee dispute (billing and administrators)"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(GError) error = NULL;
  CstFeeDisputeOutcome outcome;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_options (context, &argc, &argv, &status))
    return status;
  if (reference == NULL || outcome_text == NULL || note == NULL)
    return cst_cli_usage_error (context, _("--request, --outcome and --note are required"));
  if (!cst_fee_dispute_outcome_from_string (outcome_text, &outcome) ||
      outcome == CST_FEE_DISPUTE_OPEN)
    return cst_cli_usage_error (context, _("--outcome is upheld, reduced, waived or withdrawn"));
  if (!(target = cst_cli_open_target (&error)) ||
      !cst_fee_dispute_resolve_at (target->conninfo, reference, outcome, note, &error))
    return cst_cli_fail (error);
  g_print (_("The fee dispute of request %s is resolved: %s.\n"), reference, outcome_text);
  return EXIT_SUCCESS;
}

int
cst_cli_dispute_list (int    argc,
                      char **argv)
{
  g_autofree char *reference = NULL;
  const GOptionEntry entries[] = {
    CST_CLI_REQUEST_OPTION (reference),
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (
    _("— list a request's fee disputes, with its due date then and now"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(GPtrArray) disputes = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_request (context, &argc, &argv, &reference, FALSE, &status))
    return status;
  if (!(target = cst_cli_open_target (&error)) ||
      !(disputes = cst_fee_dispute_list_at (target->conninfo, reference, &error)))
    return cst_cli_fail (error);
  for (guint i = 0; i < disputes->len; i++)
    print_dispute (g_ptr_array_index (disputes, i));
  return EXIT_SUCCESS;
}
