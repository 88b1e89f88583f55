/* cst-representative.h — personal representatives on file (45 CFR
 * 164.502(g)), migration 0044 */
#pragma once

#include "custodian/cst-db-types.h"

#include "custodian/cst-request.h"

G_BEGIN_DECLS

typedef enum
{
  CST_AUTHORITY_PARENT_OF_MINOR,
  CST_AUTHORITY_GUARDIAN,
  CST_AUTHORITY_HEALTH_CARE_POA,
  CST_AUTHORITY_EXECUTOR,
  CST_AUTHORITY_ADMINISTRATOR,
} CstRepresentativeAuthority;

/* An authority on file, as read back. */
typedef struct
{
  CstRepresentativeAuthority  authority;
  char                       *name;
  char                       *document;
  GDate                      *valid_until;  /* NULL: no end */
  char                       *verified_by;
  GDateTime                  *verified_at;
} CstRepresentativeInfo;

const char *cst_representative_authority_get_label (CstRepresentativeAuthority authority);

/* Records that @request's requester is the patient's personal
 * representative with @authority proved by @document, valid until
 * @valid_until (NULL: no end).  The connection's user is the checker. */
gint64   cst_representative_record     (PGconn                      *conn,
                                        CstRequest                  *request,
                                        CstRepresentativeAuthority   authority,
                                        const char                  *document,
                                        const GDate                 *valid_until,
                                        GError                     **error);
/* The id of the authority on file for @request's requester on @on, or 0. */
gint64   cst_representative_on_file    (PGconn                      *conn,
                                        CstRequest                  *request,
                                        const GDate                 *on,
                                        GError                     **error);

/* Reads the authority @id (from cst_representative_on_file()) into @info;
 * release it with cst_representative_info_clear(). */
gboolean cst_representative_get        (PGconn                      *conn,
                                        gint64                       id,
                                        CstRepresentativeInfo       *info,
                                        GError                     **error);
void     cst_representative_info_clear (CstRepresentativeInfo       *info);

G_END_DECLS
