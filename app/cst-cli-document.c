/* cst-cli-document.c — custodian-cli document render
 *
 * Makes one document for a request, headless, and records which template
 * version it used.  Prints nothing about the patient: the file name and
 * the page count only.
 */
#define G_LOG_DOMAIN "custodian-cli"

#include "config.h"

#include "custodian/cst-document-repo.h"
#include "custodian/cst-error.h"
#include "custodian/cst-input.h"
#include "custodian/cst-private-file.h"

#include "cst-cli.h"

typedef struct
{
  char *reference;
  char *output;
  char *language;
  char *from;
  char *to;
  char *paper;
} RenderOptions;

static void
render_options_clear (RenderOptions *o)
{
  g_free (o->reference);
  g_free (o->output);
  g_free (o->language);
  g_free (o->from);
  g_free (o->to);
  g_free (o->paper);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RenderOptions, render_options_clear)

/* The accounting covers CST_ACCOUNTING_YEARS unless told otherwise. */
static gboolean
parse_period (const RenderOptions  *o,
              GDate                *from,
              GDate                *to,
              GError              **error)
{
  cst_input_today (to);
  if (o->to != NULL && !cst_input_parse_date (o->to, to, error))
    return FALSE;
  *from = *to;
  g_date_subtract_years (from, CST_ACCOUNTING_YEARS);
  if (o->from != NULL && !cst_input_parse_date (o->from, from, error))
    return FALSE;
  if (g_date_compare (from, to) > 0)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                           _("--from must not be after --to."));
      return FALSE;
    }
  return TRUE;
}

static int
check_options (GOptionContext      *context,
               int                  argc,
               char               **argv,
               const RenderOptions *o,
               CstDocumentKind     *kind)
{
  if (argc < 2)
    return cst_cli_usage_error (context, _("which document? invoice, cover-letter, denial-letter, "
                                           "extension-notice, accounting, deficiency-letter, "
                                           "records-certification or records-certification-tx"));
  if (!cst_document_kind_from_string (argv[1], kind))
    {
      g_autofree char *message = g_strdup_printf (_("unknown document “%s”"), argv[1]);
      return cst_cli_usage_error (context, message);
    }
  if (argc > 2)
    {
      g_autofree char *message = g_strdup_printf (_("unexpected argument “%s”"), argv[2]);
      return cst_cli_usage_error (context, message);
    }
  if (o->reference == NULL || o->output == NULL)
    return cst_cli_usage_error (context, _("--request and --output are required"));
  if (g_strcmp0 (o->language, "en") != 0 && g_strcmp0 (o->language, "es") != 0)
    return cst_cli_usage_error (context, _("--language must be en or es"));
  if (g_strcmp0 (o->paper, "letter") != 0 && g_strcmp0 (o->paper, "a4") != 0)
    return cst_cli_usage_error (context, _("--paper must be letter or a4"));
  if (*kind != CST_DOCUMENT_ACCOUNTING && (o->from != NULL || o->to != NULL))
    return cst_cli_usage_error (context, _("--from and --to apply to the accounting only"));
  return EXIT_SUCCESS;
}

int
cst_cli_document_render (int    argc,
                         char **argv)
{
  /* Defaults are filled in after parsing: GOption would drop (and leak) a
   * string default when the option is given. */
  g_auto(RenderOptions) o = { NULL, NULL, NULL, NULL, NULL, NULL };
  const GOptionEntry entries[] = {
    { "request", 'r', 0, G_OPTION_ARG_STRING, &o.reference, N_("The request's reference"), N_("REF") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output, N_("Where to write the PDF"), N_("FILE") },
    { "language", 'l', 0, G_OPTION_ARG_STRING, &o.language, N_("en or es (default en)"), N_("LANG") },
    { "from", 0, 0, G_OPTION_ARG_STRING, &o.from, N_("Accounting: first day, YYYY-MM-DD"), N_("DATE") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &o.to, N_("Accounting: last day, YYYY-MM-DD"), N_("DATE") },
    { "paper", 0, 0, G_OPTION_ARG_STRING, &o.paper, N_("letter or a4 (default letter)"), N_("SIZE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (
    _("KIND — make a document for a request: invoice, cover-letter, denial-letter, "
      "extension-notice, accounting, deficiency-letter, records-certification, "
      "records-certification-tx"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(GError) error = NULL;
  CstDocumentOptions options = { CST_PDF_PAPER_LETTER, { NULL, NULL, NULL, NULL }, NULL, NULL, NULL };
  CstDocumentKind kind = CST_DOCUMENT_INVOICE;
  GDate from, to;
  guint pages = 0;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return cst_cli_usage_error (context, error->message);
  if (o.language == NULL)
    o.language = g_strdup ("en");
  if (o.paper == NULL)
    o.paper = g_strdup ("letter");
  if ((status = check_options (context, argc, argv, &o, &kind)) != EXIT_SUCCESS)
    return status;
  if (!parse_period (&o, &from, &to, &error))
    return cst_cli_usage_error (context, error->message);

  options.paper = g_str_equal (o.paper, "a4") ? CST_PDF_PAPER_A4 : CST_PDF_PAPER_LETTER;
  options.period_from = &from;
  options.period_to = &to;
  if (!(target = cst_cli_open_target (&error)) ||
      !(pdf = cst_document_repo_render_at (target->conninfo, kind, o.reference, o.language,
                                            &options, &pages, &error)) ||
      !cst_private_file_write (o.output, g_bytes_get_data (pdf, NULL), (gssize) g_bytes_get_size (pdf),
                               &error))
    return cst_cli_fail (error);
  g_print (g_dngettext (NULL, "Wrote %s (%u page).\n", "Wrote %s (%u pages).\n", pages),
           o.output, pages);
  return EXIT_SUCCESS;
}
