/* cst-clocks.h — the legal deadline and the service target, side by side
 * (migration 0045) */
#pragma once

#include "custodian/cst-db-types.h"

#include "custodian/cst-request.h"

G_BEGIN_DECLS

typedef struct
{
  gboolean has_legal_deadline; /* FALSE: no law sets one (legal_due invalid) */
  GDate    legal_due;
  GDate    service_due;
  int      legal_days_left;    /* negative when past; G_MAXINT with no legal deadline */
  int      service_days_left;
  gboolean at_risk;            /* open and within CST_AT_RISK_DAYS of, or past, the legal deadline */
} CstClocks;

void     cst_clocks_compute         (CstRequest   *request,
                                     guint         service_days,
                                     const GDate  *today,
                                     CstClocks    *clocks);
guint    cst_clocks_get_service_days (PGconn      *conn,
                                     GError     **error);
/* How many open requests are at risk now: the header count and the
 * morning summary. */
gint64   cst_clocks_count_at_risk   (PGconn       *conn,
                                     GError      **error);

G_END_DECLS
