/* cst-fee-schedules-window.c — review, compare and edit the fee schedules
 *
 * Schedules are data the hospital owns.  An edit never changes a schedule
 * in place: saving makes the next version (quotes keep pointing at the
 * version they used), after the model has checked the whole set with the
 * edit in place (overlapping dates, tier gaps, negative amounts).  Amounts
 * the reference could not confirm carry an "Unconfirmed" flag here and in
 * every quote.  The database lets only administrators save.  Schedules
 * that run out within CST_FEE_EXPIRY_WARN_DAYS with nothing after them are
 * named at the top for administrators (who alone can act on them), with
 * the period whose amounts to enter ("Next Period").
 *
 * A schedule is edited as a form (dates as dates, amounts as money, the
 * paper tiers as rows) or, for experts, as the text of the data file; both
 * become the same text, checked by the same whole-set validation on save.
 * The form writes only the keys it shows and keeps every other key.
 */
#define G_LOG_DOMAIN "cst-fee-schedules-window"

#include "config.h"

#include <glib/gi18n.h>

#include "cst-dispose.h"
#include "cst-fee-schedules-window.h"
#include "cst-plain-text.h"

#include <custodian/cst-error.h>
#include <custodian/cst-fee-expiry.h>
#include <custodian/cst-fee-quote.h>
#include <custodian/cst-fee-schedule.h>
#include <custodian/cst-fee-repo.h>
#include <custodian/cst-input.h>
#include <custodian/cst-money.h>

struct _CstFeeSchedulesWindow
{
  AdwWindow          parent_instance;

  AdwToastOverlay   *toasts;
  GtkListBox        *schedules_box;
  GtkTextView       *text_view;
  GtkTextView       *compare_view;
  GtkDropDown       *versions_dropdown;
  GtkLabel          *title_label;
  GtkLabel          *message_label;
  GtkLabel          *expiry_label;
  GtkStack          *editor_stack;
  GtkBox            *form_box;
  AdwEntryRow       *from_row;
  AdwEntryRow       *to_row;
  AdwComboRow       *confidence_row;
  AdwEntryRow       *citation_row;
  AdwEntryRow       *source_row;
  AdwEntryRow       *note_row;
  AdwEntryRow       *request_fee_row;
  GtkListBox        *tiers_box;
  gboolean           switching;   /* the editor is being moved between form and text */
  GtkButton         *save_button;

  CstConnection     *connection;
  GCancellable      *cancellable;           /* the window's life */
  GCancellable      *versions_cancellable;  /* the selected schedule's versions */
  gboolean           versions_pending;      /* counted once in busy */
  GPtrArray         *schedules;   /* of CstFeeSchedule, the current versions */
  GPtrArray         *versions;    /* of CstFeeSchedule, of the selected key */
  CstFeeSchedule    *selected;
  gboolean           creating;    /* the text is a new schedule, not an edit */
  guint              busy;
};

G_DEFINE_FINAL_TYPE (CstFeeSchedulesWindow, cst_fee_schedules_window, ADW_TYPE_WINDOW)

static void load (CstFeeSchedulesWindow *self);

static void
show_message (CstFeeSchedulesWindow *self,
              const char            *message)
{
  gtk_label_set_label (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
}

static void
set_text (GtkTextView *view,
          const char  *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), text ? text : "", -1);
}

static char *
dup_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static GtkWidget *
schedule_row (CstFeeSchedule *schedule)
{
  GtkWidget *row = adw_action_row_new ();
  GDate from, to;
  g_autofree char *from_text = NULL, *to_text = NULL, *subtitle = NULL;

  cst_fee_schedule_get_effective (schedule, &from, &to);
  from_text = cst_input_format_date (&from);
  to_text = g_date_valid (&to) ? cst_input_format_date (&to) : g_strdup (_("open-ended"));
  subtitle = g_strdup_printf (_("%s · version %d · %s to %s"),
                              cst_fee_schedule_get_jurisdiction (schedule),
                              cst_fee_schedule_get_version (schedule), from_text, to_text);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), cst_fee_schedule_get_key (schedule));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (cst_fee_schedule_is_unconfirmed (schedule))
    {
      /* Said in words, not only by colour. */
      GtkWidget *flag = gtk_label_new (_("Unconfirmed"));
      gtk_widget_add_css_class (flag, "warning");
      gtk_widget_set_tooltip_text (flag, _("Some amounts could not be confirmed against the law; "
                                           "review them before relying on them."));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), flag);
    }
  return row;
}

static void
update_save_button (CstFeeSchedulesWindow *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button),
                            self->busy == 0 && (self->selected || self->creating));
}

static void
set_busy (CstFeeSchedulesWindow *self,
          gboolean               busy)
{
  self->busy += busy ? 1 : -1;
  update_save_button (self);
}

/* ---- the form ---------------------------------------------------------- */

static const char confidence_codes[] = { 'C', 'S', 'U' };

static AdwEntryRow *
form_entry (AdwPreferencesGroup *group,
            const char          *title)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_group_add (group, row);
  return ADW_ENTRY_ROW (row);
}

static void
remove_tier_clicked_cb (GtkButton *button,
                        GtkWidget *row)
{
  gtk_list_box_remove (GTK_LIST_BOX (gtk_widget_get_parent (row)), row);
}

/* One tier as a row: first page, last page (empty: no end), the amount as
 * money, and whether the amount covers the whole tier. */
static GtkWidget *
tier_row (const CstFeeTierValue *tier)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *first = gtk_entry_new (), *last = gtk_entry_new (), *amount = gtk_entry_new ();
  GtkWidget *flat = gtk_check_button_new_with_label (_("For the whole tier"));
  GtkWidget *remove = gtk_button_new_from_icon_name ("list-remove-symbolic");
  GtkWidget *row = gtk_list_box_row_new ();
  g_autofree char *first_text = g_strdup_printf ("%" G_GINT64_FORMAT, tier->first);
  g_autofree char *last_text = tier->last ? g_strdup_printf ("%" G_GINT64_FORMAT, tier->last) : g_strdup ("");
  g_autofree char *money = cst_money_format (tier->cents);

  gtk_editable_set_text (GTK_EDITABLE (first), first_text);
  gtk_editable_set_text (GTK_EDITABLE (last), last_text);
  gtk_editable_set_text (GTK_EDITABLE (amount), money);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (flat), tier->flat);
  gtk_editable_set_width_chars (GTK_EDITABLE (first), 6);
  gtk_editable_set_width_chars (GTK_EDITABLE (last), 6);
  gtk_editable_set_width_chars (GTK_EDITABLE (amount), 9);
  gtk_entry_set_placeholder_text (GTK_ENTRY (last), _("no end"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (first), GTK_ACCESSIBLE_PROPERTY_LABEL, _("First page"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (last), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Last page (empty: no end)"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (amount), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Amount per page, in dollars"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Remove this tier"), -1);
  gtk_widget_set_tooltip_text (remove, _("Remove this tier"));
  gtk_widget_add_css_class (remove, "flat");
  g_object_set_data (G_OBJECT (row), "first", first);
  g_object_set_data (G_OBJECT (row), "last", last);
  g_object_set_data (G_OBJECT (row), "amount", amount);
  g_object_set_data (G_OBJECT (row), "flat", flat);
  gtk_box_append (GTK_BOX (box), gtk_label_new (_("Pages")));
  gtk_box_append (GTK_BOX (box), first);
  gtk_box_append (GTK_BOX (box), gtk_label_new ("–"));
  gtk_box_append (GTK_BOX (box), last);
  gtk_box_append (GTK_BOX (box), amount);
  gtk_box_append (GTK_BOX (box), flat);
  gtk_box_append (GTK_BOX (box), remove);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  g_signal_connect (remove, "clicked", G_CALLBACK (remove_tier_clicked_cb), row);
  return row;
}

static void
add_tier_clicked_cb (CstFeeSchedulesWindow *self)
{
  CstFeeTierValue tier = { 1, 0, 0, FALSE };
  GtkWidget *last_row = NULL;

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->tiers_box)); row;
       row = gtk_widget_get_next_sibling (row))
    last_row = row;
  if (last_row != NULL)
    {
      const char *last = gtk_editable_get_text (g_object_get_data (G_OBJECT (last_row), "last"));
      tier.first = g_ascii_strtoll (last, NULL, 10) + 1;
    }
  gtk_list_box_append (self->tiers_box, tier_row (&tier));
}

static void
build_form (CstFeeSchedulesWindow *self)
{
  AdwPreferencesGroup *when = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  AdwPreferencesGroup *amounts = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  g_autoptr(GtkStringList) confidences = gtk_string_list_new ((const char *[]) {
    _("Confirmed in the law's own text (C)"), _("From a secondary source (S)"), _("Unconfirmed (U)"), NULL });
  GtkWidget *add = gtk_button_new_with_mnemonic (_("_Add Tier"));

  adw_preferences_group_set_title (when, _("In Effect, and the Law Behind It"));
  self->from_row = form_entry (when, _("Effective from (YYYY-MM-DD)"));
  self->to_row = form_entry (when, _("Effective to (YYYY-MM-DD, empty: open-ended)"));
  self->confidence_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->confidence_row), _("How sure"));
  adw_combo_row_set_model (self->confidence_row, G_LIST_MODEL (confidences));
  adw_preferences_group_add (when, GTK_WIDGET (self->confidence_row));
  self->citation_row = form_entry (when, _("Citation"));
  self->source_row = form_entry (when, _("Source (where the amounts were read)"));
  self->note_row = form_entry (when, _("Note (shown in every quote)"));

  adw_preferences_group_set_title (amounts, _("Amounts"));
  self->request_fee_row = form_entry (amounts, _("Fee per request, $ (empty: none)"));
  self->tiers_box = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->tiers_box, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->tiers_box), "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->tiers_box), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Paper page tiers"), -1);
  gtk_widget_set_halign (add, GTK_ALIGN_START);
  g_signal_connect_swapped (add, "clicked", G_CALLBACK (add_tier_clicked_cb), self);
  gtk_box_append (self->form_box, GTK_WIDGET (when));
  gtk_box_append (self->form_box, GTK_WIDGET (amounts));
  gtk_box_append (self->form_box, gtk_label_new (_("Paper pages, each tier at its own rate")));
  gtk_box_append (self->form_box, GTK_WIDGET (self->tiers_box));
  gtk_box_append (self->form_box, add);
}

static void
set_entry (AdwEntryRow *row,
           GKeyFile    *keyfile,
           const char  *group,
           const char  *key)
{
  g_autofree char *value = g_key_file_get_string (keyfile, group, key, NULL);

  gtk_editable_set_text (GTK_EDITABLE (row), value ? value : "");
}

static char *
money_text (const char *cents_text)
{
  if (cents_text == NULL || *cents_text == '\0')
    return g_strdup ("");
  return cst_money_format (g_ascii_strtoll (cents_text, NULL, 10));
}

/* The form shows @text's values; FALSE when @text is not one schedule. */
static gboolean
fill_form (CstFeeSchedulesWindow *self,
           const char            *text)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autofree char *group = NULL;
  g_autofree char *confidence = NULL, *fee = NULL, *fee_text = NULL, *paper = NULL;
  g_autoptr(GArray) tiers = NULL;

  if (!g_key_file_load_from_data (keyfile, text, -1, G_KEY_FILE_KEEP_COMMENTS, NULL) ||
      (group = g_key_file_get_start_group (keyfile)) == NULL)
    return FALSE;
  set_entry (self->from_row, keyfile, group, "effective-from");
  set_entry (self->to_row, keyfile, group, "effective-to");
  set_entry (self->citation_row, keyfile, group, "citation");
  set_entry (self->source_row, keyfile, group, "source");
  set_entry (self->note_row, keyfile, group, "note");
  confidence = g_key_file_get_string (keyfile, group, "confidence", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (confidence_codes); i++)
    if (confidence && confidence[0] == confidence_codes[i])
      adw_combo_row_set_selected (self->confidence_row, i);
  fee = g_key_file_get_string (keyfile, group, "request-fee-cents", NULL);
  fee_text = money_text (fee);
  gtk_editable_set_text (GTK_EDITABLE (self->request_fee_row), fee_text);
  for (GtkWidget *row; (row = gtk_widget_get_first_child (GTK_WIDGET (self->tiers_box)));)
    gtk_list_box_remove (self->tiers_box, row);
  paper = g_key_file_get_string (keyfile, group, "paper", NULL);
  tiers = paper ? cst_fee_tiers_parse (paper, NULL) : NULL;
  for (guint i = 0; tiers && i < tiers->len; i++)
    gtk_list_box_append (self->tiers_box, tier_row (&g_array_index (tiers, CstFeeTierValue, i)));
  return TRUE;
}

static gboolean
form_error (GError    **error,
            const char *field,
            const char *message)
{
  g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT, "%s: %s", field, message);
  return FALSE;
}

static gboolean
put_date (GKeyFile    *keyfile,
          const char  *group,
          const char  *key,
          AdwEntryRow *row,
          GError     **error)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));
  g_autoptr(GError) local = NULL;
  GDate date;

  if (*text == '\0')
    {
      g_key_file_remove_key (keyfile, group, key, NULL);
      return TRUE;
    }
  if (!cst_input_parse_date (text, &date, &local))
    return form_error (error, adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), local->message);
  g_key_file_set_string (keyfile, group, key, text);
  return TRUE;
}

static void
put_text (GKeyFile    *keyfile,
          const char  *group,
          const char  *key,
          AdwEntryRow *row)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));

  if (*text == '\0')
    g_key_file_remove_key (keyfile, group, key, NULL);
  else
    g_key_file_set_string (keyfile, group, key, text);
}

static gboolean
put_money (GKeyFile    *keyfile,
           const char  *group,
           const char  *key,
           const char  *what,
           const char  *text,
           gint64      *cents,
           GError     **error)
{
  g_autoptr(GError) local = NULL;

  if (!cst_input_parse_money (text, cents, &local))
    return form_error (error, what, local->message);
  if (key != NULL)
    {
      g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, *cents);
      g_key_file_set_string (keyfile, group, key, value);
    }
  return TRUE;
}

static gboolean
put_tiers (CstFeeSchedulesWindow *self,
           GKeyFile              *keyfile,
           const char            *group,
           GError               **error)
{
  g_autoptr(GArray) tiers = g_array_new (FALSE, TRUE, sizeof (CstFeeTierValue));
  g_autofree char *text = NULL;

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->tiers_box)); row;
       row = gtk_widget_get_next_sibling (row))
    {
      CstFeeTierValue tier = { 0 };
      const char *first = gtk_editable_get_text (g_object_get_data (G_OBJECT (row), "first"));
      const char *last = gtk_editable_get_text (g_object_get_data (G_OBJECT (row), "last"));
      guint64 value;

      if (!g_ascii_string_to_unsigned (first, 10, 1, G_MAXINT32, &value, NULL))
        return form_error (error, _("First page"), _("a page number from 1"));
      tier.first = (gint64) value;
      if (*last != '\0' && !g_ascii_string_to_unsigned (last, 10, 1, G_MAXINT32, &value, NULL))
        return form_error (error, _("Last page"), _("a page number, or empty for no end"));
      tier.last = *last != '\0' ? (gint64) value : 0;
      if (!put_money (keyfile, group, NULL, _("Amount per page"),
                      gtk_editable_get_text (g_object_get_data (G_OBJECT (row), "amount")), &tier.cents, error))
        return FALSE;
      tier.flat = gtk_check_button_get_active (g_object_get_data (G_OBJECT (row), "flat"));
      g_array_append_val (tiers, tier);
    }
  if (tiers->len == 0)
    {
      g_key_file_remove_key (keyfile, group, "paper", NULL);
      return TRUE;
    }
  if (tiers->len > 8)
    return form_error (error, _("Paper pages"), _("at most 8 tiers"));
  text = cst_fee_tiers_to_string ((const CstFeeTierValue *) (gpointer) tiers->data, tiers->len);
  g_key_file_set_string (keyfile, group, "paper", text);
  return TRUE;
}

/* @text with the form's values in place of its own: only the keys the
 * form shows change.  The schedule's own checks come when it is saved. */
static char *
apply_form (CstFeeSchedulesWindow *self,
            const char            *text,
            GError               **error)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autofree char *group = NULL;
  const char *fee = gtk_editable_get_text (GTK_EDITABLE (self->request_fee_row));
  char confidence[2] = { confidence_codes[MIN (adw_combo_row_get_selected (self->confidence_row), 2)], '\0' };
  gint64 cents;

  if (!g_key_file_load_from_data (keyfile, text, -1, G_KEY_FILE_KEEP_COMMENTS, error) ||
      (group = g_key_file_get_start_group (keyfile)) == NULL)
    {
      g_clear_error (error);
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                           _("The text is not one schedule; correct it in the Text view."));
      return NULL;
    }
  if (!put_date (keyfile, group, "effective-from", self->from_row, error) ||
      !put_date (keyfile, group, "effective-to", self->to_row, error))
    return NULL;
  g_key_file_set_string (keyfile, group, "confidence", confidence);
  put_text (keyfile, group, "citation", self->citation_row);
  put_text (keyfile, group, "source", self->source_row);
  put_text (keyfile, group, "note", self->note_row);
  if (*fee == '\0')
    g_key_file_remove_key (keyfile, group, "request-fee-cents", NULL);
  else if (!put_money (keyfile, group, "request-fee-cents", _("Fee per request"), fee, &cents, error))
    return NULL;
  if (!put_tiers (self, keyfile, group, error))
    return NULL;
  return g_key_file_to_data (keyfile, NULL, NULL);
}

static gboolean
form_shown (CstFeeSchedulesWindow *self)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->editor_stack), "form") == 0;
}

/* The editor's text: from the form when the form is shown. */
static char *
edited_text (CstFeeSchedulesWindow *self,
             GError               **error)
{
  g_autofree char *text = dup_text (self->text_view);

  return form_shown (self) ? apply_form (self, text, error) : g_steal_pointer (&text);
}

/* Shows @text in both editors. */
static void
set_editors (CstFeeSchedulesWindow *self,
             const char            *text)
{
  set_text (self->text_view, text);
  fill_form (self, text);
}

/* Moving between the form and the text carries the edits along. */
static void
editor_switched_cb (CstFeeSchedulesWindow *self)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  if (self->switching)
    return;
  if (form_shown (self))
    {
      text = dup_text (self->text_view);
      if (!fill_form (self, text))
        show_message (self, _("The text is not one schedule; correct it in the Text view."));
      return;
    }
  {
    g_autofree char *before = dup_text (self->text_view);

    text = apply_form (self, before, &error);
  }
  if (text == NULL)
    show_message (self, error->message);
  else
    set_text (self->text_view, text);
}

/* ---- versions of one schedule ------------------------------------------ */

static void
version_chosen_cb (CstFeeSchedulesWindow *self)
{
  guint i = gtk_drop_down_get_selected (self->versions_dropdown);
  g_autofree char *text = NULL;

  if (self->versions == NULL || i >= self->versions->len)
    {
      set_text (self->compare_view, "");
      return;
    }
  text = cst_fee_schedule_to_text (g_ptr_array_index (self->versions, i));
  set_text (self->compare_view, text);
}

static void
versions_loaded_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CstFeeSchedulesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *versions = cst_fee_repo_list_versions_finish (CST_CONNECTION (object), result, &error);
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->versions_pending = FALSE;
  set_busy (self, FALSE);
  g_clear_pointer (&self->versions, g_ptr_array_unref);
  self->versions = versions;
  for (guint i = 0; versions && i < versions->len; i++)
    {
      g_autofree char *label = g_strdup_printf (_("Version %d"),
                                                cst_fee_schedule_get_version (g_ptr_array_index (versions, i)));
      gtk_string_list_append (labels, label);
    }
  gtk_drop_down_set_model (self->versions_dropdown, G_LIST_MODEL (labels));
  /* Compare with the previous version when there is one. */
  gtk_drop_down_set_selected (self->versions_dropdown, versions && versions->len > 1 ? 1 : 0);
  version_chosen_cb (self);
}

static void
show_schedule (CstFeeSchedulesWindow *self,
               CstFeeSchedule        *schedule)
{
  g_autofree char *text = cst_fee_schedule_to_text (schedule);
  g_autofree char *title = g_strdup_printf (_("%s — %s"), cst_fee_schedule_get_key (schedule),
                                            cst_fee_schedule_get_citation (schedule));
  GDate from, to;

  g_clear_pointer (&self->selected, cst_fee_schedule_unref);
  self->selected = cst_fee_schedule_ref (schedule);
  cst_fee_schedule_get_effective (schedule, &from, &to);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "schedules.next-period", g_date_valid (&to));
  gtk_label_set_label (self->title_label, title);
  set_editors (self, text);
  show_message (self, NULL);
  /* The versions of the schedule selected before no longer apply: that
   * job is dropped, and the window is busy with this one instead. */
  cst_dispose_renew (&self->versions_cancellable);
  if (!self->versions_pending)
    set_busy (self, TRUE);
  self->versions_pending = TRUE;
  cst_fee_repo_list_versions_async (self->connection, cst_fee_schedule_get_key (schedule),
                                     self->versions_cancellable, versions_loaded_cb, g_object_ref (self));
}

static void
row_selected_cb (CstFeeSchedulesWindow *self,
                 GtkListBoxRow         *row)
{
  if (row != NULL)
    self->creating = FALSE;
  if (row != NULL && self->schedules != NULL)
    show_schedule (self, g_ptr_array_index (self->schedules, gtk_list_box_row_get_index (row)));
}

/* ---- loading and saving ----------------------------------------------- */

/* Only an administrator can enter the next period's amounts: only they
 * are told, as on the dashboard. */
static void
show_expiring (CstFeeSchedulesWindow *self,
               const CstFeeExpiring  *expiring)
{
  g_autofree char *text = expiring != NULL && expiring->can_edit ? cst_fee_expiring_dup_text (expiring)
                                                                  : g_strdup ("");

  gtk_label_set_label (self->expiry_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->expiry_label), *text != '\0');
}

static void
expiring_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CstFeeSchedulesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstFeeExpiring) expiring = cst_fee_expiring_load_finish (CST_CONNECTION (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (expiring == NULL)
    g_debug ("Expiring schedules not loaded: %s", error->message);
  show_expiring (self, expiring);
}

static void
loaded_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CstFeeSchedulesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstFeeScheduleSet) set = cst_fee_repo_load_schedules_finish (CST_CONNECTION (object),
                                                                          result, &error);
  g_autofree char *keep = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  keep = self->selected ? g_strdup (cst_fee_schedule_get_key (self->selected)) : NULL;
  set_busy (self, FALSE);
  if (set == NULL)
    {
      show_message (self, error->message);
      return;
    }
  g_clear_pointer (&self->schedules, g_ptr_array_unref);
  self->schedules = g_ptr_array_ref (cst_fee_schedule_set_get_schedules (set));
  for (GtkWidget *row; (row = gtk_widget_get_first_child (GTK_WIDGET (self->schedules_box)));)
    gtk_list_box_remove (self->schedules_box, row);
  for (guint i = 0; i < self->schedules->len; i++)
    gtk_list_box_append (self->schedules_box, schedule_row (g_ptr_array_index (self->schedules, i)));
  if (keep != NULL)
    cst_fee_schedules_window_select (self, keep);
}

static void
load (CstFeeSchedulesWindow *self)
{
  GDate today;

  cst_input_today (&today);
  set_busy (self, TRUE);
  cst_fee_repo_load_schedules_async (self->connection, self->cancellable, loaded_cb, g_object_ref (self));
  /* The model says whether this login may act on them. */
  set_busy (self, TRUE);
  cst_fee_expiring_load_async (self->connection, &today, CST_FEE_EXPIRY_WARN_DAYS, self->cancellable,
                               expiring_cb, g_object_ref (self));
}

static void
saved_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CstFeeSchedulesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstFeeSchedule) saved = cst_fee_repo_save_version_finish (CST_CONNECTION (object), result, &error);
  g_autofree char *message = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (saved == NULL)
    {
      show_message (self, error->message);
      return;
    }
  message = g_strdup_printf (_("Saved %s as version %d"), cst_fee_schedule_get_key (saved),
                             cst_fee_schedule_get_version (saved));
  adw_toast_overlay_add_toast (self->toasts, cst_toast_new_plain (message));
  g_clear_pointer (&self->selected, cst_fee_schedule_unref);
  self->selected = g_steal_pointer (&saved);
  self->creating = FALSE;
  load (self);
}

static gboolean
key_exists (CstFeeSchedulesWindow *self,
            const char            *key)
{
  for (guint i = 0; self->schedules && i < self->schedules->len; i++)
    if (g_str_equal (cst_fee_schedule_get_key (g_ptr_array_index (self->schedules, i)), key))
      return TRUE;
  return FALSE;
}

/* The edited text as the schedule to save: the next version of the selected
 * one, or a new schedule whose name must not be taken already. */
static CstFeeSchedule *
schedule_to_save (CstFeeSchedulesWindow *self,
                  const char            *text,
                  GError               **error)
{
  g_autoptr(CstFeeSchedule) created = NULL;

  if (!self->creating)
    return cst_fee_schedule_new_version (self->selected, text, error);
  created = cst_fee_schedule_new_from_text (text, error);
  if (created != NULL && key_exists (self, cst_fee_schedule_get_key (created)))
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("A schedule named “%s” exists already; give the new one another name, or "
                     "select the existing one to edit it."), cst_fee_schedule_get_key (created));
      return NULL;
    }
  return g_steal_pointer (&created);
}

/* Puts a new schedule's text in the editor; saving creates it. */
static void
start_creating (CstFeeSchedulesWindow *self,
                const char            *title,
                const char            *text)
{
  g_clear_pointer (&self->selected, cst_fee_schedule_unref);
  gtk_list_box_unselect_all (self->schedules_box);
  self->creating = TRUE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "schedules.next-period", FALSE);
  gtk_label_set_label (self->title_label, title);
  set_editors (self, text);
  set_text (self->compare_view, "");
  show_message (self, NULL);
  update_save_button (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}

/* Starts a schedule of the hospital's own third-party amounts: the engine
 * charges them where they come to less than the state maximum. */
static void
new_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CstFeeSchedulesWindow *self = CST_FEE_SCHEDULES_WINDOW (widget);
  const char *state = self->selected ? cst_fee_schedule_get_jurisdiction (self->selected) : "NY";
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *text = NULL;

  if (g_str_equal (state, "US"))
    state = "NY";
  /* The keys stay in the data file's English; only the comment is the
   * clerk's language. */
  text = g_strdup_printf ("# %s\n[%s-facility]\nkind=facility\njurisdiction=%s\n"
                          "requesters=attorney;insurer;other\neffective-from=%s\nconfidence=C\n"
                          "citation=%s\npaper=1-:25\nelectronic=1-:10\n",
                          _("The hospital's own amounts: charged instead of the state maximum where they come to less."),
                          state, state, today, _("Hospital fee policy"));
  start_creating (self, _("New Hospital Schedule"), text);
}

/* Starts the schedule for the period after the selected one's, for the
 * amounts a state publishes each year: a copy, dated on and unconfirmed,
 * whose amounts the administrator replaces before saving. */
static void
next_period_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CstFeeSchedulesWindow *self = CST_FEE_SCHEDULES_WINDOW (widget);
  g_autoptr(CstFeeSchedule) next = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *title = NULL;

  if (self->selected == NULL)
    return;
  next = cst_fee_schedule_dup_next_period (self->selected, &error);
  if (next == NULL)
    {
      show_message (self, error->message);
      return;
    }
  text = cst_fee_schedule_to_text (next);
  /* Translators: the new schedule's name and the one it continues. */
  title = g_strdup_printf (_("%s, Continuing %s"), cst_fee_schedule_get_key (next),
                           cst_fee_schedule_get_key (self->selected));
  start_creating (self, title, text);
  show_message (self, _("Replace the copied amounts with the ones published for this period "
                        "and set confidence=C, then save."));
}

static void
save_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CstFeeSchedulesWindow *self = CST_FEE_SCHEDULES_WINDOW (widget);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstFeeSchedule) edited = NULL;

  if ((self->selected == NULL && !self->creating) || self->busy > 0)
    return;
  /* Checked here first, so a typo is reported before anything is sent. */
  text = edited_text (self, &error);
  if (text != NULL)
    edited = schedule_to_save (self, text, &error);
  if (edited == NULL)
    {
      show_message (self, error->message);
      return;
    }
  show_message (self, NULL);
  set_busy (self, TRUE);
  cst_fee_repo_save_version_async (self->connection, edited, self->cancellable, saved_cb,
                                    g_object_ref (self));
}

static void
cst_fee_schedules_window_dispose (GObject *object)
{
  CstFeeSchedulesWindow *self = CST_FEE_SCHEDULES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CST_TYPE_FEE_SCHEDULES_WINDOW);
  cst_dispose_cancel (&self->cancellable);
  cst_dispose_cancel (&self->versions_cancellable);
  g_clear_object (&self->connection);
  g_clear_pointer (&self->schedules, g_ptr_array_unref);
  g_clear_pointer (&self->versions, g_ptr_array_unref);
  g_clear_pointer (&self->selected, cst_fee_schedule_unref);
  G_OBJECT_CLASS (cst_fee_schedules_window_parent_class)->dispose (object);
}

static void
cst_fee_schedules_window_class_init (CstFeeSchedulesWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = cst_fee_schedules_window_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/cst-fee-schedules-window.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, CstFeeSchedulesWindow, name)
  BIND (toasts); BIND (schedules_box); BIND (text_view); BIND (compare_view);
  BIND (versions_dropdown); BIND (title_label); BIND (message_label); BIND (save_button);
  BIND (expiry_label); BIND (editor_stack); BIND (form_box);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, version_chosen_cb);
  gtk_widget_class_bind_template_callback (widget_class, editor_switched_cb);
  gtk_widget_class_install_action (widget_class, "schedules.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "schedules.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "schedules.next-period", NULL, next_period_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "schedules.new", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_N, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "schedules.next-period", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "schedules.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cst_fee_schedules_window_init (CstFeeSchedulesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  build_form (self);
  self->cancellable = g_cancellable_new ();
  self->versions_cancellable = g_cancellable_new ();
}

CstFeeSchedulesWindow *
cst_fee_schedules_window_new (GtkWindow     *parent,
                              CstConnection *connection)
{
  CstFeeSchedulesWindow *self = g_object_new (CST_TYPE_FEE_SCHEDULES_WINDOW,
                                              "transient-for", parent, NULL);

  self->connection = g_object_ref (connection);
  load (self);
  return self;
}

gboolean
cst_fee_schedules_window_is_busy (CstFeeSchedulesWindow *self)
{
  return self->busy > 0;
}

guint
cst_fee_schedules_window_get_n_schedules (CstFeeSchedulesWindow *self)
{
  return self->schedules ? self->schedules->len : 0;
}

void
cst_fee_schedules_window_select (CstFeeSchedulesWindow *self,
                                 const char            *key)
{
  for (guint i = 0; self->schedules && i < self->schedules->len; i++)
    if (g_str_equal (cst_fee_schedule_get_key (g_ptr_array_index (self->schedules, i)), key))
      {
        gtk_list_box_select_row (self->schedules_box, gtk_list_box_get_row_at_index (self->schedules_box, i));
        return;
      }
}

/* As an expert would: in the Text view, which it shows. */
void
cst_fee_schedules_window_set_text (CstFeeSchedulesWindow *self,
                                   const char            *text)
{
  self->switching = TRUE;
  gtk_stack_set_visible_child_name (self->editor_stack, "text");
  self->switching = FALSE;
  set_text (self->text_view, text);
}

/* The form's paper tier @index: its amount as typed, set to @amount. */
void
cst_fee_schedules_window_set_tier_amount (CstFeeSchedulesWindow *self,
                                          guint                  index,
                                          const char            *amount)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->tiers_box, (int) index);

  g_return_if_fail (row != NULL);
  gtk_editable_set_text (g_object_get_data (G_OBJECT (row), "amount"), amount);
}

void
cst_fee_schedules_window_set_form_date (CstFeeSchedulesWindow *self,
                                        gboolean               to,
                                        const char            *date)
{
  gtk_editable_set_text (GTK_EDITABLE (to ? self->to_row : self->from_row), date);
}

void
cst_fee_schedules_window_show_form (CstFeeSchedulesWindow *self)
{
  gtk_stack_set_visible_child_name (self->editor_stack, "form");
}

guint
cst_fee_schedules_window_get_n_tiers (CstFeeSchedulesWindow *self)
{
  guint n = 0;

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->tiers_box)); row;
       row = gtk_widget_get_next_sibling (row))
    n++;
  return n;
}

const char *
cst_fee_schedules_window_get_message (CstFeeSchedulesWindow *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->message_label))
         ? gtk_label_get_label (self->message_label) : NULL;
}

int
cst_fee_schedules_window_get_version (CstFeeSchedulesWindow *self)
{
  return self->selected ? cst_fee_schedule_get_version (self->selected) : 0;
}

/* Returns: (nullable): the expiring schedules named at the top, one per
 * line, or NULL when none is */
const char *
cst_fee_schedules_window_get_expiry_text (CstFeeSchedulesWindow *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->expiry_label))
         ? gtk_label_get_label (self->expiry_label) : NULL;
}
