/* cst-facilities.h — a health system's facilities (issue 22, 0080)
 *
 * Each facility is a row: its details (cst-facility.h), a code the CLI
 * names it by, its request prefix, service target and actual-cost
 * defaults.  Logins work for the facilities they are members of (none
 * named: the default one); administrators and auditors see them all, and
 * row-level security shows every other login only its facilities' rows.
 */
#pragma once

#include <gio/gio.h>
#include "custodian/cst-db-types.h"

#include "custodian/cst-connection.h"
#include "custodian/cst-facility.h"

G_BEGIN_DECLS

/* Blocking, on a connection the caller owns. */
GPtrArray   *cst_facility_list             (PGconn             *conn,
                                            GError            **error);
GPtrArray   *cst_facility_list_visible     (PGconn             *conn,
                                            GError            **error);
CstFacility *cst_facility_load_code        (PGconn             *conn,
                                            const char         *code,
                                            GError            **error);
CstFacility *cst_facility_load_for_request (PGconn             *conn,
                                            gint64              request_id,
                                            GError            **error);
CstFacility *cst_facility_add              (PGconn             *conn,
                                            const CstFacility  *facility,
                                            GError            **error);
gboolean     cst_facility_save_defaults    (PGconn             *conn,
                                            const CstFacility  *facility,
                                            GError            **error);
gboolean     cst_facility_set_member       (PGconn             *conn,
                                            const char         *login,
                                            const char         *code,
                                            gboolean            member,
                                            GError            **error);
char       **cst_facility_members          (PGconn             *conn,
                                            const char         *code,
                                            GError            **error);
gboolean     cst_facility_validate_defaults (const CstFacility *facility,
                                             GError           **error);

/* On a connection of their own to @conninfo, opened and closed here
 * (custodian-cli). */
GPtrArray   *cst_facility_list_at          (const char         *conninfo,
                                            GError            **error);
CstFacility *cst_facility_load_code_at     (const char         *conninfo,
                                            const char         *code,
                                            GError            **error);
CstFacility *cst_facility_add_at           (const char         *conninfo,
                                            const CstFacility  *facility,
                                            GError            **error);
CstFacility *cst_facility_save_all_at      (const char         *conninfo,
                                            const CstFacility  *facility,
                                            GError            **error);
gboolean     cst_facility_set_member_at    (const char         *conninfo,
                                            const char         *login,
                                            const char         *code,
                                            gboolean            member,
                                            GError            **error);

/* The list on @connection's worker thread (the window's filter). */
void         cst_facility_list_async       (CstConnection       *connection,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
GPtrArray   *cst_facility_list_finish      (CstConnection       *connection,
                                            GAsyncResult        *result,
                                            GError             **error);

/* Only the facilities the login sees (the window's filter). */
void         cst_facility_list_visible_async  (CstConnection       *connection,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
GPtrArray   *cst_facility_list_visible_finish (CstConnection       *connection,
                                               GAsyncResult        *result,
                                               GError             **error);

void         cst_facility_load_for_request_async  (CstConnection       *connection,
                                                   gint64               request_id,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
CstFacility *cst_facility_load_for_request_finish (CstConnection       *connection,
                                                   GAsyncResult        *result,
                                                   GError             **error);

G_END_DECLS
