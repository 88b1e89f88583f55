/* cst-request-fee.h — the fee engine's view of a release-of-information request */
#pragma once

#include "custodian/cst-db-types.h"

#include "custodian/cst-fee-engine.h"
#include "custodian/cst-request.h"

G_BEGIN_DECLS

gboolean cst_request_fee_fill (CstRequest     *request,
                               CstFeeMethod    method,
                               CstFeeRequest  *fee_request,
                               GError        **error);

/* For a stored request: a personal representative's request is quoted
 * as the patient's own only with their authority on file. */
gboolean cst_request_fee_fill_checked (PGconn         *conn,
                                       CstRequest     *request,
                                       CstFeeMethod    method,
                                       CstFeeRequest  *fee_request,
                                       GError        **error);

G_END_DECLS
