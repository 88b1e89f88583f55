/* cst-perf.c — what the instruction-budget drivers share */
#include "config.h"

#include <valgrind/callgrind.h>

#include <custodian/custodian.h>

#include "cst-perf.h"

/* Runs @measured once with callgrind's instrumentation on (a no-op outside
 * valgrind); the driver names it perf_measured, the function
 * check-budget.py passes to --toggle-collect. */
void
cst_perf_measure (CstPerfFunc measured,
                  gpointer    data)
{
  CALLGRIND_START_INSTRUMENTATION;
  measured (data);
  CALLGRIND_STOP_INSTRUMENTATION;
}

static CstStatementTemplate *
two_page_template (void)
{
  static const CstStatementSection two_pages[] = {
    CST_SECTION_HEADER, CST_SECTION_AMOUNT_DUE, CST_SECTION_HOW_WE_GOT_THIS,
    CST_SECTION_CATEGORIES, CST_SECTION_WAYS_TO_PAY, CST_SECTION_HELP_PAYING,
    CST_SECTION_REMITTANCE,
  };
  g_autoptr(GError) error = NULL;
  CstStatementTemplate *tpl = cst_statement_template_new_builtin ("standard", "en", &error);
  g_autoptr(CstFacility) facility = cst_facility_new ();

  g_assert_no_error (error);
  cst_facility_set (facility, CST_FACILITY_NAME, "Bench General Hospital");
  cst_facility_set (facility, CST_FACILITY_ADDRESS, "1 Bench Road\nAnytown, NY 00000");
  cst_facility_set (facility, CST_FACILITY_PHONE, "(555) 010-0100");
  cst_facility_set (facility, CST_FACILITY_PAY_LINK, "pay.bench.example");
  cst_facility_apply_to_statement (facility, tpl);
  g_assert_true (cst_statement_template_set_sections (tpl, two_pages, G_N_ELEMENTS (two_pages), NULL));
  return tpl;
}

/* The sample ER bill's statement with the shipped template cut to the
 * front page and its continuation, as bench/statements previews it. */
CstStatement *
cst_perf_two_page_statement (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "sample-bill-1.csv", NULL);
  g_autofree char *csv = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstStatementRules) rules = cst_statement_rules_new_default (&error);
  g_autoptr(CstStatementTemplate) tpl = two_page_template ();
  g_autoptr(CstBill) bill = NULL;
  gsize length = 0;
  CstStatement *st;

  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &csv, &length, &error));
  bill = cst_bill_import_csv (csv, length, 0, NULL, &error);
  g_assert_no_error (error);
  g_date_set_dmy (&bill->statement_date, 1, 6, 2025);
  g_date_set_dmy (&bill->due_date, 1, 7, 2025);
  cst_bill_set_text (&bill->patient_name, "Zoë Ångström");
  cst_bill_set_text (&bill->account_number, "BENCH-1");
  cst_bill_set_text (&bill->payer_name, "Acme PPO");
  cst_bill_set_text (&bill->claim_number, "CLM-1");
  cst_bill_fill_defaults (bill, NULL);
  st = cst_statement_new (bill, rules, tpl, &error);
  g_assert_no_error (error);
  return st;
}
