/* cst-test-smtp.c — a real SMTP server for a test
 *
 * Runs tests/support/smtp-test-server.py (aiosmtpd, installed by
 * build-aux/packages.sh as python3-aiosmtpd) with Debian's python3, reads
 * its "ready PORT CERT" line, and ends it by closing its standard input.
 * Never mocked: libcurl talks SMTP with STARTTLS to it as to the
 * hospital's server.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "cst-test-records.h"
#include "cst-test-smtp.h"

/* Debian's python3 has python3-aiosmtpd; another one first on PATH
 * (pyenv) may not. */
static const char *
python (void)
{
  return g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE) ? "/usr/bin/python3"
                                                                      : "python3";
}

CstTestSmtp *
cst_test_smtp_start (gboolean    refuse,
                     const char *user,
                     const char *password)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  g_auto(GStrv) fields = NULL;
  CstTestSmtp *smtp = g_new0 (CstTestSmtp, 1);

  smtp->dir = g_dir_make_tmp ("cst-smtp-XXXXXX", &error);
  g_assert_no_error (error);
  g_ptr_array_add (argv, (gpointer) python ());
  g_ptr_array_add (argv, (gpointer) CST_TEST_SUPPORT_DIR "/smtp-test-server.py");
  g_ptr_array_add (argv, smtp->dir);
  if (refuse)
    g_ptr_array_add (argv, (gpointer) "--refuse");
  if (user != NULL)
    {
      g_ptr_array_add (argv, (gpointer) "--user");
      g_ptr_array_add (argv, (gpointer) user);
      g_ptr_array_add (argv, (gpointer) "--password");
      g_ptr_array_add (argv, (gpointer) password);
    }
  g_ptr_array_add (argv, NULL);
  smtp->process = g_subprocess_newv ((const char *const *) argv->pdata,
                                     G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                     G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (smtp->process));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  fields = g_strsplit (line, " ", 3);
  g_assert_cmpuint (g_strv_length (fields), ==, 3);
  g_assert_cmpstr (fields[0], ==, "ready");
  smtp->port = (guint) g_ascii_strtoull (fields[1], NULL, 10);
  smtp->ca_file = g_strdup (fields[2]);
  return smtp;
}

void
cst_test_smtp_stop (CstTestSmtp *smtp)
{
  if (smtp == NULL)
    return;
  g_output_stream_close (g_subprocess_get_stdin_pipe (smtp->process), NULL, NULL);
  g_subprocess_wait (smtp->process, NULL, NULL);
  g_object_unref (smtp->process);
  cst_test_records_remove (smtp->dir);
  g_free (smtp->dir);
  g_free (smtp->ca_file);
  g_free (smtp);
}

guint
cst_test_smtp_count (CstTestSmtp *smtp)
{
  guint n = 0;

  for (;;)
    {
      g_autofree char *name = g_strdup_printf ("msg-%u.json", n + 1);
      g_autofree char *path = g_build_filename (smtp->dir, name, NULL);

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        return n;
      n++;
    }
}

JsonObject *
cst_test_smtp_message (CstTestSmtp *smtp,
                       guint        n)
{
  g_autofree char *name = g_strdup_printf ("msg-%u.json", n);
  g_autofree char *path = g_build_filename (smtp->dir, name, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

char *
cst_test_smtp_raw (CstTestSmtp *smtp,
                   guint        n)
{
  g_autofree char *name = g_strdup_printf ("msg-%u.eml", n);
  g_autofree char *path = g_build_filename (smtp->dir, name, NULL);
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return contents;
}
