/* cst-spare-rows.h — the request list's rows as the column view sees
 * them: the slots, and past their end the first slots kept as spare rows */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CST_TYPE_SPARE_ROWS (cst_spare_rows_get_type ())
G_DECLARE_FINAL_TYPE (CstSpareRows, cst_spare_rows, CST, SPARE_ROWS, GObject)

CstSpareRows *cst_spare_rows_new       (GListModel   *slots,
                                        guint         n_kept);
guint         cst_spare_rows_get_n_rows (CstSpareRows *self);

G_END_DECLS
