/* cst-cli-estimate.c — custodian-cli estimate render
 *
 *   custodian-cli estimate render --prices FILE --service CODE[xQTY]...
 *     (--self-pay | --payer NAME --plan NAME --deductible-remaining-cents N
 *      --coinsurance-percent P --copay-cents N --oop-remaining-cents N)
 *     --output FILE.pdf [--json FILE] [--date YYYY-MM-DD]
 *
 * The price list is read from the file directly (the hospital's CMS
 * standard charges CSV); no database is needed.  Exit status: 0 written,
 * 1 refused (a defect in the file, a code that cannot be priced), 2 for
 * arguments that cannot be understood.
 */
#define G_LOG_DOMAIN "custodian-cli"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "custodian/cst-estimate.h"
#include "custodian/cst-input.h"
#include "custodian/cst-money.h"
#include "custodian/cst-price-list.h"
#include "custodian/cst-private-file.h"

#include "cst-cli.h"

typedef struct
{
  char     *prices;
  char    **services;
  gboolean  self_pay;
  char     *payer;
  char     *plan;
  gint64    deductible;
  char     *coinsurance;
  gint64    copay;
  gint64    oop;
  char     *output;
  char     *json;
  char     *date;
} Options;

static void
options_clear (Options *o)
{
  g_free (o->prices);
  g_strfreev (o->services);
  g_free (o->payer);
  g_free (o->plan);
  g_free (o->coinsurance);
  g_free (o->output);
  g_free (o->json);
  g_free (o->date);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Options, options_clear)

/* "20" or "12.5" percent as hundredths of a percent, 0 to 100. */
static gboolean
parse_percent (const char *text,
               gint64     *hundredths)
{
  const char *dot = strchr (text, '.');
  g_autofree char *whole = g_strndup (text, dot ? (gsize) (dot - text) : strlen (text));
  guint64 w = 0, f = 0;

  if (!g_ascii_string_to_unsigned (whole, 10, 0, 100, &w, NULL))
    return FALSE;
  if (dot != NULL)
    {
      gsize n = strlen (dot + 1);
      if (n < 1 || n > 2 || !g_ascii_string_to_unsigned (dot + 1, 10, 0, 99, &f, NULL))
        return FALSE;
      f *= n == 1 ? 10 : 1;
    }
  *hundredths = (gint64) (w * 100 + f);
  return *hundredths <= 10000;
}

/* The insured options: all of them, or --self-pay and none of them. */
static const char *
check_coverage_options (const Options *o)
{
  gboolean any = o->payer || o->plan || o->coinsurance || o->deductible >= 0 || o->copay >= 0 ||
                 o->oop >= 0;
  gboolean all = o->payer && o->plan && o->coinsurance && o->deductible >= 0 && o->copay >= 0 &&
                 o->oop >= 0;

  if (o->self_pay && any)
    return _("--self-pay takes none of the plan's options");
  if (!o->self_pay && !all)
    return _("give --self-pay, or --payer, --plan, --deductible-remaining-cents, "
             "--coinsurance-percent, --copay-cents and --oop-remaining-cents");
  return NULL;
}

static int
report_problems (GPtrArray *problems,
                 GError    *error)
{
  for (guint i = 0; problems && i < problems->len; i++)
    {
      g_autofree char *line = cst_csv_problem_format (g_ptr_array_index (problems, i));
      g_printerr ("  %s\n", line);
    }
  return cst_cli_fail (error);
}

static gboolean
write_outputs (const CstEstimate *estimate,
               const Options     *o,
               const GDate       *issued,
               GError           **error)
{
  g_autoptr(GBytes) pdf = cst_estimate_render_pdf (estimate, issued, error);
  gsize size = 0;
  const void *data;

  if (pdf == NULL)
    return FALSE;
  data = g_bytes_get_data (pdf, &size);
  if (!cst_private_file_write (o->output, data, (gssize) size, error))
    return FALSE;
  if (o->json != NULL)
    {
      g_autofree char *json = cst_estimate_to_json (estimate);
      if (!cst_private_file_write (o->json, json, -1, error))
        return FALSE;
    }
  return TRUE;
}

static void
print_summary (const CstEstimate *estimate)
{
  if (estimate->self_pay)
    {
      g_autofree char *total = cst_money_format (estimate->gfe_total_cents);
      g_print (_("Good Faith Estimate: %s.\n"), total);
    }
  else
    {
      g_autofree char *patient = cst_money_format (estimate->patient_cents);
      g_autofree char *plan = cst_money_format (estimate->plan_cents);
      g_print (_("Estimate: the patient pays %s, the plan %s.\n"), patient, plan);
    }
}

int
cst_cli_estimate_render (int    argc,
                         char **argv)
{
  g_auto(Options) o = { .deductible = -1, .copay = -1, .oop = -1 };
  const GOptionEntry entries[] = {
    { "prices", 0, 0, G_OPTION_ARG_FILENAME, &o.prices, N_("The hospital's standard charges file (CMS CSV, tall layout)"), N_("FILE") },
    { "service", 's', 0, G_OPTION_ARG_STRING_ARRAY, &o.services, N_("A service by its code, with a quantity after “x” (repeat for each)"), N_("CODE[xQTY]") },
    { "self-pay", 0, 0, G_OPTION_ARG_NONE, &o.self_pay, N_("Uninsured or self-pay: the Good Faith Estimate"), NULL },
    { "payer", 0, 0, G_OPTION_ARG_STRING, &o.payer, N_("The insurer, as the price list names it"), N_("NAME") },
    { "plan", 0, 0, G_OPTION_ARG_STRING, &o.plan, N_("The plan, as the price list names it"), N_("NAME") },
    { "deductible-remaining-cents", 0, 0, G_OPTION_ARG_INT64, &o.deductible, N_("Deductible still to meet this year, in cents"), N_("CENTS") },
    { "coinsurance-percent", 0, 0, G_OPTION_ARG_STRING, &o.coinsurance, N_("Coinsurance percent, such as 20 or 12.5"), N_("P") },
    { "copay-cents", 0, 0, G_OPTION_ARG_INT64, &o.copay, N_("Copay for the visit, in cents"), N_("CENTS") },
    { "oop-remaining-cents", 0, 0, G_OPTION_ARG_INT64, &o.oop, N_("Out-of-pocket maximum still to reach, in cents"), N_("CENTS") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output, N_("Write the PDF here"), N_("OUT.pdf") },
    { "json", 0, 0, G_OPTION_ARG_FILENAME, &o.json, N_("Also write the amounts as JSON here"), N_("FILE") },
    { "date", 0, 0, G_OPTION_ARG_STRING, &o.date, N_("Date the estimate is given (default today)"), N_("YYYY-MM-DD") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("— estimate what a patient will owe before care"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(CstPriceList) prices = NULL;
  g_autoptr(CstEstimate) estimate = NULL;
  g_autoptr(GArray) services = g_array_new (FALSE, FALSE, sizeof (CstEstimateService));
  g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);
  CstEstimateCoverage coverage = { 0 };
  const char *wrong;
  int status = 0;
  GDate issued;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_options (context, &argc, &argv, &status))
    return status;
  if (o.prices == NULL || o.output == NULL || o.services == NULL)
    return cst_cli_usage_error (context, _("--prices, --service and --output are required"));
  if ((wrong = check_coverage_options (&o)) != NULL)
    return cst_cli_usage_error (context, wrong);
  if (!o.self_pay && !parse_percent (o.coinsurance, &coverage.coinsurance_hundredths))
    return cst_cli_usage_error (context, _("--coinsurance-percent must be a number from 0 to 100 "
                                           "with at most two decimals"));
  g_date_clear (&issued, 1);
  if (o.date == NULL)
    cst_input_today (&issued);
  else if (!cst_input_parse_date (o.date, &issued, &error))
    return cst_cli_usage_error (context, error->message);
  for (guint i = 0; o.services[i] != NULL; i++)
    {
      CstEstimateService service = { NULL, 0 };
      char *code = NULL;

      if (!cst_estimate_parse_service (o.services[i], &code, &service.quantity, &error))
        return cst_cli_usage_error (context, error->message);
      g_ptr_array_add (codes, code);
      service.code = code;
      g_array_append_val (services, service);
    }

  if (!(prices = cst_price_list_import_file (o.prices, &problems, &error)))
    return report_problems (problems, error);
  coverage.payer_name = o.payer;
  coverage.plan_name = o.plan;
  coverage.deductible_remaining_cents = o.deductible;
  coverage.copay_cents = o.copay;
  coverage.oop_remaining_cents = o.oop;
  estimate = o.self_pay
    ? cst_estimate_new_self_pay (prices, (CstEstimateService *) services->data, services->len, &error)
    : cst_estimate_new_insured (prices, (CstEstimateService *) services->data, services->len,
                                &coverage, &error);
  if (estimate == NULL || !write_outputs (estimate, &o, &issued, &error))
    return cst_cli_fail (error);
  print_summary (estimate);
  return EXIT_SUCCESS;
}
