/* cst-redaction-box.c — a redaction box as a person types it
 *
 * "X,Y,W,H": four numbers in points (C locale, a dot for decimals),
 * x and y from the page's top-left corner.  custodian-cli packet redact
 * --box reads it; tests/fuzz/fuzz-redaction-box drives it.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "custodian/cst-error.h"
#include "custodian/cst-redaction.h"

/* The largest coordinate accepted: 0069's bound (a page of 277 inches). */
#define BOX_LIMIT 20000.0

/**
 * cst_redaction_box_parse:
 *
 * Returns: TRUE with @box set when @text is four finite numbers, none
 *   negative, width and height above 0, all below 20000; else FALSE with
 *   @error set and @box untouched
 */
gboolean
cst_redaction_box_parse (const char       *text,
                         CstRedactionBox  *box,
                         GError          **error)
{
  g_auto(GStrv) parts = g_strsplit (text ? text : "", ",", 5);
  double v[4];

  if (g_strv_length (parts) != 4)
    goto refuse;
  for (int i = 0; i < 4; i++)
    {
      char *end = NULL;
      const char *s = g_strstrip (parts[i]);

      /* g_ascii_strtod also reads "inf", "nan" and hexadecimal: the
       * range check below refuses what is not a plain number of points. */
      v[i] = g_ascii_strtod (s, &end);
      if (*s == '\0' || end == NULL || *end != '\0' || !isfinite (v[i]) || v[i] < 0 ||
          v[i] >= BOX_LIMIT)
        goto refuse;
    }
  if (!(v[2] > 0 && v[3] > 0))
    goto refuse;
  *box = (CstRedactionBox) { v[0], v[1], v[2], v[3] };
  return TRUE;

refuse:
  g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
               _("A box is X,Y,W,H: four numbers of points from the page's top-left corner, "
                 "width and height above 0."));
  return FALSE;
}
