/* test-about.c — the About window shows the application's own icon
 *
 * Run uninstalled (build-aux/run-app.sh), nothing on the system knows the
 * icon: it must come from the application's resources, which GTK looks up
 * under RESOURCE_BASE/icons as part of the hicolor theme. */
#include "config.h"

#include <adwaita.h>

#include "cst-application.h"
#include "cst-test-gui.h"

static AdwAboutWindow *
find_about_window (void)
{
  GListModel *windows = gtk_window_get_toplevels ();  /* (transfer none) */

  for (guint i = 0; i < g_list_model_get_n_items (windows); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (windows, i);

      if (ADW_IS_ABOUT_WINDOW (window))
        return ADW_ABOUT_WINDOW (window);
    }
  return NULL;
}

static void
test_about_icon (void)
{
  g_autoptr(CstApplication) app = cst_application_new ();
  g_autoptr(GError) error = NULL;
  AdwAboutWindow *about;
  const char *icon;
  GtkIconTheme *theme;

  /* Registering runs startup, as a real start does, without activating
   * (which would open the database). */
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  about = find_about_window ();
  g_assert_nonnull (about);

  icon = adw_about_window_get_application_icon (about);
  g_assert_cmpstr (icon, ==, APP_ID);
  theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (GTK_WIDGET (about)));
  g_assert_true (gtk_icon_theme_has_icon (theme, icon));
  gtk_window_destroy (GTK_WINDOW (about));
}

int
main (int argc, char **argv)
{
  cst_test_gui_init (&argc, &argv);
  g_test_add_func ("/about/icon", test_about_icon);
  return g_test_run ();
}
