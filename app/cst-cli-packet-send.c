/* cst-cli-packet-send.c — custodian-cli packet build --encrypt, and the
 * packet's deliveries
 *
 * The encrypted packet's passphrase goes to standard output, alone on
 * its line: it is its only copy (the database records that one was
 * given, never the passphrase), for the clerk to read to the requester
 * by phone or write on paper.  What was built goes to standard error, so
 * a script can take the passphrase as the whole of standard output.
 */
#define G_LOG_DOMAIN "custodian-cli"

#include "config.h"

#include "custodian/cst-packet-delivery.h"

#include "cst-cli.h"

int
cst_cli_packet_build_encrypted (const char *reference,
                                const char *output)
{
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(CstEncryptedPacket) packet = NULL;
  g_autoptr(GError) error = NULL;

  if (!(target = cst_cli_open_target (&error)) ||
      !(packet = cst_packet_build_encrypted_at (target->conninfo, reference, output, &error)))
    return cst_cli_fail (error);
  g_printerr (g_dngettext (NULL,
                           "Built the packet of request %s: %u page, encrypted with AES-256, SHA-256 %s\n",
                           "Built the packet of request %s: %u pages, encrypted with AES-256, SHA-256 %s\n",
                           packet->build->pages),
              reference, packet->build->pages, packet->sha256);
  g_printerr (_("Its passphrase follows, shown this once: give it to the requester by phone or on paper.\n"));
  g_print ("%s\n", packet->passphrase);
  return EXIT_SUCCESS;
}
