/* cst-packet-passphrase.c — passphrases made of words, easy to read aloud
 *
 * The words are the EFF's large list (resources/seed/passphrase-words-en.txt,
 * 7,776 words chosen to be easy to spell and tell apart when heard, CC BY
 * 3.0; resources/seed/passphrase-words.md).  Six of them, drawn uniformly
 * with the kernel's random generator (getrandom), give log2(7776^6) ≈ 77.5
 * bits.  A PDF's revision-6 password check (SHA-256 rounds) is fast to
 * try offline, so the entropy has to come from the passphrase itself:
 * 77 bits is beyond any offline guessing budget, and six short words
 * still fit on one line of a phone call or a sticky note.
 */
#define G_LOG_DOMAIN "custodian-packet"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>
#include <sys/random.h>

#include "custodian/cst-error.h"
#include "custodian/cst-packet-delivery.h"

#define WORDS_RESOURCE "/org/custodian/Custodian/seed/passphrase-words-en.txt"

/* The list, read once: the resource's lines. */
static char **
word_list (GError **error)
{
  static char **words;
  static gsize loaded;

  if (g_once_init_enter (&loaded))
    {
      g_autoptr(GBytes) bytes = g_resources_lookup_data (WORDS_RESOURCE, 0, NULL);
      g_autofree char *text = NULL;

      if (bytes != NULL)
        {
          text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
          g_strchomp (text);
          words = g_strsplit (text, "\n", -1);
        }
      g_once_init_leave (&loaded, 1);
    }
  if (words == NULL || g_strv_length (words) < 2)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("The passphrase word list is missing from this installation."));
      return NULL;
    }
  return words;
}

guint
cst_passphrase_list_size (GError **error)
{
  char **words = word_list (error);

  return words ? g_strv_length (words) : 0;
}

/* The bits of entropy of @words words drawn from a list of @list_size. */
double
cst_passphrase_bits (guint words,
                     guint list_size)
{
  return words * log2 ((double) list_size);
}

/* A uniform index below @n: random 32-bit values above the largest
 * multiple of @n are drawn again, so no word is likelier than another. */
static gboolean
random_below (guint32  n,
              guint32 *index,
              GError **error)
{
  guint32 limit = G_MAXUINT32 - (G_MAXUINT32 % n);
  guint32 value;

  do
    {
      if (getrandom (&value, sizeof value, 0) != sizeof value)
        {
          g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                       _("The system's random number generator could not be read."));
          return FALSE;
        }
    }
  while (value >= limit);
  *index = value % n;
  return TRUE;
}

/**
 * cst_passphrase_new:
 *
 * Returns: (transfer full): %CST_PASSPHRASE_WORDS words separated by
 *   spaces, to free with cst_passphrase_free(); or NULL with @error set
 */
char *
cst_passphrase_new (GError **error)
{
  char **words = word_list (error);
  GString *out;
  guint n;

  if (words == NULL)
    return NULL;
  n = g_strv_length (words);
  out = g_string_sized_new (80);
  for (guint i = 0; i < CST_PASSPHRASE_WORDS; i++)
    {
      guint32 index;

      if (!random_below (n, &index, error))
        {
          cst_passphrase_free (g_string_free (out, FALSE));
          return NULL;
        }
      if (i > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, words[index]);
    }
  return g_string_free (out, FALSE);
}

void
cst_passphrase_free (char *passphrase)
{
  if (passphrase == NULL)
    return;
  /* explicit_bzero: the compiler may not drop the wipe before free(). */
  explicit_bzero (passphrase, strlen (passphrase));
  g_free (passphrase);
}
