/* cst-payment-group.c — a request's payments in the request view
 *
 * The "Payments" group: what the request's invoices charge, what was paid
 * and what is owed; whether its release waits for payment (a third
 * party's, when the hospital requires it) or never does (the
 * individual's own request); the requester's invoices unpaid for too
 * long; the payments and refunds, each with a button that saves its
 * receipt; and a form to record a payment or a refund.  Every database
 * and file step is an _async of the model (cst-payment.h); the server
 * decides who may record what and refuses an amount beyond what is owed
 * or was paid, and its refusal is shown in the group's message.  Below
 * them, the fee dispute (CstFeeDisputeGroup).
 */
#define G_LOG_DOMAIN "cst-payment-group"

#include "config.h"

#include <glib/gi18n.h>

#include "cst-payment-group.h"
#include "cst-fee-dispute-group.h"

#include <custodian/cst-input.h>
#include <custodian/cst-locale-format.h>
#include <custodian/cst-payment.h>

#include "cst-dispose.h"

struct _CstPaymentGroup
{
  GtkWidget             parent_instance;

  AdwPreferencesGroup  *group;
  GtkLabel             *balance_label;
  GtkLabel             *rule_label;
  GtkLabel             *flag_label;
  GtkListBox           *list_box;
  GtkListBox           *form_box;
  AdwEntryRow          *amount_row;
  AdwComboRow          *method_row;
  AdwEntryRow          *reference_row;
  AdwEntryRow          *reason_row;
  GtkLabel             *message_label;
  GtkButton            *pay_button;
  GtkButton            *refund_button;
  CstFeeDisputeGroup   *dispute_group;

  CstConnection        *connection;
  CstRequest           *request;
  GCancellable         *cancellable;   /* renewed when the request changes */
  guint                 generation;    /* bumped at each load */
  gboolean              busy;
  guint                 n_payments;
  GtkFileChooserNative *chooser;
  gint64                receipt_id;    /* the payment whose receipt the chooser saves */
};

G_DEFINE_FINAL_TYPE (CstPaymentGroup, cst_payment_group, GTK_TYPE_WIDGET)

/* ---- showing it ----------------------------------------------------------- */

static void
show_message (CstPaymentGroup *self,
              const char      *message)
{
  gtk_label_set_label (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
}

static void
update_sensitivity (CstPaymentGroup *self)
{
  gboolean ready = self->request != NULL && self->connection != NULL && !self->busy;

  gtk_widget_set_sensitive (GTK_WIDGET (self->pay_button), ready);
  gtk_widget_set_sensitive (GTK_WIDGET (self->refund_button), ready);
}

static void receipt_clicked_cb (GtkButton *button, CstPaymentGroup *self);

static GtkWidget *
payment_row (CstPaymentGroup  *self,
             const CstPayment *payment)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_from_icon_name ("document-save-symbolic");
  g_autofree char *amount = cst_locale_format_money (ABS (payment->amount_cents));
  g_autofree char *day = cst_locale_format_date (&payment->paid_on);
  /* TRANSLATORS: "Payment $12.34" or "Refund $2.00" */
  g_autofree char *title = g_strdup_printf (payment->amount_cents > 0 ? _("Payment %s") : _("Refund %s"),
                                            amount);
  /* TRANSLATORS: date · method · invoice number · who recorded it */
  g_autofree char *subtitle = g_strdup_printf (_("%s · %s · %s · %s"), day,
                                               cst_payment_method_get_label (payment->method),
                                               payment->invoice_number, payment->recorded_by);
  g_autofree char *label = g_strdup_printf (_("Save the receipt of %s"), title);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), payment->reference
                                                     ? payment->reference : subtitle);
  if (payment->reference)
    gtk_widget_set_tooltip_text (row, subtitle);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, _("Save Receipt…"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_object_set_data (G_OBJECT (button), "payment-id", GINT_TO_POINTER ((int) payment->id));
  g_signal_connect (button, "clicked", G_CALLBACK (receipt_clicked_cb), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  return row;
}

static char *
flag_text (const CstPaymentAccount *account)
{
  gint64 owed = 0;
  g_autofree char *money = NULL;

  for (guint i = 0; i < account->unpaid_elsewhere->len; i++)
    owed += ((CstInvoiceBalance *) g_ptr_array_index (account->unpaid_elsewhere, i))->balance_cents;
  money = cst_locale_format_money (owed);
  return g_strdup_printf (g_dngettext (NULL,
                                       "This requester has %u invoice unpaid for more than %u days (%s owed).",
                                       "This requester has %u invoices unpaid for more than %u days (%s owed).",
                                       account->unpaid_elsewhere->len),
                          account->unpaid_elsewhere->len, account->unpaid_flag_days, money);
}

static void
show_account (CstPaymentGroup         *self,
              const CstPaymentAccount *account)
{
  g_autofree char *charged = cst_locale_format_money (account->charged_cents);
  g_autofree char *paid = cst_locale_format_money (account->paid_cents);
  g_autofree char *owed = cst_locale_format_money (account->balance_cents);
  g_autofree char *balance = g_strdup_printf (_("Charged %s, paid %s, balance %s."), charged, paid, owed);
  g_autofree char *flag = account->unpaid_elsewhere->len > 0 ? flag_text (account) : NULL;
  GtkWidget *child;

  gtk_label_set_label (self->balance_label, balance);
  if (account->individuals)
    gtk_label_set_label (self->rule_label,
                         _("The individual's own request: its release never waits for payment."));
  else if (account->waits_for_payment)
    gtk_label_set_label (self->rule_label, _("Its release waits until the balance is paid."));
  else
    gtk_label_set_label (self->rule_label, _("Its release does not wait for payment."));
  gtk_label_set_label (self->flag_label, flag ? flag : "");
  gtk_widget_set_visible (GTK_WIDGET (self->flag_label), flag != NULL);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_list_box_remove (self->list_box, child);
  self->n_payments = account->payments->len;
  for (guint i = 0; i < account->payments->len; i++)
    gtk_list_box_append (self->list_box, payment_row (self, g_ptr_array_index (account->payments, i)));
}

/* ---- loading -------------------------------------------------------------- */

typedef struct
{
  CstPaymentGroup *self;
  guint            generation;
  gboolean         recorded;   /* the load after a payment was recorded */
} Load;

static void
account_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  g_autofree Load *load = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstPaymentAccount) account = load->recorded
    ? cst_payment_record_finish (CST_CONNECTION (source), result, &error)
    : cst_payment_account_load_finish (CST_CONNECTION (source), result, &error);
  CstPaymentGroup *self = load->self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (load->recorded)
    {
      self->busy = FALSE;
      update_sensitivity (self);
    }
  if (load->generation != self->generation)
    return;
  if (account == NULL)
    {
      show_message (self, error->message);
      return;
    }
  show_account (self, account);
  if (load->recorded)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->amount_row), "");
      gtk_editable_set_text (GTK_EDITABLE (self->reference_row), "");
      gtk_editable_set_text (GTK_EDITABLE (self->reason_row), "");
      show_message (self, _("Recorded."));
    }
}

static Load *
load_new (CstPaymentGroup *self,
          gboolean         recorded)
{
  Load *load = g_new0 (Load, 1);

  load->self = self;
  load->generation = ++self->generation;
  load->recorded = recorded;
  return load;
}

static void
reload (CstPaymentGroup *self)
{
  if (self->connection == NULL || self->request == NULL)
    return;
  cst_payment_account_load_async (self->connection, cst_request_get_id (self->request),
                                  self->cancellable, account_done_cb, load_new (self, FALSE));
}

/* ---- recording ------------------------------------------------------------ */

/**
 * cst_payment_group_record:
 * @refund: whether the amount is given back
 *
 * Records what the form holds; the amount is typed positive either way.
 */
void
cst_payment_group_record (CstPaymentGroup *self,
                          gboolean         refund)
{
  g_autoptr(GError) error = NULL;
  const char *reference = gtk_editable_get_text (GTK_EDITABLE (self->reference_row));
  const char *reason = gtk_editable_get_text (GTK_EDITABLE (self->reason_row));
  CstPaymentEntry entry = { 0 };

  g_return_if_fail (CST_IS_PAYMENT_GROUP (self));
  if (self->busy || self->connection == NULL || self->request == NULL)
    return;
  if (!cst_input_parse_money (gtk_editable_get_text (GTK_EDITABLE (self->amount_row)),
                              &entry.amount_cents, &error) || entry.amount_cents <= 0)
    {
      show_message (self, _("Enter the amount in dollars and cents, such as 12.34."));
      gtk_widget_grab_focus (GTK_WIDGET (self->amount_row));
      return;
    }
  if (refund)
    entry.amount_cents = -entry.amount_cents;
  entry.method = (CstPaymentMethod) adw_combo_row_get_selected (self->method_row);
  entry.reference = reference;
  entry.reason = reason;
  self->busy = TRUE;
  update_sensitivity (self);
  show_message (self, refund ? _("Recording the refund…") : _("Recording the payment…"));
  cst_payment_record_async (self->connection, cst_request_get_id (self->request), &entry,
                            self->cancellable, account_done_cb, load_new (self, TRUE));
}

static void
pay_clicked_cb (CstPaymentGroup *self)
{
  cst_payment_group_record (self, FALSE);
}

static void
refund_clicked_cb (CstPaymentGroup *self)
{
  cst_payment_group_record (self, TRUE);
}

/* ---- receipts ------------------------------------------------------------- */

static void
receipt_saved_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  CstPaymentGroup *self = data;
  g_autoptr(GError) error = NULL;

  /* A file the clerk asked for is finished even when the view goes; only
   * its message is then dropped. */
  if (!cst_payment_receipt_save_finish (CST_CONNECTION (source), result, &error) &&
      !g_cancellable_is_cancelled (self->cancellable))
    show_message (self, error->message);
  else if (error == NULL && !g_cancellable_is_cancelled (self->cancellable))
    show_message (self, _("Receipt saved."));
  g_object_unref (self);
}

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     CstPaymentGroup *self)
{
  if (response == GTK_RESPONSE_ACCEPT && self->request != NULL && self->connection != NULL)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      cst_payment_receipt_save_async (self->connection, cst_request_get_id (self->request),
                                      self->receipt_id, file, NULL, receipt_saved_cb,
                                      g_object_ref (self));
    }
  g_clear_object (&self->chooser);
}

static void
receipt_clicked_cb (GtkButton       *button,
                    CstPaymentGroup *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *name = NULL;

  if (self->chooser != NULL)
    return;
  self->receipt_id = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "payment-id"));
  /* No patient data in the file name: the receipt's number only. */
  name = g_strdup_printf (_("receipt-%d.pdf"), (int) self->receipt_id);
  self->chooser = gtk_file_chooser_native_new (_("Save Receipt"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* ---- the object ----------------------------------------------------------- */

void
cst_payment_group_set_connection (CstPaymentGroup *self,
                                  CstConnection   *connection)
{
  g_return_if_fail (CST_IS_PAYMENT_GROUP (self));
  if (!g_set_object (&self->connection, connection))
    return;
  cst_fee_dispute_group_set_connection (self->dispute_group, connection);
  update_sensitivity (self);
  reload (self);
}

void
cst_payment_group_set_request (CstPaymentGroup *self,
                               CstRequest      *request)
{
  g_return_if_fail (CST_IS_PAYMENT_GROUP (self));
  if (self->request == request)
    return;
  /* Another request: what was under way for the last one is dropped. */
  if (self->request == NULL || request == NULL ||
      cst_request_get_id (self->request) != cst_request_get_id (request))
    {
      cst_dispose_renew (&self->cancellable);
      self->busy = FALSE;
      show_message (self, NULL);
    }
  g_set_object (&self->request, request);
  cst_fee_dispute_group_set_request (self->dispute_group, request);
  update_sensitivity (self);
  reload (self);
}

gboolean
cst_payment_group_is_busy (CstPaymentGroup *self)
{
  return self->busy;
}

guint
cst_payment_group_get_n_payments (CstPaymentGroup *self)
{
  return self->n_payments;
}

const char *
cst_payment_group_get_balance_text (CstPaymentGroup *self)
{
  return gtk_label_get_label (self->balance_label);
}

const char *
cst_payment_group_get_flag_text (CstPaymentGroup *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->flag_label))
         ? gtk_label_get_label (self->flag_label) : NULL;
}

const char *
cst_payment_group_get_message (CstPaymentGroup *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->message_label))
         ? gtk_label_get_label (self->message_label) : NULL;
}

static void
cst_payment_group_dispose (GObject *object)
{
  CstPaymentGroup *self = CST_PAYMENT_GROUP (object);

  /* Cancelled, not dropped: a receipt's callback asks it (finalize). */
  g_cancellable_cancel (self->cancellable);
  cst_dispose_chooser (&self->chooser);
  cst_dispose_template (GTK_WIDGET (self), CST_TYPE_PAYMENT_GROUP);
  g_clear_object (&self->connection);
  g_clear_object (&self->request);
  G_OBJECT_CLASS (cst_payment_group_parent_class)->dispose (object);
}

static void
cst_payment_group_finalize (GObject *object)
{
  CstPaymentGroup *self = CST_PAYMENT_GROUP (object);

  /* Kept until now: a receipt's callback asks it after the view went. */
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (cst_payment_group_parent_class)->finalize (object);
}

static void
cst_payment_group_class_init (CstPaymentGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cst_payment_group_dispose;
  object_class->finalize = cst_payment_group_finalize;
  g_type_ensure (CST_TYPE_FEE_DISPUTE_GROUP);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/custodian/Custodian/ui/cst-payment-group.ui");
  gtk_widget_class_bind_template_child (widget_class, CstPaymentGroup, group);
  gtk_widget_class_bind_template_child (widget_class, CstPaymentGroup, dispute_group);
  gtk_widget_class_bind_template_child (widget_class, CstPaymentGroup, balance_label);
  gtk_widget_class_bind_template_child (widget_class, CstPaymentGroup, rule_label);
  gtk_widget_class_bind_template_child (widget_class, CstPaymentGroup, flag_label);
  gtk_widget_class_bind_template_child (widget_class, CstPaymentGroup, list_box);
  gtk_widget_class_bind_template_child (widget_class, CstPaymentGroup, form_box);
  gtk_widget_class_bind_template_child (widget_class, CstPaymentGroup, amount_row);
  gtk_widget_class_bind_template_child (widget_class, CstPaymentGroup, method_row);
  gtk_widget_class_bind_template_child (widget_class, CstPaymentGroup, reference_row);
  gtk_widget_class_bind_template_child (widget_class, CstPaymentGroup, reason_row);
  gtk_widget_class_bind_template_child (widget_class, CstPaymentGroup, message_label);
  gtk_widget_class_bind_template_child (widget_class, CstPaymentGroup, pay_button);
  gtk_widget_class_bind_template_child (widget_class, CstPaymentGroup, refund_button);
  gtk_widget_class_bind_template_callback (widget_class, pay_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, refund_clicked_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
cst_payment_group_init (CstPaymentGroup *self)
{
  g_autoptr(GtkStringList) methods = gtk_string_list_new (NULL);
  GtkWidget *placeholder;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  for (guint i = 0; i < CST_PAYMENT_N_METHODS; i++)
    gtk_string_list_append (methods, cst_payment_method_get_label ((CstPaymentMethod) i));
  adw_combo_row_set_model (self->method_row, G_LIST_MODEL (methods));
  adw_combo_row_set_selected (self->method_row, CST_PAYMENT_METHOD_CHECK);
  placeholder = gtk_label_new (_("No payments yet"));
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 12);
  gtk_widget_set_margin_bottom (placeholder, 12);
  gtk_list_box_set_placeholder (self->list_box, placeholder);
  update_sensitivity (self);
}
