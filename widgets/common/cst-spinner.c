/* cst-spinner.c — spinners that spin only while work runs and they show */
#include "config.h"

#include "cst-spinner.h"

#define BUSY_KEY "cst-spinner-busy"

static void
update_spinning (GtkSpinner *spinner)
{
  gboolean busy = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (spinner), BUSY_KEY));

  gtk_spinner_set_spinning (spinner, busy && gtk_widget_get_mapped (GTK_WIDGET (spinner)));
}

/**
 * cst_spinner_set_busy:
 * @busy: whether the work @spinner stands for is running
 *
 * Spins @spinner while @busy and it is mapped (a spinner on a stack page
 * that is not shown, in a hidden revealer or window, stops), so an idle
 * window draws no frames.  A loading page's spinner is busy for good: it
 * shows only while the loading runs.
 */
void
cst_spinner_set_busy (GtkSpinner *spinner,
                      gboolean    busy)
{
  g_return_if_fail (GTK_IS_SPINNER (spinner));

  if (g_signal_handler_find (spinner, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, update_spinning, NULL) == 0)
    {
      g_signal_connect (spinner, "map", G_CALLBACK (update_spinning), NULL);
      g_signal_connect (spinner, "unmap", G_CALLBACK (update_spinning), NULL);
    }
  g_object_set_data (G_OBJECT (spinner), BUSY_KEY, GINT_TO_POINTER (busy));
  update_spinning (spinner);
}
