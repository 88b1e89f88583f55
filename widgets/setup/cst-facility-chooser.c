/* cst-facility-chooser.c — the request list's facility filter (issue 22)
 *
 * A dropdown of the facilities the login works for ("All facilities"
 * first), shown only when there is more than one to choose from: a clerk
 * of one facility never sees it.  The choice is a GtkFilter on each
 * request's facility code, so a request of a facility whose code is also
 * a word of a patient's name is never matched by accident (typing the
 * code in the search was the only way before).
 *
 * cst_facility_chooser_attach() puts it beside the list's scope; the
 * list keeps the rows cst_facility_chooser_matches() says.
 * The dashboard and the Reports page watch its "code" instead.
 */
#define G_LOG_DOMAIN "cst-facility-chooser"

#include "config.h"

#include <glib/gi18n.h>

#include "cst-dispose.h"
#include "cst-facility-chooser.h"

#include <custodian/cst-facilities.h>
#include <custodian/cst-request.h>

struct _CstFacilityChooser
{
  GtkWidget        parent_instance;

  GtkDropDown     *dropdown;
  GtkStringList   *names;

  GtkCustomFilter *filter;
  GPtrArray       *facilities;   /* CstFacility, in the dropdown's order after "All" */
  CstConnection   *connection;
  GCancellable    *cancellable;  /* the list being read, or NULL */
};

G_DEFINE_FINAL_TYPE (CstFacilityChooser, cst_facility_chooser, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CODE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The dropdown's first row shows every facility's requests. */
#define ALL_ROW 0

static gboolean
facility_matches (gpointer item,
                  gpointer user_data)
{
  const char *wanted = user_data;
  g_autofree char *code = NULL;

  g_object_get (item, "facility-code", &code, NULL);
  return g_strcmp0 (code, wanted) == 0;
}

/**
 * cst_facility_chooser_get_code:
 *
 * Returns: (nullable): the chosen facility's code; NULL for all of them
 */
const char *
cst_facility_chooser_get_code (CstFacilityChooser *self)
{
  guint selected = gtk_drop_down_get_selected (self->dropdown);

  if (self->facilities == NULL || selected == ALL_ROW || selected == GTK_INVALID_LIST_POSITION ||
      selected > self->facilities->len)
    return NULL;
  return ((CstFacility *) g_ptr_array_index (self->facilities, selected - 1))->code;
}

static void
selected_cb (CstFacilityChooser *self)
{
  const char *code = cst_facility_chooser_get_code (self);

  /* "All" is no filter at all: no row is looked at. */
  if (code == NULL)
    gtk_custom_filter_set_filter_func (self->filter, NULL, NULL, NULL);
  else
    gtk_custom_filter_set_filter_func (self->filter, facility_matches, g_strdup (code), g_free);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CODE]);
}

static char *
row_name (const CstFacility *facility)
{
  if (facility->name == NULL || *facility->name == '\0')
    return g_strdup (facility->code);
  /* TRANSLATORS: a facility in the request list's filter: its code, its name */
  return g_strdup_printf (_("%s · %s"), facility->code, facility->name);
}

static void
show_facilities (CstFacilityChooser *self,
                 GPtrArray          *facilities)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);

  g_clear_pointer (&self->facilities, g_ptr_array_unref);
  self->facilities = g_ptr_array_ref (facilities);
  g_ptr_array_add (rows, g_strdup (_("All facilities")));
  for (guint i = 0; i < facilities->len; i++)
    g_ptr_array_add (rows, row_name (g_ptr_array_index (facilities, i)));
  g_ptr_array_add (rows, NULL);
  gtk_string_list_splice (self->names, 0, g_list_model_get_n_items (G_LIST_MODEL (self->names)),
                          (const char * const *) rows->pdata);
  gtk_drop_down_set_selected (self->dropdown, ALL_ROW);
  selected_cb (self);
  /* One facility: nothing to choose. */
  gtk_widget_set_visible (GTK_WIDGET (self), facilities->len > 1);
}

static void
listed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CstFacilityChooser) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) facilities = cst_facility_list_visible_finish (CST_CONNECTION (object),
                                                                      result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  if (facilities == NULL)
    {
      /* Without the list the clerk still has the search: no filter. */
      g_message ("The facilities could not be listed: %s", error->message);
      return;
    }
  show_facilities (self, facilities);
}

/**
 * cst_facility_chooser_set_connection:
 * @connection: (nullable): the database the requests come from
 *
 * Reads the login's facilities from it, off the main loop.
 */
void
cst_facility_chooser_set_connection (CstFacilityChooser *self,
                                     CstConnection      *connection)
{
  g_return_if_fail (CST_IS_FACILITY_CHOOSER (self));

  if (connection == self->connection)
    return;
  g_set_object (&self->connection, connection);
  cst_dispose_cancel (&self->cancellable);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
  if (connection == NULL)
    return;
  self->cancellable = g_cancellable_new ();
  cst_facility_list_visible_async (connection, self->cancellable, listed_cb, g_object_ref (self));
}

/* The list is being read. */
gboolean
cst_facility_chooser_is_loading (CstFacilityChooser *self)
{
  return self->cancellable != NULL;
}

/* How many facilities the login may choose from. */
guint
cst_facility_chooser_get_n_facilities (CstFacilityChooser *self)
{
  return self->facilities ? self->facilities->len : 0;
}

/**
 * cst_facility_chooser_select_code:
 * @code: (nullable): a facility's code; NULL for all of them
 *
 * Returns: FALSE when the login has no facility of @code
 */
gboolean
cst_facility_chooser_select_code (CstFacilityChooser *self,
                                  const char         *code)
{
  guint row = ALL_ROW;

  for (guint i = 0; code != NULL && self->facilities != NULL && i < self->facilities->len; i++)
    if (g_strcmp0 (((CstFacility *) g_ptr_array_index (self->facilities, i))->code, code) == 0)
      row = i + 1;
  if (code != NULL && row == ALL_ROW)
    return FALSE;
  gtk_drop_down_set_selected (self->dropdown, row);
  return TRUE;
}

/**
 * cst_facility_chooser_get_filter:
 *
 * Returns: (transfer none): matches the requests of the chosen facility
 */
GtkFilter *
cst_facility_chooser_get_filter (CstFacilityChooser *self)
{
  return GTK_FILTER (self->filter);
}

/**
 * cst_facility_chooser_matches:
 *
 * Returns: whether @request belongs to the chosen facility (always, when
 *   all of them are chosen)
 */
gboolean
cst_facility_chooser_matches (CstFacilityChooser *self,
                              CstRequest         *request)
{
  const char *code = cst_facility_chooser_get_code (self);

  return code == NULL || facility_matches (request, (gpointer) code);
}

/**
 * cst_facility_chooser_attach:
 * @beside: a widget in a #GtkBox: the chooser goes right after it
 *
 * Makes a chooser and puts it beside @beside.  The request list keeps
 * the rows cst_facility_chooser_matches() says, and gives it the store's
 * connection to read the facilities from.
 *
 * Returns: (transfer none): the chooser
 */
CstFacilityChooser *
cst_facility_chooser_attach (GtkWidget *beside)
{
  CstFacilityChooser *self = CST_FACILITY_CHOOSER (cst_facility_chooser_new ());
  GtkWidget *box = gtk_widget_get_parent (beside);

  g_return_val_if_fail (GTK_IS_BOX (box), NULL);

  gtk_box_insert_child_after (GTK_BOX (box), GTK_WIDGET (self), beside);
  return self;
}

static void
cst_facility_chooser_dispose (GObject *object)
{
  CstFacilityChooser *self = CST_FACILITY_CHOOSER (object);

  cst_dispose_cancel (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), CST_TYPE_FACILITY_CHOOSER);
  g_clear_object (&self->connection);
  g_clear_pointer (&self->facilities, g_ptr_array_unref);
  G_OBJECT_CLASS (cst_facility_chooser_parent_class)->dispose (object);
}

static void
cst_facility_chooser_finalize (GObject *object)
{
  CstFacilityChooser *self = CST_FACILITY_CHOOSER (object);

  g_clear_object (&self->filter);
  G_OBJECT_CLASS (cst_facility_chooser_parent_class)->finalize (object);
}

static void
cst_facility_chooser_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CstFacilityChooser *self = CST_FACILITY_CHOOSER (object);

  switch (prop_id)
    {
    case PROP_CODE:
      g_value_set_string (value, cst_facility_chooser_get_code (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cst_facility_chooser_class_init (CstFacilityChooserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cst_facility_chooser_dispose;
  object_class->finalize = cst_facility_chooser_finalize;
  object_class->get_property = cst_facility_chooser_get_property;

  /* The chosen facility's code; NULL for all of them. */
  properties[PROP_CODE] = g_param_spec_string ("code", NULL, NULL, NULL,
                                               G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                                               G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/cst-facility-chooser.ui");
  gtk_widget_class_bind_template_child (widget_class, CstFacilityChooser, dropdown);
  gtk_widget_class_bind_template_child (widget_class, CstFacilityChooser, names);
  gtk_widget_class_bind_template_callback (widget_class, selected_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
cst_facility_chooser_init (CstFacilityChooser *self)
{
  self->filter = gtk_custom_filter_new (NULL, NULL, NULL);
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
cst_facility_chooser_new (void)
{
  return g_object_new (CST_TYPE_FACILITY_CHOOSER, NULL);
}
