/* cst-enums.h — labels and database names of the model's enumerations */
#pragma once

#include <glib-object.h>

#include "custodian/cst-enums-types.h"
#include "cst-enum-types.h"

G_BEGIN_DECLS

const char *cst_enum_to_nick      (GType        enum_type,
                                   int          value);
gboolean    cst_enum_from_nick    (GType        enum_type,
                                   const char  *nick,
                                   int         *value);
const char *cst_enum_get_label    (GType        enum_type,
                                   int          value);
const char *cst_enum_get_label_for_nick (GType       enum_type,
                                         const char *nick);

const char *cst_request_status_get_label     (CstRequestStatus  status);
const char *cst_requester_kind_get_label     (CstRequesterKind  kind);
const char *cst_record_format_get_label      (CstRecordFormat   format);
const char *cst_delivery_method_get_label    (CstDeliveryMethod delivery);
const char *cst_due_state_get_label          (CstDueState       state);
gboolean    cst_due_state_is_at_risk         (CstDueState       state);

gboolean    cst_request_status_is_closed     (CstRequestStatus  status);
gboolean    cst_request_status_can_move      (CstRequestStatus  from,
                                              CstRequestStatus  to);
gboolean    cst_request_status_check_move    (CstRequestStatus  from,
                                              CstRequestStatus  to,
                                              const char       *reason,
                                              GError          **error);
guint       cst_request_status_list_targets  (CstRequestStatus  from,
                                              CstRequestStatus *targets);

G_END_DECLS
