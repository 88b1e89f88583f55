/* cst-backup.h — a backup with PostgreSQL's own tools: the database in
 * pg_dump's custom format and the cluster's roles (pg_dumpall
 * --roles-only), the two files the README's restore needs */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char   *dump_path;   /* custodian-STAMP.dump: pg_restore reads it */
  char   *roles_path;  /* custodian-roles-STAMP.sql: psql runs it first */
  gint64  head_seq;    /* the audit chain's head before the dump began: */
  char   *head_hash;   /* the restore holds it (audit verify --anchor) */
} CstBackup;

CstBackup *cst_backup_at   (const char  *conninfo,
                            const char  *folder,
                            GError     **error);
void       cst_backup_free (CstBackup   *backup);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstBackup, cst_backup_free)

G_END_DECLS
