/* cst-evidence-pack.c — one request's evidence, from the database, as PDF
 * and JSON
 *
 * OCR's Right of Access investigations ask the same questions every time:
 * when did the request come in, who moved it and when, what was checked,
 * was it answered within 30 days (or extended with a notice), what was
 * charged and on what basis, what was sent, what was withheld and why, how
 * was it delivered.  Each answer here is one section: a query on the audit
 * log or a module's table, and the columns it returns.  The same rows feed
 * the JSON and the PDF, so the two cannot disagree, and nothing is retyped.
 *
 * All queries run in one read-only REPEATABLE READ snapshot.  Times are
 * UTC, ISO 8601; dates are the server's (the legal clock's) dates.
 */
#define G_LOG_DOMAIN "cst-evidence"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "custodian/cst-db.h"
#include "custodian/cst-document.h"
#include "custodian/cst-enums.h"
#include "custodian/cst-error.h"
#include "custodian/cst-evidence-pack.h"
#include "custodian/cst-facility.h"
#include "custodian/cst-input.h"
#include "custodian/cst-json-writer.h"
#include "custodian/cst-money.h"
#include "custodian/cst-private-file.h"
#include "custodian/cst-report-database.h"
#include "custodian/cst-request-repo.h"
#include "custodian/cst-withholding.h"

#include "cst-evidence-private.h"


/* The representative whose authority covers the request: valid now, or
 * at least on the day the request came in. */
#define REPRESENTATIVE_ID "(SELECT COALESCE(roi_representative_on_file(r.id, current_date), " \
  "roi_representative_on_file(r.id, r.received_date)) FROM roi_requests r " \
  "JOIN requesters q ON q.id = r.requester_id " \
  "WHERE r.id = $1::bigint AND q.kind = 'personal_representative')"

typedef enum
{
  COLUMN_TEXT,
  COLUMN_NUMBER,
  COLUMN_MONEY,    /* integer cents */
  COLUMN_FLAG,
  COLUMN_JSON,     /* already JSON (a jsonb column); the JSON only */
  COLUMN_LABEL,    /* a database nick: the nick in JSON, its label in the PDF */
} ColumnKind;

typedef struct
{
  const char  *key;                   /* the JSON key */
  const char  *title;                 /* N_(): the PDF's label; NULL: JSON only */
  ColumnKind   kind;
  double       width;                 /* share of a list table; 0 shares the rest */
  const char *(*label) (const char *nick);
} Column;

typedef struct
{
  const char   *key;                  /* the JSON key */
  const char   *title;                /* N_(): the PDF heading */
  const char   *empty;                /* N_(): the PDF text when there is no row */
  gboolean      record;               /* one row: an object, not an array */
  const Column *columns;
  guint         n_columns;
  const char   *sql;                  /* $1 the request's id, $2 its reference */
} Section;

struct _CstEvidencePack
{
  char       *reference;
  PGresult  **results;                /* one per section, in section order */
};

/* --- labels --- */

/* A database nick of one of the model's enumerations, as its label; an
 * unknown nick is shown as it is. */
const char *
cst_evidence_status_label (const char *nick)
{
  return cst_enum_get_label_for_nick (CST_TYPE_REQUEST_STATUS, nick);
}

const char *
cst_evidence_requester_label (const char *nick)
{
  return cst_enum_get_label_for_nick (CST_TYPE_REQUESTER_KIND, nick);
}

const char *
cst_evidence_format_label (const char *nick)
{
  return cst_enum_get_label_for_nick (CST_TYPE_RECORD_FORMAT, nick);
}

const char *
cst_evidence_delivery_label (const char *nick)
{
  return cst_enum_get_label_for_nick (CST_TYPE_DELIVERY_METHOD, nick);
}

const char *
cst_evidence_withheld_label (const char *nick)
{
  CstWithheldReason reason;

  return cst_withheld_reason_from_nick (nick, &reason) ? cst_withheld_reason_get_label (reason) : nick;
}

typedef struct
{
  const char *nick;
  const char *label;
} NickLabel;

static const char *
table_label (const NickLabel *table,
             guint            n,
             const char      *nick)
{
  for (guint i = 0; i < n; i++)
    if (g_str_equal (table[i].nick, nick))
      return _(table[i].label);
  return nick;
}

/* Findings, kinds of check and authorities: the database's words. */
const char *
cst_evidence_finding_label (const char *nick)
{
  static const NickLabel table[] = {
    { "present", N_("Present") },
    { "missing", N_("Missing") },
    { "not_applicable", N_("Not applicable") },
    { "verified", N_("Verified") },
    { "searched", N_("Searched") },
    { "signed_off", N_("Signed off") },
  };

  return table_label (table, G_N_ELEMENTS (table), nick);
}

const char *
cst_evidence_check_label (const char *nick)
{
  static const NickLabel table[] = {
    { "authorization_element", N_("Authorization element") },
    { "representative_authority", N_("Representative's authority") },
    { "no_records_search", N_("“No records” search") },
    { "no_records_sign_off", N_("“No records” sign-off") },
  };

  return table_label (table, G_N_ELEMENTS (table), nick);
}

const char *
cst_evidence_authority_label (const char *nick)
{
  static const NickLabel table[] = {
    { "parent_of_minor", N_("Parent of a minor") },
    { "guardian", N_("Guardian") },
    { "health_care_poa", N_("Health-care power of attorney") },
    { "executor", N_("Executor of the estate") },
    { "administrator", N_("Administrator of the estate") },
  };

  return table_label (table, G_N_ELEMENTS (table), nick);
}

const char *
cst_evidence_letter_label (const char *nick)
{
  CstDocumentKind kind;

  return cst_document_kind_from_string (nick, &kind) ? cst_document_kind_get_label (kind) : nick;
}

/* --- the sections --- */

static const Column export_columns[] = {
  { "generated_at", N_("Generated (UTC)"), COLUMN_TEXT, 0, NULL },
  { "generated_by", N_("Generated by"), COLUMN_TEXT, 0, NULL },
  { "audit_chain_seq", N_("Audit chain position"), COLUMN_NUMBER, 0, NULL },
  { "audit_chain_hash", N_("Audit chain hash"), COLUMN_TEXT, 0, NULL },
};

static const Column request_columns[] = {
  { "reference", N_("Reference"), COLUMN_TEXT, 0, NULL },
  { "received_date", N_("Received"), COLUMN_TEXT, 0, NULL },
  { "jurisdiction", N_("State"), COLUMN_TEXT, 0, NULL },
  { "patient_name", N_("Patient"), COLUMN_TEXT, 0, NULL },
  { "patient_mrn", N_("Medical record number"), COLUMN_TEXT, 0, NULL },
  { "requester_kind", N_("Requester"), COLUMN_LABEL, 0, cst_evidence_requester_label },
  { "requester_name", N_("Requester's name"), COLUMN_TEXT, 0, NULL },
  { "requester_organization", N_("Organization"), COLUMN_TEXT, 0, NULL },
  { "purpose", N_("Purpose"), COLUMN_TEXT, 0, NULL },
  { "records_requested", N_("Records requested"), COLUMN_TEXT, 0, NULL },
  { "records_from", N_("Records from"), COLUMN_TEXT, 0, NULL },
  { "records_to", N_("Records to"), COLUMN_TEXT, 0, NULL },
  { "requested_format", N_("Requested format"), COLUMN_LABEL, 0, cst_evidence_format_label },
  { "requested_delivery", N_("Requested delivery"), COLUMN_LABEL, 0, cst_evidence_delivery_label },
  { "authorization_required", N_("Authorization required"), COLUMN_FLAG, 0, NULL },
  { "status", N_("Status now"), COLUMN_LABEL, 0, cst_evidence_status_label },
  { "status_reason", N_("Reason given"), COLUMN_TEXT, 0, NULL },
  { "no_records", N_("Answered “no records”"), COLUMN_FLAG, 0, NULL },
  { "repeat_of", N_("Repeats request"), COLUMN_TEXT, 0, NULL },
  { "priority", N_("Priority"), COLUMN_NUMBER, 0, NULL },
  { "supervisor_flag", N_("Flagged for the supervisor"), COLUMN_FLAG, 0, NULL },
  { "created_by", N_("Logged by"), COLUMN_TEXT, 0, NULL },
  { "created_at", N_("Logged (UTC)"), COLUMN_TEXT, 0, NULL },
};

static const Column status_columns[] = {
  { "position", N_("#"), COLUMN_NUMBER, 0.05, NULL },
  { "at", N_("When (UTC)"), COLUMN_TEXT, 0.22, NULL },
  { "by", N_("Who"), COLUMN_TEXT, 0.2, NULL },
  { "from", N_("From"), COLUMN_LABEL, 0.16, cst_evidence_status_label },
  { "to", N_("To"), COLUMN_LABEL, 0.16, cst_evidence_status_label },
  { "reason", N_("Reason"), COLUMN_TEXT, 0, NULL },
  { "audit_id", NULL, COLUMN_NUMBER, 0, NULL },
  { "audit_chain_seq", NULL, COLUMN_NUMBER, 0, NULL },
};

static const Column check_columns[] = {
  { "at", N_("When (UTC)"), COLUMN_TEXT, 0.2, NULL },
  { "by", N_("Who"), COLUMN_TEXT, 0.18, NULL },
  { "check", N_("Check"), COLUMN_LABEL, 0.2, cst_evidence_check_label },
  { "subject", N_("Of"), COLUMN_TEXT, 0.18, NULL },
  { "result", N_("Result"), COLUMN_LABEL, 0.12, cst_evidence_finding_label },
  { "note", N_("Note"), COLUMN_TEXT, 0, NULL },
  { "audit_id", NULL, COLUMN_NUMBER, 0, NULL },
};

static const Column checklist_columns[] = {
  { "code", NULL, COLUMN_TEXT, 0, NULL },
  { "element", N_("Element"), COLUMN_TEXT, 0.4, NULL },
  { "citation", N_("Citation"), COLUMN_TEXT, 0.16, NULL },
  { "category", NULL, COLUMN_TEXT, 0, NULL },
  { "finding", N_("Finding"), COLUMN_LABEL, 0.11, cst_evidence_finding_label },
  { "note", NULL, COLUMN_TEXT, 0, NULL },
  { "checked_by", N_("Checked by"), COLUMN_TEXT, 0.14, NULL },
  { "checked_at", N_("When (UTC)"), COLUMN_TEXT, 0, NULL },
};

static const Column representative_columns[] = {
  { "name", N_("Name"), COLUMN_TEXT, 0, NULL },
  { "authority", N_("Authority"), COLUMN_LABEL, 0, cst_evidence_authority_label },
  { "document", N_("Proved by"), COLUMN_TEXT, 0, NULL },
  { "valid_until", N_("Valid until"), COLUMN_TEXT, 0, NULL },
  { "verified_by", N_("Checked by"), COLUMN_TEXT, 0, NULL },
  { "verified_at", N_("Checked (UTC)"), COLUMN_TEXT, 0, NULL },
};

/* The legal deadline before any extension: kept since migration 0059; the
 * old 30-day computation for a request closed before it. */
#define ORIGINAL_DUE \
  "COALESCE(r.original_due_date, CASE WHEN r.deadline_rule_id IS NULL" \
  " THEN roi_compute_due_date(r.received_date, r.jurisdiction, false) END)"

static const Column clock_columns[] = {
  { "received_date", N_("Received"), COLUMN_TEXT, 0, NULL },
  { "legal_days", N_("Days the law allows"), COLUMN_NUMBER, 0, NULL },
  { "deadline_rule", N_("Deadline rule"), COLUMN_TEXT, 0, NULL },
  { "deadline_citation", N_("Deadline citation"), COLUMN_TEXT, 0, NULL },
  { "business_days", N_("Counted in business days"), COLUMN_FLAG, 0, NULL },
  { "original_legal_due_date", N_("Original legal deadline"), COLUMN_TEXT, 0, NULL },
  { "extended_on", N_("Extended on"), COLUMN_TEXT, 0, NULL },
  { "extension_reason", N_("Reason for the extension"), COLUMN_TEXT, 0, NULL },
  { "extended_by", N_("Extended by"), COLUMN_TEXT, 0, NULL },
  { "extension_notice_on_file", N_("Extension notice on file"), COLUMN_FLAG, 0, NULL },
  { "legal_due_date", N_("Legal deadline"), COLUMN_TEXT, 0, NULL },
  { "service_target_days", N_("Service target (days)"), COLUMN_NUMBER, 0, NULL },
  { "service_due_date", N_("Service target date"), COLUMN_TEXT, 0, NULL },
  { "answered_on", N_("Answered on"), COLUMN_TEXT, 0, NULL },
  { "legal_deadline_met", N_("Legal deadline met"), COLUMN_FLAG, 0, NULL },
  { "service_target_met", N_("Service target met"), COLUMN_FLAG, 0, NULL },
  { "legal_days_left", N_("Days left (open requests)"), COLUMN_NUMBER, 0, NULL },
};

static const Column letter_columns[] = {
  { "at", N_("When (UTC)"), COLUMN_TEXT, 0.2, NULL },
  { "by", N_("Who"), COLUMN_TEXT, 0.17, NULL },
  { "kind", N_("Document"), COLUMN_LABEL, 0.24, cst_evidence_letter_label },
  { "language", N_("Language"), COLUMN_TEXT, 0.09, NULL },
  { "template_version", N_("Wording version"), COLUMN_NUMBER, 0.09, NULL },
  { "pages", N_("Pages"), COLUMN_NUMBER, 0.07, NULL },
  { "sha256", NULL, COLUMN_TEXT, 0, NULL },
  { "reported_by_application", N_("Reported by the application"), COLUMN_FLAG, 0, NULL },
};

static const Column fee_columns[] = {
  { "invoices", N_("Invoices issued"), COLUMN_NUMBER, 0, NULL },
  { "quoted_cents", N_("Quoted"), COLUMN_MONEY, 0, NULL },
  { "total_cents", N_("Total charged"), COLUMN_MONEY, 0, NULL },
};

static const Column invoice_columns[] = {
  { "number", N_("Invoice"), COLUMN_TEXT, 0.18, NULL },
  { "issued_at", N_("When (UTC)"), COLUMN_TEXT, 0.2, NULL },
  { "issued_by", N_("Who"), COLUMN_TEXT, 0.15, NULL },
  { "method", N_("Method"), COLUMN_TEXT, 0.13, NULL },
  { "jurisdiction", NULL, COLUMN_TEXT, 0, NULL },
  { "schedule_version", N_("Schedule"), COLUMN_TEXT, 0.1, NULL },
  { "adjusts", NULL, COLUMN_TEXT, 0, NULL },
  { "quoted_cents", NULL, COLUMN_MONEY, 0, NULL },
  { "total_cents", N_("Charged"), COLUMN_MONEY, 0.1, NULL },
  { "override_reason", N_("Why not the quote"), COLUMN_TEXT, 0, NULL },
  { "lines", NULL, COLUMN_JSON, 0, NULL },
  { "justification", NULL, COLUMN_JSON, 0, NULL },
};

static const Column fee_line_columns[] = {
  { "invoice", NULL, COLUMN_TEXT, 0, NULL },
  { "description", N_("Charge"), COLUMN_TEXT, 0.3, NULL },
  { "quantity", N_("Qty"), COLUMN_NUMBER, 0.07, NULL },
  { "unit_cents", NULL, COLUMN_MONEY, 0, NULL },
  { "amount_cents", N_("Amount"), COLUMN_MONEY, 0.1, NULL },
  { "rule", N_("Rule"), COLUMN_TEXT, 0.2, NULL },
  { "citation", N_("Citation"), COLUMN_TEXT, 0, NULL },
  { "chargeable", NULL, COLUMN_FLAG, 0, NULL },
};

static const Column fee_note_columns[] = {
  { "invoice", NULL, COLUMN_TEXT, 0, NULL },
  { "note", N_("Note"), COLUMN_TEXT, 0, NULL },
};

static const Column released_columns[] = {
  { "disclosed_on", N_("Date"), COLUMN_TEXT, 0.13, NULL },
  { "recipient", N_("Recipient"), COLUMN_TEXT, 0.22, NULL },
  { "recipient_address", NULL, COLUMN_TEXT, 0, NULL },
  { "description", N_("What was released"), COLUMN_TEXT, 0.25, NULL },
  { "purpose", N_("Purpose"), COLUMN_TEXT, 0.18, NULL },
  { "legal_basis", N_("Basis"), COLUMN_TEXT, 0.09, NULL },
  { "accountable", NULL, COLUMN_FLAG, 0, NULL },
  { "page_count", N_("Pages"), COLUMN_NUMBER, 0, NULL },
  { "recorded_by", NULL, COLUMN_TEXT, 0, NULL },
};

static const Column packet_columns[] = {
  { "sha256", N_("Packet SHA-256"), COLUMN_TEXT, 0, NULL },
  { "pages", N_("Packet pages"), COLUMN_NUMBER, 0, NULL },
  { "record_pages", N_("Record pages"), COLUMN_NUMBER, 0, NULL },
  { "assembled_by", N_("Assembled by"), COLUMN_TEXT, 0, NULL },
  { "approved_by", N_("Approved by"), COLUMN_TEXT, 0, NULL },
  { "approved_at", N_("Approved (UTC)"), COLUMN_TEXT, 0, NULL },
};

static const Column packet_document_columns[] = {
  { "first_page", N_("From page"), COLUMN_NUMBER, 0.1, NULL },
  { "last_page", N_("To page"), COLUMN_NUMBER, 0.1, NULL },
  { "name", N_("Document"), COLUMN_TEXT, 0.3, NULL },
  { "kind", N_("Kind"), COLUMN_TEXT, 0.2, NULL },
  { "pages", N_("Pages"), COLUMN_NUMBER, 0.08, NULL },
  { "sha256", N_("SHA-256"), COLUMN_TEXT, 0.22, NULL },
  { "document_id", NULL, COLUMN_NUMBER, 0, NULL },
};

static const Column withheld_columns[] = {
  { "reason", N_("Why"), COLUMN_LABEL, 0.3, cst_evidence_withheld_label },
  { "description", N_("What"), COLUMN_TEXT, 0.34, NULL },
  { "recorded_by", N_("Recorded by"), COLUMN_TEXT, 0.16, NULL },
  { "recorded_at", N_("When (UTC)"), COLUMN_TEXT, 0, NULL },
};

static const Column delivery_columns[] = {
  { "requested_format", N_("Requested format"), COLUMN_LABEL, 0, cst_evidence_format_label },
  { "produced_format", N_("Produced format"), COLUMN_LABEL, 0, cst_evidence_format_label },
  { "format_name", N_("Format name"), COLUMN_TEXT, 0, NULL },
  { "requested_delivery", N_("Requested delivery"), COLUMN_LABEL, 0, cst_evidence_delivery_label },
  { "delivery", N_("Delivered by"), COLUMN_LABEL, 0, cst_evidence_delivery_label },
  { "mismatch_reason", N_("Agreed reason for a difference"), COLUMN_TEXT, 0, NULL },
  { "tracking_number", N_("Tracking number"), COLUMN_TEXT, 0, NULL },
  { "email_message_id", N_("Email message id"), COLUMN_TEXT, 0, NULL },
  { "pickup_signed_by", N_("Picked up, signed by"), COLUMN_TEXT, 0, NULL },
  { "pickup_signed_on", N_("Picked up on"), COLUMN_TEXT, 0, NULL },
  { "recorded_by", N_("Recorded by"), COLUMN_TEXT, 0, NULL },
  { "recorded_at", N_("Recorded (UTC)"), COLUMN_TEXT, 0, NULL },
};

#define COLUMNS(c) c, G_N_ELEMENTS (c)

static const Section sections[] = {
  { "export", N_("This export"), NULL, TRUE, COLUMNS (export_columns),
    "SELECT " TS ("now()") ", session_user, h.seq, encode(h.hash, 'hex')"
    " FROM audit_chain_head h" },
  { "request", N_("The request"), NULL, TRUE, COLUMNS (request_columns),
    "SELECT r.reference, " DAY ("r.received_date") ", r.jurisdiction,"
    " p.given_name || ' ' || p.family_name, p.mrn, q.kind, q.name, q.organization, r.purpose,"
    " NULLIF(array_to_string(r.record_types, ', '), ''), " DAY ("r.records_from") ","
    " " DAY ("r.records_to") ", r.format, r.delivery, roi_authorization_required(r.id),"
    " r.status, r.status_reason, r.no_records, o.reference, r.priority, r.supervisor_flag,"
    " r.created_by, " TS ("r.created_at")
    " FROM roi_requests r JOIN patients p ON p.id = r.patient_id"
    " JOIN requesters q ON q.id = r.requester_id"
    " LEFT JOIN roi_requests o ON o.id = r.repeat_of WHERE r.id = $1::bigint" },
  { "status_changes", N_("Status changes (from the audit log)"),
    N_("The audit log holds no status change for this request."), FALSE, COLUMNS (status_columns),
    "SELECT row_number() OVER (ORDER BY " CHAIN_ORDER "), " TS ("a.occurred_at") ", a.actor,"
    " a.old_row->>'status', a.new_row->>'status', a.new_row->>'status_reason', a.id, a.chain_seq"
    " FROM " REQUEST_AUDIT " AND " IS_STATUS_CHANGE " ORDER BY " CHAIN_ORDER },
  { "checks", N_("Checks"), N_("Nobody has recorded a check for this request."), FALSE,
    COLUMNS (check_columns),
    "SELECT " TS ("c.at") ", c.actor, c.kind, c.subject, c.result, c.note, c.audit_id FROM ("
    "  SELECT a.occurred_at AS at, a.actor, 'authorization_element' AS kind,"
    "   a.new_row->>'element_code' AS subject, a.new_row->>'finding' AS result,"
    "   NULLIF(a.new_row->>'note', '') AS note, a.id AS audit_id"
    "  FROM audit_log a WHERE a.table_name = 'authorization_checks' AND a.action <> 'DELETE'"
    "   AND a.row_id IN (SELECT id FROM authorization_checks WHERE request_id = $1::bigint)"
    " UNION ALL"
    "  SELECT p.verified_at, p.verified_by, 'representative_authority', p.name, 'verified',"
    "   p.document, NULL FROM personal_representatives p WHERE p.id = " REPRESENTATIVE_ID
    " UNION ALL"
    "  SELECT s.searched_at, s.searched_by, 'no_records_search',"
    "   array_to_string(s.systems_searched, ', '), 'searched',"
    "   " DAY ("s.searched_from") " || ' – ' || " DAY ("s.searched_to") " || '; '"
    "   || array_to_string(s.locations, ', '), NULL"
    "  FROM no_records_searches s WHERE s.request_id = $1::bigint"
    " UNION ALL"
    "  SELECT s.signed_off_at, s.signed_off_by, 'no_records_sign_off',"
    "   array_to_string(s.systems_searched, ', '), 'signed_off', NULL, NULL"
    "  FROM no_records_searches s WHERE s.request_id = $1::bigint AND s.signed_off_by IS NOT NULL"
    ") c ORDER BY c.at, c.audit_id NULLS LAST" },
  { "authorization_checklist", N_("Authorization checklist (45 CFR 164.508(c))"),
    N_("No element applies."), FALSE, COLUMNS (checklist_columns),
    "SELECT c.code, c.label, c.citation, c.category, c.finding, NULLIF(c.note, ''), c.checked_by,"
    " " TS ("c.checked_at") " FROM roi_authorization_checklist($1::bigint) c" },
  { "representative", N_("Personal representative's authority"),
    N_("No personal representative's authority is on file for this requester."), TRUE,
    COLUMNS (representative_columns),
    "SELECT p.name, p.authority, p.document, " DAY ("p.valid_until") ", p.verified_by,"
    " " TS ("p.verified_at") " FROM personal_representatives p WHERE p.id = " REPRESENTATIVE_ID },
  { "clocks", N_("The clocks"), NULL, TRUE, COLUMNS (clock_columns),
    "SELECT " DAY ("r.received_date") ","
    " CASE WHEN dr.id IS NULL THEN j.access_deadline_days ELSE dr.days END,"
    " dr.rule_key || '@' || dr.version, dr.citation, dr.count = 'business',"
    " " DAY (ORIGINAL_DUE) ","
    " " DAY ("r.extended_on") ", r.extension_reason, x.actor,"
    " roi_extension_notice_on_file(r.id, " ORIGINAL_DUE "),"
    " " DAY ("c.legal_due_date") ", (SELECT days FROM service_target), " DAY ("c.service_due_date") ","
    " " DAY ("z.answered_on") ", z.answered_on <= c.legal_due_date, z.answered_on <= c.service_due_date,"
    " CASE WHEN z.answered_on IS NULL THEN c.legal_days_left END"
    " FROM roi_requests r JOIN jurisdictions j ON j.code = r.jurisdiction"
    " LEFT JOIN deadline_rules dr ON dr.id = r.deadline_rule_id"
    " JOIN roi_request_clocks c ON c.id = r.id"
    " LEFT JOIN LATERAL (SELECT a.actor FROM " REQUEST_AUDIT " AND a.action = 'UPDATE'"
    "   AND a.old_row->>'extended_on' IS NULL AND a.new_row->>'extended_on' IS NOT NULL"
    "   ORDER BY " CHAIN_ORDER " LIMIT 1) x ON true"
    " LEFT JOIN LATERAL (SELECT a.occurred_at::date AS answered_on FROM " REQUEST_AUDIT
    "   AND a.action = 'UPDATE' AND a.new_row->>'status' IN ('released', 'denied')"
    "   AND a.old_row->>'status' IS DISTINCT FROM a.new_row->>'status'"
    "   ORDER BY " CHAIN_ORDER " LIMIT 1) z ON true"
    " WHERE r.id = $1::bigint" },
  { "letters", N_("Letters and documents sent"), N_("No document has been made for this request."),
    FALSE, COLUMNS (letter_columns),
    "SELECT " TS ("l.at") ", l.actor, l.kind, l.language, l.version, l.pages, l.sha256,"
    " l.reported FROM ("
    "  SELECT d.rendered_at AS at, d.rendered_by AS actor, t.kind, t.language, t.version,"
    "   d.page_count AS pages, d.sha256, d.id AS ord, false AS reported"
    "  FROM rendered_documents d JOIN document_templates t ON t.id = d.template_id"
    "  WHERE d.request_id = $1::bigint"
    " UNION ALL"
    "  SELECT a.occurred_at, a.actor, 'deficiency-letter', NULL, NULL, NULL, NULL, a.id,"
    "   " IS_REPORTED
    "  FROM audit_log a WHERE a.table_name = 'event'"
    "   AND a.new_row->>'kind' = 'authorization.deficiency_letter'"
    "   AND a.new_row->'details'->>'request' = $2"
    ") l ORDER BY l.at, l.ord" },
  { "fee", N_("The fee"), NULL, TRUE, COLUMNS (fee_columns),
    "SELECT count(*), COALESCE(sum(quoted_cents) FILTER (WHERE adjusts_invoice_id IS NULL), 0),"
    " COALESCE(sum(total_cents), 0) FROM invoices WHERE request_id = $1::bigint" },
  { "invoices", N_("Invoices"), N_("No invoice has been issued for this request."), FALSE,
    COLUMNS (invoice_columns),
    "SELECT i.number, " TS ("i.issued_at") ", i.issued_by, i.method, i.jurisdiction,"
    " i.schedule_version, o.number, i.quoted_cents, i.total_cents, i.override_reason, i.lines,"
    " i.justification FROM invoices i LEFT JOIN invoices o ON o.id = i.adjusts_invoice_id"
    " WHERE i.request_id = $1::bigint ORDER BY i.issued_at, i.id" },
  { "fee_lines", N_("Fee justification, line by line"), N_("No fee line."), FALSE,
    COLUMNS (fee_line_columns),
    "SELECT i.number, l->>'description', (l->>'quantity')::bigint, (l->>'unit_cents')::bigint,"
    " (l->>'amount_cents')::bigint, l->>'rule', l->>'citation',"
    " COALESCE((l->>'chargeable')::boolean, true)"
    " FROM invoices i CROSS JOIN LATERAL jsonb_array_elements(i.lines) WITH ORDINALITY AS e(l, n)"
    " WHERE i.request_id = $1::bigint ORDER BY i.issued_at, i.id, e.n" },
  { "fee_notes", N_("Notes on the fee"), NULL, FALSE, COLUMNS (fee_note_columns),
    "SELECT i.number, e.note FROM invoices i"
    " CROSS JOIN LATERAL jsonb_array_elements_text(CASE WHEN jsonb_typeof(i.justification->'notes')"
    "   = 'array' THEN i.justification->'notes' ELSE '[]'::jsonb END) WITH ORDINALITY AS e(note, n)"
    " WHERE i.request_id = $1::bigint ORDER BY i.issued_at, i.id, e.n" },
  { "released", N_("What was released"), N_("Nothing has been released."), FALSE,
    COLUMNS (released_columns),
    "SELECT " DAY ("d.disclosed_on") ", d.recipient_name, d.recipient_address, d.phi_description,"
    " d.purpose_statement, d.legal_basis, d.accountable, r.page_count, d.created_by"
    " FROM disclosures d JOIN roi_requests r ON r.id = d.request_id"
    " WHERE d.request_id = $1::bigint ORDER BY d.disclosed_on, d.id" },
  /* The records packet the release recorded (0068): what left, exactly. */
  { "packet", N_("The records packet released"), N_("No records packet was released."), TRUE,
    COLUMNS (packet_columns),
    "SELECT d.packet_sha256, d.packet_pages, b.record_pages, b.built_by, v.decided_by,"
    " " TS ("v.decided_at")
    " FROM disclosures d JOIN record_packet_builds b ON b.id = d.packet_build_id"
    " LEFT JOIN packet_reviews v ON v.id = d.packet_review_id"
    " WHERE d.request_id = $1::bigint" },
  { "packet_documents", N_("The packet's documents, page by page"),
    N_("No records packet was released."), FALSE, COLUMNS (packet_document_columns),
    "SELECT (e->>'first_page')::bigint, (e->>'last_page')::bigint, e->>'name', e->>'kind',"
    " (e->>'pages')::bigint, e->>'sha256', (e->>'id')::bigint"
    " FROM disclosures d CROSS JOIN LATERAL jsonb_array_elements(d.packet_documents)"
    "   WITH ORDINALITY AS x(e, n)"
    " WHERE d.request_id = $1::bigint ORDER BY d.id, x.n" },
  { "withheld", N_("What was withheld, and why"), N_("Nothing was withheld."), FALSE,
    COLUMNS (withheld_columns),
    "SELECT w.reason, w.description, w.recorded_by, " TS ("w.recorded_at")
    " FROM release_withholdings w WHERE w.request_id = $1::bigint ORDER BY w.id" },
  { "delivery", N_("Format and delivery proof"), N_("No delivery has been recorded."), TRUE,
    COLUMNS (delivery_columns),
    "SELECT r.format, d.produced_format, NULLIF(d.format_name, ''), r.delivery, d.delivery,"
    " d.mismatch_reason, d.tracking_number, d.email_message_id, d.pickup_signed_by,"
    " " DAY ("d.pickup_signed_on") ", d.recorded_by, " TS ("d.recorded_at")
    " FROM release_deliveries d JOIN roi_requests r ON r.id = d.request_id"
    " WHERE d.request_id = $1::bigint" },
};

enum { SECTION_STATUS_CHANGES = 2 };

/* --- loading --- */

void
cst_evidence_pack_free (CstEvidencePack *pack)
{
  if (pack == NULL)
    return;
  for (guint i = 0; pack->results != NULL && i < G_N_ELEMENTS (sections); i++)
    g_clear_pointer (&pack->results[i], PQclear);
  g_free (pack->results);
  g_free (pack->reference);
  g_free (pack);
}

static gboolean
load_sections (PGconn           *conn,
               CstEvidencePack  *pack,
               gint64            request_id,
               GError          **error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, request_id);
  const char *params[] = { id, pack->reference };

  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    {
      /* PostgreSQL wants exactly the parameters a statement uses. */
      int n_params = strstr (sections[i].sql, "$2") ? 2 : strstr (sections[i].sql, "$1") ? 1 : 0;

      pack->results[i] = cst_db_exec (conn, sections[i].sql, n_params, params, error);
      if (pack->results[i] == NULL)
        return FALSE;
      /* A query and its column list are written side by side above. */
      if (PQnfields (pack->results[i]) != (int) sections[i].n_columns)
        {
          g_critical ("evidence section %s: %d columns, %u described", sections[i].key,
                      PQnfields (pack->results[i]), sections[i].n_columns);
          g_set_error (error, CST_ERROR, CST_ERROR_DATABASE,
                       _("The evidence section “%s” could not be read."), sections[i].key);
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * cst_evidence_pack_load:
 *
 * Reads every section in one read-only snapshot, so a change committed
 * meanwhile is either wholly in the pack or wholly out of it.
 *
 * Returns: (transfer full): the pack, or %NULL with @error set
 */
CstEvidencePack *
cst_evidence_pack_load (PGconn      *conn,
                        const char  *reference,
                        GError     **error)
{
  g_autoptr(CstEvidencePack) pack = g_new0 (CstEvidencePack, 1);
  g_autoptr(CstRequest) request = NULL;
  gboolean own, ok;

  g_return_val_if_fail (reference != NULL, NULL);
  pack->reference = g_strdup (reference);
  pack->results = g_new0 (PGresult *, G_N_ELEMENTS (sections));
  if (!cst_db_join (conn, CST_DB_SNAPSHOT, &own, error))
    return NULL;
  request = cst_request_repo_find (conn, reference, error);
  ok = request != NULL && load_sections (conn, pack, cst_request_get_id (request), error);
  return cst_db_leave (conn, own, ok, error) ? g_steal_pointer (&pack) : NULL;
}

const char *
cst_evidence_pack_get_reference (const CstEvidencePack *pack)
{
  return pack->reference;
}

guint
cst_evidence_pack_get_n_status_changes (const CstEvidencePack *pack)
{
  return (guint) PQntuples (pack->results[SECTION_STATUS_CHANGES]);
}

/* --- JSON --- */

static void
json_value (CstJsonWriter *w,
            const Column  *column,
            const char    *value)
{
  if (value == NULL)
    {
      cst_json_writer_null (w);
      return;
    }
  switch (column->kind)
    {
    case COLUMN_NUMBER:
    case COLUMN_MONEY:
      cst_json_writer_int (w, g_ascii_strtoll (value, NULL, 10));
      break;
    case COLUMN_FLAG:
      cst_json_writer_bool (w, value[0] == 't');
      break;
    case COLUMN_JSON:
      cst_json_writer_raw (w, value);
      break;
    case COLUMN_TEXT:
    case COLUMN_LABEL:
    default:
      cst_json_writer_string (w, value);
    }
}

static void
json_row (CstJsonWriter  *w,
          const Section  *section,
          const PGresult *res,
          int             row)
{
  cst_json_writer_begin_object (w);
  for (guint c = 0; c < section->n_columns; c++)
    {
      cst_json_writer_key (w, section->columns[c].key);
      json_value (w, &section->columns[c], cst_db_value (res, row, (int) c));
    }
  cst_json_writer_end_object (w);
}

/**
 * cst_evidence_pack_to_json:
 *
 * One object: "format", "version", then one key per section, an object
 * (or null) for one-row sections and an array for the others.  Status
 * and other database codes are given as the database writes them.
 *
 * Returns: (transfer full): compact JSON
 */
char *
cst_evidence_pack_to_json (const CstEvidencePack *pack)
{
  GString *out = g_string_new (NULL);
  CstJsonWriter w;

  cst_json_writer_init (&w, out);
  cst_json_writer_begin_object (&w);
  cst_json_writer_key (&w, "format");
  cst_json_writer_string (&w, CST_EVIDENCE_PACK_FORMAT);
  cst_json_writer_key (&w, "version");
  cst_json_writer_int (&w, CST_EVIDENCE_PACK_VERSION);
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    {
      const PGresult *res = pack->results[i];

      cst_json_writer_key (&w, sections[i].key);
      if (sections[i].record && PQntuples (res) == 0)
        cst_json_writer_null (&w);
      else if (sections[i].record)
        json_row (&w, &sections[i], res, 0);
      else
        {
          cst_json_writer_begin_array (&w);
          for (int row = 0; row < PQntuples (res); row++)
            json_row (&w, &sections[i], res, row);
          cst_json_writer_end_array (&w);
        }
    }
  cst_json_writer_end_object (&w);
  g_string_append_c (out, '\n');
  return g_string_free (out, FALSE);
}

/* --- PDF --- */

static char *
cell_text (const Column *column,
           const char   *value)
{
  if (value == NULL)
    return g_strdup ("—");
  switch (column->kind)
    {
    case COLUMN_MONEY:
      return cst_money_format (g_ascii_strtoll (value, NULL, 10));
    case COLUMN_FLAG:
      return g_strdup (value[0] == 't' ? _("Yes") : _("No"));
    case COLUMN_LABEL:
      return g_strdup (column->label (value));
    case COLUMN_TEXT:
    case COLUMN_NUMBER:
    case COLUMN_JSON:
    default:
      return g_strdup (value);
    }
}

static void
pdf_record (CstPdf         *pdf,
            const Section  *section,
            const PGresult *res)
{
  const CstPdfColumn columns[] = {
    { NULL, 0.36, CST_PDF_ALIGN_LEFT },
    { NULL, 0, CST_PDF_ALIGN_LEFT },
  };
  CstPdfTable *table = cst_pdf_table_begin (pdf, columns, G_N_ELEMENTS (columns));

  for (guint c = 0; c < section->n_columns; c++)
    {
      const Column *column = &section->columns[c];
      g_autofree char *value = NULL;
      const char *cells[2];

      if (column->title == NULL)
        continue;
      value = cell_text (column, cst_db_value (res, 0, (int) c));
      cells[0] = _(column->title);
      cells[1] = value;
      cst_pdf_table_row (table, cells);
    }
  cst_pdf_table_end (table);
}

static void
pdf_list (CstPdf         *pdf,
          const Section  *section,
          const PGresult *res)
{
  g_autofree CstPdfColumn *columns = g_new0 (CstPdfColumn, section->n_columns);
  g_autofree guint *shown = g_new0 (guint, section->n_columns);
  g_autofree const char **cells = g_new0 (const char *, section->n_columns);
  guint n = 0;
  CstPdfTable *table;

  for (guint c = 0; c < section->n_columns; c++)
    if (section->columns[c].title != NULL)
      {
        const Column *column = &section->columns[c];

        columns[n].title = _(column->title);
        columns[n].width = column->width;
        columns[n].align = column->kind == COLUMN_MONEY ? CST_PDF_ALIGN_RIGHT : CST_PDF_ALIGN_LEFT;
        shown[n++] = c;
      }
  table = cst_pdf_table_begin (pdf, columns, n);
  for (int row = 0; row < PQntuples (res); row++)
    {
      g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);

      for (guint i = 0; i < n; i++)
        {
          const Column *column = &section->columns[shown[i]];
          char *text = cell_text (column, cst_db_value (res, row, (int) shown[i]));

          g_ptr_array_add (texts, text);
          cells[i] = text;
        }
      cst_pdf_table_row (table, cells);
    }
  cst_pdf_table_end (table);
}

static void
pdf_section (CstPdf         *pdf,
             const Section  *section,
             const PGresult *res)
{
  if (PQntuples (res) == 0 && section->empty == NULL)
    return;
  cst_pdf_heading (pdf, _(section->title));
  if (PQntuples (res) == 0)
    cst_pdf_paragraph (pdf, _(section->empty));
  else if (section->record)
    pdf_record (pdf, section, res);
  else
    pdf_list (pdf, section, res);
}

/**
 * cst_evidence_pack_to_pdf:
 *
 * The patient's name is in the body (the investigator needs it); the
 * PDF's title and other metadata name no patient and no request.
 *
 * Returns: (transfer full): the PDF
 */
GBytes *
cst_evidence_pack_to_pdf (const CstEvidencePack  *pack,
                          const CstPdfLetterhead *facility,
                          guint                  *n_pages,
                          GError                **error)
{
  g_autoptr(CstPdf) pdf = cst_pdf_new (CST_PDF_PAPER_LETTER, error);
  g_autofree char *heading = NULL;
  GBytes *bytes;

  if (pdf == NULL)
    return NULL;
  cst_pdf_set_title (pdf, _("Right of access evidence pack"));
  cst_pdf_set_footer (pdf, _("Right of access evidence pack"));
  cst_pdf_set_body_size (pdf, 9);
  if (facility != NULL)
    cst_pdf_letterhead (pdf, facility);
  heading = g_strdup_printf (_("Evidence pack for request %s"), pack->reference);
  cst_pdf_heading (pdf, heading);
  cst_pdf_paragraph (pdf, _("Every entry below was read from the database and its audit log "
                            "when this pack was made; nothing was typed in. Times are UTC."));
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    pdf_section (pdf, &sections[i], pack->results[i]);
  bytes = cst_pdf_finish (pdf, error);
  if (bytes != NULL && n_pages != NULL)
    *n_pages = cst_pdf_get_n_pages (pdf);
  return bytes;
}

gboolean
cst_evidence_pack_log_export (PGconn                 *conn,
                              const CstEvidencePack  *pack,
                              GError                **error)
{
  const char *params[] = { pack->reference };

  /* The reference only: no patient data in the log. */
  return cst_db_exec_command (conn,
    "SELECT audit_event('evidence.exported', jsonb_build_object('request', $1::text))",
    1, params, error);
}

/* --- export --- */

/**
 * cst_evidence_pack_export:
 *
 * Blocking: call it from a worker (see cst_evidence_pack_export_async()).
 * Nothing is recorded when a file cannot be written.
 *
 * Returns: the PDF's page count, or 0 with @error set
 */
guint
cst_evidence_pack_export (PGconn      *conn,
                          const char  *reference,
                          const char  *facility_name,
                          const char  *pdf_path,
                          const char  *json_path,
                          GError     **error)
{
  return cst_evidence_pack_export_from (conn, conn, reference, facility_name, pdf_path, json_path,
                                        error);
}

/**
 * cst_evidence_pack_export_from:
 * @reading: where the pack is read (a report database, or the primary)
 * @recording: where the export's audit row is written: the primary
 *
 * cst_evidence_pack_export() reading from a replica, which takes no writes.
 */
guint
cst_evidence_pack_export_from (PGconn      *reading,
                               PGconn      *recording,
                               const char  *reference,
                               const char  *facility_name,
                               const char  *pdf_path,
                               const char  *json_path,
                               GError     **error)
{
  g_autoptr(CstEvidencePack) pack = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autofree char *json = NULL;
  CstPdfLetterhead facility = { facility_name, NULL, NULL, NULL };
  guint pages = 0;

  g_return_val_if_fail (pdf_path != NULL, 0);

  if ((pack = cst_evidence_pack_load (reading, reference, error)) == NULL ||
      (pdf = cst_evidence_pack_to_pdf (pack, facility_name ? &facility : NULL, &pages, error)) == NULL ||
      !cst_private_file_write (pdf_path, g_bytes_get_data (pdf, NULL), (gssize) g_bytes_get_size (pdf),
                               error))
    return 0;
  if (json_path != NULL)
    {
      json = cst_evidence_pack_to_json (pack);
      if (!cst_private_file_write (json_path, json, -1, error))
        return 0;
    }
  if (!cst_evidence_pack_log_export (recording, pack, error))
    return 0;
  return pages;
}

guint
cst_evidence_pack_export_at (const char  *conninfo,
                             const char  *report_conninfo,
                             const char  *reference,
                             const char  *fallback_name,
                             const char  *pdf_path,
                             const char  *json_path,
                             GError     **error)
{
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(PGconn) replica = NULL;
  g_autoptr(CstFacility) facility = NULL;

  if (!(conn = cst_db_connect (conninfo, error)) ||
      !(facility = cst_facility_load (conn, error)))
    return 0;
  if (report_conninfo != NULL &&
      !(replica = cst_report_database_connect (report_conninfo, error)))
    return 0;
  return cst_evidence_pack_export_from (replica ? replica : conn, conn, reference,
                                   !cst_input_is_blank (facility->name) ? facility->name : fallback_name,
                                   pdf_path, json_path, error);
}

typedef struct
{
  char *reference;
  char *facility_name;
  char *pdf_path;
  char *json_path;
  char *recording_conninfo;  /* the primary, when reading from a replica */
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  g_free (job->reference);
  g_free (job->facility_name);
  g_free (job->pdf_path);
  g_free (job->json_path);
  g_free (job->recording_conninfo);
  g_free (job);
}

static gpointer
export_in_worker (PGconn   *conn,
                  gpointer  data,
                  GError  **error)
{
  ExportJob *job = data;

  if (job->recording_conninfo != NULL)
    {
      /* A replica takes no writes: the audit row goes to the primary. */
      g_autoptr(PGconn) primary = cst_db_connect (job->recording_conninfo, error);

      return primary == NULL ? NULL
        : GUINT_TO_POINTER (cst_evidence_pack_export_from (conn, primary, job->reference,
                                                           job->facility_name, job->pdf_path,
                                                           job->json_path, error));
    }
  /* A page count is never 0, so it can travel as the result pointer. */
  return GUINT_TO_POINTER (cst_evidence_pack_export (conn, job->reference, job->facility_name,
                                                     job->pdf_path, job->json_path, error));
}

void
cst_evidence_pack_export_async (CstConnection       *connection,
                                const char          *reference,
                                const char          *facility_name,
                                const char          *pdf_path,
                                const char          *json_path,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  ExportJob *job = g_new0 (ExportJob, 1);

  g_return_if_fail (CST_IS_CONNECTION (connection));
  g_return_if_fail (reference != NULL && pdf_path != NULL);

  job->reference = g_strdup (reference);
  job->facility_name = g_strdup (facility_name);
  job->pdf_path = g_strdup (pdf_path);
  job->json_path = g_strdup (json_path);
  if (cst_connection_get_reading (connection))
    job->recording_conninfo = g_strdup (cst_connection_get_primary_conninfo (connection));
  cst_connection_run_async (connection, export_in_worker, job, (GDestroyNotify) export_job_free,
                            NULL, cancellable, callback, user_data);
}

/**
 * cst_evidence_pack_export_finish:
 *
 * Returns: the PDF's page count, or 0 with @error set
 */
guint
cst_evidence_pack_export_finish (CstConnection  *connection,
                                 GAsyncResult   *result,
                                 GError        **error)
{
  return GPOINTER_TO_UINT (cst_connection_run_finish (connection, result, error));
}
