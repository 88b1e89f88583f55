/* cst-fee-schedule.h — release-of-information fee schedules as data
 *
 * A schedule is one versioned, effective-dated table of amounts for one
 * jurisdiction (a state, or "US" for the HIPAA patient-access rule), one
 * or both provider types, a set of requester classes and a set of
 * purposes.  Schedules are written in a readable keyed text format
 * (resources/seed/fee-schedules.ini, and the same keys in PostgreSQL) and
 * validated as a set: overlapping effective dates, tiers with gaps and
 * negative amounts are refused.
 *
 * All amounts are integer cents (gint64).  No floating point anywhere.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  CST_FEE_PROVIDER_HOSPITAL,
  CST_FEE_PROVIDER_PHYSICIAN,
} CstFeeProvider;
#define CST_FEE_N_PROVIDERS 2

typedef enum
{
  CST_FEE_REQUESTER_PATIENT,
  CST_FEE_REQUESTER_PERSONAL_REPRESENTATIVE,
  CST_FEE_REQUESTER_PATIENT_DIRECTIVE,   /* the individual directs a copy to a third party */
  CST_FEE_REQUESTER_ATTORNEY,
  CST_FEE_REQUESTER_INSURER,
  CST_FEE_REQUESTER_PROVIDER,
  CST_FEE_REQUESTER_GOVERNMENT,
  CST_FEE_REQUESTER_OTHER,
} CstFeeRequester;
#define CST_FEE_N_REQUESTERS 8

typedef enum
{
  CST_FEE_PURPOSE_BENEFITS_CLAIM,
  CST_FEE_PURPOSE_PERSONAL_INJURY,
  CST_FEE_PURPOSE_CONTINUING_CARE,
  CST_FEE_PURPOSE_SUBPOENA,
  CST_FEE_PURPOSE_OTHER,
} CstFeePurpose;
#define CST_FEE_N_PURPOSES 5

typedef enum
{
  CST_FEE_FORMAT_PAPER,
  CST_FEE_FORMAT_ELECTRONIC,   /* electronic copy of electronically maintained records */
  CST_FEE_FORMAT_MEDIA,        /* electronic copy on portable media (CD, USB) */
  CST_FEE_FORMAT_MICROFORM,
} CstFeeFormat;
#define CST_FEE_N_FORMATS 4

typedef enum
{
  CST_FEE_DELIVERY_PICKUP,
  CST_FEE_DELIVERY_MAIL,
  CST_FEE_DELIVERY_EMAIL,
  CST_FEE_DELIVERY_PORTAL,
  CST_FEE_DELIVERY_FAX,
} CstFeeDelivery;
#define CST_FEE_N_DELIVERIES 5

typedef enum
{
  CST_FEE_METHOD_DEFAULT,        /* the hospital's configured HIPAA method */
  CST_FEE_METHOD_HIPAA_ACTUAL,
  CST_FEE_METHOD_HIPAA_AVERAGE,
  CST_FEE_METHOD_HIPAA_FLAT,
  CST_FEE_METHOD_STATE_SCHEDULE,
  CST_FEE_METHOD_NO_CHARGE,
} CstFeeMethod;
#define CST_FEE_N_METHODS 6

/**
 * CstFeeScheduleKind:
 * @CST_FEE_SCHEDULE_FEE: a state's fee ceilings
 * @CST_FEE_SCHEDULE_EXEMPTION: the law says no fee for these requests
 * @CST_FEE_SCHEDULE_EXCLUSION: the state schedule does not apply to these
 *   requests, and the law read sets no other amount: refuse to quote
 * @CST_FEE_SCHEDULE_HIPAA: the federal patient-access methods (flat fee,
 *   the hospital's average-cost schedule)
 * @CST_FEE_SCHEDULE_FACILITY: the hospital's own amounts for third-party
 *   requests, charged instead of the state maximum when they come to less
 *   (never more: the state amounts are ceilings)
 */
typedef enum
{
  CST_FEE_SCHEDULE_FEE,
  CST_FEE_SCHEDULE_EXEMPTION,
  CST_FEE_SCHEDULE_EXCLUSION,
  CST_FEE_SCHEDULE_HIPAA,
  CST_FEE_SCHEDULE_FACILITY,
} CstFeeScheduleKind;

/* How sure the data is, after the reference's marks: C confirmed in the
 * primary text, S from a secondary source, U unconfirmed. */
typedef enum
{
  CST_FEE_CONFIDENCE_CONFIRMED = 'C',
  CST_FEE_CONFIDENCE_SECONDARY = 'S',
  CST_FEE_CONFIDENCE_UNCONFIRMED = 'U',
} CstFeeConfidence;

/* Nicks are the command line's and the data file's spelling. */
const char *cst_fee_provider_to_nick   (CstFeeProvider   provider);
gboolean    cst_fee_provider_from_nick (const char      *nick,
                                        CstFeeProvider  *provider);
const char *cst_fee_requester_to_nick  (CstFeeRequester  requester);
gboolean    cst_fee_requester_from_nick (const char     *nick,
                                         CstFeeRequester *requester);
gboolean    cst_fee_requester_is_individual (CstFeeRequester requester);
const char *cst_fee_purpose_to_nick    (CstFeePurpose    purpose);
gboolean    cst_fee_purpose_from_nick  (const char      *nick,
                                        CstFeePurpose   *purpose);
const char *cst_fee_format_to_nick     (CstFeeFormat     format);
gboolean    cst_fee_format_from_nick   (const char      *nick,
                                        CstFeeFormat    *format);
const char *cst_fee_delivery_to_nick   (CstFeeDelivery   delivery);
gboolean    cst_fee_delivery_from_nick (const char      *nick,
                                        CstFeeDelivery  *delivery);
const char *cst_fee_method_to_nick     (CstFeeMethod     method);
gboolean    cst_fee_method_from_nick   (const char      *nick,
                                        CstFeeMethod    *method);

/* Labels are what people read (screens, letters, reports, messages);
 * nicks stay for files, the command line and the database. */
const char *cst_fee_provider_get_label  (CstFeeProvider   provider);
const char *cst_fee_requester_get_label (CstFeeRequester  requester);
const char *cst_fee_purpose_get_label   (CstFeePurpose    purpose);
const char *cst_fee_format_get_label    (CstFeeFormat     format);
const char *cst_fee_delivery_get_label  (CstFeeDelivery   delivery);
const char *cst_fee_method_get_label    (CstFeeMethod     method);
const char *cst_fee_invoice_method_get_label (const char *nick);

typedef struct _CstFeeSchedule CstFeeSchedule;
typedef struct _CstFeeScheduleSet CstFeeScheduleSet;

CstFeeSchedule   *cst_fee_schedule_ref             (CstFeeSchedule *schedule);
void              cst_fee_schedule_unref           (CstFeeSchedule *schedule);
CstFeeSchedule   *cst_fee_schedule_new_from_keyfile (GKeyFile     *keyfile,
                                                     const char   *group,
                                                     GError      **error);
void              cst_fee_schedule_to_keyfile      (const CstFeeSchedule *schedule,
                                                    GKeyFile             *keyfile);
char             *cst_fee_schedule_to_text         (const CstFeeSchedule *schedule);
CstFeeSchedule   *cst_fee_schedule_new_from_text   (const char   *text,
                                                    GError      **error);
CstFeeSchedule   *cst_fee_schedule_dup_next_period (const CstFeeSchedule *schedule,
                                                    GError              **error);
CstFeeSchedule   *cst_fee_schedule_new_version     (const CstFeeSchedule *schedule,
                                                    const char           *edited_text,
                                                    GError              **error);

const char       *cst_fee_schedule_get_key         (const CstFeeSchedule *schedule);
int               cst_fee_schedule_get_version     (const CstFeeSchedule *schedule);
const char       *cst_fee_schedule_get_version_label (const CstFeeSchedule *schedule);
CstFeeScheduleKind cst_fee_schedule_get_kind       (const CstFeeSchedule *schedule);
const char       *cst_fee_schedule_get_jurisdiction (const CstFeeSchedule *schedule);
CstFeeConfidence  cst_fee_schedule_get_confidence  (const CstFeeSchedule *schedule);
gboolean          cst_fee_schedule_is_unconfirmed  (const CstFeeSchedule *schedule);
const char       *cst_fee_schedule_get_citation    (const CstFeeSchedule *schedule);
const char       *cst_fee_schedule_get_source      (const CstFeeSchedule *schedule);
const char       *cst_fee_schedule_get_note        (const CstFeeSchedule *schedule);
void              cst_fee_schedule_get_effective   (const CstFeeSchedule *schedule,
                                                    GDate                *from,
                                                    GDate                *to);
gboolean          cst_fee_schedule_covers_date     (const CstFeeSchedule *schedule,
                                                    const GDate          *date);

CstFeeScheduleSet *cst_fee_schedule_set_ref        (CstFeeScheduleSet *set);
void               cst_fee_schedule_set_unref      (CstFeeScheduleSet *set);
CstFeeScheduleSet *cst_fee_schedule_set_new        (GPtrArray   *schedules,
                                                    GError     **error);
CstFeeScheduleSet *cst_fee_schedule_set_new_from_data (const char  *data,
                                                       gssize       length,
                                                       GError     **error);
CstFeeScheduleSet *cst_fee_schedule_set_new_from_seed (GError **error);
GBytes            *cst_fee_schedule_seed_bytes     (GError **error);
GPtrArray         *cst_fee_schedule_set_get_schedules (CstFeeScheduleSet *set);
CstFeeSchedule    *cst_fee_schedule_set_lookup     (CstFeeScheduleSet *set,
                                                    const char        *key);
CstFeeMethod       cst_fee_schedule_set_get_default_method (CstFeeScheduleSet *set);
gboolean           cst_fee_schedule_set_has_jurisdiction (CstFeeScheduleSet *set,
                                                          const char        *code);

/* One marginal tier of a format's amounts, for forms: pages @first to
 * @last (0: no end), @cents per page, or for the whole tier when @flat. */
typedef struct
{
  gint64   first;
  gint64   last;
  gint64   cents;
  gboolean flat;
} CstFeeTierValue;

GArray            *cst_fee_tiers_parse             (const char            *text,
                                                    GError               **error);
char              *cst_fee_tiers_to_string         (const CstFeeTierValue *tiers,
                                                    guint                  n_tiers);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstFeeSchedule, cst_fee_schedule_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstFeeScheduleSet, cst_fee_schedule_set_unref)

G_END_DECLS
