/* cst-cli-statement.c — custodian-cli statement render
 *
 *   custodian-cli statement render BILL.csv --template NAME --output OUT.pdf
 *                 [--json SUMMARY.json] [--language en|es] [account options]
 *                 [--remittance FILE [--claim ID]]
 *
 * The template comes from the database when it can be reached, else from
 * the template shipped with Custodian.  The hospital's name, address,
 * phone and payment link are the facility's, from the database; a
 * statement is refused while one of them is blank.  Account fields not in the CSV are options; visit dates
 * default to the span of the service dates, the statement date to today
 * and the due date to 30 days later.
 *
 * With --remittance (an X12 835 or a CARIN ExplanationOfBenefit, told
 * apart by content) the statement explains why the patient owes what
 * they owe; --claim then picks the claim by patient control number or
 * payer claim number.  A claim whose total charge is not the bill's is
 * refused.
 *
 * With --estimate (the JSON `estimate render --json` wrote for the visit)
 * the statement compares this bill with the estimate, and prints the
 * patient-provider dispute notice for a self-pay patient billed $400.00
 * or more above the Good Faith Estimate; its deadline is 120 days after
 * --first-bill-date (default: this statement's date).
 *
 * --first-bill-date also ages the balance: 30, 60 and 90 days after it
 * (the template's own numbers) the statement is a reminder, past due, a
 * final notice naming the first day it may go to collections.
 *
 * With --household and --income-cents the patient is screened for
 * financial assistance under the hospital's policy (--assistance-policy
 * FILE, else the database's in effect on the statement's date: 0088,
 * `statement policy-store`; the example shipped while none is stored); an eligible
 * patient's statement takes the discount off, never asks more than AGB,
 * and offers the plan the household can afford.
 *
 * Every statement made here carries its own pay link and QR code: a
 * token the database issues (statement_pay_tokens, 0073) after the
 * facility's payment address.  The login must be billing's or an
 * administrator's.  --no-pay-link makes a draft for review instead: the
 * payment address alone, no token, no QR code; do not send it.
 */
#define G_LOG_DOMAIN "custodian-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

#include "custodian/cst-assistance.h"
#include "custodian/cst-assistance-repo.h"
#include "custodian/cst-bill.h"
#include "custodian/cst-error.h"
#include "custodian/cst-facility.h"
#include "custodian/cst-input.h"
#include "custodian/cst-money.h"
#include "custodian/cst-private-file.h"
#include "custodian/cst-statement-estimate.h"
#include "custodian/cst-statement-pay.h"
#include "custodian/cst-statement-pdf.h"
#include "custodian/cst-statement.h"

#include "cst-cli.h"

typedef struct
{
  char     *template_name;
  char     *facility;       /* its code; NULL: the default facility */
  char     *remittance;
  char     *estimate;
  char     *first_bill_date;
  char     *output;
  char     *json;
  char     *language;
  char     *patient;
  char     *guarantor;
  char     *account;
  char     *payer;
  char     *claim;
  char     *visit;
  char     *statement_date;
  char     *due_date;
  char     *assistance_policy;
  int       household;
  gint64    income;
  gint64    paid;
  gint64    claim_paid;
  gint64    claim_adjustment;
  gint64    fap;
  int       sequence;
  gboolean  claim_level;
  gboolean  pending;
  gboolean  offline;
  gboolean  no_pay_link;
} Options;

static void
options_clear (Options *o)
{
  g_free (o->template_name);
  g_free (o->remittance);
  g_free (o->estimate);
  g_free (o->first_bill_date);
  g_free (o->output);
  g_free (o->json);
  g_free (o->language);
  g_free (o->facility);
  g_free (o->patient);
  g_free (o->guarantor);
  g_free (o->account);
  g_free (o->payer);
  g_free (o->claim);
  g_free (o->visit);
  g_free (o->statement_date);
  g_free (o->due_date);
  g_free (o->assistance_policy);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Options, options_clear)

/* The database's template, else the shipped one; says which on stderr.
 * Either way the hospital's details are the facility's, from the
 * database: without them the statement is refused, naming what is
 * missing, rather than printed with blanks. */
static CstStatementTemplate *
load_template (const Options  *o,
               GError        **error)
{
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(GError) db_error = NULL;
  g_autoptr(GError) template_error = NULL;
  g_autoptr(CstFacility) facility = NULL;
  CstStatementTemplate *tpl = NULL;

  if ((target = cst_cli_open_target (&db_error)) != NULL)
    cst_facility_load_for_statement_at (target->conninfo, o->facility,
                                        o->offline ? NULL : o->template_name,
                                        o->language, &facility, &db_error, &tpl, &template_error);
  if (tpl != NULL)
    g_printerr (_("Using template “%s” (%s) version %d from the database.\n"),
                o->template_name, o->language, cst_statement_template_get_version (tpl));
  if (!o->offline && (template_error != NULL || db_error != NULL) && tpl == NULL)
    g_printerr (_("Template not taken from the database (%s); using the shipped one.\n"),
                (template_error ? template_error : db_error)->message);
  if (tpl == NULL && (tpl = cst_statement_template_new_builtin (o->template_name, o->language, error)) == NULL)
    return NULL;
  if (facility != NULL)
    cst_facility_apply_to_statement (facility, tpl);
  else
    g_printerr (_("The facility's details could not be read from the database (%s).\n"),
                db_error->message);
  return tpl;
}

static gboolean
parse_date_option (const char  *text,
                   GDate       *date,
                   GError     **error)
{
  if (text == NULL)
    return TRUE;
  return cst_input_parse_date (text, date, error);
}

static gboolean
apply_account (CstBill        *bill,
               const Options  *o,
               GError        **error)
{
  GDate today;

  cst_bill_set_text (&bill->patient_name, o->patient);
  cst_bill_set_text (&bill->guarantor_name, o->guarantor);
  cst_bill_set_text (&bill->account_number, o->account);
  cst_bill_set_text (&bill->payer_name, o->payer);
  cst_bill_set_text (&bill->claim_number, o->claim);
  if (o->visit && !cst_visit_type_from_nick (o->visit, &bill->visit_type))
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("--visit must be emergency, outpatient, inpatient or observation"));
      return FALSE;
    }
  if (!parse_date_option (o->statement_date, &bill->statement_date, error) ||
      !parse_date_option (o->due_date, &bill->due_date, error))
    return FALSE;
  bill->patient_payments_cents = o->paid;
  bill->fap_adjustment_cents = o->fap;
  bill->claim_insurer_paid_cents = o->claim_paid;
  bill->claim_adjustment_cents = o->claim_adjustment;
  bill->claim_status = o->pending ? CST_CLAIM_PENDING : CST_CLAIM_PROCESSED;
  bill->statement_sequence = (guint) MAX (o->sequence, 1);
  if (!parse_date_option (o->first_bill_date, &bill->first_statement_date, error))
    return FALSE;
  cst_input_today (&today);
  cst_bill_fill_defaults (bill, &today);
  return TRUE;
}

/* The remittance and its claim, named on the bill where the options
 * leave the payer or the claim number out. */
static CstRemittance *
load_remittance (const Options  *o,
                 CstBill        *bill,
                 GError        **error)
{
  g_autofree char *data = NULL;
  gsize length = 0;
  g_autoptr(CstRemittance) remittance = NULL;
  const CstRemittanceClaim *claim;

  if (!g_file_get_contents (o->remittance, &data, &length, error) ||
      !(remittance = cst_remittance_parse (data, length, error)) ||
      !(claim = cst_remittance_find_claim (remittance, o->claim, error)))
    return NULL;
  if (bill->payer_name == NULL)
    cst_bill_set_text (&bill->payer_name, remittance->payer);
  if (o->claim == NULL)
    cst_bill_set_text (&bill->claim_number, claim->payer_claim_number);
  return g_steal_pointer (&remittance);
}

/* The statement's own pay link, issued by the database, unless the
 * statement shows no online payment line or is a draft (--no-pay-link). */
static gboolean
issue_pay_link (const Options  *o,
                CstStatement   *st,
                GError        **error)
{
  g_autoptr(CstDatabaseTarget) target = NULL;
  const char *online = cst_statement_template_get_text (st->template, "pay-online");

  if (o->no_pay_link || !cst_statement_template_has_section (st->template, CST_SECTION_WAYS_TO_PAY) ||
      strstr (online, "{url_pay}") == NULL)
    return TRUE;
  /* No token for a statement that will not be made for want of the
   * hospital's details. */
  if (!cst_facility_check_statement (st->template, error))
    return FALSE;
  if ((target = cst_cli_open_target (error)) == NULL ||
      !cst_statement_issue_pay_link_at (target->conninfo, st, error))
    {
      g_prefix_error (error, _("No pay link for this statement, so no statement: "));
      return FALSE;
    }
  return TRUE;
}

/* The hospital's policy in effect on @day, from the database (0088; the
 * shipped one while none is stored); the shipped one, said on stderr,
 * when the database cannot be reached. */
static CstAssistancePolicy *
policy_in_effect (const GDate  *day,
                  GError      **error)
{
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(CstAssistancePolicyVersion) version = NULL;
  g_autoptr(GError) db_error = NULL;

  if (!(target = cst_cli_open_target (&db_error)))
    {
      g_printerr (_("The financial-assistance policy was not read from the database (%s); "
                    "using the one shipped.\n"), db_error->message);
      return cst_assistance_policy_new_default (error);
    }
  if (!(version = cst_assistance_policy_repo_in_effect_at (target->conninfo, day, error)))
    return NULL;
  return cst_assistance_policy_ref (version->policy);
}

/* The screening, on the statement's date, when the household was given;
 * its result in words on stdout. */
static gboolean
screen_household (const Options           *o,
                  CstBill                 *bill,
                  CstAssistanceScreening  *screening,
                  GError                 **error)
{
  g_autoptr(CstAssistancePolicy) policy = NULL;
  g_autofree char *said = NULL;

  if (o->household == 0)
    return TRUE;
  if (o->assistance_policy != NULL)
    {
      g_autofree char *data = NULL;
      gsize length = 0;

      if (!g_file_get_contents (o->assistance_policy, &data, &length, error) ||
          !(policy = cst_assistance_policy_new_from_data (data, length, error)))
        return FALSE;
    }
  else if (!(policy = policy_in_effect (&bill->statement_date, error)))
    return FALSE;
  if (o->household < 0 ||
      !cst_assistance_screen (policy, (guint) o->household, o->income, &bill->statement_date,
                              screening, error))
    {
      if (o->household < 0)
        g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT, _("The household size must be from 1 to 99."));
      return FALSE;
    }
  said = cst_assistance_screening_describe (screening);
  g_print (_("Financial assistance: %s\n"), said);
  return TRUE;
}

/* The visit's estimate, compared with this bill. */
static gboolean
apply_estimate (const Options  *o,
                CstStatement   *st,
                GError        **error)
{
  g_autofree char *data = NULL;
  gsize length = 0;
  CstEstimateSummary summary;
  GDate first;

  if (o->estimate == NULL)
    return TRUE;
  g_date_clear (&first, 1);
  if (!g_file_get_contents (o->estimate, &data, &length, error) ||
      !cst_estimate_summary_parse (data, length, &summary, error) ||
      (o->first_bill_date && !cst_input_parse_date (o->first_bill_date, &first, error)))
    return FALSE;
  cst_statement_set_estimate (st, &summary, o->first_bill_date ? &first : NULL);
  return TRUE;
}

static int
report_import_problems (GPtrArray *problems,
                        GError    *error)
{
  for (guint i = 0; problems && i < problems->len; i++)
    {
      g_autofree char *line = cst_csv_problem_format (g_ptr_array_index (problems, i));
      g_printerr ("  %s\n", line);
    }
  return cst_cli_fail (error);
}

static void
print_summary (CstStatement *st)
{
  g_autofree char *due = cst_money_format (st->amount_due_cents);
  g_autofree char *charges = cst_money_format (st->total_charges_cents);
  g_autofree char *lines = g_strdup_printf (ngettext ("%u line", "%u lines", st->bill->lines->len),
                                            st->bill->lines->len);
  g_autofree char *categories = g_strdup_printf (ngettext ("%u category", "%u categories",
                                                           st->categories->len),
                                                 st->categories->len);

  g_print (_("Statement: %s in %s; charges %s; amount due %s; %s.\n"), lines, categories, charges, due,
           st->reconciled ? _("totals reconcile") : _("TOTALS DO NOT RECONCILE"));
  if (st->readability.scored && st->readability.formula == CST_READABILITY_INFLESZ)
    g_print (_("Readability: Szigriszt-Pazos %.1f on the INFLESZ scale, %s (%u words).\n"),
             st->readability.perspicuity, cst_readability_inflesz_band (st->readability.perspicuity),
             st->readability.words);
  else if (st->readability.scored)
    g_print (_("Readability: grade %.1f, reading ease %.1f (%u words).\n"),
             st->readability.grade, st->readability.reading_ease, st->readability.words);
  if (st->variant == CST_VARIANT_FINAL_NOTICE)
    {
      char date[16];
      g_date_strftime (date, sizeof date, "%Y-%m-%d", &st->collections_date);
      g_print (_("Final notice: not to collections before %s.\n"), date);
    }
  if (st->assisted)
    {
      g_autofree char *help = cst_money_format (st->assistance_cents);
      g_autofree char *agb = cst_money_format (st->agb_limit_cents);
      g_print (_("Financial help taken off: %s; never more than %s (AGB).\n"), help, agb);
    }
  if (st->pay_link != NULL)
    g_print (_("Pay link: %s\n"), st->pay_link);
  for (guint i = 0; i < st->flags->len; i++)
    g_print (_("Review: %s\n"), ((CstStatementFlag *) g_ptr_array_index (st->flags, i))->message);
}

int
cst_cli_statement_render (int    argc,
                          char **argv)
{
  g_auto(Options) o = { 0 };
  const GOptionEntry entries[] = {
    { "template", 't', 0, G_OPTION_ARG_STRING, &o.template_name, N_("Statement template (default “standard”)"), N_("NAME") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output, N_("Write the PDF here"), N_("OUT.pdf") },
    { "json", 0, 0, G_OPTION_ARG_FILENAME, &o.json, N_("Also write a JSON summary here"), N_("SUMMARY.json") },
    { "language", 'l', 0, G_OPTION_ARG_STRING, &o.language, N_("Statement language: en or es"), N_("LANG") },
    { "facility", 0, 0, G_OPTION_ARG_STRING, &o.facility, N_("Print the details of the facility with this code (default: the default facility)"), N_("CODE") },
    { "offline", 0, 0, G_OPTION_ARG_NONE, &o.offline, N_("Use the shipped template, not the database's (the facility's details still come from the database)"), NULL },
    { "patient", 0, 0, G_OPTION_ARG_STRING, &o.patient, N_("Patient name"), N_("NAME") },
    { "guarantor", 0, 0, G_OPTION_ARG_STRING, &o.guarantor, N_("Guarantor, when not the patient"), N_("NAME") },
    { "account", 0, 0, G_OPTION_ARG_STRING, &o.account, N_("Account number"), N_("NUMBER") },
    { "payer", 0, 0, G_OPTION_ARG_STRING, &o.payer, N_("Insurance plan name"), N_("NAME") },
    { "claim", 0, 0, G_OPTION_ARG_STRING, &o.claim, N_("Claim number; with --remittance, the claim to explain (patient control number or payer claim number)"), N_("NUMBER") },
    { "remittance", 0, 0, G_OPTION_ARG_FILENAME, &o.remittance, N_("The payer’s remittance for the claim: an X12 835 or a FHIR ExplanationOfBenefit"), N_("FILE") },
    { "visit", 0, 0, G_OPTION_ARG_STRING, &o.visit, N_("emergency, outpatient, inpatient or observation"), N_("TYPE") },
    { "statement-date", 0, 0, G_OPTION_ARG_STRING, &o.statement_date, N_("Statement date (default today)"), N_("YYYY-MM-DD") },
    { "due-date", 0, 0, G_OPTION_ARG_STRING, &o.due_date, N_("Due date (default 30 days later)"), N_("YYYY-MM-DD") },
    { "paid", 0, 0, G_OPTION_ARG_INT64, &o.paid, N_("Payments the patient already made, in cents"), N_("CENTS") },
    { "financial-help", 0, 0, G_OPTION_ARG_INT64, &o.fap, N_("Financial-assistance part of the adjustments, in cents"), N_("CENTS") },
    { "claim-level", 0, 0, G_OPTION_ARG_NONE, &o.claim_level, N_("The payer paid the claim as a whole (lines carry charges only)"), NULL },
    { "claim-paid", 0, 0, G_OPTION_ARG_INT64, &o.claim_paid, N_("Claim-level insurance payment, in cents"), N_("CENTS") },
    { "claim-adjustment", 0, 0, G_OPTION_ARG_INT64, &o.claim_adjustment, N_("Claim-level adjustment, in cents"), N_("CENTS") },
    { "pending", 0, 0, G_OPTION_ARG_NONE, &o.pending, N_("The claim is still with the insurer"), NULL },
    { "sequence", 0, 0, G_OPTION_ARG_INT, &o.sequence, N_("Statement number: 1 new, 2 reminder, 3+ past due"), N_("N") },
    { "estimate", 0, 0, G_OPTION_ARG_FILENAME, &o.estimate, N_("The visit’s estimate (the JSON “estimate render --json” wrote): compare, and for a self-pay patient billed $400.00 or more above the Good Faith Estimate print the dispute notice"), N_("FILE.json") },
    { "first-bill-date", 0, 0, G_OPTION_ARG_STRING, &o.first_bill_date, N_("Date of the visit’s first statement: the balance’s age (reminder, past due, final notice) and the dispute deadline count from it"), N_("YYYY-MM-DD") },
    { "household", 0, 0, G_OPTION_ARG_INT, &o.household, N_("Screen for financial assistance: the number of people in the household"), N_("N") },
    { "income-cents", 0, 0, G_OPTION_ARG_INT64, &o.income, N_("With --household: the household’s yearly income, in cents"), N_("CENTS") },
    { "assistance-policy", 0, 0, G_OPTION_ARG_FILENAME, &o.assistance_policy, N_("The hospital’s financial-assistance policy (default: the one in effect in the database, else the example shipped)"), N_("FILE") },
    { "no-pay-link", 0, 0, G_OPTION_ARG_NONE, &o.no_pay_link, N_("A draft: no pay link or QR code is issued (do not send it)"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("BILL.csv — turn an itemized bill into a patient statement PDF, with its own pay link and QR code (billing or administrator login)"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(CstBill) bill = NULL;
  g_autoptr(CstStatementRules) rules = NULL;
  g_autoptr(CstStatementTemplate) tpl = NULL;
  g_autoptr(CstStatement) st = NULL;
  g_autoptr(CstRemittance) remittance = NULL;
  g_auto(CstAssistanceScreening) screening = { 0 };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return cst_cli_usage_error (context, error->message);
  if (argc != 2)
    return cst_cli_usage_error (context, _("give exactly one bill CSV file"));
  if (o.output == NULL)
    return cst_cli_usage_error (context, _("--output is required"));
  if (o.template_name == NULL)
    o.template_name = g_strdup ("standard");
  if (o.language == NULL)
    o.language = g_strdup ("en");
  if (!g_str_equal (o.language, "en") && !g_str_equal (o.language, "es"))
    return cst_cli_usage_error (context, _("--language must be en or es"));

  bill = cst_bill_import_file (argv[1], o.claim_level ? CST_BILL_IMPORT_CLAIM_LEVEL : 0,
                               &problems, &error);
  if (bill == NULL)
    return report_import_problems (problems, error);
  if (!apply_account (bill, &o, &error) ||
      (o.remittance && !(remittance = load_remittance (&o, bill, &error))) ||
      !(rules = cst_statement_rules_new_default (&error)) ||
      !(tpl = load_template (&o, &error)) ||
      !screen_household (&o, bill, &screening, &error) ||
      !(st = cst_statement_new_assisted (bill, rules, tpl, o.household ? &screening : NULL, &error)) ||
      (remittance && !cst_statement_set_remittance (st, remittance, o.claim, &error)) ||
      !apply_estimate (&o, st, &error) ||
      !issue_pay_link (&o, st, &error) ||
      !cst_statement_render_pdf_to_file (st, o.output, &error))
    return cst_cli_fail (error);
  if (o.json != NULL)
    {
      g_autofree char *json = cst_statement_to_json (st);
      if (!cst_private_file_write (o.json, json, -1, &error))
        return cst_cli_fail (error);
    }
  print_summary (st);
  return EXIT_SUCCESS;
}
