/* cst-statement-template-repo.c — statement templates in PostgreSQL
 *
 * Template text is stored whole, one row per version; versions are never
 * changed afterwards, so a statement sent can be made again exactly from
 * the version it names (cst_bill_repo_reproduce_statement()).
 */
#define G_LOG_DOMAIN "cst-statement-template-repo"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "custodian/cst-db.h"
#include "custodian/cst-error.h"
#include "custodian/cst-statement-template-repo.h"

static CstStatementTemplate *
template_from_row (const PGresult *res,
                   GError        **error)
{
  const char *body = cst_db_value (res, 0, 2);
  CstStatementTemplate *tpl = cst_statement_template_new_from_data (body, strlen (body), error);

  if (tpl != NULL)
    cst_statement_template_set_version (tpl, cst_db_int64 (res, 0, 0),
                                        (int) cst_db_int64 (res, 0, 1));
  return tpl;
}

/**
 * cst_statement_template_repo_load:
 * @version: a version number, or 0 for the current one
 *
 * Returns: (transfer full): the template, its version set
 */
CstStatementTemplate *
cst_statement_template_repo_load (PGconn      *conn,
                                   const char  *name,
                                   const char  *language,
                                   int          version,
                                   GError     **error)
{
  g_autofree char *version_text = g_strdup_printf ("%d", version);
  const char *params[] = { name, language, version_text };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT v.id, v.version, v.body FROM statement_templates t "
    "JOIN statement_template_versions v ON v.template_id = t.id "
    " AND v.version = CASE WHEN $3::integer = 0 THEN t.current_version ELSE $3::integer END "
    "WHERE t.name = $1 AND t.language = $2", 3, params, error);

  if (res == NULL)
    return NULL;
  if (PQntuples (res) == 0)
    {
      if (version == 0)
        g_set_error (error, CST_ERROR, CST_ERROR_NOT_FOUND,
                     _("There is no statement template “%s” (%s)."), name, language);
      else
        g_set_error (error, CST_ERROR, CST_ERROR_NOT_FOUND,
                     _("There is no statement template “%s” (%s) version %d."), name, language,
                     version);
      return NULL;
    }
  return template_from_row (res, error);
}

CstStatementTemplate *
cst_statement_template_repo_load_version_id (PGconn  *conn,
                                              gint64   version_id,
                                              GError **error)
{
  g_autofree char *id = cst_db_int_param (version_id);
  const char *params[] = { id };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT id, version, body FROM statement_template_versions WHERE id = $1", 1, params, error);

  if (res == NULL)
    return NULL;
  if (PQntuples (res) == 0)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_NOT_FOUND,
                           _("That statement template version does not exist."));
      return NULL;
    }
  return template_from_row (res, error);
}

/* Inside a transaction: the UPDATE locks the template row, so two people
 * saving at once get versions n+1 and n+2, never the same number. */
static gboolean
save_version (PGconn               *conn,
              CstStatementTemplate *tpl,
              const char           *note,
              GError              **error)
{
  const char *name = cst_statement_template_get_name (tpl);
  const char *language = cst_statement_template_get_language (tpl);
  const char *key[] = { name, language };
  g_autofree char *body = cst_statement_template_to_data (tpl, NULL);
  g_autoptr(PGresult) bumped = NULL;
  g_autoptr(PGresult) inserted = NULL;

  if (!cst_db_exec_command (conn,
        "INSERT INTO statement_templates (name, language) VALUES ($1, $2) "
        "ON CONFLICT (name, language) DO NOTHING", 2, key, error))
    return FALSE;
  bumped = cst_db_exec (conn,
    "UPDATE statement_templates SET current_version = current_version + 1 "
    "WHERE name = $1 AND language = $2 RETURNING id, current_version", 2, key, error);
  if (bumped == NULL)
    return FALSE;
  {
    const char *params[] = { cst_db_value (bumped, 0, 0), cst_db_value (bumped, 0, 1), body, note };
    inserted = cst_db_exec (conn,
      "INSERT INTO statement_template_versions (template_id, version, body, note) "
      "VALUES ($1, $2, $3, $4) RETURNING id, version", 4, params, error);
  }
  if (inserted == NULL)
    return FALSE;
  cst_statement_template_set_version (tpl, cst_db_int64 (inserted, 0, 0),
                                      (int) cst_db_int64 (inserted, 0, 1));
  return TRUE;
}

/**
 * cst_statement_template_repo_save:
 *
 * Stores @tpl as the next version of its (name, language); sets its
 * version.  Earlier versions stay as they were.
 */
gboolean
cst_statement_template_repo_save (PGconn               *conn,
                                   CstStatementTemplate *tpl,
                                   const char           *note,
                                   GError              **error)
{
  return cst_db_begin (conn, error) &&
         cst_db_end (conn, save_version (conn, tpl, note, error), error);
}

static gboolean
seed_one (PGconn     *conn,
          const char *language,
          gboolean   *added,
          GError    **error)
{
  g_autoptr(CstStatementTemplate) tpl = cst_statement_template_new_builtin ("standard", language,
                                                                            error);
  const char *key[] = { "standard", language };
  g_autoptr(PGresult) res = NULL;

  *added = FALSE;
  if (tpl == NULL || !cst_db_begin (conn, error))
    return FALSE;
  /* Only the session whose INSERT created the row writes version 1. */
  res = cst_db_exec (conn,
    "INSERT INTO statement_templates (name, language) VALUES ($1, $2) "
    "ON CONFLICT (name, language) DO NOTHING RETURNING id", 2, key, error);
  if (!cst_db_end (conn,
                   res != NULL &&
                   (PQntuples (res) == 0 || save_version (conn, tpl, "shipped with Custodian", error)),
                   error))
    return FALSE;
  *added = PQntuples (res) == 1;
  return TRUE;
}

/**
 * cst_statement_template_repo_seed:
 *
 * Adds the shipped "standard" templates (English, Spanish) as version 1
 * where the database has none of that name and language yet.
 */
gboolean
cst_statement_template_repo_seed (PGconn  *conn,
                                   guint   *n_added,
                                   GError **error)
{
  static const char *const languages[] = { "en", "es" };
  guint count = 0;

  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    {
      gboolean added = FALSE;

      if (!seed_one (conn, languages[i], &added, error))
        return FALSE;
      count += added;
    }
  if (n_added != NULL)
    *n_added = count;
  return TRUE;
}

/* ---- statement templates on a connection's worker thread ------------------ */

typedef struct
{
  char      *name;
  GStrv      languages;
  GPtrArray *templates;   /* to save: copies, NULL where nothing is saved */
  char      *note;
} TemplateJob;

static void
template_job_free (TemplateJob *job)
{
  g_free (job->name);
  g_strfreev (job->languages);
  g_clear_pointer (&job->templates, g_ptr_array_unref);
  g_free (job->note);
  g_free (job);
}

static void
template_unref_nullable (gpointer tpl)
{
  if (tpl != NULL)
    cst_statement_template_unref (tpl);
}

static gpointer
load_current_in_worker (PGconn   *conn,
                        gpointer  data,
                        GError  **error)
{
  TemplateJob *job = data;
  g_autoptr(GPtrArray) templates = g_ptr_array_new_with_free_func (template_unref_nullable);

  /* A login that may not seed still reads what is there. */
  if (!cst_statement_template_repo_seed (conn, NULL, NULL))
    g_debug ("Could not seed the statement templates (no permission?)");
  for (guint i = 0; job->languages[i] != NULL; i++)
    {
      CstStatementTemplate *tpl = cst_statement_template_repo_load (conn, job->name, job->languages[i],
                                                                     0, error);
      if (tpl == NULL)
        return NULL;
      g_ptr_array_add (templates, tpl);
    }
  return g_steal_pointer (&templates);
}

/**
 * cst_statement_template_repo_load_current_async:
 * @name: the template's name ("standard")
 * @languages: the languages to load, NULL-terminated
 *
 * Loads the current version of the template in each language, first
 * storing the shipped templates as version 1 when the database has none
 * (when the login may).  cst_statement_template_repo_load_current_finish()
 * gives them in the order of @languages.
 */
void
cst_statement_template_repo_load_current_async (CstConnection       *connection,
                                                 const char          *name,
                                                 const char * const  *languages,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data)
{
  TemplateJob *job;

  g_return_if_fail (CST_IS_CONNECTION (connection));
  g_return_if_fail (name != NULL && languages != NULL);
  job = g_new0 (TemplateJob, 1);
  job->name = g_strdup (name);
  job->languages = g_strdupv ((char **) languages);
  cst_connection_run_async (connection, load_current_in_worker, job, (GDestroyNotify) template_job_free,
                            (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

/* Returns: (transfer full) (element-type CstStatementTemplate): one
 *   template per language, or NULL with @error set */
GPtrArray *
cst_statement_template_repo_load_current_finish (CstConnection  *connection,
                                                  GAsyncResult   *result,
                                                  GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}

static gpointer
save_in_worker (PGconn   *conn,
                gpointer  data,
                GError  **error)
{
  TemplateJob *job = data;

  for (guint i = 0; i < job->templates->len; i++)
    {
      CstStatementTemplate *tpl = g_ptr_array_index (job->templates, i);

      if (tpl != NULL && !cst_statement_template_repo_save (conn, tpl, job->note, error))
        return NULL;
    }
  return g_steal_pointer (&job->templates);   /* the copies, now with their version numbers */
}

/**
 * cst_statement_template_repo_save_async:
 * @templates: (element-type CstStatementTemplate): the templates to store
 *   as new versions; a NULL entry is skipped
 * @note: why, kept with each version
 *
 * Saves copies of @templates; cst_statement_template_repo_save_finish()
 * gives the copies, in the same places, with their new version numbers.
 */
void
cst_statement_template_repo_save_async (CstConnection       *connection,
                                         GPtrArray           *templates,
                                         const char          *note,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  TemplateJob *job;

  g_return_if_fail (CST_IS_CONNECTION (connection));
  g_return_if_fail (templates != NULL);
  job = g_new0 (TemplateJob, 1);
  job->note = g_strdup (note);
  job->templates = g_ptr_array_new_with_free_func (template_unref_nullable);
  for (guint i = 0; i < templates->len; i++)
    {
      CstStatementTemplate *tpl = g_ptr_array_index (templates, i);

      g_ptr_array_add (job->templates, tpl ? cst_statement_template_copy (tpl) : NULL);
    }
  cst_connection_run_async (connection, save_in_worker, job, (GDestroyNotify) template_job_free,
                            (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

/* Returns: (transfer full): the saved copies (NULL where none was given),
 *   or NULL with @error set */
GPtrArray *
cst_statement_template_repo_save_finish (CstConnection  *connection,
                                          GAsyncResult   *result,
                                          GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}
