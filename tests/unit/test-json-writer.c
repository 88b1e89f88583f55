/* test-json-writer.c — the JSON the CLI and the jsonb columns get
 *
 * What matters is that a strict parser reads back what was written, the
 * same text, whatever the text was: json-glib's parser stands in for
 * auditors' scripts and PostgreSQL's jsonb (DESIGN.md, "Where a library
 * was not taken", says why json-glib does not write it).
 */
#include <json-glib/json-glib.h>

#include "custodian/cst-json-writer.h"

static void
test_escaping (void)
{
  g_autoptr(GString) out = g_string_new (NULL);
  CstJsonWriter w;

  cst_json_writer_init (&w, out);
  cst_json_writer_begin_object (&w);
  cst_json_writer_key (&w, "a\"b");
  cst_json_writer_string (&w, "line\nbreak\\ \x01 tab\t é \xff end");
  cst_json_writer_key (&w, "list");
  cst_json_writer_begin_array (&w);
  cst_json_writer_int (&w, -5);
  cst_json_writer_bool (&w, TRUE);
  cst_json_writer_null (&w);
  cst_json_writer_begin_object (&w);
  cst_json_writer_end_object (&w);
  cst_json_writer_end_array (&w);
  cst_json_writer_end_object (&w);
  g_assert_cmpstr (out->str, ==,
                   "{\"a\\\"b\":\"line\\nbreak\\\\ \\u0001 tab\\t é \\ufffd end\",\"list\":[-5,true,null,{}]}");
}

/* Every awkward string reads back through a strict parser as itself, a
 * byte that is not UTF-8 as U+FFFD. */
static void
test_reads_back (void)
{
  static const struct { const char *in, *back; } cases[] = {
    { "plain", "plain" },
    { "quote \" backslash \\ slash /", "quote \" backslash \\ slash /" },
    { "controls \x01\x1f\x7f", "controls \x01\x1f\x7f" },
    { "separators \xe2\x80\xa8 \xe2\x80\xa9", "separators \xe2\x80\xa8 \xe2\x80\xa9" },
    { "Latin-1 caf\xe9", "Latin-1 caf\xef\xbf\xbd" },
    { "cut \xe2\x80", "cut \xef\xbf\xbd\xef\xbf\xbd" },
    { "Núñez 山田 🙂", "Núñez 山田 🙂" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) out = g_string_new (NULL);
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      CstJsonWriter w;

      cst_json_writer_init (&w, out);
      cst_json_writer_begin_array (&w);
      cst_json_writer_string (&w, cases[i].in);
      cst_json_writer_end_array (&w);
      g_assert_true (g_utf8_validate (out->str, out->len, NULL));
      g_assert_true (json_parser_load_from_data (parser, out->str, out->len, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (json_array_get_string_element (json_node_get_array (json_parser_get_root (parser)), 0),
                       ==, cases[i].back);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json-writer/escaping", test_escaping);
  g_test_add_func ("/json-writer/reads-back", test_reads_back);
  return g_test_run ();
}
