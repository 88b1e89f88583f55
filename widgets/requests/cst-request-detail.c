/* cst-request-detail.c — view and edit one request, and move it along
 *
 * The form edits a private copy; nothing reaches the shared request object
 * until the database has accepted the change.  When another clerk saved
 * first, the form keeps what this clerk typed, says who changed the
 * request, and offers to reload: a three-way merge (cst_request_merge_edits)
 * puts their changes and ours together, naming fields both changed.
 */
#define G_LOG_DOMAIN "cst-request-detail"

#include "config.h"

#include <glib/gi18n.h>

#include "cst-authorization-checklist.h"
#include "cst-legal-process-group.h"
#include "cst-dispose.h"
#include "cst-keep-place.h"
#include "cst-documents-dialog.h"
#include "cst-due-badge.h"
#include "cst-fee-quote-panel.h"
#include "cst-request-detail.h"
#include "cst-packet-group.h"
#include "cst-payment-group.h"
#include "cst-packet-review-panel.h"
#include "cst-request-safeguards.h"
#include "cst-spinner.h"
#include "cst-release-forms.h"

#include <custodian/cst-error.h>
#include <custodian/cst-evidence-pack.h>
#include <custodian/cst-fee-schedule.h>
#include <custodian/cst-input.h>
#include <custodian/cst-locale-format.h>
#include <custodian/cst-request-history.h>
#include <custodian/cst-settings.h>

typedef struct
{
  const char  *property;
  gboolean     is_date;
  AdwEntryRow *row;
} TextField;

enum {
  FIELD_RECEIVED, FIELD_JURISDICTION, FIELD_PURPOSE, FIELD_RECORDS_FROM, FIELD_RECORDS_TO,
  FIELD_ASSIGNEE, FIELD_AUTH_SIGNED, FIELD_AUTH_EXPIRES, FIELD_AUTH_NOTES,
  N_FIELDS
};

struct _CstRequestDetail
{
  GtkWidget        parent_instance;

  GtkStack        *stack;
  GtkSpinner      *loading_spinner;
  GtkScrolledWindow *form_scroller;
  GtkLabel        *title_label;
  GtkLabel        *closed_label;
  GtkLabel        *patient_label;
  GtkLabel        *status_label;
  GtkLabel        *extension_label;
  GtkButton       *extend_button;
  CstDueBadge     *due_badge;
  GtkRevealer     *conflict_revealer;
  GtkLabel        *conflict_label;
  GtkLabel        *error_label;
  AdwEntryRow     *received_row;
  AdwEntryRow     *jurisdiction_row;
  AdwEntryRow     *purpose_row;
  AdwComboRow     *purpose_code_row;
  AdwEntryRow     *record_types_row;
  AdwEntryRow     *records_from_row;
  AdwEntryRow     *records_to_row;
  AdwEntryRow     *assignee_row;
  AdwEntryRow     *auth_signed_row;
  AdwEntryRow     *auth_expires_row;
  AdwEntryRow     *auth_notes_row;
  AdwComboRow     *format_row;
  AdwComboRow     *delivery_row;
  GtkSpinButton   *pages_spin;
  GtkSwitch       *auth_switch;
  AdwActionRow    *requester_row;
  AdwActionRow    *contact_row;
  GtkButton       *advance_button;
  GtkButton       *save_button;
  GtkLabel        *advance_hint_label;
  CstFeeQuotePanel *fee_panel;
  CstAuthorizationChecklist *auth_checklist;
  CstLegalProcessGroup *legal_process_group;
  CstRequestSafeguards *safeguards;
  CstPacketGroup       *packet_group;
  CstPaymentGroup      *payment_group;
  CstPacketReviewPanel *packet_review;
  CstReleaseForms *release_forms;
  GtkLabel        *history_status_label;
  GtkListBox      *history_list;

  CstRequestStore *store;
  CstRequest      *request;   /* the live, shared object */
  CstRequest      *base;      /* the request as the form was filled from it */
  GCancellable    *cancellable;
  TextField        fields[N_FIELDS];
  gboolean         dirty;
  gboolean         filling;
  gboolean         busy;
  guint            quote_idle_id;
  gboolean         edited_while_saving;
  gboolean         waiting_for_server;
  GCancellable    *history_cancellable;  /* the history being read, replaced per request */
  GListModel      *history;              /* NULL until read */
  gint64           scrolled_for;         /* the request the form's scroll position is of */
  GtkFileChooserNative *evidence_chooser;
  char            *evidence_path;        /* the evidence pack being written, or NULL */
  char            *evidence_message;     /* what the last export said */
};

G_DEFINE_FINAL_TYPE (CstRequestDetail, cst_request_detail, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_DIRTY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The main path's next step, and the words on its button. */
static gboolean
next_step (CstRequestStatus  status,
           CstRequestStatus *next,
           const char      **label)
{
  switch (status)
    {
    case CST_STATUS_RECEIVED:
      *next = CST_STATUS_AUTHORIZATION_VERIFIED; *label = _("_Verify Authorization"); return TRUE;
    case CST_STATUS_AUTHORIZATION_VERIFIED:
      *next = CST_STATUS_IN_PROGRESS; *label = _("_Start Work"); return TRUE;
    case CST_STATUS_IN_PROGRESS:
      *next = CST_STATUS_QUALITY_CHECK; *label = _("Send to _Quality Check"); return TRUE;
    case CST_STATUS_QUALITY_CHECK:
      *next = CST_STATUS_READY; *label = _("Mark _Ready"); return TRUE;
    case CST_STATUS_READY:
      *next = CST_STATUS_RELEASED; *label = _("_Release"); return TRUE;
    default:
      return FALSE;
    }
}

/* Released, denied and cancelled requests are history: shown, never
 * edited (the database refuses any change to them). */
static gboolean
is_closed (CstRequestDetail *self)
{
  return self->request != NULL && cst_request_status_is_closed (cst_request_get_status (self->request));
}

static gboolean
can_save (CstRequestDetail *self)
{
  return self->dirty && !self->busy && !is_closed (self);
}

static void
set_dirty (CstRequestDetail *self,
           gboolean          dirty)
{
  if (self->dirty == dirty)
    return;
  self->dirty = dirty;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "detail.save", can_save (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIRTY]);
}

/* Why the next step is not offered yet, or NULL: the authorization
 * checklist is incomplete (164.508(c)), or the authorization expired
 * before release (164.508(b)(2)(i)).  The database refuses both anyway. */
static char *
dup_blocked_reason (CstRequestDetail *self,
                    CstRequestStatus  next)
{
  GDate today;

  if (next == CST_STATUS_AUTHORIZATION_VERIFIED)
    {
      char *text = cst_authorization_checklist_dup_blocking_text (self->auth_checklist);
      return text ? text : cst_request_safeguards_dup_blocking_text (self->safeguards);
    }
  /* With records, the packet's review is the quality check: a second
   * person's approval makes the request ready (the database refuses any
   * other way), so the plain step is not offered. */
  if (next == CST_STATUS_READY && cst_packet_group_get_n_documents (self->packet_group) > 0)
    return g_strdup (_("The packet's review decides: a second person approves the packet below "
                       "(Approve Packet), which makes the request ready."));
  cst_input_today (&today);
  if (next == CST_STATUS_RELEASED && cst_authorization_is_expired (self->request, &today))
    {
      g_autoptr(GDate) expires = NULL;
      g_autofree char *date = NULL;

      g_object_get (self->request, "authorization-expires", &expires, NULL);
      date = cst_locale_format_date (expires);
      return g_strdup_printf (_("The authorization expired on %s: nothing may be released under it. "
                                "Ask the requester for a new authorization."), date);
    }
  return NULL;
}

/* Read-only rows keep their text selectable and in the focus chain (a
 * screen reader reads them); style.css hides their pencil. */
static void
set_row_editable (AdwEntryRow *row,
                  gboolean     editable)
{
  gtk_editable_set_editable (GTK_EDITABLE (row), editable);
  if (editable)
    gtk_widget_remove_css_class (GTK_WIDGET (row), "read-only");
  else
    gtk_widget_add_css_class (GTK_WIDGET (row), "read-only");
}

/* A closed request's fields show what was recorded and cannot be typed
 * in; Save goes away and a line says why. */
static void
update_read_only (CstRequestDetail *self)
{
  gboolean closed = is_closed (self);

  for (guint i = 0; i < N_FIELDS; i++)
    set_row_editable (self->fields[i].row, !closed);
  set_row_editable (self->record_types_row, !closed);
  gtk_widget_set_sensitive (GTK_WIDGET (self->format_row), !closed);
  gtk_widget_set_sensitive (GTK_WIDGET (self->purpose_code_row), !closed);
  gtk_widget_set_sensitive (GTK_WIDGET (self->delivery_row), !closed);
  /* With records in its packet, the request's page count is the pages
   * released (the server writes it): not typed over. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->pages_spin),
                            !closed && !cst_packet_group_counts_pages (self->packet_group));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->pages_spin),
                               cst_packet_group_counts_pages (self->packet_group)
                               ? _("The pages released from the records packet (Records, Pages…)") : NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->auth_switch), !closed);
  gtk_widget_set_visible (GTK_WIDGET (self->save_button), !closed);
  gtk_widget_set_visible (GTK_WIDGET (self->closed_label), closed);
  if (closed)
    {
      const char *status = cst_request_status_get_label (cst_request_get_status (self->request));
      g_autofree char *text = g_strdup_printf (_("This request is closed (%s). It is shown as it was "
                                                 "and can no longer be changed."), status);
      gtk_label_set_label (self->closed_label, text);
    }
}

/* The one extension is offered only where the governing rule allows it;
 * where it does not, the button stays in place, disabled, and says why. */
static void
update_extend (CstRequestDetail *self)
{
  g_autofree char *why_not = NULL;
  gboolean can = self->request != NULL && cst_request_can_extend (self->request, &why_not);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "detail.extend", can);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->extend_button),
                               can ? _("Take the one extension the governing rule allows (Ctrl+Shift+E)")
                                   : why_not);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->extend_button),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, can ? "" : why_not, -1);
}

static void
update_actions (CstRequestDetail *self)
{
  CstRequestStatus status = self->request ? cst_request_get_status (self->request) : CST_STATUS_CANCELLED;
  gboolean open = self->request != NULL && !cst_request_status_is_closed (status) && !self->busy;
  CstRequestStatus next;
  const char *label = NULL;
  gboolean has_next = open && next_step (status, &next, &label);
  g_autofree char *blocked = has_next ? dup_blocked_reason (self, next) : NULL;

  /* The hint and the buttons are above most of the form. */
  cst_keep_place (GTK_WIDGET (self->form_scroller));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "detail.advance", has_next && blocked == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->advance_button), has_next);
  if (has_next)
    gtk_button_set_label (self->advance_button, label);
  gtk_label_set_label (self->advance_hint_label, blocked ? blocked : "");
  gtk_widget_set_visible (GTK_WIDGET (self->advance_hint_label), blocked != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "detail.deny",
                                 open && cst_request_status_can_move (status, CST_STATUS_DENIED));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "detail.cancel-request",
                                 open && cst_request_status_can_move (status, CST_STATUS_CANCELLED));
  update_extend (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "detail.save", can_save (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "detail.documents", self->request != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "detail.evidence",
                                 self->request != NULL && self->evidence_path == NULL);
  update_read_only (self);
}

static void
show_error (CstRequestDetail *self,
            const char       *message)
{
  gtk_label_set_label (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
fill_header (CstRequestDetail *self)
{
  CstRequest *r = self->request;
  g_autofree char *name = cst_request_dup_patient_name (r);
  g_autofree char *patient = g_strdup_printf (_("%s · MRN %s"), name ? name : "",
                                              cst_request_get_patient_mrn (r));
  g_autofree char *status = g_strdup_printf (_("Status: %s"),
                                             cst_request_status_get_label (cst_request_get_status (r)));
  const char *reason = cst_request_get_status_reason (r);

  gtk_label_set_label (self->title_label, cst_request_get_reference (r));
  gtk_label_set_label (self->patient_label, patient);
  if (reason != NULL && *reason)
    {
      g_autofree char *with_reason = g_strdup_printf (_("%s — %s"), status, reason);
      gtk_label_set_label (self->status_label, with_reason);
    }
  else
    gtk_label_set_label (self->status_label, status);
  if (cst_request_is_extended (r))
    {
      g_autofree char *on = cst_locale_format_date (cst_request_get_extended_on (r));
      g_autofree char *reason_text = NULL;
      g_autofree char *text = NULL;
      g_object_get (r, "extension-reason", &reason_text, NULL);
      text = g_strdup_printf (_("Extended on %s: %s"), on, reason_text ? reason_text : "");
      gtk_label_set_label (self->extension_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->extension_label), cst_request_is_extended (r));
  cst_due_badge_set_request (self->due_badge, r);
}

/* The requester's contact details that are on file, joined; never
 * "Contact ·  · " with empty parts. */
static char *
dup_contact_text (const char *organization,
                  const char *address,
                  const char *email,
                  const char *phone)
{
  const char *parts[] = { organization, address, email, phone };
  g_autoptr(GPtrArray) present = g_ptr_array_new ();

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    if (!cst_input_is_blank (parts[i]))
      g_ptr_array_add (present, (gpointer) parts[i]);
  if (present->len == 0)
    return g_strdup (_("No contact details on file"));
  g_ptr_array_add (present, NULL);
  return g_strjoinv (" · ", (char **) present->pdata);
}

static guint
purpose_code_of (CstRequest *values)
{
  g_autofree char *nick = NULL;
  CstFeePurpose purpose = CST_FEE_PURPOSE_OTHER;

  g_object_get (values, "purpose-code", &nick, NULL);
  if (nick == NULL || !cst_fee_purpose_from_nick (nick, &purpose))
    purpose = CST_FEE_PURPOSE_OTHER;
  return purpose;
}

static void
fill_form (CstRequestDetail *self,
           CstRequest       *values)
{
  g_auto(GStrv) types = NULL;
  g_autofree char *joined = NULL;
  g_autofree char *requester = NULL, *organization = NULL, *address = NULL;
  g_autofree char *email = NULL, *phone = NULL;
  int format = 0, delivery = 0, pages = -1;
  gboolean on_file = FALSE;

  self->filling = TRUE;
  for (guint i = 0; i < N_FIELDS; i++)
    {
      TextField *f = &self->fields[i];
      g_autofree char *text = NULL;

      if (f->is_date)
        {
          g_autoptr(GDate) date = NULL;
          g_object_get (values, f->property, &date, NULL);
          text = cst_input_format_date (date);
        }
      else
        g_object_get (values, f->property, &text, NULL);
      gtk_editable_set_text (GTK_EDITABLE (f->row), text ? text : "");
      gtk_widget_remove_css_class (GTK_WIDGET (f->row), "error");
    }
  g_object_get (values, "record-types", &types, "format", &format, "delivery", &delivery,
                "page-count", &pages, "authorization-on-file", &on_file,
                "requester-name", &requester, "requester-organization", &organization,
                "requester-address", &address, "requester-email", &email, "requester-phone", &phone, NULL);
  joined = types ? g_strjoinv (", ", types) : g_strdup ("");
  gtk_editable_set_text (GTK_EDITABLE (self->record_types_row), joined);
  adw_combo_row_set_selected (self->format_row, format);
  adw_combo_row_set_selected (self->purpose_code_row, purpose_code_of (values));
  adw_combo_row_set_selected (self->delivery_row, delivery);
  gtk_spin_button_set_value (self->pages_spin, pages);
  gtk_switch_set_active (self->auth_switch, on_file);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->requester_row), requester ? requester : "");
  adw_action_row_set_subtitle (self->requester_row,
                               cst_requester_kind_get_label (cst_request_get_requester_kind (values)));
  {
    g_autofree char *contact = dup_contact_text (organization, address, email, phone);
    adw_action_row_set_subtitle (self->contact_row, contact);
  }
  self->filling = FALSE;
}

/* The clerk's edits as a request: the base plus what the form says.
 * Returns NULL, with the offending row marked, when a date is malformed. */
static CstRequest *
read_form (CstRequestDetail  *self,
           GError           **error)
{
  g_autoptr(CstRequest) mine = cst_request_copy (self->base);
  g_auto(GStrv) types = NULL;
  int pages = gtk_spin_button_get_value_as_int (self->pages_spin);

  for (guint i = 0; i < N_FIELDS; i++)
    {
      TextField *f = &self->fields[i];
      const char *text = gtk_editable_get_text (GTK_EDITABLE (f->row));

      gtk_widget_remove_css_class (GTK_WIDGET (f->row), "error");
      if (!f->is_date)
        {
          g_object_set (mine, f->property, text, NULL);
          continue;
        }
      if (cst_input_is_blank (text))
        g_object_set (mine, f->property, NULL, NULL);
      else
        {
          GDate date;
          if (!cst_input_parse_date (text, &date, error))
            {
              gtk_widget_add_css_class (GTK_WIDGET (f->row), "error");
              g_prefix_error (error, "%s: ", adw_preferences_row_get_title (ADW_PREFERENCES_ROW (f->row)));
              return NULL;
            }
          g_object_set (mine, f->property, &date, NULL);
        }
    }
  types = g_strsplit (gtk_editable_get_text (GTK_EDITABLE (self->record_types_row)), ",", -1);
  for (guint i = 0; types[i]; i++)
    g_strstrip (types[i]);
  g_object_set (mine, "purpose-code",
                cst_fee_purpose_to_nick (adw_combo_row_get_selected (self->purpose_code_row)), NULL);
  g_object_set (mine, "record-types", types,
                "format", (int) adw_combo_row_get_selected (self->format_row),
                "delivery", (int) adw_combo_row_get_selected (self->delivery_row),
                "page-count", pages,
                "authorization-on-file", gtk_switch_get_active (self->auth_switch),
                NULL);
  return g_steal_pointer (&mine);
}

/* The live quote follows the form, not the stored request. */
static gboolean
update_quote (gpointer user_data)
{
  CstRequestDetail *self = user_data;
  g_autoptr(CstRequest) values = NULL;

  self->quote_idle_id = 0;
  if (self->base != NULL)
    values = read_form (self, NULL);
  if (values == NULL && self->base != NULL)
    values = g_object_ref (self->base);
  cst_fee_quote_panel_set_request (self->fee_panel, values);
  return G_SOURCE_REMOVE;
}

static void
queue_quote_update (CstRequestDetail *self)
{
  if (self->quote_idle_id == 0)
    self->quote_idle_id = g_timeout_add (100, update_quote, self);
}

/* ---- history (from the audit log) ---------------------------------- */

static GtkWidget *
create_history_row (gpointer item,
                    gpointer user_data)
{
  CstHistoryEvent *event = item;
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *when = cst_locale_format_date_time (cst_history_event_get_time (event));
  const char *detail = cst_history_event_get_detail (event);
  g_autofree char *subtitle = NULL;

  /* Names and reasons are typed by people: not markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), cst_history_event_get_title (event));
  /* TRANSLATORS: a history entry's time and who did it, e.g. "11/23/2026 2:05 PM · jdoe" */
  subtitle = g_strdup_printf (_("%s · %s"), when, cst_history_event_get_actor (event));
  if (detail != NULL)
    {
      g_autofree char *with_detail = g_strdup_printf ("%s\n%s", subtitle, detail);
      g_free (subtitle);
      subtitle = g_steal_pointer (&with_detail);
    }
  /* Any login could have written such an event: say whose word it is. */
  if (cst_history_event_is_reported (event))
    {
      g_autofree char *with_source = g_strdup_printf ("%s\n%s", subtitle, _("Reported by the application"));
      g_free (subtitle);
      subtitle = g_steal_pointer (&with_source);
    }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  return row;
}

static void
show_history (CstRequestDetail *self,
              GListModel       *history,
              const char       *status)
{
  g_set_object (&self->history, history);
  gtk_list_box_bind_model (self->history_list, history, create_history_row, NULL, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->history_list), history != NULL &&
                                                          g_list_model_get_n_items (history) > 0);
  gtk_label_set_label (self->history_status_label, status ? status : "");
  gtk_widget_set_visible (GTK_WIDGET (self->history_status_label), status != NULL);
}

static void
history_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(CstRequestDetail) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) history = cst_request_history_load_finish (CST_CONNECTION (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (history == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The history could not be read: %s"), error->message);
      show_history (self, NULL, text);
      return;
    }
  show_history (self, history,
                g_list_model_get_n_items (history) == 0 ? _("Nothing has been recorded yet.") : NULL);
}

/* Reads the request's history again (it grows with every change); the
 * list on screen stays until the new one arrives, unless the request
 * itself changed. */
static void
reload_history (CstRequestDetail *self)
{
  g_cancellable_cancel (self->history_cancellable);
  g_clear_object (&self->history_cancellable);
  if (self->request == NULL || self->store == NULL)
    {
      show_history (self, NULL, NULL);
      return;
    }
  self->history_cancellable = g_cancellable_new ();
  cst_request_history_load_async (cst_request_store_get_connection (self->store),
                                  cst_request_get_id (self->request),
                                  cst_request_get_reference (self->request),
                                  self->history_cancellable, history_loaded_cb, g_object_ref (self));
}

static void
load_from_request (CstRequestDetail *self)
{
  g_clear_object (&self->base);
  self->base = cst_request_copy (self->request);
  fill_header (self);
  fill_form (self, self->request);
  set_dirty (self, FALSE);
  update_actions (self);
  update_quote (self);
}

static void
set_busy (CstRequestDetail *self,
          gboolean          busy)
{
  self->busy = busy;
  update_actions (self);
}

static void
request_notify_cb (CstRequestDetail *self)
{
  /* Another clerk's change arrived: show it, unless this clerk is typing,
   * in which case saving will detect the conflict and merge.  An answer
   * in the checklist arrives here too: what the clerk is on stays put
   * while the header, the hint and the groups above it are refilled. */
  cst_keep_place (GTK_WIDGET (self->form_scroller));
  fill_header (self);
  if (!self->dirty && !self->busy && cst_request_get_details_loaded (self->request))
    load_from_request (self);
  cst_authorization_checklist_reload (self->auth_checklist);
  cst_legal_process_group_reload (self->legal_process_group);
  cst_request_safeguards_reload (self->safeguards);
  cst_release_forms_set_request (self->release_forms, self->request);
  update_actions (self);
  reload_history (self);
}

/* The page count is -1 until someone counts the pages: the field says
 * "Not counted" instead of showing the number. */
static gboolean
pages_output_cb (GtkSpinButton *spin)
{
  if (gtk_spin_button_get_value (spin) >= 0)
    return FALSE;
  gtk_editable_set_text (GTK_EDITABLE (spin), _("Not counted"));
  return TRUE;
}

/* Typing "Not counted" back (or clearing the field) means not counted. */
static int
pages_input_cb (GtkSpinButton *spin,
                double        *value)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (spin))));

  if (*text != '\0' && g_strcmp0 (text, _("Not counted")) != 0)
    return FALSE;
  *value = -1;
  return TRUE;
}

static void
field_changed_cb (CstRequestDetail *self)
{
  if (!self->filling && self->request != NULL && !is_closed (self))
    {
      set_dirty (self, TRUE);
      queue_quote_update (self);
      self->edited_while_saving |= self->busy;
    }
}

static void
details_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(CstRequestDetail) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstRequest) request = cst_request_store_change_finish (CST_REQUEST_STORE (object),
                                                                   result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (request == NULL)
    {
      show_error (self, error->message);
      return;
    }
  if (request == self->request)
    {
      gtk_stack_set_visible_child_name (self->stack, "form");
      load_from_request (self);
    }
}

/* Finishes a change made through the store: a conflict opens the merge
 * banner, another error is shown, success refreshes the form.
 *
 * Returns: (transfer full) (nullable): the stored request on success */
static CstRequest *
finish_change (CstRequestDetail *self,
               GObject          *store,
               GAsyncResult     *result)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstRequest) request = cst_request_store_change_finish (CST_REQUEST_STORE (store),
                                                                   result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return NULL;
  set_busy (self, FALSE);
  if (request == NULL)
    {
      if (g_error_matches (error, CST_ERROR, CST_ERROR_CONFLICT))
        {
          gtk_label_set_label (self->conflict_label, error->message);
          gtk_revealer_set_reveal_child (self->conflict_revealer, TRUE);
        }
      else
        show_error (self, error->message);
      return NULL;
    }
  show_error (self, NULL);
  gtk_revealer_set_reveal_child (self->conflict_revealer, FALSE);
  /* Typed on while the save waited for the server: keep the form, and
   * let the next save build on the version just stored. */
  if (request == self->request && self->edited_while_saving)
    {
      g_clear_object (&self->base);
      self->base = cst_request_copy (request);
    }
  else if (request == self->request)
    load_from_request (self);
  return g_steal_pointer (&request);
}

static void
change_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(CstRequestDetail) self = user_data;
  g_autoptr(CstRequest) request = finish_change (self, object, result);

  if (request != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", _("Saved"));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CstRequestDetail *self = CST_REQUEST_DETAIL (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(CstRequest) mine = read_form (self, &error);

  if (mine == NULL || !cst_request_validate (mine, &error))
    {
      show_error (self, error->message);
      return;
    }
  show_error (self, NULL);
  set_busy (self, TRUE);
  self->edited_while_saving = FALSE;
  cst_request_store_save_async (self->store, mine, self->cancellable, change_done_cb,
                                g_object_ref (self));
}

/* A save that could not reach the server waits in the store and goes
 * out when it is back (CstRequestStore:n-pending-saves); say so. */
static void
pending_saves_cb (CstRequestDetail *self)
{
  gboolean waiting = self->request != NULL &&
                     cst_request_store_has_pending_save (self->store, cst_request_get_id (self->request));

  if (waiting)
    show_error (self, _("The server cannot be reached. Your changes are kept here and will be "
                        "saved when the server is back."));
  else if (self->waiting_for_server)
    show_error (self, NULL);
  self->waiting_for_server = waiting;
}

static void
move (CstRequestDetail *self,
      CstRequestStatus  to,
      const char       *reason)
{
  set_busy (self, TRUE);
  cst_request_store_move_async (self->store, self->request, to, reason, self->cancellable,
                                change_done_cb, g_object_ref (self));
}

/* The dialog opens on the document the request's status calls for. */
static void
open_documents (CstRequestDetail *self)
{
  CstDocumentsDialog *dialog = cst_documents_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                                         cst_request_store_get_connection (self->store),
                                                         self->request);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
released_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(CstRequestDetail) self = user_data;
  g_autoptr(CstRequest) request = finish_change (self, object, result);

  if (request == NULL)
    return;
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s",
                              _("Released: the cover letter and invoice are made and the "
                                "disclosure is recorded"));
  open_documents (self);
}

static void
advance_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  CstRequestDetail *self = CST_REQUEST_DETAIL (widget);
  CstRequestStatus next;
  const char *label;

  if (self->dirty)
    {
      show_error (self, _("Save or undo your changes before moving the request on."));
      return;
    }
  if (!next_step (cst_request_get_status (self->request), &next, &label))
    return;
  if (next != CST_STATUS_RELEASED)
    {
      move (self, next, NULL);
      return;
    }
  /* Cannot be undone: the release forms ask first (::release-confirmed). */
  cst_release_forms_confirm_release (self->release_forms);
}

static void
release_confirmed_cb (CstRequestDetail *self)
{
  if (self->request == NULL)
    return;
  set_busy (self, TRUE);
  cst_request_store_release_async (self->store, self->request, NULL, self->cancellable,
                                   released_cb, g_object_ref (self));
}

typedef void (*ReasonFunc) (CstRequestDetail *self, const char *reason);

static void
reason_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    CstRequestDetail *self)
{
  ReasonFunc func = g_object_get_data (G_OBJECT (dialog), "func");
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));

  if (g_str_equal (response, "confirm"))
    func (self, gtk_editable_get_text (entry));
}

static void
reason_text_changed_cb (GtkEditable      *entry,
                        AdwMessageDialog *dialog)
{
  adw_message_dialog_set_response_enabled (dialog, "confirm",
                                           !cst_input_is_blank (gtk_editable_get_text (entry)));
}

/* Asks for the reason a step needs (denial, cancellation, extension). */
static void
ask_reason (CstRequestDetail *self,
            const char       *heading,
            const char       *body,
            const char       *confirm,
            ReasonFunc        func)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                              heading, body);
  GtkWidget *entry = gtk_entry_new ();

  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Reason"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Back"), "confirm", confirm, NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "confirm",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "confirm", FALSE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "confirm");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "func", func);
  g_signal_connect (entry, "changed", G_CALLBACK (reason_text_changed_cb), dialog);
  g_signal_connect (dialog, "response", G_CALLBACK (reason_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
deny_with_reason (CstRequestDetail *self, const char *reason)
{
  move (self, CST_STATUS_DENIED, reason);
}

static void
cancel_with_reason (CstRequestDetail *self, const char *reason)
{
  move (self, CST_STATUS_CANCELLED, reason);
}

static void
extend_with_reason (CstRequestDetail *self, const char *reason)
{
  GDate today;

  cst_input_today (&today);
  set_busy (self, TRUE);
  cst_request_store_extend_async (self->store, self->request, &today, reason, self->cancellable,
                                  change_done_cb, g_object_ref (self));
}

static void
deny_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ask_reason (CST_REQUEST_DETAIL (widget), _("Deny This Request?"),
              _("The requester will be sent the reason, their right to have the denial reviewed "
                "where it applies, and how to complain to the Secretary of HHS."),
              _("_Deny"), deny_with_reason);
}

static void
cancel_request_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ask_reason (CST_REQUEST_DETAIL (widget), _("Cancel This Request?"),
              _("Cancel only when the requester withdrew the request. Say why."),
              _("Cancel _Request"), cancel_with_reason);
}

static void
extend_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CstRequestDetail *self = CST_REQUEST_DETAIL (widget);
  const CstRequestDeadline *deadline;
  g_autofree char *heading = NULL, *body = NULL, *new_due = NULL;

  if (self->request == NULL || !cst_request_can_extend (self->request, NULL))
    return;
  deadline = cst_request_get_deadline (self->request);
  new_due = cst_locale_format_date (&deadline->extension_due);
  heading = g_strdup_printf (g_dngettext (NULL, "Extend the Deadline by %d Day?",
                                          "Extend the Deadline by %d Days?", deadline->extension_days),
                             deadline->extension_days);
  /* TRANSLATORS: %s a legal citation, then the new due date */
  body = g_strdup_printf (_("%s allows one extension, with a written notice to the requester, sent "
                            "before the deadline runs out, stating the reason and the new date (%s)."),
                          deadline->citation, new_due);
  ask_reason (self, heading, body, _("_Extend"), extend_with_reason);
}

static void
merged_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CstRequestDetail) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstRequest) theirs = cst_request_store_change_finish (CST_REQUEST_STORE (object),
                                                                  result, &error);
  g_autoptr(CstRequest) mine = NULL;
  g_autoptr(CstRequest) merged = NULL;
  g_auto(GStrv) both = NULL;

  set_busy (self, FALSE);
  if (theirs == NULL)
    {
      show_error (self, error->message);
      return;
    }
  mine = read_form (self, NULL);
  if (mine == NULL)
    mine = cst_request_copy (self->base);
  merged = cst_request_merge_edits (self->base, mine, theirs, &both);
  g_clear_object (&self->base);
  self->base = cst_request_copy (theirs);
  fill_header (self);
  fill_form (self, merged);
  set_dirty (self, TRUE);
  gtk_revealer_set_reveal_child (self->conflict_revealer, FALSE);
  if (both != NULL && both[0] != NULL)
    {
      g_autofree char *list = g_strjoinv (", ", both);
      g_autofree char *text = g_strdup_printf (_("Reloaded. You and the other clerk both changed: %s. "
                                                 "Your values are shown; check them, then save."), list);
      show_error (self, text);
    }
  else
    show_error (self, _("Reloaded with the other clerk’s changes; your edits are kept. Save when ready."));
}

static void
reload_merge_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CstRequestDetail *self = CST_REQUEST_DETAIL (widget);

  set_busy (self, TRUE);
  cst_request_store_fetch_async (self->store, cst_request_get_id (self->request),
                                 self->cancellable, merged_cb, g_object_ref (self));
}

/* ---- the evidence pack ---------------------------------------------- */

static void
evidence_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(CstRequestDetail) self = user_data;
  g_autoptr(GError) error = NULL;
  guint pages = cst_evidence_pack_export_finish (CST_CONNECTION (object), result, &error);
  g_autofree char *path = g_steal_pointer (&self->evidence_path);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_free (self->evidence_message);
  if (pages == 0)
    self->evidence_message = g_strdup_printf (_("The evidence pack could not be saved: %s"), error->message);
  else
    self->evidence_message = g_strdup_printf (g_dngettext (NULL, "Evidence pack saved to %s (%u page), "
                                                                 "with its JSON beside it",
                                                           "Evidence pack saved to %s (%u pages), "
                                                           "with its JSON beside it", pages),
                                              path, pages);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", self->evidence_message);
  update_actions (self);
  reload_history (self);
}

/* The JSON goes beside the PDF: "ROI-1.pdf" and "ROI-1.json". */
static char *
dup_json_path (const char *pdf_path)
{
  g_autofree char *stem = g_str_has_suffix (pdf_path, ".pdf")
                          ? g_strndup (pdf_path, strlen (pdf_path) - strlen (".pdf"))
                          : g_strdup (pdf_path);

  return g_strconcat (stem, ".json", NULL);
}

/**
 * cst_request_detail_export_evidence:
 * @pdf: where the PDF goes; the JSON is written beside it
 *
 * Builds the request's evidence pack on the connection's worker thread
 * (cst_evidence_pack_export_async), writes both files with mode 0600, and
 * says where they went.
 */
void
cst_request_detail_export_evidence (CstRequestDetail *self,
                                    GFile            *pdf)
{
  g_autoptr(GSettings) settings = cst_settings_new_if_installed ();
  g_autofree char *facility = settings ? g_settings_get_string (settings, "facility-name") : NULL;
  g_autofree char *json = NULL;

  g_return_if_fail (CST_IS_REQUEST_DETAIL (self));
  g_return_if_fail (self->request != NULL && self->evidence_path == NULL);

  self->evidence_path = g_file_get_path (pdf);
  json = dup_json_path (self->evidence_path);
  g_clear_pointer (&self->evidence_message, g_free);
  update_actions (self);
  cst_evidence_pack_export_async (cst_request_store_get_connection (self->store),
                                  cst_request_get_reference (self->request),
                                  facility && *facility ? facility : _("Health Information Management"),
                                  self->evidence_path, json, self->cancellable,
                                  evidence_done_cb, g_object_ref (self));
}

static void
evidence_chooser_response_cb (GtkNativeDialog  *dialog,
                              int               response,
                              CstRequestDetail *self)
{
  if (response == GTK_RESPONSE_ACCEPT && self->request != NULL && self->evidence_path == NULL)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      cst_request_detail_export_evidence (self, file);
    }
  g_clear_object (&self->evidence_chooser);
}

static void
evidence_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CstRequestDetail *self = CST_REQUEST_DETAIL (widget);
  g_autofree char *name = NULL;

  if (self->request == NULL || self->store == NULL || self->evidence_chooser != NULL)
    return;
  /* The reference only: a file name must not name the patient. */
  name = g_strdup_printf ("%s-evidence.pdf", cst_request_get_reference (self->request));
  g_strdelimit (name, G_DIR_SEPARATOR_S "\\", '-');
  self->evidence_chooser = gtk_file_chooser_native_new (_("Save the Evidence Pack"),
                                                        GTK_WINDOW (gtk_widget_get_root (widget)),
                                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->evidence_chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->evidence_chooser), name);
  g_signal_connect (self->evidence_chooser, "response", G_CALLBACK (evidence_chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->evidence_chooser));
}

static void
documents_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CstRequestDetail *self = CST_REQUEST_DETAIL (widget);

  if (self->request == NULL || self->store == NULL)
    return;
  open_documents (self);
}

/* The request changed outside the store (answered "no records found"):
 * read it again so every view shows its new status. */
static void
refetch (CstRequestDetail *self)
{
  if (self->request != NULL && self->store != NULL)
    cst_request_store_fetch_async (self->store, cst_request_get_id (self->request), self->cancellable,
                                   details_loaded_cb, g_object_ref (self));
}

static void
cst_request_detail_dispose (GObject *object)
{
  CstRequestDetail *self = CST_REQUEST_DETAIL (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->history_cancellable);
  g_clear_handle_id (&self->quote_idle_id, g_source_remove);
  cst_dispose_chooser (&self->evidence_chooser);
  cst_request_detail_set_request (self, NULL);
  cst_dispose_template (GTK_WIDGET (self), CST_TYPE_REQUEST_DETAIL);
  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->history_cancellable);
  g_clear_object (&self->history);
  g_clear_pointer (&self->evidence_path, g_free);
  g_clear_pointer (&self->evidence_message, g_free);
  G_OBJECT_CLASS (cst_request_detail_parent_class)->dispose (object);
}

static void
cst_request_detail_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CstRequestDetail *self = CST_REQUEST_DETAIL (object);

  switch (prop_id)
    {
    case PROP_DIRTY: g_value_set_boolean (value, self->dirty); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cst_request_detail_class_init (CstRequestDetailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cst_request_detail_dispose;
  object_class->get_property = cst_request_detail_get_property;

  properties[PROP_DIRTY] =
    g_param_spec_boolean ("dirty", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CST_TYPE_DUE_BADGE);
  g_type_ensure (CST_TYPE_FEE_QUOTE_PANEL);
  g_type_ensure (CST_TYPE_AUTHORIZATION_CHECKLIST);
  g_type_ensure (CST_TYPE_LEGAL_PROCESS_GROUP);
  g_type_ensure (CST_TYPE_PACKET_GROUP);
  g_type_ensure (CST_TYPE_PAYMENT_GROUP);
  g_type_ensure (CST_TYPE_PACKET_REVIEW_PANEL);
  g_type_ensure (CST_TYPE_REQUEST_SAFEGUARDS);
  g_type_ensure (CST_TYPE_RELEASE_FORMS);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/cst-request-detail.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, CstRequestDetail, name)
  BIND (stack); BIND (loading_spinner); BIND (form_scroller); BIND (closed_label); BIND (save_button); BIND (title_label); BIND (patient_label); BIND (status_label);
  BIND (extension_label); BIND (extend_button); BIND (due_badge); BIND (conflict_revealer); BIND (conflict_label);
  BIND (error_label); BIND (received_row); BIND (jurisdiction_row); BIND (purpose_row); BIND (purpose_code_row);
  BIND (record_types_row); BIND (records_from_row); BIND (records_to_row); BIND (assignee_row);
  BIND (auth_signed_row); BIND (auth_expires_row); BIND (auth_notes_row); BIND (format_row);
  BIND (delivery_row); BIND (pages_spin); BIND (auth_switch); BIND (requester_row);
  BIND (contact_row); BIND (advance_button); BIND (fee_panel);
  BIND (advance_hint_label); BIND (auth_checklist); BIND (legal_process_group); BIND (safeguards);
  BIND (packet_group); BIND (payment_group); BIND (packet_review);
  BIND (release_forms); BIND (history_status_label); BIND (history_list);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, field_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, pages_output_cb);
  gtk_widget_class_bind_template_callback (widget_class, pages_input_cb);

  gtk_widget_class_install_action (widget_class, "detail.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "detail.advance", NULL, advance_action);
  gtk_widget_class_install_action (widget_class, "detail.deny", NULL, deny_action);
  gtk_widget_class_install_action (widget_class, "detail.cancel-request", NULL, cancel_request_action);
  gtk_widget_class_install_action (widget_class, "detail.extend", NULL, extend_action);
  gtk_widget_class_install_action (widget_class, "detail.reload-merge", NULL, reload_merge_action);
  gtk_widget_class_install_action (widget_class, "detail.documents", NULL, documents_action);
  gtk_widget_class_install_action (widget_class, "detail.evidence", NULL, evidence_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
cst_request_detail_init (CstRequestDetail *self)
{
  const TextField fields[N_FIELDS] = {
    [FIELD_RECEIVED] = { "received-date", TRUE, NULL },
    [FIELD_JURISDICTION] = { "jurisdiction", FALSE, NULL },
    [FIELD_PURPOSE] = { "purpose", FALSE, NULL },
    [FIELD_RECORDS_FROM] = { "records-from", TRUE, NULL },
    [FIELD_RECORDS_TO] = { "records-to", TRUE, NULL },
    [FIELD_ASSIGNEE] = { "assignee", FALSE, NULL },
    [FIELD_AUTH_SIGNED] = { "authorization-signed", TRUE, NULL },
    [FIELD_AUTH_EXPIRES] = { "authorization-expires", TRUE, NULL },
    [FIELD_AUTH_NOTES] = { "authorization-notes", FALSE, NULL },
  };

  gtk_widget_init_template (GTK_WIDGET (self));
  cst_spinner_set_busy (self->loading_spinner, TRUE);
  self->cancellable = g_cancellable_new ();
  cst_fee_purpose_row_fill (self->purpose_code_row);
  memcpy (self->fields, fields, sizeof fields);
  self->fields[FIELD_RECEIVED].row = self->received_row;
  self->fields[FIELD_JURISDICTION].row = self->jurisdiction_row;
  self->fields[FIELD_PURPOSE].row = self->purpose_row;
  self->fields[FIELD_RECORDS_FROM].row = self->records_from_row;
  self->fields[FIELD_RECORDS_TO].row = self->records_to_row;
  self->fields[FIELD_ASSIGNEE].row = self->assignee_row;
  self->fields[FIELD_AUTH_SIGNED].row = self->auth_signed_row;
  self->fields[FIELD_AUTH_EXPIRES].row = self->auth_expires_row;
  self->fields[FIELD_AUTH_NOTES].row = self->auth_notes_row;
  g_signal_connect_swapped (self->auth_checklist, "changed", G_CALLBACK (update_actions), self);
  g_signal_connect_swapped (self->safeguards, "changed", G_CALLBACK (update_actions), self);
  g_signal_connect_swapped (self->release_forms, "request-changed", G_CALLBACK (refetch), self);
  g_signal_connect_swapped (self->release_forms, "release-confirmed", G_CALLBACK (release_confirmed_cb), self);
  g_signal_connect_swapped (self->packet_group, "request-changed", G_CALLBACK (refetch), self);
  g_signal_connect_swapped (self->packet_group, "counted", G_CALLBACK (update_actions), self);
  update_actions (self);
}

void
cst_request_detail_set_store (CstRequestDetail *self,
                              CstRequestStore  *store)
{
  g_set_object (&self->store, store);
  if (store != NULL)
    g_signal_connect_object (store, "notify::n-pending-saves", G_CALLBACK (pending_saves_cb), self,
                             G_CONNECT_SWAPPED);
  cst_fee_quote_panel_set_connection (self->fee_panel,
                                      store ? cst_request_store_get_connection (store) : NULL);
  cst_authorization_checklist_set_connection (self->auth_checklist,
                                              store ? cst_request_store_get_connection (store) : NULL);
  cst_legal_process_group_set_connection (self->legal_process_group,
                                          store ? cst_request_store_get_connection (store) : NULL);
  cst_request_safeguards_set_connection (self->safeguards,
                                         store ? cst_request_store_get_connection (store) : NULL);
  cst_packet_group_set_connection (self->packet_group,
                                   store ? cst_request_store_get_connection (store) : NULL);
  cst_payment_group_set_connection (self->payment_group,
                                    store ? cst_request_store_get_connection (store) : NULL);
  cst_packet_review_panel_set_connection (self->packet_review,
                                          store ? cst_request_store_get_connection (store) : NULL);
  cst_release_forms_set_connection (self->release_forms,
                                    store ? cst_request_store_get_connection (store) : NULL);
}

GtkWidget *
cst_request_detail_get_extend_button (CstRequestDetail *self)
{
  g_return_val_if_fail (CST_IS_REQUEST_DETAIL (self), NULL);
  return GTK_WIDGET (self->extend_button);
}

GtkWidget *
cst_request_detail_get_release_forms (CstRequestDetail *self)
{
  return GTK_WIDGET (self->release_forms);
}

GtkWidget *
cst_request_detail_get_safeguards (CstRequestDetail *self)
{
  return GTK_WIDGET (self->safeguards);
}

GtkWidget *
cst_request_detail_get_checklist (CstRequestDetail *self)
{
  return GTK_WIDGET (self->auth_checklist);
}

/* Why the next step is unavailable, or NULL when it is offered. */
const char *
cst_request_detail_get_advance_hint (CstRequestDetail *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->advance_hint_label))
         ? gtk_label_get_label (self->advance_hint_label) : NULL;
}

GtkWidget *
cst_request_detail_get_fee_panel (CstRequestDetail *self)
{
  return GTK_WIDGET (self->fee_panel);
}

/* For tests and scripted use: sets the page count as if typed. */
void
cst_request_detail_set_page_count (CstRequestDetail *self,
                                   int               pages)
{
  gtk_spin_button_set_value (self->pages_spin, pages);
}

/* As the clerk would choose it in "Purpose (for the fee)". */
void
cst_request_detail_set_purpose_code (CstRequestDetail *self,
                                     CstFeePurpose     purpose)
{
  adw_combo_row_set_selected (self->purpose_code_row, purpose);
}

/* The request's history as last read (CstHistoryEvent), or NULL. */
GListModel *
cst_request_detail_get_history (CstRequestDetail *self)
{
  return self->history;
}

/* TRUE while an evidence pack is being written. */
gboolean
cst_request_detail_get_exporting (CstRequestDetail *self)
{
  return self->evidence_path != NULL;
}

/* What the last evidence export said (where it went, or why it failed). */
const char *
cst_request_detail_get_evidence_message (CstRequestDetail *self)
{
  return self->evidence_message;
}

/* The form's vertical scroll position. */
GtkAdjustment *
cst_request_detail_get_vadjustment (CstRequestDetail *self)
{
  return gtk_scrolled_window_get_vadjustment (self->form_scroller);
}

CstRequest *
cst_request_detail_get_request (CstRequestDetail *self)
{
  return self->request;
}

gboolean
cst_request_detail_get_dirty (CstRequestDetail *self)
{
  return self->dirty;
}

void
cst_request_detail_set_request (CstRequestDetail *self,
                                CstRequest       *request)
{
  g_return_if_fail (CST_IS_REQUEST_DETAIL (self));

  if (self->request == request)
    return;
  if (self->request != NULL)
    g_signal_handlers_disconnect_by_data (self->request, self);
  g_set_object (&self->request, request);
  g_clear_object (&self->base);
  cst_authorization_checklist_set_request (self->auth_checklist, request);
  cst_legal_process_group_set_request (self->legal_process_group, request);
  cst_request_safeguards_set_request (self->safeguards, request);
  cst_packet_group_set_request (self->packet_group, request);
  cst_payment_group_set_request (self->payment_group, request);
  cst_packet_review_panel_set_request (self->packet_review, request);
  cst_release_forms_set_request (self->release_forms, request);
  set_dirty (self, FALSE);
  show_error (self, NULL);
  gtk_revealer_set_reveal_child (self->conflict_revealer, FALSE);
  /* Another request starts at its top, not where the last one was left;
   * the same request stored anew (after an answer or a save, which the
   * list may pass through "nothing selected" to show) stays put. */
  if (request != NULL && cst_request_get_id (request) != self->scrolled_for)
    {
      cst_keep_place_release (GTK_WIDGET (self->form_scroller));
      gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->form_scroller), 0);
      self->scrolled_for = cst_request_get_id (request);
    }
  if (request == NULL)
    {
      reload_history (self);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      update_actions (self);
      cst_fee_quote_panel_set_request (self->fee_panel, NULL);
      return;
    }
  g_signal_connect_swapped (request, "notify::version", G_CALLBACK (request_notify_cb), self);
  /* Not the previous request's history, even for a moment. */
  show_history (self, NULL, _("Reading the history…"));
  reload_history (self);
  if (cst_request_get_details_loaded (request))
    {
      gtk_stack_set_visible_child_name (self->stack, "form");
      load_from_request (self);
      return;
    }
  gtk_stack_set_visible_child_name (self->stack, "loading");
  update_actions (self);
  cst_request_store_fetch_async (self->store, cst_request_get_id (request), self->cancellable,
                                 details_loaded_cb, g_object_ref (self));
}
