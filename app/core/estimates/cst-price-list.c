/* cst-price-list.c — the hospital's standard charges file, CMS "tall" CSV
 *
 * The layout of CMS's template (versions 2.2 and 3.0): line 1 names the
 * general data elements and line 2 gives their values (hospital_name,
 * last_updated_on, version, ...); line 3 names the columns of the item
 * rows that follow (description, code|1, code|1|type, standard_charge|gross,
 * standard_charge|discounted_cash, payer_name, plan_name,
 * standard_charge|negotiated_dollar, ..._percentage, ..._algorithm, and
 * others this parser reads past).  Columns are found by name, so both
 * versions and any column order are read.
 *
 * The parser is a pure function over bytes so that it can be fuzzed.  It
 * checks the whole file and collects every defect with its line and
 * column; a file with any defect gives no list at all, so nothing of a bad
 * file is ever stored.  Rows of one code are one item: they must agree on
 * its gross charge and cash price.
 */
#define G_LOG_DOMAIN "cst-price-list"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "custodian/cst-error.h"
#include "custodian/cst-input.h"
#include "custodian/cst-price-list.h"
#include "cst-price-list-private.h"
#include "cst-csv-private.h"

/* A billion dollars per item and 1000% keep every estimate far from
 * gint64 overflow (see cst-estimate.c). */
#define MAX_CENTS         G_GINT64_CONSTANT (100000000000)
#define MAX_PERCENT_HUNDREDTHS 100000
#define MAX_ITEM_ROWS     2000000

typedef enum
{
  COL_DESCRIPTION,
  COL_CODE,
  COL_CODE_TYPE,
  COL_GROSS,
  COL_CASH,
  COL_PAYER,
  COL_PLAN,
  COL_DOLLAR,
  COL_PERCENTAGE,
  COL_ALGORITHM,
  N_COLUMNS
} Column;

static const char *const column_names[N_COLUMNS] = {
  "description", "code|1", "code|1|type", "standard_charge|gross",
  "standard_charge|discounted_cash", "payer_name", "plan_name",
  "standard_charge|negotiated_dollar", "standard_charge|negotiated_percentage",
  "standard_charge|negotiated_algorithm",
};

typedef struct
{
  CstCsvReader csv;
  int         index[N_COLUMNS];
  guint       last_record_line;  /* where the last record read began */
  guint       header_line;       /* where the column names are */
} Parser;

static void
parser_clear (Parser *p)
{
  cst_csv_reader_clear (&p->csv);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Parser, parser_clear)

/* ---- the list ------------------------------------------------------------ */

static void
rate_free (CstPriceRate *rate)
{
  g_free (rate->payer_name);
  g_free (rate->plan_name);
  g_free (rate->algorithm);
  g_free (rate);
}

static void
item_free (CstPriceItem *item)
{
  g_free (item->code);
  g_free (item->code_type);
  g_free (item->description);
  g_ptr_array_unref (item->rates);
  g_free (item);
}

CstPriceList *
cst_price_list_new_empty (void)
{
  CstPriceList *list = g_new0 (CstPriceList, 1);

  g_atomic_ref_count_init (&list->ref_count);
  list->items = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);
  list->by_code = g_hash_table_new (g_str_hash, g_str_equal);
  g_date_clear (&list->last_updated, 1);
  return list;
}

CstPriceList *
cst_price_list_ref (CstPriceList *list)
{
  g_atomic_ref_count_inc (&list->ref_count);
  return list;
}

void
cst_price_list_unref (CstPriceList *list)
{
  if (list == NULL || !g_atomic_ref_count_dec (&list->ref_count))
    return;
  g_hash_table_unref (list->by_code);
  g_ptr_array_unref (list->items);
  g_free (list->hospital_name);
  g_free (list->version);
  g_free (list);
}

CstPriceItem *
cst_price_item_new (const char *code,
                    const char *code_type,
                    const char *description,
                    gint64      gross_cents,
                    gint64      cash_cents,
                    guint       source_line)
{
  CstPriceItem *item = g_new0 (CstPriceItem, 1);

  item->code = g_ascii_strup (code, -1);
  item->code_type = g_ascii_strup (code_type, -1);
  item->description = g_strdup (description);
  item->gross_cents = gross_cents;
  item->cash_cents = cash_cents;
  item->rates = g_ptr_array_new_with_free_func ((GDestroyNotify) rate_free);
  item->source_line = source_line;
  return item;
}

gboolean
cst_price_list_add_item (CstPriceList *list,
                         CstPriceItem *item)
{
  if (g_hash_table_contains (list->by_code, item->code))
    {
      item_free (item);
      return FALSE;
    }
  g_ptr_array_add (list->items, item);
  g_hash_table_insert (list->by_code, item->code, item);
  return TRUE;
}

/* The kind follows from what is given: dollars, else a percentage, else
 * the algorithm's words. */
CstPriceRate *
cst_price_rate_new (const char *payer_name,
                    const char *plan_name,
                    gint64      dollar_cents,
                    gint64      percent_hundredths,
                    const char *algorithm,
                    guint       source_line)
{
  CstPriceRate *rate = g_new0 (CstPriceRate, 1);

  rate->payer_name = g_strdup (payer_name);
  rate->plan_name = g_strdup (plan_name);
  rate->algorithm = algorithm && *algorithm ? g_strdup (algorithm) : NULL;
  rate->dollar_cents = dollar_cents;
  rate->percent_hundredths = percent_hundredths;
  rate->source_line = source_line;
  rate->kind = dollar_cents >= 0 ? CST_PRICE_RATE_DOLLAR
             : percent_hundredths >= 0 ? CST_PRICE_RATE_PERCENTAGE : CST_PRICE_RATE_ALGORITHM;
  return rate;
}

void
cst_price_item_add_rate (CstPriceItem *item,
                         CstPriceRate *rate)
{
  g_ptr_array_add (item->rates, rate);
}

/* Codes are compared in upper case, as the file's code|1 is stored. */
const CstPriceItem *
cst_price_list_find (const CstPriceList *list,
                     const char         *code)
{
  g_autofree char *key = g_ascii_strup (code, -1);

  return g_hash_table_lookup (list->by_code, key);
}

/* Payer and plan names are matched without regard to case. */
const CstPriceRate *
cst_price_item_find_rate (const CstPriceItem *item,
                          const char         *payer_name,
                          const char         *plan_name)
{
  for (guint i = 0; i < item->rates->len; i++)
    {
      const CstPriceRate *rate = g_ptr_array_index (item->rates, i);

      if (g_ascii_strcasecmp (rate->payer_name, payer_name) == 0 &&
          g_ascii_strcasecmp (rate->plan_name, plan_name) == 0)
        return rate;
    }
  return NULL;
}

/* ---- problems ------------------------------------------------------------ */

/* ---- CSV records (RFC 4180, cut by cst-csv.c) ----------------------------- */

/* One record into @fields, each field trimmed; FALSE at the end. */
static gboolean
read_record (Parser *p,
             GArray *fields,
             guint  *record_line)
{
  if (!cst_csv_read_record (&p->csv, fields, record_line))
    return FALSE;
  p->last_record_line = *record_line;
  for (guint i = 0; i < fields->len; i++)
    g_strstrip (g_array_index (fields, CstCsvField, i).text);
  return TRUE;
}

static int
header_index (Parser     *p,
              const char *name)
{
  for (guint i = 0; i < p->csv.n_header; i++)
    if (g_str_equal (p->csv.header[i], name))
      return (int) i;
  return -1;
}

/* ---- values -------------------------------------------------------------- */

/* A non-negative decimal with at most two decimals, as hundredths: dollars
 * to cents, percentages to hundredths of a percent.  No signs, no "$", no
 * thousands separators: the CMS data dictionary asks for plain numbers. */
static gboolean
parse_hundredths (const char *text,
                  gint64      limit,
                  gint64     *value)
{
  gint64 whole = 0, fraction = 0;
  int n_whole = 0, n_fraction = -1;

  for (const char *c = text; *c; c++)
    {
      if (*c == '.' && n_fraction < 0 && n_whole > 0)
        n_fraction = 0;
      else if (!g_ascii_isdigit (*c) || n_fraction >= 2 || n_whole >= 13)
        return FALSE;
      else if (n_fraction >= 0)
        fraction = fraction * 10 + (*c - '0'), n_fraction++;
      else
        whole = whole * 10 + (*c - '0'), n_whole++;
    }
  if (n_whole == 0 || n_fraction == 0)
    return FALSE;
  if (n_fraction == 1)
    fraction *= 10;
  *value = whole * 100 + fraction;
  return *value <= limit;
}

/* An amount column: -1 when empty, FALSE (reported) when not a number. */
static gboolean
parse_amount (Parser    *p,
              GArray *fields,
              guint      line,
              Column     c,
              gint64     limit,
              gint64    *value)
{
  const char *text = cst_csv_field_text (fields, p->index[c]);

  *value = -1;
  if (*text == '\0')
    return TRUE;
  if (parse_hundredths (text, limit, value))
    return TRUE;
  if (c == COL_PERCENTAGE)
    cst_csv_add_problem (&p->csv, line, p->index[c],
                 _("“%s” is not a percentage; write a number such as 60 or 62.5, "
                   "without the %% sign"), text);
  else
    cst_csv_add_problem (&p->csv, line, p->index[c],
                 _("“%s” is not an amount in dollars; write a number such as 1422.50, "
                   "without “$” or thousands separators"), text);
  return FALSE;
}

static const char *
field (Parser    *p,
       GArray *fields,
       Column     c)
{
  return p->index[c] < 0 ? "" : cst_csv_field_text (fields, p->index[c]);
}

static gboolean
check_text (Parser     *p,
            GArray     *fields,
            guint       line,
            Column      c,
            gboolean    required)
{
  const char *text = field (p, fields, c);

  if (required && *text == '\0')
    {
      cst_csv_add_problem (&p->csv, line, p->index[c], _("the value is missing"));
      return FALSE;
    }
  for (const char *s = text; *s; s++)
    if ((guchar) *s < 0x20 && *s != '\n' && *s != '\t')
      {
        cst_csv_add_problem (&p->csv, line, p->index[c], _("the value holds an invisible control character"));
        return FALSE;
      }
  return TRUE;
}

/* ---- the general data elements (lines 1 and 2) --------------------------- */

static void
read_general (Parser       *p,
              GArray       *fields,
              CstPriceList *list)
{
  guint line = 1;
  int name_at, version_at, updated_at;

  if (!read_record (p, fields, &line) || cst_csv_record_is_blank (fields))
    {
      cst_csv_add_problem (&p->csv, 1, -1, _("the file is empty; the first line must name the general data "
                               "elements (hospital_name, last_updated_on, version, ...)"));
      return;
    }
  cst_csv_set_header (&p->csv, fields);
  name_at = header_index (p, "hospital_name");
  version_at = header_index (p, "version");
  updated_at = header_index (p, "last_updated_on");
  if (name_at < 0 || version_at < 0 || updated_at < 0)
    {
      cst_csv_add_problem (&p->csv, line, -1, _("this is not a CMS standard charges file: the first line must "
                                  "name hospital_name, last_updated_on and version"));
      return;
    }
  if (!read_record (p, fields, &line) || fields->len != p->csv.n_header)
    {
      cst_csv_add_problem (&p->csv, line, -1, _("the second line must give a value for each name on the first"));
      return;
    }
  list->hospital_name = g_strdup (cst_csv_field_text (fields, name_at));
  list->version = g_strdup (cst_csv_field_text (fields, version_at));
  if (*list->hospital_name == '\0')
    cst_csv_add_problem (&p->csv, line, name_at, _("the value is missing"));
  if (!g_str_has_prefix (list->version, "2.2") && !g_str_has_prefix (list->version, "3."))
    cst_csv_add_problem (&p->csv, line, version_at,
                 _("version “%s” of the CMS template is not read; versions 2.2 and 3.0 are"),
                 list->version);
  if (!cst_input_parse_date (cst_csv_field_text (fields, updated_at), &list->last_updated, NULL))
    cst_csv_add_problem (&p->csv, line, updated_at, _("“%s” is not a date (YYYY-MM-DD)"),
                 cst_csv_field_text (fields, updated_at));
}

static void
read_column_header (Parser    *p,
                    GArray *fields)
{
  guint line = 3;

  if (!read_record (p, fields, &line))
    {
      /* Said on the last line there is: the file ends before the third. */
      cst_csv_add_problem (&p->csv, p->last_record_line, -1,
                   _("the third line must name the columns of the items"));
      return;
    }
  cst_csv_set_header (&p->csv, fields);
  p->header_line = line;
  cst_csv_find_columns (&p->csv, line, column_names, N_COLUMNS, p->index);
}

/* ---- item rows ----------------------------------------------------------- */

static CstPriceRate *
parse_rate (Parser    *p,
            GArray *fields,
            guint      line,
            gint64     dollar,
            gint64     percent)
{
  const char *payer = field (p, fields, COL_PAYER);
  const char *plan = field (p, fields, COL_PLAN);
  const char *algorithm = field (p, fields, COL_ALGORITHM);
  CstPriceRate *rate;

  if (*payer == '\0' && *plan == '\0')
    {
      if (dollar < 0 && percent < 0 && *algorithm == '\0')
        return NULL;
      cst_csv_add_problem (&p->csv, line, p->index[COL_PAYER],
                   _("a negotiated rate needs the payer and plan it is for"));
      return NULL;
    }
  if (*payer == '\0' || *plan == '\0')
    {
      cst_csv_add_problem (&p->csv, line, p->index[*payer == '\0' ? COL_PAYER : COL_PLAN],
                   _("give both the payer and the plan, or neither"));
      return NULL;
    }
  if (dollar < 0 && percent < 0 && *algorithm == '\0')
    {
      cst_csv_add_problem (&p->csv, line, p->index[COL_DOLLAR],
                   _("the row names a payer and plan but gives no negotiated rate "
                     "(dollar, percentage or algorithm)"));
      return NULL;
    }
  rate = cst_price_rate_new (payer, plan, dollar, percent, algorithm, line);
  return rate;
}

/* Rows of one code must agree on what the item costs. */
static gboolean
check_same_charges (Parser             *p,
                    const CstPriceItem *item,
                    guint               line,
                    gint64              gross,
                    gint64              cash)
{
  if (item->gross_cents != gross)
    {
      cst_csv_add_problem (&p->csv, line, p->index[COL_GROSS],
                   _("code %s has a different gross charge on line %u"), item->code,
                   item->source_line);
      return FALSE;
    }
  if (item->cash_cents != cash)
    {
      cst_csv_add_problem (&p->csv, line, p->index[COL_CASH],
                   _("code %s has a different discounted cash price on line %u"), item->code,
                   item->source_line);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_duplicate_rate (Parser             *p,
                      const CstPriceItem *item,
                      const CstPriceRate *rate,
                      guint               line)
{
  const CstPriceRate *earlier = cst_price_item_find_rate (item, rate->payer_name, rate->plan_name);

  if (earlier == NULL)
    return TRUE;
  cst_csv_add_problem (&p->csv, line, p->index[COL_PLAN],
               _("code %s already has a rate for %s, %s on line %u"), item->code,
               rate->payer_name, rate->plan_name, earlier->source_line);
  return FALSE;
}

static void
parse_row (Parser       *p,
           GArray       *fields,
           guint         line,
           CstPriceList *list)
{
  gint64 gross, cash, dollar, percent;
  gboolean ok = TRUE;
  g_autofree char *code = NULL;
  CstPriceItem *item;
  CstPriceRate *rate;

  ok &= check_text (p, fields, line, COL_DESCRIPTION, TRUE);
  ok &= check_text (p, fields, line, COL_CODE, TRUE);
  ok &= check_text (p, fields, line, COL_CODE_TYPE, TRUE);
  ok &= check_text (p, fields, line, COL_PAYER, FALSE);
  ok &= check_text (p, fields, line, COL_PLAN, FALSE);
  ok &= check_text (p, fields, line, COL_ALGORITHM, FALSE);
  ok &= parse_amount (p, fields, line, COL_GROSS, MAX_CENTS, &gross);
  ok &= parse_amount (p, fields, line, COL_CASH, MAX_CENTS, &cash);
  ok &= parse_amount (p, fields, line, COL_DOLLAR, MAX_CENTS, &dollar);
  ok &= parse_amount (p, fields, line, COL_PERCENTAGE, MAX_PERCENT_HUNDREDTHS, &percent);
  if (!ok)
    return;

  code = g_ascii_strup (field (p, fields, COL_CODE), -1);
  item = g_hash_table_lookup (list->by_code, code);
  if (item != NULL && !check_same_charges (p, item, line, gross, cash))
    return;
  rate = parse_rate (p, fields, line, dollar, percent);
  if (item == NULL)
    {
      item = cst_price_item_new (code, field (p, fields, COL_CODE_TYPE),
                                 field (p, fields, COL_DESCRIPTION), gross, cash, line);
      cst_price_list_add_item (list, item);
    }
  if (rate != NULL && !check_duplicate_rate (p, item, rate, line))
    g_clear_pointer (&rate, rate_free);
  if (rate != NULL)
    g_ptr_array_add (item->rates, rate);
}

static void
read_items (Parser       *p,
            GArray       *fields,
            CstPriceList *list)
{
  guint line = 0, n_rows = 0;

  while (read_record (p, fields, &line))
    {
      if (cst_csv_record_is_blank (fields))
        continue;
      if (fields->len != p->csv.n_header)
        {
          cst_csv_add_problem (&p->csv, line, (int) MIN (fields->len, p->csv.n_header),
                       _("the line has %u fields but the header has %u"),
                       fields->len, p->csv.n_header);
          continue;
        }
      if (++n_rows > MAX_ITEM_ROWS)
        {
          cst_csv_add_problem (&p->csv, line, -1, _("the file has more than %u item lines"), MAX_ITEM_ROWS);
          return;
        }
      parse_row (p, fields, line, list);
    }
}

/**
 * cst_price_list_import_csv:
 * @data: the file's bytes (need not be NUL-terminated)
 * @problems: (out) (optional): every defect found, as CstCsvProblem;
 *   empty when the import succeeded
 *
 * Returns: (transfer full): the price list, or NULL when the file has any
 *   defect
 */
CstPriceList *
cst_price_list_import_csv (const char  *data,
                           gsize        length,
                           GPtrArray  **problems,
                           GError     **error)
{
  g_autoptr(GArray) fields = cst_csv_fields_new ();
  g_autoptr(CstPriceList) list = cst_price_list_new_empty ();
  g_auto(Parser) p = { 0 };

  cst_csv_reader_init (&p.csv, data, length);
  if (cst_csv_check_text (&p.csv))
    read_general (&p, fields, list);
  if (p.csv.n_problems == 0)
    read_column_header (&p, fields);
  if (p.csv.n_problems == 0)
    read_items (&p, fields, list);
  /* On the column names' line: p.line is past the end of the file. */
  if (p.csv.n_problems == 0 && list->items->len == 0)
    cst_csv_add_problem (&p.csv, p.header_line, -1, _("the file names its columns but lists no items"));
  if (problems != NULL)
    *problems = g_ptr_array_ref (p.csv.problems);
  if (p.csv.n_problems > 0)
    {
      g_autofree char *first = cst_csv_problem_format (g_ptr_array_index (p.csv.problems, 0));

      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The price list has %u problem and was not imported: %s",
                                "The price list has %u problems and was not imported. The first: %s",
                                p.csv.n_problems),
                   p.csv.n_problems, first);
      return NULL;
    }
  return g_steal_pointer (&list);
}

CstPriceList *
cst_price_list_import_file (const char  *path,
                            GPtrArray  **problems,
                            GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (problems != NULL)
    *problems = NULL;
  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  return cst_price_list_import_csv (contents, length, problems, error);
}
