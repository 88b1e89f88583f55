/* cst-statement-rules.c — revenue-code categories and plain wording
 *
 * Both tables are seed data (resources/seed/statement-categories.ini and
 * statement-wording.ini) that a hospital can review and replace; nothing
 * about a category or a phrase is written in C.  Everything is read once
 * into hash tables and never changed afterwards, so one rules object can
 * be shared by threads that render statements in parallel.
 */
#define G_LOG_DOMAIN "cst-statement-rules"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "custodian/cst-error.h"
#include "custodian/cst-statement.h"

#define SEED_PATH RESOURCE_BASE "/seed/"

typedef struct
{
  char  **tokens;       /* the abbreviation split into words, upper case */
  guint   n_tokens;
  char   *key;          /* as written in the file: the lookup key */
} Abbreviation;

struct _CstStatementRules
{
  gatomicrefcount  ref_count;
  GPtrArray       *keys;         /* category keys in file order, owned */
  GHashTable      *exact;        /* "0981" → key */
  GHashTable      *groups;       /* "045" → key */
  GHashTable      *totals;       /* set of total-line codes */
  GHashTable      *texts;        /* "group\x1fkey[lang]" → value, both files */
  GPtrArray       *abbreviations;
};

static void
abbreviation_free (Abbreviation *abbreviation)
{
  g_strfreev (abbreviation->tokens);
  g_free (abbreviation->key);
  g_free (abbreviation);
}

void
cst_statement_rules_unref (CstStatementRules *rules)
{
  if (rules == NULL || !g_atomic_ref_count_dec (&rules->ref_count))
    return;
  g_ptr_array_unref (rules->keys);
  g_hash_table_unref (rules->exact);
  g_hash_table_unref (rules->groups);
  g_hash_table_unref (rules->totals);
  g_hash_table_unref (rules->texts);
  g_ptr_array_unref (rules->abbreviations);
  g_free (rules);
}

CstStatementRules *
cst_statement_rules_ref (CstStatementRules *rules)
{
  g_atomic_ref_count_inc (&rules->ref_count);
  return rules;
}

static gboolean
bad_rules (GError    **error,
           const char *group,
           const char *code)
{
  g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
               _("The category table is invalid: “%s” in [%s] is not a revenue code, "
                 "a group such as 045x or a range such as 010x-021x."), code, group);
  return FALSE;
}

static int
parse_group (const char *text)
{
  if (strlen (text) != 4 || text[3] != 'x' ||
      !g_ascii_isdigit (text[0]) || !g_ascii_isdigit (text[1]) || !g_ascii_isdigit (text[2]))
    return -1;
  return (int) g_ascii_strtoll (text, NULL, 10);
}

static gboolean
is_exact_code (const char *text)
{
  return strlen (text) == 4 && g_ascii_isdigit (text[0]) && g_ascii_isdigit (text[1]) &&
         g_ascii_isdigit (text[2]) && g_ascii_isdigit (text[3]);
}

static gboolean
add_code (CstStatementRules *rules,
          const char        *key,
          const char        *code,
          gboolean           total,
          GError           **error)
{
  g_auto(GStrv) range = g_strsplit (code, "-", 2);
  int first, last;

  if (is_exact_code (code))
    {
      g_hash_table_insert (total ? rules->totals : rules->exact, g_strdup (code), (gpointer) key);
      return TRUE;
    }
  first = parse_group (range[0]);
  last = range[1] ? parse_group (range[1]) : first;
  if (first < 0 || last < first || total)
    return bad_rules (error, key, code);
  for (int g = first; g <= last; g++)
    g_hash_table_insert (rules->groups, g_strdup_printf ("%03d", g), (gpointer) key);
  return TRUE;
}

static void
store_texts (CstStatementRules *rules,
             GKeyFile          *file,
             const char        *group)
{
  g_auto(GStrv) keys = g_key_file_get_keys (file, group, NULL, NULL);

  for (guint i = 0; keys && keys[i]; i++)
    {
      char *value = g_key_file_get_string (file, group, keys[i], NULL);

      g_hash_table_insert (rules->texts, g_strconcat (group, "\x1f", keys[i], NULL),
                           value ? value : g_strdup (""));
    }
}

static gboolean
load_categories (CstStatementRules *rules,
                 GKeyFile          *file,
                 GError           **error)
{
  g_auto(GStrv) groups = g_key_file_get_groups (file, NULL);
  gboolean have_other = FALSE;

  for (guint i = 0; groups[i]; i++)
    {
      gboolean total;
      g_autofree char *codes = g_key_file_get_string (file, groups[i], "codes", NULL);
      g_auto(GStrv) list = g_strsplit (codes ? codes : "", ";", -1);
      const char *key;

      /* [review] holds notes keyed by revenue code, not a category. */
      if (g_str_equal (groups[i], "review"))
        {
          store_texts (rules, file, groups[i]);
          continue;
        }
      total = g_key_file_get_boolean (file, groups[i], "total", NULL);
      key = g_strdup (groups[i]);
      g_ptr_array_add (rules->keys, (gpointer) key);
      have_other |= g_str_equal (key, CST_STATEMENT_CATEGORY_OTHER);
      for (guint j = 0; list[j]; j++)
        {
          g_strstrip (list[j]);
          if (*list[j] && !add_code (rules, key, list[j], total, error))
            return FALSE;
        }
      store_texts (rules, file, groups[i]);
    }
  if (!have_other)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                           _("The category table has no [other] category for unknown codes."));
      return FALSE;
    }
  return TRUE;
}

static int
compare_abbreviations (gconstpointer a,
                       gconstpointer b)
{
  const Abbreviation *x = *(Abbreviation *const *) a;
  const Abbreviation *y = *(Abbreviation *const *) b;

  /* Longest match first: more words, then more characters. */
  if (x->n_tokens != y->n_tokens)
    return (int) y->n_tokens - (int) x->n_tokens;
  return (int) strlen (y->key) - (int) strlen (x->key);
}

static void
load_wording (CstStatementRules *rules,
              GKeyFile          *file)
{
  g_auto(GStrv) keys = g_key_file_get_keys (file, "abbreviations", NULL, NULL);

  store_texts (rules, file, "codes");
  store_texts (rules, file, "abbreviations");
  for (guint i = 0; keys && keys[i]; i++)
    {
      Abbreviation *abbreviation;

      if (strchr (keys[i], '[') != NULL)
        continue;
      abbreviation = g_new0 (Abbreviation, 1);
      abbreviation->key = g_strdup (keys[i]);
      abbreviation->tokens = g_strsplit (keys[i], " ", -1);
      abbreviation->n_tokens = g_strv_length (abbreviation->tokens);
      g_ptr_array_add (rules->abbreviations, abbreviation);
    }
  g_ptr_array_sort (rules->abbreviations, compare_abbreviations);
}

static GKeyFile *
parse_key_file (const char  *data,
                gsize        length,
                const char  *what,
                GError     **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GError) local = NULL;

  if (!g_key_file_load_from_data (file, data, length, G_KEY_FILE_KEEP_TRANSLATIONS, &local))
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT, _("The %s is not readable: %s"),
                   what, local->message);
      return NULL;
    }
  return g_steal_pointer (&file);
}

CstStatementRules *
cst_statement_rules_new_from_data (const char  *categories,
                                   gsize        categories_length,
                                   const char  *wording,
                                   gsize        wording_length,
                                   GError     **error)
{
  g_autoptr(CstStatementRules) rules = g_new0 (CstStatementRules, 1);
  g_autoptr(GKeyFile) category_file = NULL;
  g_autoptr(GKeyFile) wording_file = NULL;

  g_atomic_ref_count_init (&rules->ref_count);
  rules->keys = g_ptr_array_new_with_free_func (g_free);
  rules->exact = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  rules->groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  rules->totals = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  rules->texts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  rules->abbreviations = g_ptr_array_new_with_free_func ((GDestroyNotify) abbreviation_free);

  if (!(category_file = parse_key_file (categories, categories_length, _("category table"), error)) ||
      !(wording_file = parse_key_file (wording, wording_length, _("wording dictionary"), error)) ||
      !load_categories (rules, category_file, error))
    return NULL;
  load_wording (rules, wording_file);
  return g_steal_pointer (&rules);
}

/**
 * cst_statement_rules_new_default:
 *
 * Returns: (transfer full): the rules shipped in resources/seed
 */
CstStatementRules *
cst_statement_rules_new_default (GError **error)
{
  g_autoptr(GBytes) categories = g_resources_lookup_data (SEED_PATH "statement-categories.ini",
                                                          0, error);
  g_autoptr(GBytes) wording = NULL;

  if (categories == NULL ||
      !(wording = g_resources_lookup_data (SEED_PATH "statement-wording.ini", 0, error)))
    return NULL;
  return cst_statement_rules_new_from_data (g_bytes_get_data (categories, NULL),
                                            g_bytes_get_size (categories),
                                            g_bytes_get_data (wording, NULL),
                                            g_bytes_get_size (wording), error);
}

/**
 * cst_statement_rules_category_for_code:
 * @known: (out) (optional): FALSE when the code fell through to "other"
 *
 * An exact code wins over its three-digit group.
 *
 * Returns: the category key
 */
const char *
cst_statement_rules_category_for_code (CstStatementRules *rules,
                                       const char        *revenue_code,
                                       gboolean          *known)
{
  const char *key = g_hash_table_lookup (rules->exact, revenue_code);
  char group[4] = { 0 };

  if (key == NULL && strlen (revenue_code) == 4)
    {
      memcpy (group, revenue_code, 3);
      key = g_hash_table_lookup (rules->groups, group);
    }
  if (known != NULL)
    *known = key != NULL;
  return key ? key : CST_STATEMENT_CATEGORY_OTHER;
}

gboolean
cst_statement_rules_is_total_code (CstStatementRules *rules,
                                   const char        *revenue_code)
{
  return g_hash_table_contains (rules->totals, revenue_code);
}

/* The language's own value, else the default (English) one. */
static const char *
lookup_text (CstStatementRules *rules,
             const char        *group,
             const char        *key,
             const char        *language)
{
  char buffer[256];
  const char *value = NULL;

  if (language != NULL && !g_str_equal (language, "en"))
    {
      g_snprintf (buffer, sizeof buffer, "%s\x1f%s[%s]", group, key, language);
      value = g_hash_table_lookup (rules->texts, buffer);
    }
  if (value == NULL)
    {
      g_snprintf (buffer, sizeof buffer, "%s\x1f%s", group, key);
      value = g_hash_table_lookup (rules->texts, buffer);
    }
  return value;
}

const char *
cst_statement_rules_category_label (CstStatementRules *rules,
                                    const char        *key,
                                    const char        *language)
{
  const char *label = lookup_text (rules, key, "label", language);

  return label ? label : key;
}

const char *
cst_statement_rules_category_explanation (CstStatementRules *rules,
                                          const char        *key,
                                          const char        *language)
{
  const char *text = lookup_text (rules, key, "explanation", language);

  return text ? text : "";
}

/**
 * cst_statement_rules_review_note:
 *
 * Returns: (nullable): why lines with this revenue code deserve a look
 *   before sending (the code's own note, else its category's), or NULL
 */
const char *
cst_statement_rules_review_note (CstStatementRules *rules,
                                 const char        *revenue_code)
{
  const char *note = lookup_text (rules, "review", revenue_code, NULL);

  if (note == NULL)
    note = lookup_text (rules, cst_statement_rules_category_for_code (rules, revenue_code, NULL),
                        "review", NULL);
  return note && *note ? note : NULL;
}

guint
cst_statement_rules_category_rank (CstStatementRules *rules,
                                   const char        *key)
{
  for (guint i = 0; i < rules->keys->len; i++)
    if (g_str_equal (g_ptr_array_index (rules->keys, i), key))
      return i;
  return G_MAXUINT;
}

static gboolean
tokens_match (char *const  *words,
              guint         n_words,
              const Abbreviation *abbreviation)
{
  if (abbreviation->n_tokens > n_words)
    return FALSE;
  for (guint k = 0; k < abbreviation->n_tokens; k++)
    if (g_ascii_strcasecmp (words[k], abbreviation->tokens[k]) != 0)
      return FALSE;
  return TRUE;
}

static void append_word (CstStatementRules *rules,
                         GString           *out,
                         const char        *word,
                         const char        *language);

static void
append_text (GString    *out,
             const char *text)
{
  if (text == NULL || *text == '\0')
    return;
  if (out->len > 0 && out->str[out->len - 1] != ' ')
    g_string_append_c (out, ' ');
  g_string_append (out, text);
}

/* "W/AUTO" → "with auto", "ABD&PELV" → "belly (abdomen) and pelvis". */
static gboolean
append_compound (CstStatementRules *rules,
                 GString           *out,
                 const char        *word,
                 const char        *language)
{
  const char *amp = strchr (word, '&');

  if (g_ascii_strncasecmp (word, "W/", 2) == 0 && word[2] != '\0' &&
      g_ascii_strcasecmp (word, "W/O") != 0)
    {
      append_text (out, lookup_text (rules, "abbreviations", "W/", language));
      append_word (rules, out, word + 2, language);
      return TRUE;
    }
  if (amp != NULL && amp != word && amp[1] != '\0')
    {
      g_autofree char *left = g_strndup (word, amp - word);
      const char *and = lookup_text (rules, "abbreviations", "&", language);

      append_word (rules, out, left, language);
      append_text (out, and ? and : "&");
      append_word (rules, out, amp + 1, language);
      return TRUE;
    }
  return FALSE;
}

static void
append_word (CstStatementRules *rules,
             GString           *out,
             const char        *word,
             const char        *language)
{
  g_autofree char *upper = g_ascii_strup (word, -1);
  g_autofree char *lower = NULL;
  const char *plain = lookup_text (rules, "abbreviations", upper, language);

  if (plain != NULL)
    {
      append_text (out, plain);
      return;
    }
  if (append_compound (rules, out, word, language))
    return;
  /* Chargemaster text shouts; plain text does not. */
  lower = g_utf8_strdown (word, -1);
  append_text (out, lower);
}

static char *
capitalize (GString *text)
{
  g_autofree char *rest = NULL;
  gunichar first;

  if (text->len == 0)
    return g_string_free (text, FALSE);
  first = g_utf8_get_char (text->str);
  rest = g_strdup (g_utf8_next_char (text->str));
  g_string_truncate (text, 0);
  g_string_append_unichar (text, g_unichar_totitle (first));
  g_string_append (text, rest);
  return g_string_free (text, FALSE);
}

static char *
expand_description (CstStatementRules *rules,
                    const char        *description,
                    const char        *language)
{
  g_auto(GStrv) words = g_strsplit_set (description, " \t\n", -1);
  g_autoptr(GPtrArray) list = g_ptr_array_new ();
  GString *out = g_string_new (NULL);
  guint n;

  for (guint i = 0; words[i]; i++)
    if (*words[i])
      g_ptr_array_add (list, words[i]);
  n = list->len;
  for (guint i = 0; i < n;)
    {
      char **at = (char **) list->pdata + i;
      const Abbreviation *multi = NULL;

      for (guint a = 0; a < rules->abbreviations->len && multi == NULL; a++)
        {
          const Abbreviation *candidate = g_ptr_array_index (rules->abbreviations, a);
          if (candidate->n_tokens > 1 && tokens_match (at, n - i, candidate))
            multi = candidate;
        }
      if (multi != NULL)
        {
          append_text (out, lookup_text (rules, "abbreviations", multi->key, language));
          i += multi->n_tokens;
          continue;
        }
      append_word (rules, out, at[0], language);
      i++;
    }
  return capitalize (out);
}

/**
 * cst_statement_rules_plain_description:
 *
 * Our own phrase for the line's CPT/HCPCS code when the dictionary has
 * one; otherwise the chargemaster text with its abbreviations expanded.
 *
 * Returns: (transfer full): the plain description
 */
char *
cst_statement_rules_plain_description (CstStatementRules *rules,
                                       const CstBillLine *line,
                                       const char        *language)
{
  const char *phrase = line->cpt_hcpcs[0] ? lookup_text (rules, "codes", line->cpt_hcpcs, language)
                                          : NULL;
  char *expanded;

  if (phrase != NULL && *phrase != '\0')
    return g_strdup (phrase);
  expanded = expand_description (rules, line->description ? line->description : "", language);
  if (*expanded == '\0')
    {
      g_free (expanded);
      return g_strdup (line->description ? line->description : "");
    }
  return expanded;
}
