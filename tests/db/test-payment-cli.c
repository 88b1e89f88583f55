/* test-payment-cli.c — `custodian-cli payment add`, `list`, `receipt` and
 * `settings` as the logins that do the work: the desk takes a payment,
 * billing refunds, the balance is hand-computed, the receipt is a PDF; a
 * refund by the desk and a rule change by anyone but an administrator
 * exit 1; bad command lines exit 2 */
#include "config.h"

#include <glib/gstdio.h>

#include "cst-test-cli.h"
#include "cst-test-db.h"
#include "cst-test-pdf.h"

static CstTestDb *db;

static CstRequest *
invoiced_request (const char *mrn,
                  gint64     *total)
{
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");
  CstRequest *request = cst_test_db_add_request (clerk, mrn);
  CstRequest *saved;

  g_object_set (request, "page-count", 30, NULL);
  saved = cst_request_repo_save (clerk, request, NULL);
  g_object_unref (request);
  *total = cst_test_db_issue_invoice (clerk, saved, CST_FEE_METHOD_HIPAA_FLAT);
  g_assert_cmpint (*total, >, 300);
  return saved;
}

static void
test_add_list_receipt (void)
{
  g_autofree char *desk = cst_test_db_create_login (db, "custodian_clerk");
  g_autofree char *billing = cst_test_db_create_login (db, "custodian_billing");
  g_autoptr(CstRequest) request = NULL;
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cst-payment-cli-XXXXXX", NULL);
  g_autofree char *receipt = g_build_filename (dir, "receipt.pdf", NULL);
  g_autofree char *contents = NULL;
  gsize length = 0;
  gint64 total;
  const char *reference;

  request = invoiced_request ("PCLI-1", &total);
  reference = cst_request_get_reference (request);

  g_assert_cmpint (cst_test_cli_run (desk, &out, &err, "payment", "add", "--request", reference,
                                     "--amount", "1.25", "--method", "check", "--reference",
                                     "Check 77", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "Recorded payment "));
  g_assert_nonnull (strstr (out, " of $1.25 against invoice INV-"));

  /* The desk does not refund; billing does, with a reason. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cst_test_cli_run (desk, &out, &err, "payment", "add", "--request", reference,
                                     "--amount", "-0.25", "--method", "check", "--reason",
                                     "Overpaid", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "refund"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cst_test_cli_run (billing, &out, &err, "payment", "add", "--request", reference,
                                     "--amount", "-2.00", "--method", "check", "--reason",
                                     "Overpaid", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "more than was paid"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cst_test_cli_run (billing, &out, &err, "payment", "add", "--request", reference,
                                     "--amount", "-0.25", "--method", "check", "--reason",
                                     "Overpaid", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "Recorded refund "));

  /* Paid 125 - 25 = 100 cents; owed total - 100. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cst_test_cli_run (desk, &out, &err, "payment", "list", "--request", reference,
                                     "--json", NULL), ==, 0);
  expected = g_strdup_printf ("\"charged_cents\":%" G_GINT64_FORMAT ",\"paid_cents\":100,"
                              "\"balance_cents\":%" G_GINT64_FORMAT
                              ",\"individuals_own_request\":true,\"waits_for_payment\":false",
                              total, total - 100);
  g_assert_nonnull (strstr (out, expected));
  g_assert_nonnull (strstr (out, "\"amount_cents\":-25"));
  g_assert_nonnull (strstr (out, "\"reference\":\"Check 77\""));

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cst_test_cli_run (desk, &out, &err, "payment", "receipt", "--request", reference,
                                     "--id", "1", "--output", receipt, NULL), ==, 0);
  g_assert_true (g_file_get_contents (receipt, &contents, &length, NULL));
  g_assert_true (g_str_has_prefix (contents, "%PDF"));
  {
    g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
    g_autoptr(PopplerDocument) doc = cst_test_pdf_open (bytes);
    g_autofree char *text = cst_test_pdf_text (doc);

    g_assert_nonnull (strstr (text, "$1.25"));
    g_assert_nonnull (strstr (text, "Check 77"));
  }
  g_unlink (receipt);
  g_rmdir (dir);
}

static void
test_settings_and_usage (void)
{
  g_autofree char *desk = cst_test_db_create_login (db, "custodian_clerk");
  g_autofree char *admin = cst_test_db_create_login (db, "custodian_admin");
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (cst_test_cli_run (desk, &out, &err, "payment", "settings",
                                     "--third-party-pays-first", "yes", NULL), ==, 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cst_test_cli_run (admin, &out, &err, "payment", "settings",
                                     "--third-party-pays-first", "yes", "--unpaid-flag-days", "45",
                                     NULL), ==, 0);
  g_assert_cmpstr (out, ==, "Third parties pay before release: yes\n"
                            "A third party is flagged after invoices unpaid for: 45 days\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cst_test_cli_run (desk, &out, &err, "payment", "settings", NULL), ==, 0);
  g_assert_nonnull (strstr (out, ": yes\n"));

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cst_test_cli_run (desk, &out, &err, "payment", "add", "--request", "ROI-X",
                                     "--amount", "1", "--method", "barter", NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cst_test_cli_run (desk, &out, &err, "payment", "add", "--request", "ROI-X",
                                     "--amount", "one", "--method", "cash", NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cst_test_cli_run (desk, &out, &err, "payment", "receipt", "--request", "ROI-X",
                                     NULL), ==, 2);
}

/* A hold on the patient's own request is refused whoever asks; billing
 * holds an attorney's and lifts it. */
static void
test_hold (void)
{
  g_autofree char *billing = cst_test_db_create_login (db, "custodian_billing");
  g_autofree char *admin = cst_test_db_create_login (db, "custodian_admin");
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(CstRequest) own = cst_test_db_add_request (clerk, "PCLI-H1");
  g_autoptr(CstRequest) third = cst_test_db_add_request_for (clerk, "PCLI-H2", "Dana Whitlock, Esq.",
                                                             CST_REQUESTER_ATTORNEY, "FL");
  const char *logins[] = { billing, admin };
  g_autofree char *out = NULL, *err = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (logins); i++)
    {
      g_clear_pointer (&out, g_free);
      g_clear_pointer (&err, g_free);
      g_assert_cmpint (cst_test_cli_run (logins[i], &out, &err, "payment", "hold", "--request",
                                         cst_request_get_reference (own), "--reason", "Unpaid",
                                         NULL), ==, 1);
      g_assert_nonnull (strstr (err, "never held for payment"));
    }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cst_test_cli_run (billing, &out, &err, "payment", "hold", "--request",
                                     cst_request_get_reference (third), "--reason", "Prepay", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "is held"));
  g_assert_cmpint (cst_test_db_int_for_id (clerk, "SELECT count(*) FROM payment_holds WHERE request_id = $1 AND lifted_at IS NULL",
                                           cst_request_get_id (third)), ==, 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cst_test_cli_run (billing, &out, &err, "payment", "hold", "--request",
                                     cst_request_get_reference (third), "--lift", NULL), ==, 0);
  g_assert_cmpint (cst_test_db_int_for_id (clerk, "SELECT count(*) FROM payment_holds WHERE request_id = $1 AND lifted_at IS NULL",
                                           cst_request_get_id (third)), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cst_test_cli_run (billing, &out, &err, "payment", "hold", "--request",
                                     cst_request_get_reference (third), NULL), ==, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/payment-cli/add-list-receipt", test_add_list_receipt);
  g_test_add_func ("/payment-cli/settings-and-usage", test_settings_and_usage);
  g_test_add_func ("/payment-cli/hold", test_hold);
  return cst_test_db_run (&db);
}
