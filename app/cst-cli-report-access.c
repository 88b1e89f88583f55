/* cst-cli-report-access.c — `custodian-cli report access`: the access log
 * OCR asks for (every request by an individual received in a period), as
 * CSV or PDF
 *
 * As `report fees`: the export is recorded in the audit log as the login
 * that ran it, and without that row no file is left.  Exit status: 0
 * written, 1 the report or its file failed, 2 for arguments that cannot
 * be understood (the message names the argument).
 */
#define G_LOG_DOMAIN "custodian-cli"

#include "config.h"

#include <string.h>

#include "custodian/cst-access-log.h"
#include "custodian/cst-input.h"

#include "cst-cli.h"

typedef struct
{
  char *from, *to, *format, *output, *facility;
} AccessOptions;

static void
access_options_clear (AccessOptions *o)
{
  g_free (o->from); g_free (o->to); g_free (o->format); g_free (o->output); g_free (o->facility);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AccessOptions, access_options_clear)

static int
bad_argument (GOptionContext *context,
              const char     *name,
              const char     *value,
              const char     *expected)
{
  g_autofree char *message = g_strdup_printf (_("%s must be %s, not “%s”"), name, expected,
                                              value ? value : "");
  return cst_cli_usage_error (context, message);
}

static int
check_options (GOptionContext      *context,
               const AccessOptions *o,
               GDate               *from,
               GDate               *to)
{
  if (o->from == NULL || !cst_input_parse_date (o->from, from, NULL))
    return bad_argument (context, "--from", o->from, _("a real date written YYYY-MM-DD"));
  if (o->to == NULL || !cst_input_parse_date (o->to, to, NULL))
    return bad_argument (context, "--to", o->to, _("a real date written YYYY-MM-DD"));
  if (g_date_compare (from, to) > 0)
    return bad_argument (context, "--to", o->to, _("on or after --from"));
  if (g_strcmp0 (o->format, "pdf") != 0 && g_strcmp0 (o->format, "csv") != 0)
    return bad_argument (context, "--format", o->format, "pdf, csv");
  if (o->output == NULL || *o->output == '\0')
    return bad_argument (context, "--output", o->output, _("the file to write"));
  return EXIT_SUCCESS;
}

int
cst_cli_report_access (int    argc,
                       char **argv)
{
  g_auto(AccessOptions) o = { 0 };
  const GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &o.from, N_("First received date of the period"), "YYYY-MM-DD" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &o.to, N_("Last received date of the period"), "YYYY-MM-DD" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &o.format, N_("pdf or csv"), N_("FORMAT") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output, N_("The file to write"), N_("FILE") },
    { "facility", 0, 0, G_OPTION_ARG_STRING, &o.facility,
      N_("Only the requests of the facility with this code (default: every facility the login works for)"),
      N_("CODE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new (_("— the log of individuals’ access requests for a period"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(CstAccessLog) log = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *report_conninfo = NULL;
  GDate from, to;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_options (context, &argc, &argv, &status))
    return status;
  if ((status = check_options (context, &o, &from, &to)) != EXIT_SUCCESS)
    return status;
  if (!(target = cst_cli_open_target (&error)) ||
      !cst_cli_choose_report_database (&report_conninfo, &error))
    return cst_cli_fail (error);
  if (!cst_access_log_export_file_for_at (target->conninfo, report_conninfo, &from, &to, o.facility,
                                          strcmp (o.format, "csv") == 0 ? CST_ACCESS_LOG_FORMAT_CSV
                                                                        : CST_ACCESS_LOG_FORMAT_PDF,
                                          o.output, &log, &error))
    return cst_cli_fail (error);
  g_printerr (ngettext ("custodian-cli: %u access request written to %s\n",
                        "custodian-cli: %u access requests written to %s\n",
                        cst_access_log_get_n_rows (log)),
              cst_access_log_get_n_rows (log), o.output);
  return EXIT_SUCCESS;
}
