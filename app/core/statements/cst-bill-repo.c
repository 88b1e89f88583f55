/* cst-bill-repo.c — bills and statement templates in PostgreSQL
 *
 * A bill and all its lines are written in one transaction; the lines go
 * in one statement (column texts joined by the ASCII unit separator and
 * split again by the server), so a 5,000-line bill is one round trip, and
 * still only parameters, never spliced SQL.  Template text is stored
 * whole, one row per version; versions are never changed afterwards.
 */
#define G_LOG_DOMAIN "cst-bill-repo"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "custodian/cst-bill-repo.h"
#include "custodian/cst-db.h"
#include "custodian/cst-error.h"
#include "custodian/cst-input.h"

#define SEP "\x1f"
#define N_LINE_COLUMNS 10

#define BILL_COLUMNS \
  "id, account_number, patient_name, guarantor_name, visit_type, admit_date, " \
  "discharge_date, payer_name, claim_number, claim_status, claim_processed_date, " \
  "claim_level_payment, claim_insurer_paid_cents, claim_adjustment_cents, " \
  "fap_adjustment_cents, patient_payments_cents, other_credits_cents, statement_date, " \
  "due_date, statement_sequence"

static char *
int_text (gint64 value)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, value);
}

static char *
date_or_null (const GDate *date)
{
  return g_date_valid (date) ? cst_input_format_date (date) : NULL;
}

static gint64
insert_bill_row (PGconn   *conn,
                 CstBill  *bill,
                 GError  **error)
{
  g_autofree char *admit = date_or_null (&bill->admit_date);
  g_autofree char *discharge = date_or_null (&bill->discharge_date);
  g_autofree char *processed = date_or_null (&bill->claim_processed_date);
  g_autofree char *statement = date_or_null (&bill->statement_date);
  g_autofree char *due = date_or_null (&bill->due_date);
  g_autofree char *paid = int_text (bill->claim_insurer_paid_cents);
  g_autofree char *adjustment = int_text (bill->claim_adjustment_cents);
  g_autofree char *fap = int_text (bill->fap_adjustment_cents);
  g_autofree char *payments = int_text (bill->patient_payments_cents);
  g_autofree char *credits = int_text (bill->other_credits_cents);
  g_autofree char *sequence = int_text (bill->statement_sequence);
  const char *params[] = {
    bill->account_number, bill->patient_name, bill->guarantor_name,
    cst_visit_type_to_nick (bill->visit_type), admit, discharge, bill->payer_name,
    bill->claim_number, cst_claim_status_to_nick (bill->claim_status), processed,
    bill->claim_level_payment ? "true" : "false", paid, adjustment, fap, payments, credits,
    statement, due, sequence,
  };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "INSERT INTO bills (account_number, patient_name, guarantor_name, visit_type, admit_date, "
    "discharge_date, payer_name, claim_number, claim_status, claim_processed_date, "
    "claim_level_payment, claim_insurer_paid_cents, claim_adjustment_cents, "
    "fap_adjustment_cents, patient_payments_cents, other_credits_cents, statement_date, "
    "due_date, statement_sequence) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
    "$12, $13, $14, $15, $16, $17, $18, $19) RETURNING id",
    G_N_ELEMENTS (params), params, error);

  return res ? cst_db_int64 (res, 0, 0) : 0;
}

static void
append_column (GString    *column,
               guint       index,
               const char *value)
{
  if (index > 0)
    g_string_append (column, SEP);
  g_string_append (column, value);
}

static gboolean
insert_lines (PGconn   *conn,
              gint64    bill_id,
              CstBill  *bill,
              GError  **error)
{
  GString *columns[N_LINE_COLUMNS];
  const char *params[N_LINE_COLUMNS + 1];
  g_autofree char *id = int_text (bill_id);
  g_autoptr(PGresult) res = NULL;

  for (guint c = 0; c < N_LINE_COLUMNS; c++)
    columns[c] = g_string_new (NULL);
  for (guint i = 0; i < bill->lines->len; i++)
    {
      const CstBillLine *line = g_ptr_array_index (bill->lines, i);
      g_autofree char *date = cst_input_format_date (&line->service_date);
      char numbers[6][24];

      g_snprintf (numbers[0], sizeof numbers[0], "%u", line->source_line);
      g_snprintf (numbers[1], sizeof numbers[1], "%" G_GINT64_FORMAT, line->units);
      g_snprintf (numbers[2], sizeof numbers[2], "%" G_GINT64_FORMAT, line->charge_cents);
      g_snprintf (numbers[3], sizeof numbers[3], "%" G_GINT64_FORMAT, line->insurer_paid_cents);
      g_snprintf (numbers[4], sizeof numbers[4], "%" G_GINT64_FORMAT, line->adjustment_cents);
      g_snprintf (numbers[5], sizeof numbers[5], "%" G_GINT64_FORMAT, line->patient_resp_cents);
      append_column (columns[0], i, numbers[0]);
      append_column (columns[1], i, date);
      append_column (columns[2], i, line->revenue_code);
      append_column (columns[3], i, line->cpt_hcpcs);
      append_column (columns[4], i, line->description);
      for (guint c = 0; c < 5; c++)
        append_column (columns[5 + c], i, numbers[1 + c]);
    }
  params[0] = id;
  for (guint c = 0; c < N_LINE_COLUMNS; c++)
    params[c + 1] = columns[c]->str;

  /* regexp_split_to_array keeps empty strings (string_to_array('') is {}). */
  res = cst_db_exec (conn,
    "INSERT INTO bill_lines (bill_id, position, source_line, service_date, revenue_code, "
    "cpt_hcpcs, description, units, charge_cents, insurer_paid_cents, adjustment_cents, "
    "patient_resp_cents) "
    "SELECT $1, t.n - 1, t.s::integer, t.d::date, t.r, t.h, t.x, t.u::bigint, t.c::bigint, "
    "t.p::bigint, t.a::bigint, t.o::bigint "
    "FROM unnest(regexp_split_to_array($2, E'\\x1f'), regexp_split_to_array($3, E'\\x1f'), "
    "regexp_split_to_array($4, E'\\x1f'), regexp_split_to_array($5, E'\\x1f'), "
    "regexp_split_to_array($6, E'\\x1f'), regexp_split_to_array($7, E'\\x1f'), "
    "regexp_split_to_array($8, E'\\x1f'), regexp_split_to_array($9, E'\\x1f'), "
    "regexp_split_to_array($10, E'\\x1f'), regexp_split_to_array($11, E'\\x1f')) "
    "WITH ORDINALITY AS t(s, d, r, h, x, u, c, p, a, o, n)",
    G_N_ELEMENTS (params), params, error);
  for (guint c = 0; c < N_LINE_COLUMNS; c++)
    g_string_free (columns[c], TRUE);
  return res != NULL;
}

static gboolean
check_storable (CstBill  *bill,
                GError  **error)
{
  if (cst_input_is_blank (bill->account_number) || cst_input_is_blank (bill->patient_name))
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                           _("A bill needs an account number and a patient name to be saved."));
      return FALSE;
    }
  for (guint i = 0; i < bill->lines->len; i++)
    {
      const CstBillLine *line = g_ptr_array_index (bill->lines, i);
      if (line->description && strchr (line->description, SEP[0]) != NULL)
        {
          g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                       _("Line %u holds a control character."), i + 1);
          return FALSE;
        }
    }
  return cst_bill_validate (bill, error);
}

/**
 * cst_bill_repo_insert:
 *
 * Saves a new bill and its lines; sets bill->id.
 *
 * Returns: the new id, 0 on error
 */
gint64
cst_bill_repo_insert (PGconn   *conn,
                       CstBill  *bill,
                       GError  **error)
{
  gint64 id;

  g_return_val_if_fail (bill->id == 0, 0);
  if (!check_storable (bill, error) || !cst_db_begin (conn, error))
    return 0;
  id = insert_bill_row (conn, bill, error);
  if (!cst_db_end (conn, id != 0 && insert_lines (conn, id, bill, error), error))
    return 0;
  bill->id = id;
  return id;
}

static void
set_date (GDate          *date,
          const PGresult *res,
          int             row,
          int             col)
{
  g_autoptr(GDate) value = cst_db_date (res, row, col);

  g_date_clear (date, 1);
  if (value != NULL)
    *date = *value;
}

static CstBill *
bill_from_row (const PGresult *res,
               int             row)
{
  CstBill *bill = cst_bill_new ();

  bill->id = cst_db_int64 (res, row, 0);
  cst_bill_set_text (&bill->account_number, cst_db_value (res, row, 1));
  cst_bill_set_text (&bill->patient_name, cst_db_value (res, row, 2));
  cst_bill_set_text (&bill->guarantor_name, cst_db_value (res, row, 3));
  cst_visit_type_from_nick (cst_db_value (res, row, 4), &bill->visit_type);
  set_date (&bill->admit_date, res, row, 5);
  set_date (&bill->discharge_date, res, row, 6);
  cst_bill_set_text (&bill->payer_name, cst_db_value (res, row, 7));
  cst_bill_set_text (&bill->claim_number, cst_db_value (res, row, 8));
  cst_claim_status_from_nick (cst_db_value (res, row, 9), &bill->claim_status);
  set_date (&bill->claim_processed_date, res, row, 10);
  bill->claim_level_payment = cst_db_bool (res, row, 11);
  bill->claim_insurer_paid_cents = cst_db_int64 (res, row, 12);
  bill->claim_adjustment_cents = cst_db_int64 (res, row, 13);
  bill->fap_adjustment_cents = cst_db_int64 (res, row, 14);
  bill->patient_payments_cents = cst_db_int64 (res, row, 15);
  bill->other_credits_cents = cst_db_int64 (res, row, 16);
  set_date (&bill->statement_date, res, row, 17);
  set_date (&bill->due_date, res, row, 18);
  bill->statement_sequence = (guint) cst_db_int64 (res, row, 19);
  return bill;
}

static void
add_lines_from (CstBill        *bill,
                const PGresult *res)
{
  for (int row = 0; row < PQntuples (res); row++)
    {
      CstBillLine *line = cst_bill_line_new ();
      const char *hcpcs = cst_db_value (res, row, 3);

      line->source_line = (guint) cst_db_int64 (res, row, 0);
      set_date (&line->service_date, res, row, 1);
      g_strlcpy (line->revenue_code, cst_db_value (res, row, 2), sizeof line->revenue_code);
      g_strlcpy (line->cpt_hcpcs, hcpcs ? hcpcs : "", sizeof line->cpt_hcpcs);
      line->description = g_strdup (cst_db_value (res, row, 4));
      line->units = cst_db_int64 (res, row, 5);
      line->charge_cents = cst_db_int64 (res, row, 6);
      line->insurer_paid_cents = cst_db_int64 (res, row, 7);
      line->adjustment_cents = cst_db_int64 (res, row, 8);
      line->patient_resp_cents = cst_db_int64 (res, row, 9);
      g_ptr_array_add (bill->lines, line);
    }
}

CstBill *
cst_bill_repo_get (PGconn   *conn,
                    gint64    id,
                    GError  **error)
{
  g_autofree char *id_text = int_text (id);
  const char *params[] = { id_text };
  g_autoptr(PGresult) res = cst_db_exec (conn, "SELECT " BILL_COLUMNS " FROM bills WHERE id = $1",
                                         1, params, error);
  g_autoptr(PGresult) lines = NULL;
  CstBill *bill;

  if (res == NULL)
    return NULL;
  if (PQntuples (res) == 0)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_NOT_FOUND, _("The bill no longer exists."));
      return NULL;
    }
  lines = cst_db_exec (conn,
    "SELECT source_line, service_date, revenue_code, cpt_hcpcs, description, units, "
    "charge_cents, insurer_paid_cents, adjustment_cents, patient_resp_cents "
    "FROM bill_lines WHERE bill_id = $1 ORDER BY position", 1, params, error);
  if (lines == NULL)
    return NULL;
  bill = bill_from_row (res, 0);
  add_lines_from (bill, lines);
  return bill;
}

/**
 * cst_bill_repo_list:
 *
 * Returns: (transfer full): every bill, newest statement first, with its
 *   account fields but without lines (use cst_bill_repo_get for those)
 */
GPtrArray *
cst_bill_repo_list (PGconn  *conn,
                     GError **error)
{
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT " BILL_COLUMNS " FROM bills ORDER BY statement_date DESC, id DESC", 0, NULL, error);
  GPtrArray *bills;

  if (res == NULL)
    return NULL;
  bills = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_bill_unref);
  for (int row = 0; row < PQntuples (res); row++)
    g_ptr_array_add (bills, bill_from_row (res, row));
  return bills;
}

/**
 * cst_bill_repo_record_statement:
 *
 * Records that @statement was produced, with the template version it was
 * made from.  The bill and the template must both be stored.
 *
 * Returns: the new row's id, 0 on error
 */
gint64
cst_bill_repo_record_statement (PGconn        *conn,
                                 CstStatement  *statement,
                                 GError       **error)
{
  g_autofree char *bill_id = int_text (statement->bill->id);
  g_autofree char *version_id = int_text (cst_statement_template_get_version_id (statement->template));
  g_autofree char *due = int_text (statement->amount_due_cents);
  g_autofree char *charges = int_text (statement->total_charges_cents);
  const char *params[] = { bill_id, version_id, due, charges };
  g_autoptr(PGresult) res = NULL;

  if (statement->bill->id == 0 || cst_statement_template_get_version_id (statement->template) == 0)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                           _("Save the bill and the template before recording a statement."));
      return 0;
    }
  res = cst_db_exec (conn,
    "INSERT INTO bill_statements (bill_id, template_version_id, amount_due_cents, "
    "total_charges_cents) VALUES ($1, $2, $3, $4) RETURNING id", 4, params, error);
  return res ? cst_db_int64 (res, 0, 0) : 0;
}

/* ---- Templates ------------------------------------------------------------ */

static CstStatementTemplate *
template_from_row (const PGresult *res,
                   GError        **error)
{
  const char *body = cst_db_value (res, 0, 2);
  CstStatementTemplate *tpl = cst_statement_template_new_from_data (body, strlen (body), error);

  if (tpl != NULL)
    cst_statement_template_set_version (tpl, cst_db_int64 (res, 0, 0),
                                        (int) cst_db_int64 (res, 0, 1));
  return tpl;
}

/**
 * cst_statement_template_store_load:
 * @version: a version number, or 0 for the current one
 *
 * Returns: (transfer full): the template, its version set
 */
CstStatementTemplate *
cst_statement_template_store_load (PGconn      *conn,
                                   const char  *name,
                                   const char  *language,
                                   int          version,
                                   GError     **error)
{
  g_autofree char *version_text = g_strdup_printf ("%d", version);
  const char *params[] = { name, language, version_text };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT v.id, v.version, v.body FROM statement_templates t "
    "JOIN statement_template_versions v ON v.template_id = t.id "
    " AND v.version = CASE WHEN $3::integer = 0 THEN t.current_version ELSE $3::integer END "
    "WHERE t.name = $1 AND t.language = $2", 3, params, error);

  if (res == NULL)
    return NULL;
  if (PQntuples (res) == 0)
    {
      if (version == 0)
        g_set_error (error, CST_ERROR, CST_ERROR_NOT_FOUND,
                     _("There is no statement template “%s” (%s)."), name, language);
      else
        g_set_error (error, CST_ERROR, CST_ERROR_NOT_FOUND,
                     _("There is no statement template “%s” (%s) version %d."), name, language,
                     version);
      return NULL;
    }
  return template_from_row (res, error);
}

CstStatementTemplate *
cst_statement_template_store_load_version_id (PGconn  *conn,
                                              gint64   version_id,
                                              GError **error)
{
  g_autofree char *id = int_text (version_id);
  const char *params[] = { id };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT id, version, body FROM statement_template_versions WHERE id = $1", 1, params, error);

  if (res == NULL)
    return NULL;
  if (PQntuples (res) == 0)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_NOT_FOUND,
                           _("That statement template version does not exist."));
      return NULL;
    }
  return template_from_row (res, error);
}

/* Inside a transaction: the UPDATE locks the template row, so two people
 * saving at once get versions n+1 and n+2, never the same number. */
static gboolean
save_version (PGconn               *conn,
              CstStatementTemplate *tpl,
              const char           *note,
              GError              **error)
{
  const char *name = cst_statement_template_get_name (tpl);
  const char *language = cst_statement_template_get_language (tpl);
  const char *key[] = { name, language };
  g_autofree char *body = cst_statement_template_to_data (tpl, NULL);
  g_autoptr(PGresult) bumped = NULL;
  g_autoptr(PGresult) inserted = NULL;

  if (!cst_db_exec_command (conn,
        "INSERT INTO statement_templates (name, language) VALUES ($1, $2) "
        "ON CONFLICT (name, language) DO NOTHING", 2, key, error))
    return FALSE;
  bumped = cst_db_exec (conn,
    "UPDATE statement_templates SET current_version = current_version + 1 "
    "WHERE name = $1 AND language = $2 RETURNING id, current_version", 2, key, error);
  if (bumped == NULL)
    return FALSE;
  {
    const char *params[] = { cst_db_value (bumped, 0, 0), cst_db_value (bumped, 0, 1), body, note };
    inserted = cst_db_exec (conn,
      "INSERT INTO statement_template_versions (template_id, version, body, note) "
      "VALUES ($1, $2, $3, $4) RETURNING id, version", 4, params, error);
  }
  if (inserted == NULL)
    return FALSE;
  cst_statement_template_set_version (tpl, cst_db_int64 (inserted, 0, 0),
                                      (int) cst_db_int64 (inserted, 0, 1));
  return TRUE;
}

/**
 * cst_statement_template_store_save:
 *
 * Stores @tpl as the next version of its (name, language); sets its
 * version.  Earlier versions stay as they were.
 */
gboolean
cst_statement_template_store_save (PGconn               *conn,
                                   CstStatementTemplate *tpl,
                                   const char           *note,
                                   GError              **error)
{
  return cst_db_begin (conn, error) &&
         cst_db_end (conn, save_version (conn, tpl, note, error), error);
}

static gboolean
seed_one (PGconn     *conn,
          const char *language,
          gboolean   *added,
          GError    **error)
{
  g_autoptr(CstStatementTemplate) tpl = cst_statement_template_new_builtin ("standard", language,
                                                                            error);
  const char *key[] = { "standard", language };
  g_autoptr(PGresult) res = NULL;

  *added = FALSE;
  if (tpl == NULL || !cst_db_begin (conn, error))
    return FALSE;
  /* Only the session whose INSERT created the row writes version 1. */
  res = cst_db_exec (conn,
    "INSERT INTO statement_templates (name, language) VALUES ($1, $2) "
    "ON CONFLICT (name, language) DO NOTHING RETURNING id", 2, key, error);
  if (!cst_db_end (conn,
                   res != NULL &&
                   (PQntuples (res) == 0 || save_version (conn, tpl, "shipped with Custodian", error)),
                   error))
    return FALSE;
  *added = PQntuples (res) == 1;
  return TRUE;
}

/**
 * cst_statement_template_store_seed:
 *
 * Adds the shipped "standard" templates (English, Spanish) as version 1
 * where the database has none of that name and language yet.
 */
gboolean
cst_statement_template_store_seed (PGconn  *conn,
                                   guint   *n_added,
                                   GError **error)
{
  static const char *const languages[] = { "en", "es" };
  guint count = 0;

  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    {
      gboolean added = FALSE;

      if (!seed_one (conn, languages[i], &added, error))
        return FALSE;
      count += added;
    }
  if (n_added != NULL)
    *n_added = count;
  return TRUE;
}

/**
 * cst_bill_repo_reproduce_statement:
 * @statement_id: a row of bill_statements
 *
 * Makes the statement again from the stored bill and the exact template
 * version it was sent with, whatever the template says today.
 *
 * Returns: (transfer full): the statement as it was sent
 */
CstStatement *
cst_bill_repo_reproduce_statement (PGconn             *conn,
                                    gint64              statement_id,
                                    CstStatementRules  *rules,
                                    GError            **error)
{
  g_autofree char *id = int_text (statement_id);
  const char *params[] = { id };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT bill_id, template_version_id FROM bill_statements WHERE id = $1", 1, params, error);
  g_autoptr(CstBill) bill = NULL;
  g_autoptr(CstStatementTemplate) tpl = NULL;

  if (res == NULL)
    return NULL;
  if (PQntuples (res) == 0)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_NOT_FOUND,
                           _("That statement was never recorded."));
      return NULL;
    }
  if (!(bill = cst_bill_repo_get (conn, cst_db_int64 (res, 0, 0), error)) ||
      !(tpl = cst_statement_template_store_load_version_id (conn, cst_db_int64 (res, 0, 1), error)))
    return NULL;
  return cst_statement_new (bill, rules, tpl, error);
}

/* ---- statement templates on a connection's worker thread ------------------ */

typedef struct
{
  char      *name;
  GStrv      languages;
  GPtrArray *templates;   /* to save: copies, NULL where nothing is saved */
  char      *note;
} TemplateJob;

static void
template_job_free (TemplateJob *job)
{
  g_free (job->name);
  g_strfreev (job->languages);
  g_clear_pointer (&job->templates, g_ptr_array_unref);
  g_free (job->note);
  g_free (job);
}

static void
template_unref_nullable (gpointer tpl)
{
  if (tpl != NULL)
    cst_statement_template_unref (tpl);
}

static gpointer
load_current_in_worker (PGconn   *conn,
                        gpointer  data,
                        GError  **error)
{
  TemplateJob *job = data;
  g_autoptr(GPtrArray) templates = g_ptr_array_new_with_free_func (template_unref_nullable);

  /* A login that may not seed still reads what is there. */
  if (!cst_statement_template_store_seed (conn, NULL, NULL))
    g_debug ("Could not seed the statement templates (no permission?)");
  for (guint i = 0; job->languages[i] != NULL; i++)
    {
      CstStatementTemplate *tpl = cst_statement_template_store_load (conn, job->name, job->languages[i],
                                                                     0, error);
      if (tpl == NULL)
        return NULL;
      g_ptr_array_add (templates, tpl);
    }
  return g_steal_pointer (&templates);
}

/**
 * cst_statement_template_store_load_current_async:
 * @name: the template's name ("standard")
 * @languages: the languages to load, NULL-terminated
 *
 * Loads the current version of the template in each language, first
 * storing the shipped templates as version 1 when the database has none
 * (when the login may).  cst_statement_template_store_load_current_finish()
 * gives them in the order of @languages.
 */
void
cst_statement_template_store_load_current_async (CstConnection       *connection,
                                                 const char          *name,
                                                 const char * const  *languages,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data)
{
  TemplateJob *job;

  g_return_if_fail (CST_IS_CONNECTION (connection));
  g_return_if_fail (name != NULL && languages != NULL);
  job = g_new0 (TemplateJob, 1);
  job->name = g_strdup (name);
  job->languages = g_strdupv ((char **) languages);
  cst_connection_run_async (connection, load_current_in_worker, job, (GDestroyNotify) template_job_free,
                            (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

/* Returns: (transfer full) (element-type CstStatementTemplate): one
 *   template per language, or NULL with @error set */
GPtrArray *
cst_statement_template_store_load_current_finish (CstConnection  *connection,
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
  TemplateJob *job = data;

  for (guint i = 0; i < job->templates->len; i++)
    {
      CstStatementTemplate *tpl = g_ptr_array_index (job->templates, i);

      if (tpl != NULL && !cst_statement_template_store_save (conn, tpl, job->note, error))
        return NULL;
    }
  return g_steal_pointer (&job->templates);   /* the copies, now with their version numbers */
}

/**
 * cst_statement_template_store_save_async:
 * @templates: (element-type CstStatementTemplate): the templates to store
 *   as new versions; a NULL entry is skipped
 * @note: why, kept with each version
 *
 * Saves copies of @templates; cst_statement_template_store_save_finish()
 * gives the copies, in the same places, with their new version numbers.
 */
void
cst_statement_template_store_save_async (CstConnection       *connection,
                                         GPtrArray           *templates,
                                         const char          *note,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  TemplateJob *job;

  g_return_if_fail (CST_IS_CONNECTION (connection));
  g_return_if_fail (templates != NULL);
  job = g_new0 (TemplateJob, 1);
  job->note = g_strdup (note);
  job->templates = g_ptr_array_new_with_free_func (template_unref_nullable);
  for (guint i = 0; i < templates->len; i++)
    {
      CstStatementTemplate *tpl = g_ptr_array_index (templates, i);

      g_ptr_array_add (job->templates, tpl ? cst_statement_template_copy (tpl) : NULL);
    }
  cst_connection_run_async (connection, save_in_worker, job, (GDestroyNotify) template_job_free,
                            (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

/* Returns: (transfer full): the saved copies (NULL where none was given),
 *   or NULL with @error set */
GPtrArray *
cst_statement_template_store_save_finish (CstConnection  *connection,
                                          GAsyncResult   *result,
                                          GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}
