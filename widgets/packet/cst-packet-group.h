/* cst-packet-group.h — a request's record documents, and adding files to
 * them by drag and drop or a file chooser */
#pragma once

#include <adwaita.h>
#include <custodian/cst-connection.h>
#include <custodian/cst-redaction-log.h>
#include <custodian/cst-request.h>

#include "cst-packet-view.h"

G_BEGIN_DECLS

#define CST_TYPE_PACKET_GROUP (cst_packet_group_get_type ())
G_DECLARE_FINAL_TYPE (CstPacketGroup, cst_packet_group, CST, PACKET_GROUP, GtkWidget)

void        cst_packet_group_set_connection (CstPacketGroup *self,
                                             CstConnection  *connection);
void        cst_packet_group_set_request    (CstPacketGroup *self,
                                             CstRequest     *request);
void        cst_packet_group_add_files      (CstPacketGroup *self,
                                             GSList         *files);
gboolean    cst_packet_group_is_busy        (CstPacketGroup *self);
guint       cst_packet_group_get_n_documents (CstPacketGroup *self);
const char *cst_packet_group_get_message    (CstPacketGroup *self);
CstPacketView *cst_packet_group_open_pages  (CstPacketGroup *self);
gboolean    cst_packet_group_counts_pages   (CstPacketGroup *self);
void        cst_packet_group_build          (CstPacketGroup *self);
gboolean    cst_packet_group_get_redaction_options (CstPacketGroup      *self,
                                                    CstRedactionOptions *options);

G_END_DECLS
