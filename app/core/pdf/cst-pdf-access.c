/* cst-pdf-access.c — the libqpdf pass that finishes a tagged PDF
 *
 * cairo 1.16 (Debian 12) writes the structure tree (cairo_tag_begin) and
 * marks the page content that belongs to each element, but takes no
 * attributes for structure elements: no /Alt on a figure, no /Scope on a
 * table header cell, and nothing in the catalog for the document's
 * language or for showing the title in the window.  Rewriting the
 * finished file with libqpdf adds them; the page content is not touched.
 * Figures and header cells are matched by their place in the tree, which
 * cairo builds in the order the elements were tagged: a tree that does
 * not have exactly the figures and header cells the writer recorded is an
 * error, never a guess.
 *
 * What is drawn outside every structure element (the footers, rules,
 * fills, a repeated table header) is marked /Artifact in the page
 * content, so a screen reader skips it and nothing is left unmarked.
 *
 * The catalog also gets XMP metadata with the PDF/UA identifier
 * (pdfuaid:part 1), the title and the language: the title is the one in
 * the Info dictionary, which every writer sets to the document's kind
 * ("Invoice", "Statement"), never to a patient.
 */
#define G_LOG_DOMAIN "cst-pdf"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <qpdf/qpdf-c.h>

#include "cst-pdf-private.h"

void
cst_pdf_access_init (CstPdfAccess *self,
                     const char   *language)
{
  self->language = g_strdup (language);
  self->alts = g_ptr_array_new_with_free_func (g_free);
  self->scopes = g_array_new (FALSE, FALSE, sizeof (CstPdfScope));
}

void
cst_pdf_access_clear (CstPdfAccess *self)
{
  g_clear_pointer (&self->language, g_free);
  g_clear_pointer (&self->alts, g_ptr_array_unref);
  g_clear_pointer (&self->scopes, g_array_unref);
}

typedef struct
{
  const CstPdfAccess *access;
  qpdf_data           q;
  guint               figures;
  guint               headers;
  guint               depth;
} Walk;

static void walk_kids (Walk   *walk,
                       qpdf_oh kids);

static void
annotate_element (Walk   *walk,
                  qpdf_oh element)
{
  qpdf_data q = walk->q;
  qpdf_oh role = qpdf_oh_get_key (q, element, "/S");
  qpdf_oh kids;

  if (qpdf_oh_is_name_and_equals (q, role, "/Figure"))
    {
      if (walk->figures < walk->access->alts->len)
        qpdf_oh_replace_key (q, element, "/Alt",
                             qpdf_oh_new_unicode_string (q, g_ptr_array_index (walk->access->alts,
                                                                               walk->figures)));
      walk->figures++;
    }
  else if (qpdf_oh_is_name_and_equals (q, role, "/TH"))
    {
      if (walk->headers < walk->access->scopes->len)
        {
          CstPdfScope scope = g_array_index (walk->access->scopes, CstPdfScope, walk->headers);

          qpdf_oh_replace_key (q, element, "/A",
                               qpdf_oh_parse (q, scope == CST_PDF_SCOPE_ROW
                                                 ? "<< /O /Table /Scope /Row >>"
                                                 : "<< /O /Table /Scope /Column >>"));
        }
      walk->headers++;
    }
  kids = qpdf_oh_get_key (q, element, "/K");
  walk_kids (walk, kids);
  /* The C API keeps every handle until told: a tree of a few hundred
   * elements would make each lookup slower. */
  qpdf_oh_release (q, kids);
  qpdf_oh_release (q, role);
}

/* /K is one kid or an array of them; a kid is a structure element (a
 * dictionary with /S), or marked content (an integer or an /MCR
 * dictionary), which has no kids of its own. */
static void
walk_kid (Walk   *walk,
          qpdf_oh kid)
{
  if (qpdf_oh_is_dictionary (walk->q, kid) && qpdf_oh_has_key (walk->q, kid, "/S") &&
      walk->depth < 64)
    {
      walk->depth++;
      annotate_element (walk, kid);
      walk->depth--;
    }
}

static void
walk_kids (Walk   *walk,
           qpdf_oh kids)
{
  if (!qpdf_oh_is_array (walk->q, kids))
    {
      walk_kid (walk, kids);
      return;
    }
  for (int i = 0, n = qpdf_oh_get_array_n_items (walk->q, kids); i < n; i++)
    {
      qpdf_oh kid = qpdf_oh_get_array_item (walk->q, kids, i);

      walk_kid (walk, kid);
      qpdf_oh_release (walk->q, kid);
    }
}

/* @key of the Info dictionary as UTF-8 (empty when absent), copied:
 * libqpdf's C API keeps one buffer for the strings it returns, which the
 * next call overwrites. */
static char *
info_entry (qpdf_data   q,
            const char *key)
{
  qpdf_oh value = qpdf_oh_get_key (q, qpdf_oh_get_key (q, qpdf_get_trailer (q), "/Info"), key);

  return g_strdup (qpdf_oh_is_string (q, value) ? qpdf_oh_get_utf8_value (q, value) : "");
}

/**
 * cst_pdf_xmp_packet:
 * @language: (nullable): BCP 47
 *
 * The XMP packet of a tagged PDF: what the Info dictionary says, in XMP's
 * words (PDF/UA asks both to agree), and the PDF/UA claim.  Shared by this
 * pass and the direct writer (cst-pdf-direct.c).
 *
 * Returns: (transfer full): the packet
 */
char *
cst_pdf_xmp_packet (const char *title,
                    const char *language,
                    const char *producer,
                    const char *creator)
{
  g_autofree char *t = g_markup_escape_text (title ? title : "", -1);
  g_autofree char *p = g_markup_escape_text (producer ? producer : "", -1);
  g_autofree char *c = g_markup_escape_text (creator ? creator : "", -1);
  g_autofree char *l = g_markup_escape_text (language ? language : "x-default", -1);

  return g_strdup_printf (
    "<?xpacket begin=\"\xef\xbb\xbf\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
    "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
    " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
    "  <rdf:Description rdf:about=\"\"\n"
    "    xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
    "    xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"\n"
    "    xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n"
    "    xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\">\n"
    "   <dc:format>application/pdf</dc:format>\n"
    "   <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">%s</rdf:li></rdf:Alt></dc:title>\n"
    "   <dc:language><rdf:Bag><rdf:li>%s</rdf:li></rdf:Bag></dc:language>\n"
    "   <pdf:Producer>%s</pdf:Producer>\n"
    "   <xmp:CreatorTool>%s</xmp:CreatorTool>\n"
    "   <pdfuaid:part>1</pdfuaid:part>\n"
    "  </rdf:Description>\n"
    " </rdf:RDF>\n"
    "</x:xmpmeta>\n"
    "<?xpacket end=\"w\"?>",
    t, l, p, c);
}

/* Uncompressed, as XMP is meant to be found by tools that do not parse
 * the PDF. */
static void
add_metadata (const CstPdfAccess *self,
              qpdf_data           q)
{
  g_autofree char *title = info_entry (q, "/Title");
  g_autofree char *producer = info_entry (q, "/Producer");
  g_autofree char *creator = info_entry (q, "/Creator");
  g_autofree char *xmp = cst_pdf_xmp_packet (title, self->language, producer, creator);
  qpdf_oh stream = qpdf_oh_new_stream (q);

  qpdf_oh_replace_stream_data (q, stream, (const unsigned char *) xmp, strlen (xmp),
                               qpdf_oh_new_null (q), qpdf_oh_new_null (q));
  qpdf_oh_replace_key (q, qpdf_oh_get_dict (q, stream), "/Type", qpdf_oh_new_name (q, "/Metadata"));
  qpdf_oh_replace_key (q, qpdf_oh_get_dict (q, stream), "/Subtype", qpdf_oh_new_name (q, "/XML"));
  qpdf_oh_replace_key (q, qpdf_get_root (q), "/Metadata", stream);
}

static void
annotate_catalog (const CstPdfAccess *self,
                  qpdf_data           q)
{
  qpdf_oh root = qpdf_get_root (q);

  if (self->language != NULL)
    qpdf_oh_replace_key (q, root, "/Lang", qpdf_oh_new_unicode_string (q, self->language));
  qpdf_oh_replace_key (q, root, "/ViewerPreferences", qpdf_oh_parse (q, "<< /DisplayDocTitle true >>"));
  qpdf_oh_replace_key (q, root, "/MarkInfo", qpdf_oh_parse (q, "<< /Marked true >>"));
  add_metadata (self, q);
}

/* --- artifacts --- */

/* A content stream token: where it starts and ends, and whether it is an
 * operator (a bare word that is not a number, true, false or null). */
typedef struct
{
  gsize    start;
  gsize    end;
  gboolean is_operator;
} Token;

static gboolean
is_delimiter (guchar c)
{
  return strchr ("()<>[]{}/%", c) != NULL;
}

static gboolean
is_space (guchar c)
{
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0';
}

/* A literal string's end, from its opening parenthesis: nested pairs
 * count, a backslash escapes the next byte. */
static gsize
string_end (const guchar *buf,
            gsize         len,
            gsize         i)
{
  guint depth = 0;

  for (; i < len; i++)
    {
      if (buf[i] == '\\')
        i++;
      else if (buf[i] == '(')
        depth++;
      else if (buf[i] == ')' && --depth == 0)
        return i + 1;
    }
  return len;
}

/* The next token from @i, or FALSE at the end; comments are skipped as
 * if they were space. */
static gboolean
next_token (const guchar *buf,
            gsize         len,
            gsize         i,
            Token        *token)
{
  while (i < len && (is_space (buf[i]) || buf[i] == '%'))
    {
      if (buf[i] == '%')
        while (i < len && buf[i] != '\n' && buf[i] != '\r')
          i++;
      else
        i++;
    }
  if (i >= len)
    return FALSE;
  token->start = i;
  token->is_operator = FALSE;
  if (buf[i] == '(')
    i = string_end (buf, len, i);
  else if ((buf[i] == '<' || buf[i] == '>') && i + 1 < len && buf[i + 1] == buf[i])
    i += 2;
  else if (buf[i] == '<')
    {
      while (i < len && buf[i] != '>')
        i++;
      i = MIN (i + 1, len);
    }
  else if (strchr ("[]{}", buf[i]))
    i++;
  else
    {
      gboolean name = buf[i] == '/';

      for (i += name ? 1 : 0; i < len && !is_space (buf[i]) && !is_delimiter (buf[i]); i++)
        ;
      if (!name && i > token->start)
        {
          guchar c = buf[token->start];
          gsize n = i - token->start;

          token->is_operator = !(g_ascii_isdigit (c) || c == '+' || c == '-' || c == '.') &&
                               !(n == 4 && (memcmp (buf + token->start, "true", 4) == 0 ||
                                            memcmp (buf + token->start, "null", 4) == 0)) &&
                               !(n == 5 && memcmp (buf + token->start, "false", 5) == 0);
        }
      if (i == token->start)
        i++;  /* a stray delimiter (')' or '>'): one byte */
    }
  token->end = i;
  return TRUE;
}

/* Whether the operator is one of @names (each between spaces).  No copy
 * of the word: this runs for every operator of every page. */
static gboolean
operator_is (const guchar *buf,
             const Token  *token,
             const char   *names)
{
  gsize n = token->end - token->start;

  for (const char *name = strchr (names, ' '); name != NULL && name[1] != '\0';
       name = strchr (name + 1, ' '))
    if (strncmp (name + 1, (const char *) buf + token->start, n) == 0 && name[1 + n] == ' ')
      return TRUE;
  return FALSE;
}

/* Inline image data runs from "ID" and one space to "EI" between spaces. */
static gsize
inline_image_end (const guchar *buf,
                  gsize         len,
                  gsize         i)
{
  for (i++; i + 2 < len; i++)
    if (is_space (buf[i]) && buf[i + 1] == 'E' && buf[i + 2] == 'I' &&
        (i + 3 == len || is_space (buf[i + 3])))
      return i + 1;
  return len;
}

/* @content with what lies outside every marked-content sequence wrapped
 * in "/Artifact BMC … EMC".  An artifact opens at the first operator that
 * draws (a path, text, an image, a shading) and closes before the next
 * marked content, and before q, Q, BT and ET, so that it never straddles a
 * text object or a saved graphics state. */
static GString *
mark_artifacts (const guchar *buf,
                gsize         len)
{
  static const char *const draws = " m re Tj TJ ' \" Do sh BI ";
  static const char *const bounds = " q Q BT ET ";
  GString *out = g_string_sized_new (len + len / 4);
  gsize copied = 0, operands = 0, i = 0;
  guint depth = 0;
  gboolean artifact = FALSE;
  gboolean have_operands = FALSE;
  Token token;

  while (next_token (buf, len, i, &token))
    {
      i = token.end;
      if (!have_operands)
        operands = token.start;
      have_operands = TRUE;
      if (!token.is_operator)
        continue;
      g_string_append_len (out, (const char *) buf + copied, operands - copied);
      if (operator_is (buf, &token, " BMC BDC EMC ") || operator_is (buf, &token, bounds))
        {
          if (artifact)
            g_string_append (out, "EMC\n");
          artifact = FALSE;
          if (operator_is (buf, &token, " BMC BDC "))
            depth++;
          else if (operator_is (buf, &token, " EMC ") && depth > 0)
            depth--;
        }
      else if (depth == 0 && !artifact && operator_is (buf, &token, draws))
        {
          g_string_append (out, "/Artifact BMC\n");
          artifact = TRUE;
        }
      if (operator_is (buf, &token, " ID "))
        i = inline_image_end (buf, len, token.end);
      g_string_append_len (out, (const char *) buf + operands, i - operands);
      copied = i;
      have_operands = FALSE;
    }
  g_string_append_len (out, (const char *) buf + copied, len - copied);
  if (artifact)
    g_string_append (out, "\nEMC\n");
  return out;
}

/* Each page's content, in one new stream (qpdf compresses it when it
 * writes the file). */
static void
mark_pages (qpdf_data q)
{
  for (int p = 0; p < qpdf_get_num_pages (q); p++)
    {
      qpdf_oh page = qpdf_get_page_n (q, p);
      unsigned char *content = NULL;
      size_t len = 0;
      g_autoptr(GString) marked = NULL;
      qpdf_oh stream;

      if (qpdf_oh_get_page_content_data (q, page, &content, &len) & QPDF_ERRORS)
        return;
      marked = mark_artifacts (content, len);
      free (content);
      stream = qpdf_oh_new_stream (q);
      qpdf_oh_replace_stream_data (q, stream, (const unsigned char *) marked->str, marked->len,
                                   qpdf_oh_new_null (q), qpdf_oh_new_null (q));
      qpdf_oh_replace_key (q, page, "/Contents", stream);
    }
}

static gboolean
qpdf_failed (qpdf_data  q,
             GError   **error)
{
  if (!qpdf_has_error (q))
    return FALSE;
  g_set_error (error, CST_PDF_ERROR, CST_PDF_ERROR_WRITE, _("The PDF could not be tagged: %s"),
               qpdf_get_error_full_text (q, qpdf_get_error (q)));
  return TRUE;
}

static gboolean
check_counts (const Walk  *walk,
              GError     **error)
{
  if (walk->figures == walk->access->alts->len && walk->headers == walk->access->scopes->len)
    return TRUE;
  g_set_error (error, CST_PDF_ERROR, CST_PDF_ERROR_LAYOUT,
               _("The PDF's structure has %u figures and %u header cells, but %u and %u were drawn."),
               walk->figures, walk->headers, walk->access->alts->len, walk->access->scopes->len);
  return FALSE;
}

/**
 * cst_pdf_access_apply:
 * @pdf: a PDF with a structure tree, as cairo wrote it
 *
 * Returns: (transfer full): @pdf with its language, title display,
 *   figures' alternative text and header cells' scope
 */
GBytes *
cst_pdf_access_apply (const CstPdfAccess *self,
                      GBytes             *pdf,
                      GError            **error)
{
  qpdf_data q = qpdf_init ();
  Walk walk = { self, q, 0, 0, 0 };
  GBytes *tagged = NULL;
  gsize size = 0;
  const char *data = g_bytes_get_data (pdf, &size);

  qpdf_silence_errors (q);
  qpdf_set_suppress_warnings (q, QPDF_TRUE);
  if (!(qpdf_read_memory (q, "tagged PDF", data, size, NULL) & QPDF_ERRORS))
    {
      annotate_catalog (self, q);
      mark_pages (q);
      walk_kids (&walk, qpdf_oh_get_key (q, qpdf_oh_get_key (q, qpdf_get_root (q), "/StructTreeRoot"),
                                         "/K"));
      if (check_counts (&walk, error) && !(qpdf_init_write_memory (q) & QPDF_ERRORS))
        {
          /* The same document gives the same bytes (no random /ID); the
           * page content and fonts are copied as cairo compressed them;
           * the dictionaries go into compressed object streams. */
          qpdf_set_deterministic_ID (q, QPDF_TRUE);
          qpdf_set_decode_level (q, qpdf_dl_none);
          qpdf_set_object_stream_mode (q, qpdf_o_generate);
          if (!(qpdf_write (q) & QPDF_ERRORS))
            tagged = g_bytes_new (qpdf_get_buffer (q), qpdf_get_buffer_length (q));
        }
    }
  if (tagged == NULL && (error == NULL || *error == NULL))
    qpdf_failed (q, error);
  qpdf_cleanup (&q);
  return tagged;
}
