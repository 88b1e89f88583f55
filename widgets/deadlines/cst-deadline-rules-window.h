/* cst-deadline-rules-window.h — review the legal deadline rules; administrators save new versions */
#pragma once

#include <adwaita.h>
#include <custodian/cst-connection.h>

G_BEGIN_DECLS

#define CST_TYPE_DEADLINE_RULES_WINDOW (cst_deadline_rules_window_get_type ())
G_DECLARE_FINAL_TYPE (CstDeadlineRulesWindow, cst_deadline_rules_window, CST, DEADLINE_RULES_WINDOW, AdwWindow)

CstDeadlineRulesWindow *cst_deadline_rules_window_new         (GtkWindow              *parent,
                                                               CstConnection          *connection);
gboolean                cst_deadline_rules_window_is_busy     (CstDeadlineRulesWindow *self);
gboolean                cst_deadline_rules_window_get_editable (CstDeadlineRulesWindow *self);
guint                   cst_deadline_rules_window_get_n_rules (CstDeadlineRulesWindow *self);
char                   *cst_deadline_rules_window_dup_row_text (CstDeadlineRulesWindow *self,
                                                                const char             *key);
void                    cst_deadline_rules_window_select      (CstDeadlineRulesWindow *self,
                                                               const char             *key);
int                     cst_deadline_rules_window_get_version (CstDeadlineRulesWindow *self);
char                   *cst_deadline_rules_window_dup_text    (CstDeadlineRulesWindow *self);
void                    cst_deadline_rules_window_set_text    (CstDeadlineRulesWindow *self,
                                                               const char             *text);
const char             *cst_deadline_rules_window_get_message (CstDeadlineRulesWindow *self);

G_END_DECLS
