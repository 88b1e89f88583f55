/* cst-fee-expiry.h — fee schedules about to run out with nothing after them
 *
 * A request is priced by the schedule in effect on the day it arrives, and
 * never by another year's: when a state's schedule ends and no schedule
 * follows it, requests from the next day cannot be quoted.  This finds
 * those schedules early enough for an administrator to enter the next
 * period's amounts (the dashboard, the Fee Schedules window,
 * `custodian-cli fee schedules --expiring`, and a data test over the
 * shipped schedules).  It also says, once per state, where the law sets
 * no amount and the hospital has entered no schedule of its own, instead of
 * a refusal on every such request.
 */
#pragma once

#include <gio/gio.h>

#include "custodian/cst-connection.h"
#include "custodian/cst-db-types.h"
#include "custodian/cst-fee-schedule.h"

G_BEGIN_DECLS

/* How far ahead the dashboard and the Fee Schedules window look. */
#define CST_FEE_EXPIRY_WARN_DAYS 60

GPtrArray *cst_fee_schedule_set_list_expiring (CstFeeScheduleSet    *set,
                                               const GDate          *as_of,
                                               guint                 days);
gboolean   cst_fee_schedule_has_ended         (const CstFeeSchedule *schedule,
                                               const GDate          *as_of);
char      *cst_fee_schedule_dup_expiry_message (const CstFeeSchedule *schedule,
                                                const GDate          *as_of);
GPtrArray *cst_fee_schedule_set_list_unpriced (CstFeeScheduleSet    *set,
                                               const GDate          *as_of);
/* The same for a facility whose own hospital schedule is @own_key (0091;
 * NULL: none, it uses those no facility claimed). */
GPtrArray *cst_fee_schedule_set_list_unpriced_for (CstFeeScheduleSet *set,
                                                   const GDate       *as_of,
                                                   const char        *facility_code,
                                                   const char        *own_key);

/* What the views show: the expiring schedules, and whether this login may
 * enter the next period's amounts (an administrator). */
typedef struct
{
  GDate      as_of;
  GPtrArray *schedules;   /* of CstFeeSchedule, by jurisdiction and date */
  GPtrArray *unpriced;    /* of char*, cst_fee_schedule_set_list_unpriced() */
  gboolean   can_edit;
} CstFeeExpiring;

CstFeeExpiring *cst_fee_expiring_new    (CstFeeScheduleSet   *set,
                                         const GDate         *as_of,
                                         guint                days,
                                         gboolean             can_edit);
char           *cst_fee_expiring_dup_text (const CstFeeExpiring *expiring);
void            cst_fee_expiring_free   (CstFeeExpiring *expiring);
CstFeeExpiring *cst_fee_expiring_load   (PGconn              *conn,
                                         const GDate         *as_of,
                                         guint                days,
                                         GError             **error);
void            cst_fee_expiring_load_async  (CstConnection       *connection,
                                              const GDate         *as_of,
                                              guint                days,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
CstFeeExpiring *cst_fee_expiring_load_finish (CstConnection       *connection,
                                              GAsyncResult        *result,
                                              GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstFeeExpiring, cst_fee_expiring_free)

G_END_DECLS
