/* cst-statement-template.c — what a statement says and how it looks
 *
 * A template is a key file (see resources/seed/statement-template-en.ini):
 * readable by staff, stored verbatim in the database as one version per
 * change, so the text of any version reproduces a statement exactly.
 * Values are read into a table once per change; getters return strings
 * owned by the template, valid until the next change.  A template is not
 * locked: give a render thread its own cst_statement_template_copy().
 */
#define G_LOG_DOMAIN "cst-statement-template"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "custodian/cst-error.h"
#include "custodian/cst-statement.h"

#define SEED_PATH RESOURCE_BASE "/seed/"
#define MAX_PLAN_CHOICES 12

struct _CstStatementTemplate
{
  gatomicrefcount      ref_count;
  GKeyFile            *file;
  GHashTable          *values;    /* "group\x1fkey" → string */
  char                *name;
  char                *language;
  gint64               version_id;
  int                  version;
  CstStatementSection  sections[CST_N_SECTIONS];
  guint                n_sections;
  guint                plan_months[MAX_PLAN_CHOICES];
  guint                n_plan_months;
  double               font_size;
  guint                plan_apr;
  gint64               plan_minimum;
};

static const char *const section_nicks[CST_N_SECTIONS] = {
  "header", "amount-due", "how-we-got-this", "categories", "insurance", "ways-to-pay",
  "help-paying", "questions", "rights", "glossary", "remittance", "details",
};

const char *
cst_statement_section_to_nick (CstStatementSection section)
{
  g_return_val_if_fail ((guint) section < CST_N_SECTIONS, NULL);
  return section_nicks[section];
}

/**
 * cst_statement_section_get_label:
 *
 * Returns: what @section is, for the people who design the template
 */
const char *
cst_statement_section_get_label (CstStatementSection section)
{
  static const char *const labels[] = {
    N_("Header and account"), N_("Amount due box"), N_("How we got this amount"),
    N_("What the charges were for"), N_("What insurance did"), N_("Ways to pay and payment plans"),
    N_("Financial assistance"), N_("Questions"), N_("Your rights"), N_("Glossary"),
    N_("Remittance stub"), N_("Details of your charges"),
  };
  G_STATIC_ASSERT (G_N_ELEMENTS (labels) == CST_N_SECTIONS);

  g_return_val_if_fail ((guint) section < CST_N_SECTIONS, "");
  return _(labels[section]);
}

/* What each [wording] key is for, named by where it appears on the
 * statement, so the template's designers never see the keys. */
static const struct
{
  const char *key;
  const char *label;
} wording_labels[] = {
  { "months", N_("Dates: month names") },
  { "date-format", N_("Dates: how a date is written") },
  { "title", N_("Title") },
  { "language-assistance", N_("Language help notice, English and Spanish (every statement)") },
  { "statement-date", N_("Header: statement date") },
  { "account-number", N_("Header and stub: account number") },
  { "patient", N_("Header and stub: patient") },
  { "guarantor", N_("Header: guarantor") },
  { "visit", N_("Header: visit") },
  { "visit-emergency", N_("Kind of visit: emergency room") },
  { "visit-outpatient", N_("Kind of visit: outpatient") },
  { "visit-inpatient", N_("Kind of visit: hospital stay") },
  { "visit-observation", N_("Kind of visit: observation stay") },
  { "page", N_("Page footer") },
  { "you-owe", N_("Amount due box: heading") },
  { "pay-by", N_("Amount due box: pay by") },
  { "owe-nothing", N_("Amount due box: nothing owed") },
  { "credit", N_("Amount due box: we owe you") },
  { "pending", N_("Amount due box: waiting for insurance") },
  { "status-new", N_("Bill status: new bill") },
  { "status-reminder", N_("Bill status: reminder") },
  { "status-past-due", N_("Bill status: past due") },
  { "status-paid", N_("Bill status: paid in full") },
  { "status-credit", N_("Bill status: credit") },
  { "status-pending", N_("Bill status: waiting for insurance") },
  { "how-heading", N_("How we got this amount: heading") },
  { "how-charges", N_("How we got this amount: hospital charges") },
  { "how-insurance", N_("How we got this amount: insurance paid") },
  { "how-discount", N_("How we got this amount: insurance discount") },
  { "how-fap", N_("How we got this amount: financial help") },
  { "how-paid", N_("How we got this amount: already paid") },
  { "how-credits", N_("How we got this amount: other credits") },
  { "how-owe", N_("How we got this amount: you owe") },
  { "how-credit", N_("How we got this amount: we owe you") },
  { "categories-heading", N_("Charges by category: heading") },
  { "col-category", N_("Charges by category: category column") },
  { "col-charges", N_("Charges by category: charges column") },
  { "col-insurance", N_("Charges by category: insurance paid column") },
  { "col-discounts", N_("Charges by category: discounts column") },
  { "col-owe", N_("Charges by category: you owe column") },
  { "col-total", N_("Charges by category: total row") },
  { "claim-level", N_("Charges by category: claim paid as a whole") },
  { "insurance-heading", N_("Insurance: heading") },
  { "insurance-line", N_("Insurance: the claim, plan named") },
  { "insurance-line-no-claim", N_("Insurance: the claim, plan named, no claim number") },
  { "insurance-line-unnamed", N_("Insurance: the claim, plan not named") },
  { "insurance-none", N_("Insurance: none on file") },
  { "eob", N_("Insurance: Explanation of Benefits, plan named") },
  { "eob-unnamed", N_("Insurance: Explanation of Benefits, plan not named") },
  { "pay-heading", N_("Ways to pay: heading") },
  { "pay-online", N_("Ways to pay: online") },
  { "pay-qr", N_("Ways to pay: beside the QR code") },
  { "pay-phone", N_("Ways to pay: by phone") },
  { "pay-mail", N_("Ways to pay: by mail") },
  { "plan-intro", N_("Payment plans: introduction") },
  { "plan-intro-apr", N_("Payment plans: introduction, with interest") },
  { "plan-option", N_("Payment plans: one choice") },
  { "plan-last", N_("Payment plans: the last payment") },
  { "plan-missed", N_("Payment plans: a missed payment") },
  { "help-heading", N_("Financial assistance: heading") },
  { "questions-heading", N_("Questions: heading") },
  { "questions", N_("Questions: how to reach us") },
  { "other-doctors", N_("Questions: bills from doctors") },
  { "thanks", N_("Questions: thank you") },
  { "rights-heading", N_("Your rights: heading") },
  { "estimate-heading", N_("Your estimate: heading") },
  { "estimate-gfe", N_("Your estimate: the Good Faith Estimate and this bill") },
  { "estimate-insured", N_("Your estimate: what you were to pay and this bill") },
  { "estimate-more", N_("Your estimate: this bill is more") },
  { "estimate-less", N_("Your estimate: this bill is less") },
  { "estimate-same", N_("Your estimate: this bill is the same") },
  { "dispute-notice", N_("Your estimate: the right to dispute a bill $400 or more above it") },
  { "status-final-notice", N_("Bill status: final notice") },
  { "variant-first", N_("First statement: sentence under the amount due") },
  { "variant-reminder", N_("Reminder: sentence under the amount due") },
  { "variant-past-due", N_("Past due: sentence under the amount due") },
  { "variant-final-notice", N_("Final notice: sentence with the collections date") },
  { "how-assistance", N_("How we got this amount: financial help from a screening") },
  { "assistance-free", N_("Financial help: free care") },
  { "assistance-discount", N_("Financial help: the discount taken off") },
  { "assistance-agb", N_("Financial help: never more than amounts generally billed") },
  { "assistance-plan", N_("Financial help: the plan that fits the income") },
  { "glossary-heading", N_("Glossary: heading") },
  { "glossary-insurance-discount", N_("Glossary: insurance discount") },
  { "glossary-financial-help", N_("Glossary: financial help") },
  { "glossary-observation", N_("Glossary: observation care") },
  { "glossary-coinsurance", N_("Glossary: coinsurance") },
  { "remit-heading", N_("Remittance stub: tear-off line") },
  { "remit-amount-due", N_("Remittance stub: amount due") },
  { "remit-due-date", N_("Remittance stub: due date") },
  { "remit-enclosed", N_("Remittance stub: amount enclosed") },
  { "remit-changed", N_("Remittance stub: address or insurance changed") },
  { "remit-to", N_("Remittance stub: send to") },
  { "details-heading", N_("Details: heading") },
  { "details-date", N_("Details: date column") },
  { "details-description", N_("Details: service column") },
  { "details-quantity", N_("Details: quantity column") },
  { "details-charge", N_("Details: charge column") },
  { "details-total", N_("Details: total line") },
  { "details-codes", N_("Details: code column") },
};

/**
 * cst_statement_wording_get_label:
 * @key: a [wording] key of a statement template
 *
 * Returns: (nullable): where the wording appears, in words; %NULL for a
 *   key this version of Custodian does not know
 */
const char *
cst_statement_wording_get_label (const char *key)
{
  for (guint i = 0; key && i < G_N_ELEMENTS (wording_labels); i++)
    if (g_str_equal (key, wording_labels[i].key))
      return _(wording_labels[i].label);
  return NULL;
}

gboolean
cst_statement_section_from_nick (const char          *nick,
                                 CstStatementSection *section)
{
  for (guint i = 0; nick && i < CST_N_SECTIONS; i++)
    if (g_str_equal (nick, section_nicks[i]))
      {
        *section = (CstStatementSection) i;
        return TRUE;
      }
  return FALSE;
}

void
cst_statement_template_unref (CstStatementTemplate *tpl)
{
  if (tpl == NULL || !g_atomic_ref_count_dec (&tpl->ref_count))
    return;
  g_key_file_unref (tpl->file);
  g_hash_table_unref (tpl->values);
  g_free (tpl->name);
  g_free (tpl->language);
  g_free (tpl);
}

CstStatementTemplate *
cst_statement_template_ref (CstStatementTemplate *tpl)
{
  g_atomic_ref_count_inc (&tpl->ref_count);
  return tpl;
}

static gboolean
invalid (GError    **error,
         const char *message,
         const char *value)
{
  g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT, message, value ? value : "");
  return FALSE;
}

static gboolean
check_sections (const CstStatementSection *sections,
                guint                      n,
                GError                   **error)
{
  gboolean seen[CST_N_SECTIONS] = { FALSE };

  for (guint i = 0; i < n; i++)
    {
      if (seen[sections[i]])
        return invalid (error, _("The section “%s” appears twice in the template."),
                        section_nicks[sections[i]]);
      seen[sections[i]] = TRUE;
    }
  /* The amount due is the point of the statement; the financial-assistance
   * notice is required on every 501(c)(3) statement (statement-spec 3.1). */
  if (!seen[CST_SECTION_AMOUNT_DUE])
    return invalid (error, _("The template must show the amount due (section “%s”)."),
                    section_nicks[CST_SECTION_AMOUNT_DUE]);
  if (!seen[CST_SECTION_HELP_PAYING])
    return invalid (error, _("The template must keep the financial-assistance notice "
                             "(section “%s”)."), section_nicks[CST_SECTION_HELP_PAYING]);
  return TRUE;
}

static gboolean
parse_sections (CstStatementTemplate *tpl,
                GError              **error)
{
  g_autofree char *text = g_key_file_get_string (tpl->file, "template", "sections", NULL);
  g_auto(GStrv) nicks = g_strsplit (text ? text : "", ";", -1);
  CstStatementSection sections[CST_N_SECTIONS];
  guint n = 0;

  for (guint i = 0; nicks[i]; i++)
    {
      CstStatementSection section;

      g_strstrip (nicks[i]);
      if (*nicks[i] == '\0')
        continue;
      if (!cst_statement_section_from_nick (nicks[i], &section))
        return invalid (error, _("“%s” is not a statement section."), nicks[i]);
      if (n == CST_N_SECTIONS)
        return invalid (error, _("The template lists a section twice: “%s”."), nicks[i]);
      sections[n++] = section;
    }
  if (!check_sections (sections, n, error))
    return FALSE;
  memcpy (tpl->sections, sections, n * sizeof sections[0]);
  tpl->n_sections = n;
  return TRUE;
}

static gboolean
parse_plan (CstStatementTemplate *tpl,
            GError              **error)
{
  g_autofree char *months = g_key_file_get_string (tpl->file, "template", "plan-months", NULL);
  g_auto(GStrv) list = g_strsplit (months ? months : "", ";", -1);
  g_autofree char *apr = g_key_file_get_string (tpl->file, "template", "plan-apr-basis-points", NULL);
  g_autofree char *minimum = g_key_file_get_string (tpl->file, "template",
                                                    "plan-minimum-monthly-cents", NULL);
  guint64 value;

  tpl->n_plan_months = 0;
  for (guint i = 0; list[i]; i++)
    {
      g_strstrip (list[i]);
      if (*list[i] == '\0')
        continue;
      if (!g_ascii_string_to_unsigned (list[i], 10, 1, 120, &value, NULL) ||
          tpl->n_plan_months == MAX_PLAN_CHOICES)
        return invalid (error, _("“%s” is not a number of months between 1 and 120 "
                                 "(at most 12 choices)."), list[i]);
      tpl->plan_months[tpl->n_plan_months++] = (guint) value;
    }
  tpl->plan_apr = 0;
  if (apr && *apr && !g_ascii_string_to_unsigned (apr, 10, 0, 10000, &value, NULL))
    return invalid (error, _("The interest rate “%s” must be 0 to 10000 hundredths of a percent."), apr);
  tpl->plan_apr = apr && *apr ? (guint) value : 0;
  tpl->plan_minimum = 0;
  if (minimum && *minimum &&
      !g_ascii_string_to_unsigned (minimum, 10, 0, G_GINT64_CONSTANT (100000000), &value, NULL))
    return invalid (error, _("The smallest monthly payment “%s” must be a number of cents."), minimum);
  tpl->plan_minimum = minimum && *minimum ? (gint64) value : 0;
  return TRUE;
}

/* The ages, in days since the first statement, at which the statement
 * becomes a reminder, past due, a final notice; and when collections may
 * start.  Left out: the shipped defaults (cst_statement_template_get_days). */
static const char *const day_keys[] = { "reminder-after-days", "past-due-after-days",
                                        "final-notice-after-days", "collections-after-days",
                                        "final-notice-lead-days" };

static gboolean
parse_days (CstStatementTemplate *tpl,
            GError              **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (day_keys); i++)
    {
      g_autofree char *value = g_key_file_get_string (tpl->file, "template", day_keys[i], NULL);
      guint64 days;

      if (value != NULL && *value != '\0' && !g_ascii_string_to_unsigned (value, 10, 0, 3650, &days, NULL))
        return invalid (error, _("“%s” must be a number of days from 0 to 3650."), day_keys[i]);
    }
  return TRUE;
}

/**
 * cst_statement_template_get_days:
 * @key: one of the [template] *-days keys
 * @fallback: the number when the template does not set it
 */
guint
cst_statement_template_get_days (CstStatementTemplate *tpl,
                                 const char           *key,
                                 guint                 fallback)
{
  g_autofree char *value = g_key_file_get_string (tpl->file, "template", key, NULL);
  guint64 days;

  if (value == NULL || *value == '\0' || !g_ascii_string_to_unsigned (value, 10, 0, 3650, &days, NULL))
    return fallback;
  return (guint) days;
}

static gboolean
parse_colors (CstStatementTemplate *tpl,
              GError              **error)
{
  g_auto(GStrv) keys = g_key_file_get_keys (tpl->file, "template", NULL, NULL);

  for (guint i = 0; keys && keys[i]; i++)
    {
      g_autofree char *value = NULL;
      gboolean ok;

      if (!g_str_has_prefix (keys[i], "color-"))
        continue;
      value = g_key_file_get_string (tpl->file, "template", keys[i], NULL);
      ok = value && strlen (value) == 7 && value[0] == '#';
      for (guint j = 1; ok && j < 7; j++)
        ok = g_ascii_isxdigit (value[j]);
      if (!ok)
        return invalid (error, _("The colour “%s” must be written #RRGGBB."), value);
    }
  return TRUE;
}

static void
cache_values (CstStatementTemplate *tpl)
{
  g_auto(GStrv) groups = g_key_file_get_groups (tpl->file, NULL);

  g_hash_table_remove_all (tpl->values);
  for (guint i = 0; groups[i]; i++)
    {
      g_auto(GStrv) keys = g_key_file_get_keys (tpl->file, groups[i], NULL, NULL);

      for (guint j = 0; keys && keys[j]; j++)
        {
          char *value = g_key_file_get_string (tpl->file, groups[i], keys[j], NULL);
          g_hash_table_insert (tpl->values, g_strconcat (groups[i], "\x1f", keys[j], NULL),
                               value ? value : g_strdup (""));
        }
    }
}

/* Reads every typed field again; called after loading and each change. */
static gboolean
reparse (CstStatementTemplate *tpl,
         GError              **error)
{
  g_autofree char *name = g_key_file_get_string (tpl->file, "template", "name", NULL);
  g_autofree char *language = g_key_file_get_string (tpl->file, "template", "language", NULL);
  g_autofree char *size = g_key_file_get_string (tpl->file, "template", "body-font-size", NULL);
  double font_size = size ? g_ascii_strtod (size, NULL) : 11.0;

  if (name == NULL || !g_regex_match_simple ("^[a-z0-9][a-z0-9_-]{0,63}$", name, 0, 0))
    return invalid (error, _("The template name “%s” must be lower-case letters, digits, "
                             "- or _."), name);
  if (language == NULL || !(g_str_equal (language, "en") || g_str_equal (language, "es")))
    return invalid (error, _("The template language “%s” must be en or es."), language);
  if (!(font_size >= 8.0 && font_size <= 20.0))
    return invalid (error, _("The body font size “%s” must be between 8 and 20 points."), size);
  if (!parse_sections (tpl, error) || !parse_plan (tpl, error) || !parse_days (tpl, error) ||
      !parse_colors (tpl, error))
    return FALSE;
  g_free (tpl->name);
  tpl->name = g_steal_pointer (&name);
  g_free (tpl->language);
  tpl->language = g_steal_pointer (&language);
  tpl->font_size = font_size;
  cache_values (tpl);
  return TRUE;
}

/**
 * cst_statement_template_new_from_data:
 *
 * Returns: (transfer full): the template, or NULL when it is not valid
 */
CstStatementTemplate *
cst_statement_template_new_from_data (const char  *data,
                                      gsize        length,
                                      GError     **error)
{
  g_autoptr(CstStatementTemplate) tpl = g_new0 (CstStatementTemplate, 1);
  g_autoptr(GError) local = NULL;

  g_atomic_ref_count_init (&tpl->ref_count);
  tpl->file = g_key_file_new ();
  tpl->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (!g_key_file_load_from_data (tpl->file, data, length,
                                  G_KEY_FILE_KEEP_COMMENTS | G_KEY_FILE_KEEP_TRANSLATIONS, &local))
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("The statement template is not readable: %s"), local->message);
      return NULL;
    }
  if (!reparse (tpl, error))
    return NULL;
  return g_steal_pointer (&tpl);
}

/**
 * cst_statement_template_new_builtin:
 * @name: "standard", the only template shipped
 * @language: "en" or "es"
 *
 * Returns: (transfer full): the template shipped in resources/seed
 */
CstStatementTemplate *
cst_statement_template_new_builtin (const char  *name,
                                    const char  *language,
                                    GError     **error)
{
  g_autofree char *path = NULL;
  g_autoptr(GBytes) bytes = NULL;

  if (!g_str_equal (name, "standard") || language == NULL ||
      !(g_str_equal (language, "en") || g_str_equal (language, "es")))
    {
      g_set_error (error, CST_ERROR, CST_ERROR_NOT_FOUND,
                   _("There is no built-in statement template “%s” in language “%s”."),
                   name, language ? language : "");
      return NULL;
    }
  path = g_strdup_printf (SEED_PATH "statement-template-%s.ini", language);
  bytes = g_resources_lookup_data (path, 0, error);
  if (bytes == NULL)
    return NULL;
  return cst_statement_template_new_from_data (g_bytes_get_data (bytes, NULL),
                                               g_bytes_get_size (bytes), error);
}

CstStatementTemplate *
cst_statement_template_copy (CstStatementTemplate *tpl)
{
  gsize length = 0;
  g_autofree char *data = g_key_file_to_data (tpl->file, &length, NULL);
  CstStatementTemplate *copy = cst_statement_template_new_from_data (data, length, NULL);

  g_assert (copy != NULL);
  copy->version_id = tpl->version_id;
  copy->version = tpl->version;
  return copy;
}

char *
cst_statement_template_to_data (CstStatementTemplate *tpl,
                                gsize                *length)
{
  return g_key_file_to_data (tpl->file, length, NULL);
}

const char *
cst_statement_template_get_name (CstStatementTemplate *tpl)
{
  return tpl->name;
}

const char *
cst_statement_template_get_language (CstStatementTemplate *tpl)
{
  return tpl->language;
}

gint64
cst_statement_template_get_version_id (CstStatementTemplate *tpl)
{
  return tpl->version_id;
}

int
cst_statement_template_get_version (CstStatementTemplate *tpl)
{
  return tpl->version;
}

/* Set by the repo: which stored version this text is (0 = not stored). */
void
cst_statement_template_set_version (CstStatementTemplate *tpl,
                                    gint64                version_id,
                                    int                   version)
{
  tpl->version_id = version_id;
  tpl->version = version;
}

static const char *
get_value (CstStatementTemplate *tpl,
           const char           *group,
           const char           *key)
{
  char buffer[256];
  const char *value;

  g_snprintf (buffer, sizeof buffer, "%s\x1f%s", group, key);
  value = g_hash_table_lookup (tpl->values, buffer);
  return value ? value : "";
}

/* Wording: "" for a key the template lacks (tests check the shipped ones). */
const char *
cst_statement_template_get_text (CstStatementTemplate *tpl,
                                 const char           *key)
{
  return get_value (tpl, "wording", key);
}

/* Whether the template has @key in [wording] at all: a hospital may blank
 * a sentence on purpose, which is not the same as a template saved before
 * Custodian had that sentence. */
gboolean
cst_statement_template_has_text (CstStatementTemplate *tpl,
                                 const char           *key)
{
  char buffer[256];

  g_snprintf (buffer, sizeof buffer, "wording\x1f%s", key);
  return g_hash_table_contains (tpl->values, buffer);
}

const char *
cst_statement_template_get_facility (CstStatementTemplate *tpl,
                                     const char           *key)
{
  return get_value (tpl, "facility", key);
}

const char *
cst_statement_template_get_notice (CstStatementTemplate *tpl,
                                   const char           *key)
{
  return get_value (tpl, "notices", key);
}

/**
 * cst_statement_template_set_string:
 * @group: "template", "facility", "wording" or "notices"
 *
 * Changes one value.  A change that would make the template invalid (a
 * bad colour, an unknown section, a font size out of range) is refused
 * with CST_ERROR_INVALID_INPUT and the template keeps its old value, so
 * an editor can call this on every keystroke and show the message.
 */
gboolean
cst_statement_template_set_string (CstStatementTemplate  *tpl,
                                   const char            *group,
                                   const char            *key,
                                   const char            *value,
                                   GError               **error)
{
  g_autofree char *old = g_key_file_get_string (tpl->file, group, key, NULL);

  g_key_file_set_string (tpl->file, group, key, value ? value : "");
  if (reparse (tpl, error))
    return TRUE;
  if (old != NULL)
    g_key_file_set_string (tpl->file, group, key, old);
  else
    g_key_file_remove_key (tpl->file, group, key, NULL);
  reparse (tpl, NULL);
  return FALSE;
}

const CstStatementSection *
cst_statement_template_get_sections (CstStatementTemplate *tpl,
                                     guint                *n_sections)
{
  *n_sections = tpl->n_sections;
  return tpl->sections;
}

gboolean
cst_statement_template_set_sections (CstStatementTemplate      *tpl,
                                     const CstStatementSection *sections,
                                     guint                      n_sections,
                                     GError                   **error)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (n_sections > CST_N_SECTIONS)
    return invalid (error, _("Too many sections%s."), "");
  for (guint i = 0; i < n_sections; i++)
    if ((guint) sections[i] >= CST_N_SECTIONS)
      return invalid (error, _("Unknown section%s."), "");
  if (!check_sections (sections, n_sections, error))
    return FALSE;
  for (guint i = 0; i < n_sections; i++)
    g_string_append_printf (text, "%s%s", i ? ";" : "", section_nicks[sections[i]]);
  g_key_file_set_string (tpl->file, "template", "sections", text->str);
  return reparse (tpl, error);
}

gboolean
cst_statement_template_has_section (CstStatementTemplate *tpl,
                                    CstStatementSection   section)
{
  for (guint i = 0; i < tpl->n_sections; i++)
    if (tpl->sections[i] == section)
      return TRUE;
  return FALSE;
}

double
cst_statement_template_get_font_size (CstStatementTemplate *tpl)
{
  return tpl->font_size;
}

/* name: "accent", "box", "text" or "muted"; 0xRRGGBB, black if unset. */
guint32
cst_statement_template_get_color (CstStatementTemplate *tpl,
                                  const char           *name)
{
  char key[64];
  const char *value;

  g_snprintf (key, sizeof key, "color-%s", name);
  value = get_value (tpl, "template", key);
  if (strlen (value) != 7)
    return 0;
  return (guint32) g_ascii_strtoull (value + 1, NULL, 16);
}

const guint *
cst_statement_template_get_plan_months (CstStatementTemplate *tpl,
                                        guint                *n_months)
{
  *n_months = tpl->n_plan_months;
  return tpl->plan_months;
}

guint
cst_statement_template_get_plan_apr (CstStatementTemplate *tpl)
{
  return tpl->plan_apr;
}

gint64
cst_statement_template_get_plan_minimum (CstStatementTemplate *tpl)
{
  return tpl->plan_minimum;
}

/* Month names and the order of day, month and year are template data. */
char *
cst_statement_template_format_date (CstStatementTemplate *tpl,
                                    const GDate          *date)
{
  g_auto(GStrv) months = NULL;
  g_autoptr(GHashTable) values = NULL;
  const char *pattern = cst_statement_template_get_text (tpl, "date-format");
  guint month;

  if (date == NULL || !g_date_valid (date))
    return g_strdup ("");
  months = g_strsplit (cst_statement_template_get_text (tpl, "months"), ";", -1);
  month = g_date_get_month (date);
  values = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_hash_table_insert (values, "month", g_strdup (month <= g_strv_length (months)
                                                  ? months[month - 1] : ""));
  g_hash_table_insert (values, "day", g_strdup_printf ("%u", g_date_get_day (date)));
  g_hash_table_insert (values, "year", g_strdup_printf ("%u", g_date_get_year (date)));
  return cst_format_placeholders (*pattern ? pattern : "{year}-{month}-{day}", values);
}

/**
 * cst_format_placeholders:
 * @values: name → text
 *
 * Replaces each {name} in @pattern; an unknown {name} stays as written so
 * a typo in a template shows up on the proof instead of vanishing.
 */
char *
cst_format_placeholders (const char *pattern,
                         GHashTable *values)
{
  GString *out = g_string_sized_new (strlen (pattern) + 32);

  for (const char *p = pattern; *p;)
    {
      const char *close = *p == '{' ? strchr (p, '}') : NULL;

      if (close != NULL && close - p < 64)
        {
          g_autofree char *name = g_strndup (p + 1, close - p - 1);
          const char *value = g_hash_table_lookup (values, name);

          if (value != NULL)
            {
              g_string_append (out, value);
              p = close + 1;
              continue;
            }
        }
      g_string_append_c (out, *p++);
    }
  return g_string_free (out, FALSE);
}
