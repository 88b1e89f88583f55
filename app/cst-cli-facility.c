/* cst-cli-facility.c — custodian-cli facility show | set
 *
 * The hospital's details on every document, read and changed headless:
 * `facility set` changes only the details given, as the login's role
 * allows (the database lets only an administrator change them).
 */
#define G_LOG_DOMAIN "custodian-cli"

#include "config.h"

#include "custodian/cst-facility.h"
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
  if (!cst_facility_require (facility, required, G_N_ELEMENTS (required), &missing))
    g_print ("\n%s\n", missing->message);
}

int
cst_cli_facility_show (int    argc,
                       char **argv)
{
  g_autoptr(GOptionContext) context =
    g_option_context_new (_("— the facility's details printed on letters, invoices and statements"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  g_autoptr(CstFacility) facility = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (!cst_cli_parse_options (context, &argc, &argv, &status))
    return status;
  if (!(target = cst_cli_open_target (&error)) ||
      !(facility = cst_facility_load_at (target->conninfo, &error)))
    return cst_cli_fail (error);
  print_facility (facility);
  return EXIT_SUCCESS;
}

int
cst_cli_facility_set (int    argc,
                      char **argv)
{
  char *given[CST_FACILITY_N_DETAILS] = { NULL };
  const GOptionEntry entries[] = {
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
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new (_("— change the facility's details (an administrator's login)"));
  g_autoptr(CstDatabaseTarget) target = NULL;
  char *details[CST_FACILITY_N_DETAILS] = { NULL };
  g_autoptr(CstFacility) facility = NULL;
  g_autoptr(GError) error = NULL;
  gboolean any = FALSE;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_options (context, &argc, &argv, &status))
    goto out;
  for (guint i = 0; i < CST_FACILITY_N_DETAILS; i++)
    any |= given[i] != NULL;
  if (!any)
    {
      status = cst_cli_usage_error (context, _("give at least one detail to change"));
      goto out;
    }
  /* A shell makes typing a newline awkward: "\n" stands for one. */
  for (guint i = 0; i < CST_FACILITY_N_DETAILS; i++)
    if (given[i] != NULL)
      details[i] = g_strcompress (g_strstrip (given[i]));
  if (!(target = cst_cli_open_target (&error)) ||
      !(facility = cst_facility_change_at (target->conninfo, (const char * const *) details, &error)))
    {
      status = cst_cli_fail (error);
      goto out;
    }
  print_facility (facility);
  status = EXIT_SUCCESS;
out:
  for (guint i = 0; i < CST_FACILITY_N_DETAILS; i++)
    {
      g_free (given[i]);
      g_free (details[i]);
    }
  return status;
}
