/* cst-packet-review-panel.h — the second person's check of a request's
 * packet, in the request view */
#pragma once

#include <adwaita.h>
#include <custodian/cst-connection.h>
#include <custodian/cst-packet-review.h>
#include <custodian/cst-request.h>

G_BEGIN_DECLS

#define CST_TYPE_PACKET_REVIEW_PANEL (cst_packet_review_panel_get_type ())
G_DECLARE_FINAL_TYPE (CstPacketReviewPanel, cst_packet_review_panel, CST, PACKET_REVIEW_PANEL, GtkWidget)

void                 cst_packet_review_panel_set_connection (CstPacketReviewPanel *self,
                                                             CstConnection        *connection);
void                 cst_packet_review_panel_set_request    (CstPacketReviewPanel *self,
                                                             CstRequest           *request);
void                 cst_packet_review_panel_reload         (CstPacketReviewPanel *self);
void                 cst_packet_review_panel_approve        (CstPacketReviewPanel *self);
void                 cst_packet_review_panel_return         (CstPacketReviewPanel *self,
                                                             const char           *reason);
gboolean             cst_packet_review_panel_is_busy        (CstPacketReviewPanel *self);
gboolean             cst_packet_review_panel_is_loaded      (CstPacketReviewPanel *self);
CstPacketReviewState cst_packet_review_panel_get_state      (CstPacketReviewPanel *self);
const char          *cst_packet_review_panel_get_message    (CstPacketReviewPanel *self);

G_END_DECLS
