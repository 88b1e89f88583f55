/* test-representative.c — personal representatives (45 CFR 164.502(g)):
 * no authority on file, no verification (model and database); recorded
 * once by a named clerk, found again for the patient's later request; an
 * expired authority no longer counts. */
#include "config.h"

#include "cst-test-db.h"

static CstTestDb *db;

static CstRequest *
representative_request (PGconn     *conn,
                        const char *mrn,
                        const char *name)
{
  return cst_test_db_add_request_for (conn, mrn, name, CST_REQUESTER_PERSONAL_REPRESENTATIVE, "NY");
}

static void
test_authority_on_file (void)
{
  g_autofree char *info = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) conn = cst_db_connect (info, NULL);
  g_autoptr(CstRequest) first = representative_request (conn, "REPR-1", "Ana Núñez");
  g_autoptr(CstRequest) verified = NULL;
  g_autoptr(CstRequest) later = NULL;
  g_autoptr(CstRequest) later_verified = NULL;
  g_autoptr(CstRequest) stranger = NULL;
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (first));
  const char *params[] = { id };
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = NULL;
  gint64 rep;
  GDate today;

  cst_input_today (&today);
  g_assert_null (cst_authorization_verify (conn, first, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_TRANSITION);
  g_clear_error (&error);
  g_assert_false (cst_db_exec_command (conn,
    "UPDATE roi_requests SET status = 'authorization_verified' WHERE id = $1", 1, params, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_TRANSITION);
  g_clear_error (&error);

  g_assert_cmpint (cst_representative_record (conn, first, CST_AUTHORITY_HEALTH_CARE_POA, " ",
                                              NULL, &error), ==, 0);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  rep = cst_representative_record (conn, first, CST_AUTHORITY_HEALTH_CARE_POA,
                                   "Durable power of attorney for health care, notarized",
                                   NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rep, >, 0);
  res = cst_db_exec (conn, "SELECT verified_by = session_user FROM personal_representatives "
                     "WHERE patient_id = (SELECT patient_id FROM roi_requests WHERE id = $1)",
                     1, params, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (PQgetvalue (res, 0, 0), ==, "t");
  verified = cst_authorization_verify (conn, first, &error);
  g_assert_no_error (error);

  /* Kept on file: the same representative's later request needs no new check. */
  later = representative_request (conn, "REPR-1", "ana  NÚÑEZ");
  g_assert_cmpint (cst_representative_on_file (conn, later, &today, &error), ==, rep);
  later_verified = cst_authorization_verify (conn, later, &error);
  g_assert_no_error (error);

  /* Someone else claiming to represent the same patient is not covered. */
  stranger = representative_request (conn, "REPR-1", "Somebody Else");
  g_assert_cmpint (cst_representative_on_file (conn, stranger, &today, &error), ==, 0);
  g_assert_no_error (error);
}

static void
test_expired_authority (void)
{
  g_autofree char *info = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) conn = cst_db_connect (info, NULL);
  g_autoptr(CstRequest) request = representative_request (conn, "REPR-2", "Kai Guardian");
  g_autoptr(GError) error = NULL;
  GDate yesterday, today;

  cst_input_today (&today);
  yesterday = today;
  g_date_subtract_days (&yesterday, 1);
  g_assert_cmpint (cst_representative_record (conn, request, CST_AUTHORITY_GUARDIAN,
                                              "Letters of guardianship", &yesterday, &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpint (cst_representative_on_file (conn, request, &yesterday, &error), >, 0);
  g_assert_cmpint (cst_representative_on_file (conn, request, &today, &error), ==, 0);
  g_assert_null (cst_authorization_verify (conn, request, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_TRANSITION);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  db = cst_test_db_new ();
  g_test_add_func ("/representative/authority-on-file", test_authority_on_file);
  g_test_add_func ("/representative/expired-authority", test_expired_authority);
  status = g_test_run ();
  cst_test_db_free (db);
  return status;
}
