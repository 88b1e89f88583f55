/* cst-packet-bates.c — Bates numbers for a packet's record pages
 *
 * The numbers are the facility's: a prefix and a counter kept in the
 * database (bates_counters, 0066) and handed out only by the server's
 * allocate_bates(), which locks the counter until the build's transaction
 * ends.  Two clerks building at the same moment get consecutive ranges,
 * never the same numbers, and a build that fails hands its range back
 * with the rollback.
 */
#define G_LOG_DOMAIN "custodian-packet"

#include "config.h"

#include "custodian/cst-db.h"

#include "cst-packet-assemble-private.h"

void
cst_packet_bates_clear (CstPacketBates *bates)
{
  g_clear_pointer (&bates->first, g_free);
  g_clear_pointer (&bates->last, g_free);
  bates->first_number = bates->last_number = 0;
}

/* "MERCY000123": the prefix, then the number zero-padded to @digits. */
char *
cst_packet_bates_format (const char *prefix,
                         int         digits,
                         gint64      number)
{
  return g_strdup_printf ("%s%0*" G_GINT64_FORMAT, prefix, digits, number);
}

/**
 * cst_packet_bates_allocate:
 * @prefix: (out) (transfer full): the facility's prefix
 * @digits: (out): how many digits a number has at least
 *
 * Has the server hand out @count numbers for the request's packet, in the
 * caller's transaction; fills @bates with the first and last.
 */
gboolean
cst_packet_bates_allocate (PGconn          *conn,
                           gint64           request_id,
                           guint            count,
                           CstPacketBates  *bates,
                           char           **prefix,
                           int             *digits,
                           GError         **error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, request_id);
  g_autofree char *n = g_strdup_printf ("%u", count);
  const char *params[] = { id, n };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT prefix, digits, first_number FROM allocate_bates($1, $2)", 2, params, error);

  if (res == NULL)
    return FALSE;
  *prefix = g_strdup (cst_db_value (res, 0, 0));
  *digits = (int) cst_db_int64 (res, 0, 1);
  bates->first_number = cst_db_int64 (res, 0, 2);
  bates->last_number = bates->first_number + count - 1;
  bates->first = cst_packet_bates_format (*prefix, *digits, bates->first_number);
  bates->last = cst_packet_bates_format (*prefix, *digits, bates->last_number);
  return TRUE;
}
