/* cst-estimate-pdf.c — the estimate as a PDF
 *
 * Who gives the estimate, the lines with how each was computed, the
 * totals, and for a self-pay patient the Good Faith Estimate's date and
 * the right to dispute a bill that comes in $400 or more above it (45 CFR
 * 149.620).  A tagged, accessible PDF on the cairo writer (DESIGN.md,
 * "Tagged PDF"), as statements are (issue 21): the title the one H1, the
 * sections H2s, the lines a table whose column titles head their columns,
 * the totals a table whose labels head their rows, the footer an
 * artifact.  Its title, the one piece of metadata, is "Cost estimate" or
 * "Good Faith Estimate": never the patient.
 */
#define G_LOG_DOMAIN "cst-estimate"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "custodian/cst-estimate.h"
#include "custodian/cst-money.h"
#include "custodian/cst-pdf.h"

#include "cst-pdf-tagged-private.h"

typedef struct
{
  const CstEstimate *estimate;
  const char        *title;
  const char        *issued;  /* the estimate's date, in the document's language */
} EstimateDocument;

static void
add_lines (CstPdfStream      *pdf,
           const CstEstimate *estimate)
{
  const CstPdfColumn columns[] = {
    { _("Code"), 0.12, CST_PDF_ALIGN_LEFT },
    { _("Service"), 0.40, CST_PDF_ALIGN_LEFT },
    { _("Quantity"), 0.12, CST_PDF_ALIGN_RIGHT },
    { _("Unit price"), 0.18, CST_PDF_ALIGN_RIGHT },
    { _("Amount"), 0.18, CST_PDF_ALIGN_RIGHT },
  };
  CstPdfStreamTable *table;

  cst_pdf_tagged_subheading (pdf, _("Services"));
  table = cst_pdf_stream_table_begin (pdf, columns, G_N_ELEMENTS (columns));
  for (guint i = 0; i < estimate->lines->len; i++)
    {
      const CstEstimateLine *line = g_ptr_array_index (estimate->lines, i);
      g_autofree char *quantity = g_strdup_printf ("%d", (int) line->quantity);
      g_autofree char *unit = cst_money_format (line->unit_cents);
      g_autofree char *total = cst_money_format (line->total_cents);

      cst_pdf_stream_table_row (table, (const char *[]) { line->code, line->description, quantity,
                                                          unit, total }, CST_PDF_ROW_NORMAL);
      cst_pdf_stream_table_row (table, (const char *[]) { "", line->how, "", "", "" },
                                CST_PDF_ROW_SUBTLE);
    }
  cst_pdf_stream_table_end (table);
}

/* A table of totals: each label heads its row (TH, row scope). */
static CstPdfStreamTable *
totals_begin (CstPdfStream *pdf)
{
  const CstPdfColumn columns[] = {
    { NULL, 0.7, CST_PDF_ALIGN_LEFT, TRUE },
    { NULL, 0.3, CST_PDF_ALIGN_RIGHT },
  };

  return cst_pdf_stream_table_begin (pdf, columns, G_N_ELEMENTS (columns));
}

static void
add_total_row (CstPdfStreamTable *table,
               const char        *label,
               gint64             cents,
               CstPdfRowStyle     style)
{
  g_autofree char *amount = cst_money_format (cents);

  cst_pdf_stream_table_row (table, (const char *[]) { label, amount }, style);
}

static void
add_insured_totals (CstPdfStream      *pdf,
                    const CstEstimate *estimate)
{
  CstPdfStreamTable *table;

  cst_pdf_tagged_subheading (pdf, _("Totals"));
  table = totals_begin (pdf);
  add_total_row (table, _("Allowed amount"), estimate->allowed_cents, CST_PDF_ROW_NORMAL);
  add_total_row (table, _("Deductible"), estimate->deductible_cents, CST_PDF_ROW_NORMAL);
  add_total_row (table, _("Coinsurance"), estimate->coinsurance_cents, CST_PDF_ROW_NORMAL);
  add_total_row (table, _("Copay"), estimate->copay_cents, CST_PDF_ROW_NORMAL);
  add_total_row (table, _("You pay (estimate)"), estimate->patient_cents, CST_PDF_ROW_TOTAL);
  add_total_row (table, _("Your plan pays (estimate)"), estimate->plan_cents, CST_PDF_ROW_BOLD);
  cst_pdf_stream_table_end (table);
  cst_pdf_tagged_subheading (pdf, _("How the totals were computed"));
  for (guint i = 0; i < estimate->steps->len; i++)
    cst_pdf_stream_paragraph (pdf, g_ptr_array_index (estimate->steps, i));
  cst_pdf_stream_small_text (pdf, _("This is an estimate from the hospital's published rates for "
                                    "your plan and what you told us about your deductible and "
                                    "out-of-pocket maximum. Your plan decides what it pays when "
                                    "the claim is processed."));
}

static void
add_good_faith (CstPdfStream      *pdf,
                const CstEstimate *estimate,
                const char        *issued)
{
  CstPdfStreamTable *table = totals_begin (pdf);
  g_autofree char *threshold = cst_money_format (CST_GFE_DISPUTE_THRESHOLD_CENTS);
  g_autofree char *dispute = NULL;

  add_total_row (table, _("Good Faith Estimate total"), estimate->gfe_total_cents,
                 CST_PDF_ROW_TOTAL);
  cst_pdf_stream_table_end (table);
  if (estimate->any_from_gross)
    cst_pdf_stream_small_text (pdf, _("Where the hospital lists no discounted cash price, the line "
                                      "uses the gross charge and says so."));
  cst_pdf_tagged_subheading (pdf, _("Your right to dispute the bill"));
  dispute = g_strdup_printf (_("Under the law, you have the right to receive a Good Faith "
                               "Estimate of the total expected cost of any items or services "
                               "when you are uninsured or do not use insurance. If you are "
                               "billed for at least %s more than this Good Faith Estimate, you "
                               "can dispute the bill. You may contact the health care provider "
                               "or facility listed to let them know the billed charges are "
                               "higher than the Good Faith Estimate, ask them to update the "
                               "bill, or ask if financial assistance is available. You may "
                               "also start a dispute resolution process with the U.S. "
                               "Department of Health and Human Services (HHS) within 120 "
                               "calendar days of the date on the original bill. For questions "
                               "or more information, visit www.cms.gov/nosurprises or call "
                               "1-800-985-3059. Keep a copy of this Good Faith Estimate, "
                               "given on %s, in a safe place."), threshold, issued);
  cst_pdf_stream_paragraph (pdf, dispute);
}

/* One pass of cst_pdf_tagged_render(): the same content each time. */
static void
lay_out (CstPdfStream *pdf,
         gpointer      data)
{
  const EstimateDocument *doc = data;
  const CstEstimate *estimate = doc->estimate;
  g_autofree char *given = g_strdup_printf (_("Date of this estimate: %s"), doc->issued);

  cst_pdf_stream_set_title (pdf, doc->title);
  cst_pdf_stream_heading (pdf, doc->title);
  cst_pdf_stream_paragraph (pdf, estimate->hospital_name);
  cst_pdf_stream_paragraph (pdf, given);
  if (estimate->patient_name != NULL && *estimate->patient_name != '\0')
    {
      g_autofree char *patient = g_strdup_printf (_("Patient: %s"), estimate->patient_name);
      cst_pdf_stream_paragraph (pdf, patient);
    }
  if (!estimate->self_pay)
    {
      g_autofree char *plan = g_strdup_printf (_("Plan: %s, %s"), estimate->payer_name,
                                               estimate->plan_name);
      cst_pdf_stream_paragraph (pdf, plan);
    }
  add_lines (pdf, estimate);
  if (estimate->self_pay)
    add_good_faith (pdf, estimate, doc->issued);
  else
    add_insured_totals (pdf, estimate);
}

/**
 * cst_estimate_render_pdf:
 *
 * In the language of the running translation, as its words are.
 *
 * Returns: (transfer full): the PDF's bytes, or NULL with @error set
 */
GBytes *
cst_estimate_render_pdf (const CstEstimate *estimate,
                         const GDate       *issued,
                         GError           **error)
{
  const char *language = C_("the BCP 47 code of the language of this translation", "en");
  g_autofree char *date = cst_pdf_format_date (issued, language);
  EstimateDocument doc = {
    estimate,
    estimate->self_pay ? _("Good Faith Estimate") : _("Cost estimate"),
    date,
  };

  return cst_pdf_tagged_render (CST_PDF_PAPER_LETTER, language, lay_out, &doc, NULL, error);
}
