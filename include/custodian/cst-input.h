/* cst-input.h — parsing and checking what people type */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean  cst_input_is_blank           (const char   *text);
gboolean  cst_input_starts_formula     (const char   *text);
gboolean  cst_input_check_text         (const char   *text,
                                        gssize        length,
                                        GError      **error);
gboolean  cst_input_parse_date         (const char   *text,
                                        GDate        *date,
                                        GError      **error);
char     *cst_input_format_date        (const GDate  *date);
gboolean  cst_input_parse_money        (const char   *text,
                                        gint64       *cents,
                                        GError      **error);
void      cst_input_today              (GDate        *date);
void      cst_input_date_of            (GDateTime    *time,
                                        GDate        *date);
gboolean  cst_input_check_received_date (const GDate *received,
                                         GError     **error);
gboolean  cst_input_is_jurisdiction    (const char   *code);
gboolean  cst_input_check_jurisdiction (const char   *code,
                                        GError      **error);
const char *const *cst_input_list_jurisdictions (void);

G_END_DECLS
