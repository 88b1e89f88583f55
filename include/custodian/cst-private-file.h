/* cst-private-file.h — files that hold patient data (letters, invoices,
 * statements, evidence packs, reports), written readable by their owner
 * only (0600) and put in place whole */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

int      cst_private_file_create_temp  (const char          *path,
                                        char               **temp_path,
                                        GError             **error);
gboolean cst_private_file_commit       (const char          *temp_path,
                                        const char          *path,
                                        GError             **error);
gboolean cst_private_file_write        (const char          *path,
                                        const void          *data,
                                        gssize               length,
                                        GError             **error);
void     cst_private_file_write_async  (GFile               *file,
                                        GBytes              *bytes,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean cst_private_file_write_finish (GAsyncResult        *result,
                                        GError             **error);

G_END_DECLS
