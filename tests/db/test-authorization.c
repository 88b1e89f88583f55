/* test-authorization.c — the HIPAA authorization checklist (45 CFR
 * 164.508(c)): elements as data, findings stamped by the server, the
 * transition to "authorization verified" refused while one is missing (in
 * the model and in the database), "not applicable" only where the element
 * allows it (never the signature), the deficiency letter naming exactly the
 * elements recorded missing, and an expired authorization blocking
 * release. */
#include "config.h"

#include "cst-test-db.h"
#include "cst-test-pdf.h"

static CstTestDb *db;

static CstRequest *
third_party_request (PGconn     *conn,
                     const char *mrn,
                     const char *jurisdiction)
{
  return cst_test_db_add_request_for (conn, mrn, "Demo Law Group", CST_REQUESTER_ATTORNEY, jurisdiction);
}

/* Records every applicable element as present except @missing (which may
 * be NULL) and @skip (left unchecked, may be NULL). */
static void
record_all (PGconn     *conn,
            CstRequest *request,
            const char *missing,
            const char *skip)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = cst_authorization_load (conn, request, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < items->len; i++)
    {
      CstAuthorizationItem *item = g_ptr_array_index (items, i);
      CstAuthorizationFinding finding = CST_AUTHORIZATION_PRESENT;

      if (g_strcmp0 (item->code, skip) == 0)
        continue;
      if (g_strcmp0 (item->code, missing) == 0)
        finding = CST_AUTHORIZATION_MISSING;
      else if (g_str_equal (item->category, "sensitive"))
        finding = CST_AUTHORIZATION_NOT_APPLICABLE;
      g_assert_true (cst_authorization_record (conn, request, item->code, finding, NULL, &error));
      g_assert_no_error (error);
    }
}

/* Asks the database directly, so the model cannot refuse first. */
static void
assert_database_refuses_verify (PGconn     *conn,
                                CstRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  const char *params[] = { id };

  g_assert_false (cst_db_exec_command (conn,
    "UPDATE roi_requests SET status = 'authorization_verified' WHERE id = $1::bigint",
    1, params, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_TRANSITION);
}

static gboolean
has_code (GPtrArray  *items,
          const char *code)
{
  for (guint i = 0; i < items->len; i++)
    if (g_str_equal (((CstAuthorizationItem *) g_ptr_array_index (items, i))->code, code))
      return TRUE;
  return FALSE;
}

/* The core elements of 164.508(c), the sensitive categories, and only the
 * add-ons of the request's own state. */
static void
test_checklist_is_data (void)
{
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) conn = cst_db_connect (clerk, NULL);
  g_autoptr(CstRequest) request = third_party_request (conn, "AUTH-1", "NY");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = cst_authorization_load (conn, request, &error);
  g_autoptr(GPtrArray) gaps = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 11 + 2 + 1);
  g_assert_true (has_code (items, "right_to_revoke"));
  g_assert_true (has_code (items, "part2_consent"));
  g_assert_true (has_code (items, "psychotherapy_notes"));
  g_assert_true (has_code (items, "ny_hiv"));
  g_assert_false (has_code (items, "ca_mental_health"));
  gaps = cst_authorization_gaps (items);
  g_assert_cmpuint (gaps->len, ==, items->len);
  g_assert_true (cst_authorization_is_required (CST_REQUESTER_ATTORNEY));
  g_assert_false (cst_authorization_is_required (CST_REQUESTER_PATIENT));
  g_assert_false (cst_authorization_is_required (CST_REQUESTER_PERSONAL_REPRESENTATIVE));
}

/* Who checked and when come from the server, whatever the client sends. */
static void
test_findings_are_stamped (void)
{
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) conn = cst_db_connect (clerk, NULL);
  g_autoptr(CstRequest) request = third_party_request (conn, "AUTH-2", "NY");
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  const char *params[] = { id };
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) me = cst_db_exec (conn, "SELECT session_user", 0, NULL, &error);
  g_autoptr(PGresult) res = NULL;
  g_autoptr(GPtrArray) items = NULL;

  g_assert_no_error (error);
  g_assert_true (cst_db_exec_command (conn,
    "INSERT INTO authorization_checks (request_id, element_code, finding, checked_by, checked_at) "
    "VALUES ($1::bigint, 'signature', 'present', 'somebody_else', now() - interval '3 days')",
    1, params, &error));
  g_assert_no_error (error);
  items = cst_authorization_load (conn, request, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < items->len; i++)
    {
      CstAuthorizationItem *item = g_ptr_array_index (items, i);
      if (!g_str_equal (item->code, "signature"))
        {
          g_assert_cmpint (item->finding, ==, CST_AUTHORIZATION_UNCHECKED);
          g_assert_null (item->checked_by);
          continue;
        }
      g_assert_cmpint (item->finding, ==, CST_AUTHORIZATION_PRESENT);
      g_assert_cmpstr (item->checked_by, ==, PQgetvalue (me, 0, 0));
      g_assert_nonnull (item->checked_at);
      g_assert_cmpint (g_date_time_to_unix (item->checked_at), >,
                       g_get_real_time () / G_USEC_PER_SEC - 3600);
    }
  /* A re-check is recorded in the audit log. */
  g_assert_true (cst_authorization_record (conn, request, "signature",
                                           CST_AUTHORIZATION_MISSING, "Unsigned", &error));
  g_assert_no_error (error);
  res = cst_db_exec (conn, "SELECT count(*) FROM audit_log WHERE table_name = 'authorization_checks' "
                     "AND (new_row->>'request_id')::bigint = $1::bigint", 1, params, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (PQgetvalue (res, 0, 0), ==, "2");
}

/* The deficiency letter as the documents dialog makes it, recorded with
 * its template version. */
static GBytes *
deficiency_letter (PGconn      *conn,
                   CstRequest  *request,
                   const char  *language,
                   GError     **error)
{
  CstDocumentOptions options = { .paper = CST_PDF_PAPER_LETTER };

  options.facility.name = "Custodian General Hospital";
  return cst_document_repo_render (conn, CST_DOCUMENT_DEFICIENCY_LETTER, request, language,
                                    NULL, &options, NULL, error);
}

static char *
letter_text (GBytes *letter)
{
  g_autoptr(PopplerDocument) doc = cst_test_pdf_open (letter);
  g_autofree char *text = cst_test_pdf_text (doc);

  return cst_test_pdf_squash (text);
}

/* A missing element: the model and the database refuse, and the letter
 * names exactly the missing element. */
static void
test_missing_element_blocks (void)
{
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) conn = cst_db_connect (clerk, NULL);
  g_autoptr(CstRequest) request = third_party_request (conn, "AUTH-3", "NY");
  g_autoptr(CstRequest) verified = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) letter = NULL;
  g_autofree char *squashed = NULL;

  record_all (conn, request, "right_to_revoke", NULL);
  verified = cst_authorization_verify (conn, request, &error);
  g_assert_null (verified);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_TRANSITION);
  g_assert_nonnull (strstr (error->message, "right to revoke"));
  g_clear_error (&error);
  assert_database_refuses_verify (conn, request);

  letter = deficiency_letter (conn, request, "en", &error);
  g_assert_no_error (error);
  squashed = letter_text (letter);
  g_assert_nonnull (strstr (squashed, "Astatementoftherighttorevoke"));
  g_assert_nonnull (strstr (squashed, "45CFR164.508(c)(2)(i)"));
  g_assert_nonnull (strstr (squashed, cst_request_get_reference (request)));
  /* Exactly the missing one: no present element is listed. */
  g_assert_null (strstr (squashed, "plainlanguage"));
  g_assert_null (strstr (squashed, "expirationevent"));
  g_assert_null (strstr (squashed, "Psychotherapy"));

  /* Corrected: present now, and the move goes through. */
  g_assert_true (cst_authorization_record (conn, request, "right_to_revoke",
                                           CST_AUTHORIZATION_PRESENT, NULL, &error));
  g_assert_no_error (error);
  verified = cst_authorization_verify (conn, request, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cst_request_get_status (verified), ==, CST_STATUS_AUTHORIZATION_VERIFIED);
}

/* An unchecked element blocks as a missing one does, but the letter does
 * not ask for it: it may well be on the form.  With nothing recorded
 * missing there is no letter to send, and the clerk is told so. */
static void
test_unchecked_element_blocks (void)
{
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) conn = cst_db_connect (clerk, NULL);
  g_autoptr(CstRequest) request = third_party_request (conn, "AUTH-4", "CA");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) letter = NULL;
  g_autoptr(GBytes) none = NULL;

  record_all (conn, request, NULL, "ca_mental_health");
  g_assert_null (cst_authorization_verify (conn, request, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_TRANSITION);
  g_clear_error (&error);
  assert_database_refuses_verify (conn, request);
  letter = deficiency_letter (conn, request, "en", &error);
  g_assert_null (letter);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "missing"));
  g_clear_error (&error);

  /* Not applicable counts as checked; still nothing to ask for. */
  g_assert_true (cst_authorization_record (conn, request, "ca_mental_health",
                                           CST_AUTHORIZATION_NOT_APPLICABLE, NULL, &error));
  g_assert_no_error (error);
  none = deficiency_letter (conn, request, "en", &error);
  g_assert_null (none);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
}

/* One element recorded missing and the rest not yet checked: the letter
 * lists the missing one only, and the model's list agrees. */
static void
test_letter_lists_only_missing (void)
{
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) conn = cst_db_connect (clerk, NULL);
  g_autoptr(CstRequest) request = third_party_request (conn, "AUTH-9", "NY");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) letter = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) missing = NULL;
  g_autofree char *squashed = NULL;

  g_assert_true (cst_authorization_record (conn, request, "expiration",
                                           CST_AUTHORIZATION_MISSING, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (cst_authorization_record (conn, request, "description",
                                           CST_AUTHORIZATION_PRESENT, NULL, &error));
  g_assert_no_error (error);
  items = cst_authorization_load (conn, request, &error);
  g_assert_no_error (error);
  missing = cst_authorization_missing (items);
  g_assert_cmpuint (missing->len, ==, 1);
  g_assert_cmpstr (((CstAuthorizationItem *) g_ptr_array_index (missing, 0))->code, ==, "expiration");

  letter = deficiency_letter (conn, request, "en", &error);
  g_assert_no_error (error);
  squashed = letter_text (letter);
  g_assert_nonnull (strstr (squashed, "Anexpirationdateorexpirationevent"));
  g_assert_nonnull (strstr (squashed, "45CFR164.508(c)(1)(v)"));
  /* Unchecked: not asked for. */
  g_assert_null (strstr (squashed, "signatureoftheindividual"));
  g_assert_null (strstr (squashed, "righttorevoke"));
  g_assert_null (strstr (squashed, "Psychotherapy"));
  g_assert_null (strstr (squashed, "HIV"));
  g_assert_null (strstr (squashed, "(c)(1)(vi)"));
  /* Present: not asked for either. */
  g_assert_null (strstr (squashed, "meaningfuldescription"));
}

/* Which findings each element allows is data (0055): the signature and
 * date never "not applicable" (164.508(c)(1)(vi)), nor any other core
 * element but the representative's authority; the sensitive categories
 * and state add-ons may be. */
static void
test_not_applicable_is_data (void)
{
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) conn = cst_db_connect (clerk, NULL);
  g_autoptr(CstRequest) request = third_party_request (conn, "AUTH-10", "NY");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = cst_authorization_load (conn, request, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < items->len; i++)
    {
      CstAuthorizationItem *item = g_ptr_array_index (items, i);
      gboolean expected = !g_str_equal (item->category, "core") ||
                          g_str_equal (item->code, "representative_authority");

      g_assert_cmpint (item->allows_not_applicable, ==, expected);
      g_assert_cmpint (cst_authorization_item_allows (item, CST_AUTHORIZATION_NOT_APPLICABLE), ==,
                       expected);
      g_assert_true (cst_authorization_item_allows (item, CST_AUTHORIZATION_PRESENT));
      g_assert_true (cst_authorization_item_allows (item, CST_AUTHORIZATION_MISSING));
      g_assert_false (cst_authorization_item_allows (item, CST_AUTHORIZATION_UNCHECKED));
    }
}

/* The ordinary clerk's login cannot record the signature as not
 * applicable, through the model or by writing the row itself, neither as a
 * new finding nor by changing one; an element that allows it is
 * recorded. */
static void
test_signature_never_not_applicable (void)
{
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) conn = cst_db_connect (clerk, NULL);
  g_autoptr(CstRequest) request = third_party_request (conn, "AUTH-11", "NY");
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  const char *params[] = { id };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;

  g_assert_false (cst_authorization_record (conn, request, "signature",
                                            CST_AUTHORIZATION_NOT_APPLICABLE, NULL, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "164.508(c)(1)(vi)"));
  g_clear_error (&error);

  g_assert_false (cst_db_exec_command (conn,
    "INSERT INTO authorization_checks (request_id, element_code, finding) "
    "VALUES ($1::bigint, 'signature', 'not_applicable')", 1, params, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  g_assert_true (cst_authorization_record (conn, request, "signature",
                                           CST_AUTHORIZATION_MISSING, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (cst_db_exec_command (conn,
    "UPDATE authorization_checks SET finding = 'not_applicable' "
    "WHERE request_id = $1::bigint AND element_code = 'signature'", 1, params, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  g_assert_true (cst_authorization_record (conn, request, "psychotherapy_notes",
                                           CST_AUTHORIZATION_NOT_APPLICABLE, NULL, &error));
  g_assert_no_error (error);
  items = cst_authorization_load (conn, request, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < items->len; i++)
    {
      CstAuthorizationItem *item = g_ptr_array_index (items, i);
      if (g_str_equal (item->code, "signature"))
        g_assert_cmpint (item->finding, ==, CST_AUTHORIZATION_MISSING);
      else if (g_str_equal (item->code, "psychotherapy_notes"))
        g_assert_cmpint (item->finding, ==, CST_AUTHORIZATION_NOT_APPLICABLE);
    }
}

/* The patient's own access needs no authorization (164.524). */
static void
test_patient_access_needs_none (void)
{
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) conn = cst_db_connect (clerk, NULL);
  g_autoptr(CstRequest) request = cst_test_db_add_request (conn, "AUTH-5");
  g_autoptr(CstRequest) verified = NULL;
  g_autoptr(GError) error = NULL;

  verified = cst_authorization_verify (conn, request, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cst_request_get_status (verified), ==, CST_STATUS_AUTHORIZATION_VERIFIED);
}

static CstRequest *
walk_to_ready (PGconn     *conn,
               CstRequest *verified)
{
  return cst_test_db_move_along (conn, g_object_ref (verified), CST_STATUS_READY);
}

/* Expired by the release date: detected at release, not only at intake. */
static void
test_expired_blocks_release (void)
{
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) conn = cst_db_connect (clerk, NULL);
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(CstRequest) request = third_party_request (conn, "AUTH-6", "NY");
  g_autoptr(CstRequest) verified = NULL;
  g_autoptr(CstRequest) ready = NULL;
  g_autoptr(CstRelease) released = NULL;
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  const char *params[] = { id };
  g_autoptr(GError) error = NULL;
  CstDocumentOptions options = { .paper = CST_PDF_PAPER_LETTER };
  GDate today;

  cst_input_today (&today);
  record_all (conn, request, NULL, NULL);
  verified = cst_authorization_verify (conn, request, &error);
  g_assert_no_error (error);
  /* Valid at intake, expired since: yesterday was its last day. */
  g_assert_true (cst_db_exec_command (owner,
    "UPDATE roi_requests SET authorization_expires = current_date - 1 WHERE id = $1::bigint",
    1, params, &error));
  g_assert_no_error (error);
  g_clear_object (&verified);
  verified = cst_request_repo_get (conn, cst_request_get_id (request), &error);
  g_assert_no_error (error);
  ready = walk_to_ready (conn, verified);
  g_assert_true (cst_authorization_is_expired (ready, &today));

  released = cst_release_run (conn, ready, "en", &options, &error);
  g_assert_null (released);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_TRANSITION);
  g_clear_error (&error);

  /* Valid through today: the release goes through. */
  g_assert_true (cst_db_exec_command (owner,
    "UPDATE roi_requests SET authorization_expires = current_date WHERE id = $1::bigint",
    1, params, &error));
  g_assert_no_error (error);
  g_clear_object (&ready);
  ready = cst_request_repo_get (conn, cst_request_get_id (request), &error);
  g_assert_no_error (error);
  g_assert_false (cst_authorization_is_expired (ready, &today));
  released = cst_release_run (conn, ready, "en", &options, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cst_request_get_status (released->request), ==, CST_STATUS_RELEASED);

  /* Released under the verified authorization: a 164.508 disclosure, not
   * one the patient's accounting must list (164.528(a)(1)(iv)). */
  {
    g_autoptr(PGresult) res = cst_db_exec (owner,
      "SELECT legal_basis, accountable::text FROM disclosures WHERE request_id = $1::bigint",
      1, params, &error);

    g_assert_no_error (error);
    g_assert_cmpint (PQntuples (res), ==, 1);
    g_assert_cmpstr (cst_db_value (res, 0, 0), ==, "164.508");
    g_assert_cmpstr (cst_db_value (res, 0, 1), ==, "false");
  }
}

/* Asked for in Spanish, the letter is Spanish throughout, the missing
 * element's name included, and recorded like every other letter. */
static void
test_letter_in_spanish (void)
{
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) conn = cst_db_connect (clerk, NULL);
  g_autoptr(CstRequest) request = third_party_request (conn, "AUTH-8", "NY");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) letter = NULL;
  g_autoptr(PGresult) recorded = NULL;
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  const char *params[] = { id };
  g_autofree char *squashed = NULL;

  record_all (conn, request, "right_to_revoke", NULL);
  letter = deficiency_letter (conn, request, "es", &error);
  g_assert_no_error (error);
  squashed = letter_text (letter);
  g_assert_nonnull (strstr (squashed, "Todavíanopodemosaceptarsuautorización"));
  g_assert_nonnull (strstr (squashed, "Unadeclaracióndelderechoarevocarlaautorización"));
  g_assert_nonnull (strstr (squashed, "45CFR164.508(c)(2)(i)"));
  g_assert_nonnull (strstr (squashed, "CustodianGeneralHospital"));
  g_assert_null (strstr (squashed, "righttorevoke"));
  g_assert_null (strstr (squashed, "Missingelement"));
  recorded = cst_db_exec (conn, "SELECT t.kind, t.language FROM rendered_documents d "
                          "JOIN document_templates t ON t.id = d.template_id "
                          "WHERE d.request_id = $1::bigint", 1, params, &error);
  g_assert_no_error (error);
  g_assert_cmpint (PQntuples (recorded), ==, 1);
  g_assert_cmpstr (PQgetvalue (recorded, 0, 0), ==, "deficiency-letter");
  g_assert_cmpstr (PQgetvalue (recorded, 0, 1), ==, "es");
}

/* Billing and auditors read the checklist; only clerks and admins record. */
static void
test_roles (void)
{
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autofree char *auditor = cst_test_db_create_login (db, "custodian_auditor");
  g_autoptr(PGconn) conn = cst_db_connect (clerk, NULL);
  g_autoptr(PGconn) audit = cst_db_connect (auditor, NULL);
  g_autoptr(CstRequest) request = third_party_request (conn, "AUTH-7", "NY");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = cst_authorization_load (audit, request, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (items->len, >, 0);
  g_assert_false (cst_authorization_record (audit, request, "signature",
                                            CST_AUTHORIZATION_PRESENT, NULL, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
}

/* Every finding has a label, and no two the same. */
static void
test_finding_labels (void)
{
  for (int f = 0; f < CST_AUTHORIZATION_N_FINDINGS; f++)
    {
      const char *label = cst_authorization_finding_get_label (f);

      g_assert_cmpstr (label, !=, "");
      g_assert_null (strchr (label, '_'));
      for (int g = 0; g < f; g++)
        g_assert_cmpstr (label, !=, cst_authorization_finding_get_label (g));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/authorization/finding-labels", test_finding_labels);
  g_test_add_func ("/authorization/checklist-is-data", test_checklist_is_data);
  g_test_add_func ("/authorization/findings-are-stamped", test_findings_are_stamped);
  g_test_add_func ("/authorization/missing-element-blocks", test_missing_element_blocks);
  g_test_add_func ("/authorization/unchecked-element-blocks", test_unchecked_element_blocks);
  g_test_add_func ("/authorization/letter-lists-only-missing", test_letter_lists_only_missing);
  g_test_add_func ("/authorization/not-applicable-is-data", test_not_applicable_is_data);
  g_test_add_func ("/authorization/signature-never-not-applicable",
                   test_signature_never_not_applicable);
  g_test_add_func ("/authorization/letter-in-spanish", test_letter_in_spanish);
  g_test_add_func ("/authorization/patient-access-needs-none", test_patient_access_needs_none);
  g_test_add_func ("/authorization/expired-blocks-release", test_expired_blocks_release);
  g_test_add_func ("/authorization/roles", test_roles);
  return cst_test_db_run (&db);
}
