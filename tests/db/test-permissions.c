/* test-permissions.c — the permission matrix of tests/data/permissions.tsv
 * against a freshly migrated database
 *
 * First the catalog: every table, view, sequence and owner-rights function
 * has its line, and each role's privileges are what the line says (so a
 * new object, or a grant widened or taken away, fails here with the line
 * to write).  Then the people: logged in as an ordinary member of each
 * role, every cell is tried, what it allows must work and everything else
 * must be refused with "permission denied".
 */
#include "config.h"

#include "cst-test-db.h"

static CstTestDb *db;

typedef enum { ROLE_CLERK, ROLE_BILLING, ROLE_AUDITOR, ROLE_ADMIN, N_ROLES } Role;

static const char *const role_names[N_ROLES] = { "clerk", "billing", "auditor", "admin" };

typedef struct
{
  guint  line;
  char  *kind;                 /* table, sequence or function */
  char  *name;                 /* NAME, or NAME(TYPES) for a function */
  char **cells[N_ROLES];       /* what each role may do; empty for "-" */
  char  *call;                 /* functions: the statement that tries it */
} Entry;

/* Fails the test, listing every problem found, one a line. */
static void
assert_no_problems (GString *problems)
{
  if (problems->len == 0)
    return;
  g_test_message ("%s", problems->str);
  g_test_fail ();
}

static void
entry_free (Entry *entry)
{
  g_free (entry->kind);
  g_free (entry->name);
  for (int r = 0; r < N_ROLES; r++)
    g_strfreev (entry->cells[r]);
  g_free (entry->call);
  g_free (entry);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Entry, entry_free)

static const char *
data_path (void)
{
  static char *path;

  if (path == NULL)
    path = g_test_build_filename (G_TEST_DIST, "data", "permissions.tsv", NULL);
  return path;
}

/* The words a cell of @kind may hold (update and select may also name
 * columns, as update(a,b)). */
static gboolean
word_fits (const char *kind,
           const char *word)
{
  static const char *const table_words[] = { "select", "insert", "update", "delete", NULL };

  if (g_str_equal (kind, "sequence"))
    return g_str_equal (word, "usage");
  if (g_str_equal (kind, "function"))
    return g_str_equal (word, "execute");
  if (g_str_has_prefix (word, "update(") || g_str_has_prefix (word, "select("))
    return g_str_has_suffix (word, ")");
  return g_strv_contains (table_words, word);
}

/* The words of a cell: "select,update(a,b)" is { "select", "update(a,b)" }. */
static char **
split_cell (const char *cell)
{
  g_autoptr(GStrvBuilder) words = g_strv_builder_new ();
  int depth = 0;
  const char *start = cell;

  if (g_str_equal (cell, "-"))
    return g_strv_builder_end (words);
  for (const char *p = cell;; p++)
    {
      if (*p == '(')
        depth++;
      else if (*p == ')')
        depth--;
      else if ((*p == ',' && depth == 0) || *p == '\0')
        {
          g_autofree char *word = g_strndup (start, p - start);

          g_strv_builder_add (words, word);
          if (*p == '\0')
            break;
          start = p + 1;
        }
    }
  return g_strv_builder_end (words);
}

static char *
join_cell (char **words)
{
  return words[0] == NULL ? g_strdup ("-") : g_strjoinv (",", words);
}

/* Table and sequence names are spliced into the statements that try them:
 * plain lower-case identifiers only. */
static gboolean
is_plain_name (const char *name)
{
  return g_regex_match_simple ("^[a-z_][a-z0-9_]*$", name, 0, 0);
}

/* One line of the file, or NULL (and a reason in @problems). */
static Entry *
parse_line (const char *text,
            guint       line,
            GString    *problems)
{
  g_autoptr(Entry) entry = g_new0 (Entry, 1);
  const char *p = text;
  char *fields[6];
  int n = 0;

  entry->line = line;
  for (; n < 6; n++)
    {
      const char *end;

      while (g_ascii_isspace (*p))
        p++;
      for (end = p; *end && !g_ascii_isspace (*end); end++)
        ;
      if (end == p)
        break;
      fields[n] = g_strndup (p, end - p);
      p = end;
    }
  if (n < 6)
    {
      g_string_append_printf (problems, "%s:%u: needs an object and four cells\n", data_path (), line);
      for (int i = 0; i < n; i++)
        g_free (fields[i]);
      return NULL;
    }
  entry->kind = fields[0];
  entry->name = fields[1];
  for (int r = 0; r < N_ROLES; r++)
    {
      entry->cells[r] = split_cell (fields[2 + r]);
      g_free (fields[2 + r]);
      for (char **w = entry->cells[r]; *w; w++)
        if (!word_fits (entry->kind, *w))
          g_string_append_printf (problems, "%s:%u: %s cannot be granted “%s”\n",
                                  data_path (), line, entry->kind, *w);
    }
  entry->call = g_strstrip (g_strdup (p));
  if (g_str_equal (entry->kind, "function") != (*entry->call != '\0'))
    g_string_append_printf (problems, "%s:%u: a call is needed for a function, and only there\n",
                            data_path (), line);
  if (!g_str_equal (entry->kind, "function") && !is_plain_name (entry->name))
    g_string_append_printf (problems, "%s:%u: “%s” is not a plain name\n", data_path (), line,
                            entry->name);
  return g_steal_pointer (&entry);
}

/* The file's lines by "KIND NAME". */
static GHashTable *
load_matrix (void)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) problems = g_string_new (NULL);
  GHashTable *matrix = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) entry_free);

  g_assert_true (g_file_get_contents (data_path (), &text, NULL, &error));
  g_assert_no_error (error);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      const char *line = g_strchug (lines[i]);
      Entry *entry;

      if (*line == '\0' || *line == '#')
        continue;
      entry = parse_line (line, i + 1, problems);
      if (entry == NULL)
        continue;
      if (!g_hash_table_insert (matrix, g_strdup_printf ("%s %s", entry->kind, entry->name), entry))
        g_string_append_printf (problems, "%s:%u: a second line for %s %s\n", data_path (), i + 1,
                                entry->kind, entry->name);
    }
  assert_no_problems (problems);
  return matrix;
}

/* What each role may do as the catalog says, in the file's words: one row
 * per object (kind, name, whether it is an identity column's sequence, the
 * four cells).  The helpers are temporary: nothing is added to "public". */
static const char catalog_sql[] =
  "CREATE FUNCTION pg_temp.word(r text, t oid, priv text, word text) RETURNS text"
  " LANGUAGE sql AS $$"
  "  SELECT CASE WHEN has_table_privilege(r, t, priv) THEN word"
  "    WHEN priv IN ('SELECT', 'INSERT', 'UPDATE', 'REFERENCES')"
  "         AND has_any_column_privilege(r, t, priv)"
  "    THEN word || '(' || (SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute"
  "                         WHERE attrelid = t AND attnum > 0 AND NOT attisdropped"
  "                           AND has_column_privilege(r, t, attnum, priv)) || ')' END $$;";

static const char cells_sql[] =
  "WITH roles (r, ord) AS (VALUES ('custodian_clerk', 1), ('custodian_billing', 2),"
  "                               ('custodian_auditor', 3), ('custodian_admin', 4)),"
  " rels AS (SELECT c.oid, c.relname::text AS name,"
  "                 CASE c.relkind WHEN 'S' THEN 'sequence' ELSE 'table' END AS kind,"
  "                 EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass"
  "                         AND d.objid = c.oid AND d.deptype = 'i') AS identity"
  "          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
  "          WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')),"
  " cells (kind, name, identity, ord, cell) AS ("
  "  SELECT kind, name, identity, ord, coalesce(nullif(CASE kind WHEN 'table' THEN concat_ws(',',"
  "           pg_temp.word(r, oid, 'SELECT', 'select'), pg_temp.word(r, oid, 'INSERT', 'insert'),"
  "           pg_temp.word(r, oid, 'UPDATE', 'update'), pg_temp.word(r, oid, 'DELETE', 'delete'),"
  "           pg_temp.word(r, oid, 'TRUNCATE', 'truncate'),"
  "           pg_temp.word(r, oid, 'REFERENCES', 'references'),"
  "           pg_temp.word(r, oid, 'TRIGGER', 'trigger'))"
  "         ELSE concat_ws(',',"
  "           CASE WHEN has_sequence_privilege(r, oid, 'USAGE') THEN 'usage' END,"
  "           CASE WHEN has_sequence_privilege(r, oid, 'SELECT') THEN 'select' END,"
  "           CASE WHEN has_sequence_privilege(r, oid, 'UPDATE') THEN 'update' END) END, ''), '-')"
  "  FROM rels, roles"
  "  UNION ALL"
  "  SELECT 'function', replace(p.oid::regprocedure::text, ' ', ''), false, ord,"
  "         CASE WHEN has_function_privilege(r, p.oid, 'EXECUTE') THEN 'execute' ELSE '-' END"
  "  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace, roles"
  "  WHERE n.nspname = 'public'"
  "    AND (p.prosecdef OR EXISTS (SELECT 1 FROM aclexplode(p.proacl) a"
  "                                JOIN pg_roles g ON g.oid = a.grantee"
  "                                WHERE g.rolname IN (SELECT r FROM roles))))"
  " SELECT kind, name, identity, max(cell) FILTER (WHERE ord = 1),"
  "        max(cell) FILTER (WHERE ord = 2), max(cell) FILTER (WHERE ord = 3),"
  "        max(cell) FILTER (WHERE ord = 4)"
  " FROM cells GROUP BY kind, name, identity ORDER BY kind, name";

/* Grants to anyone but the owner and the four roles (PUBLIC included,
 * except the EXECUTE every function has by default: the cells show it). */
static const char strays_sql[] =
  "SELECT x.what || ': ' || coalesce(g.rolname, 'PUBLIC') FROM ("
  "  SELECT 'table ' || c.relname AS what, c.relowner AS owner, (aclexplode(c.relacl)).grantee,"
  "         false AS function"
  "  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'"
  "  UNION ALL"
  "  SELECT 'column ' || c.relname || '.' || a.attname, c.relowner, (aclexplode(a.attacl)).grantee,"
  "         false"
  "  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
  "  JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'"
  "  UNION ALL"
  "  SELECT 'function ' || p.oid::regprocedure::text, p.proowner, (aclexplode(p.proacl)).grantee, true"
  "  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public') x"
  " LEFT JOIN pg_roles g ON g.oid = x.grantee"
  " WHERE x.grantee <> x.owner AND NOT (x.function AND x.grantee = 0)"
  "   AND coalesce(g.rolname, '') NOT IN ('custodian_clerk', 'custodian_billing',"
  "                                       'custodian_auditor', 'custodian_admin')"
  " ORDER BY 1";

static gboolean
cells_agree (char      **words,
             const char *actual)
{
  g_auto(GStrv) actual_words = split_cell (actual);

  if (g_strv_length (words) != g_strv_length (actual_words))
    return FALSE;
  for (char **w = words; *w; w++)
    if (!g_strv_contains ((const char *const *) actual_words, *w))
      return FALSE;
  return TRUE;
}

/* Every object has its line and every line its object, with the
 * privileges the catalog grants. */
static void
test_catalog_matches (void)
{
  g_autoptr(GHashTable) matrix = load_matrix ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = NULL;
  g_autoptr(PGresult) strays = NULL;
  GHashTableIter iter;
  gpointer key, value;

  g_assert_true (cst_db_exec_script (owner, catalog_sql, &error));
  g_assert_no_error (error);
  res = cst_db_exec (owner, cells_sql, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (PQntuples (res), >, 30);
  for (int row = 0; row < PQntuples (res); row++)
    {
      const char *kind = cst_db_value (res, row, 0), *name = cst_db_value (res, row, 1);
      g_autofree char *id = g_strdup_printf ("%s %s", kind, name);
      Entry *entry = g_hash_table_lookup (matrix, id);
      gboolean granted = FALSE;

      for (int r = 0; r < N_ROLES; r++)
        granted |= !g_str_equal (cst_db_value (res, row, 3 + r), "-");
      if (cst_db_bool (res, row, 2) && !granted && entry == NULL)
        continue;   /* an identity column's sequence, granted to nobody */
      g_hash_table_add (seen, g_strdup (id));
      if (entry == NULL)
        {
          g_autofree char *call = g_str_equal (kind, "function")
            ? g_strdup_printf (" SELECT %.*s(arguments that only the role check refuses)",
                               (int) strcspn (name, "("), name)
            : g_strdup ("");

          g_string_append_printf (problems, "%s has no line for %s; as the database is now it reads\n"
                                  "  %s %s %s %s %s%s\n", data_path (), id, id,
                                  cst_db_value (res, row, 3), cst_db_value (res, row, 4),
                                  cst_db_value (res, row, 5), cst_db_value (res, row, 6), call);
          continue;
        }
      for (int r = 0; r < N_ROLES; r++)
        if (!cells_agree (entry->cells[r], cst_db_value (res, row, 3 + r)))
          {
            g_autofree char *expected = join_cell (entry->cells[r]);
            g_string_append_printf (problems, "%s:%u: %s: %s may “%s”, the line says “%s”\n",
                                    data_path (), entry->line, id, role_names[r],
                                    cst_db_value (res, row, 3 + r), expected);
          }
    }
  g_hash_table_iter_init (&iter, matrix);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (seen, key))
      g_string_append_printf (problems, "%s:%u: %s is not in the database (or not owner-rights)\n",
                              data_path (), ((Entry *) value)->line, (char *) key);

  strays = cst_db_exec (owner, strays_sql, 0, NULL, &error);
  g_assert_no_error (error);
  for (int row = 0; row < PQntuples (strays); row++)
    g_string_append_printf (problems, "granted to someone who is not a Custodian role: %s\n",
                            cst_db_value (strays, row, 0));
  assert_no_problems (problems);
}

/* Whether PostgreSQL refused to write through a view that cannot be
 * written (joins, aggregates): a refusal for every role, which it reports
 * before looking at privileges, so it is no more an allowance than 42501. */
static gboolean
view_not_writable (const GError *error)
{
  return g_str_has_prefix (error->message, "cannot delete from view") ||
         g_str_has_prefix (error->message, "cannot insert into view") ||
         g_str_has_prefix (error->message, "cannot update view");
}

/* Runs @sql in a transaction that is rolled back.  Returns whether it got
 * past the privilege checks: it worked, or failed for another reason. */
static gboolean
try_statement (PGconn      *conn,
               const char  *sql,
               GError     **error)
{
  gboolean ok;

  g_assert_true (cst_db_exec_command (conn, "BEGIN", 0, NULL, NULL));
  ok = cst_db_exec_command (conn, sql, 0, NULL, error);
  cst_db_rollback (conn);
  return ok || !(g_error_matches (*error, CST_ERROR, CST_ERROR_PERMISSION_DENIED) || view_not_writable (*error));
}

/* A column of @table that @verb ("INSERT INTO %s (%s) …", "UPDATE %s SET
 * %s …") can name for the owner, who is refused nothing: an identity
 * column, or a view's column that is not its table's, could not say
 * whether a role may write the table.  Not one of @excluded. */
static char *
probe_column (PGconn      *owner,
              const char  *table,
              const char  *verb,
              char       **excluded)
{
  const char *params[] = { table };
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = cst_db_exec (owner,
    "SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0"
    " AND NOT attisdropped ORDER BY attnum", 1, params, &error);

  g_assert_no_error (error);
  for (int row = 0; row < PQntuples (res); row++)
    {
      const char *column = cst_db_value (res, row, 0);
      g_autofree char *sql = g_strdup_printf (verb, table, column);
      g_autoptr(GError) refused = NULL;

      if (excluded != NULL && g_strv_contains ((const char *const *) excluded, column))
        continue;
      g_assert_true (cst_db_exec_command (owner, "BEGIN", 0, NULL, NULL));
      if (cst_db_exec_command (owner, sql, 0, NULL, &refused))
        {
          cst_db_rollback (owner);
          return g_strdup (column);
        }
      cst_db_rollback (owner);
    }
  return NULL;
}

static void
expect (GString    *problems,
        Role        role,
        Entry      *entry,
        const char *what,
        gboolean    allowed,
        PGconn     *conn,
        const char *sql)
{
  g_autoptr(GError) error = NULL;
  gboolean passed = try_statement (conn, sql, &error);

  if (passed != allowed)
    g_string_append_printf (problems, "%s:%u: %s %s: %s was %s: %s%s%s\n", data_path (),
                            entry->line, entry->kind, entry->name, role_names[role],
                            passed ? "allowed" : "refused", what, error ? " — " : "",
                            error ? error->message : "");
}

static gboolean
has_word (Entry      *entry,
          Role        role,
          const char *word)
{
  return g_strv_contains ((const char *const *) entry->cells[role], word);
}

/* The columns of a cell's "@verb(a,b)", or NULL when there is none. */
static char **
columns_of (Entry      *entry,
            Role        role,
            const char *verb)
{
  g_autofree char *prefix = g_strdup_printf ("%s(", verb);

  for (char **w = entry->cells[role]; *w; w++)
    if (g_str_has_prefix (*w, prefix))
      {
        g_autofree char *inside = g_strndup (*w + strlen (prefix), strlen (*w) - strlen (prefix) - 1);
        return g_strsplit (inside, ",", -1);
      }
  return NULL;
}

/* Whether the cell grants @verb on some columns only (a count needs one). */
static gboolean
has_columns (Entry      *entry,
             Role        role,
             const char *verb)
{
  g_auto(GStrv) columns = columns_of (entry, role, verb);

  return columns != NULL;
}

static void
try_table (GString *problems,
           Role     role,
           Entry   *entry,
           PGconn  *conn,
           PGconn  *owner)
{
  g_autofree char *select = g_strdup_printf ("SELECT count(*) FROM %s", entry->name);
  g_autofree char *delete = g_strdup_printf ("DELETE FROM %s WHERE false", entry->name);
  g_autofree char *insert_column = probe_column (owner, entry->name, "INSERT INTO %s (%s) SELECT NULL WHERE false", NULL);
  g_auto(GStrv) columns = columns_of (entry, role, "update");
  g_autofree char *other_column = probe_column (owner, entry->name, "UPDATE %s SET %s = NULL WHERE false", columns);

  expect (problems, role, entry, "select", has_word (entry, role, "select") || has_columns (entry, role, "select"),
          conn, select);
  expect (problems, role, entry, "delete", has_word (entry, role, "delete"), conn, delete);
  if (insert_column != NULL)
    {
      g_autofree char *insert = g_strdup_printf ("INSERT INTO %s (%s) SELECT NULL WHERE false",
                                                 entry->name, insert_column);
      expect (problems, role, entry, "insert", has_word (entry, role, "insert"), conn, insert);
    }
  else
    g_assert_false (has_word (entry, role, "insert"));
  for (char **c = columns; c && *c; c++)
    {
      g_autofree char *update = g_strdup_printf ("UPDATE %s SET %s = NULL WHERE false", entry->name, *c);
      expect (problems, role, entry, update, TRUE, conn, update);
    }
  if (other_column != NULL)
    {
      g_autofree char *update = g_strdup_printf ("UPDATE %s SET %s = NULL WHERE false",
                                                 entry->name, other_column);
      expect (problems, role, entry, update, has_word (entry, role, "update"), conn, update);
    }
  else
    g_assert_false (has_word (entry, role, "update"));
}

static int
by_line (gconstpointer a,
         gconstpointer b)
{
  return (int) ((const Entry *) a)->line - (int) ((const Entry *) b)->line;
}

/* Logged in as an ordinary member of @role, every cell is tried. */
static void
check_role (gconstpointer data)
{
  Role role = GPOINTER_TO_INT (data);
  g_autofree char *group = g_strdup_printf ("custodian_%s", role_names[role]);
  g_autofree char *login = cst_test_db_create_login (db, group);
  g_autoptr(PGconn) conn = cst_db_connect (login, NULL);
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(GHashTable) matrix = load_matrix ();
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autoptr(GList) entries = g_list_sort (g_hash_table_get_values (matrix), by_line);
  guint tried = 0;

  g_assert_nonnull (conn);
  for (GList *l = entries; l; l = l->next, tried++)
    {
      Entry *entry = l->data;

      if (g_str_equal (entry->kind, "table"))
        try_table (problems, role, entry, conn, owner);
      else if (g_str_equal (entry->kind, "sequence"))
        {
          g_autofree char *next = g_strdup_printf ("SELECT nextval('%s')", entry->name);
          expect (problems, role, entry, "usage", has_word (entry, role, "usage"), conn, next);
        }
      else
        expect (problems, role, entry, entry->call, has_word (entry, role, "execute"), conn,
                entry->call);
    }
  g_assert_cmpuint (tried, ==, g_hash_table_size (matrix));
  assert_no_problems (problems);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  db = cst_test_db_new ();
  g_test_add_func ("/permissions/catalog-matches", test_catalog_matches);
  for (int r = 0; r < N_ROLES; r++)
    {
      g_autofree char *path = g_strdup_printf ("/permissions/%s", role_names[r]);
      g_test_add_data_func (path, GINT_TO_POINTER (r), check_role);
    }
  status = g_test_run ();
  cst_test_db_free (db);
  return status;
}
