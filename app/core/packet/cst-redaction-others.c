/* cst-redaction-others.c — the other people a request names and the
 * configured terms, read and changed for Find Proposals
 * (cst-redaction-others.h)
 *
 * The people are rows of request_other_people (0090), changed only
 * through its two owner-rights functions, which check the caller, the
 * request's facility and that the request is still open.  The terms are
 * 0076's (cst-redaction-propose.c changes them).
 */
#define G_LOG_DOMAIN "custodian-packet"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "custodian/cst-db.h"
#include "custodian/cst-error.h"
#include "custodian/cst-redaction-others.h"
#include "custodian/cst-request-repo.h"

#include "cst-redaction-private.h"

void
cst_other_person_free (CstOtherPerson *person)
{
  if (person == NULL)
    return;
  g_free (person->kind);
  g_free (person->value);
  g_free (person->added_by);
  g_free (person);
}

void
cst_redaction_setup_free (CstRedactionSetup *setup)
{
  if (setup == NULL)
    return;
  g_clear_pointer (&setup->others, g_ptr_array_unref);
  g_clear_pointer (&setup->terms, g_ptr_array_unref);
  g_free (setup);
}

static gpointer
person_from_row (const PGresult *res,
                 int             row)
{
  CstOtherPerson *p = g_new0 (CstOtherPerson, 1);

  p->id = cst_db_int64 (res, row, 0);
  p->kind = g_strdup (cst_db_value (res, row, 1));
  p->value = g_strdup (cst_db_value (res, row, 2));
  p->added_by = g_strdup (cst_db_value (res, row, 3));
  return p;
}

/**
 * cst_redaction_others_list:
 *
 * Returns: (transfer full): #CstOtherPerson, or NULL with @error set
 */
GPtrArray *
cst_redaction_others_list (PGconn  *conn,
                           gint64   request_id,
                           GError **error)
{
  g_autofree char *id = cst_db_int_param (request_id);
  const char *params[] = { id };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT id, kind, value, added_by FROM request_other_people WHERE request_id = $1"
    " ORDER BY kind DESC, id", 1, params, error);

  return res ? cst_db_collect_rows (res, person_from_row, (GDestroyNotify) cst_other_person_free)
             : NULL;
}

gint64
cst_redaction_others_add (PGconn      *conn,
                          gint64       request_id,
                          const char  *kind,
                          const char  *value,
                          GError     **error)
{
  g_autofree char *id = cst_db_int_param (request_id);
  const char *params[] = { id, kind, value };
  g_autoptr(PGresult) res = NULL;

  if (g_strcmp0 (kind, "name") != 0 && g_strcmp0 (kind, "mrn") != 0)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("Another person is given by a name or a medical record number."));
      return 0;
    }
  if (value == NULL || cst_redaction_is_blank (value))
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("Which name or number? It is empty."));
      return 0;
    }
  res = cst_db_exec (conn, "SELECT request_other_person_add($1, $2, $3)", 3, params, error);
  return res ? cst_db_int64 (res, 0, 0) : 0;
}

gboolean
cst_redaction_others_remove (PGconn  *conn,
                             gint64   person_id,
                             GError **error)
{
  g_autofree char *id = cst_db_int_param (person_id);
  const char *params[] = { id };

  return cst_db_exec_command (conn, "SELECT request_other_person_remove($1)", 1, params, error);
}

gboolean
cst_redaction_others_into (PGconn            *conn,
                           gint64             request_id,
                           CstProposalRules  *rules,
                           GError           **error)
{
  g_autoptr(GPtrArray) others = cst_redaction_others_list (conn, request_id, error);

  if (others == NULL)
    return FALSE;
  for (guint i = 0; i < others->len; i++)
    {
      CstOtherPerson *p = g_ptr_array_index (others, i);

      g_ptr_array_add (g_str_equal (p->kind, "name") ? rules->other_names : rules->other_mrns,
                       g_strdup (p->value));
    }
  return TRUE;
}

/* ---- the setup ------------------------------------------------------------ */

static gboolean
is_admin (PGconn   *conn,
          gboolean *result,
          GError  **error)
{
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT pg_has_role(session_user, 'custodian_admin', 'MEMBER')", 0, NULL, error);

  if (res == NULL)
    return FALSE;
  *result = cst_db_bool (res, 0, 0);
  return TRUE;
}

static gboolean
make_change (PGconn                   *conn,
             gint64                    request_id,
             const CstRedactionChange *change,
             GError                  **error)
{
  if (change == NULL)
    return TRUE;
  if (change->other_value != NULL &&
      cst_redaction_others_add (conn, request_id, change->other_kind, change->other_value, error) == 0)
    return FALSE;
  if (change->other_remove > 0 && !cst_redaction_others_remove (conn, change->other_remove, error))
    return FALSE;
  if (change->term != NULL &&
      cst_redaction_term_add (conn, change->term_reason, change->term, error) == 0)
    return FALSE;
  return change->term_retire <= 0 || cst_redaction_term_retire (conn, change->term_retire, error);
}

/**
 * cst_redaction_setup_change:
 *
 * Returns: (transfer full): the request's other people and the terms
 *   after @change, or NULL with @error set (and nothing changed)
 */
CstRedactionSetup *
cst_redaction_setup_change (PGconn                    *conn,
                            gint64                     request_id,
                            const CstRedactionChange  *change,
                            GError                   **error)
{
  g_autoptr(CstRedactionSetup) setup = g_new0 (CstRedactionSetup, 1);
  gboolean ok;

  if (!cst_db_begin (conn, error))
    return NULL;
  ok = make_change (conn, request_id, change, error);
  if (!cst_db_end (conn, ok, ok ? error : NULL) || !ok)
    return NULL;
  if (!(setup->others = cst_redaction_others_list (conn, request_id, error)) ||
      !(setup->terms = cst_redaction_terms_list (conn, error)) ||
      !is_admin (conn, &setup->may_configure, error))
    return NULL;
  return g_steal_pointer (&setup);
}

/* ---- off the main loop ----------------------------------------------------- */

typedef struct
{
  gint64              request_id;
  gboolean            has_change;
  CstRedactionChange  change;   /* its strings owned here */
} ChangeJob;

static void
change_job_free (ChangeJob *job)
{
  g_free ((char *) job->change.other_kind);
  g_free ((char *) job->change.other_value);
  g_free ((char *) job->change.term);
  g_free ((char *) job->change.term_reason);
  g_free (job);
}

static gpointer
change_job_run (PGconn   *conn,
                gpointer  data,
                GError  **error)
{
  ChangeJob *job = data;

  return cst_redaction_setup_change (conn, job->request_id, job->has_change ? &job->change : NULL,
                                     error);
}

/**
 * cst_redaction_setup_change_async:
 * @change: (nullable): copied
 *
 * cst_redaction_setup_change() on @connection's worker thread.
 */
void
cst_redaction_setup_change_async (CstConnection             *connection,
                                  gint64                     request_id,
                                  const CstRedactionChange  *change,
                                  GCancellable              *cancellable,
                                  GAsyncReadyCallback        callback,
                                  gpointer                   user_data)
{
  ChangeJob *job = g_new0 (ChangeJob, 1);

  job->request_id = request_id;
  job->has_change = change != NULL;
  if (change != NULL)
    {
      job->change = *change;
      job->change.other_kind = g_strdup (change->other_kind);
      job->change.other_value = g_strdup (change->other_value);
      job->change.term = g_strdup (change->term);
      job->change.term_reason = g_strdup (change->term_reason);
    }
  cst_connection_run_async (connection, change_job_run, job, (GDestroyNotify) change_job_free,
                            (GDestroyNotify) cst_redaction_setup_free, cancellable, callback,
                            user_data);
}

CstRedactionSetup *
cst_redaction_setup_change_finish (CstConnection  *connection,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}

/**
 * cst_redaction_setup_change_at:
 *
 * Returns: (transfer full): as cst_redaction_setup_change()
 */
CstRedactionSetup *
cst_redaction_setup_change_at (const char                *conninfo,
                               const char                *reference,
                               const CstRedactionChange  *change,
                               GError                   **error)
{
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, error);
  g_autoptr(CstRequest) request = NULL;

  if (conn == NULL || !(request = cst_request_repo_find (conn, reference, error)))
    return NULL;
  return cst_redaction_setup_change (conn, cst_request_get_id (request), change, error);
}
