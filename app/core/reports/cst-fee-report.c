/* cst-fee-report.c — the auditor's fee justification report for a period
 *
 * Requests are read in keyset pages (id > last id, LIMIT n) so that a
 * year of a large hospital never sits in memory at once; the invoices and
 * invoice lines of just a page's requests are asked for together with the
 * next page's requests, in one pipeline, while the client writes the page
 * before (see Batch).  Each row
 * is handed to a callback and folded into a summary made of a few small
 * buckets and a turnaround histogram (one counter per day), which is
 * enough for exact medians and percentiles without keeping the rows.
 *
 * The period selects requests by their received date: the invoice's
 * issue time is set by the server and says nothing about which
 * schedule applied.
 *
 * Every original invoice is quoted again with the engine, under the
 * schedules that stood when it was issued, from what its quote was asked
 * (invoices.quote_inputs) and the request's own state, received date and
 * requester class that the server recorded with it (0058).  An invoice
 * whose recorded quote (amount or method) is not the engine's, or whose
 * charge differs from it without an override reason, is flagged: the
 * server cannot run the engine, so a client that lies about the quote is
 * caught here.  Invoices from before 0058 have no recorded inputs; they
 * are quoted from the request as it is stored now, and left unflagged
 * when that cannot be done (actual cost, whose labor was not stored).
 */
#define G_LOG_DOMAIN "cst-fee-report"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "custodian/cst-db.h"
#include "custodian/cst-enums.h"
#include "custodian/cst-error.h"
#include "custodian/cst-fee-engine.h"
#include "custodian/cst-fee-facility.h"
#include "custodian/cst-fee-report.h"
#include "custodian/cst-fee-repo.h"
#include "custodian/cst-input.h"

/* Requests a page: a page's queries and their planning are paid per
 * page, its rows are kept only while the page is written. */
#define PAGE_SIZE 2000
/* Turnarounds beyond this many days share the last histogram slot. */
#define MAX_TURNAROUND_DAYS 3660

struct _CstFeeReportSummary
{
  gint64      n_requests;
  gint64      n_lines;
  gint64      total_cents;
  gint64      collected_cents;
  gint64      flag_counts[CST_FEE_REPORT_N_FLAGS];
  GHashTable *buckets[5];       /* key → CstFeeReportBucket */
  GPtrArray  *sorted[5];        /* built on demand */
  gint64      n_released;
  gint64      histogram[MAX_TURNAROUND_DAYS + 1];
};

static const char *const bucket_names[] = { "month", "jurisdiction", "requester", "method", "facility" };

static const char *const flag_nicks[] = {
  "above-maximum", "search-on-patient", "above-flat",
  "released-late", "extension-without-notice", "overridden", "not-as-quoted",
  "released-late-unpaid",
};
G_STATIC_ASSERT (G_N_ELEMENTS (flag_nicks) == CST_FEE_REPORT_N_FLAGS);

/* An extension's notice counts only if rendered by the original due date
 * (45 CFR 164.524(b)(2)(iii)): original_due_date since migration 0059,
 * before it the extended due date less HIPAA's 30 days; it is looked for
 * only for an extended request, the only one it can flag.  due_date is
 * NULL where no law sets a deadline: such a request is never late.
 *
 * The page is chosen first (the CTE), then its first disclosures and
 * payments are read in one grouped range scan each, over the page's ids
 * ($5, last]: looked up once per request, each was an index probe into
 * every yearly partition (100,000 requests: about 1 s of the server's
 * CPU).  The ranges of successive pages do not overlap, so a report reads
 * each disclosure and payment of its span of ids at most once.
 *
 * Whether a request has an invoice is asked of each request the page's
 * other conditions keep, one index probe a year of invoices (a LATERAL
 * subquery with LIMIT 1, which the planner cannot turn into a join),
 * never by joining the invoices in request order: that merge read every
 * invoice between the page's first and last request, and a period's
 * requests are not contiguous in id — at 2,000,000 requests the year's
 * first page spanned four earlier years and read 1.5 million invoices
 * (11-31 s on the server; bench/system/README.md), as page k once read k
 * pages of invoices.  The deadline rule (a small table) is joined, not
 * looked up once per request. */
static const char *requests_sql =
  "WITH page AS MATERIALIZED ("
  "  SELECT r.id, r.reference, r.received_date, r.due_date, r.original_due_date, r.extended_on,"
  "         q.kind, r.jurisdiction, r.format, r.delivery, r.page_count, r.status, r.updated_at,"
  "         dr.citation, f.code, f.fee_schedule_key"
  "    FROM roi_requests r"
  "    CROSS JOIN LATERAL (SELECT FROM invoices i WHERE i.request_id = r.id"
  "                          AND ($8::text IS NULL OR i.issued_by = $8::text) LIMIT 1) invoiced"
  "    JOIN requesters q ON q.id = r.requester_id"
  "    JOIN facilities f ON f.id = r.facility_id"
  "    LEFT JOIN deadline_rules dr ON dr.id = r.deadline_rule_id"
  "   WHERE r.received_date BETWEEN $1::date AND $2::date"
  "     AND ($3::text IS NULL OR r.jurisdiction = $3::text)"
  "     AND ($4::text IS NULL OR q.kind::text = $4::text)"
  "     AND ($7::text IS NULL OR r.status::text = $7::text)"
  "     AND ($9::text IS NULL OR f.code = $9::text)"
  "     AND r.id > $5::bigint"
  "   ORDER BY r.id LIMIT $6::int),"
  " first_disclosure AS ("
  "  SELECT d.request_id, min (d.disclosed_on) AS disclosed_on FROM disclosures d"
  "   WHERE d.request_id > $5::bigint AND d.request_id <= (SELECT max (id) FROM page)"
  "   GROUP BY d.request_id),"
  " paid AS ("
  "  SELECT p.request_id, sum (p.amount_cents) AS cents FROM payments p"
  "   WHERE p.request_id > $5::bigint AND p.request_id <= (SELECT max (id) FROM page)"
  "   GROUP BY p.request_id)"
  "SELECT r.id, r.reference, r.received_date::text, r.due_date::text,"
  "       r.extended_on IS NOT NULL, r.kind::text, r.jurisdiction::text,"
  "       r.format::text, r.delivery::text, COALESCE (r.page_count, 0),"
  "       COALESCE (fd.disclosed_on, CASE WHEN r.status = 'released' THEN r.updated_at::date END)::text,"
  "       CASE WHEN r.extended_on IS NOT NULL THEN"
  "         EXISTS (SELECT 1 FROM rendered_documents rd"
  "                   JOIN document_templates t ON t.id = rd.template_id"
  "                  WHERE rd.request_id = r.id AND t.kind = 'extension-notice'"
  "                    AND rd.rendered_at::date <= COALESCE (r.original_due_date, r.due_date - 30))"
  "       ELSE false END,"
  "       r.citation,"
  "       COALESCE (pd.cents, 0),"
  "       r.status = 'released' AND r.due_date IS NOT NULL AND r.updated_at::date > r.due_date"
  "         AND roi_deadline_class (r.kind) <> 'third-party'"
  "         AND GREATEST (request_balance_at (r.id, (r.due_date + 1)::timestamptz),"
  "                       request_balance_at (r.id, r.updated_at)) > 0,"
  "       r.code, r.fee_schedule_key"
  "  FROM page r"
  "  LEFT JOIN first_disclosure fd ON fd.request_id = r.id"
  "  LEFT JOIN paid pd ON pd.request_id = r.id"
  " ORDER BY r.id";

/* One row per original invoice of a page's requests: what the engine
 * needs to quote it again (I_INPUTS on: the keys of
 * cst_fee_request_input_keys(), in order). */
static const char *
invoices_sql (void)
{
  static char *sql;

  if (g_once_init_enter (&sql))
    {
      GString *text = g_string_new (
        "WITH steps AS ("
        "  SELECT created_at AS since, lead (created_at) OVER (ORDER BY created_at) AS until,"
        "         max (max (id)) OVER (ORDER BY created_at) AS through"
        "    FROM fee_schedules GROUP BY created_at)"
        "SELECT i.request_id, i.method, i.quoted_cents, i.total_cents,"
        "       i.override_reason IS NOT NULL, i.jurisdiction::text,"
        "       to_char (i.received_date, 'YYYY-MM-DD'), i.requester_class,"
        "       COALESCE (i.schedules_through, st.through),"
        "       i.quote_inputs IS NOT NULL");

      /* The keys are the engine's constants, never a stored value; read
       * from the JSON in one call (jsonb_to_record) rather than one
       * lookup a key. */
      for (const char *const *key = cst_fee_request_input_keys (); *key; key++)
        g_string_append_printf (text, ", inputs.\"%s\"", *key);
      g_string_append (text, " FROM invoices i"
                             " LEFT JOIN steps st ON i.schedules_through IS NULL"
                             "  AND st.since <= i.issued_at AND (st.until IS NULL OR i.issued_at < st.until)"
                             " LEFT JOIN LATERAL jsonb_to_record (i.quote_inputs) AS inputs (");
      for (const char *const *key = cst_fee_request_input_keys (); *key; key++)
        g_string_append_printf (text, "%s\"%s\" text", key == cst_fee_request_input_keys () ? "" : ", ", *key);
      g_string_append (text, ") ON true"
                             " WHERE i.request_id = ANY ($1::bigint[]) AND i.adjusts_invoice_id IS NULL"
                             " ORDER BY i.request_id, i.id");
      g_once_init_leave (&sql, g_string_free (text, FALSE));
    }
  return sql;
}

/* A line's five fields are taken from its JSON object in one call
 * (jsonb_to_recordset) rather than by splitting the array into jsonb
 * values and looking each key up in each of them: the lines of 100,000
 * invoices (400,000 lines) took 1.6-2.0 s instead of 2.9-4.4 s to take
 * apart (psql, at load 27; bench/reports/README.md).  The engine writes
 * every line as an object (cst_fee_quote_lines_to_json). */
static const char *lines_sql =
  "SELECT i.request_id, i.number, i.method, i.total_cents, i.override_reason, i.issued_by,"
  "       l.rule, l.citation, l.description, COALESCE (l.quantity, 0),"
  "       COALESCE (l.amount_cents, 0), l.ord IS NOT NULL"
  "  FROM invoices i"
  "  LEFT JOIN LATERAL ROWS FROM (jsonb_to_recordset (i.lines)"
  "                               AS (rule text, citation text, description text,"
  "                                   quantity bigint, amount_cents bigint))"
  "    WITH ORDINALITY AS l (rule, citation, description, quantity, amount_cents, ord) ON true"
  " WHERE i.request_id = ANY ($1::bigint[])"
  " ORDER BY i.request_id, i.id, l.ord";

enum { R_ID, R_REFERENCE, R_RECEIVED, R_DUE, R_EXTENDED, R_KIND, R_JURISDICTION,
       R_FORMAT, R_DELIVERY, R_PAGES, R_RELEASED, R_NOTICE, R_DEADLINE_CITATION, R_PAID,
       R_LATE_UNPAID, R_FACILITY, R_FEE_SCHEDULE };
enum { L_REQUEST, L_NUMBER, L_METHOD, L_TOTAL, L_OVERRIDE, L_BY, L_RULE, L_CITATION,
       L_DESCRIPTION, L_QUANTITY, L_AMOUNT, L_HAS_LINE };
enum { I_REQUEST, I_METHOD, I_QUOTED, I_TOTAL, I_OVERRIDDEN, I_JURISDICTION, I_RECEIVED, I_CLASS,
       I_THROUGH, I_HAS_INPUTS, I_INPUTS };

/* ---------------------------------------------------------------- flags */

static guint
flag_index (CstFeeReportFlag flag)
{
  return (guint) g_bit_nth_lsf ((gulong) flag, -1);
}

const char *
cst_fee_report_flag_to_nick (CstFeeReportFlag flag)
{
  guint i = flag_index (flag);

  return i < CST_FEE_REPORT_N_FLAGS ? flag_nicks[i] : NULL;
}

const char *
cst_fee_report_flag_describe (CstFeeReportFlag flag)
{
  switch (flag)
    {
    case CST_FEE_REPORT_FLAG_ABOVE_MAXIMUM: return _("Fee above the legal maximum");
    case CST_FEE_REPORT_FLAG_SEARCH_ON_PATIENT: return _("Search/retrieval or handling fee charged to the individual");
    case CST_FEE_REPORT_FLAG_ABOVE_FLAT: return _("Individual charged more than the $6.50 flat option");
    case CST_FEE_REPORT_FLAG_RELEASED_LATE: return _("Released after the legal deadline");
    case CST_FEE_REPORT_FLAG_EXTENSION_NO_NOTICE: return _("Extension taken without a notice");
    case CST_FEE_REPORT_FLAG_OVERRIDDEN: return _("Invoice overridden by a clerk");
    case CST_FEE_REPORT_FLAG_NOT_AS_QUOTED:
      return _("Invoice differs from the fee engine's quote, with no override recorded");
    case CST_FEE_REPORT_FLAG_RELEASED_LATE_UNPAID:
      return _("The individual's request released after the legal deadline while an invoice was unpaid");
    default: return "";
    }
}

/* The flags in words for people ("; " between them), never a colour or a
 * code; "None" for no flag. */
char *
cst_fee_report_flags_describe (guint flags)
{
  GString *words = g_string_new (NULL);

  for (guint i = 0; i < CST_FEE_REPORT_N_FLAGS; i++)
    if (flags & (1u << i))
      g_string_append_printf (words, "%s%s", words->len ? "; " : "",
                              cst_fee_report_flag_describe (1u << i));
  if (words->len == 0)
    g_string_append (words, _("None"));
  return g_string_free (words, FALSE);
}

/* Nicks joined by ";", stable for CSV consumers. */
char *
cst_fee_report_flags_to_string (guint flags)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < CST_FEE_REPORT_N_FLAGS; i++)
    if (flags & (1u << i))
      {
        if (s->len > 0)
          g_string_append_c (s, ';');
        g_string_append (s, flag_nicks[i]);
      }
  return g_string_free (s, FALSE);
}

/* ---------------------------------------------------------------- summary */

static void
bucket_free (gpointer data)
{
  CstFeeReportBucket *bucket = data;

  g_free (bucket->key);
  g_free (bucket);
}

static CstFeeReportSummary *
summary_new (void)
{
  CstFeeReportSummary *summary = g_new0 (CstFeeReportSummary, 1);

  for (guint i = 0; i < G_N_ELEMENTS (summary->buckets); i++)
    summary->buckets[i] = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, bucket_free);
  return summary;
}

void
cst_fee_report_summary_free (CstFeeReportSummary *summary)
{
  if (summary == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (summary->buckets); i++)
    {
      g_clear_pointer (&summary->sorted[i], g_ptr_array_unref);
      g_hash_table_unref (summary->buckets[i]);
    }
  g_free (summary);
}

static void
summary_add_bucket (CstFeeReportSummary *summary,
                    guint                which,
                    const char          *key,
                    gint64               cents)
{
  CstFeeReportBucket *bucket = g_hash_table_lookup (summary->buckets[which], key);

  if (bucket == NULL)
    {
      bucket = g_new0 (CstFeeReportBucket, 1);
      bucket->key = g_strdup (key);
      g_hash_table_insert (summary->buckets[which], bucket->key, bucket);
    }
  bucket->n_requests++;
  bucket->cents += cents;
}

static void
summary_add_row (CstFeeReportSummary   *summary,
                 const CstFeeReportRow *row)
{
  char month[8];

  summary->n_requests++;
  summary->n_lines += row->n_lines;
  summary->total_cents += row->total_cents;
  summary->collected_cents += row->paid_cents;
  for (guint i = 0; i < CST_FEE_REPORT_N_FLAGS; i++)
    if (row->flags & (1u << i))
      summary->flag_counts[i]++;
  g_snprintf (month, sizeof month, "%04u-%02u",
              g_date_get_year (&row->received), (guint) g_date_get_month (&row->received));
  summary_add_bucket (summary, 0, month, row->total_cents);
  summary_add_bucket (summary, 1, row->jurisdiction, row->total_cents);
  summary_add_bucket (summary, 2, row->requester, row->total_cents);
  summary_add_bucket (summary, 3, row->method, row->total_cents);
  summary_add_bucket (summary, 4, row->facility, row->total_cents);
  if (g_date_valid (&row->released))
    {
      gint days = g_date_days_between (&row->received, &row->released);

      summary->n_released++;
      summary->histogram[CLAMP (days, 0, MAX_TURNAROUND_DAYS)]++;
    }
}

gint64 cst_fee_report_summary_get_n_requests (const CstFeeReportSummary *s) { return s->n_requests; }
gint64 cst_fee_report_summary_get_n_lines (const CstFeeReportSummary *s) { return s->n_lines; }
gint64 cst_fee_report_summary_get_total_cents (const CstFeeReportSummary *s) { return s->total_cents; }
gint64 cst_fee_report_summary_get_n_released (const CstFeeReportSummary *s) { return s->n_released; }
gint64 cst_fee_report_summary_get_collected_cents (const CstFeeReportSummary *s) { return s->collected_cents; }
gint64 cst_fee_report_summary_get_outstanding_cents (const CstFeeReportSummary *s) { return s->total_cents - s->collected_cents; }

gint64
cst_fee_report_summary_get_flag_count (const CstFeeReportSummary *summary,
                                       CstFeeReportFlag           flag)
{
  guint i = flag_index (flag);

  g_return_val_if_fail (i < CST_FEE_REPORT_N_FLAGS, 0);
  return summary->flag_counts[i];
}

static gint
bucket_compare (gconstpointer a,
                gconstpointer b)
{
  const CstFeeReportBucket *x = *(CstFeeReportBucket *const *) a;
  const CstFeeReportBucket *y = *(CstFeeReportBucket *const *) b;

  return strcmp (x->key, y->key);
}

/**
 * cst_fee_report_summary_get_buckets:
 *
 * Returns: (transfer none) (element-type CstFeeReportBucket): sorted by key
 */
GPtrArray *
cst_fee_report_summary_get_buckets (const CstFeeReportSummary *summary,
                                    const char                *by)
{
  CstFeeReportSummary *s = (CstFeeReportSummary *) summary;

  for (guint i = 0; i < G_N_ELEMENTS (bucket_names); i++)
    if (g_strcmp0 (by, bucket_names[i]) == 0)
      {
        if (s->sorted[i] == NULL)
          {
            GHashTableIter iter;
            gpointer value;

            s->sorted[i] = g_ptr_array_new ();
            g_hash_table_iter_init (&iter, s->buckets[i]);
            while (g_hash_table_iter_next (&iter, NULL, &value))
              g_ptr_array_add (s->sorted[i], value);
            g_ptr_array_sort (s->sorted[i], bucket_compare);
          }
        return s->sorted[i];
      }
  g_return_val_if_reached (NULL);
}

/* Nearest-rank percentile over the day histogram; -1 with no release. */
static gint64
percentile_days (const CstFeeReportSummary *summary,
                 guint                      percent)
{
  gint64 rank, seen = 0;

  if (summary->n_released == 0)
    return -1;
  rank = (summary->n_released * percent + 99) / 100;
  for (gint64 d = 0; d <= MAX_TURNAROUND_DAYS; d++)
    {
      seen += summary->histogram[d];
      if (seen >= MAX (rank, 1))
        return d;
    }
  return MAX_TURNAROUND_DAYS;
}

gint64 cst_fee_report_summary_get_median_days (const CstFeeReportSummary *s) { return percentile_days (s, 50); }
gint64 cst_fee_report_summary_get_p90_days (const CstFeeReportSummary *s) { return percentile_days (s, 90); }

gint64
cst_fee_report_summary_get_within_permille (const CstFeeReportSummary *summary,
                                            guint                      days)
{
  gint64 within = 0;

  if (summary->n_released == 0)
    return 0;
  for (guint d = 0; d <= MIN (days, MAX_TURNAROUND_DAYS); d++)
    within += summary->histogram[d];
  return within * 1000 / summary->n_released;
}

char *
cst_fee_report_summary_describe_turnaround (const CstFeeReportSummary *summary)
{
  gint64 w15 = cst_fee_report_summary_get_within_permille (summary, 15);
  gint64 w30 = cst_fee_report_summary_get_within_permille (summary, 30);
  gint64 median = cst_fee_report_summary_get_median_days (summary);
  gint64 p90 = cst_fee_report_summary_get_p90_days (summary);
  g_autofree char *median_text = NULL;
  g_autofree char *p90_text = NULL;

  if (summary->n_released == 0)
    return g_strdup (_("No request of the period has been released yet."));
  /* Each count with its own plural: "1 day", "15 days". */
  median_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%lld day", "%lld days", (gulong) median),
                                 (long long) median);
  p90_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%lld day", "%lld days", (gulong) p90),
                              (long long) p90);
  return g_strdup_printf (_("Released: %lld. Median turnaround %s, 90th percentile %s; "
                            "%lld.%lld%% within 15 days, %lld.%lld%% within 30 days."),
                          (long long) summary->n_released, median_text, p90_text,
                          (long long) (w15 / 10), (long long) (w15 % 10),
                          (long long) (w30 / 10), (long long) (w30 % 10));
}

/* ---------------------------------------------------------------- requote */

typedef struct
{
  const char      *db_nick;
  CstFeeRequester  fee;
} RequesterMap;

static const RequesterMap requesters[] = {
  { "patient", CST_FEE_REQUESTER_PATIENT },
  { "personal_representative", CST_FEE_REQUESTER_PERSONAL_REPRESENTATIVE },
  { "attorney", CST_FEE_REQUESTER_ATTORNEY },
  { "insurer", CST_FEE_REQUESTER_INSURER },
  { "provider", CST_FEE_REQUESTER_PROVIDER },
  { "government_agency", CST_FEE_REQUESTER_GOVERNMENT },
};

static CstFeeRequester
fee_requester (const char *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (requesters); i++)
    if (g_strcmp0 (kind, requesters[i].db_nick) == 0)
      return requesters[i].fee;
  return CST_FEE_REQUESTER_OTHER;
}

static CstFeeFormat
fee_format (const char *format)
{
  if (g_strcmp0 (format, "paper") == 0)
    return CST_FEE_FORMAT_PAPER;
  if (g_strcmp0 (format, "portable_media") == 0)
    return CST_FEE_FORMAT_MEDIA;
  return CST_FEE_FORMAT_ELECTRONIC;
}

static CstFeeDelivery
fee_delivery (const char *delivery)
{
  static const char *const db[] = { "pickup", "mail", "secure_email", "portal", "fax" };

  for (guint i = 0; i < G_N_ELEMENTS (db); i++)
    if (g_strcmp0 (delivery, db[i]) == 0)
      return (CstFeeDelivery) i;
  return CST_FEE_DELIVERY_PORTAL;
}

/* The invoice's method as the engine's request method; FALSE when the
 * maximum cannot be recomputed (actual cost depends on labor that is not
 * stored, and an adjustment is no quote).  The state schedule and
 * no-charge are not asked for: the engine picks them from the requester,
 * as it did when quoting. */
static gboolean
fee_method (const char   *invoice_method,
            CstFeeMethod *method)
{
  if (!cst_fee_method_from_nick (invoice_method, method) || *method == CST_FEE_METHOD_DEFAULT ||
      *method == CST_FEE_METHOD_HIPAA_ACTUAL)
    return FALSE;
  if (*method == CST_FEE_METHOD_STATE_SCHEDULE || *method == CST_FEE_METHOD_NO_CHARGE)
    *method = CST_FEE_METHOD_DEFAULT;
  return TRUE;
}

typedef struct
{
  const char *kind;
  const char *format;
  const char *delivery;
  gint64      pages;
  gint64      postage_cents;
  const char *facility_schedule;   /* the request's facility's own (0091), or NULL */
} RequestFacts;

/* The engine's request for the request as it is stored now, quoted with
 * its facility's own hospital schedule as the desk quotes it
 * (cst_request_fee_fill_checked), never a neighbour's. */
static gboolean
fill_from_facts (const CstFeeReportRow *row,
                 const RequestFacts    *facts,
                 CstFeeMethod           method,
                 CstFeeRequest         *r)
{
  cst_fee_request_init (r);
  if (!cst_fee_request_set_jurisdiction (r, row->jurisdiction, NULL))
    return FALSE;
  r->requester = fee_requester (facts->kind);
  r->format = fee_format (facts->format);
  r->maintained_electronically = r->format != CST_FEE_FORMAT_PAPER;
  r->delivery = fee_delivery (facts->delivery);
  r->pages = facts->pages;
  r->postage_cents = facts->postage_cents > 0 ? facts->postage_cents : CST_FEE_UNSET;
  r->received = row->received;
  r->method = method;
  return cst_fee_request_set_facility_schedule (r, facts->facility_schedule, NULL);
}

/* -1 when the engine cannot quote (no schedule for the date, say). */
static gint64
requote (CstFeeScheduleSet     *set,
         const CstFeeReportRow *row,
         const RequestFacts    *facts,
         CstFeeMethod           method)
{
  g_autoptr(CstFeeQuote) quote = NULL;
  CstFeeRequest r;

  if (!fill_from_facts (row, facts, method, &r))
    return -1;
  quote = cst_fee_engine_quote (set, &r, NULL);
  return quote != NULL ? cst_fee_quote_get_total_cents (quote) : -1;
}

/* ---------------------------------------------------------------- invoices */

/* The schedules of each invoice's day, loaded once per distinct
 * schedules_through. */
typedef struct
{
  PGconn     *conn;
  GHashTable *sets;      /* gint64 * → CstFeeScheduleSet */
} Requoter;

static void
requoter_clear (Requoter *rq)
{
  g_clear_pointer (&rq->sets, g_hash_table_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Requoter, requoter_clear)

static CstFeeScheduleSet *
schedules_through (Requoter *rq,
                   gint64    through,
                   GError  **error)
{
  CstFeeScheduleSet *set = g_hash_table_lookup (rq->sets, &through);

  if (set == NULL && (set = cst_fee_repo_load_schedules_through (rq->conn, through, error)) != NULL)
    g_hash_table_insert (rq->sets, g_memdup2 (&through, sizeof through), set);
  return set;
}

/* The engine's request as the invoice recorded it, with the state,
 * received date and requester class the server took from the request. */
static gboolean
fill_from_invoice (const PGresult *invoices,
                   int             i,
                   CstFeeRequest  *r)
{
  const char *const *keys = cst_fee_request_input_keys ();

  cst_fee_request_init (r);
  for (guint k = 0; keys[k] != NULL; k++)
    if (!cst_fee_request_set_input (r, keys[k], cst_db_value (invoices, i, I_INPUTS + (int) k), NULL))
      return FALSE;
  return cst_fee_request_set_jurisdiction (r, cst_db_value (invoices, i, I_JURISDICTION), NULL) &&
         cst_input_parse_date (cst_db_value (invoices, i, I_RECEIVED), &r->received, NULL) &&
         cst_fee_requester_from_nick (cst_db_value (invoices, i, I_CLASS), &r->requester);
}

/* Whether the original invoice at row @i differs from the engine's quote
 * for it (see the top of the file).  FALSE only when the schedules
 * cannot be read. */
static gboolean
invoice_differs (Requoter              *rq,
                 const PGresult        *invoices,
                 int                    i,
                 const CstFeeReportRow *row,
                 const RequestFacts    *facts,
                 gboolean              *differs,
                 GError               **error)
{
  gboolean recorded = cst_db_bool (invoices, i, I_HAS_INPUTS);
  gint64 through = cst_db_int64 (invoices, i, I_THROUGH);
  g_autoptr(CstFeeQuote) quote = NULL;
  CstFeeScheduleSet *set;
  CstFeeMethod method;
  CstFeeRequest r;
  gint64 requoted;

  /* Recorded inputs that do not quote are themselves a finding; an older
   * invoice that cannot be quoted again is not. */
  *differs = recorded;
  if (through <= 0)
    return TRUE;
  if (!(set = schedules_through (rq, through, error)))
    return FALSE;
  if (recorded ? !fill_from_invoice (invoices, i, &r)
               : !(fee_method (cst_db_value (invoices, i, I_METHOD), &method) &&
                   fill_from_facts (row, facts, method, &r)))
    return TRUE;
  if (!(quote = cst_fee_engine_quote (set, &r, NULL)))
    return TRUE;
  requoted = cst_fee_quote_get_total_cents (quote);
  *differs = requoted != cst_db_int64 (invoices, i, I_QUOTED) ||
             g_strcmp0 (cst_fee_method_to_nick (cst_fee_quote_get_method (quote)),
                        cst_db_value (invoices, i, I_METHOD)) != 0 ||
             (requoted != cst_db_int64 (invoices, i, I_TOTAL) && !cst_db_bool (invoices, i, I_OVERRIDDEN));
  return TRUE;
}

/* Loads the schedules a page's invoices are quoted under before the next
 * page is asked for: the connection is busy with it while the page is
 * quoted. */
static gboolean
load_page_schedules (Requoter       *rq,
                     const PGresult *invoices,
                     GError        **error)
{
  for (int i = 0; i < PQntuples (invoices); i++)
    {
      gint64 through = cst_db_int64 (invoices, i, I_THROUGH);

      if (through > 0 && schedules_through (rq, through, error) == NULL)
        return FALSE;
    }
  return TRUE;
}

/* Flags the request when one of its original invoices, from *cursor on
 * in @invoices (ordered by request id like the page), is not as quoted. */
static gboolean
check_invoices (Requoter           *rq,
                const PGresult     *invoices,
                int                *cursor,
                CstFeeReportRow    *row,
                const RequestFacts *facts,
                GError            **error)
{
  for (; *cursor < PQntuples (invoices) && cst_db_int64 (invoices, *cursor, I_REQUEST) == row->request_id;
       (*cursor)++)
    {
      gboolean differs = FALSE;

      if (!invoice_differs (rq, invoices, *cursor, row, facts, &differs, error))
        return FALSE;
      if (differs)
        row->flags |= CST_FEE_REPORT_FLAG_NOT_AS_QUOTED;
    }
  return TRUE;
}

/* ---------------------------------------------------------------- rows */

static gboolean
rule_is_search_or_handling (const char *rule)
{
  return rule != NULL &&
         (g_str_has_suffix (rule, "request-fee") || strstr (rule, "search") != NULL ||
          strstr (rule, "retrieval") != NULL || strstr (rule, "handling") != NULL);
}

static void
compute_flags (CstFeeScheduleSet *set,
               CstFeeReportRow   *row,
               RequestFacts      *facts,
               gboolean           notice)
{
  CstFeeRequester requester = fee_requester (facts->kind);
  gboolean individual = cst_fee_requester_is_individual (requester);
  CstFeeMethod method;

  for (guint i = 0; i < row->n_lines; i++)
    {
      const CstFeeReportLine *line = &row->lines[i];

      if (g_str_has_suffix (line->rule ? line->rule : "", "postage"))
        facts->postage_cents += line->amount_cents;
      if (individual && line->amount_cents > 0 && rule_is_search_or_handling (line->rule))
        row->flags |= CST_FEE_REPORT_FLAG_SEARCH_ON_PATIENT;
    }
  row->maximum_cents = fee_method (row->method, &method) ? requote (set, row, facts, method) : -1;
  if (row->maximum_cents >= 0 && row->total_cents > row->maximum_cents)
    row->flags |= CST_FEE_REPORT_FLAG_ABOVE_MAXIMUM;
  row->flat_cents = -1;
  if (individual && fee_format (facts->format) == CST_FEE_FORMAT_ELECTRONIC)
    {
      RequestFacts electronic = *facts;

      electronic.postage_cents = 0;
      row->flat_cents = requote (set, row, &electronic, CST_FEE_METHOD_HIPAA_FLAT);
      if (row->flat_cents >= 0 && row->total_cents > row->flat_cents)
        row->flags |= CST_FEE_REPORT_FLAG_ABOVE_FLAT;
    }
  if (g_date_valid (&row->released) && g_date_valid (&row->due) &&
      g_date_compare (&row->released, &row->due) > 0)
    row->flags |= CST_FEE_REPORT_FLAG_RELEASED_LATE;
  if (row->extended && !notice)
    row->flags |= CST_FEE_REPORT_FLAG_EXTENSION_NO_NOTICE;
  if (row->override_reason != NULL)
    row->flags |= CST_FEE_REPORT_FLAG_OVERRIDDEN;
}

/* The two digits at @text, or -1. */
static int
two_digits (const char *text)
{
  return g_ascii_isdigit (text[0]) && g_ascii_isdigit (text[1]) ? (text[0] - '0') * 10 + text[1] - '0' : -1;
}

/* Dates come as the server's ISO text (DateStyle ISO, cst_db_connect):
 * "YYYY-MM-DD" is read here directly; anything else goes through
 * g_date_set_parse(), which reads it the same way but costs about as much
 * as the rest of a row (locale tables, case folding): three dates a
 * request. */
static void
parse_date (const char *text,
            GDate      *date)
{
  int century, year, month, day;

  g_date_clear (date, 1);
  if (text == NULL)
    return;
  if (strlen (text) == 10 && text[4] == '-' && text[7] == '-' &&
      (century = two_digits (text)) >= 10 && (year = two_digits (text + 2)) >= 0 &&
      (month = two_digits (text + 5)) >= 0 && (day = two_digits (text + 8)) >= 0 &&
      g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) (century * 100 + year)))
    g_date_set_dmy (date, (GDateDay) day, (GDateMonth) month, (GDateYear) (century * 100 + year));
  else
    g_date_set_parse (date, text);
}

/* Collects the lines of request @id from the page's line result, starting
 * at *cursor (both results are ordered by request id). */
static GArray *
collect_lines (const PGresult  *lines,
               int             *cursor,
               CstFeeReportRow *row)
{
  GArray *out = g_array_new (FALSE, TRUE, sizeof (CstFeeReportLine));
  const char *last_invoice = NULL;
  int n = PQntuples (lines);

  for (; *cursor < n && cst_db_int64 (lines, *cursor, L_REQUEST) == row->request_id; (*cursor)++)
    {
      int i = *cursor;
      const char *number = cst_db_value (lines, i, L_NUMBER);

      if (g_strcmp0 (number, last_invoice) != 0)
        {
          /* Each invoice is counted once, whatever its number of lines. */
          row->total_cents += cst_db_int64 (lines, i, L_TOTAL);
          if (row->method == NULL)
            row->method = cst_db_value (lines, i, L_METHOD);
          if (row->override_reason == NULL && cst_db_value (lines, i, L_OVERRIDE) != NULL)
            {
              row->override_reason = cst_db_value (lines, i, L_OVERRIDE);
              row->override_by = cst_db_value (lines, i, L_BY);
            }
          last_invoice = number;
        }
      if (cst_db_bool (lines, i, L_HAS_LINE))
        {
          CstFeeReportLine line = {
            number, cst_db_value (lines, i, L_RULE), cst_db_value (lines, i, L_CITATION),
            cst_db_value (lines, i, L_DESCRIPTION), cst_db_int64 (lines, i, L_QUANTITY),
            cst_db_int64 (lines, i, L_AMOUNT),
          };
          g_array_append_val (out, line);
        }
    }
  return out;
}

static gboolean
emit_row (CstFeeScheduleSet   *set,
          Requoter            *rq,
          const PGresult      *requests,
          int                  r,
          const PGresult      *lines,
          int                 *cursor,
          const PGresult      *invoices,
          int                 *invoice_cursor,
          CstFeeReportSummary *summary,
          CstFeeReportRowFunc  func,
          gpointer             user_data,
          GError             **error)
{
  g_autoptr(GArray) row_lines = NULL;
  CstFeeReportRow row = { 0 };
  RequestFacts facts = {
    cst_db_value (requests, r, R_KIND), cst_db_value (requests, r, R_FORMAT),
    cst_db_value (requests, r, R_DELIVERY), cst_db_int64 (requests, r, R_PAGES), 0,
    cst_db_value (requests, r, R_FEE_SCHEDULE),
  };

  row.request_id = cst_db_int64 (requests, r, R_ID);
  row.reference = cst_db_value (requests, r, R_REFERENCE);
  parse_date (cst_db_value (requests, r, R_RECEIVED), &row.received);
  parse_date (cst_db_value (requests, r, R_DUE), &row.due);
  parse_date (cst_db_value (requests, r, R_RELEASED), &row.released);
  row.extended = cst_db_bool (requests, r, R_EXTENDED);
  row.jurisdiction = cst_db_value (requests, r, R_JURISDICTION);
  row.deadline_citation = cst_db_value (requests, r, R_DEADLINE_CITATION);
  row.requester = facts.kind;
  row.paid_cents = cst_db_int64 (requests, r, R_PAID);
  row.facility = cst_db_value (requests, r, R_FACILITY);
  row_lines = collect_lines (lines, cursor, &row);
  row.lines = (const CstFeeReportLine *) row_lines->data;
  row.n_lines = row_lines->len;
  if (row.method == NULL)
    row.method = "";
  compute_flags (set, &row, &facts, cst_db_bool (requests, r, R_NOTICE));
  /* The server's word: it knows what was paid when (0071). */
  if (cst_db_bool (requests, r, R_LATE_UNPAID))
    row.flags |= CST_FEE_REPORT_FLAG_RELEASED_LATE_UNPAID;
  if (!check_invoices (rq, invoices, invoice_cursor, &row, &facts, error))
    return FALSE;
  summary_add_row (summary, &row);
  return func == NULL || func (&row, user_data, error);
}

static char *
page_ids (const PGresult *requests)
{
  GString *ids = g_string_new ("{");

  for (int r = 0; r < PQntuples (requests); r++)
    g_string_append_printf (ids, "%s%s", r ? "," : "", cst_db_value (requests, r, R_ID));
  g_string_append_c (ids, '}');
  return g_string_free (ids, FALSE);
}

/* ---------------------------------------------------------------- pages */

/* The requests query's parameters for the page after @after_id. */
typedef struct
{
  char        from[16];
  char        to[16];
  char        after[24];
  char        limit[16];
  const char *values[9];
} PageParams;

static gboolean
page_params_init (PageParams               *params,
                  const CstFeeReportFilter *filter,
                  gint64                    after_id,
                  GError                  **error)
{
  const char *values[9] = { params->from, params->to, filter->jurisdiction, filter->requester,
                            params->after, params->limit, filter->status, filter->clerk,
                            filter->facility_code };

  G_STATIC_ASSERT (G_N_ELEMENTS (values) == G_N_ELEMENTS (params->values));
  g_date_strftime (params->from, sizeof params->from, "%Y-%m-%d", &filter->from);
  g_date_strftime (params->to, sizeof params->to, "%Y-%m-%d", &filter->to);
  g_snprintf (params->after, sizeof params->after, "%" G_GINT64_FORMAT, after_id);
  g_snprintf (params->limit, sizeof params->limit, "%d", PAGE_SIZE);
  memcpy (params->values, values, sizeof values);
  /* As cst_db_exec() does: no text that is not UTF-8 reaches the server. */
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    if (values[i] != NULL && !cst_input_check_text (values[i], -1, error))
      return FALSE;
  return TRUE;
}

/* A hot standby cancels a query, or ends the session of a transaction
 * idle between queries, whose snapshot may still need row versions that
 * replay is about to remove (PostgreSQL's recovery conflict, SQLSTATE
 * 40001, or 40P01 for a buffer pin deadlock, once the replica has waited
 * max_standby_streaming_delay).  A year's report holds one snapshot for
 * minutes at a health system's size (bench/system/README.md), so any
 * vacuum or page pruning on a busy primary can do it, unless the replica
 * has the primary keep those rows (hot_standby_feedback).  Read-only, on a
 * standby, nothing else raises these codes; the error then says what
 * happened and what helps, instead of the server's words. */
static void
set_read_error (GError        **error,
                const PGresult *res,
                PGconn         *conn)
{
  const char *sqlstate = res ? PQresultErrorField (res, PG_DIAG_SQLSTATE) : NULL;
  gboolean standby = g_strcmp0 (PQparameterStatus (conn, "in_hot_standby"), "on") == 0;

  if (standby && (g_strcmp0 (sqlstate, "40001") == 0 || g_strcmp0 (sqlstate, "40P01") == 0))
    g_set_error_literal (error, CST_ERROR, CST_ERROR_DATABASE,
                         _("The report database stopped the report to replay changes from the main "
                           "database (a recovery conflict). Run it again, or read it from the main "
                           "database; if it happens often, ask the administrator to turn on "
                           "hot_standby_feedback on the report database."));
  /* A session ended while idle in its transaction often leaves libpq
   * only a closed socket, not the server's reason. */
  else if (standby && sqlstate == NULL && PQstatus (conn) == CONNECTION_BAD)
    g_set_error_literal (error, CST_ERROR, CST_ERROR_CONNECTION,
                         _("The report database ended the report's connection, either to replay "
                           "changes from the main database (a recovery conflict) or because it "
                           "stopped. Run it again, or read it from the main database; if it "
                           "happens often, ask the administrator to turn on "
                           "hot_standby_feedback on the report database."));
  else
    cst_db_set_error_from_result (error, res, conn);
}

/* A query of the report's transaction, as cst_db_exec() runs it, its
 * error told as set_read_error() tells it (the parameters are checked as
 * UTF-8 by page_params_init()). */
static PGresult *
read_exec (PGconn            *conn,
           const char        *sql,
           int                n_params,
           const char *const *params,
           GError           **error)
{
  g_autoptr(PGresult) res = PQexecParams (conn, sql, n_params, NULL, params, NULL, NULL, 0);
  ExecStatusType status = PQresultStatus (res);

  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
    {
      set_read_error (error, res, conn);
      return NULL;
    }
  return g_steal_pointer (&res);
}

/* What the client asks of the server for a page it has the requests of,
 * sent together in one pipeline: the page's lines and invoices (by the
 * page's ids) and the next page's requests.  The server works them out
 * while the client quotes and writes the page before; nothing else may
 * be asked on the connection until the batch is read to its end (its
 * Sync), so the schedules a page's invoices need are loaded between
 * batches. */
typedef struct
{
  PGconn   *conn;
  gboolean  out;         /* sent, not yet read to its Sync */
  gboolean  asks_next;   /* the next page's requests are in it */
} Batch;

/* Reads what is left of a batch to its Sync and leaves the pipeline, so
 * that the connection can end the transaction (after an error or a
 * cancellation). */
static void
batch_clear (Batch *batch)
{
  PGresult *res;
  ExecStatusType status = PGRES_EMPTY_QUERY;

  if (!batch->out)
    return;
  while (status != PGRES_PIPELINE_SYNC && PQstatus (batch->conn) == CONNECTION_OK)
    if ((res = PQgetResult (batch->conn)) != NULL)
      {
        status = PQresultStatus (res);
        PQclear (res);
      }
  PQexitPipelineMode (batch->conn);
  batch->out = FALSE;
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Batch, batch_clear)

static gboolean
batch_send (Batch                    *batch,
            const PGresult           *requests,
            const CstFeeReportFilter *filter,
            GError                  **error)
{
  g_autofree char *ids = page_ids (requests);
  const char *by_ids[] = { ids };
  int n = PQntuples (requests);
  PageParams next;

  batch->asks_next = n == PAGE_SIZE;
  if (batch->asks_next && !page_params_init (&next, filter, cst_db_int64 (requests, n - 1, R_ID), error))
    return FALSE;
  if (!PQenterPipelineMode (batch->conn))
    {
      cst_db_set_error_from_result (error, NULL, batch->conn);
      return FALSE;
    }
  if (PQsendQueryParams (batch->conn, lines_sql, 1, NULL, by_ids, NULL, NULL, 0) &&
      PQsendQueryParams (batch->conn, invoices_sql (), 1, NULL, by_ids, NULL, NULL, 0) &&
      (!batch->asks_next ||
       PQsendQueryParams (batch->conn, requests_sql, G_N_ELEMENTS (next.values), NULL, next.values,
                          NULL, NULL, 0)) &&
      PQpipelineSync (batch->conn))
    {
      batch->out = TRUE;
      return TRUE;
    }
  /* Only a broken connection refuses to take a query. */
  cst_db_set_error_from_result (error, NULL, batch->conn);
  batch->out = PQpipelineSync (batch->conn);
  batch_clear (batch);
  return FALSE;
}

/* A query's result in the batch, as cst_db_exec() would give it. */
static PGresult *
batch_next (Batch   *batch,
            GError **error)
{
  g_autoptr(PGresult) res = PQgetResult (batch->conn);
  PGresult *end = PQgetResult (batch->conn);   /* NULL: the query's end */

  PQclear (end);
  if (PQresultStatus (res) != PGRES_TUPLES_OK)
    {
      set_read_error (error, res, batch->conn);
      return NULL;
    }
  return g_steal_pointer (&res);
}

/* The batch's results, waited for if the server is still at them;
 * @next is NULL when the batch did not ask for a next page. */
static gboolean
batch_collect (Batch     *batch,
               PGresult **lines,
               PGresult **invoices,
               PGresult **next,
               GError   **error)
{
  gboolean ok = (*lines = batch_next (batch, error)) != NULL &&
                (*invoices = batch_next (batch, error)) != NULL &&
                (!batch->asks_next || (*next = batch_next (batch, error)) != NULL);

  batch_clear (batch);
  return ok;
}

static gboolean
check_filter (const CstFeeReportFilter *filter,
              GError                  **error)
{
  int value;

  if (!g_date_valid (&filter->from) || !g_date_valid (&filter->to) ||
      g_date_compare (&filter->from, &filter->to) > 0)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                           _("The report period needs a start date on or before its end date."));
      return FALSE;
    }
  /* A misspelt class or status would silently report nothing. */
  if (filter->requester != NULL &&
      !cst_enum_from_nick (CST_TYPE_REQUESTER_KIND, filter->requester, &value))
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("“%s” is not a requester class."), filter->requester);
      return FALSE;
    }
  if (filter->status != NULL && !cst_enum_from_nick (CST_TYPE_REQUEST_STATUS, filter->status, &value))
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("“%s” is not a request status."), filter->status);
      return FALSE;
    }
  return TRUE;
}

/* A misspelt facility, or one the login may not see (row-level security
 * hides it), would silently report nothing. */
static gboolean
check_facility (PGconn                   *conn,
                const CstFeeReportFilter *filter,
                GError                  **error)
{
  g_autoptr(PGresult) res = NULL;

  if (filter->facility_code == NULL)
    return TRUE;
  if (!(res = cst_db_exec (conn, "SELECT 1 FROM facilities WHERE code = $1", 1,
                           (const char *[]) { filter->facility_code }, error)))
    return FALSE;
  if (PQntuples (res) == 0)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("“%s” is not a facility you may report on."), filter->facility_code);
      return FALSE;
    }
  return TRUE;
}

/* Emits every request of the filter, a page of requests and their fee
 * lines at a time, into @acc and @func. */
static gboolean
run_pages (PGconn                   *conn,
           const CstFeeReportFilter *filter,
           CstFeeScheduleSet        *set,
           CstFeeReportSummary      *acc,
           CstFeeReportRowFunc       func,
           gpointer                  user_data,
           GError                  **error)
{
  g_auto(Requoter) rq = {
    conn, g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                 (GDestroyNotify) cst_fee_schedule_set_unref),
  };
  g_auto(Batch) batch = { conn, FALSE, FALSE };
  g_autoptr(PGresult) requests = NULL;
  PageParams first;

  if (!page_params_init (&first, filter, 0, error) ||
      !(requests = read_exec (conn, requests_sql, G_N_ELEMENTS (first.values), first.values, error)) ||
      (PQntuples (requests) > 0 && !batch_send (&batch, requests, filter, error)))
    return FALSE;
  while (PQntuples (requests) > 0)
    {
      g_autoptr(PGresult) lines = NULL;
      g_autoptr(PGresult) invoices = NULL;
      g_autoptr(PGresult) next = NULL;
      int cursor = 0, invoice_cursor = 0;

      if (!batch_collect (&batch, &lines, &invoices, &next, error) ||
          !load_page_schedules (&rq, invoices, error) ||
          (next != NULL && PQntuples (next) > 0 && !batch_send (&batch, next, filter, error)))
        return FALSE;
      for (int r = 0; r < PQntuples (requests); r++)
        if (g_cancellable_set_error_if_cancelled (filter->cancellable, error) ||
            !emit_row (set, &rq, requests, r, lines, &cursor, invoices, &invoice_cursor, acc, func,
                       user_data, error))
          return FALSE;
      if (filter->progress != NULL)
        filter->progress (acc->n_requests, filter->progress_data);
      if (next == NULL)
        break;
      g_clear_pointer (&requests, PQclear);
      requests = g_steal_pointer (&next);
    }
  return TRUE;
}

/* cst_db_leave(), with the commit's error told as set_read_error() tells
 * it: a session ended by a recovery conflict while the last page was
 * written hears of it only here. */
static gboolean
leave_snapshot (PGconn   *conn,
                gboolean  own,
                gboolean  ok,
                GError  **error)
{
  g_autoptr(PGresult) committed = NULL;

  if (!own)
    return ok;
  if (ok && (committed = read_exec (conn, "COMMIT", 0, NULL, error)) != NULL)
    return TRUE;
  cst_db_rollback (conn);
  return FALSE;
}

/**
 * cst_fee_report_run:
 * @func: (nullable): called for each invoiced request, in request order;
 *   it must not use @conn, which is reading the next page meanwhile
 * @summary: (out) (optional): the totals, flags and turnaround statistics
 *
 * Runs the report in one read-only, repeatable-read transaction so that
 * the pages and the summary describe the same moment.
 */
gboolean
cst_fee_report_run (PGconn                    *conn,
                    const CstFeeReportFilter  *filter,
                    CstFeeReportRowFunc        func,
                    gpointer                   user_data,
                    CstFeeReportSummary      **summary,
                    GError                   **error)
{
  g_autoptr(CstFeeReportSummary) acc = summary_new ();
  g_autoptr(CstFeeScheduleSet) set = NULL;
  gboolean own;

  /* A caller that runs several passes (the PDF) holds the transaction. */
  if (!check_filter (filter, error) ||
      !check_facility (conn, filter, error) ||
      !(set = cst_fee_repo_load_schedules (conn, error)) ||
      !cst_db_join (conn, CST_DB_SNAPSHOT, &own, error) ||
      !leave_snapshot (conn, own, run_pages (conn, filter, set, acc, func, user_data, error), error))
    return FALSE;
  if (summary != NULL)
    *summary = g_steal_pointer (&acc);
  return TRUE;
}
