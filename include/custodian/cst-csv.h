/* cst-csv.h — what a CSV import reports about a file it refuses
 *
 * Every CSV import (an itemized bill, a hospital's price list) checks the
 * whole file and reports each defect with where it is, so a clerk can mend
 * the file in a spreadsheet and try again.
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

G_END_DECLS
