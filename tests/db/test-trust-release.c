/* test-trust-release.c — what a release records is the server's word, not
 * the client's (issue 25, 0057-release-the-server-decides.sql)
 *
 * Each exploit of the issue is tried as the ordinary login that found it:
 * the auditor installing the hospital's wording; a clerk dating a release,
 * citing a made-up document, or listing 20,000 of them; clerk, billing and
 * administrator writing rendered_documents by hand or on a closed request.
 * The superuser only sets up.
 */
#include "config.h"

#include <string.h>

#include "cst-test-db.h"

static CstTestDb *db;

/* A PDF's first bytes, as the text of a bytea: enough for document_record. */
#define FAKE_PDF "\\x255044462d312e340a25454f460a"

/* Runs @sql, which must be refused with @code; returns the server's reason. */
static char *
refused (PGconn      *conn,
         const char  *sql,
         int          n_params,
         const char **params,
         int          code)
{
  g_autoptr(GError) error = NULL;

  if (cst_db_exec_command (conn, sql, n_params, params, &error))
    g_error ("“%s” was allowed", sql);
  g_assert_error (error, CST_ERROR, code);
  return g_strdup (error->message);
}

static PGconn *
login (const char *role)
{
  g_autofree char *conninfo = cst_test_db_create_login (db, role);
  g_autoptr(GError) error = NULL;
  PGconn *conn = cst_db_connect (conninfo, &error);

  g_assert_no_error (error);
  return conn;
}

static char *
session_login (PGconn *conn)
{
  g_autoptr(PGresult) res = cst_db_exec (conn, "SELECT session_user", 0, NULL, NULL);

  return g_strdup (cst_db_value (res, 0, 0));
}

/* Ready for release with an invoice issued, as a clerk has it on screen. */
static CstRequest *
invoiced_ready_request (PGconn     *conn,
                        const char *mrn)
{
  g_autoptr(CstRequest) ready = cst_test_db_move_along (conn, cst_test_db_add_request (conn, mrn),
                                                        CST_STATUS_READY);

  g_object_set (ready, "page-count", 12, NULL);
  cst_test_db_issue_invoice (conn, ready, CST_FEE_METHOD_HIPAA_FLAT);
  return cst_request_repo_get (conn, cst_request_get_id (ready), NULL);
}

/* Makes and records one document as the app does; returns its row's id. */
static gint64
record_document (PGconn          *conn,
                 CstRequest      *request,
                 CstDocumentKind  kind,
                 const char      *language,
                 GBytes         **pdf_out)
{
  CstDocumentOptions options = { .paper = CST_PDF_PAPER_LETTER };
  g_autoptr(CstDocumentTemplate) tpl = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(GError) error = NULL;
  guint pages = 0;
  gint64 id;

  pdf = cst_document_repo_make (conn, kind, request, language, NULL, &options, &tpl, &pages,
                                &error);
  g_assert_no_error (error);
  id = cst_document_repo_record_rendering (conn, cst_request_get_id (request), tpl, pdf, pages,
                                           &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  if (pdf_out != NULL)
    *pdf_out = g_steal_pointer (&pdf);
  return id;
}

/* Opens a transaction and records the release's cover letter and invoice
 * in it; returns their ids as a bigint[] literal. */
static char *
begin_release (PGconn     *conn,
               CstRequest *request)
{
  g_autoptr(GError) error = NULL;
  gint64 letter, invoice;

  g_assert_true (cst_db_begin (conn, &error));
  letter = record_document (conn, request, CST_DOCUMENT_COVER_LETTER, "en", NULL);
  invoice = record_document (conn, request, CST_DOCUMENT_INVOICE, "en", NULL);
  return g_strdup_printf ("{%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "}", letter, invoice);
}

static const char *const release_sql =
  "SELECT release_request($1::bigint, $2::integer, 'en', $3::bigint[], 'x', 'x')";
static const char *const backdated_sql =
  "SELECT release_request($1::bigint, $2::integer, 'en', $3::bigint[], 'x', 'x', $4::date, $5)";

static gint64
count_for (PGconn     *conn,
           const char *sql,
           CstRequest *request)
{
  return cst_test_db_int_for_id (conn, sql, cst_request_get_id (request));
}

/* ---- the shipped wording ------------------------------------------------ */

/* The auditor's exploit: installing an invoice that prints a foreign bank
 * account, or a letter that stops everyone from rendering.  Only an
 * administrator, who writes templates anyway, may still call it. */
static void
test_auditor_cannot_install_template (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  const char *roles[] = { "custodian_auditor", "custodian_clerk", "custodian_billing" };
  const char *foreign[] = { "invoice", "fr", "[invoice]\nheading=Pay to IBAN XX00 0000 0000\n" };
  const char *broken[] = { "cover-letter", "de", "not [a key file" };
  const char *install = "SELECT document_template_install_default($1, $2, $3)";
  g_autoptr(PGconn) admin = login ("custodian_admin");

  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    {
      g_autoptr(PGconn) conn = login (roles[i]);
      g_autofree char *a = refused (conn, install, 3, foreign, CST_ERROR_PERMISSION_DENIED);
      g_autofree char *b = refused (conn, install, 3, broken, CST_ERROR_PERMISSION_DENIED);
    }
  g_assert_cmpint (cst_test_db_int (owner, "SELECT count(*) FROM document_templates"
                                           " WHERE language IN ('fr', 'de')", 0, NULL), ==, 0);
  cst_test_db_exec_ok (admin, install, 3, foreign);
  g_assert_cmpint (cst_test_db_int (owner, "SELECT count(*) FROM document_templates"
                                           " WHERE language = 'fr'", 0, NULL), ==, 1);
}

/* db migrate installed every shipped kind and language as the owner, before
 * anyone made a document; a clerk then renders each of them. */
static void
test_shipped_templates_render_for_clerk (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *owner_login = session_login (owner);
  g_autoptr(PGconn) clerk = login ("custodian_clerk");
  g_autoptr(CstRequest) request = invoiced_ready_request (clerk, "TRUST-SHIPPED");
  /* The deficiency letter asks for what the authorization lacks. */
  g_autoptr(CstRequest) lacking = cst_test_db_add_request (clerk, "TRUST-SHIPPED-AUTH");
  const char *languages[] = { "en", "es" };
  g_autoptr(GError) error = NULL;
  const char *params[] = { owner_login };

  g_assert_cmpint (cst_test_db_int (owner,
    "SELECT count(*) FROM document_templates WHERE version = 1 AND language IN ('en', 'es')"
    " AND created_by = $1", 1, params), ==, 2 * CST_DOCUMENT_N_KINDS);
  g_assert_true (cst_authorization_record (clerk, lacking, "signature", CST_AUTHORIZATION_MISSING,
                                           "Unsigned", &error));
  g_assert_no_error (error);
  /* The certifications certify the last packet built: one, set up as
   * the owner (building one needs record files, test-packet-build's). */
  {
    g_autofree char *id = cst_db_int_param (cst_request_get_id (request));

    cst_test_db_exec_ok (owner, "INSERT INTO record_packet_builds (request_id, sha256, page_count, record_pages,"
                                " documents) VALUES ($1::bigint, repeat ('e', 64), 3, 3, '[]')",
                         1, (const char *[]) { id });
  }
  for (guint l = 0; l < G_N_ELEMENTS (languages); l++)
    for (int kind = 0; kind < CST_DOCUMENT_N_KINDS; kind++)
      {
        g_autoptr(GBytes) pdf = NULL;
        gint64 id = record_document (clerk, kind == CST_DOCUMENT_DEFICIENCY_LETTER ? lacking : request,
                                     (CstDocumentKind) kind, languages[l], &pdf);
        g_autofree char *digest = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, pdf);
        g_autofree char *size = g_strdup_printf ("%zu", g_bytes_get_size (pdf));
        g_autofree char *row = cst_db_int_param (id);
        const char *check[] = { row, digest, size, languages[l],
                                cst_document_kind_to_string ((CstDocumentKind) kind) };

        /* Recorded with the digest and size of the bytes themselves, from
         * the shipped version 1 of that kind and language. */
        g_assert_cmpint (cst_test_db_int (clerk,
          "SELECT count(*) FROM rendered_documents d JOIN document_templates t ON t.id = d.template_id"
          " WHERE d.id = $1::bigint AND d.sha256 = $2 AND d.byte_count = $3::bigint"
          " AND t.language = $4 AND t.kind = $5 AND t.version = 1", 5, check), ==, 1);
      }
  g_assert_cmpint (cst_test_db_int (owner, "SELECT count(*) FROM document_templates"
                                           " WHERE language IN ('en', 'es')", 0, NULL),
                   ==, 2 * CST_DOCUMENT_N_KINDS);
}

/* ---- the disclosure date ------------------------------------------------ */

/* The clerk's exploit: a release dated 2000-01-01 or 2999-12-31.  The clerk
 * may not give a date at all; the server's today is the date, whatever
 * time zone the clerk's session says. */
static void
test_clerk_cannot_date_release (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) clerk = login ("custodian_clerk");
  g_autoptr(CstRequest) request = invoiced_ready_request (clerk, "TRUST-DATE");
  g_autofree char *id = cst_db_int_param (cst_request_get_id (request));
  g_autofree char *version = g_strdup_printf ("%d", cst_request_get_version (request));
  const char *dates[] = { "2000-01-01", "2999-12-31" };
  CstDocumentOptions options = { .paper = CST_PDF_PAPER_LETTER };
  g_autoptr(CstRelease) release = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (dates); i++)
    {
      g_autofree char *documents = begin_release (clerk, request);
      const char *params[] = { id, version, documents, dates[i], "Released earlier" };
      g_autofree char *reason = refused (clerk, backdated_sql, 5, params,
                                         CST_ERROR_PERMISSION_DENIED);

      cst_db_rollback (clerk);
    }
  g_assert_cmpint (count_for (owner, "SELECT count(*) FROM disclosures WHERE request_id = $1",
                              request), ==, 0);

  /* A day ahead of UTC or behind it: the disclosure is dated the same. */
  cst_test_db_exec_ok (clerk, "SET TimeZone = 'Pacific/Kiritimati'", 0, NULL);
  release = cst_release_run (clerk, request, "en", &options, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count_for (owner,
    "SELECT count(*) FROM disclosures WHERE request_id = $1"
    " AND disclosed_on = (now() AT TIME ZONE 'UTC')::date", request), ==, 1);
  g_assert_cmpint (count_for (owner,
    "SELECT count(*) FROM audit_log WHERE action = 'EVENT'"
    " AND new_row->>'kind' = 'request.released' AND new_row->'details'->>'request' = $1::text",
    request), ==, 1);
}

/* A release that went out earlier than it was recorded is an
 * administrator's correction: with a reason, on a day from the request's
 * received date to today, and logged as such. */
static void
test_admin_backdates_with_reason (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) admin = login ("custodian_admin");
  g_autofree char *who = session_login (admin);
  g_autoptr(CstRequest) fresh = invoiced_ready_request (admin, "TRUST-BACKDATE");
  g_autoptr(CstRequest) request = NULL;
  g_autofree char *id = cst_db_int_param (cst_request_get_id (fresh));
  g_autofree char *version = NULL;
  g_autofree char *received = NULL, *before = NULL, *tomorrow = NULL, *sent = NULL;
  const char *reason = "Handed over at the counter while the system was down";
  struct { const char **date; const char *reason; } wrong[] = {
    { (const char **) &sent, NULL }, { (const char **) &sent, "  " },
    { (const char **) &before, reason }, { (const char **) &tomorrow, reason },
  };

  cst_test_db_set_received (owner, fresh, 10);
  request = cst_request_repo_get (admin, cst_request_get_id (fresh), NULL);
  version = g_strdup_printf ("%d", cst_request_get_version (request));
  {
    g_autoptr(PGresult) res = cst_db_exec (owner,
      "SELECT current_date - 10, current_date - 11, (now() AT TIME ZONE 'UTC')::date + 1,"
      " current_date - 7", 0, NULL, NULL);
    received = g_strdup (cst_db_value (res, 0, 0));
    before = g_strdup (cst_db_value (res, 0, 1));
    tomorrow = g_strdup (cst_db_value (res, 0, 2));
    sent = g_strdup (cst_db_value (res, 0, 3));
  }
  for (guint i = 0; i < G_N_ELEMENTS (wrong); i++)
    {
      g_autofree char *documents = begin_release (admin, request);
      const char *params[] = { id, version, documents, *wrong[i].date, wrong[i].reason };
      g_autofree char *message = refused (admin, backdated_sql, 5, params,
                                          CST_ERROR_INVALID_INPUT);

      cst_db_rollback (admin);
    }
  {
    g_autofree char *documents = begin_release (admin, request);
    const char *params[] = { id, version, documents, sent, reason };
    g_autoptr(GError) error = NULL;

    g_assert_true (cst_db_exec_command (admin, backdated_sql, 5, params, &error));
    g_assert_no_error (error);
    g_assert_true (cst_db_commit (admin, &error));
  }
  {
    const char *params[] = { id, sent, who, reason };

    g_assert_cmpint (cst_test_db_int (owner,
      "SELECT count(*) FROM disclosures WHERE request_id = $1::bigint AND disclosed_on = $2::date",
      2, params), ==, 1);
    g_assert_cmpint (cst_test_db_int (owner,
      "SELECT count(*) FROM audit_log WHERE action = 'EVENT' AND actor = $3"
      " AND new_row->>'kind' = 'request.released_backdated'"
      " AND new_row->'details'->>'request' = $1 AND new_row->'details'->>'disclosed_on' = $2"
      " AND new_row->'details'->>'reason' = $4", 4, params), ==, 1);
  }
}

/* ---- the documents a release cites -------------------------------------- */

/* The clerk's exploit: a cover letter "sent" as a made-up id or digest, or
 * from a template of another language or an old version.  A release cites
 * rows the server recorded for this request in this transaction, from the
 * current version in the release's language, hashed by the server. */
static void
test_release_cites_only_its_own_documents (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) clerk = login ("custodian_clerk");
  g_autoptr(PGconn) admin = login ("custodian_admin");
  g_autoptr(CstRequest) request = invoiced_ready_request (clerk, "TRUST-DOCS");
  g_autoptr(CstRequest) other = cst_test_db_move_along (clerk, cst_test_db_add_request (clerk, "TRUST-OTHER"),
                                                        CST_STATUS_READY);
  g_autofree char *id = cst_db_int_param (cst_request_get_id (request));
  g_autofree char *version = g_strdup_printf ("%d", cst_request_get_version (request));
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) earlier_pdf = NULL;
  gint64 earlier = record_document (clerk, request, CST_DOCUMENT_COVER_LETTER, "en", &earlier_pdf);
  g_autofree char *earlier_digest = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, earlier_pdf);
  g_autofree char *earlier_id = cst_db_int_param (earlier);
  gint64 invoice;
  const char *cases[5] = { NULL };
  g_autofree char *made_up = NULL, *committed = NULL, *foreign = NULL, *lingual = NULL;
  g_autofree char *old_version = NULL;

  /* The digest is the server's own, of the bytes it received. */
  {
    const char *params[] = { earlier_id, earlier_digest };
    g_assert_cmpint (cst_test_db_int (clerk, "SELECT count(*) FROM rendered_documents"
                                             " WHERE id = $1::bigint AND sha256 = $2", 2, params), ==, 1);
  }
  /* A template in another language, and an old version of this one. */
  {
    const char *fr_letter[] = { "cover-letter", "fr", "[cover-letter]\nheading=Lettre\n" };
    g_autoptr(CstDocumentTemplate) current = cst_document_repo_load_template (
      owner, CST_DOCUMENT_COVER_LETTER, "es", &error);
    g_autoptr(CstDocumentTemplate) newer = NULL;

    g_assert_no_error (error);
    cst_test_db_exec_ok (admin, "SELECT document_template_install_default($1, $2, $3)", 3, fr_letter);
    newer = cst_document_repo_save_template (admin, CST_DOCUMENT_COVER_LETTER, "es",
                                             cst_document_template_get_body (current), &error);
    g_assert_no_error (error);
    old_version = cst_db_int_param (cst_document_template_get_id (current));
  }

  g_assert_true (cst_db_begin (clerk, &error));
  invoice = record_document (clerk, request, CST_DOCUMENT_INVOICE, "en", NULL);
  made_up = g_strdup_printf ("{2147483647,%" G_GINT64_FORMAT "}", invoice);
  committed = g_strdup_printf ("{%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "}", earlier, invoice);
  foreign = g_strdup_printf ("{%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "}",
                             record_document (clerk, other, CST_DOCUMENT_COVER_LETTER, "en", NULL),
                             invoice);
  lingual = g_strdup_printf ("{%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "}",
                             record_document (clerk, request, CST_DOCUMENT_COVER_LETTER, "fr", NULL),
                             invoice);
  g_assert_true (cst_db_exec_command (clerk, "SAVEPOINT before_release", 0, NULL, &error));
  cases[0] = made_up;
  cases[1] = committed;
  cases[2] = foreign;
  cases[3] = lingual;
  for (guint i = 0; cases[i] != NULL; i++)
    {
      const char *params[] = { id, version, cases[i] };
      g_autofree char *message = refused (clerk, release_sql, 3, params, CST_ERROR_INVALID_INPUT);

      g_assert_true (cst_db_exec_command (clerk, "ROLLBACK TO SAVEPOINT before_release", 0, NULL,
                                          &error));
    }
  /* Nor is an old version recorded at all, whatever the bytes. */
  {
    const char *params[] = { id, old_version, FAKE_PDF };
    g_autofree char *message = refused (clerk,
      "SELECT document_record($1::bigint, $2::bigint, 1, $3::bytea)", 3, params,
      CST_ERROR_INVALID_INPUT);
  }
  cst_db_rollback (clerk);
  g_assert_cmpint (count_for (owner, "SELECT count(*) FROM disclosures WHERE request_id = $1",
                              request), ==, 0);
}

/* The clerk's exploit: 20,000 document entries in one call.  Refused at
 * once, with the limit named, before anything is locked or read. */
static void
test_release_entries_bounded (void)
{
  g_autoptr(PGconn) clerk = login ("custodian_clerk");
  g_autoptr(CstRequest) request = invoiced_ready_request (clerk, "TRUST-MANY");
  g_autofree char *id = cst_db_int_param (cst_request_get_id (request));
  g_autofree char *version = g_strdup_printf ("%d", cst_request_get_version (request));
  const char *params[] = { id, version };
  g_autofree char *message = refused (clerk,
    "SELECT release_request($1::bigint, $2::integer, 'en',"
    " ARRAY(SELECT generate_series(1, 20000))::bigint[], 'x', 'x')", 2, params,
    CST_ERROR_INVALID_INPUT);

  g_assert_nonnull (strstr (message, "at most 2 documents"));
  g_assert_nonnull (strstr (message, "20000"));
  g_assert_cmpint (count_for (clerk, "SELECT count(*) FROM roi_requests WHERE id = $1"
                                     " AND status = 'ready'", request), ==, 1);
}

/* ---- who writes rendered_documents --------------------------------------- */

/* Clerk, billing and administrator could insert provenance rows on any
 * request, closed ones included.  Now nobody inserts directly, and the
 * recording function refuses a closed request; the auditor records nothing. */
static void
test_rendered_documents_only_through_functions (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  const char *roles[] = { "custodian_clerk", "custodian_billing", "custodian_admin" };
  g_autoptr(CstRequest) open = cst_test_db_add_request (owner, "TRUST-RD-OPEN");
  g_autoptr(CstRequest) to_cancel = cst_test_db_add_request (owner, "TRUST-RD-CANCEL");
  g_autoptr(CstRequest) to_deny = cst_test_db_add_request (owner, "TRUST-RD-DENY");
  g_autoptr(CstRequest) cancelled = cst_request_repo_move (owner, to_cancel, CST_STATUS_CANCELLED,
                                                           "Withdrawn by the requester", NULL);
  g_autoptr(CstRequest) denied = cst_request_repo_move (owner, to_deny, CST_STATUS_DENIED,
                                                        "Psychotherapy notes", NULL);
  g_autoptr(PGconn) releaser = login ("custodian_clerk");
  g_autoptr(CstRequest) ready = invoiced_ready_request (releaser, "TRUST-RD-REL");
  CstDocumentOptions options = { .paper = CST_PDF_PAPER_LETTER };
  g_autoptr(CstRelease) release = cst_release_run (releaser, ready, "en", &options, NULL);
  g_autofree char *template_id = cst_db_int_param (cst_test_db_int (owner,
    "SELECT max(id) FROM document_templates WHERE kind = 'cover-letter' AND language = 'en'", 0, NULL));
  gint64 closed[] = { cst_request_get_id (cancelled), cst_request_get_id (denied),
                      cst_request_get_id (ready) };

  g_assert_nonnull (release);
  for (guint r = 0; r < G_N_ELEMENTS (roles); r++)
    {
      g_autoptr(PGconn) conn = login (roles[r]);
      g_autofree char *open_id = cst_db_int_param (cst_request_get_id (open));
      const char *direct[] = { open_id, template_id };
      g_autofree char *message = refused (conn,
        "INSERT INTO rendered_documents (request_id, template_id, page_count, sha256)"
        " VALUES ($1::bigint, $2::bigint, 1, repeat('a', 64))", 2, direct,
        CST_ERROR_PERMISSION_DENIED);

      for (guint c = 0; c < G_N_ELEMENTS (closed); c++)
        {
          g_autofree char *closed_id = cst_db_int_param (closed[c]);
          const char *params[] = { closed_id, template_id, FAKE_PDF };
          g_autofree char *why = refused (conn,
            "SELECT document_record($1::bigint, $2::bigint, 1, $3::bytea)", 3, params,
            CST_ERROR_CLOSED);
        }
    }
  {
    g_autoptr(PGconn) auditor = login ("custodian_auditor");
    g_autofree char *open_id = cst_db_int_param (cst_request_get_id (open));
    const char *params[] = { open_id, template_id, FAKE_PDF };
    g_autofree char *message = refused (auditor,
      "SELECT document_record($1::bigint, $2::bigint, 1, $3::bytea)", 3, params,
      CST_ERROR_PERMISSION_DENIED);
  }
  for (guint c = 0; c < 2; c++)
    g_assert_cmpint (cst_test_db_int_for_id (owner, "SELECT count(*) FROM rendered_documents"
                                                    " WHERE request_id = $1", closed[c]), ==, 0);
  g_assert_cmpint (count_for (owner, "SELECT count(*) FROM rendered_documents WHERE request_id = $1",
                              open), ==, 0);
  /* A closed request's letters are still made, as copies the server does
   * not record: the denial letter, a cover letter printed again. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) again = cst_document_repo_render (releaser, CST_DOCUMENT_COVER_LETTER,
                                                        release->request, "en", NULL, &options,
                                                        NULL, &error);
    g_autoptr(GBytes) denial = NULL;

    g_assert_no_error (error);
    g_assert_nonnull (again);
    denial = cst_document_repo_render (releaser, CST_DOCUMENT_DENIAL_LETTER, denied, "en", NULL,
                                       &options, NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (denial);
  }
  g_assert_cmpint (count_for (owner, "SELECT count(*) FROM rendered_documents WHERE request_id = $1",
                              denied), ==, 0);
  /* The release's own two, and nothing after it. */
  g_assert_cmpint (count_for (owner, "SELECT count(*) FROM rendered_documents WHERE request_id = $1",
                              ready), ==, 2);
}

/* ---- every owner-rights function ---------------------------------------- */

/* None is open to PUBLIC, and one granted by mistake to a login outside
 * its list still refuses it, from inside. */
static void
test_owner_rights_functions_guarded (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) auditor = login ("custodian_auditor");
  g_autofree char *auditor_login = session_login (auditor);
  g_autofree char *outsider_sql = g_strdup_printf ("CREATE ROLE %s_trust_outsider LOGIN", db->name);
  g_autofree char *outsider_info = g_strdup_printf ("dbname=%s user=%s_trust_outsider", db->name,
                                                    db->name);
  g_autoptr(PGconn) outsider = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) open = cst_db_exec (owner,
    "SELECT string_agg(p.oid::regprocedure::text, ', ') FROM pg_proc p"
    " WHERE p.pronamespace = 'public'::regnamespace AND p.prosecdef"
    " AND has_function_privilege('public', p.oid, 'EXECUTE')", 0, NULL, &error);
  g_autofree char *grants = g_strdup_printf (
    "GRANT EXECUTE ON FUNCTION document_record(bigint, bigint, integer, bytea),"
    " document_template_install_default(text, text, text) TO %s", auditor_login);
  g_autofree char *grant_link = g_strdup_printf (
    "GRANT EXECUTE ON FUNCTION audit_chain_link_pending(boolean) TO %s_trust_outsider", db->name);
  g_autoptr(CstRequest) request = cst_test_db_add_request (owner, "TRUST-GUARD");
  g_autofree char *id = cst_db_int_param (cst_request_get_id (request));
  const char *record[] = { id, FAKE_PDF };
  const char *install[] = { "accounting", "it", "[accounting]\ntitle=x\n" };

  g_autoptr(PGresult) unchecked = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (cst_db_value (open, 0, 0), ==, NULL);
  /* Each one a person can call checks the caller's roles inside; trigger
   * functions cannot be called, only fired.  audit_event is 0058's to
   * reshape (it then runs with the caller's rights). */
  unchecked = cst_db_exec (owner,
    "SELECT string_agg(p.oid::regprocedure::text, ', ') FROM pg_proc p"
    " WHERE p.pronamespace = 'public'::regnamespace AND p.prosecdef"
    " AND p.prorettype <> 'trigger'::regtype AND p.prosrc !~ '(caller_is_one_of|pg_has_role)\\('"
    " AND p.oid <> 'audit_event(text, jsonb)'::regprocedure", 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cst_db_value (unchecked, 0, 0), ==, NULL);

  cst_test_db_exec_ok (owner, grants, 0, NULL);
  g_free (refused (auditor,
    "SELECT document_record($1::bigint, (SELECT max(id) FROM document_templates), 1, $2::bytea)",
    2, record, CST_ERROR_PERMISSION_DENIED));
  g_free (refused (auditor, "SELECT document_template_install_default($1, $2, $3)", 3, install,
                   CST_ERROR_PERMISSION_DENIED));

  cst_test_db_exec_ok (owner, outsider_sql, 0, NULL);
  cst_test_db_exec_ok (owner, grant_link, 0, NULL);
  outsider = cst_db_connect (outsider_info, &error);
  g_assert_no_error (error);
  g_free (refused (outsider, "SELECT audit_chain_link_pending(false)", 0, NULL,
                   CST_ERROR_PERMISSION_DENIED));
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  db = cst_test_db_new ();
  g_test_add_func ("/trust-release/auditor-cannot-install-template",
                   test_auditor_cannot_install_template);
  g_test_add_func ("/trust-release/shipped-templates-render-for-clerk",
                   test_shipped_templates_render_for_clerk);
  g_test_add_func ("/trust-release/clerk-cannot-date-release", test_clerk_cannot_date_release);
  g_test_add_func ("/trust-release/admin-backdates-with-reason", test_admin_backdates_with_reason);
  g_test_add_func ("/trust-release/cites-only-its-own-documents",
                   test_release_cites_only_its_own_documents);
  g_test_add_func ("/trust-release/entries-bounded", test_release_entries_bounded);
  g_test_add_func ("/trust-release/rendered-documents-only-through-functions",
                   test_rendered_documents_only_through_functions);
  g_test_add_func ("/trust-release/owner-rights-functions-guarded",
                   test_owner_rights_functions_guarded);
  status = g_test_run ();
  cst_test_db_free (db);
  return status;
}
