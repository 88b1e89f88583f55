/* cst-morning-summary.h — once a day, the requests at risk of missing their
 * legal deadline */
#pragma once

#include <adwaita.h>

#include "cst-request-list-page.h"

G_BEGIN_DECLS

/* The settings key holding the day (YYYY-MM-DD) the summary was last shown. */
#define CST_MORNING_SUMMARY_KEY "morning-summary-date"

GPtrArray *cst_morning_summary_collect        (GListModel         *requests,
                                               const GDate        *today);
char      *cst_morning_summary_describe       (GPtrArray          *at_risk,
                                               const GDate        *today);
gboolean   cst_morning_summary_is_due         (GSettings          *settings,
                                               const GDate        *today);
GtkWindow *cst_morning_summary_maybe_present  (GtkWindow          *parent,
                                               CstRequestListPage *page,
                                               GListModel         *requests,
                                               GSettings          *settings,
                                               const GDate        *today);

G_END_DECLS
