/* cst-redaction-finder.h — Find Proposals: the proposal finder run from
 * the page view, off the main loop, with progress and Stop; the other
 * people the request names, and (administrators) the configured terms */
#pragma once

#include <adwaita.h>
#include <custodian/cst-connection.h>
#include <custodian/cst-redaction-others.h>

G_BEGIN_DECLS

#define CST_TYPE_REDACTION_FINDER (cst_redaction_finder_get_type ())
G_DECLARE_FINAL_TYPE (CstRedactionFinder, cst_redaction_finder, CST, REDACTION_FINDER, AdwWindow)

CstRedactionFinder      *cst_redaction_finder_new         (CstConnection      *connection,
                                                           gint64              request_id);
const CstRedactionSetup *cst_redaction_finder_get_setup   (CstRedactionFinder *self);
gboolean                 cst_redaction_finder_is_busy     (CstRedactionFinder *self);
gboolean                 cst_redaction_finder_is_finding  (CstRedactionFinder *self);
const char              *cst_redaction_finder_get_message (CstRedactionFinder *self);

G_END_DECLS
