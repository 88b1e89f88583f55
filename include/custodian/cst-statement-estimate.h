/* cst-statement-estimate.h — a statement compared with the visit's estimate
 *
 * When a statement is made for a visit that had an estimate (the JSON
 * `custodian-cli estimate render --json` writes), the statement says
 * plainly what was estimated, what this bill asks and the difference.
 * What the bill asks is what the patient is billed before their own
 * payments: the charges less insurance and discounts.
 *
 * For a self-pay patient (a Good Faith Estimate, and no insurance on the
 * bill) billed $400.00 or more above the estimate, the statement prints
 * the patient-provider dispute notice (No Surprises Act, 45 CFR 149.620;
 * statement-spec 3.2) with its deadline: 120 days after the first bill.
 */
#pragma once

#include <glib.h>

#include "custodian/cst-statement.h"

G_BEGIN_DECLS

/* "At least $400 more" (45 CFR 149.620).  The same number as the
 * estimates' CST_GFE_DISPUTE_THRESHOLD_CENTS, which the Good Faith Estimate
 * prints; statements sit a layer below estimates and cannot include it. */
#define CST_STATEMENT_DISPUTE_THRESHOLD_CENTS 40000

typedef struct
{
  gboolean self_pay;         /* a Good Faith Estimate */
  gint64   estimate_cents;   /* gfe_total_cents, or patient_cents when insured */
} CstEstimateSummary;

gboolean cst_estimate_summary_parse   (const char          *data,
                                       gsize                length,
                                       CstEstimateSummary  *summary,
                                       GError             **error);

/* @first_bill_date: the date of the visit's first statement; NULL for
 * this statement's own date. */
void     cst_statement_set_estimate   (CstStatement              *statement,
                                       const CstEstimateSummary  *summary,
                                       const GDate               *first_bill_date);
GPtrArray *cst_statement_estimate_lines (CstStatement             *statement);

G_END_DECLS
