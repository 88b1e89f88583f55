/* cst-remittance-835.c — an X12 835 (health care claim payment/advice)
 * read into a CstRemittance
 *
 * The separators come from the fixed-width ISA header: the element
 * separator is its 4th byte, the component separator its 105th and the
 * segment terminator its 106th.  Read: N1*PR (payer), CLP (claim), SVC
 * (service line), CAS (adjustments, attached to the service line after
 * an SVC, else to the claim).  Other segments are passed over.  Every
 * refusal names the segment (its number in the file and its ID) and the
 * element (e.g. CLP04).
 */
#define G_LOG_DOMAIN "cst-remittance"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "custodian/cst-error.h"
#include "custodian/cst-money.h"
#include "custodian/cst-remittance.h"

#define ISA_LENGTH 106
#define NOT_SENT G_MININT64

typedef struct
{
  char                  element_separator[2];
  char                  segment_terminator;
  guint                 number;       /* 1-based segment number */
  char                **elements;     /* the current segment; [0] is its ID */
  guint                 n_elements;
  CstRemittance        *remittance;
  CstRemittanceClaim   *claim;        /* the claim being read, owned by remittance */
  CstRemittanceService *service;
  guint                 claim_number; /* segment number of its CLP */
} Reader;

static gboolean refuse_at (guint        number,
                           const char  *id,
                           guint        element,
                           GError     **error,
                           const char  *format,
                           va_list      args) G_GNUC_PRINTF (5, 0);

/* "835 segment 16 (CLP), element CLP04: …" */
static gboolean
refuse_at (guint        number,
           const char  *id,
           guint        element,
           GError     **error,
           const char  *format,
           va_list      args)
{
  g_autofree char *reason = g_strdup_vprintf (format, args);

  if (element == 0)
    g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT, _("835 segment %u (%s): %s"),
                 number, id, reason);
  else
    g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT, _("835 segment %u (%s), element %s%02u: %s"),
                 number, id, id, element, reason);
  return FALSE;
}

static gboolean refuse (Reader *reader, guint element, GError **error, const char *format, ...) G_GNUC_PRINTF (4, 5);

/* Refuses at the current segment. */
static gboolean
refuse (Reader      *reader,
        guint        element,
        GError     **error,
        const char  *format,
        ...)
{
  va_list args;

  va_start (args, format);
  refuse_at (reader->number, reader->elements && reader->elements[0] ? reader->elements[0] : "ISA",
             element, error, format, args);
  va_end (args);
  return FALSE;
}

static gboolean refuse_claim (Reader *reader, guint element, GError **error, const char *format, ...) G_GNUC_PRINTF (4, 5);

/* Refuses at the CLP of the claim being read. */
static gboolean
refuse_claim (Reader      *reader,
              guint        element,
              GError     **error,
              const char  *format,
              ...)
{
  va_list args;

  va_start (args, format);
  refuse_at (reader->claim_number, "CLP", element, error, format, args);
  va_end (args);
  return FALSE;
}

static const char *
element (Reader *reader,
         guint   position)
{
  return position < reader->n_elements ? reader->elements[position] : "";
}

static gboolean
read_text (Reader      *reader,
           guint        position,
           char       **field,
           GError     **error)
{
  const char *value = element (reader, position);

  if (*value == '\0')
    return refuse (reader, position, error, _("it is required and empty."));
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static gboolean
read_amount (Reader      *reader,
             guint        position,
             gint64      *cents,
             GError     **error)
{
  const char *value = element (reader, position);

  if (!cst_remittance_parse_decimal (value, strlen (value), cents))
    return refuse (reader, position, error, _("“%s” is not an amount (like 1503.85)."), value);
  return TRUE;
}

/* charge − payment = the sum of every adjustment, claim and service level;
 * and CLP05, when sent, is the patient's (PR) part of them. */
static gboolean
check_balance (Reader  *reader,
               GError **error)
{
  CstRemittanceClaim *claim = reader->claim;
  CstRemittanceSummary summary;
  gint64 adjusted, owed;

  if (claim == NULL)
    return TRUE;
  cst_remittance_claim_summarize (claim, &summary);
  adjusted = summary.adjustments_cents + summary.patient_responsibility_cents;
  owed = claim->charge_cents - claim->paid_cents;
  if (claim->patient_responsibility_cents == NOT_SENT)
    claim->patient_responsibility_cents = summary.patient_responsibility_cents;
  if (owed != adjusted)
    {
      g_autofree char *charge = cst_money_format (claim->charge_cents);
      g_autofree char *paid = cst_money_format (claim->paid_cents);
      g_autofree char *difference = cst_money_format (owed);
      g_autofree char *sum = cst_money_format (adjusted);

      return refuse_claim (reader, 4, error,
                     _("claim “%s” does not balance: charge %s (CLP03) − payment %s (CLP04) = %s, but its adjustments (CAS) add up to %s."),
                     claim->patient_control_number, charge, paid, difference, sum);
    }
  if (claim->patient_responsibility_cents != summary.patient_responsibility_cents)
    {
      g_autofree char *stated = cst_money_format (claim->patient_responsibility_cents);
      g_autofree char *sum = cst_money_format (summary.patient_responsibility_cents);

      return refuse_claim (reader, 5, error,
                     _("claim “%s” gives the patient’s responsibility as %s, but its PR adjustments add up to %s."),
                     claim->patient_control_number, stated, sum);
    }
  return TRUE;
}

static gboolean
read_claim (Reader  *reader,
            GError **error)
{
  CstRemittanceClaim *claim = cst_remittance_claim_new ();
  const char *responsibility = element (reader, 5);

  g_ptr_array_add (reader->remittance->claims, claim);
  reader->claim = claim;
  reader->service = NULL;
  reader->claim_number = reader->number;
  if (!read_text (reader, 1, &claim->patient_control_number, error) ||
      !read_text (reader, 2, &claim->status, error) ||
      !read_amount (reader, 3, &claim->charge_cents, error) ||
      !read_amount (reader, 4, &claim->paid_cents, error))
    return FALSE;
  if (*responsibility != '\0' && !read_amount (reader, 5, &claim->patient_responsibility_cents, error))
    return FALSE;
  if (*responsibility == '\0')
    claim->patient_responsibility_cents = NOT_SENT;  /* then the PR sum: see check_balance */
  if (*element (reader, 7) != '\0')
    claim->payer_claim_number = g_strdup (element (reader, 7));
  return TRUE;
}

static gboolean
read_service (Reader  *reader,
              GError **error)
{
  CstRemittanceService *service;

  if (reader->claim == NULL)
    return refuse (reader, 0, error, _("a service line before any claim (CLP)."));
  service = cst_remittance_service_new ();
  g_ptr_array_add (reader->claim->services, service);
  reader->service = service;
  return read_text (reader, 1, &service->procedure, error) &&
         read_amount (reader, 2, &service->charge_cents, error) &&
         read_amount (reader, 3, &service->paid_cents, error);
}

static gboolean
is_group (const char *group)
{
  return g_str_equal (group, "CO") || g_str_equal (group, "OA") ||
         g_str_equal (group, "PI") || g_str_equal (group, "PR") || g_str_equal (group, "CR");
}

/* CAS*group*reason*amount*quantity*reason*amount*quantity…: up to six. */
static gboolean
read_adjustments (Reader  *reader,
                  GError **error)
{
  GPtrArray *target;
  const char *group = element (reader, 1);
  guint n_read = 0;

  if (reader->claim == NULL)
    return refuse (reader, 0, error, _("an adjustment before any claim (CLP)."));
  if (!is_group (group))
    return refuse (reader, 1, error, _("“%s” is not an adjustment group (CO, OA, PI, PR or CR)."), group);
  target = reader->service ? reader->service->adjustments : reader->claim->adjustments;
  for (guint position = 2; position <= 17; position += 3)
    {
      const char *reason = element (reader, position);
      gint64 cents;

      if (*reason == '\0')
        continue;
      if (!read_amount (reader, position + 1, &cents, error))
        return FALSE;
      cst_remittance_add_adjustment (target, group, reason, cents);
      n_read++;
    }
  if (n_read == 0)
    return refuse (reader, 2, error, _("the adjustment has no reason code."));
  return TRUE;
}

static gboolean
read_segment (Reader  *reader,
              GError **error)
{
  const char *id = reader->elements[0];

  if (g_str_equal (id, "N1") && g_str_equal (element (reader, 1), "PR"))
    return read_text (reader, 2, &reader->remittance->payer, error);
  if (g_str_equal (id, "CLP"))
    return check_balance (reader, error) && read_claim (reader, error);
  if (g_str_equal (id, "SVC"))
    return read_service (reader, error);
  if (g_str_equal (id, "CAS"))
    return read_adjustments (reader, error);
  if (g_str_equal (id, "SE") || g_str_equal (id, "LX"))
    {
      gboolean balanced = check_balance (reader, error);

      reader->claim = NULL;
      reader->service = NULL;
      return balanced;
    }
  return TRUE;
}

static gboolean
read_header (Reader      *reader,
             const char  *data,
             gsize        length,
             GError     **error)
{
  if (length < ISA_LENGTH || memcmp (data, "ISA", 3) != 0)
    return refuse (reader, 0, error, _("the file does not start with a complete ISA header (106 characters)."));
  reader->element_separator[0] = data[3];
  reader->segment_terminator = data[ISA_LENGTH - 1];
  /* A separator must be a visible character that cannot be data; a NUL
   * element separator would also leave g_strsplit() nothing to split on. */
  if (!g_ascii_isgraph (data[3]) || g_ascii_isalnum (data[3]) ||
      g_ascii_isalnum (data[ISA_LENGTH - 1]) || data[ISA_LENGTH - 1] == '\0' ||
      data[3] == data[ISA_LENGTH - 1] || data[ISA_LENGTH - 1] == ' ')
    return refuse (reader, 16, error, _("the ISA header does not give usable separators."));
  return TRUE;
}

/* Makes the next segment current; FALSE at the end of the data. */
static gboolean
next_segment (Reader      *reader,
              const char **cursor,
              const char  *end,
              gboolean    *malformed)
{
  const char *p = *cursor, *stop;
  g_autofree char *text = NULL;

  while (p < end && (*p == '\r' || *p == '\n'))
    p++;
  if (p == end)
    return FALSE;
  stop = memchr (p, reader->segment_terminator, (size_t) (end - p));
  reader->number++;
  g_clear_pointer (&reader->elements, g_strfreev);
  text = g_strndup (p, stop ? (gsize) (stop - p) : (gsize) (end - p));
  /* An empty segment ("~~") splits into no elements: keep an empty ID so
   * that it is refused as such. */
  reader->elements = g_strsplit (text, reader->element_separator, -1);
  if (reader->elements[0] == NULL)
    {
      g_strfreev (reader->elements);
      reader->elements = g_new0 (char *, 2);
      reader->elements[0] = g_strdup ("");
    }
  reader->n_elements = g_strv_length (reader->elements);
  *malformed = stop == NULL || strlen (text) != (gsize) (stop - p);
  *cursor = stop ? stop + 1 : end;
  return TRUE;
}

static gboolean
read_segments (Reader      *reader,
               const char  *data,
               gsize        length,
               GError     **error)
{
  const char *cursor = data, *end = data + length;
  gboolean malformed = FALSE;

  while (next_segment (reader, &cursor, end, &malformed))
    {
      const char *id = reader->elements[0];

      if (malformed)
        return refuse (reader, 0, error, _("the segment has no terminator or holds a NUL byte."));
      if (strlen (id) < 2 || strlen (id) > 3 || !g_ascii_isupper (id[0]))
        return refuse (reader, 0, error, _("“%s” is not a segment ID."), id);
      if (!read_segment (reader, error))
        return FALSE;
    }
  return check_balance (reader, error);
}

CstRemittance *
cst_remittance_parse_835 (const char  *data,
                          gsize        length,
                          GError     **error)
{
  g_autoptr(CstRemittance) remittance = cst_remittance_new ();
  Reader reader = { .remittance = remittance };
  gboolean ok;

  ok = read_header (&reader, data, length, error) && read_segments (&reader, data, length, error);
  if (ok && remittance->claims->len == 0)
    ok = refuse (&reader, 0, error, _("the file holds no claim (CLP)."));
  g_strfreev (reader.elements);
  return ok ? g_steal_pointer (&remittance) : NULL;
}
