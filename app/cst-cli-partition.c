/* cst-cli-partition.c — custodian-cli history years|ensure|detach|attach
 *
 * The tables kept by year (audit_log, invoices, disclosures): list their
 * years, make a year on demand, detach an old year (to another tablespace
 * if given) and attach it again.  The rules are the database's
 * (0079-history-by-year.sql); these commands name them when they refuse.
 */
#define G_LOG_DOMAIN "custodian-cli"

#include "config.h"

#include "custodian/cst-partition.h"

#include "cst-cli.h"

static char *opt_table;
static int opt_year;

static const GOptionEntry table_year_entries[] = {
  { "table", 0, 0, G_OPTION_ARG_STRING, &opt_table,
    N_("The table: audit_log, invoices or disclosures"), N_("TABLE") },
  { "year", 0, 0, G_OPTION_ARG_INT, &opt_year, N_("The calendar year"), N_("YEAR") },
  { NULL }
};

/* Both --table and --year, or (when @optional) neither. */
static gboolean
table_year_given (GOptionContext *context,
                  gboolean        optional,
                  int            *status)
{
  if (optional && opt_table == NULL && opt_year == 0)
    return TRUE;
  if (opt_table == NULL || opt_year < 1990 || opt_year > 9998)
    {
      *status = cst_cli_usage_error (context, _("Name a table and a year, e.g. “--table audit_log --year 2019”."));
      return FALSE;
    }
  return TRUE;
}

int
cst_cli_history_years (int    argc,
                       char **argv)
{
  g_autoptr(GOptionContext) context =
    g_option_context_new (_("— list the years of the tables kept by year"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(GPtrArray) years = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (!cst_cli_parse_options (context, &argc, &argv, &status))
    return status;
  if (!(target = cst_cli_open_target (&error)) ||
      !(years = cst_partition_years_at (target->conninfo, &error)))
    return cst_cli_fail (error);
  for (guint i = 0; i < years->len; i++)
    {
      const CstPartitionYear *y = g_ptr_array_index (years, i);

      if (y->attached)
        g_print (_("%s\t%d\tattached\n"), y->table, y->year);
      else
        g_print (_("%s\t%d\tdetached by %s (%lld rows)\n"), y->table, y->year, y->detached_by,
                 (long long) y->rows);
    }
  return EXIT_SUCCESS;
}

int
cst_cli_history_ensure (int    argc,
                        char **argv)
{
  g_autoptr(GOptionContext) context =
    g_option_context_new (_("— make a year’s partition now (default: this year and the next, every table)"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(GError) error = NULL;
  int made = 0;
  int status;

  g_option_context_add_main_entries (context, table_year_entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_options (context, &argc, &argv, &status))
    return status;
  if (!table_year_given (context, TRUE, &status))
    return status;
  if (!(target = cst_cli_open_target (&error)) ||
      (made = cst_partition_ensure_at (target->conninfo, opt_table, opt_year, &error)) < 0)
    return cst_cli_fail (error);
  g_print (g_dngettext (NULL, "Made %d partition.\n", "Made %d partitions.\n", made), made);
  return EXIT_SUCCESS;
}

int
cst_cli_history_detach (int    argc,
                        char **argv)
{
  g_autofree char *tablespace = NULL;
  const GOptionEntry entries[] = {
    { "tablespace", 't', 0, G_OPTION_ARG_STRING, &tablespace,
      N_("Move the detached year to this tablespace (cheaper storage)"), N_("NAME") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new (_("— take an old year out of its table, kept aside"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(GError) error = NULL;
  gint64 rows = 0;
  int status;

  g_option_context_add_main_entries (context, table_year_entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_options (context, &argc, &argv, &status))
    return status;
  if (!table_year_given (context, FALSE, &status))
    return status;
  if (!(target = cst_cli_open_target (&error)) ||
      (rows = cst_partition_detach_at (target->conninfo, opt_table, opt_year, tablespace, &error)) < 0)
    return cst_cli_fail (error);
  g_print (g_dngettext (NULL, "Detached %s %d: %lld row.\n", "Detached %s %d: %lld rows.\n",
                        (gulong) MIN (rows, G_MAXLONG)),
           opt_table, opt_year, (long long) rows);
  return EXIT_SUCCESS;
}

int
cst_cli_history_attach (int    argc,
                        char **argv)
{
  g_autoptr(GOptionContext) context =
    g_option_context_new (_("— put a detached year back into its table"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(GError) error = NULL;
  gint64 rows = 0;
  int status;

  g_option_context_add_main_entries (context, table_year_entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_options (context, &argc, &argv, &status))
    return status;
  if (!table_year_given (context, FALSE, &status))
    return status;
  if (!(target = cst_cli_open_target (&error)) ||
      (rows = cst_partition_attach_at (target->conninfo, opt_table, opt_year, &error)) < 0)
    return cst_cli_fail (error);
  g_print (g_dngettext (NULL, "Attached %s %d: %lld row.\n", "Attached %s %d: %lld rows.\n",
                        (gulong) MIN (rows, G_MAXLONG)),
           opt_table, opt_year, (long long) rows);
  return EXIT_SUCCESS;
}
