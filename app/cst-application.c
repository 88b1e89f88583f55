/* cst-application.c — the GtkApplication
 *
 * Opens the database off the main loop (creating and starting the private
 * server can take seconds on a first run), then hands the window a store.
 * The private server is stopped when the application shuts down, also
 * when it is asked to end by a signal (logging out sends SIGTERM).
 */
#define G_LOG_DOMAIN "cst-application"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "cst-application.h"
#include "cst-first-run-assistant.h"
#include "cst-preferences-window.h"
#include "cst-smoke.h"
#include "cst-morning-summary.h"
#include "cst-window.h"

/* Logging out (SIGTERM), Ctrl+C in a terminal (SIGINT), the terminal
 * closing (SIGHUP): quit as from the menu, so shutdown stops the private
 * server instead of leaving it running without us. */
static const int quit_signals[] = { SIGTERM, SIGINT, SIGHUP };

struct _CstApplication
{
  AdwApplication     parent_instance;

  char              *database;     /* --database, if given */
  CstDatabaseTarget *target;
  CstWindow         *window;       /* borrowed */
  gboolean           opening;
  CstFacility       *first_run_facility;  /* typed before the database was open */
  guint              signal_ids[G_N_ELEMENTS (quit_signals)];
};

G_DEFINE_FINAL_TYPE (CstApplication, cst_application, ADW_TYPE_APPLICATION)

static void
open_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  const char *command_line = task_data;
  g_autoptr(GSettings) settings = cst_settings_new_if_installed ();
  g_autofree char *configured = settings ? g_settings_get_string (settings, "database") : NULL;
  g_autoptr(GError) error = NULL;
  CstDatabaseTarget *target = cst_database_target_open (command_line, configured, &error);

  if (target == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, target, (GDestroyNotify) cst_database_target_free);
}

/* The first opening of the day lists the requests at risk of missing their
 * legal deadline. */
static void
show_morning_summary (CstApplication  *self,
                      CstRequestStore *store)
{
  g_autoptr(GSettings) settings = cst_settings_new_if_installed ();
  GDate today;

  cst_input_today (&today);
  cst_morning_summary_maybe_present (GTK_WINDOW (self->window),
                                     CST_REQUEST_LIST_PAGE (cst_window_get_list_page (self->window)),
                                     G_LIST_MODEL (store), settings, &today);
}

/* The store reads a screenful of rows before the whole list
 * (cst-request-store.c): the window shows them at once, and the rest
 * joins the same list when it comes. */
static void
first_rows_cb (CstRequestStore *store,
               guint            position,
               guint            removed,
               guint            added,
               CstApplication  *self)
{
  g_signal_handlers_disconnect_by_func (store, first_rows_cb, self);
  if (self->window != NULL && cst_window_get_store (self->window) != store)
    cst_window_set_store (self->window, store);
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CstApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  CstRequestStore *store = CST_REQUEST_STORE (object);

  self->opening = FALSE;
  if (self->window == NULL)
    return;
  if (!cst_request_store_load_finish (store, result, &error))
    {
      cst_window_show_error (self->window, _("Could Not Read the Requests"), error->message);
      cst_smoke_fail ("reading the requests", error->message);
      return;
    }
  g_signal_handlers_disconnect_by_func (store, first_rows_cb, self);
  if (cst_window_get_store (self->window) != store)
    cst_window_set_store (self->window, store);
  cst_smoke_watch (GTK_WIDGET (self->window),
                   cst_request_list_page_get_visible (
                     CST_REQUEST_LIST_PAGE (cst_window_get_list_page (self->window))));
  cst_request_store_watch (store);
  show_morning_summary (self, store);
}

static void
facility_adopted_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GSettings) settings = user_data;
  g_autoptr(GError) error = NULL;
  gboolean adopted = FALSE;

  if (!cst_facility_adopt_finish (CST_CONNECTION (object), result, &adopted, &error))
    {
      /* Another role than the administrator's: an administrator fills
       * them in, and the documents say so until then. */
      g_message ("The facility's details were not stored: %s", error->message);
      return;
    }
  g_debug ("Facility details %s", adopted ? "stored" : "already in the database");
  if (settings != NULL)
    cst_settings_forget_legacy_facility (settings);
}

/* The facility's details belong in the database (0056).  What the
 * first-run assistant asked for, or, once after upgrading, what this
 * user's settings held before, fills a database whose facility is still
 * blank; a filled-in one is never overwritten. */
static void
adopt_facility (CstApplication *self,
                CstConnection  *connection)
{
  g_autoptr(GSettings) settings = cst_settings_new_if_installed ();
  g_autoptr(CstFacility) legacy = cst_settings_dup_legacy_facility (settings);
  g_autoptr(CstFacility) typed = g_steal_pointer (&self->first_run_facility);
  const CstFacility *proposed = typed ? typed : legacy;

  if (proposed == NULL)
    return;
  /* The old keys are forgotten only when they were what was proposed. */
  cst_facility_adopt_async (connection, proposed, NULL, facility_adopted_cb,
                            typed == NULL ? g_steal_pointer (&settings) : NULL);
}

static void
opened_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  CstApplication *self = CST_APPLICATION (object);
  g_autoptr(GError) error = NULL;
  CstDatabaseTarget *target = g_task_propagate_pointer (G_TASK (result), &error);
  g_autoptr(CstConnection) connection = NULL;
  g_autoptr(CstRequestStore) store = NULL;
  g_autoptr(GSettings) settings = cst_settings_new_if_installed ();

  if (target == NULL)
    {
      self->opening = FALSE;
      if (self->window)
        cst_window_show_error (self->window, _("Could Not Open the Database"), error->message);
      cst_smoke_fail ("opening the database", error->message);
      return;
    }
  g_clear_pointer (&self->target, cst_database_target_free);
  self->target = target;
  connection = cst_connection_new (target->conninfo);
  adopt_facility (self, connection);
  store = cst_request_store_new (connection);
  if (settings != NULL)
    cst_request_store_set_closed_days (store, g_settings_get_uint (settings, "list-closed-days"));
  cst_request_store_load_async (store, NULL, loaded_cb, g_object_ref (self));
  g_signal_connect_object (store, "items-changed", G_CALLBACK (first_rows_cb), self, 0);
}

static void
open_database (CstApplication *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->opening)
    return;
  self->opening = TRUE;
  cst_window_show_loading (self->window, _("Starting the database and reading the requests…"));
  task = g_task_new (self, NULL, opened_cb, NULL);
  g_task_set_source_tag (task, open_database);
  g_task_set_task_data (task, g_strdup (self->database), g_free);
  g_task_run_in_thread (task, open_in_thread);
}

static void
first_run_finished_cb (CstApplication       *self,
                       gboolean              applied,
                       CstFirstRunAssistant *assistant)
{
  g_clear_pointer (&self->first_run_facility, cst_facility_free);
  self->first_run_facility = cst_first_run_assistant_get_facility (assistant);
  if (self->window != NULL)
    open_database (self);
}

/* A first start asks where the data lives before opening anything;
 * closing the questions unanswered opens the private database. */
static void
open_database_or_set_up (CstApplication *self)
{
  g_autoptr(GSettings) settings = cst_settings_new_if_installed ();
  CstFirstRunAssistant *assistant;

  if (!cst_settings_needs_first_run (settings, self->database))
    {
      open_database (self);
      return;
    }
  assistant = cst_first_run_assistant_new (GTK_WINDOW (self->window), settings);
  g_signal_connect_object (assistant, "finished", G_CALLBACK (first_run_finished_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (assistant));
}

static void
reconnect_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  open_database (CST_APPLICATION (user_data));
}

static void
preferences_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  CstApplication *self = CST_APPLICATION (user_data);
  g_autoptr(GSettings) settings = cst_settings_new_if_installed ();
  CstPreferencesWindow *preferences;
  CstRequestStore *store;

  /* Not from behind the lock screen; nothing to edit without the schema. */
  if (settings == NULL || (self->window != NULL && cst_window_is_locked (self->window)))
    return;
  preferences = cst_preferences_window_new (gtk_application_get_active_window (GTK_APPLICATION (self)),
                                            settings);
  store = self->window != NULL ? cst_window_get_store (self->window) : NULL;
  if (store != NULL)
    cst_preferences_window_set_connection (preferences, cst_request_store_get_connection (store));
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
about_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  CstApplication *self = CST_APPLICATION (user_data);
  const char *developers[] = { "The Custodian developers", NULL };
  AdwAboutWindow *about = ADW_ABOUT_WINDOW (adw_about_window_new ());

  gtk_window_set_transient_for (GTK_WINDOW (about), gtk_application_get_active_window (GTK_APPLICATION (self)));
  adw_about_window_set_application_name (about, _("Custodian"));
  adw_about_window_set_application_icon (about, APP_ID);
  adw_about_window_set_version (about, PACKAGE_VERSION);
  adw_about_window_set_developers (about, developers);
  adw_about_window_set_license_type (about, GTK_LICENSE_GPL_3_0);
  adw_about_window_set_comments (about, _("Release of information and patient statements for hospital "
                                          "Health Information Management"));
  gtk_window_present (GTK_WINDOW (about));
}

static void
quit_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { "reconnect", reconnect_action },
  { "preferences", preferences_action },
  { "about", about_action },
  { "quit", quit_action },
};

static void
set_accels (GtkApplication *app)
{
  static const struct { const char *action; const char *accels[3]; } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "win.new-request", { "<Control>n", NULL } },
    { "win.search", { "<Control>f", NULL } },
    { "win.refresh", { "F5", "<Control>r", NULL } },
    { "win.save", { "<Control>s", NULL } },
    { "win.advance", { "<Control>Return", NULL } },
    { "win.deny", { "<Control><Shift>d", NULL } },
    { "win.extend", { "<Control><Shift>e", NULL } },
    { "win.documents", { "<Control>p", NULL } },
    { "win.evidence", { "<Control><Shift>p", NULL } },
    { "win.statements", { "<Control><Shift>s", NULL } },
    { "win.deadline-rules", { "<Control><Shift>l", NULL } },
    { "win.show-help-overlay", { "<Control>question", NULL } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (app, accels[i].action, accels[i].accels);
}

static gboolean
quit_on_signal (gpointer user_data)
{
  g_debug ("Quitting on a signal");
  g_application_quit (G_APPLICATION (user_data));
  return G_SOURCE_CONTINUE;
}

static void
cst_application_startup (GApplication *application)
{
  CstApplication *self = CST_APPLICATION (application);

  G_APPLICATION_CLASS (cst_application_parent_class)->startup (application);

  for (guint i = 0; i < G_N_ELEMENTS (quit_signals); i++)
    self->signal_ids[i] = g_unix_signal_add (quit_signals[i], quit_on_signal, application);

  g_action_map_add_action_entries (G_ACTION_MAP (application), app_actions,
                                   G_N_ELEMENTS (app_actions), application);
  set_accels (GTK_APPLICATION (application));
  cst_smoke_start (application);
}

static void
cst_application_activate (GApplication *application)
{
  CstApplication *self = CST_APPLICATION (application);

  if (self->window == NULL)
    {
      self->window = cst_window_new (GTK_APPLICATION (application));
      g_object_add_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
      open_database_or_set_up (self);
    }
  gtk_window_present (GTK_WINDOW (self->window));
}

static void
cst_application_shutdown (GApplication *application)
{
  CstApplication *self = CST_APPLICATION (application);

  for (guint i = 0; i < G_N_ELEMENTS (self->signal_ids); i++)
    g_clear_handle_id (&self->signal_ids[i], g_source_remove);
  /* Quitting while the database is still being opened: let the opening
   * finish, so the private server it may have started is stopped below
   * rather than left behind. */
  while (self->opening)
    g_main_context_iteration (NULL, TRUE);
  /* Windows are gone by now; stopping the private server is last. */
  g_clear_pointer (&self->target, cst_database_target_free);
  G_APPLICATION_CLASS (cst_application_parent_class)->shutdown (application);
}

static int
cst_application_handle_local_options (GApplication *application,
                                      GVariantDict *options)
{
  CstApplication *self = CST_APPLICATION (application);

  g_variant_dict_lookup (options, "database", "s", &self->database);
  return -1;
}

static void
cst_application_finalize (GObject *object)
{
  CstApplication *self = CST_APPLICATION (object);

  g_free (self->database);
  g_clear_pointer (&self->first_run_facility, cst_facility_free);
  g_clear_pointer (&self->target, cst_database_target_free);
  G_OBJECT_CLASS (cst_application_parent_class)->finalize (object);
}

static void
cst_application_class_init (CstApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = cst_application_finalize;
  app_class->startup = cst_application_startup;
  app_class->activate = cst_application_activate;
  app_class->shutdown = cst_application_shutdown;
  app_class->handle_local_options = cst_application_handle_local_options;
}

static void
cst_application_init (CstApplication *self)
{
  const GOptionEntry entries[] = {
    { "database", 'd', 0, G_OPTION_ARG_STRING, NULL,
      N_("PostgreSQL connection string (default: settings, then PG* variables, then the private "
         "database on this computer)"), N_("CONNINFO") },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
}

CstApplication *
cst_application_new (void)
{
  /* Each instance opens its own database connection: no D-Bus uniqueness,
   * so a clerk can run a second window against another server. */
  return g_object_new (CST_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_NON_UNIQUE,
                       "resource-base-path", RESOURCE_BASE,
                       NULL);
}
