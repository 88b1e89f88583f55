/* cst-cli-notice.c — custodian-cli notice list, notice add
 *
 * The notices the law requires with released records are data
 * (cst-release-notice.h): list every version, and add one (an
 * administrator's login), such as the wording of 42 CFR 2.32's notice,
 * which ships without it.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>

#include "custodian/cst-release-notice.h"

#include "cst-cli.h"

int
cst_cli_notice_list (int    argc,
                     char **argv)
{
  const GOptionEntry entries[] = { { NULL } };
  g_autoptr(GOptionContext) context = g_option_context_new (
    _("— list the notices released records carry, every version, with its citation"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(GPtrArray) notices = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_options (context, &argc, &argv, &status))
    return status;
  if (!(target = cst_cli_open_target (&error)) ||
      !(notices = cst_release_notice_list_at (target->conninfo, &error)))
    return cst_cli_fail (error);
  for (guint i = 0; i < notices->len; i++)
    {
      CstReleaseNotice *n = g_ptr_array_index (notices, i);

      /* code, from, where, which records, citation, title, wording on file */
      g_print ("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", n->code, n->effective_from,
               n->jurisdiction ? n->jurisdiction : _("federal"),
               n->category ? n->category : _("every packet"), n->citation, n->title,
               n->wording ? _("wording on file") : _("NO WORDING: packets that need it are refused"));
    }
  return EXIT_SUCCESS;
}

int
cst_cli_notice_add (int    argc,
                    char **argv)
{
  g_autofree char *code = NULL, *title = NULL, *citation = NULL, *state = NULL;
  g_autofree char *category = NULL, *source = NULL, *from = NULL, *wording_file = NULL;
  g_autofree char *wording = NULL;
  const GOptionEntry entries[] = {
    { "code", 0, 0, G_OPTION_ARG_STRING, &code, N_("The notice's code, e.g. part2_redisclosure"), N_("CODE") },
    { "title", 0, 0, G_OPTION_ARG_STRING, &title, N_("Its heading on the page"), N_("TEXT") },
    { "citation", 0, 0, G_OPTION_ARG_STRING, &citation, N_("The law it cites"), N_("TEXT") },
    { "state", 0, 0, G_OPTION_ARG_STRING, &state, N_("Only for requests in this state (default: federal)"), N_("XX") },
    { "category", 0, 0, G_OPTION_ARG_STRING, &category,
      N_("Only when records of this category are in the packet: part2 or hiv (default: every packet)"), N_("CATEGORY") },
    { "source", 0, 0, G_OPTION_ARG_STRING, &source, N_("Where the wording was read"), N_("TEXT") },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, N_("In effect from this day"), N_("YYYY-MM-DD") },
    { "wording-file", 0, 0, G_OPTION_ARG_FILENAME, &wording_file,
      N_("A UTF-8 text file with the notice's exact wording (a blank line between paragraphs)"), N_("FILE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (
    _("— add a version of a notice released records carry (administrators)"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(GError) error = NULL;
  CstReleaseNotice notice = { 0 };
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_options (context, &argc, &argv, &status))
    return status;
  if (!code || !title || !citation || !source || !from || !wording_file)
    return cst_cli_usage_error (context,
                                _("--code, --title, --citation, --source, --from and --wording-file are required"));
  if (!g_file_get_contents (wording_file, &wording, NULL, &error))
    return cst_cli_fail (error);
  if (!g_utf8_validate (wording, -1, NULL))
    return cst_cli_usage_error (context, _("the wording file is not UTF-8 text"));
  g_strstrip (wording);
  notice = (CstReleaseNotice) { code, title, citation, state, category, wording, source, from,
                                NULL, NULL };
  if (!(target = cst_cli_open_target (&error)) ||
      !cst_release_notice_add_at (target->conninfo, &notice, &error))
    return cst_cli_fail (error);
  g_print (_("Added notice %s, in effect from %s.\n"), code, from);
  return EXIT_SUCCESS;
}
