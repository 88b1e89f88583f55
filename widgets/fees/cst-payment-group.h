/* cst-payment-group.h — a request's payments: its balance, recording a
 * payment or refund, the receipts, and the unpaid-requester flag */
#pragma once

#include <adwaita.h>
#include <custodian/cst-connection.h>
#include <custodian/cst-request.h>

G_BEGIN_DECLS

#define CST_TYPE_PAYMENT_GROUP (cst_payment_group_get_type ())
G_DECLARE_FINAL_TYPE (CstPaymentGroup, cst_payment_group, CST, PAYMENT_GROUP, GtkWidget)

void        cst_payment_group_set_connection (CstPaymentGroup *self,
                                              CstConnection   *connection);
void        cst_payment_group_set_request    (CstPaymentGroup *self,
                                              CstRequest      *request);
/* What the buttons do, for the tests and the keyboard. */
void        cst_payment_group_record         (CstPaymentGroup *self,
                                              gboolean         refund);
gboolean    cst_payment_group_is_busy        (CstPaymentGroup *self);
guint       cst_payment_group_get_n_payments (CstPaymentGroup *self);
const char *cst_payment_group_get_balance_text (CstPaymentGroup *self);
const char *cst_payment_group_get_flag_text  (CstPaymentGroup *self);
const char *cst_payment_group_get_message    (CstPaymentGroup *self);

G_END_DECLS
