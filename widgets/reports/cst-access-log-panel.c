/* cst-access-log-panel.c — the access log in the Reports page: the period,
 * the individuals' requests received in it, the totals and shares
 * answered within 30 and 15 days, and the export as CSV or PDF
 *
 * The reading and the export run on the connection's worker thread
 * (cst_access_log_read_async, cst_access_log_export_file_async); the
 * main loop only shows what comes back.  A newer run supersedes an older
 * one through a generation counter.  The cancellable is kept until
 * finalize: a late callback asks it whether the panel is gone.  An
 * export is not cancelled with the panel: the file the auditor asked for
 * is still written and its audit row recorded.
 */
#define G_LOG_DOMAIN "cst-access-log-panel"

#include "config.h"

#include <glib/gi18n.h>

#include "cst-access-log-panel.h"
#include "cst-cell.h"
#include "cst-dispose.h"

#include <custodian/cst-enums.h>
#include <custodian/cst-error.h>
#include <custodian/cst-input.h>
#include <custodian/cst-locale-format.h>

enum { COL_REFERENCE, COL_RECEIVED, COL_COMPLETED, COL_DAYS, COL_FORMATS, COL_PAGES, COL_FEE,
       COL_STATUS, N_COLUMNS };
static const char *const column_names[N_COLUMNS] = {
  "reference", "received", "completed", "days", "formats", "pages", "fee", "status",
};

/* ---- one request of the list ------------------------------------------ */

#define CST_TYPE_ACCESS_LOG_ENTRY (cst_access_log_entry_get_type ())
G_DECLARE_FINAL_TYPE (CstAccessLogEntry, cst_access_log_entry, CST, ACCESS_LOG_ENTRY, GObject)

struct _CstAccessLogEntry
{
  GObject parent_instance;

  char   *text[N_COLUMNS];
};

G_DEFINE_FINAL_TYPE (CstAccessLogEntry, cst_access_log_entry, G_TYPE_OBJECT)

static void
cst_access_log_entry_finalize (GObject *object)
{
  CstAccessLogEntry *self = CST_ACCESS_LOG_ENTRY (object);

  for (guint i = 0; i < N_COLUMNS; i++)
    g_free (self->text[i]);
  G_OBJECT_CLASS (cst_access_log_entry_parent_class)->finalize (object);
}

static void
cst_access_log_entry_class_init (CstAccessLogEntryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cst_access_log_entry_finalize;
}

static void
cst_access_log_entry_init (CstAccessLogEntry *self)
{
}

static char *
date_or_dash (const GDate *date)
{
  return g_date_valid (date) ? cst_locale_format_date (date) : g_strdup ("—");
}

static CstAccessLogEntry *
entry_new (const CstAccessLogRow *row)
{
  CstAccessLogEntry *self = g_object_new (CST_TYPE_ACCESS_LOG_ENTRY, NULL);

  self->text[COL_REFERENCE] = g_strdup (row->reference);
  self->text[COL_RECEIVED] = cst_locale_format_date (&row->received);
  self->text[COL_COMPLETED] = date_or_dash (&row->completed);
  self->text[COL_DAYS] = row->days_taken >= 0 ? g_strdup_printf ("%d", row->days_taken) : g_strdup ("—");
  self->text[COL_FORMATS] = g_strdup_printf ("%s / %s",
    cst_enum_get_label_for_nick (CST_TYPE_RECORD_FORMAT, row->format_requested),
    row->format_provided ? cst_enum_get_label_for_nick (CST_TYPE_RECORD_FORMAT, row->format_provided) : "—");
  self->text[COL_PAGES] = row->pages >= 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, row->pages) : g_strdup ("—");
  self->text[COL_FEE] = cst_locale_format_money (row->fee_cents);
  self->text[COL_STATUS] = g_strdup (cst_enum_get_label_for_nick (CST_TYPE_REQUEST_STATUS, row->status));
  return self;
}

/* ---- the panel ----------------------------------------------------------- */

struct _CstAccessLogPanel
{
  AdwBin parent_instance;

  GtkEntry             *from_entry;
  GtkEntry             *to_entry;
  GtkLabel             *error_label;
  GtkLabel             *summary_label;
  GtkLabel             *status_label;
  GtkColumnView        *column_view;
  CstFacilityChooser   *facility_chooser;

  GListStore           *rows;          /* of CstAccessLogEntry */
  CstConnection        *connection;
  GCancellable         *cancellable;
  guint                 generation;
  gboolean              running;
  gboolean              exporting;
  gboolean              shown;
  GDate                 shown_from, shown_to;
  char                 *shown_facility;  /* the log shown is this facility's; NULL: all */
  GtkFileChooserNative *chooser;
};

G_DEFINE_FINAL_TYPE (CstAccessLogPanel, cst_access_log_panel, ADW_TYPE_BIN)

gboolean
cst_access_log_panel_get_busy (CstAccessLogPanel *self)
{
  g_return_val_if_fail (CST_IS_ACCESS_LOG_PANEL (self), FALSE);

  return self->running || self->exporting;
}

static void
update_actions (CstAccessLogPanel *self)
{
  gboolean busy = cst_access_log_panel_get_busy (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "access-log.run", !busy && self->connection);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "access-log.export", !busy && self->shown);
}

static void
show_label (GtkLabel   *label,
            const char *message)
{
  gtk_label_set_label (label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);
}

/* ---- running ------------------------------------------------------------- */

typedef struct
{
  CstAccessLogPanel *self;
  guint              generation;
} RunData;

static void
show_log (CstAccessLogPanel  *self,
          const CstAccessLog *log)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *summary = cst_access_log_describe (log);

  for (guint i = 0; i < cst_access_log_get_n_rows (log); i++)
    g_ptr_array_add (entries, entry_new (cst_access_log_get_row (log, i)));
  g_list_store_splice (self->rows, 0, g_list_model_get_n_items (G_LIST_MODEL (self->rows)),
                       entries->pdata, entries->len);
  show_label (self->summary_label, summary);
  cst_access_log_get_period (log, &self->shown_from, &self->shown_to);
  g_free (self->shown_facility);
  self->shown_facility = g_strdup (cst_access_log_get_facility (log));
  self->shown = TRUE;
}

static void
run_done_cb (GObject      *object,
             GAsyncResult *res,
             gpointer      user_data)
{
  RunData *data = user_data;
  g_autoptr(CstAccessLogPanel) self = data->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstAccessLog) log = cst_access_log_read_finish (CST_CONNECTION (object), res, &error);
  guint generation = data->generation;

  g_free (data);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || generation != self->generation)
    return;
  self->running = FALSE;
  if (log == NULL)
    show_label (self->error_label, error->message);
  else
    show_log (self, log);
  update_actions (self);
}

void
cst_access_log_panel_run (CstAccessLogPanel *self)
{
  GDate from, to;
  RunData *data;

  g_return_if_fail (CST_IS_ACCESS_LOG_PANEL (self));

  if (self->connection == NULL || cst_access_log_panel_get_busy (self))
    return;
  if (!cst_input_parse_date (gtk_editable_get_text (GTK_EDITABLE (self->from_entry)), &from, NULL) ||
      !cst_input_parse_date (gtk_editable_get_text (GTK_EDITABLE (self->to_entry)), &to, NULL) ||
      g_date_compare (&from, &to) > 0)
    {
      show_label (self->error_label,
                  _("Type the period's first and last received dates as YYYY-MM-DD, the first on or "
                    "before the last."));
      return;
    }
  show_label (self->error_label, NULL);
  self->running = TRUE;
  data = g_new0 (RunData, 1);
  data->self = g_object_ref (self);
  data->generation = ++self->generation;
  cst_access_log_read_for_async (self->connection, &from, &to,
                                 cst_facility_chooser_get_code (self->facility_chooser),
                                 self->cancellable, run_done_cb, data);
  update_actions (self);
}

/* ---- exporting ----------------------------------------------------------- */

static void
export_done_cb (GObject      *object,
                GAsyncResult *res,
                gpointer      user_data)
{
  g_autoptr(CstAccessLogPanel) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  guint n_written = 0;
  gboolean written = cst_access_log_export_file_finish (CST_CONNECTION (object), res, &n_written, &error);

  if (g_cancellable_is_cancelled (self->cancellable))
    return;  /* the panel is gone */
  self->exporting = FALSE;
  if (written)
    message = g_strdup_printf (g_dngettext (NULL, "Saved the access log (%u request).",
                                            "Saved the access log (%u requests).", n_written),
                               n_written);
  else
    message = g_strdup_printf (_("Could not save the access log: %s"), error->message);
  show_label (self->status_label, message);
  update_actions (self);
}

void
cst_access_log_panel_export (CstAccessLogPanel  *self,
                             GFile              *file,
                             CstAccessLogFormat  format)
{
  g_return_if_fail (CST_IS_ACCESS_LOG_PANEL (self));
  g_return_if_fail (G_IS_FILE (file));

  if (!self->shown || self->connection == NULL || cst_access_log_panel_get_busy (self))
    return;
  self->exporting = TRUE;
  show_label (self->status_label, _("Saving the access log…"));
  cst_access_log_export_file_for_async (self->connection, &self->shown_from, &self->shown_to,
                                        self->shown_facility, format, file, NULL, export_done_cb,
                                        g_object_ref (self));
  update_actions (self);
}

static void
chooser_response_cb (GtkNativeDialog   *dialog,
                     int                response,
                     CstAccessLogPanel *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *name = file ? g_file_get_basename (file) : NULL;

      if (file != NULL)
        cst_access_log_panel_export (self, file, g_str_has_suffix (name, ".csv")
                                                 ? CST_ACCESS_LOG_FORMAT_CSV : CST_ACCESS_LOG_FORMAT_PDF);
    }
  g_clear_object (&self->chooser);
}

/* The file name carries the period only: never patient data. */
static void
choose_file (CstAccessLogPanel *self,
             gboolean           csv)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *from = cst_input_format_date (&self->shown_from);
  g_autofree char *to = cst_input_format_date (&self->shown_to);
  g_autofree char *name = g_strdup_printf ("access-log-%s-to-%s.%s", from, to, csv ? "csv" : "pdf");

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (csv ? _("Save the Access Log as CSV")
                                                   : _("Save the Access Log as PDF"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
run_action (GtkWidget *widget, const char *name, GVariant *param)
{
  cst_access_log_panel_run (CST_ACCESS_LOG_PANEL (widget));
}

/* "pdf" or "csv" */
static void
export_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CstAccessLogPanel *self = CST_ACCESS_LOG_PANEL (widget);

  if (self->shown && !cst_access_log_panel_get_busy (self))
    choose_file (self, g_strcmp0 (g_variant_get_string (param, NULL), "csv") == 0);
}

static void
entry_activated_cb (CstAccessLogPanel *self)
{
  cst_access_log_panel_run (self);
}

/* ---- public -------------------------------------------------------------- */

GtkWidget *
cst_access_log_panel_new (void)
{
  return g_object_new (CST_TYPE_ACCESS_LOG_PANEL, NULL);
}

void
cst_access_log_panel_set_connection (CstAccessLogPanel *self,
                                     CstConnection     *connection)
{
  g_return_if_fail (CST_IS_ACCESS_LOG_PANEL (self));

  g_set_object (&self->connection, connection);
  cst_facility_chooser_set_connection (self->facility_chooser, connection);
  update_actions (self);
}

/* The facility chooser beside the period (issue 22). */
CstFacilityChooser *
cst_access_log_panel_get_facility_chooser (CstAccessLogPanel *self)
{
  g_return_val_if_fail (CST_IS_ACCESS_LOG_PANEL (self), NULL);
  return self->facility_chooser;
}

void
cst_access_log_panel_set_period (CstAccessLogPanel *self,
                                 const char        *from,
                                 const char        *to)
{
  g_return_if_fail (CST_IS_ACCESS_LOG_PANEL (self));

  gtk_editable_set_text (GTK_EDITABLE (self->from_entry), from ? from : "");
  gtk_editable_set_text (GTK_EDITABLE (self->to_entry), to ? to : "");
}

guint
cst_access_log_panel_get_n_rows (CstAccessLogPanel *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (self->rows));
}

const char *
cst_access_log_panel_get_text (CstAccessLogPanel *self,
                               guint              row,
                               const char        *column)
{
  g_autoptr(CstAccessLogEntry) entry = g_list_model_get_item (G_LIST_MODEL (self->rows), row);

  g_return_val_if_fail (entry != NULL, NULL);
  for (guint i = 0; i < N_COLUMNS; i++)
    if (g_strcmp0 (column, column_names[i]) == 0)
      return entry->text[i];  /* the store keeps the entry */
  g_return_val_if_reached (NULL);
}

const char *
cst_access_log_panel_get_summary (CstAccessLogPanel *self)
{
  return self->shown ? gtk_label_get_label (self->summary_label) : NULL;
}

const char *
cst_access_log_panel_get_error (CstAccessLogPanel *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->error_label))
         ? gtk_label_get_label (self->error_label) : NULL;
}

const char *
cst_access_log_panel_get_status (CstAccessLogPanel *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->status_label))
         ? gtk_label_get_label (self->status_label) : NULL;
}

/* ---- building ------------------------------------------------------------ */

static char *
entry_text (GtkListItem *item,
            guint        column,
            gpointer     user_data)
{
  CstAccessLogEntry *entry = gtk_list_item_get_item (item);

  return g_strdup (entry->text[column]);
}

static void
build_columns (CstAccessLogPanel *self)
{
  static const struct { const char *title; guint column; float xalign; int width; } columns[] = {
    { N_("Reference"), COL_REFERENCE, 0, 150 },
    { N_("Received"), COL_RECEIVED, 0, 100 },
    { N_("Completed"), COL_COMPLETED, 0, 100 },
    { N_("Days"), COL_DAYS, 1, 60 },
    { N_("Format asked / given"), COL_FORMATS, 0, 200 },
    { N_("Pages"), COL_PAGES, 1, 70 },
    { N_("Fee"), COL_FEE, 1, 90 },
    { N_("Status"), COL_STATUS, 0, 0 },
  };
  g_autoptr(GtkNoSelection) selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->rows)));

  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (selection));
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      GtkListItemFactory *factory = cst_cell_factory_new (columns[i].column, columns[i].xalign, FALSE,
                                                          entry_text, NULL);
      g_autoptr(GtkColumnViewColumn) column = gtk_column_view_column_new (_(columns[i].title), factory);

      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_column_set_expand (column, columns[i].width == 0);
      if (columns[i].width > 0)
        gtk_column_view_column_set_fixed_width (column, columns[i].width);
      gtk_column_view_append_column (self->column_view, column);
    }
}

/* The last full quarter OCR's 90-day lists usually cover would need a
 * calendar guess; the last 90 days are what the plan asks for. */
static void
set_default_period (CstAccessLogPanel *self)
{
  GDate today, first;
  g_autofree char *from = NULL, *to = NULL;

  cst_input_today (&today);
  first = today;
  g_date_subtract_days (&first, 89);
  from = cst_input_format_date (&first);
  to = cst_input_format_date (&today);
  cst_access_log_panel_set_period (self, from, to);
}

/* ---- GObject ------------------------------------------------------------- */

static void
cst_access_log_panel_dispose (GObject *object)
{
  CstAccessLogPanel *self = CST_ACCESS_LOG_PANEL (object);

  g_cancellable_cancel (self->cancellable);
  cst_dispose_chooser (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), CST_TYPE_ACCESS_LOG_PANEL);
  g_clear_object (&self->rows);
  g_clear_object (&self->connection);
  G_OBJECT_CLASS (cst_access_log_panel_parent_class)->dispose (object);
}

static void
cst_access_log_panel_finalize (GObject *object)
{
  CstAccessLogPanel *self = CST_ACCESS_LOG_PANEL (object);

  g_clear_object (&self->cancellable);
  g_free (self->shown_facility);
  G_OBJECT_CLASS (cst_access_log_panel_parent_class)->finalize (object);
}

static void
cst_access_log_panel_class_init (CstAccessLogPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cst_access_log_panel_dispose;
  object_class->finalize = cst_access_log_panel_finalize;

  g_type_ensure (CST_TYPE_FACILITY_CHOOSER);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/cst-access-log-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, CstAccessLogPanel, from_entry);
  gtk_widget_class_bind_template_child (widget_class, CstAccessLogPanel, to_entry);
  gtk_widget_class_bind_template_child (widget_class, CstAccessLogPanel, error_label);
  gtk_widget_class_bind_template_child (widget_class, CstAccessLogPanel, summary_label);
  gtk_widget_class_bind_template_child (widget_class, CstAccessLogPanel, status_label);
  gtk_widget_class_bind_template_child (widget_class, CstAccessLogPanel, column_view);
  gtk_widget_class_bind_template_child (widget_class, CstAccessLogPanel, facility_chooser);
  gtk_widget_class_bind_template_callback (widget_class, entry_activated_cb);

  gtk_widget_class_install_action (widget_class, "access-log.run", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "access-log.export", "s", export_action);
}

static void
cst_access_log_panel_init (CstAccessLogPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_list_store_new (CST_TYPE_ACCESS_LOG_ENTRY);
  self->cancellable = g_cancellable_new ();
  build_columns (self);
  set_default_period (self);
  update_actions (self);
}
