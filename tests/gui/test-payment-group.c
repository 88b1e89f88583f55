/* test-payment-group.c — the request view's Payments group as the clerk:
 * a third party's requester unpaid for too long is flagged when the
 * request is opened; a payment typed in is recorded off the main loop and
 * the balance follows; a refund by the clerk is refused by the server and
 * nothing is recorded; an amount that is not money is not sent. */
#include "config.h"

#include <adwaita.h>
#include <custodian/cst-locale-format.h>

#include "cst-payment-group.h"
#include "cst-request-detail.h"
#include "cst-test-gui.h"
#include "cst-window.h"

static CstTestDb *db;

static gboolean
group_idle (gpointer data)
{
  return !cst_payment_group_is_busy (data);
}

static gboolean
group_shows_balance (gpointer data)
{
  const char *text = cst_payment_group_get_balance_text (data);

  return text != NULL && strstr (text, "balance") != NULL;
}

static gboolean
group_has_one_payment (gpointer data)
{
  return cst_payment_group_get_n_payments (data) == 1 && !cst_payment_group_is_busy (data);
}

/* An attorney's request, invoiced by the clerk; *total its amount. */
static CstRequest *
invoiced_attorney_request (PGconn     *clerk,
                           const char *mrn,
                           gint64     *total)
{
  g_autoptr(CstRequest) added = cst_test_db_add_request_for (clerk, mrn, "Ruth Okafor",
                                                             CST_REQUESTER_ATTORNEY, "FL");
  g_autoptr(GError) error = NULL;
  CstRequest *request;

  g_object_set (added, "page-count", 20, NULL);
  request = cst_request_repo_save (clerk, added, &error);
  g_assert_no_error (error);
  *total = cst_test_db_issue_invoice (clerk, request, CST_FEE_METHOD_DEFAULT);
  g_assert_cmpint (*total, >, 200);
  return request;
}

static void
test_flag_pay_and_refuse (void)
{
  g_autofree char *clerk_login = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) clerk = cst_db_connect (clerk_login, NULL);
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(CstRequestStore) store = NULL;
  g_autoptr(CstRequest) old = NULL;
  g_autoptr(CstRequest) request = NULL;
  g_autofree char *old_id = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *paid = NULL;
  CstWindow *window;
  CstRequestDetail *detail;
  CstPaymentGroup *group;
  GtkWidget *amount;
  gint64 old_total, total;

  old = invoiced_attorney_request (clerk, "PG-1", &old_total);
  /* Set-up: that invoice was issued 90 days ago (the flag is at 60). */
  old_id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (old));
  /* Replica mode: no trigger fires while the row moves to its year's
   * partition (0079), as a move is a delete and an insert. */
  cst_test_db_exec_ok (owner, "SET session_replication_role = replica", 0, NULL);
  cst_test_db_exec_ok (owner,
    "UPDATE invoices SET issued_at = now() - interval '90 days' WHERE request_id = $1", 1,
    (const char *[]) { old_id });
  cst_test_db_exec_ok (owner, "RESET session_replication_role", 0, NULL);
  request = invoiced_attorney_request (clerk, "PG-2", &total);

  window = cst_test_gui_open_window (clerk_login, &store);
  detail = CST_REQUEST_DETAIL (cst_window_get_detail (window));
  group = CST_PAYMENT_GROUP (cst_test_gui_find_descendant (GTK_WIDGET (detail), CST_TYPE_PAYMENT_GROUP));
  g_assert_nonnull (group);
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_filter_settled, cst_window_get_list_page (window)));
  g_assert_true (cst_window_open_request (window, cst_request_get_id (request)));
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_details_shown, detail));
  g_assert_true (cst_test_gui_wait_until (group_shows_balance, group));

  /* Both requests owe; the older invoice flags the requester. */
  g_assert_nonnull (cst_payment_group_get_flag_text (group));
  g_assert_nonnull (strstr (cst_payment_group_get_flag_text (group), "1 invoice unpaid for more than 60 days"));
  g_assert_cmpuint (cst_payment_group_get_n_payments (group), ==, 0);

  /* Not money: nothing is sent. */
  amount = cst_test_gui_find_descendant (GTK_WIDGET (group), ADW_TYPE_ENTRY_ROW);
  gtk_editable_set_text (GTK_EDITABLE (amount), "two dollars");
  cst_payment_group_record (group, FALSE);
  g_assert_false (cst_payment_group_is_busy (group));
  g_assert_nonnull (strstr (cst_payment_group_get_message (group), "dollars and cents"));

  /* $2.00 by check: recorded, and the balance follows. */
  gtk_editable_set_text (GTK_EDITABLE (amount), "2.00");
  cst_payment_group_record (group, FALSE);
  g_assert_true (cst_payment_group_is_busy (group));
  g_assert_true (cst_test_gui_wait_until (group_has_one_payment, group));
  paid = cst_locale_format_money (200);
  expected = g_strdup_printf ("paid %s", paid);
  g_assert_nonnull (strstr (cst_payment_group_get_balance_text (group), expected));
  g_assert_cmpint (cst_test_db_int_for_id (owner, "SELECT COALESCE(sum(amount_cents), 0) FROM payments WHERE request_id = $1",
                                           cst_request_get_id (request)), ==, 200);

  /* The clerk does not refund: the server says so, nothing is stored. */
  gtk_editable_set_text (GTK_EDITABLE (amount), "1.00");
  cst_payment_group_record (group, TRUE);
  g_assert_true (cst_test_gui_wait_until (group_idle, group));
  g_assert_nonnull (strstr (cst_payment_group_get_message (group), "refund"));
  g_assert_cmpuint (cst_payment_group_get_n_payments (group), ==, 1);
  g_assert_cmpint (cst_test_db_int_for_id (owner, "SELECT count(*) FROM payments WHERE request_id = $1",
                                           cst_request_get_id (request)), ==, 1);

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  int status;

  cst_test_gui_init (&argc, &argv);
  db = cst_test_db_new ();
  g_test_add_func ("/payment-group/flag-pay-and-refuse", test_flag_pay_and_refuse);
  status = g_test_run ();
  cst_test_db_free (db);
  return status;
}
