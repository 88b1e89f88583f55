/* test-fee-dispute-group.c — the fee dispute in the Payments group, as the
 * desk and billing: the clerk records the patient's dispute and the group
 * says the due date does not stop (the date and the days left); the
 * clerk's resolution is refused by the server and the refusal shown;
 * billing resolves it, and the group says how it ended.  Reached through
 * the Payments group in the request view. */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include <custodian/cst-fee-dispute.h>
#include <custodian/cst-locale-format.h>

#include "cst-fee-dispute-group.h"
#include "cst-payment-group.h"
#include "cst-test-gui.h"

static CstTestDb *db;

static gboolean
group_idle (gpointer data)
{
  return !cst_fee_dispute_group_is_busy (data);
}

static GObject *
child (gpointer    widget,
       const char *id)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (widget),
                                                   CST_TYPE_FEE_DISPUTE_GROUP, id);

  g_assert_nonnull (object);
  return object;
}

/* The dispute group inside a Payments group, for @login. */
static CstFeeDisputeGroup *
open_group (const char     *login,
            CstRequest     *request,
            GtkWindow     **window)
{
  g_autoptr(CstConnection) connection = cst_connection_new (login);
  CstPaymentGroup *payments = CST_PAYMENT_GROUP (g_object_new (CST_TYPE_PAYMENT_GROUP, NULL));
  CstFeeDisputeGroup *group;

  *window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_child (*window, GTK_WIDGET (payments));
  gtk_window_present (*window);
  cst_payment_group_set_connection (payments, connection);
  cst_payment_group_set_request (payments, request);
  group = CST_FEE_DISPUTE_GROUP (cst_test_gui_find_descendant (GTK_WIDGET (payments),
                                                               CST_TYPE_FEE_DISPUTE_GROUP));
  g_assert_nonnull (group);
  g_assert_true (cst_test_gui_wait_until (group_idle, group));
  return group;
}

static void
test_dispute_record_and_resolve (void)
{
  g_autofree char *clerk_login = cst_test_db_create_login (db, "custodian_clerk");
  g_autofree char *billing_login = cst_test_db_create_login (db, "custodian_billing");
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(CstRequest) request = cst_test_db_add_request (owner, "FDG-1");
  g_autofree char *due = cst_locale_format_date (cst_request_get_due_date (request));
  GtkWindow *window;
  CstFeeDisputeGroup *group = open_group (clerk_login, request, &window);
  gint64 id = cst_request_get_id (request);

  g_assert_nonnull (strstr (cst_fee_dispute_group_get_status (group), "not in dispute"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (child (group, "open_box"))));
  gtk_editable_set_text (GTK_EDITABLE (child (group, "reason_row")), "Charged per page");
  g_signal_emit_by_name (child (group, "dispute_button"), "clicked");
  g_assert_true (cst_fee_dispute_group_is_busy (group));
  g_assert_true (cst_test_gui_wait_until (group_idle, group));
  g_assert_null (cst_fee_dispute_group_get_message (group));
  g_assert_nonnull (strstr (cst_fee_dispute_group_get_status (group), "does not stop"));
  g_assert_nonnull (strstr (cst_fee_dispute_group_get_status (group), due));
  g_assert_nonnull (strstr (cst_fee_dispute_group_get_status (group), "Charged per page"));
  g_assert_cmpint (cst_test_db_int_for_id (owner, "SELECT count(*) FROM fee_disputes"
                                           " WHERE request_id = $1 AND resolved_at IS NULL", id),
                   ==, 1);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (child (group, "resolve_box"))));

  /* The desk does not resolve: the server's refusal, shown. */
  gtk_editable_set_text (GTK_EDITABLE (child (group, "resolution_row")), "Waived");
  g_signal_emit_by_name (child (group, "resolve_button"), "clicked");
  g_assert_true (cst_test_gui_wait_until (group_idle, group));
  g_assert_nonnull (cst_fee_dispute_group_get_message (group));
  g_assert_nonnull (strstr (cst_fee_dispute_group_get_message (group), "permission"));
  g_assert_nonnull (strstr (cst_fee_dispute_group_get_status (group), "does not stop"));
  g_assert_cmpint (cst_test_db_int_for_id (owner, "SELECT count(*) FROM fee_disputes"
                                           " WHERE request_id = $1 AND resolved_at IS NULL", id),
                   ==, 1);
  gtk_window_destroy (window);

  /* Billing resolves it: reduced. */
  group = open_group (billing_login, request, &window);
  g_assert_nonnull (strstr (cst_fee_dispute_group_get_status (group), "does not stop"));
  adw_combo_row_set_selected (ADW_COMBO_ROW (child (group, "outcome_row")), 1);
  gtk_editable_set_text (GTK_EDITABLE (child (group, "resolution_row")), "Flat fee instead");
  g_signal_emit_by_name (child (group, "resolve_button"), "clicked");
  g_assert_true (cst_test_gui_wait_until (group_idle, group));
  g_assert_null (cst_fee_dispute_group_get_message (group));
  g_assert_nonnull (strstr (cst_fee_dispute_group_get_status (group), "reduced"));
  g_assert_cmpint (cst_test_db_int_for_id (owner, "SELECT count(*) FROM fee_disputes"
                                           " WHERE request_id = $1 AND outcome = 'reduced'"
                                           " AND resolution = 'Flat fee instead'", id), ==, 1);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (child (group, "open_box"))));
  gtk_window_destroy (window);
}

int
main (int argc, char **argv)
{
  int status;

  cst_test_gui_init (&argc, &argv);
  db = cst_test_db_new ();
  g_test_add_func ("/fee-dispute-group/record-and-resolve", test_dispute_record_and_resolve);
  status = g_test_run ();
  cst_test_db_free (db);
  return status;
}
