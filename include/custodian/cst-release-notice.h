/* cst-release-notice.h — the notices the law requires with released
 * records, as data (0066: release_notices)
 *
 * Each notice has effective-dated versions per code, with its citation and
 * source: federal or a state's, for every packet or only for a category of
 * records (42 CFR Part 2: "part2").  A version's wording may be missing
 * (the 42 CFR 2.32 notice ships without it); a packet that needs it is
 * then refused (cst-packet-assemble.h).  Every role reads them; only an
 * administrator adds a version, and none is ever changed.
 */
#pragma once

#include <glib.h>

#include "custodian/cst-db-types.h"

G_BEGIN_DECLS

typedef struct
{
  char *code;
  char *title;
  char *citation;
  char *jurisdiction;    /* two letters; NULL: federal */
  char *category;        /* NULL: every packet */
  char *wording;         /* NULL: not on file */
  char *source;
  char *effective_from;  /* YYYY-MM-DD */
  char *effective_to;    /* NULL: open-ended */
  char *recorded_by;     /* the server's, when read */
} CstReleaseNotice;

void       cst_release_notice_free    (CstReleaseNotice        *notice);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstReleaseNotice, cst_release_notice_free)

GPtrArray *cst_release_notice_list    (PGconn                  *conn,
                                       GError                 **error);
GPtrArray *cst_release_notice_list_at (const char              *conninfo,
                                       GError                 **error);
gboolean   cst_release_notice_add     (PGconn                  *conn,
                                       const CstReleaseNotice  *notice,
                                       GError                 **error);
gboolean   cst_release_notice_add_at  (const char              *conninfo,
                                       const CstReleaseNotice  *notice,
                                       GError                 **error);

G_END_DECLS
