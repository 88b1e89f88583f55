/* cst-document-fee.c — an invoice from the fee engine's quote
 *
 * Kept apart so the document layer depends on the quote's public
 * accessors only.  Lines that may not be charged (search time billed to a
 * patient, notes) are not printed as charges.
 */
#define G_LOG_DOMAIN "cst-document"

#include "config.h"

#include "custodian/cst-document.h"
#include "custodian/cst-fee-quote.h"

CstInvoice *
cst_invoice_new_from_fee_quote (const CstFeeQuote *quote)
{
  CstInvoice *invoice = cst_invoice_new ();

  cst_fee_quote_get_date (quote, &invoice->issued_on);
  for (guint i = 0; i < cst_fee_quote_get_n_lines (quote); i++)
    {
      const CstFeeLine *line = cst_fee_quote_get_line (quote, i);

      if (!cst_fee_line_is_chargeable (line))
        continue;
      cst_invoice_add_line (invoice, cst_fee_line_get_description (line),
                            cst_fee_line_get_quantity (line), cst_fee_line_get_unit_cents (line),
                            cst_fee_line_get_amount_cents (line), cst_fee_line_get_rule (line),
                            cst_fee_line_get_citation (line));
    }
  return invoice;
}
