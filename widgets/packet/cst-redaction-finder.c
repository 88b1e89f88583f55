/* cst-redaction-finder.c — Find Proposals (issue 19)
 *
 * A window over the page view: the other people the request names (kept
 * with the request, 0090), the configured terms (an administrator adds
 * and retires them; everyone else reads them), the patient's own SSN for
 * this run only, and Find Proposals, which runs the proposal finder on
 * the connection's worker thread with a progress bar and Stop.  Every
 * change and the run itself are model calls that answer off the main
 * loop.  The finder only proposes: "proposed" tells the page view to read
 * the redactions again, where a person decides each one.
 */
#define G_LOG_DOMAIN "cst-redaction-finder"

#include "config.h"

#include <glib/gi18n.h>

#include "cst-dispose.h"
#include "cst-redaction-finder.h"

struct _CstRedactionFinder
{
  AdwWindow             parent_instance;

  GtkListBox           *people_list;
  GtkEditable          *person_entry;
  GtkDropDown          *kind_drop;
  AdwPreferencesGroup  *terms_group;
  GtkListBox           *terms_list;
  GtkWidget            *term_box;
  GtkEditable          *term_entry;
  GtkDropDown          *reason_drop;
  GtkEditable          *ssn_row;
  GtkProgressBar       *progress_bar;
  GtkLabel             *message_label;
  GtkWidget            *stop_button;
  GtkWidget            *find_button;

  CstConnection        *connection;
  gint64                request_id;
  CstRedactionSetup    *setup;
  GCancellable         *cancellable;        /* the window's changes */
  GCancellable         *find_cancellable;   /* the run; NULL when none */
  guint                 pending;            /* changes under way */
};

G_DEFINE_FINAL_TYPE (CstRedactionFinder, cst_redaction_finder, ADW_TYPE_WINDOW)

enum { SIGNAL_PROPOSED, N_SIGNALS };
static guint finder_signals[N_SIGNALS];

/* The reasons a configured term may carry: a box's, not "other" (which
 * needs words of its own). */
static GPtrArray *
term_reasons (void)
{
  GPtrArray *codes = g_ptr_array_new ();

  for (const char *const *r = cst_redaction_reasons (); *r != NULL; r++)
    if (!g_str_equal (*r, "other"))
      g_ptr_array_add (codes, (gpointer) *r);
  return codes;
}

static void
show_message (CstRedactionFinder *self,
              const char         *message)
{
  gtk_label_set_label (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
}

static void
update_actions (CstRedactionFinder *self)
{
  gboolean finding = self->find_cancellable != NULL;
  gboolean ready = self->setup != NULL && !finding;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "finder.add-person", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "finder.remove-person", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "finder.add-term", ready && self->setup->may_configure);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "finder.retire-term", ready && self->setup->may_configure);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "finder.find", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "finder.stop", finding);
  gtk_widget_set_visible (self->stop_button, finding);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), finding);
}

/* ---- what is shown ---------------------------------------------------------- */

static GtkWidget *
remove_button (const char *icon,
               const char *tooltip,
               const char *action,
               gint64      id)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_int64 (id));
  return button;
}

static GtkWidget *
plain_row (const char *title,
           const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  return row;
}

/* GTK 4.8 has no gtk_list_box_remove_all(). */
static void
empty_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static void
show_people (CstRedactionFinder *self)
{
  empty_list (self->people_list);
  for (guint i = 0; i < self->setup->others->len; i++)
    {
      CstOtherPerson *p = g_ptr_array_index (self->setup->others, i);
      GtkWidget *row = plain_row (p->value, g_str_equal (p->kind, "name")
                                            ? _("Name") : _("Medical record number"));

      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
        remove_button ("user-trash-symbolic", _("Take this person off the request"),
                       "finder.remove-person", p->id));
      gtk_list_box_append (self->people_list, row);
    }
}

static void
show_terms (CstRedactionFinder *self)
{
  empty_list (self->terms_list);
  for (guint i = 0; i < self->setup->terms->len; i++)
    {
      CstRedactionTerm *t = g_ptr_array_index (self->setup->terms, i);
      GtkWidget *row = plain_row (t->term, cst_redaction_reason_label (t->reason));

      if (self->setup->may_configure)
        adw_action_row_add_suffix (ADW_ACTION_ROW (row),
          remove_button ("edit-delete-symbolic", _("Retire this term: it is no longer proposed"),
                         "finder.retire-term", t->id));
      gtk_list_box_append (self->terms_list, row);
    }
  gtk_widget_set_visible (self->term_box, self->setup->may_configure);
}

static void
apply_setup (CstRedactionFinder *self,
             CstRedactionSetup  *setup)
{
  g_clear_pointer (&self->setup, cst_redaction_setup_free);
  self->setup = setup;
  show_people (self);
  show_terms (self);
  update_actions (self);
}

/* ---- changes ------------------------------------------------------------------ */

static void
changed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(GError) error = NULL;
  CstRedactionSetup *setup = cst_redaction_setup_change_finish (CST_CONNECTION (object), result, &error);
  CstRedactionFinder *self = data;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->pending--;
  if (setup == NULL)
    {
      show_message (self, error->message);
      return;
    }
  show_message (self, NULL);
  apply_setup (self, setup);
}

static void
change (CstRedactionFinder       *self,
        const CstRedactionChange *what)
{
  self->pending++;
  cst_redaction_setup_change_async (self->connection, self->request_id, what, self->cancellable,
                                    changed_cb, self);
}

static void
add_person_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  CstRedactionFinder *self = CST_REDACTION_FINDER (widget);
  CstRedactionChange what = { 0 };

  what.other_kind = gtk_drop_down_get_selected (self->kind_drop) == 1 ? "mrn" : "name";
  what.other_value = gtk_editable_get_text (self->person_entry);
  change (self, &what);
  gtk_editable_set_text (self->person_entry, "");
}

static void
person_entry_activate_cb (CstRedactionFinder *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "finder.add-person", NULL);
}

static void
remove_person_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  CstRedactionChange what = { .other_remove = g_variant_get_int64 (parameter) };

  change (CST_REDACTION_FINDER (widget), &what);
}

static void
add_term_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  CstRedactionFinder *self = CST_REDACTION_FINDER (widget);
  g_autoptr(GPtrArray) reasons = term_reasons ();
  CstRedactionChange what = { 0 };

  what.term = gtk_editable_get_text (self->term_entry);
  what.term_reason = g_ptr_array_index (reasons, gtk_drop_down_get_selected (self->reason_drop));
  change (self, &what);
  gtk_editable_set_text (self->term_entry, "");
}

static void
term_entry_activate_cb (CstRedactionFinder *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "finder.add-term", NULL);
}

static void
retire_term_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  CstRedactionChange what = { .term_retire = g_variant_get_int64 (parameter) };

  change (CST_REDACTION_FINDER (widget), &what);
}

/* ---- the run ------------------------------------------------------------------ */

/* A run under way: told of its pages until its answer, which frees it. */
typedef struct
{
  CstRedactionFinder *self;          /* not a reference: the run is cancelled with the window */
  GCancellable       *cancellable;   /* cancelled by Stop or when the window goes */
} Run;

static void
run_free (Run *run)
{
  g_clear_object (&run->cancellable);
  g_free (run);
}

static void
progress_cb (guint    done,
             guint    total,
             gpointer data)
{
  Run *run = data;
  g_autofree char *text = NULL;

  if (g_cancellable_is_cancelled (run->cancellable))
    return;
  text = g_strdup_printf (_("Page %u of %u read"), done, total);
  gtk_progress_bar_set_fraction (run->self->progress_bar, total ? (double) done / total : 1.0);
  gtk_progress_bar_set_text (run->self->progress_bar, text);
}

static char *
run_summary (const CstProposalRun *found)
{
  g_autofree char *proposed = NULL;

  if (found->stored == 0)
    proposed = g_strdup (_("Nothing new to propose."));
  else
    proposed = g_strdup_printf (g_dngettext (NULL, "%u redaction proposed: decide it in the pages (F8).",
                                             "%u redactions proposed: decide each in the pages (F8).",
                                             found->stored), found->stored);
  if (found->known == 0)
    return g_steal_pointer (&proposed);
  /* Translators: what was proposed, then how many finds were marked already */
  return g_strdup_printf (g_dngettext (NULL, "%s %u find was marked already.",
                                       "%s %u finds were marked already.", found->known),
                          proposed, found->known);
}

static void
found_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstProposalRun) found = cst_redaction_propose_finish (CST_CONNECTION (object), result, &error);
  Run *run = data;
  CstRedactionFinder *self = run->self;
  g_autofree char *summary = NULL;

  /* Stopped (Stop said so), or the window closed. */
  if (g_cancellable_is_cancelled (run->cancellable))
    {
      run_free (run);
      return;
    }
  run_free (run);
  g_clear_object (&self->find_cancellable);
  update_actions (self);
  if (found == NULL)
    {
      show_message (self, error->message);
      return;
    }
  summary = run_summary (found);
  show_message (self, summary);
  g_signal_emit (self, finder_signals[SIGNAL_PROPOSED], 0, found->stored);
}

static void
find_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CstRedactionFinder *self = CST_REDACTION_FINDER (widget);
  CstProposalRules *extra = cst_proposal_rules_new ();
  const char *ssn = gtk_editable_get_text (self->ssn_row);
  Run *run = g_new0 (Run, 1);

  if (ssn[0] != '\0')
    extra->ssn = g_strdup (ssn);
  cst_dispose_renew (&self->find_cancellable);
  run->self = self;
  run->cancellable = g_object_ref (self->find_cancellable);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_progress_bar_set_text (self->progress_bar, _("Reading the pages…"));
  show_message (self, NULL);
  update_actions (self);
  cst_redaction_propose_async (self->connection, self->request_id, extra, progress_cb, run,
                               self->find_cancellable, found_cb, run);
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CstRedactionFinder *self = CST_REDACTION_FINDER (widget);

  if (self->find_cancellable == NULL)
    return;
  g_cancellable_cancel (self->find_cancellable);
  g_clear_object (&self->find_cancellable);
  update_actions (self);
  show_message (self, _("Stopped: nothing was proposed."));
  /* What the worker stored before it saw Stop is read again by the view. */
  g_signal_emit (self, finder_signals[SIGNAL_PROPOSED], 0, 0u);
}

/* Escape stops a run; without one it closes the window. */
static void
escape_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CstRedactionFinder *self = CST_REDACTION_FINDER (widget);

  if (self->find_cancellable != NULL)
    gtk_widget_activate_action (widget, "finder.stop", NULL);
  else
    gtk_window_close (GTK_WINDOW (self));
}

/* ---- the object ---------------------------------------------------------------- */

static void
cst_redaction_finder_dispose (GObject *object)
{
  CstRedactionFinder *self = CST_REDACTION_FINDER (object);

  cst_dispose_cancel (&self->cancellable);
  cst_dispose_cancel (&self->find_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), CST_TYPE_REDACTION_FINDER);
  g_clear_pointer (&self->setup, cst_redaction_setup_free);
  g_clear_object (&self->connection);
  G_OBJECT_CLASS (cst_redaction_finder_parent_class)->dispose (object);
}

static void
cst_redaction_finder_class_init (CstRedactionFinderClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = cst_redaction_finder_dispose;
  /* A run ended or was stopped: @stored new proposals (0 when stopped). */
  finder_signals[SIGNAL_PROPOSED] = g_signal_new ("proposed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/cst-redaction-finder.ui");
  gtk_widget_class_bind_template_child (widget_class, CstRedactionFinder, people_list);
  gtk_widget_class_bind_template_child (widget_class, CstRedactionFinder, person_entry);
  gtk_widget_class_bind_template_child (widget_class, CstRedactionFinder, kind_drop);
  gtk_widget_class_bind_template_child (widget_class, CstRedactionFinder, terms_group);
  gtk_widget_class_bind_template_child (widget_class, CstRedactionFinder, terms_list);
  gtk_widget_class_bind_template_child (widget_class, CstRedactionFinder, term_box);
  gtk_widget_class_bind_template_child (widget_class, CstRedactionFinder, term_entry);
  gtk_widget_class_bind_template_child (widget_class, CstRedactionFinder, reason_drop);
  gtk_widget_class_bind_template_child (widget_class, CstRedactionFinder, ssn_row);
  gtk_widget_class_bind_template_child (widget_class, CstRedactionFinder, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, CstRedactionFinder, message_label);
  gtk_widget_class_bind_template_child (widget_class, CstRedactionFinder, stop_button);
  gtk_widget_class_bind_template_child (widget_class, CstRedactionFinder, find_button);
  gtk_widget_class_bind_template_callback (widget_class, person_entry_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, term_entry_activate_cb);

  gtk_widget_class_install_action (widget_class, "finder.add-person", NULL, add_person_action);
  gtk_widget_class_install_action (widget_class, "finder.remove-person", "x", remove_person_action);
  gtk_widget_class_install_action (widget_class, "finder.add-term", NULL, add_term_action);
  gtk_widget_class_install_action (widget_class, "finder.retire-term", "x", retire_term_action);
  gtk_widget_class_install_action (widget_class, "finder.find", NULL, find_action);
  gtk_widget_class_install_action (widget_class, "finder.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "finder.escape", NULL, escape_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "finder.find", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "finder.escape", NULL);
}

static void
cst_redaction_finder_init (CstRedactionFinder *self)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) reasons = term_reasons ();

  gtk_widget_init_template (GTK_WIDGET (self));
  for (guint i = 0; i < reasons->len; i++)
    gtk_string_list_append (labels, cst_redaction_reason_label (g_ptr_array_index (reasons, i)));
  gtk_drop_down_set_model (self->reason_drop, G_LIST_MODEL (labels));
  self->cancellable = g_cancellable_new ();
  update_actions (self);
}

/**
 * cst_redaction_finder_new:
 *
 * Find Proposals for request @request_id, reading its other people and
 * the configured terms at once (off the main loop).
 */
CstRedactionFinder *
cst_redaction_finder_new (CstConnection *connection,
                          gint64         request_id)
{
  CstRedactionFinder *self = g_object_new (CST_TYPE_REDACTION_FINDER, NULL);

  self->connection = g_object_ref (connection);
  self->request_id = request_id;
  change (self, NULL);
  return self;
}

/* The request's other people and the terms as last read; NULL until read. */
const CstRedactionSetup *
cst_redaction_finder_get_setup (CstRedactionFinder *self)
{
  return self->setup;
}

/* A change or a run is under way. */
gboolean
cst_redaction_finder_is_busy (CstRedactionFinder *self)
{
  return self->pending > 0 || self->find_cancellable != NULL;
}

gboolean
cst_redaction_finder_is_finding (CstRedactionFinder *self)
{
  return self->find_cancellable != NULL;
}

const char *
cst_redaction_finder_get_message (CstRedactionFinder *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->message_label))
         ? gtk_label_get_label (self->message_label) : NULL;
}
