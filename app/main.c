/* main.c — main() of custodian, the GTK application */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include <custodian/cst-settings.h>

#include "cst-application.h"
#include "cst-renderer.h"
#include "cst-smoke.h"

/* The interface language chosen in Preferences, if any: gettext reads
 * LANGUAGE before the desktop's locale.  (Like every LANGUAGE, it has no
 * effect under the bare "C" locale.) */
static void
apply_language_setting (void)
{
  g_autoptr(GSettings) settings = cst_settings_new_if_installed ();
  g_autofree char *language = settings ? g_settings_get_string (settings, "language") : NULL;

  if (language != NULL && *language != '\0')
    g_setenv ("LANGUAGE", language, TRUE);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(CstApplication) app = NULL;
  int status;

  apply_language_setting ();
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  cst_renderer_prepare ();
  app = cst_application_new ();
  status = g_application_run (G_APPLICATION (app), argc, argv);
  /* A smoke run passes only when its window listed requests. */
  if (status == 0 && cst_smoke_requested ())
    status = cst_smoke_status ();
  return status;
}
