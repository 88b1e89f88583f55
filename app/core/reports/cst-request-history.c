/* cst-request-history.c — who did what to one request, and when, from the
 * audit log
 *
 * One query reads the audit rows of the request and of the rows that hang
 * off it (checks, searches, documents, invoices, disclosures, withholdings,
 * deliveries) plus the application's events that name it, and sorts them
 * into kinds; the words come from the same labels the evidence pack
 * prints, so the request view and the pack never describe an event
 * differently.  The audit log is readable by every Custodian role (0002),
 * so no SECURITY DEFINER function is needed.
 */
#define G_LOG_DOMAIN "cst-history"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "custodian/cst-db.h"
#include "custodian/cst-locale-format.h"
#include "custodian/cst-request-history.h"

#include "cst-evidence-private.h"

struct _CstHistoryEvent
{
  GObject    parent_instance;

  GDateTime *time;
  char      *actor;
  char      *kind;
  char      *title;
  char      *detail;
  gboolean   reported;
};

G_DEFINE_FINAL_TYPE (CstHistoryEvent, cst_history_event, G_TYPE_OBJECT)

static void
cst_history_event_finalize (GObject *object)
{
  CstHistoryEvent *self = CST_HISTORY_EVENT (object);

  g_clear_pointer (&self->time, g_date_time_unref);
  g_free (self->actor);
  g_free (self->kind);
  g_free (self->title);
  g_free (self->detail);
  G_OBJECT_CLASS (cst_history_event_parent_class)->finalize (object);
}

static void
cst_history_event_class_init (CstHistoryEventClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cst_history_event_finalize;
}

static void
cst_history_event_init (CstHistoryEvent *self)
{
}

GDateTime *
cst_history_event_get_time (CstHistoryEvent *self)
{
  return self->time;
}

const char *
cst_history_event_get_actor (CstHistoryEvent *self)
{
  return self->actor;
}

const char *
cst_history_event_get_kind (CstHistoryEvent *self)
{
  return self->kind;
}

const char *
cst_history_event_get_title (CstHistoryEvent *self)
{
  return self->title;
}

const char *
cst_history_event_get_detail (CstHistoryEvent *self)
{
  return self->detail;
}

gboolean
cst_history_event_is_reported (CstHistoryEvent *self)
{
  return self->reported;
}

/* --- the query --- */

/* The rows that belong to the request, by table: their audit rows are
 * found through the (table_name, row_id) index. */
#define OWN_ROWS \
  "SELECT 'roi_requests', $1::bigint" \
  " UNION ALL SELECT 'authorization_checks', id FROM authorization_checks WHERE request_id = $1::bigint" \
  " UNION ALL SELECT 'no_records_searches', id FROM no_records_searches WHERE request_id = $1::bigint" \
  " UNION ALL SELECT 'rendered_documents', id FROM rendered_documents WHERE request_id = $1::bigint" \
  " UNION ALL SELECT 'invoices', id FROM invoices WHERE request_id = $1::bigint" \
  " UNION ALL SELECT 'disclosures', id FROM disclosures WHERE request_id = $1::bigint" \
  " UNION ALL SELECT 'release_withholdings', id FROM release_withholdings WHERE request_id = $1::bigint" \
  " UNION ALL SELECT 'release_deliveries', id FROM release_deliveries WHERE request_id = $1::bigint"

#define IS_TABLE(t) "a.table_name = '" t "'"
#define IS_EVENT(k) "(a.table_name = 'event' AND a.new_row->>'kind' = '" k "')"
#define NEWLY_SET(key) "(a.old_row->>'" key "' IS NULL AND a.new_row->>'" key "' IS NOT NULL)"
/* An update that changed something besides the row's version. */
#define CHANGED_FIELDS "(a.old_row - 'version') IS DISTINCT FROM (a.new_row - 'version')"

static const char history_sql[] =
  "WITH own (table_name, row_id) AS (" OWN_ROWS "),"
  " rows AS ("
  "  SELECT a.* FROM own o JOIN audit_log a ON a.table_name = o.table_name AND a.row_id = o.row_id"
  "  WHERE a.action IN ('INSERT', 'UPDATE')"
  "  UNION ALL"
  "  SELECT a.* FROM audit_log a WHERE a.table_name = 'event'"
  "   AND a.new_row->>'kind' IN ('authorization.deficiency_letter', 'evidence.exported')"
  "   AND a.new_row->'details'->>'request' = $2)"
  " SELECT " TS ("a.occurred_at") ", a.actor, e.kind, e.subject, e.value, e.note,"
  "  " IS_REPORTED " FROM rows a"
  " CROSS JOIN LATERAL (SELECT CASE"
  "   WHEN " IS_TABLE ("roi_requests") " AND a.action = 'INSERT' THEN 'created'"
  "   WHEN " IS_TABLE ("roi_requests") " AND " IS_STATUS_CHANGE " THEN 'status'"
  "   WHEN " IS_TABLE ("roi_requests") " AND " NEWLY_SET ("extended_on") " THEN 'extended'"
  "   WHEN " IS_TABLE ("roi_requests") " AND " CHANGED_FIELDS " THEN 'edited'"
  "   WHEN " IS_TABLE ("authorization_checks") " THEN 'check'"
  "   WHEN " IS_TABLE ("no_records_searches") " AND a.action = 'INSERT' THEN 'no-records-search'"
  "   WHEN " IS_TABLE ("no_records_searches") " AND " NEWLY_SET ("signed_off_by") " THEN 'no-records-sign-off'"
  "   WHEN " IS_TABLE ("rendered_documents") " AND a.action = 'INSERT' THEN 'document'"
  "   WHEN " IS_EVENT ("authorization.deficiency_letter") " THEN 'document'"
  "   WHEN " IS_TABLE ("invoices") " AND a.action = 'INSERT' THEN 'invoice'"
  "   WHEN " IS_TABLE ("disclosures") " AND a.action = 'INSERT' THEN 'disclosure'"
  "   WHEN " IS_TABLE ("release_withholdings") " AND a.action = 'INSERT' THEN 'withheld'"
  "   WHEN " IS_TABLE ("release_deliveries") " AND a.action = 'INSERT' THEN 'delivery'"
  "   WHEN " IS_EVENT ("evidence.exported") " THEN 'evidence-exported'"
  "  END AS kind,"
  "  CASE a.table_name"
  "   WHEN 'roi_requests' THEN a.old_row->>'status'"
  "   WHEN 'authorization_checks' THEN (SELECT label FROM authorization_elements"
  "    WHERE code = a.new_row->>'element_code')"
  "   WHEN 'rendered_documents' THEN (SELECT kind FROM document_templates"
  "    WHERE id = (a.new_row->>'template_id')::bigint)"
  "   WHEN 'event' THEN 'deficiency-letter'"
  "   WHEN 'invoices' THEN a.new_row->>'number'"
  "   WHEN 'disclosures' THEN a.new_row->>'recipient_name'"
  "   WHEN 'release_withholdings' THEN a.new_row->>'reason'"
  "   WHEN 'release_deliveries' THEN a.new_row->>'delivery'"
  "  END AS subject,"
  "  CASE a.table_name"
  "   WHEN 'roi_requests' THEN a.new_row->>'status'"
  "   WHEN 'authorization_checks' THEN a.new_row->>'finding'"
  "   WHEN 'invoices' THEN a.new_row->>'total_cents'"
  "  END AS value,"
  "  CASE a.table_name"
  "   WHEN 'roi_requests' THEN CASE WHEN " NEWLY_SET ("extended_on")
  "    THEN a.new_row->>'extension_reason' ELSE a.new_row->>'status_reason' END"
  "   WHEN 'authorization_checks' THEN NULLIF(a.new_row->>'note', '')"
  "   WHEN 'release_withholdings' THEN a.new_row->>'description'"
  "  END AS note) e"
  " WHERE e.kind IS NOT NULL"
  " ORDER BY " CHAIN_ORDER;

enum { COL_AT, COL_ACTOR, COL_KIND, COL_SUBJECT, COL_VALUE, COL_NOTE, COL_REPORTED };

/* --- in words --- */

static char *
dup_title (const char *kind,
           const char *subject,
           const char *value)
{
  if (g_str_equal (kind, "created"))
    return g_strdup (_("Request logged"));
  if (g_str_equal (kind, "status"))
    return g_strdup_printf (_("Status changed: %s → %s"), cst_evidence_status_label (subject ? subject : ""),
                            cst_evidence_status_label (value ? value : ""));
  if (g_str_equal (kind, "extended"))
    return g_strdup (_("Deadline extended by 30 days"));
  if (g_str_equal (kind, "edited"))
    return g_strdup (_("Details changed"));
  if (g_str_equal (kind, "check"))
    return g_strdup_printf (_("Authorization checked: %s — %s"), subject ? subject : "",
                            cst_evidence_finding_label (value ? value : ""));
  if (g_str_equal (kind, "no-records-search"))
    return g_strdup (_("Search for the records recorded"));
  if (g_str_equal (kind, "no-records-sign-off"))
    return g_strdup (_("“No records” answer signed off"));
  if (g_str_equal (kind, "document"))
    return g_strdup_printf (_("Document made: %s"), cst_evidence_letter_label (subject ? subject : ""));
  if (g_str_equal (kind, "invoice"))
    {
      g_autofree char *total = cst_locale_format_money (value ? g_ascii_strtoll (value, NULL, 10) : 0);
      return g_strdup_printf (_("Invoice %s issued: %s"), subject ? subject : "", total);
    }
  if (g_str_equal (kind, "disclosure"))
    return g_strdup_printf (_("Records released to %s"), subject ? subject : "");
  if (g_str_equal (kind, "withheld"))
    return g_strdup_printf (_("Withheld: %s"), cst_evidence_withheld_label (subject ? subject : ""));
  if (g_str_equal (kind, "delivery"))
    return g_strdup_printf (_("Delivery recorded: %s"), cst_evidence_delivery_label (subject ? subject : ""));
  if (g_str_equal (kind, "evidence-exported"))
    return g_strdup (_("Evidence pack exported"));
  return g_strdup (kind);
}

static CstHistoryEvent *
event_from_row (const PGresult *res,
                int             row)
{
  CstHistoryEvent *event = g_object_new (CST_TYPE_HISTORY_EVENT, NULL);
  const char *note = cst_db_value (res, row, COL_NOTE);

  event->time = g_date_time_new_from_iso8601 (cst_db_value (res, row, COL_AT), NULL);
  event->actor = g_strdup (cst_db_value (res, row, COL_ACTOR));
  event->kind = g_strdup (cst_db_value (res, row, COL_KIND));
  event->title = dup_title (event->kind, cst_db_value (res, row, COL_SUBJECT),
                            cst_db_value (res, row, COL_VALUE));
  event->detail = note != NULL && *note ? g_strdup (note) : NULL;
  event->reported = cst_db_bool (res, row, COL_REPORTED);
  return event;
}

GListModel *
cst_request_history_load (PGconn      *conn,
                          gint64       request_id,
                          const char  *reference,
                          GError     **error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, request_id);
  const char *params[] = { id, reference };
  g_autoptr(PGresult) res = cst_db_exec (conn, history_sql, 2, params, error);
  GListStore *events;

  if (res == NULL)
    return NULL;
  events = g_list_store_new (CST_TYPE_HISTORY_EVENT);
  for (int i = 0; i < PQntuples (res); i++)
    {
      g_autoptr(CstHistoryEvent) event = event_from_row (res, i);
      g_list_store_append (events, event);
    }
  return G_LIST_MODEL (events);
}

typedef struct
{
  gint64  request_id;
  char   *reference;
} LoadJob;

static void
load_job_free (LoadJob *job)
{
  g_free (job->reference);
  g_free (job);
}

static gpointer
load_in_worker (PGconn   *conn,
                gpointer  data,
                GError  **error)
{
  LoadJob *job = data;

  return cst_request_history_load (conn, job->request_id, job->reference, error);
}

void
cst_request_history_load_async (CstConnection       *connection,
                                gint64               request_id,
                                const char          *reference,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  LoadJob *job = g_new0 (LoadJob, 1);

  g_return_if_fail (CST_IS_CONNECTION (connection));
  g_return_if_fail (reference != NULL);

  job->request_id = request_id;
  job->reference = g_strdup (reference);
  cst_connection_run_async (connection, load_in_worker, job, (GDestroyNotify) load_job_free,
                            g_object_unref, cancellable, callback, user_data);
}

GListModel *
cst_request_history_load_finish (CstConnection  *connection,
                                 GAsyncResult   *result,
                                 GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}
