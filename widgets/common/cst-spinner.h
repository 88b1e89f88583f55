/* cst-spinner.h — spinners that spin only while work runs and they show
 *
 * A GtkSpinner left spinning animates through its CSS for as long as it is
 * realized, on screen or not: one on a stack page shown once (a request's
 * details loading) kept the frame clock drawing the window ~55 times a
 * second for as long as the app ran (issue 24).  These spin while their
 * work runs and only while they are mapped.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void cst_spinner_set_busy (GtkSpinner *spinner,
                           gboolean    busy);

G_END_DECLS
