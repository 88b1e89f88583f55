/* cst-redaction.c — redactions stored with the packet (migration 0069)
 *
 * Marking, listing, deciding and removing go through the owner-rights
 * functions of 0069, which check the redaction right themselves: a clerk
 * without it may only propose.  The _at functions are the blocking forms
 * custodian-cli uses: one connection, the request found by reference.
 */
#define G_LOG_DOMAIN "custodian-packet"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "custodian/cst-db.h"
#include "custodian/cst-error.h"
#include "custodian/cst-request-repo.h"

#include "cst-redaction-private.h"

typedef struct
{
  const char *reason;
  const char *code;    /* printed inside the box, on paper: not translated */
  const char *label;
} Reason;

/* The withholding reasons a box may carry (0046's, extended by 0069);
 * "outside the date range" and "not held" withhold whole documents, never
 * part of a page. */
static const Reason reasons[] = {
  { "other_person",        "OTHER PERSON",        N_("Another person's information") },
  { "psychotherapy_notes", "PSYCHOTHERAPY NOTES", N_("Psychotherapy notes") },
  { "part2",               "42 CFR PART 2",       N_("Part 2 records without consent") },
  { "state_protected",     "STATE PROTECTED",     N_("State-protected category") },
  { "minor_confidential",  "MINOR CONFIDENTIAL",  N_("A minor's confidential care") },
  { "other",               "OTHER",               N_("Other (reason written)") },
};

static const Reason *
find_reason (const char *reason)
{
  for (gsize i = 0; reason != NULL && i < G_N_ELEMENTS (reasons); i++)
    if (g_str_equal (reasons[i].reason, reason))
      return &reasons[i];
  return NULL;
}

/**
 * cst_redaction_reasons:
 *
 * Returns: (transfer none): the reason codes a redaction may carry
 */
const char *const *
cst_redaction_reasons (void)
{
  static const char *codes[G_N_ELEMENTS (reasons) + 1];

  if (codes[0] == NULL)
    for (gsize i = 0; i < G_N_ELEMENTS (reasons); i++)
      codes[i] = reasons[i].reason;
  return codes;
}

gboolean
cst_redaction_reason_valid (const char *reason)
{
  return find_reason (reason) != NULL;
}

/* What the box says on paper. */
const char *
cst_redaction_reason_code (const char *reason)
{
  const Reason *r = find_reason (reason);

  return r ? r->code : "REDACTED";
}

const char *
cst_redaction_reason_label (const char *reason)
{
  const Reason *r = find_reason (reason);

  return r ? _(r->label) : reason;
}

void
cst_redaction_free (CstRedaction *redaction)
{
  if (redaction == NULL)
    return;
  g_free (redaction->reason);
  g_free (redaction->reason_text);
  g_free (redaction->source);
  g_free (redaction->state);
  g_free (redaction->proposed_by);
  g_clear_pointer (&redaction->proposed_at, g_date_time_unref);
  g_free (redaction->decided_by);
  g_clear_pointer (&redaction->decided_at, g_date_time_unref);
  g_free (redaction);
}

gboolean
cst_redaction_is_blank (const char *text)
{
  for (const char *p = text; p != NULL && *p; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;
  return TRUE;
}

static gboolean
check_reason (const char  *reason,
              const char  *reason_text,
              GError     **error)
{
  if (!cst_redaction_reason_valid (reason))
    {
      g_autofree char *choices = g_strjoinv (", ", (char **) cst_redaction_reasons ());

      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("“%s” is not a redaction reason; choose one of %s."),
                   reason ? reason : "", choices);
      return FALSE;
    }
  if (g_str_equal (reason, "other") && cst_redaction_is_blank (reason_text))
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("A redaction for another reason needs the reason written out."));
      return FALSE;
    }
  return TRUE;
}

/**
 * cst_redaction_add:
 * @page: of the document, from 1
 * @source: "box", "text" or "proposal"
 * @apply: apply it at once (the redaction right), or only propose it
 *
 * Returns: the new redaction's id, or 0 with @error set
 */
gint64
cst_redaction_add (PGconn                 *conn,
                   gint64                  document_id,
                   guint                   page,
                   const CstRedactionBox  *box,
                   const char             *reason,
                   const char             *reason_text,
                   const char             *source,
                   gboolean                apply,
                   GError                **error)
{
  g_autofree char *doc = cst_db_int_param (document_id);
  g_autofree char *page_s = g_strdup_printf ("%u", page);
  char x[G_ASCII_DTOSTR_BUF_SIZE], y[G_ASCII_DTOSTR_BUF_SIZE];
  char w[G_ASCII_DTOSTR_BUF_SIZE], h[G_ASCII_DTOSTR_BUF_SIZE];
  const char *params[10];
  g_autoptr(PGresult) res = NULL;

  if (!check_reason (reason, reason_text, error))
    return 0;
  if (!(box->width > 0 && box->height > 0 && box->x >= 0 && box->y >= 0))
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("A redaction box lies on the page and has a width and a height."));
      return 0;
    }
  params[0] = doc;
  params[1] = page_s;
  params[2] = g_ascii_dtostr (x, sizeof x, box->x);
  params[3] = g_ascii_dtostr (y, sizeof y, box->y);
  params[4] = g_ascii_dtostr (w, sizeof w, box->width);
  params[5] = g_ascii_dtostr (h, sizeof h, box->height);
  params[6] = reason;
  params[7] = reason_text;
  params[8] = source;
  params[9] = apply ? "true" : "false";
  res = cst_db_exec (conn,
    "SELECT record_redaction_add($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)", 10, params, error);
  return res ? cst_db_int64 (res, 0, 0) : 0;
}

static gpointer
redaction_from_row (const PGresult *res,
                    int             row)
{
  CstRedaction *r = g_new0 (CstRedaction, 1);

  r->id = cst_db_int64 (res, row, 0);
  r->request_id = cst_db_int64 (res, row, 1);
  r->document_id = cst_db_int64 (res, row, 2);
  r->page = (guint) cst_db_int64 (res, row, 3);
  r->box.x = g_ascii_strtod (cst_db_value (res, row, 4), NULL);
  r->box.y = g_ascii_strtod (cst_db_value (res, row, 5), NULL);
  r->box.width = g_ascii_strtod (cst_db_value (res, row, 6), NULL);
  r->box.height = g_ascii_strtod (cst_db_value (res, row, 7), NULL);
  r->reason = g_strdup (cst_db_value (res, row, 8));
  r->reason_text = g_strdup (cst_db_value (res, row, 9));
  r->source = g_strdup (cst_db_value (res, row, 10));
  r->state = g_strdup (cst_db_value (res, row, 11));
  r->proposed_by = g_strdup (cst_db_value (res, row, 12));
  r->proposed_at = cst_db_timestamp (res, row, 13);
  r->decided_by = g_strdup (cst_db_value (res, row, 14));
  r->decided_at = cst_db_value (res, row, 15) ? cst_db_timestamp (res, row, 15) : NULL;
  return r;
}

/**
 * cst_redaction_list:
 *
 * Every redaction of the request, whatever its state, by document, page
 * and id.
 *
 * Returns: (transfer full): #CstRedaction, or NULL with @error set
 */
GPtrArray *
cst_redaction_list (PGconn  *conn,
                    gint64   request_id,
                    GError **error)
{
  g_autofree char *id = cst_db_int_param (request_id);
  const char *params[] = { id };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT r.id, r.request_id, r.document_id, r.page, r.x, r.y, r.width, r.height,"
    "       r.reason::text, r.reason_text, r.source, r.state, r.proposed_by, r.proposed_at,"
    "       r.decided_by, r.decided_at"
    "  FROM record_redactions r JOIN record_documents d ON d.id = r.document_id"
    " WHERE r.request_id = $1 ORDER BY d.position, r.page, r.id", 1, params, error);

  return res ? cst_db_collect_rows (res, redaction_from_row, (GDestroyNotify) cst_redaction_free)
             : NULL;
}

gboolean
cst_redaction_decide (PGconn   *conn,
                      gint64    redaction_id,
                      gboolean  apply,
                      GError  **error)
{
  g_autofree char *id = cst_db_int_param (redaction_id);
  const char *params[] = { id, apply ? "true" : "false" };

  return cst_db_exec_command (conn, "SELECT record_redaction_decide($1, $2)", 2, params, error);
}

gboolean
cst_redaction_remove (PGconn  *conn,
                      gint64   redaction_id,
                      GError **error)
{
  g_autofree char *id = cst_db_int_param (redaction_id);
  const char *params[] = { id };

  return cst_db_exec_command (conn, "SELECT record_redaction_remove($1)", 1, params, error);
}

/**
 * cst_redaction_proof_of_build:
 *
 * What the read-back of build @build_id found; @proof->checked is FALSE
 * when the build burned no redactions.
 */
gboolean
cst_redaction_proof_of_build (PGconn             *conn,
                              gint64              build_id,
                              CstRedactionProof  *proof,
                              GError            **error)
{
  g_autofree char *id = cst_db_int_param (build_id);
  const char *params[] = { id };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT passed, COALESCE(failed_page, 0), redacted_pages, cardinality(redaction_ids),"
    "       withheld_pages"
    "  FROM record_redaction_proofs WHERE build_id = $1", 1, params, error);

  memset (proof, 0, sizeof *proof);
  if (res == NULL)
    return FALSE;
  if (PQntuples (res) == 0)
    return TRUE;
  proof->checked = TRUE;
  proof->passed = cst_db_bool (res, 0, 0);
  proof->failed_page = (guint) cst_db_int64 (res, 0, 1);
  proof->redacted_pages = (guint) cst_db_int64 (res, 0, 2);
  proof->redactions = (guint) cst_db_int64 (res, 0, 3);
  proof->withheld_pages = (guint) cst_db_int64 (res, 0, 4);
  return TRUE;
}

/* ---- blocking forms for custodian-cli ----------------------------------- */

static PGconn *
connect_for (const char  *conninfo,
             const char  *reference,
             gint64      *request_id,
             GError     **error)
{
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, error);
  g_autoptr(CstRequest) request = NULL;

  if (conn == NULL || !(request = cst_request_repo_find (conn, reference, error)))
    return NULL;
  *request_id = cst_request_get_id (request);
  return g_steal_pointer (&conn);
}

/**
 * cst_redaction_mark_text_at:
 *
 * Finds every occurrence of @text in the request's record pages and marks
 * each with a box, all in one transaction: either every occurrence is
 * marked or none.
 *
 * Returns: (transfer full): the #CstRedaction made (empty when the text
 *   is nowhere), or NULL with @error set
 */
GPtrArray *
cst_redaction_mark_text_at (const char  *conninfo,
                            const char  *reference,
                            const char  *text,
                            const char  *reason,
                            const char  *reason_text,
                            gboolean     apply,
                            GError     **error)
{
  gint64 request_id = 0;
  g_autoptr(PGconn) conn = connect_for (conninfo, reference, &request_id, error);
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GArray) made = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) all = NULL;
  GPtrArray *mine;
  gboolean ok = TRUE;

  if (conn == NULL || !check_reason (reason, reason_text, error) ||
      !(hits = cst_redaction_find_text (conn, request_id, text, NULL, NULL, NULL, error)) ||
      !cst_db_begin (conn, error))
    return NULL;
  for (guint i = 0; ok && i < hits->len; i++)
    {
      CstRedactionHit *hit = g_ptr_array_index (hits, i);
      gint64 id = cst_redaction_add (conn, hit->document_id, hit->page, &hit->box, reason,
                                     reason_text, "text", apply, error);

      ok = id != 0;
      g_array_append_val (made, id);
    }
  if (!cst_db_end (conn, ok, ok ? error : NULL) || !ok ||
      !(all = cst_redaction_list (conn, request_id, error)))
    return NULL;
  mine = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_redaction_free);
  for (guint i = 0; i < all->len; i++)
    {
      CstRedaction *r = g_ptr_array_index (all, i);

      for (guint j = 0; j < made->len; j++)
        if (g_array_index (made, gint64, j) == r->id)
          {
            g_ptr_array_add (mine, g_ptr_array_steal_index (all, i--));
            break;
          }
    }
  return mine;
}

gint64
cst_redaction_mark_box_at (const char             *conninfo,
                           const char             *reference,
                           gint64                  document_id,
                           guint                   page,
                           const CstRedactionBox  *box,
                           const char             *reason,
                           const char             *reason_text,
                           gboolean                apply,
                           GError                **error)
{
  gint64 request_id = 0;
  g_autoptr(PGconn) conn = connect_for (conninfo, reference, &request_id, error);
  g_autofree char *doc = cst_db_int_param (document_id);
  g_autofree char *req = cst_db_int_param (request_id);
  const char *params[] = { doc, req };
  g_autoptr(PGresult) res = NULL;

  if (conn == NULL)
    return 0;
  res = cst_db_exec (conn, "SELECT 1 FROM record_documents WHERE id = $1 AND request_id = $2",
                     2, params, error);
  if (res == NULL)
    return 0;
  if (PQntuples (res) == 0)
    {
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, document_id);

      g_set_error (error, CST_ERROR, CST_ERROR_NOT_FOUND,
                   _("Request %s has no record document %s."), reference, id);
      return 0;
    }
  return cst_redaction_add (conn, document_id, page, box, reason, reason_text, "box", apply, error);
}

GPtrArray *
cst_redaction_list_at (const char  *conninfo,
                       const char  *reference,
                       GError     **error)
{
  gint64 request_id = 0;
  g_autoptr(PGconn) conn = connect_for (conninfo, reference, &request_id, error);

  return conn ? cst_redaction_list (conn, request_id, error) : NULL;
}

gboolean
cst_redaction_remove_at (const char  *conninfo,
                         const char  *reference,
                         gint64       redaction_id,
                         GError     **error)
{
  gint64 request_id = 0;
  g_autoptr(PGconn) conn = connect_for (conninfo, reference, &request_id, error);
  g_autofree char *id = cst_db_int_param (redaction_id);
  g_autofree char *req = cst_db_int_param (request_id);
  const char *params[] = { id, req };
  g_autoptr(PGresult) res = NULL;

  if (conn == NULL ||
      !(res = cst_db_exec (conn, "SELECT 1 FROM record_redactions WHERE id = $1 AND request_id = $2",
                           2, params, error)))
    return FALSE;
  if (PQntuples (res) == 0)
    {
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, redaction_id);

      g_set_error (error, CST_ERROR, CST_ERROR_NOT_FOUND,
                   _("Request %s has no redaction %s."), reference, id);
      return FALSE;
    }
  return cst_redaction_remove (conn, redaction_id, error);
}

gboolean
cst_redaction_proof_at (const char         *conninfo,
                        gint64              build_id,
                        CstRedactionProof  *proof,
                        GError            **error)
{
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, error);

  return conn && cst_redaction_proof_of_build (conn, build_id, proof, error);
}
