/* cst-packet-assemble-private.h — the parts of the packet besides the
 * record documents, for cst-packet-build.c */
#pragma once

#include <qpdf/qpdf-c.h>

#include "custodian/cst-db-types.h"
#include "custodian/cst-packet-assemble.h"
#include "custodian/cst-request.h"

G_BEGIN_DECLS

/* One letter or notice of the packet, rendered. */
typedef struct
{
  char   *title;   /* its bookmark */
  GBytes *pdf;
} CstPacketPart;

void       cst_packet_part_free     (CstPacketPart           *part);

/* The cover letter, the invoice when one was issued, then the notices the
 * request's records call for: each rendered with the documents' own
 * templates (and recorded by document_record() while the request is
 * open), in packet order.  A notice the law requires whose wording is not
 * on file refuses the build. */
GPtrArray *cst_packet_front_matter  (PGconn                  *conn,
                                     CstRequest              *request,
                                     const CstPacketOptions  *options,
                                     GError                 **error);

/* A bookmark: @title for the page @page (from 0) of the packet. */
typedef struct
{
  char  *title;
  guint  page;
} CstPacketBookmark;

void       cst_packet_outline_write (qpdf_data                q,
                                     GArray                  *bookmarks);

gboolean   cst_packet_bates_allocate (PGconn                 *conn,
                                      gint64                  request_id,
                                      guint                   count,
                                      CstPacketBates         *bates,
                                      char                  **prefix,
                                      int                    *digits,
                                      GError                **error);
char      *cst_packet_bates_format   (const char             *prefix,
                                      int                     digits,
                                      gint64                  number);

/* Where a scanned image of @width × @height pixels goes: a US Letter page
 * turned to match it (@page), the image scaled by @scale to fit, centred
 * at (@x, @y) from the lower left. */
typedef struct
{
  double page_width;
  double page_height;
  double scale;
  double x;
  double y;
} CstScanFit;

void       cst_packet_scan_fit       (double                  width,
                                      double                  height,
                                      CstScanFit             *fit);

/* A scanned PNG's one-page PDF beside it, its data copied as it is; NULL
 * for a PNG to be drawn instead (cst-packet-png.c). */
char      *cst_packet_png_to_pdf     (const char             *path);

G_END_DECLS
