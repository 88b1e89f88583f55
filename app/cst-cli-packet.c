/* cst-cli-packet.c — custodian-cli packet add, list, build, verify
 *
 * The records packet of a request, headless: add record files (PDF, PNG,
 * JPEG, TIFF), list them in release order, build the stamped packet PDF,
 * and verify that a file is exactly the last packet built.  Adding is all or nothing:
 * one refused file is named, exit status 1, and nothing of the call is
 * stored.  The output and the --json objects are stable: add, never
 * rename.
 */
#define G_LOG_DOMAIN "custodian-cli"

#include "config.h"

#include "custodian/cst-json-writer.h"
#include "custodian/cst-private-file.h"
#include "custodian/cst-packet.h"
#include "custodian/cst-packet-assemble.h"
#include "custodian/cst-redaction.h"
#include "custodian/cst-packet-delivery.h"
#include "custodian/cst-settings.h"

#include "cst-cli.h"

/* The size limit in the settings (megabytes), or the default. */
static goffset
configured_size_limit (void)
{
  g_autoptr(GSettings) settings = cst_settings_new_if_installed ();

  if (settings == NULL)
    return CST_PACKET_SIZE_LIMIT_DEFAULT;
  return (goffset) g_settings_get_uint (settings, "record-size-limit-mb") * 1000 * 1000;
}

static void
write_document_json (CstJsonWriter           *w,
                     const CstRecordDocument *doc,
                     const CstPacketOutline  *outline)
{
  g_autofree char *added_at = g_date_time_format_iso8601 (doc->added_at);

  cst_json_writer_begin_object (w);
  cst_json_writer_key (w, "id");
  cst_json_writer_int (w, doc->id);
  cst_json_writer_key (w, "position");
  cst_json_writer_int (w, doc->position);
  cst_json_writer_key (w, "name");
  cst_json_writer_string (w, doc->name);
  cst_json_writer_key (w, "kind");
  cst_json_writer_string (w, doc->kind);
  cst_json_writer_key (w, "type");
  cst_json_writer_string (w, cst_record_file_type_to_string (doc->type));
  cst_json_writer_key (w, "pages");
  cst_json_writer_int (w, doc->pages);
  cst_json_writer_key (w, "included_pages");
  cst_json_writer_int (w, cst_cli_packet_included_pages (outline, doc));
  cst_json_writer_key (w, "sha256");
  cst_json_writer_string (w, doc->sha256);
  cst_json_writer_key (w, "bytes");
  cst_json_writer_int (w, doc->byte_count);
  cst_json_writer_key (w, "added_by");
  cst_json_writer_string (w, doc->added_by);
  cst_json_writer_key (w, "added_at");
  cst_json_writer_string (w, added_at);
  cst_json_writer_end_object (w);
}

static void
print_json (const char             *reference,
            GPtrArray              *docs,
            const CstPacketOutline *outline)
{
  g_autoptr(GString) out = g_string_new (NULL);
  CstJsonWriter w;

  cst_json_writer_init (&w, out);
  cst_json_writer_begin_object (&w);
  cst_json_writer_key (&w, "request");
  cst_json_writer_string (&w, reference);
  cst_json_writer_key (&w, "documents");
  cst_json_writer_begin_array (&w);
  for (guint i = 0; i < docs->len; i++)
    write_document_json (&w, g_ptr_array_index (docs, i), outline);
  cst_json_writer_end_array (&w);
  cst_json_writer_end_object (&w);
  g_print ("%s\n", out->str);
}

int
cst_cli_packet_add (int    argc,
                    char **argv)
{
  g_autofree char *reference = NULL;
  g_autofree char *kind = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    CST_CLI_REQUEST_OPTION (reference),
    { "kind", 'k', 0, G_OPTION_ARG_STRING, &kind,
      N_("The documents' kind (default: the request's first record type)"), N_("TEXT") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (
    _("FILE… — add record files (PDF, PNG, JPEG, TIFF) to a request; "
      "one refused file and none is added"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(GPtrArray) docs = NULL;
  g_autoptr(GError) error = NULL;
  int status;
  CstPacketLimits limits = { 0, 0 };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_request (context, &argc, &argv, &reference, TRUE, &status))
    return status;
  if (argc < 2)
    return cst_cli_usage_error (context, _("which files? name at least one"));

  limits.size_limit = configured_size_limit ();
  if (!(target = cst_cli_open_target (&error)) ||
      !(docs = cst_packet_add_at (target->conninfo, reference, (const char *const *) argv + 1,
                                  kind, &limits, &error)))
    return cst_cli_fail (error);
  if (json)
    {
      print_json (reference, docs, NULL);
      return EXIT_SUCCESS;
    }
  for (guint i = 0; i < docs->len; i++)
    {
      CstRecordDocument *doc = g_ptr_array_index (docs, i);
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, doc->id);

      g_print (g_dngettext (NULL, "Added document %s (%s): %u page, SHA-256 %s\n",
                            "Added document %s (%s): %u pages, SHA-256 %s\n", doc->pages),
               id, doc->name, doc->pages, doc->sha256);
    }
  return EXIT_SUCCESS;
}

int
cst_cli_packet_list (int    argc,
                     char **argv)
{
  g_autofree char *reference = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    CST_CLI_REQUEST_OPTION (reference),
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (
    _("— list a request's record documents in release order"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(GPtrArray) docs = NULL;
  g_autoptr(CstPacketOutline) outline = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_request (context, &argc, &argv, &reference, FALSE, &status))
    return status;
  if (!(target = cst_cli_open_target (&error)) ||
      !(docs = cst_packet_list_at (target->conninfo, reference, &error)) ||
      !(outline = cst_packet_pages_load_at (target->conninfo, reference, &error)))
    return cst_cli_fail (error);
  if (json)
    {
      print_json (reference, docs, outline);
      return EXIT_SUCCESS;
    }
  if (docs->len == 0)
    {
      g_print (_("Request %s has no record documents.\n"), reference);
      return EXIT_SUCCESS;
    }
  /* Translators: the column heads of custodian-cli packet list. */
  g_print ("%-3s %-8s %-5s %-8s %-64s  %-20s %s\n", _("#"), _("ID"), _("Pages"), _("Included"),
           _("SHA-256"), _("Kind"), _("Name"));
  for (guint i = 0; i < docs->len; i++)
    {
      CstRecordDocument *doc = g_ptr_array_index (docs, i);

      g_print ("%-3u %-8" G_GINT64_FORMAT " %-5u %-8u %-64s  %-20s %s\n", doc->position, doc->id,
               doc->pages, cst_cli_packet_included_pages (outline, doc), doc->sha256, doc->kind,
               doc->name);
    }
  return EXIT_SUCCESS;
}

static char *
build_summary_json (const char              *reference,
                    const CstPacketBuild    *build,
                    const CstPacketBates    *bates,
                    const CstRedactionProof *proof)
{
  GString *out = g_string_new (NULL);
  CstJsonWriter w;

  cst_json_writer_init (&w, out);
  cst_json_writer_begin_object (&w);
  cst_json_writer_key (&w, "request");
  cst_json_writer_string (&w, reference);
  cst_json_writer_key (&w, "pages");
  cst_json_writer_int (&w, build->pages);
  cst_json_writer_key (&w, "record_pages");
  cst_json_writer_int (&w, build->record_pages);
  cst_json_writer_key (&w, "sha256");
  cst_json_writer_string (&w, build->sha256);
  cst_json_writer_key (&w, "documents");
  cst_json_writer_begin_array (&w);
  for (guint i = 0; i < build->documents->len; i++)
    {
      CstRecordDocument *doc = g_ptr_array_index (build->documents, i);

      cst_json_writer_begin_object (&w);
      cst_json_writer_key (&w, "id");
      cst_json_writer_int (&w, doc->id);
      cst_json_writer_key (&w, "sha256");
      cst_json_writer_string (&w, doc->sha256);
      cst_json_writer_key (&w, "pages");
      cst_json_writer_int (&w, doc->pages);
      cst_json_writer_end_object (&w);
    }
  cst_json_writer_end_array (&w);
  if (bates->first != NULL)
    {
      cst_json_writer_key (&w, "bates_first");
      cst_json_writer_string (&w, bates->first);
      cst_json_writer_key (&w, "bates_last");
      cst_json_writer_string (&w, bates->last);
    }
  cst_cli_packet_redaction_summary (&w, proof);
  cst_json_writer_end_object (&w);
  g_string_append_c (out, '\n');
  return g_string_free (out, FALSE);
}

int
cst_cli_packet_build (int    argc,
                      char **argv)
{
  g_autofree char *reference = NULL;
  g_autofree char *output = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *language = NULL;
  CstPacketOptions options = { FALSE, NULL, CST_PDF_PAPER_LETTER };
  g_auto(CstPacketBates) bates = { 0 };
  gboolean encrypt = FALSE;
  const GOptionEntry entries[] = {
    CST_CLI_REQUEST_OPTION (reference),
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Where the packet PDF goes"), N_("FILE.pdf") },
    { "bates", 0, 0, G_OPTION_ARG_NONE, &options.bates,
      N_("Number the record pages with the facility's next Bates numbers"), NULL },
    { "language", 'l', 0, G_OPTION_ARG_STRING, &language, N_("The letters' language: en or es (default en)"),
      N_("LANG") },
    { "json", 0, 0, G_OPTION_ARG_FILENAME, &summary, N_("Also write a JSON summary to this file"),
      N_("SUMMARY.json") },
    { "encrypt", 0, 0, G_OPTION_ARG_NONE, &encrypt,
      N_("Encrypt the packet (AES-256) and print its passphrase, its only copy"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (
    _("— build a request's packet: its record documents in release order, every page stamped"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(CstPacketBuild) build = NULL;
  g_autoptr(GError) error = NULL;
  CstRedactionProof proof;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_request (context, &argc, &argv, &reference, FALSE, &status))
    return status;
  if (output == NULL)
    return cst_cli_usage_error (context, _("--output is required"));
  if (language != NULL && !g_str_equal (language, "en") && !g_str_equal (language, "es"))
    return cst_cli_usage_error (context, _("--language must be en or es"));
  options.language = language;
  if (encrypt && summary != NULL)
    return cst_cli_usage_error (context, _("--json describes the plain packet; leave it out with --encrypt"));
  if (encrypt)
    return cst_cli_packet_build_encrypted (reference, output, &options);
  if (!(target = cst_cli_open_target (&error)) ||
      !(build = cst_packet_build_with_at (target->conninfo, reference, output, &options, &bates,
                                          &error)) ||
      !cst_redaction_proof_at (target->conninfo, build->id, &proof, &error))
    return cst_cli_fail (error);
  if (summary != NULL)
    {
      g_autofree char *json = build_summary_json (reference, build, &bates, &proof);

      if (!cst_private_file_write (summary, json, -1, &error))
        return cst_cli_fail (error);
    }
  g_print (g_dngettext (NULL, "Built the packet of request %s: %u page, SHA-256 %s\n",
                        "Built the packet of request %s: %u pages, SHA-256 %s\n", build->pages),
           reference, build->pages, build->sha256);
  if (bates.first != NULL)
    g_print (_("Bates numbers %s to %s\n"), bates.first, bates.last);
  return cst_cli_packet_redaction_report (&proof);
}

/* What the file was compared with: after the release, the packet
 * released; before it, the last one built. */
static const char *
compared_with (const CstPacketVerdict *v)
{
  return v->released ? _("the packet released") : _("the last packet built");
}

static void
print_verdict (const CstPacketVerdict *v)
{
  guint difference = v->file_pages > v->built_pages ? v->file_pages - v->built_pages
                                                    : v->built_pages - v->file_pages;

  switch (v->kind)
    {
    case CST_PACKET_VERDICT_SAME:
      /* TRANSLATORS: %s is "the packet released" or "the last packet built" */
      g_print (_("The file is exactly %s (SHA-256 %s).\n"), compared_with (v), v->built_sha256);
      break;
    case CST_PACKET_VERDICT_DIFFERENT_FILE:
      g_print (_("Different file: the same number of pages (%u), but not the same bytes "
                 "(SHA-256 %s; %s is %s).\n"),
               v->file_pages, v->file_sha256, compared_with (v), v->built_sha256);
      break;
    case CST_PACKET_VERDICT_PAGES_ADDED:
      g_print (g_dngettext (NULL, "Different file: %u page added (%u pages; %s has %u).\n",
                            "Different file: %u pages added (%u pages; %s has %u).\n",
                            difference),
               difference, v->file_pages, compared_with (v), v->built_pages);
      break;
    case CST_PACKET_VERDICT_PAGES_MISSING:
      g_print (g_dngettext (NULL, "Different file: %u page missing (%u pages; %s has %u).\n",
                            "Different file: %u pages missing (%u pages; %s has %u).\n",
                            difference),
               difference, v->file_pages, compared_with (v), v->built_pages);
      break;
    case CST_PACKET_VERDICT_NOT_A_PDF:
      g_print (_("Different file: it cannot be read as a PDF (%s has %u pages).\n"),
               compared_with (v), v->built_pages);
      break;
    }
}

int
cst_cli_packet_verify (int    argc,
                       char **argv)
{
  g_autofree char *reference = NULL;
  const GOptionEntry entries[] = {
    CST_CLI_REQUEST_OPTION (reference),
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (
    _("FILE.pdf — say whether a file is exactly the packet a request released (before its release, the last one built)"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(GError) error = NULL;
  int status;
  g_auto(CstPacketVerdict) verdict = { 0 };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_request (context, &argc, &argv, &reference, TRUE, &status))
    return status;
  if (argc != 2)
    return cst_cli_usage_error (context, _("which file? name one"));
  if (!(target = cst_cli_open_target (&error)) ||
      !cst_packet_verify_at (target->conninfo, reference, argv[1], &verdict, &error))
    return cst_cli_fail (error);
  print_verdict (&verdict);
  return verdict.kind == CST_PACKET_VERDICT_SAME ? EXIT_SUCCESS : EXIT_FAILURE;
}
