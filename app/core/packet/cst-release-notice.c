/* cst-release-notice.c — reading and adding the release notices (0066)
 *
 * Blocking calls on a connection the caller owns, and the same on a
 * connection of their own for custodian-cli.  Who may add is the
 * database's answer (administrators only); dates are checked there too.
 */
#define G_LOG_DOMAIN "custodian-packet"

#include "config.h"

#include "custodian/cst-db.h"
#include "custodian/cst-release-notice.h"

void
cst_release_notice_free (CstReleaseNotice *notice)
{
  if (notice == NULL)
    return;
  g_free (notice->code);
  g_free (notice->title);
  g_free (notice->citation);
  g_free (notice->jurisdiction);
  g_free (notice->category);
  g_free (notice->wording);
  g_free (notice->source);
  g_free (notice->effective_from);
  g_free (notice->effective_to);
  g_free (notice->recorded_by);
  g_free (notice);
}

/**
 * cst_release_notice_list:
 *
 * Returns: (transfer full) (element-type CstReleaseNotice): every version
 *   of every notice, by code and effective date
 */
GPtrArray *
cst_release_notice_list (PGconn  *conn,
                         GError **error)
{
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT code, title, citation, jurisdiction, category, wording, source,"
    "       effective_from::text, effective_to::text, recorded_by"
    "  FROM release_notices ORDER BY code, effective_from", 0, NULL, error);
  GPtrArray *notices;

  if (res == NULL)
    return NULL;
  notices = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_release_notice_free);
  for (int row = 0; row < PQntuples (res); row++)
    {
      CstReleaseNotice *n = g_new0 (CstReleaseNotice, 1);

      n->code = g_strdup (cst_db_value (res, row, 0));
      n->title = g_strdup (cst_db_value (res, row, 1));
      n->citation = g_strdup (cst_db_value (res, row, 2));
      n->jurisdiction = g_strdup (cst_db_value (res, row, 3));
      n->category = g_strdup (cst_db_value (res, row, 4));
      n->wording = g_strdup (cst_db_value (res, row, 5));
      n->source = g_strdup (cst_db_value (res, row, 6));
      n->effective_from = g_strdup (cst_db_value (res, row, 7));
      n->effective_to = g_strdup (cst_db_value (res, row, 8));
      n->recorded_by = g_strdup (cst_db_value (res, row, 9));
      g_ptr_array_add (notices, n);
    }
  return notices;
}

GPtrArray *
cst_release_notice_list_at (const char  *conninfo,
                            GError     **error)
{
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, error);

  return conn ? cst_release_notice_list (conn, error) : NULL;
}

/**
 * cst_release_notice_add:
 *
 * Adds a version of a notice (a new code, or a later version of one).
 */
gboolean
cst_release_notice_add (PGconn                  *conn,
                        const CstReleaseNotice  *notice,
                        GError                 **error)
{
  const char *params[] = { notice->code, notice->title, notice->citation, notice->jurisdiction,
                           notice->category, notice->wording, notice->source,
                           notice->effective_from, notice->effective_to };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "INSERT INTO release_notices (code, title, citation, jurisdiction, category, wording, source,"
    " effective_from, effective_to) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::date, $9::date)",
    G_N_ELEMENTS (params), params, error);

  return res != NULL;
}

gboolean
cst_release_notice_add_at (const char              *conninfo,
                           const CstReleaseNotice  *notice,
                           GError                 **error)
{
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, error);

  return conn != NULL && cst_release_notice_add (conn, notice, error);
}
