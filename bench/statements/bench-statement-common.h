/* bench-statement-common.h — what the statement benchmarks share */
#pragma once

#include <custodian/custodian.h>

CstStatementTemplate *bench_statement_template (void);
