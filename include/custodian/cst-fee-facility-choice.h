/* cst-fee-facility-choice.h — choosing a facility's own fee schedule in
 * the app (issue 22): the Preferences' Facilities page reads the hospital
 * schedules in effect and the facility's choice, and saves a new one,
 * through these on the connection's worker thread (cst-fee-facility.h has
 * the blocking functions); and the schedule a quote of no stored request
 * takes (custodian-cli fee quote).  Only an administrator may choose; the
 * database refuses everyone else. */
#pragma once

#include <gio/gio.h>

#include "custodian/cst-connection.h"
#include "custodian/cst-db-types.h"

G_BEGIN_DECLS

typedef struct
{
  GPtrArray *keys;        /* of char*: the hospital schedules (kind=facility) in
                           * effect today, by key, and the facility's own even
                           * when it is not */
  GPtrArray *titles;      /* of char*: what the list shows for each key */
  char      *current;     /* the facility's own key, or NULL for none */
  gboolean   can_choose;  /* this login is an administrator's */
} CstFeeFacilityChoice;

/* Blocking: what @facility_code may choose from, and its choice. */
CstFeeFacilityChoice *cst_fee_facility_choice_load  (PGconn              *conn,
                                                     const char          *facility_code,
                                                     const GDate         *today,
                                                     GError             **error);
void                  cst_fee_facility_choice_free  (CstFeeFacilityChoice *choice);

void                  cst_fee_facility_choice_load_async  (CstConnection       *connection,
                                                           const char          *facility_code,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
CstFeeFacilityChoice *cst_fee_facility_choice_load_finish (CstConnection       *connection,
                                                           GAsyncResult        *result,
                                                           GError             **error);

/* cst_fee_facility_set_schedule() on the worker thread; @key (nullable):
 * NULL for none of its own. */
void                  cst_fee_facility_choose_async  (CstConnection       *connection,
                                                      const char          *facility_code,
                                                      const char          *key,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean              cst_fee_facility_choose_finish (CstConnection       *connection,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* Blocking: the own schedule (NULL: none) of @facility_code, or with NULL
 * of the login's own facility, for a quote of a request not stored
 * (custodian-cli fee quote); only a facility this login works for. */
gboolean cst_fee_facility_schedule_for_quote    (PGconn      *conn,
                                                 const char  *facility_code,
                                                 char       **key,
                                                 GError     **error);
gboolean cst_fee_facility_schedule_for_quote_at (const char  *conninfo,
                                                 const char  *facility_code,
                                                 char       **key,
                                                 GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstFeeFacilityChoice, cst_fee_facility_choice_free)

G_END_DECLS
