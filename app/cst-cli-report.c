/* cst-cli-report.c — `custodian-cli report fees`: the fee justification
 * report for a period, headless, as PDF or CSV
 *
 * The export is recorded in the audit log (report.exported: period,
 * filters, format, number of requests) as the login that ran it; if the
 * audit row cannot be written no file is left and the command fails, so
 * no report leaves without a trace (cst_fee_report_export_file).  Exit status: 0 written, 1 the
 * report or its file failed, 2 for arguments that cannot be understood
 * (the message names the argument).
 */
#define G_LOG_DOMAIN "custodian-cli"

#include "config.h"

#include <string.h>

#include "custodian/cst-enums.h"
#include "custodian/cst-fee-report.h"
#include "custodian/cst-money.h"
#include "custodian/cst-input.h"

#include "cst-cli.h"

/* Long runs report progress after this long, then every page. */
#define PROGRESS_AFTER_USEC (2 * G_USEC_PER_SEC)

typedef struct
{
  char *from, *to, *state, *requester, *clerk, *status, *format, *output, *facility;
} ReportOptions;

static void
report_options_clear (ReportOptions *o)
{
  g_free (o->from); g_free (o->to); g_free (o->state); g_free (o->requester);
  g_free (o->clerk); g_free (o->status); g_free (o->format); g_free (o->output);
  g_free (o->facility);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ReportOptions, report_options_clear)

/* The nicks of an enumeration, "a, b, c", for a message naming what is
 * allowed. */
static char *
list_nicks (GType type)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < klass->n_values; i++)
    g_string_append_printf (s, "%s%s", i ? ", " : "", klass->values[i].value_nick);
  return g_string_free (s, FALSE);
}

static gboolean
is_nick (GType       type,
         const char *nick)
{
  int value;

  return cst_enum_from_nick (type, nick, &value);
}

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
  if (o->requester != NULL && !is_nick (CST_TYPE_REQUESTER_KIND, o->requester))
    {
      g_autofree char *classes = list_nicks (CST_TYPE_REQUESTER_KIND);

      return bad_argument (context, "--requester", o->requester, classes);
    }
  if (o->status != NULL && !is_nick (CST_TYPE_REQUEST_STATUS, o->status))
    {
      g_autofree char *statuses = list_nicks (CST_TYPE_REQUEST_STATUS);

      return bad_argument (context, "--status", o->status, statuses);
    }
  if (o->clerk != NULL && *o->clerk == '\0')
    return bad_argument (context, "--clerk", o->clerk, _("a database login"));
  if (o->facility != NULL && *o->facility == '\0')
    return bad_argument (context, "--facility", o->facility, _("a facility code"));
  if (g_strcmp0 (o->format, "pdf") != 0 && g_strcmp0 (o->format, "csv") != 0)
    return bad_argument (context, "--format", o->format, "pdf, csv");
  if (o->output == NULL || *o->output == '\0')
    return bad_argument (context, "--output", o->output, _("the file to write"));
  filter->jurisdiction = o->state;
  filter->requester = o->requester;
  filter->clerk = o->clerk;
  filter->status = o->status;
  filter->facility_code = o->facility;
  return EXIT_SUCCESS;
}

static void
print_progress (gint64   n_done,
                gpointer user_data)
{
  gint64 *started = user_data;

  if (g_get_monotonic_time () - *started >= PROGRESS_AFTER_USEC)
    g_printerr (ngettext ("custodian-cli: %lld request reported…\n", "custodian-cli: %lld requests reported…\n",
                          (gulong) n_done), (long long) n_done);
}

/* The per-facility totals (issue 22), one line each, by code. */
static void
print_facility_totals (const CstFeeReportSummary *summary)
{
  GPtrArray *facilities = cst_fee_report_summary_get_buckets (summary, "facility");

  for (guint i = 0; i < facilities->len; i++)
    {
      const CstFeeReportBucket *b = g_ptr_array_index (facilities, i);
      g_autofree char *money = cst_money_format (b->cents);

      g_printerr (ngettext ("custodian-cli: facility %s: %lld request, %s\n",
                            "custodian-cli: facility %s: %lld requests, %s\n", (gulong) b->n_requests),
                  b->key, (long long) b->n_requests, money);
    }
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
    { "clerk", 0, 0, G_OPTION_ARG_STRING, &o.clerk,
      N_("Only requests with an invoice issued by this database login"), N_("LOGIN") },
    { "status", 0, 0, G_OPTION_ARG_STRING, &o.status,
      N_("Only requests now in this status (released, denied, in_progress…)"), N_("STATUS") },
    { "facility", 0, 0, G_OPTION_ARG_STRING, &o.facility,
      N_("Only requests of this facility (its code); without it the whole system, "
         "with per-facility totals"), N_("CODE") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &o.format, N_("pdf or csv"), N_("FORMAT") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output, N_("The file to write"), N_("FILE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new (_("— the fee justification report for a period"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(CstFeeReportSummary) summary = NULL;
  g_autofree char *collected = NULL;
  g_autofree char *outstanding = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *report_conninfo = NULL;
  CstFeeReportFilter filter = { 0 };
  gint64 started = g_get_monotonic_time ();
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_options (context, &argc, &argv, &status))
    return status;
  if ((status = check_options (context, &o, &filter)) != EXIT_SUCCESS)
    return status;
  filter.progress = print_progress;
  filter.progress_data = &started;
  if (!(target = cst_cli_open_target (&error)) ||
      !cst_cli_choose_report_database (&report_conninfo, &error))
    return cst_cli_fail (error);
  if (!cst_fee_report_export_file_at (target->conninfo, report_conninfo, &filter,
                                      strcmp (o.format, "csv") == 0 ? CST_FEE_REPORT_FORMAT_CSV
                                                                    : CST_FEE_REPORT_FORMAT_PDF,
                                      o.output, &summary, &error))
    return cst_cli_fail (error);
  g_printerr (ngettext ("custodian-cli: %lld invoiced request written to %s\n",
                        "custodian-cli: %lld invoiced requests written to %s\n",
                        (gulong) cst_fee_report_summary_get_n_requests (summary)),
              (long long) cst_fee_report_summary_get_n_requests (summary), o.output);
  collected = cst_money_format (cst_fee_report_summary_get_collected_cents (summary));
  outstanding = cst_money_format (cst_fee_report_summary_get_outstanding_cents (summary));
  g_printerr (_("custodian-cli: collected %s, outstanding %s\n"), collected, outstanding);
  print_facility_totals (summary);
  return EXIT_SUCCESS;
}
