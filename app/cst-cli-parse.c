/* cst-cli-parse.c — custodian-cli's top-level command line
 *
 * Options before the command belong to custodian-cli, everything from the
 * command's name on to the command.  Kept apart from main() so that the
 * fuzz target in tests/fuzz/ drives exactly this code.  The commands'
 * own options are parsed here too: the usage on a mistake, and the
 * --request every command about one request requires
 * (cst_cli_parse_request).
 */
#define G_LOG_DOMAIN "custodian-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "cst-cli.h"

/**
 * cst_cli_find_command:
 * @context: the top-level options, already set up
 * @argc: (inout): on success, counts from the group word on
 * @argv: (inout): on success, argv[1] is the group and argv[2] the name
 *   (for a one-word command, whose name is %NULL, argv[2] is its first
 *   option)
 * @found: (out): the command
 *
 * Returns: %FALSE with @error set when the command line cannot be
 *   understood; the caller prints it with the usage
 */
gboolean
cst_cli_find_command (GOptionContext       *context,
                      const CstCliCommand  *commands,
                      guint                 n_commands,
                      int                  *argc,
                      char               ***argv,
                      const CstCliCommand **found,
                      GError              **error)
{
  /* Options after the command belong to the command. */
  g_option_context_set_strict_posix (context, TRUE);
  if (!g_option_context_parse (context, argc, argv, error))
    return FALSE;
  if (*argc < 2)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, _("no command given"));
      return FALSE;
    }
  /* Two words first: "deadline rules" is a command of its own beside the
   * one-word "deadline", which takes its options right after it. */
  for (guint i = 0; *argc >= 3 && i < n_commands; i++)
    if (commands[i].name != NULL && g_str_equal ((*argv)[1], commands[i].group) &&
        g_str_equal ((*argv)[2], commands[i].name))
      {
        *found = &commands[i];
        return TRUE;
      }
  for (guint i = 0; i < n_commands; i++)
    if (commands[i].name == NULL && g_str_equal ((*argv)[1], commands[i].group))
      {
        *found = &commands[i];
        return TRUE;
      }
  if (*argc < 3)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, _("no command given"));
      return FALSE;
    }
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, _("unknown command “%s %s”"),
               (*argv)[1], (*argv)[2]);
  return FALSE;
}

/* The mistake, then the command's usage, on standard error. */
int
cst_cli_usage_error (GOptionContext *context,
             const char     *message)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

  g_printerr ("custodian-cli: %s\n\n%s", message, help);
  return EXIT_USAGE;
}

/* The command's options; nothing may follow them. */
gboolean
cst_cli_parse_options (GOptionContext  *context,
               int             *argc,
               char          ***argv,
               int             *status)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *status = cst_cli_usage_error (context, error->message);
      return FALSE;
    }
  if (*argc > 1)
    {
      g_autofree char *message = g_strdup_printf (_("unexpected argument “%s”"), (*argv)[1]);
      *status = cst_cli_usage_error (context, message);
      return FALSE;
    }
  return TRUE;
}

/**
 * cst_cli_parse_request:
 * @reference: the variable of the command's --request option
 *   (CST_CLI_REQUEST_OPTION), read once the options are parsed
 * @takes_files: whether arguments may follow the options (files, ids)
 * @status: (out): the exit status to return when %FALSE
 *
 * What every command about one request does first: its options parsed,
 * the usage printed on a mistake, and --request required.
 *
 * Returns: %FALSE when the command line is wrong (already said)
 */
gboolean
cst_cli_parse_request (GOptionContext   *context,
                       int              *argc,
                       char           ***argv,
                       char *const      *reference,
                       gboolean          takes_files,
                       int              *status)
{
  g_autoptr(GError) error = NULL;

  if (!takes_files)
    {
      if (!cst_cli_parse_options (context, argc, argv, status))
        return FALSE;
    }
  else if (!g_option_context_parse (context, argc, argv, &error))
    {
      *status = cst_cli_usage_error (context, error->message);
      return FALSE;
    }
  if (*reference == NULL)
    {
      *status = cst_cli_usage_error (context, _("--request is required"));
      return FALSE;
    }
  return TRUE;
}
