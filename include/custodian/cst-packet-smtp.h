/* cst-packet-smtp.h — unencrypted e-mail at the individual's insistence,
 * for a window: the confirmation recorded and the packet sent on one
 * worker job (the rest of the e-mail API is in cst-packet-delivery.h)
 */
#pragma once

#include "custodian/cst-packet-delivery.h"

G_BEGIN_DECLS

/* Records @confirmed_by's confirmation (how: @how) for @address, then
 * sends the packet unencrypted through @server; finish with
 * cst_packet_send_email_finish(). */
void cst_packet_send_plain_email_async (CstConnection       *connection,
                                        gint64               request_id,
                                        const CstSmtpServer *server,
                                        const char          *address,
                                        const char          *confirmed_by,
                                        CstConfirmedHow      how,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);

G_END_DECLS
