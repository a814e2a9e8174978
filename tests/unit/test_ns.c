/* ns/: flag and name tables, map and time offset text. */
#include "unit.h"

#include "ns/ns.h"

#include <sched.h>
#include <sys/wait.h>

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

static void initial_uid_map(void **state) {
  (void)state;
  /* The kernel pads the columns; the initial namespace maps 2^32-1 ids. */
  assert_true(hull_ns_uid_map_is_initial("         0          0 4294967295\n"));
  assert_false(hull_ns_uid_map_is_initial("         0       1000          1\n"));
  assert_false(hull_ns_uid_map_is_initial("         0     100000      65536\n"));
  assert_false(hull_ns_uid_map_is_initial("         0          0 4294967294\n"));
  assert_false(hull_ns_uid_map_is_initial(""));
  assert_false(hull_ns_uid_map_is_initial("0 0 4294967295 x\n"));
  /* A new user namespace, its maps not yet written, is not the initial. */
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    if (unshare(CLONE_NEWUSER) < 0) _exit(77);
    _exit(hull_ns_in_initial_userns() ? 1 : 0);
  }
  int st;
  assert_int_equal(waitpid(pid, &st, 0), pid);
  assert_true(WIFEXITED(st));
  if (WEXITSTATUS(st) == 77) skip();
  assert_int_equal(WEXITSTATUS(st), 0);
}

static void map_writer(void **state) {
  (void)state;
  struct hull_id_mapping own = {0, 1000, 1}, other = {0, 1001, 1}, wide = {0, 1000, 2},
                         ranges[] = {{0, 1000, 1}, {1, 100000, 65536}};
  /* Unprivileged: only its own id, once, by itself. */
  assert_int_equal(hull_ns_map_writer(&own, 1, false, 1000), HULL_MAP_DIRECT);
  assert_int_equal(hull_ns_map_writer(&other, 1, false, 1000), HULL_MAP_HELPER);
  assert_int_equal(hull_ns_map_writer(&wide, 1, false, 1000), HULL_MAP_HELPER);
  assert_int_equal(hull_ns_map_writer(ranges, 2, false, 1000), HULL_MAP_HELPER);
  assert_int_equal(hull_ns_map_writer(NULL, 0, false, 1000), HULL_MAP_NONE);
  /* Privileged writes whatever it is asked. */
  assert_int_equal(hull_ns_map_writer(ranges, 2, true, 0), HULL_MAP_DIRECT);
  assert_int_equal(hull_ns_map_writer(NULL, 0, true, 0), HULL_MAP_NONE);
}

static void map_plan(void **state) {
  (void)state;
  struct hull_id_mapping u = {0, 1000, 1}, g = {0, 1000, 1},
                         gr[] = {{0, 1000, 1}, {1, 100000, 65536}};
  struct hull_linux lx = {.uid_mappings = &u, .n_uid_mappings = 1, .gid_mappings = &g,
                          .n_gid_mappings = 1};
  struct hull_ns_map_plan p = hull_ns_plan_maps(&lx, false, 1000, 1000);
  assert_int_equal(p.uid, HULL_MAP_DIRECT);
  assert_int_equal(p.gid, HULL_MAP_DIRECT);
  assert_true(p.deny_setgroups);
  /* gid ranges by newgidmap: setgroups is left to it. */
  lx.gid_mappings = gr;
  lx.n_gid_mappings = 2;
  p = hull_ns_plan_maps(&lx, false, 1000, 1000);
  assert_int_equal(p.uid, HULL_MAP_DIRECT);
  assert_int_equal(p.gid, HULL_MAP_HELPER);
  assert_false(p.deny_setgroups);
  /* Own uid but another gid: only the gid needs the helper. */
  p = hull_ns_plan_maps(&(struct hull_linux){.uid_mappings = &u, .n_uid_mappings = 1,
                                             .gid_mappings = &g, .n_gid_mappings = 1},
                        false, 1000, 50);
  assert_int_equal(p.gid, HULL_MAP_HELPER);
  assert_false(p.deny_setgroups);
  p = hull_ns_plan_maps(&lx, true, 0, 0);
  assert_int_equal(p.uid, HULL_MAP_DIRECT);
  assert_int_equal(p.gid, HULL_MAP_DIRECT);
  assert_false(p.deny_setgroups);
}

static void helper_argv(void **state) {
  (void)state;
  struct hull_id_mapping m[] = {{0, 1000, 1}, {1, 100000, 65536}};
  char **v = hull_ns_helper_argv("newuidmap", 4242, m, 2);
  const char *want[] = {"newuidmap", "4242", "0", "1000", "1", "1", "100000", "65536"};
  assert_int_equal(hull_strv_len(v), 8);
  for (size_t i = 0; i < 8; i++) assert_string_equal(v[i], want[i]);
  hull_strv_free(v);
  v = hull_ns_helper_argv("newgidmap", 1, NULL, 0);
  assert_int_equal(hull_strv_len(v), 2);
  assert_string_equal(v[1], "1");
  hull_strv_free(v);
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
                                     cmocka_unit_test(map_writer), cmocka_unit_test(map_plan),
                                     cmocka_unit_test(initial_uid_map),
                                     cmocka_unit_test(helper_argv),
                                     cmocka_unit_test(time_offsets)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
