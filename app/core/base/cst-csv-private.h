/* cst-csv-private.h — one RFC 4180 record reader for every CSV import
 *
 * The bill import and the price-list import read the same CSV: comma
 * separated, fields optionally in double quotes ("" is one quote, line
 * breaks inside quotes kept as \n), CRLF or LF line ends.  What each file
 * means differs; how its records are cut does not, so it is cut here once.
 * Problems (an unclosed quote, text after a closing quote) go to the
 * caller's callback with the line and 0-based field position, so each
 * import reports them in its own problem type.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef void (*CstCsvProblemFunc) (gpointer    user_data,
                                   guint       line,
                                   int         column_index,
                                   const char *message);

typedef struct
{
  const char *data;
  gsize       length;
  gsize       pos;
  guint       line;               /* 1-based, the line the reader is on */
  /* A quote inside an unquoted field is reported when TRUE (the bill
   * import's rule); FALSE keeps it as text. */
  gboolean    strict_quotes;
  CstCsvProblemFunc problem;
  gpointer    user_data;
} CstCsvReader;

typedef struct
{
  char    *text;
  guint    line;                  /* where the field began */
  gboolean quoted;
} CstCsvField;

void      cst_csv_reader_init   (CstCsvReader      *reader,
                                 const char        *data,
                                 gsize              length,
                                 CstCsvProblemFunc  problem,
                                 gpointer           user_data);
GArray   *cst_csv_fields_new    (void);
gboolean  cst_csv_read_record   (CstCsvReader      *reader,
                                 GArray            *fields,
                                 guint             *record_line);
gboolean  cst_csv_record_is_blank (GArray          *fields);
const char *cst_csv_field_text  (GArray            *fields,
                                 guint              index);

G_END_DECLS
