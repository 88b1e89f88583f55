/* cst-cli-fee.c — `custodian-cli fee quote`: the fee for a hypothetical request;
 * `custodian-cli fee schedules`: the schedules, or those about to run out
 *
 * Auditors and scripts check fees with this command, so its options and
 * its --json output are stable: add, never rename.  Schedules come from
 * the database when one is reachable and holds them, else from the seed
 * file shipped inside the program (said on stderr, never on stdout).
 * Exit status: 0 quoted, 1 refused by the engine (the message says why),
 * 2 for arguments that cannot be understood (the message names them).
 */
#define G_LOG_DOMAIN "custodian-cli"

#include "config.h"

#include <inttypes.h>

#include <string.h>

#include "custodian/cst-fee-engine.h"
#include "custodian/cst-error.h"
#include "custodian/cst-fee-expiry.h"
#include "custodian/cst-fee-facility.h"
#include "custodian/cst-fee-facility-choice.h"
#include "custodian/cst-fee-repo.h"
#include "custodian/cst-input.h"
#include "custodian/cst-json-writer.h"

#include "cst-cli.h"

typedef struct
{
  char    *state, *provider, *requester, *purpose, *format, *delivery, *date, *method;
  char    *pages, *years, *postage, *labor, *rate, *supplies, *facility;
  gboolean certified, json, seed_only;
} FeeOptions;

static void
fee_options_clear (FeeOptions *o)
{
  g_free (o->state); g_free (o->provider); g_free (o->requester); g_free (o->purpose);
  g_free (o->format); g_free (o->delivery); g_free (o->date); g_free (o->method);
  g_free (o->pages); g_free (o->years); g_free (o->postage); g_free (o->labor);
  g_free (o->rate); g_free (o->supplies); g_free (o->facility);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FeeOptions, fee_options_clear)

/* Whole numbers only: "12", not "12.5", "1e3" or "-3". */
static gboolean
parse_count (GOptionContext *context,
             const char     *name,
             const char     *text,
             gint64          max,
             gint64         *out,
             int            *status)
{
  guint64 value;

  if (text == NULL)
    return TRUE;
  if (!g_ascii_string_to_unsigned (text, 10, 0, (guint64) max, &value, NULL))
    {
      g_autofree char *message = g_strdup_printf (_("%s must be a whole number from 0 to %" PRId64
                                                    ", not “%s”"), name, max, text);
      *status = cst_cli_usage_error (context, message);
      return FALSE;
    }
  *out = (gint64) value;
  return TRUE;
}

static gboolean
bad_choice (GOptionContext *context,
            const char     *name,
            const char     *value,
            const char     *choices,
            int            *status)
{
  *status = cst_cli_bad_choice (context, name, value, choices);
  return FALSE;
}

static gboolean
build_request (GOptionContext *context,
               FeeOptions     *o,
               CstFeeRequest  *r,
               int            *status)
{
  g_autoptr(GError) error = NULL;

  cst_fee_request_init (r);
  if (o->state == NULL)
    return bad_choice (context, "--state", "", _("a two-letter state code such as PA"), status);
  if (!cst_fee_request_set_jurisdiction (r, o->state, &error))
    {
      g_autofree char *message = g_strdup_printf ("--state: %s", error->message);
      *status = cst_cli_usage_error (context, message);
      return FALSE;
    }
  if (o->provider && !cst_fee_provider_from_nick (o->provider, &r->provider))
    return bad_choice (context, "--provider", o->provider, "hospital, physician", status);
  if (o->requester == NULL)
    return bad_choice (context, "--requester", "", "patient, personal-representative, patient-directive, "
                       "attorney, insurer, provider, government, other", status);
  if (!cst_fee_requester_from_nick (o->requester, &r->requester))
    return bad_choice (context, "--requester", o->requester, "patient, personal-representative, "
                       "patient-directive, attorney, insurer, provider, government, other", status);
  if (o->purpose && !cst_fee_purpose_from_nick (o->purpose, &r->purpose))
    return bad_choice (context, "--purpose", o->purpose,
                       "benefits-claim, personal-injury, continuing-care, subpoena, other", status);
  if (o->format && !cst_fee_format_from_nick (o->format, &r->format))
    return bad_choice (context, "--format", o->format, "paper, electronic, media, microform", status);
  if (o->delivery && !cst_fee_delivery_from_nick (o->delivery, &r->delivery))
    return bad_choice (context, "--delivery", o->delivery, "pickup, mail, email, portal, fax", status);
  if (o->method && (!cst_fee_method_from_nick (o->method, &r->method) ||
                    r->method < CST_FEE_METHOD_HIPAA_ACTUAL || r->method > CST_FEE_METHOD_HIPAA_FLAT))
    return bad_choice (context, "--method", o->method, "actual, average, flat", status);
  if (o->date && !cst_input_parse_date (o->date, &r->received, NULL))
    return bad_choice (context, "--date", o->date, _("a real date written YYYY-MM-DD"), status);
  if (o->pages == NULL)
    return bad_choice (context, "--pages", "", _("a page count"), status);
  if (!parse_count (context, "--pages", o->pages, 1000000, &r->pages, status) ||
      !parse_count (context, "--years", o->years, 200, &r->years, status) ||
      !parse_count (context, "--postage-cents", o->postage, 10000000, &r->postage_cents, status) ||
      !parse_count (context, "--labor-minutes", o->labor, 100000, &r->labor_minutes, status) ||
      !parse_count (context, "--hourly-rate-cents", o->rate, 10000000, &r->hourly_rate_cents, status) ||
      !parse_count (context, "--supplies-cents", o->supplies, 10000000, &r->supplies_cents, status))
    return FALSE;
  r->certified = o->certified;
  return TRUE;
}

/* The database's schedules if one is reachable and holds them (*@conninfo
 * then says which, when asked for). */
static CstFeeScheduleSet *
load_schedules (gboolean   seed_only,
                char     **conninfo)
{
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) seed_error = NULL;
  CstFeeScheduleSet *set = NULL;

  if (!seed_only &&
      (target = cst_cli_open_target (&error)) != NULL &&
      (set = cst_fee_repo_load_schedules_at (target->conninfo, &error)) != NULL)
    {
      if (conninfo != NULL)
        *conninfo = g_strdup (target->conninfo);
      return set;
    }
  if (error != NULL)
    g_printerr (_("custodian-cli: using the fee schedules shipped with Custodian (%s)\n"), error->message);
  set = cst_fee_schedule_set_new_from_seed (&seed_error);
  if (set == NULL)
    g_printerr ("custodian-cli: %s\n", seed_error->message);
  return set;
}

/* The hospital schedule the quote may use is the facility's own (0091),
 * as for a stored request (cst_request_fee_fill_checked): --facility's,
 * else the login's.  Without a database there are no facilities: the
 * shipped schedules claim none. */
static gboolean
facility_schedule (const FeeOptions  *o,
                   const char        *conninfo,
                   CstFeeRequest     *request,
                   GError           **error)
{
  g_autofree char *key = NULL;

  if (conninfo == NULL)
    {
      if (o->facility == NULL)
        return TRUE;
      g_set_error (error, CST_ERROR, CST_ERROR_NOT_FOUND,
                   _("The database cannot be reached, so facility %s's fee schedule is not known."), o->facility);
      return FALSE;
    }
  return cst_fee_facility_schedule_for_quote_at (conninfo, o->facility, &key, error) &&
         cst_fee_request_set_facility_schedule (request, key, error);
}

int
cst_cli_fee_quote (int    argc,
                   char **argv)
{
  g_auto(FeeOptions) o = { 0 };
  const GOptionEntry entries[] = {
    { "state", 0, 0, G_OPTION_ARG_STRING, &o.state, N_("US state code of the request"), "XX" },
    { "provider", 0, 0, G_OPTION_ARG_STRING, &o.provider, N_("hospital (default) or physician"), N_("TYPE") },
    { "requester", 0, 0, G_OPTION_ARG_STRING, &o.requester,
      N_("patient, personal-representative, patient-directive, attorney, insurer, provider, government, other"),
      N_("CLASS") },
    { "purpose", 0, 0, G_OPTION_ARG_STRING, &o.purpose,
      N_("benefits-claim, personal-injury, continuing-care, subpoena, other (default)"), N_("PURPOSE") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &o.format, N_("paper (default), electronic, media, microform"),
      N_("FORMAT") },
    { "pages", 0, 0, G_OPTION_ARG_STRING, &o.pages, N_("Pages or page-equivalents"), "N" },
    { "years", 0, 0, G_OPTION_ARG_STRING, &o.years, N_("Years of records spanned"), "N" },
    { "certified", 0, 0, G_OPTION_ARG_NONE, &o.certified, N_("Certification requested"), NULL },
    { "delivery", 0, 0, G_OPTION_ARG_STRING, &o.delivery, N_("pickup (default), mail, email, portal, fax"),
      N_("HOW") },
    { "postage-cents", 0, 0, G_OPTION_ARG_STRING, &o.postage, N_("Actual postage or shipping"), "N" },
    { "date", 0, 0, G_OPTION_ARG_STRING, &o.date, N_("Received date (default today)"), "YYYY-MM-DD" },
    { "method", 0, 0, G_OPTION_ARG_STRING, &o.method,
      N_("HIPAA method for the individual's request: actual, average, flat"), N_("METHOD") },
    { "labor-minutes", 0, 0, G_OPTION_ARG_STRING, &o.labor,
      N_("Copying labor (actual method), or clerical time where a state bills it"), "N" },
    { "hourly-rate-cents", 0, 0, G_OPTION_ARG_STRING, &o.rate, N_("Labor rate per hour (actual method)"), "N" },
    { "supplies-cents", 0, 0, G_OPTION_ARG_STRING, &o.supplies, N_("Supplies (actual method)"), "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o.json, N_("Print one JSON object"), NULL },
    { "seed-only", 0, 0, G_OPTION_ARG_NONE, &o.seed_only,
      N_("Use the schedules shipped with Custodian; do not connect to a database"), NULL },
    { "facility", 0, 0, G_OPTION_ARG_STRING, &o.facility,
      N_("Quote with this facility's own hospital schedule (default: the login's facility)"), N_("CODE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("— quote the fee for a hypothetical request"));
  g_autofree char *conninfo = NULL;
  g_autoptr(CstFeeScheduleSet) set = NULL;
  g_autoptr(CstFeeQuote) quote = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;
  CstFeeRequest request;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_options (context, &argc, &argv, &status) ||
      !build_request (context, &o, &request, &status))
    return status;
  if (o.facility != NULL && o.seed_only)
    return cst_cli_usage_error (context, _("--facility needs the database: it names the facility's schedule"));
  if ((set = load_schedules (o.seed_only, &conninfo)) == NULL)
    return EXIT_FAILURE;
  if (!facility_schedule (&o, conninfo, &request, &error))
    return cst_cli_fail (error);
  if ((quote = cst_fee_engine_quote (set, &request, &error)) == NULL)
    return cst_cli_fail (error);
  output = o.json ? cst_fee_quote_to_json (quote) : cst_fee_quote_to_text (quote);
  g_print ("%s%s", output, o.json ? "\n" : "");
  return EXIT_SUCCESS;
}

/* ---------------------------------------------------------------- fee schedules */

static void
write_schedule_json (CstJsonWriter        *w,
                     const CstFeeSchedule *s,
                     const GDate          *today,
                     gboolean              expiring)
{
  GDate from, to;
  g_autofree char *from_text = NULL, *to_text = NULL;

  cst_fee_schedule_get_effective (s, &from, &to);
  from_text = cst_input_format_date (&from);
  to_text = cst_input_format_date (&to);
  cst_json_writer_begin_object (w);
  cst_json_writer_key (w, "key");
  cst_json_writer_string (w, cst_fee_schedule_get_key (s));
  cst_json_writer_key (w, "version");
  cst_json_writer_int (w, cst_fee_schedule_get_version (s));
  cst_json_writer_key (w, "jurisdiction");
  cst_json_writer_string (w, cst_fee_schedule_get_jurisdiction (s));
  cst_json_writer_key (w, "effective_from");
  cst_json_writer_string (w, from_text);
  cst_json_writer_key (w, "effective_to");
  if (*to_text != '\0')
    cst_json_writer_string (w, to_text);
  else
    cst_json_writer_null (w);
  cst_json_writer_key (w, "confidence");
  cst_json_writer_string (w, (char[]) { (char) cst_fee_schedule_get_confidence (s), '\0' });
  if (expiring)
    {
      g_autofree char *message = cst_fee_schedule_dup_expiry_message (s, today);

      cst_json_writer_key (w, "ended");
      cst_json_writer_bool (w, cst_fee_schedule_has_ended (s, today));
      cst_json_writer_key (w, "message");
      cst_json_writer_string (w, message);
    }
  cst_json_writer_end_object (w);
}

static void
print_schedule_line (const CstFeeSchedule *s,
                     const GDate          *today,
                     gboolean              expiring)
{
  GDate from, to;
  g_autofree char *from_text = NULL, *to_text = NULL, *message = NULL;

  if (expiring)
    {
      message = cst_fee_schedule_dup_expiry_message (s, today);
      g_print ("%s\n", message);
      return;
    }
  cst_fee_schedule_get_effective (s, &from, &to);
  from_text = cst_input_format_date (&from);
  to_text = cst_input_format_date (&to);
  g_print ("%-28s %s  v%-3d %s .. %s\n", cst_fee_schedule_get_key (s), cst_fee_schedule_get_jurisdiction (s),
           cst_fee_schedule_get_version (s), from_text, to_text);
}

int
cst_cli_fee_schedules (int    argc,
                       char **argv)
{
  gboolean expiring_only = FALSE, json = FALSE, seed_only = FALSE;
  g_autofree char *days_text = NULL, *date_text = NULL;
  const GOptionEntry entries[] = {
    { "expiring", 0, 0, G_OPTION_ARG_NONE, &expiring_only,
      N_("Only schedules that end within the days given (or ended) with no schedule after them"), NULL },
    { "days", 0, 0, G_OPTION_ARG_STRING, &days_text, N_("How far ahead --expiring looks (default 60)"), "N" },
    { "date", 0, 0, G_OPTION_ARG_STRING, &date_text, N_("Look from this date (default today)"), "YYYY-MM-DD" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON array"), NULL },
    { "seed-only", 0, 0, G_OPTION_ARG_NONE, &seed_only,
      N_("Use the schedules shipped with Custodian; do not connect to a database"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("— list the fee schedules, or those about to run out"));
  g_autoptr(CstFeeScheduleSet) set = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  gint64 days = CST_FEE_EXPIRY_WARN_DAYS;
  GDate today;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_options (context, &argc, &argv, &status) ||
      !parse_count (context, "--days", days_text, 3660, &days, &status))
    return status;
  cst_input_today (&today);
  if (date_text && !cst_input_parse_date (date_text, &today, NULL))
    {
      bad_choice (context, "--date", date_text, _("a real date written YYYY-MM-DD"), &status);
      return status;
    }
  if ((set = load_schedules (seed_only, NULL)) == NULL)
    return EXIT_FAILURE;
  listed = expiring_only ? cst_fee_schedule_set_list_expiring (set, &today, (guint) days)
                         : g_ptr_array_ref (cst_fee_schedule_set_get_schedules (set));
  if (json)
    {
      g_autoptr(GString) out = g_string_new (NULL);
      CstJsonWriter w;

      cst_json_writer_init (&w, out);
      cst_json_writer_begin_array (&w);
      for (guint i = 0; i < listed->len; i++)
        write_schedule_json (&w, g_ptr_array_index (listed, i), &today, expiring_only);
      cst_json_writer_end_array (&w);
      g_print ("%s\n", out->str);
    }
  else
    for (guint i = 0; i < listed->len; i++)
      print_schedule_line (g_ptr_array_index (listed, i), &today, expiring_only);
  return EXIT_SUCCESS;
}
