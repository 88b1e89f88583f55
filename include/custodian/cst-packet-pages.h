/* cst-packet-pages.h — which record pages a request releases, in what
 * order, and the page count the fee is quoted on (migration 0067)
 *
 * A clerk leaves pages of a record document out of the release, each
 * with one of the withholding reasons (cst-withholding.h), and can put
 * them back; orders the documents; and counts the pages that exist only
 * on paper.  The released page count (included record pages + paper
 * pages) is the request's page count from then on: the server writes it
 * into the request, so the fee quote, the invoice and the reports follow.
 * Pages are numbered from 1 within their document.  Every change returns
 * the request's outline as it now stands.
 */
#pragma once

#include <gio/gio.h>

#include "custodian/cst-connection.h"
#include "custodian/cst-db-types.h"
#include "custodian/cst-packet.h"
#include "custodian/cst-withholding.h"

G_BEGIN_DECLS

/* One page left out of the release. */
typedef struct
{
  guint             page;     /* from 1 */
  CstWithheldReason reason;
} CstPageExclusion;

/* One document of the outline and its pages. */
typedef struct
{
  CstRecordDocument *document;
  GArray            *excluded;  /* CstPageExclusion, by page */
  guint              included;  /* document->pages − excluded->len */
} CstPacketPages;

/* A request's packet as it will be released. */
typedef struct
{
  gint64     request_id;
  GPtrArray *documents;       /* CstPacketPages, in release order */
  guint      record_pages;    /* every page of the documents */
  guint      included_pages;  /* the record pages released */
  guint      paper_pages;     /* pages that exist only on paper */
  guint      released_pages;  /* included_pages + paper_pages: the fee's count */
  char      *invoice_number;  /* the newest invoice issued (not an adjustment), or NULL */
  int        invoiced_pages;  /* the pages it was quoted for; -1 when unknown or none */
} CstPacketOutline;

void              cst_packet_outline_free        (CstPacketOutline *outline);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstPacketOutline, cst_packet_outline_free)

/* Whether page @page (from 1) of @pages is left out; its reason in @reason. */
gboolean          cst_packet_pages_is_excluded   (const CstPacketPages *pages,
                                                  guint                 page,
                                                  CstWithheldReason    *reason);

/* "1-3,7" → the pages 1, 2, 3, 7 of a document of @n_pages (ascending,
 * each once), or NULL with @error naming what is wrong. */
GArray           *cst_page_range_parse           (const char           *text,
                                                  guint                 n_pages,
                                                  GError              **error);
/* The pages (ascending) written back as "1-3, 7". */
char             *cst_page_range_format          (const guint          *pages,
                                                  guint                 n_pages);

CstPacketOutline *cst_packet_pages_load          (PGconn               *conn,
                                                  gint64                request_id,
                                                  GError              **error);
gboolean          cst_packet_pages_exclude       (PGconn               *conn,
                                                  gint64                document_id,
                                                  GArray               *pages,
                                                  CstWithheldReason     reason,
                                                  guint                *n_changed,
                                                  GError              **error);
gboolean          cst_packet_pages_include       (PGconn               *conn,
                                                  gint64                document_id,
                                                  GArray               *pages,
                                                  guint                *n_changed,
                                                  GError              **error);
gboolean          cst_packet_pages_order         (PGconn               *conn,
                                                  gint64                request_id,
                                                  const gint64         *document_ids,
                                                  guint                 n_documents,
                                                  GError              **error);
gboolean          cst_packet_pages_set_paper     (PGconn               *conn,
                                                  gint64                request_id,
                                                  guint                 pages,
                                                  GError              **error);

/* The same on @connection's worker thread; each gives the outline after
 * the change through cst_packet_pages_finish(). */
void              cst_packet_pages_load_async    (CstConnection        *connection,
                                                  gint64                request_id,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
void              cst_packet_pages_exclude_async (CstConnection        *connection,
                                                  gint64                request_id,
                                                  gint64                document_id,
                                                  GArray               *pages,
                                                  CstWithheldReason     reason,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
void              cst_packet_pages_include_async (CstConnection        *connection,
                                                  gint64                request_id,
                                                  gint64                document_id,
                                                  GArray               *pages,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
void              cst_packet_pages_order_async   (CstConnection        *connection,
                                                  gint64                request_id,
                                                  const gint64         *document_ids,
                                                  guint                 n_documents,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
void              cst_packet_pages_set_paper_async (CstConnection      *connection,
                                                    gint64              request_id,
                                                    guint               pages,
                                                    GCancellable       *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer            user_data);
CstPacketOutline *cst_packet_pages_finish        (CstConnection        *connection,
                                                  GAsyncResult         *result,
                                                  GError              **error);

/* Logs that the page view opened @document_id large
 * (cst_packet_document_viewed()), off the main loop; finish gives TRUE. */
void              cst_packet_pages_view_async    (CstConnection        *connection,
                                                  gint64                document_id,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean          cst_packet_pages_view_finish   (CstConnection        *connection,
                                                  GAsyncResult         *result,
                                                  GError              **error);

/* A document's stored file, streamed to a private temporary file for
 * rendering; finish gives its path (the caller removes it). */
void              cst_packet_pages_fetch_async   (CstConnection        *connection,
                                                  gint64                document_id,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
char             *cst_packet_pages_fetch_finish  (CstConnection        *connection,
                                                  GAsyncResult         *result,
                                                  GError              **error);

/* custodian-cli: on a connection of their own to @conninfo.  @range as
 * cst_page_range_parse() reads it; the document must be the request's. */
CstPacketOutline *cst_packet_pages_load_at       (const char           *conninfo,
                                                  const char           *reference,
                                                  GError              **error);
CstPacketOutline *cst_packet_pages_exclude_at    (const char           *conninfo,
                                                  const char           *reference,
                                                  gint64                document_id,
                                                  const char           *range,
                                                  CstWithheldReason     reason,
                                                  guint                *n_changed,
                                                  GError              **error);
CstPacketOutline *cst_packet_pages_include_at    (const char           *conninfo,
                                                  const char           *reference,
                                                  gint64                document_id,
                                                  const char           *range,
                                                  guint                *n_changed,
                                                  GError              **error);
CstPacketOutline *cst_packet_pages_order_at      (const char           *conninfo,
                                                  const char           *reference,
                                                  const gint64         *document_ids,
                                                  guint                 n_documents,
                                                  GError              **error);
CstPacketOutline *cst_packet_pages_set_paper_at  (const char           *conninfo,
                                                  const char           *reference,
                                                  guint                 pages,
                                                  GError              **error);

G_END_DECLS
