/* cst-test-file.h — what the tests check of the files Custodian writes */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void cst_test_file_make_public    (const char *path);
void cst_test_file_assert_private (const char *path);
void cst_test_file_wait_for_pdf   (const char *path);
char *cst_test_file_sha256       (const char *path);

G_END_DECLS
