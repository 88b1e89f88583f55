/* test-representative.c — personal representatives (45 CFR 164.502(g)):
 * no authority on file, no verification (model and database); recorded
 * once by a named clerk, found again for the patient's later request; an
 * expired authority no longer counts.  A representative's request with the
 * authority on file is the patient's own for fees (HIPAA's rules, no
 * search fee) and for the clock; without it, it is not quoted. */
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

/* What is on file reads back as recorded: the kind, the document, its
 * expiry and the clerk who checked it (the server's word). */
static void
test_read_back (void)
{
  g_autofree char *info = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) conn = cst_db_connect (info, NULL);
  g_autoptr(CstRequest) request = representative_request (conn, "REPR-3", "Ida Executor");
  g_autoptr(PGresult) who = cst_db_exec (conn, "SELECT session_user", 0, NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  CstRepresentativeInfo rep = { 0 };
  GDate until;
  gint64 id;

  g_date_clear (&until, 1);
  g_date_set_dmy (&until, 30, G_DATE_JUNE, 2031);
  id = cst_representative_record (conn, request, CST_AUTHORITY_EXECUTOR,
                                  "Letters testamentary, Kings County", &until, &error);
  g_assert_no_error (error);
  g_assert_true (cst_representative_get (conn, id, &rep, &error));
  g_assert_no_error (error);
  g_assert_cmpint (rep.authority, ==, CST_AUTHORITY_EXECUTOR);
  g_assert_cmpstr (rep.name, ==, "Ida Executor");
  g_assert_cmpstr (rep.document, ==, "Letters testamentary, Kings County");
  g_assert_nonnull (rep.valid_until);
  g_assert_cmpint (g_date_compare (rep.valid_until, &until), ==, 0);
  g_assert_cmpstr (rep.verified_by, ==, PQgetvalue (who, 0, 0));
  g_assert_nonnull (rep.verified_at);
  g_assert_cmpint (g_date_time_difference (now, rep.verified_at), <, 60 * G_TIME_SPAN_SECOND);
  g_assert_cmpstr (cst_representative_authority_get_label (rep.authority), ==,
                   "Executor of the estate");
  cst_representative_info_clear (&rep);
  g_assert_null (rep.document);

  /* No end date reads back as none; an unknown id is not found. */
  id = cst_representative_record (conn, request, CST_AUTHORITY_ADMINISTRATOR,
                                  "Letters of administration", NULL, &error);
  g_assert_true (cst_representative_get (conn, id, &rep, &error));
  g_assert_cmpint (rep.authority, ==, CST_AUTHORITY_ADMINISTRATOR);
  g_assert_null (rep.valid_until);
  cst_representative_info_clear (&rep);
  g_assert_false (cst_representative_get (conn, id + 1000, &rep, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_NOT_FOUND);
}

static CstFeeQuote *
quote (PGconn           *conn,
       CstFeeScheduleSet *set,
       CstRequest       *request,
       CstFeeMethod      method,
       GError          **error)
{
  CstFeeRequest fee;

  if (!cst_request_fee_fill_checked (conn, request, method, &fee, error))
    return NULL;
  g_assert_cmpint (fee.requester, ==, CST_FEE_REQUESTER_PATIENT);
  fee.search_minutes = 45;
  return cst_fee_engine_quote (set, &fee, error);
}

static CstRequest *
counted (PGconn     *conn,
         CstRequest *request)
{
  g_autoptr(GError) error = NULL;
  CstRequest *saved;

  g_object_set (request, "page-count", 40, NULL);
  saved = cst_request_repo_save (conn, request, &error);
  g_assert_no_error (error);
  g_object_unref (request);
  return saved;
}

static void
test_treated_as_the_patient (void)
{
  g_autofree char *info = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) conn = cst_db_connect (info, NULL);
  g_autoptr(CstRequest) own = counted (conn, cst_test_db_add_request (conn, "REPR-3"));
  g_autoptr(CstRequest) represented = counted (conn, representative_request (conn, "REPR-4",
                                                                              "Lena Parent"));
  g_autoptr(CstFeeScheduleSet) set = cst_fee_repo_load_schedules (conn, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) days = cst_db_exec (conn, "SELECT access_deadline_days FROM jurisdictions"
                                          " WHERE code = 'NY'", 0, NULL, NULL);
  const CstFeeMethod methods[] = { CST_FEE_METHOD_DEFAULT, CST_FEE_METHOD_HIPAA_FLAT };
  CstClocks own_clocks, represented_clocks;
  GDate today, due;
  CstFeeRequest fee;

  /* No authority on file: not quoted as anyone's. */
  g_assert_null (quote (conn, set, represented, CST_FEE_METHOD_DEFAULT, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "Lena Parent"));
  g_clear_error (&error);
  g_assert_cmpint (cst_representative_record (conn, represented, CST_AUTHORITY_PARENT_OF_MINOR,
                                              "Birth certificate", NULL, &error), >, 0);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      g_autoptr(CstFeeQuote) mine = quote (conn, set, own, methods[i], &error);
      g_autoptr(CstFeeQuote) theirs = NULL;
      g_autofree char *mine_json = NULL;
      g_autofree char *theirs_json = NULL;
      const CstFeeLine *search;

      g_assert_no_error (error);
      theirs = quote (conn, set, represented, methods[i], &error);
      g_assert_no_error (error);
      mine_json = cst_fee_quote_to_json (mine);
      theirs_json = cst_fee_quote_to_json (theirs);
      g_assert_cmpstr (theirs_json, ==, mine_json);
      g_assert_cmpint (cst_fee_quote_get_total_cents (theirs), >, 0);
      /* HIPAA's patient-access rules: the search time is shown, not charged. */
      search = cst_fee_quote_find_line (theirs, "hipaa.search-excluded");
      g_assert_nonnull (search);
      g_assert_false (cst_fee_line_is_chargeable (search));
      g_assert_cmpint (cst_fee_line_get_amount_cents (search), ==, 0);
    }
  g_assert_true (cst_request_fee_fill_checked (conn, own, CST_FEE_METHOD_DEFAULT, &fee, &error));

  /* The patient-access clock: the state's days from receipt, as for the patient. */
  cst_input_today (&today);
  cst_clocks_compute (own, 10, &today, &own_clocks);
  cst_clocks_compute (represented, 10, &today, &represented_clocks);
  due = *cst_request_get_received_date (represented);
  g_date_add_days (&due, (guint) cst_db_int64 (days, 0, 0));
  g_assert_cmpint (g_date_compare (&represented_clocks.legal_due, &due), ==, 0);
  g_assert_cmpint (g_date_compare (&represented_clocks.legal_due, &own_clocks.legal_due), ==, 0);
  g_assert_cmpint (represented_clocks.legal_days_left, ==, own_clocks.legal_days_left);
  g_assert_false (cst_authorization_is_required (cst_request_get_requester_kind (represented)));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/representative/authority-on-file", test_authority_on_file);
  g_test_add_func ("/representative/expired-authority", test_expired_authority);
  g_test_add_func ("/representative/read-back", test_read_back);
  g_test_add_func ("/representative/treated-as-the-patient", test_treated_as_the_patient);
  return cst_test_db_run (&db);
}
