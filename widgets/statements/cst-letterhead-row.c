/* cst-letterhead-row.c — which facility's statement this is
 *
 * A combo row of the facilities the login works for, read off the main
 * loop (cst_facility_list_visible_async): the login's own facility is
 * chosen first, or the one the window asked for (the facility it shows).
 * "facility" is notified whenever the chosen facility changes, so the
 * workbench prints that facility's name, address, phone and pay link,
 * not the default facility's.
 */
#define G_LOG_DOMAIN "cst-statement-workbench"

#include "config.h"

#include <glib/gi18n.h>

#include "cst-letterhead-row.h"

#include <custodian/cst-facilities.h>

struct _CstLetterheadRow
{
  AdwComboRow    parent_instance;

  GtkStringList *names;
  GPtrArray     *facilities;  /* of CstFacility, in the list's order */
  char          *wanted;      /* the code to choose once read; NULL: the login's own */
  GCancellable  *cancellable;
  gboolean       loading;
};

G_DEFINE_FINAL_TYPE (CstLetterheadRow, cst_letterhead_row, ADW_TYPE_COMBO_ROW)

enum { PROP_0, PROP_FACILITY, N_PROPS };
static GParamSpec *props[N_PROPS];

/* The position of @code in the list; 0 (the login's own) when absent. */
static guint
position_of (CstLetterheadRow *self,
             const char       *code)
{
  for (guint i = 0; code != NULL && i < self->facilities->len; i++)
    if (g_strcmp0 (((CstFacility *) g_ptr_array_index (self->facilities, i))->code, code) == 0)
      return i;
  return 0;
}

static void
fill (CstLetterheadRow *self,
      GPtrArray        *facilities)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_unref (self->facilities);
  self->facilities = g_ptr_array_ref (facilities);
  for (guint i = 0; i < facilities->len; i++)
    {
      const CstFacility *f = g_ptr_array_index (facilities, i);
      g_ptr_array_add (names, g_strdup_printf ("%s (%s)", f->name && *f->name ? f->name : _("No name yet"),
                                               f->code));
    }
  g_ptr_array_add (names, NULL);
  gtk_string_list_splice (self->names, 0, g_list_model_get_n_items (G_LIST_MODEL (self->names)),
                          (const char * const *) names->pdata);
  adw_combo_row_set_selected (ADW_COMBO_ROW (self), position_of (self, self->wanted));
  gtk_widget_set_sensitive (GTK_WIDGET (self), facilities->len > 1);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_FACILITY]);
}

static void
letterheads_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(CstLetterheadRow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) facilities = cst_facility_list_visible_finish (CST_CONNECTION (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->loading = FALSE;
  if (facilities == NULL)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self), error->message);
      return;
    }
  fill (self, facilities);
}

/**
 * cst_letterhead_row_set_connection:
 *
 * Reads the facilities the login works for; the row then chooses one and
 * notifies "facility".
 */
void
cst_letterhead_row_set_connection (CstLetterheadRow *self,
                                   CstConnection    *connection)
{
  g_return_if_fail (CST_IS_LETTERHEAD_ROW (self));
  g_cancellable_cancel (self->cancellable);
  g_set_object (&self->cancellable, g_cancellable_new ());
  if (connection == NULL)
    return;
  self->loading = TRUE;
  cst_facility_list_visible_async (connection, self->cancellable, letterheads_cb, g_object_ref (self));
}

/**
 * cst_letterhead_row_set_wanted:
 * @code: (nullable): the facility to choose (the one the window shows);
 *   NULL for the login's own
 *
 * Chooses it now when the list is read, else once it is.  A code the
 * login does not work for chooses the login's own.
 */
void
cst_letterhead_row_set_wanted (CstLetterheadRow *self,
                               const char       *code)
{
  g_return_if_fail (CST_IS_LETTERHEAD_ROW (self));
  g_free (self->wanted);
  self->wanted = g_strdup (code);
  if (self->facilities->len > 0)
    adw_combo_row_set_selected (ADW_COMBO_ROW (self), position_of (self, code));
}

/* Returns: (nullable): the chosen facility; NULL until the list is read */
const CstFacility *
cst_letterhead_row_get_facility (CstLetterheadRow *self)
{
  guint i = adw_combo_row_get_selected (ADW_COMBO_ROW (self));

  return i < self->facilities->len ? g_ptr_array_index (self->facilities, i) : NULL;
}

gboolean
cst_letterhead_row_is_loading (CstLetterheadRow *self)
{
  return self->loading;
}

static void
selected_cb (CstLetterheadRow *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_FACILITY]);
}

static void
cst_letterhead_row_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  CstLetterheadRow *self = CST_LETTERHEAD_ROW (object);

  if (prop_id == PROP_FACILITY)
    g_value_set_boxed (value, cst_letterhead_row_get_facility (self));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
cst_letterhead_row_dispose (GObject *object)
{
  CstLetterheadRow *self = CST_LETTERHEAD_ROW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (cst_letterhead_row_parent_class)->dispose (object);
}

static void
cst_letterhead_row_finalize (GObject *object)
{
  CstLetterheadRow *self = CST_LETTERHEAD_ROW (object);

  g_ptr_array_unref (self->facilities);
  g_free (self->wanted);
  G_OBJECT_CLASS (cst_letterhead_row_parent_class)->finalize (object);
}

static void
cst_letterhead_row_class_init (CstLetterheadRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = cst_letterhead_row_get_property;
  object_class->dispose = cst_letterhead_row_dispose;
  object_class->finalize = cst_letterhead_row_finalize;
  props[PROP_FACILITY] = g_param_spec_boxed ("facility", NULL, NULL, CST_TYPE_FACILITY,
                                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
cst_letterhead_row_init (CstLetterheadRow *self)
{
  self->names = gtk_string_list_new (NULL);
  self->facilities = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_facility_free);
  self->cancellable = g_cancellable_new ();
  adw_combo_row_set_model (ADW_COMBO_ROW (self), G_LIST_MODEL (self->names));
  g_object_unref (self->names);  /* the row holds it */
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), _("Facility"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self),
                               _("Whose name, address, phone and pay link the statement prints"));
  g_signal_connect (self, "notify::selected", G_CALLBACK (selected_cb), NULL);
}
