/* cst-test-facilities.h — a health system's facilities for the tests
 * (issue 22): facilities added by an administrator, clerks granted some
 * of them, requests filed at one of them. */
#pragma once

#include "cst-test-db.h"

G_BEGIN_DECLS

void        cst_test_facility_add      (PGconn      *admin,
                                        const char  *code,
                                        const char  *name,
                                        const char  *state);
char       *cst_test_facility_clerk    (CstTestDb   *db,
                                        PGconn      *admin,
                                        const char  *codes);
CstRequest *cst_test_facility_request  (PGconn      *clerk,
                                        const char  *code,
                                        const char  *mrn,
                                        const char  *family_name);

G_END_DECLS
