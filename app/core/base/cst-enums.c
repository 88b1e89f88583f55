/* cst-enums.c — labels, database names and the request workflow */
#define G_LOG_DOMAIN "cst-enums"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "custodian/cst-enums.h"
#include "custodian/cst-error.h"
#include "custodian/cst-input.h"

const char *
cst_enum_to_nick (GType enum_type,
                  int   value)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (enum_type);
  GEnumValue *v = g_enum_get_value (klass, value);

  return v ? v->value_nick : NULL;
}

gboolean
cst_enum_from_nick (GType       enum_type,
                    const char *nick,
                    int        *value)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (enum_type);
  GEnumValue *v;

  if (nick == NULL)
    return FALSE;
  v = g_enum_get_value_by_nick (klass, nick);
  if (v == NULL)
    return FALSE;
  *value = v->value;
  return TRUE;
}

const char *
cst_request_status_get_label (CstRequestStatus status)
{
  switch (status)
    {
    case CST_STATUS_RECEIVED: return _("Received");
    case CST_STATUS_AUTHORIZATION_VERIFIED: return _("Authorization verified");
    case CST_STATUS_IN_PROGRESS: return _("In progress");
    case CST_STATUS_QUALITY_CHECK: return _("Quality check");
    case CST_STATUS_READY: return _("Ready");
    case CST_STATUS_RELEASED: return _("Released");
    case CST_STATUS_DENIED: return _("Denied");
    case CST_STATUS_CANCELLED: return _("Cancelled");
    default: g_return_val_if_reached (NULL);
    }
}

const char *
cst_requester_kind_get_label (CstRequesterKind kind)
{
  switch (kind)
    {
    case CST_REQUESTER_PATIENT: return _("Patient");
    case CST_REQUESTER_PERSONAL_REPRESENTATIVE: return _("Personal representative");
    case CST_REQUESTER_ATTORNEY: return _("Attorney");
    case CST_REQUESTER_INSURER: return _("Insurer");
    case CST_REQUESTER_PROVIDER: return _("Provider");
    case CST_REQUESTER_GOVERNMENT_AGENCY: return _("Government agency");
    case CST_REQUESTER_OTHER: return _("Other");
    case CST_REQUESTER_PATIENT_DIRECTIVE: return _("Patient's directive to a third party");
    default: g_return_val_if_reached (NULL);
    }
}

const char *
cst_record_format_get_label (CstRecordFormat format)
{
  switch (format)
    {
    case CST_FORMAT_PAPER: return _("Paper");
    case CST_FORMAT_ELECTRONIC: return _("Electronic");
    case CST_FORMAT_PORTABLE_MEDIA: return _("Portable media");
    default: g_return_val_if_reached (NULL);
    }
}

const char *
cst_delivery_method_get_label (CstDeliveryMethod delivery)
{
  switch (delivery)
    {
    case CST_DELIVERY_MAIL: return _("Mail");
    case CST_DELIVERY_PICKUP: return _("Pickup");
    case CST_DELIVERY_SECURE_EMAIL: return _("Secure email");
    case CST_DELIVERY_PORTAL: return _("Patient portal");
    case CST_DELIVERY_FAX: return _("Fax");
    default: g_return_val_if_reached (NULL);
    }
}

const char *
cst_due_state_get_label (CstDueState state)
{
  switch (state)
    {
    case CST_DUE_CLOSED: return _("Closed");
    case CST_DUE_ON_TRACK: return _("On track");
    case CST_DUE_SOON: return _("Due soon");
    case CST_DUE_OVERDUE: return _("Overdue");
    case CST_DUE_NO_DEADLINE: return _("No legal deadline");
    default: g_return_val_if_reached (NULL);
    }
}

/* "At risk" is one idea with one test: due soon or overdue, the list's
 * filter and the morning summary alike (cst-clocks.c counts the same in
 * SQL). */
gboolean
cst_due_state_is_at_risk (CstDueState state)
{
  return state == CST_DUE_SOON || state == CST_DUE_OVERDUE;
}

/**
 * cst_enum_get_label:
 * @enum_type: one of the model's enumerations (CST_TYPE_REQUEST_STATUS…)
 *
 * Returns: @value's label, as its own _get_label function gives it
 */
const char *
cst_enum_get_label (GType enum_type,
                    int   value)
{
  if (enum_type == CST_TYPE_REQUEST_STATUS)
    return cst_request_status_get_label (value);
  if (enum_type == CST_TYPE_REQUESTER_KIND)
    return cst_requester_kind_get_label (value);
  if (enum_type == CST_TYPE_RECORD_FORMAT)
    return cst_record_format_get_label (value);
  if (enum_type == CST_TYPE_DELIVERY_METHOD)
    return cst_delivery_method_get_label (value);
  if (enum_type == CST_TYPE_DUE_STATE)
    return cst_due_state_get_label (value);
  g_return_val_if_reached (NULL);
}

/**
 * cst_enum_get_label_for_nick:
 * @nick: (nullable): a database name, as a query returns it
 *
 * For text made from query results (reports, the evidence pack).
 *
 * Returns: the label of @nick; an unknown nick as it is, %NULL as ""
 */
const char *
cst_enum_get_label_for_nick (GType       enum_type,
                             const char *nick)
{
  int value;

  if (nick == NULL)
    return "";
  return cst_enum_from_nick (enum_type, nick, &value) ? cst_enum_get_label (enum_type, value) : nick;
}

gboolean
cst_request_status_is_closed (CstRequestStatus status)
{
  return status == CST_STATUS_RELEASED ||
         status == CST_STATUS_DENIED ||
         status == CST_STATUS_CANCELLED;
}

/* The workflow.  resources/sql/0001-foundation.sql holds the same table for
 * the database's own check; tests/db/test-workflow.c asserts they agree. */
static const struct { CstRequestStatus from, to; } transitions[] = {
  { CST_STATUS_RECEIVED, CST_STATUS_AUTHORIZATION_VERIFIED },
  { CST_STATUS_RECEIVED, CST_STATUS_DENIED },
  { CST_STATUS_RECEIVED, CST_STATUS_CANCELLED },
  { CST_STATUS_AUTHORIZATION_VERIFIED, CST_STATUS_IN_PROGRESS },
  { CST_STATUS_AUTHORIZATION_VERIFIED, CST_STATUS_DENIED },
  { CST_STATUS_AUTHORIZATION_VERIFIED, CST_STATUS_CANCELLED },
  { CST_STATUS_IN_PROGRESS, CST_STATUS_QUALITY_CHECK },
  { CST_STATUS_IN_PROGRESS, CST_STATUS_DENIED },
  { CST_STATUS_IN_PROGRESS, CST_STATUS_CANCELLED },
  { CST_STATUS_QUALITY_CHECK, CST_STATUS_READY },
  { CST_STATUS_QUALITY_CHECK, CST_STATUS_IN_PROGRESS },
  { CST_STATUS_QUALITY_CHECK, CST_STATUS_CANCELLED },
  { CST_STATUS_READY, CST_STATUS_RELEASED },
  { CST_STATUS_READY, CST_STATUS_IN_PROGRESS },
  { CST_STATUS_READY, CST_STATUS_CANCELLED },
};

gboolean
cst_request_status_can_move (CstRequestStatus from,
                             CstRequestStatus to)
{
  for (guint i = 0; i < G_N_ELEMENTS (transitions); i++)
    if (transitions[i].from == from && transitions[i].to == to)
      return TRUE;
  return FALSE;
}

/* Fills @targets (room for CST_N_STATUSES) with the statuses reachable from
 * @from, in workflow order, and returns how many there are. */
guint
cst_request_status_list_targets (CstRequestStatus  from,
                                 CstRequestStatus *targets)
{
  guint n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (transitions); i++)
    if (transitions[i].from == from)
      targets[n++] = transitions[i].to;
  return n;
}

gboolean
cst_request_status_check_move (CstRequestStatus   from,
                               CstRequestStatus   to,
                               const char        *reason,
                               GError           **error)
{
  if (cst_request_status_is_closed (from))
    {
      g_set_error (error, CST_ERROR, CST_ERROR_CLOSED,
                   _("The request is already %s and can no longer change."),
                   cst_request_status_get_label (from));
      return FALSE;
    }
  if (!cst_request_status_can_move (from, to))
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_TRANSITION,
                   _("A request that is “%s” cannot move to “%s”."),
                   cst_request_status_get_label (from),
                   cst_request_status_get_label (to));
      return FALSE;
    }
  if (to == CST_STATUS_DENIED && cst_input_is_blank (reason))
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                           _("A denial needs a reason; the requester will be told it."));
      return FALSE;
    }
  return TRUE;
}
