/* cst-assistance.c — the financial-assistance policy as data, and a screening
 *
 * The policy and the poverty guidelines are a key file (see
 * resources/seed/financial-assistance.ini for its shape).  Income is
 * compared with the guideline in integer arithmetic, so a household
 * exactly at 200% of the guideline is in the 200% band, not the next.
 */
#define G_LOG_DOMAIN "cst-statement"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "custodian/cst-assistance.h"
#include "custodian/cst-error.h"
#include "custodian/cst-input.h"
#include "custodian/cst-money.h"

#define SEED_PATH RESOURCE_BASE "/seed/"

typedef struct
{
  char  *name;
  guint  up_to_percent;
  guint  discount_percent;
} Band;

typedef struct
{
  int     year;
  GDate   effective;
  char   *source;
  gint64  first_cents;
  gint64  additional_cents;
} Guideline;

struct _CstAssistancePolicy
{
  gatomicrefcount ref_count;
  guint   agb_basis_points;
  GArray *bands;              /* of Band, in the policy's order */
  GArray *guidelines;         /* of Guideline, newest effective date first */
  guint   plan_months[CST_ASSISTANCE_MAX_PLANS];
  guint   n_plan_months;
  guint   plan_income_basis_points;
  gint64  plan_minimum_monthly_cents;
};

static gboolean
refuse (GError    **error,
        const char *group,
        const char *key,
        const char *why)
{
  g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
               _("The financial-assistance policy is not usable: [%s] %s %s"), group, key, why);
  return FALSE;
}

/* A whole number from @min to @max, or refused naming the key. */
static gboolean
read_number (GKeyFile    *file,
             const char  *group,
             const char  *key,
             gint64       min,
             gint64       max,
             gint64      *value,
             GError     **error)
{
  g_autofree char *text = g_key_file_get_string (file, group, key, NULL);
  g_autoptr(GError) parse_error = NULL;

  if (text == NULL)
    return refuse (error, group, key, _("is missing."));
  if (!g_ascii_string_to_signed (g_strstrip (text), 10, min, max, value, &parse_error))
    return refuse (error, group, key, _("is not a whole number in range."));
  return TRUE;
}

static void
band_clear (Band *band)
{
  g_free (band->name);
}

static void
guideline_clear (Guideline *guideline)
{
  g_free (guideline->source);
}

static gboolean
read_bands (CstAssistancePolicy *policy,
            GKeyFile            *file,
            GError             **error)
{
  g_auto(GStrv) names = g_key_file_get_string_list (file, "policy", "bands", NULL, NULL);
  guint previous = 0;
  guint previous_discount = 100;

  if (names == NULL || names[0] == NULL)
    return refuse (error, "policy", "bands", _("names no band."));
  for (guint i = 0; names[i]; i++)
    {
      g_autofree char *group = g_strdup_printf ("band %s", g_strstrip (names[i]));
      Band band = { 0 };
      gint64 up_to, discount;

      if (!read_number (file, group, "up-to-percent", 1, 10000, &up_to, error) ||
          !read_number (file, group, "discount-percent", 0, 100, &discount, error))
        return FALSE;
      /* Bands must widen: a narrower one after a wider one could never fit. */
      if ((guint) up_to <= previous)
        return refuse (error, group, "up-to-percent", _("is not above the band before it."));
      previous = (guint) up_to;
      /* More income never earns more help. */
      if ((guint) discount > previous_discount)
        return refuse (error, group, "discount-percent", _("is above the band before it."));
      previous_discount = (guint) discount;
      band.name = g_strdup (names[i]);
      band.up_to_percent = (guint) up_to;
      band.discount_percent = (guint) discount;
      g_array_append_val (policy->bands, band);
    }
  return TRUE;
}

static int
newest_first (gconstpointer a,
              gconstpointer b)
{
  const Guideline *x = a, *y = b;

  return g_date_compare (&y->effective, &x->effective);
}

static gboolean
read_guideline (GKeyFile    *file,
                const char  *group,
                const char  *region,
                Guideline   *guideline,
                GError     **error)
{
  g_autofree char *effective = g_key_file_get_string (file, group, "effective", NULL);
  g_autofree char *first_key = g_strconcat (region, "-first-cents", NULL);
  g_autofree char *additional_key = g_strconcat (region, "-additional-cents", NULL);
  gint64 year;

  if (!g_ascii_string_to_signed (group + strlen ("poverty-guidelines "), 10, 1965, 9999, &year, NULL))
    return refuse (error, group, "", _("does not name a year."));
  g_date_clear (&guideline->effective, 1);
  if (effective == NULL || !cst_input_parse_date (effective, &guideline->effective, NULL))
    return refuse (error, group, "effective", _("is not a date (YYYY-MM-DD)."));
  guideline->year = (int) year;
  guideline->source = g_key_file_get_string (file, group, "source", NULL);
  if (guideline->source == NULL || *guideline->source == '\0')
    return refuse (error, group, "source", _("is missing: a table must say where it comes from."));
  return read_number (file, group, first_key, 1, G_MAXINT32, &guideline->first_cents, error) &&
         read_number (file, group, additional_key, 0, G_MAXINT32, &guideline->additional_cents, error);
}

static gboolean
read_guidelines (CstAssistancePolicy *policy,
                 GKeyFile            *file,
                 GError             **error)
{
  g_auto(GStrv) groups = g_key_file_get_groups (file, NULL);
  g_autofree char *region = g_key_file_get_string (file, "policy", "region", NULL);

  if (region == NULL || (!g_str_equal (region, "contiguous") && !g_str_equal (region, "alaska") &&
                         !g_str_equal (region, "hawaii")))
    return refuse (error, "policy", "region", _("is not contiguous, alaska or hawaii."));
  for (guint i = 0; groups[i]; i++)
    {
      Guideline guideline = { 0 };

      if (!g_str_has_prefix (groups[i], "poverty-guidelines "))
        continue;
      if (!read_guideline (file, groups[i], region, &guideline, error))
        {
          guideline_clear (&guideline);
          return FALSE;
        }
      g_array_append_val (policy->guidelines, guideline);
    }
  if (policy->guidelines->len == 0)
    return refuse (error, "poverty-guidelines", "", _("has no table."));
  g_array_sort (policy->guidelines, newest_first);
  return TRUE;
}

static gboolean
read_plan_rule (CstAssistancePolicy *policy,
                GKeyFile            *file,
                GError             **error)
{
  gsize n = 0;
  g_autofree int *months = g_key_file_get_integer_list (file, "policy", "plan-months", &n, NULL);
  gint64 share, minimum;

  if (months == NULL || n == 0 || n > CST_ASSISTANCE_MAX_PLANS)
    return refuse (error, "policy", "plan-months", _("must list one to eight numbers of months."));
  for (gsize i = 0; i < n; i++)
    {
      if (months[i] < 2 || months[i] > 120 || (i > 0 && (guint) months[i] <= policy->plan_months[i - 1]))
        return refuse (error, "policy", "plan-months", _("must rise, each from 2 to 120."));
      policy->plan_months[i] = (guint) months[i];
    }
  policy->n_plan_months = (guint) n;
  if (!read_number (file, "policy", "plan-income-basis-points", 1, 10000, &share, error) ||
      !read_number (file, "policy", "plan-minimum-monthly-cents", 0, G_MAXINT32, &minimum, error))
    return FALSE;
  policy->plan_income_basis_points = (guint) share;
  policy->plan_minimum_monthly_cents = minimum;
  return TRUE;
}

/**
 * cst_assistance_policy_new_from_data:
 *
 * Returns: (transfer full): the policy, or NULL with the group and key at
 *   fault named
 */
CstAssistancePolicy *
cst_assistance_policy_new_from_data (const char  *data,
                                     gsize        length,
                                     GError     **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(CstAssistancePolicy) policy = g_new0 (CstAssistancePolicy, 1);
  g_autoptr(GError) local = NULL;
  gint64 agb;

  g_atomic_ref_count_init (&policy->ref_count);
  policy->bands = g_array_new (FALSE, TRUE, sizeof (Band));
  g_array_set_clear_func (policy->bands, (GDestroyNotify) band_clear);
  policy->guidelines = g_array_new (FALSE, TRUE, sizeof (Guideline));
  g_array_set_clear_func (policy->guidelines, (GDestroyNotify) guideline_clear);
  if (!g_key_file_load_from_data (file, data, length, G_KEY_FILE_NONE, &local))
    {
      /* A file that is not a key file is bad input like any other. */
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("The assistance policy cannot be read: %s"), local->message);
      return NULL;
    }
  if (!read_number (file, "policy", "agb-basis-points", 1, 10000, &agb, error) ||
      !read_bands (policy, file, error) ||
      !read_guidelines (policy, file, error) ||
      !read_plan_rule (policy, file, error))
    return NULL;
  policy->agb_basis_points = (guint) agb;
  return g_steal_pointer (&policy);
}

/**
 * cst_assistance_policy_new_default:
 *
 * Returns: (transfer full): the example policy and the poverty guidelines
 *   shipped in resources/seed/financial-assistance.ini
 */
CstAssistancePolicy *
cst_assistance_policy_new_default (GError **error)
{
  g_autoptr(GBytes) bytes = g_resources_lookup_data (SEED_PATH "financial-assistance.ini", 0, error);

  if (bytes == NULL)
    return NULL;
  return cst_assistance_policy_new_from_data (g_bytes_get_data (bytes, NULL),
                                              g_bytes_get_size (bytes), error);
}

CstAssistancePolicy *
cst_assistance_policy_ref (CstAssistancePolicy *policy)
{
  g_atomic_ref_count_inc (&policy->ref_count);
  return policy;
}

void
cst_assistance_policy_unref (CstAssistancePolicy *policy)
{
  if (policy == NULL || !g_atomic_ref_count_dec (&policy->ref_count))
    return;
  g_clear_pointer (&policy->bands, g_array_unref);
  g_clear_pointer (&policy->guidelines, g_array_unref);
  g_free (policy);
}

guint
cst_assistance_policy_get_agb_basis_points (CstAssistancePolicy *policy)
{
  return policy->agb_basis_points;
}

/* The newest table in effect on @on. */
static const Guideline *
guideline_on (CstAssistancePolicy *policy,
              const GDate         *on)
{
  for (guint i = 0; i < policy->guidelines->len; i++)
    {
      const Guideline *guideline = &g_array_index (policy->guidelines, Guideline, i);
      if (g_date_compare (&guideline->effective, on) <= 0)
        return guideline;
    }
  return NULL;
}

static const Guideline *
find_guideline (CstAssistancePolicy *policy,
                guint                household_size,
                const GDate         *on,
                GError             **error)
{
  const Guideline *guideline;

  if (household_size < 1 || household_size > 99)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("The household size must be from 1 to 99."));
      return NULL;
    }
  if ((guideline = guideline_on (policy, on)) == NULL)
    {
      char date[16];

      g_date_strftime (date, sizeof date, "%Y-%m-%d", on);
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("No poverty-guideline table was in effect on %s: add that year’s table to the policy."),
                   date);
    }
  return guideline;
}

gboolean
cst_assistance_policy_guideline (CstAssistancePolicy  *policy,
                                 guint                 household_size,
                                 const GDate          *on,
                                 gint64               *guideline_cents,
                                 GError              **error)
{
  const Guideline *guideline = find_guideline (policy, household_size, on, error);

  if (guideline == NULL)
    return FALSE;
  *guideline_cents = guideline->first_cents + (gint64) (household_size - 1) * guideline->additional_cents;
  return TRUE;
}

static const Band *
band_for (CstAssistancePolicy *policy,
          gint64               income_cents,
          gint64               guideline_cents)
{
  for (guint i = 0; i < policy->bands->len; i++)
    {
      const Band *band = &g_array_index (policy->bands, Band, i);
      /* income / guideline ≤ up_to / 100, without division. */
      if (income_cents * 100 <= guideline_cents * band->up_to_percent)
        return band;
    }
  return NULL;
}

/**
 * cst_assistance_screen:
 * @on: the date of the screening: the guideline table in effect then is used
 * @screening: (out caller-allocates): clear it with
 *   cst_assistance_screening_clear()
 *
 * Returns: FALSE when the household size or income is out of range or no
 *   guideline table was in effect on @on
 */
gboolean
cst_assistance_screen (CstAssistancePolicy     *policy,
                       guint                    household_size,
                       gint64                   income_cents,
                       const GDate             *on,
                       CstAssistanceScreening  *screening,
                       GError                 **error)
{
  const Guideline *guideline;
  const Band *band;

  /* @screening is zeroed or a former result (g_auto): screened again, it
   * lets go of what it held. */
  cst_assistance_screening_clear (screening);
  memset (screening, 0, sizeof *screening);
  if (income_cents < 0 || income_cents > G_GINT64_CONSTANT (100000000000000))
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("The household income must be from $0.00 to $1,000,000,000,000.00 a year."));
      return FALSE;
    }
  if ((guideline = find_guideline (policy, household_size, on, error)) == NULL)
    return FALSE;
  screening->household_size = household_size;
  screening->income_cents = income_cents;
  screening->guideline_cents = guideline->first_cents +
                               (gint64) (household_size - 1) * guideline->additional_cents;
  screening->guideline_year = guideline->year;
  screening->guideline_source = g_strdup (guideline->source);
  screening->percent_of_guideline = (guint) MIN (income_cents * 100 / screening->guideline_cents,
                                                 G_MAXUINT);
  screening->agb_basis_points = policy->agb_basis_points;
  memcpy (screening->plan_months, policy->plan_months, sizeof policy->plan_months);
  screening->n_plan_months = policy->n_plan_months;
  screening->plan_minimum_monthly_cents = policy->plan_minimum_monthly_cents;
  screening->affordable_monthly_cents = income_cents / 12 * policy->plan_income_basis_points / 10000;
  band = band_for (policy, income_cents, screening->guideline_cents);
  if (band == NULL || band->discount_percent == 0)
    return TRUE;
  screening->band = g_strdup (band->name);
  screening->discount_percent = band->discount_percent;
  screening->kind = band->discount_percent == 100 ? CST_ASSISTANCE_FREE : CST_ASSISTANCE_DISCOUNT;
  return TRUE;
}

void
cst_assistance_screening_clear (CstAssistanceScreening *screening)
{
  g_clear_pointer (&screening->guideline_source, g_free);
  g_clear_pointer (&screening->band, g_free);
}

/**
 * cst_assistance_screening_describe:
 *
 * Returns: (transfer full): the result in plain words, for the desk
 */
char *
cst_assistance_screening_describe (const CstAssistanceScreening *s)
{
  g_autofree char *income = cst_money_format (s->income_cents);
  g_autofree char *guideline = cst_money_format (s->guideline_cents);
  g_autofree char *where = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                         "A household of %u person with %s a year is at %u%% of the %d poverty guideline (%s).",
                                                         "A household of %u people with %s a year is at %u%% of the %d poverty guideline (%s).",
                                                         s->household_size),
                                            s->household_size, income, s->percent_of_guideline,
                                            s->guideline_year, guideline);

  switch (s->kind)
    {
    case CST_ASSISTANCE_FREE:
      return g_strdup_printf (_("%s They qualify for free care: they owe nothing for emergency or medically necessary care."), where);
    case CST_ASSISTANCE_DISCOUNT:
      return g_strdup_printf (_("%s They qualify for a %u%% discount, and will never be asked for more than %u.%02u%% of the charges (amounts generally billed)."),
                              where, s->discount_percent, s->agb_basis_points / 100,
                              s->agb_basis_points % 100);
    case CST_ASSISTANCE_NOT_ELIGIBLE:
    default:
      return g_strdup_printf (_("%s Under the hospital’s policy they do not qualify for financial help. A payment plan is still available."), where);
    }
}
