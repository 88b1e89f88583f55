/* cst-fee-facility-choice.c — what the Facilities page offers as a
 * facility's own fee schedule, and its saving, off the main loop
 *
 * The offer is the hospital schedules (kind=facility) in effect today, as
 * the engine would find them, plus the facility's current choice even if
 * it has ended (so the page shows what is stored rather than a guess).
 * The server checks the choice (0091): a hospital schedule, chosen by an
 * administrator.
 */
#define G_LOG_DOMAIN "cst-fee-facility"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "custodian/cst-db.h"
#include "custodian/cst-fee-facility.h"
#include "custodian/cst-fee-facility-choice.h"
#include "custodian/cst-fee-repo.h"
#include "custodian/cst-input.h"

void
cst_fee_facility_choice_free (CstFeeFacilityChoice *choice)
{
  if (choice == NULL)
    return;
  g_clear_pointer (&choice->keys, g_ptr_array_unref);
  g_clear_pointer (&choice->titles, g_ptr_array_unref);
  g_clear_pointer (&choice->current, g_free);
  g_free (choice);
}

static gboolean
offered (const CstFeeFacilityChoice *choice,
         const char                 *key)
{
  for (guint i = 0; i < choice->keys->len; i++)
    if (g_str_equal (g_ptr_array_index (choice->keys, i), key))
      return TRUE;
  return FALSE;
}

static void
offer (CstFeeFacilityChoice *choice,
       const char           *key,
       const char           *jurisdiction)
{
  if (offered (choice, key))
    return;
  g_ptr_array_add (choice->keys, g_strdup (key));
  /* TRANSLATORS: a hospital fee schedule in the Facilities page's list: its key, its state */
  g_ptr_array_add (choice->titles, g_strdup_printf (_("%s (%s)"), key, jurisdiction));
}

static gboolean
login_is_admin (PGconn   *conn,
                gboolean *admin,
                GError  **error)
{
  g_autoptr(PGresult) res = cst_db_exec (conn, "SELECT pg_has_role(session_user, 'custodian_admin', 'MEMBER')",
                                         0, NULL, error);

  if (res == NULL)
    return FALSE;
  *admin = g_str_equal (cst_db_value (res, 0, 0), "t");
  return TRUE;
}

/**
 * cst_fee_facility_choice_load:
 * @today: the day the schedules offered must be in effect
 *
 * Returns: (transfer full): the hospital schedules @facility_code may
 *   choose from, its choice, and whether this login may change it
 */
CstFeeFacilityChoice *
cst_fee_facility_choice_load (PGconn       *conn,
                              const char   *facility_code,
                              const GDate  *today,
                              GError      **error)
{
  g_autoptr(CstFeeFacilityChoice) choice = g_new0 (CstFeeFacilityChoice, 1);
  g_autoptr(CstFeeScheduleSet) set = NULL;
  GPtrArray *all;

  choice->keys = g_ptr_array_new_with_free_func (g_free);
  choice->titles = g_ptr_array_new_with_free_func (g_free);
  if (!(set = cst_fee_repo_load_schedules (conn, error)) ||
      !cst_fee_facility_get_schedule (conn, facility_code, &choice->current, error) ||
      !login_is_admin (conn, &choice->can_choose, error))
    return NULL;
  all = cst_fee_schedule_set_get_schedules (set);
  for (guint i = 0; i < all->len; i++)
    {
      const CstFeeSchedule *s = g_ptr_array_index (all, i);
      const char *key = cst_fee_schedule_get_key (s);

      if (cst_fee_schedule_get_kind (s) == CST_FEE_SCHEDULE_FACILITY &&
          (cst_fee_schedule_covers_date (s, today) || g_strcmp0 (key, choice->current) == 0))
        offer (choice, key, cst_fee_schedule_get_jurisdiction (s));
    }
  return g_steal_pointer (&choice);
}

static gpointer
load_in_worker (PGconn   *conn,
                gpointer  data,
                GError  **error)
{
  GDate today;

  cst_input_today (&today);
  return cst_fee_facility_choice_load (conn, data, &today, error);
}

void
cst_fee_facility_choice_load_async (CstConnection       *connection,
                                    const char          *facility_code,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (CST_IS_CONNECTION (connection));
  g_return_if_fail (facility_code != NULL);
  cst_connection_run_async (connection, load_in_worker, g_strdup (facility_code), g_free,
                            (GDestroyNotify) cst_fee_facility_choice_free, cancellable, callback, user_data);
}

/* Returns: (transfer full): as cst_fee_facility_choice_load() */
CstFeeFacilityChoice *
cst_fee_facility_choice_load_finish (CstConnection  *connection,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}

/* "code\0key" (key possibly empty): both strings in one block. */
static gpointer
choose_in_worker (PGconn   *conn,
                  gpointer  data,
                  GError  **error)
{
  const char *code = data;
  const char *key = code + strlen (code) + 1;

  /* A non-NULL result says it worked; it points at nothing. */
  return cst_fee_facility_set_schedule (conn, code, key, error) ? GINT_TO_POINTER (TRUE) : NULL;
}

void
cst_fee_facility_choose_async (CstConnection       *connection,
                               const char          *facility_code,
                               const char          *key,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  gsize code_len, key_len;
  char *data;

  g_return_if_fail (CST_IS_CONNECTION (connection));
  g_return_if_fail (facility_code != NULL);
  code_len = strlen (facility_code) + 1;
  key_len = (key != NULL ? strlen (key) : 0) + 1;
  data = g_malloc (code_len + key_len);
  memcpy (data, facility_code, code_len);
  memcpy (data + code_len, key != NULL ? key : "", key_len);
  cst_connection_run_async (connection, choose_in_worker, data, g_free, NULL, cancellable, callback, user_data);
}

gboolean
cst_fee_facility_choose_finish (CstConnection  *connection,
                                GAsyncResult   *result,
                                GError        **error)
{
  return cst_connection_run_finish (connection, result, error) != NULL;
}
