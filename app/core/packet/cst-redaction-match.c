/* cst-redaction-match.c — what the proposal finder looks for in a page's
 * text (cst-redaction-propose.h)
 *
 * Text in, spans out: no PDF, no database, so the fuzz target and the
 * labelled set of tests/data run it directly.  The patterns lean to
 * precision: a bare nine-digit number is an SSN only after its label, an
 * MRN or birth date only after theirs, a name only after "Patient:" or a
 * "Name:" that starts a line; the request's other people and the
 * configured terms are found wherever they stand as whole words, case and
 * spacing aside.
 */
#define G_LOG_DOMAIN "custodian-packet"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "custodian/cst-redaction-propose.h"

#define REASON_OTHER_PERSON "other_person"

/* A boundary no letter or digit crosses. */
#define WORD_START "(?<![\\p{L}\\p{N}])"
#define WORD_END   "(?![\\p{L}\\p{N}])"

/* 123-45-6789 or 123 45 6789 (OCR may read the dash long or spaced);
 * never area 000, 666 or 9xx, group 00 or serial 0000 (never issued). */
#define SSN_FORMATTED \
  "(?<![\\d-])(?!000|666|9\\d\\d)\\d{3}(?:\\s?[-\\x{2010}-\\x{2014}]\\s?|\\s)" \
  "(?!00)\\d{2}(?:\\s?[-\\x{2010}-\\x{2014}]\\s?|\\s)(?!0000)\\d{4}(?![\\d-])"
#define SSN_LABELLED \
  "(?i:\\b(?:ssn|ss\\#|soc(?:ial)?\\.?\\s*sec(?:urity)?\\.?(?:\\s*(?:number|num|no)\\.?)?))" \
  "\\s*[:#.]?\\s*((?!000|666|9\\d\\d)\\d{9})(?!\\d)"
#define MRN_LABELLED \
  "(?i:\\b(?:mrn|med(?:ical)?\\.?\\s*rec(?:ord)?\\.?\\s*(?:number|num|no\\.?|\\#)))" \
  "\\s*[:#.]?\\s*((?i:[a-z]{0,3})-?\\d[\\dA-Za-z-]{2,19})(?![\\w-])"
#define MONTH "(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-zA-Z]*\\.?"
#define DOB_LABELLED \
  "(?i:\\b(?:dob|d\\.o\\.b\\.?|date\\s+of\\s+birth|birth\\s*date|born(?:\\s+on)?))\\s*[:.]?\\s*" \
  "(\\d{1,2}/\\d{1,2}/\\d{2,4}|\\d{1,2}-\\d{1,2}-\\d{2,4}|\\d{4}-\\d{1,2}-\\d{1,2}|" \
  MONTH "\\s+\\d{1,2},?\\s+\\d{4}|\\d{1,2}\\s+" MONTH "\\s+\\d{4})(?!\\d)"
#define NAME_WORD "\\p{Lu}[\\p{L}'\\x{2019}-]+"
#define NAME_LABELLED \
  "(?m)(?:(?i:\\bpatient(?:'s)?(?:\\s+name)?|\\bpt\\.?\\s+name)|^[ \\t]*(?i:name))\\s*:[ \\t]*" \
  "(" NAME_WORD "(?:[ \\t]+\\p{Lu}\\.)?(?:[ \\t]+" NAME_WORD "){1,2}|" \
  NAME_WORD ",[ \\t]*" NAME_WORD "(?:[ \\t]+\\p{Lu}\\.)?)" WORD_END

const char *
cst_proposal_kind_to_nick (CstProposalKind kind)
{
  static const char *const nicks[] = { "ssn", "name", "mrn", "birth_date", "term" };

  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (nicks), NULL);
  return nicks[kind];
}

void
cst_redaction_term_free (CstRedactionTerm *term)
{
  if (term == NULL)
    return;
  g_free (term->reason);
  g_free (term->term);
  g_free (term->added_by);
  g_free (term);
}

CstProposalRules *
cst_proposal_rules_new (void)
{
  CstProposalRules *rules = g_new0 (CstProposalRules, 1);

  g_date_clear (&rules->birth_date, 1);
  rules->other_names = g_ptr_array_new_with_free_func (g_free);
  rules->other_mrns = g_ptr_array_new_with_free_func (g_free);
  rules->terms = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_redaction_term_free);
  return rules;
}

void
cst_proposal_rules_free (CstProposalRules *rules)
{
  if (rules == NULL)
    return;
  g_free (rules->family_name);
  g_free (rules->given_name);
  g_free (rules->mrn);
  if (rules->ssn != NULL)
    memset (rules->ssn, 0, strlen (rules->ssn));
  g_free (rules->ssn);
  g_ptr_array_unref (rules->other_names);
  g_ptr_array_unref (rules->other_mrns);
  g_ptr_array_unref (rules->terms);
  g_free (rules);
}

/* ---- fixed patterns --------------------------------------------------- */

typedef enum
{
  FIXED_SSN_FORMATTED,
  FIXED_SSN_LABELLED,
  FIXED_MRN,
  FIXED_DOB,
  FIXED_NAME,
  FIXED_N
} Fixed;

static GRegex *
fixed_regex (Fixed which)
{
  static GRegex *compiled[FIXED_N];
  static const char *const patterns[FIXED_N] = {
    SSN_FORMATTED, SSN_LABELLED, MRN_LABELLED, DOB_LABELLED, NAME_LABELLED,
  };
  static gsize once;

  if (g_once_init_enter (&once))
    {
      for (int i = 0; i < FIXED_N; i++)
        {
          g_autoptr(GError) error = NULL;

          /* Not G_REGEX_OPTIMIZE: PCRE2's JIT reads words past the end
           * of the text, which valgrind reports as uninitialised reads in
           * code it cannot name; a page's text is short enough without. */
          compiled[i] = g_regex_new (patterns[i], 0, 0, &error);
          /* The patterns are constants: a failure is a programming error. */
          g_assert_no_error (error);
        }
      g_once_init_leave (&once, 1);
    }
  return compiled[which];
}

/* ---- comparing with the patient ----------------------------------------- */

/* Letters and digits only, lower case. */
static char *
alnum_lower (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; p != NULL && *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isalnum (c))
        g_string_append_unichar (out, g_unichar_tolower (c));
    }
  return g_string_free (out, FALSE);
}

static gboolean
same_alnum (const char *a,
            const char *b)
{
  g_autofree char *x = alnum_lower (a);
  g_autofree char *y = alnum_lower (b);

  return x[0] != '\0' && g_str_equal (x, y);
}

static int
month_number (const char *word)
{
  static const char *const months[] = { "jan", "feb", "mar", "apr", "may", "jun",
                                        "jul", "aug", "sep", "oct", "nov", "dec" };
  g_autofree char *lower = g_ascii_strdown (word, 3);

  for (int i = 0; i < 12; i++)
    if (g_str_has_prefix (lower, months[i]))
      return i + 1;
  return 0;
}

/* Day, month and year of a date as the patterns find it; a two-digit year
 * is returned as it is (below 100).  FALSE when it is no date. */
static gboolean
parse_found_date (const char *text,
                  int        *day,
                  int        *month,
                  int        *year)
{
  g_auto(GStrv) parts = g_regex_split_simple ("[/\\-\\s,.]+", text, 0, 0);
  guint n = g_strv_length (parts);

  if (n < 3)
    return FALSE;
  if (g_ascii_isalpha (parts[0][0]))
    {
      *month = month_number (parts[0]);
      *day = atoi (parts[1]);
      *year = atoi (parts[n - 1]);
    }
  else if (g_ascii_isalpha (parts[1][0]))
    {
      *day = atoi (parts[0]);
      *month = month_number (parts[1]);
      *year = atoi (parts[n - 1]);
    }
  else if (strlen (parts[0]) == 4)
    {
      *year = atoi (parts[0]);
      *month = atoi (parts[1]);
      *day = atoi (parts[2]);
    }
  else
    {
      /* US order: month first. */
      *month = atoi (parts[0]);
      *day = atoi (parts[1]);
      *year = atoi (parts[2]);
    }
  return *month >= 1 && *month <= 12 && *day >= 1 && *day <= 31 && *year >= 0;
}

static gboolean
is_patient_birth_date (const CstProposalRules *rules,
                       const char             *found)
{
  int day, month, year;

  if (!g_date_valid (&rules->birth_date))
    return FALSE;
  /* Not a date after all: not proposed either (the caller skips it). */
  if (!parse_found_date (found, &day, &month, &year))
    return TRUE;
  if (year < 100)
    year += (g_date_get_year (&rules->birth_date) / 100) * 100;
  return day == g_date_get_day (&rules->birth_date) &&
         month == (int) g_date_get_month (&rules->birth_date) &&
         year == g_date_get_year (&rules->birth_date);
}

/* Whether a labelled name is the patient's: it holds the patient's family
 * name as a word. */
static gboolean
is_patient_name (const CstProposalRules *rules,
                 const char             *found)
{
  g_autofree char *family = NULL;
  g_autofree char *pattern = NULL;

  if (rules->family_name == NULL || rules->family_name[0] == '\0')
    return TRUE;
  family = g_regex_escape_string (rules->family_name, -1);
  pattern = g_strconcat ("(?i)" WORD_START, family, WORD_END, NULL);
  return g_regex_match_simple (pattern, found, 0, 0);
}

/* ---- collecting ------------------------------------------------------- */

typedef struct
{
  const char *text;
  GArray     *out;
} Collect;

static void
add_span (Collect         *c,
          int              start_byte,
          int              end_byte,
          CstProposalKind  kind,
          const char      *reason)
{
  CstProposalMatch m;

  if (start_byte < 0 || end_byte <= start_byte)
    return;
  m.start = (guint) g_utf8_pointer_to_offset (c->text, c->text + start_byte);
  m.end = m.start + (guint) g_utf8_pointer_to_offset (c->text + start_byte, c->text + end_byte);
  m.kind = kind;
  m.reason = reason;
  g_array_append_val (c->out, m);
}

/* Every match of @regex; @group's span is proposed when @keep says so. */
static void
each_match (Collect                *c,
            GRegex                 *regex,
            int                     group,
            CstProposalKind         kind,
            const char             *reason,
            const CstProposalRules *rules,
            gboolean              (*skip) (const CstProposalRules *, const char *))
{
  g_autoptr(GMatchInfo) info = NULL;

  g_regex_match (regex, c->text, 0, &info);
  while (g_match_info_matches (info))
    {
      int start, end;

      if (g_match_info_fetch_pos (info, group, &start, &end) && start >= 0)
        {
          g_autofree char *found = g_match_info_fetch (info, group);

          if (skip == NULL || !skip (rules, found))
            add_span (c, start, end, kind, reason);
        }
      g_match_info_next (info, NULL);
    }
}

static gboolean
is_patient_ssn (const CstProposalRules *rules,
                const char             *found)
{
  return rules->ssn != NULL && same_alnum (rules->ssn, found);
}

static gboolean
is_patient_mrn (const CstProposalRules *rules,
                const char             *found)
{
  /* Without the patient's MRN, no MRN is known to be another's. */
  return rules->mrn == NULL || same_alnum (rules->mrn, found);
}

/* Words of @phrase escaped, any white space between them. */
static char *
phrase_pattern (const char *phrase)
{
  g_auto(GStrv) words = g_regex_split_simple ("\\s+", phrase, 0, 0);
  GString *out = g_string_new (NULL);

  for (char **w = words; *w; w++)
    {
      g_autofree char *escaped = NULL;

      if (**w == '\0')
        continue;
      escaped = g_regex_escape_string (*w, -1);
      if (out->len > 0)
        g_string_append (out, "\\s+");
      g_string_append (out, escaped);
    }
  return g_string_free (out, FALSE);
}

static void
each_phrase (Collect         *c,
             const char      *pattern,
             CstProposalKind  kind,
             const char      *reason)
{
  g_autofree char *full = NULL;
  g_autoptr(GRegex) regex = NULL;

  if (pattern[0] == '\0')
    return;
  full = g_strconcat ("(?i)" WORD_START "(?:", pattern, ")" WORD_END, NULL);
  regex = g_regex_new (full, 0, 0, NULL);
  if (regex != NULL)
    each_match (c, regex, 0, kind, reason, NULL, NULL);
}

/* "Given Family" and "Family, Given". */
static void
other_name (Collect    *c,
            const char *name)
{
  g_autofree char *pattern = phrase_pattern (name);
  g_autofree char *trimmed = g_strstrip (g_strdup (name));
  g_auto(GStrv) words = g_regex_split_simple ("\\s+", trimmed, 0, 0);
  guint n = g_strv_length (words);

  each_phrase (c, pattern, CST_PROPOSAL_NAME, REASON_OTHER_PERSON);
  if (n >= 2)
    {
      g_autofree char *family = g_regex_escape_string (words[n - 1], -1);
      g_autofree char *given = g_regex_escape_string (words[0], -1);
      g_autofree char *reversed = g_strdup_printf ("%s,\\s*%s", family, given);

      each_phrase (c, reversed, CST_PROPOSAL_NAME, REASON_OTHER_PERSON);
    }
}

static int
compare_matches (gconstpointer a,
                 gconstpointer b)
{
  const CstProposalMatch *x = a, *y = b;

  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  return x->end < y->end ? -1 : x->end > y->end;
}

/* Sorted, each span once (the first kind found for it kept). */
static void
sort_unique (GArray *matches)
{
  g_array_sort (matches, compare_matches);
  for (guint i = 1; i < matches->len; i++)
    {
      CstProposalMatch *prev = &g_array_index (matches, CstProposalMatch, i - 1);
      CstProposalMatch *m = &g_array_index (matches, CstProposalMatch, i);

      if (prev->start == m->start && prev->end == m->end)
        g_array_remove_index (matches, i--);
    }
}

/**
 * cst_redaction_propose_in_text:
 *
 * Returns: (transfer full): #CstProposalMatch, by start
 */
GArray *
cst_redaction_propose_in_text (const CstProposalRules *rules,
                               const char             *text)
{
  const char *end = NULL;
  g_autofree char *valid = NULL;
  Collect c;

  /* Up to the first invalid byte: GRegex matches UTF-8 only. */
  g_utf8_validate (text, -1, &end);
  valid = g_strndup (text, (gsize) (end - text));
  c.text = valid;
  c.out = g_array_new (FALSE, FALSE, sizeof (CstProposalMatch));
  each_match (&c, fixed_regex (FIXED_SSN_FORMATTED), 0, CST_PROPOSAL_SSN, REASON_OTHER_PERSON,
              rules, is_patient_ssn);
  each_match (&c, fixed_regex (FIXED_SSN_LABELLED), 1, CST_PROPOSAL_SSN, REASON_OTHER_PERSON,
              rules, is_patient_ssn);
  each_match (&c, fixed_regex (FIXED_MRN), 1, CST_PROPOSAL_MRN, REASON_OTHER_PERSON, rules,
              is_patient_mrn);
  each_match (&c, fixed_regex (FIXED_DOB), 1, CST_PROPOSAL_BIRTH_DATE, REASON_OTHER_PERSON,
              rules, is_patient_birth_date);
  each_match (&c, fixed_regex (FIXED_NAME), 1, CST_PROPOSAL_NAME, REASON_OTHER_PERSON, rules,
              is_patient_name);
  for (guint i = 0; i < rules->other_names->len; i++)
    other_name (&c, g_ptr_array_index (rules->other_names, i));
  for (guint i = 0; i < rules->other_mrns->len; i++)
    {
      g_autofree char *pattern = phrase_pattern (g_ptr_array_index (rules->other_mrns, i));

      each_phrase (&c, pattern, CST_PROPOSAL_MRN, REASON_OTHER_PERSON);
    }
  for (guint i = 0; i < rules->terms->len; i++)
    {
      CstRedactionTerm *term = g_ptr_array_index (rules->terms, i);
      g_autofree char *pattern = phrase_pattern (term->term);

      each_phrase (&c, pattern, CST_PROPOSAL_TERM, term->reason);
    }
  sort_unique (c.out);
  return c.out;
}
