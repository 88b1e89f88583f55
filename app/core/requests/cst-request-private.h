/* cst-request-private.h — filling a new CstRequest without notifications */
#pragma once

#include <libpq-fe.h>

#include "custodian/cst-request.h"
#include "custodian/cst-request-rows.h"

G_BEGIN_DECLS

/* The list's columns of one request, as read from the database. */
typedef struct
{
  gint64            id;
  gint64            patient_id;
  gint64            requester_id;
  int               version;
  CstRequestStatus  status;
  CstRequesterKind  requester_kind;
  const char       *reference;
  const char       *jurisdiction;
  const char       *patient_mrn;
  const char       *patient_family_name;
  const char       *patient_given_name;
  const char       *requester_name;
  const char       *updated_by;
  const char       *facility_code;
  const GDate      *received;
  const GDate      *due;
  const GDate      *extended_on;
} CstRequestSummary;

CstRequest *_cst_request_new_from_summary (const CstRequestSummary *summary);
CstRequest *_cst_request_new_from_row     (const CstRequestSummary *summary,
                                           const char              *search_key);
void        _cst_request_fold_summary_key_into (const CstRequestSummary *summary,
                                                GString                 *key);
void        _cst_request_get_summary      (CstRequest              *self,
                                           CstRequestSummary       *summary);

/* The listing thread's way into the rows (cst-request-rows.c). */
guint       _cst_request_rows_place_deadline (CstRequestRows           *rows,
                                              const CstRequestDeadline *deadline);
void        _cst_request_rows_append_listed  (CstRequestRows           *rows,
                                              const CstRequestSummary  *summary,
                                              const char               *key,
                                              gsize                     key_length,
                                              guint                     deadline,
                                              guint32                   original_due);
void        _cst_request_rows_sort_listed    (CstRequestRows           *rows);
void        _cst_request_rows_trim           (CstRequestRows           *rows);

/* The id where the request keeps it: a key for a g_int64_hash() table of
 * requests by id, valid while the request lives (a stored request's id
 * never changes). */
const gint64 *_cst_request_get_id_key (CstRequest *self);

/* A versioned change of @request matched no row: sets @error to why
 * (gone, closed, not this role's, or someone else's newer version). */
void        _cst_request_repo_explain_missed_update (PGconn      *conn,
                                                     CstRequest  *request,
                                                     GError     **error);

/* cst_request_repo_get()'s statement ($1: the id) and the request its
 * result holds: for a caller that sends the statement in a pipeline of
 * its own (the release, cst-release.c). */
extern const char _cst_request_repo_get_sql[];
CstRequest *_cst_request_repo_get_result (const PGresult  *res,
                                          GError         **error);

G_END_DECLS
