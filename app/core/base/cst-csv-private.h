/* cst-csv-private.h — one CSV reader for every CSV import
 *
 * The bill import and the price-list import read the same CSV (RFC 4180):
 * comma separated, fields optionally in double quotes ("" is one quote,
 * line breaks inside quotes kept as \n), CRLF or LF line ends, an optional
 * UTF-8 byte-order mark.  What each file means differs; how its records
 * are cut, its text checked, its header named and its defects collected
 * does not, so that is done here once.
 */
#pragma once

#include <glib.h>

#include "custodian/cst-csv.h"

G_BEGIN_DECLS

typedef struct
{
  const char *data;
  gsize       length;
  gsize       pos;
  guint       line;               /* 1-based, the line the reader is on */
  /* A quote inside an unquoted field is reported when TRUE (the bill
   * import's rule); FALSE keeps it as text. */
  gboolean    strict_quotes;
  char      **header;             /* the current header's names, lower case */
  guint       n_header;
  GPtrArray  *problems;           /* of CstCsvProblem, at most CST_CSV_MAX_PROBLEMS */
  guint       n_problems;         /* all of them, also those not kept */
} CstCsvReader;

typedef struct
{
  char    *text;
  guint    line;                  /* where the field began */
  gboolean quoted;
} CstCsvField;

void        cst_csv_reader_init     (CstCsvReader *reader,
                                     const char   *data,
                                     gsize         length);
void        cst_csv_reader_clear    (CstCsvReader *reader);
void        cst_csv_add_problem     (CstCsvReader *reader,
                                     guint         line,
                                     int           column_index,
                                     const char   *format,
                                     ...) G_GNUC_PRINTF (4, 5);
gboolean    cst_csv_check_text      (CstCsvReader *reader);
GArray     *cst_csv_fields_new      (void);
gboolean    cst_csv_read_record     (CstCsvReader *reader,
                                     GArray       *fields,
                                     guint        *record_line);
gboolean    cst_csv_record_is_blank (GArray       *fields);
const char *cst_csv_field_text      (GArray       *fields,
                                     guint         index);
void        cst_csv_set_header      (CstCsvReader *reader,
                                     GArray       *fields);
void        cst_csv_find_columns    (CstCsvReader       *reader,
                                     guint               line,
                                     const char * const *names,
                                     guint               n_names,
                                     int                *index);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CstCsvReader, cst_csv_reader_clear)

G_END_DECLS
