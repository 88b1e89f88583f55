/* bench-reports.c — the fee justification report for N invoiced requests
 *
 * Seeds N requests received over 2025 in Pennsylvania, each with a
 * state-schedule invoice (the engine's lines for 100 paper pages) and a
 * disclosure for two in three, with set-based SQL as the owner; then times
 * the CSV export and the PDF export of the whole year and prints the peak
 * resident set size after each (getrusage: the process's high-water mark,
 * so the PDF figure includes the CSV run before it).
 *
 * Needs the throwaway server of build-aux/test-server.sh (PG* variables).
 * Usage: bench-reports [--requests 100000] [--skip-pdf] [--keep]
 *        [--keep-database] [--database NAME] [--repeat K]
 * --keep-database leaves the seeded database (its name is printed) for
 * --database, which reports on it without seeding: two builds (before and
 * after a change) can then be timed on the same data, alternately, in one
 * run.  Each export prints its wall time, the process's CPU time (user
 * plus system, the client's share: less noisy on a shared machine) and
 * the CPU time of the server process that ran its queries (read from
 * /proc: the server is on the same machine), so that what is left of the
 * wall time is waiting, for the CPU or for the other side.
 *
 * The report is read as an auditor login (custodian_auditor), made for
 * the run, as custodian-cli reads it: row-level security applies.
 * --as-owner reads it as the database's owner instead.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cst-test-db.h"

static long
peak_rss_kib (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

/* The user plus system CPU time of process @pid, from /proc/PID/stat
 * (fields 14 and 15, in clock ticks); -1 when it cannot be read. */
static double
process_cpu_seconds (long pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%ld/stat", pid);
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_name;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (after_name = strrchr (text, ')')) == NULL)
    return -1;
  /* Fields from the state on (the third): utime and stime are the 12th and 13th. */
  fields = g_strsplit (after_name + 2, " ", 0);
  if (g_strv_length (fields) < 13)
    return -1;
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) / sysconf (_SC_CLK_TCK);
}

/* An auditor login made for the run (named after the process, so that
 * runs on a kept database do not meet), connected: the report as
 * custodian-cli runs it, under row-level security. */
static PGconn *
connect_auditor (PGconn     *owner,
                 const char *database)
{
  g_autofree char *login = g_strdup_printf ("bench_auditor_%d", (int) getpid ());
  g_autofree char *sql = g_strdup_printf ("CREATE ROLE %s LOGIN IN ROLE custodian_auditor", login);
  g_autofree char *conninfo = g_strdup_printf ("dbname=%s user=%s", database, login);
  g_autoptr(GError) error = NULL;

  if (!cst_db_exec_command (owner, sql, 0, NULL, &error))
    g_error ("auditor login: %s", error->message);
  return cst_test_connect (conninfo);
}

static void
seed (PGconn *owner,
      gint64  n)
{
  g_autoptr(CstFeeScheduleSet) set = cst_fee_repo_load_schedules (owner, NULL);
  g_autoptr(CstFeeQuote) quote = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *lines = NULL;
  g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, n);
  g_autofree char *total = NULL;
  CstFeeRequest r;

  cst_fee_request_init (&r);
  cst_fee_request_set_jurisdiction (&r, "PA", NULL);
  cst_input_parse_date ("2025-06-02", &r.received, NULL);
  r.requester = CST_FEE_REQUESTER_ATTORNEY;
  r.pages = 100;
  r.delivery = CST_FEE_DELIVERY_PICKUP;
  quote = cst_fee_engine_quote (set, &r, &error);
  g_assert_no_error (error);
  lines = cst_fee_quote_lines_to_json (quote);
  total = g_strdup_printf ("%" G_GINT64_FORMAT, cst_fee_quote_get_total_cents (quote));

  g_object_unref (cst_test_db_add_request (owner, "BENCH-1"));
  /* Every seeded request has the same patient and requester, so each would
   * be linked as a repeat of all the open ones before it (migration 0042),
   * which makes seeding quadratic; the report does not look at the link. */
  cst_db_exec_command (owner, "ALTER TABLE roi_requests DISABLE TRIGGER roi_requests_link_repeat",
                       0, NULL, &error);
  g_assert_no_error (error);
  cst_db_exec_command (owner, "INSERT INTO requesters (kind, name) VALUES ('attorney', 'Counsel')",
                       0, NULL, &error);
  g_assert_no_error (error);
  cst_db_exec_command (owner,
    "INSERT INTO roi_requests (patient_id, requester_id, received_date, jurisdiction, format,"
    "                          delivery, page_count)"
    " SELECT (SELECT min (id) FROM patients), (SELECT max (id) FROM requesters),"
    "        DATE '2025-01-01' + (g % 365), 'PA', 'paper', 'pickup', 100"
    "   FROM generate_series (1, $1::int) g",
    1, (const char *[]) { count }, &error);
  g_assert_no_error (error);
  cst_db_exec_command (owner, "ALTER TABLE roi_requests ENABLE TRIGGER roi_requests_link_repeat",
                       0, NULL, &error);
  g_assert_no_error (error);
  cst_db_exec_command (owner,
    "INSERT INTO invoices (request_id, method, jurisdiction, schedule_version, received_date,"
    "                      quoted_cents, total_cents, lines, justification)"
    " SELECT id, 'state-schedule', 'PA', 'PA-2025@1', received_date, $1::bigint, $1::bigint,"
    "        $2::jsonb, '{}' FROM roi_requests WHERE jurisdiction = 'PA'",
    2, (const char *[]) { total, lines }, &error);
  g_assert_no_error (error);
  cst_db_exec_command (owner,
    "INSERT INTO disclosures (patient_id, request_id, disclosed_on, recipient_name,"
    "                         phi_description, purpose_statement)"
    " SELECT patient_id, id, received_date + (id % 45)::int, 'Counsel', 'Records', 'Litigation'"
    "   FROM roi_requests WHERE jurisdiction = 'PA' AND id % 3 <> 0",
    0, NULL, &error);
  g_assert_no_error (error);
  cst_db_exec_command (owner, "ANALYZE", 0, NULL, &error);
  g_assert_no_error (error);
}

static void
progress (gint64   n_done,
          gpointer user_data)
{
  if (n_done % 20000 == 0)
    g_printerr ("  %" G_GINT64_FORMAT " requests…\n", n_done);
}

int
main (int    argc,
      char **argv)
{
  gint64 n = 100000;
  gboolean skip_pdf = FALSE, keep = FALSE, keep_database = FALSE, as_owner = FALSE;
  g_autofree char *database = NULL;
  int repeat = 1;
  const GOptionEntry entries[] = {
    { "requests", 0, 0, G_OPTION_ARG_INT64, &n, "Invoiced requests to seed", "N" },
    { "skip-pdf", 0, 0, G_OPTION_ARG_NONE, &skip_pdf, "Only the CSV export", NULL },
    { "keep", 0, 0, G_OPTION_ARG_NONE, &keep, "Keep the files to look at", NULL },
    { "keep-database", 0, 0, G_OPTION_ARG_NONE, &keep_database, "Leave the seeded database", NULL },
    { "database", 0, 0, G_OPTION_ARG_STRING, &database, "Report on this seeded database", "NAME" },
    { "repeat", 0, 0, G_OPTION_ARG_INT, &repeat, "Run the exports this many times", "K" },
    { "as-owner", 0, 0, G_OPTION_ARG_NONE, &as_owner, "Report as the owner, not an auditor", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— fee report benchmark");
  g_autoptr(CstTestDb) db = NULL;
  g_autoptr(PGconn) owner = NULL;
  g_autoptr(PGconn) auditor = NULL;
  g_autofree char *database_name = NULL;
  PGconn *reader;
  long server_pid;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bench-reports-XXXXXX", NULL);
  g_autofree char *csv_path = g_build_filename (dir, "report.csv", NULL);
  g_autofree char *pdf_path = g_build_filename (dir, "report.pdf", NULL);
  g_autoptr(GFile) csv_file = g_file_new_for_path (csv_path);
  g_autoptr(GFileOutputStream) out = NULL;
  g_autoptr(CstFeeReportSummary) summary = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  CstFeeReportFilter filter = { 0 };
  GStatBuf st;
  long rss_seeded;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (database != NULL)
    {
      g_autofree char *conninfo = g_strdup_printf ("dbname=%s", database);

      owner = cst_db_connect (conninfo, &error);
      g_assert_no_error (error);
      printf ("reporting on database %s\n", database);
      database_name = g_strdup (database);
    }
  else
    {
      db = cst_test_db_new ();
      owner = cst_test_db_connect (db);
      seed (owner, n);
      printf ("seeded %" G_GINT64_FORMAT " invoiced requests in %.1f s\n", n, g_timer_elapsed (timer, NULL));
      database_name = g_strdup (db->name);
      if (keep_database)
        {
          printf ("kept database %s\n", db->name);
          g_free (db->name);
          g_free (db->conninfo);
          g_clear_pointer (&db, g_free);
        }
    }
  reader = as_owner ? owner : (auditor = connect_auditor (owner, database_name));
  server_pid = PQbackendPID (reader);
  printf ("reading as %s\n", as_owner ? "the owner" : "an auditor login");
  rss_seeded = peak_rss_kib ();
  printf ("peak RSS before the report: %ld KiB\n", rss_seeded);

  cst_input_parse_date ("2025-01-01", &filter.from, NULL);
  cst_input_parse_date ("2025-12-31", &filter.to, NULL);
  filter.progress = progress;

  for (int round = 0; round < repeat; round++)
    {
      double cpu, server_cpu;

      g_clear_object (&out);
      out = g_file_replace (csv_file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error);
      g_assert_no_error (error);
      g_timer_start (timer);
      cpu = cpu_seconds ();
      server_cpu = process_cpu_seconds (server_pid);
      if (!cst_fee_report_write_csv (reader, &filter, G_OUTPUT_STREAM (out), &summary, &error) ||
          !g_output_stream_close (G_OUTPUT_STREAM (out), NULL, &error))
        g_error ("CSV: %s", error->message);
      g_stat (csv_path, &st);
      printf ("CSV: %" G_GINT64_FORMAT " requests, %" G_GINT64_FORMAT " lines, %.1f MB in %.2f s"
              " (client CPU %.2f s, server CPU %.2f s); peak RSS %ld KiB\n",
              cst_fee_report_summary_get_n_requests (summary), cst_fee_report_summary_get_n_lines (summary),
              st.st_size / 1e6, g_timer_elapsed (timer, NULL), cpu_seconds () - cpu,
              process_cpu_seconds (server_pid) - server_cpu, peak_rss_kib ());
      g_clear_pointer (&summary, cst_fee_report_summary_free);

      if (!skip_pdf)
        {
          g_timer_start (timer);
          cpu = cpu_seconds ();
          server_cpu = process_cpu_seconds (server_pid);
          if (!cst_fee_report_write_pdf (reader, &filter, pdf_path, &summary, &error))
            g_error ("PDF: %s", error->message);
          g_stat (pdf_path, &st);
          printf ("PDF: %" G_GINT64_FORMAT " requests, %.1f MB in %.2f s (client CPU %.2f s,"
                  " server CPU %.2f s); peak RSS %ld KiB\n",
                  cst_fee_report_summary_get_n_requests (summary), st.st_size / 1e6,
                  g_timer_elapsed (timer, NULL), cpu_seconds () - cpu,
                  process_cpu_seconds (server_pid) - server_cpu, peak_rss_kib ());
          g_clear_pointer (&summary, cst_fee_report_summary_free);
        }
      fflush (stdout);
    }
  if (keep)
    {
      printf ("kept %s\n", dir);
      return 0;
    }
  g_unlink (csv_path);
  g_unlink (pdf_path);
  g_rmdir (dir);
  return 0;
}
