/* cst-packet-encrypt.c — the finished packet encrypted with AES-256
 *
 * libqpdf's C API reads the packet as built and writes it again with the
 * PDF 2.0 security handler, revision 6 (AES-256, SHA-256-based password
 * check).  The user password is the spoken passphrase
 * (cst-packet-passphrase.c); the owner password is random and thrown
 * away: nobody at the hospital needs to change the copy's permissions,
 * and everything (printing, copying text, accessibility) is allowed to
 * the requester.  The plain packet is built into a private (0700)
 * directory and removed with it; only the encrypted file is put where
 * the caller asked.
 */
#define G_LOG_DOMAIN "custodian-packet"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <qpdf/qpdf-c.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "custodian/cst-db.h"
#include "custodian/cst-error.h"
#include "custodian/cst-packet-assemble.h"
#include "custodian/cst-packet-kept.h"
#include "custodian/cst-private-file.h"
#include "custodian/cst-request-lookup.h"
#include "custodian/cst-request-repo.h"

#include "cst-packet-delivery-private.h"
#include "cst-packet-private.h"

static gboolean
encrypt_failed (qpdf_data   q,
                GError    **error)
{
  if (!qpdf_has_error (q))
    return FALSE;
  g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
               _("The packet could not be encrypted: %s"),
               qpdf_get_error_full_text (q, qpdf_get_error (q)));
  return TRUE;
}

/* 32 random bytes as hex: an owner password nobody will ever type. */
static char *
random_owner_password (GError **error)
{
  guint8 bytes[32];

  if (getrandom (bytes, sizeof bytes, 0) != sizeof bytes)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("The system's random number generator could not be read."));
      return NULL;
    }
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, bytes, sizeof bytes);
}

static gboolean
write_encrypted (qpdf_data   q,
                 const char *path,
                 const char *passphrase,
                 const char *owner,
                 GError    **error)
{
  if (qpdf_init_write (q, path) & QPDF_ERRORS)
    return !encrypt_failed (q, error);
  /* No deterministic /ID here: qpdf refuses it with encryption, and the
   * salts are random anyway. */
  qpdf_set_object_stream_mode (q, qpdf_o_generate);
  qpdf_set_r6_encryption_parameters2 (q, passphrase, owner,
                                      QPDF_TRUE, QPDF_TRUE, QPDF_TRUE, QPDF_TRUE,
                                      QPDF_TRUE, QPDF_TRUE, qpdf_r3p_full, QPDF_TRUE);
  if (qpdf_write (q) & QPDF_ERRORS)
    return !encrypt_failed (q, error);
  return TRUE;
}

/**
 * cst_packet_encrypt:
 *
 * Writes @plain to @output encrypted with AES-256 (security handler
 * revision 6) under @passphrase; @output is written 0600 beside itself
 * and put in place whole.
 */
gboolean
cst_packet_encrypt (const char  *plain,
                    const char  *output,
                    const char  *passphrase,
                    GError     **error)
{
  qpdf_data q = qpdf_init ();
  g_autofree char *owner = NULL;
  g_autofree char *temp = NULL;
  gboolean ok = FALSE;
  int fd;

  qpdf_silence_errors (q);
  qpdf_set_suppress_warnings (q, QPDF_TRUE);
  if (!(owner = random_owner_password (error)))
    goto out;
  if (qpdf_read (q, plain, NULL) & QPDF_ERRORS)
    {
      encrypt_failed (q, error);
      goto out;
    }
  if ((fd = cst_private_file_create_temp (output, &temp, error)) < 0)
    goto out;
  close (fd);
  if (write_encrypted (q, temp, passphrase, owner, error))
    ok = cst_private_file_commit (temp, output, error);
  else
    g_unlink (temp);
out:
  if (owner != NULL)
    explicit_bzero (owner, strlen (owner));
  qpdf_cleanup (&q);
  return ok;
}

void
cst_encrypted_packet_clear (CstEncryptedPacket *packet)
{
  g_clear_pointer (&packet->build, cst_packet_build_free);
  g_clear_pointer (&packet->sha256, g_free);
  g_clear_pointer (&packet->passphrase, cst_passphrase_free);
}

void
cst_encrypted_packet_free (CstEncryptedPacket *packet)
{
  if (packet == NULL)
    return;
  cst_encrypted_packet_clear (packet);
  g_free (packet);
}

/* Removes everything in the private directory @dir, then @dir. */
void
cst_packet_remove_scratch (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

/* Encrypts the plain packet @plain to @output under a new passphrase;
 * @packet gets the passphrase and @output's SHA-256.  @plain is removed. */
static gboolean
encrypt_into (const char          *plain,
              const char          *output,
              CstEncryptedPacket  *packet,
              GError             **error)
{
  gboolean ok = (packet->passphrase = cst_passphrase_new (error)) != NULL &&
                cst_packet_encrypt (plain, output, packet->passphrase, error) &&
                (packet->sha256 = cst_packet_file_sha256 (output, error)) != NULL;

  g_unlink (plain);
  if (!ok)
    {
      if (packet->passphrase != NULL)
        g_unlink (output);
      cst_encrypted_packet_clear (packet);
    }
  return ok;
}

gboolean
cst_packet_prepare (PGconn              *conn,
                    gint64               request_id,
                    const char          *scratch,
                    const char          *output,
                    gboolean             plain,
                    CstEncryptedPacket  *packet,
                    GCancellable        *cancellable,
                    GError             **error)
{
  g_autofree char *kept = g_build_filename (scratch, "packet.pdf", NULL);

  /* The packet approved or released, as it was kept: never built again
   * to be sent (0074). */
  if (!(packet->build = cst_packet_kept_write (conn, request_id, plain ? output : kept, NULL,
                                               cancellable, error)))
    return FALSE;
  if (plain)
    {
      packet->sha256 = g_strdup (packet->build->sha256);
      return TRUE;
    }
  return encrypt_into (kept, output, packet, error);
}

/**
 * cst_packet_build_encrypted_with:
 * @output: where the encrypted packet goes (0600, put in place whole)
 * @options: (nullable): how to build it (Bates numbers, language)
 * @bates: (out caller-allocates) (optional): the Bates numbers stamped
 *
 * Builds the request's packet with @options (recorded and kept like
 * cst_packet_build_with()) into a private directory, encrypts it to
 * @output under a new passphrase and removes the plain copy.
 *
 * Returns: (transfer full): the build, the encrypted file's SHA-256 and
 *   the passphrase — its only copy; or NULL with @error set
 */
CstEncryptedPacket *
cst_packet_build_encrypted_with (PGconn                  *conn,
                                 gint64                   request_id,
                                 const char              *output,
                                 const CstPacketOptions  *options,
                                 CstPacketBates          *bates,
                                 GCancellable            *cancellable,
                                 GError                 **error)
{
  g_autofree char *scratch = g_dir_make_tmp ("custodian-encrypt-XXXXXX", error);
  g_autofree char *plain = NULL;
  CstEncryptedPacket *packet;

  if (scratch == NULL)
    return NULL;
  plain = g_build_filename (scratch, "packet.pdf", NULL);
  packet = g_new0 (CstEncryptedPacket, 1);
  if (!(packet->build = cst_packet_build_with (conn, request_id, plain, options, bates,
                                               cancellable, error)) ||
      !encrypt_into (plain, output, packet, error))
    g_clear_pointer (&packet, cst_encrypted_packet_free);
  cst_packet_remove_scratch (scratch);
  return packet;
}

CstEncryptedPacket *
cst_packet_build_encrypted_with_at (const char              *conninfo,
                                    const char              *reference,
                                    const char              *output,
                                    const CstPacketOptions  *options,
                                    CstPacketBates          *bates,
                                    GError                 **error)
{
  gint64 request_id = 0;
  g_autoptr(PGconn) conn = cst_request_connect (conninfo, reference, &request_id, error);

  if (conn == NULL)
    return NULL;
  return cst_packet_build_encrypted_with (conn, request_id, output, options, bates, NULL, error);
}

/**
 * cst_packet_build_encrypted:
 * @output: where the encrypted packet goes (0600, put in place whole)
 *
 * cst_packet_build_encrypted_with() with the default options (English
 * letters, no Bates numbers).
 *
 * Returns: (transfer full): the build, the encrypted file's SHA-256 and
 *   the passphrase — its only copy; or NULL with @error set
 */
CstEncryptedPacket *
cst_packet_build_encrypted (PGconn        *conn,
                            gint64         request_id,
                            const char    *output,
                            GCancellable  *cancellable,
                            GError       **error)
{
  return cst_packet_build_encrypted_with (conn, request_id, output, NULL, NULL, cancellable, error);
}

typedef struct
{
  gint64  request_id;
  char   *output;
} EncryptJob;

static void
encrypt_job_free (EncryptJob *job)
{
  g_free (job->output);
  g_free (job);
}

static gpointer
encrypt_job_run (PGconn   *conn,
                 gpointer  data,
                 GError  **error)
{
  EncryptJob *job = data;

  return cst_packet_build_encrypted (conn, job->request_id, job->output, NULL, error);
}

/**
 * cst_packet_build_encrypted_async:
 *
 * cst_packet_build_encrypted() on @connection's worker thread.
 */
void
cst_packet_build_encrypted_async (CstConnection       *connection,
                                  gint64               request_id,
                                  const char          *output,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  EncryptJob *job = g_new0 (EncryptJob, 1);

  job->request_id = request_id;
  job->output = g_strdup (output);
  cst_connection_run_async (connection, encrypt_job_run, job, (GDestroyNotify) encrypt_job_free,
                            (GDestroyNotify) cst_encrypted_packet_free, cancellable, callback,
                            user_data);
}

CstEncryptedPacket *
cst_packet_build_encrypted_finish (CstConnection  *connection,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}

CstEncryptedPacket *
cst_packet_build_encrypted_at (const char  *conninfo,
                               const char  *reference,
                               const char  *output,
                               GError     **error)
{
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, error);
  g_autoptr(CstRequest) request = NULL;

  if (conn == NULL || !(request = cst_request_repo_find (conn, reference, error)))
    return NULL;
  return cst_packet_build_encrypted (conn, cst_request_get_id (request), output, NULL, error);
}
