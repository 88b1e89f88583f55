/* cst-estimate-dialog.c — make an estimate or Good Faith Estimate in the app
 *
 * The price list in effect is read from the database off the main loop
 * (cst_estimate_choices_load_async), with its services and the payers'
 * plans it has rates for.  The clerk searches the services, adds them
 * with their quantities, picks the patient's coverage (self-pay or
 * uninsured: the Good Faith Estimate; else the payer's plan with what is
 * left of the deductible and out-of-pocket maximum), and sees the amounts
 * line by line as they change: the estimate itself is pure and quick
 * (cst-estimate.h).  Saving draws the PDF and writes it with its JSON on
 * a worker thread, as `custodian-cli estimate render` writes them; the
 * "saved" signal hands the JSON to whoever opened the dialog (the
 * workbench compares the statement with it).
 */
#define G_LOG_DOMAIN "cst-estimate-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cst-estimate-dialog.h"
#include "cst-plain-text.h"

#include <custodian/cst-estimate-save.h>
#include <custodian/cst-input.h>
#include <custodian/cst-locale-format.h>

typedef struct
{
  char   *code;
  gint64  quantity;
} Chosen;

struct _CstEstimateDialog
{
  AdwWindow           parent_instance;

  AdwToastOverlay    *toasts;
  GtkSpinner         *busy_spinner;
  AdwActionRow       *prices_row;
  AdwEntryRow        *patient_entry;
  AdwComboRow        *coverage_row;
  GtkWidget          *deductible_row;
  GtkWidget          *coinsurance_row;
  GtkWidget          *copay_row;
  GtkWidget          *oop_row;
  GtkSpinButton      *deductible_spin;
  GtkSpinButton      *coinsurance_spin;
  GtkSpinButton      *copay_spin;
  GtkSpinButton      *oop_spin;
  GtkSearchEntry     *search_entry;
  GtkListView        *results_view;
  GtkListBox         *chosen_box;
  GtkLabel           *result_label;

  CstConnection      *connection;
  CstEstimateChoices *choices;      /* NULL until read */
  GtkStringList      *services;     /* "CODE — description" of every item */
  GtkStringList      *coverages;    /* self-pay, then each payer's plan */
  GtkStringFilter    *filter;
  GtkFilterListModel *results;
  GArray             *chosen;       /* of Chosen, in the order added */
  CstEstimate        *estimate;     /* NULL: nothing to save */
  GCancellable       *cancellable;  /* cancelled when the window goes */
  gboolean            loading;
  guint               busy;
};

G_DEFINE_FINAL_TYPE (CstEstimateDialog, cst_estimate_dialog, ADW_TYPE_WINDOW)

enum { SAVED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* The separator between a service's code and its description. */
#define CODE_END " — "

static void
set_busy (CstEstimateDialog *self,
          gboolean           busy)
{
  self->busy = busy ? self->busy + 1 : self->busy - 1;
  gtk_spinner_set_spinning (self->busy_spinner, self->busy > 0);
}

static gint64
cents_of (GtkSpinButton *spin)
{
  return (gint64) (gtk_spin_button_get_value (spin) * 100.0 + 0.5);
}

/* ---- what the estimate says ---------------------------------------------- */

static void
describe_lines (GString           *text,
                const CstEstimate *estimate)
{
  for (guint i = 0; i < estimate->lines->len; i++)
    {
      const CstEstimateLine *line = g_ptr_array_index (estimate->lines, i);
      g_autofree char *total = cst_locale_format_money (line->total_cents);

      /* TRANSLATORS: a line of an estimate: code, quantity, description,
       * amount, and how the amount was computed */
      g_string_append_printf (text, _("%s × %d, %s: %s (%s)"), line->code, (int) line->quantity,
                              line->description, total, line->how);
      g_string_append_c (text, '\n');
    }
}

static char *
describe (const CstEstimate *estimate)
{
  g_autoptr(GString) text = g_string_new (NULL);

  describe_lines (text, estimate);
  if (estimate->self_pay)
    {
      g_autofree char *total = cst_locale_format_money (estimate->gfe_total_cents);
      g_string_append_printf (text, _("Good Faith Estimate total: %s"), total);
      if (estimate->any_from_gross)
        g_string_append_printf (text, "\n%s", _("Where no discounted cash price is listed, the line uses the gross charge."));
    }
  else
    {
      g_autofree char *allowed = cst_locale_format_money (estimate->allowed_cents);
      g_autofree char *deductible = cst_locale_format_money (estimate->deductible_cents);
      g_autofree char *coinsurance = cst_locale_format_money (estimate->coinsurance_cents);
      g_autofree char *copay = cst_locale_format_money (estimate->copay_cents);
      g_autofree char *patient = cst_locale_format_money (estimate->patient_cents);
      g_autofree char *plan = cst_locale_format_money (estimate->plan_cents);

      g_string_append_printf (text, _("Allowed %s: deductible %s, coinsurance %s, copay %s."),
                              allowed, deductible, coinsurance, copay);
      g_string_append_c (text, '\n');
      g_string_append_printf (text, _("The patient pays %s; the plan pays %s."), patient, plan);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
self_pay_chosen (CstEstimateDialog *self)
{
  guint selected = adw_combo_row_get_selected (self->coverage_row);

  return self->choices == NULL || selected == 0 || selected > self->choices->plans->len;
}

static void
show_coverage_rows (CstEstimateDialog *self,
                    gboolean           insured)
{
  gtk_widget_set_visible (self->deductible_row, insured);
  gtk_widget_set_visible (self->coinsurance_row, insured);
  gtk_widget_set_visible (self->copay_row, insured);
  gtk_widget_set_visible (self->oop_row, insured);
}

static CstEstimate *
make_estimate (CstEstimateDialog  *self,
               GError            **error)
{
  g_autoptr(GArray) services = g_array_sized_new (FALSE, FALSE, sizeof (CstEstimateService),
                                                  self->chosen->len);
  const CstEstimatePlan *plan;
  CstEstimateCoverage coverage = { 0 };

  for (guint i = 0; i < self->chosen->len; i++)
    {
      const Chosen *c = &g_array_index (self->chosen, Chosen, i);
      CstEstimateService service = { c->code, c->quantity };
      g_array_append_val (services, service);
    }
  if (self_pay_chosen (self))
    return cst_estimate_new_self_pay (self->choices->prices, (CstEstimateService *) services->data,
                                      services->len, error);
  plan = g_ptr_array_index (self->choices->plans, adw_combo_row_get_selected (self->coverage_row) - 1);
  coverage.payer_name = plan->payer_name;
  coverage.plan_name = plan->plan_name;
  coverage.deductible_remaining_cents = cents_of (self->deductible_spin);
  coverage.coinsurance_hundredths = cents_of (self->coinsurance_spin);
  coverage.copay_cents = cents_of (self->copay_spin);
  coverage.oop_remaining_cents = cents_of (self->oop_spin);
  return cst_estimate_new_insured (self->choices->prices, (CstEstimateService *) services->data,
                                   services->len, &coverage, error);
}

/* Every change of a service, a quantity or the coverage makes the
 * estimate again: it is arithmetic on a few lines. */
static void
recompute (CstEstimateDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *said = NULL;

  g_clear_pointer (&self->estimate, cst_estimate_unref);
  show_coverage_rows (self, !self_pay_chosen (self));
  if (self->choices == NULL || self->chosen->len == 0)
    gtk_label_set_label (self->result_label, _("Add services to see what the patient will owe."));
  else if ((self->estimate = make_estimate (self, &error)) == NULL)
    gtk_label_set_label (self->result_label, error->message);
  else
    {
      const char *patient = gtk_editable_get_text (GTK_EDITABLE (self->patient_entry));

      self->estimate->patient_name = *patient != '\0' ? g_strstrip (g_strdup (patient)) : NULL;
      said = describe (self->estimate);
      gtk_label_set_label (self->result_label, said);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "estimate.save", self->estimate != NULL);
}

/* ---- the services chosen --------------------------------------------------- */

static void rebuild_chosen (CstEstimateDialog *self);

static void
quantity_changed_cb (GtkSpinButton     *spin,
                     CstEstimateDialog *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (spin), "index"));

  g_array_index (self->chosen, Chosen, index).quantity = gtk_spin_button_get_value_as_int (spin);
  recompute (self);
}

static void
remove_clicked_cb (GtkButton         *button,
                   CstEstimateDialog *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "index"));

  g_array_remove_index (self->chosen, index);
  rebuild_chosen (self);
  recompute (self);
}

static GtkWidget *
chosen_row_new (CstEstimateDialog *self,
                guint              index)
{
  const Chosen *c = &g_array_index (self->chosen, Chosen, index);
  const CstPriceItem *item = cst_price_list_find (self->choices->prices, c->code);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spin = gtk_spin_button_new_with_range (1, CST_ESTIMATE_MAX_QUANTITY, 1);
  GtkWidget *remove = gtk_button_new_from_icon_name ("list-remove-symbolic");
  g_autofree char *quantity_label = g_strdup_printf (_("Quantity of %s"), c->code);
  g_autofree char *remove_label = g_strdup_printf (_("Remove %s from the estimate"), c->code);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), c->code);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), item ? item->description : "");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), (double) c->quantity);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, quantity_label, -1);
  g_object_set_data (G_OBJECT (spin), "index", GUINT_TO_POINTER (index));
  g_signal_connect (spin, "value-changed", G_CALLBACK (quantity_changed_cb), self);
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, remove_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label, -1);
  g_object_set_data (G_OBJECT (remove), "index", GUINT_TO_POINTER (index));
  g_signal_connect (remove, "clicked", G_CALLBACK (remove_clicked_cb), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
  return row;
}

static void
rebuild_chosen (CstEstimateDialog *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->chosen_box))) != NULL)
    gtk_list_box_remove (self->chosen_box, child);
  for (guint i = 0; i < self->chosen->len; i++)
    gtk_list_box_append (self->chosen_box, chosen_row_new (self, i));
  gtk_widget_set_visible (GTK_WIDGET (self->chosen_box), self->chosen->len > 0);
}

static void
chosen_clear (Chosen *c)
{
  g_free (c->code);
}

/**
 * cst_estimate_dialog_add_service:
 *
 * Adds @quantity of the service with @code (more of it when it is there
 * already).
 *
 * Returns: FALSE when the price list in effect has no such code (or is
 *   not read yet)
 */
gboolean
cst_estimate_dialog_add_service (CstEstimateDialog *self,
                                 const char        *code,
                                 gint64             quantity)
{
  const CstPriceItem *item;
  Chosen added;

  g_return_val_if_fail (CST_IS_ESTIMATE_DIALOG (self), FALSE);
  if (self->choices == NULL || quantity < 1 ||
      (item = cst_price_list_find (self->choices->prices, code)) == NULL)
    return FALSE;
  for (guint i = 0; i < self->chosen->len; i++)
    {
      Chosen *c = &g_array_index (self->chosen, Chosen, i);
      if (g_str_equal (c->code, item->code))
        {
          c->quantity = MIN (c->quantity + quantity, CST_ESTIMATE_MAX_QUANTITY);
          rebuild_chosen (self);
          recompute (self);
          return TRUE;
        }
    }
  if (self->chosen->len >= CST_ESTIMATE_MAX_SERVICES)
    return FALSE;
  added.code = g_strdup (item->code);
  added.quantity = MIN (quantity, CST_ESTIMATE_MAX_QUANTITY);
  g_array_append_val (self->chosen, added);
  rebuild_chosen (self);
  recompute (self);
  return TRUE;
}

/* ---- searching the price list ------------------------------------------------ */

/* A result's text starts with its code. */
static void
add_result (CstEstimateDialog *self,
            guint              position)
{
  g_autoptr(GtkStringObject) item = g_list_model_get_item (G_LIST_MODEL (self->results), position);
  const char *text = item ? gtk_string_object_get_string (item) : NULL;
  const char *end = text ? strstr (text, CODE_END) : NULL;
  g_autofree char *code = end ? g_strndup (text, (gsize) (end - text)) : NULL;

  if (code != NULL && !cst_estimate_dialog_add_service (self, code, 1))
    adw_toast_overlay_add_toast (self->toasts,
                                 cst_toast_new_plain (_("No more services fit in one estimate.")));
}

static void
result_activated_cb (GtkListView       *view,
                     guint              position,
                     CstEstimateDialog *self)
{
  add_result (self, position);
}

/* Enter in the search adds the first service found. */
static void
search_activated_cb (CstEstimateDialog *self)
{
  if (g_list_model_get_n_items (G_LIST_MODEL (self->results)) > 0)
    add_result (self, 0);
}

static void
search_changed_cb (CstEstimateDialog *self)
{
  gtk_string_filter_set_search (self->filter, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

void
cst_estimate_dialog_set_search (CstEstimateDialog *self,
                                const char        *text)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text);
  gtk_string_filter_set_search (self->filter, text);
}

/* Returns: (transfer none): the services the search finds, as
 *   GtkStringObject "CODE — description" */
GListModel *
cst_estimate_dialog_get_results (CstEstimateDialog *self)
{
  return G_LIST_MODEL (self->results);
}

static void
setup_result_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_margin_start (label, 6);
  gtk_widget_set_margin_end (label, 6);
  gtk_list_item_set_child (list_item, label);
}

static void
bind_result_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item)
{
  GtkStringObject *item = gtk_list_item_get_item (list_item);

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (list_item)),
                       gtk_string_object_get_string (item));
}

static void
build_results (CstEstimateDialog *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkExpression *expression = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string");
  g_autoptr(GtkSingleSelection) selection = NULL;

  self->services = gtk_string_list_new (NULL);
  self->filter = gtk_string_filter_new (expression);
  gtk_string_filter_set_ignore_case (self->filter, TRUE);
  gtk_string_filter_set_match_mode (self->filter, GTK_STRING_FILTER_MATCH_MODE_SUBSTRING);
  self->results = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->services)),
                                             g_object_ref (GTK_FILTER (self->filter)));
  /* A hospital's list has tens of thousands of items: filter in steps so
   * a keystroke never holds the window while every item is matched. */
  gtk_filter_list_model_set_incremental (self->results, TRUE);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_result_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_result_cb), NULL);
  gtk_list_view_set_factory (self->results_view, factory);
  g_object_unref (factory);
  selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->results)));
  gtk_list_view_set_model (self->results_view, GTK_SELECTION_MODEL (selection));
  g_signal_connect (self->results_view, "activate", G_CALLBACK (result_activated_cb), self);
}

/* ---- coverage ------------------------------------------------------------------- */

static void
fill_coverages (CstEstimateDialog *self)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (names, g_strdup (_("Self-pay or uninsured (Good Faith Estimate)")));
  for (guint i = 0; i < self->choices->plans->len; i++)
    {
      const CstEstimatePlan *plan = g_ptr_array_index (self->choices->plans, i);
      g_ptr_array_add (names, g_strdup_printf ("%s — %s", plan->payer_name, plan->plan_name));
    }
  g_ptr_array_add (names, NULL);
  gtk_string_list_splice (self->coverages, 0, g_list_model_get_n_items (G_LIST_MODEL (self->coverages)),
                          (const char * const *) names->pdata);
  adw_combo_row_set_selected (self->coverage_row, 0);
}

/**
 * cst_estimate_dialog_set_coverage:
 * @coverage: (nullable): the patient's plan; NULL for self-pay
 *
 * Returns: FALSE when the price list has no rates for that plan
 */
gboolean
cst_estimate_dialog_set_coverage (CstEstimateDialog         *self,
                                  const CstEstimateCoverage *coverage)
{
  guint position = 0;

  if (coverage != NULL)
    {
      for (guint i = 0; self->choices != NULL && i < self->choices->plans->len && position == 0; i++)
        {
          const CstEstimatePlan *plan = g_ptr_array_index (self->choices->plans, i);
          if (g_str_equal (plan->payer_name, coverage->payer_name) &&
              g_str_equal (plan->plan_name, coverage->plan_name))
            position = i + 1;
        }
      if (position == 0)
        return FALSE;
      gtk_spin_button_set_value (self->deductible_spin, coverage->deductible_remaining_cents / 100.0);
      gtk_spin_button_set_value (self->coinsurance_spin, coverage->coinsurance_hundredths / 100.0);
      gtk_spin_button_set_value (self->copay_spin, coverage->copay_cents / 100.0);
      gtk_spin_button_set_value (self->oop_spin, coverage->oop_remaining_cents / 100.0);
    }
  adw_combo_row_set_selected (self->coverage_row, position);
  recompute (self);
  return TRUE;
}

/* ---- reading the price list ------------------------------------------------------ */

static void
show_prices (CstEstimateDialog *self)
{
  const CstPriceList *prices = self->choices->prices;
  g_autofree char *updated = cst_locale_format_date (&prices->last_updated);
  guint n = prices->items->len;
  g_autofree char *count = g_strdup_printf (ngettext ("%u service", "%u services", n), n);
  /* TRANSLATORS: the hospital, the template's version, the file's date,
   * then "N services" */
  g_autofree char *said = g_strdup_printf (_("%s · CMS template %s · updated %s · %s"),
                                           prices->hospital_name, prices->version, updated, count);

  adw_action_row_set_subtitle (self->prices_row, said);
}

static void
choices_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(CstEstimateDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  CstEstimateChoices *choices = cst_estimate_choices_load_finish (CST_CONNECTION (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->loading = FALSE;
  set_busy (self, FALSE);
  if (choices == NULL)
    {
      adw_action_row_set_subtitle (self->prices_row, error->message);
      return;
    }
  self->choices = choices;
  gtk_string_list_splice (self->services, 0, 0, (const char * const *) choices->services);
  show_prices (self);
  fill_coverages (self);
  recompute (self);
}

gboolean
cst_estimate_dialog_is_loading (CstEstimateDialog *self)
{
  return self->loading;
}

/* ---- saving ------------------------------------------------------------------------ */

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CstEstimateDialog *self = g_task_get_source_object (task);
  GFile *pdf = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *pdf_path = NULL, *json_path = NULL;
  g_autoptr(GFile) json = NULL;

  if (!cst_estimate_save_finish (result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *said = g_strdup_printf (_("The estimate was not saved: %s"), error->message);
          set_busy (self, FALSE);
          adw_toast_overlay_add_toast (self->toasts, cst_toast_new_plain (said));
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  set_busy (self, FALSE);
  pdf_path = g_file_get_path (pdf);
  json_path = cst_estimate_json_path_for (pdf_path);
  json = g_file_new_for_path (json_path);
  adw_toast_overlay_add_toast (self->toasts,
                               cst_toast_new_plain (_("Estimate saved, with its JSON beside it for the statement.")));
  g_signal_emit (self, signals[SAVED], 0, json);
  g_task_return_boolean (task, TRUE);
}

/**
 * cst_estimate_dialog_save_to_async:
 * @file: where the PDF goes; the JSON goes beside it
 *
 * Draws and writes both on a worker thread; "saved" is emitted with the
 * JSON's file when they are written.
 */
void
cst_estimate_dialog_save_to_async (CstEstimateDialog   *self,
                                   GFile               *file,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);
  GDate today;

  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  if (self->estimate == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s",
                               _("Nothing to save yet: add services the price list can price."));
      g_object_unref (task);
      return;
    }
  cst_input_today (&today);
  set_busy (self, TRUE);
  cst_estimate_save_async (self->estimate, &today, file, self->cancellable, saved_cb, task);
}

gboolean
cst_estimate_dialog_save_to_finish (CstEstimateDialog  *self,
                                    GAsyncResult       *result,
                                    GError            **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
save_response_cb (GtkNativeDialog   *chooser,
                  int                response,
                  CstEstimateDialog *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      cst_estimate_dialog_save_to_async (self, file, NULL, NULL);
    }
  g_object_unref (chooser);
}

static void
save_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CstEstimateDialog *self = CST_ESTIMATE_DIALOG (widget);
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_("Save the Estimate"), GTK_WINDOW (self),
                                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                                               _("_Save"), _("_Cancel"));

  /* A neutral name: file names never carry patient data. */
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "estimate.pdf");
  g_signal_connect (chooser, "response", G_CALLBACK (save_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ---- life ----------------------------------------------------------------------------- */

/* Returns: (transfer none) (nullable): the estimate as shown; NULL while
 *   there is nothing to save */
CstEstimate *
cst_estimate_dialog_get_estimate (CstEstimateDialog *self)
{
  return self->estimate;
}

/* Returns: what the dialog says of the estimate (or why there is none) */
const char *
cst_estimate_dialog_get_summary (CstEstimateDialog *self)
{
  return gtk_label_get_label (self->result_label);
}

/**
 * cst_estimate_dialog_new:
 * @connection: (nullable): where the price list is stored; without it the
 *   dialog says so and offers nothing
 */
CstEstimateDialog *
cst_estimate_dialog_new (GtkWindow     *parent,
                         CstConnection *connection)
{
  CstEstimateDialog *self = g_object_new (CST_TYPE_ESTIMATE_DIALOG, "transient-for", parent, NULL);
  GDate today;

  if (connection == NULL)
    {
      adw_action_row_set_subtitle (self->prices_row,
                                   _("Connect to the database: estimates use the price list stored there."));
      return self;
    }
  self->connection = g_object_ref (connection);
  self->loading = TRUE;
  set_busy (self, TRUE);
  cst_input_today (&today);
  cst_estimate_choices_load_async (connection, &today, self->cancellable, choices_loaded_cb,
                                   g_object_ref (self));
  return self;
}

static void
cst_estimate_dialog_dispose (GObject *object)
{
  CstEstimateDialog *self = CST_ESTIMATE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), CST_TYPE_ESTIMATE_DIALOG);
  g_clear_pointer (&self->estimate, cst_estimate_unref);
  g_clear_pointer (&self->choices, cst_estimate_choices_free);
  g_clear_object (&self->results);
  g_clear_object (&self->filter);
  g_clear_object (&self->services);
  g_clear_object (&self->coverages);
  g_clear_object (&self->connection);
  G_OBJECT_CLASS (cst_estimate_dialog_parent_class)->dispose (object);
}

static void
cst_estimate_dialog_finalize (GObject *object)
{
  CstEstimateDialog *self = CST_ESTIMATE_DIALOG (object);

  g_array_unref (self->chosen);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (cst_estimate_dialog_parent_class)->finalize (object);
}

static void
cst_estimate_dialog_class_init (CstEstimateDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = cst_estimate_dialog_dispose;
  G_OBJECT_CLASS (klass)->finalize = cst_estimate_dialog_finalize;
  /**
   * CstEstimateDialog::saved:
   * @json: the JSON written beside the PDF
   */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_FILE);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/cst-estimate-dialog.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, CstEstimateDialog, name)
  BIND (toasts); BIND (busy_spinner); BIND (prices_row); BIND (patient_entry); BIND (coverage_row);
  BIND (deductible_row); BIND (coinsurance_row); BIND (copay_row); BIND (oop_row);
  BIND (deductible_spin); BIND (coinsurance_spin); BIND (copay_spin); BIND (oop_spin);
  BIND (search_entry); BIND (results_view); BIND (chosen_box); BIND (result_label);
#undef BIND
  gtk_widget_class_install_action (widget_class, "estimate.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "estimate.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cst_estimate_dialog_init (CstEstimateDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->chosen = g_array_new (FALSE, FALSE, sizeof (Chosen));
  g_array_set_clear_func (self->chosen, (GDestroyNotify) chosen_clear);
  self->coverages = gtk_string_list_new (NULL);
  adw_combo_row_set_model (self->coverage_row, G_LIST_MODEL (self->coverages));
  build_results (self);
  g_signal_connect_swapped (self->search_entry, "search-changed", G_CALLBACK (search_changed_cb), self);
  g_signal_connect_swapped (self->search_entry, "activate", G_CALLBACK (search_activated_cb), self);
  g_signal_connect_swapped (self->coverage_row, "notify::selected", G_CALLBACK (recompute), self);
  g_signal_connect_swapped (self->patient_entry, "changed", G_CALLBACK (recompute), self);
  g_signal_connect_swapped (self->deductible_spin, "value-changed", G_CALLBACK (recompute), self);
  g_signal_connect_swapped (self->coinsurance_spin, "value-changed", G_CALLBACK (recompute), self);
  g_signal_connect_swapped (self->copay_spin, "value-changed", G_CALLBACK (recompute), self);
  g_signal_connect_swapped (self->oop_spin, "value-changed", G_CALLBACK (recompute), self);
  gtk_widget_set_visible (GTK_WIDGET (self->chosen_box), FALSE);
  recompute (self);
}
