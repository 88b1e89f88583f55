/* cst-new-request-dialog.c — log a new release-of-information request
 *
 * Each problem is shown beside its field (the row turns red and its group
 * says what is wrong) before anything is sent; what the server refuses is
 * shown the same way.  On success the dialog emits ::created and closes.
 */
#define G_LOG_DOMAIN "cst-new-request-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "cst-dispose.h"
#include "cst-fee-quote-panel.h"
#include "cst-new-request-dialog.h"
#include "cst-plain-text.h"

#include <custodian/cst-fee-schedule.h>
#include <custodian/cst-input.h>

typedef struct
{
  const char          *property;
  gboolean             is_date;
  AdwEntryRow         *row;
  AdwPreferencesGroup *group;
} Field;

enum {
  F_MRN, F_FAMILY, F_GIVEN, F_BIRTH, F_REQUESTER_NAME, F_ORGANIZATION, F_EMAIL, F_PHONE,
  F_ADDRESS, F_RECEIVED, F_JURISDICTION, F_PURPOSE, N_FIELDS
};

struct _CstNewRequestDialog
{
  AdwWindow            parent_instance;

  AdwPreferencesGroup *patient_group;
  AdwPreferencesGroup *requester_group;
  AdwPreferencesGroup *request_group;
  AdwEntryRow         *mrn_row;
  AdwEntryRow         *family_row;
  AdwEntryRow         *given_row;
  AdwEntryRow         *birth_row;
  AdwEntryRow         *requester_name_row;
  AdwEntryRow         *organization_row;
  AdwEntryRow         *email_row;
  AdwEntryRow         *phone_row;
  AdwEntryRow         *address_row;
  AdwEntryRow         *received_row;
  AdwEntryRow         *jurisdiction_row;
  AdwEntryRow         *purpose_row;
  AdwComboRow         *kind_row;
  AdwComboRow         *purpose_code_row;
  AdwComboRow         *format_row;
  AdwComboRow         *delivery_row;
  GtkButton           *create_button;
  GtkLabel            *error_label;

  CstRequestStore     *store;
  GCancellable        *cancellable;
  Field                fields[N_FIELDS];
  char                *error_text;
};

G_DEFINE_FINAL_TYPE (CstNewRequestDialog, cst_new_request_dialog, ADW_TYPE_WINDOW)

enum {
  CREATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];


static Field *
find_field (CstNewRequestDialog *self,
            const char          *property)
{
  for (guint i = 0; i < N_FIELDS; i++)
    if (property && g_str_equal (self->fields[i].property, property))
      return &self->fields[i];
  return NULL;
}

static void
clear_errors (CstNewRequestDialog *self)
{
  for (guint i = 0; i < N_FIELDS; i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->fields[i].row), "error");
  adw_preferences_group_set_description (self->patient_group, NULL);
  adw_preferences_group_set_description (self->requester_group, NULL);
  adw_preferences_group_set_description (self->request_group, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  g_clear_pointer (&self->error_text, g_free);
}

/* Shows @message beside the field for @property, or above the form. */
static void
show_error (CstNewRequestDialog *self,
            const char          *property,
            const char          *message)
{
  Field *field = find_field (self, property);

  g_free (self->error_text);
  self->error_text = g_strdup (message);
  if (field == NULL)
    {
      gtk_label_set_label (self->error_label, message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return;
    }
  gtk_widget_add_css_class (GTK_WIDGET (field->row), "error");
  cst_preferences_group_set_plain_description (field->group, message);
  gtk_widget_grab_focus (GTK_WIDGET (field->row));
}

/* Reads the form into a draft; a malformed date is reported at its field. */
static CstRequest *
read_form (CstNewRequestDialog *self)
{
  g_autoptr(CstRequest) draft = cst_request_new ();

  for (guint i = 0; i < N_FIELDS; i++)
    {
      Field *f = &self->fields[i];
      const char *text = gtk_editable_get_text (GTK_EDITABLE (f->row));
      g_autoptr(GError) error = NULL;
      GDate date;

      if (!f->is_date)
        {
          g_autofree char *trimmed = g_strstrip (g_strdup (text));
          g_object_set (draft, f->property, *trimmed ? trimmed : NULL, NULL);
          continue;
        }
      if (cst_input_is_blank (text))
        continue;
      if (!cst_input_parse_date (text, &date, &error))
        {
          show_error (self, f->property, error->message);
          return NULL;
        }
      g_object_set (draft, f->property, &date, NULL);
    }
  g_object_set (draft,
                "requester-kind", (int) adw_combo_row_get_selected (self->kind_row),
                "purpose-code", cst_fee_purpose_to_nick (adw_combo_row_get_selected (self->purpose_code_row)),
                "format", (int) adw_combo_row_get_selected (self->format_row),
                "delivery", (int) adw_combo_row_get_selected (self->delivery_row),
                NULL);
  return g_steal_pointer (&draft);
}

static void
set_busy (CstNewRequestDialog *self,
          gboolean             busy)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->create_button), !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.create", !busy);
}

static void
created_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CstNewRequestDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstRequest) request = cst_request_store_change_finish (CST_REQUEST_STORE (object),
                                                                   result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (request == NULL)
    {
      /* The MRN check is the server's; anything else goes above the form. */
      show_error (self, strstr (error->message, "MRN") ? "patient-mrn" : NULL, error->message);
      return;
    }
  g_signal_emit (self, signals[CREATED], 0, request);
  gtk_window_close (GTK_WINDOW (self));
}

static void
create_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CstNewRequestDialog *self = CST_NEW_REQUEST_DIALOG (widget);
  g_autoptr(CstRequest) draft = NULL;
  g_autoptr(GError) error = NULL;
  const char *bad_property = NULL;

  clear_errors (self);
  draft = read_form (self);
  if (draft == NULL)
    return;
  if (!cst_request_check (draft, &bad_property, &error))
    {
      show_error (self, bad_property, error->message);
      return;
    }
  set_busy (self, TRUE);
  cst_request_store_create_async (self->store, draft, self->cancellable, created_cb,
                                  g_object_ref (self));
}

static void
cst_new_request_dialog_dispose (GObject *object)
{
  CstNewRequestDialog *self = CST_NEW_REQUEST_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CST_TYPE_NEW_REQUEST_DIALOG);
  cst_dispose_cancel (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_pointer (&self->error_text, g_free);
  G_OBJECT_CLASS (cst_new_request_dialog_parent_class)->dispose (object);
}

static void
cst_new_request_dialog_class_init (CstNewRequestDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cst_new_request_dialog_dispose;

  /**
   * CstNewRequestDialog::created:
   * @request: the stored request, as it now appears in the store
   */
  signals[CREATED] = g_signal_new ("created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, CST_TYPE_REQUEST);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/cst-new-request-dialog.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, CstNewRequestDialog, name)
  BIND (patient_group); BIND (requester_group); BIND (request_group);
  BIND (mrn_row); BIND (family_row); BIND (given_row); BIND (birth_row);
  BIND (requester_name_row); BIND (organization_row); BIND (email_row); BIND (phone_row);
  BIND (address_row); BIND (received_row); BIND (jurisdiction_row); BIND (purpose_row);
  BIND (kind_row); BIND (purpose_code_row); BIND (format_row); BIND (delivery_row); BIND (create_button);
  BIND (error_label);
#undef BIND
  gtk_widget_class_install_action (widget_class, "dialog.create", NULL, create_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "dialog.create", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cst_new_request_dialog_init (CstNewRequestDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  cst_fee_purpose_row_fill (self->purpose_code_row);
  self->cancellable = g_cancellable_new ();
#define FIELD(i, prop, date, row_, group_) \
  self->fields[i] = (Field) { prop, date, self->row_, self->group_ }
  FIELD (F_MRN, "patient-mrn", FALSE, mrn_row, patient_group);
  FIELD (F_FAMILY, "patient-family-name", FALSE, family_row, patient_group);
  FIELD (F_GIVEN, "patient-given-name", FALSE, given_row, patient_group);
  FIELD (F_BIRTH, "patient-birth-date", TRUE, birth_row, patient_group);
  FIELD (F_REQUESTER_NAME, "requester-name", FALSE, requester_name_row, requester_group);
  FIELD (F_ORGANIZATION, "requester-organization", FALSE, organization_row, requester_group);
  FIELD (F_EMAIL, "requester-email", FALSE, email_row, requester_group);
  FIELD (F_PHONE, "requester-phone", FALSE, phone_row, requester_group);
  FIELD (F_ADDRESS, "requester-address", FALSE, address_row, requester_group);
  FIELD (F_RECEIVED, "received-date", TRUE, received_row, request_group);
  FIELD (F_JURISDICTION, "jurisdiction", FALSE, jurisdiction_row, request_group);
  FIELD (F_PURPOSE, "purpose", FALSE, purpose_row, request_group);
#undef FIELD
}

CstNewRequestDialog *
cst_new_request_dialog_new (GtkWindow       *parent,
                            CstRequestStore *store,
                            const char      *default_jurisdiction)
{
  CstNewRequestDialog *self = g_object_new (CST_TYPE_NEW_REQUEST_DIALOG,
                                            "transient-for", parent,
                                            "modal", TRUE,
                                            NULL);
  GDate today;
  g_autofree char *today_text = NULL;

  self->store = g_object_ref (store);
  cst_input_today (&today);
  today_text = cst_input_format_date (&today);
  gtk_editable_set_text (GTK_EDITABLE (self->received_row), today_text);
  gtk_editable_set_text (GTK_EDITABLE (self->jurisdiction_row),
                         default_jurisdiction ? default_jurisdiction : "");
  return self;
}

/* For tests and for pre-filling from another request. */
void
cst_new_request_dialog_set_field (CstNewRequestDialog *self,
                                  const char          *property,
                                  const char          *text)
{
  Field *field = find_field (self, property);

  g_return_if_fail (field != NULL);
  gtk_editable_set_text (GTK_EDITABLE (field->row), text);
}

const char *
cst_new_request_dialog_get_error (CstNewRequestDialog *self)
{
  return self->error_text;
}

gboolean
cst_new_request_dialog_field_has_error (CstNewRequestDialog *self,
                                        const char          *property)
{
  Field *field = find_field (self, property);

  return field && gtk_widget_has_css_class (GTK_WIDGET (field->row), "error");
}

/* As the clerk would choose it in "Purpose (for the fee)". */
void
cst_new_request_dialog_set_purpose_code (CstNewRequestDialog *self,
                                         CstFeePurpose        purpose)
{
  adw_combo_row_set_selected (self->purpose_code_row, purpose);
}
