/* test-delivery.c — the produced format must match the requested one or
 * carry the agreed reason; each delivery carries its proof; a release's
 * withholdings and proof are recorded all or nothing. */
#include "config.h"

#include "cst-test-db.h"

static CstTestDb *db;

static void
test_format_and_proof (void)
{
  g_autofree char *info = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) conn = cst_db_connect (info, NULL);
  g_autoptr(CstRequest) request = cst_test_db_add_request (conn, "DLV-1");
  g_autoptr(CstRequest) other = cst_test_db_add_request (conn, "DLV-2");
  g_autoptr(GError) error = NULL;
  /* The test request asks for the defaults: electronic, by portal. */
  CstDelivery paper = { .produced_format = CST_FORMAT_PAPER, .delivery = CST_DELIVERY_PORTAL };
  CstDelivery mail = { .produced_format = CST_FORMAT_ELECTRONIC, .delivery = CST_DELIVERY_MAIL,
                       .mismatch_reason = "Requester asked for a USB copy by mail on the phone" };
  CstDelivery portal = { .produced_format = CST_FORMAT_ELECTRONIC, .format_name = "PDF/A",
                         .delivery = CST_DELIVERY_PORTAL };

  CstRecordFormat requested;

  g_object_get (request, "format", &requested, NULL);
  g_assert_cmpint (requested, ==, CST_FORMAT_ELECTRONIC);
  g_assert_false (cst_delivery_record (conn, request, &paper, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  /* Another delivery with the agreed reason, but mail needs its tracking number. */
  g_assert_false (cst_delivery_record (conn, request, &mail, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  mail.tracking_number = "9400 1000 0000 0000 0000 00";
  g_assert_true (cst_delivery_record (conn, request, &mail, &error));
  g_assert_no_error (error);
  /* Once: the proof is not rewritten. */
  g_assert_false (cst_delivery_record (conn, request, &portal, &error));
  g_clear_error (&error);
  g_assert_true (cst_delivery_record (conn, other, &portal, &error));
  g_assert_no_error (error);
}

/* The proof reads back as recorded, with who recorded it; a request with
 * none reads back nothing. */
static void
test_read_back (void)
{
  g_autofree char *info = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) conn = cst_db_connect (info, NULL);
  g_autoptr(CstRequest) request = cst_test_db_add_request (conn, "DLV-3");
  g_autoptr(PGresult) who = cst_db_exec (conn, "SELECT session_user", 0, NULL, NULL);
  g_autoptr(CstDeliveryProof) proof = NULL;
  g_autoptr(GError) error = NULL;
  GDate signed_on;
  CstDelivery pickup = { .produced_format = CST_FORMAT_PAPER, .delivery = CST_DELIVERY_PICKUP,
                         .mismatch_reason = "Requester chose to collect paper copies at the desk",
                         .pickup_signed_by = "Rosa Díaz", .pickup_signed_on = &signed_on };

  g_date_clear (&signed_on, 1);
  g_date_set_dmy (&signed_on, 2, G_DATE_MARCH, 2026);
  g_assert_null (cst_delivery_get (conn, cst_request_get_id (request), &error));
  g_assert_no_error (error);
  g_assert_true (cst_delivery_record (conn, request, &pickup, &error));
  g_assert_no_error (error);
  proof = cst_delivery_get (conn, cst_request_get_id (request), &error);
  g_assert_no_error (error);
  g_assert_nonnull (proof);
  g_assert_cmpint (proof->produced_format, ==, CST_FORMAT_PAPER);
  g_assert_cmpint (proof->delivery, ==, CST_DELIVERY_PICKUP);
  g_assert_cmpstr (proof->format_name, ==, "");
  g_assert_cmpstr (proof->mismatch_reason, ==, pickup.mismatch_reason);
  g_assert_null (proof->tracking_number);
  g_assert_null (proof->email_message_id);
  g_assert_cmpstr (proof->pickup_signed_by, ==, "Rosa Díaz");
  g_assert_cmpint (g_date_compare (proof->pickup_signed_on, &signed_on), ==, 0);
  g_assert_cmpstr (proof->recorded_by, ==, PQgetvalue (who, 0, 0));
  g_assert_nonnull (proof->recorded_at);
}

static guint
n_withheld (PGconn     *conn,
            CstRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) withheld = cst_withholding_list (conn, request, &error);

  g_assert_no_error (error);
  return withheld->len;
}

/* What a release records besides the disclosure goes in together: a
 * delivery proof the database refuses takes the withholdings with it. */
static void
test_release_particulars (void)
{
  g_autofree char *info = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) conn = cst_db_connect (info, NULL);
  g_autoptr(CstRequest) request = cst_test_db_add_request (conn, "DLV-4");
  g_autoptr(GPtrArray) withheld = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_withholding_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(CstDeliveryProof) proof = NULL;
  CstWithholding notes = { CST_WITHHELD_PSYCHOTHERAPY_NOTES, g_strdup ("Psychotherapy notes"), NULL };
  /* Paper where electronic was asked, and no agreed reason: refused. */
  CstDelivery paper = { .produced_format = CST_FORMAT_PAPER, .delivery = CST_DELIVERY_PORTAL };

  g_ptr_array_add (withheld, g_memdup2 (&notes, sizeof notes));
  g_assert_false (cst_release_record_particulars (conn, request, withheld, &paper, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_cmpuint (n_withheld (conn, request), ==, 0);
  g_assert_null (cst_delivery_get (conn, cst_request_get_id (request), &error));
  g_assert_no_error (error);

  paper.mismatch_reason = "Requester asked for paper at the desk";
  g_assert_true (cst_release_record_particulars (conn, request, withheld, &paper, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_withheld (conn, request), ==, 1);
  proof = cst_delivery_get (conn, cst_request_get_id (request), &error);
  g_assert_nonnull (proof);
  /* With the proof on record, only withholdings. */
  g_assert_true (cst_release_record_particulars (conn, request, withheld, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_withheld (conn, request), ==, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/delivery/format-and-proof", test_format_and_proof);
  g_test_add_func ("/delivery/read-back", test_read_back);
  g_test_add_func ("/delivery/release-particulars", test_release_particulars);
  return cst_test_db_run (&db);
}
