/* cst-cli-payment.c — custodian-cli payment add, list, receipt, settings
 *
 * Payments and refunds against a request's invoices, headless: record one
 * (a negative amount is a refund, with --reason), list them with the
 * balances, write a receipt as PDF, and show or change the hospital's
 * payment rules (administrators).  The server checks every step
 * (0071); a refusal is printed and the exit status is 1.  The output and
 * the --json object are stable: add, never rename.  Billing may hold a
 * third party's request until it is paid (payment hold); the server
 * refuses a hold on the individual's own request, whoever asks.
 */
#define G_LOG_DOMAIN "custodian-cli"

#include "config.h"

#include "custodian/cst-input.h"
#include "custodian/cst-json-writer.h"
#include "custodian/cst-money.h"
#include "custodian/cst-payment.h"

#include "cst-cli.h"

#define METHOD_CHOICES "cash, check, card, money-order, bank-transfer, other"

int
cst_cli_payment_add (int    argc,
                     char **argv)
{
  g_autofree char *reference = NULL;
  g_autofree char *amount = NULL;
  g_autofree char *method = NULL;
  g_autofree char *slip = NULL;
  g_autofree char *invoice = NULL;
  g_autofree char *date = NULL;
  g_autofree char *reason = NULL;
  const GOptionEntry entries[] = {
    { "request", 'r', 0, G_OPTION_ARG_STRING, &reference, N_("The request's reference"), N_("REF") },
    { "amount", 'a', 0, G_OPTION_ARG_STRING, &amount,
      N_("Dollars and cents paid; negative for a refund"), N_("12.34") },
    { "method", 'm', 0, G_OPTION_ARG_STRING, &method, N_("cash, check, card, money-order, bank-transfer or other"), N_("METHOD") },
    { "reference", 0, 0, G_OPTION_ARG_STRING, &slip,
      N_("The check number, card slip or transfer reference"), N_("TEXT") },
    { "invoice", 'i', 0, G_OPTION_ARG_STRING, &invoice,
      N_("The invoice paid (default: the oldest that still owes)"), N_("NUMBER") },
    { "date", 'd', 0, G_OPTION_ARG_STRING, &date, N_("The day it was paid (default: today)"),
      N_("YYYY-MM-DD") },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("Why a refund is given (required for one)"),
      N_("TEXT") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new (_("— record a payment or a refund against a request's invoice"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(CstPayment) payment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *money = NULL;
  g_autofree char *id = NULL;
  CstPaymentEntry entry = { 0 };
  GDate paid_on;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return cst_cli_usage_error (context, error->message);
  if (reference == NULL || amount == NULL || method == NULL)
    return cst_cli_usage_error (context, _("--request, --amount and --method are required"));
  if (!cst_input_parse_money (amount, &entry.amount_cents, &error))
    return cst_cli_usage_error (context, error->message);
  if (!cst_payment_method_from_nick (method, &entry.method))
    return cst_cli_bad_choice (context, "--method", method, METHOD_CHOICES);
  if (date != NULL)
    {
      if (!cst_input_parse_date (date, &paid_on, &error))
        return cst_cli_usage_error (context, error->message);
      entry.paid_on = &paid_on;
    }
  entry.invoice_number = invoice;
  entry.reference = slip;
  entry.reason = reason;

  if (!(target = cst_cli_open_target (&error)) ||
      !(payment = cst_payment_record_at (target->conninfo, reference, &entry, &error)))
    return cst_cli_fail (error);
  money = cst_money_format (ABS (payment->amount_cents));
  id = g_strdup_printf ("%" G_GINT64_FORMAT, payment->id);
  if (payment->amount_cents > 0)
    g_print (_("Recorded payment %s of %s against invoice %s.\n"), id, money,
             payment->invoice_number);
  else
    g_print (_("Recorded refund %s of %s against invoice %s.\n"), id, money,
             payment->invoice_number);
  return EXIT_SUCCESS;
}

static void
write_balance_json (CstJsonWriter           *w,
                    const CstInvoiceBalance *b)
{
  g_autofree char *issued = cst_input_format_date (&b->issued_on);

  cst_json_writer_begin_object (w);
  cst_json_writer_key (w, "number");
  cst_json_writer_string (w, b->number);
  cst_json_writer_key (w, "request");
  cst_json_writer_string (w, b->reference);
  cst_json_writer_key (w, "issued_on");
  cst_json_writer_string (w, issued);
  cst_json_writer_key (w, "charged_cents");
  cst_json_writer_int (w, b->charged_cents);
  cst_json_writer_key (w, "paid_cents");
  cst_json_writer_int (w, b->paid_cents);
  cst_json_writer_key (w, "balance_cents");
  cst_json_writer_int (w, b->balance_cents);
  cst_json_writer_end_object (w);
}

static void
write_payment_json (CstJsonWriter    *w,
                    const CstPayment *p)
{
  g_autofree char *paid_on = cst_input_format_date (&p->paid_on);
  g_autofree char *recorded_at = g_date_time_format_iso8601 (p->recorded_at);

  cst_json_writer_begin_object (w);
  cst_json_writer_key (w, "id");
  cst_json_writer_int (w, p->id);
  cst_json_writer_key (w, "invoice");
  cst_json_writer_string (w, p->invoice_number);
  cst_json_writer_key (w, "amount_cents");
  cst_json_writer_int (w, p->amount_cents);
  cst_json_writer_key (w, "paid_on");
  cst_json_writer_string (w, paid_on);
  cst_json_writer_key (w, "method");
  cst_json_writer_string (w, cst_payment_method_to_nick (p->method));
  cst_json_writer_key (w, "reference");
  if (p->reference)
    cst_json_writer_string (w, p->reference);
  else
    cst_json_writer_null (w);
  cst_json_writer_key (w, "reason");
  if (p->reason)
    cst_json_writer_string (w, p->reason);
  else
    cst_json_writer_null (w);
  cst_json_writer_key (w, "recorded_by");
  cst_json_writer_string (w, p->recorded_by);
  cst_json_writer_key (w, "recorded_at");
  cst_json_writer_string (w, recorded_at);
  cst_json_writer_end_object (w);
}

static void
write_balances_json (CstJsonWriter *w,
                     const char    *key,
                     GPtrArray     *balances)
{
  cst_json_writer_key (w, key);
  cst_json_writer_begin_array (w);
  for (guint i = 0; i < balances->len; i++)
    write_balance_json (w, g_ptr_array_index (balances, i));
  cst_json_writer_end_array (w);
}

static void
print_json (const char              *reference,
            const CstPaymentAccount *account)
{
  g_autoptr(GString) out = g_string_new (NULL);
  CstJsonWriter w;

  cst_json_writer_init (&w, out);
  cst_json_writer_begin_object (&w);
  cst_json_writer_key (&w, "request");
  cst_json_writer_string (&w, reference);
  cst_json_writer_key (&w, "charged_cents");
  cst_json_writer_int (&w, account->charged_cents);
  cst_json_writer_key (&w, "paid_cents");
  cst_json_writer_int (&w, account->paid_cents);
  cst_json_writer_key (&w, "balance_cents");
  cst_json_writer_int (&w, account->balance_cents);
  cst_json_writer_key (&w, "individuals_own_request");
  cst_json_writer_bool (&w, account->individuals);
  cst_json_writer_key (&w, "waits_for_payment");
  cst_json_writer_bool (&w, account->waits_for_payment);
  write_balances_json (&w, "invoices", account->invoices);
  cst_json_writer_key (&w, "payments");
  cst_json_writer_begin_array (&w);
  for (guint i = 0; i < account->payments->len; i++)
    write_payment_json (&w, g_ptr_array_index (account->payments, i));
  cst_json_writer_end_array (&w);
  write_balances_json (&w, "requester_unpaid", account->unpaid_elsewhere);
  cst_json_writer_end_object (&w);
  g_print ("%s\n", out->str);
}

static void
print_text (const CstPaymentAccount *account)
{
  g_autofree char *charged = cst_money_format (account->charged_cents);
  g_autofree char *paid = cst_money_format (account->paid_cents);
  g_autofree char *balance = cst_money_format (account->balance_cents);

  for (guint i = 0; i < account->payments->len; i++)
    {
      const CstPayment *p = g_ptr_array_index (account->payments, i);
      g_autofree char *money = cst_money_format (p->amount_cents);
      g_autofree char *day = cst_input_format_date (&p->paid_on);

      g_print ("%" G_GINT64_FORMAT "\t%s\t%s\t%s\t%s\t%s\t%s\n", p->id, day, p->invoice_number,
               money, cst_payment_method_to_nick (p->method), p->reference ? p->reference : "",
               p->recorded_by);
    }
  g_print (_("Charged %s, paid %s, balance %s.\n"), charged, paid, balance);
  if (account->individuals)
    g_print (_("The individual's own request: its release never waits for payment.\n"));
  else if (account->waits_for_payment)
    g_print (_("Its release waits for payment.\n"));
  if (account->unpaid_elsewhere->len > 0)
    g_print (g_dngettext (NULL,
                          "The requester has %u invoice unpaid for more than %u days.\n",
                          "The requester has %u invoices unpaid for more than %u days.\n",
                          account->unpaid_elsewhere->len),
             account->unpaid_elsewhere->len, account->unpaid_flag_days);
}

int
cst_cli_payment_list (int    argc,
                      char **argv)
{
  g_autofree char *reference = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    CST_CLI_REQUEST_OPTION (reference),
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new (_("— list a request's payments and refunds, with its balance"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(CstPaymentAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_request (context, &argc, &argv, &reference, TRUE, &status))
    return status;
  if (!(target = cst_cli_open_target (&error)) ||
      !(account = cst_payment_account_load_at (target->conninfo, reference, &error)))
    return cst_cli_fail (error);
  if (json)
    print_json (reference, account);
  else
    print_text (account);
  return EXIT_SUCCESS;
}

int
cst_cli_payment_receipt (int    argc,
                         char **argv)
{
  g_autofree char *reference = NULL;
  g_autofree char *output = NULL;
  gint64 id = 0;
  const GOptionEntry entries[] = {
    { "request", 'r', 0, G_OPTION_ARG_STRING, &reference, N_("The request's reference"), N_("REF") },
    { "id", 0, 0, G_OPTION_ARG_INT64, &id, N_("The payment's or refund's number"), N_("ID") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("The PDF file to write"), N_("FILE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new (_("— write the receipt of a payment or refund as PDF"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return cst_cli_usage_error (context, error->message);
  if (reference == NULL || id <= 0 || output == NULL)
    return cst_cli_usage_error (context, _("--request, --id and --output are required"));
  if (!(target = cst_cli_open_target (&error)) ||
      !cst_payment_receipt_save_at (target->conninfo, reference, id, output, &error))
    return cst_cli_fail (error);
  g_print (_("Wrote %s\n"), output);
  return EXIT_SUCCESS;
}

int
cst_cli_payment_settings (int    argc,
                          char **argv)
{
  g_autofree char *pay_first = NULL;
  int flag_days = 0;
  const GOptionEntry entries[] = {
    { "third-party-pays-first", 0, 0, G_OPTION_ARG_STRING, &pay_first,
      N_("yes: a third party's release waits for payment; no: it does not"), N_("yes|no") },
    { "unpaid-flag-days", 0, 0, G_OPTION_ARG_INT, &flag_days,
      N_("Flag a third party whose invoices are unpaid this many days"), N_("DAYS") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new (_("— show or change the hospital's payment rules (changes: administrators)"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(GError) error = NULL;
  CstPaymentSettings settings;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return cst_cli_usage_error (context, error->message);
  if (pay_first && g_strcmp0 (pay_first, "yes") != 0 && g_strcmp0 (pay_first, "no") != 0)
    return cst_cli_bad_choice (context, "--third-party-pays-first", pay_first, "yes, no");
  if (flag_days < 0 || flag_days > 3650)
    return cst_cli_usage_error (context, _("--unpaid-flag-days must be between 1 and 3650"));
  if (!(target = cst_cli_open_target (&error)) ||
      !cst_payment_settings_load_at (target->conninfo, &settings, &error))
    return cst_cli_fail (error);
  if (pay_first || flag_days > 0)
    {
      if (pay_first)
        settings.third_party_pays_first = g_str_equal (pay_first, "yes");
      if (flag_days > 0)
        settings.unpaid_flag_days = (guint) flag_days;
      if (!cst_payment_settings_save_at (target->conninfo, &settings, &error))
        return cst_cli_fail (error);
    }
  g_print (_("Third parties pay before release: %s\n"),
           settings.third_party_pays_first ? _("yes") : _("no"));
  g_print (_("A third party is flagged after invoices unpaid for: %u days\n"),
           settings.unpaid_flag_days);
  return EXIT_SUCCESS;
}

int
cst_cli_payment_hold (int    argc,
                      char **argv)
{
  g_autofree char *reference = NULL;
  g_autofree char *reason = NULL;
  gboolean lift = FALSE;
  const GOptionEntry entries[] = {
    { "request", 'r', 0, G_OPTION_ARG_STRING, &reference, N_("The request's reference"), N_("REF") },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("Why the release waits for payment"),
      N_("TEXT") },
    { "lift", 0, 0, G_OPTION_ARG_NONE, &lift, N_("Lift the request's hold instead"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new (_("— hold a third party's request until it is paid (billing, administrators)"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return cst_cli_usage_error (context, error->message);
  if (reference == NULL || (lift == (reason != NULL)))
    return cst_cli_usage_error (context, _("--request and either --reason or --lift are required"));
  if (!(target = cst_cli_open_target (&error)))
    return cst_cli_fail (error);
  if (lift)
    {
      if (!cst_payment_hold_lift_at (target->conninfo, reference, &error))
        return cst_cli_fail (error);
      g_print (_("No payment hold on %s any more.\n"), reference);
      return EXIT_SUCCESS;
    }
  if (!cst_payment_hold_place_at (target->conninfo, reference, reason, &error))
    return cst_cli_fail (error);
  g_print (_("%s is held: its release waits until its invoices are paid.\n"), reference);
  return EXIT_SUCCESS;
}
