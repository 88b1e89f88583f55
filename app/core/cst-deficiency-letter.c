/* cst-deficiency-letter.c — the letter that names what an authorization lacks
 *
 * An authorization missing a required element is not valid (45 CFR
 * 164.508(b)(2)(ii)); instead of a silent refusal the requester gets a
 * letter listing exactly the missing elements with their citations, so a
 * corrected authorization can come back once.  Drawn with the PDF toolkit:
 * the list is data from the checklist, not template wording.
 */
#define G_LOG_DOMAIN "cst-deficiency-letter"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "custodian/cst-authorization.h"
#include "custodian/cst-db.h"
#include "custodian/cst-deficiency-letter.h"
#include "custodian/cst-error.h"
#include "custodian/cst-input.h"
#include "custodian/cst-pdf.h"

static void
write_letter (CstPdf     *pdf,
              CstRequest *request,
              GPtrArray  *gaps,
              const char *language)
{
  const CstPdfColumn columns[] = {
    { N_("Missing element"), 0.7, CST_PDF_ALIGN_LEFT },
    { N_("Requirement"), 0.3, CST_PDF_ALIGN_LEFT },
  };
  CstPdfColumn translated[G_N_ELEMENTS (columns)];
  g_autofree char *date = NULL;
  g_autofree char *regarding = NULL;
  CstPdfTable *table;
  GDate today;

  cst_input_today (&today);
  date = cst_pdf_format_date (&today, language);
  regarding = g_strdup_printf (_("Request %s"), cst_request_get_reference (request));
  cst_pdf_set_title (pdf, _("Authorization deficiency"));
  cst_pdf_paragraph (pdf, date);
  cst_pdf_paragraph (pdf, cst_request_get_requester_name (request));
  cst_pdf_heading (pdf, _("Your authorization cannot be accepted yet"));
  cst_pdf_paragraph (pdf, regarding);
  cst_pdf_paragraph (pdf, _("A valid authorization must contain every element required by "
                            "45 CFR 164.508(c). The authorization we received lacks the "
                            "elements listed below. Please send a corrected authorization; "
                            "we will process the request as soon as it arrives."));
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      translated[i] = columns[i];
      translated[i].title = _(columns[i].title);
    }
  table = cst_pdf_table_begin (pdf, translated, G_N_ELEMENTS (translated));
  for (guint i = 0; i < gaps->len; i++)
    {
      CstAuthorizationItem *item = g_ptr_array_index (gaps, i);
      const char *cells[] = { item->label, item->citation };
      cst_pdf_table_row (table, cells);
    }
  cst_pdf_table_end (table);
}

static gboolean
log_rendering (PGconn      *conn,
               CstRequest  *request,
               guint        n_missing,
               GError     **error)
{
  g_autofree char *count = g_strdup_printf ("%u", n_missing);
  const char *params[] = { cst_request_get_reference (request), count };

  /* The reference and a count only: no patient data in the log. */
  return cst_db_exec_command (conn,
    "SELECT audit_event('authorization.deficiency_letter', "
    "jsonb_build_object('request', $1::text, 'missing', $2::int))",
    2, params, error);
}

GBytes *
cst_deficiency_letter_render (PGconn      *conn,
                              CstRequest  *request,
                              const char  *language,
                              GError     **error)
{
  g_autoptr(GPtrArray) checklist = cst_authorization_load (conn, request, error);
  g_autoptr(GPtrArray) gaps = NULL;
  g_autoptr(CstPdf) pdf = NULL;
  GBytes *bytes;

  if (checklist == NULL)
    return NULL;
  gaps = cst_authorization_gaps (checklist);
  if (gaps->len == 0)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                           _("The authorization lacks no element; there is nothing to ask for."));
      return NULL;
    }
  pdf = cst_pdf_new (CST_PDF_PAPER_LETTER, error);
  if (pdf == NULL)
    return NULL;
  write_letter (pdf, request, gaps, language != NULL ? language : "en");
  bytes = cst_pdf_finish (pdf, error);
  if (bytes != NULL && !log_rendering (conn, request, gaps->len, error))
    g_clear_pointer (&bytes, g_bytes_unref);
  return bytes;
}
