/* cst-packet-delivery.c — the delivery proof (0070): how each copy of the
 * packet left, the individual's confirmation before a plain e-mail, and
 * the copy saved to removable media with its checksum file
 *
 * Each delivery sends the packet kept with its build (0074): the one a
 * second person approved or the release recorded, never built again, so
 * the proof names exactly what went; it encrypts it unless the method says
 * otherwise, hands it over, and only then records the delivery: a copy
 * that did not leave is never recorded as delivered.  The passphrase of
 * an encrypted copy is returned to the caller to show once; the proof
 * says a passphrase was given, never which.
 */
#define G_LOG_DOMAIN "custodian-packet"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "custodian/cst-db.h"
#include "custodian/cst-error.h"
#include "custodian/cst-private-file.h"
#include "custodian/cst-request-repo.h"

#include "cst-packet-delivery-private.h"

static const char *const method_codes[] = {
  [CST_PACKET_DELIVERY_EMAIL] = "email",
  [CST_PACKET_DELIVERY_EMAIL_PLAIN] = "email_plain",
  [CST_PACKET_DELIVERY_MEDIA] = "media",
  [CST_PACKET_DELIVERY_PRINT] = "print",
};

static const char *const how_codes[] = {
  [CST_CONFIRMED_BY_PHONE] = "phone",
  [CST_CONFIRMED_IN_PERSON] = "in_person",
  [CST_CONFIRMED_IN_WRITING] = "in_writing",
};

const char *
cst_packet_delivery_method_to_string (CstPacketDeliveryMethod method)
{
  g_return_val_if_fail (method < G_N_ELEMENTS (method_codes), NULL);
  return method_codes[method];
}

static gboolean
method_from_string (const char              *text,
                    CstPacketDeliveryMethod *method)
{
  for (guint i = 0; i < G_N_ELEMENTS (method_codes); i++)
    if (g_strcmp0 (text, method_codes[i]) == 0)
      {
        *method = i;
        return TRUE;
      }
  return FALSE;
}

const char *
cst_confirmed_how_to_string (CstConfirmedHow how)
{
  g_return_val_if_fail (how < G_N_ELEMENTS (how_codes), NULL);
  return how_codes[how];
}

gboolean
cst_confirmed_how_from_string (const char      *text,
                               CstConfirmedHow *how)
{
  for (guint i = 0; i < G_N_ELEMENTS (how_codes); i++)
    if (g_strcmp0 (text, how_codes[i]) == 0)
      {
        *how = i;
        return TRUE;
      }
  return FALSE;
}

/**
 * cst_packet_plain_email_warning:
 *
 * The plain-language warning read to an individual who asks for their
 * records by unencrypted e-mail (OCR's guidance on 45 CFR
 * 164.524(c)(2)(ii): a brief warning of the risk, then their choice).
 */
const char *
cst_packet_plain_email_warning (void)
{
  return _("Unencrypted e-mail is not secure. Your records could be read or changed by "
           "someone else while they travel over the internet or sit in a mailbox, and we "
           "cannot call them back once sent. We can send them encrypted instead, with a "
           "passphrase we give you by phone or on paper. Do you still want them sent by "
           "unencrypted e-mail?");
}

void
cst_packet_delivery_free (CstPacketDelivery *delivery)
{
  if (delivery == NULL)
    return;
  g_free (delivery->sha256);
  g_free (delivery->recipient);
  g_free (delivery->server_reply);
  g_free (delivery->delivered_by);
  g_clear_pointer (&delivery->delivered_at, g_date_time_unref);
  cst_passphrase_free (delivery->passphrase);
  g_free (delivery);
}

#define DELIVERY_COLUMNS \
  "id, request_id, build_id, method, sha256, encrypted, passphrase_given, recipient," \
  " server_reply, confirmation_id, delivered_by, delivered_at"

static gpointer
delivery_from_row (const PGresult *res,
                   int             row)
{
  CstPacketDelivery *d = g_new0 (CstPacketDelivery, 1);

  d->id = cst_db_int64 (res, row, 0);
  d->request_id = cst_db_int64 (res, row, 1);
  d->build_id = cst_db_int64 (res, row, 2);
  method_from_string (cst_db_value (res, row, 3), &d->method);
  d->sha256 = g_strdup (cst_db_value (res, row, 4));
  d->encrypted = cst_db_bool (res, row, 5);
  d->passphrase_given = cst_db_bool (res, row, 6);
  d->recipient = g_strdup (cst_db_value (res, row, 7));
  d->server_reply = g_strdup (cst_db_value (res, row, 8));
  d->confirmation_id = cst_db_value (res, row, 9) ? cst_db_int64 (res, row, 9) : 0;
  d->delivered_by = g_strdup (cst_db_value (res, row, 10));
  d->delivered_at = cst_db_timestamp (res, row, 11);
  return d;
}

/**
 * cst_packet_delivery_list:
 *
 * Returns: (transfer full) (element-type CstPacketDelivery): the
 *   request's deliveries, oldest first; NULL with @error set
 */
GPtrArray *
cst_packet_delivery_list (PGconn  *conn,
                          gint64   request_id,
                          GError **error)
{
  g_autofree char *id = cst_db_int_param (request_id);
  const char *params[] = { id };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT " DELIVERY_COLUMNS " FROM packet_deliveries WHERE request_id = $1 ORDER BY id",
    1, params, error);

  if (res == NULL)
    return NULL;
  return cst_db_collect_rows (res, delivery_from_row,
                              (GDestroyNotify) cst_packet_delivery_free);
}

/* Records @d (its request, build, method, file and recipient filled in);
 * fills in its id, who and when from the row the server wrote. */
gboolean
cst_packet_delivery_record (PGconn            *conn,
                            CstPacketDelivery *d,
                            GError           **error)
{
  g_autofree char *request = cst_db_int_param (d->request_id);
  g_autofree char *build = cst_db_int_param (d->build_id);
  g_autofree char *confirmation = d->confirmation_id ? cst_db_int_param (d->confirmation_id) : NULL;
  const char *params[] = {
    request, build, cst_packet_delivery_method_to_string (d->method), d->sha256,
    d->encrypted ? "true" : "false", d->passphrase_given ? "true" : "false",
    d->recipient, d->server_reply, confirmation,
  };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT record_packet_delivery($1, $2, $3, $4, $5, $6, $7, $8, $9)", 9, params, error);
  g_autofree char *id = NULL;
  g_autoptr(PGresult) row = NULL;
  const char *id_params[1];

  if (res == NULL)
    return FALSE;
  d->id = cst_db_int64 (res, 0, 0);
  /* Who and when as the server wrote them: a statement of its own, since
   * the row is not visible to the statement that inserted it. */
  id = cst_db_int_param (d->id);
  id_params[0] = id;
  row = cst_db_exec (conn, "SELECT delivered_by, delivered_at FROM packet_deliveries WHERE id = $1",
                     1, id_params, error);
  if (row == NULL)
    return FALSE;
  g_free (d->delivered_by);
  d->delivered_by = g_strdup (cst_db_value (row, 0, 0));
  g_clear_pointer (&d->delivered_at, g_date_time_unref);
  d->delivered_at = cst_db_timestamp (row, 0, 1);
  return TRUE;
}

/* A delivery of the packet @packet built, by @method. */
CstPacketDelivery *
cst_packet_delivery_new (gint64                   request_id,
                         CstPacketDeliveryMethod  method,
                         CstEncryptedPacket      *packet)
{
  CstPacketDelivery *d = g_new0 (CstPacketDelivery, 1);

  d->request_id = request_id;
  d->build_id = packet->build->id;
  d->method = method;
  d->sha256 = g_strdup (packet->sha256);
  d->encrypted = packet->passphrase != NULL;
  d->passphrase_given = d->encrypted;
  d->passphrase = g_steal_pointer (&packet->passphrase);
  return d;
}

/* ---- plain e-mail ------------------------------------------------------ */

/**
 * cst_packet_plain_email_confirm:
 * @confirmed_by: who confirmed: the individual, or their representative
 *
 * Records that @confirmed_by heard cst_packet_plain_email_warning() and
 * still asked for the records by unencrypted e-mail to @address.  The
 * warning as read is recorded with it.
 *
 * Returns: the confirmation's id, or 0 with @error set
 */
gint64
cst_packet_plain_email_confirm (PGconn          *conn,
                                gint64           request_id,
                                const char      *address,
                                const char      *confirmed_by,
                                CstConfirmedHow  how,
                                GError         **error)
{
  g_autofree char *request = cst_db_int_param (request_id);
  const char *params[] = {
    request, address, confirmed_by, cst_confirmed_how_to_string (how),
    cst_packet_plain_email_warning (),
  };
  g_autofree char *who = g_strstrip (g_strdup (confirmed_by ? confirmed_by : ""));
  g_autoptr(PGresult) res = NULL;

  if (address == NULL || *who == '\0')
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("Say who confirmed unencrypted e-mail: the individual or their representative."));
      return 0;
    }
  res = cst_db_exec (conn, "SELECT record_plain_email_confirmation($1, $2, $3, $4, $5)",
                     5, params, error);
  return res ? cst_db_int64 (res, 0, 0) : 0;
}

gint64
cst_packet_plain_email_confirm_at (const char      *conninfo,
                                   const char      *reference,
                                   const char      *address,
                                   const char      *confirmed_by,
                                   CstConfirmedHow  how,
                                   GError         **error)
{
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, error);
  g_autoptr(CstRequest) request = NULL;

  if (conn == NULL || !(request = cst_request_repo_find (conn, reference, error)))
    return 0;
  return cst_packet_plain_email_confirm (conn, cst_request_get_id (request), address,
                                         confirmed_by, how, error);
}

/* The latest confirmation on record for @address, or 0 with @error set:
 * without one no unencrypted copy is even built. */
gint64
cst_packet_plain_email_confirmation (PGconn      *conn,
                                     gint64       request_id,
                                     const char  *address,
                                     GError     **error)
{
  g_autofree char *request = cst_db_int_param (request_id);
  const char *params[] = { request, address };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT max(id) FROM plain_email_confirmations"
    " WHERE request_id = $1 AND lower(address) = lower(btrim($2))",
    2, params, error);

  if (res == NULL)
    return 0;
  if (cst_db_value (res, 0, 0) == NULL)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("Unencrypted e-mail to %s needs the individual's confirmation on record, "
                     "after the warning; send it encrypted, or record the confirmation first."),
                   address);
      return 0;
    }
  return cst_db_int64 (res, 0, 0);
}

/* ---- removable media --------------------------------------------------- */

/* The packet's name on the media: the reference, never a patient's name. */
char *
cst_packet_delivery_file_name (const char *reference)
{
  return g_strdup_printf ("records-%s.pdf", reference);
}

static gboolean
write_checksum_file (const char  *folder,
                     const char  *name,
                     const char  *sha256,
                     GError     **error)
{
  g_autofree char *checksum_name = g_strconcat (name, ".sha256", NULL);
  g_autofree char *path = g_build_filename (folder, checksum_name, NULL);
  /* sha256sum's format: "sha256sum -c" checks the copy on the stick. */
  g_autofree char *line = g_strdup_printf ("%s  %s\n", sha256, name);

  return cst_private_file_write (path, line, -1, error);
}

/**
 * cst_packet_save_to_media:
 * @folder: the folder chosen on the removable media
 * @plain: save the packet unencrypted (the requester asked for it so)
 *
 * Builds the packet into @folder as records-REFERENCE.pdf, encrypted
 * unless @plain, with records-REFERENCE.pdf.sha256 beside it, and records
 * the delivery.
 *
 * Returns: (transfer full): the delivery, its passphrase set when
 *   encrypted; or NULL with @error set
 */
CstPacketDelivery *
cst_packet_save_to_media (PGconn        *conn,
                          gint64         request_id,
                          const char    *folder,
                          gboolean       plain,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autoptr(CstRequest) request = cst_request_repo_get (conn, request_id, error);
  g_autofree char *scratch = NULL;
  g_autofree char *name = NULL;
  g_autofree char *output = NULL;
  CstEncryptedPacket packet = { 0 };
  CstPacketDelivery *delivery = NULL;

  if (request == NULL || !(scratch = g_dir_make_tmp ("custodian-media-XXXXXX", error)))
    return NULL;
  name = cst_packet_delivery_file_name (cst_request_get_reference (request));
  output = g_build_filename (folder, name, NULL);
  if (cst_packet_prepare (conn, request_id, scratch, output, plain, &packet, cancellable, error))
    {
      delivery = cst_packet_delivery_new (request_id, CST_PACKET_DELIVERY_MEDIA, &packet);
      if (!write_checksum_file (folder, name, packet.sha256, error) ||
          !cst_packet_delivery_record (conn, delivery, error))
        g_clear_pointer (&delivery, cst_packet_delivery_free);
    }
  cst_encrypted_packet_clear (&packet);
  cst_packet_remove_scratch (scratch);
  return delivery;
}

typedef struct
{
  gint64    request_id;
  char     *folder;
  gboolean  plain;
} MediaJob;

static void
media_job_free (MediaJob *job)
{
  g_free (job->folder);
  g_free (job);
}

static gpointer
media_job_run (PGconn   *conn,
               gpointer  data,
               GError  **error)
{
  MediaJob *job = data;

  return cst_packet_save_to_media (conn, job->request_id, job->folder, job->plain, NULL, error);
}

void
cst_packet_save_to_media_async (CstConnection       *connection,
                                gint64               request_id,
                                const char          *folder,
                                gboolean             plain,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  MediaJob *job = g_new0 (MediaJob, 1);

  job->request_id = request_id;
  job->folder = g_strdup (folder);
  job->plain = plain;
  cst_connection_run_async (connection, media_job_run, job, (GDestroyNotify) media_job_free,
                            (GDestroyNotify) cst_packet_delivery_free, cancellable, callback,
                            user_data);
}

CstPacketDelivery *
cst_packet_save_to_media_finish (CstConnection  *connection,
                                 GAsyncResult   *result,
                                 GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}

/* ---- print ------------------------------------------------------------- */

/**
 * cst_packet_record_printed:
 * @build: the build that was printed (its id and SHA-256)
 *
 * Records that the packet of @build was printed: the print dialog
 * reports it once the pages went to the printer.
 *
 * Returns: (transfer full): the delivery, or NULL with @error set
 */
CstPacketDelivery *
cst_packet_record_printed (PGconn               *conn,
                           gint64                request_id,
                           const CstPacketBuild *build,
                           GError              **error)
{
  CstPacketDelivery *d = g_new0 (CstPacketDelivery, 1);

  d->request_id = request_id;
  d->build_id = build->id;
  d->method = CST_PACKET_DELIVERY_PRINT;
  d->sha256 = g_strdup (build->sha256);
  if (!cst_packet_delivery_record (conn, d, error))
    g_clear_pointer (&d, cst_packet_delivery_free);
  return d;
}

typedef struct
{
  gint64  request_id;
  gint64  build_id;
  char   *sha256;
} PrintedJob;

static void
printed_job_free (PrintedJob *job)
{
  g_free (job->sha256);
  g_free (job);
}

static gpointer
printed_job_run (PGconn   *conn,
                 gpointer  data,
                 GError  **error)
{
  PrintedJob *job = data;
  CstPacketBuild build = { .id = job->build_id, .sha256 = job->sha256 };

  return cst_packet_record_printed (conn, job->request_id, &build, error);
}

void
cst_packet_record_printed_async (CstConnection        *connection,
                                 gint64                request_id,
                                 const CstPacketBuild *build,
                                 GCancellable         *cancellable,
                                 GAsyncReadyCallback   callback,
                                 gpointer              user_data)
{
  PrintedJob *job = g_new0 (PrintedJob, 1);

  job->request_id = request_id;
  job->build_id = build->id;
  job->sha256 = g_strdup (build->sha256);
  cst_connection_run_async (connection, printed_job_run, job, (GDestroyNotify) printed_job_free,
                            (GDestroyNotify) cst_packet_delivery_free, cancellable, callback,
                            user_data);
}

CstPacketDelivery *
cst_packet_record_printed_finish (CstConnection  *connection,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}
