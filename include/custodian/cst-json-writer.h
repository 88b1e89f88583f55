/* cst-json-writer.h — a tiny JSON writer (no parser, no dependency)
 *
 * Writes compact JSON into a GString.  Strings are escaped per RFC 8259;
 * the caller nests objects and arrays and the writer places the commas.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  GString *out;
  guint    depth;
  guint64  need_comma;   /* one bit per nesting level */
} CstJsonWriter;

void   cst_json_writer_init         (CstJsonWriter *writer,
                                     GString       *out);
void   cst_json_writer_begin_object (CstJsonWriter *writer);
void   cst_json_writer_end_object   (CstJsonWriter *writer);
void   cst_json_writer_begin_array  (CstJsonWriter *writer);
void   cst_json_writer_end_array    (CstJsonWriter *writer);
void   cst_json_writer_key          (CstJsonWriter *writer,
                                     const char    *key);
void   cst_json_writer_string       (CstJsonWriter *writer,
                                     const char    *value);
void   cst_json_writer_int          (CstJsonWriter *writer,
                                     gint64         value);
void   cst_json_writer_bool         (CstJsonWriter *writer,
                                     gboolean       value);
void   cst_json_writer_null         (CstJsonWriter *writer);
void   cst_json_writer_raw          (CstJsonWriter *writer,
                                     const char    *json);
void   cst_json_escape_append       (GString       *out,
                                     const char    *value);

G_END_DECLS
