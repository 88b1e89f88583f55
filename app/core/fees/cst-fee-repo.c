/* cst-fee-repo.c — fee schedules and invoices in PostgreSQL
 *
 * A schedule row holds the same keys as the seed file, so loading builds
 * the key/value pairs and hands them to the one parser and validator of
 * cst-fee-schedule.c.  Saving validates the whole set with the edit in
 * place before the new version is inserted.  Invoices freeze a quote as
 * jsonb; the triggers of 0011-invoices.sql refuse any later change.
 */
#define G_LOG_DOMAIN "cst-fee-repo"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "custodian/cst-db.h"
#include "custodian/cst-error.h"
#include "custodian/cst-fee-engine.h"
#include "custodian/cst-fee-repo.h"
#include "custodian/cst-input.h"
#include "custodian/cst-money.h"
#include "cst-fee-private.h"

/* Schedule edits are serialised: validating the set and inserting the
 * version happen under one transaction-scoped advisory lock ("FEES"). */
#define SCHEDULE_LOCK_KEY "1178945875"

void
cst_fee_invoice_free (CstFeeInvoice *invoice)
{
  if (invoice == NULL)
    return;
  g_free (invoice->number);
  g_free (invoice->method);
  g_free (invoice->jurisdiction);
  g_free (invoice->schedule_version);
  g_free (invoice->override_reason);
  g_free (invoice->lines_json);
  g_free (invoice->justification_json);
  g_free (invoice->issued_by);
  g_clear_pointer (&invoice->issued_at, g_date_time_unref);
  g_free (invoice);
}

/* ---------------------------------------------------------------- schedules */

/* The column list is built from the constant field table only: no value
 * ever becomes SQL text. */
static const char *
schedule_select_list (void)
{
  static char *list;

  if (g_once_init_enter (&list))
    {
      guint n;
      const CstFeeField *fields = cst_fee_schedule_fields (&n);
      GString *sql = g_string_new ("schedule_key");

      for (guint i = 0; i < n; i++)
        {
          if (fields[i].type == CST_FEE_FIELD_LIST)
            g_string_append_printf (sql, ", array_to_string(%s, ';')", fields[i].column);
          else
            g_string_append_printf (sql, ", %s::text", fields[i].column);
        }
      g_once_init_leave (&list, g_string_free (sql, FALSE));
    }
  return list;
}

static const char *
schedule_insert_sql (void)
{
  static char *sql;

  if (g_once_init_enter (&sql))
    {
      guint n;
      const CstFeeField *fields = cst_fee_schedule_fields (&n);
      GString *columns = g_string_new ("schedule_key");
      GString *values = g_string_new ("$1");

      for (guint i = 0; i < n; i++)
        {
          g_string_append_printf (columns, ", %s", fields[i].column);
          switch (fields[i].type)
            {
            case CST_FEE_FIELD_INT:
              g_string_append_printf (values, ", $%u::bigint", i + 2);
              break;
            case CST_FEE_FIELD_DATE:
              g_string_append_printf (values, ", $%u::date", i + 2);
              break;
            case CST_FEE_FIELD_LIST:
              g_string_append_printf (values, ", string_to_array($%u, ';')", i + 2);
              break;
            case CST_FEE_FIELD_BOOL:
              g_string_append_printf (values, ", $%u::boolean", i + 2);
              break;
            case CST_FEE_FIELD_TEXT:
            default:
              g_string_append_printf (values, ", $%u", i + 2);
            }
        }
      g_once_init_leave (&sql, g_strdup_printf (
        "INSERT INTO fee_schedules (%s) SELECT %s WHERE NOT EXISTS "
        "(SELECT 1 FROM fee_schedules WHERE schedule_key = $1 AND version = $2::integer)",
        columns->str, values->str));
      g_string_free (columns, TRUE);
      g_string_free (values, TRUE);
    }
  return sql;
}

static GPtrArray *
schedules_from_result (const PGresult *res,
                       GError        **error)
{
  guint n;
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_fee_schedule_unref);

  cst_fee_schedule_fields (&n);
  for (int row = 0; row < PQntuples (res); row++)
    {
      g_autofree const char **values = g_new0 (const char *, n);
      CstFeeSchedule *s;

      for (guint i = 0; i < n; i++)
        values[i] = cst_db_value (res, row, (int) i + 1);
      s = cst_fee_schedule_new_from_values (cst_db_value (res, row, 0), values, error);
      if (s == NULL)
        {
          g_prefix_error (error, _("A stored fee schedule is invalid: "));
          return NULL;
        }
      g_ptr_array_add (list, s);
    }
  return g_steal_pointer (&list);
}

/* The newest version of each schedule among the rows up to @last_id, or
 * among all rows when @last_id is 0. */
static GPtrArray *
load_through (PGconn  *conn,
              gint64   last_id,
              GError **error)
{
  g_autofree char *sql = g_strdup_printf (
    "SELECT DISTINCT ON (schedule_key) %s FROM fee_schedules WHERE $1::bigint = 0 OR id <= $1::bigint "
    "ORDER BY schedule_key, version DESC", schedule_select_list ());
  g_autofree char *bound = g_strdup_printf ("%" G_GINT64_FORMAT, last_id);
  g_autoptr(PGresult) res = cst_db_exec (conn, sql, 1, (const char *[]) { bound }, error);

  return res ? schedules_from_result (res, error) : NULL;
}

static GPtrArray *
load_current (PGconn  *conn,
              GError **error)
{
  return load_through (conn, 0, error);
}

/* The set of @schedules, each facility's own schedule marked as its alone
 * (0091), so that a facility without one never quotes a neighbour's. */
static CstFeeScheduleSet *
set_with_claims (PGconn    *conn,
                 GPtrArray *schedules,
                 GError   **error)
{
  g_autoptr(CstFeeScheduleSet) set = cst_fee_schedule_set_new (schedules, error);
  g_autoptr(PGresult) res = NULL;

  if (set == NULL || !(res = cst_db_exec (conn, "SELECT claimed_fee_schedules()", 0, NULL, error)))
    return NULL;
  for (int i = 0; i < PQntuples (res); i++)
    cst_fee_schedule_set_claim (set, cst_db_value (res, i, 0));
  return g_steal_pointer (&set);
}

/**
 * cst_fee_repo_load_schedules:
 *
 * Returns: (transfer full): the newest version of every stored schedule,
 *   validated as a set; CST_ERROR_NOT_FOUND when none is stored
 */
CstFeeScheduleSet *
cst_fee_repo_load_schedules (PGconn  *conn,
                              GError **error)
{
  g_autoptr(GPtrArray) current = load_current (conn, error);

  if (current == NULL)
    return NULL;
  if (current->len == 0)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_NOT_FOUND,
                           _("No fee schedules are stored in this database yet."));
      return NULL;
    }
  return set_with_claims (conn, current, error);
}

/**
 * cst_fee_repo_load_schedules_through:
 * @last_id: a fee_schedules id (an invoice's schedules_through)
 *
 * Returns: (transfer full): the schedules as they stood when @last_id was
 *   the newest row: the newest version of each among the rows up to it
 */
CstFeeScheduleSet *
cst_fee_repo_load_schedules_through (PGconn  *conn,
                                      gint64   last_id,
                                      GError **error)
{
  g_autoptr(GPtrArray) then = NULL;

  g_return_val_if_fail (last_id > 0, NULL);
  if (!(then = load_through (conn, last_id, error)))
    return NULL;
  if (then->len == 0)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_NOT_FOUND,
                           _("No fee schedules are stored in this database yet."));
      return NULL;
    }
  return set_with_claims (conn, then, error);
}

CstFeeScheduleSet *
cst_fee_repo_load_schedules_at (const char  *conninfo,
                                 GError     **error)
{
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, error);

  return conn ? cst_fee_repo_load_schedules (conn, error) : NULL;
}

static gboolean
insert_schedule (PGconn               *conn,
                 const CstFeeSchedule *s,
                 gboolean             *inserted,
                 GError              **error)
{
  guint n;
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autofree const char **params = NULL;
  g_autoptr(PGresult) res = NULL;

  cst_fee_schedule_fields (&n);
  params = g_new0 (const char *, n + 1);
  params[0] = cst_fee_schedule_get_key (s);
  for (guint i = 0; i < n; i++)
    {
      char *text = cst_fee_schedule_field_to_string (s, i);
      g_ptr_array_add (texts, text);
      params[i + 1] = text;
    }
  res = cst_db_exec (conn, schedule_insert_sql (), (int) n + 1, params, error);
  if (res == NULL)
    return FALSE;
  *inserted = g_str_equal (PQcmdTuples (res), "1");
  return TRUE;
}

static gboolean validate_with (GPtrArray            *current,
                               const CstFeeSchedule *edited,
                               GError              **error);

static gboolean
version_stored (GPtrArray            *current,
                const CstFeeSchedule *s)
{
  for (guint i = 0; i < current->len; i++)
    {
      CstFeeSchedule *c = g_ptr_array_index (current, i);

      if (g_str_equal (cst_fee_schedule_get_key (c), cst_fee_schedule_get_key (s)) &&
          cst_fee_schedule_get_version (c) >= cst_fee_schedule_get_version (s))
        return TRUE;
    }
  return FALSE;
}

static void
replace_current (GPtrArray      *current,
                 CstFeeSchedule *s)
{
  for (guint i = 0; i < current->len; i++)
    if (g_str_equal (cst_fee_schedule_get_key (g_ptr_array_index (current, i)), cst_fee_schedule_get_key (s)))
      {
        g_ptr_array_remove_index (current, i);
        break;
      }
  g_ptr_array_add (current, cst_fee_schedule_ref (s));
}

/* Said before anything is read, so a clerk is refused even when there is
 * nothing new to install. */
static gboolean
may_install (PGconn  *conn,
             GError **error)
{
  g_autoptr(PGresult) res = cst_db_exec (conn, "SELECT has_table_privilege('fee_schedules', 'INSERT')",
                                         0, NULL, error);

  if (res == NULL)
    return FALSE;
  if (g_str_equal (cst_db_value (res, 0, 0), "t"))
    return TRUE;
  g_set_error_literal (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED,
                       _("Only an administrator or the database owner can install fee schedules."));
  return FALSE;
}

/**
 * cst_fee_repo_install_schedules:
 * @set: the schedules to install (the seed's, or in tests others)
 * @n_added: (out) (optional): how many schedule versions were inserted
 * @n_skipped: (out) (optional): how many were left out because they would
 *   clash with what the database holds
 *
 * Inserts the schedules of @set whose key and version are not stored yet,
 * each only if the stored set stays valid with it: a new period shipped
 * with a later Custodian (IL's next year, say) reaches a database on
 * `db migrate`, but never overlaps amounts an administrator entered for
 * the same requests in the meantime, which would make every quote fail.
 * A schedule left out is logged; the administrator's own stays in force.
 */
gboolean
cst_fee_repo_install_schedules (PGconn            *conn,
                                CstFeeScheduleSet *set,
                                guint             *n_added,
                                guint             *n_skipped,
                                GError           **error)
{
  GPtrArray *all = cst_fee_schedule_set_get_schedules (set);
  g_autoptr(GPtrArray) current = NULL;
  guint added = 0, skipped = 0;
  gboolean ok;

  if (!may_install (conn, error) || !cst_db_begin (conn, error))
    return FALSE;
  ok = cst_db_exec_command (conn, "SELECT pg_advisory_xact_lock(" SCHEDULE_LOCK_KEY ")", 0, NULL, error) &&
       (current = load_current (conn, error)) != NULL;
  for (guint i = 0; ok && i < all->len; i++)
    {
      CstFeeSchedule *s = g_ptr_array_index (all, i);
      g_autoptr(GError) clash = NULL;
      gboolean inserted = FALSE;

      if (version_stored (current, s))
        continue;
      if (!validate_with (current, s, &clash))
        {
          g_message ("Shipped fee schedule %s not installed: %s", cst_fee_schedule_get_key (s), clash->message);
          skipped++;
          continue;
        }
      ok = insert_schedule (conn, s, &inserted, error);
      if (ok && inserted)
        {
          replace_current (current, s);
          added++;
        }
    }
  if (!cst_db_end (conn, ok, error))
    return FALSE;
  if (n_added)
    *n_added = added;
  if (n_skipped)
    *n_skipped = skipped;
  return TRUE;
}

/**
 * cst_fee_repo_install_seed:
 * @n_added: (out) (optional): how many schedule versions were inserted
 *
 * Inserts the schedules shipped in resources/seed whose key and version
 * are not stored yet (cst_fee_repo_install_schedules()).  Idempotent; run
 * by the database owner or an administrator after the migrations, so each
 * `db migrate` brings the schedules a new Custodian ships.
 */
gboolean
cst_fee_repo_install_seed (PGconn  *conn,
                            guint   *n_added,
                            GError **error)
{
  g_autoptr(CstFeeScheduleSet) seed = cst_fee_schedule_set_new_from_seed (error);

  return seed != NULL && cst_fee_repo_install_schedules (conn, seed, n_added, NULL, error);
}

static CstFeeSchedule *
with_version (const CstFeeSchedule *s,
              int                   version,
              GError              **error)
{
  guint n;
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);

  cst_fee_schedule_fields (&n);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (texts, i == 0 ? g_strdup_printf ("%d", version)
                                   : cst_fee_schedule_field_to_string (s, i));
  return cst_fee_schedule_new_from_values (cst_fee_schedule_get_key (s),
                                           (const char *const *) texts->pdata, error);
}

/* The set as it would be with @edited in place of its key's current
 * version: refuses an edit that would overlap another schedule. */
static gboolean
validate_with (GPtrArray            *current,
               const CstFeeSchedule *edited,
               GError              **error)
{
  g_autoptr(GPtrArray) next = g_ptr_array_new ();
  g_autoptr(CstFeeScheduleSet) set = NULL;

  for (guint i = 0; i < current->len; i++)
    {
      CstFeeSchedule *s = g_ptr_array_index (current, i);
      if (!g_str_equal (cst_fee_schedule_get_key (s), cst_fee_schedule_get_key (edited)))
        g_ptr_array_add (next, s);
    }
  g_ptr_array_add (next, (gpointer) edited);
  set = cst_fee_schedule_set_new (next, error);
  return set != NULL;
}

/**
 * cst_fee_repo_save_version:
 * @edited: a schedule; its version number is ignored
 *
 * Saves @edited as the next version of its key (version 1 for a new key),
 * after checking the whole set with it in place.  Administrators only.
 *
 * Returns: (transfer full): the schedule as saved, with its version
 */
CstFeeSchedule *
cst_fee_repo_save_version (PGconn                *conn,
                            const CstFeeSchedule  *edited,
                            GError               **error)
{
  const char *key_param[] = { cst_fee_schedule_get_key (edited) };
  g_autoptr(GPtrArray) current = NULL;
  g_autoptr(PGresult) next = NULL;
  g_autoptr(CstFeeSchedule) saved = NULL;
  gboolean inserted = FALSE, ok;

  if (!cst_db_begin (conn, error))
    return NULL;
  ok = cst_db_exec_command (conn, "SELECT pg_advisory_xact_lock(" SCHEDULE_LOCK_KEY ")", 0, NULL, error) &&
       (current = load_current (conn, error)) &&
       validate_with (current, edited, error) &&
       (next = cst_db_exec (conn, "SELECT COALESCE(max(version), 0) + 1 FROM fee_schedules "
                                  "WHERE schedule_key = $1", 1, key_param, error)) &&
       (saved = with_version (edited, (int) cst_db_int64 (next, 0, 0), error)) &&
       insert_schedule (conn, saved, &inserted, error);
  return cst_db_end (conn, ok, error) ? g_steal_pointer (&saved) : NULL;
}

/**
 * cst_fee_repo_list_versions:
 *
 * Returns: (transfer full) (element-type CstFeeSchedule): every version of
 *   @key, newest first, for comparing them
 */
GPtrArray *
cst_fee_repo_list_versions (PGconn      *conn,
                             const char  *key,
                             GError     **error)
{
  const char *params[] = { key };
  g_autofree char *sql = g_strdup_printf (
    "SELECT %s FROM fee_schedules WHERE schedule_key = $1 ORDER BY version DESC",
    schedule_select_list ());
  g_autoptr(PGresult) res = cst_db_exec (conn, sql, 1, params, error);

  return res ? schedules_from_result (res, error) : NULL;
}

/* ---------------------------------------------------------------- invoices */

#define INVOICE_COLUMNS \
  "id, number, request_id, adjusts_invoice_id, method, jurisdiction, schedule_version, " \
  "quoted_cents, total_cents, unconfirmed, override_reason, lines::text, " \
  "justification::text, issued_by, issued_at"

static CstFeeInvoice *
invoice_from_row (const PGresult *res,
                  int             row)
{
  CstFeeInvoice *invoice = g_new0 (CstFeeInvoice, 1);

  invoice->id = cst_db_int64 (res, row, 0);
  invoice->number = g_strdup (cst_db_value (res, row, 1));
  invoice->request_id = cst_db_int64 (res, row, 2);
  invoice->adjusts_invoice_id = cst_db_int64 (res, row, 3);
  invoice->method = g_strdup (cst_db_value (res, row, 4));
  invoice->jurisdiction = g_strdup (cst_db_value (res, row, 5));
  invoice->schedule_version = g_strdup (cst_db_value (res, row, 6));
  invoice->quoted_cents = cst_db_int64 (res, row, 7);
  invoice->total_cents = cst_db_int64 (res, row, 8);
  invoice->unconfirmed = cst_db_bool (res, row, 9);
  invoice->override_reason = g_strdup (cst_db_value (res, row, 10));
  invoice->lines_json = g_strdup (cst_db_value (res, row, 11));
  invoice->justification_json = g_strdup (cst_db_value (res, row, 12));
  invoice->issued_by = g_strdup (cst_db_value (res, row, 13));
  invoice->issued_at = cst_db_timestamp (res, row, 14);
  return invoice;
}

/* The functions of 0058 that write an invoice: issue_invoice() for people
 * (open requests only), invoice_record() for the owner. */
#define ISSUE_INVOICE_SQL(function) \
  "SELECT " INVOICE_COLUMNS " FROM " function "($1, $2::jsonb, $3, $4, $5, $6, $7, " \
  "$8::jsonb, $9::jsonb, $10)"

static CstFeeInvoice *
write_invoice (PGconn       *conn,
               const char   *sql,
               gint64        request_id,
               CstFeeQuote  *quote,
               gint64        charged_cents,
               const char   *override_reason,
               GError      **error)
{
  g_autofree char *request = g_strdup_printf ("%" G_GINT64_FORMAT, request_id);
  g_autofree char *inputs = NULL;
  g_autofree char *quoted = g_strdup_printf ("%" G_GINT64_FORMAT, cst_fee_quote_get_total_cents (quote));
  g_autofree char *charged = NULL;
  g_autofree char *lines = cst_fee_quote_lines_to_json (quote);
  g_autofree char *justification = cst_fee_quote_to_json (quote);
  g_autoptr(PGresult) res = NULL;
  const char *params[10];

  g_return_val_if_fail (quote != NULL, NULL);

  if (charged_cents == CST_FEE_UNSET)
    charged_cents = cst_fee_quote_get_total_cents (quote);
  if (charged_cents < 0)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                           _("An invoice cannot charge a negative amount; issue an adjustment to credit."));
      return NULL;
    }
  if (charged_cents != cst_fee_quote_get_total_cents (quote) && cst_input_is_blank (override_reason))
    {
      g_autofree char *money = cst_money_format (cst_fee_quote_get_total_cents (quote));
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("Charging other than the quoted %s needs a reason; it is kept in the audit log."),
                   money);
      return NULL;
    }
  charged = g_strdup_printf ("%" G_GINT64_FORMAT, charged_cents);
  /* The server takes the state, received date and requester class from
   * the stored request and refuses a quote made for others. */
  inputs = cst_fee_request_to_json (cst_fee_quote_get_request (quote));
  params[0] = request;
  params[1] = inputs;
  params[2] = cst_fee_method_to_nick (cst_fee_quote_get_method (quote));
  params[3] = cst_fee_quote_get_schedule_version (quote);
  params[4] = quoted;
  params[5] = charged;
  params[6] = cst_fee_quote_is_unconfirmed (quote) ? "true" : "false";
  params[7] = lines;
  params[8] = justification;
  params[9] = cst_input_is_blank (override_reason) ? NULL : override_reason;
  res = cst_db_exec (conn, sql, G_N_ELEMENTS (params), params, error);
  return res ? invoice_from_row (res, 0) : NULL;
}

/**
 * cst_fee_repo_issue_invoice:
 * @charged_cents: what is charged, or %CST_FEE_UNSET for the quoted total
 * @override_reason: required when @charged_cents differs from the quote
 *
 * Freezes @quote as an invoice for the request, through issue_invoice()
 * (0058): the request must be open and the quote made for its state,
 * received date and requester.  The reason for an override is stored with
 * the row and so lands in the audit log.
 */
CstFeeInvoice *
cst_fee_repo_issue_invoice (PGconn       *conn,
                             gint64        request_id,
                             CstFeeQuote  *quote,
                             gint64        charged_cents,
                             const char   *override_reason,
                             GError      **error)
{
  return write_invoice (conn, ISSUE_INVOICE_SQL ("issue_invoice"), request_id, quote,
                        charged_cents, override_reason, error);
}

/**
 * cst_fee_repo_record_invoice:
 *
 * Like cst_fee_repo_issue_invoice(), for history written after the fact
 * (the demo data invoices requests it released): also on a closed
 * request.  Only the database owner may.
 */
CstFeeInvoice *
cst_fee_repo_record_invoice (PGconn       *conn,
                              gint64        request_id,
                              CstFeeQuote  *quote,
                              GError      **error)
{
  return write_invoice (conn, ISSUE_INVOICE_SQL ("invoice_record"), request_id, quote,
                        CST_FEE_UNSET, NULL, error);
}

/**
 * cst_fee_repo_issue_adjustment:
 * @delta_cents: the correction: negative credits, positive charges more
 * @reason: why; required
 *
 * Corrects an issued invoice with a new one through adjust_invoice()
 * (0058); the original never changes.  The invoice and its adjustments
 * may not net below zero.  The checks here only give the clerk a message
 * in their language: the server makes them again, under a lock.
 */
CstFeeInvoice *
cst_fee_repo_issue_adjustment (PGconn      *conn,
                                gint64       invoice_id,
                                gint64       delta_cents,
                                const char  *reason,
                                GError     **error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, invoice_id);
  g_autofree char *delta = g_strdup_printf ("%" G_GINT64_FORMAT, delta_cents);
  const char *id_param[] = { id };
  g_autoptr(PGresult) original = NULL;
  g_autoptr(PGresult) res = NULL;
  g_autofree char *description = NULL;
  gint64 net;

  if (cst_input_is_blank (reason))
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                           _("An adjustment needs a reason; it is kept in the audit log."));
      return NULL;
    }
  if (delta_cents == 0 || delta_cents < -CST_FEE_MAX_AMOUNT_CENTS || delta_cents > CST_FEE_MAX_AMOUNT_CENTS)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                           _("An adjustment must change the amount, by at most $100,000."));
      return NULL;
    }
  original = cst_db_exec (conn,
    "SELECT i.number, (SELECT sum(total_cents) FROM invoices a WHERE a.id = i.id OR a.adjusts_invoice_id = i.id) "
    "FROM invoices i WHERE i.id = $1 AND i.adjusts_invoice_id IS NULL", 1, id_param, error);
  if (original == NULL)
    return NULL;
  if (PQntuples (original) == 0)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_NOT_FOUND,
                           _("There is no such invoice to adjust (adjust the original invoice, "
                             "not an adjustment)."));
      return NULL;
    }
  net = cst_db_int64 (original, 0, 1);
  if (net + delta_cents < 0)
    {
      g_autofree char *money = cst_money_format (net);
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("The invoice stands at %s; it cannot be credited below zero."), money);
      return NULL;
    }
  description = g_strdup_printf (_("Adjustment of %s: %s"), cst_db_value (original, 0, 0), reason);
  res = cst_db_exec (conn, "SELECT " INVOICE_COLUMNS " FROM adjust_invoice($1, $2, $3, $4)", 4,
                     (const char *[]) { id, delta, reason, description }, error);
  return res ? invoice_from_row (res, 0) : NULL;
}

/**
 * cst_fee_repo_list_invoices:
 * @request_id: a request, or 0 for all
 *
 * Returns: (transfer full) (element-type CstFeeInvoice): oldest first
 */
GPtrArray *
cst_fee_repo_list_invoices (PGconn  *conn,
                             gint64   request_id,
                             GError **error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, request_id);
  const char *params[] = { id };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT " INVOICE_COLUMNS " FROM invoices WHERE $1::bigint = 0 OR request_id = $1::bigint "
    "ORDER BY issued_at, id", 1, params, error);

  if (res == NULL)
    return NULL;
  return cst_db_collect_rows (res, (CstDbRowFunc) invoice_from_row,
                              (GDestroyNotify) cst_fee_invoice_free);
}

/* ---- a request's invoice state ------------------------------------------ */

void
cst_fee_invoice_state_free (CstFeeInvoiceState *state)
{
  if (state == NULL)
    return;
  cst_fee_invoice_free (state->invoice);
  g_free (state);
}

/**
 * cst_fee_repo_load_invoice_state:
 *
 * The request's newest original invoice, with what its adjustments add or
 * credit summed into @owed_cents.
 *
 * Returns: (transfer full) (nullable): the state, or NULL: with @error set
 *   on failure, without when the request has no invoice
 */
CstFeeInvoiceState *
cst_fee_repo_load_invoice_state (PGconn  *conn,
                                  gint64   request_id,
                                  GError **error)
{
  g_autoptr(GPtrArray) invoices = cst_fee_repo_list_invoices (conn, request_id, error);
  CstFeeInvoiceState *state;
  guint original = G_MAXUINT;

  if (invoices == NULL)
    return NULL;
  for (guint i = 0; i < invoices->len; i++)
    if (((CstFeeInvoice *) g_ptr_array_index (invoices, i))->adjusts_invoice_id == 0)
      original = i;
  if (original == G_MAXUINT)
    return NULL;
  state = g_new0 (CstFeeInvoiceState, 1);
  state->invoice = g_steal_pointer (&g_ptr_array_index (invoices, original));
  state->owed_cents = state->invoice->total_cents;
  for (guint i = 0; i < invoices->len; i++)
    {
      CstFeeInvoice *adjustment = g_ptr_array_index (invoices, i);

      if (adjustment && adjustment->adjusts_invoice_id == state->invoice->id)
        state->owed_cents += adjustment->total_cents, state->n_adjustments++;
    }
  return state;
}

/* ---- the same on a connection's worker thread ---------------------------- */

static gpointer
load_schedules_in_worker (PGconn   *conn,
                          gpointer  data,
                          GError  **error)
{
  return cst_fee_repo_load_schedules (conn, error);
}

void
cst_fee_repo_load_schedules_async (CstConnection       *connection,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (CST_IS_CONNECTION (connection));
  cst_connection_run_async (connection, load_schedules_in_worker, NULL, NULL,
                            (GDestroyNotify) cst_fee_schedule_set_unref, cancellable,
                            callback, user_data);
}

/* Returns: (transfer full): the current schedules, or NULL with @error set */
CstFeeScheduleSet *
cst_fee_repo_load_schedules_finish (CstConnection  *connection,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}

static gpointer
list_versions_in_worker (PGconn   *conn,
                         gpointer  data,
                         GError  **error)
{
  return cst_fee_repo_list_versions (conn, data, error);
}

void
cst_fee_repo_list_versions_async (CstConnection       *connection,
                                   const char          *key,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (CST_IS_CONNECTION (connection));
  g_return_if_fail (key != NULL);
  cst_connection_run_async (connection, list_versions_in_worker, g_strdup (key), g_free,
                            (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

/* Returns: (transfer full) (element-type CstFeeSchedule): every version of
 *   the schedule, newest first, or NULL with @error set */
GPtrArray *
cst_fee_repo_list_versions_finish (CstConnection  *connection,
                                    GAsyncResult   *result,
                                    GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}

static gpointer
save_version_in_worker (PGconn   *conn,
                        gpointer  data,
                        GError  **error)
{
  return cst_fee_repo_save_version (conn, data, error);
}

void
cst_fee_repo_save_version_async (CstConnection       *connection,
                                  CstFeeSchedule      *edited,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (CST_IS_CONNECTION (connection));
  g_return_if_fail (edited != NULL);
  cst_connection_run_async (connection, save_version_in_worker, cst_fee_schedule_ref (edited),
                            (GDestroyNotify) cst_fee_schedule_unref,
                            (GDestroyNotify) cst_fee_schedule_unref, cancellable, callback, user_data);
}

/* Returns: (transfer full): the saved version, or NULL with @error set */
CstFeeSchedule *
cst_fee_repo_save_version_finish (CstConnection  *connection,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}

/* What an invoice job does before it reads the state: nothing, issue the
 * quote, or issue an adjustment of one invoice. */
typedef struct
{
  gint64       request_id;
  CstFeeQuote *quote;
  gint64       adjust_invoice_id;
  gint64       adjust_cents;
  char        *adjust_reason;
} InvoiceJob;

static void
invoice_job_free (InvoiceJob *job)
{
  g_clear_pointer (&job->quote, cst_fee_quote_unref);
  g_free (job->adjust_reason);
  g_free (job);
}

static gpointer
invoice_in_worker (PGconn   *conn,
                   gpointer  data,
                   GError  **error)
{
  InvoiceJob *job = data;
  g_autoptr(CstFeeInvoice) issued = NULL;

  if (job->quote != NULL &&
      !(issued = cst_fee_repo_issue_invoice (conn, job->request_id, job->quote,
                                              cst_fee_quote_get_total_cents (job->quote), NULL, error)))
    return NULL;
  if (job->adjust_reason != NULL &&
      !(issued = cst_fee_repo_issue_adjustment (conn, job->adjust_invoice_id, job->adjust_cents,
                                                 job->adjust_reason, error)))
    return NULL;
  return cst_fee_repo_load_invoice_state (conn, job->request_id, error);
}

static void
run_invoice_job (CstConnection       *connection,
                 InvoiceJob          *job,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  cst_connection_run_async (connection, invoice_in_worker, job, (GDestroyNotify) invoice_job_free,
                            (GDestroyNotify) cst_fee_invoice_state_free, cancellable, callback,
                            user_data);
}

/* Reads the request's invoice state; cst_fee_repo_invoice_state_finish()
 * gives it. */
void
cst_fee_repo_invoice_state_async (CstConnection       *connection,
                                   gint64               request_id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  InvoiceJob *job;

  g_return_if_fail (CST_IS_CONNECTION (connection));
  job = g_new0 (InvoiceJob, 1);
  job->request_id = request_id;
  run_invoice_job (connection, job, cancellable, callback, user_data);
}

/* Issues @quote as the request's invoice, charging its total, then reads
 * the invoice state; cst_fee_repo_invoice_state_finish() gives it. */
void
cst_fee_repo_issue_invoice_async (CstConnection       *connection,
                                   gint64               request_id,
                                   CstFeeQuote         *quote,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  InvoiceJob *job;

  g_return_if_fail (CST_IS_CONNECTION (connection));
  g_return_if_fail (quote != NULL);
  job = g_new0 (InvoiceJob, 1);
  job->request_id = request_id;
  job->quote = cst_fee_quote_ref (quote);
  run_invoice_job (connection, job, cancellable, callback, user_data);
}

/* Issues an adjustment of @delta_cents to @invoice_id with its @reason,
 * then reads the state of @request_id (the invoice's request);
 * cst_fee_repo_invoice_state_finish() gives it. */
void
cst_fee_repo_issue_adjustment_async (CstConnection       *connection,
                                      gint64               request_id,
                                      gint64               invoice_id,
                                      gint64               delta_cents,
                                      const char          *reason,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  InvoiceJob *job;

  g_return_if_fail (CST_IS_CONNECTION (connection));
  g_return_if_fail (reason != NULL);
  job = g_new0 (InvoiceJob, 1);
  job->request_id = request_id;
  job->adjust_invoice_id = invoice_id;
  job->adjust_cents = delta_cents;
  job->adjust_reason = g_strdup (reason);
  run_invoice_job (connection, job, cancellable, callback, user_data);
}

/**
 * cst_fee_repo_invoice_state_finish:
 *
 * Finishes cst_fee_repo_invoice_state_async(),
 * cst_fee_repo_issue_invoice_async() or
 * cst_fee_repo_issue_adjustment_async().
 *
 * Returns: (transfer full) (nullable): the invoice state; NULL with @error
 *   set on failure, without when the request has no invoice
 */
CstFeeInvoiceState *
cst_fee_repo_invoice_state_finish (CstConnection  *connection,
                                    GAsyncResult   *result,
                                    GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}
