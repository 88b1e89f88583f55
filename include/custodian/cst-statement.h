/* cst-statement.h — turning an itemized bill into a patient-friendly statement
 *
 * Three inputs, one result:
 *   CstStatementRules     the revenue-code → category table and the plain
 *                         wording dictionary (seed data, not code)
 *   CstStatementTemplate  sections, wording, facility, colours, language
 *   CstBill               the itemized bill with its account fields
 * cst_statement_new() computes a CstStatement: totals, category
 * subtotals, the waterfall, payment plans, flags, reconciliation and the
 * readability of the statement's own prose.  A statement is immutable;
 * after a template edit, make a new one (it is cheap: see bench/statements).
 * Money is integer cents throughout.
 */
#pragma once

#include <glib-object.h>

#include "custodian/cst-bill.h"
#include "custodian/cst-remittance.h"

G_BEGIN_DECLS

/* ---- Rules: categories and plain wording ------------------------------ */

typedef struct _CstStatementRules CstStatementRules;

/* The key of the fallback category for unknown revenue codes. */
#define CST_STATEMENT_CATEGORY_OTHER "other"

CstStatementRules *cst_statement_rules_new_default      (GError            **error);
CstStatementRules *cst_statement_rules_new_from_data    (const char         *categories,
                                                         gsize               categories_length,
                                                         const char         *wording,
                                                         gsize               wording_length,
                                                         GError            **error);
CstStatementRules *cst_statement_rules_ref              (CstStatementRules  *rules);
void               cst_statement_rules_unref            (CstStatementRules  *rules);
const char        *cst_statement_rules_category_for_code (CstStatementRules *rules,
                                                          const char        *revenue_code,
                                                          gboolean          *known);
gboolean           cst_statement_rules_is_total_code    (CstStatementRules  *rules,
                                                         const char         *revenue_code);
const char        *cst_statement_rules_category_label   (CstStatementRules  *rules,
                                                         const char         *key,
                                                         const char         *language);
const char        *cst_statement_rules_category_explanation (CstStatementRules *rules,
                                                             const char        *key,
                                                             const char        *language);
guint              cst_statement_rules_category_rank    (CstStatementRules  *rules,
                                                         const char         *key);
const char        *cst_statement_rules_review_note      (CstStatementRules  *rules,
                                                         const char         *revenue_code);
char              *cst_statement_rules_plain_description (CstStatementRules *rules,
                                                          const CstBillLine *line,
                                                          const char        *language);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstStatementRules, cst_statement_rules_unref)

/* ---- Templates ---------------------------------------------------------- */

typedef enum
{
  CST_SECTION_HEADER,
  CST_SECTION_AMOUNT_DUE,
  CST_SECTION_HOW_WE_GOT_THIS,
  CST_SECTION_CATEGORIES,
  CST_SECTION_INSURANCE,
  CST_SECTION_WAYS_TO_PAY,
  CST_SECTION_HELP_PAYING,
  CST_SECTION_QUESTIONS,
  CST_SECTION_RIGHTS,
  CST_SECTION_GLOSSARY,
  CST_SECTION_REMITTANCE,
  CST_SECTION_DETAILS,
  CST_N_SECTIONS
} CstStatementSection;

typedef struct _CstStatementTemplate CstStatementTemplate;

CstStatementTemplate *cst_statement_template_new_from_data (const char   *data,
                                                            gsize         length,
                                                            GError      **error);
CstStatementTemplate *cst_statement_template_new_builtin   (const char   *name,
                                                            const char   *language,
                                                            GError      **error);
CstStatementTemplate *cst_statement_template_copy          (CstStatementTemplate *tpl);
CstStatementTemplate *cst_statement_template_ref           (CstStatementTemplate *tpl);
void                  cst_statement_template_unref         (CstStatementTemplate *tpl);
char                 *cst_statement_template_to_data       (CstStatementTemplate *tpl,
                                                            gsize                *length);
const char           *cst_statement_template_get_name      (CstStatementTemplate *tpl);
const char           *cst_statement_template_get_language  (CstStatementTemplate *tpl);
gint64                cst_statement_template_get_version_id (CstStatementTemplate *tpl);
int                   cst_statement_template_get_version   (CstStatementTemplate *tpl);
void                  cst_statement_template_set_version   (CstStatementTemplate *tpl,
                                                            gint64                version_id,
                                                            int                   version);
gboolean              cst_statement_template_has_text      (CstStatementTemplate *tpl,
                                                            const char           *key);
const char           *cst_statement_template_get_text      (CstStatementTemplate *tpl,
                                                            const char           *key);
const char           *cst_statement_template_get_facility  (CstStatementTemplate *tpl,
                                                            const char           *key);
const char           *cst_statement_template_get_notice    (CstStatementTemplate *tpl,
                                                            const char           *key);
gboolean              cst_statement_template_set_string    (CstStatementTemplate *tpl,
                                                            const char           *group,
                                                            const char           *key,
                                                            const char           *value,
                                                            GError              **error);
const CstStatementSection *cst_statement_template_get_sections (CstStatementTemplate *tpl,
                                                                guint                *n_sections);
gboolean              cst_statement_template_set_sections  (CstStatementTemplate      *tpl,
                                                            const CstStatementSection *sections,
                                                            guint                      n_sections,
                                                            GError                   **error);
gboolean              cst_statement_template_has_section   (CstStatementTemplate *tpl,
                                                            CstStatementSection   section);
double                cst_statement_template_get_font_size (CstStatementTemplate *tpl);
guint32               cst_statement_template_get_color     (CstStatementTemplate *tpl,
                                                            const char           *name);
const guint          *cst_statement_template_get_plan_months (CstStatementTemplate *tpl,
                                                              guint                *n_months);
guint                 cst_statement_template_get_plan_apr  (CstStatementTemplate *tpl);
gint64                cst_statement_template_get_plan_minimum (CstStatementTemplate *tpl);
guint                 cst_statement_template_get_days      (CstStatementTemplate *tpl,
                                                            const char           *key,
                                                            guint                 fallback);
char                 *cst_statement_template_format_date   (CstStatementTemplate *tpl,
                                                            const GDate          *date);
const char           *cst_statement_section_to_nick        (CstStatementSection   section);
const char           *cst_statement_section_get_label      (CstStatementSection   section);
const char           *cst_statement_wording_get_label      (const char           *key);
gboolean              cst_statement_section_from_nick      (const char           *nick,
                                                            CstStatementSection  *section);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstStatementTemplate, cst_statement_template_unref)

/* ---- The statement ------------------------------------------------------ */

typedef enum
{
  CST_STATUS_NEW_BILL,
  CST_STATUS_REMINDER,
  CST_STATUS_PAST_DUE,
  CST_STATUS_PAID_IN_FULL,
  CST_STATUS_CREDIT,
  CST_STATUS_WAITING_FOR_INSURANCE,
} CstStatementStatus;

/* The statement's place in the billing cycle, by the age of the balance
 * (the template's reminder-, past-due- and final-notice-after-days). */
typedef enum
{
  CST_VARIANT_FIRST,
  CST_VARIANT_REMINDER,
  CST_VARIANT_PAST_DUE,
  CST_VARIANT_FINAL_NOTICE,
} CstStatementVariant;

/* IRC 501(r): no collection action before 120 days from the first
 * statement after discharge (statement-spec 3.1). */
#define CST_STATEMENT_COLLECTIONS_MIN_DAYS 120

typedef enum
{
  CST_FLAG_NOT_RECONCILED,
  CST_FLAG_UNKNOWN_REVENUE_CODE,
  CST_FLAG_POSSIBLE_DUPLICATE,
  CST_FLAG_UNMATCHED_REVERSAL,
  CST_FLAG_READABILITY,
  CST_FLAG_OFTEN_NOT_COVERED,
} CstStatementFlagKind;

/* Something staff should review.  lines are indexes into bill->lines. */
typedef struct
{
  CstStatementFlagKind  kind;
  char                 *message;
  GArray               *lines;      /* of guint */
} CstStatementFlag;

typedef struct
{
  char   *key;
  char   *label;
  char   *explanation;
  gint64  charges_cents;
  gint64  insurer_paid_cents;      /* 0 for claim-level bills: see charges_only */
  gint64  adjustment_cents;
  gint64  patient_resp_cents;
  GArray *lines;                   /* of guint: the source lines in bill->lines */
} CstStatementCategory;

/* One line of "Details of your charges": a bill line, or a line and the
 * reversals netted against it. */
typedef struct
{
  GDate       service_date;
  const char *category_key;        /* owned by the rules */
  char       *description;         /* plain wording */
  char       *original;            /* the CDM text, for the small grey line */
  char        revenue_code[5];
  char        cpt_hcpcs[6];
  gint64      units;
  gint64      charge_cents;
  gint64      insurer_paid_cents;
  gint64      adjustment_cents;
  gint64      patient_resp_cents;
  GArray     *lines;               /* of guint: first the line, then its reversals */
  gboolean    possible_duplicate;
} CstStatementItem;

typedef struct
{
  const char *key;                 /* wording key, e.g. "how-insurance" */
  char       *label;
  gint64      amount_cents;        /* shown as a positive amount */
  int         sign;                /* +1 charges, -1 subtracted, 0 the result */
} CstWaterfallRow;

/* months payments: months-1 of monthly_cents and a last one of last_cents.
 * Without interest the last one carries the remainder (it is never
 * smaller); with interest it is what is left (never larger). */
typedef struct
{
  guint  months;
  gint64 monthly_cents;
  gint64 last_cents;
  gint64 total_cents;
  guint  apr_basis_points;
} CstPaymentPlan;

/* Which formula scored the text: Flesch for English; for Spanish the
 * Szigriszt-Pazos perspicuity read on the INFLESZ scale (Barrio-Cantalejo
 * 2008), with Fernández Huerta alongside for information. */
typedef enum
{
  CST_READABILITY_NONE,
  CST_READABILITY_FLESCH,
  CST_READABILITY_INFLESZ,
} CstReadabilityFormula;

/* INFLESZ: below 55 is "somewhat difficult" or worse for the public. */
#define CST_READABILITY_INFLESZ_TARGET 55.0

typedef struct
{
  guint    words;
  guint    sentences;
  guint    syllables;
  guint    polysyllables;
  guint    long_sentences;         /* more than 20 words */
  gboolean scored;                 /* TRUE when a formula fits the language */
  double   grade;                  /* Flesch-Kincaid grade level (English) */
  double   reading_ease;           /* Flesch Reading Ease (English) */
  double   smog;
  CstReadabilityFormula formula;
  double   perspicuity;            /* Szigriszt-Pazos, INFLESZ scale (Spanish) */
  double   fernandez_huerta;       /* Fernández Huerta (Spanish) */
} CstReadability;

typedef struct
{
  /*< private >*/
  gatomicrefcount       ref_count;
  /*< public >*/
  CstBill              *bill;
  CstStatementTemplate *template;
  CstStatementRules    *rules;
  char                 *language;
  gboolean              claim_level;
  CstStatementStatus    status;
  gint64                total_charges_cents;
  gint64                total_insurer_paid_cents;
  gint64                total_adjustment_cents;
  gint64                total_contract_adjustment_cents;
  gint64                total_fap_adjustment_cents;
  gint64                total_patient_resp_cents;
  gint64                patient_payments_cents;
  gint64                other_credits_cents;
  gint64                balance_cents;       /* negative: we owe the patient */
  gint64                amount_due_cents;    /* what to pay now, >= 0 */
  gint64                credit_cents;        /* what we owe, >= 0 */
  gint64                detail_total_cents;  /* sum of the detail items */
  gboolean              reconciled;
  gboolean              insured;             /* a payer on file, or insurance paid */
  GPtrArray            *categories;          /* of CstStatementCategory, shown order */
  GPtrArray            *items;               /* of CstStatementItem, by date then category */
  GPtrArray            *waterfall;           /* of CstWaterfallRow */
  GPtrArray            *plans;               /* of CstPaymentPlan */
  GPtrArray            *flags;               /* of CstStatementFlag */
  GPtrArray            *prose;               /* of char*: the text that was scored */
  CstReadability        readability;
  /* The payer's remittance for the bill's claim, when one was given
   * (cst_statement_set_remittance): the claim is one of remittance's. */
  CstRemittance            *remittance;
  const CstRemittanceClaim *remittance_claim;
  /* This statement's own link to the payment portal, printed with its QR
   * code; NULL when none was issued (cst-statement-pay.h). */
  char                 *pay_link;
  /* The visit's estimate, when one was given (cst-statement-estimate.h):
   * what it said, how far this bill is above it (negative: below), and
   * whether the patient-provider dispute notice is due, with its deadline. */
  gboolean              has_estimate;
  gboolean              estimate_self_pay;
  gint64                estimate_cents;
  gint64                estimate_difference_cents;
  gboolean              dispute_notice_due;
  GDate                 dispute_deadline;
  /* The variant by the age of the balance: days since the visit's first
   * statement, and for a final notice the first day the hospital may send
   * the bill to collections (never before 120 days, IRC 501(r)). */
  CstStatementVariant   variant;
  int                   age_days;            /* -1 when the first statement's date is unknown */
  GDate                 collections_date;    /* valid for a final notice only */
  /* Financial assistance from a screening (cst-assistance.h): the
   * discount taken off what the patient owes, shown as its own line, the
   * AGB limit for the visit and whether it lowered the amount, and the
   * plan the household can afford (an index into plans, -1 for none). */
  gboolean              assisted;
  guint                 assistance_discount_percent;
  gint64                assistance_cents;
  gint64                agb_limit_cents;
  gboolean              agb_capped;
  gint64                affordable_monthly_cents;
  int                   affordable_plan;
  /*< private >*/
  GHashTable           *values;              /* placeholder → text */
  CstStatementTemplate *shipped;             /* loaded on first need, see cst_statement_dup_text */
} CstStatement;

CstStatement *cst_statement_new            (CstBill              *bill,
                                            CstStatementRules    *rules,
                                            CstStatementTemplate *tpl,
                                            GError              **error);
CstStatement *cst_statement_ref            (CstStatement         *statement);
void          cst_statement_unref          (CstStatement         *statement);
const CstStatementCategory *cst_statement_find_category (CstStatement *statement,
                                                         const char   *key);
GArray       *cst_statement_lines_for_category (CstStatement     *statement,
                                                const char       *key);
guint         cst_statement_count_flags    (CstStatement         *statement,
                                            CstStatementFlagKind  kind);
char         *cst_statement_dup_text       (CstStatement         *statement,
                                            const char           *key);
const char   *cst_statement_status_to_nick (CstStatementStatus    status);
const char   *cst_statement_variant_to_nick (CstStatementVariant  variant);
char         *cst_statement_dup_variant_text (CstStatement       *statement);
const char   *cst_statement_flag_kind_to_nick (CstStatementFlagKind kind);
char         *cst_statement_to_json        (CstStatement         *statement);
gboolean      cst_statement_set_remittance (CstStatement         *statement,
                                            CstRemittance        *remittance,
                                            const char           *claim_id,
                                            GError              **error);
GPtrArray    *cst_statement_remittance_lines (CstStatement       *statement);
guint         cst_statement_glossary_keys  (CstStatement         *statement,
                                            const char          **keys);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstStatement, cst_statement_unref)

/* ---- Readability and payment-plan helpers -------------------------------- *
 * Money is written with cst_money_format() (custodian/cst-money.h).          */

gboolean  cst_payment_plan_compute      (gint64          amount_cents,
                                         guint           months,
                                         guint           apr_basis_points,
                                         CstPaymentPlan *plan);
void      cst_readability_score_text    (const char     *text,
                                         const char     *language,
                                         CstReadability *result);
void      cst_readability_from_counts   (guint           words,
                                         guint           sentences,
                                         guint           syllables,
                                         CstReadability *result);
guint     cst_readability_count_syllables (const char   *word);
guint     cst_readability_count_syllables_es (const char *word);
void      cst_readability_from_counts_es (guint           words,
                                          guint           sentences,
                                          guint           syllables,
                                          CstReadability *result);
gboolean  cst_readability_meets_target  (const CstReadability *result);
const char *cst_readability_inflesz_band (double        perspicuity);
char     *cst_format_placeholders       (const char     *pattern,
                                         GHashTable     *values);

G_END_DECLS
