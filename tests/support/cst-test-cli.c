/* cst-test-cli.c — run the custodian-cli built beside the tests
 *
 * The CLI tests each spawned the program their own way; this is the one
 * way: the binary from this build (never one on PATH), its output captured
 * (a child's stdout would otherwise land in the TAP stream), and a crash
 * or a signal failing the test rather than passing for an exit status.
 */
#include "config.h"

#include <stdarg.h>
#include <sys/wait.h>

#include "cst-test-cli.h"

/* Needs g_test_init(): the path comes from G_TEST_BUILDDIR. */
static const char *
cli_path (void)
{
  static char *path;

  if (path == NULL)
    path = g_test_build_filename (G_TEST_BUILT, "..", "app", "custodian-cli", NULL);
  return path;
}

/**
 * cst_test_cli_run:
 * @conninfo: (nullable): passed as `--database CONNINFO` before the command
 * @out: (out) (optional): what it printed on stdout
 * @err: (out) (optional): what it printed on stderr
 * @first: the first argument (the command's group), then the rest, then %NULL
 *
 * Returns: the exit status; the test fails if the program could not be
 *   started or did not exit normally
 */
int
cst_test_cli_run (const char  *conninfo,
                  char       **out,
                  char       **err,
                  const char  *first,
                  ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out_text = NULL;
  g_autofree char *err_text = NULL;
  int wait_status = 0;
  va_list ap;

  g_ptr_array_add (args, (char *) cli_path ());
  if (conninfo != NULL)
    {
      g_ptr_array_add (args, (char *) "--database");
      g_ptr_array_add (args, (char *) conninfo);
    }
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **) args->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out_text, &err_text, &wait_status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  if (out != NULL)
    *out = g_steal_pointer (&out_text);
  if (err != NULL)
    *err = g_steal_pointer (&err_text);
  return WEXITSTATUS (wait_status);
}
