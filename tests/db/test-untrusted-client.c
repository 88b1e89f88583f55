/* test-untrusted-client.c — what an ordinary login can no longer make the
 * server believe (issue 25, migration 0058), tried as the logins that
 * did it: a clerk or billing login writing an invoice of its own
 * choosing, and an auditor forging the application's events.  Also that
 * the fee report catches an invoice that is not as quoted, and that the
 * history and the evidence pack say which events only the application
 * vouches for. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "cst-test-cli.h"
#include "cst-test-db.h"
#include "cst-test-pdf.h"

static CstTestDb *db;

/* $999,999.00 "as quoted", the amount of the issue's finding. */
#define LIE_CENTS "99999900"

static PGconn *
login (const char *role)
{
  g_autofree char *info = cst_test_db_create_login (db, role);
  PGconn *conn = cst_db_connect (info, NULL);

  g_assert_nonnull (conn);
  return conn;
}

/* The patient's own request in New York, received today, with its
 * pages counted (set-up, as the owner). */
static CstRequest *
add_request (PGconn     *owner,
             const char *mrn,
             int         pages)
{
  g_autoptr(CstRequest) request = cst_test_db_add_request (owner, mrn);
  g_autofree char *id = cst_db_int_param (cst_request_get_id (request));
  g_autofree char *count = g_strdup_printf ("%d", pages);
  g_autoptr(GError) error = NULL;
  CstRequest *counted;

  cst_test_db_exec_ok (owner, "UPDATE roi_requests SET page_count = $2::int WHERE id = $1", 2,
                       (const char *[]) { id, count });
  counted = cst_request_repo_get (owner, cst_request_get_id (request), &error);
  g_assert_no_error (error);
  return counted;
}

static CstFeeQuote *
quote_for (PGconn     *conn,
           CstRequest *request)
{
  g_autoptr(CstFeeScheduleSet) set = cst_fee_repo_load_schedules (conn, NULL);
  g_autoptr(GError) error = NULL;
  CstFeeRequest fee;
  CstFeeQuote *quote;

  g_assert_nonnull (set);
  g_assert_true (cst_request_fee_fill (request, CST_FEE_METHOD_DEFAULT, &fee, &error));
  quote = cst_fee_engine_quote (set, &fee, &error);
  g_assert_no_error (error);
  return quote;
}

/* Calls issue_invoice() itself, as a client that says what it likes
 * would: @inputs, @method and the amounts as given, lines that add up. */
static gboolean
issue_raw (PGconn      *conn,
           gint64       request_id,
           const char  *inputs,
           const char  *method,
           const char  *quoted,
           const char  *total,
           const char  *reason,
           GError     **error)
{
  g_autofree char *id = cst_db_int_param (request_id);
  const char *params[] = { id, inputs, method, quoted, total, reason };

  return cst_db_exec_command (conn,
    "SELECT issue_invoice($1, $2::jsonb, $3, NULL, $4::bigint, $5::bigint, false,"
    " jsonb_build_array(jsonb_build_object('rule', 'made-up', 'amount_cents', $4::bigint)),"
    " '{}', $6)", G_N_ELEMENTS (params), params, error);
}

/* The finding as it was made: a clerk's or billing's login inserting an
 * invoice of $999,999.00 with no reason.  Now only the owner may insert. */
static void
test_direct_insert_refused (void)
{
  static const char *const roles[] = { "custodian_clerk", "custodian_billing", "custodian_admin",
                                       "custodian_auditor" };
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(CstRequest) request = add_request (owner, "UNTRUSTED-INSERT", 12);
  g_autofree char *id = cst_db_int_param (cst_request_get_id (request));

  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    {
      g_autoptr(PGconn) conn = login (roles[i]);
      g_autoptr(GError) error = NULL;

      g_assert_false (cst_db_exec_command (conn,
        "INSERT INTO invoices (request_id, method, jurisdiction, received_date, quoted_cents,"
        " total_cents, lines, justification)"
        " VALUES ($1, 'state-schedule', 'CA', '2000-01-01', " LIE_CENTS ", " LIE_CENTS ","
        " '[{\"amount_cents\": " LIE_CENTS "}]', '{}')", 1, (const char *[]) { id }, &error));
      g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
    }
  g_assert_cmpint (cst_test_db_int_for_id (owner, "SELECT count(*) FROM invoices WHERE request_id = $1",
                                           cst_request_get_id (request)), ==, 0);
}

/* A released, denied or cancelled request takes no new invoice, neither
 * through the model nor by calling the function. */
static void
test_closed_request_refused (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) clerk = login ("custodian_clerk");
  g_autoptr(PGconn) billing = login ("custodian_billing");
  g_autoptr(CstRequest) request = add_request (owner, "UNTRUSTED-CLOSED", 12);
  g_autoptr(CstRequest) ready = cst_test_db_move_along (clerk, g_object_ref (request), CST_STATUS_READY);
  g_autoptr(CstRelease) release = NULL;
  g_autoptr(CstFeeQuote) quote = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *inputs = NULL;
  CstDocumentOptions options = { .paper = CST_PDF_PAPER_LETTER };

  release = cst_release_run (clerk, ready, "en", &options, &error);
  g_assert_no_error (error);
  g_object_set (release->request, "page-count", 12, NULL);
  quote = quote_for (clerk, release->request);
  inputs = cst_fee_request_to_json (cst_fee_quote_get_request (quote));
  g_assert_null (cst_fee_repo_issue_invoice (clerk, cst_request_get_id (request), quote, CST_FEE_UNSET,
                                             NULL, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_CLOSED);
  g_clear_error (&error);
  g_assert_false (issue_raw (billing, cst_request_get_id (request), inputs,
                             cst_fee_method_to_nick (cst_fee_quote_get_method (quote)),
                             LIE_CENTS, LIE_CENTS, NULL, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_CLOSED);
  g_clear_error (&error);

  /* Denied and cancelled are closed too. */
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *mrn = g_strdup_printf ("UNTRUSTED-CLOSED-%u", i);
      g_autoptr(CstRequest) other = add_request (owner, mrn, 12);
      g_autofree char *id = cst_db_int_param (cst_request_get_id (other));
      g_autoptr(CstFeeQuote) other_quote = quote_for (clerk, other);

      cst_test_db_exec_ok (owner, i == 0
                           ? "UPDATE roi_requests SET status = 'denied', status_reason = 'No' WHERE id = $1"
                           : "UPDATE roi_requests SET status = 'cancelled', status_reason = 'No' WHERE id = $1",
                           1, (const char *[]) { id });
      g_assert_null (cst_fee_repo_issue_invoice (clerk, cst_request_get_id (other), other_quote,
                                                 CST_FEE_UNSET, NULL, &error));
      g_assert_error (error, CST_ERROR, CST_ERROR_CLOSED);
      g_clear_error (&error);
    }
  g_assert_cmpint (cst_test_db_int (owner, "SELECT count(*) FROM invoices i JOIN roi_requests r"
                                           " ON r.id = i.request_id JOIN patients p ON p.id = r.patient_id"
                                           " WHERE p.mrn LIKE 'UNTRUSTED-CLOSED%'", 0, NULL), ==, 0);
}

/* The server takes the state, received date and requester class from
 * the request: a quote made for others is refused, and a charge other
 * than the quote needs a reason, whatever the client sends. */
static void
test_request_facts_are_the_servers (void)
{
  static const char *const wrong[][2] = {
    { "jurisdiction", "\"CA\"" }, { "received", "\"2000-01-01\"" }, { "requester", "\"attorney\"" },
  };
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) clerk = login ("custodian_clerk");
  g_autoptr(PGconn) billing = login ("custodian_billing");
  g_autoptr(CstRequest) request = add_request (owner, "UNTRUSTED-FACTS", 12);
  gint64 request_id = cst_request_get_id (request);
  g_autoptr(CstFeeQuote) quote = quote_for (clerk, request);
  g_autofree char *inputs = cst_fee_request_to_json (cst_fee_quote_get_request (quote));
  g_autofree char *quoted = g_strdup_printf ("%" G_GINT64_FORMAT, cst_fee_quote_get_total_cents (quote));
  const char *method = cst_fee_method_to_nick (cst_fee_quote_get_method (quote));
  g_autoptr(CstFeeInvoice) invoice = NULL;
  g_autoptr(PGresult) row = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (wrong); i++)
    {
      g_autofree char *path = g_strdup_printf ("{%s}", wrong[i][0]);
      g_autoptr(PGresult) res = cst_db_exec (owner, "SELECT jsonb_set($1::jsonb, $2::text[], $3::jsonb)::text",
                                             3, (const char *[]) { inputs, path, wrong[i][1] }, &error);
      g_assert_no_error (error);
      g_assert_false (issue_raw (billing, request_id, cst_db_value (res, 0, 0), method, quoted, quoted,
                                 NULL, &error));
      g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
      g_clear_error (&error);
    }
  /* Charging other than the quote with no reason, or a blank one. */
  g_assert_false (issue_raw (clerk, request_id, inputs, method, quoted, LIE_CENTS, NULL, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (issue_raw (clerk, request_id, inputs, method, quoted, LIE_CENTS, "  ", &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  /* An auditor issues nothing, even an honest invoice. */
  {
    g_autoptr(PGconn) auditor = login ("custodian_auditor");

    g_assert_false (issue_raw (auditor, request_id, inputs, method, quoted, quoted, NULL, &error));
    g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
    g_clear_error (&error);
  }
  g_assert_cmpint (cst_test_db_int_for_id (owner, "SELECT count(*) FROM invoices WHERE request_id = $1",
                                           request_id), ==, 0);

  /* The honest invoice records the request's facts, the inputs and the
   * schedules it could use. */
  invoice = cst_fee_repo_issue_invoice (billing, request_id, quote, CST_FEE_UNSET, NULL, &error);
  g_assert_no_error (error);
  id = cst_db_int_param (invoice->id);
  row = cst_db_exec (billing,
    "SELECT i.jurisdiction = r.jurisdiction, i.received_date = r.received_date, i.requester_class,"
    " i.schedules_through = (SELECT max(id) FROM fee_schedules), i.quote_inputs->>'pages',"
    " i.schedule_version IS NOT NULL, i.issued_by = session_user"
    " FROM invoices i JOIN roi_requests r ON r.id = i.request_id WHERE i.id = $1",
    1, (const char *[]) { id }, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (PQgetvalue (row, 0, 0), ==, "t");
  g_assert_cmpstr (PQgetvalue (row, 0, 1), ==, "t");
  g_assert_cmpstr (PQgetvalue (row, 0, 2), ==, "patient");
  g_assert_cmpstr (PQgetvalue (row, 0, 3), ==, "t");
  g_assert_cmpstr (PQgetvalue (row, 0, 4), ==, "12");
  g_assert_cmpstr (PQgetvalue (row, 0, 5), ==, "t");
  g_assert_cmpstr (PQgetvalue (row, 0, 6), ==, "t");
}

/* The server's requester class of each requester kind is the one the
 * application quotes with (cst_request_fee_fill), or every honest
 * invoice of that kind would be refused. */
static void
test_requester_class_agrees (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(GEnumClass) kinds = g_type_class_ref (CST_TYPE_REQUESTER_KIND);

  for (guint i = 0; i < kinds->n_values; i++)
    {
      g_autoptr(CstRequest) request = cst_request_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(PGresult) res = NULL;
      CstFeeRequest fee;
      GDate today;

      cst_input_today (&today);
      g_object_set (request, "requester-kind", kinds->values[i].value, "jurisdiction", "NY",
                    "received-date", &today, "page-count", 1, NULL);
      g_assert_true (cst_request_fee_fill (request, CST_FEE_METHOD_DEFAULT, &fee, &error));
      res = cst_db_exec (owner, "SELECT invoice_requester_class($1::requester_kind)", 1,
                         (const char *[]) { kinds->values[i].value_nick }, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (cst_db_value (res, 0, 0), ==, cst_fee_requester_to_nick (fee.requester));
    }
}

/* Adjustments go through adjust_invoice(): billing may credit a released
 * request's invoice, never below zero, and an auditor may not. */
static void
test_adjustments (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) clerk = login ("custodian_clerk");
  g_autoptr(PGconn) billing = login ("custodian_billing");
  g_autoptr(PGconn) auditor = login ("custodian_auditor");
  g_autoptr(CstRequest) request = add_request (owner, "UNTRUSTED-ADJUST", 12);
  g_autoptr(CstRequest) ready = NULL;
  g_autoptr(CstRelease) release = NULL;
  g_autoptr(CstFeeInvoice) adjustment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *invoice_id = NULL;
  CstDocumentOptions options = { .paper = CST_PDF_PAPER_LETTER };
  gint64 total;

  total = cst_test_db_issue_invoice (clerk, request, CST_FEE_METHOD_HIPAA_FLAT);
  g_assert_cmpint (total, >, 0);
  ready = cst_test_db_move_along (clerk, g_object_ref (request), CST_STATUS_READY);
  release = cst_release_run (clerk, ready, "en", &options, &error);
  g_assert_no_error (error);
  invoice_id = cst_db_int_param (cst_test_db_int_for_id (owner, "SELECT id FROM invoices WHERE request_id = $1",
                                                cst_request_get_id (request)));

  /* Crediting more than was charged, through the function itself. */
  {
    g_autofree char *too_much = g_strdup_printf ("%" G_GINT64_FORMAT, -total - 1);

    g_assert_false (cst_db_exec_command (billing, "SELECT adjust_invoice($1, $2, 'Too much', 'Too much')",
                                         2, (const char *[]) { invoice_id, too_much }, &error));
  }
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (cst_db_exec_command (auditor, "SELECT adjust_invoice($1, -1, 'Refund', 'Refund')",
                                       1, (const char *[]) { invoice_id }, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  adjustment = cst_fee_repo_issue_adjustment (billing, g_ascii_strtoll (invoice_id, NULL, 10), -total,
                                              "Refund: fee waived after release", &error);
  g_assert_no_error (error);
  g_assert_cmpint (adjustment->total_cents, ==, -total);
  g_assert_nonnull (strstr (adjustment->lines_json, "Refund: fee waived after release"));
  /* Nothing is left to credit. */
  g_assert_false (cst_db_exec_command (billing, "SELECT adjust_invoice($1, -1, 'Again', 'Again')",
                                       1, (const char *[]) { invoice_id }, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
}

typedef struct
{
  gint64 ids[5];
  guint  flags[5];
  guint  seen;
} Flags;

static gboolean
collect_flags (const CstFeeReportRow *row,
               gpointer               user_data,
               GError               **error)
{
  Flags *flags = user_data;

  for (guint i = 0; i < G_N_ELEMENTS (flags->ids); i++)
    if (flags->ids[i] == row->request_id)
      {
        flags->flags[i] = row->flags;
        flags->seen |= 1u << i;
      }
  return TRUE;
}

/* The auditors' report quotes every invoice again: one a client lied
 * about is flagged, whichever way it got in; an honest one and an
 * honestly overridden one are not. */
static void
test_report_catches_a_lying_client (void)
{
  enum { HONEST, OVERRIDDEN, OLD_CLIENT, AMOUNT_LIE, METHOD_LIE };
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) clerk = login ("custodian_clerk");
  g_autoptr(PGconn) auditor = login ("custodian_auditor");
  g_autoptr(CstFeeReportSummary) summary = NULL;
  g_autoptr(GError) error = NULL;
  CstFeeReportFilter filter = { 0 };
  Flags flags = { { 0 } };
  GDate today;

  for (guint i = HONEST; i <= METHOD_LIE; i++)
    {
      g_autofree char *mrn = g_strdup_printf ("UNTRUSTED-REPORT-%u", i);
      g_autoptr(CstRequest) request = add_request (owner, mrn, 12);
      g_autoptr(CstFeeQuote) quote = quote_for (clerk, request);
      g_autoptr(CstFeeInvoice) invoice = NULL;
      g_autofree char *inputs = cst_fee_request_to_json (cst_fee_quote_get_request (quote));
      g_autofree char *quoted = g_strdup_printf ("%" G_GINT64_FORMAT, cst_fee_quote_get_total_cents (quote));
      g_autofree char *id = cst_db_int_param (cst_request_get_id (request));
      const char *method = cst_fee_method_to_nick (cst_fee_quote_get_method (quote));

      g_assert_cmpint (cst_fee_quote_get_total_cents (quote), >, 0);
      flags.ids[i] = cst_request_get_id (request);
      switch (i)
        {
        case HONEST:
          invoice = cst_fee_repo_issue_invoice (clerk, flags.ids[i], quote, CST_FEE_UNSET, NULL, &error);
          break;
        case OVERRIDDEN:
          invoice = cst_fee_repo_issue_invoice (clerk, flags.ids[i], quote, 0, "Waived: hardship", &error);
          break;
        case OLD_CLIENT:
          /* What a client could write before 0058, as the owner now. */
          cst_test_db_exec_ok (owner,
            "INSERT INTO invoices (request_id, method, jurisdiction, received_date, quoted_cents,"
            " total_cents, lines, justification) SELECT id, $2, jurisdiction, received_date, "
            LIE_CENTS ", " LIE_CENTS ", '[{\"amount_cents\": " LIE_CENTS "}]', '{}'"
            " FROM roi_requests WHERE id = $1", 2, (const char *[]) { id, method });
          break;
        case AMOUNT_LIE:
          /* The server cannot quote: it takes this one... */
          g_assert_true (issue_raw (clerk, flags.ids[i], inputs, method, LIE_CENTS, LIE_CENTS, NULL, &error));
          break;
        case METHOD_LIE:
        default:
          g_assert_true (issue_raw (clerk, flags.ids[i], inputs, "no-charge", quoted, quoted, NULL, &error));
          break;
        }
      g_assert_no_error (error);
    }

  /* ...and the report catches it. */
  cst_input_today (&today);
  filter.from = today;
  filter.to = today;
  g_date_subtract_days (&filter.from, 1);
  g_assert_true (cst_fee_report_run (auditor, &filter, collect_flags, &flags, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (flags.seen, ==, 0x1f);
  g_assert_cmpuint (flags.flags[HONEST] & CST_FEE_REPORT_FLAG_NOT_AS_QUOTED, ==, 0);
  g_assert_cmpuint (flags.flags[OVERRIDDEN] & CST_FEE_REPORT_FLAG_NOT_AS_QUOTED, ==, 0);
  g_assert_cmpuint (flags.flags[OVERRIDDEN] & CST_FEE_REPORT_FLAG_OVERRIDDEN, !=, 0);
  g_assert_cmpuint (flags.flags[OLD_CLIENT] & CST_FEE_REPORT_FLAG_NOT_AS_QUOTED, !=, 0);
  g_assert_cmpuint (flags.flags[AMOUNT_LIE] & CST_FEE_REPORT_FLAG_NOT_AS_QUOTED, !=, 0);
  g_assert_cmpuint (flags.flags[METHOD_LIE] & CST_FEE_REPORT_FLAG_NOT_AS_QUOTED, !=, 0);
  g_assert_cmpint (cst_fee_report_summary_get_flag_count (summary, CST_FEE_REPORT_FLAG_NOT_AS_QUOTED), >=, 3);

  /* The CSV says so too, by the flag's nick. */
  {
    g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
    g_autofree char *csv = NULL;

    g_assert_true (cst_fee_report_write_csv (auditor, &filter, out, NULL, &error));
    g_assert_no_error (error);
    g_assert_true (g_output_stream_write_all (out, "", 1, NULL, NULL, NULL));
    g_output_stream_close (out, NULL, NULL);
    csv = g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
    g_assert_nonnull (strstr (csv, "not-as-quoted"));
  }
  /* And custodian-cli report fees, run by the auditor, in its PDF. */
  {
    g_autofree char *auditor_info = cst_test_db_create_login (db, "custodian_auditor");
    g_autofree char *dir = g_dir_make_tmp ("untrusted-report-XXXXXX", NULL);
    g_autofree char *path = g_build_filename (dir, "fees.pdf", NULL);
    g_autofree char *from = cst_input_format_date (&filter.from);
    g_autofree char *to = cst_input_format_date (&filter.to);
    g_autofree char *contents = NULL;
    g_autofree char *raw = NULL;
    g_autofree char *text = NULL;
    g_autoptr(GBytes) pdf = NULL;
    g_autoptr(PopplerDocument) doc = NULL;
    gsize length = 0;

    g_assert_cmpint (cst_test_cli_run (auditor_info, NULL, NULL, "report", "fees", "--from", from, "--to", to,
                                       "--format", "pdf", "--output", path, NULL), ==, 0);
    g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
    pdf = g_bytes_new_take (g_steal_pointer (&contents), length);
    doc = cst_test_pdf_open (pdf);
    raw = cst_test_pdf_text (doc);
    text = cst_test_pdf_squash (raw);
    /* Once in the summary's table of flags, and once for each of the
     * three lying invoices' requests. */
    {
      g_autofree char *flag = cst_test_pdf_squash (cst_fee_report_flag_describe (CST_FEE_REPORT_FLAG_NOT_AS_QUOTED));
      guint n = 0;

      for (const char *p = strstr (text, flag); p != NULL; p = strstr (p + 1, flag))
        n++;
      g_assert_cmpuint (n, >=, 4);
    }
    g_unlink (path);
    g_rmdir (dir);
  }
}

/* An honest invoice stays unflagged after an administrator saves a new
 * version of the schedule it was quoted from: the report quotes it again
 * with the schedules of its day, which the server recorded. */
static void
test_report_uses_the_schedules_of_the_day (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) clerk = login ("custodian_clerk");
  g_autoptr(PGconn) admin = login ("custodian_admin");
  g_autoptr(PGconn) auditor = login ("custodian_auditor");
  g_autoptr(CstRequest) stored = cst_test_db_add_request_for (owner, "UNTRUSTED-VERSION", "Counsel",
                                                              CST_REQUESTER_ATTORNEY, "PA");
  g_autofree char *id = cst_db_int_param (cst_request_get_id (stored));
  g_autoptr(CstRequest) request = NULL;
  g_autoptr(CstFeeQuote) quote = NULL;
  g_autoptr(CstFeeQuote) later = NULL;
  g_autoptr(CstFeeInvoice) invoice = NULL;
  g_autoptr(CstFeeScheduleSet) set = NULL;
  g_autoptr(CstFeeSchedule) edited = NULL;
  g_autoptr(CstFeeSchedule) saved = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *edited_text = NULL;
  g_auto(GStrv) parts = NULL;
  CstFeeReportFilter filter = { 0 };
  Flags flags = { { cst_request_get_id (stored) } };

  /* The PA schedules shipped cover 2025. */
  cst_test_db_exec_ok (owner, "UPDATE roi_requests SET received_date = '2025-06-02', page_count = 100"
                              " WHERE id = $1", 1, (const char *[]) { id });
  request = cst_request_repo_get (owner, cst_request_get_id (stored), &error);
  g_assert_no_error (error);
  quote = quote_for (clerk, request);
  invoice = cst_fee_repo_issue_invoice (clerk, cst_request_get_id (request), quote, CST_FEE_UNSET, NULL, &error);
  g_assert_no_error (error);

  set = cst_fee_repo_load_schedules (admin, &error);
  g_assert_no_error (error);
  text = cst_fee_schedule_to_text (cst_fee_schedule_set_lookup (set, "PA-2025"));
  parts = g_strsplit (text, "request-fee-cents=2874", 2);
  g_assert_cmpuint (g_strv_length (parts), ==, 2);
  edited_text = g_strjoinv ("request-fee-cents=2900", parts);
  edited = cst_fee_schedule_new_from_text (edited_text, &error);
  g_assert_no_error (error);
  saved = cst_fee_repo_save_version (admin, edited, &error);
  g_assert_no_error (error);
  later = quote_for (clerk, request);
  g_assert_cmpint (cst_fee_quote_get_total_cents (later), !=, cst_fee_quote_get_total_cents (quote));

  g_assert_true (cst_input_parse_date ("2025-06-02", &filter.from, NULL));
  filter.to = filter.from;
  g_assert_true (cst_fee_report_run (auditor, &filter, collect_flags, &flags, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (flags.seen & 1, ==, 1);
  g_assert_cmpuint (flags.flags[0] & CST_FEE_REPORT_FLAG_NOT_AS_QUOTED, ==, 0);
}

static gint64
event_as (PGconn     *conn,
          const char *kind,
          GError    **error)
{
  return cst_audit_log_event (conn, kind, (const char *const[]) { "request", "UNTRUSTED", NULL }, error);
}

/* The auditor of the finding can no longer add the events of other
 * people's work; each role records exactly the kinds listed for it. */
static void
test_events_by_role (void)
{
  static const char *const roles[] = { "custodian_clerk", "custodian_billing", "custodian_auditor",
                                       "custodian_admin" };
  static const char *const forged[] = { "request.released", "audit.verified", "invoice.issued" };
  g_autoptr(PGconn) owner = cst_test_db_connect (db);

  for (guint r = 0; r < G_N_ELEMENTS (roles); r++)
    {
      g_autoptr(PGconn) conn = login (roles[r]);
      g_autoptr(GError) error = NULL;
      g_autoptr(PGresult) kinds = cst_db_exec (conn, "SELECT kind FROM audit_event_kinds WHERE role = $1",
                                               1, (const char *[]) { roles[r] }, &error);

      g_assert_no_error (error);
      /* What the application records for every role's exports. */
      g_assert_cmpint (PQntuples (kinds), >=, 2);
      for (int k = 0; k < PQntuples (kinds); k++)
        {
          gint64 id = event_as (conn, PQgetvalue (kinds, k, 0), &error);

          g_assert_no_error (error);
          g_assert_cmpint (cst_test_db_int_for_id (owner, "SELECT count(*) FROM audit_log WHERE id = $1"
                                                          " AND new_row->>'source' = 'application'", id), ==, 1);
        }
      for (guint f = 0; f < G_N_ELEMENTS (forged); f++)
        {
          g_assert_cmpint (event_as (conn, forged[f], &error), ==, 0);
          g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
          g_clear_error (&error);
        }
      /* Nor may a role change who may record what. */
      g_assert_false (cst_db_exec_command (conn, "INSERT INTO audit_event_kinds VALUES ($1, 'audit.verified')",
                                           1, (const char *[]) { roles[r] }, &error));
      g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
      g_clear_error (&error);
      g_assert_false (cst_db_exec_command (conn, "SELECT audit_event_insert('request.released', '{}', 'database')",
                                           0, NULL, &error));
      g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
    }
  g_assert_cmpint (cst_test_db_int (owner, "SELECT count(*) FROM audit_log WHERE table_name = 'event'"
                                           " AND new_row->>'kind' IN ('request.released', 'audit.verified',"
                                           " 'invoice.issued') AND new_row->'details'->>'request' = 'UNTRUSTED'",
                                    0, NULL), ==, 0);
  /* The owner in person may record any kind (set-up), but it is still
   * someone's word, not the database's own record. */
  {
    g_autoptr(GError) error = NULL;
    gint64 id = event_as (owner, "request.released", &error);

    g_assert_no_error (error);
    g_assert_cmpint (cst_test_db_int_for_id (owner, "SELECT count(*) FROM audit_log WHERE id = $1"
                                                    " AND new_row->>'source' = 'application'", id), ==, 1);
  }
}

/* What the database recorded itself (the release) and what a login
 * reported (an export, an old deficiency letter) are told apart in the
 * history and the evidence pack. */
static void
test_reported_events_are_marked (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) clerk = login ("custodian_clerk");
  g_autoptr(PGconn) auditor = login ("custodian_auditor");
  g_autoptr(CstRequest) request = add_request (owner, "UNTRUSTED-EVENTS", 12);
  g_autoptr(CstRequest) ready = cst_test_db_move_along (clerk, g_object_ref (request), CST_STATUS_READY);
  const char *reference = cst_request_get_reference (request);
  g_autoptr(CstRelease) release = NULL;
  g_autoptr(CstEvidencePack) pack = NULL;
  g_autoptr(GListModel) history = NULL;
  g_autoptr(PGresult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  CstDocumentOptions options = { .paper = CST_PDF_PAPER_LETTER };
  guint n_reported = 0, n_recorded = 0;

  release = cst_release_run (clerk, ready, "en", &options, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cst_test_db_int_for_id (owner, "SELECT count(*) FROM audit_log WHERE table_name = 'event'"
                                                  " AND new_row->>'kind' = 'request.released'"
                                                  " AND new_row->>'source' = 'database'"
                                                  " AND (new_row->'details'->>'request')::bigint = $1",
                                           cst_request_get_id (request)), ==, 1);
  /* A deficiency letter logged as an event before 0053, with no source. */
  cst_test_db_exec_ok (owner,
    "INSERT INTO audit_log (actor, table_name, action, new_row) VALUES ('old_clerk', 'event', 'EVENT',"
    " jsonb_build_object('kind', 'authorization.deficiency_letter',"
    " 'details', jsonb_build_object('request', $1::text)))", 1, (const char *[]) { reference });
  pack = cst_evidence_pack_load (clerk, reference, &error);
  g_assert_no_error (error);
  g_assert_true (cst_evidence_pack_log_export (clerk, pack, &error));
  g_assert_no_error (error);

  history = cst_request_history_load (auditor, cst_request_get_id (request), reference, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < g_list_model_get_n_items (history); i++)
    {
      g_autoptr(CstHistoryEvent) event = g_list_model_get_item (history, i);
      const char *kind = cst_history_event_get_kind (event);
      gboolean event_row = g_str_equal (kind, "evidence-exported") ||
                           (g_str_equal (kind, "document") &&
                            g_strcmp0 (cst_history_event_get_actor (event), "old_clerk") == 0);

      g_assert_cmpint (cst_history_event_is_reported (event), ==, event_row);
      if (event_row)
        n_reported++;
      else
        n_recorded++;
    }
  g_assert_cmpuint (n_reported, ==, 2);
  g_assert_cmpuint (n_recorded, >, 3);

  g_clear_pointer (&pack, cst_evidence_pack_free);
  pack = cst_evidence_pack_load (auditor, reference, &error);
  g_assert_no_error (error);
  json = cst_evidence_pack_to_json (pack);
  res = cst_db_exec (auditor,
    "SELECT string_agg(l->>'kind' || '=' || (l->>'reported_by_application'), ',' ORDER BY n)"
    " FROM jsonb_array_elements($1::jsonb->'letters') WITH ORDINALITY AS t(l, n)",
    1, (const char *[]) { json }, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cst_db_value (res, 0, 0), ==, "cover-letter=false,deficiency-letter=true");
  {
    g_autoptr(GBytes) pdf = cst_evidence_pack_to_pdf (pack, NULL, NULL, &error);

    g_assert_no_error (error);
    g_assert_nonnull (pdf);
  }
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  db = cst_test_db_new ();
  g_test_add_func ("/untrusted/invoice/direct-insert", test_direct_insert_refused);
  g_test_add_func ("/untrusted/invoice/closed-request", test_closed_request_refused);
  g_test_add_func ("/untrusted/invoice/request-facts", test_request_facts_are_the_servers);
  g_test_add_func ("/untrusted/invoice/requester-class", test_requester_class_agrees);
  g_test_add_func ("/untrusted/invoice/adjustments", test_adjustments);
  g_test_add_func ("/untrusted/invoice/report-catches-a-lie", test_report_catches_a_lying_client);
  g_test_add_func ("/untrusted/invoice/report-schedules-of-the-day", test_report_uses_the_schedules_of_the_day);
  g_test_add_func ("/untrusted/events/by-role", test_events_by_role);
  g_test_add_func ("/untrusted/events/reported-marked", test_reported_events_are_marked);
  status = g_test_run ();
  cst_test_db_free (db);
  return status;
}
