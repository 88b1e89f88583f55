/* cst-reports-page.c — the Reports area: the fee justification report for
 * a period and filters, with its totals, compliance flags and requests,
 * each request one activation away, and its export as PDF or CSV
 *
 * The page has a connection of its own (same server, same login): a
 * year's report or export can take a while, and on the store's connection
 * it would hold up every clerk's save behind it.  Both the run and the
 * export go through that connection's worker thread; the main loop only
 * shows what comes back.  An export writes the report on screen (the
 * filters of the last run, not what is typed since), reports progress
 * through a counter the main loop polls, and can be cancelled: the model
 * checks the GCancellable before each request and leaves no file behind
 * (cst_fee_report_export_file).
 */
#define G_LOG_DOMAIN "cst-reports-page"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cst-access-log-panel.h"
#include "cst-cell.h"
#include "cst-plain-text.h"
#include "cst-reports-page.h"
#include "cst-dispose.h"
#include "cst-facility-chooser.h"

#include <custodian/cst-enums.h>
#include <custodian/cst-error.h>
#include <custodian/cst-fee-quote.h>
#include <custodian/cst-input.h>
#include <custodian/cst-locale-format.h>

/* How often the progress bar looks at the export's counter. */
#define PROGRESS_POLL_MS 100
/* The list shows at most this many requests: a year of a large hospital
 * is 100,000 rows, which as widgets' models would take hundreds of MB and
 * nobody scrolls through.  The totals, flags and exports cover them all. */
#define DEFAULT_ROW_LIMIT 5000

/* ---- one request of the list ------------------------------------------ */

enum { COL_REFERENCE, COL_RECEIVED, COL_RELEASED, COL_CLASS, COL_METHOD, COL_TOTAL, COL_FLAGS,
       N_COLUMNS };
static const char *const column_names[N_COLUMNS] = {
  "reference", "received", "released", "class", "method", "total", "flags",
};

struct _CstReportRow
{
  GObject parent_instance;

  gint64  request_id;
  gint64  total_cents;
  guint   flags;
  char   *text[N_COLUMNS];
};

G_DEFINE_FINAL_TYPE (CstReportRow, cst_report_row, G_TYPE_OBJECT)

static void
cst_report_row_finalize (GObject *object)
{
  CstReportRow *self = CST_REPORT_ROW (object);

  for (guint i = 0; i < N_COLUMNS; i++)
    g_free (self->text[i]);
  G_OBJECT_CLASS (cst_report_row_parent_class)->finalize (object);
}

static void
cst_report_row_class_init (CstReportRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cst_report_row_finalize;
}

static void
cst_report_row_init (CstReportRow *self)
{
}

gint64 cst_report_row_get_request_id (CstReportRow *self) { return self->request_id; }
const char *cst_report_row_get_reference (CstReportRow *self) { return self->text[COL_REFERENCE]; }
gint64 cst_report_row_get_total_cents (CstReportRow *self) { return self->total_cents; }
guint cst_report_row_get_flags (CstReportRow *self) { return self->flags; }

const char *
cst_report_row_get_text (CstReportRow *self,
                         const char   *column)
{
  for (guint i = 0; i < N_COLUMNS; i++)
    if (g_strcmp0 (column, column_names[i]) == 0)
      return self->text[i];
  g_return_val_if_reached (NULL);
}

/* Runs on the worker thread: the report's row is only valid during the
 * callback, so everything shown is copied.  Returns a new CstReportRow. */
static gpointer
report_row_new (const CstFeeReportRow *row)
{
  CstReportRow *self = g_object_new (CST_TYPE_REPORT_ROW, NULL);

  self->request_id = row->request_id;
  self->total_cents = row->total_cents;
  self->flags = row->flags;
  self->text[COL_REFERENCE] = g_strdup (row->reference);
  self->text[COL_RECEIVED] = cst_locale_format_date (&row->received);
  self->text[COL_RELEASED] = g_date_valid (&row->released) ? cst_locale_format_date (&row->released)
                                                           : g_strdup (_("Not released"));
  self->text[COL_CLASS] = g_strdup (cst_enum_get_label_for_nick (CST_TYPE_REQUESTER_KIND, row->requester));
  self->text[COL_METHOD] = g_strdup (cst_fee_invoice_method_get_label (row->method));
  self->text[COL_TOTAL] = cst_locale_format_money (row->total_cents);
  self->text[COL_FLAGS] = cst_fee_report_flags_describe (row->flags);
  return self;
}

/* ---- what to report ------------------------------------------------------ */

typedef struct
{
  GDate  from, to;
  char  *state, *requester, *clerk, *status;
  char  *facility;    /* a facility's code; NULL: the whole system */
  guint  row_limit;   /* requests kept for the list */
} Query;

static void
query_free (gpointer data)
{
  Query *q = data;

  if (q == NULL)
    return;
  g_free (q->state); g_free (q->requester); g_free (q->clerk); g_free (q->status);
  g_free (q->facility);
  g_free (q);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Query, query_free)

static Query *
query_copy (const Query *q)
{
  Query *copy = g_memdup2 (q, sizeof *q);

  copy->state = g_strdup (q->state);
  copy->requester = g_strdup (q->requester);
  copy->clerk = g_strdup (q->clerk);
  copy->status = g_strdup (q->status);
  copy->facility = g_strdup (q->facility);
  return copy;
}

static void
query_to_filter (const Query        *q,
                 CstFeeReportFilter *filter)
{
  memset (filter, 0, sizeof *filter);
  filter->from = q->from;
  filter->to = q->to;
  filter->jurisdiction = q->state;
  filter->requester = q->requester;
  filter->clerk = q->clerk;
  filter->status = q->status;
  filter->facility_code = q->facility;
}

/* ---- the page ------------------------------------------------------------ */

typedef struct _ExportJob ExportJob;

struct _CstReportsPage
{
  AdwBin          parent_instance;

  GtkEntry       *from_entry;
  GtkEntry       *to_entry;
  GtkEntry       *state_entry;
  CstFacilityChooser *facility_chooser;
  GtkDropDown    *requester_dropdown;
  GtkEntry       *clerk_entry;
  GtkDropDown    *status_dropdown;
  GtkLabel       *error_label;
  GtkWidget      *replica_box;
  GtkLabel       *replica_label;
  GtkLabel       *as_of_label;
  GtkStack       *result_stack;
  GtkLabel       *totals_label;
  GtkLabel       *turnaround_label;
  GtkLabel       *limit_label;
  GtkListBox     *flags_box;
  GtkColumnView  *column_view;
  GtkWidget      *progress_box;
  GtkProgressBar *progress_bar;
  GtkLabel       *export_status_label;
  GtkStack       *report_stack;
  CstAccessLogPanel *access_log_panel;

  GtkLabel       *flag_labels[CST_FEE_REPORT_N_FLAGS];
  gint64          flag_counts[CST_FEE_REPORT_N_FLAGS];
  GListStore     *rows;
  CstConnection  *connection;   /* the page's own */
  char           *report_conninfo; /* a replica to read from, or NULL */
  guint           lag_limit;
  CstConnection  *replica;      /* on report_conninfo, read-only */
  gboolean        use_primary;  /* the user chose the primary over the replica */
  CstConnection  *read_from;    /* what the report on screen was read from */
  GCancellable   *cancellable;  /* cancelled when the page goes */
  Query          *shown;        /* what the report on screen was run for */
  Query          *running_query; /* what the run under way is for */
  gint64          shown_requests;
  guint           row_limit;
  ExportJob      *export;       /* the export being written, or NULL */
  guint           progress_id;
  gboolean        running;
  GtkFileChooserNative *chooser;
};

G_DEFINE_FINAL_TYPE (CstReportsPage, cst_reports_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  OPEN_REQUEST,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

gboolean
cst_reports_page_get_busy (CstReportsPage *self)
{
  g_return_val_if_fail (CST_IS_REPORTS_PAGE (self), FALSE);

  return self->running || self->export != NULL;
}

static void
update_actions (CstReportsPage *self)
{
  gboolean busy = cst_reports_page_get_busy (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "reports.run", !busy && self->connection);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "reports.export", !busy && self->shown);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "reports.cancel-export", self->export != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "reports.use-primary",
                                 !busy && self->replica != NULL && !self->use_primary);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
show_error (CstReportsPage *self,
            const char     *message)
{
  gtk_label_set_label (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
toast (CstReportsPage *self,
       const char     *message)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), cst_toast_new_plain (message));
}

/* ---- reading the filters ------------------------------------------------- */

/* Position 0 of each drop-down is "all"; the rest follow the enum. */
static char *
dropdown_nick (GtkDropDown *dropdown,
               GType        enum_type)
{
  guint position = gtk_drop_down_get_selected (dropdown);

  if (position == 0 || position == GTK_INVALID_LIST_POSITION)
    return NULL;
  return g_strdup (cst_enum_to_nick (enum_type, (int) position - 1));
}

static char *
entry_text_or_null (GtkEntry *entry)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));

  return *text ? g_steal_pointer (&text) : NULL;
}

static Query *
read_query (CstReportsPage  *self,
            GError         **error)
{
  g_autoptr(Query) q = g_new0 (Query, 1);
  g_autofree char *from = entry_text_or_null (self->from_entry);
  g_autofree char *to = entry_text_or_null (self->to_entry);

  if (!cst_input_parse_date (from, &q->from, NULL) || !cst_input_parse_date (to, &q->to, NULL))
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                           _("Type the period's first and last received dates as YYYY-MM-DD."));
      return NULL;
    }
  if (g_date_compare (&q->from, &q->to) > 0)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                           _("The period's first date must be on or before its last date."));
      return NULL;
    }
  q->facility = g_strdup (cst_facility_chooser_get_code (self->facility_chooser));
  q->state = entry_text_or_null (self->state_entry);
  if (q->state != NULL)
    {
      char *upper = g_ascii_strup (q->state, -1);

      g_free (q->state);
      q->state = upper;
      if (!cst_input_check_jurisdiction (q->state, error))
        return NULL;
    }
  q->requester = dropdown_nick (self->requester_dropdown, CST_TYPE_REQUESTER_KIND);
  q->status = dropdown_nick (self->status_dropdown, CST_TYPE_REQUEST_STATUS);
  q->clerk = entry_text_or_null (self->clerk_entry);
  return g_steal_pointer (&q);
}

/* ---- running the report -------------------------------------------------- */

/* What a run gives the page: the query it ran, the first rows, the summary. */
typedef struct
{
  Query               *query;
  GPtrArray           *rows;     /* of CstReportRow */
  CstFeeReportSummary *summary;
} RunResult;

static char *
totals_text (const CstFeeReportSummary *summary)
{
  gint64 n = cst_fee_report_summary_get_n_requests (summary);
  gint64 lines = cst_fee_report_summary_get_n_lines (summary);
  g_autofree char *money = cst_locale_format_money (cst_fee_report_summary_get_total_cents (summary));
  g_autofree char *requests = g_strdup_printf (g_dngettext (NULL, "%lld invoiced request",
                                                            "%lld invoiced requests", n), (long long) n);
  g_autofree char *fee_lines = g_strdup_printf (g_dngettext (NULL, "%lld fee line", "%lld fee lines", lines),
                                                (long long) lines);

  g_autofree char *collected = cst_locale_format_money (cst_fee_report_summary_get_collected_cents (summary));
  g_autofree char *outstanding = cst_locale_format_money (cst_fee_report_summary_get_outstanding_cents (summary));

  return g_strdup_printf (_("%s, %s, %s charged; %s collected, %s outstanding."), requests, fee_lines,
                          money, collected, outstanding);
}

/* Says when the list holds fewer requests than the report, and where
 * the others are. */
static void
show_limit (CstReportsPage *self,
            RunResult      *result)
{
  gint64 n = cst_fee_report_summary_get_n_requests (result->summary);
  g_autofree char *text = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->limit_label), n > (gint64) result->rows->len);
  if (n <= (gint64) result->rows->len)
    return;
  text = g_strdup_printf (g_dngettext (NULL,
                                       "The list shows the first %u of %lld invoiced request; the totals and flags count all of them. Export the report as PDF or CSV for every request.",
                                       "The list shows the first %u of %lld invoiced requests; the totals and flags count all of them. Export the report as PDF or CSV for every request.",
                                       n),
                          result->rows->len, (long long) n);
  gtk_label_set_label (self->limit_label, text);
}

static void
show_result (CstReportsPage *self,
             RunResult      *result)
{
  g_autofree char *totals = totals_text (result->summary);
  g_autofree char *turnaround = cst_fee_report_summary_describe_turnaround (result->summary);

  show_limit (self, result);
  g_list_store_splice (self->rows, 0, g_list_model_get_n_items (G_LIST_MODEL (self->rows)),
                       result->rows->pdata, result->rows->len);
  gtk_label_set_label (self->totals_label, totals);
  gtk_label_set_label (self->turnaround_label, turnaround);
  for (guint i = 0; i < CST_FEE_REPORT_N_FLAGS; i++)
    {
      g_autofree char *count = NULL;

      self->flag_counts[i] = cst_fee_report_summary_get_flag_count (result->summary, 1u << i);
      count = g_strdup_printf ("%" G_GINT64_FORMAT, self->flag_counts[i]);
      gtk_label_set_label (self->flag_labels[i], count);
    }
  query_free (self->shown);
  self->shown = g_steal_pointer (&result->query);
  self->shown_requests = cst_fee_report_summary_get_n_requests (result->summary);
  gtk_stack_set_visible_child_name (self->result_stack, "report");
}

static void
run_done_cb (GObject      *object,
             GAsyncResult *res,
             gpointer      user_data)
{
  g_autoptr(CstReportsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(CstFeeReportSummary) summary = NULL;
  RunResult result;

  if (!cst_fee_report_run_finish (CST_CONNECTION (object), res, &rows, &summary, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->running = FALSE;
  if (error != NULL)
    show_error (self, error->message);
  else
    {
      result = (RunResult) { g_steal_pointer (&self->running_query), rows, summary };
      show_result (self, &result);
      query_free (result.query);
    }
  update_actions (self);
}

static void
run_on (CstReportsPage *self,
        CstConnection  *connection)
{
  CstFeeReportFilter filter;

  query_to_filter (self->running_query, &filter);
  g_set_object (&self->read_from, connection);
  cst_fee_report_run_async (connection, &filter, self->running_query->row_limit,
                            report_row_new, g_object_unref, self->cancellable,
                            run_done_cb, g_object_ref (self));
}

/* Under the filters: where the figures come from and as of when; and,
 * when the replica is behind or unreachable, why, beside the button that
 * reads from the primary instead. */
static void
show_reading (CstReportsPage         *self,
              const CstReportReading *reading)
{
  g_autofree char *said = reading ? cst_report_reading_describe (reading) : NULL;
  gboolean trouble = reading && cst_report_reading_is_trouble (reading);

  gtk_label_set_label (trouble ? self->replica_label : self->as_of_label, said ? said : "");
  gtk_widget_set_visible (self->replica_box, trouble);
  gtk_widget_set_visible (GTK_WIDGET (self->as_of_label), reading != NULL && !trouble);
}

static void
check_done_cb (GObject      *object,
               GAsyncResult *res,
               gpointer      user_data)
{
  g_autoptr(CstReportsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstReportReading) reading =
    cst_report_reading_check_finish (CST_CONNECTION (object), res, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (reading == NULL)
    reading = cst_report_reading_new (CST_REPORT_READING_UNREACHABLE, self->lag_limit, error->message);
  show_reading (self, reading);
  /* Behind is still worth reading, and said; unreachable waits for the
   * user to choose the primary. */
  if (reading->state == CST_REPORT_READING_UNREACHABLE)
    {
      self->running = FALSE;
      update_actions (self);
      return;
    }
  run_on (self, self->replica);
}

void
cst_reports_page_run (CstReportsPage *self)
{
  g_autoptr(GError) error = NULL;
  Query *query;

  g_return_if_fail (CST_IS_REPORTS_PAGE (self));

  if (cst_reports_page_get_busy (self) || self->connection == NULL)
    return;
  if (!(query = read_query (self, &error)))
    {
      show_error (self, error->message);
      return;
    }
  show_error (self, NULL);
  query->row_limit = self->row_limit;
  query_free (self->running_query);
  self->running_query = query;
  self->running = TRUE;
  update_actions (self);
  if (self->replica != NULL && !self->use_primary)
    {
      cst_report_reading_check_async (self->replica, self->lag_limit, self->cancellable,
                                      check_done_cb, g_object_ref (self));
      return;
    }
  if (self->replica != NULL)
    {
      g_autoptr(CstReportReading) primary =
        cst_report_reading_new (CST_REPORT_READING_PRIMARY, self->lag_limit, NULL);

      show_reading (self, primary);
    }
  run_on (self, self->connection);
}

/**
 * cst_reports_page_use_primary:
 *
 * Reads from the primary from now on (what the button beside a lagging or
 * unreachable replica does), and runs the report again.
 */
void
cst_reports_page_use_primary (CstReportsPage *self)
{
  g_return_if_fail (CST_IS_REPORTS_PAGE (self));

  if (self->replica == NULL || self->use_primary || cst_reports_page_get_busy (self))
    return;
  self->use_primary = TRUE;
  cst_reports_page_run (self);
}

/* The text under the filters saying where the report was read from and as
 * of when, or NULL when no report database is set. */
const char *
cst_reports_page_get_as_of_text (CstReportsPage *self)
{
  g_return_val_if_fail (CST_IS_REPORTS_PAGE (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->as_of_label))
         ? gtk_label_get_label (self->as_of_label) : NULL;
}

/* Why the report database is not used (behind, unreachable), or NULL. */
const char *
cst_reports_page_get_replica_problem (CstReportsPage *self)
{
  g_return_val_if_fail (CST_IS_REPORTS_PAGE (self), NULL);
  return gtk_widget_get_visible (self->replica_box)
         ? gtk_label_get_label (self->replica_label) : NULL;
}

/* ---- exporting ----------------------------------------------------------- */

struct _ExportJob
{
  gatomicrefcount     ref;
  Query              *query;
  CstFeeReportFormat  format;
  GFile              *file;
  GCancellable       *cancellable;
  gint64              expected;    /* progress calls to expect, in requests */
  gint                done;        /* atomic: requests through so far */
  gint64              pass_base;   /* worker only: the PDF runs the report twice */
  gint64              pass_last;
};

static ExportJob *
export_job_ref (ExportJob *job)
{
  g_atomic_ref_count_inc (&job->ref);
  return job;
}

static void
export_job_unref (gpointer data)
{
  ExportJob *job = data;

  if (!g_atomic_ref_count_dec (&job->ref))
    return;
  query_free (job->query);
  g_object_unref (job->file);
  g_object_unref (job->cancellable);
  g_free (job);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ExportJob, export_job_unref)

/* Worker thread, once a page of requests: each pass counts from zero, and
 * within a pass the count only grows, so a count not above the last one
 * starts the next pass. */
static void
export_progress (gint64   n_done,
                 gpointer user_data)
{
  ExportJob *job = user_data;

  if (n_done <= job->pass_last)
    job->pass_base += job->pass_last;
  job->pass_last = n_done;
  g_atomic_int_set (&job->done, (gint) MIN (job->pass_base + n_done, G_MAXINT));
}

static gboolean
poll_progress_cb (gpointer user_data)
{
  CstReportsPage *self = user_data;
  ExportJob *job = self->export;
  double fraction;

  if (job == NULL)
    return G_SOURCE_CONTINUE;
  fraction = job->expected > 0 ? (double) g_atomic_int_get (&job->done) / (double) job->expected : 1.0;
  gtk_progress_bar_set_fraction (self->progress_bar, CLAMP (fraction, 0.0, 1.0));
  if (fraction >= 1.0)
    gtk_progress_bar_set_text (self->progress_bar, _("Saving the file…"));
  return G_SOURCE_CONTINUE;
}

static void
set_export_status (CstReportsPage *self,
                   const char     *message)
{
  gtk_label_set_label (self->export_status_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->export_status_label), message != NULL);
  if (message != NULL)
    toast (self, message);
}

static void
export_done_cb (GObject      *object,
                GAsyncResult *res,
                gpointer      user_data)
{
  g_autoptr(CstReportsPage) self = user_data;
  g_autoptr(ExportJob) job = g_steal_pointer (&self->export);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;

  gint64 n_written = 0;
  /* The file may be in place even when Cancel came a moment too late. */
  gboolean written = cst_fee_report_export_file_finish (CST_CONNECTION (object), res, &n_written, &error);

  if (g_cancellable_is_cancelled (self->cancellable))
    return;  /* the page is gone */
  g_clear_handle_id (&self->progress_id, g_source_remove);
  gtk_widget_set_visible (self->progress_box, FALSE);
  name = g_file_get_basename (job->file);
  if (written)
    message = g_strdup_printf (g_dngettext (NULL, "Saved %s (%lld request).", "Saved %s (%lld requests).",
                                            n_written),
                               name, (long long) n_written);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    message = g_strdup_printf (_("Export cancelled; %s was not written."), name);
  else
    message = g_strdup_printf (_("Could not export the report: %s"), error->message);
  set_export_status (self, message);
  update_actions (self);
}

void
cst_reports_page_export (CstReportsPage     *self,
                         GFile              *file,
                         CstFeeReportFormat  format)
{
  CstFeeReportFilter filter;
  ExportJob *job;

  g_return_if_fail (CST_IS_REPORTS_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  if (cst_reports_page_get_busy (self) || self->shown == NULL || self->connection == NULL)
    return;
  job = g_new0 (ExportJob, 1);
  g_atomic_ref_count_init (&job->ref);
  job->query = query_copy (self->shown);
  job->format = format;
  job->file = g_object_ref (file);
  job->cancellable = g_cancellable_new ();
  job->expected = self->shown_requests * (format == CST_FEE_REPORT_FORMAT_PDF ? 2 : 1);
  self->export = job;
  set_export_status (self, NULL);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_progress_bar_set_text (self->progress_bar, NULL);
  gtk_widget_set_visible (self->progress_box, TRUE);
  self->progress_id = g_timeout_add (PROGRESS_POLL_MS, poll_progress_cb, self);
  update_actions (self);
  query_to_filter (job->query, &filter);
  filter.progress = export_progress;
  filter.progress_data = export_job_ref (job);
  cst_fee_report_export_file_async (self->read_from ? self->read_from : self->connection, &filter, export_job_unref, format, file,
                                    job->cancellable, export_done_cb, g_object_ref (self));
}

void
cst_reports_page_cancel_export (CstReportsPage *self)
{
  g_return_if_fail (CST_IS_REPORTS_PAGE (self));

  if (self->export != NULL)
    g_cancellable_cancel (self->export->cancellable);
}

/* ---- choosing the file --------------------------------------------------- */

static GtkFileFilter *
file_filter (const char *name,
             const char *mime_type,
             const char *pattern)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, name);
  gtk_file_filter_add_mime_type (filter, mime_type);
  gtk_file_filter_add_pattern (filter, pattern);
  return filter;
}

/* The format the name asks for; else the chosen filter's, with its
 * extension added. */
static GFile *
resolve_format (GFile              *file,
                gboolean            csv_filter,
                CstFeeReportFormat *format)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *lower = g_ascii_strdown (name, -1);
  g_autoptr(GFile) parent = NULL;
  g_autofree char *named = NULL;

  if (g_str_has_suffix (lower, ".csv") || g_str_has_suffix (lower, ".pdf"))
    {
      *format = g_str_has_suffix (lower, ".csv") ? CST_FEE_REPORT_FORMAT_CSV : CST_FEE_REPORT_FORMAT_PDF;
      return g_object_ref (file);
    }
  *format = csv_filter ? CST_FEE_REPORT_FORMAT_CSV : CST_FEE_REPORT_FORMAT_PDF;
  parent = g_file_get_parent (file);
  named = g_strconcat (name, csv_filter ? ".csv" : ".pdf", NULL);
  return parent ? g_file_get_child (parent, named) : g_object_ref (file);
}

static void
chooser_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     CstReportsPage  *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) chosen = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      GtkFileFilter *filter = gtk_file_chooser_get_filter (GTK_FILE_CHOOSER (dialog));
      gboolean csv_filter = filter && g_strcmp0 (g_object_get_data (G_OBJECT (filter), "format"), "csv") == 0;
      CstFeeReportFormat format;
      g_autoptr(GFile) file = chosen ? resolve_format (chosen, csv_filter, &format) : NULL;

      if (file != NULL)
        cst_reports_page_export (self, file, format);
    }
  g_clear_object (&self->chooser);
}

static void
choose_file (CstReportsPage     *self,
             CstFeeReportFormat  format)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileFilter *pdf = file_filter (_("PDF documents"), "application/pdf", "*.pdf");
  GtkFileFilter *csv = file_filter (_("CSV spreadsheets"), "text/csv", "*.csv");
  g_autofree char *from = cst_input_format_date (&self->shown->from);
  g_autofree char *to = cst_input_format_date (&self->shown->to);
  g_autofree char *name = g_strdup_printf ("fee-report-%s-to-%s.%s", from, to,
                                           format == CST_FEE_REPORT_FORMAT_CSV ? "csv" : "pdf");

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Export the Fee Report"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_object_set_data (G_OBJECT (csv), "format", (gpointer) "csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), pdf);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), csv);
  gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (self->chooser),
                               format == CST_FEE_REPORT_FORMAT_CSV ? csv : pdf);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_object_unref (pdf);
  g_object_unref (csv);
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* ---- actions ------------------------------------------------------------- */

static void
run_action (GtkWidget *widget, const char *name, GVariant *param)
{
  cst_reports_page_run (CST_REPORTS_PAGE (widget));
}

static void
use_primary_action (GtkWidget *widget, const char *name, GVariant *param)
{
  cst_reports_page_use_primary (CST_REPORTS_PAGE (widget));
}

/* "pdf" or "csv": the format the file chooser starts with. */
static void
export_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CstReportsPage *self = CST_REPORTS_PAGE (widget);

  if (self->shown != NULL && !cst_reports_page_get_busy (self))
    choose_file (self, g_strcmp0 (g_variant_get_string (param, NULL), "csv") == 0
                       ? CST_FEE_REPORT_FORMAT_CSV : CST_FEE_REPORT_FORMAT_PDF);
}

static void
cancel_export_action (GtkWidget *widget, const char *name, GVariant *param)
{
  cst_reports_page_cancel_export (CST_REPORTS_PAGE (widget));
}

/* Ctrl+E anywhere in the window while this page is on screen. */
static gboolean
export_shortcut_cb (GtkWidget *widget,
                    GVariant  *args,
                    gpointer   user_data)
{
  CstReportsPage *self = CST_REPORTS_PAGE (widget);

  if (!gtk_widget_get_mapped (widget) || self->shown == NULL || cst_reports_page_get_busy (self) ||
      g_strcmp0 (gtk_stack_get_visible_child_name (self->report_stack), "fees") != 0)
    return FALSE;
  choose_file (self, CST_FEE_REPORT_FORMAT_PDF);
  return TRUE;
}

/* Enter in a filter field runs the report, as the button does. */
static void
entry_activated_cb (CstReportsPage *self)
{
  cst_reports_page_run (self);
}

static void
row_activated_cb (CstReportsPage *self,
                  guint           position)
{
  cst_reports_page_activate_row (self, position);
}

void
cst_reports_page_activate_row (CstReportsPage *self,
                               guint           position)
{
  g_autoptr(CstReportRow) row = NULL;

  g_return_if_fail (CST_IS_REPORTS_PAGE (self));

  row = g_list_model_get_item (G_LIST_MODEL (self->rows), position);
  if (row != NULL)
    g_signal_emit (self, signals[OPEN_REQUEST], 0, row->request_id);
}

/* ---- building ------------------------------------------------------------ */

static char *
row_text (GtkListItem *item,
          guint        column,
          gpointer     user_data)
{
  CstReportRow *row = gtk_list_item_get_item (item);

  return g_strdup (row->text[column]);
}

static void
add_column (CstReportsPage *self,
            const char     *title,
            guint           column,
            int             width)
{
  /* The flags can be long: the whole text on hover. */
  g_autoptr(GtkListItemFactory) factory = cst_cell_factory_new (column, column == COL_TOTAL ? 1 : 0,
                                                                column == COL_FLAGS, row_text, NULL);
  g_autoptr(GtkColumnViewColumn) view_column = NULL;

  view_column = gtk_column_view_column_new (title, g_object_ref (factory));
  gtk_column_view_column_set_resizable (view_column, TRUE);
  gtk_column_view_column_set_expand (view_column, width == 0);
  if (width > 0)
    gtk_column_view_column_set_fixed_width (view_column, width);
  gtk_column_view_append_column (self->column_view, view_column);
}

static void
build_columns (CstReportsPage *self)
{
  g_autoptr(GtkSingleSelection) selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->rows)));

  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (selection));
  add_column (self, _("Reference"), COL_REFERENCE, 150);
  add_column (self, _("Received"), COL_RECEIVED, 100);
  add_column (self, _("Released"), COL_RELEASED, 110);
  add_column (self, _("Requester class"), COL_CLASS, 150);
  add_column (self, _("Method"), COL_METHOD, 120);
  add_column (self, _("Total"), COL_TOTAL, 90);
  add_column (self, _("Flags"), COL_FLAGS, 0);
}

static void
build_flag_rows (CstReportsPage *self)
{
  for (guint i = 0; i < CST_FEE_REPORT_N_FLAGS; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *count = gtk_label_new ("0");

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), cst_fee_report_flag_describe (1u << i));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      gtk_widget_add_css_class (count, "numeric");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), count);
      gtk_list_box_append (self->flags_box, row);
      self->flag_labels[i] = GTK_LABEL (count);
    }
}

/* "All" first, then the labels of the enum in its order. */
static void
fill_dropdown (GtkDropDown *dropdown,
               const char  *all,
               guint        n,
               const char *(*label) (int))
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);

  gtk_string_list_append (labels, all);
  for (guint i = 0; i < n; i++)
    gtk_string_list_append (labels, label ((int) i));
  gtk_drop_down_set_model (dropdown, G_LIST_MODEL (labels));
  gtk_drop_down_set_selected (dropdown, 0);
}

static const char *
requester_kind_label (int kind)
{
  return cst_requester_kind_get_label (kind);
}

static const char *
status_label (int status)
{
  return cst_request_status_get_label (status);
}

/* The year so far, the period an auditor most often asks for. */
static void
set_default_period (CstReportsPage *self)
{
  GDate today, first;
  g_autofree char *from = NULL, *to = NULL;

  cst_input_today (&today);
  g_date_clear (&first, 1);
  g_date_set_dmy (&first, 1, G_DATE_JANUARY, g_date_get_year (&today));
  from = cst_input_format_date (&first);
  to = cst_input_format_date (&today);
  gtk_editable_set_text (GTK_EDITABLE (self->from_entry), from);
  gtk_editable_set_text (GTK_EDITABLE (self->to_entry), to);
}

static void
add_export_shortcut (CstReportsPage *self)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();

  /* Managed: the window runs it whatever has the focus; the callback
   * declines while the page is not on screen. */
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (controller), GTK_SHORTCUT_SCOPE_MANAGED);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
    gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_e, GDK_CONTROL_MASK),
                      gtk_callback_action_new (export_shortcut_cb, NULL, NULL)));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

/* ---- public -------------------------------------------------------------- */

GtkWidget *
cst_reports_page_new (void)
{
  return g_object_new (CST_TYPE_REPORTS_PAGE, NULL);
}

/* The replica's connection, read-only, for the page's own connection. */
static void
open_replica (CstReportsPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *reading = NULL;

  g_clear_object (&self->replica);
  g_clear_object (&self->read_from);
  self->use_primary = FALSE;
  show_reading (self, NULL);
  if (self->connection == NULL || self->report_conninfo == NULL)
    return;
  if (!(reading = cst_report_database_conninfo (self->report_conninfo, &error)))
    {
      show_error (self, error->message);
      return;
    }
  self->replica = cst_connection_new_for_reading (reading,
                                                  cst_connection_get_conninfo (self->connection));
}

/* The page opens its own connection to the same server as the same login. */
void
cst_reports_page_set_connection (CstReportsPage *self,
                                 CstConnection  *connection)
{
  g_return_if_fail (CST_IS_REPORTS_PAGE (self));

  g_clear_object (&self->connection);
  if (connection != NULL)
    self->connection = cst_connection_new (cst_connection_get_conninfo (connection));
  /* The access log reads the primary through the page's connection. */
  cst_access_log_panel_set_connection (self->access_log_panel, self->connection);
  cst_facility_chooser_set_connection (self->facility_chooser, self->connection);
  open_replica (self);
  update_actions (self);
}

/**
 * cst_reports_page_set_report_database:
 * @conninfo: (nullable): a hot standby to read reports from (the
 *   `report-database` setting); NULL or "" to read from the primary
 * @lag_limit: seconds it may be behind before the page says so
 */
void
cst_reports_page_set_report_database (CstReportsPage *self,
                                      const char     *conninfo,
                                      guint           lag_limit)
{
  g_return_if_fail (CST_IS_REPORTS_PAGE (self));

  g_clear_pointer (&self->report_conninfo, g_free);
  if (conninfo != NULL && *conninfo != '\0')
    self->report_conninfo = g_strdup (conninfo);
  self->lag_limit = lag_limit;
  open_replica (self);
  update_actions (self);
}

static void
select_nick (GtkDropDown *dropdown,
             GType        enum_type,
             const char  *nick)
{
  int value;

  gtk_drop_down_set_selected (dropdown, cst_enum_from_nick (enum_type, nick, &value) ? (guint) value + 1 : 0);
}

void
cst_reports_page_set_filters (CstReportsPage *self,
                              const char     *from,
                              const char     *to,
                              const char     *state,
                              const char     *requester,
                              const char     *clerk,
                              const char     *status)
{
  g_return_if_fail (CST_IS_REPORTS_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->from_entry), from ? from : "");
  gtk_editable_set_text (GTK_EDITABLE (self->to_entry), to ? to : "");
  gtk_editable_set_text (GTK_EDITABLE (self->state_entry), state ? state : "");
  gtk_editable_set_text (GTK_EDITABLE (self->clerk_entry), clerk ? clerk : "");
  select_nick (self->requester_dropdown, CST_TYPE_REQUESTER_KIND, requester);
  select_nick (self->status_dropdown, CST_TYPE_REQUEST_STATUS, status);
}

GListModel *
cst_reports_page_get_rows (CstReportsPage *self)
{
  return G_LIST_MODEL (self->rows);
}

const char *
cst_reports_page_get_totals_text (CstReportsPage *self)
{
  return self->shown ? gtk_label_get_label (self->totals_label) : NULL;
}

/* How many requests the list keeps of a report (0: the default, 5,000);
 * the next run uses it. */
void
cst_reports_page_set_row_limit (CstReportsPage *self,
                                guint           limit)
{
  self->row_limit = limit > 0 ? limit : DEFAULT_ROW_LIMIT;
}

/* The note shown when the list holds fewer requests than the report, or
 * NULL when it holds them all. */
const char *
cst_reports_page_get_limit_text (CstReportsPage *self)
{
  if (self->shown == NULL || !gtk_widget_get_visible (GTK_WIDGET (self->limit_label)))
    return NULL;
  return gtk_label_get_label (self->limit_label);
}

gint64
cst_reports_page_get_flag_count (CstReportsPage   *self,
                                 CstFeeReportFlag  flag)
{
  guint i = (guint) g_bit_nth_lsf ((gulong) flag, -1);

  g_return_val_if_fail (i < CST_FEE_REPORT_N_FLAGS, 0);
  return self->flag_counts[i];
}

const char *
cst_reports_page_get_error (CstReportsPage *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->error_label))
         ? gtk_label_get_label (self->error_label) : NULL;
}

/* The access log, the page's second report. */
CstAccessLogPanel *
cst_reports_page_get_access_log (CstReportsPage *self)
{
  g_return_val_if_fail (CST_IS_REPORTS_PAGE (self), NULL);

  return self->access_log_panel;
}

const char *
cst_reports_page_get_export_status (CstReportsPage *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->export_status_label))
         ? gtk_label_get_label (self->export_status_label) : NULL;
}

/* ---- GObject ------------------------------------------------------------- */

/* The fee report's facility: all of them, or the one chosen (issue 22). */
CstFacilityChooser *
cst_reports_page_get_facility_chooser (CstReportsPage *self)
{
  g_return_val_if_fail (CST_IS_REPORTS_PAGE (self), NULL);
  return self->facility_chooser;
}

static void
cst_reports_page_dispose (GObject *object)
{
  CstReportsPage *self = CST_REPORTS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->export != NULL)
    g_cancellable_cancel (self->export->cancellable);
  g_clear_pointer (&self->export, export_job_unref);
  g_clear_handle_id (&self->progress_id, g_source_remove);
  cst_dispose_chooser (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), CST_TYPE_REPORTS_PAGE);
  g_clear_object (&self->rows);
  g_clear_object (&self->connection);
  g_clear_object (&self->replica);
  g_clear_object (&self->read_from);
  g_clear_pointer (&self->report_conninfo, g_free);
  g_clear_pointer (&self->shown, query_free);
  g_clear_pointer (&self->running_query, query_free);
  G_OBJECT_CLASS (cst_reports_page_parent_class)->dispose (object);
}

/* The cancellable outlives dispose: a job that ends later asks it whether
 * the page is gone. */
static void
cst_reports_page_finalize (GObject *object)
{
  CstReportsPage *self = CST_REPORTS_PAGE (object);

  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (cst_reports_page_parent_class)->finalize (object);
}

static void
cst_reports_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CstReportsPage *self = CST_REPORTS_PAGE (object);

  switch (prop_id)
    {
    case PROP_BUSY: g_value_set_boolean (value, cst_reports_page_get_busy (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cst_reports_page_class_init (CstReportsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  g_type_ensure (CST_TYPE_ACCESS_LOG_PANEL);
  g_type_ensure (CST_TYPE_FACILITY_CHOOSER);
  object_class->dispose = cst_reports_page_dispose;
  object_class->finalize = cst_reports_page_finalize;
  object_class->get_property = cst_reports_page_get_property;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CstReportsPage::open-request:
   * @request_id: the request's database id
   *
   * A request of the list was activated; the window shows it.
   */
  signals[OPEN_REQUEST] = g_signal_new ("open-request", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/cst-reports-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CstReportsPage, from_entry);
  gtk_widget_class_bind_template_child (widget_class, CstReportsPage, to_entry);
  gtk_widget_class_bind_template_child (widget_class, CstReportsPage, state_entry);
  gtk_widget_class_bind_template_child (widget_class, CstReportsPage, facility_chooser);
  gtk_widget_class_bind_template_child (widget_class, CstReportsPage, requester_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CstReportsPage, clerk_entry);
  gtk_widget_class_bind_template_child (widget_class, CstReportsPage, status_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CstReportsPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, CstReportsPage, replica_box);
  gtk_widget_class_bind_template_child (widget_class, CstReportsPage, replica_label);
  gtk_widget_class_bind_template_child (widget_class, CstReportsPage, as_of_label);
  gtk_widget_class_bind_template_child (widget_class, CstReportsPage, result_stack);
  gtk_widget_class_bind_template_child (widget_class, CstReportsPage, totals_label);
  gtk_widget_class_bind_template_child (widget_class, CstReportsPage, turnaround_label);
  gtk_widget_class_bind_template_child (widget_class, CstReportsPage, limit_label);
  gtk_widget_class_bind_template_child (widget_class, CstReportsPage, flags_box);
  gtk_widget_class_bind_template_child (widget_class, CstReportsPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, CstReportsPage, progress_box);
  gtk_widget_class_bind_template_child (widget_class, CstReportsPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, CstReportsPage, export_status_label);
  gtk_widget_class_bind_template_child (widget_class, CstReportsPage, report_stack);
  gtk_widget_class_bind_template_child (widget_class, CstReportsPage, access_log_panel);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_activated_cb);

  gtk_widget_class_install_action (widget_class, "reports.run", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "reports.export", "s", export_action);
  gtk_widget_class_install_action (widget_class, "reports.cancel-export", NULL, cancel_export_action);
  gtk_widget_class_install_action (widget_class, "reports.use-primary", NULL, use_primary_action);
}

static void
cst_reports_page_init (CstReportsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_list_store_new (CST_TYPE_REPORT_ROW);
  self->row_limit = DEFAULT_ROW_LIMIT;
  self->cancellable = g_cancellable_new ();
  build_columns (self);
  build_flag_rows (self);
  fill_dropdown (self->requester_dropdown, _("All classes"), CST_REQUESTER_PATIENT_DIRECTIVE + 1,
                 requester_kind_label);
  fill_dropdown (self->status_dropdown, _("Any status"), CST_N_STATUSES, status_label);
  set_default_period (self);
  add_export_shortcut (self);
  update_actions (self);
}
