/* cst-cli-facility.c — custodian-cli facility show | set | list | add | grant | revoke
 *
 * The hospital's details on every document, read and changed headless:
 * `facility set` changes only the details given, as the login's role
 * allows (the database lets only an administrator change them).
 */
#define G_LOG_DOMAIN "custodian-cli"

#include "config.h"

#include "custodian/cst-facilities.h"
#include "custodian/cst-facility.h"
#include "custodian/cst-fee-facility.h"
#include "custodian/cst-money.h"
#include "custodian/cst-input.h"

#include "cst-cli.h"

/* The detail's heading in `facility show`, in the order of the enum. */
static const char *
detail_heading (CstFacilityDetail detail)
{
  switch (detail)
    {
    case CST_FACILITY_NAME: return _("Name");
    case CST_FACILITY_ADDRESS: return _("Address");
    case CST_FACILITY_PHONE: return _("Phone");
    case CST_FACILITY_PAY_TEXT: return _("How to pay");
    case CST_FACILITY_PAY_LINK: return _("Pay online at");
    case CST_FACILITY_DEFAULT_STATE: return _("Default state");
    default: g_return_val_if_reached ("");
    }
}

static void print_own_settings (const CstFacility *facility);

static void
print_facility (const CstFacility *facility)
{
  static const CstFacilityDetail required[] = {
    CST_FACILITY_NAME, CST_FACILITY_ADDRESS, CST_FACILITY_PHONE, CST_FACILITY_PAY_TEXT,
  };
  g_autoptr(GError) missing = NULL;

  for (guint i = 0; i < CST_FACILITY_N_DETAILS; i++)
    {
      const char *value = cst_facility_get (facility, i);
      g_auto(GStrv) lines = g_strsplit (cst_input_is_blank (value) ? _("(not filled in)") : value,
                                        "\n", -1);
      g_autofree char *heading = g_strconcat (detail_heading (i), ":", NULL);

      /* Continuation lines of an address line up under its first. */
      for (guint l = 0; lines[l]; l++)
        g_print ("%-16s %s\n", l == 0 ? heading : "", lines[l]);
    }
  print_own_settings (facility);
  if (!cst_facility_require (facility, required, G_N_ELEMENTS (required), &missing))
    g_print ("\n%s\n", missing->message);
}

/* The facility's own fee schedule (0091), after its other settings. */
static gboolean
print_fee_schedule (const char  *conninfo,
                    const char  *code,
                    GError     **error)
{
  g_autofree char *key = NULL;

  if (!cst_fee_facility_get_schedule_at (conninfo, code, &key, error))
    return FALSE;
  g_print ("%-16s %s\n", _("Fee schedule:"), key ? key : _("(none of its own)"));
  return TRUE;
}

/* `facility set --fee-schedule KEY`: "" takes the facility's away. */
static gboolean
save_fee_schedule (const char  *conninfo,
                   const char  *code,
                   const char  *key,
                   GError     **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (key));

  return cst_fee_facility_set_schedule_at (conninfo, code, stripped, error);
}

int
cst_cli_facility_show (int    argc,
                       char **argv)
{
  g_autofree char *code = NULL;
  const GOptionEntry entries[] = {
    { "facility", 0, 0, G_OPTION_ARG_STRING, &code,
      N_("The facility's code (default: the default facility)"), N_("CODE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new (_("— the facility's details printed on letters, invoices and statements"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(CstFacility) facility = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_options (context, &argc, &argv, &status))
    return status;
  if (!(target = cst_cli_open_target (&error)) ||
      !(facility = cst_facility_load_code_at (target->conninfo, code, &error)))
    return cst_cli_fail (error);
  print_facility (facility);
  if (!print_fee_schedule (target->conninfo, facility->code, &error))
    return cst_cli_fail (error);
  return EXIT_SUCCESS;
}

/* ---- a health system's facilities (issue 22) ---- */

static void
print_facility_line (const CstFacility *facility)
{
  g_autofree char *rate = cst_money_format (facility->cost_hourly_rate_cents);
  g_autofree char *supplies = cst_money_format (facility->cost_supplies_cents);

  /* TRANSLATORS: one facility in `facility list`: code, state, request
   * prefix, name, then the actual-cost defaults (minutes, hourly rate,
   * supplies). */
  g_print (_("%-16s %s  %-8s %s%s  (actual cost: %d min at %s/h, supplies %s)\n"),
           facility->code, facility->default_state, facility->request_prefix,
           cst_input_is_blank (facility->name) ? _("(no name)") : facility->name,
           facility->is_default ? _(" [default]") : "",
           facility->cost_labor_minutes, rate, supplies);
}

int
cst_cli_facility_list (int    argc,
                       char **argv)
{
  g_autoptr(GOptionContext) context =
    g_option_context_new (_("— the facilities of the health system"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (!cst_cli_parse_options (context, &argc, &argv, &status))
    return status;
  if (!(target = cst_cli_open_target (&error)) ||
      !(list = cst_facility_list_at (target->conninfo, &error)))
    return cst_cli_fail (error);
  for (guint i = 0; i < list->len; i++)
    print_facility_line (g_ptr_array_index (list, i));
  return EXIT_SUCCESS;
}

/* The facility's own settings given on the command line; -1: not given. */
typedef struct
{
  char   *prefix;
  int     service_target;
  int     labor_minutes;
  double  hourly_rate;
  double  supplies;
} OwnSettings;

static void
own_settings_apply (const OwnSettings *given,
                    CstFacility       *facility)
{
  if (given->prefix != NULL)
    {
      g_free (facility->request_prefix);
      facility->request_prefix = g_strdup (given->prefix);
    }
  if (given->service_target >= 0)
    facility->service_target_days = given->service_target;
  if (given->labor_minutes >= 0)
    facility->cost_labor_minutes = given->labor_minutes;
  if (given->hourly_rate >= 0)
    facility->cost_hourly_rate_cents = (gint64) (given->hourly_rate * 100 + 0.5);
  if (given->supplies >= 0)
    facility->cost_supplies_cents = (gint64) (given->supplies * 100 + 0.5);
}

#define OWN_SETTINGS_ENTRIES(own) \
  { "request-prefix", 0, 0, G_OPTION_ARG_STRING, &(own).prefix, \
    N_("What its request references start with, e.g. ROI"), N_("TEXT") }, \
  { "service-target", 0, 0, G_OPTION_ARG_INT, &(own).service_target, \
    N_("Its service target in days (0: the department's)"), N_("DAYS") }, \
  { "labor-minutes", 0, 0, G_OPTION_ARG_INT, &(own).labor_minutes, \
    N_("Copying labor an actual-cost quote starts with, in minutes"), N_("MINUTES") }, \
  { "hourly-rate", 0, 0, G_OPTION_ARG_DOUBLE, &(own).hourly_rate, \
    N_("Hourly rate of copying labor, in dollars"), N_("AMOUNT") }, \
  { "supplies", 0, 0, G_OPTION_ARG_DOUBLE, &(own).supplies, \
    N_("Supplies an actual-cost quote starts with, in dollars"), N_("AMOUNT") }

int
cst_cli_facility_add (int    argc,
                      char **argv)
{
  OwnSettings own = { NULL, -1, -1, -1, -1 };
  char *code = NULL, *name = NULL, *state = NULL;
  const GOptionEntry entries[] = {
    { "code", 0, 0, G_OPTION_ARG_STRING, &code,
      N_("Its code, as --facility takes it, e.g. NORTH"), N_("CODE") },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("The facility's name"), N_("TEXT") },
    { "state", 0, 0, G_OPTION_ARG_STRING, &state,
      N_("Its state, which picks fee schedules and deadlines, e.g. NY"), N_("XX") },
    OWN_SETTINGS_ENTRIES (own),
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new (_("— add a facility to the health system (an administrator's login)"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(CstFacility) draft = cst_facility_new ();
  g_autoptr(CstFacility) added = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_options (context, &argc, &argv, &status))
    goto out;
  if (code == NULL || state == NULL)
    {
      status = cst_cli_usage_error (context, _("give the facility's --code and --state"));
      goto out;
    }
  g_free (draft->code);
  draft->code = g_strdup (code);
  cst_facility_set (draft, CST_FACILITY_NAME, name ? name : "");
  cst_facility_set (draft, CST_FACILITY_DEFAULT_STATE, state);
  own_settings_apply (&own, draft);
  if (!(target = cst_cli_open_target (&error)) ||
      !(added = cst_facility_add_at (target->conninfo, draft, &error)))
    {
      status = cst_cli_fail (error);
      goto out;
    }
  print_facility_line (added);
  status = EXIT_SUCCESS;
out:
  g_free (code);
  g_free (name);
  g_free (state);
  g_free (own.prefix);
  return status;
}

static int
set_membership (int         argc,
                char      **argv,
                gboolean    member)
{
  char *code = NULL, *login = NULL;
  const GOptionEntry entries[] = {
    { "login", 0, 0, G_OPTION_ARG_STRING, &login, N_("The login (its database role name)"),
      N_("LOGIN") },
    { "facility", 0, 0, G_OPTION_ARG_STRING, &code, N_("The facility's code"), N_("CODE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new (member ? _("— make a login work for a facility (administrators)")
                                 : _("— a login no longer works for a facility (administrators)"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_options (context, &argc, &argv, &status))
    goto out;
  if (login == NULL || code == NULL)
    {
      status = cst_cli_usage_error (context, _("give the --login and the --facility"));
      goto out;
    }
  if (!(target = cst_cli_open_target (&error)) ||
      !cst_facility_set_member_at (target->conninfo, login, code, member, &error))
    {
      status = cst_cli_fail (error);
      goto out;
    }
  g_print (member ? _("%s now works for %s.\n") : _("%s no longer works for %s.\n"), login, code);
  status = EXIT_SUCCESS;
out:
  g_free (code);
  g_free (login);
  return status;
}

int
cst_cli_facility_grant (int    argc,
                        char **argv)
{
  return set_membership (argc, argv, TRUE);
}

int
cst_cli_facility_revoke (int    argc,
                         char **argv)
{
  return set_membership (argc, argv, FALSE);
}

static void
print_own_settings (const CstFacility *facility)
{
  g_autofree char *rate = cst_money_format (facility->cost_hourly_rate_cents);
  g_autofree char *supplies = cst_money_format (facility->cost_supplies_cents);
  g_autofree char *target = facility->service_target_days > 0
    ? g_strdup_printf (g_dngettext (NULL, "%d day", "%d days", facility->service_target_days),
                       facility->service_target_days)
    : g_strdup (_("the department's"));

  g_print ("%-16s %s\n", _("Code:"), facility->code);
  g_print ("%-16s %s\n", _("Request prefix:"), facility->request_prefix);
  g_print ("%-16s %s\n", _("Service target:"), target);
  /* TRANSLATORS: minutes, hourly rate, supplies. */
  g_print (_("%-16s %d min at %s/h, supplies %s\n"), _("Actual cost:"),
           facility->cost_labor_minutes, rate, supplies);
}

int
cst_cli_facility_set (int    argc,
                      char **argv)
{
  char *given[CST_FACILITY_N_DETAILS] = { NULL };
  char *code = NULL;
  char *fee_schedule = NULL;
  OwnSettings own = { NULL, -1, -1, -1, -1 };
  const GOptionEntry entries[] = {
    { "facility", 0, 0, G_OPTION_ARG_STRING, &code,
      N_("The facility's code (default: the default facility)"), N_("CODE") },
    { "name", 0, 0, G_OPTION_ARG_STRING, &given[CST_FACILITY_NAME],
      N_("The facility's name"), N_("TEXT") },
    { "address", 0, 0, G_OPTION_ARG_STRING, &given[CST_FACILITY_ADDRESS],
      N_("Its mailing address; \\n or a newline between lines"), N_("TEXT") },
    { "phone", 0, 0, G_OPTION_ARG_STRING, &given[CST_FACILITY_PHONE],
      N_("The phone number requesters call"), N_("TEXT") },
    { "pay-text", 0, 0, G_OPTION_ARG_STRING, &given[CST_FACILITY_PAY_TEXT],
      N_("How to pay an invoice, as printed on it"), N_("TEXT") },
    { "pay-link", 0, 0, G_OPTION_ARG_STRING, &given[CST_FACILITY_PAY_LINK],
      N_("Where to pay online (optional; \"\" for none)"), N_("URL") },
    { "state", 0, 0, G_OPTION_ARG_STRING, &given[CST_FACILITY_DEFAULT_STATE],
      N_("The state new requests start in, e.g. NY"), N_("XX") },
    OWN_SETTINGS_ENTRIES (own),
    { "fee-schedule", 0, 0, G_OPTION_ARG_STRING, &fee_schedule,
      N_("The key of its own hospital fee schedule (kind=facility; \"\" for none)"), N_("KEY") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new (_("— change the facility's details (an administrator's login)"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(CstFacility) facility = NULL;
  g_autoptr(CstFacility) saved = NULL;
  g_autoptr(GError) error = NULL;
  gboolean any;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_options (context, &argc, &argv, &status))
    goto out;
  any = own.prefix != NULL || own.service_target >= 0 || own.labor_minutes >= 0 ||
        own.hourly_rate >= 0 || own.supplies >= 0 || fee_schedule != NULL;
  for (guint i = 0; i < CST_FACILITY_N_DETAILS; i++)
    any |= given[i] != NULL;
  if (!any)
    {
      status = cst_cli_usage_error (context, _("give at least one detail to change"));
      goto out;
    }
  if (!(target = cst_cli_open_target (&error)) ||
      !(facility = cst_facility_load_code_at (target->conninfo, code, &error)))
    {
      status = cst_cli_fail (error);
      goto out;
    }
  /* A shell makes typing a newline awkward: "\n" stands for one. */
  for (guint i = 0; i < CST_FACILITY_N_DETAILS; i++)
    if (given[i] != NULL)
      {
        g_autofree char *value = g_strcompress (g_strstrip (given[i]));

        cst_facility_set (facility, i, value);
      }
  own_settings_apply (&own, facility);
  if ((fee_schedule != NULL &&
       !save_fee_schedule (target->conninfo, facility->code, fee_schedule, &error)) ||
      !(saved = cst_facility_save_all_at (target->conninfo, facility, &error)))
    {
      status = cst_cli_fail (error);
      goto out;
    }
  print_facility (saved);
  if (!print_fee_schedule (target->conninfo, saved->code, &error))
    {
      status = cst_cli_fail (error);
      goto out;
    }
  status = EXIT_SUCCESS;
out:
  for (guint i = 0; i < CST_FACILITY_N_DETAILS; i++)
    g_free (given[i]);
  g_free (code);
  g_free (fee_schedule);
  g_free (own.prefix);
  return status;
}
