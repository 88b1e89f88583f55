/* cst-fee-report-export.c — the fee report as CSV and as PDF
 *
 * CSV (RFC 4180: CRLF line ends, fields quoted when they hold a comma, a
 * quote or a line break, quotes doubled; UTF-8 without BOM) has one row
 * per fee line, and one row with empty line fields for an invoiced
 * request without lines.  The columns, in this order, are a stable
 * interface: see cst_fee_report_csv_columns.  Money is integer cents.
 * Text cells that a spreadsheet would take for a formula are prefixed
 * with "'" (OWASP CSV injection): an override reason is typed by a clerk
 * and a report is opened by an auditor, so "=HYPERLINK(…)" must stay text.
 * Numbers are written by csv_int, never from stored text, and are left
 * alone so that a negative adjustment stays a number.
 *
 * The PDF has a summary page (totals, flags, buckets, turnaround and a
 * vector bar chart of fees by month) and then the per-request detail.
 * The summary comes first but needs the whole period, so the database is
 * read once, in one repeatable-read transaction, while the detail's rows
 * are spooled to an unlinked temporary file (see read_and_measure); they
 * are drawn from it once the summary is known.  Nothing holds the rows.  The PDF is written through
 * CstPdfStream, which writes each page out when it is finished (libharu
 * kept all of them until the end: 468 MB for 100,000 requests).
 */
#define G_LOG_DOMAIN "cst-fee-report"

#include "config.h"

#include <gio/gunixoutputstream.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "custodian/cst-audit-chain.h"
#include "custodian/cst-csv.h"
#include "custodian/cst-db.h"
#include "custodian/cst-enums.h"
#include "custodian/cst-fee-quote.h"
#include "custodian/cst-fee-report.h"
#include "custodian/cst-input.h"
#include "custodian/cst-money.h"
#include "custodian/cst-report-database.h"
#include "custodian/cst-pdf.h"
#include "custodian/cst-private-file.h"

#include "cst-pdf-stream-private.h"

const char *const cst_fee_report_csv_columns[] = {
  "reference", "received_date", "due_date", "released_date", "jurisdiction",
  "requester_class", "method", "invoice", "rule", "citation", "description",
  "quantity", "amount_cents", "request_total_cents", "legal_maximum_cents",
  "flat_option_cents", "flags", "override_reason", "override_by", "deadline_citation",
  "paid_cents", "balance_cents", "facility", NULL
};

/* ---------------------------------------------------------------- CSV */

/* A number in decimal without printf: a CSV row has seven of them, and
 * g_string_append_printf() allocates for each. */
static void
csv_int (GString *out,
         gint64   value,
         gboolean blank_if_negative)
{
  char digits[24];
  guint64 magnitude = value < 0 ? (guint64) 0 - (guint64) value : (guint64) value;
  gsize at = sizeof digits;

  g_string_append_c (out, ',');
  if (blank_if_negative && value < 0)
    return;
  do
    digits[--at] = (char) ('0' + magnitude % 10);
  while ((magnitude /= 10) > 0);
  if (value < 0)
    digits[--at] = '-';
  g_string_append_len (out, digits + at, (gssize) (sizeof digits - at));
}

/* "YYYY-MM-DD", or "" for an invalid date, into @text.  Formatted here
 * for four-digit years, as g_date_strftime() writes them, which converts
 * the format to the locale's encoding and back on every call. */
static void
iso_date_into (const GDate *date,
               char         text[16])
{
  text[0] = '\0';
  if (!g_date_valid (date))
    return;
  if (g_date_get_year (date) >= 1000 && g_date_get_year (date) <= 9999)
    g_snprintf (text, 16, "%04u-%02u-%02u", (guint) g_date_get_year (date),
                (guint) g_date_get_month (date), (guint) g_date_get_day (date));
  else
    g_date_strftime (text, 16, "%Y-%m-%d", date);
}

static char *
iso_date (const GDate *date)
{
  char text[16];

  iso_date_into (date, text);
  return g_strdup (text);
}

typedef struct
{
  GOutputStream *out;
  GString       *buffer;
  GCancellable  *cancellable;
} CsvState;

/* What a request's rows repeat on every one of its lines, made once. */
typedef struct
{
  char  received[16];
  char  due[16];
  char  released[16];
  char *flags;
} CsvRequestText;

static void
csv_row (GString               *out,
         const CstFeeReportRow *row,
         const CsvRequestText  *text,
         const CstFeeReportLine *line)
{
  const char *fields[] = { row->reference, text->received, text->due, text->released, row->jurisdiction,
                           row->requester, row->method };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    cst_csv_append_text (out, fields[i], i == 0);
  cst_csv_append_text (out, line ? line->invoice : NULL, FALSE);
  cst_csv_append_text (out, line ? line->rule : NULL, FALSE);
  cst_csv_append_text (out, line ? line->citation : NULL, FALSE);
  cst_csv_append_text (out, line ? line->description : NULL, FALSE);
  if (line != NULL)
    {
      csv_int (out, line->quantity, FALSE);
      csv_int (out, line->amount_cents, FALSE);
    }
  else
    g_string_append (out, ",,");
  csv_int (out, row->total_cents, FALSE);
  csv_int (out, row->maximum_cents, TRUE);
  csv_int (out, row->flat_cents, TRUE);
  cst_csv_append_text (out, text->flags, FALSE);
  cst_csv_append_text (out, row->override_reason, FALSE);
  cst_csv_append_text (out, row->override_by, FALSE);
  cst_csv_append_text (out, row->deadline_citation, FALSE);
  csv_int (out, row->paid_cents, FALSE);
  csv_int (out, row->total_cents - row->paid_cents, FALSE);
  cst_csv_append_text (out, row->facility, FALSE);
  g_string_append (out, "\r\n");
}

/* Rows are written in chunks of about this many bytes, whatever stream
 * the caller gives (an unbuffered file took a write() per request). */
#define CSV_CHUNK (64 * 1024)

static gboolean
csv_flush (CsvState *state,
           GError  **error)
{
  gboolean ok = g_output_stream_write_all (state->out, state->buffer->str, state->buffer->len,
                                           NULL, state->cancellable, error);

  g_string_truncate (state->buffer, 0);
  return ok;
}

static gboolean
csv_write_request (const CstFeeReportRow *row,
                   gpointer               user_data,
                   GError               **error)
{
  CsvState *state = user_data;
  g_autofree char *flags = cst_fee_report_flags_to_string (row->flags);
  CsvRequestText text = { .flags = flags };

  iso_date_into (&row->received, text.received);
  iso_date_into (&row->due, text.due);
  iso_date_into (&row->released, text.released);
  if (row->n_lines == 0)
    csv_row (state->buffer, row, &text, NULL);
  for (guint i = 0; i < row->n_lines; i++)
    csv_row (state->buffer, row, &text, &row->lines[i]);
  return state->buffer->len < CSV_CHUNK || csv_flush (state, error);
}

/**
 * cst_fee_report_write_csv:
 * @out: where the CSV goes; it is not closed
 */
gboolean
cst_fee_report_write_csv (PGconn                    *conn,
                          const CstFeeReportFilter  *filter,
                          GOutputStream             *out,
                          CstFeeReportSummary      **summary,
                          GError                   **error)
{
  g_autoptr(GString) buffer = g_string_new (NULL);
  g_autoptr(CstFeeReportSummary) written = NULL;
  CsvState state = { out, buffer, filter->cancellable };

  for (guint i = 0; cst_fee_report_csv_columns[i] != NULL; i++)
    cst_csv_append_text (buffer, cst_fee_report_csv_columns[i], i == 0);
  g_string_append (buffer, "\r\n");
  if (!cst_fee_report_run (conn, filter, csv_write_request, &state, &written, error) ||
      !csv_flush (&state, error))
    return FALSE;
  if (summary != NULL)
    *summary = g_steal_pointer (&written);
  return TRUE;
}

/* ---------------------------------------------------------------- PDF */

/* A bucket's key as people read it: the requester class and the method
 * are database nicks, the month and the state are already words. */
static const char *
bucket_label (const char *by,
              const char *key)
{
  if (g_str_equal (by, "requester"))
    return cst_enum_get_label_for_nick (CST_TYPE_REQUESTER_KIND, key);
  if (g_str_equal (by, "method"))
    return cst_fee_invoice_method_get_label (key);
  return key;
}

static void
pdf_bucket_table (CstPdfStream              *pdf,
                  const CstFeeReportSummary *summary,
                  const char                *by,
                  const char                *title)
{
  CstPdfColumn columns[] = {
    { title, 0.5, CST_PDF_ALIGN_LEFT },
    { _("Requests"), 0.2, CST_PDF_ALIGN_RIGHT },
    { _("Fees"), 0.3, CST_PDF_ALIGN_RIGHT },
  };
  GPtrArray *buckets = cst_fee_report_summary_get_buckets (summary, by);
  CstPdfStreamTable *table = cst_pdf_stream_table_begin (pdf, columns, G_N_ELEMENTS (columns));

  for (guint i = 0; i < buckets->len; i++)
    {
      const CstFeeReportBucket *b = g_ptr_array_index (buckets, i);
      g_autofree char *n = g_strdup_printf ("%" G_GINT64_FORMAT, b->n_requests);
      g_autofree char *money = cst_money_format (b->cents);
      const char *cells[] = { bucket_label (by, b->key), n, money };

      cst_pdf_stream_table_row (table, cells, CST_PDF_ROW_NORMAL);
    }
  cst_pdf_stream_table_end (table);
}

/* A vector bar chart of fees by month, scaled to the largest month:
 * filled rectangles, so it stays sharp at any zoom, and drawn by the
 * direct writer as well as cairo.  While measuring only the space is
 * taken. */
static void
pdf_month_chart (CstPdfStream              *pdf,
                 const CstFeeReportSummary *summary)
{
  GPtrArray *months = cst_fee_report_summary_get_buckets (summary, "month");
  CstPdfStyle label = { .size = 7, .align = CST_PDF_ALIGN_CENTER };
  gint64 largest = 1;
  CstPdfRect area;
  double slot, base;

  if (months->len == 0 || !cst_pdf_stream_reserve (pdf, 150, &area))
    return;
  for (guint i = 0; i < months->len; i++)
    largest = MAX (largest, ((CstFeeReportBucket *) g_ptr_array_index (months, i))->cents);
  base = area.y + area.height - 20;
  slot = area.width / months->len;
  cst_pdf_stream_stroke_line (pdf, area.x, base, area.x + area.width, base, 1, 0.2, 0.2, 0.2);
  for (guint i = 0; i < months->len; i++)
    {
      const CstFeeReportBucket *b = g_ptr_array_index (months, i);
      double height = (area.height - 40) * (double) b->cents / (double) largest;
      double x = area.x + i * slot + slot * 0.15;
      g_autofree char *money = cst_money_format (b->cents);

      cst_pdf_stream_fill_rectangle (pdf, x, base - MAX (height, 0.5), slot * 0.7, MAX (height, 0.5),
                                     0.2, 0.4, 0.7);
      cst_pdf_stream_draw_text (pdf, x + slot * 0.35, base + 10, b->key, &label);
      if (months->len <= 12)
        cst_pdf_stream_draw_text (pdf, x + slot * 0.35, base - height - 3, money, &label);
    }
}

static void
pdf_flags_table (CstPdfStream              *pdf,
                 const CstFeeReportSummary *summary)
{
  CstPdfColumn columns[] = {
    { _("Compliance flag"), 0.8, CST_PDF_ALIGN_LEFT },
    { _("Requests"), 0.2, CST_PDF_ALIGN_RIGHT },
  };
  CstPdfStreamTable *table = cst_pdf_stream_table_begin (pdf, columns, G_N_ELEMENTS (columns));

  for (guint i = 0; i < CST_FEE_REPORT_N_FLAGS; i++)
    {
      CstFeeReportFlag flag = 1u << i;
      g_autofree char *n = g_strdup_printf ("%" G_GINT64_FORMAT,
                                            cst_fee_report_summary_get_flag_count (summary, flag));
      const char *cells[] = { cst_fee_report_flag_describe (flag), n };

      cst_pdf_stream_table_row (table, cells, CST_PDF_ROW_NORMAL);
    }
  cst_pdf_stream_table_end (table);
}

static char *
describe_period (const CstFeeReportFilter *filter)
{
  g_autofree char *from = iso_date (&filter->from);
  g_autofree char *to = iso_date (&filter->to);

  return g_strdup_printf (_("Requests received %s to %s; jurisdiction: %s; requester class: %s; "
                            "invoiced by: %s; status: %s; facility: %s."),
                          from, to, filter->jurisdiction ? filter->jurisdiction : _("all"),
                          filter->requester
                            ? cst_enum_get_label_for_nick (CST_TYPE_REQUESTER_KIND, filter->requester)
                            : _("all"),
                          filter->clerk ? filter->clerk : _("anyone"),
                          filter->status
                            ? cst_enum_get_label_for_nick (CST_TYPE_REQUEST_STATUS, filter->status)
                            : _("any"),
                          filter->facility_code ? filter->facility_code : _("all"));
}

static void
pdf_summary (CstPdfStream              *pdf,
             const CstFeeReportFilter  *filter,
             const CstFeeReportSummary *summary)
{
  g_autofree char *period = describe_period (filter);
  g_autofree char *total = cst_money_format (cst_fee_report_summary_get_total_cents (summary));
  g_autofree char *totals = g_strdup_printf (_("Invoiced requests: %lld. Fee lines: %lld. Total charged: %s."),
                                             (long long) cst_fee_report_summary_get_n_requests (summary),
                                             (long long) cst_fee_report_summary_get_n_lines (summary),
                                             total);
  g_autofree char *turnaround = cst_fee_report_summary_describe_turnaround (summary);
  g_autofree char *collected = cst_money_format (cst_fee_report_summary_get_collected_cents (summary));
  g_autofree char *outstanding = cst_money_format (cst_fee_report_summary_get_outstanding_cents (summary));
  g_autofree char *money = g_strdup_printf (_("Collected: %s. Outstanding: %s."), collected, outstanding);

  cst_pdf_stream_heading (pdf, _("Fee justification report"));
  cst_pdf_stream_paragraph (pdf, period);
  cst_pdf_stream_paragraph (pdf, totals);
  cst_pdf_stream_paragraph (pdf, money);
  pdf_flags_table (pdf, summary);
  cst_pdf_stream_heading (pdf, _("Turnaround"));
  cst_pdf_stream_paragraph (pdf, turnaround);
  cst_pdf_stream_heading (pdf, _("Fees by month"));
  pdf_month_chart (pdf, summary);
  pdf_bucket_table (pdf, summary, "month", _("Month"));
  pdf_bucket_table (pdf, summary, "jurisdiction", _("Jurisdiction"));
  pdf_bucket_table (pdf, summary, "requester", _("Requester class"));
  pdf_bucket_table (pdf, summary, "method", _("Method"));
  pdf_bucket_table (pdf, summary, "facility", _("Facility"));
}

/* ---------------------------------------------------------------- spool */

/* The detail's table rows, as the one database pass made them, kept in a
 * temporary file until the summary page that comes before them is drawn.
 * The file is unlinked as soon as it is open (nothing is left behind,
 * even by a crash), readable by this process only, and carries no name
 * from the data.  A record is the row style (one byte), the lengths of
 * the detail's DETAIL_COLUMNS cells (32 bits each), then the cells' bytes,
 * each with its NUL. */
#define DETAIL_COLUMNS 5

typedef struct
{
  FILE    *file;
  GString *record;   /* the row being written or read back */
} Spool;

static void
spool_clear (Spool *spool)
{
  g_clear_pointer (&spool->file, fclose);
  if (spool->record != NULL)
    g_string_free (g_steal_pointer (&spool->record), TRUE);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Spool, spool_clear)

static gboolean
spool_io_error (Spool   *spool,
                GError **error)
{
  int saved = errno;

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
               _("The report's temporary file failed: %s"), g_strerror (saved));
  return FALSE;
}

static gboolean
spool_open (Spool   *spool,
            GError **error)
{
  g_autofree char *name = NULL;
  int fd = g_file_open_tmp ("custodian-report-XXXXXX", &name, error);

  if (fd < 0)
    return FALSE;
  g_unlink (name);
  if ((spool->file = fdopen (fd, "w+b")) == NULL)
    {
      close (fd);
      return spool_io_error (spool, error);
    }
  setvbuf (spool->file, NULL, _IOFBF, 256 * 1024);
  spool->record = g_string_new (NULL);
  return TRUE;
}

/* A record's head: the row style and each cell's length. */
#define SPOOL_HEAD (1 + DETAIL_COLUMNS * sizeof (guint32))

/* Write errors are sticky in the FILE and checked once, at the rewind.
 * The record is put together first and written with one call, as it is
 * read back with two: a report spools some 600,000 rows. */
static void
spool_put_row (Spool             *spool,
               const char *const *cells,
               CstPdfRowStyle     style)
{
  guint8 head[SPOOL_HEAD] = { (guint8) style };
  GString *record = spool->record;

  g_string_truncate (record, 0);
  g_string_append_len (record, (const char *) head, SPOOL_HEAD);
  for (guint c = 0; c < DETAIL_COLUMNS; c++)
    {
      const char *cell = cells[c] ? cells[c] : "";
      guint32 length = (guint32) strlen (cell);

      memcpy (record->str + 1 + c * sizeof length, &length, sizeof length);
      g_string_append_len (record, cell, length + 1);   /* with its NUL */
    }
  fwrite (record->str, 1, record->len, spool->file);
}

static gboolean
spool_rewind (Spool   *spool,
              GError **error)
{
  if (fflush (spool->file) != 0 || ferror (spool->file) || fseek (spool->file, 0, SEEK_SET) != 0)
    return spool_io_error (spool, error);
  return TRUE;
}

/* The next row into @cells (valid until the next call); FALSE at the end
 * or, with @error set, on a short read. */
static gboolean
spool_next_row (Spool           *spool,
                const char     **cells,
                CstPdfRowStyle  *style,
                GError         **error)
{
  guint8 head[SPOOL_HEAD];
  guint32 lengths[DETAIL_COLUMNS];
  gsize size = 0, at = 0, got;

  if ((got = fread (head, 1, SPOOL_HEAD, spool->file)) != SPOOL_HEAD)
    return got > 0 || ferror (spool->file) ? spool_io_error (spool, error) : FALSE;
  memcpy (lengths, head + 1, sizeof lengths);
  for (guint c = 0; c < DETAIL_COLUMNS; c++)
    size += lengths[c] + 1;
  g_string_set_size (spool->record, size);
  if (fread (spool->record->str, 1, size, spool->file) != size)
    return spool_io_error (spool, error);
  for (guint c = 0; c < DETAIL_COLUMNS; c++)
    {
      cells[c] = spool->record->str + at;
      at += lengths[c] + 1;
    }
  *style = (CstPdfRowStyle) head[0];
  return TRUE;
}

/* ---------------------------------------------------------------- detail */

/* Where the detail's rows go while the database is read: laid out on the
 * measuring writer (to count the pages) and spooled for the drawing. */
typedef struct
{
  CstPdfStreamTable *measure;
  Spool             *spool;
} DetailSink;

static void
detail_row (DetailSink        *sink,
            const char *const *cells,
            CstPdfRowStyle     style)
{
  cst_pdf_stream_table_row (sink->measure, cells, style);
  spool_put_row (sink->spool, cells, style);
}

/* Five columns: the request on a bold row, then its lines (description
 * in words, citation, amount), then its flags in words and any override. */
static gboolean
pdf_detail_row (const CstFeeReportRow *row,
                gpointer               user_data,
                GError               **error)
{
  DetailSink *sink = user_data;
  g_autofree char *received = iso_date (&row->received);
  g_autofree char *due = g_date_valid (&row->due) ? iso_date (&row->due) : g_strdup (_("no legal deadline"));
  g_autofree char *released = g_date_valid (&row->released) ? iso_date (&row->released) : g_strdup ("—");
  /* The deadline names the rule that set it. */
  g_autofree char *dates = row->deadline_citation
                           ? g_strdup_printf ("%s / %s (%s) / %s", received, due, row->deadline_citation, released)
                           : g_strdup_printf ("%s / %s / %s", received, due, released);
  g_autofree char *who = g_strdup_printf ("%s, %s",
                                          cst_enum_get_label_for_nick (CST_TYPE_REQUESTER_KIND, row->requester),
                                          cst_fee_invoice_method_get_label (row->method));
  g_autofree char *total = cst_money_format (row->total_cents);
  g_autofree char *maximum = row->maximum_cents >= 0 ? cst_money_format (row->maximum_cents)
                                                     : g_strdup ("—");
  const char *cells[] = { row->reference, dates, who, total, maximum };

  G_STATIC_ASSERT (G_N_ELEMENTS (cells) == DETAIL_COLUMNS);
  detail_row (sink, cells, CST_PDF_ROW_BOLD);
  for (guint i = 0; i < row->n_lines; i++)
    {
      const CstFeeReportLine *line = &row->lines[i];
      g_autofree char *amount = cst_money_format (line->amount_cents);
      /* The rule's code stays in the CSV, for machines; the description
       * says the same in words. */
      const char *line_cells[] = { line->description ? line->description : "",
                                   line->citation ? line->citation : "", line->invoice, amount, "" };

      detail_row (sink, line_cells, CST_PDF_ROW_SUBTLE);
    }
  {
    g_autofree char *paid = cst_money_format (row->paid_cents);
    g_autofree char *owed = cst_money_format (row->total_cents - row->paid_cents);
    g_autofree char *money = g_strdup_printf (_("Collected %s; outstanding %s"), paid, owed);
    const char *money_cells[] = { money, "", "", "", "" };

    detail_row (sink, money_cells, CST_PDF_ROW_SUBTLE);
  }
  if (row->flags != 0)
    {
      g_autofree char *flags = cst_fee_report_flags_describe (row->flags);
      g_autofree char *why = g_strdup_printf (_("Flags: %s"), flags);
      g_autofree char *override = row->override_reason
        ? g_strdup_printf (_("Override by %s: %s"), row->override_by, row->override_reason)
        : g_strdup ("");
      const char *flag_cells[] = { why, override, "", "", "" };

      detail_row (sink, flag_cells, CST_PDF_ROW_NORMAL);
    }
  return TRUE;
}

/* The detail starts on a page of its own, so its pages can be counted
 * apart from the summary's (see write_pdf_stream). */
static CstPdfStreamTable *
pdf_detail_begin (CstPdfStream *pdf)
{
  CstPdfColumn columns[] = {
    { _("Request / fee line"), 0.34, CST_PDF_ALIGN_LEFT },
    { _("Received / due / released; citation"), 0.30, CST_PDF_ALIGN_LEFT },
    { _("Class, method; invoice"), 0.16, CST_PDF_ALIGN_LEFT },
    { _("Total"), 0.10, CST_PDF_ALIGN_RIGHT },
    { _("Maximum"), 0.10, CST_PDF_ALIGN_RIGHT },
  };

  G_STATIC_ASSERT (G_N_ELEMENTS (columns) == DETAIL_COLUMNS);
  cst_pdf_stream_page_break (pdf);
  cst_pdf_stream_heading (pdf, _("Requests"));
  return cst_pdf_stream_table_begin (pdf, columns, G_N_ELEMENTS (columns));
}

/* The one pass over the database: the rows are laid out on a measuring
 * writer (same fonts, same widths, same breaks, nothing drawn) to count
 * the detail's pages and spooled; the summary, complete at the end, is
 * then measured alone.  Page 1 can thus say "Page 1 of Y", and the
 * database is read (and every invoice quoted again) once, not twice as
 * when a first pass only counted.  The layout depends only on the rows,
 * so the drawing breaks at the same places; cst_pdf_stream_finish()
 * checks the count and fails the export rather than print a wrong total. */
static gboolean
read_and_measure (PGconn                    *conn,
                  const CstFeeReportFilter  *filter,
                  Spool                     *spool,
                  CstFeeReportSummary      **summary,
                  guint                     *n_pages,
                  GError                   **error)
{
  g_autoptr(CstPdfStream) detail = cst_pdf_stream_new_measure (CST_PDF_PAPER_LETTER, error);
  g_autoptr(CstPdfStream) front = NULL;
  DetailSink sink = { NULL, spool };
  gboolean ok;

  if (detail == NULL)
    return FALSE;
  sink.measure = pdf_detail_begin (detail);
  ok = cst_fee_report_run (conn, filter, pdf_detail_row, &sink, summary, error);
  cst_pdf_stream_table_end (sink.measure);
  if (!ok || (front = cst_pdf_stream_new_measure (CST_PDF_PAPER_LETTER, error)) == NULL)
    return FALSE;
  pdf_summary (front, filter, *summary);
  *n_pages = cst_pdf_stream_get_n_pages (front) + cst_pdf_stream_get_n_pages (detail);
  return TRUE;
}

/* Draws the spooled rows; the cancellable is checked every few rows, as
 * the database pass checks it before each request. */
static gboolean
draw_detail (CstPdfStream             *pdf,
             Spool                    *spool,
             const CstFeeReportFilter *filter,
             GError                  **error)
{
  CstPdfStreamTable *table = pdf_detail_begin (pdf);
  const char *cells[DETAIL_COLUMNS];
  CstPdfRowStyle style = CST_PDF_ROW_NORMAL;
  g_autoptr(GError) local = NULL;
  guint n = 0;

  while (spool_next_row (spool, cells, &style, &local))
    {
      if (++n % 64 == 0 && g_cancellable_set_error_if_cancelled (filter->cancellable, &local))
        break;
      cst_pdf_stream_table_row (table, cells, style);
    }
  cst_pdf_stream_table_end (table);
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_pdf_stream (PGconn                    *conn,
                  const CstFeeReportFilter  *filter,
                  GOutputStream             *out,
                  CstFeeReportSummary      **summary,
                  GError                   **error)
{
  g_autoptr(CstFeeReportSummary) read = NULL;
  g_autoptr(CstPdfStream) pdf = NULL;
  g_auto(Spool) spool = { 0 };
  guint n_pages = 0;

  if (!spool_open (&spool, error) ||
      !read_and_measure (conn, filter, &spool, &read, &n_pages, error) ||
      !spool_rewind (&spool, error) ||
      (pdf = cst_pdf_stream_new_direct (out, CST_PDF_PAPER_LETTER, filter->cancellable, error)) == NULL)
    return FALSE;
  /* Metadata: the kind of document only, never request data. */
  cst_pdf_stream_set_title (pdf, _("Fee justification report"));
  cst_pdf_stream_set_footer (pdf, _("Fee justification report"));
  cst_pdf_stream_set_n_pages (pdf, n_pages);
  pdf_summary (pdf, filter, read);
  if (!draw_detail (pdf, &spool, filter, error) || !cst_pdf_stream_finish (pdf, error))
    return FALSE;
  if (summary != NULL)
    *summary = g_steal_pointer (&read);
  return TRUE;
}

static gboolean
write_pdf_fd (PGconn                    *conn,
              const CstFeeReportFilter  *filter,
              int                        fd,
              CstFeeReportSummary      **summary,
              GError                   **error)
{
  g_autoptr(GOutputStream) out = g_unix_output_stream_new (fd, TRUE);

  if (!write_pdf_stream (conn, filter, out, summary, error))
    {
      g_output_stream_close (out, NULL, NULL);
      return FALSE;
    }
  return g_output_stream_close (out, NULL, error);
}

/**
 * cst_fee_report_write_pdf:
 * @summary: (out) (optional): the totals the PDF shows
 *
 * Pages are written as they are finished, so memory does not grow with
 * the period, to a 0600 file put in place at the end
 * (cst_private_file_create_temp()); a failed or cancelled report leaves
 * nothing at @path.
 */
gboolean
cst_fee_report_write_pdf (PGconn                    *conn,
                          const CstFeeReportFilter  *filter,
                          const char                *path,
                          CstFeeReportSummary      **summary,
                          GError                   **error)
{
  g_autofree char *tmp = NULL;
  int fd = cst_private_file_create_temp (path, &tmp, error);

  if (fd < 0)
    return FALSE;
  if (!write_pdf_fd (conn, filter, fd, summary, error))
    {
      g_unlink (tmp);
      return FALSE;
    }
  return cst_private_file_commit (tmp, path, error);
}

/* ---------------------------------------------------------------- to a file */

static gboolean
write_csv_fd (PGconn                    *conn,
              const CstFeeReportFilter  *filter,
              int                        fd,
              CstFeeReportSummary      **summary,
              GError                   **error)
{
  g_autoptr(GOutputStream) out = g_unix_output_stream_new (fd, TRUE);
  g_autoptr(GOutputStream) buffered = g_buffered_output_stream_new_sized (out, 64 * 1024);
  gboolean ok = cst_fee_report_write_csv (conn, filter, buffered, summary, error);

  if (!ok)
    {
      g_output_stream_close (buffered, NULL, NULL);
      return FALSE;
    }
  return g_output_stream_close (buffered, NULL, error);
}

static gboolean
log_export (PGconn                    *conn,
            const CstFeeReportFilter  *filter,
            CstFeeReportFormat         format,
            const CstFeeReportSummary *summary,
            GError                   **error)
{
  g_autofree char *from = iso_date (&filter->from);
  g_autofree char *to = iso_date (&filter->to);
  g_autofree char *n = g_strdup_printf ("%" G_GINT64_FORMAT, cst_fee_report_summary_get_n_requests (summary));
  const char *optional[][2] = {
    { "state", filter->jurisdiction }, { "requester", filter->requester },
    { "clerk", filter->clerk }, { "status", filter->status },
    { "facility", filter->facility_code },
  };
  const char *details[24];
  guint i = 0;

  details[i++] = "report"; details[i++] = "fees";
  details[i++] = "from"; details[i++] = from;
  details[i++] = "to"; details[i++] = to;
  for (guint k = 0; k < G_N_ELEMENTS (optional); k++)
    if (optional[k][1] != NULL)
      {
        details[i++] = optional[k][0];
        details[i++] = optional[k][1];
      }
  details[i++] = "format"; details[i++] = format == CST_FEE_REPORT_FORMAT_CSV ? "csv" : "pdf";
  details[i++] = "requests"; details[i++] = n;
  details[i] = NULL;
  return cst_audit_log_event (conn, "report.exported", details, error) > 0;
}

/**
 * cst_fee_report_export_file:
 * @summary: (out) (optional): the totals of what was written
 *
 * The file is readable by its owner only (the report names requests):
 * written as a 0600 temporary file and renamed into place
 * (cst_private_file_create_temp()).
 */
gboolean
cst_fee_report_export_file (PGconn                    *conn,
                            const CstFeeReportFilter  *filter,
                            CstFeeReportFormat         format,
                            const char                *path,
                            CstFeeReportSummary      **summary,
                            GError                   **error)
{
  return cst_fee_report_export_file_from (conn, conn, filter, format, path, summary, error);
}

/**
 * cst_fee_report_export_file_from:
 * @reading: where the report is read (a report database, or the primary)
 * @recording: where its audit row is written: the primary
 *
 * cst_fee_report_export_file() reading from one database and recording
 * the export in another, as a report read from a replica must: a hot
 * standby takes no writes.
 */
gboolean
cst_fee_report_export_file_from (PGconn                    *reading,
                                 PGconn                    *recording,
                                 const CstFeeReportFilter  *filter,
                                 CstFeeReportFormat         format,
                                 const char                *path,
                                 CstFeeReportSummary      **summary,
                                 GError                   **error)
{
  g_autoptr(CstFeeReportSummary) written = NULL;
  g_autofree char *tmp = NULL;
  int fd = cst_private_file_create_temp (path, &tmp, error);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  if (format == CST_FEE_REPORT_FORMAT_CSV)
    ok = write_csv_fd (reading, filter, fd, &written, error);
  else
    ok = write_pdf_fd (reading, filter, fd, &written, error);
  if (!(ok && log_export (recording, filter, format, written, error)))
    {
      g_unlink (tmp);
      return FALSE;
    }
  if (!cst_private_file_commit (tmp, path, error))
    return FALSE;
  if (summary != NULL)
    *summary = g_steal_pointer (&written);
  return TRUE;
}

/**
 * cst_fee_report_export_file_at:
 * @report_conninfo: (nullable): a report database to read from, opened
 *   read-only; NULL reads from @conninfo
 */
gboolean
cst_fee_report_export_file_at (const char                *conninfo,
                               const char                *report_conninfo,
                               const CstFeeReportFilter  *filter,
                               CstFeeReportFormat         format,
                               const char                *path,
                               CstFeeReportSummary      **summary,
                               GError                   **error)
{
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, error);
  g_autoptr(PGconn) replica = NULL;

  if (conn == NULL)
    return FALSE;
  if (report_conninfo != NULL &&
      (replica = cst_report_database_connect (report_conninfo, error)) == NULL)
    return FALSE;
  return cst_fee_report_export_file_from (replica ? replica : conn, conn, filter, format, path,
                                          summary, error);
}
