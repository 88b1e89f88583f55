/* perf-statement.c — instruction budget: a two-page statement
 *
 * The sample ER bill (tests/data/sample-bill-1.csv) with the shipped
 * template cut to the front page and its continuation, as the statement
 * bench's preview renders it: the PDF bytes of the simplified statement,
 * once after a first render has found the fonts.  No database.
 */
#include "config.h"

#include <custodian/custodian.h>

#include "cst-perf.h"

typedef struct
{
  CstStatement *statement;
  GBytes       *pdf;
  guint         n_pages;
} Statement;

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

static CstStatement *
sample_statement (void)
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

static GBytes *
render (Statement *s)
{
  g_autoptr(GError) error = NULL;
  GBytes *pdf = cst_statement_render_pdf_counted (s->statement, &s->n_pages, &error);

  g_assert_no_error (error);
  return pdf;
}

static G_GNUC_NO_INLINE void
perf_measured (gpointer data)
{
  Statement *s = data;

  s->pdf = render (s);
}

int
main (int argc, char **argv)
{
  g_autoptr(CstStatement) statement = NULL;
  g_autoptr(GBytes) first = NULL;
  Statement s = { NULL };

  g_test_init (&argc, &argv, NULL);
  statement = sample_statement ();
  s.statement = statement;
  first = render (&s);
  s.n_pages = 0;
  cst_perf_measure (perf_measured, &s);
  g_assert_nonnull (s.pdf);
  g_assert_cmpuint (s.n_pages, ==, 2);
  g_bytes_unref (s.pdf);
  return 0;
}
