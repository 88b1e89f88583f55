/* cst-estimate.h — what a patient will owe before care
 *
 * From a price list (cst-price-list.h) and a list of services: for an
 * insured patient, the plan's negotiated rates with the patient's
 * remaining deductible, coinsurance, copay and out-of-pocket maximum; for
 * an uninsured or self-pay patient, the Good Faith Estimate (No Surprises
 * Act, 45 CFR 149.610) from the discounted cash prices.  Pure functions,
 * integer cents, every line saying how it was computed.
 */
#pragma once

#include <glib.h>

#include "custodian/cst-price-list.h"

G_BEGIN_DECLS

/* Bounds that keep every sum far from gint64 overflow. */
#define CST_ESTIMATE_MAX_SERVICES 100
#define CST_ESTIMATE_MAX_QUANTITY 9999

typedef struct
{
  const char *code;
  gint64      quantity;
} CstEstimateService;

/* The patient's plan and how much of its year is used. */
typedef struct
{
  const char *payer_name;
  const char *plan_name;
  gint64      deductible_remaining_cents;
  gint64      coinsurance_hundredths;    /* 20% = 2000 */
  gint64      copay_cents;
  gint64      oop_remaining_cents;       /* remaining out-of-pocket maximum */
} CstEstimateCoverage;

typedef enum
{
  CST_ESTIMATE_BASIS_NEGOTIATED_DOLLAR,
  CST_ESTIMATE_BASIS_NEGOTIATED_PERCENTAGE,  /* a percentage of the gross charge */
  CST_ESTIMATE_BASIS_CASH,                   /* the discounted cash price */
  CST_ESTIMATE_BASIS_GROSS,                  /* no cash price listed: the gross charge */
} CstEstimateBasis;

typedef struct
{
  char             *code;
  char             *description;
  gint64            quantity;
  gint64            unit_cents;
  gint64            total_cents;
  CstEstimateBasis  basis;
  char             *how;          /* in words, e.g. "60% of the gross charge $312.00" */
} CstEstimateLine;

typedef struct
{
  /*< private >*/
  gatomicrefcount ref_count;
  /*< public >*/
  gboolean   self_pay;
  char      *hospital_name;
  char      *payer_name;         /* NULL for self-pay */
  char      *plan_name;
  char      *patient_name;       /* printed on the PDF only (never in the JSON); NULL: none */
  GPtrArray *lines;              /* of CstEstimateLine */
  /* Insured. */
  gint64     allowed_cents;
  gint64     deductible_cents;
  gint64     coinsurance_cents;
  gint64     copay_cents;
  gint64     patient_cents;
  gint64     plan_cents;
  gboolean   capped;             /* the out-of-pocket maximum or the allowed amount bound */
  GPtrArray *steps;              /* of char *: how the totals were reached */
  /* Self-pay. */
  gint64     gfe_total_cents;
  gboolean   any_from_gross;     /* some line has no cash price */
} CstEstimate;

/* The No Surprises Act's dispute threshold: a bill this much above the
 * Good Faith Estimate may be disputed (45 CFR 149.620). */
#define CST_GFE_DISPUTE_THRESHOLD_CENTS 40000

gboolean     cst_estimate_parse_service (const char                *text,
                                         char                     **code,
                                         gint64                    *quantity,
                                         GError                   **error);
CstEstimate *cst_estimate_new_insured   (const CstPriceList        *prices,
                                         const CstEstimateService  *services,
                                         guint                      n_services,
                                         const CstEstimateCoverage *coverage,
                                         GError                   **error);
CstEstimate *cst_estimate_new_self_pay  (const CstPriceList        *prices,
                                         const CstEstimateService  *services,
                                         guint                      n_services,
                                         GError                   **error);
CstEstimate *cst_estimate_ref           (CstEstimate               *estimate);
void         cst_estimate_unref         (CstEstimate               *estimate);
char        *cst_estimate_to_json       (const CstEstimate         *estimate);
const char  *cst_estimate_basis_to_nick (CstEstimateBasis           basis);
/* The PDF: lines, totals and, for self-pay, the GFE's dates and the
 * dispute right.  @issued is the day the estimate is given. */
GBytes      *cst_estimate_render_pdf    (const CstEstimate         *estimate,
                                         const GDate               *issued,
                                         GError                   **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstEstimate, cst_estimate_unref)

G_END_DECLS
