/* cst-packet-assemble.c — the packet's letters and notices, ahead of the
 * records
 *
 * The cover letter and the invoice are the release's own documents, made
 * with their templates exactly as the documents dialog and the release
 * make them (cst_document_repo_render(), which has the server record each
 * rendering while the request is open).  The notices are data
 * (release_notices, 0066): which apply is the server's answer
 * (packet_notices()), from the record kinds in the packet
 * (record_kind_categories) and the request's state.  A notice is drawn as
 * a page of its own with the document toolkit, its wording exactly as
 * stored, with its citation.
 */
#define G_LOG_DOMAIN "custodian-packet"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "custodian/cst-db.h"
#include "custodian/cst-document-repo.h"
#include "custodian/cst-error.h"

#include "cst-packet-assemble-private.h"

void
cst_packet_part_free (CstPacketPart *part)
{
  if (part == NULL)
    return;
  g_free (part->title);
  g_clear_pointer (&part->pdf, g_bytes_unref);
  g_free (part);
}

static void
add_part (GPtrArray  *parts,
          const char *title,
          GBytes     *pdf)
{
  CstPacketPart *part = g_new0 (CstPacketPart, 1);

  part->title = g_strdup (title);
  part->pdf = pdf;
  g_ptr_array_add (parts, part);
}

static GBytes *
render_letter (PGconn                  *conn,
               CstDocumentKind          kind,
               CstRequest              *request,
               const CstInvoice        *invoice,
               const CstPacketOptions  *options,
               GError                 **error)
{
  CstDocumentOptions document = { 0 };

  document.paper = options->paper;
  return cst_document_repo_render (conn, kind, request,
                                   options->language ? options->language : "en",
                                   invoice, &document, NULL, error);
}

/* The cover letter, then the invoice when one was issued. */
static gboolean
add_letters (PGconn                  *conn,
             CstRequest              *request,
             const CstPacketOptions  *options,
             GPtrArray               *parts,
             GError                 **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(CstInvoice) invoice = NULL;
  GBytes *pdf = render_letter (conn, CST_DOCUMENT_COVER_LETTER, request, NULL, options, error);

  if (pdf == NULL)
    return FALSE;
  /* The bookmarks, like the stamp, are read by whoever receives the
   * records, in the letters' language rather than the clerk's. */
  add_part (parts, g_strcmp0 (options->language, "es") == 0 ? "Carta de presentación"
                                                             : "Cover letter", pdf);
  invoice = cst_document_repo_load_invoice (conn, request, &local);
  if (invoice == NULL)
    {
      if (g_error_matches (local, CST_ERROR, CST_ERROR_NOT_FOUND))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (!(pdf = render_letter (conn, CST_DOCUMENT_INVOICE, request, invoice, options, error)))
    return FALSE;
  add_part (parts, g_strcmp0 (options->language, "es") == 0 ? "Factura" : "Invoice", pdf);
  return TRUE;
}

static GBytes *
render_notice (const char              *title,
               const char              *citation,
               const char              *wording,
               const CstPacketOptions  *options,
               GError                 **error)
{
  g_autoptr(CstPdf) pdf = cst_pdf_new (options->paper, error);
  g_auto(GStrv) paragraphs = NULL;

  if (pdf == NULL)
    return NULL;
  cst_pdf_set_title (pdf, title);
  cst_pdf_heading (pdf, title);
  paragraphs = g_strsplit (wording, "\n\n", -1);
  for (guint i = 0; paragraphs[i] != NULL; i++)
    cst_pdf_paragraph (pdf, paragraphs[i]);
  cst_pdf_space (pdf, 12);
  cst_pdf_small_text (pdf, citation);
  return cst_pdf_finish (pdf, error);
}

/* Every category of the packet's records must have its notice in effect:
 * Part 2 records never leave without 42 CFR 2.32's. */
static gboolean
check_categories_covered (PGconn      *conn,
                          const char  *id,
                          CstRequest  *request,
                          GError     **error)
{
  const char *params[] = { id };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT c FROM packet_categories($1) AS c"
    " WHERE NOT EXISTS (SELECT 1 FROM release_notices n"
    "                    WHERE n.category = c AND n.effective_from <= current_date"
    "                      AND (n.effective_to IS NULL OR n.effective_to > current_date))",
    1, params, error);

  if (res == NULL)
    return FALSE;
  if (PQntuples (res) > 0)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("Request %s has records (%s) that need a notice, and none is in effect."),
                   cst_request_get_reference (request), cst_db_value (res, 0, 0));
      return FALSE;
    }
  return TRUE;
}

static gboolean
add_notices (PGconn                  *conn,
             CstRequest              *request,
             const CstPacketOptions  *options,
             GPtrArray               *parts,
             GError                 **error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  const char *params[] = { id };
  g_autoptr(PGresult) res = NULL;

  if (!check_categories_covered (conn, id, request, error) ||
      !(res = cst_db_exec (conn, "SELECT title, citation, wording FROM packet_notices($1)",
                           1, params, error)))
    return FALSE;
  for (int row = 0; row < PQntuples (res); row++)
    {
      const char *title = cst_db_value (res, row, 0);
      const char *citation = cst_db_value (res, row, 1);
      const char *wording = cst_db_value (res, row, 2);
      GBytes *pdf;

      if (wording == NULL)
        {
          /* Never sent without it, never sent with words nobody checked. */
          g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                       _("Request %s needs the notice “%s” (%s) with its records, and its wording is not on file: an administrator enters the regulation’s text first."),
                       cst_request_get_reference (request), title, citation);
          return FALSE;
        }
      if (!(pdf = render_notice (title, citation, wording, options, error)))
        return FALSE;
      add_part (parts, title, pdf);
    }
  return TRUE;
}

GPtrArray *
cst_packet_front_matter (PGconn                  *conn,
                         CstRequest              *request,
                         const CstPacketOptions  *options,
                         GError                 **error)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_packet_part_free);

  if (!add_letters (conn, request, options, parts, error) ||
      !add_notices (conn, request, options, parts, error))
    return NULL;
  return g_steal_pointer (&parts);
}
