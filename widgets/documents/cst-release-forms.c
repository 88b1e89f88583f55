/* cst-release-forms.c — what release needs on record
 *
 * Three forms OCR's Right of Access cases argue for.  "No records found"
 * only after a recorded search (systems, dates, locations) signed off by a
 * second person (Bayfront: records "not found" by one person, found a year
 * later).  A partial release names what was withheld and why, by category
 * (cst-withholding), so the cover letter can say so.  The produced format
 * and the delivery proof are recorded once; a format or delivery other than
 * the one asked for needs the reason agreed with the requester (Korunda).
 * The database enforces each rule (migrations 0043, 0046, 0047); the forms
 * send the clerk's entries through the model (cst_release_on_file_*_async,
 * on the connection's worker thread) and show the database's answer.
 *
 * Releasing cannot be undone (a disclosure is recorded and the request
 * closes), so Release asks first, in one dialog that also gathers what the
 * release records: what was withheld, and the format and delivery proof.
 * Confirmed, they are stored in one transaction and then
 * ::release-confirmed lets the request view release; cancelled, nothing is
 * sent.
 */
#define G_LOG_DOMAIN "cst-release-forms"

#include "config.h"

#include <glib/gi18n.h>

#include "cst-dispose.h"
#include "cst-release-forms.h"

#include <custodian/cst-delivery.h>
#include <custodian/cst-input.h>
#include <custodian/cst-locale-format.h>
#include <custodian/cst-no-records.h>
#include <custodian/cst-release.h>
#include <custodian/cst-withholding.h>

struct _CstReleaseForms
{
  GtkWidget      parent_instance;

  AdwEntryRow   *systems_row;
  AdwEntryRow   *from_row;
  AdwEntryRow   *to_row;
  AdwEntryRow   *locations_row;
  GtkLabel      *no_records_label;
  GtkListBox    *withheld_box;
  AdwComboRow   *reason_row;
  AdwEntryRow   *withheld_description_row;
  AdwComboRow   *produced_format_row;
  AdwEntryRow   *format_name_row;
  AdwComboRow   *delivery_row;
  AdwEntryRow   *mismatch_row;
  AdwEntryRow   *tracking_row;
  AdwEntryRow   *message_id_row;
  AdwEntryRow   *pickup_by_row;
  AdwEntryRow   *pickup_on_row;
  GtkLabel      *message_label;
  GtkLabel      *delivery_label;
  GtkWidget     *release_box;
  GtkLabel      *release_message_label;
  AdwMessageDialog *release_dialog;   /* while Release is being confirmed */

  CstConnection *connection;
  CstRequest    *request;
  GCancellable  *cancellable;  /* replaced when the request changes */
  guint          pending;
  guint          n_withheld;
  GPtrArray     *recorded;     /* of CstWithholding, as last read */
  GPtrArray     *to_withhold;  /* of CstWithholding: added, not yet recorded */
};

G_DEFINE_FINAL_TYPE (CstReleaseForms, cst_release_forms, GTK_TYPE_WIDGET)

enum {
  REQUEST_CHANGED,
  RELEASE_CONFIRMED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef enum
{
  OP_LOAD,
  OP_SEARCH,
  OP_SIGN_OFF,
  OP_ANSWER,
  OP_RELEASE_RECORDS,   /* the release dialog's withholdings and delivery proof */
} Op;

static const char *
nonblank (const char *text)
{
  return cst_input_is_blank (text) ? NULL : text;
}

/* ---- showing the state ---------------------------------------------------- */

static void
show_message (CstReleaseForms *self,
              const char      *message,
              gboolean         is_error)
{
  gtk_label_set_label (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "error");
}

static GtkWidget *
withholding_row (CstWithheldReason  reason,
                 const char        *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), cst_withheld_reason_get_label (reason));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  return row;
}

/* What is on record, then what the clerk added for this release. */
static void
show_withholdings (CstReleaseForms *self)
{
  guint n_recorded = self->recorded ? self->recorded->len : 0;

  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self->withheld_box)));)
    gtk_list_box_remove (self->withheld_box, child);
  for (guint i = 0; i < n_recorded; i++)
    {
      CstWithholding *w = g_ptr_array_index (self->recorded, i);
      g_autofree char *subtitle = g_strdup_printf (_("%s · recorded by %s"), w->description,
                                                   w->recorded_by);

      gtk_list_box_append (self->withheld_box, withholding_row (w->reason, subtitle));
    }
  for (guint i = 0; i < self->to_withhold->len; i++)
    {
      CstWithholding *w = g_ptr_array_index (self->to_withhold, i);
      g_autofree char *subtitle = g_strdup_printf (_("%s · recorded when you release"), w->description);

      gtk_list_box_append (self->withheld_box, withholding_row (w->reason, subtitle));
    }
  self->n_withheld = n_recorded;
  gtk_widget_set_visible (GTK_WIDGET (self->withheld_box), n_recorded + self->to_withhold->len > 0);
}

/* The recorded search with who searched and, once given, who signed off:
 * read-only, since the database fixes the scope once recorded. */
static char *
describe_search (const CstNoRecordsSearch *search)
{
  g_autofree char *systems = NULL, *locations = NULL, *from = NULL, *to = NULL, *at = NULL;
  g_autofree char *scope = NULL, *signed_at = NULL, *signed_off = NULL;

  if (search == NULL)
    return g_strdup (_("Record the search, then have a second person sign it off."));
  systems = g_strjoinv (", ", search->systems);
  locations = g_strjoinv (", ", search->locations);
  from = cst_locale_format_date (search->from);
  to = cst_locale_format_date (search->to);
  at = cst_locale_format_date_time (search->searched_at);
  /* Translators: who searched, when, the systems, the date range and the
   * locations searched. */
  scope = g_strdup_printf (_("Search recorded by %s on %s: %s, from %s to %s, at %s."),
                           search->searched_by, at, systems, from, to, locations);
  if (search->signed_off_by == NULL)
    return g_strdup_printf ("%s %s", scope, _("A second person must sign it off."));
  signed_at = cst_locale_format_date_time (search->signed_off_at);
  /* Translators: the second person and when they signed off. */
  signed_off = g_strdup_printf (_("It was signed off by %s on %s."), search->signed_off_by, signed_at);
  return g_strdup_printf ("%s %s", scope, signed_off);
}

/* The delivery proof as recorded, with who recorded it and when. */
static char *
describe_proof (const CstDeliveryProof *proof)
{
  g_autofree char *at = cst_locale_format_date_time (proof->recorded_at);
  g_autofree char *format = NULL, *evidence = NULL, *reason = NULL, *text = NULL;

  format = proof->format_name != NULL && proof->format_name[0] != '\0'
           ? g_strdup_printf ("%s (%s)", cst_record_format_get_label (proof->produced_format),
                              proof->format_name)
           : g_strdup (cst_record_format_get_label (proof->produced_format));
  if (proof->tracking_number != NULL)
    evidence = g_strdup_printf (_("tracking number %s"), proof->tracking_number);
  else if (proof->email_message_id != NULL)
    evidence = g_strdup_printf (_("message id %s"), proof->email_message_id);
  else if (proof->pickup_signed_by != NULL)
    {
      g_autofree char *day = cst_locale_format_date (proof->pickup_signed_on);
      evidence = g_strdup_printf (_("picked up and signed for by %s on %s"), proof->pickup_signed_by, day);
    }
  else
    evidence = g_strdup (_("no further proof needed"));
  /* Translators: who recorded it, when, the format, the delivery method
   * and the proof. */
  text = g_strdup_printf (_("Delivery recorded by %s on %s: %s by %s; %s."), proof->recorded_by, at,
                          format, cst_delivery_method_get_label (proof->delivery), evidence);
  if (proof->mismatch_reason == NULL)
    return g_steal_pointer (&text);
  reason = g_strdup_printf (_("Agreed with the requester: %s."), proof->mismatch_reason);
  return g_strdup_printf ("%s %s", text, reason);
}

static void
show_delivery (CstReleaseForms        *self,
               const CstDeliveryProof *proof)
{
  g_autofree char *text = proof != NULL ? describe_proof (proof) : NULL;

  GtkWidget *inputs[] = { GTK_WIDGET (self->produced_format_row), GTK_WIDGET (self->format_name_row),
                          GTK_WIDGET (self->delivery_row), GTK_WIDGET (self->mismatch_row),
                          GTK_WIDGET (self->tracking_row), GTK_WIDGET (self->message_id_row),
                          GTK_WIDGET (self->pickup_by_row), GTK_WIDGET (self->pickup_on_row) };

  gtk_label_set_label (self->delivery_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->delivery_label), text != NULL);
  /* The proof is recorded once (one row per request): once it is, the
   * form gives way to what was recorded instead of inviting a second. */
  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    gtk_widget_set_visible (inputs[i], proof == NULL);
}

/* What the answer is to, for its words. */
static const char *
done_text (Op op)
{
  switch (op)
    {
    case OP_SEARCH: return _("Search recorded. A second person must sign it off.");
    case OP_SIGN_OFF: return _("Search signed off.");
    case OP_ANSWER: return _("Answered: no records found.");
    case OP_LOAD:
    case OP_RELEASE_RECORDS:
    default: return NULL;
    }
}

typedef struct
{
  CstReleaseForms *self;
  Op               op;
} CallData;

static void
form_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autofree CallData *call = user_data;
  g_autoptr(CstReleaseForms) self = call->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstReleaseOnFile) state = cst_release_on_file_finish (CST_CONNECTION (object), result, &error);
  Op op = call->op;

  /* Another request, or the forms are gone: set_request() or dispose()
   * cancelled the job. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->pending--;
  if (state == NULL)
    {
      show_message (self, error->message, TRUE);
      /* Said again in the dialog when the clerk presses Release again. */
      if (op == OP_RELEASE_RECORDS)
        {
          gtk_label_set_label (self->release_message_label, error->message);
          gtk_widget_set_visible (GTK_WIDGET (self->release_message_label), TRUE);
        }
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->release_message_label), FALSE);
  show_message (self, done_text (op), FALSE);
  {
    g_autofree char *search = describe_search (state->search);
    gtk_label_set_label (self->no_records_label, search);
  }
  show_delivery (self, state->proof);
  g_clear_pointer (&self->recorded, g_ptr_array_unref);
  self->recorded = g_ptr_array_ref (state->withholdings);
  if (op == OP_RELEASE_RECORDS)
    g_ptr_array_set_size (self->to_withhold, 0);
  show_withholdings (self);
  if (state->answered != NULL)
    g_signal_emit (self, signals[REQUEST_CHANGED], 0);
  if (op == OP_RELEASE_RECORDS)
    g_signal_emit (self, signals[RELEASE_CONFIRMED], 0);
}

/* The callback's data for a job of @op; counts the job as pending. */
static CallData *
new_call (CstReleaseForms *self,
          Op               op)
{
  CallData *call = g_new0 (CallData, 1);

  call->self = g_object_ref (self);
  call->op = op;
  self->pending++;
  return call;
}

/* ---- reading the forms ---------------------------------------------------- */

static GStrv
split_list (AdwEntryRow *row)
{
  g_auto(GStrv) parts = g_strsplit (gtk_editable_get_text (GTK_EDITABLE (row)), ",", -1);
  GPtrArray *kept = g_ptr_array_new ();

  for (guint i = 0; parts[i]; i++)
    if (!cst_input_is_blank (g_strstrip (parts[i])))
      g_ptr_array_add (kept, g_strdup (parts[i]));
  g_ptr_array_add (kept, NULL);
  return (GStrv) g_ptr_array_free (kept, FALSE);
}

/* An optional date: blank leaves @date cleared; a malformed one marks the
 * row and says so. */
static gboolean
read_date (CstReleaseForms *self,
           AdwEntryRow     *row,
           GDate           *date)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));
  g_autoptr(GError) error = NULL;

  gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
  if (cst_input_is_blank (text) || cst_input_parse_date (text, date, &error))
    return TRUE;
  gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  {
    g_autofree char *message = g_strdup_printf ("%s: %s",
                                                adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
                                                error->message);
    show_message (self, message, TRUE);
  }
  return FALSE;
}

static char *
entry_text (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

static void
form_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CstReleaseForms *self = CST_RELEASE_FORMS (widget);
  g_auto(GStrv) systems = NULL;
  g_auto(GStrv) locations = NULL;
  GDate from, to;

  if (self->connection == NULL || self->request == NULL)
    return;
  if (g_str_equal (action_name, "release.sign-off"))
    {
      cst_release_on_file_sign_off_async (self->connection, self->request, self->cancellable,
                                          form_done_cb, new_call (self, OP_SIGN_OFF));
      return;
    }
  /* release.record-search */
  g_date_clear (&from, 1);
  g_date_clear (&to, 1);
  if (!read_date (self, self->from_row, &from) || !read_date (self, self->to_row, &to))
    return;
  systems = split_list (self->systems_row);
  locations = split_list (self->locations_row);
  cst_release_on_file_record_search_async (self->connection, self->request,
                                           (const char *const *) systems,
                                           g_date_valid (&from) ? &from : NULL,
                                           g_date_valid (&to) ? &to : NULL,
                                           (const char *const *) locations, self->cancellable,
                                           form_done_cb, new_call (self, OP_SEARCH));
}

/* ---- the release dialog --------------------------------------------------- */

static gboolean
delivery_offered (CstReleaseForms *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->produced_format_row));
}

static gboolean
row_filled (AdwEntryRow *row)
{
  return !cst_input_is_blank (gtk_editable_get_text (GTK_EDITABLE (row)));
}

/* Whether the delivery proof has what its method needs and, for another
 * format or delivery than the one asked for, the reason agreed: the
 * database's rules (0047), so Release is offered only when they hold. */
static gboolean
delivery_complete (CstReleaseForms *self)
{
  CstRecordFormat format = adw_combo_row_get_selected (self->produced_format_row);
  CstDeliveryMethod method = adw_combo_row_get_selected (self->delivery_row);
  int asked_format = 0, asked_delivery = 0;

  if (!delivery_offered (self))
    return TRUE;
  g_object_get (self->request, "format", &asked_format, "delivery", &asked_delivery, NULL);
  if ((format != (CstRecordFormat) asked_format || method != (CstDeliveryMethod) asked_delivery) &&
      !row_filled (self->mismatch_row))
    return FALSE;
  switch (method)
    {
    case CST_DELIVERY_MAIL: return row_filled (self->tracking_row);
    case CST_DELIVERY_SECURE_EMAIL: return row_filled (self->message_id_row);
    case CST_DELIVERY_PICKUP: return row_filled (self->pickup_by_row) && row_filled (self->pickup_on_row);
    default: return TRUE;
    }
}

static void
update_release_response (CstReleaseForms *self)
{
  if (self->release_dialog != NULL)
    adw_message_dialog_set_response_enabled (self->release_dialog, "release", delivery_complete (self));
}

static gboolean
queue_withholding (CstReleaseForms *self)
{
  CstWithholding *withheld;

  if (!row_filled (self->withheld_description_row))
    return FALSE;
  withheld = g_new0 (CstWithholding, 1);
  withheld->reason = adw_combo_row_get_selected (self->reason_row);
  withheld->description = entry_text (self->withheld_description_row);
  g_ptr_array_add (self->to_withhold, withheld);
  gtk_editable_set_text (GTK_EDITABLE (self->withheld_description_row), "");
  return TRUE;
}

static void
add_withholding_cb (CstReleaseForms *self)
{
  if (queue_withholding (self))
    show_withholdings (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->withheld_description_row));
}

/* Stores what the dialog gathered; ::release-confirmed follows once the
 * database has it. */
static void
record_for_release_and_confirm (CstReleaseForms *self)
{
  g_autofree char *format_name = entry_text (self->format_name_row);
  g_autofree char *mismatch = entry_text (self->mismatch_row);
  g_autofree char *tracking = entry_text (self->tracking_row);
  g_autofree char *message_id = entry_text (self->message_id_row);
  g_autofree char *pickup_by = entry_text (self->pickup_by_row);
  GDate pickup_on;
  CstDelivery delivery = {
    .produced_format = adw_combo_row_get_selected (self->produced_format_row),
    .format_name = nonblank (format_name),
    .mismatch_reason = nonblank (mismatch),
    .delivery = adw_combo_row_get_selected (self->delivery_row),
    .tracking_number = nonblank (tracking),
    .email_message_id = nonblank (message_id),
    .pickup_signed_by = nonblank (pickup_by),
  };
  gboolean record_delivery = delivery_offered (self);

  queue_withholding (self);
  show_withholdings (self);
  g_date_clear (&pickup_on, 1);
  if (record_delivery && !read_date (self, self->pickup_on_row, &pickup_on))
    {
      gtk_label_set_label (self->release_message_label, cst_release_forms_get_message (self));
      gtk_widget_set_visible (GTK_WIDGET (self->release_message_label), TRUE);
      return;
    }
  delivery.pickup_signed_on = g_date_valid (&pickup_on) ? &pickup_on : NULL;
  /* The model copies the list: it stays here for another try if refused. */
  cst_release_on_file_record_particulars_async (self->connection, self->request, self->to_withhold,
                                                record_delivery ? &delivery : NULL,
                                                self->cancellable, form_done_cb,
                                                new_call (self, OP_RELEASE_RECORDS));
}

static void
release_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     CstReleaseForms  *self)
{
  GtkWidget *scroller = adw_message_dialog_get_extra_child (dialog);

  /* The forms outlive the dialog: what was typed stays for next time. */
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), NULL);
  self->release_dialog = NULL;
  if (g_str_equal (response, "release") && self->request != NULL && self->connection != NULL)
    record_for_release_and_confirm (self);
}

/**
 * cst_release_forms_confirm_release:
 *
 * What Release does: asks whether to release the request, saying what
 * cannot be undone, and gathers what the release records (withholdings,
 * format and delivery proof).  Cancel changes nothing; Release stores them
 * and emits ::release-confirmed.
 *
 * Returns: (transfer none) (nullable): the dialog, presented
 */
GtkWindow *
cst_release_forms_confirm_release (CstReleaseForms *self)
{
  GtkWidget *scroller;
  g_autofree char *heading = NULL;

  g_return_val_if_fail (CST_IS_RELEASE_FORMS (self), NULL);

  if (self->request == NULL || self->connection == NULL || self->release_dialog != NULL)
    return self->release_dialog ? GTK_WINDOW (self->release_dialog) : NULL;
  /* Translators: %s is the request's reference. */
  heading = g_strdup_printf (_("Release %s?"), cst_request_get_reference (self->request));
  self->release_dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (
    GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), heading,
    _("Releasing records a disclosure in the patient's accounting of disclosures, makes the cover "
      "letter and the invoice, and closes the request. It cannot be undone: check what is withheld "
      "and how the records go out.")));
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 480);
  /* Wider than a plain question: the forms' titles and choices are long. */
  gtk_widget_set_size_request (scroller, 480, -1);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), self->release_box);
  adw_message_dialog_set_extra_child (self->release_dialog, scroller);
  adw_message_dialog_add_responses (self->release_dialog, "cancel", _("_Cancel"),
                                    "release", _("_Release"), NULL);
  adw_message_dialog_set_response_appearance (self->release_dialog, "release", ADW_RESPONSE_DESTRUCTIVE);
  /* Enter does not release by accident. */
  adw_message_dialog_set_default_response (self->release_dialog, "cancel");
  adw_message_dialog_set_close_response (self->release_dialog, "cancel");
  g_signal_connect (self->release_dialog, "response", G_CALLBACK (release_response_cb), self);
  update_release_response (self);
  gtk_window_present (GTK_WINDOW (self->release_dialog));
  return GTK_WINDOW (self->release_dialog);
}

void
cst_release_forms_answer_no_records (CstReleaseForms *self,
                                     const char      *reason)
{
  if (self->connection == NULL || self->request == NULL)
    return;
  cst_release_on_file_answer_no_records_async (self->connection, self->request, reason,
                                               self->cancellable, form_done_cb,
                                               new_call (self, OP_ANSWER));
}

static void
answer_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    CstReleaseForms  *self)
{
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));

  if (g_str_equal (response, "answer"))
    cst_release_forms_answer_no_records (self, gtk_editable_get_text (entry));
}

static void
answer_text_changed_cb (GtkEditable      *entry,
                        AdwMessageDialog *dialog)
{
  adw_message_dialog_set_response_enabled (dialog, "answer",
                                           !cst_input_is_blank (gtk_editable_get_text (entry)));
}

static void
answer_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                              _("Answer “No Records Found”?"),
                                              _("The request is closed as denied, no records found. "
                                                "Tell the requester where the records may be, if known "
                                                "(45 CFR 164.524(d)(3))."));
  GtkWidget *entry = gtk_entry_new ();

  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Where to direct the request"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Back"),
                                    "answer", _("_Answer"), NULL);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "answer", FALSE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (entry, "changed", G_CALLBACK (answer_text_changed_cb), dialog);
  g_signal_connect (dialog, "response", G_CALLBACK (answer_response_cb), widget);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- the object ----------------------------------------------------------- */

static void
cst_release_forms_dispose (GObject *object)
{
  CstReleaseForms *self = CST_RELEASE_FORMS (object);

  if (self->release_dialog != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->release_dialog, self);
      gtk_window_destroy (GTK_WINDOW (self->release_dialog));
      self->release_dialog = NULL;
    }
  cst_dispose_template (GTK_WIDGET (self), CST_TYPE_RELEASE_FORMS);
  /* A job still on its way finds itself cancelled and drops its answer. */
  cst_dispose_cancel (&self->cancellable);
  g_clear_object (&self->connection);
  g_clear_object (&self->request);
  g_clear_pointer (&self->recorded, g_ptr_array_unref);
  g_clear_pointer (&self->to_withhold, g_ptr_array_unref);
  G_OBJECT_CLASS (cst_release_forms_parent_class)->dispose (object);
}

static void
cst_release_forms_class_init (CstReleaseFormsClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  static const char *const actions[] = { "release.record-search", "release.sign-off" };

  G_OBJECT_CLASS (klass)->dispose = cst_release_forms_dispose;

  /**
   * CstReleaseForms::request-changed:
   *
   * The request itself changed (answered "no records found"): read it again.
   */
  signals[REQUEST_CHANGED] = g_signal_new ("request-changed", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * CstReleaseForms::release-confirmed:
   *
   * The clerk confirmed Release and what it records is stored: release.
   */
  signals[RELEASE_CONFIRMED] = g_signal_new ("release-confirmed", G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/cst-release-forms.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, CstReleaseForms, name)
  BIND (systems_row); BIND (from_row); BIND (to_row); BIND (locations_row); BIND (no_records_label);
  BIND (withheld_box); BIND (reason_row); BIND (withheld_description_row);
  BIND (produced_format_row); BIND (format_name_row); BIND (delivery_row); BIND (mismatch_row);
  BIND (tracking_row); BIND (message_id_row); BIND (pickup_by_row); BIND (pickup_on_row);
  BIND (message_label); BIND (delivery_label);
  BIND (release_box); BIND (release_message_label);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, add_withholding_cb);
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    gtk_widget_class_install_action (widget_class, actions[i], NULL, form_action);
  gtk_widget_class_install_action (widget_class, "release.answer-no-records", NULL, answer_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
cst_release_forms_init (CstReleaseForms *self)
{
  g_autoptr(GtkStringList) reasons = gtk_string_list_new (NULL);

  AdwEntryRow *delivery_entries[5];

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->to_withhold = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_withholding_free);
  /* Release is offered once the delivery proof is complete. */
  delivery_entries[0] = self->mismatch_row;
  delivery_entries[1] = self->tracking_row;
  delivery_entries[2] = self->message_id_row;
  delivery_entries[3] = self->pickup_by_row;
  delivery_entries[4] = self->pickup_on_row;
  for (guint i = 0; i < G_N_ELEMENTS (delivery_entries); i++)
    g_signal_connect_swapped (delivery_entries[i], "changed", G_CALLBACK (update_release_response), self);
  g_signal_connect_swapped (self->produced_format_row, "notify::selected",
                            G_CALLBACK (update_release_response), self);
  g_signal_connect_swapped (self->delivery_row, "notify::selected",
                            G_CALLBACK (update_release_response), self);
  for (CstWithheldReason r = CST_WITHHELD_PART2; r <= CST_WITHHELD_NOT_HELD; r++)
    gtk_string_list_append (reasons, cst_withheld_reason_get_label (r));
  adw_combo_row_set_model (self->reason_row, G_LIST_MODEL (reasons));
}

void
cst_release_forms_set_connection (CstReleaseForms *self,
                                  CstConnection   *connection)
{
  g_set_object (&self->connection, connection);
}

/* The delivery form starts at the format and delivery the requester
 * asked for, which need no agreed reason. */
static void
start_from_what_was_asked (CstReleaseForms *self)
{
  int format = 0, delivery = 0;

  if (self->request == NULL)
    return;
  g_object_get (self->request, "format", &format, "delivery", &delivery, NULL);
  adw_combo_row_set_selected (self->produced_format_row, format);
  adw_combo_row_set_selected (self->delivery_row, delivery);
}

/* Shown for open requests past intake; the forms start empty and the
 * recorded state is read afresh. */
void
cst_release_forms_set_request (CstReleaseForms *self,
                               CstRequest      *request)
{
  CstRequestStatus status = request ? cst_request_get_status (request) : CST_STATUS_CANCELLED;
  AdwEntryRow *rows[] = { self->systems_row, self->from_row, self->to_row, self->locations_row,
                          self->withheld_description_row, self->format_name_row, self->mismatch_row,
                          self->tracking_row, self->message_id_row, self->pickup_by_row,
                          self->pickup_on_row };
  gboolean same = request != NULL && self->request != NULL &&
                  cst_request_get_id (request) == cst_request_get_id (self->request);

  cst_dispose_renew (&self->cancellable);
  self->pending = 0;
  g_set_object (&self->request, request);
  if (!same)
    {
      for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
        gtk_editable_set_text (GTK_EDITABLE (rows[i]), "");
      show_message (self, NULL, FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->release_message_label), FALSE);
      /* Not the previous request's record while this one's is read. */
      gtk_label_set_label (self->no_records_label, "");
      show_delivery (self, NULL);
      g_ptr_array_set_size (self->to_withhold, 0);
      g_clear_pointer (&self->recorded, g_ptr_array_unref);
      show_withholdings (self);
      start_from_what_was_asked (self);
    }
  gtk_widget_set_visible (GTK_WIDGET (self), request != NULL && !cst_request_status_is_closed (status) &&
                                             status != CST_STATUS_RECEIVED);
  if (request != NULL && self->connection != NULL)
    cst_release_on_file_load_async (self->connection, self->request, self->cancellable,
                                    form_done_cb, new_call (self, OP_LOAD));
}

gboolean
cst_release_forms_is_idle (CstReleaseForms *self)
{
  return self->pending == 0;
}

const char *
cst_release_forms_get_message (CstReleaseForms *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->message_label))
         ? gtk_label_get_label (self->message_label) : NULL;
}

const char *
cst_release_forms_get_no_records_status (CstReleaseForms *self)
{
  return gtk_label_get_label (self->no_records_label);
}

/* Whether the delivery form is offered (no proof recorded yet). */
gboolean
cst_release_forms_can_record_delivery (CstReleaseForms *self)
{
  return delivery_offered (self);
}

/* The recorded delivery proof as shown, or NULL when none is. */
const char *
cst_release_forms_get_delivery_status (CstReleaseForms *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->delivery_label))
         ? gtk_label_get_label (self->delivery_label) : NULL;
}

guint
cst_release_forms_get_n_withheld (CstReleaseForms *self)
{
  return self->n_withheld;
}

static AdwEntryRow *
entry_for (CstReleaseForms *self,
           const char      *field)
{
  const struct { const char *name; AdwEntryRow *row; } fields[] = {
    { "systems", self->systems_row }, { "from", self->from_row }, { "to", self->to_row },
    { "locations", self->locations_row }, { "withheld-description", self->withheld_description_row },
    { "format-name", self->format_name_row }, { "mismatch-reason", self->mismatch_row },
    { "tracking-number", self->tracking_row }, { "message-id", self->message_id_row },
    { "pickup-by", self->pickup_by_row }, { "pickup-on", self->pickup_on_row },
  };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (g_str_equal (fields[i].name, field))
      return fields[i].row;
  g_return_val_if_reached (NULL);
}

void
cst_release_forms_set_field (CstReleaseForms *self,
                             const char      *field,
                             const char      *text)
{
  gtk_editable_set_text (GTK_EDITABLE (entry_for (self, field)), text);
}

/* @field: "withheld-reason" (CstWithheldReason), "produced-format"
 * (CstRecordFormat) or "delivery" (CstDeliveryMethod) */
void
cst_release_forms_set_choice (CstReleaseForms *self,
                              const char      *field,
                              guint            index)
{
  AdwComboRow *row = g_str_equal (field, "withheld-reason") ? self->reason_row
                     : g_str_equal (field, "produced-format") ? self->produced_format_row
                     : self->delivery_row;

  adw_combo_row_set_selected (row, index);
}
