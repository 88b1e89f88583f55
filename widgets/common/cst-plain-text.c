/* cst-plain-text.c — text from the database or the user, shown as it is */
#include "config.h"

#include "cst-plain-text.h"

/* NULL stays NULL (no text); anything else is escaped. */
static char *
escape_or_null (const char *text)
{
  return text != NULL ? g_markup_escape_text (text, -1) : NULL;
}

AdwToast *
cst_toast_new_plain (const char *text)
{
  g_autofree char *escaped = escape_or_null (text);

  return adw_toast_new (escaped ? escaped : "");
}

void
cst_status_page_set_plain_description (AdwStatusPage *page,
                                       const char    *text)
{
  g_autofree char *escaped = escape_or_null (text);

  adw_status_page_set_description (page, escaped);
}

void
cst_preferences_group_set_plain_description (AdwPreferencesGroup *group,
                                             const char          *text)
{
  g_autofree char *escaped = escape_or_null (text);

  adw_preferences_group_set_description (group, escaped);
}
