/* cst-packet-review-panel.c — the second person's check, in the request view
 *
 * For a request with record documents: each document with the patient's
 * name and MRN beside it, its service dates against the request's (dates
 * outside them said so), sensitive kinds flagged, the packet's pages and
 * the fee; Approve, or Return with a reason.  The database decides who may
 * approve (never the packet's assembler) and moves the request on; this
 * view shows its answer.  Reading and deciding are _async calls of the
 * model, cancelled when the request changes or the view goes.
 */
#define G_LOG_DOMAIN "cst-packet-review"

#include "config.h"

#include <glib/gi18n.h>

#include "cst-packet-review-panel.h"
#include "cst-dispose.h"

#include <custodian/cst-locale-format.h>
#include <custodian/cst-packet.h>
#include <custodian/cst-redaction.h>

struct _CstPacketReviewPanel
{
  GtkWidget             parent_instance;

  AdwPreferencesGroup  *group;
  GtkLabel             *state_label;
  GtkLabel             *summary_label;
  GtkListBox           *list_box;
  AdwEntryRow          *reason_row;
  GtkButton            *approve_button;
  GtkButton            *return_button;
  GtkLabel             *message_label;

  CstConnection        *connection;
  CstRequest           *request;
  GCancellable         *cancellable;   /* replaced when the request changes */
  guint                 generation;    /* bumped at each load */
  gboolean              busy;
  gboolean              loaded;
  CstPacketReviewState  state;
};

G_DEFINE_FINAL_TYPE (CstPacketReviewPanel, cst_packet_review_panel, GTK_TYPE_WIDGET)

/* ---- showing it ----------------------------------------------------------- */

static void
show_message (CstPacketReviewPanel *self,
              const char           *message)
{
  gtk_label_set_label (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
}

static gboolean
can_decide (CstPacketReviewPanel *self)
{
  return self->connection != NULL && self->request != NULL && !self->busy &&
         self->state == CST_PACKET_REVIEW_SUBMITTED &&
         cst_request_get_status (self->request) == CST_STATUS_QUALITY_CHECK;
}

static void
update_sensitivity (CstPacketReviewPanel *self)
{
  const char *reason = gtk_editable_get_text (GTK_EDITABLE (self->reason_row));
  g_autofree char *trimmed = g_strstrip (g_strdup (reason));

  gtk_widget_set_sensitive (GTK_WIDGET (self->approve_button), can_decide (self));
  gtk_widget_set_sensitive (GTK_WIDGET (self->return_button), can_decide (self) && *trimmed);
  gtk_widget_set_visible (GTK_WIDGET (self->reason_row), can_decide (self));
  gtk_editable_set_editable (GTK_EDITABLE (self->reason_row), can_decide (self));
}

static char *
date_or_open (const GDate *date)
{
  /* TRANSLATORS: an open end of a date range */
  return date ? cst_locale_format_date (date) : g_strdup (_("open"));
}

static char *
range_text (const GDate *from,
            const GDate *to)
{
  g_autofree char *a = date_or_open (from);
  g_autofree char *b = date_or_open (to);

  if (from == NULL && to == NULL)
    return g_strdup (_("no dates"));
  /* TRANSLATORS: a date range, "from – to" */
  return g_strdup_printf (_("%s – %s"), a, b);
}

static GtkWidget *
document_row (const CstRecordDocument    *doc,
              const CstPacketReviewSheet *sheet)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *pages = g_strdup_printf (g_dngettext (NULL, "%u page", "%u pages", doc->pages),
                                            doc->pages);
  g_autofree char *dates = range_text (doc->service_from, doc->service_to);
  gboolean outside = cst_packet_review_dates_outside (doc->service_from, doc->service_to,
                                                      sheet->records_from, sheet->records_to);
  g_autofree char *when = outside ? g_strdup_printf (_("%s (outside the request's dates)"), dates)
                                  : g_strdup (dates);
  /* TRANSLATORS: a document to check: patient name · MRN · kind · dates · pages */
  g_autofree char *subtitle = g_strdup_printf (_("%s · MRN %s · %s · %s · %s"), sheet->patient_name,
                                               sheet->patient_mrn, doc->kind, when, pages);
  g_autofree char *accessible = NULL;

  /* Data, not markup: names may hold "&". */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), doc->name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (cst_packet_review_kind_is_sensitive (doc->kind))
    {
      GtkWidget *flag = gtk_label_new (_("Sensitive"));

      gtk_widget_add_css_class (flag, "warning");
      gtk_widget_set_valign (flag, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), flag);
    }
  if (outside)
    adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("dialog-warning-symbolic"));
  accessible = g_strdup_printf ("%s, %s%s", doc->name, subtitle,
                                cst_packet_review_kind_is_sensitive (doc->kind) ? _(", sensitive") : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  return row;
}

static const char *
document_name (const CstPacketReviewSheet *sheet,
               gint64                      document_id)
{
  for (guint i = 0; i < sheet->documents->len; i++)
    {
      const CstRecordDocument *doc = g_ptr_array_index (sheet->documents, i);

      if (doc->id == document_id)
        return doc->name;
    }
  return "";
}

/* A redaction the packet carries (applied) or may yet carry (proposed):
 * the reviewer sees each one with its reason (issue 19), never the text
 * under it, which is not kept. */
static GtkWidget *
redaction_row (const CstRedaction         *redaction,
               const CstPacketReviewSheet *sheet)
{
  GtkWidget *row = adw_action_row_new ();
  gboolean applied = g_strcmp0 (redaction->state, "applied") == 0;
  const char *reason = redaction->reason_text ? redaction->reason_text
                                              : cst_redaction_reason_label (redaction->reason);
  /* TRANSLATORS: a redaction to check: "Redacted: notes.pdf, page 3" */
  g_autofree char *title = g_strdup_printf (applied ? _("Redacted: %s, page %u")
                                                    : _("Proposed redaction: %s, page %u"),
                                            document_name (sheet, redaction->document_id),
                                            redaction->page);
  /* TRANSLATORS: why a redaction was made, and who decided: "Another person's information · by jdoe" */
  g_autofree char *subtitle = applied
    ? g_strdup_printf (_("%s · by %s"), reason, redaction->decided_by ? redaction->decided_by : "")
    : g_strdup_printf (_("%s · not applied yet"), reason);
  g_autofree char *accessible = g_strdup_printf ("%s, %s", title, subtitle);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (!applied)
    adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("dialog-warning-symbolic"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  return row;
}

static void
append_redactions (CstPacketReviewPanel       *self,
                   const CstPacketReviewSheet *sheet)
{
  for (guint i = 0; sheet->redactions && i < sheet->redactions->len; i++)
    {
      const CstRedaction *redaction = g_ptr_array_index (sheet->redactions, i);

      if (g_strcmp0 (redaction->state, "applied") == 0 || g_strcmp0 (redaction->state, "proposed") == 0)
        gtk_list_box_append (self->list_box, redaction_row (redaction, sheet));
    }
}

static char *
state_text (const CstPacketReview *review)
{
  const char *label = cst_packet_review_state_get_label (review->state);

  switch (review->state)
    {
    case CST_PACKET_REVIEW_SUBMITTED:
      return g_strdup_printf (_("%s. Assembled by %s."), label, review->assembled_by);
    case CST_PACKET_REVIEW_APPROVED:
      if (!review->current)
        return g_strdup (_("Approved, but the packet changed since: build it and send it to its quality check again."));
      return g_strdup_printf (_("Approved by %s. Assembled by %s."), review->decided_by,
                              review->assembled_by);
    case CST_PACKET_REVIEW_RETURNED:
      return g_strdup_printf (_("Returned by %s: %s"), review->decided_by, review->reason);
    case CST_PACKET_REVIEW_NONE:
    case CST_PACKET_REVIEW_WITHDRAWN:
    default:
      return g_strdup (label);
    }
}

static char *
summary_text (const CstPacketReviewSheet *sheet)
{
  g_autofree char *range = range_text (sheet->records_from, sheet->records_to);
  g_autofree char *fee = sheet->has_fee ? cst_locale_format_money (sheet->fee_cents)
                                        : g_strdup (_("no invoice yet"));
  g_autofree char *total = g_strdup_printf (g_dngettext (NULL, "%u page", "%u pages", sheet->review->pages),
                                            sheet->review->pages);
  /* The letters and notices come first; the fee counts the records. */
  g_autofree char *pages = sheet->review->pages == 0
    ? g_strdup (_("not built yet"))
    : g_strdup_printf (_("%s, of which records: %u"), total, sheet->review->record_pages);

  /* TRANSLATORS: the review's facts, one per line */
  return g_strdup_printf (_("Patient: %s · MRN %s\nRecords asked for: %s\nPacket: %s\nFee: %s"),
                          sheet->patient_name, sheet->patient_mrn, range, pages, fee);
}

static void
show_sheet (CstPacketReviewPanel       *self,
            const CstPacketReviewSheet *sheet)
{
  GtkWidget *child;
  g_autofree char *state = NULL;
  g_autofree char *summary = NULL;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_list_box_remove (self->list_box, child);
  self->state = sheet ? sheet->review->state : CST_PACKET_REVIEW_NONE;
  gtk_widget_set_visible (GTK_WIDGET (self->group), sheet != NULL && sheet->documents->len > 0);
  if (sheet == NULL)
    return;
  for (guint i = 0; i < sheet->documents->len; i++)
    gtk_list_box_append (self->list_box, document_row (g_ptr_array_index (sheet->documents, i), sheet));
  append_redactions (self, sheet);
  state = state_text (sheet->review);
  summary = summary_text (sheet);
  gtk_label_set_label (self->state_label, state);
  gtk_label_set_label (self->summary_label, summary);
  update_sensitivity (self);
}

/* ---- loading -------------------------------------------------------------- */

typedef struct
{
  CstPacketReviewPanel *self;
  guint                 generation;
} Load;

static void
sheet_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  g_autofree Load *load = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstPacketReviewSheet) sheet = cst_packet_review_sheet_finish (CST_CONNECTION (source),
                                                                          result, &error);
  CstPacketReviewPanel *self = load->self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      load->generation != self->generation)
    return;
  self->loaded = TRUE;
  if (sheet == NULL)
    {
      show_message (self, error->message);
      return;
    }
  show_sheet (self, sheet);
}

void
cst_packet_review_panel_reload (CstPacketReviewPanel *self)
{
  Load *load;

  g_return_if_fail (CST_IS_PACKET_REVIEW_PANEL (self));
  self->loaded = FALSE;
  if (self->connection == NULL || self->request == NULL)
    {
      show_sheet (self, NULL);
      return;
    }
  load = g_new0 (Load, 1);
  load->self = self;
  load->generation = ++self->generation;
  cst_packet_review_sheet_async (self->connection, cst_request_get_id (self->request),
                                 self->cancellable, sheet_done_cb, load);
}

/* ---- deciding ------------------------------------------------------------- */

static void
decide_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  CstPacketReviewPanel *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstPacketReview) review = cst_packet_review_decide_finish (CST_CONNECTION (source),
                                                                       result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->busy = FALSE;
  if (review == NULL)
    show_message (self, error->message);
  else if (review->state == CST_PACKET_REVIEW_APPROVED)
    show_message (self, _("Packet approved: the request is ready for release."));
  else
    {
      show_message (self, _("Packet returned: the request is back in progress."));
      gtk_editable_set_text (GTK_EDITABLE (self->reason_row), "");
    }
  update_sensitivity (self);
  cst_packet_review_panel_reload (self);
}

static void
decide (CstPacketReviewPanel *self,
        const char           *reason)
{
  if (!can_decide (self))
    return;
  self->busy = TRUE;
  update_sensitivity (self);
  show_message (self, NULL);
  cst_packet_review_decide_async (self->connection, cst_request_get_id (self->request), reason,
                                  self->cancellable, decide_done_cb, self);
}

void
cst_packet_review_panel_approve (CstPacketReviewPanel *self)
{
  g_return_if_fail (CST_IS_PACKET_REVIEW_PANEL (self));
  decide (self, NULL);
}

void
cst_packet_review_panel_return (CstPacketReviewPanel *self,
                                const char           *reason)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (reason ? reason : ""));

  g_return_if_fail (CST_IS_PACKET_REVIEW_PANEL (self));
  if (*trimmed == '\0')
    {
      show_message (self, _("Say why the packet goes back before returning it."));
      return;
    }
  decide (self, trimmed);
}

static void
approve_clicked_cb (CstPacketReviewPanel *self)
{
  cst_packet_review_panel_approve (self);
}

static void
return_clicked_cb (CstPacketReviewPanel *self)
{
  cst_packet_review_panel_return (self, gtk_editable_get_text (GTK_EDITABLE (self->reason_row)));
}

static void
reason_changed_cb (CstPacketReviewPanel *self)
{
  update_sensitivity (self);
}

/* ---- the object ----------------------------------------------------------- */

void
cst_packet_review_panel_set_connection (CstPacketReviewPanel *self,
                                        CstConnection        *connection)
{
  g_return_if_fail (CST_IS_PACKET_REVIEW_PANEL (self));
  if (!g_set_object (&self->connection, connection))
    return;
  cst_packet_review_panel_reload (self);
}

void
cst_packet_review_panel_set_request (CstPacketReviewPanel *self,
                                     CstRequest           *request)
{
  g_return_if_fail (CST_IS_PACKET_REVIEW_PANEL (self));
  if (self->request == request)
    return;
  /* Another request: what was under way for the last one is dropped. */
  if (self->request == NULL || request == NULL ||
      cst_request_get_id (self->request) != cst_request_get_id (request))
    {
      g_cancellable_cancel (self->cancellable);
      g_set_object (&self->cancellable, g_cancellable_new ());
      self->busy = FALSE;
      show_message (self, NULL);
      gtk_editable_set_text (GTK_EDITABLE (self->reason_row), "");
    }
  g_set_object (&self->request, request);
  cst_packet_review_panel_reload (self);
}

gboolean
cst_packet_review_panel_is_busy (CstPacketReviewPanel *self)
{
  return self->busy;
}

gboolean
cst_packet_review_panel_is_loaded (CstPacketReviewPanel *self)
{
  return self->loaded;
}

CstPacketReviewState
cst_packet_review_panel_get_state (CstPacketReviewPanel *self)
{
  return self->state;
}

const char *
cst_packet_review_panel_get_message (CstPacketReviewPanel *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->message_label))
         ? gtk_label_get_label (self->message_label) : NULL;
}

static void
cst_packet_review_panel_dispose (GObject *object)
{
  CstPacketReviewPanel *self = CST_PACKET_REVIEW_PANEL (object);

  cst_dispose_cancel (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), CST_TYPE_PACKET_REVIEW_PANEL);
  g_clear_object (&self->connection);
  g_clear_object (&self->request);
  G_OBJECT_CLASS (cst_packet_review_panel_parent_class)->dispose (object);
}

static void
cst_packet_review_panel_class_init (CstPacketReviewPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cst_packet_review_panel_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/custodian/Custodian/ui/cst-packet-review-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, CstPacketReviewPanel, group);
  gtk_widget_class_bind_template_child (widget_class, CstPacketReviewPanel, state_label);
  gtk_widget_class_bind_template_child (widget_class, CstPacketReviewPanel, summary_label);
  gtk_widget_class_bind_template_child (widget_class, CstPacketReviewPanel, list_box);
  gtk_widget_class_bind_template_child (widget_class, CstPacketReviewPanel, reason_row);
  gtk_widget_class_bind_template_child (widget_class, CstPacketReviewPanel, approve_button);
  gtk_widget_class_bind_template_child (widget_class, CstPacketReviewPanel, return_button);
  gtk_widget_class_bind_template_child (widget_class, CstPacketReviewPanel, message_label);
  gtk_widget_class_bind_template_callback (widget_class, approve_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, return_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, reason_changed_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
cst_packet_review_panel_init (CstPacketReviewPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  update_sensitivity (self);
}
