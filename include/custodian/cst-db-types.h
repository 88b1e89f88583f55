/* cst-db-types.h — libpq's connection and result, declared and not defined.
 *
 * A header whose prototypes only pass a PGconn or PGresult along includes
 * this instead of <libpq-fe.h>, so a file that includes it (a view above
 * all) does not see libpq.  The names are libpq's own typedefs; C11 allows
 * the same typedef twice, so a file may include both.  What needs libpq's
 * functions or g_autoptr(PGconn) includes "custodian/cst-db.h". */
#pragma once

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;
