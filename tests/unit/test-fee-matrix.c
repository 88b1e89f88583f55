/* test-fee-matrix.c — every shipped state, every requester class, every
 * purpose: a request received on the day issue 17 was filed (2026-12-06)
 * is quoted with every line cited, is free by a cited rule, or is refused
 * with a message that names what an administrator must enter.  Never a
 * bare "cannot be quoted".
 *
 * The whole matrix is printed and compared with tests/data/fee-matrix.txt,
 * the expected result kept in the tree: a change to the shipped schedules
 * or the engine shows there, line by line, in review.  To accept a change,
 * run the test with CUSTODIAN_UPDATE_EXPECTED=1 and read the diff.
 *
 * The date is fixed so the file stays the expected result; the schedules'
 * running out is the data test seed-expiry's job.  The request: a
 * hospital's 10 paper pages, picked up, the hospital's default method. */
#include "config.h"

#include <string.h>

#include "cst-test-db.h"

#define MATRIX_DATE "2026-12-06"

static void
describe_quote (GString     *row,
                CstFeeQuote *quote)
{
  g_autofree char *money = cst_money_format (cst_fee_quote_get_total_cents (quote));
  const CstFeeLine *first = cst_fee_quote_get_line (quote, 0);

  for (guint i = 0; i < cst_fee_quote_get_n_lines (quote); i++)
    {
      const CstFeeLine *line = cst_fee_quote_get_line (quote, i);
      const char *citation = cst_fee_line_get_citation (line);

      if (citation == NULL || *citation == '\0')
        g_error ("%s: line %s has no citation", row->str, cst_fee_line_get_rule (line));
    }
  if (cst_fee_quote_get_method (quote) == CST_FEE_METHOD_NO_CHARGE)
    {
      g_assert_cmpint (cst_fee_quote_get_total_cents (quote), ==, 0);
      g_string_append_printf (row, "free   %s (%s)", cst_fee_quote_get_schedule_version (quote),
                              cst_fee_line_get_citation (first));
      return;
    }
  g_string_append_printf (row, "quote  %s %s %s%s", money, cst_fee_method_to_nick (cst_fee_quote_get_method (quote)),
                          cst_fee_quote_get_schedule_version (quote),
                          cst_fee_quote_is_unconfirmed (quote) ? " UNCONFIRMED" : "");
}

static void
test_matrix (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstFeeScheduleSet) seed = cst_fee_schedule_set_new_from_seed (&error);
  g_autoptr(GString) matrix = g_string_new (NULL);
  g_autoptr(GHashTable) states = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *expected_path = NULL;
  g_autofree char *expected = NULL;
  GPtrArray *all;
  guint n_quoted = 0, n_free = 0, n_refused = 0;

  g_assert_no_error (error);
  all = cst_fee_schedule_set_get_schedules (seed);
  for (guint i = 0; i < all->len; i++)
    {
      const char *state = cst_fee_schedule_get_jurisdiction (g_ptr_array_index (all, i));

      if (g_str_equal (state, "US") || !g_hash_table_add (states, (gpointer) state))
        continue;
      for (int r = 0; r < CST_FEE_N_REQUESTERS; r++)
        for (int p = 0; p < CST_FEE_N_PURPOSES; p++)
          {
            g_autoptr(GString) row = g_string_new (NULL);
            g_autoptr(CstFeeQuote) quote = NULL;
            g_autoptr(GError) refusal = NULL;
            CstFeeRequest request;

            cst_fee_request_init (&request);
            g_assert_true (cst_fee_request_set_jurisdiction (&request, state, NULL));
            g_assert_true (cst_input_parse_date (MATRIX_DATE, &request.received, NULL));
            request.requester = r;
            request.purpose = p;
            request.format = CST_FEE_FORMAT_PAPER;
            request.maintained_electronically = FALSE;
            request.pages = 10;
            g_string_printf (row, "%s %-31s %-15s ", state, cst_fee_requester_to_nick (r), cst_fee_purpose_to_nick (p));
            quote = cst_fee_engine_quote (seed, &request, &refusal);
            if (quote != NULL)
              {
                describe_quote (row, quote);
                if (cst_fee_quote_get_method (quote) == CST_FEE_METHOD_NO_CHARGE)
                  n_free++;
                else
                  n_quoted++;
              }
            else
              {
                /* The refusal names what an administrator must enter. */
                if (strstr (refusal->message, "administrator must enter") == NULL)
                  g_error ("%s refused without saying what to enter: %s", row->str, refusal->message);
                g_string_append_printf (row, "refuse %s", refusal->message);
                n_refused++;
              }
            g_string_append_printf (matrix, "%s\n", row->str);
          }
    }
  g_test_message ("%u quoted, %u free, %u refused with what to enter", n_quoted, n_free, n_refused);
  {
    g_auto(GStrv) rows = g_strsplit (matrix->str, "\n", -1);

    for (guint i = 0; rows[i] && *rows[i]; i++)
      g_test_message ("%s", rows[i]);
  }
  g_assert_cmpuint (g_hash_table_size (states), >=, 12);

  expected_path = g_test_build_filename (G_TEST_DIST, "data", "fee-matrix.txt", NULL);
  if (g_getenv ("CUSTODIAN_UPDATE_EXPECTED"))
    {
      g_assert_true (g_file_set_contents (expected_path, matrix->str, -1, &error));
      return;
    }
  g_assert_true (g_file_get_contents (expected_path, &expected, NULL, &error));
  g_assert_no_error (error);
  if (!g_str_equal (expected, matrix->str))
    {
      g_auto(GStrv) want = g_strsplit (expected, "\n", -1);
      g_auto(GStrv) have = g_strsplit (matrix->str, "\n", -1);

      for (guint i = 0; want[i] && have[i]; i++)
        if (!g_str_equal (want[i], have[i]))
          g_error ("tests/data/fee-matrix.txt line %u:\n  expected: %s\n  now:      %s", i + 1, want[i], have[i]);
      g_error ("tests/data/fee-matrix.txt has %u lines, the matrix %u", g_strv_length (want), g_strv_length (have));
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fee/matrix/every-state-requester-purpose", test_matrix);
  return g_test_run ();
}
