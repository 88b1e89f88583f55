/* bench-statement-common.c — what the statement benchmarks share */
#include "config.h"

#include "bench-statement-common.h"

/* The shipped template with a facility's details, as the app gives the
 * database's (the shipped one names no hospital). */
CstStatementTemplate *
bench_statement_template (void)
{
  CstStatementTemplate *tpl = cst_statement_template_new_builtin ("standard", "en", NULL);
  g_autoptr(CstFacility) facility = cst_facility_new ();

  cst_facility_set (facility, CST_FACILITY_NAME, "Bench General Hospital");
  cst_facility_set (facility, CST_FACILITY_ADDRESS, "1 Bench Road\nAnytown, NY 00000");
  cst_facility_set (facility, CST_FACILITY_PHONE, "(555) 010-0100");
  cst_facility_set (facility, CST_FACILITY_PAY_LINK, "pay.bench.example");
  cst_facility_apply_to_statement (facility, tpl);
  return tpl;
}
