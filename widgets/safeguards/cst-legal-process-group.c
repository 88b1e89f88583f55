/* cst-legal-process-group.c — a third party's request entered as legal
 * process: the kind, who issued it, the case, whether Part 2 records are
 * sought, and the checklist that must be on file before release
 *
 * Each save and each ticked box goes to the connection's worker
 * (cst_legal_process_enter_async, _check_async) and the whole legal
 * process is read back, so the checklist and what keeps the release
 * waiting are the server's words (legal_process_gaps(), the same the
 * release trigger refuses with).  The newest answer wins: a generation
 * counter drops older ones, and the cancellable is renewed when the
 * request changes.  The individual's own request is never legal process:
 * the group hides itself there.
 */
#define G_LOG_DOMAIN "cst-legal-process-group"

#include "config.h"

#include <glib/gi18n.h>

#include "cst-dispose.h"
#include "cst-legal-process-group.h"

struct _CstLegalProcessGroup
{
  AdwBin           parent_instance;

  AdwComboRow     *kind_row;
  AdwEntryRow     *issuer_row;
  AdwEntryRow     *case_row;
  GtkSwitch       *part2_switch;
  GtkLabel        *status_label;
  GtkBox          *checklist_box;

  CstConnection   *connection;
  CstRequest      *request;
  CstLegalProcess *process;      /* as the server last said */
  GHashTable      *checks;       /* element code → its GtkCheckButton */
  GCancellable    *cancellable;  /* renewed when the request changes */
  guint            generation;
  guint            pending;
  gboolean         filling;      /* the answer is being shown: no saving */
};

G_DEFINE_FINAL_TYPE (CstLegalProcessGroup, cst_legal_process_group, ADW_TYPE_BIN)

static void
update_actions (CstLegalProcessGroup *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "legal-process.save",
                                 self->connection && self->request && self->pending == 0);
}

static gboolean
is_individual (CstRequest *request)
{
  CstRequesterKind kind = cst_request_get_requester_kind (request);

  return kind == CST_REQUESTER_PATIENT || kind == CST_REQUESTER_PERSONAL_REPRESENTATIVE ||
         kind == CST_REQUESTER_PATIENT_DIRECTIVE;
}

/* ---- showing the answer -------------------------------------------------- */

static void
on_file_toggled_cb (GtkCheckButton       *check,
                    CstLegalProcessGroup *self)
{
  if (!self->filling)
    cst_legal_process_group_set_on_file (self, g_object_get_data (G_OBJECT (check), "code"),
                                         gtk_check_button_get_active (check));
}

static GtkWidget *
route_heading (const char *route)
{
  GtkWidget *label = gtk_label_new (cst_legal_process_route_get_label (route));

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_set_margin_top (label, 6);
  return label;
}

/* One box per element, its label as the hospital's data words it and
 * the citation beside it. */
static GtkWidget *
element_check (CstLegalProcessGroup      *self,
               const CstLegalProcessItem *item)
{
  g_autofree char *text = g_strdup_printf ("%s (%s)", item->label, item->citation);
  GtkWidget *check = gtk_check_button_new ();
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_check_button_set_child (GTK_CHECK_BUTTON (check), label);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), item->on_file);
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
  g_object_set_data_full (G_OBJECT (check), "code", g_strdup (item->code), g_free);
  g_signal_connect (check, "toggled", G_CALLBACK (on_file_toggled_cb), self);
  g_hash_table_insert (self->checks, g_strdup (item->code), check);
  return check;
}

static void
fill_checklist (CstLegalProcessGroup *self)
{
  GtkWidget *child;
  const char *route = NULL;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->checklist_box))) != NULL)
    gtk_box_remove (self->checklist_box, child);
  g_hash_table_remove_all (self->checks);
  for (guint i = 0; self->process && i < self->process->checklist->len; i++)
    {
      const CstLegalProcessItem *item = g_ptr_array_index (self->process->checklist, i);

      if (g_strcmp0 (route, item->route) != 0)
        gtk_box_append (self->checklist_box, route_heading ((route = item->route)));
      gtk_box_append (self->checklist_box, element_check (self, item));
    }
}

static void
show_status (CstLegalProcessGroup *self,
             const char           *failure)
{
  g_autofree char *text = NULL;

  if (failure != NULL)
    text = g_strdup (failure);
  else if (self->process == NULL || self->process->kind == CST_LEGAL_PROCESS_NONE)
    text = g_strdup (_("Not entered as legal process."));
  else if (self->process->gaps != NULL)
    text = g_strdup_printf (_("The release waits: %s."), self->process->gaps);
  else
    text = g_strdup (_("Nothing in the legal process keeps the release waiting."));
  gtk_label_set_label (self->status_label, text);
}

static void
show_process (CstLegalProcessGroup *self)
{
  const CstLegalProcess *p = self->process;

  self->filling = TRUE;
  adw_combo_row_set_selected (self->kind_row, p->kind);
  gtk_editable_set_text (GTK_EDITABLE (self->issuer_row), p->issuer ? p->issuer : "");
  gtk_editable_set_text (GTK_EDITABLE (self->case_row), p->case_number ? p->case_number : "");
  gtk_switch_set_active (self->part2_switch, p->part2_records);
  fill_checklist (self);
  self->filling = FALSE;
  show_status (self, NULL);
}

typedef struct
{
  CstLegalProcessGroup *self;
  guint                 generation;
} JobData;

static void
job_done_cb (GObject      *object,
             GAsyncResult *res,
             gpointer      user_data)
{
  JobData *data = user_data;
  g_autoptr(CstLegalProcessGroup) self = data->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstLegalProcess) process = cst_legal_process_finish (CST_CONNECTION (object), res, &error);
  guint generation = data->generation;

  g_free (data);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (self->pending > 0)
    self->pending--;
  if (generation == self->generation)
    {
      if (process != NULL)
        {
          g_clear_pointer (&self->process, cst_legal_process_free);
          self->process = g_steal_pointer (&process);
          show_process (self);
        }
      else
        {
          /* The boxes go back to what the server has. */
          if (self->process != NULL)
            show_process (self);
          show_status (self, error->message);
        }
    }
  update_actions (self);
}

static JobData *
job_data (CstLegalProcessGroup *self)
{
  JobData *data = g_new0 (JobData, 1);

  data->self = g_object_ref (self);
  data->generation = ++self->generation;
  self->pending++;
  update_actions (self);
  return data;
}

/* ---- public -------------------------------------------------------------- */

void
cst_legal_process_group_reload (CstLegalProcessGroup *self)
{
  g_return_if_fail (CST_IS_LEGAL_PROCESS_GROUP (self));

  if (self->connection == NULL || self->request == NULL || is_individual (self->request))
    return;
  cst_legal_process_load_async (self->connection, cst_request_get_id (self->request), self->cancellable,
                                job_done_cb, job_data (self));
}

void
cst_legal_process_group_set_connection (CstLegalProcessGroup *self,
                                        CstConnection        *connection)
{
  g_return_if_fail (CST_IS_LEGAL_PROCESS_GROUP (self));

  g_set_object (&self->connection, connection);
  cst_legal_process_group_reload (self);
  update_actions (self);
}

void
cst_legal_process_group_set_request (CstLegalProcessGroup *self,
                                     CstRequest           *request)
{
  g_return_if_fail (CST_IS_LEGAL_PROCESS_GROUP (self));

  if (self->request == request)
    return;
  cst_dispose_renew (&self->cancellable);
  self->pending = 0;
  self->generation++;
  g_set_object (&self->request, request);
  g_clear_pointer (&self->process, cst_legal_process_free);
  fill_checklist (self);
  show_status (self, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self), request != NULL && !is_individual (request));
  cst_legal_process_group_reload (self);
  update_actions (self);
}

gboolean
cst_legal_process_group_is_busy (CstLegalProcessGroup *self)
{
  return self->pending > 0;
}

const CstLegalProcess *
cst_legal_process_group_get_process (CstLegalProcessGroup *self)
{
  return self->process;
}

const char *
cst_legal_process_group_get_status (CstLegalProcessGroup *self)
{
  return gtk_label_get_label (self->status_label);
}

GtkWidget *
cst_legal_process_group_get_check (CstLegalProcessGroup *self,
                                   const char           *code)
{
  return g_hash_table_lookup (self->checks, code);
}

void
cst_legal_process_group_enter (CstLegalProcessGroup *self,
                               CstLegalProcessKind   kind,
                               const char           *issuer,
                               const char           *case_number,
                               gboolean              part2_records)
{
  g_return_if_fail (CST_IS_LEGAL_PROCESS_GROUP (self));

  if (self->connection == NULL || self->request == NULL)
    return;
  cst_legal_process_enter_async (self->connection, cst_request_get_id (self->request), kind, issuer,
                                 case_number, part2_records, self->cancellable, job_done_cb,
                                 job_data (self));
}

void
cst_legal_process_group_set_on_file (CstLegalProcessGroup *self,
                                     const char           *code,
                                     gboolean              on_file)
{
  g_return_if_fail (CST_IS_LEGAL_PROCESS_GROUP (self));

  if (self->connection == NULL || self->request == NULL)
    return;
  cst_legal_process_check_async (self->connection, cst_request_get_id (self->request), code, on_file,
                                 self->cancellable, job_done_cb, job_data (self));
}

static void
save_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CstLegalProcessGroup *self = CST_LEGAL_PROCESS_GROUP (widget);

  cst_legal_process_group_enter (self, adw_combo_row_get_selected (self->kind_row),
                                 gtk_editable_get_text (GTK_EDITABLE (self->issuer_row)),
                                 gtk_editable_get_text (GTK_EDITABLE (self->case_row)),
                                 gtk_switch_get_active (self->part2_switch));
}

/* ---- GObject ------------------------------------------------------------- */

static void
cst_legal_process_group_dispose (GObject *object)
{
  CstLegalProcessGroup *self = CST_LEGAL_PROCESS_GROUP (object);

  cst_dispose_cancel (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), CST_TYPE_LEGAL_PROCESS_GROUP);
  g_clear_object (&self->connection);
  g_clear_object (&self->request);
  g_clear_pointer (&self->process, cst_legal_process_free);
  g_clear_pointer (&self->checks, g_hash_table_unref);
  G_OBJECT_CLASS (cst_legal_process_group_parent_class)->dispose (object);
}

static void
cst_legal_process_group_class_init (CstLegalProcessGroupClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = cst_legal_process_group_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/cst-legal-process-group.ui");
  gtk_widget_class_bind_template_child (widget_class, CstLegalProcessGroup, kind_row);
  gtk_widget_class_bind_template_child (widget_class, CstLegalProcessGroup, issuer_row);
  gtk_widget_class_bind_template_child (widget_class, CstLegalProcessGroup, case_row);
  gtk_widget_class_bind_template_child (widget_class, CstLegalProcessGroup, part2_switch);
  gtk_widget_class_bind_template_child (widget_class, CstLegalProcessGroup, status_label);
  gtk_widget_class_bind_template_child (widget_class, CstLegalProcessGroup, checklist_box);
  gtk_widget_class_install_action (widget_class, "legal-process.save", NULL, save_action);
}

static void
cst_legal_process_group_init (CstLegalProcessGroup *self)
{
  g_autoptr(GtkStringList) kinds = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  for (guint i = 0; i < CST_LEGAL_PROCESS_N_KINDS; i++)
    gtk_string_list_append (kinds, cst_legal_process_kind_get_label (i));
  adw_combo_row_set_model (self->kind_row, G_LIST_MODEL (kinds));
  self->checks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->cancellable = g_cancellable_new ();
  show_status (self, NULL);
  update_actions (self);
}
