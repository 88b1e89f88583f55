/* cst-due-badge.h — how close a request is to its legal deadline */
#pragma once

#include <gtk/gtk.h>
#include <custodian/cst-request.h>

G_BEGIN_DECLS

#define CST_TYPE_DUE_BADGE (cst_due_badge_get_type ())
G_DECLARE_FINAL_TYPE (CstDueBadge, cst_due_badge, CST, DUE_BADGE, GtkWidget)

GtkWidget  *cst_due_badge_new         (void);
void        cst_due_badge_set_request (CstDueBadge *self,
                                       CstRequest  *request);
CstRequest *cst_due_badge_get_request (CstDueBadge *self);
char       *cst_due_badge_describe    (CstRequest  *request,
                                       const GDate *today);
char       *cst_due_badge_describe_rule (CstRequest *request);

G_END_DECLS
