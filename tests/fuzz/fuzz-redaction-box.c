/* fuzz-redaction-box.c — cst_redaction_box_parse, the --box of
 * custodian-cli packet redact
 *
 * Beyond not crashing: an accepted box is four finite numbers, none
 * negative, width and height above 0, within the bound the database
 * checks, and printed back it parses to the same box; a refusal says why.
 */
#include "config.h"

#include <math.h>

#include "custodian/cst-error.h"
#include "custodian/cst-redaction.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GError) error = NULL;
  CstRedactionBox box = { -1, -1, -1, -1 };

  if (cst_redaction_box_parse (text, &box, &error))
    {
      char v[4][G_ASCII_DTOSTR_BUF_SIZE];
      g_autofree char *printed = NULL;
      CstRedactionBox again;

      g_assert_no_error (error);
      g_assert_true (isfinite (box.x) && isfinite (box.y));
      g_assert_true (box.x >= 0 && box.y >= 0 && box.width > 0 && box.height > 0);
      g_assert_true (box.x < 20000 && box.y < 20000 && box.width < 20000 && box.height < 20000);
      printed = g_strjoin (",", g_ascii_dtostr (v[0], sizeof v[0], box.x),
                           g_ascii_dtostr (v[1], sizeof v[1], box.y),
                           g_ascii_dtostr (v[2], sizeof v[2], box.width),
                           g_ascii_dtostr (v[3], sizeof v[3], box.height), NULL);
      g_assert_true (cst_redaction_box_parse (printed, &again, NULL));
      g_assert_cmpfloat (again.x, ==, box.x);
      g_assert_cmpfloat (again.y, ==, box.y);
      g_assert_cmpfloat (again.width, ==, box.width);
      g_assert_cmpfloat (again.height, ==, box.height);
    }
  else
    {
      g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
      g_assert_cmpfloat (box.x, ==, -1);
    }
  return 0;
}
