/* cst-assistance.h — financial assistance applied to a statement
 *
 * The hospital's financial-assistance policy (FAP) is data
 * (resources/seed/financial-assistance.ini, or a file of the same shape
 * the hospital writes): income bands against the HHS poverty guidelines
 * (effective-dated tables, each with its source), the discount of each
 * band, the amounts-generally-billed (AGB) percentage, and the rule for
 * payment plans on assisted balances.
 *
 * A screening (household size, yearly income, date) finds the band.  A
 * statement made with an eligible screening (cst_statement_new_assisted)
 * takes the band's discount off what the patient owes and never asks more
 * than AGB for the visit's care (26 CFR 1.501(r)-5: what the patient is
 * personally responsible for, after insurance and discounts, at most the
 * AGB percentage of gross charges); the discount is its own line of "how
 * we got this amount", and the plans offered follow the policy's plan
 * rule, the one the household can afford marked.
 *
 * Money is integer cents; percentages are whole percent or hundredths of
 * a percent (basis points) as named; no floating point.
 */
#pragma once

#include <glib.h>

#include "custodian/cst-statement.h"

G_BEGIN_DECLS

typedef struct _CstAssistancePolicy CstAssistancePolicy;

typedef enum
{
  CST_ASSISTANCE_NOT_ELIGIBLE,
  CST_ASSISTANCE_FREE,        /* the whole amount the patient owes is forgiven */
  CST_ASSISTANCE_DISCOUNT,    /* a percentage off, and never more than AGB */
} CstAssistanceKind;

/* The most months a policy may offer plans for. */
#define CST_ASSISTANCE_MAX_PLANS 8

typedef struct
{
  CstAssistanceKind kind;
  guint   household_size;
  gint64  income_cents;              /* the household's yearly income */
  gint64  guideline_cents;           /* the poverty guideline for the household */
  int     guideline_year;
  char   *guideline_source;
  guint   percent_of_guideline;      /* income as a whole percent of it, rounded down */
  char   *band;                      /* the band's name; NULL when not eligible */
  guint   discount_percent;          /* 100 for free care, 0 when not eligible */
  guint   agb_basis_points;
  /* The plan rule on assisted balances. */
  guint   plan_months[CST_ASSISTANCE_MAX_PLANS];
  guint   n_plan_months;
  gint64  plan_minimum_monthly_cents;
  gint64  affordable_monthly_cents;  /* monthly income × the policy's share */
} CstAssistanceScreening;

CstAssistancePolicy *cst_assistance_policy_new_default   (GError              **error);
CstAssistancePolicy *cst_assistance_policy_new_from_data (const char           *data,
                                                          gsize                 length,
                                                          GError              **error);
CstAssistancePolicy *cst_assistance_policy_ref           (CstAssistancePolicy  *policy);
void                 cst_assistance_policy_unref         (CstAssistancePolicy  *policy);
guint                cst_assistance_policy_get_agb_basis_points (CstAssistancePolicy *policy);
gboolean             cst_assistance_policy_guideline     (CstAssistancePolicy  *policy,
                                                          guint                 household_size,
                                                          const GDate          *on,
                                                          gint64               *guideline_cents,
                                                          GError              **error);

gboolean  cst_assistance_screen            (CstAssistancePolicy     *policy,
                                            guint                    household_size,
                                            gint64                   income_cents,
                                            const GDate             *on,
                                            CstAssistanceScreening  *screening,
                                            GError                 **error);
void      cst_assistance_screening_clear   (CstAssistanceScreening  *screening);
char     *cst_assistance_screening_describe (const CstAssistanceScreening *screening);

/* A statement for @bill with @screening applied (NULL or not eligible:
 * the same as cst_statement_new()). */
CstStatement *cst_statement_new_assisted   (CstBill                      *bill,
                                            CstStatementRules            *rules,
                                            CstStatementTemplate         *tpl,
                                            const CstAssistanceScreening *screening,
                                            GError                      **error);
/* The help section's sentences in the statement's language: the result
 * of the screening, the AGB promise, the plan the household can afford;
 * empty for a statement made without an eligible screening. */
GPtrArray    *cst_statement_assistance_lines (CstStatement               *statement);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstAssistancePolicy, cst_assistance_policy_unref)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CstAssistanceScreening, cst_assistance_screening_clear)

G_END_DECLS
