/* cst-access-log.h — the access log OCR asks for: every request by an
 * individual received in a period
 *
 * OCR's corrective action plans make a hospital send it, every 90 days, a
 * list of the individuals' access requests: date received, date
 * completed, format requested and provided, pages, fee (issue 20).  The
 * log lists each request received in the period whose requester is the
 * individual, their personal representative, or the individual directing
 * a copy to a third party (requester kinds patient,
 * personal_representative, patient_directive), in received date then
 * reference order.  Everything is computed from what the database
 * records; nothing is typed in.  A period's requests are held in memory
 * (a large hospital's quarter is a few thousand rows).
 */
#pragma once

#include <gio/gio.h>
#include "custodian/cst-db-types.h"

G_BEGIN_DECLS

typedef struct
{
  gint64  request_id;
  char   *reference;
  char   *requester;          /* requester_kind nick */
  GDate   received;
  GDate   due;                /* the legal deadline; invalid where none */
  GDate   completed;          /* released (the disclosure's date) or denied; invalid when open or cancelled */
  gint    days_taken;         /* completed − received in calendar days, -1 when not completed */
  GDate   extended;           /* the day the deadline was extended, invalid when not */
  GDate   notice;             /* the first extension notice's date, invalid when none */
  char   *format_requested;   /* record_format nick */
  char   *format_provided;    /* record_format nick recorded at release, or NULL */
  gint64  pages;              /* the request's page count, -1 when not counted */
  gint64  fee_cents;          /* every invoice, adjustments included; 0 when none */
  gint64  paid_cents;         /* payments less refunds against its invoices; 0 when none */
  char   *status;             /* roi_status nick */
  char   *facility;           /* the request's facility's code (0080) */
} CstAccessLogRow;

typedef struct _CstAccessLog CstAccessLog;

typedef enum
{
  CST_ACCESS_LOG_FORMAT_CSV,
  CST_ACCESS_LOG_FORMAT_PDF,
} CstAccessLogFormat;

/* Reads the log of requests received from @from to @to (inclusive) in one
 * read-only snapshot. */
CstAccessLog          *cst_access_log_read            (PGconn             *conn,
                                                       const GDate        *from,
                                                       const GDate        *to,
                                                       GError            **error);
/* The same for one facility's requests (@facility_code), or every
 * facility's the login sees (NULL); a facility the login does not work
 * for is refused, not answered with an empty log. */
CstAccessLog          *cst_access_log_read_for        (PGconn             *conn,
                                                       const GDate        *from,
                                                       const GDate        *to,
                                                       const char         *facility_code,
                                                       GError            **error);
/* The facility the log was read for; NULL: every one the login sees. */
const char            *cst_access_log_get_facility    (const CstAccessLog *log);
void                   cst_access_log_free            (CstAccessLog       *log);
void                   cst_access_log_get_period      (const CstAccessLog *log,
                                                       GDate              *from,
                                                       GDate              *to);
guint                  cst_access_log_get_n_rows      (const CstAccessLog *log);
const CstAccessLogRow *cst_access_log_get_row         (const CstAccessLog *log,
                                                       guint               i);
/* The requests the shares count: all but the cancelled (withdrawn) ones. */
guint                  cst_access_log_get_n_counted   (const CstAccessLog *log);
/* Counted requests completed within @days days of receipt. */
guint                  cst_access_log_get_n_within    (const CstAccessLog *log,
                                                       guint               days);
gint64                 cst_access_log_get_fee_cents   (const CstAccessLog *log);
gint64                 cst_access_log_get_pages       (const CstAccessLog *log);
gint64                 cst_access_log_get_paid_cents  (const CstAccessLog *log);
/* The totals and the shares answered within 30 and 15 days, in one
 * translated paragraph (the PDF's first page and the Reports page); when
 * the requests are of more than one facility, each facility's count. */
char                  *cst_access_log_describe        (const CstAccessLog *log);

/* CSV: RFC 4180 (CRLF, quoted when needed), UTF-8 without BOM, a header
 * row and one row per request.  Text cells that a spreadsheet would run
 * as a formula get a leading "'" (cst_input_starts_formula()); numbers
 * are written by the report, never from stored text.  The columns are a
 * stable interface, new ones only added at the end:
 *   reference, requester_class (requester_kind), received_date,
 *   due_date (empty where no law sets one), completed_date (released or
 *   denied; empty while open or when cancelled), days_taken (calendar
 *   days, empty when not completed), extended_on, extension_notice_date,
 *   format_requested, format_provided (record_format, empty until
 *   released), pages (empty when not counted), fee_cents (every invoice,
 *   adjustments included), amount_paid_cents (payments less refunds
 *   against those invoices), status (roi_status), facility (the
 *   request's facility's code).
 * Dates are YYYY-MM-DD. */
extern const char *const cst_access_log_csv_columns[];

gboolean               cst_access_log_write_csv       (const CstAccessLog *log,
                                                       GOutputStream      *out,
                                                       GCancellable       *cancellable,
                                                       GError            **error);
/* PDF: the first page holds the period, the totals and the shares answered
 * within 30 and 15 days; every request follows in a table. */
gboolean               cst_access_log_write_pdf       (const CstAccessLog *log,
                                                       GOutputStream      *out,
                                                       GCancellable       *cancellable,
                                                       GError            **error);

/* Reads the log from @reading (a report database, or the primary), writes
 * it to @path through a 0600 temporary file, records "report.exported"
 * (report "access", the period, the format, the number of requests) in
 * @recording (the primary) and only then puts the file in place. */
gboolean               cst_access_log_export_file_from (PGconn            *reading,
                                                        PGconn            *recording,
                                                        const GDate       *from,
                                                        const GDate       *to,
                                                        CstAccessLogFormat format,
                                                        const char        *path,
                                                        CstAccessLog     **log,
                                                        GError           **error);
/* The same for one facility's requests (@facility_code), or all (NULL). */
gboolean               cst_access_log_export_file_for (PGconn            *reading,
                                                       PGconn            *recording,
                                                       const GDate       *from,
                                                       const GDate       *to,
                                                       const char        *facility_code,
                                                       CstAccessLogFormat format,
                                                       const char        *path,
                                                       CstAccessLog     **log,
                                                       GError           **error);
/* The same on connections of its own (custodian-cli report access); with
 * @report_conninfo, read from that report database, opened read-only. */
gboolean               cst_access_log_export_file_at  (const char         *conninfo,
                                                       const char         *report_conninfo,
                                                       const GDate        *from,
                                                       const GDate        *to,
                                                       CstAccessLogFormat  format,
                                                       const char         *path,
                                                       CstAccessLog      **log,
                                                       GError            **error);

/* The same for one facility's requests (@facility_code), or all (NULL):
 * custodian-cli report access --facility. */
gboolean               cst_access_log_export_file_for_at (const char         *conninfo,
                                                          const char         *report_conninfo,
                                                          const GDate        *from,
                                                          const GDate        *to,
                                                          const char         *facility_code,
                                                          CstAccessLogFormat  format,
                                                          const char         *path,
                                                          CstAccessLog      **log,
                                                          GError            **error);

/* On a CstConnection's worker thread, for the views. */
typedef struct _CstConnection CstConnection;

void                   cst_access_log_read_async      (CstConnection       *connection,
                                                       const GDate         *from,
                                                       const GDate         *to,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
CstAccessLog          *cst_access_log_read_finish     (CstConnection       *connection,
                                                       GAsyncResult        *result,
                                                       GError             **error);
void                   cst_access_log_read_for_async  (CstConnection       *connection,
                                                       const GDate         *from,
                                                       const GDate         *to,
                                                       const char          *facility_code,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
/* Exports the period to @file; once the file is in place a late cancel
 * does not make the finish fail. */
void                   cst_access_log_export_file_async (CstConnection       *connection,
                                                         const GDate         *from,
                                                         const GDate         *to,
                                                         CstAccessLogFormat   format,
                                                         GFile               *file,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
/* The same for one facility (@facility_code), or all (NULL); finished
 * with cst_access_log_export_file_finish(). */
void                   cst_access_log_export_file_for_async (CstConnection       *connection,
                                                             const GDate         *from,
                                                             const GDate         *to,
                                                             const char          *facility_code,
                                                             CstAccessLogFormat   format,
                                                             GFile               *file,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
gboolean               cst_access_log_export_file_finish (CstConnection     *connection,
                                                          GAsyncResult      *result,
                                                          guint             *n_written,
                                                          GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstAccessLog, cst_access_log_free)

G_END_DECLS
