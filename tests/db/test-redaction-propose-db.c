/* test-redaction-propose-db.c — proposals stored, never applied; terms as
 * data; the redaction log; withheld pages proven absent by page hash —
 * as the people who do it
 *
 * An administrator configures a term; a clerk cannot.  A clerk without
 * the redaction right runs the finder (custodian-cli packet propose): an
 * SSN, a person the request names, the configured term and another
 * patient's MRN become proposed redactions, the patient's own MRN and a
 * phone number do not, a withheld page is not read, and nothing found is
 * printed.  A redactor decides them; a second run (off the main loop,
 * with progress) proposes nothing again.  The redaction log lists page,
 * boxes and reason.  A page withheld from one document but filed again in
 * another is found in the packet by its hash, names its page, and the
 * release is refused.  With the request's choices, a burned page is
 * searchable again without the redacted name, and the packet ends with
 * the redaction log page.  The other people a request names are kept with
 * it and proposed with no flags.
 */
#include "config.h"

#include <string.h>

#include "custodian/cst-db.h"
#include "custodian/cst-packet-pages.h"
#include "custodian/cst-packet-review.h"
#include "custodian/cst-packet.h"
#include "custodian/cst-redaction-log.h"
#include "custodian/cst-redaction-others.h"
#include "custodian/cst-redaction-propose.h"
#include "custodian/cst-release.h"

#include "cst-test-async.h"
#include "cst-test-cli.h"
#include "cst-test-db.h"
#include "cst-test-pdf.h"
#include "cst-test-records.h"

static CstTestDb *db;
static char *admin;
static char *redactor;   /* a clerk with the redaction right */
static char *desk;       /* a clerk without it */

static void
check_exit (int         got,
            int         want,
            const char *out,
            const char *err)
{
  if (got != want)
    g_error ("custodian-cli exited %d, not %d:\n%s%s", got, want, out, err);
}

static CstRequest *
reread (PGconn     *owner,
        CstRequest *request)
{
  g_autoptr(GError) error = NULL;
  CstRequest *now = cst_request_repo_get (owner, cst_request_get_id (request), &error);

  g_assert_no_error (error);
  g_object_unref (request);
  return now;
}

static CstRequest *
request_with (PGconn            *owner,
              const char        *mrn,
              const char *const *paths)
{
  CstRequest *request = cst_test_db_add_request (owner, mrn);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) docs = cst_packet_add_at (desk, cst_request_get_reference (request),
                                                 paths, NULL, NULL, &error);

  g_assert_no_error (error);
  return reread (owner, request);
}

static gint64
document_at (PGconn     *owner,
             CstRequest *request,
             int         nth)
{
  g_autofree char *sql = g_strdup_printf (
    "SELECT id FROM record_documents WHERE request_id = $1 ORDER BY position OFFSET %d LIMIT 1", nth);

  return cst_test_db_int_for_id (owner, sql, cst_request_get_id (request));
}

static void
exclude (const char *reference,
         gint64      document,
         const char *range)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstPacketOutline) outline = cst_packet_pages_exclude_at (
    desk, reference, document, range, CST_WITHHELD_PSYCHOTHERAPY_NOTES, NULL, &error);

  g_assert_no_error (error);
}

/* ---- the tests ---------------------------------------------------------- */

static void
test_terms_are_data (void)
{
  g_autofree char *out = NULL, *err = NULL, *out2 = NULL, *err2 = NULL;
  g_autofree char *out3 = NULL, *err3 = NULL, *out4 = NULL, *err4 = NULL;
  g_autofree char *id = NULL;
  g_autoptr(PGconn) owner = cst_test_db_connect (db);

  check_exit (cst_test_cli_run (admin, &out, &err, "packet", "redaction-terms", "--add",
                                "Harbor Light Recovery", "--reason", "part2", NULL), 0, out, err);
  g_assert_nonnull (strstr (out, "Harbor Light Recovery"));
  /* A clerk reads them, and cannot add one. */
  g_assert_cmpint (cst_test_cli_run (desk, &out2, &err2, "packet", "redaction-terms", "--add",
                                     "Clearwater Clinic", "--reason", "part2", NULL), ==, 1);
  g_assert_nonnull (strstr (err2, "permission denied"));
  check_exit (cst_test_cli_run (desk, &out3, &err3, "packet", "redaction-terms", "--json", NULL), 0,
              out3, err3);
  g_assert_nonnull (strstr (out3, "\"reason\":\"part2\",\"term\":\"Harbor Light Recovery\""));
  g_assert_null (strstr (out3, "Clearwater"));
  /* Retired, a term stays on record but is not looked for. */
  check_exit (cst_test_cli_run (admin, &out4, &err4, "packet", "redaction-terms", "--add",
                                "Old Program Name", "--reason", "part2", NULL), 0, out4, err4);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_test_db_int (owner,
    "SELECT id FROM redaction_terms WHERE term = 'Old Program Name'", 0, NULL));
  {
    g_autofree char *o = NULL, *e = NULL;

    check_exit (cst_test_cli_run (admin, &o, &e, "packet", "redaction-terms", "--retire", id, NULL),
                0, o, e);
    g_assert_null (strstr (o, "Old Program Name"));
  }
  g_assert_cmpint (cst_test_db_int (owner, "SELECT count(*) FROM redaction_terms", 0, NULL), ==, 2);
}

static void
told_progress (guint    done,
               guint    total,
               gpointer data)
{
  guint *told = data;

  g_assert_cmpuint (done, <=, total);
  told[0] = done;
  told[1] = total;
}

static void
test_proposes_never_applies (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) deciding = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cst-propose-XXXXXX", NULL);
  const char *pages[] = {
    "Patient: José Núñez   MRN: PROP-1\n"
    "Emergency contact Tobias Brennan\n"
    "Contact SSN: 412-38-9056\n"
    "Prior treatment at Harbor Light Recovery\n"
    "Transferred in; their MRN: 552901\n"
    "Phone 555-201-7788",
    /* Withheld whole: never read, never proposed. */
    "Roommate SSN 530-11-8842",
    NULL
  };
  g_autofree char *chart = cst_test_records_pdf_lines (dir, "chart.pdf", pages, FALSE);
  const char *paths[] = { chart, NULL };
  g_autoptr(CstRequest) request = request_with (owner, "PROP-1", paths);
  const char *reference = cst_request_get_reference (request);
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  guint rejected = 0;

  /* The term test-terms-are-data configures, when this runs alone. */
  if (cst_test_db_int (owner, "SELECT count(*) FROM redaction_terms"
                              " WHERE term = 'Harbor Light Recovery' AND retired_at IS NULL", 0, NULL) == 0)
    {
      g_autoptr(PGconn) configuring = cst_db_connect (admin, &error);

      g_assert_cmpint (cst_redaction_term_add (configuring, "part2", "Harbor Light Recovery", &error), >, 0);
      g_assert_no_error (error);
    }
  exclude (reference, document_at (owner, request, 0), "2");
  check_exit (cst_test_cli_run (desk, &out, &err, "packet", "propose", "--request", reference,
                                "--other-name", "Tobias Brennan", "--json", NULL), 0, out, err);
  /* The name, the SSN, the term, the other MRN: proposed, one box each. */
  g_assert_nonnull (strstr (out, "\"proposed\":4"));
  g_assert_nonnull (strstr (out, "\"already_marked\":0"));
  /* Nothing found is printed. */
  g_assert_null (strstr (out, "412-38"));
  g_assert_null (strstr (out, "Brennan"));
  g_assert_null (strstr (out, "Harbor"));
  g_assert_null (strstr (out, "552901"));
  list = cst_redaction_list_at (desk, reference, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 4);
  for (guint i = 0; i < list->len; i++)
    {
      CstRedaction *r = g_ptr_array_index (list, i);

      g_assert_cmpstr (r->state, ==, "proposed");
      g_assert_cmpstr (r->source, ==, "proposal");
      g_assert_cmpuint (r->page, ==, 1);
      g_assert_cmpstr (r->reason, ==, i == 2 ? "part2" : "other_person");
    }
  /* In reading order: line 2 (the name) lies above line 3 (the SSN). */
  g_assert_cmpfloat (((CstRedaction *) g_ptr_array_index (list, 0))->box.y, <,
                     ((CstRedaction *) g_ptr_array_index (list, 1))->box.y);

  /* The desk cannot decide; the redactor rejects the first, accepts the rest. */
  deciding = cst_db_connect (desk, &error);
  g_assert_false (cst_redaction_decide (deciding, ((CstRedaction *) g_ptr_array_index (list, 0))->id,
                                        TRUE, &error));
  g_assert_nonnull (strstr (error->message, "redaction right"));
  g_clear_error (&error);
  g_clear_pointer (&deciding, PQfinish);
  deciding = cst_db_connect (redactor, &error);
  for (guint i = 0; i < list->len; i++)
    {
      g_assert_true (cst_redaction_decide (deciding, ((CstRedaction *) g_ptr_array_index (list, i))->id,
                                           i != 0, &error));
      g_assert_no_error (error);
      rejected += i == 0;
    }

  /* Again, off the main loop: everything found is known, nothing new. */
  {
    g_autoptr(CstConnection) connection = cst_connection_new (desk);
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(CstProposalRun) run = NULL;
    CstProposalRules *extra = cst_proposal_rules_new ();
    guint told[2] = { 0, 0 };

    g_ptr_array_add (extra->other_names, g_strdup ("Tobias Brennan"));
    cst_redaction_propose_async (connection, cst_request_get_id (request), extra, told_progress,
                                 told, NULL, cst_test_result_cb, &result);
    run = cst_redaction_propose_finish (connection, cst_test_wait_result (&result, 120), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (run->stored, ==, 0);
    g_assert_cmpuint (run->known, ==, 4);
    g_assert_cmpuint (run->redactions->len, ==, 0);
    /* Told page by page, the withheld one counted too. */
    g_assert_cmpuint (told[0], ==, 2);
    g_assert_cmpuint (told[1], ==, 2);
  }

  /* The redaction log, before and after a build: page, boxes, reason. */
  {
    g_autofree char *packet = g_build_filename (dir, "packet.pdf", NULL);
    g_autofree char *o = NULL, *e = NULL, *o2 = NULL, *e2 = NULL;
    g_autoptr(GPtrArray) log = cst_redaction_log_at (desk, reference, &error);

    g_assert_no_error (error);
    /* Three applied on page 1: one line per reason. */
    g_assert_cmpuint (log->len, ==, 2);
    g_assert_cmpuint (((CstRedactionLogLine *) g_ptr_array_index (log, 0))->boxes, ==, 2);
    g_assert_cmpstr (((CstRedactionLogLine *) g_ptr_array_index (log, 0))->reason, ==, "other_person");
    g_assert_cmpuint (((CstRedactionLogLine *) g_ptr_array_index (log, 1))->boxes, ==, 1);
    g_assert_cmpuint (((CstRedactionLogLine *) g_ptr_array_index (log, 0))->packet_page, ==, 0);
    check_exit (cst_test_cli_run (desk, &o, &e, "packet", "build", "--request", reference,
                                  "--output", packet, NULL), 0, o, e);
    check_exit (cst_test_cli_run (desk, &o2, &e2, "packet", "redaction-log", "--request", reference,
                                  "--json", NULL), 0, o2, e2);
    /* The cover letter, then the chart's first page. */
    g_assert_nonnull (strstr (o2, "\"page\":1,\"packet_page\":2,\"boxes\":2,\"reason\":\"other_person\""));
    g_assert_nonnull (strstr (o2, "\"boxes\":1,\"reason\":\"part2\""));
    g_assert_null (strstr (o2, "Brennan"));
  }
  g_assert_cmpuint (rejected, ==, 1);
  cst_test_records_remove (dir);
}

/* Page 1 of the chart is withheld, but the same page was filed again as
 * a document of its own: the packet shows it, the check finds it by its
 * hash and names the page, and the release is refused.  With only the
 * chart, the check passes and says how many withheld pages it compared. */
static void
test_withheld_page_by_hash (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *dir = g_dir_make_tmp ("cst-propose-XXXXXX", NULL);
  g_autofree char *chart = cst_test_records_pdf (dir, "chart.pdf", 2, "Ward note");
  g_autofree char *again = cst_test_records_pdf (dir, "again.pdf", 1, "Ward note");
  g_autofree char *packet = g_build_filename (dir, "packet.pdf", NULL);
  g_autofree char *summary = g_build_filename (dir, "packet.json", NULL);
  const char *both[] = { chart, again, NULL };
  const char *alone[] = { chart, NULL };
  g_autoptr(CstRequest) request = request_with (owner, "HASH-1", both);
  g_autoptr(CstRequest) fine = request_with (owner, "HASH-2", alone);
  g_autofree char *json = NULL;

  exclude (cst_request_get_reference (request), document_at (owner, request, 0), "1");
  /* Leaving a page out changes the request (its page count). */
  request = reread (owner, request);
  {
    g_autofree char *out = NULL, *err = NULL;

    check_exit (cst_test_cli_run (desk, &out, &err, "packet", "build", "--request",
                                  cst_request_get_reference (request), "--output", packet,
                                  "--json", summary, NULL), 1, out, err);
    /* The cover letter, the chart's page 2, then the copy: page 3. */
    g_assert_nonnull (strstr (err, "page 3 of the packet"));
    g_assert_nonnull (strstr (err, "withheld page"));
  }
  g_assert_true (g_file_get_contents (summary, &json, NULL, NULL));
  g_assert_nonnull (strstr (json, "\"redaction_check\":\"failed\""));
  g_assert_cmpint (cst_test_db_int_for_id (owner,
    "SELECT withheld_pages FROM record_redaction_proofs WHERE request_id = $1",
    cst_request_get_id (request)), ==, 1);
  /* The release is refused, naming the page. */
  {
    CstRequest *ready = cst_test_db_move_along (owner, g_object_ref (request), CST_STATUS_QUALITY_CHECK);
    g_autoptr(GError) error = NULL;
    g_autoptr(CstPacketReview) review = cst_packet_review_decide_at (redactor,
      cst_request_get_reference (ready), NULL, &error);
    g_autoptr(PGconn) clerk = cst_db_connect (desk, &error);
    CstDocumentOptions options = { .paper = CST_PDF_PAPER_LETTER };

    g_assert_no_error (error);
    ready = reread (owner, ready);
    g_assert_null (cst_release_run (clerk, ready, "en", &options, &error));
    g_assert_nonnull (error);
    g_assert_nonnull (strstr (error->message, "page 3"));
    g_object_unref (ready);
  }

  exclude (cst_request_get_reference (fine), document_at (owner, fine, 0), "1");
  {
    g_autofree char *out = NULL, *err = NULL;

    check_exit (cst_test_cli_run (desk, &out, &err, "packet", "build", "--request",
                                  cst_request_get_reference (fine), "--output", packet, NULL),
                0, out, err);
  }
  g_assert_cmpint (cst_test_db_int_for_id (owner,
    "SELECT count(*) FROM record_redaction_proofs WHERE request_id = $1 AND passed"
    " AND withheld_pages = 1", cst_request_get_id (fine)), ==, 1);
  cst_test_records_remove (dir);
}

/* With the request's choices, the burned page is searchable again: its
 * text layer (read from the burned image) holds the line left alone, and
 * not the redacted name; the read-back passes with the layer in it; and
 * the packet ends with the log page (page, boxes, reason, no content),
 * counted in the build's pages but not among its record pages. */
static void
test_text_layer_and_log_page (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *dir = g_dir_make_tmp ("cst-propose-XXXXXX", NULL);
  const char *pages[] = { "Seen with Marisol Quintero today\n\nFollow-up visit unremarkable", NULL };
  g_autofree char *note = cst_test_records_pdf_lines (dir, "note.pdf", pages, FALSE);
  g_autofree char *packet = g_build_filename (dir, "packet.pdf", NULL);
  const char *paths[] = { note, NULL };
  g_autoptr(CstRequest) request = request_with (owner, "LAYER-1", paths);
  const char *reference = cst_request_get_reference (request);
  g_autoptr(PopplerDocument) pdf = NULL;
  g_autofree char *text = NULL;
  g_autofree char *squashed = NULL;

  {
    g_autofree char *out = NULL, *err = NULL, *out2 = NULL, *err2 = NULL;

    check_exit (cst_test_cli_run (desk, &out, &err, "packet", "redaction-options", "--request",
                                  reference, NULL), 0, out, err);
    g_assert_nonnull (strstr (out, "text layer: no"));
    g_assert_nonnull (strstr (out, "log page: no"));
    check_exit (cst_test_cli_run (desk, &out2, &err2, "packet", "redaction-options", "--request",
                                  reference, "--text-layer", "yes", "--log-page", "yes", NULL),
                0, out2, err2);
    g_assert_nonnull (strstr (out2, "text layer: yes"));
    g_assert_nonnull (strstr (out2, "log page: yes"));
  }
  {
    g_autofree char *out = NULL, *err = NULL, *out2 = NULL, *err2 = NULL;

    check_exit (cst_test_cli_run (redactor, &out, &err, "packet", "redact", "--request", reference,
                                  "--text", "Marisol Quintero", "--reason", "other_person", NULL),
                0, out, err);
    check_exit (cst_test_cli_run (desk, &out2, &err2, "packet", "build", "--request", reference,
                                  "--output", packet, NULL), 0, out2, err2);
    g_assert_nonnull (strstr (out2, "none of the redacted text"));
  }
  pdf = cst_test_pdf_open_file (packet);
  /* The cover letter, the note, the log. */
  g_assert_cmpint (poppler_document_get_n_pages (pdf), ==, 3);
  text = cst_test_pdf_page_text (pdf, 1);
  squashed = cst_test_pdf_squash (text);
  g_assert_nonnull (strstr (squashed, "unremarkable"));
  g_assert_null (strstr (squashed, "Quintero"));
  g_assert_null (strstr (squashed, "Marisol"));
  {
    g_autofree char *log = cst_test_pdf_page_text (pdf, 2);

    g_assert_nonnull (strstr (log, "Redaction log"));
    g_assert_nonnull (strstr (log, "Page 2: 1 box, OTHER PERSON"));
    g_assert_null (strstr (log, "Quintero"));
  }
  g_assert_cmpint (cst_test_db_int_for_id (owner,
    "SELECT page_count * 10 + record_pages FROM record_packet_builds WHERE request_id = $1",
    cst_request_get_id (request)), ==, 31);
  cst_test_records_remove (dir);
}

/* The other people a request names are fields of the request (0090):
 * the desk records a name and an MRN once, and a run of the finder with
 * no flags proposes both; an auditor reads them but cannot add one; a
 * person taken off the request is no longer given to the finder. */
static void
test_others_on_request (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *dir = g_dir_make_tmp ("cst-propose-XXXXXX", NULL);
  const char *pages[] = {
    "Visit note\n"
    "Accompanied by Delia Ostrander today\n"
    "Chart copied from H7720431 by mistake\n"
    "Follow-up in two weeks",
    NULL
  };
  g_autofree char *note = cst_test_records_pdf_lines (dir, "note.pdf", pages, FALSE);
  const char *paths[] = { note, NULL };
  g_autoptr(CstRequest) request = request_with (owner, "OTHERS-1", paths);
  const char *reference = cst_request_get_reference (request);
  g_autofree char *auditor = cst_test_db_create_login (db, "custodian_auditor");
  g_autofree char *o1 = NULL, *e1 = NULL, *o2 = NULL, *e2 = NULL, *o3 = NULL, *e3 = NULL;
  g_autofree char *o4 = NULL, *e4 = NULL, *o5 = NULL, *e5 = NULL, *o6 = NULL, *e6 = NULL;
  g_autofree char *name_id = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;

  check_exit (cst_test_cli_run (desk, &o1, &e1, "packet", "others", "--request", reference,
                                "--add-name", "Delia Ostrander", NULL), 0, o1, e1);
  check_exit (cst_test_cli_run (desk, &o2, &e2, "packet", "others", "--request", reference,
                                "--add-mrn", "H7720431", "--json", NULL), 0, o2, e2);
  g_assert_nonnull (strstr (o2, "\"kind\":\"name\",\"value\":\"Delia Ostrander\""));
  g_assert_nonnull (strstr (o2, "\"kind\":\"mrn\",\"value\":\"H7720431\""));
  /* The auditor reads them and cannot add one. */
  check_exit (cst_test_cli_run (auditor, &o3, &e3, "packet", "others", "--request", reference,
                                NULL), 0, o3, e3);
  g_assert_nonnull (strstr (o3, "Delia Ostrander"));
  g_assert_cmpint (cst_test_cli_run (auditor, &o4, &e4, "packet", "others", "--request", reference,
                                     "--add-name", "Someone Else", NULL), ==, 1);
  g_assert_nonnull (strstr (e4, "permission denied"));

  /* A clerk of another facility neither sees them nor adds one. */
  {
    g_autofree char *elsewhere = cst_test_db_create_login (db, "custodian_clerk");
    g_autoptr(PGconn) other = cst_db_connect (elsewhere, &error);
    g_autoptr(GPtrArray) seen = NULL;
    g_autofree char *o = NULL, *e = NULL, *o2 = NULL, *e2 = NULL;

    g_assert_no_error (error);
    check_exit (cst_test_cli_run (admin, &o, &e, "facility", "add", "--code", "OTHR", "--state", "TX",
                                  "--request-prefix", "OTH", NULL), 0, o, e);
    check_exit (cst_test_cli_run (admin, &o2, &e2, "facility", "grant", "--login", PQuser (other),
                                  "--facility", "OTHR", NULL), 0, o2, e2);
    seen = cst_redaction_others_list (other, cst_request_get_id (request), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (seen->len, ==, 0);
    g_assert_cmpint (cst_redaction_others_add (other, cst_request_get_id (request), "name", "Someone Else",
                                               &error), ==, 0);
    g_assert_nonnull (error);
    g_clear_error (&error);
  }

  /* No flags: the request's own people are proposed, one box each. */
  check_exit (cst_test_cli_run (desk, &o5, &e5, "packet", "propose", "--request", reference,
                                "--json", NULL), 0, o5, e5);
  g_assert_nonnull (strstr (o5, "\"proposed\":2"));
  g_assert_null (strstr (o5, "Ostrander"));
  list = cst_redaction_list_at (desk, reference, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  for (guint i = 0; i < list->len; i++)
    g_assert_cmpstr (((CstRedaction *) g_ptr_array_index (list, i))->reason, ==, "other_person");

  /* Taken off the request, the name is no longer given to the finder;
   * the MRN still is. */
  name_id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_test_db_int_for_id (owner,
    "SELECT id FROM request_other_people WHERE request_id = $1 AND kind = 'name'",
    cst_request_get_id (request)));
  check_exit (cst_test_cli_run (desk, &o6, &e6, "packet", "others", "--request", reference,
                                "--remove", name_id, NULL), 0, o6, e6);
  g_assert_null (strstr (o6, "Ostrander"));
  g_assert_nonnull (strstr (o6, "H7720431"));
  {
    g_autoptr(PGconn) clerk = cst_db_connect (desk, &error);
    g_autoptr(CstProposalRules) rules = cst_proposal_rules_new ();

    g_assert_no_error (error);
    g_assert_true (cst_proposal_rules_load (clerk, cst_request_get_id (request), rules, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (rules->other_names->len, ==, 0);
    g_assert_cmpuint (rules->other_mrns->len, ==, 1);
    g_assert_cmpstr (g_ptr_array_index (rules->other_mrns, 0), ==, "H7720431");
  }
  cst_test_records_remove (dir);
}

static char *
login_of (const char *conninfo)
{
  const char *user = strstr (conninfo, "user=");

  g_assert_nonnull (user);
  return g_strdup (user + strlen ("user="));
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  db = cst_test_db_new ();
  admin = cst_test_db_create_login (db, "custodian_admin");
  redactor = cst_test_db_create_login (db, "custodian_clerk");
  desk = cst_test_db_create_login (db, "custodian_clerk");
  {
    g_autoptr(PGconn) owner = cst_test_db_connect (db);
    g_autofree char *login = login_of (redactor);
    g_autofree char *sql = g_strdup_printf ("GRANT custodian_redactor TO %s", login);

    cst_test_db_exec_ok (owner, sql, 0, NULL);
  }
  g_test_add_func ("/redaction-propose/terms-are-data", test_terms_are_data);
  g_test_add_func ("/redaction-propose/proposes-never-applies", test_proposes_never_applies);
  g_test_add_func ("/redaction-propose/withheld-page-by-hash", test_withheld_page_by_hash);
  g_test_add_func ("/redaction-propose/text-layer-and-log-page", test_text_layer_and_log_page);
  g_test_add_func ("/redaction-propose/others-on-request", test_others_on_request);
  status = g_test_run ();
  cst_test_db_free (db);
  g_free (admin);
  g_free (redactor);
  g_free (desk);
  return status;
}
