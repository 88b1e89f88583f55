/* test-evidence-pack.c — the OCR evidence pack of a request walked through
 * the whole workflow (authorization checklist, extension with its notice,
 * invoice, a withheld part, release, delivery proof): the JSON lists every
 * status change in the audit log's order, and the PDF, read back, shows
 * them in the same order with the fee total; no patient in the metadata;
 * a representative's authority; an unknown reference; the command line. */
#include "config.h"

#include <glib/gstdio.h>

#include "custodian/cst-evidence-pack.h"
#include "custodian/cst-money.h"
#include "custodian/cst-request-history.h"

#include "cst-test-cli.h"
#include "cst-test-db.h"
#include "cst-test-file.h"
#include "cst-test-pdf.h"

static CstTestDb *db;

static const char *const path_statuses[] = {
  "received", "authorization_verified", "in_progress", "quality_check", "ready", "released",
};

static CstRequest *
save (PGconn     *conn,
      CstRequest *request)
{
  g_autoptr(GError) error = NULL;
  CstRequest *saved = cst_request_repo_save (conn, request, &error);

  g_assert_no_error (error);
  g_object_unref (request);
  return saved;
}

/* Every element of the attorney's authorization present (the sensitive
 * categories not applicable), then verified. */
static CstRequest *
check_authorization (PGconn     *conn,
                     CstRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) checklist = cst_authorization_load (conn, request, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < checklist->len; i++)
    {
      CstAuthorizationItem *item = g_ptr_array_index (checklist, i);
      gboolean core = g_str_equal (item->category, "core");

      g_assert_true (cst_authorization_record (conn, request, item->code,
                                               core ? CST_AUTHORIZATION_PRESENT
                                                    : CST_AUTHORIZATION_NOT_APPLICABLE,
                                               core ? "" : "No such records requested", &error));
      g_assert_no_error (error);
    }
  return cst_test_db_move_along (conn, request, CST_STATUS_AUTHORIZATION_VERIFIED);
}

/* The walked attorney's request takes the one extension, which no shipped
 * rule gives a third party (migration 0059): set up as a hospital would,
 * with a reviewed new version of Florida's rule, 30 days and one 30-day
 * extension for third parties.  test-deadlines covers the shipped rules. */
static void
allow_third_party_extension (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);

  cst_test_db_exec_ok (owner,
    "INSERT INTO deadline_rules (rule_key, version, jurisdiction, classes, formats, effective_from,"
    "                            days, extension_days, confidence, citation)"
    " VALUES ('FL-none', 2, 'FL', '{third-party}', roi_deadline_all_formats(), '2013-03-26', 30, 30,"
    "         'U', 'Test reading of Fla. Stat. 395.3025')", 0, NULL);
}

/* An attorney's request, walked from receipt to delivery.  Returns the
 * request as released; *total the fee charged. */
static CstRequest *
walk_request (PGconn     *conn,
              const char *mrn,
              gint64     *total)
{
  g_autoptr(GError) error = NULL;
  CstRequest *request = cst_test_db_add_request_for (conn, mrn, "Dana Whitlock, Esq.",
                                                     CST_REQUESTER_ATTORNEY, "FL");
  CstRequest *extended;
  g_autoptr(CstRelease) release = NULL;
  CstDocumentOptions options = { .paper = CST_PDF_PAPER_LETTER };
  CstDelivery proof = { .produced_format = CST_FORMAT_PORTABLE_MEDIA, .format_name = "PDF/A on USB",
                        .delivery = CST_DELIVERY_MAIL,
                        .tracking_number = "9400 1000 0000 0000 1234 56" };
  GDate today;

  g_object_set (request, "format", CST_FORMAT_PORTABLE_MEDIA, "delivery", CST_DELIVERY_MAIL,
                "page-count", 12, NULL);
  request = save (conn, request);
  request = check_authorization (conn, request);
  cst_input_today (&today);
  extended = cst_extension_take (conn, request, &today, "The records are archived off site",
                                 "en", &options, NULL, &error);
  g_assert_no_error (error);
  g_object_unref (request);
  request = cst_test_db_move_along (conn, extended, CST_STATUS_IN_PROGRESS);
  *total = cst_test_db_issue_invoice (conn, request, CST_FEE_METHOD_DEFAULT);
  g_assert_cmpint (*total, >, 0);
  g_assert_true (cst_withholding_record (conn, request, CST_WITHHELD_PSYCHOTHERAPY_NOTES,
                                         "Psychotherapy notes of the 2024 sessions", &error));
  g_assert_no_error (error);
  request = cst_test_db_move_along (conn, request, CST_STATUS_READY);
  release = cst_release_run (conn, request, "en", &options, &error);
  g_assert_no_error (error);
  g_object_unref (request);
  request = g_object_ref (release->request);
  g_assert_true (cst_delivery_record (conn, request, &proof, &error));
  g_assert_no_error (error);
  return request;
}

/* The JSON is parsed by PostgreSQL: no parser of our own to trust. */
static PGresult *
query_json (PGconn     *conn,
            const char *sql,
            const char *json)
{
  const char *params[] = { json };
  g_autoptr(GError) error = NULL;
  PGresult *res = cst_db_exec (conn, sql, 1, params, &error);

  g_assert_no_error (error);
  return res;
}

static void
assert_json_status_changes (PGconn     *conn,
                            const char *json,
                            const char *clerk)
{
  g_autoptr(PGresult) res = query_json (conn,
    "SELECT e->>'to', e->>'from', e->>'by', (e->>'position')::int, e->>'at',"
    " lag(e->>'at') OVER (ORDER BY n) <= e->>'at'"
    " FROM jsonb_array_elements($1::jsonb->'status_changes') WITH ORDINALITY AS t(e, n) ORDER BY n",
    json);

  g_assert_cmpint (PQntuples (res), ==, G_N_ELEMENTS (path_statuses));
  for (int i = 0; i < PQntuples (res); i++)
    {
      g_assert_cmpstr (PQgetvalue (res, i, 0), ==, path_statuses[i]);
      if (i == 0)
        g_assert_true (PQgetisnull (res, i, 1));
      else
        g_assert_cmpstr (PQgetvalue (res, i, 1), ==, path_statuses[i - 1]);
      g_assert_cmpstr (PQgetvalue (res, i, 2), ==, clerk);
      g_assert_cmpint (atoi (PQgetvalue (res, i, 3)), ==, i + 1);
      g_assert_true (g_str_has_suffix (PQgetvalue (res, i, 4), "Z"));
      if (i > 0)
        g_assert_cmpstr (PQgetvalue (res, i, 5), ==, "t");
    }
}

static void
assert_json_sections (PGconn      *conn,
                      const char  *json,
                      CstRequest  *request,
                      gint64       total)
{
  g_autofree char *total_text = g_strdup_printf ("%" G_GINT64_FORMAT, total);
  g_autoptr(PGresult) res = query_json (conn,
    "SELECT j->>'format', j->'request'->>'reference', j->'request'->>'patient_name',"
    " j->'clocks'->>'extended_on' IS NOT NULL, j->'clocks'->>'extension_notice_on_file',"
    " j->'clocks'->>'legal_deadline_met', j->'fee'->>'total_cents',"
    " j->'withheld'->0->>'reason', j->'withheld'->0->>'description',"
    " j->'delivery'->>'tracking_number', j->'delivery'->>'produced_format',"
    " jsonb_array_length(j->'released'), j->'representative' = 'null'::jsonb,"
    " (SELECT count(*) FROM jsonb_array_elements(j->'authorization_checklist') c"
    "   WHERE c->>'finding' IN ('present', 'not_applicable')),"
    " jsonb_array_length(j->'authorization_checklist'),"
    " (SELECT count(*) FROM jsonb_array_elements(j->'checks') c"
    "   WHERE c->>'check' = 'authorization_element'),"
    " (SELECT string_agg(l->>'kind', ',' ORDER BY n)"
    "   FROM jsonb_array_elements(j->'letters') WITH ORDINALITY AS t(l, n)),"
    " jsonb_array_length(j->'fee_lines') > 0 AND NOT EXISTS (SELECT 1 FROM"
    "   jsonb_array_elements(j->'fee_lines') l WHERE btrim(COALESCE(l->>'citation', '')) = ''),"
    " j->'invoices'->0->'justification'->>'total_cents',"
    " length(j->'export'->>'audit_chain_hash')"
    " FROM (SELECT $1::jsonb AS j) s", json);

  g_assert_cmpstr (PQgetvalue (res, 0, 0), ==, CST_EVIDENCE_PACK_FORMAT);
  g_assert_cmpstr (PQgetvalue (res, 0, 1), ==, cst_request_get_reference (request));
  g_assert_cmpstr (PQgetvalue (res, 0, 2), ==, "José Núñez");
  g_assert_cmpstr (PQgetvalue (res, 0, 3), ==, "t");
  g_assert_cmpstr (PQgetvalue (res, 0, 4), ==, "true");
  g_assert_cmpstr (PQgetvalue (res, 0, 5), ==, "true");
  g_assert_cmpstr (PQgetvalue (res, 0, 6), ==, total_text);
  g_assert_cmpstr (PQgetvalue (res, 0, 7), ==, "psychotherapy_notes");
  g_assert_cmpstr (PQgetvalue (res, 0, 8), ==, "Psychotherapy notes of the 2024 sessions");
  g_assert_cmpstr (PQgetvalue (res, 0, 9), ==, "9400 1000 0000 0000 1234 56");
  g_assert_cmpstr (PQgetvalue (res, 0, 10), ==, "portable_media");
  g_assert_cmpstr (PQgetvalue (res, 0, 11), ==, "1");
  g_assert_cmpstr (PQgetvalue (res, 0, 12), ==, "t");
  /* Every element that applies was checked, each check with its row. */
  g_assert_cmpstr (PQgetvalue (res, 0, 13), ==, PQgetvalue (res, 0, 14));
  g_assert_cmpstr (PQgetvalue (res, 0, 15), ==, PQgetvalue (res, 0, 14));
  g_assert_cmpstr (PQgetvalue (res, 0, 16), ==, "extension-notice,cover-letter,invoice");
  g_assert_cmpstr (PQgetvalue (res, 0, 17), ==, "t");
  g_assert_cmpstr (PQgetvalue (res, 0, 18), ==, total_text);
  g_assert_cmpstr (PQgetvalue (res, 0, 19), ==, "64");
}

/* Each of @needles in @haystack, in order, from @from on. */
static void
assert_in_order (const char        *haystack,
                 const char        *from,
                 const char *const *needles,
                 guint              n)
{
  const char *at = strstr (haystack, from);

  g_assert_nonnull (at);
  for (guint i = 0; i < n; i++)
    {
      const char *found = strstr (at, needles[i]);

      if (found == NULL)
        g_error ("“%s” is not in the PDF after “%s”", needles[i], i ? needles[i - 1] : from);
      at = found + strlen (needles[i]);
    }
}

static void
assert_pdf (GBytes     *pdf,
            CstRequest *request,
            gint64      total)
{
  g_autoptr(PopplerDocument) doc = cst_test_pdf_open (pdf);
  g_autofree char *text = cst_test_pdf_text (doc);
  g_autofree char *squashed = cst_test_pdf_squash (text);
  g_autofree char *money = cst_money_format (total);
  g_autofree char *money_squashed = cst_test_pdf_squash (money);
  g_autofree char *reference = cst_test_pdf_squash (cst_request_get_reference (request));
  const char *forbidden[] = { "Núñez", "José", "EVP", cst_request_get_reference (request), NULL };
  const char *statuses[] = {
    "Received", "Authorizationverified", "Inprogress", "Qualitycheck", "Ready", "Released",
  };
  const char *sections[] = {
    "Statuschanges", "Checks", "Authorizationchecklist", "Theclocks", "Lettersanddocumentssent",
    "Thefee", "Whatwasreleased", "Whatwaswithheld", "Formatanddeliveryproof",
  };

  cst_test_pdf_assert_qpdf_clean (pdf);
  cst_test_pdf_assert_clean_metadata (doc, forbidden);
  assert_in_order (squashed, "Statuschanges", statuses, G_N_ELEMENTS (statuses));
  assert_in_order (squashed, reference, sections, G_N_ELEMENTS (sections));
  g_assert_nonnull (strstr (squashed, "JoséNúñez"));
  g_assert_nonnull (strstr (strstr (squashed, "Totalcharged"), money_squashed));
  g_assert_nonnull (strstr (squashed, "Psychotherapynotesofthe2024sessions"));
  g_assert_nonnull (strstr (squashed, "9400100000000000123456"));
  g_assert_nonnull (strstr (squashed, "Extensionnotice"));
  g_assert_nonnull (strstr (squashed, "Therecordsarearchivedoffsite"));
}

static void
test_walked_request (void)
{
  g_autofree char *info = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) conn = cst_db_connect (info, NULL);
  g_autoptr(CstRequest) request = NULL;
  g_autoptr(CstEvidencePack) pack = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) who = NULL;
  g_autofree char *json = NULL;
  CstPdfLetterhead facility = { "Mercy General Hospital", NULL, NULL, NULL };
  gint64 total = 0;
  guint pages = 0;

  request = walk_request (conn, "EVP-1", &total);
  who = cst_db_exec (conn, "SELECT session_user", 0, NULL, &error);
  g_assert_no_error (error);
  pack = cst_evidence_pack_load (conn, cst_request_get_reference (request), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cst_evidence_pack_get_n_status_changes (pack), ==, G_N_ELEMENTS (path_statuses));
  json = cst_evidence_pack_to_json (pack);
  assert_json_status_changes (conn, json, PQgetvalue (who, 0, 0));
  assert_json_sections (conn, json, request, total);
  pdf = cst_evidence_pack_to_pdf (pack, &facility, &pages, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pages, >=, 2);
  assert_pdf (pdf, request, total);
}

/* The position of the first event of @kind from @from on, or -1. */
static int
find_event (GListModel *history,
            const char *kind,
            int         from)
{
  for (guint i = MAX (from, 0); i < g_list_model_get_n_items (history); i++)
    {
      g_autoptr(CstHistoryEvent) event = g_list_model_get_item (history, i);
      if (g_str_equal (cst_history_event_get_kind (event), kind))
        return (int) i;
    }
  return -1;
}

static char *
dup_title (GListModel *history,
           int         position)
{
  g_autoptr(CstHistoryEvent) event = g_list_model_get_item (history, position);
  return g_strdup (cst_history_event_get_title (event));
}

/* The request's history as an ordinary clerk reads it for the request
 * view: one query on the audit log, every step of the walk with who and
 * when, in the chain's order, in words (no database codes). */
static void
test_request_history (void)
{
  g_autofree char *info = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) conn = cst_db_connect (info, NULL);
  g_autoptr(PGresult) who = NULL;
  g_autoptr(CstRequest) request = NULL;
  g_autoptr(CstRequest) other = NULL;
  g_autoptr(GListModel) history = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *money = NULL, *invoice = NULL, *withheld = NULL, *released = NULL;
  gint64 total = 0;
  int created, verified, extended, in_progress, ready, done;

  request = walk_request (conn, "EVP-6", &total);
  other = cst_test_db_add_request (conn, "EVP-7");
  who = cst_db_exec (conn, "SELECT session_user", 0, NULL, &error);
  g_assert_no_error (error);
  history = cst_request_history_load (conn, cst_request_get_id (request),
                                      cst_request_get_reference (request), &error);
  g_assert_no_error (error);

  /* In the order it happened. */
  created = find_event (history, "created", 0);
  g_assert_cmpint (created, ==, 0);
  g_assert_cmpint (find_event (history, "edited", created), >, created);
  g_assert_cmpint (find_event (history, "check", created), >, created);
  verified = find_event (history, "status", created);
  g_assert_cmpint (verified, >, find_event (history, "check", created));
  extended = find_event (history, "extended", verified);
  g_assert_cmpint (extended, >, verified);
  in_progress = find_event (history, "status", verified + 1);
  g_assert_cmpint (in_progress, >, extended);
  g_assert_cmpint (find_event (history, "invoice", in_progress), >, in_progress);
  g_assert_cmpint (find_event (history, "withheld", in_progress), >, in_progress);
  ready = find_event (history, "status", find_event (history, "status", in_progress + 1) + 1);
  g_assert_cmpint (ready, >, in_progress);
  done = find_event (history, "status", ready + 1);
  g_assert_cmpint (done, >, ready);
  g_assert_cmpint (find_event (history, "disclosure", ready), >, ready);
  g_assert_cmpint (find_event (history, "document", ready), >, ready);
  g_assert_cmpint (find_event (history, "delivery", done), >, done);
  g_assert_cmpint (find_event (history, "status", done + 1), ==, -1);

  /* In words, with who and when. */
  released = dup_title (history, done);
  g_assert_nonnull (strstr (released, cst_request_status_get_label (CST_STATUS_RELEASED)));
  g_assert_null (strstr (released, "released"));
  money = cst_locale_format_money (total);
  invoice = dup_title (history, find_event (history, "invoice", 0));
  g_assert_nonnull (strstr (invoice, money));
  withheld = dup_title (history, find_event (history, "withheld", 0));
  g_assert_nonnull (strstr (withheld, cst_withheld_reason_get_label (CST_WITHHELD_PSYCHOTHERAPY_NOTES)));
  for (guint i = 0; i < g_list_model_get_n_items (history); i++)
    {
      g_autoptr(CstHistoryEvent) event = g_list_model_get_item (history, i);
      g_assert_cmpstr (cst_history_event_get_actor (event), ==, PQgetvalue (who, 0, 0));
      g_assert_nonnull (cst_history_event_get_time (event));
      g_assert_null (strstr (cst_history_event_get_title (event), "authorization_verified"));
      g_assert_null (strstr (cst_history_event_get_title (event), "in_progress"));
    }
  {
    g_autoptr(CstHistoryEvent) event = g_list_model_get_item (history, extended);
    g_assert_cmpstr (cst_history_event_get_detail (event), ==, "The records are archived off site");
  }

  /* Billing, auditors and administrators read the same history. */
  {
    const char *roles[] = { "custodian_billing", "custodian_auditor", "custodian_admin" };
    for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
      {
        g_autofree char *role_info = cst_test_db_create_login (db, roles[i]);
        g_autoptr(PGconn) role_conn = cst_db_connect (role_info, NULL);
        g_autoptr(GListModel) seen = cst_request_history_load (role_conn, cst_request_get_id (request),
                                                               cst_request_get_reference (request), &error);
        g_assert_no_error (error);
        g_assert_cmpuint (g_list_model_get_n_items (seen), ==, g_list_model_get_n_items (history));
      }
  }

  /* Another request's history is its own. */
  g_clear_object (&history);
  history = cst_request_history_load (conn, cst_request_get_id (other),
                                      cst_request_get_reference (other), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 1);
  g_assert_cmpint (find_event (history, "created", 0), ==, 0);
}

/* A representative's request shows the authority on file, and who
 * checked it; the pack of an unfinished request has no answer yet. */
static void
test_representative (void)
{
  g_autofree char *info = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) conn = cst_db_connect (info, NULL);
  g_autoptr(CstRequest) request = cst_test_db_add_request_for (conn, "EVP-2", "Ana Núñez",
                                                               CST_REQUESTER_PERSONAL_REPRESENTATIVE,
                                                               "NY");
  g_autoptr(CstEvidencePack) pack = NULL;
  g_autoptr(PGresult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  g_assert_cmpint (cst_representative_record (conn, request, CST_AUTHORITY_HEALTH_CARE_POA,
                                              "Durable power of attorney for health care",
                                              NULL, &error), >, 0);
  g_assert_no_error (error);
  pack = cst_evidence_pack_load (conn, cst_request_get_reference (request), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cst_evidence_pack_get_n_status_changes (pack), ==, 1);
  json = cst_evidence_pack_to_json (pack);
  res = query_json (conn,
    "SELECT j->'representative'->>'authority', j->'representative'->>'document',"
    " j->'representative'->>'verified_by' = session_user, j->'checks'->0->>'check',"
    " j->'clocks'->>'answered_on', j->'clocks'->>'legal_days_left', j->'delivery' = 'null'::jsonb,"
    " j->'request'->>'authorization_required', j->'clocks'->>'deadline_rule',"
    " j->'clocks'->>'deadline_citation'"
    " FROM (SELECT $1::jsonb AS j) s", json);
  g_assert_cmpstr (PQgetvalue (res, 0, 0), ==, "health_care_poa");
  g_assert_cmpstr (PQgetvalue (res, 0, 1), ==, "Durable power of attorney for health care");
  g_assert_cmpstr (PQgetvalue (res, 0, 2), ==, "t");
  g_assert_cmpstr (PQgetvalue (res, 0, 3), ==, "representative_authority");
  g_assert_true (PQgetisnull (res, 0, 4));
  g_assert_cmpstr (PQgetvalue (res, 0, 5), ==, "30");
  g_assert_cmpstr (PQgetvalue (res, 0, 6), ==, "t");
  g_assert_cmpstr (PQgetvalue (res, 0, 7), ==, "false");
  /* The clock names the rule that set it (migration 0059). */
  g_assert_cmpstr (PQgetvalue (res, 0, 8), ==, "US-HIPAA-access@1");
  g_assert_cmpstr (PQgetvalue (res, 0, 9), ==, "45 CFR 164.524(b)(2)");
}

static void
test_unknown_reference (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(GError) error = NULL;
  g_autoptr(CstEvidencePack) pack = cst_evidence_pack_load (conn, "ROI-1900-000000", &error);

  g_assert_null (pack);
  g_assert_error (error, CST_ERROR, CST_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "ROI-1900-000000"));
  /* The read-only snapshot was closed: the connection is usable. */
  g_assert_cmpint (PQtransactionStatus (conn), ==, PQTRANS_IDLE);
}

static gint64
count_exports (PGconn     *conn,
               const char *reference)
{
  const char *params[] = { reference };
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT count(*) FROM audit_log WHERE table_name = 'event'"
    " AND new_row->>'kind' = 'evidence.exported' AND new_row->'details'->>'request' = $1",
    1, params, &error);

  g_assert_no_error (error);
  return cst_db_int64 (res, 0, 0);
}

static void
exported (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  GError **error = user_data;
  guint pages = cst_evidence_pack_export_finish (CST_CONNECTION (source), result, error);

  g_object_set_data (source, "pages", GUINT_TO_POINTER (pages));
  g_object_set_data (source, "done", GINT_TO_POINTER (TRUE));
}

static guint
export_async (CstConnection  *connection,
              const char     *reference,
              const char     *pdf_path,
              const char     *json_path,
              GError        **error)
{
  GMainContext *context = g_main_context_default ();

  g_object_set_data (G_OBJECT (connection), "done", NULL);
  cst_evidence_pack_export_async (connection, reference, NULL, pdf_path, json_path, NULL,
                                  exported, error);
  while (!g_object_get_data (G_OBJECT (connection), "done"))
    g_main_context_iteration (context, TRUE);
  return GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (connection), "pages"));
}

/* The window's way: on the connection's worker, the main loop free. */
static void
test_export_async (void)
{
  g_autofree char *info = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) conn = cst_db_connect (info, NULL);
  g_autoptr(CstConnection) connection = cst_connection_new (info);
  g_autoptr(CstRequest) request = cst_test_db_add_request (conn, "EVP-4");
  g_autofree char *dir = g_dir_make_tmp ("cst-evidence-XXXXXX", NULL);
  g_autofree char *pdf_path = g_build_filename (dir, "pack.pdf", NULL);
  g_autofree char *json_path = g_build_filename (dir, "pack.json", NULL);
  g_autofree char *json = NULL;
  g_autoptr(PGresult) res = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (export_async (connection, cst_request_get_reference (request), pdf_path,
                                  json_path, &error), >=, 1);
  g_assert_no_error (error);
  cst_test_file_assert_private (pdf_path);
  cst_test_file_assert_private (json_path);
  g_assert_true (g_file_get_contents (json_path, &json, NULL, NULL));
  res = query_json (conn, "SELECT jsonb_array_length($1::jsonb->'status_changes'),"
                          " $1::jsonb->'status_changes'->0->>'to'", json);
  g_assert_cmpstr (PQgetvalue (res, 0, 0), ==, "1");
  g_assert_cmpstr (PQgetvalue (res, 0, 1), ==, "received");
  g_assert_cmpint (count_exports (conn, cst_request_get_reference (request)), ==, 1);

  g_assert_cmpuint (export_async (connection, "ROI-1900-000000", pdf_path, NULL, &error), ==, 0);
  g_assert_error (error, CST_ERROR, CST_ERROR_NOT_FOUND);
  g_unlink (pdf_path);
  g_unlink (json_path);
  g_rmdir (dir);
}

static void
test_cli (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect (db);
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  gint64 total = 0;
  g_autoptr(CstRequest) request = walk_request (conn, "EVP-3", &total);
  const char *reference = cst_request_get_reference (request);
  g_autofree char *dir = g_dir_make_tmp ("cst-evidence-XXXXXX", NULL);
  g_autofree char *pdf_path = g_build_filename (dir, "evidence.pdf", NULL);
  g_autofree char *json_path = g_build_filename (dir, "evidence.json", NULL);
  g_autofree char *out = NULL, *err = NULL, *out2 = NULL, *err2 = NULL, *out3 = NULL, *err3 = NULL;
  g_autofree char *data = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(PGresult) res = NULL;
  g_autoptr(PGresult) who = NULL;
  gsize len = 0;

  cst_test_file_make_public (pdf_path);
  g_assert_cmpint (cst_test_cli_run (clerk, &out, &err, "evidence", "--request", reference, "--output", pdf_path,
                        "--json", json_path, NULL), ==, 0);
  cst_test_file_assert_private (pdf_path);
  cst_test_file_assert_private (json_path);
  g_assert_null (strstr (err, "custodian-cli:"));
  g_assert_nonnull (strstr (out, pdf_path));
  g_assert_nonnull (strstr (out, json_path));
  g_assert_null (strstr (out, "Núñez"));
  g_assert_true (g_file_get_contents (pdf_path, &data, &len, NULL));
  pdf = g_bytes_new_take (g_steal_pointer (&data), len);
  assert_pdf (pdf, request, total);
  g_assert_true (g_file_get_contents (json_path, &json, NULL, NULL));
  who = cst_db_exec (conn, "SELECT session_user", 0, NULL, NULL);
  assert_json_status_changes (conn, json, PQgetvalue (who, 0, 0));
  res = query_json (conn, "SELECT $1::jsonb->'request'->>'reference'", json);
  g_assert_cmpstr (PQgetvalue (res, 0, 0), ==, reference);
  g_assert_cmpint (count_exports (conn, reference), ==, 1);

  /* An unknown reference: exit 1, named; nothing written. */
  g_unlink (pdf_path);
  g_assert_cmpint (cst_test_cli_run (clerk, &out2, &err2, "evidence", "--request", "ROI-1900-000000",
                        "--output", pdf_path, NULL), ==, 1);
  g_assert_nonnull (strstr (err2, "ROI-1900-000000"));
  g_assert_false (g_file_test (pdf_path, G_FILE_TEST_EXISTS));
  /* No --output: a usage error. */
  g_assert_cmpint (cst_test_cli_run (clerk, &out3, &err3, "evidence", "--request", reference, NULL), ==, 2);
  g_assert_nonnull (strstr (err3, "--output"));
  g_unlink (json_path);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  db = cst_test_db_new ();
  allow_third_party_extension ();
  g_test_add_func ("/evidence-pack/walked-request", test_walked_request);
  g_test_add_func ("/evidence-pack/representative", test_representative);
  g_test_add_func ("/evidence-pack/request-history", test_request_history);
  g_test_add_func ("/evidence-pack/unknown-reference", test_unknown_reference);
  g_test_add_func ("/evidence-pack/export-async", test_export_async);
  g_test_add_func ("/evidence-pack/cli", test_cli);
  status = g_test_run ();
  cst_test_db_free (db);
  return status;
}
