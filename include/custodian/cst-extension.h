/* cst-extension.h — the one extension, always with its written notice
 *
 * 45 CFR 164.524(b)(2)(iii): the extension needs a written statement of the
 * reasons and the new date, given within the first 30 days.  The database
 * refuses the extension until an extension-notice document is on file.
 */
#pragma once

#include "custodian/cst-db-types.h"

#include "custodian/cst-document.h"
#include "custodian/cst-request.h"

G_BEGIN_DECLS

/* Renders and records the notice for an extension taken @on for @reason,
 * stating the new due date; the request itself does not change. */
GBytes     *cst_extension_render_notice   (PGconn                   *conn,
                                           CstRequest               *request,
                                           const GDate              *on,
                                           const char               *reason,
                                           const char               *language,
                                           const CstDocumentOptions *options,
                                           GError                  **error);
gboolean    cst_extension_notice_on_file  (PGconn                   *conn,
                                           CstRequest               *request,
                                           GError                  **error);
/* Notice and extension in one transaction: both or neither.  @options may
 * be NULL (letter paper, no letterhead); @notice may be NULL. */
CstRequest *cst_extension_take            (PGconn                   *conn,
                                           CstRequest               *request,
                                           const GDate              *on,
                                           const char               *reason,
                                           const char               *language,
                                           const CstDocumentOptions *options,
                                           GBytes                  **notice,
                                           GError                  **error);

G_END_DECLS
