/* cst-cli-packet-review.c — custodian-cli packet review
 *
 * The second person's check of a request's packet, headless: approve the
 * packet waiting for the request's quality check (the request becomes
 * ready), or return it with a reason (back to in progress).  The database
 * decides who may: the packet's assembler never approves it (exit 1, the
 * refusal printed).
 */
#define G_LOG_DOMAIN "custodian-cli"

#include "config.h"

#include "custodian/cst-packet-review.h"

#include "cst-cli.h"

static void
print_decision (const char            *reference,
                const CstPacketReview *review)
{
  if (review->state == CST_PACKET_REVIEW_APPROVED)
    g_print (g_dngettext (NULL,
                          "Approved the packet of request %s (%u page, SHA-256 %s); the request is ready.\n",
                          "Approved the packet of request %s (%u pages, SHA-256 %s); the request is ready.\n",
                          review->pages),
             reference, review->pages, review->sha256);
  else
    g_print (_("Returned the packet of request %s to be assembled again: %s\n"), reference,
             review->reason);
}

int
cst_cli_packet_review (int    argc,
                       char **argv)
{
  g_autofree char *reference = NULL;
  g_autofree char *reason = NULL;
  gboolean approve = FALSE;
  const GOptionEntry entries[] = {
    CST_CLI_REQUEST_OPTION (reference),
    { "approve", 0, 0, G_OPTION_ARG_NONE, &approve,
      N_("Approve the packet (not if you assembled it); the request becomes ready"), NULL },
    { "return", 0, 0, G_OPTION_ARG_STRING, &reason,
      N_("Return the packet with this reason; the request goes back to in progress"), N_("REASON") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (
    _("— the second person's check of a request's packet at its quality check"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(CstPacketReview) review = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_request (context, &argc, &argv, &reference, FALSE, &status))
    return status;
  if (approve == (reason != NULL))
    return cst_cli_usage_error (context, _("give --approve or --return REASON, one of them"));
  if (!(target = cst_cli_open_target (&error)) ||
      !(review = cst_packet_review_decide_at (target->conninfo, reference,
                                              approve ? NULL : reason, &error)))
    return cst_cli_fail (error);
  print_decision (reference, review);
  return EXIT_SUCCESS;
}
