/* fuzz-main.c — runs a fuzz target over files, without libFuzzer
 *
 * Linked instead of libFuzzer into the "-regress" programs that meson test
 * runs with any compiler: every seed, and every input that once crashed a
 * target (tests/fuzz/corpus/<target>/), stays a regression test.
 */
#include "config.h"

#include <glib.h>
#include <stdio.h>

#include "fuzz.h"

static guint
run_path (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  guint count = 0;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, &error);
      const char *name;

      g_assert_no_error (error);
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          count += run_path (child);
        }
      return count;
    }
  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  LLVMFuzzerTestOneInput ((const uint8_t *) contents, length);
  return 1;
}

int
main (int    argc,
      char **argv)
{
  guint count = 0;

  for (int i = 1; i < argc; i++)
    count += run_path (argv[i]);
  g_assert_cmpuint (count, >, 0);
  /* printf, not g_print: a target may have replaced GLib's print handler. */
  printf ("1..1\nok 1 - %u inputs\n", count);
  return 0;
}
