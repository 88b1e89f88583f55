/* cst-letterhead-row.h — which facility's statement this is */
#pragma once

#include <adwaita.h>
#include <custodian/cst-connection.h>
#include <custodian/cst-facility.h>

G_BEGIN_DECLS

#define CST_TYPE_LETTERHEAD_ROW (cst_letterhead_row_get_type ())
G_DECLARE_FINAL_TYPE (CstLetterheadRow, cst_letterhead_row, CST, LETTERHEAD_ROW, AdwComboRow)

void               cst_letterhead_row_set_connection (CstLetterheadRow *self,
                                                      CstConnection    *connection);
void               cst_letterhead_row_set_wanted     (CstLetterheadRow *self,
                                                      const char       *code);
const CstFacility *cst_letterhead_row_get_facility   (CstLetterheadRow *self);
gboolean           cst_letterhead_row_is_loading     (CstLetterheadRow *self);

G_END_DECLS
