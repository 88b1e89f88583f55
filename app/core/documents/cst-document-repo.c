/* cst-document-repo.c — disclosures, templates and rendered documents in
 * PostgreSQL
 *
 * Blocking calls on the caller's connection, parameters only ever through
 * cst_db_exec().  Templates are never updated in place: saving inserts the
 * next version.  The shipped wording of every kind and language is version
 * 1, installed by `db migrate` (cst_document_repo_install_shipped()), never
 * by whoever first makes a document.  Documents are recorded through the
 * owner-rights function document_record(), which hashes the PDF itself
 * (resources/sql/0057-release-the-server-decides.sql).
 */
#define G_LOG_DOMAIN "cst-document"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "custodian/cst-authorization.h"
#include "custodian/cst-db.h"
#include "custodian/cst-document-repo.h"
#include "custodian/cst-error.h"
#include "custodian/cst-facilities.h"
#include "custodian/cst-facility.h"
#include "custodian/cst-input.h"
#include "custodian/cst-request-repo.h"
#include "custodian/cst-withholding.h"

#include "cst-document-render-private.h"

static char *
id_text (gint64 id)
{
  return id > 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, id) : NULL;
}

static char *
date_text (const GDate *date)
{
  return date && g_date_valid (date) ? cst_input_format_date (date) : NULL;
}

/**
 * cst_document_repo_record_disclosure:
 *
 * Records one disclosure.  When @disclosure has no patient_id, the
 * patient of its request is used.
 *
 * Returns: the new row's id, or 0 on error
 */
gint64
cst_document_repo_record_disclosure (PGconn               *conn,
                                      const CstDisclosure  *disclosure,
                                      GError              **error)
{
  g_autofree char *patient = id_text (disclosure->patient_id);
  g_autofree char *request = id_text (disclosure->request_id);
  g_autofree char *on = date_text (&disclosure->disclosed_on);
  const char *params[] = {
    patient, request, on, disclosure->recipient_name, disclosure->recipient_address,
    disclosure->phi_description, disclosure->purpose,
    disclosure->accountable ? "true" : "false", disclosure->legal_basis,
  };
  g_autoptr(PGresult) res = NULL;

  if (patient == NULL && request == NULL)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                           _("A disclosure needs a patient or a request."));
      return 0;
    }
  res = cst_db_exec (conn,
    "INSERT INTO disclosures (patient_id, request_id, disclosed_on, recipient_name,"
    " recipient_address, phi_description, purpose_statement, accountable, legal_basis)"
    " VALUES (COALESCE($1::bigint, (SELECT patient_id FROM roi_requests WHERE id = $2::bigint)),"
    " $2::bigint, $3::date, $4, NULLIF(btrim($5), ''), $6, $7, $8::boolean, $9)"
    " RETURNING id", G_N_ELEMENTS (params), params, error);
  return res ? cst_db_int64 (res, 0, 0) : 0;
}

static CstDisclosure *
disclosure_from_row (const PGresult *res,
                     int             row)
{
  CstDisclosure *d = cst_disclosure_new ();
  g_autoptr(GDate) on = cst_db_date (res, row, 4);

  d->id = cst_db_int64 (res, row, 0);
  d->patient_id = cst_db_int64 (res, row, 1);
  d->request_id = cst_db_value (res, row, 2) ? cst_db_int64 (res, row, 2) : 0;
  d->request_reference = g_strdup (cst_db_value (res, row, 3));
  if (on != NULL)
    d->disclosed_on = *on;
  d->recipient_name = g_strdup (cst_db_value (res, row, 5));
  d->recipient_address = g_strdup (cst_db_value (res, row, 6));
  d->phi_description = g_strdup (cst_db_value (res, row, 7));
  d->purpose = g_strdup (cst_db_value (res, row, 8));
  d->accountable = cst_db_bool (res, row, 9);
  d->legal_basis = g_strdup (cst_db_value (res, row, 10));
  d->packet_sha256 = g_strdup (cst_db_value (res, row, 11));
  d->packet_pages = cst_db_value (res, row, 12) ? (guint) cst_db_int64 (res, row, 12) : 0;
  d->packet_documents = g_strdup (cst_db_value (res, row, 13));
  return d;
}

/**
 * cst_document_repo_list_disclosures:
 * @from: (nullable): first day, inclusive
 * @to: (nullable): last day, inclusive
 *
 * Returns: (transfer full) (element-type CstDisclosure): oldest first
 */
GPtrArray *
cst_document_repo_list_disclosures (PGconn       *conn,
                                     gint64        patient_id,
                                     const GDate  *from,
                                     const GDate  *to,
                                     gboolean      accountable_only,
                                     GError      **error)
{
  g_autofree char *patient = g_strdup_printf ("%" G_GINT64_FORMAT, patient_id);
  g_autofree char *from_text = date_text (from);
  g_autofree char *to_text = date_text (to);
  const char *params[] = { patient, from_text, to_text, accountable_only ? "true" : "false" };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT d.id, d.patient_id, d.request_id, r.reference, d.disclosed_on, d.recipient_name,"
    " d.recipient_address, d.phi_description, d.purpose_statement, d.accountable, d.legal_basis,"
    " d.packet_sha256, d.packet_pages,"
    " (SELECT string_agg(e->>'name' || ' (' || (e->>'first_page') || '–' || (e->>'last_page') || ')',"
    "                    ', ' ORDER BY x.n)"
    "    FROM jsonb_array_elements(d.packet_documents) WITH ORDINALITY AS x(e, n))"
    " FROM disclosures d LEFT JOIN roi_requests r ON r.id = d.request_id"
    " WHERE d.patient_id = $1::bigint"
    " AND ($2::date IS NULL OR d.disclosed_on >= $2::date)"
    " AND ($3::date IS NULL OR d.disclosed_on <= $3::date)"
    " AND (NOT $4::boolean OR d.accountable)"
    " ORDER BY d.disclosed_on, d.id", G_N_ELEMENTS (params), params, error);

  if (res == NULL)
    return NULL;
  return cst_db_collect_rows (res, (CstDbRowFunc) disclosure_from_row,
                              (GDestroyNotify) cst_disclosure_free);
}

static PGresult *
select_current (PGconn      *conn,
                const char  *kind,
                const char  *language,
                GError     **error)
{
  const char *params[] = { kind, language };

  return cst_db_exec (conn,
    "SELECT id, version, body FROM document_templates WHERE kind = $1 AND language = $2"
    " ORDER BY version DESC LIMIT 1", 2, params, error);
}

/**
 * cst_document_repo_load_template:
 *
 * Returns: (transfer full): the newest version for (@kind, @language)
 */
CstDocumentTemplate *
cst_document_repo_load_template (PGconn           *conn,
                                  CstDocumentKind   kind,
                                  const char       *language,
                                  GError          **error)
{
  const char *name = cst_document_kind_to_string (kind);
  g_autoptr(PGresult) res = select_current (conn, name, language, error);

  if (res == NULL)
    return NULL;
  if (PQntuples (res) == 0)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_NOT_FOUND,
                   _("There is no %s template in the language “%s”."), name, language);
      return NULL;
    }
  return cst_document_template_new (kind, language, cst_db_int64 (res, 0, 0),
                                    (int) cst_db_int64 (res, 0, 1), cst_db_value (res, 0, 2),
                                    error);
}

#define SEED_FOLDER RESOURCE_BASE "/seed/"
#define SEED_PREFIX "document-templates-"
#define SEED_SUFFIX ".ini"

/* The languages Custodian ships wording in: one seed file each. */
static GPtrArray *
shipped_languages (GError **error)
{
  g_auto(GStrv) names = g_resources_enumerate_children (SEED_FOLDER, 0, error);
  GPtrArray *languages;

  if (names == NULL)
    return NULL;
  languages = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; names[i] != NULL; i++)
    if (g_str_has_prefix (names[i], SEED_PREFIX) && g_str_has_suffix (names[i], SEED_SUFFIX))
      g_ptr_array_add (languages, g_strndup (names[i] + strlen (SEED_PREFIX),
                                             strlen (names[i]) - strlen (SEED_PREFIX)
                                             - strlen (SEED_SUFFIX)));
  return languages;
}

/**
 * cst_document_repo_install_shipped:
 *
 * Installs Custodian's own wording of every kind of document, in every
 * language it ships, as version 1 where the database has no version of
 * that kind and language yet; never replaces what the hospital wrote.
 * `db migrate` runs it as the owner after the migrations; only the owner
 * and administrators may.
 */
gboolean
cst_document_repo_install_shipped (PGconn  *conn,
                                    GError **error)
{
  g_autoptr(GPtrArray) languages = shipped_languages (error);
  gboolean ok = TRUE;

  if (languages == NULL || !cst_db_begin (conn, error))
    return FALSE;
  for (guint i = 0; ok && i < languages->len; i++)
    for (int kind = 0; ok && kind < CST_DOCUMENT_N_KINDS; kind++)
      {
        const char *language = g_ptr_array_index (languages, i);
        g_autofree char *body = cst_document_template_dup_default_body ((CstDocumentKind) kind,
                                                                         language, error);
        const char *params[] = { cst_document_kind_to_string ((CstDocumentKind) kind), language,
                                 body };

        ok = body != NULL &&
             cst_db_exec_command (conn, "SELECT document_template_install_default($1, $2, $3)",
                                  3, params, error);
      }
  return cst_db_end (conn, ok, error);
}

/**
 * cst_document_repo_save_template:
 *
 * Saves @body as the next version; the old versions stay, so documents
 * already made still name the wording they used.  Administrators only.
 *
 * Returns: (transfer full): the new version
 */
CstDocumentTemplate *
cst_document_repo_save_template (PGconn           *conn,
                                  CstDocumentKind   kind,
                                  const char       *language,
                                  const char       *body,
                                  GError          **error)
{
  const char *name = cst_document_kind_to_string (kind);
  g_autoptr(CstDocumentTemplate) check = cst_document_template_new (kind, language, 0, 0, body,
                                                                   error);
  const char *params[] = { name, language, body };
  g_autoptr(PGresult) res = NULL;

  if (check == NULL)
    return NULL;
  res = cst_db_exec (conn,
    "INSERT INTO document_templates (kind, language, version, body)"
    " SELECT $1, $2, COALESCE(max(version), 0) + 1, $3 FROM document_templates"
    " WHERE kind = $1 AND language = $2 RETURNING id, version", 3, params, error);
  if (res == NULL)
    return NULL;
  return cst_document_template_new (kind, language, cst_db_int64 (res, 0, 0),
                                    (int) cst_db_int64 (res, 0, 1), body, error);
}

/**
 * cst_document_repo_record_rendering:
 * @request_id: the open request the document was made for
 *
 * Records that a document was made from @tpl, the current version of its
 * template.  The server computes the SHA-256 and size of @pdf itself
 * (document_record()); it keeps neither the file nor any patient data.
 *
 * Returns: the new row's id, or 0 on error
 */
gint64
cst_document_repo_record_rendering (PGconn                    *conn,
                                     gint64                     request_id,
                                     const CstDocumentTemplate *tpl,
                                     GBytes                    *pdf,
                                     guint                      page_count,
                                     GError                   **error)
{
  g_autofree char *request = id_text (request_id);
  g_autofree char *template_id = id_text (cst_document_template_get_id (tpl));
  g_autofree char *pages = g_strdup_printf ("%u", page_count);
  gsize size = 0;
  const guchar *data = g_bytes_get_data (pdf, &size);
  g_autofree char *encoded = g_base64_encode (data, size);
  const char *params[] = { request, template_id, pages, encoded };
  g_autoptr(PGresult) res = NULL;

  if (template_id == NULL || request == NULL)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                           _("Only documents made for a request from a stored template can be recorded."));
      return 0;
    }
  res = cst_db_exec (conn,
    "SELECT document_record($1::bigint, $2::bigint, $3::integer, decode($4, 'base64'))",
    G_N_ELEMENTS (params), params, error);
  return res ? cst_db_int64 (res, 0, 0) : 0;
}

/**
 * cst_document_repo_load_invoice:
 *
 * The newest invoice issued for @request, with the lines frozen in it that
 * may be charged, followed by the lines of its adjustment invoices in the
 * order they were issued, so the total printed is what is owed now.
 *
 * Returns: (transfer full): the invoice, or %NULL with CST_ERROR_NOT_FOUND
 */
CstInvoice *
cst_document_repo_load_invoice (PGconn      *conn,
                                 CstRequest  *request,
                                 GError     **error)
{
  g_autofree char *request_id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  const char *params[] = { request_id };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "WITH i AS (SELECT id, number, issued_at FROM invoices"
    "           WHERE request_id = $1::bigint AND adjusts_invoice_id IS NULL"
    "           ORDER BY issued_at DESC, id DESC LIMIT 1),"
    " d AS (SELECT v.id, v.issued_at, v.lines, v.adjusts_invoice_id IS NOT NULL AS adjustment"
    "       FROM invoices v JOIN i ON v.id = i.id OR v.adjusts_invoice_id = i.id)"
    " SELECT i.number, i.issued_at::date, l->>'description', (l->>'quantity')::bigint,"
    " (l->>'unit_cents')::bigint, (l->>'amount_cents')::bigint, l->>'rule', l->>'citation'"
    " FROM i LEFT JOIN d ON true"
    " LEFT JOIN LATERAL jsonb_array_elements(d.lines) WITH ORDINALITY AS e(l, n)"
    "   ON COALESCE((e.l->>'chargeable')::boolean, true)"
    " ORDER BY d.adjustment, d.issued_at, d.id, e.n", 1, params, error);
  CstInvoice *invoice;

  if (res == NULL)
    return NULL;
  if (PQntuples (res) == 0)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_NOT_FOUND,
                   _("No invoice has been issued for request %s."),
                   cst_request_get_reference (request));
      return NULL;
    }
  invoice = cst_invoice_new ();
  invoice->number = g_strdup (cst_db_value (res, 0, 0));
  {
    g_autoptr(GDate) issued = cst_db_date (res, 0, 1);
    if (issued != NULL)
      invoice->issued_on = *issued;
  }
  for (int row = 0; row < PQntuples (res); row++)
    if (cst_db_value (res, row, 2) != NULL)
      cst_invoice_add_line (invoice, cst_db_value (res, row, 2), cst_db_int64 (res, row, 3),
                            cst_db_int64 (res, row, 4), cst_db_int64 (res, row, 5),
                            cst_db_value (res, row, 6), cst_db_value (res, row, 7));
  return invoice;
}

/* The certification states what the last packet built holds (0064): a
 * request with no build has nothing to certify yet. */
static gboolean
make_certification (PGconn                    *conn,
                    const CstDocumentTemplate *tpl,
                    CstRequest                *request,
                    const CstDocumentOptions  *options,
                    CstDocumentMade           *made,
                    GError                   **error)
{
  g_autofree char *id = id_text (cst_request_get_id (request));
  const char *params[] = { id };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT page_count, sha256, (built_at AT TIME ZONE 'UTC')::date FROM record_packet_builds"
    " WHERE request_id = $1::bigint ORDER BY id DESC LIMIT 1", 1, params, error);
  g_autoptr(GDate) built = NULL;

  if (res == NULL)
    return FALSE;
  if (PQntuples (res) == 0)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("Request %s has no packet built yet: build it first, then certify it."),
                   cst_request_get_reference (request));
      return FALSE;
    }
  built = cst_db_date (res, 0, 2);
  return cst_document_make_certification (tpl, request, (guint) cst_db_int64 (res, 0, 0),
                                          cst_db_value (res, 0, 1), built, options, made, error);
}

static gboolean
make_kind (PGconn                    *conn,
           const CstDocumentTemplate *tpl,
           CstRequest                *request,
           const CstInvoice          *invoice,
           const CstDocumentOptions  *options,
           CstDocumentMade           *made,
           GError                   **error)
{
  g_autoptr(CstInvoice) loaded = NULL;
  g_autoptr(GPtrArray) disclosures = NULL;
  g_autoptr(GPtrArray) withheld = NULL;
  g_autoptr(GPtrArray) checklist = NULL;
  g_autoptr(GPtrArray) missing = NULL;
  gint64 patient_id = 0;

  switch (cst_document_template_get_kind (tpl))
    {
    case CST_DOCUMENT_INVOICE:
      if (invoice == NULL && (invoice = loaded = cst_document_repo_load_invoice (conn, request, error)) == NULL)
        return FALSE;
      return cst_document_make_invoice (tpl, request, invoice, options, made, error);
    case CST_DOCUMENT_ACCOUNTING:
      g_object_get (request, "patient-id", &patient_id, NULL);
      disclosures = cst_document_repo_list_disclosures (conn, patient_id, options->period_from,
                                                         options->period_to, TRUE, error);
      if (disclosures == NULL)
        return FALSE;
      return cst_document_make_accounting (tpl, request, disclosures, options, made, error);
    case CST_DOCUMENT_COVER_LETTER:
      /* The letter says what was withheld and why, from the recorded rows. */
      withheld = cst_withholding_list (conn, request, error);
      if (withheld == NULL)
        return FALSE;
      return cst_document_make_letter (tpl, request, withheld, options, made, error);
    case CST_DOCUMENT_DEFICIENCY_LETTER:
      /* Names exactly the elements recorded missing: one not yet checked
       * may well be on the form, and asking the requester for it would be
       * asking for what they already sent. */
      checklist = cst_authorization_load (conn, request, error);
      if (checklist == NULL)
        return FALSE;
      missing = cst_authorization_missing (checklist);
      return cst_document_make_letter (tpl, request, missing, options, made, error);
    case CST_DOCUMENT_RECORDS_CERTIFICATION:
    case CST_DOCUMENT_RECORDS_CERTIFICATION_TX:
      return make_certification (conn, tpl, request, options, made, error);
    case CST_DOCUMENT_DENIAL_LETTER:
    case CST_DOCUMENT_EXTENSION_NOTICE:
    default:
      return cst_document_make_letter (tpl, request, NULL, options, made, error);
    }
}

/* cst_document_repo_make(), the PDF or the screen's pages as @made asks. */
gboolean
cst_document_repo_make_into (PGconn                    *conn,
                             CstDocumentKind            kind,
                             CstRequest                *request,
                             const char                *language,
                             const CstInvoice          *invoice,
                             const CstDocumentOptions  *options,
                             CstDocumentTemplate      **tpl,
                             CstDocumentMade           *made,
                             GError                   **error)
{
  g_autoptr(CstDocumentTemplate) loaded = NULL;
  g_autoptr(CstFacility) facility = NULL;
  CstDocumentOptions with_facility = *options;

  /* The letterhead is the request's facility's, from the database, the
   * same for every user (issue 22: a request at a second facility carries
   * that facility's name and address, not the default's); only the logo,
   * a file on this computer, is the caller's. */
  if ((facility = cst_request_get_id (request) == 0
                    ? cst_facility_load (conn, error)   /* not saved yet: no facility */
                    : cst_facility_load_for_request (conn, cst_request_get_id (request),
                                                     error)) == NULL)
    return FALSE;
  with_facility.facility.name = facility->name;
  with_facility.facility.address = facility->address;
  with_facility.facility.phone = facility->phone;
  with_facility.pay_text = facility->pay_text;
  with_facility.pay_link = facility->pay_link;
  if ((loaded = cst_document_repo_load_template (conn, kind, language, error)) == NULL ||
      !make_kind (conn, loaded, request, invoice, &with_facility, made, error))
    return FALSE;
  if (tpl != NULL)
    *tpl = g_steal_pointer (&loaded);
  return TRUE;
}

/**
 * cst_document_repo_make:
 * @invoice: (nullable): the lines for an invoice; %NULL loads the issued one
 * @tpl: (out) (transfer full): the template version used
 * @n_pages: (out): the page count
 *
 * Makes one document for @request with the current template for
 * (@kind, @language) without recording it: for a caller that records it
 * itself, such as the release function.
 *
 * Returns: (transfer full): the PDF
 */
GBytes *
cst_document_repo_make (PGconn                    *conn,
                         CstDocumentKind            kind,
                         CstRequest                *request,
                         const char                *language,
                         const CstInvoice          *invoice,
                         const CstDocumentOptions  *options,
                         CstDocumentTemplate      **tpl,
                         guint                     *n_pages,
                         GError                   **error)
{
  /* Made from stored rows and a stored template: the same inputs again
   * (a release after the request was opened, or after its packet) are
   * the same PDF, kept (cst-document-cache-private.h). */
  CstDocumentMade made = { .keep = TRUE };

  if (!cst_document_repo_make_into (conn, kind, request, language, invoice, options, tpl, &made, error))
    return NULL;
  *n_pages = made.n_pages;
  return made.pdf;
}

/**
 * cst_document_repo_render:
 * @invoice: (nullable): the lines for an invoice; %NULL loads the issued one
 * @n_pages: (out) (optional): the page count
 *
 * Makes one document for @request with the current template for
 * (@kind, @language) and, while the request is open, records which
 * template version it used.
 *
 * Returns: (transfer full): the PDF
 */
GBytes *
cst_document_repo_render (PGconn                    *conn,
                           CstDocumentKind            kind,
                           CstRequest                *request,
                           const char                *language,
                           const CstInvoice          *invoice,
                           const CstDocumentOptions  *options,
                           guint                     *n_pages,
                           GError                   **error)
{
  g_autoptr(CstDocumentTemplate) tpl = NULL;
  g_autoptr(GBytes) pdf = NULL;
  guint pages = 0;

  if ((pdf = cst_document_repo_make (conn, kind, request, language, invoice, options, &tpl,
                                      &pages, error)) == NULL)
    return NULL;
  /* A closed request's documents went out when it closed; one made now is
   * a copy, and the server records nothing for a closed request. */
  if (!cst_request_status_is_closed (cst_request_get_status (request)) &&
      cst_document_repo_record_rendering (conn, cst_request_get_id (request), tpl, pdf, pages,
                                           error) == 0)
    return NULL;
  if (n_pages != NULL)
    *n_pages = pages;
  return g_steal_pointer (&pdf);
}

GBytes *
cst_document_repo_render_at (const char                *conninfo,
                              CstDocumentKind            kind,
                              const char                *reference,
                              const char                *language,
                              const CstDocumentOptions  *options,
                              guint                     *n_pages,
                              GError                   **error)
{
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(CstRequest) request = NULL;

  if (!(conn = cst_db_connect (conninfo, error)) ||
      !(request = cst_request_repo_find (conn, reference, error)))
    return NULL;
  return cst_document_repo_render (conn, kind, request, language, NULL, options, n_pages, error);
}

/**
 * cst_document_repo_record_release:
 * @on: (nullable): the day the records went out; %NULL for today
 *
 * Records the disclosure a release makes: to the requester, of the
 * record types asked for, for the stated purpose.  Releases to the
 * patient or their personal representative, or under a signed
 * authorization, are logged but not accountable (45 CFR 164.528(a)(1)(ii)
 * and (iv)); everything else, such as a subpoena, is.
 *
 * Returns: the disclosure's id, or 0 on error
 */
gint64
cst_document_repo_record_release (PGconn       *conn,
                                   CstRequest   *request,
                                   const GDate  *on,
                                   GError      **error)
{
  g_autoptr(CstDisclosure) d = cst_disclosure_new ();
  g_auto(GStrv) types = NULL;
  g_autofree char *organization = NULL;
  g_autofree char *address = NULL;
  g_autofree char *purpose = NULL;
  gboolean authorized = FALSE;
  CstRequesterKind kind = cst_request_get_requester_kind (request);
  gboolean individual = kind == CST_REQUESTER_PATIENT || kind == CST_REQUESTER_PERSONAL_REPRESENTATIVE;

  g_object_get (request, "record-types", &types, "requester-organization", &organization,
                "requester-address", &address, "purpose", &purpose,
                "authorization-on-file", &authorized, NULL);
  d->request_id = cst_request_get_id (request);
  if (on != NULL)
    d->disclosed_on = *on;
  else
    cst_input_today (&d->disclosed_on);
  d->recipient_name = organization && *organization
                        ? g_strdup_printf ("%s, %s", cst_request_get_requester_name (request), organization)
                        : g_strdup (cst_request_get_requester_name (request));
  d->recipient_address = g_strdup (address);
  d->phi_description = types && types[0] ? g_strjoinv (", ", types)
                                         : g_strdup (_("Health records as requested"));
  d->purpose = g_strdup (purpose && *purpose ? purpose : _("At the requester's request"));
  d->accountable = !individual && !authorized;
  d->legal_basis = g_strdup (individual ? "164.524" : authorized ? "164.508" : "164.512");
  return cst_document_repo_record_disclosure (conn, d, error);
}
