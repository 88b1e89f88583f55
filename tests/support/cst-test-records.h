/* cst-test-records.h — record files made in the tests: PDFs, scans, and
 * the damaged and protected ones the packet must refuse */
#pragma once

#include <glib.h>

#include "custodian/cst-db-types.h"
#include "custodian/cst-request.h"

G_BEGIN_DECLS

char *cst_test_records_pdf       (const char *dir,
                                  const char *name,
                                  guint       pages,
                                  const char *text);
char *cst_test_records_pdf_lines (const char        *dir,
                                  const char        *name,
                                  const char *const *pages,
                                  gboolean           scanned);
char *cst_test_records_png       (const char *dir,
                                  const char *name,
                                  const char *text);
char *cst_test_records_jpeg      (const char *dir,
                                  const char *name);
char *cst_test_records_tiff      (const char *dir,
                                  const char *name,
                                  guint       pages,
                                  guint       width);
char *cst_test_records_encrypted (const char *dir,
                                  const char *name,
                                  const char *plain);
char *cst_test_records_truncated (const char *dir,
                                  const char *name,
                                  const char *whole,
                                  gsize       keep);
char *cst_test_records_file      (const char *dir,
                                  const char *name,
                                  const char *contents,
                                  gssize      len);
void  cst_test_records_remove    (const char *dir);

CstRequest *cst_test_records_approve (PGconn     *assembler,
                                      PGconn     *reviewer,
                                      CstRequest *request,
                                      const char *dir);

G_END_DECLS
