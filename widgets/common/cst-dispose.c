/* cst-dispose.c — what every view does when it goes away, or its subject
 * changes
 *
 * A view that goes away cancels what it asked the model for (DESIGN.md,
 * "Stale results": the callbacks then return on G_IO_ERROR_CANCELLED)
 * and lets go of its template's widgets; a view shown another request
 * cancels what it asked about the one before.
 */
#define G_LOG_DOMAIN "cst-dispose"

#include "config.h"

#include "cst-dispose.h"

/**
 * cst_dispose_cancel:
 * @cancellable: (inout) (nullable): the view's cancellable, or NULL
 *
 * Cancels what the view still waits for, and drops the cancellable.  A
 * view whose late callbacks ask the cancellable itself keeps it until
 * finalize and only cancels it here.
 */
void
cst_dispose_cancel (GCancellable **cancellable)
{
  if (*cancellable != NULL)
    g_cancellable_cancel (*cancellable);
  g_clear_object (cancellable);
}

/**
 * cst_dispose_renew:
 * @cancellable: (inout): the cancellable of what the view asked so far
 *
 * Cancels what the view asked about its former subject and gives it a new
 * cancellable for the next: the answers still on their way are dropped.
 */
void
cst_dispose_renew (GCancellable **cancellable)
{
  cst_dispose_cancel (cancellable);
  *cancellable = g_cancellable_new ();
}

/**
 * cst_dispose_template:
 * @widget: a composite widget being disposed
 * @widget_type: the type whose template built it
 *
 * Disposes the template's children, the unnamed ones too: GTK 4.8 leaves
 * those in place.  For a widget whose parent class keeps no children of
 * its own (a GtkWidget with a layout manager), which must unparent every
 * child before it goes; a window or an Adw container disposes its own.
 */
void
cst_dispose_template (GtkWidget *widget,
                      GType      widget_type)
{
  gtk_widget_dispose_template (widget, widget_type);
  for (GtkWidget *child; (child = gtk_widget_get_first_child (widget));)
    gtk_widget_unparent (child);
}

/**
 * cst_dispose_chooser:
 * @chooser: (inout) (nullable): the view's open file chooser, or NULL
 *
 * Closes a file chooser the view still has open and drops it: its
 * "response" must not reach a view that is gone.
 */
void
cst_dispose_chooser (GtkFileChooserNative **chooser)
{
  if (*chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (*chooser));
  g_clear_object (chooser);
}
