/* cst-partition.h — the history tables kept by year
 *
 * resources/sql/0079-history-by-year.sql partitions audit_log, invoices and
 * disclosures by calendar year (UTC); these blocking calls list the years,
 * make them ahead and detach or attach old ones, through the owner-rights
 * functions there (administrators).  For custodian-cli and "db migrate".
 */
#pragma once

#include <glib.h>
#include "custodian/cst-db-types.h"

G_BEGIN_DECLS

/**
 * CstPartitionYear:
 * @table: the table kept by year ("audit_log", "invoices", "disclosures")
 * @year: the calendar year
 * @attached: whether the year is part of its table
 * @rows: the rows a detached year held when detached, -1 when attached
 * @detached_by: (nullable): who detached it
 */
typedef struct
{
  char     *table;
  int       year;
  gboolean  attached;
  gint64    rows;
  char     *detached_by;
} CstPartitionYear;

void       cst_partition_year_free     (CstPartitionYear *year);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstPartitionYear, cst_partition_year_free)

GPtrArray *cst_partition_years_at      (const char  *conninfo,
                                        GError     **error);
int        cst_partition_ensure_ahead  (PGconn      *conn,
                                        GError     **error);
int        cst_partition_ensure_at     (const char  *conninfo,
                                        const char  *table,
                                        int          year,
                                        GError     **error);
gint64     cst_partition_detach_at     (const char  *conninfo,
                                        const char  *table,
                                        int          year,
                                        const char  *tablespace,
                                        GError     **error);
gint64     cst_partition_attach_at     (const char  *conninfo,
                                        const char  *table,
                                        int          year,
                                        GError     **error);

G_END_DECLS
