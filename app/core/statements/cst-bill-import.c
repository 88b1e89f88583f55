/* cst-bill-import.c — itemized bills from CSV
 *
 * The parser works on a buffer and a length so it can be fuzzed and fed
 * from any source.  It accepts RFC 4180 CSV in UTF-8, with or without a
 * byte-order mark, CRLF or LF line ends, and quoted fields holding commas,
 * doubled quotes and line breaks.  The whole file is checked before
 * anything is returned: every defect is collected with its line and
 * column, and a file with any defect imports nothing, so staff fix the
 * export once instead of discovering problems one at a time.
 */
#define G_LOG_DOMAIN "cst-bill-import"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>
#include <string.h>

#include "custodian/cst-bill.h"
#include "custodian/cst-error.h"
#include "custodian/cst-input.h"
#include "cst-csv-private.h"

/* Amounts above a billion dollars a line are typos, and the bound keeps
 * every sum of up to MAX_LINES lines far from gint64 overflow. */
#define MAX_LINE_CENTS G_GINT64_CONSTANT (100000000000)
#define MAX_UNITS      1000000
#define MAX_LINES      1000000

typedef enum
{
  COL_SERVICE_DATE,
  COL_REVENUE_CODE,
  COL_CPT_HCPCS,
  COL_DESCRIPTION,
  COL_UNITS,
  COL_CHARGE,
  COL_INSURER_PAID,
  COL_ADJUSTMENT,
  COL_PATIENT_RESP,
  N_COLUMNS
} Column;

static const char *const column_names[N_COLUMNS] = {
  "service_date", "revenue_code", "cpt_hcpcs", "description", "units",
  "charge_cents", "insurer_paid_cents", "adjustment_cents", "patient_resp_cents",
};

typedef struct
{
  CstCsvReader csv;
  /* Where each required column sits in the file, -1 when missing. */
  int         index[N_COLUMNS];
  CstBillImportFlags flags;
} Parser;

static void
parser_clear (Parser *p)
{
  cst_csv_reader_clear (&p->csv);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Parser, parser_clear)

static gboolean
read_header (Parser *p,
             GArray *fields)
{
  guint line = 1;

  while (cst_csv_read_record (&p->csv, fields, &line))
    if (!cst_csv_record_is_blank (fields))
      break;
  if (fields->len == 0 || cst_csv_record_is_blank (fields))
    {
      cst_csv_add_problem (&p->csv, 1, -1, _("the file is empty; the first line must name the columns"));
      return FALSE;
    }

  cst_csv_set_header (&p->csv, fields);
  cst_csv_find_columns (&p->csv, line, column_names, N_COLUMNS, p->index);
  return p->csv.n_problems == 0;
}

/* Integer cents: an optional minus sign and digits, nothing else. */
static gboolean
parse_integer (Parser     *p,
               const CstCsvField *field,
               int         column,
               gint64      limit,
               gint64     *value)
{
  g_autofree char *text = g_strstrip (g_strdup (field->text));
  const char *digits = text[0] == '-' ? text + 1 : text;
  gsize n = strlen (digits);

  if (*text == '\0')
    {
      cst_csv_add_problem (&p->csv, field->line, column, _("the value is missing"));
      return FALSE;
    }
  if (n == 0)
    {
      cst_csv_add_problem (&p->csv, field->line, column, _("“%s” is not a whole number"), text);
      return FALSE;
    }
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit (digits[i]))
      {
        if (strchr (digits, '.') != NULL && column != p->index[COL_UNITS])
          cst_csv_add_problem (&p->csv, field->line, column,
                       _("“%s” is not a whole number of cents; amounts are in cents, "
                         "so $12.50 is written 1250"), text);
        else
          cst_csv_add_problem (&p->csv, field->line, column, _("“%s” is not a whole number"), text);
        return FALSE;
      }
  if (n > 15 || g_ascii_strtoll (digits, NULL, 10) > limit)
    {
      cst_csv_add_problem (&p->csv, field->line, column, _("“%s” is too large"), text);
      return FALSE;
    }
  *value = g_ascii_strtoll (text, NULL, 10);
  return TRUE;
}

static const CstCsvField *
field_for (Parser *p,
           GArray *fields,
           Column  c)
{
  return &g_array_index (fields, CstCsvField, p->index[c]);
}

static gboolean
parse_date_field (Parser      *p,
                  const CstCsvField *field,
                  int          column,
                  GDate       *date)
{
  g_autoptr(GError) error = NULL;

  if (cst_input_parse_date (field->text, date, &error))
    return TRUE;
  cst_csv_add_problem (&p->csv, field->line, column, "%s", error->message);
  return FALSE;
}

static gboolean
parse_revenue_code (Parser      *p,
                    const CstCsvField *field,
                    int          column,
                    CstBillLine *line)
{
  g_autofree char *code = g_strstrip (g_strdup (field->text));
  gboolean ok = strlen (code) == 4;

  for (guint i = 0; ok && i < 4; i++)
    ok = g_ascii_isdigit (code[i]);
  if (!ok)
    {
      cst_csv_add_problem (&p->csv, field->line, column,
                   _("“%s” is not a revenue code; it must be four digits with the leading "
                     "zero, such as 0450"), code);
      return FALSE;
    }
  memcpy (line->revenue_code, code, 5);
  return TRUE;
}

static gboolean
parse_hcpcs (Parser      *p,
             const CstCsvField *field,
             int          column,
             CstBillLine *line)
{
  g_autofree char *code = g_strstrip (g_strdup (field->text));
  gsize n = strlen (code);
  gboolean ok = n == 0 || n == 5;

  for (gsize i = 0; ok && i < n; i++)
    {
      ok = g_ascii_isalnum (code[i]);
      code[i] = g_ascii_toupper (code[i]);
    }
  if (!ok)
    {
      cst_csv_add_problem (&p->csv, field->line, column,
                   _("“%s” is not a CPT or HCPCS code; it must be five letters or digits, "
                     "or empty"), code);
      return FALSE;
    }
  memcpy (line->cpt_hcpcs, code, n + 1);
  return TRUE;
}

static gboolean
parse_amounts (Parser      *p,
               GArray      *fields,
               CstBillLine *line)
{
  gint64 *targets[] = { &line->charge_cents, &line->insurer_paid_cents,
                        &line->adjustment_cents, &line->patient_resp_cents };
  gboolean claim_level = (p->flags & CST_BILL_IMPORT_CLAIM_LEVEL) != 0;
  gboolean ok = TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      const CstCsvField *field = field_for (p, fields, COL_CHARGE + i);

      /* Claim-level bills carry no line payments: empty means zero. */
      if (claim_level && i > 0 && cst_input_is_blank (field->text))
        continue;
      ok &= parse_integer (p, field, p->index[COL_CHARGE + i], MAX_LINE_CENTS, targets[i]);
    }
  if (!ok)
    return FALSE;

  if (claim_level)
    {
      if (line->insurer_paid_cents == 0 && line->adjustment_cents == 0 &&
          line->patient_resp_cents == 0)
        return TRUE;
      cst_csv_add_problem (&p->csv, field_for (p, fields, COL_INSURER_PAID)->line, p->index[COL_INSURER_PAID],
                   _("this bill is paid at claim level, so its lines carry no insurance "
                     "payment, adjustment or patient amount; leave them empty or 0"));
      return FALSE;
    }
  if (line->charge_cents == line->insurer_paid_cents + line->adjustment_cents +
                            line->patient_resp_cents)
    return TRUE;
  cst_csv_add_problem (&p->csv, field_for (p, fields, COL_CHARGE)->line, p->index[COL_CHARGE],
               _("the charge %" PRId64 " is not insurer paid %" PRId64
                 " + adjustment %" PRId64 " + patient amount %" PRId64
                 " (they add up to %" PRId64 ")"),
               line->charge_cents, line->insurer_paid_cents, line->adjustment_cents,
               line->patient_resp_cents,
               line->insurer_paid_cents + line->adjustment_cents + line->patient_resp_cents);
  return FALSE;
}

static CstBillLine *
parse_line (Parser *p,
            GArray *fields,
            guint   record_line)
{
  g_autoptr(CstBillLine) line = cst_bill_line_new ();
  const CstCsvField *description = field_for (p, fields, COL_DESCRIPTION);
  gboolean ok = TRUE;

  line->source_line = record_line;
  ok &= parse_date_field (p, field_for (p, fields, COL_SERVICE_DATE),
                          p->index[COL_SERVICE_DATE], &line->service_date);
  ok &= parse_revenue_code (p, field_for (p, fields, COL_REVENUE_CODE),
                            p->index[COL_REVENUE_CODE], line);
  ok &= parse_hcpcs (p, field_for (p, fields, COL_CPT_HCPCS), p->index[COL_CPT_HCPCS], line);
  if (cst_input_is_blank (description->text))
    {
      cst_csv_add_problem (&p->csv, description->line, p->index[COL_DESCRIPTION], _("the description is empty"));
      ok = FALSE;
    }
  for (const char *c = description->text; *c; c++)
    if ((guchar) *c < 0x20 && *c != '\n' && *c != '\t')
      {
        cst_csv_add_problem (&p->csv, description->line, p->index[COL_DESCRIPTION],
                     _("the description holds an invisible control character"));
        ok = FALSE;
        break;
      }
  line->description = g_strstrip (g_strdup (description->text));
  ok &= parse_integer (p, field_for (p, fields, COL_UNITS), p->index[COL_UNITS], MAX_UNITS,
                       &line->units);
  ok &= parse_amounts (p, fields, line);
  return ok ? g_steal_pointer (&line) : NULL;
}

static void
read_lines (Parser  *p,
            GArray  *fields,
            CstBill *bill)
{
  guint record_line = 0;

  while (cst_csv_read_record (&p->csv, fields, &record_line))
    {
      CstBillLine *line;

      if (cst_csv_record_is_blank (fields))
        continue;
      if (fields->len < p->csv.n_header)
        {
          cst_csv_add_problem (&p->csv, record_line, (int) fields->len,
                       g_dngettext (GETTEXT_PACKAGE, "the line has %u field but the header has %u; "
                                    "the column “%s” is missing",
                                    "the line has %u fields but the header has %u; "
                                    "the column “%s” is missing", fields->len),
                       fields->len, p->csv.n_header, p->csv.header[fields->len]);
          continue;
        }
      if (fields->len > p->csv.n_header)
        {
          cst_csv_add_problem (&p->csv, record_line, (int) p->csv.n_header,
                       _("the line has %u fields but the header has only %u; "
                         "is a comma missing its quotes?"), fields->len, p->csv.n_header);
          continue;
        }
      if (bill->lines->len >= MAX_LINES)
        {
          cst_csv_add_problem (&p->csv, record_line, -1, _("the bill has more than %u lines"), MAX_LINES);
          return;
        }
      line = parse_line (p, fields, record_line);
      if (line != NULL)
        g_ptr_array_add (bill->lines, line);
    }
}

static void
set_error_from_problems (Parser  *p,
                         GError **error)
{
  g_autofree char *first = cst_csv_problem_format (g_ptr_array_index (p->csv.problems, 0));

  g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
               g_dngettext (GETTEXT_PACKAGE,
                            "The bill has %u problem and was not imported: %s",
                            "The bill has %u problems and was not imported. The first: %s",
                            p->csv.n_problems),
               p->csv.n_problems, first);
}

/**
 * cst_bill_import_csv:
 * @data: the file's bytes (need not be NUL-terminated)
 * @length: their number
 * @problems: (out) (optional): every defect found, as CstCsvProblem;
 *   empty when the import succeeded
 *
 * Returns: (transfer full): the bill with its lines and no account fields
 *   set, or NULL when the file has any defect
 */
CstBill *
cst_bill_import_csv (const char          *data,
                     gsize                length,
                     CstBillImportFlags   flags,
                     GPtrArray          **problems,
                     GError             **error)
{
  g_autoptr(GArray) fields = cst_csv_fields_new ();
  g_autoptr(CstBill) bill = cst_bill_new ();
  g_auto(Parser) p = { .flags = flags };

  cst_csv_reader_init (&p.csv, data, length);
  p.csv.strict_quotes = TRUE;
  if (cst_csv_check_text (&p.csv) && read_header (&p, fields))
    {
      read_lines (&p, fields, bill);
      if (p.csv.n_problems == 0 && bill->lines->len == 0)
        cst_csv_add_problem (&p.csv, 1, -1, _("the file has a header but no charge lines"));
    }
  bill->claim_level_payment = (flags & CST_BILL_IMPORT_CLAIM_LEVEL) != 0;
  if (problems != NULL)
    *problems = g_ptr_array_ref (p.csv.problems);
  if (p.csv.n_problems > 0)
    {
      set_error_from_problems (&p, error);
      return NULL;
    }
  return g_steal_pointer (&bill);
}

CstBill *
cst_bill_import_file (const char          *path,
                      CstBillImportFlags   flags,
                      GPtrArray          **problems,
                      GError             **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (problems != NULL)
    *problems = NULL;
  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  return cst_bill_import_csv (contents, length, flags, problems, error);
}

/* ---- off the main loop ---------------------------------------------------- */

typedef struct
{
  GFile              *file;
  CstBillImportFlags  flags;
  GPtrArray          *problems;   /* out, also on failure */
} ImportJob;

static void
import_job_free (ImportJob *job)
{
  g_object_unref (job->file);
  g_clear_pointer (&job->problems, g_ptr_array_unref);
  g_free (job);
}

static void
import_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  ImportJob *job = task_data;
  g_autofree char *path = g_file_get_path (job->file);
  g_autofree char *contents = NULL;
  gsize length = 0;
  GError *error = NULL;
  CstBill *bill = NULL;

  /* A local file the way the command line reads it; anything else through
   * GIO. */
  if (path != NULL)
    bill = cst_bill_import_file (path, job->flags, &job->problems, &error);
  else if (g_file_load_contents (job->file, cancellable, &contents, &length, NULL, &error))
    bill = cst_bill_import_csv (contents, length, job->flags, &job->problems, &error);
  if (bill == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, bill, (GDestroyNotify) cst_bill_unref);
}

/**
 * cst_bill_import_file_async:
 *
 * cst_bill_import_file() on a worker thread: a bill of many thousand
 * lines takes long enough to read and check that a window would freeze.
 */
void
cst_bill_import_file_async (GFile               *file,
                            CstBillImportFlags   flags,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  ImportJob *job = g_new0 (ImportJob, 1);

  g_return_if_fail (G_IS_FILE (file));
  job->file = g_object_ref (file);
  job->flags = flags;
  g_task_set_task_data (task, job, (GDestroyNotify) import_job_free);
  g_task_set_source_tag (task, cst_bill_import_file_async);
  g_task_run_in_thread (task, import_in_thread);
}

/**
 * cst_bill_import_file_finish:
 * @problems: (out) (optional) (transfer full): the defects found, also
 *   when the import failed because of them; NULL when the file could not
 *   be read
 *
 * Returns: (transfer full): the bill, or NULL with @error set
 */
CstBill *
cst_bill_import_file_finish (GAsyncResult  *result,
                             GPtrArray    **problems,
                             GError       **error)
{
  ImportJob *job;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  job = g_task_get_task_data (G_TASK (result));
  if (problems != NULL)
    *problems = job->problems ? g_ptr_array_ref (job->problems) : NULL;
  return g_task_propagate_pointer (G_TASK (result), error);
}
