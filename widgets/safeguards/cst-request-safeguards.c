/* cst-request-safeguards.c — a request's two clocks, repeat escalation and
 * representative's authority
 *
 * Side by side: the legal deadline (the request's due date, with its one
 * extension) and the department's own service target (cst-clocks).  Below
 * them what OCR's Right of Access cases show gets missed: that a request
 * repeats an earlier open one (linked and flagged for the supervisor by
 * the database, migration 0042) or was repeated by a later one, and, for
 * a personal representative, whether the authority that makes them the
 * patient (164.502(g)) is on file; if not, it is recorded here by the
 * clerk who checked the document.  Everything is read and written by the
 * model on the connection's worker thread (cst-safeguards.h).
 */
#define G_LOG_DOMAIN "cst-request-safeguards"

#include "config.h"

#include <glib/gi18n.h>

#include "cst-dispose.h"
#include "cst-request-safeguards.h"

#include <custodian/cst-clocks.h>
#include <custodian/cst-deadline.h>
#include <custodian/cst-input.h>
#include <custodian/cst-locale-format.h>
#include <custodian/cst-repeat.h>
#include <custodian/cst-request-repo.h>
#include <custodian/cst-safeguards.h>

struct _CstRequestSafeguards
{
  GtkWidget      parent_instance;

  GtkImage      *legal_icon;
  GtkLabel      *legal_label;
  GtkLabel      *legal_rule_label;
  GtkLabel      *service_label;
  GtkLabel      *message_label;
  GtkListBox    *rows_box;
  AdwActionRow  *repeat_row;
  AdwActionRow  *representative_row;
  AdwComboRow   *authority_row;
  AdwEntryRow   *document_row;
  AdwEntryRow   *until_row;
  AdwActionRow  *record_row;

  CstConnection *connection;
  CstRequest    *request;
  GCancellable  *cancellable;       /* replaced when the request changes */
  gboolean       loaded;
  gboolean       busy;
  gint64         representative_id;  /* 0: none on file today */
  char          *representative_text; /* what is on file, when it is */
  char          *repeat_text;        /* NULL: no repeat either way */
};

G_DEFINE_FINAL_TYPE (CstRequestSafeguards, cst_request_safeguards, GTK_TYPE_WIDGET)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
is_representative (CstRequest *request)
{
  return request != NULL &&
         cst_request_get_requester_kind (request) == CST_REQUESTER_PERSONAL_REPRESENTATIVE;
}

/* ---- showing it ----------------------------------------------------------- */

static void
show_message (CstRequestSafeguards *self,
              const char           *message)
{
  gtk_label_set_label (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
}

static char *
describe_days (int days_left)
{
  if (days_left < 0)
    return g_strdup_printf (g_dngettext (NULL, "overdue by %d day", "overdue by %d days", -days_left),
                            -days_left);
  if (days_left == 0)
    return g_strdup (_("due today"));
  return g_strdup_printf (g_dngettext (NULL, "%d day left", "%d days left", days_left), days_left);
}

static void
show_clocks (CstRequestSafeguards *self,
             guint                 service_days)
{
  CstRequest *r = self->request;
  gboolean closed = cst_request_status_is_closed (cst_request_get_status (r));
  g_autofree char *legal_date = NULL, *service_date = NULL, *legal_days = NULL;
  g_autofree char *legal = NULL, *service = NULL;
  g_autofree char *rule = cst_deadline_describe_request (r);
  CstClocks clocks;
  GDate today;

  cst_input_today (&today);
  cst_clocks_compute (r, service_days, &today, &clocks);
  gtk_label_set_label (self->legal_rule_label, rule);
  legal_date = cst_locale_format_date (&clocks.legal_due);
  service_date = cst_locale_format_date (&clocks.service_due);
  legal_days = closed ? g_strdup (cst_request_status_get_label (cst_request_get_status (r)))
                      : describe_days (clocks.legal_days_left);
  if (!clocks.has_legal_deadline)
    /* Said in words, so the department's target is not read as the law's. */
    legal = g_strdup (_("None: only the department's target applies"));
  else if (cst_request_is_extended (r))
    {
      g_autofree char *on = cst_locale_format_date (cst_request_get_extended_on (r));
      /* TRANSLATORS: due date · days left · date the extension was taken */
      legal = g_strdup_printf (_("%s · %s · extended on %s with its notice"), legal_date, legal_days, on);
    }
  else
    legal = g_strdup_printf (_("%s · %s"), legal_date, legal_days);
  if (closed)
    service = g_strdup_printf (_("%s · closed"), service_date);
  else if (clocks.service_days_left < 0)
    service = g_strdup_printf (g_dngettext (NULL, "%s · missed by %d day", "%s · missed by %d days",
                                            -clocks.service_days_left),
                               service_date, -clocks.service_days_left);
  else
    {
      g_autofree char *days = describe_days (clocks.service_days_left);
      service = g_strdup_printf (_("%s · %s"), service_date, days);
    }
  gtk_label_set_label (self->legal_label, legal);
  gtk_label_set_label (self->service_label, service);
  /* At risk is said in words above; the icon repeats it for the eye. */
  gtk_image_set_from_icon_name (self->legal_icon, clocks.legal_days_left < 0 ? "dialog-warning-symbolic"
                                                                          : "alarm-symbolic");
  gtk_widget_set_visible (GTK_WIDGET (self->legal_icon), clocks.at_risk);
}

static void
show_repeat (CstRequestSafeguards *self,
             const CstSafeguards  *facts)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (facts->repeat.repeat_of != 0)
    g_string_append_printf (text, _("Repeats %s, still open when this one came in."),
                            facts->repeat.repeat_of_reference);
  if (facts->repeated_by->len > 0)
    {
      g_autofree char *list = NULL;

      g_ptr_array_add (facts->repeated_by, NULL);
      list = g_strjoinv (", ", (char **) facts->repeated_by->pdata);
      g_ptr_array_remove_index (facts->repeated_by, facts->repeated_by->len - 1);
      g_string_append_printf (text, "%s", text->len ? " " : "");
      g_string_append_printf (text, _("Asked for again: %s."), list);
    }
  if (facts->repeat.supervisor_flag)
    g_string_append_printf (text, "%s%s", text->len ? " " : "",
                            _("Flagged for the supervisor; answer the earliest request first."));
  g_clear_pointer (&self->repeat_text, g_free);
  if (text->len > 0)
    self->repeat_text = g_strdup (text->str);
  adw_action_row_set_subtitle (self->repeat_row, self->repeat_text ? self->repeat_text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->repeat_row), self->repeat_text != NULL);
}

/* The kind of authority, the document that proves it, its expiry and who
 * checked it: the clerk at the desk sees what the authority covers, not
 * only that one exists. */
static char *
describe_representative (const CstRepresentativeInfo *rep)
{
  g_autofree char *until = rep->valid_until != NULL ? cst_locale_format_date (rep->valid_until)
                                                    : g_strdup (_("no expiry"));
  g_autofree char *when = cst_locale_format_date_time (rep->verified_at);

  /* Translators: kind of authority, the proving document, its expiry
   * (a date or “no expiry”), the checking clerk and the day checked. */
  return g_strdup_printf (_("On file and current: %s, proved by “%s”, valid until %s; checked by %s "
                            "on %s. This representative is treated as the patient for fees and "
                            "clocks"),
                          cst_representative_authority_get_label (rep->authority), rep->document,
                          until, rep->verified_by, when);
}

static void
show_representative (CstRequestSafeguards *self)
{
  gboolean applies = is_representative (self->request);
  /* The form to record it only while none is on file. */
  gboolean form = applies && self->loaded && self->representative_id == 0;
  GtkWidget *form_rows[] = { GTK_WIDGET (self->authority_row), GTK_WIDGET (self->document_row),
                             GTK_WIDGET (self->until_row), GTK_WIDGET (self->record_row) };

  gtk_widget_set_visible (GTK_WIDGET (self->representative_row), applies);
  for (guint i = 0; i < G_N_ELEMENTS (form_rows); i++)
    gtk_widget_set_visible (form_rows[i], form);
  if (applies)
    adw_action_row_set_subtitle (self->representative_row,
                                 cst_request_safeguards_get_representative_text (self));
}

static void
update_rows_box (CstRequestSafeguards *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->rows_box),
                          gtk_widget_get_visible (GTK_WIDGET (self->repeat_row)) ||
                          gtk_widget_get_visible (GTK_WIDGET (self->representative_row)));
}

/* A job is on its way: the form waits for its answer. */
static void
set_busy (CstRequestSafeguards *self,
          gboolean              busy)
{
  self->busy = busy;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "safeguards.record-representative", !busy);
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CstRequestSafeguards) self = user_data;
  g_autoptr(GError) error = NULL;
  /* Both jobs finish the same way: the safeguards as read last. */
  g_autoptr(CstSafeguards) facts = cst_safeguards_load_finish (CST_CONNECTION (object), result, &error);

  /* Another request, or the widget is gone: set_request() or dispose()
   * cancelled the job. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (facts == NULL)
    {
      show_message (self, error->message);
      g_signal_emit (self, signals[CHANGED], 0);
      return;
    }
  show_message (self, NULL);
  self->loaded = TRUE;
  self->representative_id = facts->representative_id;
  g_clear_pointer (&self->representative_text, g_free);
  if (facts->representative_id != 0)
    self->representative_text = describe_representative (&facts->representative);
  show_clocks (self, facts->service_days);
  show_repeat (self, facts);
  show_representative (self);
  update_rows_box (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

void
cst_request_safeguards_reload (CstRequestSafeguards *self)
{
  g_return_if_fail (CST_IS_REQUEST_SAFEGUARDS (self));

  if (self->connection == NULL || self->request == NULL || self->busy)
    return;
  set_busy (self, TRUE);
  cst_safeguards_load_async (self->connection, self->request, self->cancellable, loaded_cb,
                             g_object_ref (self));
}

void
cst_request_safeguards_record_representative (CstRequestSafeguards       *self,
                                              CstRepresentativeAuthority  authority,
                                              const char                 *document,
                                              const char                 *valid_until)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *proof = NULL;
  GDate until;

  g_date_clear (&until, 1);
  if (self->connection == NULL || self->request == NULL || self->busy)
    return;
  if (cst_input_is_blank (document))
    {
      show_message (self, _("Name the document that proves the authority."));
      return;
    }
  if (!cst_input_is_blank (valid_until) && !cst_input_parse_date (valid_until, &until, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Valid until: %s"), error->message);
      show_message (self, text);
      return;
    }
  proof = g_strstrip (g_strdup (document));
  set_busy (self, TRUE);
  cst_safeguards_record_representative_async (self->connection, self->request, authority, proof,
                                              g_date_valid (&until) ? &until : NULL,
                                              self->cancellable, loaded_cb, g_object_ref (self));
}

static void
record_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CstRequestSafeguards *self = CST_REQUEST_SAFEGUARDS (widget);

  cst_request_safeguards_record_representative (
    self, (CstRepresentativeAuthority) adw_combo_row_get_selected (self->authority_row),
    gtk_editable_get_text (GTK_EDITABLE (self->document_row)),
    gtk_editable_get_text (GTK_EDITABLE (self->until_row)));
}

/* ---- the object ----------------------------------------------------------- */

static void
cst_request_safeguards_dispose (GObject *object)
{
  CstRequestSafeguards *self = CST_REQUEST_SAFEGUARDS (object);

  cst_dispose_template (GTK_WIDGET (self), CST_TYPE_REQUEST_SAFEGUARDS);
  /* A job still on its way finds itself cancelled and drops its answer. */
  cst_dispose_cancel (&self->cancellable);
  g_clear_object (&self->connection);
  g_clear_object (&self->request);
  g_clear_pointer (&self->repeat_text, g_free);
  g_clear_pointer (&self->representative_text, g_free);
  G_OBJECT_CLASS (cst_request_safeguards_parent_class)->dispose (object);
}

static void
cst_request_safeguards_class_init (CstRequestSafeguardsClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = cst_request_safeguards_dispose;

  /**
   * CstRequestSafeguards::changed:
   *
   * The facts were read again (or could not be): whether the request may
   * be verified may have changed.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/cst-request-safeguards.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, CstRequestSafeguards, name)
  BIND (legal_icon); BIND (legal_label); BIND (legal_rule_label); BIND (service_label); BIND (message_label);
  BIND (rows_box); BIND (repeat_row); BIND (representative_row); BIND (authority_row);
  BIND (document_row); BIND (until_row); BIND (record_row);
#undef BIND
  gtk_widget_class_install_action (widget_class, "safeguards.record-representative", NULL, record_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
cst_request_safeguards_init (CstRequestSafeguards *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

void
cst_request_safeguards_set_connection (CstRequestSafeguards *self,
                                       CstConnection        *connection)
{
  g_return_if_fail (CST_IS_REQUEST_SAFEGUARDS (self));

  g_set_object (&self->connection, connection);
}

void
cst_request_safeguards_set_request (CstRequestSafeguards *self,
                                    CstRequest           *request)
{
  g_return_if_fail (CST_IS_REQUEST_SAFEGUARDS (self));

  cst_dispose_renew (&self->cancellable);
  self->busy = FALSE;
  self->loaded = FALSE;
  self->representative_id = 0;
  g_clear_pointer (&self->representative_text, g_free);
  g_clear_pointer (&self->repeat_text, g_free);
  g_set_object (&self->request, request);
  gtk_label_set_label (self->legal_label, "");
  gtk_label_set_label (self->legal_rule_label, "");
  gtk_label_set_label (self->service_label, "");
  gtk_widget_set_visible (GTK_WIDGET (self->legal_icon), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->repeat_row), FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->document_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->until_row), "");
  show_representative (self);
  update_rows_box (self);
  show_message (self, NULL);
  g_signal_emit (self, signals[CHANGED], 0);
  cst_request_safeguards_reload (self);
}

gboolean
cst_request_safeguards_is_loaded (CstRequestSafeguards *self)
{
  return self->loaded && !self->busy;
}

/* Why "Verify" is unavailable because of what this panel shows, or NULL. */
char *
cst_request_safeguards_dup_blocking_text (CstRequestSafeguards *self)
{
  if (!is_representative (self->request))
    return NULL;
  if (!self->loaded || self->busy)
    return g_strdup (_("Verify waits until the representative’s authority is looked up."));
  if (self->representative_id == 0)
    return g_strdup (_("Verify is unavailable until the representative’s authority and the document "
                       "that proves it are on file: record them under Deadlines and Safeguards."));
  return NULL;
}

const char *
cst_request_safeguards_get_legal_text (CstRequestSafeguards *self)
{
  return gtk_label_get_label (self->legal_label);
}

/* Which rule set the legal deadline, and why (issue 23). */
const char *
cst_request_safeguards_get_legal_rule_text (CstRequestSafeguards *self)
{
  return gtk_label_get_label (self->legal_rule_label);
}

const char *
cst_request_safeguards_get_service_text (CstRequestSafeguards *self)
{
  return gtk_label_get_label (self->service_label);
}

const char *
cst_request_safeguards_get_repeat_text (CstRequestSafeguards *self)
{
  return self->repeat_text;
}

const char *
cst_request_safeguards_get_representative_text (CstRequestSafeguards *self)
{
  if (!is_representative (self->request))
    return NULL;
  if (!self->loaded)
    return _("Looking up the authority on file…");
  if (self->representative_id != 0 && self->representative_text != NULL)
    return self->representative_text;
  return self->representative_id != 0
         ? _("On file and current: this representative is treated as the patient for fees and clocks")
         : _("Not on file: check the document that proves the authority and record it");
}

const char *
cst_request_safeguards_get_message (CstRequestSafeguards *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->message_label))
         ? gtk_label_get_label (self->message_label) : NULL;
}
