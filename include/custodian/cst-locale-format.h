/* cst-locale-format.h — money and dates as the user's locale writes them */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *cst_locale_format_money (gint64       cents);
char *cst_locale_format_date  (const GDate *date);
char *cst_locale_format_date_time (GDateTime *time);

G_END_DECLS
