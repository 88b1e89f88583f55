/* cst-redaction.h — redaction inside the record pages of a packet
 *
 * A redaction is a box on one page of a record document, in points from
 * the page's top-left corner (as the page shows), with a reason from the
 * withholding reasons.  A clerk proposes; a person with the redaction
 * right (the database role custodian_redactor, or an administrator)
 * applies, accepts, or removes, until the request is released.  Finding a
 * text marks every occurrence: Poppler's words on born-digital pages,
 * Tesseract's on scanned ones.  Building the packet burns each page with
 * an applied box into an image and reads the packet back to prove that no
 * redacted text is left (cst-redaction-burn.c); the release waits for
 * that proof (migration 0069).
 */
#pragma once

#include <gio/gio.h>

#include "custodian/cst-connection.h"
#include "custodian/cst-db-types.h"

G_BEGIN_DECLS

/* The resolution a redacted page is rebuilt at, dots per inch. */
#define CST_REDACTION_DPI_DEFAULT 200

typedef struct
{
  double x;        /* points from the page's left edge */
  double y;        /* points from the page's top edge */
  double width;
  double height;
} CstRedactionBox;

typedef struct
{
  gint64           id;
  gint64           request_id;
  gint64           document_id;
  guint            page;         /* of the document, from 1 */
  CstRedactionBox  box;
  char            *reason;       /* a code of cst_redaction_reasons() */
  char            *reason_text;  /* NULL unless written */
  char            *source;       /* "box", "text" or "proposal" */
  char            *state;        /* "proposed", "applied", "rejected", "removed" */
  char            *proposed_by;
  GDateTime       *proposed_at;
  char            *decided_by;   /* NULL while proposed */
  GDateTime       *decided_at;
} CstRedaction;

void cst_redaction_free (CstRedaction *redaction);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstRedaction, cst_redaction_free)

/* One place a text was found. */
typedef struct
{
  gint64          document_id;
  guint           page;          /* of the document, from 1 */
  CstRedactionBox box;
} CstRedactionHit;

/* What the read-back of one build found. */
typedef struct
{
  gboolean checked;         /* FALSE: the build had no redactions */
  gboolean passed;
  guint    failed_page;     /* of the packet, from 1; 0 when passed */
  guint    redacted_pages;
  guint    redactions;
  guint    withheld_pages;  /* compared by page hash (0076) */
} CstRedactionProof;

/* Called on the thread that started the search, between pages. */
typedef void (*CstRedactionProgress) (guint    done_pages,
                                      guint    total_pages,
                                      gpointer user_data);

gboolean           cst_redaction_box_parse      (const char       *text,
                                                 CstRedactionBox  *box,
                                                 GError          **error);

const char *const *cst_redaction_reasons        (void);
gboolean           cst_redaction_reason_valid   (const char *reason);
const char        *cst_redaction_reason_code    (const char *reason);
const char        *cst_redaction_reason_label   (const char *reason);

gint64     cst_redaction_add            (PGconn                 *conn,
                                         gint64                  document_id,
                                         guint                   page,
                                         const CstRedactionBox  *box,
                                         const char             *reason,
                                         const char             *reason_text,
                                         const char             *source,
                                         gboolean                apply,
                                         GError                **error);
GPtrArray *cst_redaction_list           (PGconn                 *conn,
                                         gint64                  request_id,
                                         GError                **error);
gboolean   cst_redaction_decide         (PGconn                 *conn,
                                         gint64                  redaction_id,
                                         gboolean                apply,
                                         GError                **error);
gboolean   cst_redaction_remove         (PGconn                 *conn,
                                         gint64                  redaction_id,
                                         GError                **error);
gboolean   cst_redaction_proof_of_build (PGconn                 *conn,
                                         gint64                  build_id,
                                         CstRedactionProof      *proof,
                                         GError                **error);

GPtrArray *cst_redaction_find_text      (PGconn                 *conn,
                                         gint64                  request_id,
                                         const char             *text,
                                         CstRedactionProgress    progress,
                                         gpointer                progress_data,
                                         GCancellable           *cancellable,
                                         GError                **error);
void       cst_redaction_find_text_async  (CstConnection        *connection,
                                           gint64                request_id,
                                           const char           *text,
                                           CstRedactionProgress  progress,
                                           gpointer              progress_data,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
GPtrArray *cst_redaction_find_text_finish (CstConnection        *connection,
                                           GAsyncResult         *result,
                                           GError              **error);

GPtrArray *cst_redaction_mark_text_at   (const char             *conninfo,
                                         const char             *reference,
                                         const char             *text,
                                         const char             *reason,
                                         const char             *reason_text,
                                         gboolean                apply,
                                         GError                **error);
gint64     cst_redaction_mark_box_at    (const char             *conninfo,
                                         const char             *reference,
                                         gint64                  document_id,
                                         guint                   page,
                                         const CstRedactionBox  *box,
                                         const char             *reason,
                                         const char             *reason_text,
                                         gboolean                apply,
                                         GError                **error);
GPtrArray *cst_redaction_list_at        (const char             *conninfo,
                                         const char             *reference,
                                         GError                **error);
gboolean   cst_redaction_remove_at      (const char             *conninfo,
                                         const char             *reference,
                                         gint64                  redaction_id,
                                         GError                **error);
gboolean   cst_redaction_proof_at       (const char             *conninfo,
                                         gint64                  build_id,
                                         CstRedactionProof      *proof,
                                         GError                **error);

G_END_DECLS
