/* test-deadline-cli.c — `custodian-cli deadline`: the legal deadline or
 * none, the rule and its citation, business days and the extension, the
 * stable --json keys, arguments refused by name, and the database's rule
 * versions where one is reachable; `deadline rules` lists those in force */
#include "config.h"

#include <string.h>

#include "cst-test-cli.h"
#include "cst-test-db.h"

static void
test_json (void)
{
  g_autofree char *ca = NULL, *tx = NULL, *ny = NULL, *err = NULL, *err2 = NULL, *err3 = NULL;
  int rc;

  rc = cst_test_cli_run (NULL, &ca, &err, "deadline", "--seed-only", "--state", "CA", "--requester", "patient",
                         "--received", "2026-11-20", "--json", NULL);
  g_assert_cmpint (rc, ==, 0);
  g_assert_cmpstr (ca, ==, "{\"due_date\":\"2026-12-05\",\"rule\":\"CA-patient@1\","
                           "\"citation\":\"Cal. Health & Safety Code 123110(b)\",\"days\":15,"
                           "\"business_days\":false,\"holidays\":\"federal\",\"extension_days\":0,"
                           "\"confidence\":\"S\",\"compared_rule\":\"US-HIPAA-access@1\"}\n");
  rc = cst_test_cli_run (NULL, &tx, &err2, "deadline", "--seed-only", "--state", "TX", "--requester", "patient",
                         "--format", "electronic", "--received", "2026-11-20", "--json", NULL);
  g_assert_cmpint (rc, ==, 0);
  g_assert_true (g_str_has_prefix (tx, "{\"due_date\":\"2026-12-14\",\"rule\":\"TX-electronic@1\","));
  g_assert_nonnull (strstr (tx, "\"business_days\":true"));
  /* An attorney under an authorization: no legal deadline. */
  rc = cst_test_cli_run (NULL, &ny, &err3, "deadline", "--seed-only", "--state", "NY", "--requester", "attorney",
                         "--received", "2026-11-20", "--json", NULL);
  g_assert_cmpint (rc, ==, 0);
  g_assert_true (g_str_has_prefix (ny, "{\"due_date\":null,\"rule\":\"US-authorization@1\","
                                       "\"citation\":\"45 CFR 164.508\",\"days\":null,"));
  g_assert_nonnull (strstr (ny, "\"extension_days\":0"));
}

static void
test_text (void)
{
  g_autofree char *il = NULL, *sub = NULL, *err = NULL, *err2 = NULL;
  int rc;

  rc = cst_test_cli_run (NULL, &il, &err, "deadline", "--seed-only", "--state", "IL", "--requester", "patient",
                         "--received", "2026-06-05", NULL);
  g_assert_cmpint (rc, ==, 0);
  g_assert_nonnull (strstr (il, "Legal deadline: 2026-07-05\n"));
  g_assert_nonnull (strstr (il, "Rule: IL-patient@1 — 735 ILCS 5/8-2001(b) (confidence S)\n"));
  g_assert_nonnull (strstr (il, "Counted in calendar days\n"));
  g_assert_nonnull (strstr (il, "Extension: one, of 30 more days, with written notice\n"));
  /* A subpoena is legal process, whoever brings it. */
  rc = cst_test_cli_run (NULL, &sub, &err2, "deadline", "--seed-only", "--state", "CA", "--requester", "attorney",
                         "--purpose", "subpoena", "--received", "2026-06-05", NULL);
  g_assert_cmpint (rc, ==, 0);
  g_assert_nonnull (strstr (sub, "Requester: Legal process\n"));
  g_assert_nonnull (strstr (sub, "Legal deadline: none"));
  g_assert_nonnull (strstr (sub, "45 CFR 164.512(e)"));
}

static void
test_bad_arguments (void)
{
  const char *const cases[][2] = {
    { "--state", "ZZ" }, { "--requester", "lawyer" }, { "--format", "fax" },
    { "--received", "2026-02-30" }, { "--purpose", "curiosity" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL, *err = NULL;
      gboolean state = g_str_equal (cases[i][0], "--state");
      gboolean requester = g_str_equal (cases[i][0], "--requester");
      int rc = cst_test_cli_run (NULL, &out, &err, "deadline", "--seed-only",
                                 "--state", state ? cases[i][1] : "CA",
                                 "--requester", requester ? cases[i][1] : "patient",
                                 cases[i][0], cases[i][1], NULL);

      g_assert_cmpint (rc, ==, 2);
      if (!strstr (err, cases[i][0]))
        g_error ("message does not name %s: %s", cases[i][0], err);
    }
}

/* A reachable database's newest rule version is used: an administrator's
 * reviewed version 2 of California's rule. */
static void
test_database_rules (void)
{
  g_autoptr(CstTestDb) db = cst_test_db_new ();
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *admin_info = cst_test_db_create_login (db, "custodian_admin");
  g_autoptr(PGconn) admin = cst_db_connect (admin_info, NULL);
  g_autofree char *out = NULL, *err = NULL;
  int rc;

  g_assert_nonnull (owner);
  cst_test_db_exec_ok (admin,
    "INSERT INTO deadline_rules (rule_key, version, jurisdiction, classes, formats, effective_from,"
    "                            days, count, extension_days, confidence, citation)"
    " VALUES ('CA-patient', 2, 'CA', '{individual,personal-representative}', roi_deadline_all_formats(),"
    "         '2013-03-26', 10, 'business', 0, 'U', 'Reviewed reading')", 0, NULL);
  rc = cst_test_cli_run (NULL, &out, &err, "--database", db->conninfo, "deadline", "--state", "CA",
                         "--requester", "personal-representative", "--received", "2026-11-20", "--json", NULL);
  g_assert_cmpint (rc, ==, 0);
  g_assert_true (g_str_has_prefix (out, "{\"due_date\":\"2026-12-07\",\"rule\":\"CA-patient@2\","));
}

/* `deadline rules`: the rules in force, as a clerk's login reads them,
 * with a version an administrator saved. */
static void
test_rules (void)
{
  g_autoptr(CstTestDb) db = cst_test_db_new ();
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) admin = cst_test_db_connect_as (db, "custodian_admin");
  g_autoptr(CstDeadlineRuleSet) saved = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL, *err = NULL, *json = NULL, *err2 = NULL;
  int rc;

  saved = cst_deadline_repo_save_rules (admin, "[WA-patient]\njurisdiction=WA\nclasses=individual;personal-representative\n"
                                        "effective-from=2013-03-26\ndays=12\ncount=business\nholidays=WA\n"
                                        "confidence=C\ncitation=RCW 70.02.080 (test reading)\n", &error);
  g_assert_no_error (error);
  rc = cst_test_cli_run (NULL, &out, &err, "--database", clerk, "deadline", "rules", NULL);
  g_assert_cmpint (rc, ==, 0);
  g_test_message ("%s", out);
  g_assert_nonnull (strstr (out, "CA-patient@1"));
  g_assert_nonnull (strstr (out, "WA-patient@2"));
  g_assert_nonnull (strstr (out, "12 business days, no extension — RCW 70.02.080 (test reading) (confidence C)"));
  g_assert_nonnull (strstr (out, "US-authorization@1         US  no legal deadline"));

  rc = cst_test_cli_run (NULL, &json, &err2, "--database", clerk, "deadline", "rules", "--json", NULL);
  g_assert_cmpint (rc, ==, 0);
  g_assert_true (g_str_has_prefix (json, "[{\"rule\":"));
  g_assert_nonnull (strstr (json, "{\"rule\":\"WA-patient\",\"version\":2,\"jurisdiction\":\"WA\","
                                  "\"classes\":[\"individual\",\"personal-representative\"],"
                                  "\"effective_from\":\"2013-03-26\",\"effective_to\":null,\"days\":12,"
                                  "\"business_days\":true,\"extension_days\":0,\"confidence\":\"C\""));
  g_assert_nonnull (strstr (json, "\"rule\":\"US-authorization\",\"version\":1,\"jurisdiction\":\"US\","
                                  "\"classes\":[\"third-party\"],\"effective_from\":\"2013-03-26\","
                                  "\"effective_to\":null,\"days\":null"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/deadline/cli/json", test_json);
  g_test_add_func ("/deadline/cli/text", test_text);
  g_test_add_func ("/deadline/cli/bad-arguments", test_bad_arguments);
  g_test_add_func ("/deadline/cli/database-rules", test_database_rules);
  g_test_add_func ("/deadline/cli/rules", test_rules);
  return g_test_run ();
}
