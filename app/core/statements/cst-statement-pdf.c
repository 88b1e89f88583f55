/* cst-statement-pdf.c — the patient statement, a tagged PDF
 *
 * Layout follows statement-spec 7.3: each section in the template's
 * order, a coloured bar plus a text heading (meaning never rests on colour
 * alone), the amount-due box in the largest type, the category table,
 * the remittance stub, and detail pages with the original codes in small
 * grey type and the reconciliation line.
 *
 * Written with the cairo writer (cst-pdf-stream) because it tags: the
 * structure tree follows the reading order (the title H1, each section a
 * Sect with its H2, paragraphs, tables with header cells, the plans as a
 * list, the logo and the QR code as figures with alternative text), and
 * cst_pdf_stream_finish_tagged() adds the language, the title shown in the
 * window, /Alt and header-cell scope (DESIGN.md, "Tagged PDF").  libharu
 * cannot tag.  A measure pass first gives "Page X of Y" its total.  Only
 * the coloured fills are drawn here directly with cairo, on blocks
 * reserved from the writer.
 *
 * The workbench's preview is the same layout drawn for the screen
 * (cst_statement_render_pages(): cairo recording surfaces, no measure
 * pass, no PDF); the PDF is made when the statement is saved
 * (cst_statement_render_pdf_async()).
 */
#define G_LOG_DOMAIN "cst-statement-pdf"

#include "config.h"

#include <string.h>

#include "custodian/cst-assistance.h"
#include "custodian/cst-facility.h"
#include "custodian/cst-money.h"
#include "custodian/cst-pdf.h"
#include "custodian/cst-statement-estimate.h"
#include "custodian/cst-statement-pages.h"
#include "custodian/cst-statement-pdf.h"

#include "cst-pdf-stream-private.h"

typedef struct
{
  CstStatement         *st;
  CstStatementTemplate *tpl;
  CstPdfStream         *pdf;
  double                body;
} Render;

static const char *
text (Render     *r,
      const char *key)
{
  return cst_statement_template_get_text (r->tpl, key);
}

/* Template text with {placeholders} filled; freed with the statement run. */
static char *
filled (Render     *r,
        const char *key)
{
  return cst_statement_dup_text (r->st, key);
}

/* A filled rectangle on the current page (y down), decoration only: it
 * is in no structure element.  Nothing while measuring. */
static void
fill_rect (Render  *r,
           double   x,
           double   y,
           double   width,
           double   height,
           guint32  rgb)
{
  cairo_t *cr = cst_pdf_stream_get_cairo (r->pdf);

  if (cr == NULL)
    return;
  cairo_set_source_rgb (cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0,
                        (rgb & 0xff) / 255.0);
  cairo_rectangle (cr, x, y, width, height);
  cairo_fill (cr);
}

/* The section's H2, after its colour bar. */
static void
section_heading (Render     *r,
                 const char *title)
{
  CstPdfRect area;
  const CstPdfStyle style = { .size = r->body + 3, .bold = TRUE };

  cst_pdf_stream_space (r->pdf, 8);
  if (!cst_pdf_stream_reserve (r->pdf, r->body + 12, &area))
    return;
  fill_rect (r, area.x, area.y + 2, 4, area.height - 4,
             cst_statement_template_get_color (r->tpl, "accent"));
  cst_pdf_stream_draw_text_tagged (r->pdf, "H2", area.x + 10, area.y + area.height - 6, title, &style);
}

static void
paragraph (Render     *r,
           const char *text)
{
  cst_pdf_stream_paragraph (r->pdf, text);
}

static void
paragraph_key (Render     *r,
               const char *key)
{
  g_autofree char *value = filled (r, key);

  if (*value)
    paragraph (r, value);
}

static void
bold_text (Render     *r,
           const char *text,
           double      size)
{
  const CstPdfStyle style = { .size = size, .bold = TRUE };

  cst_pdf_stream_text_tagged (r->pdf, "P", text, &style);
}

/* A labelled row for what the bill says; none for what it does not (an
 * itemized bill from a CSV names no patient or account), so a label never
 * stands beside an empty space. */
static void
row (CstPdfStreamTable *table,
     const char *const *cells)
{
  cst_pdf_stream_table_row (table, cells, CST_PDF_ROW_NORMAL);
}

static void
fact_row (CstPdfStreamTable *table,
          const char        *label,
          const char        *value)
{
  if (value != NULL && *value)
    row (table, (const char *[]) { label, value });
}

static char *
visit_text (Render *r)
{
  static const char *const keys[] = { "visit-emergency", "visit-outpatient", "visit-inpatient",
                                      "visit-observation" };
  CstBill *bill = r->st->bill;
  g_autofree char *from = cst_statement_template_format_date (r->tpl, &bill->admit_date);
  g_autofree char *to = cst_statement_template_format_date (r->tpl, &bill->discharge_date);

  if (g_date_compare (&bill->admit_date, &bill->discharge_date) == 0)
    return g_strdup_printf ("%s, %s", text (r, keys[bill->visit_type]), from);
  return g_strdup_printf ("%s, %s – %s", text (r, keys[bill->visit_type]), from, to);
}

static void
render_header (Render *r)
{
  CstBill *bill = r->st->bill;
  const CstPdfLetterhead letterhead = {
    cst_statement_template_get_facility (r->tpl, "name"),
    cst_statement_template_get_facility (r->tpl, "address"),
    cst_statement_template_get_facility (r->tpl, "phone-billing"),
    *cst_statement_template_get_facility (r->tpl, "logo")
      ? cst_statement_template_get_facility (r->tpl, "logo") : NULL,
  };
  const CstPdfColumn columns[] = { { NULL, 0.3, CST_PDF_ALIGN_LEFT, TRUE },
                                   { NULL, 0.7, CST_PDF_ALIGN_LEFT } };
  g_autofree char *date = cst_statement_template_format_date (r->tpl, &bill->statement_date);
  g_autofree char *visit = visit_text (r);
  const CstPdfStyle title = { .size = r->body + 7, .bold = TRUE, .space_after = 4 };
  CstPdfStreamTable *table;

  /* The logo says whose it is: the facility's name (never patient data). */
  cst_pdf_stream_letterhead (r->pdf, &letterhead, letterhead.name);
  cst_pdf_stream_text_tagged (r->pdf, "H1", text (r, "title"), &title);
  table = cst_pdf_stream_table_begin (r->pdf, columns, 2);
  row (table, (const char *[]) { text (r, "statement-date"), date });
  fact_row (table, text (r, "account-number"), bill->account_number);
  fact_row (table, text (r, "patient"), bill->patient_name);
  if (bill->guarantor_name && g_strcmp0 (bill->guarantor_name, bill->patient_name) != 0)
    row (table, (const char *[]) { text (r, "guarantor"), bill->guarantor_name });
  row (table, (const char *[]) { text (r, "visit"), visit });
  cst_pdf_stream_table_end (table);
}

/* The language-assistance notice (Section 1557, 45 CFR 92.11), on every
 * statement whatever its sections, under the letterhead where it is seen
 * first: in the statement's language and in the other one (English and
 * Spanish), boxed and bold.  A hospital may reword it in its template, not
 * leave it off: a blanked notice is the shipped one. */
static void
render_language_notice (Render *r)
{
  g_autofree char *notice = filled (r, "language-assistance");
  const CstPdfStyle style = { .bold = TRUE };

  if (*notice == '\0')
    {
      g_autoptr(CstStatementTemplate) shipped = cst_statement_template_new_builtin ("standard", r->st->language,
                                                                                    NULL);
      g_free (notice);
      notice = cst_format_placeholders (shipped ? cst_statement_template_get_text (shipped, "language-assistance")
                                                : "", r->st->values);
    }
  cst_pdf_stream_space (r->pdf, 6);
  cst_pdf_stream_boxed_text (r->pdf, notice, &style);
}

/* The badge: a final notice says so, not just "past due". */
static const char *
status_key (CstStatement *st)
{
  static const char *const keys[] = { "status-new", "status-reminder", "status-past-due",
                                      "status-paid", "status-credit", "status-pending" };

  if (st->status == CST_STATUS_PAST_DUE && st->variant == CST_VARIANT_FINAL_NOTICE)
    return "status-final-notice";
  return keys[st->status];
}

/* The largest type on the page, in one colour block (statement-spec 7.3 §2). */
static void
render_amount_due (Render *r)
{
  CstStatement *st = r->st;
  CstPdfRect area;
  const CstPdfStyle label = { .size = r->body + 2, .bold = TRUE };
  const CstPdfStyle big = { .size = 26, .bold = TRUE };
  const CstPdfStyle line = { .size = r->body + 1 };
  const CstPdfStyle badge = { .size = r->body, .bold = TRUE, .align = CST_PDF_ALIGN_RIGHT };
  g_autofree char *amount = cst_money_format (st->credit_cents > 0 ? st->credit_cents
                                                                   : st->amount_due_cents);
  g_autofree char *sentence = NULL;
  g_autofree char *variant = cst_statement_dup_variant_text (st);
  const char *heading = st->credit_cents > 0 ? text (r, "how-credit") : text (r, "you-owe");

  if (st->status == CST_STATUS_WAITING_FOR_INSURANCE)
    sentence = filled (r, "pending");
  else if (st->credit_cents > 0)
    sentence = filled (r, "credit");
  else if (st->amount_due_cents == 0)
    sentence = filled (r, "owe-nothing");
  else
    sentence = filled (r, "pay-by");

  cst_pdf_stream_space (r->pdf, 10);
  if (!cst_pdf_stream_reserve (r->pdf, 84, &area))
    return;
  fill_rect (r, area.x, area.y, area.width, area.height,
             cst_statement_template_get_color (r->tpl, "box"));
  fill_rect (r, area.x, area.y, 6, area.height,
             cst_statement_template_get_color (r->tpl, "accent"));
  /* Read as written: what you owe, the amount, by when, its status. */
  cst_pdf_stream_draw_text_tagged (r->pdf, "H2", area.x + 18, area.y + 20, heading, &label);
  cst_pdf_stream_draw_text_tagged (r->pdf, "P", area.x + 18, area.y + 50, amount, &big);
  cst_pdf_stream_draw_text_tagged (r->pdf, "P", area.x + 18, area.y + area.height - 12, sentence, &line);
  cst_pdf_stream_draw_text_tagged (r->pdf, "P", area.x + area.width - 14, area.y + 20,
                                   text (r, status_key (st)), &badge);
  /* Where the bill is in the cycle (a final notice with its collections
   * date), under the box; nothing when nothing is asked now. */
  if (*variant)
    {
      cst_pdf_stream_space (r->pdf, 4);
      paragraph (r, variant);
    }
}

static void
render_waterfall (Render *r)
{
  const CstPdfColumn columns[] = { { NULL, 0.7, CST_PDF_ALIGN_LEFT, TRUE },
                                   { NULL, 0.3, CST_PDF_ALIGN_RIGHT } };
  CstPdfStreamTable *table;

  section_heading (r, text (r, "how-heading"));
  table = cst_pdf_stream_table_begin (r->pdf, columns, 2);
  for (guint i = 0; i < r->st->waterfall->len; i++)
    {
      CstWaterfallRow *row = g_ptr_array_index (r->st->waterfall, i);
      g_autofree char *money = cst_money_format (row->amount_cents);
      g_autofree char *shown = row->sign < 0 ? g_strconcat ("− ", money, NULL) : g_strdup (money);

      cst_pdf_stream_table_row (table, (const char *[]) { row->label, shown },
                                row->sign == 0 ? CST_PDF_ROW_TOTAL : CST_PDF_ROW_NORMAL);
    }
  cst_pdf_stream_table_end (table);
}

static void
render_categories (Render *r)
{
  CstStatement *st = r->st;
  const CstPdfColumn full[] = {
    { text (r, "col-category"), 0.36, CST_PDF_ALIGN_LEFT },
    { text (r, "col-charges"), 0.16, CST_PDF_ALIGN_RIGHT },
    { text (r, "col-insurance"), 0.16, CST_PDF_ALIGN_RIGHT },
    { text (r, "col-discounts"), 0.16, CST_PDF_ALIGN_RIGHT },
    { text (r, "col-owe"), 0.16, CST_PDF_ALIGN_RIGHT },
  };
  const CstPdfColumn charges_only[] = {
    { text (r, "col-category"), 0.75, CST_PDF_ALIGN_LEFT },
    { text (r, "col-charges"), 0.25, CST_PDF_ALIGN_RIGHT },
  };
  guint n = st->claim_level ? 2 : 5;
  CstPdfStreamTable *table;

  section_heading (r, text (r, "categories-heading"));
  table = cst_pdf_stream_table_begin (r->pdf, st->claim_level ? charges_only : full, n);
  for (guint i = 0; i < st->categories->len; i++)
    {
      CstStatementCategory *c = g_ptr_array_index (st->categories, i);
      g_autofree char *a = cst_money_format (c->charges_cents);
      g_autofree char *b = cst_money_format (c->insurer_paid_cents);
      g_autofree char *d = cst_money_format (c->adjustment_cents);
      g_autofree char *e = cst_money_format (c->patient_resp_cents);

      row (table, (const char *[]) { c->label, a, b, d, e });
      cst_pdf_stream_table_row (table, (const char *[]) { c->explanation, "", "", "", "" },
                                CST_PDF_ROW_SUBTLE);
    }
  {
    g_autofree char *a = cst_money_format (st->total_charges_cents);
    g_autofree char *b = cst_money_format (st->total_insurer_paid_cents);
    g_autofree char *d = cst_money_format (st->total_adjustment_cents);
    g_autofree char *e = cst_money_format (st->total_patient_resp_cents);
    cst_pdf_stream_table_row (table, (const char *[]) { text (r, "col-total"), a, b, d, e },
                              CST_PDF_ROW_TOTAL);
  }
  cst_pdf_stream_table_end (table);
  if (st->claim_level)
    paragraph_key (r, "claim-level");
}

/* "Why you owe this", from the payer's remittance: what it paid, what was
 * written off and why, the patient's part line by line, and the
 * reconciliation in bold.  Part of the insurance section, drawn only when
 * the statement has a remittance. */
static void
render_why_you_owe (Render *r)
{
  g_autoptr(GPtrArray) lines = cst_statement_remittance_lines (r->st);

  if (lines->len == 0)
    return;
  section_heading (r, g_ptr_array_index (lines, 0));
  for (guint i = 1; i + 1 < lines->len; i++)
    paragraph (r, g_ptr_array_index (lines, i));
  bold_text (r, g_ptr_array_index (lines, lines->len - 1), r->body);
}

static void
render_insurance (Render *r)
{
  section_heading (r, text (r, "insurance-heading"));
  if (!r->st->insured)
    paragraph_key (r, "insurance-none");
  else if (r->st->bill->payer_name == NULL)
    {
      /* Insurance paid, but the bill does not say which plan. */
      paragraph_key (r, "insurance-line-unnamed");
      paragraph_key (r, "eob-unnamed");
    }
  else
    {
      /* The claim's number only where the bill has one. */
      paragraph_key (r, r->st->bill->claim_number ? "insurance-line" : "insurance-line-no-claim");
      paragraph_key (r, "eob");
    }
  render_why_you_owe (r);
}

/* The statement's own pay link as a QR code, 1.5 inches square (a
 * phone reads it from arm's length), the words to scan it beside it.  The
 * link fits: the facility's address is at most 500 characters.  Its
 * alternative text is those words and the link itself, which a screen
 * reader can say and a person can type: the link carries the statement's
 * token, never who it is for. */
static void
render_pay_qr (Render *r)
{
  const double size = 108;
  const CstPdfStyle caption = { .size = r->body + 1, .bold = TRUE };
  CstPdfRect area;
  g_autofree char *scan = filled (r, "pay-qr");
  g_autofree char *alt = NULL;

  if (r->st->pay_link == NULL || !cst_pdf_stream_reserve (r->pdf, size, &area))
    return;
  alt = g_strconcat (scan, " ", r->st->pay_link, NULL);
  cst_pdf_stream_figure_begin (r->pdf, alt);
  cst_pdf_stream_draw_qr (r->pdf, area.x, area.y, size, r->st->pay_link, NULL);
  cst_pdf_stream_figure_end (r->pdf);
  cst_pdf_stream_draw_text_tagged (r->pdf, "P", area.x + size + 12, area.y + size / 2, scan, &caption);
}

static void
render_ways_to_pay (Render *r)
{
  CstStatement *st = r->st;

  section_heading (r, text (r, "pay-heading"));
  paragraph_key (r, "pay-online");
  render_pay_qr (r);
  paragraph_key (r, "pay-phone");
  paragraph_key (r, "pay-mail");
  if (st->plans->len == 0)
    return;
  paragraph_key (r, cst_statement_template_get_plan_apr (r->tpl) ? "plan-intro-apr" : "plan-intro");
  cst_pdf_stream_tag_begin (r->pdf, "L");
  for (guint i = 0; i < st->plans->len; i++)
    {
      CstPaymentPlan *plan = g_ptr_array_index (st->plans, i);
      g_autoptr(GHashTable) values = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
      g_autofree char *line = NULL;
      const CstPdfStyle style = { .indent = 12 };

      g_hash_table_insert (values, "months", g_strdup_printf ("%u", plan->months));
      g_hash_table_insert (values, "monthly", cst_money_format (plan->monthly_cents));
      line = cst_format_placeholders (text (r, "plan-option"), values);
      cst_pdf_stream_list_item (r->pdf, "•", line, &style);
    }
  cst_pdf_stream_tag_end (r->pdf, "L");
  paragraph_key (r, "plan-last");
  paragraph_key (r, "plan-missed");
}

static void
render_help (Render *r)
{
  g_autofree char *notice = filled (r, "financial-assistance");
  const CstPdfStyle style = { .bold = TRUE };

  g_autoptr(GPtrArray) lines = cst_statement_assistance_lines (r->st);

  section_heading (r, text (r, "help-heading"));
  cst_pdf_stream_boxed_text (r->pdf, notice, &style);
  /* What the screening gave this patient: the discount, the AGB promise,
   * the plan the household can afford (none when not assisted). */
  for (guint i = 0; i < lines->len; i++)
    paragraph (r, g_ptr_array_index (lines, i));
}

static void
render_questions (Render *r)
{
  section_heading (r, text (r, "questions-heading"));
  paragraph_key (r, "questions");
  paragraph_key (r, "other-doctors");
  paragraph_key (r, "thanks");
}

/* The visit's estimate and this bill, said plainly; the dispute notice,
 * when due, boxed and bold (statement-spec 3.2 and 7.3 item 9). */
static void
render_estimate (Render *r)
{
  g_autoptr(GPtrArray) lines = cst_statement_estimate_lines (r->st);
  const CstPdfStyle notice = { .bold = TRUE };

  if (lines->len == 0)
    return;
  section_heading (r, g_ptr_array_index (lines, 0));
  for (guint i = 1; i < lines->len && i < 3; i++)
    paragraph (r, g_ptr_array_index (lines, i));
  if (lines->len > 3)
    cst_pdf_stream_boxed_text (r->pdf, g_ptr_array_index (lines, 3), &notice);
}

static void
render_rights (Render *r)
{
  section_heading (r, text (r, "rights-heading"));
  paragraph_key (r, "rights");
  render_estimate (r);
}

static void
render_glossary (Render *r)
{
  const char *keys[3];
  guint n = cst_statement_glossary_keys (r->st, keys);

  if (n == 0)
    return;
  section_heading (r, text (r, "glossary-heading"));
  for (guint i = 0; i < n; i++)
    paragraph_key (r, keys[i]);
}

/* An upper bound of the stub's height: cut line, six rows (the address
 * row as tall as its lines), the check-box line. */
static double
remittance_height (Render     *r,
                   const char *remit_to)
{
  guint address_lines = 1;
  double line = r->body * 1.25;

  for (const char *c = remit_to; *c; c++)
    address_lines += *c == '\n';
  return 36 + (line + 6) * 6 + line * (address_lines - 1) + line * 2;
}

/* The stub is torn off, so it goes to the bottom of the page it is on;
 * when it does not fit there, to the top of the next one. */
static void
push_to_page_bottom (Render *r,
                     double  height)
{
  CstPdfRect free_area;

  cst_pdf_stream_get_content_area (r->pdf, &free_area);
  if (free_area.height >= height)
    cst_pdf_stream_space (r->pdf, free_area.height - height);
  else
    cst_pdf_stream_page_break (r->pdf);
}

static void
render_remittance (Render *r)
{
  CstBill *bill = r->st->bill;
  const CstPdfColumn columns[] = { { NULL, 0.4, CST_PDF_ALIGN_LEFT, TRUE },
                                   { NULL, 0.6, CST_PDF_ALIGN_LEFT } };
  const CstPdfStyle cut = { .size = r->body - 2, .grey = 0.4, .align = CST_PDF_ALIGN_CENTER };
  g_autofree char *amount = cst_money_format (r->st->amount_due_cents);
  g_autofree char *due = cst_statement_template_format_date (r->tpl, &bill->due_date);
  g_autofree char *remit_to = g_strdup (cst_statement_template_get_facility (r->tpl, "remit-address"));
  g_autofree char *changed = g_strconcat ("☐ ", text (r, "remit-changed"), NULL);
  CstPdfStreamTable *table;

  push_to_page_bottom (r, remittance_height (r, remit_to));
  cst_pdf_stream_rule (r->pdf);
  cst_pdf_stream_text_tagged (r->pdf, "P", text (r, "remit-heading"), &cut);
  table = cst_pdf_stream_table_begin (r->pdf, columns, 2);
  fact_row (table, text (r, "account-number"), bill->account_number);
  fact_row (table, text (r, "patient"), bill->patient_name);
  cst_pdf_stream_table_row (table, (const char *[]) { text (r, "remit-amount-due"), amount },
                            CST_PDF_ROW_BOLD);
  cst_pdf_stream_table_row (table, (const char *[]) { text (r, "remit-due-date"), due },
                            CST_PDF_ROW_BOLD);
  row (table, (const char *[]) { text (r, "remit-enclosed"), "$ ______________" });
  row (table, (const char *[]) { text (r, "remit-to"), remit_to });
  cst_pdf_stream_table_end (table);
  cst_pdf_stream_small_text (r->pdf, changed);
}

static char *
codes_text (const CstStatementItem *item)
{
  return item->cpt_hcpcs[0]
         ? g_strdup_printf ("%s · %s · %s", item->revenue_code, item->cpt_hcpcs, item->original)
         : g_strdup_printf ("%s · %s", item->revenue_code, item->original);
}

static void
render_details (Render *r)
{
  CstStatement *st = r->st;
  const CstPdfColumn columns[] = {
    { text (r, "details-date"), 0.2, CST_PDF_ALIGN_LEFT },
    { text (r, "details-description"), 0.56, CST_PDF_ALIGN_LEFT },
    { text (r, "details-quantity"), 0.08, CST_PDF_ALIGN_RIGHT },
    { text (r, "details-charge"), 0.16, CST_PDF_ALIGN_RIGHT },
  };
  g_autofree char *total = filled (r, "details-total");
  CstPdfStreamTable *table;

  cst_pdf_stream_page_break (r->pdf);
  section_heading (r, text (r, "details-heading"));
  table = cst_pdf_stream_table_begin (r->pdf, columns, G_N_ELEMENTS (columns));
  for (guint i = 0; i < st->items->len; i++)
    {
      CstStatementItem *item = g_ptr_array_index (st->items, i);
      g_autofree char *date = cst_statement_template_format_date (r->tpl, &item->service_date);
      g_autofree char *units = g_strdup_printf ("%" G_GINT64_FORMAT, item->units);
      g_autofree char *charge = cst_money_format (item->charge_cents);
      g_autofree char *codes = codes_text (item);

      row (table, (const char *[]) { date, item->description, units, charge });
      /* The original chargemaster text and codes, for traceability. */
      cst_pdf_stream_table_row (table, (const char *[]) { "", codes, "", "" }, CST_PDF_ROW_SUBTLE);
    }
  {
    g_autofree char *sum = cst_money_format (st->detail_total_cents);
    cst_pdf_stream_table_row (table, (const char *[]) { "", total, "", sum }, CST_PDF_ROW_TOTAL);
  }
  cst_pdf_stream_table_end (table);
}

static void
render_section (Render              *r,
                CstStatementSection  section)
{
  switch (section)
    {
    case CST_SECTION_HEADER: render_header (r); break;
    case CST_SECTION_AMOUNT_DUE: render_amount_due (r); break;
    case CST_SECTION_HOW_WE_GOT_THIS: render_waterfall (r); break;
    case CST_SECTION_CATEGORIES: render_categories (r); break;
    case CST_SECTION_INSURANCE: render_insurance (r); break;
    case CST_SECTION_WAYS_TO_PAY: render_ways_to_pay (r); break;
    case CST_SECTION_HELP_PAYING: render_help (r); break;
    case CST_SECTION_QUESTIONS: render_questions (r); break;
    case CST_SECTION_RIGHTS: render_rights (r); break;
    case CST_SECTION_GLOSSARY: render_glossary (r); break;
    case CST_SECTION_REMITTANCE: render_remittance (r); break;
    case CST_SECTION_DETAILS: render_details (r); break;
    case CST_N_SECTIONS:
    default: g_assert_not_reached ();
    }
}

/* Lays the statement out on @pdf: the measuring writer and the drawing
 * one get exactly the same calls. */
static void
lay_out (CstStatement *st,
         CstPdfStream *pdf)
{
  Render r = { st, st->template, pdf, cst_statement_template_get_font_size (st->template) };
  const CstStatementSection *sections;
  guint n = 0;

  /* Metadata: the document kind only, never who it is for. */
  cst_pdf_stream_set_title (pdf, text (&r, "title"));
  cst_pdf_stream_set_page_format (pdf, text (&r, "page"));
  cst_pdf_stream_set_body_size (pdf, r.body);
  sections = cst_statement_template_get_sections (st->template, &n);
  if (!cst_statement_template_has_section (st->template, CST_SECTION_HEADER))
    render_language_notice (&r);
  for (guint i = 0; i < n; i++)
    {
      cst_pdf_stream_tag_begin (pdf, "Sect");
      render_section (&r, sections[i]);
      if (sections[i] == CST_SECTION_HEADER)
        render_language_notice (&r);
      /* The comparison goes with the rights; a template without them
       * still shows it, under the amount due. */
      if (sections[i] == CST_SECTION_AMOUNT_DUE &&
          !cst_statement_template_has_section (st->template, CST_SECTION_RIGHTS))
        render_estimate (&r);
      cst_pdf_stream_tag_end (pdf, "Sect");
    }
}

static GBytes *
render (CstStatement  *st,
        guint         *n_pages,
        GError       **error)
{
  g_autoptr(CstPdfStream) measure = NULL;
  g_autoptr(CstPdfStream) pdf = NULL;
  guint pages;

  /* The hospital's details come from the facility (cst_facility_apply_to_statement);
   * never a statement with a blank where one belongs. */
  if (!cst_facility_check_statement (st->template, error) ||
      (measure = cst_pdf_stream_new_measure (CST_PDF_PAPER_LETTER, error)) == NULL)
    return NULL;
  lay_out (st, measure);
  pages = cst_pdf_stream_get_n_pages (measure);
  pdf = cst_pdf_stream_new_tagged (CST_PDF_PAPER_LETTER,
                                   st->language, error);
  if (pdf == NULL)
    return NULL;
  cst_pdf_stream_set_n_pages (pdf, pages);
  lay_out (st, pdf);
  if (n_pages != NULL)
    *n_pages = pages;
  return cst_pdf_stream_finish_tagged (pdf, error);
}

/**
 * cst_statement_render_pdf:
 *
 * Returns: (transfer full): the PDF file's bytes
 */
GBytes *
cst_statement_render_pdf (CstStatement  *statement,
                          GError       **error)
{
  return cst_statement_render_pdf_counted (statement, NULL, error);
}

/**
 * cst_statement_render_pdf_counted:
 * @n_pages: (out) (optional): how many pages the PDF has, as its footers say
 *
 * The page count comes with the PDF, so a view can state it before any
 * preview has opened the file.
 *
 * Returns: (transfer full): the PDF file's bytes
 */
GBytes *
cst_statement_render_pdf_counted (CstStatement  *statement,
                                  guint         *n_pages,
                                  GError       **error)
{
  return render (statement, n_pages, error);
}

gboolean
cst_statement_render_pdf_to_file (CstStatement  *statement,
                                  const char    *path,
                                  GError       **error)
{
  g_autoptr(GBytes) pdf = render (statement, NULL, error);

  return pdf != NULL && cst_pdf_write_file (pdf, path, error);
}

/**
 * cst_statement_render_pages:
 * @cancellable: (nullable): checked once a page
 *
 * The statement as its PDF would show it, for the screen: the same
 * layout, drawn on cairo recording surfaces (cst-pdf-pages.h).
 *
 * Returns: (transfer full): the pages
 */
CstPdfPages *
cst_statement_render_pages (CstStatement  *statement,
                            GCancellable  *cancellable,
                            GError       **error)
{
  g_autoptr(CstPdfStream) screen = NULL;

  if (!cst_facility_check_statement (statement->template, error) ||
      (screen = cst_pdf_stream_new_screen (CST_PDF_PAPER_LETTER, cancellable, error)) == NULL)
    return NULL;
  lay_out (statement, screen);
  return cst_pdf_stream_finish_pages (screen, error);
}

/* ---- the preview, off the caller's thread -------------------------------- */

typedef struct
{
  CstBill                *bill;
  CstStatementRules      *rules;
  CstStatementTemplate   *template;
  /* The workbench's additions (cst-statement-extras.h), owned here. */
  CstRemittance          *remittance;
  char                   *claim_id;
  gboolean                has_estimate;
  CstEstimateSummary      estimate;
  gboolean                screened;
  CstAssistanceScreening  screening;
  char                   *pay_link;
  guint                   shown_page;
  double                  shown_scale;
  CstPdfPages            *pages;       /* out */
} PreviewJob;

static void
preview_job_free (PreviewJob *job)
{
  g_clear_pointer (&job->bill, cst_bill_unref);
  g_clear_pointer (&job->rules, cst_statement_rules_unref);
  g_clear_pointer (&job->template, cst_statement_template_unref);
  g_clear_pointer (&job->remittance, cst_remittance_unref);
  g_clear_pointer (&job->pages, cst_pdf_pages_unref);
  g_free (job->claim_id);
  g_free (job->pay_link);
  cst_assistance_screening_clear (&job->screening);
  g_free (job);
}

static void
keep_extras (PreviewJob               *job,
             const CstStatementExtras *extras)
{
  if (extras == NULL)
    return;
  job->remittance = extras->remittance ? cst_remittance_ref (extras->remittance) : NULL;
  job->claim_id = g_strdup (extras->claim_id);
  job->has_estimate = extras->estimate != NULL;
  if (extras->estimate != NULL)
    job->estimate = *extras->estimate;
  job->screened = extras->screening != NULL;
  if (extras->screening != NULL)
    cst_assistance_screening_copy (extras->screening, &job->screening);
  job->pay_link = g_strdup (extras->pay_link);
}

static void
preview_in_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  PreviewJob *job = task_data;
  g_autoptr(GError) error = NULL;
  const CstStatementExtras extras = {
    job->remittance, job->claim_id, job->has_estimate ? &job->estimate : NULL,
    job->screened ? &job->screening : NULL, job->pay_link,
  };
  g_autoptr(CstStatement) statement = cst_statement_new_with_extras (job->bill, job->rules, job->template,
                                                                     &extras, &error);

  if (statement != NULL)
    job->pages = cst_statement_render_pages (statement, cancellable, &error);
  if (job->pages != NULL && job->shown_scale > 0)
    cst_pdf_pages_paint (job->pages, job->shown_page, job->shown_scale);
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_steal_pointer (&statement), (GDestroyNotify) cst_statement_unref);
}

/**
 * cst_statement_preview_async:
 * @tpl: copied: later edits of the caller's template do not reach the preview
 * @extras: (nullable): copied
 * @shown_page: the page the preview shows, from 0
 * @shown_scale: its pixels per point; 0 for none
 *
 * Makes the statement of @bill with @extras applied
 * (cst_statement_new_with_extras()) and draws its pages for the screen
 * on a worker thread, which also paints @shown_page at @shown_scale
 * (cst_pdf_pages_get_painted()): the preview shows it without another
 * trip to a worker.
 */
void
cst_statement_preview_async (CstBill                  *bill,
                             CstStatementRules        *rules,
                             CstStatementTemplate     *tpl,
                             const CstStatementExtras *extras,
                             guint                     shown_page,
                             double                    shown_scale,
                             GCancellable             *cancellable,
                             GAsyncReadyCallback       callback,
                             gpointer                  user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  PreviewJob *job = g_new0 (PreviewJob, 1);

  job->shown_page = shown_page;
  job->shown_scale = shown_scale;
  job->bill = cst_bill_ref (bill);
  job->rules = cst_statement_rules_ref (rules);
  job->template = cst_statement_template_copy (tpl);
  keep_extras (job, extras);
  g_task_set_task_data (task, job, (GDestroyNotify) preview_job_free);
  g_task_set_source_tag (task, cst_statement_preview_async);
  g_task_run_in_thread (task, preview_in_thread);
}

/**
 * cst_statement_preview_finish:
 * @pages: (out) (transfer full): the statement's pages for the screen
 *
 * Returns: (transfer full): the statement, or %NULL with @error (the
 *   template's or the bill's problem, or %G_IO_ERROR_CANCELLED)
 */
CstStatement *
cst_statement_preview_finish (GAsyncResult  *result,
                              CstPdfPages  **pages,
                              GError       **error)
{
  CstStatement *statement;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cst_statement_preview_async, NULL);
  statement = g_task_propagate_pointer (G_TASK (result), error);
  *pages = statement != NULL ? g_steal_pointer (&((PreviewJob *) g_task_get_task_data (G_TASK (result)))->pages)
                             : NULL;
  return statement;
}

static void
pdf_in_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GError *error = NULL;
  GBytes *pdf = cst_statement_render_pdf (task_data, &error);

  if (pdf == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, pdf, (GDestroyNotify) g_bytes_unref);
}

/**
 * cst_statement_render_pdf_async:
 * @statement: kept until the PDF is made; nothing may change it meanwhile
 *   (statements are not changed once made)
 *
 * cst_statement_render_pdf() on a worker thread: the PDF of the
 * statement a preview shows, when it is saved.
 */
void
cst_statement_render_pdf_async (CstStatement        *statement,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_task_data (task, cst_statement_ref (statement), (GDestroyNotify) cst_statement_unref);
  g_task_set_source_tag (task, cst_statement_render_pdf_async);
  g_task_run_in_thread (task, pdf_in_thread);
}

/**
 * cst_statement_render_pdf_finish:
 *
 * Returns: (transfer full): the PDF file's bytes
 */
GBytes *
cst_statement_render_pdf_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
