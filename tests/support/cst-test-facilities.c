/* cst-test-facilities.c — a health system's facilities for the tests */
#include "config.h"

#include "cst-test-facilities.h"

#include "custodian/cst-db.h"
#include "custodian/cst-facilities.h"
#include "custodian/cst-request-repo.h"

/* @admin (an administrator's login) adds facility @code, numbering its
 * requests with @code's first three characters, in @state. */
void
cst_test_facility_add (PGconn     *admin,
                       const char *code,
                       const char *name,
                       const char *state)
{
  g_autoptr(CstFacility) draft = cst_test_facility_new ();
  g_autoptr(CstFacility) added = NULL;
  g_autoptr(GError) error = NULL;

  g_free (draft->code);
  draft->code = g_strdup (code);
  g_free (draft->request_prefix);
  draft->request_prefix = g_strndup (code, 3);
  cst_facility_set (draft, CST_FACILITY_NAME, name);
  cst_facility_set (draft, CST_FACILITY_DEFAULT_STATE, state);
  added = cst_facility_add (admin, draft, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (added->code, ==, code);
}

/* A new clerk's login, granted by @admin each facility of @codes
 * (comma-separated).  Returns: (transfer full): its conninfo */
char *
cst_test_facility_clerk (CstTestDb  *db,
                         PGconn     *admin,
                         const char *codes)
{
  char *conninfo = cst_test_db_create_login (db, "custodian_clerk");
  g_auto(GStrv) each = g_strsplit (codes, ",", -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) clerk = cst_db_connect (conninfo, &error);
  const char *login;

  g_assert_no_error (error);
  login = PQuser (clerk);
  for (guint i = 0; each[i] != NULL; i++)
    {
      g_assert_true (cst_facility_set_member (admin, login, each[i], TRUE, &error));
      g_assert_no_error (error);
    }
  return conninfo;
}

/* @clerk files a request at facility @code for a patient of
 * @family_name.  Returns: (transfer full): the request as stored */
CstRequest *
cst_test_facility_request (PGconn     *clerk,
                           const char *code,
                           const char *mrn,
                           const char *family_name)
{
  g_autoptr(CstRequest) draft = cst_test_db_request_draft (mrn, "Ann Lee", CST_REQUESTER_PATIENT, "NY");
  g_autoptr(GError) error = NULL;
  CstRequest *request;

  g_object_set (draft, "facility-code", code, "patient-family-name", family_name, NULL);
  request = cst_request_repo_create (clerk, draft, &error);
  g_assert_no_error (error);
  return request;
}
