/* test-estimate.c — the CMS standard charges import and estimates before
 * care, against amounts computed by hand from the sample price list
 * (tests/data/sample-standard-charges.csv, a copy of
 * ../shared/data/prices/)
 *
 * Example Health Plan, PPO Gold: 99284 $1,104.00, 36415 $7.68,
 * 80053 $29.95, 85025 $16.13, 70450 $412.37.  Sample Care, HMO Basic:
 * 99284 $980.00, 36415 $6.50, 80053 60% of the $312.00 gross, 85025
 * $14.00, 70450 only "Medicare rate x 1.5".
 */
#include "config.h"

#include <libintl.h>
#include <locale.h>
#include <string.h>

#include <custodian/custodian.h>
#include "cst-test-pdf.h"

#define GENERAL "hospital_name,last_updated_on,version\nTest Hospital,2026-01-01,%s\n"
#define COLUMNS "description,code|1,code|1|type,setting,standard_charge|gross," \
                "standard_charge|discounted_cash,payer_name,plan_name," \
                "standard_charge|negotiated_dollar,standard_charge|negotiated_percentage," \
                "standard_charge|negotiated_algorithm,standard_charge|methodology\n"

static CstPriceList *
load_sample (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data",
                                                 "sample-standard-charges.csv", NULL);
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  CstPriceList *list = cst_price_list_import_file (path, &problems, &error);

  g_assert_no_error (error);
  g_assert_nonnull (list);
  g_assert_cmpuint (problems->len, ==, 0);
  return list;
}

static CstPriceList *
import_text (const char *version,
             const char *rows,
             GPtrArray **problems,
             GError    **error)
{
  g_autofree char *text = g_strdup_printf (GENERAL COLUMNS "%s", version, rows);

  return cst_price_list_import_csv (text, strlen (text), problems, error);
}

static const CstEstimateCoverage ppo = {
  "Example Health Plan", "PPO Gold", 50000, 2000, 2500, 300000,
};

/* 99284 + 36415 ×2 + 80053 + 85025 on the PPO. */
static const CstEstimateService ppo_visit[] = {
  { "99284", 1 }, { "36415", 2 }, { "80053", 1 }, { "85025", 1 },
};

static void
test_sample_import (void)
{
  g_autoptr(CstPriceList) list = load_sample ();
  const CstPriceItem *item = cst_price_list_find (list, "80053");
  const CstPriceRate *rate;

  g_assert_cmpstr (list->hospital_name, ==, "Riverside General Hospital");
  g_assert_cmpstr (list->version, ==, "2.2.0");
  g_assert_cmpint (g_date_get_year (&list->last_updated), ==, 2026);
  g_assert_cmpuint (list->items->len, ==, 5);
  g_assert_cmpstr (item->code_type, ==, "CPT");
  g_assert_cmpstr (item->description, ==, "HC COMPRE METABOLIC PANEL");
  g_assert_cmpint (item->gross_cents, ==, 31200);
  g_assert_cmpint (item->cash_cents, ==, 15600);
  g_assert_cmpuint (item->rates->len, ==, 2);
  rate = cst_price_item_find_rate (item, "sample care", "hmo basic");
  g_assert_cmpint (rate->kind, ==, CST_PRICE_RATE_PERCENTAGE);
  g_assert_cmpint (rate->percent_hundredths, ==, 6000);
  rate = cst_price_item_find_rate (item, "Example Health Plan", "PPO Gold");
  g_assert_cmpint (rate->kind, ==, CST_PRICE_RATE_DOLLAR);
  g_assert_cmpint (rate->dollar_cents, ==, 2995);
  rate = cst_price_item_find_rate (cst_price_list_find (list, "70450"), "Sample Care", "HMO Basic");
  g_assert_cmpint (rate->kind, ==, CST_PRICE_RATE_ALGORITHM);
  g_assert_cmpstr (rate->algorithm, ==, "Medicare rate x 1.5");
}

/* A 3.0 file: the same columns found by name in another order, with the
 * 3.0 columns (median_amount, ...) read past. */
static void
test_version_3 (void)
{
  const char *text =
    "hospital_name,last_updated_on,version,location_name,hospital_address,license_number|IL,"
    "type_2_npi,attester_name,attestation\n"
    "Test Hospital,2026-07-01,3.0.0,Springfield,\"1 Main St\",IL-1,1234567890,A. Person,true\n"
    "description,code|1,code|1|type,modifiers,setting,drug_unit_of_measurement,"
    "drug_type_of_measurement,standard_charge|gross,standard_charge|discounted_cash,payer_name,"
    "plan_name,standard_charge|negotiated_dollar,standard_charge|negotiated_percentage,"
    "standard_charge|negotiated_algorithm,median_amount,10th_percentile,90th_percentile,count,"
    "standard_charge|methodology,standard_charge|min,standard_charge|max,additional_generic_notes\n"
    "XRAY CHEST 2 VIEWS,71046,CPT,,outpatient,,,250.00,125.5,Acme,Silver,80,,,,,,,fee schedule,,,\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(CstPriceList) list = cst_price_list_import_csv (text, strlen (text), NULL, &error);
  const CstPriceItem *item;

  g_assert_no_error (error);
  item = cst_price_list_find (list, "71046");
  g_assert_cmpint (item->gross_cents, ==, 25000);
  g_assert_cmpint (item->cash_cents, ==, 12550);
  g_assert_cmpint (cst_price_item_find_rate (item, "Acme", "Silver")->dollar_cents, ==, 8000);
}

static void
assert_problem (GPtrArray  *problems,
                guint       line,
                guint       column,
                const char *fragment)
{
  for (guint i = 0; i < problems->len; i++)
    {
      const CstCsvProblem *problem = g_ptr_array_index (problems, i);

      if (problem->line == line && problem->column == column &&
          strstr (problem->message, fragment) != NULL)
        return;
    }
  for (guint i = 0; i < problems->len; i++)
    {
      g_autofree char *text = cst_csv_problem_format (g_ptr_array_index (problems, i));
      g_test_message ("%s", text);
    }
  g_error ("no problem at line %u, column %u mentioning “%s”", line, column, fragment);
}

/* Every defect is named with its line and column, and nothing comes back
 * from a file that has any. */
static void
test_defects (void)
{
  const char *rows =
    "ED VISIT,99284,CPT,outpatient,2845.00,1422.50,Acme,Silver,1104.00,,,fee schedule\n"  /* 4: fine */
    "LAB,80053,CPT,outpatient,\"1,312.00\",156.00,Acme,Silver,29.95,,,fee schedule\n"     /* 5 */
    "LAB 2,85025,CPT,outpatient,168.00,84.00,Acme,,16.13,,,fee schedule\n"               /* 6 */
    ",36415,CPT,outpatient,48.00,24.00,,,,,,\n"                                            /* 7 */
    "ED VISIT,99284,CPT,outpatient,2900.00,1422.50,Beta,Gold,1000.00,,,fee schedule\n"   /* 8 */
    "CT,70450,CPT,outpatient,3120.00,1560.00,Acme,Silver,,60%,,percent\n"                 /* 9 */
    "ED VISIT,99284,CPT,outpatient,2845.00,1422.50,Acme,Silver,1200.00,,,fee schedule\n"  /* 10 */
    "SHORT,1,CPT\n"                                                                        /* 11 */
    "NO RATE,99285,CPT,outpatient,3000.00,,Acme,Silver,,,,\n";                            /* 12 */
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstPriceList) list = import_text ("2.2.0", rows, &problems, &error);

  g_assert_null (list);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "line 5, column 5 (standard_charge|gross)"));
  assert_problem (problems, 5, 5, "is not an amount in dollars");
  assert_problem (problems, 6, 8, "both the payer and the plan");
  assert_problem (problems, 7, 1, "missing");
  assert_problem (problems, 8, 5, "different gross charge on line 4");
  assert_problem (problems, 9, 10, "is not a percentage");
  assert_problem (problems, 10, 8, "already has a rate for Acme, Silver on line 4");
  assert_problem (problems, 11, 4, "3 fields but the header has 12");
  assert_problem (problems, 12, 9, "gives no negotiated rate");
  g_assert_cmpuint (problems->len, ==, 8);
}

static void
test_header_defects (void)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(CstPriceList) list = import_text ("4.0.0", "", &problems, NULL);
  const char *no_gross = "hospital_name,last_updated_on,version\nH,2026-01-01,2.2.0\n"
                         "description,code|1,code|1|type\nX,1,CPT\n";
  g_autoptr(GPtrArray) problems2 = NULL;
  g_autoptr(CstPriceList) list2 = cst_price_list_import_csv (no_gross, strlen (no_gross),
                                                             &problems2, NULL);
  g_autoptr(GPtrArray) problems3 = NULL;
  g_autoptr(CstPriceList) list3 = cst_price_list_import_csv ("a,b\n1,2\n", 8, &problems3, NULL);

  g_assert_null (list);
  assert_problem (problems, 2, 3, "version “4.0.0”");
  g_assert_null (list2);
  assert_problem (problems2, 3, 0, "no “standard_charge|gross” column");
  g_assert_null (list3);
  assert_problem (problems3, 1, 0, "not a CMS standard charges file");
}

/* Deductible partly met; 20% coinsurance floored:
 * allowed = 1104.00 + 2 × 7.68 + 29.95 + 16.13 = 1,165.44;
 * D = min(500.00, 1,165.44) = 500.00;
 * coinsurance = floor(20% × 665.44 = 133.088) = 133.08;
 * patient = min(1,165.44, 3,000.00, 25.00 + 500.00 + 133.08 = 658.08) = 658.08;
 * plan = 1,165.44 − 658.08 = 507.36. */
static void
test_insured_deductible_partly_met (void)
{
  g_autoptr(CstPriceList) list = load_sample ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CstEstimate) e = cst_estimate_new_insured (list, ppo_visit, G_N_ELEMENTS (ppo_visit),
                                                       &ppo, &error);
  const CstEstimateLine *venipuncture;

  g_assert_no_error (error);
  g_assert_cmpint (e->allowed_cents, ==, 116544);
  g_assert_cmpint (e->deductible_cents, ==, 50000);
  g_assert_cmpint (e->coinsurance_cents, ==, 13308);
  g_assert_cmpint (e->copay_cents, ==, 2500);
  g_assert_cmpint (e->patient_cents, ==, 65808);
  g_assert_cmpint (e->plan_cents, ==, 50736);
  g_assert_false (e->capped);
  g_assert_cmpuint (e->lines->len, ==, 4);
  venipuncture = g_ptr_array_index (e->lines, 1);
  g_assert_cmpint (venipuncture->unit_cents, ==, 768);
  g_assert_cmpint (venipuncture->total_cents, ==, 1536);
  g_assert_cmpstr (venipuncture->how, ==, "negotiated rate $7.68 × 2");
  g_assert_nonnull (strstr (g_ptr_array_index (e->steps, 2), "rounded down to the cent: $133.08"));
}

/* The same visit with $400.00 of out-of-pocket maximum left: the patient
 * pays $400.00 and the plan $765.44. */
static void
test_insured_oop_cap (void)
{
  g_autoptr(CstPriceList) list = load_sample ();
  CstEstimateCoverage coverage = ppo;
  g_autoptr(CstEstimate) e = NULL;

  coverage.oop_remaining_cents = 40000;
  e = cst_estimate_new_insured (list, ppo_visit, G_N_ELEMENTS (ppo_visit), &coverage, NULL);
  g_assert_cmpint (e->patient_cents, ==, 40000);
  g_assert_cmpint (e->plan_cents, ==, 76544);
  g_assert_true (e->capped);
}

/* A $7.68 draw with $10,000 of deductible left and a $25.00 copay: the
 * patient never pays more than the allowed amount. */
static void
test_insured_allowed_cap (void)
{
  g_autoptr(CstPriceList) list = load_sample ();
  CstEstimateCoverage coverage = ppo;
  const CstEstimateService draw[] = { { "36415", 1 } };
  g_autoptr(CstEstimate) e = NULL;

  coverage.deductible_remaining_cents = 1000000;
  e = cst_estimate_new_insured (list, draw, 1, &coverage, NULL);
  g_assert_cmpint (e->deductible_cents, ==, 768);
  g_assert_cmpint (e->coinsurance_cents, ==, 0);
  g_assert_cmpint (e->patient_cents, ==, 768);
  g_assert_cmpint (e->plan_cents, ==, 0);
}

/* HMO Basic: 80053 is 60% of the $312.00 gross = $187.20, ×2 = $374.40;
 * with 99284 at $980.00 the allowed amount is $1,354.40; no deductible
 * left, 15% coinsurance = $203.16, copay $50.00: the patient pays $253.16
 * and the plan $1,101.24. */
static void
test_insured_percentage (void)
{
  g_autoptr(CstPriceList) list = load_sample ();
  const CstEstimateCoverage hmo = { "Sample Care", "HMO Basic", 0, 1500, 5000, 999999 };
  const CstEstimateService services[] = { { "80053", 2 }, { "99284", 1 } };
  g_autoptr(GError) error = NULL;
  g_autoptr(CstEstimate) e = cst_estimate_new_insured (list, services, 2, &hmo, &error);
  const CstEstimateLine *panel;

  g_assert_no_error (error);
  panel = g_ptr_array_index (e->lines, 0);
  g_assert_cmpint (panel->basis, ==, CST_ESTIMATE_BASIS_NEGOTIATED_PERCENTAGE);
  g_assert_cmpint (panel->unit_cents, ==, 18720);
  g_assert_cmpint (panel->total_cents, ==, 37440);
  g_assert_cmpstr (panel->how, ==, "negotiated 60% of the gross charge $312.00 = $187.20 × 2");
  g_assert_cmpint (e->allowed_cents, ==, 135440);
  g_assert_cmpint (e->deductible_cents, ==, 0);
  g_assert_cmpint (e->coinsurance_cents, ==, 20316);
  g_assert_cmpint (e->patient_cents, ==, 25316);
  g_assert_cmpint (e->plan_cents, ==, 110124);
}

/* 70450 has only an algorithm for HMO Basic: refused, naming the code and
 * only that code. */
static void
test_insured_algorithm_refused (void)
{
  g_autoptr(CstPriceList) list = load_sample ();
  const CstEstimateCoverage hmo = { "Sample Care", "HMO Basic", 0, 2000, 0, 999999 };
  const CstEstimateService services[] = { { "99284", 1 }, { "70450", 1 } };
  g_autoptr(GError) error = NULL;
  g_autoptr(CstEstimate) e = cst_estimate_new_insured (list, services, 2, &hmo, &error);

  g_assert_null (e);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "code 70450"));
  g_assert_nonnull (strstr (error->message, "Medicare rate x 1.5"));
  g_assert_null (strstr (error->message, "99284"));
}

static void
test_insured_no_rate_refused (void)
{
  g_autoptr(CstPriceList) list = load_sample ();
  const CstEstimateCoverage other = { "Example Health Plan", "HMO Basic", 0, 2000, 0, 999999 };
  const CstEstimateService services[] = { { "85025", 1 }, { "99999", 1 } };
  g_autoptr(GError) error = NULL;
  g_autoptr(CstEstimate) e = cst_estimate_new_insured (list, services, 1, &other, &error);

  g_assert_null (e);
  g_assert_nonnull (strstr (error->message, "code 85025 has no rate for Example Health Plan, HMO Basic"));
  g_clear_error (&error);
  g_assert_null (cst_estimate_new_insured (list, services, 2, &ppo, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "99999"));
}

/* Cash prices: 99284 $1,422.50 + 36415 $24.00 × 3 = $1,494.50. */
static void
test_self_pay_cash (void)
{
  g_autoptr(CstPriceList) list = load_sample ();
  const CstEstimateService services[] = { { "99284", 1 }, { "36415", 3 } };
  g_autoptr(CstEstimate) e = cst_estimate_new_self_pay (list, services, 2, NULL);
  const CstEstimateLine *draw = g_ptr_array_index (e->lines, 1);

  g_assert_true (e->self_pay);
  g_assert_cmpint (e->gfe_total_cents, ==, 149450);
  g_assert_false (e->any_from_gross);
  g_assert_cmpint (draw->basis, ==, CST_ESTIMATE_BASIS_CASH);
  g_assert_cmpint (draw->total_cents, ==, 7200);
}

/* An item with no cash price counts at its gross charge, marked so:
 * $500.00 × 2 + cash $24.00 = $1,024.00. */
static void
test_self_pay_gross (void)
{
  const char *rows = "DRAW,36415,CPT,outpatient,48.00,24.00,,,,,,\n"
                     "IMPLANT,C1776,HCPCS,outpatient,500.00,,,,,,,\n";
  g_autoptr(CstPriceList) list = import_text ("2.2.0", rows, NULL, NULL);
  const CstEstimateService services[] = { { "c1776", 2 }, { "36415", 1 } };
  g_autoptr(CstEstimate) e = cst_estimate_new_self_pay (list, services, 2, NULL);
  const CstEstimateLine *implant = g_ptr_array_index (e->lines, 0);
  g_autofree char *json = cst_estimate_to_json (e);

  g_assert_cmpint (e->gfe_total_cents, ==, 102400);
  g_assert_true (e->any_from_gross);
  g_assert_cmpint (implant->basis, ==, CST_ESTIMATE_BASIS_GROSS);
  g_assert_nonnull (strstr (implant->how, "no cash price is listed"));
  g_assert_nonnull (strstr (json, "\"gfe_total_cents\":102400"));
  g_assert_nonnull (strstr (json, "\"basis\":\"gross\""));
  g_assert_null (strstr (json, "allowed_cents"));
}

static void
test_parse_service (void)
{
  g_autofree char *code = NULL;
  g_autofree char *code2 = NULL;
  gint64 qty = 0;
  g_autoptr(GError) error = NULL;

  g_assert_true (cst_estimate_parse_service ("36415x3", &code, &qty, NULL));
  g_assert_cmpstr (code, ==, "36415");
  g_assert_cmpint (qty, ==, 3);
  g_assert_true (cst_estimate_parse_service ("99284", &code2, &qty, NULL));
  g_assert_cmpint (qty, ==, 1);
  g_assert_false (cst_estimate_parse_service ("36415x0", &code, &qty, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
}

/* The Good Faith Estimate's PDF states the $400 dispute right and its date. */
static void
test_self_pay_pdf (void)
{
  g_autoptr(CstPriceList) list = load_sample ();
  const CstEstimateService services[] = { { "70450", 1 } };
  g_autoptr(CstEstimate) e = cst_estimate_new_self_pay (list, services, 1, NULL);
  g_autoptr(GError) error = NULL;
  GDate issued;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  g_autofree char *text = NULL;
  g_autofree char *squashed = NULL;

  g_date_clear (&issued, 1);
  g_date_set_dmy (&issued, 2, G_DATE_MARCH, 2026);
  pdf = cst_estimate_render_pdf (e, &issued, &error);
  g_assert_no_error (error);
  doc = cst_test_pdf_open (pdf);
  text = cst_test_pdf_text (doc);
  squashed = cst_test_pdf_squash (text);
  g_assert_nonnull (strstr (squashed, "GoodFaithEstimate"));
  g_assert_nonnull (strstr (squashed, "$1,560.00"));
  g_assert_nonnull (strstr (squashed, "atleast$400.00more"));
  g_assert_nonnull (strstr (squashed, "March2,2026"));
}

/* Where @element stands in the structure tree (tree order is reading
 * order). */
static guint
position_of (GPtrArray         *elements,
             CstTestPdfElement *element)
{
  guint index = 0;

  g_assert_true (g_ptr_array_find (elements, element, &index));
  return index;
}

/* @pdf's H2 headings are @headings, in this order, all after the one H1,
 * @title. */
static void
assert_headings (GPtrArray          *elements,
                 const char         *title,
                 const char * const *headings,
                 guint               n_headings)
{
  g_autoptr(GPtrArray) h1 = cst_test_pdf_elements_of_kind (elements, POPPLER_STRUCTURE_ELEMENT_HEADING_1);
  g_autoptr(GPtrArray) h2 = cst_test_pdf_elements_of_kind (elements, POPPLER_STRUCTURE_ELEMENT_HEADING_2);

  g_assert_cmpuint (h1->len, ==, 1);
  g_assert_true (g_ptr_array_index (h1, 0)
                 == cst_test_pdf_find_element (elements, POPPLER_STRUCTURE_ELEMENT_HEADING_1, title));
  g_assert_cmpuint (h2->len, ==, n_headings);
  for (guint i = 0; i < n_headings; i++)
    {
      CstTestPdfElement *heading = g_ptr_array_index (h2, i);
      g_autofree char *words = cst_test_pdf_ascii_words (heading->text);
      g_autofree char *wanted = cst_test_pdf_ascii_words (headings[i]);

      g_assert_cmpstr (words, ==, wanted);
      g_assert_cmpuint (position_of (elements, heading), >, position_of (elements, h1->pdata[0]));
    }
}

/* The footer ("Page 1 of 1") is in no element: an artifact. */
static void
assert_footer_in_no_element (GPtrArray *elements)
{
  for (guint i = 0; i < elements->len; i++)
    {
      g_autofree char *words = cst_test_pdf_ascii_words (((CstTestPdfElement *) elements->pdata[i])->text);

      g_assert_null (strstr (words, "Page1of1"));
    }
}

/* What both estimates claim: PDF/UA (/Lang, the generic title in the
 * window and in XMP), everything drawn marked, the footer an artifact,
 * no patient in the metadata; the lines a table whose column titles
 * head their columns. */
static GPtrArray *
check_tagged_estimate (CstEstimate *e,
                       const char  *title)
{
  const char *const forbidden[] = { "Ann Lee", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  g_autofree char *xmp = NULL;
  GPtrArray *elements;
  GDate issued;

  g_free (e->patient_name);
  e->patient_name = g_strdup ("Ann Lee");
  g_date_clear (&issued, 1);
  g_date_set_dmy (&issued, 2, G_DATE_MARCH, 2026);
  pdf = cst_estimate_render_pdf (e, &issued, &error);
  g_assert_no_error (error);
  cst_test_pdf_assert_qpdf_clean (pdf);
  cst_test_pdf_assert_pdfua (pdf, "en", title);
  cst_test_pdf_assert_content_marked (pdf, "Page 1 of 1");
  doc = cst_test_pdf_open (pdf);
  cst_test_pdf_assert_clean_metadata (doc, forbidden);
  xmp = poppler_document_get_metadata (doc);
  g_assert_null (strstr (xmp, "Ann Lee"));

  elements = cst_test_pdf_structure (pdf);
  assert_footer_in_no_element (elements);
  cst_test_pdf_find_element (elements, POPPLER_STRUCTURE_ELEMENT_PARAGRAPH, "Patient: Ann Lee");
  cst_test_pdf_find_element (elements, POPPLER_STRUCTURE_ELEMENT_PARAGRAPH,
                             "Date of this estimate: March 2, 2026");
  g_assert_cmpstr (cst_test_pdf_find_element (elements, POPPLER_STRUCTURE_ELEMENT_TABLE_HEADING,
                                              "Code")->scope, ==, "Column");
  g_assert_cmpstr (cst_test_pdf_find_element (elements, POPPLER_STRUCTURE_ELEMENT_TABLE_HEADING,
                                              "Amount")->scope, ==, "Column");
  return elements;
}

/* The Good Faith Estimate is a tagged PDF (issue 21): its title the one
 * H1, then "Services" over the lines and the dispute right as H2s in
 * that order, the total a row whose label heads it, read in the order
 * drawn. */
static void
test_self_pay_tagged (void)
{
  g_autoptr(CstPriceList) list = load_sample ();
  const CstEstimateService services[] = { { "70450", 1 } };
  g_autoptr(CstEstimate) e = cst_estimate_new_self_pay (list, services, 1, NULL);
  const char *const headings[] = { "Services", "Your right to dispute the bill" };
  g_autoptr(GPtrArray) elements = check_tagged_estimate (e, "Good Faith Estimate");
  g_autoptr(GPtrArray) tables = cst_test_pdf_elements_of_kind (elements, POPPLER_STRUCTURE_ELEMENT_TABLE);
  CstTestPdfElement *total;
  CstTestPdfElement *dispute;

  assert_headings (elements, "Good Faith Estimate", headings, G_N_ELEMENTS (headings));
  total = cst_test_pdf_find_element (elements, POPPLER_STRUCTURE_ELEMENT_TABLE_HEADING,
                                     "Good Faith Estimate total");
  g_assert_cmpstr (total->scope, ==, "Row");
  cst_test_pdf_find_element (elements, POPPLER_STRUCTURE_ELEMENT_TABLE_DATA, "70450");
  cst_test_pdf_find_element (elements, POPPLER_STRUCTURE_ELEMENT_TABLE_DATA, "$1,560.00");
  dispute = cst_test_pdf_find_element (elements, POPPLER_STRUCTURE_ELEMENT_HEADING_2,
                                       "Your right to dispute the bill");
  /* The lines' table, then the total's, then the dispute right. */
  g_assert_cmpuint (tables->len, ==, 2);
  g_assert_cmpuint (position_of (elements, tables->pdata[0]), <, position_of (elements, total));
  g_assert_cmpuint (position_of (elements, total), <, position_of (elements, dispute));
}

/* The insured estimate: "Totals" and "How the totals were computed" are
 * H2s after "Services", each total's label heads its row. */
static void
test_insured_tagged (void)
{
  g_autoptr(CstPriceList) list = load_sample ();
  g_autoptr(CstEstimate) e = cst_estimate_new_insured (list, ppo_visit, G_N_ELEMENTS (ppo_visit),
                                                       &ppo, NULL);
  const char *const headings[] = { "Services", "Totals", "How the totals were computed" };
  g_autoptr(GPtrArray) elements = NULL;
  CstTestPdfElement *you_pay;

  g_assert_nonnull (e);
  elements = check_tagged_estimate (e, "Cost estimate");
  assert_headings (elements, "Cost estimate", headings, G_N_ELEMENTS (headings));
  you_pay = cst_test_pdf_find_element (elements, POPPLER_STRUCTURE_ELEMENT_TABLE_HEADING,
                                       "You pay (estimate)");
  g_assert_cmpstr (you_pay->scope, ==, "Row");
  g_assert_cmpstr (cst_test_pdf_find_element (elements, POPPLER_STRUCTURE_ELEMENT_TABLE_HEADING,
                                              "Allowed amount")->scope, ==, "Row");
  cst_test_pdf_find_element (elements, POPPLER_STRUCTURE_ELEMENT_TABLE_DATA, "$658.08");
  cst_test_pdf_find_element (elements, POPPLER_STRUCTURE_ELEMENT_PARAGRAPH,
                             "Plan: Example Health Plan, PPO Gold");
}

/* Run in a process of its own (GLib decides once per process whether to
 * translate): under the Spanish translation, built beside the tests, the
 * Good Faith Estimate is in Spanish as a whole: /Lang es, the Spanish
 * title in the window and the XMP, the date and the footer in Spanish. */
static void
test_self_pay_tagged_spanish_run (void)
{
  g_autofree char *po = g_test_build_filename (G_TEST_BUILT, "..", "po", NULL);
  g_autofree char *mo = g_build_filename (po, "es", "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);
  g_autoptr(CstPriceList) list = load_sample ();
  const CstEstimateService services[] = { { "70450", 1 } };
  g_autoptr(CstEstimate) e = cst_estimate_new_self_pay (list, services, 1, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(GPtrArray) elements = NULL;
  GDate issued;

  if (!g_file_test (mo, G_FILE_TEST_EXISTS))
    g_error ("%s is not built: build the translations (ninja -C build) first", mo);
  g_assert_nonnull (setlocale (LC_MESSAGES, "es_ES.UTF-8"));
  bindtextdomain (GETTEXT_PACKAGE, po);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  g_date_clear (&issued, 1);
  g_date_set_dmy (&issued, 2, G_DATE_MARCH, 2026);
  pdf = cst_estimate_render_pdf (e, &issued, &error);
  g_assert_no_error (error);
  cst_test_pdf_assert_pdfua (pdf, "es", "Estimado de Buena Fe");
  cst_test_pdf_assert_content_marked (pdf, "gina 1 de 1");
  elements = cst_test_pdf_structure (pdf);
  cst_test_pdf_find_element (elements, POPPLER_STRUCTURE_ELEMENT_HEADING_1, "Estimado de Buena Fe");
  cst_test_pdf_find_element (elements, POPPLER_STRUCTURE_ELEMENT_PARAGRAPH,
                             "Fecha de este estimado: 2 de marzo de 2026");
}

static void
test_self_pay_tagged_spanish (void)
{
  g_test_trap_subprocess ("/estimate/self-pay/tagged-spanish/subprocess", 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* A Good Faith Estimate over several pages: one pass measured, one drawn,
 * so the footers count the pages ("Page 2 of 4"), and the lines' header
 * row repeated on each new page is an artifact: the tree has one "Code"
 * header cell and every line once. */
static void
test_self_pay_tagged_pages (void)
{
  g_autoptr(GString) rows = g_string_new ("");
  g_autoptr(GArray) services = g_array_new (FALSE, FALSE, sizeof (CstEstimateService));
  g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(CstPriceList) list = NULL;
  g_autoptr(CstEstimate) e = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  g_autoptr(GPtrArray) elements = NULL;
  g_autoptr(GPtrArray) headers = NULL;
  g_autofree char *last_page = NULL;
  g_autofree char *last_footer = NULL;
  g_autofree char *second_footer = NULL;
  guint code_headers = 0;
  int n_pages;
  GDate issued;

  for (guint i = 0; i < 60; i++)
    {
      char *code = g_strdup_printf ("T%04u", i);

      g_string_append_printf (rows, "ITEM %u,%s,HCPCS,outpatient,100.00,50.00,,,,,,\n", i, code);
      g_ptr_array_add (codes, code);
      g_array_append_val (services, ((CstEstimateService) { code, 1 }));
    }
  list = import_text ("2.2.0", rows->str, NULL, &error);
  g_assert_no_error (error);
  e = cst_estimate_new_self_pay (list, (const CstEstimateService *) services->data, services->len,
                                 &error);
  g_assert_no_error (error);
  g_assert_cmpint (e->gfe_total_cents, ==, 300000);
  g_date_clear (&issued, 1);
  g_date_set_dmy (&issued, 2, G_DATE_MARCH, 2026);
  pdf = cst_estimate_render_pdf (e, &issued, &error);
  g_assert_no_error (error);
  doc = cst_test_pdf_open (pdf);
  n_pages = poppler_document_get_n_pages (doc);
  g_assert_cmpint (n_pages, >=, 3);
  last_page = cst_test_pdf_page_text (doc, n_pages - 1);
  last_footer = g_strdup_printf ("Page %d of %d", n_pages, n_pages);
  second_footer = g_strdup_printf ("Page 2 of %d", n_pages);
  g_assert_nonnull (strstr (last_page, last_footer));
  cst_test_pdf_assert_pdfua (pdf, "en", "Good Faith Estimate");
  cst_test_pdf_assert_content_marked (pdf, second_footer);
  elements = cst_test_pdf_structure (pdf);
  headers = cst_test_pdf_elements_of_kind (elements, POPPLER_STRUCTURE_ELEMENT_TABLE_HEADING);
  for (guint i = 0; i < headers->len; i++)
    code_headers += g_str_equal (((CstTestPdfElement *) headers->pdata[i])->text, "Code");
  g_assert_cmpuint (code_headers, ==, 1);
  for (guint i = 0; i < codes->len; i++)
    cst_test_pdf_find_element (elements, POPPLER_STRUCTURE_ELEMENT_TABLE_DATA, codes->pdata[i]);
  cst_test_pdf_find_element (elements, POPPLER_STRUCTURE_ELEMENT_TABLE_HEADING,
                             "Good Faith Estimate total");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/price-list/sample", test_sample_import);
  g_test_add_func ("/price-list/version-3", test_version_3);
  g_test_add_func ("/price-list/defects", test_defects);
  g_test_add_func ("/price-list/header-defects", test_header_defects);
  g_test_add_func ("/estimate/insured/deductible-partly-met", test_insured_deductible_partly_met);
  g_test_add_func ("/estimate/insured/oop-cap", test_insured_oop_cap);
  g_test_add_func ("/estimate/insured/allowed-cap", test_insured_allowed_cap);
  g_test_add_func ("/estimate/insured/percentage", test_insured_percentage);
  g_test_add_func ("/estimate/insured/algorithm-refused", test_insured_algorithm_refused);
  g_test_add_func ("/estimate/insured/no-rate-refused", test_insured_no_rate_refused);
  g_test_add_func ("/estimate/self-pay/cash", test_self_pay_cash);
  g_test_add_func ("/estimate/self-pay/gross", test_self_pay_gross);
  g_test_add_func ("/estimate/parse-service", test_parse_service);
  g_test_add_func ("/estimate/self-pay/pdf", test_self_pay_pdf);
  g_test_add_func ("/estimate/self-pay/tagged", test_self_pay_tagged);
  g_test_add_func ("/estimate/insured/tagged", test_insured_tagged);
  g_test_add_func ("/estimate/self-pay/tagged-pages", test_self_pay_tagged_pages);
  g_test_add_func ("/estimate/self-pay/tagged-spanish", test_self_pay_tagged_spanish);
  g_test_add_func ("/estimate/self-pay/tagged-spanish/subprocess", test_self_pay_tagged_spanish_run);
  return g_test_run ();
}
