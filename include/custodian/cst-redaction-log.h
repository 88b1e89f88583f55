/* cst-redaction-log.h — the redaction log of a request (issue 19)
 *
 * One line per page and reason of the applied redactions: the document,
 * its page, where that page sits in the last packet built, the reason and
 * how many boxes; never what lies under them.  custodian-cli packet
 * redaction-log prints it.
 *
 * Also the request's choices for its packet (0076): whether the pages
 * rebuilt for redaction get an OCR text layer, read from the burned
 * image, and whether the packet ends with a redaction log page.
 */
#pragma once

#include <gio/gio.h>

#include "custodian/cst-db-types.h"

G_BEGIN_DECLS

typedef struct
{
  gint64  document_id;
  guint   page;          /* of the document, from 1 */
  guint   packet_page;   /* in the last packet built, from 1; 0 when not known */
  char   *reason;        /* a code of cst_redaction_reasons() */
  char   *reason_text;   /* NULL unless written */
  guint   boxes;
} CstRedactionLogLine;

void       cst_redaction_log_line_free (CstRedactionLogLine *line);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstRedactionLogLine, cst_redaction_log_line_free)

/* Returns: (transfer full): #CstRedactionLogLine in release order. */
GPtrArray *cst_redaction_log           (PGconn      *conn,
                                        gint64       request_id,
                                        GError     **error);
GPtrArray *cst_redaction_log_at        (const char  *conninfo,
                                        const char  *reference,
                                        GError     **error);

/* The request's choices; both FALSE until chosen. */
typedef struct
{
  gboolean text_layer;
  gboolean log_page;
} CstRedactionOptions;

gboolean   cst_redaction_options_get   (PGconn                     *conn,
                                        gint64                      request_id,
                                        CstRedactionOptions        *options,
                                        GError                    **error);
gboolean   cst_redaction_options_set   (PGconn                     *conn,
                                        gint64                      request_id,
                                        const CstRedactionOptions  *options,
                                        GError                    **error);
/* The blocking form custodian-cli uses: a choice is changed where
 * @text_layer or @log_page is not NULL; @options gets them as they are. */
gboolean   cst_redaction_options_at    (const char                 *conninfo,
                                        const char                 *reference,
                                        const gboolean             *text_layer,
                                        const gboolean             *log_page,
                                        CstRedactionOptions        *options,
                                        GError                    **error);

G_END_DECLS
