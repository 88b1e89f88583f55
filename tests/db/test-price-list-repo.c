/* test-price-list-repo.c — price lists stored effective-dated (0065): a
 * billing login stores the sample list and every role reads back the list
 * in effect on a day, amounts and rates intact; a clerk cannot store one,
 * and nothing of the refused list is left; stored lists never change. */
#include "config.h"

#include <string.h>

#include <custodian/custodian.h>
#include "cst-test-async.h"
#include "cst-test-db.h"

static CstTestDb *db;

static CstPriceList *
sample_list (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data",
                                                 "sample-standard-charges.csv", NULL);
  g_autoptr(GError) error = NULL;
  CstPriceList *list = cst_price_list_import_file (path, NULL, &error);

  g_assert_no_error (error);
  return list;
}

static void
set_day (GDate *date,
         guint  day,
         guint  month,
         guint  year)
{
  g_date_clear (date, 1);
  g_date_set_dmy (date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
}

/* Billing stores two lists; each day reads the one in effect, and an
 * estimate from the stored list equals the one from the file. */
static void
test_billing_stores (void)
{
  g_autoptr(PGconn) billing = cst_test_db_connect_as (db, "custodian_billing");
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(CstPriceList) list = sample_list ();
  g_autoptr(CstPriceList) in_effect = NULL;
  g_autoptr(CstPriceList) before = NULL;
  g_autoptr(GError) error = NULL;
  const CstEstimateCoverage hmo = { "Sample Care", "HMO Basic", 0, 1500, 5000, 999999 };
  const CstEstimateService services[] = { { "80053", 2 }, { "99284", 1 } };
  g_autoptr(CstEstimate) stored_estimate = NULL;
  g_autoptr(CstEstimate) file_estimate = NULL;
  const CstPriceRate *rate;
  GDate from, later, day;

  set_day (&from, 1, 1, 2026);
  set_day (&later, 1, 7, 2026);
  g_assert_cmpint (cst_price_list_repo_store (billing, list, &from, &error), >, 0);
  g_assert_no_error (error);
  g_free (list->hospital_name);
  list->hospital_name = g_strdup ("Riverside General Hospital (July)");
  g_assert_cmpint (cst_price_list_repo_store (billing, list, &later, &error), >, 0);
  g_assert_no_error (error);

  set_day (&day, 15, 3, 2026);
  in_effect = cst_price_list_repo_in_effect (clerk, &day, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (in_effect->hospital_name, ==, "Riverside General Hospital");
  g_assert_cmpuint (in_effect->items->len, ==, 5);
  g_assert_cmpint (cst_price_list_find (in_effect, "80053")->gross_cents, ==, 31200);
  rate = cst_price_item_find_rate (cst_price_list_find (in_effect, "70450"), "Sample Care", "HMO Basic");
  g_assert_cmpint (rate->kind, ==, CST_PRICE_RATE_ALGORITHM);
  g_assert_cmpstr (rate->algorithm, ==, "Medicare rate x 1.5");
  rate = cst_price_item_find_rate (cst_price_list_find (in_effect, "80053"), "Sample Care", "HMO Basic");
  g_assert_cmpint (rate->kind, ==, CST_PRICE_RATE_PERCENTAGE);
  g_assert_cmpint (rate->percent_hundredths, ==, 6000);
  stored_estimate = cst_estimate_new_insured (in_effect, services, 2, &hmo, &error);
  g_assert_no_error (error);
  file_estimate = cst_estimate_new_insured (list, services, 2, &hmo, NULL);
  g_assert_cmpint (stored_estimate->patient_cents, ==, 25316);
  g_assert_cmpint (stored_estimate->patient_cents, ==, file_estimate->patient_cents);
  g_assert_cmpint (stored_estimate->plan_cents, ==, file_estimate->plan_cents);

  set_day (&day, 1, 7, 2026);
  g_clear_pointer (&in_effect, cst_price_list_unref);
  in_effect = cst_price_list_repo_in_effect (clerk, &day, &error);
  g_assert_cmpstr (in_effect->hospital_name, ==, "Riverside General Hospital (July)");

  set_day (&day, 31, 12, 2025);
  before = cst_price_list_repo_in_effect (clerk, &day, &error);
  g_assert_null (before);
  g_assert_error (error, CST_ERROR, CST_ERROR_NOT_FOUND);
}

/* A clerk reads price lists but cannot store one: refused, and none of
 * its rows are left. */
static void
test_clerk_cannot_store (void)
{
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(CstPriceList) list = sample_list ();
  g_autoptr(GError) error = NULL;
  gint64 lists_before = cst_test_db_int (owner, "SELECT count(*) FROM price_lists", 0, NULL);
  gint64 items_before = cst_test_db_int (owner, "SELECT count(*) FROM price_list_items", 0, NULL);
  GDate from;

  set_day (&from, 1, 2, 2027);
  g_assert_cmpint (cst_price_list_repo_store (clerk, list, &from, &error), ==, 0);
  g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
  g_assert_cmpint (cst_test_db_int (owner, "SELECT count(*) FROM price_lists", 0, NULL), ==,
                   lists_before);
  g_assert_cmpint (cst_test_db_int (owner, "SELECT count(*) FROM price_list_items", 0, NULL), ==,
                   items_before);
}

/* Stored lists are history: not even billing rewrites a rate. */
static void
test_append_only (void)
{
  g_autoptr(PGconn) admin = cst_test_db_connect_as (db, "custodian_admin");
  g_autoptr(CstPriceList) list = sample_list ();
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = NULL;
  GDate from;

  set_day (&from, 1, 3, 2027);
  g_assert_cmpint (cst_price_list_repo_store (admin, list, &from, &error), >, 0);
  g_assert_no_error (error);
  res = cst_db_exec (admin, "UPDATE price_list_rates SET dollar_cents = 1", 0, NULL, &error);
  g_assert_null (res);
  g_assert_nonnull (error);
  g_clear_error (&error);
  /* The same effective date twice is refused, naming nothing half-stored. */
  g_assert_cmpint (cst_price_list_repo_store (admin, list, &from, &error), ==, 0);
  g_assert_nonnull (error);
}

/* The window's way: stored on a connection's worker thread by a billing
 * login, refused there for a clerk. */
static void
test_store_async (void)
{
  g_autofree char *billing_info = cst_test_db_create_login (db, "custodian_billing");
  g_autofree char *clerk_info = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(CstConnection) billing = cst_connection_new (billing_info);
  g_autoptr(CstConnection) clerk = cst_connection_new (clerk_info);
  g_autoptr(CstPriceList) list = sample_list ();
  g_autoptr(GAsyncResult) stored = NULL, refused = NULL;
  g_autoptr(GError) error = NULL;
  GDate from;

  set_day (&from, 1, 1, 2028);
  cst_price_list_repo_store_async (billing, list, &from, NULL, cst_test_result_cb, &stored);
  g_assert_cmpint (cst_price_list_repo_store_finish (billing, cst_test_wait_result (&stored, 10),
                                                     &error), >, 0);
  g_assert_no_error (error);
  set_day (&from, 2, 1, 2028);
  cst_price_list_repo_store_async (clerk, list, &from, NULL, cst_test_result_cb, &refused);
  g_assert_cmpint (cst_price_list_repo_store_finish (clerk, cst_test_wait_result (&refused, 10),
                                                     &error), ==, 0);
  g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/price-list-repo/billing-stores", test_billing_stores);
  g_test_add_func ("/price-list-repo/clerk-cannot-store", test_clerk_cannot_store);
  g_test_add_func ("/price-list-repo/append-only", test_append_only);
  g_test_add_func ("/price-list-repo/store-async", test_store_async);
  return cst_test_db_run (&db);
}
