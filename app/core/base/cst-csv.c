/* cst-csv.c — CSV in and out: the reader every CSV import cuts, checks
 * and reports with (cst-csv-private.h), and the text cell every CSV report
 * writes (cst_csv_append_text())
 *
 * The reader is a pure function over bytes, fuzzed through the imports
 * that use it (tests/fuzz: bill-import, price-list).
 */
#define G_LOG_DOMAIN "cst-csv"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "custodian/cst-input.h"
#include "cst-csv-private.h"

void
cst_csv_problem_free (CstCsvProblem *problem)
{
  if (problem == NULL)
    return;
  g_free (problem->column_name);
  g_free (problem->message);
  g_free (problem);
}

char *
cst_csv_problem_format (const CstCsvProblem *problem)
{
  if (problem->column == 0)
    return g_strdup_printf (_("line %u: %s"), problem->line, problem->message);
  if (problem->column_name != NULL)
    return g_strdup_printf (_("line %u, column %u (%s): %s"), problem->line, problem->column,
                            problem->column_name, problem->message);
  return g_strdup_printf (_("line %u, column %u: %s"), problem->line, problem->column,
                          problem->message);
}

/* Starts past a UTF-8 byte-order mark, which spreadsheets write. */
void
cst_csv_reader_init (CstCsvReader *reader,
                     const char   *data,
                     gsize         length)
{
  *reader = (CstCsvReader) {
    .data = data, .length = length, .line = 1,
    .problems = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_csv_problem_free),
  };
  if (length >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    reader->pos = 3;
}

void
cst_csv_reader_clear (CstCsvReader *reader)
{
  g_clear_pointer (&reader->header, g_strfreev);
  g_clear_pointer (&reader->problems, g_ptr_array_unref);
}

/* column_index is the 0-based field position, or -1 for the whole line. */
void
cst_csv_add_problem (CstCsvReader *reader,
                     guint         line,
                     int           column_index,
                     const char   *format,
                     ...)
{
  CstCsvProblem *problem;
  va_list args;

  reader->n_problems++;
  if (reader->problems->len >= CST_CSV_MAX_PROBLEMS)
    return;
  problem = g_new0 (CstCsvProblem, 1);
  problem->line = line;
  problem->column = column_index < 0 ? 0 : (guint) column_index + 1;
  if (column_index >= 0 && reader->header != NULL && (guint) column_index < reader->n_header)
    problem->column_name = g_strdup (reader->header[column_index]);
  va_start (args, format);
  problem->message = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (reader->problems, problem);
}

/* An embedded NUL would cut the text short, so it is refused like a byte
 * that is not UTF-8, which is reported where it is, line and byte. */
gboolean
cst_csv_check_text (CstCsvReader *reader)
{
  const char *end = NULL;
  const char *line_start = reader->data;
  guint line = 1;

  if (reader->length > 0 && memchr (reader->data, '\0', reader->length) != NULL)
    {
      cst_csv_add_problem (reader, 1, -1, _("the file contains a NUL byte; it is not a text file"));
      return FALSE;
    }
  if (g_utf8_validate_len (reader->data, reader->length, &end))
    return TRUE;
  for (const char *c = reader->data; c < end; c++)
    if (*c == '\n')
      {
        line++;
        line_start = c + 1;
      }
  cst_csv_add_problem (reader, line, -1,
                       _("byte %u of this line is not UTF-8 text; save the file as UTF-8"),
                       (guint) (end - line_start) + 1);
  return FALSE;
}

/* Header names are matched trimmed and in lower case. */
void
cst_csv_set_header (CstCsvReader *reader,
                    GArray       *fields)
{
  g_strfreev (reader->header);
  reader->n_header = fields->len;
  reader->header = g_new0 (char *, fields->len + 1);
  for (guint i = 0; i < fields->len; i++)
    {
      g_autofree char *name = g_strdup (cst_csv_field_text (fields, i));

      reader->header[i] = g_ascii_strdown (g_strstrip (name), -1);
    }
}

/* Where each of @names sits in the header, -1 when missing; a missing or
 * repeated column is a problem on the header's @line. */
void
cst_csv_find_columns (CstCsvReader       *reader,
                      guint               line,
                      const char * const *names,
                      guint               n_names,
                      int                *index)
{
  for (guint c = 0; c < n_names; c++)
    {
      index[c] = -1;
      for (guint i = 0; i < reader->n_header; i++)
        {
          if (!g_str_equal (reader->header[i], names[c]))
            continue;
          if (index[c] >= 0)
            cst_csv_add_problem (reader, line, (int) i, _("the column “%s” appears twice"), names[c]);
          else
            index[c] = (int) i;
        }
      if (index[c] < 0)
        cst_csv_add_problem (reader, line, -1, _("the header has no “%s” column"), names[c]);
    }
}

static void
field_clear (gpointer data)
{
  CstCsvField *field = data;

  g_free (field->text);
}

GArray *
cst_csv_fields_new (void)
{
  GArray *fields = g_array_new (FALSE, FALSE, sizeof (CstCsvField));

  g_array_set_clear_func (fields, field_clear);
  return fields;
}

const char *
cst_csv_field_text (GArray *fields,
                    guint   index)
{
  return g_array_index (fields, CstCsvField, index).text;
}

static gboolean
at_line_end (CstCsvReader *r)
{
  return r->pos >= r->length || r->data[r->pos] == '\n' || r->data[r->pos] == '\r';
}

static gboolean
at_field_end (CstCsvReader *r)
{
  return at_line_end (r) || r->data[r->pos] == ',';
}

static void
skip_line_end (CstCsvReader *r)
{
  if (r->pos < r->length && r->data[r->pos] == '\r')
    r->pos++;
  if (r->pos < r->length && r->data[r->pos] == '\n')
    r->pos++;
  r->line++;
}

/* A quoted field: "" is one quote; line breaks inside are kept as \n. */
static void
read_quoted (CstCsvReader *r,
             GString      *text,
             guint         column)
{
  guint opened_on = r->line;

  r->pos++;
  for (;;)
    {
      char c;

      if (r->pos >= r->length)
        {
          cst_csv_add_problem (r, opened_on, (int) column,
                      _("the quote that opens this field is never closed"));
          return;
        }
      c = r->data[r->pos];
      if (c == '"' && r->pos + 1 < r->length && r->data[r->pos + 1] == '"')
        {
          g_string_append_c (text, '"');
          r->pos += 2;
        }
      else if (c == '"')
        {
          r->pos++;
          break;
        }
      else if (c == '\r' || c == '\n')
        {
          skip_line_end (r);
          g_string_append_c (text, '\n');
        }
      else
        {
          g_string_append_c (text, c);
          r->pos++;
        }
    }
  if (!at_field_end (r))
    {
      cst_csv_add_problem (r, r->line, (int) column,
                  _("there is text after the closing quote; put the whole field in quotes"));
      while (!at_field_end (r))
        r->pos++;
    }
}

static void
read_unquoted (CstCsvReader *r,
               GString      *text,
               guint         column)
{
  gboolean reported = FALSE;

  while (!at_field_end (r))
    {
      if (r->strict_quotes && r->data[r->pos] == '"' && !reported)
        {
          cst_csv_add_problem (r, r->line, (int) column,
                      _("a quote inside a field that does not start with a quote; "
                        "quote the whole field and double the inner quote"));
          reported = TRUE;
        }
      g_string_append_c (text, r->data[r->pos]);
      r->pos++;
    }
}

/* Reads one record into @fields (of CstCsvField); FALSE at the end of the
 * data. */
gboolean
cst_csv_read_record (CstCsvReader *r,
                     GArray       *fields,
                     guint        *record_line)
{
  g_array_set_size (fields, 0);
  if (r->pos >= r->length)
    return FALSE;
  *record_line = r->line;
  for (;;)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      CstCsvField field = { NULL, r->line, FALSE };

      if (r->pos < r->length && r->data[r->pos] == '"')
        {
          field.quoted = TRUE;
          read_quoted (r, text, fields->len);
        }
      else
        read_unquoted (r, text, fields->len);
      field.text = g_string_free (g_steal_pointer (&text), FALSE);
      g_array_append_val (fields, field);
      if (r->pos < r->length && r->data[r->pos] == ',')
        {
          r->pos++;
          continue;
        }
      skip_line_end (r);
      return TRUE;
    }
}

/* One unquoted field of blanks: an empty line, skipped by both imports. */
gboolean
cst_csv_record_is_blank (GArray *fields)
{
  const CstCsvField *first = &g_array_index (fields, CstCsvField, 0);

  return fields->len == 1 && !first->quoted && cst_input_is_blank (first->text);
}

/* ---- writing: one text cell of a CSV file the reports write ------------- */

/* A report is opened by an auditor in a spreadsheet, and its text cells
 * may hold what a clerk typed: "=HYPERLINK(…)" must stay text.  Numbers
 * are the reports' own business (written from integers, never from
 * stored text) and do not come through here. */
void
cst_csv_append_text (GString    *out,
                     const char *value,
                     gboolean    first)
{
  gboolean quoted;

  if (!first)
    g_string_append_c (out, ',');
  if (value == NULL)
    return;
  quoted = strpbrk (value, ",\"\r\n") != NULL;
  if (quoted)
    g_string_append_c (out, '"');
  if (cst_input_starts_formula (value))
    g_string_append_c (out, '\'');
  for (const char *p = value; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  if (quoted)
    g_string_append_c (out, '"');
}
