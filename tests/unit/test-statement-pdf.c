/* test-statement-pdf.c — the statement PDF read back with Poppler: amount
 * due, due date, every category heading, page count and footers, the
 * original codes on the detail pages, Spanish, metadata free of patient
 * data, and qpdf --check clean; batch export of good and bad bills; the
 * final notice and financial help drawn, each a paragraph in its section
 * of the structure tree */
#include "config.h"

#include <cairo.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include <custodian/custodian.h>

#include "cst-test-async.h"
#include "cst-test-db.h"
#include "cst-test-file.h"
#include "cst-test-pdf.h"

static CstStatementRules *rules;

static CstBill *
sample_bill (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "sample-bill-1.csv", NULL);
  CstBill *bill = cst_bill_import_file (path, 0, NULL, NULL);

  g_assert_nonnull (bill);
  cst_bill_set_text (&bill->patient_name, "José Núñez");
  cst_bill_set_text (&bill->account_number, "ACC-0042");
  cst_bill_set_text (&bill->payer_name, "Acme PPO");
  cst_bill_set_text (&bill->claim_number, "CLM-77");
  g_date_set_dmy (&bill->statement_date, 31, 3, 2025);
  g_date_set_dmy (&bill->due_date, 30, 4, 2025);
  cst_bill_fill_defaults (bill, NULL);
  return bill;
}

static CstStatement *
sample_statement (const char *language)
{
  g_autoptr(CstBill) bill = sample_bill ();
  g_autoptr(CstStatementTemplate) tpl = cst_test_statement_template (language);
  g_autoptr(GError) error = NULL;
  CstStatement *st;

  st = cst_statement_new (bill, rules, tpl, &error);
  g_assert_no_error (error);
  return st;
}

static gboolean
contains (const char *haystack,
          const char *needle)
{
  g_autofree char *a = cst_test_pdf_squash (haystack);
  g_autofree char *b = cst_test_pdf_squash (needle);

  return strstr (a, b) != NULL;
}

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  if (!contains (haystack, needle))
    g_error ("“%s” not found in the PDF text", needle);
}

static void
check_statement_pdf (const char *language,
                     const char *due_date,
                     const char *page_one)
{
  g_autoptr(CstStatement) st = sample_statement (language);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = cst_statement_render_pdf (st, &error);
  g_autoptr(PopplerDocument) doc = NULL;
  g_autofree char *first = NULL;
  g_autofree char *all = NULL;
  g_autofree char *last = NULL;
  g_autofree char *footer = NULL;
  const char *const forbidden[] = { "José", "Núñez", "ACC-0042", "CLM-77", NULL };
  int pages;

  g_assert_no_error (error);
  doc = cst_test_pdf_open (pdf);
  pages = poppler_document_get_n_pages (doc);
  g_assert_cmpint (pages, >=, 2);
  g_assert_cmpint (pages, <=, 6);
  first = cst_test_pdf_page_text (doc, 0);
  all = cst_test_pdf_text (doc);

  /* Page 1: amount due, due date, the patient's identity for the stub. */
  assert_contains (first, "$1,375.96");
  assert_contains (first, due_date);
  assert_contains (first, "José Núñez");
  footer = g_strdup_printf (page_one, pages);
  assert_contains (first, footer);
  for (guint i = 0; i < st->categories->len; i++)
    assert_contains (all, ((CstStatementCategory *) g_ptr_array_index (st->categories, i))->label);

  /* The detail pages: original codes in small type and the reconciliation. */
  last = cst_test_pdf_page_text (doc, pages - 1);
  assert_contains (all, "0350 · 74177 · HC CT ABD&PELV W/CONTRAST");
  assert_contains (last, "$13,364.00");
  cst_test_pdf_assert_clean_metadata (doc, forbidden);
  cst_test_pdf_assert_qpdf_clean (pdf);
}

static void
test_english (void)
{
  check_statement_pdf ("en", "Please pay by April 30, 2025.", "Page 1 of %d");
}

static void
test_spanish (void)
{
  check_statement_pdf ("es", "Por favor pague antes del 30 de abril de 2025.", "Página 1 de %d");
}

/* A template edit changes the next rendering: sections dropped, wording. */
static void
test_template_edit (void)
{
  g_autoptr(CstStatement) base = sample_statement ("en");
  g_autoptr(CstStatementTemplate) tpl = cst_statement_template_copy (base->template);
  const CstStatementSection sections[] = { CST_SECTION_HEADER, CST_SECTION_AMOUNT_DUE,
                                           CST_SECTION_HELP_PAYING, CST_SECTION_REMITTANCE };
  g_autoptr(CstStatement) st = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  g_autofree char *all = NULL;

  g_assert_true (cst_statement_template_set_sections (tpl, sections, G_N_ELEMENTS (sections), NULL));
  cst_statement_template_set_string (tpl, "wording", "you-owe", "Amount you owe", NULL);
  st = cst_statement_new (base->bill, rules, tpl, NULL);
  pdf = cst_statement_render_pdf (st, NULL);
  doc = cst_test_pdf_open (pdf);
  all = cst_test_pdf_text (doc);
  g_assert_cmpint (poppler_document_get_n_pages (doc), ==, 1);
  assert_contains (all, "Amount you owe");
  g_assert_false (contains (all, "What your visit included"));
  g_assert_false (contains (all, "Details of your charges"));
}

/* The language-assistance notice is on page 1 of every statement in
 * English and in Spanish, with the facility's numbers: whatever the
 * language, when the template leaves out the sections that speak of
 * interpreters (the letterhead too), and when a hospital blanks the
 * notice. */
static void
test_language_notice (void)
{
  const char *const languages[] = { "en", "es" };

  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    for (guint variant = 0; variant < 3; variant++)
      {
        g_autoptr(CstStatement) base = sample_statement (languages[i]);
        g_autoptr(CstStatementTemplate) tpl = cst_statement_template_copy (base->template);
        const CstStatementSection few[] = { CST_SECTION_AMOUNT_DUE, CST_SECTION_HELP_PAYING };
        g_autoptr(CstStatement) st = NULL;
        g_autoptr(GBytes) pdf = NULL;
        g_autoptr(PopplerDocument) doc = NULL;
        g_autofree char *first = NULL;
        g_autofree char *english = NULL;
        g_autofree char *spanish = NULL;

        if (variant == 1)
          g_assert_true (cst_statement_template_set_sections (tpl, few, G_N_ELEMENTS (few), NULL));
        if (variant == 2)
          g_assert_true (cst_statement_template_set_string (tpl, "wording", "language-assistance", "", NULL));
        st = cst_statement_new (base->bill, rules, tpl, NULL);
        pdf = cst_statement_render_pdf (st, NULL);
        doc = cst_test_pdf_open (pdf);
        first = cst_test_pdf_page_text (doc, 0);
        english = g_strdup_printf ("Language help: Free interpreters are available. Call %s.",
                                   cst_statement_template_get_facility (tpl, "phone-billing"));
        spanish = g_strdup_printf ("Ayuda con el idioma: Tenemos intérpretes gratis. Para español, llame al %s.",
                                   cst_statement_template_get_facility (tpl, "phone-spanish"));
        assert_contains (first, english);
        assert_contains (first, spanish);
      }
}

/* An English statement, dated 2025-05-10, of a one-line bill: an ED
 * visit of $1,200.00 with @amounts (insurer paid, adjustment, patient
 * responsibility, in cents) and @payments already made. */
static CstStatement *
one_line_statement (const char *amounts,
                    gint64      payments)
{
  g_autofree char *csv = g_strconcat ("service_date,revenue_code,cpt_hcpcs,description,units,charge_cents,"
                                      "insurer_paid_cents,adjustment_cents,patient_resp_cents\n"
                                      "2025-05-02,0450,99283,HC ED VISIT LVL 3,1,120000,", amounts, "\n", NULL);
  g_autoptr(CstBill) bill = cst_bill_import_csv (csv, strlen (csv), 0, NULL, NULL);
  g_autoptr(CstStatementTemplate) tpl = cst_test_statement_template ("en");
  GDate today;

  g_assert_nonnull (bill);
  bill->patient_payments_cents = payments;
  g_date_set_dmy (&today, 10, 5, 2025);
  cst_bill_fill_defaults (bill, &today);
  return cst_statement_new (bill, rules, tpl, NULL);
}

/* The first page of @st's PDF as text. */
static char *
first_page_text (CstStatement *st)
{
  g_autoptr(GBytes) pdf = cst_statement_render_pdf (st, NULL);
  g_autoptr(PopplerDocument) doc = cst_test_pdf_open (pdf);

  return cst_test_pdf_page_text (doc, 0);
}

/* Credit and claim-level variants render the right words. */
static void
test_credit_statement (void)
{
  g_autoptr(CstStatement) st = one_line_statement ("80000,30000,10000", 25000);
  g_autofree char *first = first_page_text (st);

  assert_contains (first, "We owe you $150.00. We will send you a refund.");
  g_assert_false (contains (first, "-$"));
}

/* No line of @text is @label alone: a label with nothing beside it. */
static void
assert_no_bare_label (const char *text,
                      const char *label)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i]; i++)
    if (g_str_equal (g_strstrip (lines[i]), label))
      g_error ("“%s” stands alone on a line of the PDF", label);
}

/* The shared sample bill as the CSV gives it (no patient, account or
 * payer named), dated 2025-04-20, as a statement with @tpl. */
static CstStatement *
imported_sample (CstStatementTemplate *tpl)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "sample-bill-1.csv", NULL);
  g_autoptr(CstBill) bill = cst_bill_import_file (path, 0, NULL, NULL);
  g_autoptr(GError) error = NULL;
  CstStatement *st;
  GDate today;

  g_assert_nonnull (bill);
  g_date_set_dmy (&today, 20, 4, 2025);
  cst_bill_fill_defaults (bill, &today);
  st = cst_statement_new (bill, rules, tpl, &error);
  g_assert_no_error (error);
  return st;
}

/* The shared sample bill as a CSV gives it: no patient, account or payer
 * named, but insurance paid on its lines.  The statement says what the
 * bill says (insurance paid), leaves out what it does not know, and its
 * page count is the one its footers print. */
static void
check_bill_as_imported (const char *language,
                        const char *no_insurance,
                        const char *paid,
                        const char *const *labels,
                        const char *footer_format)
{
  g_autoptr(CstStatementTemplate) tpl = cst_test_statement_template (language);
  g_autoptr(CstStatement) st = imported_sample (tpl);
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *all = NULL;
  g_autofree char *footer = NULL;
  guint n_pages = 0;

  g_assert_true (st->insured);
  pdf = cst_statement_render_pdf_counted (st, &n_pages, &error);
  g_assert_no_error (error);
  doc = cst_test_pdf_open (pdf);
  all = cst_test_pdf_text (doc);
  g_assert_false (contains (all, no_insurance));
  assert_contains (all, paid);
  for (guint i = 0; labels[i]; i++)
    assert_no_bare_label (all, labels[i]);
  g_assert_cmpuint (n_pages, ==, poppler_document_get_n_pages (doc));
  footer = g_strdup_printf (footer_format, n_pages);
  assert_contains (all, footer);
}

static void
test_bill_as_imported (void)
{
  const char *const en[] = { "Account number", "Patient", NULL };
  const char *const es[] = { "Número de cuenta", "Paciente", NULL };

  check_bill_as_imported ("en", "We have no insurance on file",
                          "It paid $1,503.85", en, "Page 1 of %u");
  check_bill_as_imported ("es", "No tenemos un seguro registrado",
                          "Pagó $1,503.85", es, "Página 1 de %u");
}

/* The imported sample bill's statement text with @tpl. */
static char *
imported_sample_text (CstStatementTemplate *tpl)
{
  g_autoptr(CstStatement) st = imported_sample (tpl);
  g_autoptr(GBytes) pdf = cst_statement_render_pdf (st, NULL);
  g_autoptr(PopplerDocument) doc = cst_test_pdf_open (pdf);

  return cst_test_pdf_text (doc);
}

/* A template a hospital saved before the sentences for a plan not named
 * existed gets them from the shipped wording; a sentence it blanked on
 * purpose stays blank. */
static void
test_wording_added_later (void)
{
  g_autoptr(CstStatementTemplate) shipped = cst_statement_template_new_builtin ("standard", "en", NULL);
  g_autofree char *data = cst_statement_template_to_data (shipped, NULL);
  g_auto(GStrv) lines = g_strsplit (data, "\n", -1);
  g_autoptr(GString) older = g_string_new (NULL);
  g_autoptr(CstStatementTemplate) tpl = NULL;
  g_autofree char *text = NULL;
  g_autofree char *blanked_text = NULL;

  for (guint i = 0; lines[i]; i++)
    if (!g_str_has_prefix (lines[i], "insurance-line-unnamed=") && !g_str_has_prefix (lines[i], "eob-unnamed="))
      g_string_append_printf (older, "%s\n", lines[i]);
  tpl = cst_statement_template_new_from_data (older->str, older->len, NULL);
  g_assert_nonnull (tpl);
  {
    g_autoptr(CstFacility) facility = cst_test_facility_new ();

    cst_facility_apply_to_statement (facility, tpl);
  }
  g_assert_false (cst_statement_template_has_text (tpl, "eob-unnamed"));
  text = imported_sample_text (tpl);
  assert_contains (text, "Your insurance was billed $13,364.00. It paid $1,503.85");
  assert_contains (text, "Explanation of Benefits from your insurance plan");

  g_assert_true (cst_statement_template_set_string (tpl, "wording", "eob-unnamed", "", NULL));
  blanked_text = imported_sample_text (tpl);
  assert_contains (blanked_text, "It paid $1,503.85");
  g_assert_false (contains (blanked_text, "Explanation of Benefits"));
}

/* A self-pay bill with a discount on its lines: no insurance, said so. */
static void
test_self_pay (void)
{
  g_autoptr(CstStatement) st = one_line_statement ("0,40000,80000", 0);
  g_autofree char *first = NULL;

  g_assert_false (st->insured);
  first = first_page_text (st);
  assert_contains (first, "We have no insurance on file for this visit.");
  g_assert_false (contains (first, "Your insurance was billed"));
}

/* With the payer named, the insurance section names it and its claim. */
static void
test_named_payer (void)
{
  g_autoptr(CstStatement) st = sample_statement ("en");
  g_autoptr(GBytes) pdf = cst_statement_render_pdf (st, NULL);
  g_autoptr(PopplerDocument) doc = cst_test_pdf_open (pdf);
  g_autofree char *all = cst_test_pdf_text (doc);

  assert_contains (all, "Claim CLM-77 with Acme PPO: billed $13,364.00, paid $1,503.85");
  assert_contains (all, "Explanation of Benefits from Acme PPO");
  assert_contains (all, "ACC-0042");

  /* No claim number on the bill: no "Claim  with" and a blank. */
  {
    g_autoptr(CstBill) bill = cst_bill_ref (st->bill);
    g_autoptr(CstStatement) no_claim = NULL;
    g_autoptr(GBytes) no_claim_pdf = NULL;
    g_autoptr(PopplerDocument) no_claim_doc = NULL;
    g_autofree char *text = NULL;

    cst_bill_set_text (&bill->claim_number, NULL);
    no_claim = cst_statement_new (bill, rules, st->template, NULL);
    no_claim_pdf = cst_statement_render_pdf (no_claim, NULL);
    no_claim_doc = cst_test_pdf_open (no_claim_pdf);
    text = cst_test_pdf_text (no_claim_doc);
    g_assert_false (contains (text, "Claim with"));
    assert_contains (text, "Your plan, Acme PPO, was billed $13,364.00. It paid $1,503.85");
  }
}

/* Every section and every [wording] key of the shipped templates has a
 * label for the designers, in both languages; a new key without one fails. */
static void
test_labels (void)
{
  const char *const languages[] = { "en", "es" };

  for (CstStatementSection section = 0; section < CST_N_SECTIONS; section++)
    {
      const char *label = cst_statement_section_get_label (section);

      g_assert_cmpstr (label, !=, "");
      g_assert_cmpstr (label, !=, cst_statement_section_to_nick (section));
    }
  for (guint l = 0; l < G_N_ELEMENTS (languages); l++)
    {
      g_autoptr(CstStatementTemplate) tpl = cst_statement_template_new_builtin ("standard", languages[l], NULL);
      g_autofree char *data = cst_statement_template_to_data (tpl, NULL);
      g_autoptr(GKeyFile) file = g_key_file_new ();
      g_auto(GStrv) keys = NULL;
      gsize n = 0;

      g_assert_true (g_key_file_load_from_data (file, data, -1, G_KEY_FILE_NONE, NULL));
      keys = g_key_file_get_keys (file, "wording", &n, NULL);
      g_assert_cmpuint (n, >, 50);
      for (guint i = 0; i < n; i++)
        {
          const char *label = cst_statement_wording_get_label (keys[i]);

          if (label == NULL)
            g_error ("The wording “%s” has no label", keys[i]);
          g_assert_cmpstr (label, !=, keys[i]);
          if (strchr (keys[i], '-') != NULL)
            g_assert_null (strstr (label, keys[i]));
        }
    }
  g_assert_null (cst_statement_wording_get_label ("no-such-wording"));
}

typedef struct
{
  CstStatementBatchResult *result;
  guint                    progress_calls;
  guint                    last_done;
} BatchRun;

static void
batch_progress (guint done, guint total, gpointer data)
{
  BatchRun *run = data;

  g_assert_cmpuint (done, >, run->last_done);
  g_assert_cmpuint (done, <=, total);
  run->last_done = done;
  run->progress_calls++;
}

static void
batch_done (GObject *object, GAsyncResult *result, gpointer data)
{
  BatchRun *run = data;
  g_autoptr(GError) error = NULL;

  run->result = cst_statement_export_batch_finish (result, &error);
  g_assert_no_error (error);
}

/* The workbench's preview: the statement and its PDF made off the main
 * loop, the same as made here; a cancelled render reports it. */
static void
test_render_async (void)
{
  g_autoptr(CstStatement) expected = sample_statement ("en");
  g_autoptr(CstStatementTemplate) tpl = cst_statement_template_copy (expected->template);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) cancelled_result = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(CstStatement) st = NULL;
  g_autoptr(CstStatement) none = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(GBytes) no_pdf = NULL;
  g_autoptr(GError) error = NULL;
  guint n_pages = 0;

  cst_statement_render_async (expected->bill, rules, tpl, NULL, cst_test_result_cb, &result);
  st = cst_statement_render_finish (cst_test_wait_result (&result, 30), &pdf, &n_pages, &error);
  g_assert_no_error (error);
  g_assert_nonnull (st);
  g_assert_cmpint (st->amount_due_cents, ==, expected->amount_due_cents);
  g_assert_cmpuint (st->items->len, ==, expected->items->len);
  g_assert_nonnull (pdf);
  g_assert_cmpuint (n_pages, >=, 1);
  {
    g_autoptr(PopplerDocument) doc = cst_test_pdf_open (pdf);
    g_autofree char *text = cst_test_pdf_text (doc);
    g_autofree char *due = cst_money_format (expected->amount_due_cents);

    g_assert_cmpuint (poppler_document_get_n_pages (doc), ==, n_pages);
    assert_contains (text, due);
  }

  g_cancellable_cancel (cancellable);
  cst_statement_render_async (expected->bill, rules, tpl, cancellable, cst_test_result_cb,
                              &cancelled_result);
  none = cst_statement_render_finish (cst_test_wait_result (&cancelled_result, 30), &no_pdf, NULL,
                                      &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (none);
  g_assert_null (no_pdf);
}

/* Batch export on its worker thread: a good bill, a bad one (named, with
 * its line) and another good one; the good ones become readable PDFs. */
static void
test_batch_export (void)
{
  g_autofree char *sample = g_test_build_filename (G_TEST_DIST, "data", "sample-bill-1.csv", NULL);
  g_autofree char *dir = g_dir_make_tmp ("cst-batch-XXXXXX", NULL);
  g_autofree char *bad = g_build_filename (dir, "bad.csv", NULL);
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  g_autofree char *pdf_path = g_build_filename (out, "sample-bill-1.pdf", NULL);
  g_autoptr(CstStatementTemplate) tpl = cst_test_statement_template ("en");
  const char *paths[] = { sample, bad, sample, NULL };
  BatchRun run = { 0 };
  g_autofree char *pdf = NULL;
  gsize length = 0;

  g_assert_cmpint (g_mkdir (out, 0700), ==, 0);
  g_assert_true (g_file_set_contents (bad, "service_date,revenue_code,cpt_hcpcs,description,units,"
                                      "charge_cents,insurer_paid_cents,adjustment_cents,patient_resp_cents\n"
                                      "2025-03-14,0450,99284,ED VISIT,1,1000,0,0,abc\n", -1, NULL));
  cst_statement_export_batch_async (paths, rules, tpl, out, batch_progress, &run, NULL, NULL,
                                    batch_done, &run);
  while (run.result == NULL)
    g_main_context_iteration (NULL, TRUE);
  while (g_main_context_iteration (NULL, FALSE));   /* the last progress call */
  g_assert_false (run.result->cancelled);
  g_assert_cmpuint (run.result->written->len, ==, 2);
  g_assert_cmpuint (run.result->failures->len, ==, 1);
  g_test_message ("%s", (char *) g_ptr_array_index (run.result->failures, 0));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (run.result->failures, 0), "bad.csv: "));
  g_assert_nonnull (strstr (g_ptr_array_index (run.result->failures, 0), "line 2"));
  g_assert_cmpuint (run.progress_calls, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (run.result->written, 0), ==, pdf_path);
  cst_test_file_assert_private (pdf_path);
  g_assert_true (g_file_get_contents (pdf_path, &pdf, &length, NULL));
  {
    g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&pdf), length);
    g_autoptr(PopplerDocument) doc = cst_test_pdf_open (bytes);
    g_autofree char *text = cst_test_pdf_text (doc);
    g_assert_nonnull (strstr (text, "$1,375.96"));
  }
  cst_statement_batch_result_free (run.result);
  g_unlink (pdf_path);
  g_unlink (bad);
  g_rmdir (out);
  g_rmdir (dir);
}

/* The hospital on a statement is the facility's (the shipped template
 * has none): its name, address, phone and payment link are printed, the
 * old sample hospital nowhere; without them nothing is drawn, and the
 * message names the detail and where to fill it. */
static void
test_facility_details (void)
{
  g_autoptr(CstStatement) st = sample_statement ("en");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = cst_statement_render_pdf (st, &error);
  g_autoptr(PopplerDocument) doc = NULL;
  g_autofree char *text = NULL;
  g_autofree char *squashed = NULL;
  g_autoptr(CstStatementTemplate) shipped = cst_statement_template_new_builtin ("standard", "es", NULL);
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "sample-bill-1.csv", NULL);
  g_autoptr(CstBill) bill = cst_bill_import_file (path, 0, NULL, NULL);
  g_autoptr(CstStatementRules) rules = cst_statement_rules_new_default (NULL);
  g_autoptr(CstStatement) bare = NULL;
  g_autoptr(CstFacility) facility = cst_test_facility_new ();
  GDate today;

  g_assert_no_error (error);
  cst_input_today (&today);
  cst_bill_fill_defaults (bill, &today);
  doc = cst_test_pdf_open (pdf);
  text = cst_test_pdf_text (doc);
  squashed = cst_test_pdf_squash (text);
  g_assert_nonnull (strstr (squashed, "CustodianGeneralHospital"));
  g_assert_nonnull (strstr (squashed, "1TestPlaza"));
  g_assert_nonnull (strstr (squashed, "(555)010-0100"));
  g_assert_nonnull (strstr (squashed, "pay.custodian-general.example"));
  g_assert_null (strstr (squashed, "Riverside"));

  bare = cst_statement_new (bill, rules, shipped, &error);
  g_assert_no_error (error);
  g_assert_null (cst_statement_render_pdf (bare, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "facility's name"));
  g_assert_nonnull (strstr (error->message, "custodian-cli facility set --name"));
  g_clear_error (&error);

  /* The payment link, printed under "Ways to pay", is needed too. */
  cst_facility_set (facility, CST_FACILITY_PAY_LINK, "");
  cst_facility_apply_to_statement (facility, shipped);
  g_clear_pointer (&bare, cst_statement_unref);
  bare = cst_statement_new (bill, rules, shipped, &error);
  g_assert_null (cst_statement_render_pdf (bare, &error));
  g_assert_nonnull (strstr (error->message, "online payment link"));
}

/* --- the tagged PDF, read back --- */

static const char *
wording (CstStatement *st,
         const char   *key)
{
  return cst_statement_template_get_text (st->template, key);
}

/* A small PNG logo, written for the test. */
static char *
logo_file (void)
{
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 40, 20);
  cairo_t *cr = cairo_create (image);
  char *path = NULL;
  int fd = g_file_open_tmp ("cst-logo-XXXXXX.png", &path, NULL);

  g_assert_cmpint (fd, >=, 0);
  close (fd);
  cairo_set_source_rgb (cr, 0.1, 0.3, 0.6);
  cairo_paint (cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (image, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (image);
  return path;
}

static GPtrArray *
elements_of_kind (GPtrArray                   *elements,
                  PopplerStructureElementKind  kind)
{
  GPtrArray *found = g_ptr_array_new ();

  for (guint i = 0; i < elements->len; i++)
    if (((CstTestPdfElement *) g_ptr_array_index (elements, i))->kind == kind)
      g_ptr_array_add (found, g_ptr_array_index (elements, i));
  return found;
}

/* Structure element text is compared on its ASCII characters only
 * (cst_test_pdf_ascii_words() says why). */
static gboolean
same_words (const char *a,
            const char *b)
{
  g_autofree char *x = cst_test_pdf_ascii_words (a);
  g_autofree char *y = cst_test_pdf_ascii_words (b);

  return g_str_equal (x, y);
}

/* The header cell with @text, which must exist. */
static CstTestPdfElement *
header_cell (GPtrArray  *elements,
             const char *text)
{
  for (guint i = 0; i < elements->len; i++)
    {
      CstTestPdfElement *e = g_ptr_array_index (elements, i);

      if (e->kind == POPPLER_STRUCTURE_ELEMENT_TABLE_HEADING && same_words (e->text, text))
        return e;
    }
  g_error ("no header cell “%s” in the structure tree", text);
  return NULL;
}

/* The section headings, in the template's order, are the H2 elements in
 * the tree's order, and the page text (Poppler's, by position) has them
 * in that order too. */
static void
assert_headings_in_order (GPtrArray    *elements,
                          const char   *page_text,
                          CstStatement *st)
{
  static const char *const keys[] = { "you-owe", "how-heading", "categories-heading",
                                      "insurance-heading", "pay-heading", "help-heading",
                                      "questions-heading", "rights-heading", "details-heading" };
  g_autoptr(GPtrArray) h2 = elements_of_kind (elements, POPPLER_STRUCTURE_ELEMENT_HEADING_2);
  g_autofree char *squashed = cst_test_pdf_squash (page_text);
  const char *after = squashed;
  guint next = 0;

  for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
    {
      g_autofree char *heading = cst_test_pdf_squash (wording (st, keys[k]));
      gboolean found = FALSE;

      while (next < h2->len && !found)
        found = same_words (((CstTestPdfElement *) g_ptr_array_index (h2, next++))->text,
                            wording (st, keys[k]));
      if (!found)
        g_error ("heading “%s” is not an H2 after the one before it", wording (st, keys[k]));
      if ((after = strstr (after, heading)) == NULL)
        g_error ("heading “%s” is out of order in the page text", wording (st, keys[k]));
      after += strlen (heading);
    }
}

/* @st's PDF passes the tagged checks; returns its structure tree. */
static GPtrArray *
check_tagged_statement (CstStatement *st,
                        const char   *language)
{
  g_autofree char *logo = logo_file ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  GPtrArray *elements = NULL;
  g_autoptr(GPtrArray) h1 = NULL;
  g_autoptr(GPtrArray) figures = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) bodies = NULL;
  g_autofree char *lang = NULL;
  g_autofree char *viewer = NULL;
  g_autofree char *title = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expected_lang = g_strdup_printf ("(%s)", language);
  g_autofree char *qr_alt = NULL;
  const char *const patient[] = { "José", "Núñez", "ACC-0042", "CLM-77" };

  st->pay_link = g_strdup ("https://pay.custodian-general.example/s/Qx7bT2");
  g_assert_true (cst_statement_template_set_string (st->template, "facility", "logo", logo, NULL));
  pdf = cst_statement_render_pdf (st, &error);
  g_assert_no_error (error);
  g_unlink (logo);
  cst_test_pdf_assert_qpdf_clean (pdf);
  doc = cst_test_pdf_open (pdf);

  /* The language, and the title (the document's kind) in the window. */
  lang = cst_test_pdf_catalog_entry (pdf, "/Lang");
  g_assert_cmpstr (lang, ==, expected_lang);
  viewer = cst_test_pdf_catalog_entry (pdf, "/ViewerPreferences");
  g_assert_nonnull (viewer);
  g_assert_nonnull (strstr (viewer, "/DisplayDocTitle true"));
  title = poppler_document_get_title (doc);
  g_assert_cmpstr (title, ==, wording (st, "title"));
  cst_test_pdf_assert_pdfua (pdf, language, wording (st, "title"));
  cst_test_pdf_assert_content_marked (pdf, NULL);

  elements = cst_test_pdf_structure (pdf);
  for (guint i = 0; i < elements->len; i++)
    {
      CstTestPdfElement *e = g_ptr_array_index (elements, i);
      g_autofree char *words = cst_test_pdf_ascii_words (e->text);

      /* The footers ("Page 1 of 3", "Página 1 de 3") are in no element. */
      g_assert_null (strstr (words, g_str_equal (language, "es") ? "gina1de" : "Page1of"));
    }
  h1 = elements_of_kind (elements, POPPLER_STRUCTURE_ELEMENT_HEADING_1);
  g_assert_cmpuint (h1->len, ==, 1);
  g_assert_true (same_words (((CstTestPdfElement *) g_ptr_array_index (h1, 0))->text,
                             wording (st, "title")));
  text = cst_test_pdf_text (doc);
  assert_headings_in_order (elements, text, st);

  /* Tables: column headers over the charges, row headers beside facts. */
  g_assert_cmpstr (header_cell (elements, wording (st, "col-category"))->scope, ==, "Column");
  g_assert_cmpstr (header_cell (elements, wording (st, "details-description"))->scope, ==, "Column");
  g_assert_cmpstr (header_cell (elements, wording (st, "statement-date"))->scope, ==, "Row");

  /* Figures: the logo named for the facility, the QR code for its link. */
  figures = elements_of_kind (elements, POPPLER_STRUCTURE_ELEMENT_FIGURE);
  g_assert_cmpuint (figures->len, ==, 2);
  g_assert_cmpstr (((CstTestPdfElement *) g_ptr_array_index (figures, 0))->alt, ==,
                   cst_statement_template_get_facility (st->template, "name"));
  qr_alt = g_strconcat (wording (st, "pay-qr"), " ", st->pay_link, NULL);
  g_assert_cmpstr (((CstTestPdfElement *) g_ptr_array_index (figures, 1))->alt, ==, qr_alt);
  for (guint i = 0; i < elements->len; i++)
    for (guint p = 0; p < G_N_ELEMENTS (patient); p++)
      g_assert_null (strstr (((CstTestPdfElement *) g_ptr_array_index (elements, i))->alt
                             ? ((CstTestPdfElement *) g_ptr_array_index (elements, i))->alt : "",
                             patient[p]));

  /* The payment plans are a list, one item a plan. */
  items = elements_of_kind (elements, POPPLER_STRUCTURE_ELEMENT_LIST_ITEM);
  bodies = elements_of_kind (elements, POPPLER_STRUCTURE_ELEMENT_LIST_BODY);
  g_assert_cmpuint (st->plans->len, >, 0);
  g_assert_cmpuint (items->len, ==, st->plans->len);
  g_assert_cmpuint (bodies->len, ==, st->plans->len);
  g_assert_nonnull (strstr (((CstTestPdfElement *) g_ptr_array_index (bodies, 0))->text,
                            language[0] == 'e' && language[1] == 's' ? "pagos mensuales"
                                                                     : "monthly payments"));
  return elements;
}

static void
check_tagged (const char *language)
{
  g_autoptr(CstStatement) st = sample_statement (language);
  g_autoptr(GPtrArray) elements = check_tagged_statement (st, language);
}

/* A paragraph with @sentence's words, in the Sect whose heading is
 * @heading (an H2 of that Sect itself). */
static void
assert_paragraph_in_section (GPtrArray  *elements,
                             const char *sentence,
                             const char *heading)
{
  for (guint i = 0; i < elements->len; i++)
    {
      CstTestPdfElement *e = g_ptr_array_index (elements, i);

      if (e->kind != POPPLER_STRUCTURE_ELEMENT_PARAGRAPH || !same_words (e->text, sentence))
        continue;
      for (guint s = i; s-- > 0;)
        {
          CstTestPdfElement *sect = g_ptr_array_index (elements, s);

          if (sect->depth >= e->depth)
            continue;
          g_assert_cmpint (sect->kind, ==, POPPLER_STRUCTURE_ELEMENT_SECTION);
          for (guint h = s + 1; h < elements->len; h++)
            {
              CstTestPdfElement *child = g_ptr_array_index (elements, h);

              if (child->depth <= sect->depth)
                break;
              if (child->depth == sect->depth + 1 && child->kind == POPPLER_STRUCTURE_ELEMENT_HEADING_2 &&
                  same_words (child->text, heading))
                return;
            }
          g_error ("“%s” is not in the section headed “%s”", sentence, heading);
        }
    }
  g_error ("no paragraph “%s” in the structure tree", sentence);
}

/* 120 days after the first statement: the final notice, said under the
 * amount due with its collections date, and on the status badge. */
static void
test_final_notice (void)
{
  g_autoptr(CstBill) bill = sample_bill ();
  g_autoptr(CstStatementTemplate) tpl = cst_test_statement_template ("en");
  g_autoptr(CstStatement) st = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  g_autoptr(GPtrArray) elements = NULL;
  g_autofree char *first = NULL;
  g_autofree char *variant = NULL;

  g_date_set_dmy (&bill->first_statement_date, 1, 12, 2024);
  st = cst_statement_new (bill, rules, tpl, &error);
  g_assert_no_error (error);
  g_assert_cmpint (st->variant, ==, CST_VARIANT_FINAL_NOTICE);
  g_assert_cmpint (st->status, ==, CST_STATUS_PAST_DUE);
  variant = cst_statement_dup_variant_text (st);
  g_assert_nonnull (strstr (variant, "final notice"));

  pdf = cst_statement_render_pdf (st, &error);
  g_assert_no_error (error);
  doc = cst_test_pdf_open (pdf);
  first = cst_test_pdf_page_text (doc, 0);
  assert_contains (first, variant);
  assert_contains (first, wording (st, "status-final-notice"));
  g_assert_false (contains (first, wording (st, "status-past-due")));

  elements = check_tagged_statement (st, "en");
  assert_paragraph_in_section (elements, variant, wording (st, "you-owe"));
  assert_paragraph_in_section (elements, wording (st, "status-final-notice"), wording (st, "you-owe"));
}

/* A statement made with an eligible screening says what the patient was
 * given, in the help section after the assistance notice. */
static void
test_assistance (void)
{
  g_autoptr(CstBill) bill = sample_bill ();
  g_autoptr(CstStatementTemplate) tpl = cst_test_statement_template ("en");
  g_autoptr(CstAssistancePolicy) policy = cst_assistance_policy_new_default (NULL);
  g_auto(CstAssistanceScreening) screening = { 0 };
  g_autoptr(CstStatement) st = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GPtrArray) elements = NULL;
  g_autofree char *all = NULL;
  g_autofree char *notice = NULL;
  g_autofree char *squashed = NULL;
  g_autofree char *first_line = NULL;
  g_autofree char *notice_words = NULL;
  const char *notice_at;
  GDate on;

  g_assert_nonnull (policy);
  g_date_set_dmy (&on, 1, 6, 2026);
  g_assert_true (cst_assistance_screen (policy, 4, 8000000, &on, &screening, &error));
  g_assert_no_error (error);
  st = cst_statement_new_assisted (bill, rules, tpl, &screening, &error);
  g_assert_no_error (error);
  g_assert_true (st->assisted);
  lines = cst_statement_assistance_lines (st);
  g_assert_cmpuint (lines->len, >=, 2);

  pdf = cst_statement_render_pdf (st, &error);
  g_assert_no_error (error);
  doc = cst_test_pdf_open (pdf);
  all = cst_test_pdf_text (doc);
  notice = cst_statement_dup_text (st, "financial-assistance");
  squashed = cst_test_pdf_squash (all);
  first_line = cst_test_pdf_squash (g_ptr_array_index (lines, 0));
  for (guint i = 0; i < lines->len; i++)
    assert_contains (all, g_ptr_array_index (lines, i));
  /* After the notice, not before it. */
  notice_words = cst_test_pdf_squash (notice);
  notice_at = strstr (squashed, notice_words);
  g_assert_nonnull (notice_at);
  g_assert_nonnull (strstr (notice_at + strlen (notice_words), first_line));

  elements = check_tagged_statement (st, "en");
  for (guint i = 0; i < lines->len; i++)
    assert_paragraph_in_section (elements, g_ptr_array_index (lines, i), wording (st, "help-heading"));
}

static void
test_tagged_english (void)
{
  check_tagged ("en");
}

static void
test_tagged_spanish (void)
{
  check_tagged ("es");
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  rules = cst_statement_rules_new_default (NULL);
  g_test_add_func ("/statement-pdf/english", test_english);
  g_test_add_func ("/statement-pdf/spanish", test_spanish);
  g_test_add_func ("/statement-pdf/template-edit", test_template_edit);
  g_test_add_func ("/statement-pdf/language-notice", test_language_notice);
  g_test_add_func ("/statement-pdf/bill-as-imported", test_bill_as_imported);
  g_test_add_func ("/statement-pdf/named-payer", test_named_payer);
  g_test_add_func ("/statement-pdf/self-pay", test_self_pay);
  g_test_add_func ("/statement-pdf/wording-added-later", test_wording_added_later);
  g_test_add_func ("/statement-pdf/labels", test_labels);
  g_test_add_func ("/statement-pdf/credit", test_credit_statement);
  g_test_add_func ("/statement-pdf/batch-export", test_batch_export);
  g_test_add_func ("/statement-pdf/render-async", test_render_async);
  g_test_add_func ("/statement-pdf/facility-details", test_facility_details);
  g_test_add_func ("/statement-pdf/tagged/english", test_tagged_english);
  g_test_add_func ("/statement-pdf/tagged/spanish", test_tagged_spanish);
  g_test_add_func ("/statement-pdf/final-notice", test_final_notice);
  g_test_add_func ("/statement-pdf/assistance", test_assistance);
  status = g_test_run ();
  cst_statement_rules_unref (rules);
  return status;
}
