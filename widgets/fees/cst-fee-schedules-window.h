/* cst-fee-schedules-window.h — review, compare and edit the fee schedules (administrators) */
#pragma once

#include <adwaita.h>
#include <custodian/cst-connection.h>

G_BEGIN_DECLS

#define CST_TYPE_FEE_SCHEDULES_WINDOW (cst_fee_schedules_window_get_type ())
G_DECLARE_FINAL_TYPE (CstFeeSchedulesWindow, cst_fee_schedules_window, CST, FEE_SCHEDULES_WINDOW, AdwWindow)

CstFeeSchedulesWindow *cst_fee_schedules_window_new        (GtkWindow             *parent,
                                                            CstConnection         *connection);
gboolean               cst_fee_schedules_window_is_busy    (CstFeeSchedulesWindow *self);
guint                  cst_fee_schedules_window_get_n_schedules (CstFeeSchedulesWindow *self);
void                   cst_fee_schedules_window_select     (CstFeeSchedulesWindow *self,
                                                            const char            *key);
void                   cst_fee_schedules_window_set_text   (CstFeeSchedulesWindow *self,
                                                            const char            *text);
const char            *cst_fee_schedules_window_get_message (CstFeeSchedulesWindow *self);
int                    cst_fee_schedules_window_get_version (CstFeeSchedulesWindow *self);

const char *cst_fee_schedules_window_get_expiry_text (CstFeeSchedulesWindow *self);

void        cst_fee_schedules_window_show_form (CstFeeSchedulesWindow *self);
guint       cst_fee_schedules_window_get_n_tiers (CstFeeSchedulesWindow *self);
void        cst_fee_schedules_window_set_tier_amount (CstFeeSchedulesWindow *self,
                                                      guint                  index,
                                                      const char            *amount);
void        cst_fee_schedules_window_set_form_date (CstFeeSchedulesWindow *self,
                                                    gboolean               to,
                                                    const char            *date);

G_END_DECLS
