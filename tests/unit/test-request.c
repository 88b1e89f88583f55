/* test-request.c — the request object: due dates, due state, merging */
#include "config.h"

#include <custodian/custodian.h>
#include <locale.h>

static void
set_dmy (GDate *date, guint d, guint m, guint y)
{
  g_date_clear (date, 1);
  g_date_set_dmy (date, d, m, y);
}

static void
test_due_date (void)
{
  GDate received, due;

  set_dmy (&received, 15, 1, 2026);
  cst_request_compute_due_date (&received, CST_HIPAA_ACCESS_DAYS, FALSE, &due);
  g_assert_cmpuint (g_date_get_day (&due), ==, 14);
  g_assert_cmpuint (g_date_get_month (&due), ==, 2);
  cst_request_compute_due_date (&received, CST_HIPAA_ACCESS_DAYS, TRUE, &due);
  g_assert_cmpuint (g_date_get_day (&due), ==, 16);
  g_assert_cmpuint (g_date_get_month (&due), ==, 3);
  /* A leap year: 2028-02-01 + 30 = 2028-03-02. */
  set_dmy (&received, 1, 2, 2028);
  cst_request_compute_due_date (&received, 30, FALSE, &due);
  g_assert_cmpuint (g_date_get_day (&due), ==, 2);
  g_assert_cmpuint (g_date_get_month (&due), ==, 3);
}

static void
test_due_state (void)
{
  g_autoptr(CstRequest) request = cst_request_new ();
  GDate due, today;

  set_dmy (&due, 20, 3, 2026);
  g_object_set (request, "due-date", &due, "status", CST_STATUS_IN_PROGRESS, NULL);

  set_dmy (&today, 1, 3, 2026);
  g_assert_cmpint (cst_request_due_state_on (request, &today), ==, CST_DUE_ON_TRACK);
  set_dmy (&today, 14, 3, 2026);
  g_assert_cmpint (cst_request_due_state_on (request, &today), ==, CST_DUE_ON_TRACK);
  set_dmy (&today, 15, 3, 2026);
  g_assert_cmpint (cst_request_due_state_on (request, &today), ==, CST_DUE_SOON);
  set_dmy (&today, 20, 3, 2026);
  g_assert_cmpint (cst_request_due_state_on (request, &today), ==, CST_DUE_SOON);
  g_assert_cmpint (cst_request_days_left_on (request, &today), ==, 0);
  set_dmy (&today, 21, 3, 2026);
  g_assert_cmpint (cst_request_due_state_on (request, &today), ==, CST_DUE_OVERDUE);
  g_assert_cmpint (cst_request_days_left_on (request, &today), ==, -1);

  g_object_set (request, "status", CST_STATUS_RELEASED, NULL);
  g_assert_cmpint (cst_request_due_state_on (request, &today), ==, CST_DUE_CLOSED);
}

static void
count_notify (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  GPtrArray *names = user_data;
  g_ptr_array_add (names, g_strdup (pspec->name));
}

/* update_from notifies what changed and nothing else. */
static void
test_update_from_notifies_changes (void)
{
  g_autoptr(CstRequest) shown = cst_request_new ();
  g_autoptr(CstRequest) fresh = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GDate due;

  set_dmy (&due, 20, 3, 2026);
  g_object_set (shown, "id", (gint64) 7, "reference", "ROI-2026-000007", "version", 1,
                "patient-family-name", "Núñez", "patient-given-name", "José",
                "due-date", &due, NULL);
  fresh = cst_request_copy (shown);
  g_object_set (fresh, "version", 2, "purpose", "Continuing care", NULL);

  g_signal_connect (shown, "notify", G_CALLBACK (count_notify), names);
  cst_request_update_from (shown, fresh);
  g_assert_cmpuint (names->len, ==, 2);
  g_assert_true (g_ptr_array_find_with_equal_func (names, "version", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (names, "purpose", g_str_equal, NULL));
  g_assert_cmpint (cst_request_get_version (shown), ==, 2);
  {
    g_autofree char *name = cst_request_dup_patient_name (shown);
    g_assert_cmpstr (name, ==, "Núñez, José");
  }
}

static void
test_merge_edits (void)
{
  g_autoptr(CstRequest) base = cst_request_new ();
  g_autoptr(CstRequest) mine = NULL;
  g_autoptr(CstRequest) theirs = NULL;
  g_autoptr(CstRequest) merged = NULL;
  g_auto(GStrv) both = NULL;
  g_autofree char *purpose = NULL, *notes = NULL, *assignee = NULL;
  int pages = 0;

  g_object_set (base, "id", (gint64) 1, "version", 3, "purpose", "Personal use",
                "authorization-notes", "", "page-count", 10, NULL);
  mine = cst_request_copy (base);
  theirs = cst_request_copy (base);
  /* I changed the purpose and the pages; they changed the pages and notes. */
  g_object_set (mine, "purpose", "Continuing care", "page-count", 12, NULL);
  g_object_set (theirs, "version", 4, "page-count", 15, "authorization-notes", "Signed copy on file",
                "assignee", "dana", NULL);

  merged = cst_request_merge_edits (base, mine, theirs, &both);
  g_object_get (merged, "purpose", &purpose, "authorization-notes", &notes,
                "assignee", &assignee, "page-count", &pages, NULL);
  g_assert_cmpstr (purpose, ==, "Continuing care");
  g_assert_cmpstr (notes, ==, "Signed copy on file");
  g_assert_cmpstr (assignee, ==, "dana");
  g_assert_cmpint (pages, ==, 12);
  g_assert_cmpint (cst_request_get_version (merged), ==, 4);
  g_assert_cmpuint (g_strv_length (both), ==, 1);
  g_assert_cmpstr (both[0], ==, "page-count");
}

static void
test_validate (void)
{
  g_autoptr(CstRequest) request = cst_request_new ();
  g_autoptr(GError) error = NULL;
  GDate received, birth, from, to;

  set_dmy (&received, 2, 1, 2026);
  set_dmy (&birth, 2, 1, 1980);
  g_object_set (request, "patient-mrn", "A1", "patient-family-name", "Doe",
                "patient-given-name", "Jan", "patient-birth-date", &birth,
                "requester-name", "Jan Doe", "received-date", &received,
                "jurisdiction", "TX", NULL);
  g_assert_true (cst_request_validate (request, &error));
  g_assert_no_error (error);

  g_object_set (request, "jurisdiction", "QQ", NULL);
  g_assert_false (cst_request_validate (request, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  g_object_set (request, "jurisdiction", "TX", NULL);
  set_dmy (&from, 1, 6, 2025);
  set_dmy (&to, 1, 1, 2025);
  g_object_set (request, "records-from", &from, "records-to", &to, NULL);
  g_assert_false (cst_request_validate (request, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  g_object_set (request, "records-from", NULL, "requester-email", "not an email", NULL);
  g_assert_false (cst_request_validate (request, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  g_object_set (request, "requester-email", NULL, "patient-mrn", " ", NULL);
  g_assert_false (cst_request_validate (request, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
}

static void
test_matches (void)
{
  g_autoptr(CstRequest) request = cst_request_new ();
  g_autofree char *q1 = g_utf8_casefold ("núñez roi-2026", -1);
  g_autofree char *q2 = g_utf8_casefold ("NÚÑEZ  law", -1);
  g_autofree char *q3 = g_utf8_casefold ("MRN-77", -1);

  g_object_set (request, "reference", "ROI-2026-000123", "patient-mrn", "MRN-77",
                "patient-family-name", "Núñez", "patient-given-name", "José",
                "requester-name", "Demo Law Group", NULL);
  g_assert_true (cst_request_matches (request, q1));
  g_assert_true (cst_request_matches (request, q2));
  g_assert_true (cst_request_matches (request, q3));
  g_assert_true (cst_request_matches (request, ""));
  g_assert_false (cst_request_matches (request, "smith"));
  /* The name as the list writes it ("Family, Given"), or given first. */
  {
    g_autofree char *listed = cst_request_dup_patient_name (request);
    g_autofree char *folded = g_utf8_casefold (listed, -1);
    g_autofree char *given_first = g_utf8_casefold ("José Núñez", -1);
    g_autofree char *wrong = g_utf8_casefold ("Núñez, Maria", -1);

    g_assert_cmpstr (listed, ==, "Núñez, José");
    g_assert_true (cst_request_matches (request, folded));
    g_assert_true (cst_request_matches (request, given_first));
    g_assert_false (cst_request_matches (request, wrong));
    g_assert_true (cst_request_matches (request, " , "));
  }
  /* The cached key follows edits. */
  g_object_set (request, "patient-family-name", "Smith", NULL);
  g_assert_true (cst_request_matches (request, "smith"));
  g_assert_false (cst_request_matches (request, q1));
  /* The facility's code filters the list by facility (0080). */
  g_assert_false (cst_request_matches (request, "north"));
  g_object_set (request, "facility-code", "NORTH", NULL);
  g_assert_true (cst_request_matches (request, "north smith"));
}

static void
count_label_notify (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  (*(int *) user_data)++;
}

/* The list shows the received date as the locale writes it and sorts by
 * the ISO form; both follow an edit. */
static void
test_received_label (void)
{
  g_autoptr(CstRequest) request = cst_request_new ();
  g_autofree char *iso = NULL, *c_label = NULL, *us_label = NULL;
  int notified = 0;
  GDate received;

  g_signal_connect (request, "notify::received-label", G_CALLBACK (count_label_notify), &notified);
  set_dmy (&received, 23, 11, 2026);
  g_object_set (request, "received-date", &received, NULL);
  g_assert_cmpint (notified, ==, 1);
  g_object_get (request, "received-iso", &iso, "received-label", &c_label, NULL);
  g_assert_cmpstr (iso, ==, "2026-11-23");
  g_assert_cmpstr (c_label, ==, "2026-11-23");
  g_assert_nonnull (setlocale (LC_TIME, "en_US.UTF-8"));
  g_object_get (request, "received-label", &us_label, NULL);
  setlocale (LC_TIME, "C");
  g_assert_cmpstr (us_label, ==, "11/23/2026");
}

/* Every value of every model enumeration has a label, found from its
 * nick too; looping over the GEnumClass makes a new value without a label
 * fail here. */
static void
test_enum_labels (void)
{
  const GType types[] = { CST_TYPE_REQUEST_STATUS, CST_TYPE_REQUESTER_KIND, CST_TYPE_RECORD_FORMAT,
                          CST_TYPE_DELIVERY_METHOD, CST_TYPE_DUE_STATE };

  for (guint t = 0; t < G_N_ELEMENTS (types); t++)
    {
      g_autoptr(GEnumClass) klass = g_type_class_ref (types[t]);

      for (guint i = 0; i < klass->n_values; i++)
        {
          const GEnumValue *v = &klass->values[i];
          const char *label = cst_enum_get_label (types[t], v->value);

          g_test_message ("%s %s → %s", g_type_name (types[t]), v->value_nick, label);
          g_assert_nonnull (label);
          g_assert_cmpstr (label, !=, "");
          g_assert_cmpstr (label, !=, v->value_nick);
          g_assert_null (strchr (label, '_'));
          g_assert_cmpstr (cst_enum_get_label_for_nick (types[t], v->value_nick), ==, label);
        }
    }
  /* An unknown nick is shown as it is, rather than hidden. */
  g_assert_cmpstr (cst_enum_get_label_for_nick (CST_TYPE_REQUEST_STATUS, "archived"), ==, "archived");
  g_assert_cmpstr (cst_enum_get_label_for_nick (CST_TYPE_REQUEST_STATUS, NULL), ==, "");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/request/enum-labels", test_enum_labels);
  g_test_add_func ("/request/due-date", test_due_date);
  g_test_add_func ("/request/due-state", test_due_state);
  g_test_add_func ("/request/update-from", test_update_from_notifies_changes);
  g_test_add_func ("/request/merge-edits", test_merge_edits);
  g_test_add_func ("/request/validate", test_validate);
  g_test_add_func ("/request/matches", test_matches);
  g_test_add_func ("/request/received-label", test_received_label);
  return g_test_run ();
}
