/* cst-statement-letterhead.h — which facilities a statement may be made for
 *
 * A statement prints one facility's details (cst-facility.h).  The
 * workbench offers the facilities the login works for (0080's
 * visible_facility_ids(): its memberships, else the default facility;
 * administrators and auditors all of them), the login's own facility
 * first, so a clerk of one hospital of a health system never starts on
 * another's letterhead.
 */
#pragma once

#include <gio/gio.h>

#include "custodian/cst-connection.h"
#include "custodian/cst-db-types.h"
#include "custodian/cst-facility.h"

G_BEGIN_DECLS

/* Returns: (transfer full) (element-type CstFacility): the login's own
 *   facility first, then the others it may work for, by code */
GPtrArray *cst_statement_letterheads        (PGconn              *conn,
                                             GError             **error);
void       cst_statement_letterheads_async  (CstConnection       *connection,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
GPtrArray *cst_statement_letterheads_finish (CstConnection       *connection,
                                             GAsyncResult        *result,
                                             GError             **error);

G_END_DECLS
