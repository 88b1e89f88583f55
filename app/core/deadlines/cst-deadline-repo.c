/* cst-deadline-repo.c — deadline rules in PostgreSQL
 *
 * The table's columns are the keys of resources/seed/deadline-rules.ini
 * ('-' written '_'), so a stored set is read back through the same parser
 * and validation as the shipped file.
 */
#define G_LOG_DOMAIN "cst-deadline-repo"

#include "config.h"

#include "custodian/cst-db.h"
#include "custodian/cst-deadline-repo.h"

/* Column name and seed key, in the order of the SELECT and the INSERT. */
static const char *const keys[] = {
  "jurisdiction", "classes", "formats", "effective-from", "effective-to", "days", "count",
  "holidays", "extension-days", "confidence", "citation", "source", "note",
};
#define N_KEYS G_N_ELEMENTS (keys)

CstDeadlineRuleSet *
cst_deadline_repo_load_rules (PGconn  *conn,
                              GError **error)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT DISTINCT ON (rule_key) rule_key, version::text, jurisdiction,"
    "       array_to_string(classes, ';'), array_to_string(formats, ';'),"
    "       effective_from::text, effective_to::text, COALESCE(days::text, 'none'), count,"
    "       holidays, extension_days::text, confidence, citation, source, note"
    "  FROM deadline_rules ORDER BY rule_key, version DESC", 0, NULL, error);

  if (res == NULL)
    return NULL;
  for (int row = 0; row < PQntuples (res); row++)
    {
      const char *group = cst_db_value (res, row, 0);

      g_key_file_set_string (keyfile, group, "version", cst_db_value (res, row, 1));
      for (guint k = 0; k < N_KEYS; k++)
        {
          const char *value = cst_db_value (res, row, 2 + (int) k);
          if (value != NULL)
            g_key_file_set_string (keyfile, group, keys[k], value);
        }
    }
  return cst_deadline_rule_set_new_from_keyfile (keyfile, error);
}

CstDeadlineRuleSet *
cst_deadline_repo_load_rules_at (const char  *conninfo,
                                 GError     **error)
{
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, error);

  return conn ? cst_deadline_repo_load_rules (conn, error) : NULL;
}

static gboolean
insert_rule (PGconn     *conn,
             GKeyFile   *keyfile,
             const char *group,
             gboolean   *inserted,
             GError    **error)
{
  g_autofree char *version = g_key_file_get_string (keyfile, group, "version", NULL);
  char *values[N_KEYS] = { NULL };
  const char *params[2 + N_KEYS] = { group, version ? version : "1" };
  g_autoptr(PGresult) res = NULL;

  for (guint k = 0; k < N_KEYS; k++)
    params[2 + k] = values[k] = g_key_file_get_string (keyfile, group, keys[k], NULL);
  res = cst_db_exec (conn,
    "INSERT INTO deadline_rules (rule_key, version, jurisdiction, classes, formats,"
    " effective_from, effective_to, days, count, holidays, extension_days, confidence,"
    " citation, source, note)"
    " VALUES ($1, $2::int, $3,"
    "  CASE WHEN COALESCE($4, 'all') = 'all' THEN roi_deadline_all_classes() ELSE string_to_array($4, ';') END,"
    "  CASE WHEN COALESCE($5, 'all') = 'all' THEN roi_deadline_all_formats() ELSE string_to_array($5, ';') END,"
    "  $6::date, $7::date, NULLIF($8, 'none')::int, COALESCE($9, 'calendar'),"
    "  COALESCE($10, 'federal'), COALESCE($11::int, 0), $12, $13, $14, $15)"
    " ON CONFLICT (rule_key, version) DO NOTHING", 2 + N_KEYS, params, error);
  for (guint k = 0; k < N_KEYS; k++)
    g_free (values[k]);
  if (res == NULL)
    return FALSE;
  *inserted = g_str_equal (PQcmdTuples (res), "1");
  return TRUE;
}

/**
 * cst_deadline_repo_install_seed:
 * @n_added: (out) (optional): how many rule versions were inserted
 */
gboolean
cst_deadline_repo_install_seed (PGconn  *conn,
                                guint   *n_added,
                                GError **error)
{
  g_autoptr(GBytes) bytes = cst_deadline_rule_seed_bytes (error);
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(CstDeadlineRuleSet) checked = NULL;
  g_auto(GStrv) groups = NULL;
  guint added = 0;
  gboolean ok = TRUE;

  if (bytes == NULL ||
      !g_key_file_load_from_bytes (keyfile, bytes, G_KEY_FILE_NONE, error) ||
      (checked = cst_deadline_rule_set_new_from_keyfile (keyfile, error)) == NULL ||
      !cst_db_begin (conn, error))
    return FALSE;
  groups = g_key_file_get_groups (keyfile, NULL);
  for (guint i = 0; ok && groups[i] != NULL; i++)
    {
      gboolean inserted = FALSE;

      ok = insert_rule (conn, keyfile, groups[i], &inserted, error);
      added += inserted ? 1 : 0;
    }
  /* Requests opened before the rules existed get theirs now, as the
   * migration promises: computed from their received date. */
  if (ok)
    ok = cst_db_exec_command (conn, "SELECT roi_deadline_assign_missing()", 0, NULL, error);
  if (!cst_db_end (conn, ok, error))
    return FALSE;
  if (n_added)
    *n_added = added;
  return TRUE;
}
