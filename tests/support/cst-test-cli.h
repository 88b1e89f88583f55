/* cst-test-cli.h — run the custodian-cli built beside the tests */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

int cst_test_cli_run (const char  *conninfo,
                      char       **out,
                      char       **err,
                      const char  *first,
                      ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS
