/* cst-plain-text.h — text from the database or the user, shown as it is
 *
 * libadwaita reads toasts, status-page and group descriptions as Pango
 * markup.  A requester named "Marsh & Patel LLP" is not markup: the label
 * refuses it and keeps the text it showed before, another person's.  These
 * helpers escape the text first; rows showing data set use-markup to false.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

AdwToast *cst_toast_new_plain                          (const char          *text);
void      cst_status_page_set_plain_description        (AdwStatusPage       *page,
                                                        const char          *text);
void      cst_preferences_group_set_plain_description  (AdwPreferencesGroup *group,
                                                        const char          *text);

G_END_DECLS
