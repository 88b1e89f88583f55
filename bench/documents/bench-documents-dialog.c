/* bench-documents-dialog.c — a letter chosen in the documents dialog to
 * its first page on screen, now and the way it was until issue 24
 *
 * Three ways, each until the window's next frame after the new page's
 * texture is swapped in, rounds turning through cover letter, denial
 * letter, extension notice and which way goes first, so all see the same
 * load:
 * - before: what the dialog did until issue 24, on a CstPdfPreview in a
 *   window of its own — the PDF made and recorded on the connection's
 *   worker (cst_document_repo_preview_async, which the dialog still uses
 *   to save or print), then loaded in Poppler and page 1 drawn on the
 *   preview's worker;
 * - now, the same window: the letter drawn for the screen on the
 *   connection's worker, page 1 painted there (cst_document_preview_async)
 *   and shown at once;
 * - now, the dialog itself: the kind chosen (cst_documents_dialog_show_kind(),
 *   what picking it in the dropdown does) to the page on screen.  As the clerk's login, against
 * the throwaway server (build-aux/test-server.sh), under a display:
 *
 *   xvfb-run -a meson test -C build --benchmark --suite documents-dialog -v
 *
 * Rounds: CUSTODIAN_BENCH_ROUNDS (default 30).
 */
#include "config.h"

#include <adwaita.h>
#include <time.h>

#include "cst-documents-dialog.h"
#include "cst-pdf-preview.h"
#include "cst-test-db.h"
#include "cst-bench.h"
#include "cst-renderer.h"

static const CstDocumentKind kinds[] = {
  CST_DOCUMENT_COVER_LETTER, CST_DOCUMENT_DENIAL_LETTER, CST_DOCUMENT_EXTENSION_NOTICE,
};

/* What shows a window's page: the picture in its preview, and whether it
 * has shown a new page and painted a frame since. */
typedef struct
{
  GtkWidget *picture;
  gboolean   swapped;
  gboolean   painted;
  gint64     swapped_at;
} Screen;

static GtkWidget *
find_picture (GtkWidget *widget)
{
  if (GTK_IS_PICTURE (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_picture (child);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
swapped_cb (GObject    *picture,
            GParamSpec *pspec,
            Screen     *screen)
{
  screen->swapped = TRUE;
  screen->painted = FALSE;
  screen->swapped_at = g_get_monotonic_time ();
}

static void
after_paint_cb (GdkFrameClock *clock,
                Screen        *screen)
{
  if (screen->swapped)
    screen->painted = TRUE;
}

static void
watch (Screen    *screen,
       GtkWidget *window,
       GtkWidget *preview)
{
  screen->picture = find_picture (preview);
  g_assert (screen->picture != NULL);
  g_assert (gtk_widget_get_frame_clock (window) != NULL);
  g_signal_connect (screen->picture, "notify::paintable", G_CALLBACK (swapped_cb), screen);
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (after_paint_cb), screen);
}

static void
wait_on_screen (Screen *screen)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!screen->painted && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert (screen->painted);
  screen->swapped = screen->painted = FALSE;
}

static void
report (const char *what,
        GArray     *ms)
{
  CstBenchSpread spread = cst_bench_spread (ms);

  g_print ("%-58s n=%-3u median %7.2f  p95 %7.2f  min %7.2f ms\n", what, spread.n,
           spread.median, spread.p95, spread.min);
}

static void
print_load (void)
{
  g_autofree char *load = cst_bench_load_average ();

  g_print ("load average: %s", load);
}

typedef struct
{
  CstPdfPreview *preview;
  gint64         back;      /* when the connection's worker handed the result back */
} Before;

static void
pdf_made_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Before *before = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = cst_document_repo_preview_finish (CST_CONNECTION (object), result, &error);

  before->back = g_get_monotonic_time ();
  if (pdf == NULL)
    g_error ("bench-documents-dialog: %s", error->message);
  cst_pdf_preview_load_bytes (before->preview, pdf);
}

static void
pages_made_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Before *before = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstPdfPages) pages = cst_document_preview_finish (CST_CONNECTION (object), result, &error);

  before->back = g_get_monotonic_time ();
  if (pages == NULL)
    g_error ("bench-documents-dialog: %s", error->message);
  cst_pdf_preview_load_pages (before->preview, pages);
}

static CstRequest *
sample_request (PGconn *clerk)
{
  CstRequest *request = cst_test_db_add_request_for (clerk, "BENCH-LETTER-1", "José Núñez",
                                                     CST_REQUESTER_PATIENT, "NY");
  g_autoptr(GError) error = NULL;

  if (!cst_withholding_record (clerk, request, CST_WITHHELD_PSYCHOTHERAPY_NOTES,
                               "Psychotherapy notes of the 2024 sessions", &error))
    g_error ("bench-documents-dialog: %s", error->message);
  return request;
}

int
main (int    argc,
      char **argv)
{
  const char *rounds_env = g_getenv ("CUSTODIAN_BENCH_ROUNDS");
  guint rounds = rounds_env ? (guint) g_ascii_strtoull (rounds_env, NULL, 10) : 30;
  g_autoptr(CstTestDb) db = NULL;
  g_autofree char *login = NULL;
  g_autoptr(PGconn) clerk = NULL;
  g_autoptr(CstConnection) connection = NULL;
  g_autoptr(CstConnection) before_connection = NULL;
  g_autoptr(CstRequest) request = NULL;
  g_autoptr(GArray) now_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) now_cpu = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) before_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) before_cpu = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) layout_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) layout_cpu = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) before_back = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) layout_back = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) before_swap = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) layout_swap = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) now_swap = g_array_new (FALSE, FALSE, sizeof (double));
  CstDocumentsDialog *dialog;
  GtkWidget *before_window;
  Before before;
  Screen now_screen = { 0 }, before_screen = { 0 };

  cst_renderer_prepare ();
  gtk_init ();
  adw_init ();
  db = cst_test_db_new ();
  login = cst_test_db_create_login (db, "custodian_clerk");
  clerk = cst_db_connect (login, NULL);
  request = sample_request (clerk);
  connection = cst_connection_new (login);
  before_connection = cst_connection_new (login);

  dialog = cst_documents_dialog_new (NULL, connection, request);
  gtk_window_set_default_size (GTK_WINDOW (dialog), 900, 760);
  gtk_window_present (GTK_WINDOW (dialog));
  watch (&now_screen, GTK_WIDGET (dialog), cst_documents_dialog_get_preview (dialog));

  before.preview = CST_PDF_PREVIEW (cst_pdf_preview_new ());
  before_window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (before_window), 900, 760);
  gtk_window_set_child (GTK_WINDOW (before_window), GTK_WIDGET (before.preview));
  gtk_window_present (GTK_WINDOW (before_window));
  watch (&before_screen, before_window, GTK_WIDGET (before.preview));

  /* Both once before timing: fonts, templates, the first texture. */
  cst_documents_dialog_show_kind (dialog, CST_DOCUMENT_COVER_LETTER);
  wait_on_screen (&now_screen);
  cst_document_repo_preview_async (before_connection, CST_DOCUMENT_COVER_LETTER, request, "en", NULL,
                                   NULL, pdf_made_cb, &before);
  wait_on_screen (&before_screen);

  print_load ();
  for (guint round = 0; round < rounds; round++)
    for (guint j = 0; j < 3; j++)
      {
        CstDocumentKind kind = kinds[(round + 1) % G_N_ELEMENTS (kinds)];
        guint way = (round + j) % 3;   /* which goes first turns */
        gint64 start = g_get_monotonic_time ();
        double cpu_start = cst_bench_cpu_ms (), ms;
        GArray *wall[] = { before_ms, layout_ms, now_ms }, *cpu[] = { before_cpu, layout_cpu, now_cpu };

        if (way == 0)
          {
            cst_document_repo_preview_async (before_connection, kind, request, "en", NULL, NULL,
                                             pdf_made_cb, &before);
            wait_on_screen (&before_screen);
          }
        else if (way == 1)
          {
            cst_document_preview_async (before_connection, kind, request, "en", NULL, 0,
                                        cst_pdf_preview_get_scale (before.preview), NULL,
                                        pages_made_cb, &before);
            wait_on_screen (&before_screen);
          }
        else
          {
            cst_documents_dialog_show_kind (dialog, kind);
            wait_on_screen (&now_screen);
          }
        if (way < 2)
          {
            ms = (before.back - start) / 1000.0;
            g_array_append_val (way == 0 ? before_back : layout_back, ms);
          }
        ms = ((way < 2 ? before_screen.swapped_at : now_screen.swapped_at) - start) / 1000.0;
        g_array_append_val (way == 0 ? before_swap : way == 1 ? layout_swap : now_swap, ms);
        ms = (g_get_monotonic_time () - start) / 1000.0;
        g_array_append_val (wall[way], ms);
        ms = cst_bench_cpu_ms () - cpu_start;
        g_array_append_val (cpu[way], ms);
      }
  report ("PDF made + Poppler, in a preview (before)", before_ms);
  report ("layout drawn for the screen, in a preview (now)", layout_ms);
  report ("the dialog: letter chosen -> page on screen (now)", now_ms);
  report ("  the PDF back from the worker (before)", before_back);
  report ("  the pages back from the worker (now)", layout_back);
  report ("  the page's texture swapped in (before)", before_swap);
  report ("  the page's texture swapped in (now)", layout_swap);
  report ("  the page's texture swapped in (the dialog)", now_swap);
  report ("  CPU of the process: PDF + Poppler (before)", before_cpu);
  report ("  CPU of the process: layout drawn (now)", layout_cpu);
  report ("  CPU of the process: the dialog (now)", now_cpu);
  print_load ();
  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (before_window));
  return 0;
}
