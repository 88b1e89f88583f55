/* cst-fee-dispute-group.c — a request's fee dispute, in the Payments group
 *
 * Issue 20: for the individual's own request "the due date does not stop
 * for a fee dispute".  The group says whether the fee is in dispute, since
 * when and what the requester said, and the due date that keeps running
 * (days left); the desk records a dispute, billing resolves it (upheld,
 * reduced, waived, withdrawn), each through the model's _async
 * (cst-fee-dispute.h) and refused by the server to a role that may not,
 * the refusal shown.  A reduction itself is an adjustment or a refund in
 * the rows above.
 */
#define G_LOG_DOMAIN "cst-fee-dispute-group"

#include "config.h"

#include <glib/gi18n.h>

#include "cst-fee-dispute-group.h"

#include <custodian/cst-fee-dispute.h>
#include <custodian/cst-locale-format.h>

#include "cst-dispose.h"

struct _CstFeeDisputeGroup
{
  AdwBin         parent_instance;

  GtkLabel      *status_label;
  GtkListBox    *open_box;
  AdwEntryRow   *reason_row;
  GtkButton     *dispute_button;
  GtkListBox    *resolve_box;
  AdwComboRow   *outcome_row;
  AdwEntryRow   *resolution_row;
  GtkButton     *resolve_button;
  GtkLabel      *message_label;

  CstConnection *connection;
  CstRequest    *request;
  GCancellable  *cancellable;
  gboolean       busy;
  gboolean       open;          /* a dispute is open */
};

G_DEFINE_FINAL_TYPE (CstFeeDisputeGroup, cst_fee_dispute_group, ADW_TYPE_BIN)

static const CstFeeDisputeOutcome outcomes[] = {
  CST_FEE_DISPUTE_UPHELD, CST_FEE_DISPUTE_REDUCED, CST_FEE_DISPUTE_WAIVED,
  CST_FEE_DISPUTE_WITHDRAWN,
};

/* As the outcome row names them. */
static const char *
outcome_label (CstFeeDisputeOutcome outcome)
{
  switch (outcome)
    {
    case CST_FEE_DISPUTE_UPHELD: return _("Fee upheld");
    case CST_FEE_DISPUTE_REDUCED: return _("Fee reduced");
    case CST_FEE_DISPUTE_WAIVED: return _("Fee waived");
    case CST_FEE_DISPUTE_WITHDRAWN: return _("Dispute withdrawn");
    case CST_FEE_DISPUTE_OPEN: break;
    }
  return _("Open");
}

static void
show_message (CstFeeDisputeGroup *self,
              const char         *message)
{
  gtk_label_set_label (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
}

static void
update_rows (CstFeeDisputeGroup *self)
{
  gboolean ready = self->connection != NULL && self->request != NULL && !self->busy;

  gtk_widget_set_visible (GTK_WIDGET (self->open_box), !self->open);
  gtk_widget_set_visible (GTK_WIDGET (self->resolve_box), self->open);
  gtk_widget_set_sensitive (GTK_WIDGET (self->dispute_button), ready);
  gtk_widget_set_sensitive (GTK_WIDGET (self->resolve_button), ready);
}

static char *
open_text (const CstFeeDispute *d)
{
  g_autofree char *since = g_date_time_format (d->opened_at, "%x");
  g_autofree char *due = NULL;
  GDate today;
  int left;

  if (d->due_date == NULL)
    return g_strdup_printf (_("Fee in dispute since %s: “%s”. No law sets this request a due date."),
                            since, d->reason);
  due = cst_locale_format_date (d->due_date);
  g_date_clear (&today, 1);
  g_date_set_time_t (&today, time (NULL));
  left = g_date_days_between (&today, d->due_date);
  return g_strdup_printf (g_dngettext (NULL,
                                       "Fee in dispute since %s: “%s”. The due date, %s, does not stop for it: %d day left.",
                                       "Fee in dispute since %s: “%s”. The due date, %s, does not stop for it: %d days left.",
                                       ABS (left)),
                          since, d->reason, due, left);
}

static void
show_disputes (CstFeeDisputeGroup *self,
               GPtrArray          *disputes)
{
  const CstFeeDispute *last = disputes && disputes->len
                              ? g_ptr_array_index (disputes, disputes->len - 1) : NULL;
  g_autofree char *text = NULL;

  self->open = last != NULL && last->outcome == CST_FEE_DISPUTE_OPEN;
  if (self->open)
    text = open_text (last);
  else if (last != NULL)
    text = g_strdup_printf (_("The last fee dispute ended: %s. %s"), outcome_label (last->outcome),
                            last->resolution);
  else
    text = g_strdup (_("The fee is not in dispute."));
  gtk_label_set_label (self->status_label, text);
  update_rows (self);
}

static void
disputes_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(CstFeeDisputeGroup) self = CST_FEE_DISPUTE_GROUP (user_data);
  g_autoptr(GPtrArray) disputes = NULL;
  g_autoptr(GError) error = NULL;

  disputes = cst_fee_dispute_finish (CST_CONNECTION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->status_label == NULL)
    return;
  self->busy = FALSE;
  if (disputes == NULL)
    {
      show_message (self, error->message);
      update_rows (self);
      return;
    }
  show_message (self, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->reason_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->resolution_row), "");
  show_disputes (self, disputes);
}

static void
reload (CstFeeDisputeGroup *self)
{
  if (self->connection == NULL || self->request == NULL)
    return;
  self->busy = TRUE;
  update_rows (self);
  cst_fee_dispute_list_async (self->connection, cst_request_get_id (self->request),
                              self->cancellable, disputes_cb, g_object_ref (self));
}

static void
dispute_clicked_cb (CstFeeDisputeGroup *self)
{
  if (self->busy || self->connection == NULL || self->request == NULL)
    return;
  self->busy = TRUE;
  update_rows (self);
  cst_fee_dispute_open_async (self->connection, cst_request_get_id (self->request), NULL,
                              gtk_editable_get_text (GTK_EDITABLE (self->reason_row)),
                              self->cancellable, disputes_cb, g_object_ref (self));
}

static void
resolve_clicked_cb (CstFeeDisputeGroup *self)
{
  guint i = adw_combo_row_get_selected (self->outcome_row);

  if (self->busy || self->connection == NULL || self->request == NULL)
    return;
  self->busy = TRUE;
  update_rows (self);
  cst_fee_dispute_resolve_async (self->connection, cst_request_get_id (self->request),
                                 outcomes[MIN (i, G_N_ELEMENTS (outcomes) - 1)],
                                 gtk_editable_get_text (GTK_EDITABLE (self->resolution_row)),
                                 self->cancellable, disputes_cb, g_object_ref (self));
}

void
cst_fee_dispute_group_set_connection (CstFeeDisputeGroup *self,
                                      CstConnection      *connection)
{
  g_return_if_fail (CST_IS_FEE_DISPUTE_GROUP (self));
  if (!g_set_object (&self->connection, connection))
    return;
  reload (self);
}

void
cst_fee_dispute_group_set_request (CstFeeDisputeGroup *self,
                                   CstRequest         *request)
{
  g_return_if_fail (CST_IS_FEE_DISPUTE_GROUP (self));
  if (self->request == request)
    return;
  cst_dispose_renew (&self->cancellable);
  self->busy = FALSE;
  show_message (self, NULL);
  g_set_object (&self->request, request);
  reload (self);
}

gboolean
cst_fee_dispute_group_is_busy (CstFeeDisputeGroup *self)
{
  return self->busy;
}

const char *
cst_fee_dispute_group_get_status (CstFeeDisputeGroup *self)
{
  return gtk_label_get_label (self->status_label);
}

const char *
cst_fee_dispute_group_get_message (CstFeeDisputeGroup *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->message_label))
         ? gtk_label_get_label (self->message_label) : NULL;
}

static void
cst_fee_dispute_group_dispose (GObject *object)
{
  CstFeeDisputeGroup *self = CST_FEE_DISPUTE_GROUP (object);

  cst_dispose_cancel (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), CST_TYPE_FEE_DISPUTE_GROUP);
  g_clear_object (&self->connection);
  g_clear_object (&self->request);
  G_OBJECT_CLASS (cst_fee_dispute_group_parent_class)->dispose (object);
}

static void
cst_fee_dispute_group_class_init (CstFeeDisputeGroupClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = cst_fee_dispute_group_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/cst-fee-dispute-group.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, CstFeeDisputeGroup, name)
  BIND (status_label); BIND (open_box); BIND (reason_row); BIND (dispute_button);
  BIND (resolve_box); BIND (outcome_row); BIND (resolution_row); BIND (resolve_button);
  BIND (message_label);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, dispute_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, resolve_clicked_cb);
}

static void
cst_fee_dispute_group_init (CstFeeDisputeGroup *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  update_rows (self);
}
