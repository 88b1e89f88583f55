/* cst-request-repo.c — requests in PostgreSQL
 *
 * Every change carries the version the clerk read (optimistic locking): an
 * UPDATE that matches no row means someone else saved first, and the
 * caller gets CST_ERROR_CONFLICT naming who, never a silent overwrite.
 * The triggers of the first migration enforce the workflow, the due date
 * and the audit log; these functions only ask.
 */
#define G_LOG_DOMAIN "cst-request-repo"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "custodian/cst-db.h"
#include "custodian/cst-error.h"
#include "custodian/cst-input.h"
#include "custodian/cst-request-repo.h"
#include "custodian/cst-request-repo-first.h"
#include "cst-request-private.h"

/* Record types travel as one text joined by the ASCII unit separator,
 * which cannot be typed, instead of a hand-escaped array literal. */
#define LIST_SEPARATOR "\x1f"

#define BASE_COLUMNS \
  "r.id, r.reference, r.version, r.status, r.received_date, r.due_date, " \
  "r.extended_on, r.jurisdiction, p.id, p.mrn, p.family_name, p.given_name, " \
  "q.id, q.name, q.kind, r.updated_by"
/* The rule that timed the request and the one it was compared with
 * (migration 0059), last in both column lists. */
#define DEADLINE_COLUMNS \
  "dr.rule_key || '@' || dr.version, dr.citation, dr.days, dr.count = 'business', " \
  "dr.extension_days, dr.confidence, dc.citation, dc.days, dc.count = 'business', " \
  "r.original_due_date"
#define N_DEADLINE_COLUMNS 10
/* The request's facility (0080), last of the summary. */
#define SUMMARY_COLUMNS BASE_COLUMNS ", " DEADLINE_COLUMNS ", f.code"
#define N_SUMMARY_COLUMNS (16 + N_DEADLINE_COLUMNS + 1)
/* The detail adds where the one extension would move the deadline: a
 * business-day count per row, too slow for the whole list. */
#define DETAIL_COLUMNS \
  BASE_COLUMNS ", p.birth_date, q.organization, q.address, q.email, q.phone, " \
  "r.purpose, array_to_string(r.record_types, E'\\x1f'), r.records_from, r.records_to, " \
  "r.format, r.delivery, r.authorization_on_file, r.authorization_signed, " \
  "r.authorization_expires, r.authorization_notes, r.page_count, r.status_reason, " \
  "r.extension_reason, r.assignee, r.updated_at, " DEADLINE_COLUMNS ", " \
  "CASE WHEN r.extended_on IS NULL THEN roi_deadline_extended(r.deadline_rule_id, r.original_due_date) END, " \
  "r.purpose_code, f.code"
/* The closed statuses, as cst_request_status_is_closed() has them. */
#define CLOSED_STATUSES "('released', 'denied', 'cancelled')"
#define FROM_REQUESTS \
  " FROM roi_requests r JOIN patients p ON p.id = r.patient_id" \
  " JOIN requesters q ON q.id = r.requester_id" \
  " JOIN facilities f ON f.id = r.facility_id" \
  " LEFT JOIN deadline_rules dr ON dr.id = r.deadline_rule_id" \
  " LEFT JOIN deadline_rules dc ON dc.id = r.deadline_compared_rule_id"

static int
enum_value (GType       type,
            const char *nick)
{
  int value = 0;

  if (!cst_enum_from_nick (type, nick, &value))
    g_warning ("Unknown %s value from the database", g_type_name (type));
  return value;
}

static void
set_date_column (CstRequest     *request,
                 const char     *property,
                 const PGresult *res,
                 int             row,
                 int             col)
{
  g_autoptr(GDate) date = cst_db_date (res, row, col);

  g_object_set (request, property, date, NULL);
}

static int
int_or (const PGresult *res,
        int             row,
        int             col,
        int             none)
{
  return cst_db_value (res, row, col) ? (int) cst_db_int64 (res, row, col) : none;
}

/* The deadline columns from @first (and where the extension would move
 * it, from @extension_col when ≥ 0); @dates holds its two dates. */
static void
deadline_from_row (const PGresult     *res,
                   int                 row,
                   int                 first,
                   int                 extension_col,
                   CstRequestDeadline *deadline)
{
  g_autoptr(GDate) original = cst_db_date (res, row, first + 9);
  g_autoptr(GDate) extension = extension_col >= 0 ? cst_db_date (res, row, extension_col) : NULL;
  const char *confidence = cst_db_value (res, row, first + 5);

  *deadline = (CstRequestDeadline) {
    .rule = (char *) cst_db_value (res, row, first),
    .citation = (char *) cst_db_value (res, row, first + 1),
    .days = int_or (res, row, first + 2, -1),
    .business = cst_db_value (res, row, first + 3) && cst_db_bool (res, row, first + 3),
    .extension_days = int_or (res, row, first + 4, 0),
    .confidence = confidence ? confidence[0] : 0,
    .compared_citation = (char *) cst_db_value (res, row, first + 6),
    .compared_days = int_or (res, row, first + 7, -1),
    .compared_business = cst_db_value (res, row, first + 8) && cst_db_bool (res, row, first + 8),
  };
  g_date_clear (&deadline->original_due, 1);
  g_date_clear (&deadline->extension_due, 1);
  if (original)
    deadline->original_due = *original;
  if (extension)
    deadline->extension_due = *extension;
}

static void
set_deadline_columns (CstRequest     *request,
                      const PGresult *res,
                      int             row,
                      int             first,
                      int             extension_col)
{
  CstRequestDeadline deadline;

  deadline_from_row (res, row, first, extension_col, &deadline);
  cst_request_set_deadline (request, &deadline);
}

/* A summary's three dates, which it points to. */
typedef struct
{
  GDate received, due, extended_on;
} SummaryDates;

static const GDate *
date_or_null (const PGresult *res,
              int             row,
              int             col,
              GDate          *date)
{
  g_autoptr(GDate) read = cst_db_date (res, row, col);

  if (read == NULL)
    return NULL;
  *date = *read;
  return date;
}

/* The list's columns of @row (pointing into @res and @dates). */
static void
summary_from_row (const PGresult    *res,
                  int                row,
                  SummaryDates      *dates,
                  CstRequestSummary *summary)
{
  gboolean detailed = PQnfields (res) > N_SUMMARY_COLUMNS;

  *summary = (CstRequestSummary) {
    .id = cst_db_int64 (res, row, 0),
    .reference = cst_db_value (res, row, 1),
    .version = (int) cst_db_int64 (res, row, 2),
    .status = enum_value (CST_TYPE_REQUEST_STATUS, cst_db_value (res, row, 3)),
    .received = date_or_null (res, row, 4, &dates->received),
    .due = date_or_null (res, row, 5, &dates->due),
    .extended_on = date_or_null (res, row, 6, &dates->extended_on),
    .jurisdiction = cst_db_value (res, row, 7),
    .patient_id = cst_db_int64 (res, row, 8),
    .patient_mrn = cst_db_value (res, row, 9),
    .patient_family_name = cst_db_value (res, row, 10),
    .patient_given_name = cst_db_value (res, row, 11),
    .requester_id = cst_db_int64 (res, row, 12),
    .requester_name = cst_db_value (res, row, 13),
    .requester_kind = enum_value (CST_TYPE_REQUESTER_KIND, cst_db_value (res, row, 14)),
    .updated_by = cst_db_value (res, row, 15),
    .facility_code = cst_db_value (res, row, detailed ? 36 + N_DEADLINE_COLUMNS + 2
                                                      : 16 + N_DEADLINE_COLUMNS),
  };
}

static CstRequest *
request_from_row (const PGresult *res,
                  int             row)
{
  gboolean detailed = PQnfields (res) > N_SUMMARY_COLUMNS;
  SummaryDates dates;
  CstRequestSummary summary;
  CstRequest *request;

  summary_from_row (res, row, &dates, &summary);
  request = _cst_request_new_from_summary (&summary);

  if (!detailed)
    {
      set_deadline_columns (request, res, row, 16, -1);
      return request;
    }
  set_deadline_columns (request, res, row, 36, 36 + N_DEADLINE_COLUMNS);

  {
    const char *types = cst_db_value (res, row, 22);
    g_auto(GStrv) record_types = types && *types ? g_strsplit (types, LIST_SEPARATOR, -1)
                                                 : g_new0 (char *, 1);
    g_autoptr(GDateTime) updated_at = cst_db_timestamp (res, row, 35);
    const char *pages = cst_db_value (res, row, 31);

    g_object_set (request,
                  "requester-organization", cst_db_value (res, row, 17),
                  "requester-address", cst_db_value (res, row, 18),
                  "requester-email", cst_db_value (res, row, 19),
                  "requester-phone", cst_db_value (res, row, 20),
                  "purpose", cst_db_value (res, row, 21),
                  "purpose-code", cst_db_value (res, row, 36 + N_DEADLINE_COLUMNS + 1),
                  "record-types", record_types,
                  "format", enum_value (CST_TYPE_RECORD_FORMAT, cst_db_value (res, row, 25)),
                  "delivery", enum_value (CST_TYPE_DELIVERY_METHOD, cst_db_value (res, row, 26)),
                  "authorization-on-file", cst_db_bool (res, row, 27),
                  "authorization-notes", cst_db_value (res, row, 30),
                  "page-count", pages ? (int) g_ascii_strtoll (pages, NULL, 10) : -1,
                  "status-reason", cst_db_value (res, row, 32),
                  "extension-reason", cst_db_value (res, row, 33),
                  "assignee", cst_db_value (res, row, 34),
                  "updated-at", updated_at,
                  NULL);
  }
  set_date_column (request, "patient-birth-date", res, row, 16);
  set_date_column (request, "records-from", res, row, 23);
  set_date_column (request, "records-to", res, row, 24);
  set_date_column (request, "authorization-signed", res, row, 28);
  set_date_column (request, "authorization-expires", res, row, 29);
  cst_request_set_details_loaded (request, TRUE);
  return request;
}

const char _cst_request_repo_get_sql[] =
  "SELECT " DETAIL_COLUMNS FROM_REQUESTS " WHERE r.id = $1";

CstRequest *
_cst_request_repo_get_result (const PGresult  *res,
                              GError         **error)
{
  if (PQntuples (res) == 0)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_NOT_FOUND,
                           _("The request no longer exists."));
      return NULL;
    }
  return request_from_row (res, 0);
}

CstRequest *
cst_request_repo_get (PGconn  *conn,
                      gint64   id,
                      GError **error)
{
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  const char *params[] = { id_text };
  g_autoptr(PGresult) res = cst_db_exec (conn, _cst_request_repo_get_sql, 1, params, error);

  return res ? _cst_request_repo_get_result (res, error) : NULL;
}

CstRequest *
cst_request_repo_find (PGconn      *conn,
                       const char  *reference,
                       GError     **error)
{
  const char *params[] = { reference };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT " DETAIL_COLUMNS FROM_REQUESTS " WHERE r.reference = $1", 1, params, error);

  if (res == NULL)
    return NULL;
  if (PQntuples (res) == 0)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_NOT_FOUND,
                   _("There is no request with the reference “%s”."), reference);
      return NULL;
    }
  return request_from_row (res, 0);
}

/* The rows of a summary query as requests, each with its search key. */
static GPtrArray *
summaries_from (PGresult *res)
{
  int n = PQntuples (res);
  GPtrArray *list = g_ptr_array_new_full (n, g_object_unref);

  for (int row = 0; row < n; row++)
    {
      CstRequest *request = request_from_row (res, row);

      /* Build the search key here, on the listing thread, so the first
       * keystroke in the window does not fold the names. */
      cst_request_get_search_key (request);
      g_ptr_array_add (list, request);
    }
  return list;
}

/* The list's rows ($1: the facilities the login sees; $2: leave out
 * closed requests received before it), newest received first.
 * Row-level security keeps other facilities' rows out already; $1 says it
 * again with the ids written out because the policy's test, on
 * (SELECT visible_facility_ids()), is a value the planner cannot see
 * into: it planned a clerk of one facility in twenty as seeing a quarter
 * of every request and read and hashed every patient for them (issue 22,
 * bench/system). */
#define LISTED_WHERE(FACILITIES, SINCE) \
  " WHERE r.facility_id = ANY (" FACILITIES "::bigint[])" \
  "   AND (" SINCE "::date IS NULL OR r.received_date >= " SINCE "::date" \
  "        OR r.status NOT IN " CLOSED_STATUSES ")"
#define LISTED LISTED_WHERE ("$1", "$2")
#define LISTED_IN_ORDER LISTED " ORDER BY r.received_date DESC, r.id DESC"

/* The list's columns, read in binary: numbers and dates arrive as they
 * are stored, with no text to format on the server or to parse here (at
 * 200,000 rows, sscanf() of dates alone was a tenth of the listing
 * thread).  The deadline's rules come as ids, their texts read once per
 * list (read_rules()), not joined, concatenated and sent for every row;
 * so does the facility's code (read_facilities()), one join and one text
 * a row less for the server (a few per cent of its CPU for the whole
 * list, issue 24, bench/window).  The patient's and the requester's
 * names are the request row's own copies (0133), which the database keeps
 * equal to theirs: the list reads roi_requests alone, where joining
 * patients and requesters was over half of the server's CPU for the
 * whole list (bench/window). */
#define LISTED_COLUMNS \
  "r.id, r.reference, r.version, r.status, r.received_date, r.due_date, " \
  "r.extended_on, r.jurisdiction, r.patient_id, r.patient_mrn, r.patient_family_name, " \
  "r.patient_given_name, r.requester_id, r.requester_name, r.requester_kind, r.updated_by, " \
  "r.deadline_rule_id, r.deadline_compared_rule_id, r.original_due_date, r.facility_id"
#define FROM_LISTED " FROM roi_requests r"

enum {
  L_ID, L_REFERENCE, L_VERSION, L_STATUS, L_RECEIVED, L_DUE, L_EXTENDED_ON, L_JURISDICTION,
  L_PATIENT_ID, L_MRN, L_FAMILY, L_GIVEN, L_REQUESTER_ID, L_REQUESTER_NAME, L_REQUESTER_KIND,
  L_UPDATED_BY, L_RULE, L_COMPARED_RULE, L_ORIGINAL_DUE, L_FACILITY, N_LISTED
};

/* The binary types the numbers and dates come in (pg_type's oids). */
#define INT8_OID 20
#define INT4_OID 23
#define DATE_OID 1082

/* A deadline rule as the list's rows name it. */
typedef struct
{
  gint64  id;
  char   *rule;        /* rule_key@version */
  char   *citation;
  int     days;        /* -1: none */
  gboolean business;
  int     extension_days;
  char    confidence;
} ListedRule;

/* A facility's code by its id, as the list's rows name it. */
typedef struct
{
  gint64  id;
  char   *code;
} ListedFacility;

/* The deadline a pair of rules (either 0: none) makes, in the rows. */
typedef struct
{
  gint64 rule, compared;
  guint  deadline;
} ListedDeadline;

/* What reading the list's rows keeps from one row to the next, so that a
 * row costs no allocation of its own. */
typedef struct
{
  CstRequestRows *rows;
  GArray         *rules;       /* of ListedRule */
  GArray         *facilities;  /* of ListedFacility, by id */
  GArray         *deadlines;   /* of ListedDeadline, the pairs met so far */
  guint           last_deadline;
  GString        *key;
  GEnumClass     *statuses;
  GEnumClass     *kinds;
  guint32         epoch;       /* the Julian day of PostgreSQL's day 0, 2000-01-01 */
} ListedReader;

static void
listed_rule_clear (ListedRule *rule)
{
  g_free (rule->rule);
  g_free (rule->citation);
}

static void
listed_facility_clear (ListedFacility *facility)
{
  g_free (facility->code);
}

static void
listed_reader_init (ListedReader   *reader,
                    CstRequestRows *rows)
{
  GDate epoch;

  g_date_clear (&epoch, 1);
  g_date_set_dmy (&epoch, 1, G_DATE_JANUARY, 2000);
  *reader = (ListedReader) {
    .rows = rows,
    .rules = g_array_new (FALSE, TRUE, sizeof (ListedRule)),
    .facilities = g_array_new (FALSE, TRUE, sizeof (ListedFacility)),
    .deadlines = g_array_new (FALSE, FALSE, sizeof (ListedDeadline)),
    .key = g_string_sized_new (128),
    .statuses = g_type_class_ref (CST_TYPE_REQUEST_STATUS),
    .kinds = g_type_class_ref (CST_TYPE_REQUESTER_KIND),
    .epoch = g_date_get_julian (&epoch),
  };
  g_array_set_clear_func (reader->rules, (GDestroyNotify) listed_rule_clear);
  g_array_set_clear_func (reader->facilities, (GDestroyNotify) listed_facility_clear);
}

static void
listed_reader_clear (ListedReader *reader)
{
  if (reader->rows == NULL)
    return;
  g_array_unref (reader->rules);
  g_array_unref (reader->facilities);
  g_array_unref (reader->deadlines);
  g_string_free (reader->key, TRUE);
  g_type_class_unref (reader->statuses);
  g_type_class_unref (reader->kinds);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ListedReader, listed_reader_clear)

/* Every deadline rule, for the rows to name by id.  A few hundred rows:
 * read whole, in the list's snapshot, or after its rows (a rule a
 * request names was there before the request). */
static gboolean
read_rules (PGconn        *conn,
            ListedReader  *reader,
            GError       **error)
{
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT id, rule_key || '@' || version, citation, days, count = 'business', "
    "extension_days, confidence FROM deadline_rules ORDER BY id", 0, NULL, error);

  if (res == NULL)
    return FALSE;
  g_array_set_size (reader->rules, 0);
  for (int row = 0; row < PQntuples (res); row++)
    {
      const char *confidence = cst_db_value (res, row, 6);
      ListedRule rule = {
        .id = cst_db_int64 (res, row, 0),
        .rule = g_strdup (cst_db_value (res, row, 1)),
        .citation = g_strdup (cst_db_value (res, row, 2)),
        .days = int_or (res, row, 3, -1),
        .business = cst_db_bool (res, row, 4),
        .extension_days = int_or (res, row, 5, 0),
        .confidence = confidence ? confidence[0] : 0,
      };

      g_array_append_val (reader->rules, rule);
    }
  return TRUE;
}

/* The facilities the list names, @facilities as
 * cst_request_repo_visible_facilities() gives them: a few rows. */
static gboolean
read_facilities (PGconn        *conn,
                 ListedReader  *reader,
                 const char    *facilities,
                 GError       **error)
{
  const char *params[] = { facilities };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT id, code FROM facilities WHERE id = ANY ($1::bigint[]) ORDER BY id",
    1, params, error);

  if (res == NULL)
    return FALSE;
  g_array_set_size (reader->facilities, 0);
  for (int row = 0; row < PQntuples (res); row++)
    {
      ListedFacility facility = {
        .id = cst_db_int64 (res, row, 0),
        .code = g_strdup (cst_db_value (res, row, 1)),
      };

      g_array_append_val (reader->facilities, facility);
    }
  return TRUE;
}

/* @id's code.  A login sees a few facilities: a look along them costs
 * less than the search.  NULL for one it does not see, which the rows'
 * WHERE leaves out already (as the join this replaced did). */
static const char *
find_facility_code (ListedReader *reader,
                    gint64        id)
{
  for (guint i = 0; i < reader->facilities->len; i++)
    {
      const ListedFacility *facility = &g_array_index (reader->facilities, ListedFacility, i);

      if (facility->id == id)
        return facility->code;
    }
  return NULL;
}

static const ListedRule *
find_rule (ListedReader *reader,
           gint64        id)
{
  guint low = 0, high = reader->rules->len;

  while (low < high)
    {
      guint middle = low + (high - low) / 2;
      const ListedRule *rule = &g_array_index (reader->rules, ListedRule, middle);

      if (rule->id == id)
        return rule;
      if (rule->id < id)
        low = middle + 1;
      else
        high = middle;
    }
  return NULL;
}

/* The deadline of rules @rule and @compared (0: none) in the rows, as
 * the LEFT JOINs of a request's own query give it (request_from_row()). */
static guint
place_deadline (ListedReader *reader,
                gint64        rule_id,
                gint64        compared_id)
{
  const ListedRule *rule = find_rule (reader, rule_id);
  const ListedRule *compared = find_rule (reader, compared_id);
  CstRequestDeadline deadline = { .days = -1, .compared_days = -1 };

  if (rule != NULL)
    {
      deadline.rule = rule->rule;
      deadline.citation = rule->citation;
      deadline.days = rule->days;
      deadline.business = rule->business;
      deadline.extension_days = rule->extension_days;
      deadline.confidence = rule->confidence;
    }
  if (compared != NULL)
    {
      deadline.compared_citation = compared->citation;
      deadline.compared_days = compared->days;
      deadline.compared_business = compared->business;
    }
  return _cst_request_rows_place_deadline (reader->rows, &deadline);
}

/* The rows' deadline for the pair: the last row's again, most often. */
static guint
listed_deadline (ListedReader *reader,
                 gint64        rule,
                 gint64        compared)
{
  ListedDeadline met = { rule, compared, 0 };
  ListedDeadline *last = reader->last_deadline < reader->deadlines->len
    ? &g_array_index (reader->deadlines, ListedDeadline, reader->last_deadline) : NULL;

  if (last != NULL && last->rule == rule && last->compared == compared)
    return last->deadline;
  for (guint i = 0; i < reader->deadlines->len; i++)
    {
      ListedDeadline *pair = &g_array_index (reader->deadlines, ListedDeadline, i);

      if (pair->rule == rule && pair->compared == compared)
        {
          reader->last_deadline = i;
          return pair->deadline;
        }
    }
  met.deadline = place_deadline (reader, rule, compared);
  reader->last_deadline = reader->deadlines->len;
  g_array_append_val (reader->deadlines, met);
  return met.deadline;
}

/* One row of the list as it came, in binary: each column's bytes (text
 * NUL-ended) or NULL, from a result (the first rows) or a COPY (the whole
 * list). */
typedef struct
{
  const char *value[N_LISTED];
  int         length[N_LISTED];
} ListedValues;

static gint64
binary_int64 (const char *value)
{
  guint64 number;

  if (value == NULL)
    return 0;
  memcpy (&number, value, sizeof number);
  return (gint64) GUINT64_FROM_BE (number);
}

static gint32
binary_int32 (const char *value)
{
  guint32 number;

  if (value == NULL)
    return 0;
  memcpy (&number, value, sizeof number);
  return (gint32) GUINT32_FROM_BE (number);
}

/* A date (days from 2000-01-01) as @date; NULL (and ±infinity) as none. */
static const GDate *
binary_date (ListedReader *reader,
             const char   *value,
             GDate        *date)
{
  gint64 julian;

  if (value == NULL)
    return NULL;
  julian = (gint64) reader->epoch + binary_int32 (value);
  if (!g_date_valid_julian (CLAMP (julian, 0, G_MAXUINT32)))
    return NULL;
  g_date_clear (date, 1);
  g_date_set_julian (date, (guint32) julian);
  return date;
}

static int
binary_enum (GEnumClass *klass,
             const char *value)
{
  GEnumValue *found = value ? g_enum_get_value_by_nick (klass, value) : NULL;

  if (found == NULL)
    g_warning ("Unknown %s value from the database", G_ENUM_CLASS_TYPE_NAME (klass));
  return found ? found->value : 0;
}

/* The binary columns' widths: 8 bytes for the ids (the facility's too),
 * 4 for the version and the dates.  A row of other widths was not sent by
 * this version's query. */
static const struct { int col; Oid type; int width; } listed_binary[] = {
  { L_ID, INT8_OID, 8 }, { L_VERSION, INT4_OID, 4 }, { L_RECEIVED, DATE_OID, 4 },
  { L_DUE, DATE_OID, 4 }, { L_EXTENDED_ON, DATE_OID, 4 }, { L_PATIENT_ID, INT8_OID, 8 },
  { L_REQUESTER_ID, INT8_OID, 8 }, { L_RULE, INT8_OID, 8 }, { L_COMPARED_RULE, INT8_OID, 8 },
  { L_ORIGINAL_DUE, DATE_OID, 4 }, { L_FACILITY, INT8_OID, 8 },
};

static gboolean
has_listed_widths (const ListedValues *values)
{
  for (guint i = 0; i < G_N_ELEMENTS (listed_binary); i++)
    if (values->value[listed_binary[i].col] != NULL &&
        values->length[listed_binary[i].col] != listed_binary[i].width)
      return FALSE;
  return values->value[L_ID] != NULL;
}

static void
set_unreadable (GError **error)
{
  if (error != NULL && *error == NULL)
    g_set_error_literal (error, CST_ERROR, CST_ERROR_DATABASE,
                         _("The server sent the list of requests in a form this version does not read."));
}

static gboolean
has_listed_types (const PGresult  *res,
                  GError         **error)
{
  if (PQnfields (res) != N_LISTED)
    goto wrong;
  for (guint i = 0; i < G_N_ELEMENTS (listed_binary); i++)
    if (PQftype (res, listed_binary[i].col) != listed_binary[i].type ||
        PQfformat (res, listed_binary[i].col) != 1)
      goto wrong;
  return TRUE;
wrong:
  set_unreadable (error);
  return FALSE;
}

/* One row of the list into the rows. */
static void
add_listed_row (ListedReader       *reader,
                const ListedValues *values)
{
  const char *const *v = values->value;
  SummaryDates dates;
  GDate original_due;
  const GDate *original;
  CstRequestSummary summary = {
    .id = binary_int64 (v[L_ID]),
    .reference = v[L_REFERENCE],
    .version = binary_int32 (v[L_VERSION]),
    .status = binary_enum (reader->statuses, v[L_STATUS]),
    .received = binary_date (reader, v[L_RECEIVED], &dates.received),
    .due = binary_date (reader, v[L_DUE], &dates.due),
    .extended_on = binary_date (reader, v[L_EXTENDED_ON], &dates.extended_on),
    .jurisdiction = v[L_JURISDICTION],
    .patient_id = binary_int64 (v[L_PATIENT_ID]),
    .patient_mrn = v[L_MRN],
    .patient_family_name = v[L_FAMILY],
    .patient_given_name = v[L_GIVEN],
    .requester_id = binary_int64 (v[L_REQUESTER_ID]),
    .requester_name = v[L_REQUESTER_NAME],
    .requester_kind = binary_enum (reader->kinds, v[L_REQUESTER_KIND]),
    .updated_by = v[L_UPDATED_BY],
    .facility_code = find_facility_code (reader, binary_int64 (v[L_FACILITY])),
  };

  original = binary_date (reader, v[L_ORIGINAL_DUE], &original_due);
  _cst_request_fold_summary_key_into (&summary, reader->key);
  _cst_request_rows_append_listed (reader->rows, &summary, reader->key->str, reader->key->len,
                                   listed_deadline (reader, binary_int64 (v[L_RULE]),
                                                    binary_int64 (v[L_COMPARED_RULE])),
                                   original ? g_date_get_julian (original) : 0);
}

/* The rows of a result of the list's columns (the first rows). */
static gboolean
add_listed (ListedReader    *reader,
            const PGresult  *res,
            GError         **error)
{
  if (!has_listed_types (res, error))
    return FALSE;
  for (int row = 0; row < PQntuples (res); row++)
    {
      ListedValues values;

      for (int col = 0; col < N_LISTED; col++)
        {
          values.value[col] = PQgetisnull (res, row, col) ? NULL : PQgetvalue (res, row, col);
          values.length[col] = PQgetlength (res, row, col);
        }
      if (!has_listed_widths (&values))
        {
          set_unreadable (error);
          return FALSE;
        }
      add_listed_row (reader, &values);
    }
  return TRUE;
}

/* cst_db_exec(), with the result in binary. */
static PGresult *
exec_binary (PGconn      *conn,
             const char  *sql,
             int          n_params,
             const char **params,
             GError     **error)
{
  g_autoptr(PGresult) res = NULL;

  for (int i = 0; i < n_params; i++)
    if (params[i] != NULL && !cst_input_check_text (params[i], -1, error))
      return NULL;
  res = PQexecParams (conn, sql, n_params, NULL, params, NULL, NULL, 1);
  if (PQresultStatus (res) != PGRES_TUPLES_OK)
    {
      cst_db_set_error_from_result (error, res, conn);
      return NULL;
    }
  return g_steal_pointer (&res);
}

/**
 * cst_request_repo_visible_facilities:
 *
 * Returns: (transfer full): the ids of the facilities the login sees, as
 *   a PostgreSQL array literal, for the list's functions below: read once
 *   for a load's first rows and its whole list
 */
char *
cst_request_repo_visible_facilities (PGconn  *conn,
                                     GError **error)
{
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT COALESCE(visible_facility_ids(), '{}')::text", 0, NULL, error);

  return res ? g_strdup (PQgetvalue (res, 0, 0)) : NULL;
}

/* The list's rows by COPY, in binary.  COPY takes no parameters: the
 * facilities and the day go in as literals escaped by libpq, and the
 * server plans with them as it did with parameters. */
#define LISTED_COPY \
  "COPY (SELECT " LISTED_COLUMNS FROM_LISTED LISTED_WHERE ("%1$s", "%2$s") ") TO STDOUT (FORMAT binary)"

static char *
listed_copy_sql (PGconn      *conn,
                 const char  *facilities,
                 const char  *since,
                 GError     **error)
{
  char *facilities_literal = PQescapeLiteral (conn, facilities, strlen (facilities));
  char *since_literal = since ? PQescapeLiteral (conn, since, strlen (since)) : NULL;
  char *sql = NULL;

  if (facilities_literal != NULL && (since == NULL || since_literal != NULL))
    sql = g_strdup_printf (LISTED_COPY, facilities_literal, since_literal ? since_literal : "NULL");
  else
    cst_db_set_error_from_result (error, NULL, conn);
  PQfreemem (facilities_literal);
  PQfreemem (since_literal);
  return sql;
}

/* Splits one message of the COPY, @size bytes at @data, into @values
 * (cst_db_copy_split_row()).  Each text is NUL-ended in place, over
 * the first byte of the next column's length, once every length is read
 * (libpq ends the message itself with a NUL).  Returns 1 for a row, 0 for
 * the end, -1 for anything else. */
static int
split_listed (char         *data,
              int           size,
              gboolean     *header_read,
              ListedValues *values)
{
  int kind = cst_db_copy_split_row (data, size, header_read, N_LISTED, values->value, values->length);

  if (kind != 1)
    return kind;
  for (int col = 0; col < N_LISTED; col++)
    if (values->value[col] != NULL)
      ((char *) values->value[col])[values->length[col]] = '\0';
  return 1;
}

/* The end of the COPY: PQgetCopyData's last answer, @size, then the
 * command's result. */
static gboolean
finish_copy (PGconn  *conn,
             int      size,
             GError **error)
{
  gboolean ok = size == -1;
  PGresult *res;

  if (!ok)
    cst_db_set_error_from_result (error, NULL, conn);
  while ((res = PQgetResult (conn)) != NULL)
    {
      if (ok && PQresultStatus (res) != PGRES_COMMAND_OK)
        {
          cst_db_set_error_from_result (error, res, conn);
          ok = FALSE;
        }
      PQclear (res);
    }
  return ok;
}

/* One message of the COPY into the rows; FALSE for one this version
 * does not read (or any after the end). */
static gboolean
take_listed (ListedReader *reader,
             char         *data,
             int           size,
             gboolean     *header_read,
             gboolean     *ended)
{
  ListedValues values;
  int kind;

  if (*ended)
    return FALSE;
  kind = split_listed (data, size, header_read, &values);
  if (kind == 0)
    *ended = TRUE;
  else if (kind == 1 && has_listed_widths (&values))
    add_listed_row (reader, &values);
  else
    return FALSE;
  return TRUE;
}

/* The whole list streams by COPY, each row read into the rows as it
 * comes: the server goes on finding rows while this thread parses, with
 * no page to ask for (a cursor's FETCH waited on each round trip) and no
 * result built per page (issue 24: the server spent a third less CPU on
 * the same rows than through a binary cursor, bench/system).  The rows
 * come in the joins' order and are sorted here when they are not in the
 * list's (_cst_request_rows_sort_listed()): sorting 200,000 rows on the
 * server spilled to disk (work_mem) and held back the first row until
 * the last was read. */
static gboolean
add_listed_copy (PGconn        *conn,
                 const char    *facilities,
                 const char    *since,
                 ListedReader  *reader,
                 GError       **error)
{
  g_autofree char *sql = listed_copy_sql (conn, facilities, since, error);
  g_autoptr(PGresult) started = NULL;
  gboolean header_read = FALSE, ended = FALSE, readable = TRUE;
  char *data = NULL;
  int size;

  if (sql == NULL)
    return FALSE;
  started = PQexec (conn, sql);
  if (PQresultStatus (started) != PGRES_COPY_OUT)
    {
      cst_db_set_error_from_result (error, started, conn);
      return FALSE;
    }
  /* A COPY cannot be left half way: after a message this version cannot
   * read, the rest is read and passed over. */
  while ((size = PQgetCopyData (conn, &data, 0)) > 0)
    {
      readable = readable && take_listed (reader, data, size, &header_read, &ended);
      PQfreemem (data);
    }
  if (!finish_copy (conn, size, error))
    return FALSE;
  if (!readable || !ended)
    {
      set_unreadable (error);
      return FALSE;
    }
  return TRUE;
}

/* @facilities: (nullable): as cst_request_repo_visible_facilities()
 *   says, or NULL to read them here */
static gboolean
list_into (PGconn        *conn,
           const char    *facilities,
           const GDate   *closed_since,
           ListedReader  *reader,
           GError       **error)
{
  g_autofree char *since = closed_since ? cst_input_format_date (closed_since) : NULL;
  g_autofree char *read = NULL;
  gboolean own;

  if (!cst_db_join (conn, CST_DB_SNAPSHOT, &own, error))
    return FALSE;
  if (facilities == NULL)
    facilities = read = cst_request_repo_visible_facilities (conn, error);
  return cst_db_leave (conn, own,
                       facilities != NULL && read_rules (conn, reader, error) &&
                       read_facilities (conn, reader, facilities, error) &&
                       add_listed_copy (conn, facilities, since, reader, error),
                       error);
}

/* Each row's request, as the list's objects. */
static GPtrArray *
requests_of (CstRequestRows *rows)
{
  guint n = cst_request_rows_get_length (rows);
  GPtrArray *list = g_ptr_array_new_full (n, g_object_unref);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (list, cst_request_rows_make_request (rows, i));
  return list;
}

/**
 * cst_request_repo_list:
 * @closed_since: (nullable): leave out closed requests (released, denied,
 *   cancelled) received before this day; %NULL lists every request
 *
 * Returns: (transfer full): every open request and the closed ones asked
 *   for, summary fields only, newest received first
 */
GPtrArray *
cst_request_repo_list (PGconn       *conn,
                       const GDate  *closed_since,
                       GError      **error)
{
  g_autoptr(CstRequestRows) rows = cst_request_repo_list_rows (conn, NULL, closed_since, error);

  return rows ? requests_of (rows) : NULL;
}

/**
 * cst_request_repo_list_rows:
 * @facilities: (nullable): cst_request_repo_visible_facilities(), or
 *   %NULL to read them
 *
 * The rows of cst_request_repo_list() as compact rows, no object each.
 *
 * Returns: (transfer full): the rows
 */
CstRequestRows *
cst_request_repo_list_rows (PGconn       *conn,
                            const char   *facilities,
                            const GDate  *closed_since,
                            GError      **error)
{
  g_autoptr(CstRequestRows) rows = cst_request_rows_new ();
  g_auto(ListedReader) reader = { 0 };

  listed_reader_init (&reader, rows);
  if (!list_into (conn, facilities, closed_since, &reader, error))
    return NULL;
  _cst_request_rows_sort_listed (rows);
  _cst_request_rows_trim (rows);
  return g_steal_pointer (&rows);
}

/**
 * cst_request_repo_list_first_rows:
 * @facilities: (nullable): as for cst_request_repo_list_rows()
 * @limit: how many rows at most
 *
 * The first @limit rows of cst_request_repo_list(), in its order: the
 * window shows them while the whole list is read (issue 24).
 *
 * Returns: (transfer full): the rows
 */
CstRequestRows *
cst_request_repo_list_first_rows (PGconn       *conn,
                                  const char   *facilities,
                                  const GDate  *closed_since,
                                  guint         limit,
                                  GError      **error)
{
  g_autofree char *since = closed_since ? cst_input_format_date (closed_since) : NULL;
  g_autofree char *count = g_strdup_printf ("%u", limit);
  g_autofree char *read = NULL;
  const char *params[3] = { NULL, since, count };
  g_autoptr(PGresult) res = NULL;
  g_autoptr(CstRequestRows) rows = cst_request_rows_new ();
  g_auto(ListedReader) reader = { 0 };

  listed_reader_init (&reader, rows);
  if (facilities == NULL)
    facilities = read = cst_request_repo_visible_facilities (conn, error);
  if (facilities == NULL)
    return NULL;
  params[0] = facilities;
  res = exec_binary (conn, "SELECT " LISTED_COLUMNS FROM_LISTED LISTED_IN_ORDER " LIMIT $3::int",
                     3, params, error);
  /* The rules after the rows: every rule a row names is there by then. */
  if (res == NULL || !read_rules (conn, &reader, error) ||
      !read_facilities (conn, &reader, facilities, error) || !add_listed (&reader, res, error))
    return NULL;
  return g_steal_pointer (&rows);
}

/**
 * cst_request_repo_list_first:
 *
 * Returns: (transfer full): cst_request_repo_list_first_rows() as
 *   requests, summary fields only
 */
GPtrArray *
cst_request_repo_list_first (PGconn       *conn,
                             const GDate  *closed_since,
                             guint         limit,
                             GError      **error)
{
  g_autoptr(CstRequestRows) rows = cst_request_repo_list_first_rows (conn, NULL, closed_since,
                                                                     limit, error);

  return rows ? requests_of (rows) : NULL;
}

/* Searching older closed requests looks at this many words at most; the
 * window's own filter then checks every word of what was typed. */
#define MAX_SEARCH_WORDS 4

/* "%word%" for ILIKE, with the word's own \, % and _ taken literally. */
static char *
like_pattern (const char *word)
{
  GString *pattern = g_string_new ("%");

  for (const char *c = word; *c; c++)
    {
      if (*c == '\\' || *c == '%' || *c == '_')
        g_string_append_c (pattern, '\\');
      g_string_append_c (pattern, *c);
    }
  g_string_append_c (pattern, '%');
  return g_string_free (pattern, FALSE);
}

/* The closed requests the list leaves out whose search key (0126: the
 * reference, MRN, patient's names and requester's name, lower-cased) holds
 * every pattern of $1, newest first: one statement text whatever the
 * words, so cst_db_exec() prepares it; the words are planned inside
 * request_ids_matching(), which applies the facility rule itself, and the
 * rows read here still go through the facility policy.  The call is a
 * subquery so that the planner does not run it once more to estimate
 * how many ids it gives. */
#define SEARCH_CLOSED_SQL \
  "SELECT " SUMMARY_COLUMNS FROM_REQUESTS \
  " WHERE r.id = ANY ((SELECT request_ids_matching(string_to_array($1, E'\\x1f'), $2::date," \
  " $3::int))::bigint[])" \
  " ORDER BY r.received_date DESC, r.id DESC"

/* A search of many thousands of rows (a common name, a word in every
 * reference) must not hold a shared server for minutes: it gives up after
 * a few seconds and says how to narrow it. */
#define SEARCH_TIMEOUT "5s"

/* Runs on whichever thread cancels: PQcancel() is made for that. */
static void
cancel_statement (GCancellable *cancellable,
                  PGcancel     *cancel)
{
  char message[256];

  PQcancel (cancel, message, sizeof message);
}

/* Runs @sql; cancelling @cancellable stops it on the server.  A search
 * nobody waits for any more (the clerk typed on) would otherwise hold the
 * connection, and every call queued behind it, until it ends or times
 * out. */
static PGresult *
exec_cancellable (PGconn        *conn,
                  const char    *sql,
                  GPtrArray     *params,
                  GCancellable  *cancellable,
                  GError       **error)
{
  PGcancel *cancel = NULL;
  gulong handler = 0;
  PGresult *res;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  cancel = cancellable ? PQgetCancel (conn) : NULL;
  if (cancel != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (cancel_statement), cancel, NULL);
  res = cst_db_exec (conn, sql, (int) params->len, (const char **) params->pdata, error);
  /* Waits for a cancel being sent: none reaches the next statement. */
  if (handler != 0)
    g_cancellable_disconnect (cancellable, handler);
  g_clear_pointer (&cancel, PQfreeCancel);
  return res;
}

static PGresult *
exec_with_timeout (PGconn        *conn,
                   const char    *sql,
                   GPtrArray     *params,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(PGresult) res = NULL;
  gboolean own;

  if (!cst_db_join (conn, CST_DB_SNAPSHOT, &own, error))
    return NULL;
  /* Compiling the plan (JIT) would cost more than the search itself. */
  if (cst_db_exec_command (conn, "SELECT set_config('statement_timeout', '" SEARCH_TIMEOUT "', true), "
                           "set_config('jit', 'off', true)", 0, NULL, &local))
    res = exec_cancellable (conn, sql, params, cancellable, &local);
  if (cst_db_leave (conn, own, res != NULL, &local))
    return g_steal_pointer (&res);
  if (g_cancellable_is_cancelled (cancellable))
    {
      g_clear_error (&local);
      g_cancellable_set_error_if_cancelled (cancellable, error);
    }
  else if (g_error_matches (local, CST_ERROR, CST_ERROR_TIMEOUT))
    g_set_error_literal (error, CST_ERROR, CST_ERROR_TIMEOUT,
                         _("The search for older requests matched too many to finish in time; "
                           "add a word, or search by reference or MRN."));
  else
    g_propagate_error (error, g_steal_pointer (&local));
  return NULL;
}

/**
 * cst_request_repo_search_closed:
 * @text: words (separated by blanks or commas), each of which must appear
 *   (case aside) in the reference, the MRN, the patient's names or the
 *   requester's name
 * @before: closed requests received before this day are searched
 * @limit: at most this many, newest first
 * @cancellable: (nullable): cancelling it stops the search on the server
 *   (from any thread), with %G_IO_ERROR_CANCELLED
 *
 * Finds the closed requests a shortened list leaves out
 * (cst_request_repo_list() with @closed_since), on the server.  Accents
 * are compared as typed, unlike the window's own filter.
 *
 * Returns: (transfer full): the matches, summary fields only
 */
GPtrArray *
cst_request_repo_search_closed (PGconn       *conn,
                                const char   *text,
                                const GDate  *before,
                                guint         limit,
                                GCancellable *cancellable,
                                GError      **error)
{
  /* The unit separator joins the patterns: a word never holds one. */
  g_auto(GStrv) words = g_strsplit_set (text ? text : "", " \t\n," LIST_SEPARATOR, -1);
  g_autoptr(GString) patterns = g_string_new (NULL);
  g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(PGresult) res = NULL;
  guint n_words = 0;

  for (guint i = 0; words[i] != NULL && n_words < MAX_SEARCH_WORDS; i++)
    if (words[i][0] != '\0')
      {
        g_autofree char *pattern = like_pattern (words[i]);

        if (n_words++ > 0)
          g_string_append (patterns, LIST_SEPARATOR);
        g_string_append (patterns, pattern);
      }
  if (n_words == 0)
    return g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (params, g_strdup (patterns->str));
  g_ptr_array_add (params, cst_input_format_date (before));
  g_ptr_array_add (params, g_strdup_printf ("%u", limit));
  res = exec_with_timeout (conn, SEARCH_CLOSED_SQL, params, cancellable, error);
  return res ? summaries_from (res) : NULL;
}

gint64
cst_request_repo_count (PGconn  *conn,
                        GError **error)
{
  g_autoptr(PGresult) res = cst_db_exec (conn, "SELECT count(*) FROM roi_requests",
                                         0, NULL, error);

  return res ? cst_db_int64 (res, 0, 0) : -1;
}

static char *
dup_date_param (CstRequest *request,
                const char *property)
{
  g_autoptr(GDate) date = NULL;

  g_object_get (request, property, &date, NULL);
  return date ? cst_input_format_date (date) : NULL;
}

static char *
dup_text_param (CstRequest *request,
                const char *property)
{
  char *text = NULL;

  g_object_get (request, property, &text, NULL);
  return text;
}

/* Finds the patient by MRN, or registers a new one.  An MRN that already
 * names someone else is refused: records must never be filed under the
 * wrong person. */
static gint64
ensure_patient (PGconn      *conn,
                CstRequest  *draft,
                GError     **error)
{
  g_autofree char *mrn = g_strstrip (dup_text_param (draft, "patient-mrn"));
  g_autofree char *family = g_strstrip (dup_text_param (draft, "patient-family-name"));
  g_autofree char *given = g_strstrip (dup_text_param (draft, "patient-given-name"));
  g_autofree char *birth = dup_date_param (draft, "patient-birth-date");
  const char *params[] = { mrn, family, given, birth };
  g_autoptr(PGresult) inserted = NULL;
  g_autoptr(PGresult) existing = NULL;

  inserted = cst_db_exec (conn,
    "INSERT INTO patients (mrn, family_name, given_name, birth_date) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (mrn) DO NOTHING RETURNING id", 4, params, error);
  if (inserted == NULL)
    return 0;
  if (PQntuples (inserted) == 1)
    return cst_db_int64 (inserted, 0, 0);

  existing = cst_db_exec (conn,
    "SELECT id FROM patients WHERE mrn = $1 AND lower(family_name) = lower($2) "
    "AND lower(given_name) = lower($3) AND birth_date = $4", 4, params, error);
  if (existing == NULL)
    return 0;
  if (PQntuples (existing) == 0)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("The MRN %s belongs to a patient with a different name or date of birth. "
                     "Check the MRN against the master patient index."), mrn);
      return 0;
    }
  return cst_db_int64 (existing, 0, 0);
}

static gint64
insert_requester (PGconn      *conn,
                  CstRequest  *draft,
                  GError     **error)
{
  g_autofree char *name = g_strstrip (dup_text_param (draft, "requester-name"));
  g_autofree char *organization = dup_text_param (draft, "requester-organization");
  g_autofree char *address = dup_text_param (draft, "requester-address");
  g_autofree char *email = dup_text_param (draft, "requester-email");
  g_autofree char *phone = dup_text_param (draft, "requester-phone");
  const char *kind = cst_enum_to_nick (CST_TYPE_REQUESTER_KIND,
                                       cst_request_get_requester_kind (draft));
  const char *params[] = {
    kind, name,
    cst_input_is_blank (organization) ? NULL : organization,
    cst_input_is_blank (address) ? NULL : address,
    cst_input_is_blank (email) ? NULL : g_strstrip (email),
    cst_input_is_blank (phone) ? NULL : phone,
  };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "INSERT INTO requesters (kind, name, organization, address, email, phone) "
    "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id", 6, params, error);

  return res ? cst_db_int64 (res, 0, 0) : 0;
}

static char *
dup_record_types_param (CstRequest *request)
{
  g_auto(GStrv) types = NULL;
  g_autoptr(GStrvBuilder) clean = g_strv_builder_new ();
  g_auto(GStrv) cleaned = NULL;

  g_object_get (request, "record-types", &types, NULL);
  for (guint i = 0; types && types[i]; i++)
    {
      g_autofree char *item = g_strstrip (g_strdelimit (g_strdup (types[i]), LIST_SEPARATOR, ' '));
      if (*item)
        g_strv_builder_add (clean, item);
    }
  cleaned = g_strv_builder_end (clean);
  return g_strjoinv (LIST_SEPARATOR, cleaned);
}

/* The editable fields of a request, in the order of $3… in the SQL below. */
#define EDITABLE_ASSIGNMENTS \
  "received_date = $3, jurisdiction = $4, purpose = $5, " \
  "record_types = CASE WHEN $6 = '' THEN '{}'::text[] ELSE string_to_array($6, E'\\x1f') END, " \
  "records_from = $7, records_to = $8, format = $9::record_format, " \
  "delivery = $10::delivery_method, authorization_on_file = $11, authorization_signed = $12, " \
  "authorization_expires = $13, authorization_notes = $14, page_count = $15, assignee = $16, " \
  "purpose_code = $17"
#define N_EDITABLE 15

typedef struct
{
  char *texts[N_EDITABLE];
  const char *values[N_EDITABLE];
} EditableParams;

static void
editable_params_clear (EditableParams *p)
{
  for (guint i = 0; i < N_EDITABLE; i++)
    g_free (p->texts[i]);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (EditableParams, editable_params_clear)

static void
editable_params_fill (EditableParams *p,
                      CstRequest     *request)
{
  int format = 0, delivery = 0, pages = -1;
  gboolean on_file = FALSE;

  g_object_get (request, "format", &format, "delivery", &delivery, "page-count", &pages,
                "authorization-on-file", &on_file, NULL);
  p->texts[0] = dup_date_param (request, "received-date");
  p->texts[1] = dup_text_param (request, "jurisdiction");
  p->texts[2] = dup_text_param (request, "purpose");
  p->texts[3] = dup_record_types_param (request);
  p->texts[4] = dup_date_param (request, "records-from");
  p->texts[5] = dup_date_param (request, "records-to");
  p->texts[6] = g_strdup (cst_enum_to_nick (CST_TYPE_RECORD_FORMAT, format));
  p->texts[7] = g_strdup (cst_enum_to_nick (CST_TYPE_DELIVERY_METHOD, delivery));
  p->texts[8] = g_strdup (on_file ? "true" : "false");
  p->texts[9] = dup_date_param (request, "authorization-signed");
  p->texts[10] = dup_date_param (request, "authorization-expires");
  p->texts[11] = dup_text_param (request, "authorization-notes");
  p->texts[12] = pages >= 0 ? g_strdup_printf ("%d", pages) : NULL;
  p->texts[13] = dup_text_param (request, "assignee");
  p->texts[14] = dup_text_param (request, "purpose-code");
  if (p->texts[14] == NULL)
    p->texts[14] = g_strdup ("other");
  if (p->texts[2] == NULL)
    p->texts[2] = g_strdup ("");
  if (p->texts[11] == NULL)
    p->texts[11] = g_strdup ("");
  if (cst_input_is_blank (p->texts[13]))
    g_clear_pointer (&p->texts[13], g_free);
  for (guint i = 0; i < N_EDITABLE; i++)
    p->values[i] = p->texts[i];
}

/* The id of the facility @draft names, as a parameter; NULL when it
 * names none. */
static gboolean
facility_param (PGconn      *conn,
                CstRequest  *draft,
                char       **param,
                GError     **error)
{
  g_autofree char *code = NULL;
  g_autoptr(PGresult) res = NULL;

  *param = NULL;
  g_object_get (draft, "facility-code", &code, NULL);
  if (cst_input_is_blank (code))
    return TRUE;
  {
    const char *params[] = { code };

    if (!(res = cst_db_exec (conn, "SELECT id FROM facilities WHERE code = $1", 1, params, error)))
      return FALSE;
  }
  if (PQntuples (res) == 0)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_NOT_FOUND, _("No facility has the code “%s”."), code);
      return FALSE;
    }
  *param = g_strdup (cst_db_value (res, 0, 0));
  return TRUE;
}

/* The patient (found or added), the requester and the request, read
 * back before COMMIT, so what is returned is version 1 as created, even if
 * another clerk changes the request the moment it exists. */
static CstRequest *
insert_request (PGconn      *conn,
                CstRequest  *draft,
                GError     **error)
{
  g_auto(EditableParams) editable = { 0 };
  g_autofree char *patient_id = NULL;
  g_autofree char *requester_id = NULL;
  g_autoptr(PGresult) res = NULL;
  const char *params[2 + N_EDITABLE + 1];
  g_autofree char *facility = NULL;
  gint64 pid, rid;

  pid = ensure_patient (conn, draft, error);
  rid = pid ? insert_requester (conn, draft, error) : 0;
  if (rid == 0)
    return NULL;
  patient_id = g_strdup_printf ("%" G_GINT64_FORMAT, pid);
  requester_id = g_strdup_printf ("%" G_GINT64_FORMAT, rid);
  editable_params_fill (&editable, draft);
  params[0] = patient_id;
  params[1] = requester_id;
  memcpy (params + 2, editable.values, sizeof editable.values);
  /* A request names its facility by code, or goes to the login's first. */
  if (!facility_param (conn, draft, &facility, error))
    return NULL;
  params[2 + N_EDITABLE] = facility;

  res = cst_db_exec (conn,
    "INSERT INTO roi_requests (patient_id, requester_id, received_date, jurisdiction, purpose, "
    "record_types, records_from, records_to, format, delivery, authorization_on_file, "
    "authorization_signed, authorization_expires, authorization_notes, page_count, assignee, "
    "purpose_code, due_date, facility_id) VALUES ($1, $2, $3, $4, $5, "
    "CASE WHEN $6 = '' THEN '{}'::text[] ELSE string_to_array($6, E'\\x1f') END, "
    "$7, $8, $9::record_format, $10::delivery_method, $11, $12, $13, $14, $15, $16, $17, $3, "
    "COALESCE($18::bigint, login_facility_id())) "
    "RETURNING id", 2 + N_EDITABLE + 1, params, error);
  if (res == NULL)
    return NULL;
  return cst_request_repo_get (conn, cst_db_int64 (res, 0, 0), error);
}

CstRequest *
cst_request_repo_create (PGconn      *conn,
                         CstRequest  *draft,
                         GError     **error)
{
  g_autoptr(CstRequest) created = NULL;
  gboolean own;

  g_return_val_if_fail (CST_IS_REQUEST (draft), NULL);

  if (!cst_request_validate (draft, error) ||
      !cst_db_join (conn, CST_DB_READ_WRITE, &own, error))
    return NULL;
  created = insert_request (conn, draft, error);
  return cst_db_leave (conn, own, created != NULL, error) ? g_steal_pointer (&created) : NULL;
}

/* An UPDATE guarded by the version matched nothing: say why.  With the
 * version unchanged, nobody else saved: the row-security policy of
 * 0004-row-security.sql hid the row from this role's UPDATE. */
void
_cst_request_repo_explain_missed_update (PGconn      *conn,
                                         CstRequest  *request,
                                         GError     **error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  const char *params[] = { id };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT updated_by, to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI \"UTC\"'), "
    "version, status IN " CLOSED_STATUSES " "
    "FROM roi_requests WHERE id = $1", 1, params, error);

  if (res == NULL)
    return;
  if (PQntuples (res) == 0)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_NOT_FOUND,
                           _("The request no longer exists."));
      return;
    }
  if (cst_db_int64 (res, 0, 2) == cst_request_get_version (request))
    {
      if (cst_db_bool (res, 0, 3))
        g_set_error_literal (error, CST_ERROR, CST_ERROR_CLOSED,
                             _("This request is closed and can no longer change."));
      else
        g_set_error_literal (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED,
                             _("Your role may not change this request."));
      return;
    }
  g_set_error (error, CST_ERROR, CST_ERROR_CONFLICT,
               _("%s changed this request at %s, after you opened it. "
                 "Your changes were not saved; reload to combine them with theirs."),
               cst_db_value (res, 0, 0), cst_db_value (res, 0, 1));
}

/* Runs an UPDATE whose $1 is the id and $2 the version read, then reads
 * the request back. */
static CstRequest *
update_then_read (PGconn       *conn,
                  CstRequest   *request,
                  const char   *sql,
                  int           n_params,
                  const char  **params,
                  GError      **error)
{
  g_autoptr(PGresult) res = NULL;
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  g_autofree char *version = g_strdup_printf ("%d", cst_request_get_version (request));

  params[0] = id;
  params[1] = version;
  res = cst_db_exec (conn, sql, n_params, params, error);
  if (res == NULL)
    return NULL;
  if (PQntuples (res) == 0)
    {
      _cst_request_repo_explain_missed_update (conn, request, error);
      return NULL;
    }
  return cst_request_repo_get (conn, cst_request_get_id (request), error);
}

/* The UPDATE and the read-back sent together, answered together
 * (cst_db_write_and_read()): the row is locked for one round trip, not
 * the three of BEGIN, UPDATE, read, COMMIT — each a wait for a processor
 * with 100 clerks on two (bench/load/README.md), and the next writer of a
 * hot request waited for all of them.  FALSE (nothing written) when a
 * prepared statement was outdated: the caller sends it the usual way. */
static gboolean
update_in_one_trip (PGconn       *conn,
                    const char   *sql,
                    int           n_params,
                    const char  **params,
                    PGresult    **updated,
                    PGresult    **stored,
                    GError      **error)
{
  gboolean outdated;

  if (!cst_db_write_and_read (conn, sql, n_params, params, _cst_request_repo_get_sql, 1, params,
                              updated, stored, error))
    return TRUE;
  /* Both looked at: each forgets its statement if outdated. */
  outdated = cst_db_forget_if_outdated (conn, sql, *updated);
  outdated = cst_db_forget_if_outdated (conn, _cst_request_repo_get_sql, *stored) || outdated;
  if (outdated)
    {
      g_clear_pointer (updated, PQclear);
      g_clear_pointer (stored, PQclear);
    }
  return !outdated;
}

/* update_in_one_trip()'s results as update_then_read()'s. */
static CstRequest *
request_updated (PGconn      *conn,
                 CstRequest  *request,
                 PGresult    *updated,
                 PGresult    *stored,
                 GError     **error)
{
  if (updated == NULL || stored == NULL)
    {
      if (error != NULL && *error == NULL)
        cst_db_set_error_from_result (error, NULL, conn);
      return NULL;
    }
  if (PQresultStatus (updated) != PGRES_TUPLES_OK)
    {
      cst_db_set_error_from_result (error, updated, conn);
      return NULL;
    }
  if (PQntuples (updated) == 0)
    {
      _cst_request_repo_explain_missed_update (conn, request, error);
      return NULL;
    }
  if (PQresultStatus (stored) != PGRES_TUPLES_OK)
    {
      cst_db_set_error_from_result (error, stored, conn);
      return NULL;
    }
  return _cst_request_repo_get_result (stored, error);
}

/* The same, as one transaction unless the caller has one open: the row
 * stays locked from the UPDATE to the read, so the request returned is the
 * version this write made, not a later one another clerk saved in between
 * (bench/load checks each acknowledged version).  Outside a transaction,
 * once both statements are prepared on the connection, in one round trip
 * (update_in_one_trip()); until then (and to prepare them), as before. */
static CstRequest *
update_versioned (PGconn       *conn,
                  CstRequest   *request,
                  const char   *sql,
                  int           n_params,
                  const char  **params,
                  GError      **error)
{
  g_autoptr(CstRequest) stored = NULL;
  gboolean own;

  if (PQtransactionStatus (conn) == PQTRANS_IDLE && cst_db_is_prepared (conn, sql, n_params) &&
      cst_db_is_prepared (conn, _cst_request_repo_get_sql, 1))
    {
      g_autoptr(PGresult) updated = NULL;
      g_autoptr(PGresult) read = NULL;
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
      g_autofree char *version = g_strdup_printf ("%d", cst_request_get_version (request));

      params[0] = id;
      params[1] = version;
      /* As cst_db_exec() does before sending: no text that is not UTF-8. */
      for (int i = 2; i < n_params; i++)
        if (params[i] != NULL && !cst_input_check_text (params[i], -1, error))
          return NULL;
      if (update_in_one_trip (conn, sql, n_params, params, &updated, &read, error))
        return request_updated (conn, request, updated, read, error);
    }
  if (!cst_db_join (conn, CST_DB_READ_WRITE, &own, error))
    return NULL;
  stored = update_then_read (conn, request, sql, n_params, params, error);
  return cst_db_leave (conn, own, stored != NULL, error) ? g_steal_pointer (&stored) : NULL;
}

CstRequest *
cst_request_repo_save (PGconn      *conn,
                       CstRequest  *edited,
                       GError     **error)
{
  g_auto(EditableParams) editable = { 0 };
  const char *params[2 + N_EDITABLE];

  g_return_val_if_fail (CST_IS_REQUEST (edited), NULL);

  if (!cst_request_validate (edited, error))
    return NULL;
  editable_params_fill (&editable, edited);
  memcpy (params + 2, editable.values, sizeof editable.values);
  return update_versioned (conn, edited,
                           "UPDATE roi_requests SET " EDITABLE_ASSIGNMENTS
                           " WHERE id = $1 AND version = $2 RETURNING version",
                           2 + N_EDITABLE, params, error);
}

/**
 * cst_request_repo_save_again:
 * @edited: an edit whose earlier save may have committed although its
 *   answer never arrived (the connection broke on the way back)
 *
 * Saves @edited like cst_request_repo_save().  When the version check
 * then fails because the request is exactly one version further, saved by
 * this same login with exactly these values, that version is the earlier
 * attempt: it is returned as the save, instead of a conflict with oneself.
 */
CstRequest *
cst_request_repo_save_again (PGconn      *conn,
                             CstRequest  *edited,
                             GError     **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(CstRequest) current = NULL;
  CstRequest *saved = cst_request_repo_save (conn, edited, &local);

  if (saved != NULL)
    return saved;
  if (!g_error_matches (local, CST_ERROR, CST_ERROR_CONFLICT))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  current = cst_request_repo_get (conn, cst_request_get_id (edited), NULL);
  if (current != NULL &&
      cst_request_get_version (current) == cst_request_get_version (edited) + 1 &&
      g_strcmp0 (cst_request_get_updated_by (current), PQuser (conn)) == 0 &&
      cst_request_same_content (current, edited))
    return g_steal_pointer (&current);
  g_propagate_error (error, g_steal_pointer (&local));
  return NULL;
}

CstRequest *
cst_request_repo_move (PGconn            *conn,
                       CstRequest        *request,
                       CstRequestStatus   to,
                       const char        *reason,
                       GError           **error)
{
  const char *params[4];

  g_return_val_if_fail (CST_IS_REQUEST (request), NULL);

  if (!cst_request_status_check_move (cst_request_get_status (request), to, reason, error))
    return NULL;
  params[2] = cst_enum_to_nick (CST_TYPE_REQUEST_STATUS, to);
  params[3] = cst_input_is_blank (reason) ? NULL : reason;
  return update_versioned (conn, request,
                           "UPDATE roi_requests SET status = $3::roi_status, "
                           "status_reason = COALESCE($4, status_reason) "
                           "WHERE id = $1 AND version = $2 RETURNING version",
                           4, params, error);
}

CstRequest *
cst_request_repo_extend (PGconn       *conn,
                         CstRequest   *request,
                         const GDate  *on,
                         const char   *reason,
                         GError      **error)
{
  g_autofree char *on_text = NULL;
  const char *params[4];

  g_return_val_if_fail (CST_IS_REQUEST (request), NULL);

  if (cst_request_is_extended (request))
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_EXTENSION,
                           _("This request was already extended once; HIPAA allows one extension."));
      return NULL;
    }
  if (cst_request_status_is_closed (cst_request_get_status (request)))
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_CLOSED,
                           _("A closed request cannot be extended."));
      return NULL;
    }
  if (cst_input_is_blank (reason))
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                           _("An extension needs a reason; the requester must be told it in writing."));
      return NULL;
    }
  on_text = cst_input_format_date (on);
  params[2] = on_text;
  params[3] = reason;
  return update_versioned (conn, request,
                           "UPDATE roi_requests SET extended_on = $3, extension_reason = $4 "
                           "WHERE id = $1 AND version = $2 RETURNING version",
                           4, params, error);
}
