/* cst-price-list-repo.h — price lists stored effective-dated (migration 0065)
 *
 * A checked list (cst_price_list_import_csv) is stored whole in one
 * transaction; the list in effect on a day is the one with the latest
 * effective date on or before it.  Billing and administrators store;
 * every role reads.
 */
#pragma once

#include <gio/gio.h>

#include "custodian/cst-connection.h"
#include "custodian/cst-db-types.h"
#include "custodian/cst-price-list.h"

G_BEGIN_DECLS

gint64        cst_price_list_repo_store      (PGconn             *conn,
                                              const CstPriceList *list,
                                              const GDate        *effective_from,
                                              GError            **error);
CstPriceList *cst_price_list_repo_in_effect  (PGconn             *conn,
                                              const GDate        *day,
                                              GError            **error);

/* The same on the connection's worker thread, for the window. */
void          cst_price_list_repo_store_async  (CstConnection      *connection,
                                                CstPriceList       *list,
                                                const GDate        *effective_from,
                                                GCancellable       *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer            user_data);
gint64        cst_price_list_repo_store_finish (CstConnection      *connection,
                                                GAsyncResult       *result,
                                                GError            **error);

G_END_DECLS
