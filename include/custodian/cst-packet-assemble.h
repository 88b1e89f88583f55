/* cst-packet-assemble.h — what goes into the packet besides the records:
 * the letters, the notices the law requires, Bates numbers
 *
 * The packet PDF is the cover letter, the invoice when one was issued,
 * the notices (42 CFR 2.32 when Part 2 records are in it, the state's
 * kept as data), then the record documents in release order.  Only the
 * record pages are stamped "page N of M" and counted as record pages;
 * with Bates numbers on, each record page also carries the next number
 * of the facility's counter, handed out by the server.
 */
#pragma once

#include "custodian/cst-packet.h"
#include "custodian/cst-pdf.h"

G_BEGIN_DECLS

/* How a packet is built; zeroed is the default: English letters on US
 * Letter, no Bates numbers. */
typedef struct
{
  gboolean     bates;      /* number the record pages */
  const char  *language;   /* of the letters, "en" or "es"; NULL: "en" */
  CstPdfPaper  paper;      /* of the letters and notices */
} CstPacketOptions;

/* The Bates numbers a build stamped; zeroed when it stamped none. */
typedef struct
{
  char   *first;           /* e.g. "MERCY000101" */
  char   *last;
  gint64  first_number;
  gint64  last_number;
} CstPacketBates;

void cst_packet_bates_clear (CstPacketBates *bates);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CstPacketBates, cst_packet_bates_clear)

CstPacketBuild *cst_packet_build_with    (PGconn                  *conn,
                                          gint64                   request_id,
                                          const char              *output,
                                          const CstPacketOptions  *options,
                                          CstPacketBates          *bates,
                                          GCancellable            *cancellable,
                                          GError                 **error);
CstPacketBuild *cst_packet_build_with_at (const char              *conninfo,
                                          const char              *reference,
                                          const char              *output,
                                          const CstPacketOptions  *options,
                                          CstPacketBates          *bates,
                                          GError                 **error);

G_END_DECLS
