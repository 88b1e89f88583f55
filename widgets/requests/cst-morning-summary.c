/* cst-morning-summary.c — once a day, the requests at risk of missing their
 * legal deadline
 *
 * The first time Custodian opens on a given day it lists, in a dialog,
 * every open request within CST_AT_RISK_DAYS of its legal deadline
 * or past it (most urgent first), with a button that filters the list to
 * them.  Late requests were the heart of OCR's Right of Access cases; a
 * count in the header is easy to stop seeing, a dialog each morning is
 * not.  The day it was shown is kept in the settings so that reopening the
 * window the same day does not nag.  Reading the requests already loaded
 * in the store keeps the main loop off the database.
 */
#define G_LOG_DOMAIN "cst-morning-summary"

#include "config.h"

#include <glib/gi18n.h>

#include "cst-due-badge.h"
#include "cst-morning-summary.h"

#include <custodian/cst-enums.h>
#include <custodian/cst-input.h>
#include <custodian/cst-request.h>

/* The dialog names at most this many references; the filter shows all. */
#define MAX_LISTED 15

static int
compare_days_left (gconstpointer a,
                   gconstpointer b,
                   gpointer      today)
{
  int da = cst_request_days_left_on (*(CstRequest **) a, today);
  int db = cst_request_days_left_on (*(CstRequest **) b, today);

  return (da > db) - (da < db);
}

/**
 * cst_morning_summary_collect:
 *
 * Returns: (transfer container): the open requests of @requests within 5
 *   days of their legal deadline or past it, on @today, most urgent first
 */
GPtrArray *
cst_morning_summary_collect (GListModel  *requests,
                             const GDate *today)
{
  GPtrArray *at_risk = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (requests);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CstRequest) request = g_list_model_get_item (requests, i);
      if (cst_due_state_is_at_risk (cst_request_due_state_on (request, today)))
        g_ptr_array_add (at_risk, g_steal_pointer (&request));
    }
  g_ptr_array_sort_with_data (at_risk, compare_days_left, (gpointer) today);
  return at_risk;
}

/* The dialog's body: the count, then one line per request, "REF — Overdue
 * by 2 days".  References only: no patient names on a screen that opens
 * before anyone chose to look at a request. */
char *
cst_morning_summary_describe (GPtrArray   *at_risk,
                              const GDate *today)
{
  GString *text = g_string_new (NULL);

  g_string_append_printf (text,
                          g_dngettext (NULL,
                                       "%u request is within %d days of its legal deadline or past it:",
                                       "%u requests are within %d days of their legal deadline or past it:",
                                       at_risk->len),
                          at_risk->len, CST_AT_RISK_DAYS);
  for (guint i = 0; i < at_risk->len && i < MAX_LISTED; i++)
    {
      CstRequest *request = g_ptr_array_index (at_risk, i);
      g_autofree char *state = cst_due_badge_describe (request, today);
      const char *citation = cst_request_get_deadline (request)->citation;

      g_string_append_printf (text, "\n%s — %s", cst_request_get_reference (request), state);
      /* The rule that set the deadline, so a short state clock is not
       * mistaken for HIPAA's. */
      if (citation != NULL)
        g_string_append_printf (text, " (%s)", citation);
    }
  if (at_risk->len > MAX_LISTED)
    g_string_append_printf (text, "\n%s",
                            _("…and more: show them to see every one."));
  return g_string_free (text, FALSE);
}

/* Whether the summary has not been shown yet on @today. */
gboolean
cst_morning_summary_is_due (GSettings   *settings,
                            const GDate *today)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *day = cst_input_format_date (today);

  /* An older installed schema may lack the key. */
  g_object_get (settings, "settings-schema", &schema, NULL);
  if (!g_settings_schema_has_key (schema, CST_MORNING_SUMMARY_KEY))
    return FALSE;
  shown = g_settings_get_string (settings, CST_MORNING_SUMMARY_KEY);
  return g_strcmp0 (shown, day) != 0;
}

/* Shows the requests page, filtered to the requests at risk. */
static void
show_at_risk (CstRequestListPage *page)
{
  GtkWidget *child = GTK_WIDGET (page);
  GtkWidget *stack = gtk_widget_get_ancestor (child, ADW_TYPE_VIEW_STACK);

  while (stack != NULL && gtk_widget_get_parent (child) != stack)
    child = gtk_widget_get_parent (child);
  if (stack != NULL)
    adw_view_stack_set_visible_child (ADW_VIEW_STACK (stack), child);
  cst_request_list_page_set_scope (page, CST_LIST_SCOPE_AT_RISK);
}

static void
response_cb (AdwMessageDialog *dialog,
             const char       *response,
             gpointer          user_data)
{
  CstRequestListPage *page = g_object_get_data (G_OBJECT (dialog), "page");

  if (g_str_equal (response, "show") && page != NULL)
    show_at_risk (page);
}

/**
 * cst_morning_summary_maybe_present:
 * @page: the list to filter when the clerk asks to see the requests
 *
 * Presents the summary when it was not yet shown on @today and some
 * request is at risk, and records @today either way.
 *
 * Returns: (transfer none) (nullable): the dialog, if one was presented
 */
GtkWindow *
cst_morning_summary_maybe_present (GtkWindow          *parent,
                                   CstRequestListPage *page,
                                   GListModel         *requests,
                                   GSettings          *settings,
                                   const GDate        *today)
{
  g_autoptr(GPtrArray) at_risk = NULL;
  g_autofree char *body = NULL;
  g_autofree char *day = NULL;
  GtkWidget *dialog;

  if (settings == NULL || requests == NULL || !cst_morning_summary_is_due (settings, today))
    return NULL;
  day = cst_input_format_date (today);
  g_settings_set_string (settings, CST_MORNING_SUMMARY_KEY, day);
  at_risk = cst_morning_summary_collect (requests, today);
  if (at_risk->len == 0)
    return NULL;
  body = cst_morning_summary_describe (at_risk, today);
  dialog = adw_message_dialog_new (parent, _("Requests at Risk Today"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "close", _("_Later"), "show", _("_Show Them"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "show",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "show");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  g_object_set_data_full (G_OBJECT (dialog), "page", g_object_ref (page), g_object_unref);
  g_signal_connect (dialog, "response", G_CALLBACK (response_cb), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
  return GTK_WINDOW (dialog);
}
