/* cst-request.h — one release-of-information request */
#pragma once

#include <glib-object.h>

#include "custodian/cst-enums.h"

G_BEGIN_DECLS

#define CST_TYPE_REQUEST (cst_request_get_type ())
G_DECLARE_FINAL_TYPE (CstRequest, cst_request, CST, REQUEST, GObject)

/* An open request this many days or fewer from its legal deadline, or
 * past it, is "at risk" (its due state CST_DUE_SOON, then CST_DUE_OVERDUE). */
#define CST_AT_RISK_DAYS 5
/* HIPAA's clock and its one extension, 45 CFR 164.524(b)(2). */
#define CST_HIPAA_ACCESS_DAYS 30
#define CST_HIPAA_EXTENSION_DAYS 30

CstRequest       *cst_request_new                 (void);
CstRequest       *cst_request_copy                (CstRequest       *self);
void              cst_request_update_from         (CstRequest       *self,
                                                   CstRequest       *source);
gboolean          cst_request_validate            (CstRequest       *self,
                                                   GError          **error);
gboolean          cst_request_check               (CstRequest       *self,
                                                   const char      **bad_property,
                                                   GError          **error);
gboolean          cst_request_same_content        (CstRequest       *a,
                                                   CstRequest       *b);
CstRequest       *cst_request_merge_edits         (CstRequest       *base,
                                                   CstRequest       *mine,
                                                   CstRequest       *theirs,
                                                   GStrv            *both_changed);

gint64            cst_request_get_id              (CstRequest       *self);
int               cst_request_get_version         (CstRequest       *self);
const char       *cst_request_get_reference       (CstRequest       *self);
const char       *cst_request_get_patient_mrn     (CstRequest       *self);
char             *cst_request_dup_patient_name    (CstRequest       *self);
const char       *cst_request_get_requester_name  (CstRequest       *self);
CstRequesterKind  cst_request_get_requester_kind  (CstRequest       *self);
CstRequestStatus  cst_request_get_status          (CstRequest       *self);
const char       *cst_request_get_status_reason   (CstRequest       *self);
const char       *cst_request_get_jurisdiction    (CstRequest       *self);
const char       *cst_request_get_updated_by      (CstRequest       *self);
const GDate      *cst_request_get_received_date   (CstRequest       *self);
const GDate      *cst_request_get_due_date        (CstRequest       *self);
const GDate      *cst_request_get_extended_on     (CstRequest       *self);
gboolean          cst_request_is_extended         (CstRequest       *self);
gboolean          cst_request_get_details_loaded  (CstRequest       *self);
void              cst_request_set_details_loaded  (CstRequest       *self,
                                                   gboolean          loaded);

const char       *cst_request_get_search_key      (CstRequest       *self);
gboolean          cst_request_matches             (CstRequest       *self,
                                                   const char       *folded_query);

CstDueState       cst_request_due_state_on        (CstRequest       *self,
                                                   const GDate      *today);
CstDueState       cst_request_get_due_state       (CstRequest       *self);
int               cst_request_days_left_on        (CstRequest       *self,
                                                   const GDate      *today);
void              cst_request_compute_due_date    (const GDate      *received,
                                                   guint             deadline_days,
                                                   gboolean          extended,
                                                   GDate            *due);

G_END_DECLS
