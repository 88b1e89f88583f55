/* cst-statement-readability.c — Flesch scores and payment plans
 *
 * Readability follows statement-spec section 5:
 *   Flesch-Kincaid grade = 0.39 W/S + 11.8 Syl/W − 15.59
 *   Flesch Reading Ease  = 206.835 − 1.015 W/S − 84.6 Syl/W
 *   SMOG                 = 1.043 √(polysyllables × 30 / S) + 3.1291
 * Choices recorded here once:
 *   - a token holding a digit, "$", "@", "/" or an inner "." (amounts,
 *     dates' numbers, phone numbers, web addresses) is one word of one
 *     syllable;
 *   - sentences end at . ! ? followed by a space or the end, and at line
 *     breaks (bullet items), but not after Dr. No. e.g. i.e. Mr. Mrs. Ms. St.;
 *   - syllables are vowel groups (a e i o u y), minus a silent final e,
 *     plus one for a final -le after a consonant, at least one, with an
 *     exception list for billing words.
 * Flesch is English only.  Spanish is scored with the Szigriszt-Pazos
 * perspicuity, read on the INFLESZ scale (Barrio-Cantalejo et al. 2008),
 * the usual choice for Spanish patient material:
 *   perspicuity      = 206.835 − 62.3 Syl/W − W/S
 *   Fernández Huerta = 206.84 − 0.60 (100 Syl/W) − 1.02 (100 S/W)
 * (Fernández Huerta is computed for information only; its published
 * coefficients are disputed.)  Spanish syllables are counted by its own
 * rules: a group of vowels is one syllable unless two strong vowels
 * (a e o) meet or a stressed í/ú stands next to another vowel (hiatus:
 * "le-er", "dí-a"); "y" is a vowel only when no vowel follows ("muy").
 * Other languages are counted but not scored.
 */
#define G_LOG_DOMAIN "cst-statement-readability"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "custodian/cst-statement.h"

static const struct
{
  const char *word;
  guint       syllables;
} exceptions[] = {
  { "insurance", 3 }, { "deductible", 4 }, { "coinsurance", 4 },
  { "medicare", 3 }, { "medicaid", 3 },
};

static const char *const abbreviations[] = {
  "dr.", "no.", "e.g.", "i.e.", "mr.", "mrs.", "ms.", "st.",
  "sr.", "sra.", "dra.", "núm.", "ud.", "uds.", NULL
};

static gboolean
is_vowel (gunichar c)
{
  switch (c)
    {
    case 'a': case 'e': case 'i': case 'o': case 'u': case 'y':
    case 0x00E1: case 0x00E9: case 0x00ED: case 0x00F3: case 0x00FA: case 0x00FC:
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
is_number_like (const char *token)
{
  const char *dot = strchr (token, '.');

  for (const char *p = token; *p; p++)
    if (g_ascii_isdigit (*p) || *p == '$' || *p == '@' || *p == '/')
      return TRUE;
  return dot != NULL && dot[1] != '\0';
}

guint
cst_readability_count_syllables (const char *word)
{
  g_autofree char *lower = g_utf8_strdown (word, -1);
  g_autoptr(GString) letters = g_string_new (NULL);
  guint count = 0;
  gboolean in_group = FALSE;
  gsize n;

  for (const char *p = lower; *p; p = g_utf8_next_char (p))
    if (g_unichar_isalpha (g_utf8_get_char (p)))
      g_string_append_unichar (letters, g_utf8_get_char (p));
  for (guint i = 0; i < G_N_ELEMENTS (exceptions); i++)
    if (g_str_equal (letters->str, exceptions[i].word))
      return exceptions[i].syllables;

  for (const char *p = letters->str; *p; p = g_utf8_next_char (p))
    {
      gboolean vowel = is_vowel (g_utf8_get_char (p));
      if (vowel && !in_group)
        count++;
      in_group = vowel;
    }
  n = letters->len;
  if (n >= 1 && letters->str[n - 1] == 'e')
    {
      if (count > 0)
        count--;
      if (n >= 3 && letters->str[n - 2] == 'l' && !is_vowel ((guchar) letters->str[n - 3]))
        count++;
    }
  return MAX (count, 1);
}

/* Spanish vowels: 0 not a vowel, 1 weak (i u ü, y), 2 strong (a e o and
 * a stressed í ú, which always stands as its own nucleus). */
static int
spanish_vowel (gunichar c,
               gunichar next)
{
  switch (c)
    {
    case 'a': case 'e': case 'o': case 0x00E1: case 0x00E9: case 0x00F3:
      return 2;
    case 0x00ED: case 0x00FA:
      return 3;
    case 'i': case 'u': case 0x00FC:
      return 1;
    case 'y':
      /* "muy", "hay", "y": a vowel; "ayuda", "yo": a consonant. */
      return next != 0 && spanish_vowel (next, 0) != 0 ? 0 : 1;
    default:
      return 0;
    }
}

/* Two adjacent vowels in one syllable (a diphthong), or a hiatus? */
static gboolean
spanish_hiatus (int      previous,
                int      current,
                gunichar previous_char,
                gunichar current_char)
{
  if (previous == 3 || current == 3)
    return TRUE;                        /* dí-a, pa-ís, re-ú-ne */
  if (previous == 2 && current == 2)
    return TRUE;                        /* le-er, a-é-re-o */
  return previous == 1 && current == 1 && previous_char == current_char;   /* chi-i-ta */
}

/**
 * cst_readability_count_syllables_es:
 *
 * Spanish syllables of one word, at least 1.  Digraphs need no rule: the
 * silent u of "que", "gui" joins its vowel group like a diphthong would.
 */
guint
cst_readability_count_syllables_es (const char *word)
{
  g_autofree char *lower = g_utf8_strdown (word, -1);
  g_autofree gunichar *chars = g_utf8_to_ucs4_fast (lower, -1, NULL);
  guint count = 0;
  int previous = 0;
  gunichar previous_char = 0;

  for (guint i = 0; chars[i]; i++)
    {
      int kind = spanish_vowel (chars[i], chars[i + 1]);

      if (kind != 0 && (previous == 0 || spanish_hiatus (previous, kind, previous_char, chars[i])))
        count++;
      previous = kind;
      previous_char = chars[i];
    }
  return MAX (count, 1);
}

/* Strips punctuation around a token; NULL when nothing word-like is left. */
static char *
clean_token (const char *token)
{
  const char *start = token;
  const char *end = token + strlen (token);

  while (start < end && !g_unichar_isalnum (g_utf8_get_char (start)) && *start != '$')
    start = g_utf8_next_char (start);
  while (end > start)
    {
      const char *prev = g_utf8_prev_char (end);
      if (g_unichar_isalnum (g_utf8_get_char (prev)))
        break;
      end = prev;
    }
  return end > start ? g_strndup (start, end - start) : NULL;
}

static gboolean
ends_sentence (const char *token)
{
  g_autofree char *lower = NULL;
  gsize n = strlen (token);
  char last;

  while (n > 0 && strchr ("\"')”’»", token[n - 1]) != NULL)
    n--;
  if (n == 0)
    return FALSE;
  last = token[n - 1];
  if (last != '.' && last != '!' && last != '?')
    return FALSE;
  lower = g_ascii_strdown (token, -1);
  return !g_strv_contains (abbreviations, lower);
}

static void
count_line (const char     *line,
            gboolean        spanish,
            CstReadability *r,
            guint          *words_in_sentence)
{
  g_auto(GStrv) tokens = g_strsplit_set (line, " \t", -1);

  for (guint i = 0; tokens[i]; i++)
    {
      g_autofree char *word = clean_token (tokens[i]);
      guint syllables;

      if (word == NULL)
        continue;
      if (is_number_like (word))
        syllables = 1;
      else
        syllables = spanish ? cst_readability_count_syllables_es (word)
                            : cst_readability_count_syllables (word);
      r->words++;
      r->syllables += syllables;
      r->polysyllables += syllables >= 3;
      (*words_in_sentence)++;
      if (ends_sentence (tokens[i]))
        {
          r->sentences++;
          r->long_sentences += *words_in_sentence > 20;
          *words_in_sentence = 0;
        }
    }
  /* A line break ends a bullet item even without a full stop. */
  if (*words_in_sentence > 0)
    {
      r->sentences++;
      r->long_sentences += *words_in_sentence > 20;
      *words_in_sentence = 0;
    }
}

void
cst_readability_from_counts (guint           words,
                             guint           sentences,
                             guint           syllables,
                             CstReadability *r)
{
  double per_sentence, per_word;

  r->words = words;
  r->sentences = sentences;
  r->syllables = syllables;
  r->scored = words > 0 && sentences > 0;
  if (!r->scored)
    return;
  r->formula = CST_READABILITY_FLESCH;
  per_sentence = (double) words / sentences;
  per_word = (double) syllables / words;
  r->grade = 0.39 * per_sentence + 11.8 * per_word - 15.59;
  r->reading_ease = 206.835 - 1.015 * per_sentence - 84.6 * per_word;
  r->smog = 1.043 * sqrt (r->polysyllables * 30.0 / sentences) + 3.1291;
}

/* The Spanish scores from counts; polysyllables must already be set. */
void
cst_readability_from_counts_es (guint           words,
                                guint           sentences,
                                guint           syllables,
                                CstReadability *r)
{
  double syllables_per_word, words_per_sentence;

  r->words = words;
  r->sentences = sentences;
  r->syllables = syllables;
  r->scored = words > 0 && sentences > 0;
  if (!r->scored)
    return;
  r->formula = CST_READABILITY_INFLESZ;
  syllables_per_word = (double) syllables / words;
  words_per_sentence = (double) words / sentences;
  r->perspicuity = 206.835 - 62.3 * syllables_per_word - words_per_sentence;
  r->fernandez_huerta = 206.84 - 0.60 * 100.0 * syllables_per_word
                        - 1.02 * 100.0 * sentences / words;
}

void
cst_readability_score_text (const char     *text,
                            const char     *language,
                            CstReadability *r)
{
  g_auto(GStrv) lines = g_strsplit (text ? text : "", "\n", -1);
  gboolean spanish = g_strcmp0 (language, "es") == 0;
  guint in_sentence = 0;

  memset (r, 0, sizeof *r);
  for (guint i = 0; lines[i]; i++)
    count_line (lines[i], spanish, r, &in_sentence);
  if (spanish)
    cst_readability_from_counts_es (r->words, r->sentences, r->syllables, r);
  else if (language == NULL || g_str_equal (language, "en"))
    cst_readability_from_counts (r->words, r->sentences, r->syllables, r);
}

/* Grade 8 or lower in English; "normal" (55) or easier on INFLESZ. */
gboolean
cst_readability_meets_target (const CstReadability *r)
{
  switch (r->scored ? r->formula : CST_READABILITY_NONE)
    {
    case CST_READABILITY_FLESCH: return r->grade <= 8.0;
    case CST_READABILITY_INFLESZ: return r->perspicuity >= CST_READABILITY_INFLESZ_TARGET;
    default: return FALSE;
    }
}

/* The INFLESZ band of a Szigriszt-Pazos perspicuity. */
const char *
cst_readability_inflesz_band (double perspicuity)
{
  if (perspicuity < 40.0)
    return _("very difficult");
  if (perspicuity < 55.0)
    return _("somewhat difficult");
  if (perspicuity < 65.0)
    return _("normal");
  if (perspicuity < 80.0)
    return _("quite easy");
  return _("very easy");
}

/* ---- Payment plans -------------------------------------------------------- */

/* Interest for one month, rounded half up, without overflowing: the
 * balance is split so balance × apr is never formed whole. */
static gint64
monthly_interest (gint64 balance,
                  guint  apr_basis_points)
{
  const gint64 divisor = 120000;   /* 12 months × 10000 basis points */
  gint64 q = balance / divisor, r = balance % divisor;

  return q * apr_basis_points + (r * apr_basis_points + divisor / 2) / divisor;
}

/* Pays @payment a month; returns what is still owed after @months. */
static gint64
simulate (gint64  amount,
          guint   months,
          guint   apr,
          gint64  payment,
          gint64 *last,
          gint64 *total)
{
  gint64 balance = amount;

  *total = 0;
  *last = 0;
  for (guint k = 0; k < months && balance > 0; k++)
    {
      gint64 pay;

      balance += monthly_interest (balance, apr);
      pay = k + 1 == months ? balance : MIN (payment, balance);
      if (k + 1 == months && pay > payment)
        return balance - payment;
      balance -= pay;
      *last = pay;
      *total += pay;
    }
  return balance;
}

/**
 * cst_payment_plan_compute:
 *
 * Without interest: months − 1 payments of ⌊amount / months⌋ and a last
 * payment that adds the remainder (fewer than @months cents).  With
 * interest: the smallest whole-cent monthly payment that clears the
 * balance in @months months, interest charged monthly on the balance, the
 * last payment being whatever is left.
 *
 * Returns: FALSE when there is nothing to spread
 */
gboolean
cst_payment_plan_compute (gint64          amount_cents,
                          guint           months,
                          guint           apr_basis_points,
                          CstPaymentPlan *plan)
{
  gint64 low, high;

  memset (plan, 0, sizeof *plan);
  if (amount_cents <= 0 || months == 0 || apr_basis_points > 10000)
    return FALSE;
  plan->months = months;
  plan->apr_basis_points = apr_basis_points;
  if (apr_basis_points == 0)
    {
      plan->monthly_cents = amount_cents / months;
      plan->last_cents = plan->monthly_cents + amount_cents % months;
      plan->total_cents = amount_cents;
      return plan->monthly_cents > 0;
    }
  /* Binary search on the payment: the balance left is monotonic in it. */
  low = 1;
  high = amount_cents + monthly_interest (amount_cents, apr_basis_points) * months + 1;
  while (low < high)
    {
      gint64 mid = low + (high - low) / 2, last, total;
      if (simulate (amount_cents, months, apr_basis_points, mid, &last, &total) > 0)
        low = mid + 1;
      else
        high = mid;
    }
  plan->monthly_cents = low;
  simulate (amount_cents, months, apr_basis_points, low, &plan->last_cents, &plan->total_cents);
  return TRUE;
}
