/* cst-request-store-private.h — pieces of CstRequestStore shared with tests
 * and fuzz targets only
 */
#pragma once

#include <glib.h>
#include <string.h>

G_BEGIN_DECLS

typedef enum
{
  CST_REQUEST_CHANGE_INSERT,
  CST_REQUEST_CHANGE_UPDATE,
  CST_REQUEST_CHANGE_DELETE,
} CstRequestChangeKind;

typedef struct
{
  CstRequestChangeKind kind;
  gint64               id;
  int                  version;
} CstRequestChange;

/* A decimal number without sign, spaces or leading zeros, at most @max. */
static inline gboolean
cst_request_change_parse_number (const char  *text,
                                 guint64      max,
                                 char         terminator,
                                 guint64     *value,
                                 const char **next)
{
  char *end = NULL;

  if (!g_ascii_isdigit (text[0]) || (text[0] == '0' && g_ascii_isdigit (text[1])))
    return FALSE;
  *value = g_ascii_strtoull (text, &end, 10);
  if (end == text || *end != terminator || *value > max)
    return FALSE;
  *next = end;
  return TRUE;
}

/**
 * cst_request_change_parse:
 * @payload: a NOTIFY payload from roi_requests_notify() (0001-foundation.sql),
 *   "op:id:version" such as "update:42:7"
 *
 * Notifications arrive from the server, and any client with the right to
 * NOTIFY on the channel can send one: anything that is not exactly this
 * form, with an id ≥ 1, is refused rather than guessed at.
 */
static inline gboolean
cst_request_change_parse (const char       *payload,
                          CstRequestChange *change)
{
  static const struct { const char *prefix; CstRequestChangeKind kind; } ops[] = {
    { "insert:", CST_REQUEST_CHANGE_INSERT },
    { "update:", CST_REQUEST_CHANGE_UPDATE },
    { "delete:", CST_REQUEST_CHANGE_DELETE },
  };
  const char *rest = NULL;
  guint64 id = 0, version = 0;

  if (payload == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (ops) && rest == NULL; i++)
    if (g_str_has_prefix (payload, ops[i].prefix))
      {
        change->kind = ops[i].kind;
        rest = payload + strlen (ops[i].prefix);
      }
  if (rest == NULL ||
      !cst_request_change_parse_number (rest, G_MAXINT64, ':', &id, &rest) ||
      !cst_request_change_parse_number (rest + 1, G_MAXINT, '\0', &version, &rest) ||
      id == 0)
    return FALSE;
  change->id = (gint64) id;
  change->version = (int) version;
  return TRUE;
}

G_END_DECLS
