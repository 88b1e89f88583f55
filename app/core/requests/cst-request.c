/* cst-request.c — one release-of-information request
 *
 * Text and date fields are kept in arrays indexed by property, so that
 * copying, comparing and merging a request is one loop over its
 * properties instead of a hand-written line per field.
 */
#define G_LOG_DOMAIN "cst-request"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "custodian/cst-error.h"
#include "custodian/cst-input.h"
#include "custodian/cst-locale-format.h"
#include "custodian/cst-request.h"
#include "cst-request-private.h"

enum {
  TEXT_REFERENCE,
  TEXT_PATIENT_MRN,
  TEXT_PATIENT_FAMILY_NAME,
  TEXT_PATIENT_GIVEN_NAME,
  TEXT_REQUESTER_NAME,
  TEXT_REQUESTER_ORGANIZATION,
  TEXT_REQUESTER_ADDRESS,
  TEXT_REQUESTER_EMAIL,
  TEXT_REQUESTER_PHONE,
  TEXT_JURISDICTION,
  TEXT_PURPOSE,
  TEXT_AUTHORIZATION_NOTES,
  TEXT_STATUS_REASON,
  TEXT_EXTENSION_REASON,
  TEXT_ASSIGNEE,
  TEXT_UPDATED_BY,
  TEXT_PURPOSE_CODE,    /* the fee engine's purpose nick, "benefits-claim" */
  TEXT_FACILITY_CODE,   /* the facility the request belongs to (0080), "MAIN" */
  N_TEXTS
};

static const char *const text_names[N_TEXTS] = {
  "reference", "patient-mrn", "patient-family-name", "patient-given-name",
  "requester-name", "requester-organization", "requester-address",
  "requester-email", "requester-phone", "jurisdiction", "purpose",
  "authorization-notes", "status-reason", "extension-reason", "assignee",
  "updated-by", "purpose-code", "facility-code",
};

enum {
  DATE_RECEIVED,
  DATE_PATIENT_BIRTH,
  DATE_RECORDS_FROM,
  DATE_RECORDS_TO,
  DATE_AUTHORIZATION_SIGNED,
  DATE_AUTHORIZATION_EXPIRES,
  DATE_DUE,
  DATE_EXTENDED_ON,
  N_DATES
};

static const char *const date_names[N_DATES] = {
  "received-date", "patient-birth-date", "records-from", "records-to",
  "authorization-signed", "authorization-expires", "due-date", "extended-on",
};

/* Which texts and dates a list row has (the summary the list reads):
 * those live in the object, the rest in its Details, made when one is
 * first set, so the 200,000 rows of a list carry no room for fields they
 * never hold (issue 24).  The number is the field's place in the object,
 * plus one; 0: in the Details. */
static const guint8 row_text_place[N_TEXTS] = {
  [TEXT_REFERENCE] = 1, [TEXT_PATIENT_MRN] = 2, [TEXT_PATIENT_FAMILY_NAME] = 3,
  [TEXT_PATIENT_GIVEN_NAME] = 4, [TEXT_REQUESTER_NAME] = 5, [TEXT_JURISDICTION] = 6,
  [TEXT_UPDATED_BY] = 7, [TEXT_FACILITY_CODE] = 8,
};
#define N_ROW_TEXTS 8

static const guint8 row_date_place[N_DATES] = {
  [DATE_RECEIVED] = 1, [DATE_DUE] = 2, [DATE_EXTENDED_ON] = 3,
};
#define N_ROW_DATES 3

/* What a request read in full (the detail pane, a form) adds to a row;
 * only the fields a row lacks are used. */
typedef struct
{
  char             *texts[N_TEXTS];
  GDate             dates[N_DATES];
  GStrv             record_types;
  GDateTime        *updated_at;
} Details;

struct _CstRequest
{
  GObject           parent_instance;

  gint64            id;
  gint64            patient_id;
  gint64            requester_id;
  int               version;
  int               page_count;
  CstRequestStatus  status;
  CstRequesterKind  requester_kind;
  CstRecordFormat   format;
  CstDeliveryMethod delivery;
  gboolean          authorization_on_file;
  gboolean          details_loaded;
  char             *search_key;   /* built on first search, dropped on change */
  char             *row_texts[N_ROW_TEXTS];
  /* A list row's texts and search key share one allocation (issue 24:
   * 200,000 rows of nine small strings each); these point into it and
   * are not freed on their own. */
  char             *block;
  guint32           in_block;     /* bit i: text i; bit N_TEXTS: search_key */
  GDate             row_dates[N_ROW_DATES];
  Details          *details;      /* NULL until a field a row lacks is set */
  CstRequestDeadline deadline;
};

G_DEFINE_FINAL_TYPE (CstRequest, cst_request, G_TYPE_OBJECT)

#define SEARCH_KEY_BIT (1u << N_TEXTS)

static Details *
ensure_details (CstRequest *self)
{
  if (self->details == NULL)
    {
      self->details = g_new0 (Details, 1);
      for (guint i = 0; i < N_DATES; i++)
        g_date_clear (&self->details->dates[i], 1);
    }
  return self->details;
}

/* Where text @index is kept; NULL when it is a detail not set yet and
 * @make is FALSE. */
static char **
text_slot (CstRequest *self,
           guint       index,
           gboolean    make)
{
  if (row_text_place[index] > 0)
    return &self->row_texts[row_text_place[index] - 1];
  if (self->details == NULL && !make)
    return NULL;
  return &ensure_details (self)->texts[index];
}

static const char *
get_text (CstRequest *self,
          guint       index)
{
  char **slot = text_slot (self, index, FALSE);

  return slot ? *slot : NULL;
}

static GDate *
date_slot (CstRequest *self,
           guint       index,
           gboolean    make)
{
  if (row_date_place[index] > 0)
    return &self->row_dates[row_date_place[index] - 1];
  if (self->details == NULL && !make)
    return NULL;
  return &ensure_details (self)->dates[index];
}

/* Frees the string at *@slot unless it lives in the block (@bit). */
static void
clear_string (CstRequest *self,
              char      **slot,
              guint32     bit)
{
  if (self->in_block & bit)
    self->in_block &= ~bit;
  else
    g_free (*slot);
  *slot = NULL;
}

enum {
  PROP_0,
  PROP_ID,
  PROP_PATIENT_ID,
  PROP_REQUESTER_ID,
  PROP_VERSION,
  PROP_PAGE_COUNT,
  PROP_STATUS,
  PROP_REQUESTER_KIND,
  PROP_FORMAT,
  PROP_DELIVERY,
  PROP_AUTHORIZATION_ON_FILE,
  PROP_RECORD_TYPES,
  PROP_UPDATED_AT,
  /* Derived, read-only. */
  PROP_PATIENT_NAME,
  PROP_DUE_STATE,
  PROP_RECEIVED_ISO,
  PROP_DUE_ISO,
  PROP_RECEIVED_LABEL,
  PROP_STATUS_LABEL,
  PROP_REQUESTER_KIND_LABEL,
  PROP_TEXT_FIRST,
  PROP_DATE_FIRST = PROP_TEXT_FIRST + N_TEXTS,
  N_PROPS = PROP_DATE_FIRST + N_DATES
};

static GParamSpec *properties[N_PROPS];

/* Properties that describe the request itself and take part in copies and
 * merges; derived ones are recomputed. */
static gboolean
is_stored_property (guint prop_id)
{
  return (prop_id > PROP_0 && prop_id < PROP_PATIENT_NAME) || prop_id >= PROP_TEXT_FIRST;
}

static void
notify_derived (CstRequest *self,
                guint       prop_id)
{
  if (prop_id == PROP_TEXT_FIRST + TEXT_PATIENT_FAMILY_NAME ||
      prop_id == PROP_TEXT_FIRST + TEXT_PATIENT_GIVEN_NAME)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATIENT_NAME]);
  if (prop_id == PROP_DATE_FIRST + DATE_RECEIVED)
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECEIVED_ISO]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECEIVED_LABEL]);
    }
  if (prop_id == PROP_DATE_FIRST + DATE_DUE)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DUE_ISO]);
  if (prop_id == PROP_DATE_FIRST + DATE_DUE || prop_id == PROP_STATUS)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DUE_STATE]);
  if (prop_id == PROP_STATUS)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_LABEL]);
  if (prop_id == PROP_REQUESTER_KIND)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REQUESTER_KIND_LABEL]);
  if (prop_id >= PROP_TEXT_FIRST && prop_id < PROP_DATE_FIRST)
    clear_string (self, &self->search_key, SEARCH_KEY_BIT);
}

static gboolean
set_text (CstRequest *self,
          guint       index,
          const char *value)
{
  char **slot;

  if (g_strcmp0 (get_text (self, index), value) == 0)
    return FALSE;
  slot = text_slot (self, index, TRUE);
  clear_string (self, slot, 1u << index);
  *slot = g_strdup (value);
  return TRUE;
}

static const GDate *
get_date (CstRequest *self,
          guint       index)
{
  const GDate *slot = date_slot (self, index, FALSE);

  return slot != NULL && g_date_valid (slot) ? slot : NULL;
}

static gboolean
set_date (CstRequest  *self,
          guint        index,
          const GDate *value)
{
  const GDate *had = get_date (self, index);
  gboolean has = value != NULL && g_date_valid (value);
  GDate *slot;

  if ((had != NULL) == has && (!has || g_date_compare (had, value) == 0))
    return FALSE;
  slot = date_slot (self, index, TRUE);
  g_date_clear (slot, 1);
  if (has)
    *slot = *value;
  return TRUE;
}


/* A deadline's strings are interned (see cst_request_set_deadline()). */
static void
deadline_clear (CstRequestDeadline *deadline)
{
  memset (deadline, 0, sizeof *deadline);
  g_date_clear (&deadline->original_due, 1);
  g_date_clear (&deadline->extension_due, 1);
}

#define SET_IF_CHANGED(field, value) \
  G_STMT_START { if ((field) == (value)) return; (field) = (value); } G_STMT_END

static void
cst_request_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  CstRequest *self = CST_REQUEST (object);

  if (prop_id >= PROP_DATE_FIRST && prop_id < N_PROPS)
    {
      if (!set_date (self, prop_id - PROP_DATE_FIRST, g_value_get_boxed (value)))
        return;
    }
  else if (prop_id >= PROP_TEXT_FIRST)
    {
      if (!set_text (self, prop_id - PROP_TEXT_FIRST, g_value_get_string (value)))
        return;
    }
  else switch (prop_id)
    {
    case PROP_ID: SET_IF_CHANGED (self->id, g_value_get_int64 (value)); break;
    case PROP_PATIENT_ID: SET_IF_CHANGED (self->patient_id, g_value_get_int64 (value)); break;
    case PROP_REQUESTER_ID: SET_IF_CHANGED (self->requester_id, g_value_get_int64 (value)); break;
    case PROP_VERSION: SET_IF_CHANGED (self->version, g_value_get_int (value)); break;
    case PROP_PAGE_COUNT: SET_IF_CHANGED (self->page_count, g_value_get_int (value)); break;
    case PROP_STATUS: SET_IF_CHANGED (self->status, (CstRequestStatus) g_value_get_enum (value)); break;
    case PROP_REQUESTER_KIND: SET_IF_CHANGED (self->requester_kind, (CstRequesterKind) g_value_get_enum (value)); break;
    case PROP_FORMAT: SET_IF_CHANGED (self->format, (CstRecordFormat) g_value_get_enum (value)); break;
    case PROP_DELIVERY: SET_IF_CHANGED (self->delivery, (CstDeliveryMethod) g_value_get_enum (value)); break;
    case PROP_AUTHORIZATION_ON_FILE:
      SET_IF_CHANGED (self->authorization_on_file, g_value_get_boolean (value));
      break;
    case PROP_RECORD_TYPES:
      {
        const char *const *types = g_value_get_boxed (value);
        gboolean now_empty = types == NULL || types[0] == NULL;
        GStrv had = self->details ? self->details->record_types : NULL;
        gboolean was_empty = had == NULL || had[0] == NULL;
        if (now_empty && was_empty)
          return;
        if (!now_empty && !was_empty && g_strv_equal (types, (const char *const *) had))
          return;
        g_strfreev (had);
        ensure_details (self)->record_types = g_strdupv ((GStrv) types);
      }
      break;
    case PROP_UPDATED_AT:
      {
        GDateTime *at = g_value_get_boxed (value);
        GDateTime *had = self->details ? self->details->updated_at : NULL;
        if (at == had || (at && had && g_date_time_equal (at, had)))
          return;
        g_clear_pointer (&had, g_date_time_unref);
        ensure_details (self)->updated_at = at ? g_date_time_ref (at) : NULL;
      }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }
  g_object_notify_by_pspec (object, pspec);
  notify_derived (self, prop_id);
}

static void
cst_request_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  CstRequest *self = CST_REQUEST (object);

  if (prop_id >= PROP_DATE_FIRST && prop_id < N_PROPS)
    g_value_set_boxed (value, get_date (self, prop_id - PROP_DATE_FIRST));
  else if (prop_id >= PROP_TEXT_FIRST)
    g_value_set_string (value, get_text (self, prop_id - PROP_TEXT_FIRST));
  else switch (prop_id)
    {
    case PROP_ID: g_value_set_int64 (value, self->id); break;
    case PROP_PATIENT_ID: g_value_set_int64 (value, self->patient_id); break;
    case PROP_REQUESTER_ID: g_value_set_int64 (value, self->requester_id); break;
    case PROP_VERSION: g_value_set_int (value, self->version); break;
    case PROP_PAGE_COUNT: g_value_set_int (value, self->page_count); break;
    case PROP_STATUS: g_value_set_enum (value, self->status); break;
    case PROP_REQUESTER_KIND: g_value_set_enum (value, self->requester_kind); break;
    case PROP_FORMAT: g_value_set_enum (value, self->format); break;
    case PROP_DELIVERY: g_value_set_enum (value, self->delivery); break;
    case PROP_AUTHORIZATION_ON_FILE: g_value_set_boolean (value, self->authorization_on_file); break;
    case PROP_RECORD_TYPES: g_value_set_boxed (value, self->details ? self->details->record_types : NULL); break;
    case PROP_UPDATED_AT: g_value_set_boxed (value, self->details ? self->details->updated_at : NULL); break;
    case PROP_PATIENT_NAME: g_value_take_string (value, cst_request_dup_patient_name (self)); break;
    case PROP_DUE_STATE: g_value_set_enum (value, cst_request_get_due_state (self)); break;
    case PROP_RECEIVED_ISO: g_value_take_string (value, cst_input_format_date (get_date (self, DATE_RECEIVED))); break;
    case PROP_DUE_ISO: g_value_take_string (value, cst_input_format_date (get_date (self, DATE_DUE))); break;
    case PROP_RECEIVED_LABEL: g_value_take_string (value, cst_locale_format_date (get_date (self, DATE_RECEIVED))); break;
    case PROP_STATUS_LABEL: g_value_set_string (value, cst_request_status_get_label (self->status)); break;
    case PROP_REQUESTER_KIND_LABEL:
      g_value_set_string (value, cst_requester_kind_get_label (self->requester_kind));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cst_request_finalize (GObject *object)
{
  CstRequest *self = CST_REQUEST (object);

  for (guint i = 0; i < N_TEXTS; i++)
    {
      char **slot = text_slot (self, i, FALSE);

      if (slot != NULL)
        clear_string (self, slot, 1u << i);
    }
  clear_string (self, &self->search_key, SEARCH_KEY_BIT);
  g_free (self->block);
  deadline_clear (&self->deadline);
  if (self->details != NULL)
    {
      g_strfreev (self->details->record_types);
      g_clear_pointer (&self->details->updated_at, g_date_time_unref);
      g_free (self->details);
    }
  G_OBJECT_CLASS (cst_request_parent_class)->finalize (object);
}

#define RW (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY)
#define RO (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)

static void
cst_request_class_init (CstRequestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cst_request_finalize;
  object_class->get_property = cst_request_get_property;
  object_class->set_property = cst_request_set_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, RW);
  properties[PROP_PATIENT_ID] = g_param_spec_int64 ("patient-id", NULL, NULL, 0, G_MAXINT64, 0, RW);
  properties[PROP_REQUESTER_ID] = g_param_spec_int64 ("requester-id", NULL, NULL, 0, G_MAXINT64, 0, RW);
  properties[PROP_VERSION] = g_param_spec_int ("version", NULL, NULL, 0, G_MAXINT, 0, RW);
  /* -1: not counted yet. */
  properties[PROP_PAGE_COUNT] = g_param_spec_int ("page-count", NULL, NULL, -1, 1000000, -1, RW);
  properties[PROP_STATUS] = g_param_spec_enum ("status", NULL, NULL, CST_TYPE_REQUEST_STATUS,
                                               CST_STATUS_RECEIVED, RW);
  properties[PROP_REQUESTER_KIND] = g_param_spec_enum ("requester-kind", NULL, NULL,
                                                       CST_TYPE_REQUESTER_KIND,
                                                       CST_REQUESTER_PATIENT, RW);
  properties[PROP_FORMAT] = g_param_spec_enum ("format", NULL, NULL, CST_TYPE_RECORD_FORMAT,
                                               CST_FORMAT_ELECTRONIC, RW);
  properties[PROP_DELIVERY] = g_param_spec_enum ("delivery", NULL, NULL, CST_TYPE_DELIVERY_METHOD,
                                                 CST_DELIVERY_PORTAL, RW);
  properties[PROP_AUTHORIZATION_ON_FILE] = g_param_spec_boolean ("authorization-on-file", NULL, NULL,
                                                                 FALSE, RW);
  properties[PROP_RECORD_TYPES] = g_param_spec_boxed ("record-types", NULL, NULL, G_TYPE_STRV, RW);
  properties[PROP_UPDATED_AT] = g_param_spec_boxed ("updated-at", NULL, NULL, G_TYPE_DATE_TIME, RW);
  properties[PROP_PATIENT_NAME] = g_param_spec_string ("patient-name", NULL, NULL, NULL, RO);
  properties[PROP_DUE_STATE] = g_param_spec_enum ("due-state", NULL, NULL, CST_TYPE_DUE_STATE,
                                                  CST_DUE_CLOSED, RO);
  properties[PROP_RECEIVED_ISO] = g_param_spec_string ("received-iso", NULL, NULL, NULL, RO);
  properties[PROP_DUE_ISO] = g_param_spec_string ("due-iso", NULL, NULL, NULL, RO);
  /* As the user's locale writes a date, for display; sort by received-iso. */
  properties[PROP_RECEIVED_LABEL] = g_param_spec_string ("received-label", NULL, NULL, NULL, RO);
  properties[PROP_STATUS_LABEL] = g_param_spec_string ("status-label", NULL, NULL, NULL, RO);
  properties[PROP_REQUESTER_KIND_LABEL] = g_param_spec_string ("requester-kind-label", NULL, NULL,
                                                               NULL, RO);
  for (guint i = 0; i < N_TEXTS; i++)
    properties[PROP_TEXT_FIRST + i] = g_param_spec_string (text_names[i], NULL, NULL, NULL, RW);
  for (guint i = 0; i < N_DATES; i++)
    properties[PROP_DATE_FIRST + i] = g_param_spec_boxed (date_names[i], NULL, NULL, G_TYPE_DATE, RW);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cst_request_init (CstRequest *self)
{
  self->page_count = -1;
  self->format = CST_FORMAT_ELECTRONIC;
  self->delivery = CST_DELIVERY_PORTAL;
  for (guint i = 0; i < N_ROW_DATES; i++)
    g_date_clear (&self->row_dates[i], 1);
  deadline_clear (&self->deadline);
}

CstRequest *
cst_request_new (void)
{
  return g_object_new (CST_TYPE_REQUEST, NULL);
}

/**
 * cst_request_update_from:
 *
 * Copies every stored field of @source into @self, notifying only what
 * changed, so list rows bound to @self redraw just the cells that moved.
 */
void
cst_request_update_from (CstRequest *self,
                         CstRequest *source)
{
  g_return_if_fail (CST_IS_REQUEST (self));
  g_return_if_fail (CST_IS_REQUEST (source));

  g_object_freeze_notify (G_OBJECT (self));
  for (guint prop_id = 1; prop_id < N_PROPS; prop_id++)
    {
      g_auto(GValue) value = G_VALUE_INIT;

      if (!is_stored_property (prop_id))
        continue;
      g_value_init (&value, properties[prop_id]->value_type);
      g_object_get_property (G_OBJECT (source), properties[prop_id]->name, &value);
      g_object_set_property (G_OBJECT (self), properties[prop_id]->name, &value);
    }
  if (source->details_loaded)
    self->details_loaded = TRUE;
  if (source->deadline.rule != NULL || self->deadline.rule == NULL)
    cst_request_set_deadline (self, &source->deadline);
  g_object_thaw_notify (G_OBJECT (self));
}

CstRequest *
cst_request_copy (CstRequest *self)
{
  CstRequest *copy = cst_request_new ();

  cst_request_update_from (copy, self);
  copy->details_loaded = self->details_loaded;
  return copy;
}

static int
compare_property (CstRequest *a,
                  CstRequest *b,
                  guint       prop_id)
{
  g_auto(GValue) va = G_VALUE_INIT;
  g_auto(GValue) vb = G_VALUE_INIT;
  GParamSpec *pspec = properties[prop_id];

  g_value_init (&va, pspec->value_type);
  g_value_init (&vb, pspec->value_type);
  g_object_get_property (G_OBJECT (a), pspec->name, &va);
  g_object_get_property (G_OBJECT (b), pspec->name, &vb);
  if (pspec->value_type == G_TYPE_DATE)
    {
      const GDate *da = g_value_get_boxed (&va), *db = g_value_get_boxed (&vb);
      if (da == NULL || db == NULL)
        return (da != NULL) - (db != NULL);
      return g_date_compare (da, db);
    }
  if (pspec->value_type == G_TYPE_STRV)
    {
      const char *const *sa = g_value_get_boxed (&va), *const *sb = g_value_get_boxed (&vb);
      if (sa == NULL || sb == NULL)
        return (sa != NULL && sa[0]) - (sb != NULL && sb[0]);
      return !g_strv_equal (sa, sb);
    }
  if (pspec->value_type == G_TYPE_DATE_TIME)
    {
      GDateTime *ta = g_value_get_boxed (&va), *tb = g_value_get_boxed (&vb);
      if (ta == NULL || tb == NULL)
        return (ta != NULL) - (tb != NULL);
      return g_date_time_compare (ta, tb);
    }
  return g_param_values_cmp (pspec, &va, &vb);
}

/* Fields the database maintains: never part of what a clerk edits. */
static gboolean
is_bookkeeping_property (guint prop_id)
{
  return prop_id == PROP_ID || prop_id == PROP_VERSION || prop_id == PROP_UPDATED_AT ||
         prop_id == PROP_TEXT_FIRST + TEXT_UPDATED_BY ||
         prop_id == PROP_TEXT_FIRST + TEXT_REFERENCE ||
         prop_id == PROP_DATE_FIRST + DATE_DUE;
}

/**
 * cst_request_same_content:
 *
 * Whether @a and @b hold the same values in every field a clerk edits,
 * whatever their versions and who saved them last.
 */
gboolean
cst_request_same_content (CstRequest *a,
                          CstRequest *b)
{
  g_return_val_if_fail (CST_IS_REQUEST (a) && CST_IS_REQUEST (b), FALSE);

  for (guint prop_id = 1; prop_id < N_PROPS; prop_id++)
    if (is_stored_property (prop_id) && !is_bookkeeping_property (prop_id) &&
        compare_property (a, b, prop_id) != 0)
      return FALSE;
  return TRUE;
}

/**
 * cst_request_merge_edits:
 * @base: the request as the clerk first loaded it
 * @mine: the clerk's edited copy, refused because of a conflict
 * @theirs: the request as it is now in the database
 * @both_changed: (out) (optional): names of properties that both sides
 *   changed to different values; the clerk's value was kept for them
 *
 * A three-way merge after an optimistic-lock conflict: the result is
 * @theirs with the clerk's own edits re-applied, so nothing the clerk typed
 * is lost and nothing the other clerk saved is silently overwritten.
 *
 * Returns: (transfer full): the merged request, carrying @theirs' version
 */
CstRequest *
cst_request_merge_edits (CstRequest *base,
                         CstRequest *mine,
                         CstRequest *theirs,
                         GStrv      *both_changed)
{
  g_autoptr(CstRequest) merged = cst_request_copy (theirs);
  g_autoptr(GStrvBuilder) conflicts = g_strv_builder_new ();

  for (guint prop_id = 1; prop_id < N_PROPS; prop_id++)
    {
      g_auto(GValue) value = G_VALUE_INIT;
      GParamSpec *pspec = properties[prop_id];

      if (!is_stored_property (prop_id) || is_bookkeeping_property (prop_id))
        continue;
      if (compare_property (base, mine, prop_id) == 0)
        continue;
      if (compare_property (base, theirs, prop_id) != 0 &&
          compare_property (mine, theirs, prop_id) != 0)
        g_strv_builder_add (conflicts, pspec->name);
      g_value_init (&value, pspec->value_type);
      g_object_get_property (G_OBJECT (mine), pspec->name, &value);
      g_object_set_property (G_OBJECT (merged), pspec->name, &value);
    }
  if (both_changed)
    *both_changed = g_strv_builder_end (conflicts);
  return g_steal_pointer (&merged);
}

static gboolean
fail_field (const char **bad_property,
            const char  *property,
            GError     **error,
            const char  *message)
{
  if (bad_property)
    *bad_property = property;
  g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT, message);
  return FALSE;
}

/**
 * cst_request_check:
 * @bad_property: (out) (optional): the property at fault, so a form can
 *   mark the field beside which to show the message
 *
 * Checks what a clerk must supply before a request is stored.  The
 * database checks the same rules; this gives the message first.
 */
gboolean
cst_request_check (CstRequest  *self,
                   const char **bad_property,
                   GError     **error)
{
  const GDate *from = get_date (self, DATE_RECORDS_FROM);
  const GDate *to = get_date (self, DATE_RECORDS_TO);
  const GDate *birth = get_date (self, DATE_PATIENT_BIRTH);
  const GDate *received = get_date (self, DATE_RECEIVED);
  const char *email = get_text (self, TEXT_REQUESTER_EMAIL);
  const char **bad = bad_property;

  g_return_val_if_fail (CST_IS_REQUEST (self), FALSE);

  if (self->patient_id == 0)
    {
      if (cst_input_is_blank (get_text (self, TEXT_PATIENT_MRN)))
        return fail_field (bad, "patient-mrn", error,
                           _("The patient’s medical record number (MRN) is required."));
      if (cst_input_is_blank (get_text (self, TEXT_PATIENT_FAMILY_NAME)))
        return fail_field (bad, "patient-family-name", error, _("The patient’s family name is required."));
      if (cst_input_is_blank (get_text (self, TEXT_PATIENT_GIVEN_NAME)))
        return fail_field (bad, "patient-given-name", error, _("The patient’s given name is required."));
      if (birth == NULL)
        return fail_field (bad, "patient-birth-date", error, _("The patient’s date of birth is required."));
    }
  if (self->requester_id == 0 && cst_input_is_blank (get_text (self, TEXT_REQUESTER_NAME)))
    return fail_field (bad, "requester-name", error, _("The requester’s name is required."));
  if (email && !cst_input_is_blank (email) &&
      !g_regex_match_simple ("^\\s*[^@\\s]+@[^@\\s]+\\s*$", email, 0, 0))
    return fail_field (bad, "requester-email", error, _("The requester’s email address is not valid."));
  if (!cst_input_check_received_date (received, error))
    {
      if (bad)
        *bad = "received-date";
      return FALSE;
    }
  if (birth != NULL && g_date_compare (birth, received) > 0)
    return fail_field (bad, "patient-birth-date", error,
                       _("The date of birth is after the date the request was received."));
  if (!cst_input_check_jurisdiction (get_text (self, TEXT_JURISDICTION), error))
    {
      if (bad)
        *bad = "jurisdiction";
      return FALSE;
    }
  if (from != NULL && to != NULL && g_date_compare (from, to) > 0)
    return fail_field (bad, "records-to", error, _("The records’ date range ends before it starts."));
  return TRUE;
}

gboolean
cst_request_validate (CstRequest  *self,
                      GError     **error)
{
  return cst_request_check (self, NULL, error);
}

gint64 cst_request_get_id (CstRequest *self) { return self->id; }
const gint64 *_cst_request_get_id_key (CstRequest *self) { return &self->id; }
int cst_request_get_version (CstRequest *self) { return self->version; }
const char *cst_request_get_reference (CstRequest *self) { return get_text (self, TEXT_REFERENCE); }
const char *cst_request_get_patient_mrn (CstRequest *self) { return get_text (self, TEXT_PATIENT_MRN); }
const char *cst_request_get_requester_name (CstRequest *self) { return get_text (self, TEXT_REQUESTER_NAME); }
CstRequesterKind cst_request_get_requester_kind (CstRequest *self) { return self->requester_kind; }
CstRequestStatus cst_request_get_status (CstRequest *self) { return self->status; }
const char *cst_request_get_status_reason (CstRequest *self) { return get_text (self, TEXT_STATUS_REASON); }
const char *cst_request_get_jurisdiction (CstRequest *self) { return get_text (self, TEXT_JURISDICTION); }
const char *cst_request_get_updated_by (CstRequest *self) { return get_text (self, TEXT_UPDATED_BY); }
const GDate *cst_request_get_received_date (CstRequest *self) { return get_date (self, DATE_RECEIVED); }
const GDate *cst_request_get_due_date (CstRequest *self) { return get_date (self, DATE_DUE); }
const GDate *cst_request_get_extended_on (CstRequest *self) { return get_date (self, DATE_EXTENDED_ON); }
gboolean cst_request_is_extended (CstRequest *self) { return get_date (self, DATE_EXTENDED_ON) != NULL; }
gboolean cst_request_get_details_loaded (CstRequest *self) { return self->details_loaded; }
void cst_request_set_details_loaded (CstRequest *self, gboolean loaded) { self->details_loaded = loaded; }

/* "Family, Given": how HIM departments file and search patients. */
char *
cst_request_dup_patient_name (CstRequest *self)
{
  const char *family = get_text (self, TEXT_PATIENT_FAMILY_NAME);
  const char *given = get_text (self, TEXT_PATIENT_GIVEN_NAME);

  if (family == NULL && given == NULL)
    return NULL;
  if (given == NULL || *given == '\0')
    return g_strdup (family);
  /* TRANSLATORS: a patient's name as filed: family name, given name */
  return g_strdup_printf (_("%s, %s"), family ? family : "", given);
}

const CstRequestDeadline *
cst_request_get_deadline (CstRequest *self)
{
  return &self->deadline;
}

/* Set before the properties it explains, so that a view woken by
 * notify::due-date reads the rule that goes with the new date.
 *
 * The rule and citations are interned: a few dozen rules time every
 * request, and a list of 200,000 held three copies of them per row. */
void
cst_request_set_deadline (CstRequest               *self,
                          const CstRequestDeadline *deadline)
{
  CstRequestDeadline copy = *deadline;

  copy.rule = (char *) g_intern_string (deadline->rule);
  copy.citation = (char *) g_intern_string (deadline->citation);
  copy.compared_citation = (char *) g_intern_string (deadline->compared_citation);
  deadline_clear (&self->deadline);
  self->deadline = copy;
}

/* A request not timed by a rule (a draft, or one from before migration
 * 0059 that the seed has not reached yet) shows its due date as it is. */
gboolean
cst_request_has_legal_deadline (CstRequest *self)
{
  return get_date (self, DATE_DUE) != NULL;
}

gboolean
cst_request_can_extend (CstRequest  *self,
                        char       **why_not)
{
  const char *reason = NULL;
  g_autofree char *owned = NULL;

  if (cst_request_status_is_closed (self->status))
    reason = _("The request is closed.");
  else if (cst_request_is_extended (self))
    reason = _("This request was already extended once; the law allows one extension.");
  else if (!cst_request_has_legal_deadline (self))
    reason = owned = g_strdup_printf (_("No law sets a deadline for this request (%s): there is nothing to extend."),
                                      self->deadline.citation ? self->deadline.citation : "");
  else if (self->deadline.rule != NULL && self->deadline.extension_days <= 0)
    reason = owned = g_strdup_printf (_("The governing rule (%s) allows no extension."),
                                      self->deadline.citation);
  if (why_not != NULL)
    *why_not = g_strdup (reason);
  return reason == NULL;
}

void
cst_request_compute_due_date (const GDate *received,
                              guint        deadline_days,
                              gboolean     extended,
                              GDate       *due)
{
  *due = *received;
  g_date_add_days (due, deadline_days + (extended ? CST_HIPAA_EXTENSION_DAYS : 0));
}

int
cst_request_days_left_on (CstRequest  *self,
                          const GDate *today)
{
  const GDate *due = get_date (self, DATE_DUE);

  return due ? g_date_days_between (today, due) : G_MAXINT;
}

CstDueState
cst_request_due_state_on (CstRequest  *self,
                          const GDate *today)
{
  int days_left;

  if (cst_request_status_is_closed (self->status))
    return CST_DUE_CLOSED;
  if (get_date (self, DATE_DUE) == NULL)
    return CST_DUE_NO_DEADLINE;
  days_left = cst_request_days_left_on (self, today);
  if (days_left < 0)
    return CST_DUE_OVERDUE;
  if (days_left <= CST_AT_RISK_DAYS)
    return CST_DUE_SOON;
  return CST_DUE_ON_TRACK;
}

CstDueState
cst_request_get_due_state (CstRequest *self)
{
  GDate today;

  cst_input_today (&today);
  return cst_request_due_state_on (self, &today);
}

/**
 * cst_request_get_search_key:
 *
 * Returns: the reference, MRN, patient and requester names, case-folded
 *   into one string, so a search keystroke over many thousands of
 *   requests is one strstr() each
 */
/* The texts a search looks in, in the order the key joins them. */
static const guint searched_texts[] = {
  TEXT_REFERENCE, TEXT_PATIENT_MRN, TEXT_PATIENT_FAMILY_NAME, TEXT_PATIENT_GIVEN_NAME,
  TEXT_REQUESTER_NAME, TEXT_REQUESTER_ORGANIZATION, TEXT_FACILITY_CODE,
};

/* g_utf8_casefold() of each character of two bytes in UTF-8 (U+0080 to
 * U+07FF: the Latin, Greek and Cyrillic letters with accents), made once.
 * g_utf8_casefold() folds a string one character at a time, so a key
 * folds the same from this table (issue 24: at 200,000 requests with an
 * accent in every other name, folding those keys whole was a fifth of
 * reading the list). */
typedef struct
{
  guint8 length;
  char   folded[7];
} TwoByteFold;

static const TwoByteFold *
two_byte_folds (void)
{
  static gsize made_once;

  if (g_once_init_enter (&made_once))
    {
      TwoByteFold *made = g_new0 (TwoByteFold, 0x800);

      for (gunichar c = 0x80; c < 0x800; c++)
        {
          char utf8[6];
          int length = g_unichar_to_utf8 (c, utf8);
          g_autofree char *folded = g_utf8_casefold (utf8, length);

          made[c].length = strlen (folded);
          g_assert (made[c].length < sizeof made[c].folded);
          memcpy (made[c].folded, folded, made[c].length);
        }
      g_once_init_leave (&made_once, (gsize) made);
    }
  return (const TwoByteFold *) made_once;
}

/* The fold of the two-byte character at @p. */
static const TwoByteFold *
two_byte_fold (const TwoByteFold *folds,
               const char        *p)
{
  return &folds[(((guchar) p[0] & 0x1F) << 6) | ((guchar) p[1] & 0x3F)];
}

/* Whether @text has only ASCII and two-byte characters that fold to no
 * more than two bytes (all but a few): then it is folded in place. */
static gboolean
folds_in_place (const GString     *text,
                const TwoByteFold *folds)
{
  for (gsize i = 0; i < text->len; i++)
    {
      guchar c = text->str[i];

      if (c < 0x80)
        continue;
      if (c < 0xC2 || c > 0xDF || i + 1 >= text->len || ((guchar) text->str[i + 1] & 0xC0) != 0x80 ||
          two_byte_fold (folds, text->str + i)->length > 2)
        return FALSE;
      i++;
    }
  return TRUE;
}

/* @text, g_utf8_casefold()ed in place.  Case folding ASCII only lowers A
 * to Z, and a two-byte character folds as the table says: most keys cost
 * no Unicode look-up and no allocation. */
static void
fold (GString *text)
{
  const TwoByteFold *folds = two_byte_folds ();
  char *to = text->str;

  if (!folds_in_place (text, folds))
    {
      g_autofree char *folded = g_utf8_casefold (text->str, text->len);

      g_string_assign (text, folded);
      return;
    }
  for (gsize i = 0; i < text->len;)
    {
      guchar c = text->str[i];
      const TwoByteFold *fold;

      if (c < 0x80)
        {
          *to++ = g_ascii_tolower (c);
          i++;
          continue;
        }
      /* Never longer than the character: @to stays at or behind it. */
      fold = two_byte_fold (folds, text->str + i);
      memcpy (to, fold->folded, fold->length);
      to += fold->length;
      i += 2;
    }
  g_string_truncate (text, to - text->str);
}

/* @texts: the searched texts, in the order of searched_texts */
static void
join_texts (const char *const *texts,
            GString           *joined)
{
  g_string_truncate (joined, 0);
  for (guint i = 0; i < G_N_ELEMENTS (searched_texts); i++)
    {
      if (i > 0)
        g_string_append_c (joined, '\x1f');
      g_string_append (joined, texts[i] ? texts[i] : "");
    }
}

static char *
fold_texts (const char *const *texts)
{
  GString *joined = g_string_new (NULL);

  join_texts (texts, joined);
  fold (joined);
  return g_string_free (joined, FALSE);
}

static char *
fold_search_key (CstRequest *self)
{
  const char *texts[G_N_ELEMENTS (searched_texts)];

  for (guint i = 0; i < G_N_ELEMENTS (searched_texts); i++)
    texts[i] = get_text (self, searched_texts[i]);
  return fold_texts (texts);
}

/* The search key a request made from @summary would fold (a summary has
 * no requester's organization), written to @key. */
void
_cst_request_fold_summary_key_into (const CstRequestSummary *summary,
                                    GString                 *key)
{
  const char *texts[G_N_ELEMENTS (searched_texts)] = {
    summary->reference, summary->patient_mrn, summary->patient_family_name,
    summary->patient_given_name, summary->requester_name, NULL, summary->facility_code,
  };

  G_STATIC_ASSERT (G_N_ELEMENTS (searched_texts) == 7);
  join_texts (texts, key);
  fold (key);
}

const char *
cst_request_get_search_key (CstRequest *self)
{
  if (self->search_key == NULL)
    self->search_key = fold_search_key (self);
  return self->search_key;
}

/* What separates the words of a search: blanks, and the comma of a name
 * written as the list shows it ("Family, Given"). */
#define SEARCH_SEPARATORS " ,"

/**
 * cst_request_matches:
 * @folded_query: the query, already passed through g_utf8_casefold()
 *
 * Every word of the query must appear, in any order; words are separated
 * by blanks or commas, so a name typed as the list writes it ("Family,
 * Given") or the other way round ("Given Family") finds the request.
 */
gboolean
cst_request_matches (CstRequest *self,
                     const char *folded_query)
{
  const char *key = cst_request_get_search_key (self);
  gsize key_length = strlen (key);
  const char *word = folded_query;

  for (;;)
    {
      gsize length;

      word += strspn (word, SEARCH_SEPARATORS);
      if (*word == '\0')
        return TRUE;
      length = strcspn (word, SEARCH_SEPARATORS);
      if (memmem (key, key_length, word, length) == NULL)
        return FALSE;
      word += length;
    }
}

static void
init_date (GDate       *slot,
           const GDate *value)
{
  if (value != NULL && g_date_valid (value))
    *slot = *value;
}

/* The summary's texts, which a list row has, in the order they are laid
 * out in the row's block. */
static const guint summary_texts[] = {
  TEXT_REFERENCE, TEXT_JURISDICTION, TEXT_PATIENT_MRN, TEXT_PATIENT_FAMILY_NAME,
  TEXT_PATIENT_GIVEN_NAME, TEXT_REQUESTER_NAME, TEXT_UPDATED_BY, TEXT_FACILITY_CODE,
};

/* Copies @value to *@cursor in the block and points texts (or the search
 * key) at it. */
static char *
place_in_block (CstRequest  *self,
                char       **cursor,
                const char  *value,
                guint32      bit)
{
  char *placed = *cursor;
  gsize size = strlen (value) + 1;

  memcpy (placed, value, size);
  *cursor += size;
  self->in_block |= bit;
  return placed;
}

/* Lays the summary's texts and their folded search key out in one
 * allocation: a row of the list costs one malloc for its strings, not
 * nine (issue 24). */
static void
fill_block (CstRequest              *self,
            const CstRequestSummary *summary,
            const char              *folded_key)
{
  const char *values[G_N_ELEMENTS (summary_texts)] = {
    summary->reference, summary->jurisdiction, summary->patient_mrn,
    summary->patient_family_name, summary->patient_given_name, summary->requester_name,
    summary->updated_by, summary->facility_code,
  };
  g_autofree char *key = NULL;
  gsize size = 0;
  char *cursor;

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      /* The key is folded from the texts: point at the summary's for now. */
      *text_slot (self, summary_texts[i], TRUE) = (char *) values[i];
      size += values[i] ? strlen (values[i]) + 1 : 0;
    }
  key = folded_key ? g_strdup (folded_key) : fold_search_key (self);
  size += strlen (key) + 1;
  cursor = self->block = g_malloc (size);
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    if (values[i] != NULL)
      *text_slot (self, summary_texts[i], TRUE) = place_in_block (self, &cursor, values[i],
                                                                  1u << summary_texts[i]);
  self->search_key = place_in_block (self, &cursor, key, SEARCH_KEY_BIT);
}

/**
 * _cst_request_new_from_summary:
 *
 * Builds a list row's request directly: listing 200,000 requests through
 * g_object_set() spent most of its time looking up property names.
 */
CstRequest *
_cst_request_new_from_summary (const CstRequestSummary *summary)
{
  return _cst_request_new_from_row (summary, NULL);
}

/**
 * _cst_request_new_from_row:
 * @search_key: (nullable): the key already folded from @summary's texts
 *
 * A list row's request, made when the list is asked for it
 * (cst-request-rows.c): its key is not folded again.
 */
CstRequest *
_cst_request_new_from_row (const CstRequestSummary *summary,
                           const char              *search_key)
{
  CstRequest *self = cst_request_new ();

  self->id = summary->id;
  self->patient_id = summary->patient_id;
  self->requester_id = summary->requester_id;
  self->version = summary->version;
  self->status = summary->status;
  self->requester_kind = summary->requester_kind;
  fill_block (self, summary, search_key);
  init_date (date_slot (self, DATE_RECEIVED, TRUE), summary->received);
  init_date (date_slot (self, DATE_DUE, TRUE), summary->due);
  init_date (date_slot (self, DATE_EXTENDED_ON, TRUE), summary->extended_on);
  return self;
}

/**
 * _cst_request_get_summary:
 * @summary: (out): the list's columns of @self, pointing into it
 *
 * What a list row keeps of a request (cst-request-rows.c).
 */
void
_cst_request_get_summary (CstRequest        *self,
                          CstRequestSummary *summary)
{
  *summary = (CstRequestSummary) {
    .id = self->id,
    .patient_id = self->patient_id,
    .requester_id = self->requester_id,
    .version = self->version,
    .status = self->status,
    .requester_kind = self->requester_kind,
    .reference = get_text (self, TEXT_REFERENCE),
    .jurisdiction = get_text (self, TEXT_JURISDICTION),
    .patient_mrn = get_text (self, TEXT_PATIENT_MRN),
    .patient_family_name = get_text (self, TEXT_PATIENT_FAMILY_NAME),
    .patient_given_name = get_text (self, TEXT_PATIENT_GIVEN_NAME),
    .requester_name = get_text (self, TEXT_REQUESTER_NAME),
    .updated_by = get_text (self, TEXT_UPDATED_BY),
    .facility_code = get_text (self, TEXT_FACILITY_CODE),
    .received = get_date (self, DATE_RECEIVED),
    .due = get_date (self, DATE_DUE),
    .extended_on = get_date (self, DATE_EXTENDED_ON),
  };
}
