/* cst-cli-packet-redact.c — custodian-cli packet redact, redactions,
 * unredact
 *
 * Redaction headless: mark every occurrence of a text, or one box, with a
 * reason; list the request's redactions; remove one before the release.
 * Marking applies at once, which takes the redaction right
 * (custodian_redactor); --propose only proposes.  The searched text is
 * never printed back: the output names documents and pages.  The output
 * and the --json objects are stable: add, never rename.
 */
#define G_LOG_DOMAIN "custodian-cli"

#include "config.h"

#include "custodian/cst-input.h"
#include "custodian/cst-json-writer.h"
#include "custodian/cst-redaction.h"

#include "cst-cli.h"

/* "document 12: pages 1, 3; document 14: page 2" */
char *
cst_cli_redaction_pages (GPtrArray *made)
{
  GString *out = g_string_new (NULL);
  gint64 document = 0;
  guint last_page = 0;

  for (guint i = 0; i < made->len; i++)
    {
      CstRedaction *r = g_ptr_array_index (made, i);

      if (r->document_id != document)
        {
          g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, r->document_id);

          if (out->len > 0)
            g_string_append (out, "; ");
          /* Translators: in "document 12: page 1, 3", from packet redact. */
          g_string_append_printf (out, _("document %s: page %u"), id, r->page);
          document = r->document_id;
        }
      else if (r->page != last_page)
        g_string_append_printf (out, ", %u", r->page);
      last_page = r->page;
    }
  return g_string_free (out, FALSE);
}

int
cst_cli_packet_redact (int    argc,
                       char **argv)
{
  g_autofree char *reference = NULL;
  g_autofree char *text = NULL;
  g_autofree char *box_text = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *reason_text = NULL;
  gint64 document = 0;
  int page = 0;
  gboolean propose = FALSE;
  const GOptionEntry entries[] = {
    CST_CLI_REQUEST_OPTION (reference),
    { "text", 't', 0, G_OPTION_ARG_STRING, &text, N_("Mark every occurrence of this text"), N_("STRING") },
    { "document", 'd', 0, G_OPTION_ARG_INT64, &document, N_("The record document of one box"), N_("ID") },
    { "page", 'p', 0, G_OPTION_ARG_INT, &page, N_("The page of the document, from 1"), N_("N") },
    { "box", 'b', 0, G_OPTION_ARG_STRING, &box_text,
      N_("The box in points from the page's top-left corner"), N_("X,Y,W,H") },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("Why it is withheld"), N_("REASON") },
    { "reason-text", 0, 0, G_OPTION_ARG_STRING, &reason_text,
      N_("The reason in words (required with --reason other)"), N_("TEXT") },
    { "propose", 0, 0, G_OPTION_ARG_NONE, &propose,
      N_("Only propose: a person with the redaction right applies it"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (
    _("— mark a text everywhere in a request's records, or one box, as withheld with a reason"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *choices = g_strjoinv (", ", (char **) cst_redaction_reasons ());
  CstRedactionBox box;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_request (context, &argc, &argv, &reference, FALSE, &status))
    return status;
  if (reason == NULL || !cst_redaction_reason_valid (reason))
    return cst_cli_bad_choice (context, "--reason", reason ? reason : "", choices);
  if ((text == NULL) == (box_text == NULL))
    return cst_cli_usage_error (context, _("give either --text or --document, --page and --box"));
  if (box_text != NULL && (document <= 0 || page <= 0))
    return cst_cli_usage_error (context,
                                _("a box needs --document ID, --page N (from 1) and --box X,Y,W,H "
                                  "(points, width and height above 0)"));
  if (box_text != NULL && !cst_redaction_box_parse (box_text, &box, &error))
    return cst_cli_usage_error (context, error->message);
  if (!(target = cst_cli_open_target (&error)))
    return cst_cli_fail (error);
  if (text != NULL)
    {
      g_autoptr(GPtrArray) made = cst_redaction_mark_text_at (target->conninfo, reference, text,
                                                              reason, reason_text, !propose, &error);
      g_autofree char *pages = NULL;

      if (made == NULL)
        return cst_cli_fail (error);
      if (made->len == 0)
        {
          g_print (_("The text is nowhere in the records of request %s; nothing was marked.\n"),
                   reference);
          return EXIT_FAILURE;
        }
      pages = cst_cli_redaction_pages (made);
      g_print (g_dngettext (NULL, "Marked %u occurrence (%s).\n", "Marked %u occurrences (%s).\n",
                            made->len),
               made->len, pages);
      return EXIT_SUCCESS;
    }
  {
    gint64 id = cst_redaction_mark_box_at (target->conninfo, reference, document, (guint) page,
                                           &box, reason, reason_text, !propose, &error);
    g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);

    if (id == 0)
      return cst_cli_fail (error);
    g_print (propose ? _("Proposed redaction %s.\n") : _("Marked redaction %s.\n"), id_text);
  }
  return EXIT_SUCCESS;
}

static char *
format_box (const CstRedactionBox *box)
{
  char v[4][G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (v[0], sizeof v[0], "%.2f", box->x);
  g_ascii_formatd (v[1], sizeof v[1], "%.2f", box->y);
  g_ascii_formatd (v[2], sizeof v[2], "%.2f", box->width);
  g_ascii_formatd (v[3], sizeof v[3], "%.2f", box->height);
  return g_strjoin (",", v[0], v[1], v[2], v[3], NULL);
}

void
cst_cli_redaction_json (CstJsonWriter      *w,
                        const CstRedaction *r)
{
  g_autofree char *proposed_at = g_date_time_format_iso8601 (r->proposed_at);
  g_autofree char *box = format_box (&r->box);

  cst_json_writer_begin_object (w);
  cst_json_writer_key (w, "id");
  cst_json_writer_int (w, r->id);
  cst_json_writer_key (w, "document");
  cst_json_writer_int (w, r->document_id);
  cst_json_writer_key (w, "page");
  cst_json_writer_int (w, r->page);
  /* As --box takes it. */
  cst_json_writer_key (w, "box");
  cst_json_writer_string (w, box);
  cst_json_writer_key (w, "reason");
  cst_json_writer_string (w, r->reason);
  if (r->reason_text != NULL)
    {
      cst_json_writer_key (w, "reason_text");
      cst_json_writer_string (w, r->reason_text);
    }
  cst_json_writer_key (w, "source");
  cst_json_writer_string (w, r->source);
  cst_json_writer_key (w, "state");
  cst_json_writer_string (w, r->state);
  cst_json_writer_key (w, "proposed_by");
  cst_json_writer_string (w, r->proposed_by);
  cst_json_writer_key (w, "proposed_at");
  cst_json_writer_string (w, proposed_at);
  if (r->decided_by != NULL)
    {
      g_autofree char *decided_at = g_date_time_format_iso8601 (r->decided_at);

      cst_json_writer_key (w, "decided_by");
      cst_json_writer_string (w, r->decided_by);
      cst_json_writer_key (w, "decided_at");
      cst_json_writer_string (w, decided_at);
    }
  cst_json_writer_end_object (w);
}

int
cst_cli_packet_redactions (int    argc,
                           char **argv)
{
  g_autofree char *reference = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    CST_CLI_REQUEST_OPTION (reference),
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (
    _("— list a request's redactions with their reasons, who made them and when"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_request (context, &argc, &argv, &reference, FALSE, &status))
    return status;
  if (!(target = cst_cli_open_target (&error)) ||
      !(list = cst_redaction_list_at (target->conninfo, reference, &error)))
    return cst_cli_fail (error);
  if (json)
    {
      g_autoptr(GString) out = g_string_new (NULL);
      CstJsonWriter w;

      cst_json_writer_init (&w, out);
      cst_json_writer_begin_object (&w);
      cst_json_writer_key (&w, "request");
      cst_json_writer_string (&w, reference);
      cst_json_writer_key (&w, "redactions");
      cst_json_writer_begin_array (&w);
      for (guint i = 0; i < list->len; i++)
        cst_cli_redaction_json (&w, g_ptr_array_index (list, i));
      cst_json_writer_end_array (&w);
      cst_json_writer_end_object (&w);
      g_print ("%s\n", out->str);
      return EXIT_SUCCESS;
    }
  if (list->len == 0)
    {
      g_print (_("Request %s has no redactions.\n"), reference);
      return EXIT_SUCCESS;
    }
  /* Translators: the column heads of custodian-cli packet redactions. */
  g_print ("%-8s %-8s %-5s %-27s %-9s %-20s %s\n", _("ID"), _("Document"), _("Page"),
           _("Box (points)"), _("State"), _("Reason"), _("By"));
  for (guint i = 0; i < list->len; i++)
    {
      CstRedaction *r = g_ptr_array_index (list, i);
      g_autofree char *box = format_box (&r->box);

      g_print ("%-8" G_GINT64_FORMAT " %-8" G_GINT64_FORMAT " %-5u %-27s %-9s %-20s %s\n", r->id,
               r->document_id, r->page, box, r->state, r->reason,
               r->decided_by ? r->decided_by : r->proposed_by);
    }
  return EXIT_SUCCESS;
}

int
cst_cli_packet_unredact (int    argc,
                         char **argv)
{
  g_autofree char *reference = NULL;
  gint64 id = 0;
  const GOptionEntry entries[] = {
    CST_CLI_REQUEST_OPTION (reference),
    { "id", 0, 0, G_OPTION_ARG_INT64, &id, N_("The redaction to remove"), N_("ID") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (
    _("— remove a redaction before the request is released"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_request (context, &argc, &argv, &reference, FALSE, &status))
    return status;
  if (id <= 0)
    return cst_cli_usage_error (context, _("--id is required"));
  if (!(target = cst_cli_open_target (&error)) ||
      !cst_redaction_remove_at (target->conninfo, reference, id, &error))
    return cst_cli_fail (error);
  {
    g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);

    g_print (_("Removed redaction %s.\n"), id_text);
  }
  return EXIT_SUCCESS;
}

/* The build summary's redaction keys (custodian-cli packet build --json). */
void
cst_cli_packet_redaction_summary (CstJsonWriter           *w,
                                  const CstRedactionProof *proof)
{
  cst_json_writer_key (w, "redacted_pages");
  cst_json_writer_int (w, proof->redacted_pages);
  cst_json_writer_key (w, "redactions");
  cst_json_writer_int (w, proof->redactions);
  cst_json_writer_key (w, "withheld_pages_checked");
  cst_json_writer_int (w, proof->withheld_pages);
  cst_json_writer_key (w, "redaction_check");
  cst_json_writer_string (w, !proof->checked ? "none" : proof->passed ? "passed" : "failed");
  if (proof->checked && !proof->passed)
    {
      cst_json_writer_key (w, "redaction_check_failed_page");
      cst_json_writer_int (w, proof->failed_page);
    }
}

/* The build's last line about its redactions; the exit status: a packet
 * whose check failed is built, but cannot be released. */
int
cst_cli_packet_redaction_report (const CstRedactionProof *proof)
{
  if (!proof->checked)
    return EXIT_SUCCESS;
  if (proof->passed && proof->redactions == 0)
    {
      g_print (g_dngettext (NULL, "The read-back found the %u withheld page nowhere in the packet.\n",
                            "The read-back found none of the %u withheld pages in the packet.\n",
                            proof->withheld_pages),
               proof->withheld_pages);
      return EXIT_SUCCESS;
    }
  if (proof->passed)
    {
      g_print (g_dngettext (NULL, "Redactions burned into %u page; the read-back found none of the redacted text.\n",
                            "Redactions burned into %u pages; the read-back found none of the redacted text.\n",
                            proof->redacted_pages),
               proof->redacted_pages);
      return EXIT_SUCCESS;
    }
  g_printerr (_("The redaction check failed: page %u of the packet still shows redacted text "
                "or a withheld page. The packet cannot be released.\n"), proof->failed_page);
  return EXIT_FAILURE;
}
