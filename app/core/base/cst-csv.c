/* cst-csv.c — one text cell of a CSV file the reports write (the fee
 * report's, the access log's)
 *
 * A report is opened by an auditor in a spreadsheet, and its text cells
 * may hold what a clerk typed: "=HYPERLINK(…)" must stay text.  Numbers
 * are the reports' own business (written from integers, never from
 * stored text) and do not come through here.
 */
#define G_LOG_DOMAIN "cst-csv"

#include "config.h"

#include <string.h>

#include "custodian/cst-csv.h"
#include "custodian/cst-input.h"

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
