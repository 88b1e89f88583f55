/* cst-fee-quote.h — a fee with the rule behind every cent
 *
 * A quote is immutable once the engine returns it.  Its total is the sum of
 * its lines; each line carries its quantity, unit amount, amount, the rule
 * that produced it, the legal citation and the schedule version.  Amounts
 * are integer cents; the exact value before flooring is kept where the
 * floor changed it (see cst_fee_line_dup_exact_cents()).
 */
#pragma once

#include <glib.h>

#include "custodian/cst-fee-schedule.h"

G_BEGIN_DECLS

typedef enum
{
  CST_FEE_LINE_REQUEST_FEE,     /* search/retrieval, handling or base fee */
  CST_FEE_LINE_PAGES,
  CST_FEE_LINE_PER_YEAR,
  CST_FEE_LINE_CERTIFICATION,
  CST_FEE_LINE_CLERICAL,
  CST_FEE_LINE_MINIMUM,
  CST_FEE_LINE_CAP,
  CST_FEE_LINE_POSTAGE,
  CST_FEE_LINE_TAX,
  CST_FEE_LINE_LABOR,           /* HIPAA labor for copying */
  CST_FEE_LINE_SUPPLIES,
  CST_FEE_LINE_MEDIA,
  CST_FEE_LINE_SUMMARY,
  CST_FEE_LINE_SEARCH,          /* search/retrieval time: never chargeable to the individual */
  CST_FEE_LINE_FLAT,
  CST_FEE_LINE_NO_CHARGE,
} CstFeeLineKind;

typedef struct _CstFeeLine CstFeeLine;
typedef struct _CstFeeQuote CstFeeQuote;

CstFeeQuote      *cst_fee_quote_ref              (CstFeeQuote *quote);
void              cst_fee_quote_unref            (CstFeeQuote *quote);

gint64            cst_fee_quote_get_total_cents  (const CstFeeQuote *quote);
CstFeeMethod      cst_fee_quote_get_method       (const CstFeeQuote *quote);
const char       *cst_fee_quote_get_jurisdiction (const CstFeeQuote *quote);
const char       *cst_fee_quote_get_schedule_version (const CstFeeQuote *quote);
gboolean          cst_fee_quote_is_unconfirmed   (const CstFeeQuote *quote);
gint64            cst_fee_quote_get_state_ceiling_cents (const CstFeeQuote *quote);
gint64            cst_fee_quote_get_hipaa_cents  (const CstFeeQuote *quote);
void              cst_fee_quote_get_date         (const CstFeeQuote *quote,
                                                  GDate             *date);
guint             cst_fee_quote_get_n_lines      (const CstFeeQuote *quote);
const CstFeeLine *cst_fee_quote_get_line         (const CstFeeQuote *quote,
                                                  guint              index);
const CstFeeLine *cst_fee_quote_find_line        (const CstFeeQuote *quote,
                                                  const char        *rule);
GPtrArray        *cst_fee_quote_get_notes        (CstFeeQuote       *quote);
char             *cst_fee_quote_to_json          (CstFeeQuote       *quote);
char             *cst_fee_quote_lines_to_json    (CstFeeQuote       *quote);
char             *cst_fee_quote_to_text          (CstFeeQuote       *quote);

CstFeeLineKind    cst_fee_line_get_kind          (const CstFeeLine *line);
const char       *cst_fee_line_get_description   (const CstFeeLine *line);
gint64            cst_fee_line_get_quantity      (const CstFeeLine *line);
gint64            cst_fee_line_get_unit_cents    (const CstFeeLine *line);
gint64            cst_fee_line_get_amount_cents  (const CstFeeLine *line);
gboolean          cst_fee_line_is_exact          (const CstFeeLine *line);
char             *cst_fee_line_dup_exact_cents   (const CstFeeLine *line);
char             *cst_fee_line_dup_unit_exact_cents (const CstFeeLine *line);
const char       *cst_fee_line_get_rule          (const CstFeeLine *line);
const char       *cst_fee_line_get_citation      (const CstFeeLine *line);
const char       *cst_fee_line_get_schedule_version (const CstFeeLine *line);
gboolean          cst_fee_line_is_chargeable     (const CstFeeLine *line);
gboolean          cst_fee_line_is_unconfirmed    (const CstFeeLine *line);


G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstFeeQuote, cst_fee_quote_unref)

G_END_DECLS
