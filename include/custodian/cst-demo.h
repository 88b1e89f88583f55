/* cst-demo.h — obviously synthetic demonstration data */
#pragma once

#include "custodian/cst-db-types.h"
#include <glib.h>

G_BEGIN_DECLS

gboolean cst_demo_fill_facility (PGconn   *conn,
                                 GError  **error);
gboolean cst_demo_seed (PGconn   *conn,
                        guint     n_requests,
                        GError  **error);
gint     cst_demo_invoice (PGconn  *conn,
                           guint    max_invoices,
                           GError **error);

G_END_DECLS
