/* cst-cli-evidence.c — custodian-cli evidence
 *
 * Writes one request's OCR evidence pack, headless: the PDF, and the same
 * content as JSON beside it when asked.  Prints the file names and the
 * page count only, never patient data; the export itself is recorded in
 * the audit log.
 */
#define G_LOG_DOMAIN "custodian-cli"

#include "config.h"

#include "custodian/cst-evidence-pack.h"

#include "cst-cli.h"

int
cst_cli_evidence (int    argc,
                  char **argv)
{
  g_autofree char *reference = NULL;
  g_autofree char *output = NULL;
  g_autofree char *json_path = NULL;
  const GOptionEntry entries[] = {
    { "request", 'r', 0, G_OPTION_ARG_STRING, &reference, N_("The request's reference"), N_("REF") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Where to write the PDF"), N_("FILE") },
    { "json", 'j', 0, G_OPTION_ARG_FILENAME, &json_path,
      N_("Also write the same evidence as JSON here"), N_("FILE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (
    _("— one request's right-of-access evidence pack, as PDF (and JSON)"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *report_conninfo = NULL;
  guint pages = 0;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_options (context, &argc, &argv, &status))
    return status;
  if (reference == NULL || output == NULL)
    return cst_cli_usage_error (context, _("--request and --output are required"));

  if (!(target = cst_cli_open_target (&error)) ||
      !cst_cli_choose_report_database (&report_conninfo, &error) ||
      !(pages = cst_evidence_pack_export_at (target->conninfo, report_conninfo, reference,
                                             _("Health Information Management"),
                                             output, json_path, &error)))
    return cst_cli_fail (error);
  g_print (g_dngettext (NULL, "Wrote %s (%u page).\n", "Wrote %s (%u pages).\n", pages), output, pages);
  if (json_path != NULL)
    g_print (_("Wrote %s.\n"), json_path);
  return EXIT_SUCCESS;
}
