/* test-deadline-repo.c — reviewing the deadline rules and saving a new
 * version (issue 23: the same review as the fee schedules'), as the
 * ordinary logins: every role reads the rules, only an administrator may
 * save; a rule that overlaps another is refused with nothing stored; a
 * saved version times the requests opened after it and not one already
 * open; a rule's text reads back as the same rule */
#include "config.h"

#include <string.h>

#include "cst-test-db.h"

static CstTestDb *db;

static gint64
count_versions (const char *key)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  const char *params[] = { key };
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = cst_db_exec (owner, "SELECT count(*) FROM deadline_rules WHERE rule_key = $1",
                                         1, params, &error);

  g_assert_no_error (error);
  return cst_db_int64 (res, 0, 0);
}

static const CstDeadlineRule *
find (CstDeadlineRuleSet *set,
      const char         *key)
{
  GPtrArray *rules = cst_deadline_rule_set_get_rules (set);

  for (guint i = 0; i < rules->len; i++)
    if (g_str_equal (cst_deadline_rule_get_key (g_ptr_array_index (rules, i)), key))
      return g_ptr_array_index (rules, i);
  return NULL;
}

static void
test_review_by_role (void)
{
  const char *roles[] = { "custodian_clerk", "custodian_billing", "custodian_auditor", "custodian_admin" };

  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    {
      g_autoptr(PGconn) conn = cst_test_db_connect_as (db, roles[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(CstDeadlineReview) review = cst_deadline_repo_review (conn, &error);

      g_assert_no_error (error);
      g_assert_nonnull (find (review->rules, "CA-patient"));
      g_assert_cmpint (review->can_edit, ==, g_str_equal (roles[i], "custodian_admin"));
    }
}

static void
test_clerk_cannot_save (void)
{
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(GError) error = NULL;
  g_autoptr(CstDeadlineRuleSet) saved = NULL;
  gint64 before = count_versions ("NY-none");

  saved = cst_deadline_repo_save_rules (clerk, "[NY-none]\njurisdiction=NY\nclasses=third-party\n"
                                        "effective-from=2013-03-26\ndays=5\nconfidence=C\ncitation=x\n", &error);
  g_assert_null (saved);
  g_assert_nonnull (error);
  g_assert_cmpint (count_versions ("NY-none"), ==, before);
}

/* A second California rule for the individual on the same days would
 * leave the deadline to chance: the model refuses it, nothing is stored. */
static void
test_overlap_refused (void)
{
  g_autoptr(PGconn) admin = cst_test_db_connect_as (db, "custodian_admin");
  g_autoptr(GError) error = NULL;
  g_autoptr(CstDeadlineRuleSet) saved = NULL;

  saved = cst_deadline_repo_save_rules (admin, "[CA-second]\njurisdiction=CA\nclasses=individual\n"
                                        "effective-from=2020-01-01\ndays=5\nconfidence=C\ncitation=x\n", &error);
  g_assert_null (saved);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "CA-second"));
  g_assert_cmpint (count_versions ("CA-second"), ==, 0);

  g_clear_error (&error);
  saved = cst_deadline_repo_save_rules (admin, "# nothing\n", &error);
  g_assert_null (saved);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
}

/* Illinois shortens its clock: requests opened afterwards are timed by
 * version 2, the one already open keeps version 1. */
static void
test_new_version_times_new_requests (void)
{
  g_autoptr(PGconn) admin = cst_test_db_connect_as (db, "custodian_admin");
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(GError) error = NULL;
  g_autoptr(CstDeadlineRuleSet) stored = cst_deadline_repo_load_rules (admin, &error);
  g_autoptr(CstDeadlineRuleSet) saved = NULL;
  g_autoptr(CstDeadlineRuleSet) reread = NULL;
  g_autoptr(CstRequest) before = NULL, after = NULL, before_now = NULL, after_now = NULL;
  g_autofree char *text = NULL, *text_again = NULL;
  g_autoptr(GString) edited = NULL;

  g_assert_no_error (error);
  text = cst_deadline_rule_to_text (find (stored, "IL-patient"));
  /* The text reads back as the same rule. */
  reread = cst_deadline_rule_set_new_from_data (text, -1, &error);
  g_assert_no_error (error);
  text_again = cst_deadline_rule_to_text (find (reread, "IL-patient"));
  g_assert_cmpstr (text, ==, text_again);

  before = cst_test_db_add_request_for (clerk, "DR-IL-1", "Ana Ruiz", CST_REQUESTER_PATIENT, "IL");
  edited = g_string_new (text);
  g_assert_cmpuint (g_string_replace (edited, "days=30\n", "days=20\n", 1), ==, 1);
  saved = cst_deadline_repo_save_rules (admin, edited->str, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cst_deadline_rule_get_version (find (saved, "IL-patient")), ==, 2);
  g_assert_cmpint (count_versions ("IL-patient"), ==, 2);

  after = cst_test_db_add_request_for (clerk, "DR-IL-2", "Ana Ruiz", CST_REQUESTER_PATIENT, "IL");
  before_now = cst_request_repo_get (clerk, cst_request_get_id (before), &error);
  g_assert_no_error (error);
  after_now = cst_request_repo_get (clerk, cst_request_get_id (after), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cst_request_get_deadline (before_now)->rule, ==, "IL-patient@1");
  g_assert_cmpstr (cst_request_get_deadline (after_now)->rule, ==, "IL-patient@2");
  g_assert_cmpint (cst_request_get_deadline (after_now)->days, ==, 20);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/deadline-repo/review-by-role", test_review_by_role);
  g_test_add_func ("/deadline-repo/clerk-cannot-save", test_clerk_cannot_save);
  g_test_add_func ("/deadline-repo/overlap-refused", test_overlap_refused);
  g_test_add_func ("/deadline-repo/new-version-times-new-requests", test_new_version_times_new_requests);
  return cst_test_db_run (&db);
}
