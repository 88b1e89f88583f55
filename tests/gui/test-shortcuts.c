/* test-shortcuts.c — the keyboard shortcuts window (Ctrl+?) lists every
 * shortcut: each accelerator set on the application, and each shortcut
 * the windows install (their classes' key bindings and their own shortcut
 * controllers), in the section of the window it works in */
#include "config.h"

#include <adwaita.h>

#include "cst-application.h"
#include "cst-deadline-rules-window.h"
#include "cst-documents-dialog.h"
#include "cst-fee-schedules-window.h"
#include "cst-new-request-dialog.h"
#include "cst-packet-view.h"
#include "cst-statement-workbench.h"
#include "cst-test-gui.h"
#include "cst-window.h"

static CstTestDb *db;

/* "<Control>e" however it was written ("<Primary>e", "<ctrl>E"…). */
static char *
normalize (const char *accelerator)
{
  guint key = 0;
  GdkModifierType mods = 0;

  if (!gtk_accelerator_parse (accelerator, &key, &mods))
    g_error ("Not an accelerator: %s", accelerator);
  return gtk_accelerator_name (key, mods);
}

/* Fills @listed: each section's name → the set of accelerators it shows. */
static GHashTable *
listed_shortcuts (GtkApplication *app,
                  GtkWidget      *widget,
                  const char     *section,
                  GHashTable     *listed)
{
  if (GTK_IS_SHORTCUTS_SECTION (widget))
    {
      char *name = NULL;

      g_object_get (widget, "section-name", &name, NULL);
      g_hash_table_insert (listed, name, g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL));
      section = name;
    }
  /* Outside any section: the copies the window's search shows. */
  if (GTK_IS_SHORTCUTS_SHORTCUT (widget) && section != NULL)
    {
      GHashTable *set = g_hash_table_lookup (listed, section);
      g_autofree char *accelerator = NULL, *action = NULL;

      g_assert_nonnull (set);
      g_object_get (widget, "accelerator", &accelerator, "action-name", &action, NULL);
      if (accelerator != NULL)
        {
          g_auto(GStrv) each = g_strsplit (accelerator, " ", -1);
          for (guint i = 0; each[i]; i++)
            if (each[i][0] != '\0')
              g_hash_table_add (set, normalize (each[i]));
        }
      if (action != NULL)
        {
          g_auto(GStrv) accels = gtk_application_get_accels_for_action (app, action);
          g_assert_true (accels[0] != NULL);  /* an action listed without a key says nothing */
          for (guint i = 0; accels[i]; i++)
            g_hash_table_add (set, normalize (accels[i]));
        }
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    listed_shortcuts (app, child, section, listed);
  return listed;
}

/* Adds "accelerator\tfrom what" to @found for each key of @trigger. */
static void
add_trigger (GPtrArray          *found,
             GtkShortcutTrigger *trigger,
             const char         *from)
{
  if (GTK_IS_ALTERNATIVE_TRIGGER (trigger))
    {
      add_trigger (found, gtk_alternative_trigger_get_first (GTK_ALTERNATIVE_TRIGGER (trigger)), from);
      add_trigger (found, gtk_alternative_trigger_get_second (GTK_ALTERNATIVE_TRIGGER (trigger)), from);
    }
  else if (GTK_IS_KEYVAL_TRIGGER (trigger))
    {
      g_autofree char *name = gtk_accelerator_name (gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)),
                                                    gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)));
      g_ptr_array_add (found, g_strdup_printf ("%s\t%s", name, from));
    }
}

static GtkEventController *
class_shortcuts (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (g_strcmp0 (gtk_event_controller_get_name (controller), "gtk-widget-class-shortcuts") == 0)
        return controller;
    }
  return NULL;
}

/* The triggers a GTK or libadwaita class gives all its subclasses' widgets
 * (a window's inspector keys, say): read from a widget of that class. */
static GHashTable *
inherited_triggers (GType type)
{
  static GHashTable *by_type;
  GHashTable *triggers;
  GtkWidget *plain;
  GtkEventController *controller;

  if (by_type == NULL)
    by_type = g_hash_table_new (NULL, NULL);
  triggers = g_hash_table_lookup (by_type, GSIZE_TO_POINTER (type));
  if (triggers != NULL)
    return triggers;
  triggers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_insert (by_type, GSIZE_TO_POINTER (type), triggers);
  if (G_TYPE_IS_ABSTRACT (type))
    return triggers;
  plain = g_object_ref_sink (g_object_new (type, NULL));
  controller = class_shortcuts (plain);
  for (guint i = 0; controller != NULL && i < g_list_model_get_n_items (G_LIST_MODEL (controller)); i++)
    {
      g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), i);
      g_hash_table_add (triggers, gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut)));
    }
  if (GTK_IS_WINDOW (plain))
    gtk_window_destroy (GTK_WINDOW (plain));
  g_object_unref (plain);
  return triggers;
}

/* The shortcuts Custodian installs in @widget and below: the key bindings
 * of its own widget classes (not those they inherit from GTK or
 * libadwaita) and the shortcut controllers it adds itself (GTK names its
 * own controllers; ours have no name). */
static void
collect_installed (GtkWidget *widget,
                   GPtrArray *found)
{
  GType type = G_OBJECT_TYPE (widget);
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  if (g_str_has_prefix (g_type_name (type), "Cst"))
    {
      GtkEventController *own = class_shortcuts (widget);
      GType parent = type;
      GHashTable *inherited;

      while (g_str_has_prefix (g_type_name (parent), "Cst"))
        parent = g_type_parent (parent);
      inherited = inherited_triggers (parent);
      for (guint i = 0; own != NULL && i < g_list_model_get_n_items (G_LIST_MODEL (own)); i++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (own), i);
          g_autofree char *trigger = gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut));

          if (!g_hash_table_contains (inherited, trigger))
            add_trigger (found, gtk_shortcut_get_trigger (shortcut), g_type_name (type));
        }
    }
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller) || gtk_event_controller_get_name (controller) != NULL)
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          g_autofree char *from = g_strdup_printf ("a shortcut controller on %s", g_type_name (type));

          add_trigger (found, gtk_shortcut_get_trigger (shortcut), from);
        }
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect_installed (child, found);
}

static void
check_window (GHashTable *listed,
              GtkWidget  *window,
              const char *section,
              GString    *missing)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  GHashTable *set = g_hash_table_lookup (listed, section);

  collect_installed (window, found);
  g_assert_cmpuint (found->len, >, 0);
  if (g_test_verbose ())
    for (guint i = 0; i < found->len; i++)
      g_test_message ("%s: %s", section, (char *) found->pdata[i]);
  for (guint i = 0; i < found->len; i++)
    {
      g_auto(GStrv) parts = g_strsplit (found->pdata[i], "\t", 2);

      if (set == NULL || !g_hash_table_contains (set, parts[0]))
        g_string_append_printf (missing, "%s (%s) is not in the section \"%s\"\n", parts[0], parts[1], section);
    }
}

static void
test_every_shortcut_listed (void)
{
  g_autoptr(CstApplication) app = cst_application_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CstRequestStore) store = NULL;
  g_autoptr(GHashTable) listed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                        (GDestroyNotify) g_hash_table_unref);
  g_autoptr(GString) missing = g_string_new (NULL);
  g_auto(GStrv) actions = NULL;
  CstWindow *window;
  GtkWidget *overlay;
  CstConnection *connection;
  g_autoptr(CstRequest) request = NULL;
  GtkWidget *others[6];
  const char *sections[] = { "statement-workbench", "fee-schedules", "documents", "new-request",
                             "deadline-rules", "record-pages" };

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  window = cst_test_gui_open_window_as (db, "custodian_clerk", &store);
  gtk_application_add_window (GTK_APPLICATION (app), GTK_WINDOW (window));
  overlay = GTK_WIDGET (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));
  g_assert_nonnull (overlay);
  listed_shortcuts (GTK_APPLICATION (app), overlay, NULL, listed);

  /* Every accelerator set on the application, in the main window's section. */
  actions = gtk_application_list_action_descriptions (GTK_APPLICATION (app));
  g_assert_true (g_strv_length (actions) >= 10);
  for (guint i = 0; actions[i]; i++)
    {
      g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), actions[i]);

      for (guint j = 0; accels[j]; j++)
        {
          g_autofree char *name = normalize (accels[j]);
          if (!g_hash_table_contains (g_hash_table_lookup (listed, "shortcuts"), name))
            g_string_append_printf (missing, "%s (%s) is not in the main window's section\n", name, actions[i]);
        }
    }

  /* Every shortcut each window installs, in its own section. */
  check_window (listed, GTK_WIDGET (window), "shortcuts", missing);
  connection = cst_request_store_get_connection (store);
  request = g_list_model_get_item (G_LIST_MODEL (store), 0);
  others[0] = GTK_WIDGET (cst_statement_workbench_new (GTK_WINDOW (window)));
  others[1] = GTK_WIDGET (cst_fee_schedules_window_new (GTK_WINDOW (window), connection));
  others[2] = GTK_WIDGET (cst_documents_dialog_new (GTK_WINDOW (window), connection, request));
  others[3] = GTK_WIDGET (cst_new_request_dialog_new (GTK_WINDOW (window), store, "NY"));
  others[4] = GTK_WIDGET (cst_deadline_rules_window_new (GTK_WINDOW (window), connection));
  others[5] = GTK_WIDGET (cst_packet_view_new (connection, request));
  for (guint i = 0; i < G_N_ELEMENTS (others); i++)
    {
      check_window (listed, others[i], sections[i], missing);
      gtk_window_destroy (GTK_WINDOW (others[i]));
    }
  if (missing->len > 0)
    g_error ("Missing from the shortcuts window:\n%s", missing->str);

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  cst_test_gui_init (&argc, &argv);
  g_test_add_func ("/shortcuts/every-shortcut-listed", test_every_shortcut_listed);
  return cst_test_db_run_with_demo (&db, 5);
}
