/* cst-facility-form.c — the facility's letterhead and default state, bound to settings
 *
 * Name, address, phone and logo as printed on letters, invoices and
 * statements, and the state new requests start in.  Shared by the
 * first-run assistant (bound to delayed settings, applied when it
 * finishes) and the Preferences window (bound directly: each edit is
 * stored as it is made).
 */
#define G_LOG_DOMAIN "cst-facility-form"

#include "config.h"

#include <glib/gi18n.h>

#include "cst-facility-form.h"

struct _CstFacilityForm
{
  AdwBin          parent_instance;

  AdwEntryRow    *name_row;
  GtkTextView    *address_view;
  AdwEntryRow    *phone_row;
  AdwActionRow   *logo_row;
  GtkButton      *logo_clear_button;
  AdwComboRow    *state_row;

  GSettings      *settings;
};

G_DEFINE_FINAL_TYPE (CstFacilityForm, cst_facility_form, ADW_TYPE_BIN)

/* The jurisdictions the schema ships (resources/sql/0001-foundation.sql). */
static const char *const state_codes[] = {
  "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
  "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM",
  "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA",
  "WV", "WI", "WY", "PR", "GU", "VI", "AS", "MP", NULL
};

static gboolean
code_to_index (GValue   *value,
               GVariant *variant,
               gpointer  user_data)
{
  const char *code = g_variant_get_string (variant, NULL);

  for (guint i = 0; state_codes[i]; i++)
    if (g_str_equal (code, state_codes[i]))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
index_to_code (const GValue       *value,
               const GVariantType *expected_type,
               gpointer            user_data)
{
  guint i = g_value_get_uint (value);

  if (i >= G_N_ELEMENTS (state_codes) - 1)
    return NULL;
  return g_variant_new_string (state_codes[i]);
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
 * Shows @settings' facility keys and stores each edit in them.
 */
void
cst_facility_form_bind (CstFacilityForm *self,
                        GSettings       *settings)
{
  g_return_if_fail (self->settings == NULL);
  self->settings = g_object_ref (settings);
  g_settings_bind (settings, "facility-name", self->name_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "facility-address", gtk_text_view_get_buffer (self->address_view), "text",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "facility-phone", self->phone_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (settings, "default-jurisdiction", self->state_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, code_to_index, index_to_code, NULL, NULL);
  g_signal_connect_object (settings, "changed::facility-logo", G_CALLBACK (show_logo), self,
                           G_CONNECT_SWAPPED);
  show_logo (self);
}

static void
cst_facility_form_dispose (GObject *object)
{
  CstFacilityForm *self = CST_FACILITY_FORM (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CST_TYPE_FACILITY_FORM);
  g_clear_object (&self->settings);
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
  gtk_widget_class_bind_template_callback (widget_class, choose_logo_cb);
  gtk_widget_class_bind_template_callback (widget_class, clear_logo_cb);
}

static void
cst_facility_form_init (CstFacilityForm *self)
{
  g_autoptr(GtkStringList) codes = gtk_string_list_new (state_codes);

  gtk_widget_init_template (GTK_WIDGET (self));
  adw_combo_row_set_model (self->state_row, G_LIST_MODEL (codes));
  show_logo (self);
}

GtkWidget *
cst_facility_form_new (void)
{
  return g_object_new (CST_TYPE_FACILITY_FORM, NULL);
}
