/* cst-packet-smtp.c — the packet e-mailed through the hospital's own mail
 * server, with libcurl
 *
 * libcurl speaks SMTP (Debian 12's libcurl 7.88, the well-kept library
 * the issue asks for) and builds the MIME message, streaming the
 * attachment from its file.  The connection is always encrypted: STARTTLS
 * required on the submission port (a server that does not offer it is
 * refused, never fallen back from) or implicit TLS, and the server's
 * certificate checked.  The message says only what the requester needs:
 * who sends, the request's reference, how to open the file; never the
 * patient's name.  The file is named after the reference.  The server's
 * last reply (its queue id) goes into the delivery proof; a server that
 * cannot be reached or refuses gives a clear message and nothing is
 * recorded as delivered.  The password comes from the desktop keyring
 * (cst_keyring_mail_lookup), never from the settings.  Unencrypted
 * e-mail is sent only with the individual's confirmation on record:
 * cst_packet_send_plain_email_async() records it and then sends, on one
 * worker job.
 */
#define G_LOG_DOMAIN "custodian-packet"

#include "config.h"

#include <curl/curl.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "custodian/cst-db.h"
#include "custodian/cst-error.h"
#include "custodian/cst-keyring-mail.h"
#include "custodian/cst-packet-smtp.h"
#include "custodian/cst-request-repo.h"

#include "cst-packet-delivery-private.h"

#define CONNECT_SECONDS 20L
/* A slow link may take minutes to send hundreds of megabytes; stalled
 * for this long, it is given up. */
#define STALL_SECONDS 120L

/* What the server said: its replies arrive in pieces; the last complete
 * line is what answered the message (its queue id). */
typedef struct
{
  GString      *partial;
  char         *last;
  GCancellable *cancellable;
} Talk;

static int
on_debug (CURL          *handle,
          curl_infotype  type,
          char          *data,
          size_t         size,
          void          *user_data)
{
  Talk *talk = user_data;
  char *end;

  if (type != CURLINFO_HEADER_IN)
    return 0;
  g_string_append_len (talk->partial, data, size);
  while ((end = strstr (talk->partial->str, "\n")) != NULL)
    {
      g_autofree char *line = g_strndup (talk->partial->str, end - talk->partial->str);

      g_strchomp (line);
      /* 221 answers the QUIT that libcurl sends last, after a refusal
       * too: the reply that counts is the one before it. */
      if (*line != '\0' && !g_str_has_prefix (line, "221"))
        {
          g_free (talk->last);
          talk->last = g_steal_pointer (&line);
        }
      g_string_erase (talk->partial, 0, end - talk->partial->str + 1);
    }
  return 0;
}

static int
on_progress (void       *user_data,
             curl_off_t  dltotal,
             curl_off_t  dlnow,
             curl_off_t  ultotal,
             curl_off_t  ulnow)
{
  Talk *talk = user_data;

  return g_cancellable_is_cancelled (talk->cancellable) ? 1 : 0;
}

static void
init_curl_once (void)
{
  static gsize done;

  if (g_once_init_enter (&done))
    {
      curl_global_init (CURL_GLOBAL_DEFAULT);
      g_once_init_leave (&done, 1);
    }
}

/* A header's text as RFC 2047 UTF-8 when it is not plain ASCII. */
static char *
header_text (const char *text)
{
  g_autofree char *encoded = NULL;

  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p >= 0x80)
      {
        encoded = g_base64_encode ((const guchar *) text, strlen (text));
        return g_strdup_printf ("=?UTF-8?B?%s?=", encoded);
      }
  return g_strdup (text);
}

static char *
message_body (const CstSmtpServer *server,
              const char          *reference,
              gboolean             plain)
{
  const char *facility = server->facility && *server->facility ? server->facility
                                                                : _("the hospital");
  GString *body = g_string_new (NULL);

  g_string_append_printf (body, _("Hello,\n\nAttached are the records you asked for from %s "
                                  "(request %s).\n\n"), facility, reference);
  if (plain)
    g_string_append (body, _("As you asked, the file is not encrypted.\n\n"));
  else
    g_string_append (body, _("The file is encrypted. Open it with the passphrase we give you "
                             "by phone or on paper; it is not in this message.\n\n"));
  g_string_append (body, _("If you did not ask for these records, please delete this message "
                           "and let us know.\n"));
  return g_string_free (body, FALSE);
}

/* The Date header in RFC 5322's English names: g_date_time_format()'s
 * %a and %b follow the locale, and "dom, 06 dic" is no date to a mail
 * server. */
static char *
rfc5322_date (void)
{
  static const char *const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
  static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *rest = g_date_time_format (now, "%Y %H:%M:%S %z");

  return g_strdup_printf ("%s, %02d %s %s", days[g_date_time_get_day_of_week (now) - 1],
                          g_date_time_get_day_of_month (now),
                          months[g_date_time_get_month (now) - 1], rest);
}

static struct curl_slist *
message_headers (const CstSmtpServer *server,
                 const char          *address,
                 const char          *reference)
{
  g_autofree char *date = rfc5322_date ();
  g_autofree char *uuid = g_uuid_string_random ();
  const char *at = strchr (server->sender, '@');
  g_autofree char *subject_text = g_strdup_printf (_("Your records, request %s"), reference);
  g_autofree char *subject = header_text (subject_text);
  g_autofree char *facility = header_text (server->facility ? server->facility : "");
  g_autofree char *h_date = g_strdup_printf ("Date: %s", date);
  g_autofree char *h_to = g_strdup_printf ("To: <%s>", address);
  g_autofree char *h_from = server->facility && *server->facility
    ? g_strdup_printf ("From: %s <%s>", facility, server->sender)
    : g_strdup_printf ("From: <%s>", server->sender);
  g_autofree char *h_subject = g_strdup_printf ("Subject: %s", subject);
  g_autofree char *h_id = g_strdup_printf ("Message-ID: <%s%s>", uuid, at ? at : "@custodian");
  struct curl_slist *headers = NULL;

  headers = curl_slist_append (headers, h_date);
  headers = curl_slist_append (headers, h_to);
  headers = curl_slist_append (headers, h_from);
  headers = curl_slist_append (headers, h_subject);
  headers = curl_slist_append (headers, h_id);
  return headers;
}

static curl_mime *
message_parts (CURL       *curl,
               const char *body,
               const char *path,
               const char *name)
{
  curl_mime *mime = curl_mime_init (curl);
  curl_mimepart *part = curl_mime_addpart (mime);

  curl_mime_data (part, body, CURL_ZERO_TERMINATED);
  curl_mime_type (part, "text/plain; charset=utf-8");
  curl_mime_encoder (part, "quoted-printable");
  part = curl_mime_addpart (mime);
  curl_mime_filedata (part, path);
  curl_mime_filename (part, name);
  curl_mime_type (part, "application/pdf");
  curl_mime_encoder (part, "base64");
  return mime;
}

static void
set_send_error (GError             **error,
                CURLcode             code,
                const CstSmtpServer *server,
                const Talk          *talk,
                const char          *detail)
{
  const char *said = talk->last ? talk->last : detail;

  switch (code)
    {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
      g_set_error (error, CST_ERROR, CST_ERROR_CONNECTION,
                   _("The mail server %s (port %u) could not be reached: %s. Nothing was sent; "
                     "check the mail server in Preferences."),
                   server->host, server->port, detail);
      break;
    case CURLE_USE_SSL_FAILED:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
      g_set_error (error, CST_ERROR, CST_ERROR_CONNECTION,
                   _("The connection to the mail server %s could not be secured (%s). Nothing was "
                     "sent: the records never travel unencrypted to the server."),
                   server->host, detail);
      break;
    case CURLE_LOGIN_DENIED:
      g_set_error (error, CST_ERROR, CST_ERROR_CONNECTION,
                   _("The mail server %s refused the login: %s. Nothing was sent."),
                   server->host, said);
      break;
    case CURLE_ABORTED_BY_CALLBACK:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                   _("Sending was cancelled. Nothing was recorded as delivered."));
      break;
    default:
      g_set_error (error, CST_ERROR, CST_ERROR_CONNECTION,
                   _("The mail server %s refused the message: %s. Nothing was recorded as "
                     "delivered."),
                   server->host, said);
      break;
    }
}

/* Sends @path to @address; returns the server's reply to the message. */
static char *
send_message (const CstSmtpServer *server,
              const char          *address,
              const char          *reference,
              const char          *path,
              gboolean             plain,
              GCancellable        *cancellable,
              GError             **error)
{
  g_autofree char *url = g_strdup_printf ("%s://%s:%u", server->security == CST_SMTP_TLS
                                          ? "smtps" : "smtp", server->host, server->port);
  g_autofree char *from = g_strdup_printf ("<%s>", server->sender);
  g_autofree char *to = g_strdup_printf ("<%s>", address);
  g_autofree char *body = message_body (server, reference, plain);
  g_autofree char *name = cst_packet_delivery_file_name (reference);
  struct curl_slist *rcpt = curl_slist_append (NULL, to);
  struct curl_slist *headers = message_headers (server, address, reference);
  char detail[CURL_ERROR_SIZE] = "";
  Talk talk = { g_string_new (NULL), NULL, cancellable };
  CURL *curl;
  curl_mime *mime;
  CURLcode code;

  init_curl_once ();
  curl = curl_easy_init ();
  mime = message_parts (curl, body, path, name);
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_USE_SSL, (long) CURLUSESSL_ALL);
  if (server->ca_file != NULL)
    curl_easy_setopt (curl, CURLOPT_CAINFO, server->ca_file);
  if (server->user != NULL && *server->user != '\0')
    {
      curl_easy_setopt (curl, CURLOPT_USERNAME, server->user);
      curl_easy_setopt (curl, CURLOPT_PASSWORD, server->password ? server->password : "");
    }
  curl_easy_setopt (curl, CURLOPT_MAIL_FROM, from);
  curl_easy_setopt (curl, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (curl, CURLOPT_MIMEPOST, mime);
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT, CONNECT_SECONDS);
  curl_easy_setopt (curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt (curl, CURLOPT_LOW_SPEED_TIME, STALL_SECONDS);
  curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, detail);
  /* The server's replies reach us through the debug callback only; no
   * message text is logged. */
  curl_easy_setopt (curl, CURLOPT_VERBOSE, 1L);
  curl_easy_setopt (curl, CURLOPT_DEBUGFUNCTION, on_debug);
  curl_easy_setopt (curl, CURLOPT_DEBUGDATA, &talk);
  curl_easy_setopt (curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (curl, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt (curl, CURLOPT_XFERINFODATA, &talk);
  code = curl_easy_perform (curl);
  if (code != CURLE_OK)
    set_send_error (error, code, server, &talk,
                    *detail ? detail : curl_easy_strerror (code));
  curl_easy_cleanup (curl);
  curl_mime_free (mime);
  curl_slist_free_all (rcpt);
  curl_slist_free_all (headers);
  g_string_free (talk.partial, TRUE);
  if (code != CURLE_OK)
    {
      g_free (talk.last);
      return NULL;
    }
  return talk.last ? talk.last : g_strdup ("250");
}

static gboolean
check_server (const CstSmtpServer *server,
              const char          *address,
              GError             **error)
{
  if (server->host == NULL || *server->host == '\0' || server->port == 0 ||
      server->sender == NULL || strchr (server->sender, '@') == NULL)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("No mail server is set up: give its name, port and sender address in "
                     "Preferences."));
      return FALSE;
    }
  if (address == NULL || strchr (address, '@') == NULL || strpbrk (address, " <>\r\n,;") != NULL)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("“%s” is not an e-mail address."), address ? address : "");
      return FALSE;
    }
  return TRUE;
}

/**
 * cst_packet_send_email:
 * @plain: send the packet unencrypted: the individual insisted, and their
 *   confirmation for @address is on record (cst_packet_plain_email_confirm())
 *
 * Builds the packet, encrypts it under a new passphrase unless @plain,
 * sends it to @address through @server, and records the delivery with
 * the server's reply.  Nothing is recorded as delivered unless the server
 * accepted the message.
 *
 * Returns: (transfer full): the delivery (its passphrase set when
 *   encrypted, to show once), or NULL with @error set
 */
CstPacketDelivery *
cst_packet_send_email (PGconn              *conn,
                       gint64               request_id,
                       const CstSmtpServer *server,
                       const char          *address,
                       gboolean             plain,
                       GCancellable        *cancellable,
                       GError             **error)
{
  g_autoptr(CstRequest) request = NULL;
  g_autofree char *scratch = NULL;
  g_autofree char *name = NULL;
  g_autofree char *output = NULL;
  g_autofree char *reply = NULL;
  CstEncryptedPacket packet = { 0 };
  CstPacketDelivery *delivery = NULL;
  gint64 confirmation = 0;

  if (!check_server (server, address, error) ||
      !(request = cst_request_repo_get (conn, request_id, error)))
    return NULL;
  /* No unencrypted copy is even built without the confirmation. */
  if (plain && !(confirmation = cst_packet_plain_email_confirmation (conn, request_id, address,
                                                                     error)))
    return NULL;
  if (!(scratch = g_dir_make_tmp ("custodian-mail-XXXXXX", error)))
    return NULL;
  name = cst_packet_delivery_file_name (cst_request_get_reference (request));
  output = g_build_filename (scratch, name, NULL);
  if (cst_packet_prepare (conn, request_id, scratch, output, plain, &packet, cancellable, error) &&
      (reply = send_message (server, address, cst_request_get_reference (request), output, plain,
                             cancellable, error)))
    {
      delivery = cst_packet_delivery_new (request_id, plain ? CST_PACKET_DELIVERY_EMAIL_PLAIN
                                                            : CST_PACKET_DELIVERY_EMAIL, &packet);
      delivery->recipient = g_strdup (address);
      delivery->server_reply = g_steal_pointer (&reply);
      delivery->confirmation_id = confirmation;
      if (!cst_packet_delivery_record (conn, delivery, error))
        g_clear_pointer (&delivery, cst_packet_delivery_free);
    }
  cst_encrypted_packet_clear (&packet);
  cst_packet_remove_scratch (scratch);
  return delivery;
}

typedef struct
{
  gint64    request_id;
  char     *host;
  guint     port;
  CstSmtpSecurity security;
  char     *sender;
  char     *user;
  char     *password;
  char     *ca_file;
  char     *facility;
  char     *address;
  gboolean  plain;
  char     *confirmed_by;   /* plain: record the individual's confirmation first */
  CstConfirmedHow how;
  GCancellable *cancellable;
} SendJob;

static void
send_job_free (SendJob *job)
{
  g_free (job->host);
  g_free (job->sender);
  g_free (job->user);
  if (job->password != NULL)
    explicit_bzero (job->password, strlen (job->password));
  g_free (job->password);
  g_free (job->ca_file);
  g_free (job->facility);
  g_free (job->address);
  g_free (job->confirmed_by);
  g_clear_object (&job->cancellable);
  g_free (job);
}

static gpointer
send_job_run (PGconn   *conn,
              gpointer  data,
              GError  **error)
{
  SendJob *job = data;
  CstSmtpServer server;

  /* The keyring is asked here, on the worker thread: libsecret's lookup
   * blocks on D-Bus. */
  if (job->password == NULL && job->user != NULL && *job->user != '\0' &&
      !(job->password = cst_keyring_mail_lookup (job->host, job->port, job->user, error)))
    return NULL;
  /* The confirmation goes on record before anything is built, as the
   * individual gave it: if the server then fails, it still happened. */
  if (job->confirmed_by != NULL &&
      !cst_packet_plain_email_confirm (conn, job->request_id, job->address, job->confirmed_by,
                                       job->how, error))
    return NULL;
  server = (CstSmtpServer) {
    job->host, job->port, job->security, job->sender, job->user, job->password,
    job->ca_file, job->facility,
  };

  return cst_packet_send_email (conn, job->request_id, &server, job->address, job->plain,
                                job->cancellable, error);
}

static SendJob *
send_job_new (gint64               request_id,
              const CstSmtpServer *server,
              const char          *address,
              gboolean             plain,
              GCancellable        *cancellable)
{
  SendJob *job = g_new0 (SendJob, 1);

  job->request_id = request_id;
  job->host = g_strdup (server->host);
  job->port = server->port;
  job->security = server->security;
  job->sender = g_strdup (server->sender);
  job->user = g_strdup (server->user);
  job->password = g_strdup (server->password);
  job->ca_file = g_strdup (server->ca_file);
  job->facility = g_strdup (server->facility);
  job->address = g_strdup (address);
  job->plain = plain;
  job->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  return job;
}

static void
send_job_start (CstConnection       *connection,
                SendJob             *job,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  cst_connection_run_async (connection, send_job_run, job, (GDestroyNotify) send_job_free,
                            (GDestroyNotify) cst_packet_delivery_free, cancellable, callback,
                            user_data);
}

/**
 * cst_packet_send_email_async:
 *
 * cst_packet_send_email() on @connection's worker thread; @cancellable
 * also stops the transfer.  @server is copied; without a password but
 * with a login, the password is looked up in the keyring on that thread
 * (a login whose password is not there is an error, nothing sent).
 */
void
cst_packet_send_email_async (CstConnection       *connection,
                             gint64               request_id,
                             const CstSmtpServer *server,
                             const char          *address,
                             gboolean             plain,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  send_job_start (connection, send_job_new (request_id, server, address, plain, cancellable),
                  cancellable, callback, user_data);
}

/**
 * cst_packet_send_plain_email_async:
 * @confirmed_by: the individual (or their representative) who heard
 *   cst_packet_plain_email_warning() and still asked for unencrypted
 *   e-mail to @address
 * @how: how they confirmed
 *
 * On @connection's worker thread, records the confirmation
 * (cst_packet_plain_email_confirm()) and then sends the packet
 * unencrypted (cst_packet_send_email() with @plain): the confirmation is
 * on record before any unencrypted copy is built.  Finish with
 * cst_packet_send_email_finish().
 */
void
cst_packet_send_plain_email_async (CstConnection       *connection,
                                   gint64               request_id,
                                   const CstSmtpServer *server,
                                   const char          *address,
                                   const char          *confirmed_by,
                                   CstConfirmedHow      how,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  SendJob *job = send_job_new (request_id, server, address, TRUE, cancellable);

  job->confirmed_by = g_strdup (confirmed_by);
  job->how = how;
  send_job_start (connection, job, cancellable, callback, user_data);
}

CstPacketDelivery *
cst_packet_send_email_finish (CstConnection  *connection,
                              GAsyncResult   *result,
                              GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}

CstPacketDelivery *
cst_packet_send_email_at (const char          *conninfo,
                          const char          *reference,
                          const CstSmtpServer *server,
                          const char          *address,
                          gboolean             plain,
                          GError             **error)
{
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, error);
  g_autoptr(CstRequest) request = NULL;

  if (conn == NULL || !(request = cst_request_repo_find (conn, reference, error)))
    return NULL;
  return cst_packet_send_email (conn, cst_request_get_id (request), server, address, plain,
                                NULL, error);
}
