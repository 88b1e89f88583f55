/* cst-test-policy.h — a financial-assistance policy other than the shipped one */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *cst_test_policy_with_second_band (guint discount_percent);

G_END_DECLS
