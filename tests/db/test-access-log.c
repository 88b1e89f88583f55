/* test-access-log.c — the access log OCR asks for, on seeded data: the
 * auditor reads it and gets exactly the individuals' requests of the
 * period, row by row as computed by hand; the CSV (through custodian-cli
 * report access, as the auditor) is that table byte for byte, with a
 * formula-like reference neutralised; the PDF's first page carries the
 * totals and the shares answered within 30 and 15 days; the export is in
 * the audit log; bad arguments are refused */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "cst-test-cli.h"
#include "cst-test-db.h"
#include "cst-test-file.h"
#include "cst-test-pdf.h"

static CstTestDb *db;

static char *
sql_value (PGconn      *conn,
           const char  *sql,
           int          n,
           const char **params)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = cst_db_exec (conn, sql, n, params, &error);

  g_assert_no_error (error);
  return g_strdup (cst_db_value (res, 0, 0));
}

/* A request as history left it: @reference, received on @received,
 * the legal deadline 30 days later, @pages (NULL: not counted). */
static char *
add_request (PGconn     *owner,
             const char *reference,
             const char *kind,
             const char *received,
             const char *format,
             const char *pages)
{
  g_autofree char *patient = sql_value (owner, "SELECT id FROM patients LIMIT 1", 0, NULL);
  g_autofree char *requester = sql_value (owner,
    "INSERT INTO requesters (kind, name) VALUES ($1::requester_kind, 'Requester') RETURNING id",
    1, (const char *[]) { kind });

  return sql_value (owner,
    "INSERT INTO roi_requests (reference, patient_id, requester_id, received_date, jurisdiction, format,"
    "                          page_count)"
    " VALUES ($1, $2, $3, $4, 'PA', $5::record_format, $6::int) RETURNING id",
    6, (const char *[]) { reference, patient, requester, received, format, pages });
}

/* History written as it happened, without replaying the workflow: the
 * status (closed on @closed), the deadline, the extension.  The triggers
 * that would stamp today's date are off for the one update. */
static void
set_history (PGconn     *owner,
             const char *id,
             const char *status,
             const char *closed,
             const char *extended)
{
  const char *params[] = { id, status, closed, extended };

  cst_test_db_exec_ok (owner, "ALTER TABLE roi_requests DISABLE TRIGGER USER", 0, NULL);
  cst_test_db_exec_ok (owner,
    "UPDATE roi_requests SET status = $2::roi_status,"
    "       status_reason = CASE WHEN $2 = 'denied' THEN 'Not our records' END, updated_at = COALESCE ($3::date, updated_at),"
    "       due_date = received_date + CASE WHEN $4::date IS NULL THEN 30 ELSE 60 END,"
    "       original_due_date = received_date + 30,"
    "       extended_on = $4::date, extension_reason = CASE WHEN $4::date IS NOT NULL THEN 'Off site' END"
    " WHERE id = $1::bigint", G_N_ELEMENTS (params), params);
  cst_test_db_exec_ok (owner, "ALTER TABLE roi_requests ENABLE TRIGGER USER", 0, NULL);
}

static void
disclose (PGconn     *owner,
          const char *id,
          const char *on)
{
  cst_test_db_exec_ok (owner,
                       "INSERT INTO disclosures (patient_id, request_id, disclosed_on, recipient_name,"
                       "                         phi_description, purpose_statement)"
                       " SELECT patient_id, id, $2, 'Recipient', 'Records', 'Request' FROM roi_requests WHERE id = $1",
                       2, (const char *[]) { id, on });
}

static char *
invoice (PGconn     *owner,
         const char *id,
         const char *method,
         const char *cents,
         const char *adjusts)
{
  return sql_value (owner,
    "INSERT INTO invoices (request_id, method, jurisdiction, received_date, quoted_cents, total_cents,"
    "                      lines, justification, adjusts_invoice_id, override_reason)"
    " SELECT id, $2, 'PA', received_date, GREATEST ($3::bigint, 0), $3::bigint,"
    "        jsonb_build_array (jsonb_build_object ('rule', 'copy', 'amount_cents', GREATEST ($3::bigint, 0))),"
    "        '{}', $4::bigint, CASE WHEN $4::bigint IS NOT NULL THEN 'Corrected count' END"
    "   FROM roi_requests WHERE id = $1::bigint RETURNING id",
    4, (const char *[]) { id, method, cents, adjusts });
}

/* A payment (or, negative, a refund) against the request's first invoice. */
static void
pay (PGconn     *owner,
     const char *id,
     const char *cents,
     const char *reason)
{
  cst_test_db_exec_ok (owner,
    "INSERT INTO payments (invoice_id, request_id, amount_cents, paid_on, method, reason)"
    " SELECT min (id), $1::bigint, $2::bigint, '2025-05-30', 'check', $3 FROM invoices"
    "  WHERE request_id = $1::bigint AND adjusts_invoice_id IS NULL",
    3, (const char *[]) { id, cents, reason });
}

/* The period is 2025-04-01 to 2025-06-30.  By hand:
 *   A patient, received 04-01, released 04-11: 10 days, 12 pages, $6.50
 *   B representative, received 04-15, extended 05-10 with a notice of
 *     05-09, released 05-20: 35 days, paper asked, electronic given by
 *     agreement, 200 pages, $40.00 less a $5.00 adjustment
 *   C directive, received 05-01, denied 05-17: 16 days, pages not counted
 *   D patient, received 06-01, cancelled 06-03: listed, not counted
 *   E patient, received 06-30, open; its reference looks like a formula
 * and, left out: an attorney's request of 05-05, and the patient's of
 * 03-31 and 07-01.  Shares over A, B, C, E: within 30 days A and C (2 of
 * 4, 50.0%), within 15 days A (1 of 4, 25.0%).  Fees $41.50, pages 220.
 * Paid: A $6.50; B $20.00 less a $2.00 refund, $18.00; $24.50 in all. */
static const char *expected_csv =
  "reference,requester_class,received_date,due_date,completed_date,days_taken,extended_on,"
  "extension_notice_date,format_requested,format_provided,pages,fee_cents,amount_paid_cents,status,facility\r\n"
  "LOG-A,patient,2025-04-01,2025-05-01,2025-04-11,10,,,electronic,electronic,12,650,650,released,MAIN\r\n"
  "LOG-B,personal_representative,2025-04-15,2025-06-14,2025-05-20,35,2025-05-10,2025-05-09,paper,"
  "electronic,200,3500,1800,released,MAIN\r\n"
  "LOG-C,patient_directive,2025-05-01,2025-05-31,2025-05-17,16,,,electronic,,,0,0,denied,MAIN\r\n"
  "LOG-D,patient,2025-06-01,2025-07-01,,,,,electronic,,5,0,0,cancelled,MAIN\r\n"
  "\"'=SUM(1,2)\",patient,2025-06-30,2025-07-30,,,,,electronic,,3,0,0,received,MAIN\r\n";

static void
seed (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL, *e = NULL, *first = NULL;
  g_autofree char *template_id = NULL;

  g_object_unref (cst_test_db_add_request (owner, "LOG-MRN"));
  a = add_request (owner, "LOG-A", "patient", "2025-04-01", "electronic", "12");
  b = add_request (owner, "LOG-B", "personal_representative", "2025-04-15", "paper", "200");
  c = add_request (owner, "LOG-C", "patient_directive", "2025-05-01", "electronic", NULL);
  d = add_request (owner, "LOG-D", "patient", "2025-06-01", "electronic", "5");
  e = add_request (owner, "=SUM(1,2)", "patient", "2025-06-30", "electronic", "3");
  g_free (add_request (owner, "LOG-ATTORNEY", "attorney", "2025-05-05", "paper", "7"));
  g_free (add_request (owner, "LOG-BEFORE", "patient", "2025-03-31", "paper", "7"));
  g_free (add_request (owner, "LOG-AFTER", "patient", "2025-07-01", "paper", "7"));

  g_free (invoice (owner, a, "hipaa-flat", "650", NULL));
  first = invoice (owner, b, "hipaa-actual", "4000", NULL);
  g_free (invoice (owner, b, "adjustment", "-500", first));
  pay (owner, a, "650", NULL);
  pay (owner, b, "2000", NULL);
  pay (owner, b, "-200", "Charged twice");
  cst_test_db_exec_ok (owner, "SELECT document_template_install_default ('extension-notice', 'en', 'Notice')",
                       0, NULL);
  template_id = sql_value (owner, "SELECT id FROM document_templates WHERE kind = 'extension-notice' LIMIT 1",
                           0, NULL);
  cst_test_db_exec_ok (owner, "INSERT INTO rendered_documents (request_id, template_id, page_count, sha256, rendered_at)"
                       " VALUES ($1, $2, 1, repeat ('a', 64), '2025-05-09 10:00Z')", 2,
                       (const char *[]) { b, template_id });
  cst_test_db_exec_ok (owner, "INSERT INTO release_deliveries (request_id, produced_format, delivery, mismatch_reason)"
                       " VALUES ($1, 'electronic', 'portal', 'Agreed with the representative')", 1,
                       (const char *[]) { b });
  cst_test_db_exec_ok (owner, "INSERT INTO release_deliveries (request_id, produced_format, delivery)"
                       " VALUES ($1, 'electronic', 'portal')", 1, (const char *[]) { a });
  disclose (owner, a, "2025-04-11");
  disclose (owner, b, "2025-05-20");
  set_history (owner, a, "released", "2025-04-11", NULL);
  set_history (owner, b, "released", "2025-05-20", "2025-05-10");
  set_history (owner, c, "denied", "2025-05-17", NULL);
  set_history (owner, d, "cancelled", "2025-06-03", NULL);
  set_history (owner, e, "received", NULL, NULL);
}

static void
period (GDate *from,
        GDate *to)
{
  g_assert_true (cst_input_parse_date ("2025-04-01", from, NULL));
  g_assert_true (cst_input_parse_date ("2025-06-30", to, NULL));
}

static char *
row_to_csv_like (const CstAccessLogRow *row)
{
  g_autofree char *received = cst_input_format_date (&row->received);
  g_autofree char *completed = g_date_valid (&row->completed) ? cst_input_format_date (&row->completed)
                                                              : g_strdup ("");

  return g_strdup_printf ("%s %s %s %s %d %s %s %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %"
                          G_GINT64_FORMAT " %s",
                          row->reference, row->requester, received, completed, row->days_taken,
                          row->format_requested, row->format_provided ? row->format_provided : "-",
                          row->pages, row->fee_cents, row->paid_cents, row->status);
}

/* The auditor reads the log: the rows, in order, field by field. */
static void
test_rows (void)
{
  g_autoptr(PGconn) auditor = cst_test_db_connect_as (db, "custodian_auditor");
  g_autoptr(CstAccessLog) log = NULL;
  g_autoptr(GError) error = NULL;
  const char *expected[] = {
    "LOG-A patient 2025-04-01 2025-04-11 10 electronic electronic 12 650 650 released",
    "LOG-B personal_representative 2025-04-15 2025-05-20 35 paper electronic 200 3500 1800 released",
    "LOG-C patient_directive 2025-05-01 2025-05-17 16 electronic - -1 0 0 denied",
    "LOG-D patient 2025-06-01  -1 electronic - 5 0 0 cancelled",
    "=SUM(1,2) patient 2025-06-30  -1 electronic - 3 0 0 received",
  };
  GDate from, to;
  const CstAccessLogRow *b;

  period (&from, &to);
  log = cst_access_log_read (auditor, &from, &to, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cst_access_log_get_n_rows (log), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autofree char *got = row_to_csv_like (cst_access_log_get_row (log, i));

      g_assert_cmpstr (got, ==, expected[i]);
    }
  b = cst_access_log_get_row (log, 1);
  g_assert_cmpint (g_date_get_day (&b->extended), ==, 10);
  g_assert_cmpint (g_date_get_day (&b->notice), ==, 9);
  g_assert_cmpuint (cst_access_log_get_n_counted (log), ==, 4);
  g_assert_cmpuint (cst_access_log_get_n_within (log, 30), ==, 2);
  g_assert_cmpuint (cst_access_log_get_n_within (log, 15), ==, 1);
  g_assert_cmpint (cst_access_log_get_fee_cents (log), ==, 4150);
  g_assert_cmpint (cst_access_log_get_pages (log), ==, 220);
  g_assert_cmpint (cst_access_log_get_paid_cents (log), ==, 2450);
}

/* The CSV and PDF through custodian-cli as the auditor. */
static void
test_cli (void)
{
  g_autofree char *auditor_info = cst_test_db_create_login (db, "custodian_auditor");
  g_autofree char *dir = g_dir_make_tmp ("access-log-XXXXXX", NULL);
  g_autofree char *csv_path = g_build_filename (dir, "access.csv", NULL);
  g_autofree char *pdf_path = g_build_filename (dir, "access.pdf", NULL);
  g_autofree char *csv = NULL, *err = NULL, *first_page = NULL, *squashed = NULL;
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  gsize length;
  char *contents;

  g_assert_cmpint (cst_test_cli_run (auditor_info, NULL, &err, "report", "access", "--from", "2025-04-01",
                                     "--to", "2025-06-30", "--format", "csv", "--output", csv_path, NULL), ==, 0);
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  g_assert_cmpstr (csv, ==, expected_csv);
  cst_test_file_assert_private (csv_path);
  g_assert_cmpint (cst_test_db_int (owner,
    "SELECT count(*) FROM audit_log WHERE action = 'EVENT' AND new_row->>'kind' = 'report.exported'"
    " AND new_row->'details'->>'report' = 'access' AND new_row->'details'->>'requests' = '5'"
    " AND new_row->'details'->>'format' = 'csv'", 0, NULL), ==, 1);

  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cst_test_cli_run (auditor_info, NULL, &err, "report", "access", "--from", "2025-04-01",
                                     "--to", "2025-06-30", "--format", "pdf", "--output", pdf_path, NULL), ==, 0);
  g_assert_true (g_file_get_contents (pdf_path, &contents, &length, NULL));
  bytes = g_bytes_new_take (contents, length);
  doc = cst_test_pdf_open (bytes);
  first_page = cst_test_pdf_page_text (doc, 0);
  squashed = cst_test_pdf_squash (first_page);
  /* Squashed: the text without white space, wherever lines broke. */
  g_assert_nonnull (strstr (squashed, "5requestsbyindividuals;220pages;feescharged$41.50;amountpaid$24.50."));
  g_assert_nonnull (strstr (squashed, "Answeredwithin30days:2of4(50.0%);within15days:1of4(25.0%)"));
  cst_test_pdf_assert_clean_metadata (doc, (const char *[]) { "LOG-A", "LOG-B", NULL });

  /* Refusals name the argument and leave no file. */
  g_clear_pointer (&err, g_free);
  g_unlink (csv_path);
  g_assert_cmpint (cst_test_cli_run (auditor_info, NULL, &err, "report", "access", "--from", "2025-06-30",
                                     "--to", "2025-04-01", "--format", "csv", "--output", csv_path, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--to"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cst_test_cli_run (auditor_info, NULL, &err, "report", "access", "--from", "2025-04-01",
                                     "--to", "2025-06-30", "--format", "xls", "--output", csv_path, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--format"));
  g_assert_false (g_file_test (csv_path, G_FILE_TEST_EXISTS));
  g_unlink (pdf_path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  db = cst_test_db_new ();
  seed ();
  g_test_add_func ("/access-log/rows", test_rows);
  g_test_add_func ("/access-log/cli", test_cli);
  status = g_test_run ();
  cst_test_db_free (db);
  return status;
}
