/* cst-test-async.c — running the main loop in a test until something happens */
#include "config.h"

#include "cst-test-async.h"

/* Runs one main loop iteration, or sleeps a moment when nothing is ready
 * (a result may be on its way from a thread). */
static void
iterate_or_nap (void)
{
  if (!g_main_context_iteration (NULL, FALSE))
    g_usleep (2000);
}

/* A GAsyncReadyCallback that keeps the result: @result_out is a
 * GAsyncResult ** the caller owns a reference through. */
void
cst_test_result_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      result_out)
{
  *(GAsyncResult **) result_out = g_object_ref (result);
}

/* Runs the main loop until cst_test_result_cb() has filled *@result, for at
 * most @seconds; fails the test if it has not.  Returns *@result. */
GAsyncResult *
cst_test_wait_result (GAsyncResult **result,
                      int            seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (*result == NULL && g_get_monotonic_time () < deadline)
    iterate_or_nap ();
  g_assert_nonnull (*result);
  return *result;
}

/* Runs the main loop until @done says so, for at most @seconds; returns
 * what @done said last.  @done is asked once a turn and its answer kept:
 * a condition may look only now and then (one that connects to the
 * database) and say FALSE to a second question asked at once. */
gboolean
cst_test_wait_until (CstTestCondition done,
                     gpointer         data,
                     int              seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  gboolean reached;

  while (!(reached = done (data)) && g_get_monotonic_time () < deadline)
    iterate_or_nap ();
  return reached;
}

/* Runs the main loop once (so work an action queued gets going), then
 * while @busy says so, for at most @seconds; TRUE if it is no longer busy. */
gboolean
cst_test_wait_while (CstTestCondition busy,
                     gpointer         data,
                     int              seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  gboolean still_busy;

  do
    iterate_or_nap ();
  while ((still_busy = busy (data)) && g_get_monotonic_time () < deadline);
  return !still_busy;
}

/* Runs the main loop for @ms milliseconds, whatever happens (animations,
 * a layout that settles over several frames, a delay that must pass). */
void
cst_test_iterate_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    iterate_or_nap ();
}

static gboolean
quit_cb (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

/* Runs the main loop for @ms milliseconds as an application's own loop
 * does: sleeping in poll until a source is ready, never waking on its own
 * (cst_test_iterate_for() naps and polls, which costs CPU time; a test that
 * measures the app's CPU time needs this). */
void
cst_test_run_for (guint ms)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  g_timeout_add (ms, quit_cb, loop);
  g_main_loop_run (loop);
}

/* Runs @times main loop iterations that do not wait: what is ready runs. */
void
cst_test_iterate (guint times)
{
  for (guint i = 0; i < times; i++)
    g_main_context_iteration (NULL, FALSE);
}
