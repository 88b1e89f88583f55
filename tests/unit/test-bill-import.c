/* test-bill-import.c — itemized bills from CSV: the sample, encodings and
 * line ends, quoting, every defect with its line and column, and a
 * mutation fuzz of the parser */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include <custodian/custodian.h>
#include "cst-test-async.h"

#define HEADER "service_date,revenue_code,cpt_hcpcs,description,units,charge_cents," \
               "insurer_paid_cents,adjustment_cents,patient_resp_cents"

static char *
read_sample (gsize *length)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "sample-bill-1.csv", NULL);
  char *contents = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (path, &contents, length, &error));
  g_assert_no_error (error);
  return contents;
}

static CstBill *
import_ok (const char *text)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  CstBill *bill = cst_bill_import_csv (text, strlen (text), CST_BILL_IMPORT_NONE, &problems, &error);

  g_assert_no_error (error);
  g_assert_nonnull (bill);
  g_assert_cmpuint (problems->len, ==, 0);
  return bill;
}

static const CstBillLine *
line (CstBill *bill,
      guint    i)
{
  return g_ptr_array_index (bill->lines, i);
}

static void
test_sample (void)
{
  gsize length = 0;
  g_autofree char *data = read_sample (&length);
  g_autoptr(CstBill) bill = cst_bill_import_csv (data, length, 0, NULL, NULL);
  gint64 charges = 0, paid = 0, adjustments = 0, patient = 0;

  g_assert_nonnull (bill);
  g_assert_cmpuint (bill->lines->len, ==, 27);
  g_assert_cmpstr (line (bill, 0)->revenue_code, ==, "0450");
  g_assert_cmpstr (line (bill, 0)->cpt_hcpcs, ==, "99284");
  g_assert_cmpstr (line (bill, 0)->description, ==, "HC ED VISIT LVL 4");
  g_assert_cmpuint (line (bill, 0)->source_line, ==, 2);
  g_assert_cmpint (g_date_get_day (&line (bill, 19)->service_date), ==, 15);
  g_assert_cmpstr (line (bill, 20)->cpt_hcpcs, ==, "");
  g_assert_cmpint (line (bill, 12)->units, ==, 100);
  for (guint i = 0; i < bill->lines->len; i++)
    {
      charges += line (bill, i)->charge_cents;
      paid += line (bill, i)->insurer_paid_cents;
      adjustments += line (bill, i)->adjustment_cents;
      patient += line (bill, i)->patient_resp_cents;
    }
  /* statement-spec section 8. */
  g_assert_cmpint (charges, ==, 1336400);
  g_assert_cmpint (paid, ==, 150385);
  g_assert_cmpint (adjustments, ==, 1048419);
  g_assert_cmpint (patient, ==, 137596);
}

/* The same file with a byte-order mark and CRLF line ends imports the same. */
static void
test_bom_and_crlf (void)
{
  gsize length = 0;
  g_autofree char *data = read_sample (&length);
  g_auto(GStrv) rows = g_strsplit (data, "\n", -1);
  g_autofree char *crlf = g_strjoinv ("\r\n", rows);
  g_autofree char *with_bom = g_strconcat ("\xEF\xBB\xBF", crlf, NULL);
  g_autoptr(CstBill) bill = import_ok (with_bom);

  g_assert_cmpuint (bill->lines->len, ==, 27);
  g_assert_cmpstr (line (bill, 26)->description, ==, "HC SYR NS FLUSH 10ML");
  g_assert_cmpuint (line (bill, 26)->source_line, ==, 28);
}

static void
test_quoting_and_accents (void)
{
  const char *text =
    HEADER "\n"
    "2025-03-14,0450,99284,\"HC ED VISIT, LVL 4 \"\"URGENT\"\"\",1,100,0,0,100\n"
    "2025-03-14,0250,,\"Inyección para José Núñez,\nsegunda línea\",1,200,50,50,100\n"
    "2025-03-14,0250,,Zoë Ångström café,1,300,0,300,0";
  g_autoptr(CstBill) bill = import_ok (text);

  g_assert_cmpuint (bill->lines->len, ==, 3);
  g_assert_cmpstr (line (bill, 0)->description, ==, "HC ED VISIT, LVL 4 \"URGENT\"");
  g_assert_cmpstr (line (bill, 1)->description, ==, "Inyección para José Núñez,\nsegunda línea");
  g_assert_cmpstr (line (bill, 2)->description, ==, "Zoë Ångström café");
  /* The quoted line break moves the next record to line 5. */
  g_assert_cmpuint (line (bill, 2)->source_line, ==, 5);
}

/* Columns in another order, header names in capitals, an extra column. */
static void
test_column_order (void)
{
  const char *text =
    "Description,Units,Service_Date,Revenue_Code,CPT_HCPCS,charge_cents,patient_resp_cents,"
    "adjustment_cents,insurer_paid_cents,note\n"
    "HC EKG,1,2025-03-14,0730,93005,28500,1425,21375,5700,anything\n";
  g_autoptr(CstBill) bill = import_ok (text);

  g_assert_cmpint (line (bill, 0)->insurer_paid_cents, ==, 5700);
  g_assert_cmpint (line (bill, 0)->patient_resp_cents, ==, 1425);
}

typedef struct
{
  guint       line;
  guint       column;
  const char *fragment;
} Expected;

static void
assert_problems (const char     *text,
                 const Expected *expected,
                 guint           n_expected)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstBill) bill = cst_bill_import_csv (text, strlen (text), 0, &problems, &error);

  /* An invalid file imports nothing. */
  g_assert_null (bill);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  for (guint i = 0; i < problems->len; i++)
    {
      g_autofree char *text_of = cst_csv_problem_format (g_ptr_array_index (problems, i));
      g_test_message ("%s", text_of);
    }
  g_assert_cmpuint (problems->len, ==, n_expected);
  for (guint i = 0; i < n_expected; i++)
    {
      CstCsvProblem *problem = g_ptr_array_index (problems, i);

      g_assert_cmpuint (problem->line, ==, expected[i].line);
      g_assert_cmpuint (problem->column, ==, expected[i].column);
      g_assert_nonnull (strstr (problem->message, expected[i].fragment));
    }
}

static void
test_defects (void)
{
  const char *text =
    HEADER "\n"
    "2025-02-30,0450,99284,ED VISIT,1,100,0,0,100\n"            /* 2: no such day */
    "2025-03-14,450,99284,ED VISIT,1,100,0,0,100\n"             /* 3: three digits */
    "2025-03-14,0450,99284,ED VISIT,1,12.50,0,0,100\n"          /* 4: dollars, not cents */
    "2025-03-14,0450,99284,ED VISIT,1,100,10,20,30\n"           /* 5: 100 ≠ 60 */
    "2025-03-14,0450,99284,ED VISIT,1,100,0,0\n"                /* 6: a column short */
    "2025-03-14,0450,99284,ED \"LVL\" 4,1,100,0,0,100\n"        /* 7: stray quote */
    "2025-03-14,0450,99284,,1,100,0,0,100\n"                    /* 8: no description */
    "2025-03-14,0450,9928X4,ED,1,100,0,0,100\n"                 /* 9: six characters */
    "2025-03-14,0450,99284,ED,one,100,0,0,100\n"                /* 10: units */
    "14/03/2025,0450,99284,ED,1,100,0,0,100\n"                  /* 11: date format */
    "2025-03-14,0450,99284,ED,1,100,0,0,100,extra\n"            /* 12: a field too many */
    "2025-03-14,0450,99284,\"ED\"x,1,100,0,0,100\n"             /* 13: text after the quote */
    "2025-03-14,0450,99284,ED,1,-,0,0,100\n"                    /* 14: not a number */
    "\"2025-03-14,0450,99284,ED,1,100,0,0,100\n";               /* 15: quote never closed */
  const Expected expected[] = {
    { 2, 1, "not a real calendar date" },
    { 3, 2, "not a revenue code" },
    { 4, 6, "not a whole number of cents" },
    { 5, 6, "is not insurer paid" },
    { 6, 9, "“patient_resp_cents” is missing" },
    { 7, 4, "a quote inside a field" },
    { 8, 4, "description is empty" },
    { 9, 3, "not a CPT or HCPCS code" },
    { 10, 5, "not a whole number" },
    { 11, 1, "write it as YYYY-MM-DD" },
    { 12, 10, "has only 9" },
    { 13, 4, "text after the closing quote" },
    { 14, 6, "not a whole number" },
    { 15, 1, "never closed" },
    { 15, 2, "“revenue_code” is missing" },
  };

  assert_problems (text, expected, G_N_ELEMENTS (expected));
}

static void
test_header_defects (void)
{
  const Expected missing[] = {
    { 1, 0, "no “units” column" },
    { 1, 0, "no “patient_resp_cents” column" },
  };
  const Expected twice[] = { { 1, 3, "appears twice" } };
  const Expected empty[] = { { 1, 0, "file is empty" } };
  const Expected no_lines[] = { { 1, 0, "no charge lines" } };

  assert_problems ("service_date,revenue_code,cpt_hcpcs,description,charge_cents,"
                   "insurer_paid_cents,adjustment_cents\n"
                   "2025-03-14,0450,99284,ED,100,0,0\n", missing, G_N_ELEMENTS (missing));
  assert_problems ("service_date,revenue_code,service_date,cpt_hcpcs,description,units,"
                   "charge_cents,insurer_paid_cents,adjustment_cents,patient_resp_cents\n",
                   twice, G_N_ELEMENTS (twice));
  assert_problems ("", empty, 1);
  assert_problems ("\n\n", empty, 1);
  assert_problems (HEADER "\n\n", no_lines, 1);
}

/* A multi-line quoted field: later defects keep their physical line. */
static void
test_line_numbers_after_quoted_break (void)
{
  const char *text =
    HEADER "\r\n"
    "2025-03-14,0450,99284,\"two\r\nlines\",1,100,0,0,100\r\n"
    "2025-13-14,0450,99284,ED,1,100,0,0,100\r\n";
  const Expected expected[] = { { 4, 1, "not a real calendar date" } };

  assert_problems (text, expected, 1);
}

static void
test_not_utf8 (void)
{
  const char *text = HEADER "\n2025-03-14,0450,99284,CAF\xE9,1,100,0,0,100\n";
  const Expected expected[] = { { 2, 0, "byte 26 of this line is not UTF-8" } };
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(CstBill) bill = NULL;
  const char with_nul[] = "service_date\0x";

  assert_problems (text, expected, 1);
  bill = cst_bill_import_csv (with_nul, sizeof with_nul - 1, 0, &problems, NULL);
  g_assert_null (bill);
  g_assert_cmpuint (problems->len, ==, 1);
}

static void
test_claim_level (void)
{
  const char *ok = HEADER "\n2025-06-09,0120,,HC R&B SEMI-PVT,3,900000,,,\n"
                   "2025-06-09,0250,,HC DRUGS,1,12000,0,0,0\n";
  const char *bad = HEADER "\n2025-06-09,0120,,HC R&B SEMI-PVT,3,900000,1,0,0\n";
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(CstBill) bill = cst_bill_import_csv (ok, strlen (ok), CST_BILL_IMPORT_CLAIM_LEVEL,
                                                 NULL, NULL);
  g_autoptr(CstBill) refused = NULL;

  g_assert_nonnull (bill);
  g_assert_true (bill->claim_level_payment);
  g_assert_cmpint (line (bill, 0)->insurer_paid_cents, ==, 0);
  refused = cst_bill_import_csv (bad, strlen (bad), CST_BILL_IMPORT_CLAIM_LEVEL, &problems, NULL);
  g_assert_null (refused);
  g_assert_cmpuint (problems->len, ==, 1);
  g_assert_cmpuint (((CstCsvProblem *) g_ptr_array_index (problems, 0))->column, ==, 7);
  /* Without the flag, empty payment columns are defects. */
  g_clear_pointer (&problems, g_ptr_array_unref);
  g_assert_null (cst_bill_import_csv (ok, strlen (ok), 0, &problems, NULL));
  g_assert_cmpuint (problems->len, ==, 4);
}

/* Random byte edits of the sample: the parser must neither crash nor
 * accept a file and report problems at the same time (run under ASan). */
static void
test_fuzz_mutations (void)
{
  gsize length = 0;
  g_autofree char *data = read_sample (&length);
  static const char alphabet[] = ",\"\r\n0-9aZ.\xC3\xA9\xFF ";
  GRand *rand = g_rand_new_with_seed (20250314);

  for (guint round = 0; round < 3000; round++)
    {
      g_autofree char *copy = g_memdup2 (data, length);
      gsize n = length;
      g_autoptr(GPtrArray) problems = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(CstBill) bill = NULL;
      guint edits = g_rand_int_range (rand, 1, 6);

      for (guint e = 0; e < edits; e++)
        copy[g_rand_int_range (rand, 0, (gint32) n)] =
          alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];
      if (round % 7 == 0)
        n = g_rand_int_range (rand, 0, (gint32) n);
      bill = cst_bill_import_csv (copy, n, round % 2 ? CST_BILL_IMPORT_CLAIM_LEVEL : 0,
                                  &problems, &error);
      g_assert_true ((bill != NULL) == (problems->len == 0));
      g_assert_true ((bill != NULL) == (error == NULL));
    }
  g_rand_free (rand);
}

/* The workbench's way: read and parse on a worker thread, the defects
 * given back even when they refuse the file. */
static void
test_file_async (void)
{
  g_autofree char *sample = g_test_build_filename (G_TEST_DIST, "data", "sample-bill-1.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (sample);
  g_autofree char *bad_path = NULL;
  g_autoptr(GFile) bad = NULL;
  g_autoptr(GFile) missing = g_file_new_for_path ("/nonexistent/bill.csv");
  g_autoptr(GAsyncResult) read = NULL, refused = NULL, absent = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GPtrArray) bad_problems = NULL;
  g_autoptr(GPtrArray) no_problems = NULL;
  g_autoptr(CstBill) bill = NULL;
  g_autoptr(CstBill) sync_bill = NULL;
  g_autoptr(GError) error = NULL;
  int fd = g_file_open_tmp ("bad-bill-XXXXXX.csv", &bad_path, &error);

  g_assert_no_error (error);
  close (fd);
  cst_bill_import_file_async (file, CST_BILL_IMPORT_NONE, NULL, cst_test_result_cb, &read);
  bill = cst_bill_import_file_finish (cst_test_wait_result (&read, 10), &problems, &error);
  g_assert_no_error (error);
  g_assert_nonnull (bill);
  g_assert_cmpuint (problems->len, ==, 0);
  sync_bill = cst_bill_import_file (sample, CST_BILL_IMPORT_NONE, NULL, &error);
  g_assert_cmpuint (bill->lines->len, ==, sync_bill->lines->len);
  g_assert_cmpstr (bill->patient_name, ==, sync_bill->patient_name);

  g_assert_true (g_file_set_contents (bad_path, HEADER "\nnot-a-date,0450,,x,1,100,0,0,100\n", -1, NULL));
  bad = g_file_new_for_path (bad_path);
  cst_bill_import_file_async (bad, CST_BILL_IMPORT_NONE, NULL, cst_test_result_cb, &refused);
  g_assert_null (cst_bill_import_file_finish (cst_test_wait_result (&refused, 10), &bad_problems, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpuint (bad_problems->len, >=, 1);
  g_assert_cmpuint (((CstCsvProblem *) g_ptr_array_index (bad_problems, 0))->line, ==, 2);

  cst_bill_import_file_async (missing, CST_BILL_IMPORT_NONE, NULL, cst_test_result_cb, &absent);
  g_assert_null (cst_bill_import_file_finish (cst_test_wait_result (&absent, 10), &no_problems, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_assert_null (no_problems);
  g_unlink (bad_path);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bill-import/sample", test_sample);
  g_test_add_func ("/bill-import/bom-and-crlf", test_bom_and_crlf);
  g_test_add_func ("/bill-import/quoting-and-accents", test_quoting_and_accents);
  g_test_add_func ("/bill-import/column-order", test_column_order);
  g_test_add_func ("/bill-import/defects", test_defects);
  g_test_add_func ("/bill-import/header-defects", test_header_defects);
  g_test_add_func ("/bill-import/line-numbers-after-quoted-break", test_line_numbers_after_quoted_break);
  g_test_add_func ("/bill-import/not-utf8", test_not_utf8);
  g_test_add_func ("/bill-import/claim-level", test_claim_level);
  g_test_add_func ("/bill-import/fuzz-mutations", test_fuzz_mutations);
  g_test_add_func ("/bill-import/file-async", test_file_async);
  return g_test_run ();
}
