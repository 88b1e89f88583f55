/* cst-renderer.c — what GDK loads to draw
 *
 * With the cairo renderer (GSK_RENDERER=cairo: a virtual-desktop server
 * without a GPU, a headless X server, the tests), nothing is drawn with
 * GL, yet GDK 4.8 on X11 still opens the GL driver at start, only to
 * choose the window's visual.  Under Mesa's software rasteriser that
 * driver is llvmpipe: 57 MiB of the window's resident set (libLLVM alone
 * 43 MiB, bench/window/README.md) and its start-up time, in every clerk's
 * process.  GDK_DEBUG=gl-disable keeps it out. */
#include "config.h"

#include <string.h>

#include "cst-renderer.h"

/* Before gtk_init(): GDK reads its environment once, at start.  A
 * GDK_DEBUG the user set is kept, and one that already speaks of GL is
 * left as it is. */
void
cst_renderer_prepare (void)
{
  const char *debug = g_getenv ("GDK_DEBUG");
  g_autofree char *flags = NULL;

  if (g_strcmp0 (g_getenv ("GSK_RENDERER"), "cairo") != 0)
    return;
  if (debug != NULL && strstr (debug, "gl") != NULL)
    return;
  flags = debug != NULL && *debug != '\0' ? g_strconcat (debug, ",gl-disable", NULL)
                                          : g_strdup ("gl-disable");
  g_setenv ("GDK_DEBUG", flags, TRUE);
}
