/* cst-document.h — the documents of a release of information
 *
 * Each document is drawn with the PDF toolkit from a CstRequest, a
 * wording template (stored in the database, versioned, one per kind and
 * language) and, for invoices, a list of fee lines.  The functions here
 * touch no database: cst-document-repo.h loads what they need.
 */
#pragma once

#include <glib.h>

#include "custodian/cst-fee-quote.h"
#include "custodian/cst-pdf.h"
#include "custodian/cst-request.h"

G_BEGIN_DECLS

/* An individual may ask for an accounting of disclosures in the six years
 * before the request (45 CFR 164.528(a)(3)): the period shown unless told
 * otherwise. */
#define CST_ACCOUNTING_YEARS 6

typedef enum
{
  CST_DOCUMENT_INVOICE,
  CST_DOCUMENT_COVER_LETTER,
  CST_DOCUMENT_DENIAL_LETTER,
  CST_DOCUMENT_EXTENSION_NOTICE,
  CST_DOCUMENT_ACCOUNTING,
  CST_DOCUMENT_DEFICIENCY_LETTER,   /* what an authorization lacks */
  CST_DOCUMENT_RECORDS_CERTIFICATION,    /* custodian of records' certification, generic */
  CST_DOCUMENT_RECORDS_CERTIFICATION_TX, /* the same as Texas Rule of Evidence 902(10) words it */
} CstDocumentKind;

#define CST_DOCUMENT_N_KINDS (CST_DOCUMENT_RECORDS_CERTIFICATION_TX + 1)

const char *cst_document_kind_to_string   (CstDocumentKind   kind);
const char *cst_document_kind_get_label   (CstDocumentKind   kind);
gboolean    cst_document_kind_from_string (const char       *text,
                                           CstDocumentKind  *kind);

/* --- wording --- */

typedef struct _CstDocumentTemplate CstDocumentTemplate;

CstDocumentTemplate *cst_document_template_new       (CstDocumentKind       kind,
                                                      const char           *language,
                                                      gint64                id,
                                                      int                   version,
                                                      const char           *body,
                                                      GError              **error);
CstDocumentTemplate *cst_document_template_new_default (CstDocumentKind     kind,
                                                        const char         *language,
                                                        GError            **error);
const CstDocumentTemplate *cst_document_template_get_shipped (CstDocumentKind  kind,
                                                             const char      *language,
                                                             GError         **error);
char                *cst_document_template_dup_default_body (CstDocumentKind  kind,
                                                             const char      *language,
                                                             GError         **error);
void                 cst_document_template_free      (CstDocumentTemplate  *self);
CstDocumentKind      cst_document_template_get_kind  (const CstDocumentTemplate *self);
const char          *cst_document_template_get_language (const CstDocumentTemplate *self);
gint64               cst_document_template_get_id    (const CstDocumentTemplate *self);
int                  cst_document_template_get_version (const CstDocumentTemplate *self);
const char          *cst_document_template_get_body  (const CstDocumentTemplate *self);
char                *cst_document_template_expand    (const CstDocumentTemplate *self,
                                                      const char           *key,
                                                      GHashTable           *values);

/* --- invoice lines: the fee engine's quote converts to these --- */

typedef struct
{
  char   *description;
  gint64  quantity;
  gint64  unit_cents;
  gint64  amount_cents;
  char   *rule;
  char   *citation;
} CstInvoiceLine;

typedef struct
{
  char      *number;       /* the invoice's own number, or NULL */
  GPtrArray *lines;        /* CstInvoiceLine */
  GDate      issued_on;
  GDate      due_on;
} CstInvoice;

CstInvoice *cst_invoice_new          (void);
void        cst_invoice_free         (CstInvoice  *self);
void        cst_invoice_add_line     (CstInvoice  *self,
                                      const char  *description,
                                      gint64       quantity,
                                      gint64       unit_cents,
                                      gint64       amount_cents,
                                      const char  *rule,
                                      const char  *citation);
gboolean    cst_invoice_get_total    (const CstInvoice *self,
                                      gint64      *total_cents);
CstInvoice *cst_invoice_new_from_fee_quote (const CstFeeQuote *quote);

/* --- disclosures (45 CFR 164.528) --- */

typedef struct
{
  gint64    id;
  gint64    patient_id;
  gint64    request_id;            /* 0 when not tied to a request */
  char     *request_reference;
  GDate     disclosed_on;
  char     *recipient_name;
  char     *recipient_address;     /* NULL when not known */
  char     *phi_description;
  char     *purpose;
  gboolean  accountable;
  char     *legal_basis;
  /* The records packet the release recorded (0068); NULL and 0 when none. */
  char     *packet_sha256;
  guint     packet_pages;
  char     *packet_documents;      /* "name (pages 1–3), ..." in release order */
} CstDisclosure;

CstDisclosure *cst_disclosure_new  (void);
void           cst_disclosure_free (CstDisclosure *self);

/* --- rendering --- */

typedef struct
{
  CstPdfPaper        paper;
  CstPdfLetterhead   facility;
  const GDate       *today;          /* NULL: today */
  const GDate       *period_from;    /* accounting only */
  const GDate       *period_to;
  const char        *pay_text;       /* invoices: how to pay, in the facility's words */
  const char        *pay_link;       /* invoices: where to pay online; optional */
} CstDocumentOptions;

/* Every document refuses to be made while the facility's name, address
 * or phone (and, on an invoice that asks for money, its payment
 * instructions) is blank, naming the detail (cst-facility.h). */

GBytes *cst_document_render_invoice          (const CstDocumentTemplate *tpl,
                                              CstRequest                *request,
                                              const CstInvoice          *invoice,
                                              const CstDocumentOptions  *options,
                                              guint                     *n_pages,
                                              GError                   **error);
GBytes *cst_document_render_letter           (const CstDocumentTemplate *tpl,
                                              CstRequest                *request,
                                              const CstDocumentOptions  *options,
                                              guint                     *n_pages,
                                              GError                   **error);
/* A cover letter that also lists what was withheld and why: @withheld
 * holds CstWithholding (cst-withholding.h); NULL or empty, nothing was. */
GBytes *cst_document_render_cover_letter     (const CstDocumentTemplate *tpl,
                                              CstRequest                *request,
                                              GPtrArray                 *withheld,
                                              const CstDocumentOptions  *options,
                                              guint                     *n_pages,
                                              GError                   **error);
GBytes *cst_document_render_accounting       (const CstDocumentTemplate *tpl,
                                              CstRequest                *request,
                                              GPtrArray                 *disclosures,
                                              const CstDocumentOptions  *options,
                                              guint                     *n_pages,
                                              GError                   **error);

/* The letter asking for a corrected authorization: @missing holds the
 * CstAuthorizationItem (cst-authorization.h) that block it, in order. */
GBytes *cst_document_render_deficiency_letter (const CstDocumentTemplate *tpl,
                                               CstRequest                *request,
                                               GPtrArray                 *missing,
                                               const CstDocumentOptions  *options,
                                               guint                     *n_pages,
                                               GError                   **error);

/* The custodian of records' certification (affidavit) of the packet: its
 * page count and SHA-256, from the last build (0064), and the day it was
 * built, fill {{packet_pages}}, {{packet_sha256}}, {{packet_built_date}}.
 * The wording is the template's (intro, statement_1, statement_2, …,
 * packet, signature, jurat, citation). */
GBytes *cst_document_render_certification    (const CstDocumentTemplate *tpl,
                                              CstRequest                *request,
                                              guint                      packet_pages,
                                              const char                *packet_sha256,
                                              const GDate               *packet_built,
                                              const CstDocumentOptions  *options,
                                              guint                     *n_pages,
                                              GError                   **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstDocumentTemplate, cst_document_template_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstInvoice, cst_invoice_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstDisclosure, cst_disclosure_free)

G_END_DECLS
