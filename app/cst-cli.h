/* cst-cli.h — shared pieces of custodian-cli's commands */
#pragma once

#include <glib/gi18n.h>
#include <stdlib.h>

#include "custodian/cst-database-target.h"
#include "custodian/cst-packet-assemble.h"
#include "custodian/cst-packet-pages.h"
#include "custodian/cst-json-writer.h"
#include "custodian/cst-redaction.h"

G_BEGIN_DECLS

/* Exit status for a command line that could not be understood. */
#define EXIT_USAGE 2

/* A command gets argv from its own name on (argv[0] is e.g. "migrate")
 * and returns the process exit status. */
typedef int (*CstCliCommandFunc) (int argc, char **argv);

typedef struct
{
  const char        *group;
  const char        *name;
  CstCliCommandFunc  run;
  const char        *summary;
} CstCliCommand;

gboolean           cst_cli_find_command  (GOptionContext       *context,
                                          const CstCliCommand  *commands,
                                          guint                 n_commands,
                                          int                  *argc,
                                          char               ***argv,
                                          const CstCliCommand **found,
                                          GError              **error);

int                cst_cli_fail          (GError          *error);
int                cst_cli_usage_error   (GOptionContext  *context,
                                          const char      *message);
int                cst_cli_bad_choice    (GOptionContext  *context,
                                          const char      *name,
                                          const char      *value,
                                          const char      *choices);
gboolean           cst_cli_parse_options (GOptionContext  *context,
                                          int             *argc,
                                          char          ***argv,
                                          int             *status);
CstDatabaseTarget *cst_cli_open_target   (GError         **error);
/* The --request option of a command about one request. */
#define CST_CLI_REQUEST_OPTION(variable) \
  { "request", 'r', 0, G_OPTION_ARG_STRING, &(variable), N_("The request's reference"), N_("REF") }
gboolean           cst_cli_parse_request (GOptionContext  *context,
                                          int             *argc,
                                          char          ***argv,
                                          char *const     *reference,
                                          gboolean         takes_files,
                                          int             *status);
gboolean           cst_cli_choose_report_database (char  **report_conninfo,
                                                   GError **error);

/* Commands, one file per feature. */
int cst_cli_audit_verify (int argc, char **argv);
int cst_cli_history_years (int argc, char **argv);
int cst_cli_history_ensure (int argc, char **argv);
int cst_cli_history_detach (int argc, char **argv);
int cst_cli_history_attach (int argc, char **argv);
int cst_cli_deadline (int argc, char **argv);
int cst_cli_deadline_rules (int argc, char **argv);
int cst_cli_dispute_open (int argc, char **argv);
int cst_cli_dispute_resolve (int argc, char **argv);
int cst_cli_dispute_list (int argc, char **argv);
int cst_cli_document_render (int argc, char **argv);
int cst_cli_estimate_render (int argc, char **argv);
int cst_cli_statement_policy (int argc, char **argv);
int cst_cli_statement_policy_store (int argc, char **argv);
int cst_cli_evidence (int argc, char **argv);
int cst_cli_facility_set (int argc, char **argv);
int cst_cli_facility_show (int argc, char **argv);
int cst_cli_facility_list (int argc, char **argv);
int cst_cli_facility_add (int argc, char **argv);
int cst_cli_facility_grant (int argc, char **argv);
int cst_cli_facility_revoke (int argc, char **argv);
int cst_cli_fee_quote (int argc, char **argv);
int cst_cli_fee_schedules (int argc, char **argv);
int cst_cli_notice_add (int argc, char **argv);
int cst_cli_notice_list (int argc, char **argv);
int cst_cli_packet_add (int argc, char **argv);
int cst_cli_packet_list (int argc, char **argv);
int cst_cli_packet_build (int argc, char **argv);
int cst_cli_packet_verify (int argc, char **argv);
int cst_cli_packet_exclude (int argc, char **argv);
int cst_cli_packet_include (int argc, char **argv);
int cst_cli_packet_order (int argc, char **argv);
int cst_cli_packet_paper (int argc, char **argv);
/* The record pages of @doc that @outline releases (packet list). */
guint cst_cli_packet_included_pages (const CstPacketOutline  *outline,
                                     const CstRecordDocument *doc);
int cst_cli_payment_add (int argc, char **argv);
int cst_cli_payment_hold (int argc, char **argv);
int cst_cli_payment_list (int argc, char **argv);
int cst_cli_payment_receipt (int argc, char **argv);
int cst_cli_payment_settings (int argc, char **argv);
int cst_cli_packet_review (int argc, char **argv);
int cst_cli_packet_redact (int argc, char **argv);
int cst_cli_packet_redactions (int argc, char **argv);
int cst_cli_packet_unredact (int argc, char **argv);
int cst_cli_packet_propose (int argc, char **argv);
int cst_cli_packet_others (int argc, char **argv);
int cst_cli_packet_terms (int argc, char **argv);
int cst_cli_packet_redaction_log (int argc, char **argv);
int cst_cli_packet_redaction_options (int argc, char **argv);
/* Where redactions lie ("document 12: page 1, 3"), and one as JSON
 * (cst-cli-packet-redact.c). */
char *cst_cli_redaction_pages (GPtrArray *made);
void  cst_cli_redaction_json  (CstJsonWriter *w, const CstRedaction *r);
/* What packet build says of its redactions (cst-cli-packet-redact.c). */
void cst_cli_packet_redaction_summary (CstJsonWriter *w, const CstRedactionProof *proof);
int  cst_cli_packet_redaction_report  (const CstRedactionProof *proof);
int cst_cli_packet_build_encrypted (const char *reference, const char *output,
                                    const CstPacketOptions *options);
int cst_cli_packet_send (int argc, char **argv);
int cst_cli_report_fees (int argc, char **argv);
int cst_cli_report_access (int argc, char **argv);
int cst_cli_statement_render (int argc, char **argv);
int cst_cli_statement_pay_link (int argc, char **argv);
int cst_cli_statement_revoke_link (int argc, char **argv);

G_END_DECLS
