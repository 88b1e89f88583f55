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

/* ---- the delivery proof ------------------------------------------------ */

typedef enum
{
  CST_PACKET_DELIVERY_EMAIL,        /* encrypted, through the mail server */
  CST_PACKET_DELIVERY_EMAIL_PLAIN,  /* unencrypted, the individual insisted */
  CST_PACKET_DELIVERY_MEDIA,        /* saved to a folder or USB stick */
  CST_PACKET_DELIVERY_PRINT,
} CstPacketDeliveryMethod;

const char *cst_packet_delivery_method_to_string (CstPacketDeliveryMethod method);

/* One delivery, as recorded. */
typedef struct
{
  gint64                  id;
  gint64                  request_id;
  gint64                  build_id;
  CstPacketDeliveryMethod method;
  char                   *sha256;            /* of the file that left */
  gboolean                encrypted;
  gboolean                passphrase_given;
  char                   *recipient;         /* the address, or NULL */
  char                   *server_reply;      /* the mail server's, or NULL */
  gint64                  confirmation_id;   /* plain e-mail's, or 0 */
  char                   *delivered_by;
  GDateTime              *delivered_at;
  char                   *passphrase;        /* never stored: set only by a send that made one */
} CstPacketDelivery;

void cst_packet_delivery_free (CstPacketDelivery *delivery);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstPacketDelivery, cst_packet_delivery_free)

GPtrArray *cst_packet_delivery_list    (PGconn     *conn,
                                        gint64      request_id,
                                        GError    **error);

/* ---- plain e-mail at the individual's insistence ------------------------ */

typedef enum
{
  CST_CONFIRMED_BY_PHONE,
  CST_CONFIRMED_IN_PERSON,
  CST_CONFIRMED_IN_WRITING,
} CstConfirmedHow;

const char *cst_confirmed_how_to_string   (CstConfirmedHow how);
gboolean    cst_confirmed_how_from_string (const char      *text,
                                           CstConfirmedHow *how);

/* The plain-language warning read to the individual before they confirm. */
const char *cst_packet_plain_email_warning (void);

/* Records that @confirmed_by (the individual, or their representative)
 * heard the warning and still asked for unencrypted e-mail to @address.
 * Returns the confirmation's id, or 0 with @error set. */
gint64 cst_packet_plain_email_confirm    (PGconn          *conn,
                                          gint64           request_id,
                                          const char      *address,
                                          const char      *confirmed_by,
                                          CstConfirmedHow  how,
                                          GError         **error);
gint64 cst_packet_plain_email_confirm_at (const char      *conninfo,
                                          const char      *reference,
                                          const char      *address,
                                          const char      *confirmed_by,
                                          CstConfirmedHow  how,
                                          GError         **error);

/* ---- e-mail through the hospital's mail server ------------------------ */

typedef enum
{
  CST_SMTP_STARTTLS,   /* submission, port 587: STARTTLS required */
  CST_SMTP_TLS,        /* implicit TLS, port 465 */
} CstSmtpSecurity;

typedef struct
{
  const char      *host;
  guint            port;
  CstSmtpSecurity  security;
  const char      *sender;      /* the From address */
  const char      *user;        /* NULL or "": no login */
  const char      *password;    /* from the keyring, never the settings */
  const char      *ca_file;     /* NULL: the system's trusted authorities */
  const char      *facility;    /* the hospital's name, for the message */
} CstSmtpServer;

/* Builds the packet, encrypts it (unless @plain), sends it to @address
 * through @server and records the delivery with the server's reply.
 * @plain needs the individual's confirmation for @address on record.
 * Nothing is recorded as delivered unless the server accepted the
 * message. */
CstPacketDelivery *cst_packet_send_email        (PGconn              *conn,
                                                 gint64               request_id,
                                                 const CstSmtpServer *server,
                                                 const char          *address,
                                                 gboolean             plain,
                                                 GCancellable        *cancellable,
                                                 GError             **error);
void               cst_packet_send_email_async  (CstConnection       *connection,
                                                 gint64               request_id,
                                                 const CstSmtpServer *server,
                                                 const char          *address,
                                                 gboolean             plain,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
CstPacketDelivery *cst_packet_send_email_finish (CstConnection       *connection,
                                                 GAsyncResult        *result,
                                                 GError             **error);
CstPacketDelivery *cst_packet_send_email_at     (const char          *conninfo,
                                                 const char          *reference,
                                                 const CstSmtpServer *server,
                                                 const char          *address,
                                                 gboolean             plain,
                                                 GError             **error);

/* The login's password: cst_keyring_mail_lookup() (cst-keyring-mail.h);
 * unencrypted e-mail from a window: cst-packet-smtp.h. */

/* ---- removable media ---------------------------------------------------- */

/* Builds the packet into @folder (encrypted unless @plain) with a
 * checksum file beside it (sha256sum's format), and records the
 * delivery. */
CstPacketDelivery *cst_packet_save_to_media        (PGconn              *conn,
                                                    gint64               request_id,
                                                    const char          *folder,
                                                    gboolean             plain,
                                                    GCancellable        *cancellable,
                                                    GError             **error);
void               cst_packet_save_to_media_async  (CstConnection       *connection,
                                                    gint64               request_id,
                                                    const char          *folder,
                                                    gboolean             plain,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
CstPacketDelivery *cst_packet_save_to_media_finish (CstConnection       *connection,
                                                    GAsyncResult        *result,
                                                    GError             **error);

/* ---- print ------------------------------------------------------------- */

/* Records that the packet of @build (built by cst_packet_build() for
 * printing) was printed. */
CstPacketDelivery *cst_packet_record_printed        (PGconn               *conn,
                                                     gint64                request_id,
                                                     const CstPacketBuild *build,
                                                     GError              **error);
void               cst_packet_record_printed_async  (CstConnection        *connection,
                                                     gint64                request_id,
                                                     const CstPacketBuild *build,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
CstPacketDelivery *cst_packet_record_printed_finish (CstConnection        *connection,
                                                     GAsyncResult         *result,
                                                     GError              **error);

G_END_DECLS
