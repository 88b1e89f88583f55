/* cst-document-template.c — document wording, invoices and disclosures
 *
 * A template is the key file group of one kind of document: plain keys
 * whose values hold {{placeholders}}.  Expansion is one pass: a value
 * that itself contains "{{" (a requester named "{{total}}") is printed as
 * typed, never expanded again.  An unknown placeholder stays visible so
 * whoever edited the template sees the typo in the first letter.
 */
#define G_LOG_DOMAIN "cst-document"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "custodian/cst-document.h"
#include "custodian/cst-error.h"

#define SEED_PATH RESOURCE_BASE "/seed/document-templates-%s.ini"

static const char *const kind_names[CST_DOCUMENT_N_KINDS] = {
  "invoice", "cover-letter", "denial-letter", "extension-notice", "accounting",
  "deficiency-letter", "records-certification", "records-certification-tx",
};

struct _CstDocumentTemplate
{
  CstDocumentKind  kind;
  char            *language;
  gint64           id;
  int              version;
  char            *body;
  GKeyFile        *keys;
};

const char *
cst_document_kind_to_string (CstDocumentKind kind)
{
  g_return_val_if_fail ((guint) kind < CST_DOCUMENT_N_KINDS, NULL);
  return kind_names[kind];
}

/**
 * cst_document_kind_get_label:
 *
 * Returns: the document's name as people call it ("Release cover letter")
 */
const char *
cst_document_kind_get_label (CstDocumentKind kind)
{
  static const char *const labels[CST_DOCUMENT_N_KINDS] = {
    N_("Invoice"), N_("Release cover letter"), N_("Denial letter"), N_("Extension notice"),
    N_("Accounting of disclosures"), N_("Authorization deficiency letter"),
    N_("Custodian of records certification"), N_("Custodian of records affidavit (Texas Rule 902(10))"),
  };

  g_return_val_if_fail ((guint) kind < CST_DOCUMENT_N_KINDS, "");
  return _(labels[kind]);
}

gboolean
cst_document_kind_from_string (const char      *text,
                               CstDocumentKind *kind)
{
  for (guint i = 0; i < CST_DOCUMENT_N_KINDS; i++)
    if (g_strcmp0 (text, kind_names[i]) == 0)
      {
        *kind = (CstDocumentKind) i;
        return TRUE;
      }
  return FALSE;
}

/**
 * cst_document_template_new:
 * @body: key file text with a group named after @kind
 * @id: the database row, or 0 for the built-in wording
 */
CstDocumentTemplate *
cst_document_template_new (CstDocumentKind   kind,
                           const char       *language,
                           gint64            id,
                           int               version,
                           const char       *body,
                           GError          **error)
{
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_autoptr(GError) local = NULL;
  CstDocumentTemplate *self;

  if (!g_key_file_load_from_data (keys, body, (gsize) -1, G_KEY_FILE_NONE, &local) ||
      !g_key_file_has_group (keys, cst_document_kind_to_string (kind)))
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("The %s template (%s, version %d) cannot be read: %s"),
                   cst_document_kind_to_string (kind), language, version,
                   local ? local->message : _("its group is missing"));
      return NULL;
    }
  self = g_new0 (CstDocumentTemplate, 1);
  self->kind = kind;
  self->language = g_strdup (language);
  self->id = id;
  self->version = version;
  self->body = g_strdup (body);
  self->keys = g_steal_pointer (&keys);
  return self;
}

/* The shipped wording for one kind, read from the resource, as the body
 * of a template; NULL when Custodian ships none in @language. */
static char *
read_shipped_body (CstDocumentKind  kind,
                   const char      *language)
{
  g_autofree char *path = g_strdup_printf (SEED_PATH, language);
  g_autoptr(GBytes) seed = g_resources_lookup_data (path, 0, NULL);
  g_autoptr(GKeyFile) all = g_key_file_new ();
  g_autoptr(GKeyFile) one = g_key_file_new ();
  g_auto(GStrv) names = NULL;
  const char *group = cst_document_kind_to_string (kind);

  if (seed == NULL ||
      !g_key_file_load_from_data (all, g_bytes_get_data (seed, NULL), g_bytes_get_size (seed),
                                  G_KEY_FILE_NONE, NULL) ||
      (names = g_key_file_get_keys (all, group, NULL, NULL)) == NULL)
    return NULL;
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *raw = g_key_file_get_value (all, group, names[i], NULL);
      g_key_file_set_value (one, group, names[i], raw);
    }
  return g_key_file_to_data (one, NULL, NULL);
}

/* The shipped templates, each read from the resource and parsed once per
 * process, kind and language: reloading the cover letter for its labels
 * was 16% of an invoice's instructions (issue 24).  Documents are made in
 * worker threads, so the table is behind a lock; a template in it is never
 * changed or freed, and reading one (GKeyFile lookups) changes nothing, so
 * threads share them without it. */
static GMutex shipped_lock;
static GHashTable *shipped;   /* "kind/language" → CstDocumentTemplate, NULL if none */

/**
 * cst_document_template_get_shipped:
 *
 * Returns: (transfer none): the wording Custodian ships for @kind in
 *   @language, shared by the whole process and valid for as long as it
 *   runs; or %NULL with @error set when it ships none in that language
 */
const CstDocumentTemplate *
cst_document_template_get_shipped (CstDocumentKind   kind,
                                   const char       *language,
                                   GError          **error)
{
  g_autofree char *key = g_strdup_printf ("%s/%s", cst_document_kind_to_string (kind), language);
  CstDocumentTemplate *tpl = NULL;

  g_mutex_lock (&shipped_lock);
  if (shipped == NULL)
    shipped = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (!g_hash_table_lookup_extended (shipped, key, NULL, (gpointer *) &tpl))
    {
      g_autofree char *body = read_shipped_body (kind, language);

      tpl = body ? cst_document_template_new (kind, language, 0, 0, body, NULL) : NULL;
      g_hash_table_insert (shipped, g_steal_pointer (&key), tpl);
    }
  g_mutex_unlock (&shipped_lock);
  if (tpl == NULL)
    g_set_error (error, CST_ERROR, CST_ERROR_NOT_FOUND,
                 _("Custodian has no %s wording in the language “%s”."),
                 cst_document_kind_to_string (kind), language);
  return tpl;
}

/* The shipped wording for one kind, as the body of a template. */
char *
cst_document_template_dup_default_body (CstDocumentKind   kind,
                                        const char       *language,
                                        GError          **error)
{
  const CstDocumentTemplate *tpl = cst_document_template_get_shipped (kind, language, error);

  return tpl ? g_strdup (tpl->body) : NULL;
}

/* A template of the shipped wording the caller owns (and may free): a
 * copy of the shared one, its one group parsed again. */
CstDocumentTemplate *
cst_document_template_new_default (CstDocumentKind   kind,
                                   const char       *language,
                                   GError          **error)
{
  const CstDocumentTemplate *tpl = cst_document_template_get_shipped (kind, language, error);

  return tpl ? cst_document_template_new (kind, language, 0, 0, tpl->body, error) : NULL;
}

void
cst_document_template_free (CstDocumentTemplate *self)
{
  if (self == NULL)
    return;
  g_free (self->language);
  g_free (self->body);
  g_key_file_unref (self->keys);
  g_free (self);
}

CstDocumentKind
cst_document_template_get_kind (const CstDocumentTemplate *self)
{
  return self->kind;
}

const char *
cst_document_template_get_language (const CstDocumentTemplate *self)
{
  return self->language;
}

gint64
cst_document_template_get_id (const CstDocumentTemplate *self)
{
  return self->id;
}

int
cst_document_template_get_version (const CstDocumentTemplate *self)
{
  return self->version;
}

const char *
cst_document_template_get_body (const CstDocumentTemplate *self)
{
  return self->body;
}

/**
 * cst_document_template_expand:
 * @values: (nullable): placeholder name → text
 *
 * Returns: the wording of @key with its placeholders filled in; "" when
 *   the template has no such key
 */
char *
cst_document_template_expand (const CstDocumentTemplate *self,
                              const char                *key,
                              GHashTable                *values)
{
  g_autofree char *text = g_key_file_get_string (self->keys, cst_document_kind_to_string (self->kind),
                                                 key, NULL);
  GString *out;
  const char *p;

  if (text == NULL)
    return g_strdup ("");
  out = g_string_sized_new (strlen (text) + 64);
  for (p = text; *p;)
    {
      const char *open = strstr (p, "{{");
      const char *close = open ? strstr (open + 2, "}}") : NULL;
      g_autofree char *name = NULL;
      const char *value;

      if (close == NULL)
        {
          g_string_append (out, p);
          break;
        }
      g_string_append_len (out, p, open - p);
      name = g_strstrip (g_strndup (open + 2, (gsize) (close - open - 2)));
      value = values ? g_hash_table_lookup (values, name) : NULL;
      if (value != NULL)
        g_string_append (out, value);
      else
        g_string_append_len (out, open, close + 2 - open);
      p = close + 2;
    }
  return g_string_free (out, FALSE);
}

/* --- invoices --- */

static void
invoice_line_free (CstInvoiceLine *line)
{
  g_free (line->description);
  g_free (line->rule);
  g_free (line->citation);
  g_free (line);
}

CstInvoice *
cst_invoice_new (void)
{
  CstInvoice *self = g_new0 (CstInvoice, 1);

  self->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) invoice_line_free);
  g_date_clear (&self->issued_on, 1);
  g_date_clear (&self->due_on, 1);
  return self;
}

void
cst_invoice_free (CstInvoice *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->lines);
  g_free (self->number);
  g_free (self);
}

void
cst_invoice_add_line (CstInvoice *self,
                      const char *description,
                      gint64      quantity,
                      gint64      unit_cents,
                      gint64      amount_cents,
                      const char *rule,
                      const char *citation)
{
  CstInvoiceLine *line = g_new0 (CstInvoiceLine, 1);

  line->description = g_strdup (description ? description : "");
  line->quantity = quantity;
  line->unit_cents = unit_cents;
  line->amount_cents = amount_cents;
  line->rule = g_strdup (rule);
  line->citation = g_strdup (citation);
  g_ptr_array_add (self->lines, line);
}

/* FALSE if the sum overflows: such an invoice must not be printed. */
gboolean
cst_invoice_get_total (const CstInvoice *self,
                       gint64           *total_cents)
{
  gint64 total = 0;

  for (guint i = 0; i < self->lines->len; i++)
    {
      const CstInvoiceLine *line = g_ptr_array_index (self->lines, i);
      if (__builtin_add_overflow (total, line->amount_cents, &total))
        return FALSE;
    }
  *total_cents = total;
  return TRUE;
}

/* --- disclosures --- */

CstDisclosure *
cst_disclosure_new (void)
{
  CstDisclosure *self = g_new0 (CstDisclosure, 1);

  g_date_clear (&self->disclosed_on, 1);
  self->accountable = TRUE;
  return self;
}

void
cst_disclosure_free (CstDisclosure *self)
{
  if (self == NULL)
    return;
  g_free (self->request_reference);
  g_free (self->recipient_name);
  g_free (self->recipient_address);
  g_free (self->phi_description);
  g_free (self->purpose);
  g_free (self->legal_basis);
  g_free (self->packet_sha256);
  g_free (self->packet_documents);
  g_free (self);
}
