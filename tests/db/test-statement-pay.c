/* test-statement-pay.c — every statement's own pay link (0073): the QR
 * code on the PDF, rasterized and decoded with zbarimg, is the stored
 * link; the token says nothing about the patient; revoking it is
 * reported; only billing and administrators issue and revoke; the audit
 * log records both without the token. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

#include "custodian/cst-db.h"
#include "custodian/cst-statement-pay.h"

#include "cst-test-cli.h"
#include "cst-test-db.h"
#include "cst-test-pdf.h"

static char *sample;

static char *
temp_path (const char *name)
{
  g_autofree char *dir = g_dir_make_tmp ("cst-statement-pay-XXXXXX", NULL);

  g_assert_nonnull (dir);
  return g_build_filename (dir, name, NULL);
}

static PopplerDocument *
open_pdf (const char *path)
{
  char *contents = NULL;
  gsize length = 0;
  g_autoptr(GBytes) bytes = NULL;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  bytes = g_bytes_new_take (contents, length);
  return cst_test_pdf_open (bytes);
}

/* Runs @argv and returns its standard output; @accepted is an exit
 * status taken as success besides 0 (or 0). */
static char *
run (const char *const *argv,
     int                 accepted)
{
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL) ||
                 (accepted != 0 && WIFEXITED (status) && WEXITSTATUS (status) == accepted));
  return out;
}

/* Every page at 144 dpi, grey, by Poppler's pdftoppm, each read by
 * zbarimg; the QR codes found, one per line, "" when none.  Both run as
 * programs of their own: rendering the pages and writing them as PNG in
 * this process was 98 % of the test's instructions under memcheck, all in
 * Poppler, cairo and zlib. */
static char *
decode_qr_codes (const char *pdf_path)
{
  g_autoptr(PopplerDocument) doc = open_pdf (pdf_path);
  g_autofree char *prefix = g_strconcat (pdf_path, "-page", NULL);
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *folder = g_path_get_dirname (pdf_path);
  g_autofree char *base = g_path_get_basename (prefix);
  GString *found = g_string_new (NULL);
  const char *name;

  g_free (run ((const char *const[]) { "pdftoppm", "-r", "144", "-gray", pdf_path, prefix, NULL }, 0));
  dir = g_dir_open (folder, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, base) && g_str_has_suffix (name, ".pgm"))
      g_ptr_array_add (pages, g_build_filename (folder, name, NULL));
  g_ptr_array_sort (pages, (GCompareFunc) g_strcmp0);
  g_assert_cmpuint (pages->len, ==, (guint) poppler_document_get_n_pages (doc));
  for (guint i = 0; i < pages->len; i++)
    {
      /* zbarimg exits 4 when it finds no code on the page. */
      g_autofree char *out = run ((const char *const[]) { "zbarimg", "--quiet", "--raw", "-Sdisable",
                                                          "-Sqrcode.enable", g_ptr_array_index (pages, i),
                                                          NULL }, 4);

      g_string_append (found, out);
      g_unlink (g_ptr_array_index (pages, i));
    }
  return g_string_free (found, FALSE);
}

static char *
only_token (PGconn *conn)
{
  g_autoptr(PGresult) res = NULL;

  res = cst_db_exec (conn, "SELECT token FROM statement_pay_tokens ORDER BY id", 0, NULL, NULL);
  g_assert_nonnull (res);
  g_assert_cmpint (PQntuples (res), ==, 1);
  return g_strdup (PQgetvalue (res, 0, 0));
}

static int
render (const char  *login,
        const char  *pdf,
        const char  *json,
        char       **out,
        char       **err,
        const char  *extra)
{
  return cst_test_cli_run (NULL, out, err, "--database", login, "statement", "render", sample, "--offline",
                           "--output", pdf, "--json", json, "--patient", "José Núñez",
                           "--account", "ACC-77", "--statement-date", "2025-03-31", extra, NULL);
}

/* The QR code decodes to the stored link, which the online payment line
 * and the JSON also give; the token is 24 URL-safe characters and carries
 * neither the patient's name nor the account number. */
static void
test_qr_is_stored_link (void)
{
  g_autoptr(CstTestDb) db = cst_test_db_new ();
  g_autoptr(PGconn) billing = cst_test_db_connect_as (db, "custodian_billing");
  g_autofree char *login = cst_test_db_create_login (db, "custodian_billing");
  g_autofree char *pdf = temp_path ("statement.pdf");
  g_autofree char *json_path = temp_path ("statement.json");
  g_autofree char *out = NULL, *err = NULL, *json = NULL, *codes = NULL, *token = NULL;
  g_autofree char *link = NULL, *expected_json = NULL, *text = NULL, *squashed = NULL;
  g_autoptr(PopplerDocument) doc = NULL;

  g_assert_cmpint (render (login, pdf, json_path, &out, &err, NULL), ==, 0);
  token = only_token (billing);
  g_assert_true (cst_pay_token_is_well_formed (token));
  g_assert_null (strstr (token, "ACC"));
  g_assert_null (strstr (token, "Jos"));
  link = g_strconcat ("https://pay.custodian-general.example/", token, NULL);

  codes = decode_qr_codes (pdf);
  g_assert_cmpstr (g_strstrip (codes), ==, link);

  doc = open_pdf (pdf);
  text = cst_test_pdf_text (doc);
  squashed = cst_test_pdf_squash (text);
  g_assert_nonnull (strstr (squashed, "Online:"));
  g_assert_nonnull (strstr (squashed, token));
  g_assert_nonnull (strstr (squashed, "Scanthiscodewithyourphonetopay."));
  g_assert_true (g_file_get_contents (json_path, &json, NULL, NULL));
  expected_json = g_strdup_printf ("\"pay_link\":\"%s\"", link);
  g_assert_nonnull (strstr (json, expected_json));
  g_assert_nonnull (strstr (out, link));

  /* What the portal looks up: the statement's date, amount and account. */
  {
    g_autoptr(CstPayToken) row = cst_pay_token_lookup (billing, token, NULL);

    g_assert_nonnull (row);
    g_assert_cmpstr (row->account_number, ==, "ACC-77");
    g_assert_cmpint (row->amount_due_cents, ==, 137596);
    g_assert_cmpint (g_date_get_year (&row->statement_date), ==, 2025);
    g_assert_null (row->revoked_at);
  }
}

/* Two statements, two tokens; a draft (--no-pay-link) stores none and has
 * no QR code, only the portal's address. */
static void
test_each_statement_its_own (void)
{
  g_autoptr(CstTestDb) db = cst_test_db_new ();
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *login = cst_test_db_create_login (db, "custodian_billing");
  g_autofree char *a = temp_path ("a.pdf"), *b = temp_path ("b.pdf"), *c = temp_path ("c.pdf");
  g_autofree char *j = temp_path ("s.json");
  g_autofree char *codes = NULL, *text = NULL;
  g_autoptr(PopplerDocument) doc = NULL;

  g_assert_cmpint (render (login, a, j, NULL, NULL, NULL), ==, 0);
  g_assert_cmpint (render (login, b, j, NULL, NULL, NULL), ==, 0);
  g_assert_cmpint (cst_test_db_int (owner, "SELECT count(DISTINCT token) FROM statement_pay_tokens", 0, NULL), ==, 2);
  g_assert_cmpint (render (login, c, j, NULL, NULL, "--no-pay-link"), ==, 0);
  g_assert_cmpint (cst_test_db_int (owner, "SELECT count(*) FROM statement_pay_tokens", 0, NULL), ==, 2);
  codes = decode_qr_codes (c);
  g_assert_cmpstr (g_strstrip (codes), ==, "");
  doc = open_pdf (c);
  text = cst_test_pdf_text (doc);
  g_assert_nonnull (strstr (text, "Online: pay.custodian-general.example"));
}

/* Revoked: the lookup says so (exit 1, who, why); revoking twice, or
 * without a reason, is refused; a clerk can neither issue nor revoke. */
static void
test_revoke (void)
{
  g_autoptr(CstTestDb) db = cst_test_db_new ();
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *login = cst_test_db_create_login (db, "custodian_billing");
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autofree char *auditor = cst_test_db_create_login (db, "custodian_auditor");
  g_autofree char *pdf = temp_path ("statement.pdf"), *json = temp_path ("s.json");
  g_autofree char *token = NULL, *link = NULL;
  g_autofree char *out = NULL, *out2 = NULL, *out3 = NULL, *err = NULL, *err2 = NULL, *err3 = NULL, *err4 = NULL;

  g_assert_cmpint (render (login, pdf, json, NULL, NULL, NULL), ==, 0);
  token = only_token (owner);
  link = g_strconcat ("https://pay.custodian-general.example/", token, NULL);

  g_assert_cmpint (cst_test_cli_run (NULL, &out, NULL, "--database", auditor, "statement", "pay-link", link, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Active"));
  g_assert_cmpint (cst_test_cli_run (NULL, NULL, &err, "--database", clerk, "statement", "revoke-link", token,
                                     "--reason", "sent to the wrong address", NULL), ==, 1);
  g_test_message ("clerk: %s", err);
  g_assert_nonnull (strstr (err, "permission"));
  g_assert_cmpint (cst_test_cli_run (NULL, NULL, NULL, "--database", login, "statement", "revoke-link", token,
                                     NULL), ==, 2);
  g_assert_cmpint (cst_test_cli_run (NULL, NULL, NULL, "--database", login, "statement", "revoke-link", link,
                                     "--reason", "sent to the wrong address", NULL), ==, 0);
  g_assert_cmpint (cst_test_cli_run (NULL, &out2, NULL, "--database", auditor, "statement", "pay-link", token, NULL), ==, 1);
  g_assert_nonnull (strstr (out2, "REVOKED"));
  g_assert_nonnull (strstr (out2, "sent to the wrong address"));
  g_assert_cmpint (cst_test_cli_run (NULL, NULL, &err2, "--database", login, "statement", "revoke-link", token,
                                     "--reason", "again", NULL), ==, 1);
  g_assert_nonnull (strstr (err2, "revoked already"));
  g_assert_cmpint (cst_test_cli_run (NULL, NULL, &err3, "--database", clerk, "statement", "render", sample,
                                     "--offline", "--output", pdf, NULL), ==, 1);
  g_assert_nonnull (strstr (err3, "No pay link for this statement"));
  g_assert_cmpint (cst_test_cli_run (NULL, &out3, &err4, "--database", auditor, "statement", "pay-link",
                                     "AAAAAAAAAAAAAAAAAAAAAAAA", NULL), ==, 1);
  g_assert_nonnull (strstr (err4, "No statement pay link has this token"));

  /* Issue and revocation are both in the audit log, the token in neither. */
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM audit_log WHERE table_name = "
                                            "'statement_pay_tokens' AND (old_row::text LIKE '%%%s%%' "
                                            "OR new_row::text LIKE '%%%s%%')", token, token);
    g_assert_cmpint (cst_test_db_int (owner, "SELECT count(*) FROM audit_log WHERE table_name = "
                                      "'statement_pay_tokens' AND action IN ('INSERT', 'UPDATE')", 0, NULL), ==, 2);
    g_assert_cmpint (cst_test_db_int (owner, sql, 0, NULL), ==, 0);
  }
}

/* The database keeps a revoked token revoked, whatever a client sends. */
static void
test_revoked_stays_revoked (void)
{
  g_autoptr(CstTestDb) db = cst_test_db_new ();
  g_autoptr(PGconn) billing = cst_test_db_connect_as (db, "custodian_billing");
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = NULL;
  g_autofree char *token = NULL;

  res = cst_db_exec (billing, "SELECT statement_pay_token_issue(NULL, '2025-03-31', 100, NULL)", 0, NULL, &error);
  g_assert_no_error (error);
  token = g_strdup (PQgetvalue (res, 0, 0));
  g_assert_true (cst_pay_token_is_well_formed (token));
  g_assert_true (cst_pay_token_revoke (billing, token, "wrong amount", &error));
  g_assert_no_error (error);
  g_assert_false (cst_db_exec_command (owner, "UPDATE statement_pay_tokens SET revoked_at = NULL, "
                                       "revoked_by = NULL, revoke_reason = NULL", 0, NULL, &error));
  g_assert_nonnull (strstr (error->message, "only ever revoked, once"));
  g_clear_error (&error);
  g_assert_false (cst_db_exec_command (owner, "DELETE FROM statement_pay_tokens", 0, NULL, &error));
  g_clear_error (&error);
  g_assert_false (cst_db_exec_command (billing, "UPDATE statement_pay_tokens SET amount_due_cents = 0",
                                       0, NULL, &error));
}

/* A token begins with a letter or a digit (0084): 200 issued, none with
 * "-" or "_" first (0073's tokens did one time in 32).  One issued before
 * that, beginning with "-", is still looked up when given after "--". */
static void
test_token_first_character (void)
{
  g_autoptr(CstTestDb) db = cst_test_db_new ();
  g_autoptr(PGconn) billing = cst_test_db_connect_as (db, "custodian_billing");
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *auditor = cst_test_db_create_login (db, "custodian_auditor");
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  const char *old = "-bcdefghijklmnopqrstuvwx";

  for (int i = 0; i < 200; i++)
    {
      g_autoptr(PGresult) res = cst_db_exec (billing, "SELECT statement_pay_token_issue(NULL, '2025-03-31', 100, NULL)",
                                             0, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (g_ascii_isalnum (PQgetvalue (res, 0, 0)[0]));
    }
  g_assert_true (cst_db_exec_command (owner, "INSERT INTO statement_pay_tokens (token, statement_date, "
                                      "amount_due_cents) VALUES ($1, '2025-03-31', 100)",
                                      1, (const char *[]) { old }, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cst_test_cli_run (NULL, &out, NULL, "--database", auditor, "statement", "pay-link", "--", old,
                                     NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Active"));
}

static void
test_link_build (void)
{
  const char *token = "abcdefghijklmnopqrstuvwx";
  g_autofree char *plain = cst_statement_pay_link_build ("pay.example.org", token);
  g_autofree char *slash = cst_statement_pay_link_build (" https://pay.example.org/statements/ ", token);

  g_assert_cmpstr (plain, ==, "https://pay.example.org/abcdefghijklmnopqrstuvwx");
  g_assert_cmpstr (slash, ==, "https://pay.example.org/statements/abcdefghijklmnopqrstuvwx");
  g_assert_false (cst_pay_token_is_well_formed ("abc"));
  g_assert_false (cst_pay_token_is_well_formed ("abcdefghijklmnopqrstuv+/"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  sample = g_test_build_filename (G_TEST_DIST, "data", "sample-bill-1.csv", NULL);
  g_test_add_func ("/statement-pay/link-build", test_link_build);
  g_test_add_func ("/statement-pay/qr-is-stored-link", test_qr_is_stored_link);
  g_test_add_func ("/statement-pay/each-statement-its-own", test_each_statement_its_own);
  g_test_add_func ("/statement-pay/revoke", test_revoke);
  g_test_add_func ("/statement-pay/revoked-stays-revoked", test_revoked_stays_revoked);
  g_test_add_func ("/statement-pay/token-first-character", test_token_first_character);
  return g_test_run ();
}
