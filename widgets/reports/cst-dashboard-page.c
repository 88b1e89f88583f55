/* cst-dashboard-page.c — open, overdue and due-this-week counts and four
 * charts, refreshed off the main loop
 *
 * The numbers come from cst_dashboard_fetch_async() on a connection of
 * the page's own (or the report database's): the database counts, the
 * main loop only draws, and the clerk's list reloads and searches on the
 * store's connection never queue behind a refresh (issue 22: at 2,000,000
 * requests a refresh took 45 s, and the clerk's searches waited that
 * long).  The page opens that connection when it is first shown and
 * closes it when hidden, so a hundred windows open on other pages hold no
 * extra server connection.
 *
 * A change to the store (this clerk's or another's, through
 * LISTEN/NOTIFY) marks the page stale; a visible page refreshes after a
 * short pause, so a burst of changes costs one query, and a hidden page
 * waits until it is shown.  A refresh under way is never restarted: the
 * changes during it make one refresh after it.  And with dozens of clerks
 * changing requests all day, a refresh that a change caused is followed
 * by the next one only after REFRESH_MIN_GAP_MS, or REFRESH_COST_FACTOR
 * times what the last took if longer: each window asks the server at most
 * that often, whatever the number of changes, and windows told of the
 * same change spread their refreshes over REFRESH_SPREAD_MS.  Shown again,
 * the refresh button, another facility: those refresh at once.
 *
 * Counts are big numbers with words, never colour alone, and each chart
 * reads out its values to a screen reader.  Administrators also see
 * the fee schedules that run out within CST_FEE_EXPIRY_WARN_DAYS with
 * nothing after them, so next period's amounts are entered in time.
 *
 * A health system (issue 22): a facility chooser gives one facility's
 * figures or every facility's the login sees, and then each facility's
 * own totals below the charts.
 */
#define G_LOG_DOMAIN "cst-dashboard-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "cst-dashboard-page.h"
#include "cst-dispose.h"
#include "cst-facility-chooser.h"
#include "cst-plain-text.h"
#include "cst-spinner.h"

#include <custodian/cst-dashboard.h>
#include <custodian/cst-fee-expiry.h>
#include <custodian/cst-input.h>
#include <custodian/cst-report-database.h>
#include <custodian/cst-locale-format.h>

/* Changes closer together than this make one refresh. */
#define REFRESH_DELAY_MS 750
/* After a refresh a change caused, the next one a change causes waits at
 * least this long, and at least REFRESH_COST_FACTOR times what the last
 * refresh took: the server spends at most a twentieth of a connection's
 * time on one window's dashboard. */
#define REFRESH_MIN_GAP_MS 30000
#define REFRESH_COST_FACTOR 20
/* Windows told of the same change spread their refreshes over this. */
#define REFRESH_SPREAD_MS 2000

struct _CstDashboardPage
{
  GtkWidget        parent_instance;

  GtkStack        *stack;
  GtkSpinner      *loading_spinner;
  AdwStatusPage   *error_page;
  GtkLabel        *as_of_label;
  GtkLabel        *expiry_label;
  GtkWidget       *primary_button;
  GtkWidget       *error_primary_button;
  GtkSpinner      *refresh_spinner;
  GtkLabel        *open_count;
  GtkLabel        *overdue_count;
  GtkImage        *overdue_count_icon;
  GtkLabel        *due_this_week_count;
  GtkImage        *due_this_week_count_icon;
  CstBarChart     *status_chart;
  CstBarChart     *deadline_chart;
  CstBarChart     *turnaround_chart;
  CstBarChart     *fees_chart;
  GtkLabel        *money_label;
  CstFacilityChooser *facility_chooser;
  GtkWidget       *facilities_box;
  GtkGrid         *facilities_grid;

  CstRequestStore *store;
  CstConnection   *own;         /* the main database, for this page alone; read-only */
  char            *report_conninfo; /* a replica to read from, or NULL */
  guint            lag_limit;
  CstConnection   *replica;     /* on report_conninfo, read-only */
  gboolean         use_primary; /* the user chose the primary over the replica */
  CstReportReading *reading;    /* how the replica was at the last load */
  GCancellable    *cancellable;
  guint            refresh_id;
  gint64           refresh_due;      /* monotonic µs the scheduled refresh starts at, or 0 */
  gint64           load_started;     /* monotonic µs */
  gint64           last_cost;        /* µs the last load took */
  gint64           changed_load_at;  /* when the last load a change caused started, or 0 */
  char            *load_code;        /* the facility the last load was for; NULL: all */
  gboolean         loading;
  guint            expiring_pending;  /* loads of the expiring schedules under way */
  gboolean         again;      /* a refresh was asked for (not a change) while loading */
  gboolean         stale;      /* the store changed since the last load */
  gboolean         shown_once; /* some numbers are on screen */
};

G_DEFINE_FINAL_TYPE (CstDashboardPage, cst_dashboard_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_loading (CstDashboardPage *self,
             gboolean          loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  gtk_widget_set_visible (GTK_WIDGET (self->refresh_spinner), loading);
  cst_spinner_set_busy (self->refresh_spinner, loading);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static char *
count_text (gint64 n)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, n);
}

/* The number, and a warning icon beside it when it calls for action. */
static void
show_count (GtkLabel   *label,
            GtkImage   *icon,
            gint64      n,
            const char *css_class)
{
  g_autofree char *text = count_text (n);

  gtk_label_set_label (label, text);
  if (css_class == NULL)
    return;
  if (n > 0)
    gtk_widget_add_css_class (GTK_WIDGET (label), css_class);
  else
    gtk_widget_remove_css_class (GTK_WIDGET (label), css_class);
  gtk_widget_set_visible (GTK_WIDGET (icon), n > 0);
}

static void
show_status_chart (CstDashboardPage   *self,
                   const CstDashboard *d)
{
  CstBarChartBar bars[CST_N_STATUSES];
  guint n = 0;

  for (int status = 0; status < CST_N_STATUSES; status++)
    if (!cst_request_status_is_closed (status))
      bars[n++] = (CstBarChartBar) { cst_request_status_get_label (status),
                                     d->open_by_status[status], NULL };
  cst_bar_chart_set_bars (self->status_chart, bars, n);
}

static void
show_deadline_chart (CstDashboardPage   *self,
                     const CstDashboard *d)
{
  CstBarChartBar bars[] = {
    { _("Overdue"), d->overdue, NULL },
    { _("Due this week"), d->due_this_week, NULL },
    { _("Due later"), d->n_open - d->overdue - d->due_this_week, NULL },
  };

  cst_bar_chart_set_bars (self->deadline_chart, bars, G_N_ELEMENTS (bars));
}

static void
show_turnaround_chart (CstDashboardPage   *self,
                       const CstDashboard *d)
{
  CstBarChartBar bars[CST_DASHBOARD_N_TURNAROUND];

  for (guint i = 0; i < CST_DASHBOARD_N_TURNAROUND; i++)
    bars[i] = (CstBarChartBar) { cst_dashboard_turnaround_get_label (i), d->turnaround[i], NULL };
  cst_bar_chart_set_bars (self->turnaround_chart, bars, G_N_ELEMENTS (bars));
}

static void
show_fees_chart (CstDashboardPage   *self,
                 const CstDashboard *d)
{
  CstBarChartBar bars[CST_DASHBOARD_N_MONTHS];
  char months[CST_DASHBOARD_N_MONTHS][64];
  char *money[CST_DASHBOARD_N_MONTHS];

  for (guint i = 0; i < CST_DASHBOARD_N_MONTHS; i++)
    {
      GDate month;

      cst_dashboard_get_month (d, i, &month);
      /* Full month names: a screen reader reads them as words. */
      if (g_date_strftime (months[i], sizeof months[i], "%B %Y", &month) == 0)
        g_date_strftime (months[i], sizeof months[i], "%Y-%m", &month);
      money[i] = cst_locale_format_money (d->fees_cents[i]);
      bars[i] = (CstBarChartBar) { months[i], d->fees_cents[i], money[i] };
    }
  cst_bar_chart_set_bars (self->fees_chart, bars, G_N_ELEMENTS (bars));
  for (guint i = 0; i < CST_DASHBOARD_N_MONTHS; i++)
    g_free (money[i]);
}

/* What was paid in the window's months, and what is owed today. */
static void
show_money (CstDashboardPage   *self,
            const CstDashboard *d)
{
  gint64 collected = 0;
  g_autofree char *collected_text = NULL;
  g_autofree char *outstanding_text = NULL;
  g_autofree char *text = NULL;

  for (guint i = 0; i < CST_DASHBOARD_N_MONTHS; i++)
    collected += d->collected_cents[i];
  collected_text = cst_locale_format_money (collected);
  outstanding_text = cst_locale_format_money (d->outstanding_cents);
  text = g_strdup_printf (_("Collected in these months: %s. Outstanding on invoices: %s."),
                          collected_text, outstanding_text);
  gtk_label_set_label (self->money_label, text);
}

static void
show_as_of (CstDashboardPage   *self,
            const CstDashboard *d)
{
  g_autofree char *as_of = cst_locale_format_date (&d->as_of);
  g_autofree char *from = cst_locale_format_date (&d->first_month);
  /* TRANSLATORS: the dates the dashboard's figures cover */
  g_autofree char *text = g_strdup_printf (_("Figures as of %s; released requests and fees since %s."),
                                           as_of, from);
  g_autofree char *read = self->reading ? cst_report_reading_describe (self->reading) : NULL;
  g_autofree char *both = read ? g_strdup_printf ("%s %s", text, read) : NULL;

  gtk_label_set_label (self->as_of_label, both ? both : text);
  gtk_widget_set_visible (self->primary_button,
                          self->reading && cst_report_reading_is_trouble (self->reading));
}

static void
add_cell (GtkGrid    *grid,
          int         column,
          int         row,
          const char *text,
          gboolean    number)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), number ? 1.0f : 0.0f);
  if (number)
    gtk_widget_add_css_class (label, "numeric");
  if (row == 0)
    gtk_widget_add_css_class (label, "dim-label");
  gtk_grid_attach (grid, label, column, row, 1, 1);
}

static void
add_facility_row (GtkGrid                    *grid,
                  int                         row,
                  const CstDashboardFacility *f)
{
  g_autofree char *name = f->name && *f->name ? g_strdup_printf (_("%s · %s"), f->code, f->name)
                                              : g_strdup (f->code);
  g_autofree char *open = count_text (f->n_open);
  g_autofree char *overdue = count_text (f->overdue);
  g_autofree char *soon = count_text (f->due_this_week);
  g_autofree char *fees = cst_locale_format_money (f->fees_cents);
  g_autofree char *collected = cst_locale_format_money (f->collected_cents);
  g_autofree char *owed = cst_locale_format_money (f->outstanding_cents);

  add_cell (grid, 0, row, name, FALSE);
  add_cell (grid, 1, row, open, TRUE);
  add_cell (grid, 2, row, overdue, TRUE);
  add_cell (grid, 3, row, soon, TRUE);
  add_cell (grid, 4, row, fees, TRUE);
  add_cell (grid, 5, row, collected, TRUE);
  add_cell (grid, 6, row, owed, TRUE);
}

/* Each facility's totals, when the figures are for more than one. */
static void
show_facilities (CstDashboardPage   *self,
                 const CstDashboard *d)
{
  GtkWidget *child;
  const char *headings[] = {
    _("Facility"), _("Open"), _("Overdue"), _("Due this week"),
    _("Invoiced"), _("Collected"), _("Outstanding"),
  };

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->facilities_grid))) != NULL)
    gtk_grid_remove (self->facilities_grid, child);
  gtk_widget_set_visible (self->facilities_box, d->facilities->len > 1);
  if (d->facilities->len <= 1)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (headings); i++)
    add_cell (self->facilities_grid, i, 0, headings[i], i > 0);
  for (guint i = 0; i < d->facilities->len; i++)
    add_facility_row (self->facilities_grid, i + 1, g_ptr_array_index (d->facilities, i));
}

static void
show_dashboard (CstDashboardPage   *self,
                const CstDashboard *d)
{
  self->shown_once = TRUE;
  /* One facility with nothing yet still shows its zeros and the chooser. */
  if (d->n_requests == 0 && d->facility_code == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  show_as_of (self, d);
  show_count (self->open_count, NULL, d->n_open, NULL);
  show_count (self->overdue_count, self->overdue_count_icon, d->overdue, "error");
  show_count (self->due_this_week_count, self->due_this_week_count_icon, d->due_this_week, "warning");
  show_status_chart (self, d);
  show_deadline_chart (self, d);
  show_turnaround_chart (self, d);
  show_fees_chart (self, d);
  show_money (self, d);
  show_facilities (self, d);
  gtk_stack_set_visible_child_name (self->stack, "dashboard");
}

/* Only an administrator can enter the amounts: only they are told. */
static void
show_expiring (CstDashboardPage     *self,
               const CstFeeExpiring *expiring)
{
  g_autofree char *text = expiring->can_edit ? cst_fee_expiring_dup_text (expiring) : g_strdup ("");

  gtk_label_set_label (self->expiry_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->expiry_label), *text != '\0');
}

static void
expiring_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(CstDashboardPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstFeeExpiring) expiring = cst_fee_expiring_load_finish (CST_CONNECTION (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->expiring_pending--;
  if (expiring != NULL)
    show_expiring (self, expiring);
  else
    /* No schedules stored, or none readable: the quotes say so where it matters. */
    g_debug ("Expiring fee schedules not loaded: %s", error->message);
}

static void schedule_refresh_after_change (CstDashboardPage *self);
static void start_refresh (CstDashboardPage *self,
                           gboolean          for_change);

static void
fetched_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CstDashboardPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstDashboard) dashboard = cst_dashboard_fetch_finish (CST_CONNECTION (object),
                                                                  result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->last_cost = g_get_monotonic_time () - self->load_started;
  set_loading (self, FALSE);
  if (dashboard != NULL)
    show_dashboard (self, dashboard);
  else
    {
      /* The message names the server's complaint, never a patient. */
      g_debug ("Dashboard not loaded: %s", error->message);
      cst_status_page_set_plain_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
    }
  if (self->again)
    {
      self->again = FALSE;
      cst_dashboard_page_refresh (self);
    }
  else if (self->stale)
    schedule_refresh_after_change (self);
}

/* The main database, on the page's own connection: opened read-only on
 * the store's server and login when first needed, closed when the page is
 * hidden (cst_dashboard_page_unmap()). */
static CstConnection *
main_connection (CstDashboardPage *self)
{
  if (self->own == NULL)
    {
      const char *conninfo = cst_connection_get_conninfo (cst_request_store_get_connection (self->store));
      g_autofree char *reading = cst_report_database_conninfo (conninfo, NULL);

      self->own = cst_connection_new_for_reading (reading ? reading : conninfo, conninfo);
    }
  return self->own;
}

static void
load_expiring (CstDashboardPage *self)
{
  GDate today;

  cst_input_today (&today);
  self->expiring_pending++;
  cst_fee_expiring_load_async (main_connection (self), &today,
                               CST_FEE_EXPIRY_WARN_DAYS, self->cancellable, expiring_cb,
                               g_object_ref (self));
}

/* The replica answered how far behind it is: read from it, or, when it
 * cannot be reached, say so and offer the primary. */
static void
checked_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CstDashboardPage) self = user_data;
  g_autoptr(GError) error = NULL;
  CstReportReading *reading = cst_report_reading_check_finish (CST_CONNECTION (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (reading == NULL)
    reading = cst_report_reading_new (CST_REPORT_READING_UNREACHABLE, self->lag_limit, error->message);
  g_clear_pointer (&self->reading, cst_report_reading_free);
  self->reading = reading;
  if (reading->state == CST_REPORT_READING_UNREACHABLE)
    {
      g_autofree char *said = cst_report_reading_describe (reading);

      set_loading (self, FALSE);
      cst_status_page_set_plain_description (self->error_page, said);
      gtk_widget_set_visible (self->error_primary_button, TRUE);
      gtk_stack_set_visible_child_name (self->stack, "error");
      self->again = FALSE;
      return;
    }
  cst_dashboard_fetch_for_async (self->replica, NULL,
                                 cst_facility_chooser_get_code (self->facility_chooser),
                                 self->cancellable, fetched_cb, g_object_ref (self));
}

/**
 * cst_dashboard_page_refresh:
 *
 * Loads the numbers again in the background; asked while a load is under
 * way, it runs once more when that one is done.
 */
void
cst_dashboard_page_refresh (CstDashboardPage *self)
{
  g_return_if_fail (CST_IS_DASHBOARD_PAGE (self));

  start_refresh (self, FALSE);
}

/* @for_change: a change to the store asked for it (the refresh timer),
 * not the user or the page being shown. */
static void
start_refresh (CstDashboardPage *self,
               gboolean          for_change)
{
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  self->refresh_due = 0;
  if (self->store == NULL)
    return;
  if (self->loading)
    {
      /* A change during a load is seen by the refresh fetched_cb()
       * schedules; anything else runs as soon as the load ends. */
      self->again = self->again || !for_change;
      return;
    }
  self->stale = FALSE;
  g_free (self->load_code);
  self->load_code = g_strdup (cst_facility_chooser_get_code (self->facility_chooser));
  self->load_started = g_get_monotonic_time ();
  if (for_change)
    self->changed_load_at = self->load_started;
  set_loading (self, TRUE);
  if (!self->shown_once)
    gtk_stack_set_visible_child_name (self->stack, "loading");
  load_expiring (self);
  if (self->replica != NULL && !self->use_primary)
    {
      cst_report_reading_check_async (self->replica, self->lag_limit, self->cancellable,
                                      checked_cb, g_object_ref (self));
      return;
    }
  g_clear_pointer (&self->reading, cst_report_reading_free);
  if (self->replica != NULL)
    self->reading = cst_report_reading_new (CST_REPORT_READING_PRIMARY, self->lag_limit, NULL);
  cst_dashboard_fetch_for_async (main_connection (self), NULL,
                                 cst_facility_chooser_get_code (self->facility_chooser),
                                 self->cancellable, fetched_cb, g_object_ref (self));
}

/**
 * cst_dashboard_page_get_expiry_text:
 *
 * Returns: (nullable): the expiring fee schedules the page shows, one per
 *   line, or NULL when it shows none
 */
const char *
cst_dashboard_page_get_expiry_text (CstDashboardPage *self)
{
  g_return_val_if_fail (CST_IS_DASHBOARD_PAGE (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->expiry_label))
         ? gtk_label_get_label (self->expiry_label) : NULL;
}

static gboolean
refresh_timeout_cb (gpointer user_data)
{
  CstDashboardPage *self = user_data;

  self->refresh_id = 0;
  start_refresh (self, TRUE);
  return G_SOURCE_REMOVE;
}

/* The stale numbers of a visible page are loaded again after a short
 * pause, spread between windows, and no sooner than the gap after the last
 * load a change caused: however many changes arrive, one refresh. */
static void
schedule_refresh_after_change (CstDashboardPage *self)
{
  gint64 now = g_get_monotonic_time ();
  gint64 due = now + (REFRESH_DELAY_MS + g_random_int_range (0, REFRESH_SPREAD_MS)) * G_GINT64_CONSTANT (1000);

  if (self->refresh_id != 0 || self->loading || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  if (self->changed_load_at != 0)
    due = MAX (due, self->changed_load_at + MAX (REFRESH_MIN_GAP_MS * G_GINT64_CONSTANT (1000),
                                                 REFRESH_COST_FACTOR * self->last_cost));
  self->refresh_due = due;
  self->refresh_id = g_timeout_add ((guint) ((due - now) / 1000), refresh_timeout_cb, self);
}

static void
store_changed_cb (CstDashboardPage *self)
{
  self->stale = TRUE;
  schedule_refresh_after_change (self);
}

/**
 * cst_dashboard_page_get_refresh_due:
 *
 * Returns: the monotonic time (g_get_monotonic_time()) at which the
 *   refresh the store's changes asked for starts, or 0 when none waits
 */
gint64
cst_dashboard_page_get_refresh_due (CstDashboardPage *self)
{
  g_return_val_if_fail (CST_IS_DASHBOARD_PAGE (self), 0);
  return self->refresh_due;
}

/* The chooser also says so when it fills its list and keeps "all": that
 * is the figures being loaded already, not another load. */
static void
facility_changed_cb (CstDashboardPage *self)
{
  if ((self->loading || self->shown_once) &&
      g_strcmp0 (self->load_code, cst_facility_chooser_get_code (self->facility_chooser)) == 0)
    return;
  cst_dashboard_page_refresh (self);
}

static void
refresh_clicked_cb (CstDashboardPage *self)
{
  cst_dashboard_page_refresh (self);
}

/**
 * cst_dashboard_page_use_primary:
 *
 * Reads from the primary from now on (the button beside a lagging or
 * unreachable report database), and loads the numbers again.
 */
void
cst_dashboard_page_use_primary (CstDashboardPage *self)
{
  g_return_if_fail (CST_IS_DASHBOARD_PAGE (self));

  if (self->replica == NULL || self->use_primary)
    return;
  self->use_primary = TRUE;
  gtk_widget_set_visible (self->error_primary_button, FALSE);
  gtk_widget_set_visible (self->primary_button, FALSE);
  cst_dashboard_page_refresh (self);
}

/* The line over the figures: the dates they cover and, with a report
 * database, where they were read and as of when. */
const char *
cst_dashboard_page_get_as_of_text (CstDashboardPage *self)
{
  g_return_val_if_fail (CST_IS_DASHBOARD_PAGE (self), NULL);
  return gtk_label_get_label (self->as_of_label);
}

static void
use_primary_clicked_cb (CstDashboardPage *self)
{
  cst_dashboard_page_use_primary (self);
}

/**
 * cst_dashboard_page_set_report_database:
 * @conninfo: (nullable): a hot standby to read from (the `report-database`
 *   setting); NULL or "" to read from the store's connection
 * @lag_limit: seconds it may be behind before the page says so
 */
void
cst_dashboard_page_set_report_database (CstDashboardPage *self,
                                        const char       *conninfo,
                                        guint             lag_limit)
{
  g_autofree char *reading = NULL;

  g_return_if_fail (CST_IS_DASHBOARD_PAGE (self));

  g_clear_pointer (&self->report_conninfo, g_free);
  g_clear_object (&self->replica);
  g_clear_pointer (&self->reading, cst_report_reading_free);
  self->use_primary = FALSE;
  self->lag_limit = lag_limit;
  if (conninfo == NULL || *conninfo == '\0' || self->store == NULL)
    return;
  self->report_conninfo = g_strdup (conninfo);
  /* A connection string that cannot be read is a replica that cannot be
   * reached: the first load says so. */
  reading = cst_report_database_conninfo (conninfo, NULL);
  self->replica = cst_connection_new_for_reading (reading ? reading : conninfo,
                                                  cst_connection_get_conninfo (
                                                    cst_request_store_get_connection (self->store)));
  self->stale = TRUE;
}

/* Shown (the view switcher picked the page): bring stale numbers up to date. */
static void
cst_dashboard_page_map (GtkWidget *widget)
{
  CstDashboardPage *self = CST_DASHBOARD_PAGE (widget);

  GTK_WIDGET_CLASS (cst_dashboard_page_parent_class)->map (widget);
  if (self->stale || !self->shown_once)
    cst_dashboard_page_refresh (self);
}

/* Hidden: no refresh waits for it, and its connection is closed (once a
 * load under way ends: the load holds it). */
static void
cst_dashboard_page_unmap (GtkWidget *widget)
{
  CstDashboardPage *self = CST_DASHBOARD_PAGE (widget);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  self->refresh_due = 0;
  g_clear_object (&self->own);
  GTK_WIDGET_CLASS (cst_dashboard_page_parent_class)->unmap (widget);
}

static void
cst_dashboard_page_dispose (GObject *object)
{
  CstDashboardPage *self = CST_DASHBOARD_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  cst_dashboard_page_set_store (self, NULL);
  g_clear_object (&self->own);
  g_clear_object (&self->replica);
  g_clear_pointer (&self->report_conninfo, g_free);
  g_clear_pointer (&self->reading, cst_report_reading_free);
  g_clear_pointer (&self->load_code, g_free);
  cst_dispose_template (GTK_WIDGET (self), CST_TYPE_DASHBOARD_PAGE);
  G_OBJECT_CLASS (cst_dashboard_page_parent_class)->dispose (object);
}

static void
cst_dashboard_page_finalize (GObject *object)
{
  CstDashboardPage *self = CST_DASHBOARD_PAGE (object);

  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (cst_dashboard_page_parent_class)->finalize (object);
}

static void
cst_dashboard_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CstDashboardPage *self = CST_DASHBOARD_PAGE (object);

  switch (prop_id)
    {
    case PROP_LOADING: g_value_set_boolean (value, self->loading); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cst_dashboard_page_class_init (CstDashboardPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cst_dashboard_page_dispose;
  object_class->finalize = cst_dashboard_page_finalize;
  object_class->get_property = cst_dashboard_page_get_property;
  widget_class->map = cst_dashboard_page_map;
  widget_class->unmap = cst_dashboard_page_unmap;

  /**
   * CstDashboardPage:loading:
   *
   * Whether a refresh is under way.
   */
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CST_TYPE_BAR_CHART);
  g_type_ensure (CST_TYPE_FACILITY_CHOOSER);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/cst-dashboard-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CstDashboardPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CstDashboardPage, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, CstDashboardPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, CstDashboardPage, as_of_label);
  gtk_widget_class_bind_template_child (widget_class, CstDashboardPage, expiry_label);
  gtk_widget_class_bind_template_child (widget_class, CstDashboardPage, primary_button);
  gtk_widget_class_bind_template_child (widget_class, CstDashboardPage, error_primary_button);
  gtk_widget_class_bind_template_child (widget_class, CstDashboardPage, refresh_spinner);
  gtk_widget_class_bind_template_child (widget_class, CstDashboardPage, open_count);
  gtk_widget_class_bind_template_child (widget_class, CstDashboardPage, overdue_count);
  gtk_widget_class_bind_template_child (widget_class, CstDashboardPage, overdue_count_icon);
  gtk_widget_class_bind_template_child (widget_class, CstDashboardPage, due_this_week_count);
  gtk_widget_class_bind_template_child (widget_class, CstDashboardPage, due_this_week_count_icon);
  gtk_widget_class_bind_template_child (widget_class, CstDashboardPage, status_chart);
  gtk_widget_class_bind_template_child (widget_class, CstDashboardPage, deadline_chart);
  gtk_widget_class_bind_template_child (widget_class, CstDashboardPage, turnaround_chart);
  gtk_widget_class_bind_template_child (widget_class, CstDashboardPage, fees_chart);
  gtk_widget_class_bind_template_child (widget_class, CstDashboardPage, money_label);
  gtk_widget_class_bind_template_child (widget_class, CstDashboardPage, facility_chooser);
  gtk_widget_class_bind_template_child (widget_class, CstDashboardPage, facilities_box);
  gtk_widget_class_bind_template_child (widget_class, CstDashboardPage, facilities_grid);
  gtk_widget_class_bind_template_callback (widget_class, facility_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, refresh_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, use_primary_clicked_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "dashboardpage");
}

static void
cst_dashboard_page_init (CstDashboardPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  cst_spinner_set_busy (self->loading_spinner, TRUE);
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
cst_dashboard_page_new (void)
{
  return g_object_new (CST_TYPE_DASHBOARD_PAGE, NULL);
}

/**
 * cst_dashboard_page_set_store:
 * @store: (nullable): whose connection to ask, and whose changes to follow
 */
void
cst_dashboard_page_set_store (CstDashboardPage *self,
                              CstRequestStore  *store)
{
  g_return_if_fail (CST_IS_DASHBOARD_PAGE (self));

  if (self->store == store)
    return;
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_set_object (&self->store, store);
  g_clear_object (&self->own);
  self->changed_load_at = 0;
  cst_facility_chooser_set_connection (self->facility_chooser,
                                       store ? cst_request_store_get_connection (store) : NULL);
  if (store == NULL)
    return;
  g_signal_connect_swapped (store, "items-changed", G_CALLBACK (store_changed_cb), self);
  self->stale = TRUE;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    cst_dashboard_page_refresh (self);
}

gboolean
cst_dashboard_page_get_loading (CstDashboardPage *self)
{
  g_return_val_if_fail (CST_IS_DASHBOARD_PAGE (self), FALSE);
  return self->loading || self->expiring_pending > 0;
}

/* "loading", "empty", "error" or "dashboard": what the page shows. */
const char *
cst_dashboard_page_get_state (CstDashboardPage *self)
{
  g_return_val_if_fail (CST_IS_DASHBOARD_PAGE (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

CstBarChart *
cst_dashboard_page_get_chart (CstDashboardPage  *self,
                              CstDashboardChart  which)
{
  g_return_val_if_fail (CST_IS_DASHBOARD_PAGE (self), NULL);

  switch (which)
    {
    case CST_DASHBOARD_CHART_STATUS: return self->status_chart;
    case CST_DASHBOARD_CHART_DEADLINE: return self->deadline_chart;
    case CST_DASHBOARD_CHART_TURNAROUND: return self->turnaround_chart;
    case CST_DASHBOARD_CHART_FEES: return self->fees_chart;
    default: g_return_val_if_reached (NULL);
    }
}

GtkLabel *
cst_dashboard_page_get_count_label (CstDashboardPage  *self,
                                    CstDashboardCount  which)
{
  g_return_val_if_fail (CST_IS_DASHBOARD_PAGE (self), NULL);

  switch (which)
    {
    case CST_DASHBOARD_COUNT_OPEN: return self->open_count;
    case CST_DASHBOARD_COUNT_OVERDUE: return self->overdue_count;
    case CST_DASHBOARD_COUNT_DUE_THIS_WEEK: return self->due_this_week_count;
    default: g_return_val_if_reached (NULL);
    }
}

/* The facility chooser above the figures (issue 22). */
CstFacilityChooser *
cst_dashboard_page_get_facility_chooser (CstDashboardPage *self)
{
  g_return_val_if_fail (CST_IS_DASHBOARD_PAGE (self), NULL);
  return self->facility_chooser;
}

/* The table of each facility's totals; hidden when the figures are for
 * one facility. */
GtkWidget *
cst_dashboard_page_get_facilities_table (CstDashboardPage *self)
{
  g_return_val_if_fail (CST_IS_DASHBOARD_PAGE (self), NULL);
  return self->facilities_box;
}
