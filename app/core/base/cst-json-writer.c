/* cst-json-writer.c — a tiny JSON writer
 *
 * Scripts and auditors read our JSON (custodian-cli --json, invoice lines
 * stored as jsonb), so strings are escaped completely: quotes, backslash,
 * every control character, and invalid UTF-8 replaced rather than passed
 * through, because PostgreSQL's jsonb and strict parsers reject it.
 */
#define G_LOG_DOMAIN "cst-json"

#include "config.h"

#include <string.h>

#include "custodian/cst-json-writer.h"

void
cst_json_writer_init (CstJsonWriter *writer,
                      GString       *out)
{
  writer->out = out;
  writer->depth = 0;
  writer->need_comma = 0;
}

/* Before any value or key at the current level: a comma unless first. */
static void
separate (CstJsonWriter *writer)
{
  guint64 bit = G_GUINT64_CONSTANT (1) << (writer->depth & 63);

  if (writer->need_comma & bit)
    g_string_append_c (writer->out, ',');
  writer->need_comma |= bit;
}

static void
open_level (CstJsonWriter *writer,
            char           bracket)
{
  separate (writer);
  g_string_append_c (writer->out, bracket);
  writer->depth++;
  writer->need_comma &= ~(G_GUINT64_CONSTANT (1) << (writer->depth & 63));
}

static void
close_level (CstJsonWriter *writer,
             char           bracket)
{
  g_return_if_fail (writer->depth > 0);
  writer->depth--;
  g_string_append_c (writer->out, bracket);
}

void
cst_json_writer_begin_object (CstJsonWriter *writer)
{
  open_level (writer, '{');
}

void
cst_json_writer_end_object (CstJsonWriter *writer)
{
  close_level (writer, '}');
}

void
cst_json_writer_begin_array (CstJsonWriter *writer)
{
  open_level (writer, '[');
}

void
cst_json_writer_end_array (CstJsonWriter *writer)
{
  close_level (writer, ']');
}

void
cst_json_escape_append (GString    *out,
                        const char *value)
{
  const char *p = value;
  const char *end = value + strlen (value);

  g_string_append_c (out, '"');
  while (p < end)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append (out, "\\ufffd");
          p++;
          continue;
        }
      switch (c)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        default:
          /* U+2028/2029 break JavaScript string literals; escape them too. */
          if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_len (out, p, g_utf8_next_char (p) - p);
        }
      p = g_utf8_next_char (p);
    }
  g_string_append_c (out, '"');
}

void
cst_json_writer_key (CstJsonWriter *writer,
                     const char    *key)
{
  separate (writer);
  cst_json_escape_append (writer->out, key);
  g_string_append_c (writer->out, ':');
  /* The value that follows must not add a comma of its own. */
  writer->need_comma &= ~(G_GUINT64_CONSTANT (1) << (writer->depth & 63));
}

void
cst_json_writer_string (CstJsonWriter *writer,
                        const char    *value)
{
  if (value == NULL)
    {
      cst_json_writer_null (writer);
      return;
    }
  separate (writer);
  cst_json_escape_append (writer->out, value);
}

void
cst_json_writer_int (CstJsonWriter *writer,
                     gint64         value)
{
  separate (writer);
  g_string_append_printf (writer->out, "%" G_GINT64_FORMAT, value);
}

void
cst_json_writer_bool (CstJsonWriter *writer,
                      gboolean       value)
{
  separate (writer);
  g_string_append (writer->out, value ? "true" : "false");
}

void
cst_json_writer_null (CstJsonWriter *writer)
{
  separate (writer);
  g_string_append (writer->out, "null");
}

/* A value that is already JSON, such as a jsonb column as PostgreSQL
 * prints it; the caller vouches for it. */
void
cst_json_writer_raw (CstJsonWriter *writer,
                     const char    *json)
{
  separate (writer);
  g_string_append (writer->out, json);
}
