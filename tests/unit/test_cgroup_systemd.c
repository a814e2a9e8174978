/* cgroup/sd_unit.c: cgroupsPath "slice:prefix:name" to slice and scope,
 * slice expansion, the unit properties built from linux.resources (read
 * back with dbus/'s parser), and the systemd line of the cgroup state. */
#include "unit.h"

#include "cgroup/internal.h"
#include "dbus/dbus.h"

#include <stdlib.h>

static void parse_ok(const char *path, bool user, const char *slice, const char *unit) {
  char *s = NULL, *u = NULL;
  struct hull_err *err = NULL;
  assert_int_equal(hull_cg_sd_parse_path(path, "abc", user, &s, &u, &err), 0);
  assert_string_equal(s, slice);
  assert_string_equal(u, unit);
  free(s);
  free(u);
}

static void parse_bad(const char *path, const char *needle) {
  char *s = NULL, *u = NULL;
  struct hull_err *err = NULL;
  assert_int_equal(hull_cg_sd_parse_path(path, "abc", false, &s, &u, &err), -1);
  assert_null(s);
  assert_null(u);
  if (strstr(err->msg, needle) == NULL) fail_msg("\"%s\" not in \"%s\"", needle, err->msg);
  hull_err_free(&err);
}

static void test_parse_path(void **state) {
  (void)state;
  parse_ok(NULL, false, "system.slice", "hull-abc.scope");
  parse_ok("", false, "system.slice", "hull-abc.scope");
  parse_ok("", true, "user.slice", "hull-abc.scope");
  parse_ok("system.slice:cri-containerd:0123abcd", false, "system.slice", "cri-containerd-0123abcd.scope");
  parse_ok("machine.slice:libpod:c1", false, "machine.slice", "libpod-c1.scope");
  parse_ok(":hull:c1", false, "system.slice", "hull-c1.scope");
  parse_ok(":hull:c1", true, "user.slice", "hull-c1.scope");
  /* no prefix: runc's and crun's "-name.scope" */
  parse_ok("kubepods-besteffort.slice::c1", false, "kubepods-besteffort.slice", "-c1.scope");
  parse_ok("::c1", false, "system.slice", "-c1.scope");
  parse_bad("/hull-test/x", "\"slice:prefix:name\"");
  parse_bad("a.slice:b", "\"slice:prefix:name\"");
  parse_bad("a.slice:b:c:d", "\"slice:prefix:name\"");
  parse_bad("a.slice:p:", "empty name");
  parse_bad("a.slice:p:x.slice", "slice as the container's unit");
  parse_bad("nope:p:n", "not a valid slice unit name");
  parse_bad("a/b.slice:p:n", "not a valid slice unit name");
  parse_bad("a--b.slice:p:n", "two in a row");
  parse_bad("-a.slice:p:n", "dash at either end");
  parse_bad("a.slice:p:n/x", "characters systemd refuses");
  parse_bad("a.slice:p:n x", "characters systemd refuses");
}

static void expand(const char *slice, const char *want) {
  char *out = NULL;
  struct hull_err *err = NULL;
  assert_int_equal(hull_cg_sd_expand_slice(slice, &out, &err), 0);
  assert_string_equal(out, want);
  free(out);
}

static void test_expand_slice(void **state) {
  (void)state;
  expand("system.slice", "/system.slice");
  expand("a-b.slice", "/a.slice/a-b.slice");
  expand("kubepods-burstable-pod1.slice",
         "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice");
  expand("-.slice", "");
  char *out = NULL;
  struct hull_err *err = NULL;
  assert_int_equal(hull_cg_sd_expand_slice("a-.slice", &out, &err), -1);
  hull_err_free(&err);
  assert_int_equal(hull_cg_sd_expand_slice(".slice", &out, &err), -1);
  hull_err_free(&err);
  assert_int_equal(hull_cg_sd_expand_slice("x.scope", &out, &err), -1);
  hull_err_free(&err);
}

static void test_quota(void **state) {
  (void)state;
  assert_int_equal(hull_cg_sd_quota_per_sec(50000, 100000), 500000);
  assert_int_equal(hull_cg_sd_quota_per_sec(12345, 100000), 130000); /* 123450 up to 1% steps */
  assert_int_equal(hull_cg_sd_quota_per_sec(200000, 100000), 2000000);
  assert_true(hull_cg_sd_quota_per_sec(-1, 100000) == UINT64_MAX);
  assert_true(hull_cg_sd_quota_per_sec(1000, 0) == UINT64_MAX);
}

/* Reads the a(sv) at r into name=value lines ("Name=t:N", "Name=s:V"...). */
static void props_text(struct hull_dbus_rd *r, char *out, size_t size) {
  struct hull_err *err = NULL;
  uint32_t n;
  out[0] = '\0';
  assert_int_equal(hull_dbus_get_u32(r, &n, &err), 0);
  size_t start = (r->pos + 7) / 8 * 8, end = start + n;
  r->pos = start;
  while (r->pos < end) {
    const char *name, *sig, *s;
    uint64_t t;
    uint32_t u;
    bool b;
    char line[128];
    r->pos = (r->pos + 7) / 8 * 8;
    assert_int_equal(hull_dbus_get_str(r, &name, &err), 0);
    assert_int_equal(hull_dbus_get_sig(r, &sig, &err), 0);
    if (strcmp(sig, "t") == 0) {
      assert_int_equal(hull_dbus_get_u64(r, &t, &err), 0);
      snprintf(line, sizeof(line), "%s=%llu\n", name, (unsigned long long)t);
    } else if (strcmp(sig, "s") == 0) {
      assert_int_equal(hull_dbus_get_str(r, &s, &err), 0);
      snprintf(line, sizeof(line), "%s=%s\n", name, s);
    } else if (strcmp(sig, "b") == 0) {
      assert_int_equal(hull_dbus_get_bool(r, &b, &err), 0);
      snprintf(line, sizeof(line), "%s=%s\n", name, b ? "yes" : "no");
    } else {
      assert_string_equal(sig, "au");
      assert_int_equal(hull_dbus_get_u32(r, &n, &err), 0);
      assert_int_equal(n, 4);
      assert_int_equal(hull_dbus_get_u32(r, &u, &err), 0);
      snprintf(line, sizeof(line), "%s=[%u]\n", name, u);
    }
    strncat(out, line, size - strlen(out) - 1);
  }
  assert_int_equal(r->pos, end);
}

static void test_scope_props(void **state) {
  (void)state;
  struct hull_resources res = {0};
  res.memory.has_limit = true;
  res.memory.limit = 67108864;
  res.memory.has_swap = true;
  res.memory.swap = 100663296;
  res.cpu.has_shares = true;
  res.cpu.shares = 1024;
  res.cpu.has_quota = res.cpu.has_period = true;
  res.cpu.quota = 50000;
  res.cpu.period = 100000;
  res.pids.has_limit = true;
  res.pids.limit = -1;
  res.block_io.has_weight = true;
  res.block_io.weight = 500;
  struct hull_dbus_buf b = {0};
  struct hull_err *err = NULL;
  size_t m = hull_dbus_array_begin(&b, 8);
  assert_int_equal(hull_cg_sd_scope_props(&b, "system.slice", "c1", 4242, &res, &err), 0);
  hull_dbus_array_end(&b, m, 8);
  /* The whole thing is a well-formed a(sv) ... */
  struct hull_dbus_rd r = {b.p, b.len, 0};
  size_t i = 0;
  assert_int_equal(hull_dbus_skip(&r, "a(sv)", &i, 0, &err), 0);
  assert_int_equal(r.pos, b.len);
  /* ... holding exactly these. */
  char text[2048];
  r.pos = 0;
  props_text(&r, text, sizeof(text));
  assert_string_equal(text,
                      "Description=hull container c1\nSlice=system.slice\nDelegate=yes\nPIDs=[4242]\n"
                      "DefaultDependencies=no\nMemoryAccounting=yes\nCPUAccounting=yes\n"
                      "TasksAccounting=yes\nIOAccounting=yes\nMemoryMax=67108864\n"
                      "MemorySwapMax=33554432\nCPUWeight=100\nCPUQuotaPeriodUSec=100000\n"
                      "CPUQuotaPerSecUSec=500000\nTasksMax=18446744073709551615\nIOWeight=4950\n");
  hull_dbus_buf_free(&b);
  /* A swap limit without a memory limit: the config's error. */
  struct hull_resources bad = {0};
  bad.memory.has_swap = true;
  bad.memory.swap = 1000;
  m = hull_dbus_array_begin(&b, 8);
  assert_int_equal(hull_cg_sd_limit_props(&b, &bad, &err), -1);
  assert_non_null(strstr(err->msg, "swap"));
  hull_err_free(&err);
  hull_dbus_buf_free(&b);
}

static void test_proc_unit(void **state) {
  (void)state;
  assert_true(hull_cg_sd_proc_unit_ok("/system.slice/hull-a.scope", "hull-a.scope"));
  assert_false(hull_cg_sd_proc_unit_ok("/system.slice/hull-a.scope/x", "hull-a.scope"));
  assert_false(hull_cg_sd_proc_unit_ok("/", "hull-a.scope"));
  assert_false(hull_cg_sd_proc_unit_ok(NULL, "hull-a.scope"));
  assert_false(hull_cg_sd_proc_unit_ok("x/hull-a.scope", "hull-a.scope"));
}

static void test_state_roundtrip(void **state) {
  (void)state;
  struct hull_err *err = NULL;
  struct hull_cgroup *cg = hull_cgroup_load("v2\n0 /sys/fs/cgroup/system.slice/hull-a.scope\nsd 1 hull-a.scope\n", &err);
  assert_non_null(cg);
  assert_string_equal(cg->sd_unit, "hull-a.scope");
  assert_true(cg->sd_user);
  char *s = hull_cgroup_serialize(cg);
  assert_string_equal(s, "v2\n0 /sys/fs/cgroup/system.slice/hull-a.scope\nsd 1 hull-a.scope\n");
  free(s);
  hull_cgroup_free(cg);
  assert_null(hull_cgroup_load("v2\n0 /x\nsd 0 a/b.scope\n", &err));
  hull_err_free(&err);
  assert_null(hull_cgroup_load("v2\n0 /x\nsd 0 a.scope\nsd 0 b.scope\n", &err));
  hull_err_free(&err);
  assert_null(hull_cgroup_load("v1\nsd 0 a.scope\n", &err));
  hull_err_free(&err);
  const char *v1 = "v1\n0 name=systemd /sys/fs/cgroup/systemd/system.slice/a.scope\n"
                   "1 cpuset /sys/fs/cgroup/cpuset/system.slice/a.scope\nsd 0 a.scope\n";
  cg = hull_cgroup_load(v1, &err);
  assert_non_null(cg);
  assert_int_equal(cg->n_v1, 2);
  assert_string_equal(cg->sd_unit, "a.scope");
  s = hull_cgroup_serialize(cg);
  assert_string_equal(s, v1);
  free(s);
  hull_cgroup_free(cg);
  assert_false(hull_cgroup_before_clone("systemd"));
  assert_true(hull_cgroup_is_systemd("systemd"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_parse_path),   cmocka_unit_test(test_expand_slice),
      cmocka_unit_test(test_quota),        cmocka_unit_test(test_scope_props),
      cmocka_unit_test(test_proc_unit),    cmocka_unit_test(test_state_roundtrip),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
