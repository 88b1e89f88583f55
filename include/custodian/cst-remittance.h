/* cst-remittance.h — the payer's remittance for a claim: what it paid, what
 * it wrote off and why, and what the patient owes
 *
 * Two sources give the same structure: an X12 835 (cst-remittance-835.c)
 * and a FHIR ExplanationOfBenefit of the CARIN Blue Button profile
 * (cst-remittance-eob.c).  Both parsers are pure functions over bytes.
 * Money is integer cents; decimal text is parsed exactly, never through
 * floating point.  A claim that does not balance (charge − payment ≠ the
 * sum of its adjustments) or malformed input is refused, naming where.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* One CAS adjustment: group CO (contractual), OA (other), PI (payer
 * initiated) or PR (patient responsibility), with its CARC reason code. */
typedef struct
{
  char   group[3];
  char  *reason;
  gint64 amount_cents;
} CstRemittanceAdjustment;

/* One service line (SVC) with its own adjustments. */
typedef struct
{
  char      *procedure;      /* the composite as sent, e.g. "HC:99284" */
  gint64     charge_cents;
  gint64     paid_cents;
  GPtrArray *adjustments;    /* of CstRemittanceAdjustment */
} CstRemittanceService;

typedef struct
{
  char      *patient_control_number;  /* the hospital's account (CLP01) */
  char      *payer_claim_number;      /* CLP07, the EOB's identifier */
  char      *status;                  /* CLP02 code, "1" processed as primary */
  gint64     charge_cents;
  gint64     paid_cents;
  gint64     patient_responsibility_cents;
  GPtrArray *adjustments;             /* claim-level, of CstRemittanceAdjustment */
  GPtrArray *services;                /* of CstRemittanceService */
} CstRemittanceClaim;

typedef struct
{
  /*< private >*/
  gatomicrefcount ref_count;
  /*< public >*/
  char      *payer;          /* N1*PR, the EOB's insurer */
  GPtrArray *claims;         /* of CstRemittanceClaim, in file order */
} CstRemittance;

/* A claim's money, every adjustment (claim and service level) summed. */
typedef struct
{
  gint64 charge_cents;
  gint64 insurance_paid_cents;
  gint64 adjustments_cents;            /* written off: CO, OA, PI */
  gint64 patient_responsibility_cents; /* PR */
  gint64 deductible_cents;             /* PR-1 */
  gint64 coinsurance_cents;            /* PR-2 */
  gint64 copay_cents;                  /* PR-3 */
  gint64 other_patient_cents;          /* any other PR reason */
} CstRemittanceSummary;

#define CST_TYPE_REMITTANCE (cst_remittance_get_type ())

GType          cst_remittance_get_type   (void) G_GNUC_CONST;
CstRemittance *cst_remittance_new        (void);
CstRemittance *cst_remittance_ref        (CstRemittance *remittance);
void           cst_remittance_unref      (CstRemittance *remittance);
CstRemittanceClaim *cst_remittance_claim_new (void);
void           cst_remittance_claim_free (CstRemittanceClaim *claim);
CstRemittanceService *cst_remittance_service_new (void);
void           cst_remittance_service_free (CstRemittanceService *service);
void           cst_remittance_adjustment_free (CstRemittanceAdjustment *adjustment);
void           cst_remittance_add_adjustment (GPtrArray  *adjustments,
                                              const char *group,
                                              const char *reason,
                                              gint64      amount_cents);
void           cst_remittance_claim_summarize (const CstRemittanceClaim *claim,
                                               CstRemittanceSummary     *summary);
gboolean       cst_remittance_parse_decimal (const char *text,
                                             gsize       length,
                                             gint64     *cents);

CstRemittance *cst_remittance_parse_835  (const char    *data,
                                          gsize          length,
                                          GError       **error);
CstRemittance *cst_remittance_parse_eob  (const char    *data,
                                          gsize          length,
                                          GError       **error);
/* Either kind, recognised from the content. */
CstRemittance *cst_remittance_parse      (const char    *data,
                                          gsize          length,
                                          GError       **error);
/* The claim whose patient control number or payer claim number is @id;
 * with @id NULL, the only claim (an error names the choices when there
 * are several). */
const CstRemittanceClaim *cst_remittance_find_claim (CstRemittance *remittance,
                                                     const char    *id,
                                                     GError       **error);
/* Plain words for a CARC reason code in @language ("en" or "es");
 * a generic sentence naming the code for codes not in the table. */
char          *cst_remittance_reason_text (const char *group,
                                           const char *reason,
                                           const char *language);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstRemittance, cst_remittance_unref)

G_END_DECLS
