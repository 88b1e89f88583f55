/* cst-bill-repo.c — bills and the statements sent from them in PostgreSQL
 *
 * A bill and all its lines are written in one transaction; the lines go
 * in one statement (column texts joined by the ASCII unit separator and
 * split again by the server), so a 5,000-line bill is one round trip, and
 * still only parameters, never spliced SQL.  The statement templates
 * have their own file, cst-statement-template-repo.c.
 */
#define G_LOG_DOMAIN "cst-bill-repo"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "custodian/cst-bill-repo.h"
#include "custodian/cst-db.h"
#include "custodian/cst-error.h"
#include "custodian/cst-input.h"
#include "custodian/cst-statement-template-repo.h"

#define SEP "\x1f"
#define N_LINE_COLUMNS 10

#define BILL_COLUMNS \
  "id, account_number, patient_name, guarantor_name, visit_type, admit_date, " \
  "discharge_date, payer_name, claim_number, claim_status, claim_processed_date, " \
  "claim_level_payment, claim_insurer_paid_cents, claim_adjustment_cents, " \
  "fap_adjustment_cents, patient_payments_cents, other_credits_cents, statement_date, " \
  "due_date, statement_sequence, first_statement_date"

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
  g_autofree char *paid = cst_db_int_param (bill->claim_insurer_paid_cents);
  g_autofree char *adjustment = cst_db_int_param (bill->claim_adjustment_cents);
  g_autofree char *fap = cst_db_int_param (bill->fap_adjustment_cents);
  g_autofree char *payments = cst_db_int_param (bill->patient_payments_cents);
  g_autofree char *credits = cst_db_int_param (bill->other_credits_cents);
  g_autofree char *sequence = cst_db_int_param (bill->statement_sequence);
  g_autofree char *first = date_or_null (&bill->first_statement_date);
  const char *params[] = {
    bill->account_number, bill->patient_name, bill->guarantor_name,
    cst_visit_type_to_nick (bill->visit_type), admit, discharge, bill->payer_name,
    bill->claim_number, cst_claim_status_to_nick (bill->claim_status), processed,
    bill->claim_level_payment ? "true" : "false", paid, adjustment, fap, payments, credits,
    statement, due, sequence, first,
  };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "INSERT INTO bills (account_number, patient_name, guarantor_name, visit_type, admit_date, "
    "discharge_date, payer_name, claim_number, claim_status, claim_processed_date, "
    "claim_level_payment, claim_insurer_paid_cents, claim_adjustment_cents, "
    "fap_adjustment_cents, patient_payments_cents, other_credits_cents, statement_date, "
    "due_date, statement_sequence, first_statement_date) VALUES ($1, $2, $3, $4, $5, $6, $7, "
    "$8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) RETURNING id",
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
  g_autofree char *id = cst_db_int_param (bill_id);
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
  set_date (&bill->first_statement_date, res, row, 20);
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
  g_autofree char *id_text = cst_db_int_param (id);
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

  if (res == NULL)
    return NULL;
  return cst_db_collect_rows (res, (CstDbRowFunc) bill_from_row, (GDestroyNotify) cst_bill_unref);
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
  g_autofree char *bill_id = cst_db_int_param (statement->bill->id);
  g_autofree char *version_id = cst_db_int_param (cst_statement_template_get_version_id (statement->template));
  g_autofree char *due = cst_db_int_param (statement->amount_due_cents);
  g_autofree char *charges = cst_db_int_param (statement->total_charges_cents);
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
  g_autofree char *id = cst_db_int_param (statement_id);
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
      !(tpl = cst_statement_template_repo_load_version_id (conn, cst_db_int64 (res, 0, 1), error)))
    return NULL;
  return cst_statement_new (bill, rules, tpl, error);
}
