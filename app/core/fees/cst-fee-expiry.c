/* cst-fee-expiry.c — schedules that end soon with nothing after them
 *
 * A schedule "has a successor" when, on the day after it ends, every
 * request it priced (each provider, requester and purpose it selects) is
 * priced again by a schedule of the same family: a state fee or exclusion,
 * an exemption, the hospital's own amounts, or HIPAA.  A successor that
 * covers only some of those requests leaves the others without a price,
 * so the schedule is still listed.  Schedules that ended already are listed
 * too when nothing priced their requests since: until someone enters the
 * next amounts, those requests cannot be quoted at all.  (A gap in the past
 * that later schedules closed is history, not something to act on.)
 */
#define G_LOG_DOMAIN "cst-fee-expiry"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "custodian/cst-db.h"
#include "custodian/cst-fee-expiry.h"
#include "custodian/cst-fee-repo.h"
#include "custodian/cst-input.h"
#include "cst-fee-private.h"

/* Fee schedules and exclusions price the same requests (set_find). */
static int
family (CstFeeScheduleKind kind)
{
  return kind == CST_FEE_SCHEDULE_EXCLUSION ? CST_FEE_SCHEDULE_FEE : (int) kind;
}

/* Priced on @day, or, with @later, on any day from @day on. */
static gboolean
priced_on (GPtrArray            *all,
           const CstFeeSchedule *ending,
           guint                 provider,
           guint                 requester,
           guint                 purpose,
           guint32               day,
           gboolean              later)
{
  for (guint i = 0; i < all->len; i++)
    {
      const CstFeeSchedule *s = g_ptr_array_index (all, i);

      if (s != ending && family (s->kind) == family (ending->kind) &&
          g_str_equal (s->jurisdiction, ending->jurisdiction) &&
          s->indigent_only == ending->indigent_only &&
          (s->to == 0 || day <= s->to) && (later || day >= s->from) &&
          (s->providers & (1u << provider)) && (s->requesters & (1u << requester)) &&
          (s->purposes & (1u << purpose)))
        return TRUE;
    }
  return FALSE;
}

static gboolean
has_successor (GPtrArray            *all,
               const CstFeeSchedule *s,
               gboolean              ended)
{
  for (guint p = 0; p < CST_FEE_N_PROVIDERS; p++)
    for (guint r = 0; r < CST_FEE_N_REQUESTERS; r++)
      for (guint u = 0; u < CST_FEE_N_PURPOSES; u++)
        if ((s->providers & (1u << p)) && (s->requesters & (1u << r)) && (s->purposes & (1u << u)) &&
            !priced_on (all, s, p, r, u, s->to + 1, ended))
          return FALSE;
  return TRUE;
}

/**
 * cst_fee_schedule_set_list_expiring:
 * @as_of: today, or the date to look from
 * @days: how far ahead to look
 *
 * Returns: (transfer container) (element-type CstFeeSchedule): the
 *   schedules ending on or before @as_of + @days, ended ones included,
 *   that no schedule follows, by jurisdiction and date
 */
GPtrArray *
cst_fee_schedule_set_list_expiring (CstFeeScheduleSet *set,
                                    const GDate       *as_of,
                                    guint              days)
{
  GPtrArray *all = cst_fee_schedule_set_get_schedules (set);
  GPtrArray *expiring = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_fee_schedule_unref);
  guint32 horizon = g_date_get_julian (as_of) + days;

  for (guint i = 0; i < all->len; i++)
    {
      CstFeeSchedule *s = g_ptr_array_index (all, i);

      if (s->to != 0 && s->to <= horizon && !has_successor (all, s, cst_fee_schedule_has_ended (s, as_of)))
        g_ptr_array_add (expiring, cst_fee_schedule_ref (s));
    }
  return expiring;
}

gboolean
cst_fee_schedule_has_ended (const CstFeeSchedule *s,
                            const GDate          *as_of)
{
  return s->to != 0 && s->to < g_date_get_julian (as_of);
}

/**
 * cst_fee_schedule_dup_expiry_message:
 *
 * Returns: what an administrator must do, "IL ends 2026-12-31 (schedule
 *   IL-2026): enter 2027's amounts."
 */
char *
cst_fee_schedule_dup_expiry_message (const CstFeeSchedule *s,
                                     const GDate          *as_of)
{
  GDate end, next;
  g_autofree char *end_text = NULL, *next_text = NULL;

  g_return_val_if_fail (s->to != 0, NULL);
  g_date_clear (&end, 1);
  g_date_set_julian (&end, s->to);
  next = end;
  g_date_add_days (&next, 1);
  end_text = cst_input_format_date (&end);
  next_text = cst_input_format_date (&next);
  if (cst_fee_schedule_has_ended (s, as_of))
    /* Translators: state, date, schedule name, date. */
    return g_strdup_printf (_("%s ended %s (schedule %s) and nothing follows it: requests received since "
                              "cannot be quoted. Enter the amounts in effect from %s."),
                            s->jurisdiction, end_text, s->key, next_text);
  if (g_date_get_day (&next) == 1 && g_date_get_month (&next) == G_DATE_JANUARY)
    /* Translators: state, date, schedule name, year. */
    return g_strdup_printf (_("%s ends %s (schedule %s): enter %d's amounts."),
                            s->jurisdiction, end_text, s->key, g_date_get_year (&next));
  /* Translators: state, date, schedule name, date. */
  return g_strdup_printf (_("%s ends %s (schedule %s): enter the amounts in effect from %s."),
                          s->jurisdiction, end_text, s->key, next_text);
}

/* ---------------------------------------------------------------- no amount at all */

/* Where state law as read sets no amount (no fee schedule ever priced the
 * request, or an exclusion says the schedule does not apply), the
 * hospital's own schedule is the charge (cst-fee-engine.c).  Without one
 * every such request would be refused; this says it once instead.  The
 * hospital schedule is looked for as the engine looks for it: the
 * facility's own (@own_key), or for a facility without one those no
 * facility claimed (0091) -- never a neighbour's. */
static gboolean
unpriced (CstFeeScheduleSet *set,
          const char        *own_key,
          const char        *jurisdiction,
          CstFeeRequester    requester,
          CstFeePurpose      purpose,
          guint32            day)
{
  const CstFeeProvider provider = CST_FEE_PROVIDER_HOSPITAL;
  const CstFeeSchedule *state;

  if (cst_fee_schedule_set_find (set, CST_FEE_SCHEDULE_EXEMPTION, jurisdiction, provider, requester, purpose,
                                 day, FALSE))
    return FALSE;
  state = cst_fee_schedule_set_find (set, CST_FEE_SCHEDULE_FEE, jurisdiction, provider, requester, purpose,
                                     day, FALSE);
  if (state ? state->kind != CST_FEE_SCHEDULE_EXCLUSION
            : cst_fee_schedule_set_latest_for (set, jurisdiction, provider, requester, purpose) != NULL)
    return FALSE;
  return cst_fee_schedule_set_find_hospital (set, own_key, jurisdiction, provider, requester, purpose,
                                             day, FALSE) == NULL;
}

static char *
unpriced_message (CstFeeScheduleSet *set,
                  const char        *facility_code,
                  const char        *own_key,
                  const char        *jurisdiction,
                  guint32            day)
{
  g_autoptr(GString) who = g_string_new (NULL);

  for (int r = 0; r < CST_FEE_N_REQUESTERS; r++)
    {
      if (cst_fee_requester_is_individual (r))
        continue;   /* HIPAA prices the individual's own request */
      for (int u = 0; u < CST_FEE_N_PURPOSES; u++)
        if (unpriced (set, own_key, jurisdiction, r, u, day))
          {
            g_string_append_printf (who, "%s%s", who->len ? ", " : "", cst_fee_requester_to_nick (r));
            break;
          }
    }
  if (who->len == 0)
    return NULL;
  if (own_key != NULL && own_key[0] != '\0')
    /* Translators: state, requester codes as the schedule file spells them,
     * facility code, schedule key. */
    return g_strdup_printf (_("%s law as read sets no maximum for some requests (requesters: %s), and the "
                              "hospital schedule of facility %s (%s) does not price them: extend it (Fee "
                              "Schedules) or they cannot be quoted there."),
                            jurisdiction, who->str, facility_code, own_key);
  /* Translators: state, then requester codes as the schedule file spells them. */
  return g_strdup_printf (_("%s law as read sets no maximum for some requests (requesters: %s), and no hospital "
                            "schedule is entered for them: enter one (Fee Schedules, New Hospital Schedule) or "
                            "they cannot be quoted."), jurisdiction, who->str);
}

/**
 * cst_fee_schedule_set_list_unpriced_for:
 * @facility_code: (nullable): named in the messages when @own_key is set
 * @own_key: (nullable): the facility's own hospital schedule (0091), NULL
 *   for a facility without one
 *
 * Returns: (transfer full) (element-type utf8): one message per state
 *   where some third-party requests of such a facility have neither a
 *   state amount nor a hospital schedule it may use on @as_of
 */
GPtrArray *
cst_fee_schedule_set_list_unpriced_for (CstFeeScheduleSet *set,
                                        const GDate       *as_of,
                                        const char        *facility_code,
                                        const char        *own_key)
{
  GPtrArray *all = cst_fee_schedule_set_get_schedules (set);
  GPtrArray *messages = g_ptr_array_new_with_free_func (g_free);
  guint32 day = g_date_get_julian (as_of);
  const char *last = "";

  /* The set is sorted by jurisdiction: each state once. */
  for (guint i = 0; i < all->len; i++)
    {
      const CstFeeSchedule *s = g_ptr_array_index (all, i);
      char *message;

      if (s->kind == CST_FEE_SCHEDULE_HIPAA || g_str_equal (s->jurisdiction, last))
        continue;
      last = s->jurisdiction;
      if ((message = unpriced_message (set, facility_code, own_key, s->jurisdiction, day)) != NULL)
        g_ptr_array_add (messages, message);
    }
  return messages;
}

/**
 * cst_fee_schedule_set_list_unpriced:
 *
 * Returns: (transfer full) (element-type utf8): as
 *   cst_fee_schedule_set_list_unpriced_for() for a facility without a
 *   schedule of its own
 */
GPtrArray *
cst_fee_schedule_set_list_unpriced (CstFeeScheduleSet *set,
                                    const GDate       *as_of)
{
  return cst_fee_schedule_set_list_unpriced_for (set, as_of, NULL, NULL);
}

/* ---------------------------------------------------------------- for the views */

/**
 * cst_fee_expiring_new:
 * @can_edit: whether the reader may enter the missing amounts
 *
 * Returns: (transfer full): what @set lacks, seen from @as_of
 */
CstFeeExpiring *
cst_fee_expiring_new (CstFeeScheduleSet *set,
                      const GDate       *as_of,
                      guint              days,
                      gboolean           can_edit)
{
  CstFeeExpiring *expiring = g_new0 (CstFeeExpiring, 1);

  expiring->as_of = *as_of;
  expiring->can_edit = can_edit;
  expiring->schedules = cst_fee_schedule_set_list_expiring (set, as_of, days);
  expiring->unpriced = cst_fee_schedule_set_list_unpriced (set, as_of);
  return expiring;
}

/**
 * cst_fee_expiring_dup_text:
 *
 * Returns: (transfer full): one line per schedule to continue and per
 *   state with requests nothing prices, or "" when there is nothing to do
 */
char *
cst_fee_expiring_dup_text (const CstFeeExpiring *expiring)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < expiring->schedules->len; i++)
    {
      g_autofree char *message = cst_fee_schedule_dup_expiry_message (g_ptr_array_index (expiring->schedules, i),
                                                                      &expiring->as_of);

      g_string_append_printf (text, "%s%s", text->len ? "\n" : "", message);
    }
  for (guint i = 0; i < expiring->unpriced->len; i++)
    g_string_append_printf (text, "%s%s", text->len ? "\n" : "", (char *) g_ptr_array_index (expiring->unpriced, i));
  return g_string_free (text, FALSE);
}

void
cst_fee_expiring_free (CstFeeExpiring *expiring)
{
  if (expiring == NULL)
    return;
  g_clear_pointer (&expiring->schedules, g_ptr_array_unref);
  g_clear_pointer (&expiring->unpriced, g_ptr_array_unref);
  g_free (expiring);
}

static gboolean
login_can_edit (PGconn   *conn,
                GError  **error,
                gboolean *can_edit)
{
  g_autoptr(PGresult) res = cst_db_exec (conn, "SELECT pg_has_role(current_user, 'custodian_admin', 'MEMBER')",
                                         0, NULL, error);

  if (res == NULL)
    return FALSE;
  *can_edit = g_str_equal (cst_db_value (res, 0, 0), "t");
  return TRUE;
}

/* The unpriced states of each facility this login works for, by the
 * schedule it quotes with: a clerk is told of its own facilities' gaps,
 * and one facility's schedule never hides another's (0091). */
static GPtrArray *
list_unpriced_for_login (PGconn             *conn,
                         CstFeeScheduleSet  *set,
                         const GDate        *as_of,
                         GError            **error)
{
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT code, fee_schedule_key FROM facilities"
    " WHERE id = ANY ((SELECT visible_facility_ids())::bigint[])"
    " ORDER BY fee_schedule_key NULLS FIRST, code", 0, NULL, error);
  GPtrArray *messages;
  gboolean without_done = FALSE;
  const char *last_key = NULL;

  if (res == NULL)
    return NULL;
  messages = g_ptr_array_new_with_free_func (g_free);
  for (int row = 0; row < PQntuples (res); row++)
    {
      const char *code = cst_db_value (res, row, 0);
      const char *key = cst_db_value (res, row, 1);
      g_autoptr(GPtrArray) found = NULL;

      /* Facilities without a schedule of their own share one answer, as
       * do those sharing a key (rows come ordered by key). */
      if (key == NULL ? without_done : g_strcmp0 (key, last_key) == 0)
        continue;
      without_done |= key == NULL;
      last_key = key;
      found = cst_fee_schedule_set_list_unpriced_for (set, as_of, code, key);
      for (guint i = 0; i < found->len; i++)
        g_ptr_array_add (messages, g_strdup (g_ptr_array_index (found, i)));
    }
  return messages;
}

/**
 * cst_fee_expiring_load:
 *
 * Returns: (transfer full): the stored schedules that end within @days of
 *   @as_of (or ended) with no successor, the states where requests of the
 *   facilities this login works for cannot be priced, and whether this
 *   login may enter their successors
 */
CstFeeExpiring *
cst_fee_expiring_load (PGconn       *conn,
                       const GDate  *as_of,
                       guint         days,
                       GError      **error)
{
  g_autoptr(CstFeeScheduleSet) set = cst_fee_repo_load_schedules (conn, error);
  gboolean can_edit = FALSE;

  g_autoptr(GPtrArray) unpriced = NULL;
  CstFeeExpiring *expiring;

  if (set == NULL || !login_can_edit (conn, error, &can_edit) ||
      !(unpriced = list_unpriced_for_login (conn, set, as_of, error)))
    return NULL;
  expiring = cst_fee_expiring_new (set, as_of, days, can_edit);
  g_ptr_array_unref (expiring->unpriced);
  expiring->unpriced = g_steal_pointer (&unpriced);
  return expiring;
}

typedef struct
{
  GDate as_of;
  guint days;
} LoadJob;

static gpointer
load_in_worker (PGconn   *conn,
                gpointer  data,
                GError  **error)
{
  LoadJob *job = data;

  return cst_fee_expiring_load (conn, &job->as_of, job->days, error);
}

void
cst_fee_expiring_load_async (CstConnection       *connection,
                             const GDate         *as_of,
                             guint                days,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  LoadJob *job = g_new0 (LoadJob, 1);

  g_return_if_fail (CST_IS_CONNECTION (connection));
  job->as_of = *as_of;
  job->days = days;
  cst_connection_run_async (connection, load_in_worker, job, g_free,
                            (GDestroyNotify) cst_fee_expiring_free, cancellable, callback, user_data);
}

/* Returns: (transfer full): as cst_fee_expiring_load() */
CstFeeExpiring *
cst_fee_expiring_load_finish (CstConnection  *connection,
                              GAsyncResult   *result,
                              GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}
