/* test-legal-process.c — legal process (0072) as a clerk's login: a
 * subpoena without a court order cannot be released until its
 * satisfactory assurances are on file (either route), then it can; Part 2
 * records need a court order with every 2.64 finding; the individual's own
 * request is no legal process; entering it times the request as legal
 * process and waives the authorization checklist */
#include "config.h"

#include <string.h>

#include "cst-test-db.h"

static CstTestDb *db;

/* An attorney's request, entered as @kind, moved to ready. */
static CstRequest *
ready_with_legal_process (PGconn              *clerk,
                          const char          *mrn,
                          CstLegalProcessKind  kind,
                          gboolean             part2)
{
  g_autoptr(CstRequest) request = cst_test_db_add_request_for (clerk, mrn, "Dewey, Cheatham & Howe",
                                                               CST_REQUESTER_ATTORNEY, "PA");
  g_autoptr(GError) error = NULL;
  CstRequest *stored;

  g_assert_true (cst_legal_process_enter (clerk, cst_request_get_id (request), kind,
                                          "Court of Common Pleas, Philadelphia County", "2026-CV-0042",
                                          part2, &error));
  g_assert_no_error (error);
  /* Entering it saved the request (its purpose): read it again. */
  stored = cst_request_repo_get (clerk, cst_request_get_id (request), &error);
  g_assert_no_error (error);
  return cst_test_db_move_along (clerk, stored, CST_STATUS_READY);
}

static CstRelease *
try_release (PGconn      *clerk,
             CstRequest  *request,
             GError     **error)
{
  CstDocumentOptions options = { .paper = CST_PDF_PAPER_LETTER };

  return cst_release_run (clerk, request, "en", &options, error);
}

static void
check (PGconn     *clerk,
       CstRequest *request,
       const char *code)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (cst_legal_process_check (clerk, cst_request_get_id (request), code, TRUE, "Filed", &error));
  g_assert_no_error (error);
}

static void
test_subpoena_needs_assurances (void)
{
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(CstRequest) request = ready_with_legal_process (clerk, "LEGAL-1", CST_LEGAL_PROCESS_SUBPOENA, FALSE);
  g_autoptr(CstLegalProcess) process = NULL;
  g_autoptr(CstRelease) release = NULL;
  g_autoptr(GError) error = NULL;

  process = cst_legal_process_load (clerk, cst_request_get_id (request), &error);
  g_assert_no_error (error);
  g_assert_cmpint (process->kind, ==, CST_LEGAL_PROCESS_SUBPOENA);
  g_assert_cmpstr (process->issuer, ==, "Court of Common Pleas, Philadelphia County");
  /* Both routes, five elements, none on file: the release waits. */
  g_assert_cmpuint (process->checklist->len, ==, 5);
  g_assert_false (cst_legal_process_allows_release (process));
  g_assert_nonnull (strstr (process->gaps, "satisfactory assurances"));
  /* Timed as legal process (0063). */
  {
    g_autofree char *purpose = NULL;

    g_object_get (request, "purpose-code", &purpose, NULL);
    g_assert_cmpstr (purpose, ==, "subpoena");
  }

  release = try_release (clerk, request, &error);
  g_assert_null (release);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_TRANSITION);
  g_assert_nonnull (strstr (error->message, "satisfactory assurances"));
  g_assert_cmpint (cst_test_db_int_for_id (clerk, "SELECT count(*) FROM disclosures WHERE request_id = $1",
                                           cst_request_get_id (request)), ==, 0);

  /* Half of one route and half of the other are not assurances. */
  check (clerk, request, "notice_good_faith");
  check (clerk, request, "qpo_sought");
  g_clear_error (&error);
  release = try_release (clerk, request, &error);
  g_assert_null (release);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_TRANSITION);

  /* The whole notice route is. */
  check (clerk, request, "notice_enough_to_object");
  check (clerk, request, "notice_time_passed");
  g_clear_pointer (&process, cst_legal_process_free);
  process = cst_legal_process_load (clerk, cst_request_get_id (request), NULL);
  g_assert_true (cst_legal_process_allows_release (process));
  g_clear_error (&error);
  release = try_release (clerk, request, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cst_request_get_status (release->request), ==, CST_STATUS_RELEASED);

  /* Closed: its legal process no longer changes. */
  g_assert_false (cst_legal_process_check (clerk, cst_request_get_id (request), "qpo_terms", TRUE, NULL, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_CLOSED);
}

/* The protective order route alone is enough too. */
static void
test_protective_order_route (void)
{
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(CstRequest) request = ready_with_legal_process (clerk, "LEGAL-2", CST_LEGAL_PROCESS_SUBPOENA, FALSE);
  g_autoptr(CstRelease) release = NULL;
  g_autoptr(GError) error = NULL;

  check (clerk, request, "qpo_sought");
  check (clerk, request, "qpo_terms");
  release = try_release (clerk, request, &error);
  g_assert_no_error (error);
  g_assert_nonnull (release);
}

/* A court order or a judge's subpoena needs no assurances. */
static void
test_court_order_releases (void)
{
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(CstRequest) request = ready_with_legal_process (clerk, "LEGAL-3", CST_LEGAL_PROCESS_JUDGE_SUBPOENA,
                                                            FALSE);
  g_autoptr(CstRelease) release = NULL;
  g_autoptr(GError) error = NULL;

  release = try_release (clerk, request, &error);
  g_assert_no_error (error);
  g_assert_nonnull (release);
}

/* Part 2 records: never on a subpoena, even a judge's; on a court order
 * once every 2.64 finding is on file. */
static void
test_part2_needs_court_order_findings (void)
{
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(CstRequest) judge = ready_with_legal_process (clerk, "LEGAL-4", CST_LEGAL_PROCESS_JUDGE_SUBPOENA, TRUE);
  g_autoptr(CstRequest) order = ready_with_legal_process (clerk, "LEGAL-5", CST_LEGAL_PROCESS_COURT_ORDER, TRUE);
  g_autoptr(CstLegalProcess) process = NULL;
  g_autoptr(CstRelease) release = NULL;
  g_autoptr(GError) error = NULL;
  const char *findings[] = { "part2_court_order", "part2_notice", "part2_other_ways", "part2_public_interest",
                             "part2_limits" };

  for (guint i = 0; i < G_N_ELEMENTS (findings); i++)
    check (clerk, judge, findings[i]);
  release = try_release (clerk, judge, &error);
  g_assert_null (release);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_TRANSITION);
  g_assert_nonnull (strstr (error->message, "court order only"));

  for (guint i = 0; i + 1 < G_N_ELEMENTS (findings); i++)
    check (clerk, order, findings[i]);
  process = cst_legal_process_load (clerk, cst_request_get_id (order), NULL);
  g_assert_nonnull (strstr (process->gaps, "part2_limits"));
  g_clear_error (&error);
  release = try_release (clerk, order, &error);
  g_assert_null (release);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_TRANSITION);

  check (clerk, order, "part2_limits");
  g_clear_error (&error);
  release = try_release (clerk, order, &error);
  g_assert_no_error (error);
  g_assert_nonnull (release);
}

static void
test_refusals (void)
{
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(PGconn) auditor = cst_test_db_connect_as (db, "custodian_auditor");
  g_autoptr(CstRequest) own = cst_test_db_add_request (clerk, "LEGAL-OWN");
  g_autoptr(CstRequest) lawyer = cst_test_db_add_request_for (clerk, "LEGAL-6", "Counsel", CST_REQUESTER_ATTORNEY, "PA");
  g_autoptr(CstLegalProcess) none = NULL;
  g_autoptr(GError) error = NULL;

  /* The individual's own request is no legal process. */
  g_assert_false (cst_legal_process_enter (clerk, cst_request_get_id (own), CST_LEGAL_PROCESS_SUBPOENA,
                                           "Court", "", FALSE, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  /* An issuer is named. */
  g_assert_false (cst_legal_process_enter (clerk, cst_request_get_id (lawyer), CST_LEGAL_PROCESS_SUBPOENA,
                                           "  ", "", FALSE, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  /* An auditor reads but does not enter. */
  g_assert_false (cst_legal_process_enter (auditor, cst_request_get_id (lawyer), CST_LEGAL_PROCESS_SUBPOENA,
                                           "Court", "", FALSE, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  none = cst_legal_process_load (auditor, cst_request_get_id (lawyer), &error);
  g_assert_no_error (error);
  g_assert_cmpint (none->kind, ==, CST_LEGAL_PROCESS_NONE);
  g_assert_true (cst_legal_process_allows_release (none));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/legal-process/subpoena-needs-assurances", test_subpoena_needs_assurances);
  g_test_add_func ("/legal-process/protective-order-route", test_protective_order_route);
  g_test_add_func ("/legal-process/court-order-releases", test_court_order_releases);
  g_test_add_func ("/legal-process/part2-needs-court-order-findings", test_part2_needs_court_order_findings);
  g_test_add_func ("/legal-process/refusals", test_refusals);
  return cst_test_db_run (&db);
}
