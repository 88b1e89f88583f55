/* cst-test-smtp.h — a real SMTP server for a test (aiosmtpd, STARTTLS
 * required), started and stopped by the test itself */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct
{
  GSubprocess *process;
  char        *dir;       /* where the messages received are kept */
  guint        port;
  char        *ca_file;   /* the server's self-signed certificate */
} CstTestSmtp;

/* Starts tests/support/smtp-test-server.py; with @refuse it refuses every
 * recipient; with @user it requires that login and @password. */
CstTestSmtp *cst_test_smtp_start (gboolean     refuse,
                                  const char  *user,
                                  const char  *password);
void         cst_test_smtp_stop  (CstTestSmtp *smtp);
/* How many messages the server has received. */
guint        cst_test_smtp_count (CstTestSmtp *smtp);
/* What the server read from message @n (from 1): the JSON object
 * smtp-test-server.py wrote. */
JsonObject  *cst_test_smtp_message (CstTestSmtp *smtp,
                                    guint        n);
/* The raw message @n as received. */
char        *cst_test_smtp_raw     (CstTestSmtp *smtp,
                                    guint        n);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstTestSmtp, cst_test_smtp_stop)

G_END_DECLS
