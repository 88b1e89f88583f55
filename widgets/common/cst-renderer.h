/* cst-renderer.h — what GDK loads to draw */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void cst_renderer_prepare (void);

G_END_DECLS
