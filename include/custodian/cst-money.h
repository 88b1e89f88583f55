/* cst-money.h — money as text, the one format every output shares */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *cst_money_format (gint64 cents);

G_END_DECLS
