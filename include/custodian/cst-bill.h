/* cst-bill.h — an itemized hospital bill: account fields and charge lines
 *
 * Money is always integer cents (gint64); nothing here uses floating point.
 * A CstBill is a reference-counted plain struct: the fields are public so
 * the model, the repo and the window can read them directly; treat a bill
 * that has been handed to cst_statement_new() as read-only.
 */
#pragma once

#include <gio/gio.h>

#include "custodian/cst-csv.h"

G_BEGIN_DECLS

typedef enum
{
  CST_VISIT_EMERGENCY,
  CST_VISIT_OUTPATIENT,
  CST_VISIT_INPATIENT,
  CST_VISIT_OBSERVATION,
} CstVisitType;

typedef enum
{
  CST_CLAIM_PROCESSED,
  CST_CLAIM_PENDING,
  CST_CLAIM_DENIED,
} CstClaimStatus;

/* One row of the itemized bill, exactly as imported. */
typedef struct
{
  GDate   service_date;
  char    revenue_code[5];     /* four digits with the leading zero */
  char    cpt_hcpcs[6];        /* "" when the chargemaster has none */
  char   *description;         /* the original CDM text */
  gint64  units;
  gint64  charge_cents;        /* line total, not unit price */
  gint64  insurer_paid_cents;
  gint64  adjustment_cents;
  gint64  patient_resp_cents;
  guint   source_line;         /* 1-based line in the CSV; 0 when not from a file */
} CstBillLine;

typedef struct
{
  /*< private >*/
  gatomicrefcount ref_count;
  /*< public >*/
  gint64          id;                    /* 0 until stored */
  char           *account_number;
  char           *patient_name;
  char           *guarantor_name;        /* NULL when the patient is the guarantor */
  CstVisitType    visit_type;
  GDate           admit_date;            /* first and last day of the visit */
  GDate           discharge_date;
  char           *payer_name;            /* NULL for self-pay */
  char           *claim_number;
  CstClaimStatus  claim_status;
  GDate           claim_processed_date;  /* invalid when unknown */
  /* Inpatient DRG, case rates, per diems: the payer paid the claim as a
   * whole.  The lines then carry charges only, and insurer paid and
   * adjustment come from the two claim fields below. */
  gboolean        claim_level_payment;
  gint64          claim_insurer_paid_cents;
  gint64          claim_adjustment_cents;
  gint64          fap_adjustment_cents;  /* financial-assistance part of the adjustments */
  gint64          patient_payments_cents;/* copays and payments already made */
  gint64          other_credits_cents;
  GDate           statement_date;
  GDate           due_date;
  guint           statement_sequence;    /* 1 = first statement, 2+ = reminder */
  GDate           first_statement_date;  /* the visit's first statement; invalid when unknown */
  GPtrArray      *lines;                 /* of CstBillLine */
} CstBill;

#define CST_TYPE_BILL (cst_bill_get_type ())

GType        cst_bill_get_type        (void) G_GNUC_CONST;
CstBill     *cst_bill_new             (void);
CstBill     *cst_bill_ref             (CstBill      *bill);
void         cst_bill_unref           (CstBill      *bill);
CstBillLine *cst_bill_line_new        (void);
CstBillLine *cst_bill_line_copy       (const CstBillLine *line);
void         cst_bill_line_free       (CstBillLine  *line);
void         cst_bill_set_text        (char        **field,
                                       const char   *value);
void         cst_bill_fill_defaults   (CstBill      *bill,
                                       const GDate  *today);
gboolean     cst_bill_validate        (CstBill      *bill,
                                       GError      **error);
const char  *cst_visit_type_to_nick   (CstVisitType  type);
gboolean     cst_visit_type_from_nick (const char   *nick,
                                       CstVisitType *type);
const char  *cst_claim_status_to_nick (CstClaimStatus status);
gboolean     cst_claim_status_from_nick (const char     *nick,
                                         CstClaimStatus *status);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstBill, cst_bill_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstBillLine, cst_bill_line_free)

/* ---- Import from CSV ------------------------------------------------- */

typedef enum
{
  CST_BILL_IMPORT_NONE        = 0,
  /* Claim-level payment: the payment columns must be empty or 0. */
  CST_BILL_IMPORT_CLAIM_LEVEL = 1 << 0,
} CstBillImportFlags;

CstBill  *cst_bill_import_csv   (const char          *data,
                                 gsize                length,
                                 CstBillImportFlags   flags,
                                 GPtrArray          **problems,
                                 GError             **error);
CstBill  *cst_bill_import_file  (const char          *path,
                                 CstBillImportFlags   flags,
                                 GPtrArray          **problems,
                                 GError             **error);
/* The same, reading and parsing on a worker thread. */
void      cst_bill_import_file_async  (GFile               *file,
                                       CstBillImportFlags   flags,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
CstBill  *cst_bill_import_file_finish (GAsyncResult        *result,
                                       GPtrArray          **problems,
                                       GError             **error);

G_END_DECLS
