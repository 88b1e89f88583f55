/* perf-invoice.c — instruction budget: a one-page invoice
 *
 * The invoice of bench/documents (letterhead, UTF-8 names, five fee lines
 * with citations, total, how to pay, "Page 1 of 1"), rendered to PDF bytes
 * once after a first one has found the font, cut its subset and opened
 * the faces every writer shares (whose glyphs cairo then keeps).  No
 * database.
 */
#include "config.h"

#include <custodian/custodian.h>

#include "cst-perf.h"

typedef struct
{
  CstDocumentTemplate *tpl;
  CstRequest          *request;
  CstInvoice          *invoice;
  GBytes              *pdf;
} Invoice;

static GDate today;

static const CstDocumentOptions options = {
  CST_PDF_PAPER_LETTER,
  { "Saint Zoë Hospital", "1 Main Street\nSpringfield, NY 10001", "(555) 010-0100", NULL },
  &today, NULL, NULL,
  "Pay by check to Saint Zoë Hospital, or by card at the number above.", "pay.example.org",
};

static CstRequest *
sample_request (void)
{
  CstRequest *request = cst_request_new ();
  g_autoptr(GDate) received = g_date_new_dmy (2, G_DATE_MARCH, 2026);
  g_autoptr(GDate) due = g_date_new_dmy (1, G_DATE_APRIL, 2026);

  g_object_set (request, "reference", "ROI-2026-000123", "patient-given-name", "José",
                "patient-family-name", "Núñez", "requester-name", "Zoë Ångström",
                "requester-address", "Ångström & Partners LLP\n200 Park Avenue\nNew York, NY 10166",
                "received-date", received, "due-date", due, NULL);
  return request;
}

static CstInvoice *
sample_invoice (void)
{
  CstInvoice *invoice = cst_invoice_new ();

  cst_invoice_add_line (invoice, "Search and retrieval", 1, 1500, 1500, "NY-BASE", "N.Y. Pub. Health Law § 18(2)(e)");
  cst_invoice_add_line (invoice, "Paper copies, pages 1–40", 40, 75, 3000, "NY-PAGE", "N.Y. Pub. Health Law § 18(2)(e)");
  cst_invoice_add_line (invoice, "Certification", 1, 1000, 1000, "NY-CERT", "N.Y. C.P.L.R. 2306");
  cst_invoice_add_line (invoice, "Postage", 1, 389, 389, "POSTAGE", "Actual cost");
  cst_invoice_add_line (invoice, "Media (USB drive)", 1, 500, 500, "MEDIA", "45 CFR 164.524(c)(4)");
  return invoice;
}

static GBytes *
render (Invoice *in)
{
  g_autoptr(GError) error = NULL;
  GBytes *pdf = cst_document_render_invoice (in->tpl, in->request, in->invoice, &options, NULL, &error);

  g_assert_no_error (error);
  return pdf;
}

static G_GNUC_NO_INLINE void
perf_measured (gpointer data)
{
  Invoice *in = data;

  in->pdf = render (in);
}

int
main (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstDocumentTemplate) tpl = cst_document_template_new_default (CST_DOCUMENT_INVOICE, "en", &error);
  g_autoptr(CstRequest) request = sample_request ();
  g_autoptr(CstInvoice) invoice = sample_invoice ();
  g_autoptr(GBytes) first = NULL;
  Invoice in = { tpl, request, invoice, NULL };

  g_assert_no_error (error);
  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 3, G_DATE_MARCH, 2026);
  first = render (&in);
  cst_perf_measure (perf_measured, &in);
  /* The measured invoice is the one the first run made, but for its
   * creation date: a second passing between them (valgrind is slow) can
   * move the deflated length of the dictionaries holding it by a byte. */
  g_assert_nonnull (in.pdf);
  g_assert_cmpuint (g_bytes_get_size (in.pdf), <=, g_bytes_get_size (first) + 8);
  g_assert_cmpuint (g_bytes_get_size (in.pdf) + 8, >=, g_bytes_get_size (first));
  g_bytes_unref (in.pdf);
  return 0;
}
