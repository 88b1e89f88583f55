/* cst-deadline.h — the legal deadline to act on a request, as data
 *
 * A deadline rule is one versioned, effective-dated reading of a law for
 * one jurisdiction (a state, or "US" for HIPAA) and a set of requester
 * classes: how many days from receipt (or none), counted as calendar or
 * business days with a holiday calendar, how far its one extension goes,
 * its citation and how sure the reading is.  The rules ship in
 * resources/seed/deadline-rules.ini and live in the deadline_rules table
 * (migration 0059); the database computes a request's deadline with the
 * same arithmetic (roi_deadline_for), and a test checks the two agree.
 */
#pragma once

#include <glib.h>

#include "custodian/cst-fee-schedule.h"
#include "custodian/cst-request.h"

G_BEGIN_DECLS

/* Who asks, as the law sorts it. */
typedef enum
{
  CST_DEADLINE_INDIVIDUAL,
  CST_DEADLINE_PERSONAL_REPRESENTATIVE,
  CST_DEADLINE_DIRECTIVE,        /* the individual directs a copy to a third party */
  CST_DEADLINE_THIRD_PARTY,      /* under the individual's authorization */
  CST_DEADLINE_LEGAL_PROCESS,    /* subpoena, court or agency order */
} CstDeadlineClass;
#define CST_DEADLINE_N_CLASSES 5

typedef enum
{
  CST_DEADLINE_HOLIDAYS_FEDERAL,   /* 5 U.S.C. 6103, observed */
  CST_DEADLINE_HOLIDAYS_WA,        /* RCW 1.16.050 */
} CstDeadlineHolidays;

const char *cst_deadline_class_to_nick   (CstDeadlineClass  klass);
gboolean    cst_deadline_class_from_nick (const char       *nick,
                                          CstDeadlineClass *klass);
const char *cst_deadline_class_get_label (CstDeadlineClass  klass);
/* The class of a request, by the fee engine's requester and purpose: a
 * subpoena is legal process, whoever brings it. */
CstDeadlineClass cst_deadline_class_for  (CstFeeRequester   requester,
                                          CstFeePurpose     purpose);

/* The calendar arithmetic. */
gboolean    cst_deadline_is_holiday      (const GDate          *date,
                                          CstDeadlineHolidays   holidays);
gboolean    cst_deadline_is_business_day (const GDate          *date,
                                          CstDeadlineHolidays   holidays);
void        cst_deadline_add_days        (const GDate          *from,
                                          guint                 days,
                                          gboolean              business,
                                          CstDeadlineHolidays   holidays,
                                          GDate                *result);

typedef struct _CstDeadlineRule CstDeadlineRule;
typedef struct _CstDeadlineRuleSet CstDeadlineRuleSet;

const char         *cst_deadline_rule_get_key          (const CstDeadlineRule *rule);
int                 cst_deadline_rule_get_version      (const CstDeadlineRule *rule);
/* "CA-patient@1": how a request names the rule version it was timed by. */
char               *cst_deadline_rule_dup_version_label (const CstDeadlineRule *rule);
const char         *cst_deadline_rule_get_jurisdiction (const CstDeadlineRule *rule);
/* -1: the law sets no deadline. */
int                 cst_deadline_rule_get_days         (const CstDeadlineRule *rule);
gboolean            cst_deadline_rule_get_business     (const CstDeadlineRule *rule);
CstDeadlineHolidays cst_deadline_rule_get_holidays     (const CstDeadlineRule *rule);
int                 cst_deadline_rule_get_extension_days (const CstDeadlineRule *rule);
CstFeeConfidence    cst_deadline_rule_get_confidence   (const CstDeadlineRule *rule);
const char         *cst_deadline_rule_get_citation     (const CstDeadlineRule *rule);
const char         *cst_deadline_rule_get_note         (const CstDeadlineRule *rule);
const char         *cst_deadline_rule_get_source       (const CstDeadlineRule *rule);
void                cst_deadline_rule_get_effective    (const CstDeadlineRule *rule,
                                                        GDate                 *from,
                                                        GDate                 *to);
gboolean            cst_deadline_rule_has_class        (const CstDeadlineRule *rule,
                                                        CstDeadlineClass       klass);
/* The rule as one group of deadline-rules.ini (without its version). */
char               *cst_deadline_rule_to_text          (const CstDeadlineRule *rule);
gboolean            cst_deadline_rule_applies          (const CstDeadlineRule *rule,
                                                        const char            *jurisdiction,
                                                        CstDeadlineClass       klass,
                                                        CstFeeFormat           format,
                                                        const GDate           *received);
/* FALSE when the rule sets no deadline. */
gboolean            cst_deadline_rule_due              (const CstDeadlineRule *rule,
                                                        const GDate           *received,
                                                        GDate                 *due);

CstDeadlineRuleSet *cst_deadline_rule_set_ref        (CstDeadlineRuleSet *set);
void                cst_deadline_rule_set_unref      (CstDeadlineRuleSet *set);
CstDeadlineRuleSet *cst_deadline_rule_set_new_from_keyfile (GKeyFile   *keyfile,
                                                            GError    **error);
CstDeadlineRuleSet *cst_deadline_rule_set_new_from_data (const char  *data,
                                                         gssize       length,
                                                         GError     **error);
CstDeadlineRuleSet *cst_deadline_rule_set_new_from_seed (GError **error);
GBytes             *cst_deadline_rule_seed_bytes      (GError **error);
/* (element-type CstDeadlineRule) */
GPtrArray          *cst_deadline_rule_set_get_rules  (CstDeadlineRuleSet *set);

/* The deadline that governs one request. */
typedef struct
{
  const CstDeadlineRule *rule;       /* the governing rule; NULL if none applies */
  const CstDeadlineRule *compared;   /* the other rule that set a later deadline, or NULL */
  GDate                  due;        /* invalid when there is no legal deadline */
} CstDeadline;

gboolean            cst_deadline_rule_set_govern     (CstDeadlineRuleSet *set,
                                                      const char         *jurisdiction,
                                                      CstDeadlineClass    klass,
                                                      CstFeeFormat        format,
                                                      const GDate        *received,
                                                      CstDeadline        *deadline);
/* Which rule governs and why, in one translated sentence. */
char               *cst_deadline_describe            (const CstDeadline  *deadline);
char               *cst_deadline_describe_request    (CstRequest         *request);
char               *cst_deadline_to_json             (const CstDeadline  *deadline);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstDeadlineRuleSet, cst_deadline_rule_set_unref)

G_END_DECLS
