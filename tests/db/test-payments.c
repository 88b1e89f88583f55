/* test-payments.c — payments, refunds and balances (0071), and the law on
 * waiting for payment: the individual's own request never waits, a third
 * party's waits when the hospital requires it; a fee dispute (0077) holds
 * nothing and its due date does not stop; each as the ordinary login of
 * the role that does the work */
#include "config.h"

#include <glib/gstdio.h>

#include "cst-test-cli.h"
#include "cst-test-db.h"
#include "cst-test-pdf.h"

static CstTestDb *db;

static CstRequest *
save (PGconn     *conn,
      CstRequest *request)
{
  g_autoptr(GError) error = NULL;
  CstRequest *saved = cst_request_repo_save (conn, request, &error);

  g_assert_no_error (error);
  g_object_unref (request);
  return saved;
}

/* Every authorization element on file, then verified. */
static CstRequest *
check_authorization (PGconn     *conn,
                     CstRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) checklist = cst_authorization_load (conn, request, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < checklist->len; i++)
    {
      CstAuthorizationItem *item = g_ptr_array_index (checklist, i);
      gboolean core = g_str_equal (item->category, "core");

      g_assert_true (cst_authorization_record (conn, request, item->code,
                                               core ? CST_AUTHORIZATION_PRESENT
                                                    : CST_AUTHORIZATION_NOT_APPLICABLE,
                                               core ? "" : "No such records requested", &error));
      g_assert_no_error (error);
    }
  return cst_test_db_move_along (conn, request, CST_STATUS_AUTHORIZATION_VERIFIED);
}

/* A request of @kind at @status with an invoice issued by @clerk; *total
 * its amount. */
static CstRequest *
invoiced_request (PGconn           *clerk,
                  const char       *mrn,
                  const char       *requester,
                  CstRequesterKind  kind,
                  gint64           *total)
{
  CstRequest *request = cst_test_db_add_request_for (clerk, mrn, requester, kind, "FL");

  g_object_set (request, "page-count", 40, NULL);
  request = save (clerk, request);
  if (kind == CST_REQUESTER_PATIENT || kind == CST_REQUESTER_PERSONAL_REPRESENTATIVE)
    request = cst_test_db_move_along (clerk, request, CST_STATUS_IN_PROGRESS);
  else
    request = cst_test_db_move_along (clerk, check_authorization (clerk, request),
                                      CST_STATUS_IN_PROGRESS);
  *total = cst_test_db_issue_invoice (clerk, request, CST_FEE_METHOD_DEFAULT);
  g_assert_cmpint (*total, >, 0);
  return request;
}

static CstPayment *
pay (PGconn     *conn,
     CstRequest *request,
     gint64      cents,
     const char *reason,
     GError    **error)
{
  CstPaymentEntry entry = {
    .amount_cents = cents, .method = CST_PAYMENT_METHOD_CHECK, .reference = "Check 1042",
    .reason = reason,
  };

  return cst_payment_record (conn, cst_request_get_id (request), &entry, error);
}

static CstPaymentAccount *
account_of (PGconn     *conn,
            CstRequest *request)
{
  g_autoptr(GError) error = NULL;
  CstPaymentAccount *account = cst_payment_account_load (conn, cst_request_get_id (request),
                                                         &error);

  g_assert_no_error (error);
  return account;
}

static void
set_pay_first (gboolean pay_first)
{
  g_autoptr(PGconn) admin = cst_test_db_connect_as (db, "custodian_admin");
  g_autoptr(GError) error = NULL;
  CstPaymentSettings settings = { .third_party_pays_first = pay_first, .unpaid_flag_days = 30 };

  g_assert_true (cst_payment_settings_save (admin, &settings, &error));
  g_assert_no_error (error);
}

static CstRelease *
release (PGconn     *clerk,
         CstRequest *request,
         GError    **error)
{
  /* As stored: a refused release leaves it ready, and moved on from the
   * copy the caller holds. */
  CstRequest *stored = cst_request_repo_get (clerk, cst_request_get_id (request), error);
  g_autoptr(CstRequest) ready = cst_test_db_move_along (clerk, stored, CST_STATUS_READY);
  CstDocumentOptions options = { .paper = CST_PDF_PAPER_LETTER };

  return cst_release_run (clerk, ready, "en", &options, error);
}

/* Balances hand-computed: payments, an adjustment, refunds; nothing more
 * than owed is paid and nothing more than paid is refunded. */
static void
test_balances (void)
{
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(PGconn) billing = cst_test_db_connect_as (db, "custodian_billing");
  g_autoptr(PGconn) auditor = cst_test_db_connect_as (db, "custodian_auditor");
  g_autoptr(CstRequest) request = NULL;
  g_autoptr(CstPaymentAccount) account = NULL;
  g_autoptr(CstPayment) first = NULL;
  g_autoptr(CstPayment) refund = NULL;
  g_autoptr(CstPayment) refused = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *invoice = NULL;
  gint64 total;
  gint64 invoice_id;

  request = invoiced_request (clerk, "PAY-1", "Harper & Lowe LLP", CST_REQUESTER_ATTORNEY, &total);
  g_assert_cmpint (total, >, 2000);

  /* The clerk takes $10.00 at the desk. */
  first = pay (clerk, request, 1000, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (first->amount_cents, ==, 1000);
  g_assert_cmpint (first->method, ==, CST_PAYMENT_METHOD_CHECK);
  g_assert_cmpstr (first->reference, ==, "Check 1042");
  g_assert_cmpstr (first->recorded_by, ==, PQuser (clerk));
  invoice_id = first->invoice_id;
  invoice = g_strdup_printf ("%" G_GINT64_FORMAT, invoice_id);

  /* Billing credits $5.00 off the invoice: it now charges total - 500. */
  cst_test_db_exec_ok (billing, "SELECT adjust_invoice($1::bigint, -500, 'Goodwill', 'Credit')", 1,
                       (const char *[]) { invoice });

  account = account_of (auditor, request);
  g_assert_cmpuint (account->invoices->len, ==, 1);
  g_assert_cmpuint (account->payments->len, ==, 1);
  g_assert_cmpint (account->charged_cents, ==, total - 500);
  g_assert_cmpint (account->paid_cents, ==, 1000);
  g_assert_cmpint (account->balance_cents, ==, total - 500 - 1000);
  g_assert_false (account->individuals);

  /* More than is owed is refused, and a clerk does not refund. */
  refused = pay (billing, request, total - 500 - 1000 + 1, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  refused = pay (clerk, request, -100, "Paid twice", &error);
  g_assert_null (refused);
  g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  /* A refund beyond what was paid is refused; a refund needs a reason. */
  refused = pay (billing, request, -1001, "Paid twice", &error);
  g_assert_null (refused);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "more than was paid"));
  g_clear_error (&error);
  refused = pay (billing, request, -100, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  /* $2.50 back: paid 750, owed total - 500 - 750. */
  refund = pay (billing, request, -250, "Overcharged copies", &error);
  g_assert_no_error (error);
  g_clear_pointer (&account, cst_payment_account_free);
  account = account_of (clerk, request);
  g_assert_cmpint (account->paid_cents, ==, 750);
  g_assert_cmpint (account->balance_cents, ==, total - 500 - 750);
  g_assert_cmpuint (account->payments->len, ==, 2);
  g_assert_cmpstr (((CstPayment *) g_ptr_array_index (account->payments, 1))->reason, ==,
                   "Overcharged copies");

  /* The rest exactly settles it. */
  g_clear_pointer (&refused, cst_payment_free);
  refused = pay (billing, request, total - 500 - 750, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&account, cst_payment_account_free);
  account = account_of (billing, request);
  g_assert_cmpint (account->balance_cents, ==, 0);
  g_assert_cmpint (account->paid_cents, ==, total - 500);

  /* Nobody changes or deletes a payment: not billing, not the owner. */
  {
    g_autoptr(PGconn) owner = cst_test_db_connect (db);
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, first->id);
    const char *params[] = { id };

    g_assert_false (cst_db_exec_command (billing, "UPDATE payments SET amount_cents = 1 WHERE id = $1",
                                         1, params, &error));
    g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
    g_clear_error (&error);
    g_assert_false (cst_db_exec_command (owner, "DELETE FROM payments WHERE id = $1", 1, params,
                                         &error));
    g_assert_error (error, CST_ERROR, CST_ERROR_APPEND_ONLY);
    g_clear_error (&error);
    /* Each one is in the audit log, as the database's own event. */
    g_assert_cmpint (cst_test_db_int (auditor,
      "SELECT count(*) FROM audit_log WHERE table_name = 'event' "
      "AND new_row->>'kind' IN ('payment.recorded', 'payment.refunded') "
      "AND new_row->>'source' = 'database' AND (new_row->'details'->>'invoice')::bigint = $1",
      1, (const char *[]) { invoice }), ==, 3);
  }

  /* An auditor reads but does not record. */
  g_clear_pointer (&refused, cst_payment_free);
  refused = pay (auditor, request, 1, NULL, &error);
  g_assert_null (refused);
  g_assert_nonnull (error);
}

static const char *const individual_requesters[] = { "patient", "personal_representative",
                                                     "patient_directive" };

/* The database refuses a payment hold on the individual's own request
 * under every role, the owner's included, and by a row written directly. */
static void
test_hold_refused_for_individual (void)
{
  static const char *const roles[] = { "custodian_clerk", "custodian_billing",
                                       "custodian_auditor", "custodian_admin" };
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(PGconn) owner = cst_test_db_connect (db);

  for (guint k = 0; k < G_N_ELEMENTS (individual_requesters); k++)
    {
      g_autofree char *mrn = g_strdup_printf ("HOLD-%u", k);
      g_autoptr(CstRequest) request = cst_test_db_add_request (clerk, mrn);
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
      const char *params[] = { id, individual_requesters[k] };
      g_autoptr(GError) error = NULL;

      cst_test_db_exec_ok (owner,
        "UPDATE requesters SET kind = $2::requester_kind "
        " WHERE id = (SELECT requester_id FROM roi_requests WHERE id = $1)", 2, params);
      for (guint r = 0; r < G_N_ELEMENTS (roles); r++)
        {
          g_autoptr(PGconn) login = cst_test_db_connect_as (db, roles[r]);

          g_assert_cmpint (cst_payment_hold_place (login, cst_request_get_id (request),
                                                   "Unpaid invoice", &error), ==, 0);
          g_assert_nonnull (error);
          if (g_str_equal (roles[r], "custodian_billing") || g_str_equal (roles[r], "custodian_admin"))
            {
              g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
              g_assert_nonnull (strstr (error->message, "never held for payment"));
            }
          else
            g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
          g_clear_error (&error);
        }
      /* The owner through the function, and the superuser by hand. */
      g_assert_cmpint (cst_payment_hold_place (owner, cst_request_get_id (request),
                                               "Unpaid invoice", &error), ==, 0);
      g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
      g_clear_error (&error);
      g_assert_false (cst_db_exec_command (owner,
        "INSERT INTO payment_holds (request_id, reason) VALUES ($1, 'Unpaid')", 1, params, &error));
      g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
      g_clear_error (&error);
      g_assert_cmpint (cst_test_db_int_for_id (owner,
        "SELECT count(*) FROM payment_holds WHERE request_id = $1",
        cst_request_get_id (request)), ==, 0);
    }
}

/* The patient's release goes out with its invoice unpaid, and with an
 * earlier request's invoice unpaid, when the hospital requires third
 * parties to pay first. */
static void
test_individual_release_not_blocked (void)
{
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(CstRequest) earlier = NULL;
  g_autoptr(CstRequest) request = NULL;
  g_autoptr(CstRelease) released = NULL;
  g_autoptr(CstPaymentAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  gint64 total;

  set_pay_first (TRUE);
  earlier = invoiced_request (clerk, "IND-1", "Test Patient", CST_REQUESTER_PATIENT, &total);
  request = invoiced_request (clerk, "IND-1", "Test Patient", CST_REQUESTER_PATIENT, &total);
  account = account_of (clerk, request);
  g_assert_true (account->individuals);
  g_assert_false (account->waits_for_payment);
  g_assert_cmpint (account->balance_cents, ==, total);
  g_assert_cmpuint (account->unpaid_elsewhere->len, ==, 0);

  released = release (clerk, request, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cst_request_get_status (released->request), ==, CST_STATUS_RELEASED);
  g_assert_nonnull (released->invoice);
  set_pay_first (FALSE);
}

/* A third party's release waits for payment when the hospital requires
 * it, and goes once billing records the payment; without the setting, a
 * hold placed by billing does the same. */
static void
test_third_party_waits (void)
{
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(PGconn) billing = cst_test_db_connect_as (db, "custodian_billing");
  g_autoptr(CstRequest) request = NULL;
  g_autoptr(CstRequest) held = NULL;
  g_autoptr(CstRelease) refused = NULL;
  g_autoptr(CstRelease) released = NULL;
  g_autoptr(CstPaymentAccount) account = NULL;
  g_autoptr(CstPayment) payment = NULL;
  g_autoptr(GError) error = NULL;
  gint64 total;

  set_pay_first (TRUE);
  request = invoiced_request (clerk, "TP-1", "Acme Insurance", CST_REQUESTER_INSURER, &total);
  account = account_of (clerk, request);
  g_assert_true (account->waits_for_payment);
  refused = release (clerk, request, &error);
  g_assert_null (refused);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_TRANSITION);
  g_assert_nonnull (strstr (error->message, "waits for payment"));
  g_clear_error (&error);

  payment = pay (billing, request, total, NULL, &error);
  g_assert_no_error (error);
  released = release (clerk, request, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cst_request_get_status (released->request), ==, CST_STATUS_RELEASED);
  set_pay_first (FALSE);

  /* The setting off: a hold by billing makes this one wait. */
  held = invoiced_request (clerk, "TP-2", "Acme Insurance", CST_REQUESTER_INSURER, &total);
  g_assert_cmpint (cst_payment_hold_place (clerk, cst_request_get_id (held), "Prepay", &error), ==, 0);
  g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_cmpint (cst_payment_hold_place (billing, cst_request_get_id (held), "Prepay", &error), >, 0);
  g_assert_no_error (error);
  g_clear_pointer (&refused, cst_release_free);
  refused = release (clerk, held, &error);
  g_assert_null (refused);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_TRANSITION);
  g_clear_error (&error);
  g_assert_true (cst_payment_hold_lift (billing, cst_request_get_id (held), &error));
  g_assert_no_error (error);
  g_clear_pointer (&released, cst_release_free);
  released = release (clerk, held, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cst_request_get_status (released->request), ==, CST_STATUS_RELEASED);
}

/* A third party whose invoices stay unpaid longer than the setting is
 * flagged on its next request; an individual's request never is. */
static void
test_unpaid_requester_flagged (void)
{
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(CstRequest) old = NULL;
  g_autoptr(CstRequest) next = NULL;
  g_autoptr(CstRequest) other = NULL;
  g_autoptr(CstPaymentAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *old_id = NULL;
  g_autofree char *other_id = NULL;
  gint64 total;

  old = invoiced_request (clerk, "FLAG-1", "Ruth Okafor", CST_REQUESTER_ATTORNEY, &total);
  /* Set-up: the invoice was issued 45 days ago (the flag is at 30). */
  cst_test_db_exec_ok (owner, "ALTER TABLE invoices DISABLE TRIGGER invoices_immutable", 0, NULL);
  old_id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (old));
  cst_test_db_exec_ok (owner,
    "UPDATE invoices SET issued_at = now() - interval '45 days' WHERE request_id = $1", 1,
    (const char *[]) { old_id });
  cst_test_db_exec_ok (owner, "ALTER TABLE invoices ENABLE TRIGGER invoices_immutable", 0, NULL);
  set_pay_first (FALSE);

  next = cst_test_db_add_request_for (clerk, "FLAG-2", "ruth okafor", CST_REQUESTER_ATTORNEY, "FL");
  account = account_of (clerk, next);
  g_assert_cmpuint (account->unpaid_flag_days, ==, 30);
  g_assert_cmpuint (account->unpaid_elsewhere->len, ==, 1);
  g_assert_cmpint (((CstInvoiceBalance *) g_ptr_array_index (account->unpaid_elsewhere, 0))->balance_cents,
                   ==, total);
  g_assert_cmpstr (((CstInvoiceBalance *) g_ptr_array_index (account->unpaid_elsewhere, 0))->reference,
                   ==, cst_request_get_reference (old));

  /* The patient's own request by a same-named requester: no flag; and
   * her own unpaid invoice, however old, counts against no attorney. */
  other = invoiced_request (clerk, "FLAG-3", "Ruth Okafor", CST_REQUESTER_PATIENT, &total);
  g_clear_pointer (&account, cst_payment_account_free);
  account = account_of (clerk, other);
  g_assert_cmpuint (account->unpaid_elsewhere->len, ==, 0);
  other_id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (other));
  cst_test_db_exec_ok (owner, "ALTER TABLE invoices DISABLE TRIGGER invoices_immutable", 0, NULL);
  cst_test_db_exec_ok (owner,
    "UPDATE invoices SET issued_at = now() - interval '45 days' WHERE request_id = $1", 1,
    (const char *[]) { other_id });
  cst_test_db_exec_ok (owner, "ALTER TABLE invoices ENABLE TRIGGER invoices_immutable", 0, NULL);
  g_clear_pointer (&account, cst_payment_account_free);
  account = account_of (clerk, next);
  g_assert_cmpuint (account->unpaid_elsewhere->len, ==, 1);
  (void) error;
}

/* The receipt is a tagged PDF (issue 21): its title an H1, the details
 * a table whose labels are the header cells of their rows, the language
 * and the PDF/UA claim in the catalog and XMP, no patient in the XMP. */
static void
assert_tagged_receipt (GBytes            *pdf,
                       const char *const *forbidden)
{
  g_autoptr(GPtrArray) elements = cst_test_pdf_structure (pdf);
  g_autoptr(GPtrArray) h1 = cst_test_pdf_elements_of_kind (elements, POPPLER_STRUCTURE_ELEMENT_HEADING_1);
  g_autoptr(PopplerDocument) doc = cst_test_pdf_open (pdf);
  g_autofree char *xmp = poppler_document_get_metadata (doc);
  g_autofree char *title = NULL;
  CstTestPdfElement *label;

  cst_test_pdf_assert_qpdf_clean (pdf);
  cst_test_pdf_assert_pdfua (pdf, "en", "Payment receipt");
  cst_test_pdf_assert_content_marked (pdf, NULL);
  g_assert_cmpuint (h1->len, ==, 1);
  title = cst_test_pdf_ascii_words (((CstTestPdfElement *) h1->pdata[0])->text);
  g_assert_cmpstr (title, ==, "Paymentreceipt");
  label = cst_test_pdf_find_element (elements, POPPLER_STRUCTURE_ELEMENT_TABLE_HEADING, "Amount paid");
  g_assert_cmpstr (label->scope, ==, "Row");
  cst_test_pdf_find_element (elements, POPPLER_STRUCTURE_ELEMENT_TABLE_DATA, "$12.34");
  for (guint i = 0; forbidden[i]; i++)
    g_assert_null (strstr (xmp, forbidden[i]));
}

/* The receipt is a PDF that says what was paid, and its metadata names
 * no patient. */
static void
test_receipt (void)
{
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(CstRequest) request = NULL;
  g_autoptr(CstPayment) payment = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  gint64 total;
  const char *const forbidden[] = { "Test", "Patient", "RCPT-1", "ROI-", NULL };

  request = invoiced_request (clerk, "RCPT-1", "Harper & Lowe LLP", CST_REQUESTER_ATTORNEY, &total);
  payment = pay (clerk, request, 1234, NULL, &error);
  g_assert_no_error (error);
  pdf = cst_payment_receipt_render (clerk, cst_request_get_id (request), payment->id, &error);
  g_assert_no_error (error);
  doc = cst_test_pdf_open (pdf);
  text = cst_test_pdf_text (doc);
  g_assert_nonnull (strstr (text, "$12.34"));
  g_assert_nonnull (strstr (text, cst_request_get_reference (request)));
  g_assert_nonnull (strstr (text, payment->invoice_number));
  g_assert_nonnull (strstr (text, "Check 1042"));
  cst_test_pdf_assert_clean_metadata (doc, forbidden);
  assert_tagged_receipt (pdf, forbidden);

  /* Another request's payment is not this request's receipt. */
  g_clear_pointer (&pdf, g_bytes_unref);
  pdf = cst_payment_receipt_render (clerk, cst_request_get_id (request) + 1000, payment->id, &error);
  g_assert_null (pdf);
  g_assert_error (error, CST_ERROR, CST_ERROR_NOT_FOUND);
}

/* A request of @kind received 100 days ago (its legal deadline long
 * past), invoiced by the clerk as it stands. */
static CstRequest *
old_invoiced_request (PGconn           *owner,
                      PGconn           *clerk,
                      const char       *mrn,
                      CstRequesterKind  kind,
                      gint64           *total)
{
  g_autoptr(CstRequest) added = cst_test_db_add_request_for (clerk, mrn, "Lee Fontaine", kind, "FL");
  g_autoptr(GError) error = NULL;
  CstRequest *request;

  cst_test_db_set_received (owner, added, 100);
  request = cst_request_repo_get (clerk, cst_request_get_id (added), &error);
  g_assert_no_error (error);
  g_object_set (request, "page-count", 25, NULL);
  request = save (clerk, request);
  if (kind == CST_REQUESTER_PATIENT)
    request = cst_test_db_move_along (clerk, request, CST_STATUS_IN_PROGRESS);
  else
    request = cst_test_db_move_along (clerk, check_authorization (clerk, request),
                                      CST_STATUS_IN_PROGRESS);
  *total = cst_test_db_issue_invoice (clerk, request, CST_FEE_METHOD_DEFAULT);
  g_assert_cmpint (*total, >, 300);
  return request;
}

static gboolean
keep_row (const CstFeeReportRow *row,
          gpointer               user_data,
          GError               **error)
{
  GHashTable *rows = user_data;
  guint *flags = g_new (guint, 2);

  flags[0] = row->flags;
  flags[1] = (guint) row->paid_cents;
  g_hash_table_insert (rows, g_strdup (row->reference), flags);
  return TRUE;
}

/* The CSV ends each of @reference's lines with paid_cents and
 * balance_cents; the PDF's first page says what was collected and what is
 * outstanding, in words. */
static void
assert_exports (PGconn                   *conn,
                const CstFeeReportFilter *filter,
                const char               *reference,
                gint64                    total,
                gint64                    outstanding)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *tail = g_strdup_printf (",300,%" G_GINT64_FORMAT ",MAIN\r\n", total - 300);
  g_autofree char *dir = g_dir_make_tmp ("payments-report-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "report.pdf", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *text = NULL;
  g_autofree char *money = cst_money_format (outstanding);
  g_autofree char *expected = g_strdup_printf ("Outstanding: %s.", money);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  g_auto(GStrv) lines = NULL;
  gsize length;
  guint found = 0;

  g_assert_true (cst_fee_report_write_csv (conn, filter, out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_write_all (out, "", 1, NULL, NULL, NULL));
  g_assert_true (g_output_stream_close (out, NULL, NULL));
  csv = g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
  /* The new columns come last: the CSV is a stable interface. */
  g_assert_true (g_str_has_prefix (strstr (csv, ",deadline_citation,"),
                                   ",deadline_citation,paid_cents,balance_cents,facility\r\n"));
  lines = g_strsplit (csv, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], reference))
      {
        g_autofree char *line = g_strconcat (lines[i], "\n", NULL);

        g_assert_true (g_str_has_suffix (line, tail));
        found++;
      }
  g_assert_cmpuint (found, >, 0);

  g_assert_true (cst_fee_report_write_pdf (conn, filter, path, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_unlink (path);
  g_rmdir (dir);
  bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  doc = cst_test_pdf_open (bytes);
  text = cst_test_pdf_page_text (doc, 0);
  g_assert_nonnull (strstr (text, expected));
}

/* The fee report (screen, CSV, PDF and CLI share its summary) counts
 * what was collected and what is outstanding, hand-computed; and flags
 * the individual's request released after its due date with an invoice
 * unpaid, not the one paid before its (late) release, nor a third
 * party's.  The dashboard moves by exactly what is paid. */
static void
test_fee_report_and_dashboard (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(PGconn) billing = cst_test_db_connect_as (db, "custodian_billing");
  g_autoptr(PGconn) auditor = cst_test_db_connect_as (db, "custodian_auditor");
  g_autoptr(CstRequest) unpaid = NULL;
  g_autoptr(CstRequest) paid = NULL;
  g_autoptr(CstRequest) third = NULL;
  g_autoptr(CstRelease) released = NULL;
  g_autoptr(CstPayment) payment = NULL;
  g_autoptr(CstFeeReportSummary) summary = NULL;
  g_autoptr(GHashTable) rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(CstDashboard) before = NULL;
  g_autoptr(CstDashboard) after = NULL;
  g_autoptr(GError) error = NULL;
  CstFeeReportFilter filter = { 0 };
  gint64 total_unpaid, total_paid, total_third;
  guint *row;
  GDate today;

  set_pay_first (FALSE);
  cst_input_today (&today);
  before = cst_dashboard_load (auditor, &today, &error);
  g_assert_no_error (error);

  unpaid = old_invoiced_request (owner, clerk, "FR-1", CST_REQUESTER_PATIENT, &total_unpaid);
  paid = old_invoiced_request (owner, clerk, "FR-2", CST_REQUESTER_PATIENT, &total_paid);
  third = old_invoiced_request (owner, clerk, "FR-3", CST_REQUESTER_ATTORNEY, &total_third);

  released = release (clerk, unpaid, &error);
  g_assert_no_error (error);
  g_clear_pointer (&released, cst_release_free);
  payment = pay (clerk, paid, total_paid, NULL, &error);
  g_assert_no_error (error);
  released = release (clerk, paid, &error);
  g_assert_no_error (error);
  g_clear_pointer (&released, cst_release_free);
  g_clear_pointer (&payment, cst_payment_free);
  payment = pay (billing, third, 300, NULL, &error);
  g_assert_no_error (error);
  released = release (clerk, third, &error);
  g_assert_no_error (error);

  g_date_clear (&filter.from, 1);
  g_date_clear (&filter.to, 1);
  filter.from = today;
  g_date_subtract_days (&filter.from, 100);
  filter.to = filter.from;
  g_assert_true (cst_fee_report_run (auditor, &filter, keep_row, rows, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cst_fee_report_summary_get_n_requests (summary), ==, 3);
  g_assert_cmpint (cst_fee_report_summary_get_total_cents (summary), ==,
                   total_unpaid + total_paid + total_third);
  g_assert_cmpint (cst_fee_report_summary_get_collected_cents (summary), ==, total_paid + 300);
  g_assert_cmpint (cst_fee_report_summary_get_outstanding_cents (summary), ==,
                   total_unpaid + total_third - 300);
  g_assert_cmpint (cst_fee_report_summary_get_flag_count (summary, CST_FEE_REPORT_FLAG_RELEASED_LATE_UNPAID),
                   ==, 1);

  row = g_hash_table_lookup (rows, cst_request_get_reference (unpaid));
  g_assert_true (row[0] & CST_FEE_REPORT_FLAG_RELEASED_LATE);
  g_assert_true (row[0] & CST_FEE_REPORT_FLAG_RELEASED_LATE_UNPAID);
  g_assert_cmpuint (row[1], ==, 0);
  row = g_hash_table_lookup (rows, cst_request_get_reference (paid));
  g_assert_true (row[0] & CST_FEE_REPORT_FLAG_RELEASED_LATE);
  g_assert_false (row[0] & CST_FEE_REPORT_FLAG_RELEASED_LATE_UNPAID);
  g_assert_cmpuint (row[1], ==, (guint) total_paid);
  row = g_hash_table_lookup (rows, cst_request_get_reference (third));
  g_assert_false (row[0] & CST_FEE_REPORT_FLAG_RELEASED_LATE_UNPAID);
  g_assert_cmpuint (row[1], ==, 300);

  assert_exports (auditor, &filter, cst_request_get_reference (third), total_third,
                  total_unpaid + total_third - 300);

  /* This month: everything paid above; outstanding grows by what was
   * invoiced and not paid. */
  after = cst_dashboard_load (auditor, &today, &error);
  g_assert_no_error (error);
  g_assert_cmpint (after->collected_cents[CST_DASHBOARD_N_MONTHS - 1]
                   - before->collected_cents[CST_DASHBOARD_N_MONTHS - 1], ==, total_paid + 300);
  g_assert_cmpint (after->outstanding_cents - before->outstanding_cents, ==,
                   total_unpaid + total_third - 300);
}

/* ---- fee disputes (0077) -------------------------------------------------- */

static GPtrArray *
disputes_of (PGconn     *conn,
             CstRequest *request)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *disputes = cst_fee_dispute_list (conn, cst_request_get_id (request), &error);

  g_assert_no_error (error);
  return disputes;
}

/* The patient disputes the fee: recorded by the desk with the due date of
 * that day; the due date, the clock and the at-risk count are unchanged;
 * a later due date is refused under every role while it is open (a
 * receipt date moved later would restart the clock), and allowed again
 * once billing resolved it; the release goes out meanwhile, the invoice
 * unpaid. */
static void
test_dispute_keeps_due_date (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(PGconn) billing = cst_test_db_connect_as (db, "custodian_billing");
  g_autoptr(PGconn) auditor = cst_test_db_connect_as (db, "custodian_auditor");
  g_autoptr(CstRequest) request = NULL;
  g_autoptr(CstRelease) released = NULL;
  g_autoptr(GPtrArray) disputes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *invoice = NULL;
  CstFeeDispute *dispute;
  gint64 total, at_risk, due_before;

  request = invoiced_request (clerk, "DSP-1", "Test Patient", CST_REQUESTER_PATIENT, &total);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  {
    const char *params[] = { id };
    g_autoptr(PGresult) res = PQexecParams (clerk, "SELECT number FROM invoices WHERE request_id = $1",
                                            1, NULL, params, NULL, NULL, 0);

    g_assert_cmpint (PQntuples (res), ==, 1);
    invoice = g_strdup (PQgetvalue (res, 0, 0));
  }
  /* Received 27 days ago: three days left, at risk. */
  cst_test_db_set_received (owner, request, 27);
  due_before = cst_test_db_int_for_id (clerk, "SELECT due_date - current_date FROM roi_requests"
                                       " WHERE id = $1", cst_request_get_id (request));
  g_assert_cmpint (due_before, ==, 3);
  at_risk = cst_clocks_count_at_risk (clerk, &error);
  g_assert_no_error (error);

  /* The auditor only reads; the desk records it. */
  g_assert_cmpint (cst_fee_dispute_open (auditor, cst_request_get_id (request), NULL, "Too much",
                                         &error), ==, 0);
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpint (cst_fee_dispute_open (clerk, cst_request_get_id (request), "NO-SUCH",
                                         "Too much", &error), ==, 0);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_cmpint (cst_fee_dispute_open (clerk, cst_request_get_id (request), invoice,
                                         "Charged per page for an electronic copy", &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpint (cst_fee_dispute_open (clerk, cst_request_get_id (request), NULL, "Again",
                                         &error), ==, 0);
  g_assert_nonnull (error);
  g_clear_error (&error);

  disputes = disputes_of (clerk, request);
  g_assert_cmpuint (disputes->len, ==, 1);
  dispute = g_ptr_array_index (disputes, 0);
  g_assert_cmpint (dispute->outcome, ==, CST_FEE_DISPUTE_OPEN);
  g_assert_cmpstr (dispute->invoice_number, ==, invoice);
  g_assert_cmpstr (dispute->opened_by, ==, PQuser (clerk));
  g_assert_nonnull (dispute->due_date_at_opening);
  g_assert_cmpint (g_date_compare (dispute->due_date_at_opening, dispute->due_date), ==, 0);
  g_assert_cmpint (dispute->days_in_dispute, ==, 0);

  /* The clock runs on: the same days left, still at risk. */
  g_assert_cmpint (cst_test_db_int_for_id (clerk, "SELECT legal_days_left FROM fee_dispute_clocks"
                                           " WHERE request_id = $1", cst_request_get_id (request)),
                   ==, due_before);
  g_assert_cmpint (cst_test_db_int_for_id (clerk, "SELECT count(*) FROM roi_request_clocks"
                                           " WHERE id = $1 AND at_risk", cst_request_get_id (request)),
                   ==, 1);
  g_assert_cmpint (cst_clocks_count_at_risk (clerk, &error), ==, at_risk);

  /* A later receipt date would restart the clock: refused, the owner too. */
  {
    const char *params[] = { id };
    g_autoptr(PGresult) res = PQexecParams (clerk,
      "UPDATE roi_requests SET received_date = received_date + 20 WHERE id = $1",
      1, NULL, params, NULL, NULL, 0);

    g_assert_cmpint (PQresultStatus (res), ==, PGRES_FATAL_ERROR);
    g_assert_nonnull (strstr (PQresultErrorMessage (res), "does not stop for a fee dispute"));
  }
  {
    const char *params[] = { id };
    g_autoptr(PGresult) res = PQexecParams (owner,
      "UPDATE roi_requests SET received_date = received_date + 20 WHERE id = $1",
      1, NULL, params, NULL, NULL, 0);

    g_assert_cmpint (PQresultStatus (res), ==, PGRES_FATAL_ERROR);
  }
  g_assert_cmpint (cst_test_db_int_for_id (clerk, "SELECT due_date - current_date FROM roi_requests"
                                           " WHERE id = $1", cst_request_get_id (request)),
                   ==, due_before);

  /* Only billing resolves; the clerk may not. */
  g_assert_false (cst_fee_dispute_resolve (clerk, cst_request_get_id (request),
                                           CST_FEE_DISPUTE_REDUCED, "Flat fee", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* The release goes out with the fee in dispute and the invoice unpaid. */
  released = release (clerk, request, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cst_request_get_status (released->request), ==, CST_STATUS_RELEASED);

  g_assert_true (cst_fee_dispute_resolve (billing, cst_request_get_id (request),
                                          CST_FEE_DISPUTE_REDUCED,
                                          "Reduced to the $6.50 flat fee; adjustment issued", &error));
  g_assert_no_error (error);
  g_clear_pointer (&disputes, g_ptr_array_unref);
  disputes = disputes_of (auditor, request);
  dispute = g_ptr_array_index (disputes, 0);
  g_assert_cmpint (dispute->outcome, ==, CST_FEE_DISPUTE_REDUCED);
  g_assert_cmpstr (dispute->resolved_by, ==, PQuser (billing));
  g_assert_nonnull (dispute->resolved_at);
  g_assert_cmpint (cst_test_db_int_for_id (clerk, "SELECT count(*) FROM fee_dispute_clocks"
                                           " WHERE request_id = $1", cst_request_get_id (request)),
                   ==, 0);
  /* Resolved is final; nothing is deleted. */
  cst_test_db_exec_ok (owner, "SELECT 1", 0, NULL);
  {
    const char *params[] = { id };
    g_autoptr(PGresult) changed = PQexecParams (owner,
      "UPDATE fee_disputes SET outcome = 'waived' WHERE request_id = $1", 1, NULL, params, NULL,
      NULL, 0);
    g_autoptr(PGresult) deleted = PQexecParams (owner,
      "DELETE FROM fee_disputes WHERE request_id = $1", 1, NULL, params, NULL, NULL, 0);

    g_assert_cmpint (PQresultStatus (changed), ==, PGRES_FATAL_ERROR);
    g_assert_cmpint (PQresultStatus (deleted), ==, PGRES_FATAL_ERROR);
  }
}

/* Without a dispute open the same later receipt date is taken: the
 * trigger refuses it only while the fee is disputed. */
static void
test_dispute_resolved_frees_due_date (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(PGconn) billing = cst_test_db_connect_as (db, "custodian_billing");
  g_autoptr(CstRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  gint64 total, due;

  request = invoiced_request (clerk, "DSP-2", "Test Patient", CST_REQUESTER_PATIENT, &total);
  cst_test_db_set_received (owner, request, 10);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  g_assert_cmpint (cst_fee_dispute_open (clerk, cst_request_get_id (request), NULL, "Too much",
                                         &error), >, 0);
  g_assert_true (cst_fee_dispute_resolve (billing, cst_request_get_id (request),
                                          CST_FEE_DISPUTE_WITHDRAWN, "Requester agreed", &error));
  g_assert_no_error (error);
  due = cst_test_db_int_for_id (clerk, "SELECT due_date - current_date FROM roi_requests"
                                " WHERE id = $1", cst_request_get_id (request));
  cst_test_db_exec_ok (clerk, "UPDATE roi_requests SET received_date = received_date + 1"
                       " WHERE id = $1", 1, (const char *[]) { id });
  g_assert_cmpint (cst_test_db_int_for_id (clerk, "SELECT due_date - current_date FROM roi_requests"
                                           " WHERE id = $1", cst_request_get_id (request)), >, due);
}

/* custodian-cli dispute open, list, resolve as the desk and billing. */
static void
test_dispute_cli (void)
{
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");
  g_autofree char *clerk_login = cst_test_db_create_login (db, "custodian_clerk");
  g_autofree char *billing_login = cst_test_db_create_login (db, "custodian_billing");
  g_autoptr(CstRequest) request = NULL;
  const char *reference;
  g_autofree char *out = NULL, *err = NULL;
  gint64 total;

  request = invoiced_request (clerk, "DSP-3", "Test Patient", CST_REQUESTER_PATIENT, &total);
  reference = cst_request_get_reference (request);
  g_assert_cmpint (cst_test_cli_run (clerk_login, &out, &err, "dispute", "open", "--request",
                                     reference, "--reason", "Fee too high", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "does not stop"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cst_test_cli_run (clerk_login, &out, &err, "dispute", "list", "--request",
                                     reference, NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "open\t"));
  g_assert_nonnull (strstr (out, "Fee too high"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  /* The desk does not resolve: exit 1, the server's refusal. */
  g_assert_cmpint (cst_test_cli_run (clerk_login, &out, &err, "dispute", "resolve", "--request",
                                     reference, "--outcome", "waived", "--note", "x", NULL), ==, 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cst_test_cli_run (billing_login, &out, &err, "dispute", "resolve", "--request",
                                     reference, "--outcome", "upheld", "--note",
                                     "Within the state's per-page fee", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cst_test_cli_run (clerk_login, &out, &err, "dispute", "list", "--request",
                                     reference, NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "upheld\t"));
  g_assert_nonnull (strstr (out, "Within the state's per-page fee"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/payment/balances", test_balances);
  g_test_add_func ("/payment/hold-refused-for-individual", test_hold_refused_for_individual);
  g_test_add_func ("/payment/individual-release-not-blocked", test_individual_release_not_blocked);
  g_test_add_func ("/payment/third-party-waits", test_third_party_waits);
  g_test_add_func ("/payment/unpaid-requester-flagged", test_unpaid_requester_flagged);
  g_test_add_func ("/payment/receipt", test_receipt);
  g_test_add_func ("/payment/fee-report-and-dashboard", test_fee_report_and_dashboard);
  g_test_add_func ("/payment/dispute-keeps-due-date", test_dispute_keeps_due_date);
  g_test_add_func ("/payment/dispute-resolved-frees-due-date", test_dispute_resolved_frees_due_date);
  g_test_add_func ("/payment/dispute-cli", test_dispute_cli);
  return cst_test_db_run (&db);
}
