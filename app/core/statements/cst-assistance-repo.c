/* cst-assistance-repo.c — the financial-assistance policy stored
 * effective-dated (migration 0088)
 *
 * The text is read before it is stored, so a version in the database is
 * always one the screening can use; the database keeps it as written, so
 * what an administrator stored is what the next one edits.
 */
#define G_LOG_DOMAIN "cst-assistance"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "custodian/cst-assistance-repo.h"
#include "custodian/cst-db.h"
#include "custodian/cst-error.h"
#include "custodian/cst-input.h"

#define SHIPPED_POLICY RESOURCE_BASE "/seed/financial-assistance.ini"

void
cst_assistance_policy_version_free (CstAssistancePolicyVersion *version)
{
  if (version == NULL)
    return;
  g_free (version->stored_by);
  g_free (version->text);
  g_clear_pointer (&version->policy, cst_assistance_policy_unref);
  g_free (version);
}

/* A version from its text, read; NULL with the reader's error. */
static CstAssistancePolicyVersion *
version_new (char    *text,
             GError **error)
{
  g_autoptr(CstAssistancePolicyVersion) version = g_new0 (CstAssistancePolicyVersion, 1);

  g_date_clear (&version->effective_from, 1);
  version->text = text;
  version->policy = cst_assistance_policy_new_from_data (text, strlen (text), error);
  return version->policy != NULL ? g_steal_pointer (&version) : NULL;
}

/* The seed: the policy shipped with the program. */
static CstAssistancePolicyVersion *
shipped_version (GError **error)
{
  g_autoptr(GBytes) bytes = g_resources_lookup_data (SHIPPED_POLICY, 0, error);
  gsize size = 0;
  const char *data;

  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &size);
  return version_new (g_strndup (data, size), error);
}

/**
 * cst_assistance_policy_repo_in_effect:
 *
 * Returns: (transfer full): the version in effect on @day (the shipped
 *   one, id 0, when none stored is), or NULL with @error set
 */
CstAssistancePolicyVersion *
cst_assistance_policy_repo_in_effect (PGconn       *conn,
                                      const GDate  *day,
                                      GError      **error)
{
  g_autofree char *date = cst_input_format_date (day);
  const char *params[] = { date };
  g_autoptr(PGresult) res = cst_db_exec (conn,
                                         "SELECT id, effective_from, stored_by, policy "
                                         "FROM assistance_policies WHERE effective_from <= $1 "
                                         "ORDER BY effective_from DESC LIMIT 1",
                                         1, params, error);
  g_autoptr(GDate) from = NULL;
  CstAssistancePolicyVersion *version;

  if (res == NULL)
    return NULL;
  if (PQntuples (res) == 0)
    return shipped_version (error);
  if (!(version = version_new (g_strdup (cst_db_value (res, 0, 3)), error)))
    return NULL;
  version->id = cst_db_int64 (res, 0, 0);
  from = cst_db_date (res, 0, 1);
  if (from != NULL)
    version->effective_from = *from;
  version->stored_by = g_strdup (cst_db_value (res, 0, 2));
  return version;
}

/**
 * cst_assistance_policy_repo_store:
 * @note: (nullable): why this version, in the administrator's words
 *
 * Reads @text as a policy and stores it to take effect on
 * @effective_from.  A text that does not read is refused with the
 * reader's error (the group and key at fault) and nothing is stored.
 *
 * Returns: the version's id, or 0 with @error set
 */
gint64
cst_assistance_policy_repo_store (PGconn       *conn,
                                  const char   *text,
                                  const GDate  *effective_from,
                                  const char   *note,
                                  GError      **error)
{
  g_autoptr(CstAssistancePolicy) policy = NULL;
  g_autofree char *date = NULL;
  g_autoptr(PGresult) res = NULL;

  g_return_val_if_fail (text != NULL && g_date_valid (effective_from), 0);
  if (!(policy = cst_assistance_policy_new_from_data (text, strlen (text), error)))
    return 0;
  date = cst_input_format_date (effective_from);
  {
    const char *params[] = { date, text, note != NULL && *note != '\0' ? note : NULL };
    res = cst_db_exec (conn,
                       "INSERT INTO assistance_policies (effective_from, policy, note) "
                       "VALUES ($1, $2, $3) RETURNING id",
                       G_N_ELEMENTS (params), params, error);
  }
  return res != NULL ? cst_db_int64 (res, 0, 0) : 0;
}

CstAssistancePolicyVersion *
cst_assistance_policy_repo_in_effect_at (const char   *conninfo,
                                         const GDate  *day,
                                         GError      **error)
{
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, error);

  return conn ? cst_assistance_policy_repo_in_effect (conn, day, error) : NULL;
}

gint64
cst_assistance_policy_repo_store_at (const char   *conninfo,
                                     const char   *text,
                                     const GDate  *effective_from,
                                     const char   *note,
                                     GError      **error)
{
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, error);

  return conn ? cst_assistance_policy_repo_store (conn, text, effective_from, note, error) : 0;
}

/* ---- off the main loop ---------------------------------------------------- */

typedef struct
{
  GDate  day;
  char  *text;
  char  *note;
} PolicyJob;

static void
policy_job_free (PolicyJob *job)
{
  g_free (job->text);
  g_free (job->note);
  g_free (job);
}

static PolicyJob *
policy_job_new (const GDate *day,
                const char  *text,
                const char  *note)
{
  PolicyJob *job = g_new0 (PolicyJob, 1);

  job->day = *day;
  job->text = g_strdup (text);
  job->note = g_strdup (note);
  return job;
}

static gpointer
in_effect_in_worker (PGconn   *conn,
                     gpointer  data,
                     GError  **error)
{
  PolicyJob *job = data;

  return cst_assistance_policy_repo_in_effect (conn, &job->day, error);
}

void
cst_assistance_policy_repo_in_effect_async (CstConnection       *connection,
                                            const GDate         *day,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_return_if_fail (CST_IS_CONNECTION (connection));
  g_return_if_fail (g_date_valid (day));
  cst_connection_run_async (connection, in_effect_in_worker, policy_job_new (day, NULL, NULL),
                            (GDestroyNotify) policy_job_free,
                            (GDestroyNotify) cst_assistance_policy_version_free,
                            cancellable, callback, user_data);
}

CstAssistancePolicyVersion *
cst_assistance_policy_repo_in_effect_finish (CstConnection  *connection,
                                             GAsyncResult   *result,
                                             GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}

static gpointer
store_in_worker (PGconn   *conn,
                 gpointer  data,
                 GError  **error)
{
  PolicyJob *job = data;
  gint64 id = cst_assistance_policy_repo_store (conn, job->text, &job->day, job->note, error);

  return id == 0 ? NULL : g_memdup2 (&id, sizeof id);
}

void
cst_assistance_policy_repo_store_async (CstConnection       *connection,
                                        const char          *text,
                                        const GDate         *effective_from,
                                        const char          *note,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_return_if_fail (CST_IS_CONNECTION (connection));
  g_return_if_fail (text != NULL && g_date_valid (effective_from));
  cst_connection_run_async (connection, store_in_worker, policy_job_new (effective_from, text, note),
                            (GDestroyNotify) policy_job_free, g_free, cancellable, callback, user_data);
}

/* Returns: the stored version's id, or 0 with @error set */
gint64
cst_assistance_policy_repo_store_finish (CstConnection  *connection,
                                         GAsyncResult   *result,
                                         GError        **error)
{
  g_autofree gint64 *id = cst_connection_run_finish (connection, result, error);

  return id != NULL ? *id : 0;
}
