/* cst-due-badge.c — how close a request is to its legal deadline
 *
 * The state is said in words and with an icon, never by colour alone:
 * "Overdue by 3 days", "Due in 2 days", "Due 2026-12-01".
 */
#define G_LOG_DOMAIN "cst-due-badge"

#include "config.h"

#include <glib/gi18n.h>

#include "cst-dispose.h"
#include "cst-due-badge.h"
#include "cst-line-cell.h"

#include <custodian/cst-input.h>
#include <custodian/cst-locale-format.h>

struct _CstDueBadge
{
  GtkWidget   parent_instance;

  GtkImage   *icon;
  CstLineCell *label;     /* a new text costs no measuring (cst-line-cell.c) */

  CstRequest *request;
  gulong      notify_id;
  int         shown_state;   /* whose class the badge has; -1 for none */
  const char *shown_icon;    /* a static name, or NULL */
};

G_DEFINE_FINAL_TYPE (CstDueBadge, cst_due_badge, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_REQUEST,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *const state_classes[] = { "due-closed", "due-on-track", "due-soon", "due-overdue",
                                             "due-none" };

/**
 * cst_due_badge_describe_rule:
 *
 * Returns: (nullable): the rule behind the badge, with its citation, for
 *   the tooltip and screen readers; NULL for a request not timed by a rule
 */
char *
cst_due_badge_describe_rule (CstRequest *request)
{
  const CstRequestDeadline *deadline = cst_request_get_deadline (request);

  if (deadline->citation == NULL)
    return NULL;
  if (!cst_request_has_legal_deadline (request))
    return g_strdup_printf (_("No law sets a deadline (%s): only the department's target applies"),
                            deadline->citation);
  /* TRANSLATORS: %s is a legal citation, e.g. "Cal. Health & Safety Code 123110(b)" */
  return g_strdup_printf (_("Legal deadline under %s"), deadline->citation);
}

/**
 * cst_due_badge_describe:
 *
 * Returns: the badge's words for @request as of @today
 */
char *
cst_due_badge_describe (CstRequest  *request,
                        const GDate *today)
{
  g_autofree char *due_text = NULL;
  int days = cst_request_days_left_on (request, today);

  switch (cst_request_due_state_on (request, today))
    {
    case CST_DUE_CLOSED:
      return g_strdup (cst_request_status_get_label (cst_request_get_status (request)));
    case CST_DUE_OVERDUE:
      return g_strdup_printf (g_dngettext (NULL, "Overdue by %d day", "Overdue by %d days", -days),
                              -days);
    case CST_DUE_SOON:
      if (days == 0)
        return g_strdup (_("Due today"));
      return g_strdup_printf (g_dngettext (NULL, "Due in %d day", "Due in %d days", days), days);
    case CST_DUE_NO_DEADLINE:
      return g_strdup (_("No legal deadline"));
    case CST_DUE_ON_TRACK:
    default:
      due_text = cst_locale_format_date (cst_request_get_due_date (request));
      /* TRANSLATORS: %s is a date */
      return g_strdup_printf (_("Due %s"), due_text);
    }
}

/* The request list rebinds up to 200 badges at a search keystroke, most
 * to a request in the same state as before: the style class and the icon
 * change only when the state does (a class toggled off and on restyles
 * the badge; a new icon, even the same one, is looked up and measured
 * again). */
static void
show_state (CstDueBadge *self,
            int          state,
            const char  *icon)
{
  if (state != self->shown_state)
    {
      if (self->shown_state >= 0)
        gtk_widget_remove_css_class (GTK_WIDGET (self), state_classes[self->shown_state]);
      if (state >= 0)
        gtk_widget_add_css_class (GTK_WIDGET (self), state_classes[state]);
      self->shown_state = state;
    }
  if (g_strcmp0 (icon, self->shown_icon) != 0)
    {
      gtk_image_set_from_icon_name (self->icon, icon);
      gtk_widget_set_visible (GTK_WIDGET (self->icon), icon != NULL);
      self->shown_icon = icon;
    }
}

static void
update (CstDueBadge *self)
{
  GDate today;
  CstDueState state = CST_DUE_CLOSED;
  g_autofree char *text = NULL;
  g_autofree char *rule = NULL;
  const char *icon = NULL;

  if (self->request == NULL)
    {
      cst_line_cell_set_text (self->label, "");
      show_state (self, -1, NULL);
      return;
    }
  cst_input_today (&today);
  state = cst_request_due_state_on (self->request, &today);
  text = cst_due_badge_describe (self->request, &today);
  cst_line_cell_set_text (self->label, text);
  if (state == CST_DUE_OVERDUE)
    icon = "dialog-warning-symbolic";
  else if (state == CST_DUE_SOON)
    icon = "alarm-symbolic";
  show_state (self, state, icon);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
  rule = cst_due_badge_describe_rule (self->request);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, rule ? rule : "", -1);
}

static void
request_changed_cb (CstDueBadge *self)
{
  update (self);
}

/* The rule's tooltip is written when the pointer rests on the badge, not
 * at every update: setting a tooltip makes GTK ask the display server
 * where the pointer is (a round trip to X), and the request list binds up
 * to 200 badges at each search keystroke. */
static gboolean
cst_due_badge_query_tooltip (GtkWidget  *widget,
                             int         x,
                             int         y,
                             gboolean    keyboard,
                             GtkTooltip *tooltip)
{
  CstDueBadge *self = CST_DUE_BADGE (widget);
  g_autofree char *rule = self->request ? cst_due_badge_describe_rule (self->request) : NULL;

  if (rule == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, rule);
  return TRUE;
}

static void
cst_due_badge_dispose (GObject *object)
{
  CstDueBadge *self = CST_DUE_BADGE (object);

  cst_due_badge_set_request (self, NULL);
  cst_dispose_template (GTK_WIDGET (self), CST_TYPE_DUE_BADGE);
  G_OBJECT_CLASS (cst_due_badge_parent_class)->dispose (object);
}

static void
cst_due_badge_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CstDueBadge *self = CST_DUE_BADGE (object);

  switch (prop_id)
    {
    case PROP_REQUEST: g_value_set_object (value, self->request); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cst_due_badge_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  CstDueBadge *self = CST_DUE_BADGE (object);

  switch (prop_id)
    {
    case PROP_REQUEST: cst_due_badge_set_request (self, g_value_get_object (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cst_due_badge_class_init (CstDueBadgeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cst_due_badge_dispose;
  object_class->get_property = cst_due_badge_get_property;
  object_class->set_property = cst_due_badge_set_property;
  widget_class->query_tooltip = cst_due_badge_query_tooltip;

  properties[PROP_REQUEST] =
    g_param_spec_object ("request", NULL, NULL, CST_TYPE_REQUEST,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CST_TYPE_LINE_CELL);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/cst-due-badge.ui");
  gtk_widget_class_bind_template_child (widget_class, CstDueBadge, icon);
  gtk_widget_class_bind_template_child (widget_class, CstDueBadge, label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "duebadge");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_STATUS);
}

static void
cst_due_badge_init (CstDueBadge *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->shown_state = -1;
  gtk_widget_set_visible (GTK_WIDGET (self->icon), FALSE);
  /* "Overdue by 888 days" where the badge has room to choose (the
   * request's view); in the list, the column's width. */
  cst_line_cell_set_width_chars (self->label, 20);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))), 4);
}

GtkWidget *
cst_due_badge_new (void)
{
  return g_object_new (CST_TYPE_DUE_BADGE, NULL);
}

CstRequest *
cst_due_badge_get_request (CstDueBadge *self)
{
  return self->request;
}

void
cst_due_badge_set_request (CstDueBadge *self,
                           CstRequest  *request)
{
  g_return_if_fail (CST_IS_DUE_BADGE (self));

  if (self->request == request)
    return;
  if (self->request != NULL)
    g_clear_signal_handler (&self->notify_id, self->request);
  g_set_object (&self->request, request);
  /* A plain handler (the list rebinds up to 200 badges a keystroke; one
   * tied to the badge's life costs weak references on both): the badge
   * lets go of its request when disposed. */
  if (request != NULL)
    self->notify_id = g_signal_connect_swapped (request, "notify::due-state",
                                                G_CALLBACK (request_changed_cb), self);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REQUEST]);
}
