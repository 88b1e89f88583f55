/* cst-error.c */
#include "config.h"

#include "custodian/cst-error.h"

G_DEFINE_QUARK (cst-error-quark, cst_error)
