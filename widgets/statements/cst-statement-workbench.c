/* cst-statement-workbench.c — design a plain-language statement from an itemized bill
 *
 * The original bill on the left, the statement as it will print on the
 * right: the preview is drawn by the PDF's own layout onto the screen's
 * surfaces (cst-statement-pages.h), so it shows what the PDF will hold
 * without making or parsing one.  Every edit of the template (sections
 * and their order, headings and wording, colours, language, type size)
 * makes a new statement and its pages off the main loop
 * (cst_statement_preview_async); a generation number drops renders that a
 * newer edit has overtaken, so typing never waits for the layout.  The
 * PDF is made, off the main loop too, only when the statement is
 * exported.  Saving stores the edited template as a new version in the
 * database; batch export writes one PDF per bill on a worker thread.
 */
#define G_LOG_DOMAIN "cst-statement-workbench"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cst-assistance-policy-dialog.h"
#include "cst-cell.h"
#include "cst-estimate-dialog.h"
#include "cst-letterhead-row.h"
#include "cst-pdf-preview.h"
#include "cst-plain-text.h"
#include "cst-statement-workbench.h"

#include <custodian/cst-assistance-repo.h>
#include <custodian/cst-bill.h>
#include <custodian/cst-error.h>
#include <custodian/cst-input.h>
#include <custodian/cst-locale-format.h>
#include <custodian/cst-private-file.h>
#include <custodian/cst-settings.h>
#include <custodian/cst-money.h>
#include <custodian/cst-statement-extras.h>
#include <custodian/cst-statement-pages.h>
#include <custodian/cst-statement-pdf.h>
#include <custodian/cst-statement-template-repo.h>

#define TARGET_GRADE 8.0
#define N_LANGUAGES 2

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
  GtkColorButton       *accent_button;
  GtkColorButton       *box_button;
  AdwPreferencesGroup  *headings_group;
  GtkDropDown          *wording_dropdown;
  AdwEntryRow          *wording_entry;
  AdwActionRow         *template_row;
  GtkLabel             *metrics_label;
  GtkLabel             *warnings_label;
  GtkLabel             *totals_label;
  GtkRevealer          *batch_bar;
  GtkProgressBar       *batch_progress;
  GtkLabel             *batch_report;
  GtkWidget            *batch_cancel;
  GtkWidget            *batch_close;
  CstPdfPreview        *preview;
  CstLetterheadRow     *letterhead_row;
  AdwActionRow         *remittance_row;
  AdwActionRow         *estimate_row;
  GtkSpinButton        *household_spin;
  GtkSpinButton        *income_spin;
  AdwActionRow         *screening_row;
  AdwActionRow         *pay_link_row;
  GtkSpinner           *busy_spinner;

  CstConnection        *connection;     /* NULL: shipped templates, no saving */
  CstFacility          *facility;       /* the chosen facility's details (the database's); NULL: none yet */
  CstAssistancePolicyVersion *policy;   /* the database's policy in effect today; NULL: the shipped one */
  CstBill              *bill;
  CstStatementRules    *rules;
  CstStatementTemplate *templates[N_LANGUAGES];  /* en, es: as stored (or shipped) */
  CstStatementTemplate *drafts[N_LANGUAGES];     /* the same with the designer's edits */
  guint                 edits[N_LANGUAGES];      /* edits since the last save */
  CstStatement         *statement;      /* the one shown */
  guint                 n_pages;        /* of its PDF, as rendered */
  GListStore           *line_items;     /* of GtkStringObject: row index as text */
  GtkMultiSelection    *line_selection;
  GPtrArray            *heading_rows;   /* of AdwEntryRow, in heading_keys order */
  GStrv                 wording_keys;   /* "Other wording": the key of each dropdown item */
  CstStatementSection   order[CST_N_SECTIONS];   /* every section, as listed */
  gboolean              shown[CST_N_SECTIONS];
  gboolean              loading_ui;     /* filling editors from a template: not an edit */
  guint                 render_id;
  guint                 generation;
  guint                 pending;
  gboolean              rerender;       /* an edit came while a render was running */
  guint                 renders;
  char                 *file_name;
  GCancellable         *batch_cancellable;
  gboolean              batch_running;
  char                 *batch_text;
  guint                 saving_edits[N_LANGUAGES];  /* edit counts when saving began */
  guint                 import_generation;  /* a newer import drops an older one */
  /* The patient's part (cst-statement-extras.h), applied to every render. */
  CstRemittance        *remittance;
  gboolean              has_estimate;
  CstEstimateSummary    estimate;
  gboolean              screened;
  CstAssistanceScreening screening;
  char                 *pay_link;
  guint                 busy;           /* file reads and pay links running */
  GCancellable         *cancellable;    /* cancelled when the window goes; kept until
                                         * finalize, so late callbacks can ask it */
};

G_DEFINE_FINAL_TYPE (CstStatementWorkbench, cst_statement_workbench, ADW_TYPE_WINDOW)

static const char *const languages[N_LANGUAGES + 1] = { "en", "es", NULL };

/* The wording keys that are section headings, with what they are for. */
static const struct
{
  const char *key;
  const char *label;
} heading_keys[] = {
  { "title", N_("Title") },
  { "how-heading", N_("How we got this amount") },
  { "categories-heading", N_("What the charges were for") },
  { "insurance-heading", N_("What insurance did") },
  { "pay-heading", N_("Ways to pay") },
  { "help-heading", N_("Financial assistance") },
  { "questions-heading", N_("Questions") },
  { "rights-heading", N_("Your rights") },
  { "glossary-heading", N_("Glossary") },
  { "remit-heading", N_("Remittance stub") },
  { "details-heading", N_("Details of your charges") },
};

static guint
current_language (CstStatementWorkbench *self)
{
  return MIN (gtk_drop_down_get_selected (self->language_dropdown), N_LANGUAGES - 1);
}

/* ---- rendering off the main loop ---------------------------------------- */

/* The render's generation rides in the callback's data. */
typedef struct
{
  CstStatementWorkbench *self;
  guint                  generation;
} RenderCall;

/* The reading score with the name of the formula that made it. */
static char *
readability_text (const CstReadability *r)
{
  if (!r->scored)
    return g_strdup (_("no reading-level formula fits this language"));
  if (r->formula == CST_READABILITY_INFLESZ)
    return g_strdup_printf (_("Szigriszt-Pazos readability %.0f on the INFLESZ scale (%s; "
                              "target %.0f or higher): %s · Fernández Huerta %.0f"),
                            r->perspicuity, cst_readability_inflesz_band (r->perspicuity),
                            CST_READABILITY_INFLESZ_TARGET,
                            cst_readability_meets_target (r) ? _("met") : _("not met"),
                            r->fernandez_huerta);
  return g_strdup_printf (_("Flesch-Kincaid reading grade %.1f (target %.0f or lower): %s · "
                            "Flesch reading ease %.0f"),
                          r->grade, TARGET_GRADE,
                          cst_readability_meets_target (r) ? _("met") : _("not met"),
                          r->reading_ease);
}

static void
show_metrics (CstStatementWorkbench *self)
{
  CstStatement *st = self->statement;
  g_autofree char *due = cst_locale_format_money (st->amount_due_cents);
  g_autofree char *detail = cst_locale_format_money (st->detail_total_cents);
  g_autofree char *resp = cst_locale_format_money (st->total_patient_resp_cents);
  g_autofree char *reading = readability_text (&st->readability);
  g_autofree char *metrics = NULL;
  g_autofree char *totals = NULL;
  g_autofree char *bill_lines = NULL, *items = NULL, *categories = NULL, *pages = NULL;
  g_autoptr(GString) warnings = g_string_new (NULL);

  /* The page count is the rendering's own, known with the PDF: the
   * preview counts pages only once it has opened the file. */
  bill_lines = g_strdup_printf (ngettext ("%u line on the bill", "%u lines on the bill",
                                          st->bill->lines->len), st->bill->lines->len);
  items = g_strdup_printf (ngettext ("%u line on the statement", "%u lines on the statement",
                                     st->items->len), st->items->len);
  categories = g_strdup_printf (ngettext ("%u category", "%u categories", st->categories->len),
                                st->categories->len);
  pages = g_strdup_printf (ngettext ("%u page", "%u pages", self->n_pages), self->n_pages);
  metrics = g_strdup_printf ("%s · %s · %s · %s · %s", bill_lines, items, categories, pages, reading);
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

/* A new row for a category: its label as the title, its amount as a
 * suffix that show_category() finds again. */
static GtkWidget *
new_category_row (void)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *amount = gtk_label_new (NULL);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), amount);
  g_object_set_data (G_OBJECT (row), "amount", amount);
  return row;
}

/* Shows @category in @row; FALSE if the row showed it already. */
static gboolean
show_category (AdwPreferencesRow          *row,
               const CstStatementCategory *category)
{
  GtkLabel *amount = g_object_get_data (G_OBJECT (row), "amount");
  g_autofree char *money = cst_locale_format_money (category->charges_cents);
  gboolean changed = FALSE;

  if (g_strcmp0 (adw_preferences_row_get_title (row), category->label) != 0)
    {
      adw_preferences_row_set_title (row, category->label);
      changed = TRUE;
    }
  if (g_strcmp0 (gtk_label_get_label (amount), money) != 0)
    {
      gtk_label_set_label (amount, money);
      changed = TRUE;
    }
  return changed;
}

/* The categories list follows the statement in place: most edits (a
 * heading, a colour) leave the categories as they were, and then no row
 * is made, removed or laid out again, and the selected one stays
 * selected.  When they did change, no row stays selected, as the
 * category it showed may be another now. */
static void
show_categories (CstStatementWorkbench *self)
{
  GPtrArray *categories = self->statement->categories;
  GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->categories_box));
  gboolean changed = FALSE;

  for (guint i = 0; i < categories->len; i++)
    {
      if (row == NULL)
        {
          row = new_category_row ();
          gtk_list_box_append (self->categories_box, row);
          changed = TRUE;
        }
      changed |= show_category (ADW_PREFERENCES_ROW (row), g_ptr_array_index (categories, i));
      row = gtk_widget_get_next_sibling (row);
    }
  while (row != NULL)
    {
      GtkWidget *next = gtk_widget_get_next_sibling (row);

      gtk_list_box_remove (self->categories_box, row);
      row = next;
      changed = TRUE;
    }
  if (changed)
    gtk_list_box_unselect_all (self->categories_box);
}

static gboolean render_now (gpointer user_data);
static void letterhead_changed_cb (CstStatementWorkbench *self);
static void edit_policy_action (GtkWidget *widget, const char *name, GVariant *param);

/* The draft as it prints: with the facility's details, which are the
 * database's and never part of a saved template version. */
static CstStatementTemplate *
printable_template (CstStatementWorkbench *self)
{
  CstStatementTemplate *tpl = cst_statement_template_copy (self->drafts[current_language (self)]);

  if (self->facility != NULL)
    cst_facility_apply_to_statement (self->facility, tpl);
  return tpl;
}

static void
rendered_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autofree RenderCall *call = user_data;
  g_autoptr(CstStatementWorkbench) self = call->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstPdfPages) pages = NULL;
  g_autoptr(CstStatement) statement = cst_statement_preview_finish (result, &pages, &error);

  self->pending--;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* Edits made meanwhile: this result is already stale; make the newest. */
  if (self->rerender && self->render_id == 0)
    {
      self->rerender = FALSE;
      render_now (self);
    }
  if (statement == NULL)
    {
      g_debug ("Render %u failed: %s", call->generation, error->message);
      if (call->generation == self->generation)
        adw_toast_overlay_add_toast (self->toasts, cst_toast_new_plain (error->message));
      return;
    }
  if (call->generation != self->generation)
    return;
  g_clear_pointer (&self->statement, cst_statement_unref);
  self->statement = g_steal_pointer (&statement);
  self->n_pages = cst_pdf_pages_get_n_pages (pages);
  self->renders++;
  cst_pdf_preview_load_pages (self->preview, pages);
  show_categories (self);
  show_metrics (self);
}

static gboolean
render_now (gpointer user_data)
{
  CstStatementWorkbench *self = user_data;
  g_autoptr(CstStatementTemplate) printable = NULL;
  RenderCall *call;

  self->render_id = 0;
  if (self->bill == NULL)
    return G_SOURCE_REMOVE;
  call = g_new0 (RenderCall, 1);
  call->self = g_object_ref (self);
  call->generation = ++self->generation;
  printable = printable_template (self);
  self->pending++;
  cst_statement_preview_async (self->bill, self->rules, printable,
                               &(CstStatementExtras) {
                                 self->remittance, NULL, self->has_estimate ? &self->estimate : NULL,
                                 self->screened ? &self->screening : NULL, self->pay_link,
                               }, (guint) cst_pdf_preview_get_page (self->preview),
                               cst_pdf_preview_get_scale (self->preview),
                               self->cancellable, rendered_cb, call);
  return G_SOURCE_REMOVE;
}

/* At most one render runs; edits during it are merged into the next one,
 * so fast typing costs one render per render time, not one per key.  With
 * nothing running, the render starts before the next frame is drawn (no
 * debounce delay: bench/statements measures edit → preview); edits made
 * in the same main-loop turn (both languages, several rows) share it.
 * That frame waits for the page, up to a refresh interval, so the edit
 * and its page are drawn together (cst_pdf_preview_expect_pages). */
static void
queue_render (CstStatementWorkbench *self)
{
  if (self->bill != NULL)
    cst_pdf_preview_expect_pages (self->preview);
  if (self->pending > 0)
    {
      self->generation++;       /* whatever is running is stale now */
      self->rerender = TRUE;
      return;
    }
  if (self->render_id == 0)
    self->render_id = g_idle_add_full (G_PRIORITY_HIGH, render_now, self, NULL);
}

/* ---- editing the template ----------------------------------------------- */

static void
show_template_state (CstStatementWorkbench *self)
{
  guint lang = current_language (self);
  g_autofree char *subtitle = NULL;
  gboolean dirty = self->edits[0] > 0 || self->edits[1] > 0;
  int version = cst_statement_template_get_version (self->templates[lang]);

  if (version == 0)
    subtitle = g_strdup (self->connection ? _("Not stored yet") :
                         _("Shipped with Custodian (no database: cannot be saved)"));
  else
    subtitle = g_strdup_printf (_("Version %d"), version);
  if (dirty)
    {
      char *more = g_strdup_printf (_("%s · unsaved changes"), subtitle);
      g_free (subtitle);
      subtitle = more;
    }
  adw_action_row_set_subtitle (self->template_row, subtitle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "workbench.save-template",
                                 self->connection != NULL && dirty);
}

/* An edit of draft @lang: it is no longer the stored version, so a
 * statement made from it is not attributed to one (record refuses it). */
static void
draft_edited (CstStatementWorkbench *self,
              guint                  lang)
{
  self->edits[lang]++;
  cst_statement_template_set_version (self->drafts[lang], 0, 0);
}

/* Layout (sections, colours, type size) is the same in both languages. */
static void
set_layout_value (CstStatementWorkbench *self,
                  const char            *key,
                  const char            *value)
{
  g_autoptr(GError) error = NULL;

  if (self->loading_ui)
    return;
  for (guint lang = 0; lang < N_LANGUAGES; lang++)
    {
      if (!cst_statement_template_set_string (self->drafts[lang], "template", key, value, &error))
        {
          adw_toast_overlay_add_toast (self->toasts, cst_toast_new_plain (error->message));
          return;
        }
      draft_edited (self, lang);
    }
  show_template_state (self);
  queue_render (self);
}

static void
apply_sections (CstStatementWorkbench *self)
{
  CstStatementSection list[CST_N_SECTIONS];
  guint n = 0;

  for (guint i = 0; i < CST_N_SECTIONS; i++)
    if (self->shown[self->order[i]])
      list[n++] = self->order[i];
  for (guint lang = 0; lang < N_LANGUAGES; lang++)
    {
      g_autoptr(GError) error = NULL;

      if (!cst_statement_template_set_sections (self->drafts[lang], list, n, &error))
        {
          adw_toast_overlay_add_toast (self->toasts, cst_toast_new_plain (error->message));
          continue;
        }
      draft_edited (self, lang);
    }
  show_template_state (self);
  queue_render (self);
}

static void
font_size_changed_cb (CstStatementWorkbench *self)
{
  g_autofree char *size = g_strdup_printf ("%d", gtk_spin_button_get_value_as_int (self->font_spin));

  set_layout_value (self, "body-font-size", size);
}

static void
color_changed_cb (CstStatementWorkbench *self,
                  GParamSpec            *pspec,
                  GtkColorButton        *button)
{
  GdkRGBA rgba;
  g_autofree char *hex = NULL;

  gtk_color_chooser_get_rgba (GTK_COLOR_CHOOSER (button), &rgba);
  hex = g_strdup_printf ("#%02X%02X%02X", (guint) (rgba.red * 255 + 0.5),
                         (guint) (rgba.green * 255 + 0.5), (guint) (rgba.blue * 255 + 0.5));
  set_layout_value (self, button == self->accent_button ? "color-accent" : "color-box", hex);
}

static void
set_wording (CstStatementWorkbench *self,
             const char            *key,
             const char            *text)
{
  guint lang = current_language (self);

  if (self->loading_ui ||
      g_strcmp0 (cst_statement_template_get_text (self->drafts[lang], key), text) == 0)
    return;
  cst_statement_template_set_string (self->drafts[lang], "wording", key, text, NULL);
  draft_edited (self, lang);
  show_template_state (self);
  queue_render (self);
}

static void
heading_changed_cb (GtkEditable           *entry,
                    CstStatementWorkbench *self)
{
  set_wording (self, g_object_get_data (G_OBJECT (entry), "key"), gtk_editable_get_text (entry));
}

/* The dropdown shows what each wording is for; the key stays behind it. */
static const char *
selected_wording_key (CstStatementWorkbench *self)
{
  guint selected = gtk_drop_down_get_selected (self->wording_dropdown);

  if (self->wording_keys == NULL || selected >= g_strv_length (self->wording_keys))
    return NULL;
  return self->wording_keys[selected];
}

static void
wording_changed_cb (CstStatementWorkbench *self)
{
  const char *key = selected_wording_key (self);

  if (key != NULL)
    set_wording (self, key, gtk_editable_get_text (GTK_EDITABLE (self->wording_entry)));
}

static void
wording_key_changed_cb (CstStatementWorkbench *self)
{
  const char *key = selected_wording_key (self);
  gboolean was_loading = self->loading_ui;

  self->loading_ui = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->wording_entry),
                         key ? cst_statement_template_get_text (self->drafts[current_language (self)], key)
                             : "");
  self->loading_ui = was_loading;
}

static void
set_color_button (GtkColorButton *button,
                  guint32         rgb)
{
  GdkRGBA rgba = { ((rgb >> 16) & 0xFF) / 255.0, ((rgb >> 8) & 0xFF) / 255.0,
                   (rgb & 0xFF) / 255.0, 1.0 };

  gtk_color_chooser_set_rgba (GTK_COLOR_CHOOSER (button), &rgba);
}

/* Fills the editors from the current draft; not counted as edits. */
static void
load_editors (CstStatementWorkbench *self)
{
  CstStatementTemplate *draft = self->drafts[current_language (self)];

  self->loading_ui = TRUE;
  gtk_spin_button_set_value (self->font_spin, cst_statement_template_get_font_size (draft));
  set_color_button (self->accent_button, cst_statement_template_get_color (draft, "accent"));
  set_color_button (self->box_button, cst_statement_template_get_color (draft, "box"));
  for (guint i = 0; i < self->heading_rows->len; i++)
    gtk_editable_set_text (g_ptr_array_index (self->heading_rows, i),
                           cst_statement_template_get_text (draft, heading_keys[i].key));
  self->loading_ui = FALSE;
  wording_key_changed_cb (self);
  show_template_state (self);
}

static void
language_changed_cb (CstStatementWorkbench *self)
{
  load_editors (self);
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

static char *
line_text (GtkListItem *item,
           guint        column,
           gpointer     user_data)
{
  CstBillLine *line = line_at (user_data, item);

  if (line == NULL)
    return NULL;
  switch (column)
    {
    case 0:
      return g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (&line->service_date),
                              g_date_get_month (&line->service_date), g_date_get_day (&line->service_date));
    case 1: return g_strdup_printf ("%s %s", line->revenue_code, line->cpt_hcpcs);
    case 2: return g_strdup (line->description);
    case 3: return cst_locale_format_money (line->charge_cents);
    case 4: return cst_locale_format_money (line->insurer_paid_cents);
    case 5: return cst_locale_format_money (line->adjustment_cents);
    default: return cst_locale_format_money (line->patient_resp_cents);
    }
}

static void
build_line_columns (CstStatementWorkbench *self)
{
  const char *titles[] = { N_("Date"), N_("Codes"), N_("Description"), N_("Charge"),
                           N_("Insurance paid"), N_("Adjustment"), N_("You owe") };

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      GtkListItemFactory *factory = cst_cell_factory_new (i, 0, FALSE, line_text, self);
      g_autoptr(GtkColumnViewColumn) column = NULL;

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

/* What the clerk's own import shows when it fails. */
static void
import_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  CstStatementWorkbench *self = CST_STATEMENT_WORKBENCH (object);
  g_autoptr(GError) error = NULL;

  if (!cst_statement_workbench_import_file_finish (self, result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    adw_toast_overlay_add_toast (self->toasts, cst_toast_new_plain (error->message));
}

static void
open_response_cb (GtkNativeDialog       *chooser,
                  int                    response,
                  CstStatementWorkbench *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      cst_statement_workbench_import_file_async (self, file, NULL, import_done_cb, NULL);
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
  gboolean written = cst_private_file_write_finish (result, &error);

  /* The file the clerk asked for is written even when the window went
   * meanwhile (so the write is not cancelled); only the toast is not. */
  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  if (!written)
    adw_toast_overlay_add_toast (self->toasts, cst_toast_new_plain (error->message));
  else
    adw_toast_overlay_add_toast (self->toasts, cst_toast_new_plain (_("Statement exported")));
}

typedef struct
{
  CstStatementWorkbench *self;
  GFile                 *file;
} ExportCall;

static void
export_pdf_made_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  ExportCall *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = cst_statement_render_pdf_finish (result, &error);

  if (pdf != NULL)
    cst_private_file_write_async (call->file, pdf, NULL, exported_cb, g_steal_pointer (&call->self));
  else if (!g_cancellable_is_cancelled (call->self->cancellable))
    adw_toast_overlay_add_toast (call->self->toasts, cst_toast_new_plain (error->message));
  g_clear_object (&call->self);
  g_object_unref (call->file);
  g_free (call);
}

/**
 * cst_statement_workbench_export_to:
 *
 * Writes the statement shown to @file, readable by its owner only (it
 * names the patient); what choosing a file in Export does.  Its PDF is
 * made now, off the main loop (the preview is drawn without one), and
 * written even if the window closes meanwhile.
 */
void
cst_statement_workbench_export_to (CstStatementWorkbench *self,
                                   GFile                 *file)
{
  ExportCall *call;

  if (self->statement == NULL)
    return;
  call = g_new0 (ExportCall, 1);
  call->self = g_object_ref (self);
  call->file = g_object_ref (file);
  cst_statement_render_pdf_async (self->statement, NULL, export_pdf_made_cb, call);
}

static void
export_response_cb (GtkNativeDialog       *chooser,
                    int                    response,
                    CstStatementWorkbench *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      cst_statement_workbench_export_to (self, file);
    }
  g_object_unref (chooser);
}

static void
export_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CstStatementWorkbench *self = CST_STATEMENT_WORKBENCH (widget);
  GtkFileChooserNative *chooser;

  if (self->statement == NULL)
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

/* ---- batch export -------------------------------------------------------- */

static void
batch_progress_cb (guint    done,
                   guint    total,
                   gpointer user_data)
{
  CstStatementWorkbench *self = user_data;
  g_autofree char *text = g_strdup_printf (ngettext ("%u of %u bill", "%u of %u bills", total), done, total);

  gtk_progress_bar_set_fraction (self->batch_progress, total ? (double) done / total : 1.0);
  gtk_progress_bar_set_text (self->batch_progress, text);
}

static void
show_batch_result (CstStatementWorkbench   *self,
                   CstStatementBatchResult *result,
                   guint                    total)
{
  g_autoptr(GString) report = g_string_new (NULL);
  g_autofree char *exported = NULL;
  g_autofree char *summary = NULL;

  for (guint i = 0; i < result->failures->len; i++)
    g_string_append_printf (report, "%s%s", i ? "\n" : "", (char *) g_ptr_array_index (result->failures, i));
  /* Each count with its own plural: "1 statement exported; 2 bills …". */
  exported = g_strdup_printf (ngettext ("%u statement exported", "%u statements exported",
                                        result->written->len), result->written->len);
  if (result->cancelled)
    summary = g_strdup_printf (ngettext ("Batch export cancelled: %u of %u statement exported",
                                         "Batch export cancelled: %u of %u statements exported", total),
                               result->written->len, total);
  else if (result->failures->len > 0)
    summary = g_strdup_printf (ngettext ("%s; %u bill could not be read",
                                         "%s; %u bills could not be read", result->failures->len),
                               exported, result->failures->len);
  else
    summary = g_steal_pointer (&exported);
  g_free (self->batch_text);
  self->batch_text = g_strdup (report->str);
  gtk_label_set_label (self->batch_report, report->str);
  gtk_widget_set_visible (GTK_WIDGET (self->batch_report), report->len > 0);
  gtk_progress_bar_set_text (self->batch_progress, summary);
  adw_toast_overlay_add_toast (self->toasts, cst_toast_new_plain (summary));
  /* Problems stay on screen until closed; a clean batch folds away. */
  if (report->len == 0)
    gtk_revealer_set_reveal_child (self->batch_bar, FALSE);
}

static void
batch_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  CstStatementWorkbench *self = CST_STATEMENT_WORKBENCH (object);
  guint total = GPOINTER_TO_UINT (user_data);
  g_autoptr(GError) error = NULL;
  g_autoptr(CstStatementBatchResult) batch = cst_statement_export_batch_finish (result, &error);

  self->batch_running = FALSE;
  g_clear_object (&self->batch_cancellable);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "workbench.cancel-batch", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "workbench.batch-export", TRUE);
  gtk_widget_set_visible (self->batch_cancel, FALSE);
  gtk_widget_set_visible (self->batch_close, TRUE);
  if (batch == NULL)
    {
      adw_toast_overlay_add_toast (self->toasts, cst_toast_new_plain (error->message));
      return;
    }
  show_batch_result (self, batch, total);
}

static void
batch_close_cb (CstStatementWorkbench *self)
{
  gtk_revealer_set_reveal_child (self->batch_bar, FALSE);
}

static void
cancel_batch_action (GtkWidget  *widget,
                     const char *name,
                     GVariant   *param)
{
  cst_statement_workbench_cancel_batch (CST_STATEMENT_WORKBENCH (widget));
}

static void
folder_response_cb (GtkNativeDialog       *chooser,
                    int                    response,
                    CstStatementWorkbench *self)
{
  GListModel *bills = g_object_get_data (G_OBJECT (chooser), "bills");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      cst_statement_workbench_export_batch (self, bills, folder);
    }
  g_object_unref (chooser);
}

static void
bills_response_cb (GtkNativeDialog       *chooser,
                   int                    response,
                   CstStatementWorkbench *self)
{
  GtkFileChooserNative *folder_chooser;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      folder_chooser = gtk_file_chooser_native_new (_("Folder for the Statements"), GTK_WINDOW (self),
                                                    GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                                    _("_Export Here"), _("_Cancel"));
      g_object_set_data_full (G_OBJECT (folder_chooser), "bills",
                              gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser)), g_object_unref);
      g_signal_connect (folder_chooser, "response", G_CALLBACK (folder_response_cb), self);
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (folder_chooser));
    }
  g_object_unref (chooser);
}

static void
batch_export_action (GtkWidget  *widget,
                     const char *name,
                     GVariant   *param)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_("Bills to Export"),
                                                               GTK_WINDOW (widget),
                                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                                               _("_Choose"), _("_Cancel"));
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  gtk_file_filter_set_name (filter, _("Itemized bills (CSV)"));
  gtk_file_filter_add_suffix (filter, "csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (bills_response_cb), widget);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static gboolean
drop_cb (GtkDropTarget         *target,
         const GValue          *value,
         double                 x,
         double                 y,
         CstStatementWorkbench *self)
{
  if (!G_VALUE_HOLDS (value, G_TYPE_FILE))
    return FALSE;
  /* Read off the main loop; a defective file is reported when known. */
  cst_statement_workbench_import_file_async (self, g_value_get_object (value), NULL, import_done_cb, NULL);
  return TRUE;
}

/* ---- sections: on/off and order ---------------------------------------- */

/* The amount due and the financial-assistance notice cannot be left out
 * (statement-spec 3.1; the template refuses it too). */
static gboolean
section_required (CstStatementSection section)
{
  return section == CST_SECTION_AMOUNT_DUE || section == CST_SECTION_HELP_PAYING;
}

static guint
position_of (CstStatementWorkbench *self,
             CstStatementSection    section)
{
  for (guint i = 0; i < CST_N_SECTIONS; i++)
    if (self->order[i] == section)
      return i;
  g_return_val_if_reached (0);
}

static GtkWidget *
row_part (GtkWidget  *row,
          const char *name)
{
  return g_object_get_data (G_OBJECT (row), name);
}

/* The first row cannot go up, the last cannot go down. */
static void
update_move_buttons (CstStatementWorkbench *self)
{
  for (guint i = 0; i < CST_N_SECTIONS; i++)
    {
      GtkWidget *row = GTK_WIDGET (gtk_list_box_get_row_at_index (self->sections_box, (int) i));

      gtk_widget_set_sensitive (row_part (row, "up"), i > 0);
      gtk_widget_set_sensitive (row_part (row, "down"), i + 1 < CST_N_SECTIONS);
    }
}

static void
section_toggled_cb (GtkSwitch             *toggle,
                    GParamSpec            *pspec,
                    CstStatementWorkbench *self)
{
  CstStatementSection section = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (toggle), "section"));

  self->shown[section] = gtk_switch_get_active (toggle);
  if (!self->loading_ui)
    apply_sections (self);
}

static void
move_clicked_cb (GtkButton             *button,
                 CstStatementWorkbench *self)
{
  CstStatementSection section = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "section"));
  int delta = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "delta"));

  cst_statement_workbench_move_section (self, section, delta);
}

static GtkWidget *
move_button (CstStatementSection    section,
             int                    delta,
             CstStatementWorkbench *self)
{
  GtkWidget *button = gtk_button_new_from_icon_name (delta < 0 ? "go-up-symbolic" : "go-down-symbolic");
  g_autofree char *label = g_strdup_printf (delta < 0 ? _("Move “%s” up") : _("Move “%s” down"),
                                            cst_statement_section_get_label (section));

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_object_set_data (G_OBJECT (button), "section", GINT_TO_POINTER (section));
  g_object_set_data (G_OBJECT (button), "delta", GINT_TO_POINTER (delta));
  g_signal_connect (button, "clicked", G_CALLBACK (move_clicked_cb), self);
  return button;
}

static GtkWidget *
section_row (CstStatementWorkbench *self,
             CstStatementSection    section)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *toggle = gtk_switch_new ();
  GtkWidget *up = move_button (section, -1, self);
  GtkWidget *down = move_button (section, +1, self);

  gtk_switch_set_active (GTK_SWITCH (toggle), self->shown[section]);
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  gtk_widget_set_sensitive (toggle, !section_required (section));
  if (section_required (section))
    gtk_widget_set_tooltip_text (toggle, _("Every statement must show this section"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  cst_statement_section_get_label (section), -1);
  g_object_set_data (G_OBJECT (toggle), "section", GINT_TO_POINTER (section));
  g_signal_connect (toggle, "notify::active", G_CALLBACK (section_toggled_cb), self);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), cst_statement_section_get_label (section));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), up);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), down);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
  g_object_set_data (G_OBJECT (row), "section", GINT_TO_POINTER (section));
  g_object_set_data (G_OBJECT (row), "toggle", toggle);
  g_object_set_data (G_OBJECT (row), "up", up);
  g_object_set_data (G_OBJECT (row), "down", down);
  return row;
}

/* The order of a template: its sections as listed, then the ones it
 * leaves out (switched off) in their usual place. */
static void
order_from_template (CstStatementWorkbench *self,
                     CstStatementTemplate  *tpl)
{
  guint n_listed = 0, n = 0;
  const CstStatementSection *listed = cst_statement_template_get_sections (tpl, &n_listed);

  memset (self->shown, 0, sizeof self->shown);
  for (guint i = 0; i < n_listed; i++)
    {
      self->order[n++] = listed[i];
      self->shown[listed[i]] = TRUE;
    }
  for (int s = 0; s < CST_N_SECTIONS; s++)
    if (!self->shown[s])
      self->order[n++] = (CstStatementSection) s;
}

static void
build_section_rows (CstStatementWorkbench *self)
{
  self->loading_ui = TRUE;
  for (GtkWidget *row; (row = gtk_widget_get_first_child (GTK_WIDGET (self->sections_box)));)
    gtk_list_box_remove (self->sections_box, row);
  for (guint i = 0; i < CST_N_SECTIONS; i++)
    gtk_list_box_append (self->sections_box, section_row (self, self->order[i]));
  update_move_buttons (self);
  self->loading_ui = FALSE;
}

/* Alt+Up / Alt+Down move the section whose row has the keyboard focus. */
static gboolean
move_focused_section (GtkWidget *widget,
                      GVariant  *args,
                      gpointer   user_data)
{
  CstStatementWorkbench *self = user_data;
  GtkWidget *row = gtk_widget_get_focus_child (GTK_WIDGET (self->sections_box));

  if (row == NULL)
    return FALSE;
  cst_statement_workbench_move_section (self, GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "section")),
                                        g_variant_get_int32 (args));
  return TRUE;
}

static void
add_move_shortcuts (CstStatementWorkbench *self)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();

  for (int delta = -1; delta <= 1; delta += 2)
    {
      GtkShortcut *shortcut = gtk_shortcut_new (
        gtk_keyval_trigger_new (delta < 0 ? GDK_KEY_Up : GDK_KEY_Down, GDK_ALT_MASK),
        gtk_callback_action_new (move_focused_section, self, NULL));
      gtk_shortcut_set_arguments (shortcut, g_variant_new_int32 (delta));
      gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller), shortcut);
    }
  gtk_widget_add_controller (GTK_WIDGET (self->sections_box), controller);
}

/* A colour button is a button inside a widget: screen readers reach the
 * inner button, so it carries the outer one's name. */
static void
name_color_button (GtkColorButton *button,
                   const char     *name)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (button)); child;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_BUTTON (child))
      gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

static void
build_heading_rows (CstStatementWorkbench *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (heading_keys); i++)
    {
      GtkWidget *row = adw_entry_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(heading_keys[i].label));
      g_object_set_data (G_OBJECT (row), "key", (gpointer) heading_keys[i].key);
      g_signal_connect (row, "changed", G_CALLBACK (heading_changed_cb), self);
      adw_preferences_group_add (self->headings_group, row);
      g_ptr_array_add (self->heading_rows, row);
    }
}

/* Every wording of the template, for "Other wording", by what it is for
 * (cst_statement_wording_get_label); a key this version does not know is
 * not printed anywhere, so it is not offered. */
static void
fill_wording_keys (CstStatementWorkbench *self)
{
  g_autofree char *data = cst_statement_template_to_data (self->drafts[0], NULL);
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_auto(GStrv) keys = NULL;
  g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);
  g_autoptr(GStrvBuilder) known = g_strv_builder_new ();

  g_key_file_load_from_data (file, data, -1, G_KEY_FILE_NONE, NULL);
  keys = g_key_file_get_keys (file, "wording", NULL, NULL);
  for (guint i = 0; keys && keys[i]; i++)
    {
      const char *label = cst_statement_wording_get_label (keys[i]);

      if (label == NULL)
        continue;
      gtk_string_list_append (list, label);
      g_strv_builder_add (known, keys[i]);
    }
  g_strfreev (self->wording_keys);
  self->wording_keys = g_strv_builder_end (known);
  gtk_drop_down_set_model (self->wording_dropdown, G_LIST_MODEL (list));
}

/* ---- templates in the database ------------------------------------------ */

/* @templates: one per language, in the order of languages[] */
static void
adopt_templates (CstStatementWorkbench *self,
                 GPtrArray             *templates)
{
  for (guint i = 0; i < N_LANGUAGES; i++)
    {
      g_clear_pointer (&self->templates[i], cst_statement_template_unref);
      g_clear_pointer (&self->drafts[i], cst_statement_template_unref);
      self->templates[i] = cst_statement_template_ref (g_ptr_array_index (templates, i));
      self->drafts[i] = cst_statement_template_copy (g_ptr_array_index (templates, i));
      self->edits[i] = 0;
    }
  order_from_template (self, self->drafts[0]);
  build_section_rows (self);
  load_editors (self);
  queue_render (self);
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CstStatementWorkbench) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) templates = cst_statement_template_repo_load_current_finish (CST_CONNECTION (object),
                                                                                    result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (templates == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Using the shipped templates: %s"), error->message);
      adw_toast_overlay_add_toast (self->toasts, cst_toast_new_plain (text));
      return;
    }
  /* Edits made while loading win: they are the designer's work. */
  if (self->edits[0] == 0 && self->edits[1] == 0)
    adopt_templates (self, templates);
}

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(CstStatementWorkbench) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) saved = cst_statement_template_repo_save_finish (CST_CONNECTION (object), result,
                                                                         &error);
  g_autoptr(GString) text = g_string_new (NULL);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (saved == NULL)
    {
      adw_toast_overlay_add_toast (self->toasts, cst_toast_new_plain (error->message));
      show_template_state (self);
      return;
    }
  for (guint i = 0; i < N_LANGUAGES; i++)
    {
      CstStatementTemplate *stored = g_ptr_array_index (saved, i);

      if (stored == NULL)
        continue;
      g_clear_pointer (&self->templates[i], cst_statement_template_unref);
      self->templates[i] = cst_statement_template_ref (stored);
      /* Typed on while saving: the draft is still ahead of the store. */
      if (self->edits[i] == self->saving_edits[i])
        {
          self->edits[i] = 0;
          cst_statement_template_set_version (self->drafts[i],
                                              cst_statement_template_get_version_id (stored),
                                              cst_statement_template_get_version (stored));
        }
      g_string_append_printf (text, "%s%s %d", text->len ? ", " : "",
                              i == 0 ? _("English version") : _("Spanish version"),
                              cst_statement_template_get_version (stored));
    }
  g_string_prepend (text, _("Template saved: "));
  adw_toast_overlay_add_toast (self->toasts, cst_toast_new_plain (text->str));
  show_template_state (self);
  queue_render (self);     /* the statement now names its stored version */
}

static void
save_template_action (GtkWidget  *widget,
                      const char *name,
                      GVariant   *param)
{
  CstStatementWorkbench *self = CST_STATEMENT_WORKBENCH (widget);
  g_autoptr(GPtrArray) edited = NULL;

  if (self->connection == NULL)
    return;
  edited = g_ptr_array_new ();
  for (guint i = 0; i < N_LANGUAGES; i++)
    {
      /* Only the edited languages get a new version. */
      g_ptr_array_add (edited, self->edits[i] > 0 ? self->drafts[i] : NULL);
      self->saving_edits[i] = self->edits[i];
    }
  gtk_widget_action_set_enabled (widget, "workbench.save-template", FALSE);
  cst_statement_template_repo_save_async (self->connection, edited, "edited in the statement workbench",
                                           self->cancellable, saved_cb, g_object_ref (self));
}

/* ---- GObject ------------------------------------------------------------- */

/* ---- The patient's part: remittance, estimate, screening, pay link ------- */

static void
set_busy (CstStatementWorkbench *self,
          gboolean               busy)
{
  self->busy = busy ? self->busy + 1 : self->busy - 1;
  gtk_spinner_set_spinning (self->busy_spinner, self->busy > 0);
}

/* How every patient job ends: nothing more once the window went (its rows
 * are gone), the spinner told, a failure named in a toast after @refused
 * (a format with one %s).  Returns TRUE when the result may be used. */
static gboolean
patient_job_done (CstStatementWorkbench  *self,
                  GTask                  *task,
                  GError                **error,
                  const char             *refused)
{
  g_autofree char *shown = NULL;

  if (g_cancellable_is_cancelled (self->cancellable))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "closed");
      return FALSE;
    }
  set_busy (self, FALSE);
  if (*error == NULL)
    return TRUE;
  shown = g_strdup_printf (refused, (*error)->message);
  adw_toast_overlay_add_toast (self->toasts, cst_toast_new_plain (shown));
  g_task_return_error (task, g_steal_pointer (error));
  return FALSE;
}

static void
remittance_loaded_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CstStatementWorkbench *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(CstRemittance) remittance = cst_remittance_load_file_finish (result, &error);

  if (!patient_job_done (self, task, &error, _("The remittance was not used: %s")))
    return;
  g_clear_pointer (&self->remittance, cst_remittance_unref);
  self->remittance = g_steal_pointer (&remittance);
  adw_action_row_set_subtitle (self->remittance_row, self->remittance->payer);
  queue_render (self);
  g_task_return_boolean (task, TRUE);
}

/**
 * cst_statement_workbench_load_remittance_async:
 *
 * Reads the payer's remittance (X12 835 or CARIN ExplanationOfBenefit) on
 * a worker thread and explains the statement with it; a file that does
 * not parse or balance is named in a toast and the statement is left as
 * it was.  A claim that is not the bill's shows its error when the
 * statement is made (the render's toast).
 */
void
cst_statement_workbench_load_remittance_async (CstStatementWorkbench *self,
                                               GFile                 *file,
                                               GAsyncReadyCallback    callback,
                                               gpointer               user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);

  set_busy (self, TRUE);
  cst_remittance_load_file_async (file, self->cancellable, remittance_loaded_cb, task);
}

gboolean
cst_statement_workbench_load_remittance_finish (CstStatementWorkbench *self,
                                                GAsyncResult          *result,
                                                GError               **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
estimate_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CstStatementWorkbench *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  CstEstimateSummary summary;
  g_autofree char *amount = NULL, *subtitle = NULL;

  cst_estimate_summary_load_file_finish (result, &summary, &error);
  if (!patient_job_done (self, task, &error, _("The estimate was not used: %s")))
    return;
  self->estimate = summary;
  self->has_estimate = TRUE;
  amount = cst_money_format (summary.estimate_cents);
  subtitle = summary.self_pay ? g_strdup_printf (_("Good Faith Estimate: %s"), amount)
                              : g_strdup_printf (_("Estimated patient share: %s"), amount);
  adw_action_row_set_subtitle (self->estimate_row, subtitle);
  queue_render (self);
  g_task_return_boolean (task, TRUE);
}

/**
 * cst_statement_workbench_load_estimate_async:
 *
 * Reads the visit's estimate (the JSON an estimate was saved with) on a
 * worker thread and compares the statement with it.
 */
void
cst_statement_workbench_load_estimate_async (CstStatementWorkbench *self,
                                             GFile                 *file,
                                             GAsyncReadyCallback    callback,
                                             gpointer               user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);

  set_busy (self, TRUE);
  cst_estimate_summary_load_file_async (file, self->cancellable, estimate_loaded_cb, task);
}

gboolean
cst_statement_workbench_load_estimate_finish (CstStatementWorkbench *self,
                                              GAsyncResult          *result,
                                              GError               **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * cst_statement_workbench_screen:
 *
 * Screens the household on the bill's statement date under the
 * hospital's policy (the database's in effect today, read when the
 * connection is set; the shipped one without a database), says the
 * result in plain words and, when eligible, applies it.
 *
 * Returns: FALSE with a toast when the screening could not be made
 */
gboolean
cst_statement_workbench_screen (CstStatementWorkbench *self,
                                guint                  household_size,
                                gint64                 income_cents)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstAssistancePolicy) policy = self->policy != NULL
                                          ? cst_assistance_policy_ref (self->policy->policy)
                                          : cst_assistance_policy_new_default (&error);
  g_auto(CstAssistanceScreening) screening = { 0 };
  g_autofree char *said = NULL;
  GDate today;

  cst_input_today (&today);
  if (policy == NULL ||
      !cst_assistance_screen (policy, household_size, income_cents,
                              self->bill ? &self->bill->statement_date : &today, &screening, &error))
    {
      adw_toast_overlay_add_toast (self->toasts, cst_toast_new_plain (error->message));
      return FALSE;
    }
  said = cst_assistance_screening_describe (&screening);
  adw_action_row_set_subtitle (self->screening_row, said);
  cst_assistance_screening_clear (&self->screening);
  cst_assistance_screening_copy (&screening, &self->screening);
  self->screened = TRUE;
  queue_render (self);
  return TRUE;
}

const char *
cst_statement_workbench_get_screening_text (CstStatementWorkbench *self)
{
  return adw_action_row_get_subtitle (self->screening_row);
}

static void
screen_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CstStatementWorkbench *self = CST_STATEMENT_WORKBENCH (widget);
  double dollars = gtk_spin_button_get_value (self->income_spin);

  cst_statement_workbench_screen (self, (guint) gtk_spin_button_get_value_as_int (self->household_spin),
                                  (gint64) (dollars * 100.0 + 0.5));
}

static void
pay_link_issued_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CstStatementWorkbench *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *link = cst_statement_issue_pay_link_finish (CST_CONNECTION (object), result, &error);

  if (!patient_job_done (self, task, &error, _("No pay link was issued: %s")))
    return;
  g_free (self->pay_link);
  self->pay_link = g_strdup (link);
  adw_action_row_set_subtitle (self->pay_link_row, link);
  queue_render (self);
  g_task_return_boolean (task, TRUE);
}

/**
 * cst_statement_workbench_issue_pay_link_async:
 *
 * Issues the shown statement's own pay link on the database thread; the
 * statement is made again with it, so the preview shows the link and its
 * QR code.
 */
void
cst_statement_workbench_issue_pay_link_async (CstStatementWorkbench *self,
                                              GAsyncReadyCallback    callback,
                                              gpointer               user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);

  if (self->connection == NULL || self->statement == NULL)
    {
      const char *why = self->connection == NULL ? _("No pay link without the database: connect first.")
                                                 : _("No pay link yet: import a bill first.");
      adw_toast_overlay_add_toast (self->toasts, cst_toast_new_plain (why));
      g_task_return_new_error (task, CST_ERROR, CST_ERROR_INVALID_INPUT, "%s", why);
      g_object_unref (task);
      return;
    }
  set_busy (self, TRUE);
  cst_statement_issue_pay_link_async (self->connection, self->statement, self->cancellable,
                                      pay_link_issued_cb, task);
}

gboolean
cst_statement_workbench_issue_pay_link_finish (CstStatementWorkbench *self,
                                               GAsyncResult          *result,
                                               GError               **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
issue_pay_link_action (GtkWidget *widget, const char *name, GVariant *param)
{
  cst_statement_workbench_issue_pay_link_async (CST_STATEMENT_WORKBENCH (widget), NULL, NULL);
}

typedef void (*LoadFunc) (CstStatementWorkbench *, GFile *, GAsyncReadyCallback, gpointer);

static void
extra_response_cb (GtkNativeDialog *chooser,
                   int              response,
                   gpointer         user_data)
{
  CstStatementWorkbench *self = CST_STATEMENT_WORKBENCH (gtk_native_dialog_get_transient_for (chooser));
  LoadFunc load = (LoadFunc) user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      load (self, file, NULL, NULL);
    }
  g_object_unref (chooser);
}

static void
choose_extra (GtkWidget  *widget,
              const char *title,
              LoadFunc    load)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (widget),
                                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                                               _("_Open"), _("_Cancel"));

  g_signal_connect (chooser, "response", G_CALLBACK (extra_response_cb), (gpointer) load);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
open_remittance_action (GtkWidget *widget, const char *name, GVariant *param)
{
  choose_extra (widget, _("Open the Payer’s Remittance"), cst_statement_workbench_load_remittance_async);
}

static void
open_estimate_action (GtkWidget *widget, const char *name, GVariant *param)
{
  choose_extra (widget, _("Open the Visit’s Estimate"), cst_statement_workbench_load_estimate_async);
}

/* A saved estimate is the visit's estimate this statement is compared with. */
static void
estimate_saved_cb (CstStatementWorkbench *self,
                   GFile                 *json)
{
  cst_statement_workbench_load_estimate_async (self, json, NULL, NULL);
}

/**
 * cst_statement_workbench_new_estimate:
 *
 * Opens the estimate dialog on the workbench's connection (the price list
 * in effect is the database's); the estimate it saves becomes the visit's
 * estimate here.
 *
 * Returns: (transfer none): the dialog, presented
 */
GtkWindow *
cst_statement_workbench_new_estimate (CstStatementWorkbench *self)
{
  CstEstimateDialog *dialog = cst_estimate_dialog_new (GTK_WINDOW (self), self->connection);

  g_signal_connect_object (dialog, "saved", G_CALLBACK (estimate_saved_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
  return GTK_WINDOW (dialog);
}

static void
new_estimate_action (GtkWidget *widget, const char *name, GVariant *param)
{
  cst_statement_workbench_new_estimate (CST_STATEMENT_WORKBENCH (widget));
}

static void
cst_statement_workbench_dispose (GObject *object)
{
  CstStatementWorkbench *self = CST_STATEMENT_WORKBENCH (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->render_id, g_source_remove);
  if (self->batch_cancellable != NULL)
    g_cancellable_cancel (self->batch_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), CST_TYPE_STATEMENT_WORKBENCH);
  g_clear_object (&self->line_selection);
  g_clear_pointer (&self->heading_rows, g_ptr_array_unref);
  g_clear_pointer (&self->wording_keys, g_strfreev);
  g_clear_pointer (&self->statement, cst_statement_unref);
  g_clear_pointer (&self->bill, cst_bill_unref);
  g_clear_pointer (&self->rules, cst_statement_rules_unref);
  for (guint i = 0; i < N_LANGUAGES; i++)
    {
      g_clear_pointer (&self->templates[i], cst_statement_template_unref);
      g_clear_pointer (&self->drafts[i], cst_statement_template_unref);
    }
  g_clear_object (&self->connection);
  g_clear_pointer (&self->facility, cst_facility_free);
  g_clear_pointer (&self->policy, cst_assistance_policy_version_free);
  g_clear_object (&self->batch_cancellable);
  g_clear_pointer (&self->file_name, g_free);
  g_clear_pointer (&self->batch_text, g_free);
  g_clear_pointer (&self->remittance, cst_remittance_unref);
  g_clear_pointer (&self->pay_link, g_free);
  cst_assistance_screening_clear (&self->screening);
  G_OBJECT_CLASS (cst_statement_workbench_parent_class)->dispose (object);
}

static void
cst_statement_workbench_finalize (GObject *object)
{
  CstStatementWorkbench *self = CST_STATEMENT_WORKBENCH (object);

  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (cst_statement_workbench_parent_class)->finalize (object);
}

static void
cst_statement_workbench_class_init (CstStatementWorkbenchClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = cst_statement_workbench_dispose;
  G_OBJECT_CLASS (klass)->finalize = cst_statement_workbench_finalize;
  g_type_ensure (CST_TYPE_PDF_PREVIEW);
  g_type_ensure (CST_TYPE_LETTERHEAD_ROW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/cst-statement-workbench.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, CstStatementWorkbench, name)
  BIND (toasts); BIND (stack); BIND (lines_view); BIND (sections_box); BIND (categories_box);
  BIND (language_dropdown); BIND (font_spin); BIND (accent_button); BIND (box_button);
  BIND (headings_group); BIND (wording_dropdown); BIND (wording_entry); BIND (template_row);
  BIND (metrics_label); BIND (warnings_label); BIND (totals_label); BIND (preview);
  BIND (batch_bar); BIND (batch_progress); BIND (batch_report); BIND (batch_cancel);
  BIND (batch_close);
  BIND (letterhead_row); BIND (remittance_row); BIND (estimate_row); BIND (household_spin); BIND (income_spin);
  BIND (screening_row); BIND (pay_link_row); BIND (busy_spinner);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, language_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, font_size_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, color_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, wording_key_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, wording_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, category_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, batch_close_cb);
  gtk_widget_class_bind_template_callback (widget_class, letterhead_changed_cb);
  gtk_widget_class_install_action (widget_class, "workbench.open-remittance", NULL, open_remittance_action);
  gtk_widget_class_install_action (widget_class, "workbench.open-estimate", NULL, open_estimate_action);
  gtk_widget_class_install_action (widget_class, "workbench.new-estimate", NULL, new_estimate_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "workbench.new-estimate", NULL);
  gtk_widget_class_install_action (widget_class, "workbench.screen", NULL, screen_action);
  gtk_widget_class_install_action (widget_class, "workbench.edit-policy", NULL, edit_policy_action);
  gtk_widget_class_install_action (widget_class, "workbench.issue-pay-link", NULL, issue_pay_link_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "workbench.open-remittance", NULL);
  gtk_widget_class_install_action (widget_class, "workbench.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "workbench.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "workbench.batch-export", NULL, batch_export_action);
  gtk_widget_class_install_action (widget_class, "workbench.cancel-batch", NULL, cancel_batch_action);
  gtk_widget_class_install_action (widget_class, "workbench.print", NULL, print_action);
  gtk_widget_class_install_action (widget_class, "workbench.save-template", NULL, save_template_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "workbench.import", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "workbench.export", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "workbench.batch-export", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "workbench.print", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK,
                                       "workbench.save-template", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

/* New statements start in the language chosen in Preferences. */
static void
select_default_language (CstStatementWorkbench *self)
{
  g_autoptr(GSettings) settings = cst_settings_new_if_installed ();
  g_autofree char *language = settings ? g_settings_get_string (settings, "statement-language") : NULL;

  for (guint i = 0; language != NULL && i < N_LANGUAGES; i++)
    if (g_str_equal (language, languages[i]))
      gtk_drop_down_set_selected (self->language_dropdown, i);
}

static void
cst_statement_workbench_init (CstStatementWorkbench *self)
{
  g_autoptr(GError) error = NULL;
  GtkDropTarget *drop = gtk_drop_target_new (G_TYPE_FILE, GDK_ACTION_COPY);

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->rules = cst_statement_rules_new_default (&error);
  for (guint i = 0; i < N_LANGUAGES; i++)
    {
      self->templates[i] = cst_statement_template_new_builtin ("standard", languages[i], &error);
      if (self->templates[i] == NULL)
        g_error ("Shipped statement template is broken: %s", error->message);
      self->drafts[i] = cst_statement_template_copy (self->templates[i]);
    }
  if (error != NULL)
    g_critical ("Shipped statement data is broken: %s", error->message);

  self->line_items = g_list_store_new (GTK_TYPE_STRING_OBJECT);
  self->line_selection = gtk_multi_selection_new (G_LIST_MODEL (self->line_items));
  gtk_column_view_set_model (self->lines_view, GTK_SELECTION_MODEL (self->line_selection));
  self->heading_rows = g_ptr_array_new ();
  build_line_columns (self);
  order_from_template (self, self->drafts[0]);
  build_section_rows (self);
  add_move_shortcuts (self);
  build_heading_rows (self);
  name_color_button (self->accent_button, _("Accent colour of the headings"));
  name_color_button (self->box_button, _("Background colour of the amount-due box"));
  fill_wording_keys (self);
  load_editors (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "workbench.cancel-batch", FALSE);

  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
  select_default_language (self);
}

CstStatementWorkbench *
cst_statement_workbench_new (GtkWindow *parent)
{
  return g_object_new (CST_TYPE_STATEMENT_WORKBENCH, "transient-for", parent, NULL);
}

/* The facility chosen in the row prints on the statement. */
static void
letterhead_changed_cb (CstStatementWorkbench *self)
{
  const CstFacility *facility = cst_letterhead_row_get_facility (self->letterhead_row);

  if (facility != NULL)
    cst_statement_workbench_set_facility (self, facility);
}

static void
policy_loaded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(CstStatementWorkbench) self = user_data;
  g_autoptr(GError) error = NULL;
  CstAssistancePolicyVersion *version =
    cst_assistance_policy_repo_in_effect_finish (CST_CONNECTION (object), result, &error);
  g_autofree char *from = NULL, *said = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (version == NULL)
    {
      adw_toast_overlay_add_toast (self->toasts, cst_toast_new_plain (error->message));
      return;
    }
  g_clear_pointer (&self->policy, cst_assistance_policy_version_free);
  self->policy = version;
  if (version->id == 0 || self->screened)
    return;
  from = cst_locale_format_date (&version->effective_from);
  said = g_strdup_printf (_("Not screened. The hospital’s policy in effect from %s applies."), from);
  adw_action_row_set_subtitle (self->screening_row, said);
}

/* The policy in effect today, read again after an administrator stores one. */
static void
load_policy (CstStatementWorkbench *self)
{
  GDate today;

  cst_input_today (&today);
  cst_assistance_policy_repo_in_effect_async (self->connection, &today, self->cancellable,
                                              policy_loaded_cb, g_object_ref (self));
}

/**
 * cst_statement_workbench_edit_policy:
 *
 * Opens the financial-assistance policy to edit and store (administrators);
 * a version stored there is read again here for the next screening.
 *
 * Returns: (transfer none): the dialog, presented
 */
GtkWindow *
cst_statement_workbench_edit_policy (CstStatementWorkbench *self)
{
  CstAssistancePolicyDialog *dialog = cst_assistance_policy_dialog_new (GTK_WINDOW (self), self->connection);

  if (self->connection != NULL)
    g_signal_connect_object (dialog, "stored", G_CALLBACK (load_policy), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
  return GTK_WINDOW (dialog);
}

static void
edit_policy_action (GtkWidget *widget, const char *name, GVariant *param)
{
  cst_statement_workbench_edit_policy (CST_STATEMENT_WORKBENCH (widget));
}

/**
 * cst_statement_workbench_set_connection:
 *
 * Templates then come from the database (its current versions, the
 * shipped ones stored as version 1 if there are none) and Save stores
 * each edited language as a new version; statements print the details
 * of the login's own facility (or the one set with
 * cst_statement_workbench_set_facility_code()), and screenings use the
 * financial-assistance policy stored in effect today.
 */
void
cst_statement_workbench_set_connection (CstStatementWorkbench *self,
                                        CstConnection         *connection)
{
  g_set_object (&self->connection, connection);
  show_template_state (self);
  if (connection == NULL)
    return;
  cst_statement_template_repo_load_current_async (connection, "standard", languages, self->cancellable,
                                                   loaded_cb, g_object_ref (self));
  cst_letterhead_row_set_connection (self->letterhead_row, connection);
  load_policy (self);
}

/**
 * cst_statement_workbench_set_facility_code:
 * @code: (nullable): the facility the window shows; NULL for the login's own
 *
 * Statements are then made on that facility's details (once the
 * facilities are read, when the login works for it).
 */
void
cst_statement_workbench_set_facility_code (CstStatementWorkbench *self,
                                           const char            *code)
{
  cst_letterhead_row_set_wanted (self->letterhead_row, code);
}

/* Returns: (nullable): the facility whose details the statement prints */
const CstFacility *
cst_statement_workbench_get_facility (CstStatementWorkbench *self)
{
  return self->facility;
}

/* Returns: (nullable): the policy version screenings use; NULL while the
 *   shipped one is used (no database, or not read yet) */
const CstAssistancePolicyVersion *
cst_statement_workbench_get_policy (CstStatementWorkbench *self)
{
  return self->policy;
}

/**
 * cst_statement_workbench_set_facility:
 * @facility: (nullable): the hospital's details the statements print
 *
 * Set from the database by cst_statement_workbench_set_connection();
 * without them the preview and the export say which detail is missing.
 */
void
cst_statement_workbench_set_facility (CstStatementWorkbench *self,
                                      const CstFacility     *facility)
{
  g_clear_pointer (&self->facility, cst_facility_free);
  if (facility != NULL)
    self->facility = cst_facility_copy (facility);
  queue_render (self);
}

typedef struct
{
  char  *name;         /* the file's, shown with the bill */
  guint  generation;
} ImportJob;

static void
import_job_free (ImportJob *job)
{
  g_free (job->name);
  g_free (job);
}

/* The error of a defective file, with its first defects line by line. */
static void
add_problems (GError    *error,
              GPtrArray *problems)
{
  g_autoptr(GString) text = NULL;

  if (problems == NULL || problems->len == 0)
    return;
  text = g_string_new (error->message);
  for (guint i = 0; i < MIN (problems->len, 5); i++)
    {
      g_autofree char *problem = cst_csv_problem_format (g_ptr_array_index (problems, i));
      g_string_append_printf (text, "\n%s", problem);
    }
  g_free (error->message);
  error->message = g_string_free (g_steal_pointer (&text), FALSE);
}

static void
bill_imported_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CstStatementWorkbench *self = g_task_get_source_object (task);
  ImportJob *job = g_task_get_task_data (task);
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstBill) bill = cst_bill_import_file_finish (result, &problems, &error);
  GDate today;

  /* The window went, or a newer import overtook this one: its bill, or
   * its defects, are no longer what the clerk asked for. */
  if (g_cancellable_is_cancelled (self->cancellable) || job->generation != self->import_generation)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", _("Import superseded"));
      return;
    }
  if (bill == NULL)
    {
      add_problems (error, problems);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* A bill without statement and due dates gets today's and the usual
   * grace period, as the command line does. */
  cst_input_today (&today);
  cst_bill_fill_defaults (bill, &today);
  set_bill (self, bill, job->name);
  g_task_return_boolean (task, TRUE);
}

/**
 * cst_statement_workbench_import_file_async:
 *
 * Reads an itemized bill on a worker thread and shows it.  A file with
 * defects imports nothing; cst_statement_workbench_import_file_finish()
 * then lists each defect with its line and column.  An import started
 * later wins: an earlier one still running finishes with
 * %G_IO_ERROR_CANCELLED.
 */
void
cst_statement_workbench_import_file_async (CstStatementWorkbench *self,
                                           GFile                 *file,
                                           GCancellable          *cancellable,
                                           GAsyncReadyCallback    callback,
                                           gpointer               user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  ImportJob *job = g_new0 (ImportJob, 1);

  job->name = g_file_get_basename (file);
  job->generation = ++self->import_generation;
  g_task_set_task_data (task, job, (GDestroyNotify) import_job_free);
  g_task_set_source_tag (task, cst_statement_workbench_import_file_async);
  cst_bill_import_file_async (file, CST_BILL_IMPORT_NONE, self->cancellable, bill_imported_cb, task);
}

gboolean
cst_statement_workbench_import_file_finish (CstStatementWorkbench  *self,
                                            GAsyncResult           *result,
                                            GError                **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
cst_statement_workbench_set_section (CstStatementWorkbench *self,
                                     CstStatementSection    section,
                                     gboolean               shown)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->sections_box,
                                                      (int) position_of (self, section));

  gtk_switch_set_active (GTK_SWITCH (row_part (GTK_WIDGET (row), "toggle")), shown);
}

/**
 * cst_statement_workbench_move_section:
 * @delta: -1 up, +1 down
 *
 * Moves a section in the list and on the statement; the row keeps the
 * keyboard focus so it can be moved again.
 */
void
cst_statement_workbench_move_section (CstStatementWorkbench *self,
                                      CstStatementSection    section,
                                      int                    delta)
{
  guint from = position_of (self, section);
  int to = (int) from + delta;
  GtkListBoxRow *row;
  gboolean had_focus;

  if (to < 0 || to >= CST_N_SECTIONS)
    return;
  self->order[from] = self->order[to];
  self->order[to] = section;
  row = gtk_list_box_get_row_at_index (self->sections_box, (int) from);
  had_focus = gtk_widget_get_focus_child (GTK_WIDGET (self->sections_box)) == GTK_WIDGET (row);
  g_object_ref (row);
  gtk_list_box_remove (self->sections_box, GTK_WIDGET (row));
  gtk_list_box_insert (self->sections_box, GTK_WIDGET (row), to);
  g_object_unref (row);
  update_move_buttons (self);
  if (had_focus)
    {
      GtkWidget *button = row_part (GTK_WIDGET (row), delta < 0 ? "up" : "down");
      gtk_widget_grab_focus (gtk_widget_get_sensitive (button) ? button : GTK_WIDGET (row));
    }
  apply_sections (self);
}

/* The sections in the order they are listed (shown or not). */
const CstStatementSection *
cst_statement_workbench_get_section_order (CstStatementWorkbench *self)
{
  return self->order;
}

void
cst_statement_workbench_set_language (CstStatementWorkbench *self,
                                      const char            *language)
{
  for (guint i = 0; i < N_LANGUAGES; i++)
    if (g_strcmp0 (language, languages[i]) == 0)
      gtk_drop_down_set_selected (self->language_dropdown, i);
}

/* What an editor row does: heading keys go through their entry row. */
void
cst_statement_workbench_set_wording (CstStatementWorkbench *self,
                                     const char            *key,
                                     const char            *text)
{
  for (guint i = 0; i < G_N_ELEMENTS (heading_keys); i++)
    if (g_str_equal (key, heading_keys[i].key))
      {
        gtk_editable_set_text (g_ptr_array_index (self->heading_rows, i), text);
        return;
      }
  set_wording (self, key, text);
}

CstStatementTemplate *
cst_statement_workbench_get_template (CstStatementWorkbench *self)
{
  return self->drafts[current_language (self)];
}

gboolean
cst_statement_workbench_has_unsaved_changes (CstStatementWorkbench *self)
{
  return self->edits[0] > 0 || self->edits[1] > 0;
}

/**
 * cst_statement_workbench_export_batch:
 * @bills: (element-type GFile): itemized bills (CSV)
 * @folder: where the PDFs go, one per bill, named after it
 *
 * Exports on a worker thread with the template as it is now; progress
 * and a Cancel button show at the bottom.  Bad files are listed there by
 * name and line; the others are still exported.
 */
void
cst_statement_workbench_export_batch (CstStatementWorkbench *self,
                                      GListModel            *bills,
                                      GFile                 *folder)
{
  guint n = g_list_model_get_n_items (bills);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *out_dir = g_file_get_path (folder);
  g_autoptr(CstStatementTemplate) printable = NULL;

  if (self->batch_running || n == 0 || out_dir == NULL)
    return;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GFile) file = g_list_model_get_item (bills, i);
      char *path = g_file_get_path (file);
      if (path != NULL)
        g_ptr_array_add (paths, path);
    }
  g_ptr_array_add (paths, NULL);
  self->batch_running = TRUE;
  self->batch_cancellable = g_cancellable_new ();
  g_clear_pointer (&self->batch_text, g_free);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "workbench.cancel-batch", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "workbench.batch-export", FALSE);
  gtk_widget_set_visible (self->batch_cancel, TRUE);
  gtk_widget_set_visible (self->batch_close, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->batch_report), FALSE);
  batch_progress_cb (0, n, self);
  gtk_revealer_set_reveal_child (self->batch_bar, TRUE);
  printable = printable_template (self);
  cst_statement_export_batch_async ((const char * const *) paths->pdata, self->rules,
                                    printable, out_dir,
                                    batch_progress_cb, self, self, self->batch_cancellable,
                                    batch_done_cb, GUINT_TO_POINTER (n));
}

void
cst_statement_workbench_cancel_batch (CstStatementWorkbench *self)
{
  if (self->batch_cancellable != NULL)
    g_cancellable_cancel (self->batch_cancellable);
}

gboolean
cst_statement_workbench_is_exporting (CstStatementWorkbench *self)
{
  return self->batch_running;
}

/* The last batch's problems, one line per bad file; "" when none. */
const char *
cst_statement_workbench_get_batch_report (CstStatementWorkbench *self)
{
  return self->batch_text ? self->batch_text : "";
}

/* What "Other wording" offers, as people read it (GtkStringObject items). */
GListModel *
cst_statement_workbench_get_wording_choices (CstStatementWorkbench *self)
{
  return gtk_drop_down_get_model (self->wording_dropdown);
}

/* The line under the preview: counts, pages and the reading score. */
const char *
cst_statement_workbench_get_metrics_text (CstStatementWorkbench *self)
{
  return gtk_label_get_label (self->metrics_label);
}

/* What the last batch did, as its progress bar and toast say it. */
const char *
cst_statement_workbench_get_batch_summary (CstStatementWorkbench *self)
{
  const char *text = gtk_progress_bar_get_text (self->batch_progress);

  return text ? text : "";
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

/* The row that shows category @index in the categories list; NULL past its end. */
GtkWidget *
cst_statement_workbench_get_category_row (CstStatementWorkbench *self,
                                          guint                  index)
{
  return GTK_WIDGET (gtk_list_box_get_row_at_index (self->categories_box, (int) index));
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
