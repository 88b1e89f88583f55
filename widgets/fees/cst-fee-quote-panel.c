/* cst-fee-quote-panel.c — the live fee quote of a request, and its invoice
 *
 * The quote is pure arithmetic on cached schedules, so it is recomputed on
 * the main thread as the clerk edits pages, format or delivery.  For the
 * individual's own request the three HIPAA methods are shown side by side
 * so the clerk can pick the lowest; the actual-cost method shows its inputs
 * (labor minutes, hourly rate, supplies), started from the desk's defaults
 * in the settings, and the quote follows them as they change.  "Issue Invoice" freezes the quote in
 * the database; an issued invoice never changes, so the button goes away
 * once one exists and a correction is issued as an adjustment invoice with
 * its reason (the amount shown is then what is owed after adjustments).
 * When the quote moves away from the invoice afterwards (the released page
 * count changed: pages left out or put back, paper pages counted), the
 * panel says so and offers the adjustment that makes them agree, instead
 * of letting the two differ silently.
 */
#define G_LOG_DOMAIN "cst-fee-quote-panel"

#include "config.h"

#include <inttypes.h>
#include <math.h>

#include <glib/gi18n.h>

#include "cst-dispose.h"
#include "cst-fee-quote-panel.h"

#include <custodian/cst-facilities.h>
#include <custodian/cst-fee-engine.h>
#include <custodian/cst-fee-facility.h>
#include <custodian/cst-fee-repo.h>
#include <custodian/cst-input.h>
#include <custodian/cst-locale-format.h>
#include <custodian/cst-request-fee.h>
#include <custodian/cst-settings.h>

struct _CstFeeQuotePanel
{
  GtkWidget          parent_instance;

  AdwPreferencesGroup *group;
  GtkDropDown       *method_dropdown;
  GtkBox            *methods_box;
  GtkWidget         *cost_box;
  GtkSpinButton     *labor_spin;
  GtkSpinButton     *rate_spin;
  GtkSpinButton     *supplies_spin;
  GtkListBox        *lines_box;
  GtkLabel          *total_label;
  GtkLabel          *notes_label;
  GtkLabel          *invoice_label;
  GtkButton         *issue_button;
  GtkWidget         *adjust_box;
  GtkWidget         *offer_box;
  GtkLabel          *offer_label;
  GtkEntry          *adjust_amount;
  GtkEntry          *adjust_reason;

  CstConnection     *connection;
  CstFeeScheduleSet *schedules;
  CstRequest        *values;
  CstFeeQuote       *quote;
  gint64             request_id;
  gint64             invoice_total;  /* -1: no invoice issued */
  gint64             invoice_id;     /* the shown invoice, what an adjustment adjusts */
  char              *invoice_number;
  char              *facility_schedule;  /* the request's facility's own (0091); NULL: none */
  gint64             offered_cents;  /* the adjustment offered; 0: none */
  GCancellable      *cancellable;          /* the panel's life */
  GCancellable      *invoice_cancellable;  /* the shown request's invoice jobs: cancelled
                                            * when another request is shown, so a late
                                            * answer never lands on the wrong one */
};

G_DEFINE_FINAL_TYPE (CstFeeQuotePanel, cst_fee_quote_panel, GTK_TYPE_WIDGET)

/* The dropdown's order. */
static const CstFeeMethod methods[] = {
  CST_FEE_METHOD_DEFAULT, CST_FEE_METHOD_HIPAA_ACTUAL, CST_FEE_METHOD_HIPAA_AVERAGE,
  CST_FEE_METHOD_HIPAA_FLAT,
};

static void
clear_box (GtkWidget *box)
{
  for (GtkWidget *child; (child = gtk_widget_get_first_child (box));)
    {
      if (GTK_IS_LIST_BOX (box))
        gtk_list_box_remove (GTK_LIST_BOX (box), child);
      else
        gtk_box_remove (GTK_BOX (box), child);
    }
}

static GtkWidget *
line_row (const CstFeeLine *line)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *amount = cst_locale_format_money (cst_fee_line_get_amount_cents (line));
  g_autofree char *unit = cst_locale_format_money (cst_fee_line_get_unit_cents (line));
  /* The rule's code is for the justification's JSON; the title says it
   * in words, and the citation is the law behind it. */
  g_autofree char *subtitle = g_strdup_printf (_("%" PRId64 " × %s · %s"),
                                               cst_fee_line_get_quantity (line), unit,
                                               cst_fee_line_get_citation (line));
  GtkWidget *label = gtk_label_new (amount);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), cst_fee_line_get_description (line));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
  gtk_widget_add_css_class (label, "numeric");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  if (cst_fee_line_is_unconfirmed (line))
    {
      GtkWidget *flag = gtk_label_new (_("Unconfirmed amount"));
      gtk_widget_add_css_class (flag, "warning");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), flag);
    }
  return row;
}

static gint64
spin_cents (GtkSpinButton *spin)
{
  return (gint64) llround (gtk_spin_button_get_value (spin) * 100);
}

/* The method a choice comes to: "Hospital default" is the HIPAA
 * schedule's. */
static CstFeeMethod
effective_method (CstFeeQuotePanel *self,
                  CstFeeMethod      method)
{
  if (method == CST_FEE_METHOD_DEFAULT && self->schedules != NULL)
    return cst_fee_schedule_set_get_default_method (self->schedules);
  return method;
}

static CstFeeQuote *
quote_with (CstFeeQuotePanel *self,
            CstFeeMethod      method,
            GError          **error)
{
  CstFeeRequest request;

  if (!cst_request_fee_fill (self->values, method, &request, error) ||
      !cst_fee_request_set_facility_schedule (&request, self->facility_schedule, error))
    return NULL;
  if (cst_fee_requester_is_individual (request.requester) &&
      effective_method (self, method) == CST_FEE_METHOD_HIPAA_ACTUAL)
    {
      request.labor_minutes = gtk_spin_button_get_value_as_int (self->labor_spin);
      request.hourly_rate_cents = spin_cents (self->rate_spin);
      request.supplies_cents = spin_cents (self->supplies_spin);
    }
  return cst_fee_engine_quote (self->schedules, &request, error);
}

static CstFeeMethod
selected_method (CstFeeQuotePanel *self)
{
  return methods[MIN (gtk_drop_down_get_selected (self->method_dropdown), G_N_ELEMENTS (methods) - 1)];
}

/* For the individual's own request: each HIPAA method's total, so the
 * clerk can pick the lowest. */
static void
show_method_comparison (CstFeeQuotePanel *self)
{
  gboolean individual = self->values &&
    (cst_request_get_requester_kind (self->values) == CST_REQUESTER_PATIENT ||
     cst_request_get_requester_kind (self->values) == CST_REQUESTER_PERSONAL_REPRESENTATIVE);

  clear_box (GTK_WIDGET (self->methods_box));
  gtk_widget_set_visible (self->cost_box,
                          individual && effective_method (self, selected_method (self)) == CST_FEE_METHOD_HIPAA_ACTUAL);
  gtk_widget_set_visible (GTK_WIDGET (self->method_dropdown), individual);
  gtk_widget_set_visible (GTK_WIDGET (self->methods_box), individual);
  if (!individual)
    return;
  for (guint i = 1; i < G_N_ELEMENTS (methods); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CstFeeQuote) quote = quote_with (self, methods[i], &error);
      /* A method that cannot quote this request says so, and why on hover
       * (the flat fee is for electronic copies only, say). */
      g_autofree char *money = quote ? cst_locale_format_money (cst_fee_quote_get_total_cents (quote))
                                     : g_strdup (_("cannot be quoted yet"));
      g_autofree char *text = g_strdup_printf (_("%s: %s"), cst_fee_method_get_label (methods[i]), money);
      GtkWidget *label = gtk_label_new (text);

      if (error != NULL)
        gtk_widget_set_tooltip_text (label, error->message);
      gtk_widget_add_css_class (label, "caption");
      gtk_box_append (self->methods_box, label);
    }
}

/* An issued invoice that no longer agrees with the quote (the page count
 * released changed since): say so, and offer the adjustment. */
static void
update_offer (CstFeeQuotePanel *self)
{
  g_autofree char *fee = NULL, *owed = NULL, *delta = NULL, *text = NULL;
  gint64 quoted;
  int pages = -1;

  self->offered_cents = 0;
  if (self->quote != NULL && self->invoice_total >= 0 &&
      (quoted = cst_fee_quote_get_total_cents (self->quote)) != self->invoice_total)
    self->offered_cents = quoted - self->invoice_total;
  gtk_widget_set_visible (self->offer_box, self->offered_cents != 0);
  if (self->offered_cents == 0)
    return;
  g_object_get (self->values, "page-count", &pages, NULL);
  fee = cst_locale_format_money (cst_fee_quote_get_total_cents (self->quote));
  owed = cst_locale_format_money (self->invoice_total);
  delta = cst_locale_format_money (self->offered_cents);
  /* Translators: pages released, the fee for them, the invoice number,
   * what it stands at, and the adjustment (negative credits). */
  text = g_strdup_printf (g_dngettext (NULL,
                                       "%d page is released now: the fee is %s, but invoice %s stands at %s. "
                                       "An adjustment of %s makes them agree.",
                                       "%d pages are released now: the fee is %s, but invoice %s stands at %s. "
                                       "An adjustment of %s makes them agree.", MAX (pages, 0)),
                          MAX (pages, 0), fee, self->invoice_number, owed, delta);
  gtk_label_set_label (self->offer_label, text);
}

static void
recompute (CstFeeQuotePanel *self)
{
  g_autoptr(GError) error = NULL;
  CstFeeMethod method = selected_method (self);
  GPtrArray *notes;

  g_clear_pointer (&self->quote, cst_fee_quote_unref);
  clear_box (GTK_WIDGET (self->lines_box));
  if (self->values == NULL || self->schedules == NULL)
    {
      gtk_label_set_label (self->total_label, "");
      gtk_label_set_label (self->notes_label, self->schedules ? "" : _("Loading fee schedules…"));
      gtk_widget_set_sensitive (GTK_WIDGET (self->issue_button), FALSE);
      update_offer (self);
      return;
    }
  self->quote = quote_with (self, method, &error);
  show_method_comparison (self);
  if (self->quote == NULL)
    {
      gtk_label_set_label (self->total_label, "");
      gtk_label_set_label (self->notes_label, error->message);
      gtk_widget_set_sensitive (GTK_WIDGET (self->issue_button), FALSE);
      update_offer (self);
      return;
    }
  for (guint i = 0; i < cst_fee_quote_get_n_lines (self->quote); i++)
    gtk_list_box_append (self->lines_box, line_row (cst_fee_quote_get_line (self->quote, i)));
  {
    g_autofree char *total = cst_locale_format_money (cst_fee_quote_get_total_cents (self->quote));
    g_autofree char *text = g_strdup_printf (_("Total %s (%s, schedule %s)"), total,
                                             cst_fee_method_get_label (cst_fee_quote_get_method (self->quote)),
                                             cst_fee_quote_get_schedule_version (self->quote));
    gtk_label_set_label (self->total_label, text);
  }
  notes = cst_fee_quote_get_notes (self->quote);
  {
    g_autoptr(GString) text = g_string_new (NULL);

    for (guint i = 0; notes != NULL && i < notes->len; i++)
      g_string_append_printf (text, "%s%s", i ? "\n" : "", (const char *) g_ptr_array_index (notes, i));
    gtk_label_set_label (self->notes_label, text->str);
  }
  gtk_widget_set_sensitive (GTK_WIDGET (self->issue_button), self->invoice_total < 0);
  update_offer (self);
}

static void
show_invoice (CstFeeQuotePanel         *self,
              const CstFeeInvoiceState *state)
{
  g_autofree char *total = NULL;
  g_autofree char *owed = NULL;
  g_autofree char *text = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->invoice_label), state != NULL);
  gtk_widget_set_visible (self->adjust_box, state != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->issue_button), state == NULL);
  if (state == NULL)
    {
      self->invoice_total = -1;
      self->invoice_id = 0;
      return;
    }
  self->invoice_total = state->owed_cents;
  self->invoice_id = state->invoice->id;
  g_free (self->invoice_number);
  self->invoice_number = g_strdup (state->invoice->number);
  total = cst_locale_format_money (state->invoice->total_cents);
  owed = cst_locale_format_money (state->owed_cents);
  if (state->n_adjustments == 0)
    text = g_strdup_printf (_("Invoice %s issued for %s. An issued invoice never changes; "
                              "a correction is a new adjustment invoice."), state->invoice->number, total);
  else
    text = g_strdup_printf (g_dngettext (NULL, "Invoice %s issued for %s, with %u adjustment: %s is owed now.",
                                         "Invoice %s issued for %s, with %u adjustments: %s is owed now.",
                                         state->n_adjustments),
                            state->invoice->number, total, state->n_adjustments, owed);
  gtk_label_set_label (self->invoice_label, text);
}

static void
invoice_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CstFeeQuotePanel) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstFeeInvoiceState) state = cst_fee_repo_invoice_state_finish (CST_CONNECTION (object),
                                                                            result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_widget_set_sensitive (self->adjust_box, TRUE);
  gtk_widget_set_sensitive (self->offer_box, TRUE);
  if (error != NULL)
    {
      gtk_label_set_label (self->notes_label, error->message);
      return;
    }
  show_invoice (self, state);
  recompute (self);
}

/* The request's facility keeps the hospital's actual-cost defaults
 * (0080, issue 17); a facility that has none leaves the desk's. */
static void
facility_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(CstFeeQuotePanel) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstFacility) facility = cst_facility_load_for_request_finish (CST_CONNECTION (object),
                                                                          result, &error);

  if (facility == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("The request's facility was not read: %s", error->message);
      return;
    }
  if (facility->cost_labor_minutes == 0 && facility->cost_hourly_rate_cents == 0 &&
      facility->cost_supplies_cents == 0)
    return;
  cst_fee_quote_panel_set_actual_cost (self, facility->cost_labor_minutes,
                                       facility->cost_hourly_rate_cents,
                                       facility->cost_supplies_cents);
}

/* A request is quoted with its facility's own hospital schedule. */
static void
facility_schedule_loaded_cb (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  g_autoptr(CstFeeQuotePanel) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = cst_fee_facility_schedule_for_request_finish (CST_CONNECTION (object), result,
                                                                       &error);

  if (key == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("The request's facility's fee schedule was not read: %s", error->message);
      return;
    }
  g_free (self->facility_schedule);
  self->facility_schedule = g_steal_pointer (&key);
  recompute (self);
}

static void
look_up_invoice (CstFeeQuotePanel *self)
{
  cst_fee_facility_schedule_for_request_async (self->connection, self->request_id, self->invoice_cancellable,
                                               facility_schedule_loaded_cb, g_object_ref (self));
  cst_facility_load_for_request_async (self->connection, self->request_id, self->invoice_cancellable,
                                       facility_loaded_cb, g_object_ref (self));
  cst_fee_repo_invoice_state_async (self->connection, self->request_id, self->invoice_cancellable,
                                     invoice_done_cb, g_object_ref (self));
}

/**
 * cst_fee_quote_panel_adjust_invoice:
 * @amount: what the clerk typed: negative credits, positive charges more
 * @reason: why, kept with the adjustment and in the audit log
 *
 * Issues an adjustment invoice off the main loop.  Returns FALSE, with the
 * reason shown under the lines, when the input is refused before sending.
 */
gboolean
cst_fee_quote_panel_adjust_invoice (CstFeeQuotePanel *self,
                                    const char       *amount,
                                    const char       *reason)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *why = NULL;
  gint64 cents;

  if (self->invoice_total < 0 || self->request_id == 0)
    return FALSE;
  if (!cst_input_parse_money (amount, &cents, &error))
    {
      gtk_label_set_label (self->notes_label, error->message);
      return FALSE;
    }
  if (cst_input_is_blank (reason))
    {
      gtk_label_set_label (self->notes_label, _("An adjustment needs a reason; it is kept in the audit log."));
      return FALSE;
    }
  why = g_strstrip (g_strdup (reason));
  gtk_widget_set_sensitive (self->adjust_box, FALSE);
  cst_fee_repo_issue_adjustment_async (self->connection, self->request_id, self->invoice_id, cents, why,
                                        self->invoice_cancellable, invoice_done_cb, g_object_ref (self));
  return TRUE;
}

static void
adjust_clicked_cb (CstFeeQuotePanel *self)
{
  if (cst_fee_quote_panel_adjust_invoice (self, gtk_editable_get_text (GTK_EDITABLE (self->adjust_amount)),
                                          gtk_editable_get_text (GTK_EDITABLE (self->adjust_reason))))
    {
      gtk_editable_set_text (GTK_EDITABLE (self->adjust_amount), "");
      gtk_editable_set_text (GTK_EDITABLE (self->adjust_reason), "");
    }
}

/**
 * cst_fee_quote_panel_get_offered_adjustment:
 *
 * Returns: the adjustment offered because the quote no longer agrees with
 *   the issued invoice (negative credits), or 0 when they agree
 */
gint64
cst_fee_quote_panel_get_offered_adjustment (CstFeeQuotePanel *self)
{
  return self->offered_cents;
}

/* Issues the offered adjustment at once (what the offer does once
 * confirmed); FALSE when none is offered. */
gboolean
cst_fee_quote_panel_accept_adjustment (CstFeeQuotePanel *self)
{
  g_autofree char *fee = NULL, *reason = NULL;
  int pages = -1;

  if (self->offered_cents == 0 || self->request_id == 0)
    return FALSE;
  g_object_get (self->values, "page-count", &pages, NULL);
  fee = cst_locale_format_money (cst_fee_quote_get_total_cents (self->quote));
  reason = g_strdup_printf (g_dngettext (NULL, "The released page count changed to %d: the fee is now %s.",
                                         "The released page count changed to %d: the fee is now %s.",
                                         MAX (pages, 0)), MAX (pages, 0), fee);
  gtk_widget_set_sensitive (self->offer_box, FALSE);
  gtk_widget_set_sensitive (self->adjust_box, FALSE);
  cst_fee_repo_issue_adjustment_async (self->connection, self->request_id, self->invoice_id,
                                        self->offered_cents, reason, self->invoice_cancellable,
                                        invoice_done_cb, g_object_ref (self));
  return TRUE;
}

static void
offer_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   CstFeeQuotePanel *self)
{
  if (g_str_equal (response, "adjust"))
    cst_fee_quote_panel_accept_adjustment (self);
}

/**
 * cst_fee_quote_panel_ask_adjustment:
 *
 * What the offer's button does: an adjustment is a new invoice, so it asks
 * first, with the amount.
 *
 * Returns: (transfer none) (nullable): the presented dialog, or NULL when
 *   no adjustment is offered
 */
GtkWindow *
cst_fee_quote_panel_ask_adjustment (CstFeeQuotePanel *self)
{
  g_autofree char *delta = NULL, *body = NULL;
  GtkWidget *dialog;

  if (self->offered_cents == 0)
    return NULL;
  delta = cst_locale_format_money (self->offered_cents);
  /* Translators: %s is the adjustment's amount (negative credits). */
  body = g_strdup_printf (_("An adjustment invoice of %s will be issued against invoice %s, "
                            "with the changed page count as its reason. The invoice itself "
                            "never changes."), delta, self->invoice_number);
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                   _("Issue the Adjustment?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "adjust", _("_Issue Adjustment"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "adjust", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (offer_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return GTK_WINDOW (dialog);
}

static void
offer_clicked_cb (CstFeeQuotePanel *self)
{
  cst_fee_quote_panel_ask_adjustment (self);
}

/* Issues the invoice at once (what "Issue Invoice" does once confirmed);
 * FALSE when there is nothing to issue. */
gboolean
cst_fee_quote_panel_issue_invoice (CstFeeQuotePanel *self)
{
  if (self->quote == NULL || self->invoice_total >= 0 || self->request_id == 0)
    return FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->issue_button), FALSE);
  cst_fee_repo_issue_invoice_async (self->connection, self->request_id, self->quote,
                                     self->invoice_cancellable, invoice_done_cb, g_object_ref (self));
  return TRUE;
}

static void
issue_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   CstFeeQuotePanel *self)
{
  if (g_str_equal (response, "issue"))
    cst_fee_quote_panel_issue_invoice (self);
}

/**
 * cst_fee_quote_panel_ask_issue_invoice:
 *
 * What the Issue Invoice button does: an issued invoice never changes, so
 * it asks first, with the amount; Cancel leaves everything as it was.
 *
 * Returns: (transfer none) (nullable): the presented dialog, or NULL when
 *   there is nothing to issue
 */
GtkWindow *
cst_fee_quote_panel_ask_issue_invoice (CstFeeQuotePanel *self)
{
  g_autofree char *total = NULL, *body = NULL;
  GtkWidget *dialog;

  if (self->quote == NULL || self->invoice_total >= 0 || self->request_id == 0)
    return NULL;
  total = cst_locale_format_money (cst_fee_quote_get_total_cents (self->quote));
  /* Translators: %s is the invoice's total. */
  body = g_strdup_printf (_("The invoice will be for %s, line by line as quoted. An issued invoice "
                            "never changes: a later correction is a separate adjustment invoice "
                            "with its reason."), total);
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                   _("Issue the Invoice?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "issue", _("_Issue Invoice"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "issue", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (issue_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return GTK_WINDOW (dialog);
}

static void
issue_clicked_cb (CstFeeQuotePanel *self)
{
  cst_fee_quote_panel_ask_issue_invoice (self);
}

static void
cost_changed_cb (CstFeeQuotePanel *self)
{
  recompute (self);
}

static void
method_changed_cb (CstFeeQuotePanel *self)
{
  recompute (self);
}

static void
schedules_loaded_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CstFeeQuotePanel) self = user_data;
  g_autoptr(GError) error = NULL;
  CstFeeScheduleSet *set = cst_fee_repo_load_schedules_finish (CST_CONNECTION (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (set == NULL || cst_fee_schedule_set_get_schedules (set)->len == 0)
    {
      /* No schedules in the database yet: quote from the shipped ones. */
      g_clear_pointer (&set, cst_fee_schedule_set_unref);
      set = cst_fee_schedule_set_new_from_seed (NULL);
    }
  g_clear_pointer (&self->schedules, cst_fee_schedule_set_unref);
  self->schedules = set;
  recompute (self);
}

static void
cst_fee_quote_panel_dispose (GObject *object)
{
  CstFeeQuotePanel *self = CST_FEE_QUOTE_PANEL (object);

  cst_dispose_template (GTK_WIDGET (self), CST_TYPE_FEE_QUOTE_PANEL);
  cst_dispose_cancel (&self->cancellable);
  cst_dispose_cancel (&self->invoice_cancellable);
  g_clear_object (&self->connection);
  g_clear_object (&self->values);
  g_clear_pointer (&self->quote, cst_fee_quote_unref);
  g_clear_pointer (&self->schedules, cst_fee_schedule_set_unref);
  g_clear_pointer (&self->invoice_number, g_free);
  g_clear_pointer (&self->facility_schedule, g_free);
  G_OBJECT_CLASS (cst_fee_quote_panel_parent_class)->dispose (object);
}

static void
cst_fee_quote_panel_class_init (CstFeeQuotePanelClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = cst_fee_quote_panel_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/cst-fee-quote-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, CstFeeQuotePanel, group);
  gtk_widget_class_bind_template_child (widget_class, CstFeeQuotePanel, method_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CstFeeQuotePanel, methods_box);
  gtk_widget_class_bind_template_child (widget_class, CstFeeQuotePanel, cost_box);
  gtk_widget_class_bind_template_child (widget_class, CstFeeQuotePanel, labor_spin);
  gtk_widget_class_bind_template_child (widget_class, CstFeeQuotePanel, rate_spin);
  gtk_widget_class_bind_template_child (widget_class, CstFeeQuotePanel, supplies_spin);
  gtk_widget_class_bind_template_child (widget_class, CstFeeQuotePanel, lines_box);
  gtk_widget_class_bind_template_child (widget_class, CstFeeQuotePanel, total_label);
  gtk_widget_class_bind_template_child (widget_class, CstFeeQuotePanel, notes_label);
  gtk_widget_class_bind_template_child (widget_class, CstFeeQuotePanel, invoice_label);
  gtk_widget_class_bind_template_child (widget_class, CstFeeQuotePanel, issue_button);
  gtk_widget_class_bind_template_child (widget_class, CstFeeQuotePanel, adjust_box);
  gtk_widget_class_bind_template_child (widget_class, CstFeeQuotePanel, offer_box);
  gtk_widget_class_bind_template_child (widget_class, CstFeeQuotePanel, offer_label);
  gtk_widget_class_bind_template_child (widget_class, CstFeeQuotePanel, adjust_amount);
  gtk_widget_class_bind_template_child (widget_class, CstFeeQuotePanel, adjust_reason);
  gtk_widget_class_bind_template_callback (widget_class, issue_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, adjust_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, offer_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, method_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, cost_changed_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

/* A quote starts with the HIPAA method chosen in Preferences. */
static void
select_default_method (CstFeeQuotePanel *self)
{
  g_autoptr(GSettings) settings = cst_settings_new_if_installed ();
  g_autofree char *nick = settings ? g_settings_get_string (settings, "default-fee-method") : NULL;
  CstFeeMethod method;

  if (nick == NULL || !cst_fee_method_from_nick (nick, &method))
    return;
  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    if (methods[i] == method)
      gtk_drop_down_set_selected (self->method_dropdown, i);
}

/* The actual-cost inputs start from the desk's defaults until the
 * request's facility is read (facility_loaded_cb). */
static void
fill_cost_defaults (CstFeeQuotePanel *self)
{
  g_autoptr(GSettings) settings = cst_settings_new_if_installed ();

  if (settings == NULL)
    return;
  gtk_spin_button_set_value (self->labor_spin, g_settings_get_uint (settings, "actual-cost-labor-minutes"));
  gtk_spin_button_set_value (self->rate_spin,
                             g_settings_get_uint (settings, "actual-cost-hourly-rate-cents") / 100.0);
  gtk_spin_button_set_value (self->supplies_spin,
                             g_settings_get_uint (settings, "actual-cost-supplies-cents") / 100.0);
}

static void
cst_fee_quote_panel_init (CstFeeQuotePanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->invoice_cancellable = g_cancellable_new ();
  self->invoice_total = -1;
  select_default_method (self);
  fill_cost_defaults (self);
}

void
cst_fee_quote_panel_set_connection (CstFeeQuotePanel *self,
                                    CstConnection    *connection)
{
  if (!g_set_object (&self->connection, connection) || connection == NULL)
    return;
  cst_fee_repo_load_schedules_async (connection, self->cancellable, schedules_loaded_cb,
                                      g_object_ref (self));
}

/**
 * cst_fee_quote_panel_set_request:
 * @values: the request as the form currently says (not yet saved)
 */
void
cst_fee_quote_panel_set_request (CstFeeQuotePanel *self,
                                 CstRequest       *values)
{
  gint64 id = values ? cst_request_get_id (values) : 0;

  g_set_object (&self->values, values);
  if (id != self->request_id)
    {
      self->request_id = id;
      /* What was asked about the previous request no longer applies. */
      cst_dispose_renew (&self->invoice_cancellable);
      g_clear_pointer (&self->facility_schedule, g_free);
      gtk_widget_set_sensitive (self->adjust_box, TRUE);
      show_invoice (self, NULL);
      if (id != 0 && self->connection != NULL)
        look_up_invoice (self);
    }
  recompute (self);
}

CstFeeQuote *
cst_fee_quote_panel_get_quote (CstFeeQuotePanel *self)
{
  return self->quote;
}

gint64
cst_fee_quote_panel_get_invoice_total (CstFeeQuotePanel *self)
{
  return self->invoice_total;
}

/* Schedules loaded and the invoice state known: what tests wait for. */
gboolean
cst_fee_quote_panel_is_ready (CstFeeQuotePanel *self)
{
  return self->schedules != NULL;
}

/* The note under the lines: why there is no quote, or the quote's notes. */
const char *
cst_fee_quote_panel_get_message (CstFeeQuotePanel *self)
{
  return gtk_label_get_label (self->notes_label);
}

/**
 * cst_fee_purpose_row_fill:
 *
 * Gives @row the fee engine's purposes, in the engine's order, so the
 * selected index is the CstFeePurpose (the request forms' "Purpose (for
 * the fee)").
 */
void
cst_fee_purpose_row_fill (AdwComboRow *row)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);

  for (int i = 0; i < CST_FEE_N_PURPOSES; i++)
    gtk_string_list_append (labels, cst_fee_purpose_get_label (i));
  adw_combo_row_set_model (row, G_LIST_MODEL (labels));
  adw_combo_row_set_selected (row, CST_FEE_PURPOSE_OTHER);
}

/* The actual-cost inputs, for tests: @labor_minutes, @rate_cents and
 * @supplies_cents as the clerk would type them. */
void
cst_fee_quote_panel_set_actual_cost (CstFeeQuotePanel *self,
                                     int               labor_minutes,
                                     gint64            rate_cents,
                                     gint64            supplies_cents)
{
  gtk_spin_button_set_value (self->labor_spin, labor_minutes);
  gtk_spin_button_set_value (self->rate_spin, rate_cents / 100.0);
  gtk_spin_button_set_value (self->supplies_spin, supplies_cents / 100.0);
}

gboolean
cst_fee_quote_panel_shows_actual_cost (CstFeeQuotePanel *self)
{
  return gtk_widget_get_visible (self->cost_box);
}

void
cst_fee_quote_panel_select_method (CstFeeQuotePanel *self,
                                   CstFeeMethod      method)
{
  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    if (methods[i] == method)
      gtk_drop_down_set_selected (self->method_dropdown, i);
}
