/* cst-facility-form.c — the facility's details on every document
 *
 * Name, address, phone, how to pay and where online, as printed on
 * letters, invoices and statements, and the state new requests start in.
 * They are the hospital's, not one user's: the model keeps them in the
 * database (cst-facility.h), and only an administrator's login may change
 * them.  The logo alone stays in this computer's settings (it is a file
 * here).  Shared by the first-run assistant, which reads the answers with
 * cst_facility_form_get_facility() once a database is open, and the
 * Preferences window, which loads and saves through its connection.
 */
#define G_LOG_DOMAIN "cst-facility-form"

#include "config.h"

#include <glib/gi18n.h>

#include "cst-dispose.h"
#include "cst-facility-form.h"

#include <custodian/cst-connection.h>
#include <custodian/cst-facility.h>

struct _CstFacilityForm
{
  AdwBin          parent_instance;

  AdwEntryRow    *name_row;
  GtkTextView    *address_view;
  AdwEntryRow    *phone_row;
  GtkTextView    *pay_text_view;
  AdwEntryRow    *pay_link_row;
  AdwActionRow   *logo_row;
  GtkButton      *logo_clear_button;
  AdwComboRow    *state_row;
  GtkWidget      *save_box;
  GtkLabel       *message_label;

  GSettings      *settings;       /* the logo only */
  CstConnection  *connection;     /* NULL: answers read by the caller */
  GCancellable   *cancellable;
  gint64          facility_id;
};

G_DEFINE_FINAL_TYPE (CstFacilityForm, cst_facility_form, ADW_TYPE_BIN)

/* The jurisdictions the schema ships (resources/sql/0001-foundation.sql). */
static const char *const state_codes[] = {
  "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
  "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM",
  "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA",
  "WV", "WI", "WY", "PR", "GU", "VI", "AS", "MP", NULL
};

static guint
state_index (const char *code)
{
  for (guint i = 0; state_codes[i]; i++)
    if (g_strcmp0 (code, state_codes[i]) == 0)
      return i;
  return state_index ("NY");
}

static char *
text_view_dup_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
show_message (CstFacilityForm *self,
              const char      *message)
{
  gtk_label_set_label (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
}

/**
 * cst_facility_form_set_facility:
 *
 * Shows @facility's details for editing.
 */
void
cst_facility_form_set_facility (CstFacilityForm   *self,
                                const CstFacility *facility)
{
  self->facility_id = facility->id;
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), facility->name);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->address_view), facility->address, -1);
  gtk_editable_set_text (GTK_EDITABLE (self->phone_row), facility->phone);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->pay_text_view), facility->pay_text, -1);
  gtk_editable_set_text (GTK_EDITABLE (self->pay_link_row), facility->pay_link);
  adw_combo_row_set_selected (self->state_row, state_index (facility->default_state));
}

/**
 * cst_facility_form_get_facility:
 *
 * Returns: (transfer full): the details as typed, trimmed
 */
CstFacility *
cst_facility_form_get_facility (CstFacilityForm *self)
{
  CstFacility *facility = cst_facility_new ();
  g_autofree char *address = text_view_dup_text (self->address_view);
  g_autofree char *pay_text = text_view_dup_text (self->pay_text_view);
  g_autofree char *name = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
  g_autofree char *phone = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->phone_row)));
  g_autofree char *link = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->pay_link_row)));
  guint state = adw_combo_row_get_selected (self->state_row);

  facility->id = self->facility_id;
  cst_facility_set (facility, CST_FACILITY_NAME, g_strstrip (name));
  cst_facility_set (facility, CST_FACILITY_ADDRESS, g_strstrip (address));
  cst_facility_set (facility, CST_FACILITY_PHONE, g_strstrip (phone));
  cst_facility_set (facility, CST_FACILITY_PAY_TEXT, g_strstrip (pay_text));
  cst_facility_set (facility, CST_FACILITY_PAY_LINK, g_strstrip (link));
  cst_facility_set (facility, CST_FACILITY_DEFAULT_STATE,
                    state < G_N_ELEMENTS (state_codes) - 1 ? state_codes[state] : "NY");
  return facility;
}

/* The logo is this computer's, not a facility's: the Facilities page
 * (every facility but this desk's letterhead) does not offer it. */
void
cst_facility_form_hide_logo (CstFacilityForm *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->logo_row), FALSE);
}

/* What the last load or save said, or NULL. */
const char *
cst_facility_form_get_message (CstFacilityForm *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->message_label))
         ? gtk_label_get_label (self->message_label) : NULL;
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CstFacilityForm) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstFacility) facility = cst_facility_load_finish (CST_CONNECTION (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self), TRUE);
  if (facility == NULL)
    {
      show_message (self, error->message);
      return;
    }
  cst_facility_form_set_facility (self, facility);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "facility.save", TRUE);
  show_message (self, NULL);
}

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(CstFacilityForm) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!cst_facility_save_finish (CST_CONNECTION (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          gtk_widget_action_set_enabled (GTK_WIDGET (self), "facility.save", TRUE);
          show_message (self, error->message);
        }
      return;
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "facility.save", TRUE);
  show_message (self, _("Saved. Every user's letters and invoices use these details."));
}

static void
save_action (GtkWidget  *widget,
             const char *name,
             GVariant   *param)
{
  CstFacilityForm *self = CST_FACILITY_FORM (widget);
  g_autoptr(CstFacility) facility = NULL;
  g_autoptr(GError) error = NULL;

  if (self->connection == NULL)
    return;
  facility = cst_facility_form_get_facility (self);
  /* Said at once, without a round trip: too long, or not a state. */
  if (!cst_facility_validate (facility, &error))
    {
      show_message (self, error->message);
      return;
    }
  gtk_widget_action_set_enabled (widget, "facility.save", FALSE);
  show_message (self, _("Saving…"));
  cst_facility_save_async (self->connection, facility, self->cancellable, saved_cb,
                           g_object_ref (self));
}

/**
 * cst_facility_form_set_connection:
 * @connection: (nullable): NULL while no database is open
 *
 * Loads the database's details into the form and offers to save them
 * there.  The database refuses a login that is not an administrator's,
 * and the form says so.  Without a database there is nothing to edit.
 */
void
cst_facility_form_set_connection (CstFacilityForm *self,
                                  CstConnection   *connection)
{
  g_return_if_fail (connection == NULL || CST_IS_CONNECTION (connection));
  g_set_object (&self->connection, connection);
  if (connection == NULL)
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self), FALSE);
      show_message (self, _("The facility's details are kept in the database: they can be "
                            "changed here once Custodian is connected to it."));
      return;
    }
  gtk_widget_set_visible (self->save_box, TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self), FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "facility.save", FALSE);
  show_message (self, _("Reading the facility's details…"));
  cst_facility_load_async (connection, self->cancellable, loaded_cb, g_object_ref (self));
}

static void
show_logo (CstFacilityForm *self)
{
  g_autofree char *path = self->settings ? g_settings_get_string (self->settings, "facility-logo") : NULL;
  gboolean has = path != NULL && *path != '\0';

  adw_action_row_set_subtitle (self->logo_row, has ? path : _("None"));
  gtk_widget_set_visible (GTK_WIDGET (self->logo_clear_button), has);
}

static void
logo_chosen_cb (GtkNativeDialog *dialog,
                int              response,
                gpointer         user_data)
{
  CstFacilityForm *self = CST_FACILITY_FORM (user_data);

  if (response == GTK_RESPONSE_ACCEPT && self->settings)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;

      if (path)
        g_settings_set_string (self->settings, "facility-logo", path);
    }
  g_object_unref (dialog);
  g_object_unref (self);
}

static void
choose_logo_cb (CstFacilityForm *self)
{
  GtkNative *root = gtk_widget_get_native (GTK_WIDGET (self));
  GtkFileChooserNative *chooser =
    gtk_file_chooser_native_new (_("Choose the Facility's Logo"),
                                 GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                 GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"), _("_Cancel"));
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  /* The letterhead embeds PNG only (libharu). */
  gtk_file_filter_set_name (filter, _("PNG images"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (logo_chosen_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
clear_logo_cb (CstFacilityForm *self)
{
  if (self->settings)
    g_settings_set_string (self->settings, "facility-logo", "");
}

/**
 * cst_facility_form_bind:
 *
 * Shows the logo kept in @settings (a file on this computer) and stores
 * a new choice there; the other details are the database's.
 */
void
cst_facility_form_bind (CstFacilityForm *self,
                        GSettings       *settings)
{
  g_return_if_fail (self->settings == NULL);
  self->settings = g_object_ref (settings);
  g_signal_connect_object (settings, "changed::facility-logo", G_CALLBACK (show_logo), self,
                           G_CONNECT_SWAPPED);
  show_logo (self);
}

static void
cst_facility_form_dispose (GObject *object)
{
  CstFacilityForm *self = CST_FACILITY_FORM (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CST_TYPE_FACILITY_FORM);
  cst_dispose_cancel (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->connection);
  G_OBJECT_CLASS (cst_facility_form_parent_class)->dispose (object);
}

static void
cst_facility_form_class_init (CstFacilityFormClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = cst_facility_form_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/cst-facility-form.ui");
  gtk_widget_class_bind_template_child (widget_class, CstFacilityForm, name_row);
  gtk_widget_class_bind_template_child (widget_class, CstFacilityForm, address_view);
  gtk_widget_class_bind_template_child (widget_class, CstFacilityForm, phone_row);
  gtk_widget_class_bind_template_child (widget_class, CstFacilityForm, logo_row);
  gtk_widget_class_bind_template_child (widget_class, CstFacilityForm, logo_clear_button);
  gtk_widget_class_bind_template_child (widget_class, CstFacilityForm, state_row);
  gtk_widget_class_bind_template_child (widget_class, CstFacilityForm, pay_text_view);
  gtk_widget_class_bind_template_child (widget_class, CstFacilityForm, pay_link_row);
  gtk_widget_class_bind_template_child (widget_class, CstFacilityForm, save_box);
  gtk_widget_class_bind_template_child (widget_class, CstFacilityForm, message_label);
  gtk_widget_class_install_action (widget_class, "facility.save", NULL, save_action);
  gtk_widget_class_bind_template_callback (widget_class, choose_logo_cb);
  gtk_widget_class_bind_template_callback (widget_class, clear_logo_cb);
}

static void
cst_facility_form_init (CstFacilityForm *self)
{
  g_autoptr(GtkStringList) codes = gtk_string_list_new (state_codes);

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  adw_combo_row_set_model (self->state_row, G_LIST_MODEL (codes));
  adw_combo_row_set_selected (self->state_row, state_index ("NY"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "facility.save", FALSE);
  show_logo (self);
}

GtkWidget *
cst_facility_form_new (void)
{
  return g_object_new (CST_TYPE_FACILITY_FORM, NULL);
}
