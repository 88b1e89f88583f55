/* cst-facilities-page.c — a health system's facilities, managed in the app
 *
 * The Preferences' Facilities page (issue 22): choose a facility, change
 * its code, request and Bates prefixes, service target and letterhead (the facility
 * form, without this computer's logo), save both in one transaction; add
 * a new facility; grant a login the facility or take it away; choose its
 * own hospital fee schedule (0091), saved as soon as it is chosen, like a
 * grant.  All of it through cst-facility-admin.h and
 * cst-fee-facility-choice.h on the connection's worker thread.  The
 * database refuses every change to a login that is not an
 * administrator's, and the page says so in the model's words.
 */
#define G_LOG_DOMAIN "cst-facilities-page"

#include "config.h"

#include <glib/gi18n.h>

#include "cst-dispose.h"
#include "cst-facilities-page.h"
#include "cst-facility-form.h"

#include <custodian/cst-facilities.h>
#include <custodian/cst-facility-admin.h>
#include <custodian/cst-fee-facility-choice.h>

struct _CstFacilitiesPage
{
  AdwBin           parent_instance;

  AdwComboRow     *facility_row;
  GtkStringList   *facility_names;
  AdwEntryRow     *code_row;
  AdwEntryRow     *prefix_row;
  AdwEntryRow     *bates_row;
  GtkSpinButton   *target_spin;
  CstFacilityForm *letterhead_form;
  GtkListBox      *members_list;
  AdwEntryRow     *grant_row;
  GtkWidget       *members_group;
  GtkWidget       *fee_group;
  AdwComboRow     *fee_schedule_row;
  GtkStringList   *fee_schedule_names;
  GtkLabel        *message_label;

  CstConnection   *connection;
  GCancellable    *cancellable;
  GPtrArray       *facilities;    /* CstFacility, in the combo row's order */
  CstFacility     *shown;         /* what the fields were filled from; id 0: a new one */
  char            *select_after;  /* the code to show once the list is read again */
  char           **members;
  CstFeeFacilityChoice *fee_choice;  /* the shown facility's; NULL until read */
  guint            busy;          /* calls not answered yet */
};

G_DEFINE_FINAL_TYPE (CstFacilitiesPage, cst_facilities_page, ADW_TYPE_BIN)

static void
say (CstFacilitiesPage *self,
     const char        *message)
{
  gtk_label_set_label (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
}

static void
update_actions (CstFacilitiesPage *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "facilities.save",
                                 self->busy == 0 && self->shown != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "facilities.new",
                                 self->busy == 0 && self->connection != NULL);
}

static void
set_busy (CstFacilitiesPage *self,
          gboolean           busy)
{
  self->busy += busy ? 1 : -1;
  update_actions (self);
}

/* A finished call: FALSE when it was given up (the page is going). */
static gboolean
answered (CstFacilitiesPage *self,
          GError            *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;
  set_busy (self, FALSE);
  if (error != NULL)
    say (self, error->message);
  return TRUE;
}

static void revoke_clicked_cb (GtkButton *button, CstFacilitiesPage *self);
static void fee_schedule_selected_cb (CstFacilitiesPage *self);

static void
show_members (CstFacilitiesPage *self)
{
  GtkWidget *row;

  while ((row = gtk_widget_get_first_child (GTK_WIDGET (self->members_list))) != NULL)
    gtk_list_box_remove (self->members_list, row);
  for (guint i = 0; self->members != NULL && self->members[i] != NULL; i++)
    {
      GtkWidget *action_row = adw_action_row_new ();
      GtkWidget *revoke = gtk_button_new_with_label (_("Revoke"));
      /* TRANSLATORS: the accessible name of a login's "Revoke" button */
      g_autofree char *name = g_strdup_printf (_("Revoke %s"), self->members[i]);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (action_row), self->members[i]);
      gtk_widget_set_valign (revoke, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (revoke), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
      g_object_set_data_full (G_OBJECT (revoke), "login", g_strdup (self->members[i]), g_free);
      g_signal_connect (revoke, "clicked", G_CALLBACK (revoke_clicked_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (action_row), revoke);
      gtk_list_box_append (self->members_list, action_row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->members_list),
                          self->members != NULL && self->members[0] != NULL);
}

static void
members_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CstFacilitiesPage) self = user_data;
  g_autoptr(GError) error = NULL;
  char **members = cst_facility_members_finish (CST_CONNECTION (object), result, &error);

  if (!answered (self, error))
    return;
  g_strfreev (self->members);
  self->members = members;
  show_members (self);
}

static void
load_members (CstFacilitiesPage *self)
{
  g_clear_pointer (&self->members, g_strfreev);
  show_members (self);
  if (self->shown == NULL || self->shown->id == 0)
    return;
  set_busy (self, TRUE);
  cst_facility_members_async (self->connection, self->shown->code, self->cancellable,
                              members_cb, g_object_ref (self));
}

/* The fee schedule row as @choice has it: "None" first, then the
 * schedules offered; only an administrator may change it. */
static void
show_fee_choice (CstFacilitiesPage *self)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  const CstFeeFacilityChoice *choice = self->fee_choice;
  guint selected = 0;

  g_ptr_array_add (rows, (gpointer) _("None — the state's rules"));
  for (guint i = 0; choice != NULL && i < choice->keys->len; i++)
    {
      g_ptr_array_add (rows, g_ptr_array_index (choice->titles, i));
      if (g_strcmp0 (g_ptr_array_index (choice->keys, i), choice->current) == 0)
        selected = i + 1;
    }
  g_ptr_array_add (rows, NULL);
  g_signal_handlers_block_by_func (self->fee_schedule_row, fee_schedule_selected_cb, self);
  gtk_string_list_splice (self->fee_schedule_names, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->fee_schedule_names)),
                          (const char * const *) rows->pdata);
  adw_combo_row_set_selected (self->fee_schedule_row, selected);
  g_signal_handlers_unblock_by_func (self->fee_schedule_row, fee_schedule_selected_cb, self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->fee_schedule_row), choice != NULL && choice->can_choose);
}

static void
fee_choice_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(CstFacilitiesPage) self = user_data;
  g_autoptr(GError) error = NULL;
  CstFeeFacilityChoice *choice = cst_fee_facility_choice_load_finish (CST_CONNECTION (object), result, &error);

  if (!answered (self, error))
    return;
  g_clear_pointer (&self->fee_choice, cst_fee_facility_choice_free);
  self->fee_choice = choice;
  show_fee_choice (self);
}

static void
load_fee_choice (CstFacilitiesPage *self)
{
  g_clear_pointer (&self->fee_choice, cst_fee_facility_choice_free);
  show_fee_choice (self);
  gtk_widget_set_sensitive (self->fee_group, self->shown != NULL && self->shown->id != 0);
  if (self->shown == NULL || self->shown->id == 0)
    return;
  set_busy (self, TRUE);
  cst_fee_facility_choice_load_async (self->connection, self->shown->code, self->cancellable,
                                      fee_choice_cb, g_object_ref (self));
}

static void
fee_chosen_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(CstFacilitiesPage) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean chosen = cst_fee_facility_choose_finish (CST_CONNECTION (object), result, &error);

  if (!answered (self, error))
    return;
  if (chosen)
    say (self, _("Fee schedule saved."));
  /* What is stored, whether or not the change was taken. */
  load_fee_choice (self);
}

static void
fee_schedule_selected_cb (CstFacilitiesPage *self)
{
  guint selected = adw_combo_row_get_selected (self->fee_schedule_row);
  const char *key;

  if (self->fee_choice == NULL || self->shown == NULL || self->shown->id == 0 ||
      selected > self->fee_choice->keys->len)
    return;
  key = selected == 0 ? NULL : g_ptr_array_index (self->fee_choice->keys, selected - 1);
  if (g_strcmp0 (key, self->fee_choice->current) == 0)
    return;
  say (self, _("Saving…"));
  set_busy (self, TRUE);
  cst_fee_facility_choose_async (self->connection, self->shown->code, key, self->cancellable,
                                 fee_chosen_cb, g_object_ref (self));
}

/* Fills the fields from @facility; a new one when its id is 0. */
static void
show_facility (CstFacilitiesPage *self,
               const CstFacility *facility)
{
  g_clear_pointer (&self->shown, cst_facility_free);
  self->shown = cst_facility_copy (facility);
  gtk_editable_set_text (GTK_EDITABLE (self->code_row), facility->code ? facility->code : "");
  gtk_editable_set_text (GTK_EDITABLE (self->prefix_row),
                         facility->request_prefix ? facility->request_prefix : "");
  gtk_editable_set_text (GTK_EDITABLE (self->bates_row),
                         facility->bates_prefix ? facility->bates_prefix : "");
  gtk_spin_button_set_value (self->target_spin, facility->service_target_days);
  cst_facility_form_set_facility (self->letterhead_form, facility);
  gtk_widget_set_sensitive (self->members_group, facility->id != 0);
  update_actions (self);
  load_members (self);
  load_fee_choice (self);
}

static void
facility_selected_cb (CstFacilitiesPage *self)
{
  guint selected = adw_combo_row_get_selected (self->facility_row);

  if (self->facilities == NULL || selected >= self->facilities->len)
    return;
  say (self, NULL);
  show_facility (self, g_ptr_array_index (self->facilities, selected));
}

static char *
row_name (const CstFacility *facility)
{
  if (facility->name == NULL || *facility->name == '\0')
    return g_strdup (facility->code);
  /* TRANSLATORS: a facility in the Facilities page's list: its code, its name */
  return g_strdup_printf (_("%s · %s"), facility->code, facility->name);
}

static void
listed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CstFacilitiesPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) facilities = cst_facility_list_finish (CST_CONNECTION (object), result, &error);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *wanted = g_steal_pointer (&self->select_after);
  guint selected = 0;

  if (!answered (self, error) || facilities == NULL)
    return;
  g_clear_pointer (&self->facilities, g_ptr_array_unref);
  self->facilities = g_ptr_array_ref (facilities);
  for (guint i = 0; i < facilities->len; i++)
    {
      const CstFacility *facility = g_ptr_array_index (facilities, i);

      g_ptr_array_add (rows, row_name (facility));
      if (g_strcmp0 (facility->code, wanted) == 0)
        selected = i;
    }
  g_ptr_array_add (rows, NULL);
  g_signal_handlers_block_by_func (self->facility_row, facility_selected_cb, self);
  gtk_string_list_splice (self->facility_names, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->facility_names)),
                          (const char * const *) rows->pdata);
  adw_combo_row_set_selected (self->facility_row, selected);
  g_signal_handlers_unblock_by_func (self->facility_row, facility_selected_cb, self);
  if (facilities->len > 0)
    show_facility (self, g_ptr_array_index (facilities, selected));
}

static void
load_list (CstFacilitiesPage *self)
{
  set_busy (self, TRUE);
  cst_facility_list_async (self->connection, self->cancellable, listed_cb, g_object_ref (self));
}

/* The fields as typed, over what they were filled from. */
static CstFacility *
dup_typed (CstFacilitiesPage *self)
{
  CstFacility *facility = cst_facility_form_get_facility (self->letterhead_form);
  g_autofree char *code = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->code_row))));
  g_autofree char *prefix = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->prefix_row))));

  facility->id = self->shown->id;
  g_free (facility->code);
  facility->code = g_ascii_strup (code, -1);
  g_free (facility->request_prefix);
  facility->request_prefix = g_ascii_strup (prefix, -1);
  facility->service_target_days = gtk_spin_button_get_value_as_int (self->target_spin);
  facility->bates_prefix = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->bates_row))));
  facility->cost_labor_minutes = self->shown->cost_labor_minutes;
  facility->cost_hourly_rate_cents = self->shown->cost_hourly_rate_cents;
  facility->cost_supplies_cents = self->shown->cost_supplies_cents;
  return facility;
}

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(CstFacilitiesPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstFacility) stored = self->shown && self->shown->id == 0
    ? cst_facility_add_finish (CST_CONNECTION (object), result, &error)
    : cst_facility_save_all_finish (CST_CONNECTION (object), result, &error);

  if (!answered (self, error) || stored == NULL)
    return;
  say (self, _("Saved."));
  g_free (self->select_after);
  self->select_after = g_strdup (stored->code);
  load_list (self);
}

static void
save_action (GtkWidget  *widget,
             const char *name,
             GVariant   *param)
{
  CstFacilitiesPage *self = CST_FACILITIES_PAGE (widget);
  g_autoptr(CstFacility) facility = NULL;
  g_autoptr(GError) error = NULL;

  if (self->connection == NULL || self->shown == NULL)
    return;
  facility = dup_typed (self);
  /* Said at once, without a round trip. */
  if (!cst_facility_validate_defaults (facility, &error))
    {
      say (self, error->message);
      return;
    }
  say (self, _("Saving…"));
  set_busy (self, TRUE);
  if (facility->id == 0)
    cst_facility_add_async (self->connection, facility, self->cancellable, saved_cb,
                            g_object_ref (self));
  else
    cst_facility_save_all_async (self->connection, facility, self->cancellable, saved_cb,
                                 g_object_ref (self));
}

/**
 * cst_facilities_page_start_new:
 *
 * Empties the fields for a new facility; "Save Facility" adds it.
 */
void
cst_facilities_page_start_new (CstFacilitiesPage *self)
{
  g_autoptr(CstFacility) blank = cst_facility_new ();

  cst_facility_set (blank, CST_FACILITY_DEFAULT_STATE, "NY");
  show_facility (self, blank);
  say (self, _("A new facility: fill in its code and details, then save it."));
  gtk_widget_grab_focus (GTK_WIDGET (self->code_row));
}

static void
new_action (GtkWidget  *widget,
            const char *name,
            GVariant   *param)
{
  cst_facilities_page_start_new (CST_FACILITIES_PAGE (widget));
}

static void
member_set_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(CstFacilitiesPage) self = user_data;
  g_autoptr(GError) error = NULL;

  cst_facility_set_member_finish (CST_CONNECTION (object), result, &error);
  if (!answered (self, error) || error != NULL)
    return;
  say (self, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->grant_row), "");
  load_members (self);
}

static void
set_member (CstFacilitiesPage *self,
            const char        *login,
            gboolean           member)
{
  if (self->connection == NULL || self->shown == NULL || self->shown->id == 0)
    return;
  set_busy (self, TRUE);
  cst_facility_set_member_async (self->connection, login, self->shown->code, member,
                                 self->cancellable, member_set_cb, g_object_ref (self));
}

static void
grant_cb (CstFacilitiesPage *self)
{
  g_autofree char *login = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->grant_row))));

  set_member (self, login, TRUE);
}

static void
revoke_clicked_cb (GtkButton         *button,
                   CstFacilitiesPage *self)
{
  set_member (self, g_object_get_data (G_OBJECT (button), "login"), FALSE);
}

/**
 * cst_facilities_page_set_connection:
 * @connection: (nullable): NULL while no database is open
 */
void
cst_facilities_page_set_connection (CstFacilitiesPage *self,
                                    CstConnection     *connection)
{
  g_return_if_fail (CST_IS_FACILITIES_PAGE (self));

  g_set_object (&self->connection, connection);
  gtk_widget_set_sensitive (GTK_WIDGET (self), connection != NULL);
  if (connection == NULL)
    {
      say (self, _("The facilities are kept in the database: they can be managed here once "
                   "Custodian is connected to it."));
      return;
    }
  say (self, NULL);
  load_list (self);
}

/* A call has not answered yet. */
gboolean
cst_facilities_page_is_busy (CstFacilitiesPage *self)
{
  return self->busy > 0;
}

guint
cst_facilities_page_get_n_facilities (CstFacilitiesPage *self)
{
  return self->facilities ? self->facilities->len : 0;
}

/* Shows the facility of @code; FALSE when there is none. */
gboolean
cst_facilities_page_select_code (CstFacilitiesPage *self,
                                 const char        *code)
{
  for (guint i = 0; self->facilities != NULL && i < self->facilities->len; i++)
    if (g_strcmp0 (((CstFacility *) g_ptr_array_index (self->facilities, i))->code, code) == 0)
      {
        adw_combo_row_set_selected (self->facility_row, i);
        facility_selected_cb (self);
        return TRUE;
      }
  return FALSE;
}

/* What the page said last, or NULL. */
const char *
cst_facilities_page_get_message (CstFacilitiesPage *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->message_label))
         ? gtk_label_get_label (self->message_label) : NULL;
}

/* The shown facility's clerks, comma-separated (for the tests). */
char *
cst_facilities_page_dup_members (CstFacilitiesPage *self)
{
  return self->members ? g_strjoinv (",", self->members) : g_strdup ("");
}

static void
cst_facilities_page_dispose (GObject *object)
{
  CstFacilitiesPage *self = CST_FACILITIES_PAGE (object);

  cst_dispose_cancel (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), CST_TYPE_FACILITIES_PAGE);
  g_clear_object (&self->connection);
  g_clear_pointer (&self->facilities, g_ptr_array_unref);
  g_clear_pointer (&self->shown, cst_facility_free);
  g_clear_pointer (&self->select_after, g_free);
  g_clear_pointer (&self->members, g_strfreev);
  g_clear_pointer (&self->fee_choice, cst_fee_facility_choice_free);
  G_OBJECT_CLASS (cst_facilities_page_parent_class)->dispose (object);
}

static void
cst_facilities_page_class_init (CstFacilitiesPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = cst_facilities_page_dispose;
  g_type_ensure (CST_TYPE_FACILITY_FORM);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/cst-facilities-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CstFacilitiesPage, facility_row);
  gtk_widget_class_bind_template_child (widget_class, CstFacilitiesPage, facility_names);
  gtk_widget_class_bind_template_child (widget_class, CstFacilitiesPage, code_row);
  gtk_widget_class_bind_template_child (widget_class, CstFacilitiesPage, prefix_row);
  gtk_widget_class_bind_template_child (widget_class, CstFacilitiesPage, bates_row);
  gtk_widget_class_bind_template_child (widget_class, CstFacilitiesPage, target_spin);
  gtk_widget_class_bind_template_child (widget_class, CstFacilitiesPage, letterhead_form);
  gtk_widget_class_bind_template_child (widget_class, CstFacilitiesPage, members_list);
  gtk_widget_class_bind_template_child (widget_class, CstFacilitiesPage, grant_row);
  gtk_widget_class_bind_template_child (widget_class, CstFacilitiesPage, members_group);
  gtk_widget_class_bind_template_child (widget_class, CstFacilitiesPage, fee_group);
  gtk_widget_class_bind_template_child (widget_class, CstFacilitiesPage, fee_schedule_row);
  gtk_widget_class_bind_template_child (widget_class, CstFacilitiesPage, fee_schedule_names);
  gtk_widget_class_bind_template_child (widget_class, CstFacilitiesPage, message_label);
  gtk_widget_class_bind_template_callback (widget_class, facility_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, grant_cb);
  gtk_widget_class_bind_template_callback (widget_class, fee_schedule_selected_cb);
  gtk_widget_class_install_action (widget_class, "facilities.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "facilities.new", NULL, new_action);
}

static void
cst_facilities_page_init (CstFacilitiesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  cst_facility_form_hide_logo (self->letterhead_form);
  gtk_widget_set_visible (GTK_WIDGET (self->members_list), FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "facilities.save", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "facilities.new", FALSE);
}

GtkWidget *
cst_facilities_page_new (void)
{
  return g_object_new (CST_TYPE_FACILITIES_PAGE, NULL);
}
