/* cst-fee-schedules-window.c — review, compare and edit the fee schedules
 *
 * Schedules are data the hospital owns.  An edit never changes a schedule
 * in place: saving makes the next version (quotes keep pointing at the
 * version they used), after the model has checked the whole set with the
 * edit in place (overlapping dates, tier gaps, negative amounts).  Amounts
 * the reference could not confirm carry an "Unconfirmed" flag here and in
 * every quote.  The database lets only administrators save.  Schedules
 * that run out within CST_FEE_EXPIRY_WARN_DAYS with nothing after them are
 * named at the top, with the period whose amounts to enter ("Next Period").
 */
#define G_LOG_DOMAIN "cst-fee-schedules-window"

#include "config.h"

#include <glib/gi18n.h>

#include "cst-fee-schedules-window.h"
#include "cst-plain-text.h"

#include <custodian/cst-error.h>
#include <custodian/cst-fee-expiry.h>
#include <custodian/cst-fee-schedule.h>
#include <custodian/cst-fee-repo.h>
#include <custodian/cst-input.h>

struct _CstFeeSchedulesWindow
{
  AdwWindow          parent_instance;

  AdwToastOverlay   *toasts;
  GtkListBox        *schedules_box;
  GtkTextView       *text_view;
  GtkTextView       *compare_view;
  GtkDropDown       *versions_dropdown;
  GtkLabel          *title_label;
  GtkLabel          *message_label;
  GtkLabel          *expiry_label;
  GtkButton         *save_button;

  CstConnection     *connection;
  GCancellable      *cancellable;           /* the window's life */
  GCancellable      *versions_cancellable;  /* the selected schedule's versions */
  gboolean           versions_pending;      /* counted once in busy */
  GPtrArray         *schedules;   /* of CstFeeSchedule, the current versions */
  GPtrArray         *versions;    /* of CstFeeSchedule, of the selected key */
  CstFeeSchedule    *selected;
  gboolean           creating;    /* the text is a new schedule, not an edit */
  guint              busy;
};

G_DEFINE_FINAL_TYPE (CstFeeSchedulesWindow, cst_fee_schedules_window, ADW_TYPE_WINDOW)

static void load (CstFeeSchedulesWindow *self);

static void
show_message (CstFeeSchedulesWindow *self,
              const char            *message)
{
  gtk_label_set_label (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
}

static void
set_text (GtkTextView *view,
          const char  *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), text ? text : "", -1);
}

static char *
dup_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static GtkWidget *
schedule_row (CstFeeSchedule *schedule)
{
  GtkWidget *row = adw_action_row_new ();
  GDate from, to;
  g_autofree char *from_text = NULL, *to_text = NULL, *subtitle = NULL;

  cst_fee_schedule_get_effective (schedule, &from, &to);
  from_text = cst_input_format_date (&from);
  to_text = g_date_valid (&to) ? cst_input_format_date (&to) : g_strdup (_("open-ended"));
  subtitle = g_strdup_printf (_("%s · version %d · %s to %s"),
                              cst_fee_schedule_get_jurisdiction (schedule),
                              cst_fee_schedule_get_version (schedule), from_text, to_text);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), cst_fee_schedule_get_key (schedule));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (cst_fee_schedule_is_unconfirmed (schedule))
    {
      /* Said in words, not only by colour. */
      GtkWidget *flag = gtk_label_new (_("Unconfirmed"));
      gtk_widget_add_css_class (flag, "warning");
      gtk_widget_set_tooltip_text (flag, _("Some amounts could not be confirmed against the law; "
                                           "review them before relying on them."));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), flag);
    }
  return row;
}

static void
update_save_button (CstFeeSchedulesWindow *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button),
                            self->busy == 0 && (self->selected || self->creating));
}

static void
set_busy (CstFeeSchedulesWindow *self,
          gboolean               busy)
{
  self->busy += busy ? 1 : -1;
  update_save_button (self);
}

/* ---- versions of one schedule ------------------------------------------ */

static void
version_chosen_cb (CstFeeSchedulesWindow *self)
{
  guint i = gtk_drop_down_get_selected (self->versions_dropdown);
  g_autofree char *text = NULL;

  if (self->versions == NULL || i >= self->versions->len)
    {
      set_text (self->compare_view, "");
      return;
    }
  text = cst_fee_schedule_to_text (g_ptr_array_index (self->versions, i));
  set_text (self->compare_view, text);
}

static void
versions_loaded_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CstFeeSchedulesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *versions = cst_fee_repo_list_versions_finish (CST_CONNECTION (object), result, &error);
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->versions_pending = FALSE;
  set_busy (self, FALSE);
  g_clear_pointer (&self->versions, g_ptr_array_unref);
  self->versions = versions;
  for (guint i = 0; versions && i < versions->len; i++)
    {
      g_autofree char *label = g_strdup_printf (_("Version %d"),
                                                cst_fee_schedule_get_version (g_ptr_array_index (versions, i)));
      gtk_string_list_append (labels, label);
    }
  gtk_drop_down_set_model (self->versions_dropdown, G_LIST_MODEL (labels));
  /* Compare with the previous version when there is one. */
  gtk_drop_down_set_selected (self->versions_dropdown, versions && versions->len > 1 ? 1 : 0);
  version_chosen_cb (self);
}

static void
show_schedule (CstFeeSchedulesWindow *self,
               CstFeeSchedule        *schedule)
{
  g_autofree char *text = cst_fee_schedule_to_text (schedule);
  g_autofree char *title = g_strdup_printf (_("%s — %s"), cst_fee_schedule_get_key (schedule),
                                            cst_fee_schedule_get_citation (schedule));
  GDate from, to;

  g_clear_pointer (&self->selected, cst_fee_schedule_unref);
  self->selected = cst_fee_schedule_ref (schedule);
  cst_fee_schedule_get_effective (schedule, &from, &to);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "schedules.next-period", g_date_valid (&to));
  gtk_label_set_label (self->title_label, title);
  set_text (self->text_view, text);
  show_message (self, NULL);
  /* The versions of the schedule selected before no longer apply: that
   * job is dropped, and the window is busy with this one instead. */
  g_cancellable_cancel (self->versions_cancellable);
  g_object_unref (self->versions_cancellable);
  self->versions_cancellable = g_cancellable_new ();
  if (!self->versions_pending)
    set_busy (self, TRUE);
  self->versions_pending = TRUE;
  cst_fee_repo_list_versions_async (self->connection, cst_fee_schedule_get_key (schedule),
                                     self->versions_cancellable, versions_loaded_cb, g_object_ref (self));
}

static void
row_selected_cb (CstFeeSchedulesWindow *self,
                 GtkListBoxRow         *row)
{
  if (row != NULL)
    self->creating = FALSE;
  if (row != NULL && self->schedules != NULL)
    show_schedule (self, g_ptr_array_index (self->schedules, gtk_list_box_row_get_index (row)));
}

/* ---- loading and saving ----------------------------------------------- */

static void
show_expiring (CstFeeSchedulesWindow *self,
               CstFeeScheduleSet     *set)
{
  g_autoptr(GPtrArray) expiring = NULL;
  g_autoptr(GPtrArray) unpriced = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  GDate today;

  cst_input_today (&today);
  expiring = cst_fee_schedule_set_list_expiring (set, &today, CST_FEE_EXPIRY_WARN_DAYS);
  unpriced = cst_fee_schedule_set_list_unpriced (set, &today);
  for (guint i = 0; i < expiring->len; i++)
    {
      g_autofree char *message = cst_fee_schedule_dup_expiry_message (g_ptr_array_index (expiring, i), &today);

      g_string_append_printf (text, "%s%s", text->len ? "\n" : "", message);
    }
  for (guint i = 0; i < unpriced->len; i++)
    g_string_append_printf (text, "%s%s", text->len ? "\n" : "", (char *) g_ptr_array_index (unpriced, i));
  gtk_label_set_label (self->expiry_label, text->str);
  gtk_widget_set_visible (GTK_WIDGET (self->expiry_label), text->len > 0);
}

static void
loaded_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CstFeeSchedulesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstFeeScheduleSet) set = cst_fee_repo_load_schedules_finish (CST_CONNECTION (object),
                                                                          result, &error);
  g_autofree char *keep = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  keep = self->selected ? g_strdup (cst_fee_schedule_get_key (self->selected)) : NULL;
  set_busy (self, FALSE);
  if (set == NULL)
    {
      show_message (self, error->message);
      return;
    }
  g_clear_pointer (&self->schedules, g_ptr_array_unref);
  self->schedules = g_ptr_array_ref (cst_fee_schedule_set_get_schedules (set));
  show_expiring (self, set);
  for (GtkWidget *row; (row = gtk_widget_get_first_child (GTK_WIDGET (self->schedules_box)));)
    gtk_list_box_remove (self->schedules_box, row);
  for (guint i = 0; i < self->schedules->len; i++)
    gtk_list_box_append (self->schedules_box, schedule_row (g_ptr_array_index (self->schedules, i)));
  if (keep != NULL)
    cst_fee_schedules_window_select (self, keep);
}

static void
load (CstFeeSchedulesWindow *self)
{
  set_busy (self, TRUE);
  cst_fee_repo_load_schedules_async (self->connection, self->cancellable, loaded_cb, g_object_ref (self));
}

static void
saved_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CstFeeSchedulesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstFeeSchedule) saved = cst_fee_repo_save_version_finish (CST_CONNECTION (object), result, &error);
  g_autofree char *message = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (saved == NULL)
    {
      show_message (self, error->message);
      return;
    }
  message = g_strdup_printf (_("Saved %s as version %d"), cst_fee_schedule_get_key (saved),
                             cst_fee_schedule_get_version (saved));
  adw_toast_overlay_add_toast (self->toasts, cst_toast_new_plain (message));
  g_clear_pointer (&self->selected, cst_fee_schedule_unref);
  self->selected = g_steal_pointer (&saved);
  self->creating = FALSE;
  load (self);
}

static gboolean
key_exists (CstFeeSchedulesWindow *self,
            const char            *key)
{
  for (guint i = 0; self->schedules && i < self->schedules->len; i++)
    if (g_str_equal (cst_fee_schedule_get_key (g_ptr_array_index (self->schedules, i)), key))
      return TRUE;
  return FALSE;
}

/* The edited text as the schedule to save: the next version of the selected
 * one, or a new schedule whose name must not be taken already. */
static CstFeeSchedule *
schedule_to_save (CstFeeSchedulesWindow *self,
                  const char            *text,
                  GError               **error)
{
  g_autoptr(CstFeeSchedule) created = NULL;

  if (!self->creating)
    return cst_fee_schedule_new_version (self->selected, text, error);
  created = cst_fee_schedule_new_from_text (text, error);
  if (created != NULL && key_exists (self, cst_fee_schedule_get_key (created)))
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("A schedule named “%s” exists already; give the new one another name, or "
                     "select the existing one to edit it."), cst_fee_schedule_get_key (created));
      return NULL;
    }
  return g_steal_pointer (&created);
}

/* Puts a new schedule's text in the editor; saving creates it. */
static void
start_creating (CstFeeSchedulesWindow *self,
                const char            *title,
                const char            *text)
{
  g_clear_pointer (&self->selected, cst_fee_schedule_unref);
  gtk_list_box_unselect_all (self->schedules_box);
  self->creating = TRUE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "schedules.next-period", FALSE);
  gtk_label_set_label (self->title_label, title);
  set_text (self->text_view, text);
  set_text (self->compare_view, "");
  show_message (self, NULL);
  update_save_button (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}

/* Starts a schedule of the hospital's own third-party amounts: the engine
 * charges them where they come to less than the state maximum. */
static void
new_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CstFeeSchedulesWindow *self = CST_FEE_SCHEDULES_WINDOW (widget);
  const char *state = self->selected ? cst_fee_schedule_get_jurisdiction (self->selected) : "NY";
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *text = NULL;

  if (g_str_equal (state, "US"))
    state = "NY";
  /* The keys stay in the data file's English; only the comment is the
   * clerk's language. */
  text = g_strdup_printf ("# %s\n[%s-facility]\nkind=facility\njurisdiction=%s\n"
                          "requesters=attorney;insurer;other\neffective-from=%s\nconfidence=C\n"
                          "citation=%s\npaper=1-:25\nelectronic=1-:10\n",
                          _("The hospital's own amounts: charged instead of the state maximum where they come to less."),
                          state, state, today, _("Hospital fee policy"));
  start_creating (self, _("New Hospital Schedule"), text);
}

/* Starts the schedule for the period after the selected one's, for the
 * amounts a state publishes each year: a copy, dated on and unconfirmed,
 * whose amounts the administrator replaces before saving. */
static void
next_period_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CstFeeSchedulesWindow *self = CST_FEE_SCHEDULES_WINDOW (widget);
  g_autoptr(CstFeeSchedule) next = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *title = NULL;

  if (self->selected == NULL)
    return;
  next = cst_fee_schedule_dup_next_period (self->selected, &error);
  if (next == NULL)
    {
      show_message (self, error->message);
      return;
    }
  text = cst_fee_schedule_to_text (next);
  /* Translators: the new schedule's name and the one it continues. */
  title = g_strdup_printf (_("%s, Continuing %s"), cst_fee_schedule_get_key (next),
                           cst_fee_schedule_get_key (self->selected));
  start_creating (self, title, text);
  show_message (self, _("Replace the copied amounts with the ones published for this period "
                        "and set confidence=C, then save."));
}

static void
save_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CstFeeSchedulesWindow *self = CST_FEE_SCHEDULES_WINDOW (widget);
  g_autofree char *text = dup_text (self->text_view);
  g_autoptr(GError) error = NULL;
  g_autoptr(CstFeeSchedule) edited = NULL;

  if ((self->selected == NULL && !self->creating) || self->busy > 0)
    return;
  /* Checked here first, so a typo is reported before anything is sent. */
  edited = schedule_to_save (self, text, &error);
  if (edited == NULL)
    {
      show_message (self, error->message);
      return;
    }
  show_message (self, NULL);
  set_busy (self, TRUE);
  cst_fee_repo_save_version_async (self->connection, edited, self->cancellable, saved_cb,
                                    g_object_ref (self));
}

static void
cst_fee_schedules_window_dispose (GObject *object)
{
  CstFeeSchedulesWindow *self = CST_FEE_SCHEDULES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->versions_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), CST_TYPE_FEE_SCHEDULES_WINDOW);
  g_clear_object (&self->connection);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->versions_cancellable);
  g_clear_pointer (&self->schedules, g_ptr_array_unref);
  g_clear_pointer (&self->versions, g_ptr_array_unref);
  g_clear_pointer (&self->selected, cst_fee_schedule_unref);
  G_OBJECT_CLASS (cst_fee_schedules_window_parent_class)->dispose (object);
}

static void
cst_fee_schedules_window_class_init (CstFeeSchedulesWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = cst_fee_schedules_window_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/cst-fee-schedules-window.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, CstFeeSchedulesWindow, name)
  BIND (toasts); BIND (schedules_box); BIND (text_view); BIND (compare_view);
  BIND (versions_dropdown); BIND (title_label); BIND (message_label); BIND (save_button);
  BIND (expiry_label);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, version_chosen_cb);
  gtk_widget_class_install_action (widget_class, "schedules.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "schedules.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "schedules.next-period", NULL, next_period_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "schedules.new", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_N, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "schedules.next-period", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "schedules.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cst_fee_schedules_window_init (CstFeeSchedulesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->versions_cancellable = g_cancellable_new ();
}

CstFeeSchedulesWindow *
cst_fee_schedules_window_new (GtkWindow     *parent,
                              CstConnection *connection)
{
  CstFeeSchedulesWindow *self = g_object_new (CST_TYPE_FEE_SCHEDULES_WINDOW,
                                              "transient-for", parent, NULL);

  self->connection = g_object_ref (connection);
  load (self);
  return self;
}

gboolean
cst_fee_schedules_window_is_busy (CstFeeSchedulesWindow *self)
{
  return self->busy > 0;
}

guint
cst_fee_schedules_window_get_n_schedules (CstFeeSchedulesWindow *self)
{
  return self->schedules ? self->schedules->len : 0;
}

void
cst_fee_schedules_window_select (CstFeeSchedulesWindow *self,
                                 const char            *key)
{
  for (guint i = 0; self->schedules && i < self->schedules->len; i++)
    if (g_str_equal (cst_fee_schedule_get_key (g_ptr_array_index (self->schedules, i)), key))
      {
        gtk_list_box_select_row (self->schedules_box, gtk_list_box_get_row_at_index (self->schedules_box, i));
        return;
      }
}

void
cst_fee_schedules_window_set_text (CstFeeSchedulesWindow *self,
                                   const char            *text)
{
  set_text (self->text_view, text);
}

const char *
cst_fee_schedules_window_get_message (CstFeeSchedulesWindow *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->message_label))
         ? gtk_label_get_label (self->message_label) : NULL;
}

int
cst_fee_schedules_window_get_version (CstFeeSchedulesWindow *self)
{
  return self->selected ? cst_fee_schedule_get_version (self->selected) : 0;
}

/* Returns: (nullable): the expiring schedules named at the top, one per
 * line, or NULL when none is */
const char *
cst_fee_schedules_window_get_expiry_text (CstFeeSchedulesWindow *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->expiry_label))
         ? gtk_label_get_label (self->expiry_label) : NULL;
}
