/* cst-page-item.h — one record page in the page view's list model, and the
 * renderer that fills its thumbnail off the main loop */
#pragma once

#include <gtk/gtk.h>
#include <custodian/cst-connection.h>
#include <custodian/cst-packet-pages.h>

G_BEGIN_DECLS

/* The record file a document's pages are rendered from, shared by its
 * pages; fetched from the database once, when a page is first shown. */
typedef struct _CstPageSource CstPageSource;

CstPageSource *cst_page_source_new   (const CstRecordDocument *doc);
CstPageSource *cst_page_source_ref   (CstPageSource *source);
void           cst_page_source_unref (CstPageSource *source);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstPageSource, cst_page_source_unref)

#define CST_TYPE_PAGE_ITEM (cst_page_item_get_type ())
G_DECLARE_FINAL_TYPE (CstPageItem, cst_page_item, CST, PAGE_ITEM, GObject)

CstPageItem  *cst_page_item_new          (CstPageSource     *source,
                                          gint64             document_id,
                                          const char        *document_name,
                                          guint              page);
gint64        cst_page_item_get_document_id (CstPageItem    *self);
guint         cst_page_item_get_page     (CstPageItem       *self);
const char   *cst_page_item_get_document_name (CstPageItem  *self);
GdkPaintable *cst_page_item_get_paintable (CstPageItem      *self);
gboolean      cst_page_item_get_excluded (CstPageItem       *self,
                                          CstWithheldReason *reason);
void          cst_page_item_set_excluded (CstPageItem       *self,
                                          gboolean           excluded,
                                          CstWithheldReason  reason);
char         *cst_page_item_describe     (CstPageItem       *self);
void          cst_page_item_set_marks    (CstPageItem       *self,
                                          guint              applied,
                                          guint              proposed);
guint         cst_page_item_get_marks    (CstPageItem       *self,
                                          guint             *proposed);
char         *cst_page_item_describe_marks (CstPageItem     *self);

/* A page drawn large, and its size in points (a scan: the page the
 * packet puts it on), to map the picture's pixels to redaction boxes. */
typedef struct
{
  GdkTexture *texture;
  double      page_width;
  double      page_height;
} CstLargePage;

void cst_large_page_free (CstLargePage *large);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstLargePage, cst_large_page_free)

#define CST_TYPE_PAGE_THUMBNAILS (cst_page_thumbnails_get_type ())
G_DECLARE_FINAL_TYPE (CstPageThumbnails, cst_page_thumbnails, CST, PAGE_THUMBNAILS, GObject)

/* Thumbnails this many pixels wide. */
#define CST_PAGE_THUMBNAIL_WIDTH 120

CstPageThumbnails *cst_page_thumbnails_new      (CstConnection     *connection);
void               cst_page_thumbnails_want     (CstPageThumbnails *self,
                                                 CstPageItem       *item);
void               cst_page_thumbnails_unwant   (CstPageThumbnails *self,
                                                 CstPageItem       *item);
void               cst_page_thumbnails_render_async  (CstPageThumbnails  *self,
                                                      CstPageItem        *item,
                                                      int                 width,
                                                      GCancellable       *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer            user_data);
CstLargePage      *cst_page_thumbnails_render_finish (CstPageThumbnails  *self,
                                                      GAsyncResult       *result,
                                                      GError            **error);
void               cst_page_thumbnails_shutdown (CstPageThumbnails *self);
guint              cst_page_thumbnails_get_n_rendered (CstPageThumbnails *self);

G_END_DECLS
