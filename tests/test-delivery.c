/* test-delivery.c — the produced format must match the requested one or
 * carry the agreed reason; each delivery carries its proof. */
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

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  db = cst_test_db_new ();
  g_test_add_func ("/delivery/format-and-proof", test_format_and_proof);
  status = g_test_run ();
  cst_test_db_free (db);
  return status;
}
