/* cst-fee-engine.h — what a release-of-information request may cost
 *
 * Pure arithmetic on a CstFeeScheduleSet: no I/O, no allocation beyond the
 * returned quote, safe to call from any thread.  Nonsense (negative or
 * absurd page counts, an unknown state, a format or date no schedule
 * covers) is refused with CST_ERROR_INVALID_INPUT or CST_ERROR_NOT_FOUND,
 * never quoted as zero.
 */
#pragma once

#include <glib.h>

#include "custodian/cst-fee-quote.h"
#include "custodian/cst-fee-schedule.h"

G_BEGIN_DECLS

/* Integer fields set to CST_FEE_UNSET were not given. */
#define CST_FEE_UNSET G_GINT64_CONSTANT (-1)

typedef struct
{
  char            jurisdiction[3];   /* "PA" */
  CstFeeProvider  provider;
  CstFeeRequester requester;
  CstFeePurpose   purpose;
  CstFeeFormat    format;
  gboolean        maintained_electronically;
  gint64          pages;             /* pages, or page-equivalents for electronic copies */
  gint64          years;             /* years of records spanned, 0 if not asked */
  gboolean        certified;
  CstFeeDelivery  delivery;
  gint64          postage_cents;     /* actual postage or shipping, or CST_FEE_UNSET */
  GDate           received;          /* picks the schedules in effect */
  CstFeeMethod    method;            /* for the individual's own request */
  gint64          labor_minutes;     /* actual method: copying labor (also state clerical time) */
  gint64          hourly_rate_cents;
  gint64          supplies_cents;
  gint64          search_minutes;    /* recorded as not chargeable for the individual */
  gint64          summary_minutes;   /* explanation or summary of the PHI */
  gboolean        summary_agreed;    /* the individual agreed to it and its fee in advance */
  gboolean        inspection_only;   /* inspects, or copies with own device */
  gboolean        indigent;          /* medically indigent (e.g. Michigan) */
  /* The schedule_key of the request's facility's own hospital schedule
   * (0091; cst_fee_request_set_facility_schedule), "" when it has none. */
  char            facility_schedule[65];
} CstFeeRequest;

void          cst_fee_request_init   (CstFeeRequest       *request);
gboolean      cst_fee_request_set_jurisdiction (CstFeeRequest *request,
                                                const char    *code,
                                                GError       **error);
CstFeeQuote  *cst_fee_engine_quote   (CstFeeScheduleSet   *set,
                                      const CstFeeRequest *request,
                                      GError             **error);
/* What @quote was asked: a copy of the request given to the engine. */
const CstFeeRequest *cst_fee_quote_get_request (const CstFeeQuote *quote);

/* The request as an invoice records it (cst-fee-engine-inputs.c): one flat
 * JSON object with these keys, read back one key at a time. */
const char *const *cst_fee_request_input_keys (void);
char         *cst_fee_request_to_json   (const CstFeeRequest *request);
gboolean      cst_fee_request_set_input (CstFeeRequest       *request,
                                         const char          *key,
                                         const char          *value,
                                         GError             **error);

G_END_DECLS
