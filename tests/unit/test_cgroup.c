/* cgroup pure logic: path cleaning and resolution, /proc and mountinfo
 * parsing, runc's conversions, the state string. */
#include "unit.h"

#include "cgroup/internal.h"

#include <stdlib.h>

static void check_clean(const char *in, const char *want) {
  char *got = hull_cg_clean_path(in);
  assert_string_equal(got, want);
  free(got);
}

static void test_clean_path(void **state) {
  (void)state;
  check_clean("", "");
  check_clean(NULL, "");
  check_clean("/", "/");
  check_clean("/a/b", "/a/b");
  check_clean("//a///b/", "/a/b");
  check_clean("/a/./b/../c", "/a/c");
  check_clean("/../../x", "/x");
  check_clean("a/b", "a/b");
  check_clean("../../a", "a");
  check_clean("a/../../../b", "b");
  check_clean("./a/.", "a");
  check_clean("..", "");
}

static void check_resolve(const char *cleaned, const char *own, const char *want) {
  char *got = hull_cg_resolve(cleaned, own);
  assert_string_equal(got, want);
  free(got);
}

static void test_resolve(void **state) {
  (void)state;
  check_resolve("/hull-test/x", "/process_api/abc", "/hull-test/x");
  check_resolve("ctr", "/process_api/abc", "/process_api/abc/ctr");
  check_resolve("ctr", "/", "/ctr");
  check_resolve("a/b", NULL, "/a/b");
  check_resolve("a", "/user.slice/../x", "/x/a");
}

static const char *proc_cgroup =
    "9:name=systemd:/\n"
    "4:memory:/process_api/cc97\n"
    "3:cpu,cpuacct:/grp\n"
    "0::/user.slice/session-1.scope\n";

static void test_proc_path(void **state) {
  (void)state;
  char *p = hull_cg_proc_path(proc_cgroup, "memory");
  assert_string_equal(p, "/process_api/cc97");
  free(p);
  p = hull_cg_proc_path(proc_cgroup, "cpuacct");
  assert_string_equal(p, "/grp");
  free(p);
  p = hull_cg_proc_path(proc_cgroup, "name=systemd");
  assert_string_equal(p, "/");
  free(p);
  p = hull_cg_proc_path(proc_cgroup, NULL);
  assert_string_equal(p, "/user.slice/session-1.scope");
  free(p);
  assert_null(hull_cg_proc_path(proc_cgroup, "pids"));
  assert_null(hull_cg_proc_path(proc_cgroup, "cpu,cpuacct"));
  assert_null(hull_cg_proc_path("4:memory:/x\n", NULL));
}

static void test_list_has(void **state) {
  (void)state;
  assert_true(hull_cg_list_has("cpu,cpuacct", "cpu"));
  assert_true(hull_cg_list_has("cpu,cpuacct", "cpuacct"));
  assert_false(hull_cg_list_has("cpuacct", "cpu"));
  assert_false(hull_cg_list_has("", "cpu"));
  assert_true(hull_cg_list_has("net_cls,net_prio", "net_prio"));
}

static void test_mountinfo(void **state) {
  (void)state;
  char *root = NULL, *mp = NULL, *ctl = NULL;
  const char *l1 = "35 25 0:30 / /sys/fs/cgroup/cpu rw,relatime shared:12 - cgroup cgroup rw,cpu";
  assert_int_equal(hull_cg_parse_mountinfo(l1, &root, &mp, &ctl), 1);
  assert_string_equal(root, "/");
  assert_string_equal(mp, "/sys/fs/cgroup/cpu");
  assert_string_equal(ctl, "cpu");
  free(root), free(mp), free(ctl);
  const char *l2 = "36 25 0:31 /docker/x /sys/fs/cgroup/cpu\\040acct rw - cgroup cgroup "
                   "rw,clone_children,cpu,cpuacct,release_agent=/x";
  assert_int_equal(hull_cg_parse_mountinfo(l2, &root, &mp, &ctl), 1);
  assert_string_equal(root, "/docker/x");
  assert_string_equal(mp, "/sys/fs/cgroup/cpu acct");
  assert_string_equal(ctl, "cpu,cpuacct");
  free(root), free(mp), free(ctl);
  const char *l3 = "37 25 0:32 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,xattr,name=systemd";
  assert_int_equal(hull_cg_parse_mountinfo(l3, &root, &mp, &ctl), 1);
  assert_string_equal(ctl, "name=systemd");
  free(root), free(mp), free(ctl);
  const char *l4 = "38 25 0:33 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw,nsdelegate";
  assert_int_equal(hull_cg_parse_mountinfo(l4, &root, &mp, &ctl), 0);
  assert_int_equal(hull_cg_parse_mountinfo("garbage", &root, &mp, &ctl), 0);
  assert_int_equal(hull_cg_parse_mountinfo("1 2 3 4 5 6 -", &root, &mp, &ctl), 0);
}

static void test_check_sub(void **state) {
  (void)state;
  struct hull_err *err = NULL;
  assert_int_equal(hull_cg_check_sub("sub", &err), 0);
  assert_int_equal(hull_cg_check_sub("a/b", &err), 0);
  assert_int_equal(hull_cg_check_sub("/abs", &err), -1);
  assert_non_null(err);
  hull_err_free(&err);
  assert_int_equal(hull_cg_check_sub("../escape", &err), -1);
  hull_err_free(&err);
  assert_int_equal(hull_cg_check_sub("a/../b", &err), -1);
  hull_err_free(&err);
  assert_int_equal(hull_cg_check_sub("", &err), -1);
  hull_err_free(&err);
}

static void test_shares_to_weight(void **state) {
  (void)state;
  /* runc's table: the ends and the defaults meet. */
  assert_int_equal(hull_cg_shares_to_weight(0), 0);
  assert_int_equal(hull_cg_shares_to_weight(1), 1);
  assert_int_equal(hull_cg_shares_to_weight(2), 1);
  assert_int_equal(hull_cg_shares_to_weight(1024), 100);
  assert_int_equal(hull_cg_shares_to_weight(262144), 10000);
  assert_int_equal(hull_cg_shares_to_weight(1000000), 10000);
  /* monotonic and within range in between */
  uint64_t prev = 1;
  for (uint64_t s = 3; s < 262144; s += 37) {
    uint64_t w = hull_cg_shares_to_weight(s);
    assert_true(w >= prev && w >= 1 && w <= 10000);
    prev = w;
  }
  assert_true(hull_cg_shares_to_weight(512) < 100);
  assert_true(hull_cg_shares_to_weight(2048) > 100);
}

static void test_blkio_weight(void **state) {
  (void)state;
  assert_int_equal(hull_cg_blkio_to_io_weight(0), 0);
  assert_int_equal(hull_cg_blkio_to_io_weight(10), 1);
  assert_int_equal(hull_cg_blkio_to_io_weight(1000), 10000);
  assert_int_equal(hull_cg_blkio_to_io_weight(500), 1 + 490 * 9999 / 990);
}

static void test_swap(void **state) {
  (void)state;
  struct hull_err *err = NULL;
  int64_t out = 7;
  assert_int_equal(hull_cg_swap_v2(0, -1, &out, &err), 0);
  assert_int_equal(out, -1);
  assert_int_equal(hull_cg_swap_v2(-1, 1000, &out, &err), 0);
  assert_int_equal(out, -1);
  assert_int_equal(hull_cg_swap_v2(0, 1000, &out, &err), 0);
  assert_int_equal(out, 0);
  assert_int_equal(hull_cg_swap_v2(3000, 1000, &out, &err), 0);
  assert_int_equal(out, 2000);
  assert_int_equal(hull_cg_swap_v2(1000, 1000, &out, &err), 0);
  assert_int_equal(out, 0);
  assert_int_equal(hull_cg_swap_v2(500, 1000, &out, &err), -1);
  assert_non_null(strstr(err->msg, "memory.swap"));
  hull_err_free(&err);
  assert_int_equal(hull_cg_swap_v2(500, 0, &out, &err), -1);
  hull_err_free(&err);
  assert_int_equal(hull_cg_swap_v2(500, -1, &out, &err), -1);
  hull_err_free(&err);
}

static void test_cpu_max(void **state) {
  (void)state;
  char b[64];
  assert_false(hull_cg_cpu_max(false, 0, false, 0, b, sizeof(b)));
  assert_true(hull_cg_cpu_max(true, 50000, true, 100000, b, sizeof(b)));
  assert_string_equal(b, "50000 100000");
  assert_true(hull_cg_cpu_max(true, 20000, false, 0, b, sizeof(b)));
  assert_string_equal(b, "20000 100000");
  assert_true(hull_cg_cpu_max(true, -1, true, 250000, b, sizeof(b)));
  assert_string_equal(b, "max 250000");
  assert_true(hull_cg_cpu_max(false, 0, true, 10000, b, sizeof(b)));
  assert_string_equal(b, "max 10000");
  hull_cg_fmt_limit(-1, b, sizeof(b));
  assert_string_equal(b, "max");
  hull_cg_fmt_limit(42, b, sizeof(b));
  assert_string_equal(b, "42");
  assert_true(hull_cg_valid_pagesize("2MB"));
  assert_true(hull_cg_valid_pagesize("1GB"));
  assert_false(hull_cg_valid_pagesize("MB"));
  assert_false(hull_cg_valid_pagesize("2MB/../x"));
}

static void test_serialize_roundtrip(void **state) {
  (void)state;
  struct hull_err *err = NULL;
  struct hull_cgroup *cg = hull_cgroup_load("v1\n1 cpu,cpuacct /sys/fs/cgroup/cpu,cpuacct/a b\n0 memory /sys/fs/cgroup/memory/a b\n", &err);
  assert_non_null(cg);
  assert_int_equal(cg->mode, HULL_CGROUP_V1);
  assert_int_equal(cg->n_v1, 2);
  assert_true(cg->v1[0].created);
  assert_false(cg->v1[1].created);
  assert_string_equal(hull_cg_v1_dir(cg, "cpuacct"), "/sys/fs/cgroup/cpu,cpuacct/a b");
  assert_string_equal(hull_cg_v1_dir(cg, "memory"), "/sys/fs/cgroup/memory/a b");
  assert_null(hull_cg_v1_dir(cg, "pids"));
  char *s = hull_cgroup_serialize(cg);
  assert_string_equal(s, "v1\n1 cpu,cpuacct /sys/fs/cgroup/cpu,cpuacct/a b\n0 memory /sys/fs/cgroup/memory/a b\n");
  free(s);
  hull_cgroup_free(cg);

  cg = hull_cgroup_load("v2\n1 /sys/fs/cgroup/x\n", &err);
  assert_non_null(cg);
  assert_int_equal(cg->mode, HULL_CGROUP_V2);
  s = hull_cgroup_serialize(cg);
  assert_string_equal(s, "v2\n1 /sys/fs/cgroup/x\n");
  free(s);
  hull_cgroup_free(cg);

  cg = hull_cgroup_load("disabled\n", &err);
  assert_non_null(cg);
  assert_int_equal(hull_cgroup_fd(cg), -1);
  hull_cgroup_free(cg);

  const char *bad[] = {"", "v3\n", "v2\n", "v2\n2 /x\n", "v2\n1 relative\n", "v1\n1 cpu\n", "v1\n"};
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    assert_null(hull_cgroup_load(bad[i], &err));
    assert_non_null(err);
    hull_err_free(&err);
  }
}

static void test_create_refusals(void **state) {
  (void)state;
  struct hull_err *err = NULL;
  assert_null(hull_cgroup_create("systemd", "/x", "id", false, 0, NULL, &err));
  assert_non_null(strstr(err->msg, "systemd"));
  hull_err_free(&err);
  assert_null(hull_cgroup_create("cgroupfs", "/a\nb", "id", false, 0, NULL, &err));
  hull_err_free(&err);
  assert_null(hull_cgroup_create("cgroupfs", "/..", "id", false, 0, NULL, &err));
  assert_non_null(strstr(err->msg, "root cgroup"));
  hull_err_free(&err);
  /* disabled: a handle that does nothing */
  struct hull_resources res = {0};
  struct hull_cgroup *cg = hull_cgroup_create("disabled", "/x", "id", false, 0, &res, &err);
  assert_non_null(cg);
  assert_int_equal(hull_cgroup_apply(cg, &res, false, &err), 0);
  assert_int_equal(hull_cgroup_enter(cg, 1, NULL, &err), 0);
  assert_int_equal(hull_cgroup_destroy(cg, &err), 0);
  uint64_t n = 9;
  assert_int_equal(hull_cgroup_oom_count(cg, &n, &err), 0);
  assert_int_equal(n, 0);
  assert_int_equal(hull_cgroup_freeze(cg, true, &err), -1);
  hull_err_free(&err);
  char *s = hull_cgroup_serialize(cg);
  assert_string_equal(s, "disabled\n");
  free(s);
  hull_cgroup_free(cg);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_clean_path),      cmocka_unit_test(test_resolve),
      cmocka_unit_test(test_proc_path),       cmocka_unit_test(test_list_has),
      cmocka_unit_test(test_mountinfo),       cmocka_unit_test(test_check_sub),
      cmocka_unit_test(test_shares_to_weight), cmocka_unit_test(test_blkio_weight),
      cmocka_unit_test(test_swap),            cmocka_unit_test(test_cpu_max),
      cmocka_unit_test(test_serialize_roundtrip), cmocka_unit_test(test_create_refusals),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
