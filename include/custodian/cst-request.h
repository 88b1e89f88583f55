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

/* The rule that set a request's legal deadline, as the database timed it
 * when the request was opened (migration 0059): kept with the request, as
 * an invoice keeps its fee schedule version. */
typedef struct
{
  char     *rule;               /* "CA-patient@1"; NULL: not timed yet */
  char     *citation;
  char     *compared_citation;  /* the rule whose later deadline lost, or NULL */
  int       days;               /* -1: the law sets no deadline */
  int       compared_days;
  int       extension_days;     /* 0: the rule allows no extension */
  gboolean  business;
  gboolean  compared_business;
  char      confidence;         /* 'C', 'S', 'U'; 0 when not timed */
  GDate     original_due;       /* before any extension; invalid: none */
  GDate     extension_due;      /* where the extension would move it; invalid: none allowed, or taken */
} CstRequestDeadline;

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
const CstRequestDeadline *cst_request_get_deadline (CstRequest      *self);
void              cst_request_set_deadline        (CstRequest       *self,
                                                   const CstRequestDeadline *deadline);
/* FALSE when no law sets a deadline: only the department's target. */
gboolean          cst_request_has_legal_deadline  (CstRequest       *self);
/* Whether the one extension may still be taken; if not, @why_not says why. */
gboolean          cst_request_can_extend          (CstRequest       *self,
                                                   char            **why_not);
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
