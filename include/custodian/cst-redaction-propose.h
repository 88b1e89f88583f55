/* cst-redaction-propose.h — the program proposes redactions, a person
 * decides (issue 19)
 *
 * The proposal finder reads every record page of a request (Poppler's
 * text with a box per character on born-digital pages, Tesseract's words
 * on scanned ones) and looks for what is usually not the patient's to
 * receive:
 *   - US Social Security numbers (123-45-6789, 123 45 6789, or nine digits
 *     after "SSN"), other than the patient's own when the clerk gives it;
 *   - medical record numbers and birth dates written after their label
 *     ("MRN:", "DOB:") that are not the patient's, and names after a
 *     "Patient:" or "Name:" label that are not the patient's;
 *   - the other people's names and MRNs the request gives (kept with the
 *     request, migration 0090: cst-redaction-others.h);
 *   - the terms the hospital configures per reason (redaction_terms,
 *     migration 0076), for example a substance-use program's name.
 * Each find becomes a proposed redaction (record_redactions, source
 * "proposal", state "proposed"): nothing is applied until a person with
 * the redaction right accepts it.  What was found is kept in memory only;
 * proposals store boxes and reasons, never the text.
 */
#pragma once

#include <gio/gio.h>

#include "custodian/cst-connection.h"
#include "custodian/cst-db-types.h"
#include "custodian/cst-redaction.h"

G_BEGIN_DECLS

typedef enum
{
  CST_PROPOSAL_SSN,
  CST_PROPOSAL_NAME,
  CST_PROPOSAL_MRN,
  CST_PROPOSAL_BIRTH_DATE,
  CST_PROPOSAL_TERM,
} CstProposalKind;

/* "ssn", "name", "mrn", "birth_date", "term": stable, for --json. */
const char *cst_proposal_kind_to_nick (CstProposalKind kind);

/* A configured term (redaction_terms). */
typedef struct
{
  gint64  id;
  char   *reason;   /* a code of cst_redaction_reasons() */
  char   *term;
  char   *added_by;
} CstRedactionTerm;

void cst_redaction_term_free (CstRedactionTerm *term);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstRedactionTerm, cst_redaction_term_free)

/* What the finder knows of the request.  Strings may be NULL. */
typedef struct
{
  char      *family_name;   /* the patient's */
  char      *given_name;
  char      *mrn;
  GDate      birth_date;    /* cleared (invalid) when unknown */
  char      *ssn;           /* the patient's own, if the clerk gave it: never stored */
  GPtrArray *other_names;   /* (element-type utf8): people the request names */
  GPtrArray *other_mrns;    /* (element-type utf8) */
  GPtrArray *terms;         /* #CstRedactionTerm */
} CstProposalRules;

CstProposalRules *cst_proposal_rules_new  (void);
void              cst_proposal_rules_free (CstProposalRules *rules);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstProposalRules, cst_proposal_rules_free)

/* One find in a text: characters [start, end) of it. */
typedef struct
{
  guint            start;
  guint            end;
  CstProposalKind  kind;
  const char      *reason;   /* (transfer none) a code of cst_redaction_reasons() */
} CstProposalMatch;

/* Every find in @text (UTF-8; invalid bytes end it), in order of start;
 * the same span is found once.  No I/O: the part the fuzz target and the
 * labelled set check. */
GArray    *cst_redaction_propose_in_text  (const CstProposalRules *rules,
                                           const char             *text);

/* One proposal on a page. */
typedef struct
{
  gint64           document_id;
  guint            page;        /* of the document, from 1 */
  CstRedactionBox  box;
  CstProposalKind  kind;
  const char      *reason;      /* (transfer none) */
  char            *found;       /* the text found: in memory only, never stored or printed */
} CstProposal;

void       cst_proposal_free              (CstProposal *proposal);

/* Every proposal on the pages of the PDF at @path (document @document_id),
 * boxes in points from each page's top-left.  Pages without text are
 * read by Tesseract. */
GPtrArray *cst_redaction_propose_file     (const CstProposalRules *rules,
                                           const char             *path,
                                           gint64                  document_id,
                                           GCancellable           *cancellable,
                                           GError                **error);

/* What one run proposed. */
typedef struct
{
  guint found;      /* proposals the pages gave */
  guint stored;     /* new proposed redactions */
  guint known;      /* found but already marked, accepted or rejected: not proposed again */
  GPtrArray *redactions;   /* the #CstRedaction stored, in page order */
} CstProposalRun;

void       cst_proposal_run_free          (CstProposalRun *run);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstProposalRun, cst_proposal_run_free)

/* The request's patient and the configured terms in @rules (what the
 * caller set of the rest stays). */
gboolean   cst_proposal_rules_load        (PGconn                 *conn,
                                           gint64                  request_id,
                                           CstProposalRules       *rules,
                                           GError                **error);

/* Runs the finder over the request's record pages and stores each new
 * find as a proposed redaction, all in one transaction. */
CstProposalRun *cst_redaction_propose     (PGconn                 *conn,
                                           gint64                  request_id,
                                           const CstProposalRules *extra,
                                           CstRedactionProgress    progress,
                                           gpointer                progress_data,
                                           GCancellable           *cancellable,
                                           GError                **error);
void       cst_redaction_propose_async    (CstConnection          *connection,
                                           gint64                  request_id,
                                           CstProposalRules       *extra,
                                           CstRedactionProgress    progress,
                                           gpointer                progress_data,
                                           GCancellable           *cancellable,
                                           GAsyncReadyCallback     callback,
                                           gpointer                user_data);
CstProposalRun *cst_redaction_propose_finish (CstConnection       *connection,
                                              GAsyncResult        *result,
                                              GError             **error);
CstProposalRun *cst_redaction_propose_at  (const char             *conninfo,
                                           const char             *reference,
                                           const CstProposalRules *extra,
                                           GError                **error);

/* The configured terms (redaction_terms). */
GPtrArray *cst_redaction_terms_list       (PGconn                 *conn,
                                           GError                **error);
gint64     cst_redaction_term_add         (PGconn                 *conn,
                                           const char             *reason,
                                           const char             *term,
                                           GError                **error);
gboolean   cst_redaction_term_retire      (PGconn                 *conn,
                                           gint64                  term_id,
                                           GError                **error);
/* The blocking form custodian-cli uses: adds @add under @reason when
 * given, retires @retire when above 0, then lists the terms in use. */
GPtrArray *cst_redaction_terms_change_at  (const char             *conninfo,
                                           const char             *add,
                                           const char             *reason,
                                           gint64                  retire,
                                           GError                **error);

G_END_DECLS
