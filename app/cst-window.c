/* cst-window.c — the main window: the request list beside the detail pane
 *
 * The window never waits on the database: the store loads and saves
 * through its worker connection and the window reacts to what it reports
 * (loading, offline, counts).  Window actions (win.*) carry the
 * keyboard shortcuts and forward to the page that does the work.
 */
#define G_LOG_DOMAIN "cst-window"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "cst-dashboard-page.h"
#include "cst-dispose.h"
#include "cst-deadline-rules-window.h"
#include "cst-fee-schedules-window.h"
#include "cst-new-request-dialog.h"
#include "cst-plain-text.h"
#include "cst-reports-page.h"
#include "cst-request-detail.h"
#include "cst-request-list-page.h"
#include "cst-spinner.h"
#include "cst-statement-workbench.h"
#include "cst-window.h"

struct _CstWindow
{
  AdwApplicationWindow parent_instance;

  AdwToastOverlay     *toast_overlay;
  AdwViewSwitcherTitle *window_title;
  GtkLabel            *counts_label;
  AdwViewStack        *view_stack;
  GtkStack            *main_stack;
  AdwStatusPage       *loading_page;
  GtkSpinner          *loading_spinner;
  AdwStatusPage       *error_page;
  GtkRevealer         *offline_revealer;
  CstRequestListPage  *list_page;
  CstRequestDetail    *detail;
  CstReportsPage      *reports_page;
  CstDashboardPage    *dashboard_page;
  GtkPasswordEntry    *unlock_entry;
  GtkLabel            *unlock_error;

  CstRequestStore     *store;
  GSettings           *settings;
  GByteArray          *due_states;      /* a CstDueState per row of the store */
  guint                due_counts[CST_DUE_NO_DEADLINE + 1];
  GDate                counts_today;    /* the day the states are for */
  guint                n_states_counted;   /* rows whose state was computed */
  guint                focus_detail_id;
  guint                focus_detail_tries;
  guint                lock_check_id;
  gint64               last_activity;
  gboolean             locked;
  char                *page_before_lock;
  GPtrArray           *hidden_windows;  /* dialogs hidden while locked */
  GCancellable        *cancellable;
  char                *default_state;   /* the facility's, from the database */
};

/* The longest the idle check sleeps: a changed lock-after-minutes counts
 * within this. */
#define LOCK_CHECK_MAX_SECONDS 60

G_DEFINE_FINAL_TYPE (CstWindow, cst_window, ADW_TYPE_APPLICATION_WINDOW)

/* The header says how many open requests are overdue and due soon, in
 * words, beside the view switcher (a switcher title's subtitle would only
 * show in a narrow window). */
static void
show_counts (CstWindow *self)
{
  guint overdue = self->due_counts[CST_DUE_OVERDUE];
  guint soon = self->due_counts[CST_DUE_SOON];
  g_autofree char *overdue_text = g_strdup_printf (g_dngettext (NULL, "%u overdue", "%u overdue", overdue),
                                                   overdue);
  g_autofree char *soon_text = g_strdup_printf (g_dngettext (NULL, "%u due soon", "%u due soon", soon),
                                                soon);
  g_autofree char *counts = g_strdup_printf ("%s · %s", overdue_text, soon_text);

  /* The same text again would still cost the header a relayout. */
  if (g_strcmp0 (gtk_label_get_label (self->counts_label), counts) != 0)
    gtk_label_set_label (self->counts_label, counts);
}

/* The due state of each of the store's requests, by position, so that a
 * change of the store (the server search for older closed requests adds
 * up to 200 rows while the clerk types) is counted from the rows it adds
 * and removes, not by walking every request again. */
static void
count_states (CstWindow *self,
              guint      position,
              guint      n,
              int        sign)
{
  for (guint i = position; i < position + n; i++)
    self->due_counts[self->due_states->data[i]] += sign;
}

static void
insert_states (CstWindow *self,
               guint      position,
               guint      added)
{
  CstRequestRows *rows = cst_request_store_get_rows (self->store);

  g_byte_array_set_size (self->due_states, self->due_states->len + added);
  memmove (self->due_states->data + position + added, self->due_states->data + position,
           self->due_states->len - added - position);
  /* Read from the rows: the store makes no object for them. */
  for (guint i = 0; i < added; i++)
    self->due_states->data[position + i] =
      cst_request_rows_due_state_on (rows, position + i, &self->counts_today);
  self->n_states_counted += added;
  count_states (self, position, added, 1);
}

/* Every request again: a new store, or the first change after midnight
 * (due states move with the date). */
static void
recount_states (CstWindow *self)
{
  if (self->due_states == NULL)   /* disposed */
    return;
  g_byte_array_set_size (self->due_states, 0);
  memset (self->due_counts, 0, sizeof self->due_counts);
  cst_input_today (&self->counts_today);
  if (self->store != NULL)
    insert_states (self, 0, g_list_model_get_n_items (G_LIST_MODEL (self->store)));
  show_counts (self);
}

static void
store_changed_cb (CstWindow *self,
                  guint      position,
                  guint      removed,
                  guint      added)
{
  GDate today;

  cst_input_today (&today);
  if (!g_date_valid (&self->counts_today) || g_date_compare (&today, &self->counts_today) != 0 ||
      position + removed > self->due_states->len)
    {
      recount_states (self);
      return;
    }
  count_states (self, position, removed, -1);
  g_byte_array_remove_range (self->due_states, position, removed);
  insert_states (self, position, added);
  show_counts (self);
}

/* A request changed in place (a save, another clerk's change) may have
 * moved to another due state: its row is counted again. */
static void
store_refreshed_cb (CstWindow  *self,
                    CstRequest *request)
{
  guint position;

  if (!cst_request_store_find (self->store, request, &position) ||
      position >= self->due_states->len)
    return;
  count_states (self, position, 1, -1);
  self->due_states->data[position] = cst_request_due_state_on (request, &self->counts_today);
  self->n_states_counted++;
  count_states (self, position, 1, 1);
  show_counts (self);
}

static void
online_changed_cb (CstWindow *self)
{
  CstConnection *connection = cst_request_store_get_connection (self->store);

  gtk_revealer_set_reveal_child (self->offline_revealer, !cst_connection_get_online (connection));
}

/* A request activated in the Reports list opens in the Requests page. */
static void
reports_open_request_cb (CstWindow *self,
                         gint64     request_id)
{
  if (!cst_window_open_request (self, request_id))
    cst_window_toast (self, _("That request is not in the request list; refresh the list and try again."));
}

static void
selected_changed_cb (CstWindow *self)
{
  cst_request_detail_set_request (self->detail, cst_request_list_page_get_selected (self->list_page));
}

/* Gives the request's form the keyboard once it shows (its details may
 * still be on their way from the server), for at most three seconds. */
static gboolean
focus_detail_cb (gpointer user_data)
{
  CstWindow *self = user_data;

  if (gtk_widget_child_focus (GTK_WIDGET (self->detail), GTK_DIR_TAB_FORWARD) ||
      ++self->focus_detail_tries >= 60)
    {
      self->focus_detail_id = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

/* Enter (or a double click) on a row opens the request: it is selected
 * and the keyboard goes on into its form. */
static void
list_activated_cb (CstWindow  *self,
                   CstRequest *request)
{
  cst_request_list_page_select (self->list_page, request);
  self->focus_detail_tries = 0;
  if (self->focus_detail_id == 0 && focus_detail_cb (self))
    self->focus_detail_id = g_timeout_add (50, focus_detail_cb, self);
}

static void
request_created_cb (CstWindow  *self,
                    CstRequest *request)
{
  g_autofree char *message = g_strdup_printf (_("Request %s logged"),
                                              cst_request_get_reference (request));

  cst_request_list_page_select (self->list_page, request);
  cst_window_toast (self, message);
}

static void
facility_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(CstWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstFacility) facility = cst_facility_load_finish (CST_CONNECTION (object), result, &error);

  if (facility == NULL)
    {
      g_debug ("The facility's default state was not read: %s", error->message);
      return;
    }
  g_free (self->default_state);
  self->default_state = g_strdup (facility->default_state);
}

/* The state new requests start in is the facility's (an administrator
 * changes it in Preferences): read now, and again after each use so a
 * change reaches the next request. */
static void
load_default_state (CstWindow *self)
{
  if (self->store != NULL)
    cst_facility_load_async (cst_request_store_get_connection (self->store), self->cancellable,
                             facility_loaded_cb, g_object_ref (self));
}

GtkWindow *
cst_window_open_new_request (CstWindow *self)
{
  CstNewRequestDialog *dialog;

  if (self->store == NULL)
    return NULL;
  dialog = cst_new_request_dialog_new (GTK_WINDOW (self), self->store,
                                       self->default_state ? self->default_state : "NY");
  load_default_state (self);
  g_signal_connect_object (dialog, "created", G_CALLBACK (request_created_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
  return GTK_WINDOW (dialog);
}

static void
new_request_action (GtkWidget *widget, const char *name, GVariant *param)
{
  cst_window_open_new_request (CST_WINDOW (widget));
}

static void
statements_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CstWindow *self = CST_WINDOW (widget);
  CstStatementWorkbench *workbench = cst_statement_workbench_new (GTK_WINDOW (widget));

  /* With the database, templates are its versions and edits can be saved. */
  if (self->store != NULL)
    cst_statement_workbench_set_connection (workbench, cst_request_store_get_connection (self->store));
  /* Statements on the facility the list shows (issue 22), else the login's own. */
  cst_statement_workbench_set_facility_code (workbench,
                                             cst_request_list_page_get_facility_code (self->list_page));
  gtk_window_present (GTK_WINDOW (workbench));
}

static void
fee_schedules_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CstWindow *self = CST_WINDOW (widget);

  if (self->store != NULL)
    gtk_window_present (GTK_WINDOW (cst_fee_schedules_window_new (
      GTK_WINDOW (self), cst_request_store_get_connection (self->store))));
}

/* Everybody may review the rules; the window lets only an administrator
 * save a new version. */
static void
deadline_rules_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CstWindow *self = CST_WINDOW (widget);

  if (self->store != NULL)
    gtk_window_present (GTK_WINDOW (cst_deadline_rules_window_new (
      GTK_WINDOW (self), cst_request_store_get_connection (self->store))));
}

static void
search_action (GtkWidget *widget, const char *name, GVariant *param)
{
  cst_request_list_page_focus_search (CST_WINDOW (widget)->list_page);
}

static void
reloaded_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CstWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!cst_request_store_load_finish (CST_REQUEST_STORE (object), result, &error))
    cst_window_toast (self, error->message);
}

static void
refresh_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CstWindow *self = CST_WINDOW (widget);

  if (self->store != NULL)
    cst_request_store_load_async (self->store, NULL, reloaded_cb, g_object_ref (self));
}

static void
toast_action (GtkWidget *widget, const char *name, GVariant *param)
{
  cst_window_toast (CST_WINDOW (widget), g_variant_get_string (param, NULL));
}

/* win.save, win.advance, … forward to the detail pane's own actions. */
static void
forward_to_detail (GtkWidget *widget, const char *name, GVariant *param)
{
  CstWindow *self = CST_WINDOW (widget);
  g_autofree char *target = g_strconcat ("detail.", name + strlen ("win."), NULL);

  gtk_widget_activate_action (GTK_WIDGET (self->detail), target, NULL);
}

/* ---- automatic lock (45 CFR 164.312(a)(2)(iii)) ------------------------ */

static const char *const lockable_actions[] = {
  "win.new-request", "win.search", "win.refresh", "win.save", "win.advance", "win.deny",
  "win.extend", "win.cancel-request", "win.documents", "win.evidence", "win.statements",
  "win.fee-schedules", "win.deadline-rules",
};

static void
set_actions_enabled (CstWindow *self,
                     gboolean   enabled)
{
  for (guint i = 0; i < G_N_ELEMENTS (lockable_actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), lockable_actions[i], enabled);
}

static void
note_activity (CstWindow *self)
{
  self->last_activity = g_get_monotonic_time ();
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                CstWindow             *self)
{
  note_activity (self);
  return GDK_EVENT_PROPAGATE;
}

static int
lock_after_minutes (CstWindow *self)
{
  return self->settings ? g_settings_get_int (self->settings, "lock-after-minutes") : 10;
}

static gboolean check_idle_cb (gpointer user_data);

/* Microseconds until the idle lock is due (0: due now), or -1 when it
 * is not counting down (locked, nothing shown yet, or never). */
static gint64
lock_due_in (CstWindow *self)
{
  int minutes = lock_after_minutes (self);

  if (self->locked || self->store == NULL || minutes <= 0)
    return -1;
  return MAX (0, self->last_activity + (gint64) minutes * 60 * G_USEC_PER_SEC - g_get_monotonic_time ());
}

/* The lock measures minutes: the check wakes when the lock would be due,
 * at most a minute away (so a changed setting counts within a minute), not
 * every few seconds; an idle window wakes for it once a minute. */
static void
schedule_idle_check (CstWindow *self)
{
  gint64 due_in = lock_due_in (self);
  guint seconds = LOCK_CHECK_MAX_SECONDS;

  if (due_in >= 0)
    seconds = (guint) CLAMP ((due_in + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC, 1, LOCK_CHECK_MAX_SECONDS);
  g_clear_handle_id (&self->lock_check_id, g_source_remove);
  self->lock_check_id = g_timeout_add_seconds (seconds, check_idle_cb, self);
}

static gboolean
check_idle_cb (gpointer user_data)
{
  CstWindow *self = user_data;

  self->lock_check_id = 0;
  if (lock_due_in (self) == 0)
    cst_window_lock (self);
  schedule_idle_check (self);
  return G_SOURCE_REMOVE;
}

/**
 * cst_window_lock:
 *
 * Hides every view of patient data (this window's pages and the dialogs
 * it opened) until the user signs in again.  Unsaved edits stay in their
 * forms, just out of sight.
 */
void
cst_window_lock (CstWindow *self)
{
  g_autoptr(GList) toplevels = NULL;

  if (self->locked)
    return;
  self->locked = TRUE;
  g_free (self->page_before_lock);
  self->page_before_lock = g_strdup (gtk_stack_get_visible_child_name (self->main_stack));
  gtk_stack_set_visible_child_name (self->main_stack, "locked");
  set_actions_enabled (self, FALSE);
  toplevels = gtk_window_list_toplevels ();
  for (GList *l = toplevels; l; l = l->next)
    if (gtk_window_get_transient_for (l->data) == GTK_WINDOW (self) && gtk_widget_get_visible (l->data))
      {
        gtk_widget_set_visible (l->data, FALSE);
        g_ptr_array_add (self->hidden_windows, g_object_ref (l->data));
      }
  gtk_widget_set_visible (GTK_WIDGET (self->unlock_error), FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->unlock_entry));
}

gboolean
cst_window_is_locked (CstWindow *self)
{
  return self->locked;
}

static void
unlock (CstWindow *self)
{
  self->locked = FALSE;
  note_activity (self);
  gtk_editable_set_text (GTK_EDITABLE (self->unlock_entry), "");
  gtk_stack_set_visible_child_name (self->main_stack,
                                    self->page_before_lock ? self->page_before_lock : "workspace");
  set_actions_enabled (self, TRUE);
  for (guint i = 0; i < self->hidden_windows->len; i++)
    gtk_window_present (g_ptr_array_index (self->hidden_windows, i));
  g_ptr_array_set_size (self->hidden_windows, 0);
}

static void
password_checked_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(CstWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!cst_session_lock_check_finish (result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.unlock", TRUE);
      /* A refused password gets the same words whichever password was
       * asked for; anything else (no server) says what went wrong. */
      gtk_label_set_label (self->unlock_error,
                           g_error_matches (error, CST_CONNECTION_PROBLEM, CST_CONNECTION_PROBLEM_PASSWORD)
                           ? _("That password was not accepted. Try again.") : error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->unlock_error), TRUE);
      return;
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.unlock", TRUE);
  unlock (self);
}

/* The database password, or the computer account's where the database
 * asks for none (the private database): never an open door. */
static void
unlock_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CstWindow *self = CST_WINDOW (widget);
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->unlock_entry));

  if (!self->locked || self->store == NULL)
    return;
  gtk_widget_action_set_enabled (widget, "win.unlock", FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->unlock_error), FALSE);
  cst_session_lock_check_async (cst_connection_get_conninfo (cst_request_store_get_connection (self->store)),
                                password, self->cancellable, password_checked_cb, g_object_ref (self));
}

/* What typing the password and pressing Unlock does. */
void
cst_window_unlock (CstWindow  *self,
                   const char *password)
{
  gtk_editable_set_text (GTK_EDITABLE (self->unlock_entry), password);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.unlock", NULL);
}

/* The message under the password field, or NULL. */
const char *
cst_window_get_unlock_error (CstWindow *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->unlock_error))
         ? gtk_label_get_label (self->unlock_error) : NULL;
}

static void
unlock_activated_cb (CstWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.unlock", NULL);
}

static void
save_window_state (CstWindow *self)
{
  int width, height;

  if (self->settings == NULL)
    return;
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (GTK_WINDOW (self)));
}

static gboolean
cst_window_close_request (GtkWindow *window)
{
  save_window_state (CST_WINDOW (window));
  return GTK_WINDOW_CLASS (cst_window_parent_class)->close_request (window);
}

static void
cst_window_dispose (GObject *object)
{
  CstWindow *self = CST_WINDOW (object);

  g_clear_handle_id (&self->focus_detail_id, g_source_remove);
  g_clear_handle_id (&self->lock_check_id, g_source_remove);
  cst_dispose_cancel (&self->cancellable);
  g_clear_pointer (&self->default_state, g_free);
  g_clear_pointer (&self->due_states, g_byte_array_unref);
  g_clear_pointer (&self->hidden_windows, g_ptr_array_unref);
  g_clear_pointer (&self->page_before_lock, g_free);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), CST_TYPE_WINDOW);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (cst_window_parent_class)->dispose (object);
}

static void set_report_database (CstWindow *self);

static void
cst_window_class_init (CstWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);
  static const char *const forwarded[] = { "win.save", "win.advance", "win.deny", "win.extend",
                                           "win.cancel-request", "win.documents", "win.evidence" };

  object_class->dispose = cst_window_dispose;
  window_class->close_request = cst_window_close_request;

  g_type_ensure (CST_TYPE_REQUEST_LIST_PAGE);
  g_type_ensure (CST_TYPE_REQUEST_DETAIL);
  g_type_ensure (CST_TYPE_REPORTS_PAGE);
  g_type_ensure (CST_TYPE_DASHBOARD_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/cst-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CstWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CstWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, CstWindow, counts_label);
  gtk_widget_class_bind_template_child (widget_class, CstWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, CstWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, CstWindow, loading_page);
  gtk_widget_class_bind_template_child (widget_class, CstWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, CstWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, CstWindow, offline_revealer);
  gtk_widget_class_bind_template_child (widget_class, CstWindow, list_page);
  gtk_widget_class_bind_template_child (widget_class, CstWindow, detail);
  gtk_widget_class_bind_template_child (widget_class, CstWindow, reports_page);
  gtk_widget_class_bind_template_child (widget_class, CstWindow, dashboard_page);
  gtk_widget_class_bind_template_child (widget_class, CstWindow, unlock_entry);
  gtk_widget_class_bind_template_child (widget_class, CstWindow, unlock_error);
  gtk_widget_class_bind_template_callback (widget_class, selected_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, list_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, reports_open_request_cb);
  gtk_widget_class_bind_template_callback (widget_class, unlock_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.unlock", NULL, unlock_action);

  gtk_widget_class_install_action (widget_class, "win.new-request", NULL, new_request_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.statements", NULL, statements_action);
  gtk_widget_class_install_action (widget_class, "win.fee-schedules", NULL, fee_schedules_action);
  gtk_widget_class_install_action (widget_class, "win.deadline-rules", NULL, deadline_rules_action);
  gtk_widget_class_install_action (widget_class, "win.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "win.toast", "s", toast_action);
  for (guint i = 0; i < G_N_ELEMENTS (forwarded); i++)
    gtk_widget_class_install_action (widget_class, forwarded[i], NULL, forward_to_detail);
}

static void
cst_window_init (CstWindow *self)
{
  GtkEventController *keys = gtk_event_controller_key_new ();
  GtkEventController *motion = gtk_event_controller_motion_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  cst_spinner_set_busy (self->loading_spinner, TRUE);
  self->hidden_windows = g_ptr_array_new_with_free_func (g_object_unref);
  self->due_states = g_byte_array_new ();
  self->cancellable = g_cancellable_new ();
  /* Any key or pointer movement counts as use; captured before the
   * widgets see it, never consumed. */
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  gtk_event_controller_set_propagation_phase (motion, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  g_signal_connect_swapped (motion, "motion", G_CALLBACK (note_activity), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  note_activity (self);
  self->settings = cst_settings_new_if_installed ();
  schedule_idle_check (self);
  if (self->settings != NULL)
    {
      gtk_window_set_default_size (GTK_WINDOW (self),
                                   g_settings_get_int (self->settings, "window-width"),
                                   g_settings_get_int (self->settings, "window-height"));
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
      /* A report database set in Preferences is used from the next report. */
      g_signal_connect_object (self->settings, "changed::report-database",
                               G_CALLBACK (set_report_database), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->settings, "changed::report-lag-limit",
                               G_CALLBACK (set_report_database), self, G_CONNECT_SWAPPED);
    }
}

CstWindow *
cst_window_new (GtkApplication *application)
{
  return g_object_new (CST_TYPE_WINDOW, "application", application, NULL);
}

/* Reports read from the report database of the settings, when one is set. */
static void
set_report_database (CstWindow *self)
{
  g_autofree char *conninfo = NULL;
  guint lag_limit = CST_REPORT_LAG_LIMIT_DEFAULT;

  if (self->settings != NULL)
    {
      conninfo = g_settings_get_string (self->settings, "report-database");
      lag_limit = g_settings_get_uint (self->settings, "report-lag-limit");
    }
  cst_reports_page_set_report_database (self->reports_page, conninfo, lag_limit);
  cst_dashboard_page_set_report_database (self->dashboard_page, conninfo, lag_limit);
  if (self->store != NULL && gtk_widget_get_mapped (GTK_WIDGET (self->dashboard_page)))
    cst_dashboard_page_refresh (self->dashboard_page);
}

void
cst_window_set_store (CstWindow       *self,
                      CstRequestStore *store)
{
  g_return_if_fail (CST_IS_WINDOW (self));

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_set_object (&self->store, store);
  recount_states (self);
  cst_request_list_page_set_store (self->list_page, store);
  cst_request_detail_set_store (self->detail, store);
  cst_reports_page_set_connection (self->reports_page,
                                   store ? cst_request_store_get_connection (store) : NULL);
  cst_dashboard_page_set_store (self->dashboard_page, store);
  set_report_database (self);
  if (store == NULL)
    return;
  g_signal_connect_swapped (store, "items-changed", G_CALLBACK (store_changed_cb), self);
  g_signal_connect_swapped (store, "refreshed", G_CALLBACK (store_refreshed_cb), self);
  g_signal_connect_object (cst_request_store_get_connection (store), "notify::online",
                           G_CALLBACK (online_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_stack_set_visible_child_name (self->main_stack, "workspace");
  load_default_state (self);
}

CstRequestStore *
cst_window_get_store (CstWindow *self)
{
  return self->store;
}

void
cst_window_show_loading (CstWindow  *self,
                         const char *message)
{
  cst_status_page_set_plain_description (self->loading_page, message);
  gtk_stack_set_visible_child_name (self->main_stack, "loading");
}

void
cst_window_show_error (CstWindow  *self,
                       const char *title,
                       const char *message)
{
  adw_status_page_set_title (self->error_page, title);
  cst_status_page_set_plain_description (self->error_page, message);
  gtk_stack_set_visible_child_name (self->main_stack, "error");
}

void
cst_window_toast (CstWindow  *self,
                  const char *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, cst_toast_new_plain (message));
}

GtkWidget *
cst_window_get_list_page (CstWindow *self)
{
  return GTK_WIDGET (self->list_page);
}

/* How many rows of the store the header's counts have looked at since
 * the window was made: each row once, then the rows each change adds
 * (tests/gui/test-list-layout.c). */
guint
cst_window_get_n_states_counted (CstWindow *self)
{
  g_return_val_if_fail (CST_IS_WINDOW (self), 0);
  return self->n_states_counted;
}

/* The header's count of overdue and due-soon requests. */
GtkWidget *
cst_window_get_counts_label (CstWindow *self)
{
  return GTK_WIDGET (self->counts_label);
}

GtkWidget *
cst_window_get_detail (CstWindow *self)
{
  return GTK_WIDGET (self->detail);
}

/* Switches the workspace to one of its pages ("requests", "dashboard",
 * "reports"); a locked window stays locked and shows the page on unlock. */
void
cst_window_show_view (CstWindow  *self,
                      const char *name)
{
  g_return_if_fail (CST_IS_WINDOW (self));

  adw_view_stack_set_visible_child_name (self->view_stack, name);
}

/* Opens a request by its id in the Requests page, as if the clerk had picked
 * it from the list. Returns FALSE when the store does not hold it (another
 * role cannot see it, or it was never loaded). */
gboolean
cst_window_open_request (CstWindow *self,
                         gint64     request_id)
{
  CstRequest *request;

  g_return_val_if_fail (CST_IS_WINDOW (self), FALSE);

  request = self->store ? cst_request_store_lookup (self->store, request_id) : NULL;
  if (request == NULL)
    return FALSE;
  cst_window_show_view (self, "requests");
  cst_request_list_page_select (self->list_page, request);
  return TRUE;
}
