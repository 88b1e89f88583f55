/* test-migrations.c — from empty, re-run, concurrent, status */
#include "config.h"

#include <unistd.h>

#include "cst-test-cli.h"
#include "cst-test-db.h"

/* A database with nothing in it, not even the migrations. */
static char *
create_empty_database (void)
{
  static guint counter;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) admin = cst_db_connect ("dbname=postgres", &error);
  g_autofree char *name = g_strdup_printf ("cst_mig_%d_%u", (int) getpid (), counter++);
  g_autofree char *sql = g_strdup_printf ("CREATE DATABASE %s", name);

  g_assert_no_error (error);
  g_assert_true (cst_db_exec_command (admin, sql, 0, NULL, &error));
  return g_strdup_printf ("dbname=%s", name);
}

static void
test_from_empty_and_rerun (void)
{
  g_autofree char *conninfo = create_empty_database ();
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, NULL);
  g_autoptr(GPtrArray) available = cst_migrations_list_available (NULL);
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GError) error = NULL;
  guint applied = 0;

  g_assert_nonnull (available);
  g_assert_cmpuint (available->len, >=, 2);

  before = cst_migrations_status (conn, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < before->len; i++)
    g_assert_false (((CstMigrationStatus *) g_ptr_array_index (before, i))->applied);

  g_assert_true (cst_migrations_apply (conn, &applied, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (applied, ==, available->len);

  g_assert_true (cst_migrations_apply (conn, &applied, &error));
  g_assert_cmpuint (applied, ==, 0);

  after = cst_migrations_status (conn, &error);
  for (guint i = 0; i < after->len; i++)
    {
      CstMigrationStatus *m = g_ptr_array_index (after, i);
      g_assert_true (m->applied);
      g_assert_nonnull (m->applied_at);
    }
  /* The schema is really there. */
  {
    g_autoptr(PGresult) res = cst_db_exec (conn,
      "SELECT count(*) FROM jurisdictions", 0, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (cst_db_int64 (res, 0, 0), ==, 56);
  }
}

/* The C list of jurisdictions and the table agree. */
static void
test_jurisdictions_agree (void)
{
  g_autoptr(CstTestDb) db = cst_test_db_new ();
  g_autoptr(PGconn) conn = cst_test_db_connect (db);
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = cst_db_exec (conn, "SELECT code FROM jurisdictions", 0, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (PQntuples (res), ==, g_strv_length ((GStrv) cst_input_list_jurisdictions ()));
  for (int i = 0; i < PQntuples (res); i++)
    g_assert_true (cst_input_is_jurisdiction (PQgetvalue (res, i, 0)));
}

typedef struct
{
  const char *conninfo;
  guint       applied;
  GError     *error;
} Runner;

static gpointer
run_migrations (gpointer data)
{
  Runner *runner = data;
  g_autoptr(PGconn) conn = cst_db_connect (runner->conninfo, &runner->error);

  if (conn != NULL)
    cst_migrations_apply (conn, &runner->applied, &runner->error);
  return NULL;
}

/* Two app instances starting at once: each migration runs exactly once. */
static void
test_concurrent (void)
{
  g_autofree char *conninfo = create_empty_database ();
  g_autoptr(GPtrArray) available = cst_migrations_list_available (NULL);
  Runner a = { conninfo, 0, NULL }, b = { conninfo, 0, NULL };
  GThread *ta = g_thread_new ("a", run_migrations, &a);
  GThread *tb = g_thread_new ("b", run_migrations, &b);

  g_thread_join (ta);
  g_thread_join (tb);
  g_assert_no_error (a.error);
  g_assert_no_error (b.error);
  g_assert_cmpuint (a.applied + b.applied, ==, available->len);
}

/* Runs `custodian-cli db COMMAND [ARG1 [ARG2]]`, dropping the previous
 * output. */
static int
db_command (const char  *conninfo,
            char       **out,
            char       **err,
            const char  *command,
            const char  *arg1,
            const char  *arg2)
{
  g_clear_pointer (out, g_free);
  g_clear_pointer (err, g_free);
  return cst_test_cli_run (conninfo, out, err, "db", command, arg1, arg2, NULL);
}

/* custodian-cli's db commands on a database that starts empty: what each
 * prints and its exit status, from pending to migrated to demo data. */
static void
test_cli (void)
{
  g_autofree char *conninfo = create_empty_database ();
  g_autoptr(GPtrArray) available = cst_migrations_list_available (NULL);
  g_autofree char *pending_line = g_strdup_printf ("%u migrations are pending; run “custodian-cli db migrate”.\n",
                                                   available->len);
  g_autofree char *applied_line = g_strdup_printf ("Applied %u migrations.\n", available->len);
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (db_command (conninfo, &out, &err, "status", NULL, NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "Database: "));
  g_assert_nonnull (strstr (out, "  0001  "));
  g_assert_true (g_str_has_suffix (out, pending_line));

  /* Demo rows are refused until the schema is current. */
  g_assert_cmpint (db_command (conninfo, &out, &err, "seed-demo", "-n", "3"), ==, 1);
  g_assert_cmpstr (out, ==, "");
  g_assert_cmpstr (err, ==, "custodian-cli: the database schema is not up to date; "
                            "run “custodian-cli db migrate” first.\n");

  g_assert_cmpint (db_command (conninfo, &out, &err, "migrate", NULL, NULL), ==, 0);
  g_assert_cmpstr (out, ==, applied_line);
  g_assert_cmpint (db_command (conninfo, &out, &err, "migrate", NULL, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "The database schema is up to date.\n");
  g_assert_cmpint (db_command (conninfo, &out, &err, "status", NULL, NULL), ==, 0);
  g_assert_true (g_str_has_suffix (out, "The database schema is up to date.\n"));
  g_assert_null (strstr (out, "pending"));

  g_assert_cmpint (db_command (conninfo, &out, &err, "seed-demo", "-n", "3"), ==, 0);
  g_assert_true (g_str_has_prefix (out, "Added 3 demo requests.\nIssued "));
  /* One hospital alone: no schedule of its own is made up for it. */
  {
    g_autoptr(PGconn) conn = cst_db_connect (conninfo, NULL);

    g_assert_cmpint (cst_test_db_int (conn, "SELECT count(*) FROM fee_schedules WHERE kind = 'facility'",
                                      0, NULL), ==, 0);
    g_assert_cmpint (cst_test_db_int (conn, "SELECT count(*) FROM facilities WHERE fee_schedule_key IS NOT NULL",
                                      0, NULL), ==, 0);
  }
  g_assert_cmpint (db_command (conninfo, &out, &err, "seed-demo", "--if-empty", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "The database already holds requests; no demo data added.\n");

  /* A database that cannot be reached: exit 1, the reason on stderr. */
  g_assert_cmpint (db_command ("dbname=cst_no_such_database", &out, &err, "status", NULL, NULL), ==, 1);
  g_assert_true (g_str_has_prefix (err, "custodian-cli: "));
}

static gint64
count_where (PGconn     *conn,
             const char *sql)
{
  return cst_test_db_int (conn, sql, 0, NULL);
}

/* db seed-demo --facilities 3: the default facility and two demo ones in
 * other states, each with requests at several steps, numbered with its
 * prefix and under its state's law (the default's too); run again, no facility is added
 * twice.  Out of range is a usage error. */
static void
test_cli_demo_facilities (void)
{
  g_autofree char *conninfo = create_empty_database ();
  g_autoptr(PGconn) conn = NULL;
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (db_command (conninfo, &out, &err, "migrate", NULL, NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cst_test_cli_run (conninfo, &out, &err, "db", "seed-demo", "-n", "60",
                                     "--facilities", "3", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "Added 60 demo requests.\nIssued "));

  conn = cst_db_connect (conninfo, NULL);
  g_assert_nonnull (conn);
  g_assert_cmpint (count_where (conn, "SELECT count(*) FROM facilities"), ==, 3);
  g_assert_cmpint (count_where (conn, "SELECT count(DISTINCT default_state) FROM facilities"), ==, 3);
  /* Every facility has requests, at more than one step of the workflow. */
  g_assert_cmpint (count_where (conn, "SELECT count(*) FROM facilities f WHERE"
                                      " (SELECT count(DISTINCT status) FROM roi_requests r"
                                      "  WHERE r.facility_id = f.id) >= 3"), ==, 3);
  g_assert_cmpint (count_where (conn, "SELECT count(*) FROM roi_requests r JOIN facilities f"
                                      " ON f.id = r.facility_id WHERE r.jurisdiction <> f.default_state"
                                      " OR (NOT f.is_default AND r.reference NOT LIKE f.request_prefix || '-%')"),
                   ==, 0);
  g_assert_cmpint (count_where (conn, "SELECT count(*) FROM roi_requests"), ==, 60);

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cst_test_cli_run (conninfo, &out, &err, "db", "seed-demo", "-n", "6",
                                     "--facilities", "3", NULL), ==, 0);
  g_assert_cmpint (count_where (conn, "SELECT count(*) FROM facilities"), ==, 3);
  g_assert_cmpint (count_where (conn, "SELECT count(*) FROM roi_requests"), ==, 66);

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cst_test_cli_run (conninfo, &out, &err, "db", "seed-demo",
                                     "--facilities", "21", NULL), !=, 0);
  g_assert_nonnull (strstr (err, "--facilities must be between 1 and 20"));
}

/* A paper copy of request @id, quoted as its facility would quote it: with
 * its state, requester, purpose and date, and the facility's own schedule
 * (@own_key, NULL for none).  Paper, because the format a state schedule
 * leaves out is refused whatever the facility has. */
static CstFeeQuote *
quote_on_paper (PGconn            *conn,
                CstFeeScheduleSet *schedules,
                gint64             id,
                const char        *own_key,
                GError           **error)
{
  g_autoptr(CstRequest) request = cst_request_repo_get (conn, id, error);
  CstFeeRequest fee_request;

  if (request == NULL ||
      !cst_request_fee_fill (request, CST_FEE_METHOD_DEFAULT, &fee_request, error) ||
      !cst_fee_request_set_facility_schedule (&fee_request, own_key, error))
    return NULL;
  fee_request.format = CST_FEE_FORMAT_PAPER;
  fee_request.maintained_electronically = FALSE;
  fee_request.pages = 10;
  return cst_fee_engine_quote (schedules, &fee_request, error);
}

/* The citation of @quote's first line. */
static const char *
first_citation (const CstFeeQuote *quote)
{
  g_assert_cmpuint (cst_fee_quote_get_n_lines (quote), >, 0);
  return cst_fee_line_get_citation (cst_fee_quote_get_line (quote, 0));
}

/* @quote priced by the facility's own schedule @own_key (NULL: none). */
static gboolean
priced_by_own (const CstFeeQuote *quote,
               const char        *own_key)
{
  g_autofree char *prefix = NULL;

  if (own_key == NULL)
    return FALSE;
  prefix = g_strconcat (own_key, "@", NULL);
  if (!g_str_has_prefix (cst_fee_quote_get_schedule_version (quote), prefix))
    return FALSE;
  g_assert_nonnull (strstr (first_citation (quote), "fee policy"));
  g_assert_nonnull (strstr (first_citation (quote), "not state law"));
  return TRUE;
}

/* Every facility of the twenty quotes every kind of requester the demo
 * has (the personal representative's is the patient's), on paper, for
 * purpose "other", with its own schedule: a third party's in New York,
 * California, North Carolina and the nine states for which Custodian
 * holds no fee schedule is priced by the facility's own, cited as its
 * policy, not as state law. */
static void
assert_every_requester_quoted (PGconn            *conn,
                               CstFeeScheduleSet *schedules)
{
  static const CstFeeRequester kinds[] = {
    CST_FEE_REQUESTER_PATIENT, CST_FEE_REQUESTER_ATTORNEY, CST_FEE_REQUESTER_INSURER,
    CST_FEE_REQUESTER_PROVIDER, CST_FEE_REQUESTER_GOVERNMENT, CST_FEE_REQUESTER_OTHER,
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = cst_db_exec (conn, "SELECT code, default_state, fee_schedule_key FROM facilities",
                                         0, NULL, &error);
  guint by_own = 0;

  g_assert_no_error (error);
  for (int row = 0; row < PQntuples (res); row++)
    for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
      {
        const char *own_key = PQgetisnull (res, row, 2) ? NULL : PQgetvalue (res, row, 2);
        g_autoptr(CstFeeQuote) quote = NULL;
        CstFeeRequest request;

        cst_fee_request_init (&request);
        g_assert_true (cst_fee_request_set_jurisdiction (&request, PQgetvalue (res, row, 1), &error));
        g_assert_true (cst_fee_request_set_facility_schedule (&request, own_key, &error));
        request.requester = kinds[k];
        request.pages = 10;
        quote = cst_fee_engine_quote (schedules, &request, &error);
        if (quote == NULL)
          g_test_message ("%s, %s: %s", PQgetvalue (res, row, 0), cst_fee_requester_to_nick (kinds[k]),
                          error->message);
        g_assert_no_error (error);
        by_own += priced_by_own (quote, own_key);
      }
  /* Five kinds of third party at each of the twelve facilities with a
   * schedule of their own; the individuals' under HIPAA. */
  g_assert_cmpuint (by_own, ==, 12 * 5);
}

/* Every demo request, as a paper copy, quoted as its facility quotes it
 * (its own date, requester and purpose). */
static void
assert_every_request_quoted (PGconn            *conn,
                             CstFeeScheduleSet *schedules)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = cst_db_exec (conn, "SELECT r.id, f.fee_schedule_key FROM roi_requests r"
                                               " JOIN facilities f ON f.id = r.facility_id", 0, NULL, &error);
  guint by_own = 0;

  g_assert_no_error (error);
  for (int row = 0; row < PQntuples (res); row++)
    {
      const char *own_key = PQgetisnull (res, row, 1) ? NULL : PQgetvalue (res, row, 1);
      g_autoptr(CstFeeQuote) quote = quote_on_paper (conn, schedules, cst_db_int64 (res, row, 0), own_key,
                                                     &error);

      g_assert_no_error (error);
      by_own += priced_by_own (quote, own_key);
    }
  g_assert_cmpuint (by_own, >, 0);
}

/* db seed-demo --facilities 20, the issue's health system: twenty
 * facilities in twenty states, each with requests at several steps, all
 * in its own state, and each able to quote every kind of requester it has
 * (assert_every_requester_quoted, assert_every_request_quoted); a clerk granted one of them, logged in
 * as the ordinary login, lists only that facility's requests and its own
 * patients' invoices.  Before, twenty facilities shared eleven states and
 * a third party's request in New York, California or North Carolina could
 * not be quoted. */
static void
test_cli_demo_twenty_facilities (void)
{
  g_autofree char *conninfo = create_empty_database ();
  CstTestDb db = { .name = conninfo + strlen ("dbname="), .conninfo = conninfo };
  g_autofree char *clerk_conninfo = NULL;
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *clerk_login = NULL;
  g_autofree char *facility_id = NULL;
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(PGconn) clerk = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstFeeScheduleSet) schedules = NULL;
  const char *twentieth[] = { "DEMO-MN" };

  g_assert_cmpint (db_command (conninfo, &out, &err, "migrate", NULL, NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cst_test_cli_run (conninfo, &out, &err, "db", "seed-demo", "-n", "200",
                                     "--facilities", "20", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "Added 200 demo requests.\nIssued "));

  conn = cst_db_connect (conninfo, NULL);
  g_assert_nonnull (conn);
  g_assert_cmpint (count_where (conn, "SELECT count(*) FROM facilities"), ==, 20);
  g_assert_cmpint (count_where (conn, "SELECT count(DISTINCT default_state) FROM facilities"), ==, 20);
  g_assert_cmpint (count_where (conn, "SELECT count(*) FROM facilities f WHERE"
                                      " (SELECT count(DISTINCT status) FROM roi_requests r"
                                      "  WHERE r.facility_id = f.id) >= 3"), ==, 20);
  g_assert_cmpint (count_where (conn, "SELECT count(*) FROM roi_requests r JOIN facilities f"
                                      " ON f.id = r.facility_id WHERE r.jurisdiction <> f.default_state"), ==, 0);
  schedules = cst_fee_repo_load_schedules (conn, &error);
  g_assert_no_error (error);
  assert_every_requester_quoted (conn, schedules);
  assert_every_request_quoted (conn, schedules);
  /* Each facility's own schedule is its own, and says it is not law. */
  g_assert_cmpint (count_where (conn, "SELECT count(DISTINCT fee_schedule_key) FROM facilities"), ==, 12);
  g_assert_cmpint (count_where (conn, "SELECT count(*) FROM fee_schedules WHERE kind = 'facility'"
                                      " AND citation NOT LIKE '%not state law%'"), ==, 0);
  /* The demo's invoices include third parties' priced so. */
  g_assert_cmpint (count_where (conn, "SELECT count(*) FROM invoices i JOIN roi_requests r ON r.id = i.request_id"
                                      " JOIN facilities f ON f.id = r.facility_id"
                                      " WHERE i.schedule_version LIKE f.fee_schedule_key || '@%'"), >, 0);
  /* Seeded again: nothing installed or chosen twice. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cst_test_cli_run (conninfo, &out, &err, "db", "seed-demo", "-n", "20",
                                     "--facilities", "20", NULL), ==, 0);
  g_assert_cmpint (count_where (conn, "SELECT count(*) FROM fee_schedules WHERE kind = 'facility'"), ==, 12);

  clerk_conninfo = cst_test_db_create_login (&db, "custodian_clerk");
  clerk_login = g_strdup (strstr (clerk_conninfo, "user=") + strlen ("user="));
  g_assert_true (cst_facility_set_member (conn, clerk_login, twentieth[0], TRUE, &error));
  g_assert_no_error (error);
  facility_id = g_strdup_printf ("%" G_GINT64_FORMAT,
                                 cst_test_db_int (conn, "SELECT id FROM facilities WHERE code = $1",
                                                  1, twentieth));
  clerk = cst_test_connect (clerk_conninfo);
  g_assert_cmpint (cst_test_db_int (clerk, "SELECT count(*) FROM roi_requests", 0, NULL), ==,
                   cst_test_db_int (conn, "SELECT count(*) FROM roi_requests WHERE facility_id = $1",
                                    1, (const char *[]) { facility_id }));
  g_assert_cmpint (cst_test_db_int (clerk, "SELECT count(*) FROM roi_requests", 0, NULL), >, 0);
  g_assert_cmpint (cst_test_db_int (clerk, "SELECT count(*) FROM invoices WHERE facility_id <> $1",
                                    1, (const char *[]) { facility_id }), ==, 0);
  g_assert_cmpint (cst_test_db_int (conn, "SELECT count(*) FROM invoices WHERE facility_id <> $1",
                                    1, (const char *[]) { facility_id }), >, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/migrations/from-empty-and-rerun", test_from_empty_and_rerun);
  g_test_add_func ("/migrations/jurisdictions-agree", test_jurisdictions_agree);
  g_test_add_func ("/migrations/concurrent", test_concurrent);
  g_test_add_func ("/migrations/cli", test_cli);
  g_test_add_func ("/migrations/cli-demo-facilities", test_cli_demo_facilities);
  g_test_add_func ("/migrations/cli-demo-twenty-facilities", test_cli_demo_twenty_facilities);
  return g_test_run ();
}
