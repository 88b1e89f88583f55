/* cst-document-render.c — letters, invoices and the accounting of
 * disclosures as PDFs
 *
 * Every visible word comes from the template; this file only decides the
 * layout and fills the placeholders.  The PDF title is expanded with no
 * values at all, so whatever an administrator writes there, no patient
 * detail can reach the file's metadata.
 *
 * Every document is a tagged, accessible PDF drawn on the cairo writer
 * (DESIGN.md, "Tagged PDF"): the layout runs twice, once to count the
 * pages for "Page X of Y" and once to draw (cst_pdf_tagged_render), so a
 * document's layout is a function of the Doc alone.  The same layout draws
 * the documents dialog's preview for the screen (cst_pdf_tagged_render_pages,
 * asked for through cst-document-render-private.h): what the screen shows
 * is what the PDF holds.  The document's name
 * is its H1, the sections under it H2; tables have header cells (a field
 * list's labels name their rows); the logo is a figure named for the
 * facility.
 */
#define G_LOG_DOMAIN "cst-document"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "custodian/cst-authorization.h"
#include "custodian/cst-document.h"
#include "custodian/cst-enums.h"
#include "custodian/cst-error.h"
#include "custodian/cst-facility.h"
#include "custodian/cst-input.h"
#include "custodian/cst-money.h"
#include "custodian/cst-withholding.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "cst-document-cache-private.h"
#include "cst-document-render-private.h"
#include "cst-pdf-tagged-private.h"

typedef struct
{
  const CstDocumentTemplate *tpl;
  const CstDocumentTemplate *shipped;   /* the shipped wording, looked up on first need */
  gboolean                   no_shipped;
  const CstDocumentTemplate *labels;    /* the shipped cover letter: code labels */
  gboolean                   no_labels;
  GHashTable                *values;
  const CstDocumentOptions  *options;
  CstPdfStream              *pdf;       /* the pass being laid out; not owned */
  const char                *language;
  GChecksum                 *key;       /* what the PDF is made from (cst-document-cache-private.h) */
} Doc;

/* What one kind of document lays out after the letterhead and the date,
 * with what it was given (@data). */
typedef void (*DocBody) (Doc          *doc,
                         gconstpointer data);

static void
doc_clear (Doc *doc)
{
  g_clear_pointer (&doc->values, g_hash_table_unref);
  g_clear_pointer (&doc->key, g_checksum_free);
}

/* --- the document's key: everything its PDF is made from --- */

/* Each text with its length, so that no two lists of texts run together
 * into the same bytes; NULL is not "". */
static void
key_text (Doc        *doc,
          const char *text)
{
  gint64 length = text ? (gint64) strlen (text) : -1;

  if (doc->key == NULL)
    return;
  g_checksum_update (doc->key, (const guchar *) &length, sizeof length);
  if (text != NULL)
    g_checksum_update (doc->key, (const guchar *) text, length);
}

static void
key_int (Doc    *doc,
         gint64  value)
{
  if (doc->key != NULL)
    g_checksum_update (doc->key, (const guchar *) &value, sizeof value);
}

static void
key_date (Doc         *doc,
          const GDate *date)
{
  key_int (doc, date != NULL && g_date_valid (date) ? (gint64) g_date_get_julian (date) : -1);
}

/* The logo is a file: its name, size and time of change. */
static void
key_logo (Doc        *doc,
          const char *path)
{
  GStatBuf st = { 0 };

  key_text (doc, path);
  if (path != NULL && g_stat (path, &st) == 0)
    {
      key_int (doc, (gint64) st.st_size);
      key_int (doc, (gint64) st.st_mtime);
    }
}

/* The template, the letterhead and the options, and the language the
 * program's own fallback wording is in. */
static void
key_begin (Doc *doc)
{
  const CstDocumentOptions *options = doc->options;

  doc->key = g_checksum_new (G_CHECKSUM_SHA256);
  key_int (doc, cst_document_template_get_kind (doc->tpl));
  key_int (doc, cst_document_template_get_id (doc->tpl));
  key_int (doc, cst_document_template_get_version (doc->tpl));
  key_text (doc, doc->language);
  key_text (doc, cst_document_template_get_body (doc->tpl));
  key_text (doc, g_get_language_names ()[0]);
  key_int (doc, options->paper);
  key_text (doc, options->facility.name);
  key_text (doc, options->facility.address);
  key_text (doc, options->facility.phone);
  key_logo (doc, options->facility.logo_path);
  key_text (doc, options->pay_text);
  key_text (doc, options->pay_link);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

/* The values filled in, in the order of their names. */
static void
key_values (Doc *doc)
{
  g_autofree gpointer *names = NULL;
  guint n = 0;

  names = g_hash_table_get_keys_as_array (doc->values, &n);
  qsort (names, n, sizeof *names, compare_names);
  for (guint i = 0; i < n; i++)
    {
      key_text (doc, names[i]);
      key_text (doc, g_hash_table_lookup (doc->values, names[i]));
    }
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Doc, doc_clear)

static char *
expand (Doc        *doc,
        const char *key)
{
  return cst_document_template_expand (doc->tpl, key, doc->values);
}

static void
put (GHashTable *values,
     const char *name,
     char       *text)
{
  g_hash_table_replace (values, (gpointer) name, text ? text : g_strdup (""));
}

/* Wording this version of Custodian added after a hospital saved its
 * template (labels, the withheld section) comes from the shipped
 * template of the same kind and language, so the letter stays in one
 * language and never silently drops a section the law requires. */
static char *
expand_or_shipped (Doc        *doc,
                   const char *key)
{
  char *text = cst_document_template_expand (doc->tpl, key, doc->values);

  if (*text || cst_document_template_get_id (doc->tpl) == 0)
    return text;
  if (doc->shipped == NULL && !doc->no_shipped)
    {
      doc->shipped = cst_document_template_get_shipped (cst_document_template_get_kind (doc->tpl),
                                                        doc->language, NULL);
      doc->no_shipped = doc->shipped == NULL;
    }
  if (doc->shipped == NULL)
    return text;
  g_free (text);
  return cst_document_template_expand (doc->shipped, key, doc->values);
}

/* The template's word for a database code (key "PREFIX_NICK"); then the
 * shipped cover letter's in the same language, where such labels live, so
 * {{format}} in any letter is in that letter's language; the program's own
 * translation only for a language Custodian ships no wording in. */
static char *
code_label (Doc        *doc,
            const char *prefix,
            const char *nick,
            const char *fallback)
{
  g_autofree char *key = g_strconcat (prefix, "_", nick ? nick : "", NULL);
  char *text = expand_or_shipped (doc, key);

  if (*text)
    return text;
  g_free (text);
  if (doc->labels == NULL && !doc->no_labels)
    {
      doc->labels = cst_document_template_get_shipped (CST_DOCUMENT_COVER_LETTER, doc->language, NULL);
      doc->no_labels = doc->labels == NULL;
    }
  if (doc->labels != NULL)
    {
      text = cst_document_template_expand (doc->labels, key, doc->values);
      if (*text)
        return text;
      g_free (text);
    }
  return g_strdup (fallback);
}

static char *
request_date (CstRequest  *request,
              const char  *property,
              const char  *language)
{
  g_autoptr(GDate) date = NULL;

  g_object_get (request, property, &date, NULL);
  return cst_pdf_format_date (date, language);
}

static char *
patient_name (CstRequest *request)
{
  g_autofree char *given = NULL;
  g_autofree char *family = NULL;

  g_object_get (request, "patient-given-name", &given, "patient-family-name", &family, NULL);
  return g_strjoin (" ", given ? given : "", family ? family : "", NULL);
}

static void
put_request_values (Doc         *doc,
                    CstRequest  *request)
{
  GHashTable *values = doc->values;
  const char *language = doc->language;
  g_autofree char *address = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *extension = NULL;
  g_auto(GStrv) types = NULL;
  int format = 0, delivery = 0, pages = -1;

  g_object_get (request, "requester-address", &address, "status-reason", &reason,
                "extension-reason", &extension, "record-types", &types, "format", &format,
                "delivery", &delivery, "page-count", &pages, NULL);
  put (values, "patient_name", patient_name (request));
  put (values, "reference", g_strdup (cst_request_get_reference (request)));
  put (values, "requester_name", g_strdup (cst_request_get_requester_name (request)));
  put (values, "requester_address", g_strdup (address));
  put (values, "received_date", request_date (request, "received-date", language));
  put (values, "due_date", request_date (request, "due-date", language));
  put (values, "new_due_date", request_date (request, "due-date", language));
  /* The rule behind the dates (migration 0059), for wording that names it. */
  put (values, "deadline_citation", g_strdup (cst_request_get_deadline (request)->citation));
  put (values, "extension_days", g_strdup_printf ("%d", cst_request_get_deadline (request)->extension_days));
  put (values, "original_due_date",
       g_date_valid (&cst_request_get_deadline (request)->original_due)
       ? cst_pdf_format_date (&cst_request_get_deadline (request)->original_due, language)
       : request_date (request, "due-date", language));
  put (values, "records_from", request_date (request, "records-from", language));
  put (values, "records_to", request_date (request, "records-to", language));
  put (values, "denial_reason", g_strdup (reason));
  put (values, "extension_reason", g_strdup (extension));
  put (values, "records", types && types[0] ? g_strjoinv (", ", types) : g_strdup ("—"));
  put (values, "format", code_label (doc, "format", cst_enum_to_nick (CST_TYPE_RECORD_FORMAT, format),
                                     cst_record_format_get_label (format)));
  put (values, "delivery", code_label (doc, "delivery",
                                       cst_enum_to_nick (CST_TYPE_DELIVERY_METHOD, delivery),
                                       cst_delivery_method_get_label (delivery)));
  put (values, "page_count", pages >= 0 ? g_strdup_printf ("%d", pages) : NULL);
}

/* The letterhead's details, and the payment instructions when the
 * document asks for money: a letter never says "call us at  and". */
static gboolean
check_facility (const CstDocumentOptions  *options,
                gboolean                   asks_for_money,
                GError                   **error)
{
  const struct { CstFacilityDetail detail; const char *value; } details[] = {
    { CST_FACILITY_NAME, options->facility.name },
    { CST_FACILITY_ADDRESS, options->facility.address },
    { CST_FACILITY_PHONE, options->facility.phone },
    { CST_FACILITY_PAY_TEXT, options->pay_text },   /* last: only when asking for money */
  };
  guint n = asks_for_money ? G_N_ELEMENTS (details) : G_N_ELEMENTS (details) - 1;

  for (guint i = 0; i < n; i++)
    if (cst_input_is_blank (details[i].value))
      {
        cst_facility_set_missing_error (error, details[i].detail);
        return FALSE;
      }
  return TRUE;
}

static gboolean
doc_begin (Doc                       *doc,
           const CstDocumentTemplate *tpl,
           CstRequest                *request,
           const CstDocumentOptions  *options,
           const CstDocumentMade     *made,
           GError                   **error)
{
  const CstPdfLetterhead *facility = &options->facility;
  GDate today;

  doc->tpl = tpl;
  doc->options = options;
  doc->language = cst_document_template_get_language (tpl);
  doc->values = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  if (options->today != NULL)
    today = *options->today;
  else
    cst_input_today (&today);
  put (doc->values, "date", cst_pdf_format_date (&today, doc->language));
  put (doc->values, "facility_name", g_strdup (facility->name));
  put (doc->values, "facility_address", g_strdup (facility->address));
  put (doc->values, "facility_phone", g_strdup (facility->phone));
  put (doc->values, "facility_pay_text", g_strdup (options->pay_text));
  put (doc->values, "facility_pay_link", g_strdup (options->pay_link));
  put (doc->values, "period_from", cst_pdf_format_date (options->period_from, doc->language));
  put (doc->values, "period_to", cst_pdf_format_date (options->period_to, doc->language));
  if (request != NULL)
    put_request_values (doc, request);
  if (made->keep && !made->screen)
    key_begin (doc);
  return TRUE;
}

typedef struct
{
  Doc          *doc;
  DocBody       body;
  gconstpointer data;
} Pass;

/* One pass: the title, footer and page numbers, the letterhead with the
 * logo named for the facility, the date, then the document's own body. */
static void
lay_out (CstPdfStream *pdf,
         gpointer      user_data)
{
  Pass *pass = user_data;
  Doc *doc = pass->doc;
  const CstPdfLetterhead *facility = &doc->options->facility;
  g_autofree char *title = cst_document_template_expand (doc->tpl, "title", NULL);
  g_autofree char *footer = expand (doc, "footer");
  g_autofree char *page = cst_document_template_expand (doc->tpl, "page", NULL);
  CstPdfStyle date_style = { 0, FALSE, 0, CST_PDF_ALIGN_RIGHT, 0, 6, 0, 1 };

  doc->pdf = pdf;
  cst_pdf_stream_set_title (pdf, title);
  cst_pdf_stream_set_footer (pdf, footer);
  if (*page)
    cst_pdf_stream_set_page_format (pdf, page);
  cst_pdf_stream_letterhead (pdf, facility, facility->name);
  cst_pdf_stream_text_tagged (pdf, "P", g_hash_table_lookup (doc->values, "date"), &date_style);
  pass->body (doc, pass->data);
  doc->pdf = NULL;
}

/* The same layout makes the PDF or draws the pages for the screen. */
static gboolean
doc_make (Doc             *doc,
          DocBody          body,
          gconstpointer    data,
          CstDocumentMade *made,
          GError         **error)
{
  Pass pass = { doc, body, data };

  if (made->screen)
    {
      made->pages = cst_pdf_tagged_render_pages (doc->options->paper, lay_out, &pass,
                                                 made->cancellable, error);
      if (made->pages != NULL)
        made->n_pages = cst_pdf_pages_get_n_pages (made->pages);
      return made->pages != NULL;
    }
  if (doc->key != NULL)
    {
      key_values (doc);
      if (cst_document_cache_lookup (g_checksum_get_string (doc->key), &made->pdf, &made->n_pages))
        return TRUE;
    }
  cst_document_cache_count_drawn ();
  made->pdf = cst_pdf_tagged_render (doc->options->paper, doc->language, lay_out, &pass,
                                     &made->n_pages, error);
  if (made->pdf == NULL)
    return FALSE;
  if (doc->key != NULL)
    cst_document_cache_store (g_checksum_get_string (doc->key), made->pdf, made->n_pages);
  return TRUE;
}

void
cst_document_made_clear (CstDocumentMade *made)
{
  g_clear_pointer (&made->pdf, g_bytes_unref);
  g_clear_pointer (&made->pages, cst_pdf_pages_unref);
}

/* The PDF of a render made with @made (not for the screen). */
static GBytes *
pdf_made (gboolean         ok,
          CstDocumentMade *made,
          guint           *n_pages)
{
  if (!ok)
    return NULL;
  if (n_pages != NULL)
    *n_pages = made->n_pages;
  return g_steal_pointer (&made->pdf);
}

/* A template key as a paragraph; skipped when the wording is empty. */
static void
paragraph (Doc        *doc,
           const char *key)
{
  g_autofree char *text = expand (doc, key);

  if (*text)
    cst_pdf_stream_paragraph (doc->pdf, text);
}

static void
heading (Doc        *doc,
         const char *key)
{
  g_autofree char *text = expand (doc, key);

  if (*text)
    cst_pdf_stream_heading (doc->pdf, text);
}

/* A heading under the document's own (an H2). */
static void
subheading (Doc        *doc,
            const char *key)
{
  g_autofree char *text = expand (doc, key);

  if (*text)
    cst_pdf_tagged_subheading (doc->pdf, text);
}

static void
section (Doc        *doc,
         const char *heading_key,
         const char *body_key)
{
  g_autofree char *body = expand (doc, body_key);

  if (!*body)
    return;
  subheading (doc, heading_key);
  cst_pdf_stream_paragraph (doc->pdf, body);
}

/* The addressee: the requester's name and address, as on an envelope. */
static void
address_block (Doc *doc)
{
  CstPdfStyle style = { 0, FALSE, 0, CST_PDF_ALIGN_LEFT, 0, 0, 0, 2 };
  const char *address = g_hash_table_lookup (doc->values, "requester_address");

  cst_pdf_stream_text_tagged (doc->pdf, "P", g_hash_table_lookup (doc->values, "requester_name"), &style);
  style.max_lines = 5;
  style.space_after = 8;
  cst_pdf_stream_text_tagged (doc->pdf, "P", address && *address ? address : " ", &style);
}

typedef struct
{
  const char *label_key;
  const char *value;   /* a placeholder name, or a template key if it starts with '=' */
} Field;

static void
fields (Doc         *doc,
        const Field *list,
        guint        n)
{
  const CstPdfColumn columns[] = {
    { NULL, 0.32, CST_PDF_ALIGN_LEFT, TRUE },
    { NULL, 0, CST_PDF_ALIGN_LEFT },
  };
  CstPdfStreamTable *table = cst_pdf_stream_table_begin (doc->pdf, columns, G_N_ELEMENTS (columns));

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *label = expand (doc, list[i].label_key);
      g_autofree char *from_key = list[i].value[0] == '=' ? expand (doc, list[i].value + 1) : NULL;
      const char *value = from_key ? from_key : g_hash_table_lookup (doc->values, list[i].value);
      const char *cells[] = { label, value ? value : "" };

      if (*label)
        cst_pdf_stream_table_row (table, cells, CST_PDF_ROW_NORMAL);
    }
  cst_pdf_stream_table_end (table);
}

/* --- letters --- */

/* What a partial release left out, each part with its category's
 * wording and the clerk's description (45 CFR 164.524(d)(2)). */
static void
withheld_section (Doc       *doc,
                  GPtrArray *withheld)
{
  g_autofree char *heading_text = expand_or_shipped (doc, "withheld_heading");
  g_autofree char *intro = expand_or_shipped (doc, "withheld_intro");
  g_autofree char *reason_title = expand_or_shipped (doc, "withheld_col_reason");
  g_autofree char *description_title = expand_or_shipped (doc, "withheld_col_description");
  g_autofree char *review = expand_or_shipped (doc, "withheld_review");
  const CstPdfColumn columns[] = {
    { reason_title, 0.45, CST_PDF_ALIGN_LEFT },
    { description_title, 0, CST_PDF_ALIGN_LEFT },
  };
  CstPdfStreamTable *table;

  cst_pdf_tagged_subheading (doc->pdf, *heading_text ? heading_text : _("What was not released, and why"));
  if (*intro)
    cst_pdf_stream_paragraph (doc->pdf, intro);
  table = cst_pdf_stream_table_begin (doc->pdf, columns, G_N_ELEMENTS (columns));
  for (guint i = 0; i < withheld->len; i++)
    {
      const CstWithholding *w = g_ptr_array_index (withheld, i);
      g_autofree char *reason = code_label (doc, "withheld", cst_withheld_reason_to_nick (w->reason),
                                            cst_withheld_reason_get_label (w->reason));
      const char *cells[] = { reason, w->description };

      cst_pdf_stream_table_row (table, cells, CST_PDF_ROW_NORMAL);
    }
  cst_pdf_stream_table_end (table);
  if (*review)
    cst_pdf_stream_paragraph (doc->pdf, review);
}

static void
cover_letter (Doc        *doc,
              CstRequest *request,
              GPtrArray  *withheld)
{
  g_autoptr(GDate) from = NULL;
  g_autoptr(GDate) to = NULL;
  int pages = -1;
  Field list[] = {
    { "released_label", "records" },
    { "date_range_label", "=date_range" },
    { "format_label", "format" },
    { "delivery_label", "delivery" },
    { "pages_label", "page_count" },
  };

  g_object_get (request, "records-from", &from, "records-to", &to, "page-count", &pages, NULL);
  if (from == NULL || to == NULL)
    list[1].value = "=date_range_all";
  paragraph (doc, "greeting");
  paragraph (doc, "body");
  fields (doc, list, pages >= 0 ? G_N_ELEMENTS (list) : G_N_ELEMENTS (list) - 1);
  if (withheld != NULL && withheld->len > 0)
    withheld_section (doc, withheld);
  paragraph (doc, "closing");
}

static void
denial_letter (Doc *doc)
{
  paragraph (doc, "greeting");
  paragraph (doc, "body");
  section (doc, "reason_heading", "reason");
  section (doc, "review_heading", "review");
  section (doc, "complaint_heading", "complaint");
}

static void
extension_notice (Doc *doc)
{
  paragraph (doc, "greeting");
  paragraph (doc, "body");
  section (doc, "reason_heading", "reason");
  section (doc, "new_date_heading", "new_date");
  paragraph (doc, "closing");
}

static void
missing_elements (Doc       *doc,
                  GPtrArray *missing)
{
  g_autofree char *element = expand_or_shipped (doc, "col_element");
  g_autofree char *requirement = expand_or_shipped (doc, "col_requirement");
  const CstPdfColumn columns[] = {
    { element, 0.7, CST_PDF_ALIGN_LEFT },
    { requirement, 0, CST_PDF_ALIGN_LEFT },
  };
  CstPdfStreamTable *table = cst_pdf_stream_table_begin (doc->pdf, columns, G_N_ELEMENTS (columns));

  for (guint i = 0; i < missing->len; i++)
    {
      const CstAuthorizationItem *item = g_ptr_array_index (missing, i);
      /* The element's name in the letter's language; the checklist's own
       * label for an element this wording does not know. */
      g_autofree char *name = code_label (doc, "element", item->code, item->label);
      const char *cells[] = { name, item->citation };

      cst_pdf_stream_table_row (table, cells, CST_PDF_ROW_NORMAL);
    }
  cst_pdf_stream_table_end (table);
}

/* Asks for a corrected authorization, naming each element it lacks. */
static void
deficiency_letter (Doc       *doc,
                   GPtrArray *missing)
{
  paragraph (doc, "greeting");
  paragraph (doc, "body");
  missing_elements (doc, missing);
  section (doc, "next_heading", "next");
  paragraph (doc, "closing");
}

typedef struct
{
  CstDocumentKind kind;
  CstRequest     *request;
  GPtrArray      *rows;
} Letter;

static void
letter_body (Doc          *doc,
             gconstpointer data)
{
  const Letter *letter = data;

  address_block (doc);
  heading (doc, "heading");
  if (letter->kind == CST_DOCUMENT_COVER_LETTER)
    cover_letter (doc, letter->request, letter->rows);
  else if (letter->kind == CST_DOCUMENT_DEFICIENCY_LETTER)
    deficiency_letter (doc, letter->rows);
  else if (letter->kind == CST_DOCUMENT_DENIAL_LETTER)
    denial_letter (doc);
  else
    extension_notice (doc);
  cst_pdf_stream_space (doc->pdf, 12);
  paragraph (doc, "signature");
}

/* The letter's table, for the document's key. */
static void
key_letter_rows (Doc             *doc,
                 CstDocumentKind  kind,
                 GPtrArray       *rows)
{
  for (guint i = 0; rows != NULL && i < rows->len; i++)
    if (kind == CST_DOCUMENT_COVER_LETTER)
      {
        const CstWithholding *w = g_ptr_array_index (rows, i);

        key_int (doc, w->reason);
        key_text (doc, w->description);
      }
    else if (kind == CST_DOCUMENT_DEFICIENCY_LETTER)
      {
        const CstAuthorizationItem *item = g_ptr_array_index (rows, i);

        key_text (doc, item->code);
        key_text (doc, item->label);
        key_text (doc, item->citation);
      }
}

/* @rows: the letter's table, for the kinds that have one: what was
 * withheld (cover letter), what the authorization lacks (deficiency
 * letter). */
gboolean
cst_document_make_letter (const CstDocumentTemplate *tpl,
                          CstRequest                *request,
                          GPtrArray                 *rows,
                          const CstDocumentOptions  *options,
                          CstDocumentMade           *made,
                          GError                   **error)
{
  g_auto(Doc) doc = { 0 };
  CstDocumentKind kind = cst_document_template_get_kind (tpl);

  if (kind == CST_DOCUMENT_DEFICIENCY_LETTER && (rows == NULL || rows->len == 0))
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                           _("No element of the authorization is recorded as missing: there "
                             "is nothing to ask the requester for."));
      return FALSE;
    }
  /* What the document is comes before what it needs. */
  if (kind != CST_DOCUMENT_COVER_LETTER && kind != CST_DOCUMENT_DEFICIENCY_LETTER &&
      kind != CST_DOCUMENT_DENIAL_LETTER && kind != CST_DOCUMENT_EXTENSION_NOTICE)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("This document (%s) is not a letter."), cst_document_kind_get_label (kind));
      return FALSE;
    }
  if (!check_facility (options, FALSE, error) || !doc_begin (&doc, tpl, request, options, made, error))
    return FALSE;
  key_letter_rows (&doc, kind, rows);
  return doc_make (&doc, letter_body, &(Letter) { kind, request, rows }, made, error);
}

static GBytes *
render_letter (const CstDocumentTemplate *tpl,
               CstRequest                *request,
               GPtrArray                 *rows,
               const CstDocumentOptions  *options,
               guint                     *n_pages,
               GError                   **error)
{
  CstDocumentMade made = { 0 };

  return pdf_made (cst_document_make_letter (tpl, request, rows, options, &made, error), &made, n_pages);
}

/**
 * cst_document_render_letter:
 * @tpl: a cover-letter, denial-letter or extension-notice template
 *
 * Returns: (transfer full): the PDF
 */
GBytes *
cst_document_render_letter (const CstDocumentTemplate *tpl,
                            CstRequest                *request,
                            const CstDocumentOptions  *options,
                            guint                     *n_pages,
                            GError                   **error)
{
  return render_letter (tpl, request, NULL, options, n_pages, error);
}

/**
 * cst_document_render_cover_letter:
 * @withheld: (nullable) (element-type CstWithholding): what the release
 *   left out, in the order recorded
 *
 * Returns: (transfer full): the PDF
 */
GBytes *
cst_document_render_cover_letter (const CstDocumentTemplate *tpl,
                                  CstRequest                *request,
                                  GPtrArray                 *withheld,
                                  const CstDocumentOptions  *options,
                                  guint                     *n_pages,
                                  GError                   **error)
{
  return render_letter (tpl, request, withheld, options, n_pages, error);
}

/**
 * cst_document_render_deficiency_letter:
 * @missing: (element-type CstAuthorizationItem): the elements recorded
 *   missing (never the unchecked ones), in the checklist's order; empty is
 *   refused
 *
 * Returns: (transfer full): the PDF
 */
GBytes *
cst_document_render_deficiency_letter (const CstDocumentTemplate *tpl,
                                       CstRequest                *request,
                                       GPtrArray                 *missing,
                                       const CstDocumentOptions  *options,
                                       guint                     *n_pages,
                                       GError                   **error)
{
  return render_letter (tpl, request, missing, options, n_pages, error);
}

/* --- custodian of records certification --- */

/* The certification's numbered statements, as many as the template has:
 * a hospital may add one (its state's wording) without a new release. */
static void
numbered_statements (Doc *doc)
{
  for (guint i = 1; i < 100; i++)
    {
      g_autofree char *key = g_strdup_printf ("statement_%u", i);
      g_autofree char *text = expand (doc, key);

      if (!*text)
        break;
      cst_pdf_stream_paragraph (doc->pdf, text);
    }
}

static void
certification_body (Doc          *doc,
                    gconstpointer data)
{
  CstPdfStyle small = { 8, FALSE, 0, CST_PDF_ALIGN_LEFT, 0, 12, 0, 0 };
  g_autofree char *citation = NULL;

  heading (doc, "heading");
  paragraph (doc, "intro");
  numbered_statements (doc);
  paragraph (doc, "packet");
  cst_pdf_stream_space (doc->pdf, 18);
  paragraph (doc, "signature");
  cst_pdf_stream_space (doc->pdf, 12);
  paragraph (doc, "jurat");
  citation = expand (doc, "citation");
  if (*citation)
    cst_pdf_stream_text_tagged (doc->pdf, "P", citation, &small);
}

/**
 * cst_document_render_certification:
 * @tpl: a records-certification or records-certification-tx template
 * @packet_sha256: the last build's SHA-256 (hex)
 * @packet_built: the day it was built
 *
 * Returns: (transfer full): the PDF
 */
GBytes *
cst_document_render_certification (const CstDocumentTemplate *tpl,
                                   CstRequest                *request,
                                   guint                      packet_pages,
                                   const char                *packet_sha256,
                                   const GDate               *packet_built,
                                   const CstDocumentOptions  *options,
                                   guint                     *n_pages,
                                   GError                   **error)
{
  CstDocumentMade made = { 0 };

  return pdf_made (cst_document_make_certification (tpl, request, packet_pages, packet_sha256,
                                                    packet_built, options, &made, error),
                   &made, n_pages);
}

gboolean
cst_document_make_certification (const CstDocumentTemplate *tpl,
                                 CstRequest                *request,
                                 guint                      packet_pages,
                                 const char                *packet_sha256,
                                 const GDate               *packet_built,
                                 const CstDocumentOptions  *options,
                                 CstDocumentMade           *made,
                                 GError                   **error)
{
  g_auto(Doc) doc = { 0 };
  CstDocumentKind kind = cst_document_template_get_kind (tpl);

  if (kind != CST_DOCUMENT_RECORDS_CERTIFICATION && kind != CST_DOCUMENT_RECORDS_CERTIFICATION_TX)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("This document (%s) is not a certification of records."), cst_document_kind_get_label (kind));
      return FALSE;
    }
  if (!check_facility (options, FALSE, error) || !doc_begin (&doc, tpl, request, options, made, error))
    return FALSE;
  put (doc.values, "packet_pages", g_strdup_printf ("%u", packet_pages));
  put (doc.values, "packet_sha256", g_strdup (packet_sha256));
  put (doc.values, "packet_built_date", cst_pdf_format_date (packet_built, doc.language));
  return doc_make (&doc, certification_body, NULL, made, error);
}

/* --- invoice --- */

static char *
quantity_text (gint64 quantity)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, quantity);
}

static void
invoice_lines (Doc              *doc,
               const CstInvoice *invoice,
               gint64            total)
{
  g_autofree char *description = expand (doc, "col_description");
  g_autofree char *quantity = expand (doc, "col_quantity");
  g_autofree char *unit = expand (doc, "col_unit");
  g_autofree char *amount = expand (doc, "col_amount");
  g_autofree char *total_label = expand (doc, "total_label");
  g_autofree char *total_text = cst_money_format (total);
  const CstPdfColumn columns[] = {
    { description, 0.52, CST_PDF_ALIGN_LEFT },
    { quantity, 0.1, CST_PDF_ALIGN_RIGHT },
    { unit, 0.18, CST_PDF_ALIGN_RIGHT },
    { amount, 0, CST_PDF_ALIGN_RIGHT },
  };
  CstPdfStreamTable *table = cst_pdf_stream_table_begin (doc->pdf, columns, G_N_ELEMENTS (columns));
  const char *total_row[] = { total_label, "", "", total_text };

  for (guint i = 0; i < invoice->lines->len; i++)
    {
      const CstInvoiceLine *line = g_ptr_array_index (invoice->lines, i);
      g_autofree char *qty = quantity_text (line->quantity);
      g_autofree char *unit_text = cst_money_format (line->unit_cents);
      g_autofree char *amount_text = cst_money_format (line->amount_cents);
      const char *row[] = { line->description, qty, unit_text, amount_text };
      /* The law behind the line, under it.  The rule's code (such as
       * "pages.paper.21-60") is for the justification report's CSV, not
       * for the requester: the description already says it in words. */
      const char *citation[] = { line->citation, "", "", "" };

      cst_pdf_stream_table_row (table, row, CST_PDF_ROW_BOLD);
      if (citation[0] && *citation[0])
        cst_pdf_stream_table_row (table, citation, CST_PDF_ROW_SUBTLE);
    }
  cst_pdf_stream_table_row (table, total_row, CST_PDF_ROW_TOTAL);
  cst_pdf_stream_table_end (table);
}

typedef struct
{
  const CstInvoice *invoice;
  gint64            total;
} Invoice;

static void
invoice_body (Doc          *doc,
              gconstpointer data)
{
  const Invoice *in = data;
  const Field list[] = {
    { "reference_label", "reference" },
    { "date_label", "date" },
    { "patient_label", "patient_name" },
    { "due_label", "due_date" },
    { "number_label", "invoice_number" },
  };
  CstPdfStyle label = { 0, TRUE, 0.3, CST_PDF_ALIGN_LEFT, 0, 2, 0, 1 };
  g_autofree char *bill_to = expand (doc, "bill_to_label");
  g_autofree char *closing = NULL;

  cst_pdf_stream_text_tagged (doc->pdf, "P", bill_to, &label);
  address_block (doc);
  heading (doc, "heading");
  fields (doc, list, in->invoice->number ? G_N_ELEMENTS (list) : G_N_ELEMENTS (list) - 1);
  paragraph (doc, "intro");
  if (in->invoice->lines->len > 0)
    invoice_lines (doc, in->invoice, in->total);
  else
    paragraph (doc, "no_charge");
  if (in->total > 0)
    {
      g_autofree char *how = expand (doc, "how_to_pay");
      g_autofree char *online = NULL;

      /* Where to pay online is optional: its sentence only when there
       * is a link (from the shipped wording for an older template). */
      if (!cst_input_is_blank (doc->options->pay_link))
        {
          g_autofree char *sentence = expand_or_shipped (doc, "how_to_pay_online");
          if (*sentence)
            online = g_strconcat (how, "\n", sentence, NULL);
        }
      subheading (doc, "how_to_pay_heading");
      cst_pdf_stream_boxed_text (doc->pdf, online ? online : how, NULL);
    }
  closing = expand (doc, "closing");
  cst_pdf_stream_small_text (doc->pdf, closing);
}

/* The invoice's number and lines, for the document's key. */
static void
key_invoice (Doc              *doc,
             const CstInvoice *invoice)
{
  key_text (doc, invoice->number);
  for (guint i = 0; i < invoice->lines->len; i++)
    {
      const CstInvoiceLine *line = g_ptr_array_index (invoice->lines, i);

      key_text (doc, line->description);
      key_int (doc, line->quantity);
      key_int (doc, line->unit_cents);
      key_int (doc, line->amount_cents);
      key_text (doc, line->rule);
      key_text (doc, line->citation);
    }
}

/**
 * cst_document_render_invoice:
 *
 * Returns: (transfer full): the PDF, or %NULL if the lines' sum overflows
 */
GBytes *
cst_document_render_invoice (const CstDocumentTemplate *tpl,
                             CstRequest                *request,
                             const CstInvoice          *invoice,
                             const CstDocumentOptions  *options,
                             guint                     *n_pages,
                             GError                   **error)
{
  CstDocumentMade made = { 0 };

  return pdf_made (cst_document_make_invoice (tpl, request, invoice, options, &made, error),
                   &made, n_pages);
}

gboolean
cst_document_make_invoice (const CstDocumentTemplate *tpl,
                           CstRequest                *request,
                           const CstInvoice          *invoice,
                           const CstDocumentOptions  *options,
                           CstDocumentMade           *made,
                           GError                   **error)
{
  g_auto(Doc) doc = { 0 };
  gint64 total = 0;

  if (!cst_invoice_get_total (invoice, &total))
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                           _("The invoice lines add up to more than can be printed."));
      return FALSE;
    }
  if (!check_facility (options, total > 0, error) || !doc_begin (&doc, tpl, request, options, made, error))
    return FALSE;
  put (doc.values, "total", cst_money_format (total));
  if (g_date_valid (&invoice->due_on))
    put (doc.values, "due_date", cst_pdf_format_date (&invoice->due_on, doc.language));
  put (doc.values, "invoice_number", g_strdup (invoice->number));
  key_invoice (&doc, invoice);
  return doc_make (&doc, invoice_body, &(Invoice) { invoice, total }, made, error);
}

/* --- accounting of disclosures --- */

/* What was disclosed and, when the release recorded its records packet,
 * the packet: its pages, SHA-256 and documents with their pages. */
static char *
disclosure_description (Doc                 *doc,
                        const CstDisclosure *d)
{
  g_autofree char *packet = NULL;

  if (d->packet_sha256 == NULL)
    return g_strdup (d->phi_description);
  put (doc->values, "packet_pages", g_strdup_printf ("%u", d->packet_pages));
  put (doc->values, "packet_sha256", g_strdup (d->packet_sha256));
  put (doc->values, "packet_documents", g_strdup (d->packet_documents));
  packet = expand_or_shipped (doc, "packet");
  return g_strconcat (d->phi_description, "\n", packet, NULL);
}

static void
disclosure_table (Doc       *doc,
                  GPtrArray *disclosures)
{
  g_autofree char *date = expand (doc, "col_date");
  g_autofree char *recipient = expand (doc, "col_recipient");
  g_autofree char *description = expand (doc, "col_description");
  g_autofree char *purpose = expand (doc, "col_purpose");
  const CstPdfColumn columns[] = {
    { date, 0.17, CST_PDF_ALIGN_LEFT },
    { recipient, 0.28, CST_PDF_ALIGN_LEFT },
    { description, 0.30, CST_PDF_ALIGN_LEFT },
    { purpose, 0, CST_PDF_ALIGN_LEFT },
  };
  CstPdfStreamTable *table = cst_pdf_stream_table_begin (doc->pdf, columns, G_N_ELEMENTS (columns));

  for (guint i = 0; i < disclosures->len; i++)
    {
      const CstDisclosure *d = g_ptr_array_index (disclosures, i);
      g_autofree char *on = cst_pdf_format_date (&d->disclosed_on, doc->language);
      g_autofree char *who = d->recipient_address && *d->recipient_address
                               ? g_strconcat (d->recipient_name, "\n", d->recipient_address, NULL)
                               : g_strdup (d->recipient_name);
      g_autofree char *what = disclosure_description (doc, d);
      const char *row[] = { on, who, what, d->purpose };

      cst_pdf_stream_table_row (table, row, CST_PDF_ROW_NORMAL);
    }
  cst_pdf_stream_table_end (table);
}

typedef struct
{
  CstRequest *request;
  GPtrArray  *disclosures;
} Accounting;

static void
accounting_body (Doc          *doc,
                 gconstpointer data)
{
  const Accounting *accounting = data;
  const Field list[] = {
    { "patient_label", "patient_name" },
    { "reference_label", "reference" },
    { "period_label", "=period" },
  };
  g_autofree char *closing = NULL;

  if (accounting->request != NULL)
    address_block (doc);
  heading (doc, "heading");
  fields (doc, list, G_N_ELEMENTS (list));
  paragraph (doc, "intro");
  if (accounting->disclosures != NULL && accounting->disclosures->len > 0)
    disclosure_table (doc, accounting->disclosures);
  else
    paragraph (doc, "empty");
  closing = expand (doc, "closing");
  cst_pdf_stream_small_text (doc->pdf, closing);
}

/* Whether it is addressed, and what each disclosure says, for the
 * document's key. */
static void
key_disclosures (Doc       *doc,
                 gboolean   addressed,
                 GPtrArray *disclosures)
{
  key_int (doc, addressed);
  for (guint i = 0; disclosures != NULL && i < disclosures->len; i++)
    {
      const CstDisclosure *d = g_ptr_array_index (disclosures, i);

      key_date (doc, &d->disclosed_on);
      key_text (doc, d->recipient_name);
      key_text (doc, d->recipient_address);
      key_text (doc, d->phi_description);
      key_text (doc, d->purpose);
      key_text (doc, d->packet_sha256);
      key_int (doc, d->packet_pages);
      key_text (doc, d->packet_documents);
    }
}

/**
 * cst_document_render_accounting:
 * @disclosures: (element-type CstDisclosure): the accountable disclosures
 *   of the period, oldest first
 *
 * Returns: (transfer full): the PDF
 */
GBytes *
cst_document_render_accounting (const CstDocumentTemplate *tpl,
                                CstRequest                *request,
                                GPtrArray                 *disclosures,
                                const CstDocumentOptions  *options,
                                guint                     *n_pages,
                                GError                   **error)
{
  CstDocumentMade made = { 0 };

  return pdf_made (cst_document_make_accounting (tpl, request, disclosures, options, &made, error),
                   &made, n_pages);
}

gboolean
cst_document_make_accounting (const CstDocumentTemplate *tpl,
                              CstRequest                *request,
                              GPtrArray                 *disclosures,
                              const CstDocumentOptions  *options,
                              CstDocumentMade           *made,
                              GError                   **error)
{
  g_auto(Doc) doc = { 0 };

  if (!check_facility (options, FALSE, error) || !doc_begin (&doc, tpl, request, options, made, error))
    return FALSE;
  key_disclosures (&doc, request != NULL, disclosures);
  return doc_make (&doc, accounting_body, &(Accounting) { request, disclosures }, made, error);
}
