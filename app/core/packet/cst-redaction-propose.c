/* cst-redaction-propose.c — the proposal finder run over a request's
 * record pages (cst-redaction-propose.h)
 *
 * Each page's characters and boxes come from cst_redaction_page_glyphs()
 * (Poppler's text, or Tesseract's words on a scanned page), as one text
 * in which character i is glyph i; cst_redaction_propose_in_text() finds
 * the spans, and each span becomes one box per line it covers.  Pages
 * left out of the release are not read: they do not go out anyway.  A
 * find that an existing redaction of the page already covers (whatever
 * became of it: a rejected proposal stays rejected) is not proposed again.
 */
#define G_LOG_DOMAIN "custodian-packet"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <poppler.h>
#include <string.h>

#include "custodian/cst-db.h"
#include "custodian/cst-error.h"
#include "custodian/cst-redaction-others.h"
#include "custodian/cst-redaction-propose.h"
#include "custodian/cst-request-repo.h"

#include "cst-packet-pages-private.h"
#include "cst-redaction-private.h"

/* How far (points) a new box may differ from a marked one and still be
 * the same find. */
#define SAME_BOX_SLACK 1.5

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerDocument, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerPage, g_object_unref)

void
cst_proposal_free (CstProposal *proposal)
{
  if (proposal == NULL)
    return;
  if (proposal->found != NULL)
    memset (proposal->found, 0, strlen (proposal->found));
  g_free (proposal->found);
  g_free (proposal);
}

void
cst_proposal_run_free (CstProposalRun *run)
{
  if (run == NULL)
    return;
  g_clear_pointer (&run->redactions, g_ptr_array_unref);
  g_free (run);
}

/* ---- one page ------------------------------------------------------------ */

static char *
glyph_text (GArray *glyphs)
{
  GString *text = g_string_sized_new (glyphs->len + 1);

  for (guint i = 0; i < glyphs->len; i++)
    g_string_append_unichar (text, g_array_index (glyphs, CstRedactionGlyph, i).c);
  return g_string_free (text, FALSE);
}

static gboolean
propose_page (const CstProposalRules  *rules,
              PopplerPage             *page,
              gint64                   document_id,
              guint                    number,
              CstOcr                 **ocr,
              GPtrArray               *out,
              GCancellable            *cancellable,
              GError                 **error)
{
  g_autoptr(GArray) glyphs = g_array_new (FALSE, FALSE, sizeof (CstRedactionGlyph));
  g_autofree char *text = NULL;
  g_autoptr(GArray) matches = NULL;

  if (!cst_redaction_page_glyphs (page, ocr, TRUE, glyphs, cancellable, error))
    return FALSE;
  text = glyph_text (glyphs);
  matches = cst_redaction_propose_in_text (rules, text);
  for (guint i = 0; i < matches->len; i++)
    {
      const CstProposalMatch *m = &g_array_index (matches, CstProposalMatch, i);
      g_autoptr(GPtrArray) hits = g_ptr_array_new_with_free_func (g_free);

      cst_redaction_glyph_hits (hits, document_id, number,
                                (const CstRedactionGlyph *) glyphs->data, m->start, m->end);
      for (guint k = 0; k < hits->len; k++)
        {
          CstRedactionHit *hit = g_ptr_array_index (hits, k);
          CstProposal *p = g_new0 (CstProposal, 1);

          p->document_id = document_id;
          p->page = number;
          p->box = hit->box;
          p->kind = m->kind;
          p->reason = m->reason;
          p->found = g_utf8_substring (text, m->start, m->end);
          g_ptr_array_add (out, p);
        }
    }
  memset (text, 0, strlen (text));
  return TRUE;
}

static PopplerDocument *
open_pdf (const char  *path,
          GError     **error)
{
  g_autofree char *uri = g_filename_to_uri (path, NULL, error);

  return uri ? poppler_document_new_from_file (uri, NULL, error) : NULL;
}

typedef struct
{
  const CstProposalRules *rules;
  CstOcr                 *ocr;       /* made at the first scanned page */
  CstRedactionProgress    progress;
  gpointer                progress_data;
  guint                   done;
  guint                   total;
  GCancellable           *cancellable;
  GPtrArray              *found;     /* #CstProposal */
} Finder;

/* @included: the pages (from 0, ascending) to read, or NULL for all. */
static gboolean
propose_pdf (Finder      *f,
             const char  *path,
             gint64       document_id,
             GArray      *included,
             GError     **error)
{
  g_autoptr(PopplerDocument) pdf = open_pdf (path, error);
  gboolean ok = pdf != NULL;

  for (int i = 0; ok && i < poppler_document_get_n_pages (pdf); i++)
    {
      gboolean wanted = included == NULL;

      for (guint k = 0; !wanted && k < included->len; k++)
        wanted = g_array_index (included, guint, k) == (guint) i;
      if (wanted)
        {
          g_autoptr(PopplerPage) page = poppler_document_get_page (pdf, i);

          ok = !g_cancellable_set_error_if_cancelled (f->cancellable, error) &&
               propose_page (f->rules, page, document_id, (guint) i + 1, &f->ocr, f->found,
                             f->cancellable, error);
        }
      f->done++;
      if (ok && f->progress != NULL)
        f->progress (f->done, f->total, f->progress_data);
    }
  return ok;
}

/**
 * cst_redaction_propose_file:
 *
 * Returns: (transfer full): #CstProposal in page order, or NULL with
 *   @error set
 */
GPtrArray *
cst_redaction_propose_file (const CstProposalRules  *rules,
                            const char              *path,
                            gint64                   document_id,
                            GCancellable            *cancellable,
                            GError                 **error)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_proposal_free);
  Finder f = { rules, NULL, NULL, NULL, 0, 0, cancellable, found };
  gboolean ok = propose_pdf (&f, path, document_id, NULL, error);

  cst_ocr_free (f.ocr);
  return ok ? g_steal_pointer (&found) : NULL;
}

/* ---- the request --------------------------------------------------------- */

static gpointer
term_from_row (const PGresult *res,
               int             row)
{
  CstRedactionTerm *t = g_new0 (CstRedactionTerm, 1);

  t->id = cst_db_int64 (res, row, 0);
  t->reason = g_strdup (cst_db_value (res, row, 1));
  t->term = g_strdup (cst_db_value (res, row, 2));
  t->added_by = g_strdup (cst_db_value (res, row, 3));
  return t;
}

/**
 * cst_redaction_terms_list:
 *
 * Returns: (transfer full): the terms in use, #CstRedactionTerm by reason
 *   and term, or NULL with @error set
 */
GPtrArray *
cst_redaction_terms_list (PGconn  *conn,
                          GError **error)
{
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT id, reason::text, term, added_by FROM redaction_terms"
    " WHERE retired_at IS NULL ORDER BY reason::text, lower(term), id", 0, NULL, error);

  return res ? cst_db_collect_rows (res, term_from_row, (GDestroyNotify) cst_redaction_term_free)
             : NULL;
}

/**
 * cst_redaction_term_add:
 *
 * Administrators only (the database refuses anyone else).
 *
 * Returns: the new term's id, or 0 with @error set
 */
gint64
cst_redaction_term_add (PGconn      *conn,
                        const char  *reason,
                        const char  *term,
                        GError     **error)
{
  const char *params[] = { reason, term };
  g_autoptr(PGresult) res = NULL;

  if (!cst_redaction_reason_valid (reason) || g_str_equal (reason, "other"))
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("A term needs a reason a box may carry (not “other”, which needs words of its own)."));
      return 0;
    }
  if (term == NULL || cst_redaction_is_blank (term))
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT, _("Which term? It is empty."));
      return 0;
    }
  res = cst_db_exec (conn, "SELECT redaction_term_add($1, $2)", 2, params, error);
  return res ? cst_db_int64 (res, 0, 0) : 0;
}

gboolean
cst_redaction_term_retire (PGconn  *conn,
                           gint64   term_id,
                           GError **error)
{
  g_autofree char *id = cst_db_int_param (term_id);
  const char *params[] = { id };

  return cst_db_exec_command (conn, "SELECT redaction_term_retire($1)", 1, params, error);
}

/**
 * cst_redaction_terms_change_at:
 *
 * Returns: (transfer full): the terms in use after the change, or NULL
 *   with @error set
 */
GPtrArray *
cst_redaction_terms_change_at (const char  *conninfo,
                               const char  *add,
                               const char  *reason,
                               gint64       retire,
                               GError     **error)
{
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, error);

  if (conn == NULL)
    return NULL;
  if (add != NULL && cst_redaction_term_add (conn, reason, add, error) == 0)
    return NULL;
  if (retire > 0 && !cst_redaction_term_retire (conn, retire, error))
    return NULL;
  return cst_redaction_terms_list (conn, error);
}

/**
 * cst_proposal_rules_load:
 *
 * Sets the patient's name, MRN and birth date of @request_id and the
 * configured terms in @rules, and adds the other people the request
 * names (request_other_people, 0090) to those already there.
 */
gboolean
cst_proposal_rules_load (PGconn            *conn,
                         gint64             request_id,
                         CstProposalRules  *rules,
                         GError           **error)
{
  g_autofree char *id = cst_db_int_param (request_id);
  const char *params[] = { id };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT p.family_name, p.given_name, p.mrn, p.birth_date"
    "  FROM roi_requests r JOIN patients p ON p.id = r.patient_id WHERE r.id = $1",
    1, params, error);
  g_autoptr(GPtrArray) terms = NULL;
  g_autoptr(GDate) birth = NULL;

  if (res == NULL || !(terms = cst_redaction_terms_list (conn, error)) ||
      !cst_redaction_others_into (conn, request_id, rules, error))
    return FALSE;
  if (PQntuples (res) != 1)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_NOT_FOUND, _("The request was not found."));
      return FALSE;
    }
  g_free (rules->family_name);
  g_free (rules->given_name);
  g_free (rules->mrn);
  rules->family_name = g_strdup (cst_db_value (res, 0, 0));
  rules->given_name = g_strdup (cst_db_value (res, 0, 1));
  rules->mrn = g_strdup (cst_db_value (res, 0, 2));
  birth = cst_db_date (res, 0, 3);
  if (birth != NULL)
    rules->birth_date = *birth;
  for (guint i = 0; i < terms->len; i++)
    g_ptr_array_add (rules->terms, g_ptr_array_steal_index (terms, i--));
  return TRUE;
}

/* A copy of what the caller gave, ready for the request's own. */
static CstProposalRules *
rules_from (const CstProposalRules *extra)
{
  CstProposalRules *rules = cst_proposal_rules_new ();

  if (extra == NULL)
    return rules;
  rules->ssn = g_strdup (extra->ssn);
  for (guint i = 0; i < extra->other_names->len; i++)
    g_ptr_array_add (rules->other_names, g_strdup (g_ptr_array_index (extra->other_names, i)));
  for (guint i = 0; i < extra->other_mrns->len; i++)
    g_ptr_array_add (rules->other_mrns, g_strdup (g_ptr_array_index (extra->other_mrns, i)));
  return rules;
}

static gboolean
covers (const CstRedactionBox *marked,
        const CstRedactionBox *box)
{
  gboolean same = fabs (marked->x - box->x) <= SAME_BOX_SLACK &&
                  fabs (marked->y - box->y) <= SAME_BOX_SLACK &&
                  fabs (marked->width - box->width) <= SAME_BOX_SLACK &&
                  fabs (marked->height - box->height) <= SAME_BOX_SLACK;
  gboolean inside = marked->x <= box->x && marked->y <= box->y &&
                    marked->x + marked->width >= box->x + box->width &&
                    marked->y + marked->height >= box->y + box->height;

  return same || inside;
}

static gboolean
is_known (GPtrArray         *marked,
          const CstProposal *p)
{
  for (guint i = 0; i < marked->len; i++)
    {
      CstRedaction *r = g_ptr_array_index (marked, i);

      if (r->document_id == p->document_id && r->page == p->page && covers (&r->box, &p->box))
        return TRUE;
    }
  return FALSE;
}

static gboolean
find_all (PGconn        *conn,
          Finder        *f,
          GPtrArray     *docs,
          GError       **error)
{
  g_autofree char *dir = g_dir_make_tmp ("custodian-proposal-XXXXXX", error);
  gboolean ok = dir != NULL;

  for (guint i = 0; i < docs->len; i++)
    f->total += ((CstRecordDocument *) g_ptr_array_index (docs, i))->pages;
  for (guint i = 0; ok && i < docs->len; i++)
    {
      CstRecordDocument *doc = g_ptr_array_index (docs, i);
      g_autoptr(GArray) included = cst_packet_pages_included (conn, doc, error);
      g_autofree char *path = included ? cst_redaction_document_pdf (conn, dir, doc,
                                                                     f->cancellable, error)
                                       : NULL;

      ok = path != NULL && propose_pdf (f, path, doc->id, included, error);
      if (path != NULL)
        g_unlink (path);
    }
  if (dir != NULL)
    g_rmdir (dir);
  return ok;
}

/* Stores every find not yet marked; the ids made in @made. */
static gboolean
store (PGconn          *conn,
       GPtrArray       *found,
       GPtrArray       *marked,
       CstProposalRun  *run,
       GArray          *made,
       GError         **error)
{
  for (guint i = 0; i < found->len; i++)
    {
      CstProposal *p = g_ptr_array_index (found, i);
      gint64 id;

      if (is_known (marked, p))
        {
          run->known++;
          continue;
        }
      id = cst_redaction_add (conn, p->document_id, p->page, &p->box, p->reason, NULL,
                              "proposal", FALSE, error);
      if (id == 0)
        return FALSE;
      g_array_append_val (made, id);
      run->stored++;
    }
  return TRUE;
}

static GPtrArray *
only_made (GPtrArray *all,
           GArray    *made)
{
  GPtrArray *mine = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_redaction_free);

  for (guint i = 0; i < all->len; i++)
    for (guint j = 0; j < made->len; j++)
      if (g_array_index (made, gint64, j) == ((CstRedaction *) g_ptr_array_index (all, i))->id)
        {
          g_ptr_array_add (mine, g_ptr_array_steal_index (all, i--));
          break;
        }
  return mine;
}

/**
 * cst_redaction_propose:
 * @extra: (nullable): the patient's SSN and the other people the request
 *   names; the patient and the configured terms are read here
 * @progress: (nullable): called after each page
 *
 * Returns: (transfer full): what was proposed, or NULL with @error set
 */
CstProposalRun *
cst_redaction_propose (PGconn                  *conn,
                       gint64                   request_id,
                       const CstProposalRules  *extra,
                       CstRedactionProgress     progress,
                       gpointer                 progress_data,
                       GCancellable            *cancellable,
                       GError                 **error)
{
  g_autoptr(CstProposalRules) rules = rules_from (extra);
  g_autoptr(GPtrArray) docs = NULL;
  g_autoptr(GPtrArray) marked = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_proposal_free);
  g_autoptr(GArray) made = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(CstProposalRun) run = g_new0 (CstProposalRun, 1);
  Finder f = { rules, NULL, progress, progress_data, 0, 0, cancellable, found };
  gboolean ok;

  if (!cst_proposal_rules_load (conn, request_id, rules, error) ||
      !(docs = cst_packet_list (conn, request_id, error)))
    return NULL;
  ok = find_all (conn, &f, docs, error);
  cst_ocr_free (f.ocr);
  /* Stopped after the last page: nothing is stored. */
  if (!ok || g_cancellable_set_error_if_cancelled (cancellable, error) || !cst_db_begin (conn, error))
    return NULL;
  run->found = found->len;
  ok = (marked = cst_redaction_list (conn, request_id, error)) != NULL &&
       store (conn, found, marked, run, made, error);
  if (!cst_db_end (conn, ok, ok ? error : NULL) || !ok ||
      !(all = cst_redaction_list (conn, request_id, error)))
    return NULL;
  run->redactions = only_made (all, made);
  return g_steal_pointer (&run);
}

/* ---- off the main loop ----------------------------------------------------- */

typedef struct
{
  gint64                request_id;
  CstProposalRules     *extra;
  CstRedactionProgress  progress;
  gpointer              progress_data;
  GMainContext         *context;
  GCancellable         *cancellable;
} ProposeJob;

static void
propose_job_free (ProposeJob *job)
{
  cst_proposal_rules_free (job->extra);
  g_main_context_unref (job->context);
  g_clear_object (&job->cancellable);
  g_free (job);
}

static void
progress_to_context (guint    done,
                     guint    total,
                     gpointer data)
{
  ProposeJob *job = data;
  cst_redaction_progress_relay (job->context, job->progress, job->progress_data, done, total);
}

static gpointer
propose_job_run (PGconn   *conn,
                 gpointer  data,
                 GError  **error)
{
  ProposeJob *job = data;

  return cst_redaction_propose (conn, job->request_id, job->extra,
                                job->progress ? progress_to_context : NULL, job,
                                job->cancellable, error);
}

/**
 * cst_redaction_propose_async:
 * @extra: (transfer full) (nullable): as for cst_redaction_propose()
 * @progress: (nullable): called in the caller's thread-default main
 *   context after each page
 *
 * cst_redaction_propose() on @connection's worker thread: rendering and
 * OCR never block the caller's main loop; @cancellable stops it between
 * pages (and Tesseract between words).
 */
void
cst_redaction_propose_async (CstConnection        *connection,
                             gint64                request_id,
                             CstProposalRules     *extra,
                             CstRedactionProgress  progress,
                             gpointer              progress_data,
                             GCancellable         *cancellable,
                             GAsyncReadyCallback   callback,
                             gpointer              user_data)
{
  ProposeJob *job = g_new0 (ProposeJob, 1);

  job->request_id = request_id;
  job->extra = extra;
  job->progress = progress;
  job->progress_data = progress_data;
  job->context = g_main_context_ref_thread_default ();
  job->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  cst_connection_run_async (connection, propose_job_run, job, (GDestroyNotify) propose_job_free,
                            (GDestroyNotify) cst_proposal_run_free, cancellable, callback,
                            user_data);
}

CstProposalRun *
cst_redaction_propose_finish (CstConnection  *connection,
                              GAsyncResult   *result,
                              GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}

/**
 * cst_redaction_propose_at:
 *
 * The blocking form custodian-cli uses: the request found by @reference.
 *
 * Returns: (transfer full): what was proposed, or NULL with @error set
 */
CstProposalRun *
cst_redaction_propose_at (const char              *conninfo,
                          const char              *reference,
                          const CstProposalRules  *extra,
                          GError                 **error)
{
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, error);
  g_autoptr(CstRequest) request = NULL;

  if (conn == NULL || !(request = cst_request_repo_find (conn, reference, error)))
    return NULL;
  return cst_redaction_propose (conn, cst_request_get_id (request), extra, NULL, NULL, NULL,
                                error);
}
