/* cst-statement-workbench.c — design a plain-language statement from an itemized bill
 *
 * The original bill on the left, the statement as it will print on the
 * right: the preview is the real PDF, rendered with Poppler.  Every edit of
 * the template (sections, language, type size) makes a new statement and
 * PDF on a worker thread; a generation number drops renders that a newer
 * edit has overtaken, so typing never waits for the PDF writer.
 */
#define G_LOG_DOMAIN "cst-statement-workbench"

#include "config.h"

#include <glib/gi18n.h>

#include "cst-pdf-preview.h"
#include "cst-statement-workbench.h"

#define RENDER_DELAY_MS 120
#define TARGET_GRADE 8.0

struct _CstStatementWorkbench
{
  AdwWindow             parent_instance;

  AdwToastOverlay      *toasts;
  GtkStack             *stack;
  GtkColumnView        *lines_view;
  GtkListBox           *sections_box;
  GtkListBox           *categories_box;
  GtkDropDown          *language_dropdown;
  GtkSpinButton        *font_spin;
  GtkLabel             *metrics_label;
  GtkLabel             *warnings_label;
  GtkLabel             *totals_label;
  CstPdfPreview        *preview;

  CstBill              *bill;
  CstStatementRules    *rules;
  CstStatementTemplate *templates[2];   /* en, es: the builtin starting points */
  CstStatement         *statement;      /* the one shown */
  GListStore           *line_items;     /* of GtkStringObject: row index as text */
  GtkMultiSelection    *line_selection;
  gboolean              sections[CST_N_SECTIONS];
  guint                 render_id;
  guint                 generation;
  guint                 pending;
  guint                 renders;
  char                 *file_name;
};

G_DEFINE_FINAL_TYPE (CstStatementWorkbench, cst_statement_workbench, ADW_TYPE_WINDOW)

static const char *const languages[] = { "en", "es" };

/* ---- rendering off the main loop ---------------------------------------- */

typedef struct
{
  guint                 generation;
  CstBill              *bill;
  CstStatementRules    *rules;
  CstStatementTemplate *template;
  CstStatement         *statement;   /* out */
  GBytes               *pdf;         /* out */
} RenderJob;

static void
render_job_free (RenderJob *job)
{
  g_clear_pointer (&job->bill, cst_bill_unref);
  g_clear_pointer (&job->rules, cst_statement_rules_unref);
  g_clear_pointer (&job->template, cst_statement_template_unref);
  g_clear_pointer (&job->statement, cst_statement_unref);
  g_clear_pointer (&job->pdf, g_bytes_unref);
  g_free (job);
}

static void
render_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  RenderJob *job = task_data;
  g_autoptr(GError) error = NULL;

  job->statement = cst_statement_new (job->bill, job->rules, job->template, &error);
  if (job->statement != NULL)
    job->pdf = cst_statement_render_pdf (job->statement, &error);
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
show_metrics (CstStatementWorkbench *self)
{
  CstStatement *st = self->statement;
  g_autofree char *due = cst_locale_format_money (st->amount_due_cents);
  g_autofree char *detail = cst_locale_format_money (st->detail_total_cents);
  g_autofree char *resp = cst_locale_format_money (st->total_patient_resp_cents);
  g_autofree char *metrics = NULL;
  g_autofree char *totals = NULL;
  g_autoptr(GString) warnings = g_string_new (NULL);

  if (st->readability.scored)
    metrics = g_strdup_printf (_("Lines: %u on the bill, %u on the statement, in %u categories · "
                                 "%d pages · reading grade %.1f (target %.0f or lower): %s · "
                                 "reading ease %.0f"),
                               st->bill->lines->len, st->items->len, st->categories->len,
                               cst_pdf_preview_get_n_pages (self->preview),
                               st->readability.grade, TARGET_GRADE,
                               st->readability.grade <= TARGET_GRADE ? _("met") : _("not met"),
                               st->readability.reading_ease);
  else
    metrics = g_strdup_printf (_("Lines: %u on the bill, %u on the statement, in %u categories · "
                                 "%d pages · no reading-grade formula fits this language"),
                               st->bill->lines->len, st->items->len, st->categories->len,
                               cst_pdf_preview_get_n_pages (self->preview));
  gtk_label_set_label (self->metrics_label, metrics);

  for (guint i = 0; i < st->flags->len; i++)
    {
      const CstStatementFlag *flag = g_ptr_array_index (st->flags, i);
      g_string_append_printf (warnings, "%s⚠ %s", warnings->len ? "\n" : "", flag->message);
    }
  gtk_label_set_label (self->warnings_label, warnings->str);
  gtk_widget_set_visible (GTK_WIDGET (self->warnings_label), warnings->len > 0);

  totals = g_strdup_printf (_("Amount due %s · patient responsibility on the bill %s · details add up to %s · %s"),
                            due, resp, detail,
                            st->reconciled ? _("totals match") : _("TOTALS DO NOT MATCH"));
  gtk_label_set_label (self->totals_label, totals);
}

static void
show_categories (CstStatementWorkbench *self)
{
  for (GtkWidget *row; (row = gtk_widget_get_first_child (GTK_WIDGET (self->categories_box)));)
    gtk_list_box_remove (self->categories_box, row);
  for (guint i = 0; i < self->statement->categories->len; i++)
    {
      const CstStatementCategory *category = g_ptr_array_index (self->statement->categories, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *amount = cst_locale_format_money (category->charges_cents);
      GtkWidget *label = gtk_label_new (amount);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), category->label);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
      gtk_list_box_append (self->categories_box, row);
    }
}

static void
rendered_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  CstStatementWorkbench *self = CST_STATEMENT_WORKBENCH (object);
  RenderJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  self->pending--;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_debug ("Render %u failed: %s", job->generation, error->message);
      if (job->generation == self->generation)
        adw_toast_overlay_add_toast (self->toasts, adw_toast_new (error->message));
      return;
    }
  if (job->generation != self->generation)
    return;
  g_clear_pointer (&self->statement, cst_statement_unref);
  self->statement = g_steal_pointer (&job->statement);
  self->renders++;
  cst_pdf_preview_load_bytes (self->preview, job->pdf);
  show_categories (self);
  show_metrics (self);
}

static CstStatementTemplate *
current_template (CstStatementWorkbench *self)
{
  guint language = MIN (gtk_drop_down_get_selected (self->language_dropdown), G_N_ELEMENTS (languages) - 1);
  CstStatementTemplate *tpl = cst_statement_template_copy (self->templates[language]);
  CstStatementSection order[CST_N_SECTIONS];
  const CstStatementSection *base;
  guint n_base = 0, n = 0;
  g_autofree char *size = g_strdup_printf ("%d", gtk_spin_button_get_value_as_int (self->font_spin));

  /* Keep the template's order; leave out what the designer switched off. */
  base = cst_statement_template_get_sections (self->templates[language], &n_base);
  for (guint i = 0; i < n_base; i++)
    if (self->sections[base[i]])
      order[n++] = base[i];
  cst_statement_template_set_sections (tpl, order, n, NULL);
  cst_statement_template_set_string (tpl, "template", "body-font-size", size, NULL);
  return tpl;
}

static gboolean
render_now (gpointer user_data)
{
  CstStatementWorkbench *self = user_data;
  g_autoptr(GTask) task = NULL;
  RenderJob *job;

  self->render_id = 0;
  if (self->bill == NULL)
    return G_SOURCE_REMOVE;
  job = g_new0 (RenderJob, 1);
  job->generation = ++self->generation;
  job->bill = cst_bill_ref (self->bill);
  job->rules = cst_statement_rules_ref (self->rules);
  job->template = current_template (self);
  task = g_task_new (self, NULL, rendered_cb, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) render_job_free);
  g_task_set_source_tag (task, render_now);
  self->pending++;
  g_task_run_in_thread (task, render_in_thread);
  return G_SOURCE_REMOVE;
}

static void
queue_render (CstStatementWorkbench *self)
{
  g_clear_handle_id (&self->render_id, g_source_remove);
  self->render_id = g_timeout_add (RENDER_DELAY_MS, render_now, self);
}

static void
template_changed_cb (CstStatementWorkbench *self)
{
  queue_render (self);
}

/* ---- the original bill -------------------------------------------------- */

static CstBillLine *
line_at (CstStatementWorkbench *self,
         GtkListItem           *item)
{
  GtkStringObject *index = gtk_list_item_get_item (item);
  guint i = (guint) g_ascii_strtoull (gtk_string_object_get_string (index), NULL, 10);

  return self->bill && i < self->bill->lines->len ? g_ptr_array_index (self->bill->lines, i) : NULL;
}

static void
setup_cell_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (item, label);
}

static void
bind_cell_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              CstStatementWorkbench    *self)
{
  int column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "column"));
  CstBillLine *line = line_at (self, item);
  g_autofree char *text = NULL;

  if (line == NULL)
    return;
  switch (column)
    {
    case 0:
      text = g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (&line->service_date),
                              g_date_get_month (&line->service_date), g_date_get_day (&line->service_date));
      break;
    case 1: text = g_strdup_printf ("%s %s", line->revenue_code, line->cpt_hcpcs); break;
    case 2: text = g_strdup (line->description); break;
    case 3: text = cst_locale_format_money (line->charge_cents); break;
    case 4: text = cst_locale_format_money (line->insurer_paid_cents); break;
    case 5: text = cst_locale_format_money (line->adjustment_cents); break;
    default: text = cst_locale_format_money (line->patient_resp_cents); break;
    }
  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)), text);
}

static void
build_line_columns (CstStatementWorkbench *self)
{
  const char *titles[] = { N_("Date"), N_("Codes"), N_("Description"), N_("Charge"),
                           N_("Insurance paid"), N_("Adjustment"), N_("You owe") };

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      g_autoptr(GtkColumnViewColumn) column = NULL;

      g_object_set_data (G_OBJECT (factory), "column", GINT_TO_POINTER (i));
      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell_cb), NULL);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell_cb), self);
      column = gtk_column_view_column_new (_(titles[i]), factory);
      gtk_column_view_column_set_expand (column, i == 2);
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_append_column (self->lines_view, column);
    }
}

/* Selecting a category highlights its source lines in the original. */
static void
category_activated_cb (CstStatementWorkbench *self,
                       GtkListBoxRow         *row)
{
  cst_statement_workbench_select_category (self, gtk_list_box_row_get_index (row));
}

/* ---- import, export, print --------------------------------------------- */

static void
set_bill (CstStatementWorkbench *self,
          CstBill               *bill,
          const char            *name)
{
  g_clear_pointer (&self->bill, cst_bill_unref);
  self->bill = cst_bill_ref (bill);
  g_free (self->file_name);
  self->file_name = g_strdup (name);
  g_list_store_remove_all (self->line_items);
  for (guint i = 0; i < bill->lines->len; i++)
    {
      g_autofree char *index = g_strdup_printf ("%u", i);
      g_autoptr(GtkStringObject) item = gtk_string_object_new (index);
      g_list_store_append (self->line_items, item);
    }
  gtk_stack_set_visible_child_name (self->stack, "workbench");
  render_now (self);
}

static void
open_response_cb (GtkNativeDialog       *chooser,
                  int                    response,
                  CstStatementWorkbench *self)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      if (!cst_statement_workbench_import_file (self, file, &error))
        adw_toast_overlay_add_toast (self->toasts, adw_toast_new (error->message));
    }
  g_object_unref (chooser);
}

static void
import_action (GtkWidget *widget, const char *name, GVariant *param)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_("Import an Itemized Bill"),
                                                               GTK_WINDOW (widget),
                                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                                               _("_Import"), _("_Cancel"));
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Itemized bills (CSV)"));
  gtk_file_filter_add_suffix (filter, "csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (open_response_cb), widget);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
exported_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CstStatementWorkbench) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    adw_toast_overlay_add_toast (self->toasts, adw_toast_new (error->message));
  else
    adw_toast_overlay_add_toast (self->toasts, adw_toast_new (_("Statement exported")));
}

static void
export_response_cb (GtkNativeDialog       *chooser,
                    int                    response,
                    CstStatementWorkbench *self)
{
  GBytes *pdf = cst_pdf_preview_get_bytes (self->preview);

  if (response == GTK_RESPONSE_ACCEPT && pdf != NULL)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_file_replace_contents_bytes_async (file, pdf, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                           NULL, exported_cb, g_object_ref (self));
    }
  g_object_unref (chooser);
}

static void
export_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CstStatementWorkbench *self = CST_STATEMENT_WORKBENCH (widget);
  GtkFileChooserNative *chooser;

  if (cst_pdf_preview_get_bytes (self->preview) == NULL)
    return;
  chooser = gtk_file_chooser_native_new (_("Export Statement"), GTK_WINDOW (widget),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), _("statement.pdf"));
  g_signal_connect (chooser, "response", G_CALLBACK (export_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
print_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CstStatementWorkbench *self = CST_STATEMENT_WORKBENCH (widget);

  cst_pdf_preview_print (self->preview, GTK_WINDOW (self));
}

static gboolean
drop_cb (GtkDropTarget         *target,
         const GValue          *value,
         double                 x,
         double                 y,
         CstStatementWorkbench *self)
{
  g_autoptr(GError) error = NULL;

  if (!G_VALUE_HOLDS (value, G_TYPE_FILE))
    return FALSE;
  if (!cst_statement_workbench_import_file (self, g_value_get_object (value), &error))
    {
      adw_toast_overlay_add_toast (self->toasts, adw_toast_new (error->message));
      return FALSE;
    }
  return TRUE;
}

/* ---- sections ----------------------------------------------------------- */

static const char *
section_label (CstStatementSection section)
{
  switch (section)
    {
    case CST_SECTION_HEADER: return _("Header and account");
    case CST_SECTION_AMOUNT_DUE: return _("Amount due box");
    case CST_SECTION_HOW_WE_GOT_THIS: return _("How we got this amount");
    case CST_SECTION_CATEGORIES: return _("What the charges were for");
    case CST_SECTION_INSURANCE: return _("What insurance did");
    case CST_SECTION_WAYS_TO_PAY: return _("Ways to pay and payment plans");
    case CST_SECTION_HELP_PAYING: return _("Financial assistance");
    case CST_SECTION_QUESTIONS: return _("Questions");
    case CST_SECTION_RIGHTS: return _("Your rights");
    case CST_SECTION_GLOSSARY: return _("Glossary");
    case CST_SECTION_REMITTANCE: return _("Remittance stub");
    case CST_SECTION_DETAILS: return _("Details of your charges");
    default: g_return_val_if_reached ("");
    }
}

static void
section_toggled_cb (GtkSwitch             *toggle,
                    GParamSpec            *pspec,
                    CstStatementWorkbench *self)
{
  CstStatementSection section = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (toggle), "section"));

  self->sections[section] = gtk_switch_get_active (toggle);
  queue_render (self);
}

static void
build_section_rows (CstStatementWorkbench *self)
{
  for (int s = 0; s < CST_N_SECTIONS; s++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *toggle = gtk_switch_new ();

      self->sections[s] = TRUE;
      gtk_switch_set_active (GTK_SWITCH (toggle), TRUE);
      gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      section_label (s), -1);
      g_object_set_data (G_OBJECT (toggle), "section", GINT_TO_POINTER (s));
      g_signal_connect (toggle, "notify::active", G_CALLBACK (section_toggled_cb), self);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), section_label (s));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
      gtk_list_box_append (self->sections_box, row);
    }
}

/* ---- GObject ------------------------------------------------------------- */

static void
cst_statement_workbench_dispose (GObject *object)
{
  CstStatementWorkbench *self = CST_STATEMENT_WORKBENCH (object);

  g_clear_handle_id (&self->render_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), CST_TYPE_STATEMENT_WORKBENCH);
  g_clear_object (&self->line_selection);
  g_clear_pointer (&self->statement, cst_statement_unref);
  g_clear_pointer (&self->bill, cst_bill_unref);
  g_clear_pointer (&self->rules, cst_statement_rules_unref);
  for (guint i = 0; i < G_N_ELEMENTS (self->templates); i++)
    g_clear_pointer (&self->templates[i], cst_statement_template_unref);
  g_clear_pointer (&self->file_name, g_free);
  G_OBJECT_CLASS (cst_statement_workbench_parent_class)->dispose (object);
}

static void
cst_statement_workbench_class_init (CstStatementWorkbenchClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = cst_statement_workbench_dispose;
  g_type_ensure (CST_TYPE_PDF_PREVIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/cst-statement-workbench.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, CstStatementWorkbench, name)
  BIND (toasts); BIND (stack); BIND (lines_view); BIND (sections_box); BIND (categories_box);
  BIND (language_dropdown); BIND (font_spin); BIND (metrics_label); BIND (warnings_label);
  BIND (totals_label); BIND (preview);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, template_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, category_activated_cb);
  gtk_widget_class_install_action (widget_class, "workbench.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "workbench.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "workbench.print", NULL, print_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "workbench.import", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "workbench.export", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "workbench.print", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cst_statement_workbench_init (CstStatementWorkbench *self)
{
  g_autoptr(GError) error = NULL;
  GtkDropTarget *drop = gtk_drop_target_new (G_TYPE_FILE, GDK_ACTION_COPY);

  gtk_widget_init_template (GTK_WIDGET (self));
  self->rules = cst_statement_rules_new_default (&error);
  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    self->templates[i] = cst_statement_template_new_builtin ("standard", languages[i], &error);
  if (error != NULL)
    g_critical ("Shipped statement data is broken: %s", error->message);

  self->line_items = g_list_store_new (GTK_TYPE_STRING_OBJECT);
  self->line_selection = gtk_multi_selection_new (G_LIST_MODEL (self->line_items));
  gtk_column_view_set_model (self->lines_view, GTK_SELECTION_MODEL (self->line_selection));
  build_line_columns (self);
  build_section_rows (self);

  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
}

CstStatementWorkbench *
cst_statement_workbench_new (GtkWindow *parent)
{
  return g_object_new (CST_TYPE_STATEMENT_WORKBENCH, "transient-for", parent, NULL);
}

/**
 * cst_statement_workbench_import_file:
 *
 * Reads an itemized bill.  A file with defects imports nothing; the error
 * lists each defect with its line and column.
 */
gboolean
cst_statement_workbench_import_file (CstStatementWorkbench  *self,
                                     GFile                  *file,
                                     GError                **error)
{
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *name = g_file_get_basename (file);
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(CstBill) bill = NULL;

  bill = cst_bill_import_file (path, CST_BILL_IMPORT_NONE, &problems, error);
  if (bill != NULL)
    {
      GDate today;

      /* A bill without statement and due dates gets today's and the
       * usual grace period, as the command line does. */
      cst_input_today (&today);
      cst_bill_fill_defaults (bill, &today);
    }
  if (bill == NULL)
    {
      if (error && *error && problems != NULL && problems->len > 0)
        {
          g_autoptr(GString) text = g_string_new ((*error)->message);
          for (guint i = 0; i < MIN (problems->len, 5); i++)
            {
              g_autofree char *problem = cst_bill_problem_format (g_ptr_array_index (problems, i));
              g_string_append_printf (text, "\n%s", problem);
            }
          g_free ((*error)->message);
          (*error)->message = g_string_free (g_steal_pointer (&text), FALSE);
        }
      return FALSE;
    }
  set_bill (self, bill, name);
  return TRUE;
}

void
cst_statement_workbench_set_section (CstStatementWorkbench *self,
                                     CstStatementSection    section,
                                     gboolean               shown)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->sections_box, section);
  GtkWidget *toggle = adw_action_row_get_activatable_widget (ADW_ACTION_ROW (row));

  gtk_switch_set_active (GTK_SWITCH (toggle), shown);
}

void
cst_statement_workbench_select_category (CstStatementWorkbench *self,
                                         guint                  index)
{
  const CstStatementCategory *category;
  g_autoptr(GtkBitset) lines = gtk_bitset_new_empty ();
  g_autoptr(GtkBitset) all = NULL;

  if (self->statement == NULL || index >= self->statement->categories->len)
    return;
  category = g_ptr_array_index (self->statement->categories, index);
  for (guint i = 0; category->lines && i < category->lines->len; i++)
    gtk_bitset_add (lines, g_array_index (category->lines, guint, i));
  all = gtk_bitset_new_range (0, g_list_model_get_n_items (G_LIST_MODEL (self->line_items)));
  gtk_selection_model_set_selection (GTK_SELECTION_MODEL (self->line_selection), lines, all);
}

guint
cst_statement_workbench_count_highlighted (CstStatementWorkbench *self)
{
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->line_selection));

  return (guint) gtk_bitset_get_size (selected);
}

CstStatement *cst_statement_workbench_get_statement (CstStatementWorkbench *self) { return self->statement; }
GtkWidget *cst_statement_workbench_get_preview (CstStatementWorkbench *self) { return GTK_WIDGET (self->preview); }
guint cst_statement_workbench_get_renders (CstStatementWorkbench *self) { return self->renders; }

gboolean
cst_statement_workbench_is_rendering (CstStatementWorkbench *self)
{
  return self->render_id != 0 || self->pending > 0 || cst_pdf_preview_is_rendering (self->preview);
}
