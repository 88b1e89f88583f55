/* test-records-certification.c — the custodian of records' certification
 * (generic) and affidavit (Texas Rule 902(10)) of a request's packet, as
 * a clerk: refused while no packet is built; then the page count and the
 * SHA-256 are the last build's, never an earlier one's, in English and
 * Spanish, with the wording's citation, and no patient detail in the
 * PDF's metadata */
#include "config.h"

#include <string.h>

#include "cst-test-db.h"
#include "cst-test-pdf.h"

static CstTestDb *db;

static GBytes *
certify (PGconn          *conn,
         CstDocumentKind  kind,
         CstRequest      *request,
         const char      *language,
         GError         **error)
{
  CstDocumentOptions options = { .paper = CST_PDF_PAPER_LETTER };

  options.facility.name = "Custodian General Hospital";
  options.facility.address = "1 Main Street, Austin, TX 78701";
  options.facility.phone = "512-555-0100";
  return cst_document_repo_render (conn, kind, request, language, NULL, &options, NULL, error);
}

static char *
squashed_text (GBytes *pdf)
{
  g_autoptr(PopplerDocument) doc = cst_test_pdf_open (pdf);
  g_autofree char *text = cst_test_pdf_text (doc);
  const char *forbidden[] = { "Zoë", "Ångström", NULL };

  cst_test_pdf_assert_clean_metadata (doc, forbidden);
  return cst_test_pdf_squash (text);
}

static void
build (PGconn     *owner,
       CstRequest *request,
       const char *digit,
       const char *pages)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));

  cst_test_db_exec_ok (owner, "INSERT INTO record_packet_builds (request_id, sha256, page_count, record_pages,"
                              " documents) VALUES ($1::bigint, repeat ($2, 64), $3::int, $3::int, '[]')",
                       3, (const char *[]) { id, digit, pages });
}

static void
test_certifies_the_last_build (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(CstRequest) request = cst_test_db_add_request_for (clerk, "CERT-1", "Counsel",
                                                               CST_REQUESTER_ATTORNEY, "TX");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) none = certify (clerk, CST_DOCUMENT_RECORDS_CERTIFICATION_TX, request, "en", &error);
  const CstDocumentKind kinds[] = { CST_DOCUMENT_RECORDS_CERTIFICATION, CST_DOCUMENT_RECORDS_CERTIFICATION_TX };
  const char *languages[] = { "en", "es" };
  g_autofree char *latest = g_strnfill (64, 'b');
  g_autofree char *earlier = g_strnfill (64, 'a');

  g_assert_null (none);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "no packet built"));

  build (owner, request, "a", "3");
  build (owner, request, "b", "7");
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    for (guint l = 0; l < G_N_ELEMENTS (languages); l++)
      {
        g_autoptr(GError) local = NULL;
        g_autoptr(GBytes) pdf = certify (clerk, kinds[k], request, languages[l], &local);
        g_autofree char *text = NULL;

        g_assert_no_error (local);
        text = squashed_text (pdf);
        g_assert_nonnull (strstr (text, latest));
        g_assert_null (strstr (text, earlier));
        g_assert_nonnull (strstr (text, cst_request_get_reference (request)));
        g_assert_nonnull (strstr (text, kinds[k] == CST_DOCUMENT_RECORDS_CERTIFICATION ? "803(6)" : "902(10)(B)"));
      }
  /* The rule's form states the page count. */
  {
    g_autoptr(GBytes) pdf = certify (clerk, CST_DOCUMENT_RECORDS_CERTIFICATION_TX, request, "en", NULL);
    g_autofree char *text = squashed_text (pdf);

    g_assert_nonnull (strstr (text, "Attachedheretoare7pagesofrecordsfromCustodianGeneralHospital."));
    g_assert_nonnull (strstr (text, "NotaryPublic,StateofTexas"));
  }
  {
    g_autoptr(GBytes) pdf = certify (clerk, CST_DOCUMENT_RECORDS_CERTIFICATION, request, "es", NULL);
    g_autofree char *text = squashed_text (pdf);

    g_assert_nonnull (strstr (text, "Seadjuntan7páginas"));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/records-certification/certifies-the-last-build", test_certifies_the_last_build);
  return cst_test_db_run (&db);
}
