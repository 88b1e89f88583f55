/* test-document-template.c — the shipped document wording is read once per
 * process, kind and language and shared: the same template for every
 * document and every thread, a copy for whoever asks to own one, and an
 * error (every time) for a language Custodian ships no wording in */
#include "config.h"

#include <custodian/custodian.h>

#define N_THREADS 6

static const char *const languages[] = { "en", "es" };

static void
test_loaded_once (void)
{
  g_autoptr(GError) error = NULL;
  const CstDocumentTemplate *en = cst_document_template_get_shipped (CST_DOCUMENT_COVER_LETTER, "en", &error);
  const CstDocumentTemplate *es = cst_document_template_get_shipped (CST_DOCUMENT_COVER_LETTER, "es", &error);

  g_assert_no_error (error);
  g_assert_nonnull (en);
  g_assert_nonnull (es);
  g_assert_true (en != es);
  g_assert_cmpstr (cst_document_template_get_language (es), ==, "es");
  g_assert_cmpint (cst_document_template_get_id (en), ==, 0);
  /* Asked again: the same template, not a new read. */
  g_assert_true (cst_document_template_get_shipped (CST_DOCUMENT_COVER_LETTER, "en", NULL) == en);
  g_assert_true (cst_document_template_get_shipped (CST_DOCUMENT_INVOICE, "en", NULL) != en);
}

/* new_default() gives a template of its own: freeing it leaves the shared
 * one as it was. */
static void
test_default_is_a_copy (void)
{
  const CstDocumentTemplate *shared = cst_document_template_get_shipped (CST_DOCUMENT_INVOICE, "es", NULL);
  g_autofree char *body = cst_document_template_dup_default_body (CST_DOCUMENT_INVOICE, "es", NULL);
  CstDocumentTemplate *own = cst_document_template_new_default (CST_DOCUMENT_INVOICE, "es", NULL);

  g_assert_nonnull (own);
  g_assert_true (own != shared);
  g_assert_cmpstr (cst_document_template_get_body (own), ==, cst_document_template_get_body (shared));
  g_assert_cmpstr (body, ==, cst_document_template_get_body (shared));
  cst_document_template_free (own);
  g_assert_cmpstr (cst_document_template_get_body (shared), ==, body);
}

static void
test_unknown_language (void)
{
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_null (cst_document_template_get_shipped (CST_DOCUMENT_INVOICE, "xx", &error));
      g_assert_error (error, CST_ERROR, CST_ERROR_NOT_FOUND);
    }
  g_assert_null (cst_document_template_new_default (CST_DOCUMENT_INVOICE, "xx", NULL));
}

/* Documents are made in worker threads: threads asking at once, for
 * wording not read yet, all get the one shared template of each. */
static gpointer
ask_every_kind (gpointer data)
{
  const CstDocumentTemplate **seen = data;

  for (guint k = 0; k < CST_DOCUMENT_N_KINDS; k++)
    for (guint l = 0; l < G_N_ELEMENTS (languages); l++)
      seen[k * G_N_ELEMENTS (languages) + l] =
        cst_document_template_get_shipped ((CstDocumentKind) k, languages[l], NULL);
  return NULL;
}

static void
test_threads_share (void)
{
  const CstDocumentTemplate *seen[N_THREADS][CST_DOCUMENT_N_KINDS * G_N_ELEMENTS (languages)] = { { NULL } };
  GThread *threads[N_THREADS];

  for (guint t = 0; t < N_THREADS; t++)
    threads[t] = g_thread_new ("wording", ask_every_kind, seen[t]);
  for (guint t = 0; t < N_THREADS; t++)
    g_thread_join (threads[t]);
  for (guint i = 0; i < G_N_ELEMENTS (seen[0]); i++)
    {
      g_assert_nonnull (seen[0][i]);
      for (guint t = 1; t < N_THREADS; t++)
        g_assert_true (seen[t][i] == seen[0][i]);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* The threads' test first, while nothing is loaded yet. */
  g_test_add_func ("/document-template/threads-share", test_threads_share);
  g_test_add_func ("/document-template/loaded-once", test_loaded_once);
  g_test_add_func ("/document-template/default-is-a-copy", test_default_is_a_copy);
  g_test_add_func ("/document-template/unknown-language", test_unknown_language);
  return g_test_run ();
}
