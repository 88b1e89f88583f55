/* cst-deadline-repo.c — deadline rules in PostgreSQL
 *
 * The table's columns are the keys of resources/seed/deadline-rules.ini
 * ('-' written '_'), so a stored set is read back through the same parser
 * and validation as the shipped file.
 */
#define G_LOG_DOMAIN "cst-deadline-repo"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "custodian/cst-db.h"
#include "custodian/cst-deadline-repo.h"
#include "custodian/cst-error.h"

/* Column name and seed key, in the order of the SELECT and the INSERT. */
static const char *const keys[] = {
  "jurisdiction", "classes", "formats", "effective-from", "effective-to", "days", "count",
  "holidays", "extension-days", "confidence", "citation", "source", "note",
};
#define N_KEYS G_N_ELEMENTS (keys)

/* The newest version of every stored rule, in the keys of the seed file. */
static GKeyFile *
load_keyfile (PGconn  *conn,
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
  return g_steal_pointer (&keyfile);
}

CstDeadlineRuleSet *
cst_deadline_repo_load_rules (PGconn  *conn,
                              GError **error)
{
  g_autoptr(GKeyFile) keyfile = load_keyfile (conn, error);

  return keyfile ? cst_deadline_rule_set_new_from_keyfile (keyfile, error) : NULL;
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

/* ---- saving a new version ------------------------------------------------ */

/* Serializes the administrators' saves, so two cannot take one version. */
#define RULES_LOCK_KEY "1178945923"

/* @text as rules on their own: readable, at least one, each valid. */
static GKeyFile *
read_edited (const char  *text,
             GError     **error)
{
  g_autoptr(GKeyFile) edited = g_key_file_new ();
  g_autoptr(GError) local = NULL;
  g_autoptr(CstDeadlineRuleSet) alone = NULL;
  gsize n = 0;
  g_auto(GStrv) groups = NULL;

  if (!g_key_file_load_from_data (edited, text, -1, G_KEY_FILE_NONE, &local))
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("The deadline rules cannot be read: %s"), local->message);
      return NULL;
    }
  groups = g_key_file_get_groups (edited, &n);
  if (n == 0)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                           _("No deadline rule to save: each rule starts with its name in brackets, "
                             "such as [CA-patient]."));
      return NULL;
    }
  alone = cst_deadline_rule_set_new_from_keyfile (edited, error);
  return alone ? g_steal_pointer (&edited) : NULL;
}

/* Puts @group of @from in @to in place of @to's own. */
static void
replace_group (GKeyFile   *to,
               GKeyFile   *from,
               const char *group)
{
  g_auto(GStrv) names = g_key_file_get_keys (from, group, NULL, NULL);

  g_key_file_remove_group (to, group, NULL);
  for (guint i = 0; names && names[i] != NULL; i++)
    {
      g_autofree char *value = g_key_file_get_value (from, group, names[i], NULL);
      g_key_file_set_value (to, group, names[i], value);
    }
}

/* The stored set with the edited rules in place: what requests would be
 * timed by, checked whole (overlaps between rules). */
static gboolean
validate_with (GKeyFile  *current,
               GKeyFile  *edited,
               GError   **error)
{
  g_auto(GStrv) groups = g_key_file_get_groups (edited, NULL);
  g_autoptr(CstDeadlineRuleSet) set = NULL;

  for (guint i = 0; groups[i] != NULL; i++)
    replace_group (current, edited, groups[i]);
  set = cst_deadline_rule_set_new_from_keyfile (current, error);
  return set != NULL;
}

static gboolean
insert_next_version (PGconn     *conn,
                     GKeyFile   *edited,
                     const char *group,
                     GError    **error)
{
  const char *key_param[] = { group };
  g_autoptr(PGresult) next = cst_db_exec (conn, "SELECT COALESCE(max(version), 0) + 1 FROM deadline_rules "
                                                "WHERE rule_key = $1", 1, key_param, error);
  gboolean inserted = FALSE;

  if (next == NULL)
    return FALSE;
  g_key_file_set_integer (edited, group, "version", (int) cst_db_int64 (next, 0, 0));
  if (!insert_rule (conn, edited, group, &inserted, error))
    return FALSE;
  if (!inserted)
    g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                 _("Deadline rule %s changed while it was being saved; try again."), group);
  return inserted;
}

/**
 * cst_deadline_repo_save_rules:
 * @text: one or more rules in the keys of deadline-rules.ini; a version
 *   written there is ignored
 *
 * Saves each rule of @text as the next version of its key (version 1 for
 * a new key), after checking them alone and then the stored set with them
 * in place.  A saved version never changes: requests already open keep the
 * version they were timed by; requests opened afterwards are timed by the
 * new one.  Administrators only (the database refuses the others).
 *
 * Returns: (transfer full): the rules as saved, with their versions
 */
CstDeadlineRuleSet *
cst_deadline_repo_save_rules (PGconn      *conn,
                              const char  *text,
                              GError     **error)
{
  g_autoptr(GKeyFile) edited = read_edited (text, error);
  g_autoptr(GKeyFile) current = NULL;
  g_auto(GStrv) groups = NULL;
  gboolean ok;

  if (edited == NULL || !cst_db_begin (conn, error))
    return NULL;
  groups = g_key_file_get_groups (edited, NULL);
  ok = cst_db_exec_command (conn, "SELECT pg_advisory_xact_lock(" RULES_LOCK_KEY ")", 0, NULL, error) &&
       (current = load_keyfile (conn, error)) != NULL &&
       validate_with (current, edited, error);
  for (guint i = 0; ok && groups[i] != NULL; i++)
    ok = insert_next_version (conn, edited, groups[i], error);
  if (!cst_db_end (conn, ok, error))
    return NULL;
  return cst_deadline_rule_set_new_from_keyfile (edited, error);
}

/* ---- the same on a connection's worker thread ---------------------------- */

void
cst_deadline_review_free (CstDeadlineReview *review)
{
  if (review == NULL)
    return;
  g_clear_pointer (&review->rules, cst_deadline_rule_set_unref);
  g_free (review);
}

/**
 * cst_deadline_repo_review:
 *
 * Returns: (transfer full): the rules in force and whether this login may
 *   save new versions of them (an administrator)
 */
CstDeadlineReview *
cst_deadline_repo_review (PGconn  *conn,
                          GError **error)
{
  g_autoptr(CstDeadlineReview) review = g_new0 (CstDeadlineReview, 1);
  g_autoptr(PGresult) role = NULL;

  review->rules = cst_deadline_repo_load_rules (conn, error);
  if (review->rules == NULL)
    return NULL;
  role = cst_db_exec (conn, "SELECT pg_has_role(current_user, 'custodian_admin', 'MEMBER')", 0, NULL, error);
  if (role == NULL)
    return NULL;
  review->can_edit = cst_db_bool (role, 0, 0);
  return g_steal_pointer (&review);
}

static gpointer
review_in_worker (PGconn   *conn,
                  gpointer  data,
                  GError  **error)
{
  return cst_deadline_repo_review (conn, error);
}

void
cst_deadline_repo_review_async (CstConnection       *connection,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (CST_IS_CONNECTION (connection));
  cst_connection_run_async (connection, review_in_worker, NULL, NULL,
                            (GDestroyNotify) cst_deadline_review_free, cancellable, callback, user_data);
}

/* Returns: (transfer full): the review, or NULL with @error set */
CstDeadlineReview *
cst_deadline_repo_review_finish (CstConnection  *connection,
                                 GAsyncResult   *result,
                                 GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}

static gpointer
save_rules_in_worker (PGconn   *conn,
                      gpointer  data,
                      GError  **error)
{
  return cst_deadline_repo_save_rules (conn, data, error);
}

void
cst_deadline_repo_save_rules_async (CstConnection       *connection,
                                    const char          *text,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (CST_IS_CONNECTION (connection));
  g_return_if_fail (text != NULL);
  cst_connection_run_async (connection, save_rules_in_worker, g_strdup (text), g_free,
                            (GDestroyNotify) cst_deadline_rule_set_unref, cancellable, callback, user_data);
}

/* Returns: (transfer full): the rules as saved, or NULL with @error set */
CstDeadlineRuleSet *
cst_deadline_repo_save_rules_finish (CstConnection  *connection,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}
