/* cst-representative.c — personal representatives on file
 *
 * A representative is treated as the individual (164.502(g)); refusing
 * one who holds a valid power of attorney is a Right of Access violation.
 * The authority is checked once, by a named clerk (stamped by the server),
 * and found again for the patient's later requests until it expires.
 */
#define G_LOG_DOMAIN "cst-representative"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "custodian/cst-db.h"
#include "custodian/cst-error.h"
#include "custodian/cst-input.h"
#include "custodian/cst-representative.h"

static const char *const authority_nicks[] = {
  [CST_AUTHORITY_PARENT_OF_MINOR] = "parent_of_minor",
  [CST_AUTHORITY_GUARDIAN] = "guardian",
  [CST_AUTHORITY_HEALTH_CARE_POA] = "health_care_poa",
  [CST_AUTHORITY_EXECUTOR] = "executor",
  [CST_AUTHORITY_ADMINISTRATOR] = "administrator",
};

gint64
cst_representative_record (PGconn                      *conn,
                           CstRequest                  *request,
                           CstRepresentativeAuthority   authority,
                           const char                  *document,
                           const GDate                 *valid_until,
                           GError                     **error)
{
  g_autofree char *id = NULL;
  g_autofree char *until = NULL;
  g_autoptr(PGresult) res = NULL;
  const char *params[4];

  if ((guint) authority >= G_N_ELEMENTS (authority_nicks) || cst_input_is_blank (document))
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                           _("A representative's authority needs its kind and the document "
                             "that proves it."));
      return 0;
    }
  id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  until = valid_until != NULL ? cst_input_format_date (valid_until) : NULL;
  params[0] = id;
  params[1] = authority_nicks[authority];
  params[2] = document;
  params[3] = until;
  res = cst_db_exec (conn,
    "INSERT INTO personal_representatives (patient_id, name, authority, document, valid_until) "
    "SELECT r.patient_id, q.name, $2::representative_authority, $3, $4::date "
    "FROM roi_requests r JOIN requesters q ON q.id = r.requester_id WHERE r.id = $1::bigint "
    "RETURNING id", 4, params, error);
  if (res == NULL)
    return 0;
  if (PQntuples (res) == 0)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_NOT_FOUND,
                           _("The request no longer exists."));
      return 0;
    }
  return cst_db_int64 (res, 0, 0);
}

gint64
cst_representative_on_file (PGconn       *conn,
                            CstRequest   *request,
                            const GDate  *on,
                            GError      **error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  g_autofree char *day = cst_input_format_date (on);
  const char *params[] = { id, day };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT roi_representative_on_file($1::bigint, $2::date)", 2, params, error);

  if (res == NULL || cst_db_value (res, 0, 0) == NULL)
    return 0;
  return cst_db_int64 (res, 0, 0);
}

const char *
cst_representative_authority_get_label (CstRepresentativeAuthority authority)
{
  switch (authority)
    {
    case CST_AUTHORITY_PARENT_OF_MINOR: return _("Parent of a minor");
    case CST_AUTHORITY_GUARDIAN: return _("Guardian");
    case CST_AUTHORITY_HEALTH_CARE_POA: return _("Health-care power of attorney");
    case CST_AUTHORITY_EXECUTOR: return _("Executor of the estate");
    case CST_AUTHORITY_ADMINISTRATOR: return _("Administrator of the estate");
    default: return "";
    }
}

static CstRepresentativeAuthority
authority_from_nick (const char *nick)
{
  for (guint i = 0; i < G_N_ELEMENTS (authority_nicks); i++)
    if (g_strcmp0 (authority_nicks[i], nick) == 0)
      return (CstRepresentativeAuthority) i;
  g_return_val_if_reached (CST_AUTHORITY_PARENT_OF_MINOR);
}

gboolean
cst_representative_get (PGconn                 *conn,
                        gint64                  id,
                        CstRepresentativeInfo  *info,
                        GError                **error)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  const char *params[] = { text };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT authority::text, name, document, valid_until, verified_by, verified_at "
    "FROM personal_representatives WHERE id = $1::bigint", 1, params, error);

  memset (info, 0, sizeof *info);
  if (res == NULL)
    return FALSE;
  if (PQntuples (res) == 0)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_NOT_FOUND,
                           _("The representative’s authority is no longer on file."));
      return FALSE;
    }
  info->authority = authority_from_nick (cst_db_value (res, 0, 0));
  info->name = g_strdup (cst_db_value (res, 0, 1));
  info->document = g_strdup (cst_db_value (res, 0, 2));
  info->valid_until = cst_db_value (res, 0, 3) != NULL ? cst_db_date (res, 0, 3) : NULL;
  info->verified_by = g_strdup (cst_db_value (res, 0, 4));
  info->verified_at = cst_db_timestamp (res, 0, 5);
  return TRUE;
}

void
cst_representative_info_clear (CstRepresentativeInfo *info)
{
  g_clear_pointer (&info->name, g_free);
  g_clear_pointer (&info->document, g_free);
  g_clear_pointer (&info->valid_until, g_date_free);
  g_clear_pointer (&info->verified_by, g_free);
  g_clear_pointer (&info->verified_at, g_date_time_unref);
}
