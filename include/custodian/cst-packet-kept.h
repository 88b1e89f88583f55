/* cst-packet-kept.h — the packet kept: what a request sends
 *
 * Every build keeps its bytes in the database (0074), so the packet a
 * second person approved and the release recorded is sent as it was
 * kept, never built again: a delivery, a print or a copy reads it back.
 */
#pragma once

#include <gio/gio.h>

#include "custodian/cst-connection.h"
#include "custodian/cst-packet.h"
#include "custodian/cst-packet-assemble.h"
#include "custodian/cst-packet-delivery.h"

G_BEGIN_DECLS

CstPacketBuild *cst_packet_kept_write        (PGconn               *conn,
                                              gint64                request_id,
                                              const char           *output,
                                              gboolean             *released,
                                              GCancellable         *cancellable,
                                              GError              **error);
void            cst_packet_kept_write_async  (CstConnection        *connection,
                                              gint64                request_id,
                                              const char           *output,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
CstPacketBuild *cst_packet_kept_write_finish (CstConnection        *connection,
                                              GAsyncResult         *result,
                                              GError              **error);

/* Built with options (Bates numbers, language), kept, then encrypted:
 * cst-packet-encrypt.c. */
CstEncryptedPacket *cst_packet_build_encrypted_with    (PGconn                  *conn,
                                                        gint64                   request_id,
                                                        const char              *output,
                                                        const CstPacketOptions  *options,
                                                        CstPacketBates          *bates,
                                                        GCancellable            *cancellable,
                                                        GError                 **error);
CstEncryptedPacket *cst_packet_build_encrypted_with_at (const char              *conninfo,
                                                        const char              *reference,
                                                        const char              *output,
                                                        const CstPacketOptions  *options,
                                                        CstPacketBates          *bates,
                                                        GError                 **error);

/* A build and the Bates numbers it stamped: what the window's build with
 * options gives back (cst-packet-build.c). */
typedef struct
{
  CstPacketBuild *build;
  CstPacketBates  bates;
} CstPacketBuilt;

void cst_packet_built_free (CstPacketBuilt *built);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstPacketBuilt, cst_packet_built_free)

void            cst_packet_build_with_async  (CstConnection           *connection,
                                              gint64                   request_id,
                                              const char              *output,
                                              const CstPacketOptions  *options,
                                              GCancellable            *cancellable,
                                              GAsyncReadyCallback      callback,
                                              gpointer                 user_data);
CstPacketBuilt *cst_packet_build_with_finish (CstConnection           *connection,
                                              GAsyncResult            *result,
                                              GError                 **error);

G_END_DECLS
