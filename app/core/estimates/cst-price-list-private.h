/* cst-price-list-private.h — building a price list outside the parser
 * (the repo reads stored lists back) */
#pragma once

#include "custodian/cst-price-list.h"

G_BEGIN_DECLS

CstPriceList *cst_price_list_new_empty (void);
/* Adds an item; the list owns it.  FALSE when its code is there already. */
gboolean      cst_price_list_add_item  (CstPriceList *list,
                                        CstPriceItem *item);
CstPriceItem *cst_price_item_new       (const char   *code,
                                        const char   *code_type,
                                        const char   *description,
                                        gint64        gross_cents,
                                        gint64        cash_cents,
                                        guint         source_line);
void          cst_price_item_add_rate  (CstPriceItem *item,
                                        CstPriceRate *rate);
CstPriceRate *cst_price_rate_new       (const char   *payer_name,
                                        const char   *plan_name,
                                        gint64        dollar_cents,
                                        gint64        percent_hundredths,
                                        const char   *algorithm,
                                        guint         source_line);

G_END_DECLS
