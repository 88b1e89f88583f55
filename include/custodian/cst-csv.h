/* cst-csv.h — CSV in and out
 *
 * In: every CSV import (an itemized bill, a hospital's price list) checks
 * the whole file and reports each defect with where it is, so a clerk can
 * mend the file in a spreadsheet and try again.  Out: the reports' CSV
 * files write their text cells one way.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One defect of an imported file.  line and column are 1-based; column is
 * the field's position in the row (column 0 = the whole line). */
typedef struct
{
  guint  line;
  guint  column;
  char  *column_name;   /* the CSV header name, or NULL */
  char  *message;
} CstCsvProblem;

/* The most defects one import reports; the rest are counted only. */
#define CST_CSV_MAX_PROBLEMS 500

void  cst_csv_problem_free   (CstCsvProblem       *problem);
char *cst_csv_problem_format (const CstCsvProblem *problem);

/* Appends @value (NULL: an empty cell) as one RFC 4180 cell, after a comma
 * unless @first: quoted when it holds a comma, a quote or a line break,
 * quotes doubled, and a leading "'" when a spreadsheet would run it as a
 * formula (cst_input_starts_formula(), OWASP CSV injection). */
void  cst_csv_append_text    (GString             *out,
                              const char          *value,
                              gboolean             first);

G_END_DECLS
