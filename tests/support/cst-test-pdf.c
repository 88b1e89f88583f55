/* cst-test-pdf.c — reading generated PDFs back in tests
 *
 * Poppler reads the bytes directly (no file URI needed); the qpdf
 * command gets a temporary file because it only takes paths.  A tagged
 * PDF's structure tree is read with Poppler's structure API, by the program
 * cst-test-pdf-structure (a process of its own, for speed under memcheck);
 * what Poppler does not show of the catalog (/Lang, /ViewerPreferences),
 * and header cells' scopes, with libqpdf.
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <qpdf/qpdf-c.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cst-test-pdf.h"

PopplerDocument *
cst_test_pdf_open (GBytes *pdf)
{
  g_autoptr(GError) error = NULL;
  PopplerDocument *doc = poppler_document_new_from_bytes (pdf, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (doc);
  return doc;
}

/* The PDF file at @path, mapped, not read into memory (a packet may be
 * large); Poppler keeps its own reference to the bytes. */
PopplerDocument *
cst_test_pdf_open_file (const char *path)
{
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (path, FALSE, NULL);
  g_autoptr(GBytes) bytes = NULL;

  g_assert_nonnull (mapped);
  bytes = g_mapped_file_get_bytes (mapped);
  return cst_test_pdf_open (bytes);
}

/* An encrypted PDF opened with @password (NULL: none), or NULL with
 * @error set.  From the file: poppler-glib 22.12's new_from_bytes drops a
 * reference too many when the password is wrong. */
PopplerDocument *
cst_test_pdf_open_with_password (const char  *path,
                                 const char  *password,
                                 GError     **error)
{
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);

  return poppler_document_new_from_file (uri, password, error);
}

char *
cst_test_pdf_page_text (PopplerDocument *doc,
                        int              page)
{
  g_autoptr(PopplerPage) p = poppler_document_get_page (doc, page);

  g_assert_nonnull (p);
  return poppler_page_get_text (p);
}

char *
cst_test_pdf_text (PopplerDocument *doc)
{
  GString *all = g_string_new ("");

  for (int i = 0; i < poppler_document_get_n_pages (doc); i++)
    {
      g_autofree char *text = cst_test_pdf_page_text (doc, i);
      g_string_append (all, text);
      g_string_append_c (all, '\n');
    }
  return g_string_free (all, FALSE);
}

/* Text extraction splits lines where the layout wrapped them; comparing
 * without whitespace checks the words, not the line breaks. */
char *
cst_test_pdf_squash (const char *text)
{
  GString *out = g_string_new ("");

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      g_string_append_unichar (out, g_utf8_get_char (p));
  return g_string_free (out, FALSE);
}

void
cst_test_pdf_assert_qpdf_clean (GBytes *pdf)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *qpdf = g_find_program_in_path ("qpdf");
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int fd, status = -1;
  const char *argv[] = { NULL, "--check", NULL, NULL };

  if (qpdf == NULL)
    {
      g_test_message ("qpdf is not installed; structure check skipped");
      return;
    }
  fd = g_file_open_tmp ("cst-test-XXXXXX.pdf", &path, &error);
  g_assert_no_error (error);
  close (fd);
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (pdf, NULL),
                                      (gssize) g_bytes_get_size (pdf), &error));
  argv[0] = qpdf;
  argv[2] = path;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  g_unlink (path);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("qpdf --check failed:\n%s%s", out, err);
  g_assert_nonnull (strstr (out, "No syntax or stream encoding errors"));
}

static void
assert_free_of (const char        *field,
                const char        *value,
                const char *const *forbidden)
{
  for (guint i = 0; value && forbidden && forbidden[i]; i++)
    if (strstr (value, forbidden[i]) != NULL)
      g_error ("PDF metadata %s holds “%s”", field, forbidden[i]);
}

/* Author, subject and keywords stay empty; title and creator name no
 * patient. */
void
cst_test_pdf_assert_clean_metadata (PopplerDocument   *doc,
                                    const char *const *forbidden)
{
  g_autofree char *title = poppler_document_get_title (doc);
  g_autofree char *author = poppler_document_get_author (doc);
  g_autofree char *subject = poppler_document_get_subject (doc);
  g_autofree char *keywords = poppler_document_get_keywords (doc);
  g_autofree char *creator = poppler_document_get_creator (doc);
  g_autofree char *producer = poppler_document_get_producer (doc);

  g_assert_nonnull (title);
  g_assert_cmpstr (creator, ==, "Custodian");
  g_assert_true (author == NULL || *author == '\0');
  g_assert_true (subject == NULL || *subject == '\0');
  g_assert_true (keywords == NULL || *keywords == '\0');
  assert_free_of ("title", title, forbidden);
  assert_free_of ("creator", creator, forbidden);
  assert_free_of ("producer", producer, forbidden);
}

static void
element_free (gpointer data)
{
  CstTestPdfElement *element = data;

  g_free (element->text);
  g_free (element->alt);
  g_free (element->scope);
  g_free (element);
}

/* Each /TH element's /A /Scope, in tree order (pre-order, as Poppler
 * walks it). */
static void
read_scopes (qpdf_data  q,
             qpdf_oh    kids,
             GPtrArray *out)
{
  int n = qpdf_oh_is_array (q, kids) ? qpdf_oh_get_array_n_items (q, kids) : 1;

  for (int i = 0; i < n; i++)
    {
      qpdf_oh kid = qpdf_oh_is_array (q, kids) ? qpdf_oh_get_array_item (q, kids, i) : kids;

      if (!qpdf_oh_is_dictionary (q, kid) || !qpdf_oh_has_key (q, kid, "/S"))
        continue;
      if (qpdf_oh_is_name_and_equals (q, qpdf_oh_get_key (q, kid, "/S"), "/TH"))
        {
          qpdf_oh scope = qpdf_oh_get_key (q, qpdf_oh_get_key (q, kid, "/A"), "/Scope");

          g_ptr_array_add (out, qpdf_oh_is_name (q, scope) ? g_strdup (qpdf_oh_get_name (q, scope) + 1)
                                                            : NULL);
        }
      read_scopes (q, qpdf_oh_get_key (q, kid, "/K"), out);
    }
}

static GPtrArray *
header_scopes (GBytes *pdf)
{
  qpdf_data q = qpdf_init ();
  GPtrArray *scopes = g_ptr_array_new_with_free_func (g_free);
  gsize size = 0;
  const char *data = g_bytes_get_data (pdf, &size);

  qpdf_silence_errors (q);
  g_assert_false (qpdf_read_memory (q, "test PDF", data, size, NULL) & QPDF_ERRORS);
  read_scopes (q, qpdf_oh_get_key (q, qpdf_oh_get_key (q, qpdf_get_root (q), "/StructTreeRoot"), "/K"),
               scopes);
  qpdf_cleanup (&q);
  return scopes;
}

/* @text squashed (no white space) and without its non-ASCII characters:
 * what a structure element's text can be compared on.  Poppler 22.12's
 * poppler_structure_element_get_text() reads the UTF-8 it extracted as
 * PDFDocEncoding ("Cómo" comes back as "CÃ³mo"), although the page text
 * (pdftotext, poppler_page_get_text()) of the same file is right. */
char *
cst_test_pdf_ascii_words (const char *text)
{
  GString *out = g_string_new ("");

  for (const char *p = text ? text : ""; *p; p++)
    if ((guchar) *p < 0x80 && !g_ascii_isspace (*p))
      g_string_append_c (out, *p);
  return g_string_free (out, FALSE);
}

/* The structure tree as cst-test-pdf-structure (built beside this library)
 * reads it with Poppler, in a process of its own: see that program for
 * why.  Fails the test when @pdf has no structure tree. */
static GPtrArray *
read_structure (GBytes *pdf)
{
  g_autofree char *program = g_test_build_filename (G_TEST_BUILT, "support", "cst-test-pdf-structure", NULL);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GVariant) tree = NULL;
  GPtrArray *elements = g_ptr_array_new_with_free_func (element_free);
  int fd = g_file_open_tmp ("cst-test-XXXXXX.pdf", &path, &error);

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf), &error));
  g_assert_no_error (error);
  close (fd);
  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, program, path, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate (child, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_unlink (path);
  g_assert_true (g_subprocess_get_if_exited (child));
  g_assert_cmpint (g_subprocess_get_exit_status (child), ==, 0);
  tree = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE ("a(uuaymay)"), out, FALSE));
  g_assert_true (g_variant_is_normal_form (tree));
  for (gsize i = 0; i < g_variant_n_children (tree); i++)
    {
      CstTestPdfElement *read = g_new0 (CstTestPdfElement, 1);
      g_autoptr(GVariant) alt = NULL;
      const char *text;
      guint kind;

      g_variant_get_child (tree, i, "(uu^&ay@may)", &read->depth, &kind, &text, &alt);
      read->kind = kind;
      read->text = g_strdup (text);
      if (g_variant_n_children (alt) == 1)
        {
          g_autoptr(GVariant) value = g_variant_get_child_value (alt, 0);

          read->alt = g_strdup (g_variant_get_bytestring (value));
        }
      g_ptr_array_add (elements, read);
    }
  return elements;
}

GPtrArray *
cst_test_pdf_structure (GBytes *pdf)
{
  GPtrArray *elements = read_structure (pdf);
  g_autoptr(GPtrArray) scopes = header_scopes (pdf);
  guint next = 0;

  for (guint i = 0; i < elements->len; i++)
    {
      CstTestPdfElement *e = g_ptr_array_index (elements, i);

      if (e->kind != POPPLER_STRUCTURE_ELEMENT_TABLE_HEADING)
        continue;
      g_assert_cmpuint (next, <, scopes->len);
      e->scope = g_strdup (g_ptr_array_index (scopes, next++));
    }
  g_assert_cmpuint (next, ==, scopes->len);
  return elements;
}

/* The catalog's @key (e.g. "/Lang") as PDF syntax, or NULL. */
char *
cst_test_pdf_catalog_entry (GBytes     *pdf,
                            const char *key)
{
  qpdf_data q = qpdf_init ();
  gsize size = 0;
  const char *data = g_bytes_get_data (pdf, &size);
  char *value = NULL;

  qpdf_silence_errors (q);
  g_assert_false (qpdf_read_memory (q, "test PDF", data, size, NULL) & QPDF_ERRORS);
  if (qpdf_oh_has_key (q, qpdf_get_root (q), key))
    value = g_strdup (qpdf_oh_unparse_resolved (q, qpdf_oh_get_key (q, qpdf_get_root (q), key)));
  qpdf_cleanup (&q);
  return value;
}

GPtrArray *
cst_test_pdf_elements_of_kind (GPtrArray                   *elements,
                               PopplerStructureElementKind  kind)
{
  GPtrArray *found = g_ptr_array_new ();

  for (guint i = 0; i < elements->len; i++)
    if (((CstTestPdfElement *) g_ptr_array_index (elements, i))->kind == kind)
      g_ptr_array_add (found, g_ptr_array_index (elements, i));
  return found;
}

CstTestPdfElement *
cst_test_pdf_find_element (GPtrArray                   *elements,
                           PopplerStructureElementKind  kind,
                           const char                  *text)
{
  g_autofree char *wanted = cst_test_pdf_ascii_words (text);

  for (guint i = 0; i < elements->len; i++)
    {
      CstTestPdfElement *e = g_ptr_array_index (elements, i);
      g_autofree char *words = cst_test_pdf_ascii_words (e->text);

      if (e->kind == kind && g_str_equal (words, wanted))
        return e;
    }
  g_error ("no element of kind %d with the words “%s” in the structure tree", kind, text);
  return NULL;
}

void
cst_test_pdf_assert_pdfua (GBytes     *pdf,
                           const char *language,
                           const char *title)
{
  g_autoptr(PopplerDocument) doc = cst_test_pdf_open (pdf);
  g_autofree char *xmp = poppler_document_get_metadata (doc);
  g_autofree char *lang = cst_test_pdf_catalog_entry (pdf, "/Lang");
  g_autofree char *viewer = cst_test_pdf_catalog_entry (pdf, "/ViewerPreferences");
  g_autofree char *marked = cst_test_pdf_catalog_entry (pdf, "/MarkInfo");
  g_autofree char *expected_lang = g_strdup_printf ("(%s)", language);
  g_autofree char *xmp_title = g_strdup_printf ("<rdf:li xml:lang=\"x-default\">%s</rdf:li>", title);
  g_autofree char *xmp_lang = g_strdup_printf ("<dc:language><rdf:Bag><rdf:li>%s</rdf:li>", language);

  g_assert_cmpstr (lang, ==, expected_lang);
  g_assert_nonnull (viewer);
  g_assert_nonnull (strstr (viewer, "/DisplayDocTitle true"));
  g_assert_nonnull (marked);
  g_assert_nonnull (strstr (marked, "/Marked true"));
  g_assert_nonnull (xmp);
  g_assert_nonnull (strstr (xmp, "xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\""));
  g_assert_nonnull (strstr (xmp, "<pdfuaid:part>1</pdfuaid:part>"));
  g_assert_nonnull (strstr (xmp, xmp_title));
  g_assert_nonnull (strstr (xmp, xmp_lang));
}

/* The end of the literal string or <…>/<<…>> at @i (its first byte). */
static gsize
skip_operand (const char *c,
              gsize       len,
              gsize       i)
{
  guint depth = 0;
  char open = c[i], close = open == '(' ? ')' : '>';
  gboolean dict = open == '<' && i + 1 < len && c[i + 1] == '<';

  for (; i < len; i++)
    {
      if (open == '(' && c[i] == '\\')
        i++;
      else if (c[i] == open && (open == '(' || !dict || (i + 1 < len && c[i + 1] == '<')))
        depth++;
      else if (c[i] == close && (!dict || (i + 1 < len && c[i + 1] == '>')))
        {
          if (dict)
            i++;
          if (--depth == 0)
            return i + 1;
        }
    }
  return len;
}

static void
assert_page_marked (const char *c,
                    gsize       len,
                    const char *artifact_text,
                    guint      *artifacts,
                    guint      *seen)
{
  static const char *const draws[] = { "Tj", "TJ", "'", "\"", "S", "s", "f", "F", "f*", "B",
                                       "B*", "b", "b*", "Do", "sh", "BI" };
  g_autoptr(GPtrArray) tags = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *name = NULL;
  g_autofree char *string = NULL;
  gsize i = 0;

  while (i < len)
    {
      gsize start = i;

      if (g_ascii_isspace (c[i]) || c[i] == '[' || c[i] == ']')
        {
          i++;
          continue;
        }
      if (c[i] == '(' || c[i] == '<')
        {
          i = skip_operand (c, len, i);
          if (c[start] == '(')
            {
              g_free (string);
              string = g_strndup (c + start, i - start);
            }
          continue;
        }
      for (i++; i < len && !g_ascii_isspace (c[i]) && !strchr ("()<>[]/", c[i]); i++)
        ;
      {
        g_autofree char *word = g_strndup (c + start, i - start);

        if (word[0] == '/')
          {
            g_free (name);
            name = g_strdup (word + 1);
          }
        else if (g_str_equal (word, "BMC") || g_str_equal (word, "BDC"))
          {
            g_ptr_array_add (tags, g_strdup (name));
            *artifacts += g_str_equal (name, "Artifact");
          }
        else if (g_str_equal (word, "EMC"))
          {
            g_assert_cmpuint (tags->len, >, 0);
            g_ptr_array_remove_index (tags, tags->len - 1);
          }
        else if (g_str_equal (word, "ID"))
          {
            const char *end = g_strstr_len (c + i, len - i, " EI");

            i = end ? (gsize) (end - c) + 3 : len;
          }
        else
          for (guint d = 0; d < G_N_ELEMENTS (draws); d++)
            if (g_str_equal (word, draws[d]))
              {
                if (tags->len == 0)
                  g_error ("“%s” draws outside any marked content", word);
                if (string && artifact_text && strstr (string, artifact_text) && word[0] == 'T')
                  {
                    g_assert_cmpstr (g_ptr_array_index (tags, tags->len - 1), ==, "Artifact");
                    (*seen)++;
                  }
              }
      }
    }
  g_assert_cmpuint (tags->len, ==, 0);
}

void
cst_test_pdf_assert_content_marked (GBytes     *pdf,
                                    const char *artifact_text)
{
  qpdf_data q = qpdf_init ();
  gsize size = 0;
  const char *data = g_bytes_get_data (pdf, &size);
  guint artifacts = 0, seen = 0;

  qpdf_silence_errors (q);
  g_assert_false (qpdf_read_memory (q, "test PDF", data, size, NULL) & QPDF_ERRORS);
  for (int p = 0; p < qpdf_get_num_pages (q); p++)
    {
      unsigned char *content = NULL;
      size_t len = 0;

      g_assert_false (qpdf_oh_get_page_content_data (q, qpdf_get_page_n (q, p), &content, &len) & QPDF_ERRORS);
      assert_page_marked ((const char *) content, len, artifact_text, &artifacts, &seen);
      free (content);
    }
  qpdf_cleanup (&q);
  g_assert_cmpuint (artifacts, >, 0);
  if (artifact_text != NULL)
    g_assert_cmpuint (seen, >, 0);
}
