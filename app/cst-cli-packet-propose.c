/* cst-cli-packet-propose.c — custodian-cli packet propose, others,
 * redaction-terms, redaction-log, redaction-options
 *
 * The proposal finder headless: it proposes, a person with the redaction
 * right decides (the page view, or packet redactions and the database's
 * decide function); nothing here applies a redaction.  What the finder
 * found is never printed: the output names documents, pages and reasons.
 * The output and the --json objects are stable: add, never rename.
 */
#define G_LOG_DOMAIN "custodian-cli"

#include "config.h"

#include "custodian/cst-json-writer.h"
#include "custodian/cst-redaction-log.h"
#include "custodian/cst-redaction-others.h"
#include "custodian/cst-redaction-propose.h"

#include "cst-cli.h"

static void
add_all (GPtrArray  *into,
         char      **values)
{
  for (char **v = values; v != NULL && *v; v++)
    if (**v != '\0')
      g_ptr_array_add (into, g_strdup (*v));
}

static void
print_run_json (const char     *reference,
                CstProposalRun *run)
{
  g_autoptr(GString) out = g_string_new (NULL);
  CstJsonWriter w;

  cst_json_writer_init (&w, out);
  cst_json_writer_begin_object (&w);
  cst_json_writer_key (&w, "request");
  cst_json_writer_string (&w, reference);
  cst_json_writer_key (&w, "found");
  cst_json_writer_int (&w, run->found);
  cst_json_writer_key (&w, "proposed");
  cst_json_writer_int (&w, run->stored);
  cst_json_writer_key (&w, "already_marked");
  cst_json_writer_int (&w, run->known);
  cst_json_writer_key (&w, "redactions");
  cst_json_writer_begin_array (&w);
  for (guint i = 0; i < run->redactions->len; i++)
    cst_cli_redaction_json (&w, g_ptr_array_index (run->redactions, i));
  cst_json_writer_end_array (&w);
  cst_json_writer_end_object (&w);
  g_print ("%s\n", out->str);
}

int
cst_cli_packet_propose (int    argc,
                        char **argv)
{
  g_autofree char *reference = NULL;
  g_auto(GStrv) names = NULL;
  g_auto(GStrv) mrns = NULL;
  g_autofree char *ssn = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    CST_CLI_REQUEST_OPTION (reference),
    { "other-name", 0, 0, G_OPTION_ARG_STRING_ARRAY, &names,
      N_("Another person the request names, whose name is proposed wherever it stands (repeat)"),
      N_("NAME") },
    { "other-mrn", 0, 0, G_OPTION_ARG_STRING_ARRAY, &mrns,
      N_("Another person's medical record number the request gives (repeat)"), N_("MRN") },
    { "patient-ssn", 0, 0, G_OPTION_ARG_STRING, &ssn,
      N_("The patient's own SSN, not to be proposed (used for this run only, never stored)"),
      N_("SSN") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (
    _("— propose redactions in a request's records (SSNs, other people's names, MRNs and birth "
      "dates, the configured terms) for a person to accept or reject"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(CstProposalRules) extra = cst_proposal_rules_new ();
  g_autoptr(CstProposalRun) run = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_request (context, &argc, &argv, &reference, FALSE, &status))
    return status;
  add_all (extra->other_names, names);
  add_all (extra->other_mrns, mrns);
  extra->ssn = g_steal_pointer (&ssn);
  if (!(target = cst_cli_open_target (&error)) ||
      !(run = cst_redaction_propose_at (target->conninfo, reference, extra, &error)))
    return cst_cli_fail (error);
  if (json)
    {
      print_run_json (reference, run);
      return EXIT_SUCCESS;
    }
  if (run->stored == 0)
    g_print (_("Nothing new to propose in the records of request %s.\n"), reference);
  else
    {
      g_autofree char *pages = cst_cli_redaction_pages (run->redactions);

      g_print (g_dngettext (NULL, "Proposed %u redaction (%s).\n", "Proposed %u redactions (%s).\n",
                            run->stored),
               run->stored, pages);
    }
  if (run->known > 0)
    g_print (g_dngettext (NULL, "%u find was marked already and is not proposed again.\n",
                          "%u finds were marked already and are not proposed again.\n", run->known),
             run->known);
  return EXIT_SUCCESS;
}

/* ---- the other people the request names --------------------------------------- */

static void
print_others (const char *reference,
              GPtrArray  *others,
              gboolean    json)
{
  if (json)
    {
      g_autoptr(GString) out = g_string_new (NULL);
      CstJsonWriter w;

      cst_json_writer_init (&w, out);
      cst_json_writer_begin_object (&w);
      cst_json_writer_key (&w, "request");
      cst_json_writer_string (&w, reference);
      cst_json_writer_key (&w, "others");
      cst_json_writer_begin_array (&w);
      for (guint i = 0; i < others->len; i++)
        {
          CstOtherPerson *p = g_ptr_array_index (others, i);

          cst_json_writer_begin_object (&w);
          cst_json_writer_key (&w, "id");
          cst_json_writer_int (&w, p->id);
          cst_json_writer_key (&w, "kind");
          cst_json_writer_string (&w, p->kind);
          cst_json_writer_key (&w, "value");
          cst_json_writer_string (&w, p->value);
          cst_json_writer_key (&w, "added_by");
          cst_json_writer_string (&w, p->added_by);
          cst_json_writer_end_object (&w);
        }
      cst_json_writer_end_array (&w);
      cst_json_writer_end_object (&w);
      g_print ("%s\n", out->str);
      return;
    }
  if (others->len == 0)
    {
      g_print (_("Request %s names no other people.\n"), reference);
      return;
    }
  /* Translators: the column heads of custodian-cli packet others. */
  g_print ("%-6s %-5s %s\n", _("ID"), _("Kind"), _("Name or MRN"));
  for (guint i = 0; i < others->len; i++)
    {
      CstOtherPerson *p = g_ptr_array_index (others, i);

      g_print ("%-6" G_GINT64_FORMAT " %-5s %s\n", p->id,
               g_str_equal (p->kind, "name") ? _("name") : _("MRN"), p->value);
    }
}

/* The people the request names are kept with it (0090): every run of the
 * finder, here or in the page view, proposes them. */
int
cst_cli_packet_others (int    argc,
                       char **argv)
{
  g_autofree char *reference = NULL;
  g_autofree char *name = NULL;
  g_autofree char *mrn = NULL;
  gint64 remove = 0;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    CST_CLI_REQUEST_OPTION (reference),
    { "add-name", 0, 0, G_OPTION_ARG_STRING, &name,
      N_("Another person the request names, proposed wherever the name stands"), N_("NAME") },
    { "add-mrn", 0, 0, G_OPTION_ARG_STRING, &mrn,
      N_("Another person's medical record number the request gives"), N_("MRN") },
    { "remove", 0, 0, G_OPTION_ARG_INT64, &remove, N_("Take the person with this id off the request"),
      N_("ID") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (
    _("— list, add or remove the other people a request names (their names and medical record "
      "numbers), whom the proposal finder proposes in its records"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(CstRedactionSetup) setup = NULL;
  g_autoptr(GError) error = NULL;
  CstRedactionChange change = { 0 };
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_request (context, &argc, &argv, &reference, FALSE, &status))
    return status;
  if ((name != NULL) + (mrn != NULL) + (remove > 0) > 1)
    return cst_cli_usage_error (context, _("give one of --add-name, --add-mrn or --remove"));
  change.other_kind = name ? "name" : "mrn";
  change.other_value = name ? name : mrn;
  change.other_remove = remove;
  if (!(target = cst_cli_open_target (&error)) ||
      !(setup = cst_redaction_setup_change_at (target->conninfo, reference, &change, &error)))
    return cst_cli_fail (error);
  print_others (reference, setup->others, json);
  return EXIT_SUCCESS;
}

/* ---- the configured terms --------------------------------------------------- */

static void
print_terms (GPtrArray *terms,
             gboolean   json)
{
  if (json)
    {
      g_autoptr(GString) out = g_string_new (NULL);
      CstJsonWriter w;

      cst_json_writer_init (&w, out);
      cst_json_writer_begin_array (&w);
      for (guint i = 0; i < terms->len; i++)
        {
          CstRedactionTerm *t = g_ptr_array_index (terms, i);

          cst_json_writer_begin_object (&w);
          cst_json_writer_key (&w, "id");
          cst_json_writer_int (&w, t->id);
          cst_json_writer_key (&w, "reason");
          cst_json_writer_string (&w, t->reason);
          cst_json_writer_key (&w, "term");
          cst_json_writer_string (&w, t->term);
          cst_json_writer_key (&w, "added_by");
          cst_json_writer_string (&w, t->added_by);
          cst_json_writer_end_object (&w);
        }
      cst_json_writer_end_array (&w);
      g_print ("%s\n", out->str);
      return;
    }
  if (terms->len == 0)
    {
      g_print (_("No redaction terms are configured.\n"));
      return;
    }
  /* Translators: the column heads of custodian-cli packet redaction-terms. */
  g_print ("%-6s %-20s %s\n", _("ID"), _("Reason"), _("Term"));
  for (guint i = 0; i < terms->len; i++)
    {
      CstRedactionTerm *t = g_ptr_array_index (terms, i);

      g_print ("%-6" G_GINT64_FORMAT " %-20s %s\n", t->id, t->reason, t->term);
    }
}

int
cst_cli_packet_terms (int    argc,
                      char **argv)
{
  g_autofree char *add = NULL;
  g_autofree char *reason = NULL;
  gint64 retire = 0;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "add", 0, 0, G_OPTION_ARG_STRING, &add, N_("A term to propose wherever it stands"), N_("TERM") },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("The reason its redactions carry"), N_("REASON") },
    { "retire", 0, 0, G_OPTION_ARG_INT64, &retire, N_("Stop proposing the term with this id"), N_("ID") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the terms as JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (
    _("— list the terms the proposal finder looks for; administrators add and retire them"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(GPtrArray) terms = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *choices = g_strjoinv (", ", (char **) cst_redaction_reasons ());
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_options (context, &argc, &argv, &status))
    return status;
  if (add != NULL && retire > 0)
    return cst_cli_usage_error (context, _("give either --add or --retire"));
  if (add != NULL && (reason == NULL || !cst_redaction_reason_valid (reason)))
    return cst_cli_bad_choice (context, "--reason", reason ? reason : "", choices);
  if (!(target = cst_cli_open_target (&error)) ||
      !(terms = cst_redaction_terms_change_at (target->conninfo, add, reason, retire, &error)))
    return cst_cli_fail (error);
  print_terms (terms, json);
  return EXIT_SUCCESS;
}

/* ---- the log ------------------------------------------------------------ */

static void
print_log_json (const char *reference,
                GPtrArray  *lines)
{
  g_autoptr(GString) out = g_string_new (NULL);
  CstJsonWriter w;

  cst_json_writer_init (&w, out);
  cst_json_writer_begin_object (&w);
  cst_json_writer_key (&w, "request");
  cst_json_writer_string (&w, reference);
  cst_json_writer_key (&w, "lines");
  cst_json_writer_begin_array (&w);
  for (guint i = 0; i < lines->len; i++)
    {
      CstRedactionLogLine *l = g_ptr_array_index (lines, i);

      cst_json_writer_begin_object (&w);
      cst_json_writer_key (&w, "document");
      cst_json_writer_int (&w, l->document_id);
      cst_json_writer_key (&w, "page");
      cst_json_writer_int (&w, l->page);
      if (l->packet_page > 0)
        {
          cst_json_writer_key (&w, "packet_page");
          cst_json_writer_int (&w, l->packet_page);
        }
      cst_json_writer_key (&w, "boxes");
      cst_json_writer_int (&w, l->boxes);
      cst_json_writer_key (&w, "reason");
      cst_json_writer_string (&w, l->reason);
      if (l->reason_text != NULL)
        {
          cst_json_writer_key (&w, "reason_text");
          cst_json_writer_string (&w, l->reason_text);
        }
      cst_json_writer_end_object (&w);
    }
  cst_json_writer_end_array (&w);
  cst_json_writer_end_object (&w);
  g_print ("%s\n", out->str);
}

int
cst_cli_packet_redaction_log (int    argc,
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
    _("— list a request's applied redactions by page: how many boxes and why, never what they hide"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_request (context, &argc, &argv, &reference, FALSE, &status))
    return status;
  if (!(target = cst_cli_open_target (&error)) ||
      !(lines = cst_redaction_log_at (target->conninfo, reference, &error)))
    return cst_cli_fail (error);
  if (json)
    {
      print_log_json (reference, lines);
      return EXIT_SUCCESS;
    }
  if (lines->len == 0)
    {
      g_print (_("Request %s has no applied redactions.\n"), reference);
      return EXIT_SUCCESS;
    }
  /* Translators: the column heads of custodian-cli packet redaction-log. */
  g_print ("%-8s %-5s %-11s %-5s %s\n", _("Document"), _("Page"), _("Packet page"), _("Boxes"),
           _("Reason"));
  for (guint i = 0; i < lines->len; i++)
    {
      CstRedactionLogLine *l = g_ptr_array_index (lines, i);
      g_autofree char *packet_page = l->packet_page ? g_strdup_printf ("%u", l->packet_page)
                                                    : g_strdup ("-");

      g_print ("%-8" G_GINT64_FORMAT " %-5u %-11s %-5u %s%s%s\n", l->document_id, l->page,
               packet_page, l->boxes, cst_redaction_reason_label (l->reason),
               l->reason_text ? ": " : "", l->reason_text ? l->reason_text : "");
    }
  return EXIT_SUCCESS;
}

/* ---- the request's choices ----------------------------------------------- */

static gboolean
parse_yes_no (const char *text,
              gboolean   *value)
{
  if (g_strcmp0 (text, "yes") == 0)
    *value = TRUE;
  else if (g_strcmp0 (text, "no") == 0)
    *value = FALSE;
  else
    return FALSE;
  return TRUE;
}

int
cst_cli_packet_redaction_options (int    argc,
                                  char **argv)
{
  g_autofree char *reference = NULL;
  g_autofree char *text_layer_text = NULL;
  g_autofree char *log_page_text = NULL;
  const GOptionEntry entries[] = {
    CST_CLI_REQUEST_OPTION (reference),
    { "text-layer", 0, 0, G_OPTION_ARG_STRING, &text_layer_text,
      N_("yes: pages rebuilt for redaction get a text layer read from the burned image; no: they do not"),
      N_("yes|no") },
    { "log-page", 0, 0, G_OPTION_ARG_STRING, &log_page_text,
      N_("yes: the packet ends with a page listing each redaction's page, box count and reason; no: it does not"),
      N_("yes|no") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (
    _("— show or choose whether a request's redacted pages stay searchable (an OCR text layer) "
      "and whether its packet ends with a redaction log page"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(GError) error = NULL;
  CstRedactionOptions options = { FALSE, FALSE };
  gboolean text_layer = FALSE, log_page = FALSE;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_request (context, &argc, &argv, &reference, FALSE, &status))
    return status;
  if (text_layer_text && !parse_yes_no (text_layer_text, &text_layer))
    return cst_cli_bad_choice (context, "--text-layer", text_layer_text, "yes, no");
  if (log_page_text && !parse_yes_no (log_page_text, &log_page))
    return cst_cli_bad_choice (context, "--log-page", log_page_text, "yes, no");
  if (!(target = cst_cli_open_target (&error)) ||
      !cst_redaction_options_at (target->conninfo, reference, text_layer_text ? &text_layer : NULL,
                                 log_page_text ? &log_page : NULL, &options, &error))
    return cst_cli_fail (error);
  g_print (_("Redacted pages of request %s get a text layer: %s\n"), reference,
           options.text_layer ? _("yes") : _("no"));
  g_print (_("Its packet ends with a redaction log page: %s\n"),
           options.log_page ? _("yes") : _("no"));
  return EXIT_SUCCESS;
}
