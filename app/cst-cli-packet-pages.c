/* cst-cli-packet-pages.c — custodian-cli packet exclude, include, order, paper
 *
 * Which record pages a request releases, headless: leave pages of a
 * document out with a withholding reason, put them back, order the
 * documents, count the pages that exist only on paper.  Each prints the
 * released page count after the change (the fee's page count).  The
 * output is stable: add, never rename.
 */
#define G_LOG_DOMAIN "custodian-cli"

#include "config.h"

#include "custodian/cst-packet-pages.h"

#include "cst-cli.h"

#define REASON_CHOICES "part2, psychotherapy_notes, minor_confidential, outside_date_range, not_held"

/* The record pages of @doc_id that @outline releases; its page count
 * when it has no such document. */
guint
cst_cli_packet_included_pages (const CstPacketOutline    *outline,
                               const CstRecordDocument   *doc)
{
  for (guint i = 0; outline != NULL && i < outline->documents->len; i++)
    {
      CstPacketPages *pages = g_ptr_array_index (outline->documents, i);

      if (pages->document->id == doc->id)
        return pages->included;
    }
  return doc->pages;
}

static void
print_released (const char             *reference,
                const CstPacketOutline *outline)
{
  g_print (g_dngettext (NULL, "Request %s releases %u page: %u of %u record pages, %u on paper only.\n",
                        "Request %s releases %u pages: %u of %u record pages, %u on paper only.\n",
                        outline->released_pages),
           reference, outline->released_pages, outline->included_pages, outline->record_pages,
           outline->paper_pages);
  if (outline->invoice_number != NULL && outline->invoiced_pages >= 0 &&
      (guint) outline->invoiced_pages != outline->released_pages)
    g_print (g_dngettext (NULL,
                          "Invoice %s was quoted for %d page: it no longer agrees with the pages released; "
                          "issue an adjustment invoice (the request view offers it).\n",
                          "Invoice %s was quoted for %d pages: it no longer agrees with the pages released; "
                          "issue an adjustment invoice (the request view offers it).\n",
                          outline->invoiced_pages),
             outline->invoice_number, outline->invoiced_pages);
}

static gboolean
parse_document_id (const char *text,
                   gint64     *id)
{
  guint64 value = 0;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL))
    return FALSE;
  *id = (gint64) value;
  return TRUE;
}

static int
change_pages (int      argc,
              char   **argv,
              gboolean exclude)
{
  g_autofree char *reference = NULL;
  g_autofree char *document = NULL;
  g_autofree char *range = NULL;
  g_autofree char *reason_nick = NULL;
  const GOptionEntry exclude_entries[] = {
    CST_CLI_REQUEST_OPTION (reference),
    { "document", 0, 0, G_OPTION_ARG_STRING, &document, N_("The record document's id (packet list)"), N_("ID") },
    { "pages", 'p', 0, G_OPTION_ARG_STRING, &range, N_("The pages, from 1: 1-3,7"), N_("RANGE") },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason_nick,
      N_("Why they are left out: part2, psychotherapy_notes, minor_confidential, outside_date_range, not_held"),
      N_("REASON") },
    { NULL }
  };
  const GOptionEntry include_entries[] = {
    exclude_entries[0], exclude_entries[1], exclude_entries[2], { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (
    exclude ? _("— leave pages of a record document out of the release, with a reason")
            : _("— put pages left out back into the release"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(CstPacketOutline) outline = NULL;
  g_autoptr(GError) error = NULL;
  CstWithheldReason reason = CST_WITHHELD_PART2;
  gint64 document_id = 0;
  guint changed = 0;
  int status;

  g_option_context_add_main_entries (context, exclude ? exclude_entries : include_entries,
                                     GETTEXT_PACKAGE);
  if (!cst_cli_parse_request (context, &argc, &argv, &reference, FALSE, &status))
    return status;
  if (!parse_document_id (document, &document_id))
    return cst_cli_usage_error (context, _("--document is required: a document's id, as packet list prints it"));
  if (range == NULL)
    return cst_cli_usage_error (context, _("--pages is required"));
  if (exclude && reason_nick == NULL)
    return cst_cli_usage_error (context, _("--reason is required: a page left out needs a reason"));
  if (exclude && !cst_withheld_reason_from_nick (reason_nick, &reason))
    return cst_cli_bad_choice (context, "--reason", reason_nick, REASON_CHOICES);
  if (!(target = cst_cli_open_target (&error)))
    return cst_cli_fail (error);
  outline = exclude ? cst_packet_pages_exclude_at (target->conninfo, reference, document_id, range,
                                                   reason, &changed, &error)
                    : cst_packet_pages_include_at (target->conninfo, reference, document_id, range,
                                                   &changed, &error);
  if (outline == NULL)
    return cst_cli_fail (error);
  if (exclude)
    g_print (g_dngettext (NULL, "Left %u more page out of document %s.\n",
                          "Left %u more pages out of document %s.\n", changed), changed, document);
  else
    g_print (g_dngettext (NULL, "Put %u page of document %s back.\n",
                          "Put %u pages of document %s back.\n", changed), changed, document);
  print_released (reference, outline);
  return EXIT_SUCCESS;
}

int
cst_cli_packet_exclude (int    argc,
                        char **argv)
{
  return change_pages (argc, argv, TRUE);
}

int
cst_cli_packet_include (int    argc,
                        char **argv)
{
  return change_pages (argc, argv, FALSE);
}

int
cst_cli_packet_order (int    argc,
                      char **argv)
{
  g_autofree char *reference = NULL;
  const GOptionEntry entries[] = {
    CST_CLI_REQUEST_OPTION (reference),
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (
    _("ID… — put a request's record documents in this release order (every document, once)"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(CstPacketOutline) outline = NULL;
  g_autoptr(GError) error = NULL;
  int status;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_request (context, &argc, &argv, &reference, TRUE, &status))
    return status;
  if (argc < 2)
    return cst_cli_usage_error (context, _("which documents? name every document's id in order"));
  for (int i = 1; i < argc; i++)
    {
      gint64 id;

      if (!parse_document_id (argv[i], &id))
        return cst_cli_usage_error (context, _("a document's id is a whole number, as packet list prints it"));
      g_array_append_val (ids, id);
    }
  if (!(target = cst_cli_open_target (&error)) ||
      !(outline = cst_packet_pages_order_at (target->conninfo, reference, (const gint64 *) ids->data,
                                             ids->len, &error)))
    return cst_cli_fail (error);
  for (guint i = 0; i < outline->documents->len; i++)
    {
      CstPacketPages *pages = g_ptr_array_index (outline->documents, i);

      g_print ("%u  %" G_GINT64_FORMAT "  %s\n", pages->document->position, pages->document->id,
               pages->document->name);
    }
  print_released (reference, outline);
  return EXIT_SUCCESS;
}

int
cst_cli_packet_paper (int    argc,
                      char **argv)
{
  g_autofree char *reference = NULL;
  int pages = -1;
  const GOptionEntry entries[] = {
    CST_CLI_REQUEST_OPTION (reference),
    { "pages", 'p', 0, G_OPTION_ARG_INT, &pages, N_("How many pages exist only on paper"), N_("N") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (
    _("— count the pages of a request that exist only on paper (released as copies)"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(CstPacketOutline) outline = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_request (context, &argc, &argv, &reference, FALSE, &status))
    return status;
  if (pages < 0)
    return cst_cli_usage_error (context, _("--pages is required: 0 or more"));
  if (!(target = cst_cli_open_target (&error)) ||
      !(outline = cst_packet_pages_set_paper_at (target->conninfo, reference, (guint) pages, &error)))
    return cst_cli_fail (error);
  print_released (reference, outline);
  return EXIT_SUCCESS;
}
