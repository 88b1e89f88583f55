/* cst-legal-process.c — legal process and its checklist (migration 0072)
 *
 * The elements are data (legal_process_elements), grouped in routes: a
 * subpoena without a court order is released on the notice route or the
 * protective order route (45 CFR 164.512(e)(1)(ii)), Part 2 records on a
 * court order with every 2.64 finding.  The database is the authority:
 * legal_process_gaps() says what is missing, in the same words the
 * release trigger refuses with, so the view shows exactly what the
 * server will say.
 */
#define G_LOG_DOMAIN "cst-legal-process"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "custodian/cst-connection.h"
#include "custodian/cst-db.h"
#include "custodian/cst-error.h"
#include "custodian/cst-legal-process.h"

static const char *const kind_nicks[CST_LEGAL_PROCESS_N_KINDS] = {
  [CST_LEGAL_PROCESS_COURT_ORDER] = "court_order",
  [CST_LEGAL_PROCESS_JUDGE_SUBPOENA] = "judge_subpoena",
  [CST_LEGAL_PROCESS_SUBPOENA] = "subpoena",
};

const char *
cst_legal_process_kind_to_nick (CstLegalProcessKind kind)
{
  g_return_val_if_fail (kind < CST_LEGAL_PROCESS_N_KINDS, NULL);
  return kind_nicks[kind];
}

gboolean
cst_legal_process_kind_from_nick (const char          *nick,
                                  CstLegalProcessKind *kind)
{
  for (guint i = CST_LEGAL_PROCESS_COURT_ORDER; i < CST_LEGAL_PROCESS_N_KINDS; i++)
    if (g_strcmp0 (nick, kind_nicks[i]) == 0)
      {
        *kind = i;
        return TRUE;
      }
  return FALSE;
}

const char *
cst_legal_process_kind_get_label (CstLegalProcessKind kind)
{
  switch (kind)
    {
    case CST_LEGAL_PROCESS_NONE: return _("Not legal process");
    case CST_LEGAL_PROCESS_COURT_ORDER: return _("Court order");
    case CST_LEGAL_PROCESS_JUDGE_SUBPOENA: return _("Subpoena signed by a judge");
    case CST_LEGAL_PROCESS_SUBPOENA: return _("Subpoena without a court order");
    default: g_return_val_if_reached ("");
    }
}

const char *
cst_legal_process_route_get_label (const char *route)
{
  if (g_strcmp0 (route, "notice") == 0)
    return _("Notice to the individual, and the time to object passed");
  if (g_strcmp0 (route, "protective_order") == 0)
    return _("Qualified protective order");
  if (g_strcmp0 (route, "part2") == 0)
    return _("Part 2 records: court order with the 42 CFR 2.64 findings");
  return route;
}

void
cst_legal_process_item_free (CstLegalProcessItem *item)
{
  if (item == NULL)
    return;
  g_free (item->code);
  g_free (item->route);
  g_free (item->label);
  g_free (item->citation);
  g_free (item->note);
  g_free (item->checked_by);
  g_clear_pointer (&item->checked_at, g_date_time_unref);
  g_free (item);
}

void
cst_legal_process_free (CstLegalProcess *process)
{
  if (process == NULL)
    return;
  g_free (process->issuer);
  g_free (process->case_number);
  g_clear_pointer (&process->checklist, g_ptr_array_unref);
  g_free (process->gaps);
  g_free (process);
}

gboolean
cst_legal_process_allows_release (const CstLegalProcess *process)
{
  return process->gaps == NULL;
}

/* ---- blocking, on the connection's thread ------------------------------- */

static gpointer
item_from_row (const PGresult *res,
               int             row)
{
  CstLegalProcessItem *item = g_new0 (CstLegalProcessItem, 1);

  item->code = g_strdup (cst_db_value (res, row, 0));
  item->route = g_strdup (cst_db_value (res, row, 1));
  item->label = g_strdup (cst_db_value (res, row, 2));
  item->citation = g_strdup (cst_db_value (res, row, 3));
  item->on_file = cst_db_bool (res, row, 4);
  item->note = g_strdup (cst_db_value (res, row, 5));
  item->checked_by = g_strdup (cst_db_value (res, row, 6));
  item->checked_at = cst_db_value (res, row, 7) ? cst_db_timestamp (res, row, 7) : NULL;
  return item;
}

/**
 * cst_legal_process_load:
 *
 * Returns: (transfer full): the request's legal process (kind
 *   %CST_LEGAL_PROCESS_NONE when none was entered), or NULL with @error
 */
CstLegalProcess *
cst_legal_process_load (PGconn  *conn,
                        gint64   request_id,
                        GError **error)
{
  g_autofree char *id = cst_db_int_param (request_id);
  const char *params[] = { id };
  g_autoptr(PGresult) head = cst_db_exec (conn,
    "SELECT kind::text, issuer, case_number, part2_records, legal_process_gaps (request_id)"
    "  FROM legal_processes WHERE request_id = $1::bigint", 1, params, error);
  g_autoptr(PGresult) items = NULL;
  g_autoptr(CstLegalProcess) process = NULL;

  if (head == NULL)
    return NULL;
  process = g_new0 (CstLegalProcess, 1);
  process->request_id = request_id;
  if (PQntuples (head) == 0)
    {
      process->checklist = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_legal_process_item_free);
      return g_steal_pointer (&process);
    }
  if (!cst_legal_process_kind_from_nick (cst_db_value (head, 0, 0), &process->kind))
    g_return_val_if_reached (NULL);
  process->issuer = g_strdup (cst_db_value (head, 0, 1));
  process->case_number = g_strdup (cst_db_value (head, 0, 2));
  process->part2_records = cst_db_bool (head, 0, 3);
  process->gaps = g_strdup (cst_db_value (head, 0, 4));
  items = cst_db_exec (conn,
    "SELECT code, route, label, citation, on_file, note, checked_by, checked_at"
    "  FROM legal_process_checklist ($1::bigint)", 1, params, error);
  if (items == NULL)
    return NULL;
  process->checklist = cst_db_collect_rows (items, item_from_row,
                                            (GDestroyNotify) cst_legal_process_item_free);
  return g_steal_pointer (&process);
}

gboolean
cst_legal_process_enter (PGconn              *conn,
                         gint64               request_id,
                         CstLegalProcessKind  kind,
                         const char          *issuer,
                         const char          *case_number,
                         gboolean             part2_records,
                         GError             **error)
{
  g_autofree char *id = cst_db_int_param (request_id);
  g_autofree char *trimmed = g_strstrip (g_strdup (issuer ? issuer : ""));
  const char *params[] = { id, NULL, trimmed, case_number ? case_number : "",
                           part2_records ? "true" : "false" };

  if (kind == CST_LEGAL_PROCESS_NONE || kind >= CST_LEGAL_PROCESS_N_KINDS)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                           _("Choose a court order, a subpoena signed by a judge or a subpoena without a court order."));
      return FALSE;
    }
  if (*trimmed == '\0')
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                           _("Name the court, attorney or agency that issued the legal process."));
      return FALSE;
    }
  params[1] = kind_nicks[kind];
  return cst_db_exec_command (conn,
    "INSERT INTO legal_processes (request_id, kind, issuer, case_number, part2_records)"
    " VALUES ($1::bigint, $2::legal_process_kind, $3, $4, $5::boolean)"
    " ON CONFLICT (request_id) DO UPDATE SET kind = EXCLUDED.kind, issuer = EXCLUDED.issuer,"
    "   case_number = EXCLUDED.case_number, part2_records = EXCLUDED.part2_records",
    G_N_ELEMENTS (params), params, error);
}

gboolean
cst_legal_process_check (PGconn      *conn,
                         gint64       request_id,
                         const char  *code,
                         gboolean     on_file,
                         const char  *note,
                         GError     **error)
{
  g_autofree char *id = cst_db_int_param (request_id);
  const char *params[] = { id, code, on_file ? "true" : "false", note ? note : "" };

  return cst_db_exec_command (conn,
    "INSERT INTO legal_process_checks (request_id, element_code, on_file, note)"
    " VALUES ($1::bigint, $2, $3::boolean, $4)"
    " ON CONFLICT (request_id, element_code) DO UPDATE SET on_file = EXCLUDED.on_file,"
    "   note = EXCLUDED.note",
    G_N_ELEMENTS (params), params, error);
}

/* ---- on a worker --------------------------------------------------------- */

typedef enum { JOB_LOAD, JOB_ENTER, JOB_CHECK } JobKind;

typedef struct
{
  JobKind              what;
  gint64               request_id;
  CstLegalProcessKind  kind;
  char                *issuer;
  char                *case_number;
  gboolean             part2_records;
  char                *code;
  gboolean             on_file;
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  g_free (job->issuer);
  g_free (job->case_number);
  g_free (job->code);
  g_free (job);
}

/* The change and the reading in one transaction: what comes back is
 * what the change left. */
static gpointer
job_run (PGconn   *conn,
         gpointer  data,
         GError  **error)
{
  Job *job = data;
  CstLegalProcess *process = NULL;
  gboolean ok;

  if (!cst_db_begin (conn, error))
    return NULL;
  switch (job->what)
    {
    case JOB_ENTER:
      ok = cst_legal_process_enter (conn, job->request_id, job->kind, job->issuer, job->case_number,
                                    job->part2_records, error);
      break;
    case JOB_CHECK:
      ok = cst_legal_process_check (conn, job->request_id, job->code, job->on_file, NULL, error);
      break;
    case JOB_LOAD:
    default:
      ok = TRUE;
      break;
    }
  ok = ok && (process = cst_legal_process_load (conn, job->request_id, error)) != NULL;
  if (!ok || !cst_db_commit (conn, error))
    {
      cst_db_rollback (conn);
      g_clear_pointer (&process, cst_legal_process_free);
      return NULL;
    }
  return process;
}

static void
job_start (CstConnection       *connection,
           Job                 *job,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  cst_connection_run_async (connection, job_run, job, job_free, (GDestroyNotify) cst_legal_process_free,
                            cancellable, callback, user_data);
}

void
cst_legal_process_load_async (CstConnection       *connection,
                              gint64               request_id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  Job *job = g_new0 (Job, 1);

  job->what = JOB_LOAD;
  job->request_id = request_id;
  job_start (connection, job, cancellable, callback, user_data);
}

void
cst_legal_process_enter_async (CstConnection       *connection,
                               gint64               request_id,
                               CstLegalProcessKind  kind,
                               const char          *issuer,
                               const char          *case_number,
                               gboolean             part2_records,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  Job *job = g_new0 (Job, 1);

  job->what = JOB_ENTER;
  job->request_id = request_id;
  job->kind = kind;
  job->issuer = g_strdup (issuer);
  job->case_number = g_strdup (case_number);
  job->part2_records = part2_records;
  job_start (connection, job, cancellable, callback, user_data);
}

void
cst_legal_process_check_async (CstConnection       *connection,
                               gint64               request_id,
                               const char          *code,
                               gboolean             on_file,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  Job *job = g_new0 (Job, 1);

  job->what = JOB_CHECK;
  job->request_id = request_id;
  job->code = g_strdup (code);
  job->on_file = on_file;
  job_start (connection, job, cancellable, callback, user_data);
}

/**
 * cst_legal_process_finish:
 *
 * Returns: (transfer full): the legal process after the change, or NULL
 *   with @error set
 */
CstLegalProcess *
cst_legal_process_finish (CstConnection  *connection,
                          GAsyncResult   *result,
                          GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}
