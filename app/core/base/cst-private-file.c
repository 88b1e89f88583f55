/* cst-private-file.c — files that hold patient data, readable by their
 * owner only
 *
 * Every file Custodian writes that names a patient (letters, invoices,
 * statements, evidence packs, the fee report) is made as a temporary file
 * with mode 0600 beside its destination, filled, and renamed over it.  So
 * the mode is 0600 whatever the umask, also when an older file of the
 * same name was readable by others (opening that one would keep its
 * mode), and a failed write leaves no half-written file.
 */
#define G_LOG_DOMAIN "cst-private-file"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "custodian/cst-private-file.h"

static gboolean
set_io_error (const char  *path,
              int          saved_errno,
              GError     **error)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               _("Could not write %s: %s"), path, g_strerror (saved_errno));
  return FALSE;
}

/**
 * cst_private_file_create_temp:
 * @temp_path: (out): where the temporary file is, for
 *   cst_private_file_commit() or g_unlink()
 *
 * Returns: a file descriptor open for writing a new 0600 file beside
 *   @path, or -1 with @error set
 */
int
cst_private_file_create_temp (const char  *path,
                              char       **temp_path,
                              GError     **error)
{
  g_autofree char *tmp = g_strconcat (path, ".XXXXXX", NULL);
  int fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0600);

  if (fd < 0)
    {
      set_io_error (path, errno, error);
      return -1;
    }
  *temp_path = g_steal_pointer (&tmp);
  return fd;
}

/**
 * cst_private_file_commit:
 *
 * Renames the finished temporary file over @path; on failure removes it.
 */
gboolean
cst_private_file_commit (const char  *temp_path,
                         const char  *path,
                         GError     **error)
{
  if (g_rename (temp_path, path) == 0)
    return TRUE;
  set_io_error (path, errno, error);
  g_unlink (temp_path);
  return FALSE;
}

static gboolean
write_all (int          fd,
           const char  *data,
           gsize        length)
{
  while (length > 0)
    {
      gssize written = write (fd, data, length);

      if (written < 0 && errno == EINTR)
        continue;
      if (written <= 0)
        return FALSE;
      data += written;
      length -= (gsize) written;
    }
  return TRUE;
}

/**
 * cst_private_file_write:
 * @length: the size of @data, or -1 for a nul-terminated string
 *
 * Writes @data to @path as a 0600 file, replacing any file there.
 */
gboolean
cst_private_file_write (const char  *path,
                        const void  *data,
                        gssize       length,
                        GError     **error)
{
  g_autofree char *tmp = NULL;
  gsize size = length < 0 ? strlen (data) : (gsize) length;
  int fd = cst_private_file_create_temp (path, &tmp, error);
  int saved;

  if (fd < 0)
    return FALSE;
  if (write_all (fd, data, size) && close (fd) == 0)
    return cst_private_file_commit (tmp, path, error);
  saved = errno;
  close (fd);
  g_unlink (tmp);
  return set_io_error (path, saved, error);
}

typedef struct
{
  GFile  *file;
  GBytes *bytes;
} WriteJob;

static void
write_job_free (WriteJob *job)
{
  g_object_unref (job->file);
  g_bytes_unref (job->bytes);
  g_free (job);
}

static void
write_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  WriteJob *job = task_data;
  GFile *file = job->file;
  g_autofree char *path = g_file_get_path (file);
  gsize size;
  const void *data = g_bytes_get_data (job->bytes, &size);
  GError *error = NULL;
  gboolean ok;

  /* A location with no local path (a remote share without a local
   * mount): GIO's own private replace is the closest there is. */
  if (path == NULL)
    ok = g_file_replace_contents (file, data, size, NULL, FALSE,
                                  G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                                  NULL, cancellable, &error);
  else
    ok = cst_private_file_write (path, data, (gssize) size, &error);
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * cst_private_file_write_async:
 *
 * cst_private_file_write() in a thread, for a file chosen in a dialog.
 */
void
cst_private_file_write_async (GFile               *file,
                              GBytes              *bytes,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  WriteJob *job = g_new0 (WriteJob, 1);

  job->file = g_object_ref (file);
  job->bytes = g_bytes_ref (bytes);
  g_task_set_source_tag (task, cst_private_file_write_async);
  g_task_set_task_data (task, job, (GDestroyNotify) write_job_free);
  g_task_run_in_thread (task, write_in_thread);
}

gboolean
cst_private_file_write_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
