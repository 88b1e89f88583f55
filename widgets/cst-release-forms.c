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
 * send the clerk's entries on the connection's worker thread and show the
 * database's answer.
 */
#define G_LOG_DOMAIN "cst-release-forms"

#include "config.h"

#include <glib/gi18n.h>

#include "cst-release-forms.h"

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
  AdwActionRow  *record_delivery_row;
  GtkLabel      *message_label;
  GtkLabel      *delivery_label;

  CstConnection *connection;
  CstRequest    *request;
  GCancellable  *cancellable;
  guint          epoch;
  guint          pending;
  guint          n_withheld;
};

G_DEFINE_FINAL_TYPE (CstReleaseForms, cst_release_forms, GTK_TYPE_WIDGET)

enum {
  REQUEST_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef enum
{
  OP_LOAD,
  OP_SEARCH,
  OP_SIGN_OFF,
  OP_ANSWER,
  OP_WITHHOLD,
  OP_DELIVERY,
} Op;

typedef struct
{
  Op                 op;
  CstRequest        *request;   /* a private copy */
  GStrv              systems, locations;
  GDate              from, to, pickup_on;
  CstWithheldReason  reason;
  char              *text;      /* withholding description, or the no-records reason */
  CstRecordFormat    produced_format;
  CstDeliveryMethod  delivery;
  char              *format_name, *mismatch, *tracking, *message_id, *pickup_by;
} FormJob;

typedef struct
{
  CstNoRecordsSearch *search;  /* NULL: none recorded */
  CstDeliveryProof   *proof;   /* NULL: none recorded */
  GPtrArray  *withholdings;
  CstRequest *answered;
  char       *done;        /* what the operation did, in words */
} FormState;

static void
form_job_free (FormJob *job)
{
  g_clear_object (&job->request);
  g_strfreev (job->systems);
  g_strfreev (job->locations);
  g_free (job->text);
  g_free (job->format_name);
  g_free (job->mismatch);
  g_free (job->tracking);
  g_free (job->message_id);
  g_free (job->pickup_by);
  g_free (job);
}

static void
form_state_free (FormState *state)
{
  g_clear_pointer (&state->withholdings, g_ptr_array_unref);
  g_clear_pointer (&state->search, cst_no_records_search_free);
  g_clear_pointer (&state->proof, cst_delivery_proof_free);
  g_clear_object (&state->answered);
  g_free (state->done);
  g_free (state);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FormState, form_state_free)

static const char *
nonblank (const char *text)
{
  return cst_input_is_blank (text) ? NULL : text;
}

static gboolean
run_op (PGconn     *conn,
        FormJob    *job,
        FormState  *state,
        GError    **error)
{
  CstDelivery delivery = { 0 };

  switch (job->op)
    {
    case OP_SEARCH:
      state->done = g_strdup (_("Search recorded. A second person must sign it off."));
      return cst_no_records_record_search (conn, job->request, (const char *const *) job->systems,
                                           g_date_valid (&job->from) ? &job->from : NULL,
                                           g_date_valid (&job->to) ? &job->to : NULL,
                                           (const char *const *) job->locations, error);
    case OP_SIGN_OFF:
      state->done = g_strdup (_("Search signed off."));
      return cst_no_records_sign_off (conn, job->request, error);
    case OP_ANSWER:
      state->done = g_strdup (_("Answered: no records found."));
      state->answered = cst_no_records_answer (conn, job->request, job->text, error);
      return state->answered != NULL;
    case OP_WITHHOLD:
      state->done = g_strdup (_("Withholding recorded."));
      return cst_withholding_record (conn, job->request, job->reason, job->text, error);
    case OP_DELIVERY:
      state->done = g_strdup (_("Format and delivery proof recorded."));
      delivery.produced_format = job->produced_format;
      delivery.format_name = nonblank (job->format_name);
      delivery.mismatch_reason = nonblank (job->mismatch);
      delivery.delivery = job->delivery;
      delivery.tracking_number = nonblank (job->tracking);
      delivery.email_message_id = nonblank (job->message_id);
      delivery.pickup_signed_by = nonblank (job->pickup_by);
      delivery.pickup_signed_on = g_date_valid (&job->pickup_on) ? &job->pickup_on : NULL;
      return cst_delivery_record (conn, job->request, &delivery, error);
    case OP_LOAD:
    default:
      return TRUE;
    }
}

static gpointer
form_in_thread (PGconn   *conn,
                gpointer  data,
                GError  **error)
{
  FormJob *job = data;
  g_autoptr(FormState) state = g_new0 (FormState, 1);
  g_autoptr(GError) local = NULL;

  if (!run_op (conn, job, state, error))
    return NULL;
  /* What is already on record, so a reopened request shows it. */
  state->search = cst_no_records_get (conn, cst_request_get_id (job->request), &local);
  if (local == NULL)
    state->proof = cst_delivery_get (conn, cst_request_get_id (job->request), &local);
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  state->withholdings = cst_withholding_list (conn, job->request, error);
  if (state->withholdings == NULL)
    return NULL;
  return g_steal_pointer (&state);
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

static void
show_withholdings (CstReleaseForms *self,
                   GPtrArray       *withholdings)
{
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self->withheld_box)));)
    gtk_list_box_remove (self->withheld_box, child);
  for (guint i = 0; i < withholdings->len; i++)
    {
      CstWithholding *w = g_ptr_array_index (withholdings, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *subtitle = g_strdup_printf (_("%s · recorded by %s"), w->description,
                                                   w->recorded_by);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), cst_withheld_reason_get_label (w->reason));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_append (self->withheld_box, row);
    }
  self->n_withheld = withholdings->len;
  gtk_widget_set_visible (GTK_WIDGET (self->withheld_box), withholdings->len > 0);
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
                          GTK_WIDGET (self->pickup_by_row), GTK_WIDGET (self->pickup_on_row),
                          GTK_WIDGET (self->record_delivery_row) };

  gtk_label_set_label (self->delivery_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->delivery_label), text != NULL);
  /* The proof is recorded once (one row per request): once it is, the
   * form gives way to what was recorded instead of inviting a second. */
  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    gtk_widget_set_visible (inputs[i], proof == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "release.record-delivery", proof == NULL);
}

typedef struct
{
  CstReleaseForms *self;
  guint            epoch;
} CallData;

static void
form_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  CallData *call = user_data;
  g_autoptr(CstReleaseForms) self = call->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(FormState) state = cst_connection_run_finish (CST_CONNECTION (object), result, &error);
  gboolean current = call->epoch == self->epoch;

  g_free (call);
  if (!current)
    return;
  self->pending--;
  if (state == NULL)
    {
      show_message (self, error->message, TRUE);
      return;
    }
  show_message (self, state->done, FALSE);
  {
    g_autofree char *search = describe_search (state->search);
    gtk_label_set_label (self->no_records_label, search);
  }
  show_delivery (self, state->proof);
  show_withholdings (self, state->withholdings);
  if (state->answered != NULL)
    g_signal_emit (self, signals[REQUEST_CHANGED], 0);
}

static void
run_job (CstReleaseForms *self,
         FormJob         *job)
{
  CallData *call = g_new0 (CallData, 1);

  job->request = cst_request_copy (self->request);
  call->self = g_object_ref (self);
  call->epoch = self->epoch;
  self->pending++;
  cst_connection_run_async (self->connection, form_in_thread, job, (GDestroyNotify) form_job_free,
                            (GDestroyNotify) form_state_free, self->cancellable, form_done_cb, call);
}

static FormJob *
new_job (Op op)
{
  FormJob *job = g_new0 (FormJob, 1);

  job->op = op;
  g_date_clear (&job->from, 1);
  g_date_clear (&job->to, 1);
  g_date_clear (&job->pickup_on, 1);
  return job;
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
  FormJob *job;

  if (self->connection == NULL || self->request == NULL)
    return;
  if (g_str_equal (action_name, "release.sign-off"))
    {
      run_job (self, new_job (OP_SIGN_OFF));
      return;
    }
  if (g_str_equal (action_name, "release.record-withholding"))
    {
      job = new_job (OP_WITHHOLD);
      job->reason = adw_combo_row_get_selected (self->reason_row);
      job->text = entry_text (self->withheld_description_row);
      run_job (self, job);
      return;
    }
  if (g_str_equal (action_name, "release.record-search"))
    {
      job = new_job (OP_SEARCH);
      if (!read_date (self, self->from_row, &job->from) || !read_date (self, self->to_row, &job->to))
        {
          form_job_free (job);
          return;
        }
      job->systems = split_list (self->systems_row);
      job->locations = split_list (self->locations_row);
      run_job (self, job);
      return;
    }
  /* release.record-delivery */
  job = new_job (OP_DELIVERY);
  if (!read_date (self, self->pickup_on_row, &job->pickup_on))
    {
      form_job_free (job);
      return;
    }
  job->produced_format = adw_combo_row_get_selected (self->produced_format_row);
  job->delivery = adw_combo_row_get_selected (self->delivery_row);
  job->format_name = entry_text (self->format_name_row);
  job->mismatch = entry_text (self->mismatch_row);
  job->tracking = entry_text (self->tracking_row);
  job->message_id = entry_text (self->message_id_row);
  job->pickup_by = entry_text (self->pickup_by_row);
  run_job (self, job);
}

void
cst_release_forms_answer_no_records (CstReleaseForms *self,
                                     const char      *reason)
{
  FormJob *job;

  if (self->connection == NULL || self->request == NULL)
    return;
  job = new_job (OP_ANSWER);
  job->text = g_strdup (reason);
  run_job (self, job);
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

  g_cancellable_cancel (self->cancellable);
  /* A job still on its way finds its widget gone and drops its answer. */
  self->epoch++;
  gtk_widget_dispose_template (GTK_WIDGET (self), CST_TYPE_RELEASE_FORMS);
  /* GTK 4.8 leaves unnamed template children in place. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self)));)
    gtk_widget_unparent (child);
  g_clear_object (&self->connection);
  g_clear_object (&self->request);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (cst_release_forms_parent_class)->dispose (object);
}

static void
cst_release_forms_class_init (CstReleaseFormsClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  static const char *const actions[] = { "release.record-search", "release.sign-off",
                                         "release.record-withholding", "release.record-delivery" };

  G_OBJECT_CLASS (klass)->dispose = cst_release_forms_dispose;

  /**
   * CstReleaseForms::request-changed:
   *
   * The request itself changed (answered "no records found"): read it again.
   */
  signals[REQUEST_CHANGED] = g_signal_new ("request-changed", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/cst-release-forms.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, CstReleaseForms, name)
  BIND (systems_row); BIND (from_row); BIND (to_row); BIND (locations_row); BIND (no_records_label);
  BIND (withheld_box); BIND (reason_row); BIND (withheld_description_row);
  BIND (produced_format_row); BIND (format_name_row); BIND (delivery_row); BIND (mismatch_row);
  BIND (tracking_row); BIND (message_id_row); BIND (pickup_by_row); BIND (pickup_on_row);
  BIND (message_label); BIND (delivery_label);
  BIND (record_delivery_row);
#undef BIND
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    gtk_widget_class_install_action (widget_class, actions[i], NULL, form_action);
  gtk_widget_class_install_action (widget_class, "release.answer-no-records", NULL, answer_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
cst_release_forms_init (CstReleaseForms *self)
{
  g_autoptr(GtkStringList) reasons = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
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

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->epoch++;
  self->pending = 0;
  g_set_object (&self->request, request);
  if (!same)
    {
      for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
        gtk_editable_set_text (GTK_EDITABLE (rows[i]), "");
      show_message (self, NULL, FALSE);
      /* Not the previous request's record while this one's is read. */
      gtk_label_set_label (self->no_records_label, "");
      show_delivery (self, NULL);
    }
  gtk_widget_set_visible (GTK_WIDGET (self), request != NULL && !cst_request_status_is_closed (status) &&
                                             status != CST_STATUS_RECEIVED);
  if (request != NULL && self->connection != NULL)
    run_job (self, new_job (OP_LOAD));
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
  return gtk_widget_get_visible (GTK_WIDGET (self->record_delivery_row));
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
