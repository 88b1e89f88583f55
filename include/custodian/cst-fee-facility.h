/* cst-fee-facility.h — a facility's own fee schedule (issues 22 and 17)
 *
 * Where a hospital charges less than the state maximum, or where no state
 * maximum applies, it charges its own amounts: a fee schedule of kind
 * "facility".  In a health system each facility chooses its own (0091,
 * facilities.fee_schedule_key), and a request is quoted with its facility's
 * and never a neighbour's; a facility without one uses the hospital
 * schedules no facility has claimed.
 */
#pragma once

#include "custodian/cst-db-types.h"

#include "custodian/cst-connection.h"
#include "custodian/cst-fee-engine.h"

G_BEGIN_DECLS

/* @key: (nullable): a schedule_key, NULL or "" for none of its own */
gboolean cst_fee_request_set_facility_schedule (CstFeeRequest  *request,
                                                const char     *key,
                                                GError        **error);

/* Blocking, on a connection the caller owns (the CLI, worker threads).
 * @key is set to the schedule_key, or NULL when the facility has none. */
gboolean cst_fee_facility_get_schedule         (PGconn         *conn,
                                                const char     *facility_code,
                                                char          **key,
                                                GError        **error);
/* An administrator's: @key (nullable) must name a kind=facility schedule. */
gboolean cst_fee_facility_set_schedule         (PGconn         *conn,
                                                const char     *facility_code,
                                                const char     *key,
                                                GError        **error);
/* The same on a connection of their own (custodian-cli). */
gboolean cst_fee_facility_get_schedule_at      (const char     *conninfo,
                                                const char     *facility_code,
                                                char          **key,
                                                GError        **error);
gboolean cst_fee_facility_set_schedule_at      (const char     *conninfo,
                                                const char     *facility_code,
                                                const char     *key,
                                                GError        **error);
gboolean cst_fee_facility_schedule_for_request (PGconn         *conn,
                                                gint64          request_id,
                                                char          **key,
                                                GError        **error);

/* The request's facility's schedule on @connection's worker thread (the
 * quote panel); the result is "" when it has none. */
void     cst_fee_facility_schedule_for_request_async  (CstConnection       *connection,
                                                       gint64               request_id,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
char    *cst_fee_facility_schedule_for_request_finish (CstConnection       *connection,
                                                       GAsyncResult        *result,
                                                       GError             **error);

G_END_DECLS
