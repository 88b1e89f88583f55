/* fuzz-record-file.c — cst_record_file_inspect_untimed, the look into a
 * record file before it is stored (app/core/packet/cst-record-file.c):
 * format by first bytes, PDF pages and damage through libqpdf, TIFF pages
 * through libtiff, PNG and JPEG start and end markers
 *
 * The input is written to a file of its own (both libraries read files).
 * Beyond not crashing: a file is accepted or refused, never both; an
 * accepted one has at least one page, its size, and the SHA-256 of the
 * input; a refusal is a CST_ERROR that starts with the file's name.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "custodian/cst-error.h"
#include "packet/cst-packet-private.h"
#include "fuzz.h"

static char *
input_path (void)
{
  static char *path;

  if (path == NULL)
    path = g_strdup_printf ("%s/cst-fuzz-record-%d", g_get_tmp_dir (), (int) getpid ());
  return path;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *path = input_path ();
  CstRecordFileInfo info = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *display = g_filename_display_name (path);
  gboolean ok;

  g_assert_true (g_file_set_contents (path, (const char *) data, (gssize) size, NULL));
  ok = cst_record_file_inspect_untimed (path, 16 * 1024 * 1024, &info, &error);
  g_unlink (path);
  g_assert_true (ok == (error == NULL));
  if (!ok)
    {
      g_assert_true (error->domain == CST_ERROR);
      g_assert_true (g_str_has_prefix (error->message, display));
      g_assert_null (info.sha256);
      return 0;
    }
  {
    g_autofree char *sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, size);

    g_assert_cmpuint (size, >, 0);
    g_assert_cmpuint (info.pages, >=, 1);
    g_assert_cmpint (info.byte_count, ==, (goffset) size);
    g_assert_cmpstr (info.sha256, ==, sha);
    if (info.type == CST_RECORD_FILE_PNG || info.type == CST_RECORD_FILE_JPEG)
      g_assert_cmpuint (info.pages, ==, 1);
  }
  cst_record_file_info_clear (&info);
  return 0;
}
