/* cst-cli-packet-send.c — custodian-cli packet build --encrypt, and
 * packet send (the packet by e-mail through the hospital's mail server)
 *
 * The encrypted packet's passphrase goes to standard output, alone on
 * its line: it is its only copy (the database records that one was
 * given, never the passphrase), for the clerk to read to the requester
 * by phone or write on paper.  What was built goes to standard error, so
 * a script can take the passphrase as the whole of standard output.
 */
#define G_LOG_DOMAIN "custodian-cli"

#include "config.h"

#include <string.h>

#include "custodian/cst-error.h"
#include "custodian/cst-keyring-mail.h"
#include "custodian/cst-packet-delivery.h"
#include "custodian/cst-packet-kept.h"
#include "custodian/cst-settings.h"

#include "cst-cli.h"

int
cst_cli_packet_build_encrypted (const char              *reference,
                                const char              *output,
                                const CstPacketOptions  *options)
{
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(CstEncryptedPacket) packet = NULL;
  g_auto(CstPacketBates) bates = { 0 };
  g_autoptr(GError) error = NULL;

  if (!(target = cst_cli_open_target (&error)) ||
      !(packet = cst_packet_build_encrypted_with_at (target->conninfo, reference, output, options,
                                                     &bates, &error)))
    return cst_cli_fail (error);
  g_printerr (g_dngettext (NULL,
                           "Built the packet of request %s: %u page, encrypted with AES-256, SHA-256 %s\n",
                           "Built the packet of request %s: %u pages, encrypted with AES-256, SHA-256 %s\n",
                           packet->build->pages),
              reference, packet->build->pages, packet->sha256);
  if (bates.first != NULL)
    g_printerr (_("Bates numbers %s to %s\n"), bates.first, bates.last);
  g_printerr (_("Its passphrase follows, shown this once: give it to the requester by phone or on paper.\n"));
  g_print ("%s\n", packet->passphrase);
  return EXIT_SUCCESS;
}

typedef struct
{
  char     *host;
  int       port;
  gboolean  tls;
  char     *sender;
  char     *user;
  char     *ca_file;
  char     *password;
  char     *facility;
} MailOptions;

static void mail_options_clear (MailOptions *o);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MailOptions, mail_options_clear)

static void
mail_options_clear (MailOptions *o)
{
  g_free (o->host);
  g_free (o->sender);
  g_free (o->user);
  g_free (o->ca_file);
  if (o->password != NULL)
    explicit_bzero (o->password, strlen (o->password));
  g_free (o->password);
  g_free (o->facility);
}

/* The options not given on the command line come from the settings. */
static void
fill_from_settings (MailOptions *o)
{
  g_autoptr(GSettings) settings = cst_settings_new_if_installed ();

  if (settings == NULL)
    return;
  if (o->host == NULL)
    o->host = g_settings_get_string (settings, "smtp-host");
  if (o->port == 0)
    o->port = (int) g_settings_get_uint (settings, "smtp-port");
  if (!o->tls)
    {
      g_autofree char *security = g_settings_get_string (settings, "smtp-security");

      o->tls = g_str_equal (security, "tls");
    }
  if (o->sender == NULL)
    o->sender = g_settings_get_string (settings, "smtp-sender");
  if (o->user == NULL)
    o->user = g_settings_get_string (settings, "smtp-user");
  if (o->ca_file == NULL)
    {
      o->ca_file = g_settings_get_string (settings, "smtp-ca-file");
      if (*o->ca_file == '\0')
        g_clear_pointer (&o->ca_file, g_free);
    }
}

static gboolean
look_up_password (MailOptions *o,
                  GError     **error)
{
  if (o->user == NULL || *o->user == '\0')
    return TRUE;
  o->password = cst_keyring_mail_lookup (o->host, (guint) MAX (o->port, 0), o->user, error);
  return o->password != NULL;
}

static void
print_sent (const char              *reference,
            const char              *address,
            const CstPacketDelivery *delivery)
{
  g_printerr (_("Sent the packet of request %s to %s (SHA-256 %s); the mail server said: %s\n"),
              reference, address, delivery->sha256, delivery->server_reply);
  if (delivery->passphrase == NULL)
    return;
  g_printerr (_("It is encrypted; its passphrase follows, shown this once: give it to the "
                "requester by phone or on paper.\n"));
  g_print ("%s\n", delivery->passphrase);
}

int
cst_cli_packet_send (int    argc,
                     char **argv)
{
  g_autofree char *reference = NULL;
  g_autofree char *address = NULL;
  g_autofree char *confirmed_by = NULL;
  g_autofree char *confirmed_how = NULL;
  g_auto(MailOptions) mail = { 0 };
  const GOptionEntry entries[] = {
    { "request", 'r', 0, G_OPTION_ARG_STRING, &reference, N_("The request's reference"), N_("REF") },
    { "email", 0, 0, G_OPTION_ARG_STRING, &address, N_("The requester's e-mail address"),
      N_("ADDRESS") },
    { "plain-confirmed-by", 0, 0, G_OPTION_ARG_STRING, &confirmed_by,
      N_("Send unencrypted: the individual (or representative) who heard the warning and insisted"),
      N_("NAME") },
    { "confirmed-how", 0, 0, G_OPTION_ARG_STRING, &confirmed_how,
      N_("How they confirmed: phone, in_person or in_writing (default phone)"), N_("HOW") },
    { "smtp-host", 0, 0, G_OPTION_ARG_STRING, &mail.host, N_("The mail server (default: Preferences)"),
      N_("HOST") },
    { "smtp-port", 0, 0, G_OPTION_ARG_INT, &mail.port, N_("Its port (default: Preferences)"), N_("PORT") },
    { "smtp-tls", 0, 0, G_OPTION_ARG_NONE, &mail.tls, N_("Implicit TLS instead of STARTTLS"), NULL },
    { "smtp-sender", 0, 0, G_OPTION_ARG_STRING, &mail.sender, N_("The From address"), N_("ADDRESS") },
    { "smtp-user", 0, 0, G_OPTION_ARG_STRING, &mail.user,
      N_("The mail server login (its password from the keyring)"), N_("USER") },
    { "smtp-ca-file", 0, 0, G_OPTION_ARG_FILENAME, &mail.ca_file,
      N_("Trust the mail server's certificate from this file"), N_("FILE.pem") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (
    _("— e-mail a request's packet through the hospital's mail server"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(CstPacketDelivery) delivery = NULL;
  g_autoptr(GError) error = NULL;
  CstConfirmedHow how = CST_CONFIRMED_BY_PHONE;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_options (context, &argc, &argv, &status))
    return status;
  if (reference == NULL || address == NULL)
    return cst_cli_usage_error (context, _("--request and --email are required"));
  if (confirmed_how != NULL && !cst_confirmed_how_from_string (confirmed_how, &how))
    return cst_cli_usage_error (context, _("--confirmed-how is phone, in_person or in_writing"));
  if (confirmed_how != NULL && confirmed_by == NULL)
    return cst_cli_usage_error (context, _("--confirmed-how goes with --plain-confirmed-by"));
  fill_from_settings (&mail);
  if (!(target = cst_cli_open_target (&error)) || !look_up_password (&mail, &error))
    return cst_cli_fail (error);
  if (confirmed_by != NULL)
    {
      /* The warning as recorded with the confirmation. */
      g_printerr ("%s\n", cst_packet_plain_email_warning ());
      if (!cst_packet_plain_email_confirm_at (target->conninfo, reference, address, confirmed_by,
                                              how, &error))
        return cst_cli_fail (error);
    }
  {
    CstSmtpServer server = {
      mail.host, (guint) MAX (mail.port, 0), mail.tls ? CST_SMTP_TLS : CST_SMTP_STARTTLS,
      mail.sender, mail.user, mail.password, mail.ca_file, NULL,
    };

    if (!(delivery = cst_packet_send_email_at (target->conninfo, reference, &server, address,
                                               confirmed_by != NULL, &error)))
      return cst_cli_fail (error);
  }
  print_sent (reference, address, delivery);
  return EXIT_SUCCESS;
}
