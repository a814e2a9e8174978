/* spec/: the OCI schema's test vectors, typed values of a full config, and
 * one exact error text per kind of mistake. */
#include "unit.h"

#include "spec/spec.h"

#include <dirent.h>
#include <errno.h>
#include <linux/ioprio.h>
#include <linux/sched.h>
#include <seccomp.h>
#include <sys/resource.h>
#include <sys/stat.h>

/* The runtime-spec checkout sits beside the repository (../shared/ref). */
static char *vector_dir(const char *kind) {
  const char *env = getenv("HULL_SPEC_VECTORS");
  const char *src = getenv("HULL_SRCDIR");
  char *cands[3] = {
      env ? hull_xasprintf("%s/%s", env, kind) : NULL,
      src ? hull_xasprintf("%s/../shared/ref/runtime-spec/schema/test/config/%s", src, kind)
          : NULL,
      hull_xasprintf("/work/shared/ref/runtime-spec/schema/test/config/%s", kind),
  };
  char *found = NULL;
  for (int i = 0; i < 3; i++) {
    struct stat st;
    if (!found && cands[i] && stat(cands[i], &st) == 0 && S_ISDIR(st.st_mode))
      found = hull_steal_ptr(&cands[i]);
    free(cands[i]);
  }
  return found;
}

static bool is_linux_vector(const char *name) {
  return !hull_str_has_prefix(name, "freebsd-") && !hull_str_has_prefix(name, "zos-") &&
         !hull_str_has_prefix(name, "windows-") && !hull_str_has_prefix(name, "solaris-");
}

/* Calls fn on every Linux *.json vector of dir kind; returns how many. */
static int each_vector(const char *kind, void (*fn)(const char *path, const char *name)) {
  _cleanup_free_ char *dir = vector_dir(kind);
  if (dir == NULL) return -1;
  DIR *d = opendir(dir);
  assert_non_null(d);
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    size_t len = strlen(e->d_name);
    if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0) continue;
    if (!is_linux_vector(e->d_name)) {
      printf("# skipped non-Linux vector %s/%s\n", kind, e->d_name);
      continue;
    }
    _cleanup_free_ char *path = hull_xasprintf("%s/%s", dir, e->d_name);
    fn(path, e->d_name);
    n++;
  }
  closedir(d);
  return n;
}

static void good_one(const char *path, const char *name) {
  struct hull_err *err = NULL;
  struct hull_spec *s = hull_spec_load(path, &err);
  if (s == NULL) fail_msg("good vector %s rejected: %s", name, err->msg);
  printf("# good vector %s parsed\n", name);
  hull_spec_free(s);
}

static void bad_one(const char *path, const char *name) {
  struct hull_err *err = NULL;
  struct hull_spec *s = hull_spec_load(path, &err);
  if (s != NULL) fail_msg("bad vector %s accepted", name);
  printf("# bad vector %s: %s\n", name, err->msg);
  hull_err_free(&err);
}

static void schema_good_vectors_parse(void **state) {
  int n = each_vector("good", good_one);
  if (n < 0) skip();
  assert_true(n >= 5);
}

static void schema_bad_vectors_rejected(void **state) {
  int n = each_vector("bad", bad_one);
  if (n < 0) skip();
  assert_true(n >= 4);
}

static struct hull_spec *parse_ok(const char *json) {
  struct hull_err *err = NULL;
  struct hull_spec *s = hull_spec_parse(json, strlen(json), &err);
  if (s == NULL) fail_msg("rejected: %s", err->msg);
  return s;
}

static struct hull_spec *parse_ok_len(const char *json, size_t len) {
  struct hull_err *err = NULL;
  struct hull_spec *s = hull_spec_parse(json, len, &err);
  if (s == NULL) fail_msg("rejected: %s", err->msg);
  return s;
}

static const char full_config[] =
    "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"rootfs\",\"readonly\":true},"
    "\"hostname\":\"h\",\"domainname\":\"d\","
    "\"mounts\":[{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"/srv\","
    "\"options\":[\"rbind\",\"ro\"],\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,"
    "\"size\":10}],\"gidMappings\":[{\"containerID\":0,\"hostID\":2000,\"size\":5}]}],"
    "\"process\":{\"terminal\":true,\"consoleSize\":{\"height\":24,\"width\":80},"
    "\"user\":{\"uid\":1,\"gid\":2,\"umask\":18,\"additionalGids\":[3,4]},"
    "\"args\":[\"sh\",\"-c\",\"true\"],\"env\":[\"A=1\"],\"cwd\":\"/tmp\","
    "\"capabilities\":{\"bounding\":[\"CAP_KILL\",\"CAP_CHECKPOINT_RESTORE\"],"
    "\"ambient\":[]},"
    "\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":100,\"hard\":200}],"
    "\"noNewPrivileges\":true,\"apparmorProfile\":\"ap\",\"selinuxLabel\":\"sl\","
    "\"oomScoreAdj\":-500,"
    "\"scheduler\":{\"policy\":\"SCHED_DEADLINE\",\"nice\":-3,\"priority\":0,"
    "\"flags\":[\"SCHED_FLAG_RESET_ON_FORK\",\"SCHED_FLAG_RECLAIM\"],\"runtime\":10000,"
    "\"deadline\":20000,\"period\":30000},"
    "\"ioPriority\":{\"class\":\"IOPRIO_CLASS_IDLE\",\"priority\":7},"
    "\"execCPUAffinity\":{\"initial\":\"0-1\",\"final\":\"2, 3\"}},"
    "\"hooks\":{\"poststop\":[{\"path\":\"/bin/true\",\"args\":[\"true\"],\"env\":[\"X=1\"],"
    "\"timeout\":7}]},"
    "\"annotations\":{\"run.hull.init\":\"true\"},"
    "\"linux\":{\"namespaces\":[{\"type\":\"user\"},{\"type\":\"time\"},"
    "{\"type\":\"network\",\"path\":\"/run/netns/x\"},{\"type\":\"uts\"},{\"type\":\"ipc\"}],"
    "\"uidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}],"
    "\"gidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}],"
    "\"timeOffsets\":{\"boottime\":{\"secs\":-5,\"nanosecs\":7}},"
    "\"devices\":[{\"path\":\"/dev/fuse\",\"type\":\"c\",\"major\":10,\"minor\":229,"
    "\"fileMode\":438},{\"path\":\"/dev/p\",\"type\":\"p\",\"fileMode\":4516}],"
    "\"netDevices\":{\"eth1\":{\"name\":\"in1\"},\"eth2\":{}},"
    "\"cgroupsPath\":\"/hull/x\","
    "\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},"
    "{\"allow\":true,\"type\":\"c\",\"major\":1,\"access\":\"wr\"}],"
    "\"memory\":{\"limit\":1048576,\"swap\":-1,\"swappiness\":60,\"disableOOMKiller\":true},"
    "\"cpu\":{\"shares\":512,\"quota\":-1,\"period\":100000,\"cpus\":\"0-1\",\"idle\":1},"
    "\"pids\":{\"limit\":-1},"
    "\"blockIO\":{\"weight\":100,\"weightDevice\":[{\"major\":8,\"minor\":0,\"leafWeight\":10}],"
    "\"throttleWriteIOPSDevice\":[{\"major\":8,\"minor\":16,\"rate\":300}]},"
    "\"hugepageLimits\":[{\"pageSize\":\"1GB\",\"limit\":18446744073709551615}],"
    "\"network\":{\"classID\":7,\"priorities\":[{\"name\":\"eth0\",\"priority\":5}]},"
    "\"rdma\":{\"mlx\":{\"hcaHandles\":3}},\"unified\":{\"memory.high\":\"max\"}},"
    "\"intelRdt\":{\"closID\":\"c\",\"schemata\":[\"L3:0=ff\"],\"enableMonitoring\":true},"
    "\"sysctl\":{\"net.ipv4.ip_forward\":\"1\",\"kernel.shmmax\":\"1\"},"
    "\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,"
    "\"architectures\":[\"SCMP_ARCH_X86_64\"],\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\"],"
    "\"listenerPath\":\"/run/l.sock\",\"listenerMetadata\":\"m\","
    "\"syscalls\":[{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"},"
    "{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38,"
    "\"args\":[{\"index\":0,\"value\":8,\"valueTwo\":9,\"op\":\"SCMP_CMP_MASKED_EQ\"}]}]},"
    "\"rootfsPropagation\":\"rslave\",\"maskedPaths\":[\"/proc/kcore\"],"
    "\"readonlyPaths\":[\"/proc/sys\"],\"mountLabel\":\"ml\","
    "\"personality\":{\"domain\":\"LINUX32\"},"
    "\"memoryPolicy\":{\"mode\":\"MPOL_BIND\",\"nodes\":\"0\","
    "\"flags\":[\"MPOL_F_STATIC_NODES\"]}},"
    "\"futureField\":{\"ignored\":[1,2,3]}}";

static void full_config_top_and_process(void **state) {
  struct hull_spec *s = parse_ok(full_config);
  assert_string_equal(s->oci_version, "1.3.0");
  assert_string_equal(s->root_path, "rootfs");
  assert_true(s->root_readonly);
  assert_string_equal(s->hostname, "h");
  assert_int_equal(s->n_mounts, 1);
  assert_string_equal(s->mounts[0].options[1], "ro");
  assert_null(s->mounts[0].options[2]);
  assert_int_equal(s->mounts[0].uid_mappings[0].host_id, 1000);
  assert_int_equal(s->mounts[0].gid_mappings[0].size, 5);
  struct hull_process *p = &s->process;
  assert_true(s->has_process && p->terminal && p->has_console_size);
  assert_int_equal(p->console_width, 80);
  assert_int_equal(p->uid, 1);
  assert_int_equal(p->gid, 2);
  assert_true(p->has_umask);
  assert_int_equal(p->umask, 022);
  assert_int_equal(p->n_additional_gids, 2);
  assert_int_equal(p->additional_gids[1], 4);
  assert_string_equal(p->args[2], "true");
  assert_null(p->args[3]);
  assert_string_equal(p->cwd, "/tmp");
  assert_true(p->caps.present[HULL_CAP_BOUNDING] && p->caps.present[HULL_CAP_AMBIENT]);
  assert_false(p->caps.present[HULL_CAP_EFFECTIVE]);
  assert_true(p->caps.sets[HULL_CAP_BOUNDING] == ((1ULL << 5) | (1ULL << 40)));
  assert_true(p->caps.sets[HULL_CAP_AMBIENT] == 0);
  assert_int_equal(p->n_rlimits, 1);
  assert_int_equal(p->rlimits[0].resource, RLIMIT_NOFILE);
  assert_int_equal(p->rlimits[0].hard, 200);
  assert_true(p->no_new_privileges);
  assert_true(p->has_oom_score_adj);
  assert_int_equal(p->oom_score_adj, -500);
  assert_int_equal(p->scheduler.policy, SCHED_DEADLINE);
  assert_int_equal(p->scheduler.nice, -3);
  assert_int_equal(p->scheduler.flags, SCHED_FLAG_RESET_ON_FORK | SCHED_FLAG_RECLAIM);
  assert_int_equal(p->scheduler.period, 30000);
  assert_int_equal(p->io_priority.klass, IOPRIO_CLASS_IDLE);
  assert_int_equal(p->io_priority.priority, 7);
  assert_string_equal(p->exec_cpu_affinity_final, "2, 3");
  assert_int_equal(s->hooks.count[HULL_HOOK_POSTSTOP], 1);
  assert_int_equal(s->hooks.count[HULL_HOOK_PRESTART], 0);
  assert_true(s->hooks.list[HULL_HOOK_POSTSTOP][0].has_timeout);
  assert_int_equal(s->hooks.list[HULL_HOOK_POSTSTOP][0].timeout, 7);
  assert_string_equal(hull_spec_annotation(s, "run.hull.init"), "true");
  assert_null(hull_spec_annotation(s, "nope"));
  hull_spec_free(s);
}

static void full_config_linux(void **state) {
  struct hull_spec *s = parse_ok(full_config);
  struct hull_linux *l = &s->linux_;
  assert_int_equal(l->n_namespaces, 5);
  assert_non_null(hull_spec_namespace(s, HULL_NS_TIME));
  assert_null(hull_spec_namespace(s, HULL_NS_PID));
  assert_string_equal(hull_spec_namespace(s, HULL_NS_NET)->path, "/run/netns/x");
  assert_false(l->time_offsets[0].present);
  assert_true(l->time_offsets[1].present);
  assert_int_equal(l->time_offsets[1].secs, -5);
  assert_int_equal(l->devices[0].type, 'c');
  assert_int_equal(l->devices[0].file_mode, 0666);
  assert_int_equal(l->devices[1].type, 'p');
  /* podman's form: the host node's st_mode, type bits (S_IFIFO) included */
  assert_true(l->devices[1].has_file_mode);
  assert_int_equal(l->devices[1].file_mode, 0644);
  assert_int_equal(l->n_net_devices, 2);
  assert_string_equal(l->net_devices[0].name, "in1");
  assert_null(l->net_devices[1].name);
  assert_true(l->has_resources);
  struct hull_resources *r = &l->resources;
  assert_int_equal(r->devices[1].type, 'c');
  assert_int_equal(r->devices[1].minor, -1);
  assert_string_equal(r->devices[1].access, "rw");
  assert_true(r->memory.has_limit && !r->memory.has_reservation);
  assert_int_equal(r->memory.swap, -1);
  assert_true(r->cpu.has_quota);
  assert_int_equal(r->cpu.quota, -1);
  assert_true(r->pids.has_limit);
  assert_int_equal(r->block_io.weight_devices[0].leaf_weight, 10);
  assert_false(r->block_io.weight_devices[0].has_weight);
  assert_int_equal(r->block_io.n_throttle[HULL_THROTTLE_WRITE_IOPS], 1);
  assert_int_equal(r->block_io.throttle[HULL_THROTTLE_WRITE_IOPS][0].rate, 300);
  assert_true(r->hugepage_limits[0].limit == UINT64_MAX);
  assert_int_equal(r->network.priorities[0].priority, 5);
  assert_true(r->rdma[0].has_hca_handles && !r->rdma[0].has_hca_objects);
  assert_string_equal(r->unified[0].value, "max");
  assert_true(l->intel_rdt.present && l->intel_rdt.enable_monitoring);
  assert_int_equal(l->n_sysctl, 2);
  struct hull_seccomp *sc = &l->seccomp;
  assert_true(sc->present);
  assert_int_equal(sc->default_action, SCMP_ACT_ERRNO(0));
  assert_int_equal(sc->default_errno_ret, 1);
  assert_int_equal(sc->n_syscalls, 2);
  assert_int_equal(sc->syscalls[0].action, SCMP_ACT_ALLOW);
  assert_int_equal(sc->syscalls[1].errno_ret, 38);
  assert_int_equal(sc->syscalls[1].args[0].op, SCMP_CMP_MASKED_EQ);
  assert_int_equal(sc->syscalls[1].args[0].value_two, 9);
  assert_string_equal(l->rootfs_propagation, "rslave");
  assert_string_equal(l->personality.domain, "LINUX32");
  assert_int_equal(l->memory_policy.mode, 2 /* MPOL_BIND */);
  hull_spec_free(s);
}

static void tables_round_trip(void **state) {
  for (int i = 0; i <= 40; i++) assert_int_equal(hull_cap_from_name(hull_cap_name(i)), i);
  assert_null(hull_cap_name(41));
  assert_int_equal(hull_cap_from_name("CAP_SYS_ADMIN"), 21);
  assert_int_equal(hull_cap_from_name("CAP_FOO"), -1);
  assert_true(hull_cap_last() >= 30 && hull_cap_last() <= 40);
  assert_int_equal(hull_rlimit_from_name("RLIMIT_RTTIME"), RLIMIT_RTTIME);
  assert_int_equal(hull_rlimit_from_name("RLIMIT_FOO"), -1);
  for (int t = 0; t < HULL_NS_NTYPES; t++)
    assert_int_equal(hull_ns_type_from_name(hull_ns_type_name(t)), t);
  assert_string_equal(hull_ns_type_name(HULL_NS_NET), "network");
}

static void process_and_resources_entry_points(void **state) {
  struct hull_err *err = NULL;
  const char *pj = "{\"args\":[\"ls\"],\"cwd\":\"/\",\"user\":{\"uid\":5}}";
  struct hull_process *p = hull_process_parse(pj, strlen(pj), &err);
  assert_non_null(p);
  assert_int_equal(p->uid, 5);
  hull_process_free(p);
  p = hull_process_parse("{\"cwd\":\"/\"}", 11, &err);
  assert_null(p);
  assert_string_equal(err->msg, "process.args: required");
  hull_err_free(&err);
  const char *rj = "{\"memory\":{\"limit\":-1},\"pids\":{\"limit\":10}}";
  struct hull_resources *r = hull_resources_parse(rj, strlen(rj), &err);
  assert_non_null(r);
  assert_int_equal(r->memory.limit, -1);
  assert_int_equal(r->pids.limit, 10);
  hull_resources_free(r);
  r = hull_resources_parse("{\"cpu\":{\"shares\":\"x\"}}", 22, &err);
  assert_null(r);
  assert_string_equal(err->msg, "resources.cpu.shares: expected integer, got string");
  hull_err_free(&err);
  /* a negative byte count but -1 (no limit) is refused, not made "max" */
  static const char *neg[] = {"limit", "reservation", "swap"};
  for (size_t i = 0; i < 3; i++) {
    _cleanup_free_ char *j = hull_xasprintf("{\"memory\":{\"%s\":-5}}", neg[i]);
    _cleanup_free_ char *want =
        hull_xasprintf("resources.memory.%s: -5 out of range [-1, 9223372036854775807]", neg[i]);
    assert_null(hull_resources_parse(j, strlen(j), &err));
    assert_string_equal(err->msg, want);
    hull_err_free(&err);
  }
}

static void default_spec_parses(void **state) {
  for (int rootless = 0; rootless < 2; rootless++) {
    _cleanup_free_ char *json = hull_spec_default_json(rootless, 1234, 5678);
    struct hull_spec *s = parse_ok(json);
    assert_string_equal(s->process.args[0], "sh");
    assert_true(s->process.terminal);
    assert_int_equal(s->n_mounts, 7);
    assert_non_null(s->linux_.masked_paths);
    assert_non_null(hull_spec_namespace(s, HULL_NS_PID));
    if (rootless) {
      assert_null(hull_spec_namespace(s, HULL_NS_NET));
      assert_non_null(hull_spec_namespace(s, HULL_NS_USER));
      assert_int_equal(s->linux_.uid_mappings[0].host_id, 1234);
      assert_int_equal(s->linux_.gid_mappings[0].host_id, 5678);
      assert_string_equal(s->mounts[5].source, "/sys");
      assert_false(s->linux_.has_resources);
      assert_null(s->linux_.cgroups_path);
    } else {
      assert_non_null(hull_spec_namespace(s, HULL_NS_NET));
      assert_null(hull_spec_namespace(s, HULL_NS_USER));
      assert_string_equal(s->mounts[5].type, "sysfs");
      assert_true(s->linux_.has_resources);
    }
    hull_spec_free(s);
  }
}

static void expect_error(const char *json, size_t len, const char *msg) {
  struct hull_err *err = NULL;
  struct hull_spec *s = hull_spec_parse(json, len, &err);
  if (s) fail_msg("accepted");
  assert_string_equal(err->msg, msg);
  hull_err_free(&err);
}

static void hostile_text(void **state) {
  /* 300 nested arrays: refused before yajl's recursive tree is built. */
  char deep[701];
  memset(deep, '[', 300);
  memset(deep + 300, ']', 300);
  strcpy(deep + 600, "");
  expect_error(deep, 600, "config: invalid JSON at line 1, column 201: nesting deeper than 200 levels");
  /* Brackets inside strings do not count. */
  _cleanup_free_ char *str = hull_xasprintf(
      "{\"ociVersion\":\"%s\",\"root\":{\"path\":\"r\"}}", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[");
  hull_spec_free(parse_ok(str));
  const char nul[] = "{\"ociVersion\":\"1\",\n\"root\":{\"path\":\"r\"}}\0garbage";
  expect_error(nul, sizeof(nul) - 1, "config: invalid JSON at line 2, column 21: NUL byte");
  const char *esc = "{\"ociVersion\":\"1\",\"root\":{\"path\":\"r\\u0000x\"}}";
  expect_error(esc, strlen(esc), "config: invalid JSON at line 1, column 43: \\u0000 in a string");
  /* len is honoured: the text need not be NUL-terminated. */
  const char *two = "{\"ociVersion\":\"1\",\"root\":{\"path\":\"r\"}}{\"x\":1}";
  hull_spec_free(parse_ok_len(two, strlen(two) - 7));
  expect_error(two, 10, "config: invalid JSON at line 1, column 11: parse error: premature EOF");
}

static void json_text_edge_cases(void **state) {
  /* Every JSON type, empty and nested containers, in an ignored field. */
  hull_spec_free(parse_ok("{\"ociVersion\":\"1\",\"root\":{\"path\":\"r\"},"
                          "\"x\":[[],{},[{\"a\":[[]]}],null,true,false,-1.5e3,\"\\u00e9\"]}"));
  /* Comments are tolerated, as yajl_tree_parse did. */
  hull_spec_free(parse_ok("/* c */ {\"ociVersion\":\"1\", // v\n \"root\":{\"path\":\"r\"}}"));
  const char *two = "{\"ociVersion\":\"1\",\"root\":{\"path\":\"r\"}} {}";
  expect_error(two, strlen(two), "config: invalid JSON at line 1, column 40: parse error: trailing garbage");
  expect_error("", 0, "config: invalid JSON at line 1, column 1: parse error: premature EOF");
  expect_error("\"x\"", 3, "expected object, got string");
  const char *utf = "{\"ociVersion\":\"\xff\"}";
  expect_error(utf, strlen(utf), "config: invalid JSON at line 1, column 16: lexical error: invalid bytes in UTF8 string");
}

static void sysctl_slash_form_and_ipc(void **state) {
  struct hull_spec *s = parse_ok(
      "{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"},\"linux\":{"
      "\"namespaces\":[{\"type\":\"network\"},{\"type\":\"ipc\"},{\"type\":\"uts\"}],"
      "\"sysctl\":{\"net/ipv4/conf/eth0.100/forwarding\":\"1\",\"kernel/shmmax\":\"1\","
      "\"fs.mqueue.msg_max\":\"10\",\"kernel.domainname\":\"x\"}}}");
  assert_int_equal(s->linux_.n_sysctl, 4);
  assert_string_equal(s->linux_.sysctl[0].key, "net/ipv4/conf/eth0.100/forwarding");
  hull_spec_free(s);
}

static void repeated_keys_last_wins(void **state) {
  struct hull_spec *s = parse_ok(
      "{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"a\"},\"root\":{\"path\":\"b\"},"
      "\"annotations\":{\"k\":\"1\",\"j\":\"x\",\"k\":\"2\"},"
      "\"linux\":{\"netDevices\":{\"eth1\":{\"name\":\"a\"},\"eth1\":{\"name\":\"b\"}},"
      "\"resources\":{\"rdma\":{\"m\":{\"hcaHandles\":1},\"m\":{\"hcaHandles\":2}}}}}");
  assert_string_equal(s->root_path, "b");
  assert_int_equal(s->n_annotations, 2);
  assert_string_equal(hull_spec_annotation(s, "k"), "2");
  assert_int_equal(s->linux_.n_net_devices, 1);
  assert_string_equal(s->linux_.net_devices[0].name, "b");
  assert_int_equal(s->linux_.resources.n_rdma, 1);
  assert_int_equal(s->linux_.resources.rdma[0].hca_handles, 2);
  hull_spec_free(s);
}

/* delete reads a config the strict parser refuses: only annotations and
 * poststop hooks, bad entries of either skipped. */
static void teardown_parse_is_lenient(void **state) {
  (void)state;
  const char *cfg =
      "{\"ociVersion\": 5, \"root\": 7, \"linux\": {\"resources\": {\"memory\": {\"limit\": \"x\"}}},"
      " \"annotations\": {\"run.hull.net\": \"veth\", \"bad\": 1},"
      " \"hooks\": {\"prestart\": 3, \"poststop\": [{\"path\": \"rel\"}, 5,"
      " {\"path\": \"/bin/true\", \"args\": [\"true\", \"x\"], \"timeout\": 3}]}}";
  struct hull_err *err = NULL;
  assert_null(hull_spec_parse(cfg, strlen(cfg), &err));
  hull_err_free(&err);
  struct hull_spec *s = hull_spec_parse_teardown(cfg, strlen(cfg), &err);
  assert_non_null(s);
  assert_int_equal(s->n_annotations, 1);
  assert_string_equal(hull_spec_annotation(s, "run.hull.net"), "veth");
  assert_int_equal(s->hooks.count[HULL_HOOK_POSTSTOP], 1);
  assert_string_equal(s->hooks.list[HULL_HOOK_POSTSTOP][0].path, "/bin/true");
  assert_string_equal(s->hooks.list[HULL_HOOK_POSTSTOP][0].args[1], "x");
  assert_int_equal(s->hooks.list[HULL_HOOK_POSTSTOP][0].timeout, 3);
  assert_int_equal(s->hooks.count[HULL_HOOK_PRESTART], 0);
  hull_spec_free(s);
  /* not even an object: an empty result, not an error */
  s = hull_spec_parse_teardown("[1]", 3, &err);
  assert_non_null(s);
  assert_int_equal(s->n_annotations, 0);
  hull_spec_free(s);
  /* malformed JSON is the one failure */
  assert_null(hull_spec_parse_teardown("{", 1, &err));
  assert_non_null(err);
  hull_err_free(&err);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(schema_good_vectors_parse),
      cmocka_unit_test(teardown_parse_is_lenient),
      cmocka_unit_test(schema_bad_vectors_rejected),
      cmocka_unit_test(full_config_top_and_process),
      cmocka_unit_test(full_config_linux),
      cmocka_unit_test(tables_round_trip),
      cmocka_unit_test(process_and_resources_entry_points),
      cmocka_unit_test(default_spec_parses),
      cmocka_unit_test(hostile_text),
      cmocka_unit_test(sysctl_slash_form_and_ipc),
      cmocka_unit_test(json_text_edge_cases),
      cmocka_unit_test(repeated_keys_last_wins),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
