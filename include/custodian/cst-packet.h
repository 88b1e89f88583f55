/* cst-packet.h — the records packet of a request: record files in
 *
 * A clerk adds record files (PDF, PNG, JPEG, TIFF) to a request; each
 * becomes a record document stored in the shared database, its bytes once
 * per content.  Adding is all or nothing: one refused file, and nothing of
 * that call is stored.  Building the packet copies the documents' pages,
 * in release order, into one PDF and stamps each in a margin strip added
 * below it (cst-packet-build.c), and keeps its bytes (cst-packet-kept.h);
 * verifying says whether a file is exactly the packet released or, before
 * the release, the last one built.
 */
#pragma once

#include <gio/gio.h>

#include "custodian/cst-connection.h"
#include "custodian/cst-db-types.h"

G_BEGIN_DECLS

/* The default largest file accepted, in bytes (500 MB). */
#define CST_PACKET_SIZE_LIMIT_DEFAULT ((goffset) 500 * 1000 * 1000)
/* How long looking into one file may take before it is refused. */
#define CST_PACKET_INSPECT_SECONDS_DEFAULT 60

typedef enum
{
  CST_RECORD_FILE_PDF,
  CST_RECORD_FILE_PNG,
  CST_RECORD_FILE_JPEG,
  CST_RECORD_FILE_TIFF,
} CstRecordFileType;

const char *cst_record_file_type_to_string (CstRecordFileType format);

/* What looking into one file found. */
typedef struct
{
  CstRecordFileType type;
  guint           pages;
  char           *sha256;      /* lowercase hex */
  goffset         byte_count;
} CstRecordFileInfo;

void cst_record_file_info_clear (CstRecordFileInfo *info);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CstRecordFileInfo, cst_record_file_info_clear)

/* Limits for adding files. */
typedef struct
{
  goffset size_limit;        /* bytes; 0 for CST_PACKET_SIZE_LIMIT_DEFAULT */
  guint   inspect_seconds;   /* 0 for CST_PACKET_INSPECT_SECONDS_DEFAULT */
} CstPacketLimits;

/* One document of a request's packet, as stored. */
typedef struct
{
  gint64      id;
  gint64      request_id;
  guint       position;      /* release order, from 1 */
  char       *name;
  char       *kind;
  CstRecordFileType type;
  GDate      *service_from;  /* NULL when not set */
  GDate      *service_to;
  guint       pages;
  char       *sha256;
  gint64      byte_count;
  char       *added_by;
  GDateTime  *added_at;
} CstRecordDocument;

void cst_record_document_free (CstRecordDocument *doc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstRecordDocument, cst_record_document_free)

gboolean   cst_record_file_inspect      (const char             *path,
                                         const CstPacketLimits  *limits,
                                         CstRecordFileInfo      *info,
                                         GError                **error);

GPtrArray *cst_packet_add               (PGconn                 *conn,
                                         gint64                  request_id,
                                         const char *const      *paths,
                                         const char             *kind,
                                         const CstPacketLimits  *limits,
                                         GError                **error);
void       cst_packet_add_async         (CstConnection          *connection,
                                         gint64                  request_id,
                                         const char *const      *paths,
                                         const char             *kind,
                                         const CstPacketLimits  *limits,
                                         GCancellable           *cancellable,
                                         GAsyncReadyCallback     callback,
                                         gpointer                user_data);
GPtrArray *cst_packet_add_finish        (CstConnection          *connection,
                                         GAsyncResult           *result,
                                         GError                **error);
GPtrArray *cst_packet_add_at            (const char             *conninfo,
                                         const char             *reference,
                                         const char *const      *paths,
                                         const char             *kind,
                                         const CstPacketLimits  *limits,
                                         GError                **error);

GPtrArray *cst_packet_list              (PGconn                 *conn,
                                         gint64                  request_id,
                                         GError                **error);
void       cst_packet_list_async        (CstConnection          *connection,
                                         gint64                  request_id,
                                         GCancellable           *cancellable,
                                         GAsyncReadyCallback     callback,
                                         gpointer                user_data);
GPtrArray *cst_packet_list_finish       (CstConnection          *connection,
                                         GAsyncResult           *result,
                                         GError                **error);
GPtrArray *cst_packet_list_at           (const char             *conninfo,
                                         const char             *reference,
                                         GError                **error);

gint64     cst_packet_document_viewed   (PGconn                 *conn,
                                         gint64                  document_id,
                                         GError                **error);
gboolean   cst_packet_document_write_to (PGconn                 *conn,
                                         gint64                  document_id,
                                         GOutputStream          *out,
                                         GCancellable           *cancellable,
                                         GError                **error);

/* Where a record document sits in a packet: its first page there
 * (from 1, after the letters and notices) and how many of its pages went
 * in (pages left out are not). */
typedef struct
{
  guint first_page;
  guint pages;
} CstPacketSpan;

/* What building a request's packet wrote (cst_packet_build()). */
typedef struct
{
  gint64     id;             /* the build's row */
  char      *sha256;         /* of the packet file, lowercase hex */
  guint      pages;          /* every page of the packet */
  guint      record_pages;   /* the record pages among them */
  GPtrArray *documents;      /* #CstRecordDocument, in release order */
  GArray    *spans;          /* #CstPacketSpan, one per document, in the same order */
} CstPacketBuild;

void cst_packet_build_free (CstPacketBuild *build);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstPacketBuild, cst_packet_build_free)

/* What cst_packet_verify_at() found of a file against the packet
 * released or, before the release, the last one built. */
typedef enum
{
  CST_PACKET_VERDICT_SAME,           /* exactly the last packet built */
  CST_PACKET_VERDICT_DIFFERENT_FILE, /* same page count, other bytes */
  CST_PACKET_VERDICT_PAGES_ADDED,
  CST_PACKET_VERDICT_PAGES_MISSING,
  CST_PACKET_VERDICT_NOT_A_PDF,
} CstPacketVerdictKind;

typedef struct
{
  CstPacketVerdictKind kind;
  guint                built_pages;  /* the last build's page count */
  guint                file_pages;   /* the file's, 0 when not a PDF */
  char                *built_sha256;
  char                *file_sha256;
  gboolean             released;     /* compared with the packet released */
} CstPacketVerdict;

void cst_packet_verdict_clear (CstPacketVerdict *verdict);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CstPacketVerdict, cst_packet_verdict_clear)

CstPacketBuild *cst_packet_build        (PGconn                 *conn,
                                         gint64                  request_id,
                                         const char             *output,
                                         GCancellable           *cancellable,
                                         GError                **error);
void            cst_packet_build_async  (CstConnection          *connection,
                                         gint64                  request_id,
                                         const char             *output,
                                         GCancellable           *cancellable,
                                         GAsyncReadyCallback     callback,
                                         gpointer                user_data);
CstPacketBuild *cst_packet_build_finish (CstConnection          *connection,
                                         GAsyncResult           *result,
                                         GError                **error);
CstPacketBuild *cst_packet_build_at     (const char             *conninfo,
                                         const char             *reference,
                                         const char             *output,
                                         GError                **error);

gboolean        cst_packet_verify_at    (const char             *conninfo,
                                         const char             *reference,
                                         const char             *path,
                                         CstPacketVerdict       *verdict,
                                         GError                **error);

G_END_DECLS
