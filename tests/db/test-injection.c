/* test-injection.c — hostile text through every text field of the request
 * model is stored and read back unchanged, and never executed
 *
 * The connection is the database owner, a superuser: if any of these
 * strings were ever spliced into SQL, its DROP or UPDATE would succeed, so
 * the tables still being there afterwards means something.  (A clerk's
 * login would be refused by its grants and hide the bug.)
 */
#include "config.h"

#include "cst-test-db.h"

static CstTestDb *db;

static const char *const corpus[] = {
  "O'Brien",
  "''; DROP TABLE patients; --",
  "Robert'); DROP TABLE roi_requests;--",
  "\"; DELETE FROM audit_log; --",
  "' OR '1'='1",
  "1 OR 1=1; UPDATE roi_requests SET status = 'released'",
  "admin'--",
  "/* comment */ SELECT pg_sleep(10)",
  "-- a comment only",
  "$1 $2 $$ $tag$ dollar quoting $tag$",
  "E'\\x41' \\' \\\\ backslashes",
  "%s %n %x %% printf",
  "1; COPY patients TO '/tmp/custodian-leak'",
  "\\x00 written out",
  "\\u0000 written out",
  "%00 url-encoded",
  "&#0; html entity",
  "\x01\x02\x1b[31m\x7f controls",
  /* Look-alikes: fullwidth apostrophe and semicolon, modifier-letter
   * apostrophe, typographic quotes, primes. */
  "\xef\xbc\xaf\xef\xbc\x87\xef\xbc\xa2\xef\xbd\x92\xef\xbd\x89\xef\xbd\x85\xef\xbd\x8e"
  "\xef\xbc\x9b\xe3\x80\x80" "DROP TABLE patients",
  "\xca\xbc OR \xca\xbc" "1\xca\xbc=\xca\xbc" "1",
  "\xe2\x80\x98single\xe2\x80\x99 \xe2\x80\x9c" "double\xe2\x80\x9d \xe2\x80\xb2prime\xe2\x80\xb3",
  "line\xe2\x80\xa8separator\xe2\x80\xa9paragraph",
  "zero\xe2\x80\x8bwidth\xef\xbb\xbf" "bom",
  "Jos\xc3\xa9 N\xc3\xba\xc3\xb1" "ez \xc3\x85ngstr\xc3\xb6m \xf0\x9f\x98\x80 \xf0\x9d\x94\x98",
  "right-to-left \xe2\x80\xae" "fdp.exe",
  "tab\tnewline\ncarriage\rreturn",
  "{\"a\": 1, \"b\": [null]}",
  "ARRAY['x'] || '{}'::text[]",
  "NULL",
};

/* Fields the model trims before storing (names and identifiers). */
static const char *const trimmed_fields[] = {
  "patient-mrn", "patient-family-name", "patient-given-name", "requester-name",
};
static const char *const exact_fields[] = {
  "requester-organization", "requester-address", "requester-phone",
  "purpose", "authorization-notes", "assignee",
};
static const char *const emails[] = {
  "o'brien@example.org",
  "x@y';DROP_TABLE_patients;--",
  "\xef\xbd\x8f\xef\xbc\x87\xef\xbd\x82@example.org",
  "a%00\\u0000@b",
};

static CstRequest *
draft_with (const char *text,
            guint       index)
{
  CstRequest *draft = cst_request_new ();
  /* GLib 2.74's g_utf8_substring reads past the end if asked for more
   * characters than there are. */
  g_autofree char *head = g_utf8_substring (text, 0, MIN (40, g_utf8_strlen (text, -1)));
  g_autofree char *mrn = g_strdup_printf ("%s-%u", head, index);
  const char *types[] = { text, "Discharge summary", NULL };
  GDate today, birth;

  cst_input_today (&today);
  g_date_clear (&birth, 1);
  g_date_set_dmy (&birth, 2, 2, 1972);
  g_object_set (draft,
                "patient-birth-date", &birth,
                "received-date", &today,
                "jurisdiction", "NY",
                /* The patient's own: its deadline has the extension the
                 * round trip takes (an attorney's has none, migration 0059). */
                "requester-kind", CST_REQUESTER_PATIENT,
                "requester-email", emails[index % G_N_ELEMENTS (emails)],
                "record-types", types,
                NULL);
  for (guint f = 0; f < G_N_ELEMENTS (trimmed_fields); f++)
    g_object_set (draft, trimmed_fields[f], text, NULL);
  g_object_set (draft, "patient-mrn", mrn, NULL);
  for (guint f = 0; f < G_N_ELEMENTS (exact_fields); f++)
    g_object_set (draft, exact_fields[f], text, NULL);
  return draft;
}

static void
assert_text (CstRequest *request,
             const char *property,
             const char *expected)
{
  g_autofree char *stored = NULL;

  g_object_get (request, property, &stored, NULL);
  if (g_strcmp0 (stored, expected) != 0)
    g_error ("%s came back changed (%zu bytes instead of %zu)", property,
             stored ? strlen (stored) : 0, strlen (expected));
}

static void
assert_same_texts (CstRequest *stored,
                   CstRequest *draft)
{
  g_auto(GStrv) types = NULL;
  g_auto(GStrv) expected_types = NULL;

  for (guint f = 0; f < G_N_ELEMENTS (trimmed_fields); f++)
    {
      g_autofree char *value = NULL;
      g_object_get (draft, trimmed_fields[f], &value, NULL);
      assert_text (stored, trimmed_fields[f], g_strstrip (value));
    }
  for (guint f = 0; f < G_N_ELEMENTS (exact_fields); f++)
    {
      g_autofree char *value = NULL;
      g_object_get (draft, exact_fields[f], &value, NULL);
      assert_text (stored, exact_fields[f], value);
    }
  g_object_get (stored, "record-types", &types, NULL);
  g_object_get (draft, "record-types", &expected_types, NULL);
  g_assert_cmpstrv (types, expected_types);
}

static void
assert_tables_intact (PGconn *conn)
{
  const char *tables[] = { "patients", "requesters", "roi_requests", "audit_log",
                           "schema_migrations", "jurisdictions" };
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) released = NULL;
  g_autoptr(CstAuditChainReport) chain = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      const char *params[] = { tables[i] };
      g_autoptr(PGresult) res = cst_db_exec (conn, "SELECT to_regclass($1) IS NOT NULL",
                                             1, params, &error);
      g_assert_no_error (error);
      g_assert_true (cst_db_bool (res, 0, 0));
    }
  released = cst_db_exec (conn, "SELECT count(*) FROM roi_requests WHERE status = 'released'",
                          0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cst_db_int64 (released, 0, 0), ==, 0);
  /* Nothing wrote to the log behind the triggers' back either. */
  chain = cst_audit_chain_verify (conn, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (chain->intact);
}

/* create → read back; save → read back; extend and deny with reasons →
 * read back; look it up by the text as a reference → not found. */
static void
test_corpus_round_trips (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect_as (db, "custodian_clerk");
  gint64 before = cst_request_repo_count (conn, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (corpus); i++)
    {
      const char *text = corpus[i];
      const char *other = corpus[(i + 7) % G_N_ELEMENTS (corpus)];
      g_autoptr(CstRequest) draft = draft_with (text, i);
      g_autoptr(CstRequest) created = NULL;
      g_autoptr(CstRequest) saved = NULL;
      g_autoptr(CstRequest) extended = NULL;
      g_autoptr(GBytes) notice = NULL;
      g_autoptr(CstRequest) denied = NULL;
      g_autoptr(CstRequest) found = NULL;
      g_autoptr(GError) error = NULL;
      GDate today;

      g_test_message ("corpus entry %u", i);
      created = cst_request_repo_create (conn, draft, &error);
      g_assert_no_error (error);
      assert_same_texts (created, draft);
      assert_text (created, "requester-email", emails[i % G_N_ELEMENTS (emails)]);

      g_object_set (created, "purpose", other, "authorization-notes", other, "assignee", other, NULL);
      saved = cst_request_repo_save (conn, created, &error);
      g_assert_no_error (error);
      g_clear_object (&saved);
      saved = cst_request_repo_get (conn, cst_request_get_id (created), &error);
      g_assert_no_error (error);
      assert_text (saved, "purpose", other);
      assert_text (saved, "authorization-notes", other);
      assert_text (saved, "assignee", other);

      cst_input_today (&today);
      /* The written notice comes first (164.524(b)(2)(iii), migration 0041). */
      notice = cst_extension_render_notice (conn, saved, &today, text, "en", NULL, &error);
      g_assert_no_error (error);
      extended = cst_request_repo_extend (conn, saved, &today, text, &error);
      g_assert_no_error (error);
      assert_text (extended, "extension-reason", text);
      denied = cst_request_repo_move (conn, extended, CST_STATUS_DENIED, text, &error);
      g_assert_no_error (error);
      assert_text (denied, "status-reason", text);

      found = cst_request_repo_find (conn, text, &error);
      g_assert_null (found);
      g_assert_error (error, CST_ERROR, CST_ERROR_NOT_FOUND);
    }
  g_assert_cmpint (cst_request_repo_count (conn, NULL), ==, before + G_N_ELEMENTS (corpus));
  assert_tables_intact (conn);
}

/* Values the model or the schema refuse are refused with a clear error,
 * and nothing of the request is left behind. */
static void
test_refused_values_leave_nothing (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect_as (db, "custodian_clerk");
  gint64 before = cst_request_repo_count (conn, NULL);
  g_autofree char *long_mrn = g_strnfill (65, '\'');
  const struct { const char *property; const char *value; } cases[] = {
    { "jurisdiction", "NY'; DROP TABLE jurisdictions; --" },
    { "jurisdiction", "\xef\xbc\xae\xef\xbc\xb9" },       /* fullwidth "NY" */
    { "requester-email", "x@y; DROP TABLE patients" },    /* whitespace */
    { "patient-mrn", long_mrn },                          /* > 64 characters */
    { "purpose", "overlong NUL \xc0\x80 inside" },        /* not UTF-8 */
    { "requester-address", "Latin-1 caf\xe9" },           /* not UTF-8 */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CstRequest) draft = draft_with ("Refused", 1000 + i);
      g_autoptr(CstRequest) created = NULL;
      g_autoptr(GError) error = NULL;

      g_object_set (draft, cases[i].property, cases[i].value, NULL);
      created = cst_request_repo_create (conn, draft, &error);
      g_assert_null (created);
      g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
      g_assert_cmpint (cst_request_repo_count (conn, NULL), ==, before);
    }
  assert_tables_intact (conn);
}

/* libpq text parameters end at the first NUL, so text with a NUL inside
 * would be stored cut short.  Text from outside is checked with its length
 * and refused instead; a string without one passes. */
static void
test_nul_is_refused_not_truncated (void)
{
  static const char with_nul[] = "Smith\0'; DROP TABLE patients; --";
  static const char nul_first[] = "\0hidden";
  g_autoptr(GError) error = NULL;

  g_assert_false (cst_input_check_text (with_nul, sizeof with_nul - 1, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "NUL"));
  g_assert_nonnull (strstr (error->message, "byte 5"));
  g_clear_error (&error);
  g_assert_false (cst_input_check_text (nul_first, sizeof nul_first - 1, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  /* The "overlong" encoding of NUL is not UTF-8 at all. */
  g_assert_false (cst_input_check_text ("a\xc0\x80" "b", 4, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  for (guint i = 0; i < G_N_ELEMENTS (corpus); i++)
    {
      g_assert_true (cst_input_check_text (corpus[i], -1, &error));
      g_assert_true (cst_input_check_text (corpus[i], strlen (corpus[i]), &error));
      g_assert_no_error (error);
    }

  /* The database layer refuses non-UTF-8 parameters before sending them,
   * even in a plain query. */
  {
    g_autoptr(PGconn) conn = cst_test_db_connect_as (db, "custodian_clerk");
    const char *params[] = { "\xc0\x80" };
    g_autoptr(PGresult) res = cst_db_exec (conn, "SELECT $1::text", 1, params, &error);
    g_assert_null (res);
    g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  }
}

static void
test_very_long_values (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(GString) big = g_string_sized_new (1 << 20);
  g_autoptr(CstRequest) draft = NULL;
  g_autoptr(CstRequest) created = NULL;
  g_autoptr(CstRequest) loaded = NULL;
  g_autoptr(GError) error = NULL;

  /* A megabyte of quotes, semicolons, comment markers and multi-byte text. */
  while (big->len < (1 << 20))
    g_string_append (big, "'\"; -- /* DROP TABLE patients */ Ｏ＇Ｂ 😀 \\ $$ ");
  draft = draft_with ("Long values", 2000);
  g_object_set (draft, "purpose", big->str, "requester-address", big->str,
                "authorization-notes", big->str, NULL);
  created = cst_request_repo_create (conn, draft, &error);
  g_assert_no_error (error);
  loaded = cst_request_repo_get (conn, cst_request_get_id (created), &error);
  g_assert_no_error (error);
  assert_text (loaded, "purpose", big->str);
  assert_text (loaded, "requester-address", big->str);
  assert_text (loaded, "authorization-notes", big->str);
  assert_tables_intact (conn);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/injection/corpus-round-trips", test_corpus_round_trips);
  g_test_add_func ("/injection/refused-values", test_refused_values_leave_nothing);
  g_test_add_func ("/injection/nul", test_nul_is_refused_not_truncated);
  g_test_add_func ("/injection/very-long", test_very_long_values);
  return cst_test_db_run (&db);
}
