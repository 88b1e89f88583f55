/* cst-facility-private.h — shared by cst-facility.c and cst-facilities.c */
#pragma once

#include <libpq-fe.h>
#include "custodian/cst-facility.h"

G_BEGIN_DECLS

/* Every column a CstFacility holds, in _cst_facility_from_row's order. */
#define CST_FACILITY_COLUMNS \
  "id, name, address, phone, pay_text, pay_link, default_state, code, " \
  "request_prefix, is_default, COALESCE(service_target_days, 0), cost_labor_minutes, " \
  "cost_hourly_rate_cents, cost_supplies_cents, " \
  "COALESCE((SELECT b.prefix FROM bates_counters b WHERE b.facility_id = facilities.id), '')"

CstFacility *_cst_facility_from_row   (const PGresult *res,
                                       int             row);
CstFacility *_cst_facility_load_where (PGconn         *conn,
                                       const char     *where,
                                       const char     *param,
                                       const char     *missing,
                                       GError        **error);

G_END_DECLS
