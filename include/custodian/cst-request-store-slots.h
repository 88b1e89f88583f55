/* cst-request-store-slots.h — the request list's rows as the column view
 * holds them: one object per position, kept while a row shows it */
#pragma once

#include <gio/gio.h>

#include "custodian/cst-request.h"

G_BEGIN_DECLS

#define CST_TYPE_REQUEST_STORE_SLOT (cst_request_store_slot_get_type ())
G_DECLARE_FINAL_TYPE (CstRequestStoreSlot, cst_request_store_slot, CST, REQUEST_STORE_SLOT, GObject)

CstRequest *cst_request_store_slot_get_request  (CstRequestStoreSlot *self);
guint       cst_request_store_slot_get_position (CstRequestStoreSlot *self);

#define CST_TYPE_REQUEST_STORE_SLOTS (cst_request_store_slots_get_type ())
G_DECLARE_FINAL_TYPE (CstRequestStoreSlots, cst_request_store_slots, CST, REQUEST_STORE_SLOTS, GObject)

CstRequestStoreSlots *cst_request_store_slots_new (GListModel *model);

G_END_DECLS
