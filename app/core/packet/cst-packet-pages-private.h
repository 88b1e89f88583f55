/* cst-packet-pages-private.h — the build's page selection
 * (cst-packet-build.c asks which pages of a document go in) */
#pragma once

#include "custodian/cst-db-types.h"
#include "custodian/cst-packet.h"

G_BEGIN_DECLS

GArray *cst_packet_pages_included (PGconn                  *conn,
                                   const CstRecordDocument *doc,
                                   GError                 **error);

G_END_DECLS
