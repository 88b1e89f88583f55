/* test-packet-encrypt.c — the packet encrypted with AES-256 under a
 * passphrase of spoken words: qpdf says a password is required, reports
 * revision 6 and AES-256 (AESv3) with the passphrase, and Poppler opens
 * the file with it and not without it or with another one; the
 * passphrases are six words of the shipped list, drawn uniformly. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "custodian/cst-error.h"
#include "custodian/cst-packet-delivery.h"

#include "cst-test-pdf.h"
#include "cst-test-records.h"

static GHashTable *
word_set (void)
{
  g_autoptr(GBytes) bytes = g_resources_lookup_data (
    "/org/custodian/Custodian/seed/passphrase-words-en.txt", 0, NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) words = NULL;
  GHashTable *set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_assert_nonnull (bytes);
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  words = g_strsplit (g_strchomp (text), "\n", -1);
  for (guint i = 0; words[i] != NULL; i++)
    g_hash_table_add (set, g_strdup (words[i]));
  return set;
}

static void
test_passphrase_words (void)
{
  g_autoptr(GHashTable) list = word_set ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) whole = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (g_hash_table_size (list), ==, 7776);
  g_assert_cmpuint (cst_passphrase_list_size (&error), ==, 7776);
  g_assert_no_error (error);
  /* Six words of 7,776: more than 77 bits. */
  g_assert_cmpfloat (cst_passphrase_bits (CST_PASSPHRASE_WORDS, 7776), >, 77.5);
  g_assert_cmpfloat (cst_passphrase_bits (CST_PASSPHRASE_WORDS, 7776), <, 77.6);

  for (int i = 0; i < 3000; i++)
    {
      char *passphrase = cst_passphrase_new (&error);
      g_auto(GStrv) words = NULL;

      g_assert_no_error (error);
      words = g_strsplit (passphrase, " ", -1);
      g_assert_cmpuint (g_strv_length (words), ==, CST_PASSPHRASE_WORDS);
      for (guint w = 0; words[w] != NULL; w++)
        {
          g_assert_true (g_hash_table_contains (list, words[w]));
          g_hash_table_add (seen, g_strdup (words[w]));
        }
      g_assert_true (g_hash_table_add (whole, g_strdup (passphrase)));
      cst_passphrase_free (passphrase);
    }
  /* 18,000 uniform draws from 7,776 words miss about 770 of them; a
   * generator that favoured part of the list would miss far more. */
  g_assert_cmpuint (g_hash_table_size (seen), >, 6700);
}

static int
run (const char *first,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  va_list ap;
  int status = -1;

  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH |
                               G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static char *
show_encryption (const char *path,
                 const char *passphrase)
{
  g_autofree char *password = g_strconcat ("--password=", passphrase, NULL);
  const char *argv[] = { "qpdf", "--show-encryption", password, path, NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH |
                               G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, &status,
                               &error));
  g_assert_no_error (error);
  return g_steal_pointer (&out);
}

static void
test_encrypt_aes256 (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cst-encrypt-XXXXXX", NULL);
  g_autofree char *plain = cst_test_records_pdf (dir, "plain.pdf", 2, "Discharge");
  g_autofree char *output = g_build_filename (dir, "sealed.pdf", NULL);
  g_autofree char *passphrase = cst_passphrase_new (NULL);
  g_autofree char *shown = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PopplerDocument) locked = NULL;
  g_autoptr(PopplerDocument) wrong = NULL;
  g_autoptr(PopplerDocument) open = NULL;
  GStatBuf st;

  g_assert_true (cst_packet_encrypt (plain, output, passphrase, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (output, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* qpdf: a password is needed, the passphrase is it, and it is AES-256
   * under revision 6; the plain file needs none. */
  g_assert_cmpint (run ("qpdf", "--requires-password", plain, NULL), ==, 2);
  g_assert_cmpint (run ("qpdf", "--requires-password", output, NULL), ==, 0);
  {
    g_autofree char *password = g_strconcat ("--password=", passphrase, NULL);

    g_assert_cmpint (run ("qpdf", "--requires-password", password, output, NULL), ==, 3);
  }
  shown = show_encryption (output, passphrase);
  g_assert_nonnull (strstr (shown, "R = 6"));
  g_assert_nonnull (strstr (shown, "stream encryption method: AESv3"));
  g_assert_nonnull (strstr (shown, "string encryption method: AESv3"));

  /* Poppler: not without the passphrase, not with another, yes with it. */
  locked = cst_test_pdf_open_with_password (output, NULL, &error);
  g_assert_null (locked);
  g_assert_error (error, POPPLER_ERROR, POPPLER_ERROR_ENCRYPTED);
  g_clear_error (&error);
  wrong = cst_test_pdf_open_with_password (output, "abacus abdomen abdominal abide abiding ability", &error);
  g_assert_null (wrong);
  g_assert_error (error, POPPLER_ERROR, POPPLER_ERROR_ENCRYPTED);
  g_clear_error (&error);
  open = cst_test_pdf_open_with_password (output, passphrase, &error);
  g_assert_no_error (error);
  g_assert_cmpint (poppler_document_get_n_pages (open), ==, 2);
  text = cst_test_pdf_page_text (open, 1);
  g_assert_nonnull (strstr (text, "Discharge page 2"));
  cst_test_records_remove (dir);
}

static void
test_encrypt_refuses_non_pdf (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cst-encrypt-XXXXXX", NULL);
  g_autofree char *junk = cst_test_records_file (dir, "junk.pdf", "not a pdf", -1);
  g_autofree char *output = g_build_filename (dir, "sealed.pdf", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (cst_packet_encrypt (junk, output, "a b c d e f", &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
  cst_test_records_remove (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/packet-encrypt/passphrase-words", test_passphrase_words);
  g_test_add_func ("/packet-encrypt/aes256", test_encrypt_aes256);
  g_test_add_func ("/packet-encrypt/refuses-non-pdf", test_encrypt_refuses_non_pdf);
  return g_test_run ();
}
