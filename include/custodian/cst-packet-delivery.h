/* cst-packet-delivery.h — the packet leaves: encrypted with a spoken
 * passphrase, e-mailed through the hospital's mail server, saved to
 * removable media, and each delivery proved (migration 0070)
 *
 * The passphrase is made of words from a shipped list, easy to read aloud
 * over the phone or write on paper; the app shows it once and never
 * stores it.  The delivery proof records the method, the SHA-256 of the
 * file that left, and whether a passphrase was given — never the
 * passphrase.  Plain (unencrypted) e-mail goes only to an individual who
 * insisted after the warning, with their confirmation on record
 * (45 CFR 164.524(c)(2)(ii)); without it the model and the database
 * refuse.
 */
#pragma once

#include <gio/gio.h>

#include "custodian/cst-connection.h"
#include "custodian/cst-db-types.h"
#include "custodian/cst-packet.h"

G_BEGIN_DECLS

/* Six words from a list of 7,776: log2(7776^6) ≈ 77.5 bits. */
#define CST_PASSPHRASE_WORDS 6

guint  cst_passphrase_list_size (GError     **error);
double cst_passphrase_bits      (guint        words,
                                 guint        list_size);
char  *cst_passphrase_new       (GError     **error);
/* Overwrites @passphrase before freeing it. */
void   cst_passphrase_free      (char        *passphrase);

/* Writes @plain to @output encrypted with AES-256 (PDF security handler
 * revision 6), opened by @passphrase.  @output is written 0600, whole. */
gboolean cst_packet_encrypt (const char  *plain,
                             const char  *output,
                             const char  *passphrase,
                             GError     **error);

/* A packet built and encrypted: the build recorded for the plain packet,
 * the encrypted file's SHA-256 and its passphrase (its only copy). */
typedef struct
{
  CstPacketBuild *build;
  char           *sha256;
  char           *passphrase;
} CstEncryptedPacket;

void cst_encrypted_packet_free (CstEncryptedPacket *packet);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstEncryptedPacket, cst_encrypted_packet_free)

CstEncryptedPacket *cst_packet_build_encrypted        (PGconn              *conn,
                                                       gint64               request_id,
                                                       const char          *output,
                                                       GCancellable        *cancellable,
                                                       GError             **error);
void                cst_packet_build_encrypted_async  (CstConnection       *connection,
                                                       gint64               request_id,
                                                       const char          *output,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
CstEncryptedPacket *cst_packet_build_encrypted_finish (CstConnection       *connection,
                                                       GAsyncResult        *result,
                                                       GError             **error);
CstEncryptedPacket *cst_packet_build_encrypted_at     (const char          *conninfo,
                                                       const char          *reference,
                                                       const char          *output,
                                                       GError             **error);

G_END_DECLS
