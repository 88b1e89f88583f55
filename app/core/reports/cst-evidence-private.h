/* cst-evidence-private.h — what the evidence pack shares with the request
 * history: how a request's audit rows are found and ordered, and the
 * labels of the database's codes, so the two read the log the same way */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TS(x) "to_char((" x ") AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
#define DAY(x) "to_char(" x ", 'YYYY-MM-DD')"

/* Audit rows of the request itself, in the order the chain linked them. */
#define REQUEST_AUDIT "audit_log a WHERE a.table_name = 'roi_requests' AND a.row_id = $1::bigint"
#define IS_STATUS_CHANGE "(a.action = 'INSERT' OR (a.action = 'UPDATE' AND " \
  "a.old_row->>'status' IS DISTINCT FROM a.new_row->>'status'))"
#define CHAIN_ORDER "a.chain_seq NULLS LAST, a.id"
/* An audit row the application reported (an event from a person's login)
 * rather than the database recorded: events marked so since 0058, and all
 * events from before, when any login could add any kind. */
#define IS_REPORTED "(a.table_name = 'event' AND " \
  "COALESCE(a.new_row->>'source', 'application') = 'application')"

/* A database code as its label; an unknown code is returned as it is. */
const char *cst_evidence_status_label    (const char *nick);
const char *cst_evidence_requester_label (const char *nick);
const char *cst_evidence_format_label    (const char *nick);
const char *cst_evidence_delivery_label  (const char *nick);
const char *cst_evidence_withheld_label  (const char *nick);
const char *cst_evidence_finding_label   (const char *nick);
const char *cst_evidence_check_label     (const char *nick);
const char *cst_evidence_authority_label (const char *nick);
const char *cst_evidence_letter_label    (const char *nick);

G_END_DECLS
