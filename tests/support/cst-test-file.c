/* cst-test-file.c — what the tests check of the files Custodian writes */
#include "config.h"

#include <glib/gstdio.h>

#include "cst-test-file.h"

/* An older file readable by everyone where the next one goes: writing
 * over it must not keep its mode. */
void
cst_test_file_make_public (const char *path)
{
  g_assert_true (g_file_set_contents (path, "old", -1, NULL));
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
}

/* Runs the main loop until a PDF has replaced what was at @path (a save
 * from a dialog finishes in a worker thread). */
void
cst_test_file_wait_for_pdf (const char *path)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      g_autofree char *contents = NULL;

      if (g_file_get_contents (path, &contents, NULL, NULL) && g_str_has_prefix (contents, "%PDF-"))
        return;
      g_main_context_iteration (NULL, FALSE) || (g_usleep (2000), TRUE);
    }
  g_error ("No PDF was written to %s", path);
}

/* A file with patient data: readable and writable by its owner only. */
void
cst_test_file_assert_private (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_true (S_ISREG (st.st_mode));
  g_assert_cmpint (st.st_mode & 07777, ==, 0600);
}

/* The SHA-256 of the file at @path, lowercase hex (what Custodian records
 * of a packet or a record file). */
char *
cst_test_file_sha256 (const char *path)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
}
