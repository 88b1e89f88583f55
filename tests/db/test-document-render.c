/* test-document-render.c — each document for a seeded request, read back
 * with Poppler; templates and disclosures in the database */
#include "config.h"

#include <locale.h>

#include "cst-test-db.h"
#include "cst-test-pdf.h"

static CstTestDb *db;

static const char *const patient_data[] = { "José", "Núñez", "Zoë", "Ångström", "ROI-", NULL };

/* The facility's details come from the database (cst_test_db_new fills
 * them in), whatever a caller passes. */
static CstDocumentOptions
options (void)
{
  CstDocumentOptions o = { CST_PDF_PAPER_LETTER,
                           { "Not The Database's Hospital", NULL, NULL, NULL },
                           NULL, NULL, NULL, NULL, NULL };
  return o;
}

static CstInvoice *
sample_invoice (void)
{
  CstInvoice *invoice = cst_invoice_new ();

  cst_invoice_add_line (invoice, "Search and retrieval", 1, 1500, 1500, "NY-BASE",
                        "N.Y. Pub. Health Law § 18(2)(e)");
  cst_invoice_add_line (invoice, "Paper copies", 40, 75, 3000, "NY-PAGE",
                        "N.Y. Pub. Health Law § 18(2)(e)");
  cst_invoice_add_line (invoice, "Postage", 1, 389, 389, NULL, NULL);
  return invoice;
}

static PopplerDocument *
check_pdf (GBytes     *pdf,
           const char *reference,
           char      **text_out)
{
  PopplerDocument *doc = cst_test_pdf_open (pdf);
  g_autofree char *text = cst_test_pdf_text (doc);
  g_autofree char *squashed = cst_test_pdf_squash (text);

  cst_test_pdf_assert_qpdf_clean (pdf);
  cst_test_pdf_assert_clean_metadata (doc, patient_data);
  g_assert_nonnull (strstr (squashed, reference));
  g_assert_nonnull (strstr (squashed, "JoséNúñez"));
  *text_out = g_steal_pointer (&squashed);
  return doc;
}

static void
test_invoice (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(CstRequest) request = cst_test_db_add_request (conn, "DOC-1");
  g_autoptr(CstInvoice) invoice = sample_invoice ();
  CstDocumentOptions o = options ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  g_autofree char *text = NULL;
  guint pages = 0;

  pdf = cst_document_repo_render (conn, CST_DOCUMENT_INVOICE, request, "en", invoice, &o,
                                   &pages, &error);
  g_assert_no_error (error);
  doc = check_pdf (pdf, cst_request_get_reference (request), &text);
  g_assert_cmpint (poppler_document_get_n_pages (doc), ==, 1);
  g_assert_cmpuint (pages, ==, 1);
  g_assert_nonnull (strstr (text, "Searchandretrieval"));
  /* Poppler reads a table column by column, so check each cell. */
  g_assert_nonnull (strstr (text, "Papercopies"));
  g_assert_nonnull (strstr (text, "40$0.75$30.00"));
  g_assert_nonnull (strstr (text, "Postage"));
  g_assert_nonnull (strstr (text, "$3.89$3.89"));
  g_assert_nonnull (strstr (text, "$15.00"));
  g_assert_nonnull (strstr (text, "N.Y.Pub.HealthLaw§18(2)(e)"));
  g_assert_nonnull (strstr (text, "Totaldue$48.89"));
  g_assert_nonnull (strstr (text, "Page1of1"));
  {
    g_autofree char *title = poppler_document_get_title (doc);
    g_assert_cmpstr (title, ==, "Invoice");
  }
}

static void
test_invoice_spanish (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(CstRequest) request = cst_test_db_add_request (conn, "DOC-2");
  g_autoptr(CstInvoice) invoice = sample_invoice ();
  CstDocumentOptions o = options ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  g_autofree char *text = NULL;

  pdf = cst_document_repo_render (conn, CST_DOCUMENT_INVOICE, request, "es", invoice, &o,
                                   NULL, &error);
  g_assert_no_error (error);
  doc = check_pdf (pdf, cst_request_get_reference (request), &text);
  g_assert_nonnull (strstr (text, "Totalapagar$48.89"));
  g_assert_nonnull (strstr (text, "Página1de1"));
  g_assert_nonnull (strstr (text, "Cómopagar"));
}

/* No element holds @words (a footer's: they are drawn outside the tree). */
static void
assert_in_no_element (GPtrArray  *elements,
                      const char *words)
{
  for (guint i = 0; i < elements->len; i++)
    {
      g_autofree char *text = cst_test_pdf_ascii_words (((CstTestPdfElement *) elements->pdata[i])->text);

      g_assert_null (strstr (text, words));
    }
}

/* The invoice is a tagged PDF (issue 21): its title an H1, "How to pay"
 * an H2 under it, the fields' labels header cells of their rows, the
 * lines' column titles header cells of their columns, the footer in no
 * element but an artifact, nothing drawn unmarked; the language, the title in the window and XMP metadata with
 * the PDF/UA claim and no patient in it. */
static void
test_tagged_invoice (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(CstRequest) request = cst_test_db_add_request (conn, "DOC-TAG-1");
  g_autoptr(CstInvoice) invoice = sample_invoice ();
  CstDocumentOptions o = options ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(GBytes) spanish = NULL;
  g_autoptr(GPtrArray) elements = NULL;
  g_autoptr(GPtrArray) h1 = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  g_autofree char *xmp = NULL;

  pdf = cst_document_repo_render (conn, CST_DOCUMENT_INVOICE, request, "en", invoice, &o, NULL, &error);
  g_assert_no_error (error);
  cst_test_pdf_assert_qpdf_clean (pdf);
  cst_test_pdf_assert_pdfua (pdf, "en", "Invoice");
  elements = cst_test_pdf_structure (pdf);
  h1 = cst_test_pdf_elements_of_kind (elements, POPPLER_STRUCTURE_ELEMENT_HEADING_1);
  g_assert_cmpuint (h1->len, ==, 1);
  cst_test_pdf_find_element (elements, POPPLER_STRUCTURE_ELEMENT_HEADING_1, "Invoice");
  cst_test_pdf_find_element (elements, POPPLER_STRUCTURE_ELEMENT_HEADING_2, "How to pay");
  g_assert_cmpstr (cst_test_pdf_find_element (elements, POPPLER_STRUCTURE_ELEMENT_TABLE_HEADING,
                                              "Request reference")->scope, ==, "Row");
  g_assert_cmpstr (cst_test_pdf_find_element (elements, POPPLER_STRUCTURE_ELEMENT_TABLE_HEADING,
                                              "Description")->scope, ==, "Column");
  cst_test_pdf_find_element (elements, POPPLER_STRUCTURE_ELEMENT_TABLE_DATA, "Postage");
  cst_test_pdf_find_element (elements, POPPLER_STRUCTURE_ELEMENT_TABLE_DATA, "$48.89");
  assert_in_no_element (elements, "Page1of1");
  cst_test_pdf_assert_content_marked (pdf, "Page 1 of 1");
  doc = cst_test_pdf_open (pdf);
  xmp = poppler_document_get_metadata (doc);
  for (guint i = 0; patient_data[i]; i++)
    g_assert_null (strstr (xmp, patient_data[i]));

  spanish = cst_document_repo_render (conn, CST_DOCUMENT_INVOICE, request, "es", invoice, &o, NULL, &error);
  g_assert_no_error (error);
  cst_test_pdf_assert_pdfua (spanish, "es", "Factura");
  cst_test_pdf_assert_content_marked (spanish, "gina 1 de 1");
}

/* Letters are tagged too: the denial letter's sections are H2 after its
 * H1, in the letter's order; the cover letter's fields are row headers. */
static void
test_tagged_letters (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(CstRequest) request = cst_test_db_add_request (conn, "DOC-TAG-2");
  CstDocumentOptions o = options ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) denial = NULL;
  g_autoptr(GBytes) cover = NULL;
  g_autoptr(GPtrArray) elements = NULL;
  g_autoptr(GPtrArray) cover_elements = NULL;
  g_autoptr(GPtrArray) h2 = NULL;
  const char *sections[] = { "Why", "Your right to have this decision reviewed", "How to complain" };

  g_object_set (request, "status-reason", "The records were compiled for a lawsuit.", NULL);
  denial = cst_document_repo_render (conn, CST_DOCUMENT_DENIAL_LETTER, request, "en", NULL, &o, NULL, &error);
  g_assert_no_error (error);
  cst_test_pdf_assert_qpdf_clean (denial);
  cst_test_pdf_assert_pdfua (denial, "en", "Response to a request for health information");
  cst_test_pdf_assert_content_marked (denial, "Page 1 of");
  elements = cst_test_pdf_structure (denial);
  cst_test_pdf_find_element (elements, POPPLER_STRUCTURE_ELEMENT_HEADING_1, "Your request for health information");
  h2 = cst_test_pdf_elements_of_kind (elements, POPPLER_STRUCTURE_ELEMENT_HEADING_2);
  g_assert_cmpuint (h2->len, ==, G_N_ELEMENTS (sections));
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    {
      g_autofree char *words = cst_test_pdf_ascii_words (((CstTestPdfElement *) h2->pdata[i])->text);
      g_autofree char *expected = cst_test_pdf_ascii_words (sections[i]);

      g_assert_cmpstr (words, ==, expected);
    }

  cover = cst_document_repo_render (conn, CST_DOCUMENT_COVER_LETTER, request, "en", NULL, &o, NULL, &error);
  g_assert_no_error (error);
  cst_test_pdf_assert_pdfua (cover, "en", "Release of health information");
  cover_elements = cst_test_pdf_structure (cover);
  g_assert_cmpstr (cst_test_pdf_find_element (cover_elements, POPPLER_STRUCTURE_ELEMENT_TABLE_HEADING,
                                              "What we released")->scope, ==, "Row");
}

/* An invoice from the fee engine's own quote (a patient's electronic copy
 * at the hospital's average cost, a Texas attorney's paper copy): each
 * line in words with its citation, never the rule's code. */
static void
check_engine_invoice (PGconn          *conn,
                      const char      *reference,
                      const char      *state,
                      CstFeeRequester  requester,
                      CstFeeFormat     format,
                      CstFeeMethod     method)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstFeeScheduleSet) seed = cst_fee_schedule_set_new_from_seed (&error);
  g_autoptr(CstRequest) request = cst_test_db_add_request (conn, reference);
  g_autoptr(CstFeeQuote) quote = NULL;
  g_autoptr(CstInvoice) invoice = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  g_autofree char *text = NULL;
  CstDocumentOptions o = options ();
  CstFeeRequest r;

  g_assert_no_error (error);
  cst_fee_request_init (&r);
  g_assert_true (cst_fee_request_set_jurisdiction (&r, state, NULL));
  g_date_set_dmy (&r.received, 2, 6, 2025);
  r.requester = requester;
  r.format = format;
  r.method = method;
  r.pages = 80;
  r.maintained_electronically = TRUE;
  quote = cst_fee_engine_quote (seed, &r, &error);
  g_assert_no_error (error);
  invoice = cst_invoice_new_from_fee_quote (quote);
  g_assert_cmpuint (invoice->lines->len, >, 0);
  pdf = cst_document_repo_render (conn, CST_DOCUMENT_INVOICE, request, "en", invoice, &o, NULL, &error);
  g_assert_no_error (error);
  doc = check_pdf (pdf, cst_request_get_reference (request), &text);
  for (guint i = 0; i < cst_fee_quote_get_n_lines (quote); i++)
    {
      const CstFeeLine *line = cst_fee_quote_get_line (quote, i);
      g_autofree char *rule = cst_test_pdf_squash (cst_fee_line_get_rule (line));
      g_autofree char *description = cst_test_pdf_squash (cst_fee_line_get_description (line));
      g_autofree char *citation = cst_test_pdf_squash (cst_fee_line_get_citation (line));

      if (!cst_fee_line_is_chargeable (line))
        continue;
      g_test_message ("rule %s: %s", cst_fee_line_get_rule (line), cst_fee_line_get_description (line));
      if (strstr (text, rule) != NULL)
        g_error ("The invoice shows the rule code “%s”", cst_fee_line_get_rule (line));
      /* A long description wraps; its first words are on one line. */
      description[MIN (strlen (description), 20)] = '\0';
      g_assert_nonnull (strstr (text, description));
      g_assert_nonnull (strstr (text, citation));
    }
}

static void
test_engine_invoice_words (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect_as (db, "custodian_clerk");

  check_engine_invoice (conn, "DOC-E1", "IL", CST_FEE_REQUESTER_PATIENT, CST_FEE_FORMAT_ELECTRONIC,
                        CST_FEE_METHOD_HIPAA_AVERAGE);
  check_engine_invoice (conn, "DOC-E2", "TX", CST_FEE_REQUESTER_ATTORNEY, CST_FEE_FORMAT_PAPER,
                        CST_FEE_METHOD_DEFAULT);
}

/* Every kind of document has a name for people, and a refusal uses it
 * ("This document (Invoice) is not a letter", not "A invoice …"). */
static void
test_kind_labels (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(CstRequest) request = cst_test_db_add_request (conn, "DOC-K1");
  g_autoptr(CstDocumentTemplate) tpl = cst_document_template_new_default (CST_DOCUMENT_INVOICE, "en", NULL);
  g_autoptr(GError) error = NULL;
  CstDocumentOptions o = options ();

  for (CstDocumentKind kind = 0; kind < CST_DOCUMENT_N_KINDS; kind++)
    {
      const char *label = cst_document_kind_get_label (kind);

      g_assert_cmpstr (label, !=, "");
      g_assert_cmpstr (label, !=, cst_document_kind_to_string (kind));
      g_assert_true (g_ascii_isupper (label[0]));
    }
  g_assert_nonnull (tpl);
  g_assert_null (cst_document_render_letter (tpl, request, &o, NULL, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_assert_cmpstr (error->message, ==, "This document (Invoice) is not a letter.");
}

/* 500 lines: the header row on every page, the total only on the last. */
static void
test_long_invoice (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(CstRequest) request = cst_test_db_add_request (conn, "DOC-3");
  g_autoptr(CstInvoice) invoice = cst_invoice_new ();
  CstDocumentOptions o = options ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  g_autofree char *all = NULL;
  int n;

  for (guint i = 0; i < 500; i++)
    {
      g_autofree char *desc = g_strdup_printf ("Page batch %u", i + 1);
      cst_invoice_add_line (invoice, desc, 1, 100, 100, "R", "Citation");
    }
  pdf = cst_document_repo_render (conn, CST_DOCUMENT_INVOICE, request, "en", invoice, &o,
                                   NULL, &error);
  g_assert_no_error (error);
  doc = check_pdf (pdf, cst_request_get_reference (request), &all);
  n = poppler_document_get_n_pages (doc);
  g_assert_cmpint (n, >, 10);
  for (int i = 0; i < n; i++)
    {
      g_autofree char *page = cst_test_pdf_page_text (doc, i);
      g_assert_nonnull (strstr (page, "Description"));
      g_assert_true ((strstr (page, "Total due") != NULL) == (i == n - 1));
    }
  g_assert_nonnull (strstr (all, "Pagebatch500"));
  g_assert_nonnull (strstr (all, "Totaldue$500.00"));
}

static void
render_letter (CstDocumentKind  kind,
               CstRequest      *request,
               char           **text)
{
  g_autoptr(PGconn) conn = cst_test_db_connect_as (db, "custodian_clerk");
  CstDocumentOptions o = options ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(PopplerDocument) doc = NULL;

  pdf = cst_document_repo_render (conn, kind, request, "en", NULL, &o, NULL, &error);
  g_assert_no_error (error);
  doc = check_pdf (pdf, cst_request_get_reference (request), text);
  g_assert_cmpint (poppler_document_get_n_pages (doc), >=, 1);
}

static void
test_letters (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(CstRequest) request = cst_test_db_add_request (conn, "DOC-4");
  g_autofree char *cover = NULL;
  g_autofree char *denial = NULL;
  g_autofree char *extension = NULL;
  const char *types[] = { "Discharge summary", "Lab results", NULL };
  g_autoptr(GDate) from = g_date_new_dmy (1, 1, 2024);
  g_autoptr(GDate) to = g_date_new_dmy (31, 12, 2024);

  g_object_set (request, "record-types", types, "records-from", from, "records-to", to,
                "status-reason", "The records were compiled for a lawsuit.",
                "extension-reason", "The records are stored off site.", NULL);
  render_letter (CST_DOCUMENT_COVER_LETTER, request, &cover);
  g_assert_nonnull (strstr (cover, "Dischargesummary,Labresults"));
  g_assert_nonnull (strstr (cover, "January1,2024toDecember31,2024"));
  render_letter (CST_DOCUMENT_DENIAL_LETTER, request, &denial);
  g_assert_nonnull (strstr (denial, "compiledforalawsuit"));
  g_assert_nonnull (strstr (denial, "SecretaryoftheU.S.DepartmentofHealthandHumanServices"));
  g_assert_nonnull (strstr (denial, "reviewed"));
  render_letter (CST_DOCUMENT_EXTENSION_NOTICE, request, &extension);
  g_assert_nonnull (strstr (extension, "storedoffsite"));
  g_assert_nonnull (strstr (extension, "Wewillactonyourrequestby"));
}

/* With the details filled in, every letter and the invoice print them,
 * from the database, and no sentence has a hole where one should be. */
static void
test_facility_details_printed (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(CstRequest) request = cst_test_db_add_request (conn, "DOC-FAC-1");
  g_autoptr(CstInvoice) invoice = sample_invoice ();
  const CstDocumentKind kinds[] = {
    CST_DOCUMENT_INVOICE, CST_DOCUMENT_COVER_LETTER, CST_DOCUMENT_DENIAL_LETTER,
    CST_DOCUMENT_EXTENSION_NOTICE,
  };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      CstDocumentOptions o = options ();
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) pdf = cst_document_repo_render (conn, kinds[i], request, "en",
                                                         kinds[i] == CST_DOCUMENT_INVOICE ? invoice : NULL,
                                                         &o, NULL, &error);
      g_autoptr(PopplerDocument) doc = NULL;
      g_autofree char *text = NULL;
      g_autofree char *squashed = NULL;

      g_assert_no_error (error);
      doc = cst_test_pdf_open (pdf);
      text = cst_test_pdf_text (doc);
      squashed = cst_test_pdf_squash (text);
      g_assert_nonnull (strstr (squashed, "CustodianGeneralHospital"));
      g_assert_nonnull (strstr (squashed, "1TestPlaza"));
      g_assert_nonnull (strstr (squashed, "Albany,NY12207"));
      g_assert_nonnull (strstr (squashed, "(555)010-0100"));
      g_assert_null (strstr (squashed, "NotTheDatabase"));
      /* The holes of issue 15: "to , ." and "call us at  and". */
      g_assert_null (strstr (squashed, ",,"));
      g_assert_null (strstr (squashed, ",."));
      g_assert_null (strstr (squashed, "at,"));
      g_assert_null (strstr (squashed, "atand"));
      g_assert_null (strstr (squashed, "Callandgive"));
      g_assert_null (strstr (squashed, "{{"));
      if (kinds[i] == CST_DOCUMENT_INVOICE)
        {
          g_assert_nonnull (strstr (squashed, "Sendacheckpayable"));
          g_assert_nonnull (strstr (squashed, "payonlineatpay.custodian-general.example"));
        }
    }
}

/* A document that needs a detail nobody filled in is refused, naming
 * the detail and where to fill it; the invoice also needs how to pay. */
static void
test_facility_detail_missing (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(PGconn) owner = cst_test_db_connect (db);   /* blanks the details */
  g_autoptr(CstRequest) request = cst_test_db_add_request (conn, "DOC-FAC-2");
  g_autoptr(CstInvoice) invoice = sample_invoice ();
  const struct {
    CstFacilityDetail detail;
    CstDocumentKind   kind;
    const char       *named;
  } cases[] = {
    { CST_FACILITY_NAME, CST_DOCUMENT_COVER_LETTER, "facility's name" },
    { CST_FACILITY_ADDRESS, CST_DOCUMENT_DENIAL_LETTER, "facility's address" },
    { CST_FACILITY_PHONE, CST_DOCUMENT_EXTENSION_NOTICE, "facility's phone number" },
    { CST_FACILITY_PHONE, CST_DOCUMENT_INVOICE, "facility's phone number" },
    { CST_FACILITY_PAY_TEXT, CST_DOCUMENT_INVOICE, "facility's payment instructions" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CstFacility) facility = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) pdf = NULL;
      CstDocumentOptions o = options ();
      const char *option = cst_facility_detail_option (cases[i].detail);

      facility = cst_facility_load (conn, &error);
      g_assert_no_error (error);
      cst_facility_set (facility, cases[i].detail, "  ");
      g_assert_true (cst_facility_save (owner, facility, &error));
      g_assert_no_error (error);

      pdf = cst_document_repo_render (conn, cases[i].kind, request, "en",
                                       cases[i].kind == CST_DOCUMENT_INVOICE ? invoice : NULL,
                                       &o, NULL, &error);
      g_assert_null (pdf);
      g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
      g_assert_nonnull (strstr (error->message, cases[i].named));
      g_assert_nonnull (strstr (error->message, "Preferences → Facility"));
      g_assert_nonnull (strstr (error->message, option));
      cst_test_db_fill_facility (owner);
    }

  /* Where to pay online is optional: the invoice is made without it. */
  {
    g_autoptr(CstFacility) facility = cst_facility_load (conn, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) pdf = NULL;
    g_autoptr(PopplerDocument) doc = NULL;
    g_autofree char *text = NULL;
    CstDocumentOptions o = options ();

    cst_facility_set (facility, CST_FACILITY_PAY_LINK, "");
    g_assert_true (cst_facility_save (owner, facility, &error));
    pdf = cst_document_repo_render (conn, CST_DOCUMENT_INVOICE, request, "en", invoice, &o, NULL,
                                     &error);
    g_assert_no_error (error);
    doc = cst_test_pdf_open (pdf);
    text = cst_test_pdf_text (doc);
    g_assert_null (strstr (text, "online"));
    cst_test_db_fill_facility (owner);
  }
}

static void
test_accounting (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect_as (db, "custodian_clerk");
  /* Records the disclosures: since 0050 nobody else may insert them
   * directly (a release records its own through release_request()). */
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(CstRequest) request = cst_test_db_add_request (conn, "DOC-5");
  g_autoptr(GError) error = NULL;
  g_autoptr(GDate) from = g_date_new_dmy (1, 1, 2025);
  g_autoptr(GDate) to = g_date_new_dmy (31, 12, 2025);
  g_autoptr(GPtrArray) listed = NULL;
  CstDocumentOptions o = options ();
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  g_autofree char *text = NULL;
  const struct { int day, month; const char *who; gboolean accountable; } rows[] = {
    { 3, 2, "County Health Department", TRUE },
    { 9, 6, "Court of Claims (subpoena)", TRUE },
    { 10, 6, "Attorney with authorization", FALSE },
    { 2, 1, "Outside the period", TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autoptr(CstDisclosure) d = cst_disclosure_new ();
      d->request_id = cst_request_get_id (request);
      g_date_set_dmy (&d->disclosed_on, rows[i].day, rows[i].month, i == 3 ? 2023 : 2025);
      d->recipient_name = g_strdup (rows[i].who);
      d->recipient_address = g_strdup ("12 Court Street, Albany, NY");
      d->phi_description = g_strdup ("Immunization records");
      d->purpose = g_strdup ("Public health reporting");
      d->accountable = rows[i].accountable;
      g_assert_cmpint (cst_document_repo_record_disclosure (owner, d, &error), >, 0);
      g_assert_no_error (error);
    }
  {
    gint64 patient_id = 0;
    g_autoptr(GPtrArray) all = NULL;
    g_autoptr(GDate) today = g_date_new ();

    g_object_get (request, "patient-id", &patient_id, NULL);
    listed = cst_document_repo_list_disclosures (conn, patient_id, from, to, TRUE, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (listed->len, ==, 2);
    /* A release to the patient is logged, not accountable. */
    cst_input_today (today);
    g_assert_cmpint (cst_document_repo_record_release (owner, request, NULL, &error), >, 0);
    g_assert_no_error (error);
    all = cst_document_repo_list_disclosures (conn, patient_id, today, today, FALSE, &error);
    g_assert_cmpuint (all->len, ==, 1);
    g_assert_false (((CstDisclosure *) all->pdata[0])->accountable);
    g_assert_cmpstr (((CstDisclosure *) all->pdata[0])->recipient_name, ==, "Zoë Ångström");
    g_assert_cmpstr (((CstDisclosure *) all->pdata[0])->request_reference, ==,
                     cst_request_get_reference (request));
  }
  o.period_from = from;
  o.period_to = to;
  pdf = cst_document_repo_render (conn, CST_DOCUMENT_ACCOUNTING, request, "en", NULL, &o, NULL,
                                   &error);
  g_assert_no_error (error);
  doc = check_pdf (pdf, cst_request_get_reference (request), &text);
  g_assert_nonnull (strstr (text, "CountyHealthDepartment"));
  g_assert_nonnull (strstr (text, "February3,2025"));
  g_assert_nonnull (strstr (text, "Courtof"));
  g_assert_null (strstr (text, "Attorneywithauthorization"));
  g_assert_null (strstr (text, "Outsidetheperiod"));
  g_assert_nonnull (strstr (text, "Immunizationrecords"));
}

/* An edit is a new version; rendering records the version it used. */
static void
test_template_versions (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(CstRequest) request = cst_test_db_add_request (conn, "DOC-6");
  g_autoptr(CstDocumentTemplate) first = NULL;
  g_autoptr(CstDocumentTemplate) second = NULL;
  g_autoptr(CstDocumentTemplate) current = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  g_autofree char *body = NULL;
  g_autofree char *text = NULL;
  g_autofree char *admin = cst_test_db_create_login (db, "custodian_admin");
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) admin_conn = cst_db_connect (admin, NULL);
  g_autoptr(PGconn) clerk_conn = cst_db_connect (clerk, NULL);
  CstDocumentOptions o = options ();
  g_autoptr(PGresult) res = NULL;

  first = cst_document_repo_load_template (clerk_conn, CST_DOCUMENT_DENIAL_LETTER, "en", &error);
  g_assert_no_error (error);
  g_assert_cmpint (cst_document_template_get_version (first), ==, 1);

  body = g_strdup_printf ("%s\nbody=Edited wording for {{patient_name}} ({{reference}}), {{unknown}}.\n",
                          cst_document_template_get_body (first));
  g_assert_null (cst_document_repo_save_template (clerk_conn, CST_DOCUMENT_DENIAL_LETTER, "en",
                                                   body, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_null (cst_document_repo_save_template (admin_conn, CST_DOCUMENT_DENIAL_LETTER, "en",
                                                   "not [a key file", &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  second = cst_document_repo_save_template (admin_conn, CST_DOCUMENT_DENIAL_LETTER, "en", body,
                                             &error);
  g_assert_no_error (error);
  g_assert_cmpint (cst_document_template_get_version (second), ==, 2);
  current = cst_document_repo_load_template (conn, CST_DOCUMENT_DENIAL_LETTER, "en", &error);
  g_assert_cmpint (cst_document_template_get_version (current), ==, 2);

  g_object_set (request, "status-reason", "Psychotherapy notes", NULL);
  pdf = cst_document_repo_render (clerk_conn, CST_DOCUMENT_DENIAL_LETTER, request, "en", NULL,
                                   &o, NULL, &error);
  g_assert_no_error (error);
  doc = check_pdf (pdf, cst_request_get_reference (request), &text);
  g_assert_nonnull (strstr (text, "EditedwordingforJoséNúñez("));
  g_assert_nonnull (strstr (text, "),{{unknown}}."));
  {
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
    const char *params[] = { id };
    res = cst_db_exec (conn, "SELECT t.version, d.page_count, length(d.sha256)"
                             " FROM rendered_documents d JOIN document_templates t ON t.id = d.template_id"
                             " WHERE d.request_id = $1::bigint", 1, params, &error);
    g_assert_no_error (error);
    g_assert_cmpint (PQntuples (res), ==, 1);
    g_assert_cmpstr (cst_db_value (res, 0, 0), ==, "2");
    g_assert_cmpstr (cst_db_value (res, 0, 2), ==, "64");
  }
}

/* Labels of codes (the format, the delivery) follow the letter's
 * language, not the program's, in any kind of letter. */
static void
test_labels_follow_the_letter (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(PGconn) admin = cst_test_db_connect_as (db, "custodian_admin");   /* edits the letter */
  g_autoptr(CstRequest) request = cst_test_db_add_request (conn, "DOC-10");
  g_autoptr(CstDocumentTemplate) shipped = NULL;
  g_autoptr(CstDocumentTemplate) edited = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  g_autofree char *body = NULL;
  g_autofree char *text = NULL;
  CstDocumentOptions o = options ();

  shipped = cst_document_repo_load_template (conn, CST_DOCUMENT_DENIAL_LETTER, "es", &error);
  g_assert_no_error (error);
  body = g_strdup_printf ("%s\nbody={{patient_name}}, {{reference}}: pidió {{format}} por {{delivery}}.\n",
                          cst_document_template_get_body (shipped));
  edited = cst_document_repo_save_template (admin, CST_DOCUMENT_DENIAL_LETTER, "es", body, &error);
  g_assert_no_error (error);
  g_object_set (request, "format", CST_FORMAT_PORTABLE_MEDIA, "delivery", CST_DELIVERY_MAIL,
                "status-reason", "Notas de psicoterapia", NULL);
  pdf = cst_document_repo_render (conn, CST_DOCUMENT_DENIAL_LETTER, request, "es", NULL, &o,
                                   NULL, &error);
  g_assert_no_error (error);
  doc = check_pdf (pdf, cst_request_get_reference (request), &text);
  g_assert_nonnull (strstr (text, "pidióMedioportátil(CD,DVDoUSB)porCorreopostal."));
}

static void
test_no_invoice_issued (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(CstRequest) request = cst_test_db_add_request (conn, "DOC-7");
  CstDocumentOptions o = options ();
  g_autoptr(GError) error = NULL;

  g_assert_null (cst_document_repo_render (conn, CST_DOCUMENT_INVOICE, request, "en", NULL, &o,
                                            NULL, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "No invoice"));
}

/* An invoice issued by the fee engine is printed from its frozen lines. */
static void
test_issued_invoice (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(PGconn) owner = cst_test_db_connect (db);   /* plants the invoice's frozen lines */
  g_autoptr(CstRequest) request = cst_test_db_add_request (conn, "DOC-8");
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  const char *params[] = { id };
  CstDocumentOptions o = options ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  g_autofree char *text = NULL;

  g_assert_true (cst_db_exec_command (owner,
    "INSERT INTO invoices (request_id, method, jurisdiction, received_date, quoted_cents,"
    " total_cents, lines, justification) VALUES ($1::bigint, 'state-schedule', 'NY',"
    " current_date, 4500, 4500, '[{\"description\": \"Paper copies\", \"quantity\": 60,"
    " \"unit_cents\": 75, \"amount_cents\": 4500, \"rule\": \"NY-PAGE\","
    " \"citation\": \"N.Y. Pub. Health Law § 18\", \"chargeable\": true},"
    " {\"description\": \"Search time\", \"quantity\": 1, \"unit_cents\": 0,"
    " \"amount_cents\": 0, \"chargeable\": false}]', '{}')", 1, params, &error));
  g_assert_no_error (error);
  pdf = cst_document_repo_render (conn, CST_DOCUMENT_INVOICE, request, "en", NULL, &o, NULL,
                                   &error);
  g_assert_no_error (error);
  doc = check_pdf (pdf, cst_request_get_reference (request), &text);
  g_assert_nonnull (strstr (text, "Papercopies"));
  g_assert_nonnull (strstr (text, "60$0.75$45.00"));
  g_assert_null (strstr (text, "Searchtime"));
  g_assert_nonnull (strstr (text, "InvoicenumberINV-"));
  g_assert_nonnull (strstr (text, "Totaldue$45.00"));
}

/* A correction is a new adjustment invoice; the printed invoice lists it
 * after the original lines and totals what is owed now. */
static void
test_adjusted_invoice (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(PGconn) owner = cst_test_db_connect (db);   /* plants the invoice's frozen lines */
  g_autoptr(PGconn) billing = cst_test_db_connect_as (db, "custodian_billing");   /* corrects it */
  g_autoptr(CstRequest) request = cst_test_db_add_request (conn, "DOC-9");
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  const char *params[] = { id };
  CstDocumentOptions o = options ();
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = NULL;
  g_autoptr(CstFeeInvoice) adjustment = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  g_autofree char *text = NULL;
  const char *credit, *postage;

  res = cst_db_exec (owner,
    "INSERT INTO invoices (request_id, method, jurisdiction, received_date, quoted_cents,"
    " total_cents, lines, justification) VALUES ($1::bigint, 'state-schedule', 'NY',"
    " current_date, 4889, 4889, '[{\"description\": \"Paper copies\", \"quantity\": 60,"
    " \"unit_cents\": 75, \"amount_cents\": 4500, \"rule\": \"NY-PAGE\","
    " \"citation\": \"N.Y. Pub. Health Law § 18\", \"chargeable\": true},"
    " {\"description\": \"Postage\", \"quantity\": 1, \"unit_cents\": 389,"
    " \"amount_cents\": 389, \"rule\": \"postage\", \"chargeable\": true}]', '{}') RETURNING id",
    1, params, &error);
  g_assert_no_error (error);
  adjustment = cst_fee_repo_issue_adjustment (billing, cst_db_int64 (res, 0, 0), -389,
                                               "Picked up in person, no postage", &error);
  g_assert_no_error (error);
  pdf = cst_document_repo_render (conn, CST_DOCUMENT_INVOICE, request, "en", NULL, &o, NULL,
                                   &error);
  g_assert_no_error (error);
  doc = check_pdf (pdf, cst_request_get_reference (request), &text);
  postage = strstr (text, "Postage");
  credit = strstr (text, "Pickedupinperson,nopostage");
  g_assert_nonnull (postage);
  g_assert_nonnull (credit);
  g_assert_true (credit > postage);
  g_assert_nonnull (strstr (text, "-$3.89"));
  g_assert_nonnull (strstr (text, "Totaldue$45.00"));
}

/* A requester named like a placeholder is printed as typed. */
static void
test_expansion_is_one_pass (void)
{
  g_autoptr(CstDocumentTemplate) tpl = NULL;
  g_autoptr(GHashTable) values = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  tpl = cst_document_template_new (CST_DOCUMENT_INVOICE, "en", 0, 0,
                                   "[invoice]\nintro=Dear {{ requester_name }}, {{total}} {{open\n",
                                   &error);
  g_assert_no_error (error);
  g_hash_table_insert (values, "requester_name", "{{total}}");
  g_hash_table_insert (values, "total", "$1.00");
  text = cst_document_template_expand (tpl, "intro", values);
  g_assert_cmpstr (text, ==, "Dear {{total}}, $1.00 {{open");
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/document/invoice", test_invoice);
  g_test_add_func ("/document/invoice-spanish", test_invoice_spanish);
  g_test_add_func ("/document/tagged-invoice", test_tagged_invoice);
  g_test_add_func ("/document/tagged-letters", test_tagged_letters);
  g_test_add_func ("/document/long-invoice", test_long_invoice);
  g_test_add_func ("/document/engine-invoice-words", test_engine_invoice_words);
  g_test_add_func ("/document/kind-labels", test_kind_labels);
  g_test_add_func ("/document/letters", test_letters);
  g_test_add_func ("/document/facility-details-printed", test_facility_details_printed);
  g_test_add_func ("/document/facility-detail-missing", test_facility_detail_missing);
  g_test_add_func ("/document/accounting", test_accounting);
  g_test_add_func ("/document/template-versions", test_template_versions);
  g_test_add_func ("/document/labels-follow-the-letter", test_labels_follow_the_letter);
  g_test_add_func ("/document/no-invoice-issued", test_no_invoice_issued);
  g_test_add_func ("/document/issued-invoice", test_issued_invoice);
  g_test_add_func ("/document/adjusted-invoice", test_adjusted_invoice);
  g_test_add_func ("/document/expansion-is-one-pass", test_expansion_is_one_pass);
  return cst_test_db_run (&db);
}
