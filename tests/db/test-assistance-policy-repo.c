/* test-assistance-policy-repo.c — the financial-assistance policy stored
 * effective-dated (0088) and the facilities a statement may be made for:
 * with nothing stored the shipped policy applies; an administrator stores
 * a version and each day reads the one in effect, its screening changed;
 * billing reads but cannot store; a text that does not read stores
 * nothing; a stored version never changes; a clerk of one facility is
 * offered its own facility first (as that clerk, not the superuser). */
#include "config.h"

#include <string.h>

#include <custodian/custodian.h>
#include "cst-test-async.h"
#include "cst-test-db.h"
#include "cst-test-policy.h"

static CstTestDb *db;

static void
set_day (GDate *date,
         guint  day,
         guint  month,
         guint  year)
{
  g_date_clear (date, 1);
  g_date_set_dmy (date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
}


/* The discount a household of 4 earning $80,000 (242% of the 2026
 * guideline) gets under @policy. */
static guint
discount_for_sample_household (CstAssistancePolicy *policy)
{
  g_auto(CstAssistanceScreening) screening = { 0 };
  g_autoptr(GError) error = NULL;
  GDate day;

  set_day (&day, 1, 8, 2026);
  g_assert_true (cst_assistance_screen (policy, 4, 8000000, &day, &screening, &error));
  g_assert_no_error (error);
  return screening.discount_percent;
}

static void
test_store_and_read (void)
{
  g_autoptr(PGconn) admin = cst_test_db_connect_as (db, "custodian_admin");
  g_autoptr(PGconn) billing = cst_test_db_connect_as (db, "custodian_billing");
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(CstAssistancePolicyVersion) before = NULL;
  g_autoptr(CstAssistancePolicyVersion) after = NULL;
  g_autoptr(CstAssistancePolicyVersion) day_before = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = cst_test_policy_with_second_band (90);
  gint64 id;
  GDate from, day;

  set_day (&day, 1, 8, 2026);
  before = cst_assistance_policy_repo_in_effect (billing, &day, &error);
  g_assert_no_error (error);
  g_assert_cmpint (before->id, ==, 0);
  g_assert_false (g_date_valid (&before->effective_from));
  g_assert_cmpuint (discount_for_sample_household (before->policy), ==, 75);

  set_day (&from, 1, 7, 2026);
  id = cst_assistance_policy_repo_store (admin, text, &from, "Board vote of June 2026", &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);

  after = cst_assistance_policy_repo_in_effect (billing, &day, &error);
  g_assert_no_error (error);
  g_assert_cmpint (after->id, ==, id);
  g_assert_cmpint (g_date_compare (&after->effective_from, &from), ==, 0);
  g_assert_cmpstr (after->stored_by, ==, PQuser (admin));
  g_assert_cmpstr (after->text, ==, text);
  g_assert_cmpuint (discount_for_sample_household (after->policy), ==, 90);

  /* The day before it takes effect, the shipped policy still applies. */
  set_day (&day, 30, 6, 2026);
  day_before = cst_assistance_policy_repo_in_effect (billing, &day, &error);
  g_assert_no_error (error);
  g_assert_cmpint (day_before->id, ==, 0);

  /* Stored versions never change, whoever asks; storing is audited. */
  {
    g_autoptr(PGresult) res = PQexec (owner, "UPDATE assistance_policies SET note = 'x'");
    g_assert_cmpint (PQresultStatus (res), ==, PGRES_FATAL_ERROR);
  }
  g_assert_cmpint (cst_test_db_int (owner, "SELECT count(*) FROM audit_log "
                                           "WHERE table_name = 'assistance_policies'", 0, NULL), ==, 1);
}

static void
test_refusals (void)
{
  g_autoptr(PGconn) admin = cst_test_db_connect_as (db, "custodian_admin");
  g_autoptr(PGconn) billing = cst_test_db_connect_as (db, "custodian_billing");
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = cst_test_policy_with_second_band (90);
  gint64 stored = cst_test_db_int (owner, "SELECT count(*) FROM assistance_policies", 0, NULL);
  GDate from;

  set_day (&from, 1, 1, 2027);
  /* Billing screens under the policy but does not set it. */
  g_assert_cmpint (cst_assistance_policy_repo_store (billing, text, &from, NULL, &error), ==, 0);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "permission denied"));
  g_clear_error (&error);

  /* A policy that does not read is refused before the database sees it,
   * naming what is wrong. */
  g_assert_cmpint (cst_assistance_policy_repo_store (admin, "[policy]\nagb-basis-points=0\n", &from,
                                                     NULL, &error), ==, 0);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "agb-basis-points"));
  g_clear_error (&error);
  g_assert_cmpint (cst_test_db_int (owner, "SELECT count(*) FROM assistance_policies", 0, NULL), ==, stored);
}

/* The window's way: on the connection's worker thread. */
static void
test_async (void)
{
  g_autofree char *login = cst_test_db_create_login (db, "custodian_admin");
  g_autoptr(CstConnection) connection = cst_connection_new (login);
  g_autoptr(GAsyncResult) stored = NULL;
  g_autoptr(GAsyncResult) read = NULL;
  g_autoptr(CstAssistancePolicyVersion) version = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = cst_test_policy_with_second_band (90);
  gint64 id;
  GDate from, day;

  set_day (&from, 1, 3, 2027);
  set_day (&day, 2, 3, 2027);
  cst_assistance_policy_repo_store_async (connection, text, &from, NULL, NULL, cst_test_result_cb, &stored);
  id = cst_assistance_policy_repo_store_finish (connection, cst_test_wait_result (&stored, 30), &error);
  g_assert_no_error (error);
  cst_assistance_policy_repo_in_effect_async (connection, &day, NULL, cst_test_result_cb, &read);
  version = cst_assistance_policy_repo_in_effect_finish (connection, cst_test_wait_result (&read, 30), &error);
  g_assert_no_error (error);
  g_assert_cmpint (version->id, ==, id);
}

/* A clerk of one facility only is offered it alone; an administrator
 * every facility, its own (the default) first. */
static void
test_letterheads (void)
{
  g_autoptr(PGconn) admin = cst_test_db_connect_as (db, "custodian_admin");
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(CstFacility) draft = cst_facility_new ();
  g_autoptr(CstFacility) added = NULL;
  g_autoptr(GPtrArray) for_clerk = NULL;
  g_autoptr(GPtrArray) for_admin = NULL;
  g_autoptr(GError) error = NULL;

  for_clerk = cst_facility_list_visible (clerk, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (for_clerk->len, ==, 1);
  g_assert_true (((CstFacility *) g_ptr_array_index (for_clerk, 0))->is_default);
  g_clear_pointer (&for_clerk, g_ptr_array_unref);

  g_free (draft->code);
  draft->code = g_strdup ("NORTH");
  cst_facility_set (draft, CST_FACILITY_NAME, "North Clinic");
  cst_facility_set (draft, CST_FACILITY_DEFAULT_STATE, "CA");
  added = cst_facility_add (admin, draft, &error);
  g_assert_no_error (error);
  g_assert_true (cst_facility_set_member (admin, PQuser (clerk), "NORTH", TRUE, &error));
  g_assert_no_error (error);

  for_clerk = cst_facility_list_visible (clerk, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (for_clerk->len, ==, 1);
  g_assert_cmpstr (((CstFacility *) g_ptr_array_index (for_clerk, 0))->code, ==, "NORTH");
  g_assert_cmpstr (((CstFacility *) g_ptr_array_index (for_clerk, 0))->name, ==, "North Clinic");

  for_admin = cst_facility_list_visible (admin, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (for_admin->len, ==, 2);
  g_assert_true (((CstFacility *) g_ptr_array_index (for_admin, 0))->is_default);
  g_assert_cmpstr (((CstFacility *) g_ptr_array_index (for_admin, 1))->code, ==, "NORTH");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/assistance-policy-repo/store-and-read", test_store_and_read);
  g_test_add_func ("/assistance-policy-repo/refusals", test_refusals);
  g_test_add_func ("/assistance-policy-repo/async", test_async);
  g_test_add_func ("/assistance-policy-repo/letterheads", test_letterheads);
  return cst_test_db_run (&db);
}
