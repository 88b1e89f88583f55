/* cst-documents-dialog.c — preview, save and print a request's documents
 *
 * Each document is drawn for the screen by the model layer from the
 * hospital's current template (cst_document_preview_async, on the
 * connection's worker, which also paints the page shown), then shown with
 * the same preview widget that statements and reports use.  No PDF is
 * made to look at it: Save and Print make it from the same layout
 * (cst_document_repo_preview_async), which records the document; Print
 * then draws the pages shown.
 */
#define G_LOG_DOMAIN "cst-documents-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "cst-dispose.h"
#include "cst-documents-dialog.h"
#include "cst-pdf-preview.h"
#include "cst-plain-text.h"

#include <custodian/cst-document-preview.h>
#include <custodian/cst-document-repo.h>
#include <custodian/cst-input.h>
#include <custodian/cst-private-file.h>
#include <custodian/cst-settings.h>

struct _CstDocumentsDialog
{
  AdwWindow       parent_instance;

  GtkDropDown    *kind_dropdown;
  GtkDropDown    *language_dropdown;
  CstPdfPreview  *preview;
  GtkLabel       *message_label;
  AdwToastOverlay *toasts;

  CstConnection  *connection;
  CstRequest     *request;
  GCancellable   *cancellable;
  CstDocumentKind kind;
  guint           generation;   /* bumped by each render: a newer choice supersedes */
  gboolean        rendering;
  guint           busy_source;  /* shows "Making the document…" if it takes a while */
};

/* A document is usually on screen well within this; the message, shown
 * and hidden again, would cost the dialog a relayout and a frame before
 * the page (bench/documents: 33 → 17 ms to the page's texture). */
#define BUSY_DELAY_MS 300

G_DEFINE_FINAL_TYPE (CstDocumentsDialog, cst_documents_dialog, ADW_TYPE_WINDOW)

/* The dropdown's order. */
static const CstDocumentKind kinds[] = {
  CST_DOCUMENT_INVOICE, CST_DOCUMENT_COVER_LETTER, CST_DOCUMENT_DENIAL_LETTER,
  CST_DOCUMENT_EXTENSION_NOTICE, CST_DOCUMENT_ACCOUNTING, CST_DOCUMENT_DEFICIENCY_LETTER,
  CST_DOCUMENT_RECORDS_CERTIFICATION, CST_DOCUMENT_RECORDS_CERTIFICATION_TX,
};

static const char *const languages[] = { "en", "es" };

static void
show_message (CstDocumentsDialog *self,
              const char         *message)
{
  if (message == NULL && !gtk_widget_get_visible (GTK_WIDGET (self->message_label)))
    return;
  gtk_label_set_label (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
}

/* The render's generation rides in the callback's data. */
typedef struct
{
  CstDocumentsDialog *self;
  guint               generation;
} RenderCall;

static void
rendered_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autofree RenderCall *call = user_data;
  g_autoptr(CstDocumentsDialog) self = call->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstPdfPages) pages = cst_document_preview_finish (CST_CONNECTION (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      call->generation != self->generation)
    return;
  self->rendering = FALSE;
  g_clear_handle_id (&self->busy_source, g_source_remove);
  if (pages == NULL)
    {
      show_message (self, error->message);
      return;
    }
  show_message (self, NULL);
  cst_pdf_preview_load_pages (self->preview, pages);
}

static char *
dup_setting (const char *key)
{
  g_autoptr(GSettings) settings = cst_settings_new_if_installed ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (settings == NULL)
    return NULL;
  g_object_get (settings, "settings-schema", &schema, NULL);
  if (!g_settings_schema_has_key (schema, key))
    return NULL;
  return g_settings_get_string (settings, key);
}

static const char *
chosen_language (CstDocumentsDialog *self)
{
  guint language = gtk_drop_down_get_selected (self->language_dropdown);

  return languages[MIN (language, G_N_ELEMENTS (languages) - 1)];
}

static gboolean
busy_cb (gpointer user_data)
{
  CstDocumentsDialog *self = user_data;

  self->busy_source = 0;
  if (self->rendering)
    show_message (self, _("Making the document…"));
  return G_SOURCE_REMOVE;
}

/* Draws the chosen document for the screen; the worker also paints the
 * page shown at the preview's zoom, so it appears without another trip,
 * in the frame that shows the choice (cst_pdf_preview_expect_pages). */
static void
render (CstDocumentsDialog *self)
{
  RenderCall *call = g_new0 (RenderCall, 1);
  g_autofree char *logo = dup_setting ("facility-logo");
  int page = cst_pdf_preview_get_page (self->preview);

  call->self = g_object_ref (self);
  call->generation = ++self->generation;
  self->rendering = TRUE;
  cst_pdf_preview_expect_pages (self->preview);
  if (self->busy_source == 0)
    self->busy_source = g_timeout_add (BUSY_DELAY_MS, busy_cb, self);
  cst_document_preview_async (self->connection, self->kind, self->request, chosen_language (self),
                              logo, (guint) MAX (page, 0), cst_pdf_preview_get_scale (self->preview),
                              self->cancellable, rendered_cb, call);
}

/* The PDF of the document shown, made (and recorded) only to save or
 * print it: the same choices and layout as the preview. */
static void
make_pdf (CstDocumentsDialog  *self,
          GAsyncReadyCallback  made_cb,
          gpointer             user_data)
{
  g_autofree char *logo = dup_setting ("facility-logo");

  cst_document_repo_preview_async (self->connection, self->kind, self->request, chosen_language (self),
                                   logo, self->cancellable, made_cb, user_data);
}

static gboolean
is_shown (CstDocumentsDialog *self)
{
  return cst_pdf_preview_get_n_pages (self->preview) > 0 && !self->rendering &&
         cst_documents_dialog_get_message (self) == NULL;
}

static void
choice_changed_cb (CstDocumentsDialog *self)
{
  guint selected = gtk_drop_down_get_selected (self->kind_dropdown);

  self->kind = kinds[MIN (selected, G_N_ELEMENTS (kinds) - 1)];
  if (self->request != NULL)
    render (self);
}

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(CstDocumentsDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!cst_private_file_write_finish (result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_message (self, error->message);
    }
  else
    adw_toast_overlay_add_toast (self->toasts, cst_toast_new_plain (_("Document saved")));
}

typedef struct
{
  CstDocumentsDialog *self;
  GFile              *file;
} SaveCall;

static void
save_pdf_made_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autofree SaveCall *call = user_data;
  g_autoptr(CstDocumentsDialog) self = call->self;
  g_autoptr(GFile) file = call->file;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = cst_document_repo_preview_finish (CST_CONNECTION (object), result, &error);

  if (pdf == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_message (self, error->message);
      return;
    }
  cst_private_file_write_async (file, pdf, self->cancellable, saved_cb, g_object_ref (self));
}

/**
 * cst_documents_dialog_save_to:
 *
 * Makes the PDF of the document shown and saves it to @file, readable by
 * its owner only (it names the patient); what choosing a file in Save
 * does.
 */
void
cst_documents_dialog_save_to (CstDocumentsDialog *self,
                              GFile              *file)
{
  SaveCall *call;

  if (!is_shown (self))
    return;
  call = g_new0 (SaveCall, 1);
  call->self = g_object_ref (self);
  call->file = g_object_ref (file);
  make_pdf (self, save_pdf_made_cb, call);
}

static void
save_response_cb (GtkNativeDialog    *chooser,
                  int                 response,
                  CstDocumentsDialog *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      cst_documents_dialog_save_to (self, file);
    }
  g_object_unref (chooser);
}

static void
save_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CstDocumentsDialog *self = CST_DOCUMENTS_DIALOG (widget);
  GtkFileChooserNative *chooser;
  g_autofree char *suggested = NULL;

  if (!is_shown (self))
    return;
  chooser = gtk_file_chooser_native_new (_("Save Document"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  suggested = g_strdup_printf ("%s-%s.pdf", cst_request_get_reference (self->request),
                               cst_document_kind_to_string (self->kind));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), suggested);
  g_signal_connect (chooser, "response", G_CALLBACK (save_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Printed, the document goes out like a saved one: its PDF is made and
 * recorded first; the printer then gets the pages shown, the same layout. */
static void
print_pdf_made_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(CstDocumentsDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = cst_document_repo_preview_finish (CST_CONNECTION (object), result, &error);

  if (pdf == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_message (self, error->message);
      return;
    }
  cst_pdf_preview_print (self->preview, GTK_WINDOW (self));
}

static void
print_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CstDocumentsDialog *self = CST_DOCUMENTS_DIALOG (widget);

  if (is_shown (self))
    make_pdf (self, print_pdf_made_cb, g_object_ref (self));
}

static void
cst_documents_dialog_dispose (GObject *object)
{
  CstDocumentsDialog *self = CST_DOCUMENTS_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CST_TYPE_DOCUMENTS_DIALOG);
  cst_dispose_cancel (&self->cancellable);
  g_clear_handle_id (&self->busy_source, g_source_remove);
  g_clear_object (&self->connection);
  g_clear_object (&self->request);
  G_OBJECT_CLASS (cst_documents_dialog_parent_class)->dispose (object);
}

static void
cst_documents_dialog_class_init (CstDocumentsDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = cst_documents_dialog_dispose;
  g_type_ensure (CST_TYPE_PDF_PREVIEW);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/cst-documents-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CstDocumentsDialog, kind_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CstDocumentsDialog, language_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CstDocumentsDialog, preview);
  gtk_widget_class_bind_template_child (widget_class, CstDocumentsDialog, message_label);
  gtk_widget_class_bind_template_child (widget_class, CstDocumentsDialog, toasts);
  gtk_widget_class_bind_template_callback (widget_class, choice_changed_cb);
  gtk_widget_class_install_action (widget_class, "documents.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "documents.print", NULL, print_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "documents.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "documents.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "documents.print", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cst_documents_dialog_init (CstDocumentsDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

CstDocumentsDialog *
cst_documents_dialog_new (GtkWindow     *parent,
                          CstConnection *connection,
                          CstRequest    *request)
{
  CstDocumentsDialog *self = g_object_new (CST_TYPE_DOCUMENTS_DIALOG,
                                           "transient-for", parent, "modal", FALSE, NULL);
  g_autofree char *title = g_strdup_printf (_("Documents for %s"), cst_request_get_reference (request));

  gtk_window_set_title (GTK_WINDOW (self), title);
  self->connection = g_object_ref (connection);
  self->request = g_object_ref (request);
  /* Open on the document the request's status calls for. */
  switch (cst_request_get_status (request))
    {
    case CST_STATUS_DENIED:
      cst_documents_dialog_show_kind (self, CST_DOCUMENT_DENIAL_LETTER);
      break;
    case CST_STATUS_RELEASED:
      cst_documents_dialog_show_kind (self, CST_DOCUMENT_COVER_LETTER);
      break;
    default:
      cst_documents_dialog_show_kind (self, cst_request_is_extended (request)
                                            ? CST_DOCUMENT_EXTENSION_NOTICE : CST_DOCUMENT_INVOICE);
    }
  return self;
}

void
cst_documents_dialog_show_kind (CstDocumentsDialog *self,
                                CstDocumentKind     kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (kinds[i] == kind)
      {
        if (gtk_drop_down_get_selected (self->kind_dropdown) == i)
          choice_changed_cb (self);
        else
          gtk_drop_down_set_selected (self->kind_dropdown, i);
        return;
      }
}

GtkWidget *
cst_documents_dialog_get_preview (CstDocumentsDialog *self)
{
  return GTK_WIDGET (self->preview);
}

const char *
cst_documents_dialog_get_message (CstDocumentsDialog *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->message_label))
         ? gtk_label_get_label (self->message_label) : NULL;
}

/* Whether the document chosen is still being drawn (the preview may show
 * the one before). */
gboolean
cst_documents_dialog_is_rendering (CstDocumentsDialog *self)
{
  return self->rendering;
}
