/* test-fee-cli.c — `custodian-cli fee quote`: exit codes, messages naming
 * the bad argument, the stable --json keys, database or seed schedules */
#include "config.h"


#include "cst-test-cli.h"
#include "cst-test-db.h"

static void
test_json (void)
{
  g_autofree char *out = NULL, *err = NULL;
  int rc = cst_test_cli_run (NULL, &out, &err, "fee", "quote", "--seed-only", "--state", "IL", "--requester", "attorney",
                "--format", "electronic", "--pages", "60", "--date", "2024-05-01", "--json", NULL);

  g_assert_cmpint (rc, ==, 0);
  g_assert_true (g_str_has_prefix (out, "{\"total_cents\":6399,\"method\":\"state-schedule\","
                                        "\"jurisdiction\":\"IL\",\"schedule_version\":\"IL-2024@1\""));
  g_assert_true (g_str_has_suffix (out, "}\n"));
  for (const char *const *key = (const char *const[]) { "\"lines\":[", "\"description\":", "\"quantity\":",
                                                        "\"unit_cents\":", "\"amount_cents\":", "\"rule\":",
                                                        "\"citation\":", "\"notes\":[", NULL }; *key; key++)
    g_assert_nonnull (strstr (out, *key));
}

static void
test_text_and_refusals (void)
{
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *out2 = NULL, *err2 = NULL;
  g_autofree char *out3 = NULL, *err3 = NULL;
  int rc;

  rc = cst_test_cli_run (NULL, &out, &err, "fee", "quote", "--seed-only", "--state", "GA", "--requester", "attorney",
            "--pages", "150", "--certified", "--delivery", "mail", "--postage-cents", "500",
            "--date", "2024-09-10", NULL);
  g_assert_cmpint (rc, ==, 0);
  g_assert_nonnull (strstr (out, "Total: $159.38"));

  /* A date no schedule covers: refused by the engine, exit 1. */
  rc = cst_test_cli_run (NULL, &out2, &err2, "fee", "quote", "--seed-only", "--state", "PA", "--requester", "attorney",
            "--pages", "10", "--date", "2024-06-03", NULL);
  g_assert_cmpint (rc, ==, 1);
  g_assert_nonnull (strstr (err2, "never quoted from another year"));
  g_assert_cmpstr (out2, ==, "");

  /* HIPAA flat fee for a patient's electronic copy. */
  rc = cst_test_cli_run (NULL, &out3, &err3, "fee", "quote", "--seed-only", "--state", "NY", "--requester", "patient",
            "--format", "electronic", "--pages", "40", "--method", "flat", "--json", NULL);
  g_assert_cmpint (rc, ==, 0);
  g_assert_true (g_str_has_prefix (out3, "{\"total_cents\":650,\"method\":\"hipaa-flat\""));
}

static void
test_bad_arguments (void)
{
  const char *const cases[][4] = {
    { "--pages", "-3", "--pages", NULL },
    { "--pages", "12.5", "--pages", NULL },
    { "--pages", "9999999", "--pages", NULL },
    { "--requester", "lawyer", "--requester", NULL },
    { "--state", "ZZ", "--state", NULL },
    { "--format", "fax", "--format", NULL },
    { "--delivery", "pigeon", "--delivery", NULL },
    { "--date", "2025-02-30", "--date", NULL },
    { "--method", "state-schedule", "--method", NULL },
    { "--postage-cents", "lots", "--postage-cents", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL, *err = NULL;
      const char *state = g_str_equal (cases[i][0], "--state") ? cases[i][1] : "PA";
      const char *requester = g_str_equal (cases[i][0], "--requester") ? cases[i][1] : "attorney";
      int rc;

      if (g_str_equal (cases[i][0], "--state") || g_str_equal (cases[i][0], "--requester"))
        rc = cst_test_cli_run (NULL, &out, &err, "fee", "quote", "--seed-only", "--state", state, "--requester", requester,
                  "--pages", "10", NULL);
      else
        rc = cst_test_cli_run (NULL, &out, &err, "fee", "quote", "--seed-only", "--state", state, "--requester", requester,
                  "--pages", "10", cases[i][0], cases[i][1], NULL);
      if (g_str_equal (cases[i][0], "--pages"))
        {
          g_free (out); g_free (err);
          rc = cst_test_cli_run (NULL, &out, &err, "fee", "quote", "--seed-only", "--state", "PA", "--requester", "attorney",
                    "--pages", cases[i][1], NULL);
        }
      g_assert_cmpint (rc, ==, 2);
      if (!strstr (err, cases[i][2]))
        g_error ("message does not name %s: %s", cases[i][2], err);
    }
}

/* With a reachable database holding schedules, its versions are used. */
static void
test_database_schedules (void)
{
  g_autoptr(CstTestDb) db = cst_test_db_new ();
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(CstFeeScheduleSet) set = NULL;
  g_autoptr(CstFeeSchedule) edited = NULL;
  g_autoptr(CstFeeSchedule) saved = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *edited_text = NULL;
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *auditor = NULL;   /* auditors check fees with the command */
  g_auto(GStrv) parts = NULL;
  int rc;

  g_assert_true (cst_fee_repo_install_seed (owner, NULL, &error));
  set = cst_fee_repo_load_schedules (owner, &error);
  g_assert_no_error (error);
  text = cst_fee_schedule_to_text (cst_fee_schedule_set_lookup (set, "WA-2020"));
  parts = g_strsplit (text, "request-fee-cents=2800", 2);
  edited_text = g_strjoinv ("request-fee-cents=2500", parts);
  edited = cst_fee_schedule_new_from_text (edited_text, &error);
  g_assert_no_error (error);
  saved = cst_fee_repo_save_version (owner, edited, &error);
  g_assert_no_error (error);

  auditor = cst_test_db_create_login (db, "custodian_auditor");
  rc = cst_test_cli_run (auditor, &out, &err, "fee", "quote", "--state", "WA", "--requester",
            "attorney", "--pages", "50", "--date", "2024-01-15", "--json", NULL);
  g_assert_cmpint (rc, ==, 0);
  g_assert_true (g_str_has_prefix (out, "{\"total_cents\":8100,\"method\":\"state-schedule\","
                                        "\"jurisdiction\":\"WA\",\"schedule_version\":\"WA-2020@2\""));
}

/* Issue 17: `fee schedules --expiring` names a schedule that ends within
 * --days with nothing after it, and only then; run as an administrator's
 * own login. */
static void
test_expiring (void)
{
  g_autoptr(CstTestDb) db = cst_test_db_new ();
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *admin = cst_test_db_create_login (db, "custodian_admin");
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *out2 = NULL, *err2 = NULL;
  g_autofree char *out3 = NULL, *err3 = NULL;
  int rc;

  g_assert_true (cst_fee_repo_install_seed (owner, NULL, &error));
  cst_test_db_save_schedule (owner, "[NY-facility-2031]\nkind=facility\njurisdiction=NY\nrequesters=attorney\n"
                             "effective-from=2031-01-01\neffective-to=2031-03-31\nconfidence=C\n"
                             "citation=Hospital fee policy\npaper=1-:25\n", 0);

  rc = cst_test_cli_run (NULL, &out, &err, "--database", admin, "fee", "schedules", "--expiring",
                         "--date", "2031-02-15", "--json", NULL);
  g_assert_cmpint (rc, ==, 0);
  g_assert_nonnull (strstr (out, "{\"key\":\"NY-facility-2031\",\"version\":1,\"jurisdiction\":\"NY\","
                                 "\"effective_from\":\"2031-01-01\",\"effective_to\":\"2031-03-31\","
                                 "\"confidence\":\"C\",\"ended\":false,\"message\":\"NY ends"));
  g_assert_true (g_str_has_prefix (out, "[") && g_str_has_suffix (out, "]\n"));

  /* Looking 30 days ahead, March 31 is beyond the window. */
  rc = cst_test_cli_run (NULL, &out2, &err2, "--database", admin, "fee", "schedules", "--expiring",
                         "--days", "30", "--date", "2031-02-15", NULL);
  g_assert_cmpint (rc, ==, 0);
  g_assert_null (strstr (out2, "NY-facility-2031"));

  rc = cst_test_cli_run (NULL, &out3, &err3, "fee", "schedules", "--seed-only", "--days", "soon", NULL);
  g_assert_cmpint (rc, ==, 2);
  g_assert_nonnull (strstr (err3, "--days"));
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fee/cli/json", test_json);
  g_test_add_func ("/fee/cli/text-and-refusals", test_text_and_refusals);
  g_test_add_func ("/fee/cli/bad-arguments", test_bad_arguments);
  g_test_add_func ("/fee/cli/database-schedules", test_database_schedules);
  g_test_add_func ("/fee/cli/expiring", test_expiring);
  status = g_test_run ();
  return status;
}
