/* cst-packet-delivery-private.h — pieces shared by the delivery's files
 * (cst-packet-encrypt.c, cst-packet-delivery.c, cst-packet-smtp.c) */
#pragma once

#include "custodian/cst-packet-delivery.h"

G_BEGIN_DECLS

/* Writes the packet the request sends (cst_packet_kept_write(): approved
 * or released, never built again) and, unless @plain,
 * encrypts it under a new passphrase, into @output; the plain packet of
 * an encrypted one is written in @scratch, a private directory, and removed.
 * @packet gets the build, @output's SHA-256 and the passphrase (NULL when
 * @plain). */
gboolean cst_packet_prepare (PGconn              *conn,
                             gint64               request_id,
                             const char          *scratch,
                             const char          *output,
                             gboolean             plain,
                             CstEncryptedPacket  *packet,
                             GCancellable        *cancellable,
                             GError             **error);

/* Removes the private directory @dir and the files in it. */
void cst_packet_remove_scratch (const char *dir);

void cst_encrypted_packet_clear (CstEncryptedPacket *packet);

/* A delivery of @packet by @method, its passphrase taken from @packet. */
CstPacketDelivery *cst_packet_delivery_new (gint64                   request_id,
                                            CstPacketDeliveryMethod  method,
                                            CstEncryptedPacket      *packet);
/* Records @d through record_packet_delivery() and fills in its id, who
 * and when. */
gboolean cst_packet_delivery_record (PGconn            *conn,
                                     CstPacketDelivery *d,
                                     GError           **error);
/* The latest plain e-mail confirmation for @address, or 0 with @error set. */
gint64 cst_packet_plain_email_confirmation (PGconn      *conn,
                                            gint64       request_id,
                                            const char  *address,
                                            GError     **error);
/* records-REFERENCE.pdf: the packet's file name outside the database. */
char *cst_packet_delivery_file_name (const char *reference);

G_END_DECLS
