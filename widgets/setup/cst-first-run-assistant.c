/* cst-first-run-assistant.c — the set-up questions of a first start
 *
 * Four short pages: where the data lives (the private database, the
 * default, or a hospital server, which must answer a test connection
 * before Next), the facility's details and default state, and what the
 * user does.  The answers go to a delayed copy of the settings and are
 * applied together on Finish, with "first-run-done"; closing the window
 * instead changes nothing, and the assistant comes back next time.  The
 * facility's details belong in the database, which is not open yet: the
 * application reads them with cst_first_run_assistant_get_facility() and
 * stores them once the database is open, if its facility is still blank.
 *
 * The role is informative: it arranges nothing the database would not
 * allow, and a tested server login's real role is chosen for the user.
 *
 * Signals: "finished" (gboolean applied) when the window goes away.
 */
#define G_LOG_DOMAIN "cst-first-run-assistant"

#include "config.h"

#include <glib/gi18n.h>

#include "cst-facility-form.h"
#include "cst-first-run-assistant.h"
#include "cst-server-form.h"

struct _CstFirstRunAssistant
{
  AdwWindow        parent_instance;

  GtkStack        *pages;
  GtkButton       *back_button;
  GtkButton       *next_button;
  GtkCheckButton  *private_check;
  GtkCheckButton  *server_check;
  CstServerForm   *server_form;
  CstFacilityForm *facility_form;
  GtkCheckButton  *role_checks[4];
  GtkLabel        *role_note;

  GSettings       *settings;   /* delayed: applied on Finish */
  gboolean         applied;
};

G_DEFINE_FINAL_TYPE (CstFirstRunAssistant, cst_first_run_assistant, ADW_TYPE_WINDOW)

enum { FINISHED, N_SIGNALS };
static guint signals[N_SIGNALS];

static const char *const page_order[] = { "where", "server", "facility", "role", NULL };
/* The role checks' order, as the "user-role" setting names them. */
static const char *const roles[] = { "clerk", "billing", "auditor", "admin" };

static gboolean
uses_server (CstFirstRunAssistant *self)
{
  return gtk_check_button_get_active (self->server_check);
}

static guint
page_index (CstFirstRunAssistant *self)
{
  const char *name = gtk_stack_get_visible_child_name (self->pages);

  for (guint i = 0; page_order[i]; i++)
    if (g_strcmp0 (name, page_order[i]) == 0)
      return i;
  return 0;
}

/* Next waits for a working server; the last page finishes. */
static void
update_buttons (CstFirstRunAssistant *self)
{
  guint i = page_index (self);
  gboolean last = page_order[i + 1] == NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->back_button), i > 0);
  gtk_button_set_label (self->next_button, last ? _("_Finish") : _("_Next"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->next_button),
                            !g_str_equal (page_order[i], "server") ||
                            cst_server_form_get_verified (self->server_form));
}

static void
show_page (CstFirstRunAssistant *self,
           guint                 i)
{
  gtk_stack_set_visible_child_name (self->pages, page_order[i]);
  update_buttons (self);
}

/* A tested login's group role ("custodian_billing") picks its answer. */
static void
preselect_role (CstFirstRunAssistant *self)
{
  const char *found = uses_server (self) ? cst_server_form_get_found_role (self->server_form) : NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->role_note), found != NULL);
  if (found == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    if (g_str_has_suffix (found, roles[i]))
      gtk_check_button_set_active (self->role_checks[i], TRUE);
}

static void
finish (CstFirstRunAssistant *self)
{
  g_autofree char *conninfo = uses_server (self) ? cst_server_form_get_conninfo (self->server_form)
                                                 : g_strdup ("");

  g_settings_set_string (self->settings, "database", conninfo);
  g_settings_set_string (self->settings, "user-role", cst_first_run_assistant_get_role (self));
  g_settings_set_boolean (self->settings, "first-run-done", TRUE);
  g_settings_apply (self->settings);
  self->applied = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

static void
next_action (GtkWidget  *widget,
             const char *name,
             GVariant   *param)
{
  CstFirstRunAssistant *self = CST_FIRST_RUN_ASSISTANT (widget);
  guint i = page_index (self);

  if (g_str_equal (page_order[i], "server") && !cst_server_form_get_verified (self->server_form))
    return;
  if (page_order[i + 1] == NULL)
    {
      finish (self);
      return;
    }
  i++;
  if (g_str_equal (page_order[i], "server") && !uses_server (self))
    i++;
  if (g_str_equal (page_order[i], "role"))
    preselect_role (self);
  show_page (self, i);
}

static void
back_action (GtkWidget  *widget,
             const char *name,
             GVariant   *param)
{
  CstFirstRunAssistant *self = CST_FIRST_RUN_ASSISTANT (widget);
  guint i = page_index (self);

  if (i == 0)
    return;
  i--;
  if (g_str_equal (page_order[i], "server") && !uses_server (self))
    i--;
  show_page (self, i);
}

static void
verified_changed_cb (CstFirstRunAssistant *self)
{
  update_buttons (self);
}

/* The page the assistant shows: "where", "server", "facility" or "role". */
const char *
cst_first_run_assistant_get_page (CstFirstRunAssistant *self)
{
  return gtk_stack_get_visible_child_name (self->pages);
}

void
cst_first_run_assistant_use_server (CstFirstRunAssistant *self,
                                    gboolean              server)
{
  gtk_check_button_set_active (server ? self->server_check : self->private_check, TRUE);
}

GtkWidget *
cst_first_run_assistant_get_server_form (CstFirstRunAssistant *self)
{
  return GTK_WIDGET (self->server_form);
}

/**
 * cst_first_run_assistant_get_facility:
 *
 * Returns: (transfer full) (nullable): the facility's details as typed
 *   on Finish, or NULL when the assistant was closed or left them blank
 */
CstFacility *
cst_first_run_assistant_get_facility (CstFirstRunAssistant *self)
{
  g_autoptr(CstFacility) facility = NULL;

  if (!self->applied)
    return NULL;
  facility = cst_facility_form_get_facility (self->facility_form);
  return cst_facility_is_blank (facility) ? NULL : g_steal_pointer (&facility);
}

/* The chosen answer, as the "user-role" setting stores it. */
const char *
cst_first_run_assistant_get_role (CstFirstRunAssistant *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    if (gtk_check_button_get_active (self->role_checks[i]))
      return roles[i];
  return roles[0];
}

static gboolean
cst_first_run_assistant_close_request (GtkWindow *window)
{
  CstFirstRunAssistant *self = CST_FIRST_RUN_ASSISTANT (window);

  if (!self->applied)
    g_settings_revert (self->settings);
  g_signal_emit (self, signals[FINISHED], 0, self->applied);
  return GTK_WINDOW_CLASS (cst_first_run_assistant_parent_class)->close_request (window);
}

static void
cst_first_run_assistant_dispose (GObject *object)
{
  CstFirstRunAssistant *self = CST_FIRST_RUN_ASSISTANT (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CST_TYPE_FIRST_RUN_ASSISTANT);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (cst_first_run_assistant_parent_class)->dispose (object);
}

static void
cst_first_run_assistant_class_init (CstFirstRunAssistantClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = cst_first_run_assistant_dispose;
  GTK_WINDOW_CLASS (klass)->close_request = cst_first_run_assistant_close_request;
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
  g_type_ensure (CST_TYPE_SERVER_FORM);
  g_type_ensure (CST_TYPE_FACILITY_FORM);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/cst-first-run-assistant.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, CstFirstRunAssistant, name)
  BIND (pages); BIND (back_button); BIND (next_button); BIND (private_check); BIND (server_check);
  BIND (server_form); BIND (facility_form); BIND (role_note);
#undef BIND
  gtk_widget_class_bind_template_child_full (widget_class, "clerk_check", FALSE,
                                             G_STRUCT_OFFSET (CstFirstRunAssistant, role_checks[0]));
  gtk_widget_class_bind_template_child_full (widget_class, "billing_check", FALSE,
                                             G_STRUCT_OFFSET (CstFirstRunAssistant, role_checks[1]));
  gtk_widget_class_bind_template_child_full (widget_class, "auditor_check", FALSE,
                                             G_STRUCT_OFFSET (CstFirstRunAssistant, role_checks[2]));
  gtk_widget_class_bind_template_child_full (widget_class, "admin_check", FALSE,
                                             G_STRUCT_OFFSET (CstFirstRunAssistant, role_checks[3]));
  gtk_widget_class_bind_template_callback (widget_class, verified_changed_cb);
  gtk_widget_class_install_action (widget_class, "assistant.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "assistant.back", NULL, back_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cst_first_run_assistant_init (CstFirstRunAssistant *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * cst_first_run_assistant_new:
 * @settings: the settings the answers go to, on Finish
 */
CstFirstRunAssistant *
cst_first_run_assistant_new (GtkWindow *parent,
                             GSettings *settings)
{
  CstFirstRunAssistant *self = g_object_new (CST_TYPE_FIRST_RUN_ASSISTANT,
                                             "transient-for", parent,
                                             "modal", parent != NULL,
                                             NULL);
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettingsBackend) backend = NULL;
  g_autofree char *path = NULL;

  /* A copy of our own over the same store, so delaying it leaves the
   * caller's object alone. */
  g_object_get (settings, "settings-schema", &schema, "backend", &backend, "path", &path, NULL);
  self->settings = g_settings_new_full (schema, backend, path);
  g_settings_delay (self->settings);
  cst_facility_form_bind (self->facility_form, self->settings);
  show_page (self, 0);
  return self;
}
