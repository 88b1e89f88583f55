/* cst-record-file.c — looking into a record file before it is stored
 *
 * Tells a PDF, PNG, JPEG or TIFF apart by its first bytes, counts its
 * pages and refuses what cannot be released: an empty file, one over the
 * size limit, one that is none of these, a damaged or truncated one, a
 * PDF that needs a password.  PDFs are read with libqpdf with recovery
 * off, so a damaged cross-reference table is refused rather than quietly
 * rebuilt; it reads the file at random, never whole.  TIFF pages are
 * libtiff's directories, each checked to lie inside the file.  PNG and
 * JPEG are one page; their start and end markers must be there.
 *
 * Memory stays bounded by one chunk whatever the file's size: the digest
 * is computed over a fixed buffer, and neither library loads the file.
 */
#define G_LOG_DOMAIN "custodian-packet"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <qpdf/qpdf-c.h>
#include <stdio.h>
#include <string.h>
#include <tiffio.h>

#include "custodian/cst-error.h"

#include "cst-packet-private.h"

const char *
cst_record_file_type_to_string (CstRecordFileType format)
{
  switch (format)
    {
    case CST_RECORD_FILE_PDF: return "pdf";
    case CST_RECORD_FILE_PNG: return "png";
    case CST_RECORD_FILE_JPEG: return "jpeg";
    case CST_RECORD_FILE_TIFF: return "tiff";
    default: g_return_val_if_reached ("pdf");
    }
}

void
cst_record_file_info_clear (CstRecordFileInfo *info)
{
  g_clear_pointer (&info->sha256, g_free);
}

static gboolean
refuse (GError    **error,
        const char *path,
        const char *format,
        ...) G_GNUC_PRINTF (3, 4);

/* Every refusal starts with the file's name, so a list of files names the
 * one that was refused. */
static gboolean
refuse (GError    **error,
        const char *path,
        const char *format,
        ...)
{
  g_autofree char *display = g_filename_display_name (path);
  g_autofree char *reason = NULL;
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT, "%s: %s", display, reason);
  return FALSE;
}

/* ---- telling formats apart ------------------------------------------- */

static const guint8 png_signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

static gboolean
detect_format (const guint8    *head,
               gsize            len,
               CstRecordFileType *format)
{
  /* PDF readers accept a header within the first 1024 bytes. */
  for (gsize i = 0; i + 5 <= len && i < 1024; i++)
    if (memcmp (head + i, "%PDF-", 5) == 0)
      {
        *format = CST_RECORD_FILE_PDF;
        return TRUE;
      }
  if (len >= 8 && memcmp (head, png_signature, 8) == 0)
    *format = CST_RECORD_FILE_PNG;
  else if (len >= 3 && head[0] == 0xff && head[1] == 0xd8 && head[2] == 0xff)
    *format = CST_RECORD_FILE_JPEG;
  else if (len >= 4 && ((memcmp (head, "II", 2) == 0 && (head[2] == 42 || head[2] == 43) && head[3] == 0) ||
                        (memcmp (head, "MM", 2) == 0 && head[2] == 0 && (head[3] == 42 || head[3] == 43))))
    *format = CST_RECORD_FILE_TIFF;
  else
    return FALSE;
  return TRUE;
}

/* ---- reading the file once ------------------------------------------- */

/* Reads @path through one buffer: its first bytes (@head, up to
 * @head_size), its last bytes (@tail, up to @tail_size) and its SHA-256. */
static gboolean
read_whole (const char *path,
            const gint *stop,
            guint8     *head,
            gsize      *head_len,
            gsize       head_size,
            guint8     *tail,
            gsize      *tail_len,
            gsize       tail_size,
            char      **sha256,
            goffset    *byte_count,
            GError    **error)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buffer = g_malloc (CST_RECORD_CHUNK_SIZE);
  FILE *file = g_fopen (path, "rb");
  goffset total = 0;
  size_t n;

  if (file == NULL)
    {
      int saved = errno;
      return refuse (error, path, _("cannot be read (%s)."), g_strerror (saved));
    }
  *head_len = *tail_len = 0;
  while ((n = fread (buffer, 1, CST_RECORD_CHUNK_SIZE, file)) > 0)
    {
      if (stop != NULL && g_atomic_int_get (stop))
        {
          fclose (file);
          return refuse (error, path, _("took too long to read; it may be damaged."));
        }
      g_checksum_update (checksum, buffer, n);
      if (*head_len < head_size)
        {
          gsize take = MIN (head_size - *head_len, n);
          memcpy (head + *head_len, buffer, take);
          *head_len += take;
        }
      /* Keep the last @tail_size bytes seen. */
      if (n >= tail_size)
        {
          memcpy (tail, buffer + n - tail_size, tail_size);
          *tail_len = tail_size;
        }
      else
        {
          gsize keep = MIN (*tail_len, tail_size - n);
          memmove (tail, tail + *tail_len - keep, keep);
          memcpy (tail + keep, buffer, n);
          *tail_len = keep + n;
        }
      total += (goffset) n;
    }
  if (ferror (file))
    {
      fclose (file);
      return refuse (error, path, _("cannot be read to its end."));
    }
  fclose (file);
  *sha256 = g_strdup (g_checksum_get_string (checksum));
  *byte_count = total;
  return TRUE;
}

/* ---- pages, format by format ----------------------------------------- */

static gboolean
count_pdf_pages (const char *path,
                 guint      *pages,
                 GError    **error)
{
  qpdf_data q = qpdf_init ();
  QPDF_ERROR_CODE status;
  gboolean ok = FALSE;
  int n;

  qpdf_silence_errors (q);
  qpdf_set_suppress_warnings (q, QPDF_TRUE);
  /* A rebuilt cross-reference table means a damaged file: refuse it. */
  qpdf_set_attempt_recovery (q, QPDF_FALSE);
  status = qpdf_read (q, path, "");
  if (status & QPDF_ERRORS)
    {
      qpdf_error e = qpdf_get_error (q);

      if (qpdf_get_error_code (q, e) == qpdf_e_password)
        refuse (error, path, _("is protected by a password; add it without the password."));
      else
        refuse (error, path, _("is a damaged or incomplete PDF."));
      goto out;
    }
  n = qpdf_get_num_pages (q);
  if (qpdf_has_error (q) || n < 0)
    {
      refuse (error, path, _("is a damaged or incomplete PDF."));
      goto out;
    }
  if (n == 0)
    {
      refuse (error, path, _("is a PDF without pages."));
      goto out;
    }
  *pages = (guint) n;
  ok = TRUE;
out:
  qpdf_cleanup (&q);
  return ok;
}

static int
tiff_note_error (TIFF       *tif,
                 void       *user_data,
                 const char *module,
                 const char *fmt,
                 va_list     ap)
{
  gboolean *failed = user_data;

  *failed = TRUE;
  return 1;   /* handled: nothing printed */
}

static int
tiff_ignore_warning (TIFF       *tif,
                     void       *user_data,
                     const char *module,
                     const char *fmt,
                     va_list     ap)
{
  return 1;
}

/* Every strip or tile of the current directory lies inside the file. */
static gboolean
tiff_directory_complete (TIFF    *tif,
                         goffset  byte_count)
{
  guint32 n = TIFFIsTiled (tif) ? TIFFNumberOfTiles (tif) : TIFFNumberOfStrips (tif);
  guint32 width = 0, height = 0;

  if (!TIFFGetField (tif, TIFFTAG_IMAGEWIDTH, &width) ||
      !TIFFGetField (tif, TIFFTAG_IMAGELENGTH, &height) || width == 0 || height == 0 || n == 0)
    return FALSE;
  for (guint32 i = 0; i < n; i++)
    {
      int err = 0;
      guint64 offset = TIFFGetStrileOffsetWithErr (tif, i, &err);
      guint64 size = err ? 0 : TIFFGetStrileByteCountWithErr (tif, i, &err);

      if (err || size == 0 || offset > (guint64) byte_count || size > (guint64) byte_count - offset)
        return FALSE;
    }
  return TRUE;
}

static gboolean
count_tiff_pages (const char *path,
                  goffset     byte_count,
                  guint      *pages,
                  GError    **error)
{
  TIFFOpenOptions *options = TIFFOpenOptionsAlloc ();
  gboolean failed = FALSE;
  guint n = 0;
  TIFF *tif;

  TIFFOpenOptionsSetErrorHandlerExtR (options, tiff_note_error, &failed);
  TIFFOpenOptionsSetWarningHandlerExtR (options, tiff_ignore_warning, NULL);
  /* A hostile header must not make libtiff allocate without bound. */
  TIFFOpenOptionsSetMaxSingleMemAlloc (options, 64 * 1024 * 1024);
  tif = TIFFOpenExt (path, "r", options);
  TIFFOpenOptionsFree (options);
  if (tif == NULL)
    return refuse (error, path, _("is a damaged or incomplete image."));
  do
    {
      if (failed || !tiff_directory_complete (tif, byte_count))
        {
          failed = TRUE;
          break;
        }
      n++;
    }
  while (TIFFReadDirectory (tif));
  failed = failed || n == 0;
  TIFFClose (tif);
  if (failed)
    return refuse (error, path, _("is a damaged or incomplete image."));
  *pages = n;
  return TRUE;
}

static const guint8 png_end[12] = { 0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82 };

/* A PNG starts with its header chunk (non-zero size) and ends with IEND;
 * a JPEG starts with SOI and ends with EOI, perhaps before some padding. */
static gboolean
single_image_complete (CstRecordFileType  format,
                       const guint8    *head,
                       gsize            head_len,
                       const guint8    *tail,
                       gsize            tail_len)
{
  if (format == CST_RECORD_FILE_PNG)
    return head_len >= 24 && memcmp (head + 12, "IHDR", 4) == 0 &&
           memcmp (head + 16, "\0\0\0\0", 4) != 0 && memcmp (head + 20, "\0\0\0\0", 4) != 0 &&
           tail_len >= sizeof png_end && memcmp (tail + tail_len - sizeof png_end, png_end, sizeof png_end) == 0;
  for (gsize i = tail_len; i >= 2; i--)
    if (tail[i - 2] == 0xff && tail[i - 1] == 0xd9)
      return head_len > 4;
  return FALSE;
}

/* ---- the whole look -------------------------------------------------- */

/* @stop: (nullable): set once the caller stopped waiting; reading the
 * file ends there (libqpdf and libtiff cannot be stopped). */
static gboolean
inspect (const char        *path,
         goffset            size_limit,
         const gint        *stop,
         CstRecordFileInfo *info,
         GError           **error)
{
  guint8 head[1024], tail[64];
  gsize head_len = 0, tail_len = 0;
  g_autofree char *sha256 = NULL;
  GStatBuf st;
  goffset byte_count = 0;
  guint pages = 1;
  CstRecordFileType format;

  if (g_stat (path, &st) != 0)
    {
      int saved = errno;
      return refuse (error, path, _("cannot be read (%s)."), g_strerror (saved));
    }
  if (!S_ISREG (st.st_mode))
    return refuse (error, path, _("is not a file."));
  if (st.st_size == 0)
    return refuse (error, path, _("is empty."));
  if (size_limit > 0 && st.st_size > size_limit)
    {
      g_autofree char *limit = g_format_size ((guint64) size_limit);
      return refuse (error, path, _("is larger than the limit of %s."), limit);
    }
  if (!read_whole (path, stop, head, &head_len, sizeof head, tail, &tail_len, sizeof tail,
                   &sha256, &byte_count, error))
    return FALSE;
  /* The file may have grown since it was measured. */
  if (byte_count == 0)
    return refuse (error, path, _("is empty."));
  if (size_limit > 0 && byte_count > size_limit)
    {
      g_autofree char *limit = g_format_size ((guint64) size_limit);
      return refuse (error, path, _("is larger than the limit of %s."), limit);
    }
  if (!detect_format (head, head_len, &format))
    return refuse (error, path, _("is not a PDF or an image (PNG, JPEG or TIFF)."));

  switch (format)
    {
    case CST_RECORD_FILE_PDF:
      if (!count_pdf_pages (path, &pages, error))
        return FALSE;
      break;
    case CST_RECORD_FILE_TIFF:
      if (!count_tiff_pages (path, byte_count, &pages, error))
        return FALSE;
      break;
    case CST_RECORD_FILE_PNG:
    case CST_RECORD_FILE_JPEG:
    default:
      if (!single_image_complete (format, head, head_len, tail, tail_len))
        return refuse (error, path, _("is a damaged or incomplete image."));
      break;
    }

  info->type = format;
  info->pages = pages;
  info->sha256 = g_steal_pointer (&sha256);
  info->byte_count = byte_count;
  return TRUE;
}

gboolean
cst_record_file_inspect_untimed (const char        *path,
                                 goffset            size_limit,
                                 CstRecordFileInfo *info,
                                 GError           **error)
{
  return inspect (path, size_limit, NULL, info, error);
}

/* ---- with a time limit ----------------------------------------------- */

/* Shared by the caller and the thread that looks; whoever is last frees
 * it.  A thread past its time is left to finish on its own: a parser
 * cannot be stopped from outside, but nobody waits for it. */
typedef struct
{
  gint               refs;
  GMutex             lock;
  GCond              done_cond;
  gboolean           done;
  gint               stop;      /* atomic: the caller gave up waiting */
  char              *path;
  goffset            size_limit;
  gboolean           ok;
  CstRecordFileInfo  info;
  GError            *error;
} Look;

static void
look_unref (Look *look)
{
  if (!g_atomic_int_dec_and_test (&look->refs))
    return;
  g_mutex_clear (&look->lock);
  g_cond_clear (&look->done_cond);
  g_free (look->path);
  cst_record_file_info_clear (&look->info);
  g_clear_error (&look->error);
  g_free (look);
}

static gpointer
look_thread (gpointer data)
{
  Look *look = data;
  CstRecordFileInfo info = { 0 };
  GError *error = NULL;
  gboolean ok = inspect (look->path, look->size_limit, &look->stop, &info, &error);

  g_mutex_lock (&look->lock);
  look->ok = ok;
  look->info = info;
  look->error = error;
  look->done = TRUE;
  g_cond_signal (&look->done_cond);
  g_mutex_unlock (&look->lock);
  look_unref (look);
  return NULL;
}

gboolean
cst_record_file_inspect (const char             *path,
                         const CstPacketLimits  *limits,
                         CstRecordFileInfo      *info,
                         GError                **error)
{
  guint seconds = limits && limits->inspect_seconds ? limits->inspect_seconds
                                                    : CST_PACKET_INSPECT_SECONDS_DEFAULT;
  Look *look = g_new0 (Look, 1);
  g_autoptr(GThread) thread = NULL;
  gint64 deadline = g_get_monotonic_time () + (gint64) seconds * G_TIME_SPAN_SECOND;
  gboolean ok = FALSE;

  look->refs = 2;
  g_mutex_init (&look->lock);
  g_cond_init (&look->done_cond);
  look->path = g_strdup (path);
  look->size_limit = limits && limits->size_limit ? limits->size_limit : CST_PACKET_SIZE_LIMIT_DEFAULT;
  thread = g_thread_new ("cst-record-look", look_thread, look);

  g_mutex_lock (&look->lock);
  while (!look->done)
    if (!g_cond_wait_until (&look->done_cond, &look->lock, deadline))
      break;
  if (!look->done)
    {
      g_atomic_int_set (&look->stop, TRUE);
      refuse (error, path, _("took too long to read; it may be damaged."));
    }
  else if (!(ok = look->ok))
    g_propagate_error (error, g_steal_pointer (&look->error));
  else
    {
      *info = look->info;
      memset (&look->info, 0, sizeof look->info);
    }
  g_mutex_unlock (&look->lock);
  look_unref (look);
  return ok;
}
