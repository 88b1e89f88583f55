/* cst-test-async.h — running the main loop in a test until something
 * happens: an _async call's result, a condition, or some time passing */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef gboolean (*CstTestCondition) (gpointer data);

void          cst_test_result_cb   (GObject          *source,
                                    GAsyncResult     *result,
                                    gpointer          result_out);
GAsyncResult *cst_test_wait_result (GAsyncResult    **result,
                                    int               seconds);
gboolean      cst_test_wait_until  (CstTestCondition  done,
                                    gpointer          data,
                                    int               seconds);
gboolean      cst_test_wait_while  (CstTestCondition  busy,
                                    gpointer          data,
                                    int               seconds);
void          cst_test_iterate_for (guint             ms);
void          cst_test_iterate     (guint             times);
void          cst_test_run_for     (guint             ms);

G_END_DECLS
