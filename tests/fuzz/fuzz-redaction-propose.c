/* fuzz-redaction-propose.c — cst_redaction_propose_in_text, the proposal
 * finder's patterns over a record page's text (whatever a PDF or OCR
 * gives), with the request's names and the configured terms taken from
 * the input too
 *
 * The input's first line is a name the request gives, its second a
 * configured term (both go into patterns, escaped); the rest is the page.
 * Beyond not crashing: every find is a non-empty span inside the page's
 * valid UTF-8, finds are sorted and no span comes twice, each has a
 * reason a box may carry and a kind with a name; a find of the
 * patient's own SSN (set here) never comes back.
 */
#include "config.h"

#include <string.h>

#include "custodian/cst-redaction-propose.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *input = g_strndup ((const char *) data, size);
  g_auto(GStrv) parts = g_strsplit (input, "\n", 3);
  g_autoptr(CstProposalRules) rules = cst_proposal_rules_new ();
  const char *page = "";
  const char *end = NULL;
  glong n_chars;
  g_autoptr(GArray) matches = NULL;
  CstRedactionTerm *term;

  rules->family_name = g_strdup ("Okonkwo");
  rules->mrn = g_strdup ("448812");
  rules->ssn = g_strdup ("219-55-0143");
  g_date_set_dmy (&rules->birth_date, 14, G_DATE_MARCH, 1979);
  if (parts[0] != NULL && g_utf8_validate (parts[0], -1, NULL))
    g_ptr_array_add (rules->other_names, g_strdup (parts[0]));
  if (parts[0] != NULL && parts[1] != NULL && g_utf8_validate (parts[1], -1, NULL))
    {
      term = g_new0 (CstRedactionTerm, 1);
      term->reason = g_strdup ("part2");
      term->term = g_strdup (parts[1]);
      g_ptr_array_add (rules->terms, term);
    }
  if (parts[0] != NULL && parts[1] != NULL && parts[2] != NULL)
    page = parts[2];
  matches = cst_redaction_propose_in_text (rules, page);
  g_utf8_validate (page, -1, &end);
  n_chars = g_utf8_strlen (page, end - page);
  for (guint i = 0; i < matches->len; i++)
    {
      const CstProposalMatch *m = &g_array_index (matches, CstProposalMatch, i);
      g_autofree char *found = NULL;

      g_assert_cmpuint (m->start, <, m->end);
      g_assert_cmpuint (m->end, <=, (guint) n_chars);
      g_assert_true (cst_redaction_reason_valid (m->reason));
      g_assert_nonnull (cst_proposal_kind_to_nick (m->kind));
      if (i > 0)
        {
          const CstProposalMatch *prev = &g_array_index (matches, CstProposalMatch, i - 1);

          g_assert_true (prev->start < m->start || (prev->start == m->start && prev->end < m->end));
        }
      found = g_utf8_substring (page, m->start, m->end);
      if (m->kind == CST_PROPOSAL_SSN)
        g_assert_cmpstr (found, !=, "219-55-0143");
    }
  return 0;
}
