/* cst-facility.c — the hospital's details, stored in the database (0056)
 *
 * One default row today; the table is shaped for several facilities
 * later, so every query names the row it means.
 */
#define G_LOG_DOMAIN "cst-facility"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "custodian/cst-db.h"
#include "custodian/cst-error.h"
#include "custodian/cst-facilities.h"
#include "custodian/cst-facility.h"
#include "custodian/cst-input.h"
#include "custodian/cst-statement-template-repo.h"
#include "cst-facility-private.h"

G_DEFINE_BOXED_TYPE (CstFacility, cst_facility, cst_facility_copy, cst_facility_free)

/* The longest text each column takes (0056's CHECKs). */
static const glong max_chars[CST_FACILITY_N_DETAILS] = { 200, 1000, 60, 1000, 500, 2 };

CstFacility *
cst_facility_new (void)
{
  CstFacility *self = g_new0 (CstFacility, 1);

  for (guint i = 0; i < CST_FACILITY_N_DETAILS; i++)
    cst_facility_set (self, (CstFacilityDetail) i, "");
  self->code = g_strdup ("");
  self->request_prefix = g_strdup ("ROI");
  return self;
}

CstFacility *
cst_facility_copy (const CstFacility *self)
{
  CstFacility *copy = cst_facility_new ();

  copy->id = self->id;
  for (guint i = 0; i < CST_FACILITY_N_DETAILS; i++)
    cst_facility_set (copy, (CstFacilityDetail) i, cst_facility_get (self, (CstFacilityDetail) i));
  g_free (copy->code);
  copy->code = g_strdup (self->code);
  g_free (copy->request_prefix);
  copy->request_prefix = g_strdup (self->request_prefix);
  copy->is_default = self->is_default;
  copy->service_target_days = self->service_target_days;
  copy->cost_labor_minutes = self->cost_labor_minutes;
  copy->cost_hourly_rate_cents = self->cost_hourly_rate_cents;
  copy->cost_supplies_cents = self->cost_supplies_cents;
  g_free (copy->bates_prefix);
  copy->bates_prefix = g_strdup (self->bates_prefix);
  return copy;
}

void
cst_facility_free (CstFacility *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < CST_FACILITY_N_DETAILS; i++)
    cst_facility_set (self, (CstFacilityDetail) i, NULL);
  g_free (self->code);
  g_free (self->request_prefix);
  g_free (self->bates_prefix);
  g_free (self);
}

static char **
field (CstFacility       *self,
       CstFacilityDetail  detail)
{
  switch (detail)
    {
    case CST_FACILITY_NAME: return &self->name;
    case CST_FACILITY_ADDRESS: return &self->address;
    case CST_FACILITY_PHONE: return &self->phone;
    case CST_FACILITY_PAY_TEXT: return &self->pay_text;
    case CST_FACILITY_PAY_LINK: return &self->pay_link;
    case CST_FACILITY_DEFAULT_STATE: return &self->default_state;
    default: g_return_val_if_reached (NULL);
    }
}

/* Returns: (not nullable): the detail, "" when not filled in */
const char *
cst_facility_get (const CstFacility *self,
                  CstFacilityDetail  detail)
{
  const char *value = *field ((CstFacility *) self, detail);

  return value ? value : "";
}

/* @value: (nullable): NULL frees the detail (only cst_facility_free
 * leaves it so) */
void
cst_facility_set (CstFacility       *self,
                  CstFacilityDetail  detail,
                  const char        *value)
{
  char **slot = field (self, detail);

  g_free (*slot);
  *slot = g_strdup (value);
}

/* TRUE when nothing a document prints is filled in (a fresh database). */
gboolean
cst_facility_is_blank (const CstFacility *self)
{
  for (guint i = 0; i < CST_FACILITY_N_DETAILS; i++)
    if (i != CST_FACILITY_DEFAULT_STATE && !cst_input_is_blank (cst_facility_get (self, i)))
      return FALSE;
  return TRUE;
}

/* The detail's name in a sentence: "The facility's %s is not filled in". */
const char *
cst_facility_detail_label (CstFacilityDetail detail)
{
  switch (detail)
    {
    case CST_FACILITY_NAME: return _("name");
    case CST_FACILITY_ADDRESS: return _("address");
    case CST_FACILITY_PHONE: return _("phone number");
    case CST_FACILITY_PAY_TEXT: return _("payment instructions");
    case CST_FACILITY_PAY_LINK: return _("online payment link");
    case CST_FACILITY_DEFAULT_STATE: return _("default state");
    default: g_return_val_if_reached ("");
    }
}

/* The custodian-cli facility set option that fills @detail. */
const char *
cst_facility_detail_option (CstFacilityDetail detail)
{
  static const char *const options[CST_FACILITY_N_DETAILS] = {
    "--name", "--address", "--phone", "--pay-text", "--pay-link", "--state",
  };

  g_return_val_if_fail ((guint) detail < CST_FACILITY_N_DETAILS, "");
  return options[detail];
}

void
cst_facility_set_missing_error (GError            **error,
                                CstFacilityDetail   detail)
{
  /* TRANSLATORS: the first %s is a detail ("phone number"), the second a
   * command-line option ("--phone"). */
  g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
               _("The facility's %s is not filled in, and this document needs it. An "
                 "administrator fills it in Preferences → Facility, or with "
                 "“custodian-cli facility set %s …”."),
               cst_facility_detail_label (detail), cst_facility_detail_option (detail));
}

/**
 * cst_facility_require:
 * @required: (array length=n_required): the details the document prints
 *
 * Returns: FALSE, naming the first blank detail of @required in @error
 */
gboolean
cst_facility_require (const CstFacility        *self,
                      const CstFacilityDetail  *required,
                      guint                     n_required,
                      GError                  **error)
{
  for (guint i = 0; i < n_required; i++)
    if (self == NULL || cst_input_is_blank (cst_facility_get (self, required[i])))
      {
        cst_facility_set_missing_error (error, required[i]);
        return FALSE;
      }
  return TRUE;
}

/* What the table would refuse, said before asking it: too long, or a
 * state that is not a US state or territory. */
gboolean
cst_facility_validate (const CstFacility  *self,
                       GError            **error)
{
  for (guint i = 0; i < CST_FACILITY_N_DETAILS; i++)
    {
      const char *value = cst_facility_get (self, i);

      if (!g_utf8_validate (value, -1, NULL) || g_utf8_strlen (value, -1) > max_chars[i])
        {
          g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                       _("The facility's %s is too long (at most %ld characters)."),
                       cst_facility_detail_label (i), max_chars[i]);
          return FALSE;
        }
    }
  return cst_input_check_jurisdiction (cst_facility_get (self, CST_FACILITY_DEFAULT_STATE), error);
}

/* One row of COLUMNS. */
CstFacility *
_cst_facility_from_row (const PGresult *res,
                        int             row)
{
  CstFacility *self = cst_facility_new ();
  const int first = CST_FACILITY_N_DETAILS + 1;

  self->id = cst_db_int64 (res, row, 0);
  for (guint i = 0; i < CST_FACILITY_N_DETAILS; i++)
    cst_facility_set (self, i, cst_db_value (res, row, (int) i + 1));
  g_free (self->code);
  self->code = g_strdup (cst_db_value (res, row, first));
  g_free (self->request_prefix);
  self->request_prefix = g_strdup (cst_db_value (res, row, first + 1));
  self->is_default = cst_db_bool (res, row, first + 2);
  self->service_target_days = (int) cst_db_int64 (res, row, first + 3);
  self->cost_labor_minutes = (int) cst_db_int64 (res, row, first + 4);
  self->cost_hourly_rate_cents = cst_db_int64 (res, row, first + 5);
  self->cost_supplies_cents = cst_db_int64 (res, row, first + 6);
  g_free (self->bates_prefix);
  self->bates_prefix = g_strdup (cst_db_value (res, row, first + 7));
  return self;
}

/* The facility @where picks (one SQL condition on facilities, $1 its
 * parameter), or an error naming @missing. */
CstFacility *
_cst_facility_load_where (PGconn      *conn,
                          const char  *where,
                          const char  *param,
                          const char  *missing,
                          GError     **error)
{
  g_autofree char *sql = g_strconcat ("SELECT " CST_FACILITY_COLUMNS " FROM facilities WHERE ", where, NULL);
  const char *params[] = { param };
  g_autoptr(PGresult) res = cst_db_exec (conn, sql, param ? 1 : 0, param ? params : NULL, error);

  if (res == NULL)
    return NULL;
  if (PQntuples (res) == 0)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_NOT_FOUND, missing);
      return NULL;
    }
  return _cst_facility_from_row (res, 0);
}

/**
 * cst_facility_load:
 *
 * Returns: (transfer full): the default facility's details, blanks
 *   where nothing is filled in
 */
CstFacility *
cst_facility_load (PGconn  *conn,
                   GError **error)
{
  return _cst_facility_load_where (conn, "is_default", NULL,
                                   _("The database has no facility: run “custodian-cli db migrate”."),
                                   error);
}

/* Stores every detail of @facility in its row (the default one when
 * @facility was never stored); only an administrator's login may (0056,
 * 0080). */
gboolean
cst_facility_save (PGconn             *conn,
                   const CstFacility  *facility,
                   GError            **error)
{
  const char *params[CST_FACILITY_N_DETAILS + 1];
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, facility->id);
  g_autoptr(PGresult) res = NULL;
  g_autoptr(GError) local = NULL;

  if (!cst_facility_validate (facility, error))
    return FALSE;
  for (guint i = 0; i < CST_FACILITY_N_DETAILS; i++)
    params[i] = cst_facility_get (facility, i);
  params[CST_FACILITY_N_DETAILS] = id;
  res = cst_db_exec (conn,
                     "UPDATE facilities SET name = $1, address = $2, phone = $3, pay_text = $4,"
                     " pay_link = $5, default_state = $6"
                     " WHERE CASE WHEN $7::bigint = 0 THEN is_default ELSE id = $7::bigint END"
                     " RETURNING id",
                     CST_FACILITY_N_DETAILS + 1, params, &local);
  if (res == NULL && g_error_matches (local, CST_ERROR, CST_ERROR_PERMISSION_DENIED))
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED,
                           _("Only an administrator may change the facility's details."));
      return FALSE;
    }
  if (res == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (PQntuples (res) == 0)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_NOT_FOUND,
                           _("The database has no facility: run “custodian-cli db migrate”."));
      return FALSE;
    }
  return TRUE;
}

CstFacility *
cst_facility_load_at (const char  *conninfo,
                      GError     **error)
{
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, error);

  return conn ? cst_facility_load (conn, error) : NULL;
}

CstFacility *
cst_facility_change_at (const char         *conninfo,
                        const char * const *details,
                        GError            **error)
{
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(CstFacility) facility = NULL;

  if (!(conn = cst_db_connect (conninfo, error)) ||
      !(facility = cst_facility_load (conn, error)))
    return NULL;
  for (guint i = 0; i < CST_FACILITY_N_DETAILS; i++)
    if (details[i] != NULL)
      cst_facility_set (facility, i, details[i]);
  if (!cst_facility_save (conn, facility, error))
    return NULL;
  return g_steal_pointer (&facility);
}

void
cst_facility_load_for_statement_at (const char            *conninfo,
                                    const char            *facility_code,
                                    const char            *template_name,
                                    const char            *language,
                                    CstFacility          **facility,
                                    GError               **facility_error,
                                    CstStatementTemplate **tpl,
                                    GError               **template_error)
{
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, facility_error);

  *facility = NULL;
  *tpl = NULL;
  if (conn == NULL)
    return;
  *facility = cst_facility_load_code (conn, facility_code, facility_error);
  if (template_name == NULL)
    return;
  /* The shipped templates become version 1 the first time they are
   * needed; a login that may not add them just reads. */
  if (cst_statement_template_repo_seed (conn, NULL, NULL))
    g_debug ("Shipped statement templates are in the database");
  *tpl = cst_statement_template_repo_load (conn, template_name, language, 0, template_error);
}

/**
 * cst_facility_adopt:
 * @proposed: details typed before the database could be reached (the
 *   first-run assistant), or kept in this computer's settings by an
 *   older Custodian
 * @adopted: (out) (optional): whether @proposed was stored
 *
 * Stores @proposed only while the database's facility is blank, so
 * neither a first start on a second computer nor one user's old settings
 * ever overwrite what an administrator filled in.
 *
 * Returns: FALSE with @error set when the database refused (another role
 *   than the administrator's, for one)
 */
gboolean
cst_facility_adopt (PGconn             *conn,
                    const CstFacility  *proposed,
                    gboolean           *adopted,
                    GError            **error)
{
  g_autoptr(CstFacility) stored = NULL;
  gboolean own = FALSE;
  gboolean ok;

  if (adopted != NULL)
    *adopted = FALSE;
  if (cst_facility_is_blank (proposed))
    return TRUE;
  if (!cst_db_join (conn, CST_DB_READ_WRITE, &own, error))
    return FALSE;
  /* Two first starts at once: the second waits and finds the first's. */
  ok = cst_db_exec_command (conn, "SELECT pg_advisory_xact_lock(hashtext('facilities:adopt'))",
                            0, NULL, error) &&
       (stored = cst_facility_load (conn, error)) != NULL;
  if (ok && cst_facility_is_blank (stored))
    {
      ok = cst_facility_save (conn, proposed, error);
      if (ok && adopted != NULL)
        *adopted = TRUE;
    }
  return cst_db_leave (conn, own, ok, error);
}

/* --- statements --- */

static void
set_statement_facility (CstStatementTemplate *tpl,
                        const char           *key,
                        const char           *value)
{
  g_autoptr(GError) error = NULL;

  if (!cst_statement_template_set_string (tpl, "facility", key, value, &error))
    g_warning ("The statement's %s was not set: %s", key, error->message);
}

/**
 * cst_facility_apply_to_statement:
 *
 * Puts the facility's details in @tpl's [facility] group, where the
 * statement's letterhead, phone lines, payment link and remittance stub
 * read them.  The Spanish and financial-help lines keep a number of
 * their own when the template has one, else the facility's phone.
 */
void
cst_facility_apply_to_statement (const CstFacility    *facility,
                                 CstStatementTemplate *tpl)
{
  g_autofree char *remit_to = NULL;
  const char *const own_lines[] = { "phone-spanish", "phone-assistance" };

  set_statement_facility (tpl, "name", facility->name);
  set_statement_facility (tpl, "address", facility->address);
  set_statement_facility (tpl, "phone-billing", facility->phone);
  set_statement_facility (tpl, "url-pay", facility->pay_link);
  remit_to = cst_input_is_blank (facility->address)
               ? g_strdup (facility->name)
               : g_strconcat (facility->name, "\n", facility->address, NULL);
  set_statement_facility (tpl, "remit-address", remit_to);
  for (guint i = 0; i < G_N_ELEMENTS (own_lines); i++)
    if (cst_input_is_blank (cst_statement_template_get_facility (tpl, own_lines[i])))
      set_statement_facility (tpl, own_lines[i], facility->phone);
}

/**
 * cst_facility_check_statement:
 *
 * Returns: FALSE naming the first detail the statement prints that is
 *   blank: the name, address and phone always, the payment link when the
 *   "ways to pay" section shows it
 */
gboolean
cst_facility_check_statement (CstStatementTemplate  *tpl,
                              GError               **error)
{
  const struct { const char *key; CstFacilityDetail detail; } needed[] = {
    { "name", CST_FACILITY_NAME },
    { "address", CST_FACILITY_ADDRESS },
    { "phone-billing", CST_FACILITY_PHONE },
  };
  const char *online = cst_statement_template_get_text (tpl, "pay-online");

  for (guint i = 0; i < G_N_ELEMENTS (needed); i++)
    if (cst_input_is_blank (cst_statement_template_get_facility (tpl, needed[i].key)))
      {
        cst_facility_set_missing_error (error, needed[i].detail);
        return FALSE;
      }
  if (cst_statement_template_has_section (tpl, CST_SECTION_WAYS_TO_PAY) &&
      strstr (online, "{url_pay}") != NULL &&
      cst_input_is_blank (cst_statement_template_get_facility (tpl, "url-pay")))
    {
      cst_facility_set_missing_error (error, CST_FACILITY_PAY_LINK);
      return FALSE;
    }
  return TRUE;
}

/* --- on the connection's worker thread --- */

static gpointer
load_in_worker (PGconn   *conn,
                gpointer  data,
                GError  **error)
{
  return cst_facility_load (conn, error);
}

void
cst_facility_load_async (CstConnection       *connection,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_return_if_fail (CST_IS_CONNECTION (connection));
  cst_connection_run_async (connection, load_in_worker, NULL, NULL, (GDestroyNotify) cst_facility_free,
                            cancellable, callback, user_data);
}

/* Returns: (transfer full): the details, or NULL with @error set */
CstFacility *
cst_facility_load_finish (CstConnection  *connection,
                          GAsyncResult   *result,
                          GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}

static gpointer
save_in_worker (PGconn   *conn,
                gpointer  data,
                GError  **error)
{
  /* A non-NULL result says it worked; it points at nothing. */
  return cst_facility_save (conn, data, error) ? GINT_TO_POINTER (TRUE) : NULL;
}

void
cst_facility_save_async (CstConnection       *connection,
                         const CstFacility   *facility,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_return_if_fail (CST_IS_CONNECTION (connection));
  g_return_if_fail (facility != NULL);
  cst_connection_run_async (connection, save_in_worker, cst_facility_copy (facility),
                            (GDestroyNotify) cst_facility_free, NULL, cancellable, callback,
                            user_data);
}

gboolean
cst_facility_save_finish (CstConnection  *connection,
                          GAsyncResult   *result,
                          GError        **error)
{
  return cst_connection_run_finish (connection, result, error) != NULL;
}

static gpointer
adopt_in_worker (PGconn   *conn,
                 gpointer  data,
                 GError  **error)
{
  gboolean adopted = FALSE;

  if (!cst_facility_adopt (conn, data, &adopted, error))
    return NULL;
  /* Two distinct non-NULL results: stored, or kept the database's. */
  return GINT_TO_POINTER (adopted ? 2 : 1);
}

void
cst_facility_adopt_async (CstConnection       *connection,
                          const CstFacility   *proposed,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (CST_IS_CONNECTION (connection));
  g_return_if_fail (proposed != NULL);
  cst_connection_run_async (connection, adopt_in_worker, cst_facility_copy (proposed),
                            (GDestroyNotify) cst_facility_free, NULL, cancellable, callback,
                            user_data);
}

/**
 * cst_facility_adopt_finish:
 * @adopted: (out) (optional): whether the proposed details were stored
 */
gboolean
cst_facility_adopt_finish (CstConnection  *connection,
                           GAsyncResult   *result,
                           gboolean       *adopted,
                           GError        **error)
{
  gpointer outcome = cst_connection_run_finish (connection, result, error);

  if (adopted != NULL)
    *adopted = GPOINTER_TO_INT (outcome) == 2;
  return outcome != NULL;
}
