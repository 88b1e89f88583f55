/* test-redaction-propose.c — the proposal finder: what it proposes in a
 * text, and its precision and recall on the labelled pages of
 * tests/data/redaction-proposals (README.md there)
 *
 * No database: cst_redaction_propose_in_text() and
 * cst_redaction_propose_file() are the finder the request-wide run
 * (test-redaction-propose-db) stores proposals from.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "custodian/cst-redaction-propose.h"
#include "custodian/cst-redaction-words.h"

#include "cst-test-records.h"

/* The floors the labelled set must reach (the figures are printed). */
#define PRECISION_FLOOR 0.90
#define RECALL_FLOOR    0.90
#define SCANNED_RECALL_FLOOR 0.80

/* ---- the rules ---------------------------------------------------------- */

static void
add_split (GPtrArray  *into,
           const char *list)
{
  g_auto(GStrv) items = g_strsplit (list ? list : "", ";", -1);

  for (char **i = items; *i; i++)
    if (**i != '\0')
      g_ptr_array_add (into, g_strdup (*i));
}

static CstProposalRules *
load_rules (const char *path)
{
  g_autoptr(GKeyFile) ini = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  CstProposalRules *rules = cst_proposal_rules_new ();
  g_autofree char *birth = NULL;
  g_auto(GStrv) reasons = NULL;

  g_key_file_load_from_file (ini, path, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  rules->family_name = g_key_file_get_string (ini, "patient", "family", NULL);
  rules->given_name = g_key_file_get_string (ini, "patient", "given", NULL);
  rules->mrn = g_key_file_get_string (ini, "patient", "mrn", NULL);
  rules->ssn = g_key_file_get_string (ini, "patient", "ssn", NULL);
  birth = g_key_file_get_string (ini, "patient", "birth", NULL);
  g_date_set_parse (&rules->birth_date, birth);
  g_assert_true (g_date_valid (&rules->birth_date));
  {
    g_autofree char *names = g_key_file_get_string (ini, "request", "other-names", NULL);
    g_autofree char *mrns = g_key_file_get_string (ini, "request", "other-mrns", NULL);

    add_split (rules->other_names, names);
    add_split (rules->other_mrns, mrns);
  }
  reasons = g_key_file_get_keys (ini, "terms", NULL, NULL);
  for (char **r = reasons; r && *r; r++)
    {
      g_autofree char *list = g_key_file_get_string (ini, "terms", *r, NULL);
      g_autoptr(GPtrArray) terms = g_ptr_array_new_with_free_func (g_free);

      add_split (terms, list);
      for (guint i = 0; i < terms->len; i++)
        {
          CstRedactionTerm *t = g_new0 (CstRedactionTerm, 1);

          t->reason = g_strdup (*r);
          t->term = g_strdup (g_ptr_array_index (terms, i));
          g_ptr_array_add (rules->terms, t);
        }
    }
  return rules;
}

static CstProposalRules *
patient_rules (void)
{
  CstProposalRules *rules = cst_proposal_rules_new ();

  rules->family_name = g_strdup ("Okonkwo");
  rules->given_name = g_strdup ("Adaeze");
  rules->mrn = g_strdup ("448812");
  g_date_set_dmy (&rules->birth_date, 14, G_DATE_MARCH, 1979);
  return rules;
}

/* The texts @rules finds in @text, joined by "|". */
static char *
finds (const CstProposalRules *rules,
       const char             *text)
{
  g_autoptr(GArray) matches = cst_redaction_propose_in_text (rules, text);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < matches->len; i++)
    {
      const CstProposalMatch *m = &g_array_index (matches, CstProposalMatch, i);
      g_autofree char *found = g_utf8_substring (text, m->start, m->end);

      g_string_append_printf (out, "%s%s", out->len ? "|" : "", found);
    }
  return g_strdup (out->str);
}

#define assert_finds(rules, text, want)            \
  G_STMT_START {                                   \
    g_autofree char *got_ = finds (rules, text);   \
    g_assert_cmpstr (got_, ==, want);              \
  } G_STMT_END

/* ---- in a text ---------------------------------------------------------- */

static void
test_ssn (void)
{
  g_autoptr(CstProposalRules) rules = patient_rules ();

  assert_finds (rules, "contact 412-38-9056 and 388 40 1975", "412-38-9056|388 40 1975");
  /* Never issued: area 000, 666, 9xx; group 00; serial 0000. */
  assert_finds (rules, "000-12-3456 666-20-1188 912-45-6789 123-00-4567 123-45-0000", "");
  /* Part of a longer number, or a phone number. */
  assert_finds (rules, "1412-38-9056 412-38-90567 (555) 201-7788 555-201-7788", "");
  /* Nine bare digits only after a label. */
  assert_finds (rules, "account 880214553", "");
  assert_finds (rules, "SSN: 530118842 and Social Security No. 604723318", "530118842|604723318");
  /* The patient's own, when given, stays. */
  rules->ssn = g_strdup ("219550143");
  assert_finds (rules, "SSN 219-55-0143, spouse 412-38-9056", "412-38-9056");
}

static void
test_labelled (void)
{
  g_autoptr(CstProposalRules) rules = patient_rules ();

  assert_finds (rules, "MRN: 448812", "");
  assert_finds (rules, "MRN: 552901\nMedical Record No. 448812", "552901");
  assert_finds (rules, "DOB: 03/14/1979, DOB 3/14/79, born March 14, 1979, DOB 1979-03-14", "");
  assert_finds (rules, "DOB: 11/02/1963", "11/02/1963");
  assert_finds (rules, "Date of birth: 22 Jul 1958", "22 Jul 1958");
  assert_finds (rules, "Patient: Adaeze Okonkwo\nPatient Name: Okonkwo, Adaeze", "");
  assert_finds (rules, "Patient: Gregory Ashworth", "Gregory Ashworth");
  assert_finds (rules, "Name: Marjorie Tillman\nProvider name: Helena Marsh", "Marjorie Tillman");
  /* Without the patient's MRN no MRN is known to be someone else's. */
  g_clear_pointer (&rules->mrn, g_free);
  assert_finds (rules, "MRN: 552901", "");
}

static void
test_request_people_and_terms (void)
{
  g_autoptr(CstProposalRules) rules = patient_rules ();
  CstRedactionTerm *term = g_new0 (CstRedactionTerm, 1);
  g_autoptr(GArray) matches = NULL;

  g_ptr_array_add (rules->other_names, g_strdup ("Tobias Brennan"));
  g_ptr_array_add (rules->other_mrns, g_strdup ("731205"));
  term->reason = g_strdup ("part2");
  term->term = g_strdup ("Harbor Light Recovery");
  g_ptr_array_add (rules->terms, term);
  assert_finds (rules, "brother TOBIAS\n BRENNAN; guarantor Brennan, Tobias; Tobias Brennanson",
                "TOBIAS\n BRENNAN|Brennan, Tobias");
  assert_finds (rules, "outside MRN 731205, ref 7312050", "731205");
  matches = cst_redaction_propose_in_text (rules, "seen at harbor  light recovery in 2019");
  g_assert_cmpuint (matches->len, ==, 1);
  g_assert_cmpstr (g_array_index (matches, CstProposalMatch, 0).reason, ==, "part2");
  g_assert_cmpint (g_array_index (matches, CstProposalMatch, 0).kind, ==, CST_PROPOSAL_TERM);
  g_assert_cmpstr (cst_proposal_kind_to_nick (CST_PROPOSAL_TERM), ==, "term");
}

static void
test_invalid_utf8 (void)
{
  g_autoptr(CstProposalRules) rules = patient_rules ();

  /* Read up to the first invalid byte. */
  assert_finds (rules, "SSN 412-38-9056 \xff 530-11-8842", "412-38-9056");
}

/* ---- the labelled set --------------------------------------------------- */

typedef struct
{
  guint tp, fp, fn;
} Tally;

static char *
squash_key (const char *found)
{
  g_autofree char *spaced = g_strdup (found);
  GString *out = g_string_new (NULL);
  gboolean space = FALSE;

  /* White space in a label or a find counts as one '_'. */
  for (char *c = g_strstrip (spaced); *c; c++)
    {
      if (g_ascii_isspace (*c))
        space = TRUE;
      else
        {
          if (space && out->len)
            g_string_append_c (out, '_');
          space = FALSE;
          g_string_append_c (out, *c);
        }
    }
  {
    g_autofree char *joined = g_string_free (out, FALSE);

    return g_utf8_strdown (joined, -1);
  }
}

/* The page's text without the brackets, its labels (squashed) in @labels. */
static char *
strip_labels (const char *marked,
              GHashTable *labels)
{
  GString *text = g_string_new (NULL);
  const char *p = marked;

  while (*p)
    {
      const char *open = strstr (p, "[[");
      const char *close = open ? strstr (open, "]]") : NULL;
      g_autofree char *label = NULL;

      if (open == NULL || close == NULL)
        {
          g_string_append (text, p);
          break;
        }
      g_string_append_len (text, p, open - p);
      label = g_strndup (open + 2, (gsize) (close - open - 2));
      g_string_append (text, label);
      g_hash_table_add (labels, squash_key (label));
      p = close + 2;
    }
  return g_string_free (text, FALSE);
}

static void
score_page (const CstProposalRules *rules,
            const char             *file,
            const char             *dir,
            Tally                  *tally)
{
  g_autofree char *marked = NULL;
  g_autoptr(GHashTable) labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) found = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *text = NULL;
  g_autofree char *pdf = NULL;
  g_autoptr(GPtrArray) proposals = NULL;
  g_autoptr(GError) error = NULL;
  gboolean scanned;
  GHashTableIter iter;
  gpointer key;

  g_assert_true (g_file_get_contents (file, &marked, NULL, NULL));
  scanned = g_str_has_prefix (marked, "# scanned\n");
  text = strip_labels (scanned ? marked + strlen ("# scanned\n") : marked, labels);
  {
    const char *pages[] = { text, NULL };

    pdf = cst_test_records_pdf_lines (dir, "page.pdf", pages, scanned);
  }
  proposals = cst_redaction_propose_file (rules, pdf, 1, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < proposals->len; i++)
    g_hash_table_add (found, squash_key (((CstProposal *) g_ptr_array_index (proposals, i))->found));
  g_hash_table_iter_init (&iter, found);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (g_hash_table_contains (labels, key))
      tally[scanned].tp++;
    else
      {
        tally[scanned].fp++;
        g_test_message ("%s: proposed what is not labelled: %s", file, (char *) key);
      }
  g_hash_table_iter_init (&iter, labels);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (found, key))
      {
        tally[scanned].fn++;
        g_test_message ("%s: missed %s", file, (char *) key);
      }
  g_unlink (pdf);
}

static double
precision (const Tally *t)
{
  return t->tp + t->fp ? (double) t->tp / (t->tp + t->fp) : 1.0;
}

static double
recall (const Tally *t)
{
  return t->tp + t->fn ? (double) t->tp / (t->tp + t->fn) : 1.0;
}

static void
test_labelled_set (void)
{
  g_autofree char *set = g_test_build_filename (G_TEST_DIST, "data", "redaction-proposals", NULL);
  g_autofree char *ini = g_build_filename (set, "request.ini", NULL);
  g_autoptr(CstProposalRules) rules = load_rules (ini);
  g_autoptr(GDir) listing = g_dir_open (set, 0, NULL);
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *dir = g_dir_make_tmp ("cst-propose-XXXXXX", NULL);
  Tally tally[2] = { { 0 } };   /* born-digital, scanned */
  Tally all;
  const char *name;

  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_prefix (name, "page-") && g_str_has_suffix (name, ".txt"))
      g_ptr_array_add (pages, g_build_filename (set, name, NULL));
  g_ptr_array_sort (pages, (GCompareFunc) g_strcmp0);
  g_assert_cmpuint (pages->len, >=, 16);
  for (guint i = 0; i < pages->len; i++)
    score_page (rules, g_ptr_array_index (pages, i), dir, tally);
  g_rmdir (dir);
  all = (Tally) { tally[0].tp + tally[1].tp, tally[0].fp + tally[1].fp, tally[0].fn + tally[1].fn };
  /* The figures, in the test's output (meson test --verbose, or the log). */
  printf ("# proposal finder on %u labelled pages: precision %.3f, recall %.3f "
          "(%u found rightly, %u wrongly, %u missed)\n",
          pages->len, precision (&all), recall (&all), all.tp, all.fp, all.fn);
  printf ("# born-digital: precision %.3f, recall %.3f; scanned (OCR): precision %.3f, recall %.3f\n",
          precision (&tally[0]), recall (&tally[0]), precision (&tally[1]), recall (&tally[1]));
  g_assert_cmpfloat (precision (&all), >=, PRECISION_FLOOR);
  g_assert_cmpfloat (recall (&all), >=, RECALL_FLOOR);
  g_assert_cmpfloat (recall (&tally[1]), >=, SCANNED_RECALL_FLOOR);
  /* Scanned pages are in the set, and have labels. */
  g_assert_cmpuint (tally[1].tp + tally[1].fn, >=, 5);
}

/* Words selected by dragging become one box per line, with the finder's
 * point of room around each, whichever way the drag went; the word at a
 * point is the one under it, else the nearest. */
static void
test_words_selected (void)
{
  const CstRedactionWord words[] = {
    { { 72, 100, 40, 12 } },    /* line 1 */
    { { 116, 100, 30, 12 } },
    { { 150, 101, 50, 11 } },
    { { 72, 120, 60, 12 } },    /* line 2 */
    { { 136, 120, 20, 12 } },
  };
  g_autoptr(GArray) one = cst_redaction_words_boxes (words, G_N_ELEMENTS (words), 1, 2);
  g_autoptr(GArray) two = cst_redaction_words_boxes (words, G_N_ELEMENTS (words), 3, 1);
  g_autoptr(GArray) none = cst_redaction_words_boxes (words, 0, 0, 0);
  const CstRedactionBox *b;

  g_assert_cmpuint (one->len, ==, 1);
  b = &g_array_index (one, CstRedactionBox, 0);
  g_assert_cmpfloat_with_epsilon (b->x, 115, 1e-9);
  g_assert_cmpfloat_with_epsilon (b->y, 99, 1e-9);
  g_assert_cmpfloat_with_epsilon (b->width, 86, 1e-9);
  g_assert_cmpfloat_with_epsilon (b->height, 14, 1e-9);
  /* Backwards across two lines: the end of line 1, the start of line 2. */
  g_assert_cmpuint (two->len, ==, 2);
  b = &g_array_index (two, CstRedactionBox, 1);
  g_assert_cmpfloat_with_epsilon (b->x, 71, 1e-9);
  g_assert_cmpfloat_with_epsilon (b->y, 119, 1e-9);
  g_assert_cmpfloat_with_epsilon (b->width, 62, 1e-9);
  g_assert_cmpint (cst_redaction_words_at (words, G_N_ELEMENTS (words), 120, 105), ==, 1);
  g_assert_cmpint (cst_redaction_words_at (words, G_N_ELEMENTS (words), 160, 126), ==, 4);
  g_assert_cmpint (cst_redaction_words_at (words, 0, 1, 1), ==, -1);
  g_assert_cmpuint (none->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/redaction-propose/ssn", test_ssn);
  g_test_add_func ("/redaction-propose/labelled", test_labelled);
  g_test_add_func ("/redaction-propose/request-people-and-terms", test_request_people_and_terms);
  g_test_add_func ("/redaction-propose/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/redaction-propose/words-selected", test_words_selected);
  g_test_add_func ("/redaction-propose/labelled-set", test_labelled_set);
  return g_test_run ();
}
