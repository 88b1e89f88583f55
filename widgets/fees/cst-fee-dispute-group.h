/* cst-fee-dispute-group.h — a request's fee dispute, in its Payments group:
 * recorded by the desk, resolved by billing, the due date running on */
#pragma once

#include <adwaita.h>
#include <custodian/cst-connection.h>
#include <custodian/cst-request.h>

G_BEGIN_DECLS

#define CST_TYPE_FEE_DISPUTE_GROUP (cst_fee_dispute_group_get_type ())
G_DECLARE_FINAL_TYPE (CstFeeDisputeGroup, cst_fee_dispute_group, CST, FEE_DISPUTE_GROUP, AdwBin)

void        cst_fee_dispute_group_set_connection (CstFeeDisputeGroup *self,
                                                  CstConnection      *connection);
void        cst_fee_dispute_group_set_request    (CstFeeDisputeGroup *self,
                                                  CstRequest         *request);
gboolean    cst_fee_dispute_group_is_busy        (CstFeeDisputeGroup *self);
/* What the group says of the dispute, and the last refusal or NULL. */
const char *cst_fee_dispute_group_get_status     (CstFeeDisputeGroup *self);
const char *cst_fee_dispute_group_get_message    (CstFeeDisputeGroup *self);

G_END_DECLS
