/* cst-input.c — parsing and checking what people type
 *
 * The database refuses the same bad values; checking here first lets the
 * window say what is wrong beside the field before anything is sent.
 */
#define G_LOG_DOMAIN "cst-input"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "custodian/cst-error.h"
#include "custodian/cst-input.h"

/* US states, DC and the territories; the jurisdictions table of the first
 * migration lists the same codes (tests/unit/test-input.c checks). */
static const char *const jurisdictions[] = {
  "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI",
  "ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN",
  "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH",
  "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA",
  "WV", "WI", "WY", "PR", "GU", "VI", "AS", "MP", NULL
};

gboolean
cst_input_is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;
  for (; *text; text = g_utf8_next_char (text))
    if (!g_unichar_isspace (g_utf8_get_char (text)))
      return FALSE;
  return TRUE;
}

/* What makes a spreadsheet take a cell for a formula or a DDE call
 * (OWASP "CSV Injection"): = + - @ and |, in ASCII or as the fullwidth
 * and small forms that spreadsheets fold to ASCII (＝ ＋ － ＠ ｜, ﹦ ﹢ ﹣ ﹫). */
static gboolean
is_formula_start (gunichar c)
{
  static const gunichar starts[] = {
    '=', '+', '-', '@', '|', 0xFF1D, 0xFF0B, 0xFF0D, 0xFF20, 0xFF5C, 0xFE66, 0xFE62, 0xFE63, 0xFE6B,
  };

  for (guint i = 0; i < G_N_ELEMENTS (starts); i++)
    if (c == starts[i])
      return TRUE;
  return FALSE;
}

/**
 * cst_input_starts_formula:
 * @text: (nullable): a cell's text, UTF-8
 *
 * Whether a spreadsheet could run @text as a formula: it begins with a
 * tab or a carriage return, or, after any white space (spreadsheets skip
 * it), with one of = + - @ | or their fullwidth or small forms.  A CSV
 * writer puts "'" before such a cell.
 */
gboolean
cst_input_starts_formula (const char *text)
{
  if (text == NULL || *text == '\0')
    return FALSE;
  if (text[0] == '\t' || text[0] == '\r')
    return TRUE;
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char_validated (p, -1);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        return FALSE;
      if (!g_unichar_isspace (c))
        return is_formula_start (c);
    }
  return FALSE;
}

/**
 * cst_input_check_text:
 * @text: (array length=length): text from outside, e.g. a file
 * @length: its length in bytes, or -1 when NUL-terminated
 *
 * PostgreSQL text cannot hold a NUL character, and libpq ends a parameter
 * at the first one: a value with a NUL inside would be stored cut short
 * without anyone noticing.  Refuse it, and text that is not UTF-8
 * (including the "overlong" two-byte NUL some encoders write), instead.
 */
gboolean
cst_input_check_text (const char  *text,
                      gssize       length,
                      GError     **error)
{
  const char *end = NULL;

  if (text == NULL)
    return TRUE;
  if (length >= 0 && memchr (text, '\0', (gsize) length) != NULL)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("The text contains a NUL character at byte %u; it cannot be stored."),
                   (guint) ((const char *) memchr (text, '\0', (gsize) length) - text));
      return FALSE;
    }
  if (!g_utf8_validate (text, length, &end))
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("The text is not valid UTF-8 from byte %u on; it cannot be stored."),
                   (guint) (end - text));
      return FALSE;
    }
  return TRUE;
}

/* Accepts exactly YYYY-MM-DD: an unambiguous form in every locale. */
gboolean
cst_input_parse_date (const char  *text,
                      GDate       *date,
                      GError     **error)
{
  guint year = 0, month = 0, day = 0;
  g_autofree char *trimmed = g_strstrip (g_strdup (text ? text : ""));

  if (strlen (trimmed) != 10 || trimmed[4] != '-' || trimmed[7] != '-')
    goto malformed;
  for (guint i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (trimmed[i]))
      goto malformed;
  year = (guint) g_ascii_strtoull (trimmed, NULL, 10);
  month = (guint) g_ascii_strtoull (trimmed + 5, NULL, 10);
  day = (guint) g_ascii_strtoull (trimmed + 8, NULL, 10);
  if (!g_date_valid_dmy (day, month, year) || year < 1850)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("“%s” is not a real calendar date."), trimmed);
      return FALSE;
    }
  g_date_clear (date, 1);
  g_date_set_dmy (date, day, month, year);
  return TRUE;

malformed:
  g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
               _("“%s” is not a date; write it as YYYY-MM-DD, for example 2026-03-31."),
               trimmed);
  return FALSE;
}

/* An amount as a clerk types it: "12", "-3.89", "$1,250.00", "−4,50".
 * A comma followed by exactly one or two final digits is a decimal comma;
 * otherwise commas group thousands.  Never floating point. */
gboolean
cst_input_parse_money (const char *text,
                       gint64     *cents,
                       GError    **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text ? text : ""));
  const char *p = trimmed;
  gboolean negative = FALSE;
  gint64 whole = 0, fraction = 0;
  int n_digits = 0, n_fraction = -1;

  if (g_str_has_prefix (p, "\xe2\x88\x92"))  /* U+2212 MINUS SIGN */
    negative = TRUE, p += 3;
  else if (*p == '-' || *p == '+')
    negative = *p++ == '-';
  if (*p == '$')
    p++;
  for (; *p; p++)
    {
      gboolean separator = *p == '.' || *p == ',';
      size_t rest = strlen (p + 1);

      if (separator && n_fraction < 0 && n_digits > 0 && (rest == 1 || rest == 2) &&
          g_ascii_isdigit (p[1]) && (rest == 1 || g_ascii_isdigit (p[2])))
        n_fraction = 0;
      else if (*p == ',' && n_fraction < 0 && n_digits > 0)
        continue;
      else if (!g_ascii_isdigit (*p) || (n_fraction < 0 && n_digits >= 15))  /* no overflow */
        goto malformed;
      else if (n_fraction >= 0)
        fraction = fraction * 10 + (*p - '0'), n_fraction++;
      else
        whole = whole * 10 + (*p - '0'), n_digits++;
    }
  if (n_digits == 0)
    goto malformed;
  if (n_fraction == 1)
    fraction *= 10;
  *cents = (whole * 100 + fraction) * (negative ? -1 : 1);
  return TRUE;

malformed:
  g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
               _("“%s” is not an amount of money; write it like 12.50 or -3.89."), trimmed);
  return FALSE;
}

char *
cst_input_format_date (const GDate *date)
{
  if (date == NULL || !g_date_valid (date))
    return g_strdup ("");
  return g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (date),
                          g_date_get_month (date), g_date_get_day (date));
}

/* The calendar day of @time, in @time's own time zone. */
void
cst_input_date_of (GDateTime *time,
                   GDate     *date)
{
  g_date_clear (date, 1);
  g_date_set_dmy (date, g_date_time_get_day_of_month (time),
                  g_date_time_get_month (time), g_date_time_get_year (time));
}

/* The local time zone, read again when TZ changes and otherwise at most
 * once a minute.  GLib 2.74's g_time_zone_new_local() parses
 * /etc/localtime at every call when TZ is unset, and today's date is asked
 * for by every due badge the request list binds (issue 24: 2% of a search
 * keystroke); a new /etc/localtime is seen within the minute. */
static GTimeZone *
local_zone (void)
{
  static GMutex lock;
  static GTimeZone *zone;
  static char *zone_tz;
  static gint64 read_at;
  const char *tz = g_getenv ("TZ");
  gint64 now = g_get_monotonic_time ();
  GTimeZone *local;

  g_mutex_lock (&lock);
  if (zone == NULL || now - read_at >= 60 * G_USEC_PER_SEC || g_strcmp0 (tz, zone_tz) != 0)
    {
      g_clear_pointer (&zone, g_time_zone_unref);
      g_free (zone_tz);
      zone = g_time_zone_new_local ();
      zone_tz = g_strdup (tz);
      read_at = now;
    }
  local = g_time_zone_ref (zone);
  g_mutex_unlock (&lock);
  return local;
}

void
cst_input_today (GDate *date)
{
  g_autoptr(GTimeZone) zone = local_zone ();
  g_autoptr(GDateTime) now = g_date_time_new_now (zone);

  cst_input_date_of (now, date);
}

gboolean
cst_input_check_received_date (const GDate  *received,
                               GError      **error)
{
  GDate today;

  cst_input_today (&today);
  if (received == NULL || !g_date_valid (received))
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                           _("The date the request was received is required."));
      return FALSE;
    }
  if (g_date_compare (received, &today) > 0)
    {
      g_autofree char *text = cst_input_format_date (received);
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("The received date %s is in the future."), text);
      return FALSE;
    }
  return TRUE;
}

gboolean
cst_input_is_jurisdiction (const char *code)
{
  return code != NULL && g_strv_contains (jurisdictions, code);
}

gboolean
cst_input_check_jurisdiction (const char  *code,
                              GError     **error)
{
  if (cst_input_is_jurisdiction (code))
    return TRUE;
  g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
               _("“%s” is not a US state or territory code; use two capital letters such as NY or TX."),
               code ? code : "");
  return FALSE;
}

const char *const *
cst_input_list_jurisdictions (void)
{
  return jurisdictions;
}
