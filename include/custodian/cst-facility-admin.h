/* cst-facility-admin.h — managing a health system's facilities from the
 * window (issue 22): the blocking functions of cst-facilities.h on a
 * connection's worker thread, for the Preferences' Facilities page.  The
 * database refuses every change to a login that is not an
 * administrator's; the errors say so in the app's words. */
#pragma once

#include <gio/gio.h>
#include "custodian/cst-db-types.h"

#include "custodian/cst-connection.h"
#include "custodian/cst-facility.h"

G_BEGIN_DECLS

/* Blocking: @facility's details and its own settings in one transaction.
 * Returns: (transfer full): the facility as stored */
CstFacility *cst_facility_save_all         (PGconn              *conn,
                                            const CstFacility   *facility,
                                            GError             **error);

/* Blocking: @facility's Bates prefix (its bates_counters row); nothing
 * when it is NULL. */
gboolean     cst_facility_save_bates_prefix (PGconn             *conn,
                                             const CstFacility  *facility,
                                             GError            **error);

void         cst_facility_add_async        (CstConnection       *connection,
                                            const CstFacility   *facility,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
CstFacility *cst_facility_add_finish       (CstConnection       *connection,
                                            GAsyncResult        *result,
                                            GError             **error);
void         cst_facility_save_all_async   (CstConnection       *connection,
                                            const CstFacility   *facility,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
CstFacility *cst_facility_save_all_finish  (CstConnection       *connection,
                                            GAsyncResult        *result,
                                            GError             **error);
void         cst_facility_members_async    (CstConnection       *connection,
                                            const char          *code,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
char       **cst_facility_members_finish   (CstConnection       *connection,
                                            GAsyncResult        *result,
                                            GError             **error);
void         cst_facility_set_member_async (CstConnection       *connection,
                                            const char          *login,
                                            const char          *code,
                                            gboolean             member,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean     cst_facility_set_member_finish (CstConnection      *connection,
                                             GAsyncResult       *result,
                                             GError            **error);

G_END_DECLS
