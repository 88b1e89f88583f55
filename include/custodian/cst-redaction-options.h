/* cst-redaction-options.h — a request's choices for its redacted packet,
 * read and changed off the main loop (issue 19)
 *
 * The choices are cst-redaction-log.h's CstRedactionOptions (0076):
 * whether the pages rebuilt for redaction get an OCR text layer, and
 * whether the packet ends with a redaction log page.  The packet group
 * shows them as two switches; custodian-cli packet redaction-options
 * changes them through the blocking form.  A change goes through
 * record_redaction_options_set() like the CLI's: audited, refused once
 * the request is closed.
 */
#pragma once

#include <gio/gio.h>

#include "custodian/cst-connection.h"
#include "custodian/cst-redaction-log.h"

G_BEGIN_DECLS

/* Reads the choices of @request_id on @connection's worker thread. */
void     cst_redaction_options_load_async (CstConnection              *connection,
                                           gint64                      request_id,
                                           GCancellable               *cancellable,
                                           GAsyncReadyCallback         callback,
                                           gpointer                    user_data);
/* Stores @options (copied) as the choices of @request_id, then reads them
 * back. */
void     cst_redaction_options_save_async (CstConnection              *connection,
                                           gint64                      request_id,
                                           const CstRedactionOptions  *options,
                                           GCancellable               *cancellable,
                                           GAsyncReadyCallback         callback,
                                           gpointer                    user_data);
/* Either's result: the choices as stored, in @options; FALSE with @error. */
gboolean cst_redaction_options_finish     (CstConnection              *connection,
                                           GAsyncResult               *result,
                                           CstRedactionOptions        *options,
                                           GError                    **error);

G_END_DECLS
