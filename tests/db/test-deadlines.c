/* test-deadlines.c — the legal clock by state and by who asks (issue 23),
 * as the clerk who logs the requests and the auditor who reads the report:
 * a California patient's request is due in 15 days, a Texas electronic one
 * in 15 business days past Thanksgiving, an Illinois one in 30 with its
 * 30-day extension; an attorney's request under an authorization has no
 * legal deadline and is never late; the extension is refused where the
 * rule has none; the at-risk list, the dashboard and the report's late
 * flags on one request of each kind match a hand computation; and the
 * database's arithmetic agrees with the model's day by day. */
#include "config.h"

#include <string.h>

#include "cst-test-db.h"
#include "cst-test-pdf.h"

static CstTestDb *db;
static char *clerk_info;
static char *auditor_info;

static CstRequest *
add (PGconn           *conn,
     const char       *mrn,
     CstRequesterKind  kind,
     const char       *state,
     CstRecordFormat   format,
     const char       *received)
{
  g_autoptr(CstRequest) draft = cst_request_new ();
  g_autoptr(CstRequest) created = NULL;
  g_autoptr(GError) error = NULL;
  GDate day, birth;

  g_assert_true (cst_input_parse_date (received, &day, NULL));
  g_date_clear (&birth, 1);
  g_date_set_dmy (&birth, 2, 3, 1970);
  g_object_set (draft, "patient-mrn", mrn, "patient-family-name", "Ortega", "patient-given-name", "Lucía",
                "patient-birth-date", &birth, "requester-name", "Requester", "requester-kind", kind,
                "received-date", &day, "jurisdiction", state, "format", format, "purpose", "Records",
                NULL);
  created = cst_request_repo_create (conn, draft, &error);
  g_assert_no_error (error);
  /* The detail, as the request view loads it. */
  return cst_request_repo_get (conn, cst_request_get_id (created), &error);
}

static char *
due_text (CstRequest *request)
{
  return cst_request_has_legal_deadline (request) ? cst_input_format_date (cst_request_get_due_date (request))
                                                  : NULL;
}

static void
assert_due (CstRequest *request,
            const char *rule,
            const char *due)
{
  g_autofree char *text = due_text (request);

  g_assert_cmpstr (cst_request_get_deadline (request)->rule, ==, rule);
  g_assert_cmpstr (text, ==, due);
}

/* Received on Friday 2026-11-20: 15 calendar days, California's, sooner
 * than HIPAA's 30 and said so; no extension to take. */
static void
test_california_friday (void)
{
  g_autoptr(PGconn) conn = cst_db_connect (clerk_info, NULL);
  g_autoptr(CstRequest) request = add (conn, "DL-CA-1", CST_REQUESTER_PATIENT, "CA", CST_FORMAT_PAPER,
                                       "2026-11-20");
  g_autofree char *why = cst_deadline_describe_request (request);
  g_autofree char *why_not = NULL;
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  g_autoptr(CstRequest) extended = NULL;
  g_autoptr(GBytes) notice = NULL;
  g_autoptr(GError) error = NULL;
  GDate on;

  g_assert_cmpint (g_date_get_weekday (cst_request_get_received_date (request)), ==, G_DATE_FRIDAY);
  assert_due (request, "CA-patient@1", "2026-12-05");
  g_assert_cmpstr (cst_request_get_deadline (request)->citation, ==, "Cal. Health & Safety Code 123110(b)");
  g_assert_nonnull (strstr (why, "123110(b) applies: 15 days, sooner than 45 CFR 164.524(b)(2) (30 days)"));
  g_assert_nonnull (strstr (why, "No extension allowed"));

  /* Refused by the model before any notice is made, and by the database. */
  g_assert_false (cst_request_can_extend (request, &why_not));
  g_assert_nonnull (strstr (why_not, "123110(b)"));
  g_assert_true (cst_input_parse_date ("2026-11-25", &on, NULL));
  extended = cst_extension_take (conn, request, &on, "Records off site", "en", NULL, &notice, &error);
  g_assert_null (extended);
  g_assert_null (notice);
  g_assert_error (error, CST_ERROR, CST_ERROR_EXTENSION);
  g_clear_error (&error);
  g_assert_false (cst_db_exec_command (conn,
    "UPDATE roi_requests SET extended_on = '2026-11-25', extension_reason = 'x' WHERE id = $1",
    1, (const char *[]) { id }, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_EXTENSION);
  g_assert_nonnull (strstr (error->message, "allows no extension"));
}

static void
test_texas_business_days (void)
{
  g_autoptr(PGconn) conn = cst_db_connect (clerk_info, NULL);
  g_autoptr(CstRequest) electronic = add (conn, "DL-TX-1", CST_REQUESTER_PATIENT, "TX", CST_FORMAT_ELECTRONIC,
                                          "2026-11-20");
  g_autoptr(CstRequest) paper = add (conn, "DL-TX-2", CST_REQUESTER_PATIENT, "TX", CST_FORMAT_PAPER,
                                     "2026-11-20");
  g_autofree char *why = cst_deadline_describe_request (electronic);

  /* 11-23, 24, 25, (Thanksgiving 26 skipped), 27, 30, 12-1..4, 7..11, 14. */
  assert_due (electronic, "TX-electronic@1", "2026-12-14");
  g_assert_nonnull (strstr (why, "15 business days"));
  /* Paper: HIPAA's 30 calendar days, with its extension. */
  assert_due (paper, "US-HIPAA-access@1", "2026-12-20");
  g_assert_cmpint (cst_request_get_deadline (paper)->extension_days, ==, 30);
}

/* A subpoena is legal process, whoever brings it (issue 23; the model's
 * cst_deadline_class_for() and custodian-cli deadline say so): an
 * attorney's request with the purpose "subpoena" is timed by the
 * legal-process rule, and when a clerk corrects the purpose the request is
 * timed again, by the authorization's rule. */
static void
test_subpoena_is_legal_process (void)
{
  g_autoptr(PGconn) conn = cst_db_connect (clerk_info, NULL);
  g_autoptr(CstRequest) draft = add (conn, "DL-SUB-1", CST_REQUESTER_ATTORNEY, "NY", CST_FORMAT_PAPER,
                                     "2026-11-20");
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (draft));
  g_autoptr(CstRequest) subpoena = NULL;
  g_autoptr(CstRequest) corrected = NULL;
  g_autoptr(GError) error = NULL;

  assert_due (draft, "US-authorization@1", NULL);
  cst_test_db_exec_ok (conn, "UPDATE roi_requests SET purpose_code = 'subpoena' WHERE id = $1", 1, (const char *[]) { id });
  subpoena = cst_request_repo_get (conn, cst_request_get_id (draft), &error);
  g_assert_no_error (error);
  assert_due (subpoena, "US-legal-process@1", NULL);
  cst_test_db_exec_ok (conn, "UPDATE roi_requests SET purpose_code = 'other' WHERE id = $1", 1, (const char *[]) { id });
  corrected = cst_request_repo_get (conn, cst_request_get_id (draft), &error);
  g_assert_no_error (error);
  assert_due (corrected, "US-authorization@1", NULL);
}

/* Illinois: 30 days and one 30-day extension with its notice; received a
 * few days ago, so the extension is taken before the deadline. */
static void
test_illinois_extension (void)
{
  g_autoptr(PGconn) conn = cst_db_connect (clerk_info, NULL);
  g_autoptr(CstRequest) request = NULL;
  g_autoptr(CstRequest) extended = NULL;
  g_autoptr(GBytes) notice = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *received = NULL;
  GDate today, day, expected;

  cst_input_today (&today);
  day = today;
  g_date_subtract_days (&day, 3);
  received = cst_input_format_date (&day);
  request = add (conn, "DL-IL-1", CST_REQUESTER_PATIENT, "IL", CST_FORMAT_PAPER, received);
  g_assert_cmpstr (cst_request_get_deadline (request)->rule, ==, "IL-patient@1");
  expected = day;
  g_date_add_days (&expected, 30);
  g_assert_cmpint (g_date_compare (cst_request_get_due_date (request), &expected), ==, 0);
  g_assert_true (cst_request_can_extend (request, NULL));
  g_date_add_days (&expected, 30);
  g_assert_cmpint (g_date_compare (&cst_request_get_deadline (request)->extension_due, &expected), ==, 0);

  extended = cst_extension_take (conn, request, &today, "Records at the archive", "en", NULL, &notice, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_date_compare (cst_request_get_due_date (extended), &expected), ==, 0);
  g_date_subtract_days (&expected, 30);
  g_assert_cmpint (g_date_compare (&cst_request_get_deadline (extended)->original_due, &expected), ==, 0);
  /* The notice names the governing rule, its date and its extension, not
   * HIPAA's 30 days whatever the state. */
  {
    g_autoptr(PopplerDocument) doc = cst_test_pdf_open (notice);
    g_autofree char *raw = cst_test_pdf_text (doc);
    g_autofree char *text = cst_test_pdf_squash (raw);

    g_assert_nonnull (strstr (text, "Thelaw(735ILCS5/8-2001(b))givesusuntil"));
    g_assert_nonnull (strstr (text, "upto30moredays"));
  }
  /* Only one. */
  g_assert_false (cst_request_can_extend (extended, NULL));
}

typedef struct
{
  const char       *mrn;
  CstRequesterKind  kind;
  const char       *state;
  CstRecordFormat   format;
  const char       *received;
  const char       *disclosed;
  /* Hand-computed: */
  const char       *rule;
  const char       *due;
  CstDueState       state_on_dec_1;
  gboolean          late;
  gint64            id;
} Seeded;

/* One request of each kind; "as of" 2026-12-01. */
static Seeded seeded[] = {
  /* 15 calendar days: due the as-of day, released the day after. */
  { "DL-S-CA", CST_REQUESTER_PATIENT, "CA", CST_FORMAT_PAPER, "2026-11-16", "2026-12-02",
    "CA-patient@1", "2026-12-01", CST_DUE_SOON, TRUE, 0 },
  /* 15 business days past Thanksgiving. */
  { "DL-S-TX", CST_REQUESTER_PATIENT, "TX", CST_FORMAT_ELECTRONIC, "2026-11-20", "2026-12-04",
    "TX-electronic@1", "2026-12-14", CST_DUE_ON_TRACK, FALSE, 0 },
  /* An attorney in New York: no legal deadline, 64 days is not late. */
  { "DL-S-NY", CST_REQUESTER_ATTORNEY, "NY", CST_FORMAT_PAPER, "2026-10-01", "2026-12-04",
    "US-authorization@1", NULL, CST_DUE_NO_DEADLINE, FALSE, 0 },
  /* HIPAA's length, Illinois' rule: due 11-29, released 11-30. */
  { "DL-S-IL", CST_REQUESTER_PATIENT, "IL", CST_FORMAT_PAPER, "2026-10-30", "2026-11-30",
    "IL-patient@1", "2026-11-29", CST_DUE_OVERDUE, TRUE, 0 },
  /* Washington's working days skip the Friday after Thanksgiving too:
   * 12-08, where the federal calendar would say 12-07. */
  { "DL-S-WA", CST_REQUESTER_PERSONAL_REPRESENTATIVE, "WA", CST_FORMAT_PAPER, "2026-11-13", "2026-12-08",
    "WA-patient@1", "2026-12-08", CST_DUE_ON_TRACK, FALSE, 0 },
  /* Ohio sets third parties 30 business days (Veterans Day, Thanksgiving). */
  { "DL-S-OH", CST_REQUESTER_INSURER, "OH", CST_FORMAT_PAPER, "2026-10-15", "2026-12-01",
    "OH-all@1", "2026-11-30", CST_DUE_OVERDUE, TRUE, 0 },
  /* An attorney in California: none either. */
  { "DL-S-CA2", CST_REQUESTER_ATTORNEY, "CA", CST_FORMAT_PAPER, "2026-09-01", "2026-12-01",
    "US-authorization@1", NULL, CST_DUE_NO_DEADLINE, FALSE, 0 },
};

static void
plant_release (PGconn *owner,
               Seeded *s)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, s->id);
  const char *params[] = { id, s->disclosed };

  cst_test_db_exec_ok (owner,
    "INSERT INTO invoices (request_id, method, jurisdiction, received_date, quoted_cents, total_cents,"
    "                      lines, justification)"
    " SELECT id, 'no-charge', jurisdiction, received_date, 0, 0, '[]', '{}' FROM roi_requests WHERE id = $1",
    1, params);
  cst_test_db_exec_ok (owner,
    "INSERT INTO disclosures (patient_id, request_id, disclosed_on, recipient_name, phi_description,"
    "                         purpose_statement)"
    " SELECT patient_id, id, $2, 'Recipient', 'Records', 'Request' FROM roi_requests WHERE id = $1",
    2, params);
}

static gboolean
collect_flags (const CstFeeReportRow *row,
               gpointer               user_data,
               GError               **error)
{
  g_hash_table_insert (user_data, GINT_TO_POINTER ((int) row->request_id),
                       GUINT_TO_POINTER (row->flags | 0x80000000u));
  /* Every late flag names the rule it was measured against. */
  g_assert_nonnull (row->deadline_citation);
  return TRUE;
}

static void
test_each_kind (void)
{
  g_autoptr(PGconn) clerk = cst_db_connect (clerk_info, NULL);
  g_autoptr(PGconn) auditor = cst_db_connect (auditor_info, NULL);
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(GHashTable) flags = g_hash_table_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  CstFeeReportFilter filter = { 0 };
  CstDashboard *dashboard;
  GDate as_of;
  guint n_at_risk = 0;

  g_assert_true (cst_input_parse_date ("2026-12-01", &as_of, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (seeded); i++)
    {
      Seeded *s = &seeded[i];
      g_autoptr(CstRequest) request = add (clerk, s->mrn, s->kind, s->state, s->format, s->received);
      CstDueState state = cst_request_due_state_on (request, &as_of);

      s->id = cst_request_get_id (request);
      g_test_message ("%s", s->mrn);
      assert_due (request, s->rule, s->due);
      g_assert_cmpint (state, ==, s->state_on_dec_1);
      /* The at-risk list and the morning summary: due soon or overdue. */
      n_at_risk += cst_due_state_is_at_risk (state);
      g_assert_cmpint (cst_due_state_is_at_risk (state), ==,
                       s->state_on_dec_1 == CST_DUE_SOON || s->state_on_dec_1 == CST_DUE_OVERDUE);
      plant_release (owner, s);
    }
  g_assert_cmpuint (n_at_risk, ==, 3);
  /* The database's at-risk never counts a request without a deadline. */
  g_assert_cmpint (cst_test_db_int (clerk,
    "SELECT count(*) FROM roi_request_clocks c JOIN roi_requests r ON r.id = c.id"
    " WHERE c.at_risk AND r.due_date IS NULL", 0, NULL), ==, 0);
  g_assert_cmpint (cst_test_db_int (clerk,
    "SELECT count(*) FROM roi_request_clocks WHERE legal_due_date IS NULL AND deadline_citation = '45 CFR 164.508'",
    0, NULL), ==, 2);

  /* The dashboard as of 12-01: overdue IL and OH; due this week CA. */
  dashboard = cst_dashboard_load (auditor, &as_of, &error);
  g_assert_no_error (error);
  g_assert_cmpint (dashboard->overdue, ==, 2);
  g_assert_cmpint (dashboard->due_this_week, ==, 1);
  cst_dashboard_free (dashboard);

  /* The auditor's report: late exactly where hand-computed. */
  g_assert_true (cst_input_parse_date ("2026-09-01", &filter.from, NULL));
  g_assert_true (cst_input_parse_date ("2026-11-30", &filter.to, NULL));
  g_assert_true (cst_fee_report_run (auditor, &filter, collect_flags, flags, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (seeded); i++)
    {
      guint row_flags = GPOINTER_TO_UINT (g_hash_table_lookup (flags, GINT_TO_POINTER ((int) seeded[i].id)));

      g_test_message ("%s flags %x", seeded[i].mrn, row_flags);
      g_assert_cmpuint (row_flags & 0x80000000u, !=, 0);
      g_assert_cmpint (!!(row_flags & CST_FEE_REPORT_FLAG_RELEASED_LATE), ==, seeded[i].late);
    }
}

/* roi_deadline_add_days() and cst_deadline_add_days() agree on every
 * start day of 2024-2030, for the counts the rules use. */
static void
test_sql_agrees_with_model (void)
{
  g_autoptr(PGconn) conn = cst_db_connect (clerk_info, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT d::date::text, c.calendar, c.days, roi_deadline_add_days(d::date, c.days, true, c.calendar)::text"
    "  FROM generate_series(DATE '2024-01-01', DATE '2030-12-31', interval '1 day') d,"
    "       (VALUES ('federal', 1), ('federal', 15), ('WA', 15)) c (calendar, days)",
    0, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (PQntuples (res), ==, 2557 * 3);
  for (int row = 0; row < PQntuples (res); row++)
    {
      GDate start, due;
      g_autofree char *text = NULL;
      gboolean wa = g_str_equal (cst_db_value (res, row, 1), "WA");

      g_assert_true (cst_input_parse_date (cst_db_value (res, row, 0), &start, NULL));
      cst_deadline_add_days (&start, (guint) cst_db_int64 (res, row, 2), TRUE,
                             wa ? CST_DEADLINE_HOLIDAYS_WA : CST_DEADLINE_HOLIDAYS_FEDERAL, &due);
      text = cst_input_format_date (&due);
      if (g_strcmp0 (text, cst_db_value (res, row, 3)) != 0)
        g_error ("%s + %s %s business days: model %s, database %s", cst_db_value (res, row, 0),
                 cst_db_value (res, row, 2), cst_db_value (res, row, 1), text, cst_db_value (res, row, 3));
    }
}

/* Requests opened before migration 0059 (all on HIPAA's 30 days, no rule):
 * applying the migrations times the open ones by their received date; a
 * closed one keeps the due date it was closed with. */
static void
test_open_requests_timed_by_migration (void)
{
  g_autoptr(PGconn) clerk = cst_db_connect (clerk_info, NULL);
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(CstRequest) open = add (clerk, "DL-OLD-1", CST_REQUESTER_PATIENT, "CA", CST_FORMAT_PAPER, "2026-11-02");
  g_autoptr(CstRequest) closed = add (clerk, "DL-OLD-2", CST_REQUESTER_PATIENT, "CA", CST_FORMAT_PAPER, "2026-11-02");
  g_autoptr(CstRequest) reloaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *open_id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (open));
  g_autofree char *closed_id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (closed));

  cst_test_db_exec_ok (owner, "ALTER TABLE roi_requests DISABLE TRIGGER roi_requests_before_update", 0, NULL);
  cst_test_db_exec_ok (owner,
    "UPDATE roi_requests SET deadline_rule_id = NULL, deadline_compared_rule_id = NULL,"
    " original_due_date = NULL, due_date = received_date + 30,"
    " status = CASE WHEN id = $2 THEN 'cancelled'::roi_status ELSE status END,"
    " status_reason = CASE WHEN id = $2 THEN 'Withdrawn' END"
    " WHERE id IN ($1, $2)", 2, (const char *[]) { open_id, closed_id });
  cst_test_db_exec_ok (owner, "ALTER TABLE roi_requests ENABLE TRIGGER roi_requests_before_update", 0, NULL);

  g_assert_true (cst_migrations_apply (owner, NULL, &error));
  g_assert_no_error (error);
  reloaded = cst_request_repo_get (clerk, cst_request_get_id (open), &error);
  assert_due (reloaded, "CA-patient@1", "2026-11-17");
  g_clear_object (&reloaded);
  reloaded = cst_request_repo_get (clerk, cst_request_get_id (closed), &error);
  assert_due (reloaded, NULL, "2026-12-02");
}

/* The stored rules are the shipped ones, and a saved version never changes. */
static void
test_rules_stored (void)
{
  g_autoptr(PGconn) conn = cst_db_connect (clerk_info, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CstDeadlineRuleSet) stored = cst_deadline_repo_load_rules (conn, &error);
  g_autoptr(CstDeadlineRuleSet) seed = cst_deadline_rule_set_new_from_seed (NULL);

  g_assert_no_error (error);
  g_assert_cmpuint (cst_deadline_rule_set_get_rules (stored)->len, ==, cst_deadline_rule_set_get_rules (seed)->len);
  g_assert_false (cst_db_exec_command (conn, "UPDATE deadline_rules SET days = 30", 0, NULL, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  /* An administrator may save a new version, never one that overlaps
   * another rule for the same requesters. */
  {
    g_autofree char *admin_info = cst_test_db_create_login (db, "custodian_admin");
    g_autoptr(PGconn) admin = cst_db_connect (admin_info, NULL);

    g_assert_false (cst_db_exec_command (admin,
      "INSERT INTO deadline_rules (rule_key, version, jurisdiction, classes, formats, effective_from,"
      " days, confidence, citation) VALUES ('CA-other', 1, 'CA', '{individual}', '{paper}', '2026-01-01',"
      " 10, 'U', 'Overlapping reading')", 0, NULL, &error));
    g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
    g_assert_nonnull (strstr (error->message, "CA-patient"));
  }
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  db = cst_test_db_new ();
  clerk_info = cst_test_db_create_login (db, "custodian_clerk");
  auditor_info = cst_test_db_create_login (db, "custodian_auditor");
  /* First: the dashboard counts every request in the database. */
  g_test_add_func ("/deadlines/each-kind", test_each_kind);
  g_test_add_func ("/deadlines/california-friday", test_california_friday);
  g_test_add_func ("/deadlines/texas-business-days", test_texas_business_days);
  g_test_add_func ("/deadlines/illinois-extension", test_illinois_extension);
  g_test_add_func ("/deadlines/subpoena-is-legal-process", test_subpoena_is_legal_process);
  g_test_add_func ("/deadlines/sql-agrees-with-model", test_sql_agrees_with_model);
  g_test_add_func ("/deadlines/rules-stored", test_rules_stored);
  g_test_add_func ("/deadlines/open-requests-timed-by-migration", test_open_requests_timed_by_migration);
  status = g_test_run ();
  g_free (clerk_info);
  g_free (auditor_info);
  cst_test_db_free (db);
  return status;
}
