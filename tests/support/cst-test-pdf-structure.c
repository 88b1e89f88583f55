/* cst-test-pdf-structure.c — prints a tagged PDF's structure tree, for
 * cst_test_pdf_structure()
 *
 * Usage: cst-test-pdf-structure FILE.pdf
 *
 * Writes to standard output one serialised GVariant of type
 * a(uuaymay): each element's depth, kind (PopplerStructureElementKind),
 * text and /Alt (nothing when it has none), as NUL-ended byte strings
 * (Poppler 22.12's element text is not always UTF-8), in tree order.  Exits
 * with 3 when the PDF has no structure tree.  Marked content
 * is not listed: its text is its element's.
 *
 * Why a program of its own: Poppler reads a page's whole content stream
 * again for each piece of marked content it is asked about, so reading a
 * statement's tree is billions of instructions inside Poppler.  The tests
 * start this program, which runs natively when they run under memcheck
 * (valgrind follows no child), instead of spending minutes of every CI run
 * checking Poppler's own reading for memory errors.  What Custodian wrote
 * is still checked: the PDF is made under memcheck, and this program reads
 * it with the same Poppler calls the tests made before.
 */
#include <poppler.h>
#include <stdio.h>
#include <unistd.h>

#define ELEMENT_TYPE "(uuaymay)"

/* Adds the elements under @iter to @out, in pre-order, and returns the
 * text of them all together.  Each element's text is its marked content,
 * children's in order, as Poppler's POPPLER_STRUCTURE_GET_TEXT_RECURSIVE
 * joins it; but each piece of marked content is read once here, not once
 * for every element above it. */
static GString *
read_elements (PopplerStructureElementIter *iter,
               guint                        depth,
               GArray                      *out)
{
  GString *all = g_string_new (NULL);

  do
    {
      PopplerStructureElement *element = poppler_structure_element_iter_get_element (iter);
      PopplerStructureElementIter *child;
      g_autofree char *alt = NULL;
      GString *text;
      guint at;

      if (poppler_structure_element_is_content (element))
        {
          g_autofree char *content = poppler_structure_element_get_text (element, POPPLER_STRUCTURE_GET_TEXT_NONE);

          if (content != NULL)
            g_string_append (all, content);
          g_object_unref (element);
          continue;
        }
      /* The element's place is kept before its children are read: its
       * text is known only after them. */
      at = out->len;
      g_array_set_size (out, at + 1);
      alt = poppler_structure_element_get_alt_text (element);
      child = poppler_structure_element_iter_get_child (iter);
      text = child != NULL ? read_elements (child, depth + 1, out) : g_string_new (NULL);
      g_clear_pointer (&child, poppler_structure_element_iter_free);
      g_string_append (all, text->str);
      g_array_index (out, GVariant *, at) =
        g_variant_ref_sink (g_variant_new ("(uu^ay@may)", depth, (guint) poppler_structure_element_get_kind (element),
                                           text->str,
                                           g_variant_new_maybe (G_VARIANT_TYPE_BYTESTRING,
                                                                alt != NULL ? g_variant_new_bytestring (alt) : NULL)));
      g_string_free (text, TRUE);
      g_object_unref (element);
    }
  while (poppler_structure_element_iter_next (iter));
  return all;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  PopplerDocument *doc;
  PopplerStructureElementIter *iter;
  g_autoptr(GArray) elements = g_array_new (FALSE, TRUE, sizeof (GVariant *));
  GVariant *tree;

  if (argc != 2)
    {
      fprintf (stderr, "Usage: %s FILE.pdf\n", argv[0]);
      return 2;
    }
  uri = g_filename_to_uri (argv[1], NULL, &error);
  doc = uri != NULL ? poppler_document_new_from_file (uri, NULL, &error) : NULL;
  if (doc == NULL)
    {
      fprintf (stderr, "%s: %s\n", argv[1], error->message);
      return 1;
    }
  iter = poppler_structure_element_iter_new (doc);
  if (iter == NULL)
    {
      fprintf (stderr, "%s has no structure tree\n", argv[1]);
      g_object_unref (doc);
      return 3;
    }
  g_string_free (read_elements (iter, 0, elements), TRUE);
  poppler_structure_element_iter_free (iter);
  tree = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE (ELEMENT_TYPE),
                                                  (GVariant **) elements->data, elements->len));
  for (guint i = 0; i < elements->len; i++)
    g_variant_unref (g_array_index (elements, GVariant *, i));
  if (fwrite (g_variant_get_data (tree), 1, g_variant_get_size (tree), stdout) != g_variant_get_size (tree))
    return 1;
  g_variant_unref (tree);
  g_object_unref (doc);
  return fflush (stdout) == 0 ? 0 : 1;
}
