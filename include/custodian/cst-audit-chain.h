/* cst-audit-chain.h — the tamper-evident audit log
 *
 * resources/sql/0003-audit-chain.sql links every audit_log row into a
 * SHA-256 hash chain and defines its canonical serialization; this side
 * recomputes the chain independently of any SQL function, and records
 * application events ("report.exported") in the log.
 */
#pragma once

#include <glib.h>
#include "custodian/cst-db-types.h"

G_BEGIN_DECLS

#define CST_AUDIT_CHAIN_HASH_LEN 32

/**
 * CstAuditChainReport:
 * @intact: whether every row is linked and every link holds
 * @rows_checked: rows walked
 * @head_seq: the last chain position walked
 * @head_hash: its hash, 64 lower-case hex digits; record it somewhere
 *   outside the database and pass it back as an anchor later
 * @broken_id: audit_log.id of the first row where the chain breaks, or 0
 * @broken_seq: that row's chain position, 0 when it is not linked at all
 * @broken_year: the year (UTC) that row was written in, 0 when unknown
 * @problem: what is wrong there (translated), NULL when intact
 * @rows_pending: rows committed while the check started, not linked yet
 *   (not a break: see 0051-audit-chain-no-waiting.sql)
 * @years_unseen: (element-type gint): the detached years whose chain
 *   positions the walk stepped over, in order (0079-history-by-year.sql)
 * @anchor_unseen: the anchor's position lies in a detached year, so it
 *   could not be checked
 */
typedef struct
{
  gboolean  intact;
  gint64    rows_checked;
  gint64    head_seq;
  char     *head_hash;
  gint64    broken_id;
  gint64    broken_seq;
  char     *problem;
  gint64    rows_pending;
  GArray   *years_unseen;
  gboolean  anchor_unseen;
  int       broken_year;
} CstAuditChainReport;

/**
 * CstAuditWalkFlags:
 * @CST_AUDIT_WALK_DEFAULT: this program recomputes every row's hash from its
 *   columns, reading each year in chain order by its chain_seq index
 * @CST_AUDIT_WALK_HASH_ON_SERVER: PostgreSQL's built-in sha256() hashes each
 *   row's serialization where the rows are, by an expression this program
 *   sends (every function named in pg_catalog), and only positions, links
 *   and hashes cross the wire; this program still checks every hash against
 *   the stored one, and every link.  It trusts the server's own functions
 *   too, which only a superuser can change (DESIGN.md, "Reading and
 *   hashing the log")
 * @CST_AUDIT_WALK_AS_STORED: each year is read by one sequential scan, in
 *   the order the table holds its rows; runs of consecutive positions are
 *   checked as they come and put in chain order at the end (the same
 *   checks, the same report)
 *
 * How `audit verify` reads and hashes the log.
 */
typedef enum
{
  CST_AUDIT_WALK_DEFAULT = 0,
  CST_AUDIT_WALK_HASH_ON_SERVER = 1 << 0,
  CST_AUDIT_WALK_AS_STORED = 1 << 1,
} CstAuditWalkFlags;

void                 cst_audit_chain_report_free (CstAuditChainReport *report);
CstAuditChainReport *cst_audit_chain_verify      (PGconn              *conn,
                                                  gint64               anchor_seq,
                                                  const char          *anchor_hash,
                                                  GError             **error);
/* The same on connections of its own to @conninfo, opened and closed
 * here: for a front end that holds none (custodian-cli).  The years of the
 * log are read side by side, @jobs at a time (0: one per processor). */
CstAuditChainReport *cst_audit_chain_verify_years (const char         *conninfo,
                                                   guint               jobs,
                                                   gint64              anchor_seq,
                                                   const char         *anchor_hash,
                                                   GError            **error);
/* The same, read and hashed as @flags say. */
CstAuditChainReport *cst_audit_chain_verify_walk (const char          *conninfo,
                                                  guint                jobs,
                                                  CstAuditWalkFlags    flags,
                                                  gint64               anchor_seq,
                                                  const char          *anchor_hash,
                                                  GError             **error);
CstAuditChainReport *cst_audit_chain_verify_at   (const char          *conninfo,
                                                  gint64               anchor_seq,
                                                  const char          *anchor_hash,
                                                  GError             **error);
gint64               cst_audit_chain_link_pending (PGconn             *conn,
                                                   gboolean            wait,
                                                   GError            **error);
gboolean             cst_audit_chain_parse_anchor (const char         *text,
                                                   gint64             *seq,
                                                   char              **hash,
                                                   GError            **error);

gint64               cst_audit_log_event         (PGconn              *conn,
                                                  const char          *kind,
                                                  const char * const  *details,
                                                  GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstAuditChainReport, cst_audit_chain_report_free)

G_END_DECLS
