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

G_END_DECLS
