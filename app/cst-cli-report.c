/* cst-cli-report.c — `custodian-cli report fees`: the fee justification
 * report for a period, headless, as PDF or CSV
 *
 * The export is recorded in the audit log (report.exported: period,
 * filters, format, number of requests) as the login that ran it; if the
 * audit row cannot be written the file is removed and the command fails,
 * so no report leaves without a trace.  Exit status: 0 written, 1 the
 * report or its file failed, 2 for arguments that cannot be understood
 * (the message names the argument).
 */
#define G_LOG_DOMAIN "custodian-cli"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "cst-cli.h"

/* Long runs report progress after this long, then every page. */
#define PROGRESS_AFTER_USEC (2 * G_USEC_PER_SEC)

typedef struct
{
  char *from, *to, *state, *requester, *format, *output;
} ReportOptions;

static void
report_options_clear (ReportOptions *o)
{
  g_free (o->from); g_free (o->to); g_free (o->state);
  g_free (o->requester); g_free (o->format); g_free (o->output);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ReportOptions, report_options_clear)

static const char *const requester_classes[] = {
  "patient", "personal_representative", "attorney", "insurer", "provider",
  "government_agency", "other", NULL
};

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

/* Returns EXIT_SUCCESS when the options make a report, else the status. */
static int
check_options (GOptionContext     *context,
               const ReportOptions *o,
               CstFeeReportFilter *filter)
{
  if (o->from == NULL || !cst_input_parse_date (o->from, &filter->from, NULL))
    return bad_argument (context, "--from", o->from, _("a real date written YYYY-MM-DD"));
  if (o->to == NULL || !cst_input_parse_date (o->to, &filter->to, NULL))
    return bad_argument (context, "--to", o->to, _("a real date written YYYY-MM-DD"));
  if (g_date_compare (&filter->from, &filter->to) > 0)
    return bad_argument (context, "--to", o->to, _("on or after --from"));
  if (o->state != NULL && !cst_input_check_jurisdiction (o->state, NULL))
    return bad_argument (context, "--state", o->state, _("a two-letter US state code such as PA"));
  if (o->requester != NULL && !g_strv_contains (requester_classes, o->requester))
    return bad_argument (context, "--requester", o->requester,
                         "patient, personal_representative, attorney, insurer, provider, "
                         "government_agency, other");
  if (g_strcmp0 (o->format, "pdf") != 0 && g_strcmp0 (o->format, "csv") != 0)
    return bad_argument (context, "--format", o->format, "pdf, csv");
  if (o->output == NULL || *o->output == '\0')
    return bad_argument (context, "--output", o->output, _("the file to write"));
  filter->jurisdiction = o->state;
  filter->requester = o->requester;
  return EXIT_SUCCESS;
}

static void
print_progress (gint64   n_done,
                gpointer user_data)
{
  gint64 *started = user_data;

  if (g_get_monotonic_time () - *started >= PROGRESS_AFTER_USEC)
    g_printerr (_("custodian-cli: %lld requests reported…\n"), (long long) n_done);
}

static gboolean
write_csv (PGconn                    *conn,
           const CstFeeReportFilter  *filter,
           const char                *path,
           CstFeeReportSummary      **summary,
           GError                   **error)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);
  g_autoptr(GFileOutputStream) out = NULL;
  g_autoptr(GError) close_error = NULL;
  gboolean ok;

  /* g_file_replace writes beside the target and renames on close, so a
   * failed run leaves no half file behind. */
  if (!(out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, error)))
    return FALSE;
  ok = cst_fee_report_write_csv (conn, filter, G_OUTPUT_STREAM (out), summary, error);
  if (!ok)
    {
      g_autoptr(GCancellable) cancel = g_cancellable_new ();

      g_cancellable_cancel (cancel);
      g_output_stream_close (G_OUTPUT_STREAM (out), cancel, NULL);
      return FALSE;
    }
  return g_output_stream_close (G_OUTPUT_STREAM (out), NULL, error);
}

static gboolean
log_export (PGconn                    *conn,
            const ReportOptions       *o,
            const CstFeeReportSummary *summary,
            GError                   **error)
{
  g_autofree char *n = g_strdup_printf ("%" G_GINT64_FORMAT, cst_fee_report_summary_get_n_requests (summary));
  const char *details[16];
  guint i = 0;

  details[i++] = "report"; details[i++] = "fees";
  details[i++] = "from"; details[i++] = o->from;
  details[i++] = "to"; details[i++] = o->to;
  if (o->state)
    {
      details[i++] = "state";
      details[i++] = o->state;
    }
  if (o->requester)
    {
      details[i++] = "requester";
      details[i++] = o->requester;
    }
  details[i++] = "format"; details[i++] = o->format;
  details[i++] = "requests"; details[i++] = n;
  details[i] = NULL;
  return cst_audit_log_event (conn, "report.exported", details, error) > 0;
}

int
cst_cli_report_fees (int    argc,
                     char **argv)
{
  g_auto(ReportOptions) o = { 0 };
  const GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &o.from, N_("First received date of the period"), "YYYY-MM-DD" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &o.to, N_("Last received date of the period"), "YYYY-MM-DD" },
    { "state", 0, 0, G_OPTION_ARG_STRING, &o.state, N_("Only requests of this jurisdiction"), "XX" },
    { "requester", 0, 0, G_OPTION_ARG_STRING, &o.requester,
      N_("Only this requester class (patient, attorney, insurer…)"), N_("CLASS") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &o.format, N_("pdf or csv"), N_("FORMAT") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output, N_("The file to write"), N_("FILE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new (_("— the fee justification report for a period"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(CstFeeReportSummary) summary = NULL;
  g_autoptr(GError) error = NULL;
  CstFeeReportFilter filter = { 0 };
  gint64 started = g_get_monotonic_time ();
  gboolean ok;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_options (context, &argc, &argv, &status))
    return status;
  if ((status = check_options (context, &o, &filter)) != EXIT_SUCCESS)
    return status;
  filter.progress = print_progress;
  filter.progress_data = &started;
  if (!(target = cst_cli_open_target (&error)) ||
      !(conn = cst_db_connect (target->conninfo, &error)))
    return cst_cli_fail (error);
  if (strcmp (o.format, "csv") == 0)
    ok = write_csv (conn, &filter, o.output, &summary, &error);
  else
    ok = cst_fee_report_write_pdf (conn, &filter, o.output, &summary, &error);
  if (!ok)
    return cst_cli_fail (error);
  if (!log_export (conn, &o, summary, &error))
    {
      g_unlink (o.output);
      return cst_cli_fail (error);
    }
  g_printerr (_("custodian-cli: %lld invoiced requests written to %s\n"),
              (long long) cst_fee_report_summary_get_n_requests (summary), o.output);
  return EXIT_SUCCESS;
}
