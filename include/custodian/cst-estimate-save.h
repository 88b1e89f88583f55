/* cst-estimate-save.h — an estimate made in the window, off the main loop
 *
 * The window reads the price list in effect (stored by
 * cst_price_list_repo_store) and what it offers on the connection's
 * worker thread, computes
 * the estimate (cst-estimate.h: pure and quick), and saves it as the CLI
 * does: the PDF, and beside it the JSON a statement is later compared
 * with (`statement render --estimate`, the workbench's Estimate row).
 * The PDF is drawn and both files written on a worker thread.
 */
#pragma once

#include <gio/gio.h>

#include "custodian/cst-connection.h"
#include "custodian/cst-estimate.h"
#include "custodian/cst-price-list.h"

G_BEGIN_DECLS

/* What the window offers to choose from: the price list in effect, its
 * services as "CODE — description" (the list's order) and each payer's
 * plans the list has rates for (sorted, each once), made on the worker
 * thread so a list of 100,000 items never holds up the window. */
typedef struct
{
  char *payer_name;
  char *plan_name;
} CstEstimatePlan;

typedef struct
{
  CstPriceList *prices;
  GStrv         services;
  GPtrArray    *plans;     /* of CstEstimatePlan */
} CstEstimateChoices;

void                cst_estimate_choices_free        (CstEstimateChoices  *choices);
CstEstimateChoices *cst_estimate_choices_new         (CstPriceList        *prices);
void                cst_estimate_choices_load_async  (CstConnection       *connection,
                                                      const GDate         *day,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
CstEstimateChoices *cst_estimate_choices_load_finish (CstConnection       *connection,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* "estimate.pdf" → "estimate.json"; another name gains ".json". */
char         *cst_estimate_json_path_for (const char          *pdf_path);
gboolean      cst_estimate_save          (const CstEstimate   *estimate,
                                          const GDate         *issued,
                                          const char          *pdf_path,
                                          GError             **error);
void          cst_estimate_save_async    (CstEstimate         *estimate,
                                          const GDate         *issued,
                                          GFile               *pdf,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
gboolean      cst_estimate_save_finish   (GAsyncResult        *result,
                                          GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstEstimateChoices, cst_estimate_choices_free)

G_END_DECLS
