/* cst-cli.c — main() of custodian-cli, the headless tool
 *
 * Links the model library only.  Exit status: 0 on success, 1 when the
 * work failed, 2 for a command line that could not be understood.
 */
#define G_LOG_DOMAIN "custodian-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdlib.h>

#include "custodian/cst-backup.h"
#include "custodian/cst-demo.h"
#include "custodian/cst-error.h"
#include "custodian/cst-migrations.h"
#include "custodian/cst-report-database.h"
#include "custodian/cst-settings.h"

#include "cst-cli.h"

static char *opt_database = NULL;
static char *opt_report_database = NULL;
static int opt_report_lag_limit = -1;
static gboolean opt_allow_primary = FALSE;

typedef CstCliCommand Command;

int
cst_cli_fail (GError *error)
{
  g_printerr ("custodian-cli: %s\n", error->message);
  return EXIT_FAILURE;
}

/* "--format must be one of paper, electronic…, not “fax”", with the usage. */
int
cst_cli_bad_choice (GOptionContext *context,
                    const char     *name,
                    const char     *value,
                    const char     *choices)
{
  g_autofree char *message = g_strdup_printf (_("%s must be one of %s, not “%s”"), name, choices, value);

  return cst_cli_usage_error (context, message);
}

/* Opens the configured database; for the embedded default this starts the
 * private server, which stops again when the target is freed. */
CstDatabaseTarget *
cst_cli_open_target (GError **error)
{
  g_autoptr(GSettings) settings = cst_settings_new_if_installed ();
  g_autofree char *configured = settings ? g_settings_get_string (settings, "database") : NULL;

  return cst_database_target_open (opt_database, configured, error);
}

/* The report database named by --report-database, else by the settings;
 * NULL for none. */
static char *
configured_report_database (GSettings *settings)
{
  g_autofree char *configured = NULL;

  if (opt_report_database != NULL)
    return *opt_report_database ? g_strdup (opt_report_database) : NULL;
  configured = settings ? g_settings_get_string (settings, "report-database") : NULL;
  return configured && *configured ? g_steal_pointer (&configured) : NULL;
}

static guint
configured_lag_limit (GSettings *settings)
{
  if (opt_report_lag_limit >= 0)
    return (guint) opt_report_lag_limit;
  return settings ? g_settings_get_uint (settings, "report-lag-limit") : CST_REPORT_LAG_LIMIT_DEFAULT;
}

/**
 * cst_cli_choose_report_database:
 * @report_conninfo: (out): the report database to read from, or NULL to
 *   read from the primary
 *
 * Says on stderr what the report reads from: the replica "as of" its last
 * replayed transaction, or why not.  A replica behind more than the lag
 * limit, or unreachable, is an error unless --allow-primary lets the report
 * read from the primary instead.
 */
gboolean
cst_cli_choose_report_database (char   **report_conninfo,
                                GError **error)
{
  g_autoptr(GSettings) settings = cst_settings_new_if_installed ();
  g_autofree char *configured = configured_report_database (settings);
  guint lag_limit = configured_lag_limit (settings);
  g_autoptr(CstReportReading) reading = NULL;
  g_autofree char *said = NULL;

  *report_conninfo = NULL;
  if (configured == NULL)
    return TRUE;
  reading = cst_report_database_check_at (configured, lag_limit);
  said = cst_report_reading_describe (reading);
  g_printerr ("custodian-cli: %s\n", said);
  if (!cst_report_reading_is_trouble (reading))
    {
      *report_conninfo = g_steal_pointer (&configured);
      return TRUE;
    }
  if (opt_allow_primary)
    {
      g_printerr (_("custodian-cli: reading from the main database instead (--allow-primary).\n"));
      return TRUE;
    }
  g_set_error_literal (error, CST_ERROR, CST_ERROR_CONNECTION,
                       _("not reading from the report database; pass --allow-primary to read "
                         "from the main database instead"));
  return FALSE;
}

static int
run_db_migrate (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("— apply pending schema migrations"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(GError) error = NULL;
  guint applied = 0;
  int status;

  if (!cst_cli_parse_options (context, &argc, &argv, &status))
    return status;
  if (!(target = cst_cli_open_target (&error)) ||
      !cst_migrations_apply_at (target->owner_conninfo, &applied, &error))
    return cst_cli_fail (error);
  if (applied == 0)
    g_print (_("The database schema is up to date.\n"));
  else
    g_print (g_dngettext (NULL, "Applied %u migration.\n", "Applied %u migrations.\n", applied),
             applied);
  return EXIT_SUCCESS;
}

static int
run_db_status (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("— list schema migrations and whether they are applied"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(GPtrArray) migrations = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *where = NULL;
  guint pending = 0;
  int status;

  if (!cst_cli_parse_options (context, &argc, &argv, &status))
    return status;
  if (!(target = cst_cli_open_target (&error)) ||
      !(migrations = cst_migrations_status_at (target->conninfo, &where, &error)))
    return cst_cli_fail (error);

  g_print (_("Database: %s (%s)\n"), where, cst_database_target_describe (target));
  for (guint i = 0; i < migrations->len; i++)
    {
      CstMigrationStatus *m = g_ptr_array_index (migrations, i);
      g_print ("  %04u  %-32s  %s\n", m->version, m->name,
               m->applied ? m->applied_at : _("pending"));
    }
  pending = cst_migrations_count_pending (migrations);
  if (pending > 0)
    g_print (g_dngettext (NULL, "%u migration is pending; run “custodian-cli db migrate”.\n",
                          "%u migrations are pending; run “custodian-cli db migrate”.\n", pending),
             pending);
  else
    g_print (_("The database schema is up to date.\n"));
  return EXIT_SUCCESS;
}

static int
run_db_backup (int    argc,
               char **argv)
{
  g_autofree char *output = NULL;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      N_("The folder to write the backup to (made if missing, readable by you only)"), N_("DIR") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new (_("— back up the database and its roles with pg_dump and pg_dumpall"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(CstBackup) backup = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_options (context, &argc, &argv, &status))
    return status;
  if (output == NULL || *output == '\0')
    return cst_cli_usage_error (context, _("--output is required"));
  /* As the owner: pg_dump must read every table, and pg_dumpall the roles. */
  if (!(target = cst_cli_open_target (&error)) ||
      !(backup = cst_backup_at (target->owner_conninfo, output, &error)))
    return cst_cli_fail (error);
  g_print (_("Wrote %s.\n"), backup->dump_path);
  g_print (_("Wrote %s.\n"), backup->roles_path);
  if (backup->head_hash != NULL)
    {
      g_print (_("Audit chain head before the backup: %lld:%s\n"), (long long) backup->head_seq,
               backup->head_hash);
      g_print (_("After a restore, check it with “custodian-cli audit verify --anchor”.\n"));
    }
  return EXIT_SUCCESS;
}

static int
run_db_seed_demo (int    argc,
                  char **argv)
{
  int requests = 120;
  int facilities = 1;
  gboolean if_empty = FALSE;
  const GOptionEntry entries[] = {
    { "requests", 'n', 0, G_OPTION_ARG_INT, &requests,
      N_("How many demo requests to add (default 120)"), N_("N") },
    { "facilities", 0, 0, G_OPTION_ARG_INT, &facilities,
      N_("Spread them over N facilities, up to 20, each in its own state (default 1)"), N_("N") },
    { "if-empty", 0, 0, G_OPTION_ARG_NONE, &if_empty,
      N_("Add nothing when the database already holds requests"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("— add obviously synthetic demo data"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(GError) error = NULL;
  CstDemoSeedResult seeded;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_options (context, &argc, &argv, &status))
    return status;
  if (requests < 0 || requests > 10000000)
    return cst_cli_usage_error (context, _("--requests must be between 0 and 10000000"));
  if (facilities < 1 || facilities > CST_DEMO_MAX_FACILITIES)
    return cst_cli_usage_error (context, _("--facilities must be between 1 and 20"));
  /* Demo data is set-up data, written as the owner like the migrations:
   * it walks requests to "released" directly, which since 0050 only the
   * owner may do (an application login releases through release_request).
   * On the private database the app's own login is a member of every
   * Custodian role but not the owner.  Invoices for a few hundred
   * released requests at most: each goes through the fee engine and its
   * own transaction. */
  if (!(target = cst_cli_open_target (&error)) ||
      !cst_demo_seed_at (target->owner_conninfo, (guint) requests, (guint) facilities, if_empty,
                         500, &seeded, &error))
    return cst_cli_fail (error);
  if (seeded.pending_migrations > 0)
    {
      g_printerr (_("custodian-cli: the database schema is not up to date; run “custodian-cli db migrate” first.\n"));
      return EXIT_FAILURE;
    }
  if (!seeded.seeded)
    {
      g_print (_("The database already holds requests; no demo data added.\n"));
      return EXIT_SUCCESS;
    }
  g_print (g_dngettext (NULL, "Added %d demo request.\n", "Added %d demo requests.\n", requests),
           requests);
  g_print (g_dngettext (NULL, "Issued %d demo invoice.\n", "Issued %d demo invoices.\n", seeded.invoiced),
           seeded.invoiced);
  return EXIT_SUCCESS;
}

/* One line per command; each feature's commands live in cst-cli-<feature>.c. */
static const Command commands[] = {
  { "db", "migrate", run_db_migrate, N_("Apply pending schema migrations") },
  { "db", "status", run_db_status, N_("Show which migrations are applied") },
  { "db", "seed-demo", run_db_seed_demo, N_("Add synthetic demo data") },
  { "db", "backup", run_db_backup, N_("Back up the database and its roles to a folder") },
  { "audit", "verify", cst_cli_audit_verify, N_("Check that the audit log was not altered") },
  { "history", "years", cst_cli_history_years, N_("List the years of the audit log, invoices and disclosures, attached or detached") },
  { "history", "ensure", cst_cli_history_ensure, N_("Make a year of the tables kept by year now (administrators)") },
  { "history", "detach", cst_cli_history_detach, N_("Detach an old year of a table kept by year (administrators)") },
  { "history", "attach", cst_cli_history_attach, N_("Attach a detached year again (administrators)") },
  { "deadline", NULL, cst_cli_deadline, N_("Show the legal deadline of a hypothetical request, its rule and citation") },
  { "deadline", "rules", cst_cli_deadline_rules, N_("List the deadline rules in force, with their citations") },
  { "dispute", "open", cst_cli_dispute_open, N_("Record that the requester disputes a request's fee; its due date does not stop") },
  { "dispute", "resolve", cst_cli_dispute_resolve, N_("Resolve a request's fee dispute: upheld, reduced, waived or withdrawn") },
  { "dispute", "list", cst_cli_dispute_list, N_("List a request's fee disputes, with its due date then and now") },
  { "document", "render", cst_cli_document_render, N_("Make an invoice, letter or accounting of disclosures as PDF") },
  { "estimate", "render", cst_cli_estimate_render, N_("Estimate what a patient will owe before care, insured or self-pay (Good Faith Estimate), as PDF") },
  { "evidence", NULL, cst_cli_evidence, N_("Write a request's right-of-access evidence pack as PDF and JSON") },
  { "facility", "show", cst_cli_facility_show, N_("Show the facility's details printed on documents") },
  { "facility", "set", cst_cli_facility_set, N_("Change the facility's details (administrators)") },
  { "facility", "list", cst_cli_facility_list, N_("List the health system's facilities") },
  { "facility", "add", cst_cli_facility_add, N_("Add a facility (administrators)") },
  { "facility", "grant", cst_cli_facility_grant, N_("Make a login work for a facility (administrators)") },
  { "facility", "revoke", cst_cli_facility_revoke, N_("A login no longer works for a facility (administrators)") },
  { "fee", "quote", cst_cli_fee_quote, N_("Quote the fee for a hypothetical request, rule by rule") },
  { "fee", "schedules", cst_cli_fee_schedules, N_("List the fee schedules, or those about to run out (--expiring)") },
  { "notice", "list", cst_cli_notice_list, N_("List the notices released records carry, with their citations") },
  { "notice", "add", cst_cli_notice_add, N_("Add a version of a notice released records carry (administrators)") },
  { "packet", "add", cst_cli_packet_add, N_("Add record files (PDF, PNG, JPEG, TIFF) to a request") },
  { "packet", "list", cst_cli_packet_list, N_("List a request's record documents in release order") },
  { "packet", "build", cst_cli_packet_build, N_("Build a request's packet PDF, every record page stamped") },
  { "packet", "verify", cst_cli_packet_verify, N_("Say whether a file is exactly the last packet built") },
  { "packet", "exclude", cst_cli_packet_exclude, N_("Leave pages of a record document out of the release, with a reason") },
  { "packet", "include", cst_cli_packet_include, N_("Put pages left out back into the release") },
  { "packet", "order", cst_cli_packet_order, N_("Put a request's record documents in release order") },
  { "packet", "paper", cst_cli_packet_paper, N_("Count the pages that exist only on paper") },
  { "payment", "add", cst_cli_payment_add, N_("Record a payment, or a refund (a negative amount), against a request's invoice") },
  { "payment", "hold", cst_cli_payment_hold, N_("Hold a third party's request until it is paid, or lift the hold") },
  { "payment", "list", cst_cli_payment_list, N_("List a request's payments and refunds, with its balance") },
  { "payment", "receipt", cst_cli_payment_receipt, N_("Write the receipt of a payment or refund as PDF") },
  { "payment", "settings", cst_cli_payment_settings, N_("Show or change whether third parties pay before release") },
  { "packet", "review", cst_cli_packet_review, N_("Approve a request's packet as the second person, or return it with a reason") },
  { "packet", "redact", cst_cli_packet_redact, N_("Mark a text everywhere in a request's records, or one box, as withheld with a reason") },
  { "packet", "redactions", cst_cli_packet_redactions, N_("List a request's redactions, their reasons, who and when") },
  { "packet", "unredact", cst_cli_packet_unredact, N_("Remove a redaction before the release") },
  { "packet", "propose", cst_cli_packet_propose, N_("Let the finder propose redactions in a request's records, for a person to decide") },
  { "packet", "others", cst_cli_packet_others, N_("List, add or remove the other people a request names, for the proposal finder") },
  { "packet", "redaction-terms", cst_cli_packet_terms, N_("List, add or retire the terms the proposal finder looks for") },
  { "packet", "redaction-log", cst_cli_packet_redaction_log, N_("List a request's applied redactions: page, box count and reason, never the content") },
  { "packet", "redaction-options", cst_cli_packet_redaction_options, N_("Show or choose a request's redaction options: an OCR text layer on redacted pages, a redaction log page") },
  { "packet", "send", cst_cli_packet_send, N_("E-mail a request's packet through the hospital's mail server, encrypted unless the individual insisted") },
  { "report", "fees", cst_cli_report_fees, N_("Write the fee justification report for a period as PDF or CSV") },
  { "report", "access", cst_cli_report_access, N_("Write the log of individuals’ access requests for a period as PDF or CSV") },
  { "statement", "render", cst_cli_statement_render, N_("Turn an itemized bill CSV into a patient statement PDF") },
  { "statement", "pay-link", cst_cli_statement_pay_link, N_("Say whether a statement’s pay link works, or was revoked") },
  { "statement", "revoke-link", cst_cli_statement_revoke_link, N_("Stop a statement’s pay link from working, saying why") },
  { "statement", "policy", cst_cli_statement_policy, N_("Say which financial-assistance policy is in effect, or print it") },
  { "statement", "policy-store", cst_cli_statement_policy_store, N_("Store a financial-assistance policy to take effect on a day (administrators)") },
};

static char *
describe_commands (void)
{
  GString *text = g_string_new (_("Commands:"));

  g_string_append_c (text, '\n');
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *name = g_strjoin (" ", commands[i].group, commands[i].name, NULL);
      g_string_append_printf (text, "  %-20s %s\n", name, _(commands[i].summary));
    }
  return g_string_free (text, FALSE);
}

int
main (int    argc,
      char **argv)
{
  const GOptionEntry entries[] = {
    { "database", 'd', 0, G_OPTION_ARG_STRING, &opt_database,
      N_("PostgreSQL connection string (default: settings, then PG* variables, "
         "then the private database)"), N_("CONNINFO") },
    { "report-database", 0, 0, G_OPTION_ARG_STRING, &opt_report_database,
      N_("A hot standby that reports read from, opened read-only (default: the "
         "report-database setting; \"\" for none)"), N_("CONNINFO") },
    { "report-lag-limit", 0, 0, G_OPTION_ARG_INT, &opt_report_lag_limit,
      N_("Seconds the report database may be behind (default: the report-lag-limit setting, 300)"),
      N_("SECONDS") },
    { "allow-primary", 0, 0, G_OPTION_ARG_NONE, &opt_allow_primary,
      N_("When the report database is behind or unreachable, read from the main database "
         "instead of failing"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("COMMAND [OPTIONS…]"));
  g_autofree char *command_help = describe_commands ();
  g_autoptr(GError) error = NULL;
  const Command *command = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (context, command_help);
  if (!cst_cli_find_command (context, commands, G_N_ELEMENTS (commands), &argc, &argv,
                             &command, &error))
    return cst_cli_usage_error (context, error->message);

  {
    g_autofree char *prgname = g_strjoin (" ", "custodian-cli", command->group, command->name, NULL);
    g_set_prgname (prgname);
  }
  /* The command parses argv from its own name on. */
  if (command->name == NULL)
    return command->run (argc - 1, argv + 1);
  return command->run (argc - 2, argv + 2);
}
