/* cst-withholding.c — what a partial release withheld, and why
 *
 * Each withheld part carries a category (Part 2, psychotherapy notes,
 * a minor's confidential services, outside the date range, not held) so
 * letters and the evidence pack can say so without retyping.
 */
#define G_LOG_DOMAIN "cst-withholding"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "custodian/cst-db.h"
#include "custodian/cst-error.h"
#include "custodian/cst-input.h"
#include "custodian/cst-withholding.h"

static const char *const reason_nicks[] = {
  [CST_WITHHELD_PART2] = "part2",
  [CST_WITHHELD_PSYCHOTHERAPY_NOTES] = "psychotherapy_notes",
  [CST_WITHHELD_MINOR_CONFIDENTIAL] = "minor_confidential",
  [CST_WITHHELD_OUTSIDE_DATE_RANGE] = "outside_date_range",
  [CST_WITHHELD_NOT_HELD] = "not_held",
};

void
cst_withholding_free (CstWithholding *withholding)
{
  if (withholding == NULL)
    return;
  g_free (withholding->description);
  g_free (withholding->recorded_by);
  g_free (withholding);
}

const char *
cst_withheld_reason_get_label (CstWithheldReason reason)
{
  switch (reason)
    {
    case CST_WITHHELD_PART2: return _("Substance use disorder records (42 CFR Part 2)");
    case CST_WITHHELD_PSYCHOTHERAPY_NOTES: return _("Psychotherapy notes");
    case CST_WITHHELD_MINOR_CONFIDENTIAL: return _("A minor's confidential services");
    case CST_WITHHELD_OUTSIDE_DATE_RANGE: return _("Outside the requested date range");
    case CST_WITHHELD_NOT_HELD: return _("Not held by this facility");
    default: return "";
    }
}

const char *
cst_withheld_reason_to_nick (CstWithheldReason reason)
{
  return (guint) reason < G_N_ELEMENTS (reason_nicks) ? reason_nicks[reason] : NULL;
}

gboolean
cst_withheld_reason_from_nick (const char        *nick,
                               CstWithheldReason *reason)
{
  for (guint i = 0; nick != NULL && i < G_N_ELEMENTS (reason_nicks); i++)
    if (g_str_equal (nick, reason_nicks[i]))
      {
        *reason = (CstWithheldReason) i;
        return TRUE;
      }
  return FALSE;
}

gboolean
cst_withholding_record (PGconn             *conn,
                        CstRequest         *request,
                        CstWithheldReason   reason,
                        const char         *description,
                        GError            **error)
{
  g_autofree char *id = NULL;
  const char *params[3];

  if ((guint) reason >= G_N_ELEMENTS (reason_nicks) || cst_input_is_blank (description))
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                           _("A withheld part needs its category and a description."));
      return FALSE;
    }
  id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  params[0] = id;
  params[1] = reason_nicks[reason];
  params[2] = description;
  return cst_db_exec_command (conn,
    "INSERT INTO release_withholdings (request_id, reason, description) "
    "VALUES ($1::bigint, $2::withholding_reason, $3)", 3, params, error);
}

static CstWithholding *
withholding_from_row (const PGresult *res,
                      int             row)
{
  CstWithholding *w = g_new0 (CstWithholding, 1);

  cst_withheld_reason_from_nick (cst_db_value (res, row, 0), &w->reason);
  w->description = g_strdup (cst_db_value (res, row, 1));
  w->recorded_by = g_strdup (cst_db_value (res, row, 2));
  return w;
}

GPtrArray *
cst_withholding_list (PGconn      *conn,
                      CstRequest  *request,
                      GError     **error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  const char *params[] = { id };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT reason, description, recorded_by FROM release_withholdings "
    "WHERE request_id = $1::bigint ORDER BY id", 1, params, error);

  if (res == NULL)
    return NULL;
  return cst_db_collect_rows (res, (CstDbRowFunc) withholding_from_row,
                              (GDestroyNotify) cst_withholding_free);
}
