/* cst-assistance-policy-dialog.c — the financial-assistance policy, edited and stored
 *
 * Shows the version in effect today (read off the main loop) as text to
 * edit; Store sends the edited text with the day it takes effect to the
 * model (cst_assistance_policy_repo_store_async), which reads it as a
 * policy first, so a text with a fault is refused with the group and key
 * named and nothing is stored.  The database lets only administrators
 * store; anyone else is told so in a toast.  "stored" is emitted after a
 * version is stored, so the workbench screens under it.
 */
#define G_LOG_DOMAIN "cst-assistance-policy-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "cst-assistance-policy-dialog.h"
#include "cst-plain-text.h"

#include <custodian/cst-input.h>
#include <custodian/cst-locale-format.h>

struct _CstAssistancePolicyDialog
{
  AdwWindow                   parent_instance;

  AdwToastOverlay            *toasts;
  GtkSpinner                 *busy_spinner;
  AdwActionRow               *version_row;
  AdwEntryRow                *from_entry;
  AdwEntryRow                *note_entry;
  GtkTextView                *text_view;

  CstConnection              *connection;
  CstAssistancePolicyVersion *version;      /* in effect today; NULL until read */
  GCancellable               *cancellable;  /* cancelled when the window goes */
  gboolean                    loading;
};

G_DEFINE_FINAL_TYPE (CstAssistancePolicyDialog, cst_assistance_policy_dialog, ADW_TYPE_WINDOW)

enum { STORED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
set_busy (CstAssistancePolicyDialog *self,
          gboolean                   busy)
{
  gtk_spinner_set_spinning (self->busy_spinner, busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "policy.store", !busy && self->connection != NULL);
}

static void
show_version (CstAssistancePolicyDialog *self)
{
  const CstAssistancePolicyVersion *v = self->version;
  g_autofree char *said = NULL;

  if (v->id == 0)
    said = g_strdup (_("The example shipped with Custodian: no version is stored yet."));
  else
    {
      g_autofree char *from = cst_locale_format_date (&v->effective_from);
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, v->id);
      said = g_strdup_printf (_("Version %s, in effect from %s, stored by %s"), number, from, v->stored_by);
    }
  adw_action_row_set_subtitle (self->version_row, said);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), v->text, -1);
}

static void
version_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(CstAssistancePolicyDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  CstAssistancePolicyVersion *version =
    cst_assistance_policy_repo_in_effect_finish (CST_CONNECTION (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->loading = FALSE;
  set_busy (self, FALSE);
  if (version == NULL)
    {
      adw_action_row_set_subtitle (self->version_row, error->message);
      return;
    }
  g_clear_pointer (&self->version, cst_assistance_policy_version_free);
  self->version = version;
  show_version (self);
}

static void
load_version (CstAssistancePolicyDialog *self)
{
  GDate today;

  cst_input_today (&today);
  self->loading = TRUE;
  set_busy (self, TRUE);
  cst_assistance_policy_repo_in_effect_async (self->connection, &today, self->cancellable,
                                              version_loaded_cb, g_object_ref (self));
}

/* ---- storing ---------------------------------------------------------------- */

static void
stored_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CstAssistancePolicyDialog *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  gint64 id = cst_assistance_policy_repo_store_finish (CST_CONNECTION (object), result, &error);
  g_autofree char *said = NULL;

  if (g_cancellable_is_cancelled (self->cancellable))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "closed");
      return;
    }
  set_busy (self, FALSE);
  if (id == 0)
    {
      said = g_strdup_printf (_("The policy was not stored: %s"), error->message);
      adw_toast_overlay_add_toast (self->toasts, cst_toast_new_plain (said));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  said = g_strdup_printf (_("Stored, in effect from %s."), gtk_editable_get_text (GTK_EDITABLE (self->from_entry)));
  adw_toast_overlay_add_toast (self->toasts, cst_toast_new_plain (said));
  g_signal_emit (self, signals[STORED], 0);
  load_version (self);
  g_task_return_boolean (task, TRUE);
}

/**
 * cst_assistance_policy_dialog_store_async:
 *
 * Stores the text shown as a new version, in effect from the day typed;
 * a day that is not a date, or a text that is not a policy, is refused
 * with a toast naming why.
 */
void
cst_assistance_policy_dialog_store_async (CstAssistancePolicyDialog *self,
                                          GAsyncReadyCallback        callback,
                                          gpointer                   user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);
  g_autofree char *text = cst_assistance_policy_dialog_get_text (self);
  g_autoptr(GError) error = NULL;
  GDate from;

  g_date_clear (&from, 1);
  if (self->connection == NULL ||
      !cst_input_parse_date (gtk_editable_get_text (GTK_EDITABLE (self->from_entry)), &from, &error))
    {
      const char *why = error ? error->message : _("Connect to the database first.");
      g_autofree char *said = g_strdup_printf (_("The policy was not stored: %s"), why);

      adw_toast_overlay_add_toast (self->toasts, cst_toast_new_plain (said));
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s", why);
      g_object_unref (task);
      return;
    }
  set_busy (self, TRUE);
  cst_assistance_policy_repo_store_async (self->connection, text, &from,
                                          gtk_editable_get_text (GTK_EDITABLE (self->note_entry)),
                                          self->cancellable, stored_cb, task);
}

gboolean
cst_assistance_policy_dialog_store_finish (CstAssistancePolicyDialog  *self,
                                           GAsyncResult               *result,
                                           GError                    **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
store_action (GtkWidget *widget, const char *name, GVariant *param)
{
  cst_assistance_policy_dialog_store_async (CST_ASSISTANCE_POLICY_DIALOG (widget), NULL, NULL);
}

/* ---- for the workbench and the tests ------------------------------------------- */

gboolean
cst_assistance_policy_dialog_is_loading (CstAssistancePolicyDialog *self)
{
  return self->loading;
}

/* Returns: (nullable): the version in effect today, as last read */
const CstAssistancePolicyVersion *
cst_assistance_policy_dialog_get_version (CstAssistancePolicyDialog *self)
{
  return self->version;
}

char *
cst_assistance_policy_dialog_get_text (CstAssistancePolicyDialog *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

void
cst_assistance_policy_dialog_set_text (CstAssistancePolicyDialog *self,
                                       const char                *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), text, -1);
}

void
cst_assistance_policy_dialog_set_effective_from (CstAssistancePolicyDialog *self,
                                                 const char                *date)
{
  gtk_editable_set_text (GTK_EDITABLE (self->from_entry), date);
}

/**
 * cst_assistance_policy_dialog_new:
 * @connection: (nullable): without one the dialog says so and stores nothing
 */
CstAssistancePolicyDialog *
cst_assistance_policy_dialog_new (GtkWindow     *parent,
                                  CstConnection *connection)
{
  CstAssistancePolicyDialog *self = g_object_new (CST_TYPE_ASSISTANCE_POLICY_DIALOG,
                                                  "transient-for", parent, NULL);

  if (connection == NULL)
    {
      adw_action_row_set_subtitle (self->version_row,
                                   _("Connect to the database: the policy is stored there."));
      return self;
    }
  self->connection = g_object_ref (connection);
  load_version (self);
  return self;
}

static void
cst_assistance_policy_dialog_dispose (GObject *object)
{
  CstAssistancePolicyDialog *self = CST_ASSISTANCE_POLICY_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), CST_TYPE_ASSISTANCE_POLICY_DIALOG);
  g_clear_pointer (&self->version, cst_assistance_policy_version_free);
  g_clear_object (&self->connection);
  G_OBJECT_CLASS (cst_assistance_policy_dialog_parent_class)->dispose (object);
}

static void
cst_assistance_policy_dialog_finalize (GObject *object)
{
  CstAssistancePolicyDialog *self = CST_ASSISTANCE_POLICY_DIALOG (object);

  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (cst_assistance_policy_dialog_parent_class)->finalize (object);
}

static void
cst_assistance_policy_dialog_class_init (CstAssistancePolicyDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = cst_assistance_policy_dialog_dispose;
  G_OBJECT_CLASS (klass)->finalize = cst_assistance_policy_dialog_finalize;
  signals[STORED] = g_signal_new ("stored", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/cst-assistance-policy-dialog.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, CstAssistancePolicyDialog, name)
  BIND (toasts); BIND (busy_spinner); BIND (version_row); BIND (from_entry); BIND (note_entry);
  BIND (text_view);
#undef BIND
  gtk_widget_class_install_action (widget_class, "policy.store", NULL, store_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "policy.store", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cst_assistance_policy_dialog_init (CstAssistancePolicyDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "policy.store", FALSE);
}
