/* test-redaction-propose-set.c — the proposal finder's precision and recall
 * on the labelled pages of tests/data/redaction-proposals (README.md there)
 *
 * A measure of the finder, not of its memory: it runs natively in the
 * `unit` suite, outside `model`.  Its three scanned pages are read by
 * Tesseract, about ten seconds of CPU a page under memcheck; the code they
 * run (cst_redaction_page_glyphs() by OCR, then the same matching as text)
 * is under the sanitizers and memcheck in test-redaction-propose (the
 * matching) and db/test-redaction (`/redaction/find-async`: a scanned
 * page read by OCR).
 */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "custodian/cst-redaction-propose.h"

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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/redaction-propose/labelled-set", test_labelled_set);
  return g_test_run ();
}
