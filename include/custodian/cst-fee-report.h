/* cst-fee-report.h — the auditor's fee justification report for a period
 *
 * For each invoiced request received in the period: its dates, requester
 * class, method, every fee line with its rule and citation, the total and
 * the legal maximum the engine gives today under the schedules in effect
 * on the received date.  Compliance flags are computed from the data,
 * never typed in.  Rows are streamed from the database in keyset pages;
 * only the summary (small buckets and a turnaround histogram) is kept.
 */
#pragma once

#include <gio/gio.h>
#include "custodian/cst-db-types.h"

G_BEGIN_DECLS

typedef enum
{
  CST_FEE_REPORT_FLAG_ABOVE_MAXIMUM     = 1 << 0,  /* charged more than the legal maximum */
  CST_FEE_REPORT_FLAG_SEARCH_ON_PATIENT = 1 << 1,  /* search/retrieval or handling charged to the individual */
  CST_FEE_REPORT_FLAG_ABOVE_FLAT        = 1 << 2,  /* individual charged more than the $6.50 flat option */
  CST_FEE_REPORT_FLAG_RELEASED_LATE     = 1 << 3,  /* released after the due date */
  CST_FEE_REPORT_FLAG_EXTENSION_NO_NOTICE = 1 << 4, /* extended, but no extension notice rendered */
  CST_FEE_REPORT_FLAG_OVERRIDDEN        = 1 << 5,  /* charged other than quoted, or adjusted */
  CST_FEE_REPORT_FLAG_NOT_AS_QUOTED     = 1 << 6,  /* an invoice is not what the engine quotes for it,
                                                    * and no override reason says why */
  CST_FEE_REPORT_FLAG_RELEASED_LATE_UNPAID = 1 << 7, /* the individual's own request released after
                                                    * its due date while an invoice was unpaid
                                                    * (at the due date or the release): access
                                                    * may never wait on payment */
} CstFeeReportFlag;

#define CST_FEE_REPORT_N_FLAGS 8

typedef void (*CstFeeReportProgress) (gint64   n_done,
                                      gpointer user_data);

/* The filters select requests; a selected request is reported whole
 * (every invoice and line, whoever issued it).  The clerk is the login
 * that issued one of the request's invoices: the server stamps it
 * (invoices.issued_by), so it names who charged the fee and cannot be
 * edited afterwards, unlike the free-text assignee. */
typedef struct
{
  GDate                from;            /* received date, inclusive */
  GDate                to;              /* received date, inclusive */
  const char          *jurisdiction;    /* "PA", or NULL for all */
  const char          *requester;       /* requester_kind nick, or NULL for all */
  CstFeeReportProgress progress;        /* nullable; called every page, on the running thread */
  gpointer             progress_data;
  const char          *clerk;           /* login that issued an invoice, or NULL for all */
  const char          *status;          /* roi_status nick (CstRequestStatus), or NULL for all */
  GCancellable        *cancellable;     /* nullable; checked before each request */
  const char          *facility_code;   /* the facility's code ("NORTH"), or NULL for the
                                         * whole system (issue 22) */
} CstFeeReportFilter;

typedef struct
{
  const char *invoice;       /* invoice number */
  const char *rule;
  const char *citation;
  const char *description;
  gint64      quantity;
  gint64      amount_cents;
} CstFeeReportLine;

typedef struct
{
  gint64            request_id;
  const char       *reference;
  GDate             received;
  GDate             due;
  GDate             released;          /* invalid (cleared) when not released */
  gboolean          extended;
  const char       *jurisdiction;
  const char       *requester;         /* requester_kind nick */
  const char       *method;            /* method of the first invoice */
  const CstFeeReportLine *lines;
  guint             n_lines;
  gint64            total_cents;       /* charged, adjustments included */
  gint64            maximum_cents;     /* legal maximum, -1 when it cannot be recomputed */
  gint64            flat_cents;        /* the flat option, -1 unless it applies */
  guint             flags;             /* CstFeeReportFlag */
  const char       *override_reason;   /* the first override's reason, or NULL */
  const char       *override_by;       /* who issued it */
  const char       *deadline_citation; /* the rule that set the legal deadline (0059), or NULL */
  gint64            paid_cents;        /* collected: payments less refunds (0071) */
  const char       *facility;          /* the request's facility code (issue 22) */
} CstFeeReportRow;

typedef gboolean (*CstFeeReportRowFunc) (const CstFeeReportRow *row,
                                         gpointer               user_data,
                                         GError               **error);

typedef struct
{
  char   *key;           /* "2025-06", "PA", "attorney", "state-schedule" */
  gint64  n_requests;
  gint64  cents;
} CstFeeReportBucket;

typedef struct _CstFeeReportSummary CstFeeReportSummary;

gboolean             cst_fee_report_run            (PGconn                    *conn,
                                                    const CstFeeReportFilter  *filter,
                                                    CstFeeReportRowFunc        func,
                                                    gpointer                   user_data,
                                                    CstFeeReportSummary      **summary,
                                                    GError                   **error);

void                 cst_fee_report_summary_free   (CstFeeReportSummary *summary);
gint64               cst_fee_report_summary_get_n_requests (const CstFeeReportSummary *summary);
gint64               cst_fee_report_summary_get_n_lines    (const CstFeeReportSummary *summary);
gint64               cst_fee_report_summary_get_total_cents (const CstFeeReportSummary *summary);
gint64               cst_fee_report_summary_get_flag_count (const CstFeeReportSummary *summary,
                                                            CstFeeReportFlag           flag);
/* by: "month", "jurisdiction", "requester", "method" or "facility" (the
 * facility code: per-facility totals); sorted by key */
GPtrArray           *cst_fee_report_summary_get_buckets    (const CstFeeReportSummary *summary,
                                                            const char                *by);
gint64               cst_fee_report_summary_get_n_released (const CstFeeReportSummary *summary);
/* Payments less refunds, and what is still owed (charged less collected). */
gint64               cst_fee_report_summary_get_collected_cents   (const CstFeeReportSummary *summary);
gint64               cst_fee_report_summary_get_outstanding_cents (const CstFeeReportSummary *summary);
gint64               cst_fee_report_summary_get_median_days (const CstFeeReportSummary *summary);
gint64               cst_fee_report_summary_get_p90_days    (const CstFeeReportSummary *summary);
/* Per mille of released requests released within @days of receipt. */
gint64               cst_fee_report_summary_get_within_permille (const CstFeeReportSummary *summary,
                                                                 guint                      days);
/* The turnaround statistics in one translated sentence (PDF and app). */
char                *cst_fee_report_summary_describe_turnaround (const CstFeeReportSummary *summary);

const char          *cst_fee_report_flag_to_nick   (CstFeeReportFlag flag);
const char          *cst_fee_report_flag_describe  (CstFeeReportFlag flag);
char                *cst_fee_report_flags_to_string (guint flags);
char                *cst_fee_report_flags_describe (guint flags);

/* Exports (cst-fee-report-export.c).
 *
 * CSV: RFC 4180 (CRLF, quoted when needed), UTF-8 without BOM, one row per
 * fee line (a request without lines gets one row with the line fields
 * empty).  Text cells that begin with "=", "+", "-", "@", "|" (after
 * any white space, and in their fullwidth forms such as "＝"), a tab or a
 * carriage return get a leading "'" (OWASP CSV injection,
 * cst_input_starts_formula()) so that a spreadsheet shows them instead
 * of running them as formulas; a reader
 * that wants the stored text back removes one leading "'" from such a
 * cell.  The money and quantity columns are never prefixed: they are
 * written by the report as plain integers (an adjustment's negative
 * amount stays "-500", a number), never from stored text.  The columns
 * are a stable interface; new ones are only added at the end:
 *   reference, received_date, due_date, released_date (YYYY-MM-DD, empty
 *   if not released), jurisdiction, requester_class (requester_kind),
 *   method (of the first invoice), invoice (number), rule, citation,
 *   description, quantity, amount_cents (the line), request_total_cents
 *   (charged, adjustments included; repeated on each line), legal_maximum_cents
 *   and flat_option_cents (empty when not computed), flags (nicks joined
 *   by ";": above-maximum, search-on-patient, above-flat, released-late,
 *   extension-without-notice, overridden, not-as-quoted,
 *   released-late-unpaid), override_reason, override_by, deadline_citation,
 *   paid_cents
 *   (collected on the request: payments less refunds; repeated on each
 *   line), balance_cents (request_total_cents less paid_cents), facility
 *   (the request's facility code, so a sheet totals per facility).
 */
extern const char *const cst_fee_report_csv_columns[];

gboolean             cst_fee_report_write_csv      (PGconn                    *conn,
                                                    const CstFeeReportFilter  *filter,
                                                    GOutputStream             *out,
                                                    CstFeeReportSummary      **summary,
                                                    GError                   **error);
/* PDF: a summary page (totals, flags, turnaround, a vector chart of fees
 * by month, the buckets), then every request with its lines.  Pages are
 * written as they are finished, so memory does not grow with the period
 * (about 20 MB for 100,000 requests); the database is read once, in one
 * repeatable-read transaction, while the detail is laid out to count the
 * pages for "Page X of Y" and spooled to an unlinked temporary file, from
 * which it is drawn after the summary.  The file is created 0600. */
gboolean             cst_fee_report_write_pdf      (PGconn                    *conn,
                                                    const CstFeeReportFilter  *filter,
                                                    const char                *path,
                                                    CstFeeReportSummary      **summary,
                                                    GError                   **error);

typedef enum
{
  CST_FEE_REPORT_FORMAT_CSV,
  CST_FEE_REPORT_FORMAT_PDF,
} CstFeeReportFormat;

/* Writes the report to @path through a temporary file beside it, records
 * "report.exported" (period, filters, format, number of requests) in the
 * audit log as the connected login, and only then renames it into place:
 * a failed, refused or cancelled export leaves no file and an existing
 * @path untouched, and no report leaves without its audit row. */
gboolean             cst_fee_report_export_file    (PGconn                    *conn,
                                                    const CstFeeReportFilter  *filter,
                                                    CstFeeReportFormat         format,
                                                    const char                *path,
                                                    CstFeeReportSummary      **summary,
                                                    GError                   **error);
/* The same reading from @reading (a report database) and recording the
 * export in @recording (the primary). */
gboolean             cst_fee_report_export_file_from (PGconn                  *reading,
                                                      PGconn                  *recording,
                                                      const CstFeeReportFilter *filter,
                                                      CstFeeReportFormat       format,
                                                      const char              *path,
                                                      CstFeeReportSummary    **summary,
                                                      GError                 **error);
/* The same on a connection of its own to @conninfo, opened and closed
 * here (custodian-cli); with @report_conninfo, read from that report
 * database, opened read-only. */
gboolean             cst_fee_report_export_file_at (const char                *conninfo,
                                                    const char                *report_conninfo,
                                                    const CstFeeReportFilter  *filter,
                                                    CstFeeReportFormat         format,
                                                    const char                *path,
                                                    CstFeeReportSummary      **summary,
                                                    GError                   **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstFeeReportSummary, cst_fee_report_summary_free)

/* On a CstConnection's worker thread, for the views
 * (cst-fee-report-async.c). */
typedef struct _CstConnection CstConnection;
typedef struct _CstFeeReportResult CstFeeReportResult;

/* Makes what a list keeps of @row (valid only during the call). */
typedef gpointer (*CstFeeReportRowCopyFunc) (const CstFeeReportRow *row);

void                 cst_fee_report_result_free        (CstFeeReportResult        *result);
void                 cst_fee_report_run_async          (CstConnection             *connection,
                                                        const CstFeeReportFilter  *filter,
                                                        guint                      row_limit,
                                                        CstFeeReportRowCopyFunc    copy,
                                                        GDestroyNotify             item_free,
                                                        GCancellable              *cancellable,
                                                        GAsyncReadyCallback        callback,
                                                        gpointer                   user_data);
gboolean             cst_fee_report_run_finish         (CstConnection             *connection,
                                                        GAsyncResult              *result,
                                                        GPtrArray                **items,
                                                        CstFeeReportSummary      **summary,
                                                        GError                   **error);
void                 cst_fee_report_export_file_async  (CstConnection             *connection,
                                                        const CstFeeReportFilter  *filter,
                                                        GDestroyNotify             progress_data_free,
                                                        CstFeeReportFormat         format,
                                                        GFile                     *file,
                                                        GCancellable              *cancellable,
                                                        GAsyncReadyCallback        callback,
                                                        gpointer                   user_data);
gboolean             cst_fee_report_export_file_finish (CstConnection             *connection,
                                                        GAsyncResult              *result,
                                                        gint64                    *n_written,
                                                        GError                   **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstFeeReportResult, cst_fee_report_result_free)

G_END_DECLS
