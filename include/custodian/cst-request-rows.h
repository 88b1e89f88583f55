/* cst-request-rows.h — the request list's rows as compact records, with
 * an object made for a row only when one is asked for */
#pragma once

#include <glib-object.h>

#include "custodian/cst-request.h"

G_BEGIN_DECLS

typedef struct _CstRequestRows CstRequestRows;

CstRequestRows *cst_request_rows_new            (void);
void            cst_request_rows_free           (CstRequestRows *rows);
guint           cst_request_rows_get_length     (CstRequestRows *rows);
gsize           cst_request_rows_get_size       (CstRequestRows *rows);

gboolean        cst_request_rows_find           (CstRequestRows *rows,
                                                 gint64          id,
                                                 guint          *position);
gint64          cst_request_rows_get_id         (CstRequestRows *rows,
                                                 guint           position);
int             cst_request_rows_get_version    (CstRequestRows *rows,
                                                 guint           position);
CstRequestStatus cst_request_rows_get_status    (CstRequestRows *rows,
                                                 guint           position);
gboolean        cst_request_rows_get_received_date (CstRequestRows *rows,
                                                    guint           position,
                                                    GDate          *date);
const char     *cst_request_rows_get_search_key (CstRequestRows *rows,
                                                 guint           position);
gsize           cst_request_rows_get_search_key_length (CstRequestRows *rows,
                                                        guint           position);
const char     *cst_request_rows_get_keys       (CstRequestRows *rows,
                                                 gsize          *size);
guint           cst_request_rows_find_key       (CstRequestRows *rows,
                                                 gsize           offset,
                                                 guint           from);
const char     *cst_request_rows_get_facility_code (CstRequestRows *rows,
                                                    guint           position);
CstDueState     cst_request_rows_due_state_on   (CstRequestRows *rows,
                                                 guint           position,
                                                 const GDate    *today);

CstRequest     *cst_request_rows_make_request   (CstRequestRows *rows,
                                                 guint           position);
void            cst_request_rows_insert_requests (CstRequestRows *rows,
                                                  guint           position,
                                                  CstRequest    **requests,
                                                  guint           n);
void            cst_request_rows_set_request    (CstRequestRows *rows,
                                                 guint           position,
                                                 CstRequest     *request);
void            cst_request_rows_append_row     (CstRequestRows *rows,
                                                 CstRequestRows *from,
                                                 guint           position);
void            cst_request_rows_remove         (CstRequestRows *rows,
                                                 guint           position);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstRequestRows, cst_request_rows_free)

G_END_DECLS
