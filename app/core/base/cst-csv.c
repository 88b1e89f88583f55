/* cst-csv.c — one RFC 4180 record reader for every CSV import
 *
 * See cst-csv-private.h.  A pure function over bytes, fuzzed through the
 * imports that use it (tests/fuzz: bill-import, price-list).
 */
#define G_LOG_DOMAIN "cst-csv"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "custodian/cst-input.h"
#include "cst-csv-private.h"

void
cst_csv_reader_init (CstCsvReader      *reader,
                     const char        *data,
                     gsize              length,
                     CstCsvProblemFunc  problem,
                     gpointer           user_data)
{
  *reader = (CstCsvReader) {
    .data = data, .length = length, .line = 1,
    .problem = problem, .user_data = user_data,
  };
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
          r->problem (r->user_data, opened_on, (int) column,
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
      r->problem (r->user_data, r->line, (int) column,
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
          r->problem (r->user_data, r->line, (int) column,
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
