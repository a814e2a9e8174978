/* runtime/: signal names, --user parsing, ids, status decisions,
 * /proc/<pid>/stat parsing and the state.json round trip. */
#include "unit.h"

#include "runtime/runtime.h"

#include <signal.h>

static void signal_names(void **state) {
  (void)state;
  assert_int_equal(hull_signal_parse("KILL"), SIGKILL);
  assert_int_equal(hull_signal_parse("SIGKILL"), SIGKILL);
  assert_int_equal(hull_signal_parse("kill"), SIGKILL);
  assert_int_equal(hull_signal_parse("sigterm"), SIGTERM);
  assert_int_equal(hull_signal_parse("9"), 9);
  assert_int_equal(hull_signal_parse("15"), 15);
  assert_int_equal(hull_signal_parse("0"), 0); /* runc: is the init alive */
  assert_int_equal(hull_signal_parse("USR1"), SIGUSR1);
  assert_int_equal(hull_signal_parse("WINCH"), SIGWINCH);
  assert_int_equal(hull_signal_parse("RTMIN"), SIGRTMIN);
  assert_int_equal(hull_signal_parse("RTMIN+2"), SIGRTMIN + 2);
  assert_int_equal(hull_signal_parse("SIGRTMAX-1"), SIGRTMAX - 1);
  assert_string_equal(hull_signal_name(SIGTERM), "SIGTERM");
}

static void signal_names_refused(void **state) {
  (void)state;
  assert_int_equal(hull_signal_parse(""), -1);
  assert_int_equal(hull_signal_parse("-9"), -1);
  assert_int_equal(hull_signal_parse("SIG0"), -1);
  assert_int_equal(hull_signal_parse("9x"), -1);
  assert_int_equal(hull_signal_parse("1000"), -1);
  assert_int_equal(hull_signal_parse("SIGFOO"), -1);
  assert_int_equal(hull_signal_parse("SIG"), -1);
  assert_int_equal(hull_signal_parse("RTMAX+1"), -1);
  assert_null(hull_signal_name(0));
}

static void bytes_parse(void **state) {
  (void)state;
  int64_t v;
  static const struct { const char *in; int64_t want; } ok[] = {
      {"0", 0}, {"4096", 4096}, {"100b", 100}, {"512m", 512LL << 20}, {"512M", 512LL << 20},
      {"32mb", 32LL << 20}, {"64MiB", 64LL << 20}, {"1.5g", 3LL << 29}, {"100 kb", 102400},
      {"2t", 2LL << 40}, {"1p", 1LL << 50}, {"-1", -1}, {"0.5k", 512}, {"7 ", 7},
  };
  for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
    assert_int_equal(hull_bytes_parse(ok[i].in, &v), 0);
    assert_true(v == ok[i].want);
  }
  static const char *const bad[] = {"", "m", "-5", "1.", ".5g", "12x", "1gg", "5ib",
                                    "99999999999999999999", "8388608t", "1e9", "+1", "1  m"};
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    assert_int_equal(hull_bytes_parse(bad[i], &v), -1);
}

static void duration_parse(void **state) {
  (void)state;
  uint64_t ns;
  static const struct { const char *in; uint64_t want; } ok[] = {
      {"5s", 5000000000ULL}, {"500ms", 500000000ULL}, {"1m30s", 90000000000ULL},
      {"1h", 3600000000000ULL}, {"1.5s", 1500000000ULL}, {"10us", 10000}, {"10\xc2\xb5s", 10000},
      {"250ns", 250}, {"2", 2000000000ULL}, {".5s", 500000000ULL}, {"1h2m3.5s", 3723500000000ULL},
  };
  for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
    assert_int_equal(hull_duration_parse(ok[i].in, &ns), 0);
    assert_true(ns == ok[i].want);
  }
  static const char *const bad[] = {"", "0", "0s", "-1s", "+1s", "1x", "s", "1e3s", "1s2",
                                    "0x10s", "1.2.3s", "9999999999h", " 1s", "1 s", "."};
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    assert_int_equal(hull_duration_parse(bad[i], &ns), -1);
}

static void user_parse(void **state) {
  (void)state;
  uint32_t uid = 99, gid = 99;
  bool has_gid = true;
  assert_int_equal(hull_user_parse("1", &uid, &gid, &has_gid), 0);
  assert_int_equal(uid, 1); /* "1" is uid 1, never 0 */
  assert_false(has_gid);
  assert_int_equal(hull_user_parse("1000:100", &uid, &gid, &has_gid), 0);
  assert_int_equal(uid, 1000);
  assert_int_equal(gid, 100);
  assert_true(has_gid);
  assert_int_equal(hull_user_parse("4294967295:0", &uid, &gid, &has_gid), 0);
  assert_int_equal(uid, 4294967295U);
  assert_int_equal(hull_user_parse("4294967296", &uid, &gid, &has_gid), -1);
  assert_int_equal(hull_user_parse("", &uid, &gid, &has_gid), -1);
  assert_int_equal(hull_user_parse("root", &uid, &gid, &has_gid), -1);
  assert_int_equal(hull_user_parse("1:", &uid, &gid, &has_gid), -1);
  assert_int_equal(hull_user_parse(":1", &uid, &gid, &has_gid), -1);
  assert_int_equal(hull_user_parse("-1", &uid, &gid, &has_gid), -1);
  assert_int_equal(hull_user_parse("+1", &uid, &gid, &has_gid), -1);
  assert_int_equal(hull_user_parse("1:2:3", &uid, &gid, &has_gid), -1);
  assert_int_equal(hull_user_parse(" 1", &uid, &gid, &has_gid), -1);
}

static void ids(void **state) {
  (void)state;
  assert_true(hull_id_valid("abc"));
  assert_true(hull_id_valid("a.b-c_d+e"));
  assert_true(hull_id_valid("0123456789abcdef"));
  assert_false(hull_id_valid(""));
  assert_false(hull_id_valid("."));
  assert_false(hull_id_valid(".."));
  assert_false(hull_id_valid("a/b"));
  assert_false(hull_id_valid("-a"));
  assert_false(hull_id_valid("a b"));
  assert_false(hull_id_valid(NULL));
}

static void status(void **state) {
  (void)state;
  assert_int_equal(hull_status_decide(true, false, false, false), HULL_STATUS_CREATING);
  assert_int_equal(hull_status_decide(true, true, true, false), HULL_STATUS_CREATING);
  assert_int_equal(hull_status_decide(false, true, true, false), HULL_STATUS_CREATED);
  assert_int_equal(hull_status_decide(false, true, false, false), HULL_STATUS_RUNNING);
  assert_int_equal(hull_status_decide(false, true, false, true), HULL_STATUS_PAUSED);
  assert_int_equal(hull_status_decide(false, false, true, true), HULL_STATUS_STOPPED);
  assert_string_equal(hull_status_name(HULL_STATUS_PAUSED), "paused");
}

static void proc_stat(void **state) {
  (void)state;
  char st = 0;
  uint64_t start = 0;
  const char *text = "1234 (a) b) c) S 1 1234 1234 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 "
                     "987654 1000 10 18446744073709551615\n";
  assert_int_equal(hull_proc_stat_parse(text, &st, &start), 0);
  assert_int_equal(st, 'S');
  assert_int_equal(start, 987654);
  assert_int_equal(hull_proc_stat_parse("12 (x) Z 1 2", &st, &start), -1);
  assert_int_equal(hull_proc_stat_parse("garbage", &st, &start), -1);
  /* field 39: the CPU it last ran on */
  int cpu = -1;
  const char *full = "77 (sh (x) y) R 1 77 77 0 -1 4194560 90 0 0 0 0 0 0 0 20 0 1 0 5555 "
                     "2400000 100 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 3 0 0 0 0 0\n";
  assert_int_equal(hull_proc_stat_cpu(full, &cpu), 0);
  assert_int_equal(cpu, 3);
  assert_int_equal(hull_proc_stat_parse(full, &st, &start), 0);
  assert_int_equal(start, 5555);
  assert_int_equal(hull_proc_stat_cpu(text, &cpu), -1); /* too short */
  assert_int_equal(hull_proc_stat_cpu("garbage", &cpu), -1);
}

static void loadavg_running(void **state) {
  (void)state;
  assert_int_equal(hull_loadavg_running("0.52 0.38 0.31 2/345 6789\n"), 2);
  assert_int_equal(hull_loadavg_running("12.00 9.10 7.00 17/1200 1\n"), 17);
  assert_int_equal(hull_loadavg_running("0.52 0.38 0.31 x/345 6789\n"), -1);
  assert_int_equal(hull_loadavg_running("0.52 0.38\n"), -1);
  assert_int_equal(hull_loadavg_running("0.52 0.38 0.31 1234567890123/9 1"), -1);
  assert_int_equal(hull_loadavg_running(""), -1);
}

static void state_roundtrip(void **state) {
  (void)state;
  struct hull_annotation ann[] = {{"k", "v"}};
  struct hull_state in = {.id = "c1", .pid = 42, .start_time = 777, .creating = true,
                          .bundle = "/b", .rootfs = "/b/rootfs",
                          .created = "2026-12-02T18:23:10.123456789Z", .owner = "root",
                          .annotations = ann, .n_annotations = 1, .cgroup = "v1:/hull-test/x",
                          .net_setup = true, .netns_new = 1};
  struct hull_err *err = NULL;
  char *json = hull_state_to_json(&in, &err);
  assert_non_null(json);
  struct hull_state *out = hull_state_from_json(json, &err);
  assert_non_null(out);
  assert_string_equal(out->id, "c1");
  assert_int_equal(out->pid, 42);
  assert_int_equal(out->start_time, 777);
  assert_true(out->creating);
  assert_string_equal(out->bundle, "/b");
  assert_string_equal(out->created, in.created);
  assert_int_equal(out->n_annotations, 1);
  assert_string_equal(out->annotations[0].value, "v");
  assert_string_equal(out->cgroup, "v1:/hull-test/x");
  assert_true(out->net_setup);
  assert_null(out->net_mode);
  free(json);

  /* The OCI object: pid 0 once stopped, the status, no internal fields. */
  json = hull_state_oci_json(out, HULL_STATUS_STOPPED, false, &err);
  assert_non_null(json);
  assert_non_null(strstr(json, "\"pid\":0"));
  assert_non_null(strstr(json, "\"status\":\"stopped\""));
  assert_non_null(strstr(json, "\"ociVersion\":\"1.3.0\""));
  assert_non_null(strstr(json, "\"owner\":\"root\""));
  assert_null(strstr(json, "initStartTime"));
  free(json);
  json = hull_state_oci_json(out, HULL_STATUS_RUNNING, false, &err);
  assert_non_null(strstr(json, "\"pid\":42"));
  free(json);
  hull_state_free(out);
}

static void state_bad_json(void **state) {
  (void)state;
  struct hull_err *err = NULL;
  assert_null(hull_state_from_json("{\"pid\":1}", &err));
  assert_non_null(strstr(err->msg, "no id"));
  hull_err_free(&err);
  assert_null(hull_state_from_json("{", &err));
  assert_non_null(err);
  hull_err_free(&err);
}

static void init_wanted(void **state) {
  (void)state;
  struct hull_err *err = NULL;
  bool on = true;
  assert_int_equal(hull_init_wanted(NULL, false, &on, &err), 0);
  assert_false(on);
  assert_int_equal(hull_init_wanted(NULL, true, &on, &err), 0);
  assert_true(on);
  assert_int_equal(hull_init_wanted("true", false, &on, &err), 0);
  assert_true(on);
  assert_int_equal(hull_init_wanted("false", false, &on, &err), 0);
  assert_false(on);
  assert_int_equal(hull_init_wanted("false", true, &on, &err), 0);
  assert_true(on);
  assert_int_equal(hull_init_wanted("TRUE", false, &on, &err), -1);
  assert_non_null(err);
  assert_non_null(strstr(err->msg, "run.hull.init: expected \"true\" or \"false\", got \"TRUE\""));
  hull_err_free(&err);
  assert_int_equal(hull_init_wanted("", false, &on, &err), -1);
  hull_err_free(&err);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(signal_names),  cmocka_unit_test(signal_names_refused),
      cmocka_unit_test(user_parse),
      cmocka_unit_test(bytes_parse),
      cmocka_unit_test(duration_parse),    cmocka_unit_test(ids),
      cmocka_unit_test(init_wanted),
      cmocka_unit_test(status),        cmocka_unit_test(proc_stat),
      cmocka_unit_test(loadavg_running),
      cmocka_unit_test(state_roundtrip), cmocka_unit_test(state_bad_json),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
