/* cst-cli-audit.c — custodian-cli audit verify
 *
 * Walks the audit log's hash chain, its years side by side (--jobs at a
 * time), each read as stored or by position (--read) and each row hashed
 * here or by the server's own sha256() (--hash), and reports the first
 * broken link, and which detached years it could not see.  With a report database (--report-database or the
 * setting) it walks the hot standby's copy, read-only, as of its last
 * replayed transaction, and leaves the primary to the clerks.  Exit status 0 when the chain is
 * intact, 1 when it is broken, cannot be read or the anchor lies in a
 * detached year, 2 for a bad command line.
 */
#define G_LOG_DOMAIN "custodian-cli"

#include "config.h"

#include <stdlib.h>             /* defines __GLIBC__ */
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "custodian/cst-audit-chain.h"
#include "custodian/cst-report-database.h"

#include "cst-cli.h"

/* Detached years were stepped over, not checked: say which. */
static void
print_years_unseen (const CstAuditChainReport *report)
{
  g_autoptr(GString) years = g_string_new (NULL);

  if (report->years_unseen == NULL || report->years_unseen->len == 0)
    return;
  for (guint i = 0; i < report->years_unseen->len; i++)
    g_string_append_printf (years, "%s%d", i ? ", " : "", g_array_index (report->years_unseen, int, i));
  g_print (g_dngettext (NULL,
                        "Not seen: %s is detached; attach it again (“history attach”) to check it.\n",
                        "Not seen: %s are detached; attach them again (“history attach”) to check them.\n",
                        report->years_unseen->len),
           years->str);
  if (report->anchor_unseen)
    g_print (_("The anchor’s position lies in a detached year: it was not checked.\n"));
}

static void
print_report (const CstAuditChainReport *report)
{
  print_years_unseen (report);
  if (report->intact)
    {
      g_print (g_dngettext (NULL, "The audit chain is intact: %lld row checked.\n",
                            "The audit chain is intact: %lld rows checked.\n",
                            (gulong) MIN (report->rows_checked, G_MAXLONG)),
               (long long) report->rows_checked);
      /* Kept outside the database, the head lets a later run prove that
       * nothing up to here was rewritten, even by someone who recomputed
       * every hash. */
      g_print (_("Head: %lld:%s\n"), (long long) report->head_seq, report->head_hash);
      g_print (_("Record the head elsewhere and check it later with --anchor.\n"));
      if (report->rows_pending > 0)
        g_print (g_dngettext (NULL,
                              "%lld row committed during the check is not linked yet; "
                              "run the check again to include it.\n",
                              "%lld rows committed during the check are not linked yet; "
                              "run the check again to include them.\n",
                              (gulong) MIN (report->rows_pending, G_MAXLONG)),
                 (long long) report->rows_pending);
      return;
    }
  g_print (_("The audit chain is BROKEN at audit row %lld"), (long long) report->broken_id);
  if (report->broken_seq > 0)
    g_print (_(" (chain position %lld)"), (long long) report->broken_seq);
  g_print (": %s\n", report->problem);
  g_print (g_dngettext (NULL, "%lld row before it checked out.\n",
                        "%lld rows before it checked out.\n",
                        (gulong) MIN (report->rows_checked, G_MAXLONG)),
           (long long) report->rows_checked);
}

/* When the walk fetched pages of 2,000 rows (about a megabyte each, freed
 * before the next), glibc gave the memory back to the kernel every time
 * and took it again, faulting in fresh pages: a third of the client's CPU
 * on a million rows (0.57 s of system time against 0.14 s with the
 * threshold raised).  The walk now streams rows by COPY, each a small
 * buffer of its own; the threshold was not measured again since, and
 * costs nothing here.  The command is short-lived: keep up to 64 MiB. */
static void
keep_freed_pages (void)
{
#ifdef __GLIBC__
  mallopt (M_TRIM_THRESHOLD, 64 * 1024 * 1024);
  mallopt (M_MMAP_THRESHOLD, 32 * 1024 * 1024);
#endif
}

/* What the walk does by default: each year read as stored, each row hashed
 * here.  Per row, a sequential scan cost the server ~40 % less CPU than
 * the index scan in chain order, and PostgreSQL's sha256() of the
 * serialization cost it ~2.5 µs more than this program's SHA-256 and
 * parsing cost here (bench/system/README.md, "audit verify read as
 * stored"). */
#define DEFAULT_WALK CST_AUDIT_WALK_AS_STORED

/* --hash, --read: @with sets @flag, @without clears it, NULL leaves the
 * default. */
static gboolean
parse_choice (const char        *text,
              const char        *with,
              const char        *without,
              CstAuditWalkFlags  flag,
              CstAuditWalkFlags *flags)
{
  if (g_strcmp0 (text, with) == 0)
    *flags = (CstAuditWalkFlags) (*flags | flag);
  else if (g_strcmp0 (text, without) == 0)
    *flags = (CstAuditWalkFlags) (*flags & ~flag);
  else
    return text == NULL;
  return TRUE;
}

int
cst_cli_audit_verify (int    argc,
                      char **argv)
{
  g_autofree char *anchor = NULL;
  g_autofree char *hash_where = NULL;
  g_autofree char *read_order = NULL;
  CstAuditWalkFlags flags = DEFAULT_WALK;
  int jobs = 0;
  const GOptionEntry entries[] = {
    { "anchor", 'a', 0, G_OPTION_ARG_STRING, &anchor,
      N_("Also check a head printed by an earlier run"), N_("POSITION:HASH") },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs,
      N_("Read at most N years of the log at once (default: one per processor)"), N_("N") },
    { "hash", 0, 0, G_OPTION_ARG_STRING, &hash_where,
      N_("Where each row is hashed: “here” (this program recomputes every row, the default) or "
         "“server” (PostgreSQL’s own sha256)"), N_("WHERE") },
    { "read", 0, 0, G_OPTION_ARG_STRING, &read_order,
      N_("How each year is read: “stored” (one sequential scan, the default) or “by-position” "
         "(in chain order by its index)"), N_("ORDER") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new (_("— check that the audit log was not altered"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(CstAuditChainReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *anchor_hash = NULL;
  g_autofree char *report_conninfo = NULL;
  g_autofree char *reading = NULL;
  gint64 anchor_seq = 0;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_options (context, &argc, &argv, &status))
    return status;
  if (anchor != NULL && !cst_audit_chain_parse_anchor (anchor, &anchor_seq, &anchor_hash, &error))
    return cst_cli_usage_error (context, error->message);
  if (jobs < 0)
    return cst_cli_usage_error (context, _("--jobs cannot be negative; 0 reads one year per processor."));
  if (!parse_choice (hash_where, "server", "here", CST_AUDIT_WALK_HASH_ON_SERVER, &flags))
    return cst_cli_usage_error (context, _("--hash is “here” or “server”."));
  if (!parse_choice (read_order, "stored", "by-position", CST_AUDIT_WALK_AS_STORED, &flags))
    return cst_cli_usage_error (context, _("--read is “stored” or “by-position”."));
  keep_freed_pages ();
  if (!(target = cst_cli_open_target (&error)) ||
      !cst_cli_choose_report_database (&report_conninfo, &error) ||
      (report_conninfo != NULL &&
       !(reading = cst_report_database_conninfo (report_conninfo, &error))) ||
      !(report = cst_audit_chain_verify_walk (reading ? reading : target->conninfo, (guint) jobs,
                                              flags, anchor_seq, anchor_hash, &error)))
    return cst_cli_fail (error);
  print_report (report);
  return report->intact && !report->anchor_unseen ? EXIT_SUCCESS : EXIT_FAILURE;
}
