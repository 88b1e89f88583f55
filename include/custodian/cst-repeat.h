/* cst-repeat.h — repeat requests, linked and escalated (migration 0042)
 *
 * The database links a new request to the earliest open one it repeats
 * (same patient; same requester, or the patient's own access again) and
 * raises its priority and supervisor flag; these read that back.
 */
#pragma once

#include "custodian/cst-db-types.h"

#include "custodian/cst-request.h"

G_BEGIN_DECLS

typedef struct
{
  gint64    repeat_of;            /* 0 when the request repeats none */
  char     *repeat_of_reference;  /* NULL when it repeats none */
  guint     priority;             /* how many open requests it repeats */
  gboolean  supervisor_flag;
} CstRepeat;

void       cst_repeat_clear       (CstRepeat   *repeat);
gboolean   cst_repeat_load        (PGconn      *conn,
                                   CstRequest  *request,
                                   CstRepeat   *repeat,
                                   GError     **error);
/* Ids of the requests linked to @request as its repeats, oldest first. */
GArray    *cst_repeat_list_repeats (PGconn     *conn,
                                   CstRequest  *request,
                                   GError     **error);

G_END_DECLS
