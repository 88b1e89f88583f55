/* cst-price-list.h — a hospital's standard charges (CMS price transparency)
 *
 * The machine-readable file 45 CFR 180.50 asks every hospital to publish,
 * in the "tall" CSV layout of CMS's template (versions 2.2 and 3.0): one
 * row per item and payer/plan, with the gross charge, the discounted cash
 * price and the negotiated rate as a dollar amount, a percentage (of the
 * gross charge) or an algorithm in words.  Money is integer cents.
 */
#pragma once
#include <gio/gio.h>

#include "custodian/cst-csv.h"
#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  CST_PRICE_RATE_DOLLAR,      /* dollar_cents */
  CST_PRICE_RATE_PERCENTAGE,  /* percent_hundredths of the gross charge */
  CST_PRICE_RATE_ALGORITHM,   /* only words: no amount can be computed */
} CstPriceRateKind;

/* What one payer's plan pays for an item. */
typedef struct
{
  char             *payer_name;
  char             *plan_name;
  CstPriceRateKind  kind;
  gint64            dollar_cents;
  gint64            percent_hundredths;  /* 60% = 6000 */
  char             *algorithm;           /* NULL unless the file gives one */
  guint             source_line;
} CstPriceRate;

/* One item of the list: a code and its charges.  An amount the file leaves
 * empty is -1. */
typedef struct
{
  char      *code;         /* code|1, upper case */
  char      *code_type;    /* code|1|type: CPT, HCPCS, MS-DRG, RC, ... */
  char      *description;
  gint64     gross_cents;
  gint64     cash_cents;
  GPtrArray *rates;        /* of CstPriceRate */
  guint      source_line;  /* the item's first row */
} CstPriceItem;

typedef struct
{
  /*< private >*/
  gatomicrefcount  ref_count;
  GHashTable      *by_code;
  /*< public >*/
  char            *hospital_name;
  char            *version;       /* "2.2.0", "3.0.0", ... */
  GDate            last_updated;  /* the file's last_updated_on */
  GPtrArray       *items;         /* of CstPriceItem, in file order */
} CstPriceList;

CstPriceList       *cst_price_list_ref        (CstPriceList *list);
void                cst_price_list_unref      (CstPriceList *list);
const CstPriceItem *cst_price_list_find       (const CstPriceList *list,
                                               const char   *code);
const CstPriceRate *cst_price_item_find_rate  (const CstPriceItem *item,
                                               const char   *payer_name,
                                               const char   *plan_name);
CstPriceList       *cst_price_list_import_csv (const char   *data,
                                               gsize         length,
                                               GPtrArray   **problems,
                                               GError      **error);
CstPriceList       *cst_price_list_import_file (const char  *path,
                                                GPtrArray  **problems,
                                                GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstPriceList, cst_price_list_unref)

G_END_DECLS
