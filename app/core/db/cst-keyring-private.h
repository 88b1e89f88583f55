/* cst-keyring-private.h — shared by the keyring's files (cst-keyring.c,
 * cst-keyring-mail.c) */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* No Secret Service on the bus (or no bus), as opposed to the user's own
 * answer (a locked keyring whose prompt was dismissed). */
gboolean cst_keyring_error_is_missing (const GError *error);

G_END_DECLS
