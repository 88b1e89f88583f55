/* cst-csv.h — one text cell of a CSV file the reports write */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Appends @value (NULL: an empty cell) as one RFC 4180 cell, after a comma
 * unless @first: quoted when it holds a comma, a quote or a line break,
 * quotes doubled, and a leading "'" when a spreadsheet would run it as a
 * formula (cst_input_starts_formula(), OWASP CSV injection). */
void cst_csv_append_text (GString    *out,
                          const char *value,
                          gboolean    first);

G_END_DECLS
