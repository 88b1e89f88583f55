/* cst-evidence-pack.h — everything an OCR investigator asks about one
 * request, as a PDF and a machine-readable JSON
 *
 * The received date, every status change with who and when (from the
 * audit log, in order), every check with who and when, the authorization
 * checklist, the representative's authority, the legal clock and the
 * service target, the letters sent, the fee with its justification lines
 * and citations, what was released, what was withheld and why, and the
 * delivery proof.  Every value is read from the database in one snapshot;
 * nothing is retyped.  The PDF's metadata names no patient.
 */
#pragma once

#include "custodian/cst-db-types.h"

#include "custodian/cst-connection.h"
#include "custodian/cst-pdf.h"

G_BEGIN_DECLS

/* The "format" of the JSON, and its version: keys are added, never
 * renamed or removed. */
#define CST_EVIDENCE_PACK_FORMAT "custodian-evidence-pack"
#define CST_EVIDENCE_PACK_VERSION 1

typedef struct _CstEvidencePack CstEvidencePack;

/* Reads the pack of the request with @reference; CST_ERROR_NOT_FOUND
 * when there is none. */
CstEvidencePack *cst_evidence_pack_load         (PGconn                 *conn,
                                                 const char             *reference,
                                                 GError                **error);
void             cst_evidence_pack_free         (CstEvidencePack        *pack);
const char      *cst_evidence_pack_get_reference (const CstEvidencePack *pack);
/* How many status changes the audit log holds for the request, the
 * request's creation ("received") included. */
guint            cst_evidence_pack_get_n_status_changes (const CstEvidencePack *pack);

char            *cst_evidence_pack_to_json      (const CstEvidencePack  *pack);
/* @facility may be NULL (no letterhead). */
GBytes          *cst_evidence_pack_to_pdf       (const CstEvidencePack  *pack,
                                                 const CstPdfLetterhead *facility,
                                                 guint                  *n_pages,
                                                 GError                **error);
/* Records the export in the audit log ("evidence.exported", the request's
 * reference only). */
gboolean         cst_evidence_pack_log_export   (PGconn                 *conn,
                                                 const CstEvidencePack  *pack,
                                                 GError                **error);

/* All of it at once, blocking: loads the pack of @reference, writes the
 * PDF to @pdf_path and, when @json_path is not NULL, the JSON, then records
 * the export.  @facility_name (nullable) heads the PDF.  Returns the PDF's
 * page count, 0 with @error set on failure. */
guint            cst_evidence_pack_export       (PGconn                 *conn,
                                                 const char             *reference,
                                                 const char             *facility_name,
                                                 const char             *pdf_path,
                                                 const char             *json_path,
                                                 GError                **error);
/* The same reading from @reading (a report database) and recording the
 * export in @recording (the primary). */
guint            cst_evidence_pack_export_from  (PGconn                 *reading,
                                                 PGconn                 *recording,
                                                 const char             *reference,
                                                 const char             *facility_name,
                                                 const char             *pdf_path,
                                                 const char             *json_path,
                                                 GError                **error);
/* The same on a connection of its own to @conninfo, opened and closed
 * here (custodian-cli), headed by the facility's name, or by
 * @fallback_name while the facility has none; with @report_conninfo
 * (nullable), read from that report database, opened read-only. */
guint            cst_evidence_pack_export_at    (const char             *conninfo,
                                                 const char             *report_conninfo,
                                                 const char             *reference,
                                                 const char             *fallback_name,
                                                 const char             *pdf_path,
                                                 const char             *json_path,
                                                 GError                **error);
/* The same on @connection's worker thread: the main loop never waits. */
void             cst_evidence_pack_export_async (CstConnection          *connection,
                                                 const char             *reference,
                                                 const char             *facility_name,
                                                 const char             *pdf_path,
                                                 const char             *json_path,
                                                 GCancellable           *cancellable,
                                                 GAsyncReadyCallback     callback,
                                                 gpointer                user_data);
guint            cst_evidence_pack_export_finish (CstConnection         *connection,
                                                  GAsyncResult          *result,
                                                  GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstEvidencePack, cst_evidence_pack_free)

G_END_DECLS
