/* fuzz-notify-payload.c — the parser of change notifications
 *
 * Any client allowed to NOTIFY on the channel can send a payload.  An
 * accepted one must be in canonical form: printed again, it is the input.
 */
#include "config.h"

#include "cst-request-store-private.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const char *const ops[] = { "insert", "update", "delete" };
  g_autofree char *payload = g_strndup ((const char *) data, size);
  CstRequestChange change;

  if (cst_request_change_parse (payload, &change))
    {
      g_autofree char *printed = NULL;

      g_assert_cmpint (change.id, >, 0);
      g_assert_cmpint (change.version, >=, 0);
      g_assert_cmpuint (change.kind, <, G_N_ELEMENTS (ops));
      printed = g_strdup_printf ("%s:%" G_GINT64_FORMAT ":%d", ops[change.kind], change.id,
                                 change.version);
      g_assert_cmpstr (printed, ==, payload);
    }
  return 0;
}
