/* test-redaction-propose.c — the proposal finder: what it proposes in a
 * text (its precision and recall on the labelled pages of
 * tests/data/redaction-proposals are test-redaction-propose-set's)
 *
 * No database: cst_redaction_propose_in_text() is the matching the
 * request-wide run (test-redaction-propose-db) stores proposals from.
 */
#include "config.h"

#include <string.h>

#include "custodian/cst-redaction-propose.h"
#include "custodian/cst-redaction-words.h"

/* ---- the rules ---------------------------------------------------------- */

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
  return g_test_run ();
}
