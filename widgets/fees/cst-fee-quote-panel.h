/* cst-fee-quote-panel.h — the live fee quote of a request, and its invoice */
#pragma once

#include <adwaita.h>
#include <custodian/cst-connection.h>
#include <custodian/cst-fee-quote.h>
#include <custodian/cst-request.h>

G_BEGIN_DECLS

#define CST_TYPE_FEE_QUOTE_PANEL (cst_fee_quote_panel_get_type ())
G_DECLARE_FINAL_TYPE (CstFeeQuotePanel, cst_fee_quote_panel, CST, FEE_QUOTE_PANEL, GtkWidget)

void         cst_fee_quote_panel_set_connection (CstFeeQuotePanel *self,
                                                 CstConnection    *connection);
void         cst_fee_quote_panel_set_request    (CstFeeQuotePanel *self,
                                                 CstRequest       *values);
CstFeeQuote *cst_fee_quote_panel_get_quote      (CstFeeQuotePanel *self);
gint64       cst_fee_quote_panel_get_invoice_total (CstFeeQuotePanel *self);
gboolean     cst_fee_quote_panel_issue_invoice  (CstFeeQuotePanel *self);
GtkWindow   *cst_fee_quote_panel_ask_issue_invoice (CstFeeQuotePanel *self);
gboolean     cst_fee_quote_panel_adjust_invoice (CstFeeQuotePanel *self,
                                                 const char       *amount,
                                                 const char       *reason);
const char  *cst_fee_quote_panel_get_message    (CstFeeQuotePanel *self);
gint64       cst_fee_quote_panel_get_offered_adjustment (CstFeeQuotePanel *self);
gboolean     cst_fee_quote_panel_accept_adjustment      (CstFeeQuotePanel *self);
GtkWindow   *cst_fee_quote_panel_ask_adjustment         (CstFeeQuotePanel *self);
gboolean     cst_fee_quote_panel_is_ready       (CstFeeQuotePanel *self);
void         cst_fee_quote_panel_select_method  (CstFeeQuotePanel *self,
                                                 CstFeeMethod      method);
void         cst_fee_quote_panel_set_actual_cost (CstFeeQuotePanel *self,
                                                  int               labor_minutes,
                                                  gint64            rate_cents,
                                                  gint64            supplies_cents);
gboolean     cst_fee_quote_panel_shows_actual_cost (CstFeeQuotePanel *self);

void         cst_fee_purpose_row_fill            (AdwComboRow      *row);

G_END_DECLS
