/* cst-packet-delivery-dialog.h — sending a request's packet: by e-mail
 * through the hospital's mail server, or saved to removable media */
#pragma once

#include <adwaita.h>
#include <custodian/cst-connection.h>
#include <custodian/cst-request.h>

G_BEGIN_DECLS

#define CST_TYPE_PACKET_DELIVERY_DIALOG (cst_packet_delivery_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CstPacketDeliveryDialog, cst_packet_delivery_dialog, CST,
                      PACKET_DELIVERY_DIALOG, AdwWindow)

CstPacketDeliveryDialog *cst_packet_delivery_dialog_new (GtkWindow     *parent,
                                                         CstConnection *connection,
                                                         CstRequest    *request);
/* What the folder chooser does: saves the packet into @folder. */
void        cst_packet_delivery_dialog_save_to (CstPacketDeliveryDialog *self,
                                                GFile                   *folder);
/* Prints the packet; with @export_to, to that PDF file without the print
 * dialog (GTK_PRINT_OPERATION_ACTION_EXPORT). */
void        cst_packet_delivery_dialog_print   (CstPacketDeliveryDialog *self,
                                                const char              *export_to);
gboolean    cst_packet_delivery_dialog_is_busy (CstPacketDeliveryDialog *self);
/* The status line, and the passphrase shown (NULL when none). */
const char *cst_packet_delivery_dialog_get_status     (CstPacketDeliveryDialog *self);
const char *cst_packet_delivery_dialog_get_passphrase (CstPacketDeliveryDialog *self);

G_END_DECLS
