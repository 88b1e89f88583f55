/* cst-deadline.c — the legal deadline to act on a request, as data
 *
 * The rules are read from the keyed text of resources/seed/deadline-rules.ini
 * (or the same keys in the deadline_rules table); the arithmetic — calendar
 * or business days, the holidays computed from their statutes rather than
 * listed — is the same as migration 0059's roi_deadline_add_days(), and
 * tests/db/test-deadlines.c checks that they agree day by day.
 */
#define G_LOG_DOMAIN "cst-deadline"

#include "config.h"

#include <gio/gio.h>

#include <glib/gi18n-lib.h>
#include <string.h>

#include "custodian/cst-deadline.h"
#include "custodian/cst-error.h"
#include "custodian/cst-input.h"
#include "custodian/cst-json-writer.h"

#define SEED_PATH "/org/custodian/Custodian/seed/deadline-rules.ini"

/* ---------------------------------------------------------------- classes */

static const char *const class_nicks[CST_DEADLINE_N_CLASSES] = {
  "individual", "personal-representative", "directive", "third-party", "legal-process",
};

const char *
cst_deadline_class_to_nick (CstDeadlineClass klass)
{
  g_return_val_if_fail ((guint) klass < CST_DEADLINE_N_CLASSES, NULL);
  return class_nicks[klass];
}

gboolean
cst_deadline_class_from_nick (const char       *nick,
                              CstDeadlineClass *klass)
{
  for (guint i = 0; nick != NULL && i < CST_DEADLINE_N_CLASSES; i++)
    if (g_str_equal (nick, class_nicks[i]))
      {
        *klass = (CstDeadlineClass) i;
        return TRUE;
      }
  return FALSE;
}

const char *
cst_deadline_class_get_label (CstDeadlineClass klass)
{
  switch (klass)
    {
    case CST_DEADLINE_INDIVIDUAL: return _("The individual");
    case CST_DEADLINE_PERSONAL_REPRESENTATIVE: return _("A personal representative");
    case CST_DEADLINE_DIRECTIVE: return _("The individual's directive to a third party");
    case CST_DEADLINE_THIRD_PARTY: return _("A third party under an authorization");
    case CST_DEADLINE_LEGAL_PROCESS: return _("Legal process");
    default: g_return_val_if_reached (NULL);
    }
}

CstDeadlineClass
cst_deadline_class_for (CstFeeRequester requester,
                        CstFeePurpose   purpose)
{
  if (purpose == CST_FEE_PURPOSE_SUBPOENA)
    return CST_DEADLINE_LEGAL_PROCESS;
  switch (requester)
    {
    case CST_FEE_REQUESTER_PATIENT: return CST_DEADLINE_INDIVIDUAL;
    case CST_FEE_REQUESTER_PERSONAL_REPRESENTATIVE: return CST_DEADLINE_PERSONAL_REPRESENTATIVE;
    case CST_FEE_REQUESTER_PATIENT_DIRECTIVE: return CST_DEADLINE_DIRECTIVE;
    default: return CST_DEADLINE_THIRD_PARTY;
    }
}

/* --------------------------------------------------------------- holidays */

/* The @n-th @weekday of @month (n = -1: the last one). */
static void
nth_weekday (GDateYear     year,
             GDateMonth    month,
             GDateWeekday  weekday,
             int           n,
             GDate        *date)
{
  g_date_clear (date, 1);
  if (n > 0)
    {
      g_date_set_dmy (date, 1, month, year);
      g_date_add_days (date, (weekday - g_date_get_weekday (date) + 7) % 7 + 7 * (n - 1));
    }
  else
    {
      g_date_set_dmy (date, g_date_get_days_in_month (month, year), month, year);
      g_date_subtract_days (date, (g_date_get_weekday (date) - weekday + 7) % 7);
    }
}

/* A fixed-date holiday on a Saturday is kept the Friday before, on a
 * Sunday the Monday after (5 U.S.C. 6103(b), Executive Order 11582;
 * RCW 1.16.050 alike). */
static void
fixed_observed (GDateYear  year,
                GDateMonth month,
                GDateDay   day,
                GDate     *date)
{
  g_date_clear (date, 1);
  g_date_set_dmy (date, day, month, year);
  if (g_date_get_weekday (date) == G_DATE_SATURDAY)
    g_date_subtract_days (date, 1);
  else if (g_date_get_weekday (date) == G_DATE_SUNDAY)
    g_date_add_days (date, 1);
}

/* The observed holidays of @year (New Year's Day of @year may fall on
 * December 31 of the year before: the caller asks for year + 1 too). */
static guint
holidays_of (GDateYear            year,
             CstDeadlineHolidays  holidays,
             GDate                out[12])
{
  guint n = 0;

  fixed_observed (year, G_DATE_JANUARY, 1, &out[n++]);
  nth_weekday (year, G_DATE_JANUARY, G_DATE_MONDAY, 3, &out[n++]);
  nth_weekday (year, G_DATE_FEBRUARY, G_DATE_MONDAY, 3, &out[n++]);
  nth_weekday (year, G_DATE_MAY, G_DATE_MONDAY, -1, &out[n++]);
  /* Juneteenth: federal from 2021 (Pub. L. 117-17), Washington from 2022. */
  if (year >= (holidays == CST_DEADLINE_HOLIDAYS_WA ? 2022 : 2021))
    fixed_observed (year, G_DATE_JUNE, 19, &out[n++]);
  fixed_observed (year, G_DATE_JULY, 4, &out[n++]);
  nth_weekday (year, G_DATE_SEPTEMBER, G_DATE_MONDAY, 1, &out[n++]);
  if (holidays == CST_DEADLINE_HOLIDAYS_FEDERAL)
    nth_weekday (year, G_DATE_OCTOBER, G_DATE_MONDAY, 2, &out[n++]);
  fixed_observed (year, G_DATE_NOVEMBER, 11, &out[n++]);
  nth_weekday (year, G_DATE_NOVEMBER, G_DATE_THURSDAY, 4, &out[n++]);
  if (holidays == CST_DEADLINE_HOLIDAYS_WA)
    {
      /* Native American Heritage Day, the Friday after Thanksgiving. */
      out[n] = out[n - 1];
      g_date_add_days (&out[n++], 1);
    }
  fixed_observed (year, G_DATE_DECEMBER, 25, &out[n++]);
  return n;
}

gboolean
cst_deadline_is_holiday (const GDate         *date,
                         CstDeadlineHolidays  holidays)
{
  GDate days[12];
  GDateYear year;
  guint n;

  g_return_val_if_fail (date != NULL && g_date_valid (date), FALSE);

  year = g_date_get_year (date);
  n = holidays_of (year, holidays, days);
  for (guint i = 0; i < n; i++)
    if (g_date_compare (&days[i], date) == 0)
      return TRUE;
  if (year < G_MAXUINT16)
    {
      GDate next_new_year;

      fixed_observed (year + 1, G_DATE_JANUARY, 1, &next_new_year);
      return g_date_compare (&next_new_year, date) == 0;
    }
  return FALSE;
}

gboolean
cst_deadline_is_business_day (const GDate         *date,
                              CstDeadlineHolidays  holidays)
{
  GDateWeekday weekday = g_date_get_weekday (date);

  return weekday != G_DATE_SATURDAY && weekday != G_DATE_SUNDAY &&
         !cst_deadline_is_holiday (date, holidays);
}

/**
 * cst_deadline_add_days:
 * @from: the day of receipt (not counted)
 *
 * The day @days calendar days, or business days, after @from: the day of
 * receipt is day 0, as "within 15 days of the request" reads.
 */
void
cst_deadline_add_days (const GDate         *from,
                       guint                days,
                       gboolean             business,
                       CstDeadlineHolidays  holidays,
                       GDate               *result)
{
  g_return_if_fail (from != NULL && g_date_valid (from));

  *result = *from;
  if (!business)
    {
      g_date_add_days (result, days);
      return;
    }
  for (guint counted = 0; counted < days;)
    {
      g_date_add_days (result, 1);
      if (cst_deadline_is_business_day (result, holidays))
        counted++;
    }
}

/* ------------------------------------------------------------------ rules */

struct _CstDeadlineRule
{
  char               *key;
  int                 version;
  char               *jurisdiction;
  guint               classes;      /* 1 << CstDeadlineClass */
  guint               formats;      /* 1 << CstFeeFormat */
  GDate               from, to;     /* to invalid: open */
  int                 days;         /* -1: none */
  gboolean            business;
  CstDeadlineHolidays holidays;
  int                 extension_days;
  CstFeeConfidence    confidence;
  char               *citation;
  char               *source;
  char               *note;
};

struct _CstDeadlineRuleSet
{
  gatomicrefcount ref_count;
  GPtrArray      *rules;
};

static void
rule_free (CstDeadlineRule *rule)
{
  g_free (rule->key);
  g_free (rule->jurisdiction);
  g_free (rule->citation);
  g_free (rule->source);
  g_free (rule->note);
  g_free (rule);
}

const char *cst_deadline_rule_get_key (const CstDeadlineRule *rule) { return rule->key; }
int cst_deadline_rule_get_version (const CstDeadlineRule *rule) { return rule->version; }
const char *cst_deadline_rule_get_jurisdiction (const CstDeadlineRule *rule) { return rule->jurisdiction; }
int cst_deadline_rule_get_days (const CstDeadlineRule *rule) { return rule->days; }
gboolean cst_deadline_rule_get_business (const CstDeadlineRule *rule) { return rule->business; }
CstDeadlineHolidays cst_deadline_rule_get_holidays (const CstDeadlineRule *rule) { return rule->holidays; }
int cst_deadline_rule_get_extension_days (const CstDeadlineRule *rule) { return rule->extension_days; }
CstFeeConfidence cst_deadline_rule_get_confidence (const CstDeadlineRule *rule) { return rule->confidence; }
const char *cst_deadline_rule_get_citation (const CstDeadlineRule *rule) { return rule->citation; }
const char *cst_deadline_rule_get_note (const CstDeadlineRule *rule) { return rule->note; }

char *
cst_deadline_rule_dup_version_label (const CstDeadlineRule *rule)
{
  return g_strdup_printf ("%s@%d", rule->key, rule->version);
}

const char *cst_deadline_rule_get_source (const CstDeadlineRule *rule) { return rule->source; }

/* @to is left invalid when the rule is open-ended. */
void
cst_deadline_rule_get_effective (const CstDeadlineRule *rule,
                                 GDate                 *from,
                                 GDate                 *to)
{
  *from = rule->from;
  *to = rule->to;
}

gboolean
cst_deadline_rule_has_class (const CstDeadlineRule *rule,
                             CstDeadlineClass       klass)
{
  return (rule->classes & (1u << klass)) != 0;
}

/* "a;b" of the names whose bit is set, or "all". */
static char *
set_to_text (guint              set,
             const char *const *names,
             guint              n_names)
{
  g_autoptr(GStrvBuilder) parts = g_strv_builder_new ();
  g_auto(GStrv) strv = NULL;

  if (set == (1u << n_names) - 1)
    return g_strdup ("all");
  for (guint i = 0; i < n_names; i++)
    if (set & (1u << i))
      g_strv_builder_add (parts, names[i]);
  strv = g_strv_builder_end (parts);
  return g_strjoinv (";", strv);
}

static const char *const format_nicks[CST_FEE_N_FORMATS] = { "paper", "electronic", "media", "microform" };

/**
 * cst_deadline_rule_to_text:
 *
 * Returns: (transfer full): the rule as one group of deadline-rules.ini,
 *   without its version (saving numbers it), for an administrator to edit
 */
char *
cst_deadline_rule_to_text (const CstDeadlineRule *rule)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autofree char *classes = set_to_text (rule->classes, class_nicks, CST_DEADLINE_N_CLASSES);
  g_autofree char *formats = set_to_text (rule->formats, format_nicks, CST_FEE_N_FORMATS);
  g_autofree char *from = cst_input_format_date (&rule->from);
  g_autofree char *to = cst_input_format_date (&rule->to);
  g_autofree char *days = rule->days > 0 ? g_strdup_printf ("%d", rule->days) : g_strdup ("none");
  char confidence[2] = { (char) rule->confidence, '\0' };
  const char *group = rule->key;

  g_key_file_set_string (keyfile, group, "jurisdiction", rule->jurisdiction);
  g_key_file_set_string (keyfile, group, "classes", classes);
  g_key_file_set_string (keyfile, group, "formats", formats);
  g_key_file_set_string (keyfile, group, "effective-from", from);
  if (*to != '\0')
    g_key_file_set_string (keyfile, group, "effective-to", to);
  g_key_file_set_string (keyfile, group, "days", days);
  g_key_file_set_string (keyfile, group, "count", rule->business ? "business" : "calendar");
  g_key_file_set_string (keyfile, group, "holidays",
                         rule->holidays == CST_DEADLINE_HOLIDAYS_WA ? "WA" : "federal");
  g_key_file_set_integer (keyfile, group, "extension-days", rule->extension_days);
  g_key_file_set_string (keyfile, group, "confidence", confidence);
  g_key_file_set_string (keyfile, group, "citation", rule->citation);
  if (rule->source != NULL)
    g_key_file_set_string (keyfile, group, "source", rule->source);
  if (rule->note != NULL)
    g_key_file_set_string (keyfile, group, "note", rule->note);
  return g_key_file_to_data (keyfile, NULL, NULL);
}

static gboolean
rule_error (GError    **error,
            const char *group,
            const char *key,
            const char *problem)
{
  g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
               _("Deadline rule %s, key %s: %s"), group, key, problem);
  return FALSE;
}

/* "a;b;c" or "all" into a bit set of @names' indexes. */
static gboolean
parse_set (GKeyFile           *keyfile,
           const char         *group,
           const char         *key,
           const char *const  *names,
           guint               n_names,
           guint              *set,
           GError            **error)
{
  g_autofree char *text = g_key_file_get_string (keyfile, group, key, NULL);
  g_auto(GStrv) parts = NULL;

  *set = 0;
  if (text == NULL || g_str_equal (g_strstrip (text), "all"))
    {
      *set = (1u << n_names) - 1;
      return TRUE;
    }
  parts = g_strsplit (text, ";", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      guint j;

      if (*g_strstrip (parts[i]) == '\0')
        continue;
      for (j = 0; j < n_names && !g_str_equal (parts[i], names[j]); j++)
        ;
      if (j == n_names)
        return rule_error (error, group, key, parts[i]);
      *set |= 1u << j;
    }
  return *set != 0 || rule_error (error, group, key, _("names none"));
}

static gboolean
parse_date_key (GKeyFile   *keyfile,
                const char *group,
                const char *key,
                gboolean    required,
                GDate      *date,
                GError    **error)
{
  g_autofree char *text = g_key_file_get_string (keyfile, group, key, NULL);

  g_date_clear (date, 1);
  if (text == NULL)
    return !required || rule_error (error, group, key, _("missing"));
  return cst_input_parse_date (g_strstrip (text), date, NULL) ||
         rule_error (error, group, key, text);
}

static gboolean
parse_int_key (GKeyFile   *keyfile,
               const char *group,
               const char *key,
               int         none_value,
               int         min,
               int         max,
               int        *value,
               GError    **error)
{
  g_autofree char *text = g_key_file_get_string (keyfile, group, key, NULL);
  gint64 parsed;

  *value = none_value;
  if (text == NULL || g_str_equal (g_strstrip (text), "none"))
    return TRUE;
  if (!g_ascii_string_to_signed (text, 10, min, max, &parsed, NULL))
    return rule_error (error, group, key, text);
  *value = (int) parsed;
  return TRUE;
}

static gboolean
parse_choice (GKeyFile   *keyfile,
              const char *group,
              const char *key,
              const char *first,
              const char *second,
              gboolean   *is_second,
              GError    **error)
{
  g_autofree char *text = g_key_file_get_string (keyfile, group, key, NULL);

  *is_second = FALSE;
  if (text == NULL || g_str_equal (g_strstrip (text), first))
    return TRUE;
  if (g_str_equal (text, second))
    return (*is_second = TRUE);
  return rule_error (error, group, key, text);
}

static CstDeadlineRule *
rule_new_from_keyfile (GKeyFile    *keyfile,
                       const char  *group,
                       GError     **error)
{
  CstDeadlineRule *rule = g_new0 (CstDeadlineRule, 1);
  g_autofree char *confidence = g_key_file_get_string (keyfile, group, "confidence", NULL);
  gboolean wa = FALSE;
  gboolean ok;

  rule->key = g_strdup (group);
  rule->jurisdiction = g_key_file_get_string (keyfile, group, "jurisdiction", NULL);
  rule->citation = g_key_file_get_string (keyfile, group, "citation", NULL);
  rule->source = g_key_file_get_string (keyfile, group, "source", NULL);
  rule->note = g_key_file_get_string (keyfile, group, "note", NULL);
  ok = parse_int_key (keyfile, group, "version", 1, 1, G_MAXINT, &rule->version, error) &&
       (rule->jurisdiction != NULL && (g_str_equal (rule->jurisdiction, "US") ||
                                       cst_input_is_jurisdiction (rule->jurisdiction))
        ? TRUE : rule_error (error, group, "jurisdiction", rule->jurisdiction ? rule->jurisdiction : _("missing"))) &&
       parse_set (keyfile, group, "classes", class_nicks, CST_DEADLINE_N_CLASSES, &rule->classes, error) &&
       parse_set (keyfile, group, "formats", format_nicks, CST_FEE_N_FORMATS, &rule->formats, error) &&
       parse_date_key (keyfile, group, "effective-from", TRUE, &rule->from, error) &&
       parse_date_key (keyfile, group, "effective-to", FALSE, &rule->to, error) &&
       (!g_date_valid (&rule->to) || g_date_compare (&rule->from, &rule->to) <= 0 ||
        rule_error (error, group, "effective-to", _("before effective-from"))) &&
       parse_int_key (keyfile, group, "days", -1, 1, 365, &rule->days, error) &&
       parse_choice (keyfile, group, "count", "calendar", "business", &rule->business, error) &&
       parse_choice (keyfile, group, "holidays", "federal", "WA", &wa, error) &&
       parse_int_key (keyfile, group, "extension-days", 0, 0, 365, &rule->extension_days, error) &&
       (confidence != NULL && strlen (g_strstrip (confidence)) == 1 && strchr ("CSU", confidence[0])
        ? TRUE : rule_error (error, group, "confidence", confidence ? confidence : _("missing"))) &&
       (!cst_input_is_blank (rule->citation) || rule_error (error, group, "citation", _("missing"))) &&
       (rule->days > 0 || rule->extension_days == 0 ||
        rule_error (error, group, "extension-days", _("a rule with no deadline has no extension")));
  if (!ok)
    {
      rule_free (rule);
      return NULL;
    }
  rule->holidays = wa ? CST_DEADLINE_HOLIDAYS_WA : CST_DEADLINE_HOLIDAYS_FEDERAL;
  rule->confidence = (CstFeeConfidence) confidence[0];
  return rule;
}

static gboolean
periods_overlap (const CstDeadlineRule *a,
                 const CstDeadlineRule *b)
{
  gboolean a_ends_first = g_date_valid (&a->to) && g_date_compare (&a->to, &b->from) < 0;
  gboolean b_ends_first = g_date_valid (&b->to) && g_date_compare (&b->to, &a->from) < 0;

  return !a_ends_first && !b_ends_first;
}

/* Two rules of one jurisdiction for the same requesters, format and day
 * would leave the deadline to chance: refused, as overlapping fee
 * schedules are. */
static gboolean
check_no_overlap (GPtrArray  *rules,
                  GError    **error)
{
  for (guint i = 0; i < rules->len; i++)
    for (guint j = i + 1; j < rules->len; j++)
      {
        const CstDeadlineRule *a = g_ptr_array_index (rules, i);
        const CstDeadlineRule *b = g_ptr_array_index (rules, j);

        if (g_str_equal (a->jurisdiction, b->jurisdiction) && (a->classes & b->classes) &&
            (a->formats & b->formats) && periods_overlap (a, b))
          {
            g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                         _("Deadline rules %s and %s cover the same requesters on the same days"),
                         a->key, b->key);
            return FALSE;
          }
      }
  return TRUE;
}

CstDeadlineRuleSet *
cst_deadline_rule_set_new_from_keyfile (GKeyFile  *keyfile,
                                        GError   **error)
{
  g_auto(GStrv) groups = g_key_file_get_groups (keyfile, NULL);
  g_autoptr(GPtrArray) rules = g_ptr_array_new_with_free_func ((GDestroyNotify) rule_free);
  CstDeadlineRuleSet *set;

  for (guint i = 0; groups[i] != NULL; i++)
    {
      CstDeadlineRule *rule = rule_new_from_keyfile (keyfile, groups[i], error);

      if (rule == NULL)
        return NULL;
      g_ptr_array_add (rules, rule);
    }
  if (!check_no_overlap (rules, error))
    return NULL;
  set = g_new0 (CstDeadlineRuleSet, 1);
  g_atomic_ref_count_init (&set->ref_count);
  set->rules = g_steal_pointer (&rules);
  return set;
}

CstDeadlineRuleSet *
cst_deadline_rule_set_new_from_data (const char  *data,
                                     gssize       length,
                                     GError     **error)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();

  if (!g_key_file_load_from_data (keyfile, data, length < 0 ? strlen (data) : (gsize) length,
                                  G_KEY_FILE_NONE, error))
    return NULL;
  return cst_deadline_rule_set_new_from_keyfile (keyfile, error);
}

/* The rules shipped inside the program. */
GBytes *
cst_deadline_rule_seed_bytes (GError **error)
{
  return g_resources_lookup_data (SEED_PATH, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
}

CstDeadlineRuleSet *
cst_deadline_rule_set_new_from_seed (GError **error)
{
  g_autoptr(GBytes) bytes = cst_deadline_rule_seed_bytes (error);
  gsize size = 0;
  const char *data;

  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &size);
  return cst_deadline_rule_set_new_from_data (data, (gssize) size, error);
}

CstDeadlineRuleSet *
cst_deadline_rule_set_ref (CstDeadlineRuleSet *set)
{
  g_atomic_ref_count_inc (&set->ref_count);
  return set;
}

void
cst_deadline_rule_set_unref (CstDeadlineRuleSet *set)
{
  if (set != NULL && g_atomic_ref_count_dec (&set->ref_count))
    {
      g_ptr_array_unref (set->rules);
      g_free (set);
    }
}

GPtrArray *
cst_deadline_rule_set_get_rules (CstDeadlineRuleSet *set)
{
  return set->rules;
}

gboolean
cst_deadline_rule_applies (const CstDeadlineRule *rule,
                           const char            *jurisdiction,
                           CstDeadlineClass       klass,
                           CstFeeFormat           format,
                           const GDate           *received)
{
  return (g_str_equal (rule->jurisdiction, "US") || g_strcmp0 (rule->jurisdiction, jurisdiction) == 0) &&
         (rule->classes & (1u << klass)) && (rule->formats & (1u << format)) &&
         g_date_compare (&rule->from, received) <= 0 &&
         (!g_date_valid (&rule->to) || g_date_compare (received, &rule->to) <= 0);
}

gboolean
cst_deadline_rule_due (const CstDeadlineRule *rule,
                       const GDate           *received,
                       GDate                 *due)
{
  g_date_clear (due, 1);
  if (rule->days < 0)
    return FALSE;
  cst_deadline_add_days (received, (guint) rule->days, rule->business, rule->holidays, due);
  return TRUE;
}

/* @a governs over @b: the earlier deadline; on the same day the shorter
 * extension, then the state's rule. */
static gboolean
governs_over (const CstDeadlineRule *a,
              const GDate           *a_due,
              const CstDeadlineRule *b,
              const GDate           *b_due)
{
  int order = g_date_compare (a_due, b_due);

  if (order != 0)
    return order < 0;
  if (a->extension_days != b->extension_days)
    return a->extension_days < b->extension_days;
  return !g_str_equal (a->jurisdiction, "US");
}

gboolean
cst_deadline_rule_set_govern (CstDeadlineRuleSet *set,
                              const char         *jurisdiction,
                              CstDeadlineClass    klass,
                              CstFeeFormat        format,
                              const GDate        *received,
                              CstDeadline        *deadline)
{
  const CstDeadlineRule *federal = NULL, *state = NULL;
  GDate federal_due, state_due;
  gboolean federal_has, state_has;

  memset (deadline, 0, sizeof *deadline);
  g_date_clear (&deadline->due, 1);
  for (guint i = 0; i < set->rules->len; i++)
    {
      const CstDeadlineRule *rule = g_ptr_array_index (set->rules, i);

      if (!cst_deadline_rule_applies (rule, jurisdiction, klass, format, received))
        continue;
      if (g_str_equal (rule->jurisdiction, "US"))
        federal = federal ? federal : rule;
      else
        state = state ? state : rule;
    }
  federal_has = federal != NULL && cst_deadline_rule_due (federal, received, &federal_due);
  state_has = state != NULL && cst_deadline_rule_due (state, received, &state_due);
  if (federal_has && state_has)
    {
      gboolean state_first = governs_over (state, &state_due, federal, &federal_due);

      deadline->rule = state_first ? state : federal;
      deadline->compared = state_first ? federal : state;
      deadline->due = state_first ? state_due : federal_due;
    }
  else if (federal_has || state_has)
    {
      deadline->rule = federal_has ? federal : state;
      deadline->due = federal_has ? federal_due : state_due;
    }
  else
    deadline->rule = federal != NULL ? federal : state;
  return deadline->rule != NULL;
}

/* ------------------------------------------------------------- in words */

static char *
describe_count (int      days,
                gboolean business)
{
  if (business)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d business day", "%d business days", days), days);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day", "%d days", days), days);
}

/* The facts of a deadline in words: which rule governs, and why. */
static char *
describe_facts (const CstRequestDeadline *facts)
{
  GString *text = g_string_new (NULL);

  if (facts->citation == NULL)
    return g_string_free (g_string_append (text,
      _("No deadline rule applies: no legal deadline, only the department's own target.")), FALSE);
  if (facts->days < 0)
    g_string_append_printf (text, _("No legal deadline (%s): only the department's own target applies."),
                            facts->citation);
  else
    {
      g_autofree char *count = describe_count (facts->days, facts->business);

      if (facts->compared_citation != NULL && facts->compared_days > 0)
        {
          g_autofree char *other = describe_count (facts->compared_days, facts->compared_business);

          /* TRANSLATORS: "Cal. Health & Safety Code 123110(b) applies: 15 days,
           * sooner than 45 CFR 164.524(b)(2) (30 days)." */
          g_string_append_printf (text, _("%s applies: %s, sooner than %s (%s)."),
                                  facts->citation, count, facts->compared_citation, other);
        }
      else
        g_string_append_printf (text, _("%s applies: %s."), facts->citation, count);
      g_string_append_c (text, ' ');
      if (facts->extension_days > 0)
        g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE,
                                                   "One extension of %d more day, with written notice.",
                                                   "One extension of %d more days, with written notice.",
                                                   facts->extension_days),
                                facts->extension_days);
      else
        g_string_append (text, _("No extension allowed."));
    }
  if (facts->confidence == CST_FEE_CONFIDENCE_UNCONFIRMED)
    g_string_append_printf (text, " %s", _("UNCONFIRMED reading of the law: review it before relying on it."));
  return g_string_free (text, FALSE);
}

/**
 * cst_deadline_describe:
 *
 * Returns: which rule governs and why ("Cal. Health & Safety Code 123110(b)
 *   applies: 15 days, sooner than 45 CFR 164.524(b)(2) (30 days)."),
 *   whether it allows an extension, and whether its reading is unconfirmed
 */
char *
cst_deadline_describe (const CstDeadline *deadline)
{
  const CstDeadlineRule *rule = deadline->rule;
  const CstDeadlineRule *compared = deadline->compared;
  CstRequestDeadline facts = {
    .citation = rule ? rule->citation : NULL,
    .days = rule ? rule->days : -1,
    .business = rule && rule->business,
    .extension_days = rule ? rule->extension_days : 0,
    .confidence = rule ? (char) rule->confidence : 0,
    .compared_citation = compared ? compared->citation : NULL,
    .compared_days = compared ? compared->days : -1,
    .compared_business = compared && compared->business,
  };

  return describe_facts (&facts);
}

/* The same sentence for a request, from the rule it was timed by. */
char *
cst_deadline_describe_request (CstRequest *request)
{
  return describe_facts (cst_request_get_deadline (request));
}

char *
cst_deadline_to_json (const CstDeadline *deadline)
{
  const CstDeadlineRule *rule = deadline->rule;
  GString *out = g_string_new (NULL);
  CstJsonWriter w;
  g_autofree char *label = rule ? cst_deadline_rule_dup_version_label (rule) : NULL;
  g_autofree char *compared = deadline->compared ? cst_deadline_rule_dup_version_label (deadline->compared) : NULL;
  g_autofree char *due = g_date_valid (&deadline->due) ? cst_input_format_date (&deadline->due) : NULL;
  char confidence[2] = { rule ? (char) rule->confidence : 0, 0 };

  cst_json_writer_init (&w, out);
  cst_json_writer_begin_object (&w);
  cst_json_writer_key (&w, "due_date");
  due ? cst_json_writer_string (&w, due) : cst_json_writer_null (&w);
  cst_json_writer_key (&w, "rule");
  label ? cst_json_writer_string (&w, label) : cst_json_writer_null (&w);
  cst_json_writer_key (&w, "citation");
  rule ? cst_json_writer_string (&w, rule->citation) : cst_json_writer_null (&w);
  cst_json_writer_key (&w, "days");
  rule && rule->days > 0 ? cst_json_writer_int (&w, rule->days) : cst_json_writer_null (&w);
  cst_json_writer_key (&w, "business_days");
  cst_json_writer_bool (&w, rule != NULL && rule->business);
  cst_json_writer_key (&w, "holidays");
  cst_json_writer_string (&w, rule && rule->holidays == CST_DEADLINE_HOLIDAYS_WA ? "WA" : "federal");
  cst_json_writer_key (&w, "extension_days");
  cst_json_writer_int (&w, rule ? rule->extension_days : 0);
  cst_json_writer_key (&w, "confidence");
  rule ? cst_json_writer_string (&w, confidence) : cst_json_writer_null (&w);
  cst_json_writer_key (&w, "compared_rule");
  compared ? cst_json_writer_string (&w, compared) : cst_json_writer_null (&w);
  cst_json_writer_end_object (&w);
  return g_string_free (out, FALSE);
}
