/* cst-bar-chart.h — labelled horizontal bars drawn with Cairo */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CST_TYPE_BAR_CHART (cst_bar_chart_get_type ())
G_DECLARE_FINAL_TYPE (CstBarChart, cst_bar_chart, CST, BAR_CHART, GtkWidget)

typedef struct
{
  const char *label;       /* "In progress" */
  gint64      value;       /* the bar's length; negative values draw no bar */
  const char *value_text;  /* nullable: how the value reads ("$12.50"); the number otherwise */
} CstBarChartBar;

GtkWidget  *cst_bar_chart_new             (void);
void        cst_bar_chart_set_title       (CstBarChart          *self,
                                           const char           *title);
const char *cst_bar_chart_get_title       (CstBarChart          *self);
void        cst_bar_chart_set_bars        (CstBarChart          *self,
                                           const CstBarChartBar *bars,
                                           guint                 n_bars);
guint       cst_bar_chart_get_n_bars      (CstBarChart          *self);
const char *cst_bar_chart_get_description (CstBarChart          *self);

G_END_DECLS
