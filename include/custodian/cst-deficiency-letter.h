/* cst-deficiency-letter.h — the letter that names what an authorization lacks */
#pragma once

#include <libpq-fe.h>

#include "custodian/cst-request.h"

G_BEGIN_DECLS

/* A PDF listing exactly the elements of @request's authorization that are
 * missing or unchecked; an error when there are none.  The rendering is
 * recorded in the audit log as "authorization.deficiency_letter". */
GBytes *cst_deficiency_letter_render (PGconn      *conn,
                                      CstRequest  *request,
                                      const char  *language,
                                      GError     **error);

G_END_DECLS
