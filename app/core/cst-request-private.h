/* cst-request-private.h — filling a new CstRequest without notifications */
#pragma once

#include "custodian/cst-request.h"

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
  const GDate      *received;
  const GDate      *due;
  const GDate      *extended_on;
} CstRequestSummary;

CstRequest *_cst_request_new_from_summary (const CstRequestSummary *summary);

G_END_DECLS
