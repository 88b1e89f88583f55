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
/* The default facility and up to 19 demo ones, each in a state of its own
 * (cst-demo.c says which, and why). */
#define CST_DEMO_MAX_FACILITIES 20
gboolean cst_demo_seed_facilities (PGconn   *conn,
                                   guint     n_requests,
                                   guint     n_facilities,
                                   GError  **error);
gint     cst_demo_invoice (PGconn  *conn,
                           guint    max_invoices,
                           GError **error);

/* What cst_demo_seed_at did. */
typedef struct
{
  guint    pending_migrations;  /* > 0: the schema is behind; nothing was done */
  gint64   existing_requests;   /* requests the database held before */
  gboolean seeded;              /* FALSE when asked only if empty and it was not */
  gint     invoiced;            /* demo invoices issued */
} CstDemoSeedResult;

/* All of the demo on a connection of its own to @owner_conninfo (demo data
 * is set-up data, written as the owner like the migrations): refuses a
 * schema with migrations pending, fills the facility in, and unless
 * @only_if_empty finds requests, adds @n_requests spread over
 * @n_facilities (cst_demo_seed_facilities) and invoices up to
 * @max_invoices of the released ones.  For custodian-cli. */
gboolean cst_demo_seed_at (const char         *owner_conninfo,
                           guint               n_requests,
                           guint               n_facilities,
                           gboolean            only_if_empty,
                           guint               max_invoices,
                           CstDemoSeedResult  *result,
                           GError            **error);

G_END_DECLS
