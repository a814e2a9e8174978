/* ns/: flag and name tables, map and time offset text. */
#include "unit.h"

#include "ns/ns.h"

#include <sched.h>

static void tables(void **state) {
  (void)state;
  assert_int_equal(hull_ns_clone_flag(HULL_NS_MNT), CLONE_NEWNS);
  assert_int_equal(hull_ns_clone_flag(HULL_NS_USER), CLONE_NEWUSER);
  assert_int_equal(hull_ns_clone_flag(HULL_NS_TIME), 0x80);
  assert_string_equal(hull_ns_proc_name(HULL_NS_MNT), "mnt");
  assert_string_equal(hull_ns_proc_name(HULL_NS_TIME), "time");
  assert_null(hull_ns_proc_name(HULL_NS_NTYPES));
}

static void maps(void **state) {
  (void)state;
  struct hull_id_mapping m[] = {{0, 100000, 65536}, {65536, 1000, 1}};
  char *s = hull_ns_format_map(m, 2);
  assert_string_equal(s, "0 100000 65536\n65536 1000 1\n");
  free(s);
  s = hull_ns_format_map(NULL, 0);
  assert_string_equal(s, "");
  free(s);
}

static void time_offsets(void **state) {
  (void)state;
  struct hull_time_offset o[2] = {{true, -5, 10}, {true, 3600, 0}};
  char *s = hull_ns_format_time_offsets(o);
  assert_string_equal(s, "monotonic -5 10\nboottime 3600 0\n");
  free(s);
  o[0].present = false;
  s = hull_ns_format_time_offsets(o);
  assert_string_equal(s, "boottime 3600 0\n");
  free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(tables), cmocka_unit_test(maps),
                                     cmocka_unit_test(time_offsets)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
