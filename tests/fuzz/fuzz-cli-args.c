/* fuzz-cli-args.c — custodian-cli's top-level command line
 *
 * The input is split at NUL bytes into argv.  The options are main()'s
 * (see app/cst-cli.c), the command table a stand-in with the same shape:
 * this drives cst_cli_find_command() without running any command.
 */
#include "config.h"

#include <string.h>

#include "cst-cli.h"
#include "fuzz.h"

#define MAX_ARGS 64

static int
not_run (int    argc,
         char **argv)
{
  g_assert_not_reached ();
}

static const CstCliCommand commands[] = {
  { "db", "migrate", not_run, NULL },
  { "db", "status", not_run, NULL },
  { "db", "seed-demo", not_run, NULL },
  { "audit", "verify", not_run, NULL },
  { "evidence", NULL, not_run, NULL },
};

/* GLib prints usage problems itself in some paths; keep the fuzzer quiet. */
static void
discard (const char *message)
{
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *opt_database = NULL;
  const GOptionEntry entries[] = {
    { "database", 'd', 0, G_OPTION_ARG_STRING, &opt_database, "", "CONNINFO" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("COMMAND");
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char **argv_copy = NULL;
  const CstCliCommand *found = NULL;
  const char *start = (const char *) data;
  const char *end = start + size;
  char **argv;
  int argc;

  g_set_printerr_handler (discard);
  g_set_print_handler (discard);
  g_ptr_array_add (args, g_strdup ("custodian-cli"));
  while (start < end && args->len < MAX_ARGS)
    {
      const char *nul = memchr (start, '\0', end - start);
      const char *stop = nul ? nul : end;
      g_ptr_array_add (args, g_strndup (start, stop - start));
      start = stop + 1;
    }
  /* GOption removes what it parses from argv: keep our own pointers to
   * free, and give it a copy of the array. */
  argc = (int) args->len;
  argv_copy = g_new0 (char *, args->len + 1);
  memcpy (argv_copy, args->pdata, args->len * sizeof (char *));
  argv = argv_copy;

  g_option_context_add_main_entries (context, entries, NULL);
  /* --help prints and exits; main() wants that, the fuzzer does not. */
  g_option_context_set_help_enabled (context, FALSE);
  if (cst_cli_find_command (context, commands, G_N_ELEMENTS (commands), &argc, &argv,
                            &found, &error))
    {
      g_assert_no_error (error);
      g_assert_cmpint (argc, >=, found->name ? 3 : 2);
      g_assert_true (found >= commands && found < commands + G_N_ELEMENTS (commands));
      g_assert_cmpstr (argv[1], ==, found->group);
      if (found->name != NULL)
        g_assert_cmpstr (argv[2], ==, found->name);
    }
  else
    {
      g_assert_nonnull (error);
      g_assert_null (found);
    }
  return 0;
}
