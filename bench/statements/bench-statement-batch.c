/* bench-statement-batch.c — issue 21's figures: a batch of bills with
 * their remittances, and an estimate from a large price list
 *
 *   bench-statement-batch batch [N]   N bills (default 10,000): each the
 *       sample bill's CSV imported, its payer's remittance parsed (the X12
 *       835 and the CARIN ExplanationOfBenefit in turn), the statement made
 *       with it and its JSON summary written; then the first
 *       PDF_BILLS of them rendered to PDF as well
 *   bench-statement-batch prices [N]  a generated N-line CMS "tall" price
 *       list (default 100,000) imported, then an insured estimate and a
 *       Good Faith Estimate made from it
 *
 * Prints wall time, CPU time, the rate and the peak resident memory
 * (VmHWM).  Each mode runs in its own process so its peak is its own.
 * No database.  G_TEST_SRCDIR names the tests/ folder (sample data).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <custodian/custodian.h>

#include "bench-statement-common.h"

#define PDF_BILLS 1000

static double
now_s (void)
{
  return g_get_monotonic_time () / 1e6;
}

static double
cpu_s (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

/* The process's peak resident set, in MiB, from /proc (Linux). */
static double
peak_mib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      !(line = strstr (status, "VmHWM:")))
    return -1;
  return g_ascii_strtod (line + 6, NULL) / 1024.0;
}

static char *
data_file (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("G_TEST_SRCDIR") ? g_getenv ("G_TEST_SRCDIR") : "tests",
                                            "data", name, NULL);
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    g_error ("bench-statement-batch: cannot read %s", path);
  return text;
}

static CstStatement *
one_statement (const char           *csv,
               const char           *remittance_text,
               CstStatementRules    *rules,
               CstStatementTemplate *tpl,
               guint                 index)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstBill) bill = cst_bill_import_csv (csv, strlen (csv), 0, NULL, &error);
  g_autoptr(CstRemittance) remittance = NULL;
  g_autofree char *account = g_strdup_printf ("B-%06u", index);
  GDate today;
  CstStatement *st;

  if (bill == NULL || !(remittance = cst_remittance_parse (remittance_text, strlen (remittance_text), &error)))
    g_error ("bench-statement-batch: %s", error->message);
  cst_bill_set_text (&bill->patient_name, "Bench Patient");
  cst_bill_set_text (&bill->account_number, account);
  cst_bill_set_text (&bill->payer_name, remittance->payer);
  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 1, 4, 2025);
  cst_bill_fill_defaults (bill, &today);
  st = cst_statement_new (bill, rules, tpl, &error);
  if (st == NULL || !cst_statement_set_remittance (st, remittance, NULL, &error))
    g_error ("bench-statement-batch: %s", error->message);
  return st;
}

static int
bench_batch (guint n)
{
  g_autofree char *csv = data_file ("sample-bill-1.csv");
  g_autofree char *x12 = data_file ("sample-bill-1.835");
  g_autofree char *eob = data_file ("sample-bill-1.eob.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(CstStatementRules) rules = cst_statement_rules_new_default (&error);
  g_autoptr(CstStatementTemplate) tpl = bench_statement_template ();
  double wall = now_s (), cpu = cpu_s ();
  gsize json_bytes = 0, pdf_bytes = 0;
  guint n_pdf = MIN (n, PDF_BILLS);

  g_assert_nonnull (rules);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CstStatement) st = one_statement (csv, i % 2 ? eob : x12, rules, tpl, i);
      g_autofree char *json = cst_statement_to_json (st);

      g_assert_true (st->reconciled);
      json_bytes += strlen (json);
    }
  wall = now_s () - wall;
  cpu = cpu_s () - cpu;
  g_print ("%u bills with remittances (835 and EOB in turn): import + remittance + statement + JSON\n"
           "  wall %.2f s, CPU %.2f s: %.0f statements/s (%.3f ms each); JSON %zu bytes\n",
           n, wall, cpu, n / wall, wall * 1000.0 / n, json_bytes);

  wall = now_s ();
  cpu = cpu_s ();
  for (guint i = 0; i < n_pdf; i++)
    {
      g_autoptr(CstStatement) st = one_statement (csv, i % 2 ? eob : x12, rules, tpl, i);
      g_autoptr(GBytes) pdf = cst_statement_render_pdf (st, &error);

      if (pdf == NULL)
        g_error ("bench-statement-batch: %s", error->message);
      pdf_bytes += g_bytes_get_size (pdf);
    }
  wall = now_s () - wall;
  cpu = cpu_s () - cpu;
  g_print ("the first %u of them also as PDF\n"
           "  wall %.2f s, CPU %.2f s: %.1f statements/s with PDF (%.2f ms each); %zu bytes of PDF\n",
           n_pdf, wall, cpu, n_pdf / wall, wall * 1000.0 / n_pdf, pdf_bytes);
  g_print ("peak resident memory (VmHWM): %.1f MiB\n", peak_mib ());
  return EXIT_SUCCESS;
}

/* The sample file's three header rows, then @n items: the sample's ED
 * visit (99284) last, the rest generated codes with a cash price and a
 * dollar and a percentage rate. */
static GString *
generate_prices (const char *sample,
                 guint       n)
{
  g_auto(GStrv) rows = g_strsplit (sample, "\n", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < 3; i++)
    g_string_append_printf (out, "%s\n", rows[i]);
  for (guint i = 0; i + 1 < n; i++)
    {
      guint gross = 1000 + (i * 37) % 90000;
      if (i % 2 == 0)
        g_string_append_printf (out, "GENERATED ITEM %u,G%06u,CPT,,,,outpatient,,,%u.00,%u.50,Example Health Plan,PPO Gold,%u.25,,,,fee schedule,,,\n",
                                i, i, gross, gross / 2, gross / 3);
      else
        g_string_append_printf (out, "GENERATED ITEM %u,G%06u,CPT,,,,outpatient,,,%u.00,%u.50,Example Health Plan,PPO Gold,,60,,,percent of total billed charges,,,\n",
                                i, i, gross, gross / 2);
    }
  g_string_append_printf (out, "%s\n", rows[3]);
  return out;
}

static int
bench_prices (guint n)
{
  g_autofree char *sample = data_file ("sample-standard-charges.csv");
  g_autoptr(GString) csv = generate_prices (sample, n);
  g_autoptr(GError) error = NULL;
  g_autoptr(CstPriceList) prices = NULL;
  g_autoptr(CstEstimate) insured = NULL;
  g_autoptr(CstEstimate) gfe = NULL;
  const CstEstimateService services[] = { { "99284", 1 }, { "G000010", 2 }, { "G099997", 1 } };
  const CstEstimateCoverage coverage = { "Example Health Plan", "PPO Gold", 50000, 2000, 2500, 300000 };
  double before = peak_mib ();
  double wall = now_s (), cpu = cpu_s (), import_wall, estimate_wall;

  prices = cst_price_list_import_csv (csv->str, csv->len, NULL, &error);
  if (prices == NULL)
    g_error ("bench-statement-batch: %s", error->message);
  import_wall = now_s () - wall;
  wall = now_s ();
  insured = cst_estimate_new_insured (prices, services, G_N_ELEMENTS (services), &coverage, &error);
  gfe = cst_estimate_new_self_pay (prices, services, G_N_ELEMENTS (services), &error);
  if (insured == NULL || gfe == NULL)
    g_error ("bench-statement-batch: %s", error->message);
  estimate_wall = now_s () - wall;
  cpu = cpu_s () - cpu;
  g_print ("%u-line price list (%zu bytes of CSV, %u items)\n"
           "  import %.3f s; insured estimate + Good Faith Estimate %.3f ms; CPU %.2f s\n"
           "  insured: patient %" G_GINT64_FORMAT " cents of %" G_GINT64_FORMAT " allowed; GFE %" G_GINT64_FORMAT " cents\n"
           "peak resident memory (VmHWM): %.1f MiB (%.1f MiB before the import, the generated CSV included)\n",
           n, csv->len, prices->items->len, import_wall, estimate_wall * 1000.0, cpu,
           insured->patient_cents, insured->allowed_cents, gfe->gfe_total_cents, peak_mib (), before);
  return EXIT_SUCCESS;
}

int
main (int    argc,
      char **argv)
{
  const char *mode = argc > 1 ? argv[1] : "batch";
  guint n = argc > 2 ? (guint) g_ascii_strtoull (argv[2], NULL, 10) : 0;

  if (g_str_equal (mode, "batch"))
    return bench_batch (n ? n : 10000);
  if (g_str_equal (mode, "prices"))
    return bench_prices (n ? n : 100000);
  g_printerr ("usage: bench-statement-batch batch|prices [N]\n");
  return EXIT_FAILURE;
}
