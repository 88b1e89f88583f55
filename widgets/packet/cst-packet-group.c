/* cst-packet-group.c — a request's record documents, and adding files
 *
 * The "Records" group of the request view: the documents of the request's
 * packet in release order, and two ways to add files to it — dropping
 * them on the group, or the "Add Records…" file chooser.  Both hand the
 * files to cst_packet_add_async(), which looks into them and stores them
 * on the connection's worker thread, all or nothing; a refusal names the
 * file in the group's message.  A closed request takes no records.  Each
 * document says how many of its pages are released; "Pages…" opens the
 * page view (cst-packet-view.c), where they are chosen.  "Build Packet"
 * builds it with the Bates numbers and letters' language chosen beside it
 * (cst_packet_build_with_async); the database keeps it for its review.
 * Two switches below it are the request's redaction choices (an OCR text
 * layer on redacted pages, a redaction log page at the end), read and
 * stored off the main loop (cst-redaction-options.h); a refusal (a
 * closed request) puts back the choices as stored.
 */
#define G_LOG_DOMAIN "cst-packet-group"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "cst-packet-delivery-dialog.h"
#include "cst-packet-group.h"
#include "cst-packet-view.h"
#include "cst-dispose.h"

#include <custodian/cst-packet-kept.h>
#include <custodian/cst-packet-pages.h>
#include <custodian/cst-redaction-options.h>
#include <custodian/cst-settings.h>

struct _CstPacketGroup
{
  GtkWidget             parent_instance;

  AdwPreferencesGroup  *group;
  GtkButton            *add_button;
  GtkButton            *pages_button;
  GtkButton            *deliver_button;
  GtkLabel             *message_label;
  GtkListBox           *list_box;
  GtkBox               *build_box;
  GtkCheckButton       *bates_check;
  GtkDropDown          *language_dropdown;
  GtkButton            *build_button;
  GtkListBox           *redaction_list;
  GtkSwitch            *text_layer_switch;
  GtkSwitch            *log_page_switch;

  CstConnection        *connection;
  CstRequest           *request;
  GCancellable         *cancellable;   /* replaced when the request changes */
  guint                 generation;    /* bumped at each list load */
  gboolean              busy;
  guint                 n_documents;
  GtkFileChooserNative *chooser;
  CstPacketView        *view;          /* the page view opened from here, while open */
  gboolean              counts_pages;  /* the packet decides the request's page count */
  guint                 options_generation;  /* bumped at each read or change of the choices */
  gboolean              options_known;  /* the switches show this request's choices */
  gboolean              options_settled;  /* ... as last read or stored: nothing under way */
  gboolean              showing_options;  /* the switches are being set, not switched */
};

G_DEFINE_FINAL_TYPE (CstPacketGroup, cst_packet_group, GTK_TYPE_WIDGET)

enum { SIGNAL_REQUEST_CHANGED, SIGNAL_COUNTED, N_SIGNALS };
static guint group_signals[N_SIGNALS];

/* ---- showing it ----------------------------------------------------------- */

static void
show_message (CstPacketGroup *self,
              const char     *message)
{
  gtk_label_set_label (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
}

static void
update_sensitivity (CstPacketGroup *self)
{
  gboolean open = self->request != NULL &&
                  !cst_request_status_is_closed (cst_request_get_status (self->request));

  gtk_widget_set_sensitive (GTK_WIDGET (self->add_button),
                            open && self->connection != NULL && !self->busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->pages_button),
                            self->connection != NULL && self->n_documents > 0);
  /* A packet needs records; a released request may still be sent again. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->deliver_button),
                            self->request != NULL && self->connection != NULL &&
                            !self->busy && self->n_documents > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->build_box), open && self->n_documents > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->redaction_list), open && self->n_documents > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->text_layer_switch), open && self->options_known);
  gtk_widget_set_sensitive (GTK_WIDGET (self->log_page_switch), open && self->options_known);
  gtk_widget_set_sensitive (GTK_WIDGET (self->build_button),
                            open && self->connection != NULL && !self->busy);
}

static GtkWidget *
document_row (const CstPacketPages *released)
{
  const CstRecordDocument *doc = released->document;
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *pages = released->included == doc->pages
    ? g_strdup_printf (g_dngettext (NULL, "%u page", "%u pages", doc->pages), doc->pages)
    : g_strdup_printf (g_dngettext (NULL, "%u of %u page released", "%u of %u pages released", doc->pages),
                       released->included, doc->pages);
  /* TRANSLATORS: a record document's kind · its page count */
  g_autofree char *subtitle = g_strdup_printf (_("%s · %s"), doc->kind, pages);

  /* Data, not markup: file names may hold "&". */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), doc->name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  return row;
}

static void
show_documents (CstPacketGroup   *self,
                CstPacketOutline *outline)
{
  GPtrArray *docs = outline ? outline->documents : NULL;

  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_list_box_remove (self->list_box, child);
  self->n_documents = docs ? docs->len : 0;
  self->counts_pages = outline != NULL && (outline->documents->len > 0 || outline->paper_pages > 0);
  g_signal_emit (self, group_signals[SIGNAL_COUNTED], 0);
  for (guint i = 0; docs != NULL && i < docs->len; i++)
    gtk_list_box_append (self->list_box, document_row (g_ptr_array_index (docs, i)));
  update_sensitivity (self);
}

/* ---- loading -------------------------------------------------------------- */

typedef struct
{
  CstPacketGroup *self;
  guint           generation;
} Load;

static void
list_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  g_autofree Load *load = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstPacketOutline) docs = cst_packet_pages_finish (CST_CONNECTION (source), result, &error);
  CstPacketGroup *self = load->self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (load->generation != self->generation)
    return;
  if (docs == NULL)
    {
      show_message (self, error->message);
      return;
    }
  show_documents (self, docs);
}

/* ---- the redaction choices ------------------------------------------------ */

static void
show_options (CstPacketGroup            *self,
              const CstRedactionOptions *options)
{
  self->showing_options = TRUE;
  gtk_switch_set_active (self->text_layer_switch, options->text_layer);
  gtk_switch_set_active (self->log_page_switch, options->log_page);
  self->showing_options = FALSE;
  self->options_known = TRUE;
  self->options_settled = TRUE;
  update_sensitivity (self);
}

typedef struct
{
  CstPacketGroup *self;
  guint           generation;
  gboolean        saving;
} OptionsJob;

static void load_options (CstPacketGroup *self);

static void
options_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  g_autofree OptionsJob *load = data;
  g_autoptr(GError) error = NULL;
  CstRedactionOptions options = { FALSE, FALSE };
  gboolean stored = cst_redaction_options_finish (CST_CONNECTION (source), result, &options, &error);
  CstPacketGroup *self = load->self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      load->generation != self->options_generation)
    return;
  if (!stored)
    {
      self->options_settled = TRUE;
      show_message (self, error->message);
      /* A change refused (a closed request, a lost connection): the
       * switches go back to what is stored. */
      if (load->saving)
        load_options (self);
      return;
    }
  show_options (self, &options);
}

static OptionsJob *
options_job_new (CstPacketGroup *self,
                 gboolean        saving)
{
  OptionsJob *load = g_new0 (OptionsJob, 1);

  load->self = self;
  load->saving = saving;
  load->generation = ++self->options_generation;
  self->options_settled = FALSE;
  return load;
}

static void
load_options (CstPacketGroup *self)
{
  if (self->connection == NULL || self->request == NULL)
    return;
  cst_redaction_options_load_async (self->connection, cst_request_get_id (self->request),
                                    self->cancellable, options_done_cb, options_job_new (self, FALSE));
}

static void
option_switched_cb (CstPacketGroup *self)
{
  CstRedactionOptions options = {
    .text_layer = gtk_switch_get_active (self->text_layer_switch),
    .log_page = gtk_switch_get_active (self->log_page_switch),
  };

  if (self->showing_options || self->connection == NULL || self->request == NULL)
    return;
  cst_redaction_options_save_async (self->connection, cst_request_get_id (self->request), &options,
                                    self->cancellable, options_done_cb, options_job_new (self, TRUE));
}

/**
 * cst_packet_group_get_redaction_options:
 *
 * Returns: FALSE until the request's choices are read, and while they are
 *   read again or a change is stored; else TRUE with @options as the
 *   switches show them.
 */
gboolean
cst_packet_group_get_redaction_options (CstPacketGroup      *self,
                                        CstRedactionOptions *options)
{
  g_return_val_if_fail (CST_IS_PACKET_GROUP (self), FALSE);
  options->text_layer = gtk_switch_get_active (self->text_layer_switch);
  options->log_page = gtk_switch_get_active (self->log_page_switch);
  return self->options_known && self->options_settled;
}

static void
reload (CstPacketGroup *self)
{
  Load *load;

  if (self->connection == NULL || self->request == NULL)
    {
      show_documents (self, NULL);
      return;
    }
  load_options (self);
  load = g_new0 (Load, 1);
  load->self = self;
  load->generation = ++self->generation;
  cst_packet_pages_load_async (self->connection, cst_request_get_id (self->request), self->cancellable,
                               list_done_cb, load);
}

/* ---- adding --------------------------------------------------------------- */

static void
add_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  CstPacketGroup *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) added = cst_packet_add_finish (CST_CONNECTION (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->busy = FALSE;
  update_sensitivity (self);
  if (added == NULL)
    {
      show_message (self, error->message);
      return;
    }
  {
    g_autofree char *text = g_strdup_printf (g_dngettext (NULL, "Added %u document.",
                                                          "Added %u documents.", added->len),
                                             added->len);
    show_message (self, text);
  }
  reload (self);
}

static CstPacketLimits
configured_limits (void)
{
  g_autoptr(GSettings) settings = cst_settings_new_if_installed ();
  CstPacketLimits limits = { 0, 0 };

  if (settings != NULL)
    limits.size_limit = (goffset) g_settings_get_uint (settings, "record-size-limit-mb") * 1000 * 1000;
  return limits;
}

/**
 * cst_packet_group_add_files:
 * @files: (element-type GFile): local files, in the order they join the packet
 *
 * What a drop and the file chooser do: adds @files to the request, all or
 * none, off the main loop.
 */
void
cst_packet_group_add_files (CstPacketGroup *self,
                            GSList         *files)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  CstPacketLimits limits;

  g_return_if_fail (CST_IS_PACKET_GROUP (self));
  if (self->busy || self->connection == NULL || self->request == NULL || files == NULL)
    return;
  if (cst_request_status_is_closed (cst_request_get_status (self->request)))
    {
      show_message (self, _("This request is closed: no records can be added."));
      return;
    }
  for (GSList *l = files; l != NULL; l = l->next)
    {
      char *path = g_file_get_path (l->data);

      if (path == NULL)
        {
          show_message (self, _("Only files on this computer can be added."));
          return;
        }
      g_ptr_array_add (paths, path);
    }
  g_ptr_array_add (paths, NULL);
  limits = configured_limits ();
  self->busy = TRUE;
  update_sensitivity (self);
  show_message (self, _("Adding records…"));
  cst_packet_add_async (self->connection, cst_request_get_id (self->request),
                        (const char *const *) paths->pdata, NULL, &limits, self->cancellable,
                        add_done_cb, self);
}

static gboolean
drop_cb (GtkDropTarget  *target,
         const GValue   *value,
         double          x,
         double          y,
         CstPacketGroup *self)
{
  GdkFileList *list = g_value_get_boxed (value);

  if (list == NULL || self->busy || !gtk_widget_get_sensitive (GTK_WIDGET (self->add_button)))
    return FALSE;
  cst_packet_group_add_files (self, gdk_file_list_get_files (list));
  return TRUE;
}

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     CstPacketGroup  *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));
      GSList *list = NULL;

      for (guint i = g_list_model_get_n_items (files); i > 0; i--)
        list = g_slist_prepend (list, g_list_model_get_item (files, i - 1));
      cst_packet_group_add_files (self, list);
      g_slist_free_full (list, g_object_unref);
    }
  g_clear_object (&self->chooser);
}

static void
add_clicked_cb (CstPacketGroup *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;
  gtk_file_filter_set_name (filter, _("PDF and scanned images"));
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_filter_add_mime_type (filter, "image/tiff");
  self->chooser = gtk_file_chooser_native_new (_("Add Records"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Add"), _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (self->chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* ---- the page view --------------------------------------------------------- */

static void
view_closed_cb (CstPacketGroup *self)
{
  self->view = NULL;
  reload (self);
}

static void
view_changed_cb (CstPacketGroup *self)
{
  g_signal_emit (self, group_signals[SIGNAL_REQUEST_CHANGED], 0);
}

/**
 * cst_packet_group_open_pages:
 *
 * What "Pages…" does: opens the page view of the request (or raises the
 * one open).  When it closes, the documents are read again.
 *
 * Returns: (transfer none) (nullable): the page view
 */
CstPacketView *
cst_packet_group_open_pages (CstPacketGroup *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->connection == NULL || self->request == NULL)
    return NULL;
  if (self->view == NULL)
    {
      self->view = cst_packet_view_new (self->connection, self->request);
      if (GTK_IS_WINDOW (root))
        gtk_window_set_transient_for (GTK_WINDOW (self->view), GTK_WINDOW (root));
      g_signal_connect_object (self->view, "destroy", G_CALLBACK (view_closed_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->view, "changed", G_CALLBACK (view_changed_cb), self,
                               G_CONNECT_SWAPPED);
    }
  gtk_window_present (GTK_WINDOW (self->view));
  return self->view;
}

static void
pages_clicked_cb (CstPacketGroup *self)
{
  cst_packet_group_open_pages (self);
}

static void
request_changed_cb (CstPacketGroup *self)
{
  /* The released page count moved (pages left out elsewhere, or by
   * another clerk): the counts shown follow. */
  reload (self);
}

/* ---- building ---------------------------------------------------------------- */

typedef struct
{
  CstPacketGroup *self;
  char           *dir;     /* private: the file goes, the database keeps the packet */
  char           *path;
} BuildJob;

static void
build_job_free (BuildJob *job)
{
  g_unlink (job->path);
  g_rmdir (job->dir);
  g_free (job->path);
  g_free (job->dir);
  g_object_unref (job->self);
  g_free (job);
}

static char *
built_message (const CstPacketBuilt *built)
{
  g_autofree char *pages = g_strdup_printf (g_dngettext (NULL,
    "Packet built: %u page, SHA-256 %s.", "Packet built: %u pages, SHA-256 %s.",
    built->build->pages), built->build->pages, built->build->sha256);

  if (built->bates.first == NULL)
    return g_steal_pointer (&pages);
  /* TRANSLATORS: the first %s is "Packet built: N pages, SHA-256 …." */
  return g_strdup_printf (_("%s Bates numbers %s to %s."), pages, built->bates.first,
                          built->bates.last);
}

static void
built_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  BuildJob *job = user_data;
  CstPacketGroup *self = job->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstPacketBuilt) built = cst_packet_build_with_finish (CST_CONNECTION (source), result,
                                                                  &error);
  g_autofree char *message = NULL;

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      self->busy = FALSE;
      message = built ? built_message (built) : g_strdup (error->message);
      show_message (self, message);
      update_sensitivity (self);
      /* A new build: the review shown beside it may no longer be current. */
      if (built != NULL)
        g_signal_emit (self, group_signals[SIGNAL_REQUEST_CHANGED], 0);
    }
  build_job_free (job);
}

/**
 * cst_packet_group_build:
 *
 * What "Build Packet" does: builds the request's packet off the main
 * loop with the options shown (Bates numbers, the letters' language),
 * recorded and kept in the database for its review and delivery; the
 * group's message says its pages, SHA-256 and Bates numbers.
 */
void
cst_packet_group_build (CstPacketGroup *self)
{
  static const char *const languages[] = { "en", "es" };
  guint chosen = gtk_drop_down_get_selected (self->language_dropdown);
  CstPacketOptions options = {
    .bates = gtk_check_button_get_active (self->bates_check),
    .language = languages[chosen < G_N_ELEMENTS (languages) ? chosen : 0],
    .paper = CST_PDF_PAPER_LETTER,
  };
  g_autoptr(GError) error = NULL;
  BuildJob *job;
  char *dir;

  if (self->busy || self->connection == NULL || self->request == NULL)
    return;
  if (!(dir = g_dir_make_tmp ("custodian-build-XXXXXX", &error)))
    {
      show_message (self, error->message);
      return;
    }
  job = g_new0 (BuildJob, 1);
  job->self = g_object_ref (self);
  job->dir = dir;
  job->path = g_build_filename (dir, "packet.pdf", NULL);
  self->busy = TRUE;
  show_message (self, _("Building the packet…"));
  update_sensitivity (self);
  cst_packet_build_with_async (self->connection, cst_request_get_id (self->request), job->path,
                               &options, self->cancellable, built_cb, job);
}

static void
build_clicked_cb (CstPacketGroup *self)
{
  cst_packet_group_build (self);
}

/* ---- delivery ---------------------------------------------------------------- */

static void
deliver_clicked_cb (CstPacketGroup *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  CstPacketDeliveryDialog *dialog;

  if (self->connection == NULL || self->request == NULL)
    return;
  dialog = cst_packet_delivery_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                           self->connection, self->request);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- the object ----------------------------------------------------------- */

void
cst_packet_group_set_connection (CstPacketGroup *self,
                                 CstConnection  *connection)
{
  g_return_if_fail (CST_IS_PACKET_GROUP (self));
  if (!g_set_object (&self->connection, connection))
    return;
  update_sensitivity (self);
  reload (self);
}

void
cst_packet_group_set_request (CstPacketGroup *self,
                              CstRequest     *request)
{
  g_return_if_fail (CST_IS_PACKET_GROUP (self));
  if (self->request == request)
    {
      update_sensitivity (self);
      return;
    }
  /* Another request: what was under way for the last one is dropped. */
  if (self->request == NULL || request == NULL ||
      cst_request_get_id (self->request) != cst_request_get_id (request))
    {
      g_cancellable_cancel (self->cancellable);
      g_set_object (&self->cancellable, g_cancellable_new ());
      self->busy = FALSE;
      self->counts_pages = FALSE;
      /* The switches wait for this request's choices. */
      self->options_known = FALSE;
      show_message (self, NULL);
    }
  if (self->request != NULL)
    g_signal_handlers_disconnect_by_func (self->request, request_changed_cb, self);
  g_set_object (&self->request, request);
  if (request != NULL)
    g_signal_connect_object (request, "notify::version", G_CALLBACK (request_changed_cb), self,
                             G_CONNECT_SWAPPED);
  update_sensitivity (self);
  reload (self);
}

gboolean
cst_packet_group_is_busy (CstPacketGroup *self)
{
  return self->busy;
}

guint
cst_packet_group_get_n_documents (CstPacketGroup *self)
{
  return self->n_documents;
}

/* TRUE when the request has record documents or paper pages: its page
 * count is the packet's released count, not typed. */
gboolean
cst_packet_group_counts_pages (CstPacketGroup *self)
{
  return self->counts_pages;
}

const char *
cst_packet_group_get_message (CstPacketGroup *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->message_label))
         ? gtk_label_get_label (self->message_label) : NULL;
}

static void
cst_packet_group_dispose (GObject *object)
{
  CstPacketGroup *self = CST_PACKET_GROUP (object);

  cst_dispose_cancel (&self->cancellable);
  /* Its "destroy" would reload the group mid-dispose and tell the
   * request view, whose rows may be gone already, that the count changed. */
  if (self->view != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->view, self);
      gtk_window_destroy (GTK_WINDOW (self->view));
      self->view = NULL;
    }
  if (self->request != NULL)
    g_signal_handlers_disconnect_by_func (self->request, request_changed_cb, self);
  cst_dispose_chooser (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), CST_TYPE_PACKET_GROUP);
  g_clear_object (&self->connection);
  g_clear_object (&self->request);
  G_OBJECT_CLASS (cst_packet_group_parent_class)->dispose (object);
}

static void
cst_packet_group_class_init (CstPacketGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cst_packet_group_dispose;
  /* The page view changed the request (its page count): read it again. */
  group_signals[SIGNAL_REQUEST_CHANGED] = g_signal_new ("request-changed", G_TYPE_FROM_CLASS (klass),
                                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                        G_TYPE_NONE, 0);
  /* The documents were read: cst_packet_group_counts_pages() may have changed. */
  group_signals[SIGNAL_COUNTED] = g_signal_new ("counted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/custodian/Custodian/ui/cst-packet-group.ui");
  gtk_widget_class_bind_template_child (widget_class, CstPacketGroup, group);
  gtk_widget_class_bind_template_child (widget_class, CstPacketGroup, add_button);
  gtk_widget_class_bind_template_child (widget_class, CstPacketGroup, pages_button);
  gtk_widget_class_bind_template_child (widget_class, CstPacketGroup, message_label);
  gtk_widget_class_bind_template_child (widget_class, CstPacketGroup, list_box);
  gtk_widget_class_bind_template_callback (widget_class, add_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, pages_clicked_cb);
  gtk_widget_class_bind_template_child (widget_class, CstPacketGroup, deliver_button);
  gtk_widget_class_bind_template_callback (widget_class, deliver_clicked_cb);
  gtk_widget_class_bind_template_child (widget_class, CstPacketGroup, build_box);
  gtk_widget_class_bind_template_child (widget_class, CstPacketGroup, bates_check);
  gtk_widget_class_bind_template_child (widget_class, CstPacketGroup, language_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CstPacketGroup, build_button);
  gtk_widget_class_bind_template_callback (widget_class, build_clicked_cb);
  gtk_widget_class_bind_template_child (widget_class, CstPacketGroup, redaction_list);
  gtk_widget_class_bind_template_child (widget_class, CstPacketGroup, text_layer_switch);
  gtk_widget_class_bind_template_child (widget_class, CstPacketGroup, log_page_switch);
  gtk_widget_class_bind_template_callback (widget_class, option_switched_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
cst_packet_group_init (CstPacketGroup *self)
{
  GtkDropTarget *target;
  GtkWidget *placeholder;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  placeholder = gtk_label_new (_("No records yet"));
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 12);
  gtk_widget_set_margin_bottom (placeholder, 12);
  gtk_list_box_set_placeholder (self->list_box, placeholder);

  target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (target, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));
  update_sensitivity (self);
}
