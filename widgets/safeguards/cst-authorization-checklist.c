/* cst-authorization-checklist.c — a request's HIPAA authorization, element
 * by element
 *
 * Each required element (45 CFR 164.508(c), the state's add-ons and the
 * sensitive categories, as rows of authorization_elements) is marked
 * present, missing or not applicable with toggle buttons; "not applicable"
 * is offered only where the element allows it (never the signature and
 * date).  A click is saved on the connection's worker thread and the whole
 * checklist read back, so who checked and when are the server's stamps,
 * never the clerk's clock.  The answer updates the rows in place: the
 * clerk's place in the list and the keyboard focus stay where they were.
 * The request view asks is_complete() to decide whether "Verify" may be
 * offered; the database refuses the move anyway.
 */
#define G_LOG_DOMAIN "cst-authorization-checklist"

#include "config.h"

#include <glib/gi18n.h>

#include "cst-authorization-checklist.h"
#include "cst-dispose.h"
#include "cst-documents-dialog.h"
#include "cst-keep-place.h"

#include <custodian/cst-locale-format.h>

struct _CstAuthorizationChecklist
{
  GtkWidget      parent_instance;

  GtkListBox    *items_box;
  GtkLabel      *status_label;
  GtkButton     *letter_button;

  CstConnection *connection;
  CstRequest    *request;
  GPtrArray     *items;       /* CstAuthorizationItem as the server last said */
  char          *message;     /* the last failure, or NULL */
  GCancellable  *cancellable; /* replaced when the request changes */
  guint          generation;  /* bumped by each job: the newest answer wins */
  guint          pending;     /* jobs not yet answered */
  gboolean       filling;
};

G_DEFINE_FINAL_TYPE (CstAuthorizationChecklist, cst_authorization_checklist, GTK_TYPE_WIDGET)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The toggle buttons' order in each row; a row offers those its element
 * allows (cst_authorization_item_allows). */
static const CstAuthorizationFinding choices[] = {
  CST_AUTHORIZATION_PRESENT, CST_AUTHORIZATION_MISSING, CST_AUTHORIZATION_NOT_APPLICABLE,
};

static const char *
finding_label (CstAuthorizationFinding finding)
{
  return cst_authorization_finding_get_label (finding);
}

static const char *
category_heading (const char *category)
{
  if (g_strcmp0 (category, "state") == 0)
    return _("State law add-ons");
  if (g_strcmp0 (category, "sensitive") == 0)
    return _("Sensitive records that need their own consent");
  return _("Required elements (45 CFR 164.508(c))");
}

/* "Missing · checked by jdoe on 2026-11-23 14:02 · 45 CFR 164.508(c)(1)(v)" */
static char *
describe_item (const CstAuthorizationItem *item)
{
  g_autofree char *when = NULL;

  if (item->checked_by == NULL || item->checked_at == NULL)
    return g_strdup_printf (_("%s · %s"), finding_label (item->finding), item->citation);
  when = cst_locale_format_date_time (item->checked_at);
  /* TRANSLATORS: finding · checked by LOGIN on DATE TIME · legal citation */
  return g_strdup_printf (_("%s · checked by %s on %s · %s"), finding_label (item->finding),
                          item->checked_by, when, item->citation);
}

static gboolean
is_required (CstAuthorizationChecklist *self)
{
  return self->request != NULL &&
         cst_authorization_is_required (cst_request_get_requester_kind (self->request));
}

static guint
count_gaps (CstAuthorizationChecklist *self,
            GString                   *names)
{
  g_autoptr(GPtrArray) gaps = NULL;

  if (self->items == NULL)
    return 0;
  gaps = cst_authorization_gaps (self->items);
  for (guint i = 0; names != NULL && i < gaps->len; i++)
    {
      CstAuthorizationItem *item = g_ptr_array_index (gaps, i);
      g_string_append_printf (names, "%s%s", i > 0 ? "; " : "", item->label);
    }
  return gaps->len;
}

static guint
count_missing (CstAuthorizationChecklist *self)
{
  g_autoptr(GPtrArray) missing = NULL;

  if (self->items == NULL)
    return 0;
  missing = cst_authorization_missing (self->items);
  return missing->len;
}

static void
update_status (CstAuthorizationChecklist *self)
{
  g_autofree char *text = NULL;

  /* The status line (and the request's Verify hint, on "changed") is
   * above the elements: the one the clerk answered stays put. */
  cst_keep_place (GTK_WIDGET (self));
  text = cst_authorization_checklist_dup_blocking_text (self);
  if (self->message != NULL)
    gtk_label_set_label (self->status_label, self->message);
  else if (self->items == NULL)
    gtk_label_set_label (self->status_label, _("Reading the checklist…"));
  else if (text != NULL)
    gtk_label_set_label (self->status_label, text);
  else
    gtk_label_set_label (self->status_label,
                         _("Every element is present or not applicable: the authorization can be verified."));
  if (self->message != NULL || text != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "warning");
  /* The letter asks for what is missing; an unchecked element may well be
   * on the form. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->letter_button),
                            self->items != NULL && count_missing (self) > 0 && self->pending == 0);
  g_signal_emit (self, signals[CHANGED], 0);
}

/* ---- rows --------------------------------------------------------------- */

static void save_finding (CstAuthorizationChecklist *self,
                          const char                *code,
                          CstAuthorizationFinding    finding);

static void
toggle_cb (GtkToggleButton           *button,
           CstAuthorizationChecklist *self)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), ADW_TYPE_ACTION_ROW);

  if (self->filling || !gtk_toggle_button_get_active (button) || row == NULL)
    return;
  save_finding (self, g_object_get_data (G_OBJECT (row), "code"),
                GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "finding")));
}

static GtkWidget *
finding_buttons (CstAuthorizationChecklist  *self,
                 const CstAuthorizationItem *item)
{
  /* Stacked, so the element's wording keeps most of the row's width in a
   * request view narrow enough for the list beside it to show whole
   * (side by side, the buttons left the wording a few words a line and
   * made a row 900 pixels tall). */
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkToggleButton *first = NULL;

  gtk_widget_add_css_class (box, "linked");
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  for (guint i = 0; i < G_N_ELEMENTS (choices); i++)
    {
      GtkWidget *button;
      g_autofree char *description = NULL;

      if (!cst_authorization_item_allows (item, choices[i]))
        continue;
      button = gtk_toggle_button_new_with_label (finding_label (choices[i]));
      description = g_strdup_printf (_("%s: %s"), finding_label (choices[i]), item->label);
      g_object_set_data (G_OBJECT (button), "finding", GINT_TO_POINTER (choices[i]));
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      description, -1);
      if (first == NULL)
        first = GTK_TOGGLE_BUTTON (button);
      else
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), first);
      g_signal_connect (button, "toggled", G_CALLBACK (toggle_cb), self);
      gtk_box_append (GTK_BOX (box), button);
    }
  return box;
}

/* Shows @item's finding in @row, built for the same element: its
 * subtitle, its icon and which button is down.  Called while filling, so
 * setting a button does not save it again. */
static void
show_item (GtkWidget                  *row,
           const CstAuthorizationItem *item)
{
  GtkWidget *icon = g_object_get_data (G_OBJECT (row), "status-icon");
  GtkWidget *buttons = g_object_get_data (G_OBJECT (row), "buttons");
  g_autofree char *subtitle = describe_item (item);

  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_image_set_from_icon_name (GTK_IMAGE (icon), item->finding == CST_AUTHORIZATION_MISSING
                                                  ? "dialog-warning-symbolic"
                                                  : "dialog-question-symbolic");
  gtk_widget_set_visible (icon, item->finding == CST_AUTHORIZATION_MISSING ||
                                item->finding == CST_AUTHORIZATION_UNCHECKED);
  /* An unchecked element (or a finding its element no longer allows)
   * leaves every button up. */
  for (GtkWidget *button = gtk_widget_get_first_child (buttons); button != NULL;
       button = gtk_widget_get_next_sibling (button))
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button),
                                  GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "finding"))
                                  == (int) item->finding);
}

static GtkWidget *
item_row (CstAuthorizationChecklist  *self,
          const CstAuthorizationItem *item)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new ();
  GtkWidget *buttons = finding_buttons (self, item);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), item->label);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  g_object_set_data_full (G_OBJECT (row), "code", g_strdup (item->code), g_free);
  g_object_set_data_full (G_OBJECT (row), "category", g_strdup (item->category), g_free);
  g_object_set_data (G_OBJECT (row), "allows-not-applicable",
                     GINT_TO_POINTER (item->allows_not_applicable));
  g_object_set_data (G_OBJECT (row), "status-icon", icon);
  g_object_set_data (G_OBJECT (row), "buttons", buttons);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), buttons);
  show_item (row, item);
  return row;
}

/* Whether the rows were built for the same elements, in the same order and
 * offering the same buttons, as @items: then an answer only changes what
 * they show. */
static gboolean
rows_fit (CstAuthorizationChecklist *self,
          GPtrArray                 *items)
{
  guint i;

  for (i = 0; items != NULL && i < items->len; i++)
    {
      const CstAuthorizationItem *item = g_ptr_array_index (items, i);
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->items_box, i);

      if (row == NULL || g_strcmp0 (g_object_get_data (G_OBJECT (row), "code"), item->code) != 0 ||
          GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "allows-not-applicable"))
          != item->allows_not_applicable)
        return FALSE;
    }
  return gtk_list_box_get_row_at_index (self->items_box, i) == NULL;
}

/* A heading where the category changes: core, state, sensitive. */
static void
header_func (GtkListBoxRow *row,
             GtkListBoxRow *before,
             gpointer       user_data)
{
  const char *category = g_object_get_data (G_OBJECT (row), "category");
  GtkWidget *label;

  if (before != NULL && g_strcmp0 (category, g_object_get_data (G_OBJECT (before), "category")) == 0)
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }
  label = gtk_label_new (category_heading (category));
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_top (label, 6);
  gtk_widget_set_margin_bottom (label, 6);
  gtk_widget_add_css_class (label, "heading");
  gtk_list_box_row_set_header (row, label);
}

/* Shows the checklist as the server last said.  After an answer the rows
 * are the same elements, so they are updated where they are: rebuilding
 * them destroyed the button the clerk had just pressed, the focus fell
 * back to the list and the view scrolled to its top, under the clerk's
 * next click.  The focus stays on the button just pressed rather than
 * moving to the next unanswered element: the clerk reads the form in
 * their own order, may correct a slip at once, and a focus that moves by
 * itself scrolls the view just as surprisingly; Tab goes on from there. */
static void
fill_rows (CstAuthorizationChecklist *self)
{
  cst_keep_place (GTK_WIDGET (self));
  self->filling = TRUE;
  if (rows_fit (self, self->items))
    {
      for (guint i = 0; self->items != NULL && i < self->items->len; i++)
        show_item (GTK_WIDGET (gtk_list_box_get_row_at_index (self->items_box, i)),
                   g_ptr_array_index (self->items, i));
    }
  else
    {
      for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self->items_box)));)
        gtk_list_box_remove (self->items_box, child);
      for (guint i = 0; self->items != NULL && i < self->items->len; i++)
        gtk_list_box_append (self->items_box, item_row (self, g_ptr_array_index (self->items, i)));
    }
  self->filling = FALSE;
}

/* ---- loading and saving off the main loop ----------------------------- */

typedef struct
{
  CstAuthorizationChecklist *self;
  guint                      generation;
} CallData;

static void
checked_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  CallData *call = user_data;
  g_autoptr(CstAuthorizationChecklist) self = call->self;
  g_autoptr(GError) error = NULL;
  GPtrArray *items = cst_authorization_check_finish (CST_CONNECTION (object), result, &error);
  gboolean latest = call->generation == self->generation;

  g_free (call);
  /* Another request, or the widget is gone: set_request() or dispose()
   * cancelled the job. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->pending--;
  g_clear_pointer (&self->message, g_free);
  if (items == NULL)
    {
      /* The toggles may show a choice the server refused: show its word. */
      self->message = g_strdup (error->message);
      fill_rows (self);
    }
  else if (latest)
    {
      g_clear_pointer (&self->items, g_ptr_array_unref);
      self->items = items;
      fill_rows (self);
    }
  else
    g_ptr_array_unref (items);
  update_status (self);
}

static void
run_job (CstAuthorizationChecklist *self,
         const char                *code,
         CstAuthorizationFinding    finding)
{
  CallData *call = g_new0 (CallData, 1);

  call->self = g_object_ref (self);
  call->generation = ++self->generation;
  self->pending++;
  cst_authorization_check_async (self->connection, self->request, code, finding,
                                 self->cancellable, checked_cb, call);
  update_status (self);
}

static void
save_finding (CstAuthorizationChecklist *self,
              const char                *code,
              CstAuthorizationFinding    finding)
{
  if (self->connection == NULL || self->request == NULL || code == NULL)
    return;
  run_job (self, code, finding);
}

void
cst_authorization_checklist_reload (CstAuthorizationChecklist *self)
{
  g_return_if_fail (CST_IS_AUTHORIZATION_CHECKLIST (self));

  if (self->connection != NULL && is_required (self))
    run_job (self, NULL, CST_AUTHORIZATION_UNCHECKED);
}

/* ---- the deficiency letter ---------------------------------------------- */

static void
letter_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CstAuthorizationChecklist *self = CST_AUTHORIZATION_CHECKLIST (widget);
  CstDocumentsDialog *dialog;

  if (self->connection == NULL || self->request == NULL)
    return;
  dialog = cst_documents_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->connection,
                                     self->request);
  cst_documents_dialog_show_kind (dialog, CST_DOCUMENT_DEFICIENCY_LETTER);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- the object ----------------------------------------------------------- */

static void
cst_authorization_checklist_dispose (GObject *object)
{
  CstAuthorizationChecklist *self = CST_AUTHORIZATION_CHECKLIST (object);

  cst_dispose_template (GTK_WIDGET (self), CST_TYPE_AUTHORIZATION_CHECKLIST);
  /* A job still on its way finds itself cancelled and drops its answer. */
  cst_dispose_cancel (&self->cancellable);
  g_clear_object (&self->connection);
  g_clear_object (&self->request);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->message, g_free);
  G_OBJECT_CLASS (cst_authorization_checklist_parent_class)->dispose (object);
}

static void
cst_authorization_checklist_class_init (CstAuthorizationChecklistClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = cst_authorization_checklist_dispose;

  /**
   * CstAuthorizationChecklist::changed:
   *
   * The checklist was read, saved, or failed: whether the authorization
   * can be verified may have changed.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/cst-authorization-checklist.ui");
  gtk_widget_class_bind_template_child (widget_class, CstAuthorizationChecklist, items_box);
  gtk_widget_class_bind_template_child (widget_class, CstAuthorizationChecklist, status_label);
  gtk_widget_class_bind_template_child (widget_class, CstAuthorizationChecklist, letter_button);
  gtk_widget_class_install_action (widget_class, "checklist.deficiency-letter", NULL, letter_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
cst_authorization_checklist_init (CstAuthorizationChecklist *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  gtk_list_box_set_header_func (self->items_box, header_func, NULL, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

void
cst_authorization_checklist_set_connection (CstAuthorizationChecklist *self,
                                            CstConnection             *connection)
{
  g_return_if_fail (CST_IS_AUTHORIZATION_CHECKLIST (self));

  g_set_object (&self->connection, connection);
}

/* Shows @request's checklist, read afresh; hidden for the individual's own
 * access, which needs no authorization (164.524). */
void
cst_authorization_checklist_set_request (CstAuthorizationChecklist *self,
                                         CstRequest                *request)
{
  g_return_if_fail (CST_IS_AUTHORIZATION_CHECKLIST (self));

  cst_dispose_renew (&self->cancellable);
  self->pending = 0;
  g_set_object (&self->request, request);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->message, g_free);
  fill_rows (self);
  gtk_widget_set_visible (GTK_WIDGET (self), is_required (self));
  update_status (self);
  cst_authorization_checklist_reload (self);
}

gboolean
cst_authorization_checklist_is_required (CstAuthorizationChecklist *self)
{
  return is_required (self);
}

gboolean
cst_authorization_checklist_is_loaded (CstAuthorizationChecklist *self)
{
  return self->items != NULL;
}

gboolean
cst_authorization_checklist_is_busy (CstAuthorizationChecklist *self)
{
  return self->pending > 0;
}

/* Whether "Verify" may be offered: not needed, or read with every element
 * present or not applicable and no save still on its way. */
gboolean
cst_authorization_checklist_is_complete (CstAuthorizationChecklist *self)
{
  g_return_val_if_fail (CST_IS_AUTHORIZATION_CHECKLIST (self), FALSE);

  if (!is_required (self))
    return TRUE;
  return self->items != NULL && self->pending == 0 && self->message == NULL &&
         count_gaps (self, NULL) == 0;
}

/* Why "Verify" is unavailable, in the clerk's words; NULL when it is not
 * blocked by the checklist. */
char *
cst_authorization_checklist_dup_blocking_text (CstAuthorizationChecklist *self)
{
  g_autoptr(GString) names = g_string_new (NULL);
  guint gaps;

  if (!is_required (self))
    return NULL;
  if (self->items == NULL)
    return g_strdup (_("Verify waits until the authorization checklist is read."));
  /* While an answer is saved and the checklist read back, the elements
   * still open as last read stay listed: this text is shown twice above
   * the elements (the status line and the request's hint), and shrinking
   * it to one line and growing it back moved the whole form at every
   * answer. */
  gaps = count_gaps (self, names);
  if (gaps == 0)
    return self->pending > 0 ? g_strdup (_("Verify waits until the checklist is saved.")) : NULL;
  return g_strdup_printf (g_dngettext (NULL,
                                       "Verify is unavailable until every element is present or not "
                                       "applicable. %u element is missing or not checked: %s",
                                       "Verify is unavailable until every element is present or not "
                                       "applicable. %u elements are missing or not checked: %s",
                                       gaps),
                          gaps, names->str);
}

const char *
cst_authorization_checklist_get_message (CstAuthorizationChecklist *self)
{
  return self->message;
}

guint
cst_authorization_checklist_get_n_items (CstAuthorizationChecklist *self)
{
  return self->items != NULL ? self->items->len : 0;
}

const CstAuthorizationItem *
cst_authorization_checklist_get_item (CstAuthorizationChecklist *self,
                                      guint                      index)
{
  g_return_val_if_fail (self->items != NULL && index < self->items->len, NULL);
  return g_ptr_array_index (self->items, index);
}

/**
 * cst_authorization_checklist_get_row:
 *
 * Returns: (transfer none) (nullable): the row of the element @code
 */
GtkWidget *
cst_authorization_checklist_get_row (CstAuthorizationChecklist *self,
                                     const char                *code)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (CST_IS_AUTHORIZATION_CHECKLIST (self), NULL);

  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->items_box, i)) != NULL; i++)
    if (g_strcmp0 (g_object_get_data (G_OBJECT (row), "code"), code) == 0)
      return GTK_WIDGET (row);
  return NULL;
}

/* What clicking @finding's button in @code's row does. */
void
cst_authorization_checklist_set_finding (CstAuthorizationChecklist *self,
                                         const char                *code,
                                         CstAuthorizationFinding    finding)
{
  GtkWidget *row = cst_authorization_checklist_get_row (self, code);
  GtkWidget *box = row != NULL ? g_object_get_data (G_OBJECT (row), "buttons") : NULL;

  for (GtkWidget *button = box != NULL ? gtk_widget_get_first_child (box) : NULL; button != NULL;
       button = gtk_widget_get_next_sibling (button))
    if (GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "finding")) == (int) finding)
      {
        gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), TRUE);
        return;
      }
  g_warning ("No checklist row %s offering finding %d", code, finding);
}
