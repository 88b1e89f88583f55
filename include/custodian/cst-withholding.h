/* cst-withholding.h — what a partial release withheld, and why
 * (migration 0046) */
#pragma once

#include "custodian/cst-db-types.h"

#include "custodian/cst-request.h"

G_BEGIN_DECLS

typedef enum
{
  CST_WITHHELD_PART2,
  CST_WITHHELD_PSYCHOTHERAPY_NOTES,
  CST_WITHHELD_MINOR_CONFIDENTIAL,
  CST_WITHHELD_OUTSIDE_DATE_RANGE,
  CST_WITHHELD_NOT_HELD,
} CstWithheldReason;

typedef struct
{
  CstWithheldReason  reason;
  char              *description;
  char              *recorded_by;
} CstWithholding;

void        cst_withholding_free   (CstWithholding     *withholding);
const char *cst_withheld_reason_get_label (CstWithheldReason reason);
/* The database's name of a reason (withholding_reason), and back. */
const char *cst_withheld_reason_to_nick   (CstWithheldReason  reason);
gboolean    cst_withheld_reason_from_nick (const char        *nick,
                                           CstWithheldReason *reason);
gboolean    cst_withholding_record (PGconn             *conn,
                                    CstRequest         *request,
                                    CstWithheldReason   reason,
                                    const char         *description,
                                    GError            **error);
/* A GPtrArray of CstWithholding, in the order recorded. */
GPtrArray  *cst_withholding_list   (PGconn             *conn,
                                    CstRequest         *request,
                                    GError            **error);

G_END_DECLS
