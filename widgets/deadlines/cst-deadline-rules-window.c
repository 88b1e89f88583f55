/* cst-deadline-rules-window.c — review the legal deadline rules in force
 *
 * The same review as the fee schedules' (cst-fee-schedules-window.c): the
 * rules are data the hospital owns, listed with their jurisdiction, who
 * they govern, their count, extension, citation and how sure the reading
 * is (an unconfirmed one says so in words).  Everybody may read them; an
 * administrator edits a rule as the text of deadline-rules.ini and saves
 * it as the next version, after the model has read it and checked the
 * whole set with it in place.  A saved version never changes: a request
 * already open keeps the version it was timed by, one opened afterwards is
 * timed by the new one.
 */
#define G_LOG_DOMAIN "cst-deadline-rules-window"

#include "config.h"

#include <glib/gi18n.h>

#include "cst-deadline-rules-window.h"
#include "cst-dispose.h"
#include "cst-plain-text.h"

#include <custodian/cst-deadline.h>
#include <custodian/cst-deadline-repo.h>
#include <custodian/cst-input.h>

struct _CstDeadlineRulesWindow
{
  AdwWindow           parent_instance;

  AdwToastOverlay    *toasts;
  GtkListBox         *rules_box;
  GtkTextView        *text_view;
  GtkLabel           *title_label;
  GtkLabel           *message_label;
  GtkLabel           *access_label;
  GtkButton          *save_button;

  CstConnection      *connection;
  GCancellable       *cancellable;
  CstDeadlineRuleSet *rules;
  char               *selected_key;
  gboolean            can_edit;
  guint               busy;
};

G_DEFINE_FINAL_TYPE (CstDeadlineRulesWindow, cst_deadline_rules_window, ADW_TYPE_WINDOW)

static void
show_message (CstDeadlineRulesWindow *self,
              const char             *message)
{
  gtk_label_set_label (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
}

static void
update_save (CstDeadlineRulesWindow *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "rules.save",
                                 self->can_edit && self->busy == 0 && self->selected_key != NULL);
}

static void
set_busy (CstDeadlineRulesWindow *self,
          gboolean                busy)
{
  self->busy += busy ? 1 : -1;
  update_save (self);
}

static GPtrArray *
rules_array (CstDeadlineRulesWindow *self)
{
  return self->rules ? cst_deadline_rule_set_get_rules (self->rules) : NULL;
}

static const CstDeadlineRule *
find_rule (CstDeadlineRulesWindow *self,
           const char             *key,
           guint                  *index)
{
  GPtrArray *rules = rules_array (self);

  for (guint i = 0; key && rules && i < rules->len; i++)
    if (g_str_equal (cst_deadline_rule_get_key (g_ptr_array_index (rules, i)), key))
      {
        if (index)
          *index = i;
        return g_ptr_array_index (rules, i);
      }
  return NULL;
}

/* ---- one rule in words ---------------------------------------------------- */

static char *
classes_text (const CstDeadlineRule *rule)
{
  g_autoptr(GStrvBuilder) labels = g_strv_builder_new ();
  g_auto(GStrv) strv = NULL;

  for (guint k = 0; k < CST_DEADLINE_N_CLASSES; k++)
    if (cst_deadline_rule_has_class (rule, (CstDeadlineClass) k))
      g_strv_builder_add (labels, cst_deadline_class_get_label ((CstDeadlineClass) k));
  strv = g_strv_builder_end (labels);
  /* Translators: separates the requester classes a rule governs. */
  return g_strjoinv (_("; "), strv);
}

static char *
days_text (const CstDeadlineRule *rule)
{
  int days = cst_deadline_rule_get_days (rule);

  if (days <= 0)
    return g_strdup (_("no legal deadline"));
  if (cst_deadline_rule_get_business (rule))
    return g_strdup_printf (ngettext ("%d business day", "%d business days", days), days);
  return g_strdup_printf (ngettext ("%d calendar day", "%d calendar days", days), days);
}

static char *
extension_text (const CstDeadlineRule *rule)
{
  int days = cst_deadline_rule_get_extension_days (rule);

  if (days <= 0)
    return g_strdup (_("no extension"));
  return g_strdup_printf (ngettext ("one extension of %d day", "one extension of %d days", days), days);
}

static const char *
confidence_text (const CstDeadlineRule *rule)
{
  switch (cst_deadline_rule_get_confidence (rule))
    {
    case CST_FEE_CONFIDENCE_CONFIRMED: return _("confirmed in the law's own text");
    case CST_FEE_CONFIDENCE_SECONDARY: return _("from a secondary source");
    default: return _("unconfirmed");
    }
}

static char *
rule_subtitle (const CstDeadlineRule *rule)
{
  g_autofree char *classes = classes_text (rule);
  g_autofree char *days = days_text (rule);
  g_autofree char *extension = extension_text (rule);
  g_autofree char *from = NULL, *to = NULL;
  GDate from_date, to_date;

  cst_deadline_rule_get_effective (rule, &from_date, &to_date);
  from = cst_input_format_date (&from_date);
  to = g_date_valid (&to_date) ? cst_input_format_date (&to_date) : g_strdup (_("open-ended"));
  /* Translators: jurisdiction, version, who the rule governs, its count
   * ("15 calendar days" or "no legal deadline"), its extension, its
   * citation, how sure the reading is, and the dates it is in effect. */
  return g_strdup_printf (_("%s · version %d · %s\n%s, %s · %s · %s · %s to %s"),
                          cst_deadline_rule_get_jurisdiction (rule), cst_deadline_rule_get_version (rule),
                          classes, days, extension, cst_deadline_rule_get_citation (rule),
                          confidence_text (rule), from, to);
}

static GtkWidget *
rule_row (const CstDeadlineRule *rule)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *subtitle = rule_subtitle (rule);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), cst_deadline_rule_get_key (rule));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  if (cst_deadline_rule_get_confidence (rule) == CST_FEE_CONFIDENCE_UNCONFIRMED)
    {
      /* Said in words, not only by colour. */
      GtkWidget *flag = gtk_label_new (_("Unconfirmed"));
      gtk_widget_add_css_class (flag, "warning");
      gtk_widget_set_tooltip_text (flag, _("This reading of the law could not be confirmed; "
                                           "review it before relying on its deadline."));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), flag);
    }
  return row;
}

static void
set_text (CstDeadlineRulesWindow *self,
          const char             *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), text ? text : "", -1);
}

static void
show_rule (CstDeadlineRulesWindow *self,
           const CstDeadlineRule  *rule)
{
  g_autofree char *text = cst_deadline_rule_to_text (rule);
  g_autofree char *title = g_strdup_printf (_("%s, version %d — %s"), cst_deadline_rule_get_key (rule),
                                            cst_deadline_rule_get_version (rule),
                                            cst_deadline_rule_get_citation (rule));

  g_free (self->selected_key);
  self->selected_key = g_strdup (cst_deadline_rule_get_key (rule));
  gtk_label_set_label (self->title_label, title);
  set_text (self, text);
  show_message (self, NULL);
  update_save (self);
}

static void
row_selected_cb (CstDeadlineRulesWindow *self,
                 GtkListBoxRow          *row)
{
  GPtrArray *rules = rules_array (self);

  if (row != NULL && rules != NULL && (guint) gtk_list_box_row_get_index (row) < rules->len)
    show_rule (self, g_ptr_array_index (rules, gtk_list_box_row_get_index (row)));
}

/* ---- loading and saving ----------------------------------------------- */

static void
fill_list (CstDeadlineRulesWindow *self)
{
  GPtrArray *rules = rules_array (self);

  for (GtkWidget *row; (row = gtk_widget_get_first_child (GTK_WIDGET (self->rules_box)));)
    gtk_list_box_remove (self->rules_box, row);
  for (guint i = 0; rules && i < rules->len; i++)
    gtk_list_box_append (self->rules_box, rule_row (g_ptr_array_index (rules, i)));
}

/* Only an administrator edits: everybody else reads, and is told why. */
static void
set_can_edit (CstDeadlineRulesWindow *self,
              gboolean                can_edit)
{
  self->can_edit = can_edit;
  gtk_text_view_set_editable (self->text_view, can_edit);
  gtk_widget_set_visible (GTK_WIDGET (self->save_button), can_edit);
  gtk_widget_set_visible (GTK_WIDGET (self->access_label), !can_edit);
  update_save (self);
}

static void
loaded_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CstDeadlineRulesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstDeadlineReview) review = cst_deadline_repo_review_finish (CST_CONNECTION (object),
                                                                          result, &error);
  g_autofree char *keep = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (review == NULL)
    {
      show_message (self, error->message);
      return;
    }
  keep = g_steal_pointer (&self->selected_key);
  g_clear_pointer (&self->rules, cst_deadline_rule_set_unref);
  self->rules = g_steal_pointer (&review->rules);
  set_can_edit (self, review->can_edit);
  fill_list (self);
  if (keep != NULL)
    cst_deadline_rules_window_select (self, keep);
}

static void
load (CstDeadlineRulesWindow *self)
{
  set_busy (self, TRUE);
  cst_deadline_repo_review_async (self->connection, self->cancellable, loaded_cb, g_object_ref (self));
}

static void
saved_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CstDeadlineRulesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstDeadlineRuleSet) saved = cst_deadline_repo_save_rules_finish (CST_CONNECTION (object),
                                                                              result, &error);
  GPtrArray *rules;
  const CstDeadlineRule *first;
  g_autofree char *message = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (saved == NULL)
    {
      show_message (self, error->message);
      return;
    }
  rules = cst_deadline_rule_set_get_rules (saved);
  first = g_ptr_array_index (rules, 0);
  message = rules->len == 1
    ? g_strdup_printf (_("Saved %s as version %d"), cst_deadline_rule_get_key (first),
                       cst_deadline_rule_get_version (first))
    : g_strdup_printf (ngettext ("Saved %u rule as a new version", "Saved %u rules as new versions",
                                 rules->len), rules->len);
  adw_toast_overlay_add_toast (self->toasts, cst_toast_new_plain (message));
  g_free (self->selected_key);
  self->selected_key = g_strdup (cst_deadline_rule_get_key (first));
  load (self);
}

static char *
dup_text (CstDeadlineRulesWindow *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
save_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CstDeadlineRulesWindow *self = CST_DEADLINE_RULES_WINDOW (widget);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstDeadlineRuleSet) checked = NULL;

  if (!self->can_edit || self->selected_key == NULL || self->busy > 0)
    return;
  /* Read here first, so a typo is reported before anything is sent; the
   * model checks it again with the whole stored set. */
  text = dup_text (self);
  checked = cst_deadline_rule_set_new_from_data (text, -1, &error);
  if (checked == NULL)
    {
      show_message (self, error->message);
      return;
    }
  show_message (self, NULL);
  set_busy (self, TRUE);
  cst_deadline_repo_save_rules_async (self->connection, text, self->cancellable, saved_cb,
                                      g_object_ref (self));
}

static void
cst_deadline_rules_window_dispose (GObject *object)
{
  CstDeadlineRulesWindow *self = CST_DEADLINE_RULES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CST_TYPE_DEADLINE_RULES_WINDOW);
  cst_dispose_cancel (&self->cancellable);
  g_clear_object (&self->connection);
  g_clear_pointer (&self->rules, cst_deadline_rule_set_unref);
  g_clear_pointer (&self->selected_key, g_free);
  G_OBJECT_CLASS (cst_deadline_rules_window_parent_class)->dispose (object);
}

static void
cst_deadline_rules_window_class_init (CstDeadlineRulesWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = cst_deadline_rules_window_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/cst-deadline-rules-window.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, CstDeadlineRulesWindow, name)
  BIND (toasts); BIND (rules_box); BIND (text_view); BIND (title_label); BIND (message_label);
  BIND (access_label); BIND (save_button);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, row_selected_cb);
  gtk_widget_class_install_action (widget_class, "rules.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "rules.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cst_deadline_rules_window_init (CstDeadlineRulesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  update_save (self);
}

CstDeadlineRulesWindow *
cst_deadline_rules_window_new (GtkWindow     *parent,
                               CstConnection *connection)
{
  CstDeadlineRulesWindow *self = g_object_new (CST_TYPE_DEADLINE_RULES_WINDOW,
                                               "transient-for", parent, NULL);

  self->connection = g_object_ref (connection);
  load (self);
  return self;
}

gboolean
cst_deadline_rules_window_is_busy (CstDeadlineRulesWindow *self)
{
  return self->busy > 0;
}

/* Whether this login may edit and save (an administrator). */
gboolean
cst_deadline_rules_window_get_editable (CstDeadlineRulesWindow *self)
{
  return gtk_text_view_get_editable (self->text_view) &&
         gtk_widget_get_visible (GTK_WIDGET (self->save_button));
}

guint
cst_deadline_rules_window_get_n_rules (CstDeadlineRulesWindow *self)
{
  GPtrArray *rules = rules_array (self);

  return rules ? rules->len : 0;
}

/* Returns: (transfer full) (nullable): the listed row of @key, its title
 * and subtitle as shown */
char *
cst_deadline_rules_window_dup_row_text (CstDeadlineRulesWindow *self,
                                        const char             *key)
{
  guint index;
  GtkListBoxRow *row;

  if (find_rule (self, key, &index) == NULL ||
      (row = gtk_list_box_get_row_at_index (self->rules_box, (int) index)) == NULL)
    return NULL;
  return g_strdup_printf ("%s\n%s", adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
                          adw_action_row_get_subtitle (ADW_ACTION_ROW (row)));
}

void
cst_deadline_rules_window_select (CstDeadlineRulesWindow *self,
                                  const char             *key)
{
  guint index;

  if (find_rule (self, key, &index) != NULL)
    gtk_list_box_select_row (self->rules_box, gtk_list_box_get_row_at_index (self->rules_box, (int) index));
}

int
cst_deadline_rules_window_get_version (CstDeadlineRulesWindow *self)
{
  const CstDeadlineRule *rule = find_rule (self, self->selected_key, NULL);

  return rule ? cst_deadline_rule_get_version (rule) : 0;
}

char *
cst_deadline_rules_window_dup_text (CstDeadlineRulesWindow *self)
{
  return dup_text (self);
}

/* As an administrator types it. */
void
cst_deadline_rules_window_set_text (CstDeadlineRulesWindow *self,
                                    const char             *text)
{
  set_text (self, text);
}

const char *
cst_deadline_rules_window_get_message (CstDeadlineRulesWindow *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->message_label))
         ? gtk_label_get_label (self->message_label) : NULL;
}
