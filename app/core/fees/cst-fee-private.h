/* cst-fee-private.h — the fee engine's internals, shared by its .c files
 *
 * Schedules and quotes are plain structs, not GObjects: the engine quotes
 * millions of requests a second from cached schedules, and a quote is one
 * allocation.
 */
#pragma once

#include "custodian/cst-fee-engine.h"
#include "custodian/cst-fee-quote.h"
#include "custodian/cst-fee-schedule.h"

G_BEGIN_DECLS

/* Refused as absurd.  The page limit matches roi_requests.page_count. */
#define CST_FEE_MAX_PAGES         G_GINT64_CONSTANT (1000000)
#define CST_FEE_MAX_YEARS         G_GINT64_CONSTANT (200)
#define CST_FEE_MAX_AMOUNT_CENTS  G_GINT64_CONSTANT (10000000)   /* $100,000 */
#define CST_FEE_MAX_MINUTES       G_GINT64_CONSTANT (100000)
#define CST_FEE_MAX_PERCENT       1000
#define CST_FEE_MAX_TAX_BP        5000                           /* 50% */
#define CST_FEE_MAX_TIERS         8
#define CST_FEE_MAX_LINES         16
#define CST_FEE_MAX_NOTES         8

/* OCR's flat fee for electronic copies of electronically maintained PHI:
 * "not to exceed $6.50, inclusive of all labor, supplies, and postage"
 * (HHS FAQ 2030; 45 CFR 164.524(c)(4)). */
#define CST_FEE_HIPAA_FLAT_CEILING_CENTS G_GINT64_CONSTANT (650)

typedef struct
{
  gint64   first;   /* first page, from 1 */
  gint64   last;    /* last page, 0 = no end */
  gint64   cents;   /* per page, or for the whole tier when flat */
  gboolean flat;    /* charged once when any page falls in the tier */
} CstFeeTier;

typedef struct
{
  gboolean         covered;
  int              percent_of_paper;  /* > 0: charged at this percent of the paper tiers */
  int              n_tiers;
  CstFeeTier       tiers[CST_FEE_MAX_TIERS];
  CstFeeConfidence confidence;        /* 0: the schedule's own */
} CstFeeFormatRates;

typedef enum
{
  CST_FEE_POSTAGE_ACTUAL,    /* actual postage is added as its own line */
  CST_FEE_POSTAGE_INCLUDED,  /* the fee covers mailing; no postage line */
} CstFeePostage;

struct _CstFeeSchedule
{
  gatomicrefcount    ref;
  char              *key;
  int                version;
  char              *version_label;       /* "PA-2025@1" */
  CstFeeScheduleKind kind;
  char               jurisdiction[3];
  guint              providers;           /* bit masks of the enums */
  guint              requesters;
  guint              purposes;
  guint32            from;                /* Julian days, inclusive */
  guint32            to;                  /* 0 = open-ended */
  CstFeeConfidence   confidence;
  char              *citation;
  char              *source;
  char              *note;
  gboolean           indigent_only;       /* condition=indigent */

  gint64             request_fee_cents;   /* search/retrieval, handling or base fee */
  char              *request_fee_label;
  gint64             per_year_cents;
  gint64             certification_cents;
  gint64             minimum_cents;
  gint64             cap_cents;
  gint64             electronic_cap_cents;  /* electronic and media copies; 0: cap_cents */
  CstFeePostage      postage;
  gint64             tax_basis_points;
  gint64             clerical_rate_cents;
  gint64             clerical_per_minutes;
  gboolean           clerical_round_up;
  CstFeeFormatRates  formats[CST_FEE_N_FORMATS];

  /* HIPAA: the flat fee and the hospital's average-cost schedule, whose
   * labor tiers live in formats[]. */
  gint64             flat_cents;
  CstFeeMethod       default_method;
  gint64             supplies_per_page_cents;
  gint64             media_cents;
};

struct _CstFeeScheduleSet
{
  gatomicrefcount  ref;
  GPtrArray       *schedules;         /* CstFeeSchedule*, sorted by jurisdiction */
  guint16          index_start[26 * 26];
  guint16          index_count[26 * 26];
  CstFeeMethod     default_method;
  GHashTable      *claimed;           /* keys of facilities' own schedules (0091), or NULL */
};

/* An exact amount of cents: num / den, den > 0. */
typedef struct
{
  gint64 num;
  gint64 den;
} CstFeeExact;

typedef enum
{
  CST_FEE_NOTE_TEXT,                 /* schedule note or fixed text in @text */
  CST_FEE_NOTE_STATE_HIGHER,         /* state maximum would have been @amount */
  CST_FEE_NOTE_HIPAA_HIGHER,         /* HIPAA fee would have been @amount */
  CST_FEE_NOTE_EQUAL,
  CST_FEE_NOTE_REQUEST_FEE_EXCLUDED,
  CST_FEE_NOTE_PER_YEAR_EXCLUDED,
  CST_FEE_NOTE_CERTIFICATION_EXCLUDED,
  CST_FEE_NOTE_CLERICAL_EXCLUDED,
  CST_FEE_NOTE_NO_STATE_SCHEDULE,
  CST_FEE_NOTE_FORMAT_NOT_IN_STATE,
  CST_FEE_NOTE_POSTAGE_UNKNOWN,
  CST_FEE_NOTE_POSTAGE_INCLUDED,
  CST_FEE_NOTE_FLAT_INCLUSIVE,
  CST_FEE_NOTE_CIOX,
  CST_FEE_NOTE_DIRECTIVE_WITHOUT_FEE, /* @amount: total without the request fee */
  CST_FEE_NOTE_HITECH,
  CST_FEE_NOTE_NO_CERTIFICATION_FEE,
  CST_FEE_NOTE_UNCONFIRMED,
  CST_FEE_NOTE_FACILITY_LOWER,       /* state maximum would have been @amount */
  CST_FEE_NOTE_FACILITY_NOT_LOWER,   /* hospital's amount not below @amount */
  CST_FEE_NOTE_NO_STATE_MAXIMUM,     /* the law sets none: the hospital's schedule applies */
} CstFeeNoteKind;

typedef struct
{
  CstFeeNoteKind        kind;
  gint64                amount;
  const CstFeeSchedule *schedule;
  const char           *text;
} CstFeeNote;

struct _CstFeeLine
{
  CstFeeLineKind        kind;
  CstFeeFormat          format;
  gint64                quantity;
  CstFeeExact           unit;
  CstFeeExact           exact;
  gint64                amount_cents;
  gint64                first_page;
  gint64                last_page;      /* 0 = open */
  gint64                minutes;
  gint64                rate_cents;
  gboolean              chargeable;
  gboolean              unconfirmed;
  char                  rule[48];
  const CstFeeSchedule *schedule;
  char                 *description;    /* built on first use */
};

struct _CstFeeQuote
{
  gatomicrefcount        ref;
  CstFeeScheduleSet     *set;           /* keeps the schedules alive */
  gint64                 total_cents;
  CstFeeMethod           method;
  char                   jurisdiction[3];
  const CstFeeSchedule  *schedule;      /* the one that produced the charge */
  guint32                date;          /* Julian day received */
  gint64                 state_ceiling_cents;  /* -1: not computed */
  gint64                 hipaa_cents;          /* -1: not computed */
  gboolean               unconfirmed;
  CstFeeRequest          request;       /* what the engine was asked */
  int                    n_lines;
  CstFeeLine             lines[CST_FEE_MAX_LINES];
  int                    n_notes;
  CstFeeNote             notes[CST_FEE_MAX_NOTES];
  GPtrArray             *note_texts;    /* built on first use */
};

gint64          cst_fee_exact_floor      (CstFeeExact exact);
CstFeeExact     cst_fee_exact_make       (gint64 num,
                                          gint64 den);
gboolean        cst_fee_exact_is_whole   (CstFeeExact exact);
char           *cst_fee_exact_format     (CstFeeExact exact);

CstFeeQuote    *cst_fee_quote_new_internal (CstFeeScheduleSet *set);
CstFeeLine     *cst_fee_quote_add_line   (CstFeeQuote          *quote,
                                          CstFeeLineKind        kind,
                                          const CstFeeSchedule *schedule,
                                          const char           *rule,
                                          gint64                quantity,
                                          CstFeeExact           unit,
                                          CstFeeExact           exact);
void            cst_fee_quote_add_note   (CstFeeQuote          *quote,
                                          CstFeeNoteKind        kind,
                                          gint64                amount,
                                          const CstFeeSchedule *schedule,
                                          const char           *text);
void            cst_fee_quote_sum        (CstFeeQuote          *quote);

const CstFeeFormatRates *cst_fee_schedule_rates (const CstFeeSchedule *schedule,
                                                 CstFeeFormat          format);
const CstFeeSchedule    *cst_fee_schedule_set_find (CstFeeScheduleSet *set,
                                                    CstFeeScheduleKind kind,
                                                    const char        *jurisdiction,
                                                    CstFeeProvider     provider,
                                                    CstFeeRequester    requester,
                                                    CstFeePurpose      purpose,
                                                    guint32            date,
                                                    gboolean           indigent);
const CstFeeSchedule    *cst_fee_schedule_set_find_hipaa (CstFeeScheduleSet *set,
                                                          guint32            date);
const CstFeeSchedule    *cst_fee_schedule_set_latest_for (CstFeeScheduleSet *set,
                                                          const char        *jurisdiction,
                                                          CstFeeProvider     provider,
                                                          CstFeeRequester    requester,
                                                          CstFeePurpose      purpose);

/* The keys of a schedule in the data file, in order; the database column
 * of each is the key with '-' written '_'. */
typedef enum
{
  CST_FEE_FIELD_INT,
  CST_FEE_FIELD_TEXT,
  CST_FEE_FIELD_DATE,
  CST_FEE_FIELD_LIST,
  CST_FEE_FIELD_BOOL,
} CstFeeFieldType;

typedef struct
{
  const char     *key;
  const char     *column;
  CstFeeFieldType type;
} CstFeeField;

const CstFeeField *cst_fee_schedule_fields (guint *n_fields);
CstFeeSchedule    *cst_fee_schedule_new_from_values (const char        *key,
                                                     const char *const *values,
                                                     GError           **error);
char              *cst_fee_schedule_field_to_string (const CstFeeSchedule *schedule,
                                                     guint                 field);

/* The hospital schedules (kind=facility) a request may use: its facility's
 * own (@own_key), or where it has none those no facility claimed (0091). */
const CstFeeSchedule *cst_fee_schedule_set_find_hospital (CstFeeScheduleSet *set,
                                                          const char        *own_key,
                                                          const char        *jurisdiction,
                                                          CstFeeProvider     provider,
                                                          CstFeeRequester    requester,
                                                          CstFeePurpose      purpose,
                                                          guint32            date,
                                                          gboolean           indigent);
void                  cst_fee_schedule_set_claim         (CstFeeScheduleSet *set,
                                                          const char        *key);

G_END_DECLS
