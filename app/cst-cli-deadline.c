/* cst-cli-deadline.c — `custodian-cli deadline`: the legal deadline of a
 * hypothetical request
 *
 * Which rule governs (HIPAA's 30 days, a shorter state clock, or none for a
 * third party's authorization), its citation, how it counts and whether it
 * allows an extension.  Like `fee quote`, its options follow the fee
 * engine's classes and formats, its --json keys are stable (add, never
 * rename), and the rules come from the database when one is reachable and
 * holds them, else from the file shipped inside the program (said on
 * stderr).  Exit status: 0 answered, 1 no rule could be read, 2 arguments
 * that cannot be understood.
 */
#define G_LOG_DOMAIN "custodian-cli"

#include "config.h"

#include "custodian/cst-deadline-repo.h"
#include "custodian/cst-input.h"
#include "custodian/cst-json-writer.h"
#include "custodian/cst-locale-format.h"

#include "cst-cli.h"

typedef struct
{
  char    *state, *requester, *purpose, *format, *received;
  gboolean json, seed_only;
} DeadlineOptions;

static void
deadline_options_clear (DeadlineOptions *o)
{
  g_free (o->state); g_free (o->requester); g_free (o->purpose);
  g_free (o->format); g_free (o->received);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DeadlineOptions, deadline_options_clear)

#define REQUESTERS "patient, personal-representative, patient-directive, attorney, insurer, provider, government, other"

typedef struct
{
  CstDeadlineClass klass;
  CstFeeFormat     format;
  GDate            received;
} Question;

static gboolean
parse_question (GOptionContext  *context,
                DeadlineOptions *o,
                Question        *q,
                int             *status)
{
  CstFeeRequester requester;
  CstFeePurpose purpose = CST_FEE_PURPOSE_OTHER;

  q->format = CST_FEE_FORMAT_PAPER;
  cst_input_today (&q->received);
  if (o->state == NULL || !cst_input_is_jurisdiction (o->state))
    *status = cst_cli_bad_choice (context, "--state", o->state ? o->state : "", _("a two-letter state code such as CA"));
  else if (o->requester == NULL || !cst_fee_requester_from_nick (o->requester, &requester))
    *status = cst_cli_bad_choice (context, "--requester", o->requester ? o->requester : "", REQUESTERS);
  else if (o->purpose && !cst_fee_purpose_from_nick (o->purpose, &purpose))
    *status = cst_cli_bad_choice (context, "--purpose", o->purpose,
                          "benefits-claim, personal-injury, continuing-care, subpoena, other");
  else if (o->format && !cst_fee_format_from_nick (o->format, &q->format))
    *status = cst_cli_bad_choice (context, "--format", o->format, "paper, electronic, media, microform");
  else if (o->received && !cst_input_parse_date (o->received, &q->received, NULL))
    *status = cst_cli_bad_choice (context, "--received", o->received, _("a real date written YYYY-MM-DD"));
  else
    {
      q->klass = cst_deadline_class_for (requester, purpose);
      return TRUE;
    }
  return FALSE;
}

/* The database's rules if one is reachable and holds them. */
static CstDeadlineRuleSet *
load_rules (gboolean seed_only)
{
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) seed_error = NULL;
  CstDeadlineRuleSet *set = NULL;

  if (!seed_only &&
      (target = cst_cli_open_target (&error)) != NULL &&
      (set = cst_deadline_repo_load_rules_at (target->conninfo, &error)) != NULL &&
      cst_deadline_rule_set_get_rules (set)->len > 0)
    return set;
  g_clear_pointer (&set, cst_deadline_rule_set_unref);
  if (error != NULL)
    g_printerr (_("custodian-cli: using the deadline rules shipped with Custodian (%s)\n"), error->message);
  set = cst_deadline_rule_set_new_from_seed (&seed_error);
  if (set == NULL)
    g_printerr ("custodian-cli: %s\n", seed_error->message);
  return set;
}

static void
print_text (const CstDeadline *deadline,
            CstDeadlineClass   klass)
{
  const CstDeadlineRule *rule = deadline->rule;
  g_autofree char *why = cst_deadline_describe (deadline);
  g_autofree char *label = rule ? cst_deadline_rule_dup_version_label (rule) : NULL;

  g_print (_("Requester: %s\n"), cst_deadline_class_get_label (klass));
  if (g_date_valid (&deadline->due))
    {
      g_autofree char *due = cst_input_format_date (&deadline->due);
      g_print (_("Legal deadline: %s\n"), due);
    }
  else
    g_print (_("Legal deadline: none (only the department's own target applies)\n"));
  if (rule != NULL)
    {
      g_print (_("Rule: %s — %s (confidence %c)\n"), label, cst_deadline_rule_get_citation (rule),
               (char) cst_deadline_rule_get_confidence (rule));
      if (cst_deadline_rule_get_days (rule) > 0)
        g_print ("%s\n", cst_deadline_rule_get_business (rule) ? _("Counted in business days")
                                                               : _("Counted in calendar days"));
      if (cst_deadline_rule_get_extension_days (rule) > 0)
        g_print (g_dngettext (GETTEXT_PACKAGE, "Extension: one, of %d more day, with written notice\n",
                              "Extension: one, of %d more days, with written notice\n",
                              cst_deadline_rule_get_extension_days (rule)),
                 cst_deadline_rule_get_extension_days (rule));
      else
        g_print (_("Extension: none allowed\n"));
    }
  g_print (_("Why: %s\n"), why);
}

int
cst_cli_deadline (int    argc,
                  char **argv)
{
  g_auto(DeadlineOptions) o = { 0 };
  const GOptionEntry entries[] = {
    { "state", 0, 0, G_OPTION_ARG_STRING, &o.state, N_("US state code of the request"), "XX" },
    { "requester", 0, 0, G_OPTION_ARG_STRING, &o.requester, N_(REQUESTERS), N_("CLASS") },
    { "purpose", 0, 0, G_OPTION_ARG_STRING, &o.purpose,
      N_("benefits-claim, personal-injury, continuing-care, subpoena (legal process), other (default)"),
      N_("PURPOSE") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &o.format, N_("paper (default), electronic, media, microform"),
      N_("FORMAT") },
    { "received", 0, 0, G_OPTION_ARG_STRING, &o.received, N_("Received date (default today)"), "YYYY-MM-DD" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o.json, N_("Print one JSON object"), NULL },
    { "seed-only", 0, 0, G_OPTION_ARG_NONE, &o.seed_only,
      N_("Use the rules shipped with Custodian; do not connect to a database"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("— the legal deadline of a hypothetical request"));
  g_autoptr(CstDeadlineRuleSet) set = NULL;
  CstDeadline deadline;
  Question q;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_options (context, &argc, &argv, &status) ||
      !parse_question (context, &o, &q, &status))
    return status;
  if ((set = load_rules (o.seed_only)) == NULL)
    return EXIT_FAILURE;
  cst_deadline_rule_set_govern (set, o.state, q.klass, q.format, &q.received, &deadline);
  if (o.json)
    {
      g_autofree char *json = cst_deadline_to_json (&deadline);
      g_print ("%s\n", json);
    }
  else
    print_text (&deadline, q.klass);
  return EXIT_SUCCESS;
}

/* ------------------------------------------------------------ deadline rules */

static void
write_rule_json (CstJsonWriter         *w,
                 const CstDeadlineRule *rule)
{
  GDate from, to;
  g_autofree char *from_text = NULL, *to_text = NULL;
  int days = cst_deadline_rule_get_days (rule);

  cst_deadline_rule_get_effective (rule, &from, &to);
  from_text = cst_input_format_date (&from);
  to_text = cst_input_format_date (&to);
  cst_json_writer_begin_object (w);
  cst_json_writer_key (w, "rule");
  cst_json_writer_string (w, cst_deadline_rule_get_key (rule));
  cst_json_writer_key (w, "version");
  cst_json_writer_int (w, cst_deadline_rule_get_version (rule));
  cst_json_writer_key (w, "jurisdiction");
  cst_json_writer_string (w, cst_deadline_rule_get_jurisdiction (rule));
  cst_json_writer_key (w, "classes");
  cst_json_writer_begin_array (w);
  for (guint k = 0; k < CST_DEADLINE_N_CLASSES; k++)
    if (cst_deadline_rule_has_class (rule, (CstDeadlineClass) k))
      cst_json_writer_string (w, cst_deadline_class_to_nick ((CstDeadlineClass) k));
  cst_json_writer_end_array (w);
  cst_json_writer_key (w, "effective_from");
  cst_json_writer_string (w, from_text);
  cst_json_writer_key (w, "effective_to");
  if (*to_text != '\0')
    cst_json_writer_string (w, to_text);
  else
    cst_json_writer_null (w);
  cst_json_writer_key (w, "days");
  if (days > 0)
    cst_json_writer_int (w, days);
  else
    cst_json_writer_null (w);
  cst_json_writer_key (w, "business_days");
  cst_json_writer_bool (w, cst_deadline_rule_get_business (rule));
  cst_json_writer_key (w, "extension_days");
  cst_json_writer_int (w, cst_deadline_rule_get_extension_days (rule));
  cst_json_writer_key (w, "confidence");
  cst_json_writer_string (w, (char[]) { (char) cst_deadline_rule_get_confidence (rule), '\0' });
  cst_json_writer_key (w, "citation");
  cst_json_writer_string (w, cst_deadline_rule_get_citation (rule));
  cst_json_writer_end_object (w);
}

static void
print_rule_line (const CstDeadlineRule *rule)
{
  g_autofree char *label = cst_deadline_rule_dup_version_label (rule);
  int days = cst_deadline_rule_get_days (rule);
  int extension = cst_deadline_rule_get_extension_days (rule);
  g_autofree char *count = days <= 0 ? g_strdup (_("no legal deadline"))
    : cst_deadline_rule_get_business (rule)
      ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d business day", "%d business days", days), days)
      : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d calendar day", "%d calendar days", days), days);
  g_autofree char *extended = extension > 0
    ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "one extension of %d day", "one extension of %d days",
                                    extension), extension)
    : g_strdup (_("no extension"));

  /* Translators: rule@version, jurisdiction, count, extension, citation,
   * confidence letter (C, S or U). */
  g_print (_("%-26s %s  %s, %s — %s (confidence %c)\n"), label, cst_deadline_rule_get_jurisdiction (rule),
           count, extended, cst_deadline_rule_get_citation (rule), (char) cst_deadline_rule_get_confidence (rule));
}

int
cst_cli_deadline_rules (int    argc,
                        char **argv)
{
  gboolean json = FALSE, seed_only = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON array"), NULL },
    { "seed-only", 0, 0, G_OPTION_ARG_NONE, &seed_only,
      N_("Use the rules shipped with Custodian; do not connect to a database"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("— list the deadline rules in force"));
  g_autoptr(CstDeadlineRuleSet) set = NULL;
  GPtrArray *rules;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_options (context, &argc, &argv, &status))
    return status;
  if ((set = load_rules (seed_only)) == NULL)
    return EXIT_FAILURE;
  rules = cst_deadline_rule_set_get_rules (set);
  if (json)
    {
      g_autoptr(GString) out = g_string_new (NULL);
      CstJsonWriter w;

      cst_json_writer_init (&w, out);
      cst_json_writer_begin_array (&w);
      for (guint i = 0; i < rules->len; i++)
        write_rule_json (&w, g_ptr_array_index (rules, i));
      cst_json_writer_end_array (&w);
      g_print ("%s\n", out->str);
    }
  else
    for (guint i = 0; i < rules->len; i++)
      print_rule_line (g_ptr_array_index (rules, i));
  return EXIT_SUCCESS;
}
