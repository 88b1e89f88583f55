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
 * clerk who checked the document.  Everything is read and written on the
 * connection's worker thread.
 */
#define G_LOG_DOMAIN "cst-request-safeguards"

#include "config.h"

#include <glib/gi18n.h>

#include "cst-request-safeguards.h"

#include <custodian/cst-clocks.h>
#include <custodian/cst-input.h>
#include <custodian/cst-locale-format.h>
#include <custodian/cst-repeat.h>
#include <custodian/cst-request-repo.h>

struct _CstRequestSafeguards
{
  GtkWidget      parent_instance;

  GtkImage      *legal_icon;
  GtkLabel      *legal_label;
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
  GCancellable  *cancellable;
  guint          epoch;
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

/* ---- what the worker reads -------------------------------------------- */

typedef struct
{
  CstRequest                 *request;   /* a private copy */
  gboolean                    record;    /* record the representative first */
  CstRepresentativeAuthority  authority;
  char                       *document;
  GDate                       valid_until;
} SafeguardsJob;

typedef struct
{
  guint      service_days;
  CstRepeat  repeat;
  GPtrArray *repeated_by;         /* references of later repeats */
  gint64     representative_id;
  CstRepresentativeInfo representative;  /* read when on file */
} Facts;

static void
job_free (SafeguardsJob *job)
{
  g_clear_object (&job->request);
  g_free (job->document);
  g_free (job);
}

static void
facts_free (Facts *facts)
{
  cst_repeat_clear (&facts->repeat);
  cst_representative_info_clear (&facts->representative);
  g_clear_pointer (&facts->repeated_by, g_ptr_array_unref);
  g_free (facts);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Facts, facts_free)

static gboolean
is_representative (CstRequest *request)
{
  return request != NULL &&
         cst_request_get_requester_kind (request) == CST_REQUESTER_PERSONAL_REPRESENTATIVE;
}

static GPtrArray *
load_repeated_by (PGconn      *conn,
                  CstRequest  *request,
                  GError     **error)
{
  g_autoptr(GArray) ids = cst_repeat_list_repeats (conn, request, error);
  g_autoptr(GPtrArray) references = NULL;

  if (ids == NULL)
    return NULL;
  references = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(CstRequest) later = cst_request_repo_get (conn, g_array_index (ids, gint64, i), error);

      if (later == NULL)
        return NULL;
      g_ptr_array_add (references, g_strdup (cst_request_get_reference (later)));
    }
  return g_steal_pointer (&references);
}

static gpointer
load_in_thread (PGconn   *conn,
                gpointer  data,
                GError  **error)
{
  SafeguardsJob *job = data;
  g_autoptr(Facts) facts = g_new0 (Facts, 1);
  g_autoptr(GError) local = NULL;
  GDate today;

  if (job->record &&
      cst_representative_record (conn, job->request, job->authority, job->document,
                                 g_date_valid (&job->valid_until) ? &job->valid_until : NULL,
                                 error) == 0)
    return NULL;
  facts->service_days = cst_clocks_get_service_days (conn, &local);
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  if (!cst_repeat_load (conn, job->request, &facts->repeat, error))
    return NULL;
  facts->repeated_by = load_repeated_by (conn, job->request, error);
  if (facts->repeated_by == NULL)
    return NULL;
  if (is_representative (job->request))
    {
      cst_input_today (&today);
      facts->representative_id = cst_representative_on_file (conn, job->request, &today, &local);
      if (local != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
      if (facts->representative_id != 0 &&
          !cst_representative_get (conn, facts->representative_id, &facts->representative, error))
        return NULL;
    }
  return g_steal_pointer (&facts);
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
  CstClocks clocks;
  GDate today;

  cst_input_today (&today);
  cst_clocks_compute (r, service_days, &today, &clocks);
  legal_date = cst_locale_format_date (&clocks.legal_due);
  service_date = cst_locale_format_date (&clocks.service_due);
  legal_days = closed ? g_strdup (cst_request_status_get_label (cst_request_get_status (r)))
                      : describe_days (clocks.legal_days_left);
  if (cst_request_is_extended (r))
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
             const Facts          *facts)
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

typedef struct
{
  CstRequestSafeguards *self;
  guint                 epoch;
} CallData;

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  CallData *call = user_data;
  g_autoptr(CstRequestSafeguards) self = call->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(Facts) facts = cst_connection_run_finish (CST_CONNECTION (object), result, &error);
  gboolean current = call->epoch == self->epoch;

  g_free (call);
  if (!current)
    return;
  self->busy = FALSE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "safeguards.record-representative", TRUE);
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

static void
run_job (CstRequestSafeguards *self,
         SafeguardsJob        *job)
{
  CallData *call = g_new0 (CallData, 1);

  job->request = cst_request_copy (self->request);
  call->self = g_object_ref (self);
  call->epoch = self->epoch;
  self->busy = TRUE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "safeguards.record-representative", FALSE);
  cst_connection_run_async (self->connection, load_in_thread, job, (GDestroyNotify) job_free,
                            (GDestroyNotify) facts_free, self->cancellable, loaded_cb, call);
}

void
cst_request_safeguards_reload (CstRequestSafeguards *self)
{
  g_return_if_fail (CST_IS_REQUEST_SAFEGUARDS (self));

  if (self->connection != NULL && self->request != NULL && !self->busy)
    run_job (self, g_new0 (SafeguardsJob, 1));
}

void
cst_request_safeguards_record_representative (CstRequestSafeguards       *self,
                                              CstRepresentativeAuthority  authority,
                                              const char                 *document,
                                              const char                 *valid_until)
{
  g_autoptr(GError) error = NULL;
  SafeguardsJob *job;
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
  job = g_new0 (SafeguardsJob, 1);
  job->record = TRUE;
  job->authority = authority;
  job->document = g_strstrip (g_strdup (document));
  job->valid_until = until;
  run_job (self, job);
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

  g_cancellable_cancel (self->cancellable);
  /* A job still on its way finds its widget gone and drops its answer. */
  self->epoch++;
  gtk_widget_dispose_template (GTK_WIDGET (self), CST_TYPE_REQUEST_SAFEGUARDS);
  /* GTK 4.8 leaves unnamed template children in place. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self)));)
    gtk_widget_unparent (child);
  g_clear_object (&self->connection);
  g_clear_object (&self->request);
  g_clear_object (&self->cancellable);
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
  BIND (legal_icon); BIND (legal_label); BIND (service_label); BIND (message_label);
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

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->epoch++;
  self->busy = FALSE;
  self->loaded = FALSE;
  self->representative_id = 0;
  g_clear_pointer (&self->representative_text, g_free);
  g_clear_pointer (&self->repeat_text, g_free);
  g_set_object (&self->request, request);
  gtk_label_set_label (self->legal_label, "");
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
