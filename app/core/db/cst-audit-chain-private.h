/* cst-audit-chain-private.h — the audit log walked year by year
 *
 * cst-audit-years.c walks each year of the log (each partition of 0079)
 * on a connection of its own and checks what one year can check alone:
 * every row's hash, and every link between rows at consecutive chain
 * positions.  What it hands back are runs of consecutive positions and
 * the first row that failed; cst-audit-chain.c then joins the runs of all
 * years in chain order, checking the links between them (the first row of
 * a year after the last of the one before, and the rows interleaved at New
 * Year), the detached years and the chain's ends.
 */
#pragma once

#include <glib.h>

#include "custodian/cst-audit-chain.h"

G_BEGIN_DECLS

#define CST_AUDIT_CHAIN_HEX_LEN (2 * CST_AUDIT_CHAIN_HASH_LEN)

/* The serialized fields of a row, in payload order (0003): chain_seq, id,
 * occurred_at, actor, table_name, row_id, action, old_row, new_row, txid. */
#define CST_AUDIT_CHAIN_N_FIELDS 10

/* A row's fields as the text the serialization takes; NULL for SQL NULL. */
typedef struct
{
  const char *value[CST_AUDIT_CHAIN_N_FIELDS];
  gsize       length[CST_AUDIT_CHAIN_N_FIELDS];
} CstAuditFields;

/* Consecutive chain positions found in one year, every row's hash and
 * every link inside checked; the link into the first row is not. */
typedef struct
{
  gint64  first_seq;
  gint64  last_seq;
  gint64  first_id;
  gint64  last_id;
  int     first_year;
  int     last_year;
  char   *first_prev;                            /* stored, may be NULL */
  char    last_hash[CST_AUDIT_CHAIN_HEX_LEN + 1];
} CstAuditRun;

/* The first row of a year that failed a check there; the year's walk
 * stopped at it. */
typedef struct
{
  gint64  seq;
  gint64  id;
  int     year;
  char   *stored_prev;                           /* may be NULL */
  char   *problem;
} CstAuditFinding;

/* One stretch of occurred_at the walk reads on its own: an attached year,
 * or (year 0) the times outside every attached year, which only the
 * default partition can hold. */
typedef struct
{
  int              year;
  char            *from;
  char            *to;
  gint64           from_seq;                     /* the positions read: a piece */
  gint64           to_seq;                       /* of the stretch, both included */
  GArray          *runs;                         /* CstAuditRun, by position */
  CstAuditFinding *finding;                      /* nullable */
  gboolean         anchor_seen;
} CstAuditYear;

GPtrArray *cst_audit_years_list (PGconn             *conn,
                                 guint               jobs,
                                 GError            **error);
gboolean   cst_audit_years_walk (PGconn             *conn,
                                 const char         *conninfo,
                                 guint               jobs,
                                 CstAuditWalkFlags   flags,
                                 GPtrArray          *years,
                                 gint64              anchor_seq,
                                 const char         *anchor_hash,
                                 GError            **error);
void       cst_audit_years_set_chunk_rows (guint rows);
void       cst_audit_chain_row_hash (const guint8    prev[CST_AUDIT_CHAIN_HASH_LEN],
                                     const CstAuditFields *fields,
                                     GString        *payload,
                                     guint8          out[CST_AUDIT_CHAIN_HASH_LEN],
                                     char            out_hex[CST_AUDIT_CHAIN_HEX_LEN + 1]);

G_END_DECLS
