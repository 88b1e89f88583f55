/* cst-access-log.c — the access log OCR asks for: read, summed up, written
 * as CSV and PDF, exported with its audit row
 *
 * The dates are the server's: completed is the release's disclosure date
 * (the fee report's rule: the first disclosure, else the day the request
 * became released) or the day a request was denied, which closes it for
 * good (0001: a closed request no longer changes, so its updated_at is
 * the closing day).  A cancelled request was withdrawn, not answered: it
 * is listed, but the shares within 30 and 15 days leave it out.
 */
#define G_LOG_DOMAIN "cst-access-log"

#include "config.h"

#include <gio/gunixoutputstream.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "custodian/cst-access-log.h"
#include "custodian/cst-audit-chain.h"
#include "custodian/cst-csv.h"
#include "custodian/cst-db.h"
#include "custodian/cst-enums.h"
#include "custodian/cst-error.h"
#include "custodian/cst-input.h"
#include "custodian/cst-money.h"
#include "custodian/cst-private-file.h"
#include "custodian/cst-report-database.h"

#include "cst-pdf-stream-private.h"

const char *const cst_access_log_csv_columns[] = {
  "reference", "requester_class", "received_date", "due_date", "completed_date", "days_taken",
  "extended_on", "extension_notice_date", "format_requested", "format_provided", "pages",
  "fee_cents", "amount_paid_cents", "status", "facility", NULL
};

struct _CstAccessLog
{
  GDate      from, to;
  char      *facility;   /* read for this facility's code; NULL: all the login sees */
  GPtrArray *rows;    /* of CstAccessLogRow */
};

/* The individual's own requests: the patient, their personal
 * representative, and the patient's directive to a third party
 * (45 CFR 164.524(c)(3)(ii)). */
static const char *rows_sql =
  "SELECT r.id, r.reference, q.kind::text, r.received_date::text, r.due_date::text,"
  "       CASE r.status"
  "         WHEN 'released' THEN COALESCE ((SELECT min (d.disclosed_on) FROM disclosures d"
  "                                          WHERE d.request_id = r.id), r.updated_at::date)"
  "         WHEN 'denied' THEN r.updated_at::date END::text,"
  "       r.extended_on::text,"
  "       (SELECT min (rd.rendered_at)::date FROM rendered_documents rd"
  "          JOIN document_templates t ON t.id = rd.template_id"
  "         WHERE rd.request_id = r.id AND t.kind = 'extension-notice')::text,"
  "       r.format::text,"
  "       (SELECT v.produced_format::text FROM release_deliveries v WHERE v.request_id = r.id),"
  "       r.page_count,"
  "       COALESCE ((SELECT sum (i.total_cents) FROM invoices i WHERE i.request_id = r.id), 0),"
  "       r.status::text,"
  "       COALESCE ((SELECT sum (p.amount_cents) FROM payments p JOIN invoices i ON i.id = p.invoice_id"
  "                   WHERE i.request_id = r.id), 0),"
  "       f.code"
  "  FROM roi_requests r JOIN requesters q ON q.id = r.requester_id"
  "  JOIN facilities f ON f.id = r.facility_id"
  " WHERE r.received_date BETWEEN $1::date AND $2::date"
  "   AND ($3::text IS NULL OR f.code = $3)"
  "   AND q.kind IN ('patient', 'personal_representative', 'patient_directive')"
  " ORDER BY r.received_date, r.reference";

enum { C_ID, C_REFERENCE, C_KIND, C_RECEIVED, C_DUE, C_COMPLETED, C_EXTENDED, C_NOTICE,
       C_FORMAT, C_PROVIDED, C_PAGES, C_FEE, C_STATUS, C_PAID, C_FACILITY };

static void
row_free (gpointer data)
{
  CstAccessLogRow *row = data;

  g_free (row->reference);
  g_free (row->requester);
  g_free (row->format_requested);
  g_free (row->format_provided);
  g_free (row->status);
  g_free (row->facility);
  g_free (row);
}

static void
parse_date (const char *text,
            GDate      *date)
{
  g_date_clear (date, 1);
  if (text != NULL)
    g_date_set_parse (date, text);
}

static gpointer
row_from_result (const PGresult *res,
                 int             i)
{
  CstAccessLogRow *row = g_new0 (CstAccessLogRow, 1);

  row->request_id = cst_db_int64 (res, i, C_ID);
  row->reference = g_strdup (cst_db_value (res, i, C_REFERENCE));
  row->requester = g_strdup (cst_db_value (res, i, C_KIND));
  parse_date (cst_db_value (res, i, C_RECEIVED), &row->received);
  parse_date (cst_db_value (res, i, C_DUE), &row->due);
  parse_date (cst_db_value (res, i, C_COMPLETED), &row->completed);
  parse_date (cst_db_value (res, i, C_EXTENDED), &row->extended);
  parse_date (cst_db_value (res, i, C_NOTICE), &row->notice);
  row->days_taken = g_date_valid (&row->completed)
                    ? g_date_days_between (&row->received, &row->completed) : -1;
  row->format_requested = g_strdup (cst_db_value (res, i, C_FORMAT));
  row->format_provided = g_strdup (cst_db_value (res, i, C_PROVIDED));
  row->pages = cst_db_value (res, i, C_PAGES) ? cst_db_int64 (res, i, C_PAGES) : -1;
  row->fee_cents = cst_db_int64 (res, i, C_FEE);
  /* Payments less refunds, against the request's invoices and adjustments. */
  row->paid_cents = cst_db_int64 (res, i, C_PAID);
  row->status = g_strdup (cst_db_value (res, i, C_STATUS));
  row->facility = g_strdup (cst_db_value (res, i, C_FACILITY));
  return row;
}

static gboolean
check_period (const GDate *from,
              const GDate *to,
              GError     **error)
{
  if (!g_date_valid (from) || !g_date_valid (to) || g_date_compare (from, to) > 0)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                           _("The report period needs a start date on or before its end date."));
      return FALSE;
    }
  return TRUE;
}

/**
 * cst_access_log_read:
 *
 * Returns: (transfer full): the log, or NULL with @error set
 */
CstAccessLog *
cst_access_log_read (PGconn      *conn,
                     const GDate *from,
                     const GDate *to,
                     GError     **error)
{
  return cst_access_log_read_for (conn, from, to, NULL, error);
}

/* The login works for the facility of @code (row-level security would
 * only show its requests as none). */
static gboolean
check_facility (PGconn      *conn,
                const char  *code,
                GError     **error)
{
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT 1 FROM facilities WHERE code = $1"
    " AND id = ANY ((SELECT visible_facility_ids())::bigint[])", 1, (const char *[]) { code }, error);

  if (res == NULL)
    return FALSE;
  if (PQntuples (res) == 0)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_NOT_FOUND,
                   _("No facility this login works for has the code “%s”."), code);
      return FALSE;
    }
  return TRUE;
}

/**
 * cst_access_log_read_for:
 * @facility_code: (nullable): one facility's requests; NULL for all
 *
 * Returns: (transfer full): the log, or NULL with @error set
 */
CstAccessLog *
cst_access_log_read_for (PGconn      *conn,
                         const GDate *from,
                         const GDate *to,
                         const char  *facility_code,
                         GError     **error)
{
  g_autofree char *from_text = NULL, *to_text = NULL;
  g_autoptr(PGresult) res = NULL;
  CstAccessLog *log;
  gboolean own;

  if (!check_period (from, to, error))
    return NULL;
  from_text = cst_input_format_date (from);
  to_text = cst_input_format_date (to);
  if (!cst_db_join (conn, CST_DB_SNAPSHOT, &own, error))
    return NULL;
  if (facility_code == NULL || check_facility (conn, facility_code, error))
    res = cst_db_exec (conn, rows_sql, 3, (const char *[]) { from_text, to_text, facility_code },
                       error);
  if (!cst_db_leave (conn, own, res != NULL, error))
    return NULL;
  log = g_new0 (CstAccessLog, 1);
  log->from = *from;
  log->to = *to;
  log->facility = g_strdup (facility_code);
  log->rows = cst_db_collect_rows (res, row_from_result, row_free);
  return log;
}

void
cst_access_log_free (CstAccessLog *log)
{
  if (log == NULL)
    return;
  g_clear_pointer (&log->rows, g_ptr_array_unref);
  g_free (log->facility);
  g_free (log);
}

const char *
cst_access_log_get_facility (const CstAccessLog *log)
{
  return log->facility;
}

void
cst_access_log_get_period (const CstAccessLog *log,
                           GDate              *from,
                           GDate              *to)
{
  *from = log->from;
  *to = log->to;
}

guint
cst_access_log_get_n_rows (const CstAccessLog *log)
{
  return log->rows->len;
}

const CstAccessLogRow *
cst_access_log_get_row (const CstAccessLog *log,
                        guint               i)
{
  g_return_val_if_fail (i < log->rows->len, NULL);
  return g_ptr_array_index (log->rows, i);
}

static gboolean
row_is_counted (const CstAccessLogRow *row)
{
  return g_strcmp0 (row->status, "cancelled") != 0;
}

guint
cst_access_log_get_n_counted (const CstAccessLog *log)
{
  guint n = 0;

  for (guint i = 0; i < log->rows->len; i++)
    n += row_is_counted (g_ptr_array_index (log->rows, i));
  return n;
}

guint
cst_access_log_get_n_within (const CstAccessLog *log,
                             guint               days)
{
  guint n = 0;

  for (guint i = 0; i < log->rows->len; i++)
    {
      const CstAccessLogRow *row = g_ptr_array_index (log->rows, i);

      n += row_is_counted (row) && row->days_taken >= 0 && (guint) row->days_taken <= days;
    }
  return n;
}

gint64
cst_access_log_get_fee_cents (const CstAccessLog *log)
{
  gint64 sum = 0;

  for (guint i = 0; i < log->rows->len; i++)
    sum += ((const CstAccessLogRow *) g_ptr_array_index (log->rows, i))->fee_cents;
  return sum;
}

gint64
cst_access_log_get_paid_cents (const CstAccessLog *log)
{
  gint64 sum = 0;

  for (guint i = 0; i < log->rows->len; i++)
    sum += ((const CstAccessLogRow *) g_ptr_array_index (log->rows, i))->paid_cents;
  return sum;
}

gint64
cst_access_log_get_pages (const CstAccessLog *log)
{
  gint64 sum = 0;

  for (guint i = 0; i < log->rows->len; i++)
    sum += MAX (((const CstAccessLogRow *) g_ptr_array_index (log->rows, i))->pages, 0);
  return sum;
}

/* "12 of 40 (30.0%)": one decimal, rounded down, as the fee report. */
static char *
share_text (guint n,
            guint of)
{
  guint permille = of > 0 ? (guint) ((guint64) n * 1000 / of) : 0;

  return g_strdup_printf (_("%u of %u (%u.%u%%)"), n, of, permille / 10, permille % 10);
}

/* " By facility: NORTH 2, SOUTH 1." when the rows are of more than one
 * facility, in the order first seen (received date); else "". */
static char *
by_facility_text (const CstAccessLog *log)
{
  g_autoptr(GPtrArray) codes = g_ptr_array_new ();
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GString) list = g_string_new (NULL);

  for (guint i = 0; i < log->rows->len; i++)
    {
      const char *code = ((const CstAccessLogRow *) g_ptr_array_index (log->rows, i))->facility;
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, code ? code : ""));

      if (n == 0)
        g_ptr_array_add (codes, (gpointer) (code ? code : ""));
      g_hash_table_insert (counts, (gpointer) (code ? code : ""), GUINT_TO_POINTER (n + 1));
    }
  if (codes->len < 2)
    return g_strdup ("");
  for (guint i = 0; i < codes->len; i++)
    g_string_append_printf (list, "%s%s %u", i ? ", " : "", (const char *) g_ptr_array_index (codes, i),
                            GPOINTER_TO_UINT (g_hash_table_lookup (counts, g_ptr_array_index (codes, i))));
  /* TRANSLATORS: after the access log's totals: each facility's code and its count of requests */
  return g_strdup_printf (_(" By facility: %s."), list->str);
}

char *
cst_access_log_describe (const CstAccessLog *log)
{
  guint counted = cst_access_log_get_n_counted (log);
  g_autofree char *fees = cst_money_format (cst_access_log_get_fee_cents (log));
  g_autofree char *paid = cst_money_format (cst_access_log_get_paid_cents (log));
  g_autofree char *w30 = share_text (cst_access_log_get_n_within (log, 30), counted);
  g_autofree char *w15 = share_text (cst_access_log_get_n_within (log, 15), counted);
  gint64 n_pages = cst_access_log_get_pages (log);
  g_autofree char *requests = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u request", "%u requests",
                                                            log->rows->len), log->rows->len);
  g_autofree char *pages = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%lld page", "%lld pages",
                                                         (gulong) n_pages), (long long) n_pages);

  g_autofree char *by_facility = by_facility_text (log);
  g_autofree char *totals = g_strdup_printf (_("%s by individuals; %s; fees charged %s; amount paid %s. "
                                               "Answered within 30 days: %s; within 15 days: %s "
                                               "(cancelled requests not counted)."),
                                             requests, pages, fees, paid, w30, w15);

  return g_strconcat (totals, by_facility, NULL);
}

/* ---------------------------------------------------------------- CSV */

static void
csv_date (GString     *out,
          const GDate *date)
{
  g_string_append_c (out, ',');
  if (g_date_valid (date))
    {
      char text[16];

      g_date_strftime (text, sizeof text, "%Y-%m-%d", date);
      g_string_append (out, text);
    }
}

/* A number the report computed; negative means unknown, an empty cell. */
static void
csv_count (GString *out,
           gint64   value)
{
  g_string_append_c (out, ',');
  if (value >= 0)
    g_string_append_printf (out, "%" G_GINT64_FORMAT, value);
}

static void
csv_row (GString               *out,
         const CstAccessLogRow *row)
{
  cst_csv_append_text (out, row->reference, TRUE);
  cst_csv_append_text (out, row->requester, FALSE);
  csv_date (out, &row->received);
  csv_date (out, &row->due);
  csv_date (out, &row->completed);
  csv_count (out, row->days_taken);
  csv_date (out, &row->extended);
  csv_date (out, &row->notice);
  cst_csv_append_text (out, row->format_requested, FALSE);
  cst_csv_append_text (out, row->format_provided, FALSE);
  csv_count (out, row->pages);
  /* An adjustment can take a fee below zero: a number all the same. */
  g_string_append_printf (out, ",%" G_GINT64_FORMAT, row->fee_cents);
  csv_count (out, row->paid_cents);
  cst_csv_append_text (out, row->status, FALSE);
  cst_csv_append_text (out, row->facility, FALSE);
  g_string_append (out, "\r\n");
}

gboolean
cst_access_log_write_csv (const CstAccessLog *log,
                          GOutputStream      *out,
                          GCancellable       *cancellable,
                          GError            **error)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; cst_access_log_csv_columns[i] != NULL; i++)
    cst_csv_append_text (text, cst_access_log_csv_columns[i], i == 0);
  g_string_append (text, "\r\n");
  for (guint i = 0; i < log->rows->len; i++)
    csv_row (text, g_ptr_array_index (log->rows, i));
  return g_output_stream_write_all (out, text->str, text->len, NULL, cancellable, error);
}

/* ---------------------------------------------------------------- PDF */

static char *
date_or_dash (const GDate *date)
{
  return g_date_valid (date) ? cst_input_format_date (date) : g_strdup ("—");
}

static void
pdf_summary (CstPdfStream       *pdf,
             const CstAccessLog *log)
{
  g_autofree char *from = cst_input_format_date (&log->from);
  g_autofree char *to = cst_input_format_date (&log->to);
  g_autofree char *period = g_strdup_printf (_("Requests by individuals, their personal representatives "
                                               "or their directive to a third party, received %s to %s."),
                                             from, to);
  g_autofree char *totals = cst_access_log_describe (log);

  cst_pdf_stream_heading (pdf, _("Access requests log"));
  cst_pdf_stream_paragraph (pdf, period);
  cst_pdf_stream_paragraph (pdf, totals);
  cst_pdf_stream_paragraph (pdf, _("Completed is the date the records were released or the request "
                                   "was denied; days are calendar days from receipt."));
}

static void
pdf_rows (CstPdfStream       *pdf,
          const CstAccessLog *log)
{
  CstPdfColumn columns[] = {
    { _("Request"), 0.20, CST_PDF_ALIGN_LEFT },
    { _("Received / completed (days)"), 0.22, CST_PDF_ALIGN_LEFT },
    { _("Extended / notice"), 0.16, CST_PDF_ALIGN_LEFT },
    { _("Format asked / given"), 0.16, CST_PDF_ALIGN_LEFT },
    { _("Pages"), 0.07, CST_PDF_ALIGN_RIGHT },
    { _("Fee"), 0.09, CST_PDF_ALIGN_RIGHT },
    { _("Status"), 0.10, CST_PDF_ALIGN_LEFT },
  };
  CstPdfStreamTable *table;

  cst_pdf_stream_page_break (pdf);
  cst_pdf_stream_heading (pdf, _("Requests"));
  table = cst_pdf_stream_table_begin (pdf, columns, G_N_ELEMENTS (columns));
  for (guint i = 0; i < log->rows->len; i++)
    {
      const CstAccessLogRow *row = g_ptr_array_index (log->rows, i);
      g_autofree char *received = cst_input_format_date (&row->received);
      g_autofree char *completed = date_or_dash (&row->completed);
      g_autofree char *dates = row->days_taken >= 0
        ? g_strdup_printf ("%s / %s (%d)", received, completed, row->days_taken)
        : g_strdup_printf ("%s / %s", received, completed);
      g_autofree char *extended = date_or_dash (&row->extended);
      g_autofree char *notice = date_or_dash (&row->notice);
      g_autofree char *extension = g_strdup_printf ("%s / %s", extended, notice);
      g_autofree char *formats = g_strdup_printf ("%s / %s",
        cst_enum_get_label_for_nick (CST_TYPE_RECORD_FORMAT, row->format_requested),
        row->format_provided ? cst_enum_get_label_for_nick (CST_TYPE_RECORD_FORMAT, row->format_provided)
                             : "—");
      g_autofree char *pages = row->pages >= 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, row->pages)
                                               : g_strdup ("—");
      g_autofree char *fee = cst_money_format (row->fee_cents);
      g_autofree char *who = g_strdup_printf ("%s\n%s", row->reference,
        cst_enum_get_label_for_nick (CST_TYPE_REQUESTER_KIND, row->requester));
      const char *cells[] = { who, dates, extension, formats, pages, fee,
                              cst_enum_get_label_for_nick (CST_TYPE_REQUEST_STATUS, row->status) };

      cst_pdf_stream_table_row (table, cells, CST_PDF_ROW_NORMAL);
    }
  cst_pdf_stream_table_end (table);
}

static void
pdf_content (CstPdfStream       *pdf,
             const CstAccessLog *log)
{
  pdf_summary (pdf, log);
  pdf_rows (pdf, log);
}

/* "Page X of Y": the rows are in memory, so a measuring pass counts the
 * pages before the drawing pass writes the first one. */
gboolean
cst_access_log_write_pdf (const CstAccessLog *log,
                          GOutputStream      *out,
                          GCancellable       *cancellable,
                          GError            **error)
{
  g_autoptr(CstPdfStream) measure = cst_pdf_stream_new_measure (CST_PDF_PAPER_LETTER, error);
  g_autoptr(CstPdfStream) pdf = NULL;

  if (measure == NULL)
    return FALSE;
  pdf_content (measure, log);
  if ((pdf = cst_pdf_stream_new (out, CST_PDF_PAPER_LETTER, cancellable, error)) == NULL)
    return FALSE;
  /* Metadata: the kind of document only, never request data. */
  cst_pdf_stream_set_title (pdf, _("Access requests log"));
  cst_pdf_stream_set_footer (pdf, _("Access requests log"));
  cst_pdf_stream_set_n_pages (pdf, cst_pdf_stream_get_n_pages (measure));
  pdf_content (pdf, log);
  return cst_pdf_stream_finish (pdf, error);
}

/* ---------------------------------------------------------------- to a file */

static gboolean
write_fd (const CstAccessLog *log,
          CstAccessLogFormat  format,
          int                 fd,
          GError            **error)
{
  g_autoptr(GOutputStream) out = g_unix_output_stream_new (fd, TRUE);
  gboolean ok = format == CST_ACCESS_LOG_FORMAT_CSV
                ? cst_access_log_write_csv (log, out, NULL, error)
                : cst_access_log_write_pdf (log, out, NULL, error);

  if (!ok)
    {
      g_output_stream_close (out, NULL, NULL);
      return FALSE;
    }
  return g_output_stream_close (out, NULL, error);
}

static gboolean
log_export (PGconn             *conn,
            const CstAccessLog *log,
            CstAccessLogFormat  format,
            GError            **error)
{
  g_autofree char *from = cst_input_format_date (&log->from);
  g_autofree char *to = cst_input_format_date (&log->to);
  g_autofree char *n = g_strdup_printf ("%u", log->rows->len);
  const char *details[] = {
    "report", "access", "from", from, "to", to,
    "format", format == CST_ACCESS_LOG_FORMAT_CSV ? "csv" : "pdf", "requests", n,
    "facility", log->facility ? log->facility : "all", NULL,
  };

  return cst_audit_log_event (conn, "report.exported", details, error) > 0;
}

/**
 * cst_access_log_export_file_from:
 * @log: (out) (optional): what was written
 */
gboolean
cst_access_log_export_file_from (PGconn             *reading,
                                 PGconn             *recording,
                                 const GDate        *from,
                                 const GDate        *to,
                                 CstAccessLogFormat  format,
                                 const char         *path,
                                 CstAccessLog      **log,
                                 GError            **error)
{
  return cst_access_log_export_file_for (reading, recording, from, to, NULL, format, path, log, error);
}

/**
 * cst_access_log_export_file_for:
 * @facility_code: (nullable): one facility's requests; NULL for all
 * @log: (out) (optional): what was written
 */
gboolean
cst_access_log_export_file_for (PGconn             *reading,
                                PGconn             *recording,
                                const GDate        *from,
                                const GDate        *to,
                                const char         *facility_code,
                                CstAccessLogFormat  format,
                                const char         *path,
                                CstAccessLog      **log,
                                GError            **error)
{
  g_autoptr(CstAccessLog) read = cst_access_log_read_for (reading, from, to, facility_code, error);
  g_autofree char *tmp = NULL;
  int fd;

  if (read == NULL || (fd = cst_private_file_create_temp (path, &tmp, error)) < 0)
    return FALSE;
  if (!write_fd (read, format, fd, error) || !log_export (recording, read, format, error))
    {
      g_unlink (tmp);
      return FALSE;
    }
  if (!cst_private_file_commit (tmp, path, error))
    return FALSE;
  if (log != NULL)
    *log = g_steal_pointer (&read);
  return TRUE;
}

/**
 * cst_access_log_export_file_at:
 * @report_conninfo: (nullable): a report database to read from
 */
gboolean
cst_access_log_export_file_at (const char         *conninfo,
                               const char         *report_conninfo,
                               const GDate        *from,
                               const GDate        *to,
                               CstAccessLogFormat  format,
                               const char         *path,
                               CstAccessLog      **log,
                               GError            **error)
{
  return cst_access_log_export_file_for_at (conninfo, report_conninfo, from, to, NULL, format, path,
                                            log, error);
}

/**
 * cst_access_log_export_file_for_at:
 * @report_conninfo: (nullable): a report database to read from
 * @facility_code: (nullable): one facility's requests; NULL for all
 */
gboolean
cst_access_log_export_file_for_at (const char         *conninfo,
                                   const char         *report_conninfo,
                                   const GDate        *from,
                                   const GDate        *to,
                                   const char         *facility_code,
                                   CstAccessLogFormat  format,
                                   const char         *path,
                                   CstAccessLog      **log,
                                   GError            **error)
{
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, error);
  g_autoptr(PGconn) replica = NULL;

  if (conn == NULL)
    return FALSE;
  if (report_conninfo != NULL &&
      (replica = cst_report_database_connect (report_conninfo, error)) == NULL)
    return FALSE;
  return cst_access_log_export_file_for (replica ? replica : conn, conn, from, to, facility_code,
                                         format, path, log, error);
}
