/* cst-packet-private.h — pieces of the packet shared with its tests and
 * fuzz target */
#pragma once

#include "custodian/cst-packet.h"

G_BEGIN_DECLS

/* The size of one stored chunk, and of the buffer a file streams through. */
#define CST_RECORD_CHUNK_SIZE (1024 * 1024)

/* Looks into @path without a time limit, on the calling thread: the parse
 * the fuzz target drives.  cst_record_file_inspect() runs it on a thread
 * of its own and gives up after the time limit. */
gboolean cst_record_file_inspect_untimed (const char             *path,
                                          goffset                 size_limit,
                                          CstRecordFileInfo      *info,
                                          GError                **error);

/* The SHA-256 of the file at @path, lowercase hex, read through one
 * chunk (cst-packet-build.c; the delivery hashes what left with it too). */
char *cst_packet_file_sha256 (const char  *path,
                              GError     **error);

/* Streams @path into the upload @upload (record_upload_append, chunk by
 * chunk); returns the SHA-256 of what was sent, lowercase hex. */
char *cst_record_upload_send_file (PGconn     *conn,
                                   const char *upload,
                                   const char *path,
                                   GError    **error);

/* Streams the stored chunks @sql finds for @id and each sequence number
 * ($1, $2; one bytea column, read in binary) to @out, in order. */
gboolean cst_record_chunks_write_to (PGconn         *conn,
                                     const char     *sql,
                                     gint64          id,
                                     GOutputStream  *out,
                                     GCancellable   *cancellable,
                                     GError        **error);

/* Keeps the packet file @path as the bytes of build @build_id
 * (record_packet_keep_begin, the chunks, record_packet_kept; 0074), in
 * the caller's transaction (cst-packet-kept.c). */
gboolean cst_packet_keep (PGconn      *conn,
                          gint64       build_id,
                          const char  *path,
                          GError     **error);

G_END_DECLS
