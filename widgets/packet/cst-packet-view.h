/* cst-packet-view.h — the page view: a request's record pages as
 * thumbnails, chosen for release (left out with a reason, put back,
 * documents reordered, paper pages counted, a page opened large) */
#pragma once

#include <adwaita.h>
#include <custodian/cst-connection.h>
#include <custodian/cst-page-marks.h>
#include <custodian/cst-packet-pages.h>
#include <custodian/cst-request.h>

#include "cst-redaction-layer.h"

G_BEGIN_DECLS

#define CST_TYPE_PACKET_VIEW (cst_packet_view_get_type ())
G_DECLARE_FINAL_TYPE (CstPacketView, cst_packet_view, CST, PACKET_VIEW, AdwWindow)

CstPacketView          *cst_packet_view_new              (CstConnection     *connection,
                                                          CstRequest        *request);
gboolean                cst_packet_view_exclude_selected (CstPacketView     *self,
                                                          CstWithheldReason  reason);
gboolean                cst_packet_view_include_selected (CstPacketView     *self);
GtkWindow              *cst_packet_view_ask_exclude      (CstPacketView     *self);
gboolean                cst_packet_view_move_document    (CstPacketView     *self,
                                                          gint64             document_id,
                                                          int                delta);
void                    cst_packet_view_open_page        (CstPacketView     *self,
                                                          guint              position);
GListModel             *cst_packet_view_get_pages        (CstPacketView     *self);
GtkSelectionModel      *cst_packet_view_get_selection    (CstPacketView     *self);
const CstPacketOutline *cst_packet_view_get_outline      (CstPacketView     *self);
gboolean                cst_packet_view_is_busy          (CstPacketView     *self);
guint                   cst_packet_view_get_n_rendered   (CstPacketView     *self);
gboolean                cst_packet_view_large_shown      (CstPacketView     *self);
const char             *cst_packet_view_get_message      (CstPacketView     *self);
GtkWindow              *cst_packet_view_ask_mark_text    (CstPacketView     *self);
GtkWindow              *cst_packet_view_find_proposals   (CstPacketView     *self);
gboolean                cst_packet_view_decide_page      (CstPacketView     *self,
                                                          gboolean           apply);
const CstPageMarks     *cst_packet_view_get_marks        (CstPacketView     *self);
CstRedactionLayer      *cst_packet_view_get_layer        (CstPacketView     *self);

G_END_DECLS
